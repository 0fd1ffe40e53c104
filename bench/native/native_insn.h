/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Instruction macros for the benchmark's programs, in the manner of the
 * kernel's include/linux/filter.h: each a struct script_insn compound
 * literal.  Jump and call distances count from the next instruction.
 */
#ifndef _NATIVE_INSN_H
#define _NATIVE_INSN_H

#include <uapi/linux/script.h>

#define SCRIPT_RAW_INSN(CODE, DST, SRC, OFF, IMM)			\
	((struct script_insn) {						\
		.code	 = (CODE),					\
		.dst_reg = (DST),					\
		.src_reg = (SRC),					\
		.off	 = (OFF),					\
		.imm	 = (IMM) })

#define SCRIPT_ALU64_REG(OP, DST, SRC)					\
	SCRIPT_RAW_INSN(SCRIPT_ALU64 | SCRIPT_OP(OP) | SCRIPT_X, DST, SRC, 0, 0)
#define SCRIPT_ALU64_IMM(OP, DST, IMM)					\
	SCRIPT_RAW_INSN(SCRIPT_ALU64 | SCRIPT_OP(OP) | SCRIPT_K, DST, 0, 0, IMM)
#define SCRIPT_ALU32_REG(OP, DST, SRC)					\
	SCRIPT_RAW_INSN(SCRIPT_ALU | SCRIPT_OP(OP) | SCRIPT_X, DST, SRC, 0, 0)
#define SCRIPT_MOV64_REG(DST, SRC)	SCRIPT_ALU64_REG(SCRIPT_MOV, DST, SRC)
#define SCRIPT_MOV64_IMM(DST, IMM)	SCRIPT_ALU64_IMM(SCRIPT_MOV, DST, IMM)

#define SCRIPT_LDX_MEM(SIZE, DST, SRC, OFF)				\
	SCRIPT_RAW_INSN(SCRIPT_LDX | SCRIPT_SIZE(SIZE) | SCRIPT_MEM,	\
			DST, SRC, OFF, 0)
#define SCRIPT_STX_MEM(SIZE, DST, SRC, OFF)				\
	SCRIPT_RAW_INSN(SCRIPT_STX | SCRIPT_SIZE(SIZE) | SCRIPT_MEM,	\
			DST, SRC, OFF, 0)

#define SCRIPT_JMP_REG(OP, DST, SRC, OFF)				\
	SCRIPT_RAW_INSN(SCRIPT_JMP | SCRIPT_OP(OP) | SCRIPT_X, DST, SRC, OFF, 0)
#define SCRIPT_CALL_OP(ID)						\
	SCRIPT_RAW_INSN(SCRIPT_JMP | SCRIPT_CALL, 0, 0, 0, ID)
#define SCRIPT_CALL_REL(IMM)						\
	SCRIPT_RAW_INSN(SCRIPT_JMP | SCRIPT_CALL, 0, SCRIPT_PSEUDO_CALL, 0, IMM)
#define SCRIPT_EXIT_INSN()						\
	SCRIPT_RAW_INSN(SCRIPT_JMP | SCRIPT_EXIT, 0, 0, 0, 0)

#endif /* _NATIVE_INSN_H */
