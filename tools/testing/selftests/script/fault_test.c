// SPDX-License-Identifier: GPL-2.0
/*
 * Allocation failures: each kernel allocation a script(2) call makes is
 * failed in turn, through failslab and the task's fail-nth, and every
 * call must then either succeed as usual or fail with ENOMEM, leaving no
 * leak, descriptor or splat behind (kmemleak and the console parser check
 * the last two).  Needs CONFIG_FAILSLAB and debugfs: the debug kernel of
 * "make check DEBUG=1"; elsewhere it is skipped.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "../kselftest_harness.h"
#include "script_util.h"

#define FAILSLAB	"/sys/kernel/debug/failslab/"
#define MAX_NTH		1000

/* main: r0 = sub(r1) + r2; sub: r1 * 2, through a slot of its frame */
static const struct script_insn good_prog[] = {
	MOV64_REG(6, 2), CALL_REL(2), ALU64_REG(SCRIPT_ADD, 0, 6), EXIT,
	ALU64_IMM(SCRIPT_MUL, 1, 2), STX(SCRIPT_DW, 10, 1, -8),
	LDX(SCRIPT_DW, 0, 10, -8), EXIT,
};

static const struct script_insn bad_prog[] = { MOV64_REG(0, 7), EXIT };

/* Arms the @nth allocation of this thread from now on to fail. */
static int arm(int fd, unsigned int nth)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", nth);

	return pwrite(fd, buf, len, 0) == len ? 0 : -errno;
}

FIXTURE(failslab) {
	int nth_fd;
	char ignore_gfp_wait[8];
	char verbose[8];
	char times[16];
};

FIXTURE_SETUP(failslab)
{
	self->nth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	if (self->nth_fd < 0 ||
	    read_file(FAILSLAB "ignore-gfp-wait", self->ignore_gfp_wait,
		      sizeof(self->ignore_gfp_wait)) ||
	    read_file(FAILSLAB "verbose", self->verbose, sizeof(self->verbose)) ||
	    read_file(FAILSLAB "times", self->times, sizeof(self->times))) {
		if (self->nth_fd >= 0)
			close(self->nth_fd);
		self->nth_fd = -1;
		SKIP(return, "no failslab or fail-nth: not a fault-injection kernel");
	}
	/* Fail GFP_KERNEL allocations too, and quietly. */
	EXPECT_EQ(0, write_file(FAILSLAB "ignore-gfp-wait", "N"));
	EXPECT_EQ(0, write_file(FAILSLAB "verbose", "0"));
}

FIXTURE_TEARDOWN(failslab)
{
	if (self->nth_fd < 0)
		return;
	/* Disarmed first, so that restoring cannot itself fail. */
	EXPECT_EQ(0, arm(self->nth_fd, 0));
	EXPECT_EQ(0, write_file(FAILSLAB "ignore-gfp-wait", self->ignore_gfp_wait));
	EXPECT_EQ(0, write_file(FAILSLAB "verbose", self->verbose));
	EXPECT_EQ(0, write_file(FAILSLAB "times", self->times));
	close(self->nth_fd);
}

/* 1 if the armed failure happened, 0 if not; disarms it. */
static int fired(int fd)
{
	char buf[16] = "";
	int left;

	if (pread(fd, buf, sizeof(buf) - 1, 0) <= 0)
		return -errno;
	left = atoi(buf);
	arm(fd, 0);
	return left == 0;
}

enum call { RUN, LOAD, RUN_FD, REJECT };

/* One call of kind @c: 0 when it did what it does without a failure. */
static int call(enum call c, int prog_fd, int *out_fd)
{
	static uint64_t stack[2 * SCRIPT_FRAME_SIZE / 8];
	struct script_attr attr = { };
	char log[256] = "";
	long ret;

	if (c == RUN || c == RUN_FD) {
		attr.args[0] = 20;
		attr.args[1] = 2;
		attr.stack = (uintptr_t)stack;
		attr.stack_size = sizeof(stack);
	}
	/*
	 * The interpreter's paths: the compiler's code memory comes from
	 * vmalloc, whose failures (the KASAN shadow's) print a stack trace
	 * the harness takes for a splat.  A compile that fails falls back
	 * to the interpreter anyway; jit_test covers that.
	 */
	if (c == RUN || c == LOAD)
		attr.flags = SCRIPT_F_INTERP;
	if (c != RUN_FD) {
		script_attr_prog(&attr, c == REJECT ? bad_prog : good_prog,
				 c == REJECT ? ARRAY_LEN(bad_prog) : ARRAY_LEN(good_prog));
		attr.log_buf = (uintptr_t)log;
		attr.log_size = sizeof(log);
		attr.log_level = SCRIPT_LOG_VERBOSE;
	}

	switch (c) {
	case RUN:
		ret = sys_script(SCRIPT_RUN, &attr, sizeof(attr));
		return ret ? -errno : attr.retval == 42 ? 0 : -EIO;
	case LOAD:
		ret = sys_script(SCRIPT_LOAD, &attr, sizeof(attr));
		if (ret < 0)
			return -errno;
		*out_fd = ret;
		return strncmp(log, "accepted: ", 10) ? -EIO : 0;
	case RUN_FD:
		attr.prog_fd = prog_fd;
		ret = sys_script(SCRIPT_RUN_FD, &attr, sizeof(attr));
		return ret ? -errno : attr.retval == 42 ? 0 : -EIO;
	case REJECT:
		ret = sys_script(SCRIPT_VERIFY, &attr, sizeof(attr));
		if (ret != -1 || errno != EINVAL)
			return ret ? -errno : -EIO;
		return strcmp(log, "insn 0: r7 is read before it is written on some path\n") ?
		       -EIO : 0;
	}
	return -EINVAL;
}

/* The lowest descriptor not in use. */
static int lowest_free_fd(void)
{
	int fd = fcntl(0, F_DUPFD, 0);

	if (fd >= 0)
		close(fd);
	return fd;
}

/*
 * Fails the first, second, ... allocation of call @c until the call no
 * longer reaches the armed one; every result must be success or ENOMEM,
 * and no descriptor may be left open.  Returns how many allocations were
 * failed.
 */
static int fail_each(struct __test_metadata *_metadata, int nth_fd,
		     enum call c, int prog_fd)
{
	int ret, fd = -1, hit, failed = 0, free_fd;
	unsigned int nth;

	/*
	 * Once unarmed: the pages the call touches are then in, so that no
	 * page fault's allocation takes the armed failure.
	 */
	ASSERT_EQ(0, call(c, prog_fd, &fd));
	if (fd >= 0)
		close(fd);
	free_fd = lowest_free_fd();
	ASSERT_LE(0, free_fd);

	for (nth = 1; nth <= MAX_NTH; nth++) {
		fd = -1;
		ASSERT_EQ(0, arm(nth_fd, nth));
		ret = call(c, prog_fd, &fd);
		hit = fired(nth_fd);
		ASSERT_LE(0, hit);
		if (fd >= 0)
			close(fd);
		EXPECT_EQ(free_fd, lowest_free_fd()) TH_LOG("call %d, nth %u", c, nth);
		if (!hit) {
			/* Past the call's last allocation: it must just work. */
			EXPECT_EQ(0, ret) TH_LOG("call %d, nth %u", c, nth);
			TH_LOG("call %d: %d allocations failed in turn", c, failed);
			return failed;
		}
		failed++;
		if (ret)
			EXPECT_EQ(-ENOMEM, ret) TH_LOG("call %d, nth %u", c, nth);
	}
	TH_LOG("call %d makes more than %d allocations", c, MAX_NTH);
	EXPECT_TRUE(0);
	return failed;
}

TEST_F(failslab, run)
{
	EXPECT_LT(0, fail_each(_metadata, self->nth_fd, RUN, -1));
}

TEST_F(failslab, load)
{
	EXPECT_LT(0, fail_each(_metadata, self->nth_fd, LOAD, -1));
}

/* A run of a loaded program allocates nothing: its state is on the stack. */
TEST_F(failslab, run_fd)
{
	int fd = -1;

	ASSERT_EQ(0, call(LOAD, -1, &fd));
	EXPECT_EQ(0, fail_each(_metadata, self->nth_fd, RUN_FD, fd));
	close(fd);
}

TEST_F(failslab, rejected_program)
{
	EXPECT_LT(0, fail_each(_metadata, self->nth_fd, REJECT, -1));
}

#define OPS_FILE	"/tmp/fault_test.ops"

/*
 * openat, write, close, socket, close, epoll_create1, close: 0, or the
 * first error, with whatever was opened closed.  r1 path, r2 buffer.
 */
static const struct script_insn ops_prog[] = {
	MOV64_REG(7, 1), MOV64_REG(8, 2),
	MOV64_IMM(1, AT_FDCWD), MOV64_REG(2, 7),
	MOV64_IMM(3, O_RDWR | O_CREAT | O_TRUNC), MOV64_IMM(4, 0600),
	CALL_OP(SCRIPT_OP_OPENAT),
	JMP_IMM(SCRIPT_JSLT, 0, 0, 23),				/* 7: to out */
	MOV64_REG(6, 0),
	MOV64_REG(1, 6), MOV64_REG(2, 8), MOV64_IMM(3, 5),
	CALL_OP(SCRIPT_OP_WRITE),
	MOV64_REG(9, 0),
	MOV64_REG(1, 6), CALL_OP(SCRIPT_OP_CLOSE),
	MOV64_REG(0, 9),
	JMP_IMM(SCRIPT_JSLT, 0, 0, 13),				/* 17 */
	MOV64_IMM(1, AF_UNIX), MOV64_IMM(2, SOCK_STREAM), MOV64_IMM(3, 0),
	CALL_OP(SCRIPT_OP_SOCKET),
	JMP_IMM(SCRIPT_JSLT, 0, 0, 8),				/* 22 */
	MOV64_REG(1, 0), CALL_OP(SCRIPT_OP_CLOSE),
	MOV64_IMM(1, 0), CALL_OP(SCRIPT_OP_EPOLL_CREATE1),
	JMP_IMM(SCRIPT_JSLT, 0, 0, 3),				/* 27 */
	MOV64_REG(1, 0), CALL_OP(SCRIPT_OP_CLOSE),
	MOV64_IMM(0, 0),
	EXIT,							/* 31: out */
};

/* The same calls as plain system calls. */
static long ops_native(const char *path, const char *buf)
{
	long fd, n;

	fd = openat(AT_FDCWD, path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return -errno;
	n = write(fd, buf, 5);
	if (n < 0)
		n = -errno;
	close(fd);
	if (n < 0)
		return n;
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0)
		return -errno;
	close(fd);
	fd = epoll_create1(0);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/*
 * The ops' allocations, each failed in turn, fail them exactly as they
 * fail the system calls: a run by fd allocates nothing of its own, so the
 * nth allocation of the run is the nth of the same calls made directly.
 */
TEST_F(failslab, ops_fail_as_the_system_calls)
{
	static const char buf[] = "hello";
	struct script_attr attr = { };
	int prog_fd, free_fd, hit_op, hit_sys, failed = 0;
	long op, sys;
	unsigned int nth;

	script_attr_prog(&attr, ops_prog, ARRAY_LEN(ops_prog));
	prog_fd = sys_script(SCRIPT_LOAD, &attr, sizeof(attr));
	ASSERT_LE(0, prog_fd);
	memset(&attr, 0, sizeof(attr));
	attr.prog_fd = prog_fd;
	attr.args[0] = (uintptr_t)OPS_FILE;
	attr.args[1] = (uintptr_t)buf;

	/* Once each unarmed, so that the pages they touch are in. */
	ASSERT_EQ(0, sys_script(SCRIPT_RUN_FD, &attr, sizeof(attr)));
	ASSERT_EQ(0, attr.retval);
	ASSERT_EQ(0, ops_native(OPS_FILE, buf));
	free_fd = lowest_free_fd();

	for (nth = 1; nth <= MAX_NTH; nth++) {
		ASSERT_EQ(0, arm(self->nth_fd, nth));
		op = sys_script(SCRIPT_RUN_FD, &attr, sizeof(attr)) ? -errno :
		     (long)attr.retval;
		hit_op = fired(self->nth_fd);
		EXPECT_EQ(free_fd, lowest_free_fd()) TH_LOG("nth %u", nth);

		ASSERT_EQ(0, arm(self->nth_fd, nth));
		sys = ops_native(OPS_FILE, buf);
		hit_sys = fired(self->nth_fd);
		EXPECT_EQ(free_fd, lowest_free_fd()) TH_LOG("nth %u", nth);

		EXPECT_EQ(hit_sys, hit_op) TH_LOG("nth %u", nth);
		EXPECT_EQ(sys, op) TH_LOG("nth %u", nth);
		if (!hit_op && !hit_sys)
			break;
		failed++;
	}
	TH_LOG("%d allocations failed in turn", failed);
	EXPECT_LT(3, failed);
	EXPECT_GE(MAX_NTH, nth);
	unlink(OPS_FILE);
	close(prog_fd);
}

/*
 * The text ops: split_header takes its state from the run's scratch
 * buffer, allocated on the first op of a run that needs it, and fails
 * with -ENOMEM when it cannot be (the run itself goes on: the error is
 * the op's result); format and memcspn allocate nothing.
 */
TEST_F(failslab, text_ops)
{
	static const char req[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	static const char names[] = "host";
	static const struct script_insn prog[] = { CALL_OP(SCRIPT_OP_UNSPEC), EXIT };
	struct script_field fields[2];
	struct script_split_header h = {
		.fields = (uintptr_t)fields, .max_fields = 2,
		.names = (uintptr_t)names, .names_len = sizeof(names),
	};
	__u64 vals[] = { 42 };
	char out[8];
	const struct {
		int id;
		__u64 args[5];
		long ok;
		int allocs;
	} runs[] = {
		{ SCRIPT_OP_SPLIT_HEADER, { (uintptr_t)req, sizeof(req) - 1, (uintptr_t)&h },
		  sizeof(req) - 1, 1 },
		{ SCRIPT_OP_FORMAT, { (uintptr_t)out, sizeof(out), (uintptr_t)"<%u>", 4,
				      (uintptr_t)vals }, 4, 0 },
		{ SCRIPT_OP_MEMCSPN, { (uintptr_t)req, sizeof(req) - 1, (uintptr_t)":", 1 },
		  20, 0 },
	};
	struct script_insn insns[ARRAY_LEN(prog)];
	struct script_attr attr = { };
	unsigned int i, nth;
	int prog_fd, hit;

	for (i = 0; i < ARRAY_LEN(runs); i++) {
		memcpy(insns, prog, sizeof(prog));
		insns[0].imm = runs[i].id;
		memset(&attr, 0, sizeof(attr));
		script_attr_prog(&attr, insns, ARRAY_LEN(insns));
		prog_fd = sys_script(SCRIPT_LOAD, &attr, sizeof(attr));
		ASSERT_LE(0, prog_fd);
		memset(&attr, 0, sizeof(attr));
		attr.prog_fd = prog_fd;
		memcpy(attr.args, runs[i].args, sizeof(attr.args));
		ASSERT_EQ(0, sys_script(SCRIPT_RUN_FD, &attr, sizeof(attr)));
		EXPECT_EQ(runs[i].ok, (long)attr.retval) TH_LOG("op %d", runs[i].id);
		for (nth = 1; nth <= 3; nth++) {
			ASSERT_EQ(0, arm(self->nth_fd, nth));
			ASSERT_EQ(0, sys_script(SCRIPT_RUN_FD, &attr, sizeof(attr)));
			hit = fired(self->nth_fd);
			if (nth <= runs[i].allocs) {
				/* The op's own allocation: it fails the op */
				EXPECT_EQ(1, hit)
					TH_LOG("op %d nth %u", runs[i].id, nth);
				EXPECT_EQ(-ENOMEM, (long)attr.retval)
					TH_LOG("op %d nth %u", runs[i].id, nth);
				continue;
			}
			/*
			 * Past them there is none of the op's, but the
			 * kernel may make one whose failure it tolerates
			 * (kmemleak's record of the op's): the op succeeds.
			 * An op that allocates nothing makes none at all.
			 */
			if (!runs[i].allocs)
				EXPECT_EQ(0, hit)
					TH_LOG("op %d nth %u", runs[i].id, nth);
			EXPECT_EQ(runs[i].ok, (long)attr.retval)
				TH_LOG("op %d nth %u", runs[i].id, nth);
		}
		close(prog_fd);
	}
}

TEST_HARNESS_MAIN
