// SPDX-License-Identifier: GPL-2.0
/*
 * An event loop in one script(2) call: an echo server over epoll.  It
 * watches a listening socket, accepts every client that connects, writes
 * back whatever a client sends, closes the clients that leave (a read of
 * 0 bytes, or an error) and ends once a client has sent the quit line,
 * which it echoes too; then it closes every client still there and the
 * epoll descriptor.
 *
 * r0 is 0 after the quit line, -ETIMEDOUT when no event came for
 * @timeout_ms, -ENFILE when a client found no free slot in @fds, or the
 * error of an op.
 *
 * serve_test.c includes this file for struct serve_echo_ctl; clang
 * -target bpf compiles the rest into serve_echo.bpf.bin.
 */
#include <linux/types.h>

#define ECHO_MAX_CLIENTS	8
#define ECHO_MAX_EVENTS		8
#define ECHO_EVENT_MAX_SIZE	16	/* no architecture's epoll_event is larger */

/**
 * struct serve_echo_ctl - serve_echo()'s arguments and results
 * @listen_fd: in: a listening socket
 * @accept_flags: in: accept4()'s flags
 * @epoll_flags: in: epoll_create1()'s flags
 * @timeout_ms: in: the longest wait for an event, and for room to echo
 * @ev_size: in: sizeof(struct epoll_event) in this architecture
 * @ev_data_off: in: offsetof(struct epoll_event, data) in it
 * @buf: in: user address of the buffer for what clients send
 * @buf_size: in: its size
 * @quit: in: user address of the quit line
 * @quit_len: in: its length, 1 to %SCRIPT_MEMMEM_MAX
 * @epfd: out: epoll_create1()'s result
 * @accepted: out: clients accepted
 * @left: out: clients that left and were closed
 * @chunks: out: reads echoed
 * @bytes: out: bytes echoed
 * @waits: out: epoll_wait ops that returned
 * @fds: the clients connected, -1 for a free slot
 * @events: scratch: epoll_wait()'s events
 * @ev: scratch: epoll_ctl()'s event
 */
struct serve_echo_ctl {
	__s64 listen_fd;
	__s64 accept_flags;
	__s64 epoll_flags;
	__s64 timeout_ms;
	__u64 ev_size;
	__u64 ev_data_off;
	__u64 buf;
	__u64 buf_size;
	__u64 quit;
	__u64 quit_len;
	__s64 epfd;
	__s64 accepted;
	__s64 left;
	__s64 chunks;
	__s64 bytes;
	__s64 waits;
	__s64 fds[ECHO_MAX_CLIENTS];
	__u8 events[ECHO_MAX_EVENTS * ECHO_EVENT_MAX_SIZE];
	__u8 ev[ECHO_EVENT_MAX_SIZE];
};

#ifdef __bpf__
#include <linux/errno.h>
#include <linux/eventpoll.h>

#include "script_bpf.h"

/* epoll_ctl(@op) of @fd for input, with @fd as the event's data. */
static long watch(struct serve_echo_ctl *c, long op, long fd)
{
	__u32 *ev = (__u32 *)c->ev;
	int i;

	for (i = 0; i < ECHO_EVENT_MAX_SIZE / 4; i++)
		ev[i] = 0;
	ev[0] = EPOLLIN;
	*(__u32 *)(c->ev + c->ev_data_off) = fd;
	return script_epoll_ctl(c->epfd, op, fd, c->ev);
}

/* A client connects: accept it, watch it and keep it in a slot. */
static long accept_client(struct serve_echo_ctl *c)
{
	long fd, ret;
	int i;

	fd = script_accept4(c->listen_fd, 0, 0, c->accept_flags);
	if (fd < 0)
		return fd;
	for (i = 0; i < ECHO_MAX_CLIENTS; i++)
		if (c->fds[i] < 0)
			break;
	if (i == ECHO_MAX_CLIENTS) {
		ret = -ENFILE;
		goto fail;
	}
	ret = watch(c, EPOLL_CTL_ADD, fd);
	if (ret < 0)
		goto fail;
	c->fds[i] = fd;
	c->accepted++;
	return 0;
fail:
	script_close(fd);
	return ret;
}

/* A client leaves: forget it, stop watching it and close it. */
static void drop_client(struct serve_echo_ctl *c, long fd)
{
	int i;

	for (i = 0; i < ECHO_MAX_CLIENTS; i++)
		if (c->fds[i] == fd)
			c->fds[i] = -1;
	watch(c, EPOLL_CTL_DEL, fd);
	script_close(fd);
	c->left++;
}

/*
 * @fd has something to read: echo it back.  Returns 1 after the quit
 * line, 0 after anything else or a client that left, or an error.
 */
static long serve_client(struct serve_echo_ctl *c, long fd)
{
	void *buf = (void *)c->buf;
	long n, ret;

	n = script_read(fd, buf, c->buf_size);
	if (n <= 0) {
		drop_client(c, fd);
		return 0;
	}
	ret = script_write_all(fd, buf, n, c->timeout_ms);
	if (ret != n)
		return ret < 0 ? ret : -EIO;
	c->chunks++;
	c->bytes += n;
	return script_memmem(buf, n, (void *)c->quit, c->quit_len) >= 0;
}

long serve_echo(struct serve_echo_ctl *c)
{
	long ret, n, fd, quit = 0;
	int i;

	c->accepted = 0;
	c->left = 0;
	c->chunks = 0;
	c->bytes = 0;
	c->waits = 0;
	for (i = 0; i < ECHO_MAX_CLIENTS; i++)
		c->fds[i] = -1;
	ret = script_epoll_create1(c->epoll_flags);
	c->epfd = ret;
	if (ret < 0)
		return ret;
	ret = watch(c, EPOLL_CTL_ADD, c->listen_fd);
	while (ret >= 0 && !quit) {
		n = script_epoll_wait(c->epfd, c->events, ECHO_MAX_EVENTS,
				      c->timeout_ms);
		c->waits++;
		if (n <= 0) {
			ret = n ? n : -ETIMEDOUT;
			break;
		}
		for (i = 0; i < n && ret >= 0; i++) {
			fd = *(__s32 *)(c->events + i * c->ev_size + c->ev_data_off);
			if (fd == c->listen_fd) {
				ret = accept_client(c);
			} else {
				ret = serve_client(c, fd);
				if (ret > 0)
					quit = 1;
			}
		}
	}
	for (i = 0; i < ECHO_MAX_CLIENTS; i++)
		if (c->fds[i] >= 0)
			script_close(c->fds[i]);
	script_close(c->epfd);
	return ret < 0 ? ret : 0;
}
#endif /* __bpf__ */
