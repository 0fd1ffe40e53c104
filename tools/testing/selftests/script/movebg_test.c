// SPDX-License-Identifier: GPL-2.0
/*
 * SCRIPT_OP_MOVE_BG: a move that goes on after script(2) returns.  Each
 * test starts moves with a two-instruction program (CALL_OP, EXIT) whose
 * r0 is the move's descriptor, and then watches the move from userspace:
 * a 64 MiB file moved to a pipe drained slowly, a close that cancels, the
 * per-user limit kernel.script_moves_max and user namespaces, a process
 * that exits or is killed mid-move or whose last user thread exits,
 * file to file with and without an offset, non-blocking files, sendfile's
 * errors, and the seccomp check; and that the move runs in a thread of
 * the caller's process, which stops with it, has its RLIMIT_FSIZE and
 * its UTS namespace, and ends when its credentials change.  A move that
 * let go of its pipe shows as end of file once the test closed its own
 * write end, so that no test needs to look inside the kernel to see that
 * nothing is left behind.  close() does not
 * wait for a cancelled move to let go: what follows a close polls, for
 * end of file or for room in the limit, for up to WAIT_MS.  Every wait is
 * bounded; the whole file takes a few seconds under QEMU TCG.
 */
#define _GNU_SOURCE
#include <assert.h>
#include <stdbool.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "script_util.h"

#define MOVES_MAX	"/proc/sys/kernel/script_moves_max"
#define MIB		(1024UL * 1024)
#define BIG		(64 * MIB)	/* the slowly drained move */
#define PERIOD		(MIB + 7)	/* the pattern repeats, at no power of 2 */
#define BIG_FD		9999		/* a descriptor that is not open */
#define RUN_FAILED	(-1000000L)	/* script(2) itself failed */
#define WAIT_MS		10000		/* the longest any one wait may take */
#define MOVE_COMM	"script-move\n"	/* the move's thread's name */

/* What the move passes seccomp as, as in kernel/script/ops.c */
#ifdef __NR_sendfile64
#define NR_SENDFILE	__NR_sendfile64
#else
#define NR_SENDFILE	__NR_sendfile
#endif

static_assert(sizeof(struct script_move_result) == 16, "script_move_result");

/* Byte i of every file and stream here is pat[i % PERIOD]. */
static unsigned char pat[PERIOD + MIB];

static void pat_init(void)
{
	__u32 x = 2463534242U;
	size_t i;

	if (pat[0] | pat[1])
		return;
	for (i = 0; i < sizeof(pat); i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		pat[i] = x >> 24;
	}
	memcpy(pat + PERIOD, pat, MIB);
}

/* The pattern from offset @off on, good for 1 MiB. */
static const unsigned char *pat_at(size_t off)
{
	return pat + off % PERIOD;
}

/* An unlinked file on /tmp holding @len bytes of the pattern: its fd. */
static int pattern_file(size_t len)
{
	char name[] = "/tmp/movebg.XXXXXX";
	size_t off, n;
	int fd;

	pat_init();
	fd = mkstemp(name);
	if (fd < 0)
		return -1;
	unlink(name);
	for (off = 0; off < len; off += n) {
		n = len - off < MIB ? len - off : MIB;
		if (write(fd, pat_at(off), n) != (ssize_t)n) {
			close(fd);
			return -1;
		}
	}
	lseek(fd, 0, SEEK_SET);
	return fd;
}

/* An empty unlinked file on /tmp, open read-write. */
static int empty_file(void)
{
	char name[] = "/tmp/movebg.XXXXXX";
	int fd = mkstemp(name);

	if (fd >= 0)
		unlink(name);
	return fd;
}

/*
 * move_bg(r1 out_fd, r2 in_fd, r3 off, r4 count) as "call op; exit": the
 * op's r0, or RUN_FAILED.
 */
static long move_bg(int out_fd, int in_fd, long long off,
		    unsigned long long count)
{
	const struct script_insn prog[] = {
		CALL_OP(SCRIPT_OP_MOVE_BG),
		EXIT,
	};
	struct script_attr attr = { };

	attr.args[0] = out_fd;
	attr.args[1] = in_fd;
	attr.args[2] = (__u64)off;
	attr.args[3] = count;
	if (script_run(&attr, prog, ARRAY_LEN(prog)))
		return RUN_FAILED;
	return (long)attr.retval;
}

/* 1 when @fd polls readable within @ms, 0 when not, -errno. */
static int readable(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int r = poll(&pfd, 1, ms);

	return r < 0 ? -errno : r;
}

/* Waits up to WAIT_MS for a move's end and reads its result: 0 or -errno. */
static int move_result(int mfd, struct script_move_result *res)
{
	ssize_t n;

	if (readable(mfd, WAIT_MS) != 1)
		return -ETIMEDOUT;
	memset(res, 0xa5, sizeof(*res));
	n = read(mfd, res, sizeof(*res));
	if (n < 0)
		return -errno;
	return n == sizeof(*res) ? 0 : -EIO;
}

/* Descriptors open in this process. */
static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -errno;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1;	/* not the directory's own */
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Waits up to WAIT_MS for the pipe read at @rfd to be full: 0, or -1. */
static int pipe_full(int rfd)
{
	int size = fcntl(rfd, F_GETPIPE_SZ), queued, i;

	for (i = 0; i < WAIT_MS; i++) {
		if (ioctl(rfd, FIONREAD, &queued))
			return -1;
		if (queued >= size)
			return 0;
		usleep(1000);
	}
	return -1;
}

/*
 * Reads the pipe at @rfd, whose bytes are the pattern from @start on, to
 * its end, which must come within WAIT_MS (@ms 0: to what it holds now):
 * @start plus the bytes read, or -1.
 */
static long drain_from(int rfd, long start, int ms)
{
	static char buf[1 << 16];
	long total = start;
	ssize_t n;

	for (;;) {
		n = readable(rfd, ms);
		if (n != 1)
			return !n && !ms ? total : -1;
		n = read(rfd, buf, sizeof(buf));
		if (n <= 0)
			return n ? -1 : total;
		if (memcmp(buf, pat_at(total), n))
			return -1;
		total += n;
	}
}

/* Reads the pipe at @rfd to its end: the bytes, the pattern from 0, or -1. */
static long drain(int rfd)
{
	return drain_from(rfd, 0, WAIT_MS);
}

/* Threads of this process named @comm (with its newline), or -errno. */
static int count_threads(const char *comm)
{
	DIR *d = opendir("/proc/self/task");
	char path[sizeof(((struct dirent *)0)->d_name) + 32], name[32];
	struct dirent *e;
	int n = 0;

	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm",
			 e->d_name);
		if (!read_file(path, name, sizeof(name)))
			n += !strcmp(name, comm);
	}
	closedir(d);
	return n;
}

/* The line of /proc/self/fdinfo/@fd that starts with @key, in @line. */
static int fdinfo_line(int fd, const char *key, char *line, size_t size)
{
	char path[64];
	FILE *f;
	int ret = -ENOENT;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, size, f))
		if (!strncmp(line, key, strlen(key))) {
			ret = 0;
			break;
		}
	fclose(f);
	return ret;
}

/*
 * 64 MiB from a file on tmpfs to a pipe that this process drains slowly
 * after script(2) has returned.  The move cannot end while more than a
 * pipe's worth is still to be read; it ends once all is read, with every
 * byte in order, and then has let go of the pipe.
 */
TEST(big_file_to_slow_pipe)
{
	static char buf[1 << 16];
	struct script_move_result res;
	int in, p[2], mfd, psz, reads = 0, early = 0;
	char line[128];
	size_t got = 0;
	ssize_t n;

	in = pattern_file(BIG);
	ASSERT_LE(0, in);
	ASSERT_EQ(0, pipe(p));
	psz = fcntl(p[1], F_GETPIPE_SZ);
	ASSERT_LT(0, psz);

	mfd = move_bg(p[1], in, 0, BIG);
	ASSERT_LE(0, mfd) TH_LOG("move_bg: %ld", (long)mfd);
	/* script(2) has returned: the move is going on */
	EXPECT_EQ(0, readable(mfd, 0));
	EXPECT_EQ(FD_CLOEXEC, fcntl(mfd, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(O_RDONLY, fcntl(mfd, F_GETFL) & O_ACCMODE);
	EXPECT_EQ(0, fdinfo_line(mfd, "script-done:", line, sizeof(line)));
	EXPECT_STREQ("script-done:\t0\n", line);
	/* The move holds its own reference to the pipe */
	close(p[1]);

	while (got < BIG) {
		n = read(p[0], buf, sizeof(buf));
		if (n <= 0 || memcmp(buf, pat_at(got), n))
			break;
		got += n;
		if (got + psz < BIG && readable(mfd, 0))
			early++;
		if (++reads % 16 == 0)
			usleep(1000);
	}
	EXPECT_EQ(BIG, got);
	EXPECT_EQ(0, early);

	ASSERT_EQ(0, move_result(mfd, &res));
	EXPECT_EQ(BIG, res.moved);
	EXPECT_EQ(0, res.error);
	EXPECT_EQ(0, res.__pad);
	/* It let go of the pipe: end of file */
	EXPECT_EQ(0, drain(p[0]));
	/* The explicit offset left in_fd's position alone */
	EXPECT_EQ(0, lseek(in, 0, SEEK_CUR));

	/* Every read gives the result again; a short one is EINVAL */
	memset(&res, 0, sizeof(res));
	EXPECT_EQ(sizeof(res), read(mfd, &res, sizeof(res)));
	EXPECT_EQ(BIG, res.moved);
	EXPECT_EQ(sizeof(res), read(mfd, buf, sizeof(res) + 100));
	EXPECT_EQ(-1, read(mfd, buf, sizeof(res) - 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(1, readable(mfd, 0));
	EXPECT_EQ(-1, write(mfd, buf, 1));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(0, fdinfo_line(mfd, "script-moved:", line, sizeof(line)));
	EXPECT_STREQ("script-moved:\t67108864\n", line);
	EXPECT_EQ(0, fdinfo_line(mfd, "script-error:", line, sizeof(line)));
	EXPECT_STREQ("script-error:\t0\n", line);
	EXPECT_EQ(0, close(mfd));
	close(p[0]);
	close(in);
}

/*
 * Closing the descriptor of a move blocked on a full pipe cancels it:
 * close() returns at once, without waiting for the move, no descriptor is
 * left, and the move lets go of the pipe soon after: the pipe holds what
 * it wrote and then ends (drain() waits for the end), well before the
 * 4 MiB.  The cancel is asynchronous: a write that finds room while the
 * move has not yet seen it (drain() makes room) may still land, as a
 * write(2) already under way when a signal comes does.
 */
TEST(close_cancels)
{
	int in, p[2], mfd, before;
	long long t, moved;

	in = pattern_file(4 * MIB);
	ASSERT_LE(0, in);
	ASSERT_EQ(0, pipe(p));
	before = count_fds();
	ASSERT_LT(0, before);

	mfd = move_bg(p[1], in, 0, 4 * MIB);
	ASSERT_LE(0, mfd) TH_LOG("move_bg: %ld", (long)mfd);
	ASSERT_EQ(0, pipe_full(p[0]));
	EXPECT_EQ(0, readable(mfd, 0));

	t = now_ms();
	alarm(WAIT_MS / 1000);
	EXPECT_EQ(0, close(mfd));
	alarm(0);
	EXPECT_GT(5000, now_ms() - t);
	EXPECT_EQ(before, count_fds());

	close(p[1]);
	moved = drain(p[0]);
	EXPECT_LE(fcntl(p[0], F_GETPIPE_SZ), moved);
	EXPECT_GT(4 * MIB, moved);
	close(p[0]);
	close(in);
}

/* A move read before its end: EAGAIN when non-blocking, else it waits. */
TEST(read_waits)
{
	struct script_move_result res;
	int in, p[2], mfd, status;
	pid_t pid;

	in = pattern_file(MIB);
	ASSERT_LE(0, in);
	ASSERT_EQ(0, pipe(p));
	mfd = move_bg(p[1], in, 0, MIB);
	ASSERT_LE(0, mfd) TH_LOG("move_bg: %ld", (long)mfd);
	close(p[1]);
	ASSERT_EQ(0, pipe_full(p[0]));

	ASSERT_EQ(0, fcntl(mfd, F_SETFL, O_NONBLOCK));
	EXPECT_EQ(-1, read(mfd, &res, sizeof(res)));
	EXPECT_EQ(EAGAIN, errno);
	ASSERT_EQ(0, fcntl(mfd, F_SETFL, 0));

	/* A child drains the pipe while this read waits for the end */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		usleep(50000);
		_exit(drain(p[0]) == MIB ? 0 : 1);
	}
	alarm(WAIT_MS / 1000);
	memset(&res, 0xa5, sizeof(res));
	EXPECT_EQ(sizeof(res), read(mfd, &res, sizeof(res)));
	alarm(0);
	EXPECT_EQ(MIB, res.moved);
	EXPECT_EQ(0, res.error);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	close(mfd);
	close(p[0]);
	close(in);
}

/* File to file: from an offset, from in_fd's position, and count 0. */
TEST(file_to_file)
{
	static unsigned char buf[2 * MIB];
	struct script_move_result res;
	int in, out, mfd;
	long first = 300000, second = MIB - 12345;

	in = pattern_file(MIB);
	ASSERT_LE(0, in);
	out = empty_file();
	ASSERT_LE(0, out);
	ASSERT_EQ(12345, lseek(in, 12345, SEEK_SET));

	/* From offset 4096: in_fd's position stays, out_fd's advances */
	mfd = move_bg(out, in, 4096, first);
	ASSERT_LE(0, mfd) TH_LOG("move_bg: %ld", (long)mfd);
	ASSERT_EQ(0, move_result(mfd, &res));
	EXPECT_EQ(first, res.moved);
	EXPECT_EQ(0, res.error);
	close(mfd);
	EXPECT_EQ(12345, lseek(in, 0, SEEK_CUR));
	EXPECT_EQ(first, lseek(out, 0, SEEK_CUR));

	/* From in_fd's position (r3 negative), which stays; to end of file */
	mfd = move_bg(out, in, -1, 2 * MIB);
	ASSERT_LE(0, mfd) TH_LOG("move_bg: %ld", (long)mfd);
	ASSERT_EQ(0, move_result(mfd, &res));
	EXPECT_EQ(second, res.moved);
	EXPECT_EQ(0, res.error);
	close(mfd);
	EXPECT_EQ(12345, lseek(in, 0, SEEK_CUR));
	EXPECT_EQ(first + second, lseek(out, 0, SEEK_CUR));

	ASSERT_EQ(first + second, pread(out, buf, sizeof(buf), 0));
	EXPECT_EQ(0, memcmp(buf, pat_at(4096), first));
	EXPECT_EQ(0, memcmp(buf + first, pat_at(12345), second));

	/* Nothing to move: it ends at once */
	mfd = move_bg(out, in, 0, 0);
	ASSERT_LE(0, mfd) TH_LOG("move_bg: %ld", (long)mfd);
	ASSERT_EQ(0, move_result(mfd, &res));
	EXPECT_EQ(0, res.moved);
	EXPECT_EQ(0, res.error);
	close(mfd);
	/* At end of file: 0 bytes, no error */
	mfd = move_bg(out, in, MIB, 10);
	ASSERT_LE(0, mfd) TH_LOG("move_bg: %ld", (long)mfd);
	ASSERT_EQ(0, move_result(mfd, &res));
	EXPECT_EQ(0, res.moved);
	EXPECT_EQ(0, res.error);
	close(mfd);

	/* do_splice_direct() refuses an O_APPEND out_fd */
	ASSERT_EQ(0, fcntl(out, F_SETFL, O_APPEND));
	EXPECT_EQ(-EINVAL, move_bg(out, in, 0, 10));
	close(out);
	close(in);
}

/* -errno of sendfile(2) with the same arguments */
static long sendfile_err(int out_fd, int in_fd, long long off, size_t count)
{
	off_t o = off;

	if (sendfile(out_fd, in_fd, off < 0 ? NULL : &o, count) < 0)
		return -errno;
	return 0;
}

enum { PIPE_R, PIPE_W, RDWR, WRONLY, NONE, NR_FDS };

/* sendfile's errors, in its order, and no descriptor left behind. */
TEST(errors_like_sendfile)
{
	static const struct {
		int out, in;
		long long off;
		long err;
	} cases[] = {
		{ PIPE_W, NONE, -1, -EBADF },	/* in_fd not open */
		{ NONE, NONE, -1, -EBADF },	/* in_fd first */
		{ PIPE_W, WRONLY, -1, -EBADF },	/* in_fd not open for reading */
		{ NONE, RDWR, -1, -EBADF },	/* out_fd not open */
		{ PIPE_R, RDWR, 0, -EBADF },	/* out_fd not open for writing */
		{ PIPE_W, PIPE_R, 0, -ESPIPE },	/* an offset in a pipe */
		{ NONE, PIPE_R, 0, -ESPIPE },	/* that before out_fd */
	};
	int p[2], fds[NR_FDS], before;
	unsigned int i;

	ASSERT_EQ(0, pipe(p));
	fds[PIPE_R] = p[0];
	fds[PIPE_W] = p[1];
	fds[RDWR] = pattern_file(4096);
	ASSERT_LE(0, fds[RDWR]);
	fds[WRONLY] = open("/dev/null", O_WRONLY);
	ASSERT_LE(0, fds[WRONLY]);
	fds[NONE] = BIG_FD;
	before = count_fds();
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		int out = fds[cases[i].out], in = fds[cases[i].in];

		EXPECT_EQ(cases[i].err, sendfile_err(out, in, cases[i].off, 10))
			TH_LOG("case %u", i);
		EXPECT_EQ(cases[i].err, move_bg(out, in, cases[i].off, 10))
			TH_LOG("case %u", i);
	}
	/* Beyond sendfile: what the first splice would refuse */
	EXPECT_EQ(-EINVAL, move_bg(p[1], p[0], -1, 10));	/* cannot seek */
	EXPECT_EQ(-EINVAL, move_bg(p[1], fds[RDWR], 0, 1ULL << 40));
	EXPECT_EQ(before, count_fds());
	close(fds[WRONLY]);
	close(fds[RDWR]);
	close(p[0]);
	close(p[1]);
}

/* kernel.script_moves_max, set to 2 for each test and put back after */
FIXTURE(limit) {
	char saved[32];
	int in;
};

FIXTURE_SETUP(limit)
{
	int err;

	self->in = pattern_file(MIB);
	ASSERT_LE(0, self->in);
	err = read_file(MOVES_MAX, self->saved, sizeof(self->saved));
	if (err == -ENOENT)
		SKIP(return, MOVES_MAX " is missing");
	ASSERT_EQ(0, err);
	/* Last: a failed setup has no teardown to put the value back. */
	err = write_file(MOVES_MAX, "2");
	if (err == -EACCES || err == -EPERM)
		SKIP(return, "cannot set " MOVES_MAX);
	ASSERT_EQ(0, err);
}

FIXTURE_TEARDOWN(limit)
{
	if (self->in >= 0)
		close(self->in);
	if (self->saved[0])
		EXPECT_EQ(0, write_file(MOVES_MAX, self->saved));
}

/*
 * Starts a move of the test file into a new pipe, whose ends go to @p:
 * the move's descriptor, or the op's error.
 */
static long start(int in, int p[2])
{
	if (pipe(p))
		return -errno;
	return move_bg(p[1], in, 0, MIB);
}

/*
 * move_bg() again while it is EAGAIN, for up to WAIT_MS: a cancelled
 * move's thread gives its place in the limit back soon after close(),
 * which does not wait for it.
 */
static long move_bg_retry(int out_fd, int in_fd, long long off,
			  unsigned long long count)
{
	long long end = now_ms() + WAIT_MS;
	long r;

	while ((r = move_bg(out_fd, in_fd, off, count)) == -EAGAIN &&
	       now_ms() < end)
		usleep(1000);
	return r;
}

/* start(), once a cancelled move has given its place back. */
static long start_retry(int in, int p[2])
{
	if (pipe(p))
		return -errno;
	return move_bg_retry(p[1], in, 0, MIB);
}

static void close_all(int *fds, int n)
{
	while (n--)
		if (fds[n] >= 0)
			close(fds[n]);
}

/*
 * Moves into pipes nobody drains stay in flight: two start, a third is
 * EAGAIN; closing one makes room once its thread has let go, and a move
 * that has ended counts no more.  0 refuses every move.
 */
TEST_F(limit, eagain_at_the_limit)
{
	struct script_move_result res;
	int p[4][2], q[2], m[4] = { -1, -1, -1, -1 }, before;
	long r;

	m[0] = start(self->in, p[0]);
	ASSERT_LE(0, m[0]) TH_LOG("move_bg: %d", m[0]);
	m[1] = start(self->in, p[1]);
	ASSERT_LE(0, m[1]) TH_LOG("move_bg: %d", m[1]);
	before = count_fds();
	EXPECT_EQ(-EAGAIN, move_bg(p[0][1], self->in, 0, MIB));
	EXPECT_EQ(before, count_fds());

	/* Closing one lets another start, soon */
	ASSERT_EQ(0, close(m[0]));
	m[0] = -1;
	m[2] = start_retry(self->in, p[2]);
	EXPECT_LE(0, m[2]) TH_LOG("move_bg: %d", m[2]);
	EXPECT_EQ(-EAGAIN, move_bg(p[2][1], self->in, 0, MIB));

	/* A move that ended counts no more, even with its descriptor open */
	ASSERT_EQ(0, close(m[1]));
	m[1] = -1;
	ASSERT_EQ(0, pipe(q));
	r = move_bg_retry(q[1], self->in, 0, 1000);
	ASSERT_LE(0, r) TH_LOG("move_bg: %ld", r);
	ASSERT_EQ(0, move_result(r, &res));
	EXPECT_EQ(1000, res.moved);
	m[3] = start(self->in, p[3]);
	EXPECT_LE(0, m[3]) TH_LOG("move_bg: %d", m[3]);
	EXPECT_EQ(-EAGAIN, move_bg(q[1], self->in, 0, MIB));
	close(r);
	close_all(q, 2);

	/* 0: none */
	ASSERT_EQ(0, write_file(MOVES_MAX, "0"));
	close(m[2]);
	m[2] = -1;
	EXPECT_EQ(-EAGAIN, move_bg(p[2][1], self->in, 0, MIB));

	close_all(m, 4);
	close_all(p[0], 2);
	close_all(p[1], 2);
	close_all(p[2], 2);
	close_all(p[3], 2);
}

/*
 * A child starts a move into a pipe nobody drains and exits (with @sig,
 * kills it): it exits at once, the move ends and lets go of the pipe, and
 * the count of moves in flight comes back, so that two start again.
 */
static void child_mid_move(struct __test_metadata *_metadata, int in, int sig)
{
	int p[2], ready[2], m[3] = { -1, -1, -1 }, pp[3][2], status, i;
	long long t;
	char c = 0;
	pid_t pid;

	memset(pp, -1, sizeof(pp));
	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, pipe(ready));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(ready[0]);
		c = move_bg(p[1], in, 0, MIB) >= 0 && !pipe_full(p[0]);
		if (write(ready[1], &c, 1) != 1 || !c)
			_exit(1);
		if (sig)
			pause();
		_exit(0);
	}
	close(p[1]);
	close(ready[1]);
	ASSERT_EQ(1, readable(ready[0], WAIT_MS));
	ASSERT_EQ(1, read(ready[0], &c, 1));
	ASSERT_EQ(1, c);
	close(ready[0]);

	t = now_ms();
	if (sig)
		kill(pid, sig);
	alarm(WAIT_MS / 1000);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	alarm(0);
	EXPECT_GT(5000, now_ms() - t);
	if (sig) {
		EXPECT_TRUE(WIFSIGNALED(status));
	} else {
		EXPECT_TRUE(WIFEXITED(status));
		EXPECT_EQ(0, WEXITSTATUS(status));
	}

	/* The move let go of the pipe: what it wrote, then end of file */
	EXPECT_EQ(fcntl(p[0], F_GETPIPE_SZ), drain(p[0]));
	close(p[0]);

	/*
	 * The exit, clean or not, SIGKILLed the move's thread, and the child
	 * was reaped only once all its threads had exited, the move's too,
	 * which gave back its place in the limit before: no wait is needed.
	 */
	m[0] = start(in, pp[0]);
	EXPECT_LE(0, m[0]) TH_LOG("move_bg: %d", m[0]);
	m[1] = start(in, pp[1]);
	EXPECT_LE(0, m[1]) TH_LOG("move_bg: %d", m[1]);
	m[2] = start(in, pp[2]);
	EXPECT_EQ(-EAGAIN, m[2]);
	close_all(m, 3);
	for (i = 0; i < 3; i++)
		close_all(pp[i], 2);
}

TEST_F(limit, process_exit_mid_move)
{
	child_mid_move(_metadata, self->in, 0);
}

TEST_F(limit, process_killed_mid_move)
{
	child_mid_move(_metadata, self->in, SIGKILL);
}

/*
 * The move runs in a thread of this process, named script-move, while it
 * is in flight; a cancel ends the thread soon after close(), which does
 * not wait for it, and the thread has let go of the pipe by then.
 */
TEST(a_thread_of_the_caller)
{
	int in, p[2], mfd, i;

	in = pattern_file(4 * MIB);
	ASSERT_LE(0, in);
	ASSERT_EQ(0, pipe(p));
	EXPECT_EQ(0, count_threads(MOVE_COMM));
	mfd = move_bg(p[1], in, 0, 4 * MIB);
	ASSERT_LE(0, mfd) TH_LOG("move_bg: %ld", (long)mfd);
	close(p[1]);
	ASSERT_EQ(0, pipe_full(p[0]));
	EXPECT_EQ(1, count_threads(MOVE_COMM));

	EXPECT_EQ(0, close(mfd));
	for (i = 0; i < WAIT_MS && count_threads(MOVE_COMM) > 0; i++)
		usleep(1000);
	EXPECT_EQ(0, count_threads(MOVE_COMM));
	/* Gone: it had let go of the pipe, which ends at once */
	EXPECT_EQ(fcntl(p[0], F_GETPIPE_SZ), drain_from(p[0], 0, 0));
	EXPECT_EQ(1, readable(p[0], 0));
	EXPECT_EQ(0, read(p[0], &i, sizeof(i)));
	close(p[0]);
	close(in);
}

/*
 * The move's thread stops and continues with its process: once waitpid()
 * reports a child that started a move into a pipe stopped, which it does
 * only when all the child's threads have stopped, nothing more comes
 * through the pipe; after SIGCONT the rest comes, in order.
 */
TEST(stops_with_the_process)
{
	int in, p[2], ready[2], status;
	char c = 0;
	long got;
	pid_t pid;

	in = pattern_file(4 * MIB);
	ASSERT_LE(0, in);
	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, pipe(ready));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct script_move_result res;
		long mfd;

		alarm(3 * WAIT_MS / 1000);
		close(ready[0]);
		close(p[0]);
		mfd = move_bg(p[1], in, 0, 4 * MIB);
		close(p[1]);
		c = mfd >= 0;
		if (write(ready[1], &c, 1) != 1 || !c)
			_exit(1);
		if (read(mfd, &res, sizeof(res)) != sizeof(res))
			_exit(2);
		_exit(res.moved == 4 * MIB && !res.error ? 0 : 3);
	}
	close(p[1]);
	close(ready[1]);
	ASSERT_EQ(1, readable(ready[0], WAIT_MS));
	ASSERT_EQ(1, read(ready[0], &c, 1));
	ASSERT_EQ(1, c);
	close(ready[0]);
	ASSERT_EQ(0, pipe_full(p[0]));

	ASSERT_EQ(0, kill(pid, SIGSTOP));
	alarm(WAIT_MS / 1000);
	ASSERT_EQ(pid, waitpid(pid, &status, WUNTRACED));
	alarm(0);
	ASSERT_TRUE(WIFSTOPPED(status));
	/* What the move wrote before it stopped, then nothing */
	got = drain_from(p[0], 0, 0);
	EXPECT_LT(0, got);
	EXPECT_EQ(0, readable(p[0], 300));

	ASSERT_EQ(0, kill(pid, SIGCONT));
	EXPECT_EQ(4 * MIB, drain_from(p[0], got, WAIT_MS));
	alarm(WAIT_MS / 1000);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	alarm(0);
	EXPECT_TRUE(WIFEXITED(status)) TH_LOG("status %#x", status);
	EXPECT_EQ(0, WEXITSTATUS(status));
	close(p[0]);
	close(in);
}

#define FSIZE	100000	/* RLIMIT_FSIZE for file_size_limit */

/*
 * The move writes under its process's RLIMIT_FSIZE: a file-to-file move
 * stops at the limit with EFBIG, and the process, which SIGXFSZ would kill
 * with a core dump, gets no signal.
 */
TEST(file_size_limit)
{
	static unsigned char buf[2 * FSIZE];
	int in, out, status;
	pid_t pid;

	in = pattern_file(MIB);
	ASSERT_LE(0, in);
	out = empty_file();
	ASSERT_LE(0, out);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct script_move_result res;
		struct rlimit rl;
		long mfd;

		if (getrlimit(RLIMIT_FSIZE, &rl))
			_exit(10);
		rl.rlim_cur = FSIZE;
		if (setrlimit(RLIMIT_FSIZE, &rl))
			_exit(11);
		mfd = move_bg(out, in, 0, MIB);
		if (mfd < 0)
			_exit(12);
		if (move_result(mfd, &res))
			_exit(13);
		if (res.moved != FSIZE)
			_exit(14);
		_exit(res.error == -EFBIG ? 0 : 15);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status)) TH_LOG("status %#x", status);
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* The child's move advanced the position they share */
	EXPECT_EQ(FSIZE, lseek(out, 0, SEEK_CUR));
	EXPECT_EQ(FSIZE, pread(out, buf, sizeof(buf), 0));
	EXPECT_EQ(0, memcmp(buf, pat_at(0), FSIZE));
	close(out);
	close(in);
}

/*
 * The move reads through its process's namespaces: in a child with a UTS
 * namespace of its own, /proc/sys/kernel/hostname moved to a pipe gives
 * the child's host name.
 */
TEST(namespaces_of_the_caller)
{
	static const char name[] = "movebg-uts";
	char buf[128];
	int p[2], status;
	ssize_t n;
	pid_t pid;

	ASSERT_EQ(0, pipe(p));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct script_move_result res;
		long mfd;
		int in;

		close(p[0]);
		if (unshare(CLONE_NEWUTS))
			_exit(errno == EINVAL || errno == EPERM ? 4 : 10);
		if (sethostname(name, strlen(name)))
			_exit(11);
		in = open("/proc/sys/kernel/hostname", O_RDONLY);
		if (in < 0)
			_exit(errno == ENOENT ? 4 : 12);
		mfd = move_bg(p[1], in, 0, sizeof(buf));
		if (mfd < 0)
			_exit(13);
		if (move_result(mfd, &res) || res.error)
			_exit(14);
		_exit(res.moved == (long long)strlen(name) + 1 ? 0 : 15);
	}
	close(p[1]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status)) TH_LOG("status %#x", status);
	if (WEXITSTATUS(status) == 4)
		SKIP(return, "no UTS namespaces or /proc/sys here");
	EXPECT_EQ(0, WEXITSTATUS(status));
	n = read(p[0], buf, sizeof(buf) - 1);
	ASSERT_LT(0, n);
	buf[n] = 0;
	EXPECT_STREQ("movebg-uts\n", buf);
	close(p[0]);
}

/* Classic BPF for a seccomp filter; the argument halves of x86_64 */
#define LD(off)		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (off))
#define JEQ(k, jt, jf)	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (k), (jt), (jf))
#define RET(v)		BPF_STMT(BPF_RET | BPF_K, (v))
#define ERR(e)		RET(SECCOMP_RET_ERRNO | (e))
#define ARG_LO(n)	(offsetof(struct seccomp_data, args) + 8 * (n))
#define ARG_HI(n)	(ARG_LO(n) + 4)

/*
 * The move passes the caller's seccomp filters once, as
 * sendfile(out_fd, in_fd, offset, count), before anything else, with a
 * NULL offset for in_fd's position.
 */
TEST(seccomp_as_sendfile)
{
#ifdef __x86_64__
	struct sock_filter insns[] = {
		LD(offsetof(struct seccomp_data, arch)),
		JEQ(AUDIT_ARCH_X86_64, 1, 0),
		ERR(EBADSLT),
		LD(offsetof(struct seccomp_data, nr)),
		JEQ(NR_SENDFILE, 1, 0),
		RET(SECCOMP_RET_ALLOW),
		LD(ARG_LO(0)), JEQ(BIG_FD, 0, 1), ERR(EXDEV),
		LD(ARG_LO(3)), JEQ(777, 0, 1), ERR(EMLINK),
		LD(ARG_LO(2)), JEQ(4096, 0, 1), ERR(ENOTNAM),
		/* 555 bytes with a NULL offset */
		LD(ARG_LO(3)), JEQ(555, 0, 5),
		LD(ARG_LO(2)), JEQ(0, 0, 3),
		LD(ARG_HI(2)), JEQ(0, 0, 1),
		ERR(ENOLINK),
		RET(SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = ARRAY_LEN(insns), .filter = insns };
	int in, p[2], before, status;
	pid_t pid;

	in = pattern_file(4096);
	ASSERT_LE(0, in);
	ASSERT_EQ(0, pipe(p));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		long r;

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
		    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog))
			_exit(10);
		before = count_fds();
		/* Before the descriptors are looked at */
		if (move_bg(BIG_FD, in, -1, 10) != -EXDEV)
			_exit(11);
		if (move_bg(p[1], in, -1, 777) != -EMLINK)
			_exit(12);
		if (move_bg(p[1], in, 4096, 10) != -ENOTNAM)
			_exit(13);
		if (move_bg(p[1], in, -1, 555) != -ENOLINK)
			_exit(14);
		if (count_fds() != before)
			_exit(15);
		r = move_bg(p[1], in, 100, 555);
		if (r < 0)
			_exit(16);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	close(p[0]);
	close(p[1]);
	close(in);
#else
	SKIP(return, "the filter is written for x86_64");
#endif
}

/*
 * Waits up to WAIT_MS for child @pid to end, polling: 0 with its status
 * in *@status, or -ETIMEDOUT once it has been killed and reaped, so that
 * a child that never ends fails the test rather than hanging it.
 */
static int wait_child(pid_t pid, int *status)
{
	long long end = now_ms() + WAIT_MS;
	pid_t r;

	while ((r = waitpid(pid, status, WNOHANG)) == 0 && now_ms() < end)
		usleep(2000);
	if (r == pid)
		return 0;
	kill(pid, SIGKILL);
	waitpid(pid, status, 0);
	return r < 0 ? -errno : -ETIMEDOUT;
}

enum last_exit { EXIT_SYSCALL, KILL_THREAD };

/*
 * A child, single-threaded, exits with its only user thread in one of the
 * ways that end a thread and not its process: exit(2) itself (what
 * pthread_exit() of the last thread is, done without the C library's
 * count of threads), or a seccomp filter's SECCOMP_RET_KILL_THREAD.  With
 * @move, it has a move into a full pipe going first; with @shared, a
 * process it forked holds the move's descriptor too.  Its wait status,
 * or -1 when it did not end within WAIT_MS.
 */
static int last_thread_exits(struct __test_metadata *_metadata, int in,
			     enum last_exit how, bool move, bool shared)
{
#ifdef __x86_64__
	struct sock_filter insns[] = {
		LD(offsetof(struct seccomp_data, arch)),
		JEQ(AUDIT_ARCH_X86_64, 1, 0),
		RET(SECCOMP_RET_ALLOW),
		LD(offsetof(struct seccomp_data, nr)),
		JEQ(__NR_getppid, 0, 1),
		RET(SECCOMP_RET_KILL_THREAD),
		RET(SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = ARRAY_LEN(insns), .filter = insns };
#endif
	int p[2], gp[2], status = -1;
	pid_t pid, holder = 0;
	long moved;

	if (pipe(p) || pipe(gp))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		struct rlimit core = { 0, 0 };

		setrlimit(RLIMIT_CORE, &core);
		if (move && (move_bg(p[1], in, 0, 4 * MIB) < 0 || pipe_full(p[0])))
			_exit(20);
		if (shared) {
			holder = fork();
			if (!holder) {
				/* Only the move's descriptor, for a while */
				close(p[0]);
				close(p[1]);
				alarm(3 * WAIT_MS / 1000);
				pause();
				_exit(0);
			}
		}
		if (write(gp[1], &holder, sizeof(holder)) != sizeof(holder))
			_exit(23);
		if (how == EXIT_SYSCALL)
			syscall(__NR_exit, 3);
#ifdef __x86_64__
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
		    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog))
			_exit(21);
		syscall(__NR_getppid);
#endif
		_exit(22);
	}
	close(p[1]);
	close(gp[1]);
	if (wait_child(pid, &status))
		status = -1;
	/* With its process gone, the move has let go of the pipe */
	moved = drain_from(p[0], 0, status == -1 ? 0 : WAIT_MS);
	EXPECT_EQ(move ? fcntl(p[0], F_GETPIPE_SZ) : 0, moved);
	close(p[0]);
	if (read(gp[0], &holder, sizeof(holder)) == sizeof(holder) && holder > 0) {
		kill(holder, SIGKILL);
		waitpid(holder, NULL, 0);
	}
	close(gp[0]);
	return status;
}

/*
 * The process's only user thread calls exit(2) while a move is going on:
 * the process ends, with the status it has without a move (exit code 3),
 * and the move lets go of its pipe.
 */
TEST(last_user_thread_exit)
{
	int in = pattern_file(4 * MIB), status;

	ASSERT_LE(0, in);
	status = last_thread_exits(_metadata, in, EXIT_SYSCALL, false, false);
	ASSERT_TRUE(WIFEXITED(status)) TH_LOG("status %#x", status);
	ASSERT_EQ(3, WEXITSTATUS(status));
	status = last_thread_exits(_metadata, in, EXIT_SYSCALL, true, false);
	EXPECT_NE(-1, status) TH_LOG("the process outlived its last user thread");
	EXPECT_TRUE(WIFEXITED(status)) TH_LOG("status %#x", status);
	EXPECT_EQ(3, WEXITSTATUS(status));
	close(in);
}

/* The same when a process it forked still holds the move's descriptor. */
TEST(last_user_thread_exit_descriptor_shared)
{
	int in = pattern_file(4 * MIB), status;

	ASSERT_LE(0, in);
	status = last_thread_exits(_metadata, in, EXIT_SYSCALL, true, true);
	EXPECT_NE(-1, status) TH_LOG("the process outlived its last user thread");
	EXPECT_TRUE(WIFEXITED(status)) TH_LOG("status %#x", status);
	EXPECT_EQ(3, WEXITSTATUS(status));
	close(in);
}

/*
 * The same with seccomp's SECCOMP_RET_KILL_THREAD: the process ends by
 * SIGSYS, as it does without a move.
 */
TEST(last_user_thread_killed_by_seccomp)
{
#ifdef __x86_64__
	int in = pattern_file(4 * MIB), status;

	ASSERT_LE(0, in);
	status = last_thread_exits(_metadata, in, KILL_THREAD, false, false);
	ASSERT_TRUE(WIFSIGNALED(status)) TH_LOG("status %#x", status);
	ASSERT_EQ(SIGSYS, WTERMSIG(status));
	status = last_thread_exits(_metadata, in, KILL_THREAD, true, false);
	EXPECT_NE(-1, status) TH_LOG("the process outlived its last user thread");
	EXPECT_TRUE(WIFSIGNALED(status)) TH_LOG("status %#x", status);
	EXPECT_EQ(SIGSYS, WTERMSIG(status));
	close(in);
#else
	SKIP(return, "the filter is written for x86_64");
#endif
}

#define NOBODY	65534

/*
 * A root process starts a move, then gives up root with setresuid(2):
 * the move does not go on with root's credentials.  The chunk under way
 * (at most 1 MiB, blocked on the full pipe) completes, and the move ends
 * there with EPERM, where it would otherwise move all 4 MiB.
 */
TEST(credentials_change_ends_the_move)
{
	int in, p[2], ready[2], status;
	char c = 0;
	long got;
	pid_t pid;

	if (geteuid())
		SKIP(return, "needs root");
	in = pattern_file(4 * MIB);
	ASSERT_LE(0, in);
	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, pipe(ready));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct script_move_result res;
		long mfd;

		close(ready[0]);
		mfd = move_bg(p[1], in, 0, 4 * MIB);
		close(p[1]);
		if (mfd < 0 || pipe_full(p[0]))
			_exit(10);
		close(p[0]);
		if (setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY))
			_exit(11);
		c = 1;
		if (write(ready[1], &c, 1) != 1)
			_exit(12);
		if (move_result(mfd, &res))
			_exit(13);
		if (res.error != -EPERM)
			_exit(14);
		_exit(res.moved > 0 && res.moved <= (long long)MIB ? 0 : 15);
	}
	close(p[1]);
	close(ready[1]);
	ASSERT_EQ(1, readable(ready[0], WAIT_MS));
	ASSERT_EQ(1, read(ready[0], &c, 1));
	close(ready[0]);
	got = drain(p[0]);
	EXPECT_LE(0, got);
	EXPECT_GE((long)MIB, got);
	ASSERT_EQ(0, wait_child(pid, &status));
	EXPECT_TRUE(WIFEXITED(status)) TH_LOG("status %#x", status);
	EXPECT_EQ(0, WEXITSTATUS(status));
	close(p[0]);
	close(in);
}

/*
 * A pipe as out_fd, non-blocking, and a non-blocking in_fd: the move
 * waits for room rather than ending with EAGAIN, and the pipe gets the
 * bytes sendfile(2) puts in it, in order.
 */
TEST(nonblocking_pipe_and_source)
{
	struct script_move_result res;
	int in, p[2], mfd;
	off_t off = 0;

	in = pattern_file(MIB);
	ASSERT_LE(0, in);
	ASSERT_EQ(0, fcntl(in, F_SETFL, O_NONBLOCK));
	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, fcntl(p[1], F_SETFL, O_NONBLOCK));

	/* sendfile(2) into the same pipe: what fits, then EAGAIN */
	EXPECT_EQ(fcntl(p[1], F_GETPIPE_SZ), sendfile(p[1], in, &off, MIB));
	EXPECT_EQ(-1, sendfile(p[1], in, &off, MIB));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(fcntl(p[1], F_GETPIPE_SZ), drain_from(p[0], 0, 0));

	mfd = move_bg(p[1], in, 0, MIB);
	ASSERT_LE(0, mfd) TH_LOG("move_bg: %ld", (long)mfd);
	close(p[1]);
	EXPECT_EQ(MIB, drain(p[0]));
	ASSERT_EQ(0, move_result(mfd, &res));
	EXPECT_EQ(MIB, res.moved);
	EXPECT_EQ(0, res.error);
	close(mfd);
	close(p[0]);
	close(in);
}

#define NS_OWNER	1000	/* the user who makes the namespace */
#define NS_BASE		200000	/* the kuids its uids map to */

/*
 * A user's namespaces share that user's kernel.script_moves_max: with the
 * limit 2, user NS_OWNER holds one move; in a user namespace it made,
 * whose uid 0 is kuid NS_BASE (as a subuid range maps it), one more move
 * starts and the next is EAGAIN, where a count by kuid alone would let
 * each mapped uid start two.
 */
TEST_F(limit, user_namespace_counts_against_its_owner)
{
	int holder[2], ready[2], go[2], p[3][2], status, i;
	pid_t h, pid;
	char c = 0, path[64], map[64];

	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, pipe(p[i]));
	ASSERT_EQ(0, pipe(holder));
	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(go));

	/* NS_OWNER's own move, in flight until the holder is killed */
	h = fork();
	ASSERT_LE(0, h);
	if (!h) {
		c = !setresuid(NS_OWNER, NS_OWNER, NS_OWNER) &&
		    move_bg(p[0][1], self->in, 0, MIB) >= 0;
		if (write(holder[1], &c, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	ASSERT_EQ(1, readable(holder[0], WAIT_MS));
	ASSERT_EQ(1, read(holder[0], &c, 1));
	ASSERT_EQ(1, c);

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		long m1, m2;

		close(ready[0]);
		close(go[1]);
		if (setresuid(NS_OWNER, NS_OWNER, NS_OWNER))
			_exit(10);
		c = unshare(CLONE_NEWUSER) ? 4 : 1;
		if (write(ready[1], &c, 1) != 1 || c != 1)
			_exit(c == 4 ? 4 : 11);
		if (read(go[0], &c, 1) != 1 || c != 1)
			_exit(12);
		if (setresuid(0, 0, 0))
			_exit(13);
		m1 = move_bg(p[1][1], self->in, 0, MIB);
		m2 = move_bg(p[2][1], self->in, 0, MIB);
		if (m1 < 0)
			_exit(14);
		_exit(m2 == -EAGAIN ? 0 : m2 >= 0 ? 15 : 16);
	}
	close(ready[1]);
	close(go[0]);
	ASSERT_EQ(1, readable(ready[0], WAIT_MS));
	ASSERT_EQ(1, read(ready[0], &c, 1));
	if (c == 1) {
		snprintf(path, sizeof(path), "/proc/%d/uid_map", pid);
		snprintf(map, sizeof(map), "0 %d 10", NS_BASE);
		c = !write_file(path, map);
	}
	ASSERT_EQ(1, write(go[1], &c, 1));
	ASSERT_EQ(0, wait_child(pid, &status));
	kill(h, SIGKILL);
	waitpid(h, NULL, 0);
	ASSERT_TRUE(WIFEXITED(status)) TH_LOG("status %#x", status);
	if (WEXITSTATUS(status) == 4)
		SKIP(goto out, "no user namespaces");
	EXPECT_EQ(0, WEXITSTATUS(status));
out:
	for (i = 0; i < 3; i++)
		close_all(p[i], 2);
	close_all(holder, 2);
	close(ready[0]);
	close(go[1]);
}

TEST_HARNESS_MAIN
