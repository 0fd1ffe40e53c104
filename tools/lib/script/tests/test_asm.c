// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of libscript's disassembler and assembler:
 *  - every instruction encoding the verifier accepts, with a spread of
 *    registers, offsets and immediates, goes through text and back to the
 *    same bytes, and the text through bytes back to the same text;
 *  - the disassembler prints what llvm-objdump prints for a clang object
 *    (tests/objdump.bpf.c, compiled for -mcpu=v3 and, with clang 17 or
 *    later, -mcpu=v4), and the assembler reads llvm-objdump's output back
 *    into the object's bytes;
 *  - errors: bad registers, operands, mnemonics, labels, ranges, numbers;
 *  - a fuzz loop with a fixed seed over random instructions and text.
 *
 * Run from tests/.  Environment: CLANG (clang), LLVM_OBJDUMP
 * (llvm-objdump) for -mcpu=v3; CLANG_V4 and LLVM_OBJDUMP_V4 (the newest
 * clang-NN and llvm-objdump-NN from 19 down to 17 in PATH) for -mcpu=v4.
 * A missing tool skips its part with a "# SKIP" line.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/elf.h>

#include "libscript.h"
#include "script_insn.h"
#include "test.h"

#define LD_IMM64_CODE	(SCRIPT_LD | SCRIPT_IMM | SCRIPT_DW)

static struct script_insn raw_insn(__u8 code, __u8 dst, __u8 src, __s16 off,
				   __s32 imm)
{
	struct script_insn insn;

	memset(&insn, 0, sizeof(insn));
	insn.code = code;
	insn.dst_reg = dst & 0xf;
	insn.src_reg = src & 0xf;
	insn.off = off;
	insn.imm = imm;
	return insn;
}

/* ---- helpers */

/* script_disasm() into a string the caller frees; NULL on an error. */
static char *disasm_str(const struct script_insn *insns, size_t cnt,
			unsigned int flags, int *ret)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	if (!f) {
		*ret = -errno;
		return NULL;
	}
	*ret = script_disasm(insns, cnt, f, flags);
	fclose(f);
	if (*ret) {
		free(buf);
		return NULL;
	}
	return buf;
}

static bool same_insns(const struct script_insn *a, size_t na,
		       const struct script_insn *b, size_t nb)
{
	return na == nb && (!na || !memcmp(a, b, na * sizeof(*a)));
}

static void hex_insn(const struct script_insn *insn, char *buf)
{
	const unsigned char *p = (const unsigned char *)insn;
	size_t i;

	for (i = 0; i < sizeof(*insn); i++)
		sprintf(buf + 2 * i, "%02x", p[i]);
}

/* The text of one instruction, or "" with *ret < 0. */
static void insn_text(const struct script_insn *insns, size_t cnt,
		      char *buf, size_t size, int *ret)
{
	*ret = script_disasm_insn(insns, cnt, buf, size);
	if (*ret < 0 && size)
		buf[0] = '\0';
}

/*
 * Disassembles the instruction at @insns (@slots slots) and assembles the
 * text: true when that gives the same bytes.  @need_text: the text must
 * not be ".insn" data.
 */
static bool roundtrip_one(const struct script_insn *insns, int slots,
			  bool need_text)
{
	struct script_insn *out = NULL;
	char text[128], err[256], hex[2][17];
	size_t cnt = 0;
	int ret;

	insn_text(insns, (size_t)slots, text, sizeof(text), &ret);
	hex_insn(&insns[0], hex[0]);
	hex_insn(&insns[slots - 1], hex[1]);
	if (ret != slots) {
		CHECK(ret == slots, "disasm of %s %s gave %d, not %d", hex[0],
		      slots == 2 ? hex[1] : "", ret, slots);
		return false;
	}
	if (need_text && !strncmp(text, ".insn", 5)) {
		CHECK(false, "accepted insn %s prints as data: %s", hex[0],
		      text);
		return false;
	}
	ret = script_asm(text, &out, &cnt, err, sizeof(err));
	if (ret || !same_insns(insns, (size_t)slots, out, cnt)) {
		CHECK(false, "\"%s\" (%s) assembles to ret %d, %zu slots: %s",
		      text, hex[0], ret, cnt, err);
		free(out);
		return false;
	}
	free(out);
	return true;
}

/* ---- (a) every accepted encoding, through text and back */

struct prog {
	struct script_insn	*insns;
	size_t			cnt, cap;
};

static void prog_add(struct prog *p, struct script_insn insn)
{
	if (p->cnt == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 1024;
		p->insns = realloc(p->insns, p->cap * sizeof(*p->insns));
		if (!p->insns) {
			perror("realloc");
			exit(1);
		}
	}
	p->insns[p->cnt++] = insn;
}

static const __u8 regs[] = { 0, 1, 2, 5, 9, 10 };

static const __s32 imms[] = {
	0, 1, -1, 7, -32768, 0x12345678, INT32_MAX, INT32_MIN,
};

static const __s16 offs[] = { 0, 1, -1, 8, 32767, -32768 };

static const __u8 alu_ops_all[] = {
	SCRIPT_ADD, SCRIPT_SUB, SCRIPT_MUL, SCRIPT_DIV, SCRIPT_OR, SCRIPT_AND,
	SCRIPT_LSH, SCRIPT_RSH, SCRIPT_MOD, SCRIPT_XOR, SCRIPT_MOV,
	SCRIPT_ARSH,
};

static const __u8 jmp_ops_all[] = {
	SCRIPT_JEQ, SCRIPT_JGT, SCRIPT_JGE, SCRIPT_JSET, SCRIPT_JNE,
	SCRIPT_JSGT, SCRIPT_JSGE, SCRIPT_JLT, SCRIPT_JLE, SCRIPT_JSLT,
	SCRIPT_JSLE,
};

static const __u8 sizes_all[] = { SCRIPT_B, SCRIPT_H, SCRIPT_W, SCRIPT_DW };

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

static void add(struct prog *p, __u8 code, __u8 dst, __u8 src, __s16 off,
		__s32 imm)
{
	prog_add(p, raw_insn(code, dst, src, off, imm));
}

/* ALU or ALU64 (@cls): every operation, K and X, and the variants. */
static void enumerate_alu(struct prog *p, __u8 cls)
{
	static const __s16 mov_offs[] = { 8, 16, 32 };
	static const __s32 widths[] = { 16, 32, 64 };
	size_t o, d, s, i, k;
	__s16 off, off_max;
	__u8 op;

	for (o = 0; o < ARRAY_SIZE(alu_ops_all); o++) {
		op = alu_ops_all[o];
		off_max = op == SCRIPT_DIV || op == SCRIPT_MOD;
		for (off = 0; off <= off_max; off++) {
			for (d = 0; d < ARRAY_SIZE(regs); d++) {
				for (i = 0; i < ARRAY_SIZE(imms); i++)
					add(p, cls | op | SCRIPT_K, regs[d], 0,
					    off, imms[i]);
				for (s = 0; s < ARRAY_SIZE(regs); s++)
					add(p, cls | op | SCRIPT_X, regs[d],
					    regs[s], off, 0);
			}
		}
	}
	/* movsx: (s32) only for ALU64 */
	for (o = 0; o < ARRAY_SIZE(mov_offs); o++) {
		if (mov_offs[o] == 32 && cls == SCRIPT_ALU)
			continue;
		for (d = 0; d < ARRAY_SIZE(regs); d++)
			for (s = 0; s < ARRAY_SIZE(regs); s++)
				add(p, cls | SCRIPT_MOV | SCRIPT_X, regs[d],
				    regs[s], mov_offs[o], 0);
	}
	for (d = 0; d < ARRAY_SIZE(regs); d++)
		add(p, cls | SCRIPT_NEG, regs[d], 0, 0, 0);
	/* le and be for ALU, bswap for ALU64 */
	for (k = 0; k < ARRAY_SIZE(widths); k++) {
		for (d = 0; d < ARRAY_SIZE(regs); d++) {
			add(p, cls | SCRIPT_END | SCRIPT_TO_LE, regs[d], 0, 0,
			    widths[k]);
			if (cls == SCRIPT_ALU)
				add(p, cls | SCRIPT_END | SCRIPT_TO_BE,
				    regs[d], 0, 0, widths[k]);
		}
	}
}

/* JMP or JMP32 (@cls): every comparison, K and X. */
static void enumerate_jmp(struct prog *p, __u8 cls)
{
	size_t o, d, s, i, k;
	__u8 op;

	for (o = 0; o < ARRAY_SIZE(jmp_ops_all); o++) {
		op = jmp_ops_all[o];
		for (d = 0; d < ARRAY_SIZE(regs); d++) {
			for (k = 0; k < ARRAY_SIZE(offs); k++) {
				for (i = 0; i < ARRAY_SIZE(imms); i++)
					add(p, cls | op | SCRIPT_K, regs[d], 0,
					    offs[k], imms[i]);
				for (s = 0; s < ARRAY_SIZE(regs); s++)
					add(p, cls | op | SCRIPT_X, regs[d],
					    regs[s], offs[k], 0);
			}
		}
	}
}

/* LDX, LDX MEMSX, STX and ST of every size. */
static void enumerate_mem(struct prog *p)
{
	size_t k, d, s, o, i;
	__u8 size;
	__s16 off;

	for (k = 0; k < ARRAY_SIZE(sizes_all); k++) {
		size = sizes_all[k];
		for (d = 0; d < ARRAY_SIZE(regs); d++) {
			for (s = 0; s < ARRAY_SIZE(regs); s++) {
				for (o = 0; o < ARRAY_SIZE(offs); o++) {
					off = offs[o];
					add(p, SCRIPT_LDX | SCRIPT_MEM | size,
					    regs[d], regs[s], off, 0);
					if (size != SCRIPT_DW)
						add(p, SCRIPT_LDX | size |
						    SCRIPT_MEMSX, regs[d],
						    regs[s], off, 0);
					add(p, SCRIPT_STX | SCRIPT_MEM | size,
					    regs[d], regs[s], off, 0);
				}
			}
			for (i = 0; i < ARRAY_SIZE(imms); i++)
				add(p, SCRIPT_ST | SCRIPT_MEM | size, regs[d],
				    0, offs[i % ARRAY_SIZE(offs)], imms[i]);
		}
	}
}

/* Every encoding the verifier's check_insns() accepts, and a few more. */
static void enumerate(struct prog *p)
{
	static const __u64 vals[] = {
		0, 1, 0x1234, 0xffffffffULL, 0x100000000ULL,
		0x123456789abcdefULL, 0x7fffffffffffffffULL,
		0x8000000000000000ULL, 0xffffffffffffffffULL,
		0xfffffffffffffff0ULL,
	};
	__u8 call = SCRIPT_JMP | SCRIPT_CALL;
	size_t d, i, k, v;

	enumerate_alu(p, SCRIPT_ALU);
	enumerate_alu(p, SCRIPT_ALU64);
	enumerate_jmp(p, SCRIPT_JMP32);
	enumerate_jmp(p, SCRIPT_JMP);

	for (k = 0; k < ARRAY_SIZE(offs); k++)
		add(p, SCRIPT_JMP | SCRIPT_JA, 0, 0, offs[k], 0);
	for (i = 0; i < ARRAY_SIZE(imms); i++) {
		add(p, SCRIPT_JMP32 | SCRIPT_JA, 0, 0, 0, imms[i]);
		add(p, call, 0, SCRIPT_PSEUDO_CALL, 0, imms[i]);
		/* Op ids this library does not know print as numbers. */
		add(p, call, 0, 0, 0,
		    imms[i] == 1 ? __SCRIPT_OP_MAX : imms[i]);
	}
	for (i = 0; i < __SCRIPT_OP_MAX; i++)
		add(p, call, 0, 0, 0, (__s32)i);
	add(p, SCRIPT_JMP | SCRIPT_EXIT, 0, 0, 0, 0);

	enumerate_mem(p);

	for (d = 0; d < ARRAY_SIZE(regs); d++) {
		for (v = 0; v < ARRAY_SIZE(vals); v++) {
			add(p, LD_IMM64_CODE, regs[d], 0, 0,
			    (__s32)(__u32)vals[v]);
			add(p, 0, 0, 0, 0, (__s32)(__u32)(vals[v] >> 32));
		}
	}
}

static void test_roundtrip_accepted(void)
{
	struct script_insn *out = NULL;
	struct prog p = { 0 };
	size_t i, cnt = 0, ok = 0, n = 0;
	char *text, *text2, err[256];
	unsigned int flags;
	int slots, ret;

	enumerate(&p);
	CHECK(p.cnt <= SCRIPT_MAXINSNS, "%zu slots", p.cnt);

	/* One by one */
	for (i = 0; i < p.cnt; i += (size_t)slots) {
		slots = script_insn_slots(&p.insns[i]);
		n++;
		ok += roundtrip_one(&p.insns[i], slots, true);
	}
	CHECK_EQ_INT(ok, n);
	TEST_NOTE("%zu instructions (%zu slots) round-trip one by one", ok,
		  p.cnt);

	/* As a whole, in the four layouts */
	for (flags = 0; flags < 4; flags++) {
		text = disasm_str(p.insns, p.cnt, flags, &ret);
		CHECK(text, "script_disasm(flags %u): %d", flags, ret);
		if (!text)
			continue;
		ret = script_asm(text, &out, &cnt, err, sizeof(err));
		CHECK(!ret, "script_asm of the whole program: %d: %s", ret,
		      err);
		CHECK(same_insns(p.insns, p.cnt, out, cnt),
		      "flags %u: %zu slots back, not %zu", flags, cnt, p.cnt);
		text2 = out ? disasm_str(out, cnt, flags, &ret) : NULL;
		CHECK(text2 && !strcmp(text, text2),
		      "flags %u: text -> bytes -> text differs", flags);
		free(text2);
		free(text);
		free(out);
		out = NULL;
	}
	free(p.insns);
}

/* Exact texts, from llvm-objdump's syntax and the documented choices. */
static void test_disasm_texts(void)
{
	const struct {
		struct script_insn	insn[2];
		const char		*text;
	} cases[] = {
		{ { SCRIPT_MOV64_IMM(0, 0) }, "r0 = 0" },
		{ { SCRIPT_MOV32_REG(1, 2) }, "w1 = w2" },
		{ { SCRIPT_ALU64_REG(SCRIPT_ADD, 1, 2) }, "r1 += r2" },
		{ { SCRIPT_ALU32_IMM(SCRIPT_LSH, 1, 3) }, "w1 <<= 3" },
		{ { SCRIPT_ALU64_IMM(SCRIPT_ADD, 8, -7) }, "r8 += -7" },
		{ { SCRIPT_ALU64_IMM(SCRIPT_ARSH, 1, 56) }, "r1 s>>= 56" },
		{ { SCRIPT_ALU32_REG(SCRIPT_OR, 4, 3) }, "w4 |= w3" },
		{ { SCRIPT_ALU64_IMM(SCRIPT_MOD, 2, 7) }, "r2 %= 7" },
		{ { SCRIPT_ALU64_IMM(SCRIPT_NEG, 1, 0) }, "r1 = -r1" },
		{ { SCRIPT_ALU32_IMM(SCRIPT_NEG, 1, 0) }, "w1 = -w1" },
		{ { SCRIPT_ENDIAN(SCRIPT_TO_BE, 1, 16) }, "r1 = be16 r1" },
		{ { SCRIPT_ENDIAN(SCRIPT_TO_LE, 1, 64) }, "r1 = le64 r1" },
		{ { SCRIPT_BSWAP(1, 16) }, "r1 = bswap16 r1" },
		{ { SCRIPT_LD_IMM64(0, 0x1234) }, "r0 = 4660 ll" },
		{ { SCRIPT_LD_IMM64(1, -1) }, "r1 = -1 ll" },
		{ { SCRIPT_LD_IMM64(3, 0x123456789abcdefULL) },
		  "r3 = 81985529216486895 ll" },
		{ { SCRIPT_LDX_MEM(SCRIPT_DW, 1, 10, -8) },
		  "r1 = *(u64 *)(r10 - 8)" },
		{ { SCRIPT_LDX_MEM(SCRIPT_DW, 2, 1, 0) },
		  "r2 = *(u64 *)(r1 + 0)" },
		{ { SCRIPT_LDX_MEM(SCRIPT_W, 2, 1, -32768) },
		  "r2 = *(u32 *)(r1 - 32768)" },
		{ { SCRIPT_STX_MEM(SCRIPT_W, 10, 1, -4) },
		  "*(u32 *)(r10 - 4) = r1" },
		{ { SCRIPT_ST_MEM(SCRIPT_B, 1, 2, 7) }, "*(u8 *)(r1 + 2) = 7" },
		{ { SCRIPT_JMP_IMM(SCRIPT_JEQ, 1, 0, 3) },
		  "if r1 == 0 goto +3" },
		{ { SCRIPT_JMP32_REG(SCRIPT_JSGT, 1, 2, -5) },
		  "if w1 s> w2 goto -5" },
		{ { SCRIPT_JMP_REG(SCRIPT_JSET, 1, 2, 0) },
		  "if r1 & r2 goto +0" },
		{ { SCRIPT_JMP_A(2) }, "goto +2" },
		{ { SCRIPT_JMP32_A(5) }, "gotol +5" },
		{ { SCRIPT_JMP32_A(-70000) }, "gotol -70000" },
		{ { SCRIPT_EXIT_INSN() }, "exit" },
		{ { SCRIPT_CALL_OP(SCRIPT_OP_READ) }, "call read" },
		{ { SCRIPT_CALL_OP(SCRIPT_OP_MOVE_BG) }, "call move_bg" },
		{ { SCRIPT_CALL_OP(999) }, "call 999" },
		{ { SCRIPT_CALL_OP(0) }, "call 0" },
		{ { SCRIPT_CALL_REL(5) }, "call pc+5" },
		{ { SCRIPT_CALL_REL(-3) }, "call pc-3" },
		{ { SCRIPT_MOVSX64_REG(1, 2, 8) }, "r1 = (s8)r2" },
		{ { SCRIPT_MOVSX32_REG(1, 2, 16) }, "w1 = (s16)w2" },
		{ { SCRIPT_MOVSX64_REG(1, 2, 32) }, "r1 = (s32)r2" },
		{ { SCRIPT_LDX_MEMSX(SCRIPT_B, 1, 2, 4) },
		  "r1 = *(s8 *)(r2 + 4)" },
		{ { SCRIPT_ALU64_REG_OFF(SCRIPT_DIV, 1, 2, 1) }, "r1 s/= r2" },
		{ { SCRIPT_ALU64_IMM_OFF(SCRIPT_MOD, 1, 3, 1) }, "r1 s%= 3" },
		{ { SCRIPT_ALU32_IMM_OFF(SCRIPT_DIV, 1, -3, 1) }, "w1 s/= -3" },
		/* Encodings with no text: data */
		{ { raw_insn(0x8f, 1, 2, 0, 0) }, ".insn 0x8f21000000000000" },
		{ { raw_insn(0xb7, 11, 0, 0, 1) }, ".insn 0xb70b000001000000" },
		{ { raw_insn(0x07, 1, 0, 0, 0) }, "r1 += 0" },
		{ { raw_insn(0x07, 1, 2, 0, 0) }, ".insn 0x0721000000000000" },
		{ { raw_insn(0x05, 0, 0, 3, 4) }, ".insn 0x0500030004000000" },
		{ { raw_insn(0xbc, 1, 2, 32, 0) }, ".insn 0xbc21200000000000" },
		{ { raw_insn(0xdb, 1, 2, 0, 1) }, ".insn 0xdb21000001000000" },
		{ { raw_insn(LD_IMM64_CODE, 1, 1, 0, 0),
		    raw_insn(0, 0, 0, 0, 0) },
		  ".insn 0x18110000000000000000000000000000" },
		{ { raw_insn(LD_IMM64_CODE, 1, 0, 0, 5),
		    raw_insn(0, 0, 0, 1, 0) },
		  ".insn 0x18010000050000000000010000000000" },
	};
	char buf[128];
	size_t i;
	int ret, slots;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		slots = script_insn_slots(&cases[i].insn[0]);
		insn_text(cases[i].insn, (size_t)slots, buf, sizeof(buf), &ret);
		CHECK(ret == slots && !strcmp(buf, cases[i].text),
		      "case %zu: \"%s\" (%d), expected \"%s\"", i, buf, ret,
		      cases[i].text);
		roundtrip_one(cases[i].insn, slots, false);
	}
}

/* The layout of script_disasm(), that of llvm-objdump -d. */
static void test_disasm_layout(void)
{
	struct script_insn prog[16] = {
		SCRIPT_LD_IMM64(1, 0x123456789abcdefULL),
	};
	char *text;
	int ret;

	prog[12] = SCRIPT_LDX_MEM(SCRIPT_DW, 2, 1, 0);
	prog[13] = SCRIPT_EXIT_INSN();

	static const char ld[] =
		"       0:\t18 01 00 00 ef cd ab 89 00 00 00 00 67 45 23 01\t"
		"r1 = 81985529216486895 ll\n"
		"       2:\t00 00 00 00 00 00 00 00\t"
		".insn 0x0000000000000000\n";
	static const char tail[] =
		"      12:\t79 12 00 00 00 00 00 00\tr2 = *(u64 *)(r1 + 0)\n"
		"      13:\t95 00 00 00 00 00 00 00\texit\n";

	text = disasm_str(prog + 12, 1, SCRIPT_DISASM_RAW, &ret);
	CHECK_EQ_STR(text, "       0:\t79 12 00 00 00 00 00 00\t"
		     "r2 = *(u64 *)(r1 + 0)\n");
	free(text);
	text = disasm_str(prog, 14, SCRIPT_DISASM_RAW, &ret);
	CHECK(text && !strncmp(text, ld, strlen(ld)) &&
	      strlen(text) > strlen(tail) &&
	      !strcmp(text + strlen(text) - strlen(tail), tail),
	      "%s", text ? text : "(null)");
	free(text);
	text = disasm_str(prog + 12, 2, 0, &ret);
	CHECK_EQ_STR(text, "       0:\tr2 = *(u64 *)(r1 + 0)\n"
		     "       1:\texit\n");
	free(text);
	text = disasm_str(prog + 12, 2, SCRIPT_DISASM_NOINDEX, &ret);
	CHECK_EQ_STR(text, "r2 = *(u64 *)(r1 + 0)\nexit\n");
	free(text);
	text = disasm_str(prog + 13, 1,
			  SCRIPT_DISASM_NOINDEX | SCRIPT_DISASM_RAW, &ret);
	CHECK_EQ_STR(text, "95 00 00 00 00 00 00 00\texit\n");
	free(text);
	text = disasm_str(NULL, 0, 0, &ret);
	CHECK(text && !*text && !ret, "empty program: %d", ret);
	free(text);
}

/* ---- (b) llvm-objdump */

static bool have_cmd(const char *name)
{
	char cmd[512];

	if (strchr(name, '\'') || strlen(name) > 400)
		return false;
	snprintf(cmd, sizeof(cmd), "command -v '%s' >/dev/null 2>&1", name);
	return system(cmd) == 0;
}

/* The output of a shell command, or NULL when it fails. */
static char *run_capture(const char *cmd)
{
	char *buf = NULL, *p;
	size_t len = 0, cap = 0, n;
	FILE *f = popen(cmd, "r");

	if (!f)
		return NULL;
	for (;;) {
		if (cap - len < 4096) {
			cap = cap ? 2 * cap : 65536;
			p = realloc(buf, cap);
			if (!p)
				break;
			buf = p;
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		if (!n)
			break;
		len += n;
	}
	if (pclose(f) != 0 || !buf) {
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	return buf;
}

/* The .text section of a little-endian ELF64 object. */
static struct script_insn *elf_text(const char *path, size_t *cnt)
{
	const struct elf64_shdr *sh, *strsh;
	struct script_insn *insns = NULL;
	unsigned char *buf = NULL;
	const struct elf64_hdr *eh;
	size_t size = 0, i;
	long len;
	FILE *f;

	*cnt = 0;
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END))
		goto out;
	len = ftell(f);
	if (len < 0 || fseek(f, 0, SEEK_SET))
		goto out;
	size = (size_t)len;
	buf = malloc(size ? size : 1);
	if (!buf || fread(buf, 1, size, f) != size)
		goto out;
	eh = (const struct elf64_hdr *)buf;
	if (size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh->e_shentsize != sizeof(struct elf64_shdr) ||
	    eh->e_shoff > size ||
	    (size - eh->e_shoff) / sizeof(struct elf64_shdr) < eh->e_shnum ||
	    eh->e_shstrndx >= eh->e_shnum)
		goto out;
	sh = (const struct elf64_shdr *)(buf + eh->e_shoff);
	strsh = &sh[eh->e_shstrndx];
	if (strsh->sh_offset > size || strsh->sh_size > size - strsh->sh_offset)
		goto out;
	for (i = 0; i < eh->e_shnum; i++) {
		if (sh[i].sh_name + 6 > strsh->sh_size ||
		    memcmp(buf + strsh->sh_offset + sh[i].sh_name, ".text",
			   6) ||
		    sh[i].sh_type != SHT_PROGBITS)
			continue;
		if (sh[i].sh_offset > size ||
		    sh[i].sh_size > size - sh[i].sh_offset ||
		    sh[i].sh_size % sizeof(*insns) || !sh[i].sh_size)
			goto out;
		insns = malloc(sh[i].sh_size);
		if (!insns)
			goto out;
		memcpy(insns, buf + sh[i].sh_offset, sh[i].sh_size);
		*cnt = sh[i].sh_size / sizeof(*insns);
		break;
	}
out:
	free(buf);
	fclose(f);
	return insns;
}

/* The index of an instruction line of llvm-objdump ("  12:\t..."), or -1. */
static long objdump_index(const char *line)
{
	const char *p = line;
	long idx = 0;

	while (*p == ' ')
		p++;
	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++)
		idx = idx * 10 + (*p - '0');
	return p[0] == ':' && p[1] == '\t' ? idx : -1;
}

/*
 * An instruction line of llvm-objdump as script_disasm() prints it: without
 * the symbol after a jump ("goto +22 <LBB0_2>"), and with the one text
 * that differs by choice: a call, which llvm-objdump prints as "call N",
 * for an op "call <name>", for a subprogram "call pc+N".  NULL when
 * llvm-objdump printed a call whose number is not the instruction's imm.
 */
static char *normalise(const char *line, const struct script_insn *insns,
		       size_t cnt)
{
	size_t len = strlen(line), size = len + 64;
	const struct script_insn *insn;
	char *out = malloc(size), *text, *p, *end;
	const char *name;
	long idx = objdump_index(line), v;

	if (!out)
		return NULL;
	memcpy(out, line, len + 1);
	if (len && out[len - 1] == '>') {
		p = strrchr(out, '<');
		if (p && p > out && p[-1] == ' ')
			p[-1] = '\0';
	}
	text = strrchr(out, '\t');
	text = text ? text + 1 : out;
	if (idx < 0 || (size_t)idx >= cnt || strncmp(text, "call ", 5))
		return out;
	insn = &insns[idx];
	if (insn->code != (SCRIPT_JMP | SCRIPT_CALL))
		return out;
	errno = 0;
	v = strtol(text + 5, &end, 0);
	if (errno || *end || v != insn->imm) {
		free(out);
		return NULL;
	}
	name = script_op_name(insn->imm);
	if (insn->src_reg == SCRIPT_PSEUDO_CALL)
		snprintf(text, size - (size_t)(text - out), "call pc%+d",
			 insn->imm);
	else if (name)
		snprintf(text, size - (size_t)(text - out), "call %s", name);
	return out;
}

/* Next line of @*s, NUL-terminated in place, or NULL at the end. */
static char *next_line(char **s)
{
	char *line = *s, *nl;

	if (!line || !*line)
		return NULL;
	nl = strchr(line, '\n');
	if (nl) {
		*nl = '\0';
		*s = nl + 1;
	} else {
		*s = line + strlen(line);
	}
	return line;
}

/*
 * Compares the instruction lines of llvm-objdump's @dump with
 * script_disasm() of @insns in the layout @flags: the number of lines
 * compared, all of which must be equal.
 */
/*
 * Lines an llvm-objdump older than 17 gets wrong: instructions it does not
 * know, and the -mcpu=v4 variants of ALU operations (off not 0), which it
 * prints as the plain ones.
 */
static bool old_objdump_skips(const struct script_insn *insn,
			      const char *line)
{
	size_t len = strlen(line);

	return (len >= 9 && !strcmp(line + len - 9, "<unknown>")) ||
	       ((SCRIPT_CLASS(insn->code) == SCRIPT_ALU ||
		 SCRIPT_CLASS(insn->code) == SCRIPT_ALU64) && insn->off);
}

static size_t compare_lines_skip(const char *what, char *dump,
				 const struct script_insn *insns, size_t cnt,
				 unsigned int flags, bool old_objdump,
				 size_t *skipped)
{
	char *ours, *o, *d = dump, *line, *want, *got;
	size_t n = 0, bad = 0;
	long idx;
	int ret;

	ours = disasm_str(insns, cnt, flags, &ret);
	CHECK(ours, "%s: script_disasm: %d", what, ret);
	if (!ours)
		return 0;
	o = ours;
	while ((line = next_line(&d))) {
		idx = objdump_index(line);
		if (idx < 0)
			continue;
		if (old_objdump && (size_t)idx < cnt &&
		    old_objdump_skips(&insns[idx], line)) {
			next_line(&o);
			(*skipped)++;
			continue;
		}
		want = normalise(line, insns, cnt);
		got = next_line(&o);
		n++;
		if (!want || !got || strcmp(want, got)) {
			if (bad++ < 10)
				CHECK(false,
				      "%s: llvm-objdump \"%s\", we \"%s\"",
				      what, line, got ? got : "(end)");
		}
		free(want);
	}
	CHECK(!next_line(&o), "%s: we print more lines than llvm-objdump",
	      what);
	CHECK(!bad, "%s: %zu of %zu lines differ", what, bad, n);
	free(ours);
	return n;
}

static size_t compare_lines(const char *what, char *dump,
			    const struct script_insn *insns, size_t cnt,
			    unsigned int flags)
{
	return compare_lines_skip(what, dump, insns, cnt, flags, false, NULL);
}

/*
 * Assembles llvm-objdump's @dump: the object's bytes, but where
 * @pseudo_ok, a subprogram call may come back as a call of op N (the
 * output has no raw bytes to tell them apart).
 */
static void compare_asm(const char *what, const char *dump,
			const struct script_insn *insns, size_t cnt,
			bool pseudo_ok)
{
	struct script_insn *out = NULL;
	size_t n = 0, i, bad = 0, pseudo = 0;
	char err[256];
	int ret;

	ret = script_asm(dump, &out, &n, err, sizeof(err));
	CHECK(!ret, "%s: script_asm: %d: %s", what, ret, err);
	if (ret)
		return;
	CHECK(n == cnt, "%s: %zu slots, expected %zu", what, n, cnt);
	for (i = 0; i < n && i < cnt; i++) {
		if (!memcmp(&out[i], &insns[i], sizeof(*out)))
			continue;
		if (pseudo_ok && insns[i].code == (SCRIPT_JMP | SCRIPT_CALL) &&
		    insns[i].src_reg == SCRIPT_PSEUDO_CALL &&
		    out[i].src_reg == 0) {
			out[i].src_reg = SCRIPT_PSEUDO_CALL;
			if (!memcmp(&out[i], &insns[i], sizeof(*out))) {
				pseudo++;
				continue;
			}
		}
		if (bad++ < 5)
			CHECK(false, "%s: slot %zu differs", what, i);
	}
	CHECK(!bad, "%s: %zu slots differ", what, bad);
	free(out);
	if (pseudo)
		TEST_NOTE("%s: %zu subprogram calls read as op calls (no raw bytes)",
			  what, pseudo);
}

/* The first of @names (NULL-terminated) in PATH, or NULL. */
static const char *find_cmd(const char *const *names)
{
	for (; *names; names++)
		if (have_cmd(*names))
			return *names;
	return NULL;
}

static char tmpdir[64];

static bool make_tmpdir(void)
{
	if (tmpdir[0])
		return true;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_asm.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		tmpdir[0] = '\0';
		return false;
	}
	return true;
}

static void remove_tmpdir(void)
{
	char cmd[128];

	if (!tmpdir[0])
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd))
		TEST_NOTE("could not remove %s", tmpdir);
}

/* Does @objdump know --no-print-imm-hex (LLVM 15 and later: hex default)? */
static bool objdump_has_hex(const char *objdump)
{
	char cmd[512], *out;
	bool has;

	snprintf(cmd, sizeof(cmd), "'%s' --help 2>/dev/null", objdump);
	out = run_capture(cmd);
	has = out && strstr(out, "--no-print-imm-hex");
	free(out);
	return has;
}

/*
 * Compiles tests/objdump.bpf.c with @clang for @cpu and compares
 * script_disasm() and script_asm() with @objdump on it.
 */
static void objdump_check(const char *clang, const char *cpu,
			  const char *objdump)
{
	char cmd[1024], obj[128], what[96], *dump;
	struct script_insn *insns;
	const char *dec;
	size_t cnt, n;
	bool hex;

	if (strchr(clang, '\'') || strchr(objdump, '\'') ||
	    strlen(clang) > 200 || strlen(objdump) > 200) {
		CHECK(false, "odd tool names %s %s", clang, objdump);
		return;
	}
	if (!make_tmpdir()) {
		CHECK(false, "mkdtemp: %s", strerror(errno));
		return;
	}
	if (access("objdump.bpf.c", R_OK)) {
		CHECK(false, "objdump.bpf.c not found: run from tests/");
		return;
	}
	snprintf(obj, sizeof(obj), "%s/objdump.%s.o", tmpdir, cpu);
	snprintf(cmd, sizeof(cmd),
		 "'%s' -target bpf -O2 -mcpu=%s -Wall -idirafter /usr/include/$(cc -dumpmachine 2>/dev/null || echo x86_64-linux-gnu) -c objdump.bpf.c -o '%s'",
		 clang, cpu, obj);
	if (system(cmd)) {
		CHECK(false, "%s failed", cmd);
		return;
	}
	insns = elf_text(obj, &cnt);
	CHECK(insns, "no .text in %s", obj);
	if (!insns)
		return;

	hex = objdump_has_hex(objdump);
	dec = hex ? "--no-print-imm-hex" : "";

	/* Text: with and without the raw bytes */
	snprintf(what, sizeof(what), "%s -mcpu=%s, %s -d", clang, cpu,
		 objdump);
	snprintf(cmd, sizeof(cmd), "'%s' -d -z %s '%s'", objdump, dec, obj);
	dump = run_capture(cmd);
	CHECK(dump, "%s failed", cmd);
	if (dump) {
		n = compare_lines(what, dump, insns, cnt, SCRIPT_DISASM_RAW);
		TEST_NOTE("%s: %zu lines compared (%zu slots)", what, n, cnt);
		CHECK(n > 50, "%s: only %zu lines", what, n);
		free(dump);
		dump = run_capture(cmd);
		if (dump)
			compare_asm(what, dump, insns, cnt, false);
		free(dump);
	}
	snprintf(cmd, sizeof(cmd), "'%s' -d -z --no-show-raw-insn %s '%s'",
		 objdump, dec, obj);
	dump = run_capture(cmd);
	CHECK(dump, "%s failed", cmd);
	if (dump) {
		snprintf(what, sizeof(what),
			 "%s -mcpu=%s, %s --no-show-raw-insn", clang, cpu,
			 objdump);
		compare_asm(what, dump, insns, cnt, true);
		n = compare_lines(what, dump, insns, cnt, 0);
		TEST_NOTE("%s: %zu lines compared", what, n);
		free(dump);
	}

	/* Assembly of llvm-objdump's other outputs: relocations, hex */
	snprintf(cmd, sizeof(cmd), "'%s' -dr -z %s '%s'", objdump, dec, obj);
	dump = run_capture(cmd);
	CHECK(dump, "%s failed", cmd);
	if (dump) {
		snprintf(what, sizeof(what), "%s -mcpu=%s, %s -dr", clang, cpu,
			 objdump);
		compare_asm(what, dump, insns, cnt, false);
		free(dump);
	}
	if (hex) {
		snprintf(cmd, sizeof(cmd), "'%s' -d -z '%s'", objdump, obj);
		dump = run_capture(cmd);
		CHECK(dump, "%s failed", cmd);
		if (dump) {
			snprintf(what, sizeof(what),
				 "%s -mcpu=%s, %s -d (hex)", clang, cpu,
				 objdump);
			compare_asm(what, dump, insns, cnt, false);
			free(dump);
		}
	}
	free(insns);
}

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && *v ? v : def;
}

/*
 * Every encoding of test_roundtrip_accepted(), put in an object by clang's
 * assembler as data, through @objdump: the same text as ours (for an
 * llvm-objdump older than 17, only the lines it knows), and back.
 */
static void objdump_encodings(const char *clang, const char *objdump,
			      bool old_objdump)
{
	char cmd[1024], src[128], obj[128], what[128], *dump;
	struct script_insn *insns;
	struct prog p = { 0 };
	size_t i, j, cnt, n, skipped = 0;
	const unsigned char *b;
	FILE *f;

	if (!make_tmpdir()) {
		CHECK(false, "mkdtemp: %s", strerror(errno));
		return;
	}
	enumerate(&p);
	snprintf(src, sizeof(src), "%s/encodings.s", tmpdir);
	snprintf(obj, sizeof(obj), "%s/encodings.o", tmpdir);
	f = fopen(src, "w");
	CHECK(f, "%s: %s", src, strerror(errno));
	if (!f)
		goto out;
	fprintf(f, "\t.text\n\t.globl f\nf:\n");
	for (i = 0; i < p.cnt; i++) {
		b = (const unsigned char *)&p.insns[i];
		fprintf(f, "\t.byte 0x%02x", b[0]);
		for (j = 1; j < sizeof(p.insns[i]); j++)
			fprintf(f, ", 0x%02x", b[j]);
		fputc('\n', f);
	}
	if (fclose(f)) {
		CHECK(false, "%s: %s", src, strerror(errno));
		goto out;
	}
	snprintf(cmd, sizeof(cmd), "'%s' -target bpf -c '%s' -o '%s'", clang,
		 src, obj);
	if (system(cmd)) {
		CHECK(false, "%s failed", cmd);
		goto out;
	}
	insns = elf_text(obj, &cnt);
	CHECK(insns && same_insns(insns, cnt, p.insns, p.cnt),
	      "%s: .text is not what was written", obj);
	free(insns);

	snprintf(cmd, sizeof(cmd), "'%s' -d -z %s '%s'", objdump,
		 objdump_has_hex(objdump) ? "--no-print-imm-hex" : "", obj);
	dump = run_capture(cmd);
	CHECK(dump, "%s failed", cmd);
	if (!dump)
		goto out;
	snprintf(what, sizeof(what), "all encodings, %s -d", objdump);
	n = compare_lines_skip(what, dump, p.insns, p.cnt, SCRIPT_DISASM_RAW,
			       old_objdump, &skipped);
	TEST_NOTE("%s: %zu lines compared, %zu it does not know skipped",
		  what, n, skipped);
	free(dump);
	if (!old_objdump) {
		dump = run_capture(cmd);
		if (dump)
			compare_asm(what, dump, p.insns, p.cnt, false);
		free(dump);
	}
out:
	free(p.insns);
}

static void test_objdump_v3(void)
{
	const char *clang = env_or("CLANG", "clang");
	const char *objdump = env_or("LLVM_OBJDUMP", "llvm-objdump");

	if (!have_cmd(clang) || !have_cmd(objdump)) {
		TEST_NOTE("SKIP %s: %s or %s not found", __func__, clang,
			  objdump);
		return;
	}
	objdump_check(clang, "v3", objdump);
	objdump_encodings(clang, objdump, true);
}

/* test_objdump_v4()'s note when the tools it needs are missing */
#define SKIP_V4_NOTE "SKIP %s: no clang and llvm-objdump 17 or later (CLANG_V4 %s, LLVM_OBJDUMP_V4 %s)"

static void test_objdump_v4(void)
{
	static const char *const clangs[] = {
		"clang-19", "clang-18", "clang-17", NULL,
	};
	static const char *const objdumps[] = {
		"llvm-objdump-19", "llvm-objdump-18", "llvm-objdump-17", NULL,
	};
	const char *clang = env_or("CLANG_V4", find_cmd(clangs));
	const char *objdump = env_or("LLVM_OBJDUMP_V4", find_cmd(objdumps));

	if (!clang || !objdump || !have_cmd(clang) || !have_cmd(objdump)) {
		TEST_NOTE(SKIP_V4_NOTE, __func__, clang ? clang : "unset",
			  objdump ? objdump : "unset");
		return;
	}
	objdump_check(clang, "v4", objdump);
	/* The newer llvm-objdump on v3 code too */
	objdump_check(env_or("CLANG", "clang"), "v3", objdump);
	objdump_encodings(clang, objdump, false);
}

/* ---- the assembler's syntax */

static void check_asm(const char *text, const struct script_insn *want,
		      size_t n)
{
	struct script_insn *out = NULL;
	char err[256];
	size_t cnt = 0;
	int ret;

	ret = script_asm(text, &out, &cnt, err, sizeof(err));
	CHECK(!ret && same_insns(want, n, out, cnt),
	      "\"%s\": ret %d, %zu slots (expected %zu): %s", text, ret, cnt,
	      n, err);
	free(out);
}

#define CHECK_ASM(text, ...)						\
	do {								\
		const struct script_insn __want[] = { __VA_ARGS__ };	\
									\
		check_asm(text, __want, ARRAY_SIZE(__want));		\
	} while (0)

static void test_asm_syntax(void)
{
	CHECK_ASM("start:\n\tr0 = 0\nloop: r0 += 1 # count\n"
		  "\tif r0 < 10 goto loop ; again\n\tgoto end\n\tr0 = 1\n"
		  "end:\n\texit\n",
		  SCRIPT_MOV64_IMM(0, 0),
		  SCRIPT_ALU64_IMM(SCRIPT_ADD, 0, 1),
		  SCRIPT_JMP_IMM(SCRIPT_JLT, 0, 10, -2),
		  SCRIPT_JMP_A(1),
		  SCRIPT_MOV64_IMM(0, 1),
		  SCRIPT_EXIT_INSN());
	/* Subprogram calls by label and by distance, op calls */
	CHECK_ASM("call sub\ncall pc+1\ncall pc-3\ncall read\ncall 2\n"
		  "call 0x2\ncall -7\nexit\nsub: r0 = 1\nexit",
		  SCRIPT_CALL_REL(7), SCRIPT_CALL_REL(1), SCRIPT_CALL_REL(-3),
		  SCRIPT_CALL_OP(2), SCRIPT_CALL_OP(2), SCRIPT_CALL_OP(2),
		  SCRIPT_CALL_OP(-7), SCRIPT_EXIT_INSN(),
		  SCRIPT_MOV64_IMM(0, 1), SCRIPT_EXIT_INSN());
	CHECK_ASM("gotol far\nr1 = 2 ll\nfar: if w1 s>= -1 goto far\n"
		  ".L1: goto .L1\nexit: exit",
		  SCRIPT_JMP32_A(2), SCRIPT_LD_IMM64(1, 2),
		  SCRIPT_JMP32_IMM(SCRIPT_JSGE, 1, -1, -1), SCRIPT_JMP_A(-1),
		  SCRIPT_EXIT_INSN());
	/* Numbers: hex, signs, ranges by width */
	CHECK_ASM("w1 = 0xffffffff\nw1 = 4294967295\nr1 = -0x80000000\n"
		  "r1 += 0x7fffffff\nif w2 > 4294967295 goto +0x10\n"
		  "r3 = 0xffffffffffffffff ll\nr3 = -9223372036854775808 ll\n"
		  "*(u32 *)(r1 - 0x8) = 0xffffffff",
		  SCRIPT_MOV32_IMM(1, -1), SCRIPT_MOV32_IMM(1, -1),
		  SCRIPT_MOV64_IMM(1, INT32_MIN),
		  SCRIPT_ALU64_IMM(SCRIPT_ADD, 1, INT32_MAX),
		  SCRIPT_JMP32_IMM(SCRIPT_JGT, 2, -1, 16),
		  SCRIPT_LD_IMM64(3, ~0ULL),
		  SCRIPT_LD_IMM64(3, 0x8000000000000000ULL),
		  SCRIPT_ST_MEM(SCRIPT_W, 1, -8, -1));
	/* Loads and stores through w registers, no offset */
	CHECK_ASM("w1 = *(u32 *)(r2 + 4)\n*(u16 *)(r1) = w3\n"
		  "r1 = *(u8 *)(r2)",
		  SCRIPT_LDX_MEM(SCRIPT_W, 1, 2, 4),
		  SCRIPT_STX_MEM(SCRIPT_H, 1, 3, 0),
		  SCRIPT_LDX_MEM(SCRIPT_B, 1, 2, 0));
	/* Blanks, CRLF, several labels on a line */
	CHECK_ASM("  a: b:c:r1=r2\r\n\tr1+=-1\r\n\t\tw1 s>>=w2 ; x\r\n",
		  SCRIPT_MOV64_REG(1, 2), SCRIPT_ALU64_IMM(SCRIPT_ADD, 1, -1),
		  SCRIPT_ALU32_REG(SCRIPT_ARSH, 1, 2));
	/* .insn data, one and two slots */
	CHECK_ASM(".insn 0x8f21000000000000\n"
		  ".insn 0x18110000000000000000000000000000",
		  raw_insn(0x8f, 1, 2, 0, 0),
		  raw_insn(LD_IMM64_CODE, 1, 1, 0, 0),
		  raw_insn(0, 0, 0, 0, 0));
	/* llvm-objdump -dr output, with headers, symbols, relocations */
	CHECK_ASM("\nt.o:\tfile format elf64-bpf\n\n"
		  "Disassembly of section .text:\n\n"
		  "0000000000000000 <f>:\n"
		  "       0:\t18 02 00 00 00 00 00 00 00 00 00 00 00 00 00 00\t"
		  "r2 = 0 ll\n"
		  "\t\t0000000000000000:  R_BPF_64_64\t.rodata.str1.1\n"
		  "       2:\t85 10 00 00 1f 00 00 00\tcall 31\n"
		  "       3:\t85 10 00 00 ff ff ff ff\tcall -1\n"
		  "\t\t0000000000000030:  R_BPF_64_32\tg\n"
		  "       4:\t85 00 00 00 02 00 00 00\tcall 2\n\n"
		  "0000000000000048 <LBB0_4>:\n"
		  "       5:\t05 00 16 00 00 00 00 00\tgoto +22 <LBB0_2>\n"
		  "       6:\t6e 60 db ff 00 00 00 00\t"
		  "if w0 s> w6 goto -0x25 <LBB0_4>\n"
		  "       7:\t95 00 00 00 00 00 00 00\texit\n",
		  SCRIPT_LD_IMM64(2, 0), SCRIPT_CALL_REL(31),
		  SCRIPT_CALL_REL(-1), SCRIPT_CALL_OP(2), SCRIPT_JMP_A(22),
		  SCRIPT_JMP32_REG(SCRIPT_JSGT, 0, 6, -37), SCRIPT_EXIT_INSN());
	/* What llvm-objdump does not know comes back from its bytes */
	CHECK_ASM("  0:\t8f 21 00 00 00 00 00 00\t<unknown>\n"
		  "  1:\t18 11 00 00 00 00 00 00 00 00 00 00 07 00 00 00\t"
		  "<unknown>",
		  raw_insn(0x8f, 1, 2, 0, 0),
		  raw_insn(LD_IMM64_CODE, 1, 1, 0, 0),
		  raw_insn(0, 0, 0, 0, 7));
	/* A label may name an op when no call names it */
	CHECK_ASM("read: goto read", SCRIPT_JMP_A(-1));
}

/* ---- (c) errors */

static void test_asm_errors(void)
{
	static const struct {
		const char *text;
		const char *err;
	} cases[] = {
		{ "r11 = 1", "line 1: bad register 'r11'" },
		{ "r1 = r11", "line 1: bad register 'r11'" },
		{ "r01 = 1", "line 1: bad register 'r01'" },
		{ "exit\nr1 +=",
		  "line 2: expected a register or a number at the end of the line" },
		{ "exit\n\nr1 = ", "line 3: expected a register or a number" },
		{ "*(u32 *)(r1 + 0) =",
		  "line 1: expected a register or a number" },
		{ "frob r1", "line 1: unknown instruction 'frob'" },
		{ "lddw r1, 5", "line 1: unknown instruction 'lddw'" },
		{ "r1 <- 1",
		  "line 1: expected an assignment operator, not '<-'" },
		{ "goto nowhere\nexit",
		  "line 1: label 'nowhere' is not defined" },
		{ "exit\nif r1 == 0 goto nowhere",
		  "line 2: label 'nowhere' is not defined" },
		{ "goto +32768",
		  "line 1: +32768 does not fit in 16 bits, signed" },
		{ "if r1 == r2 goto -32769",
		  "line 1: -32769 does not fit in 16 bits, signed" },
		{ "gotol +2147483648",
		  "line 1: +2147483648 does not fit in 32 bits, signed" },
		{ "call pc+2147483648", "does not fit in 32 bits, signed" },
		{ "call 4294967295", "does not fit in 32 bits, signed" },
		{ "r1 = 99999999999999999999 ll",
		  "line 1: number '99999999999999999999' is too large" },
		{ "r1 = 0x10000000000000000 ll", "is too large" },
		{ "r1 = -9223372036854775809 ll",
		  "line 1: -9223372036854775809 does not fit in 64 bits" },
		{ "r1 = 4294967295",
		  "line 1: 4294967295 does not fit in 32 bits, signed" },
		{ "r1 = 0xffffffff", "does not fit in 32 bits, signed" },
		{ "w1 = 4294967296",
		  "line 1: 4294967296 does not fit in 32 bits" },
		{ "w1 = -2147483649", "does not fit in 32 bits" },
		{ "r1 += 2147483648", "does not fit in 32 bits, signed" },
		{ "*(u64 *)(r1 + 0) = 4294967295",
		  "does not fit in 32 bits, signed" },
		{ "r1 = *(u64 *)(r2 + 32768)",
		  "line 1: offset 32768 is out of range" },
		{ "r1 = *(u64 *)(r2 - 32769)",
		  "line 1: offset -32769 is out of range" },
		{ "r1 = *(u64 *)(w2 + 0)", "line 1: expected r2, not w2" },
		{ "r1 = *(u128 *)(r2 + 0)",
		  "expected u8, u16, u32, u64, s8, s16 or s32" },
		{ "*(s8 *)(r1 + 0) = r2", "expected u8, u16, u32 or u64" },
		{ "l: exit\nl: exit",
		  "line 2: label 'l' is already defined on line 1" },
		{ "r1 = -r2", "line 1: expected r1, the destination, not r2" },
		{ "r1 = be16 r2", "expected r1, the destination, not r2" },
		{ "w1 = be16 w1", "a byte swap is written r1 = be16 r1" },
		{ "w1 = r2", "line 1: expected w2, not r2" },
		{ "if r1 == w2 goto +1", "expected r2, not w2" },
		{ "if r1 goto +1", "expected a comparison" },
		{ "if r1 == 1 +1", "expected 'goto'" },
		{ "if 1 == r1 goto +1", "expected a register" },
		{ "r1 = (s64)r2", "expected s8, s16 or s32" },
		{ "w1 = (s32)w2", "expected s8 or s16" },
		{ "w1 = 1 ll", "a 64-bit load into w1" },
		{ "*(u64 *)(r1 + 0) = w2", "a 64-bit store of w2" },
		{ "w1 = *(s8 *)(r2 + 0)",
		  "a 64-bit or sign-extending load into w1" },
		{ "w1 = *(u64 *)(r2 + 0)",
		  "a 64-bit or sign-extending load into w1" },
		{ "goto +1 <LBB", "'<' without '>'" },
		{ "r1 = 5 ll extra", "line 1: unexpected 'extra'" },
		{ "exit now", "unexpected 'now'" },
		{ "r1 = 5ll", "expected a register or a number, not '5ll'" },
		{ ".insn 0x1234", ".insn takes 16 or 32 hex digits" },
		{ ".insn 0x8f2100000000000000",
		  ".insn takes 16 or 32 hex digits" },
		{ ".insn 8f21000000000000", "expected '0x'" },
		{ "       0:\t\t...", "llvm-objdump left out zero bytes here" },
		{ "  12:\tbf 21 00\tr1 = r2",
		  "line 1: 3 raw bytes: expected 8 or 16" },
		{ "  12:\tbf 21 00 00 00 00 00 00",
		  "raw bytes without an instruction" },
		{ "", "line 1: no instructions" },
		{ "# nothing\n\n", "line 3: no instructions" },
		{ "read: exit\ncall read",
		  "line 2: 'read' is both an op and a label" },
		{ "call nosuch", "line 1: no op or label 'nosuch'" },
		{ "call",
		  "expected an op, a label or a number at the end of the line" },
		{ "call pc", "no op or label 'pc'" },
		{ "<unknown>", "unknown instruction '<unknown>'" },
		{ "  0:\t8f 21 00 00 00 00 00 00\t<unknown> x",
		  "unexpected 'x'" },
	};
	struct script_insn *out;
	char err[256];
	size_t i, cnt;
	int ret;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		out = (struct script_insn *)1;
		cnt = 1;
		ret = script_asm(cases[i].text, &out, &cnt, err, sizeof(err));
		CHECK(ret == -EINVAL && !out && !cnt &&
		      !strncmp(err, "line ", 5) && strstr(err, cases[i].err),
		      "\"%s\": %d, \"%s\", expected \"%s\"", cases[i].text,
		      ret, err, cases[i].err);
	}

	/* A message cut to the buffer, or no buffer at all */
	ret = script_asm("frob", &out, &cnt, err, 8);
	CHECK(ret == -EINVAL && !strcmp(err, "line 1:"), "%d \"%s\"", ret,
	      err);
	CHECK_EQ_INT(script_asm("frob", &out, &cnt, NULL, 0), -EINVAL);
	CHECK_EQ_INT(script_asm(NULL, &out, &cnt, err, sizeof(err)), -EINVAL);
	CHECK_EQ_INT(script_asm("exit", NULL, &cnt, err, sizeof(err)), -EINVAL);
	CHECK_EQ_INT(script_asm("exit", &out, NULL, err, sizeof(err)), -EINVAL);
}

/* Texts too long to spell out: ranges of jumps, the size bound. */
static void test_asm_limits(void)
{
	size_t n = SCRIPT_MAXINSNS + 2, i, cnt;
	char *text = malloc(n * 5 + 64), *p, err[256];
	struct script_insn *out = NULL;
	int ret;

	if (!text) {
		CHECK(false, "malloc");
		return;
	}

	/* 40000 slots between a jump and its label */
	p = text + sprintf(text, "goto far\nif r1 == 0 goto far\ngotol far\n");
	for (i = 0; i < 40000; i++)
		p += sprintf(p, "exit\n");
	sprintf(p, "far: exit\n");
	ret = script_asm(text, &out, &cnt, err, sizeof(err));
	CHECK(ret == -EINVAL &&
	      strstr(err, "line 1: label 'far' is 40002 instructions away"),
	      "%d %s", ret, err);
	ret = script_asm(strstr(text, "gotol"), &out, &cnt, err, sizeof(err));
	CHECK(!ret && cnt == 40002 && out[0].imm == 40000, "%d %s", ret, err);
	free(out);
	out = NULL;

	/* Backwards */
	p = text + sprintf(text, "back:\n");
	for (i = 0; i < 32768; i++)
		p += sprintf(p, "exit\n");
	sprintf(p, "goto back\n");
	ret = script_asm(text, &out, &cnt, err, sizeof(err));
	CHECK(ret == -EINVAL &&
	      strstr(err, "line 32770: label 'back' is -32769 instructions"),
	      "%d %s", ret, err);
	free(out);
	out = NULL;

	/* Exactly the most slots, then one more */
	p = text;
	for (i = 0; i < SCRIPT_MAXINSNS; i++)
		p += sprintf(p, "exit\n");
	ret = script_asm(text, &out, &cnt, err, sizeof(err));
	CHECK(!ret && cnt == SCRIPT_MAXINSNS, "%d %s", ret, err);
	free(out);
	out = NULL;
	sprintf(p, "exit\n");
	ret = script_asm(text, &out, &cnt, err, sizeof(err));
	CHECK(ret == -EINVAL &&
	      strstr(err, "line 65537: more than 65536 instructions"),
	      "%d %s", ret, err);
	sprintf(p - 5, "r1 = 1 ll\n");
	ret = script_asm(text, &out, &cnt, err, sizeof(err));
	CHECK(ret == -EINVAL && strstr(err, "line 65536: more than"),
	      "%d %s", ret, err);

	/* A label name too long */
	memset(text, 'a', 300);
	memcpy(text + 300, ": exit\n", 8);
	ret = script_asm(text, &out, &cnt, err, sizeof(err));
	CHECK(ret == -EINVAL && strstr(err, "is longer than 256 bytes"),
	      "%d %s", ret, err);
	free(text);
}

static void test_disasm_errors(void)
{
	struct script_insn prog[3] = {
		SCRIPT_MOV64_IMM(0, 0),
		SCRIPT_LD_IMM64(1, 5),
	};
	char buf[64], *text = NULL;
	size_t size = 0;
	FILE *f;
	int ret;

	/* An LD_IMM64 cut short */
	CHECK_EQ_INT(script_disasm_insn(&prog[1], 1, buf, sizeof(buf)),
		     -EINVAL);
	CHECK_EQ_INT(script_disasm_insn(&prog[1], 2, buf, sizeof(buf)), 2);
	CHECK_EQ_STR(buf, "r1 = 5 ll");
	f = open_memstream(&text, &size);
	if (f) {
		ret = script_disasm(prog, 2, f, 0);
		fclose(f);
		CHECK_EQ_INT(ret, -EINVAL);
		CHECK_EQ_STR(text, "       0:\tr0 = 0\n");
		free(text);
	}
	/* Arguments */
	CHECK_EQ_INT(script_disasm_insn(NULL, 1, buf, sizeof(buf)), -EINVAL);
	CHECK_EQ_INT(script_disasm_insn(prog, 0, buf, sizeof(buf)), -EINVAL);
	CHECK_EQ_INT(script_disasm_insn(prog, 1, NULL, 8), -EINVAL);
	CHECK_EQ_INT(script_disasm(prog, 1, NULL, 0), -EINVAL);
	CHECK_EQ_INT(script_disasm(NULL, 1, stdout, 0), -EINVAL);
	CHECK_EQ_INT(script_disasm(prog, 1, stdout, 1U << 7), -EINVAL);
	/* A buffer too small: cut, NUL-terminated */
	CHECK_EQ_INT(script_disasm_insn(&prog[1], 2, buf, 6), -ENOSPC);
	CHECK_EQ_STR(buf, "r1 = ");
	CHECK_EQ_INT(script_disasm_insn(&prog[1], 2, buf, 9), -ENOSPC);
	CHECK_EQ_INT(script_disasm_insn(&prog[1], 2, buf, 10), 2);
	CHECK_EQ_INT(script_disasm_insn(&prog[1], 2, NULL, 0), -ENOSPC);
	prog[0] = raw_insn(0xff, 15, 15, -1, -1);
	CHECK_EQ_INT(script_disasm_insn(prog, 1, buf, 10), -ENOSPC);
	CHECK_EQ_INT(script_disasm_insn(prog, 1, buf, 25), 1);
	CHECK_EQ_STR(buf, ".insn 0xffffffffffffffff");
}

/* ---- (d) fuzz */

static __u64 rng_state = 0x9e3779b97f4a7c15ULL;

static __u64 rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

/* Opcodes of the accepted encodings, from enumerate() */
static __u8 valid_codes[256];
static size_t nr_valid_codes;

static void collect_codes(void)
{
	struct prog p = { 0 };
	bool seen[256] = { false };
	size_t i;

	enumerate(&p);
	for (i = 0; i < p.cnt; i += (size_t)script_insn_slots(&p.insns[i])) {
		if (!seen[p.insns[i].code])
			valid_codes[nr_valid_codes++] = p.insns[i].code;
		seen[p.insns[i].code] = true;
	}
	free(p.insns);
}

/* A random instruction, its fields biased towards valid encodings. */
static struct script_insn random_insn(void)
{
	struct script_insn insn;
	__u64 r = rnd();

	if (r % 4 == 0) {
		r = rnd();
		memcpy(&insn, &r, sizeof(insn));
		return insn;
	}
	if (!nr_valid_codes)
		collect_codes();
	insn = raw_insn(r % 4 == 1 ? (__u8)rnd() :
			valid_codes[rnd() % nr_valid_codes],
			(__u8)(rnd() % 12), (__u8)(rnd() % 12), 0, 0);
	switch (rnd() % 6) {
	case 0:
	case 1:
	case 2:
		break;
	case 3:
		insn.off = (__s16)rnd();
		break;
	default:
		insn.off = (__s16)offs[rnd() % ARRAY_SIZE(offs)];
		break;
	}
	switch (rnd() % 5) {
	case 0:
		break;
	case 1:
		insn.imm = (__s32)rnd();
		break;
	case 2:
		insn.imm = (__s32)(rnd() % 70);
		break;
	default:
		insn.imm = imms[rnd() % ARRAY_SIZE(imms)];
		break;
	}
	if (rnd() % 2 == 0)
		insn.src_reg = 0;
	if (rnd() % 2 == 0)
		insn.imm = 0;
	return insn;
}

static void test_fuzz_insns(void)
{
	struct script_insn insns[2];
	size_t i, n = 200000, ok = 0, data = 0;
	char text[128];
	int ret, want;

	for (i = 0; i < n; i++) {
		insns[0] = random_insn();
		insns[1] = rnd() % 2 ? random_insn() :
				       raw_insn(0, 0, 0, 0, (__s32)rnd());
		/* The last slot: an LD_IMM64 cannot decode */
		insn_text(insns, 1, text, sizeof(text), &ret);
		want = insns[0].code == LD_IMM64_CODE ? -EINVAL : 1;
		CHECK(ret == want, "insn %zu: %d, expected %d", i, ret, want);
		want = script_insn_slots(insns);
		insn_text(insns, 2, text, sizeof(text), &ret);
		if (ret != want) {
			CHECK(ret == want, "insn %zu: %d, expected %d", i, ret,
			      want);
			continue;
		}
		data += !strncmp(text, ".insn", 5);
		ok += roundtrip_one(insns, want, false);
	}
	CHECK_EQ_INT(ok, n);
	TEST_NOTE("%zu random instructions round-trip, %zu of them as .insn",
		  ok, data);
}

static const char *const tokens[] = {
	"r0", "r1", "r10", "r11", "w1", "w10", "w99", "r", "w", "pc",
	"=", "+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=", "%=", "^=",
	"s>>=", "s/=", "s%=", "==", "!=", ">", ">=", "<", "<=", "s>", "s<",
	"s>=", "s<=", "&", "+", "-", "*", "(", ")", "(s8)", "(s16)", "(s32)",
	"*(u8 *)", "*(u16 *)", "*(u32 *)", "*(u64 *)", "*(s8 *)", "*(s32 *)",
	"(r1 + 4)", "(r10 - 8)", "(r2 - 32768)", "(r1)", "0", "1", "-1",
	"+3", "-5", "0x", "0xffffffff", "4294967295", "2147483648",
	"-2147483648", "99999999999999999999999", "0x7fffffffffffffff",
	"-9223372036854775808", "18446744073709551615", "ll", "goto",
	"gotol", "if", "call", "exit", "read", "move_bg", "label", "label:",
	"x:", ".L0:", ".insn", "0x8f21000000000000", "le16", "be64",
	"bswap32", "#", ";", "<", ">", "<LBB0_1>", ":", "12:", "bf", "00",
	"R_BPF_64_64", "...", "\t", " ", "\r", "file format", "\n", "\n",
};

static void random_text(char *buf, size_t size)
{
	size_t len = 0, n = 1 + rnd() % 12, i, t;
	const char *tok;
	char c[2];

	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		if (rnd() % 16 == 0) {
			c[0] = (char)(1 + rnd() % 255);
			c[1] = '\0';
			tok = c;
		} else {
			tok = tokens[rnd() % ARRAY_SIZE(tokens)];
		}
		t = strlen(tok);
		if (len + t + 2 >= size)
			break;
		memcpy(buf + len, tok, t);
		len += t;
		if (rnd() % 3)
			buf[len++] = ' ';
		buf[len] = '\0';
	}
}

/* Changes a byte of @buf, puts one in or takes one out. */
static void mutate(char *buf, size_t size)
{
	static const char chars[] = "r0123456789+-x:#;() *<>=sw";
	size_t len = strlen(buf), pos = len ? rnd() % len : 0;

	switch (rnd() % 3) {
	case 0:
		if (len)
			buf[pos] = (char)(1 + rnd() % 255);
		break;
	case 1:
		if (len + 2 < size) {
			memmove(buf + pos + 1, buf + pos, len - pos + 1);
			buf[pos] = chars[rnd() % (sizeof(chars) - 1)];
		}
		break;
	default:
		if (len)
			memmove(buf + pos, buf + pos + 1, len - pos);
		break;
	}
}

/* A valid line with up to two mutations. */
static void mutated_text(char *buf, size_t size)
{
	struct script_insn insns[2];
	size_t k, m = rnd() % 3;

	insns[0] = random_insn();
	insns[1] = raw_insn(0, 0, 0, 0, (__s32)rnd());
	if (script_disasm_insn(insns, 2, buf, size) < 0)
		snprintf(buf, size, "exit");
	for (k = 0; k < m; k++)
		mutate(buf, size);
}

static void test_fuzz_text(void)
{
	struct script_insn *out, *again;
	size_t i, n = 100000, cnt, cnt2, good = 0, bad = 0, weird = 0;
	char text[512], err[64], *dis;
	int ret;

	for (i = 0; i < n; i++) {
		if (i % 2)
			random_text(text, sizeof(text));
		else
			mutated_text(text, sizeof(text));
		out = NULL;
		memset(err, 'x', sizeof(err));
		ret = script_asm(text, &out, &cnt, err, sizeof(err));
		if (ret) {
			bad++;
			if (ret != -EINVAL || out || cnt ||
			    !memchr(err, '\0', sizeof(err)) ||
			    strncmp(err, "line ", 5)) {
				if (weird++ < 5)
					CHECK(false, "\"%s\": %d \"%.*s\"",
					      text, ret, (int)sizeof(err), err);
			}
			continue;
		}
		good++;
		/* What assembled disassembles and assembles the same */
		dis = disasm_str(out, cnt, SCRIPT_DISASM_RAW, &ret);
		again = NULL;
		cnt2 = 0;
		if (dis)
			ret = script_asm(dis, &again, &cnt2, err, sizeof(err));
		/* A lone first slot of an LD_IMM64 is the only excuse */
		if (!dis && out[cnt - 1].code == LD_IMM64_CODE)
			ret = 0;
		else if (!dis || ret || !same_insns(out, cnt, again, cnt2))
			ret = -1;
		if (ret && weird++ < 5)
			CHECK(false, "\"%s\": %zu slots, back %d", text, cnt,
			      ret);
		free(dis);
		free(again);
		free(out);
	}
	CHECK_EQ_INT(weird, 0);
	TEST_NOTE("%zu random texts: %zu assembled, %zu rejected", n, good,
		  bad);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	RUN_TEST(test_disasm_texts);
	RUN_TEST(test_disasm_layout);
	RUN_TEST(test_roundtrip_accepted);
	RUN_TEST(test_asm_syntax);
	RUN_TEST(test_asm_errors);
	RUN_TEST(test_asm_limits);
	RUN_TEST(test_disasm_errors);
	RUN_TEST(test_objdump_v3);
	RUN_TEST(test_objdump_v4);
	RUN_TEST(test_fuzz_insns);
	RUN_TEST(test_fuzz_text);
	remove_tmpdir();
	return test_main_result();
}
