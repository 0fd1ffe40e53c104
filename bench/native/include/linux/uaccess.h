/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User access, in the shape of x86-64's: get_user() and put_user() are
 * calls of the out-of-line __get_user_N/__put_user_N helpers with their
 * odd register conventions (native_uaccess.S: the bound check of
 * arch/x86/lib/getuser.S and putuser.S, the access, an exception-table
 * fixup to -EFAULT); copy_{from,to}_user() are calls of _copy_{from,to}_user
 * (native_kshim.c: masking or access_ok, then "rep movsb" with a fixup).
 * The user address space is this process's.  What user mode cannot do is
 * left out: STAC and CLAC around each access.
 */
#ifndef _SHIM_LINUX_UACCESS_H
#define _SHIM_LINUX_UACCESS_H

#include <linux/kernel.h>

/* arch/x86/kernel/cpu/common.c: TASK_SIZE_MAX with 4-level paging */
#define SHIM_USER_PTR_MAX	0x00007ffffffff000UL

#define ASM_CALL_CONSTRAINT	"+r" (current_stack_pointer)
register unsigned long current_stack_pointer asm("rsp");

#define __typefits(x, type, not) \
	__builtin_choose_expr(sizeof(x) <= sizeof(type), (unsigned type)0, not)
#define __inttype(x) __typeof__(		\
	__typefits(x, char,			\
	  __typefits(x, short,			\
	    __typefits(x, int,			\
	      __typefits(x, long, 0ULL)))))

/* arch/x86/include/asm/uaccess.h */
#define do_get_user_call(fn, x, ptr)					\
({									\
	int __ret_gu;							\
	register __inttype(*(ptr)) __val_gu asm("%rdx");		\
	asm volatile("call __" #fn "_%c[size]"				\
		     : "=a" (__ret_gu), "=r" (__val_gu),		\
			ASM_CALL_CONSTRAINT				\
		     : "0" (ptr), [size] "i" (sizeof(*(ptr))));		\
	(x) = (__force __typeof__(*(ptr))) __val_gu;			\
	__builtin_expect(__ret_gu, 0);					\
})

#define get_user(x, ptr) ({ might_fault(); do_get_user_call(get_user, x, ptr); })

#define do_put_user_call(fn, x, ptr)					\
({									\
	int __ret_pu;							\
	void __user *__ptr_pu;						\
	register __typeof__(*(ptr)) __val_pu asm("%rax");		\
	__typeof__(*(ptr)) __x = (x); /* eval x once */			\
	__typeof__(ptr) __ptr = (ptr); /* eval ptr once */		\
	__ptr_pu = __ptr;						\
	__val_pu = __x;							\
	asm volatile("call __" #fn "_%c[size]"				\
		     : "=c" (__ret_pu),					\
			ASM_CALL_CONSTRAINT				\
		     : "0" (__ptr_pu),					\
		       "r" (__val_pu),					\
		       [size] "i" (sizeof(*(ptr)))			\
		     : "ebx");						\
	__builtin_expect(__ret_pu, 0);					\
})

#define put_user(x, ptr) ({ might_fault(); do_put_user_call(put_user, x, ptr); })

unsigned long _copy_from_user(void *to, const void __user *from, unsigned long n);
unsigned long _copy_to_user(void __user *to, const void *from, unsigned long n);

static __always_inline unsigned long __must_check
copy_from_user(void *to, const void __user *from, unsigned long n)
{
	return _copy_from_user(to, from, n);
}

static __always_inline unsigned long __must_check
copy_to_user(void __user *to, const void *from, unsigned long n)
{
	return _copy_to_user(to, from, n);
}

#endif /* _SHIM_LINUX_UACCESS_H */
