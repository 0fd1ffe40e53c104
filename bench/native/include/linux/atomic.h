/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHIM_LINUX_ATOMIC_H
#define _SHIM_LINUX_ATOMIC_H

#include <linux/types.h>

#define ATOMIC_INIT(i)		{ (i) }
#define atomic_read(v)		READ_ONCE((v)->counter)
#define atomic_set(v, i)	WRITE_ONCE((v)->counter, (i))
#define atomic64_set(v, i)	WRITE_ONCE((v)->counter, (i))
#define atomic64_read(v)	READ_ONCE((v)->counter)
#define atomic64_inc(v)		__atomic_fetch_add(&(v)->counter, 1, __ATOMIC_RELAXED)

#define ATOMIC_LONG_INIT(i)	{ (i) }
#define atomic_long_add_return(i, v) \
	__atomic_add_fetch(&(v)->counter, (i), __ATOMIC_SEQ_CST)
#define atomic_long_sub(i, v) \
	((void)__atomic_sub_fetch(&(v)->counter, (i), __ATOMIC_SEQ_CST))

#endif /* _SHIM_LINUX_ATOMIC_H */
