/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sleeping, as script_wait_fd() sleeps: schedule_hrtimeout_range() waits
 * (native_sys.c: a host ppoll() of the descriptor the last vfs_poll()
 * queued on) until the absolute CLOCK_MONOTONIC time it is given.
 */
#ifndef _SHIM_LINUX_HRTIMER_H
#define _SHIM_LINUX_HRTIMER_H

#include <linux/ktime.h>
#include <linux/sched.h>

enum hrtimer_mode {
	HRTIMER_MODE_ABS = 0x00,
};

int schedule_hrtimeout_range(ktime_t *expires, u64 delta,
			     const enum hrtimer_mode mode);
long schedule_timeout_interruptible(long timeout);

#define TASK_RUNNING		0x00000000
#define TASK_INTERRUPTIBLE	0x00000001
#define set_current_state(state)	barrier()
#define __set_current_state(state)	barrier()
#define smp_store_mb(var, value)	__atomic_store_n(&(var), (value), __ATOMIC_SEQ_CST)

#endif /* _SHIM_LINUX_HRTIMER_H */
