// SPDX-License-Identifier: GPL-2.0
/*
 * The system calls the ops make, for the native build: each in-kernel
 * entry point the real ops_*.c call (ksys_read(), __sys_sendto(),
 * do_epoll_create(), ...) is the host's system call of that name, made
 * with the "syscall" instruction, in one of three modes:
 *
 *   SHIM_SYS_HOST     the host's call, nothing kept
 *   SHIM_SYS_RECORD   the host's call, and a record of it: its number, its
 *                     first argument, its result and the bytes it wrote to
 *                     memory (a read's buffer, epoll_wait()'s events,
 *                     fstat()'s struct stat, an offset, ...)
 *   SHIM_SYS_REPLAY   no call: the next record, checked against the call
 *                     (number and first argument), its bytes written where
 *                     the call would write them and its result returned
 *
 * A replay of a recorded run is that run again with the system calls'
 * work taken out: what remains is the interpreter, the op dispatch, the
 * ops' own code and memory ops, and the copy of the recorded bytes.
 *
 * What the kernel does without a system call is not recorded: ktime_get()
 * is the host's CLOCK_MONOTONIC through the vDSO, as cheap as the
 * kernel's; ksys_clock_gettime() is too, but is recorded, since its
 * result steers the program.  The poll machinery of ops_move.c's
 * script_wait_fd() (the file of a descriptor, vfs_poll(), a sleep until a
 * deadline) is made of host calls too (fcntl, poll, ppoll), recorded.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>

#include <linux/kernel.h>
#include <linux/syscalls.h>
#include <linux/unistd.h>

#include "native_kshim.h"

int shim_sys_mode = SHIM_SYS_HOST;

/* Bytes a call wrote: to args[arg] + off, or to iovec @iov of args[arg]. */
struct shim_out {
	u32 pos;	/* in the arena */
	u32 len;
	u16 off;
	s8 arg;
	s8 iov;		/* -1: args[arg] itself is the address */
};

#define SHIM_MAX_OUT	4

struct shim_call {
	u32 nr;
	u32 nout;
	s64 args[6];
	s64 ret;
	struct shim_out out[SHIM_MAX_OUT];
};

/* A recording: the calls in order, and the bytes they wrote. */
struct shim_recording {
	struct shim_call *calls;
	size_t ncalls, calls_cap;
	u8 *arena;
	size_t arena_len, arena_cap;
	unsigned long count[SHIM_NR_MAX];
};

/* The recording being made or replayed, and the replay's next call */
static struct shim_recording *rec;
static size_t cursor;

static void shim_sys_die(const char *what, size_t i, long nr, long arg0)
{
	fprintf(stderr, "native_sys: %s at call %zu (nr %ld, arg0 %ld)\n",
		what, i, nr, arg0);
	abort();
}

/* Starts a recording of the calls that follow, until shim_sys_record_stop(). */
struct shim_recording *shim_sys_record_start(void)
{
	rec = calloc(1, sizeof(*rec));
	if (!rec)
		shim_sys_die("out of memory", 0, 0, 0);
	shim_sys_mode = SHIM_SYS_RECORD;
	return rec;
}

void shim_sys_record_stop(void)
{
	shim_sys_mode = SHIM_SYS_HOST;
	rec = NULL;
}

void shim_recording_free(struct shim_recording *r)
{
	if (!r)
		return;
	free(r->calls);
	free(r->arena);
	free(r);
}

size_t shim_recording_calls(const struct shim_recording *r)
{
	return r->ncalls;
}

/* Calls of each system call number in @r */
const unsigned long *shim_recording_counts(const struct shim_recording *r)
{
	return r->count;
}

/* Replays @r: the calls that follow must be its calls, in its order. */
void shim_sys_replay_start(struct shim_recording *r)
{
	rec = r;
	cursor = 0;
	shim_sys_mode = SHIM_SYS_REPLAY;
}

/* The replay's end: false when it did not take every record. */
bool shim_sys_replay_stop(void)
{
	bool all = cursor == rec->ncalls;

	shim_sys_mode = SHIM_SYS_HOST;
	rec = NULL;
	return all;
}

static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return p;
	*cap = max(need, 2 * *cap + 64);
	p = realloc(p, *cap * size);
	if (!p)
		shim_sys_die("out of memory", 0, 0, 0);
	return p;
}

static void *out_addr(const struct shim_out *o, const long *args)
{
	if (o->iov < 0)
		return (u8 *)args[o->arg] + o->off;
	return ((struct iovec *)args[o->arg])[o->iov].iov_base;
}

/* In a recording: the @len bytes the call wrote at args[arg] + off. */
static void rec_out(struct shim_call *c, const long *args, int arg, int off,
		    int iov, size_t len)
{
	struct shim_out *o;

	if (!len || !args[arg])
		return;
	if (c->nout == SHIM_MAX_OUT)
		shim_sys_die("too many outputs", rec->ncalls, c->nr, c->args[0]);
	o = &c->out[c->nout++];
	o->arg = arg;
	o->off = off;
	o->iov = iov;
	o->len = len;
	o->pos = rec->arena_len;
	rec->arena = grow(rec->arena, &rec->arena_cap, rec->arena_len + len, 1);
	memcpy(rec->arena + rec->arena_len, out_addr(o, args), len);
	rec->arena_len += len;
}

/* The bytes call @nr with @args wrote, when it returned @ret. */
static void rec_outs(struct shim_call *c, int nr, const long *args, long ret)
{
	const struct iovec *iov;
	size_t left, n;
	int i;

	switch (nr) {
	case __NR_read:
	case __NR_pread64:
		if (ret > 0)
			rec_out(c, args, 1, 0, -1, ret);
		break;
	case __NR_readv:
		iov = (const struct iovec *)args[1];
		left = ret > 0 ? ret : 0;
		for (i = 0; left && i < args[2]; i++) {
			n = min(left, iov[i].iov_len);
			rec_out(c, args, 1, 0, i, n);
			left -= n;
		}
		break;
	case __NR_recvfrom:
		if (ret > 0)
			rec_out(c, args, 1, 0, -1, ret);
		if (ret >= 0 && args[5]) {
			rec_out(c, args, 4, 0, -1, *(int *)args[5]);
			rec_out(c, args, 5, 0, -1, sizeof(int));
		}
		break;
	case __NR_accept4:
		if (ret >= 0 && args[2]) {
			rec_out(c, args, 1, 0, -1, *(int *)args[2]);
			rec_out(c, args, 2, 0, -1, sizeof(int));
		}
		break;
	case __NR_getsockopt:
		if (!ret) {
			rec_out(c, args, 3, 0, -1, *(int *)args[4]);
			rec_out(c, args, 4, 0, -1, sizeof(int));
		}
		break;
	case __NR_epoll_wait:
		if (ret > 0)
			rec_out(c, args, 1, 0, -1, ret * sizeof(struct epoll_event));
		break;
	case __NR_fstat:
		if (!ret)
			rec_out(c, args, 1, 0, -1, sizeof(struct stat));
		break;
	case __NR_statx:
		if (!ret)
			rec_out(c, args, 4, 0, -1, sizeof(struct statx));
		break;
	case __NR_clock_gettime:
		if (!ret)
			rec_out(c, args, 1, 0, -1, sizeof(struct timespec));
		break;
	case __NR_nanosleep:
		if (ret)
			rec_out(c, args, 1, 0, -1, sizeof(struct timespec));
		break;
	case __NR_poll:
	case __NR_ppoll:
		for (i = 0; ret >= 0 && i < args[1]; i++)
			rec_out(c, args, 0, i * sizeof(struct pollfd) +
				offsetof(struct pollfd, revents), -1,
				sizeof(short));
		break;
	case __NR_sendfile:
		rec_out(c, args, 2, 0, -1, sizeof(loff_t));
		break;
	case __NR_splice:
	case __NR_copy_file_range:
		rec_out(c, args, 1, 0, -1, sizeof(loff_t));
		rec_out(c, args, 3, 0, -1, sizeof(loff_t));
		break;
	}
}

static __always_inline long host_syscall(long nr, const long *a)
{
	register long r10 asm("r10") = a[3];
	register long r8 asm("r8") = a[4];
	register long r9 asm("r9") = a[5];
	long ret;

	asm volatile("syscall"
		     : "=a" (ret)
		     : "0" (nr), "D" (a[0]), "S" (a[1]), "d" (a[2]),
		       "r" (r10), "r" (r8), "r" (r9)
		     : "rcx", "r11", "memory");
	return ret;
}

/* The next record, for the call @nr with @args: its bytes, its result. */
static long replay_call(int nr, const long *args)
{
	const struct shim_call *c;
	u32 i;

	if (unlikely(cursor == rec->ncalls))
		shim_sys_die("replay ran past the recording", cursor, nr, args[0]);
	c = &rec->calls[cursor++];
	if (unlikely(c->nr != nr || c->args[0] != args[0]))
		shim_sys_die("replay diverged from the recording", cursor - 1,
			     nr, args[0]);
	for (i = 0; i < c->nout; i++)
		memcpy(out_addr(&c->out[i], args), rec->arena + c->out[i].pos,
		       c->out[i].len);
	return c->ret;
}

/* Call @nr with @args as the mode says. */
static long shim_sys(int nr, long a0, long a1, long a2, long a3, long a4,
		     long a5)
{
	const long args[6] = { a0, a1, a2, a3, a4, a5 };
	struct shim_call *c;
	struct timespec ts;
	long ret;

	if (shim_sys_mode == SHIM_SYS_REPLAY)
		return replay_call(nr, args);
	if (nr == __NR_clock_gettime) {
		/* the vDSO: no transition, as in the kernel */
		ret = clock_gettime(a0, &ts) ? -errno : 0;
		if (!ret)
			memcpy((void *)a1, &ts, sizeof(ts));
	} else {
		ret = host_syscall(nr, args);
	}
	if (shim_sys_mode != SHIM_SYS_RECORD)
		return ret;
	if (nr >= 0 && nr < SHIM_NR_MAX)
		rec->count[nr]++;
	rec->calls = grow(rec->calls, &rec->calls_cap, rec->ncalls + 1,
			  sizeof(*rec->calls));
	c = &rec->calls[rec->ncalls++];
	c->nr = nr;
	c->nout = 0;
	memcpy(c->args, args, sizeof(args));
	c->ret = ret;
	rec_outs(c, nr, args, ret);
	return ret;
}

/*
 * The cost of this layer in a replay of @r, @reps times over: ns per
 * replay of the whole recording.  Each call is replayed as a ksys_*()
 * function replays it, from a copy of @r whose calls write their bytes to
 * a scratch buffer, the memory they wrote in the run being gone.
 */
double shim_sys_replay_cost(const struct shim_recording *r, unsigned int reps)
{
	static u8 scratch[1 << 16] __aligned(64);
	static struct iovec iov[SHIM_MAX_OUT];
	struct shim_recording tmp = *r;
	struct timespec t0, t1;
	unsigned int k, j;
	size_t i;

	for (j = 0; j < SHIM_MAX_OUT; j++) {
		iov[j].iov_base = scratch;
		iov[j].iov_len = sizeof(scratch);
	}
	tmp.calls = malloc(r->ncalls * sizeof(*tmp.calls) + 1);
	if (!tmp.calls)
		shim_sys_die("out of memory", 0, 0, 0);
	for (i = 0; i < r->ncalls; i++) {
		struct shim_call *c = &tmp.calls[i];

		*c = r->calls[i];
		for (j = 0; j < c->nout; j++) {
			if (c->out[j].off + c->out[j].len > sizeof(scratch))
				shim_sys_die("output too large", i, c->nr, c->args[0]);
			c->args[c->out[j].arg] = c->out[j].iov < 0 ?
				(long)scratch : (long)iov;
		}
	}
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
	for (k = 0; k < reps; k++) {
		shim_sys_replay_start(&tmp);
		for (i = 0; i < tmp.ncalls; i++) {
			const s64 *a = tmp.calls[i].args;

			shim_sys(tmp.calls[i].nr, a[0], a[1], a[2], a[3], a[4], a[5]);
		}
		shim_sys_replay_stop();
	}
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
	free(tmp.calls);
	return ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / reps;
}

#define SYS(nr, a0, a1, a2, a3, a4, a5)					\
	shim_sys(nr, (long)(a0), (long)(a1), (long)(a2), (long)(a3),	\
		 (long)(a4), (long)(a5))

/* The entry points, as <linux/syscalls.h> declares them */

ssize_t ksys_read(unsigned int fd, char *buf, size_t count)
{
	return SYS(__NR_read, fd, buf, count, 0, 0, 0);
}

ssize_t ksys_write(unsigned int fd, const char *buf, size_t count)
{
	return SYS(__NR_write, fd, buf, count, 0, 0, 0);
}

ssize_t ksys_pread64(unsigned int fd, char *buf, size_t count, loff_t pos)
{
	return SYS(__NR_pread64, fd, buf, count, pos, 0, 0);
}

ssize_t ksys_pwrite64(unsigned int fd, const char *buf, size_t count,
		      loff_t pos)
{
	return SYS(__NR_pwrite64, fd, buf, count, pos, 0, 0);
}

ssize_t ksys_readv(unsigned long fd, const struct iovec *vec,
		   unsigned long vlen)
{
	return SYS(__NR_readv, fd, vec, vlen, 0, 0, 0);
}

ssize_t ksys_writev(unsigned long fd, const struct iovec *vec,
		    unsigned long vlen)
{
	return SYS(__NR_writev, fd, vec, vlen, 0, 0, 0);
}

long ksys_openat(int dfd, const char *filename, int flags, umode_t mode)
{
	return SYS(__NR_openat, dfd, filename, flags, mode, 0, 0);
}

long ksys_openat2(int dfd, const char *filename, struct open_how *how,
		  size_t usize)
{
	return SYS(__NR_openat2, dfd, filename, how, usize, 0, 0);
}

int ksys_close(unsigned int fd)
{
	return SYS(__NR_close, fd, 0, 0, 0, 0, 0);
}

off_t ksys_lseek(unsigned int fd, off_t offset, unsigned int whence)
{
	return SYS(__NR_lseek, fd, offset, whence, 0, 0, 0);
}

int ksys_newfstat(unsigned int fd, struct stat *statbuf)
{
	return SYS(__NR_fstat, fd, statbuf, 0, 0, 0, 0);
}

int ksys_statx(int dfd, const char *filename, unsigned int flags,
	       unsigned int mask, struct statx *buffer)
{
	return SYS(__NR_statx, dfd, filename, flags, mask, buffer, 0);
}

/* @ppos is kernel memory: the recorded offset goes where it points now. */
ssize_t ksys_sendfile(int out_fd, int in_fd, loff_t *ppos, size_t count)
{
	return SYS(__NR_sendfile, out_fd, in_fd, ppos, count, 0, 0);
}

ssize_t ksys_sendfile64(int out_fd, int in_fd, loff_t *offset, size_t count)
{
	return SYS(__NR_sendfile, out_fd, in_fd, offset, count, 0, 0);
}

ssize_t ksys_splice(int fd_in, loff_t *off_in, int fd_out, loff_t *off_out,
		    size_t len, unsigned int flags)
{
	return SYS(__NR_splice, fd_in, off_in, fd_out, off_out, len, flags);
}

ssize_t ksys_copy_file_range(int fd_in, loff_t *off_in, int fd_out,
			     loff_t *off_out, size_t len, unsigned int flags)
{
	return SYS(__NR_copy_file_range, fd_in, off_in, fd_out, off_out, len,
		   flags);
}

int __sys_socket(int family, int type, int protocol)
{
	return SYS(__NR_socket, family, type, protocol, 0, 0, 0);
}

int __sys_bind(int fd, struct sockaddr *umyaddr, int addrlen)
{
	return SYS(__NR_bind, fd, umyaddr, addrlen, 0, 0, 0);
}

int __sys_listen(int fd, int backlog)
{
	return SYS(__NR_listen, fd, backlog, 0, 0, 0, 0);
}

int __sys_accept4(int fd, struct sockaddr *upeer_sockaddr,
		  int *upeer_addrlen, int flags)
{
	return SYS(__NR_accept4, fd, upeer_sockaddr, upeer_addrlen, flags, 0, 0);
}

int __sys_connect(int fd, struct sockaddr *uservaddr, int addrlen)
{
	return SYS(__NR_connect, fd, uservaddr, addrlen, 0, 0, 0);
}

int __sys_sendto(int fd, void *buff, size_t len, unsigned int flags,
		 struct sockaddr *addr, int addr_len)
{
	return SYS(__NR_sendto, fd, buff, len, flags, addr, addr_len);
}

int __sys_recvfrom(int fd, void *ubuf, size_t size, unsigned int flags,
		   struct sockaddr *addr, int *addr_len)
{
	return SYS(__NR_recvfrom, fd, ubuf, size, flags, addr, addr_len);
}

int __sys_shutdown(int fd, int how)
{
	return SYS(__NR_shutdown, fd, how, 0, 0, 0, 0);
}

int __sys_setsockopt(int fd, int level, int optname, char *optval, int optlen)
{
	return SYS(__NR_setsockopt, fd, level, optname, optval, optlen, 0);
}

int __sys_getsockopt(int fd, int level, int optname, char *optval,
		     int *optlen)
{
	return SYS(__NR_getsockopt, fd, level, optname, optval, optlen, 0);
}

int ksys_poll(struct pollfd *ufds, unsigned int nfds, int timeout_msecs)
{
	return SYS(__NR_poll, ufds, nfds, timeout_msecs, 0, 0, 0);
}

int ksys_ppoll(struct pollfd *ufds, unsigned int nfds,
	       struct __kernel_timespec *tsp, const void *sigmask,
	       size_t sigsetsize)
{
	return SYS(__NR_ppoll, ufds, nfds, tsp, sigmask, sigsetsize, 0);
}

int do_epoll_create(int flags)
{
	return SYS(__NR_epoll_create1, flags, 0, 0, 0, 0, 0);
}

int ksys_epoll_ctl(int epfd, int op, int fd, struct epoll_event *event)
{
	return SYS(__NR_epoll_ctl, epfd, op, fd, event, 0, 0);
}

int ksys_epoll_wait(int epfd, struct epoll_event *events, int maxevents,
		    int timeout)
{
	return SYS(__NR_epoll_wait, epfd, events, maxevents, timeout, 0, 0);
}

long ksys_clock_gettime(clockid_t which_clock, struct __kernel_timespec *tp)
{
	return SYS(__NR_clock_gettime, which_clock, tp, 0, 0, 0, 0);
}

long ksys_nanosleep(struct __kernel_timespec *rqtp,
		    struct __kernel_timespec *rmtp)
{
	return SYS(__NR_nanosleep, rqtp, rmtp, 0, 0, 0, 0);
}

/* ktime_get(): a clock read, never a system call, never recorded */
s64 ktime_get(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The poll machinery of script_wait_fd() */

struct shim_fd {
	unsigned int f_mode;
	int fd;
	bool empty;
};

/* CLASS(fd, f)(fd): the descriptor's access mode, or empty when it has none */
struct shim_fd shim_fdget(unsigned int fd)
{
	long fl = SYS(__NR_fcntl, fd, F_GETFL, 0, 0, 0, 0);
	struct shim_fd f = { .fd = fd, .empty = fl < 0 };

	if ((fl & O_ACCMODE) != O_WRONLY)
		f.f_mode |= 1;	/* FMODE_READ */
	if ((fl & O_ACCMODE) != O_RDONLY)
		f.f_mode |= 2;	/* FMODE_WRITE */
	return f;
}

struct shim_poll_table {
	void *qproc;
	unsigned int key;
};

struct shim_pwq {
	struct shim_poll_table pt;
	int triggered;
	int error;
};

/* The descriptor and events the last armed vfs_poll() queued on */
static int wait_fd = -1;
static unsigned int wait_events;

void poll_initwait(struct shim_pwq *pwq)
{
	pwq->pt.qproc = (void *)poll_initwait;
	pwq->pt.key = ~0U;
	pwq->triggered = 0;
	pwq->error = 0;
}

void poll_freewait(struct shim_pwq *pwq)
{
	wait_fd = -1;
}

unsigned int vfs_poll(struct shim_fd *file, struct shim_poll_table *pt)
{
	struct pollfd p = {
		.fd = file->fd,
		.events = POLLIN | POLLOUT | POLLPRI | POLLRDNORM |
			  POLLWRNORM | POLLRDHUP,
	};
	long ret = SYS(__NR_poll, &p, 1, 0, 0, 0, 0);

	if (pt && pt->qproc) {
		wait_fd = file->fd;
		wait_events = pt->key;
	}
	return ret < 0 ? POLLERR : (unsigned short)p.revents;
}

/* Sleeps until the queued descriptor is ready (-EINTR) or *@expires (0). */
int schedule_hrtimeout_range(s64 *expires, u64 delta, int mode)
{
	struct pollfd p = { .fd = wait_fd, .events = wait_events };
	struct timespec ts, *tsp = NULL;
	s64 left;
	long ret;

	if (expires) {
		left = *expires - ktime_get();
		if (left < 0)
			left = 0;
		ts.tv_sec = left / 1000000000LL;
		ts.tv_nsec = left % 1000000000LL;
		tsp = &ts;
	}
	ret = SYS(__NR_ppoll, &p, 1, tsp, NULL, 8, 0);
	return ret == 0 ? 0 : -EINTR;
}

/* One jiffy of the test kernel (HZ=250) */
long schedule_timeout_interruptible(long timeout)
{
	struct timespec ts = { 0, 4000000L * timeout };

	SYS(__NR_nanosleep, &ts, NULL, 0, 0, 0, 0);
	return 0;
}

/* fs/select.c with the default timer slack, 50 us */
struct timespec64;

u64 select_estimate_accuracy(struct timespec64 *tv)
{
	return 50000;
}
