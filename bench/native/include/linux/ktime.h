/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktime_t and its helpers (include/linux/ktime.h, time64.h); ktime_get()
 * is the host's CLOCK_MONOTONIC through the vDSO, the same clock read the
 * kernel's ktime_get() makes, never recorded or replayed (native_sys.c).
 */
#ifndef _SHIM_LINUX_KTIME_H
#define _SHIM_LINUX_KTIME_H

#include <linux/kernel.h>

typedef s64 ktime_t;

#define NSEC_PER_MSEC	1000000L
#define NSEC_PER_SEC	1000000000L
#define MSEC_PER_SEC	1000L
#define KTIME_MAX	((s64)~((u64)1 << 63))
#define KTIME_SEC_MAX	(KTIME_MAX / NSEC_PER_SEC)

struct timespec64 {
	s64 tv_sec;
	long tv_nsec;
};

ktime_t ktime_get(void);

static inline ktime_t ktime_add_safe(const ktime_t lhs, const ktime_t rhs)
{
	ktime_t res;

	if (__builtin_add_overflow(lhs, rhs, &res) || res < 0 || res < lhs ||
	    res < rhs)
		res = KTIME_MAX;
	return res;
}

static inline int ktime_compare(const ktime_t cmp1, const ktime_t cmp2)
{
	if (cmp1 < cmp2)
		return -1;
	if (cmp1 > cmp2)
		return 1;
	return 0;
}

static inline ktime_t ms_to_ktime(u64 ms)
{
	return ms * NSEC_PER_MSEC;
}

static inline struct timespec64 ktime_to_timespec64(ktime_t kt)
{
	struct timespec64 ts = {
		.tv_sec = kt / NSEC_PER_SEC,
		.tv_nsec = kt % NSEC_PER_SEC,
	};

	return ts;
}

#endif /* _SHIM_LINUX_KTIME_H */
