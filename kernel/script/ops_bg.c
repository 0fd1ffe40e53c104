// SPDX-License-Identifier: GPL-2.0
/*
 * script(2): the background move, an fd-to-fd transfer that goes on after
 * the op and after script(2) returns.
 *
 * The op runs in the caller's context.  It runs the caller's seccomp
 * filters once, as sendfile64(out_fd, in_fd, offset, count) with a NULL
 * offset when r3 is negative (the filters see the offset's value, not a
 * pointer, otherwise), and checks the two files as sendfile64(2) does,
 * with its errnos and in its order, rw_verify_area() included for the
 * whole range (LSM and fanotify permission).  It then takes references to
 * both files, the caller's credentials and memory cgroup, charges the
 * move to the caller's user and starts a kernel thread that moves the
 * bytes with do_splice_direct(), 1 MiB at a time, under the caller's
 * credentials, its page cache and pipe buffers charged to the caller's
 * memory cgroup.  The op's result is a new O_CLOEXEC descriptor.
 *
 * Positions: the move reads from r3, or from in_fd's file position when r3
 * is negative, and keeps its own position: in_fd's is left alone.  It
 * writes at out_fd's file position and advances it as sendfile64(2) does
 * (pipes and sockets have none).
 *
 * Beyond sendfile64(2)'s checks, the op refuses at once (-EINVAL) what
 * would fail the first splice: an in_fd that cannot seek or splice_read,
 * an out_fd that cannot splice_write or is O_APPEND (a pipe too:
 * do_splice_direct() refuses it, where sendfile64(2) splices into a pipe
 * another way), and counts above MAX_RW_COUNT, as the other composite ops
 * do.  A non-blocking out_fd does not end the move: on -EAGAIN the thread
 * waits until it polls writable.
 *
 * The move ends after count bytes, at end of file, on an error, or when it
 * is cancelled.  The thread then drops the files, the credentials and the
 * charge, records the result and only then marks the move done: once the
 * descriptor polls readable, the move holds nothing but its result.
 *
 * The descriptor: poll() gives EPOLLIN | EPOLLRDNORM once the move has
 * ended.  read() of at least sizeof(struct script_move_result) gives the
 * result, waiting for the end unless the descriptor is O_NONBLOCK
 * (-EAGAIN); a smaller read is -EINVAL.  Every read after the end gives
 * the same result again, so that poll() and read() always agree and
 * several readers each see it.  Its position is that of a stream.
 * Closing it (the last reference; at exit too) before the end cancels the
 * move: the thread gets SIGKILL, which it alone allows, so that a blocked
 * pipe or socket write or a killable wait wakes, and close() waits
 * (killably) for the thread to let go of everything.  A cancelled move's
 * result (error -EINTR, as when an administrator kills the thread) is
 * never read.
 *
 * Lifetime: the move has two references, the file's and the thread's.
 * The thread is never touched after it marked the move done, since the
 * cancel and the end are serialised by the wait queue's lock; no task
 * reference is kept, so a finished move whose descriptor stays open pins
 * no task.
 *
 * kernel.script_moves_max bounds the moves in flight per user, counted by
 * real uid (a kuid, so across user namespaces), as RLIMIT_NPROC and the
 * per-user epoll, inotify and pipe limits count: a set-user-ID program's
 * moves count against the user who ran it.  It holds for everyone,
 * CAP_SYS_ADMIN included.  A move counts from the op until its thread has
 * let go, on every path: its end, a cancel, a process's exit; a failed op
 * releases its charge at once.  Lowering the limit stops no move.
 */

#include <linux/anon_inodes.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/fsnotify.h>
#include <linux/kthread.h>
#include <linux/memcontrol.h>
#include <linux/pipe_fs_i.h>
#include <linux/poll.h>
#include <linux/refcount.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/splice.h>
#include <linux/uaccess.h>
#include <linux/uidgid.h>
#include <linux/unistd.h>
#include <linux/wait.h>
#include <linux/xarray.h>

#include "script.h"

/* The system call sendfile64(2) is, as the op table names it. */
#ifdef __NR_sendfile64
#define SCRIPT_NR_SENDFILE	__NR_sendfile64
#else
#define SCRIPT_NR_SENDFILE	__NR_sendfile
#endif

/* Bytes one do_splice_direct() call moves at most. */
#define SCRIPT_MOVE_CHUNK	SZ_1M

#define SCRIPT_MOVE_POLL_OUT	(EPOLLOUT | EPOLLWRNORM | EPOLLERR | EPOLLHUP)

/* kernel.script_moves_max: moves in flight per user. */
int sysctl_script_moves_max __read_mostly = 64;

/* Moves in flight per real kuid, as xa_mk_value() counts; none: no entry. */
static DEFINE_XARRAY(script_moves_users);

/**
 * struct script_move - a background move
 * @ref: the file's reference and the thread's
 * @cancelled: the descriptor was closed first; under @wait.lock
 * @done: the move has ended and @res is final; set under @wait.lock
 * @charged: @uid's count includes this move
 * @res: the result; @res.moved grows as the move goes
 * @wait: poll and read wait here for @done
 * @task: the thread; valid until @done
 * @in: the file read; the thread's until the end
 * @out: the file written; the thread's until the end
 * @cred: the caller's credentials, the thread's until the end
 * @memcg: the caller's memory cgroup or NULL, the thread's until the end
 * @pos: where in @in the move reads next
 * @opos: where in @out it writes next
 * @max: the smaller s_maxbytes of the two: no byte moves past it
 * @count: bytes to move
 * @uid: the real uid the move is charged to
 */
struct script_move {
	refcount_t ref;
	bool cancelled;
	bool done;
	bool charged;
	struct script_move_result res;
	wait_queue_head_t wait;
	struct task_struct *task;
	struct file *in;
	struct file *out;
	const struct cred *cred;
	struct mem_cgroup *memcg;
	loff_t pos;
	loff_t opos;
	loff_t max;
	u64 count;
	kuid_t uid;
};

/* Charges a move to @uid: 0, -EAGAIN at kernel.script_moves_max, -ENOMEM. */
static int script_moves_charge(kuid_t uid)
{
	XA_STATE(xas, &script_moves_users, __kuid_val(uid));
	unsigned long limit = max(READ_ONCE(sysctl_script_moves_max), 0);
	unsigned long n;

	/* xas_nomem() allocates with the lock dropped; the count is read again. */
	do {
		xas_lock(&xas);
		n = xa_to_value(xas_load(&xas));
		if (n < limit)
			xas_store(&xas, xa_mk_value(n + 1));
		xas_unlock(&xas);
	} while (xas_nomem(&xas, GFP_KERNEL));
	if (xas_error(&xas))
		return xas_error(&xas);
	return n < limit ? 0 : -EAGAIN;
}

/* Releases a charge; a count that reaches 0 leaves no entry. */
static void script_moves_uncharge(kuid_t uid)
{
	XA_STATE(xas, &script_moves_users, __kuid_val(uid));
	unsigned long n;

	xas_lock(&xas);
	n = xa_to_value(xas_load(&xas));
	/* Overwriting a present entry, or erasing one, never allocates. */
	if (!WARN_ON_ONCE(!n))
		xas_store(&xas, n > 1 ? xa_mk_value(n - 1) : NULL);
	xas_unlock(&xas);
}

/* Drops what a move holds while it is in flight. */
static void script_move_drop(struct script_move *move)
{
	if (move->charged)
		script_moves_uncharge(move->uid);
	mem_cgroup_put(move->memcg);
	if (move->cred)
		put_cred(move->cred);
	if (move->out)
		fput(move->out);
	if (move->in)
		fput(move->in);
}

static void script_move_put(struct script_move *move)
{
	if (refcount_dec_and_test(&move->ref))
		kfree(move);
}

static bool script_move_done(struct script_move *move)
{
	/* Pairs with the release in script_move_end(): @res is final. */
	return smp_load_acquire(&move->done);
}

/*
 * In the thread: true once the move is cancelled.  The flag covers a
 * SIGKILL sent before the thread allowed it, which was dropped.
 */
static bool script_move_cancelled(struct script_move *move)
{
	return signal_pending(current) || READ_ONCE(move->cancelled);
}

/*
 * In the thread, after -EAGAIN from a non-blocking out_fd: sleeps until
 * out_fd polls writable, or has an error or a hangup that the next splice
 * reports.  An out_fd that polls writable and still refuses, twice in a
 * row with no progress (*@again), costs a tick per further try, so that
 * the thread cannot spin on it; one that cannot be polled ends the move
 * with -EAGAIN.  The poll table is allocated only to sleep.
 *
 * Return: 0 to try again, -EINTR once cancelled, -EAGAIN or -ENOMEM.
 */
static int script_move_wait_room(struct script_move *move, bool *again)
{
	struct file *out = move->out;
	struct poll_wqueues *pwq;
	__poll_t mask;
	int err = 0;

	if (!file_can_poll(out))
		return -EAGAIN;
	if (vfs_poll(out, NULL) & SCRIPT_MOVE_POLL_OUT) {
		if (*again)
			schedule_timeout_interruptible(1);
		*again = true;
		return 0;
	}
	*again = false;
	pwq = kmalloc(sizeof(*pwq), GFP_KERNEL);
	if (!pwq)
		return -ENOMEM;
	poll_initwait(pwq);
	pwq->pt._key = SCRIPT_MOVE_POLL_OUT;
	mask = vfs_poll(out, &pwq->pt);
	/* The wait queue entries are in place: later passes only look. */
	pwq->pt._qproc = NULL;
	while (!(mask & SCRIPT_MOVE_POLL_OUT)) {
		if (pwq->error) {
			err = pwq->error;
			break;
		}
		if (script_move_cancelled(move)) {
			err = -EINTR;
			break;
		}
		set_current_state(TASK_INTERRUPTIBLE);
		if (!pwq->triggered)
			schedule();
		__set_current_state(TASK_RUNNING);
		/* As poll_schedule_timeout(): pairs with the wakeup's smp_wmb(). */
		smp_store_mb(pwq->triggered, 0);
		mask = vfs_poll(out, &pwq->pt);
	}
	poll_freewait(pwq);
	kfree(pwq);
	return err;
}

/*
 * In the thread: moves the bytes.  Each chunk is what one sendfile64(2)
 * call does after its checks, which the op made for the whole range.
 *
 * Return: 0 once all the bytes moved or at end of file, else the errno
 * that stopped the move.
 */
static int script_move_run(struct script_move *move)
{
	struct file *in = move->in, *out = move->out;
	bool again = false;
	ssize_t n;
	u64 left;
	int err;

	for (;;) {
		left = move->count - move->res.moved;
		if (!left)
			return 0;
		if (script_move_cancelled(move))
			return -EINTR;
		/* As the sendfile64(2) that would come next: past max. */
		if (move->pos >= move->max)
			return -EOVERFLOW;
		left = min3(left, (u64)SCRIPT_MOVE_CHUNK,
			    (u64)(move->max - move->pos));
		n = do_splice_direct(in, &move->pos, out, &move->opos, left, 0);
		if (n > 0) {
			WRITE_ONCE(move->res.moved, move->res.moved + n);
			fsnotify_access(in);
			fsnotify_modify(out);
			out->f_pos = move->opos;
			again = false;
		} else if (n == -EAGAIN) {
			err = script_move_wait_room(move, &again);
			if (err)
				return err;
		} else {
			return n;	/* 0 at end of file */
		}
		cond_resched();
	}
}

/* In the thread: lets go of everything, then makes the result visible. */
static void script_move_end(struct script_move *move, int err)
{
	switch (err) {
	case -ERESTARTSYS:
	case -ERESTARTNOINTR:
	case -ERESTARTNOHAND:
	case -ERESTART_RESTARTBLOCK:
		err = -EINTR;
		break;
	}
	script_move_drop(move);

	spin_lock_irq(&move->wait.lock);
	move->res.error = err;
	/* @res before @done, for the lockless readers: poll, read, fdinfo. */
	smp_store_release(&move->done, true);
	wake_up_locked_poll(&move->wait, EPOLLIN | EPOLLRDNORM);
	spin_unlock_irq(&move->wait.lock);
	script_move_put(move);
}

static int script_move_thread(void *data)
{
	struct script_move *move = data;
	const struct cred *old_cred;
	struct mem_cgroup *old_memcg;
	int err;

	/* Before the first look at move->cancelled: see the release. */
	allow_signal(SIGKILL);
	old_cred = override_creds(move->cred);
	old_memcg = set_active_memcg(move->memcg);
	err = script_move_run(move);
	set_active_memcg(old_memcg);
	revert_creds(old_cred);
	script_move_end(move, err);
	return 0;
}

static __poll_t script_move_poll(struct file *file, poll_table *pt)
{
	struct script_move *move = file->private_data;

	poll_wait(file, &move->wait, pt);
	return script_move_done(move) ? EPOLLIN | EPOLLRDNORM : 0;
}

static ssize_t script_move_read(struct file *file, char __user *buf,
				size_t size, loff_t *ppos)
{
	struct script_move *move = file->private_data;
	int err;

	if (size < sizeof(move->res))
		return -EINVAL;
	if (!script_move_done(move)) {
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		err = wait_event_interruptible(move->wait,
					       script_move_done(move));
		if (err)
			return err;
	}
	if (copy_to_user(buf, &move->res, sizeof(move->res)))
		return -EFAULT;
	return sizeof(move->res);
}

/*
 * The last reference to the descriptor: a move still going is cancelled,
 * and the closer waits for the thread to let go of the files, the
 * credentials and the charge, unless it is killed; the thread drops its
 * own reference in any case.
 */
static int script_move_release(struct inode *inode, struct file *file)
{
	struct script_move *move = file->private_data;

	spin_lock_irq(&move->wait.lock);
	if (!move->done) {
		move->cancelled = true;
		send_sig(SIGKILL, move->task, 1);
	}
	spin_unlock_irq(&move->wait.lock);
	wait_event_killable(move->wait, script_move_done(move));
	script_move_put(move);
	return 0;
}

static void script_move_show_fdinfo(struct seq_file *m, struct file *file)
{
	struct script_move *move = file->private_data;
	bool done = script_move_done(move);

	seq_printf(m, "script-moved:\t%lld\n", READ_ONCE(move->res.moved));
	seq_printf(m, "script-done:\t%d\n", done);
	if (done)
		seq_printf(m, "script-error:\t%d\n", move->res.error);
}

static const struct file_operations script_move_fops = {
	.read		= script_move_read,
	.poll		= script_move_poll,
	.release	= script_move_release,
	.show_fdinfo	= script_move_show_fdinfo,
	.llseek		= noop_llseek,
};

/*
 * Takes the two files and checks them as sendfile64(2) does, in its
 * order: in_fd (-EBADF; -ESPIPE when an offset is given and it cannot
 * pread; rw_verify_area()), then out_fd (-EBADF; -EOVERFLOW when the move
 * would start past the smaller s_maxbytes), then what do_splice_direct()
 * needs (-EINVAL), then rw_verify_area() on out_fd unless it is a pipe.
 */
static int script_move_files(struct script_move *move, int out_fd, int in_fd,
			     s64 off)
{
	struct file *in, *out;
	loff_t len;
	int err;

	in = fget(in_fd);
	if (!in)
		return -EBADF;
	move->in = in;
	if (!(in->f_mode & FMODE_READ))
		return -EBADF;
	if (off >= 0) {
		if (!(in->f_mode & FMODE_PREAD))
			return -ESPIPE;
		move->pos = off;
	} else {
		move->pos = in->f_pos;
	}
	err = rw_verify_area(READ, in, &move->pos, move->count);
	if (err)
		return err;

	out = fget(out_fd);
	if (!out)
		return -EBADF;
	move->out = out;
	if (!(out->f_mode & FMODE_WRITE))
		return -EBADF;
	move->opos = out->f_pos;
	move->max = min(file_inode(in)->i_sb->s_maxbytes,
			file_inode(out)->i_sb->s_maxbytes);
	len = move->count;
	if (unlikely(move->pos + len > move->max)) {
		if (move->pos >= move->max)
			return -EOVERFLOW;
		len = move->max - move->pos;
	}

	if (!(in->f_mode & FMODE_LSEEK) || !in->f_op->splice_read)
		return -EINVAL;
	if ((out->f_flags & O_APPEND) || !out->f_op->splice_write)
		return -EINVAL;
	if (!get_pipe_info(out, true))
		return rw_verify_area(WRITE, out, &move->opos, len);
	return 0;
}

/**
 * script_op_move_bg() - start a background move
 * @ctx: the run
 * @args: r1 out_fd, r2 in_fd, r3 offset in in_fd or negative for its file
 *	position, r4 count
 *
 * Return: a new O_CLOEXEC descriptor for the move; -EAGAIN when the
 * caller's user has kernel.script_moves_max moves in flight; sendfile's
 * errors; -EINVAL (see above), -ENOMEM, -EMFILE.
 */
s64 script_op_move_bg(struct script_run_ctx *ctx, const u64 *args)
{
	s64 off = args[2];
	const u64 call[6] = { args[0], args[1], off < 0 ? 0 : off, args[3] };
	struct script_move *move;
	struct task_struct *task;
	struct file *file;
	s64 err;
	int fd;

	if (script_syscall_denied(SCRIPT_NR_SENDFILE, call, &err))
		return err;
	if (args[3] > MAX_RW_COUNT)
		return -EINVAL;
	move = kzalloc(sizeof(*move), GFP_KERNEL_ACCOUNT);
	if (!move)
		return -ENOMEM;
	move->count = args[3];
	err = script_move_files(move, args[0], args[1], off);
	if (err)
		goto out_drop;
	move->uid = current_uid();
	err = script_moves_charge(move->uid);
	if (err)
		goto out_drop;
	move->charged = true;
	move->cred = get_current_cred();
	move->memcg = get_mem_cgroup_from_current();
	init_waitqueue_head(&move->wait);

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		err = fd;
		goto out_drop;
	}
	task = kthread_create(script_move_thread, move, "script-move/%d",
			      task_tgid_nr(current));
	if (IS_ERR(task)) {
		err = PTR_ERR(task);
		goto out_fd;
	}
	file = anon_inode_getfile("script-move", &script_move_fops, move,
				  O_RDONLY);
	if (IS_ERR(file)) {
		err = PTR_ERR(file);
		/* Never woken: it exits without running script_move_thread(). */
		kthread_stop(task);
		goto out_fd;
	}
	refcount_set(&move->ref, 2);
	move->task = task;
	wake_up_process(task);
	fd_install(fd, file);
	return fd;

out_fd:
	put_unused_fd(fd);
out_drop:
	script_move_drop(move);
	kfree(move);
	return err;
}
