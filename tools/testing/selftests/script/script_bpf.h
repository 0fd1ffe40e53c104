/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For script(2) programs written in C and compiled by clang -target bpf:
 * each op is a function whose address is its id, so that clang emits
 * "call <id>", as for eBPF helpers.  A program has no global data (a load
 * of it would be a map relocation, which the verifier rejects): its
 * arguments come in r1 to r5, typically a pointer to a struct in the
 * caller's memory, and its buffers are that memory or its 512-byte frame.
 * A six-argument call takes a pointer to its last two in the fifth.
 */
#ifndef SCRIPT_BPF_H
#define SCRIPT_BPF_H

#include <linux/script.h>

#define SCRIPT_FN(ID)	((void *)(unsigned long)(ID))

static long (*const script_read)(long fd, void *buf, unsigned long n) =
	SCRIPT_FN(SCRIPT_OP_READ);
static long (*const script_write)(long fd, const void *buf, unsigned long n) =
	SCRIPT_FN(SCRIPT_OP_WRITE);
static long (*const script_pread64)(long fd, void *buf, unsigned long n, long long pos) =
	SCRIPT_FN(SCRIPT_OP_PREAD64);
static long (*const script_pwrite64)(long fd, const void *buf, unsigned long n, long long pos) =
	SCRIPT_FN(SCRIPT_OP_PWRITE64);
static long (*const script_readv)(long fd, const void *iov, long iovcnt) =
	SCRIPT_FN(SCRIPT_OP_READV);
static long (*const script_writev)(long fd, const void *iov, long iovcnt) =
	SCRIPT_FN(SCRIPT_OP_WRITEV);
static long (*const script_openat)(long dfd, const char *path, long flags, long mode) =
	SCRIPT_FN(SCRIPT_OP_OPENAT);
static long (*const script_openat2)(long dfd, const char *path, void *how, unsigned long size) =
	SCRIPT_FN(SCRIPT_OP_OPENAT2);
static long (*const script_close)(long fd) =
	SCRIPT_FN(SCRIPT_OP_CLOSE);
static long (*const script_lseek)(long fd, long long off, long whence) =
	SCRIPT_FN(SCRIPT_OP_LSEEK);
static long (*const script_fstat)(long fd, void *st) =
	SCRIPT_FN(SCRIPT_OP_FSTAT);
static long (*const script_statx)(long dfd, const char *path, long flags, long mask, void *stx) =
	SCRIPT_FN(SCRIPT_OP_STATX);
static long (*const script_sendfile)(long out_fd, long in_fd, long long *off, unsigned long n) =
	SCRIPT_FN(SCRIPT_OP_SENDFILE);
static long (*const script_splice)(long fd_in, long long *off_in, long fd_out,
			long long *off_out, const unsigned long long *len_flags) =
	SCRIPT_FN(SCRIPT_OP_SPLICE);
static long (*const script_copy_file_range)(long fd_in, long long *off_in, long fd_out,
			long long *off_out, const unsigned long long *len_flags) =
	SCRIPT_FN(SCRIPT_OP_COPY_FILE_RANGE);
static long (*const script_socket)(long domain, long type, long protocol) =
	SCRIPT_FN(SCRIPT_OP_SOCKET);
static long (*const script_bind)(long fd, const void *addr, long addrlen) =
	SCRIPT_FN(SCRIPT_OP_BIND);
static long (*const script_listen)(long fd, long backlog) =
	SCRIPT_FN(SCRIPT_OP_LISTEN);
static long (*const script_accept4)(long fd, void *addr, int *addrlen, long flags) =
	SCRIPT_FN(SCRIPT_OP_ACCEPT4);
static long (*const script_connect)(long fd, const void *addr, long addrlen) =
	SCRIPT_FN(SCRIPT_OP_CONNECT);
static long (*const script_sendto)(long fd, const void *buf, unsigned long n, long flags,
			const unsigned long long *addr_len) =
	SCRIPT_FN(SCRIPT_OP_SENDTO);
static long (*const script_recvfrom)(long fd, void *buf, unsigned long n, long flags,
			const unsigned long long *addr_lenp) =
	SCRIPT_FN(SCRIPT_OP_RECVFROM);
static long (*const script_send)(long fd, const void *buf, unsigned long n, long flags) =
	SCRIPT_FN(SCRIPT_OP_SEND);
static long (*const script_recv)(long fd, void *buf, unsigned long n, long flags) =
	SCRIPT_FN(SCRIPT_OP_RECV);
static long (*const script_shutdown)(long fd, long how) =
	SCRIPT_FN(SCRIPT_OP_SHUTDOWN);
static long (*const script_setsockopt)(long fd, long level, long name, const void *val, long len) =
	SCRIPT_FN(SCRIPT_OP_SETSOCKOPT);
static long (*const script_getsockopt)(long fd, long level, long name, void *val, int *len) =
	SCRIPT_FN(SCRIPT_OP_GETSOCKOPT);
static long (*const script_poll)(void *fds, unsigned long nfds, long ms) =
	SCRIPT_FN(SCRIPT_OP_POLL);
static long (*const script_ppoll)(void *fds, unsigned long nfds, const void *tmo,
			const void *sigmask, unsigned long sigsetsize) =
	SCRIPT_FN(SCRIPT_OP_PPOLL);
static long (*const script_epoll_create1)(long flags) =
	SCRIPT_FN(SCRIPT_OP_EPOLL_CREATE1);
static long (*const script_epoll_ctl)(long epfd, long op, long fd, void *ev) =
	SCRIPT_FN(SCRIPT_OP_EPOLL_CTL);
static long (*const script_epoll_wait)(long epfd, void *evs, long max, long ms) =
	SCRIPT_FN(SCRIPT_OP_EPOLL_WAIT);
static long (*const script_clock_gettime)(long clk, void *tp) =
	SCRIPT_FN(SCRIPT_OP_CLOCK_GETTIME);
static long (*const script_nanosleep)(const void *req, void *rem) =
	SCRIPT_FN(SCRIPT_OP_NANOSLEEP);
static long (*const script_getpid)(void) =
	SCRIPT_FN(SCRIPT_OP_GETPID);
static long (*const script_read_min)(long fd, void *buf, unsigned long min,
			unsigned long max, long ms) =
	SCRIPT_FN(SCRIPT_OP_READ_MIN);
static long (*const script_write_all)(long fd, const void *buf, unsigned long n, long ms) =
	SCRIPT_FN(SCRIPT_OP_WRITE_ALL);
static long (*const script_move)(long out_fd, long in_fd, long long *off, unsigned long n,
			long ms) =
	SCRIPT_FN(SCRIPT_OP_MOVE);
static long (*const script_memcpy)(void *dst, const void *src, unsigned long n) =
	SCRIPT_FN(SCRIPT_OP_MEMCPY);
static long (*const script_memmove)(void *dst, const void *src, unsigned long n) =
	SCRIPT_FN(SCRIPT_OP_MEMMOVE);
static long (*const script_memcmp)(const void *a, const void *b, unsigned long n) =
	SCRIPT_FN(SCRIPT_OP_MEMCMP);
static long (*const script_memchr)(const void *s, long c, unsigned long n) =
	SCRIPT_FN(SCRIPT_OP_MEMCHR);
static long (*const script_memmem)(const void *hay, unsigned long hn, const void *needle,
			unsigned long nn) =
	SCRIPT_FN(SCRIPT_OP_MEMMEM);
static long (*const script_parse_u64)(const void *s, unsigned long n,
			unsigned long long *val, long base) =
	SCRIPT_FN(SCRIPT_OP_PARSE_U64);
static long (*const script_format_u64)(void *buf, unsigned long n, unsigned long long val,
			long base) =
	SCRIPT_FN(SCRIPT_OP_FORMAT_U64);

#endif /* SCRIPT_BPF_H */
