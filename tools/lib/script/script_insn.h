/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Instruction macros for script(2) programs, in the manner of the kernel's
 * include/linux/filter.h: each one is a struct script_insn compound literal
 * that can stand in an array initializer or an expression, for instance
 *
 *	static const struct script_insn prog[] = {
 *		SCRIPT_MOV64_REG(SCRIPT_REG_0, SCRIPT_REG_1),
 *		SCRIPT_ALU64_IMM(SCRIPT_ADD, SCRIPT_REG_0, 1),
 *		SCRIPT_EXIT_INSN(),
 *	};
 *
 * SCRIPT_LD_IMM64() is two instructions, separated by a comma, so it can
 * only stand in an initializer list.  Distances of jumps and calls count
 * instructions from the one after the jump.
 */
#ifndef __SCRIPT_INSN_H
#define __SCRIPT_INSN_H

#include <linux/types.h>
#include <linux/script.h>

/**
 * SCRIPT_RAW_INSN() - an instruction given field by field
 * @CODE: opcode
 * @DST: destination register
 * @SRC: source register
 * @OFF: signed 16-bit offset
 * @IMM: signed 32-bit immediate
 */
#define SCRIPT_RAW_INSN(CODE, DST, SRC, OFF, IMM)			\
	((struct script_insn) {						\
		.code	 = (CODE),					\
		.dst_reg = (DST),					\
		.src_reg = (SRC),					\
		.off	 = (OFF),					\
		.imm	 = (IMM) })

/* ALU operations */

/**
 * SCRIPT_ALU64_REG() - 64-bit ALU operation with a register operand
 * @OP: SCRIPT_ADD, SCRIPT_SUB, ...
 * @DST: destination register, also the first operand
 * @SRC: register holding the second operand
 */
#define SCRIPT_ALU64_REG(OP, DST, SRC)					\
	SCRIPT_RAW_INSN(SCRIPT_ALU64 | SCRIPT_OP(OP) | SCRIPT_X, DST, SRC, 0, 0)

/**
 * SCRIPT_ALU64_IMM() - 64-bit ALU operation with an immediate operand
 * @OP: SCRIPT_ADD, SCRIPT_SUB, ...
 * @DST: destination register, also the first operand
 * @IMM: second operand, sign-extended to 64 bits
 */
#define SCRIPT_ALU64_IMM(OP, DST, IMM)					\
	SCRIPT_RAW_INSN(SCRIPT_ALU64 | SCRIPT_OP(OP) | SCRIPT_K, DST, 0, 0, IMM)

/**
 * SCRIPT_ALU32_REG() - 32-bit ALU operation with a register operand
 * @OP: SCRIPT_ADD, SCRIPT_SUB, ...
 * @DST: destination register; its upper 32 bits become zero
 * @SRC: register holding the second operand
 */
#define SCRIPT_ALU32_REG(OP, DST, SRC)					\
	SCRIPT_RAW_INSN(SCRIPT_ALU | SCRIPT_OP(OP) | SCRIPT_X, DST, SRC, 0, 0)

/**
 * SCRIPT_ALU32_IMM() - 32-bit ALU operation with an immediate operand
 * @OP: SCRIPT_ADD, SCRIPT_SUB, ...
 * @DST: destination register; its upper 32 bits become zero
 * @IMM: second operand
 */
#define SCRIPT_ALU32_IMM(OP, DST, IMM)					\
	SCRIPT_RAW_INSN(SCRIPT_ALU | SCRIPT_OP(OP) | SCRIPT_K, DST, 0, 0, IMM)

/**
 * SCRIPT_ALU64_REG_OFF() - 64-bit ALU operation with a variant selector
 * @OP: SCRIPT_DIV or SCRIPT_MOD
 * @DST: destination register
 * @SRC: register holding the second operand
 * @OFF: 1 for the signed variant
 */
#define SCRIPT_ALU64_REG_OFF(OP, DST, SRC, OFF)				\
	SCRIPT_RAW_INSN(SCRIPT_ALU64 | SCRIPT_OP(OP) | SCRIPT_X,	\
			DST, SRC, OFF, 0)

/**
 * SCRIPT_ALU64_IMM_OFF() - 64-bit ALU operation on an immediate, with a
 *	variant selector
 * @OP: SCRIPT_DIV or SCRIPT_MOD
 * @DST: destination register
 * @IMM: second operand
 * @OFF: 1 for the signed variant
 */
#define SCRIPT_ALU64_IMM_OFF(OP, DST, IMM, OFF)				\
	SCRIPT_RAW_INSN(SCRIPT_ALU64 | SCRIPT_OP(OP) | SCRIPT_K,	\
			DST, 0, OFF, IMM)

/**
 * SCRIPT_ALU32_REG_OFF() - 32-bit ALU operation with a variant selector
 * @OP: SCRIPT_DIV or SCRIPT_MOD
 * @DST: destination register
 * @SRC: register holding the second operand
 * @OFF: 1 for the signed variant
 */
#define SCRIPT_ALU32_REG_OFF(OP, DST, SRC, OFF)				\
	SCRIPT_RAW_INSN(SCRIPT_ALU | SCRIPT_OP(OP) | SCRIPT_X, DST, SRC, OFF, 0)

/**
 * SCRIPT_ALU32_IMM_OFF() - 32-bit ALU operation on an immediate, with a
 *	variant selector
 * @OP: SCRIPT_DIV or SCRIPT_MOD
 * @DST: destination register
 * @IMM: second operand
 * @OFF: 1 for the signed variant
 */
#define SCRIPT_ALU32_IMM_OFF(OP, DST, IMM, OFF)				\
	SCRIPT_RAW_INSN(SCRIPT_ALU | SCRIPT_OP(OP) | SCRIPT_K, DST, 0, OFF, IMM)

/**
 * SCRIPT_MOV64_REG() - dst = src, 64 bits
 * @DST: destination register
 * @SRC: source register
 */
#define SCRIPT_MOV64_REG(DST, SRC)	SCRIPT_ALU64_REG(SCRIPT_MOV, DST, SRC)

/**
 * SCRIPT_MOV64_IMM() - dst = imm, sign-extended to 64 bits
 * @DST: destination register
 * @IMM: signed 32-bit value
 */
#define SCRIPT_MOV64_IMM(DST, IMM)	SCRIPT_ALU64_IMM(SCRIPT_MOV, DST, IMM)

/**
 * SCRIPT_MOV32_REG() - dst = (u32)src, zero-extended
 * @DST: destination register
 * @SRC: source register
 */
#define SCRIPT_MOV32_REG(DST, SRC)	SCRIPT_ALU32_REG(SCRIPT_MOV, DST, SRC)

/**
 * SCRIPT_MOV32_IMM() - dst = (u32)imm, zero-extended
 * @DST: destination register
 * @IMM: 32-bit value
 */
#define SCRIPT_MOV32_IMM(DST, IMM)	SCRIPT_ALU32_IMM(SCRIPT_MOV, DST, IMM)

/**
 * SCRIPT_MOVSX64_REG() - dst = the low @BITS of src, sign-extended to 64
 * @DST: destination register
 * @SRC: source register
 * @BITS: 8, 16 or 32
 */
#define SCRIPT_MOVSX64_REG(DST, SRC, BITS)				\
	SCRIPT_ALU64_REG_OFF(SCRIPT_MOV, DST, SRC, BITS)

/**
 * SCRIPT_MOVSX32_REG() - dst = the low @BITS of src, sign-extended to 32
 *	bits, then zero-extended
 * @DST: destination register
 * @SRC: source register
 * @BITS: 8 or 16
 */
#define SCRIPT_MOVSX32_REG(DST, SRC, BITS)				\
	SCRIPT_ALU32_REG_OFF(SCRIPT_MOV, DST, SRC, BITS)

/**
 * SCRIPT_ENDIAN() - convert the low @LEN bits of dst between host order
 *	and the given byte order, zero-extending the result
 * @TYPE: SCRIPT_TO_LE or SCRIPT_TO_BE
 * @DST: register converted in place
 * @LEN: 16, 32 or 64
 */
#define SCRIPT_ENDIAN(TYPE, DST, LEN)					\
	SCRIPT_RAW_INSN(SCRIPT_ALU | SCRIPT_END | SCRIPT_SRC(TYPE),	\
			DST, 0, 0, LEN)

/**
 * SCRIPT_BSWAP() - unconditionally swap the bytes of the low @LEN bits of
 *	dst, zero-extending the result
 * @DST: register swapped in place
 * @LEN: 16, 32 or 64
 */
#define SCRIPT_BSWAP(DST, LEN)						\
	SCRIPT_RAW_INSN(SCRIPT_ALU64 | SCRIPT_END | SCRIPT_TO_LE,	\
			DST, 0, 0, LEN)

/* 64-bit immediate, memory */

/**
 * SCRIPT_LD_IMM64() - dst = a 64-bit immediate: two instructions
 * @DST: destination register
 * @IMM: the value; its low half goes in the first slot, its high half in
 *	the second
 */
#define SCRIPT_LD_IMM64(DST, IMM)					\
	SCRIPT_RAW_INSN(SCRIPT_LD | SCRIPT_DW | SCRIPT_IMM, DST, 0, 0,	\
			(__s32)(__u32)(__u64)(IMM)),			\
	SCRIPT_RAW_INSN(0, 0, 0, 0,					\
			(__s32)(__u32)((__u64)(IMM) >> 32))

/**
 * SCRIPT_LDX_MEM() - dst = *(size *)(src + off), zero-extended
 * @SIZE: SCRIPT_B, SCRIPT_H, SCRIPT_W or SCRIPT_DW
 * @DST: destination register
 * @SRC: register holding the base address
 * @OFF: signed displacement
 */
#define SCRIPT_LDX_MEM(SIZE, DST, SRC, OFF)				\
	SCRIPT_RAW_INSN(SCRIPT_LDX | SCRIPT_SIZE(SIZE) | SCRIPT_MEM,	\
			DST, SRC, OFF, 0)

/**
 * SCRIPT_LDX_MEMSX() - dst = *(signed size *)(src + off), sign-extended
 * @SIZE: SCRIPT_B, SCRIPT_H or SCRIPT_W
 * @DST: destination register
 * @SRC: register holding the base address
 * @OFF: signed displacement
 */
#define SCRIPT_LDX_MEMSX(SIZE, DST, SRC, OFF)				\
	SCRIPT_RAW_INSN(SCRIPT_LDX | SCRIPT_SIZE(SIZE) | SCRIPT_MEMSX,	\
			DST, SRC, OFF, 0)

/**
 * SCRIPT_STX_MEM() - *(size *)(dst + off) = src
 * @SIZE: SCRIPT_B, SCRIPT_H, SCRIPT_W or SCRIPT_DW
 * @DST: register holding the base address
 * @SRC: register holding the value stored
 * @OFF: signed displacement
 */
#define SCRIPT_STX_MEM(SIZE, DST, SRC, OFF)				\
	SCRIPT_RAW_INSN(SCRIPT_STX | SCRIPT_SIZE(SIZE) | SCRIPT_MEM,	\
			DST, SRC, OFF, 0)

/**
 * SCRIPT_ST_MEM() - *(size *)(dst + off) = imm
 * @SIZE: SCRIPT_B, SCRIPT_H, SCRIPT_W or SCRIPT_DW
 * @DST: register holding the base address
 * @OFF: signed displacement
 * @IMM: the value stored, sign-extended for SCRIPT_DW
 */
#define SCRIPT_ST_MEM(SIZE, DST, OFF, IMM)				\
	SCRIPT_RAW_INSN(SCRIPT_ST | SCRIPT_SIZE(SIZE) | SCRIPT_MEM,	\
			DST, 0, OFF, IMM)

/* Jumps, calls, exit */

/**
 * SCRIPT_JMP_REG() - if (dst op src) goto pc + 1 + off, 64-bit compare
 * @OP: SCRIPT_JEQ, SCRIPT_JGT, ...
 * @DST: register holding the first operand
 * @SRC: register holding the second operand
 * @OFF: distance in instructions
 */
#define SCRIPT_JMP_REG(OP, DST, SRC, OFF)				\
	SCRIPT_RAW_INSN(SCRIPT_JMP | SCRIPT_OP(OP) | SCRIPT_X, DST, SRC, OFF, 0)

/**
 * SCRIPT_JMP_IMM() - if (dst op imm) goto pc + 1 + off, 64-bit compare
 * @OP: SCRIPT_JEQ, SCRIPT_JGT, ...
 * @DST: register holding the first operand
 * @IMM: second operand, sign-extended to 64 bits
 * @OFF: distance in instructions
 */
#define SCRIPT_JMP_IMM(OP, DST, IMM, OFF)				\
	SCRIPT_RAW_INSN(SCRIPT_JMP | SCRIPT_OP(OP) | SCRIPT_K, DST, 0, OFF, IMM)

/**
 * SCRIPT_JMP32_REG() - if (dst op src) goto pc + 1 + off, comparing the
 *	low 32 bits
 * @OP: SCRIPT_JEQ, SCRIPT_JGT, ...
 * @DST: register holding the first operand
 * @SRC: register holding the second operand
 * @OFF: distance in instructions
 */
#define SCRIPT_JMP32_REG(OP, DST, SRC, OFF)				\
	SCRIPT_RAW_INSN(SCRIPT_JMP32 | SCRIPT_OP(OP) | SCRIPT_X,	\
			DST, SRC, OFF, 0)

/**
 * SCRIPT_JMP32_IMM() - if (dst op imm) goto pc + 1 + off, comparing the
 *	low 32 bits
 * @OP: SCRIPT_JEQ, SCRIPT_JGT, ...
 * @DST: register holding the first operand
 * @IMM: second operand
 * @OFF: distance in instructions
 */
#define SCRIPT_JMP32_IMM(OP, DST, IMM, OFF)				\
	SCRIPT_RAW_INSN(SCRIPT_JMP32 | SCRIPT_OP(OP) | SCRIPT_K,	\
			DST, 0, OFF, IMM)

/**
 * SCRIPT_JMP_A() - goto pc + 1 + off
 * @OFF: signed 16-bit distance in instructions
 */
#define SCRIPT_JMP_A(OFF)						\
	SCRIPT_RAW_INSN(SCRIPT_JMP | SCRIPT_JA, 0, 0, OFF, 0)

/**
 * SCRIPT_JMP32_A() - goto pc + 1 + imm ("gotol"), for distances beyond
 *	16 bits
 * @IMM: signed 32-bit distance in instructions
 */
#define SCRIPT_JMP32_A(IMM)						\
	SCRIPT_RAW_INSN(SCRIPT_JMP32 | SCRIPT_JA, 0, 0, 0, IMM)

/**
 * SCRIPT_CALL_OP() - call an op: r0 = op(r1, ..., r5)
 * @ID: SCRIPT_OP_READ, ...
 */
#define SCRIPT_CALL_OP(ID)						\
	SCRIPT_RAW_INSN(SCRIPT_JMP | SCRIPT_CALL, 0, 0, 0, ID)

/**
 * SCRIPT_CALL_REL() - call the subprogram at pc + 1 + imm
 * @IMM: signed distance in instructions
 */
#define SCRIPT_CALL_REL(IMM)						\
	SCRIPT_RAW_INSN(SCRIPT_JMP | SCRIPT_CALL, 0, SCRIPT_PSEUDO_CALL, 0, IMM)

/**
 * SCRIPT_EXIT_INSN() - return from a subprogram, or end the run with r0
 */
#define SCRIPT_EXIT_INSN()						\
	SCRIPT_RAW_INSN(SCRIPT_JMP | SCRIPT_EXIT, 0, 0, 0, 0)

#endif /* __SCRIPT_INSN_H */
