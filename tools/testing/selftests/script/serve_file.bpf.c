// SPDX-License-Identifier: GPL-2.0
/*
 * sendfile as a script: in one script(2) call, open the file at a path,
 * fstat it for its size, send all of it to a socket and close it.
 *
 * serve_test.c includes this file for struct serve_file_ctl; clang
 * -target bpf compiles serve_file() too, into serve_file.bpf.bin.
 */
#include <linux/types.h>

/**
 * struct serve_file_ctl - serve_file()'s arguments and results
 * @path: in: user address of the NUL-terminated path
 * @dirfd: in: openat()'s dirfd, AT_FDCWD say
 * @open_flags: in: openat()'s flags
 * @out_fd: in: the socket the file goes to
 * @use_sendfile: in: 0: one MOVE op; 1: SENDFILE ops until all is sent
 * @size_off: in: offsetof(struct stat, st_size) in this architecture
 * @timeout_ms: in: how long MOVE may wait for room in @out_fd
 * @fd: out: openat()'s result
 * @fstat_ret: out: fstat()'s result
 * @size: out: st_size
 * @pos: out: the offset in the file after the moves
 * @sent: out: bytes sent
 * @calls: out: MOVE or SENDFILE ops made
 * @close_ret: out: close()'s result
 * @st: scratch: the struct stat
 */
struct serve_file_ctl {
	__u64 path;
	__s64 dirfd;
	__s64 open_flags;
	__s64 out_fd;
	__u64 use_sendfile;
	__u64 size_off;
	__s64 timeout_ms;
	__s64 fd;
	__s64 fstat_ret;
	__s64 size;
	__s64 pos;
	__s64 sent;
	__s64 calls;
	__s64 close_ret;
	__u8 st[256];
};

#ifdef __bpf__
#include <linux/errno.h>

#include "script_bpf.h"

/*
 * Returns the bytes sent, all of the file, or the first error: openat()'s,
 * fstat()'s, or the MOVE or SENDFILE op's (-EPIPE when it sent nothing
 * and reported no error).  The file is closed in any case once opened.
 */
long serve_file(struct serve_file_ctl *c)
{
	long fd, ret, n;

	fd = script_openat(c->dirfd, (const char *)c->path, c->open_flags, 0);
	c->fd = fd;
	if (fd < 0)
		return fd;
	ret = script_fstat(fd, c->st);
	c->fstat_ret = ret;
	if (ret < 0)
		goto out;
	c->size = *(__s64 *)(c->st + c->size_off);
	c->pos = 0;
	c->sent = 0;
	c->calls = 0;
	if (!c->use_sendfile) {
		n = script_move(c->out_fd, fd, &c->pos, c->size, c->timeout_ms);
		c->calls = 1;
		if (n < 0)
			ret = n;
		else
			c->sent = n;
		goto out;
	}
	while (c->sent < c->size) {
		n = script_sendfile(c->out_fd, fd, &c->pos, c->size - c->sent);
		c->calls++;
		if (n <= 0) {
			ret = n ? n : -EPIPE;
			goto out;
		}
		c->sent += n;
	}
out:
	c->close_ret = script_close(fd);
	return ret < 0 ? ret : c->sent;
}
#endif /* __bpf__ */
