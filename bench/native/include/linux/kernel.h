/* SPDX-License-Identifier: GPL-2.0 */
/* Generic helpers of <linux/kernel.h>, <linux/bits.h>, <linux/bug.h>. */
#ifndef _SHIM_LINUX_KERNEL_H
#define _SHIM_LINUX_KERNEL_H

#include <limits.h>
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/err.h>
#include <linux/printk.h>
#include <string.h>

#define U8_MAX		((u8)~0U)
#define U16_MAX		((u16)~0U)
#define U32_MAX		((u32)~0U)
#define U64_MAX		((u64)~0ULL)
#define S64_MAX		((s64)(U64_MAX >> 1))

#define BIT(nr)			(1UL << (nr))
#define GENMASK(h, l)		(((~0UL) - (1UL << (l)) + 1) & (~0UL >> (63 - (h))))
#define ARRAY_SIZE(arr)		(sizeof(arr) / sizeof((arr)[0]))
#define sizeof_field(TYPE, MEMBER) sizeof((((TYPE *)0)->MEMBER))
#define offsetofend(TYPE, MEMBER) \
	(offsetof(TYPE, MEMBER) + sizeof_field(TYPE, MEMBER))
#define BUILD_BUG_ON(cond)	_Static_assert(!(cond), "BUILD_BUG_ON: " #cond)

#define min(x, y) ({ __auto_type __x = (x); __auto_type __y = (y); \
		     __x < __y ? __x : __y; })
#define max(x, y) ({ __auto_type __x = (x); __auto_type __y = (y); \
		     __x > __y ? __x : __y; })
#define min_t(type, x, y)	min((type)(x), (type)(y))
#define max_t(type, x, y)	max((type)(x), (type)(y))
#define clamp(val, lo, hi)	min(max(val, lo), hi)
#define swap(a, b) \
	do { typeof(a) __tmp = (a); (a) = (b); (b) = __tmp; } while (0)
#define DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))
#define round_up(x, y)		((((x) - 1) | ((__typeof__(x))((y) - 1))) + 1)
#define round_down(x, y)	((x) & ~((__typeof__(x))((y) - 1)))

/* arch/x86/include/asm/bitops.h: rep; bsf */
static __always_inline unsigned long __ffs(unsigned long word)
{
	return __builtin_ctzl(word);
}

/* lib/string.c, in native_kstring.c */
void *memchr_inv(const void *start, int c, size_t bytes);
ssize_t strscpy(char *dest, const char *src, size_t count);

#define u64_to_user_ptr(x)	((void __user *)(uintptr_t)(u64)(x))

/*
 * WARN_ON_ONCE(): in the kernel a ud2 with a bug-table entry, never taken
 * on a verified program; here a cold call that reports it.
 */
void shim_warn(const char *file, int line, const char *cond) __cold;
#define WARN_ON_ONCE(condition) ({					\
	int __ret_warn_on = !!(condition);				\
	if (unlikely(__ret_warn_on))					\
		shim_warn(__FILE__, __LINE__, #condition);		\
	unlikely(__ret_warn_on);					\
})
#define WARN_ON(condition)	WARN_ON_ONCE(condition)

#define IS_ALIGNED(x, a)	(((x) & ((typeof(x))(a) - 1)) == 0)
#define ALIGN(x, a)		(((x) + ((typeof(x))(a) - 1)) & ~((typeof(x))(a) - 1))

#define WARN_ONCE(condition, fmt...)	WARN_ON_ONCE(condition)

/* include/linux/random.h, in native_jit.c: for the constant blinding */
u32 get_random_u32(void);
#define __init
#define __read_mostly
#define late_initcall(fn)

#define might_fault()		do { } while (0)
#define might_sleep()		do { } while (0)

#endif /* _SHIM_LINUX_KERNEL_H */
