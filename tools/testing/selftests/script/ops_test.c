// SPDX-License-Identifier: GPL-2.0
/*
 * script(2) ops against the system calls they stand for.  Each scenario
 * runs twice in one process, in a directory of its own: once making its
 * calls as plain system calls, once as ops of a two-instruction program
 * (CALL_OP, EXIT).  Every result, errno and observation of the state left
 * behind (file contents and offsets, descriptor numbers and flags, socket
 * and epoll state) is recorded; the two records must be equal, and each
 * value must be the one expected.  Both runs start from the same
 * descriptor table and leave it as they found it, so an op that opens a
 * descriptor must get the number the system call gets.
 *
 * The ops on memory and the composite I/O ops stand for no one system
 * call: their results are checked against <linux/script.h>.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "script_util.h"

#define U(x)		((__u64)(uintptr_t)(x))
#define BAD		8ULL	/* a user address nothing is mapped at */
#define BIG_FD		9999	/* a descriptor that is not open */
#define MS		1000000LL	/* nanoseconds */

/*
 * The system call each op stands for, as the C library makes it: send and
 * recv are sendto and recvfrom with no address.
 */
#ifdef SYS_fstat
#define NR_FSTAT	SYS_fstat
#else
#define NR_FSTAT	SYS_fstat64
#endif
#ifdef SYS_sendfile64
#define NR_SENDFILE	SYS_sendfile64
#else
#define NR_SENDFILE	SYS_sendfile
#endif

static const struct {
	int id;
	long nr;
} sys_nrs[] = {
	{ SCRIPT_OP_READ, SYS_read },
	{ SCRIPT_OP_WRITE, SYS_write },
	{ SCRIPT_OP_PREAD64, SYS_pread64 },
	{ SCRIPT_OP_PWRITE64, SYS_pwrite64 },
	{ SCRIPT_OP_READV, SYS_readv },
	{ SCRIPT_OP_WRITEV, SYS_writev },
	{ SCRIPT_OP_OPENAT, SYS_openat },
	{ SCRIPT_OP_OPENAT2, SYS_openat2 },
	{ SCRIPT_OP_CLOSE, SYS_close },
	{ SCRIPT_OP_LSEEK, SYS_lseek },
	{ SCRIPT_OP_FSTAT, NR_FSTAT },
	{ SCRIPT_OP_STATX, SYS_statx },
	{ SCRIPT_OP_SENDFILE, NR_SENDFILE },
	{ SCRIPT_OP_SPLICE, SYS_splice },
	{ SCRIPT_OP_COPY_FILE_RANGE, SYS_copy_file_range },
	{ SCRIPT_OP_SOCKET, SYS_socket },
	{ SCRIPT_OP_BIND, SYS_bind },
	{ SCRIPT_OP_LISTEN, SYS_listen },
	{ SCRIPT_OP_ACCEPT4, SYS_accept4 },
	{ SCRIPT_OP_CONNECT, SYS_connect },
	{ SCRIPT_OP_SENDTO, SYS_sendto },
	{ SCRIPT_OP_RECVFROM, SYS_recvfrom },
	{ SCRIPT_OP_SEND, SYS_sendto },
	{ SCRIPT_OP_RECV, SYS_recvfrom },
	{ SCRIPT_OP_SHUTDOWN, SYS_shutdown },
	{ SCRIPT_OP_SETSOCKOPT, SYS_setsockopt },
	{ SCRIPT_OP_GETSOCKOPT, SYS_getsockopt },
#ifdef SYS_poll
	{ SCRIPT_OP_POLL, SYS_poll },
#endif
	{ SCRIPT_OP_PPOLL, SYS_ppoll },
	{ SCRIPT_OP_EPOLL_CREATE1, SYS_epoll_create1 },
	{ SCRIPT_OP_EPOLL_CTL, SYS_epoll_ctl },
#ifdef SYS_epoll_wait
	{ SCRIPT_OP_EPOLL_WAIT, SYS_epoll_wait },
#endif
	{ SCRIPT_OP_CLOCK_GETTIME, SYS_clock_gettime },
	{ SCRIPT_OP_NANOSLEEP, SYS_nanosleep },
	{ SCRIPT_OP_GETPID, SYS_getpid },
};

/* The system call for op @id with r1 to r5 in @a: its result or -errno. */
static long sys_run(struct __test_metadata *_metadata, int id, const __u64 *a)
{
	const __u64 *tail = (const __u64 *)(uintptr_t)a[4];
	long nr = -1, r;
	unsigned int i;

	for (i = 0; i < ARRAY_LEN(sys_nrs); i++)
		if (sys_nrs[i].id == id)
			nr = sys_nrs[i].nr;
	switch (id) {
	case SCRIPT_OP_SPLICE:
	case SCRIPT_OP_COPY_FILE_RANGE:
	case SCRIPT_OP_SENDTO:
	case SCRIPT_OP_RECVFROM:
		r = syscall(nr, a[0], a[1], a[2], a[3], tail[0], tail[1]);
		break;
	case SCRIPT_OP_SEND:
	case SCRIPT_OP_RECV:
		r = syscall(nr, a[0], a[1], a[2], a[3], 0, 0);
		break;
#ifndef SYS_poll
	case SCRIPT_OP_POLL: {
		struct timespec ts = { (int)a[2] / 1000, (int)a[2] % 1000 * MS };

		r = syscall(SYS_ppoll, a[0], a[1], (int)a[2] < 0 ? NULL : &ts, NULL, 8);
		break;
	}
#endif
#ifndef SYS_epoll_wait
	case SCRIPT_OP_EPOLL_WAIT:
		r = syscall(SYS_epoll_pwait, a[0], a[1], a[2], a[3], NULL, 8);
		break;
#endif
	default:
		ASSERT_NE(-1, nr) TH_LOG("no system call for op %d", id);
		r = syscall(nr, a[0], a[1], a[2], a[3], a[4]);
	}
	return r == -1 ? -errno : r;
}

/*
 * Op @id with r1 to r5 in @a, run as "call op; exit": its r0.  An op's
 * failure is its result, never the run's, so the run itself must succeed.
 */
static long op_run(struct __test_metadata *_metadata, int id, const __u64 *a)
{
	const struct script_insn prog[] = { CALL_OP(id), EXIT };
	struct script_attr attr = { };
	char log[256] = "";

	memcpy(attr.args, a, sizeof(attr.args));
	attr.log_buf = U(log);
	attr.log_size = sizeof(log);
	attr.log_level = SCRIPT_LOG_ERROR;
	ASSERT_EQ(0, script_run(&attr, prog, ARRAY_LEN(prog)))
		TH_LOG("op %d stopped at insn %u: %s", id, attr.pc, log);
	return (long)attr.retval;
}

enum { VIA_SYSCALL, VIA_OP };

static const char *const via_name[] = { "syscall", "op" };

static long call(struct __test_metadata *_metadata, int via, int id, const __u64 *a)
{
	return via == VIA_OP ? op_run(_metadata, id, a) : sys_run(_metadata, id, a);
}

/* Op ID with the arguments given, r1 first; the rest are 0. */
#define OP(ID, ...) \
	op_run(_metadata, SCRIPT_OP_##ID, (const __u64[5]) { __VA_ARGS__ })

/* A libc call's result in an op's form: the value or -errno. */
#define SYS(X)		({ long __r = (long)(X); __r == -1 ? -errno : __r; })

/* The system call and then the op, with the same arguments, give EXP. */
#define BOTH(EXP, ID, ...) \
	both_call(_metadata, __LINE__, EXP, SCRIPT_OP_##ID, (const __u64[5]) { __VA_ARGS__ })

static void both_call(struct __test_metadata *_metadata, int line, long want,
		      int id, const __u64 *a)
{
	EXPECT_EQ(want, call(_metadata, VIA_SYSCALL, id, a))
		TH_LOG("line %d: system call", line);
	EXPECT_EQ(want, call(_metadata, VIA_OP, id, a))
		TH_LOG("line %d: op", line);
}

#define MAX_RECORDS	256

/*
 * One run of a scenario: how it makes its calls, the directory it works
 * in, and what it recorded.
 */
struct side {
	int via;
	int dfd;
	char path[64];
	int n;
	long v[MAX_RECORDS];
	int line[MAX_RECORDS];
};

static long record(struct side *s, int line, long v)
{
	if (s->n < MAX_RECORDS) {
		s->v[s->n] = v;
		s->line[s->n] = line;
	}
	s->n++;
	return v;
}

/* In a scenario: the call or op ID, a record, a record that must be EXP. */
#define DO(ID, ...) \
	call(_metadata, s->via, SCRIPT_OP_##ID, (const __u64[5]) { __VA_ARGS__ })
#define REC(X)		record(s, __LINE__, (long)(X))
#define CHECK(EXP, X)	check(_metadata, s, __LINE__, (long)(EXP), (long)(X))

static void check(struct __test_metadata *_metadata, struct side *s, int line,
		  long want, long v)
{
	record(s, line, v);
	EXPECT_EQ(want, v) TH_LOG("line %d, via %s", line, via_name[s->via]);
}

typedef void (*scenario_fn)(struct __test_metadata *_metadata, struct side *s);

/* The lowest free descriptor: what open(2) would return next. */
static int next_fd(void)
{
	int fd = open("/dev/null", O_RDONLY);

	if (fd >= 0)
		close(fd);
	return fd;
}

/*
 * Runs @fn by system calls and by ops, each in a directory of its own
 * under @dir, from the same descriptor table, and compares the records.
 */
static void both_ways(struct __test_metadata *_metadata, const char *dir, scenario_fn fn)
{
	static struct side sides[2];
	int i, j, fd0;

	for (i = 0; i < 2; i++) {
		struct side *s = &sides[i];

		memset(s, 0, sizeof(*s));
		s->via = i;
		snprintf(s->path, sizeof(s->path), "%s/%s", dir, via_name[i]);
		ASSERT_EQ(0, mkdir(s->path, 0755));
		s->dfd = open(s->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		ASSERT_LE(0, s->dfd);
	}
	fd0 = next_fd();
	for (i = 0; i < 2; i++) {
		fn(_metadata, &sides[i]);
		EXPECT_EQ(fd0, next_fd())
			TH_LOG("the %s run left a descriptor open", via_name[i]);
	}
	ASSERT_GE(MAX_RECORDS, sides[0].n);
	ASSERT_EQ(sides[0].n, sides[1].n);
	for (j = 0; j < sides[0].n; j++)
		EXPECT_EQ(sides[0].v[j], sides[1].v[j])
			TH_LOG("record %d, line %d: system call %ld, op %ld", j,
			       sides[0].line[j], sides[0].v[j], sides[1].v[j]);
	for (i = 0; i < 2; i++)
		close(sides[i].dfd);
}

static void fill(void *buf, size_t len, unsigned int seed)
{
	unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (i * 31 + seed * 7 + i / 251) % 251;
}

/* FNV-1a: records stand for buffers by their hash. */
static long hash(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	__u64 h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return (long)h;
}

static long pos(int fd)
{
	return SYS(lseek(fd, 0, SEEK_CUR));
}

static long fsize(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? -errno : st.st_size;
}

static long fmode(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? -errno : st.st_mode;
}

static long getfl(int fd)
{
	return SYS(fcntl(fd, F_GETFL));
}

static long getfd(int fd)
{
	return SYS(fcntl(fd, F_GETFD));
}

static long sockopt(int fd, int level, int name)
{
	socklen_t len = sizeof(int);
	int v = -1;

	return getsockopt(fd, level, name, &v, &len) ? -errno : v;
}

/* The hash of the whole file at @name in @dfd, or -errno. */
static long file_hash(int dfd, const char *name)
{
	static char buf[1 << 20];
	long n;
	int fd;

	fd = openat(dfd, name, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	return n < 0 ? -errno : hash(buf, n);
}

static long long ns(const struct timespec *t)
{
	return t->tv_sec * 1000000000LL + t->tv_nsec;
}

static long long now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return ns(&t);
}

/* A new file @name in @dfd holding @len bytes of @data, opened with @flags. */
static int mkfile(struct __test_metadata *_metadata, int dfd, const char *name,
		  const void *data, size_t len, int flags)
{
	int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	ASSERT_LE(0, fd) TH_LOG("%s: %s", name, strerror(errno));
	ASSERT_EQ((ssize_t)len, write(fd, data, len));
	ASSERT_EQ(0, close(fd));
	fd = openat(dfd, name, flags);
	ASSERT_LE(0, fd) TH_LOG("%s: %s", name, strerror(errno));
	return fd;
}

static int rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	remove(path);
	return 0;
}

FIXTURE(ops) {
	char dir[32];
	int dfd;
};

FIXTURE_SETUP(ops)
{
	snprintf(self->dir, sizeof(self->dir), "/tmp/ops_test.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir)) TH_LOG("mkdtemp: %s", strerror(errno));
	self->dfd = open(self->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, self->dfd);
	umask(022);
	/*
	 * A send to a closed peer raises SIGPIPE, from a system call and
	 * from an op alike; ignored, it is discarded and only EPIPE is left.
	 */
	signal(SIGPIPE, SIG_IGN);
}

FIXTURE_TEARDOWN(ops)
{
	close(self->dfd);
	nftw(self->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Files */

static void read_scenario(struct __test_metadata *_metadata, struct side *s)
{
	char data[100], buf[128];
	int fd, wfd, p[2];

	fill(data, sizeof(data), 1);
	fd = mkfile(_metadata, s->dfd, "f", data, sizeof(data), O_RDWR);
	wfd = openat(s->dfd, "f", O_WRONLY);
	ASSERT_LE(0, wfd);
	ASSERT_EQ(0, pipe2(p, O_NONBLOCK));

	memset(buf, 0, sizeof(buf));
	CHECK(40, DO(READ, fd, U(buf), 40));
	EXPECT_EQ(0, memcmp(buf, data, 40));
	CHECK(40, pos(fd));
	/* Cut short by the end of the file, then the end of the file */
	CHECK(60, DO(READ, fd, U(buf), sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, data + 40, 60));
	CHECK(100, pos(fd));
	CHECK(0, DO(READ, fd, U(buf), sizeof(buf)));
	CHECK(0, lseek(fd, 0, SEEK_SET));
	CHECK(0, DO(READ, fd, U(buf), 0));
	/* A fault is the call's result, and the offset stays */
	CHECK(-EFAULT, DO(READ, fd, BAD, 10));
	CHECK(0, pos(fd));
	CHECK(-EBADF, DO(READ, -1, U(buf), 10));
	CHECK(-EBADF, DO(READ, BIG_FD, U(buf), 10));
	CHECK(-EBADF, DO(READ, wfd, U(buf), 10));
	CHECK(-EISDIR, DO(READ, s->dfd, U(buf), 10));
	/* A pipe: empty, then three bytes, then its end */
	CHECK(-EAGAIN, DO(READ, p[0], U(buf), 10));
	CHECK(3, write(p[1], "xyz", 3));
	CHECK(3, DO(READ, p[0], U(buf), 10));
	EXPECT_EQ(0, memcmp(buf, "xyz", 3));
	close(p[1]);
	CHECK(0, DO(READ, p[0], U(buf), 10));
	close(p[0]);
	close(wfd);
	close(fd);
}

TEST_F(ops, read)
{
	both_ways(_metadata, self->dir, read_scenario);
}

static void write_scenario(struct __test_metadata *_metadata, struct side *s)
{
	char data[100], more[100], want[140], junk[4096];
	int fd, afd, rfd, p[2];

	fill(data, sizeof(data), 2);
	fill(more, sizeof(more), 3);
	fd = mkfile(_metadata, s->dfd, "f", data, sizeof(data), O_RDWR);
	afd = openat(s->dfd, "f", O_WRONLY | O_APPEND);
	rfd = openat(s->dfd, "f", O_RDONLY);
	ASSERT_LE(0, afd);
	ASSERT_LE(0, rfd);

	/* Over the end of the file from its middle */
	CHECK(50, lseek(fd, 50, SEEK_SET));
	CHECK(80, DO(WRITE, fd, U(more), 80));
	CHECK(130, pos(fd));
	CHECK(130, fsize(fd));
	CHECK(0, DO(WRITE, fd, U(more), 0));
	CHECK(-EFAULT, DO(WRITE, fd, BAD, 10));
	CHECK(130, pos(fd));
	CHECK(130, fsize(fd));
	/* O_APPEND writes at the end, wherever the offset was */
	CHECK(10, DO(WRITE, afd, U(more), 10));
	CHECK(140, pos(afd));
	CHECK(140, fsize(fd));
	memcpy(want, data, 50);
	memcpy(want + 50, more, 80);
	memcpy(want + 130, more, 10);
	CHECK(hash(want, sizeof(want)), file_hash(s->dfd, "f"));
	CHECK(-EBADF, DO(WRITE, rfd, U(more), 10));
	CHECK(-EBADF, DO(WRITE, BIG_FD, U(more), 10));
	/* A full pipe, then one nobody reads */
	ASSERT_EQ(0, pipe2(p, O_NONBLOCK));
	memset(junk, 0, sizeof(junk));
	while (write(p[1], junk, sizeof(junk)) > 0)
		;
	CHECK(-EAGAIN, DO(WRITE, p[1], U(more), 10));
	close(p[0]);
	CHECK(-EPIPE, DO(WRITE, p[1], U(more), 10));
	close(p[1]);
	close(rfd);
	close(afd);
	close(fd);
}

TEST_F(ops, write)
{
	both_ways(_metadata, self->dir, write_scenario);
}

static void pread_pwrite_scenario(struct __test_metadata *_metadata, struct side *s)
{
	const __u64 far = (1ULL << 32) + 5;
	char data[100], more[20], buf[128], zero[100];
	int fd, afd, p[2];

	fill(data, sizeof(data), 4);
	fill(more, sizeof(more), 5);
	memset(zero, 0, sizeof(zero));
	fd = mkfile(_metadata, s->dfd, "f", data, sizeof(data), O_RDWR);
	afd = openat(s->dfd, "f", O_WRONLY | O_APPEND);
	ASSERT_LE(0, afd);
	ASSERT_EQ(0, pipe(p));

	CHECK(20, DO(PREAD64, fd, U(buf), 20, 50));
	EXPECT_EQ(0, memcmp(buf, data + 50, 20));
	CHECK(0, pos(fd));
	CHECK(5, DO(PREAD64, fd, U(buf), 20, 95));
	CHECK(0, DO(PREAD64, fd, U(buf), 20, 1ULL << 33));
	CHECK(-EINVAL, DO(PREAD64, fd, U(buf), 20, -1));
	CHECK(-EFAULT, DO(PREAD64, fd, BAD, 20, 0));
	CHECK(-ESPIPE, DO(PREAD64, p[0], U(buf), 1, 0));
	CHECK(-EBADF, DO(PREAD64, BIG_FD, U(buf), 1, 0));

	/* Past the end: a hole, then the bytes; the offset stays */
	CHECK(10, DO(PWRITE64, fd, U(more), 10, 200));
	CHECK(210, fsize(fd));
	CHECK(0, pos(fd));
	CHECK(100, pread(fd, buf, 100, 100) == 100 && !memcmp(buf, zero, 100) ? 100 : -1);
	CHECK(-EINVAL, DO(PWRITE64, fd, U(more), 10, -1));
	CHECK(-ESPIPE, DO(PWRITE64, p[1], U(more), 1, 0));
	CHECK(-EFAULT, DO(PWRITE64, fd, BAD, 10, 0));
	/* With O_APPEND, Linux writes at the end whatever the position */
	CHECK(3, DO(PWRITE64, afd, U(more), 3, 0));
	CHECK(213, fsize(fd));
	CHECK(0, pos(afd));
	CHECK(0, pread(fd, buf, 10, 0) == 10 ? memcmp(buf, data, 10) : -1);
	CHECK(0, pread(fd, buf, 3, 210) == 3 ? memcmp(buf, more, 3) : -1);
	/* A position above 4 GiB is not cut to 32 bits */
	CHECK(3, DO(PWRITE64, fd, U(more + 5), 3, far));
	CHECK(far + 3, fsize(fd));
	CHECK(0, pread(fd, buf, 3, far) == 3 ? memcmp(buf, more + 5, 3) : -1);
	CHECK(3, DO(PREAD64, fd, U(buf), 20, far));
	close(p[0]);
	close(p[1]);
	close(afd);
	close(fd);
}

TEST_F(ops, pread64_pwrite64)
{
	both_ways(_metadata, self->dir, pread_pwrite_scenario);
}

static void readv_writev_scenario(struct __test_metadata *_metadata, struct side *s)
{
	char data[100], more[40], a[64], want[116];
	struct iovec iov[3], bad[2], neg[1];
	int fd, rfd;

	fill(data, sizeof(data), 6);
	fill(more, sizeof(more), 7);
	fd = mkfile(_metadata, s->dfd, "f", data, sizeof(data), O_RDWR);
	rfd = openat(s->dfd, "f", O_RDONLY);
	ASSERT_LE(0, rfd);
	memset(a, 0, sizeof(a));
	iov[0] = (struct iovec){ a, 5 };
	iov[1] = (struct iovec){ a + 5, 0 };
	iov[2] = (struct iovec){ a + 10, 20 };
	bad[0] = (struct iovec){ a, 5 };
	bad[1] = (struct iovec){ (void *)BAD, 5 };
	neg[0] = (struct iovec){ a, (size_t)-1 };

	CHECK(25, DO(READV, fd, U(iov), 3));
	EXPECT_EQ(0, memcmp(a, data, 5));
	EXPECT_EQ(0, memcmp(a + 10, data + 5, 20));
	REC(hash(a, sizeof(a)));
	CHECK(25, pos(fd));
	CHECK(0, DO(READV, fd, U(iov), 0));
	CHECK(-EINVAL, DO(READV, fd, U(iov), -1));
	CHECK(-EINVAL, DO(READV, fd, U(iov), 1025));
	CHECK(-EINVAL, DO(READV, fd, U(neg), 1));
	CHECK(-EFAULT, DO(READV, fd, BAD, 1));
	CHECK(-EBADF, DO(READV, BIG_FD, U(iov), 3));
	CHECK(25, pos(fd));
	/* A fault in the second buffer after the first was filled */
	REC(DO(READV, fd, U(bad), 2));
	REC(pos(fd));

	/* Two pieces at the end of the file */
	iov[0] = (struct iovec){ more, 7 };
	iov[1] = (struct iovec){ more + 20, 9 };
	CHECK(100, lseek(fd, 0, SEEK_END));
	CHECK(16, DO(WRITEV, fd, U(iov), 2));
	CHECK(116, pos(fd));
	memcpy(want, data, 100);
	memcpy(want + 100, more, 7);
	memcpy(want + 107, more + 20, 9);
	CHECK(hash(want, sizeof(want)), file_hash(s->dfd, "f"));
	CHECK(-EINVAL, DO(WRITEV, fd, U(iov), 1025));
	CHECK(-EFAULT, DO(WRITEV, fd, BAD, 1));
	CHECK(-EBADF, DO(WRITEV, rfd, U(iov), 2));
	CHECK(116, fsize(fd));
	close(rfd);
	close(fd);
}

TEST_F(ops, readv_writev)
{
	both_ways(_metadata, self->dir, readv_writev_scenario);
}

static void openat_scenario(struct __test_metadata *_metadata, struct side *s)
{
	char data[100], path[128], longname[5000];
	int fd, gap, other, next, c, a, b, t, op;

	fill(data, sizeof(data), 8);
	close(mkfile(_metadata, s->dfd, "f", data, sizeof(data), O_RDONLY));
	snprintf(path, sizeof(path), "%s/f", s->path);
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;

	/* The lowest free descriptor, below one that is open */
	gap = open("/dev/null", O_RDONLY);
	other = open("/dev/null", O_RDONLY);
	ASSERT_LE(0, other);
	close(gap);
	fd = DO(OPENAT, s->dfd, U("f"), O_RDWR | O_CLOEXEC, 0);
	CHECK(gap, fd);
	REC(getfl(fd));		/* O_LARGEFILE included */
	CHECK(FD_CLOEXEC, getfd(fd));
	CHECK(100, fsize(fd));
	CHECK(0, pos(fd));

	next = next_fd();
	op = DO(OPENAT, s->dfd, U("f"), O_RDONLY | O_APPEND | O_NONBLOCK, 0);
	CHECK(next, op);
	REC(getfl(op));
	CHECK(0, getfd(op));
	close(op);
	op = DO(OPENAT, s->dfd, U("f"), O_PATH, 0);
	CHECK(next, op);
	REC(getfl(op));		/* O_PATH drops O_LARGEFILE */
	close(op);

	/* Creation: the mode less the umask */
	c = DO(OPENAT, s->dfd, U("c"), O_CREAT | O_EXCL | O_WRONLY, 0666);
	CHECK(next, c);
	CHECK(S_IFREG | 0644, fmode(c));
	REC(getfl(c));
	close(c);
	CHECK(-EEXIST, DO(OPENAT, s->dfd, U("c"), O_CREAT | O_EXCL | O_WRONLY, 0666));
	c = DO(OPENAT, s->dfd, U("c2"), O_CREAT | O_RDWR, 0604);
	CHECK(S_IFREG | 0604, fmode(c));
	close(c);

	CHECK(-ENOENT, DO(OPENAT, s->dfd, U("missing"), O_RDONLY, 0));
	CHECK(-ENOENT, DO(OPENAT, s->dfd, U("nodir/x"), O_CREAT | O_WRONLY, 0644));
	CHECK(-ENOTDIR, DO(OPENAT, fd, U("x"), O_RDONLY, 0));
	CHECK(-ENOTDIR, DO(OPENAT, s->dfd, U("f"), O_RDONLY | O_DIRECTORY, 0));
	CHECK(-EISDIR, DO(OPENAT, s->dfd, U("."), O_WRONLY, 0));
	CHECK(-EBADF, DO(OPENAT, BIG_FD, U("f"), O_RDONLY, 0));
	CHECK(-EBADF, DO(OPENAT, -1, U("f"), O_RDONLY, 0));
	CHECK(-EFAULT, DO(OPENAT, s->dfd, BAD, O_RDONLY, 0));
	CHECK(-ENAMETOOLONG, DO(OPENAT, s->dfd, U(longname), O_RDONLY, 0));
	CHECK(-ENOENT, DO(OPENAT, s->dfd, U(""), O_RDONLY, 0));

	/* An absolute path: AT_FDCWD, or any dirfd, even a closed one */
	a = DO(OPENAT, AT_FDCWD, U(path), O_RDONLY, 0);
	CHECK(next, a);
	CHECK(100, fsize(a));
	b = DO(OPENAT, BIG_FD, U(path), O_RDONLY, 0);
	REC(b);
	CHECK(1, b > a);
	close(b);
	close(a);

	/* O_TRUNC empties the file */
	t = DO(OPENAT, s->dfd, U("f"), O_WRONLY | O_TRUNC, 0);
	CHECK(next, t);
	CHECK(0, fsize(t));
	close(t);
	close(fd);
	close(other);
}

TEST_F(ops, openat)
{
	both_ways(_metadata, self->dir, openat_scenario);
}

static void openat2_scenario(struct __test_metadata *_metadata, struct side *s)
{
	struct open_how how = { .flags = O_RDONLY, .resolve = RESOLVE_BENEATH };
	static char page[8192];
	struct {
		struct open_how how;
		__u64 ext;
	} big = { how, 0 };
	struct open_how bad;
	char data[10];
	int fd, fd2, next;

	fill(data, sizeof(data), 9);
	close(mkfile(_metadata, s->dfd, "f", data, sizeof(data), O_RDONLY));
	ASSERT_EQ(0, symlinkat("/tmp", s->dfd, "up"));
	ASSERT_EQ(0, mkdirat(s->dfd, "d", 0755));
	memcpy(page, &how, sizeof(how));

	next = next_fd();
	fd = DO(OPENAT2, s->dfd, U("f"), U(&how), sizeof(how));
	CHECK(next, fd);
	next = next_fd();
	CHECK(O_RDONLY, getfl(fd) & O_ACCMODE);
	REC(getfl(fd));
	CHECK(0, getfd(fd));
	CHECK(10, fsize(fd));
	/* Inside the directory: fine, whatever the path's shape */
	fd2 = DO(OPENAT2, s->dfd, U("d/../f"), U(&how), sizeof(how));
	CHECK(next, fd2);
	close(fd2);
	/* Out of it: "..", an absolute path, a symlink out */
	CHECK(-EXDEV, DO(OPENAT2, s->dfd, U(".."), U(&how), sizeof(how)));
	CHECK(-EXDEV, DO(OPENAT2, s->dfd, U("d/../../f"), U(&how), sizeof(how)));
	CHECK(-EXDEV, DO(OPENAT2, s->dfd, U("/tmp"), U(&how), sizeof(how)));
	CHECK(-EXDEV, DO(OPENAT2, s->dfd, U("up"), U(&how), sizeof(how)));
	/* Sizes: too small, larger with a zero tail, a non-zero one, a page */
	CHECK(-EINVAL, DO(OPENAT2, s->dfd, U("f"), U(&how), 8));
	CHECK(-EINVAL, DO(OPENAT2, s->dfd, U("f"), U(&how), 0));
	fd2 = DO(OPENAT2, s->dfd, U("f"), U(&big), sizeof(big));
	CHECK(next, fd2);
	close(fd2);
	big.ext = 1;
	CHECK(-E2BIG, DO(OPENAT2, s->dfd, U("f"), U(&big), sizeof(big)));
	CHECK(-E2BIG, DO(OPENAT2, s->dfd, U("f"), U(page), sizeof(page)));
	/* Unknown bits, and a mode without O_CREAT */
	bad = how;
	bad.resolve |= 1ULL << 40;
	CHECK(-EINVAL, DO(OPENAT2, s->dfd, U("f"), U(&bad), sizeof(bad)));
	bad = how;
	bad.flags |= 1ULL << 40;
	CHECK(-EINVAL, DO(OPENAT2, s->dfd, U("f"), U(&bad), sizeof(bad)));
	bad = how;
	bad.mode = 0644;
	CHECK(-EINVAL, DO(OPENAT2, s->dfd, U("f"), U(&bad), sizeof(bad)));
	CHECK(-EFAULT, DO(OPENAT2, s->dfd, U("f"), BAD, sizeof(how)));
	CHECK(-ENOENT, DO(OPENAT2, s->dfd, U("missing"), U(&how), sizeof(how)));
	CHECK(-EBADF, DO(OPENAT2, BIG_FD, U("f"), U(&how), sizeof(how)));
	/* Creation through openat2 */
	bad = (struct open_how){ .flags = O_CREAT | O_WRONLY, .mode = 0640 };
	fd2 = DO(OPENAT2, s->dfd, U("new"), U(&bad), sizeof(bad));
	CHECK(next, fd2);
	CHECK(S_IFREG | 0640, fmode(fd2));
	REC(getfl(fd2));
	close(fd2);
	close(fd);
}

TEST_F(ops, openat2)
{
	both_ways(_metadata, self->dir, openat2_scenario);
}

static void close_scenario(struct __test_metadata *_metadata, struct side *s)
{
	int a, b;

	a = open("/dev/null", O_RDONLY);
	ASSERT_LE(0, a);
	CHECK(0, DO(CLOSE, a));
	CHECK(-EBADF, getfd(a));
	CHECK(-EBADF, DO(CLOSE, a));
	CHECK(-EBADF, DO(CLOSE, -1));
	CHECK(-EBADF, DO(CLOSE, BIG_FD));
	/* The number is free again */
	b = open("/dev/null", O_RDONLY);
	CHECK(a, b);
	close(b);
}

TEST_F(ops, close)
{
	both_ways(_metadata, self->dir, close_scenario);
}

/*
 * An int argument is the low 32 bits of its register, for an op as for
 * the system call, which the syscall wrappers truncate the same way.
 */
static void upper_bits_scenario(struct __test_metadata *_metadata, struct side *s)
{
	const __u64 high = 1ULL << 32;
	char buf[8];
	int fd;

	fd = open("/dev/zero", O_RDONLY);
	ASSERT_LE(0, fd);
	CHECK(8, DO(READ, high | fd, U(buf), sizeof(buf)));
	CHECK(0, DO(LSEEK, high | fd, 0, high | SEEK_SET));
	CHECK(0, DO(CLOSE, high | fd));
	CHECK(-EBADF, getfd(fd));
}

TEST_F(ops, int_args_ignore_upper_bits)
{
	both_ways(_metadata, self->dir, upper_bits_scenario);
}

static void lseek_scenario(struct __test_metadata *_metadata, struct side *s)
{
	static const struct {
		long long off;
		int whence;
		long ret;
	} cases[] = {
		{ 10, SEEK_SET, 10 },
		{ 5, SEEK_CUR, 15 },
		{ -3, SEEK_END, 97 },
		{ -200, SEEK_CUR, -EINVAL },
		{ 50, SEEK_END, 150 },
		{ 1LL << 40, SEEK_SET, 1LL << 40 },
		{ -1, SEEK_SET, -EINVAL },
		{ 0, 7, -EINVAL },
		{ 0, SEEK_DATA, 0 },
		{ 0, SEEK_HOLE, 100 },
		{ 200, SEEK_DATA, -ENXIO },
		{ 0, SEEK_CUR, 100 },
	};
	char data[100];
	unsigned int i;
	int fd, p[2];

	fill(data, sizeof(data), 10);
	fd = mkfile(_metadata, s->dfd, "f", data, sizeof(data), O_RDWR);
	ASSERT_EQ(0, pipe(p));
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		CHECK(cases[i].ret, DO(LSEEK, fd, cases[i].off, cases[i].whence));
		REC(pos(fd));
	}
	CHECK(-ESPIPE, DO(LSEEK, p[0], 0, SEEK_SET));
	CHECK(-EBADF, DO(LSEEK, BIG_FD, 0, SEEK_SET));
	close(p[0]);
	close(p[1]);
	close(fd);
}

TEST_F(ops, lseek)
{
	both_ways(_metadata, self->dir, lseek_scenario);
}

/* Room for struct stat or struct statx and some more. */
union stat_buf {
	struct stat st;
	struct statx stx;
	unsigned char raw[512];
};

/*
 * fstat and statx of the same file, by system call and by op, write the
 * same bytes, and no more.
 */
TEST_F(ops, fstat)
{
	union stat_buf a, b;
	int fds[4], p[2], i, fd;
	char data[100];

	fill(data, sizeof(data), 11);
	fd = mkfile(_metadata, self->dfd, "f", data, sizeof(data), O_RDWR);
	ASSERT_EQ(0, pipe(p));
	fds[0] = fd;
	fds[1] = p[0];
	fds[2] = socket(AF_UNIX, SOCK_STREAM, 0);
	fds[3] = self->dfd;
	ASSERT_LE(0, fds[2]);
	for (i = 0; i < 4; i++) {
		memset(&a, 0xa5, sizeof(a));
		memset(&b, 0xa5, sizeof(b));
		EXPECT_EQ(0, SYS(syscall(NR_FSTAT, fds[i], &a)));
		EXPECT_EQ(0, OP(FSTAT, fds[i], U(&b)));
		EXPECT_EQ(0, memcmp(&a, &b, sizeof(a))) TH_LOG("fd %d", i);
	}
	memset(&b, 0, sizeof(b));
	EXPECT_EQ(0, OP(FSTAT, fd, U(&b)));
	EXPECT_EQ(100, b.st.st_size);
	EXPECT_EQ(S_IFREG | 0644, b.st.st_mode);
	BOTH(-EBADF, FSTAT, BIG_FD, U(&a));
	BOTH(-EBADF, FSTAT, -1, U(&a));
	BOTH(-EFAULT, FSTAT, fd, BAD);
	close(fds[2]);
	close(p[0]);
	close(p[1]);
	close(fd);
}

TEST_F(ops, statx)
{
	const unsigned int mask = STATX_BASIC_STATS | STATX_BTIME;
	char data[100], path[64];
	union stat_buf a, b;
	unsigned int i;
	int fd, dfd;
	struct {
		int dfd;
		const char *path;
		int flags;
	} cases[] = {
		{ self->dfd, "f", 0 },
		{ self->dfd, "l", 0 },
		{ self->dfd, "l", AT_SYMLINK_NOFOLLOW },
		{ self->dfd, ".", 0 },
		{ AT_FDCWD, path, 0 },
		{ -1, "", AT_EMPTY_PATH },	/* the file's descriptor */
		{ -1, NULL, AT_EMPTY_PATH },
		{ self->dfd, "f", AT_STATX_DONT_SYNC },
	};

	fill(data, sizeof(data), 12);
	fd = mkfile(_metadata, self->dfd, "f", data, sizeof(data), O_RDWR);
	ASSERT_EQ(0, symlinkat("f", self->dfd, "l"));
	snprintf(path, sizeof(path), "%s/f", self->dir);
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		dfd = cases[i].dfd;
		if (dfd == -1)
			dfd = fd;
		memset(&a, 0xa5, sizeof(a));
		memset(&b, 0xa5, sizeof(b));
		EXPECT_EQ(0, SYS(syscall(SYS_statx, dfd, cases[i].path, cases[i].flags,
					 mask, &a)));
		EXPECT_EQ(0, OP(STATX, dfd, U(cases[i].path), cases[i].flags, mask, U(&b)));
		EXPECT_EQ(0, memcmp(&a, &b, sizeof(a))) TH_LOG("case %u", i);
		EXPECT_EQ(i == 2 ? S_IFLNK : i == 3 ? S_IFDIR : S_IFREG,
			  b.stx.stx_mode & S_IFMT) TH_LOG("case %u", i);
	}
	EXPECT_EQ(100, b.stx.stx_size);
	BOTH(-ENOENT, STATX, self->dfd, U("missing"), 0, mask, U(&a));
	BOTH(-ENOTDIR, STATX, fd, U("x"), 0, mask, U(&a));
	BOTH(-EBADF, STATX, BIG_FD, U("f"), 0, mask, U(&a));
	BOTH(-EINVAL, STATX, self->dfd, U("f"), 0, STATX__RESERVED, U(&a));
	BOTH(-EINVAL, STATX, self->dfd, U("f"), AT_STATX_SYNC_TYPE, mask, U(&a));
	BOTH(-EINVAL, STATX, self->dfd, U("f"), 0x40000000, mask, U(&a));
	BOTH(-EFAULT, STATX, self->dfd, BAD, 0, mask, U(&a));
	BOTH(-EFAULT, STATX, self->dfd, U("f"), 0, mask, BAD);
	close(fd);
}

static void sendfile_scenario(struct __test_metadata *_metadata, struct side *s)
{
	char data[1000], buf[1000];
	int fd, wfd, p[2], sv[2];
	__s64 off;

	fill(data, sizeof(data), 13);
	fd = mkfile(_metadata, s->dfd, "f", data, sizeof(data), O_RDONLY);
	wfd = openat(s->dfd, "f", O_WRONLY);
	ASSERT_LE(0, wfd);
	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));

	/* From an offset, which moves; the file's own offset does not */
	off = 10;
	CHECK(50, DO(SENDFILE, p[1], fd, U(&off), 50));
	CHECK(60, off);
	CHECK(0, pos(fd));
	CHECK(50, read(p[0], buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, data + 10, 50));
	/* From the file's offset */
	CHECK(100, lseek(fd, 100, SEEK_SET));
	CHECK(30, DO(SENDFILE, p[1], fd, 0, 30));
	CHECK(130, pos(fd));
	CHECK(30, read(p[0], buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, data + 100, 30));
	/* Up to the end of the file, then nothing */
	off = 990;
	CHECK(10, DO(SENDFILE, p[1], fd, U(&off), 50));
	CHECK(1000, off);
	CHECK(0, DO(SENDFILE, p[1], fd, U(&off), 50));
	CHECK(1000, off);
	CHECK(10, read(p[0], buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, data + 990, 10));
	/* To a socket */
	off = 0;
	CHECK(sizeof(data), DO(SENDFILE, sv[0], fd, U(&off), sizeof(data)));
	CHECK(sizeof(data), off);
	CHECK(sizeof(data), recv(sv[1], buf, sizeof(buf), MSG_WAITALL));
	EXPECT_EQ(0, memcmp(buf, data, sizeof(data)));

	CHECK(0, DO(SENDFILE, p[1], fd, 0, 0));
	CHECK(-EBADF, DO(SENDFILE, p[1], wfd, 0, 10));
	CHECK(-EBADF, DO(SENDFILE, p[0], fd, 0, 10));
	CHECK(-EBADF, DO(SENDFILE, p[1], BIG_FD, 0, 10));
	CHECK(-EBADF, DO(SENDFILE, BIG_FD, fd, 0, 10));
	off = -1;
	CHECK(-EINVAL, DO(SENDFILE, p[1], fd, U(&off), 10));
	CHECK(-EFAULT, DO(SENDFILE, p[1], fd, BAD, 10));
	CHECK(130, pos(fd));
	close(sv[0]);
	close(sv[1]);
	close(p[0]);
	close(p[1]);
	close(wfd);
	close(fd);
}

TEST_F(ops, sendfile)
{
	both_ways(_metadata, self->dir, sendfile_scenario);
}

static void splice_scenario(struct __test_metadata *_metadata, struct side *s)
{
	char data[1000], more[30], buf[100];
	__u64 tail[2] = { 40, 0 };
	int fd, fd2, p[2];
	__s64 off;

	fill(data, sizeof(data), 14);
	fill(more, sizeof(more), 15);
	fd = mkfile(_metadata, s->dfd, "f", data, sizeof(data), O_RDWR);
	fd2 = openat(s->dfd, "f", O_RDWR);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, pipe(p));

	/* File to pipe, from an offset and from the file's offset */
	off = 5;
	CHECK(40, DO(SPLICE, fd, U(&off), p[1], 0, U(tail)));
	CHECK(45, off);
	CHECK(0, pos(fd));
	CHECK(40, read(p[0], buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, data + 5, 40));
	CHECK(100, lseek(fd, 100, SEEK_SET));
	CHECK(40, DO(SPLICE, fd, 0, p[1], 0, U(tail)));
	CHECK(140, pos(fd));
	CHECK(40, read(p[0], buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, data + 100, 40));

	/* Pipe to file, at an offset and at the file's offset */
	tail[0] = sizeof(more);
	CHECK(30, write(p[1], more, sizeof(more)));
	off = 500;
	CHECK(30, DO(SPLICE, p[0], 0, fd, U(&off), U(tail)));
	CHECK(530, off);
	CHECK(0, pread(fd, buf, 30, 500) == 30 ? memcmp(buf, more, 30) : -1);
	CHECK(1000, lseek(fd, 0, SEEK_END));
	CHECK(30, write(p[1], more, sizeof(more)));
	CHECK(30, DO(SPLICE, p[0], 0, fd, 0, U(tail)));
	CHECK(1030, pos(fd));
	CHECK(1030, fsize(fd));

	/* Errors */
	tail[0] = 10;
	CHECK(-ESPIPE, DO(SPLICE, p[0], U(&off), fd, 0, U(tail)));
	CHECK(-ESPIPE, DO(SPLICE, fd, 0, p[1], U(&off), U(tail)));
	CHECK(-EINVAL, DO(SPLICE, fd, 0, fd2, 0, U(tail)));
	CHECK(-EINVAL, DO(SPLICE, p[0], 0, p[1], 0, U(tail)));
	CHECK(-EBADF, DO(SPLICE, BIG_FD, 0, p[1], 0, U(tail)));
	CHECK(-EBADF, DO(SPLICE, p[1], 0, fd, 0, U(tail)));
	CHECK(-EFAULT, DO(SPLICE, fd, BAD, p[1], 0, U(tail)));
	tail[1] = 0x100;
	CHECK(-EINVAL, DO(SPLICE, fd, 0, p[1], 0, U(tail)));
	tail[1] = SPLICE_F_NONBLOCK;
	CHECK(-EAGAIN, DO(SPLICE, p[0], 0, fd, 0, U(tail)));
	tail[0] = 0;
	CHECK(0, DO(SPLICE, fd, 0, p[1], 0, U(tail)));
	CHECK(1030, pos(fd));
	CHECK(1030, fsize(fd));
	close(p[0]);
	close(p[1]);
	close(fd2);
	close(fd);
}

TEST_F(ops, splice)
{
	both_ways(_metadata, self->dir, splice_scenario);
}

static void copy_file_range_scenario(struct __test_metadata *_metadata, struct side *s)
{
	char data[1000], head[100], want[450];
	__u64 tail[2] = { 300, 0 };
	int src, dst, ro, app, p[2];
	__s64 in, out;

	fill(data, sizeof(data), 16);
	fill(head, sizeof(head), 17);
	src = mkfile(_metadata, s->dfd, "src", data, sizeof(data), O_RDWR);
	dst = mkfile(_metadata, s->dfd, "dst", head, sizeof(head), O_RDWR);
	ro = openat(s->dfd, "dst", O_RDONLY);
	app = openat(s->dfd, "dst", O_WRONLY | O_APPEND);
	ASSERT_LE(0, ro);
	ASSERT_LE(0, app);
	ASSERT_EQ(0, pipe(p));

	/* With offsets, which move; the files' own do not */
	in = 10;
	out = 50;
	CHECK(300, DO(COPY_FILE_RANGE, src, U(&in), dst, U(&out), U(tail)));
	CHECK(310, in);
	CHECK(350, out);
	CHECK(0, pos(src));
	CHECK(0, pos(dst));
	CHECK(350, fsize(dst));
	/* At the files' offsets, cut short by the end of the source */
	CHECK(900, lseek(src, 900, SEEK_SET));
	CHECK(350, lseek(dst, 0, SEEK_END));
	CHECK(100, DO(COPY_FILE_RANGE, src, 0, dst, 0, U(tail)));
	CHECK(1000, pos(src));
	CHECK(450, pos(dst));
	CHECK(0, DO(COPY_FILE_RANGE, src, 0, dst, 0, U(tail)));
	memcpy(want, head, 50);
	memcpy(want + 50, data + 10, 300);
	memcpy(want + 350, data + 900, 100);
	CHECK(hash(want, sizeof(want)), file_hash(s->dfd, "dst"));

	/* Errors */
	in = 0;
	out = 10;
	CHECK(-EINVAL, DO(COPY_FILE_RANGE, src, U(&in), src, U(&out), U(tail)));
	CHECK(-EBADF, DO(COPY_FILE_RANGE, src, 0, ro, 0, U(tail)));
	CHECK(-EBADF, DO(COPY_FILE_RANGE, src, 0, app, 0, U(tail)));
	CHECK(-EBADF, DO(COPY_FILE_RANGE, BIG_FD, 0, dst, 0, U(tail)));
	CHECK(-EINVAL, DO(COPY_FILE_RANGE, src, 0, p[1], 0, U(tail)));
	CHECK(-EISDIR, DO(COPY_FILE_RANGE, src, 0, s->dfd, 0, U(tail)));
	CHECK(-EFAULT, DO(COPY_FILE_RANGE, src, BAD, dst, 0, U(tail)));
	tail[1] = 1;
	CHECK(-EINVAL, DO(COPY_FILE_RANGE, src, U(&in), dst, U(&out), U(tail)));
	tail[0] = 0;
	tail[1] = 0;
	CHECK(0, DO(COPY_FILE_RANGE, src, U(&in), dst, U(&out), U(tail)));
	CHECK(0, in);
	CHECK(10, out);
	CHECK(450, fsize(dst));
	close(p[0]);
	close(p[1]);
	close(app);
	close(ro);
	close(dst);
	close(src);
}

TEST_F(ops, copy_file_range)
{
	both_ways(_metadata, self->dir, copy_file_range_scenario);
}

/* Descriptors and errnos with privileges dropped, or the table full */

TEST_F(ops, openat_eacces)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct open_how how = { .flags = O_RDONLY };
	struct statx stx;
	int fd, l, status;
	pid_t pid;

	if (geteuid())
		SKIP(return, "needs root");
	close(mkfile(_metadata, self->dfd, "secret", "s", 1, O_RDONLY));
	close(mkfile(_metadata, self->dfd, "public", "p", 1, O_RDONLY));
	ASSERT_EQ(0, fchmodat(self->dfd, "secret", 0600, 0));
	ASSERT_EQ(0, mkdirat(self->dfd, "locked", 0700));
	close(mkfile(_metadata, self->dfd, "locked/f", "f", 1, O_RDONLY));
	ASSERT_EQ(0, fchmod(self->dfd, 0755));
	/* A socket only its owner may connect to */
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/sock", self->dir);
	l = socket(AF_UNIX, SOCK_STREAM, 0);
	ASSERT_EQ(0, bind(l, (struct sockaddr *)&sun, sizeof(sun)));
	ASSERT_EQ(0, listen(l, 4));
	ASSERT_EQ(0, chmod(sun.sun_path, 0600));

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		ASSERT_EQ(0, setgroups(0, NULL));
		ASSERT_EQ(0, setresgid(65534, 65534, 65534));
		ASSERT_EQ(0, setresuid(65534, 65534, 65534));
		BOTH(-EACCES, OPENAT, self->dfd, U("secret"), O_RDONLY, 0);
		BOTH(-EACCES, OPENAT, self->dfd, U("secret"), O_WRONLY, 0);
		BOTH(-EACCES, OPENAT, self->dfd, U("new"), O_CREAT | O_WRONLY, 0644);
		BOTH(-EACCES, OPENAT, self->dfd, U("locked/f"), O_RDONLY, 0);
		BOTH(-EACCES, OPENAT2, self->dfd, U("secret"), U(&how), sizeof(how));
		BOTH(-EACCES, STATX, self->dfd, U("locked/f"), 0, STATX_BASIC_STATS, U(&stx));
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		BOTH(-EACCES, CONNECT, fd, U(&sun), sizeof(sun));
		close(fd);
		fd = socket(AF_INET, SOCK_STREAM, 0);
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sin.sin_port = htons(80);
		BOTH(-EACCES, BIND, fd, U(&sin), sizeof(sin));
		close(fd);
		/* What it may open, it opens */
		fd = OP(OPENAT, self->dfd, U("public"), O_RDONLY, 0);
		EXPECT_LE(0, fd);
		close(fd);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(-ENOENT, SYS(faccessat(self->dfd, "new", F_OK, 0)));
	close(l);
}

TEST_F(ops, emfile)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct open_how how = { .flags = O_RDONLY };
	int l, c, fd, last, status;
	struct rlimit rl;
	pid_t pid;

	close(mkfile(_metadata, self->dfd, "f", "f", 1, O_RDONLY));
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/sock", self->dir);
	l = socket(AF_UNIX, SOCK_STREAM, 0);
	ASSERT_EQ(0, bind(l, (struct sockaddr *)&sun, sizeof(sun)));
	ASSERT_EQ(0, listen(l, 4));
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	ASSERT_EQ(0, connect(c, (struct sockaddr *)&sun, sizeof(sun)));

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		rl.rlim_cur = 64;
		rl.rlim_max = 64;
		ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));
		last = -1;
		while ((fd = open("/dev/null", O_RDONLY)) >= 0)
			last = fd;
		ASSERT_EQ(EMFILE, errno);
		ASSERT_LE(0, last);
		BOTH(-EMFILE, OPENAT, self->dfd, U("f"), O_RDONLY, 0);
		BOTH(-EMFILE, OPENAT2, self->dfd, U("f"), U(&how), sizeof(how));
		BOTH(-EMFILE, SOCKET, AF_UNIX, SOCK_STREAM, 0);
		BOTH(-EMFILE, EPOLL_CREATE1, 0);
		/* The pending connection stays for the next accept */
		BOTH(-EMFILE, ACCEPT4, l, 0, 0, 0);
		/* One free slot, and every op takes that one */
		close(last);
		fd = OP(ACCEPT4, l, 0, 0, 0);
		EXPECT_EQ(last, fd);
		close(fd);
		fd = OP(OPENAT, self->dfd, U("f"), O_RDONLY, 0);
		EXPECT_EQ(last, fd);
		close(fd);
		fd = OP(SOCKET, AF_INET, SOCK_DGRAM, 0);
		EXPECT_EQ(last, fd);
		close(fd);
		fd = OP(EPOLL_CREATE1, 0);
		EXPECT_EQ(last, fd);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	close(c);
	close(l);
}

/* Every op that takes a descriptor: EBADF for -1 and for one not open. */
TEST_F(ops, ebadf)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct epoll_event ev = { .events = EPOLLIN };
	char buf[16];
	struct iovec iov = { buf, sizeof(buf) };
	__u64 len_flags[2] = { 10, 0 };
	__u64 no_addr[2] = { 0, 0 };
	socklen_t sl = sizeof(int);
	static const int bad_fds[] = { -1, BIG_FD };
	struct statx stx;
	struct stat st;
	int ep, p[2], fd, i, v;

	fd = mkfile(_metadata, self->dfd, "f", "0123456789", 10, O_RDWR);
	ASSERT_EQ(0, pipe(p));
	ep = epoll_create1(0);
	ASSERT_LE(0, ep);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (i = 0; i < 2; i++) {
		int b = bad_fds[i];

		BOTH(-EBADF, READ, b, U(buf), sizeof(buf));
		BOTH(-EBADF, WRITE, b, U(buf), sizeof(buf));
		BOTH(-EBADF, PREAD64, b, U(buf), sizeof(buf), 0);
		BOTH(-EBADF, PWRITE64, b, U(buf), sizeof(buf), 0);
		BOTH(-EBADF, READV, b, U(&iov), 1);
		BOTH(-EBADF, WRITEV, b, U(&iov), 1);
		BOTH(-EBADF, OPENAT, b, U("f"), O_RDONLY, 0);
		BOTH(-EBADF, CLOSE, b);
		BOTH(-EBADF, LSEEK, b, 0, SEEK_SET);
		BOTH(-EBADF, FSTAT, b, U(&st));
		BOTH(-EBADF, STATX, b, U("f"), 0, STATX_BASIC_STATS, U(&stx));
		BOTH(-EBADF, SENDFILE, p[1], b, 0, 10);
		BOTH(-EBADF, SENDFILE, b, fd, 0, 10);
		BOTH(-EBADF, SPLICE, b, 0, p[1], 0, U(len_flags));
		BOTH(-EBADF, SPLICE, fd, 0, b, 0, U(len_flags));
		BOTH(-EBADF, COPY_FILE_RANGE, b, 0, fd, 0, U(len_flags));
		BOTH(-EBADF, COPY_FILE_RANGE, fd, 0, b, 0, U(len_flags));
		BOTH(-EBADF, BIND, b, U(&sin), sizeof(sin));
		BOTH(-EBADF, LISTEN, b, 1);
		BOTH(-EBADF, ACCEPT4, b, 0, 0, 0);
		BOTH(-EBADF, CONNECT, b, U(&sin), sizeof(sin));
		BOTH(-EBADF, SENDTO, b, U(buf), 1, 0, U(no_addr));
		BOTH(-EBADF, RECVFROM, b, U(buf), 1, 0, U(no_addr));
		BOTH(-EBADF, SEND, b, U(buf), 1, 0);
		BOTH(-EBADF, RECV, b, U(buf), 1, 0);
		BOTH(-EBADF, SHUTDOWN, b, SHUT_RDWR);
		v = 1;
		BOTH(-EBADF, SETSOCKOPT, b, SOL_SOCKET, SO_RCVBUF, U(&v), sizeof(v));
		BOTH(-EBADF, GETSOCKOPT, b, SOL_SOCKET, SO_RCVBUF, U(&v), U(&sl));
		BOTH(-EBADF, EPOLL_CTL, b, EPOLL_CTL_ADD, p[0], U(&ev));
		BOTH(-EBADF, EPOLL_CTL, ep, EPOLL_CTL_ADD, b, U(&ev));
		BOTH(-EBADF, EPOLL_WAIT, b, U(&ev), 1, 0);
	}
	close(ep);
	close(p[0]);
	close(p[1]);
	close(fd);
}

/* A bad buffer is the op's result, as the system call's: never a stop. */
TEST_F(ops, efault)
{
	struct timespec ts;
	int fd, sock;
	int v = 4096;

	fd = mkfile(_metadata, self->dfd, "f", "0123456789", 10, O_RDWR);
	sock = socket(AF_UNIX, SOCK_STREAM, 0);
	ASSERT_LE(0, sock);
	BOTH(-EFAULT, READ, fd, BAD, 10);
	EXPECT_EQ(0, pos(fd));
	BOTH(-EFAULT, READ, fd, -4096ULL, 10);
	BOTH(-EFAULT, WRITE, fd, BAD, 10);
	EXPECT_EQ(10, fsize(fd));
	BOTH(-EFAULT, OPENAT, self->dfd, BAD, O_RDONLY, 0);
	BOTH(-EFAULT, FSTAT, fd, BAD);
	BOTH(-EFAULT, CLOCK_GETTIME, CLOCK_MONOTONIC, BAD);
	BOTH(-EFAULT, NANOSLEEP, BAD, 0);
	BOTH(-EFAULT, POLL, BAD, 1, 0);
	BOTH(-EFAULT, SETSOCKOPT, sock, SOL_SOCKET, SO_RCVBUF, BAD, sizeof(v));
	BOTH(-EFAULT, READV, fd, BAD, 1);
	/* And a read into a good buffer still works after them */
	EXPECT_EQ(10, OP(READ, fd, U(&ts), 10));
	close(sock);
	close(fd);
}

/* Sockets */

static void socket_scenario(struct __test_metadata *_metadata, struct side *s)
{
	int gap, other, fd;

	gap = open("/dev/null", O_RDONLY);
	other = open("/dev/null", O_RDONLY);
	ASSERT_LE(0, other);
	close(gap);
	fd = DO(SOCKET, AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	CHECK(gap, fd);
	CHECK(O_RDWR | O_NONBLOCK, getfl(fd));
	CHECK(FD_CLOEXEC, getfd(fd));
	CHECK(S_IFSOCK, fmode(fd) & S_IFMT);
	CHECK(SOCK_STREAM, sockopt(fd, SOL_SOCKET, SO_TYPE));
	CHECK(AF_UNIX, sockopt(fd, SOL_SOCKET, SO_DOMAIN));
	close(fd);
	fd = DO(SOCKET, AF_INET, SOCK_DGRAM, 0);
	CHECK(gap, fd);
	CHECK(O_RDWR, getfl(fd));
	CHECK(0, getfd(fd));
	CHECK(SOCK_DGRAM, sockopt(fd, SOL_SOCKET, SO_TYPE));
	CHECK(IPPROTO_UDP, sockopt(fd, SOL_SOCKET, SO_PROTOCOL));
	close(fd);
	fd = DO(SOCKET, AF_INET, SOCK_STREAM, IPPROTO_TCP);
	CHECK(gap, fd);
	CHECK(IPPROTO_TCP, sockopt(fd, SOL_SOCKET, SO_PROTOCOL));
	close(fd);
	CHECK(-EAFNOSUPPORT, DO(SOCKET, 1000, SOCK_STREAM, 0));
	CHECK(-EINVAL, DO(SOCKET, AF_UNIX, SOCK_STREAM | 0x100, 0));
	CHECK(-EINVAL, DO(SOCKET, AF_UNIX, 11, 0));
	CHECK(-EPROTONOSUPPORT, DO(SOCKET, AF_UNIX, SOCK_STREAM, 2));
	CHECK(-EPROTONOSUPPORT, DO(SOCKET, AF_INET, SOCK_STREAM, IPPROTO_UDP));
	close(other);
}

TEST_F(ops, socket)
{
	both_ways(_metadata, self->dir, socket_scenario);
}

static long path_mode(const char *path)
{
	struct stat st;

	return stat(path, &st) ? -errno : st.st_mode;
}

static socklen_t sun_len(const struct sockaddr_un *sun)
{
	return offsetof(struct sockaddr_un, sun_path) + strlen(sun->sun_path) + 1;
}

static void unix_stream_scenario(struct __test_metadata *_metadata, struct side *s)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX }, other_addr, missing, peer;
	socklen_t len, plen;
	int l, x, c1, c2, a, a2, p[2];
	char buf[16];

	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/sock", s->path);
	other_addr = addr;
	missing = addr;
	snprintf(other_addr.sun_path, sizeof(other_addr.sun_path), "%s/sock2", s->path);
	snprintf(missing.sun_path, sizeof(missing.sun_path), "%s/nothing", s->path);
	len = sun_len(&addr);
	ASSERT_EQ(0, pipe(p));

	l = DO(SOCKET, AF_UNIX, SOCK_STREAM, 0);
	REC(l);
	CHECK(-EINVAL, DO(LISTEN, l, 4));	/* not bound */
	CHECK(-EINVAL, DO(BIND, l, U(&addr), 1));
	CHECK(-EINVAL, DO(BIND, l, U(&addr), sizeof(struct sockaddr_storage) + 1));
	CHECK(-EFAULT, DO(BIND, l, BAD, len));
	CHECK(0, DO(BIND, l, U(&addr), len));
	CHECK(S_IFSOCK | 0755, path_mode(addr.sun_path));
	CHECK(-EADDRINUSE, DO(BIND, l, U(&addr), len));
	CHECK(-EINVAL, DO(BIND, l, U(&other_addr), sun_len(&other_addr)));
	CHECK(-ENOENT, access(other_addr.sun_path, F_OK) ? -errno : 0);
	x = DO(SOCKET, AF_UNIX, SOCK_STREAM, 0);
	CHECK(-EADDRINUSE, DO(BIND, x, U(&addr), len));
	c1 = DO(SOCKET, AF_UNIX, SOCK_STREAM, 0);
	CHECK(-ECONNREFUSED, DO(CONNECT, c1, U(&addr), len));	/* not listening */
	CHECK(0, DO(LISTEN, l, 4));
	CHECK(0, DO(LISTEN, l, 8));
	CHECK(-ENOENT, DO(CONNECT, c1, U(&missing), sun_len(&missing)));
	CHECK(-EINVAL, DO(CONNECT, c1, U(&addr), 2));
	CHECK(0, DO(CONNECT, c1, U(&addr), len));
	CHECK(-EISCONN, DO(CONNECT, c1, U(&addr), len));
	c2 = DO(SOCKET, AF_UNIX, SOCK_STREAM, 0);
	CHECK(0, DO(CONNECT, c2, U(&addr), len));

	/* accept4 takes the lowest free descriptor, with its flags */
	close(x);
	plen = sizeof(peer);
	memset(&peer, 0x5a, sizeof(peer));
	a = DO(ACCEPT4, l, U(&peer), U(&plen), SOCK_CLOEXEC | SOCK_NONBLOCK);
	CHECK(x, a);
	CHECK(offsetof(struct sockaddr_un, sun_path), plen);	/* c1 is unnamed */
	CHECK(AF_UNIX, peer.sun_family);
	CHECK(O_RDWR | O_NONBLOCK, getfl(a));
	CHECK(FD_CLOEXEC, getfd(a));
	a2 = DO(ACCEPT4, l, 0, 0, 0);
	REC(a2);
	CHECK(O_RDWR, getfl(a2));
	CHECK(0, getfd(a2));
	/* The accepted ends are c1's and c2's peers */
	CHECK(5, DO(SEND, c1, U("hello"), 5, 0));
	CHECK(5, DO(RECV, a, U(buf), sizeof(buf), 0));
	EXPECT_EQ(0, memcmp(buf, "hello", 5));
	CHECK(3, DO(SEND, a2, U("bye"), 3, 0));
	CHECK(3, DO(RECV, c2, U(buf), sizeof(buf), 0));
	EXPECT_EQ(0, memcmp(buf, "bye", 3));

	CHECK(0, fcntl(l, F_SETFL, O_NONBLOCK));
	CHECK(-EAGAIN, DO(ACCEPT4, l, 0, 0, 0));
	CHECK(-EINVAL, DO(ACCEPT4, l, 0, 0, 1));
	CHECK(-EINVAL, DO(ACCEPT4, c1, 0, 0, 0));	/* not listening */
	plen = sizeof(peer);
	CHECK(-ENOTSOCK, DO(BIND, p[0], U(&addr), len));
	CHECK(-ENOTSOCK, DO(LISTEN, p[0], 1));
	CHECK(-ENOTSOCK, DO(ACCEPT4, p[0], U(&peer), U(&plen), 0));
	CHECK(-ENOTSOCK, DO(CONNECT, p[0], U(&addr), len));
	unlink(addr.sun_path);
	close(a2);
	close(a);
	close(c2);
	close(c1);
	close(l);
	close(p[0]);
	close(p[1]);
}

TEST_F(ops, unix_stream)
{
	both_ways(_metadata, self->dir, unix_stream_scenario);
}

static struct sockaddr_in loopback(uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return sin;
}

static struct sockaddr_in name_of(int fd)
{
	struct sockaddr_in sin = { };
	socklen_t len = sizeof(sin);

	getsockname(fd, (struct sockaddr *)&sin, &len);
	return sin;
}

static void tcp_scenario(struct __test_metadata *_metadata, struct side *s)
{
	struct sockaddr_in addr = loopback(0), bound, peer, cn, bad;
	socklen_t plen;
	int l, x, y, c, a;
	char buf[16];

	l = DO(SOCKET, AF_INET, SOCK_STREAM, 0);
	REC(l);
	CHECK(-EINVAL, DO(BIND, l, U(&addr), 4));
	bad = addr;
	bad.sin_family = AF_UNIX;
	CHECK(-EAFNOSUPPORT, DO(BIND, l, U(&bad), sizeof(bad)));
	bad = addr;
	bad.sin_addr.s_addr = htonl(0x0affff01);	/* 10.255.255.1, not ours */
	CHECK(-EADDRNOTAVAIL, DO(BIND, l, U(&bad), sizeof(bad)));
	CHECK(0, DO(BIND, l, U(&addr), sizeof(addr)));
	bound = name_of(l);
	CHECK(1, bound.sin_port != 0);
	CHECK(INADDR_LOOPBACK, ntohl(bound.sin_addr.s_addr));
	CHECK(-EINVAL, DO(BIND, l, U(&addr), sizeof(addr)));	/* bound already */
	x = DO(SOCKET, AF_INET, SOCK_STREAM, 0);
	CHECK(-EADDRINUSE, DO(BIND, x, U(&bound), sizeof(bound)));
	CHECK(-ECONNREFUSED, DO(CONNECT, x, U(&bound), sizeof(bound)));	/* not listening */
	CHECK(0, DO(LISTEN, l, 4));
	c = DO(SOCKET, AF_INET, SOCK_STREAM, 0);
	CHECK(-EINVAL, DO(CONNECT, c, U(&bound), 4));
	CHECK(0, DO(CONNECT, c, U(&bound), sizeof(bound)));
	CHECK(-EISCONN, DO(CONNECT, c, U(&bound), sizeof(bound)));
	cn = name_of(c);

	close(x);
	plen = sizeof(peer);
	memset(&peer, 0x5a, sizeof(peer));
	a = DO(ACCEPT4, l, U(&peer), U(&plen), SOCK_CLOEXEC);
	CHECK(x, a);
	CHECK(sizeof(peer), plen);
	CHECK(AF_INET, peer.sin_family);
	CHECK(1, peer.sin_port == cn.sin_port && peer.sin_addr.s_addr == cn.sin_addr.s_addr);
	CHECK(O_RDWR, getfl(a));
	CHECK(FD_CLOEXEC, getfd(a));
	CHECK(4, DO(SEND, c, U("ping"), 4, 0));
	CHECK(4, DO(RECV, a, U(buf), 4, MSG_WAITALL));
	EXPECT_EQ(0, memcmp(buf, "ping", 4));
	CHECK(4, DO(SEND, a, U("pong"), 4, 0));
	CHECK(4, DO(RECV, c, U(buf), 4, MSG_WAITALL));
	EXPECT_EQ(0, memcmp(buf, "pong", 4));
	CHECK(-EINVAL, DO(ACCEPT4, c, 0, 0, 0));	/* not listening */
	y = DO(SOCKET, AF_INET, SOCK_STREAM, 0);
	CHECK(-ENOTCONN, DO(SHUTDOWN, y, SHUT_RDWR));
	close(y);
	close(a);
	close(c);
	close(l);
}

TEST_F(ops, tcp_loopback)
{
	both_ways(_metadata, self->dir, tcp_scenario);
}

static void udp_scenario(struct __test_metadata *_metadata, struct side *s)
{
	struct sockaddr_in any = loopback(0), a1, a2, from;
	__u64 to[2], fr[2], none[2] = { 0, 0 };
	socklen_t flen;
	char buf[64];
	int u1, u2;

	u1 = DO(SOCKET, AF_INET, SOCK_DGRAM, 0);
	u2 = DO(SOCKET, AF_INET, SOCK_DGRAM, 0);
	REC(u1);
	REC(u2);
	CHECK(0, DO(BIND, u1, U(&any), sizeof(any)));
	CHECK(0, DO(BIND, u2, U(&any), sizeof(any)));
	a1 = name_of(u1);
	a2 = name_of(u2);
	to[0] = U(&a2);
	to[1] = sizeof(a2);
	fr[0] = U(&from);
	fr[1] = U(&flen);

	CHECK(5, DO(SENDTO, u1, U("hello"), 5, 0, U(to)));
	flen = sizeof(from);
	memset(&from, 0x5a, sizeof(from));
	CHECK(5, DO(RECVFROM, u2, U(buf), sizeof(buf), 0, U(fr)));
	EXPECT_EQ(0, memcmp(buf, "hello", 5));
	CHECK(sizeof(from), flen);
	CHECK(AF_INET, from.sin_family);
	CHECK(1, from.sin_port == a1.sin_port && from.sin_addr.s_addr == a1.sin_addr.s_addr);
	/* A short buffer: MSG_TRUNC gives the datagram's length */
	CHECK(10, DO(SENDTO, u1, U("0123456789"), 10, 0, U(to)));
	CHECK(4, DO(RECVFROM, u2, U(buf), 4, MSG_PEEK, U(none)));
	CHECK(10, DO(RECVFROM, u2, U(buf), 4, MSG_TRUNC, U(none)));
	EXPECT_EQ(0, memcmp(buf, "0123", 4));
	/* Empty, with MSG_DONTWAIT */
	CHECK(-EAGAIN, DO(RECVFROM, u2, U(buf), sizeof(buf), MSG_DONTWAIT, U(fr)));
	CHECK(-EAGAIN, DO(RECV, u2, U(buf), sizeof(buf), MSG_DONTWAIT));
	/* Address errors */
	CHECK(-EDESTADDRREQ, DO(SENDTO, u1, U(buf), 1, 0, U(none)));
	CHECK(-EDESTADDRREQ, DO(SEND, u1, U(buf), 1, 0));
	to[1] = 3;
	CHECK(-EINVAL, DO(SENDTO, u1, U(buf), 1, 0, U(to)));
	to[1] = sizeof(struct sockaddr_storage) + 1;
	CHECK(-EINVAL, DO(SENDTO, u1, U(buf), 1, 0, U(to)));
	to[1] = sizeof(a2);
	to[0] = BAD;
	CHECK(-EFAULT, DO(SENDTO, u1, U(buf), 1, 0, U(to)));
	to[0] = U(&a2);
	CHECK(-EFAULT, DO(SENDTO, u1, BAD, 1, 0, U(to)));
	/* A receive into a bad buffer drops the datagram */
	CHECK(1, DO(SENDTO, u1, U("x"), 1, 0, U(to)));
	CHECK(-EFAULT, DO(RECVFROM, u2, BAD, 1, 0, U(none)));
	CHECK(-EAGAIN, DO(RECV, u2, U(buf), sizeof(buf), MSG_DONTWAIT));
	/* Connected: send and recv */
	CHECK(0, DO(CONNECT, u1, U(&a2), sizeof(a2)));
	CHECK(4, DO(SEND, u1, U("ping"), 4, 0));
	CHECK(4, DO(RECV, u2, U(buf), sizeof(buf), 0));
	EXPECT_EQ(0, memcmp(buf, "ping", 4));
	close(u2);
	close(u1);
}

TEST_F(ops, udp_sendto_recvfrom)
{
	both_ways(_metadata, self->dir, udp_scenario);
}

static void send_recv_scenario(struct __test_metadata *_metadata, struct side *s)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	__u64 to[2] = { U(&sun), sizeof(sun) };
	int sv[2], sv2[2], u, p[2];
	char buf[16];

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv2));
	ASSERT_EQ(0, pipe(p));
	u = socket(AF_UNIX, SOCK_STREAM, 0);
	ASSERT_LE(0, u);

	CHECK(5, DO(SEND, sv[0], U("hello"), 5, 0));
	CHECK(3, DO(RECV, sv[1], U(buf), 3, 0));
	CHECK(2, DO(RECV, sv[1], U(buf + 3), sizeof(buf) - 3, MSG_PEEK));
	CHECK(2, DO(RECV, sv[1], U(buf + 3), sizeof(buf) - 3, 0));
	EXPECT_EQ(0, memcmp(buf, "hello", 5));
	/* Empty: EAGAIN, by flag or on a non-blocking socket */
	CHECK(-EAGAIN, DO(RECV, sv[1], U(buf), sizeof(buf), MSG_DONTWAIT));
	CHECK(0, fcntl(sv[1], F_SETFL, O_NONBLOCK));
	CHECK(-EAGAIN, DO(RECV, sv[1], U(buf), sizeof(buf), 0));
	CHECK(-EFAULT, DO(SEND, sv[0], BAD, 5, 0));
	CHECK(-EISCONN, DO(SENDTO, sv[0], U(buf), 1, 0, U(to)));
	CHECK(-ENOTSOCK, DO(SEND, p[1], U(buf), 1, 0));
	CHECK(-ENOTSOCK, DO(RECV, p[0], U(buf), 1, MSG_DONTWAIT));
	/* Not connected */
	CHECK(-ENOTCONN, DO(SEND, u, U(buf), 1, 0));
	CHECK(-EOPNOTSUPP, DO(SENDTO, u, U(buf), 1, 0, U(to)));
	CHECK(-EINVAL, DO(RECV, u, U(buf), 1, MSG_DONTWAIT));
	/* The peer gone: what it sent, then end of file, and EPIPE */
	CHECK(2, send(sv2[1], "ab", 2, 0));
	close(sv2[1]);
	CHECK(2, DO(RECV, sv2[0], U(buf), sizeof(buf), 0));
	CHECK(0, DO(RECV, sv2[0], U(buf), sizeof(buf), 0));
	CHECK(-EPIPE, DO(SEND, sv2[0], U("x"), 1, 0));
	CHECK(-EPIPE, DO(SEND, sv2[0], U("x"), 1, MSG_NOSIGNAL));
	close(sv[1]);
	CHECK(-EPIPE, DO(SEND, sv[0], U("x"), 1, 0));
	close(sv[0]);
	close(sv2[0]);
	close(u);
	close(p[0]);
	close(p[1]);
}

TEST_F(ops, send_recv)
{
	both_ways(_metadata, self->dir, send_recv_scenario);
}

static void shutdown_scenario(struct __test_metadata *_metadata, struct side *s)
{
	struct pollfd pfd;
	int sv[2], p[2], tcp;
	char buf[8];

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	ASSERT_EQ(0, pipe(p));
	tcp = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_LE(0, tcp);

	CHECK(0, DO(SHUTDOWN, sv[0], SHUT_WR));
	CHECK(0, DO(RECV, sv[1], U(buf), sizeof(buf), MSG_DONTWAIT));	/* end of file */
	CHECK(-EPIPE, DO(SEND, sv[0], U("x"), 1, 0));
	pfd = (struct pollfd){ .fd = sv[1], .events = POLLIN | POLLOUT | POLLRDHUP };
	CHECK(1, poll(&pfd, 1, 0));
	REC(pfd.revents);
	/* The other way still works */
	CHECK(1, DO(SEND, sv[1], U("y"), 1, 0));
	CHECK(1, DO(RECV, sv[0], U(buf), sizeof(buf), 0));
	CHECK(0, DO(SHUTDOWN, sv[0], SHUT_RDWR));
	CHECK(0, DO(RECV, sv[0], U(buf), sizeof(buf), MSG_DONTWAIT));
	CHECK(-EPIPE, DO(SEND, sv[1], U("y"), 1, 0));
	CHECK(-EINVAL, DO(SHUTDOWN, sv[0], 3));
	CHECK(-ENOTCONN, DO(SHUTDOWN, tcp, SHUT_RD));
	CHECK(-ENOTSOCK, DO(SHUTDOWN, p[0], SHUT_RD));
	close(tcp);
	close(p[0]);
	close(p[1]);
	close(sv[0]);
	close(sv[1]);
}

TEST_F(ops, shutdown)
{
	both_ways(_metadata, self->dir, shutdown_scenario);
}

static void sockopt_scenario(struct __test_metadata *_metadata, struct side *s)
{
	struct timeval tv = { 1, 500000 };
	struct linger lg = { 1, 7 };
	int sv[2], p[2], tcp, v;
	char big[64];
	socklen_t vl;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	ASSERT_EQ(0, pipe(p));
	tcp = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_LE(0, tcp);

	/* SO_RCVBUF: doubled on the way in, and read back so */
	v = 4096;
	CHECK(0, DO(SETSOCKOPT, sv[0], SOL_SOCKET, SO_RCVBUF, U(&v), sizeof(v)));
	v = 0;
	vl = sizeof(v);
	CHECK(0, DO(GETSOCKOPT, sv[0], SOL_SOCKET, SO_RCVBUF, U(&v), U(&vl)));
	CHECK(8192, v);
	CHECK(sizeof(v), vl);
	/* optlen: cut to the value's size, or short */
	memset(big, 0x5a, sizeof(big));
	vl = sizeof(big);
	CHECK(0, DO(GETSOCKOPT, sv[0], SOL_SOCKET, SO_RCVBUF, U(big), U(&vl)));
	CHECK(sizeof(int), vl);
	REC(hash(big, sizeof(big)));
	v = 0;
	vl = 2;
	CHECK(0, DO(GETSOCKOPT, sv[0], SOL_SOCKET, SO_RCVBUF, U(&v), U(&vl)));
	CHECK(2, vl);
	REC(v);
	vl = -1;
	CHECK(-EINVAL, DO(GETSOCKOPT, sv[0], SOL_SOCKET, SO_RCVBUF, U(&v), U(&vl)));
	vl = sizeof(v);
	CHECK(0, DO(GETSOCKOPT, sv[0], SOL_SOCKET, SO_TYPE, U(&v), U(&vl)));
	CHECK(SOCK_STREAM, v);
	/* Structures */
	CHECK(0, DO(SETSOCKOPT, sv[0], SOL_SOCKET, SO_RCVTIMEO, U(&tv), sizeof(tv)));
	memset(&tv, 0, sizeof(tv));
	vl = sizeof(tv);
	CHECK(0, DO(GETSOCKOPT, sv[0], SOL_SOCKET, SO_RCVTIMEO, U(&tv), U(&vl)));
	CHECK(1, tv.tv_sec);
	REC(tv.tv_usec);
	CHECK(sizeof(tv), vl);
	CHECK(0, DO(SETSOCKOPT, tcp, SOL_SOCKET, SO_LINGER, U(&lg), sizeof(lg)));
	memset(&lg, 0, sizeof(lg));
	vl = sizeof(lg);
	CHECK(0, DO(GETSOCKOPT, tcp, SOL_SOCKET, SO_LINGER, U(&lg), U(&vl)));
	CHECK(1, lg.l_onoff);
	CHECK(7, lg.l_linger);
	/* Another level */
	v = 1;
	CHECK(0, DO(SETSOCKOPT, tcp, IPPROTO_TCP, TCP_NODELAY, U(&v), sizeof(v)));
	v = 0;
	vl = sizeof(v);
	CHECK(0, DO(GETSOCKOPT, tcp, IPPROTO_TCP, TCP_NODELAY, U(&v), U(&vl)));
	CHECK(1, v);
	/* Errors */
	v = 4096;
	CHECK(-EINVAL, DO(SETSOCKOPT, sv[0], SOL_SOCKET, SO_RCVBUF, U(&v), 2));
	CHECK(-ENOPROTOOPT, DO(SETSOCKOPT, sv[0], SOL_SOCKET, 9999, U(&v), sizeof(v)));
	vl = sizeof(v);
	CHECK(-ENOPROTOOPT, DO(GETSOCKOPT, sv[0], SOL_SOCKET, 9999, U(&v), U(&vl)));
	CHECK(-EFAULT, DO(SETSOCKOPT, sv[0], SOL_SOCKET, SO_RCVBUF, BAD, sizeof(v)));
	CHECK(-EFAULT, DO(GETSOCKOPT, sv[0], SOL_SOCKET, SO_RCVBUF, U(&v), BAD));
	CHECK(-ENOTSOCK, DO(SETSOCKOPT, p[0], SOL_SOCKET, SO_RCVBUF, U(&v), sizeof(v)));
	CHECK(-ENOTSOCK, DO(GETSOCKOPT, p[0], SOL_SOCKET, SO_RCVBUF, U(&v), U(&vl)));
	close(tcp);
	close(p[0]);
	close(p[1]);
	close(sv[0]);
	close(sv[1]);
}

TEST_F(ops, setsockopt_getsockopt)
{
	both_ways(_metadata, self->dir, sockopt_scenario);
}

/* Polling */

static void poll_scenario(struct __test_metadata *_metadata, struct side *s)
{
	struct pollfd f[3];
	long long t0, t1;
	int p[2], q[2];
	char c;

	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, pipe(q));
	f[0] = (struct pollfd){ .fd = p[0], .events = POLLIN, .revents = -1 };
	f[1] = (struct pollfd){ .fd = -1, .events = POLLIN, .revents = -1 };
	f[2] = (struct pollfd){ .fd = BIG_FD, .events = POLLIN, .revents = -1 };

	CHECK(0, DO(POLL, U(f), 1, 0));
	CHECK(0, f[0].revents);
	CHECK(1, write(p[1], "x", 1));
	CHECK(1, DO(POLL, U(f), 1, 0));
	CHECK(POLLIN, f[0].revents);
	CHECK(2, DO(POLL, U(f), 3, 0));
	CHECK(POLLIN, f[0].revents);
	CHECK(0, f[1].revents);
	CHECK(POLLNVAL, f[2].revents);
	f[0] = (struct pollfd){ .fd = p[1], .events = POLLOUT | POLLIN };
	CHECK(1, DO(POLL, U(f), 1, 0));
	CHECK(POLLOUT, f[0].revents);
	/* The writer gone: POLLHUP, with POLLIN while data is left */
	close(p[1]);
	f[0] = (struct pollfd){ .fd = p[0], .events = POLLIN };
	CHECK(1, DO(POLL, U(f), 1, 0));
	CHECK(POLLIN | POLLHUP, f[0].revents);
	CHECK(1, read(p[0], &c, 1));
	CHECK(1, DO(POLL, U(f), 1, 0));
	CHECK(POLLHUP, f[0].revents);
	/* A short wait for nothing */
	f[0] = (struct pollfd){ .fd = q[0], .events = POLLIN };
	t0 = now_ns();
	CHECK(0, DO(POLL, U(f), 1, 20));
	t1 = now_ns();
	CHECK(1, t1 - t0 >= 20 * MS);
	CHECK(-EFAULT, DO(POLL, BAD, 1, 0));
	CHECK(-EINVAL, DO(POLL, U(f), (1 << 20) + 1, 0));
	close(p[0]);
	close(q[0]);
	close(q[1]);
}

TEST_F(ops, poll)
{
	both_ways(_metadata, self->dir, poll_scenario);
}

static void ppoll_scenario(struct __test_metadata *_metadata, struct side *s)
{
	struct timespec ts = { 0, 0 };
	struct pollfd f;
	int p[2];

	ASSERT_EQ(0, pipe(p));
	f = (struct pollfd){ .fd = p[0], .events = POLLIN, .revents = -1 };
	CHECK(0, DO(PPOLL, U(&f), 1, U(&ts), 0, 8));
	CHECK(0, f.revents);
	CHECK(0, ts.tv_sec);
	CHECK(0, ts.tv_nsec);
	CHECK(1, write(p[1], "x", 1));
	CHECK(1, DO(PPOLL, U(&f), 1, U(&ts), 0, 8));
	CHECK(POLLIN, f.revents);
	CHECK(1, DO(PPOLL, U(&f), 1, 0, 0, 0));	/* no timeout: ready anyway */
	/* A timeout is written back with the time that was left */
	ts = (struct timespec){ 1, 0 };
	CHECK(1, DO(PPOLL, U(&f), 1, U(&ts), 0, 8));
	CHECK(0, ts.tv_sec);
	CHECK(1, ts.tv_nsec > 0 && ts.tv_nsec < 1000000000);
	ts = (struct timespec){ 0, 1000000000 };
	CHECK(-EINVAL, DO(PPOLL, U(&f), 1, U(&ts), 0, 8));
	ts = (struct timespec){ -1, 0 };
	CHECK(-EINVAL, DO(PPOLL, U(&f), 1, U(&ts), 0, 8));
	CHECK(-EFAULT, DO(PPOLL, U(&f), 1, BAD, 0, 8));
	CHECK(-EFAULT, DO(PPOLL, BAD, 1, 0, 0, 8));
	close(p[0]);
	close(p[1]);
}

TEST_F(ops, ppoll)
{
	struct timespec ts = { 0, 0 };
	__u64 mask = 0;
	struct pollfd f;
	int p[2];

	both_ways(_metadata, self->dir, ppoll_scenario);

	/* An op never changes the signal mask: a mask is EINVAL, as documented */
	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(1, write(p[1], "x", 1));
	f = (struct pollfd){ .fd = p[0], .events = POLLIN };
	EXPECT_EQ(1, SYS(syscall(SYS_ppoll, &f, 1, &ts, &mask, sizeof(mask))));
	f.revents = 0;
	EXPECT_EQ(-EINVAL, OP(PPOLL, U(&f), 1, U(&ts), U(&mask), sizeof(mask)));
	EXPECT_EQ(-EINVAL, OP(PPOLL, U(&f), 1, U(&ts), U(&mask), 0));
	EXPECT_EQ(1, OP(PPOLL, U(&f), 1, U(&ts), 0, 0));
	close(p[0]);
	close(p[1]);
}

static void epoll_scenario(struct __test_metadata *_metadata, struct side *s)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 42 }, out[4];
	int ep, ep2, p[2], fd, gap, other, next;
	long long t0;

	fd = mkfile(_metadata, s->dfd, "f", "x", 1, O_RDWR);
	ASSERT_EQ(0, pipe(p));
	gap = open("/dev/null", O_RDONLY);
	other = open("/dev/null", O_RDONLY);
	ASSERT_LE(0, other);
	close(gap);

	ep = DO(EPOLL_CREATE1, EPOLL_CLOEXEC);
	CHECK(gap, ep);
	CHECK(FD_CLOEXEC, getfd(ep));
	REC(getfl(ep));
	next = next_fd();
	ep2 = DO(EPOLL_CREATE1, 0);
	CHECK(next, ep2);
	CHECK(0, getfd(ep2));
	close(ep2);
	CHECK(-EINVAL, DO(EPOLL_CREATE1, 1));

	CHECK(0, DO(EPOLL_CTL, ep, EPOLL_CTL_ADD, p[0], U(&ev)));
	CHECK(-EEXIST, DO(EPOLL_CTL, ep, EPOLL_CTL_ADD, p[0], U(&ev)));
	CHECK(-ENOENT, DO(EPOLL_CTL, ep, EPOLL_CTL_MOD, p[1], U(&ev)));
	CHECK(-ENOENT, DO(EPOLL_CTL, ep, EPOLL_CTL_DEL, p[1], 0));
	CHECK(-EINVAL, DO(EPOLL_CTL, ep, EPOLL_CTL_ADD, ep, U(&ev)));
	CHECK(-EINVAL, DO(EPOLL_CTL, p[0], EPOLL_CTL_ADD, p[1], U(&ev)));
	CHECK(-EINVAL, DO(EPOLL_CTL, ep, 99, p[0], U(&ev)));
	CHECK(-EPERM, DO(EPOLL_CTL, ep, EPOLL_CTL_ADD, fd, U(&ev)));
	CHECK(-EFAULT, DO(EPOLL_CTL, ep, EPOLL_CTL_ADD, p[1], BAD));

	memset(out, 0, sizeof(out));
	CHECK(0, DO(EPOLL_WAIT, ep, U(out), 4, 0));
	CHECK(1, write(p[1], "x", 1));
	CHECK(1, DO(EPOLL_WAIT, ep, U(out), 4, 0));
	CHECK(EPOLLIN, out[0].events);
	CHECK(42, out[0].data.u64);
	CHECK(1, DO(EPOLL_WAIT, ep, U(out), 4, 0));	/* level-triggered */
	/* Edge-triggered: once */
	ev = (struct epoll_event){ .events = EPOLLIN | EPOLLET, .data.u64 = 7 };
	CHECK(0, DO(EPOLL_CTL, ep, EPOLL_CTL_MOD, p[0], U(&ev)));
	CHECK(1, DO(EPOLL_WAIT, ep, U(out), 4, 0));
	CHECK(7, out[0].data.u64);
	CHECK(0, DO(EPOLL_WAIT, ep, U(out), 4, 0));
	ev = (struct epoll_event){ .events = EPOLLIN, .data.u64 = 8 };
	CHECK(0, DO(EPOLL_CTL, ep, EPOLL_CTL_MOD, p[0], U(&ev)));
	CHECK(-EFAULT, DO(EPOLL_WAIT, ep, BAD, 4, 0));
	CHECK(-EINVAL, DO(EPOLL_WAIT, ep, U(out), 0, 0));
	CHECK(-EINVAL, DO(EPOLL_WAIT, p[0], U(out), 4, 0));
	CHECK(1, DO(EPOLL_WAIT, ep, U(out), 4, 1000));
	CHECK(8, out[0].data.u64);
	CHECK(0, DO(EPOLL_CTL, ep, EPOLL_CTL_DEL, p[0], 0));
	t0 = now_ns();
	CHECK(0, DO(EPOLL_WAIT, ep, U(out), 4, 20));
	CHECK(1, now_ns() - t0 >= 20 * MS);
	close(ep);
	close(other);
	close(p[0]);
	close(p[1]);
	close(fd);
}

TEST_F(ops, epoll)
{
	both_ways(_metadata, self->dir, epoll_scenario);
}

/* Time and process */

TEST_F(ops, clock_gettime)
{
	static const clockid_t clocks[] = {
		CLOCK_MONOTONIC, CLOCK_REALTIME, CLOCK_BOOTTIME,
		CLOCK_PROCESS_CPUTIME_ID,
	};
	struct timespec t0, t, t1;
	unsigned int i;

	for (i = 0; i < ARRAY_LEN(clocks); i++) {
		memset(&t, 0xff, sizeof(t));
		ASSERT_EQ(0, syscall(SYS_clock_gettime, clocks[i], &t0));
		EXPECT_EQ(0, OP(CLOCK_GETTIME, clocks[i], U(&t)));
		ASSERT_EQ(0, syscall(SYS_clock_gettime, clocks[i], &t1));
		EXPECT_LE(ns(&t0), ns(&t)) TH_LOG("clock %d", clocks[i]);
		EXPECT_LE(ns(&t), ns(&t1)) TH_LOG("clock %d", clocks[i]);
		EXPECT_GT(1000000000, t.tv_nsec);
	}
	BOTH(-EINVAL, CLOCK_GETTIME, 1000, U(&t));
	BOTH(-EFAULT, CLOCK_GETTIME, CLOCK_MONOTONIC, BAD);
}

TEST_F(ops, nanosleep)
{
	struct timespec req = { 0, 2 * MS }, rem = { 77, 77 };
	struct timespec zero = { 0, 0 }, bad_ns = { 0, 1000000000 }, neg = { -1, 0 };
	long long t0, t1;

	t0 = now_ns();
	EXPECT_EQ(0, OP(NANOSLEEP, U(&req), U(&rem)));
	t1 = now_ns();
	EXPECT_LE(2 * MS, t1 - t0);
	EXPECT_GT(5000 * MS, t1 - t0);
	/* Not interrupted: the remainder is left alone */
	EXPECT_EQ(77, rem.tv_sec);
	EXPECT_EQ(77, rem.tv_nsec);
	BOTH(0, NANOSLEEP, U(&zero), 0);
	BOTH(0, NANOSLEEP, U(&req), 0);
	BOTH(-EINVAL, NANOSLEEP, U(&bad_ns), 0);
	BOTH(-EINVAL, NANOSLEEP, U(&neg), 0);
	BOTH(-EFAULT, NANOSLEEP, BAD, 0);
}

TEST_F(ops, getpid)
{
	pid_t pid, parent = getpid();
	int status;

	EXPECT_EQ(parent, OP(GETPID));
	BOTH(parent, GETPID);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		EXPECT_EQ(getpid(), OP(GETPID));
		EXPECT_NE(parent, OP(GETPID));
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
}

/* Composite I/O */

TEST_F(ops, read_min)
{
	char buf[64];
	int p[2], go[2], status;
	long long t0, t1;
	pid_t pid;
	long r;

	/* Pieces 20 ms apart: the op returns once it has at least min */
	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, pipe(go));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		static const char *const pieces[] = { "abcd", "efgh", "ijkl" };
		unsigned int i;
		char c;

		close(p[0]);
		close(go[1]);
		for (i = 0; i < ARRAY_LEN(pieces); i++) {
			usleep(20 * 1000);
			if (write(p[1], pieces[i], 4) != 4)
				_exit(1);
		}
		/* Nothing more until the parent has its result, then a tail */
		if (read(go[0], &c, 1) != 1)
			_exit(2);
		usleep(20 * 1000);
		_exit(write(p[1], "mnop", 4) != 4);
	}
	close(p[1]);
	close(go[0]);
	memset(buf, 0, sizeof(buf));
	t0 = now_ns();
	EXPECT_EQ(12, OP(READ_MIN, p[0], U(buf), 10, sizeof(buf), 5000));
	t1 = now_ns();
	EXPECT_EQ(0, memcmp(buf, "abcdefghijkl", 12));
	EXPECT_GT(4000 * MS, t1 - t0);	/* not its timeout */
	EXPECT_LE(40 * MS, t1 - t0);	/* it waited for the pieces */
	ASSERT_EQ(1, write(go[1], "g", 1));
	/* End of file before min: what came */
	EXPECT_EQ(4, OP(READ_MIN, p[0], U(buf), 10, sizeof(buf), 5000));
	EXPECT_EQ(0, memcmp(buf, "mnop", 4));
	EXPECT_EQ(0, OP(READ_MIN, p[0], U(buf), 10, sizeof(buf), 5000));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	close(p[0]);
	close(go[1]);

	ASSERT_EQ(0, pipe(p));
	/* Nothing within the timeout */
	t0 = now_ns();
	EXPECT_EQ(-ETIMEDOUT, OP(READ_MIN, p[0], U(buf), 1, sizeof(buf), 50));
	t1 = now_ns();
	EXPECT_LE(45 * MS, t1 - t0);
	EXPECT_GT(4000 * MS, t1 - t0);
	/* Some, but not min, within the timeout: the partial count */
	ASSERT_EQ(3, write(p[1], "xyz", 3));
	EXPECT_EQ(3, OP(READ_MIN, p[0], U(buf), 10, sizeof(buf), 50));
	EXPECT_EQ(0, memcmp(buf, "xyz", 3));
	/* More than min is there: at most max of it */
	ASSERT_EQ(20, write(p[1], "01234567890123456789", 20));
	EXPECT_EQ(8, OP(READ_MIN, p[0], U(buf), 5, 8, 1000));
	EXPECT_EQ(0, memcmp(buf, "01234567", 8));
	EXPECT_EQ(12, OP(READ_MIN, p[0], U(buf), 12, sizeof(buf), -1));
	EXPECT_EQ(0, memcmp(buf, "890123456789", 12));
	/* Errors */
	ASSERT_EQ(1, write(p[1], "e", 1));
	EXPECT_EQ(-EFAULT, OP(READ_MIN, p[0], BAD, 1, 10, 1000));
	EXPECT_EQ(-EBADF, OP(READ_MIN, BIG_FD, U(buf), 1, 10, 1000));
	EXPECT_EQ(-EBADF, OP(READ_MIN, p[1], U(buf), 1, 10, 1000));
	close(p[1]);
	/* The byte, unless the fault consumed it, then the end of the file */
	r = OP(READ_MIN, p[0], U(buf), 1, 10, 1000);
	EXPECT_TRUE(r == 0 || (r == 1 && buf[0] == 'e')) TH_LOG("%ld", r);
	EXPECT_EQ(0, OP(READ_MIN, p[0], U(buf), 1, 10, 1000));
	close(p[0]);
}

#define STREAM_LEN	(128 << 10)

static char stream_buf[1 << 20];

/* Reads @fd to its end, checking the bytes against fill(seed): 0 if all came. */
static int drain_and_check(int fd, size_t want, unsigned int seed, int pause_us)
{
	static char expect[1 << 20], got[4096];
	size_t total = 0;
	ssize_t n;

	fill(expect, want, seed);
	while ((n = read(fd, got, sizeof(got))) > 0) {
		if (total + n > want || memcmp(got, expect + total, n))
			return 1;
		total += n;
		if (pause_us)
			usleep(pause_us);
	}
	return n < 0 || total != want ? 2 : 0;
}

static void set_sndbuf(int fd, int size)
{
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
}

TEST_F(ops, write_all)
{
	int sv[2], p[2], status;
	long r, total;
	pid_t pid;
	ssize_t n;

	fill(stream_buf, STREAM_LEN, 20);
	/* A small non-blocking send buffer and a slow reader: all arrives */
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	set_sndbuf(sv[0], 4096);
	ASSERT_EQ(0, fcntl(sv[0], F_SETFL, O_NONBLOCK));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(sv[0]);
		_exit(drain_and_check(sv[1], STREAM_LEN, 20, 1000));
	}
	close(sv[1]);
	EXPECT_EQ(STREAM_LEN, OP(WRITE_ALL, sv[0], U(stream_buf), STREAM_LEN, 10000));
	close(sv[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));

	/* Nobody reads: the part that fit, then nothing within the timeout */
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	set_sndbuf(sv[0], 4096);
	ASSERT_EQ(0, fcntl(sv[0], F_SETFL, O_NONBLOCK));
	ASSERT_EQ(0, fcntl(sv[1], F_SETFL, O_NONBLOCK));
	r = OP(WRITE_ALL, sv[0], U(stream_buf), STREAM_LEN, 50);
	EXPECT_LT(0, r);
	EXPECT_GT(STREAM_LEN, r);
	EXPECT_EQ(-ETIMEDOUT, OP(WRITE_ALL, sv[0], U(stream_buf + r), STREAM_LEN - r, 20));
	total = 0;
	while ((n = read(sv[1], stream_buf + STREAM_LEN, 1 << 16)) > 0) {
		if (memcmp(stream_buf + STREAM_LEN, stream_buf + total, n))
			break;
		total += n;
	}
	EXPECT_EQ(r, total);
	/* The peer gone */
	close(sv[1]);
	EXPECT_EQ(-EPIPE, OP(WRITE_ALL, sv[0], U(stream_buf), 10, 50));
	close(sv[0]);

	/* Blocking, with room: all at once */
	ASSERT_EQ(0, pipe(p));
	EXPECT_EQ(5, OP(WRITE_ALL, p[1], U("hello"), 5, -1));
	EXPECT_EQ(0, OP(WRITE_ALL, p[1], U("hello"), 0, -1));
	EXPECT_EQ(-EFAULT, OP(WRITE_ALL, p[1], BAD, 5, 50));
	EXPECT_EQ(-EBADF, OP(WRITE_ALL, p[0], U("x"), 1, 50));
	EXPECT_EQ(5, read(p[0], stream_buf, 100));
	EXPECT_EQ(0, memcmp(stream_buf, "hello", 5));
	close(p[0]);
	close(p[1]);
}

TEST_F(ops, move)
{
	const long size = 1 << 20;
	int fd, wfd, out, sv[2], p[2], status;
	static char buf[1 << 20];
	__s64 off;
	pid_t pid;
	long r;

	fill(stream_buf, size, 21);
	fd = mkfile(_metadata, self->dfd, "f", stream_buf, size, O_RDONLY);
	wfd = openat(self->dfd, "f", O_WRONLY);
	ASSERT_LE(0, wfd);

	/* 1 MiB to a non-blocking socket read by a child: all of it, in order */
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	set_sndbuf(sv[0], 16384);
	ASSERT_EQ(0, fcntl(sv[0], F_SETFL, O_NONBLOCK));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(sv[0]);
		_exit(drain_and_check(sv[1], size, 21, 0));
	}
	close(sv[1]);
	EXPECT_EQ(size, OP(MOVE, sv[0], fd, 0, size, 10000));
	EXPECT_EQ(size, pos(fd));
	close(sv[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));

	/* From an offset, which moves; the file's own does not */
	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, lseek(fd, 0, SEEK_SET));
	off = 1000;
	EXPECT_EQ(5000, OP(MOVE, p[1], fd, U(&off), 5000, 1000));
	EXPECT_EQ(6000, off);
	EXPECT_EQ(0, pos(fd));
	EXPECT_EQ(5000, read(p[0], buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, stream_buf + 1000, 5000));
	/* Up to the end of the file, then nothing */
	off = size - 100;
	EXPECT_EQ(100, OP(MOVE, p[1], fd, U(&off), 1000, 1000));
	EXPECT_EQ(size, off);
	EXPECT_EQ(0, OP(MOVE, p[1], fd, U(&off), 1000, 1000));
	EXPECT_EQ(100, read(p[0], buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, stream_buf + size - 100, 100));
	close(p[0]);
	close(p[1]);

	/* File to file */
	out = openat(self->dfd, "out", O_WRONLY | O_CREAT | O_EXCL, 0644);
	ASSERT_LE(0, out);
	off = 0;
	EXPECT_EQ(300000, OP(MOVE, out, fd, U(&off), 300000, -1));
	EXPECT_EQ(300000, off);
	EXPECT_EQ(300000, pos(out));
	EXPECT_EQ(hash(stream_buf, 300000), file_hash(self->dfd, "out"));
	close(out);

	/* A non-blocking pipe nobody reads: what fit, then nothing */
	ASSERT_EQ(0, pipe2(p, O_NONBLOCK));
	off = 0;
	r = OP(MOVE, p[1], fd, U(&off), size, 30);
	EXPECT_LT(0, r);
	EXPECT_GT(size, r);
	EXPECT_EQ(r, off);
	EXPECT_EQ(-ETIMEDOUT, OP(MOVE, p[1], fd, U(&off), 1000, 20));
	EXPECT_EQ(r, off);
	EXPECT_EQ(r, read(p[0], buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, stream_buf, r));

	/* Errors */
	EXPECT_EQ(-EBADF, OP(MOVE, p[1], wfd, 0, 10, 50));
	EXPECT_EQ(-EBADF, OP(MOVE, p[1], BIG_FD, 0, 10, 50));
	EXPECT_EQ(-EBADF, OP(MOVE, p[0], fd, 0, 10, 50));
	EXPECT_EQ(-EFAULT, OP(MOVE, p[1], fd, BAD, 10, 50));
	off = -1;
	EXPECT_EQ(-EINVAL, OP(MOVE, p[1], fd, U(&off), 10, 50));
	close(p[0]);
	close(p[1]);
	close(wfd);
	close(fd);
}

/* Memory */

TEST_F(ops, memmove)
{
	static const struct {
		unsigned int dst, src, len;
	} cases[] = {
		{ 1, 0, 1000 }, { 0, 1, 1000 }, { 300, 0, 1000 }, { 0, 300, 1000 },
		{ 256, 0, 700 }, { 0, 256, 700 }, { 255, 0, 1500 }, { 0, 257, 1500 },
		{ 10, 10, 100 }, { 0, 1500, 500 }, { 1500, 0, 500 }, { 5, 0, 0 },
		{ 7, 3, 5 },
	};
	static char base[2048], want[2048];
	unsigned int i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		fill(base, sizeof(base), i);
		memcpy(want, base, sizeof(want));
		memmove(want + cases[i].dst, want + cases[i].src, cases[i].len);
		EXPECT_EQ(cases[i].len, OP(MEMMOVE, U(base + cases[i].dst),
					   U(base + cases[i].src), cases[i].len));
		EXPECT_EQ(0, memcmp(base, want, sizeof(want))) TH_LOG("case %u", i);
	}
	EXPECT_EQ(-EFAULT, OP(MEMMOVE, U(base), BAD, 10));
	EXPECT_EQ(-EFAULT, OP(MEMMOVE, BAD, U(base), 10));
	EXPECT_EQ(0, memcmp(base, want, sizeof(want)));
}

TEST_F(ops, memcmp)
{
	static unsigned char a[1000], b[1000];

	fill(a, sizeof(a), 30);
	memcpy(b, a, sizeof(b));
	EXPECT_EQ(0, OP(MEMCMP, U(a), U(b), sizeof(a)));
	EXPECT_EQ(0, OP(MEMCMP, U(a), U(b), 0));
	a[700] = 10;
	b[700] = 11;
	EXPECT_EQ(-1, OP(MEMCMP, U(a), U(b), sizeof(a)));
	EXPECT_EQ(1, OP(MEMCMP, U(b), U(a), sizeof(a)));
	EXPECT_EQ(0, OP(MEMCMP, U(a), U(b), 700));
	/* Bytes compare unsigned, and the result is only the sign */
	a[256] = 0x80;
	b[256] = 0x01;
	EXPECT_EQ(1, OP(MEMCMP, U(a), U(b), sizeof(a)));
	EXPECT_EQ(-1, OP(MEMCMP, U(b), U(a), sizeof(a)));
	a[0] = 0;
	b[0] = 0xff;
	EXPECT_EQ(-1, OP(MEMCMP, U(a), U(b), sizeof(a)));
	EXPECT_EQ(1, OP(MEMCMP, U(b), U(a), 1));
	EXPECT_EQ(-EFAULT, OP(MEMCMP, BAD, U(b), 10));
	EXPECT_EQ(-EFAULT, OP(MEMCMP, U(a), BAD, 10));
}

TEST_F(ops, memchr)
{
	static unsigned char buf[1000];
	static const unsigned int at[] = { 0, 1, 255, 256, 257, 511, 512, 600, 999 };
	unsigned int i;

	for (i = 0; i < ARRAY_LEN(at); i++) {
		memset(buf, 'x', sizeof(buf));
		buf[at[i]] = 'q';
		if (at[i] + 50 < sizeof(buf))
			buf[at[i] + 50] = 'q';
		EXPECT_EQ(at[i], OP(MEMCHR, U(buf), 'q', sizeof(buf)));
		EXPECT_EQ(at[i], OP(MEMCHR, U(buf), 'q', at[i] + 1));
		EXPECT_EQ(-ENOENT, OP(MEMCHR, U(buf), 'q', at[i]));
	}
	EXPECT_EQ(-ENOENT, OP(MEMCHR, U(buf), 'z', sizeof(buf)));
	EXPECT_EQ(-ENOENT, OP(MEMCHR, U(buf), 'x', 0));
	buf[300] = 0x80;
	buf[301] = 0;
	EXPECT_EQ(300, OP(MEMCHR, U(buf), 0x80, sizeof(buf)));
	EXPECT_EQ(301, OP(MEMCHR, U(buf), 0, sizeof(buf)));
	EXPECT_EQ(-EFAULT, OP(MEMCHR, BAD, 'x', 10));
}

TEST_F(ops, memmem)
{
	static const unsigned int lens[] = { 1, 2, 8, 100, 255, SCRIPT_MEMMEM_MAX };
	static const unsigned int at[] = { 0, 1, 200, 250, 255, 256, 257, 500, 511, 512 };
	static unsigned char hay[1024], needle[SCRIPT_MEMMEM_MAX + 1];
	unsigned int i, j;

	for (i = 0; i < sizeof(needle); i++)
		needle[i] = 0x80 | ((i * 37) % 128);
	/* Every length at every place, across the 256-byte chunks */
	for (i = 0; i < ARRAY_LEN(lens); i++) {
		unsigned int len = lens[i];

		for (j = 0; j <= ARRAY_LEN(at); j++) {
			unsigned int pos = j < ARRAY_LEN(at) ? at[j] : sizeof(hay) - len;

			memset(hay, 'x', sizeof(hay));
			memcpy(hay + pos, needle, len);
			EXPECT_EQ(pos, OP(MEMMEM, U(hay), sizeof(hay), U(needle), len))
				TH_LOG("needle %u at %u", len, pos);
			/* Cut one byte short of it: not there */
			EXPECT_EQ(-ENOENT, OP(MEMMEM, U(hay), pos + len - 1, U(needle), len))
				TH_LOG("needle %u at %u", len, pos);
		}
		/* Its prefix first, then the needle */
		memset(hay, 'x', sizeof(hay));
		memcpy(hay + 100, needle, len - 1);
		memcpy(hay + 700, needle, len);
		EXPECT_EQ(700, OP(MEMMEM, U(hay), sizeof(hay), U(needle), len))
			TH_LOG("needle %u", len);
	}
	/* Overlapping partial matches */
	memcpy(hay, "aaaab", 5);
	EXPECT_EQ(2, OP(MEMMEM, U(hay), 5, U("aab"), 3));
	memcpy(hay, "abababac", 8);
	EXPECT_EQ(4, OP(MEMMEM, U(hay), 8, U("abac"), 4));
	memset(hay, 'x', sizeof(hay));
	EXPECT_EQ(-ENOENT, OP(MEMMEM, U(hay), sizeof(hay), U("xy"), 2));
	EXPECT_EQ(-ENOENT, OP(MEMMEM, U(hay), 10, U(hay), 20));
	EXPECT_EQ(-ENOENT, OP(MEMMEM, U(hay), 0, U("x"), 1));
	EXPECT_EQ(0, OP(MEMMEM, U(hay), sizeof(hay), U(needle), 0));
	EXPECT_EQ(0, OP(MEMMEM, U(hay), 0, U(needle), 0));
	EXPECT_EQ(-EINVAL, OP(MEMMEM, U(hay), sizeof(hay), U(needle), SCRIPT_MEMMEM_MAX + 1));
	EXPECT_EQ(-EFAULT, OP(MEMMEM, BAD, 100, U("x"), 1));
	EXPECT_EQ(-EFAULT, OP(MEMMEM, U(hay), 100, BAD, 1));
}

/*
 * memmem under a step budget: each chunk of the haystack after the first
 * and each 256 bytes compared is a step, so a needle that nearly matches
 * at every place ('a' x 255 then 'b' in 'a' x 4096: 3841 compares of 256
 * bytes) costs a step per place, and a small budget stops it with -ETIME
 * as it stops a long copy; a haystack with no candidate costs its chunks.
 */
TEST_F(ops, memmem_compares_are_steps)
{
	static const struct script_insn prog[] = { CALL_OP(SCRIPT_OP_MEMMEM), EXIT };
	static unsigned char hay[4096], needle[SCRIPT_MEMMEM_MAX];
	const __u64 places = sizeof(hay) - sizeof(needle) + 1;
	const __u64 chunks = sizeof(hay) / 256;
	struct script_attr attr = { };

	memset(needle, 'a', sizeof(needle) - 1);
	needle[sizeof(needle) - 1] = 'b';
	attr.args[0] = U(hay);
	attr.args[1] = sizeof(hay);
	attr.args[2] = U(needle);
	attr.args[3] = sizeof(needle);

	/* No candidate: the call, the chunks after the first, the exit */
	memset(hay, 'x', sizeof(hay));
	attr.max_steps = 100;
	ASSERT_EQ(0, script_run(&attr, prog, ARRAY_LEN(prog)));
	EXPECT_EQ(-ENOENT, (long)attr.retval);
	EXPECT_EQ(1 + (chunks - 1) + 1, attr.steps);

	/* A candidate at every place: a step each, and the budget stops it */
	memset(hay, 'a', sizeof(hay));
	EXPECT_EQ(-ETIME, script_run(&attr, prog, ARRAY_LEN(prog)));
	EXPECT_EQ(100, attr.steps);
	EXPECT_EQ(1, attr.pc);

	/* With no budget it ends, having counted every compare */
	attr.max_steps = 0;
	ASSERT_EQ(0, script_run(&attr, prog, ARRAY_LEN(prog)));
	EXPECT_EQ(-ENOENT, (long)attr.retval);
	EXPECT_LE(1 + places + 1, attr.steps);
	EXPECT_GE(1 + places + chunks + 1, attr.steps);
}

TEST_F(ops, parse_u64)
{
	static const struct {
		const char *s;
		unsigned int n;
		int base;
		long ret;
		__u64 val;
	} cases[] = {
		{ "123abc", 6, 10, 3, 123 },
		{ "12345", 3, 10, 3, 123 },
		{ "0", 1, 10, 1, 0 },
		{ "007", 3, 10, 3, 7 },
		{ "4294967296", 10, 10, 10, 1ULL << 32 },
		{ "18446744073709551615", 20, 10, 20, UINT64_MAX },
		{ "18446744073709551615 ", 21, 10, 20, UINT64_MAX },
		{ "18446744073709551616", 20, 10, -ERANGE, 0 },
		{ "99999999999999999999", 20, 10, -ERANGE, 0 },
		{ "0000000000000000000000000000001", 31, 10, 31, 1 },
		{ "ff", 2, 16, 2, 255 },
		{ "DeadBeef!", 9, 16, 8, 0xdeadbeef },
		{ "12g", 3, 16, 2, 0x12 },
		{ "ffffffffffffffff", 16, 16, 16, UINT64_MAX },
		{ "10000000000000000", 17, 16, -ERANGE, 0 },
		{ "a", 1, 10, -EINVAL, 0 },
		{ "x1", 2, 10, -EINVAL, 0 },
		{ "-1", 2, 10, -EINVAL, 0 },
		{ "", 0, 10, -EINVAL, 0 },
		{ "123", 0, 10, -EINVAL, 0 },
	};
	unsigned int i;
	__u64 val;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		val = 0x5a5a5a5a5a5a5a5aULL;
		EXPECT_EQ(cases[i].ret, OP(PARSE_U64, U(cases[i].s), cases[i].n, U(&val),
					   cases[i].base)) TH_LOG("\"%s\"", cases[i].s);
		if (cases[i].ret > 0)
			EXPECT_EQ(cases[i].val, val) TH_LOG("\"%s\"", cases[i].s);
	}
	EXPECT_EQ(-EFAULT, OP(PARSE_U64, BAD, 3, U(&val), 10));
	EXPECT_EQ(-EFAULT, OP(PARSE_U64, U("123"), 3, BAD, 10));
}

TEST_F(ops, format_u64)
{
	static const struct {
		__u64 val;
		int base;
		unsigned int n;
		long ret;
		const char *s;
	} cases[] = {
		{ 0, 10, 32, 1, "0" },
		{ 7, 10, 1, 1, "7" },
		{ 12345, 10, 32, 5, "12345" },
		{ 1ULL << 32, 10, 32, 10, "4294967296" },
		{ UINT64_MAX, 10, 32, 20, "18446744073709551615" },
		{ UINT64_MAX, 10, 20, 20, "18446744073709551615" },
		{ UINT64_MAX, 10, 19, -ENOSPC, "" },
		{ 0xdeadbeef, 16, 32, 8, "deadbeef" },
		{ 0, 16, 1, 1, "0" },
		{ UINT64_MAX, 16, 16, 16, "ffffffffffffffff" },
		{ 0x100, 16, 2, -ENOSPC, "" },
		{ 10, 10, 1, -ENOSPC, "" },
		{ 0, 10, 0, -ENOSPC, "" },
	};
	unsigned int i;
	char buf[40];

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		memset(buf, 'Z', sizeof(buf));
		EXPECT_EQ(cases[i].ret, OP(FORMAT_U64, U(buf), cases[i].n, cases[i].val,
					   cases[i].base)) TH_LOG("case %u", i);
		if (cases[i].ret > 0) {
			EXPECT_EQ(0, memcmp(buf, cases[i].s, cases[i].ret)) TH_LOG("case %u", i);
			EXPECT_EQ('Z', buf[cases[i].ret]) TH_LOG("case %u: a terminator", i);
		}
	}
	EXPECT_EQ(-EFAULT, OP(FORMAT_U64, BAD, 20, 123, 10));
}

/*
 * The memory ops touch the bytes they are given and no more: at the end
 * of a page whose next page is not mapped, they do not fault.
 */
TEST_F(ops, memory_ops_stop_at_their_length)
{
	long psz = sysconf(_SC_PAGESIZE);
	char *map, *end;
	__u64 val = 0;

	map = mmap(NULL, 2 * psz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, map);
	ASSERT_EQ(0, munmap(map + psz, psz));
	end = map + psz;
	memset(map, 'x', psz);
	memcpy(end - 3, "123", 3);
	EXPECT_EQ(3, OP(PARSE_U64, U(end - 3), 3, U(&val), 10));
	EXPECT_EQ(123, val);
	EXPECT_EQ(psz - 3, OP(MEMCHR, U(map), '1', psz));
	EXPECT_EQ(-ENOENT, OP(MEMCHR, U(map), 'q', psz));
	EXPECT_EQ(psz - 3, OP(MEMMEM, U(map), psz, U("123"), 3));
	EXPECT_EQ(0, OP(MEMCMP, U(end - 3), U("123"), 3));
	/*
	 * A length past the mapping: the bytes before the fault count, so
	 * a match or a difference there is found (a word that straddles
	 * the end of the mapping is read again byte by byte).
	 */
	EXPECT_EQ(2, OP(MEMCHR, U(end - 5), '1', 16));
	EXPECT_EQ(-1, OP(MEMCMP, U(end - 3), U("124456789abcdef"), 16));
	EXPECT_EQ(-EFAULT, OP(PARSE_U64, U(end - 3), 16, U(&val), 10));
	EXPECT_EQ(-EFAULT, OP(MEMCHR, U(end - 5), 'q', 16));
	EXPECT_EQ(-EFAULT, OP(MEMMOVE, U(end - 16), U(map), 32));
	EXPECT_EQ(3, OP(FORMAT_U64, U(end - 3), 3, 456, 10));
	EXPECT_EQ(0, memcmp(end - 3, "456", 3));
	EXPECT_EQ(300, OP(MEMMOVE, U(end - 300), U(end - 301), 300));
	EXPECT_EQ('5', end[-1]);
	/* One byte more does fault */
	EXPECT_EQ(-EFAULT, OP(MEMCHR, U(map), 'q', psz + 1));
	EXPECT_EQ(-EFAULT, OP(FORMAT_U64, U(end - 3), 4, 4567, 10));
	munmap(map, psz);
}

/* A program in C */

/* The argument of ops_sum.bpf.c's sum_file(), as it declares it. */
struct sum_args {
	__u64 path;
	__s64 dfd;
	__s64 out_fd;
	__u64 buf;
	__u64 size;
	__u64 sum;
	__u64 count;
};

/*
 * ops_sum.bpf.c, compiled by clang against script_bpf.h, chains openat,
 * read_min, close, parse_u64, format_u64 and write_all, each op's result
 * flowing into the next one's arguments: the op ids and argument orders
 * of script_bpf.h are the kernel's, and an op's error is the program's
 * to handle.
 */
TEST_F(ops, c_program_chains_ops)
{
	static const char nums[] = "12 7\n100,3 abc 0 x99";
	struct script_insn insns[512];
	struct sum_args args = { };
	struct script_attr attr = { };
	char log[512] = "", buf[256], out[32];
	int fd, p[2], fd0;
	ssize_t size;
	unsigned int n;

	fd = open("ops_sum.bpf.bin", O_RDONLY);
	ASSERT_LE(0, fd) TH_LOG("ops_sum.bpf.bin: %s", strerror(errno));
	size = read(fd, insns, sizeof(insns));
	close(fd);
	ASSERT_LT(0, size);
	ASSERT_EQ(0, size % sizeof(insns[0]));
	n = size / sizeof(insns[0]);
	close(mkfile(_metadata, self->dfd, "nums", nums, strlen(nums), O_RDONLY));
	ASSERT_EQ(0, pipe(p));
	fd0 = next_fd();

	args.path = U("nums");
	args.dfd = self->dfd;
	args.out_fd = p[1];
	args.buf = U(buf);
	args.size = sizeof(buf);
	attr.args[0] = U(&args);
	attr.log_buf = U(log);
	attr.log_size = sizeof(log);
	attr.log_level = SCRIPT_LOG_ERROR;
	script_attr_stack(&attr);
	ASSERT_EQ(0, script_run(&attr, insns, n)) TH_LOG("insn %u: %s", attr.pc, log);
	EXPECT_EQ(2, (long)attr.retval);
	EXPECT_EQ(12 + 7 + 100 + 3 + 0 + 99, args.sum);
	EXPECT_EQ(6, args.count);
	EXPECT_EQ(2, read(p[0], out, sizeof(out)));
	EXPECT_EQ(0, memcmp(out, "dd", 2));
	EXPECT_EQ(fd0, next_fd());	/* it closed what it opened */

	/* Errors, as the ops return them */
	args.path = U("missing");
	ASSERT_EQ(0, script_run(&attr, insns, n));
	EXPECT_EQ(-ENOENT, (long)attr.retval);
	args.path = U("nums");
	args.buf = BAD;
	ASSERT_EQ(0, script_run(&attr, insns, n));
	EXPECT_EQ(-EFAULT, (long)attr.retval);
	EXPECT_EQ(fd0, next_fd());
	args.buf = U(buf);
	args.out_fd = p[0];
	ASSERT_EQ(0, script_run(&attr, insns, n));
	EXPECT_EQ(-EBADF, (long)attr.retval);
	close(p[0]);
	close(p[1]);
}

/* The verifier */

TEST_F(ops, every_known_op_is_accepted)
{
	struct script_insn prog[] = { CALL_OP(0), EXIT };
	struct script_attr attr = { };
	int id;

	for (id = 1; id < __SCRIPT_OP_MAX; id++) {
		prog[0].imm = id;
		script_attr_prog(&attr, prog, ARRAY_LEN(prog));
		EXPECT_EQ(0, sys_script(SCRIPT_VERIFY, &attr, sizeof(attr)))
			TH_LOG("op %d: %s", id, strerror(errno));
	}
}

TEST_F(ops, unknown_op_is_rejected)
{
	static const int ids[] = {
		__SCRIPT_OP_MAX, __SCRIPT_OP_MAX + 1, 1000, SCRIPT_OP_UNSPEC,
	};
	struct script_insn prog[] = {
		MOV64_IMM(0, 0), CALL_OP(0), EXIT,
		/* never reached, and checked all the same */
		MOV64_IMM(0, 0), EXIT, CALL_OP(0), EXIT,
	};
	char log[256], want[64];
	unsigned int i, n;

	for (i = 0; i < 2 * ARRAY_LEN(ids); i++) {
		struct script_attr attr = { };
		int id = ids[i / 2];

		if (i % 2) {
			/* The same op past an exit no path reaches */
			prog[1] = MOV64_IMM(0, 1);
			prog[5] = CALL_OP(id);
			n = ARRAY_LEN(prog);
		} else {
			prog[1] = CALL_OP(id);
			n = 3;
		}
		memset(log, 'x', sizeof(log));
		script_attr_prog(&attr, prog, n);
		attr.log_buf = U(log);
		attr.log_size = sizeof(log);
		attr.log_level = SCRIPT_LOG_ERROR;
		EXPECT_EQ(-EINVAL, script_run(&attr, prog, n));
		EXPECT_EQ(i % 2 ? 5 : 1, attr.pc);
		snprintf(want, sizeof(want), "insn %d: unknown op %d\n", i % 2 ? 5 : 1, id);
		EXPECT_STREQ(want, log);
	}
}

TEST_HARNESS_MAIN
