// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Disassembler: script(2) instructions as text, in the syntax llvm-objdump
 * prints for "clang -target bpf" objects, so that the two can be compared
 * line by line and script_asm() reads either back.
 *
 * The syntax is that of llvm-objdump 14, numbers in decimal: "r0 = 0",
 * "w1 += w2", "r1 = be16 r1", "r0 = 4660 ll", "r1 = *(u64 *)(r10 - 8)",
 * "*(u32 *)(r10 - 4) = r1", "if w1 s> w2 goto -5", "goto +2", "exit".
 * Instructions llvm-objdump 14 does not know take the form later
 * llvm-objdump versions print (19, with --no-print-imm-hex): "w1 %= 3",
 * "if r1 & r2 goto +1", "*(u8 *)(r1 + 2) = 7", "r1 s/= r2", "r1 s%= 3",
 * "r1 = (s8)r2", "w1 = (s16)w2", "r1 = *(s8 *)(r2 + 4)",
 * "r1 = bswap16 r1", "gotol +5".
 *
 * Two kinds of instruction differ from llvm-objdump, which prints the
 * immediate of every call as a number and so cannot tell them apart:
 *  - a call of an op prints the op's name, "call read"; an id this
 *    library does not know prints as a number, "call 99";
 *  - a subprogram call prints "call pc+N" or "call pc-N", N being the
 *    immediate: the distance from the instruction after the call to the
 *    subprogram's first one, as jumps count and as the kernel's verifier
 *    log prints BPF calls.
 *
 * An encoding that none of these texts gives back exactly (an opcode the
 * verifier does not know, a register above r10, a reserved field that is
 * not zero) prints as ".insn 0x" and the bytes of its slots in the order
 * they lie in memory, as the raw column shows them: 16 hex digits, or 32
 * for the two slots of an LD_IMM64 opcode.  script_asm() reads that back
 * byte for byte, so every program disassembles into a text that assembles
 * into the same bytes.  Instructions that the text renders exactly still
 * print as text when the verifier would reject them for what they do:
 * "r10 = 0", "r1 <<= 64", "w1 /= 0", "call 999", a jump out of the
 * program.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "libscript_internal.h"

/* Longest text of one instruction, its NUL included, with room to spare. */
#define INSN_TEXT_MAX	80

#define LD_IMM64_CODE	(SCRIPT_LD | SCRIPT_IMM | SCRIPT_DW)

/* Operators of the ALU operations, by SCRIPT_OP() >> 4. */
static const char *const alu_ops[16] = {
	[SCRIPT_ADD >> 4]	= "+=",
	[SCRIPT_SUB >> 4]	= "-=",
	[SCRIPT_MUL >> 4]	= "*=",
	[SCRIPT_DIV >> 4]	= "/=",
	[SCRIPT_OR >> 4]	= "|=",
	[SCRIPT_AND >> 4]	= "&=",
	[SCRIPT_LSH >> 4]	= "<<=",
	[SCRIPT_RSH >> 4]	= ">>=",
	[SCRIPT_MOD >> 4]	= "%=",
	[SCRIPT_XOR >> 4]	= "^=",
	[SCRIPT_MOV >> 4]	= "=",
	[SCRIPT_ARSH >> 4]	= "s>>=",
};

/* Comparisons of the conditional jumps, by SCRIPT_OP() >> 4. */
static const char *const jmp_ops[16] = {
	[SCRIPT_JEQ >> 4]	= "==",
	[SCRIPT_JGT >> 4]	= ">",
	[SCRIPT_JGE >> 4]	= ">=",
	[SCRIPT_JSET >> 4]	= "&",
	[SCRIPT_JNE >> 4]	= "!=",
	[SCRIPT_JSGT >> 4]	= "s>",
	[SCRIPT_JSGE >> 4]	= "s>=",
	[SCRIPT_JLT >> 4]	= "<",
	[SCRIPT_JLE >> 4]	= "<=",
	[SCRIPT_JSLT >> 4]	= "s<",
	[SCRIPT_JSLE >> 4]	= "s<=",
};

/* Access sizes, by SCRIPT_SIZE() >> 3: bits of the access. */
static const int size_bits[4] = {
	[SCRIPT_W >> 3]		= 32,
	[SCRIPT_H >> 3]		= 16,
	[SCRIPT_B >> 3]		= 8,
	[SCRIPT_DW >> 3]	= 64,
};

struct text {
	char	*buf;
	size_t	size;
	size_t	len;	/* what the whole text needs, NUL excluded */
};

static void __attribute__((format(printf, 2, 3)))
put(struct text *t, const char *fmt, ...)
{
	size_t room = t->len < t->size ? t->size - t->len : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? t->buf + t->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len += (size_t)n;
}

/* "(r2 + 4)", "(r10 - 8)", "(r1 + 0)" */
static void put_mem(struct text *t, unsigned int reg, __s16 off)
{
	if (off < 0)
		put(t, "(r%u - %d)", reg, -(int)off);
	else
		put(t, "(r%u + %d)", reg, (int)off);
}

/* Text of an ALU or ALU64 instruction; false when it has none. */
static bool alu_text(const struct script_insn *insn, struct text *t)
{
	bool is64 = SCRIPT_CLASS(insn->code) == SCRIPT_ALU64;
	bool x = SCRIPT_SRC(insn->code) == SCRIPT_X;
	unsigned int op = SCRIPT_OP(insn->code);
	unsigned int dst = insn->dst_reg, src = insn->src_reg;
	char r = is64 ? 'r' : 'w';
	const char *sign = "";

	switch (op) {
	case SCRIPT_NEG:
		if (x || src || insn->off || insn->imm)
			return false;
		put(t, "%c%u = -%c%u", r, dst, r, dst);
		return true;
	case SCRIPT_END:
		if ((is64 && x) || src || insn->off)
			return false;
		if (insn->imm != 16 && insn->imm != 32 && insn->imm != 64)
			return false;
		put(t, "r%u = %s%d r%u", dst,
		    is64 ? "bswap" : x ? "be" : "le", insn->imm, dst);
		return true;
	case SCRIPT_DIV:
	case SCRIPT_MOD:
		if (insn->off == 1)
			sign = "s";
		else if (insn->off)
			return false;
		break;
	case SCRIPT_MOV:
		if (!insn->off)
			break;
		if (!x || insn->imm)
			return false;
		if (insn->off != 8 && insn->off != 16 &&
		    !(is64 && insn->off == 32))
			return false;
		put(t, "%c%u = (s%d)%c%u", r, dst, insn->off, r, src);
		return true;
	case SCRIPT_ADD: case SCRIPT_SUB: case SCRIPT_MUL: case SCRIPT_OR:
	case SCRIPT_AND: case SCRIPT_LSH: case SCRIPT_RSH: case SCRIPT_XOR:
	case SCRIPT_ARSH:
		if (insn->off)
			return false;
		break;
	default:
		return false;
	}

	if (x) {
		if (insn->imm)
			return false;
		put(t, "%c%u %s%s %c%u", r, dst, sign, alu_ops[op >> 4], r,
		    src);
	} else {
		if (src)
			return false;
		put(t, "%c%u %s%s %d", r, dst, sign, alu_ops[op >> 4],
		    insn->imm);
	}
	return true;
}

/* Text of a JMP or JMP32 instruction; false when it has none. */
static bool jmp_text(const struct script_insn *insn, struct text *t)
{
	bool is32 = SCRIPT_CLASS(insn->code) == SCRIPT_JMP32;
	bool x = SCRIPT_SRC(insn->code) == SCRIPT_X;
	unsigned int op = SCRIPT_OP(insn->code);
	unsigned int dst = insn->dst_reg, src = insn->src_reg;
	char r = is32 ? 'w' : 'r';
	const char *name;

	switch (op) {
	case SCRIPT_JA:
		if (x || dst || src || (is32 ? insn->off : insn->imm))
			return false;
		if (is32)
			put(t, "gotol %+d", insn->imm);
		else
			put(t, "goto %+d", insn->off);
		return true;
	case SCRIPT_CALL:
		if (is32 || x || dst || insn->off)
			return false;
		if (src == SCRIPT_PSEUDO_CALL) {
			put(t, "call pc%+d", insn->imm);
			return true;
		}
		if (src)
			return false;
		name = script_op_name(insn->imm);
		if (name)
			put(t, "call %s", name);
		else
			put(t, "call %d", insn->imm);
		return true;
	case SCRIPT_EXIT:
		if (is32 || x || dst || src || insn->off || insn->imm)
			return false;
		put(t, "exit");
		return true;
	}

	if (!jmp_ops[op >> 4])
		return false;
	if (x) {
		if (insn->imm)
			return false;
		put(t, "if %c%u %s %c%u goto %+d", r, dst, jmp_ops[op >> 4],
		    r, src, insn->off);
	} else {
		if (src)
			return false;
		put(t, "if %c%u %s %d goto %+d", r, dst, jmp_ops[op >> 4],
		    insn->imm, insn->off);
	}
	return true;
}

/* Text of an LDX, STX or ST instruction; false when it has none. */
static bool mem_text(const struct script_insn *insn, struct text *t)
{
	unsigned int class = SCRIPT_CLASS(insn->code);
	unsigned int mode = SCRIPT_MODE(insn->code);
	int bits = size_bits[SCRIPT_SIZE(insn->code) >> 3];

	if (mode == SCRIPT_MEMSX) {
		if (class != SCRIPT_LDX || bits == 64)
			return false;
	} else if (mode != SCRIPT_MEM) {
		return false;
	}

	switch (class) {
	case SCRIPT_LDX:
		if (insn->imm)
			return false;
		put(t, "r%u = *(%c%d *)", insn->dst_reg,
		    mode == SCRIPT_MEMSX ? 's' : 'u', bits);
		put_mem(t, insn->src_reg, insn->off);
		return true;
	case SCRIPT_STX:
		if (insn->imm)
			return false;
		put(t, "*(u%d *)", bits);
		put_mem(t, insn->dst_reg, insn->off);
		put(t, " = r%u", insn->src_reg);
		return true;
	case SCRIPT_ST:
		if (insn->src_reg)
			return false;
		put(t, "*(u%d *)", bits);
		put_mem(t, insn->dst_reg, insn->off);
		put(t, " = %d", insn->imm);
		return true;
	}
	return false;
}

/* Text of the two slots of an LD_IMM64; false when they have none. */
static bool ld_imm64_text(const struct script_insn *insn, struct text *t)
{
	const struct script_insn *hi = insn + 1;
	__u64 val;

	if (insn->src_reg || insn->off ||
	    hi->code || hi->dst_reg || hi->src_reg || hi->off)
		return false;
	val = (__u64)(__u32)insn->imm | (__u64)(__u32)hi->imm << 32;
	put(t, "r%u = %lld ll", insn->dst_reg, (long long)val);
	return true;
}

/* ".insn 0x" and the bytes of @slots slots, in memory order */
static void raw_text(const struct script_insn *insn, int slots,
		     struct text *t)
{
	const unsigned char *p = (const unsigned char *)insn;
	size_t i;

	put(t, ".insn 0x");
	for (i = 0; i < (size_t)slots * sizeof(*insn); i++)
		put(t, "%02x", p[i]);
}

/**
 * script_disasm_insn() - the text of one instruction
 * @insns: the instruction, and those after it
 * @cnt: number of slots at @insns, at least 1
 * @buf: where the text goes, NUL-terminated
 * @size: bytes at @buf
 *
 * An LD_IMM64 opcode always takes two slots, as script_insn_slots() counts
 * them; when its fields are not those of a 64-bit immediate load, both
 * slots print as one ".insn" line.  See the top of this file for the
 * syntax.
 *
 * Return: the number of slots the instruction took, 1 or 2; -EINVAL for
 * a NULL argument, @cnt 0 or an LD_IMM64 opcode in the last slot;
 * -ENOSPC when @size is too small for the text (which is then cut short,
 * and NUL-terminated when @size is not 0).
 */
int script_disasm_insn(const struct script_insn *insns, size_t cnt,
		       char *buf, size_t size)
{
	struct text t = { .buf = buf, .size = size };
	const struct script_insn *insn = insns;
	int slots = 1;
	bool ok;

	if (!insns || !cnt || (!buf && size))
		return -EINVAL;
	if (size)
		buf[0] = '\0';

	if (insn->code == LD_IMM64_CODE) {
		if (cnt < 2)
			return -EINVAL;
		slots = 2;
	}

	if (insn->dst_reg > SCRIPT_REG_10 || insn->src_reg > SCRIPT_REG_10) {
		ok = false;
	} else {
		switch (SCRIPT_CLASS(insn->code)) {
		case SCRIPT_ALU:
		case SCRIPT_ALU64:
			ok = alu_text(insn, &t);
			break;
		case SCRIPT_JMP:
		case SCRIPT_JMP32:
			ok = jmp_text(insn, &t);
			break;
		case SCRIPT_LD:
			ok = slots == 2 && ld_imm64_text(insn, &t);
			break;
		default:
			ok = mem_text(insn, &t);
			break;
		}
	}
	if (!ok) {
		t.len = 0;
		if (size)
			buf[0] = '\0';
		raw_text(insn, slots, &t);
	}
	if (t.len >= size)
		return -ENOSPC;
	return slots;
}

/**
 * script_disasm() - print a program, one instruction a line
 * @insns: the program
 * @cnt: its number of slots
 * @out: where the lines go
 * @flags: SCRIPT_DISASM_*
 *
 * Prints the layout of "llvm-objdump -d": a line is the index of the
 * instruction's first slot right-aligned in 8 columns and a colon
 * (not with %SCRIPT_DISASM_NOINDEX), a tab, with %SCRIPT_DISASM_RAW the
 * bytes of the instruction as two hex digits each, separated by spaces,
 * and a tab (an LD_IMM64 shows its 16 bytes on its one line, as
 * llvm-objdump does), then the text:
 *
 *	"      12:\t79 12 00 00 00 00 00 00\tr2 = *(u64 *)(r1 + 0)\n"
 *
 * Without the index the line starts with the bytes, or the text.
 *
 * Return: 0; -EINVAL for a NULL argument, an unknown flag or a program
 * that ends in the middle of an LD_IMM64 (the lines before it are
 * printed); -EIO when writing to @out failed.
 */
int script_disasm(const struct script_insn *insns, size_t cnt, FILE *out,
		  unsigned int flags)
{
	char text[INSN_TEXT_MAX];
	size_t i, j;
	int slots;

	if (!out || (!insns && cnt) ||
	    (flags & ~(SCRIPT_DISASM_RAW | SCRIPT_DISASM_NOINDEX)))
		return -EINVAL;

	for (i = 0; i < cnt; i += (size_t)slots) {
		slots = script_disasm_insn(insns + i, cnt - i, text,
					   sizeof(text));
		if (slots < 0)
			return slots;
		if (!(flags & SCRIPT_DISASM_NOINDEX) &&
		    fprintf(out, "%8zu:\t", i) < 0)
			return -EIO;
		if (flags & SCRIPT_DISASM_RAW) {
			const unsigned char *p =
				(const unsigned char *)(insns + i);

			for (j = 0; j < (size_t)slots * sizeof(*insns); j++)
				if (fprintf(out, j ? " %02x" : "%02x",
					    p[j]) < 0)
					return -EIO;
			if (fputc('\t', out) == EOF)
				return -EIO;
		}
		if (fputs(text, out) == EOF || fputc('\n', out) == EOF)
			return -EIO;
	}
	return 0;
}
