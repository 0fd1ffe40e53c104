/* SPDX-License-Identifier: GPL-2.0 */
/*
 * script(2) internals shared by the syscall entry, the verifier, the
 * interpreter and the op table.
 */
#ifndef _KERNEL_SCRIPT_SCRIPT_H
#define _KERNEL_SCRIPT_SCRIPT_H

#include <linux/atomic.h>
#include <linux/audit.h>
#include <linux/compat.h>
#include <linux/nospec.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/seccomp.h>
#include <linux/types.h>
#include <linux/uaccess.h>
#include <linux/unaligned.h>
#include <linux/unistd.h>
#include <uapi/linux/script.h>

/**
 * struct script_log - the verifier's log, kept in kernel memory
 * @buf: @size bytes, or NULL when nothing is logged
 * @size: bytes in @buf, its NUL included
 * @level: SCRIPT_LOG_*
 * @len: bytes written to @buf so far, without the NUL
 * @len_total: bytes the whole log needs, without the NUL
 */
struct script_log {
	char *buf;
	u32 size;
	u32 level;
	u32 len;
	u32 len_total;
};

__printf(3, 4)
void script_log(struct script_log *log, u32 level, const char *fmt, ...);

struct script_jit;

#define SCRIPT_TAG_SIZE		8

/**
 * struct script_prog - a verified program
 * @runs: SCRIPT_RUN_FD calls that ran it
 * @jit: its compiled code, or NULL: the interpreter runs it
 * @jit_err: why compiling it failed, for fdinfo; 0 if it did not
 * @tag: the first bytes of the SHA-256 of @insns, as eBPF's program tag
 * @len: number of instructions
 * @insns: the instructions, as the caller gave them
 *
 * A loaded program belongs to its file; a run by fd holds a reference to
 * the file for as long as it runs.
 */
struct script_prog {
	atomic64_t runs;
	struct script_jit *jit;
	int jit_err;
	u8 tag[SCRIPT_TAG_SIZE];
	u32 len;
	struct script_insn insns[] __counted_by(len);
};

int script_verify(const struct script_insn *insns, u32 len,
		  struct script_log *log, u32 *err_pc);

/**
 * struct script_run_ctx - one run of a program
 * @args: initial r1 to r5
 * @stack_lo: lowest user address of the stack
 * @stack_hi: r10 at entry; @stack_lo == @stack_hi means no stack
 * @max_steps: instruction budget; 0 for none
 * @ustate: the caller's state area, or NULL: see struct script_state
 * @retval: out: r0 at EXIT
 * @steps: out: instructions executed; during an op, the steps so far
 * @limit: during a run: the step budget, U64_MAX for none
 * @pc: out: instruction the run stopped at
 * @exit_thread: out: a seccomp filter killed the thread, which script(2)
 *	must exit with SIGSYS once it has released the program
 * @audited: during an op: audit entered the system call it makes, and
 *	script_audit_exit() must end it
 * @compat: the caller is a 32-bit task of a 64-bit kernel, decided once
 *	per run: it cannot make the native system calls of the op table
 * @quiet: yield points left before the next full one (script_yield())
 * @scratch: during a run: NULL, or the buffer script_scratch() gave
 *
 * The caller sets the inputs, @args to @ustate; script_run() sets the rest.
 */
struct script_run_ctx {
	u64 args[5];
	u64 stack_lo;
	u64 stack_hi;
	u64 max_steps;
	struct script_state __user *ustate;
	u64 retval;
	u64 steps;
	u64 limit;
	void *scratch;
	u32 pc;
	u32 quiet;
	bool exit_thread;
	bool audited;
	bool compat;
};

int script_run(const struct script_prog *prog, struct script_run_ctx *ctx);

/*
 * What an engine returns besides 0 (EXIT) and a negative errno (a stop):
 * a signal parks the run, or the interpreter must go on (script_jit_exec()).
 */
#define SCRIPT_PARKED		1
#define SCRIPT_INTERP		2

int script_interp(const struct script_prog *prog, struct script_run_ctx *ctx,
		  struct script_state *st, u32 *pcp, u64 *stepsp);
int script_call(struct script_state *st, const struct script_run_ctx *ctx,
		u32 pc);
u32 script_return(struct script_state *st);
int script_call_op(u64 *regs, struct script_run_ctx *ctx, u32 id);

/* kernel.script_jit: 0 never compile, 1 compile loaded programs, 2 always */
extern int sysctl_script_jit;
extern unsigned long sysctl_script_jit_limit;

#ifdef CONFIG_SCRIPT_JIT
int script_jit_compile(struct script_prog *prog, bool blind);
void script_jit_free(struct script_prog *prog);
int script_jit_exec(const struct script_prog *prog, struct script_run_ctx *ctx,
		    struct script_state *st, u32 *pcp, u64 *stepsp);
u32 script_jit_size(const struct script_prog *prog);
bool script_jit_blinded(const struct script_prog *prog);
#else
static inline int script_jit_compile(struct script_prog *prog, bool blind)
{
	return -EOPNOTSUPP;
}

static inline void script_jit_free(struct script_prog *prog)
{
}

static inline int script_jit_exec(const struct script_prog *prog,
				  struct script_run_ctx *ctx,
				  struct script_state *st, u32 *pcp,
				  u64 *stepsp)
{
	return SCRIPT_INTERP;
}

static inline u32 script_jit_size(const struct script_prog *prog)
{
	return 0;
}

static inline bool script_jit_blinded(const struct script_prog *prog)
{
	return false;
}
#endif

/* Bytes of script_scratch()'s buffer */
#define SCRIPT_SCRATCH_SIZE	2048

void *script_scratch(struct script_run_ctx *ctx);

void script_work(void);

/* The deferred work script_resched() does in place of the return to user mode */
#define SCRIPT_WORK		(_TIF_NOTIFY_RESUME | _TIF_NOTIFY_SIGNAL)

/*
 * At a yield point: let others run, and report an RCU-Tasks quiescent
 * state, since a run may loop for as long as a userspace loop would and
 * cond_resched() is not one with CONFIG_PREEMPTION.  No trampoline is on
 * the stack of an interpreter loop or an op's loop.  Then do the work the
 * kernel defers to the return to user mode, which a run that never
 * returns would otherwise starve (script_work()): with none pending, one
 * test of the thread's flags.  Signals are the caller's to check.
 */
static inline void script_resched(void)
{
	cond_resched_tasks_rcu_qs();
	if (unlikely(read_thread_flags() & SCRIPT_WORK))
		script_work();
}

/*
 * Thread flags that make a yield point more than a test: a signal to stop
 * for, a reschedule, deferred work (SCRIPT_WORK).
 */
#define SCRIPT_YIELD_FLAGS	(_TIF_SIGPENDING | _TIF_NOTIFY_SIGNAL | \
				 _TIF_NEED_RESCHED | SCRIPT_WORK)
/*
 * Yield points between two that report the quiescent states RCU and Tasks
 * RCU wait for (script_resched()): a quiet yield point is one test of the
 * thread's flags and a count, and 64 of them take microseconds.
 */
#define SCRIPT_QUIET_YIELDS	64

bool script_yield_slow(struct script_run_ctx *ctx);

/*
 * A yield point (a backward jump, a call, an op): let others run, report
 * an RCU-Tasks quiescent state as a userspace loop would, do the deferred
 * work, and tell whether a signal stops the run here.  With no flag set
 * it is one test and a count: the rest is script_yield_slow()'s, at once
 * for a flag and every SCRIPT_QUIET_YIELDS yield points otherwise.
 */
static __always_inline bool script_yield(struct script_run_ctx *ctx)
{
	if (likely(!(read_thread_flags() & SCRIPT_YIELD_FLAGS) && --ctx->quiet))
		return false;
	return script_yield_slow(ctx);
}

/*
 * Copies up to @n bytes from user @src: the bytes copied, which are the
 * first ones of the @n, and 0 only when the first of them faults.  A short
 * copy stops at a fault; the caller goes on from there and meets the fault
 * at once.
 *
 * For the short copies of script(2) (its attributes, an op's chunk):
 * where the architecture masks user addresses and loads unaligned words
 * cheaply (x86-64), the copy is inline, a word a load, within the @n
 * bytes, where copy_from_user()'s "rep movsb" costs a startup natively
 * and a translation block per byte under QEMU's TCG.  A word that faults
 * is done again a byte a load, so the copy stops at the exact byte, as
 * copy_from_user() does.
 */
static inline size_t script_copy_in(void *dst, const void __user *src, size_t n)
{
	size_t done = 0;
	u8 *d = dst;

	if (!IS_ENABLED(CONFIG_HAVE_EFFICIENT_UNALIGNED_ACCESS) ||
	    !can_do_masked_user_access())
		return n - copy_from_user(dst, src, n);
	src = masked_user_access_begin(src);
	for (; n - done >= sizeof(unsigned long); done += sizeof(unsigned long)) {
		unsigned long w;

		unsafe_get_user(w, (const unsigned long __user *)(src + done),
				bytes);
		put_unaligned(w, (unsigned long *)(d + done));
	}
bytes:
	for (; done < n; done++)
		unsafe_get_user(d[done], (const u8 __user *)(src + done), out);
out:
	user_access_end();
	return done;
}

/* Copies @n bytes to user @dst, as script_copy_in(): the bytes copied. */
static inline size_t script_copy_out(void __user *dst, const void *src, size_t n)
{
	const u8 *s = src;
	size_t done = 0;

	if (!IS_ENABLED(CONFIG_HAVE_EFFICIENT_UNALIGNED_ACCESS) ||
	    !can_do_masked_user_access())
		return n - copy_to_user(dst, src, n);
	dst = masked_user_access_begin(dst);
	for (; n - done >= sizeof(unsigned long); done += sizeof(unsigned long))
		unsafe_put_user(get_unaligned((const unsigned long *)(s + done)),
				(unsigned long __user *)(dst + done), bytes);
bytes:
	for (; done < n; done++)
		unsafe_put_user(s[done], (u8 __user *)(dst + done), out);
out:
	user_access_end();
	return done;
}

/* Bytes an op moves for one step of the budget. */
#define SCRIPT_COPY_CHUNK	256

/**
 * script_charge() - charge one step of an op's work to the step budget
 * @ctx: the run
 *
 * An op that loops over user data charges each unit of work beyond the
 * first (the op's own step), so that max_steps bounds a run's work and
 * not only its instruction count.
 *
 * Return: false when the budget is used up: the op stops there.
 */
static inline bool script_charge(struct script_run_ctx *ctx)
{
	if (ctx->steps >= ctx->limit)
		return false;
	ctx->steps++;
	return true;
}

/**
 * script_scan_next() - before a unit of a memory or text op's work
 * @ctx: the run
 *
 * Before each chunk of a search, a compare or a parse after the first,
 * and each chunk of work an op counts beyond it.
 *
 * Return: 0 to go on, -EINTR when a signal is pending (the op has not
 * taken effect and runs again when the run continues), -ETIME when the
 * step budget is used up.
 */
static inline int script_scan_next(struct script_run_ctx *ctx)
{
	if (signal_pending(current))
		return -EINTR;
	if (!script_charge(ctx))
		return -ETIME;
	return 0;
}

/* script_op.nr of an op that stands for no system call */
#define SCRIPT_NO_SYSCALL	(-1)

/**
 * struct script_op - one row of the op table
 * @name: the name the verifier log, the probe and the tracepoint use
 * @nargs: how many of r1 to r5 the op reads
 * @tail: r5 is the user address of the fifth and sixth arguments of a
 *	system call with six
 * @done_on_eintr: the call has taken effect even when it fails with
 *	-EINTR (close: the descriptor is gone), so a signal does not make the
 *	run do it again
 * @mem: the op works on user memory alone (no system call, no wait, no
 *	argument past @nargs): the interpreter calls it with r1 to r5 in
 *	place, without a yield point, a seccomp test or an audit record
 * @nr: the system call the op stands for, as seccomp and tracing see it;
 *	SCRIPT_NO_SYSCALL for ops on memory
 * @fn: does the op with the six arguments; its result becomes r0
 */
struct script_op {
	const char *name;
	u8 nargs;
	bool tail;
	bool done_on_eintr;
	bool mem;
	int nr;
	s64 (*fn)(struct script_run_ctx *ctx, const u64 *args);
};

const struct script_op *script_op_get(u32 id);

extern const struct script_op script_ops[__SCRIPT_OP_MAX];

/*
 * The row of an op of a verified program: the verifier checked @id with
 * script_op_get(), so the bound here is only against speculation.
 */
static inline const struct script_op *script_op_row(u32 id)
{
	return &script_ops[array_index_nospec(id, __SCRIPT_OP_MAX)];
}

/* An op's argument as a user pointer. */
#define SCRIPT_UPTR(v)		u64_to_user_ptr(v)

/* A 32-bit kernel: an address must not be cut to fit a pointer. */
static inline bool script_uaddr_ok(u64 addr)
{
	return addr == (unsigned long)addr;
}

/* sendfile(2) with a 64-bit offset, as seccomp sees it */
#ifdef __NR_sendfile64
#define SCRIPT_NR_SENDFILE	__NR_sendfile64
#else
#define SCRIPT_NR_SENDFILE	__NR_sendfile
#endif

/**
 * script_syscall_denied() - may the caller make this system call?
 * @ctx: the run
 * @nr: the system call, as in struct script_op
 * @args: its six arguments
 * @ret: out: the call's result when it may not
 *
 * Runs the caller's seccomp filters for @nr as if the caller had made it;
 * with no filter this is one predictable branch.  The interpreter calls it
 * before each op that stands for a system call; a composite op calls it
 * for the call it repeats.  A 32-bit caller of a 64-bit kernel cannot make
 * the native calls the op table names: -EOPNOTSUPP.  A filter that kills
 * the thread sets ctx->exit_thread: the run ends, and script(2) exits the
 * thread once it has released the program.  A call that may be made is
 * entered in the caller's audit context as that call (with its own record,
 * rules and watches, as io_uring audits its requests), which the
 * interpreter ends with script_audit_exit() when the op returns.
 *
 * On a 32-bit kernel a system call's registers are 32 bits wide, and the
 * filter of a real call sees each argument as the register holds it: the
 * filter sees the low 32 bits of each of @args, which is all the op uses
 * of it (the ops with a 64-bit argument, pread64 and pwrite64, are not in
 * the op table there), so that no op acts on a value other than the one
 * the filter saw.
 *
 * Return: true when the call must not be made, its result in *@ret.
 */
static inline bool script_syscall_denied(struct script_run_ctx *ctx, int nr,
					 const u64 *args, s64 *ret)
{
	/* A 32-bit kernel's alone, written whole there: not zeroed. */
	u64 regs[6] __uninitialized;
	long r;
	int err, i;

	if (unlikely(ctx->compat)) {
		*ret = -EOPNOTSUPP;
		return true;
	}
	if (!IS_ENABLED(CONFIG_64BIT)) {
		for (i = 0; i < 6; i++)
			regs[i] = (unsigned long)args[i];
		args = regs;
	}
	err = seccomp_filter_syscall(nr, args, &r);
	if (likely(!err)) {
		ctx->audited = audit_inner_syscall_entry(nr, args[0], args[1],
							 args[2], args[3]);
		return false;
	}
	if (err == SECCOMP_FILTER_EXIT_THREAD)
		ctx->exit_thread = true;
	*ret = r;
	return true;
}

/* Ends the audit of the system call an op made: @ret is its result. */
static inline void script_audit_exit(struct script_run_ctx *ctx, s64 ret)
{
	if (unlikely(ctx->audited)) {
		ctx->audited = false;
		audit_inner_syscall_exit(!IS_ERR_VALUE((long)ret), ret);
	}
}

/* ops_fs.c: files */
s64 script_op_read(struct script_run_ctx *ctx, const u64 *args);
s64 script_op_write(struct script_run_ctx *ctx, const u64 *args);
s64 script_op_pread64(struct script_run_ctx *ctx, const u64 *args);
s64 script_op_pwrite64(struct script_run_ctx *ctx, const u64 *args);
s64 script_op_readv(struct script_run_ctx *ctx, const u64 *args);
s64 script_op_writev(struct script_run_ctx *ctx, const u64 *args);
s64 script_op_openat(struct script_run_ctx *ctx, const u64 *args);
s64 script_op_openat2(struct script_run_ctx *ctx, const u64 *args);
s64 script_op_close(struct script_run_ctx *ctx, const u64 *args);
s64 script_op_lseek(struct script_run_ctx *ctx, const u64 *args);
s64 script_op_fstat(struct script_run_ctx *ctx, const u64 *args);
s64 script_op_statx(struct script_run_ctx *ctx, const u64 *args);
s64 script_op_sendfile(struct script_run_ctx *ctx, const u64 *args);
s64 script_op_splice(struct script_run_ctx *ctx, const u64 *args);
s64 script_op_copy_file_range(struct script_run_ctx *ctx, const u64 *args);

/* ops_net.c: sockets */
s64 script_op_socket(struct script_run_ctx *ctx, const u64 *args);
s64 script_op_bind(struct script_run_ctx *ctx, const u64 *args);
s64 script_op_listen(struct script_run_ctx *ctx, const u64 *args);
s64 script_op_accept4(struct script_run_ctx *ctx, const u64 *args);
s64 script_op_connect(struct script_run_ctx *ctx, const u64 *args);
s64 script_op_sendto(struct script_run_ctx *ctx, const u64 *args);
s64 script_op_recvfrom(struct script_run_ctx *ctx, const u64 *args);
s64 script_op_shutdown(struct script_run_ctx *ctx, const u64 *args);
s64 script_op_setsockopt(struct script_run_ctx *ctx, const u64 *args);
s64 script_op_getsockopt(struct script_run_ctx *ctx, const u64 *args);

/* ops_poll.c: poll and epoll */
s64 script_op_poll(struct script_run_ctx *ctx, const u64 *args);
s64 script_op_ppoll(struct script_run_ctx *ctx, const u64 *args);
s64 script_op_epoll_create1(struct script_run_ctx *ctx, const u64 *args);
s64 script_op_epoll_ctl(struct script_run_ctx *ctx, const u64 *args);
s64 script_op_epoll_wait(struct script_run_ctx *ctx, const u64 *args);

/* ops_misc.c: time and process */
s64 script_op_clock_gettime(struct script_run_ctx *ctx, const u64 *args);
s64 script_op_nanosleep(struct script_run_ctx *ctx, const u64 *args);
s64 script_op_getpid(struct script_run_ctx *ctx, const u64 *args);

/* ops_move.c: composite I/O */
s64 script_op_read_min(struct script_run_ctx *ctx, const u64 *args);
s64 script_op_write_all(struct script_run_ctx *ctx, const u64 *args);
s64 script_op_move(struct script_run_ctx *ctx, const u64 *args);

/* ops_bg.c: background moves; kernel.script_moves_max */
s64 script_op_move_bg(struct script_run_ctx *ctx, const u64 *args);
extern int sysctl_script_moves_max;

/* ops_mem.c: user memory */
s64 script_op_memmove(struct script_run_ctx *ctx, const u64 *args);
s64 script_op_memcmp(struct script_run_ctx *ctx, const u64 *args);
s64 script_op_memchr(struct script_run_ctx *ctx, const u64 *args);
s64 script_op_memmem(struct script_run_ctx *ctx, const u64 *args);
s64 script_op_parse_u64(struct script_run_ctx *ctx, const u64 *args);
s64 script_op_format_u64(struct script_run_ctx *ctx, const u64 *args);

/* ops_text.c: text in user memory */
s64 script_op_split_header(struct script_run_ctx *ctx, const u64 *args);
s64 script_op_format(struct script_run_ctx *ctx, const u64 *args);
s64 script_op_memcspn(struct script_run_ctx *ctx, const u64 *args);

#endif /* _KERNEL_SCRIPT_SCRIPT_H */
