/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * script(2): run a checked bytecode program over system calls in the
 * caller's own context.
 *
 * The instruction encoding is eBPF's: every SCRIPT_* opcode value below
 * equals the BPF_* value of the same name in <linux/bpf_common.h> and
 * <linux/bpf.h>, and struct script_insn has the layout of struct bpf_insn,
 * so that "clang -target bpf" output runs unchanged and "llvm-objdump -d"
 * disassembles script programs.  The semantics are script(2)'s own: see
 * Documentation/userspace-api/script.rst for the accepted subset.
 */
#ifndef _UAPI_LINUX_SCRIPT_H
#define _UAPI_LINUX_SCRIPT_H

#include <linux/types.h>

/* Instruction classes (BPF_CLASS) */
#define SCRIPT_CLASS(code)	((code) & 0x07)
#define SCRIPT_LD		0x00
#define SCRIPT_LDX		0x01
#define SCRIPT_ST		0x02
#define SCRIPT_STX		0x03
#define SCRIPT_ALU		0x04
#define SCRIPT_JMP		0x05
#define SCRIPT_JMP32		0x06
#define SCRIPT_ALU64		0x07

/* Load and store sizes (BPF_SIZE) */
#define SCRIPT_SIZE(code)	((code) & 0x18)
#define SCRIPT_W		0x00	/* 32 bits */
#define SCRIPT_H		0x08	/* 16 bits */
#define SCRIPT_B		0x10	/*  8 bits */
#define SCRIPT_DW		0x18	/* 64 bits */

/* Load and store modes (BPF_MODE) */
#define SCRIPT_MODE(code)	((code) & 0xe0)
#define SCRIPT_IMM		0x00	/* LD only: 64-bit immediate, two slots */
#define SCRIPT_MEM		0x60
#define SCRIPT_MEMSX		0x80	/* LDX only: sign-extending load */

/* ALU operations (BPF_OP) */
#define SCRIPT_OP(code)		((code) & 0xf0)
#define SCRIPT_ADD		0x00
#define SCRIPT_SUB		0x10
#define SCRIPT_MUL		0x20
#define SCRIPT_DIV		0x30
#define SCRIPT_OR		0x40
#define SCRIPT_AND		0x50
#define SCRIPT_LSH		0x60
#define SCRIPT_RSH		0x70
#define SCRIPT_NEG		0x80
#define SCRIPT_MOD		0x90
#define SCRIPT_XOR		0xa0
#define SCRIPT_MOV		0xb0
#define SCRIPT_ARSH		0xc0
#define SCRIPT_END		0xd0

/* Jump operations (BPF_OP) */
#define SCRIPT_JA		0x00
#define SCRIPT_JEQ		0x10
#define SCRIPT_JGT		0x20
#define SCRIPT_JGE		0x30
#define SCRIPT_JSET		0x40
#define SCRIPT_JNE		0x50
#define SCRIPT_JSGT		0x60
#define SCRIPT_JSGE		0x70
#define SCRIPT_CALL		0x80
#define SCRIPT_EXIT		0x90
#define SCRIPT_JLT		0xa0
#define SCRIPT_JLE		0xb0
#define SCRIPT_JSLT		0xc0
#define SCRIPT_JSLE		0xd0

/* Operand source (BPF_SRC) */
#define SCRIPT_SRC(code)	((code) & 0x08)
#define SCRIPT_K		0x00	/* imm */
#define SCRIPT_X		0x08	/* src_reg */

/* Byte-swap direction, in the SCRIPT_SRC bit of a SCRIPT_END insn */
#define SCRIPT_TO_LE		0x00
#define SCRIPT_TO_BE		0x08

/* src_reg of a SCRIPT_CALL: 0 calls an op by id, 1 a subprogram */
#define SCRIPT_PSEUDO_CALL	1

/* Registers */
enum {
	SCRIPT_REG_0 = 0,
	SCRIPT_REG_1,
	SCRIPT_REG_2,
	SCRIPT_REG_3,
	SCRIPT_REG_4,
	SCRIPT_REG_5,
	SCRIPT_REG_6,
	SCRIPT_REG_7,
	SCRIPT_REG_8,
	SCRIPT_REG_9,
	SCRIPT_REG_10,
	__MAX_SCRIPT_REG,
};

/**
 * struct script_insn - one instruction, laid out as struct bpf_insn
 * @code: opcode: class, then size and mode or operation and source
 * @dst_reg: destination register, 0 to 10
 * @src_reg: source register, 0 to 10
 * @off: signed offset: jump distance, memory displacement, or the
 *	variant selector of signed division and sign-extending moves
 * @imm: signed immediate operand, op id or subprogram distance
 */
struct script_insn {
	__u8	code;
	__u8	dst_reg:4;
	__u8	src_reg:4;
	__s16	off;
	__s32	imm;
};

/* Limits */
#define SCRIPT_MAXINSNS		65536	/* instructions in one program */
#define SCRIPT_MAX_CALL_DEPTH	8	/* nested subprogram calls */
#define SCRIPT_FRAME_SIZE	512	/* r10 moves down this much per call */
#define SCRIPT_STACK_MIN	SCRIPT_FRAME_SIZE
#define SCRIPT_STACK_MAX	(1U << 20)
#define SCRIPT_LOG_SIZE_MIN	128
#define SCRIPT_LOG_SIZE_MAX	(16U << 20)

/**
 * enum script_cmd - the first argument of script(2)
 * @SCRIPT_VERIFY: check a program; 0 if it is accepted.
 * @SCRIPT_LOAD: check a program and return a new O_CLOEXEC file
 *	descriptor that holds it.
 * @SCRIPT_RUN: check a program and run it once: 0 once it reached EXIT.
 * @SCRIPT_RUN_FD: run the program held by @prog_fd without checking it
 *	again: 0 once it reached EXIT.
 */
enum script_cmd {
	SCRIPT_VERIFY,
	SCRIPT_LOAD,
	SCRIPT_RUN,
	SCRIPT_RUN_FD,
};

/* Values of script_attr.log_level */
#define SCRIPT_LOG_NONE		0	/* no log */
#define SCRIPT_LOG_ERROR	1	/* the reason a program was rejected */
#define SCRIPT_LOG_VERBOSE	2	/* and a summary of accepted programs */

/**
 * struct script_attr - the second argument of script(2)
 *
 * Extensible in the manner of openat2(2) and clone3(2): the third argument
 * of script(2) is sizeof(struct script_attr) as the caller knew it.  A
 * kernel handed a larger struct requires the bytes it does not know to be
 * zero (-E2BIG otherwise); a struct smaller than %SCRIPT_ATTR_SIZE_VER0 is
 * -EINVAL, one larger than a page -E2BIG.  Input fields a command does not
 * use must be zero.
 *
 * @flags: none are defined yet: must be 0.
 * @insns: VERIFY, LOAD, RUN: user address of @insn_cnt instructions.
 * @insn_cnt: number of instructions, 1 to %SCRIPT_MAXINSNS; an LD_IMM64
 *	counts as two.
 * @prog_fd: RUN_FD: a descriptor returned by SCRIPT_LOAD.
 * @log_buf: VERIFY, LOAD, RUN: user buffer for the verifier's log, always
 *	NUL-terminated, or 0 for none.
 * @log_size: size of @log_buf in bytes, %SCRIPT_LOG_SIZE_MIN to
 *	%SCRIPT_LOG_SIZE_MAX; 0 with no @log_buf.
 * @log_level: SCRIPT_LOG_*; %SCRIPT_LOG_NONE with no @log_buf.
 * @args: RUN, RUN_FD: the initial values of r1 to r5.
 * @stack: RUN, RUN_FD: lowest user address of the stack, 8-byte aligned;
 *	r10 starts at @stack + @stack_size.  0 with @stack_size 0 for none.
 * @stack_size: bytes, a multiple of 8 from %SCRIPT_STACK_MIN to
 *	%SCRIPT_STACK_MAX, or 0 for no stack.
 * @max_steps: RUN, RUN_FD: stop the run with -ETIME after this many
 *	instructions; 0 for no limit.
 * @retval: out, RUN and RUN_FD: r0 when the program reached EXIT.
 * @steps: out, RUN and RUN_FD: instructions executed.
 * @pc: out: the index of the instruction a stopped run was about to run
 *	(which has not taken effect), or that the verifier rejected.
 * @log_true_size: out: bytes the whole log needs, its NUL included.
 */
struct script_attr {
	__u64		flags;
	__aligned_u64	insns;
	__u32		insn_cnt;
	__s32		prog_fd;
	__aligned_u64	log_buf;
	__u32		log_size;
	__u32		log_level;
	__aligned_u64	args[5];
	__aligned_u64	stack;
	__u64		stack_size;
	__u64		max_steps;
	__u64		retval;
	__u64		steps;
	__u32		pc;
	__u32		log_true_size;
};

#define SCRIPT_ATTR_SIZE_VER0	128	/* sizeof first published struct */

/**
 * enum script_op_id - ops a SCRIPT_CALL with src_reg 0 names in its imm
 * @SCRIPT_OP_UNSPEC: reserved; never a valid op.
 * @SCRIPT_OP_MEMCPY: r0 = memcpy(r1, r2, r3) between user buffers:
 *	the number of bytes copied, or -EFAULT.
 * @__SCRIPT_OP_MAX: number of op ids this header knows.
 */
enum script_op_id {
	SCRIPT_OP_UNSPEC,
	SCRIPT_OP_MEMCPY,
	__SCRIPT_OP_MAX,
};

#endif /* _UAPI_LINUX_SCRIPT_H */
