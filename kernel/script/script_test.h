/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Instruction builders for the script(2) KUnit tests, in the manner of the
 * BPF_* ones of include/linux/filter.h.
 */
#ifndef _KERNEL_SCRIPT_SCRIPT_TEST_H
#define _KERNEL_SCRIPT_SCRIPT_TEST_H

#include <linux/string.h>

#include "script.h"

#define I(CODE, DST, SRC, OFF, IMM)					\
	((struct script_insn){ .code = (CODE), .dst_reg = (DST),	\
			       .src_reg = (SRC), .off = (OFF), .imm = (IMM) })

#define ALU64_IMM(OP, DST, IMM)	I(SCRIPT_ALU64 | (OP) | SCRIPT_K, DST, 0, 0, IMM)
#define ALU64_REG(OP, DST, SRC)	I(SCRIPT_ALU64 | (OP) | SCRIPT_X, DST, SRC, 0, 0)
#define ALU32_IMM(OP, DST, IMM)	I(SCRIPT_ALU | (OP) | SCRIPT_K, DST, 0, 0, IMM)
#define ALU32_REG(OP, DST, SRC)	I(SCRIPT_ALU | (OP) | SCRIPT_X, DST, SRC, 0, 0)
#define SDIV64(OP, DST, SRC)	I(SCRIPT_ALU64 | (OP) | SCRIPT_X, DST, SRC, 1, 0)
#define SDIV32(OP, DST, SRC)	I(SCRIPT_ALU | (OP) | SCRIPT_X, DST, SRC, 1, 0)
#define MOVSX64(DST, SRC, BITS)	I(SCRIPT_ALU64 | SCRIPT_MOV | SCRIPT_X, DST, SRC, BITS, 0)
#define MOVSX32(DST, SRC, BITS)	I(SCRIPT_ALU | SCRIPT_MOV | SCRIPT_X, DST, SRC, BITS, 0)
#define END(CLASS, DIR, BITS)	I((CLASS) | SCRIPT_END | (DIR), 0, 0, 0, BITS)
#define MOV64_IMM(DST, IMM)	ALU64_IMM(SCRIPT_MOV, DST, IMM)
#define MOV64_REG(DST, SRC)	ALU64_REG(SCRIPT_MOV, DST, SRC)
#define JMP_IMM(OP, DST, IMM, OFF) I(SCRIPT_JMP | (OP) | SCRIPT_K, DST, 0, OFF, IMM)
#define JMP_REG(OP, DST, SRC, OFF) I(SCRIPT_JMP | (OP) | SCRIPT_X, DST, SRC, OFF, 0)
#define JA(OFF)			I(SCRIPT_JMP | SCRIPT_JA, 0, 0, OFF, 0)
#define GOTOL(IMM)		I(SCRIPT_JMP32 | SCRIPT_JA, 0, 0, 0, IMM)
#define CALL_OP(ID)		I(SCRIPT_JMP | SCRIPT_CALL, 0, 0, 0, ID)
#define CALL_REL(IMM)		I(SCRIPT_JMP | SCRIPT_CALL, 0, SCRIPT_PSEUDO_CALL, 0, IMM)
#define LD_IMM64(DST, LO)	I(SCRIPT_LD | SCRIPT_IMM | SCRIPT_DW, DST, 0, 0, LO)
#define LD_IMM64_HI(HI)		I(0, 0, 0, 0, HI)
#define LDX(SIZE, DST, SRC, OFF) I(SCRIPT_LDX | SCRIPT_MEM | (SIZE), DST, SRC, OFF, 0)
#define LDSX(SIZE, DST, SRC, OFF) I(SCRIPT_LDX | SCRIPT_MEMSX | (SIZE), DST, SRC, OFF, 0)
#define STX(SIZE, DST, SRC, OFF) I(SCRIPT_STX | SCRIPT_MEM | (SIZE), DST, SRC, OFF, 0)
#define ST(SIZE, DST, OFF, IMM)	I(SCRIPT_ST | SCRIPT_MEM | (SIZE), DST, 0, OFF, IMM)
#define EXIT			I(SCRIPT_JMP | SCRIPT_EXIT, 0, 0, 0, 0)

/* Length of a program in an array padded with zeroed instructions. */
static inline u32 script_test_len(const struct script_insn *insns, u32 max)
{
	while (max && !memchr_inv(&insns[max - 1], 0, sizeof(*insns)))
		max--;
	return max;
}

#endif /* _KERNEL_SCRIPT_SCRIPT_TEST_H */
