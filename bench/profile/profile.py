#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""profile.py: the host side of make bench-profile.

Reads the console log of the profile boot (bench/profile/profile.sh in the
guest): the folded stacks of each server's run under perf (gzip, base64,
BENCH-PROFILE lines), the run's request counts (BENCH-PROFILE-META), and
writes to OUTDIR:

  profile.md               where the time of a request goes, per server
  profile-IMPL.folded      the stacks of both CPUs, "frame;...;frame N"
                           (flamegraph.pl's input), script_run's offsets
                           expanded into the functions inlined there
  profile-IMPL.svg         a flame graph of the server's CPU (CPU 1)

Offsets in script_run (kept by profile.sh) are mapped to the chain of
functions inlined at that point with addr2line on an -g build of
kernel/script/interp.o (bench/profile/profile.mk builds it with the
kernel's own flags): "script_run;script_call_op [i]" rather than
"script_run".

Every sample of the server's CPU gets one category from CLASSES below:
the stack is walked from the leaf towards the root, and the first frame
that a rule matches decides (rules in table order at that frame).  So a
sample in tcp_sendmsg under the sendto op is TCP, one in kmem_cache_alloc
under openat2 is openat2's own work.  Idle (the server waited) is not
part of the time per request: it is shown apart.
"""

import argparse
import base64
import collections
import gzip
import hashlib
import html
import json
import os
import re
import subprocess
import sys
import zlib

# ---------------------------------------------------------------------------
# Classification: (category, frame regex, caller regex or None).  A
# category may use {1}, the frame regex's first group.  Adjust here when
# symbol names change.  "[i]" marks a function inlined into script_run.

UACCESS = (r"^(__get_user_(nocheck_)?\d|__put_user_(nocheck_)?\d|"
           r"_?copy_(from|to)_user|copy_user_\w+|rep_movs_alternative|"
           r"rep_stos_alternative|_?_?clear_user|strncpy_from_user|"
           r"__get_user_handle_exception|__put_user_handle_exception|"
           r"script_copy_in|script_copy_out)( \[i\])?$")
INTERP_INLINE = r"^(script_run|script_call|script_return|script_div\d+|" \
                r"script_mod\d+|script_insn_start|script_start|" \
                r"script_state_valid|script_park)( \[i\])?$"
LOADSTORE = (r"^(script_load|script_store|script_get|script_put|script_addr|"
             r"script_uaddr_ok)( \[i\])?$")
DISPATCH = (r"^(script_call_op|script_op_interrupted|script_op_get|"
            r"script_op_row|script_mem_fn|script_sys_fn|"
            r"script_op_maybe_interrupted|"
            r"script_syscall_denied|script_audit_\w+|__audit_\w+|audit_\w+|"
            r"__secure_computing|__seccomp_filter|seccomp_run_filters|"
            r"bpf_prog_run\w*|trace_script_op|__traceiter_script_op|"
            r"perf_trace_script_op|trace_event_raw_event_script_op)"
            r"( \[i\])?$")
NET = (r"^(tcp_\w+|__tcp_\w+|ip_\w+|__ip_\w+|ipv4_\w+|inet_\w+|__inet_\w+|"
       r"sk_\w+|__sk_\w+|sock_\w+|__sock_\w+|sockfd_lookup_light|"
       r"skb_\w+|__skb_\w+|kfree_skb\w*|__kfree_skb|consume_skb|"
       r"napi_\w+|__napi_\w+|alloc_skb\w*|__alloc_skb|__build_skb\w*|"
       r"net_rx_action|__netif_\w+|netif_\w+|process_backlog|"
       r"loopback_xmit|__dev_queue_xmit|dev_hard_start_xmit|"
       r"dev_queue_xmit\w*|validate_xmit_skb\w*|nf_hook\w*|"
       r"lock_sock_nested|release_sock|__release_sock|__lock_sock|"
       r"raw_v4_\w+|__sys_(sendto|recvfrom|sendmsg|recvmsg|shutdown|"
       r"accept4|setsockopt)|__sock_\w+|sock_sendmsg|sock_recvmsg|"
       r"__x64_sys_(sendto|recvfrom)|dst_release|__dst_\w+|fib_\w+|"
       r"__fib_\w+|neigh_\w+|eth_type_trans|__copy_skb_header|"
       r"csum_\w+|__csum_\w+|do_tcp_\w+|bpf_skops\w*|"
       r"mem_cgroup_charge_skmem|__sk_mem_\w+|sk_stream_\w+)$")
SCHED = (r"^(try_to_wake_up|ttwu_\w+|wake_up_\w+|__wake_up\w*|"
         r"default_wake_function|autoremove_wake_function|"
         r"schedule|__schedule|schedule_hrtimeout\w*|schedule_timeout|"
         r"finish_task_switch\w*|__switch_to\w*|switch_mm\w*|"
         r"context_switch|pick_next_\w+|__pick_next_\w+|put_prev_\w+|"
         r"set_next_\w+|enqueue_\w+|dequeue_\w+|update_curr\w*|"
         r"update_load_avg|psi_\w+|select_task_rq\w*|check_preempt\w*|"
         r"resched_curr|sched_\w+|__update_load_avg\w*|"
         r"activate_task|deactivate_task|reweight_entity|"
         r"update_cfs_group|newidle_balance|sched_balance_\w+|"
         r"raw_spin_rq_\w+|native_sched_clock|sched_clock\w*|"
         r"load_balance|__cond_resched|preempt_schedule\w*|"
         r"hrtick_update|prepare_task_switch|__perf_event_task_sched_\w+|"
         r"perf_event_task_sched_\w+)$")
EPOLL = (r"^(ep_\w+|__ep_\w+|do_epoll_\w+|__x64_sys_epoll_\w+|"
         r"__do_sys_epoll_\w+|epoll_\w+|script_op_epoll_\w+|"
         r"eventpoll_\w+|ep_poll_callback)$")
# Interrupts by their entry and handlers; a softirq run by local_bh_enable
# (the loopback's receive, inside a send) is the work it does, found
# further up or down the stack.  Clock reads (ktime_get) are their
# caller's.
IRQ = (r"^(hrtimer_\w+|__hrtimer_\w+|tick_\w+|update_process_times|"
       r"sched_tick|scheduler_tick|__sysvec_\w+|sysvec_\w+|asm_sysvec_\w+|"
       r"irq_exit_rcu|__irq_exit_rcu|run_timer_softirq|__run_timers|"
       r"call_timer_fn|rcu_\w+|irqentry_\w+|common_interrupt|"
       r"asm_common_interrupt|e1000_\w+|serial8250_\w+|handle_irq\w*|"
       r"handle_edge_irq|handle_fasteoi_irq|__common_interrupt|"
       r"clockevents_\w+|lapic_next_\w+|native_apic_\w+|"
       r"timekeeping_\w+|account_\w+|acct_\w+|irqtime_\w+|"
       r"generic_smp_call_function_\w+|__flush_smp_call_function_queue|"
       r"irq_work_\w+)$")
ENTRY = (r"^(entry_SYSCALL_64\w*|do_syscall_64|x64_sys_call|"
         r"syscall_exit_to_user_mode\w*|syscall_exit_work|"
         r"exit_to_user_mode_\w+|arch_exit_to_user_mode\w*|"
         r"syscall_return_via_sysret|entry_SYSRETQ\w*|"
         r"switch_fpu_return|fpregs_restore_userregs|restore_fpregs\w*|"
         r"syscall_trace_enter|__x64_sys_call|syscall_enter_from_user_mode\w*|"
         r"fpu__\w+|os_xrstor\w*|xrstor\w*)$")
IDLE = (r"^(do_idle|cpu_idle_poll|default_idle\w*|arch_cpu_idle\w*|"
        r"cpu_startup_entry|start_secondary|acpi_idle\w*|intel_idle\w*|"
        r"mwait_idle\w*|poll_idle|cpuidle_\w+|native_safe_halt|pv_native_safe_halt|"
        r"common_startup_64|secondary_startup_64\w*)$")

CLASSES = [
    # the interpreter (script(2) server only)
    ("interp: user access", UACCESS, LOADSTORE),
    ("interp: user access", UACCESS, INTERP_INLINE),
    ("interp: user access", LOADSTORE, None),
    ("dispatch: arg copy", UACCESS, DISPATCH),
    # a yield point: at an op (dispatch) or at a back-edge (interpreter),
    # by whether script_call_op is further up; its deferred work (the
    # final fput of a closed file) is the close op's, below
    ("@yield", r"^(script_yield|script_yield_slow|script_resched|script_work)"
               r"( \[i\])?$", None),
    # close(): the final fput (in close itself, or deferred to task work
    # that a yield point or the return to user mode runs); a socket's is
    # TCP's, which the walk meets first
    ("op: close", r"^(__fput|____fput|__fput_sync|delayed_fput|task_work_run)$",
     None),
    ("dispatch", DISPATCH, None),
    ("interp: instructions", INTERP_INLINE, None),
    # shared
    # TCG takes a timer interrupt when interrupts are enabled again: an
    # IRQs-off section shows as its irqrestore.  A socket's wakeup of its
    # reader (the other side: wrk, for a response) is one: ep_poll_callback,
    # try_to_wake_up and an IPI when the reader's CPU is idle.
    ("wakeups, scheduler", r"^_raw_spin_unlock_irq(restore)?$",
     r"^(sock_def_readable|sock_def_write_space\w*|sk_stream_write_space|"
     r"__wake_up\w*|ep_poll_callback|try_to_wake_up)$"),
    ("TCP/IP", NET, None),
    ("epoll", EPOLL, None),
    ("wakeups, scheduler", SCHED, None),
    ("interrupts, timers, RCU", IRQ, None),
    ("syscall entry/exit", ENTRY, None),
    # an op or system call by its entry point; ops and system calls often
    # tail-call (script_op_openat2 and __x64_sys_openat2 jump to
    # ksys_openat2, which the stack shows), hence the inner names too
    ("op: {1}", r"^(?:script_op_|__x64_sys_|__se_sys_|__do_sys_|ksys_|"
                r"do_sys_)(\w+?)(?:\.(?:constprop|isra|part)\.\d+)*$", None),
    ("op: {1}", r"^(do_sendfile|do_splice_direct|vfs_fstat|vfs_statx)$", None),
    ("idle", IDLE, None),
]
# The same op by the system call's and the op's names
OP_ALIASES = {"newfstat": "fstat", "newfstatat": "fstat", "vfs_fstat": "fstat",
              "vfs_statx": "statx", "sendto": "send", "recvfrom": "recv",
              "sendfile64": "sendfile", "do_sendfile": "sendfile",
              "do_splice_direct": "sendfile", "openat2": "openat2"}

# The rows of the summary table: (row, categories) in order; "op: *"
# are the ops' and system calls' own kernel work, each op a sub-row.
GROUPS = [
    ("interpreted instructions", ["interp: instructions",
                                  "interp: yield at back-edges"]),
    ("op dispatch (yield, seccomp, arg copy, trace, audit)",
     ["dispatch", "dispatch: yield at ops", "dispatch: arg copy"]),
    ("user-memory access from the interpreter", ["interp: user access"]),
    ("syscall entry/exit", ["syscall entry/exit"]),
    ("ops' / system calls' own kernel work", ["op: *"]),
    ("epoll (wait, ctl, ready list)", ["epoll"]),
    ("wakeups, scheduler", ["wakeups, scheduler"]),
    ("TCP/IP (incl. loopback softirq)", ["TCP/IP"]),
    ("user side (user-mode samples)", ["user"]),
    ("interrupts, timers, RCU", ["interrupts, timers, RCU"]),
    ("other kernel", ["other"]),
    ("other tasks on CPU 1 (kworkers, perf, the server not measured)",
     ["other tasks"]),
]

CAVEATS = """## Reading it

- **TCG moves a sample to the next block.**  QEMU takes an interrupt only
  at the start of a translation block, so a sample's address is the start
  of the block after the one that was running: a block's cost shows at its
  successor's start.  Function-level attribution is right but for one
  block at each call and return; inside script_run (the `[i]` frames, from
  the line table of an -g build of interp.o) it is one basic block off: the
  last block of an inlined load shows at the dispatch that follows it.
- **An IRQs-off section shows at its end.**  The clock's interrupt waits
  while interrupts are off and is taken at the irqrestore, so the whole
  section is charged to `_raw_spin_unlock_irqrestore` under its caller:
  under `sock_def_readable` that is the wakeup of the socket's reader
  (ep_poll_callback, try_to_wake_up, an IPI when its CPU is idle), which
  the rules count as wakeups, not TCP.
- **Categories** are the first rule of `CLASSES` in bench/profile/profile.py
  that matches a frame, walking from the leaf up, so TCP under an op is TCP
  and the op's "own work" is what is left (path walk, file and fd tables,
  page cache).  "user side" is every user-mode sample of the server.
- **wrk runs on CPU 0** and is not in the per-request sum; its idle time
  there shows how often it waits for the server, and so how often a
  response must wake it.
"""

SERVER_COMM = {"script": "httpd", "epoll": "epoll_httpd",
               "epoll-spin": "epoll_httpd"}
SERVER_CPU = "cpu1"
CLIENT_CPU = "cpu0"

_rules = [(c, re.compile(f), re.compile(p) if p else None)
          for c, f, p in CLASSES]
_callop = re.compile(r"^script_call_op( \[i\])?$")


def classify(frames, mode):
    """frames: root first; mode: "user" or "kernel" (of the leaf)."""
    if mode == "user":
        return "user"
    for i in range(len(frames) - 1, -1, -1):
        f = frames[i]
        caller = frames[i - 1] if i else ""
        for cat, fre, pre in _rules:
            m = fre.match(f)
            if not m or (pre and not pre.match(caller)):
                continue
            if cat == "@yield":
                if any(_callop.match(g) for g in frames[:i]):
                    return "dispatch: yield at ops"
                return "interp: yield at back-edges"
            if "{1}" in cat:
                name = m.group(1)
                return cat.replace("{1}", OP_ALIASES.get(name, name))
            return cat
    return "other"


# ---------------------------------------------------------------------------
# The console log

def read_log(path):
    chunks = collections.defaultdict(list)
    ends, metas, rows, infos = {}, {}, [], []
    with open(path, "rb") as f:
        for raw in f:
            line = raw.decode("utf-8", "replace").rstrip("\r\n").rstrip("\r")
            if line.startswith("BENCH-PROFILE "):
                _, name, data = line.split(" ", 2)
                chunks[name].append(data.strip())
            elif line.startswith("BENCH-PROFILE-END "):
                _, name, n, md5 = line.split()
                ends[name] = (int(n), md5)
            elif line.startswith("BENCH-PROFILE-META "):
                m = json.loads(line.split(" ", 1)[1])
                m.setdefault("name", m["impl"])
                m.setdefault("round", 1)
                metas[m["name"]] = m
            elif line.startswith("BENCH-PROFILE-SERVER "):
                m = json.loads(line.split(" ", 1)[1])
                metas.setdefault("_servers", {})[m["impl"]] = m
            elif line.startswith("BENCH-PROFILE-COUNTERS "):
                m = json.loads(line.split(" ", 1)[1])
                metas.setdefault("_counters", {})[m["run"]] = m
            elif line.startswith("BENCH-ROW "):
                rows.append(json.loads(line.split(" ", 1)[1]))
            elif line.startswith("BENCH-INFO profile") or \
                    line.startswith("BENCH-ERROR"):
                infos.append(line)
            elif "Marking clocksource" in line and "unstable" in line:
                # the kernel moved to another clocksource (the HPET): its
                # reads are emulated MMIO, every timestamp slow
                metas.setdefault("_meta", {})["clock"] = line.strip()
            elif line.startswith("BENCH-HOST "):
                metas.setdefault("_host", {}).update(
                    json.loads(line.split(" ", 1)[1]))
            elif line.startswith("BENCH-META "):
                m = json.loads(line.split(" ", 1)[1])
                metas.setdefault("_meta", {})[m["key"]] = m["value"]
    folded = {}
    for name, lines in chunks.items():
        if name not in ends:
            sys.exit(f"profile.py: {name}: no BENCH-PROFILE-END")
        n, md5 = ends[name]
        if len(lines) != n:
            sys.exit(f"profile.py: {name}: {len(lines)} lines of {n}")
        data = base64.b64decode("".join(lines))
        if hashlib.md5(data).hexdigest() != md5:
            sys.exit(f"profile.py: {name}: checksum mismatch (console garbled?)")
        text = gzip.decompress(data).decode("utf-8", "replace")
        stacks = []
        for ln in text.splitlines():
            cnt, _, key = ln.partition(" ")
            if cnt.isdigit():
                stacks.append((int(cnt), key.split(";")))
        folded[name] = stacks
    return folded, metas, rows, infos


# ---------------------------------------------------------------------------
# Offsets in script_run to the functions inlined there

class Inliner:
    def __init__(self, obj, vmlinux, func="script_run"):
        self.obj, self.func, self.cache = obj, func, {}
        self.base = None
        self.note = ""
        if not obj or not os.path.exists(obj):
            self.note = f"no {obj}: offsets in {func} not mapped"
            return
        osize = self._size(obj)
        vsize = self._size(vmlinux) if vmlinux and os.path.exists(vmlinux) else None
        if osize is None:
            self.note = f"no {func} in {obj}"
            return
        if vsize is not None and vsize[1] != osize[1]:
            self.note = (f"{func} is {osize[1]} bytes in {obj} but {vsize[1]} "
                         f"in {vmlinux}: offsets not mapped")
            return
        self.base = osize[0]

    def _size(self, path):
        out = subprocess.run(["nm", "-S", path], capture_output=True,
                             text=True).stdout
        for ln in out.splitlines():
            p = ln.split()
            if len(p) == 4 and p[3] == self.func:
                return int(p[0], 16), int(p[1], 16)
        return None

    def resolve(self, offsets):
        """offsets: the set of (offset, is_leaf) to map."""
        todo = sorted({o - (0 if leaf else 1) for o, leaf in offsets
                       if (o - (0 if leaf else 1)) not in self.cache})
        if self.base is None or not todo:
            return
        args = ["addr2line", "-e", self.obj, "-i", "-f", "-a"] + \
               [hex(self.base + o) for o in todo]
        out = subprocess.run(args, capture_output=True, text=True).stdout
        cur, chain = None, []
        lines = out.splitlines()
        i = 0
        while i < len(lines):
            ln = lines[i]
            if ln.startswith("0x"):
                if cur is not None:
                    self.cache[cur] = chain
                cur, chain = int(ln, 16) - self.base, []
                i += 1
                continue
            fn = ln
            loc = lines[i + 1] if i + 1 < len(lines) else ""
            chain.append((fn, loc.rsplit("/", 1)[-1]))
            i += 2
        if cur is not None:
            self.cache[cur] = chain

    def expand(self, off, leaf):
        """Frames, outermost first, for func+off."""
        key = off - (0 if leaf else 1)
        chain = self.cache.get(key)
        if not chain:
            return [self.func]
        # addr2line -i: innermost first, the function itself last
        names = [fn for fn, _ in reversed(chain)]
        return [self.func] + [n + " [i]" for n in names[1:]]


def expand_stacks(stacks, inl):
    pat = re.compile(r"^" + re.escape(inl.func) + r"\+0x([0-9a-f]+)$")
    want = set()
    for _, key in stacks:
        frames = key[3:]
        for j, f in enumerate(frames):
            m = pat.match(f)
            if m:
                want.add((int(m.group(1), 16), j == len(frames) - 1))
    inl.resolve(want)
    out = []
    for cnt, key in stacks:
        cpu, comm, mode, frames = key[0], key[1], key[2], key[3:]
        nf = []
        for j, f in enumerate(frames):
            m = pat.match(f)
            if m:
                nf.extend(inl.expand(int(m.group(1), 16), j == len(frames) - 1))
            else:
                nf.append(re.sub(r"\+0x[0-9a-f]+$", "", f))
        out.append((cnt, cpu, comm, mode, nf))
    return out


# ---------------------------------------------------------------------------
# Numbers

def analyse(samples, impl, meta, name):
    period_us = meta["period_ns"] / 1000.0
    reqs = meta["perf_rps"] * meta["duration_s"]
    comm = SERVER_COMM.get(impl, impl)
    cat = collections.Counter()
    other_leaf = collections.Counter()
    selfs, children = collections.Counter(), collections.Counter()
    cpu0 = collections.Counter()
    tasks = collections.Counter()
    total = collections.Counter()
    for cnt, cpu, c, mode, frames in samples:
        total[cpu] += cnt
        if cpu != SERVER_CPU:
            if c.startswith("swapper"):
                cpu0["idle" if classify(frames, mode) == "idle" else
                     "softirq/irq in idle"] += cnt
            else:
                cpu0[f"{c} {'user' if mode == 'user' else 'kernel'}"] += cnt
            continue
        k = classify(frames, mode)
        if k == "other" and c.startswith("swapper"):
            k = "idle"
        elif c != comm and not c.startswith("swapper") and k != "TCP/IP":
            k = "other tasks"
        cat[k] += cnt
        tasks[c] += cnt
        if k == "idle":
            continue
        leaf = frames[-1] if frames else "?"
        if k == "user":
            leaf = f"{leaf} (user)"
        if k == "other":
            other_leaf[leaf] += cnt
        selfs[leaf] += cnt
        for f in set(frames):
            children[f] += cnt
    busy = sum(v for k, v in cat.items() if k != "idle")
    # Samples go missing when a CPU's timer interrupt comes late (the host
    # took QEMU's CPU away; interrupts were off): a late hrtimer records
    # one sample for the periods it missed.  The samples that are there
    # stand for the whole sampled time: each is scaled by coverage.
    expect = meta["duration_s"] * 1e6 / period_us
    coverage = total.get(SERVER_CPU, 0) / expect if expect else 1.0
    scale = period_us / coverage if coverage else 0.0
    res = {
        "impl": impl, "name": name, "comm": comm, "reqs": reqs,
        "coverage": coverage,
        "expect": expect,
        "raw_us": lambda n: n * period_us / reqs if reqs else 0.0,
        "us": lambda n: n * scale / reqs if reqs else 0.0,
        "cat": cat, "busy": busy, "idle": cat.get("idle", 0),
        "selfs": selfs, "children": children, "other_leaf": other_leaf,
        "cpu0": cpu0, "tasks": tasks, "total": total, "meta": meta,
    }
    return res


def group_rows(res):
    cat = res["cat"]
    rows = []
    used = set()
    for name, cats in GROUPS:
        if cats == ["op: *"]:
            subs = sorted(((k, v) for k, v in cat.items()
                           if k.startswith("op: ")), key=lambda kv: -kv[1])
            rows.append((name, sum(v for _, v in subs), subs))
            used.update(k for k, _ in subs)
        else:
            rows.append((name, sum(cat.get(k, 0) for k in cats), None))
            used.update(cats)
    rest = sum(v for k, v in cat.items() if k not in used and k != "idle")
    if rest:
        rows.append(("unclassified", rest, None))
    return rows


def steps_per_req(meta):
    m = re.search(r"(\d+) per request", meta.get("counters", ""))
    return int(m.group(1)) if m else None


# ---------------------------------------------------------------------------
# Output

def write_folded(path, samples):
    agg = collections.Counter()
    for cnt, cpu, comm, mode, frames in samples:
        agg[";".join([cpu, comm] + frames)] += cnt
    with open(path, "w") as f:
        for k in sorted(agg):
            f.write(f"{k} {agg[k]}\n")


def write_svg(path, samples, title, cpu=SERVER_CPU, width=1200):
    root = {"n": 0, "c": {}}
    for cnt, c, comm, mode, frames in samples:
        if c != cpu:
            continue
        node = root
        node["n"] += cnt
        for f in [comm] + frames:
            node = node["c"].setdefault(f, {"n": 0, "c": {}})
            node["n"] += cnt
    total = root["n"] or 1
    rowh, depth = 16, [0]
    rects = []

    def walk(node, name, x, d):
        w = node["n"] / total * (width - 20)
        if w < 0.3:
            return
        depth[0] = max(depth[0], d)
        rects.append((x, d, w, name, node["n"]))
        cx = x
        for k in sorted(node["c"]):
            walk(node["c"][k], k, cx, d + 1)
            cx += node["c"][k]["n"] / total * (width - 20)

    walk(root, "all", 10, 0)
    height = (depth[0] + 1) * rowh + 50
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" '
           f'height="{height}" font-family="monospace" font-size="11">',
           f'<rect width="100%" height="100%" fill="#f8f8f8"/>',
           f'<text x="10" y="20" font-size="14">{html.escape(title)}</text>']
    for x, d, w, name, n in rects:
        y = height - 20 - (d + 1) * rowh
        h = zlib.crc32(name.encode()) & 0xffff
        if name.endswith(" [i]"):
            color = f"rgb(80,{150 + h % 80},{200 + h % 50})"
        elif name.startswith("script_"):
            color = f"rgb({200 + h % 50},{90 + h % 60},60)"
        else:
            color = f"rgb({220 + h % 30},{120 + h % 100},{40 + h % 40})"
        label = name if w > 7 * len(name) else name[:max(0, int(w / 7) - 2)] + ".." if w > 30 else ""
        pct = 100.0 * n / total
        out.append(f'<g><title>{html.escape(name)} ({n} samples, {pct:.2f}%)'
                   f'</title><rect x="{x:.1f}" y="{y}" width="{w:.1f}" '
                   f'height="{rowh - 1}" fill="{color}"/>'
                   + (f'<text x="{x + 2:.1f}" y="{y + 11}">{html.escape(label)}</text>'
                      if label else "") + "</g>")
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def fmt(x):
    return f"{x:.1f}"


def report(results, rounds, inl, metas, infos, outdir, notes):
    R = []
    host = metas.get("_host", {})
    meta = metas.get("_meta", {})
    R.append("# Where a 1 KiB request's time goes\n")
    R.append("Written by `make bench-profile` (bench/profile/): one boot of the "
             "normal kernel under QEMU (TCG); wrk (1 KiB, 32 connections, one "
             "thread, CPU 0) against each server (one worker, CPU 1), in turns "
             "(the runs of a server pooled below, then one by one), sampled "
             "by `perf record -e cpu-clock -a -g` (TCG has no PMU: a sample "
             "every period of each CPU's clock, idle included).  Each sample "
             "of CPU 1 gets one category (bench/profile/profile.py, "
             "`CLASSES`: the first frame from the leaf up that a rule "
             "matches decides); time per request = samples x period / "
             "requests (wrk's req/s under perf x the sampled seconds).\n")
    if meta.get("code"):
        R.append(f"- code: the last commit to the kernel's files, {meta['code']}")
    if meta.get("clock"):
        R.append(f"- **the clocksource changed during the boot**: "
                 f"`{meta['clock']}`; the runs after it read the clock "
                 f"through the HPET (an emulated device), which makes "
                 f"every timestamp slow: do not compare them with a boot on "
                 f"the TSC")
    if meta.get("uname"):
        R.append(f"- guest: {meta.get('uname', '?')}, {meta.get('nproc', '?')} CPUs")
    if host:
        R.append(f"- host load average {host.get('loadavg_before', '?')} before "
                 f"the boot, {host.get('loadavg_after', '?')} after it; the boot "
                 f"took {host.get('boot_seconds', '?')} s")
    if inl.note:
        R.append(f"- {inl.note}")
    else:
        R.append("- offsets in script_run mapped to the functions inlined there "
                 "(`[i]`) with an -g build of kernel/script/interp.o")
    R.append("")
    # measured
    R.append("## Measured\n")
    R.append("| server | req/s (no perf) | req/s under perf | us per request "
             "under perf (1e6 / req/s) | CPU 1 samples (expected) | coverage "
             "| CPU 1 busy + idle, samples x period, us per request |")
    R.append("|---|---:|---:|---:|---:|---:|---:|")
    for r in results:
        m = r["meta"]
        per = 1e6 / m["perf_rps"] if m["perf_rps"] else 0
        raw = r["raw_us"](r["busy"] + r["idle"])
        R.append(f"| {r['impl']} | {m['ref_rps']:.0f} | {m['perf_rps']:.0f} | "
                 f"{fmt(per)} | {r['total'].get(SERVER_CPU, 0)} "
                 f"({r['expect']:.0f}) | {100 * r['coverage']:.0f}% | "
                 f"{fmt(raw)} |")
    R.append("")
    R.append("Coverage: the samples of CPU 1 over the sampled seconds / the "
             "period.  A timer interrupt that comes late (QEMU's thread "
             "without a host CPU, interrupts off in the guest) makes one "
             "sample for all the periods it missed; below, every sample "
             "stands for period / coverage, so that busy + idle is the "
             "sampled time.  On a quiet host the coverage is near 100% and "
             "samples x period alone add up to the measured time.\n")
    for r in results:
        spr = steps_per_req(r["meta"])
        if spr:
            t = r["us"](r["cat"].get("interp: instructions", 0) +
                        r["cat"].get("interp: yield at back-edges", 0))
            R.append(f"- {r['impl']}: {spr} interpreter steps per request "
                     f"(its counters); interpreted instructions "
                     f"{fmt(t)} us per request = {1000 * t / spr:.0f} ns a step "
                     f"under perf")
    R.append("")
    # table
    names = [r["impl"] for r in results]
    R.append("## Per request, in us (CPU 1, the server's)\n")
    R.append("| | " + " | ".join(names) +
             (" | difference |" if len(names) == 2 else " |"))
    R.append("|---|" + "---:|" * (len(names) + (1 if len(names) == 2 else 0)))
    grows = [dict((n, (v, s)) for n, v, s in group_rows(r)) for r in results]
    order = [n for n, _, _ in group_rows(results[0])]
    for r in results[1:]:
        for n, _, _ in group_rows(r):
            if n not in order:
                order.append(n)
    for name in order:
        vals = [g.get(name, (0, None))[0] for g in grows]
        if not any(vals):
            continue
        us = [res["us"](v) for res, v in zip(results, vals)]
        line = f"| {name} | " + " | ".join(fmt(u) for u in us)
        if len(us) == 2:
            line += f" | {us[0] - us[1]:+.1f}"
        R.append(line + " |")
        if name.startswith("ops'"):
            subs = collections.OrderedDict()
            for g in grows:
                for k, v in (g.get(name, (0, None))[1] or []):
                    subs[k] = 1
            for k in subs:
                us = []
                for res, g in zip(results, grows):
                    d = dict(g.get(name, (0, None))[1] or [])
                    us.append(res["us"](d.get(k, 0)))
                line = f"| &nbsp;&nbsp;{k[4:]} | " + " | ".join(fmt(u) for u in us)
                if len(us) == 2:
                    line += f" | {us[0] - us[1]:+.1f}"
                R.append(line + " |")
    tot = [r["us"](r["busy"]) for r in results]
    line = "| **sum (CPU 1 busy)** | " + " | ".join(f"**{fmt(t)}**" for t in tot)
    if len(tot) == 2:
        line += f" | **{tot[0] - tot[1]:+.1f}**"
    R.append(line + " |")
    per = [1e6 / r["meta"]["perf_rps"] for r in results]
    line = "| measured, 1e6 / (req/s under perf) | " + " | ".join(fmt(p) for p in per)
    if len(per) == 2:
        line += f" | {per[0] - per[1]:+.1f}"
    R.append(line + " |")
    idl = [r["us"](r["idle"]) for r in results]
    line = "| (CPU 1 idle, not in the sum) | " + " | ".join(fmt(p) for p in idl)
    if len(idl) == 2:
        line += " | "
    R.append(line + " |")
    R.append("")
    if len(results) == 2:
        a, b = results
        diffs = []
        for k in set(a["cat"]) | set(b["cat"]):
            if k == "idle":
                continue
            diffs.append((a["us"](a["cat"].get(k, 0)) - b["us"](b["cat"].get(k, 0)), k))
        diffs.sort(reverse=True)
        R.append(f"Largest differences, {a['impl']} - {b['impl']}, us per request: " +
                 ", ".join(f"{k} {d:+.1f}" for d, k in diffs[:8] if d > 0) +
                 "; and the other way: " +
                 ", ".join(f"{k} {d:+.1f}" for d, k in sorted(diffs)[:4] if d < 0) +
                 ".\n")
    if len(rounds) > len(results):
        R.append("### Each run\n")
        R.append("The table above pools the runs of each server (their "
                 "samples over their requests); here they are one by one: "
                 "IMPL.N is round N's.\n")
        R.append("| | " + " | ".join(r["name"] for r in rounds) + " |")
        R.append("|---|" + "---:|" * len(rounds))
        rg = [dict((n, v) for n, v, _ in group_rows(r)) for r in rounds]
        for name in order:
            vals = [g.get(name, 0) for g in rg]
            if not any(vals):
                continue
            R.append(f"| {name} | " + " | ".join(
                fmt(r["us"](v)) for r, v in zip(rounds, vals)) + " |")
        R.append("| **sum (CPU 1 busy)** | " + " | ".join(
            f"**{fmt(r['us'](r['busy']))}**" for r in rounds) + " |")
        R.append("| req/s without perf / under perf | " + " | ".join(
            f"{r['meta']['ref_rps']:.0f} / {r['meta']['perf_rps']:.0f}"
            for r in rounds) + " |")
        R.append("| samples that came | " + " | ".join(
            f"{100 * r['coverage']:.0f}%" for r in rounds) + " |")
        R.append("")
    # categories, finer
    R.append("### The categories\n")
    R.append("| category | " + " | ".join(names) + " |")
    R.append("|---|" + "---:|" * len(names))
    cats = collections.OrderedDict()
    for r in results:
        for k, _ in r["cat"].most_common():
            cats[k] = 1
    for k in cats:
        R.append(f"| {k} | " + " | ".join(fmt(r["us"](r["cat"].get(k, 0)))
                                        for r in results) + " |")
    R.append("")
    for r in results:
        if r["other_leaf"]:
            top = ", ".join(f"{k} {fmt(r['us'](v))}"
                            for k, v in r["other_leaf"].most_common(12))
            R.append(f"- {r['impl']}, \"other\" by leaf (us): {top}")
    R.append("")
    # wrk's CPU
    R.append("## CPU 0 (wrk), per request, in us\n")
    R.append("| | " + " | ".join(names) + " |")
    R.append("|---|" + "---:|" * len(names))
    keys = collections.OrderedDict()
    for r in results:
        for k, _ in r["cpu0"].most_common(8):
            keys[k] = 1
    for k in keys:
        R.append(f"| {k} | " + " | ".join(fmt(r["us"](r["cpu0"].get(k, 0)))
                                        for r in results) + " |")
    R.append("")
    # top symbols
    for r in results:
        busy = r["busy"] or 1
        R.append(f"## {r['impl']}: top 30 symbols on CPU 1 (idle left out)\n")
        R.append("| self | us/req | % | | children | us/req | % |")
        R.append("|---|---:|---:|---|---|---:|---:|")
        s = r["selfs"].most_common(30)
        c = r["children"].most_common(30)
        for i in range(30):
            a = s[i] if i < len(s) else ("", 0)
            b = c[i] if i < len(c) else ("", 0)
            R.append(f"| `{a[0]}` | {fmt(r['us'](a[1]))} | "
                     f"{100.0 * a[1] / busy:.1f} | | `{b[0]}` | "
                     f"{fmt(r['us'](b[1]))} | {100.0 * b[1] / busy:.1f} |")
        R.append("")
    raw = metas.get("_counters", {})

    def pool(prefix):
        """The runs PREFIX and PREFIX.N pooled: per request over them all."""
        got = [c for n, c in raw.items()
               if n == prefix or n.startswith(prefix + ".")]
        reqs = sum(c["reqs"] for c in got)
        if not reqs:
            return None
        per = collections.Counter()
        for c in got:
            for k, v in c["per_req"].items():
                per[k] += v * c["reqs"]
        return {"reqs": reqs, "per_req": {k: v / reqs for k, v in per.items()}}

    cnt = {}
    for n in names:
        for run in (n, n + "-perf"):
            p = pool(run)
            if p:
                cnt[run] = p
    runs = [n for n in names if n in cnt] + \
           [n + "-perf" for n in names if n + "-perf" in cnt]
    if runs:
        R.append("## System counters per request\n")
        R.append("Deltas over a run divided by its requests, the runs of a "
                 "server pooled: IMPL are the reference runs without perf "
                 "(wrk's exact count), IMPL-perf the sampled seconds (req/s x "
                 "seconds).  stat.* are CPU times converted to us (USER_HZ "
                 "ticks); irq.RES rescheduling and irq.CAL function-call "
                 "IPIs, irq.LOC the local timer.\n")
        R.append("| counter | " + " | ".join(runs) + " |")
        R.append("|---|" + "---:|" * len(runs))
        keys = set()
        for rn in runs:
            keys.update(cnt[rn]["per_req"])

        def val(rn, k):
            v = cnt[rn]["per_req"].get(k, 0.0)
            return v * 10000 if k.startswith("stat.cpu") else v
        for k in sorted(keys, key=lambda k: (k.split(".")[0], k)):
            vals = [val(rn, k) for rn in runs]
            if max(abs(v) for v in vals) < 0.005:
                continue
            R.append(f"| {k} | " + " | ".join(
                f"{v:.1f}" if k.startswith("stat.cpu") else f"{v:.3f}"
                for v in vals) + " |")
        R.append("")
    if infos:
        R.append("## From the guest\n")
        for i in infos:
            R.append(f"    {i}")
        R.append("")
    R.append(CAVEATS)
    if notes:
        R.append(notes)
    path = os.path.join(outdir, "profile.md")
    with open(path, "w") as f:
        f.write("\n".join(R) + "\n")
    return "\n".join(R)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--log", required=True)
    ap.add_argument("--outdir", required=True)
    ap.add_argument("--vmlinux")
    ap.add_argument("--interp-obj")
    ap.add_argument("--notes", help="a markdown file appended to profile.md")
    ap.add_argument("--code", help="a file that says which code ran "
                    "(profile.mk writes it at the boot)")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args()
    folded, metas, rows, infos = read_log(a.log)
    if not folded:
        sys.exit(f"profile.py: no profile in {a.log}")
    inl = Inliner(a.interp_obj, a.vmlinux)
    servers = metas.get("_servers", {})
    byimpl = collections.OrderedDict()
    for name in sorted(folded, key=lambda n: (n.split(".")[0] != "script",
                                              n.split(".")[0] != "epoll", n)):
        if name not in metas:
            sys.exit(f"profile.py: {name}: no BENCH-PROFILE-META")
        byimpl.setdefault(metas[name]["impl"], []).append(name)
    results, rounds = [], []
    for impl, names in byimpl.items():
        samples, ms = [], []
        for name in names:
            rs = expand_stacks(folded[name], inl)
            m = metas[name]
            ms.append(m)
            rounds.append(analyse(rs, impl, m, name))
            samples += rs
        # the rounds pooled: their samples over their sampled seconds
        dur = sum(m["duration_s"] for m in ms)
        m = dict(ms[0])
        m.update({
            "name": impl, "duration_s": dur,
            "perf_rps": sum(x["perf_rps"] * x["duration_s"] for x in ms) / dur,
            "ref_rps": sum(x["ref_rps"] for x in ms) / len(ms),
            "rounds": len(ms),
            "counters": servers.get(impl, {}).get("counters",
                                                  ms[0].get("counters", "")),
        })
        write_folded(os.path.join(a.outdir, f"profile-{impl}.folded"), samples)
        write_svg(os.path.join(a.outdir, f"profile-{impl}.svg"), samples,
                  f"{impl} server, CPU 1, {m['case']}, {m['perf_rps']:.0f} req/s "
                  f"under perf, {len(ms)} run(s)")
        results.append(analyse(samples, impl, m, impl))
    notes = ""
    if a.notes and os.path.exists(a.notes):
        with open(a.notes) as f:
            notes = f.read()
    if a.code and os.path.exists(a.code):
        with open(a.code) as f:
            metas.setdefault("_meta", {})["code"] = f.read().strip()
    text = report(results, rounds, inl, metas, infos, a.outdir, notes)
    bad = 0
    for r in results:
        per = 1e6 / r["meta"]["perf_rps"] if r["meta"]["perf_rps"] else 0
        s = r["raw_us"](r["busy"]) + r["raw_us"](r["idle"])
        if per and abs(s - per) > 0.1 * per:
            print(f"profile.py: warning: {r['impl']}: CPU 1's samples x period "
                  f"are {s:.1f} us per request, measured {per:.1f}: "
                  f"coverage {100 * r['coverage']:.0f}% (a busy host?)",
                  file=sys.stderr)
    errors = [i for i in infos if i.startswith("BENCH-ERROR")]
    for i in errors:
        print(f"profile.py: the guest said: {i}", file=sys.stderr)
    if errors or len(results) < 2:
        bad = 1
    if not a.quiet:
        print(text)
    return bad


if __name__ == "__main__":
    sys.exit(main())
