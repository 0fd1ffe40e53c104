// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the builder, the op table and the instruction macros:
 * nothing here calls script(2).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>

#include "libscript.h"
#include "script_insn.h"
#include "test.h"

#define R(n)		SCRIPT_ARG_REG(n)
#define IMM(v)		SCRIPT_ARG_IMM(v)

/* The uapi header, from tools/lib/script/tests, unless $UAPI names one. */
#define UAPI_SCRIPT_H	"../../../../include/uapi/linux/script.h"

static const __u8 JA = SCRIPT_JMP | SCRIPT_JA;
static const __u8 GOTOL = SCRIPT_JMP32 | SCRIPT_JA;

/* Finishes @b into *@insns: the result of script_builder_finish(). */
static int finish(struct script_builder *b, struct script_insn **insns,
		  size_t *cnt)
{
	return script_builder_finish(b, insns, cnt);
}

static bool insn_eq(const struct script_insn *a, const struct script_insn *b)
{
	return a->code == b->code && a->dst_reg == b->dst_reg &&
	       a->src_reg == b->src_reg && a->off == b->off && a->imm == b->imm;
}

#define CHECK_INSN(found, expected)					\
	do {								\
		struct script_insn __f = (found), __e = (expected);	\
									\
		CHECK(insn_eq(&__f, &__e),				\
		      "found {%#04x %u %u %d %d}, expected {%#04x %u %u %d %d}", \
		      __f.code, __f.dst_reg, __f.src_reg, __f.off,	\
		      __f.imm, __e.code, __e.dst_reg, __e.src_reg,	\
		      __e.off, __e.imm);				\
	} while (0)

/* Appends @n no-op instructions (r0 += 0). */
static void pad(struct script_builder *b, size_t n)
{
	while (n--)
		script_builder_insn(b, SCRIPT_ALU64_IMM(SCRIPT_ADD, 0, 0));
}

static void test_insn_macros(void)
{
	struct script_insn ld[] = { SCRIPT_LD_IMM64(3, 0x123456789abcdef0ULL) };
	struct script_insn i;

	CHECK_EQ_INT(sizeof(struct script_insn), 8);
	CHECK_EQ_INT(ld[0].code, 0x18);
	CHECK_EQ_INT(ld[0].dst_reg, 3);
	CHECK_EQ_INT((__u32)ld[0].imm, 0x9abcdef0);
	CHECK_EQ_INT(ld[1].code, 0);
	CHECK_EQ_INT(ld[1].imm, 0x12345678);
	CHECK_EQ_INT(script_insn_slots(&ld[0]), 2);

	i = SCRIPT_MOV64_REG(1, 10);
	CHECK_EQ_INT(i.code, 0xbf);
	CHECK_EQ_INT(i.src_reg, 10);
	i = SCRIPT_MOV32_IMM(2, -1);
	CHECK_EQ_INT(i.code, 0xb4);
	CHECK_EQ_INT(i.imm, -1);
	i = SCRIPT_MOVSX64_REG(1, 2, 16);
	CHECK_EQ_INT(i.code, 0xbf);
	CHECK_EQ_INT(i.off, 16);
	i = SCRIPT_ALU64_IMM_OFF(SCRIPT_DIV, 1, 3, 1);
	CHECK_EQ_INT(i.code, 0x37);
	CHECK_EQ_INT(i.off, 1);
	i = SCRIPT_ENDIAN(SCRIPT_TO_BE, 4, 32);
	CHECK_EQ_INT(i.code, 0xdc);
	CHECK_EQ_INT(i.imm, 32);
	i = SCRIPT_BSWAP(4, 64);
	CHECK_EQ_INT(i.code, 0xd7);
	i = SCRIPT_LDX_MEM(SCRIPT_DW, 0, 10, -8);
	CHECK_EQ_INT(i.code, 0x79);
	CHECK_EQ_INT(i.off, -8);
	i = SCRIPT_LDX_MEMSX(SCRIPT_H, 0, 1, 2);
	CHECK_EQ_INT(i.code, 0x89);
	i = SCRIPT_STX_MEM(SCRIPT_W, 10, 1, -4);
	CHECK_EQ_INT(i.code, 0x63);
	i = SCRIPT_ST_MEM(SCRIPT_B, 10, -1, 0x7f);
	CHECK_EQ_INT(i.code, 0x72);
	CHECK_EQ_INT(i.imm, 0x7f);
	i = SCRIPT_JMP_IMM(SCRIPT_JSLT, 0, 0, 5);
	CHECK_EQ_INT(i.code, 0xc5);
	i = SCRIPT_JMP32_REG(SCRIPT_JNE, 1, 2, -3);
	CHECK_EQ_INT(i.code, 0x5e);
	CHECK_EQ_INT(i.off, -3);
	i = SCRIPT_JMP_A(7);
	CHECK_EQ_INT(i.code, 0x05);
	CHECK_EQ_INT(i.off, 7);
	i = SCRIPT_JMP32_A(70000);
	CHECK_EQ_INT(i.code, 0x06);
	CHECK_EQ_INT(i.imm, 70000);
	i = SCRIPT_CALL_OP(SCRIPT_OP_READ);
	CHECK_EQ_INT(i.code, 0x85);
	CHECK_EQ_INT(i.src_reg, 0);
	CHECK_EQ_INT(i.imm, SCRIPT_OP_READ);
	i = SCRIPT_CALL_REL(-4);
	CHECK_EQ_INT(i.src_reg, SCRIPT_PSEUDO_CALL);
	CHECK_EQ_INT(i.imm, -4);
	i = SCRIPT_EXIT_INSN();
	CHECK_EQ_INT(i.code, 0x95);
}

/* Forward and backward jumps: off is the target minus the next insn. */
static void test_labels(void)
{
	struct script_builder *b = script_builder_new();
	struct script_insn *p = NULL;
	size_t n = 0;

	CHECK(b, "script_builder_new");
	CHECK_EQ_INT(script_builder_label(b, "top"), 0);	/* 0 */
	script_builder_insn(b, SCRIPT_MOV64_IMM(0, 0));		/* 0 */
	CHECK_EQ_INT(script_builder_jmp(b, SCRIPT_JMP | SCRIPT_JEQ | SCRIPT_K,
					1, 0, 0, "end"), 0);	/* 1 */
	script_builder_insn(b, SCRIPT_ALU64_IMM(SCRIPT_ADD, 0, 1)); /* 2 */
	CHECK_EQ_INT(script_builder_jmp(b, JA, 0, 0, 0, "top"), 0); /* 3 */
	CHECK_EQ_INT(script_builder_pos(b), 4);
	CHECK_EQ_INT(script_builder_label(b, "end"), 0);	/* 4 */
	/* Two labels may name the same place. */
	CHECK_EQ_INT(script_builder_label(b, "end2"), 0);
	script_builder_insn(b, SCRIPT_EXIT_INSN());		/* 4 */
	CHECK_EQ_INT(finish(b, &p, &n), 0);
	CHECK_EQ_STR(script_builder_error(b), "");
	CHECK_EQ_INT(n, 5);
	if (p && n == 5) {
		CHECK_INSN(p[1], SCRIPT_JMP_IMM(SCRIPT_JEQ, 1, 0, 2));
		CHECK_INSN(p[3], SCRIPT_JMP_A(-4));
		CHECK_INSN(p[4], SCRIPT_EXIT_INSN());
	}
	free(p);

	/* A jump to itself, and a jump to the next insn. */
	CHECK_EQ_INT(script_builder_label(b, "self"), 0);
	CHECK_EQ_INT(script_builder_jmp(b, JA, 0, 0, 0, "self"), 0);
	CHECK_EQ_INT(script_builder_jmp(b, SCRIPT_JMP | SCRIPT_JNE | SCRIPT_X,
					2, 3, 0, "next"), 0);
	CHECK_EQ_INT(script_builder_label(b, "next"), 0);
	script_builder_insn(b, SCRIPT_EXIT_INSN());
	CHECK_EQ_INT(finish(b, &p, &n), 0);
	CHECK_EQ_INT(n, 8);
	if (p && n == 8) {
		CHECK_INSN(p[5], SCRIPT_JMP_A(-1));
		CHECK_INSN(p[6], SCRIPT_JMP_REG(SCRIPT_JNE, 2, 3, 0));
	}
	free(p);
	script_builder_free(b);
}

/* JMP32 takes off; JMP32 JA ("gotol") takes imm and goes beyond 16 bits. */
static void test_jmp32_gotol(void)
{
	struct script_builder *b = script_builder_new();
	struct script_insn *p = NULL;
	size_t n = 0;

	script_builder_label(b, "back");			/* 0 */
	pad(b, 2);						/* 0, 1 */
	script_builder_jmp(b, SCRIPT_JMP32 | SCRIPT_JSGT | SCRIPT_K, 4, 0, -7,
			   "back");				/* 2 */
	script_builder_jmp(b, SCRIPT_JMP32 | SCRIPT_JLE | SCRIPT_X, 4, 5, 0,
			   "fwd");				/* 3 */
	script_builder_jmp(b, GOTOL, 0, 0, 0, "far");		/* 4 */
	script_builder_label(b, "fwd");				/* 5 */
	pad(b, 40000);						/* 5.. */
	script_builder_label(b, "far");				/* 40005 */
	script_builder_jmp(b, GOTOL, 0, 0, 0, "back");		/* 40005 */
	script_builder_insn(b, SCRIPT_EXIT_INSN());
	CHECK_EQ_INT(finish(b, &p, &n), 0);
	CHECK_EQ_STR(script_builder_error(b), "");
	CHECK_EQ_INT(n, 40007);
	if (p && n == 40007) {
		CHECK_INSN(p[2], SCRIPT_JMP32_IMM(SCRIPT_JSGT, 4, -7, -3));
		CHECK_INSN(p[3], SCRIPT_JMP32_REG(SCRIPT_JLE, 4, 5, 1));
		CHECK_INSN(p[4], SCRIPT_JMP32_A(40000));
		CHECK_INSN(p[40005], SCRIPT_JMP32_A(-40006));
	}
	free(p);
	script_builder_free(b);
}

/* The 16-bit limits of off: -32768 and 32767 fit, one more does not. */
static void test_range(void)
{
	struct script_builder *b = script_builder_new();
	struct script_insn *p = NULL;
	size_t n = 0;
	const char *msg;

	script_builder_jmp(b, JA, 0, 0, 0, "max");		/* 0 */
	pad(b, 32767);
	script_builder_label(b, "max");				/* 32768 */
	script_builder_label(b, "min");
	pad(b, 32767);
	script_builder_jmp(b, JA, 0, 0, 0, "min");		/* 65535 */
	CHECK_EQ_INT(finish(b, &p, &n), 0);
	if (p && n == 65536) {
		CHECK_INSN(p[0], SCRIPT_JMP_A(32767));
		CHECK_INSN(p[65535], SCRIPT_JMP_A(-32768));
	}
	free(p);
	script_builder_free(b);

	/* Forward, one beyond: found by finish. */
	b = script_builder_new();
	pad(b, 3);
	script_builder_jmp(b, SCRIPT_JMP | SCRIPT_JEQ | SCRIPT_K, 1, 0, 0,
			   "too_far");				/* 3 */
	pad(b, 32768);
	script_builder_label(b, "too_far");			/* 32772 */
	script_builder_insn(b, SCRIPT_EXIT_INSN());
	p = (void *)1;
	n = 1;
	CHECK_EQ_INT(finish(b, &p, &n), -ERANGE);
	CHECK(!p && !n, "outputs not cleared on error");
	msg = script_builder_error(b);
	CHECK(strstr(msg, "'too_far'") && strstr(msg, "insn 3"),
	      "message \"%s\"", msg);
	script_builder_free(b);

	/* Backward, one beyond: found at once, and sticky. */
	b = script_builder_new();
	script_builder_label(b, "start");
	pad(b, 32768);
	CHECK_EQ_INT(script_builder_jmp(b, JA, 0, 0, 0, "start"), -ERANGE);
	msg = script_builder_error(b);
	CHECK(strstr(msg, "'start'") && strstr(msg, "insn 32768"),
	      "message \"%s\"", msg);
	CHECK_EQ_INT(script_builder_insn(b, SCRIPT_EXIT_INSN()), -ERANGE);
	CHECK_EQ_INT(script_builder_label(b, "other"), -ERANGE);
	CHECK_EQ_INT(finish(b, &p, &n), -ERANGE);
	CHECK(strstr(script_builder_error(b), "'start'"), "first error kept");
	script_builder_free(b);
}

static void test_calls(void)
{
	struct script_builder *b = script_builder_new();
	struct script_insn *p = NULL;
	size_t n = 0;

	script_builder_insn(b, SCRIPT_MOV64_IMM(1, 1));		/* 0 */
	CHECK_EQ_INT(script_builder_call(b, "sub"), 0);		/* 1 */
	script_builder_insn(b, SCRIPT_EXIT_INSN());		/* 2 */
	script_builder_label(b, "sub");				/* 3 */
	script_builder_insn(b, SCRIPT_MOV64_REG(0, 1));		/* 3 */
	script_builder_insn(b, SCRIPT_EXIT_INSN());		/* 4 */
	script_builder_label(b, "sub2");			/* 5 */
	CHECK_EQ_INT(script_builder_call(b, "sub"), 0);		/* 5 */
	script_builder_insn(b, SCRIPT_EXIT_INSN());		/* 6 */
	CHECK_EQ_INT(finish(b, &p, &n), 0);
	CHECK_EQ_INT(n, 7);
	if (p && n == 7) {
		CHECK_INSN(p[1], SCRIPT_CALL_REL(1));
		CHECK_INSN(p[5], SCRIPT_CALL_REL(-3));
		CHECK_EQ_INT(p[1].src_reg, SCRIPT_PSEUDO_CALL);
	}
	free(p);
	script_builder_free(b);
}

static void test_errors(void)
{
	struct script_builder *b;
	struct script_insn *p = NULL;
	size_t n = 0;
	const char *msg;

	/* A label used and never defined. */
	b = script_builder_new();
	pad(b, 2);
	script_builder_jmp(b, JA, 0, 0, 0, "nowhere");		/* 2 */
	script_builder_insn(b, SCRIPT_EXIT_INSN());
	CHECK_EQ_INT(finish(b, &p, &n), -ENOENT);
	CHECK(!p, "no program on error");
	msg = script_builder_error(b);
	CHECK(strstr(msg, "'nowhere'") && strstr(msg, "insn 2"),
	      "message \"%s\"", msg);
	CHECK_EQ_INT(script_builder_label(b, "nowhere"), -ENOENT);
	script_builder_free(b);

	/* The same for a call. */
	b = script_builder_new();
	script_builder_call(b, "fn");
	script_builder_insn(b, SCRIPT_EXIT_INSN());
	CHECK_EQ_INT(finish(b, &p, &n), -ENOENT);
	CHECK(strstr(script_builder_error(b), "'fn'"), "message \"%s\"",
	      script_builder_error(b));
	script_builder_free(b);

	/* A label defined twice. */
	b = script_builder_new();
	CHECK_EQ_INT(script_builder_label(b, "x"), 0);
	pad(b, 3);
	CHECK_EQ_INT(script_builder_label(b, "x"), -EEXIST);
	msg = script_builder_error(b);
	CHECK(strstr(msg, "'x'") && strstr(msg, "insn 0") &&
	      strstr(msg, "insn 3"), "message \"%s\"", msg);
	CHECK_EQ_INT(finish(b, &p, &n), -EEXIST);
	script_builder_free(b);

	/* Opcodes and registers a jump cannot have. */
	b = script_builder_new();
	CHECK_EQ_INT(script_builder_jmp(b, SCRIPT_JMP | SCRIPT_CALL, 0, 0, 0,
					"l"), -EINVAL);
	CHECK(*script_builder_error(b), "a message");
	script_builder_free(b);
	b = script_builder_new();
	CHECK_EQ_INT(script_builder_jmp(b, SCRIPT_ALU64 | SCRIPT_JEQ, 0, 0, 0,
					"l"), -EINVAL);
	script_builder_free(b);
	b = script_builder_new();
	CHECK_EQ_INT(script_builder_jmp(b, SCRIPT_JMP | SCRIPT_JEQ | SCRIPT_X,
					1, 11, 0, "l"), -EINVAL);
	script_builder_free(b);
	b = script_builder_new();
	CHECK_EQ_INT(script_builder_jmp(b, JA, 1, 0, 0, "l"), -EINVAL);
	script_builder_free(b);
	b = script_builder_new();
	CHECK_EQ_INT(script_builder_label(b, ""), -EINVAL);
	script_builder_free(b);
	b = script_builder_new();
	CHECK_EQ_INT(script_builder_ld_imm64(b, 11, 1), -EINVAL);
	script_builder_free(b);

	/* An empty program. */
	b = script_builder_new();
	CHECK_EQ_INT(finish(b, &p, &n), -EINVAL);
	script_builder_free(b);

	/* NULL builders. */
	CHECK_EQ_INT(script_builder_insn(NULL, SCRIPT_EXIT_INSN()), -EINVAL);
	CHECK_EQ_INT(finish(NULL, &p, &n), -EINVAL);
	script_builder_free(NULL);
}

/* Many labels: the table grows and finds each one again. */
static void test_many_labels(void)
{
	struct script_builder *b = script_builder_new();
	struct script_insn *p = NULL;
	size_t n = 0, i;
	char name[32];
	bool ok = true;

	for (i = 0; i < 3000; i++) {
		snprintf(name, sizeof(name), "l%zu", i);
		script_builder_jmp(b, JA, 0, 0, 0, name);
	}
	for (i = 0; i < 3000; i++) {
		snprintf(name, sizeof(name), "l%zu", 2999 - i);
		script_builder_label(b, name);
		script_builder_insn(b, SCRIPT_EXIT_INSN());
	}
	CHECK_EQ_INT(finish(b, &p, &n), 0);
	CHECK_EQ_INT(n, 6000);
	/* Jump i goes to insn 3000 + (2999 - i). */
	for (i = 0; p && n == 6000 && i < 3000; i++)
		ok &= p[i].off == (__s16)(3000 + 2999 - i - (i + 1));
	CHECK(ok, "jump distances");
	free(p);
	script_builder_free(b);
}

static void test_ld_imm64(void)
{
	struct script_builder *b = script_builder_new();
	struct script_insn *p = NULL;
	size_t n = 0;

	CHECK_EQ_INT(script_builder_ld_imm64(b, 7, 0xfedcba9876543210ULL), 0);
	CHECK_EQ_INT(script_builder_pos(b), 2);
	script_builder_insn(b, SCRIPT_EXIT_INSN());
	CHECK_EQ_INT(finish(b, &p, &n), 0);
	CHECK_EQ_INT(n, 3);
	if (p && n == 3) {
		CHECK_INSN(p[0], SCRIPT_RAW_INSN(0x18, 7, 0, 0,
						 (__s32)0x76543210));
		CHECK_INSN(p[1], SCRIPT_RAW_INSN(0, 0, 0, 0,
						 (__s32)0xfedcba98));
		CHECK_EQ_INT(script_insn_slots(p), 2);
	}
	free(p);
	script_builder_free(b);
}

/*
 * A register machine for what script_builder_op() emits before its call:
 * MOV64 and LD_IMM64 only.  Runs @p from @regs; returns the index of the
 * op call, or -1 (with a failed check) for anything else.
 */
static long simulate(const struct script_insn *p, size_t n, __u64 *regs)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct script_insn *in = &p[i];

		if (in->dst_reg > 5 && in->code != (SCRIPT_JMP | SCRIPT_CALL)) {
			CHECK(0, "insn %zu writes r%u", i, in->dst_reg);
			return -1;
		}
		switch (in->code) {
		case SCRIPT_ALU64 | SCRIPT_MOV | SCRIPT_X:
			regs[in->dst_reg] = regs[in->src_reg];
			break;
		case SCRIPT_ALU64 | SCRIPT_MOV | SCRIPT_K:
			regs[in->dst_reg] = (__u64)(__s64)in->imm;
			break;
		case SCRIPT_LD | SCRIPT_IMM | SCRIPT_DW:
			if (i + 1 >= n)
				return -1;
			regs[in->dst_reg] = (__u32)in->imm |
					    (__u64)(__u32)p[i + 1].imm << 32;
			i++;
			break;
		case SCRIPT_JMP | SCRIPT_CALL:
			return (long)i;
		default:
			CHECK(0, "insn %zu: unexpected code %#x", i, in->code);
			return -1;
		}
	}
	CHECK(0, "no call");
	return -1;
}

static __u64 init_reg(int r)
{
	return 0xa000 + (__u64)r;
}

/*
 * Builds a call of @id with @args, runs the moves and checks that r1 to
 * r<nargs> hold the arguments, r6 to r10 are untouched, the call is last
 * and at most @max_insns were emitted before it (when not 0).
 */
static bool check_op(int id, const struct script_arg *args, int nargs,
		     size_t max_insns)
{
	struct script_builder *b = script_builder_new();
	struct script_insn *p = NULL;
	__u64 regs[11];
	size_t n = 0;
	bool ok = true;
	long call;
	int r, d;

	for (r = 0; r <= 10; r++)
		regs[r] = init_reg(r);
	if (script_builder_op(b, id, args, nargs) || finish(b, &p, &n)) {
		CHECK(0, "op %d: %s", id, script_builder_error(b));
		script_builder_free(b);
		return false;
	}
	call = simulate(p, n, regs);
	ok = call >= 0 && (size_t)call == n - 1 && p[call].imm == id &&
	     p[call].src_reg == 0;
	if (max_insns && (size_t)call > max_insns)
		ok = false;
	for (d = 1; ok && d <= nargs; d++) {
		__u64 want = args[d - 1].is_reg ? init_reg(args[d - 1].val) :
						  (__u64)args[d - 1].val;

		ok = regs[d] == want;
	}
	for (r = 6; ok && r <= 10; r++)
		ok = regs[r] == init_reg(r);
	if (!ok) {
		char text[128];
		int len = 0;

		for (d = 0; d < nargs; d++)
			len += snprintf(text + len, sizeof(text) - len, " %s%lld",
					args[d].is_reg ? "r" : "#",
					(long long)args[d].val);
		CHECK(0, "op %d args%s: wrong moves (%zu insns)", id, text, n);
	}
	free(p);
	script_builder_free(b);
	return ok;
}

static void test_op_moves(void)
{
	struct script_arg swap[] = { R(2), R(1) };
	struct script_arg rot[] = { R(3), R(1), R(2) };
	struct script_arg imms[] = { IMM(1), IMM(0x100000000LL), IMM(-1) };
	struct script_arg edge[] = { IMM(0x80000000LL), IMM(INT32_MIN), R(0) };
	struct script_arg mixed[] = { R(0), R(1), R(10), R(6), IMM(5) };
	struct script_arg same[] = { R(4), R(4), R(4) };
	struct script_builder *b;
	struct script_insn *p = NULL;
	size_t n = 0;

	/* A swap is three moves through r0, then the call. */
	b = script_builder_new();
	CHECK_EQ_INT(script_builder_op(b, SCRIPT_OP_LISTEN, swap, 2), 0);
	CHECK_EQ_INT(finish(b, &p, &n), 0);
	CHECK_EQ_INT(n, 4);
	if (p && n == 4) {
		CHECK_INSN(p[0], SCRIPT_MOV64_REG(0, 1));
		CHECK_INSN(p[1], SCRIPT_MOV64_REG(1, 2));
		CHECK_INSN(p[2], SCRIPT_MOV64_REG(2, 0));
		CHECK_INSN(p[3], SCRIPT_CALL_OP(SCRIPT_OP_LISTEN));
	}
	free(p);
	script_builder_free(b);

	/* Immediates: MOV64 within 32 signed bits, else LD_IMM64. */
	b = script_builder_new();
	CHECK_EQ_INT(script_builder_op(b, SCRIPT_OP_WRITE, imms, 3), 0);
	CHECK_EQ_INT(finish(b, &p, &n), 0);
	CHECK_EQ_INT(n, 5);
	if (p && n == 5) {
		CHECK_INSN(p[0], SCRIPT_MOV64_IMM(1, 1));
		CHECK_INSN(p[1], SCRIPT_RAW_INSN(0x18, 2, 0, 0, 0));
		CHECK_INSN(p[2], SCRIPT_RAW_INSN(0, 0, 0, 0, 1));
		CHECK_INSN(p[3], SCRIPT_MOV64_IMM(3, -1));
		CHECK_INSN(p[4], SCRIPT_CALL_OP(SCRIPT_OP_WRITE));
	}
	free(p);
	script_builder_free(b);

	CHECK(check_op(SCRIPT_OP_LISTEN, swap, 2, 3), "swap");
	CHECK(check_op(SCRIPT_OP_READ, rot, 3, 4), "rotation");
	CHECK(check_op(SCRIPT_OP_READ, imms, 3, 4), "immediates");
	CHECK(check_op(SCRIPT_OP_READ, edge, 3, 4), "32-bit edges");
	CHECK(check_op(SCRIPT_OP_MOVE, mixed, 5, 5), "r0, r6, r10");
	CHECK(check_op(SCRIPT_OP_READ, same, 3, 3), "one register thrice");
	CHECK(check_op(SCRIPT_OP_GETPID, NULL, 0, 0), "no arguments");
}

/*
 * Every 3-argument list over r0 to r10 and two immediates, and every
 * 5-argument list over r0 to r5 and an immediate: r1 to r5 in all their
 * permutations, repeats and cycles among them.
 */
static void test_op_moves_exhaustive(void)
{
	static const struct script_arg imm_small = IMM(77);
	static const struct script_arg imm_big = IMM(0x123456789aLL);
	struct script_arg a[5];
	int i, j, k, fails = 0, cases = 0;
	int idx[5];

	for (i = 0; i < 13 * 13 * 13; i++) {
		int v = i;

		for (k = 0; k < 3; k++, v /= 13) {
			if (v % 13 == 11)
				a[k] = imm_small;
			else if (v % 13 == 12)
				a[k] = imm_big;
			else
				a[k] = R(v % 13);
		}
		/* Each cycle costs one move more; an LD_IMM64 two slots. */
		if (!check_op(SCRIPT_OP_READ, a, 3, 6) && ++fails > 5)
			break;
		cases++;
	}
	for (i = 0; i < 7 * 7 * 7 * 7 * 7 && fails <= 5; i++) {
		int v = i;

		for (k = 0; k < 5; k++, v /= 7) {
			idx[k] = v % 7;
			a[k] = idx[k] == 6 ? imm_small : R(idx[k]);
		}
		if (!check_op(SCRIPT_OP_MOVE, a, 5, 7))
			fails++;
		cases++;
	}
	/* Permutations of r1 to r5 only: n moves plus one per cycle. */
	for (i = 0; i < 5 * 5 * 5 * 5 * 5 && fails <= 5; i++) {
		int v = i, seen = 0, moves = 0, cycles = 0;
		int perm[6];

		for (k = 0; k < 5; k++, v /= 5) {
			perm[k + 1] = v % 5 + 1;
			seen |= 1 << perm[k + 1];
		}
		if (seen != 0x3e)
			continue;
		for (k = 1; k <= 5; k++) {
			a[k - 1] = R(perm[k]);
			if (perm[k] != k)
				moves++;
		}
		/* Count the cycles longer than one. */
		seen = 0;
		for (k = 1; k <= 5; k++) {
			int len = 0;

			for (j = k; !(seen & (1 << j)); j = perm[j]) {
				seen |= 1 << j;
				len++;
			}
			if (len > 1)
				cycles++;
		}
		if (!check_op(SCRIPT_OP_MOVE, a, 5, moves + cycles))
			fails++;
		cases++;
	}
	TEST_NOTE("%d argument lists", cases);
}

static void test_op_errors(void)
{
	struct script_arg two[] = { R(1), R(2) };
	struct script_arg bad[] = { R(1), R(11), IMM(0) };
	struct script_arg neg[] = { R(-1), R(2), IMM(0) };
	struct script_builder *b;
	const char *msg;

	b = script_builder_new();
	CHECK_EQ_INT(script_builder_op(b, SCRIPT_OP_READ, two, 2), -EINVAL);
	msg = script_builder_error(b);
	CHECK(strstr(msg, "read") && strstr(msg, "3"), "message \"%s\"", msg);
	script_builder_free(b);

	b = script_builder_new();
	CHECK_EQ_INT(script_builder_op(b, SCRIPT_OP_READ, bad, 3), -EINVAL);
	CHECK(strstr(script_builder_error(b), "r11"), "message \"%s\"",
	      script_builder_error(b));
	script_builder_free(b);

	b = script_builder_new();
	CHECK_EQ_INT(script_builder_op(b, SCRIPT_OP_READ, neg, 3), -EINVAL);
	script_builder_free(b);

	b = script_builder_new();
	CHECK_EQ_INT(script_builder_op(b, SCRIPT_OP_READ, NULL, 3), -EINVAL);
	script_builder_free(b);

	b = script_builder_new();
	CHECK_EQ_INT(script_builder_op(b, SCRIPT_OP_UNSPEC, NULL, 0), -EINVAL);
	script_builder_free(b);

	b = script_builder_new();
	CHECK_EQ_INT(script_builder_op(b, __SCRIPT_OP_MAX, NULL, 0), -EINVAL);
	CHECK(strstr(script_builder_error(b), "unknown op"), "message \"%s\"",
	      script_builder_error(b));
	/* Sticky. */
	CHECK_EQ_INT(script_builder_getpid(b), -EINVAL);
	script_builder_free(b);
}

/* The generated script_builder_<op>() wrappers. */
static void test_wrappers(void)
{
	struct script_builder *b = script_builder_new();
	struct script_insn *p = NULL;
	__u64 regs[11];
	size_t n = 0;
	long call;
	int r;

	CHECK_EQ_INT(script_builder_getpid(b), 0);
	CHECK_EQ_INT(script_builder_read(b, R(6), R(7), IMM(4096)), 0);
	CHECK_EQ_INT(script_builder_move_bg(b, R(2), R(1), IMM(-1),
					    IMM(1LL << 40)), 0);
	CHECK_EQ_INT(script_builder_memcmp(b, R(3), R(2), R(1)), 0);
	CHECK_EQ_INT(finish(b, &p, &n), 0);
	CHECK(p && n > 4, "program of %zu insns", n);
	if (p && n > 4) {
		CHECK_INSN(p[0], SCRIPT_CALL_OP(SCRIPT_OP_GETPID));
		/* r1 = r6, r2 = r7, r3 = 4096, call read. */
		CHECK_INSN(p[1], SCRIPT_MOV64_REG(1, 6));
		CHECK_INSN(p[2], SCRIPT_MOV64_REG(2, 7));
		CHECK_INSN(p[3], SCRIPT_MOV64_IMM(3, 4096));
		CHECK_INSN(p[4], SCRIPT_CALL_OP(SCRIPT_OP_READ));

		/* move_bg: r1 <-> r2, r3 = -1, r4 = 1 << 40. */
		for (r = 0; r <= 10; r++)
			regs[r] = init_reg(r);
		call = simulate(p + 5, n - 5, regs);
		CHECK(call >= 0 && p[5 + call].imm == SCRIPT_OP_MOVE_BG,
		      "move_bg call");
		CHECK_EQ_INT(regs[1], init_reg(2));
		CHECK_EQ_INT(regs[2], init_reg(1));
		CHECK_EQ_INT(regs[3], -1);
		CHECK_EQ_INT(regs[4], 1LL << 40);
		CHECK_EQ_INT(p[n - 1].imm, SCRIPT_OP_MEMCMP);
	}
	free(p);
	script_builder_free(b);
}

static void test_op_table(void)
{
	int id, bad = 0;

	for (id = SCRIPT_OP_UNSPEC + 1; id < __SCRIPT_OP_MAX; id++) {
		const char *name = script_op_name(id);
		int nargs = script_op_nargs(id);

		if (!name || script_op_id(name) != id || nargs < 0 ||
		    nargs > 5) {
			CHECK(0, "op %d: name %s, id %d, nargs %d", id,
			      name ? name : "(null)",
			      name ? script_op_id(name) : 0, nargs);
			bad++;
		}
	}
	CHECK_EQ_INT(bad, 0);
	CHECK_EQ_STR(script_op_name(SCRIPT_OP_READ), "read");
	CHECK_EQ_STR(script_op_name(SCRIPT_OP_MOVE_BG), "move_bg");
	CHECK_EQ_STR(script_op_name(SCRIPT_OP_COPY_FILE_RANGE),
		     "copy_file_range");
	CHECK_EQ_INT(script_op_nargs(SCRIPT_OP_GETPID), 0);
	CHECK_EQ_INT(script_op_nargs(SCRIPT_OP_READ), 3);
	CHECK_EQ_INT(script_op_nargs(SCRIPT_OP_MOVE), 5);
	CHECK_EQ_INT(script_op_id("close"), SCRIPT_OP_CLOSE);

	CHECK_EQ_STR(script_op_name(SCRIPT_OP_UNSPEC), NULL);
	CHECK_EQ_STR(script_op_name(-1), NULL);
	CHECK_EQ_STR(script_op_name(__SCRIPT_OP_MAX), NULL);
	CHECK_EQ_STR(script_op_name(100000), NULL);
	CHECK_EQ_INT(script_op_nargs(SCRIPT_OP_UNSPEC), -ENOENT);
	CHECK_EQ_INT(script_op_nargs(__SCRIPT_OP_MAX), -ENOENT);
	CHECK_EQ_INT(script_op_id("unspec"), -ENOENT);
	CHECK_EQ_INT(script_op_id("READ"), -ENOENT);
	CHECK_EQ_INT(script_op_id("SCRIPT_OP_READ"), -ENOENT);
	CHECK_EQ_INT(script_op_id(""), -ENOENT);
	CHECK_EQ_INT(script_op_id(NULL), -ENOENT);
}

/*
 * The op names against the uapi header's enum script_op_id: entry i of
 * the enum is SCRIPT_OP_<NAME> with script_op_name(i) its lower case.
 */
static void test_uapi_names(void)
{
	const char *uapi = getenv("UAPI");
	char path[4096], *text = NULL, *p;
	size_t len = 0, cap = 0, got;
	int id = 0;
	FILE *f;

	if (uapi && *uapi)
		snprintf(path, sizeof(path), "%s/linux/script.h", uapi);
	else
		snprintf(path, sizeof(path), "%s", UAPI_SCRIPT_H);
	f = fopen(path, "r");
	CHECK(f, "cannot open %s: %s", path, strerror(errno));
	if (!f)
		return;
	do {
		if (len + 4096 + 1 > cap) {
			cap = (cap + 4096) * 2;
			text = realloc(text, cap);
			if (!text)
				break;
		}
		got = fread(text + len, 1, 4096, f);
		len += got;
	} while (got);
	fclose(f);
	CHECK(text, "out of memory");
	if (!text)
		return;
	text[len] = '\0';

	p = strstr(text, "enum script_op_id {");
	CHECK(p, "%s has no enum script_op_id", path);
	while (p) {
		char name[64];
		size_t i, n;

		p = strstr(p, "SCRIPT_OP_");
		if (!p)
			break;
		p += strlen("SCRIPT_OP_");
		n = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
		if (!n || n >= sizeof(name))
			break;
		for (i = 0; i < n; i++)
			name[i] = tolower((unsigned char)p[i]);
		name[n] = '\0';
		p += n;
		if (p[-n - strlen("SCRIPT_OP_") - 1] == '_')
			break;		/* __SCRIPT_OP_MAX */
		if (id == 0)
			CHECK_EQ_STR(name, "unspec");
		else
			CHECK(script_op_name(id) &&
			      !strcmp(script_op_name(id), name),
			      "uapi op %d is %s, script_ops.def says %s", id,
			      name, script_op_name(id) ? script_op_name(id) :
							 "(null)");
		id++;
	}
	CHECK_EQ_INT(id, __SCRIPT_OP_MAX);
	free(text);
}

/* script_run()'s checks that come before any system call. */
static void test_run_opts(void)
{
	static const struct script_insn prog[] = {
		SCRIPT_MOV64_IMM(0, 0),
		SCRIPT_EXIT_INSN(),
	};
	struct script_run_opts opts = { .sz = 0 };
	struct script_state state;

	CHECK_EQ_INT(script_run(prog, 2, &opts), -EINVAL);
	CHECK_EQ_INT(script_run_fd(0, &opts), -EINVAL);
	/* A resumable run needs the caller's stack. */
	memset(&state, 0, sizeof(state));
	opts.sz = sizeof(opts);
	opts.state = &state;
	CHECK_EQ_INT(script_run(prog, 2, &opts), -EINVAL);
	CHECK_EQ_INT(script_run_fd(0, &opts), -EINVAL);
	opts.stack_size = 4096;
	CHECK_EQ_INT(script_run(prog, 2, &opts), -EINVAL);
}

int main(void)
{
	RUN_TEST(test_insn_macros);
	RUN_TEST(test_labels);
	RUN_TEST(test_jmp32_gotol);
	RUN_TEST(test_range);
	RUN_TEST(test_calls);
	RUN_TEST(test_errors);
	RUN_TEST(test_many_labels);
	RUN_TEST(test_ld_imm64);
	RUN_TEST(test_op_moves);
	RUN_TEST(test_op_moves_exhaustive);
	RUN_TEST(test_op_errors);
	RUN_TEST(test_wrappers);
	RUN_TEST(test_op_table);
	RUN_TEST(test_uapi_names);
	RUN_TEST(test_run_opts);
	return test_main_result();
}
