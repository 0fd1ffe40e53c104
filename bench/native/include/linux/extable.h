/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The exception table of the native build: arch/x86/include/asm/asm.h's
 * _ASM_EXTABLE_* and extable_fixup_types.h's types, in a section of this
 * program, __shim_extable, with absolute addresses (.quad) where the
 * kernel has relative ones.  native_shim.c's SIGSEGV handler looks the
 * faulting instruction up there and does what arch/x86/mm/extable.c does
 * for the entry's type: resume at the fixup (EX_TYPE_DEFAULT,
 * EX_TYPE_UACCESS), first setting a register to an immediate
 * (EX_TYPE_IMM_REG: EX_TYPE_EFAULT_REG is -EFAULT) and clearing %rax or
 * %rdx as its flags say.
 */
#ifndef _SHIM_LINUX_EXTABLE_H
#define _SHIM_LINUX_EXTABLE_H

#define EX_DATA_TYPE_MASK		((int)0x000000FF)
#define EX_DATA_REG_MASK		((int)0x00000F00)
#define EX_DATA_FLAG_MASK		((int)0x0000F000)
#define EX_DATA_IMM_MASK		((int)0xFFFF0000)

#define EX_DATA_REG_SHIFT		8
#define EX_DATA_FLAG_SHIFT		12
#define EX_DATA_IMM_SHIFT		16

#define EX_DATA_REG(reg)		((reg) << EX_DATA_REG_SHIFT)
#define EX_DATA_FLAG(flag)		((flag) << EX_DATA_FLAG_SHIFT)
#define EX_DATA_IMM(imm)		((imm) << EX_DATA_IMM_SHIFT)

#define EX_FLAG_CLEAR_AX		EX_DATA_FLAG(1)
#define EX_FLAG_CLEAR_DX		EX_DATA_FLAG(2)
#define EX_FLAG_CLEAR_AX_DX		EX_DATA_FLAG(3)

#define EX_TYPE_DEFAULT			 1
#define EX_TYPE_UACCESS			 3
#define EX_TYPE_IMM_REG			17 /* reg := (long)imm */
#define EX_TYPE_EFAULT_REG		(EX_TYPE_IMM_REG | EX_DATA_IMM(-14))

#ifndef __ASSEMBLY__

/*
 * The kernel's entry, with offsets relative to its fields: the compiler
 * writes its tables so (kernel/script/jit.c); native_jit.c's
 * search_extable() reads them, which nothing here calls.
 */
struct exception_table_entry {
	int insn, fixup, data;
};

const struct exception_table_entry *
search_extable(const struct exception_table_entry *base, size_t num,
	       unsigned long value);

#define _ASM_EXTABLE_TYPE(from, to, type)			\
	" .pushsection \"__shim_extable\",\"a\"\n"		\
	" .balign 8\n"						\
	" .quad " #from "\n"					\
	" .quad " #to "\n"					\
	" .quad " __stringify(type) "\n"			\
	" .popsection\n"

#define _ASM_EXTABLE_UA(from, to)				\
	_ASM_EXTABLE_TYPE(from, to, EX_TYPE_UACCESS)

/* asm.h: the register's number (rax 0 ... r15 15) in the entry's data */
#define DEFINE_EXTABLE_TYPE_REG \
	".macro extable_type_reg type:req reg:req\n"				\
	".set .Lfound, 0\n"							\
	".set .Lregnr, 0\n"							\
	".irp rs,rax,rcx,rdx,rbx,rsp,rbp,rsi,rdi,r8,r9,r10,r11,r12,r13,r14,r15\n" \
	".ifc \\reg, %%\\rs\n"							\
	".set .Lfound, .Lfound+1\n"						\
	".quad \\type + (.Lregnr << 8)\n"					\
	".endif\n"								\
	".set .Lregnr, .Lregnr+1\n"						\
	".endr\n"								\
	".set .Lregnr, 0\n"							\
	".irp rs,eax,ecx,edx,ebx,esp,ebp,esi,edi,r8d,r9d,r10d,r11d,r12d,r13d,r14d,r15d\n" \
	".ifc \\reg, %%\\rs\n"							\
	".set .Lfound, .Lfound+1\n"						\
	".quad \\type + (.Lregnr << 8)\n"					\
	".endif\n"								\
	".set .Lregnr, .Lregnr+1\n"						\
	".endr\n"								\
	".if (.Lfound != 1)\n"							\
	".error \"extable_type_reg: bad register argument\"\n"			\
	".endif\n"								\
	".endm\n"

#define UNDEFINE_EXTABLE_TYPE_REG	".purgem extable_type_reg\n"

#define _ASM_EXTABLE_TYPE_REG(from, to, type, reg)			\
	" .pushsection \"__shim_extable\",\"a\"\n"			\
	" .balign 8\n"							\
	" .quad " #from "\n"						\
	" .quad " #to "\n"						\
	DEFINE_EXTABLE_TYPE_REG						\
	"extable_type_reg reg=" __stringify(reg) ", type=" __stringify(type) " \n" \
	UNDEFINE_EXTABLE_TYPE_REG					\
	" .popsection\n"

#endif /* __ASSEMBLY__ */

#endif /* _SHIM_LINUX_EXTABLE_H */
