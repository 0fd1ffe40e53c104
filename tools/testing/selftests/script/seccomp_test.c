// SPDX-License-Identifier: GPL-2.0
/*
 * script(2) under seccomp: each op that stands for a system call passes
 * the caller's filters as that call, with the op's own number and
 * arguments, the caller's arch and the instruction pointer of the
 * script(2) call.  ALLOW and LOG let the op go ahead; ERRNO makes it
 * return -errno and the run go on; KILL_THREAD and KILL_PROCESS kill as
 * the real call would, with SIGSYS; USER_NOTIF asks the listener, and
 * with none the op fails with -ENOSYS, as the real call; TRACE with no
 * tracer fails it with -ENOSYS, as the real call; TRAP, and TRACE with a
 * tracer, make it return -EPERM with no signal or stop.  The composite ops
 * READ_MIN, WRITE_ALL and MOVE pass as read, write and sendfile.
 *
 * A filter is per process and cannot be removed, so each test installs
 * its filter in a forked child.  The child runs its checks and records
 * the first one that failed in shared memory, which the test logs.  Every
 * filter fails all calls of a foreign arch with EBADSLT, so that a wrong
 * arch in the data the filter sees shows as that errno.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "script_util.h"

#if defined(__x86_64__)
#define ARCH_NR		AUDIT_ARCH_X86_64
#elif defined(__i386__)
#define ARCH_NR		AUDIT_ARCH_I386
#elif defined(__aarch64__)
#define ARCH_NR		AUDIT_ARCH_AARCH64
#elif defined(__riscv) && __riscv_xlen == 64
#define ARCH_NR		AUDIT_ARCH_RISCV64
#else
#define ARCH_NR		0	/* not known here: the tests skip */
#endif

/* What the MOVE and SENDFILE ops pass as, as in kernel/script/ops.c */
#ifdef __NR_sendfile64
#define NR_SENDFILE	__NR_sendfile64
#else
#define NR_SENDFILE	__NR_sendfile
#endif

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define LO_HALF		0
#else
#define LO_HALF		4
#endif
/* Offsets of the low halves of seccomp_data's 64-bit fields */
#define ARG_LO(n)	(offsetof(struct seccomp_data, args) + 8 * (n) + LO_HALF)
#define IP_LO		(offsetof(struct seccomp_data, instruction_pointer) + LO_HALF)

#define WRONG_ARCH	EBADSLT
#define WAIT_MS		10000	/* the longest a child may take */
#define MAX_CALLS	8

/* What a child leaves for the test, in shared memory */
struct report {
	int line;		/* the first check that failed, 0 if none */
	char what[64];		/* its expression */
	long want;
	long got;
	int reached;		/* got to the call that must kill it */
	int returned;		/* script(2) returned after that call */
	__u64 after;		/* an op after that call ran: 1 */
	int sigsys;		/* SIGSYS handler runs */
};

static struct report *rep;

static void check_eq(int line, const char *what, long want, long got)
{
	if (want == got)
		return;
	if (!rep->line) {
		rep->line = line;
		snprintf(rep->what, sizeof(rep->what), "%s", what);
		rep->want = want;
		rep->got = got;
	}
	_exit(1);
}

/* In a child: the test logs the first check that failed. */
#define CHECK_EQ(want, got)	check_eq(__LINE__, #got, (want), (got))

/* A classic BPF seccomp filter, built up one rule at a time */
struct filter {
	struct sock_filter insns[32];
	unsigned short len;
};

static void emit(struct filter *f, __u16 code, __u8 jt, __u8 jf, __u32 k)
{
	CHECK_EQ(1, f->len < ARRAY_LEN(f->insns));
	f->insns[f->len++] = (struct sock_filter)BPF_JUMP(code, k, jt, jf);
}

/* Calls of a foreign arch fail with WRONG_ARCH; A holds the call's nr. */
static void filter_begin(struct filter *f)
{
	f->len = 0;
	emit(f, BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, arch));
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, ARCH_NR);
	emit(f, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ERRNO | WRONG_ARCH);
	emit(f, BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, nr));
}

/* Call @nr: @action. */
static void filter_nr(struct filter *f, int nr, __u32 action)
{
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, nr);
	emit(f, BPF_RET | BPF_K, 0, 0, action);
}

/*
 * Call @nr with the low half of argument @arg equal to @val (or, with
 * @unless, not equal to it): @action.  A holds the nr again after it.
 */
static void filter_arg(struct filter *f, int nr, int arg, __u32 val, bool unless,
		       __u32 action)
{
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, 0, 4, nr);
	emit(f, BPF_LD | BPF_W | BPF_ABS, 0, 0, ARG_LO(arg));
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, unless, !unless, val);
	emit(f, BPF_RET | BPF_K, 0, 0, action);
	emit(f, BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, nr));
}

/* Ends the filter, allowing what no rule matched, and installs it. */
static int filter_install_flags(struct filter *f, unsigned int flags)
{
	struct sock_fprog prog = { .filter = f->insns };
	int ret;

	emit(f, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW);
	prog.len = f->len;
	CHECK_EQ(0, prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	ret = syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
	CHECK_EQ(0, ret < 0 ? errno : 0);
	return ret;
}

static void filter_install(struct filter *f)
{
	filter_install_flags(f, 0);
}

/* One op: its id, r1 to r5, and r0 once it ran */
struct call {
	__u64 a[5];
	__s64 ret;
};

static void set_call(struct call *c, __u64 a1, __u64 a2, __u64 a3, __u64 a4,
		     __u64 a5)
{
	c->a[0] = a1;
	c->a[1] = a2;
	c->a[2] = a3;
	c->a[3] = a4;
	c->a[4] = a5;
	c->ret = -ENOTRECOVERABLE;	/* the op never ran */
}

/*
 * One run that makes op @ops[i] with @calls[i].a in r1 to r5 and stores
 * r0 in @calls[i].ret, for each i in turn.  With @st, the run has a state
 * area.  0 or -errno of script(2).
 */
static int run_calls_state(const int *ops, struct call *calls, int n,
			   struct script_state *st)
{
	struct script_insn insns[1 + MAX_CALLS * 7 + 2];
	struct script_attr attr = { .args = { (uintptr_t)calls } };
	int i, j, k = 0;

	CHECK_EQ(1, n <= MAX_CALLS);
	insns[k++] = MOV64_REG(6, 1);
	for (i = 0; i < n; i++) {
		for (j = 0; j < 5; j++)
			insns[k++] = LDX(SCRIPT_DW, 1 + j, 6,
					 i * sizeof(*calls) + 8 * j);
		insns[k++] = CALL_OP(ops[i]);
		insns[k++] = STX(SCRIPT_DW, 6, 0,
				 i * sizeof(*calls) + offsetof(struct call, ret));
	}
	insns[k++] = MOV64_IMM(0, 0);
	insns[k++] = EXIT;
	script_attr_stack(&attr);
	if (st) {
		attr.state = (uintptr_t)st;
		attr.state_size = sizeof(*st);
	}
	return script_run(&attr, insns, k);
}

/* As run_calls_state(), and the run must end at its EXIT. */
static void run_calls(const int *ops, struct call *calls, int n)
{
	CHECK_EQ(0, run_calls_state(ops, calls, n, NULL));
}

/* Bytes waiting in the pipe or socket @fd */
static long pending(int fd)
{
	int n = -1;

	CHECK_EQ(0, ioctl(fd, FIONREAD, &n));
	return n;
}

/* Waits up to WAIT_MS for @pid, then kills it; true when it ended. */
static bool reap(pid_t pid, int *status)
{
	int i;

	for (i = 0; i < WAIT_MS / 10; i++) {
		if (waitpid(pid, status, WNOHANG) == pid)
			return true;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, status, 0);
	return false;
}

/*
 * Runs @fn in a child, which must exit 0, or die of @sig when it is not
 * 0.  The child leaves what it saw in *rep.  False when the test skips.
 */
static bool run_child(struct __test_metadata *_metadata, void (*fn)(void), int sig)
{
	int status = 0;
	pid_t pid;

	if (!ARCH_NR)
		SKIP(return false, "no AUDIT_ARCH_* known for this architecture");
	rep = mmap(NULL, sizeof(*rep), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, rep);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct rlimit no_core = { };

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		setrlimit(RLIMIT_CORE, &no_core);
		fn();
		_exit(0);
	}
	ASSERT_TRUE(reap(pid, &status)) TH_LOG("the child hung");
	if (sig) {
		ASSERT_TRUE(WIFSIGNALED(status))
			TH_LOG("the child lived: status %#x; line %d: %s: want %ld, got %ld",
			       status, rep->line, rep->what, rep->want, rep->got);
		EXPECT_EQ(sig, WTERMSIG(status));
	} else {
		ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
			TH_LOG("status %#x; line %d: %s: want %ld, got %ld",
			       status, rep->line, rep->what, rep->want, rep->got);
	}
	return true;
}

/* ERRNO for openat: the op fails, and the run goes on to a read. */
static void errno_openat(void)
{
	static const int ops[] = { SCRIPT_OP_OPENAT, SCRIPT_OP_READ, SCRIPT_OP_OPENAT };
	struct call calls[ARRAY_LEN(ops)];
	char buf[4] = "";
	struct filter f;
	int p[2];

	CHECK_EQ(0, pipe(p));
	CHECK_EQ(3, write(p[1], "abc", 3));
	filter_begin(&f);
	filter_nr(&f, __NR_openat, SECCOMP_RET_ERRNO | EACCES);
	filter_install(&f);
	CHECK_EQ(-1, syscall(__NR_openat, AT_FDCWD, "/", O_RDONLY));
	CHECK_EQ(EACCES, errno);

	set_call(&calls[0], AT_FDCWD, (uintptr_t)"/", O_RDONLY | O_DIRECTORY, 0, 0);
	set_call(&calls[1], p[0], (uintptr_t)buf, 3, 0, 0);
	set_call(&calls[2], AT_FDCWD, (uintptr_t)".", O_RDONLY, 0, 0);
	run_calls(ops, calls, ARRAY_LEN(ops));
	CHECK_EQ(-EACCES, calls[0].ret);
	CHECK_EQ(3, calls[1].ret);
	CHECK_EQ(0, memcmp(buf, "abc", 3));
	CHECK_EQ(-EACCES, calls[2].ret);
}

TEST(errno_fails_the_op_not_the_run)
{
	run_child(_metadata, errno_openat, 0);
}

/*
 * The op that @action kills for, then a MEMCPY that must never run, in a
 * run with a state area or without.
 */
static void getpid_then_memcpy(bool resumable)
{
	static const int ops[] = { SCRIPT_OP_GETPID, SCRIPT_OP_MEMCPY };
	static const __u64 one = 1;
	struct call calls[ARRAY_LEN(ops)];
	struct script_state st = { };

	set_call(&calls[0], 0, 0, 0, 0, 0);
	set_call(&calls[1], (uintptr_t)&rep->after, (uintptr_t)&one, sizeof(one), 0, 0);
	rep->reached = 1;
	run_calls_state(ops, calls, ARRAY_LEN(ops), resumable ? &st : NULL);
	rep->returned = 1;
}

static void kill_getpid(__u32 action, bool resumable)
{
	struct filter f;

	filter_begin(&f);
	filter_nr(&f, __NR_getpid, action);
	filter_install(&f);
	getpid_then_memcpy(resumable);
}

static void kill_process(void)
{
	kill_getpid(SECCOMP_RET_KILL_PROCESS, false);
}

static void kill_process_resumable(void)
{
	kill_getpid(SECCOMP_RET_KILL_PROCESS, true);
}

static void kill_thread(void)
{
	kill_getpid(SECCOMP_RET_KILL_THREAD, false);
}

static void expect_killed_at_the_op(struct __test_metadata *_metadata)
{
	EXPECT_EQ(1, rep->reached);
	EXPECT_EQ(0, rep->after);
	EXPECT_EQ(0, rep->returned);
}

TEST(kill_process_kills_with_sigsys)
{
	if (run_child(_metadata, kill_process, SIGSYS))
		expect_killed_at_the_op(_metadata);
}

/* A run that could park for the signal is killed all the same. */
TEST(kill_process_kills_a_resumable_run)
{
	if (run_child(_metadata, kill_process_resumable, SIGSYS))
		expect_killed_at_the_op(_metadata);
}

/* The only thread: the process dies, as for the real call. */
TEST(kill_thread_kills_a_lone_thread_with_sigsys)
{
	if (run_child(_metadata, kill_thread, SIGSYS))
		expect_killed_at_the_op(_metadata);
}

static void *getpid_thread(void *arg)
{
	getpid_then_memcpy(false);
	return NULL;
}

/* One of two threads: that thread ends there, and the process goes on. */
static void kill_one_thread(void)
{
	struct filter f;
	pthread_t t;

	filter_begin(&f);
	filter_nr(&f, __NR_getpid, SECCOMP_RET_KILL_THREAD);
	filter_install(&f);
	CHECK_EQ(0, pthread_create(&t, NULL, getpid_thread, NULL));
	CHECK_EQ(0, pthread_join(t, NULL));
	CHECK_EQ(1, rep->reached);
	CHECK_EQ(0, rep->after);
	CHECK_EQ(0, rep->returned);
}

TEST(kill_thread_ends_only_that_thread)
{
	run_child(_metadata, kill_one_thread, 0);
}

static void on_sigsys(int sig)
{
	__atomic_fetch_add(&rep->sigsys, 1, __ATOMIC_RELAXED);
}

/* The result of the real getpid() as a system call: pid or -errno */
static long real_getpid(void)
{
	long ret = syscall(__NR_getpid);

	return ret < 0 ? -errno : ret;
}

/* The result of a call of a number that does not exist: -errno */
static long no_such_call(void)
{
	return syscall(-1) < 0 ? -errno : 0;
}

/* Two getpid ops in one run: their results in @ret[0] and @ret[1] */
static void getpid_ops(long *ret)
{
	static const int ops[] = { SCRIPT_OP_GETPID, SCRIPT_OP_GETPID };
	struct call calls[ARRAY_LEN(ops)];

	set_call(&calls[0], 0, 0, 0, 0, 0);
	set_call(&calls[1], 0, 0, 0, 0, 0);
	run_calls(ops, calls, ARRAY_LEN(ops));
	ret[0] = calls[0].ret;
	ret[1] = calls[1].ret;
}

/*
 * TRAP hands a SIGSYS handler the registers of the call it stopped, here
 * the outer script(2) call's: the op fails with EPERM, and no SIGSYS
 * comes.  The real call then traps, to show the filter works.
 */
static void trap_getpid(void)
{
	struct sigaction sa = { .sa_handler = on_sigsys };
	struct filter f;
	long ret[2];

	CHECK_EQ(0, sigaction(SIGSYS, &sa, NULL));
	filter_begin(&f);
	filter_nr(&f, __NR_getpid, SECCOMP_RET_TRAP);
	filter_install(&f);
	getpid_ops(ret);
	CHECK_EQ(-EPERM, ret[0]);
	CHECK_EQ(-EPERM, ret[1]);
	CHECK_EQ(0, rep->sigsys);
	syscall(__NR_getpid);
	CHECK_EQ(1, rep->sigsys);
}

TEST(trap_is_eperm_without_sigsys)
{
	run_child(_metadata, trap_getpid, 0);
}

/* TRACE with no tracer: the op fails with ENOSYS, as the real call. */
static void trace_getpid(void)
{
	struct sigaction sa = { .sa_handler = on_sigsys };
	struct filter f;
	long ret[2];

	CHECK_EQ(0, sigaction(SIGSYS, &sa, NULL));
	filter_begin(&f);
	filter_nr(&f, __NR_getpid, SECCOMP_RET_TRACE);
	filter_install(&f);
	getpid_ops(ret);
	CHECK_EQ(no_such_call(), real_getpid());
	CHECK_EQ(real_getpid(), ret[0]);
	CHECK_EQ(real_getpid(), ret[1]);
	CHECK_EQ(0, rep->sigsys);
}

TEST(trace_without_a_tracer_is_enosys_as_the_call)
{
	run_child(_metadata, trace_getpid, 0);
}

/*
 * TRACE with a tracer: the op fails with EPERM and the tracer sees no stop,
 * since it would act on the registers of the script(2) call; the real
 * call then stops for it once.  The tracee is a child of the test's child.
 */
static void trace_with_tracer(void)
{
	int status, stops = 0;
	pid_t pid;

	pid = fork();
	CHECK_EQ(1, pid >= 0);
	if (!pid) {
		long ret[2], self = getpid();
		struct filter f;

		CHECK_EQ(0, ptrace(PTRACE_TRACEME, 0, NULL, NULL));
		CHECK_EQ(0, raise(SIGSTOP));
		filter_begin(&f);
		filter_nr(&f, __NR_getpid, SECCOMP_RET_TRACE);
		filter_install(&f);
		getpid_ops(ret);
		CHECK_EQ(-EPERM, ret[0]);
		CHECK_EQ(-EPERM, ret[1]);
		rep->reached = 1;
		/* The tracer lets the real call go on. */
		CHECK_EQ(self, real_getpid());
		_exit(0);
	}
	CHECK_EQ(pid, waitpid(pid, &status, 0));
	CHECK_EQ(1, WIFSTOPPED(status));
	CHECK_EQ(0, ptrace(PTRACE_SETOPTIONS, pid, NULL,
			   (void *)(long)(PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL)));
	CHECK_EQ(0, ptrace(PTRACE_CONT, pid, NULL, NULL));
	for (;;) {
		CHECK_EQ(pid, waitpid(pid, &status, 0));
		if (!WIFSTOPPED(status))
			break;
		if (status >> 8 == (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8))) {
			/* Only the real calls, after the ops */
			CHECK_EQ(1, rep->reached);
			stops++;
		}
		CHECK_EQ(0, ptrace(PTRACE_CONT, pid, NULL, NULL));
	}
	CHECK_EQ(1, WIFEXITED(status));
	CHECK_EQ(0, WEXITSTATUS(status));
	CHECK_EQ(1, stops);
}

TEST(trace_with_a_tracer_is_eperm_without_a_stop)
{
	run_child(_metadata, trace_with_tracer, 0);
}

/*
 * USER_NOTIF with no listener, as a filter installed without one and one
 * whose listener was closed: the op fails with ENOSYS, as the real call.
 */
static void user_notif_no_listener(bool closed)
{
	struct filter f;
	long ret[2];
	int fd;

	filter_begin(&f);
	filter_nr(&f, __NR_getpid, SECCOMP_RET_USER_NOTIF);
	fd = filter_install_flags(&f, closed ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0);
	if (closed)
		CHECK_EQ(0, close(fd));
	getpid_ops(ret);
	CHECK_EQ(no_such_call(), real_getpid());
	CHECK_EQ(real_getpid(), ret[0]);
	CHECK_EQ(real_getpid(), ret[1]);
}

static void user_notif_without_listener(void)
{
	user_notif_no_listener(false);
}

static void user_notif_closed_listener(void)
{
	user_notif_no_listener(true);
}

TEST(user_notif_without_a_listener_is_enosys_as_the_call)
{
	run_child(_metadata, user_notif_without_listener, 0);
}

TEST(user_notif_with_a_closed_listener_is_enosys_as_the_call)
{
	run_child(_metadata, user_notif_closed_listener, 0);
}

/* The supervisor's answers, in turn: a value, an error, go on. */
#define NOTIF_VAL	4242
#define NOTIF_ERR	EACCES

static int notif_fd;
static pid_t notif_pid;

/* Answers each notification, the i-th as NOTIF_VAL, NOTIF_ERR or CONTINUE. */
static void *supervise(void *arg)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	int i;

	for (i = 0; ; i++) {
		memset(&req, 0, sizeof(req));
		if (ioctl(notif_fd, SECCOMP_IOCTL_NOTIF_RECV, &req))
			break;
		CHECK_EQ(__NR_getpid, req.data.nr);
		CHECK_EQ(ARCH_NR, req.data.arch);
		CHECK_EQ(notif_pid, req.pid);
		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		switch (i % 3) {
		case 0:
			resp.val = NOTIF_VAL;
			break;
		case 1:
			resp.error = -NOTIF_ERR;
			break;
		case 2:
			resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
			break;
		}
		CHECK_EQ(0, ioctl(notif_fd, SECCOMP_IOCTL_NOTIF_SEND, &resp));
	}
	return NULL;
}

/*
 * USER_NOTIF with a listener: the supervisor is asked about each op, with
 * the op's number and arch, and its answer is the op's result, or the op
 * is made when it says so; the same as for the real calls.  The
 * supervisor thread makes no getpid() call, the one the filter catches.
 */
static void user_notif_listener(void)
{
	static const int ops[] = { SCRIPT_OP_GETPID, SCRIPT_OP_GETPID,
				   SCRIPT_OP_GETPID };
	struct call calls[ARRAY_LEN(ops)];
	struct filter f;
	unsigned int i;
	pthread_t t;

	notif_pid = getpid();
	filter_begin(&f);
	filter_nr(&f, __NR_getpid, SECCOMP_RET_USER_NOTIF);
	notif_fd = filter_install_flags(&f, SECCOMP_FILTER_FLAG_NEW_LISTENER);
	CHECK_EQ(1, notif_fd >= 0);
	CHECK_EQ(0, pthread_create(&t, NULL, supervise, NULL));
	for (i = 0; i < ARRAY_LEN(ops); i++)
		set_call(&calls[i], 0, 0, 0, 0, 0);
	run_calls(ops, calls, ARRAY_LEN(ops));
	CHECK_EQ(NOTIF_VAL, calls[0].ret);
	CHECK_EQ(-NOTIF_ERR, calls[1].ret);
	CHECK_EQ(notif_pid, calls[2].ret);
	/* The real calls, answered the same way in turn */
	CHECK_EQ(calls[0].ret, real_getpid());
	CHECK_EQ(calls[1].ret, real_getpid());
	CHECK_EQ(calls[2].ret, real_getpid());
}

TEST(user_notif_asks_the_listener_as_the_call)
{
	run_child(_metadata, user_notif_listener, 0);
}

/* 0 or the errno of script(@cmd, @attr) */
static int script_errno(unsigned int cmd, struct script_attr *attr)
{
	return sys_script(cmd, attr, attr ? sizeof(*attr) : 0) ? errno : 0;
}

static const struct script_insn seven_prog[] = { MOV64_IMM(0, 7), EXIT };

/* A program that returns 7, loaded before any filter */
static int load_seven(void)
{
	struct script_attr attr = { };
	int fd;

	script_attr_prog(&attr, seven_prog, ARRAY_LEN(seven_prog));
	fd = sys_script(SCRIPT_LOAD, &attr, sizeof(attr));
	CHECK_EQ(1, fd >= 0);
	return fd;
}

/* A filter that denies script(2) itself: every command fails with EPERM. */
static void deny_script(void)
{
	struct script_attr attr = { }, fd_attr = { };
	struct filter f;

	fd_attr.prog_fd = load_seven();
	script_attr_prog(&attr, seven_prog, ARRAY_LEN(seven_prog));
	filter_begin(&f);
	filter_nr(&f, __NR_script, SECCOMP_RET_ERRNO | EPERM);
	filter_install(&f);
	CHECK_EQ(EPERM, script_errno(SCRIPT_VERIFY, &attr));
	CHECK_EQ(EPERM, script_errno(SCRIPT_LOAD, &attr));
	CHECK_EQ(EPERM, script_errno(SCRIPT_RUN, &attr));
	CHECK_EQ(EPERM, script_errno(SCRIPT_RUN_FD, &fd_attr));
	CHECK_EQ(EPERM, script_errno(~0U, NULL));
}

TEST(filter_denies_script_itself)
{
	run_child(_metadata, deny_script, 0);
}

/* The command is an argument: allow RUN_FD of loaded programs only. */
static void run_fd_only(void)
{
	struct script_attr attr = { }, fd_attr = { };
	struct filter f;

	fd_attr.prog_fd = load_seven();
	script_attr_prog(&attr, seven_prog, ARRAY_LEN(seven_prog));
	filter_begin(&f);
	filter_arg(&f, __NR_script, 0, SCRIPT_RUN_FD, true, SECCOMP_RET_ERRNO | EPERM);
	filter_install(&f);
	CHECK_EQ(0, script_errno(SCRIPT_RUN_FD, &fd_attr));
	CHECK_EQ(7, fd_attr.retval);
	CHECK_EQ(EPERM, script_errno(SCRIPT_VERIFY, &attr));
	CHECK_EQ(EPERM, script_errno(SCRIPT_LOAD, &attr));
	CHECK_EQ(EPERM, script_errno(SCRIPT_RUN, &attr));
}

TEST(filter_allows_run_fd_only)
{
	run_child(_metadata, run_fd_only, 0);
}

/*
 * No rule for script(2), which the filter allows, but ERRNO for read: the
 * read op fails and reads nothing, the write op works.
 */
static void errno_read(void)
{
	static const int ops[] = { SCRIPT_OP_READ, SCRIPT_OP_WRITE };
	struct call calls[ARRAY_LEN(ops)];
	char buf[4] = "";
	struct filter f;
	int p[2], q[2];

	CHECK_EQ(0, pipe(p));
	CHECK_EQ(0, pipe(q));
	CHECK_EQ(3, write(p[1], "abc", 3));
	filter_begin(&f);
	filter_nr(&f, __NR_read, SECCOMP_RET_ERRNO | EIO);
	filter_install(&f);
	CHECK_EQ(-1, read(p[0], buf, 3));
	CHECK_EQ(EIO, errno);

	set_call(&calls[0], p[0], (uintptr_t)buf, 3, 0, 0);
	set_call(&calls[1], q[1], (uintptr_t)"xyz", 3, 0, 0);
	run_calls(ops, calls, ARRAY_LEN(ops));
	CHECK_EQ(-EIO, calls[0].ret);
	CHECK_EQ(3, calls[1].ret);
	CHECK_EQ(3, pending(p[0]));
	CHECK_EQ(3, pending(q[0]));
	CHECK_EQ(0, buf[0]);
}

TEST(errno_for_read_leaves_write)
{
	run_child(_metadata, errno_read, 0);
}

/*
 * The filter sees the op's arguments, not script(2)'s: write is denied
 * for one pipe's descriptor only (script(2)'s own first argument,
 * SCRIPT_RUN, is 2, never that descriptor), and read for a count of 7.
 */
static void filter_on_args(void)
{
	static const int ops[] = {
		SCRIPT_OP_WRITE, SCRIPT_OP_WRITE, SCRIPT_OP_READ, SCRIPT_OP_READ,
		SCRIPT_OP_WRITE_ALL,
	};
	struct call calls[ARRAY_LEN(ops)];
	char buf[8] = "";
	struct filter f;
	int a[2], b[2];

	CHECK_EQ(0, pipe(a));
	CHECK_EQ(0, pipe(b));
	CHECK_EQ(1, b[1] != SCRIPT_RUN);
	CHECK_EQ(8, write(a[1], "12345678", 8));
	filter_begin(&f);
	filter_arg(&f, __NR_write, 0, b[1], false, SECCOMP_RET_ERRNO | EACCES);
	filter_arg(&f, __NR_read, 2, 7, false, SECCOMP_RET_ERRNO | EMLINK);
	filter_install(&f);
	CHECK_EQ(-1, write(b[1], "x", 1));
	CHECK_EQ(EACCES, errno);

	set_call(&calls[0], a[1], (uintptr_t)"ok", 2, 0, 0);
	set_call(&calls[1], b[1], (uintptr_t)"no", 2, 0, 0);
	set_call(&calls[2], a[0], (uintptr_t)buf, 7, 0, 0);
	set_call(&calls[3], a[0], (uintptr_t)buf, 3, 0, 0);
	set_call(&calls[4], b[1], (uintptr_t)"no", 2, 1000, 0);
	run_calls(ops, calls, ARRAY_LEN(ops));
	CHECK_EQ(2, calls[0].ret);
	CHECK_EQ(-EACCES, calls[1].ret);
	CHECK_EQ(-EMLINK, calls[2].ret);
	CHECK_EQ(3, calls[3].ret);
	CHECK_EQ(0, memcmp(buf, "123", 3));
	CHECK_EQ(-EACCES, calls[4].ret);
	CHECK_EQ(0, pending(b[0]));
	CHECK_EQ(8 + 2 - 3, pending(a[0]));
}

TEST(filter_sees_the_op_arguments)
{
	run_child(_metadata, filter_on_args, 0);
}

/*
 * The composite ops pass as the calls they repeat: READ_MIN as read,
 * WRITE_ALL as write, MOVE as sendfile, with their descriptors as the
 * first argument.  A denied one takes no effect.
 */
static void composite_ops(void)
{
	static const int ops[] = {
		SCRIPT_OP_READ_MIN, SCRIPT_OP_READ_MIN, SCRIPT_OP_WRITE_ALL,
		SCRIPT_OP_WRITE_ALL, SCRIPT_OP_MOVE, SCRIPT_OP_SENDFILE,
	};
	struct call calls[ARRAY_LEN(ops)];
	char buf[4] = "", buf2[4] = "";
	int p[2], q[2], r[2], s[2], m;
	struct filter f;
	__s64 off = 0;

	CHECK_EQ(0, pipe(p));
	CHECK_EQ(0, pipe(q));
	CHECK_EQ(0, pipe(r));
	CHECK_EQ(0, pipe(s));
	CHECK_EQ(3, write(p[1], "abc", 3));
	CHECK_EQ(3, write(r[1], "def", 3));
	m = memfd_create("seccomp_test", MFD_CLOEXEC);
	CHECK_EQ(1, m >= 0);
	CHECK_EQ(5, write(m, "hello", 5));
	filter_begin(&f);
	filter_arg(&f, __NR_read, 0, p[0], false, SECCOMP_RET_ERRNO | ENOLINK);
	filter_arg(&f, __NR_write, 0, q[1], false, SECCOMP_RET_ERRNO | ENOLINK);
	filter_nr(&f, NR_SENDFILE, SECCOMP_RET_ERRNO | ENOLINK);
	filter_install(&f);

	set_call(&calls[0], p[0], (uintptr_t)buf, 1, 3, 100);
	set_call(&calls[1], r[0], (uintptr_t)buf2, 3, 3, 1000);
	set_call(&calls[2], q[1], (uintptr_t)"x", 1, 100, 0);
	set_call(&calls[3], s[1], (uintptr_t)"y", 1, 1000, 0);
	set_call(&calls[4], s[1], m, (uintptr_t)&off, 5, 100);
	set_call(&calls[5], s[1], m, (uintptr_t)&off, 5, 0);
	run_calls(ops, calls, ARRAY_LEN(ops));
	CHECK_EQ(-ENOLINK, calls[0].ret);
	CHECK_EQ(3, calls[1].ret);
	CHECK_EQ(0, memcmp(buf2, "def", 3));
	CHECK_EQ(-ENOLINK, calls[2].ret);
	CHECK_EQ(1, calls[3].ret);
	CHECK_EQ(-ENOLINK, calls[4].ret);
	CHECK_EQ(-ENOLINK, calls[5].ret);
	CHECK_EQ(3, pending(p[0]));
	CHECK_EQ(0, pending(q[0]));
	CHECK_EQ(1, pending(s[0]));
	CHECK_EQ(0, off);
	CHECK_EQ(0, buf[0]);
}

TEST(composite_ops_pass_as_the_calls_they_repeat)
{
	run_child(_metadata, composite_ops, 0);
}

/* SEND and RECV pass as sendto and recvfrom, as in the C library. */
static void send_recv(void)
{
	static const int ops[] = {
		SCRIPT_OP_SEND, SCRIPT_OP_WRITE, SCRIPT_OP_RECV, SCRIPT_OP_READ,
	};
	struct call calls[ARRAY_LEN(ops)];
	char buf[2] = "";
	struct filter f;
	int s[2];

	CHECK_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, s));
	filter_begin(&f);
	filter_nr(&f, __NR_sendto, SECCOMP_RET_ERRNO | ENOLINK);
	filter_nr(&f, __NR_recvfrom, SECCOMP_RET_ERRNO | EXFULL);
	filter_install(&f);

	set_call(&calls[0], s[0], (uintptr_t)"a", 1, 0, 0);
	set_call(&calls[1], s[0], (uintptr_t)"b", 1, 0, 0);
	set_call(&calls[2], s[1], (uintptr_t)buf, 1, 0, 0);
	set_call(&calls[3], s[1], (uintptr_t)buf, 1, 0, 0);
	run_calls(ops, calls, ARRAY_LEN(ops));
	CHECK_EQ(-ENOLINK, calls[0].ret);
	CHECK_EQ(1, calls[1].ret);
	CHECK_EQ(-EXFULL, calls[2].ret);
	CHECK_EQ(1, calls[3].ret);
	CHECK_EQ('b', buf[0]);
}

TEST(send_and_recv_pass_as_sendto_and_recvfrom)
{
	run_child(_metadata, send_recv, 0);
}

/* SECCOMP_RET_LOG lets the ops go ahead. */
static void log_ops(void)
{
	static const int ops[] = { SCRIPT_OP_GETPID, SCRIPT_OP_WRITE };
	struct call calls[ARRAY_LEN(ops)];
	struct filter f;
	int p[2];

	CHECK_EQ(0, pipe(p));
	filter_begin(&f);
	filter_nr(&f, __NR_getpid, SECCOMP_RET_LOG);
	filter_nr(&f, __NR_write, SECCOMP_RET_LOG);
	filter_install(&f);

	set_call(&calls[0], 0, 0, 0, 0, 0);
	set_call(&calls[1], p[1], (uintptr_t)"ok", 2, 0, 0);
	run_calls(ops, calls, ARRAY_LEN(ops));
	CHECK_EQ(getpid(), calls[0].ret);
	CHECK_EQ(2, calls[1].ret);
	CHECK_EQ(2, pending(p[0]));
}

TEST(log_proceeds)
{
	run_child(_metadata, log_ops, 0);
}

/* ERRNO with 0: the op returns 0, as the real call does, and writes nothing. */
static void errno_zero(void)
{
	static const int ops[] = { SCRIPT_OP_WRITE };
	struct call calls[ARRAY_LEN(ops)];
	struct filter f;
	int p[2];

	CHECK_EQ(0, pipe(p));
	filter_begin(&f);
	filter_nr(&f, __NR_write, SECCOMP_RET_ERRNO | 0);
	filter_install(&f);
	CHECK_EQ(0, write(p[1], "abc", 3));

	set_call(&calls[0], p[1], (uintptr_t)"abc", 3, 0, 0);
	run_calls(ops, calls, ARRAY_LEN(ops));
	CHECK_EQ(0, calls[0].ret);
	CHECK_EQ(0, pending(p[0]));
}

TEST(errno_zero_returns_zero_and_skips_the_call)
{
	run_child(_metadata, errno_zero, 0);
}

/* A program loaded before the filter is filtered when it runs. */
static void run_fd_filtered(void)
{
	static const struct script_insn prog[] = { CALL_OP(SCRIPT_OP_GETPID), EXIT };
	struct script_attr attr = { };
	struct filter f;

	script_attr_prog(&attr, prog, ARRAY_LEN(prog));
	attr.prog_fd = sys_script(SCRIPT_LOAD, &attr, sizeof(attr));
	CHECK_EQ(1, attr.prog_fd >= 0);
	attr.insns = 0;
	attr.insn_cnt = 0;
	filter_begin(&f);
	filter_nr(&f, __NR_getpid, SECCOMP_RET_ERRNO | ESRCH);
	filter_install(&f);
	CHECK_EQ(0, script_errno(SCRIPT_RUN_FD, &attr));
	CHECK_EQ(-ESRCH, (long)attr.retval);
}

TEST(loaded_program_is_filtered_when_run)
{
	run_child(_metadata, run_fd_filtered, 0);
}

/*
 * The filter sees the instruction pointer of the script(2) call: a filter
 * that fails getpid with an errno made of the low bits of the pointer
 * gives the op the errno that a real getpid from the same place, the C
 * library's syscall(), gets.
 */
static void ip_of_the_call(void)
{
	static const int ops[] = { SCRIPT_OP_GETPID };
	struct call calls[ARRAY_LEN(ops)];
	struct filter f;
	long ret;
	int err;

	filter_begin(&f);
	emit(&f, BPF_JMP | BPF_JEQ | BPF_K, 0, 4, __NR_getpid);
	emit(&f, BPF_LD | BPF_W | BPF_ABS, 0, 0, IP_LO);
	emit(&f, BPF_ALU | BPF_AND | BPF_K, 0, 0, 0x7ff);
	emit(&f, BPF_ALU | BPF_OR | BPF_K, 0, 0, SECCOMP_RET_ERRNO | 0x800);
	emit(&f, BPF_RET | BPF_A, 0, 0, 0);
	filter_install(&f);
	ret = syscall(__NR_getpid);
	err = errno;
	CHECK_EQ(-1, ret);
	CHECK_EQ(0x800, err & ~0x7ff);

	set_call(&calls[0], 0, 0, 0, 0, 0);
	run_calls(ops, calls, ARRAY_LEN(ops));
	CHECK_EQ(-err, calls[0].ret);
}

TEST(filter_sees_the_ip_of_the_script_call)
{
	run_child(_metadata, ip_of_the_call, 0);
}

/*
 * Every filter of the process runs, and the strictest action wins: the
 * rules of two filters both apply; a third one's TRAP for getpid takes
 * precedence over the first one's ERRNO (and still raises no SIGSYS).
 */
static void stacked_filters(void)
{
	static const int ops[] = { SCRIPT_OP_GETPID, SCRIPT_OP_OPENAT };
	struct sigaction sa = { .sa_handler = on_sigsys };
	struct call calls[ARRAY_LEN(ops)];
	struct filter f;

	CHECK_EQ(0, sigaction(SIGSYS, &sa, NULL));
	filter_begin(&f);
	filter_nr(&f, __NR_getpid, SECCOMP_RET_ERRNO | ESRCH);
	filter_install(&f);
	filter_begin(&f);
	filter_nr(&f, __NR_openat, SECCOMP_RET_ERRNO | EACCES);
	filter_install(&f);

	set_call(&calls[0], 0, 0, 0, 0, 0);
	set_call(&calls[1], AT_FDCWD, (uintptr_t)"/", O_RDONLY, 0, 0);
	run_calls(ops, calls, ARRAY_LEN(ops));
	CHECK_EQ(-ESRCH, calls[0].ret);
	CHECK_EQ(-EACCES, calls[1].ret);

	filter_begin(&f);
	filter_nr(&f, __NR_getpid, SECCOMP_RET_TRAP);
	filter_install(&f);
	set_call(&calls[0], 0, 0, 0, 0, 0);
	set_call(&calls[1], AT_FDCWD, (uintptr_t)"/", O_RDONLY, 0, 0);
	run_calls(ops, calls, ARRAY_LEN(ops));
	CHECK_EQ(-EPERM, calls[0].ret);
	CHECK_EQ(-EACCES, calls[1].ret);
	CHECK_EQ(0, rep->sigsys);
}

TEST(stacked_filters_all_apply)
{
	run_child(_metadata, stacked_filters, 0);
}

TEST_HARNESS_MAIN
