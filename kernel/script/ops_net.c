// SPDX-License-Identifier: GPL-2.0
/*
 * script(2): ops on sockets.  Each is the system call of its name, made
 * through the __sys_*() function its SYSCALL_DEFINE calls and nothing
 * else; the interpreter has already run the caller's seccomp filters for
 * it.  The six u64 arguments narrow to the C types of the system call's
 * parameters as the syscall wrapper narrows registers.  SEND and RECV are
 * sendto and recvfrom with no address: the interpreter zeroes args[4] and
 * args[5] for them.  Built with CONFIG_NET only: without it the op table
 * has no socket ops, as the kernel has no socket system calls.
 */

#include <linux/errno.h>
#include <linux/socket.h>
#include <linux/syscalls.h>

#include "script.h"

/* socket(r1 domain, r2 type, r3 protocol) */
s64 script_op_socket(struct script_run_ctx *ctx, const u64 *args)
{
	return __sys_socket((int)args[0], (int)args[1], (int)args[2]);
}

/* bind(r1 fd, r2 addr, r3 addrlen) */
s64 script_op_bind(struct script_run_ctx *ctx, const u64 *args)
{
	return __sys_bind((int)args[0], SCRIPT_UPTR(args[1]), (int)args[2]);
}

/* listen(r1 fd, r2 backlog) */
s64 script_op_listen(struct script_run_ctx *ctx, const u64 *args)
{
	return __sys_listen((int)args[0], (int)args[1]);
}

/* accept4(r1 fd, r2 addr, r3 addrlen, r4 flags) */
s64 script_op_accept4(struct script_run_ctx *ctx, const u64 *args)
{
	return __sys_accept4((int)args[0], SCRIPT_UPTR(args[1]),
			     SCRIPT_UPTR(args[2]), (int)args[3]);
}

/* connect(r1 fd, r2 addr, r3 addrlen) */
s64 script_op_connect(struct script_run_ctx *ctx, const u64 *args)
{
	return __sys_connect((int)args[0], SCRIPT_UPTR(args[1]), (int)args[2]);
}

/* sendto(r1 fd, r2 buf, r3 len, r4 flags, dest_addr, addrlen), and send */
s64 script_op_sendto(struct script_run_ctx *ctx, const u64 *args)
{
	return __sys_sendto((int)args[0], SCRIPT_UPTR(args[1]),
			    (size_t)args[2], (unsigned int)args[3],
			    SCRIPT_UPTR(args[4]), (int)args[5]);
}

/* recvfrom(r1 fd, r2 buf, r3 len, r4 flags, src_addr, addrlen), and recv */
s64 script_op_recvfrom(struct script_run_ctx *ctx, const u64 *args)
{
	return __sys_recvfrom((int)args[0], SCRIPT_UPTR(args[1]),
			      (size_t)args[2], (unsigned int)args[3],
			      SCRIPT_UPTR(args[4]), SCRIPT_UPTR(args[5]));
}

/* shutdown(r1 fd, r2 how) */
s64 script_op_shutdown(struct script_run_ctx *ctx, const u64 *args)
{
	return __sys_shutdown((int)args[0], (int)args[1]);
}

/* setsockopt(r1 fd, r2 level, r3 optname, r4 optval, r5 optlen) */
s64 script_op_setsockopt(struct script_run_ctx *ctx, const u64 *args)
{
	return __sys_setsockopt((int)args[0], (int)args[1], (int)args[2],
				SCRIPT_UPTR(args[3]), (int)args[4]);
}

/* getsockopt(r1 fd, r2 level, r3 optname, r4 optval, r5 optlen) */
s64 script_op_getsockopt(struct script_run_ctx *ctx, const u64 *args)
{
	return __sys_getsockopt((int)args[0], (int)args[1], (int)args[2],
				SCRIPT_UPTR(args[3]), SCRIPT_UPTR(args[4]));
}
