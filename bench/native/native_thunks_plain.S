/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The thunks of a kernel on a CPU that needs neither retpolines nor
 * return thunks.  There the kernel patches each call site to an inline
 * "call *%reg" or "ret"; here the sites stay calls of these, which adds
 * a direct jump each.
 */

	.text
.macro THUNK reg
	.globl __x86_indirect_thunk_\reg
	.type __x86_indirect_thunk_\reg, @function
	.p2align 4
__x86_indirect_thunk_\reg:
	jmp *%\reg
	int3
.endm

	THUNK rax
	THUNK rbx
	THUNK rcx
	THUNK rdx
	THUNK rsi
	THUNK rdi
	THUNK rbp
	THUNK r8
	THUNK r9
	THUNK r10
	THUNK r11
	THUNK r12
	THUNK r13
	THUNK r14
	THUNK r15

	.p2align 4
	.globl __x86_return_thunk
	.type __x86_return_thunk, @function
__x86_return_thunk:
	ret
	int3

	/* For the compiler (asm/cpufeature.h): this variant's thunks */
	.section .rodata
	.globl shim_thunks_retpoline
shim_thunks_retpoline:
	.byte 0

	.section .note.GNU-stack, "", @progbits
