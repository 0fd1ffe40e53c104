// SPDX-License-Identifier: GPL-2.0
/*
 * The libscript examples and scriptctl, run as a user would run them and
 * held against the real thing:
 *
 *  cat, cat_builder	print files and standard input: the bytes of
 *			the files (empty, 1 byte, 1 MiB of random bytes,
 *			several at once) and of a pipe;
 *  copy, copy_builder	copy a file: the bytes and the permissions of
 *			the source;
 *  accept_filter	an accept filter: a client that sends its whole
 *			request in time gets "200 OK", slow ones are closed
 *			by the script and never reach the server;
 *  scriptctl		runs assembly and raw programs (r0 = 42), rejects a
 *			bad program with the verifier's "insn N:", reports
 *			a fault at its pc, and lists the kernel's ops; run
 *			-l and -I name the engine the kernel chose, and both
 *			engines give the same results, faults and budgets.
 *
 * The programs are looked for in $EXAMPLES_DIR, by default the directory
 * of this test.  Each run is bounded in time and its output captured.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "script_util.h"

#define RUN_MS		60000		/* the longest one program may run */
#define BIG_SIZE	(1024 * 1024)	/* the large file: 1 MiB */
#define PIPE_SIZE	(BIG_SIZE + 17)
#define FILTER_MS	500		/* accept_filter's -t */
#define EX_PATH_MAX	(PATH_MAX + 64)	/* $EXAMPLES_DIR/name */

/* ---------------------------------------------------------------------
 * Running programs
 */

/**
 * struct output - what a program printed and how it ended
 * @out: its standard output, NUL-terminated (it may hold NULs itself)
 * @out_len: bytes of @out
 * @err: its standard error, NUL-terminated
 * @err_len: bytes of @err
 * @status: its wait status, or -1 when it was killed for taking too long
 */
struct output {
	char	*out;
	size_t	out_len;
	char	*err;
	size_t	err_len;
	int	status;
};

/**
 * struct proc - a program started by spawn()
 * @pid: its process
 * @out: the read end of its standard output
 * @err: the read end of its standard error
 */
struct proc {
	pid_t	pid;
	int	out;
	int	err;
};

static char examples_dir[PATH_MAX];

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Where the programs are: $EXAMPLES_DIR, or where this test is. */
static void find_examples_dir(void)
{
	const char *env = getenv("EXAMPLES_DIR");
	char self[PATH_MAX];
	ssize_t n;

	if (env && *env) {
		snprintf(examples_dir, sizeof(examples_dir), "%s", env);
		return;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0) {
		snprintf(examples_dir, sizeof(examples_dir), ".");
		return;
	}
	self[n] = '\0';
	snprintf(examples_dir, sizeof(examples_dir), "%s", dirname(self));
}

static void example_path(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", examples_dir, name);
}

/*
 * Starts @argv[0], an example's name, with @argv: standard input @in_fd
 * (-1: /dev/null), standard output and error to pipes.  0 or -errno.
 */
static int spawn(const char *const *argv, int in_fd, struct proc *p)
{
	int out[2], err[2];
	char path[EX_PATH_MAX];

	example_path(path, sizeof(path), argv[0]);
	if (access(path, X_OK))
		return -errno;
	if (pipe2(out, O_CLOEXEC))
		return -errno;
	if (pipe2(err, O_CLOEXEC)) {
		close(out[0]);
		close(out[1]);
		return -errno;
	}
	p->pid = fork();
	if (p->pid < 0)
		return -errno;
	if (!p->pid) {
		if (in_fd < 0)
			in_fd = open("/dev/null", O_RDONLY);
		if (dup2(in_fd, 0) < 0 || dup2(out[1], 1) < 0 ||
		    dup2(err[1], 2) < 0)
			_exit(127);
		signal(SIGPIPE, SIG_DFL);
		execv(path, (char *const *)argv);
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	p->out = out[0];
	p->err = err[0];
	return 0;
}

/* Appends what can be read from @fd to @buf: 0 at end of file, else 1. */
static int drain(int fd, char **buf, size_t *len, size_t *size)
{
	ssize_t n;

	if (*size - *len < 65536 + 1) {
		*size = *size * 2 + 65536 + 1;
		*buf = realloc(*buf, *size);
		if (!*buf)
			return 0;
	}
	n = read(fd, *buf + *len, *size - *len - 1);
	if (n < 0 && errno == EINTR)
		return 1;
	if (n <= 0)
		return 0;
	*len += n;
	(*buf)[*len] = '\0';
	return 1;
}

/*
 * Reads @p's output until it closes both pipes and waits for it, within
 * @ms milliseconds (then kills it).  The caller frees @o's buffers.
 */
static void collect(struct proc *p, struct output *o, int ms)
{
	size_t out_size = 1, err_size = 1;
	long deadline = now_ms() + ms;
	struct pollfd fds[2];
	int open_fds = 2, i, status;

	o->out = calloc(1, 1);
	o->err = calloc(1, 1);
	o->out_len = 0;
	o->err_len = 0;
	fds[0] = (struct pollfd){ .fd = p->out, .events = POLLIN };
	fds[1] = (struct pollfd){ .fd = p->err, .events = POLLIN };
	while (open_fds && o->out && o->err) {
		long left = deadline - now_ms();

		if (left <= 0 || poll(fds, 2, left) < 0)
			break;
		for (i = 0; i < 2; i++) {
			if (fds[i].fd < 0 || !fds[i].revents)
				continue;
			if (!drain(fds[i].fd, i ? &o->err : &o->out,
				   i ? &o->err_len : &o->out_len,
				   i ? &err_size : &out_size)) {
				close(fds[i].fd);
				fds[i].fd = -1;
				open_fds--;
			}
		}
	}
	for (i = 0; i < 2; i++)
		if (fds[i].fd >= 0)
			close(fds[i].fd);
	o->status = -1;
	while (now_ms() < deadline) {
		if (waitpid(p->pid, &status, WNOHANG) == p->pid) {
			o->status = status;
			break;
		}
		usleep(1000);
	}
	if (o->status == -1) {
		kill(p->pid, SIGKILL);
		waitpid(p->pid, &status, 0);
	}
	if (!o->out)
		o->out = calloc(1, 1);
	if (!o->err)
		o->err = calloc(1, 1);
}

/* Runs @argv to its end: 0, or -errno when it could not start. */
static int run(const char *const *argv, int in_fd, struct output *o)
{
	struct proc p;
	int ret;

	memset(o, 0, sizeof(*o));
	ret = spawn(argv, in_fd, &p);
	if (ret) {
		o->out = calloc(1, 1);
		o->err = calloc(1, 1);
		o->status = -1;
		return ret;
	}
	collect(&p, o, RUN_MS);
	return 0;
}

static void output_free(struct output *o)
{
	free(o->out);
	free(o->err);
	o->out = NULL;
	o->err = NULL;
}

/* The exit code of @status, or -1 when it did not exit. */
static int exit_code(int status)
{
	return status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* ---------------------------------------------------------------------
 * Files
 */

static int remove_one(const char *path, const struct stat *st, int type,
		      struct FTW *ftw)
{
	remove(path);
	return 0;
}

static void remove_tree(const char *dir)
{
	nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* @len bytes that differ from run to run and from offset to offset. */
static void fill_random(char *buf, size_t len)
{
	static unsigned long long x;
	size_t i;

	if (!x)
		x = now_ms() * 0x9e3779b97f4a7c15ULL | 1;
	for (i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		buf[i] = x >> 24;
	}
}

/* Writes @len bytes to a new file @dir/@name, mode @mode: 0 or -errno. */
static int make_file(const char *dir, const char *name, const void *buf,
		     size_t len, mode_t mode, char *path, size_t size)
{
	const char *p = buf;
	ssize_t n;
	int fd;

	snprintf(path, size, "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	while (len) {
		n = write(fd, p, len);
		if (n <= 0) {
			close(fd);
			return n ? -errno : -EIO;
		}
		p += n;
		len -= n;
	}
	/* Not the umask's idea of @mode: exactly it. */
	if (fchmod(fd, mode)) {
		close(fd);
		return -errno;
	}
	return close(fd) ? -errno : 0;
}

/* Reads all of @path into a new buffer: its length, or -errno. */
static ssize_t slurp(const char *path, char **bufp)
{
	size_t len = 0, size = 1;
	char *buf = NULL;
	int fd;

	*bufp = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		if (!drain(fd, &buf, &len, &size))
			break;
	}
	close(fd);
	*bufp = buf ? buf : calloc(1, 1);
	return len;
}

/* The offset of the first byte where @a and @b differ, -1 if none. */
static long first_diff(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i, n = alen < blen ? alen : blen;

	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return i;
	return alen == blen ? -1 : (long)n;
}

/* Skips the test with @statement when this kernel has no script(2). */
#define REQUIRE_SCRIPT(statement) do {					\
	if (sys_script(SCRIPT_PROBE, NULL, 0) && errno == ENOSYS)	\
		SKIP(statement, "script(2) is not available");		\
} while (0)

/* Skips the test with @statement when the example @name was not built. */
#define REQUIRE_EXAMPLE(name, statement) do {				\
	char __path[EX_PATH_MAX];					\
									\
	example_path(__path, sizeof(__path), (name));			\
	if (access(__path, X_OK))					\
		SKIP(statement, "%.200s: %s", __path, strerror(errno));	\
} while (0)

/* ---------------------------------------------------------------------
 * cat and cat_builder
 */

FIXTURE(cat) {
	char dir[PATH_MAX];
	char empty[PATH_MAX], one[PATH_MAX], big[PATH_MAX];
	char *big_buf;
};

FIXTURE_VARIANT(cat) {
	const char *prog;
};

FIXTURE_VARIANT_ADD(cat, cat) {
	.prog = "cat",
};

FIXTURE_VARIANT_ADD(cat, cat_builder) {
	.prog = "cat_builder",
};

FIXTURE_SETUP(cat)
{
	find_examples_dir();
	self->big_buf = NULL;
	snprintf(self->dir, sizeof(self->dir), "/tmp/examples_test.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	REQUIRE_SCRIPT(return);
	REQUIRE_EXAMPLE(variant->prog, return);

	self->big_buf = malloc(BIG_SIZE);
	ASSERT_NE(NULL, self->big_buf);
	fill_random(self->big_buf, BIG_SIZE);
	ASSERT_EQ(0, make_file(self->dir, "empty", "", 0, 0644, self->empty,
			       sizeof(self->empty)));
	ASSERT_EQ(0, make_file(self->dir, "one", "x", 1, 0644, self->one,
			       sizeof(self->one)));
	ASSERT_EQ(0, make_file(self->dir, "big", self->big_buf, BIG_SIZE,
			       0644, self->big, sizeof(self->big)));
}

FIXTURE_TEARDOWN(cat)
{
	free(self->big_buf);
	remove_tree(self->dir);
}

/* Runs the variant's cat on @files and checks it printed @want. */
static void check_cat(struct __test_metadata *_metadata, const char *prog,
		      const char *const *files, int nfiles, const char *want,
		      size_t want_len)
{
	const char *argv[8] = { prog };
	struct output o;
	int i;

	for (i = 0; i < nfiles; i++)
		argv[i + 1] = files[i];
	ASSERT_EQ(0, run(argv, -1, &o));
	EXPECT_EQ(0, exit_code(o.status))
		TH_LOG("%s %s: status %#x, stderr: %s", prog,
		       nfiles ? files[0] : "", o.status, o.err);
	EXPECT_EQ(want_len, o.out_len) TH_LOG("%s %s", prog, files[0]);
	EXPECT_EQ(-1, first_diff(o.out, o.out_len, want, want_len))
		TH_LOG("%s %s: the output differs", prog, files[0]);
	output_free(&o);
}

TEST_F_TIMEOUT(cat, files, 300)
{
	const char *files[3];
	char *all;

	files[0] = self->empty;
	check_cat(_metadata, variant->prog, files, 1, "", 0);
	files[0] = self->one;
	check_cat(_metadata, variant->prog, files, 1, "x", 1);
	files[0] = self->big;
	check_cat(_metadata, variant->prog, files, 1, self->big_buf, BIG_SIZE);

	/* All three, in one run of the program: one after the other. */
	all = malloc(BIG_SIZE + 2);
	ASSERT_NE(NULL, all);
	all[0] = 'x';
	memcpy(all + 1, self->big_buf, BIG_SIZE);
	all[BIG_SIZE + 1] = 'x';
	files[0] = self->one;
	files[1] = self->empty;
	files[2] = self->big;
	check_cat(_metadata, variant->prog, files, 3, all, BIG_SIZE + 1);
	files[2] = self->one;
	files[0] = self->big;
	check_cat(_metadata, variant->prog, files, 3, all + 1, BIG_SIZE + 1);
	free(all);
}

TEST_F_TIMEOUT(cat, pipe, 300)
{
	const char *const argv[] = { variant->prog, NULL };
	struct output o;
	int fds[2];
	char *buf;
	pid_t writer;

	buf = malloc(PIPE_SIZE);
	ASSERT_NE(NULL, buf);
	fill_random(buf, PIPE_SIZE);
	ASSERT_EQ(0, pipe2(fds, O_CLOEXEC));

	/* A writer in small, uneven pieces, so that reads come up short. */
	writer = fork();
	ASSERT_LE(0, writer);
	if (!writer) {
		size_t off = 0, n;

		close(fds[0]);
		while (off < PIPE_SIZE) {
			n = 1 + (off * 7919) % 9000;
			if (n > PIPE_SIZE - off)
				n = PIPE_SIZE - off;
			if (write(fds[1], buf + off, n) != (ssize_t)n)
				_exit(1);
			off += n;
			if (!(off % 16))
				usleep(100);
		}
		_exit(0);
	}
	close(fds[1]);
	ASSERT_EQ(0, run(argv, fds[0], &o));
	close(fds[0]);
	EXPECT_EQ(0, exit_code(o.status))
		TH_LOG("status %#x, stderr: %s", o.status, o.err);
	EXPECT_EQ(PIPE_SIZE, o.out_len);
	EXPECT_EQ(-1, first_diff(o.out, o.out_len, buf, PIPE_SIZE));
	output_free(&o);
	free(buf);
	kill(writer, SIGKILL);
	waitpid(writer, NULL, 0);
}

TEST_F(cat, missing_file)
{
	char missing[PATH_MAX + 16];
	const char *const argv[] = { variant->prog, missing, self->one, NULL };
	struct output o;

	snprintf(missing, sizeof(missing), "%s/missing", self->dir);
	ASSERT_EQ(0, run(argv, -1, &o));
	/* As cat(1): an error for the one, the others still printed. */
	EXPECT_EQ(1, exit_code(o.status)) TH_LOG("status %#x", o.status);
	EXPECT_NE(NULL, strstr(o.err, strerror(ENOENT))) TH_LOG("%s", o.err);
	EXPECT_STREQ("x", o.out);
	output_free(&o);
}

/* ---------------------------------------------------------------------
 * copy and copy_builder
 */

FIXTURE(copy) {
	char dir[PATH_MAX];
};

FIXTURE_VARIANT(copy) {
	const char *prog;
};

FIXTURE_VARIANT_ADD(copy, copy) {
	.prog = "copy",
};

FIXTURE_VARIANT_ADD(copy, copy_builder) {
	.prog = "copy_builder",
};

FIXTURE_SETUP(copy)
{
	find_examples_dir();
	snprintf(self->dir, sizeof(self->dir), "/tmp/examples_test.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	REQUIRE_SCRIPT(return);
	REQUIRE_EXAMPLE(variant->prog, return);
}

FIXTURE_TEARDOWN(copy)
{
	remove_tree(self->dir);
}

/*
 * Copies @len bytes of mode @mode with the variant's copy to @dst_name,
 * which holds @old_len bytes before when @old_len is not negative, and
 * checks the copy's bytes, and its mode when it is a new file.
 */
static void check_copy(struct __test_metadata *_metadata, const char *prog,
		       const char *dir, size_t len, mode_t mode, long old_len)
{
	char src[PATH_MAX + 16], dst[PATH_MAX + 16];
	const char *const argv[] = { prog, src, dst, NULL };
	char *buf, *got;
	struct output o;
	struct stat st;
	ssize_t n;

	buf = malloc(len + 1);
	ASSERT_NE(NULL, buf);
	fill_random(buf, len);
	ASSERT_EQ(0, make_file(dir, "src", buf, len, mode, src, sizeof(src)));
	snprintf(dst, sizeof(dst), "%s/dst", dir);
	unlink(dst);
	if (old_len >= 0) {
		char *old = calloc(1, old_len + 1);

		ASSERT_NE(NULL, old);
		memset(old, 'o', old_len);
		ASSERT_EQ(0, make_file(dir, "dst", old, old_len, 0600, dst,
				       sizeof(dst)));
		free(old);
	}

	ASSERT_EQ(0, run(argv, -1, &o));
	EXPECT_EQ(0, exit_code(o.status))
		TH_LOG("%s of %zu bytes: status %#x, stderr: %s", prog, len,
		       o.status, o.err);
	output_free(&o);

	n = slurp(dst, &got);
	EXPECT_EQ((ssize_t)len, n) TH_LOG("%s of %zu bytes", prog, len);
	if (n >= 0)
		EXPECT_EQ(-1, first_diff(got, n, buf, len))
			TH_LOG("%s of %zu bytes: the copy differs", prog, len);
	free(got);
	ASSERT_EQ(0, stat(dst, &st));
	if (old_len < 0)
		EXPECT_EQ(mode, st.st_mode & 07777)
			TH_LOG("%s: mode %#o of a %#o source", prog,
			       st.st_mode & 07777, mode);
	free(buf);
}

TEST_F_TIMEOUT(copy, bytes_and_mode, 300)
{
	check_copy(_metadata, variant->prog, self->dir, 0, 0644, -1);
	check_copy(_metadata, variant->prog, self->dir, 1, 0600, -1);
	check_copy(_metadata, variant->prog, self->dir, BIG_SIZE, 0640, -1);
	/* Past one move of the copy script's loop. */
	check_copy(_metadata, variant->prog, self->dir, 3 * BIG_SIZE + 4097,
		   0755, -1);
	/* Over a longer file: what was there is gone. */
	check_copy(_metadata, variant->prog, self->dir, 4096, 0644,
		   2 * BIG_SIZE);
}

TEST_F(copy, missing_source)
{
	char src[PATH_MAX + 16], dst[PATH_MAX + 16];
	const char *const argv[] = { variant->prog, src, dst, NULL };
	struct output o;

	snprintf(src, sizeof(src), "%s/missing", self->dir);
	snprintf(dst, sizeof(dst), "%s/dst", self->dir);
	ASSERT_EQ(0, run(argv, -1, &o));
	EXPECT_NE(0, exit_code(o.status));
	EXPECT_NE(-1, exit_code(o.status)) TH_LOG("status %#x", o.status);
	EXPECT_NE(NULL, strstr(o.err, strerror(ENOENT))) TH_LOG("%s", o.err);
	EXPECT_NE(0, access(dst, F_OK));
	output_free(&o);
}

/* ---------------------------------------------------------------------
 * accept_filter
 */

static int connect_to(int port)
{
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	struct timeval tv = { .tv_sec = 20 };
	int fd;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Reads until end of file into @buf (NUL-terminated): bytes, or -errno. */
static ssize_t read_reply(int fd, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;

	while (len < size - 1) {
		n = read(fd, buf + len, size - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			buf[len] = '\0';
			return len ? (ssize_t)len : -errno;
		}
		if (!n)
			break;
		len += n;
	}
	buf[len] = '\0';
	return len;
}

/* Reads the launcher's first line, "listening on 127.0.0.1:PORT". */
static int read_port(int fd, char *line, size_t size)
{
	long deadline = now_ms() + RUN_MS;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	size_t len = 0;
	char *p;

	line[0] = '\0';
	while (!strchr(line, '\n') && len < size - 1) {
		long left = deadline - now_ms();
		ssize_t n;

		if (left <= 0 || poll(&pfd, 1, left) <= 0)
			return -1;
		/* One byte at a time: the rest is for collect(). */
		n = read(fd, line + len, 1);
		if (n <= 0)
			return -1;
		line[++len] = '\0';
	}
	p = strstr(line, "127.0.0.1:");
	return p ? atoi(p + strlen("127.0.0.1:")) : -1;
}

FIXTURE(accept_filter) {
};

FIXTURE_SETUP(accept_filter)
{
	find_examples_dir();
}

FIXTURE_TEARDOWN(accept_filter)
{
}

TEST_F_TIMEOUT(accept_filter, slow_clients_dropped, 120)
{
	const char *const argv[] = { "accept_filter", "-p", "0", "-n", "1",
				     "-t", "500", NULL };
	char line[256], reply[1024];
	int port, slow, silent, fast;
	struct output o;
	struct proc p;
	long start;
	ssize_t n;

	REQUIRE_SCRIPT(return);
	REQUIRE_EXAMPLE("accept_filter", return);
	ASSERT_EQ(0, spawn(argv, -1, &p));
	port = read_port(p.out, line, sizeof(line));
	if (port <= 0) {
		collect(&p, &o, 1000);
		ASSERT_LT(0, port) TH_LOG("first line \"%s\", stderr: %s",
					  line, o.err);
	}

	/*
	 * Queued in this order: a client whose header never ends, one
	 * that sends nothing, and one that sends its whole request.  The
	 * script takes each in turn and gives each FILTER_MS.
	 */
	start = now_ms();
	slow = connect_to(port);
	ASSERT_LE(0, slow);
	ASSERT_EQ(20, write(slow, "GET /slow HTTP/1.0\r\n", 20));
	usleep(50000);
	silent = connect_to(port);
	ASSERT_LE(0, silent);
	usleep(50000);
	fast = connect_to(port);
	ASSERT_LE(0, fast);
	ASSERT_EQ(34, write(fast, "GET /fast HTTP/1.0\r\nHost: test\r\n\r\n",
			    34));

	/* The slow clients are closed by the script, unanswered. */
	n = read_reply(slow, reply, sizeof(reply));
	EXPECT_EQ(0, n) TH_LOG("slow client got \"%s\"", n > 0 ? reply : "");
	EXPECT_LE(FILTER_MS - 50, now_ms() - start);
	n = read_reply(silent, reply, sizeof(reply));
	EXPECT_EQ(0, n) TH_LOG("silent client got \"%s\"", n > 0 ? reply : "");

	n = read_reply(fast, reply, sizeof(reply));
	EXPECT_LT(0, n);
	EXPECT_EQ(0, strncmp(reply, "HTTP/1.0 200 OK\r\n", 17))
		TH_LOG("fast client got \"%s\"", reply);
	close(slow);
	close(silent);
	close(fast);

	collect(&p, &o, RUN_MS);
	EXPECT_EQ(0, exit_code(o.status))
		TH_LOG("status %#x, stderr: %s", o.status, o.err);
	EXPECT_NE(NULL, strstr(o.out, "request: GET /fast HTTP/1.0\n"))
		TH_LOG("stdout: %s", o.out);
	EXPECT_EQ(NULL, strstr(o.out, "/slow")) TH_LOG("stdout: %s", o.out);
	EXPECT_NE(NULL, strstr(o.out, "dropped 2 slow connections"))
		TH_LOG("stdout: %s", o.out);
	output_free(&o);
}

/* ---------------------------------------------------------------------
 * scriptctl
 */

FIXTURE(scriptctl) {
	char dir[PATH_MAX];
};

FIXTURE_SETUP(scriptctl)
{
	find_examples_dir();
	snprintf(self->dir, sizeof(self->dir), "/tmp/examples_test.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	REQUIRE_EXAMPLE("scriptctl", return);
}

FIXTURE_TEARDOWN(scriptctl)
{
	remove_tree(self->dir);
}

/* Writes the program text @text to @dir/@name; its path in @path. */
static void write_prog(struct __test_metadata *_metadata, const char *dir,
		       const char *name, const char *text, char *path,
		       size_t size)
{
	ASSERT_EQ(0, make_file(dir, name, text, strlen(text), 0644, path,
			       size));
}

/* Runs scriptctl with @argv (NULL-terminated, from argv[1]) into @o. */
static void scriptctl(struct __test_metadata *_metadata,
		      const char *const *args, struct output *o)
{
	const char *argv[16] = { "scriptctl" };
	int i;

	for (i = 0; args[i] && i < 14; i++)
		argv[i + 1] = args[i];
	ASSERT_EQ(0, run(argv, -1, o));
}

TEST_F(scriptctl, run_returns_42)
{
	char path[PATH_MAX + 16], bin[PATH_MAX + 16];
	struct output o;
	struct stat st;

	REQUIRE_SCRIPT(return);
	write_prog(_metadata, self->dir, "ret42.s", "r0 = 42\nexit\n", path,
		   sizeof(path));
	scriptctl(_metadata, (const char *[]){ "run", path, NULL }, &o);
	EXPECT_EQ(0, exit_code(o.status)) TH_LOG("stderr: %s", o.err);
	EXPECT_STREQ("r0 = 42 (0x2a)\nsteps = 2\n", o.out);
	output_free(&o);

	/* Assembled into raw instructions, which run the same. */
	snprintf(bin, sizeof(bin), "%s/ret42.bin", self->dir);
	scriptctl(_metadata, (const char *[]){ "asm", path, bin, NULL }, &o);
	EXPECT_EQ(0, exit_code(o.status)) TH_LOG("stderr: %s", o.err);
	output_free(&o);
	ASSERT_EQ(0, stat(bin, &st));
	EXPECT_EQ(2 * sizeof(struct script_insn), st.st_size);
	scriptctl(_metadata, (const char *[]){ "run", bin, NULL }, &o);
	EXPECT_EQ(0, exit_code(o.status)) TH_LOG("stderr: %s", o.err);
	EXPECT_STREQ("r0 = 42 (0x2a)\nsteps = 2\n", o.out);
	output_free(&o);

	/* And print back as they were written. */
	scriptctl(_metadata, (const char *[]){ "disasm", bin, NULL }, &o);
	EXPECT_EQ(0, exit_code(o.status)) TH_LOG("stderr: %s", o.err);
	EXPECT_NE(NULL, strstr(o.out, "r0 = 42")) TH_LOG("%s", o.out);
	EXPECT_NE(NULL, strstr(o.out, "exit")) TH_LOG("%s", o.out);
	output_free(&o);
}

TEST_F(scriptctl, run_args)
{
	char path[PATH_MAX + 16];
	struct output o;

	REQUIRE_SCRIPT(return);
	write_prog(_metadata, self->dir, "add.s",
		   "# r0 = r1 + r2\nr0 = r1\nr0 += r2\nexit\n", path,
		   sizeof(path));
	scriptctl(_metadata, (const char *[]){ "run", path, "40", "0x2", NULL },
		  &o);
	EXPECT_EQ(0, exit_code(o.status)) TH_LOG("stderr: %s", o.err);
	EXPECT_STREQ("r0 = 42 (0x2a)\nsteps = 3\n", o.out);
	output_free(&o);
	scriptctl(_metadata, (const char *[]){ "run", path, "-50", "8", NULL },
		  &o);
	EXPECT_EQ(0, exit_code(o.status)) TH_LOG("stderr: %s", o.err);
	EXPECT_STREQ("r0 = -42 (0xffffffffffffffd6)\nsteps = 3\n", o.out);
	output_free(&o);

	/* Not a number: refused before any run. */
	scriptctl(_metadata, (const char *[]){ "run", path, "4x", NULL }, &o);
	EXPECT_EQ(1, exit_code(o.status));
	EXPECT_NE(NULL, strstr(o.err, "not an integer")) TH_LOG("%s", o.err);
	output_free(&o);

	/* @STRING and %SIZE are addresses the program can use. */
	write_prog(_metadata, self->dir, "mem.s",
		   "r3 = *(u8 *)(r1 + 1)\n"
		   "*(u64 *)(r2 + 8) = r3\n"
		   "r0 = *(u64 *)(r2 + 8)\n"
		   "exit\n", path, sizeof(path));
	scriptctl(_metadata, (const char *[]){ "run", path, "@AB", "%16", NULL },
		  &o);
	EXPECT_EQ(0, exit_code(o.status)) TH_LOG("stderr: %s", o.err);
	EXPECT_STREQ("r0 = 66 (0x42)\nsteps = 4\n", o.out);
	output_free(&o);
}

TEST_F(scriptctl, run_fault)
{
	char path[PATH_MAX + 16];
	struct output o;

	REQUIRE_SCRIPT(return);
	write_prog(_metadata, self->dir, "fault.s",
		   "r1 = 0\nr0 = *(u64 *)(r1 + 0)\nexit\n", path,
		   sizeof(path));
	scriptctl(_metadata, (const char *[]){ "run", path, NULL }, &o);
	EXPECT_EQ(1, exit_code(o.status)) TH_LOG("status %#x", o.status);
	EXPECT_NE(NULL, strstr(o.err, "insn 1")) TH_LOG("%s", o.err);
	EXPECT_NE(NULL, strstr(o.err, strerror(EFAULT))) TH_LOG("%s", o.err);
	EXPECT_NE(NULL, strstr(o.out, "steps = 1\n")) TH_LOG("%s", o.out);
	output_free(&o);

	/* The step budget. */
	write_prog(_metadata, self->dir, "loop.s", "l:\ngoto l\nexit\n", path,
		   sizeof(path));
	scriptctl(_metadata, (const char *[]){ "run", "-s", "100", path, NULL },
		  &o);
	EXPECT_EQ(1, exit_code(o.status)) TH_LOG("status %#x", o.status);
	EXPECT_NE(NULL, strstr(o.err, strerror(ETIME))) TH_LOG("%s", o.err);
	EXPECT_NE(NULL, strstr(o.out, "steps = 100\n")) TH_LOG("%s", o.out);
	output_free(&o);
}

TEST_F(scriptctl, verify)
{
	char path[PATH_MAX + 16];
	struct output o;

	REQUIRE_SCRIPT(return);
	write_prog(_metadata, self->dir, "good.s", "r0 = 1\nexit\n", path,
		   sizeof(path));
	scriptctl(_metadata, (const char *[]){ "verify", path, NULL }, &o);
	EXPECT_EQ(0, exit_code(o.status)) TH_LOG("stderr: %s", o.err);
	output_free(&o);

	/* r6 is read before anything wrote it: the verifier's log says so. */
	write_prog(_metadata, self->dir, "bad.s", "r0 = 1\nr0 = r6\nexit\n",
		   path, sizeof(path));
	scriptctl(_metadata, (const char *[]){ "verify", path, NULL }, &o);
	EXPECT_EQ(1, exit_code(o.status)) TH_LOG("status %#x", o.status);
	EXPECT_NE(NULL, strstr(o.err, "insn 1: r6 is read before it is written"))
		TH_LOG("stderr: %s", o.err);
	output_free(&o);

	/* run refuses it the same way, before running anything. */
	scriptctl(_metadata, (const char *[]){ "run", path, NULL }, &o);
	EXPECT_EQ(1, exit_code(o.status)) TH_LOG("status %#x", o.status);
	EXPECT_NE(NULL, strstr(o.err, "insn 1:")) TH_LOG("stderr: %s", o.err);
	EXPECT_EQ(NULL, strstr(o.out, "r0 =")) TH_LOG("stdout: %s", o.out);
	output_free(&o);
}

TEST_F(scriptctl, probe)
{
	struct output o;
	const char *row;

	REQUIRE_SCRIPT(return);
	scriptctl(_metadata, (const char *[]){ "probe", NULL }, &o);
	EXPECT_EQ(0, exit_code(o.status)) TH_LOG("stderr: %s", o.err);
	/* The row of read: id 2, 3 arguments, read(2)'s number, supported. */
	row = strstr(o.out, " read ");
	ASSERT_NE(NULL, row) TH_LOG("stdout: %s", o.out);
	while (row > o.out && row[-1] != '\n')
		row--;
	EXPECT_EQ(SCRIPT_OP_READ, atoi(row));
	EXPECT_NE(NULL, strstr(row, " yes\n")) TH_LOG("%.80s", row);
	EXPECT_NE(NULL, strstr(o.out, "move_bg")) TH_LOG("stdout: %s", o.out);
	EXPECT_NE(NULL, strstr(o.out, "classes: 0xff")) TH_LOG("%s", o.out);
	output_free(&o);
}

/* Whether the kernel compiles the programs it loads */
static bool probe_jit(void)
{
	struct script_probe p;

	memset(&p, 0, sizeof(p));
	return !sys_script(SCRIPT_PROBE, &p, sizeof(p)) &&
	       (p.flags & SCRIPT_PROBE_JIT);
}

/*
 * run -l names the engine: the compiler's when the probe says the kernel
 * compiles (the test runs with CAP_SYS_ADMIN: constants not blinded), the
 * interpreter's with -I; the results, a fault and a budget are the same
 * whichever runs.
 */
TEST_F(scriptctl, engines)
{
	static const char result[] = "r0 = 1000 (0x3e8)\nsteps = 2002\n";
	char path[PATH_MAX + 16], fault[PATH_MAX + 16], err[2][256];
	const char *engine;
	unsigned long bytes = 0;
	struct output o;
	bool jit;
	int i, n;

	REQUIRE_SCRIPT(return);
	jit = probe_jit();
	write_prog(_metadata, self->dir, "loop.s",
		   "r0 = 0\nl:\nr0 += 1\nif r0 < 1000 goto l\nexit\n", path,
		   sizeof(path));

	scriptctl(_metadata, (const char *[]){ "run", "-l", path, NULL }, &o);
	EXPECT_EQ(0, exit_code(o.status)) TH_LOG("stderr: %s", o.err);
	ASSERT_EQ(0, strncmp(o.out, result, strlen(result))) TH_LOG("%s", o.out);
	engine = o.out + strlen(result);
	if (jit) {
		n = sscanf(engine, "engine = jit, %lu bytes\n", &bytes);
		EXPECT_EQ(1, n) TH_LOG("%s", engine);
		EXPECT_LT(0, bytes);
		EXPECT_EQ(NULL, strstr(engine, "blinded")) TH_LOG("%s", engine);
		EXPECT_EQ(NULL, strstr(engine, "failed")) TH_LOG("%s", engine);
	} else {
		EXPECT_STREQ("engine = interp\n", engine);
	}
	output_free(&o);

	/* -I: the interpreter, loaded or run once, with the same result. */
	scriptctl(_metadata, (const char *[]){ "run", "-l", "-I", path, NULL },
		  &o);
	EXPECT_EQ(0, exit_code(o.status)) TH_LOG("stderr: %s", o.err);
	ASSERT_EQ(0, strncmp(o.out, result, strlen(result))) TH_LOG("%s", o.out);
	EXPECT_STREQ("engine = interp\n", o.out + strlen(result));
	output_free(&o);
	scriptctl(_metadata, (const char *[]){ "run", "--interp", path, NULL },
		  &o);
	EXPECT_EQ(0, exit_code(o.status)) TH_LOG("stderr: %s", o.err);
	EXPECT_STREQ(result, o.out);
	output_free(&o);

	/* A fault and a budget stop both engines at the same pc and steps. */
	write_prog(_metadata, self->dir, "fault.s",
		   "r1 = 0\nr0 = *(u64 *)(r1 + 0)\nexit\n", fault,
		   sizeof(fault));
	for (i = 0; i < 2; i++) {
		scriptctl(_metadata, (const char *[]){ "run",
			  i ? "-lI" : "-l", fault, NULL }, &o);
		EXPECT_EQ(1, exit_code(o.status)) TH_LOG("status %#x", o.status);
		EXPECT_NE(NULL, strstr(o.err, "run stopped at insn 1: "))
			TH_LOG("%s", o.err);
		EXPECT_EQ(o.out, strstr(o.out, "steps = 1\nengine = "))
			TH_LOG("%s", o.out);
		output_free(&o);

		scriptctl(_metadata, (const char *[]){ "run",
			  i ? "-lI" : "-l", "-s", "101", path, NULL }, &o);
		EXPECT_EQ(1, exit_code(o.status)) TH_LOG("status %#x", o.status);
		EXPECT_NE(NULL, strstr(o.err, strerror(ETIME))) TH_LOG("%s", o.err);
		EXPECT_EQ(o.out, strstr(o.out, "steps = 101\nengine = "))
			TH_LOG("%s", o.out);
		snprintf(err[i], sizeof(err[i]), "%s", o.err);
		output_free(&o);
	}
	EXPECT_STREQ(err[0], err[1]);

	scriptctl(_metadata, (const char *[]){ "probe", NULL }, &o);
	EXPECT_EQ(0, exit_code(o.status)) TH_LOG("stderr: %s", o.err);
	EXPECT_NE(NULL, strstr(o.out, jit ? "\njit: yes\n" : "\njit: no\n"))
		TH_LOG("%s", o.out);
	output_free(&o);
}

TEST_F(scriptctl, usage)
{
	char path[PATH_MAX + 16];
	struct output o;

	scriptctl(_metadata, (const char *[]){ "--help", NULL }, &o);
	EXPECT_EQ(0, exit_code(o.status));
	EXPECT_NE(NULL, strstr(o.out, "Usage: scriptctl")) TH_LOG("%s", o.out);
	output_free(&o);

	scriptctl(_metadata, (const char *[]){ "run", "--help", NULL }, &o);
	EXPECT_EQ(0, exit_code(o.status));
	EXPECT_NE(NULL, strstr(o.out, "Usage: scriptctl run")) TH_LOG("%s", o.out);
	output_free(&o);

	scriptctl(_metadata, (const char *[]){ "frobnicate", NULL }, &o);
	EXPECT_EQ(2, exit_code(o.status));
	output_free(&o);

	/* A file that is no program: a message, no crash. */
	write_prog(_metadata, self->dir, "junk.bin", "12345", path,
		   sizeof(path));
	scriptctl(_metadata, (const char *[]){ "disasm", path, NULL }, &o);
	EXPECT_EQ(1, exit_code(o.status)) TH_LOG("status %#x", o.status);
	EXPECT_NE(NULL, strstr(o.err, "junk.bin")) TH_LOG("%s", o.err);
	output_free(&o);

	write_prog(_metadata, self->dir, "junk.s", "r0 = = 1\n", path,
		   sizeof(path));
	scriptctl(_metadata, (const char *[]){ "asm", path, "/dev/null", NULL },
		  &o);
	EXPECT_EQ(1, exit_code(o.status)) TH_LOG("status %#x", o.status);
	EXPECT_NE(NULL, strstr(o.err, "line 1")) TH_LOG("%s", o.err);
	output_free(&o);
}

TEST_HARNESS_MAIN
