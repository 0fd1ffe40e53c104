// SPDX-License-Identifier: GPL-2.0
/*
 * script(2): ops that wait for descriptors.  Each is the system call of
 * its name, made through the function its SYSCALL_DEFINE calls and
 * nothing else; the interpreter has already run the caller's seccomp
 * filters for it.  The six u64 arguments narrow to the C types of the
 * system call's parameters as the syscall wrapper narrows registers.
 */

#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/restart_block.h>
#include <linux/sched.h>
#include <linux/syscalls.h>
#include <linux/uaccess.h>
/* not self-contained: after <linux/fs.h> and <linux/uaccess.h> */
#include <linux/eventpoll.h>

#include "script.h"

/*
 * poll(2) and ppoll(2).  A signal interrupts poll(2) with
 * -ERESTART_RESTARTBLOCK and current->restart_block set up for
 * restart_syscall(2); the interpreter runs the op again when the run
 * continues instead, so the restart block is dropped here and the result
 * returned unchanged.  ppoll(2) with a signal mask would change the
 * caller's mask until the signal is delivered, which a run that goes on
 * must not do: a mask other than NULL is -EINVAL.
 */

/* poll(r1 fds, r2 nfds, r3 timeout_ms) */
s64 script_op_poll(struct script_run_ctx *ctx, const u64 *args)
{
	int ret = ksys_poll(SCRIPT_UPTR(args[0]), (unsigned int)args[1],
			    (int)args[2]);

	if (ret == -ERESTART_RESTARTBLOCK)
		current->restart_block.fn = do_no_restart_syscall;
	return ret;
}

/* ppoll(r1 fds, r2 nfds, r3 tmo_p, r4 sigmask, r5 sigsetsize) */
s64 script_op_ppoll(struct script_run_ctx *ctx, const u64 *args)
{
	if (SCRIPT_UPTR(args[3]))
		return -EINVAL;
	return ksys_ppoll(SCRIPT_UPTR(args[0]), (unsigned int)args[1],
			  SCRIPT_UPTR(args[2]), NULL, (size_t)args[4]);
}

/*
 * epoll_create1(2), epoll_ctl(2) and epoll_wait(2).  A signal interrupts
 * epoll_wait(2) with -EINTR; epoll never restarts.  Without CONFIG_EPOLL
 * the system calls do not exist, and neither do the ops.
 */
#ifdef CONFIG_EPOLL

/* epoll_create1(r1 flags) */
s64 script_op_epoll_create1(struct script_run_ctx *ctx, const u64 *args)
{
	return do_epoll_create((int)args[0]);
}

/* epoll_ctl(r1 epfd, r2 op, r3 fd, r4 event) */
s64 script_op_epoll_ctl(struct script_run_ctx *ctx, const u64 *args)
{
	return ksys_epoll_ctl((int)args[0], (int)args[1], (int)args[2],
			      SCRIPT_UPTR(args[3]));
}

/* epoll_wait(r1 epfd, r2 events, r3 maxevents, r4 timeout_ms) */
s64 script_op_epoll_wait(struct script_run_ctx *ctx, const u64 *args)
{
	return ksys_epoll_wait((int)args[0], SCRIPT_UPTR(args[1]),
			       (int)args[2], (int)args[3]);
}
#endif /* CONFIG_EPOLL */
