/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The user-access helpers of arch/x86/lib/getuser.S and putuser.S, and
 * the FSRM memcpy of arch/x86/lib/memcpy_64.S, for the native build:
 * the same instructions but for STAC/CLAC, which user mode cannot run.
 * A fault in an access is fixed up as in the kernel: the SIGSEGV handler
 * of native_bench.c looks the faulting instruction up in __shim_extable
 * and resumes at its fixup.  RET is the kernel's with return thunks.
 */

#define USER_PTR_MAX	0x00007ffffffff000
#define EFAULT		14

#define RET	jmp __x86_return_thunk

.macro EXTABLE insn, fixup
	.pushsection __shim_extable, "a"
	.balign 8
	.quad \insn, \fixup, 3	/* EX_TYPE_UACCESS */
	.popsection
.endm

.macro FUNC name
	.globl \name
	.type \name, @function
	.p2align 4
\name:
.endm

/* getuser.S: address in %rax, value out in %rdx, error in %eax */
.macro check_range_get
	movabs $USER_PTR_MAX, %rdx
	cmp %rdx, %rax
	cmova %rdx, %rax
.endm

	.text
FUNC __get_user_1
	check_range_get
1:	movzbl (%rax), %edx
	xor %eax, %eax
	RET
	EXTABLE 1b, __get_user_handle_exception

FUNC __get_user_2
	check_range_get
1:	movzwl (%rax), %edx
	xor %eax, %eax
	RET
	EXTABLE 1b, __get_user_handle_exception

FUNC __get_user_4
	check_range_get
1:	movl (%rax), %edx
	xor %eax, %eax
	RET
	EXTABLE 1b, __get_user_handle_exception

FUNC __get_user_8
	check_range_get
1:	movq (%rax), %rdx
	xor %eax, %eax
	RET
	EXTABLE 1b, __get_user_handle_exception

FUNC __get_user_handle_exception
	xor %edx, %edx
	mov $(-EFAULT), %rax
	RET

/* putuser.S: address in %rcx, value in %rax, error out in %ecx; %rbx */
.macro check_range_put
	mov %rcx, %rbx
	sar $63, %rbx
	or %rbx, %rcx
.endm

FUNC __put_user_1
	check_range_put
1:	movb %al, (%rcx)
	xor %ecx, %ecx
	RET
	EXTABLE 1b, __put_user_handle_exception

FUNC __put_user_2
	check_range_put
1:	movw %ax, (%rcx)
	xor %ecx, %ecx
	RET
	EXTABLE 1b, __put_user_handle_exception

FUNC __put_user_4
	check_range_put
1:	movl %eax, (%rcx)
	xor %ecx, %ecx
	RET
	EXTABLE 1b, __put_user_handle_exception

FUNC __put_user_8
	check_range_put
1:	movq %rax, (%rcx)
	xor %ecx, %ecx
	RET
	EXTABLE 1b, __put_user_handle_exception

FUNC __put_user_handle_exception
	movl $(-EFAULT), %ecx
	RET

/*
 * memcpy_64.S with X86_FEATURE_FSRM (this host has it).  The build makes
 * it local to each variant, so that the script(2) objects call this one
 * and the rest of the program the C library's.
 */
FUNC memcpy
	movq %rdi, %rax
	movq %rdx, %rcx
	rep movsb
	RET

	.section .note.GNU-stack, "", @progbits
