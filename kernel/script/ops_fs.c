// SPDX-License-Identifier: GPL-2.0
/*
 * script(2): ops on files.  Each is the system call of its name, made
 * through the ksys_*() function its SYSCALL_DEFINE calls and nothing
 * else; the interpreter has already run the caller's seccomp filters for
 * it.  The six u64 arguments narrow to the C types of the system call's
 * parameters as the syscall wrapper narrows registers.
 */

#include <linux/errno.h>
#include <linux/syscalls.h>

#include "script.h"

/*
 * Reading and writing: read(2), write(2), pread64(2), pwrite64(2),
 * readv(2) and writev(2).
 */

/* read(r1 fd, r2 buf, r3 count) */
s64 script_op_read(struct script_run_ctx *ctx, const u64 *args)
{
	return ksys_read((unsigned int)args[0], SCRIPT_UPTR(args[1]),
			 (size_t)args[2]);
}

/* write(r1 fd, r2 buf, r3 count) */
s64 script_op_write(struct script_run_ctx *ctx, const u64 *args)
{
	return ksys_write((unsigned int)args[0], SCRIPT_UPTR(args[1]),
			  (size_t)args[2]);
}

/* On 64-bit kernels only: see the op table. */
#ifdef CONFIG_64BIT
/* pread64(r1 fd, r2 buf, r3 count, r4 pos) */
s64 script_op_pread64(struct script_run_ctx *ctx, const u64 *args)
{
	return ksys_pread64((unsigned int)args[0], SCRIPT_UPTR(args[1]),
			    (size_t)args[2], (loff_t)args[3]);
}

/* pwrite64(r1 fd, r2 buf, r3 count, r4 pos) */
s64 script_op_pwrite64(struct script_run_ctx *ctx, const u64 *args)
{
	return ksys_pwrite64((unsigned int)args[0], SCRIPT_UPTR(args[1]),
			     (size_t)args[2], (loff_t)args[3]);
}
#endif

/* readv(r1 fd, r2 iov, r3 iovcnt) */
s64 script_op_readv(struct script_run_ctx *ctx, const u64 *args)
{
	return ksys_readv((unsigned long)args[0], SCRIPT_UPTR(args[1]),
			  (unsigned long)args[2]);
}

/* writev(r1 fd, r2 iov, r3 iovcnt) */
s64 script_op_writev(struct script_run_ctx *ctx, const u64 *args)
{
	return ksys_writev((unsigned long)args[0], SCRIPT_UPTR(args[1]),
			   (unsigned long)args[2]);
}

/*
 * Opening and closing: openat(2), openat2(2) and close(2).  close(2)
 * drops the file at once, as the system call does, not when script(2)
 * returns.
 */

/* openat(r1 dirfd, r2 path, r3 flags, r4 mode) */
s64 script_op_openat(struct script_run_ctx *ctx, const u64 *args)
{
	return ksys_openat((int)args[0], SCRIPT_UPTR(args[1]), (int)args[2],
			   (umode_t)args[3]);
}

/* openat2(r1 dirfd, r2 path, r3 how, r4 size) */
s64 script_op_openat2(struct script_run_ctx *ctx, const u64 *args)
{
	return ksys_openat2((int)args[0], SCRIPT_UPTR(args[1]),
			    SCRIPT_UPTR(args[2]), (size_t)args[3]);
}

/* close(r1 fd) */
s64 script_op_close(struct script_run_ctx *ctx, const u64 *args)
{
	return ksys_close((unsigned int)args[0]);
}

/*
 * Position and status: lseek(2), fstat(2) and statx(2).  fstat is the
 * architecture's newfstat, with its struct stat; an architecture that has
 * only fstat64 has no fstat op, and one with only llseek no lseek op.
 */

/* lseek(r1 fd, r2 offset, r3 whence) */
s64 script_op_lseek(struct script_run_ctx *ctx, const u64 *args)
{
	return ksys_lseek((unsigned int)args[0], (off_t)args[1],
			  (unsigned int)args[2]);
}

#if defined(__ARCH_WANT_NEW_STAT) && defined(__NR_fstat)
/* fstat(r1 fd, r2 statbuf) */
s64 script_op_fstat(struct script_run_ctx *ctx, const u64 *args)
{
	return ksys_newfstat((unsigned int)args[0], SCRIPT_UPTR(args[1]));
}
#endif

/* statx(r1 dirfd, r2 path, r3 flags, r4 mask, r5 statxbuf) */
s64 script_op_statx(struct script_run_ctx *ctx, const u64 *args)
{
	return ksys_statx((int)args[0], SCRIPT_UPTR(args[1]),
			  (unsigned int)args[2], (unsigned int)args[3],
			  SCRIPT_UPTR(args[4]));
}

/*
 * Moving data between descriptors: sendfile(2) with a 64-bit offset,
 * splice(2) and copy_file_range(2).  The last two take six arguments,
 * the fifth and sixth from the pair r5 points at.
 */

/* sendfile64(r1 out_fd, r2 in_fd, r3 offset, r4 count) */
s64 script_op_sendfile(struct script_run_ctx *ctx, const u64 *args)
{
	return ksys_sendfile64((int)args[0], (int)args[1], SCRIPT_UPTR(args[2]),
			       (size_t)args[3]);
}

/* splice(r1 fd_in, r2 off_in, r3 fd_out, r4 off_out, len, flags) */
s64 script_op_splice(struct script_run_ctx *ctx, const u64 *args)
{
	return ksys_splice((int)args[0], SCRIPT_UPTR(args[1]), (int)args[2],
			   SCRIPT_UPTR(args[3]), (size_t)args[4],
			   (unsigned int)args[5]);
}

/* copy_file_range(r1 fd_in, r2 off_in, r3 fd_out, r4 off_out, len, flags) */
s64 script_op_copy_file_range(struct script_run_ctx *ctx, const u64 *args)
{
	return ksys_copy_file_range((int)args[0], SCRIPT_UPTR(args[1]),
				    (int)args[2], SCRIPT_UPTR(args[3]),
				    (size_t)args[4], (unsigned int)args[5]);
}
