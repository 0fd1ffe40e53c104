// SPDX-License-Identifier: GPL-2.0
/*
 * script(2): composite I/O ops, which repeat one system call until a
 * condition holds.  No system call stands for them in the op table: each
 * runs the caller's seccomp filters itself, once, at its start, for the
 * call it repeats with that call's arguments: READ_MIN as read(fd, buf,
 * max), WRITE_ALL as write(fd, buf, len), MOVE as sendfile(out_fd, in_fd,
 * offset, count).  The repeats are not filtered again.
 *
 * Each returns the bytes done, as read(2) returns a short count: an error,
 * a timeout or a stop after some progress drops the reason and returns the
 * bytes; with none, it returns the reason.  Before each pass after the
 * first the op stops if a signal is pending (-EINTR with no progress: the
 * op has not taken effect, and the interpreter parks the run and redoes
 * the op, its timeout started anew, when the run continues) and charges a
 * step of the budget (-ETIME with no progress when it is used up; the run
 * then stops with -ETIME at the next instruction).
 *
 * A timeout bounds the waiting, not the work: data that is already there
 * is read or moved even after it, and a timeout of 0 never sleeps.
 * Lengths above MAX_RW_COUNT are -EINVAL, and on a 32-bit kernel an
 * address that does not fit a pointer is -EFAULT.
 */

#include <linux/file.h>
#include <linux/fs.h>
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/syscalls.h>
#include <linux/uaccess.h>
#include <linux/unistd.h>

#include "script.h"

#define SCRIPT_POLL_IN		(EPOLLIN | EPOLLRDNORM)
#define SCRIPT_POLL_OUT		(EPOLLOUT | EPOLLWRNORM)

/* script_wait_fd(): the descriptor was ready without a wait. */
#define SCRIPT_READY_AT_ONCE	1

/* No deadline. */
#define SCRIPT_NO_DEADLINE	KTIME_MAX

/*
 * The deadline of a timeout of @ms milliseconds from now on the monotonic
 * clock; SCRIPT_NO_DEADLINE when @ms is negative or beyond what ktime_t
 * holds.
 */
static ktime_t script_deadline(s64 ms)
{
	if (ms < 0 || ms >= (s64)KTIME_SEC_MAX * MSEC_PER_SEC)
		return SCRIPT_NO_DEADLINE;
	return ktime_add_safe(ktime_get(), ms_to_ktime(ms));
}

static bool script_expired(ktime_t deadline)
{
	return deadline != SCRIPT_NO_DEADLINE &&
	       ktime_compare(ktime_get(), deadline) >= 0;
}

/*
 * Waits until @fd is ready for @events, or has an error or a hangup that
 * the call that follows reports, as poll(2) on that one descriptor waits,
 * until @deadline.  A descriptor that is ready is ready whatever the time;
 * one that is not is -ETIMEDOUT at once after the deadline.  The poll
 * table (too large for the stack) is allocated only to sleep.
 *
 * Return: 0 when it is ready, SCRIPT_READY_AT_ONCE when it was without a
 * wait, -ETIMEDOUT, -EINTR when a signal is pending, -EBADF or -ENOMEM.
 */
static int script_wait_fd(unsigned int fd, __poll_t events, ktime_t deadline)
{
	CLASS(fd, f)(fd);
	struct poll_wqueues *pwq;
	ktime_t *expires = NULL;
	struct timespec64 end;
	u64 slack = 0;
	__poll_t mask;
	int err = 0;

	if (fd_empty(f))
		return -EBADF;
	/* Not open for it: the call that follows fails at once. */
	if (((events & SCRIPT_POLL_IN) && !(fd_file(f)->f_mode & FMODE_READ)) ||
	    ((events & SCRIPT_POLL_OUT) && !(fd_file(f)->f_mode & FMODE_WRITE)))
		return 0;
	events |= EPOLLERR | EPOLLHUP;
	if (vfs_poll(fd_file(f), NULL) & events)
		return SCRIPT_READY_AT_ONCE;
	if (deadline != SCRIPT_NO_DEADLINE) {
		if (ktime_compare(ktime_get(), deadline) >= 0)
			return -ETIMEDOUT;
		expires = &deadline;
		end = ktime_to_timespec64(deadline);
		slack = select_estimate_accuracy(&end);
	}
	pwq = kmalloc(sizeof(*pwq), GFP_KERNEL);
	if (!pwq)
		return -ENOMEM;
	poll_initwait(pwq);
	pwq->pt._key = events;
	mask = vfs_poll(fd_file(f), &pwq->pt);
	/* The wait queue entries are in place: later passes only look. */
	pwq->pt._qproc = NULL;
	while (!(mask & events)) {
		bool timed_out = false;

		if (pwq->error) {
			err = pwq->error;
			break;
		}
		if (signal_pending(current)) {
			err = -EINTR;
			break;
		}
		set_current_state(TASK_INTERRUPTIBLE);
		if (!pwq->triggered)
			timed_out = !schedule_hrtimeout_range(expires, slack,
							      HRTIMER_MODE_ABS);
		__set_current_state(TASK_RUNNING);
		/* As poll_schedule_timeout(): pairs with the wakeup's smp_wmb(). */
		smp_store_mb(pwq->triggered, 0);
		mask = vfs_poll(fd_file(f), &pwq->pt);
		if (timed_out && !(mask & events)) {
			err = -ETIMEDOUT;
			break;
		}
	}
	poll_freewait(pwq);
	kfree(pwq);
	return err;
}

/*
 * After -EAGAIN: waits for @fd to be ready for @events, unless the
 * deadline has passed (-ETIMEDOUT), even if poll says it is ready, so
 * that a descriptor that polls ready but keeps failing with -EAGAIN
 * cannot keep the op past its deadline.
 */
static int script_wait_again(unsigned int fd, __poll_t events,
			     ktime_t deadline)
{
	int err;

	if (script_expired(deadline))
		return -ETIMEDOUT;
	err = script_wait_fd(fd, events, deadline);
	/* Ready, it says, yet it just failed: do not spin on it. */
	if (err == SCRIPT_READY_AT_ONCE)
		err = schedule_timeout_interruptible(1) ? -EINTR : 0;
	return err;
}

/*
 * Before each pass after the first: 0 to go on, -EINTR when a signal is
 * pending, -ETIME when the step budget is used up.
 */
static int script_move_next(struct script_run_ctx *ctx)
{
	if (signal_pending(current))
		return -EINTR;
	if (!script_charge(ctx))
		return -ETIME;
	return 0;
}

/* The op's result: the bytes done, or when there are none, @err. */
static s64 script_moved(u64 done, s64 err)
{
	return done ? (s64)done : err;
}

/*
 * read_min(r1 fd, r2 buf, r3 min, r4 max, r5 timeout_ms): reads into
 * buf, at most max bytes, until at least min have come, end of file or an
 * error.  With a timeout (r5 >= 0) it waits for the descriptor to be
 * readable before each read, so that a blocking one cannot hold it past
 * the deadline (though a read can still block, as read(2) after poll(2)
 * can, when another reader takes the data first); with none, a read
 * blocks as read(2) does and -EAGAIN from a non-blocking descriptor waits
 * until it is readable.  min 0 is a single read (after waiting, with a
 * timeout, for data to come).  min above max is -EINVAL.
 */
s64 script_op_read_min(struct script_run_ctx *ctx, const u64 *args)
{
	const u64 call[6] = { args[0], args[1], args[3] };
	unsigned int fd = args[0];
	char __user *buf = u64_to_user_ptr(args[1]);
	u64 min = args[2], max = args[3], done = 0;
	ktime_t deadline;
	unsigned int pass;
	s64 err = 0, n;

	if (script_syscall_denied(ctx, __NR_read, call, &err))
		return err;
	if (min > max || max > MAX_RW_COUNT)
		return -EINVAL;
	if (!script_uaddr_ok(args[1]))
		return -EFAULT;
	deadline = script_deadline(args[4]);
	for (pass = 0; ; pass++) {
		if (pass) {
			err = script_move_next(ctx);
			if (err)
				break;
		}
		if (deadline != SCRIPT_NO_DEADLINE) {
			err = script_wait_fd(fd, SCRIPT_POLL_IN, deadline);
			if (err < 0)
				break;
			err = 0;
		}
		n = ksys_read(fd, buf + done, max - done);
		if (n > 0) {
			done += n;
			if (done >= min)
				break;
		} else if (n == -EAGAIN && done < min) {
			err = script_wait_again(fd, SCRIPT_POLL_IN, deadline);
			if (err)
				break;
		} else {
			err = n;	/* 0 at end of file */
			break;
		}
		script_resched();
	}
	return script_moved(done, err);
}

/*
 * write_all(r1 fd, r2 buf, r3 len, r4 timeout_ms): writes all len bytes,
 * and on -EAGAIN from a non-blocking descriptor waits for room until the
 * deadline (r4 negative: none).  A write that returns 0 ends it, since
 * another would do the same.  len 0 is one write(fd, buf, 0).
 */
s64 script_op_write_all(struct script_run_ctx *ctx, const u64 *args)
{
	const u64 call[6] = { args[0], args[1], args[2] };
	unsigned int fd = args[0];
	const char __user *buf = u64_to_user_ptr(args[1]);
	u64 len = args[2], done = 0;
	ktime_t deadline;
	unsigned int pass;
	s64 err = 0, n;

	if (script_syscall_denied(ctx, __NR_write, call, &err))
		return err;
	if (len > MAX_RW_COUNT)
		return -EINVAL;
	if (!script_uaddr_ok(args[1]))
		return -EFAULT;
	deadline = script_deadline(args[3]);
	for (pass = 0; ; pass++) {
		if (pass) {
			err = script_move_next(ctx);
			if (err)
				break;
		}
		n = ksys_write(fd, buf + done, len - done);
		if (n > 0) {
			done += n;
			if (done >= len)
				break;
		} else if (n == -EAGAIN) {
			err = script_wait_again(fd, SCRIPT_POLL_OUT, deadline);
			if (err)
				break;
		} else {
			err = n;
			break;
		}
		script_resched();
	}
	return script_moved(done, err);
}

/*
 * move(r1 out_fd, r2 in_fd, r3 offset, r4 count, r5 timeout_ms): moves
 * count bytes as sendfile64(2) does, until they are all moved or end of
 * file, and on -EAGAIN waits for room on out_fd until the deadline (r5
 * negative: none).  With an offset, the __s64 at r3 is read once at the
 * start (-EFAULT) and the offset after the last byte moved is stored there
 * at the end, as sendfile64(2) does: -EFAULT when it cannot be, even
 * though bytes moved; in_fd's file offset is left alone then.  count 0 is
 * one sendfile(out_fd, in_fd, offset, 0).
 */
s64 script_op_move(struct script_run_ctx *ctx, const u64 *args)
{
	const u64 call[6] = { args[0], args[1], args[2], args[3] };
	int out_fd = args[0], in_fd = args[1];
	loff_t __user *uoff = u64_to_user_ptr(args[2]);
	u64 count = args[3], done = 0;
	loff_t pos, *ppos = NULL;
	ktime_t deadline;
	unsigned int pass;
	s64 err = 0, n;

	if (script_syscall_denied(ctx, SCRIPT_NR_SENDFILE, call, &err))
		return err;
	if (count > MAX_RW_COUNT)
		return -EINVAL;
	if (!script_uaddr_ok(args[2]))
		return -EFAULT;
	if (uoff) {
		if (get_user(pos, uoff))
			return -EFAULT;
		ppos = &pos;
	}
	deadline = script_deadline(args[4]);
	for (pass = 0; ; pass++) {
		if (pass) {
			err = script_move_next(ctx);
			if (err)
				break;
		}
		n = ksys_sendfile(out_fd, in_fd, ppos, count - done);
		if (n > 0) {
			done += n;
			if (done >= count)
				break;
		} else if (n == -EAGAIN) {
			err = script_wait_again(out_fd, SCRIPT_POLL_OUT,
						deadline);
			if (err)
				break;
		} else {
			err = n;	/* 0 at end of file */
			break;
		}
		script_resched();
	}
	if (ppos && put_user(pos, uoff))
		return -EFAULT;
	return script_moved(done, err);
}
