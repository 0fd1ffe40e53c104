// SPDX-License-Identifier: GPL-2.0
/*
 * script(2) runs that survive signals: with a state area, a run that meets
 * a signal parks there and continues after a stop, a ptrace stop, a cgroup
 * freeze or an SA_RESTART handler as if nothing had happened, and after any
 * other handler once the caller calls again.  Each interrupted run is
 * compared with an uninterrupted run of the same program in the same
 * process: the same r0, the same steps, the same memory.  Parked states are
 * checked against the program, and forged ones are refused.
 */
#define _GNU_SOURCE
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/magic.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/time.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "script_util.h"

static_assert(sizeof(struct script_attr) == SCRIPT_ATTR_SIZE_VER1, "script_attr");
static_assert(sizeof(struct script_state) == SCRIPT_STATE_SIZE_VER0, "script_state");

/*
 * Iterations of count_prog's loop for a run that signals must meet: 7
 * instructions each, some 14 million in all, 0.2 to 1 s under QEMU TCG
 * (the whole test about 20 s), a few tens of ms on hardware.
 */
#define COUNT_N		2000000ULL
#define SMALL_N		(COUNT_N / 8)	/* still ~10 ms on fast hardware */
#define TINY_N		1000ULL
/* The interval timer's period: a KASAN kernel under TCG progresses too. */
#define TICK_US		4000
/* For a run that must park before its end, which compiled code reaches fast */
#define QUICK_TICK_US	500
#define STALL_US	100000		/* how long a stopped counter must stay */
#define POLL_US		1000
#define POLL_TRIES	10000		/* 10 s for a run to start or freeze */
#define MAX_EINTRS	5000		/* ~20 s of 4 ms ticks */
#define KILL_WAIT_S	10
#define COPY_SIZE	(32UL << 20)

#define IMM64		0x7f4a7c151e3779b9ULL

/* Indices in count_prog */
#define IMM64_PC	2	/* the ld_imm64; 3 is its second slot */
#define OP_PC		7	/* the memcpy op */
#define CALL_PC		10	/* the subprogram call */
#define RET_PC		11	/* where the call returns */
#define SUB_PC		14	/* the subprogram */
#define LOOP_PC		17	/* the loop head: the only backward jump's target */
#define LOOP_END	23	/* the backward jump */

/* Steps before the op, before the call, at the loop head, in all. */
#define STEPS_AT_OP		6
#define STEPS_AT_CALL		9
#define STEPS_AT_LOOP(done)	(13 + 7 * (done))
#define STEPS_TOTAL(n)		(17 + 7 * (n))

/*
 * counter(r1, n = r2): main keeps its arguments and a 64-bit immediate in
 * r6 to r8, calls the memcpy op for 0 bytes and then sub(r1, n), which
 * clobbers r7 and r8 and n times increments the u64 at r1 and hashes its
 * values: r0 = r0 * 31 + counter.  main returns (hash + imm64) ^ n, so its
 * result needs the caller's r7 and r8 back and every iteration's value.
 */
static const struct script_insn count_prog[] = {
	MOV64_REG(6, 1),
	MOV64_REG(7, 2),
	LD_IMM64(8, (__s32)(IMM64 & 0xffffffff)), LD_IMM64_HI(IMM64 >> 32),
	MOV64_REG(1, 6),
	MOV64_REG(2, 6),
	MOV64_IMM(3, 0),
	CALL_OP(SCRIPT_OP_MEMCPY),
	MOV64_REG(1, 6),
	MOV64_REG(2, 7),
	CALL_REL(SUB_PC - CALL_PC - 1),
	ALU64_REG(SCRIPT_ADD, 0, 8),
	ALU64_REG(SCRIPT_XOR, 0, 7),
	EXIT,
	/* sub */
	MOV64_IMM(0, 0),
	MOV64_IMM(7, 0),
	MOV64_IMM(8, 0),
	LDX(SCRIPT_DW, 3, 1, 0),
	ALU64_IMM(SCRIPT_ADD, 3, 1),
	STX(SCRIPT_DW, 1, 3, 0),
	ALU64_IMM(SCRIPT_MUL, 0, 31),
	ALU64_REG(SCRIPT_ADD, 0, 3),
	ALU64_IMM(SCRIPT_SUB, 2, 1),
	JMP_IMM(SCRIPT_JNE, 2, 0, LOOP_PC - LOOP_END - 1),
	EXIT,
};

#define MC_LOOP		4
#define MC_BACK		18
#define MC_EXIT		20
#define MC_BODY		(MC_BACK - MC_LOOP + 1)

/*
 * copy(dst = r1, src = r2, len = r3, ctl = r4): calls the memcpy op until
 * len bytes are copied, counting the calls in ctl[0] and the bytes in
 * ctl[1]; returns the bytes, or the op's error.
 */
static const struct script_insn copy_prog[] = {
	MOV64_REG(6, 1),
	MOV64_REG(7, 2),
	MOV64_REG(8, 3),
	MOV64_REG(9, 4),
	MOV64_REG(1, 6),
	MOV64_REG(2, 7),
	MOV64_REG(3, 8),
	CALL_OP(SCRIPT_OP_MEMCPY),
	JMP_IMM(SCRIPT_JSLE, 0, 0, MC_EXIT - 8 - 1),
	ALU64_REG(SCRIPT_ADD, 6, 0),
	ALU64_REG(SCRIPT_ADD, 7, 0),
	ALU64_REG(SCRIPT_SUB, 8, 0),
	LDX(SCRIPT_DW, 1, 9, 0),
	ALU64_IMM(SCRIPT_ADD, 1, 1),
	STX(SCRIPT_DW, 9, 1, 0),
	LDX(SCRIPT_DW, 1, 9, 8),
	ALU64_REG(SCRIPT_ADD, 1, 0),
	STX(SCRIPT_DW, 9, 1, 8),
	JMP_IMM(SCRIPT_JNE, 8, 0, MC_LOOP - MC_BACK - 1),
	LDX(SCRIPT_DW, 0, 9, 8),
	EXIT,
};

/* The outcome of one run, as the caller saw it. */
struct result {
	int ret;		/* script(2): 0 or -errno */
	__u32 status;	/* state.status afterwards; NONE without a state */
	__u64 retval;
	__u64 steps;
	__u64 counter;
};

/* Shared with forked children, which report through it. */
struct shared {
	__u64 counter;	/* count_prog's */
	__u64 ctl[2];	/* copy_prog's calls and bytes */
	struct result rep;	/* a child's run */
	int rep_done;
};

static struct shared *shared_map(void)
{
	return mmap(NULL, sizeof(struct shared), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
}

static __u64 counter_of(struct shared *sh)
{
	return __atomic_load_n(&sh->counter, __ATOMIC_RELAXED);
}

static void set_counter(struct shared *sh, __u64 val)
{
	__atomic_store_n(&sh->counter, val, __ATOMIC_RELAXED);
}

/* r0 of count_prog's loop after some iterations from counter 0 */
struct model {
	__u64 done;
	__u64 hash;
};

static __u64 model_at(struct model *m, __u64 done)
{
	if (done < m->done) {
		m->done = 0;
		m->hash = 0;
	}
	while (m->done < done) {
		m->done++;
		m->hash = m->hash * 31 + m->done;
	}
	return m->hash;
}

/* count_prog's result for @n iterations from counter 0 */
static __u64 count_retval(__u64 n)
{
	struct model m = { };

	return (model_at(&m, n) + IMM64) ^ n;
}

/* A RUN of count_prog, or a RUN_FD of @fd >= 0, with @st as state area. */
static void count_attr(struct script_attr *attr, struct shared *sh, __u64 n,
		       struct script_state *st, int fd)
{
	memset(attr, 0, sizeof(*attr));
	if (fd >= 0)
		attr->prog_fd = fd;
	else
		script_attr_prog(attr, count_prog, ARRAY_LEN(count_prog));
	attr->args[0] = (uintptr_t)&sh->counter;
	attr->args[1] = n;
	script_attr_stack(attr);
	if (st) {
		attr->state = (uintptr_t)st;
		attr->state_size = sizeof(*st);
	}
}

static int load_count_prog(void)
{
	struct script_attr attr = { };

	script_attr_prog(&attr, count_prog, ARRAY_LEN(count_prog));
	return sys_script(SCRIPT_LOAD, &attr, sizeof(attr));
}

/* RUN when @attr names instructions, else RUN_FD: 0 or -errno. */
static int do_run(struct script_attr *attr)
{
	unsigned int cmd = attr->insns ? SCRIPT_RUN : SCRIPT_RUN_FD;

	return sys_script(cmd, attr, sizeof(*attr)) ? -errno : 0;
}

static void result_of(struct result *res, int ret, const struct script_attr *attr,
		      const struct script_state *st, struct shared *sh)
{
	res->ret = ret;
	res->status = st ? st->status : SCRIPT_STATE_NONE;
	res->retval = attr->retval;
	res->steps = attr->steps;
	res->counter = counter_of(sh);
}

/* A finished run: the reference's retval, steps and counter. */
static void expect_same(struct __test_metadata *_metadata,
			const struct result *got, const struct result *ref)
{
	EXPECT_EQ(0, got->ret) TH_LOG("script(2): %s", strerror(-got->ret));
	EXPECT_EQ(ref->retval, got->retval);
	EXPECT_EQ(ref->steps, got->steps);
	EXPECT_EQ(ref->counter, got->counter);
	EXPECT_EQ(SCRIPT_STATE_NONE, got->status);
}

/* Runs @attr and compares it with @ref. */
static void expect_run_like(struct __test_metadata *_metadata, struct script_attr *attr,
			    const struct script_state *st, struct shared *sh,
			    const struct result *ref)
{
	struct result res;
	int ret = do_run(attr);

	result_of(&res, ret, attr, st, sh);
	expect_same(_metadata, &res, ref);
}

/* The uninterrupted run of count_prog for @n iterations from counter 0. */
static void reference(struct __test_metadata *_metadata, struct shared *sh,
		      __u64 n, struct result *ref)
{
	struct script_attr attr;
	int ret;

	set_counter(sh, 0);
	count_attr(&attr, sh, n, NULL, -1);
	ret = do_run(&attr);
	ASSERT_EQ(0, ret) TH_LOG("the uninterrupted run: %s", strerror(-ret));
	result_of(ref, ret, &attr, NULL, sh);
	ASSERT_EQ(n, ref->counter);
	set_counter(sh, 0);
}

/* Fills @st as a parked state at @pc, @depth calls deep, r10 in place. */
static void init_state(struct script_state *st, const struct script_attr *attr,
		       __u32 pc, __u32 depth)
{
	memset(st, 0, sizeof(*st));
	st->status = SCRIPT_STATE_PARKED;
	st->pc = pc;
	st->depth = depth;
	st->regs[10] = attr->stack + attr->stack_size - depth * SCRIPT_FRAME_SIZE;
}

/*
 * A state count_prog parked: at the op or the call with nothing counted
 * yet, or at the loop head in sub with everything consistent with the
 * counter in memory.  @m follows the hash.
 */
static void check_parked(struct __test_metadata *_metadata, const struct script_state *st,
			 const struct script_attr *attr, __u64 counter, struct model *m)
{
	__u64 top = attr->stack + attr->stack_size, n = attr->args[1], done;
	const struct script_frame *f = &st->frames[0];

	ASSERT_EQ(SCRIPT_STATE_PARKED, st->status);
	ASSERT_EQ(0, st->__pad);
	if (!st->depth) {
		ASSERT_EQ(0, counter);
		if (st->pc == OP_PC) {
			ASSERT_EQ(STEPS_AT_OP, st->steps);
		} else {
			ASSERT_EQ(CALL_PC, st->pc);
			ASSERT_EQ(STEPS_AT_CALL, st->steps);
		}
		ASSERT_EQ(attr->args[0], st->regs[6]);
		ASSERT_EQ(n, st->regs[7]);
		ASSERT_EQ(IMM64, st->regs[8]);
		ASSERT_EQ(top, st->regs[10]);
		return;
	}
	ASSERT_EQ(1, st->depth);
	ASSERT_EQ(LOOP_PC, st->pc);
	done = n - st->regs[2];
	ASSERT_EQ(done, counter);
	ASSERT_LT(0, done);
	ASSERT_EQ(STEPS_AT_LOOP(done), st->steps);
	ASSERT_EQ(model_at(m, done), st->regs[0]);
	ASSERT_EQ(attr->args[0], st->regs[1]);
	ASSERT_EQ(done, st->regs[3]);
	ASSERT_EQ(0, st->regs[7]);
	ASSERT_EQ(0, st->regs[8]);
	ASSERT_EQ(top - SCRIPT_FRAME_SIZE, st->regs[10]);
	ASSERT_EQ(RET_PC, f->ret);
	ASSERT_EQ(0, f->__pad);
	ASSERT_EQ(attr->args[0], f->regs[0]);
	ASSERT_EQ(n, f->regs[1]);
	ASSERT_EQ(IMM64, f->regs[2]);
	ASSERT_EQ(0, f->regs[3]);
	ASSERT_EQ(top, f->regs[4]);
}

/* Handler runs while timed_run() was in script(2) */
static int hits_in_run, in_run;

static void on_signal(int sig)
{
	if (__atomic_load_n(&in_run, __ATOMIC_RELAXED))
		__atomic_fetch_add(&hits_in_run, 1, __ATOMIC_RELAXED);
}

static int set_handler(int sig, int flags)
{
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = flags };

	sigemptyset(&sa.sa_mask);
	return sigaction(sig, &sa, NULL);
}

/* SIGALRM every @usec microseconds; 0 stops it. */
static int tick(long usec)
{
	struct itimerval it = {
		.it_interval = { .tv_usec = usec },
		.it_value = { .tv_usec = usec },
	};

	return setitimer(ITIMER_REAL, &it, NULL);
}

/* do_run(), counting the handler's runs during the call in hits_in_run. */
static int timed_run(struct script_attr *attr)
{
	int ret;

	__atomic_store_n(&in_run, 1, __ATOMIC_RELAXED);
	ret = do_run(attr);
	__atomic_store_n(&in_run, 0, __ATOMIC_RELAXED);
	return ret;
}

/*
 * Runs @attr under ticks of a handler without SA_RESTART until it
 * parks in the loop (not before the call, where nothing is counted yet).
 * Quick ticks, so that compiled code does not reach the end first; but a
 * try that parks without a step since the last one means the ticks come
 * faster than a restart gets going (a KASAN kernel under TCG): then the
 * next try ticks at half the rate, up to TICK_US.
 */
static void park_in_loop(struct __test_metadata *_metadata, struct script_attr *attr,
			 struct script_state *st)
{
	unsigned int us = QUICK_TICK_US;
	__u64 steps = 0;
	int ret, i;

	ASSERT_EQ(0, set_handler(SIGALRM, 0));
	ASSERT_EQ(0, tick(us));
	for (i = 0; i < 100; i++) {
		ret = do_run(attr);
		if (ret != -EINTR || st->depth)
			break;
		if (i && st->steps == steps && us < TICK_US) {
			us *= 2;
			ASSERT_EQ(0, tick(us));
		}
		steps = st->steps;
	}
	tick(0);
	ASSERT_EQ(-EINTR, ret) TH_LOG("the run was not interrupted: %s", strerror(-ret));
	ASSERT_EQ(SCRIPT_STATE_PARKED, st->status);
	ASSERT_EQ(1, st->depth);
}

/* A child runs count_prog with a state area and reports in sh->rep. */
static void child_run(struct shared *sh, __u64 n, int fd, int gate, bool churn)
{
	struct script_state st = { };
	struct script_attr attr;
	char c;
	int ret;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (gate >= 0 && read(gate, &c, 1) != 1)
		_exit(2);
	/* SA_RESTART ticks: the run parks and restarts all along. */
	if (churn && (set_handler(SIGALRM, SA_RESTART) || tick(TICK_US)))
		_exit(3);
	count_attr(&attr, sh, n, &st, fd);
	ret = do_run(&attr);
	result_of(&sh->rep, ret, &attr, &st, sh);
	__atomic_store_n(&sh->rep_done, 1, __ATOMIC_RELEASE);
	_exit(0);
}

static pid_t spawn_run(struct shared *sh, __u64 n, int fd, int gate, bool churn)
{
	pid_t pid;

	__atomic_store_n(&sh->rep_done, 0, __ATOMIC_RELAXED);
	pid = fork();
	if (!pid)
		child_run(sh, n, fd, gate, churn);
	return pid;
}

/* Waits until the child's run has counted, and not to the end. */
static void wait_running(struct __test_metadata *_metadata, struct shared *sh, __u64 n)
{
	int i;

	for (i = 0; i < POLL_TRIES && !counter_of(sh); i++) {
		if (__atomic_load_n(&sh->rep_done, __ATOMIC_ACQUIRE))
			break;
		usleep(POLL_US);
	}
	ASSERT_NE(0, counter_of(sh))
		TH_LOG("nothing counted; run over: %d, script(2): %d",
		       __atomic_load_n(&sh->rep_done, __ATOMIC_ACQUIRE), sh->rep.ret);
	ASSERT_GT(n, counter_of(sh)) TH_LOG("the run ended before it could be stopped");
}

/* The child is stopped in mid-run: its counter stays where it is. */
static void expect_stalled(struct __test_metadata *_metadata, struct shared *sh, __u64 n)
{
	__u64 c = counter_of(sh);

	EXPECT_LT(0, c);
	EXPECT_GT(n, c) TH_LOG("the run had ended when the process stopped");
	usleep(STALL_US);
	EXPECT_EQ(c, counter_of(sh)) TH_LOG("the counter moved while the process was stopped");
}

/* The child exits after a run like @ref. */
static void expect_child_result(struct __test_metadata *_metadata, struct shared *sh,
				pid_t pid, const struct result *ref)
{
	int status;

	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(1, __atomic_load_n(&sh->rep_done, __ATOMIC_ACQUIRE));
	expect_same(_metadata, &sh->rep, ref);
}

/* The reference itself: the run does what the program says, by both commands. */
TEST(uninterrupted_reference)
{
	struct script_state st = { };
	struct script_attr attr;
	struct shared *sh = shared_map();
	struct result ref;
	int fd;

	ASSERT_NE(MAP_FAILED, sh);
	reference(_metadata, sh, COUNT_N, &ref);
	EXPECT_EQ(count_retval(COUNT_N), ref.retval);
	EXPECT_EQ(STEPS_TOTAL(COUNT_N), ref.steps);

	/* The same by fd, with a state area no signal needs. */
	fd = load_count_prog();
	ASSERT_LE(0, fd);
	count_attr(&attr, sh, COUNT_N, &st, fd);
	expect_run_like(_metadata, &attr, &st, sh, &ref);
	close(fd);
}

TEST(sigstop_sigcont_is_transparent)
{
	struct shared *sh = shared_map();
	struct result ref;
	int fd, status;
	pid_t pid;

	ASSERT_NE(MAP_FAILED, sh);
	reference(_metadata, sh, COUNT_N, &ref);
	fd = load_count_prog();
	ASSERT_LE(0, fd);
	pid = spawn_run(sh, COUNT_N, fd, -1, false);
	ASSERT_LE(0, pid);
	wait_running(_metadata, sh, COUNT_N);

	ASSERT_EQ(0, kill(pid, SIGSTOP));
	ASSERT_EQ(pid, waitpid(pid, &status, WUNTRACED));
	ASSERT_TRUE(WIFSTOPPED(status));
	expect_stalled(_metadata, sh, COUNT_N);
	ASSERT_EQ(0, kill(pid, SIGCONT));
	expect_child_result(_metadata, sh, pid, &ref);
	close(fd);
}

TEST(sa_restart_handler_is_transparent)
{
	struct script_state st = { };
	struct script_attr attr;
	struct shared *sh = shared_map();
	struct result ref, res;
	int ret;

	ASSERT_NE(MAP_FAILED, sh);
	reference(_metadata, sh, COUNT_N, &ref);
	count_attr(&attr, sh, COUNT_N, &st, -1);
	ASSERT_EQ(0, set_handler(SIGALRM, SA_RESTART));
	ASSERT_EQ(0, tick(TICK_US));
	ret = timed_run(&attr);
	tick(0);
	result_of(&res, ret, &attr, &st, sh);
	expect_same(_metadata, &res, &ref);
	/* Twice in one call: the call was interrupted and restarted. */
	EXPECT_LE(2, __atomic_load_n(&hits_in_run, __ATOMIC_RELAXED));
}

/* EINTR after each signal; the same call again goes on where it stopped. */
TEST(handler_without_sa_restart_parks_and_resumes)
{
	struct script_state st = { };
	struct script_attr attr;
	struct shared *sh = shared_map();
	struct result ref, res;
	struct model m = { };
	__u64 last_steps = 0;
	int fd, ret, eintrs = 0;

	ASSERT_NE(MAP_FAILED, sh);
	reference(_metadata, sh, COUNT_N, &ref);
	fd = load_count_prog();
	ASSERT_LE(0, fd);
	count_attr(&attr, sh, COUNT_N, &st, fd);
	ASSERT_EQ(0, set_handler(SIGALRM, 0));
	ASSERT_EQ(0, tick(TICK_US));
	for (;;) {
		ret = do_run(&attr);
		if (ret != -EINTR || eintrs == MAX_EINTRS)
			break;
		eintrs++;
		check_parked(_metadata, &st, &attr, counter_of(sh), &m);
		ASSERT_LE(last_steps, st.steps);
		last_steps = st.steps;
		/* The stopped run tells where it stopped, as any other. */
		EXPECT_EQ(st.pc, attr.pc);
		EXPECT_EQ(st.steps, attr.steps);
	}
	tick(0);
	TH_LOG("%d EINTRs", eintrs);
	EXPECT_LT(0, eintrs);
	EXPECT_GT(MAX_EINTRS, eintrs) TH_LOG("the run makes no progress");
	result_of(&res, ret, &attr, &st, sh);
	expect_same(_metadata, &res, &ref);
	close(fd);
}

TEST(status_none_drops_a_parked_run)
{
	struct script_state st = { };
	struct script_attr attr;
	struct shared *sh = shared_map();
	struct result ref;
	struct model m = { };

	ASSERT_NE(MAP_FAILED, sh);
	reference(_metadata, sh, COUNT_N, &ref);
	count_attr(&attr, sh, COUNT_N, &st, -1);
	park_in_loop(_metadata, &attr, &st);
	check_parked(_metadata, &st, &attr, counter_of(sh), &m);

	/*
	 * Only the status changes: a run that went on from the rest would
	 * end with the counter short of n.
	 */
	st.status = SCRIPT_STATE_NONE;
	set_counter(sh, 0);
	expect_run_like(_metadata, &attr, &st, sh, &ref);
}

/* Without a state area a signal ends the run, whatever the handler. */
static void no_state_area(struct __test_metadata *_metadata, int sa_flags)
{
	struct script_attr attr;
	struct shared *sh = shared_map();
	struct result ref;
	int ret;

	ASSERT_NE(MAP_FAILED, sh);
	reference(_metadata, sh, COUNT_N, &ref);
	count_attr(&attr, sh, COUNT_N, NULL, -1);
	ASSERT_EQ(0, set_handler(SIGALRM, sa_flags));
	ASSERT_EQ(0, tick(TICK_US));
	ret = timed_run(&attr);
	tick(0);
	ASSERT_EQ(-EINTR, ret);
	EXPECT_GT(COUNT_N, counter_of(sh));
	EXPECT_TRUE(attr.pc == OP_PC || attr.pc == CALL_PC || attr.pc == LOOP_PC)
		TH_LOG("stopped at %u, not at a yield point", attr.pc);
	EXPECT_GT(ref.steps, attr.steps);

	/* The next call is a new run. */
	set_counter(sh, 0);
	expect_run_like(_metadata, &attr, NULL, sh, &ref);
}

TEST(no_state_area_is_eintr)
{
	no_state_area(_metadata, 0);
}

TEST(no_state_area_is_eintr_even_with_sa_restart)
{
	no_state_area(_metadata, SA_RESTART);
}

/* A tracer stops the child and lets it go: the run goes on unharmed. */
static void ptrace_stop(struct __test_metadata *_metadata, bool seize)
{
	struct shared *sh = shared_map();
	struct result ref;
	int status;
	pid_t pid;
	long r;

	ASSERT_NE(MAP_FAILED, sh);
	reference(_metadata, sh, COUNT_N, &ref);
	pid = spawn_run(sh, COUNT_N, -1, -1, false);
	ASSERT_LE(0, pid);
	wait_running(_metadata, sh, COUNT_N);

	r = ptrace(seize ? PTRACE_SEIZE : PTRACE_ATTACH, pid, NULL, NULL);
	if (r && errno == EPERM) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		SKIP(return, "ptrace: %s", strerror(EPERM));
	}
	if (!r && seize)
		r = ptrace(PTRACE_INTERRUPT, pid, NULL, NULL);
	ASSERT_EQ(0, r) TH_LOG("ptrace: %s", strerror(errno));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFSTOPPED(status));
	/* A SIGSTOP delivery stop, or the group stop PTRACE_INTERRUPT asks for */
	EXPECT_EQ(seize ? PTRACE_EVENT_STOP : 0, status >> 16);
	EXPECT_EQ(seize ? SIGTRAP : SIGSTOP, WSTOPSIG(status));
	expect_stalled(_metadata, sh, COUNT_N);
	ASSERT_EQ(0, ptrace(PTRACE_DETACH, pid, NULL, NULL));
	expect_child_result(_metadata, sh, pid, &ref);
}

TEST(ptrace_attach_detach_is_transparent)
{
	ptrace_stop(_metadata, false);
}

TEST(ptrace_seize_interrupt_is_transparent)
{
	ptrace_stop(_metadata, true);
}

#define CGROUP_ROOT	"/sys/fs/cgroup"

FIXTURE(freezer) {
	struct shared *sh;
	char cg[96];
	bool mounted;
	pid_t pid;
};

static int cg_write(const char *cg, const char *file, const char *val)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/%s", cg, file);
	return write_file(path, val);
}

FIXTURE_SETUP(freezer)
{
	char path[160];
	struct statfs fs;

	self->pid = 0;
	self->mounted = false;
	self->cg[0] = 0;
	self->sh = shared_map();
	ASSERT_NE(MAP_FAILED, self->sh);

	if (statfs(CGROUP_ROOT, &fs))
		SKIP(return, "no " CGROUP_ROOT ": no cgroups in this kernel");
	if (fs.f_type != CGROUP2_SUPER_MAGIC) {
		if (fs.f_type != SYSFS_MAGIC)
			SKIP(return, CGROUP_ROOT " holds another file system");
		if (mount("cgroup2", CGROUP_ROOT, "cgroup2", 0, NULL))
			SKIP(return, "mount cgroup2: %s", strerror(errno));
		self->mounted = true;
	}
	snprintf(self->cg, sizeof(self->cg), CGROUP_ROOT "/script_signal_test.%d", getpid());
	snprintf(path, sizeof(path), "%s/cgroup.freeze", self->cg);
	if (mkdir(self->cg, 0755) || access(path, W_OK)) {
		int err = errno;

		rmdir(self->cg);
		if (self->mounted)
			umount2(CGROUP_ROOT, 0);
		SKIP(return, "no cgroup with cgroup.freeze: %s", strerror(err));
	}
}

FIXTURE_TEARDOWN(freezer)
{
	int i;

	cg_write(self->cg, "cgroup.freeze", "0");
	if (self->pid > 0) {
		kill(self->pid, SIGKILL);
		waitpid(self->pid, NULL, 0);
	}
	for (i = 0; i < 100 && rmdir(self->cg) && errno == EBUSY; i++)
		usleep(10000);
	if (self->mounted)
		umount2(CGROUP_ROOT, 0);
}

/* Has the cgroup reported itself frozen, within a bounded wait? */
static bool cg_wait_frozen(const char *cg)
{
	char path[160], buf[256];
	int i;

	snprintf(path, sizeof(path), "%s/cgroup.events", cg);
	for (i = 0; i < POLL_TRIES; i++) {
		if (!read_file(path, buf, sizeof(buf)) && strstr(buf, "frozen 1"))
			return true;
		usleep(POLL_US);
	}
	return false;
}

TEST_F(freezer, cgroup_freeze_thaw_is_transparent)
{
	struct shared *sh = self->sh;
	struct result ref;
	char pidstr[16];
	int gate[2];

	reference(_metadata, sh, COUNT_N, &ref);
	ASSERT_EQ(0, pipe(gate));
	self->pid = spawn_run(sh, COUNT_N, -1, gate[0], false);
	ASSERT_LE(0, self->pid);
	close(gate[0]);
	snprintf(pidstr, sizeof(pidstr), "%d", self->pid);
	ASSERT_EQ(0, cg_write(self->cg, "cgroup.procs", pidstr));
	ASSERT_EQ(1, write(gate[1], "x", 1));
	close(gate[1]);
	wait_running(_metadata, sh, COUNT_N);

	ASSERT_EQ(0, cg_write(self->cg, "cgroup.freeze", "1"));
	ASSERT_TRUE(cg_wait_frozen(self->cg)) TH_LOG("the cgroup did not freeze");
	expect_stalled(_metadata, sh, COUNT_N);
	ASSERT_EQ(0, cg_write(self->cg, "cgroup.freeze", "0"));
	expect_child_result(_metadata, sh, self->pid, &ref);
	self->pid = 0;
}

/*
 * The mutation @c of the parked state @good into @st (depth 1, at the loop
 * head), each one -EINVAL; NULL past the last.
 */
static const char *forge(unsigned int c, struct script_state *st,
			 const struct script_state *good, __u64 top)
{
	*st = *good;
	switch (c) {
	case 0:
		st->status = 2;
		return "status 2";
	case 1:
		st->status = ~0U;
		return "status ~0";
	case 2:
		st->pc = ARRAY_LEN(count_prog);
		return "pc past the end";
	case 3:
		st->pc = ~0U;
		return "pc ~0";
	case 4:
		st->pc = IMM64_PC + 1;
		return "pc in the second slot of an ld_imm64";
	case 5:
		st->depth = SCRIPT_MAX_CALL_DEPTH + 1;
		return "depth above SCRIPT_MAX_CALL_DEPTH";
	case 6:
		st->depth = 0;
		return "depth 0 with the r10 of depth 1";
	case 7:
		st->regs[10] = top;
		return "depth 1 with the r10 of depth 0";
	case 8:
		st->regs[10] -= 8;
		return "r10 moved by 8";
	case 9:
		st->frames[0].regs[4] = top - SCRIPT_FRAME_SIZE;
		return "caller's r10 a frame low";
	case 10:
		st->frames[0].regs[4] = top + SCRIPT_FRAME_SIZE;
		return "caller's r10 above the stack";
	case 11:
		st->frames[0].ret = CALL_PC;
		return "return to the call itself";
	case 12:
		st->frames[0].ret = OP_PC + 1;
		return "return after an op call";
	case 13:
		st->frames[0].ret = RET_PC + 1;
		return "return after no call";
	case 14:
		st->frames[0].ret = 0;
		return "return to 0";
	case 15:
		st->frames[0].ret = ARRAY_LEN(count_prog);
		return "return past the end";
	case 16:
		st->__pad = 1;
		return "__pad";
	case 17:
		st->frames[0].__pad = 1;
		return "frame __pad";
	case 18:
		st->depth = 2;
		st->frames[1] = st->frames[0];
		st->regs[10] = top - 2 * SCRIPT_FRAME_SIZE;
		return "second caller's r10 that of the first";
	case 19:
		st->depth = 2;
		st->frames[1] = st->frames[0];
		st->frames[1].regs[4] = top - SCRIPT_FRAME_SIZE;
		return "depth 2 with the r10 of depth 1";
	case 20:
		st->depth = 2;
		st->frames[1] = st->frames[0];
		st->frames[1].regs[4] = top - SCRIPT_FRAME_SIZE;
		st->frames[1].ret = 0;
		st->regs[10] = top - 2 * SCRIPT_FRAME_SIZE;
		return "second caller's return to 0";
	}
	return NULL;
}

/*
 * A state a signal really parked, then each forged variant of it: all are
 * -EINVAL and run nothing.  A variant that breaks no rule runs; the real
 * state still ends as the uninterrupted run did.
 */
TEST(forged_states_are_einval)
{
	struct script_state st = { }, good, forged;
	struct script_attr attr;
	struct shared *sh = shared_map();
	struct result ref, res;
	struct model m = { };
	__u64 top, at;
	const char *name;
	unsigned int c;
	int ret;

	ASSERT_NE(MAP_FAILED, sh);
	reference(_metadata, sh, SMALL_N, &ref);
	count_attr(&attr, sh, SMALL_N, &st, -1);
	top = attr.stack + attr.stack_size;
	park_in_loop(_metadata, &attr, &st);
	check_parked(_metadata, &st, &attr, counter_of(sh), &m);
	good = st;
	at = counter_of(sh);

	attr.state = (uintptr_t)&forged;
	for (c = 0; (name = forge(c, &forged, &good, top)); c++) {
		ret = do_run(&attr);
		EXPECT_EQ(-EINVAL, ret) TH_LOG("%s: %s", name, strerror(-ret));
		EXPECT_EQ(at, counter_of(sh)) TH_LOG("%s: the run went on", name);
		set_counter(sh, at);
	}

	/*
	 * Two callers deep, each frame where a call puts it: no run of this
	 * program parks so, but it breaks no rule.  sub returns to main's
	 * tail twice, which adds the immediate and xors n once more.
	 */
	forged = good;
	forged.depth = 2;
	forged.frames[1] = good.frames[0];
	forged.frames[1].regs[4] = top - SCRIPT_FRAME_SIZE;
	forged.regs[10] = top - 2 * SCRIPT_FRAME_SIZE;
	ret = do_run(&attr);
	EXPECT_EQ(0, ret) TH_LOG("%s", strerror(-ret));
	EXPECT_EQ((ref.retval + IMM64) ^ SMALL_N, attr.retval);
	EXPECT_EQ(ref.steps + 3, attr.steps);
	EXPECT_EQ(SMALL_N, counter_of(sh));
	EXPECT_EQ(SCRIPT_STATE_NONE, forged.status);

	/* The real one, with the counter back where it parked. */
	set_counter(sh, at);
	attr.state = (uintptr_t)&st;
	ret = do_run(&attr);
	result_of(&res, ret, &attr, &st, sh);
	expect_same(_metadata, &res, &ref);
}

/* States written by hand that break no rule run as the rules say. */
TEST(hand_made_states_resume)
{
	struct script_state st;
	struct script_attr attr;
	struct shared *sh = shared_map();
	__u64 top, ctr;
	struct result ref;
	int fd, ret, i;

	ASSERT_NE(MAP_FAILED, sh);
	reference(_metadata, sh, TINY_N, &ref);
	count_attr(&attr, sh, TINY_N, &st, -1);
	top = attr.stack + attr.stack_size;
	ctr = attr.args[0];

	/* At pc 0: the same as a new run. */
	init_state(&st, &attr, 0, 0);
	st.regs[1] = ctr;
	st.regs[2] = TINY_N;
	set_counter(sh, 0);
	expect_run_like(_metadata, &attr, &st, sh, &ref);

	/* At the call, as a run parks there. */
	init_state(&st, &attr, CALL_PC, 0);
	st.steps = STEPS_AT_CALL;
	st.regs[1] = ctr;
	st.regs[2] = TINY_N;
	st.regs[6] = ctr;
	st.regs[7] = TINY_N;
	st.regs[8] = IMM64;
	set_counter(sh, 0);
	expect_run_like(_metadata, &attr, &st, sh, &ref);

	/* In sub, its caller's frame written by hand; by fd this time. */
	fd = load_count_prog();
	ASSERT_LE(0, fd);
	count_attr(&attr, sh, TINY_N, &st, fd);
	init_state(&st, &attr, LOOP_PC, 1);
	st.steps = STEPS_AT_LOOP(0);
	st.regs[1] = ctr;
	st.regs[2] = TINY_N;
	st.frames[0].regs[0] = ctr;
	st.frames[0].regs[1] = TINY_N;
	st.frames[0].regs[2] = IMM64;
	st.frames[0].regs[4] = top;
	st.frames[0].ret = RET_PC;
	set_counter(sh, 0);
	expect_run_like(_metadata, &attr, &st, sh, &ref);
	close(fd);

	/* After the call, with registers no run had: r0 = (1000 + 5) ^ 3. */
	count_attr(&attr, sh, TINY_N, &st, -1);
	init_state(&st, &attr, RET_PC, 0);
	st.steps = 100;
	st.regs[0] = 1000;
	st.regs[7] = 3;
	st.regs[8] = 5;
	set_counter(sh, 7);
	ret = do_run(&attr);
	EXPECT_EQ(0, ret) TH_LOG("%s", strerror(-ret));
	EXPECT_EQ((1000 + 5) ^ 3, attr.retval);
	EXPECT_EQ(103, attr.steps);
	EXPECT_EQ(7, counter_of(sh));
	EXPECT_EQ(SCRIPT_STATE_NONE, st.status);

	/* The parked steps count against the budget. */
	st.status = SCRIPT_STATE_PARKED;
	attr.max_steps = 101;
	EXPECT_EQ(-ETIME, do_run(&attr));
	EXPECT_EQ(RET_PC + 1, attr.pc);
	EXPECT_EQ(101, attr.steps);
	EXPECT_EQ(SCRIPT_STATE_NONE, st.status);
	attr.max_steps = 0;

	/* Status NONE: a new run, whatever the rest of the area holds. */
	memset(&st, 0, sizeof(st));
	st.pc = 12345;
	st.depth = 77;
	st.steps = 99;
	for (i = 0; i <= 10; i++)
		st.regs[i] = 0xdead0000 + i;
	for (i = 0; i < SCRIPT_MAX_CALL_DEPTH; i++)
		st.frames[i].ret = 999;
	set_counter(sh, 0);
	expect_run_like(_metadata, &attr, &st, sh, &ref);
}

TEST(unusable_state_area_is_efault)
{
	long page = sysconf(_SC_PAGESIZE);
	struct script_state *st;
	struct script_attr attr;
	struct shared *sh = shared_map();
	char *map;
	int ret;

	ASSERT_NE(MAP_FAILED, sh);
	map = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, map);
	ASSERT_EQ(0, munmap(map + page, page));
	count_attr(&attr, sh, TINY_N, NULL, -1);
	attr.state_size = sizeof(*st);

	/* Nothing mapped: the status cannot be read, nothing runs. */
	attr.state = (uintptr_t)(map + page);
	set_counter(sh, 0);
	EXPECT_EQ(-EFAULT, do_run(&attr));
	EXPECT_EQ(0, counter_of(sh));

	/* A parked status whose state runs into the hole. */
	st = (struct script_state *)(map + page - 16);
	memset(st, 0, 16);
	st->status = SCRIPT_STATE_PARKED;
	st->pc = RET_PC;
	attr.state = (uintptr_t)st;
	EXPECT_EQ(-EFAULT, do_run(&attr));

	/* Read-only: a parked run that ends cannot mark the area free. */
	st = (struct script_state *)(map + 2 * page);
	init_state(st, &attr, RET_PC, 0);
	st->regs[0] = 1000;
	ASSERT_EQ(0, mprotect(st, page, PROT_READ));
	attr.state = (uintptr_t)st;
	EXPECT_EQ(-EFAULT, do_run(&attr));
	EXPECT_EQ(SCRIPT_STATE_PARKED, st->status);

	/* Read-only and free: a run a signal parks cannot save itself. */
	st = (struct script_state *)map;
	memset(st, 0, sizeof(*st));
	ASSERT_EQ(0, mprotect(st, page, PROT_READ));
	count_attr(&attr, sh, SMALL_N, st, -1);
	ASSERT_EQ(0, set_handler(SIGALRM, SA_RESTART));
	ASSERT_EQ(0, tick(QUICK_TICK_US));
	ret = timed_run(&attr);
	tick(0);
	EXPECT_EQ(-EFAULT, ret) TH_LOG("%s", strerror(-ret));
	EXPECT_GT(SMALL_N, counter_of(sh));
}

TEST(state_and_state_size_go_together)
{
	struct script_state st = { }, parked;
	struct script_attr attr;
	struct shared *sh = shared_map();

	ASSERT_NE(MAP_FAILED, sh);
	count_attr(&attr, sh, TINY_N, &st, -1);
	set_counter(sh, 0);
	ASSERT_EQ(0, do_run(&attr));
	ASSERT_EQ(TINY_N, counter_of(sh));
	set_counter(sh, 0);

	attr.state_size = 0;
	EXPECT_EQ(-EINVAL, do_run(&attr));
	attr.state_size = SCRIPT_STATE_SIZE_VER0 - 8;
	EXPECT_EQ(-EINVAL, do_run(&attr));
	attr.state_size = 8;
	EXPECT_EQ(-EINVAL, do_run(&attr));
	attr.state = 0;
	attr.state_size = sizeof(st);
	EXPECT_EQ(-EINVAL, do_run(&attr));
	EXPECT_EQ(0, counter_of(sh));

	/* Commands that do not run take no state area. */
	attr.state = (uintptr_t)&st;
	EXPECT_EQ(-1, sys_script(SCRIPT_VERIFY, &attr, sizeof(attr)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sys_script(SCRIPT_LOAD, &attr, sizeof(attr)));
	EXPECT_EQ(EINVAL, errno);

	/* A caller that knows only the first struct has no state area. */
	init_state(&parked, &attr, RET_PC, 0);
	attr.state = (uintptr_t)&parked;
	ASSERT_EQ(0, sys_script(SCRIPT_RUN, &attr, SCRIPT_ATTR_SIZE_VER0));
	EXPECT_EQ(count_retval(TINY_N), attr.retval);
	EXPECT_EQ(TINY_N, counter_of(sh));
	EXPECT_EQ(SCRIPT_STATE_PARKED, parked.status);
}

/* Only there to make a hung waitpid() fail with EINTR. */
static void on_alarm(int sig)
{
}

/*
 * SIGKILL ends a run that never ends by itself, parked or not: once with
 * no other signal, once while SA_RESTART ticks park and restart it.
 */
TEST(sigkill_ends_a_resumable_run)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct shared *sh = shared_map();
	int churn, status;
	pid_t pid, r;

	ASSERT_NE(MAP_FAILED, sh);
	/* Not SA_RESTART: a hung waitpid() fails with EINTR. */
	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	for (churn = 0; churn < 2; churn++) {
		set_counter(sh, 0);
		/* n = 0: the loop runs 2^64 times. */
		pid = spawn_run(sh, 0, -1, -1, churn);
		ASSERT_LE(0, pid);
		wait_running(_metadata, sh, UINT64_MAX);
		ASSERT_EQ(0, kill(pid, SIGKILL));
		alarm(KILL_WAIT_S);
		r = waitpid(pid, &status, 0);
		alarm(0);
		ASSERT_EQ(pid, r) TH_LOG("SIGKILL did not end the run in %d s", KILL_WAIT_S);
		ASSERT_TRUE(WIFSIGNALED(status));
		EXPECT_EQ(SIGKILL, WTERMSIG(status));
		EXPECT_EQ(0, __atomic_load_n(&sh->rep_done, __ATOMIC_ACQUIRE));
	}
}

/*
 * A write to a pipe with no reader raises SIGPIPE, which kills at once
 * when its action is the default: fatal from the moment the write
 * returns.  The store after the write must not happen, in a run as after
 * the real call, which never returns to the store.  @in_script picks the
 * run or the real call; the child leaves in *@mark what it reached.
 */
static void write_then_store(__u64 *mark, bool in_script)
{
	/* r0 = write(r1, r2, 1); *r6 = 1; r0 = 0; exit */
	const struct script_insn prog[] = {
		MOV64_REG(6, 4),
		MOV64_IMM(3, 1),
		CALL_OP(SCRIPT_OP_WRITE),
		ST(SCRIPT_DW, 6, 0, 1),
		MOV64_IMM(0, 0),
		EXIT,
	};
	struct script_attr attr = { };
	sigset_t none;
	int p[2];

	sigemptyset(&none);
	if (pipe(p) || close(p[0]) || signal(SIGPIPE, SIG_DFL) == SIG_ERR ||
	    sigprocmask(SIG_SETMASK, &none, NULL))
		_exit(2);
	*mark = 0;
	if (!in_script) {
		if (write(p[1], "x", 1) < 0)
			*mark = 1;
		_exit(3);
	}
	script_attr_prog(&attr, prog, ARRAY_LEN(prog));
	attr.args[0] = p[1];
	attr.args[1] = (uintptr_t)"x";
	attr.args[3] = (uintptr_t)mark;
	do_run(&attr);
	_exit(3);
}

TEST(fatal_signal_from_an_op_stops_the_next_store)
{
	struct shared *sh = shared_map();
	int in_script, status;
	pid_t pid;

	ASSERT_NE(MAP_FAILED, sh);
	for (in_script = 0; in_script < 2; in_script++) {
		sh->ctl[0] = 2;
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid)
			write_then_store(&sh->ctl[0], in_script);
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(WIFSIGNALED(status))
			TH_LOG("%s: status %#x", in_script ? "run" : "call", status);
		EXPECT_EQ(SIGPIPE, WTERMSIG(status));
		EXPECT_EQ(0, sh->ctl[0])
			TH_LOG("%s: the store after the write happened",
			       in_script ? "run" : "call");
	}
}

/*
 * A signal cuts a long memcpy op short, as it would a read(2): the op
 * returns what it copied, the program copies the rest, and SA_RESTART
 * hides the interruptions.  The copy is the same; every call of the op
 * but the first adds a loop body of steps, less one if the op charges
 * each chunk after its first as a step.
 */
TEST(memcpy_op_stops_early_and_resumes)
{
	const size_t len = COPY_SIZE - 100;
	struct script_state st = { };
	struct script_attr attr = { };
	struct shared *sh = shared_map();
	__u64 *src, *dst, ref_steps, calls;
	unsigned char *tail;
	size_t i;
	int ret;

	ASSERT_NE(MAP_FAILED, sh);
	src = mmap(NULL, COPY_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	dst = mmap(NULL, COPY_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, src);
	ASSERT_NE(MAP_FAILED, dst);
	for (i = 0; i < COPY_SIZE / 8; i++)
		src[i] = (i + 1) * 0x9e3779b97f4a7c15ULL;
	script_attr_prog(&attr, copy_prog, ARRAY_LEN(copy_prog));
	attr.args[0] = (uintptr_t)dst;
	attr.args[1] = (uintptr_t)src;
	attr.args[2] = len;
	attr.args[3] = (uintptr_t)sh->ctl;

	/* The reference: one call copies it all. */
	memset(dst, 0x5a, COPY_SIZE);
	ASSERT_EQ(0, do_run(&attr));
	ASSERT_EQ(len, attr.retval);
	ASSERT_EQ(1, sh->ctl[0]);
	ASSERT_EQ(0, memcmp(dst, src, len));
	ref_steps = attr.steps;

	memset(dst, 0x5a, COPY_SIZE);
	memset(sh->ctl, 0, sizeof(sh->ctl));
	attr.state = (uintptr_t)&st;
	attr.state_size = sizeof(st);
	ASSERT_EQ(0, set_handler(SIGALRM, SA_RESTART));
	ASSERT_EQ(0, tick(TICK_US));
	ret = timed_run(&attr);
	tick(0);
	ASSERT_EQ(0, ret) TH_LOG("%s", strerror(-ret));
	calls = sh->ctl[0];
	TH_LOG("%llu copies, %d signals", calls,
	       __atomic_load_n(&hits_in_run, __ATOMIC_RELAXED));
	EXPECT_EQ(len, attr.retval);
	EXPECT_EQ(len, sh->ctl[1]);
	EXPECT_EQ(SCRIPT_STATE_NONE, st.status);
	EXPECT_LE(2, __atomic_load_n(&hits_in_run, __ATOMIC_RELAXED));
	EXPECT_LT(1, calls) TH_LOG("no signal cut a copy short");
	EXPECT_LE(ref_steps + (MC_BODY - 1) * (calls - 1), attr.steps);
	EXPECT_GE(ref_steps + MC_BODY * (calls - 1), attr.steps);
	EXPECT_EQ(0, memcmp(dst, src, len));
	tail = (unsigned char *)dst + len;
	for (i = 0; i < COPY_SIZE - len; i++)
		ASSERT_EQ(0x5a, tail[i]) TH_LOG("byte %zu past the copy", i);
}

TEST_HARNESS_MAIN
