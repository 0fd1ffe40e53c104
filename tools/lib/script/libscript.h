/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * libscript: build, check, load, run and inspect script(2) programs.
 *
 * Every function that can fail returns a negative errno (or NULL with
 * errno set, where it returns a pointer); none prints or exits.  Texts for
 * people (a verifier log, an assembler or ELF error) go to a buffer the
 * caller passes in.
 */
#ifndef __LIBSCRIPT_H
#define __LIBSCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>
#include <linux/script.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LIBSCRIPT_MAJOR_VERSION	1
#define LIBSCRIPT_MINOR_VERSION	1

/* Stack the library allocates for a run that names none: 16 KiB. */
#define SCRIPT_DEFAULT_STACK_SIZE	(32 * SCRIPT_FRAME_SIZE)

/* ---------------------------------------------------------------------
 * The system call
 */

/**
 * struct script_log - where the verifier's log goes
 * @buf: the caller's buffer, or NULL for no log
 * @size: its size: 0, or %SCRIPT_LOG_SIZE_MIN to %SCRIPT_LOG_SIZE_MAX
 * @level: SCRIPT_LOG_*
 * @true_size: out: bytes the whole log needed, its NUL included
 * @pc: out: the instruction the verifier rejected, or that a stopped
 *	run was about to run
 */
struct script_log {
	char	*buf;
	__u32	size;
	__u32	level;
	__u32	true_size;
	__u32	pc;
};

/**
 * struct script_run_opts - the arguments and results of one run
 * @sz: sizeof(struct script_run_opts), for extension
 * @args: initial r1 to r5
 * @stack: lowest address of the stack, 8-byte aligned; NULL to have the
 *	library allocate @stack_size bytes (%SCRIPT_DEFAULT_STACK_SIZE when
 *	@stack_size is 0) for the run and free them after it
 * @stack_size: bytes of @stack
 * @max_steps: stop after this many instructions (-ETIME); 0: no limit
 * @state: a resumable run's state area, or NULL: see struct script_state.
 *	A parked run continues on the stack it started on, so @state needs
 *	the caller's own @stack (-EINVAL with a NULL one)
 * @log: script_run() only: the verifier's log, or NULL
 * @retval: out: r0 at EXIT
 * @steps: out: instructions executed
 * @pc: out: the instruction a stopped run was about to run
 * @flags: script_run() only: SCRIPT_F_* for SCRIPT_RUN (SCRIPT_F_INTERP:
 *	interpret the program even where kernel.script_jit compiles one-shot
 *	runs); must be 0 for script_run_fd(), whose descriptor keeps the
 *	engine it was loaded with (since 1.1)
 */
struct script_run_opts {
	size_t			sz;
	__u64			args[5];
	void			*stack;
	size_t			stack_size;
	__u64			max_steps;
	struct script_state	*state;
	struct script_log	*log;
	__u64			retval;
	__u64			steps;
	__u32			pc;
	__u64			flags;
};

/* The raw system call: its result, or -1 with errno set. */
long script_syscall(unsigned int cmd, void *attr, size_t size);

/* Checks @cnt instructions: 0 when the verifier accepts them. */
int script_verify(const struct script_insn *insns, size_t cnt,
		  struct script_log *log);

/* Checks and loads a program: a new O_CLOEXEC program descriptor. */
int script_load(const struct script_insn *insns, size_t cnt,
		struct script_log *log);
/*
 * script_load() with SCRIPT_F_* @flags: SCRIPT_F_INTERP has the program
 * interpreted, never compiled, whatever kernel.script_jit says, so that
 * one system can compare both engines.  A kernel older than the compiler
 * refuses every flag with -EINVAL (it interprets every program anyway).
 */
int script_load_flags(const struct script_insn *insns, size_t cnt,
		      struct script_log *log, __u64 flags);

/*
 * Runs a program once, inline (checking it first) or by descriptor:
 * 0 when it reached EXIT, with r0 in @opts->retval.  A run that a signal
 * interrupted gives -EINTR; with @opts->state it is parked there and the
 * same call continues it.  @opts may be NULL (no arguments, the default
 * stack).
 */
int script_run(const struct script_insn *insns, size_t cnt,
	       struct script_run_opts *opts);
int script_run_fd(int prog_fd, struct script_run_opts *opts);

/*
 * Asks the kernel which ops it has: fills @probe (@size bytes, at most a
 * page) as SCRIPT_PROBE does; 0 or -errno (-ENOSYS without script(2)).
 */
int script_probe(struct script_probe *probe, size_t size);

/* The engine that runs a loaded program */
enum script_engine {
	SCRIPT_ENGINE_UNKNOWN,	/* one this library does not know */
	SCRIPT_ENGINE_INTERP,	/* the interpreter */
	SCRIPT_ENGINE_JIT,	/* native code from the kernel's compiler */
};

/**
 * struct script_prog_info - what the kernel shows of a loaded program
 * @sz: sizeof(struct script_prog_info), for extension; set by the caller
 * @insns: its instructions, an LD_IMM64 counting as two
 * @tag: the first 8 bytes of the SHA-256 of its instructions
 * @runs: the SCRIPT_RUN_FD calls that ran it
 * @engine: SCRIPT_ENGINE_*; SCRIPT_ENGINE_INTERP on a kernel older than
 *	the compiler, which says nothing of engines
 * @jit_bytes: with SCRIPT_ENGINE_JIT, the bytes its code takes, in whole
 *	pages, as kernel.script_jit_limit counts them
 * @jit_blinded: with SCRIPT_ENGINE_JIT, whether its constants were blinded
 *	(loaded without CAP_SYS_ADMIN)
 * @jit_error: 0, or the negative errno compiling it failed with when it
 *	fell back to the interpreter (-ENOSPC: kernel.script_jit_limit)
 */
struct script_prog_info {
	size_t		sz;
	__u32		insns;
	__u8		tag[8];
	__u64		runs;
	int		engine;
	__u64		jit_bytes;
	bool		jit_blinded;
	int		jit_error;
};

/*
 * Reads what /proc/self/fdinfo shows of @prog_fd into @info (as much of it
 * as @info->sz covers): 0, -EBADF for a descriptor not open, -EINVAL for
 * one that holds no program (or an @info->sz too small), -ENOENT without
 * /proc, or another -errno of reading it.
 */
int script_prog_get_info(int prog_fd, struct script_prog_info *info);
/* "interp", "jit", or "unknown". */
const char *script_engine_name(int engine);

/* ---------------------------------------------------------------------
 * Ops, as this library knows them (script_ops.def)
 */

/* The op's name ("read", "move_bg"), or NULL for an id it does not know. */
const char *script_op_name(int id);
/* The id of the op named @name, or -ENOENT. */
int script_op_id(const char *name);
/* How many of r1 to r5 the op takes, or -ENOENT. */
int script_op_nargs(int id);

/* ---------------------------------------------------------------------
 * Instructions
 */

/* Number of slots the instruction at @insn takes: 2 for an LD_IMM64. */
static inline int script_insn_slots(const struct script_insn *insn)
{
	return insn->code == (SCRIPT_LD | SCRIPT_IMM | SCRIPT_DW) ? 2 : 1;
}

/* ---------------------------------------------------------------------
 * Builder: instructions with named labels, fixed up at the end.
 *
 * Errors are sticky: once a call fails, later calls do nothing and
 * script_builder_finish() returns the first error, with a message in
 * script_builder_error().
 */

struct script_builder;

/**
 * struct script_arg - one argument of an op: a register or an immediate
 * @is_reg: @val is a register number
 * @val: the register, or the value
 */
struct script_arg {
	bool	is_reg;
	__s64	val;
};

#define SCRIPT_ARG_REG(r)	((struct script_arg){ .is_reg = true, .val = (r) })
#define SCRIPT_ARG_IMM(v)	((struct script_arg){ .is_reg = false, .val = (__s64)(v) })

struct script_builder *script_builder_new(void);
void script_builder_free(struct script_builder *b);

/* Appends one instruction (both slots of an LD_IMM64 are two calls). */
int script_builder_insn(struct script_builder *b, struct script_insn insn);
/* Index the next instruction will have. */
size_t script_builder_pos(const struct script_builder *b);
/* Defines @name at the next instruction; -EEXIST when defined twice. */
int script_builder_label(struct script_builder *b, const char *name);
/*
 * A jump to @label: @code is SCRIPT_JMP or SCRIPT_JMP32 with its op and
 * source (SCRIPT_JMP | SCRIPT_JEQ | SCRIPT_K, ...); SCRIPT_JMP | SCRIPT_JA
 * is goto.  A distance beyond 16 bits is an error (-ERANGE), but for
 * SCRIPT_JMP32 | SCRIPT_JA ("gotol"), which takes a 32-bit one in imm.
 */
int script_builder_jmp(struct script_builder *b, __u8 code, __u8 dst,
		       __u8 src, __s32 imm, const char *label);
/* A subprogram call to @label. */
int script_builder_call(struct script_builder *b, const char *label);
/* dst = a 64-bit value (two slots). */
int script_builder_ld_imm64(struct script_builder *b, __u8 dst, __u64 val);
/*
 * Calls op @id with @nargs arguments, first moving them into r1 to r5 as
 * a parallel assignment (an argument may name any register, r1 to r5
 * included; r0 serves as scratch), then the call.  The op's result is in
 * r0.  -EINVAL when @nargs is not the op's.
 */
int script_builder_op(struct script_builder *b, int id,
		      const struct script_arg *args, int nargs);
/*
 * Resolves every label: 0 and the program in @insns/@cnt (the caller
 * frees *@insns), or the first error: -ENOENT for a label never defined,
 * -ERANGE, -ENOMEM, -EEXIST, -EINVAL.
 */
int script_builder_finish(struct script_builder *b,
			  struct script_insn **insns, size_t *cnt);
/* A message about the first error, or "" when there was none. */
const char *script_builder_error(const struct script_builder *b);

/* One helper per op: script_builder_<op>(b, args...), generated. */
#include "script_builder_ops.h"

/* ---------------------------------------------------------------------
 * Text: llvm-objdump's BPF syntax, with op names on calls.
 */

/* Print options of script_disasm() */
#define SCRIPT_DISASM_RAW	(1U << 0)	/* the bytes of each slot too */
#define SCRIPT_DISASM_NOINDEX	(1U << 1)	/* no "  12:" in front */

/*
 * Writes the text of the instruction at @insns[0] (of @cnt left) to
 * @buf: the slots it took (1 or 2), -EINVAL for one that cannot be
 * decoded (an LD_IMM64 missing its second slot), -ENOSPC when @size is too
 * small for the text.  An opcode the verifier
 * would reject still prints, as ".insn 0x..." data.
 */
int script_disasm_insn(const struct script_insn *insns, size_t cnt,
		       char *buf, size_t size);
/*
 * Prints a whole program, one instruction a line: 0, -EINVAL as above
 * (after the lines before it), or -EIO when writing to @out failed.
 */
int script_disasm(const struct script_insn *insns, size_t cnt, FILE *out,
		  unsigned int flags);
/*
 * Assembles @text (what script_disasm() prints, with or without the
 * indices and raw bytes; "label:" lines and "goto label" jumps; "#" and
 * ";" comments): 0 and a program the caller frees, -EINVAL with
 * "line N: reason" in @err, or -ENOMEM.  Subprogram calls print as
 * "call pc+N" (N counted from the next instruction, as for goto) and
 * encodings it cannot print as text as ".insn 0x<bytes>".
 */
int script_asm(const char *text, struct script_insn **insns, size_t *cnt,
	       char *err, size_t err_size);

/* ---------------------------------------------------------------------
 * ELF objects from clang -target bpf
 */

struct script_object;

/**
 * struct script_object_opts - how to open an object
 * @sz: sizeof(struct script_object_opts)
 * @entry: the function the program starts at; NULL: the object's only
 *	global function (in .text or any other code section)
 * @err: a buffer for a message naming the section and offset of what
 *	the loader could not take, or NULL
 * @err_size: its size
 */
struct script_object_opts {
	size_t		sz;
	const char	*entry;
	char		*err;
	size_t		err_size;
};

/*
 * Reads an ELF object: the entry function first, then the functions it
 * calls (from .text or any other code section), calls fixed up; .rodata*
 * and .data.rel.ro* placed read-only in memory of this process, .data* and
 * .bss* read-write, with the LD_IMM64 and the pointers in data that name
 * them patched to their addresses.  The memory lives until
 * script_object_close(): every thread that runs the program shares its
 * .data and .bss.  -EINVAL for a malformed object, -ENOTSUP for what
 * script(2) cannot run (maps, atomics, function pointers, ...), -ENOENT
 * for a missing entry, -E2BIG; a message naming the section and offset in
 * @opts->err.
 */
int script_object_open_file(const char *path,
			    const struct script_object_opts *opts,
			    struct script_object **objp);
int script_object_open_mem(const void *buf, size_t size,
			   const struct script_object_opts *opts,
			   struct script_object **objp);
void script_object_close(struct script_object *obj);
/* The program, ready for script_verify(), script_load(), script_run(). */
const struct script_insn *script_object_insns(const struct script_object *obj,
					      size_t *cnt);
/*
 * The address of the object's variable @name (in .rodata, .data or
 * .bss), and in *@size its size when @size is not NULL; NULL with errno
 * ENOENT when it has none of that name.
 */
void *script_object_symbol(const struct script_object *obj, const char *name,
			   size_t *size);
/* script_load() of the object's program. */
int script_object_load(const struct script_object *obj,
		       struct script_log *log);
/* script_load_flags() of the object's program. */
int script_object_load_flags(const struct script_object *obj,
			     struct script_log *log, __u64 flags);

#ifdef __cplusplus
}
#endif

#endif /* __LIBSCRIPT_H */
