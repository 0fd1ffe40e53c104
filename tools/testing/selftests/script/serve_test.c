// SPDX-License-Identifier: GPL-2.0
/*
 * script(2) programs that serve, written in C and compiled by clang: each
 * does in one script(2) call what a server does in many system calls.
 *
 *  serve_file.bpf.c	sendfile as a script: open a file by path, fstat
 *			it, send it all to a socket, close it.
 *  serve_accept.bpf.c	an accept filter: accept a connection and read
 *			until a request's header is complete, or a deadline.
 *  serve_echo.bpf.c	an event loop: an epoll echo server for many
 *			clients, until one sends the quit line.
 *  serve_copy.bpf.c	a relay: copy bytes from a pipe to a pipe.
 *
 * Forked clients talk to the test while it is inside script(2); they wait
 * on the script's progress, which it keeps in memory shared with them, and
 * on /proc/PID/syscall, which names script(2) while the test sleeps in one
 * of its blocking ops.  So a signal can be aimed at a run blocked in
 * accept, read or epoll_wait: with a state area the run goes on after an
 * SA_RESTART handler, a stop or nothing at all, and stops with EINTR after
 * another handler, parked at the op, which runs again when the test calls
 * script(2) once more; SIGKILL ends it.  Nothing is lost or done twice.
 *
 * A child records the first check that failed in shared memory and exits
 * 1; the test logs it.  Every wait is bounded.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "script_util.h"

/* The control structs the scripts and the tests share */
#include "serve_accept.bpf.c"
#include "serve_copy.bpf.c"
#include "serve_echo.bpf.c"
#include "serve_file.bpf.c"

#define PROG_MAX	1024		/* instructions a serve_*.bpf.bin may have */
#define WAIT_MS		10000		/* the longest a child or a wait may take */
#define WATCHDOG_S	15		/* a run that hangs stops with EINTR then */
#define IO_TIMEOUT_S	10		/* SO_RCVTIMEO, SO_SNDTIMEO of the clients */
#define FILE_SIZE	(256 << 10)
#define LONG_LINE	2000
#define ACCEPT_SENTINEL	(-1000)		/* serve_accept_ctl.fd before the accept */

/* What the children and the test share */
struct board {
	int line;	/* the first check that failed in a child, 0 if none */
	long val;	/* what it saw */
	int hits;	/* SIGUSR1 handler runs in the test */
	int resumed;	/* the test calls script(2) again after EINTR */
	int done;	/* echo clients that finished */
	int returned;	/* a run that SIGKILL must end returned */
	long bytes;	/* bytes a reader got */
	long bad;	/* the offset of the first wrong byte it got, or -1 */
};

static struct board *board;

static void kid_fail(int line, long val)
{
	int zero = 0;

	if (__atomic_compare_exchange_n(&board->line, &zero, line, false,
					__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		board->val = val;
	_exit(1);
}

/* In a child: on failure, the test logs this line and @val. */
#define KID_CHECK(cond, val) do {		\
	if (!(cond))				\
		kid_fail(__LINE__, (val));	\
} while (0)

static void *shared_alloc(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void board_init(struct __test_metadata *_metadata)
{
	board = shared_alloc(sizeof(*board));
	ASSERT_NE(NULL, board);
	board->bad = -1;
}

/* The start of every child: it dies with the test, and within WAIT_MS. */
static void kid_init(void)
{
	signal(SIGALRM, SIG_DFL);
	signal(SIGUSR1, SIG_DFL);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	alarm(WAIT_MS / 1000 + 5);
}

/* Waits up to WAIT_MS for @pid, then kills it: its status, -1 if killed. */
static int reap(pid_t pid)
{
	int status, i;

	for (i = 0; i < WAIT_MS / 10; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

static void expect_kid_ok(struct __test_metadata *_metadata, pid_t pid)
{
	int status = reap(pid);

	EXPECT_EQ(0, status)
		TH_LOG("child %d: status %#x (-1: hung); failed at line %d, value %ld",
		       pid, status, board->line, board->val);
}

/* True once @pid sleeps in script(2), within WAIT_MS. */
static bool wait_in_script(pid_t pid)
{
	char path[64], buf[256];
	int i;

	snprintf(path, sizeof(path), "/proc/%d/syscall", pid);
	for (i = 0; i < WAIT_MS / 5; i++) {
		/* "running" while it runs, else the number and the arguments */
		if (!read_file(path, buf, sizeof(buf)) &&
		    strtol(buf, NULL, 10) == __NR_script)
			return true;
		usleep(5000);
	}
	return false;
}

/* True once *@p is @val, within WAIT_MS. */
static bool wait_s64(const __s64 *p, __s64 val)
{
	int i;

	for (i = 0; i < WAIT_MS; i++) {
		if (__atomic_load_n(p, __ATOMIC_SEQ_CST) == val)
			return true;
		usleep(1000);
	}
	return false;
}

/* True once *@p is at least @val, within WAIT_MS. */
static bool wait_int(const int *p, int val)
{
	int i;

	for (i = 0; i < WAIT_MS; i++) {
		if (__atomic_load_n(p, __ATOMIC_SEQ_CST) >= val)
			return true;
		usleep(1000);
	}
	return false;
}

static long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void on_watchdog(int sig)
{
}

/* SIGALRM in @sec s, with a handler that makes script(2) fail with EINTR. */
static void watchdog(struct __test_metadata *_metadata, unsigned int sec)
{
	struct sigaction sa = { .sa_handler = on_watchdog };

	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	alarm(sec);
}

static void on_usr1(int sig)
{
	__atomic_fetch_add(&board->hits, 1, __ATOMIC_SEQ_CST);
}

static void usr1_handler(struct __test_metadata *_metadata, int flags)
{
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = flags };

	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
}

/*
 * In a child, with the test in script(2): sends the test SIGUSR1, waits
 * for its handler to run and, with @resume, for the test to call script(2)
 * again.
 */
static void signal_test(bool resume)
{
	pid_t test = getppid();

	KID_CHECK(wait_in_script(test), 0);
	KID_CHECK(!kill(test, SIGUSR1), errno);
	KID_CHECK(wait_int(&board->hits, 1), board->hits);
	if (resume)
		KID_CHECK(wait_int(&board->resumed, 1), 0);
}

static void set_timeouts(int fd)
{
	struct timeval tv = { .tv_sec = IO_TIMEOUT_S };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* A TCP socket listening on 127.0.0.1 at a port the kernel picks */
static int listen_tcp(unsigned short *port)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	socklen_t len = sizeof(sin);
	int fd;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) || listen(fd, 16) ||
	    getsockname(fd, (struct sockaddr *)&sin, &len)) {
		close(fd);
		return -1;
	}
	*port = ntohs(sin.sin_port);
	return fd;
}

/* A client connected to 127.0.0.1:@port, its I/O bounded in time */
static int connect_tcp(unsigned short port)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	int fd;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	set_timeouts(fd);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		close(fd);
		return -1;
	}
	return fd;
}

static bool send_all(int fd, const void *buf, size_t len)
{
	return send(fd, buf, len, MSG_NOSIGNAL) == (ssize_t)len;
}

/* Reads @len bytes: how many came before an error or the end. */
static size_t read_exactly(int fd, char *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = read(fd, buf + got, len - got);
		if (n <= 0)
			break;
		got += n;
	}
	return got;
}

/* Reads until the end, at most @size bytes: how many, or -errno. */
static long read_to_end(int fd, char *buf, size_t size)
{
	size_t got = 0;
	ssize_t n;

	while (got < size) {
		n = read(fd, buf + got, size - got);
		if (n < 0)
			return -errno;
		if (!n)
			break;
		got += n;
	}
	return got;
}

/* A serve_*.bpf.bin: the .text of a C function compiled by clang */
struct prog {
	struct script_insn insns[PROG_MAX];
	unsigned int n;
};

static void load_prog(struct __test_metadata *_metadata, struct prog *p,
		      const char *name)
{
	ssize_t size;
	int fd;

	fd = open(name, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd) TH_LOG("%s: %s", name, strerror(errno));
	size = read(fd, p->insns, sizeof(p->insns));
	close(fd);
	ASSERT_LT(0, size);
	ASSERT_GT(sizeof(p->insns), size) TH_LOG("%s: more than %d insns", name, PROG_MAX);
	ASSERT_EQ(0, size % sizeof(struct script_insn));
	p->n = size / sizeof(struct script_insn);
}

/* One run of a program on its control struct, resumable or not */
struct run {
	struct script_attr attr;
	struct script_state st;
	char log[512];
};

/* Subprograms nest: room for many frames */
static __u64 run_stack[16 * SCRIPT_FRAME_SIZE / 8];

static void run_init(struct run *r, const struct prog *p, void *ctl, bool resumable)
{
	memset(r, 0, sizeof(*r));
	script_attr_prog(&r->attr, p->insns, p->n);
	r->attr.args[0] = (uintptr_t)ctl;
	r->attr.stack = (uintptr_t)run_stack;
	r->attr.stack_size = sizeof(run_stack);
	r->attr.log_buf = (uintptr_t)r->log;
	r->attr.log_size = sizeof(r->log);
	r->attr.log_level = SCRIPT_LOG_ERROR;
	if (resumable) {
		r->attr.state = (uintptr_t)&r->st;
		r->attr.state_size = sizeof(r->st);
	}
}

/* One script(2) call: 0 or -errno. */
static int run_call(struct run *r)
{
	return sys_script(SCRIPT_RUN, &r->attr, sizeof(r->attr)) ? -errno : 0;
}

/* run_call() under the watchdog, logging why it failed unless EINTR */
static int serve(struct __test_metadata *_metadata, struct run *r)
{
	int ret;

	watchdog(_metadata, WATCHDOG_S);
	ret = run_call(r);
	alarm(0);
	if (ret && ret != -EINTR)
		TH_LOG("script(2): %s at insn %u; log: %s", strerror(-ret),
		       r->attr.pc, r->log);
	return ret;
}

/* A run that stopped with EINTR is parked at the call of op @op. */
static void expect_parked_at(struct __test_metadata *_metadata, const struct prog *p,
			     const struct run *r, int op)
{
	const struct script_insn *insn;

	ASSERT_EQ(SCRIPT_STATE_PARKED, r->st.status);
	ASSERT_GT(p->n, r->st.pc);
	EXPECT_EQ(r->st.pc, r->attr.pc);
	insn = &p->insns[r->st.pc];
	EXPECT_EQ(SCRIPT_JMP | SCRIPT_CALL, insn->code);
	EXPECT_EQ(0, (int)insn->src_reg);
	EXPECT_EQ(op, insn->imm);
}

/* True when the script closed @fd */
static bool closed(int fd)
{
	return fcntl(fd, F_GETFD) == -1 && errno == EBADF;
}

/* The bytes of the file serve_file() sends */
static unsigned char pattern(unsigned long i)
{
	return (i * 2654435761UL) >> 11;
}

/* In a child: reads @fd to its end and leaves what it got on the board. */
static void drain(int fd)
{
	unsigned char buf[8192];
	long total = 0, bad = -1;
	ssize_t n, i;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (i = 0; i < n && bad < 0; i++)
			if (buf[i] != pattern(total + i))
				bad = total + i;
		total += n;
	}
	board->bytes = total;
	board->bad = bad;
	KID_CHECK(!n, errno);
	_exit(0);
}

FIXTURE(serve_file) {
	char path[64];
	struct prog prog;
	int out;	/* the socket the script sends on */
	int peer;	/* the other end, which a child drains */
};

FIXTURE_VARIANT(serve_file) {
	bool tcp;		/* TCP over loopback, else a Unix socketpair */
	bool use_sendfile;	/* SENDFILE ops, else one MOVE op */
};

FIXTURE_VARIANT_ADD(serve_file, unix_move) {
	.tcp = false,
	.use_sendfile = false,
};

FIXTURE_VARIANT_ADD(serve_file, unix_sendfile) {
	.tcp = false,
	.use_sendfile = true,
};

FIXTURE_VARIANT_ADD(serve_file, tcp_move) {
	.tcp = true,
	.use_sendfile = false,
};

FIXTURE_VARIANT_ADD(serve_file, tcp_sendfile) {
	.tcp = true,
	.use_sendfile = true,
};

FIXTURE_SETUP(serve_file)
{
	unsigned short port;
	unsigned char *data;
	int fd, lfd, s[2];
	ssize_t n;
	size_t i;

	self->out = -1;
	self->peer = -1;
	board_init(_metadata);
	load_prog(_metadata, &self->prog, "serve_file.bpf.bin");

	snprintf(self->path, sizeof(self->path), "/tmp/serve_test.XXXXXX");
	fd = mkstemp(self->path);
	ASSERT_LE(0, fd) TH_LOG("mkstemp: %s", strerror(errno));
	data = malloc(FILE_SIZE);
	ASSERT_NE(NULL, data);
	for (i = 0; i < FILE_SIZE; i++)
		data[i] = pattern(i);
	n = write(fd, data, FILE_SIZE);
	free(data);
	close(fd);
	ASSERT_EQ(FILE_SIZE, n);

	if (variant->tcp) {
		lfd = listen_tcp(&port);
		ASSERT_LE(0, lfd);
		self->peer = connect_tcp(port);
		ASSERT_LE(0, self->peer);
		self->out = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		close(lfd);
		ASSERT_LE(0, self->out);
	} else {
		ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, s));
		self->out = s[0];
		self->peer = s[1];
		set_timeouts(self->peer);
	}
}

FIXTURE_TEARDOWN(serve_file)
{
	unlink(self->path);
	if (self->out >= 0)
		close(self->out);
	if (self->peer >= 0)
		close(self->peer);
}

/*
 * One call opens the file by path, fstats it, sends it to the socket and
 * closes it: the peer gets exactly the file.
 */
TEST_F(serve_file, sends_the_whole_file)
{
	struct serve_file_ctl c = {
		.path = (uintptr_t)self->path,
		.dirfd = AT_FDCWD,
		.open_flags = O_RDONLY | O_CLOEXEC,
		.out_fd = self->out,
		.use_sendfile = variant->use_sendfile,
		.size_off = offsetof(struct stat, st_size),
		.timeout_ms = WAIT_MS,
		.fd = -1,
		.close_ret = 1,
	};
	bool file_closed;
	struct run r;
	pid_t pid;
	int ret;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		kid_init();
		close(self->out);
		drain(self->peer);
	}
	close(self->peer);
	self->peer = -1;

	run_init(&r, &self->prog, &c, false);
	ret = serve(_metadata, &r);
	file_closed = c.fd >= 0 && closed(c.fd);
	close(self->out);	/* the end of what the peer gets */
	self->out = -1;
	expect_kid_ok(_metadata, pid);
	ASSERT_EQ(0, ret);

	EXPECT_EQ(FILE_SIZE, (__s64)r.attr.retval);
	EXPECT_LE(0, c.fd);
	EXPECT_EQ(0, c.fstat_ret);
	EXPECT_EQ(FILE_SIZE, c.size);
	EXPECT_EQ(FILE_SIZE, c.sent);
	EXPECT_EQ(FILE_SIZE, c.pos);
	EXPECT_EQ(0, c.close_ret);
	EXPECT_TRUE(file_closed);
	/* One MOVE op, or SENDFILE ops until all is sent */
	EXPECT_LE(1, c.calls);
	EXPECT_GE(variant->use_sendfile ? FILE_SIZE : 1, c.calls);
	EXPECT_EQ(FILE_SIZE, board->bytes);
	EXPECT_EQ(-1, board->bad);
}

/* No file: openat()'s error is the result, and nothing else is done. */
TEST(serve_file_of_a_missing_path)
{
	static struct prog prog;
	struct serve_file_ctl c = {
		.path = (uintptr_t)"/nonexistent/serve_test",
		.dirfd = AT_FDCWD,
		.open_flags = O_RDONLY | O_CLOEXEC,
		.out_fd = -1,
		.size_off = offsetof(struct stat, st_size),
		.fstat_ret = 1,
		.close_ret = 1,
	};
	struct run r;

	load_prog(_metadata, &prog, "serve_file.bpf.bin");
	run_init(&r, &prog, &c, false);
	ASSERT_EQ(0, serve(_metadata, &r));
	EXPECT_EQ(-ENOENT, (__s64)r.attr.retval);
	EXPECT_EQ(-ENOENT, c.fd);
	EXPECT_EQ(1, c.fstat_ret);
	EXPECT_EQ(1, c.close_ret);
}

/* What serve_accept() works on, shared with the clients */
struct accept_area {
	struct serve_accept_ctl c;
	char marker[8];
	char buf[4096];
};

#define BEFORE_CONNECT	(-1)
#define NO_SIGNAL	(-2)

/**
 * struct http_client - what a client of serve_accept() does
 * @pieces: what it sends, one piece at a time, each once the script has
 *	taken in all the pieces before and sleeps in script(2) for more
 * @n: how many pieces
 * @signal_at: the piece before which it has the test signalled (see
 *	signal_test()), %BEFORE_CONNECT or %NO_SIGNAL
 * @resume: after the signal, wait for the test to call script(2) again
 * @shut: shut its side down after the last piece
 * @reply: what it must read before the server closes the connection;
 *	NULL for anything, a reset included
 */
struct http_client {
	const char *const *pieces;
	int n;
	int signal_at;
	bool resume;
	bool shut;
	const char *reply;
};

static void http_client(struct accept_area *a, unsigned short port,
			const struct http_client *hc)
{
	long sent = 0, len;
	char got[256];
	int fd, i;

	if (hc->signal_at == BEFORE_CONNECT)
		signal_test(hc->resume);
	fd = connect_tcp(port);
	KID_CHECK(fd >= 0, errno);
	for (i = 0; i < hc->n; i++) {
		KID_CHECK(wait_s64(&a->c.len, sent), a->c.len);
		KID_CHECK(wait_in_script(getppid()), i);
		if (hc->signal_at == i)
			signal_test(hc->resume);
		len = strlen(hc->pieces[i]);
		KID_CHECK(send_all(fd, hc->pieces[i], len), errno);
		sent += len;
	}
	if (hc->shut)
		KID_CHECK(!shutdown(fd, SHUT_WR), errno);
	len = read_to_end(fd, got, sizeof(got));
	if (hc->reply) {
		KID_CHECK(len == strlen(hc->reply), len);
		KID_CHECK(!memcmp(got, hc->reply, len), 0);
	}
	_exit(0);
}

FIXTURE(accept) {
	struct prog prog;
	struct accept_area *a;
	struct run run;
	unsigned short port;
	int lfd;
};

FIXTURE_SETUP(accept)
{
	struct serve_accept_ctl *c;

	self->lfd = -1;
	board_init(_metadata);
	load_prog(_metadata, &self->prog, "serve_accept.bpf.bin");
	self->a = shared_alloc(sizeof(*self->a));
	ASSERT_NE(NULL, self->a);
	self->lfd = listen_tcp(&self->port);
	ASSERT_LE(0, self->lfd);

	c = &self->a->c;
	memcpy(self->a->marker, "\r\n\r\n", 4);
	c->listen_fd = self->lfd;
	c->accept_flags = SOCK_CLOEXEC;
	c->timeout_ms = WAIT_MS / 2;
	c->clock = CLOCK_MONOTONIC;
	c->buf = (uintptr_t)self->a->buf;
	c->buf_size = sizeof(self->a->buf);
	c->marker = (uintptr_t)self->a->marker;
	c->marker_len = 4;
	c->fd = ACCEPT_SENTINEL;
	run_init(&self->run, &self->prog, c, false);
}

FIXTURE_TEARDOWN(accept)
{
	if (self->lfd >= 0)
		close(self->lfd);
	if (self->a && self->a->c.fd >= 0)
		close(self->a->c.fd);
}

/* Forks the client @hc of the script at @a, listening at @port. */
static pid_t start_http_client(struct accept_area *a, unsigned short port,
			       const struct http_client *hc)
{
	pid_t pid = fork();

	if (!pid) {
		kid_init();
		http_client(a, port, hc);
	}
	return pid;
}

/* Answers the connection serve_accept() handed over and closes it. */
static void answer(struct __test_metadata *_metadata, struct accept_area *a,
		   const char *reply)
{
	struct serve_accept_ctl *c = &a->c;
	size_t len = strlen(reply);

	ASSERT_LE(0, c->fd);
	EXPECT_EQ(len, write(c->fd, reply, len));
	close(c->fd);
	c->fd = -1;
}

static const char *const get_pieces[] = {
	"GET /index.html HTTP/1.1\r\n", "Host: loc", "alhost\r\n\r", "\nbody",
};

/*
 * A request that comes in four pieces, the end marker split between two:
 * the script hands over the connection only once the header is complete,
 * with all that came in its buffer.
 */
TEST_F(accept, waits_for_the_whole_header)
{
	static const char reply[] = "HTTP/1.0 204 No Content\r\n\r\n";
	const struct http_client hc = {
		.pieces = get_pieces,
		.n = ARRAY_LEN(get_pieces),
		.signal_at = NO_SIGNAL,
		.reply = reply,
	};
	struct serve_accept_ctl *c = &self->a->c;
	char request[128] = "";
	long end;
	pid_t pid;
	int i;

	for (i = 0; i < ARRAY_LEN(get_pieces); i++)
		strcat(request, get_pieces[i]);
	end = strstr(request, "\r\n\r\n") + 4 - request;

	pid = start_http_client(self->a, self->port, &hc);
	ASSERT_LE(0, pid);
	ASSERT_EQ(0, serve(_metadata, &self->run));
	EXPECT_EQ(0, self->run.attr.retval);
	EXPECT_EQ(strlen(request), c->len);
	EXPECT_EQ(end, c->end);
	EXPECT_EQ(ARRAY_LEN(get_pieces), c->reads);
	EXPECT_EQ(0, memcmp(self->a->buf, request, strlen(request)));
	answer(_metadata, self->a, reply);
	expect_kid_ok(_metadata, pid);
}

#define SHORT_TIMEOUT_MS	300

static const char timeout_reply[] = "HTTP/1.0 408 Request Timeout\r\n\r\n";

/*
 * A client that connects and sends nothing: the script gives up at the
 * deadline and hands over the connection, on which the test answers 408.
 */
TEST_F(accept, times_out_on_a_silent_client)
{
	const struct http_client hc = {
		.signal_at = NO_SIGNAL,
		.reply = timeout_reply,
	};
	struct serve_accept_ctl *c = &self->a->c;
	long start, elapsed;
	pid_t pid;

	c->timeout_ms = SHORT_TIMEOUT_MS;
	pid = start_http_client(self->a, self->port, &hc);
	ASSERT_LE(0, pid);
	start = mono_ms();
	ASSERT_EQ(0, serve(_metadata, &self->run));
	elapsed = mono_ms() - start;
	EXPECT_EQ(-ETIMEDOUT, (__s64)self->run.attr.retval);
	EXPECT_EQ(0, c->len);
	EXPECT_EQ(0, c->end);
	EXPECT_EQ(1, c->reads);
	/* The script counts whole milliseconds: allow it two short. */
	EXPECT_LE(SHORT_TIMEOUT_MS - 2, elapsed);
	EXPECT_GT(SHORT_TIMEOUT_MS + WAIT_MS / 2, elapsed);
	answer(_metadata, self->a, timeout_reply);
	expect_kid_ok(_metadata, pid);
}

/* A client that stops half way through its header times out too. */
TEST_F(accept, times_out_in_the_middle_of_the_header)
{
	static const char *const pieces[] = { "GET / HTTP/1.1\r\n" };
	const struct http_client hc = {
		.pieces = pieces,
		.n = ARRAY_LEN(pieces),
		.signal_at = NO_SIGNAL,
		.reply = timeout_reply,
	};
	struct serve_accept_ctl *c = &self->a->c;
	pid_t pid;

	c->timeout_ms = 1000;	/* long enough for the first piece to come */
	pid = start_http_client(self->a, self->port, &hc);
	ASSERT_LE(0, pid);
	ASSERT_EQ(0, serve(_metadata, &self->run));
	EXPECT_EQ(-ETIMEDOUT, (__s64)self->run.attr.retval);
	EXPECT_EQ(strlen(pieces[0]), c->len);
	EXPECT_EQ(0, c->end);
	EXPECT_EQ(0, memcmp(self->a->buf, pieces[0], strlen(pieces[0])));
	answer(_metadata, self->a, timeout_reply);
	expect_kid_ok(_metadata, pid);
}

/* A client that shuts its side down before the header's end: -ENODATA. */
TEST_F(accept, reports_the_end_before_the_header)
{
	static const char *const pieces[] = { "GET /" };
	const struct http_client hc = {
		.pieces = pieces,
		.n = ARRAY_LEN(pieces),
		.signal_at = NO_SIGNAL,
		.shut = true,
		.reply = "",
	};
	struct serve_accept_ctl *c = &self->a->c;
	pid_t pid;

	pid = start_http_client(self->a, self->port, &hc);
	ASSERT_LE(0, pid);
	ASSERT_EQ(0, serve(_metadata, &self->run));
	EXPECT_EQ(-ENODATA, (__s64)self->run.attr.retval);
	EXPECT_EQ(5, c->len);
	EXPECT_EQ(2, c->reads);
	answer(_metadata, self->a, "");
	expect_kid_ok(_metadata, pid);
}

/* A header longer than the buffer: -EMSGSIZE with the buffer full. */
TEST_F(accept, refuses_a_header_longer_than_its_buffer)
{
	static char big[101];
	static const char *const pieces[] = { big };
	const struct http_client hc = {
		.pieces = pieces,
		.n = ARRAY_LEN(pieces),
		.signal_at = NO_SIGNAL,
	};
	struct serve_accept_ctl *c = &self->a->c;
	pid_t pid;

	memset(big, 'a', sizeof(big) - 1);
	c->buf_size = 64;
	pid = start_http_client(self->a, self->port, &hc);
	ASSERT_LE(0, pid);
	ASSERT_EQ(0, serve(_metadata, &self->run));
	EXPECT_EQ(-EMSGSIZE, (__s64)self->run.attr.retval);
	EXPECT_EQ(64, c->len);
	EXPECT_EQ(0, c->end);
	EXPECT_EQ(0, memcmp(self->a->buf, big, 64));
	answer(_metadata, self->a, "");
	expect_kid_ok(_metadata, pid);
}

static const char *const ping_pieces[] = { "PING\r\n\r\n" };

/*
 * SIGUSR1 with an SA_RESTART handler while the run sleeps in accept: the
 * handler runs once, and the run goes on unseen.
 */
TEST_F(accept, sa_restart_handler_in_accept_is_transparent)
{
	const struct http_client hc = {
		.pieces = ping_pieces,
		.n = ARRAY_LEN(ping_pieces),
		.signal_at = BEFORE_CONNECT,
		.reply = "PONG",
	};
	struct serve_accept_ctl *c = &self->a->c;
	pid_t pid;

	usr1_handler(_metadata, SA_RESTART);
	run_init(&self->run, &self->prog, c, true);
	pid = start_http_client(self->a, self->port, &hc);
	ASSERT_LE(0, pid);
	ASSERT_EQ(0, serve(_metadata, &self->run));
	EXPECT_EQ(1, board->hits);
	EXPECT_EQ(SCRIPT_STATE_NONE, self->run.st.status);
	EXPECT_EQ(0, self->run.attr.retval);
	EXPECT_EQ(8, c->len);
	EXPECT_EQ(8, c->end);
	EXPECT_EQ(1, c->reads);
	answer(_metadata, self->a, "PONG");
	expect_kid_ok(_metadata, pid);
}

/*
 * A handler without SA_RESTART while the run sleeps in accept: script(2)
 * fails with EINTR, parked at the accept, which has not taken effect; the
 * same call again accepts the client that connects then.
 */
TEST_F(accept, handler_without_sa_restart_in_accept_parks_and_resumes)
{
	const struct http_client hc = {
		.pieces = ping_pieces,
		.n = ARRAY_LEN(ping_pieces),
		.signal_at = BEFORE_CONNECT,
		.resume = true,
		.reply = "PONG",
	};
	struct serve_accept_ctl *c = &self->a->c;
	pid_t pid;

	usr1_handler(_metadata, 0);
	run_init(&self->run, &self->prog, c, true);
	pid = start_http_client(self->a, self->port, &hc);
	ASSERT_LE(0, pid);
	ASSERT_EQ(-EINTR, serve(_metadata, &self->run));
	EXPECT_EQ(1, board->hits);
	expect_parked_at(_metadata, &self->prog, &self->run, SCRIPT_OP_ACCEPT4);
	EXPECT_EQ(ACCEPT_SENTINEL, c->fd);

	__atomic_store_n(&board->resumed, 1, __ATOMIC_SEQ_CST);
	ASSERT_EQ(0, serve(_metadata, &self->run));
	EXPECT_EQ(1, board->hits);
	EXPECT_EQ(SCRIPT_STATE_NONE, self->run.st.status);
	EXPECT_EQ(0, self->run.attr.retval);
	EXPECT_EQ(8, c->end);
	EXPECT_EQ(1, c->reads);
	answer(_metadata, self->a, "PONG");
	expect_kid_ok(_metadata, pid);
}

/*
 * The same while the run waits in READ_MIN for the rest of a header: the
 * op that the signal stopped read nothing and runs again; nothing that
 * came before or after is lost or read twice.
 */
TEST_F(accept, handler_without_sa_restart_in_read_min_loses_nothing)
{
	static const char *const pieces[] = { "GET / HTTP/1.1\r\n", "Host: x\r\n\r\n" };
	const struct http_client hc = {
		.pieces = pieces,
		.n = ARRAY_LEN(pieces),
		.signal_at = 1,
		.resume = true,
		.reply = "OK",
	};
	struct serve_accept_ctl *c = &self->a->c;
	size_t first = strlen(pieces[0]), all = first + strlen(pieces[1]);
	pid_t pid;

	usr1_handler(_metadata, 0);
	run_init(&self->run, &self->prog, c, true);
	pid = start_http_client(self->a, self->port, &hc);
	ASSERT_LE(0, pid);
	ASSERT_EQ(-EINTR, serve(_metadata, &self->run));
	EXPECT_EQ(1, board->hits);
	expect_parked_at(_metadata, &self->prog, &self->run, SCRIPT_OP_READ_MIN);
	EXPECT_LE(0, c->fd);
	EXPECT_EQ(first, c->len);
	EXPECT_EQ(1, c->reads);

	__atomic_store_n(&board->resumed, 1, __ATOMIC_SEQ_CST);
	ASSERT_EQ(0, serve(_metadata, &self->run));
	EXPECT_EQ(SCRIPT_STATE_NONE, self->run.st.status);
	EXPECT_EQ(0, self->run.attr.retval);
	EXPECT_EQ(all, c->len);
	EXPECT_EQ(all, c->end);
	EXPECT_EQ(2, c->reads);
	EXPECT_EQ(0, memcmp(self->a->buf, pieces[0], first));
	EXPECT_EQ(0, memcmp(self->a->buf + first, pieces[1], all - first));
	answer(_metadata, self->a, "OK");
	expect_kid_ok(_metadata, pid);
}

/* What serve_echo() works on, shared with the clients */
struct echo_area {
	struct serve_echo_ctl c;
	char quit[8];
	char buf[4096];
};

FIXTURE(echo) {
	struct prog prog;
	struct echo_area *a;
	struct run run;
	unsigned short port;
	int lfd;
};

FIXTURE_SETUP(echo)
{
	struct serve_echo_ctl *c;

	self->lfd = -1;
	board_init(_metadata);
	load_prog(_metadata, &self->prog, "serve_echo.bpf.bin");
	self->a = shared_alloc(sizeof(*self->a));
	ASSERT_NE(NULL, self->a);
	self->lfd = listen_tcp(&self->port);
	ASSERT_LE(0, self->lfd);

	c = &self->a->c;
	memcpy(self->a->quit, "quit\n", 5);
	c->listen_fd = self->lfd;
	c->accept_flags = SOCK_CLOEXEC;
	c->epoll_flags = EPOLL_CLOEXEC;
	c->timeout_ms = WAIT_MS / 2;
	c->ev_size = sizeof(struct epoll_event);
	c->ev_data_off = offsetof(struct epoll_event, data);
	c->buf = (uintptr_t)self->a->buf;
	c->buf_size = sizeof(self->a->buf);
	c->quit = (uintptr_t)self->a->quit;
	c->quit_len = 5;
	c->epfd = -1;
	ASSERT_GE(ECHO_EVENT_MAX_SIZE, c->ev_size);
	run_init(&self->run, &self->prog, c, false);
}

FIXTURE_TEARDOWN(echo)
{
	if (self->lfd >= 0)
		close(self->lfd);
}

/* Sends each of @lines and reads its echo, @gap_ms apart. */
static void echo_lines(int fd, const char *const *lines, int n, int gap_ms)
{
	static char got[LONG_LINE];
	size_t len;
	int i;

	for (i = 0; i < n; i++) {
		len = strlen(lines[i]);
		KID_CHECK(len <= sizeof(got), len);
		KID_CHECK(send_all(fd, lines[i], len), errno);
		KID_CHECK(read_exactly(fd, got, len) == len, i);
		KID_CHECK(!memcmp(got, lines[i], len), i);
		usleep(gap_ms * 1000);
	}
}

/* A client that connects @start_ms from now, sends @lines and leaves. */
static pid_t echo_client(unsigned short port, int start_ms, const char *const *lines,
			 int n, int gap_ms)
{
	pid_t pid = fork();
	int fd;

	if (pid)
		return pid;
	kid_init();
	usleep(start_ms * 1000);
	fd = connect_tcp(port);
	KID_CHECK(fd >= 0, errno);
	echo_lines(fd, lines, n, gap_ms);
	close(fd);
	__atomic_fetch_add(&board->done, 1, __ATOMIC_SEQ_CST);
	_exit(0);
}

/*
 * The client that ends it, once @others have left (or, with @signalled,
 * once the test was signalled in epoll_wait and called again): its last
 * lines are echoed, then the server closes the connection.
 */
static pid_t quit_client(unsigned short port, int others, bool signalled)
{
	static const char *const lines[] = { "last one\n", "quit\n" };
	pid_t pid = fork();
	char byte;
	int fd;

	if (pid)
		return pid;
	kid_init();
	if (signalled)
		signal_test(true);
	KID_CHECK(wait_int(&board->done, others), board->done);
	fd = connect_tcp(port);
	KID_CHECK(fd >= 0, errno);
	echo_lines(fd, lines, ARRAY_LEN(lines), 0);
	KID_CHECK(!read(fd, &byte, 1), errno);
	_exit(0);
}

static size_t lines_len(const char *const *lines, int n)
{
	size_t len = 0;
	int i;

	for (i = 0; i < n; i++)
		len += strlen(lines[i]);
	return len;
}

/* The script closed the epoll descriptor and every client. */
static void expect_all_closed(struct __test_metadata *_metadata,
			      const struct serve_echo_ctl *c)
{
	int i, fd;

	EXPECT_LE(0, c->epfd);
	EXPECT_TRUE(closed(c->epfd));
	for (i = 0; i < ECHO_MAX_CLIENTS; i++) {
		fd = c->fds[i];
		if (fd < 0)
			continue;
		EXPECT_TRUE(closed(fd)) TH_LOG("client %d", fd);
	}
}

/*
 * An epoll event loop in one script(2) call: clients come at different
 * times, some at once, send lines and check their echoes, leave; the last
 * one sends the quit line.
 */
TEST_F(echo, serves_many_clients_in_one_call)
{
	static const char *const alpha[] = { "alpha 1\n", "alpha 2\n", "alpha 3\n" };
	static const char *const bravo[] = { "bravo 1\n", "bravo 2\n", "bravo 3\n" };
	static char long_line[LONG_LINE + 1];
	static const char *const charlie[] = { "charlie 1\n", long_line };
	static const char *const last[] = { "last one\n", "quit\n" };
	struct serve_echo_ctl *c = &self->a->c;
	pid_t pids[4];
	int i;

	for (i = 0; i < LONG_LINE - 1; i++)
		long_line[i] = 'a' + i % 26;
	long_line[LONG_LINE - 1] = '\n';

	pids[0] = echo_client(self->port, 0, alpha, ARRAY_LEN(alpha), 30);
	pids[1] = echo_client(self->port, 20, bravo, ARRAY_LEN(bravo), 40);
	pids[2] = echo_client(self->port, 200, charlie, ARRAY_LEN(charlie), 10);
	pids[3] = quit_client(self->port, 3, false);
	for (i = 0; i < ARRAY_LEN(pids); i++)
		ASSERT_LE(0, pids[i]);

	ASSERT_EQ(0, serve(_metadata, &self->run));
	EXPECT_EQ(0, self->run.attr.retval);
	EXPECT_EQ(4, c->accepted);
	EXPECT_EQ(3, c->left);
	EXPECT_LE(ARRAY_LEN(alpha) + ARRAY_LEN(bravo) + ARRAY_LEN(charlie) +
		  ARRAY_LEN(last), c->chunks);
	EXPECT_EQ(lines_len(alpha, ARRAY_LEN(alpha)) + lines_len(bravo, ARRAY_LEN(bravo)) +
		  lines_len(charlie, ARRAY_LEN(charlie)) + lines_len(last, ARRAY_LEN(last)),
		  c->bytes);
	EXPECT_LE(4, c->waits);
	expect_all_closed(_metadata, c);
	for (i = 0; i < ARRAY_LEN(pids); i++)
		expect_kid_ok(_metadata, pids[i]);
}

/*
 * A handler without SA_RESTART while the loop sleeps in epoll_wait: EINTR,
 * parked at the epoll_wait; the same call again serves the client.
 */
TEST_F(echo, handler_without_sa_restart_in_epoll_wait_parks_and_resumes)
{
	struct serve_echo_ctl *c = &self->a->c;
	pid_t pid;

	usr1_handler(_metadata, 0);
	run_init(&self->run, &self->prog, c, true);
	pid = quit_client(self->port, 0, true);
	ASSERT_LE(0, pid);
	ASSERT_EQ(-EINTR, serve(_metadata, &self->run));
	EXPECT_EQ(1, board->hits);
	expect_parked_at(_metadata, &self->prog, &self->run, SCRIPT_OP_EPOLL_WAIT);
	EXPECT_EQ(0, c->waits);
	EXPECT_EQ(0, c->accepted);

	__atomic_store_n(&board->resumed, 1, __ATOMIC_SEQ_CST);
	ASSERT_EQ(0, serve(_metadata, &self->run));
	EXPECT_EQ(SCRIPT_STATE_NONE, self->run.st.status);
	EXPECT_EQ(0, self->run.attr.retval);
	EXPECT_EQ(1, c->accepted);
	EXPECT_EQ(0, c->left);
	EXPECT_EQ(strlen("last one\nquit\n"), c->bytes);
	expect_all_closed(_metadata, c);
	expect_kid_ok(_metadata, pid);
}

#define COPY_DATA	"0123456789abcdefghij"
#define COPY_LEN	(sizeof(COPY_DATA) - 1)
#define COPY_HALF	(COPY_LEN / 2)

/* What serve_copy() works on, shared with the children */
struct copy_area {
	struct serve_copy_ctl c;
	int in[2];	/* the script reads in[0] */
	int out[2];	/* and writes out[1] */
	char buf[64];
};

FIXTURE(copy) {
	struct prog prog;
	struct copy_area *a;
	struct run run;
};

FIXTURE_SETUP(copy)
{
	struct serve_copy_ctl *c;

	board_init(_metadata);
	load_prog(_metadata, &self->prog, "serve_copy.bpf.bin");
	self->a = shared_alloc(sizeof(*self->a));
	ASSERT_NE(NULL, self->a);
	ASSERT_EQ(0, pipe2(self->a->in, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(self->a->out, O_CLOEXEC | O_NONBLOCK));

	c = &self->a->c;
	c->in_fd = self->a->in[0];
	c->out_fd = self->a->out[1];
	c->buf = (uintptr_t)self->a->buf;
	c->buf_size = sizeof(self->a->buf);
	c->len = COPY_LEN;
	run_init(&self->run, &self->prog, c, true);
}

FIXTURE_TEARDOWN(copy)
{
}

/* What came out of the relay is exactly what went in. */
static void expect_copied(struct __test_metadata *_metadata, struct copy_area *a)
{
	char got[COPY_LEN + 1];

	EXPECT_EQ(COPY_LEN, a->c.copied);
	EXPECT_EQ(COPY_LEN, read(a->out[0], got, sizeof(got)));
	EXPECT_EQ(0, memcmp(got, COPY_DATA, COPY_LEN));
}

/*
 * In a child: writes the first half, and once the script has copied it and
 * sleeps in a read of the empty pipe, signals the test as signal_test()
 * does, then writes the second half.
 */
static pid_t half_writer(struct copy_area *a, bool resume)
{
	pid_t pid = fork();

	if (pid)
		return pid;
	kid_init();
	KID_CHECK(write(a->in[1], COPY_DATA, COPY_HALF) == COPY_HALF, errno);
	KID_CHECK(wait_s64(&a->c.copied, COPY_HALF), a->c.copied);
	signal_test(resume);
	KID_CHECK(write(a->in[1], COPY_DATA + COPY_HALF, COPY_LEN - COPY_HALF) ==
		  COPY_LEN - COPY_HALF, errno);
	_exit(0);
}

/* An SA_RESTART handler while the run sleeps in a read of a pipe */
TEST_F(copy, sa_restart_handler_in_pipe_read_is_transparent)
{
	pid_t pid;

	usr1_handler(_metadata, SA_RESTART);
	pid = half_writer(self->a, false);
	ASSERT_LE(0, pid);
	ASSERT_EQ(0, serve(_metadata, &self->run));
	EXPECT_EQ(1, board->hits);
	EXPECT_EQ(SCRIPT_STATE_NONE, self->run.st.status);
	EXPECT_EQ(COPY_LEN, self->run.attr.retval);
	EXPECT_EQ(2, self->a->c.reads);
	expect_copied(_metadata, self->a);
	expect_kid_ok(_metadata, pid);
}

/* A handler without SA_RESTART there: EINTR, parked at the read. */
TEST_F(copy, handler_without_sa_restart_in_pipe_read_parks_and_resumes)
{
	pid_t pid;

	usr1_handler(_metadata, 0);
	pid = half_writer(self->a, true);
	ASSERT_LE(0, pid);
	ASSERT_EQ(-EINTR, serve(_metadata, &self->run));
	EXPECT_EQ(1, board->hits);
	expect_parked_at(_metadata, &self->prog, &self->run, SCRIPT_OP_READ);
	EXPECT_EQ(COPY_HALF, self->a->c.copied);
	EXPECT_EQ(1, self->a->c.reads);

	__atomic_store_n(&board->resumed, 1, __ATOMIC_SEQ_CST);
	ASSERT_EQ(0, serve(_metadata, &self->run));
	EXPECT_EQ(SCRIPT_STATE_NONE, self->run.st.status);
	EXPECT_EQ(COPY_LEN, self->run.attr.retval);
	EXPECT_EQ(2, self->a->c.reads);
	expect_copied(_metadata, self->a);
	expect_kid_ok(_metadata, pid);
}

/* In a child: runs the relay, which must copy everything. */
static pid_t relay(struct run *r)
{
	pid_t pid = fork();
	int ret;

	if (pid)
		return pid;
	kid_init();
	ret = run_call(r);
	__atomic_store_n(&board->returned, 1, __ATOMIC_SEQ_CST);
	KID_CHECK(!ret, ret);
	KID_CHECK(r->attr.retval == COPY_LEN, r->attr.retval);
	KID_CHECK(r->st.status == SCRIPT_STATE_NONE, r->st.status);
	_exit(0);
}

/*
 * SIGSTOP while a child sleeps in a script's read of a pipe, and SIGCONT
 * after the rest of the data came: the run goes on where it was.
 */
TEST_F(copy, sigstop_sigcont_in_pipe_read_is_transparent)
{
	int status = 0;
	pid_t pid;

	pid = relay(&self->run);
	ASSERT_LE(0, pid);
	ASSERT_EQ(COPY_HALF, write(self->a->in[1], COPY_DATA, COPY_HALF));
	ASSERT_TRUE(wait_s64(&self->a->c.copied, COPY_HALF));
	ASSERT_TRUE(wait_in_script(pid));
	ASSERT_EQ(0, kill(pid, SIGSTOP));
	watchdog(_metadata, WATCHDOG_S);
	ASSERT_EQ(pid, waitpid(pid, &status, WUNTRACED));
	alarm(0);
	ASSERT_TRUE(WIFSTOPPED(status));
	EXPECT_EQ(SIGSTOP, WSTOPSIG(status));

	/* Stopped, it copies nothing. */
	ASSERT_EQ(COPY_LEN - COPY_HALF,
		  write(self->a->in[1], COPY_DATA + COPY_HALF, COPY_LEN - COPY_HALF));
	usleep(100000);
	EXPECT_EQ(COPY_HALF, self->a->c.copied);
	ASSERT_EQ(0, kill(pid, SIGCONT));
	expect_kid_ok(_metadata, pid);
	EXPECT_EQ(1, board->returned);
	EXPECT_EQ(2, self->a->c.reads);
	expect_copied(_metadata, self->a);
}

/* SIGKILL ends a run that sleeps in a read of a pipe, at once. */
TEST_F(copy, sigkill_ends_a_blocked_run)
{
	int status = 0;
	long start;
	pid_t pid;

	pid = relay(&self->run);
	ASSERT_LE(0, pid);
	ASSERT_TRUE(wait_in_script(pid));
	start = mono_ms();
	ASSERT_EQ(0, kill(pid, SIGKILL));
	/* Not SA_RESTART: a waitpid() that hangs fails with EINTR. */
	watchdog(_metadata, 5);
	ASSERT_EQ(pid, waitpid(pid, &status, 0)) TH_LOG("SIGKILL did not end the run in 5 s");
	alarm(0);
	EXPECT_GT(5000, mono_ms() - start);
	ASSERT_TRUE(WIFSIGNALED(status));
	EXPECT_EQ(SIGKILL, WTERMSIG(status));
	EXPECT_EQ(0, board->returned);
	EXPECT_EQ(0, self->a->c.reads);
}

TEST_HARNESS_MAIN
