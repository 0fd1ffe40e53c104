/* SPDX-License-Identifier: GPL-2.0 */
/*
 * script(2) internals shared by the syscall entry, the verifier, the
 * interpreter and the op table.
 */
#ifndef _KERNEL_SCRIPT_SCRIPT_H
#define _KERNEL_SCRIPT_SCRIPT_H

#include <linux/types.h>
#include <uapi/linux/script.h>

/**
 * struct script_log - the verifier's log, kept in kernel memory
 * @buf: @size bytes, or NULL when nothing is logged
 * @size: bytes in @buf, its NUL included
 * @level: SCRIPT_LOG_*
 * @len: bytes written to @buf so far, without the NUL
 * @len_total: bytes the whole log needs, without the NUL
 */
struct script_log {
	char *buf;
	u32 size;
	u32 level;
	u32 len;
	u32 len_total;
};

__printf(3, 4)
void script_log(struct script_log *log, u32 level, const char *fmt, ...);

/**
 * struct script_prog - a verified program
 * @len: number of instructions
 * @insns: the instructions, as the caller gave them
 *
 * A loaded program belongs to its file; a run by fd holds a reference to
 * the file for as long as it runs.
 */
struct script_prog {
	u32 len;
	struct script_insn insns[] __counted_by(len);
};

int script_verify(const struct script_insn *insns, u32 len,
		  struct script_log *log, u32 *err_pc);

/**
 * struct script_run_ctx - one run of a program
 * @args: initial r1 to r5
 * @stack_lo: lowest user address of the stack
 * @stack_hi: r10 at entry; @stack_lo == @stack_hi means no stack
 * @max_steps: instruction budget; 0 for none
 * @retval: out: r0 at EXIT
 * @steps: out: instructions executed
 * @pc: out: instruction the run stopped at
 */
struct script_run_ctx {
	u64 args[5];
	u64 stack_lo;
	u64 stack_hi;
	u64 max_steps;
	u64 retval;
	u64 steps;
	u32 pc;
};

int script_run(const struct script_prog *prog, struct script_run_ctx *ctx);

/**
 * struct script_op - one row of the op table
 * @name: the name the verifier log uses
 * @nargs: how many of r1 to r5 the op reads
 * @fn: does the op; its result becomes r0
 */
struct script_op {
	const char *name;
	u8 nargs;
	s64 (*fn)(struct script_run_ctx *ctx, const u64 *args);
};

const struct script_op *script_op_get(u32 id);

#endif /* _KERNEL_SCRIPT_SCRIPT_H */
