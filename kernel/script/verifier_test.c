// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the script(2) verifier: one case per rejection reason,
 * each checked for its errno, the instruction it names and its exact log
 * line, and the accepted forms of every instruction class.
 */

#include <kunit/test.h>
#include <linux/slab.h>

#include "script_test.h"

#define MAX_TEST_INSNS	32

struct verifier_case {
	const char *name;
	struct script_insn insns[MAX_TEST_INSNS];	/* up to the last non-zero one */
	int err;
	u32 pc;
	const char *log;
};

static const struct verifier_case verifier_cases[] = {
	/* Accepted forms */
	{ "exit r1", { MOV64_REG(0, 1), EXIT } },
	{ "alu64 and alu32, K and X",
	  { MOV64_IMM(0, 1), ALU64_IMM(SCRIPT_ADD, 0, 2), ALU64_REG(SCRIPT_SUB, 0, 1),
	    ALU32_IMM(SCRIPT_MUL, 0, 3), ALU32_REG(SCRIPT_OR, 0, 2),
	    ALU64_IMM(SCRIPT_LSH, 0, 63), ALU32_IMM(SCRIPT_ARSH, 0, 31),
	    ALU64_REG(SCRIPT_DIV, 0, 2), ALU64_IMM(SCRIPT_MOD, 0, 7),
	    I(SCRIPT_ALU64 | SCRIPT_DIV | SCRIPT_K, 0, 0, 1, -3),
	    I(SCRIPT_ALU | SCRIPT_MOD | SCRIPT_X, 0, 1, 1, 0),
	    I(SCRIPT_ALU64 | SCRIPT_NEG, 0, 0, 0, 0),
	    I(SCRIPT_ALU64 | SCRIPT_MOV | SCRIPT_X, 0, 1, 32, 0),
	    I(SCRIPT_ALU | SCRIPT_MOV | SCRIPT_X, 0, 1, 16, 0),
	    I(SCRIPT_ALU | SCRIPT_END | SCRIPT_TO_BE, 0, 0, 0, 64),
	    I(SCRIPT_ALU64 | SCRIPT_END | SCRIPT_TO_LE, 0, 0, 0, 16),
	    EXIT } },
	{ "jumps of every kind",
	  { MOV64_IMM(0, 0), JMP_IMM(SCRIPT_JEQ, 1, 0, 1), JMP_REG(SCRIPT_JSGT, 1, 2, 0),
	    I(SCRIPT_JMP32 | SCRIPT_JSET | SCRIPT_K, 1, 0, 0, 8),
	    I(SCRIPT_JMP32 | SCRIPT_JA, 0, 0, 0, 1), ALU64_IMM(SCRIPT_ADD, 0, 1),
	    EXIT } },
	{ "loop", { MOV64_IMM(0, 0), ALU64_IMM(SCRIPT_ADD, 0, 1),
		    JMP_IMM(SCRIPT_JLT, 0, 10, -2), EXIT } },
	{ "ld_imm64 and memory",
	  { LD_IMM64(0, 1), LD_IMM64_HI(2), STX(SCRIPT_DW, 10, 0, -8), LDX(SCRIPT_W, 2, 10, -8),
	    I(SCRIPT_LDX | SCRIPT_MEMSX | SCRIPT_H, 3, 1, 0, 0),
	    I(SCRIPT_ST | SCRIPT_MEM | SCRIPT_B, 1, 0, 3, 9), EXIT } },
	{ "op call",
	  { CALL_OP(SCRIPT_OP_MEMCPY), EXIT } },
	{ "subprogram",
	  { MOV64_IMM(6, 1), CALL_REL(1), EXIT, MOV64_REG(0, 1), EXIT } },
	{ "calls nested 8 deep",
	  { CALL_REL(1), EXIT, CALL_REL(1), EXIT, CALL_REL(1), EXIT,
	    CALL_REL(1), EXIT, CALL_REL(1), EXIT, CALL_REL(1), EXIT,
	    CALL_REL(1), EXIT, CALL_REL(1), EXIT, MOV64_IMM(0, 0), EXIT } },
	{ "subprogram arguments pass through a subprogram",
	  { MOV64_IMM(2, 1), CALL_REL(1), EXIT, CALL_REL(1), EXIT, MOV64_REG(0, 2), EXIT } },
	{ "void subprogram", { CALL_REL(2), MOV64_IMM(0, 1), EXIT, MOV64_IMM(2, 3), EXIT } },
	{ "unreachable code is not run through the dataflow",
	  { MOV64_IMM(0, 0), EXIT, MOV64_REG(0, 7), EXIT } },

	/* Rejections */
	{ "empty program", { }, -EINVAL, 0,
	  "insn 0: program has no instructions\n" },
	{ "register 11", { MOV64_REG(0, 1), I(SCRIPT_ALU64 | SCRIPT_MOV | SCRIPT_X, 0, 11, 0, 0),
			   EXIT },
	  -EINVAL, 1, "insn 1: register r11 does not exist\n" },
	{ "unknown opcode", { MOV64_IMM(0, 0), I(0x30, 0, 0, 0, 0), EXIT },
	  -EINVAL, 1, "insn 1: unknown opcode 0x30\n" },
	{ "atomic add", { MOV64_IMM(0, 0), I(SCRIPT_STX | 0xc0 | SCRIPT_DW, 10, 0, -8, 0), EXIT },
	  -EINVAL, 1, "insn 1: unknown opcode 0xdb\n" },
	{ "kfunc call", { I(SCRIPT_JMP | SCRIPT_CALL, 0, 2, 0, 1), EXIT },
	  -EINVAL, 0, "insn 0: call with src_reg 2 is not supported\n" },
	{ "ld_imm64 of a map",
	  { I(SCRIPT_LD | SCRIPT_IMM | SCRIPT_DW, 0, 1, 0, 0), I(0, 0, 0, 0, 0), EXIT },
	  -EINVAL, 0, "insn 0: ld_imm64 with src_reg 1 is not supported\n" },
	{ "src_reg in a K-form ALU", { I(SCRIPT_ALU64 | SCRIPT_ADD | SCRIPT_K, 1, 2, 0, 1),
				       MOV64_IMM(0, 0), EXIT },
	  -EINVAL, 0, "insn 0: reserved field src_reg is not zero\n" },
	{ "imm in an X-form ALU", { I(SCRIPT_ALU64 | SCRIPT_ADD | SCRIPT_X, 1, 2, 0, 1),
				    MOV64_IMM(0, 0), EXIT },
	  -EINVAL, 0, "insn 0: reserved field imm is not zero\n" },
	{ "off in ADD", { I(SCRIPT_ALU64 | SCRIPT_ADD | SCRIPT_X, 1, 2, 1, 0), MOV64_IMM(0, 0),
			  EXIT },
	  -EINVAL, 0, "insn 0: reserved field off is not zero\n" },
	{ "movsx32 from 32 bits", { I(SCRIPT_ALU | SCRIPT_MOV | SCRIPT_X, 0, 1, 32, 0), EXIT },
	  -EINVAL, 0, "insn 0: reserved field off is not zero\n" },
	{ "exit with imm", { MOV64_IMM(0, 0), I(SCRIPT_JMP | SCRIPT_EXIT, 0, 0, 0, 1) },
	  -EINVAL, 1, "insn 1: reserved fields of exit are not zero\n" },
	{ "write to r10", { ALU64_IMM(SCRIPT_ADD, 10, 8), MOV64_IMM(0, 0), EXIT },
	  -EINVAL, 0, "insn 0: r10 is read-only\n" },
	{ "load into r10", { LDX(SCRIPT_DW, 10, 1, 0), MOV64_IMM(0, 0), EXIT },
	  -EINVAL, 0, "insn 0: r10 is read-only\n" },
	{ "division by constant zero", { MOV64_IMM(0, 1), ALU64_IMM(SCRIPT_DIV, 0, 0), EXIT },
	  -EINVAL, 1, "insn 1: division by zero\n" },
	{ "modulo by constant zero", { MOV64_IMM(0, 1), ALU32_IMM(SCRIPT_MOD, 0, 0), EXIT },
	  -EINVAL, 1, "insn 1: division by zero\n" },
	{ "shift by 64", { MOV64_IMM(0, 1), ALU64_IMM(SCRIPT_LSH, 0, 64), EXIT },
	  -EINVAL, 1, "insn 1: shift by 64 out of range for 64 bits\n" },
	{ "shift32 by 32", { MOV64_IMM(0, 1), ALU32_IMM(SCRIPT_RSH, 0, 32), EXIT },
	  -EINVAL, 1, "insn 1: shift by 32 out of range for 32 bits\n" },
	{ "negative shift", { MOV64_IMM(0, 1), ALU64_IMM(SCRIPT_ARSH, 0, -1), EXIT },
	  -EINVAL, 1, "insn 1: shift by -1 out of range for 64 bits\n" },
	{ "byte swap of 8 bits", { MOV64_IMM(0, 1),
				   I(SCRIPT_ALU | SCRIPT_END | SCRIPT_TO_BE, 0, 0, 0, 8), EXIT },
	  -EINVAL, 1, "insn 1: byte swap of 8 bits\n" },
	{ "ld_imm64 cut short", { MOV64_IMM(0, 0), EXIT, I(SCRIPT_LD | SCRIPT_IMM | SCRIPT_DW,
							  0, 0, 0, 0) },
	  -EINVAL, 2, "insn 2: ld_imm64 has no second slot\n" },
	{ "ld_imm64 second slot with a code", { I(SCRIPT_LD | SCRIPT_IMM | SCRIPT_DW, 0, 0, 0, 0),
						I(SCRIPT_ALU64, 0, 0, 0, 0), EXIT },
	  -EINVAL, 1, "insn 1: ld_imm64 second slot is not zero but its imm\n" },
	{ "unknown op", { CALL_OP(1000), EXIT },
	  -EINVAL, 0, "insn 0: unknown op 1000\n" },
	{ "op 0 is no op", { CALL_OP(SCRIPT_OP_UNSPEC), EXIT },
	  -EINVAL, 0, "insn 0: unknown op 0\n" },
	{ "call outside", { CALL_REL(5), EXIT }, -EINVAL, 0,
	  "insn 0: call to 6 is outside the program\n" },
	{ "call into ld_imm64",
	  { CALL_REL(2), EXIT, LD_IMM64(0, 0), LD_IMM64_HI(0), EXIT }, -EINVAL, 0,
	  "insn 0: call to 3 lands inside ld_imm64\n" },
	{ "call into the middle of code", { MOV64_IMM(0, 0), CALL_REL(1), MOV64_IMM(0, 1),
					    MOV64_IMM(0, 2), EXIT },
	  -EINVAL, 1,
	  "insn 1: call to 3 is not a subprogram start: insn 2 falls into it\n" },
	{ "jump outside", { MOV64_IMM(0, 0), JMP_IMM(SCRIPT_JEQ, 1, 0, 5), EXIT }, -EINVAL, 1,
	  "insn 1: jump to 7 is outside the program\n" },
	{ "jump backwards outside", { JA(-2), EXIT }, -EINVAL, 0,
	  "insn 0: jump to -1 is outside the program\n" },
	{ "jump into ld_imm64", { JA(1), LD_IMM64(0, 0), LD_IMM64_HI(0), EXIT }, -EINVAL, 0,
	  "insn 0: jump to 2 lands inside ld_imm64\n" },
	{ "jump into another subprogram",
	  { CALL_REL(2), JA(2), EXIT, MOV64_IMM(0, 0), EXIT },
	  -EINVAL, 1, "insn 1: jump to 4 leaves the subprogram\n" },
	{ "falls off the end", { MOV64_IMM(0, 0) }, -EINVAL, 0,
	  "insn 0: falls off the end of the program\n" },
	{ "conditional jump last", { MOV64_IMM(0, 0), JMP_IMM(SCRIPT_JEQ, 0, 0, -2) }, -EINVAL,
	  1, "insn 1: falls off the end of the program\n" },
	{ "recursion", { CALL_REL(1), EXIT, CALL_REL(-1), EXIT }, -EINVAL, 2,
	  "insn 2: recursive call\n" },
	{ "recursion in unreachable code", { MOV64_IMM(0, 0), EXIT, CALL_REL(-1), EXIT },
	  -EINVAL, 2, "insn 2: recursive call\n" },
	{ "calls nested 9 deep",
	  { CALL_REL(1), EXIT, CALL_REL(1), EXIT, CALL_REL(1), EXIT,
	    CALL_REL(1), EXIT, CALL_REL(1), EXIT, CALL_REL(1), EXIT,
	    CALL_REL(1), EXIT, CALL_REL(1), EXIT, CALL_REL(1), EXIT,
	    MOV64_IMM(0, 0), EXIT },
	  -EINVAL, 16, "insn 16: call nesting deeper than 8\n" },
	{ "r0 unset at exit", { EXIT }, -EINVAL, 0,
	  "insn 0: r0 is read before it is written on some path\n" },
	{ "r6 read first", { MOV64_REG(0, 6), EXIT }, -EINVAL, 0,
	  "insn 0: r6 is read before it is written on some path\n" },
	{ "r0 unset on one path", { JMP_IMM(SCRIPT_JEQ, 1, 0, 1), MOV64_IMM(0, 1), EXIT },
	  -EINVAL, 2, "insn 2: r0 is read before it is written on some path\n" },
	{ "r1 after a call", { CALL_OP(SCRIPT_OP_MEMCPY), MOV64_REG(0, 1), EXIT }, -EINVAL, 1,
	  "insn 1: r1 is read before it is written on some path\n" },
	{ "r7 in a subprogram", { CALL_REL(1), EXIT, MOV64_REG(0, 7), EXIT }, -EINVAL, 2,
	  "insn 2: r7 is read before it is written on some path\n" },
	{ "argument clobbered by an earlier call",
	  { CALL_REL(2), CALL_REL(3), EXIT, MOV64_IMM(0, 0), EXIT, MOV64_REG(0, 1), EXIT },
	  -EINVAL, 1, "insn 1: r1 is read before it is written on some path\n" },
	{ "argument written on one path only",
	  { CALL_OP(SCRIPT_OP_MEMCPY), JMP_IMM(SCRIPT_JEQ, 0, 0, 1), MOV64_IMM(3, 0),
	    CALL_REL(1), EXIT, MOV64_REG(0, 3), EXIT },
	  -EINVAL, 3, "insn 3: r3 is read before it is written on some path\n" },
	{ "result of a void subprogram", { CALL_REL(1), EXIT, MOV64_IMM(2, 3), EXIT },
	  -EINVAL, 1, "insn 1: r0 is read before it is written on some path\n" },
	{ "subprogram writes r0 on one path only",
	  { CALL_REL(1), EXIT, JMP_IMM(SCRIPT_JEQ, 1, 0, 1), MOV64_IMM(0, 1), EXIT },
	  -EINVAL, 1, "insn 1: r0 is read before it is written on some path\n" },
	{ "store of an unset register", { STX(SCRIPT_W, 10, 8, -4), MOV64_IMM(0, 0), EXIT },
	  -EINVAL, 0, "insn 0: r8 is read before it is written on some path\n" },
};

static void verifier_case_desc(const struct verifier_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(verifier, verifier_cases, verifier_case_desc);

static void verifier_test(struct kunit *test)
{
	const struct verifier_case *c = test->param_value;
	struct script_log log = { .size = 256, .level = SCRIPT_LOG_ERROR };
	u32 pc = 12345;
	int err;

	log.buf = kunit_kzalloc(test, log.size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, log.buf);

	err = script_verify(c->insns, script_test_len(c->insns, MAX_TEST_INSNS), &log, &pc);
	KUNIT_EXPECT_EQ(test, err, c->err);
	if (c->err) {
		KUNIT_EXPECT_EQ(test, pc, c->pc);
		KUNIT_EXPECT_STREQ(test, log.buf, c->log);
	} else {
		KUNIT_EXPECT_STREQ(test, log.buf, "");
	}
}

/* The size limit is checked before the instructions are looked at. */
static void verifier_too_large(struct kunit *test)
{
	struct script_log log = { .size = 256, .level = SCRIPT_LOG_ERROR };
	u32 pc = 0;

	log.buf = kunit_kzalloc(test, log.size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, log.buf);
	KUNIT_EXPECT_EQ(test, script_verify(NULL, SCRIPT_MAXINSNS + 1, &log, &pc), -E2BIG);
	KUNIT_EXPECT_EQ(test, pc, 0);
	KUNIT_EXPECT_STREQ(test, log.buf,
			   "insn 0: program has 65537 instructions, more than 65536\n");
}

/* The largest program, with a loop as long as a jump reaches, verifies. */
static void verifier_largest(struct kunit *test)
{
	struct script_log log = { .size = 256, .level = SCRIPT_LOG_VERBOSE };
	struct script_insn *insns;
	u32 i, pc = 0;

	insns = kvcalloc(SCRIPT_MAXINSNS, sizeof(*insns), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, insns);
	log.buf = kunit_kzalloc(test, log.size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, log.buf);

	insns[0] = MOV64_IMM(0, 0);
	for (i = 1; i < SCRIPT_MAXINSNS - 2; i++)
		insns[i] = ALU64_IMM(SCRIPT_ADD, 0, 1);
	insns[i++] = JMP_IMM(SCRIPT_JLT, 0, 100, S16_MIN);
	insns[i] = EXIT;
	KUNIT_EXPECT_EQ(test, script_verify(insns, SCRIPT_MAXINSNS, &log, &pc), 0);
	KUNIT_EXPECT_STREQ(test, log.buf,
			   "accepted: 65536 insns, 1 subprograms, call depth 0\n");
	kvfree(insns);
}

/* A log too small for the line is cut, NUL-terminated, and counted. */
static void verifier_log_truncated(struct kunit *test)
{
	static const struct script_insn insns[] = { EXIT };
	struct script_log log = { .size = 8, .level = SCRIPT_LOG_ERROR };
	u32 pc;

	log.buf = kunit_kzalloc(test, log.size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, log.buf);
	KUNIT_EXPECT_EQ(test, script_verify(insns, 1, &log, &pc), -EINVAL);
	KUNIT_EXPECT_STREQ(test, log.buf, "insn 0:");
	KUNIT_EXPECT_EQ(test, log.len, 7);
	KUNIT_EXPECT_EQ(test, log.len_total,
			strlen("insn 0: r0 is read before it is written on some path\n"));
}

static struct kunit_case script_verifier_cases[] = {
	KUNIT_CASE_PARAM(verifier_test, verifier_gen_params),
	KUNIT_CASE(verifier_too_large),
	KUNIT_CASE(verifier_largest),
	KUNIT_CASE(verifier_log_truncated),
	{}
};

static struct kunit_suite script_verifier_suite = {
	.name = "script_verifier",
	.test_cases = script_verifier_cases,
};

kunit_test_suite(script_verifier_suite);
