#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""bench/report.py: the host side of "make bench".

Reads the console log of the bench boot (BENCH-ROW, BENCH-META, BENCH-RAN,
BENCH-ERROR and BENCH-END lines, and kernel splats), merges the rows of
bench/native-results.json when that file exists, and writes

  results.json  {"date", "host", "guest", "kernel", "problems", "rows"}
  results.md    the targets (pass/miss with ratio), then one table per
                bench, stamped with date, machine and kernel config
  *.png         the plots of PLOTS below, drawn by gnuplot

then prints results.md.  Exits 1 when a benchmark failed, the run did not
finish, or the kernel complained (the report is written all the same).

A row is {"bench", "case", "impl", "metric", "unit", "runs", "min",
"median", "max"} (ops_bench adds "samples" and "iters"); report.py adds
"env": "guest", or "native" for the rows of native-results.json.

Adding a bench: print BENCH-ROW lines from the guest.  Adding a plot or a
target: one entry in PLOTS or TARGETS.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile

def NAT(case, impl="native-interp"):
    """A selector of a row of bench/native-results.json."""
    return ("native", case, impl, None, "native")


def JIT(case, metric=None):
    """The compiled engine's row of an ops_bench case, and the
    interpreter's: (num, den) of a ratio."""
    return (("interp", case, "script-fd-jit", metric),
            ("interp", case, "script-fd", metric))


# Targets: the median of "num" over the median of "den" must be at most
# "max"; with no "den", the median of "num" itself, in its unit (an
# absolute target).  A selector is (bench, case, impl[, metric[, env]]):
# metric None for any, env "guest" (the default) or "native".
TARGETS = [
    {"name": "SCRIPT_RUN_FD of an empty program <= 2x getppid()",
     "num": ("call", "empty program", "script-fd"),
     "den": ("call", "empty program", "getppid"), "max": 2.0},
    {"name": "1024 getpid in one call (RUN_FD, loop included) <= 0.8x "
             "getpid syscalls one by one",
     "num": ("chain", "getpid N=1024", "script-fd"),
     "den": ("chain", "getpid N=1024", "syscall"), "max": 0.8},
    {"name": "1024 getpid in one call (RUN_FD) <= io_uring NOPs in "
             "batches of 32",
     "num": ("chain", "getpid N=1024", "script-fd"),
     "den": ("chain", "getpid N=1024", "io_uring-b32"), "max": 1.0},
    {"name": "1024 1-byte reads in one call (RUN_FD, loop included) <= "
             "0.8x read() one by one",
     "num": ("chain", "read N=1024", "script-fd"),
     "den": ("chain", "read N=1024", "syscall"), "max": 0.8},
    {"name": "1024 1-byte reads in one call (RUN_FD) <= io_uring reads "
             "in batches of 32",
     "num": ("chain", "read N=1024", "script-fd"),
     "den": ("chain", "read N=1024", "io_uring-b32"), "max": 1.0},
] + [
    # HTTP (bench/http_bench.sh): more requests a second is better, so the
    # ratio is the other server's over the script(2) server's.
    {"name": "HTTP 1 KiB, keep-alive, 32 connections, 1 worker: script(2) "
             "server >= 1.0x the epoll server, the same design in system "
             "calls (epoll/script req/s <= 1)",
     "num": ("http", "1KiB c=32 w=1", "epoll", "req_per_s"),
     "den": ("http", "1KiB c=32 w=1", "script", "req_per_s"), "max": 1.0},
    {"name": "HTTP 1 KiB, keep-alive, 32 connections, 1 worker: script(2) "
             "server >= 1.5x the epoll server (epoll/script req/s <= 0.67)",
     "num": ("http", "1KiB c=32 w=1", "epoll", "req_per_s"),
     "den": ("http", "1KiB c=32 w=1", "script", "req_per_s"), "max": 0.67},
    {"name": "HTTP 1 KiB, keep-alive, 32 connections, 1 worker: script(2) "
             "server >= 1.25x the io_uring server (uring/script req/s <= 0.8)",
     "num": ("http", "1KiB c=32 w=1", "uring", "req_per_s"),
     "den": ("http", "1KiB c=32 w=1", "script", "req_per_s"), "max": 0.8},
    {"name": "HTTP 64 KiB, keep-alive, 32 connections, 1 worker: script(2) "
             "server >= nginx (nginx/script req/s <= 1)",
     "num": ("http", "64KiB c=32 w=1", "nginx", "req_per_s"),
     "den": ("http", "64KiB c=32 w=1", "script", "req_per_s"), "max": 1.0},
    {"name": "HTTP 1 MiB, keep-alive, 32 connections, 1 worker: script(2) "
             "server >= nginx (nginx/script req/s <= 1)",
     "num": ("http", "1MiB c=32 w=1", "nginx", "req_per_s"),
     "den": ("http", "1MiB c=32 w=1", "script", "req_per_s"), "max": 1.0},
    {"name": "HTTP 1 KiB keep-alive GET, c=32: <= 12 ops per request",
     "num": ("http", "1KiB c=32 w=1", "script", "ops_per_req"), "max": 12},
    {"name": "HTTP 1 KiB keep-alive GET, c=32: <= 250 interpreted "
             "instructions per request",
     "num": ("http", "1KiB c=32 w=1", "script", "insns_per_req"),
     "max": 250},
] + [
    {"name": "SCRIPT_VERIFY ns/insn, %s: 64K <= 1.5x 1K" % kind,
     "num": ("verify", kind + " 64K", "SCRIPT_VERIFY"),
     "den": ("verify", kind + " 1K", "SCRIPT_VERIFY"), "max": 1.5}
    for kind in ("straight", "branchy", "subprogs")
] + [
    # Native (bench/native, kernel/script built in user space with the
    # kernel's flags; the retpoline variant, this host's mode): see
    # bench/native/README.md for what each row includes.
    {"name": "native: null op (getpid op, null body) <= 5 ns",
     "num": NAT("op_dispatch_null/retpoline"), "max": 5.0},
    {"name": "native: memory op dispatch beyond its body (memchr of 1 "
             "byte) <= 4 ns",
     "num": NAT("mem_op_dispatch/retpoline"), "max": 4.0},
    {"name": "native: ALU instruction <= 1.2 ns",
     "num": NAT("alu64_add_imm/retpoline"), "max": 1.2},
    {"name": "native: load <= 1.8 ns",
     "num": NAT("ldx_dw/retpoline"), "max": 1.8},
    {"name": "native: store <= 1.8 ns",
     "num": NAT("stx_dw/retpoline"), "max": 1.8},
    {"name": "native: loop iteration <= 4 ns",
     "num": NAT("loop_iter/retpoline"), "max": 4.0},
    {"name": "native: getpid chain, projected, <= 0.3x the host's getppid()",
     "num": NAT("projection_getpid_chain/retpoline"),
     "den": NAT("getppid", "host-syscall"), "max": 0.3},
    {"name": "native: SCRIPT_RUN_FD of an empty program (syscall.c + the "
             "host's syscall entry/exit) <= 1.2x the host's getppid()",
     "num": NAT("run_fd_projection/retpoline"),
     "den": NAT("getppid", "host-syscall"), "max": 1.2},
    {"name": "native: web server, 1 KiB keep-alive GET, c=32: "
             "interpretation + dispatch per request below the transitions "
             "its ops save",
     "num": NAT("httpd_c32_interp_dispatch/retpoline"),
     "den": NAT("httpd_c32_transitions_saved", "host-syscall"), "max": 1.0},
] + [
    # Issue 18: the compiler.  In the guest, ops_bench's programs loaded
    # twice, with SCRIPT_F_INTERP (script-fd) and compiled (script-fd-jit),
    # measured side by side in the same group.
    {"name": "issue 18, guest: compiled %s <= 1/5 of the interpreter's "
             "(jit/interp)" % what,
     "num": JIT(case)[0], "den": JIT(case)[1], "max": 0.2}
    for case, what in (("alu", "ALU instruction"),
                       ("taken branch", "taken branch"),
                       ("load", "8-byte load"), ("store", "8-byte store"),
                       ("loop iteration", "loop iteration (a yield point)"))
] + [
    # HTTP with the compiled server ("script", SCRIPT_LOAD's default) and
    # the interpreted one ("script-interp", httpd -I) in the same runs.
    {"name": "issue 18: HTTP 1 KiB, keep-alive, 32 connections, 1 worker: "
             "compiled script(2) server >= 1.05x the epoll server "
             "(epoll/script req/s <= 0.952)",
     "num": ("http", "1KiB c=32 w=1", "epoll", "req_per_s"),
     "den": ("http", "1KiB c=32 w=1", "script", "req_per_s"), "max": 0.952},
    {"name": "issue 18: HTTP 1 KiB, c=32, w=1: compiled script(2) server "
             ">= the io_uring server (uring/script req/s <= 1)",
     "num": ("http", "1KiB c=32 w=1", "uring", "req_per_s"),
     "den": ("http", "1KiB c=32 w=1", "script", "req_per_s"), "max": 1.0},
    {"name": "issue 18: HTTP 1 KiB, c=32, w=1: compiled script(2) server "
             ">= 2x nginx (nginx/script req/s <= 0.5)",
     "num": ("http", "1KiB c=32 w=1", "nginx", "req_per_s"),
     "den": ("http", "1KiB c=32 w=1", "script", "req_per_s"), "max": 0.5},
] + [
    # Compile time: SCRIPT_LOAD compiled less SCRIPT_LOAD interpreted, per
    # instruction, against SCRIPT_VERIFY per instruction, same group.
    {"name": "issue 18: compile time per insn below the verifier's, %s "
             "64K (compile/verify)" % kind,
     "num": ("compile", kind + " 64K", "compile"),
     "den": ("verify", kind + " 64K", "SCRIPT_VERIFY"), "max": 1.0}
    for kind in ("straight", "branchy", "subprogs")
] + [
    {"name": "issue 18: compile time linear, %s: ns/insn at 64K <= 1.5x "
             "1K" % kind,
     "num": ("compile", kind + " 64K", "compile"),
     "den": ("compile", kind + " 1K", "compile"), "max": 1.5}
    for kind in ("straight", "branchy", "subprogs")
] + [
    # Native (bench/native): kernel/script/jit.c built in user space, the
    # emitted code run on the host (retpoline variant, this host's mode).
    {"name": "issue 18, native: compiled ALU instruction <= 0.5 ns",
     "num": NAT("alu64_add_imm/retpoline", "native-jit"), "max": 0.5},
    {"name": "issue 18, native: compiled 8-byte load <= 1.2 ns",
     "num": NAT("ldx_dw/retpoline", "native-jit"), "max": 1.2},
    {"name": "issue 18, native: compiled 8-byte store <= 1.2 ns",
     "num": NAT("stx_dw/retpoline", "native-jit"), "max": 1.2},
    {"name": "issue 18, native: compile time per insn below the "
             "verifier's, 64K (script_jit_compile + free / script_verify)",
     "num": NAT("jit_compile_64k/retpoline", "native-jit"),
     "den": NAT("verify_64k/retpoline"), "max": 1.0},
    {"name": "issue 18, native: the compiler's passes alone (code memory "
             "from a pool) below the verifier's per insn, 64K",
     "num": NAT("jit_codegen_64k/retpoline", "native-jit"),
     "den": NAT("verify_64k/retpoline"), "max": 1.0},
    {"name": "issue 18, native: compile time linear: the passes' ns/insn "
             "at 64K <= 1.5x 1K",
     "num": NAT("jit_codegen_64k/retpoline", "native-jit"),
     "den": NAT("jit_codegen_1k/retpoline", "native-jit"), "max": 1.5},
]

# Plots, drawn from the rows of one bench and metric.  "case" is a regular
# expression over the case name: its group "x" gives the x value (a number
# for "lines", a label for "bars"; the whole case when absent), its group
# "series" the series (the impl when absent; "series": "impl+env" to tell
# native rows apart).  "lines": one line per series with min-max error
# bars; "bars": clustered bars, one cluster per x.
PLOTS = [
    {"file": "chain-getpid.png",
     "title": "A chain of N getpid: cost per op (median, min-max)",
     "bench": "chain", "metric": "per_op", "case": r"^getpid N=(?P<x>\d+)$",
     "xlabel": "N, ops in the chain", "ylabel": "ns per op",
     "style": "lines", "logx": True, "logy": True},
    {"file": "chain-read.png",
     "title": "A chain of N 1-byte reads of /dev/zero: cost per op",
     "bench": "chain", "metric": "per_op", "case": r"^read N=(?P<x>\d+)$",
     "xlabel": "N, ops in the chain", "ylabel": "ns per op",
     "style": "lines", "logx": True, "logy": True},
    {"file": "verify.png",
     "title": "SCRIPT_VERIFY: ns per instruction against program size",
     "bench": "verify", "metric": "per_insn",
     "case": r"^(?P<series>\S+) (?P<x>\d+)K$",
     "xlabel": "program size, K instructions", "ylabel": "ns per insn",
     "style": "lines", "logx": True, "ymin": 0},
    {"file": "interp.png",
     "title": "The interpreter (script-fd) and the compiled code "
              "(script-fd-jit): ns per instruction, call and loop iteration",
     "bench": "interp", "case": r"^(?P<x>.*)$",
     "xlabel": "", "ylabel": "ns", "style": "bars"},
    {"file": "compile.png",
     "title": "The compiler: ns per instruction (SCRIPT_LOAD compiled - "
              "SCRIPT_LOAD interpreted) against program size",
     "bench": "compile", "metric": "per_insn", "impl": "compile",
     "case": r"^(?P<series>\S+) (?P<x>\d+)K$",
     "xlabel": "program size, K instructions", "ylabel": "ns per insn",
     "style": "lines", "logx": True, "ymin": 0},
] + [
    {"file": "http-%s.png" % f,
     "title": "HTTP/1.1 keep-alive, wrk -t1, %s files: requests/s "
              "(median, min-max of the runs)" % size,
     "bench": "http", "metric": "req_per_s",
     "case": r"^%s (?P<x>c=\d+ w=\d+)$" % size,
     "xlabel": "c: connections, w: server worker threads",
     "ylabel": "requests/s", "style": "bars"}
    for f, size in (("1k", "1KiB"), ("64k", "64KiB"), ("1m", "1MiB"))
] + [
    {"file": "http-syscalls.png",
     "title": "HTTP/1.1 keep-alive, 1 KiB, 32 connections, 1 worker: "
              "system calls per request (raw_syscalls:sys_enter)",
     "bench": "http", "metric": "syscalls_per_req", "case": r"^(?P<x>.*)$",
     "xlabel": "", "ylabel": "system calls per request", "style": "bars"},
]

SPLAT = re.compile(
    r"BUG:|WARNING:|Oops|KASAN|UBSAN|Kernel panic|kernel BUG at|"
    r"general protection fault|refcount_t:|list_add corruption|"
    r"list_del corruption|rcu: INFO:|detected stalls|"
    r"blocked for more than|Call Trace:")
LINE = re.compile(r"(BENCH-[A-Z]+)(?: (.*))?$")

# Kernel config lines worth a place in the report's summary.
KCONFIG_KEYS = re.compile(
    r"^(CONFIG_PREEMPT\w*|CONFIG_SLUB\w*|CONFIG_SLAB\w*|CONFIG_HZ\w*|"
    r"CONFIG_CPU_MITIGATIONS|CONFIG_MITIGATION_\w+|CONFIG_RETPOLINE|"
    r"CONFIG_PAGE_TABLE_ISOLATION|CONFIG_NO_HZ\w*|CONFIG_SCRIPT\w*|"
    r"CONFIG_CC_OPTIMIZE\w*|CONFIG_DEBUG_KERNEL|CONFIG_KASAN|"
    r"CONFIG_LOCKDEP|CONFIG_FTRACE\w*)[= ]")


def parse_log(path):
    rows, meta, ran, errors, splats, hostrun = [], {}, [], [], [], {}
    ended = False
    with open(path, errors="replace") as f:
        for raw in f:
            line = raw.rstrip("\r\n")
            line = re.sub(r"^\[ *\d+\.\d+\] ", "", line)
            m = LINE.search(line)
            if not m:
                if SPLAT.search(line):
                    splats.append(line.strip())
                continue
            kind, rest = m.group(1), m.group(2) or ""
            try:
                if kind == "BENCH-ROW":
                    row = json.loads(rest)
                    row["env"] = "guest"
                    rows.append(row)
                elif kind == "BENCH-META":
                    d = json.loads(rest)
                    meta[d["key"]] = d["value"]
                elif kind == "BENCH-HOST":
                    hostrun.update(json.loads(rest))
                elif kind == "BENCH-RAN":
                    ran.append(json.loads(rest))
                elif kind == "BENCH-ERROR":
                    errors.append(rest)
                elif kind == "BENCH-END":
                    ended = True
            except (ValueError, KeyError) as e:
                errors.append("unreadable console line (%s): %s"
                              % (e, line[:200]))
    return rows, meta, ran, errors, splats, ended, hostrun


def read_native(path):
    """Rows of bench/native-results.json: a list, or {"rows": [...]}."""
    if not os.path.exists(path):
        return [], {}
    with open(path) as f:
        data = json.load(f)
    info = {}
    if isinstance(data, dict):
        info = {k: v for k, v in data.items() if k != "rows"}
        data = data.get("rows", [])
    rows = []
    for row in data:
        row = dict(row)
        row.setdefault("env", "native")
        rows.append(row)
    return rows, info


def host_info():
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    qemu = ""
    try:
        qemu = subprocess.run(["qemu-system-x86_64", "--version"],
                              capture_output=True, text=True,
                              timeout=10).stdout.splitlines()[0]
    except (OSError, IndexError, subprocess.SubprocessError):
        pass
    return {"nproc": os.cpu_count(), "cpu": model,
            "kernel": platform.release(), "qemu": qemu,
            "accel": "TCG (no KVM), -cpu max -smp 2"}


def kernel_info(harness_config, kconfig):
    info = {"harness_config": [], "config": []}
    if harness_config and os.path.exists(harness_config):
        with open(harness_config) as f:
            info["harness_config"] = [
                l.strip() for l in f
                if l.startswith("CONFIG_") or l.startswith("# CONFIG_")]
    if kconfig and os.path.exists(kconfig):
        with open(kconfig) as f:
            for l in f:
                l = l.strip()
                m = KCONFIG_KEYS.match(l.lstrip("# "))
                if m and (not l.startswith("#") or "is not set" in l):
                    info["config"].append(l)
    return info


def fmt(v):
    if v is None:
        return "-"
    a = abs(v)
    if a >= 100:
        return "%.0f" % v
    if a >= 10:
        return "%.1f" % v
    return "%.2f" % v


def label(row):
    impl = row["impl"]
    if row.get("env", "guest") != "guest" and row["env"] not in impl:
        impl += " (%s)" % row["env"]
    return impl


def find(rows, sel):
    bench, case, impl = sel[:3]
    metric = sel[3] if len(sel) > 3 else None
    env = sel[4] if len(sel) > 4 else "guest"
    for r in rows:
        if (r["bench"], r["case"], r["impl"]) == (bench, case, impl) and \
           r.get("env", "guest") == env and \
           (metric is None or r["metric"] == metric):
            return r
    return None


def eval_targets(rows):
    out = []
    for t in TARGETS:
        num = find(rows, t["num"])
        if "den" not in t:
            res = dict(name=t["name"], max=t["max"], num=list(t["num"]),
                       absolute=True)
            if not num:
                res.update(ratio=None, status="n/a")
            else:
                res.update(ratio=round(num["median"], 3),
                           min_ratio=round(num["min"], 3),
                           num_median=num["median"], unit=num["unit"],
                           status="pass" if num["median"] <= t["max"]
                           else "miss")
            out.append(res)
            continue
        den = find(rows, t["den"])
        res = dict(name=t["name"], max=t["max"], num=list(t["num"]),
                   den=list(t["den"]))
        if not num or not den or not den["median"]:
            res.update(ratio=None, status="n/a")
        else:
            ratio = num["median"] / den["median"]
            res.update(ratio=round(ratio, 3),
                       min_ratio=round(num["min"] / den["min"], 3)
                       if den["min"] else None,
                       num_median=num["median"],
                       den_median=den["median"], unit=num["unit"],
                       status="pass" if ratio <= t["max"] else "miss")
        out.append(res)
    return out


def ordered(seq):
    seen, out = set(), []
    for x in seq:
        if x not in seen:
            seen.add(x)
            out.append(x)
    return out


def impl_order(rows):
    """Impls in the order the cases list them: one that only some cases
    have goes after the impl it follows there, not at the end."""
    order = []
    for case in ordered((r["bench"], r["case"]) for r in rows):
        prev = None
        for r in rows:
            if (r["bench"], r["case"]) != case:
                continue
            impl = label(r)
            if impl not in order:
                order.insert(order.index(prev) + 1 if prev else len(order),
                             impl)
            prev = impl
    return order


def bench_tables(rows):
    """Markdown: per bench, case x metric rows against impl columns."""
    md = []
    for bench in ordered(r["bench"] for r in rows):
        brows = [r for r in rows if r["bench"] == bench]
        impls = impl_order(brows)
        keys = ordered((r["case"], r["metric"], r["unit"]) for r in brows)
        cell = {(r["case"], r["metric"], label(r)): r for r in brows}
        md.append("### %s\n" % bench)
        md.append("| case | metric | " + " | ".join(impls) + " |")
        md.append("|---|---|" + "---:|" * len(impls))
        for case, metric, unit in keys:
            cells = []
            for impl in impls:
                r = cell.get((case, metric, impl))
                cells.append("%s (%s–%s)" % (fmt(r["median"]), fmt(r["min"]),
                                             fmt(r["max"])) if r else "")
            md.append("| %s | %s, %s | %s |" % (case, metric.replace("_", " "),
                                                unit, " | ".join(cells)))
        md.append("")
    return md


# Issue 18: the two engines side by side, (bench, interpreted impl,
# compiled impl, metric or None, env).  The ratio is compiled over
# interpreted: below 1 is better for times, above 1 for requests/s.
ENGINE_PAIRS = [
    ("interp", "script-fd", "script-fd-jit", None, "guest"),
    ("call", "script-fd", "script-fd-jit", None, "guest"),
    ("chain", "script-fd", "script-fd-jit", None, "guest"),
    ("http", "script-interp", "script", "req_per_s", "guest"),
    ("http", "script-interp", "script", "latency_p50", "guest"),
    ("native", "native-interp", "native-jit", None, "native"),
]


def engine_tables(rows):
    """Markdown: the interpreter and the compiled code side by side, and
    the compiler's time against the verifier's."""
    md = []
    lines = []
    for bench, a, b, metric, env in ENGINE_PAIRS:
        for r in rows:
            if (r["bench"], r["impl"], r.get("env", "guest")) != \
               (bench, a, env) or (metric and r["metric"] != metric):
                continue
            j = find(rows, (bench, r["case"], b, r["metric"], env))
            if not j or not r["median"]:
                continue
            lines.append("| %s | %s | %s, %s | %s (%s–%s) | %s (%s–%s) | "
                         "%.3f |" % (
                             bench if env == "guest" else bench + " (host)",
                             r["case"], r["metric"].replace("_", " "),
                             r["unit"], fmt(r["median"]), fmt(r["min"]),
                             fmt(r["max"]), fmt(j["median"]), fmt(j["min"]),
                             fmt(j["max"]), j["median"] / r["median"]))
    if lines:
        md.append("### The interpreter and the compiled code")
        md.append("")
        md.append("Medians (min–max) of the same measurement with each "
                  "engine, in one boot (guest) or one run (host); the ratio "
                  "is compiled / interpreted (for requests/s above 1 is "
                  "better, for times below).")
        md.append("")
        md.append("| bench | case | metric | interpreted | compiled | "
                  "ratio |")
        md.append("|---|---|---|---:|---:|---:|")
        md += lines
        md.append("")
    lines = []
    for r in rows:
        if (r["bench"], r["impl"]) != ("verify", "SCRIPT_VERIFY") or \
           r.get("env", "guest") != "guest":
            continue
        c = find(rows, ("compile", r["case"], "compile", "per_insn"))
        if not c:
            continue
        li = find(rows, ("compile", r["case"], "load-interp", "per_insn"))
        lj = find(rows, ("compile", r["case"], "load-jit", "per_insn"))
        code = find(rows, ("compile", r["case"], "code", "bytes_per_insn"))
        lines.append("| %s | %s | %s | %.2f | %s | %s | %s |" % (
            r["case"], fmt(r["median"]), fmt(c["median"]),
            c["median"] / r["median"] if r["median"] else 0,
            fmt(li["median"]) if li else "-",
            fmt(lj["median"]) if lj else "-",
            fmt(code["median"]) if code else "-"))
    for size in ("1k", "8k", "64k"):
        for variant in ("retpoline", "plain"):
            v = find(rows, NAT("verify_%s/%s" % (size, variant)))
            c = find(rows, NAT("jit_compile_%s/%s" % (size, variant),
                               "native-jit"))
            g = find(rows, NAT("jit_codegen_%s/%s" % (size, variant),
                               "native-jit"))
            if not v or not c or not v["median"]:
                continue
            lines.append("| native (host) %s %s | %s | %s, passes alone %s "
                         "| %.2f, passes alone %s | - | - | %s |" % (
                             size.upper(), variant, fmt(v["median"]),
                             fmt(c["median"]),
                             fmt(g["median"]) if g else "-",
                             c["median"] / v["median"],
                             "%.2f" % (g["median"] / v["median"]) if g
                             else "-",
                             fmt(c.get("code_bytes_per_insn"))))
    if lines:
        md.append("### The compiler's time against the verifier's")
        md.append("")
        md.append("Per instruction, ns (medians): SCRIPT_VERIFY; the "
                  "compiler's own time, a compiled SCRIPT_LOAD and close "
                  "less an interpreted one (SCRIPT_F_INTERP), back to back; "
                  "both loads; and the compiled image's bytes per "
                  "instruction (page granular).  Native rows (host): "
                  "script_verify() against script_jit_compile() + "
                  "script_jit_free() of bench/native's verifier programs, "
                  "with code memory mapped, made read-only and executable "
                  "and unmapped each time, and the passes alone (code "
                  "memory from a pool).")
        md.append("")
        md.append("| program | verify | compile | compile / verify | "
                  "load, interpreted | load, compiled | code bytes/insn |")
        md.append("|---|---:|---:|---:|---:|---:|---:|")
        md += lines
        md.append("")
    return md


# One colour per series name, the same in every plot.
PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
           "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"]
COLOURS = {}


def colour(series):
    if series not in COLOURS:
        COLOURS[series] = PALETTE[len(COLOURS) % len(PALETTE)]
    return COLOURS[series]


def gp_quote(s):
    return '"%s"' % str(s).replace("\\", "\\\\").replace('"', '\\"')


def plot(spec, rows, outdir, tmp):
    """Draws one plot of PLOTS with gnuplot; returns the file, or None."""
    rx = re.compile(spec["case"])
    data = {}   # series -> [(x, row)]
    matched = []
    for r in rows:
        if r["bench"] != spec["bench"]:
            continue
        if "metric" in spec and r["metric"] != spec["metric"]:
            continue
        if "impl" in spec and r["impl"] != spec["impl"]:
            continue
        m = rx.search(r["case"])
        if not m:
            continue
        g = m.groupdict()
        x = g.get("x") or r["case"]
        series = g.get("series") or label(r)
        data.setdefault(series, []).append((x, r))
        matched.append(r)
    if not data:
        return None
    if not rx.groupindex.get("series"):
        data = {k: data[k] for k in impl_order(matched)}

    path = os.path.join(outdir, spec["file"])
    script = [
        "set terminal pngcairo noenhanced size 900,540 font 'sans,10'",
        "set output %s" % gp_quote(path),
        "set title %s" % gp_quote(spec["title"]),
        "set xlabel %s" % gp_quote(spec.get("xlabel", "")),
        "set ylabel %s" % gp_quote(spec.get("ylabel", "")),
        "set grid",
        "set key outside right top",
    ]
    # The error bars go from min to max; a far outlier (a noisy host)
    # must not squash the medians: the y range stops at 3x their largest.
    medians = [r["median"] for s in data.values() for _, r in s]
    maxima = [r["max"] for s in data.values() for _, r in s]
    top = min(max(maxima), 3 * max(medians)) * 1.05
    if spec.get("logy"):
        script.append("set logscale y")
        bottom = min(r["min"] for s in data.values() for _, r in s)
        if bottom > 0:
            script.append("set yrange [%g:%g]" % (bottom / 1.5, top * 1.5))
    else:
        script.append("set yrange [%s:%g]" % (spec.get("ymin", 0), top))
    plots = []
    if spec.get("style", "lines") == "lines":
        xs = sorted({float(x) for s in data.values() for x, _ in s})
        if spec.get("logx"):
            script.append("set logscale x 2")
            script.append("set xrange [%g:%g]" % (xs[0] / 1.5, xs[-1] * 1.5))
        else:
            pad = (xs[-1] - xs[0]) * 0.05 or 1
            script.append("set xrange [%g:%g]" % (xs[0] - pad, xs[-1] + pad))
        script.append("set xtics (%s)" % ", ".join(
            '"%s" %s' % ("%g" % x, x) for x in xs))
        for i, (series, pts) in enumerate(data.items()):
            f = os.path.join(tmp, "%s.%d.dat" % (spec["file"], i))
            with open(f, "w") as out:
                for x, r in sorted(pts, key=lambda p: float(p[0])):
                    out.write("%s %s %s %s\n" % (x, r["median"], r["min"],
                                                 r["max"]))
            plots.append("%s using 1:2:3:4 with yerrorlines lw 2 pt 7 "
                         "lc rgb '%s' title %s" % (gp_quote(f),
                                                   colour(series),
                                                   gp_quote(series)))
    else:
        xs = ordered(x for s in data.values() for x, _ in s)
        series_names = list(data)
        f = os.path.join(tmp, spec["file"] + ".dat")
        with open(f, "w") as out:
            for x in xs:
                vals = []
                for s in series_names:
                    r = dict(data[s]).get(x)
                    vals += ([r["median"], r["min"], r["max"]] if r
                             else ["NaN"] * 3)
                out.write("%s %s\n" % (gp_quote(x), " ".join(map(str, vals))))
        script += ["set style data histograms",
                   "set style histogram errorbars gap 1 lw 1",
                   "set style fill solid 0.7 border -1",
                   "set xtics rotate by -20"]
        for i, s in enumerate(series_names):
            c = 2 + 3 * i
            plots.append("%s using %d:%d:%d%s lc rgb '%s' title %s" % (
                gp_quote(f), c, c + 1, c + 2,
                ":xtic(1)" if i == 0 else "", colour(s), gp_quote(s)))
    script.append("plot " + ", \\\n     ".join(plots))
    gp = os.path.join(tmp, spec["file"] + ".gp")
    with open(gp, "w") as out:
        out.write("\n".join(script) + "\n")
    res = subprocess.run(["gnuplot", gp], capture_output=True, text=True)
    if res.returncode:
        sys.stderr.write("report: gnuplot failed for %s:\n%s" %
                         (spec["file"], res.stderr))
        return None
    return spec["file"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--log", required=True, help="console log of the boot")
    ap.add_argument("--outdir", required=True)
    ap.add_argument("--native", help="native rows (default: "
                    "OUTDIR/native-results.json)")
    ap.add_argument("--harness-config", help="harness/kernel.config")
    ap.add_argument("--kconfig", help="the kernel's .config")
    ap.add_argument("--no-plots", action="store_true")
    args = ap.parse_args()

    rows, guest, ran, errors, splats, ended, hostrun = parse_log(args.log)
    native, native_info = read_native(
        args.native or os.path.join(args.outdir, "native-results.json"))
    rows += native
    problems = ["benchmark error: " + e for e in errors]
    problems += ["kernel: " + s for s in splats]
    if not ended:
        problems.append("the guest run did not finish (no BENCH-END)")
    if not rows:
        problems.append("no results")

    # The time of the run: when its console log was last written.
    date = datetime.datetime.fromtimestamp(os.path.getmtime(args.log),
                                           datetime.timezone.utc)
    host = host_info()
    host.update(hostrun)
    kernel = kernel_info(args.harness_config, args.kconfig)
    targets = eval_targets(rows)

    plots = []
    if not args.no_plots and rows:
        if shutil.which("gnuplot"):
            with tempfile.TemporaryDirectory() as tmp:
                for spec in PLOTS:
                    p = plot(spec, rows, args.outdir, tmp)
                    if p:
                        plots.append(p)
        else:
            problems.append("gnuplot is not installed: no plots")

    result = {
        "date": date.isoformat(timespec="seconds"),
        "host": host,
        "guest": guest,
        "kernel": kernel,
        "native": native_info,
        "benches_ran": ran,
        "targets": targets,
        "problems": problems,
        "rows": rows,
    }
    with open(os.path.join(args.outdir, "results.json"), "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")

    md = ["# script(2) benchmarks", ""]
    md.append("Measured %s by `make bench`: one boot of the normal kernel "
              "under QEMU (TCG), every comparison side by side in that "
              "boot, samples interleaved between implementations (see "
              "README.md); each cell is the median of the runs with "
              "(min–max), in ns." %
              date.strftime("%Y-%m-%d %H:%M UTC"))
    md.append("")
    md.append("- host: %s, %s CPUs, Linux %s, %s; load average %s before "
              "the boot, %s after it (QEMU's own included); the boot took "
              "%s s" % (host["cpu"] or "?", host["nproc"], host["kernel"],
                        host["qemu"], host.get("loadavg_before", "?"),
                        host.get("loadavg_after", "?"),
                        host.get("boot_seconds", "?")))
    md.append("- guest: %s, %s CPUs, %s, kernel %s" % (
        guest.get("cpu", "?"), guest.get("nproc", "?"),
        guest.get("memory", "?"), guest.get("uname", "?")))
    summary = [l for l in kernel["config"] if re.match(
        r"(# )?CONFIG_(PREEMPT|PREEMPT_VOLUNTARY|PREEMPT_DYNAMIC|SLUB|"
        r"SLUB_TINY|CPU_MITIGATIONS|MITIGATION_PAGE_TABLE_ISOLATION|"
        r"MITIGATION_RETPOLINE|HZ)[= ]", l)]
    if summary:
        md.append("- kernel config: " + ", ".join(
            "`%s`" % l for l in summary))
    if "preempt" in guest:
        md.append("- preemption (debugfs): `%s`" % guest["preempt"])
    vulns = ["%s: %s" % (k.split(".", 1)[1], v) for k, v in guest.items()
             if k.startswith("vulnerability.") and v != "Not affected"]
    if vulns:
        md.append("- CPU vulnerabilities with a mitigation in the guest: " +
                  "; ".join(vulns) + " (all others: not affected)")
    if native_info:
        md.append("- native rows: %s" % json.dumps(native_info))
    md.append("")

    if problems:
        md.append("**Problems in this run:**")
        md.append("")
        md += ["- " + p for p in problems]
        md.append("")

    md.append("## Targets")
    md.append("")
    md.append("Ratios of the medians; the ratio of the minima, less "
              "sensitive to a busy host, for comparison.  An absolute "
              "target (a limit with a unit) compares the median itself, "
              "and gives the minimum for comparison.")
    md.append("")
    md.append("| target | medians | ratio | limit | result | ratio of minima |")
    md.append("|---|---|---:|---:|---|---:|")
    for t in targets:
        if t["ratio"] is None:
            md.append("| %s | no data | | %g | n/a | |" %
                      (t["name"], t["max"]))
            continue
        if t.get("absolute"):
            md.append("| %s | %s %s | | %g %s | %s | min %s |" % (
                t["name"], fmt(t["num_median"]), t["unit"], t["max"],
                t["unit"], "**pass**" if t["status"] == "pass" else "miss",
                fmt(t["min_ratio"])))
            continue
        md.append("| %s | %s / %s %s | %.2f | %g | %s | %s |" % (
            t["name"], fmt(t["num_median"]), fmt(t["den_median"]),
            t["unit"], t["ratio"], t["max"],
            "**pass**" if t["status"] == "pass" else "miss",
            "%.2f" % t["min_ratio"] if t["min_ratio"] is not None else ""))
    md.append("")
    md.append("## Results")
    md.append("")
    md += engine_tables(rows)
    md += bench_tables(rows)
    if plots:
        md.append("## Plots")
        md.append("")
        md += ["![%s](%s)" % (os.path.splitext(p)[0], p) for p in plots]
        md.append("")
    with open(os.path.join(args.outdir, "results.md"), "w") as f:
        f.write("\n".join(md))

    print("\n".join(md))
    if problems:
        sys.stderr.write("bench: %d problem(s): see %s\n" % (
            len(problems), os.path.join(args.outdir, "results.md")))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
