/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The user-access helpers of arch/x86/lib/getuser.S and putuser.S, the
 * FSRM memcpy of arch/x86/lib/memcpy_64.S and the memset of memset_64.S,
 * for the native build:
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
 * it and memset local to each variant, so that the script(2) objects call
 * these and the rest of the program the C library's.
 */
FUNC memcpy
	movq %rdi, %rax
	movq %rdx, %rcx
	rep movsb
	RET

/*
 * memset_64.S without X86_FEATURE_FSRS (this host lacks it): memset_orig,
 * stores of 8 bytes, 64 at a time.
 */
FUNC memset
	movq %rdi,%r10

	/* expand byte value  */
	movzbl %sil,%ecx
	movabs $0x0101010101010101,%rax
	imulq  %rcx,%rax

	/* align dst */
	movl  %edi,%r9d
	andl  $7,%r9d
	jnz  .Lbad_alignment
.Lafter_bad_alignment:

	movq  %rdx,%rcx
	shrq  $6,%rcx
	jz	 .Lhandle_tail

	.p2align 4
.Lloop_64:
	decq  %rcx
	movq  %rax,(%rdi)
	movq  %rax,8(%rdi)
	movq  %rax,16(%rdi)
	movq  %rax,24(%rdi)
	movq  %rax,32(%rdi)
	movq  %rax,40(%rdi)
	movq  %rax,48(%rdi)
	movq  %rax,56(%rdi)
	leaq  64(%rdi),%rdi
	jnz    .Lloop_64

	.p2align 4
.Lhandle_tail:
	movl	%edx,%ecx
	andl    $63&(~7),%ecx
	jz		.Lhandle_7
	shrl	$3,%ecx
	.p2align 4
.Lloop_8:
	decl   %ecx
	movq  %rax,(%rdi)
	leaq  8(%rdi),%rdi
	jnz    .Lloop_8

.Lhandle_7:
	andl	$7,%edx
	jz      .Lende
	.p2align 4
.Lloop_1:
	decl    %edx
	movb	%al,(%rdi)
	leaq	1(%rdi),%rdi
	jnz     .Lloop_1

.Lende:
	movq	%r10,%rax
	RET

.Lbad_alignment:
	cmpq $7,%rdx
	jbe	.Lhandle_7
	movq %rax,(%rdi)	/* unaligned store */
	movq $8,%r8
	subq %r9,%r8
	addq %r8,%rdi
	subq %r8,%rdx
	jmp .Lafter_bad_alignment

	.section .note.GNU-stack, "", @progbits
