/* SPDX-License-Identifier: GPL-2.0 */
/* What accept_filter.c and its script, accept_filter.bpf.c, share. */
#ifndef ACCEPT_FILTER_H
#define ACCEPT_FILTER_H

#include <linux/types.h>

/**
 * struct accept_filter_ctl - the script's arguments and results, in r1
 * @listen_fd: in: the listening socket
 * @accept_flags: in: accept4()'s flags
 * @timeout_ms: in: how long a client has to send its whole header
 * @buf: in: user address of the buffer for the request
 * @buf_size: in: its size
 * @len: out: the bytes of the request in @buf
 * @dropped: out: connections closed in this run as slow or incomplete
 */
struct accept_filter_ctl {
	__s64	listen_fd;
	__s64	accept_flags;
	__s64	timeout_ms;
	__u64	buf;
	__u64	buf_size;
	__s64	len;
	__s64	dropped;
};

#endif /* ACCEPT_FILTER_H */
