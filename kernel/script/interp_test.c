// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the script(2) interpreter: every accepted opcode at its
 * edge values, each program verified and then run.
 */

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/kthread.h>
#include <linux/limits.h>
#include <linux/mman.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "script_test.h"

#define MAX_TEST_INSNS	24

/*
 * The engine the suite runs programs with: the interpreter, or the
 * compiler with or without constant blinding.  Suites run one at a time.
 */
enum { ENGINE_INTERP, ENGINE_JIT, ENGINE_JIT_BLIND };
static int script_test_engine;

#ifdef CONFIG_SCRIPT_JIT
static void free_jit(void *prog)
{
	script_jit_free(prog);
}
#endif

/* Verifies @insns into a program freed with the test. */
static struct script_prog *prepare(struct kunit *test,
				   const struct script_insn *insns)
{
	u32 len = script_test_len(insns, MAX_TEST_INSNS), pc;
	struct script_log log = { .size = 256, .level = SCRIPT_LOG_ERROR };
	struct script_prog *prog;

	log.buf = kunit_kzalloc(test, log.size, GFP_KERNEL);
	prog = kunit_kzalloc(test, struct_size(prog, insns, len), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, log.buf);
	KUNIT_ASSERT_NOT_NULL(test, prog);
	prog->len = len;
	memcpy(prog->insns, insns, len * sizeof(*insns));
	KUNIT_ASSERT_EQ_MSG(test, script_verify(prog->insns, len, &log, &pc), 0,
			    "%s", log.buf);
#ifdef CONFIG_SCRIPT_JIT
	if (script_test_engine != ENGINE_INTERP) {
		bool blind = script_test_engine == ENGINE_JIT_BLIND;

		KUNIT_ASSERT_EQ(test, script_jit_compile(prog, blind), 0);
		KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, free_jit, prog), 0);
	}
#endif
	return prog;
}

/*
 * Verifies and runs @insns; the run's result, ctx holds the rest.  With
 * the compiler, the interpreter runs the program first, and both runs
 * must end alike: the compiled run's outcome is the one checked.
 */
static int run(struct kunit *test, const struct script_insn *insns,
	       struct script_run_ctx *ctx)
{
	struct script_prog *prog = prepare(test, insns);
	struct script_run_ctx ref = *ctx;
	struct script_jit *jit = prog->jit;
	int err, ref_err;

	if (!jit || ctx->ustate)
		return script_run(prog, ctx);
	prog->jit = NULL;
	ref_err = script_run(prog, &ref);
	prog->jit = jit;
	err = script_run(prog, ctx);
	KUNIT_EXPECT_EQ(test, err, ref_err);
	KUNIT_EXPECT_EQ(test, ctx->retval, ref.retval);
	KUNIT_EXPECT_EQ(test, ctx->pc, ref.pc);
	KUNIT_EXPECT_EQ(test, ctx->steps, ref.steps);
	return err;
}

struct interp_case {
	const char *name;
	struct script_insn insns[MAX_TEST_INSNS];	/* up to the last non-zero one */
	u64 args[5];
	u64 r0;
};

static const struct interp_case interp_cases[] = {
	{ "add wraps", { MOV64_REG(0, 1), ALU64_REG(SCRIPT_ADD, 0, 2), EXIT },
	  { U64_MAX, 2 }, 1 },
	{ "sub wraps", { MOV64_IMM(0, 0), ALU64_IMM(SCRIPT_SUB, 0, 1), EXIT }, { }, U64_MAX },
	{ "mul wraps", { MOV64_REG(0, 1), ALU64_IMM(SCRIPT_MUL, 0, 2), EXIT },
	  { 1ULL << 63 }, 0 },
	{ "add32 wraps and zero-extends", { MOV64_REG(0, 1), ALU32_IMM(SCRIPT_ADD, 0, 1), EXIT },
	  { 0x1ffffffffULL }, 0 },
	{ "imm is sign-extended", { MOV64_IMM(0, 0), ALU64_IMM(SCRIPT_ADD, 0, -1), EXIT },
	  { }, U64_MAX },
	{ "div by register zero", { MOV64_REG(0, 1), ALU64_REG(SCRIPT_DIV, 0, 2), EXIT },
	  { 7, 0 }, 0 },
	{ "mod by register zero", { MOV64_REG(0, 1), ALU64_REG(SCRIPT_MOD, 0, 2), EXIT },
	  { 7, 0 }, 7 },
	{ "div32 by register zero", { MOV64_REG(0, 1), ALU32_REG(SCRIPT_DIV, 0, 2), EXIT },
	  { 0xffffffff00000005ULL, 0x100000000ULL }, 0 },
	{ "mod32 by register zero", { MOV64_REG(0, 1), ALU32_REG(SCRIPT_MOD, 0, 2), EXIT },
	  { 0xffffffff00000005ULL, 0x100000000ULL }, 5 },
	{ "div64 unsigned", { MOV64_REG(0, 1), ALU64_REG(SCRIPT_DIV, 0, 2), EXIT },
	  { U64_MAX, 2 }, U64_MAX / 2 },
	{ "div by imm -1 is unsigned", { MOV64_REG(0, 1), ALU64_IMM(SCRIPT_DIV, 0, -1), EXIT },
	  { U64_MAX }, 1 },
	{ "sdiv INT64_MIN / -1", { MOV64_REG(0, 1), SDIV64(SCRIPT_DIV, 0, 2), EXIT },
	  { (u64)S64_MIN, (u64)-1 }, (u64)S64_MIN },
	{ "smod INT64_MIN % -1", { MOV64_REG(0, 1), SDIV64(SCRIPT_MOD, 0, 2), EXIT },
	  { (u64)S64_MIN, (u64)-1 }, 0 },
	{ "sdiv32 INT32_MIN / -1", { MOV64_REG(0, 1), SDIV32(SCRIPT_DIV, 0, 2), EXIT },
	  { 0x80000000, 0xffffffff }, 0x80000000 },
	{ "smod32 INT32_MIN % -1", { MOV64_REG(0, 1), SDIV32(SCRIPT_MOD, 0, 2), EXIT },
	  { 0x80000000, 0xffffffff }, 0 },
	{ "sdiv rounds toward zero", { MOV64_REG(0, 1), SDIV64(SCRIPT_DIV, 0, 2), EXIT },
	  { (u64)-7, 2 }, (u64)-3 },
	{ "smod takes the dividend's sign", { MOV64_REG(0, 1), SDIV64(SCRIPT_MOD, 0, 2), EXIT },
	  { (u64)-7, 2 }, (u64)-1 },
	{ "sdiv32 by zero", { MOV64_REG(0, 1), SDIV32(SCRIPT_DIV, 0, 2), EXIT },
	  { 9, 0 }, 0 },
	{ "lsh by 63", { MOV64_IMM(0, 1), ALU64_IMM(SCRIPT_LSH, 0, 63), EXIT }, { },
	  1ULL << 63 },
	{ "lsh by register 64 is masked", { MOV64_REG(0, 1), ALU64_REG(SCRIPT_LSH, 0, 2), EXIT },
	  { 3, 64 }, 3 },
	{ "rsh by register 65 is masked", { MOV64_REG(0, 1), ALU64_REG(SCRIPT_RSH, 0, 2), EXIT },
	  { 6, 65 }, 3 },
	{ "lsh32 by register 33 is masked", { MOV64_REG(0, 1), ALU32_REG(SCRIPT_LSH, 0, 2), EXIT },
	  { 0x80000001, 33 }, 2 },
	{ "arsh of a negative", { MOV64_REG(0, 1), ALU64_IMM(SCRIPT_ARSH, 0, 1), EXIT },
	  { (u64)-8 }, (u64)-4 },
	{ "arsh by 63", { MOV64_REG(0, 1), ALU64_IMM(SCRIPT_ARSH, 0, 63), EXIT },
	  { (u64)S64_MIN }, U64_MAX },
	{ "arsh32 sign is bit 31", { MOV64_REG(0, 1), ALU32_IMM(SCRIPT_ARSH, 0, 31), EXIT },
	  { 0x80000000 }, 0xffffffff },
	{ "rsh32 drops the high half", { MOV64_REG(0, 1), ALU32_IMM(SCRIPT_RSH, 0, 4), EXIT },
	  { 0xf00000010ULL }, 1 },
	{ "neg", { MOV64_REG(0, 1), I(SCRIPT_ALU64 | SCRIPT_NEG, 0, 0, 0, 0), EXIT },
	  { 1 }, U64_MAX },
	{ "neg32", { MOV64_REG(0, 1), I(SCRIPT_ALU | SCRIPT_NEG, 0, 0, 0, 0), EXIT },
	  { 1 }, 0xffffffff },
	{ "neg INT64_MIN", { MOV64_REG(0, 1), I(SCRIPT_ALU64 | SCRIPT_NEG, 0, 0, 0, 0), EXIT },
	  { (u64)S64_MIN }, (u64)S64_MIN },
	{ "mov32 zero-extends", { ALU32_REG(SCRIPT_MOV, 0, 1), EXIT }, { U64_MAX }, 0xffffffff },
	{ "mov32 imm -1", { ALU32_IMM(SCRIPT_MOV, 0, -1), EXIT }, { }, 0xffffffff },
	{ "mov64 imm -1", { MOV64_IMM(0, -1), EXIT }, { }, U64_MAX },
	{ "movsx 8", { MOVSX64(0, 1, 8), EXIT }, { 0x1280 }, (u64)-128 },
	{ "movsx 16", { MOVSX64(0, 1, 16), EXIT }, { 0x18000 }, (u64)-32768 },
	{ "movsx 32", { MOVSX64(0, 1, 32), EXIT }, { 0x180000000ULL }, (u64)S32_MIN },
	{ "movsx32 8", { MOVSX32(0, 1, 8), EXIT }, { 0xff80 }, 0xffffff80 },
	{ "movsx32 16", { MOVSX32(0, 1, 16), EXIT }, { 0x7fff }, 0x7fff },
	{ "or and xor", { MOV64_REG(0, 1), ALU64_IMM(SCRIPT_OR, 0, 0xf0),
			  ALU64_IMM(SCRIPT_AND, 0, 0x3c), ALU32_IMM(SCRIPT_XOR, 0, 0xff), EXIT },
	  { 0xff0000000000000fULL }, 0xc3 },
	{ "to_le 16", { MOV64_REG(0, 1), END(SCRIPT_ALU, SCRIPT_TO_LE, 16), EXIT },
	  { 0x1122334455667788ULL }, 0x7788 },
	{ "to_le 32", { MOV64_REG(0, 1), END(SCRIPT_ALU, SCRIPT_TO_LE, 32), EXIT },
	  { 0x1122334455667788ULL }, 0x55667788 },
	{ "to_le 64", { MOV64_REG(0, 1), END(SCRIPT_ALU, SCRIPT_TO_LE, 64), EXIT },
	  { 0x1122334455667788ULL }, 0x1122334455667788ULL },
	{ "to_be 16", { MOV64_REG(0, 1), END(SCRIPT_ALU, SCRIPT_TO_BE, 16), EXIT },
	  { 0x1122334455667788ULL }, 0x8877 },
	{ "to_be 32", { MOV64_REG(0, 1), END(SCRIPT_ALU, SCRIPT_TO_BE, 32), EXIT },
	  { 0x1122334455667788ULL }, 0x88776655 },
	{ "to_be 64", { MOV64_REG(0, 1), END(SCRIPT_ALU, SCRIPT_TO_BE, 64), EXIT },
	  { 0x1122334455667788ULL }, 0x8877665544332211ULL },
	{ "bswap 16", { MOV64_REG(0, 1), END(SCRIPT_ALU64, SCRIPT_TO_LE, 16), EXIT },
	  { 0x1122334455667788ULL }, 0x8877 },
	{ "bswap 32", { MOV64_REG(0, 1), END(SCRIPT_ALU64, SCRIPT_TO_LE, 32), EXIT },
	  { 0x1122334455667788ULL }, 0x88776655 },
	{ "bswap 64", { MOV64_REG(0, 1), END(SCRIPT_ALU64, SCRIPT_TO_LE, 64), EXIT },
	  { 0x1122334455667788ULL }, 0x8877665544332211ULL },
	{ "ld_imm64", { LD_IMM64(0, 0x9abcdef0), LD_IMM64_HI(0x12345678), EXIT }, { },
	  0x123456789abcdef0ULL },
	{ "ld_imm64 negative halves", { LD_IMM64(0, -1), LD_IMM64_HI(-2), EXIT }, { },
	  0xfffffffeffffffffULL },
	{ "jmp sees the high half", { MOV64_IMM(0, 0), JMP_IMM(SCRIPT_JEQ, 1, 1, 1),
				      MOV64_IMM(0, 1), EXIT },
	  { 0x100000001ULL }, 1 },
	{ "jmp32 ignores the high half",
	  { MOV64_IMM(0, 0), I(SCRIPT_JMP32 | SCRIPT_JEQ | SCRIPT_K, 1, 0, 1, 1),
	    MOV64_IMM(0, 1), EXIT },
	  { 0x100000001ULL }, 0 },
	{ "ja", { MOV64_IMM(0, 1), JA(1), MOV64_IMM(0, 2), EXIT }, { }, 1 },
	{ "gotol", { MOV64_IMM(0, 1), GOTOL(1), MOV64_IMM(0, 2), EXIT }, { }, 1 },
	{ "loop sums 1 to 100",
	  { MOV64_IMM(0, 0), MOV64_IMM(2, 100), ALU64_REG(SCRIPT_ADD, 0, 2),
	    ALU64_IMM(SCRIPT_SUB, 2, 1), JMP_IMM(SCRIPT_JNE, 2, 0, -3), EXIT },
	  { }, 5050 },
	{ "subprogram keeps r6 to r9",
	  { MOV64_IMM(6, 6), MOV64_IMM(9, 9), CALL_REL(3), ALU64_REG(SCRIPT_ADD, 0, 6),
	    ALU64_REG(SCRIPT_ADD, 0, 9), EXIT,
	    MOV64_IMM(6, 100), MOV64_IMM(9, 100), MOV64_REG(0, 1), EXIT },
	  { 1000 }, 1015 },
	{ "nested subprograms",
	  { CALL_REL(1), EXIT, CALL_REL(2), ALU64_IMM(SCRIPT_MUL, 0, 3), EXIT,
	    MOV64_IMM(0, 7), EXIT },
	  { }, 21 },
};

static void interp_case_desc(const struct interp_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(interp, interp_cases, interp_case_desc);

static void interp_test(struct kunit *test)
{
	const struct interp_case *c = test->param_value;
	/* No case touches the stack: its bounds only frame the calls. */
	struct script_run_ctx ctx = {
		.stack_lo = 0x10000,
		.stack_hi = 0x10000 + (SCRIPT_MAX_CALL_DEPTH + 1) * SCRIPT_FRAME_SIZE,
	};

	memcpy(ctx.args, c->args, sizeof(ctx.args));
	KUNIT_ASSERT_EQ(test, run(test, c->insns, &ctx), 0);
	KUNIT_EXPECT_EQ(test, ctx.retval, c->r0);
}

/*
 * Every conditional jump, K and X, 64 and 32 bits, against the C
 * comparison of the same values.
 */
static const u64 jmp_values[] = {
	0, 1, 2, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ULL,
	0x1ffffffffULL, (u64)S64_MAX, (u64)S64_MIN, U64_MAX, (u64)-2,
};

static bool jmp_expected(u8 op, bool is32, u64 a, u64 b)
{
	bool sign = op == SCRIPT_JSGT || op == SCRIPT_JSGE ||
		    op == SCRIPT_JSLT || op == SCRIPT_JSLE;

	if (is32) {
		a = sign ? (s64)(s32)a : (u32)a;
		b = sign ? (s64)(s32)b : (u32)b;
	}
	switch (op) {
	case SCRIPT_JEQ:
		return a == b;
	case SCRIPT_JNE:
		return a != b;
	case SCRIPT_JGT:
		return a > b;
	case SCRIPT_JGE:
		return a >= b;
	case SCRIPT_JLT:
		return a < b;
	case SCRIPT_JLE:
		return a <= b;
	case SCRIPT_JSET:
		return a & b;
	case SCRIPT_JSGT:
		return (s64)a > (s64)b;
	case SCRIPT_JSGE:
		return (s64)a >= (s64)b;
	case SCRIPT_JSLT:
		return (s64)a < (s64)b;
	}
	return (s64)a <= (s64)b;	/* SCRIPT_JSLE */
}

static void interp_jumps(struct kunit *test)
{
	static const u8 ops[] = {
		SCRIPT_JEQ, SCRIPT_JNE, SCRIPT_JGT, SCRIPT_JGE, SCRIPT_JLT,
		SCRIPT_JLE, SCRIPT_JSET, SCRIPT_JSGT, SCRIPT_JSGE, SCRIPT_JSLT,
		SCRIPT_JSLE,
	};
	struct script_insn insns[MAX_TEST_INSNS] = {
		MOV64_IMM(0, 0), { }, MOV64_IMM(0, 1), EXIT,
	};
	const unsigned int nval = ARRAY_SIZE(jmp_values);
	struct script_run_ctx ctx = { };
	unsigned int n;

	/* n walks op x {jmp, jmp32} x {X, K} x a x b */
	for (n = 0; n < ARRAY_SIZE(ops) * 4 * nval * nval; n++) {
		u8 op = ops[n / (4 * nval * nval)];
		bool is32 = n / (2 * nval * nval) % 2;
		bool k = n / (nval * nval) % 2;
		u64 a = jmp_values[n / nval % nval], b = jmp_values[n % nval];
		u8 class = is32 ? SCRIPT_JMP32 : SCRIPT_JMP;

		if (k) {	/* the imm is sign-extended to 64 bits */
			b = (s64)(s32)b;
			insns[1] = I(class | op | SCRIPT_K, 1, 0, 1, (s32)b);
		} else {
			insns[1] = I(class | op | SCRIPT_X, 1, 2, 1, 0);
		}
		ctx.args[0] = a;
		ctx.args[1] = b;
		KUNIT_ASSERT_EQ(test, run(test, insns, &ctx), 0);
		KUNIT_EXPECT_EQ_MSG(test, ctx.retval, jmp_expected(op, is32, a, b) ? 0 : 1,
				    "op 0x%02x %s %s a=%llx b=%llx", op,
				    is32 ? "jmp32" : "jmp", k ? "K" : "X", a, b);
	}
}

/* The budget stops a loop having run exactly that many instructions. */
static void interp_step_budget(struct kunit *test)
{
	static const struct script_insn insns[MAX_TEST_INSNS] = {
		MOV64_IMM(0, 0), ALU64_IMM(SCRIPT_ADD, 0, 1), JA(-2), EXIT,
	};
	struct script_run_ctx ctx = { .max_steps = 1001 };

	KUNIT_EXPECT_EQ(test, run(test, insns, &ctx), -ETIME);
	KUNIT_EXPECT_EQ(test, ctx.steps, 1001);
	KUNIT_EXPECT_EQ(test, ctx.pc, 1);
}

/* A call with no room left for its frame stops the run. */
static void interp_no_stack(struct kunit *test)
{
	static const struct script_insn insns[MAX_TEST_INSNS] = {
		CALL_REL(1), EXIT, MOV64_IMM(0, 0), EXIT,
	};
	struct script_run_ctx ctx = { };

	KUNIT_EXPECT_EQ(test, run(test, insns, &ctx), -ENOSPC);
	KUNIT_EXPECT_EQ(test, ctx.pc, 0);
}

/* Loads and stores go to user memory; a fault names its instruction. */
static void interp_memory(struct kunit *test)
{
	static const struct script_insn insns[MAX_TEST_INSNS] = {
		ST(SCRIPT_DW, 1, 0, -2),		/* buf[0] = -2 */
		ST(SCRIPT_B, 1, 8, 0x80),		/* buf[8] = 0x80 */
		LDX(SCRIPT_W, 3, 1, 0),			/* r3 = 0xfffffffe */
		LDSX(SCRIPT_B, 4, 1, 8),		/* r4 = -128 */
		LDSX(SCRIPT_W, 5, 1, 0),		/* r5 = -2 */
		STX(SCRIPT_H, 1, 3, 16),		/* buf[16..17] = 0xfffe */
		LDX(SCRIPT_DW, 0, 1, 16),		/* r0 = 0xfffe */
		ALU64_REG(SCRIPT_ADD, 0, 3),
		ALU64_REG(SCRIPT_ADD, 0, 4),
		ALU64_REG(SCRIPT_ADD, 0, 5),
		LDX(SCRIPT_B, 6, 2, 0),			/* faults when r2 is bad */
		EXIT,
	};
	struct script_run_ctx ctx = { };
	unsigned long uaddr;

	uaddr = kunit_vm_mmap(test, NULL, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
			      MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_NE_MSG(test, uaddr, 0, "no user memory");
	KUNIT_ASSERT_LT(test, uaddr, (unsigned long)TASK_SIZE);

	ctx.args[0] = uaddr;
	ctx.args[1] = uaddr;
	KUNIT_ASSERT_EQ(test, run(test, insns, &ctx), 0);
	KUNIT_EXPECT_EQ(test, ctx.retval, 0xfffeULL + 0xfffffffeULL - 128 - 2);
	KUNIT_EXPECT_EQ(test, ctx.steps, 12);

	ctx.args[1] = 0;
	KUNIT_EXPECT_EQ(test, run(test, insns, &ctx), -EFAULT);
	KUNIT_EXPECT_EQ(test, ctx.pc, 10);
	KUNIT_EXPECT_EQ(test, ctx.steps, 10);

	ctx.args[0] = (unsigned long)TASK_SIZE;
	KUNIT_EXPECT_EQ(test, run(test, insns, &ctx), -EFAULT);
	KUNIT_EXPECT_EQ(test, ctx.pc, 0);
}

/* The memcpy op copies user memory and reports a fault in r0. */
static void interp_op_memcpy(struct kunit *test)
{
	static const struct script_insn insns[MAX_TEST_INSNS] = {
		CALL_OP(SCRIPT_OP_MEMCPY), EXIT,
	};
	struct script_run_ctx ctx = { };
	unsigned long uaddr;
	char buf[8];

	uaddr = kunit_vm_mmap(test, NULL, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
			      MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_NE_MSG(test, uaddr, 0, "no user memory");
	KUNIT_ASSERT_EQ(test, copy_to_user((void __user *)uaddr, "script", 7), 0);

	ctx.args[0] = uaddr + 100;
	ctx.args[1] = uaddr;
	ctx.args[2] = 7;
	KUNIT_ASSERT_EQ(test, run(test, insns, &ctx), 0);
	KUNIT_EXPECT_EQ(test, ctx.retval, 7);
	KUNIT_ASSERT_EQ(test, copy_from_user(buf, (void __user *)uaddr + 100, 7), 0);
	KUNIT_EXPECT_STREQ(test, buf, "script");

	ctx.args[1] = 0;
	KUNIT_ASSERT_EQ(test, run(test, insns, &ctx), 0);
	KUNIT_EXPECT_EQ(test, ctx.retval, (u64)-EFAULT);
}

/* Each chunk of a copy after the first is a step of the budget. */
static void interp_op_memcpy_budget(struct kunit *test)
{
	static const struct script_insn insns[MAX_TEST_INSNS] = {
		CALL_OP(SCRIPT_OP_MEMCPY), EXIT,
	};
	struct script_run_ctx ctx = { .max_steps = 5 };
	unsigned long uaddr;

	uaddr = kunit_vm_mmap(test, NULL, 0, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE,
			      MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_NE_MSG(test, uaddr, 0, "no user memory");
	ctx.args[0] = uaddr + 2 * PAGE_SIZE;
	ctx.args[1] = uaddr;
	ctx.args[2] = 10 * SCRIPT_COPY_CHUNK;

	/* The call and 4 more chunks; then EXIT finds no budget left. */
	KUNIT_EXPECT_EQ(test, run(test, insns, &ctx), -ETIME);
	KUNIT_EXPECT_EQ(test, ctx.retval, 0);
	KUNIT_EXPECT_EQ(test, ctx.steps, 5);
	KUNIT_EXPECT_EQ(test, ctx.pc, 1);

	ctx.max_steps = 11;
	KUNIT_EXPECT_EQ(test, run(test, insns, &ctx), 0);
	KUNIT_EXPECT_EQ(test, ctx.retval, 10 * SCRIPT_COPY_CHUNK);
	KUNIT_EXPECT_EQ(test, ctx.steps, 11);
}

/* main: r6 = 5; r0 = sub() + r6.  sub: r0 = 10. */
static const struct script_insn resume_insns[MAX_TEST_INSNS] = {
	LD_IMM64(6, 5), LD_IMM64_HI(0),
	CALL_REL(2),
	ALU64_REG(SCRIPT_ADD, 0, 6),
	EXIT,
	MOV64_IMM(0, 10),
	EXIT,
};

struct resume_case {
	const char *name;
	u32 pc, depth, ret, status, pad;
	s32 r10_off;	/* r10 - where the calls put it */
	int err;
	u64 r0;
};

static const struct resume_case resume_cases[] = {
	{ "main, after the call", .pc = 3, .status = 1, .r0 = 100 + 7 },
	{ "in the callee", .pc = 5, .depth = 1, .ret = 3, .status = 1, .r0 = 10 + 7 },
	{ "at the call", .pc = 2, .status = 1, .r0 = 10 + 7 },
	{ "status 0 starts anew", .pc = 3, .status = 0, .r0 = 15 },
	{ "status 2", .pc = 3, .status = 2, .err = -EINVAL },
	{ "pc past the end", .pc = 7, .status = 1, .err = -EINVAL },
	{ "pc in an ld_imm64", .pc = 1, .status = 1, .err = -EINVAL },
	{ "depth too large", .pc = 5, .depth = SCRIPT_MAX_CALL_DEPTH + 1, .ret = 3,
	  .status = 1, .err = -EINVAL },
	{ "return not after a call", .pc = 5, .depth = 1, .ret = 4, .status = 1,
	  .err = -EINVAL },
	{ "return past the end", .pc = 5, .depth = 1, .ret = 7, .status = 1,
	  .err = -EINVAL },
	{ "r10 moved", .pc = 3, .status = 1, .r10_off = -8, .err = -EINVAL },
	{ "padding", .pc = 3, .status = 1, .pad = 1, .err = -EINVAL },
};

KUNIT_ARRAY_PARAM_DESC(resume, resume_cases, name);

/*
 * A run continues from a state the caller holds, once it is checked
 * against the program and the stack; the run then frees the area.
 */
static void interp_resume(struct kunit *test)
{
	const struct resume_case *c = test->param_value;
	struct script_state *st, __user *ust;
	struct script_run_ctx ctx = { };
	unsigned long uaddr;
	u32 status, i;
	u64 top;

	uaddr = kunit_vm_mmap(test, NULL, 0, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
			      MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_NE_MSG(test, uaddr, 0, "no user memory");
	st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, st);

	/* The state in the first page, the stack the second. */
	ust = (struct script_state __user *)uaddr;
	top = uaddr + 2 * PAGE_SIZE;
	ctx.stack_lo = uaddr + PAGE_SIZE;
	ctx.stack_hi = top;
	ctx.ustate = ust;

	st->status = c->status;
	st->pc = c->pc;
	st->depth = c->depth;
	st->__pad = c->pad;
	st->regs[0] = 100;
	st->regs[6] = 7;
	st->regs[10] = top - c->depth * SCRIPT_FRAME_SIZE + c->r10_off;
	for (i = 0; i < c->depth && i < SCRIPT_MAX_CALL_DEPTH; i++) {
		st->frames[i].regs[0] = 7;
		st->frames[i].regs[4] = top - i * SCRIPT_FRAME_SIZE;
		st->frames[i].ret = c->ret;
	}
	KUNIT_ASSERT_EQ(test, copy_to_user(ust, st, sizeof(*st)), 0);

	KUNIT_EXPECT_EQ(test, run(test, resume_insns, &ctx), c->err);
	KUNIT_ASSERT_EQ(test, get_user(status, &ust->status), 0);
	if (c->err) {
		KUNIT_EXPECT_EQ(test, status, c->status);
		return;
	}
	KUNIT_EXPECT_EQ(test, ctx.retval, c->r0);
	KUNIT_EXPECT_EQ(test, status, SCRIPT_STATE_NONE);
}

#ifdef CONFIG_TASKS_RCU
struct rcu_tasks_loop {
	const struct script_prog *prog;
	struct script_run_ctx ctx;
	struct completion started;
	struct completion synced;
	bool done;
	int err;
};

static int rcu_tasks_loop_fn(void *data)
{
	struct rcu_tasks_loop *l = data;

	allow_signal(SIGKILL);
	complete(&l->started);
	l->err = script_run(l->prog, &l->ctx);
	WRITE_ONCE(l->done, true);
	return 0;
}

static int rcu_tasks_sync_fn(void *data)
{
	struct rcu_tasks_loop *l = data;

	synchronize_rcu_tasks();
	complete(&l->synced);
	return 0;
}

/*
 * A run that loops without end on one CPU does not hold off an RCU-Tasks
 * grace period, as a userspace loop would not: with CONFIG_PREEMPTION,
 * preemption and cond_resched() are not quiescent states for it.
 */
static void interp_rcu_tasks(struct kunit *test)
{
	static const struct script_insn insns[MAX_TEST_INSNS] = {
		MOV64_IMM(0, 0), ALU64_IMM(SCRIPT_ADD, 0, 1), JA(-2), EXIT,
	};
	struct task_struct *loop, *sync;
	struct rcu_tasks_loop *l;
	bool synced;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two CPUs");
	l = kunit_kzalloc(test, sizeof(*l), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, l);
	l->prog = prepare(test, insns);
	init_completion(&l->started);
	init_completion(&l->synced);

	loop = kthread_run(rcu_tasks_loop_fn, l, "script-loop");
	KUNIT_ASSERT_FALSE(test, IS_ERR(loop));
	get_task_struct(loop);
	wait_for_completion(&l->started);

	sync = kthread_run(rcu_tasks_sync_fn, l, "script-sync");
	if (IS_ERR(sync)) {
		send_sig(SIGKILL, loop, 1);
		kthread_stop(loop);
		put_task_struct(loop);
		KUNIT_FAIL(test, "no sync thread");
		return;
	}
	synced = wait_for_completion_timeout(&l->synced, 30 * HZ);
	KUNIT_EXPECT_TRUE_MSG(test, synced, "synchronize_rcu_tasks() waited on the run");
	KUNIT_EXPECT_FALSE_MSG(test, READ_ONCE(l->done), "the run ended early: %d", l->err);

	/* A fatal signal ends the run; then the grace period ends too. */
	send_sig(SIGKILL, loop, 1);
	kthread_stop(loop);
	put_task_struct(loop);
	if (!synced)
		wait_for_completion(&l->synced);
	KUNIT_EXPECT_EQ(test, l->err, -EINTR);
	KUNIT_EXPECT_LT(test, 0, l->ctx.steps);
}
#endif

/* Each suite has its own array: KUnit keeps each case's status in it. */
static struct kunit_case script_interp_cases[] = {
	KUNIT_CASE_PARAM(interp_test, interp_gen_params),
	KUNIT_CASE(interp_jumps),
	KUNIT_CASE(interp_step_budget),
	KUNIT_CASE(interp_no_stack),
	KUNIT_CASE(interp_memory),
	KUNIT_CASE(interp_op_memcpy),
	KUNIT_CASE(interp_op_memcpy_budget),
	KUNIT_CASE_PARAM(interp_resume, resume_gen_params),
#ifdef CONFIG_TASKS_RCU
	KUNIT_CASE_SLOW(interp_rcu_tasks),
#endif
	{}
};

static int script_interp_init(struct kunit_suite *suite)
{
	script_test_engine = ENGINE_INTERP;
	return 0;
}

static struct kunit_suite script_interp_suite = {
	.name = "script_interp",
	.suite_init = script_interp_init,
	.test_cases = script_interp_cases,
};

#ifdef CONFIG_SCRIPT_JIT
/* The same cases, compiled: each result is also compared with the interpreter's. */
static int script_jit_init(struct kunit_suite *suite)
{
	script_test_engine = ENGINE_JIT;
	return 0;
}

static int script_jit_blind_init(struct kunit_suite *suite)
{
	script_test_engine = ENGINE_JIT_BLIND;
	return 0;
}

static void script_jit_exit(struct kunit_suite *suite)
{
	script_test_engine = ENGINE_INTERP;
}

static struct kunit_case script_jit_cases[] = {
	KUNIT_CASE_PARAM(interp_test, interp_gen_params),
	KUNIT_CASE(interp_jumps),
	KUNIT_CASE(interp_step_budget),
	KUNIT_CASE(interp_no_stack),
	KUNIT_CASE(interp_memory),
	KUNIT_CASE(interp_op_memcpy),
	KUNIT_CASE(interp_op_memcpy_budget),
	KUNIT_CASE_PARAM(interp_resume, resume_gen_params),
#ifdef CONFIG_TASKS_RCU
	KUNIT_CASE_SLOW(interp_rcu_tasks),
#endif
	{}
};

static struct kunit_case script_jit_blind_cases[] = {
	KUNIT_CASE_PARAM(interp_test, interp_gen_params),
	KUNIT_CASE(interp_jumps),
	KUNIT_CASE(interp_step_budget),
	KUNIT_CASE(interp_no_stack),
	KUNIT_CASE(interp_memory),
	KUNIT_CASE(interp_op_memcpy),
	KUNIT_CASE(interp_op_memcpy_budget),
	KUNIT_CASE_PARAM(interp_resume, resume_gen_params),
#ifdef CONFIG_TASKS_RCU
	KUNIT_CASE_SLOW(interp_rcu_tasks),
#endif
	{}
};

static struct kunit_suite script_jit_suite = {
	.name = "script_jit",
	.suite_init = script_jit_init,
	.suite_exit = script_jit_exit,
	.test_cases = script_jit_cases,
};

static struct kunit_suite script_jit_blind_suite = {
	.name = "script_jit_blind",
	.suite_init = script_jit_blind_init,
	.suite_exit = script_jit_exit,
	.test_cases = script_jit_blind_cases,
};

kunit_test_suites(&script_interp_suite, &script_jit_suite,
		  &script_jit_blind_suite);
#else
kunit_test_suite(script_interp_suite);
#endif
