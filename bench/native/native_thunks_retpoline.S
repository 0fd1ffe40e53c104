/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Indirect-branch and return thunks as this host's kernel runs them
 * (spectre_v2 "Retpolines", ITS "Aligned branch/return thunks"): the
 * retpoline of arch/x86/lib/retpoline.S for each register, and returns
 * through its_return_thunk, a RET in the upper half of a cache line.
 */

	.text
.macro THUNK reg
	.globl __x86_indirect_thunk_\reg
	.type __x86_indirect_thunk_\reg, @function
	.p2align 5
__x86_indirect_thunk_\reg:
	call .Ldo_rop_\@
	int3
.Ldo_rop_\@:
	mov %\reg, (%rsp)
	jmp __x86_return_thunk
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

	.p2align 6, 0xcc
	.skip 32, 0xcc
	.globl __x86_return_thunk
	.type __x86_return_thunk, @function
__x86_return_thunk:
	ret
	int3

	/* For the compiler (asm/cpufeature.h): this variant's thunks */
	.section .rodata
	.globl shim_thunks_retpoline
shim_thunks_retpoline:
	.byte 1

	.section .note.GNU-stack, "", @progbits
