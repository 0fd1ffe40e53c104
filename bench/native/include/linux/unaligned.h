/* SPDX-License-Identifier: GPL-2.0 */
/* get_unaligned() and put_unaligned(), as include/linux/unaligned.h has them. */
#ifndef _SHIM_LINUX_UNALIGNED_H
#define _SHIM_LINUX_UNALIGNED_H

#define __get_unaligned_t(type, ptr) ({					\
	const struct { type x; } __attribute__((__packed__)) *__pptr =	\
		(typeof(__pptr))(ptr);					\
	__pptr->x;							\
})

#define __put_unaligned_t(type, val, ptr) do {				\
	struct { type x; } __attribute__((__packed__)) *__pptr =	\
		(typeof(__pptr))(ptr);					\
	__pptr->x = (val);						\
} while (0)

#define get_unaligned(ptr)	__get_unaligned_t(typeof(*(ptr)), (ptr))
#define put_unaligned(val, ptr)	__put_unaligned_t(typeof(*(ptr)), (val), (ptr))

#include <linux/swab.h>

#define put_unaligned_le32(val, p)	__put_unaligned_t(u32, (val), (p))

#endif
