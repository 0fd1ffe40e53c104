// SPDX-License-Identifier: GPL-2.0
/*
 * A script(2) run never returns to user mode while it goes on, yet the
 * work the kernel defers to that return must not wait for its end: each
 * yield point does it.  Files an op drops are released during the run, and
 * CPU limits and profiling timers fire at their limits, as they do for a
 * process that loops in user mode and makes system calls.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "script_util.h"

/* Failed accepts in one run: each allocates and drops a file. */
#define ACCEPTS		20000
/* Files the rest of the system may open meanwhile */
#define FILE_NR_SLACK	64
/* How long a child may take to meet its limit, in s */
#define CHILD_WAIT_S	20

/* An endless run: no step budget, no EXIT reached. */
static const struct script_insn loop_prog[] = { JA(-1), EXIT };

/*
 * accepts(r1 listener, r2 n, r3 file_nr_fd, r4 buf): n accept4() calls on
 * a non-blocking listener with nothing to accept, each -EAGAIN; then reads
 * /proc/sys/fs/file-nr into buf with pread64() while the run still goes
 * on.  Returns the bytes read, or the first other result of an accept.
 */
#define ACC_LOOP	4
#define ACC_BACK	11
#define ACC_EXIT	17
static const struct script_insn accept_prog[] = {
	MOV64_REG(6, 1),
	MOV64_REG(7, 2),
	MOV64_REG(8, 3),
	MOV64_REG(9, 4),
	MOV64_REG(1, 6),
	MOV64_IMM(2, 0),
	MOV64_IMM(3, 0),
	MOV64_IMM(4, 0),
	CALL_OP(SCRIPT_OP_ACCEPT4),
	JMP_IMM(SCRIPT_JNE, 0, -EAGAIN, ACC_EXIT - 9 - 1),
	ALU64_IMM(SCRIPT_SUB, 7, 1),
	JMP_IMM(SCRIPT_JNE, 7, 0, ACC_LOOP - ACC_BACK - 1),
	MOV64_REG(1, 8),
	MOV64_REG(2, 9),
	MOV64_IMM(3, 63),
	MOV64_IMM(4, 0),
	CALL_OP(SCRIPT_OP_PREAD64),
	EXIT,
};

/* The first field of /proc/sys/fs/file-nr: files allocated. */
static long file_nr(const char *text)
{
	return strtol(text, NULL, 10);
}

TEST(accepts_release_their_files)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct script_attr attr = {};
	char before[64] = "", during[64] = "";
	int lfd, nrfd;

	ASSERT_EQ(0, read_file("/proc/sys/fs/file-nr", before, sizeof(before)));
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	ASSERT_LE(0, lfd);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ASSERT_EQ(0, bind(lfd, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, listen(lfd, 8));
	nrfd = open("/proc/sys/fs/file-nr", O_RDONLY);
	ASSERT_LE(0, nrfd);

	/* The same accept4(), made as a system call, fails the same way. */
	ASSERT_EQ(-1, accept4(lfd, NULL, NULL, 0));
	ASSERT_EQ(EAGAIN, errno);

	script_attr_prog(&attr, accept_prog, ARRAY_LEN(accept_prog));
	attr.args[0] = lfd;
	attr.args[1] = ACCEPTS;
	attr.args[2] = nrfd;
	attr.args[3] = (uintptr_t)during;
	ASSERT_EQ(0, sys_script(SCRIPT_RUN, &attr, sizeof(attr)));
	ASSERT_LT(0, (int64_t)attr.retval);
	TH_LOG("file-nr before: %.*s, after %d failed accepts in one run: %.*s",
	       (int)strcspn(before, "\t"), before, ACCEPTS,
	       (int)strcspn(during, "\t"), during);
	/* Each accept's file was released during the run, not at its end. */
	EXPECT_GT(file_nr(before) + FILE_NR_SLACK, file_nr(during));
	close(nrfd);
	close(lfd);
}

/* Runs loop_prog until a signal ends the run; the state area parks it. */
static void run_forever(void)
{
	static struct script_state state;
	struct script_attr attr = {};

	script_attr_prog(&attr, loop_prog, ARRAY_LEN(loop_prog));
	attr.state = (uintptr_t)&state;
	attr.state_size = sizeof(state);
	/* SA_RESTART handlers and stops continue the run; others end it. */
	for (;;)
		sys_script(SCRIPT_RUN, &attr, sizeof(attr));
}

static int signal_pipe[2];

static void note_signal(int sig)
{
	char c = sig;

	if (write(signal_pipe[1], &c, 1) != 1)
		_exit(2);
}

/*
 * Waits for @pid, killing it after CHILD_WAIT_S: its wait status, and its
 * CPU time in ms.
 */
static int wait_child(pid_t pid, long *cpu_ms)
{
	struct rusage ru;
	int status, i;

	for (i = 0; i < CHILD_WAIT_S * 10; i++) {
		if (wait4(pid, &status, WNOHANG, &ru) == pid)
			goto done;
		usleep(100000);
	}
	kill(pid, SIGKILL);
	if (wait4(pid, &status, 0, &ru) != pid)
		return -1;
	status = -1;
done:
	*cpu_ms = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000 +
		  (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000;
	return status;
}

/*
 * getrusage()'s CPU time is sampled by ticks and scaled to the scheduler's
 * runtime, which the limits are checked against: it may fall short of a
 * limit by a few ms.
 */
#define CPU_SLACK_MS	50

/* @pid must die of @sig after min_ms to max_ms of CPU time. */
static void expect_killed(struct __test_metadata *_metadata, pid_t pid,
			  int sig, long min_ms, long max_ms)
{
	long cpu_ms;
	int status;

	status = wait_child(pid, &cpu_ms);
	TH_LOG("status %#x after %ld ms of CPU", status, cpu_ms);
	ASSERT_TRUE(status != -1 && WIFSIGNALED(status));
	EXPECT_EQ(sig, WTERMSIG(status));
	EXPECT_LE(min_ms - CPU_SLACK_MS, cpu_ms);
	EXPECT_GT(max_ms, cpu_ms);
}

/* RLIMIT_CPU's soft limit sends SIGXCPU, whose default action kills. */
TEST(rlimit_cpu_soft_kills)
{
	struct rlimit rl = { .rlim_cur = 1, .rlim_max = 2 };
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (setrlimit(RLIMIT_CPU, &rl))
			_exit(1);
		run_forever();
	}
	expect_killed(_metadata, pid, SIGXCPU, 1000, 2000);
}

/*
 * With SIGXCPU handled, the run goes on after the handler, and the hard
 * limit's SIGKILL ends it.
 */
TEST(rlimit_cpu_hard_kills)
{
	struct rlimit rl = { .rlim_cur = 1, .rlim_max = 2 };
	struct sigaction sa = { .sa_handler = note_signal, .sa_flags = SA_RESTART };
	char sigs[8];
	pid_t pid;
	ssize_t n;

	ASSERT_EQ(0, pipe2(signal_pipe, O_NONBLOCK));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (sigaction(SIGXCPU, &sa, NULL) || setrlimit(RLIMIT_CPU, &rl))
			_exit(1);
		run_forever();
	}
	expect_killed(_metadata, pid, SIGKILL, 2000, 3000);
	n = read(signal_pipe[0], sigs, sizeof(sigs));
	TH_LOG("%zd SIGXCPU before", n);
	EXPECT_LE(1, n);
	if (n > 0)
		EXPECT_EQ(SIGXCPU, sigs[0]);
	close(signal_pipe[0]);
	close(signal_pipe[1]);
}

/*
 * ITIMER_PROF counts user and system time: it fires during a run, whose
 * handler (no SA_RESTART) ends the run with EINTR.  ITIMER_VIRTUAL counts
 * user time only and so, as during any system call, never does.
 */
TEST(itimer_prof_fires)
{
	struct sigaction sa = { .sa_handler = note_signal };
	struct itimerval it = { .it_value.tv_usec = 200000 };
	struct script_attr attr = {};
	long cpu_ms;
	pid_t pid;
	int status;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (pipe(signal_pipe) || sigaction(SIGPROF, &sa, NULL) ||
		    setitimer(ITIMER_PROF, &it, NULL))
			_exit(1);
		script_attr_prog(&attr, loop_prog, ARRAY_LEN(loop_prog));
		if (sys_script(SCRIPT_RUN, &attr, sizeof(attr)) != -1 ||
		    errno != EINTR)
			_exit(3);
		_exit(0);
	}
	status = wait_child(pid, &cpu_ms);
	TH_LOG("status %#x after %ld ms of CPU", status, cpu_ms);
	ASSERT_TRUE(status != -1 && WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_LE(200, cpu_ms);
}

/*
 * RLIMIT_RTTIME: a real-time task that runs without sleeping gets SIGXCPU
 * at the soft limit.
 */
TEST(rlimit_rttime_kills)
{
	struct rlimit rl = { .rlim_cur = 200000, .rlim_max = 1000000 };
	struct sched_param sp = { .sched_priority = 1 };
	pid_t pid;

	if (sched_setscheduler(0, SCHED_FIFO, &sp))
		SKIP(return, "no SCHED_FIFO: %s", strerror(errno));
	sp.sched_priority = 0;
	ASSERT_EQ(0, sched_setscheduler(0, SCHED_OTHER, &sp));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		sp.sched_priority = 1;
		if (setrlimit(RLIMIT_RTTIME, &rl) ||
		    sched_setscheduler(0, SCHED_FIFO, &sp))
			_exit(1);
		run_forever();
	}
	expect_killed(_metadata, pid, SIGXCPU, 200, 1000);
}

static int late_pipe;

/* Writes a byte to late_pipe after 400 ms. */
static void *write_late(void *arg)
{
	usleep(400000);
	if (write(late_pipe, "x", 1) != 1)
		return (void *)1;
	return NULL;
}

/* read(r1 fd, r2 buf, r3 count) */
static const struct script_insn read_prog[] = {
	CALL_OP(SCRIPT_OP_READ),
	EXIT,
};

/*
 * Task work queued with TWA_SIGNAL, as io_uring queues a completion,
 * interrupts a blocking op as it interrupts read(2): the work is done,
 * and the op is restarted as the call would be, with no state area and
 * no signal.  Here a 100 ms io_uring timeout completes while a read op
 * waits 400 ms for its byte.
 */
TEST(io_uring_completion_restarts_a_blocking_op)
{
	struct __kernel_timespec ts = { .tv_nsec = 100000000 };
	struct script_attr attr = {};
	struct io_uring_cqe *cqe;
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	pthread_t writer;
	int p[2], ret;
	char c = 0;

	ASSERT_EQ(0, io_uring_queue_init(4, &ring, 0));
	ASSERT_EQ(0, pipe(p));
	sqe = io_uring_get_sqe(&ring);
	ASSERT_NE(NULL, sqe);
	io_uring_prep_timeout(sqe, &ts, 0, 0);
	ASSERT_EQ(1, io_uring_submit(&ring));
	late_pipe = p[1];
	ASSERT_EQ(0, pthread_create(&writer, NULL, write_late, NULL));

	script_attr_prog(&attr, read_prog, ARRAY_LEN(read_prog));
	attr.args[0] = p[0];
	attr.args[1] = (uintptr_t)&c;
	attr.args[2] = 1;
	ret = sys_script(SCRIPT_RUN, &attr, sizeof(attr));
	EXPECT_EQ(0, ret) TH_LOG("script(2): %s", strerror(errno));
	EXPECT_EQ(1, (int64_t)attr.retval);
	EXPECT_EQ('x', c);
	pthread_join(writer, NULL);

	/* The timeout completed during the run, not after it. */
	ASSERT_EQ(0, io_uring_peek_cqe(&ring, &cqe));
	EXPECT_EQ(-ETIME, cqe->res);
	io_uring_cqe_seen(&ring, cqe);
	io_uring_queue_exit(&ring);
	close(p[0]);
	close(p[1]);
}

TEST_HARNESS_MAIN
