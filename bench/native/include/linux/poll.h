/* SPDX-License-Identifier: GPL-2.0 */
/*
 * struct poll_wqueues, as script_wait_fd() uses it: poll_initwait() arms
 * the table, vfs_poll() with it armed "queues" (native_sys.c remembers the
 * descriptor and the events for schedule_hrtimeout_range()), and the
 * EPOLL* bits of the uapi header.
 */
#ifndef _SHIM_LINUX_POLL_H
#define _SHIM_LINUX_POLL_H

#include <linux/eventpoll.h>
#include <linux/fs.h>
#include <linux/ktime.h>

typedef struct poll_table_struct {
	void *_qproc;
	__poll_t _key;
} poll_table;

struct poll_wqueues {
	poll_table pt;
	int triggered;
	int error;
};

void poll_initwait(struct poll_wqueues *pwq);
void poll_freewait(struct poll_wqueues *pwq);
u64 select_estimate_accuracy(struct timespec64 *tv);

#endif /* _SHIM_LINUX_POLL_H */
