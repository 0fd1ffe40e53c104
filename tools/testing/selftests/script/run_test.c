// SPDX-License-Identifier: GPL-2.0
/*
 * script(2) through the real system call: results, memory and faults,
 * signals and the step budget, loaded programs, the verifier log,
 * subprograms and ops.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "script_util.h"

/* r0 = r1 + r2 */
static const struct script_insn add_prog[] = {
	MOV64_REG(0, 1), ALU64_REG(SCRIPT_ADD, 0, 2), EXIT,
};

/* for (;;) */
static const struct script_insn loop_prog[] = { JA(-1), EXIT };

TEST(result_is_retval_not_return)
{
	struct script_attr attr = { .args = { 40, 2 } };

	ASSERT_EQ(0, script_run(&attr, add_prog, ARRAY_LEN(add_prog)));
	EXPECT_EQ(42, attr.retval);
	EXPECT_EQ(3, attr.steps);
	EXPECT_EQ(2, attr.pc);

	/* A result that looks like an error is still a result. */
	attr.args[0] = -EFAULT;
	attr.args[1] = 0;
	ASSERT_EQ(0, script_run(&attr, add_prog, ARRAY_LEN(add_prog)));
	EXPECT_EQ((uint64_t)-EFAULT, attr.retval);
}

TEST(user_memory_and_stack)
{
	/*
	 * r3 = *(u32 *)(r1 + 0); *(u64 *)(r10 - 8) = r3; r4 = *(s8 *)(r1 + 4);
	 * *(u16 *)(r1 + 8) = r4; *(u8 *)(r1 + 10) = 7; r0 = *(u64 *)(r10 - 8);
	 * r0 += r4
	 */
	static const struct script_insn prog[] = {
		LDX(SCRIPT_W, 3, 1, 0), STX(SCRIPT_DW, 10, 3, -8),
		LDSX(SCRIPT_B, 4, 1, 4), STX(SCRIPT_H, 1, 4, 8),
		ST(SCRIPT_B, 1, 10, 7), LDX(SCRIPT_DW, 0, 10, -8),
		ALU64_REG(SCRIPT_ADD, 0, 4), EXIT,
	};
	unsigned char buf[16] = { 1, 2, 3, 4, 0xfe };
	struct script_attr attr = { .args = { (uintptr_t)buf } };

	script_attr_stack(&attr);
	ASSERT_EQ(0, script_run(&attr, prog, ARRAY_LEN(prog)));
	EXPECT_EQ(0x04030201 - 2, attr.retval);
	EXPECT_EQ(0xfe, buf[8]);
	EXPECT_EQ(0xff, buf[9]);
	EXPECT_EQ(7, buf[10]);
	EXPECT_EQ(0x04030201, script_stack[ARRAY_LEN(script_stack) - 1]);
}

TEST(fault_names_the_instruction)
{
	static const struct script_insn prog[] = {
		MOV64_IMM(0, 0), LDX(SCRIPT_B, 0, 1, 0), STX(SCRIPT_B, 2, 0, 0), EXIT,
	};
	unsigned char byte = 5, out = 0;
	struct script_attr attr = { .args = { (uintptr_t)&byte, (uintptr_t)&out } };

	ASSERT_EQ(0, script_run(&attr, prog, ARRAY_LEN(prog)));
	EXPECT_EQ(5, out);

	attr.args[0] = 0;		/* load from NULL */
	EXPECT_EQ(-EFAULT, script_run(&attr, prog, ARRAY_LEN(prog)));
	EXPECT_EQ(1, attr.pc);
	EXPECT_EQ(1, attr.steps);	/* the faulting load took no effect */

	attr.args[0] = (uintptr_t)&byte;
	attr.args[1] = (uintptr_t)add_prog;	/* store to read-only data */
	EXPECT_EQ(-EFAULT, script_run(&attr, prog, ARRAY_LEN(prog)));
	EXPECT_EQ(2, attr.pc);

	attr.args[1] = -4096UL;		/* store to a kernel address */
	EXPECT_EQ(-EFAULT, script_run(&attr, prog, ARRAY_LEN(prog)));
	EXPECT_EQ(2, attr.pc);
}

static int alarms;

static void on_alarm(int sig)
{
	__atomic_fetch_add(&alarms, 1, __ATOMIC_RELAXED);
}

/* A loop forever ends at a signal: -EINTR, never restarted. */
static void interrupt_loop(struct __test_metadata *_metadata, int sa_flags)
{
	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = sa_flags };
	struct script_attr attr = { };

	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	__atomic_store_n(&alarms, 0, __ATOMIC_RELAXED);
	alarm(1);
	EXPECT_EQ(-EINTR, script_run(&attr, loop_prog, ARRAY_LEN(loop_prog)));
	EXPECT_EQ(1, __atomic_load_n(&alarms, __ATOMIC_RELAXED));
	EXPECT_EQ(0, attr.pc);
	EXPECT_LT(1000, attr.steps);
	signal(SIGALRM, SIG_DFL);
}

TEST(sigalrm_stops_loop)
{
	interrupt_loop(_metadata, 0);
}

TEST(sigalrm_stops_loop_even_with_sa_restart)
{
	interrupt_loop(_metadata, SA_RESTART);
}

TEST(sigkill_ends_loop)
{
	struct timespec t0, t1;
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct script_attr attr = { };

		script_run(&attr, loop_prog, ARRAY_LEN(loop_prog));
		_exit(1);
	}
	usleep(200 * 1000);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ASSERT_TRUE(WIFSIGNALED(status));
	EXPECT_EQ(SIGKILL, WTERMSIG(status));
	/* Generous: a loop that ignored the signal would never end. */
	EXPECT_GT(20, t1.tv_sec - t0.tv_sec);
}

TEST(step_budget)
{
	struct script_attr attr = { .max_steps = 12345 };

	EXPECT_EQ(-ETIME, script_run(&attr, loop_prog, ARRAY_LEN(loop_prog)));
	EXPECT_EQ(12345, attr.steps);
	EXPECT_EQ(0, attr.pc);

	/* A budget the program fits in changes nothing. */
	attr.max_steps = 3;
	attr.args[0] = 1;
	ASSERT_EQ(0, script_run(&attr, add_prog, ARRAY_LEN(add_prog)));
	EXPECT_EQ(3, attr.steps);
}

static int load(const struct script_insn *insns, size_t n)
{
	struct script_attr attr = { };

	script_attr_prog(&attr, insns, n);
	return sys_script(SCRIPT_LOAD, &attr, sizeof(attr));
}

static int run_fd(int fd, uint64_t a, uint64_t b, uint64_t *r0)
{
	struct script_attr attr = { .prog_fd = fd, .args = { a, b } };

	if (sys_script(SCRIPT_RUN_FD, &attr, sizeof(attr)))
		return -errno;
	*r0 = attr.retval;
	return 0;
}

TEST(load_and_run_by_fd)
{
	char path[64], info[256];
	uint64_t r0, i;
	int fd, status;
	FILE *f;
	pid_t pid;

	fd = load(add_prog, ARRAY_LEN(add_prog));
	ASSERT_LE(0, fd);
	EXPECT_EQ(FD_CLOEXEC, fcntl(fd, F_GETFD) & FD_CLOEXEC);

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	ASSERT_NE(NULL, f);
	EXPECT_LT(0, fread(info, 1, sizeof(info) - 1, f));
	fclose(f);
	EXPECT_NE(NULL, strstr(info, "script-insns:\t3\n"));

	for (i = 0; i < 100; i++) {
		ASSERT_EQ(0, run_fd(fd, i, 1000, &r0));
		ASSERT_EQ(i + 1000, r0);
	}

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(run_fd(fd, 20, 22, &r0) || r0 != 42);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));

	ASSERT_EQ(0, close(fd));
	EXPECT_EQ(-EBADF, run_fd(fd, 1, 2, &r0));
	EXPECT_EQ(-EBADF, run_fd(-1, 1, 2, &r0));
}

TEST(run_fd_of_another_file_is_einval)
{
	int p[2], fd;
	uint64_t r0;

	fd = open("/dev/null", O_RDONLY);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EINVAL, run_fd(fd, 1, 2, &r0));
	close(fd);
	ASSERT_EQ(0, pipe(p));
	EXPECT_EQ(-EINVAL, run_fd(p[0], 1, 2, &r0));
	close(p[0]);
	close(p[1]);
}

/* A loaded program passes to another process like any descriptor. */
TEST(fd_passes_over_unix_socket)
{
	char cbuf[CMSG_SPACE(sizeof(int))], byte = 0;
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cmsg;
	int sv[2], fd, status;
	uint64_t r0;
	pid_t pid;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* Receive the fd, run it, report. */
		close(sv[0]);
		if (recvmsg(sv[1], &msg, 0) != 1)
			_exit(2);
		cmsg = CMSG_FIRSTHDR(&msg);
		if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS)
			_exit(3);
		memcpy(&fd, CMSG_DATA(cmsg), sizeof(fd));
		_exit(run_fd(fd, 2, 3, &r0) || r0 != 5);
	}
	close(sv[1]);
	fd = load(add_prog, ARRAY_LEN(add_prog));
	ASSERT_LE(0, fd);
	cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(fd));
	ASSERT_EQ(1, sendmsg(sv[0], &msg, 0));
	close(fd);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	close(sv[0]);
}

struct rejection {
	struct script_insn insns[4];
	unsigned int n;
	unsigned int pc;
	const char *log;
};

/* The log line of a rejection is exactly as documented. */
TEST(rejection_log_text)
{
	static const struct rejection cases[] = {
		{ { MOV64_REG(0, 6), EXIT }, 2, 0,
		  "insn 0: r6 is read before it is written on some path\n" },
		{ { MOV64_IMM(0, 1), ALU64_IMM(SCRIPT_DIV, 0, 0), EXIT }, 3, 1,
		  "insn 1: division by zero\n" },
		{ { MOV64_IMM(0, 0), JA(5), EXIT }, 3, 1,
		  "insn 1: jump to 7 is outside the program\n" },
		{ { ALU64_IMM(SCRIPT_ADD, 10, 1), MOV64_IMM(0, 0), EXIT }, 3, 0,
		  "insn 0: r10 is read-only\n" },
		{ { CALL_OP(99), EXIT }, 2, 0, "insn 0: unknown op 99\n" },
		{ { MOV64_IMM(0, 0) }, 1, 0, "insn 0: falls off the end of the program\n" },
	};
	static const unsigned int cmds[] = { SCRIPT_VERIFY, SCRIPT_LOAD, SCRIPT_RUN };
	unsigned int i, c;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		for (c = 0; c < ARRAY_LEN(cmds); c++) {
			struct script_attr attr = { };
			char log[256];

			memset(log, 'x', sizeof(log));
			script_attr_prog(&attr, cases[i].insns, cases[i].n);
			attr.log_buf = (uintptr_t)log;
			attr.log_size = sizeof(log);
			attr.log_level = SCRIPT_LOG_ERROR;
			EXPECT_EQ(-1, sys_script(cmds[c], &attr, sizeof(attr)));
			EXPECT_EQ(EINVAL, errno);
			EXPECT_EQ(cases[i].pc, attr.pc);
			EXPECT_STREQ(cases[i].log, log);
			EXPECT_EQ(strlen(cases[i].log) + 1, attr.log_true_size);
		}
	}
}

/* The log is written within log_size and nowhere else. */
TEST(log_stays_within_log_size)
{
	static const struct script_insn prog[] = { MOV64_REG(0, 6), EXIT };
	const char *line = "insn 0: r6 is read before it is written on some path\n";
	struct script_attr attr = { };
	char log[SCRIPT_LOG_SIZE_MIN + 8];

	memset(log, 'x', sizeof(log));
	script_attr_prog(&attr, prog, ARRAY_LEN(prog));
	attr.log_buf = (uintptr_t)log;
	attr.log_size = SCRIPT_LOG_SIZE_MIN;
	attr.log_level = SCRIPT_LOG_ERROR;
	EXPECT_EQ(-1, sys_script(SCRIPT_VERIFY, &attr, sizeof(attr)));
	EXPECT_STREQ(line, log);
	EXPECT_EQ('x', log[SCRIPT_LOG_SIZE_MIN]);
}

TEST(verbose_log_of_an_accepted_program)
{
	struct script_attr attr = { };
	char log[256];

	script_attr_prog(&attr, add_prog, ARRAY_LEN(add_prog));
	attr.log_buf = (uintptr_t)log;
	attr.log_size = sizeof(log);
	attr.log_level = SCRIPT_LOG_VERBOSE;
	ASSERT_EQ(0, sys_script(SCRIPT_VERIFY, &attr, sizeof(attr)));
	EXPECT_STREQ("accepted: 3 insns, 1 subprograms, call depth 0\n", log);
}

TEST(subprograms)
{
	/*
	 * main: r6 = 6; r9 = 9; r0 = call sub(r1 = 1000); r0 += r6 + r9;
	 * r0 -= r10 (of main) ... and sub returns its own r10 in r2 = r0.
	 */
	static const struct script_insn prog[] = {
		MOV64_IMM(6, 6), MOV64_IMM(9, 9), CALL_REL(4),
		ALU64_REG(SCRIPT_ADD, 0, 6), ALU64_REG(SCRIPT_ADD, 0, 9),
		ALU64_REG(SCRIPT_SUB, 0, 10), EXIT,
		/* sub: clobber r6 and r9, return r1 + its r10 */
		MOV64_IMM(6, 100), MOV64_IMM(9, 100), MOV64_REG(0, 1),
		ALU64_REG(SCRIPT_ADD, 0, 10), EXIT,
	};
	struct script_attr attr = { .args = { 1000 } };

	script_attr_stack(&attr);
	ASSERT_EQ(0, script_run(&attr, prog, ARRAY_LEN(prog)));
	/* (1000 + (top - 512)) + 6 + 9 - top */
	EXPECT_EQ(1000 + 15 - SCRIPT_FRAME_SIZE, attr.retval);
}

/*
 * Each frame is the SCRIPT_FRAME_SIZE bytes below its r10: main calls a,
 * a calls b, and b writes the lowest slot of its frame.  Three frames fit
 * in three frames' worth of stack, and not in less.
 */
TEST(call_without_room_is_enospc)
{
	static const struct script_insn prog[] = {
		CALL_REL(1), EXIT, CALL_REL(1), EXIT,
		ST(SCRIPT_DW, 10, -SCRIPT_FRAME_SIZE, 7), MOV64_IMM(0, 3), EXIT,
	};
	static struct {
		uint64_t guard[8];
		uint64_t stack[3 * SCRIPT_FRAME_SIZE / 8];
	} mem;
	struct script_attr attr = { .stack = (uintptr_t)mem.stack };
	unsigned int i;

	attr.stack_size = 3 * SCRIPT_FRAME_SIZE;
	ASSERT_EQ(0, script_run(&attr, prog, ARRAY_LEN(prog)));
	EXPECT_EQ(3, attr.retval);
	EXPECT_EQ(7, mem.stack[0]);

	/* Two frames of room: b's call does not start. */
	mem.stack[0] = 0;
	attr.stack = (uintptr_t)&mem.stack[SCRIPT_FRAME_SIZE / 8];
	attr.stack_size = 2 * SCRIPT_FRAME_SIZE;
	EXPECT_EQ(-ENOSPC, script_run(&attr, prog, ARRAY_LEN(prog)));
	EXPECT_EQ(2, attr.pc);

	attr.stack_size = SCRIPT_FRAME_SIZE;
	attr.stack = (uintptr_t)&mem.stack[2 * SCRIPT_FRAME_SIZE / 8];
	EXPECT_EQ(-ENOSPC, script_run(&attr, prog, ARRAY_LEN(prog)));
	EXPECT_EQ(0, attr.pc);

	attr.stack = 0;
	attr.stack_size = 0;
	EXPECT_EQ(-ENOSPC, script_run(&attr, prog, ARRAY_LEN(prog)));
	EXPECT_EQ(0, attr.pc);

	/* Nothing was written below the stack a run was given. */
	for (i = 0; i < ARRAY_LEN(mem.stack); i++)
		EXPECT_EQ(0, mem.stack[i]) TH_LOG("slot %u", i);
	for (i = 0; i < ARRAY_LEN(mem.guard); i++)
		EXPECT_EQ(0, mem.guard[i]);
}

TEST(op_memcpy)
{
	static const struct script_insn prog[] = { CALL_OP(SCRIPT_OP_MEMCPY), EXIT };
	char src[5000], dst[5000];
	struct script_attr attr = { };
	size_t i;

	for (i = 0; i < sizeof(src); i++)
		src[i] = i * 7;
	memset(dst, 0, sizeof(dst));
	attr.args[0] = (uintptr_t)dst;
	attr.args[1] = (uintptr_t)src;
	attr.args[2] = sizeof(src);
	ASSERT_EQ(0, script_run(&attr, prog, ARRAY_LEN(prog)));
	EXPECT_EQ(sizeof(src), attr.retval);
	EXPECT_EQ(0, memcmp(src, dst, sizeof(src)));

	/* A bad buffer is the op's result, as with read(2): the run goes on. */
	attr.args[1] = 0;
	ASSERT_EQ(0, script_run(&attr, prog, ARRAY_LEN(prog)));
	EXPECT_EQ((uint64_t)-EFAULT, attr.retval);
}

/*
 * A program that closes its own descriptor goes on running: the run holds
 * a reference to the program, and the close takes effect in the table.
 */
TEST(run_fd_survives_closing_its_own_fd)
{
	/* close(r1); then 1000 turns of a loop; then r0 = getpid() */
	static const struct script_insn prog[] = {
		CALL_OP(SCRIPT_OP_CLOSE), MOV64_REG(6, 0),
		MOV64_IMM(7, 1000), ALU64_IMM(SCRIPT_SUB, 7, 1),
		JMP_IMM(SCRIPT_JNE, 7, 0, -2),
		CALL_OP(SCRIPT_OP_GETPID), ALU64_REG(SCRIPT_ADD, 0, 6), EXIT,
	};
	struct script_attr attr = { };
	int fd;

	script_attr_prog(&attr, prog, ARRAY_LEN(prog));
	fd = sys_script(SCRIPT_LOAD, &attr, sizeof(attr));
	ASSERT_LE(0, fd);
	memset(&attr, 0, sizeof(attr));
	attr.prog_fd = fd;
	attr.args[0] = fd;
	ASSERT_EQ(0, sys_script(SCRIPT_RUN_FD, &attr, sizeof(attr)));
	/* close returned 0, and the run went on to the end. */
	EXPECT_EQ(getpid(), attr.retval);
	EXPECT_EQ(-1, fcntl(fd, F_GETFD));
	EXPECT_EQ(EBADF, errno);
	/* The descriptor is gone: it cannot be run again. */
	EXPECT_EQ(-1, sys_script(SCRIPT_RUN_FD, &attr, sizeof(attr)));
	EXPECT_EQ(EBADF, errno);
}

TEST_HARNESS_MAIN
