// SPDX-License-Identifier: GPL-2.0
/*
 * script(2): the op table.  One row per op, indexed by enum script_op_id,
 * in the manner of io_uring/opdef.c; each op's code is in the file of its
 * family: ops_fs.c (files), ops_net.c (sockets), ops_poll.c (poll and
 * epoll), ops_misc.c (time and process), ops_move.c (composite I/O),
 * ops_bg.c (background moves), ops_mem.c (user memory) and ops_text.c
 * (text in user memory).  An op whose
 * system call this kernel lacks (sockets without CONFIG_NET, epoll without
 * CONFIG_EPOLL), or whose arguments no system call of this architecture
 * takes as the op does, has no row: the verifier refuses it and
 * SCRIPT_PROBE does not mark it supported.
 */

#include <linux/unistd.h>

#include "script.h"

#define OP(ID, NAME, NARGS, NR, FN)					\
	[SCRIPT_OP_##ID] = { .name = NAME, .nargs = NARGS, .nr = NR,	\
			     .fn = FN }
/* An op on user memory alone: see struct script_op's @mem. */
#define MEM(ID, NAME, NARGS, FN)					\
	[SCRIPT_OP_##ID] = { .name = NAME, .nargs = NARGS, .mem = true,	\
			     .nr = SCRIPT_NO_SYSCALL, .fn = FN }
/* A system call with six arguments: r5 points at the last two. */
#define OP6(ID, NAME, NR, FN)						\
	[SCRIPT_OP_##ID] = { .name = NAME, .nargs = 5, .tail = true,	\
			     .nr = NR, .fn = FN }

/*
 * A 32-bit kernel's ppoll and clock_gettime take the old 32-bit timespec;
 * the ops take struct __kernel_timespec, as the _time64 calls do, and
 * pass as those.  nanosleep has no _time64 call: no op on such a kernel.
 */
#ifdef CONFIG_64BIT
#define SCRIPT_NR_PPOLL		__NR_ppoll
#define SCRIPT_NR_CLOCK_GETTIME	__NR_clock_gettime
#else
#define SCRIPT_NR_PPOLL		__NR_ppoll_time64
#define SCRIPT_NR_CLOCK_GETTIME	__NR_clock_gettime64
#endif

const struct script_op script_ops[__SCRIPT_OP_MAX] = {
	/* memcpy is memmove: a copy that overlaps is made right */
	MEM(MEMCPY,		"memcpy",	3,			script_op_memmove),
	/* files */
	OP(READ,		"read",		3, __NR_read,		script_op_read),
	OP(WRITE,		"write",	3, __NR_write,		script_op_write),
	/*
	 * A 32-bit system call takes the position in two registers, laid
	 * out as each architecture's ABI says: no op there, so that no
	 * filter sees the position where the call does not have it.
	 */
#ifdef CONFIG_64BIT
	OP(PREAD64,		"pread64",	4, __NR_pread64,	script_op_pread64),
	OP(PWRITE64,		"pwrite64",	4, __NR_pwrite64,	script_op_pwrite64),
#endif
	OP(READV,		"readv",	3, __NR_readv,		script_op_readv),
	OP(WRITEV,		"writev",	3, __NR_writev,		script_op_writev),
	OP(OPENAT,		"openat",	4, __NR_openat,		script_op_openat),
	OP(OPENAT2,		"openat2",	4, __NR_openat2,	script_op_openat2),
	[SCRIPT_OP_CLOSE] = { .name = "close", .nargs = 1, .done_on_eintr = true,
			      .nr = __NR_close, .fn = script_op_close },
	/* Not on architectures that have only llseek and fstat64 (rv32) */
#ifdef __NR_lseek
	OP(LSEEK,		"lseek",	3, __NR_lseek,		script_op_lseek),
#endif
#if defined(__ARCH_WANT_NEW_STAT) && defined(__NR_fstat)
	OP(FSTAT,		"fstat",	2, __NR_fstat,		script_op_fstat),
#endif
	OP(STATX,		"statx",	5, __NR_statx,		script_op_statx),
	OP(SENDFILE,		"sendfile",	4, SCRIPT_NR_SENDFILE,	script_op_sendfile),
	OP6(SPLICE,		"splice",	__NR_splice,		script_op_splice),
	OP6(COPY_FILE_RANGE,	"copy_file_range", __NR_copy_file_range,
	    script_op_copy_file_range),
#ifdef CONFIG_NET
	/* sockets */
	OP(SOCKET,		"socket",	3, __NR_socket,		script_op_socket),
	OP(BIND,		"bind",		3, __NR_bind,		script_op_bind),
	OP(LISTEN,		"listen",	2, __NR_listen,		script_op_listen),
	OP(ACCEPT4,		"accept4",	4, __NR_accept4,	script_op_accept4),
	OP(CONNECT,		"connect",	3, __NR_connect,	script_op_connect),
	OP6(SENDTO,		"sendto",	__NR_sendto,		script_op_sendto),
	OP6(RECVFROM,		"recvfrom",	__NR_recvfrom,		script_op_recvfrom),
	OP(SEND,		"send",		4, __NR_sendto,		script_op_sendto),
	OP(RECV,		"recv",		4, __NR_recvfrom,	script_op_recvfrom),
	OP(SHUTDOWN,		"shutdown",	2, __NR_shutdown,	script_op_shutdown),
	OP(SETSOCKOPT,		"setsockopt",	5, __NR_setsockopt,	script_op_setsockopt),
	OP(GETSOCKOPT,		"getsockopt",	5, __NR_getsockopt,	script_op_getsockopt),
#endif
	/* poll and epoll */
	/* Only where the system call exists: a filter must see its arguments. */
#ifdef __NR_poll
	OP(POLL,		"poll",		3, __NR_poll,		script_op_poll),
#endif
	OP(PPOLL,		"ppoll",	5, SCRIPT_NR_PPOLL,	script_op_ppoll),
#ifdef CONFIG_EPOLL
	OP(EPOLL_CREATE1,	"epoll_create1", 1, __NR_epoll_create1,	script_op_epoll_create1),
	OP(EPOLL_CTL,		"epoll_ctl",	4, __NR_epoll_ctl,	script_op_epoll_ctl),
#ifdef __NR_epoll_wait
	OP(EPOLL_WAIT,		"epoll_wait",	4, __NR_epoll_wait,	script_op_epoll_wait),
#endif
#endif
	/* time and process */
	OP(CLOCK_GETTIME,	"clock_gettime", 2, SCRIPT_NR_CLOCK_GETTIME,
	   script_op_clock_gettime),
#ifdef CONFIG_64BIT
	OP(NANOSLEEP,		"nanosleep",	2, __NR_nanosleep,	script_op_nanosleep),
#endif
	OP(GETPID,		"getpid",	0, __NR_getpid,		script_op_getpid),
	/*
	 * Composite I/O: each runs the filters itself, once, for the system
	 * call it repeats (read, write, sendfile) with that call's arguments.
	 */
	OP(READ_MIN,		"read_min",	5, SCRIPT_NO_SYSCALL,	script_op_read_min),
	OP(WRITE_ALL,		"write_all",	4, SCRIPT_NO_SYSCALL,	script_op_write_all),
	OP(MOVE,		"move",		5, SCRIPT_NO_SYSCALL,	script_op_move),
	/* user memory */
	MEM(MEMMOVE,		"memmove",	3,			script_op_memmove),
	MEM(MEMCMP,		"memcmp",	3,			script_op_memcmp),
	MEM(MEMCHR,		"memchr",	3,			script_op_memchr),
	MEM(MEMMEM,		"memmem",	4,			script_op_memmem),
	MEM(PARSE_U64,		"parse_u64",	4,			script_op_parse_u64),
	MEM(FORMAT_U64,		"format_u64",	4,			script_op_format_u64),
	/* a move that goes on in the background; checked as sendfile */
	OP(MOVE_BG,		"move_bg",	4, SCRIPT_NO_SYSCALL,	script_op_move_bg),
	/* text in user memory */
	MEM(SPLIT_HEADER,	"split_header",	3,			script_op_split_header),
	MEM(FORMAT,		"format",	5,			script_op_format),
	MEM(MEMCSPN,		"memcspn",	4,			script_op_memcspn),
};

/**
 * script_op_get() - look up an op by id
 * @id: the imm of a SCRIPT_CALL with src_reg 0
 *
 * Return: the op's row, or NULL when @id names no op.
 */
const struct script_op *script_op_get(u32 id)
{
	const struct script_op *op;

	if (id >= ARRAY_SIZE(script_ops))
		return NULL;
	op = script_op_row(id);
	return op->fn ? op : NULL;
}
