// SPDX-License-Identifier: GPL-2.0
/*
 * script(2)'s argument struct: the syscall number, and every rule of the
 * extensible struct, checked side by side with openat2(2) where openat2
 * has the same rule.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <linux/openat2.h>

#include "../kselftest_harness.h"
#include "script_util.h"

#define OPEN_HOW_SIZE_VER0 24	/* first published struct open_how */

#ifndef SYS_openat2
#define SYS_openat2 437
#endif

static const struct script_insn ok_prog[] = { MOV64_IMM(0, 42), EXIT };

/* -errno of openat2(AT_FDCWD, "/", how, size), closing a returned fd. */
static int openat2_err(void *how, size_t size)
{
	long fd = syscall(SYS_openat2, AT_FDCWD, "/", how, size);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/* -errno of script(SCRIPT_VERIFY, attr, size), or its return value. */
static int verify_err(void *attr, size_t size)
{
	long ret = sys_script(SCRIPT_VERIFY, attr, size);

	return ret < 0 ? -errno : ret;
}

static void valid_attr(struct script_attr *attr)
{
	memset(attr, 0, sizeof(*attr));
	script_attr_prog(attr, ok_prog, ARRAY_LEN(ok_prog));
}

static void valid_how(struct open_how *how)
{
	memset(how, 0, sizeof(*how));
	how->flags = O_RDONLY | O_DIRECTORY;
}

TEST(number_is_463)
{
	struct script_attr attr;
	int err;

	ASSERT_EQ(463, __NR_script);
	valid_attr(&attr);
	ASSERT_EQ(0, sys_script(SCRIPT_VERIFY, &attr, sizeof(attr)));
	/* 464 is past the end of the table: as unknown as any number. */
	ASSERT_EQ(-1, syscall(100000, 0, 0, 0));
	err = errno;
	ASSERT_EQ(-1, syscall(__NR_script + 1, 0, 0, 0));
	ASSERT_EQ(err, errno);
}

TEST(struct_sizes)
{
	ASSERT_EQ(8, sizeof(struct script_insn));
	ASSERT_EQ(SCRIPT_ATTR_SIZE_VER1, sizeof(struct script_attr));
	ASSERT_EQ(SCRIPT_STATE_SIZE_VER0, sizeof(struct script_state));
}

TEST(size_below_ver0_is_einval)
{
	struct script_attr attr;
	struct open_how how;
	size_t d;

	for (d = 1; d <= 8; d += 7) {
		valid_attr(&attr);
		valid_how(&how);
		EXPECT_EQ(-EINVAL, openat2_err(&how, OPEN_HOW_SIZE_VER0 - d));
		EXPECT_EQ(-EINVAL, verify_err(&attr, SCRIPT_ATTR_SIZE_VER0 - d));
	}
	EXPECT_EQ(-EINVAL, openat2_err(&how, 0));
	EXPECT_EQ(-EINVAL, verify_err(&attr, 0));
}

TEST(larger_with_zero_tail_is_accepted)
{
	struct { struct script_attr attr; uint64_t tail[4]; } big = { };
	struct { struct open_how how; uint64_t tail[4]; } bhow = { };

	valid_attr(&big.attr);
	valid_how(&bhow.how);
	EXPECT_EQ(0, openat2_err(&bhow, sizeof(bhow)));
	EXPECT_EQ(0, verify_err(&big, sizeof(big)));
}

TEST(larger_with_nonzero_tail_is_e2big)
{
	struct { struct script_attr attr; uint64_t tail[4]; } big = { };
	struct { struct open_how how; uint64_t tail[4]; } bhow = { };

	valid_attr(&big.attr);
	valid_how(&bhow.how);
	big.tail[3] = 1;
	bhow.tail[3] = 1;
	EXPECT_EQ(-E2BIG, openat2_err(&bhow, sizeof(bhow)));
	EXPECT_EQ(-E2BIG, verify_err(&big, sizeof(big)));
}

/* Up to a page is accepted with a zero tail; beyond it, never. */
TEST(page_is_the_limit)
{
	size_t page = getpagesize();
	char *buf = calloc(1, 2 * page);

	ASSERT_NE(NULL, buf);
	valid_attr((struct script_attr *)buf);
	EXPECT_EQ(0, verify_err(buf, page));
	buf[page - 1] = 1;
	EXPECT_EQ(-E2BIG, verify_err(buf, page));
	buf[page - 1] = 0;
	EXPECT_EQ(-E2BIG, verify_err(buf, page + 8));

	memset(buf, 0, 2 * page);
	valid_how((struct open_how *)buf);
	EXPECT_EQ(0, openat2_err(buf, page));
	buf[page - 1] = 1;
	EXPECT_EQ(-E2BIG, openat2_err(buf, page));
	buf[page - 1] = 0;
	EXPECT_EQ(-E2BIG, openat2_err(buf, page + 8));
	free(buf);
}

TEST(bad_pointer_is_efault)
{
	long page = getpagesize();
	char *map;

	EXPECT_EQ(-EFAULT, openat2_err(NULL, sizeof(struct open_how)));
	EXPECT_EQ(-EFAULT, verify_err(NULL, sizeof(struct script_attr)));
	EXPECT_EQ(-EFAULT, openat2_err((void *)1, sizeof(struct open_how)));
	EXPECT_EQ(-EFAULT, verify_err((void *)1, sizeof(struct script_attr)));

	/* The struct runs into an unmapped page. */
	map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, map);
	ASSERT_EQ(0, munmap(map + page, page));
	EXPECT_EQ(-EFAULT, openat2_err(map + page - 8, sizeof(struct open_how)));
	EXPECT_EQ(-EFAULT, verify_err(map + page - 8, sizeof(struct script_attr)));
	munmap(map, page);
}

TEST(unknown_flags_are_einval)
{
	struct script_attr attr;
	struct open_how how;
	int bit;

	for (bit = 0; bit < 64; bit += 21) {
		valid_attr(&attr);
		attr.flags = 1ULL << bit;
		EXPECT_EQ(-EINVAL, verify_err(&attr, sizeof(attr)));
	}
	valid_how(&how);
	how.flags |= 1ULL << 60;
	EXPECT_EQ(-EINVAL, openat2_err(&how, sizeof(how)));
	valid_attr(&attr);
	attr.flags = 1ULL << 60;
	EXPECT_EQ(-EINVAL, verify_err(&attr, sizeof(attr)));
}

TEST(unknown_cmd_is_einval)
{
	struct script_attr attr;
	unsigned int cmd;

	valid_attr(&attr);
	for (cmd = SCRIPT_PROBE + 1; cmd < SCRIPT_PROBE + 3; cmd++) {
		EXPECT_EQ(-1, sys_script(cmd, &attr, sizeof(attr)));
		EXPECT_EQ(EINVAL, errno);
	}
	EXPECT_EQ(-1, sys_script(~0U, &attr, sizeof(attr)));
	EXPECT_EQ(EINVAL, errno);
}

/* Output fields are not input: garbage there is ignored. */
TEST(out_fields_ignored_on_input)
{
	struct script_attr attr;

	valid_attr(&attr);
	attr.retval = ~0ULL;
	attr.steps = ~0ULL;
	attr.pc = ~0U;
	attr.log_true_size = ~0U;
	EXPECT_EQ(0, verify_err(&attr, sizeof(attr)));
	EXPECT_EQ(0, attr.pc);
}

/* Each command refuses the input fields it does not take. */
TEST(unused_fields_must_be_zero)
{
	static const unsigned int cmds[] = { SCRIPT_VERIFY, SCRIPT_LOAD };
	struct script_attr attr;
	unsigned int i;
	int f;

	for (i = 0; i < ARRAY_LEN(cmds); i++) {
		for (f = 0; f < 7; f++) {
			valid_attr(&attr);
			switch (f) {
			case 0:
				attr.args[4] = 1;
				break;
			case 5:
				attr.state = (uintptr_t)&attr;
				break;
			case 6:
				attr.state_size = sizeof(struct script_state);
				break;
			case 1:
				attr.stack = 4096;
				break;
			case 2:
				attr.stack_size = 4096;
				break;
			case 3:
				attr.max_steps = 1;
				break;
			case 4:
				attr.prog_fd = 1;
				break;
			}
			EXPECT_EQ(-1, sys_script(cmds[i], &attr, sizeof(attr)));
			EXPECT_EQ(EINVAL, errno) TH_LOG("cmd %u field %d", cmds[i], f);
		}
	}

	valid_attr(&attr);
	attr.prog_fd = 1;
	EXPECT_EQ(-EINVAL, script_run(&attr, ok_prog, ARRAY_LEN(ok_prog)));

	for (f = 0; f < 5; f++) {
		char log[256];

		memset(&attr, 0, sizeof(attr));
		switch (f) {
		case 0:
			attr.insns = (uintptr_t)ok_prog;
			break;
		case 1:
			attr.insn_cnt = 2;
			break;
		case 2:
			attr.log_buf = (uintptr_t)log;
			break;
		case 3:
			attr.log_size = sizeof(log);
			break;
		case 4:
			attr.log_level = SCRIPT_LOG_ERROR;
			break;
		}
		EXPECT_EQ(-1, sys_script(SCRIPT_RUN_FD, &attr, sizeof(attr)));
		EXPECT_EQ(EINVAL, errno) TH_LOG("run_fd field %d", f);
	}
}

/* A state area is all or nothing, at least the first published size. */
TEST(state_rules)
{
	struct script_state st = { };
	struct script_attr attr;

	valid_attr(&attr);
	attr.state = (uintptr_t)&st;
	EXPECT_EQ(-EINVAL, script_run(&attr, ok_prog, ARRAY_LEN(ok_prog)));

	valid_attr(&attr);
	attr.state_size = sizeof(st);
	EXPECT_EQ(-EINVAL, script_run(&attr, ok_prog, ARRAY_LEN(ok_prog)));

	valid_attr(&attr);
	attr.state = (uintptr_t)&st;
	attr.state_size = SCRIPT_STATE_SIZE_VER0 - 8;
	EXPECT_EQ(-EINVAL, script_run(&attr, ok_prog, ARRAY_LEN(ok_prog)));

	valid_attr(&attr);
	attr.__pad = 1;
	EXPECT_EQ(-EINVAL, script_run(&attr, ok_prog, ARRAY_LEN(ok_prog)));

	/* A larger area than the kernel knows is fine: it uses its part. */
	valid_attr(&attr);
	attr.state = (uintptr_t)&st;
	attr.state_size = sizeof(st) + 64;
	EXPECT_EQ(0, script_run(&attr, ok_prog, ARRAY_LEN(ok_prog)));
	EXPECT_EQ(SCRIPT_STATE_NONE, st.status);

	/* Unreadable: the run cannot know whether one is parked there. */
	valid_attr(&attr);
	attr.state = 8;
	attr.state_size = sizeof(st);
	EXPECT_EQ(-EFAULT, script_run(&attr, ok_prog, ARRAY_LEN(ok_prog)));
}

TEST(log_rules)
{
	struct script_attr attr;
	char log[256];
	int rule;

	for (rule = 0; rule < 6; rule++) {
		valid_attr(&attr);
		attr.log_buf = (uintptr_t)log;
		attr.log_size = sizeof(log);
		attr.log_level = SCRIPT_LOG_ERROR;
		switch (rule) {
		case 0: /* level, no buf */
			attr.log_buf = 0;
			break;
		case 1: /* buf, no level */
			attr.log_level = 0;
			break;
		case 2:
			attr.log_size = SCRIPT_LOG_SIZE_MIN - 1;
			break;
		case 3:
			attr.log_size = SCRIPT_LOG_SIZE_MAX + 1;
			break;
		case 4:
			attr.log_level = SCRIPT_LOG_VERBOSE + 1;
			break;
		case 5: /* size only */
			attr.log_buf = 0;
			attr.log_level = 0;
			break;
		}
		EXPECT_EQ(-EINVAL, verify_err(&attr, sizeof(attr))) TH_LOG("rule %d", rule);
	}
	/* The smallest log is fine; an unwritable one faults once it is written. */
	valid_attr(&attr);
	attr.log_buf = (uintptr_t)log;
	attr.log_size = SCRIPT_LOG_SIZE_MIN;
	attr.log_level = SCRIPT_LOG_ERROR;
	EXPECT_EQ(0, verify_err(&attr, sizeof(attr)));
	attr.log_buf = 1;
	EXPECT_EQ(-EFAULT, verify_err(&attr, sizeof(attr)));
}

TEST(stack_rules)
{
	static uint64_t stack[SCRIPT_STACK_MIN / 4];
	struct script_attr attr;
	int rule;

	for (rule = 0; rule < 6; rule++) {
		memset(&attr, 0, sizeof(attr));
		attr.stack = (uintptr_t)stack;
		attr.stack_size = SCRIPT_STACK_MIN;
		switch (rule) {
		case 0: /* unaligned */
			attr.stack += 4;
			break;
		case 1: /* not 8n */
			attr.stack_size += 4;
			break;
		case 2:
			attr.stack_size = SCRIPT_STACK_MIN - 8;
			break;
		case 3:
			attr.stack_size = SCRIPT_STACK_MAX + 8;
			break;
		case 4: /* stack, no size */
			attr.stack_size = 0;
			break;
		case 5: /* size, no stack */
			attr.stack = 0;
			break;
		}
		EXPECT_EQ(-EINVAL, script_run(&attr, ok_prog, ARRAY_LEN(ok_prog)))
			TH_LOG("rule %d", rule);
	}
	/* No stack at all, and the documented extremes, are fine. */
	memset(&attr, 0, sizeof(attr));
	EXPECT_EQ(0, script_run(&attr, ok_prog, ARRAY_LEN(ok_prog)));
	EXPECT_EQ(42, attr.retval);
	memset(&attr, 0, sizeof(attr));
	attr.stack = (uintptr_t)stack;
	attr.stack_size = SCRIPT_STACK_MIN;
	EXPECT_EQ(0, script_run(&attr, ok_prog, ARRAY_LEN(ok_prog)));
	attr.stack_size = SCRIPT_STACK_MAX;
	EXPECT_EQ(0, script_run(&attr, ok_prog, ARRAY_LEN(ok_prog)));
}

TEST(bad_insns_pointer_is_efault)
{
	struct script_attr attr = { .insns = 8, .insn_cnt = 2 };

	EXPECT_EQ(-EFAULT, verify_err(&attr, sizeof(attr)));
}

TEST_HARNESS_MAIN
