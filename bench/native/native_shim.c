// SPDX-License-Identifier: GPL-2.0
/*
 * The user-side half of the shims, shared by both variants: the task and
 * per-CPU state the kernel-side code reads, the cold reporting paths, the
 * kernel vsnprintf's %pV, and the exception table: a fault in a user
 * access resumes at its fixup, as the kernel's page fault handler does.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

#include <linux/extable.h>
#include <linux/jump_label.h>
#include <linux/sched.h>
#include <uapi/linux/script.h>

#include "native_kshim.h"

#undef vsnprintf

static struct task_struct shim_task;
struct task_struct *shim_current_task = &shim_task;
unsigned int shim_preempt_count = SHIM_PREEMPT_NEED_RESCHED;
int shim_getpid_mode = SHIM_GETPID_NULL;

void shim_task_init(pid_t tgid)
{
	shim_task.tgid = tgid;
	shim_task.trc_reader_nesting = 0;
}

/* What the benchmark's signal test sets and clears: TIF_SIGPENDING. */
void shim_set_sigpending(bool on)
{
	if (on)
		__atomic_or_fetch(&shim_task.thread_info.flags, _TIF_SIGPENDING,
				  __ATOMIC_RELAXED);
	else
		__atomic_and_fetch(&shim_task.thread_info.flags, ~_TIF_SIGPENDING,
				   __ATOMIC_RELAXED);
}

unsigned long shim_warnings, shim_fixups;

void shim_warn(const char *file, int line, const char *cond)
{
	shim_warnings++;
	fprintf(stderr, "WARNING: %s:%d: %s\n", file, line, cond);
}

/* The key every tracepoint tests (<linux/tracepoint.h>): off but to count */
struct static_key shim_trace_key;
unsigned long shim_op_count[__SCRIPT_OP_MAX];
const char *shim_op_name[__SCRIPT_OP_MAX];

void shim_trace_script_run_start(u32 len, u32 pc, u64 steps, u64 max_steps,
				 bool resumed)
{
}

void shim_trace_script_run_stop(int err, u32 pc, u64 steps, u64 retval)
{
}

void shim_trace_script_op(u32 id, const char *name, s64 ret)
{
	if (id < __SCRIPT_OP_MAX) {
		shim_op_count[id]++;
		shim_op_name[id] = name;
	}
}

/*
 * The kernel's vsnprintf() for the verifier log: the C library's for each
 * conversion, and %pV, a struct va_format printed in place.
 */
int shim_vsnprintf(char *buf, size_t size, const char *fmt, va_list args)
{
	size_t len = 0;
	const char *p = fmt;

	while (*p) {
		char spec[32], out[512];
		const char *start = p;
		size_t n, k;
		int lng = 0;

		if (*p != '%') {
			n = strcspn(p, "%");
			memcpy(out, p, min(n, sizeof(out) - 1));
			out[min(n, sizeof(out) - 1)] = 0;
			p += n;
		} else if (p[1] == '%') {
			snprintf(out, sizeof(out), "%%");
			p += 2;
		} else if (p[1] == 'p' && p[2] == 'V') {
			struct va_format *vaf = va_arg(args, struct va_format *);
			va_list va;

			va_copy(va, *vaf->va);
			shim_vsnprintf(out, sizeof(out), vaf->fmt, va);
			va_end(va);
			p += 3;
		} else {
			p++;
			p += strspn(p, "-+ #0123456789.");
			while (*p == 'l' || *p == 'h' || *p == 'z') {
				lng += *p == 'l' || *p == 'z';
				p++;
			}
			k = min((size_t)(p + 1 - start), sizeof(spec) - 1);
			memcpy(spec, start, k);
			spec[k] = 0;
			switch (*p++) {
			case 's':
				snprintf(out, sizeof(out), spec, va_arg(args, char *));
				break;
			case 'p':
				snprintf(out, sizeof(out), spec, va_arg(args, void *));
				break;
			case 'c':
				snprintf(out, sizeof(out), spec, va_arg(args, int));
				break;
			default:
				if (lng)
					snprintf(out, sizeof(out), spec,
						 va_arg(args, long long));
				else
					snprintf(out, sizeof(out), spec,
						 va_arg(args, int));
				break;
			}
		}
		n = strlen(out);
		if (len < size) {
			k = min(n, size - len - 1);
			memcpy(buf + len, out, k);
			buf[len + k] = 0;
		}
		len += n;
	}
	if (size && !len)
		buf[0] = 0;
	return len;
}

/* pt_regs_nr()'s order of the registers, as ucontext names them */
static const int shim_ex_regs[16] = {
	REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
	REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
};

/* arch/x86/mm/extable.c: fixup_exception() for the types the shims use */
static bool shim_fixup(const struct shim_extable_entry *e, greg_t *regs)
{
	int data = (int)e->data;
	int type = data & EX_DATA_TYPE_MASK;
	int reg = (data & EX_DATA_REG_MASK) >> EX_DATA_REG_SHIFT;
	int imm = data >> EX_DATA_IMM_SHIFT;

	switch (type) {
	case EX_TYPE_IMM_REG:
		regs[shim_ex_regs[reg]] = (long)imm;
		fallthrough;
	case EX_TYPE_DEFAULT:
	case EX_TYPE_UACCESS:
		if (data & EX_FLAG_CLEAR_AX)
			regs[REG_RAX] = 0;
		if (data & EX_FLAG_CLEAR_DX)
			regs[REG_RDX] = 0;
		regs[REG_RIP] = e->fixup;
		return true;
	}
	return false;
}

static void shim_fault(int sig, siginfo_t *si, void *uc_)
{
	ucontext_t *uc = uc_;
	greg_t *regs = uc->uc_mcontext.gregs;
	uintptr_t ip = regs[REG_RIP];
	const struct shim_extable_entry *e;

	for (e = __start___shim_extable; e < __stop___shim_extable; e++) {
		if (e->insn == ip && shim_fixup(e, regs)) {
			shim_fixups++;
			return;
		}
	}
	/* Not a user access: die as the program would have. */
	signal(sig, SIG_DFL);
}

void shim_install_fault_handler(void)
{
	struct sigaction sa = {
		.sa_sigaction = shim_fault,
		.sa_flags = SA_SIGINFO | SA_NODEFER,
	};

	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
}
