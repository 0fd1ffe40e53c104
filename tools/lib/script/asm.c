// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Assembler: the text script_disasm() prints (see disasm.c for its syntax)
 * back into instructions, and what "llvm-objdump -d" prints for a clang
 * object, with or without the raw bytes.
 *
 * A line holds, each part optional:
 *  - an index, decimal digits and a colon ("  12:"), which is ignored;
 *  - raw bytes, 8 or 16 tokens of two hex digits ("79 12 00 ..."), which
 *    serve only to tell "call N" apart (llvm-objdump prints a subprogram
 *    call as a plain number too, and the bytes then show src_reg 1) and
 *    to stand for the instruction that llvm-objdump prints as "<unknown>";
 *  - label definitions, "name:", a name being a letter, "_" or "." and
 *    then letters, digits, "_" and ".";
 *  - one instruction;
 *  - a comment, from "#" or ";" to the end of the line.
 * Jump distances are numbers, decimal or hex, "+3", "-0x5", or a label:
 * "goto out", "if r1 == 0 goto out", "gotol far"; what llvm-objdump adds
 * after a distance, "<LBB0_2>", is ignored.  "call NAME" calls the op of
 * that name, or the subprogram at label NAME (a name that is both is an
 * error); "call N" calls op N, "call pc+N" and "call pc-N" the subprogram
 * N slots after the call's next instruction.  ".insn 0x" with 16 or 32
 * hex digits gives the bytes of one or two slots in memory order.
 *
 * The lines llvm-objdump prints around the instructions are skipped: the
 * "FILE:\tfile format ..." and "Disassembly of section ...:" headers,
 * symbols ("0000000000000048 <LBB0_4>:") and relocations
 * ("0000000000000030:  R_BPF_64_32\tg").  Its "..." for zero bytes it
 * left out is an error: those need "llvm-objdump -z".
 *
 * Immediates are range-checked for where they go: a 64-bit operation or
 * comparison, and a 64-bit store, take -2^31 to 2^31-1 (the value is
 * sign-extended), 32-bit ones and narrower stores -2^31 to 2^32-1, an
 * LD_IMM64 -2^63 to 2^64-1, offsets and "goto" distances 16 bits.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libscript_internal.h"

#define LD_IMM64_CODE	(SCRIPT_LD | SCRIPT_IMM | SCRIPT_DW)

#define MAX_LABELS	(1U << 20)	/* label definitions in one text */
#define MAX_NAME	256		/* bytes of a label's name */
#define SHOW_MAX	40		/* bytes of a name a message shows */

struct label {
	const char	*name;		/* in the text; NULL: a free entry */
	size_t		len;
	size_t		pos;		/* the slot it names */
	unsigned int	line;
};

enum fixup_kind {
	FIX_JMP,	/* 16-bit off of a jump */
	FIX_JMP32,	/* 32-bit imm of a gotol */
	FIX_CALL,	/* an op or a subprogram, by name */
};

struct fixup {
	const char	*name;
	size_t		len;
	size_t		pc;
	unsigned int	line;
	enum fixup_kind	kind;
};

struct assembler {
	struct script_insn	*insns;
	size_t			cnt, cap;
	struct label		*labels;	/* open addressing */
	size_t			nlabels, labels_cap;
	struct fixup		*fixups;
	size_t			nfixups, fixups_cap;
	unsigned int		line;
	char			*err;
	size_t			err_size;
};

/* The rest of a line: [p, end) */
struct cursor {
	const char	*p;
	const char	*end;
};

/* A number as written: its sign and magnitude */
struct number {
	bool	neg;
	__u64	mag;
};

static int __attribute__((format(printf, 2, 3)))
fail(struct assembler *as, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!as->err || !as->err_size)
		return -EINVAL;
	n = snprintf(as->err, as->err_size, "line %u: ", as->line);
	if (n >= 0 && (size_t)n < as->err_size) {
		va_start(ap, fmt);
		vsnprintf(as->err + n, as->err_size - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* ---- characters and tokens */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool is_ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '_' || c == '.';
}

static bool is_ident(char c)
{
	return is_ident_start(c) || is_digit(c);
}

static void skip_space(struct cursor *c)
{
	while (c->p < c->end && is_space(*c->p))
		c->p++;
}

static bool at_end(struct cursor *c)
{
	skip_space(c);
	return c->p == c->end;
}

/* Takes @s when the text goes on with it (after blanks). */
static bool take(struct cursor *c, const char *s)
{
	size_t n = strlen(s);

	skip_space(c);
	if ((size_t)(c->end - c->p) < n || memcmp(c->p, s, n))
		return false;
	c->p += n;
	return true;
}

/* Takes the word @s, not followed by a letter, digit, "_" or ".". */
static bool take_word(struct cursor *c, const char *s)
{
	struct cursor save = *c;

	if (!take(c, s))
		return false;
	if (c->p < c->end && is_ident(*c->p)) {
		*c = save;
		return false;
	}
	return true;
}

/* A name: its length, 0 when there is none. */
static size_t ident_len(const struct cursor *c)
{
	const char *p = c->p;

	if (p == c->end || !is_ident_start(*p))
		return 0;
	while (p < c->end && is_ident(*p))
		p++;
	return (size_t)(p - c->p);
}

/* Up to SHOW_MAX bytes of what follows, for a message. */
static int show_len(const struct cursor *c)
{
	size_t n = 0;

	while (c->p + n < c->end && n < SHOW_MAX && !is_space(c->p[n]))
		n++;
	return (int)n;
}

static int unexpected(struct assembler *as, struct cursor *c,
		      const char *what)
{
	skip_space(c);
	if (c->p == c->end)
		return fail(as, "expected %s at the end of the line", what);
	return fail(as, "expected %s, not '%.*s'", what, show_len(c), c->p);
}

static int expect(struct assembler *as, struct cursor *c, const char *s)
{
	char what[16];

	if (take(c, s))
		return 0;
	snprintf(what, sizeof(what), "'%s'", s);
	return unexpected(as, c, what);
}

static int expect_end(struct assembler *as, struct cursor *c)
{
	if (at_end(c))
		return 0;
	return fail(as, "unexpected '%.*s'", show_len(c), c->p);
}

/*
 * A number: an optional sign when @sign, then decimal digits or "0x" and
 * hex digits.  0, -ENOENT when there is none, -ERANGE (with a message)
 * when it does not fit in 64 bits.
 */
static int parse_number(struct assembler *as, struct cursor *c, bool sign,
			struct number *n)
{
	const char *p;
	unsigned int base = 10;
	int d, digits = 0;

	skip_space(c);
	p = c->p;
	n->neg = false;
	n->mag = 0;
	if (sign && p < c->end && (*p == '+' || *p == '-'))
		n->neg = *p++ == '-';
	if (c->end - p >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
	    c->end - p >= 3 && hex_val(p[2]) >= 0) {
		base = 16;
		p += 2;
	}
	for (; p < c->end; p++, digits++) {
		d = hex_val(*p);
		if (d < 0 || (unsigned int)d >= base)
			break;
		if (n->mag > (UINT64_MAX - (unsigned int)d) / base) {
			fail(as, "number '%.*s' is too large", show_len(c),
			     c->p);
			return -ERANGE;
		}
		n->mag = n->mag * base + (unsigned int)d;
	}
	if (!digits || (p < c->end && is_ident(*p)))
		return -ENOENT;
	c->p = p;
	return 0;
}

/*
 * The value of @n when it lies in [-2^(bits-1), 2^(bits-1) - 1], or
 * with @wrap in [-2^(bits-1), 2^bits - 1], taken modulo 2^bits.
 */
static bool number_fits(const struct number *n, unsigned int bits,
			bool wrap, __s64 *val)
{
	__u64 half = 1ULL << (bits - 1);
	__u64 max = wrap ? half - 1 + half : half - 1;

	if (n->neg ? n->mag > half : n->mag > max)
		return false;
	*val = (__s64)(n->neg ? 0 - n->mag : n->mag);
	if (bits < 64 && *val >= (__s64)half)
		*val -= (__s64)(half << 1);
	return true;
}

/*
 * A number for a field of @bits bits (see number_fits()): 0, or an error
 * with a message naming @what.
 */
static int parse_value(struct assembler *as, struct cursor *c, bool sign,
		       unsigned int bits, bool wrap, const char *what,
		       __s64 *val)
{
	struct cursor start = *c;
	struct number n;
	int err;

	err = parse_number(as, c, sign, &n);
	if (err == -ENOENT)
		return unexpected(as, c, what);
	if (err)
		return -EINVAL;
	if (!number_fits(&n, bits, wrap, val)) {
		skip_space(&start);
		return fail(as, "%.*s does not fit in %u bits%s",
			    (int)(c->p - start.p), start.p, bits,
			    wrap ? "" : ", signed");
	}
	return 0;
}

/*
 * A register, "r0" to "r10" or "w0" to "w10": 0 and *@reg, *@is32;
 * -ENOENT when the text does not start with one; -EINVAL with a message
 * for "r11".
 */
static int parse_reg(struct assembler *as, struct cursor *c, __u8 *reg,
		     bool *is32)
{
	const char *p;
	unsigned int r = 0;

	skip_space(c);
	p = c->p;
	if (c->end - p < 2 || (p[0] != 'r' && p[0] != 'w') || !is_digit(p[1]))
		return -ENOENT;
	for (p++; p < c->end && is_digit(*p); p++)
		if (r <= SCRIPT_REG_10)
			r = r * 10 + (unsigned int)(*p - '0');
	if (p < c->end && is_ident(*p))
		return -ENOENT;
	if (r > SCRIPT_REG_10 || (p - c->p > 2 && c->p[1] == '0'))
		return fail(as, "bad register '%.*s'", (int)(p - c->p), c->p);
	*reg = (__u8)r;
	*is32 = c->p[0] == 'w';
	c->p = p;
	return 0;
}

/* A register of the width @is32: 0 or an error with a message. */
static int expect_reg(struct assembler *as, struct cursor *c, bool is32,
		      __u8 *reg)
{
	bool w;
	int err;

	err = parse_reg(as, c, reg, &w);
	if (err == -ENOENT)
		return unexpected(as, c, is32 ? "a register w0 to w10" :
				  "a register r0 to r10");
	if (err)
		return err;
	if (w != is32)
		return fail(as, "expected %c%u, not %c%u", is32 ? 'w' : 'r',
			    *reg, w ? 'w' : 'r', *reg);
	return 0;
}

/* ---- output */

static int emit(struct assembler *as, struct script_insn insn)
{
	struct script_insn *p;
	size_t cap;

	if (as->cnt >= SCRIPT_MAXINSNS)
		return fail(as, "more than %u instructions", SCRIPT_MAXINSNS);
	if (as->cnt == as->cap) {
		cap = as->cap ? as->cap * 2 : 64;
		p = realloc(as->insns, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		as->insns = p;
		as->cap = cap;
	}
	as->insns[as->cnt++] = insn;
	return 0;
}

static struct script_insn insn_of(__u8 code, __u8 dst, __u8 src, __s16 off,
				  __s32 imm)
{
	struct script_insn insn = {
		.code = code, .dst_reg = dst, .src_reg = src,
		.off = off, .imm = imm,
	};

	return insn;
}

/* ---- labels */

static size_t hash_name(const char *name, size_t len)
{
	size_t h = 2166136261u, i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)name[i]) * 16777619u;
	return h;
}

static struct label *find_label(struct assembler *as, const char *name,
				size_t len)
{
	size_t mask = as->labels_cap - 1, i;
	struct label *l;

	if (!as->labels_cap)
		return NULL;
	for (i = hash_name(name, len) & mask;; i = (i + 1) & mask) {
		l = &as->labels[i];
		if (!l->name)
			return NULL;
		if (l->len == len && !memcmp(l->name, name, len))
			return l;
	}
}

static int grow_labels(struct assembler *as)
{
	size_t cap = as->labels_cap ? as->labels_cap * 2 : 64, i, j;
	struct label *labels = calloc(cap, sizeof(*labels));

	if (!labels)
		return -ENOMEM;
	for (i = 0; i < as->labels_cap; i++) {
		if (!as->labels[i].name)
			continue;
		j = hash_name(as->labels[i].name, as->labels[i].len);
		for (j &= cap - 1; labels[j].name; j = (j + 1) & (cap - 1))
			;
		labels[j] = as->labels[i];
	}
	free(as->labels);
	as->labels = labels;
	as->labels_cap = cap;
	return 0;
}

static int define_label(struct assembler *as, const char *name, size_t len)
{
	struct label *l;
	size_t i;
	int err;

	if (len > MAX_NAME)
		return fail(as, "label '%.*s...' is longer than %d bytes",
			    SHOW_MAX, name, MAX_NAME);
	l = find_label(as, name, len);
	if (l)
		return fail(as, "label '%.*s' is already defined on line %u",
			    (int)len, name, l->line);
	if (as->nlabels >= MAX_LABELS)
		return fail(as, "more than %u labels", MAX_LABELS);
	if ((as->nlabels + 1) * 2 > as->labels_cap) {
		err = grow_labels(as);
		if (err)
			return err;
	}
	i = hash_name(name, len) & (as->labels_cap - 1);
	while (as->labels[i].name)
		i = (i + 1) & (as->labels_cap - 1);
	as->labels[i] = (struct label){
		.name = name, .len = len, .pos = as->cnt, .line = as->line,
	};
	as->nlabels++;
	return 0;
}

/* Notes that the instruction about to be emitted refers to a label. */
static int add_fixup(struct assembler *as, enum fixup_kind kind,
		     const char *name, size_t len)
{
	struct fixup *p;
	size_t cap;

	if (len > MAX_NAME)
		return fail(as, "label '%.*s...' is longer than %d bytes",
			    SHOW_MAX, name, MAX_NAME);
	if (as->nfixups == as->fixups_cap) {
		cap = as->fixups_cap ? as->fixups_cap * 2 : 16;
		p = realloc(as->fixups, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		as->fixups = p;
		as->fixups_cap = cap;
	}
	as->fixups[as->nfixups++] = (struct fixup){
		.name = name, .len = len, .pc = as->cnt, .line = as->line,
		.kind = kind,
	};
	return 0;
}

/* The op named @name, or -ENOENT. */
static int op_by_name(const char *name, size_t len)
{
	char buf[32];

	if (len >= sizeof(buf))
		return -ENOENT;
	memcpy(buf, name, len);
	buf[len] = '\0';
	return script_op_id(buf);
}

static int resolve(struct assembler *as)
{
	struct script_insn *insn;
	struct fixup *f;
	struct label *l;
	__s64 dist;
	size_t i;
	int id;

	for (i = 0; i < as->nfixups; i++) {
		f = &as->fixups[i];
		insn = &as->insns[f->pc];
		as->line = f->line;
		l = find_label(as, f->name, f->len);
		if (f->kind == FIX_CALL) {
			id = op_by_name(f->name, f->len);
			if (l && id >= 0)
				return fail(as,
					    "'%.*s' is both an op and a label",
					    (int)f->len, f->name);
			if (!l && id < 0)
				return fail(as, "no op or label '%.*s'",
					    (int)f->len, f->name);
			if (!l) {
				insn->imm = id;
				continue;
			}
		} else if (!l) {
			return fail(as, "label '%.*s' is not defined",
				    (int)f->len, f->name);
		}
		dist = (__s64)l->pos - (__s64)f->pc - 1;
		if (f->kind == FIX_JMP) {
			if (dist < SHRT_MIN || dist > SHRT_MAX)
				return fail(as,
					    "label '%.*s' is %lld instructions away, beyond the 16 bits of a jump",
					    (int)f->len, f->name,
					    (long long)dist);
			insn->off = (__s16)dist;
		} else {
			if (f->kind == FIX_CALL)
				insn->src_reg = SCRIPT_PSEUDO_CALL;
			insn->imm = (__s32)dist;
		}
	}
	return 0;
}

/* ---- instructions */

/*
 * The target of a jump: a distance of @bits bits or a label, then what
 * llvm-objdump prints after it ("<LBB0_2>", "<f+0x270>").  Sets *@dist;
 * a label leaves it 0 and a fixup of @kind.
 */
static int parse_target(struct assembler *as, struct cursor *c,
			unsigned int bits, enum fixup_kind kind, __s64 *dist)
{
	size_t len;
	int err;

	*dist = 0;
	skip_space(c);
	len = ident_len(c);
	if (len) {
		err = add_fixup(as, kind, c->p, len);
		if (err)
			return err;
		c->p += len;
	} else {
		err = parse_value(as, c, true, bits, false,
				  "a jump distance or label", dist);
		if (err)
			return err;
	}
	skip_space(c);
	if (c->p < c->end && *c->p == '<') {
		while (c->p < c->end && *c->p != '>')
			c->p++;
		if (c->p == c->end)
			return fail(as, "'<' without '>'");
		c->p++;
	}
	return expect_end(as, c);
}

static int parse_goto(struct assembler *as, struct cursor *c, bool long_jump)
{
	__s64 dist;
	int err;

	if (long_jump) {
		err = parse_target(as, c, 32, FIX_JMP32, &dist);
		if (err)
			return err;
		return emit(as, insn_of(SCRIPT_JMP32 | SCRIPT_JA, 0, 0, 0,
					(__s32)dist));
	}
	err = parse_target(as, c, 16, FIX_JMP, &dist);
	if (err)
		return err;
	return emit(as, insn_of(SCRIPT_JMP | SCRIPT_JA, 0, 0, (__s16)dist, 0));
}

/* "call read", "call 2", "call pc+3", "call sub" */
static int parse_call(struct assembler *as, struct cursor *c,
		      const struct script_insn *raw)
{
	__u8 code = SCRIPT_JMP | SCRIPT_CALL, src = 0;
	struct cursor save;
	__s64 imm = 0;
	size_t len;
	int err;

	skip_space(c);
	save = *c;
	if (take(c, "pc") && c->p < c->end && (*c->p == '+' || *c->p == '-')) {
		src = SCRIPT_PSEUDO_CALL;
		err = parse_value(as, c, true, 32, false, "a call distance",
				  &imm);
	} else {
		*c = save;
		len = ident_len(c);
		if (len) {
			err = add_fixup(as, FIX_CALL, c->p, len);
			c->p += len;
		} else {
			err = parse_value(as, c, true, 32, false,
					  "an op, a label or a number", &imm);
			/* llvm-objdump's "call 31" of a subprogram */
			if (raw && raw->code == code &&
			    raw->src_reg == SCRIPT_PSEUDO_CALL)
				src = SCRIPT_PSEUDO_CALL;
		}
	}
	if (err)
		return err;
	err = expect_end(as, c);
	if (err)
		return err;
	return emit(as, insn_of(code, 0, src, 0, (__s32)imm));
}

struct op_name {
	const char	*text;
	__u8		op;
};

/* Longest first where one text starts another. */
static const struct op_name cmp_ops[] = {
	{ "==", SCRIPT_JEQ }, { "!=", SCRIPT_JNE },
	{ "s>=", SCRIPT_JSGE }, { "s<=", SCRIPT_JSLE },
	{ "s>", SCRIPT_JSGT }, { "s<", SCRIPT_JSLT },
	{ ">=", SCRIPT_JGE }, { "<=", SCRIPT_JLE },
	{ ">", SCRIPT_JGT }, { "<", SCRIPT_JLT },
	{ "&", SCRIPT_JSET },
};

/* "if r1 s> r2 goto +3", "if w1 == -1 goto out" */
static int parse_if(struct assembler *as, struct cursor *c)
{
	__u8 dst, src = 0, op = 0, cls;
	bool is32, found = false;
	__s64 imm = 0, dist;
	size_t i;
	int err;

	err = parse_reg(as, c, &dst, &is32);
	if (err == -ENOENT)
		return unexpected(as, c, "a register");
	if (err)
		return err;
	for (i = 0; i < ARRAY_SIZE(cmp_ops) && !found; i++) {
		if (take(c, cmp_ops[i].text)) {
			op = cmp_ops[i].op;
			found = true;
		}
	}
	if (!found)
		return unexpected(as, c, "a comparison");
	cls = is32 ? SCRIPT_JMP32 : SCRIPT_JMP;

	skip_space(c);
	if (c->p < c->end && (*c->p == 'r' || *c->p == 'w')) {
		err = expect_reg(as, c, is32, &src);
		if (err)
			return err;
		op |= SCRIPT_X;
	} else {
		err = parse_value(as, c, true, 32, is32,
				  "a register or a number", &imm);
		if (err)
			return err;
	}
	if (!take_word(c, "goto"))
		return unexpected(as, c, "'goto'");
	err = parse_target(as, c, 16, FIX_JMP, &dist);
	if (err)
		return err;
	return emit(as, insn_of(cls | op, dst, src, (__s16)dist, (__s32)imm));
}

/*
 * "*(u32 *)(r1 - 8)" without its "*(", which the caller took: the size,
 * the register and the offset.  @sx: "s8" to "s32" are allowed.
 */
static int parse_mem(struct assembler *as, struct cursor *c, bool sx,
		     __u8 *size, bool *is_sx, __u8 *reg, __s16 *off)
{
	static const struct { const char *text; __u8 size; } sizes[] = {
		{ "u8", SCRIPT_B }, { "u16", SCRIPT_H },
		{ "u32", SCRIPT_W }, { "u64", SCRIPT_DW },
		{ "s8", SCRIPT_B }, { "s16", SCRIPT_H }, { "s32", SCRIPT_W },
	};
	struct number n;
	__s64 val;
	bool neg, w;
	size_t i;
	int err;

	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		if (take_word(c, sizes[i].text))
			break;
	if (i == ARRAY_SIZE(sizes) || (!sx && sizes[i].text[0] == 's'))
		return unexpected(as, c,
				  sx ? "u8, u16, u32, u64, s8, s16 or s32" :
				  "u8, u16, u32 or u64");
	*size = sizes[i].size;
	*is_sx = sizes[i].text[0] == 's';

	err = expect(as, c, "*");
	if (!err)
		err = expect(as, c, ")");
	if (!err)
		err = expect(as, c, "(");
	if (err)
		return err;
	err = parse_reg(as, c, reg, &w);
	if (err == -ENOENT)
		return unexpected(as, c, "a register r0 to r10");
	if (err)
		return err;
	if (w)
		return fail(as, "expected r%u, not w%u", *reg, *reg);
	if (take(c, "+")) {
		neg = false;
	} else if (take(c, "-")) {
		neg = true;
	} else if (take(c, ")")) {
		*off = 0;
		return 0;
	} else {
		return unexpected(as, c, "'+' or '-'");
	}
	err = parse_number(as, c, false, &n);
	if (err == -ENOENT)
		return unexpected(as, c, "an offset");
	if (err)
		return -EINVAL;
	n.neg = neg;
	if (!number_fits(&n, 16, false, &val))
		return fail(as, "offset %s%llu is out of range",
			    neg ? "-" : "", (unsigned long long)n.mag);
	*off = (__s16)val;
	return expect(as, c, ")");
}

/* "*(u32 *)(r1 - 8) = r2", "*(u8 *)(r1 + 0) = 7" */
static int parse_store(struct assembler *as, struct cursor *c)
{
	__u8 size, dst, src;
	bool sx, w;
	__s16 off;
	__s64 imm;
	int err;

	err = parse_mem(as, c, false, &size, &sx, &dst, &off);
	if (!err)
		err = expect(as, c, "=");
	if (err)
		return err;
	err = parse_reg(as, c, &src, &w);
	if (!err) {
		if (w && size == SCRIPT_DW)
			return fail(as, "a 64-bit store of w%u", src);
		err = expect_end(as, c);
		if (err)
			return err;
		return emit(as, insn_of(SCRIPT_STX | SCRIPT_MEM | size, dst,
					src, off, 0));
	}
	if (err != -ENOENT)
		return err;
	err = parse_value(as, c, true, 32, size != SCRIPT_DW,
			  "a register or a number", &imm);
	if (!err)
		err = expect_end(as, c);
	if (err)
		return err;
	return emit(as, insn_of(SCRIPT_ST | SCRIPT_MEM | size, dst, 0, off,
				(__s32)imm));
}

/* Longest first where one text ends another. */
static const struct op_name alu_ops[] = {
	{ "s>>=", SCRIPT_ARSH }, { "<<=", SCRIPT_LSH }, { ">>=", SCRIPT_RSH },
	{ "s/=", SCRIPT_DIV }, { "s%=", SCRIPT_MOD },
	{ "+=", SCRIPT_ADD }, { "-=", SCRIPT_SUB }, { "*=", SCRIPT_MUL },
	{ "/=", SCRIPT_DIV }, { "|=", SCRIPT_OR }, { "&=", SCRIPT_AND },
	{ "%=", SCRIPT_MOD }, { "^=", SCRIPT_XOR }, { "=", SCRIPT_MOV },
};

static const struct {
	const char	*text;
	__u8		code;
	__s32		bits;
} swaps[] = {
	{ "le16", SCRIPT_ALU | SCRIPT_END | SCRIPT_TO_LE, 16 },
	{ "le32", SCRIPT_ALU | SCRIPT_END | SCRIPT_TO_LE, 32 },
	{ "le64", SCRIPT_ALU | SCRIPT_END | SCRIPT_TO_LE, 64 },
	{ "be16", SCRIPT_ALU | SCRIPT_END | SCRIPT_TO_BE, 16 },
	{ "be32", SCRIPT_ALU | SCRIPT_END | SCRIPT_TO_BE, 32 },
	{ "be64", SCRIPT_ALU | SCRIPT_END | SCRIPT_TO_BE, 64 },
	{ "bswap16", SCRIPT_ALU64 | SCRIPT_END | SCRIPT_TO_LE, 16 },
	{ "bswap32", SCRIPT_ALU64 | SCRIPT_END | SCRIPT_TO_LE, 32 },
	{ "bswap64", SCRIPT_ALU64 | SCRIPT_END | SCRIPT_TO_LE, 64 },
};

/* The same register again, for "r1 = -r1" and "r1 = be16 r1". */
static int expect_same_reg(struct assembler *as, struct cursor *c,
			   __u8 dst, bool is32)
{
	__u8 reg;
	int err;

	err = expect_reg(as, c, is32, &reg);
	if (err)
		return err;
	if (reg != dst)
		return fail(as, "expected %c%u, the destination, not %c%u",
			    is32 ? 'w' : 'r', dst, is32 ? 'w' : 'r', reg);
	return 0;
}

/* What follows "rD =": a load, a move, a negation, a swap, an LD_IMM64. */
static int parse_assign(struct assembler *as, struct cursor *c, __u8 dst,
			bool is32)
{
	__u8 cls = is32 ? SCRIPT_ALU : SCRIPT_ALU64, size, src;
	struct script_insn insn;
	struct cursor save;
	__s64 imm;
	__s16 off;
	size_t i;
	bool sx;
	int err;

	if (take(c, "*(")) {
		err = parse_mem(as, c, true, &size, &sx, &src, &off);
		if (err)
			return err;
		if (is32 && (sx || size == SCRIPT_DW))
			return fail(as,
				    "a 64-bit or sign-extending load into w%u",
				    dst);
		err = expect_end(as, c);
		if (err)
			return err;
		return emit(as, insn_of(SCRIPT_LDX | size |
					(sx ? SCRIPT_MEMSX : SCRIPT_MEM),
					dst, src, off, 0));
	}
	if (take(c, "(")) {
		if (take_word(c, "s8"))
			off = 8;
		else if (take_word(c, "s16"))
			off = 16;
		else if (!is32 && take_word(c, "s32"))
			off = 32;
		else
			return unexpected(as, c, is32 ? "s8 or s16" :
					  "s8, s16 or s32");
		err = expect(as, c, ")");
		if (!err)
			err = expect_reg(as, c, is32, &src);
		if (!err)
			err = expect_end(as, c);
		if (err)
			return err;
		return emit(as, insn_of(cls | SCRIPT_MOV | SCRIPT_X, dst, src,
					off, 0));
	}
	skip_space(c);
	save = *c;
	if (take(c, "-") && c->p < c->end && (*c->p == 'r' || *c->p == 'w')) {
		err = expect_same_reg(as, c, dst, is32);
		if (!err)
			err = expect_end(as, c);
		if (err)
			return err;
		return emit(as, insn_of(cls | SCRIPT_NEG | SCRIPT_K, dst, 0, 0,
					0));
	}
	*c = save;
	for (i = 0; i < ARRAY_SIZE(swaps); i++) {
		if (!take_word(c, swaps[i].text))
			continue;
		if (is32)
			return fail(as, "a byte swap is written r%u = %s r%u",
				    dst, swaps[i].text, dst);
		err = expect_same_reg(as, c, dst, false);
		if (!err)
			err = expect_end(as, c);
		if (err)
			return err;
		return emit(as, insn_of(swaps[i].code, dst, 0, 0,
					swaps[i].bits));
	}
	skip_space(c);
	if (c->p < c->end && (*c->p == 'r' || *c->p == 'w')) {
		err = expect_reg(as, c, is32, &src);
		if (!err)
			err = expect_end(as, c);
		if (err)
			return err;
		return emit(as, insn_of(cls | SCRIPT_MOV | SCRIPT_X, dst, src,
					0, 0));
	}

	/* "r1 = 5 ll" or "r1 = 5" */
	save = *c;
	err = parse_value(as, c, true, 64, true, "a register or a number",
			  &imm);
	if (err)
		return err;
	if (take_word(c, "ll")) {
		if (is32)
			return fail(as, "a 64-bit load into w%u", dst);
		err = expect_end(as, c);
		if (err)
			return err;
		insn = insn_of(LD_IMM64_CODE, dst, 0, 0,
			       (__s32)(__u32)(__u64)imm);
		err = emit(as, insn);
		if (err)
			return err;
		return emit(as, insn_of(0, 0, 0, 0,
					(__s32)(__u32)((__u64)imm >> 32)));
	}
	*c = save;
	err = parse_value(as, c, true, 32, is32, "a register or a number",
			  &imm);
	if (!err)
		err = expect_end(as, c);
	if (err)
		return err;
	return emit(as, insn_of(cls | SCRIPT_MOV | SCRIPT_K, dst, 0, 0,
				(__s32)imm));
}

/* An instruction that starts with a register: "r1 += 2", "w1 = w2", ... */
static int parse_alu(struct assembler *as, struct cursor *c, __u8 dst,
		     bool is32)
{
	__u8 cls = is32 ? SCRIPT_ALU : SCRIPT_ALU64, op = 0, src;
	bool found = false;
	__s16 off = 0;
	__s64 imm;
	size_t i;
	int err;

	for (i = 0; i < ARRAY_SIZE(alu_ops) && !found; i++) {
		if (take(c, alu_ops[i].text)) {
			op = alu_ops[i].op;
			off = alu_ops[i].text[0] == 's' && op != SCRIPT_ARSH;
			found = true;
		}
	}
	if (!found)
		return unexpected(as, c, "an assignment operator");
	if (op == SCRIPT_MOV)
		return parse_assign(as, c, dst, is32);

	skip_space(c);
	if (c->p < c->end && (*c->p == 'r' || *c->p == 'w')) {
		err = expect_reg(as, c, is32, &src);
		if (!err)
			err = expect_end(as, c);
		if (err)
			return err;
		return emit(as, insn_of(cls | op | SCRIPT_X, dst, src, off, 0));
	}
	err = parse_value(as, c, true, 32, is32, "a register or a number",
			  &imm);
	if (!err)
		err = expect_end(as, c);
	if (err)
		return err;
	return emit(as, insn_of(cls | op | SCRIPT_K, dst, 0, off, (__s32)imm));
}

/* ".insn 0x" and 16 or 32 hex digits: the bytes of one or two slots */
static int parse_raw_insn(struct assembler *as, struct cursor *c)
{
	unsigned char bytes[2 * sizeof(struct script_insn)];
	struct script_insn insn;
	size_t n = 0, i;
	int hi, lo, err;

	if (!take(c, "0x") && !take(c, "0X"))
		return unexpected(as, c, "'0x'");
	while (c->p + 1 < c->end && n < sizeof(bytes) &&
	       (hi = hex_val(c->p[0])) >= 0 && (lo = hex_val(c->p[1])) >= 0) {
		bytes[n++] = (unsigned char)(hi << 4 | lo);
		c->p += 2;
	}
	if ((n != 8 && n != 16) ||
	    (c->p < c->end && !is_space(*c->p)))
		return fail(as, ".insn takes 16 or 32 hex digits");
	err = expect_end(as, c);
	for (i = 0; !err && i < n; i += sizeof(insn)) {
		memcpy(&insn, bytes + i, sizeof(insn));
		err = emit(as, insn);
	}
	return err;
}

static int parse_insn(struct assembler *as, struct cursor *c,
		      const struct script_insn *raw)
{
	bool is32;
	__u8 dst;
	int err;

	if (take_word(c, "exit")) {
		err = expect_end(as, c);
		if (err)
			return err;
		return emit(as, insn_of(SCRIPT_JMP | SCRIPT_EXIT, 0, 0, 0, 0));
	}
	if (take_word(c, "goto"))
		return parse_goto(as, c, false);
	if (take_word(c, "gotol"))
		return parse_goto(as, c, true);
	if (take_word(c, "call"))
		return parse_call(as, c, raw);
	if (take_word(c, "if"))
		return parse_if(as, c);
	if (take_word(c, ".insn"))
		return parse_raw_insn(as, c);
	if (take(c, "*("))
		return parse_store(as, c);
	err = parse_reg(as, c, &dst, &is32);
	if (!err)
		return parse_alu(as, c, dst, is32);
	if (err != -ENOENT)
		return err;
	return fail(as, "unknown instruction '%.*s'", show_len(c), c->p);
}

/* ---- lines */

static bool starts_with(const struct cursor *c, const char *s)
{
	size_t n = strlen(s);

	return (size_t)(c->end - c->p) >= n && !memcmp(c->p, s, n);
}

/* "t.o:\tfile format elf64-bpf", a header of llvm-objdump */
static bool is_file_format(const struct cursor *c)
{
	static const char tag[] = "file format ";
	const char *p;

	for (p = c->p; p < c->end; p++) {
		if (*p == '#' || *p == ';')
			return false;
		if (*p != ':' || p + 1 == c->end || !is_space(p[1]))
			continue;
		for (p++; p < c->end && is_space(*p); p++)
			;
		return (size_t)(c->end - p) >= sizeof(tag) - 1 &&
		       !memcmp(p, tag, sizeof(tag) - 1);
	}
	return false;
}

/* "0000000000000048 <LBB0_4>:", a symbol llvm-objdump prints */
static bool is_symbol(const struct cursor *c)
{
	const char *p = c->p;

	while (p < c->end && hex_val(*p) >= 0)
		p++;
	if (p == c->p || p == c->end || *p != ' ')
		return false;
	p++;
	return c->end - p >= 3 && *p == '<' &&
	       c->end[-2] == '>' && c->end[-1] == ':';
}

static int parse_line(struct assembler *as, const char *line,
		      const char *end)
{
	unsigned char bytes[2 * sizeof(struct script_insn)] = { 0 };
	struct script_insn raw, raw_hi;
	struct cursor c = { line, end };
	const char *p;
	size_t nraw = 0, len;
	bool decimal = true;
	int err;

	skip_space(&c);
	while (c.end > c.p && is_space(c.end[-1]))
		c.end--;
	if (c.p == c.end || starts_with(&c, "Disassembly of section ") ||
	    is_file_format(&c))
		return 0;

	/* Comments */
	for (p = c.p; p < c.end; p++) {
		if (*p == '#' || *p == ';') {
			c.end = p;
			break;
		}
	}
	while (c.end > c.p && is_space(c.end[-1]))
		c.end--;
	if (c.p == c.end || is_symbol(&c))
		return 0;

	/* "  12:" index, or "0000000000000030:  R_BPF_64_32 g" relocation */
	for (p = c.p; p < c.end && hex_val(*p) >= 0; p++)
		decimal = decimal && is_digit(*p);
	if (p > c.p && p < c.end && *p == ':') {
		struct cursor rest = { p + 1, c.end };

		skip_space(&rest);
		if (starts_with(&rest, "R_"))
			return 0;
		if (decimal)
			c = rest;
	}
	if (starts_with(&c, "..."))
		return fail(as,
			    "llvm-objdump left out zero bytes here: disassemble with -z");

	/* Raw bytes */
	while (c.end - c.p >= 2 && hex_val(c.p[0]) >= 0 &&
	       hex_val(c.p[1]) >= 0 &&
	       (c.end - c.p == 2 || is_space(c.p[2]))) {
		if (nraw < sizeof(bytes))
			bytes[nraw] = (unsigned char)(hex_val(c.p[0]) << 4 |
						      hex_val(c.p[1]));
		nraw++;
		c.p += 2;
		skip_space(&c);
	}
	if (nraw && nraw != 8 && nraw != 16)
		return fail(as, "%zu raw bytes: expected 8 or 16", nraw);
	memcpy(&raw, bytes, sizeof(raw));
	memcpy(&raw_hi, bytes + sizeof(raw), sizeof(raw_hi));

	/* Labels */
	for (;;) {
		len = ident_len(&c);
		if (!len || c.p + len == c.end || c.p[len] != ':')
			break;
		err = define_label(as, c.p, len);
		if (err)
			return err;
		c.p += len + 1;
		skip_space(&c);
	}
	if (c.p == c.end) {
		if (nraw)
			return fail(as, "raw bytes without an instruction");
		return 0;
	}
	/* What llvm-objdump cannot decode: its bytes */
	if (nraw && starts_with(&c, "<unknown>")) {
		c.p += strlen("<unknown>");
		err = expect_end(as, &c);
		if (!err)
			err = emit(as, raw);
		if (!err && nraw == 16)
			err = emit(as, raw_hi);
		return err;
	}
	return parse_insn(as, &c, nraw ? &raw : NULL);
}

/**
 * script_asm() - assemble a program from text
 * @text: the text, NUL-terminated; see the top of this file
 * @insns: out: the program, which the caller frees with free()
 * @cnt: out: its number of slots
 * @err: a buffer for a message "line N: reason", or NULL
 * @err_size: its size
 *
 * Return: 0; -EINVAL for a NULL argument or a text that does not
 * assemble, with the reason in @err (text without any instruction
 * included; at most %SCRIPT_MAXINSNS slots); -ENOMEM.  *@insns is NULL
 * and *@cnt 0 on failure.
 */
int script_asm(const char *text, struct script_insn **insns, size_t *cnt,
	       char *err, size_t err_size)
{
	struct assembler as = { .err = err, .err_size = err_size };
	const char *line, *nl;
	int ret = 0;

	if (err && err_size)
		err[0] = '\0';
	if (insns)
		*insns = NULL;
	if (cnt)
		*cnt = 0;
	if (!text || !insns || !cnt) {
		if (err && err_size)
			snprintf(err, err_size, "invalid argument");
		return -EINVAL;
	}

	for (line = text; !ret; line = nl + 1) {
		as.line++;
		nl = strchr(line, '\n');
		if (!nl)
			nl = line + strlen(line);
		ret = parse_line(&as, line, nl);
		if (!*nl)
			break;
	}
	if (!ret && !as.cnt)
		ret = fail(&as, "no instructions");
	if (!ret)
		ret = resolve(&as);
	if (ret == -ENOMEM && err && err_size)
		snprintf(err, err_size, "line %u: out of memory", as.line);

	free(as.labels);
	free(as.fixups);
	if (ret) {
		free(as.insns);
		return ret;
	}
	*insns = as.insns;
	*cnt = as.cnt;
	return 0;
}
