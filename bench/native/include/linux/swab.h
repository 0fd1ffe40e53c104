/* SPDX-License-Identifier: GPL-2.0 */
/* Byte swaps and the little-endian conversions of x86: bswap, or nothing. */
#ifndef _SHIM_LINUX_SWAB_H
#define _SHIM_LINUX_SWAB_H

#include <linux/types.h>

#define swab16(x)	((u16)__builtin_bswap16((u16)(x)))
#define swab32(x)	((u32)__builtin_bswap32((u32)(x)))
#define swab64(x)	((u64)__builtin_bswap64((u64)(x)))

#define cpu_to_le16(x)	((__force __le16)(u16)(x))
#define cpu_to_le32(x)	((__force __le32)(u32)(x))
#define cpu_to_le64(x)	((__force __le64)(u64)(x))
#define cpu_to_be16(x)	((__force __be16)swab16(x))
#define cpu_to_be32(x)	((__force __be32)swab32(x))
#define cpu_to_be64(x)	((__force __be64)swab64(x))

#endif /* _SHIM_LINUX_SWAB_H */
