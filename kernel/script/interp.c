// SPDX-License-Identifier: GPL-2.0
/*
 * script(2): the interpreter.
 *
 * One switch on the opcode byte, its cases grouped by instruction class as
 * in ___bpf_prog_run().  Registers are 64 bits wide; every load and store
 * is a checked access to the caller's user memory.  The program has been
 * verified, so opcodes, registers, jump targets and op ids are valid.
 */

#include <linux/livepatch.h>
#include <linux/math64.h>
#include <linux/resume_user_mode.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/swab.h>
#include <linux/task_work.h>
#include <linux/uaccess.h>

#include "script.h"

#define CREATE_TRACE_POINTS
#include "script_trace.h"

/**
 * script_work() - the return to user mode's deferred work, for a run
 *
 * A run may go on for as long as a userspace loop, but never returns to
 * user mode, where the kernel does the work it defers for a task, as KVM's
 * vCPU loop never does (xfer_to_guest_mode_work()).  Without it, every
 * file an op drops (fput()) would stay open, POSIX CPU timers and
 * RLIMIT_CPU would never fire, and memory.high would never throttle, until
 * script(2) returned.  So at each yield point, as KVM does and with the
 * same helper:
 *
 * - TIF_NOTIFY_RESUME: task work queued with TWA_RESUME (the final fput(),
 *   CPU timers, mntput, NUMA balancing), memory.high and io throttling,
 *   the released request-key and rseq's CPU id (rseq's critical section
 *   fixup needs the user registers: there is none inside a system call);
 * - TIF_NOTIFY_SIGNAL alone, as get_signal() treats it: task work queued
 *   with TWA_SIGNAL (io_uring's), which need not stop the run (an op it
 *   interrupted ends as the system call would: script_op_interrupted()).
 *   A livepatch transition's fake signal does: it is left pending, and
 *   the run stops there as for a signal.
 *
 * Signals, stops and freezes stop the run, which returns to user mode to
 * take them; rescheduling and RCU are script_resched()'s.
 */
void script_work(void)
{
	unsigned long work;

	while ((work = read_thread_flags() & SCRIPT_WORK)) {
		if (work & _TIF_NOTIFY_RESUME) {
			resume_user_mode_work(NULL);
			continue;
		}
		if (klp_patch_pending(current))
			return;
		clear_notify_signal();
		if (task_work_pending(current))
			task_work_run();
	}
}

/* A yield point's slow path: a full one, then whether a signal stops the run. */
noinline bool script_yield_slow(struct script_run_ctx *ctx)
{
	ctx->quiet = SCRIPT_QUIET_YIELDS;
	script_resched();
	return signal_pending(current);
}

/**
 * script_scratch() - the run's scratch buffer, for an op's state
 * @ctx: the run
 *
 * An op whose state is too large for the stack (memmem's window,
 * split_header's chunk and names) borrows SCRIPT_SCRATCH_SIZE bytes
 * allocated once per run, on the first such op, and freed when the run
 * ends, rather than allocating on each call.  An op may not keep anything
 * in it across calls.  As the ops' other transient buffers, it is not
 * charged to the caller's memory cgroup: it lives only as long as the run
 * and is one per running task.
 *
 * Return: the buffer, or NULL when it cannot be allocated.
 */
void *script_scratch(struct script_run_ctx *ctx)
{
	if (unlikely(!ctx->scratch))
		ctx->scratch = kmalloc(SCRIPT_SCRATCH_SIZE, GFP_KERNEL);
	return ctx->scratch;
}

static u64 script_div64(u64 a, u64 b, bool sdiv)
{
	if (!b)
		return 0;
	if (!sdiv)
		return div64_u64(a, b);
	if ((s64)b == -1)
		return -a;
	return div64_s64(a, b);
}

static u64 script_mod64(u64 a, u64 b, bool smod)
{
	if (!b)
		return a;
	if (smod && (s64)b == -1)
		return 0;
	return a - script_div64(a, b, smod) * b;
}

static u32 script_div32(u32 a, u32 b, bool sdiv)
{
	if (!b)
		return 0;
	if (!sdiv)
		return a / b;
	if ((s32)b == -1)
		return -a;
	return (s32)a / (s32)b;
}

static u32 script_mod32(u32 a, u32 b, bool smod)
{
	if (!b)
		return a;
	if (!smod)
		return a % b;
	if ((s32)b == -1)
		return 0;
	return (s32)a % (s32)b;
}

#define DST	regs[insn->dst_reg]
#define SRC	regs[insn->src_reg]
#define IMM	insn->imm

/*
 * Loads @size bytes from the user address @addr into *@val, zero- or
 * (@sx) sign-extended: false when the load faults, *@val as it was.  The
 * access is inline: where the architecture masks user addresses, an
 * address past the user range becomes one that faults, with no branch to
 * mispredict; elsewhere user_read_access_begin() checks it.  On a 32-bit
 * kernel an address that does not fit a pointer faults rather than being
 * cut.  @size and @sx are constants: each use is one access.
 */
static __always_inline bool script_get(u64 addr, u64 *val, int size, bool sx)
{
	const void __user *p = u64_to_user_ptr(addr);
	u64 v;

	if (!script_uaddr_ok(addr))
		return false;
	if (can_do_masked_user_access())
		p = masked_user_access_begin(p);
	else if (!user_read_access_begin(p, size))
		return false;
	switch (size) {
	case 1: {
		u8 b;

		unsafe_get_user(b, (const u8 __user *)p, efault);
		v = sx ? (u64)(s8)b : b;
		break;
	}
	case 2: {
		u16 h;

		unsafe_get_user(h, (const u16 __user *)p, efault);
		v = sx ? (u64)(s16)h : h;
		break;
	}
	case 4: {
		u32 w;

		unsafe_get_user(w, (const u32 __user *)p, efault);
		v = sx ? (u64)(s32)w : w;
		break;
	}
	default:
		unsafe_get_user(v, (const u64 __user *)p, efault);
		break;
	}
	user_read_access_end();
	*val = v;
	return true;
efault:
	user_read_access_end();
	return false;
}

/* Stores the low @size bytes of @v at the user address @addr: as script_get(). */
static __always_inline bool script_put(u64 addr, u64 v, int size)
{
	void __user *p = u64_to_user_ptr(addr);

	if (!script_uaddr_ok(addr))
		return false;
	if (can_do_masked_user_access())
		p = masked_user_access_begin(p);
	else if (!user_write_access_begin(p, size))
		return false;
	switch (size) {
	case 1:
		unsafe_put_user((u8)v, (u8 __user *)p, efault);
		break;
	case 2:
		unsafe_put_user((u16)v, (u16 __user *)p, efault);
		break;
	case 4:
		unsafe_put_user((u32)v, (u32 __user *)p, efault);
		break;
	default:
		unsafe_put_user(v, (u64 __user *)p, efault);
		break;
	}
	user_write_access_end();
	return true;
efault:
	user_write_access_end();
	return false;
}

/*
 * A pseudo-call at @pc: save the caller's r6 to r10, open a frame.  The
 * callee's frame is the SCRIPT_FRAME_SIZE bytes below its r10, which is
 * SCRIPT_FRAME_SIZE below the caller's: both must lie within the stack.
 */
int script_call(struct script_state *st, const struct script_run_ctx *ctx,
		u32 pc)
{
	u64 *regs = st->regs;
	struct script_frame *f;

	if (st->depth == SCRIPT_MAX_CALL_DEPTH ||
	    regs[SCRIPT_REG_10] - ctx->stack_lo < 2 * SCRIPT_FRAME_SIZE)
		return -ENOSPC;
	f = &st->frames[st->depth++];
	f->ret = pc + 1;
	memcpy(f->regs, &regs[SCRIPT_REG_6], sizeof(f->regs));
	regs[SCRIPT_REG_10] -= SCRIPT_FRAME_SIZE;
	return 0;
}

/* EXIT from a subprogram: restore the caller, return where it resumes. */
u32 script_return(struct script_state *st)
{
	struct script_frame *f = &st->frames[--st->depth];

	memcpy(&st->regs[SCRIPT_REG_6], f->regs, sizeof(f->regs));
	return f->ret;
}

/* What script_op_interrupted() found */
enum script_intr {
	SCRIPT_INTR_NONE,	/* the op's result stands */
	SCRIPT_INTR_EINTR,	/* the op's result becomes -EINTR */
	SCRIPT_INTR_STOP,	/* a signal: the run stops, the op runs again */
	SCRIPT_INTR_RESTART,	/* task work alone: the op runs again now */
};

/* A result by which an op may tell that a signal interrupted it */
static inline bool script_op_maybe_interrupted(s64 ret)
{
	return ret == -EINTR ||
	       (ret <= -ERESTARTSYS && ret >= -ERESTART_RESTARTBLOCK);
}

/*
 * Tells whether a signal interrupted an op before it took effect.  The
 * restart codes never reach a program.  With a signal pending, the run
 * stops at the op, which runs again when the run continues.  When the
 * interruption was task work alone (TWA_SIGNAL, as io_uring queues it),
 * it is done here and the op ends as the system call would on the way
 * back to user mode: restarted at once for -ERESTARTSYS, -ERESTARTNOINTR
 * and -ERESTARTNOHAND, -EINTR as it is, and -EINTR for
 * -ERESTART_RESTARTBLOCK (nanosleep, poll), whose restart with the time
 * left restart_syscall(2) would make.
 */
static noinline enum script_intr
script_op_interrupted(struct script_run_ctx *ctx, const struct script_op *op,
		      s64 ret)
{
	switch (ret) {
	case -EINTR:
		if (op->done_on_eintr)
			break;
		fallthrough;
	case -ERESTARTSYS:
	case -ERESTARTNOINTR:
	case -ERESTARTNOHAND:
	case -ERESTART_RESTARTBLOCK:
		if (!signal_pending(current))
			goto no_signal;
		if (script_yield_slow(ctx))
			return SCRIPT_INTR_STOP;
		if (ret != -EINTR && ret != -ERESTART_RESTARTBLOCK)
			return SCRIPT_INTR_RESTART;
no_signal:
		return SCRIPT_INTR_EINTR;
	}
	return SCRIPT_INTR_NONE;
}

/*
 * An op on user memory alone (struct script_op's @mem), with r1 to r5 in
 * place.  The ops a program calls most are direct calls where a call
 * through the table would be a retpoline; the table stays the one place
 * an op is declared.
 */
static __always_inline s64 script_mem_fn(const struct script_op *op,
					 struct script_run_ctx *ctx,
					 const u64 *args)
{
	s64 (*fn)(struct script_run_ctx *ctx, const u64 *args) = op->fn;

	if (IS_ENABLED(CONFIG_MITIGATION_RETPOLINE)) {
		if (fn == script_op_memchr)
			return script_op_memchr(ctx, args);
		if (fn == script_op_memmove)
			return script_op_memmove(ctx, args);
		if (fn == script_op_memcmp)
			return script_op_memcmp(ctx, args);
		if (fn == script_op_memmem)
			return script_op_memmem(ctx, args);
		if (fn == script_op_split_header)
			return script_op_split_header(ctx, args);
		if (fn == script_op_format)
			return script_op_format(ctx, args);
		if (fn == script_op_memcspn)
			return script_op_memcspn(ctx, args);
	}
	return fn(ctx, args);
}

/* Any other op, as script_mem_fn(): a web server's request path direct. */
static __always_inline s64 script_sys_fn(const struct script_op *op,
					 struct script_run_ctx *ctx,
					 const u64 *args)
{
	s64 (*fn)(struct script_run_ctx *ctx, const u64 *args) = op->fn;

	if (IS_ENABLED(CONFIG_MITIGATION_RETPOLINE)) {
		if (fn == script_op_read)
			return script_op_read(ctx, args);
#ifdef CONFIG_NET
		if (fn == script_op_sendto)
			return script_op_sendto(ctx, args);
		if (fn == script_op_recvfrom)
			return script_op_recvfrom(ctx, args);
#endif
		if (fn == script_op_openat2)
			return script_op_openat2(ctx, args);
		if (fn == script_op_close)
			return script_op_close(ctx, args);
#if defined(__ARCH_WANT_NEW_STAT) && defined(__NR_fstat)
		if (fn == script_op_fstat)
			return script_op_fstat(ctx, args);
#endif
		if (fn == script_op_move)
			return script_op_move(ctx, args);
#if defined(CONFIG_EPOLL) && defined(__NR_epoll_wait)
		if (fn == script_op_epoll_wait)
			return script_op_epoll_wait(ctx, args);
#endif
		if (fn == script_op_getpid)
			return script_op_getpid(ctx, args);
	}
	return fn(ctx, args);
}

/*
 * An op: 0 once its result is in r0, or -EINTR when a signal stops the
 * run before it took effect.  Its six arguments are r1 to r5 (those past
 * the op's count zero), or r1 to r4 and the two r5 points at.  An op that
 * stands for a system call is a yield point, and first passes the
 * caller's seccomp filters, as that call would; an op on memory alone is
 * a call with r1 to r5 in place.  Ops that copy charge ctx->steps.
 */
int script_call_op(u64 *regs, struct script_run_ctx *ctx, u32 id)
{
	const struct script_op *op = script_op_row(id);
	/* Each op call: filled below rather than zeroed and copied into. */
	u64 args[6] __uninitialized, steps = ctx->steps;
	enum script_intr intr;
	s64 ret;

	if (op->mem) {
		ret = script_mem_fn(op, ctx, &regs[SCRIPT_REG_1]);
		trace_script_op(id, op->name, ret);
		if (likely(ret != -EINTR)) {
			regs[SCRIPT_REG_0] = ret;
			return 0;
		}
	} else {
again:
		if (script_yield(ctx))
			return -EINTR;
		/* Unrolled: conditional moves rather than a loop. */
		args[0] = op->nargs > 0 ? regs[SCRIPT_REG_1] : 0;
		args[1] = op->nargs > 1 ? regs[SCRIPT_REG_2] : 0;
		args[2] = op->nargs > 2 ? regs[SCRIPT_REG_3] : 0;
		args[3] = op->nargs > 3 ? regs[SCRIPT_REG_4] : 0;
		args[4] = op->nargs > 4 ? regs[SCRIPT_REG_5] : 0;
		args[5] = 0;
		if (op->tail &&
		    script_copy_in(&args[4], SCRIPT_UPTR(regs[SCRIPT_REG_5]),
				   2 * sizeof(u64)) != 2 * sizeof(u64)) {
			ret = -EFAULT;
		} else if (op->nr == SCRIPT_NO_SYSCALL ||
			   !script_syscall_denied(ctx, op->nr, args, &ret)) {
			ret = script_sys_fn(op, ctx, args);
			script_audit_exit(ctx, ret);
		}
		trace_script_op(id, op->name, ret);
		if (unlikely(ctx->exit_thread))
			return -EINTR;
	}
	if (unlikely(script_op_maybe_interrupted(ret))) {
		intr = script_op_interrupted(ctx, op, ret);
		if (intr == SCRIPT_INTR_EINTR) {
			ret = -EINTR;
		} else if (intr != SCRIPT_INTR_NONE) {
			/* Done again: its charges are undone. */
			ctx->steps = steps;
			if (intr == SCRIPT_INTR_RESTART)
				goto again;
			return -EINTR;
		}
	}
	regs[SCRIPT_REG_0] = ret;
	/*
	 * The op took effect, but a fatal signal came meanwhile (a close
	 * that failed with -EINTR, a write that raised SIGPIPE): the run
	 * ends before another instruction can store.
	 */
	if (unlikely(fatal_signal_pending(current)))
		return -EINTR;
	return 0;
}

/* True when @pc is the first slot of an instruction of @prog. */
static bool script_insn_start(const struct script_prog *prog, u32 pc)
{
	if (pc >= prog->len)
		return false;
	return !pc || prog->insns[pc - 1].code != (SCRIPT_LD | SCRIPT_IMM | SCRIPT_DW);
}

/*
 * Checks a parked state before a run continues from it.  Registers are
 * user values and every access through them is checked, so only what the
 * interpreter trusts is checked here: that @pc and every return index are
 * instructions of the program (a return index the one after a subprogram
 * call), that the depth is in range, and that r10 and the callers' r10
 * are where the calls put them, within the stack.
 */
static bool script_state_valid(const struct script_prog *prog,
			       const struct script_run_ctx *ctx,
			       const struct script_state *st)
{
	u64 top = ctx->stack_hi;
	u32 i;

	if (st->__pad || !script_insn_start(prog, st->pc))
		return false;
	if (st->depth > SCRIPT_MAX_CALL_DEPTH)
		return false;
	if (st->depth &&
	    ctx->stack_hi - ctx->stack_lo < (st->depth + 1) * SCRIPT_FRAME_SIZE)
		return false;
	if (st->regs[SCRIPT_REG_10] != top - st->depth * SCRIPT_FRAME_SIZE)
		return false;
	for (i = 0; i < st->depth; i++) {
		const struct script_frame *f = &st->frames[i];
		const struct script_insn *call;

		if (f->__pad || f->regs[4] != top - i * SCRIPT_FRAME_SIZE)
			return false;
		if (!f->ret || f->ret >= prog->len)
			return false;
		call = &prog->insns[f->ret - 1];
		if (call->code != (SCRIPT_JMP | SCRIPT_CALL) ||
		    call->src_reg != SCRIPT_PSEUDO_CALL)
			return false;
	}
	return true;
}

/*
 * Sets up @st for a run: a new one from ctx->args, or the run parked in
 * the caller's state area.  Return: 0 for a new run, 1 for a parked one,
 * -EFAULT or -EINVAL.
 */
static int script_start(const struct script_prog *prog,
			struct script_run_ctx *ctx, struct script_state *st)
{
	u32 status = SCRIPT_STATE_NONE;

	if (ctx->ustate && get_user(status, &ctx->ustate->status))
		return -EFAULT;
	if (status == SCRIPT_STATE_NONE) {
		/*
		 * Field by field, as plain stores: the frames are written by
		 * the calls that use them, and the compiler makes a memset()
		 * of the rest a "rep stos", which costs a startup natively and
		 * a translation block per word under QEMU's TCG.
		 */
		BUILD_BUG_ON(ARRAY_SIZE(st->regs) != 11);
		st->status = SCRIPT_STATE_NONE;
		st->pc = 0;
		st->depth = 0;
		st->__pad = 0;
		st->steps = 0;
		st->regs[SCRIPT_REG_0] = 0;
		memcpy(&st->regs[SCRIPT_REG_1], ctx->args, sizeof(ctx->args));
		st->regs[SCRIPT_REG_6] = 0;
		st->regs[SCRIPT_REG_7] = 0;
		st->regs[SCRIPT_REG_8] = 0;
		st->regs[SCRIPT_REG_9] = 0;
		st->regs[SCRIPT_REG_10] = ctx->stack_hi;
		return 0;
	}
	if (status != SCRIPT_STATE_PARKED)
		return -EINVAL;
	if (copy_from_user(st, ctx->ustate, sizeof(*st)))
		return -EFAULT;
	/* Another thread may have changed it since status was read. */
	if (st->status != SCRIPT_STATE_PARKED || !script_state_valid(prog, ctx, st))
		return -EINVAL;
	return 1;
}

/*
 * A signal stopped the run at st->pc, before that instruction took
 * effect.  With a state area, park the run there and ask for the call to
 * be restarted: the signal code restarts it after a stop, a freeze or an
 * SA_RESTART handler, and turns it into -EINTR after other handlers.  A
 * fatal signal, or no state area, ends the run with -EINTR.
 */
static int script_park(struct script_run_ctx *ctx, struct script_state *st)
{
	size_t off = offsetofend(struct script_state, status);
	u32 i;

	if (!ctx->ustate || ctx->exit_thread || fatal_signal_pending(current))
		return -EINTR;
	/*
	 * Frames no call in progress wrote, and the padding of those that
	 * one did, are zero in the saved state.
	 */
	if (WARN_ON_ONCE(st->depth > SCRIPT_MAX_CALL_DEPTH))
		return -EINVAL;
	for (i = 0; i < st->depth; i++)
		st->frames[i].__pad = 0;
	memset(&st->frames[st->depth], 0,
	       (SCRIPT_MAX_CALL_DEPTH - st->depth) * sizeof(st->frames[0]));
	/* The state first, then the status that makes it a parked run. */
	if (copy_to_user((void __user *)ctx->ustate + off, (void *)st + off,
			 sizeof(*st) - off) ||
	    put_user(SCRIPT_STATE_PARKED, &ctx->ustate->status))
		return -EFAULT;
	return -ERESTARTSYS;
}

/**
 * script_interp() - run a program in the interpreter
 * @prog: the program
 * @ctx: the run
 * @st: its registers and frames
 * @pcp: in: where to start; out: where the run stopped
 * @stepsp: in and out: the steps so far
 *
 * Return: 0 at the main program's EXIT with r0 in ctx->retval;
 * SCRIPT_PARKED when a signal stops the run at *@pcp, before that
 * instruction took effect; -EFAULT, -ETIME, -ENOSPC or -EINVAL when it
 * stops there.
 */
int script_interp(const struct script_prog *prog, struct script_run_ctx *ctx,
		  struct script_state *st, u32 *pcp, u64 *stepsp)
{
	u64 limit = ctx->limit, steps = *stepsp, imm, *regs = st->regs;
	const struct script_insn *insn;
	u32 pc = *pcp;
	int err;

	for (;;) {
		if (IS_ENABLED(CONFIG_DEBUG_SCRIPT) &&
		    WARN_ON_ONCE(pc >= prog->len)) {
			err = -EINVAL;
			goto out;
		}
		insn = &prog->insns[pc];
		imm = insn->imm;	/* sign-extended, as eBPF's K operand */
		if (unlikely(steps >= limit)) {
			err = -ETIME;
			goto out;
		}
		steps++;

		switch (insn->code) {
		/* ALU64 and ALU */
		case SCRIPT_ALU64 | SCRIPT_ADD | SCRIPT_X:
			DST += SRC;
			break;
		case SCRIPT_ALU64 | SCRIPT_ADD | SCRIPT_K:
			DST += imm;
			break;
		case SCRIPT_ALU | SCRIPT_ADD | SCRIPT_X:
			DST = (u32)(DST + SRC);
			break;
		case SCRIPT_ALU | SCRIPT_ADD | SCRIPT_K:
			DST = (u32)(DST + imm);
			break;
		case SCRIPT_ALU64 | SCRIPT_SUB | SCRIPT_X:
			DST -= SRC;
			break;
		case SCRIPT_ALU64 | SCRIPT_SUB | SCRIPT_K:
			DST -= imm;
			break;
		case SCRIPT_ALU | SCRIPT_SUB | SCRIPT_X:
			DST = (u32)(DST - SRC);
			break;
		case SCRIPT_ALU | SCRIPT_SUB | SCRIPT_K:
			DST = (u32)(DST - imm);
			break;
		case SCRIPT_ALU64 | SCRIPT_MUL | SCRIPT_X:
			DST *= SRC;
			break;
		case SCRIPT_ALU64 | SCRIPT_MUL | SCRIPT_K:
			DST *= imm;
			break;
		case SCRIPT_ALU | SCRIPT_MUL | SCRIPT_X:
			DST = (u32)(DST * SRC);
			break;
		case SCRIPT_ALU | SCRIPT_MUL | SCRIPT_K:
			DST = (u32)(DST * imm);
			break;
		case SCRIPT_ALU64 | SCRIPT_OR | SCRIPT_X:
			DST |= SRC;
			break;
		case SCRIPT_ALU64 | SCRIPT_OR | SCRIPT_K:
			DST |= imm;
			break;
		case SCRIPT_ALU | SCRIPT_OR | SCRIPT_X:
			DST = (u32)(DST | SRC);
			break;
		case SCRIPT_ALU | SCRIPT_OR | SCRIPT_K:
			DST = (u32)(DST | imm);
			break;
		case SCRIPT_ALU64 | SCRIPT_AND | SCRIPT_X:
			DST &= SRC;
			break;
		case SCRIPT_ALU64 | SCRIPT_AND | SCRIPT_K:
			DST &= imm;
			break;
		case SCRIPT_ALU | SCRIPT_AND | SCRIPT_X:
			DST = (u32)(DST & SRC);
			break;
		case SCRIPT_ALU | SCRIPT_AND | SCRIPT_K:
			DST = (u32)(DST & imm);
			break;
		case SCRIPT_ALU64 | SCRIPT_XOR | SCRIPT_X:
			DST ^= SRC;
			break;
		case SCRIPT_ALU64 | SCRIPT_XOR | SCRIPT_K:
			DST ^= imm;
			break;
		case SCRIPT_ALU | SCRIPT_XOR | SCRIPT_X:
			DST = (u32)(DST ^ SRC);
			break;
		case SCRIPT_ALU | SCRIPT_XOR | SCRIPT_K:
			DST = (u32)(DST ^ imm);
			break;
		case SCRIPT_ALU64 | SCRIPT_LSH | SCRIPT_X:
			DST <<= SRC & 63;
			break;
		case SCRIPT_ALU64 | SCRIPT_LSH | SCRIPT_K:
			DST <<= IMM & 63;
			break;
		case SCRIPT_ALU | SCRIPT_LSH | SCRIPT_X:
			DST = (u32)DST << (SRC & 31);
			break;
		case SCRIPT_ALU | SCRIPT_LSH | SCRIPT_K:
			DST = (u32)DST << (IMM & 31);
			break;
		case SCRIPT_ALU64 | SCRIPT_RSH | SCRIPT_X:
			DST >>= SRC & 63;
			break;
		case SCRIPT_ALU64 | SCRIPT_RSH | SCRIPT_K:
			DST >>= IMM & 63;
			break;
		case SCRIPT_ALU | SCRIPT_RSH | SCRIPT_X:
			DST = (u32)DST >> (SRC & 31);
			break;
		case SCRIPT_ALU | SCRIPT_RSH | SCRIPT_K:
			DST = (u32)DST >> (IMM & 31);
			break;
		case SCRIPT_ALU64 | SCRIPT_ARSH | SCRIPT_X:
			DST = (s64)DST >> (SRC & 63);
			break;
		case SCRIPT_ALU64 | SCRIPT_ARSH | SCRIPT_K:
			DST = (s64)DST >> (IMM & 63);
			break;
		case SCRIPT_ALU | SCRIPT_ARSH | SCRIPT_X:
			DST = (u32)((s32)DST >> (SRC & 31));
			break;
		case SCRIPT_ALU | SCRIPT_ARSH | SCRIPT_K:
			DST = (u32)((s32)DST >> (IMM & 31));
			break;
		case SCRIPT_ALU64 | SCRIPT_NEG:
			DST = -DST;
			break;
		case SCRIPT_ALU | SCRIPT_NEG:
			DST = (u32)-DST;
			break;
		case SCRIPT_ALU64 | SCRIPT_DIV | SCRIPT_X:
			DST = script_div64(DST, SRC, insn->off);
			break;
		case SCRIPT_ALU64 | SCRIPT_DIV | SCRIPT_K:
			DST = script_div64(DST, (s64)IMM, insn->off);
			break;
		case SCRIPT_ALU | SCRIPT_DIV | SCRIPT_X:
			DST = script_div32(DST, SRC, insn->off);
			break;
		case SCRIPT_ALU | SCRIPT_DIV | SCRIPT_K:
			DST = script_div32(DST, IMM, insn->off);
			break;
		case SCRIPT_ALU64 | SCRIPT_MOD | SCRIPT_X:
			DST = script_mod64(DST, SRC, insn->off);
			break;
		case SCRIPT_ALU64 | SCRIPT_MOD | SCRIPT_K:
			DST = script_mod64(DST, (s64)IMM, insn->off);
			break;
		case SCRIPT_ALU | SCRIPT_MOD | SCRIPT_X:
			DST = script_mod32(DST, SRC, insn->off);
			break;
		case SCRIPT_ALU | SCRIPT_MOD | SCRIPT_K:
			DST = script_mod32(DST, IMM, insn->off);
			break;
		case SCRIPT_ALU64 | SCRIPT_MOV | SCRIPT_X:
			switch (insn->off) {
			case 0:
				DST = SRC;
				break;
			case 8:
				DST = (s8)SRC;
				break;
			case 16:
				DST = (s16)SRC;
				break;
			case 32:
				DST = (s32)SRC;
				break;
			}
			break;
		case SCRIPT_ALU64 | SCRIPT_MOV | SCRIPT_K:
			DST = (s64)IMM;
			break;
		case SCRIPT_ALU | SCRIPT_MOV | SCRIPT_X:
			switch (insn->off) {
			case 0:
				DST = (u32)SRC;
				break;
			case 8:
				DST = (u32)(s8)SRC;
				break;
			case 16:
				DST = (u32)(s16)SRC;
				break;
			}
			break;
		case SCRIPT_ALU | SCRIPT_MOV | SCRIPT_K:
			DST = (u32)IMM;
			break;
		case SCRIPT_ALU | SCRIPT_END | SCRIPT_TO_LE:
			switch (IMM) {
			case 16:
				DST = (__force u16)cpu_to_le16(DST);
				break;
			case 32:
				DST = (__force u32)cpu_to_le32(DST);
				break;
			case 64:
				DST = (__force u64)cpu_to_le64(DST);
				break;
			}
			break;
		case SCRIPT_ALU | SCRIPT_END | SCRIPT_TO_BE:
			switch (IMM) {
			case 16:
				DST = (__force u16)cpu_to_be16(DST);
				break;
			case 32:
				DST = (__force u32)cpu_to_be32(DST);
				break;
			case 64:
				DST = (__force u64)cpu_to_be64(DST);
				break;
			}
			break;
		case SCRIPT_ALU64 | SCRIPT_END | SCRIPT_TO_LE:
			switch (IMM) {
			case 16:
				DST = swab16(DST);
				break;
			case 32:
				DST = swab32(DST);
				break;
			case 64:
				DST = swab64(DST);
				break;
			}
			break;

		/* LD: the 64-bit immediate, over two slots */
		case SCRIPT_LD | SCRIPT_IMM | SCRIPT_DW:
			DST = (u64)(u32)IMM | (u64)(u32)insn[1].imm << 32;
			pc++;
			break;

		/* LDX, ST, STX: the caller's memory */
		case SCRIPT_LDX | SCRIPT_MEM | SCRIPT_B:
			if (!script_get(SRC + insn->off, &DST, 1, false))
				goto fault;
			break;
		case SCRIPT_LDX | SCRIPT_MEM | SCRIPT_H:
			if (!script_get(SRC + insn->off, &DST, 2, false))
				goto fault;
			break;
		case SCRIPT_LDX | SCRIPT_MEM | SCRIPT_W:
			if (!script_get(SRC + insn->off, &DST, 4, false))
				goto fault;
			break;
		case SCRIPT_LDX | SCRIPT_MEM | SCRIPT_DW:
			if (!script_get(SRC + insn->off, &DST, 8, false))
				goto fault;
			break;
		case SCRIPT_LDX | SCRIPT_MEMSX | SCRIPT_B:
			if (!script_get(SRC + insn->off, &DST, 1, true))
				goto fault;
			break;
		case SCRIPT_LDX | SCRIPT_MEMSX | SCRIPT_H:
			if (!script_get(SRC + insn->off, &DST, 2, true))
				goto fault;
			break;
		case SCRIPT_LDX | SCRIPT_MEMSX | SCRIPT_W:
			if (!script_get(SRC + insn->off, &DST, 4, true))
				goto fault;
			break;
		case SCRIPT_ST | SCRIPT_MEM | SCRIPT_B:
			if (!script_put(DST + insn->off, imm, 1))
				goto fault;
			break;
		case SCRIPT_ST | SCRIPT_MEM | SCRIPT_H:
			if (!script_put(DST + insn->off, imm, 2))
				goto fault;
			break;
		case SCRIPT_ST | SCRIPT_MEM | SCRIPT_W:
			if (!script_put(DST + insn->off, imm, 4))
				goto fault;
			break;
		case SCRIPT_ST | SCRIPT_MEM | SCRIPT_DW:
			if (!script_put(DST + insn->off, imm, 8))
				goto fault;
			break;
		case SCRIPT_STX | SCRIPT_MEM | SCRIPT_B:
			if (!script_put(DST + insn->off, SRC, 1))
				goto fault;
			break;
		case SCRIPT_STX | SCRIPT_MEM | SCRIPT_H:
			if (!script_put(DST + insn->off, SRC, 2))
				goto fault;
			break;
		case SCRIPT_STX | SCRIPT_MEM | SCRIPT_W:
			if (!script_put(DST + insn->off, SRC, 4))
				goto fault;
			break;
		case SCRIPT_STX | SCRIPT_MEM | SCRIPT_DW:
			if (!script_put(DST + insn->off, SRC, 8))
				goto fault;
			break;

		/* JMP and JMP32 */
		case SCRIPT_JMP | SCRIPT_JA:
			goto jump;
		case SCRIPT_JMP32 | SCRIPT_JA:
			pc += IMM + 1;
			if (IMM < 0)
				goto back_edge;
			continue;
		case SCRIPT_JMP | SCRIPT_JEQ | SCRIPT_X:
			if ((u64)DST == (u64)SRC)
				goto jump;
			break;
		case SCRIPT_JMP | SCRIPT_JEQ | SCRIPT_K:
			if ((u64)DST == (u64)(s64)IMM)
				goto jump;
			break;
		case SCRIPT_JMP32 | SCRIPT_JEQ | SCRIPT_X:
			if ((u32)DST == (u32)SRC)
				goto jump;
			break;
		case SCRIPT_JMP32 | SCRIPT_JEQ | SCRIPT_K:
			if ((u32)DST == (u32)IMM)
				goto jump;
			break;
		case SCRIPT_JMP | SCRIPT_JNE | SCRIPT_X:
			if ((u64)DST != (u64)SRC)
				goto jump;
			break;
		case SCRIPT_JMP | SCRIPT_JNE | SCRIPT_K:
			if ((u64)DST != (u64)(s64)IMM)
				goto jump;
			break;
		case SCRIPT_JMP32 | SCRIPT_JNE | SCRIPT_X:
			if ((u32)DST != (u32)SRC)
				goto jump;
			break;
		case SCRIPT_JMP32 | SCRIPT_JNE | SCRIPT_K:
			if ((u32)DST != (u32)IMM)
				goto jump;
			break;
		case SCRIPT_JMP | SCRIPT_JGT | SCRIPT_X:
			if ((u64)DST > (u64)SRC)
				goto jump;
			break;
		case SCRIPT_JMP | SCRIPT_JGT | SCRIPT_K:
			if ((u64)DST > (u64)(s64)IMM)
				goto jump;
			break;
		case SCRIPT_JMP32 | SCRIPT_JGT | SCRIPT_X:
			if ((u32)DST > (u32)SRC)
				goto jump;
			break;
		case SCRIPT_JMP32 | SCRIPT_JGT | SCRIPT_K:
			if ((u32)DST > (u32)IMM)
				goto jump;
			break;
		case SCRIPT_JMP | SCRIPT_JGE | SCRIPT_X:
			if ((u64)DST >= (u64)SRC)
				goto jump;
			break;
		case SCRIPT_JMP | SCRIPT_JGE | SCRIPT_K:
			if ((u64)DST >= (u64)(s64)IMM)
				goto jump;
			break;
		case SCRIPT_JMP32 | SCRIPT_JGE | SCRIPT_X:
			if ((u32)DST >= (u32)SRC)
				goto jump;
			break;
		case SCRIPT_JMP32 | SCRIPT_JGE | SCRIPT_K:
			if ((u32)DST >= (u32)IMM)
				goto jump;
			break;
		case SCRIPT_JMP | SCRIPT_JLT | SCRIPT_X:
			if ((u64)DST < (u64)SRC)
				goto jump;
			break;
		case SCRIPT_JMP | SCRIPT_JLT | SCRIPT_K:
			if ((u64)DST < (u64)(s64)IMM)
				goto jump;
			break;
		case SCRIPT_JMP32 | SCRIPT_JLT | SCRIPT_X:
			if ((u32)DST < (u32)SRC)
				goto jump;
			break;
		case SCRIPT_JMP32 | SCRIPT_JLT | SCRIPT_K:
			if ((u32)DST < (u32)IMM)
				goto jump;
			break;
		case SCRIPT_JMP | SCRIPT_JLE | SCRIPT_X:
			if ((u64)DST <= (u64)SRC)
				goto jump;
			break;
		case SCRIPT_JMP | SCRIPT_JLE | SCRIPT_K:
			if ((u64)DST <= (u64)(s64)IMM)
				goto jump;
			break;
		case SCRIPT_JMP32 | SCRIPT_JLE | SCRIPT_X:
			if ((u32)DST <= (u32)SRC)
				goto jump;
			break;
		case SCRIPT_JMP32 | SCRIPT_JLE | SCRIPT_K:
			if ((u32)DST <= (u32)IMM)
				goto jump;
			break;
		case SCRIPT_JMP | SCRIPT_JSGT | SCRIPT_X:
			if ((s64)DST > (s64)SRC)
				goto jump;
			break;
		case SCRIPT_JMP | SCRIPT_JSGT | SCRIPT_K:
			if ((s64)DST > (s64)(s64)IMM)
				goto jump;
			break;
		case SCRIPT_JMP32 | SCRIPT_JSGT | SCRIPT_X:
			if ((s32)DST > (s32)SRC)
				goto jump;
			break;
		case SCRIPT_JMP32 | SCRIPT_JSGT | SCRIPT_K:
			if ((s32)DST > (s32)IMM)
				goto jump;
			break;
		case SCRIPT_JMP | SCRIPT_JSGE | SCRIPT_X:
			if ((s64)DST >= (s64)SRC)
				goto jump;
			break;
		case SCRIPT_JMP | SCRIPT_JSGE | SCRIPT_K:
			if ((s64)DST >= (s64)(s64)IMM)
				goto jump;
			break;
		case SCRIPT_JMP32 | SCRIPT_JSGE | SCRIPT_X:
			if ((s32)DST >= (s32)SRC)
				goto jump;
			break;
		case SCRIPT_JMP32 | SCRIPT_JSGE | SCRIPT_K:
			if ((s32)DST >= (s32)IMM)
				goto jump;
			break;
		case SCRIPT_JMP | SCRIPT_JSLT | SCRIPT_X:
			if ((s64)DST < (s64)SRC)
				goto jump;
			break;
		case SCRIPT_JMP | SCRIPT_JSLT | SCRIPT_K:
			if ((s64)DST < (s64)(s64)IMM)
				goto jump;
			break;
		case SCRIPT_JMP32 | SCRIPT_JSLT | SCRIPT_X:
			if ((s32)DST < (s32)SRC)
				goto jump;
			break;
		case SCRIPT_JMP32 | SCRIPT_JSLT | SCRIPT_K:
			if ((s32)DST < (s32)IMM)
				goto jump;
			break;
		case SCRIPT_JMP | SCRIPT_JSLE | SCRIPT_X:
			if ((s64)DST <= (s64)SRC)
				goto jump;
			break;
		case SCRIPT_JMP | SCRIPT_JSLE | SCRIPT_K:
			if ((s64)DST <= (s64)(s64)IMM)
				goto jump;
			break;
		case SCRIPT_JMP32 | SCRIPT_JSLE | SCRIPT_X:
			if ((s32)DST <= (s32)SRC)
				goto jump;
			break;
		case SCRIPT_JMP32 | SCRIPT_JSLE | SCRIPT_K:
			if ((s32)DST <= (s32)IMM)
				goto jump;
			break;
		case SCRIPT_JMP | SCRIPT_JSET | SCRIPT_X:
			if ((u64)DST & (u64)SRC)
				goto jump;
			break;
		case SCRIPT_JMP | SCRIPT_JSET | SCRIPT_K:
			if ((u64)DST & (u64)(s64)IMM)
				goto jump;
			break;
		case SCRIPT_JMP32 | SCRIPT_JSET | SCRIPT_X:
			if ((u32)DST & (u32)SRC)
				goto jump;
			break;
		case SCRIPT_JMP32 | SCRIPT_JSET | SCRIPT_K:
			if ((u32)DST & (u32)IMM)
				goto jump;
			break;
jump:
			pc += insn->off + 1;
			if (insn->off < 0)
				goto back_edge;
			continue;
back_edge:
			/* The run stops, if it does, before the target. */
			if (script_yield(ctx))
				goto park;
			continue;

		case SCRIPT_JMP | SCRIPT_CALL:
			if (insn->src_reg == SCRIPT_PSEUDO_CALL) {
				if (script_yield(ctx))
					goto park_here;
				err = script_call(st, ctx, pc);
				if (err)
					goto stop_here;
				pc += IMM;
				break;
			}
			ctx->steps = steps;
			err = script_call_op(regs, ctx, IMM);
			steps = ctx->steps;
			if (err == -EINTR)
				goto park_here;
			if (err)
				goto stop_here;
			break;

		case SCRIPT_JMP | SCRIPT_EXIT:
			if (!st->depth) {
				ctx->retval = regs[SCRIPT_REG_0];
				err = 0;
				goto out;
			}
			pc = script_return(st);
			continue;

		default:
			/* The verifier let through an opcode we do not run. */
			WARN_ON_ONCE(1);
			err = -EINVAL;
			goto stop_here;
		}
		pc++;
	}

fault:
	err = -EFAULT;
stop_here:
	/* The instruction at pc did not take effect: it is not counted. */
	steps--;
	goto out;
park_here:
	steps--;
park:
	err = SCRIPT_PARKED;
out:
	*pcp = pc;
	*stepsp = steps;
	return err;
}

/**
 * script_run() - run a verified program
 * @prog: the program
 * @ctx: its arguments, stack and budget; the outcome on return
 *
 * Runs @prog from its first instruction, or from the run parked in
 * ctx->ustate, until the main program's EXIT, a fault, a signal or the
 * step budget: in its compiled code when it has some, from an entry point
 * of that code, and in the interpreter otherwise or from where the
 * compiled code hands over.  Both engines give the same results.
 *
 * Return: 0 at EXIT with r0 in ctx->retval; -ERESTARTSYS when a signal
 * parked the run; -EINTR, -EFAULT, -ETIME, -ENOSPC or -EINVAL when it
 * stopped, with ctx->pc at the instruction that did not take effect.
 */
int script_run(const struct script_prog *prog, struct script_run_ctx *ctx)
{
	/* Not zeroed whole on each run: script_start() sets what it needs. */
	struct script_state st __uninitialized;
	bool parked;
	u64 steps;
	u32 pc;
	int err;

	/* The outcome, whatever the caller left there. */
	ctx->retval = 0;
	ctx->exit_thread = false;
	ctx->audited = false;
	err = script_start(prog, ctx, &st);
	if (err < 0) {
		ctx->pc = 0;
		ctx->steps = 0;
		return err;
	}
	parked = err;
	pc = st.pc;
	steps = st.steps;
	/* No budget is one no run can reach. */
	ctx->limit = ctx->max_steps ?: U64_MAX;
	/* Decided once per run: see script_syscall_denied(). */
	ctx->compat = in_compat_syscall();
	ctx->quiet = SCRIPT_QUIET_YIELDS;
	ctx->scratch = NULL;
	trace_script_run_start(prog->len, pc, steps, ctx->max_steps, parked);

	/* kernel.script_jit 0 stops compiled code too: the admin's switch. */
	err = SCRIPT_INTERP;
	if (prog->jit && READ_ONCE(sysctl_script_jit))
		err = script_jit_exec(prog, ctx, &st, &pc, &steps);
	if (err == SCRIPT_INTERP)
		err = script_interp(prog, ctx, &st, &pc, &steps);
	if (err == SCRIPT_PARKED) {
		st.pc = pc;
		st.steps = steps;
		err = script_park(ctx, &st);
		if (err == -ERESTARTSYS)
			parked = false;	/* the area holds the new state */
	}

	/* A run continued from the state area has ended: free the area. */
	if (parked && put_user(SCRIPT_STATE_NONE, &ctx->ustate->status))
		err = -EFAULT;
	kfree(ctx->scratch);
	ctx->scratch = NULL;
	ctx->pc = pc;
	ctx->steps = steps;
	trace_script_run_stop(err, pc, steps, st.regs[SCRIPT_REG_0]);
	return err;
}
