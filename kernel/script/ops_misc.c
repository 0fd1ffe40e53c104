// SPDX-License-Identifier: GPL-2.0
/*
 * script(2): ops on time and the process.  Each is the system call of its
 * name, made through the function its SYSCALL_DEFINE calls and nothing
 * else; the interpreter has already run the caller's seccomp filters for
 * it.  The six u64 arguments narrow to the C types of the system call's
 * parameters as the syscall wrapper narrows registers.
 */

#include <linux/errno.h>
#include <linux/pid.h>
#include <linux/restart_block.h>
#include <linux/sched.h>
#include <linux/syscalls.h>

#include "script.h"

/*
 * clock_gettime(2) and nanosleep(2).  A signal interrupts nanosleep(2)
 * with -ERESTART_RESTARTBLOCK, the time left already stored at rem, and
 * current->restart_block set up for restart_syscall(2); the interpreter
 * runs the op again when the run continues instead, so the restart block
 * is dropped here and the result returned unchanged.
 */

/* clock_gettime(r1 clockid, r2 tp), clock_gettime64 on a 32-bit kernel */
s64 script_op_clock_gettime(struct script_run_ctx *ctx, const u64 *args)
{
	return ksys_clock_gettime((clockid_t)args[0], SCRIPT_UPTR(args[1]));
}

/*
 * nanosleep(r1 req, r2 rem), with the struct __kernel_timespec of 64-bit
 * kernels; a 32-bit kernel's nanosleep(2) takes the old 32-bit one, and
 * there is no op there.
 */
#ifdef CONFIG_64BIT
s64 script_op_nanosleep(struct script_run_ctx *ctx, const u64 *args)
{
	long ret = ksys_nanosleep(SCRIPT_UPTR(args[0]), SCRIPT_UPTR(args[1]));

	if (ret == -ERESTART_RESTARTBLOCK)
		current->restart_block.fn = do_no_restart_syscall;
	return ret;
}
#endif

/* getpid(): the thread group id, in the caller's pid namespace */
s64 script_op_getpid(struct script_run_ctx *ctx, const u64 *args)
{
	return task_tgid_vnr(current);
}
