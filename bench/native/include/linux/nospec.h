/* SPDX-License-Identifier: GPL-2.0 */
/* array_index_nospec() with x86's cmp/sbb mask, as the kernel's. */
#ifndef _SHIM_LINUX_NOSPEC_H
#define _SHIM_LINUX_NOSPEC_H

#include <linux/kernel.h>

static __always_inline unsigned long
array_index_mask_nospec(unsigned long index, unsigned long size)
{
	unsigned long mask;

	asm volatile ("cmp %1,%2; sbb %0,%0;"
			: "=r" (mask)
			: "g" (size), "r" (index)
			: "cc");
	return mask;
}

#define array_index_nospec(index, size)					\
({									\
	typeof(index) _i = (index);					\
	typeof(size) _s = (size);					\
	unsigned long _mask = array_index_mask_nospec(_i, _s);		\
									\
	BUILD_BUG_ON(sizeof(_i) > sizeof(long));			\
	BUILD_BUG_ON(sizeof(_s) > sizeof(long));			\
									\
	(typeof(_i)) (_i & _mask);					\
})

#endif /* _SHIM_LINUX_NOSPEC_H */
