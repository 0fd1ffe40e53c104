// SPDX-License-Identifier: GPL-2.0
/*
 * Differential test: random straight-line and forward-jumping programs of
 * ALU, ALU32, byte swap, sign-extension and jump instructions run both in
 * script(2) and in a reference evaluator written here from the eBPF
 * instruction set's definition; every register must agree.
 */
#include <errno.h>
#include <stdio.h>

#include "../kselftest_harness.h"
#include "script_util.h"

#define BODY		40	/* random instructions per program */
#define PROGRAMS	400	/* per seed */
#define MAX_INSNS	(9 * 2 + BODY * 2 + 10 + 1)

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static const uint64_t edges[] = {
	0, 1, 2, 7, 31, 32, 63, 64, 65, 0x7f, 0x80, 0xff, 0x7fff, 0x8000,
	0xffff, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ULL,
	0x7fffffffffffffffULL, 0x8000000000000000ULL, ~0ULL, ~1ULL,
	0xffffffff80000000ULL, 0x0123456789abcdefULL,
};

static uint64_t rnd_value(void)
{
	return rnd() % 3 ? edges[rnd() % ARRAY_LEN(edges)] : rnd();
}

/* r0 and r2 to r9 are the data registers; r1 points at the output. */
static unsigned int rnd_reg(void)
{
	unsigned int r = rnd() % 9;

	return r ? r + 1 : 0;
}

static const uint8_t alu_ops[] = {
	SCRIPT_ADD, SCRIPT_SUB, SCRIPT_MUL, SCRIPT_DIV, SCRIPT_OR, SCRIPT_AND,
	SCRIPT_LSH, SCRIPT_RSH, SCRIPT_NEG, SCRIPT_MOD, SCRIPT_XOR, SCRIPT_MOV,
	SCRIPT_ARSH,
};

static const uint8_t jmp_ops[] = {
	SCRIPT_JEQ, SCRIPT_JGT, SCRIPT_JGE, SCRIPT_JSET, SCRIPT_JNE, SCRIPT_JSGT,
	SCRIPT_JSGE, SCRIPT_JLT, SCRIPT_JLE, SCRIPT_JSLT, SCRIPT_JSLE,
};

static struct script_insn rnd_alu(void)
{
	uint8_t class = rnd() % 2 ? SCRIPT_ALU64 : SCRIPT_ALU;
	uint8_t op = alu_ops[rnd() % ARRAY_LEN(alu_ops)];
	unsigned int dst = rnd_reg(), width = class == SCRIPT_ALU64 ? 64 : 32;
	int16_t off = 0;
	int32_t imm;

	if (op == SCRIPT_NEG)
		return I(class | op, dst, 0, 0, 0);
	if ((op == SCRIPT_DIV || op == SCRIPT_MOD) && rnd() % 2)
		off = 1;
	if (rnd() % 2) {
		if (op == SCRIPT_MOV && rnd() % 2) {
			static const int16_t sx[] = { 8, 16, 32 };

			off = sx[rnd() % (class == SCRIPT_ALU64 ? 3 : 2)];
		}
		return I(class | op | SCRIPT_X, dst, rnd_reg(), off, 0);
	}
	imm = (int32_t)rnd_value();
	if (op == SCRIPT_LSH || op == SCRIPT_RSH || op == SCRIPT_ARSH)
		imm = rnd() % width;
	if ((op == SCRIPT_DIV || op == SCRIPT_MOD) && !imm)
		imm = 3;
	return I(class | op | SCRIPT_K, dst, 0, off, imm);
}

static struct script_insn rnd_end(void)
{
	static const int32_t widths[] = { 16, 32, 64 };
	int32_t w = widths[rnd() % 3];

	switch (rnd() % 3) {
	case 0:
		return I(SCRIPT_ALU | SCRIPT_END | SCRIPT_TO_LE, rnd_reg(), 0, 0, w);
	case 1:
		return I(SCRIPT_ALU | SCRIPT_END | SCRIPT_TO_BE, rnd_reg(), 0, 0, w);
	}
	return I(SCRIPT_ALU64 | SCRIPT_END | SCRIPT_TO_LE, rnd_reg(), 0, 0, w);
}

/* A jump; its distance is set once every target is known. */
static struct script_insn rnd_jmp(void)
{
	uint8_t class = rnd() % 2 ? SCRIPT_JMP : SCRIPT_JMP32;
	uint8_t op = jmp_ops[rnd() % ARRAY_LEN(jmp_ops)];

	if (rnd() % 8 == 0)
		return I(class | SCRIPT_JA, 0, 0, 0, 0);
	if (rnd() % 2)
		return I(class | op | SCRIPT_X, rnd_reg(), rnd_reg(), 0, 0);
	return I(class | op | SCRIPT_K, rnd_reg(), 0, 0, (int32_t)rnd_value());
}

static int is_jump(const struct script_insn *insn)
{
	uint8_t class = insn->code & 7;

	return class == SCRIPT_JMP || class == SCRIPT_JMP32;
}

/* Builds a program; returns its length. */
static unsigned int gen(struct script_insn *p)
{
	unsigned int n = 0, i, r, k, starts[BODY + 1];

	for (r = 0; r <= 9; r++) {
		uint64_t v = rnd_value();

		if (r == 1)
			continue;
		p[n++] = LD_IMM64(r, (uint32_t)v);
		p[n++] = LD_IMM64_HI((uint32_t)(v >> 32));
	}
	for (i = 0; i < BODY; i++) {
		unsigned int kind = rnd() % 10;

		starts[i] = n;
		if (kind < 6) {
			p[n++] = rnd_alu();
		} else if (kind < 7) {
			p[n++] = rnd_end();
		} else if (kind < 9) {
			p[n++] = rnd_jmp();
		} else {
			uint64_t v = rnd_value();

			p[n++] = LD_IMM64(rnd_reg(), (uint32_t)v);
			p[n++] = LD_IMM64_HI((uint32_t)(v >> 32));
		}
	}
	starts[BODY] = n;

	/* Forward jumps land on a later body instruction or the stores. */
	for (i = 0; i < BODY; i++) {
		struct script_insn *insn = &p[starts[i]];
		int32_t off;

		if (!is_jump(insn))
			continue;
		k = i + 1 + rnd() % (BODY - i);
		off = starts[k] - starts[i] - 1;
		if (insn->code == (SCRIPT_JMP32 | SCRIPT_JA))
			insn->imm = off;
		else
			insn->off = off;
	}

	for (r = 0; r <= 9; r++)
		if (r != 1)
			p[n++] = STX(SCRIPT_DW, 1, r, 8 * r);
	p[n++] = EXIT;
	return n;
}

/* The reference: eBPF's semantics, written out one case at a time. */
static uint64_t ref_alu64(uint8_t op, uint64_t a, uint64_t b, int16_t off)
{
	int64_t sa = a, sb = b;

	switch (op) {
	case SCRIPT_ADD: return a + b;
	case SCRIPT_SUB: return a - b;
	case SCRIPT_MUL: return a * b;
	case SCRIPT_OR: return a | b;
	case SCRIPT_AND: return a & b;
	case SCRIPT_XOR: return a ^ b;
	case SCRIPT_LSH: return a << (b & 63);
	case SCRIPT_RSH: return a >> (b & 63);
	case SCRIPT_ARSH: return (uint64_t)(sa >> (b & 63));
	case SCRIPT_NEG: return -a;
	case SCRIPT_DIV:
		if (!b)
			return 0;
		if (!off)
			return a / b;
		if (sb == -1)
			return -a;
		return (uint64_t)(sa / sb);
	case SCRIPT_MOD:
		if (!b)
			return a;
		if (!off)
			return a % b;
		if (sb == -1)
			return 0;
		return (uint64_t)(sa % sb);
	case SCRIPT_MOV:
		if (off == 8)
			return (uint64_t)(int64_t)(int8_t)b;
		if (off == 16)
			return (uint64_t)(int64_t)(int16_t)b;
		if (off == 32)
			return (uint64_t)(int64_t)(int32_t)b;
		return b;
	}
	abort();
}

static uint32_t ref_alu32(uint8_t op, uint32_t a, uint32_t b, int16_t off)
{
	int32_t sa = a, sb = b;

	switch (op) {
	case SCRIPT_ADD: return a + b;
	case SCRIPT_SUB: return a - b;
	case SCRIPT_MUL: return a * b;
	case SCRIPT_OR: return a | b;
	case SCRIPT_AND: return a & b;
	case SCRIPT_XOR: return a ^ b;
	case SCRIPT_LSH: return a << (b & 31);
	case SCRIPT_RSH: return a >> (b & 31);
	case SCRIPT_ARSH: return (uint32_t)(sa >> (b & 31));
	case SCRIPT_NEG: return -a;
	case SCRIPT_DIV:
		if (!b)
			return 0;
		if (!off)
			return a / b;
		if (sb == -1)
			return -a;
		return (uint32_t)(sa / sb);
	case SCRIPT_MOD:
		if (!b)
			return a;
		if (!off)
			return a % b;
		if (sb == -1)
			return 0;
		return (uint32_t)(sa % sb);
	case SCRIPT_MOV:
		if (off == 8)
			return (uint32_t)(int32_t)(int8_t)b;
		if (off == 16)
			return (uint32_t)(int32_t)(int16_t)b;
		return b;
	}
	abort();
}

static int ref_cond(uint8_t op, uint64_t a, uint64_t b)
{
	switch (op) {
	case SCRIPT_JEQ: return a == b;
	case SCRIPT_JNE: return a != b;
	case SCRIPT_JGT: return a > b;
	case SCRIPT_JGE: return a >= b;
	case SCRIPT_JLT: return a < b;
	case SCRIPT_JLE: return a <= b;
	case SCRIPT_JSET: return !!(a & b);
	case SCRIPT_JSGT: return (int64_t)a > (int64_t)b;
	case SCRIPT_JSGE: return (int64_t)a >= (int64_t)b;
	case SCRIPT_JSLT: return (int64_t)a < (int64_t)b;
	case SCRIPT_JSLE: return (int64_t)a <= (int64_t)b;
	}
	abort();
}

static int is_signed(uint8_t op)
{
	return op == SCRIPT_JSGT || op == SCRIPT_JSGE || op == SCRIPT_JSLT ||
	       op == SCRIPT_JSLE;
}

static uint64_t swap(uint64_t v, int bits)
{
	uint64_t r = 0;
	int i;

	for (i = 0; i < bits / 8; i++)
		r |= ((v >> (8 * i)) & 0xff) << (bits - 8 - 8 * i);
	return r;
}

/* Runs @p to EXIT; the stores are left out, r holds every register. */
static void ref_run(const struct script_insn *p, uint64_t *r)
{
	unsigned int pc = 0;

	for (;;) {
		const struct script_insn *in = &p[pc++];
		uint8_t class = in->code & 7, op = in->code & 0xf0;
		int x = in->code & SCRIPT_X;
		uint64_t src = x ? r[in->src_reg] : (uint64_t)(int64_t)in->imm;
		uint64_t a, b;

		switch (class) {
		case SCRIPT_LD:
			r[in->dst_reg] = (uint32_t)in->imm |
					 (uint64_t)(uint32_t)p[pc].imm << 32;
			pc++;
			break;
		case SCRIPT_STX:
			break;
		case SCRIPT_ALU64:
			if (op == SCRIPT_END)
				r[in->dst_reg] = swap(r[in->dst_reg], in->imm);
			else
				r[in->dst_reg] = ref_alu64(op, r[in->dst_reg], src, in->off);
			break;
		case SCRIPT_ALU:
			if (op != SCRIPT_END) {
				r[in->dst_reg] = ref_alu32(op, r[in->dst_reg], src, in->off);
				break;
			}
			/* little-endian host: to_le truncates, to_be swaps */
			a = in->imm == 64 ? r[in->dst_reg] :
			    r[in->dst_reg] & ((1ULL << in->imm) - 1);
			r[in->dst_reg] = x ? swap(a, in->imm) : a;
			break;
		case SCRIPT_JMP:
		case SCRIPT_JMP32:
			if (op == SCRIPT_EXIT)
				return;
			if (op == SCRIPT_JA) {
				pc += class == SCRIPT_JMP32 ? in->imm : in->off;
				break;
			}
			a = r[in->dst_reg];
			b = src;
			if (class == SCRIPT_JMP32) {
				a = is_signed(op) ? (uint64_t)(int64_t)(int32_t)a : (uint32_t)a;
				b = is_signed(op) ? (uint64_t)(int64_t)(int32_t)b : (uint32_t)b;
			}
			if (ref_cond(op, a, b))
				pc += in->off;
			break;
		default:
			abort();
		}
	}
}

static void dump(struct __test_metadata *_metadata, const struct script_insn *p,
		 unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		TH_LOG("%3u: %02x %x %x %6d %11d", i, p[i].code, p[i].dst_reg,
		       p[i].src_reg, p[i].off, p[i].imm);
}

static void differential(struct __test_metadata *_metadata, uint64_t seed)
{
	static struct script_insn p[MAX_INSNS];
	unsigned int i, n, r;
	uint64_t out[10], ref[11];
	char log[256];

	rng_state = seed;
	for (i = 0; i < PROGRAMS; i++) {
		struct script_attr attr = { };

		n = gen(p);
		memset(out, 0, sizeof(out));
		memset(ref, 0, sizeof(ref));
		attr.args[0] = (uintptr_t)out;
		attr.log_buf = (uintptr_t)log;
		attr.log_size = sizeof(log);
		attr.log_level = SCRIPT_LOG_ERROR;
		log[0] = 0;
		if (script_run(&attr, p, n)) {
			dump(_metadata, p, n);
			ASSERT_EQ(0, -errno) TH_LOG("seed %llu program %u: %s",
						    (unsigned long long)seed, i, log);
		}
		ref_run(p, ref);
		for (r = 0; r <= 9; r++) {
			if (r == 1)
				continue;
			if (out[r] != ref[r]) {
				dump(_metadata, p, n);
				ASSERT_EQ(ref[r], out[r])
					TH_LOG("seed %llu program %u: r%u differs",
					       (unsigned long long)seed, i, r);
			}
		}
		ASSERT_EQ(ref[0], attr.retval);
	}
}

TEST(seed_1) { differential(_metadata, 1); }
TEST(seed_2) { differential(_metadata, 0x9e3779b97f4a7c15ULL); }
TEST(seed_3) { differential(_metadata, 0xdeadbeefcafef00dULL); }
TEST(seed_4) { differential(_metadata, 4242); }
TEST(seed_5) { differential(_metadata, 0x5eed); }

TEST_HARNESS_MAIN
