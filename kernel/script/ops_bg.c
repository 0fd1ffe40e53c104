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
 * both files, charges the move to the caller's user and to the system's
 * count, and starts a thread of the caller's own process, an io thread as
 * io_uring's workers are (create_io_thread()), that moves the bytes with
 * do_splice_direct(), 1 MiB at a time.  The op's result is a new
 * O_CLOEXEC descriptor.
 *
 * The thread: made by the calling thread, as a thread of its process, it
 * runs with the caller's credentials as they were at the op, and shares
 * the process's rlimits (RLIMIT_FSIZE ends the move with -EFBIG), its
 * namespaces, its cgroups (cpu, memory, io, pids, the freezer), its
 * memory and its signal handlers, but not its descriptor table: it holds
 * its two files and nothing else, as vhost's tasks do.  It never returns
 * to user mode, so between chunks and in its waits it does what that
 * return would do: task work, memory.high and io cgroup throttling
 * (resume_user_mode_work()), and signals, through get_signal(), as
 * io_uring's workers do: it freezes with the system and with its cgroup,
 * stops and continues with the process for job control, and ends when
 * the process exits, execs or dumps core, whose SIGKILL reaches every
 * thread.  An io thread blocks every other signal, so the process's
 * signals go to its other threads; the SIGPIPE or SIGXFSZ that a write
 * sends to the writing thread stays blocked in the move's thread: the
 * move's result reports -EPIPE or -EFBIG, and the process gets no signal.
 *
 * Positions: the move reads from r3, or from in_fd's file position when r3
 * is negative, and keeps its own position: in_fd's is left alone.  Each
 * chunk writes at out_fd's file position and advances it, under the file
 * position lock that read(2), write(2) and lseek(2) take on a shared
 * regular file (fdget_pos()), so that the move and other users of the
 * same open file do not lose each other's position updates: their writes
 * land between chunks.  (sendfile64(2) itself reads and sets the position
 * without the lock.)  Pipes and sockets have no position.
 *
 * Beyond sendfile64(2)'s checks, the op refuses at once (-EINVAL) what
 * would fail the first splice: an in_fd that cannot seek or splice_read,
 * an out_fd that cannot splice_write or is O_APPEND, and counts above
 * MAX_RW_COUNT, as the other composite ops do.  A pipe is a destination
 * as any other: do_splice_direct() writes to it through its splice_write
 * (iter_file_splice_write()), where sendfile64(2) splices into it
 * directly; the bytes and their order are the same.  As sendfile64(2),
 * each chunk passes SPLICE_F_NONBLOCK when in_fd is O_NONBLOCK.  A
 * non-blocking file does not end the move: on -EAGAIN the thread waits
 * until out_fd polls writable and a non-blocking in_fd readable.  A
 * signal that interrupts a chunk (a freeze, a stop) does not end the
 * move either: the thread takes it and does the chunk again.
 *
 * Credentials: the thread acts with the caller's credentials at the op.
 * Before each chunk, and in its waits, it checks that the process's user
 * threads still have them (script_cred_same()); once one has other
 * credentials, the move ends with -EPERM, so that a setuid(2) after the
 * op does not leave a move going on with the old ones.  A chunk already
 * under way, at most 1 MiB, completes first.
 *
 * The move ends after count bytes, at end of file, on an error, when it
 * is cancelled, or when the process exits or its last user thread has
 * exited (script_move_owner()).  The thread then drops the
 * files (__fput_sync(): they are closed there and then, not when the
 * thread exits) and the charges, records the result and only then marks
 * the move done: once the descriptor polls readable, the move holds
 * nothing but its result, and the thread exits right after.
 *
 * The descriptor: poll() gives EPOLLIN | EPOLLRDNORM once the move has
 * ended.  read() of at least sizeof(struct script_move_result) gives the
 * result, waiting for the end unless the descriptor is O_NONBLOCK
 * (-EAGAIN); a smaller read is -EINVAL.  Every read after the end gives
 * the same result again, so that poll() and read() always agree and
 * several readers each see it.  Its position is that of a stream.
 *
 * Cancel: closing the descriptor (the last reference; at exit too) before
 * the end cancels the move.  ->release sets @cancelled and interrupts the
 * thread with TIF_NOTIFY_SIGNAL, as io-wq cancels a worker's request, and
 * returns at once, never waiting for the thread: a write to a FUSE or a
 * frozen filesystem can sleep uninterruptibly, and ->release may run from
 * delayed_fput().  A pipe or socket write, a poll wait or the file
 * position lock, which sleep interruptibly, return at once; the thread
 * sees @cancelled and ends.  An uninterruptible or killable sleep ends
 * first, and a frozen or stopped process's move ends once it runs again.
 * Never SIGKILL: it would kill the whole process.  A cancelled move's
 * result (error -EINTR, as a move that the process's exit ended) is never
 * read.
 *
 * Lifetime: the move has two references, the file's and the thread's.
 * The thread is never touched after it marked the move done, since the
 * cancel and the end are serialised by the wait queue's lock, and the
 * thread marks the move done before it exits; no task reference is kept,
 * so a finished move whose descriptor stays open pins no task.  The move
 * belongs to the calling process: it ends (-EINTR) when that process
 * exits or execs, even when another process holds its descriptor, and
 * when the process's user threads have all exited (exit(2) of the last
 * one, a seccomp SECCOMP_RET_KILL_THREAD), as io_uring's workers end with
 * the tasks that own them: the last user thread's exit closes the
 * descriptor table, which the thread does not share, and with it the
 * move's descriptor, which cancels the move at once, even when another
 * process holds the descriptor too (->flush).  A move whose descriptor
 * the process had already closed, while another process holds one, ends
 * at its next check (script_move_owner()): before a chunk, or when a
 * wait of its own wakes.  The thread then exits with the code of the
 * process's last user thread, so that the parent's wait() sees the
 * status it would have without moves.
 *
 * Limits: kernel.script_moves_max bounds the moves in flight per user,
 * counted by real uid (a kuid), as RLIMIT_NPROC and the per-user epoll,
 * inotify and pipe limits count: a set-user-ID program's moves count
 * against the user who ran it.  A move made in a user namespace counts
 * against the owner of that namespace too, and the owner of each of its
 * ancestors, as RLIMIT_NPROC's ucounts do, so that the uids mapped in a
 * user's namespaces share that user's limit rather than having one each.
 * It holds for everyone, CAP_SYS_ADMIN included.  SCRIPT_MOVES_GLOBAL_MAX
 * bounds the moves in flight on the whole system, whatever their users.
 * A move counts from the op until its thread has let go of the files, on
 * every path: its end, a cancel, a process's exit; a failed op releases
 * its charges at once.  Lowering the limit stops no move.  Being a
 * thread, each move also counts, from the op until the thread has
 * exited, where copy_process() counts threads: against the
 * pids cgroup's pids.max, kernel.threads-max and the user's RLIMIT_NPROC
 * (shared-credential threads count there too; not for global root, nor
 * with CAP_SYS_RESOURCE or CAP_SYS_ADMIN), each -EAGAIN.
 */

#include <linux/anon_inodes.h>
#include <linux/atomic.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/fsnotify.h>
#include <linux/mutex.h>
#include <linux/pipe_fs_i.h>
#include <linux/poll.h>
#include <linux/refcount.h>
#include <linux/resume_user_mode.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/sched/xacct.h>
#include <linux/security.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/splice.h>
#include <linux/uaccess.h>
#include <linux/uidgid.h>
#include <linux/user_namespace.h>
#include <linux/unistd.h>
#include <linux/wait.h>
#include <linux/xarray.h>

#include "script.h"

/* Bytes one do_splice_direct() call moves at most. */
#define SCRIPT_MOVE_CHUNK	SZ_1M

#define SCRIPT_MOVE_POLL_OUT	(EPOLLOUT | EPOLLWRNORM | EPOLLERR | EPOLLHUP)
#define SCRIPT_MOVE_POLL_IN	(EPOLLIN | EPOLLRDNORM | EPOLLERR | EPOLLHUP)

/*
 * Moves in flight on the whole system: one more is -EAGAIN, whatever
 * kernel.script_moves_max says.  Each move is a thread; the per-user
 * limit alone would let a user namespace with many uids start
 * kernel.script_moves_max moves for each of them.  A constant, not a
 * sysctl; RLIMIT_NPROC and the pids cgroup bound each user and each
 * container below it.
 */
#define SCRIPT_MOVES_GLOBAL_MAX	4096

/* The users a move counts against: the caller's uid, its namespaces' owners. */
#define SCRIPT_MOVE_USERS	(1 + 33)

/* kernel.script_moves_max: moves in flight per user. */
int sysctl_script_moves_max __read_mostly = 64;

/* Moves in flight per real kuid, as xa_mk_value() counts; none: no entry. */
static DEFINE_XARRAY(script_moves_users);

/* Moves in flight on the whole system, at most SCRIPT_MOVES_GLOBAL_MAX. */
static atomic_t script_moves_global = ATOMIC_INIT(0);

/**
 * struct script_move - a background move
 * @ref: the file's reference and the thread's
 * @cancelled: the descriptor was closed first; set under @wait.lock
 * @done: the move has ended and @res is final; set under @wait.lock
 * @charged: @uid's count and the global count include this move
 * @res: the result; @res.moved grows as the move goes
 * @wait: poll and read wait here for @done
 * @task: the thread; valid while !@done, under @wait.lock
 * @in: the file read; the thread's until the end
 * @out: the file written; the thread's until the end
 * @pos: where in @in the move reads next
 * @max: the smaller s_maxbytes of the two: no byte moves past it
 * @count: bytes to move
 * @cred: the caller's credentials at the op; the move ends once a user
 *	thread of its process has others
 * @exit_code: the thread's exit code: that of the process's last user
 *	thread when its exit ended the move; set under @wait.lock
 * @nr_uids: how many of @uids the move is charged to
 * @uids: the caller's real uid and the owners of its user namespaces
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
	loff_t pos;
	loff_t max;
	u64 count;
	const struct cred *cred;
	int exit_code;
	int nr_uids;
	kuid_t uids[SCRIPT_MOVE_USERS];
};

/* Takes one of @uid's places: 0, -EAGAIN at @limit, -ENOMEM. */
static int script_moves_charge_uid(kuid_t uid, unsigned long limit)
{
	XA_STATE(xas, &script_moves_users, __kuid_val(uid));
	unsigned long n;

	/* xas_nomem() allocates with the lock dropped; the count is read again. */
	do {
		xas_lock(&xas);
		n = xa_to_value(xas_load(&xas));
		if (n < limit)
			xas_store(&xas, xa_mk_value(n + 1));
		xas_unlock(&xas);
	} while (xas_nomem(&xas, GFP_KERNEL));
	return xas_error(&xas) ?: n < limit ? 0 : -EAGAIN;
}

/* Gives one of @uid's places back; a count that reaches 0 leaves no entry. */
static void script_moves_uncharge_uid(kuid_t uid)
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

/*
 * The users a move of the caller counts against: its real uid, then the
 * owner of its user namespace, of that one's parent and so on up to the
 * initial namespace, each once.  A user's namespaces, and the uids mapped
 * in them, thus share that user's kernel.script_moves_max, as
 * RLIMIT_NPROC's counts go up the namespaces (ucounts).
 */
static void script_move_users(struct script_move *move)
{
	const struct cred *cred = current_cred();
	const struct user_namespace *ns;
	int i;

	move->uids[0] = cred->uid;
	move->nr_uids = 1;
	for (ns = cred->user_ns; ns != &init_user_ns; ns = ns->parent) {
		for (i = 0; i < move->nr_uids; i++)
			if (uid_eq(move->uids[i], ns->owner))
				break;
		if (i == move->nr_uids && !WARN_ON_ONCE(i == SCRIPT_MOVE_USERS))
			move->uids[move->nr_uids++] = ns->owner;
	}
}

/* Gives the places of @move's first @n users and the system's back. */
static void script_moves_uncharge(struct script_move *move, int n)
{
	while (n--)
		script_moves_uncharge_uid(move->uids[n]);
	atomic_dec(&script_moves_global);
}

/*
 * Charges a move to each of its users and to the system: 0, -EAGAIN at
 * kernel.script_moves_max or SCRIPT_MOVES_GLOBAL_MAX, -ENOMEM.
 */
static int script_moves_charge(struct script_move *move)
{
	unsigned long limit = max(READ_ONCE(sysctl_script_moves_max), 0);
	int i, err;

	if (!atomic_add_unless(&script_moves_global, 1, SCRIPT_MOVES_GLOBAL_MAX))
		return -EAGAIN;
	for (i = 0; i < move->nr_uids; i++) {
		err = script_moves_charge_uid(move->uids[i], limit);
		if (err) {
			script_moves_uncharge(move, i);
			return err;
		}
	}
	return 0;
}

/* Drops a file of the move: in the thread (@sync) at once, else as fput(). */
static void script_move_fput(struct file *file, bool sync)
{
	if (!file)
		return;
	if (sync)
		__fput_sync(file);
	else
		fput(file);
}

/*
 * Drops what a move holds while it is in flight: the charges first, so
 * that a move's files, seen closed, no longer count either.  @sync: in
 * the thread, which closes the files there and then; the op's error path
 * leaves that to the caller's return to user mode, as fput() does.
 */
static void script_move_drop(struct script_move *move, bool sync)
{
	if (move->charged)
		script_moves_uncharge(move, move->nr_uids);
	script_move_fput(move->out, sync);
	script_move_fput(move->in, sync);
}

static void script_move_put(struct script_move *move)
{
	if (refcount_dec_and_test(&move->ref)) {
		if (move->cred)
			put_cred(move->cred);
		kfree(move);
	}
}

static bool script_move_done(struct script_move *move)
{
	/* Pairs with the release in script_move_end(): @res is final. */
	return smp_load_acquire(&move->done);
}

/*
 * Whether @a grants what @b does: the same ids, groups, capabilities,
 * securebits, user namespace and LSM label.  Threads share one struct
 * cred until one changes its own, but a thread may also have a copy of
 * the same credentials (a thread keyring, setfsuid(2) back to the same
 * id, glibc's set*id(2) broadcast to the same ids), which is no change.
 */
static bool script_cred_same(const struct cred *a, const struct cred *b)
{
	u32 sa, sb;

	if (a == b)
		return true;
	if (!uid_eq(a->uid, b->uid) || !uid_eq(a->euid, b->euid) ||
	    !uid_eq(a->suid, b->suid) || !uid_eq(a->fsuid, b->fsuid) ||
	    !gid_eq(a->gid, b->gid) || !gid_eq(a->egid, b->egid) ||
	    !gid_eq(a->sgid, b->sgid) || !gid_eq(a->fsgid, b->fsgid))
		return false;
	if (a->securebits != b->securebits || a->user_ns != b->user_ns ||
	    a->group_info != b->group_info ||
	    a->cap_inheritable.val != b->cap_inheritable.val ||
	    a->cap_permitted.val != b->cap_permitted.val ||
	    a->cap_effective.val != b->cap_effective.val ||
	    a->cap_bset.val != b->cap_bset.val ||
	    a->cap_ambient.val != b->cap_ambient.val)
		return false;
	security_cred_getsecid(a, &sa);
	security_cred_getsecid(b, &sb);
	return sa == sb;
}

/*
 * In the thread: what the process's user threads (all but its io threads
 * and other user workers) say about the move.  A process whose user
 * threads have all exited must not live on in its moves' threads: its
 * parent's wait() would hang, and no signal but SIGKILL could reach it.
 * The moves' threads do not share the descriptor table, so that its last
 * user thread's exit closes it, and the move's descriptor with it, which
 * cancels the move (script_move_flush(), script_move_release()); this
 * check ends a move whose descriptor the process had closed while another
 * process still holds one.  The check of credentials is
 * that of the process's user threads' objective credentials against the
 * caller's at the op: any change (setuid(2) and the other set*id calls,
 * setgroups(2), capset(2), a user namespace of their own) ends the move.
 *
 * Return: 0, -EINTR when no user thread of @task's process is left,
 * -EPERM when one has credentials other than the move's.
 */
static int script_move_owner(struct script_move *move, struct task_struct *task)
{
	struct task_struct *t;
	int err = -EINTR;

	rcu_read_lock();
	for_each_thread(task, t) {
		if (READ_ONCE(t->flags) & (PF_USER_WORKER | PF_EXITING))
			continue;
		if (!script_cred_same(rcu_dereference(t->real_cred), move->cred)) {
			err = -EPERM;
			break;
		}
		err = 0;
	}
	rcu_read_unlock();
	return err;
}

/*
 * In the thread, between chunks and before each sleep of its own: what
 * the return to user mode does for the process's other threads, which
 * this one never makes.  resume_user_mode_work() runs task work and the
 * memory.high and io cgroup throttling; get_signal() clears the cancel's
 * TIF_NOTIFY_SIGNAL, freezes the thread, stops it for job control, and
 * returns true only for a fatal signal: the process exits, execs or dumps
 * core.  The io-wq workers do the same (io_run_task_work(), io_wq_worker()).
 * Then the process's user threads are looked at (script_move_owner()).
 *
 * Return: 0 to go on; -EINTR when the move is cancelled, or the process
 * exits or has no user thread left; -EPERM when the credentials changed.
 */
static int script_move_stop(struct script_move *move)
{
	if (test_thread_flag(TIF_NOTIFY_RESUME))
		resume_user_mode_work(NULL);
	if (signal_pending(current)) {
		struct ksignal ksig;

		if (get_signal(&ksig))
			return -EINTR;
	}
	/* Set before the cancel's TIF_NOTIFY_SIGNAL, which get_signal() cleared. */
	if (READ_ONCE(move->cancelled))
		return -EINTR;
	return script_move_owner(move, current);
}

/*
 * In the thread: true when a chunk's error says that a signal or the
 * cancel interrupted it before it moved anything: the chunk is done
 * again after script_move_stop(), unless that ends the move.  An -EINTR
 * with no signal pending is a real error, as sendfile64(2) would return.
 */
static bool script_move_interrupted(ssize_t n)
{
	switch (n) {
	case -EINTR:
	case -ERESTARTSYS:
	case -ERESTARTNOINTR:
	case -ERESTARTNOHAND:
	case -ERESTART_RESTARTBLOCK:
		return signal_pending(current);
	}
	return false;
}

/*
 * In the thread: whether the files may take the next chunk, after it was
 * -EAGAIN: out_fd polls writable (one that cannot be polled counts as
 * writable), and, with @in_nb, in_fd polls readable.  @pt, when given,
 * adds the thread to the wait queues of both.
 */
static bool script_move_ready(struct script_move *move, bool in_nb,
			      poll_table *pt)
{
	bool ready = true;

	if (file_can_poll(move->out))
		ready = !!(vfs_poll(move->out, pt) & SCRIPT_MOVE_POLL_OUT);
	if (in_nb && !(vfs_poll(move->in, pt) & SCRIPT_MOVE_POLL_IN))
		ready = false;
	return ready;
}

/*
 * In the thread, after -EAGAIN from a non-blocking out_fd or, as the
 * chunk passes SPLICE_F_NONBLOCK for it (script_move_chunk()), from a
 * non-blocking in_fd: sleeps until out_fd polls writable and, when in_fd
 * is non-blocking, in_fd polls readable, or either has an error or a
 * hangup that the next splice reports.  Files that poll ready and still
 * refuse, twice in a row with no progress (*@again), cost a tick per
 * further try, so that the thread cannot spin on them; when neither can
 * be polled, the move ends with -EAGAIN.  The poll table is allocated
 * only to sleep.  Signals are taken as between chunks
 * (script_move_stop()).
 *
 * Return: 0 to try again, what script_move_stop() ends the move with,
 * -EAGAIN or -ENOMEM.
 */
static int script_move_wait_room(struct script_move *move, bool *again)
{
	bool in_nb = (READ_ONCE(move->in->f_flags) & O_NONBLOCK) &&
		     file_can_poll(move->in);
	struct poll_wqueues *pwq;
	bool ready;
	int err = 0;

	if (!file_can_poll(move->out) && !in_nb)
		return -EAGAIN;
	if (script_move_ready(move, in_nb, NULL)) {
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
	pwq->pt._key = SCRIPT_MOVE_POLL_OUT | SCRIPT_MOVE_POLL_IN;
	ready = script_move_ready(move, in_nb, &pwq->pt);
	/* The wait queue entries are in place: later passes only look. */
	pwq->pt._qproc = NULL;
	while (!ready) {
		if (pwq->error) {
			err = pwq->error;
			break;
		}
		/* Before the sleep: a pending signal would end it at once. */
		err = script_move_stop(move);
		if (err)
			break;
		set_current_state(TASK_INTERRUPTIBLE);
		if (!pwq->triggered)
			schedule();
		__set_current_state(TASK_RUNNING);
		/* As poll_schedule_timeout(): pairs with the wakeup's smp_wmb(). */
		smp_store_mb(pwq->triggered, 0);
		ready = script_move_ready(move, in_nb, &pwq->pt);
	}
	poll_freewait(pwq);
	kfree(pwq);
	return err;
}

/*
 * In the thread: one chunk, what one sendfile64(2) call does after its
 * checks, which the op made for the whole range.  out_fd's position is
 * read and advanced under its file position lock, as fdget_pos() takes
 * it for write(2) on a regular file; the thread holds a reference of its
 * own, so the lock is taken whenever anyone else can use the file.  The
 * lock is taken interruptibly, so that a cancel is not held up by a
 * writer that holds it.
 *
 * Return: the bytes moved, 0 at end of file, or an errno.
 */
static ssize_t script_move_chunk(struct script_move *move, size_t len)
{
	struct file *in = move->in, *out = move->out;
	bool pos_lock = out->f_mode & FMODE_ATOMIC_POS;
	unsigned int flags = 0;
	loff_t opos;
	ssize_t n;

	/* As sendfile64(2), for each call: in_fd's O_NONBLOCK as it is now. */
	if (READ_ONCE(in->f_flags) & O_NONBLOCK)
		flags = SPLICE_F_NONBLOCK;
	if (pos_lock && mutex_lock_interruptible(&out->f_pos_lock))
		return -ERESTARTSYS;
	opos = out->f_pos;
	n = do_splice_direct(in, &move->pos, out, &opos, len, flags);
	if (n > 0)
		out->f_pos = opos;
	if (pos_lock)
		mutex_unlock(&out->f_pos_lock);
	if (n > 0) {
		add_rchar(current, n);
		add_wchar(current, n);
		fsnotify_access(in);
		fsnotify_modify(out);
	}
	return n;
}

/*
 * In the thread: moves the bytes, a chunk at a time.
 *
 * Return: 0 once all the bytes moved or at end of file, else the errno
 * that stopped the move: -EINTR when it was cancelled or the process
 * exits, -EPERM when the credentials changed (script_move_stop()).
 */
static int script_move_run(struct script_move *move)
{
	bool again = false;
	ssize_t n;
	u64 left;
	int err;

	for (;;) {
		left = move->count - move->res.moved;
		if (!left)
			return 0;
		err = script_move_stop(move);
		if (err)
			return err;
		/* As the sendfile64(2) that would come next: past max. */
		if (move->pos >= move->max)
			return -EOVERFLOW;
		left = min3(left, (u64)SCRIPT_MOVE_CHUNK,
			    (u64)(move->max - move->pos));
		n = script_move_chunk(move, left);
		if (n > 0) {
			WRITE_ONCE(move->res.moved, move->res.moved + n);
			again = false;
		} else if (n == -EAGAIN) {
			err = script_move_wait_room(move, &again);
			if (err)
				return err;
		} else if (!script_move_interrupted(n)) {
			return n;	/* 0 at end of file */
		}
		cond_resched();
	}
}

/*
 * In the thread: lets go of everything, then makes the result visible.
 *
 * Return: the thread's exit code (see script_move_thread()).
 */
static int script_move_end(struct script_move *move, int err)
{
	int code;

	switch (err) {
	case -ERESTARTSYS:
	case -ERESTARTNOINTR:
	case -ERESTARTNOHAND:
	case -ERESTART_RESTARTBLOCK:
		err = -EINTR;
		break;
	}
	script_move_drop(move, true);

	spin_lock_irq(&move->wait.lock);
	move->res.error = err;
	code = move->exit_code;
	/* @res before @done, for the lockless readers: poll, read, fdinfo. */
	smp_store_release(&move->done, true);
	wake_up_locked_poll(&move->wait, EPOLLIN | EPOLLRDNORM);
	spin_unlock_irq(&move->wait.lock);
	script_move_put(move);
	return code;
}

/*
 * The io thread.  It must not return: an io thread that returns would go
 * on to user mode with no user context, so it exits here, as io-wq's and
 * SQPOLL's threads do.  Its task work (a file's last fput() in a wait,
 * say) runs at the latest in do_exit().
 *
 * The last thread of a process to exit gives the process its exit status.
 * When the exit of the process's last user thread ended the move, this
 * thread exits with that thread's code (script_move_release()), or else
 * with the group leader's when no user thread is left, so that the
 * parent's wait() sees what it would have seen had there been no move:
 * the code of exit(2), or the SIGSYS of seccomp's SECCOMP_RET_KILL_THREAD.
 */
static int script_move_thread(void *data)
{
	struct script_move *move = data;
	int err;

	err = script_move_run(move);

	if (err == -EINTR && script_move_owner(move, current) == -EINTR) {
		spin_lock_irq(&move->wait.lock);
		if (!move->exit_code)
			move->exit_code = READ_ONCE(current->group_leader->exit_code);
		spin_unlock_irq(&move->wait.lock);
	}
	do_exit(script_move_end(move, err));
}

/*
 * create_io_thread() without the descriptor table: an io thread of the
 * caller's process that shares its memory, fs_struct, signal handlers
 * and io context, with every signal but SIGKILL and SIGSTOP blocked, as
 * vhost's tasks (vhost_task_create()) are made.  The move needs only the
 * two files it holds; a thread that shared the table would keep it, and
 * every descriptor in it, open after the process's last user thread has
 * exited.  The task is inactive until wake_up_new_task().
 */
static struct task_struct *script_move_create_thread(struct script_move *move)
{
	unsigned long flags = CLONE_FS | CLONE_SIGHAND | CLONE_THREAD |
			      CLONE_IO | CLONE_VM | CLONE_UNTRACED;
	struct kernel_clone_args args = {
		.flags		= flags,
		.fn		= script_move_thread,
		.fn_arg		= move,
		.name		= "script-move",
		.io_thread	= 1,
		.user_worker	= 1,
		.no_files	= 1,
	};

	/* As create_io_thread(): a caller past its fatal signal gets none. */
	if (current->flags & (PF_SIGNALED | PF_POSTCOREDUMP))
		return ERR_PTR(-EINTR);
	return copy_process(NULL, 0, NUMA_NO_NODE, &args);
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
 * Cancels a move still going (@on_exit: only when it is the exit of the
 * last user thread of the move's process that closes a descriptor of it,
 * whose exit code the thread then exits with).  It never waits for the
 * thread, which lets go of the files and the charges and drops its own
 * reference when it ends.
 */
static void script_move_cancel(struct script_move *move, bool on_exit)
{
	spin_lock_irq(&move->wait.lock);
	if (move->done)
		goto out;
	/* The thread is alive: it marks the move done under this lock. */
	if ((current->flags & PF_EXITING) &&
	    same_thread_group(current, move->task) &&
	    script_move_owner(move, current) == -EINTR)
		move->exit_code = current->exit_code;
	else if (on_exit)
		goto out;
	WRITE_ONCE(move->cancelled, true);
	/*
	 * As io-wq cancels a worker's request: interruptible sleeps end, and
	 * the thread, which never runs in user mode, needs no kick.
	 */
	__set_notify_signal(move->task);
out:
	spin_unlock_irq(&move->wait.lock);
}

/*
 * Each close of a descriptor of the move, the closing of a descriptor
 * table at its last user's exit included: a move whose descriptor another
 * process holds too ends when the last user thread of its own process
 * exits, as when that exit drops the last reference.
 */
static int script_move_flush(struct file *file, fl_owner_t id)
{
	if (current->flags & PF_EXITING)
		script_move_cancel(file->private_data, true);
	return 0;
}

/* The last reference to the descriptor: a move still going is cancelled. */
static int script_move_release(struct inode *inode, struct file *file)
{
	struct script_move *move = file->private_data;

	script_move_cancel(move, false);
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
	.flush		= script_move_flush,
	.release	= script_move_release,
	.show_fdinfo	= script_move_show_fdinfo,
	.llseek		= noop_llseek,
};

/*
 * Takes the two files and checks them as sendfile64(2) does, in its
 * order: in_fd (-EBADF; -ESPIPE when an offset is given and it cannot
 * pread; rw_verify_area()), then out_fd (-EBADF; -EOVERFLOW when the move
 * would start past the smaller s_maxbytes), then what do_splice_direct()
 * needs (-EINVAL), then rw_verify_area() on out_fd unless it is a pipe,
 * from its position now.
 */
static int script_move_files(struct script_move *move, int out_fd, int in_fd,
			     s64 off)
{
	struct file *in, *out;
	loff_t len, opos;
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
	opos = out->f_pos;
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
		return rw_verify_area(WRITE, out, &opos, len);
	return 0;
}

/**
 * script_op_move_bg() - start a background move
 * @ctx: the run
 * @args: r1 out_fd, r2 in_fd, r3 offset in in_fd or negative for its file
 *	position, r4 count
 *
 * Return: a new O_CLOEXEC descriptor for the move; -EAGAIN when the
 * caller's user has kernel.script_moves_max moves in flight, when the
 * system has SCRIPT_MOVES_GLOBAL_MAX, or when the thread cannot be made
 * (RLIMIT_NPROC, pids.max, kernel.threads-max); sendfile's errors;
 * -EINVAL (see above), -ENOMEM, -EMFILE; a restart code or -EINTR when a
 * signal is pending, which makes the run stop at the op and do it again.
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

	if (script_syscall_denied(ctx, SCRIPT_NR_SENDFILE, call, &err))
		return err;
	if (args[3] > MAX_RW_COUNT)
		return -EINVAL;
	move = kzalloc(sizeof(*move), GFP_KERNEL_ACCOUNT);
	if (!move)
		return -ENOMEM;
	move->count = args[3];
	move->cred = get_cred(current_real_cred());
	err = script_move_files(move, args[0], args[1], off);
	if (err)
		goto out_drop;
	script_move_users(move);
	err = script_moves_charge(move);
	if (err)
		goto out_drop;
	move->charged = true;
	init_waitqueue_head(&move->wait);
	refcount_set(&move->ref, 1);

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		err = fd;
		goto out_drop;
	}
	file = anon_inode_getfile("script-move", &script_move_fops, move,
				  O_RDONLY);
	if (IS_ERR(file)) {
		err = PTR_ERR(file);
		goto out_fd;
	}
	/*
	 * Last, since an io thread once made cannot be undone: it must be
	 * woken, and then runs the move.  It has the caller's credentials,
	 * namespaces and cgroups from here on.
	 */
	task = script_move_create_thread(move);
	if (IS_ERR(task)) {
		err = PTR_ERR(task);
		goto out_file;
	}
	refcount_inc(&move->ref);
	move->task = task;
	wake_up_new_task(task);
	fd_install(fd, file);
	return fd;

out_file:
	/* No thread: the file's release finds the move done, and frees it. */
	script_move_drop(move, false);
	move->done = true;
	put_unused_fd(fd);
	fput(file);
	return err;
out_fd:
	put_unused_fd(fd);
out_drop:
	script_move_drop(move, false);
	put_cred(move->cred);
	kfree(move);
	return err;
}
