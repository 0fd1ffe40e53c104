// SPDX-License-Identifier: GPL-2.0
/*
 * The ops of kernel/script/ops_*.c other than ops_misc.c, which the
 * native build does not compile: ops.c's table names them, no benchmark
 * calls them.  Each fails with -EOPNOTSUPP.
 */

#include <linux/kernel.h>

#include "script.h"

#define STUB(name)							\
s64 script_op_##name(struct script_run_ctx *ctx, const u64 *args)	\
{									\
	return -EOPNOTSUPP;							\
}

STUB(read)
STUB(write)
STUB(pread64)
STUB(pwrite64)
STUB(readv)
STUB(writev)
STUB(openat)
STUB(openat2)
STUB(close)
STUB(lseek)
STUB(fstat)
STUB(statx)
STUB(sendfile)
STUB(splice)
STUB(copy_file_range)
STUB(socket)
STUB(bind)
STUB(listen)
STUB(accept4)
STUB(connect)
STUB(sendto)
STUB(recvfrom)
STUB(shutdown)
STUB(setsockopt)
STUB(getsockopt)
STUB(poll)
STUB(ppoll)
STUB(epoll_create1)
STUB(epoll_ctl)
STUB(epoll_wait)
STUB(read_min)
STUB(write_all)
STUB(move)
STUB(move_bg)
STUB(memmove)
STUB(memcmp)
STUB(memchr)
STUB(memmem)
STUB(parse_u64)
STUB(format_u64)
