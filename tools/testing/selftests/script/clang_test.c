// SPDX-License-Identifier: GPL-2.0
/*
 * The encoding is eBPF's, so a C function compiled by clang -target bpf
 * runs under script(2) as is, its subprograms included.  prog.bpf.c is
 * compiled twice: for the BPF target into prog.bpf.bin (its .text), and
 * natively into this test; the two must agree.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>

#include "../kselftest_harness.h"
#include "script_util.h"

#include "prog.bpf.c"

FIXTURE(clang) {
	struct script_insn insns[512];
	unsigned int n;
};

FIXTURE_SETUP(clang)
{
	ssize_t size;
	int fd;

	fd = open("prog.bpf.bin", O_RDONLY);
	ASSERT_LE(0, fd) TH_LOG("prog.bpf.bin: %s", strerror(errno));
	size = read(fd, self->insns, sizeof(self->insns));
	close(fd);
	ASSERT_LT(0, size);
	ASSERT_EQ(0, size % sizeof(struct script_insn));
	self->n = size / sizeof(struct script_insn);
}

FIXTURE_TEARDOWN(clang)
{
}

static uint64_t run_upper_sum(struct __test_metadata *_metadata,
			      struct _test_data_clang *self, const void *buf,
			      unsigned long len)
{
	struct script_attr attr = { .args = { (uintptr_t)buf, len } };
	char log[512] = "";

	attr.log_buf = (uintptr_t)log;
	attr.log_size = sizeof(log);
	attr.log_level = SCRIPT_LOG_ERROR;
	script_attr_stack(&attr);
	EXPECT_EQ(0, script_run(&attr, self->insns, self->n)) TH_LOG("%s", log);
	return attr.retval;
}

TEST_F(clang, matches_native)
{
	static const char *const inputs[] = {
		"", "a", "Hello, script(2)!", "abcdefghijklmnopqrstuvwxyz",
		"GET /index.html HTTP/1.1\r\nHost: localhost\r\n\r\n",
	};
	unsigned char big[1000];
	unsigned int i;

	for (i = 0; i < ARRAY_LEN(inputs); i++)
		EXPECT_EQ(upper_sum((const unsigned char *)inputs[i], strlen(inputs[i])),
			  run_upper_sum(_metadata, self, inputs[i], strlen(inputs[i])))
			TH_LOG("input %u", i);
	for (i = 0; i < sizeof(big); i++)
		big[i] = 'a' + i % 40;
	EXPECT_EQ(upper_sum(big, sizeof(big)), run_upper_sum(_metadata, self, big, sizeof(big)));
}

/* The program uses the stack through r10: without one it cannot run. */
TEST_F(clang, needs_its_stack)
{
	struct script_attr attr = { .args = { (uintptr_t)"x", 1 } };

	EXPECT_EQ(-EFAULT, script_run(&attr, self->insns, self->n));
}

/* Its loads are checked: a bad buffer faults at a load. */
TEST_F(clang, bad_buffer_faults)
{
	struct script_attr attr = { .args = { 16, 4 } };

	script_attr_stack(&attr);
	EXPECT_EQ(-EFAULT, script_run(&attr, self->insns, self->n));
	EXPECT_EQ(SCRIPT_LDX | SCRIPT_MEM | SCRIPT_B, self->insns[attr.pc].code);
}

/*
 * add_to() stays a subprogram: the call needs a second frame, so one
 * frame of stack is too little, with pc at the call.
 */
TEST_F(clang, calls_a_void_subprogram)
{
	struct script_attr attr = { .args = { (uintptr_t)"abc", 3 } };
	unsigned int i, calls = 0;

	for (i = 0; i < self->n; i++)
		if (self->insns[i].code == (SCRIPT_JMP | SCRIPT_CALL) &&
		    self->insns[i].src_reg == SCRIPT_PSEUDO_CALL)
			calls++;
	EXPECT_LT(0, calls);

	attr.stack = (uintptr_t)script_stack;
	attr.stack_size = SCRIPT_FRAME_SIZE;
	EXPECT_EQ(-ENOSPC, script_run(&attr, self->insns, self->n));
	EXPECT_EQ(SCRIPT_PSEUDO_CALL, (int)self->insns[attr.pc].src_reg);
}

TEST_HARNESS_MAIN
