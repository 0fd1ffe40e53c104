/* SPDX-License-Identifier: GPL-2.0 */
/* include/linux/overflow.h: the compiler's checked arithmetic. */
#ifndef _SHIM_LINUX_OVERFLOW_H
#define _SHIM_LINUX_OVERFLOW_H

#define check_add_overflow(a, b, d)	__builtin_add_overflow(a, b, d)
#define check_sub_overflow(a, b, d)	__builtin_sub_overflow(a, b, d)
#define check_mul_overflow(a, b, d)	__builtin_mul_overflow(a, b, d)

/* The kernel's saturate at SIZE_MAX; no size here comes near it. */
#define array_size(a, b)		((size_t)(a) * (size_t)(b))
#define struct_size(p, member, count)	\
	(sizeof(*(p)) + array_size(count, sizeof(*(p)->member)))

#endif /* _SHIM_LINUX_OVERFLOW_H */
