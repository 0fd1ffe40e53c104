/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the script(2) selftests: the raw system call and
 * instruction builders mirroring include/linux/filter.h.
 */
#ifndef SCRIPT_UTIL_H
#define SCRIPT_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/script.h>

static inline long sys_script(unsigned int cmd, void *attr, size_t size)
{
	return syscall(__NR_script, cmd, attr, size);
}

#define I(CODE, DST, SRC, OFF, IMM)					\
	((struct script_insn){ .code = (CODE), .dst_reg = (DST),	\
			       .src_reg = (SRC), .off = (OFF), .imm = (IMM) })

#define ALU64_IMM(OP, DST, IMM)	I(SCRIPT_ALU64 | (OP) | SCRIPT_K, DST, 0, 0, IMM)
#define ALU64_REG(OP, DST, SRC)	I(SCRIPT_ALU64 | (OP) | SCRIPT_X, DST, SRC, 0, 0)
#define ALU32_IMM(OP, DST, IMM)	I(SCRIPT_ALU | (OP) | SCRIPT_K, DST, 0, 0, IMM)
#define ALU32_REG(OP, DST, SRC)	I(SCRIPT_ALU | (OP) | SCRIPT_X, DST, SRC, 0, 0)
#define MOV64_IMM(DST, IMM)	ALU64_IMM(SCRIPT_MOV, DST, IMM)
#define MOV64_REG(DST, SRC)	ALU64_REG(SCRIPT_MOV, DST, SRC)
#define JMP_IMM(OP, DST, IMM, OFF) I(SCRIPT_JMP | (OP) | SCRIPT_K, DST, 0, OFF, IMM)
#define JMP_REG(OP, DST, SRC, OFF) I(SCRIPT_JMP | (OP) | SCRIPT_X, DST, SRC, OFF, 0)
#define JA(OFF)			I(SCRIPT_JMP | SCRIPT_JA, 0, 0, OFF, 0)
#define CALL_OP(ID)		I(SCRIPT_JMP | SCRIPT_CALL, 0, 0, 0, ID)
#define CALL_REL(IMM)		I(SCRIPT_JMP | SCRIPT_CALL, 0, SCRIPT_PSEUDO_CALL, 0, IMM)
#define LD_IMM64(DST, LO)	I(SCRIPT_LD | SCRIPT_IMM | SCRIPT_DW, DST, 0, 0, LO)
#define LD_IMM64_HI(HI)		I(0, 0, 0, 0, HI)
#define LDX(SIZE, DST, SRC, OFF) I(SCRIPT_LDX | SCRIPT_MEM | (SIZE), DST, SRC, OFF, 0)
#define LDSX(SIZE, DST, SRC, OFF) I(SCRIPT_LDX | SCRIPT_MEMSX | (SIZE), DST, SRC, OFF, 0)
#define STX(SIZE, DST, SRC, OFF) I(SCRIPT_STX | SCRIPT_MEM | (SIZE), DST, SRC, OFF, 0)
#define ST(SIZE, DST, OFF, IMM)	I(SCRIPT_ST | SCRIPT_MEM | (SIZE), DST, 0, OFF, IMM)
#define EXIT			I(SCRIPT_JMP | SCRIPT_EXIT, 0, 0, 0, 0)

#define ARRAY_LEN(a)		(sizeof(a) / sizeof((a)[0]))

/* A user stack for runs; r10 starts at its top. */
static uint64_t script_stack[4 * SCRIPT_FRAME_SIZE / 8];

static inline void script_attr_prog(struct script_attr *attr,
				    const struct script_insn *insns, size_t n)
{
	attr->insns = (uintptr_t)insns;
	attr->insn_cnt = n;
}

static inline void script_attr_stack(struct script_attr *attr)
{
	attr->stack = (uintptr_t)script_stack;
	attr->stack_size = sizeof(script_stack);
}

/* -errno of writing @val to the file at @path, 0 on success. */
static inline int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* Reads the file at @path into @buf, NUL-terminated: 0 or -errno. */
static inline int read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	return 0;
}

/* Runs @insns inline: 0 or -errno, the rest in @attr. */
static inline int script_run(struct script_attr *attr,
			     const struct script_insn *insns, size_t n)
{
	script_attr_prog(attr, insns, n);
	return sys_script(SCRIPT_RUN, attr, sizeof(*attr)) ? -errno : 0;
}

#endif /* SCRIPT_UTIL_H */
