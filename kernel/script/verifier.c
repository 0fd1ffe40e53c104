// SPDX-License-Identifier: GPL-2.0
/*
 * script(2): the verifier.
 *
 * Checked once, before a program first runs, in time linear in its size:
 * one pass over the instructions, one over the subprograms and their call
 * graph, and a dataflow pass over the control flow graph.  Nothing here
 * proves memory safety: every load and store is a checked user access at
 * run time.  What the verifier guarantees is that the interpreter only
 * meets instructions it knows, registers that exist, jumps that land on
 * an instruction of the same subprogram, calls that reach a subprogram or
 * an op, bounded call nesting, and no register read before it is written.
 *
 * A rejected program gets -EINVAL (or -E2BIG when it is too large) and
 * one log line "insn N: <reason>".  The rules, in the order checked:
 *
 *  1. The program has 1 to SCRIPT_MAXINSNS instructions.
 *  2. Each instruction: registers r0 to r10; an opcode of the accepted
 *     subset; reserved fields zero; no write to r10; no division or modulo
 *     by a constant zero; no shift by a constant outside the operand
 *     width; byte swaps of 16, 32 or 64 bits; an LD_IMM64 complete, with
 *     src_reg 0 and a second slot that is zero apart from its imm; an op
 *     call naming a known op.
 *  3. Each subprogram call lands inside the program, not in the second
 *     slot of an LD_IMM64, and on a subprogram start: an instruction the
 *     one before it cannot fall into.
 *  4. Each jump lands inside its own subprogram, not in the second slot of
 *     an LD_IMM64; no subprogram's last instruction lets execution run
 *     on past it.
 *  5. The call graph has no cycle, and calls nest at most
 *     SCRIPT_MAX_CALL_DEPTH deep, whether or not the main program reaches
 *     the calls.
 *  6. No instruction reachable from a subprogram's start reads a register
 *     that is not written on every path to it.  At the main program's
 *     start r1 to r5 (the caller's arguments) and r10 are written.  A
 *     subprogram may read r1 to r5 before it writes them: they are its
 *     arguments, and each call to it reads them, so they must be written
 *     (or be the caller's own arguments) where it is called.  A call
 *     leaves r1 to r5 unwritten and writes r0, unless it calls a
 *     subprogram that may return without writing r0; only the main
 *     program's EXIT reads r0.
 */

#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/slab.h>

#include "script.h"

/*
 * The dataflow pass tracks, for each instruction, two sets in one u16:
 * REG(r), r written on every path from its subprogram's start; and
 * ARG(r), for r1 to r5, r written or still the subprogram's own argument
 * on every path.  A read of r1 to r5 with ARG() but not REG() set is a
 * read of an argument, which the subprogram's callers must provide.
 */
#define REG(r)		BIT(r)
#define ARG_REGS	(REG(1) | REG(2) | REG(3) | REG(4) | REG(5))
#define ARG_SHIFT	10
#define ARG(mask)	((u16)((mask) & ARG_REGS) << ARG_SHIFT)
#define ARGS_OF(set)	(((set) >> ARG_SHIFT) & ARG_REGS)
#define ENTRY_SET	(REG(SCRIPT_REG_10) | ARG(ARG_REGS))

/* Sizes follow the program's: no warning when one cannot be had. */
#define SCRIPT_GFP	(GFP_KERNEL_ACCOUNT | __GFP_NOWARN)

/* struct script_vinsn.flags */
#define VI_LDIMM_HI	BIT(0)	/* second slot of an LD_IMM64 */
#define VI_SUBPROG	BIT(1)	/* a subprogram starts here */
#define VI_SEEN		BIT(2)	/* reached by the dataflow pass */
#define VI_QUEUED	BIT(3)	/* on the dataflow worklist */

/**
 * struct script_vinsn - what the verifier knows of one instruction
 * @init: registers written on every path to the instruction so far
 * @flags: VI_*
 * @sub: index of the subprogram the instruction belongs to
 */
struct script_vinsn {
	u16 init;
	u16 flags;
	u32 sub;
};

/**
 * struct script_subprog - one subprogram
 * @start: index of its first instruction
 * @end: index after its last instruction
 * @depth: longest chain of calls it makes, once known
 * @state: 0 unvisited, 1 on the DFS stack, 2 done
 * @next: DFS cursor: next instruction to look at for calls
 * @args: which of r1 to r5 it reads as arguments, once known
 * @ret: it writes r0 on every path to its EXITs, once known
 */
struct script_subprog {
	u32 start;
	u32 end;
	u32 depth;
	u32 state;
	u32 next;
	u16 args;
	bool ret;
};

struct script_verifier {
	const struct script_insn *insns;
	u32 len;
	struct script_vinsn *vi;
	struct script_subprog *subs;
	u32 nsubs;
	u32 *order;	/* subprograms, each after every one it calls */
	u32 *work;
	struct script_log *log;
	u32 *err_pc;
};

/**
 * script_log() - append to the verifier log
 * @log: the log
 * @level: the least SCRIPT_LOG_* level that keeps the message
 * @fmt: printf format
 *
 * The buffer always stays NUL-terminated; what does not fit is cut off but
 * still counted in @log->len_total.
 */
void script_log(struct script_log *log, u32 level, const char *fmt, ...)
{
	va_list args;
	u32 n, room;

	if (!log->buf || level > log->level)
		return;
	room = log->size - log->len;
	va_start(args, fmt);
	n = vsnprintf(log->buf + log->len, room, fmt, args);
	va_end(args);
	log->len_total += n;
	log->len += min(n, room - 1);
}

__printf(3, 4)
static int reject(struct script_verifier *v, u32 pc, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	*v->err_pc = pc;
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	script_log(v->log, SCRIPT_LOG_ERROR, "insn %u: %pV\n", pc, &vaf);
	va_end(args);
	return -EINVAL;
}

static bool is_ldimm64(const struct script_insn *insn)
{
	return insn->code == (SCRIPT_LD | SCRIPT_IMM | SCRIPT_DW);
}

static bool is_pseudo_call(const struct script_insn *insn)
{
	return insn->code == (SCRIPT_JMP | SCRIPT_CALL) &&
	       insn->src_reg == SCRIPT_PSEUDO_CALL;
}

/* JA, EXIT: the next instruction is not reached from this one. */
static bool is_terminal(const struct script_insn *insn)
{
	return insn->code == (SCRIPT_JMP | SCRIPT_JA) ||
	       insn->code == (SCRIPT_JMP32 | SCRIPT_JA) ||
	       insn->code == (SCRIPT_JMP | SCRIPT_EXIT);
}

/* Jump distance of a JMP/JMP32 that is neither CALL nor EXIT. */
static s32 jump_off(const struct script_insn *insn)
{
	if (insn->code == (SCRIPT_JMP32 | SCRIPT_JA))
		return insn->imm;
	return insn->off;
}

static bool is_jump(const struct script_insn *insn)
{
	u8 class = SCRIPT_CLASS(insn->code), op = SCRIPT_OP(insn->code);

	return (class == SCRIPT_JMP || class == SCRIPT_JMP32) &&
	       op != SCRIPT_CALL && op != SCRIPT_EXIT;
}

static int check_alu(struct script_verifier *v, u32 pc)
{
	const struct script_insn *insn = &v->insns[pc];
	bool is64 = SCRIPT_CLASS(insn->code) == SCRIPT_ALU64;
	bool x = SCRIPT_SRC(insn->code) == SCRIPT_X;
	u8 op = SCRIPT_OP(insn->code);
	s16 off = insn->off;

	switch (op) {
	case SCRIPT_ADD: case SCRIPT_SUB: case SCRIPT_MUL: case SCRIPT_OR:
	case SCRIPT_AND: case SCRIPT_XOR: case SCRIPT_LSH: case SCRIPT_RSH:
	case SCRIPT_ARSH: case SCRIPT_DIV: case SCRIPT_MOD: case SCRIPT_MOV:
		break;
	case SCRIPT_NEG:
		if (x)
			return reject(v, pc, "unknown opcode 0x%02x", insn->code);
		if (insn->imm)
			return reject(v, pc, "reserved field imm is not zero");
		break;
	case SCRIPT_END:
		if (is64 && x)
			return reject(v, pc, "unknown opcode 0x%02x", insn->code);
		if (insn->imm != 16 && insn->imm != 32 && insn->imm != 64)
			return reject(v, pc, "byte swap of %d bits", insn->imm);
		break;
	default:
		return reject(v, pc, "unknown opcode 0x%02x", insn->code);
	}

	if (op == SCRIPT_END || op == SCRIPT_NEG || !x) {
		if (insn->src_reg)
			return reject(v, pc, "reserved field src_reg is not zero");
	} else if (insn->imm) {
		return reject(v, pc, "reserved field imm is not zero");
	}

	if (off) {
		bool ok = false;

		if (op == SCRIPT_DIV || op == SCRIPT_MOD)
			ok = off == 1;
		else if (op == SCRIPT_MOV && x)
			ok = off == 8 || off == 16 || (is64 && off == 32);
		if (!ok)
			return reject(v, pc, "reserved field off is not zero");
	}

	if (insn->dst_reg == SCRIPT_REG_10)
		return reject(v, pc, "r10 is read-only");

	if (x)
		return 0;
	if ((op == SCRIPT_DIV || op == SCRIPT_MOD) && !insn->imm)
		return reject(v, pc, "division by zero");
	if ((op == SCRIPT_LSH || op == SCRIPT_RSH || op == SCRIPT_ARSH) &&
	    (insn->imm < 0 || insn->imm >= (is64 ? 64 : 32)))
		return reject(v, pc, "shift by %d out of range for %d bits",
			      insn->imm, is64 ? 64 : 32);
	return 0;
}

static int check_jmp(struct script_verifier *v, u32 pc)
{
	const struct script_insn *insn = &v->insns[pc];
	bool is32 = SCRIPT_CLASS(insn->code) == SCRIPT_JMP32;
	bool x = SCRIPT_SRC(insn->code) == SCRIPT_X;
	u8 op = SCRIPT_OP(insn->code);

	switch (op) {
	case SCRIPT_JA:
		if (x)
			return reject(v, pc, "unknown opcode 0x%02x", insn->code);
		if (insn->dst_reg || insn->src_reg)
			return reject(v, pc, "reserved field %s is not zero",
				      insn->dst_reg ? "dst_reg" : "src_reg");
		if (is32 ? insn->off : insn->imm)
			return reject(v, pc, "reserved field %s is not zero",
				      is32 ? "off" : "imm");
		return 0;
	case SCRIPT_CALL:
		if (is32 || x)
			return reject(v, pc, "unknown opcode 0x%02x", insn->code);
		if (insn->src_reg > SCRIPT_PSEUDO_CALL)
			return reject(v, pc, "call with src_reg %u is not supported",
				      insn->src_reg);
		if (insn->dst_reg || insn->off)
			return reject(v, pc, "reserved field %s is not zero",
				      insn->dst_reg ? "dst_reg" : "off");
		if (insn->src_reg == 0 && !script_op_get(insn->imm))
			return reject(v, pc, "unknown op %d", insn->imm);
		return 0;
	case SCRIPT_EXIT:
		if (is32 || x)
			return reject(v, pc, "unknown opcode 0x%02x", insn->code);
		if (insn->dst_reg || insn->src_reg || insn->off || insn->imm)
			return reject(v, pc, "reserved fields of exit are not zero");
		return 0;
	case SCRIPT_JEQ: case SCRIPT_JNE: case SCRIPT_JGT: case SCRIPT_JGE:
	case SCRIPT_JLT: case SCRIPT_JLE: case SCRIPT_JSGT: case SCRIPT_JSGE:
	case SCRIPT_JSLT: case SCRIPT_JSLE: case SCRIPT_JSET:
		if (!x && insn->src_reg)
			return reject(v, pc, "reserved field src_reg is not zero");
		if (x && insn->imm)
			return reject(v, pc, "reserved field imm is not zero");
		return 0;
	}
	return reject(v, pc, "unknown opcode 0x%02x", insn->code);
}

static int check_mem(struct script_verifier *v, u32 pc)
{
	const struct script_insn *insn = &v->insns[pc];
	u8 class = SCRIPT_CLASS(insn->code), mode = SCRIPT_MODE(insn->code);

	if (class == SCRIPT_LD) {
		const struct script_insn *hi = insn + 1;

		if (!is_ldimm64(insn))
			return reject(v, pc, "unknown opcode 0x%02x", insn->code);
		if (insn->src_reg)
			return reject(v, pc, "ld_imm64 with src_reg %u is not supported",
				      insn->src_reg);
		if (insn->off)
			return reject(v, pc, "reserved field off is not zero");
		if (pc + 1 == v->len)
			return reject(v, pc, "ld_imm64 has no second slot");
		if (hi->code || hi->dst_reg || hi->src_reg || hi->off)
			return reject(v, pc + 1, "ld_imm64 second slot is not zero but its imm");
		if (insn->dst_reg == SCRIPT_REG_10)
			return reject(v, pc, "r10 is read-only");
		v->vi[pc + 1].flags |= VI_LDIMM_HI;
		return 0;
	}

	if (mode != SCRIPT_MEM && !(class == SCRIPT_LDX && mode == SCRIPT_MEMSX))
		return reject(v, pc, "unknown opcode 0x%02x", insn->code);
	if (mode == SCRIPT_MEMSX && SCRIPT_SIZE(insn->code) == SCRIPT_DW)
		return reject(v, pc, "unknown opcode 0x%02x", insn->code);
	if (class != SCRIPT_ST && insn->imm)
		return reject(v, pc, "reserved field imm is not zero");
	if (class == SCRIPT_ST && insn->src_reg)
		return reject(v, pc, "reserved field src_reg is not zero");
	if (class == SCRIPT_LDX && insn->dst_reg == SCRIPT_REG_10)
		return reject(v, pc, "r10 is read-only");
	return 0;
}

/* Rules 1 and 2, and the marks rule 3 needs. */
static int check_insns(struct script_verifier *v)
{
	u32 pc;
	int err;

	for (pc = 0; pc < v->len; pc++) {
		const struct script_insn *insn = &v->insns[pc];

		if (v->vi[pc].flags & VI_LDIMM_HI)
			continue;
		if (insn->dst_reg > SCRIPT_REG_10 || insn->src_reg > SCRIPT_REG_10)
			return reject(v, pc, "register r%u does not exist",
				      insn->dst_reg > SCRIPT_REG_10 ?
				      insn->dst_reg : insn->src_reg);

		switch (SCRIPT_CLASS(insn->code)) {
		case SCRIPT_ALU:
		case SCRIPT_ALU64:
			err = check_alu(v, pc);
			break;
		case SCRIPT_JMP:
		case SCRIPT_JMP32:
			err = check_jmp(v, pc);
			break;
		default:
			err = check_mem(v, pc);
			break;
		}
		if (err)
			return err;
	}
	return 0;
}

/* Rule 3: subprogram starts, then each instruction's subprogram. */
static int find_subprogs(struct script_verifier *v)
{
	u32 pc, n = 0;

	v->vi[0].flags |= VI_SUBPROG;
	for (pc = 0; pc < v->len; pc++) {
		const struct script_insn *insn = &v->insns[pc];
		s64 t = (s64)pc + insn->imm + 1;

		if (!is_pseudo_call(insn))
			continue;
		if (t < 0 || t >= v->len)
			return reject(v, pc, "call to %lld is outside the program", t);
		if (v->vi[t].flags & VI_LDIMM_HI)
			return reject(v, pc, "call to %lld lands inside ld_imm64", t);
		if (t > 0 && !is_terminal(&v->insns[t - 1]))
			return reject(v, pc,
				      "call to %lld is not a subprogram start: insn %lld falls into it",
				      t, t - 1);
		v->vi[t].flags |= VI_SUBPROG;
	}

	for (pc = 0; pc < v->len; pc++)
		if (v->vi[pc].flags & VI_SUBPROG)
			n++;
	v->subs = kvcalloc(n, sizeof(*v->subs), SCRIPT_GFP);
	if (!v->subs)
		return -ENOMEM;
	v->nsubs = n;

	n = 0;
	for (pc = 0; pc < v->len; pc++) {
		if (pc && (v->vi[pc].flags & VI_SUBPROG)) {
			v->subs[n].end = pc;
			v->subs[++n].start = pc;
		}
		v->vi[pc].sub = n;
	}
	v->subs[n].end = v->len;
	return 0;
}

/* Rule 4: jumps stay in their subprogram; none falls off its end. */
static int check_jumps(struct script_verifier *v)
{
	u32 pc, last;

	for (pc = 0; pc < v->len; pc++) {
		const struct script_insn *insn = &v->insns[pc];
		s64 t = (s64)pc + jump_off(insn) + 1;

		if ((v->vi[pc].flags & VI_LDIMM_HI) || !is_jump(insn))
			continue;
		if (t < 0 || t >= v->len)
			return reject(v, pc, "jump to %lld is outside the program", t);
		if (v->vi[t].flags & VI_LDIMM_HI)
			return reject(v, pc, "jump to %lld lands inside ld_imm64", t);
		if (v->vi[t].sub != v->vi[pc].sub)
			return reject(v, pc, "jump to %lld leaves the subprogram", t);
	}

	/* Rule 3 made sure no other subprogram runs into the next one. */
	last = v->len - 1;
	if (v->vi[last].flags & VI_LDIMM_HI)
		last--;
	if (!is_terminal(&v->insns[last]))
		return reject(v, last, "falls off the end of the program");
	return 0;
}

/* Next instruction of @s that is a pseudo-call, from s->next on. */
static u32 next_call(struct script_verifier *v, struct script_subprog *s)
{
	while (s->next < s->end && !is_pseudo_call(&v->insns[s->next]))
		s->next++;
	return s->next;
}

/* The subprogram the pseudo-call at @pc calls. */
static struct script_subprog *callee_of(struct script_verifier *v, u32 pc)
{
	return &v->subs[v->vi[pc + v->insns[pc].imm + 1].sub];
}

/*
 * Rule 5, from @root: an iterative depth-first walk of the call graph.
 * Each subprogram is appended to v->order once all it calls are.
 */
static int walk_calls(struct script_verifier *v, u32 root, u32 *norder)
{
	struct script_subprog *s, *callee;
	u32 *stack = v->work, sp = 0, pc;

	v->subs[root].state = 1;
	v->subs[root].next = v->subs[root].start;
	stack[sp++] = root;
	while (sp) {
		s = &v->subs[stack[sp - 1]];
		pc = next_call(v, s);
		if (pc == s->end) {
			s->state = 2;
			v->order[(*norder)++] = stack[--sp];
			continue;
		}
		callee = callee_of(v, pc);
		if (callee->state == 1)
			return reject(v, pc, "recursive call");
		if (callee->state == 0) {
			callee->state = 1;
			callee->next = callee->start;
			stack[sp++] = callee - v->subs;
			continue;
		}
		s->depth = max(s->depth, callee->depth + 1);
		s->next++;
	}
	return 0;
}

/* Follows the deepest chain from @s down to the call that nests too deep. */
static int reject_depth(struct script_verifier *v, struct script_subprog *s)
{
	struct script_subprog *callee = s;
	u32 level, pc = s->start;

	for (level = 1; level <= SCRIPT_MAX_CALL_DEPTH + 1; level++) {
		for (pc = s->start; pc < s->end; pc++) {
			if (!is_pseudo_call(&v->insns[pc]))
				continue;
			callee = callee_of(v, pc);
			if (callee->depth + 1 == s->depth)
				break;
		}
		if (level > SCRIPT_MAX_CALL_DEPTH)
			break;
		s = callee;
	}
	return reject(v, pc, "call nesting deeper than %d",
		      SCRIPT_MAX_CALL_DEPTH);
}

/*
 * Rule 5.  Every subprogram the main program does not reach is the root
 * of a walk of its own: unreachable code obeys the rule too.  A root's
 * depth is the largest of all it reaches.
 */
static int check_calls(struct script_verifier *v)
{
	u32 root, norder = 0;
	int err;

	for (root = 0; root < v->nsubs; root++) {
		if (v->subs[root].state)
			continue;
		err = walk_calls(v, root, &norder);
		if (err)
			return err;
		if (v->subs[root].depth > SCRIPT_MAX_CALL_DEPTH)
			return reject_depth(v, &v->subs[root]);
	}
	return 0;
}

/* Registers @insn reads. */
static u16 insn_reads(struct script_verifier *v, u32 pc)
{
	const struct script_insn *insn = &v->insns[pc];
	u16 dst = REG(insn->dst_reg), src = REG(insn->src_reg);
	u8 op = SCRIPT_OP(insn->code);
	bool x = SCRIPT_SRC(insn->code) == SCRIPT_X;
	const struct script_op *sop;

	switch (SCRIPT_CLASS(insn->code)) {
	case SCRIPT_ALU:
	case SCRIPT_ALU64:
		if (op == SCRIPT_MOV)
			return x ? src : 0;
		if (op == SCRIPT_NEG || op == SCRIPT_END)
			return dst;
		return x ? dst | src : dst;
	case SCRIPT_LDX:
		return src;
	case SCRIPT_STX:
		return dst | src;
	case SCRIPT_ST:
		return dst;
	case SCRIPT_JMP:
	case SCRIPT_JMP32:
		/* Only the main program must return a value. */
		if (op == SCRIPT_EXIT)
			return v->vi[pc].sub ? 0 : REG(SCRIPT_REG_0);
		if (op == SCRIPT_JA)
			return 0;
		if (op == SCRIPT_CALL) {
			if (insn->src_reg == SCRIPT_PSEUDO_CALL)
				return callee_of(v, pc)->args;
			sop = script_op_get(insn->imm);
			return sop->nargs ? GENMASK(sop->nargs, 1) : 0;
		}
		return x ? dst | src : dst;
	}
	return 0;	/* LD_IMM64 */
}

/*
 * The REG() and ARG() sets after the instruction at @pc, given @in before
 * it.  A call writes r0 unless it calls a subprogram that may return
 * without writing it (a C function returning void).
 */
static u16 insn_transfer(struct script_verifier *v, u32 pc, u16 in)
{
	const struct script_insn *insn = &v->insns[pc];
	u16 dst = REG(insn->dst_reg);

	switch (SCRIPT_CLASS(insn->code)) {
	case SCRIPT_ALU:
	case SCRIPT_ALU64:
	case SCRIPT_LDX:
	case SCRIPT_LD:
		return in | dst | ARG(dst);
	case SCRIPT_JMP:
		if (SCRIPT_OP(insn->code) != SCRIPT_CALL)
			break;
		in &= ~(ARG_REGS | ARG(ARG_REGS) | REG(SCRIPT_REG_0));
		if (!is_pseudo_call(insn) || callee_of(v, pc)->ret)
			in |= REG(SCRIPT_REG_0);
		break;
	}
	return in;
}

static void flow_to(struct script_verifier *v, u32 *nwork, u32 t, u16 out)
{
	struct script_vinsn *vi = &v->vi[t];
	u16 in = (vi->flags & VI_SEEN) ? vi->init & out : out;

	if ((vi->flags & VI_SEEN) && in == vi->init)
		return;
	vi->init = in;
	vi->flags |= VI_SEEN;
	if (!(vi->flags & VI_QUEUED)) {
		vi->flags |= VI_QUEUED;
		v->work[(*nwork)++] = t;
	}
}

/*
 * Rule 6, for subprogram @s once every subprogram it calls is done: the
 * sets of its instructions, from its start.  Each set only shrinks and is
 * queued at most once per change, so the worklist runs at most 17 times
 * per instruction.  No path leaves the subprogram (rules 3 and 4).
 */
static void flow_subprog(struct script_verifier *v, struct script_subprog *s)
{
	u32 pc, nwork = 0;
	u16 out;

	flow_to(v, &nwork, s->start, ENTRY_SET);
	while (nwork) {
		const struct script_insn *insn;

		pc = v->work[--nwork];
		insn = &v->insns[pc];
		v->vi[pc].flags &= ~VI_QUEUED;
		out = insn_transfer(v, pc, v->vi[pc].init);

		if (insn->code == (SCRIPT_JMP | SCRIPT_EXIT))
			continue;
		if (is_jump(insn)) {
			flow_to(v, &nwork, pc + jump_off(insn) + 1, out);
			if (SCRIPT_OP(insn->code) == SCRIPT_JA)
				continue;
		}
		flow_to(v, &nwork, pc + (is_ldimm64(insn) ? 2 : 1), out);
	}
}

/*
 * Rule 6: the subprograms callees first, so that a call reads what its
 * callee takes as arguments and writes r0 when the callee always does.
 */
static int check_init(struct script_verifier *v)
{
	struct script_subprog *s;
	u16 init, unset, args;
	u32 i, pc;

	for (i = 0; i < v->nsubs; i++) {
		s = &v->subs[v->order[i]];
		flow_subprog(v, s);
		s->ret = true;
		for (pc = s->start; pc < s->end; pc++) {
			if (!(v->vi[pc].flags & VI_SEEN))
				continue;
			init = v->vi[pc].init;
			unset = insn_reads(v, pc) & ~init;
			args = unset & ARGS_OF(init);
			unset &= ~args;
			if (unset)
				return reject(v, pc,
					      "r%u is read before it is written on some path",
					      (unsigned int)__ffs(unset));
			s->args |= args;
			if (v->insns[pc].code == (SCRIPT_JMP | SCRIPT_EXIT) &&
			    !(init & REG(SCRIPT_REG_0)))
				s->ret = false;
		}
	}
	return 0;
}

/**
 * script_verify() - check a program before it runs
 * @insns: the program; may be NULL when @len is 0 or too large
 * @len: number of instructions
 * @log: where the reason for a rejection goes
 * @err_pc: set to the rejected instruction
 *
 * Return: 0 if the program is accepted, -EINVAL (-E2BIG when too large)
 * if it is rejected, -ENOMEM.
 */
int script_verify(const struct script_insn *insns, u32 len,
		  struct script_log *log, u32 *err_pc)
{
	struct script_verifier v = {
		.insns	= insns,
		.len	= len,
		.log	= log,
		.err_pc	= err_pc,
	};
	int err;

	*err_pc = 0;
	if (!len)
		return reject(&v, 0, "program has no instructions");
	if (len > SCRIPT_MAXINSNS) {
		reject(&v, 0, "program has %u instructions, more than %u",
		       len, SCRIPT_MAXINSNS);
		return -E2BIG;
	}

	v.vi = kvcalloc(len, sizeof(*v.vi), SCRIPT_GFP);
	v.work = kvcalloc(len, sizeof(*v.work), SCRIPT_GFP);
	v.order = kvcalloc(len, sizeof(*v.order), SCRIPT_GFP);
	err = -ENOMEM;
	if (!v.vi || !v.work || !v.order)
		goto out;

	err = check_insns(&v) ?: find_subprogs(&v) ?: check_jumps(&v) ?:
	      check_calls(&v) ?: check_init(&v);
	if (!err)
		script_log(log, SCRIPT_LOG_VERBOSE,
			   "accepted: %u insns, %u subprograms, call depth %u\n",
			   len, v.nsubs, v.subs[0].depth);
out:
	kvfree(v.subs);
	kvfree(v.order);
	kvfree(v.work);
	kvfree(v.vi);
	return err;
}
