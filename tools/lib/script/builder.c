// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The builder: a growing array of instructions, with named labels that
 * jumps and subprogram calls refer to.  A reference to a label already
 * defined is resolved at once; one to a label defined later is recorded
 * and resolved by script_builder_finish().
 *
 * Errors are sticky: the first one is kept, with a message, and every
 * later call returns it without doing anything.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libscript_internal.h"
#include "script_insn.h"

#define SB_MSG_SIZE	256

/**
 * struct sb_label - a named position
 * @name: its name, owned by the builder
 * @pos: the instruction it names, once defined
 * @defined: whether script_builder_label() has defined it
 */
struct sb_label {
	char	*name;
	size_t	pos;
	bool	defined;
};

/**
 * struct sb_fixup - a jump or call to a label not defined when it was
 *	emitted
 * @insn: the jump or call
 * @label: index of the label in script_builder.labels
 */
struct sb_fixup {
	size_t	insn;
	size_t	label;
};

struct script_builder {
	struct script_insn	*insns;
	size_t			cnt;
	size_t			cap;

	struct sb_label		*labels;
	size_t			nr_labels;
	size_t			labels_cap;
	/* Open addressing over label indices plus one; 0 is a free slot. */
	size_t			*hash;
	size_t			hash_cap;	/* a power of two, or 0 */

	struct sb_fixup		*fixups;
	size_t			nr_fixups;
	size_t			fixups_cap;

	int			err;
	char			msg[SB_MSG_SIZE];
};

/* Records the first error and its message; returns @err. */
__attribute__((format(printf, 3, 4)))
static int sb_fail(struct script_builder *b, int err, const char *fmt, ...)
{
	va_list ap;

	if (b->err)
		return b->err;
	b->err = err;
	va_start(ap, fmt);
	vsnprintf(b->msg, sizeof(b->msg), fmt, ap);
	va_end(ap);
	return err;
}

static int sb_nomem(struct script_builder *b)
{
	return sb_fail(b, -ENOMEM, "out of memory");
}

/* Makes room for @need elements of @size bytes in *@arr: 0 or -ENOMEM. */
static int sb_grow(void **arr, size_t *cap, size_t need, size_t size)
{
	size_t new_cap = *cap ? *cap : 16;
	void *p;

	if (need <= *cap)
		return 0;
	while (new_cap < need) {
		if (new_cap > SIZE_MAX / 2 / size)
			return -ENOMEM;
		new_cap *= 2;
	}
	p = realloc(*arr, new_cap * size);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = new_cap;
	return 0;
}

/**
 * script_builder_new() - start a program
 *
 * Return: an empty builder, or NULL with errno ENOMEM.
 */
struct script_builder *script_builder_new(void)
{
	struct script_builder *b = calloc(1, sizeof(*b));

	if (!b)
		errno = ENOMEM;
	return b;
}

/**
 * script_builder_free() - free a builder and its labels
 * @b: the builder, or NULL
 *
 * A program that script_builder_finish() returned stays the caller's.
 */
void script_builder_free(struct script_builder *b)
{
	size_t i;

	if (!b)
		return;
	for (i = 0; i < b->nr_labels; i++)
		free(b->labels[i].name);
	free(b->labels);
	free(b->hash);
	free(b->fixups);
	free(b->insns);
	free(b);
}

/**
 * script_builder_error() - the message of the first error
 * @b: the builder
 *
 * Return: a message naming what failed and where, or "" when nothing
 * has.  It stays valid until script_builder_free().
 */
const char *script_builder_error(const struct script_builder *b)
{
	if (!b)
		return "no builder";
	return b->msg;
}

/**
 * script_builder_pos() - the index of the next instruction
 * @b: the builder
 *
 * Return: the number of instruction slots so far.
 */
size_t script_builder_pos(const struct script_builder *b)
{
	return b ? b->cnt : 0;
}

/**
 * script_builder_insn() - append one instruction
 * @b: the builder
 * @insn: the instruction; an LD_IMM64 is two calls, one per slot
 *
 * Return: 0, or the first error.
 */
int script_builder_insn(struct script_builder *b, struct script_insn insn)
{
	if (!b)
		return -EINVAL;
	if (b->err)
		return b->err;
	if (sb_grow((void **)&b->insns, &b->cap, b->cnt + 1, sizeof(insn)))
		return sb_nomem(b);
	b->insns[b->cnt++] = insn;
	return 0;
}

/* FNV-1a of @name. */
static size_t sb_hash(const char *name)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (*name) {
		h ^= (unsigned char)*name++;
		h *= 0x100000001b3ULL;
	}
	return (size_t)h;
}

/* The hash slot of @name: where it is, or the free slot it would take. */
static size_t *sb_slot(const struct script_builder *b, const char *name)
{
	size_t mask = b->hash_cap - 1, i = sb_hash(name) & mask;

	while (b->hash[i] && strcmp(b->labels[b->hash[i] - 1].name, name))
		i = (i + 1) & mask;
	return &b->hash[i];
}

/* Doubles the hash table: 0 or -ENOMEM. */
static int sb_rehash(struct script_builder *b)
{
	size_t cap = b->hash_cap ? b->hash_cap * 2 : 64, i;
	size_t *old = b->hash, old_cap = b->hash_cap;

	b->hash = calloc(cap, sizeof(*b->hash));
	if (!b->hash) {
		b->hash = old;
		return -ENOMEM;
	}
	b->hash_cap = cap;
	for (i = 0; i < old_cap; i++)
		if (old[i])
			*sb_slot(b, b->labels[old[i] - 1].name) = old[i];
	free(old);
	return 0;
}

/*
 * The index of the label @name, a new undefined one if it has none yet:
 * the index, or the (sticky) error.
 */
static long sb_label_get(struct script_builder *b, const char *name)
{
	struct sb_label *l;
	size_t *slot;

	if (!name || !*name)
		return sb_fail(b, -EINVAL, "label with no name at insn %zu",
			       b->cnt);
	if ((b->nr_labels + 1) * 2 > b->hash_cap && sb_rehash(b))
		return sb_nomem(b);
	slot = sb_slot(b, name);
	if (*slot)
		return (long)(*slot - 1);

	if (sb_grow((void **)&b->labels, &b->labels_cap, b->nr_labels + 1,
		    sizeof(*b->labels)))
		return sb_nomem(b);
	l = &b->labels[b->nr_labels];
	l->name = strdup(name);
	if (!l->name)
		return sb_nomem(b);
	l->defined = false;
	l->pos = 0;
	*slot = ++b->nr_labels;
	return (long)(b->nr_labels - 1);
}

/**
 * script_builder_label() - define a label at the next instruction
 * @b: the builder
 * @name: the label's name
 *
 * Return: 0, -EEXIST when @name is defined already, or the first error.
 */
int script_builder_label(struct script_builder *b, const char *name)
{
	struct sb_label *l;
	long idx;

	if (!b)
		return -EINVAL;
	if (b->err)
		return b->err;
	idx = sb_label_get(b, name);
	if (idx < 0)
		return (int)idx;
	l = &b->labels[idx];
	if (l->defined)
		return sb_fail(b, -EEXIST,
			       "label '%s' defined twice: at insn %zu and at insn %zu",
			       name, l->pos, b->cnt);
	l->defined = true;
	l->pos = b->cnt;
	return 0;
}

/*
 * Points the jump or call at @insn to its label @label, which is defined:
 * 0 or -ERANGE.  A call and a JMP32 JA ("gotol") take the distance in imm,
 * any other jump in off.
 */
static int sb_resolve(struct script_builder *b, size_t insn, size_t label)
{
	struct script_insn *in = &b->insns[insn];
	const struct sb_label *l = &b->labels[label];
	long long dist = (long long)l->pos - (long long)insn - 1;
	bool in_imm = in->code == (SCRIPT_JMP | SCRIPT_CALL) ||
		      in->code == (SCRIPT_JMP32 | SCRIPT_JA);

	if (in_imm) {
		if (dist < INT32_MIN || dist > INT32_MAX)
			return sb_fail(b, -ERANGE,
				       "insn %zu to label '%s' at insn %zu: distance %lld does not fit in 32 bits",
				       insn, l->name, l->pos, dist);
		in->imm = (__s32)dist;
	} else {
		if (dist < INT16_MIN || dist > INT16_MAX)
			return sb_fail(b, -ERANGE,
				       "jump at insn %zu to label '%s' at insn %zu: distance %lld does not fit in 16 bits",
				       insn, l->name, l->pos, dist);
		in->off = (__s16)dist;
	}
	return 0;
}

/*
 * Appends @insn, a jump or call to the label @name: resolved now when the
 * label is defined, else in script_builder_finish().
 */
static int sb_emit_ref(struct script_builder *b, struct script_insn insn,
		       const char *name)
{
	size_t at = b->cnt;
	long idx;
	int err;

	idx = sb_label_get(b, name);
	if (idx < 0)
		return (int)idx;
	err = script_builder_insn(b, insn);
	if (err)
		return err;
	if (b->labels[idx].defined)
		return sb_resolve(b, at, (size_t)idx);

	if (sb_grow((void **)&b->fixups, &b->fixups_cap, b->nr_fixups + 1,
		    sizeof(*b->fixups)))
		return sb_nomem(b);
	b->fixups[b->nr_fixups].insn = at;
	b->fixups[b->nr_fixups].label = (size_t)idx;
	b->nr_fixups++;
	return 0;
}

static bool sb_reg_ok(long long reg)
{
	return reg >= SCRIPT_REG_0 && reg <= SCRIPT_REG_10;
}

/**
 * script_builder_jmp() - append a jump to a label
 * @b: the builder
 * @code: SCRIPT_JMP or SCRIPT_JMP32, with the jump op and its source:
 *	SCRIPT_JMP | SCRIPT_JEQ | SCRIPT_K, ...; SCRIPT_JMP | SCRIPT_JA is
 *	goto, SCRIPT_JMP32 | SCRIPT_JA goto with a 32-bit distance
 * @dst: the register compared
 * @src: the register it is compared with (SCRIPT_X), else 0
 * @imm: the value it is compared with (SCRIPT_K), else 0
 * @label: where the jump goes when taken
 *
 * Both registers and the immediate must be 0 for a goto.
 *
 * Return: 0; -EINVAL for a @code that is no conditional jump or goto or a
 * register that does not exist; -ERANGE when the distance does not fit in
 * the 16 bits of off; or the first error.
 */
int script_builder_jmp(struct script_builder *b, __u8 code, __u8 dst,
		       __u8 src, __s32 imm, const char *label)
{
	__u8 class = SCRIPT_CLASS(code), op = SCRIPT_OP(code);

	if (!b)
		return -EINVAL;
	if (b->err)
		return b->err;
	if ((class != SCRIPT_JMP && class != SCRIPT_JMP32) ||
	    op == SCRIPT_CALL || op == SCRIPT_EXIT || op > SCRIPT_JSLE ||
	    (op == SCRIPT_JA && SCRIPT_SRC(code) == SCRIPT_X))
		return sb_fail(b, -EINVAL,
			       "insn %zu: opcode 0x%02x is not a jump to a label",
			       b->cnt, code);
	if (!sb_reg_ok(dst) || !sb_reg_ok(src))
		return sb_fail(b, -EINVAL,
			       "insn %zu: jump to '%s' with register r%u",
			       b->cnt, label ? label : "",
			       sb_reg_ok(dst) ? src : dst);
	if (op == SCRIPT_JA && (dst || src || imm))
		return sb_fail(b, -EINVAL,
			       "insn %zu: goto '%s' with a register or immediate",
			       b->cnt, label ? label : "");
	return sb_emit_ref(b, SCRIPT_RAW_INSN(code, dst, src, 0, imm), label);
}

/**
 * script_builder_call() - append a subprogram call to a label
 * @b: the builder
 * @label: the subprogram's first instruction
 *
 * Return: 0, or the first error.
 */
int script_builder_call(struct script_builder *b, const char *label)
{
	if (!b)
		return -EINVAL;
	if (b->err)
		return b->err;
	return sb_emit_ref(b, SCRIPT_CALL_REL(0), label);
}

/**
 * script_builder_ld_imm64() - append dst = a 64-bit value, two slots
 * @b: the builder
 * @dst: the register
 * @val: the value
 *
 * Return: 0; -EINVAL for a register that does not exist; or the first
 * error.
 */
int script_builder_ld_imm64(struct script_builder *b, __u8 dst, __u64 val)
{
	struct script_insn ld[] = { SCRIPT_LD_IMM64(dst, val) };

	if (!b)
		return -EINVAL;
	if (b->err)
		return b->err;
	if (!sb_reg_ok(dst))
		return sb_fail(b, -EINVAL, "insn %zu: ld_imm64 to r%u",
			       b->cnt, dst);
	return script_builder_insn(b, ld[0]) ?: script_builder_insn(b, ld[1]);
}

/* Appends dst = @val: a MOV64 when it fits 32 signed bits, else LD_IMM64. */
static int sb_mov_imm(struct script_builder *b, __u8 dst, __s64 val)
{
	if (val >= INT32_MIN && val <= INT32_MAX)
		return script_builder_insn(b,
					   SCRIPT_MOV64_IMM(dst, (__s32)val));
	return script_builder_ld_imm64(b, dst, (__u64)val);
}

/*
 * Moves the @n register arguments in @src (src[d] for r<d>, d 1 to @n;
 * -1 for none) into r1 to r<n> as a parallel assignment.
 *
 * A move whose destination no other pending move reads is safe to do at
 * once.  When no such move is left, every pending destination is read by
 * exactly one pending move (there are as many of either), so the pending
 * moves are disjoint cycles reading none of r0 and r6 to r10: one of the
 * cycle's registers is saved in r0, the moves that read it read r0
 * instead, and the cycle unwinds.
 */
static int sb_parallel_move(struct script_builder *b, int *src, int n)
{
	int pending = 0, d, e, err;

	for (d = 1; d <= n; d++)
		if (src[d] >= 0)
			pending++;

	while (pending) {
		bool moved = false;

		for (d = 1; d <= n; d++) {
			bool read = false;

			if (src[d] < 0)
				continue;
			for (e = 1; e <= n && !read; e++)
				read = e != d && src[e] == d;
			if (read)
				continue;
			err = script_builder_insn(b,
						  SCRIPT_MOV64_REG(d, src[d]));
			if (err)
				return err;
			src[d] = -1;
			pending--;
			moved = true;
		}
		if (moved || !pending)
			continue;

		/* Only cycles are left: break the first one through r0. */
		for (d = 1; src[d] < 0; d++)
			;
		err = script_builder_insn(b, SCRIPT_MOV64_REG(SCRIPT_REG_0, d));
		if (err)
			return err;
		for (e = 1; e <= n; e++)
			if (src[e] == d)
				src[e] = SCRIPT_REG_0;
	}
	return 0;
}

/**
 * script_builder_op() - append a call to an op, with its arguments
 * @b: the builder
 * @id: SCRIPT_OP_*
 * @args: @nargs arguments: registers (r0 to r10) or immediates
 * @nargs: the op's argument count
 *
 * The arguments are moved into r1 to r<nargs> as a parallel assignment:
 * an argument may name any register, r1 to r5 in any order included.
 * Register arguments move first, through r0 when they form a cycle, then
 * immediates are loaded: with a MOV64 when they fit in 32 signed bits,
 * else with an LD_IMM64.  Then the op is called; its result is in r0 and
 * r1 to r5 are unusable until written again.
 *
 * Return: 0; -EINVAL for an op this library does not know, @nargs other
 * than its count or a register that does not exist; or the first error.
 */
int script_builder_op(struct script_builder *b, int id,
		      const struct script_arg *args, int nargs)
{
	int src[6] = { -1, -1, -1, -1, -1, -1 };
	const char *name = script_op_name(id);
	int want = script_op_nargs(id), d, err;

	if (!b)
		return -EINVAL;
	if (b->err)
		return b->err;
	if (!name)
		return sb_fail(b, -EINVAL, "insn %zu: unknown op %d",
			       b->cnt, id);
	if (nargs != want)
		return sb_fail(b, -EINVAL,
			       "insn %zu: op %s takes %d arguments, not %d",
			       b->cnt, name, want, nargs);
	if (nargs && !args)
		return sb_fail(b, -EINVAL, "insn %zu: op %s without arguments",
			       b->cnt, name);

	for (d = 1; d <= nargs; d++) {
		const struct script_arg *a = &args[d - 1];

		if (!a->is_reg)
			continue;
		if (!sb_reg_ok(a->val))
			return sb_fail(b, -EINVAL,
				       "insn %zu: op %s argument %d: register r%lld does not exist",
				       b->cnt, name, d, (long long)a->val);
		if (a->val != d)
			src[d] = (int)a->val;
	}

	err = sb_parallel_move(b, src, nargs);
	for (d = 1; !err && d <= nargs; d++)
		if (!args[d - 1].is_reg)
			err = sb_mov_imm(b, d, args[d - 1].val);
	return err ?: script_builder_insn(b, SCRIPT_CALL_OP(id));
}

/**
 * script_builder_finish() - resolve every label and hand out the program
 * @b: the builder
 * @insns: out: the program, which the caller frees
 * @cnt: out: its number of instruction slots
 *
 * The builder keeps its instructions and labels: more can be added and
 * the program finished again.
 *
 * Return: 0; -ENOENT for a label used but never defined; -ERANGE for a
 * jump too long for its label; -EINVAL for an empty program; -ENOMEM; or
 * the first error of an earlier call.  *@insns is NULL and *@cnt 0 on
 * error.
 */
int script_builder_finish(struct script_builder *b,
			  struct script_insn **insns, size_t *cnt)
{
	struct script_insn *out;
	size_t i;
	int err;

	if (insns)
		*insns = NULL;
	if (cnt)
		*cnt = 0;
	if (!b || !insns || !cnt)
		return -EINVAL;
	if (b->err)
		return b->err;

	for (i = 0; i < b->nr_fixups; i++) {
		const struct sb_fixup *f = &b->fixups[i];
		const struct sb_label *l = &b->labels[f->label];

		if (!l->defined)
			return sb_fail(b, -ENOENT,
				       "label '%s' is not defined (used at insn %zu)",
				       l->name, f->insn);
		err = sb_resolve(b, f->insn, f->label);
		if (err)
			return err;
	}
	if (!b->cnt)
		return sb_fail(b, -EINVAL, "the program has no instructions");

	out = malloc(b->cnt * sizeof(*out));
	if (!out)
		return sb_nomem(b);
	memcpy(out, b->insns, b->cnt * sizeof(*out));
	*insns = out;
	*cnt = b->cnt;
	return 0;
}
