/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User access, in the shape of x86-64's in the test kernel (gcc 12.2,
 * no CONFIG_ADDRESS_MASKING, FSRM):
 *
 * - get_user() and put_user() are calls of the out-of-line
 *   __get_user_N/__put_user_N helpers with their odd register conventions
 *   (native_uaccess.S: the bound check of arch/x86/lib/getuser.S and
 *   putuser.S, the access, an exception-table fixup to -EFAULT);
 * - copy_{from,to}_user() are calls of _copy_{from,to}_user
 *   (native_kshim.c: masking or access_ok, then "rep movsb" with a fixup);
 * - user_access_begin(), masked_user_access_begin(), unsafe_get_user(),
 *   unsafe_put_user(), unsafe_copy_to_user() and user_access_end() are
 *   inline, as arch/x86/include/asm/uaccess{,_64}.h has them: the bound
 *   check (access_ok()'s compare, or mask_user_address()'s cmp + cmova
 *   clamp to USER_PTR_MAX), barrier_nospec()'s LFENCE after an
 *   access_ok(), then each access one mov with an exception-table entry:
 *   unsafe_put_user() an asm goto to the caller's label; unsafe_get_user()
 *   the same where the compiler has working asm goto with outputs
 *   (CONFIG_CC_HAS_ASM_GOTO_OUTPUT, see below), else the test kernel's
 *   form with gcc 12.2: an error register set to -EFAULT by the fixup
 *   (EX_TYPE_EFAULT_REG | EX_FLAG_CLEAR_AX) and a branch to the label.
 *
 * A fault is fixed up as in the kernel: native_shim.c's SIGSEGV handler
 * finds the faulting instruction in __shim_extable and does what the
 * entry's type says (arch/x86/mm/extable.c).  The user address space is
 * this process's.  What user mode cannot run is left out: STAC and CLAC
 * (stac() and clac() are compiler barriers only, as the kernel's are
 * also), so each access here costs what it costs on a CPU without SMAP.
 */
#ifndef _SHIM_LINUX_UACCESS_H
#define _SHIM_LINUX_UACCESS_H

#include <linux/kernel.h>
#include <linux/extable.h>

/* arch/x86/kernel/cpu/common.c: TASK_SIZE_MAX with 4-level paging */
#define SHIM_USER_PTR_MAX	0x00007ffffffff000UL
#define PAGE_SIZE		4096UL
#define PAGE_SHIFT		12
#define PAGE_ALIGN(x)		ALIGN(x, PAGE_SIZE)

#define ASM_CALL_CONSTRAINT	"+r" (current_stack_pointer)
register unsigned long current_stack_pointer asm("rsp");

#define __typefits(x, type, not) \
	__builtin_choose_expr(sizeof(x) <= sizeof(type), (unsigned type)0, not)
#define __inttype(x) __typeof__(		\
	__typefits(x, char,			\
	  __typefits(x, short,			\
	    __typefits(x, int,			\
	      __typefits(x, long, 0ULL)))))

/*
 * CONFIG_CC_HAS_ASM_GOTO_OUTPUT as init/Kconfig decides it: gcc before
 * 11.5, 12.0 to 12.3 and 13.0 to 13.2 miscompile asm goto with outputs
 * (GCC_ASM_GOTO_OUTPUT_BROKEN), and clang before 17 mis-scopes its labels.
 * -DSHIM_CC_HAS_ASM_GOTO_OUTPUT=0 or 1 overrides it.
 */
#if defined(SHIM_CC_HAS_ASM_GOTO_OUTPUT)
/* as the command line says */
#elif defined(__clang__)
#define SHIM_CC_HAS_ASM_GOTO_OUTPUT	(__clang_major__ >= 17)
#elif (__GNUC__ * 10000 + __GNUC_MINOR__ * 100) < 110500 ||		\
	(__GNUC__ == 12 && __GNUC_MINOR__ < 4) ||			\
	(__GNUC__ == 13 && __GNUC_MINOR__ < 3)
#define SHIM_CC_HAS_ASM_GOTO_OUTPUT	0
#else
#define SHIM_CC_HAS_ASM_GOTO_OUTPUT	1
#endif

/* include/linux/compiler_types.h */
#define asm_goto_output(x...)	asm volatile goto(x)

/*
 * arch/x86/include/asm/smap.h: STAC and CLAC, which user mode cannot run
 * (#UD): left out.  The kernel's are "memory" clobbers too, which these
 * keep, so the compiler orders accesses around them as it does there.
 */
#define stac()			asm volatile("" : : : "memory")
#define clac()			asm volatile("" : : : "memory")

/* arch/x86/include/asm/barrier.h, with X86_FEATURE_LFENCE_RDTSC */
#define barrier_nospec()	asm volatile("lfence" : : : "memory")

/*
 * asm/runtime-const.h: USER_PTR_MAX as the immediate of a movabs that
 * the kernel patches at boot; not volatile, so the compiler may hoist it.
 */
static __always_inline unsigned long shim_user_ptr_max(void)
{
	unsigned long ret;

	asm("movabs %1,%0" : "=r" (ret) : "i" (SHIM_USER_PTR_MAX));
	return ret;
}

/* asm/uaccess_64.h (no LAM: untagged_addr() is the address) */
#define valid_user_address(x) \
	((__force unsigned long)(x) <= shim_user_ptr_max())

static inline bool __access_ok(const void __user *ptr, unsigned long size)
{
	if (__builtin_constant_p(size <= PAGE_SIZE) && size <= PAGE_SIZE) {
		return valid_user_address(ptr);
	} else {
		unsigned long sum = size + (__force unsigned long)ptr;

		return valid_user_address(sum) && sum >= (__force unsigned long)ptr;
	}
}

#define access_ok(addr, size)	likely(__access_ok(addr, size))

/* The cmp + cmova clamp: an address above USER_PTR_MAX becomes it. */
static inline void __user *mask_user_address(const void __user *ptr)
{
	void __user *ret;

	asm("cmp %1,%0\n\t"
	    "cmova %1,%0"
	    : "=r" (ret)
	    : "r" (shim_user_ptr_max()), "0" (ptr));
	return ret;
}

#define __uaccess_begin()		stac()
#define __uaccess_end()			clac()
#define __uaccess_begin_nospec()	({ stac(); barrier_nospec(); })

#define masked_user_access_begin(x) ({				\
	__auto_type __masked_ptr = (x);				\
	__masked_ptr = mask_user_address(__masked_ptr);		\
	__uaccess_begin(); __masked_ptr; })
#define can_do_masked_user_access()	1

/* asm/uaccess.h */
static __must_check __always_inline bool
user_access_begin(const void __user *ptr, size_t len)
{
	if (unlikely(!access_ok(ptr, len)))
		return 0;
	__uaccess_begin_nospec();
	return 1;
}

#define user_access_begin(a, b)		user_access_begin(a, b)
#define user_access_end()		__uaccess_end()
#define user_read_access_begin		user_access_begin
#define user_read_access_end		user_access_end
#define user_write_access_begin		user_access_begin
#define user_write_access_end		user_access_end

struct __large_struct { unsigned long buf[100]; };
#define __m(x) (*(struct __large_struct __user *)(x))

#define __put_user_goto(x, addr, itype, ltype, label)			\
	asm goto("\n"							\
		"1:	mov"itype" %0,%1\n"				\
		_ASM_EXTABLE_UA(1b, %l2)				\
		: : ltype(x), "m" (__m(addr))				\
		: : label)

void __put_user_bad(void);
void __get_user_bad(void);

#define __put_user_size(x, ptr, size, label)				\
do {									\
	__typeof__(*(ptr)) __x = (x); /* eval x once */			\
	__typeof__(ptr) __ptr = (ptr); /* eval ptr once */		\
	switch (size) {							\
	case 1:								\
		__put_user_goto(__x, __ptr, "b", "iq", label);		\
		break;							\
	case 2:								\
		__put_user_goto(__x, __ptr, "w", "ir", label);		\
		break;							\
	case 4:								\
		__put_user_goto(__x, __ptr, "l", "ir", label);		\
		break;							\
	case 8:								\
		__put_user_goto(__x, __ptr, "q", "er", label);		\
		break;							\
	default:							\
		__put_user_bad();					\
	}								\
} while (0)

#if SHIM_CC_HAS_ASM_GOTO_OUTPUT

#define __get_user_asm(x, addr, itype, ltype, label)			\
	asm_goto_output("\n"						\
		     "1:	mov"itype" %[umem],%[output]\n"		\
		     _ASM_EXTABLE_UA(1b, %l2)				\
		     : [output] ltype(x)				\
		     : [umem] "m" (__m(addr))				\
		     : : label)

#define __get_user_size(x, ptr, size, label)				\
do {									\
	switch (size) {							\
	case 1:	{							\
		unsigned char x_u8__;					\
		__get_user_asm(x_u8__, ptr, "b", "=q", label);		\
		(x) = x_u8__;						\
		break;							\
	}								\
	case 2:								\
		__get_user_asm(x, ptr, "w", "=r", label);		\
		break;							\
	case 4:								\
		__get_user_asm(x, ptr, "l", "=r", label);		\
		break;							\
	case 8:								\
		__get_user_asm(x, ptr, "q", "=r", label);		\
		break;							\
	default:							\
		__get_user_bad();					\
	}								\
} while (0)

#define unsafe_get_user(x, ptr, err_label)				\
do {									\
	__inttype(*(ptr)) __gu_val;					\
	__get_user_size(__gu_val, (ptr), sizeof(*(ptr)), err_label);	\
	(x) = (__force __typeof__(*(ptr)))__gu_val;			\
} while (0)

#else /* !SHIM_CC_HAS_ASM_GOTO_OUTPUT: the test kernel's, with gcc 12.2 */

#define __get_user_asm(x, addr, err, itype)				\
	asm volatile("\n"						\
		     "1:	mov"itype" %[umem],%[output]\n"		\
		     "2:\n"						\
		     _ASM_EXTABLE_TYPE_REG(1b, 2b, EX_TYPE_EFAULT_REG |	\
					   EX_FLAG_CLEAR_AX,		\
					   %[errout])			\
		     : [errout] "=r" (err),				\
		       [output] "=a" (x)				\
		     : [umem] "m" (__m(addr)),				\
		       "0" (err))

#define __get_user_size(x, ptr, size, retval)				\
do {									\
	unsigned char x_u8__;						\
									\
	retval = 0;							\
	switch (size) {							\
	case 1:								\
		__get_user_asm(x_u8__, ptr, retval, "b");		\
		(x) = x_u8__;						\
		break;							\
	case 2:								\
		__get_user_asm(x, ptr, retval, "w");			\
		break;							\
	case 4:								\
		__get_user_asm(x, ptr, retval, "l");			\
		break;							\
	case 8:								\
		__get_user_asm(x, ptr, retval, "q");			\
		break;							\
	default:							\
		__get_user_bad();					\
	}								\
} while (0)

#define unsafe_get_user(x, ptr, err_label)				\
do {									\
	int __gu_err;							\
	__inttype(*(ptr)) __gu_val;					\
	__get_user_size(__gu_val, (ptr), sizeof(*(ptr)), __gu_err);	\
	(x) = (__force __typeof__(*(ptr)))__gu_val;			\
	if (unlikely(__gu_err))						\
		goto err_label;						\
} while (0)

#endif /* SHIM_CC_HAS_ASM_GOTO_OUTPUT */

#define unsafe_put_user(x, ptr, label)	\
	__put_user_size((__typeof__(*(ptr)))(x), (ptr), sizeof(*(ptr)), label)

#define unsafe_copy_loop(dst, src, len, type, label)			\
	while (len >= sizeof(type)) {					\
		unsafe_put_user(*(type *)(src), (type __user *)(dst), label); \
		dst += sizeof(type);					\
		src += sizeof(type);					\
		len -= sizeof(type);					\
	}

#define unsafe_copy_to_user(_dst, _src, _len, label)			\
do {									\
	char __user *__ucu_dst = (_dst);				\
	const char *__ucu_src = (_src);					\
	size_t __ucu_len = (_len);					\
	unsafe_copy_loop(__ucu_dst, __ucu_src, __ucu_len, u64, label);	\
	unsafe_copy_loop(__ucu_dst, __ucu_src, __ucu_len, u32, label);	\
	unsafe_copy_loop(__ucu_dst, __ucu_src, __ucu_len, u16, label);	\
	unsafe_copy_loop(__ucu_dst, __ucu_src, __ucu_len, u8, label);	\
} while (0)

/* get_user() and put_user(): calls of native_uaccess.S */
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

/*
 * uaccess_64.h: copy_user_generic() with FSRM, a "rep movsb" whose fault
 * resumes after it with the bytes not copied in %rcx.
 */
static __always_inline unsigned long
copy_user_generic(void *to, const void *from, unsigned long len)
{
	stac();
	asm volatile("1:\n\t"
		     "rep movsb\n"
		     "2:\n"
		     _ASM_EXTABLE_UA(1b, 2b)
		     : "+c" (len), "+D" (to), "+S" (from), ASM_CALL_CONSTRAINT
		     : : "memory", "rax");
	clac();
	return len;
}

unsigned long clear_user(void __user *to, unsigned long n);
int check_zeroed_user(const void __user *from, size_t size);
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

/* include/linux/uaccess.h */
static __always_inline __must_check int
copy_struct_from_user(void *dst, size_t ksize, const void __user *src,
		      size_t usize)
{
	size_t size = min(ksize, usize);
	size_t rest = max(ksize, usize) - size;

	/* Double check if ksize is larger than a known object size. */
	if (WARN_ON_ONCE(ksize > __builtin_object_size(dst, 1)))
		return -E2BIG;

	/* Deal with trailing bytes. */
	if (usize < ksize) {
		memset(dst + size, 0, rest);
	} else if (usize > ksize) {
		int ret = check_zeroed_user(src + size, rest);

		if (ret <= 0)
			return ret ?: -E2BIG;
	}
	/* Copy the interoperable parts of the struct. */
	if (copy_from_user(dst, src, size))
		return -EFAULT;
	return 0;
}

#endif /* _SHIM_LINUX_UACCESS_H */
