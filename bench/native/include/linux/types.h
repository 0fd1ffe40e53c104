/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel and uapi integer types.  Also what glibc gets for <linux/types.h>
 * in this build, so it declares the uapi names too (C11 allows the same
 * typedef twice, should the system header come in as well).
 */
#ifndef _SHIM_LINUX_TYPES_H
#define _SHIM_LINUX_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <asm/posix_types.h>

typedef uint8_t		u8;
typedef uint16_t	u16;
typedef uint32_t	u32;
typedef unsigned long long u64;
typedef int8_t		s8;
typedef int16_t		s16;
typedef int32_t		s32;
typedef long long	s64;

typedef unsigned char		__u8;
typedef unsigned short		__u16;
typedef unsigned int		__u32;
typedef unsigned long long	__u64;
typedef signed char		__s8;
typedef short			__s16;
typedef int			__s32;
typedef long long		__s64;
typedef __u64 __attribute__((aligned(8))) __aligned_u64;
typedef __u16 __le16;
typedef __u32 __le32;
typedef __u64 __le64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u64 __be64;

typedef unsigned int gfp_t;
typedef unsigned short umode_t;
typedef unsigned int __poll_t;

typedef struct {
	int counter;
} atomic_t;

typedef struct {
	s64 counter;
} atomic64_t;

typedef struct {
	long counter;
} atomic_long_t;

#endif /* _SHIM_LINUX_TYPES_H */
