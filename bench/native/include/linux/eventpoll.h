/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The uapi constants (the host's <linux/eventpoll.h>) and the entry
 * points of patch 0011, which native_sys.c makes as host system calls.
 */
#ifndef _SHIM_LINUX_EVENTPOLL_H
#define _SHIM_LINUX_EVENTPOLL_H

#include <linux/kernel.h>
#include_next <linux/eventpoll.h>

int do_epoll_create(int flags);
int ksys_epoll_ctl(int epfd, int op, int fd, struct epoll_event __user *event);
int ksys_epoll_wait(int epfd, struct epoll_event __user *events,
		    int maxevents, int timeout);

#endif /* _SHIM_LINUX_EVENTPOLL_H */
