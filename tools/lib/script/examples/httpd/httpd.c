// SPDX-License-Identifier: GPL-2.0
/*
 * httpd: a static-content HTTP/1.1 and HTTP/2 server whose event loop
 * runs inside script(2): each worker thread makes ONE script(2) call,
 * which runs httpd.bpf.c for as long as the server serves.  This
 * launcher only sets things up, starts the workers, waits for SIGINT or
 * SIGTERM, stops them and prints what they counted; it makes no system
 * call per request.
 *
 *   httpd [-a ADDR] [-p PORT] [-w WORKERS] [-t TIMEOUT_MS] [-c MAX_CONNS]
 *         [-s TLS_PORT -C CERT -K KEY [-n ALPN]] [-o OBJ] [-I] [-q] DOCROOT
 *
 * Once listening it prints "httpd: serving DOCROOT on http://ADDR:PORT/
 * with N workers (engine ENGINE)", with "and https://ADDR:TLS_PORT/ (ALPN
 * LIST)" after the first address when -s gives a TLS port (httpd_tls.c:
 * a thread does the handshakes and hands each connection, kernel TLS on,
 * to a worker's script).  ENGINE is "jit" when the kernel compiled
 * the script and "interp" when the interpreter runs it (-I asks for the
 * interpreter, so that one boot can compare both).  It exits 0 after a
 * signal stopped it, 1 when a worker's script failed (it prints the error
 * and the pc), 2 on bad usage.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>

#include "libscript.h"
#include "httpd.h"
#include "httpd_tls.h"
#include "h2_huffman.h"

#define BACKLOG		1024
#define LOG_SIZE	(64 * 1024)
#define MAX_WORKERS	1024
#define MAX_CONNS	(1 << 20)

static_assert(sizeof(struct epoll_event) <= HTTPD_EVENT_MAX_SIZE,
	      "struct epoll_event does not fit httpd_ctl.events");
static_assert(sizeof(struct stat) <= HTTPD_STAT_MAX_SIZE,
	      "struct stat does not fit httpd_ctl.st");
static_assert(sizeof(((struct stat *)0)->st_size) == 8,
	      "the script loads st_size as 64 bits");
static_assert(sizeof(((struct stat *)0)->st_mode) == 4,
	      "the script loads st_mode as 32 bits");

/**
 * struct worker - one worker thread and what its run uses
 * @ctl: the script's control block (r1)
 * @conns: its connection table
 * @bufs: the connections' in and out buffers, one mapping
 * @bufs_size: the size of that mapping
 * @h2: the HTTP/2 block (httpd_ctl.h2)
 * @h2_conns: the connections' HTTP/2 state, one mapping
 * @h2_size: the size of that mapping
 * @stack: the script's stack
 * @state: the run's state area: a stop or a ptrace of the thread parks
 *	the run there, and script(2) continues it
 * @opts: the run's arguments and results
 * @thread: the thread
 * @id: its number, from 0
 * @ret: script_run_fd()'s result
 */
struct worker {
	struct httpd_ctl	*ctl;
	struct httpd_conn	*conns;
	void			*bufs;
	size_t			bufs_size;
	struct h2_ctl		*h2;
	void			*h2_conns;
	size_t			h2_size;
	void			*stack;
	struct script_state	state;
	struct script_run_opts	opts;
	pthread_t		thread;
	int			id;
	int			ret;
};

static int prog_fd = -1;
/* HPACK's Huffman decoding table, which every worker reads */
static __u32 h2_huff[H2_HUFF_ENTRIES];
static pthread_t main_thread;

static const char usage_text[] =
"Usage: httpd [-a ADDR] [-p PORT] [-w WORKERS] [-t TIMEOUT_MS]\n"
"             [-c MAX_CONNS] [-s TLS_PORT -C CERT -K KEY [-n ALPN]]\n"
"             [-o OBJ] [-I] [-q] DOCROOT\n"
"Serve the files beneath DOCROOT over HTTP/1.1 and HTTP/2, the event\n"
"loop of each worker thread in one script(2) call.\n"
"  -a ADDR        IPv4 or IPv6 address (default 0.0.0.0)\n"
"  -p PORT        port (default 8080; 0: any free one, printed)\n"
"  -w WORKERS     worker threads (default: one per online CPU)\n"
"  -t TIMEOUT_MS  request, idle, send, linger timeout (default 10000)\n"
"  -c MAX_CONNS   connections per worker (default 512)\n"
"  -s TLS_PORT    serve HTTPS on this port too (0: any free one), kernel\n"
"                 TLS after a handshake in user space\n"
"  -C CERT        its certificate chain (PEM)\n"
"  -K KEY         its private key (PEM)\n"
"  -n ALPN        the ALPN protocols offered, in order of preference\n"
"                 (default: those the script serves: http/1.1)\n"
"  -o OBJ         the script (default: httpd.bpf.o beside httpd)\n"
"  -I             run the script with the interpreter, never compiled\n"
"                 (SCRIPT_F_INTERP)\n"
"  -q             do not print the counters at exit\n";

static void usage(FILE *f)
{
	fputs(usage_text, f);
}

/* Parses a decimal number from @min to @max, all of @s: it, or -1. */
static long parse_num(const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -1;
	return v;
}

/* @name in the directory of @argv0. */
static void beside_program(char *path, size_t size, const char *argv0,
			   const char *name)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s", argv0);
	snprintf(path, size, "%s/%s", dirname(dir), name);
}

/*
 * Opens the listening socket, non-blocking (the workers accept from their
 * event loops), and writes its address, as it can be printed, to @name.
 */
static int listen_on(const char *addr, int port, char *name, size_t size)
{
	union {
		struct sockaddr sa;
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
	} sa;
	char host[INET6_ADDRSTRLEN];
	socklen_t len;
	int fd, one = 1;

	memset(&sa, 0, sizeof(sa));
	if (inet_pton(AF_INET, addr, &sa.in.sin_addr) == 1) {
		sa.in.sin_family = AF_INET;
		sa.in.sin_port = htons(port);
		len = sizeof(sa.in);
	} else if (inet_pton(AF_INET6, addr, &sa.in6.sin6_addr) == 1) {
		sa.in6.sin6_family = AF_INET6;
		sa.in6.sin6_port = htons(port);
		len = sizeof(sa.in6);
	} else {
		fprintf(stderr, "httpd: %s: not an IPv4 or IPv6 address\n",
			addr);
		return -1;
	}
	fd = socket(sa.sa.sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0) {
		perror("httpd: socket");
		return -1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, &sa.sa, len) || listen(fd, BACKLOG) ||
	    getsockname(fd, &sa.sa, &len)) {
		fprintf(stderr, "httpd: %s port %d: %s\n", addr, port,
			strerror(errno));
		close(fd);
		return -1;
	}
	if (sa.sa.sa_family == AF_INET) {
		inet_ntop(AF_INET, &sa.in.sin_addr, host, sizeof(host));
		snprintf(name, size, "%s:%d", host, ntohs(sa.in.sin_port));
	} else {
		inet_ntop(AF_INET6, &sa.in6.sin6_addr, host, sizeof(host));
		snprintf(name, size, "[%s]:%d", host, ntohs(sa.in6.sin6_port));
	}
	return fd;
}

/*
 * Each worker holds up to @max_conns connections and as many open files;
 * raise the descriptor limit towards what that needs.  Past the limit,
 * the script answers 503 rather than fail.
 */
static void raise_nofile(long workers, long max_conns)
{
	rlim_t want = (rlim_t)workers * (2 * max_conns + 2) + 64;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur >= want)
		return;
	rl.rlim_cur = rl.rlim_max < want ? rl.rlim_max : want;
	setrlimit(RLIMIT_NOFILE, &rl);
}

/* Sets up @w's memory and control block; 0 or -1. */
static int worker_init(struct worker *w, int id, int listen_fd, int stop_fd,
		       int root_fd, int handoff_fd, long timeout_ms,
		       long max_conns)
{
	size_t in_size = (size_t)max_conns * HTTPD_IN_SIZE;
	struct httpd_ctl *c;
	char *bufs;
	long i;

	w->id = id;
	w->ctl = calloc(1, sizeof(*w->ctl));
	w->conns = calloc(max_conns, sizeof(*w->conns));
	w->stack = aligned_alloc(16, HTTPD_STACK_SIZE);
	/* Touched only as connections come: mapped lazily. */
	w->bufs_size = (size_t)max_conns * (HTTPD_IN_SIZE + HTTPD_OUT_SIZE);
	w->bufs = mmap(NULL, w->bufs_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	/* Only HTTP/2 connections touch theirs */
	w->h2 = calloc(1, sizeof(*w->h2));
	w->h2_size = (size_t)max_conns * sizeof(struct h2_conn);
	w->h2_conns = mmap(NULL, w->h2_size, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (!w->ctl || !w->conns || !w->stack || w->bufs == MAP_FAILED ||
	    !w->h2 || w->h2_conns == MAP_FAILED) {
		fprintf(stderr, "httpd: out of memory for worker %d\n", id);
		return -1;
	}
	bufs = w->bufs;
	for (i = 0; i < max_conns; i++) {
		w->conns[i].in = (unsigned long)(bufs + i * HTTPD_IN_SIZE);
		w->conns[i].out = (unsigned long)(bufs + in_size +
						  i * HTTPD_OUT_SIZE);
	}

	c = w->ctl;
	c->listen_fd = listen_fd;
	c->stop_fd = stop_fd;
	c->root_fd = root_fd;
	c->timeout_ms = timeout_ms;
	c->accept_flags = SOCK_NONBLOCK | SOCK_CLOEXEC;
	c->epoll_flags = EPOLL_CLOEXEC;
	c->send_flags = MSG_NOSIGNAL;
	c->more_flag = MSG_MORE;
	c->how.flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
	c->how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
	c->max_conns = max_conns;
	c->ev_size = sizeof(struct epoll_event);
	c->ev_data_off = offsetof(struct epoll_event, data);
	c->st_mode_off = offsetof(struct stat, st_mode);
	c->st_size_off = offsetof(struct stat, st_size);
	c->conns = (__u64)(unsigned long)w->conns;
	c->handoff_fd = handoff_fd;
	c->h2 = (__u64)(unsigned long)w->h2;
	w->h2->huff = (__u64)(unsigned long)h2_huff;
	w->h2->conns = (__u64)(unsigned long)w->h2_conns;

	w->opts.sz = sizeof(w->opts);
	w->opts.args[0] = (__u64)(unsigned long)c;
	w->opts.stack = w->stack;
	w->opts.stack_size = HTTPD_STACK_SIZE;
	w->opts.state = &w->state;
	return 0;
}

static void worker_free(struct worker *w)
{
	if (w->bufs && w->bufs != MAP_FAILED)
		munmap(w->bufs, w->bufs_size);
	if (w->h2_conns && w->h2_conns != MAP_FAILED)
		munmap(w->h2_conns, w->h2_size);
	free(w->h2);
	free(w->stack);
	free(w->conns);
	free(w->ctl);
}

/*
 * A worker: one script(2) call that returns when the server stops.  A
 * stop, a freeze or a ptrace parks the run in the state area and the
 * kernel continues it; should script(2) still fail with EINTR (a signal
 * handler ran in this thread), the same call continues the run.
 */
static void *worker_main(void *arg)
{
	struct worker *w = arg;
	int ret;

	do
		ret = script_run_fd(prog_fd, &w->opts);
	while (ret == -EINTR && w->state.status == SCRIPT_STATE_PARKED);
	w->ret = ret;
	if (ret || (__s64)w->opts.retval < 0)
		/* Wake the main thread: the server cannot go on. */
		pthread_kill(main_thread, SIGUSR1);
	return NULL;
}

/* Reports a worker's run; false when it failed. */
static bool worker_report(const struct worker *w)
{
	__s64 r0 = w->opts.retval;

	if (w->ret) {
		fprintf(stderr, "httpd: worker %d: script(2): %s at pc %u\n",
			w->id, strerror(-w->ret), w->opts.pc);
		return false;
	}
	if (r0 < 0) {
		fprintf(stderr, "httpd: worker %d: script: %s (pc %u)\n",
			w->id, strerror(-r0), w->opts.pc);
		return false;
	}
	return true;
}

/* One line of counters: "worker 0: ..." or "total: ..." */
static void print_line(const char *who, const struct httpd_ctl *c,
		       unsigned long long steps)
{
	printf("%s: %llu connections (%llu turned away), %llu requests: ",
	       who, (unsigned long long)c->accepted,
	       (unsigned long long)c->rejected,
	       (unsigned long long)c->requests);
	printf("2xx %llu, 3xx %llu, 4xx %llu, 5xx %llu; ",
	       (unsigned long long)c->resp[2], (unsigned long long)c->resp[3],
	       (unsigned long long)c->resp[4], (unsigned long long)c->resp[5]);
	printf("%llu bytes sent, %llu timeouts, %llu wakeups, %llu steps",
	       (unsigned long long)c->bytes, (unsigned long long)c->timeouts,
	       (unsigned long long)c->wakeups, steps);
	if (c->requests)
		printf(", %llu per request", steps / c->requests);
	printf("\n");
}

/* The workers' counters, and their sums */
static void print_counters(const struct worker *w, long workers)
{
	unsigned long long steps = 0;
	struct httpd_ctl sum = { };
	char who[32];
	long i;
	int k;

	for (i = 0; i < workers; i++) {
		const struct httpd_ctl *c = w[i].ctl;

		snprintf(who, sizeof(who), "worker %ld", i);
		print_line(who, c, w[i].opts.steps);
		sum.accepted += c->accepted;
		sum.rejected += c->rejected;
		sum.requests += c->requests;
		for (k = 0; k < HTTPD_RESP_CLASSES; k++)
			sum.resp[k] += c->resp[k];
		sum.bytes += c->bytes;
		sum.timeouts += c->timeouts;
		sum.wakeups += c->wakeups;
		steps += w[i].opts.steps;
	}
	print_line("total", &sum, steps);
}

int main(int argc, char **argv)
{
	struct script_object_opts oopts = { .sz = sizeof(oopts) };
	struct script_prog_info info = { .sz = sizeof(info) };
	static char logbuf[LOG_SIZE];
	struct script_log log = {
		.buf = logbuf,
		.size = sizeof(logbuf),
		.level = SCRIPT_LOG_ERROR,
	};
	const char *addr = "0.0.0.0", *objpath = NULL, *root;
	long port = 8080, workers, timeout_ms = 10000, max_conns = 512, i;
	long tls_port = -1;
	char objbuf[PATH_MAX], name[INET6_ADDRSTRLEN + 16], err[512] = "";
	char tls_name[INET6_ADDRSTRLEN + 16];
	int opt, lfd, root_fd, stop_fd, ret, status = 0, sig, tls_lfd = -1;
	struct httpd_tls_opts topts = { };
	int *handoff = NULL;
	struct script_object *obj;
	struct worker *w;
	bool quiet = false, tls_on = false;
	__u64 one = 1, flags = 0;
	sigset_t set;

	workers = get_nprocs();
	while ((opt = getopt(argc, argv, "a:p:w:t:c:s:C:K:n:o:Iqh")) != -1) {
		switch (opt) {
		case 'a':
			addr = optarg;
			break;
		case 'p':
			port = parse_num(optarg, 0, 65535);
			break;
		case 'w':
			workers = parse_num(optarg, 1, MAX_WORKERS);
			break;
		case 't':
			timeout_ms = parse_num(optarg, 1, INT_MAX / 2);
			break;
		case 'c':
			max_conns = parse_num(optarg, 1, MAX_CONNS);
			break;
		case 's':
			tls_port = parse_num(optarg, 0, 65535);
			tls_on = true;
			break;
		case 'C':
			topts.cert = optarg;
			break;
		case 'K':
			topts.key = optarg;
			break;
		case 'n':
			topts.alpn = optarg;
			break;
		case 'o':
			objpath = optarg;
			break;
		case 'I':
			flags |= SCRIPT_F_INTERP;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
		if (port < 0 || workers < 0 || timeout_ms < 0 ||
		    max_conns < 0 || (opt == 's' && tls_port < 0)) {
			fprintf(stderr, "httpd: -%c %s: out of range\n", opt,
				optarg);
			return 2;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	root = argv[optind];
	if (tls_on && (!topts.cert || !topts.key)) {
		fprintf(stderr, "httpd: -s needs -C CERT and -K KEY\n");
		return 2;
	}
	if (workers < 1)
		workers = 1;
	if (!objpath) {
		beside_program(objbuf, sizeof(objbuf), argv[0], "httpd.bpf.o");
		objpath = objbuf;
	}

	if (h2_huff_build(h2_huff)) {
		fprintf(stderr, "httpd: the HPACK Huffman code is not one\n");
		return 1;
	}

	/* The script */
	oopts.entry = "httpd_worker";
	oopts.err = err;
	oopts.err_size = sizeof(err);
	ret = script_object_open_file(objpath, &oopts, &obj);
	if (ret) {
		fprintf(stderr, "httpd: %s: %s%s%s\n", objpath, strerror(-ret),
			err[0] ? ": " : "", err);
		return 1;
	}
	prog_fd = script_object_load_flags(obj, &log, flags);
	if (prog_fd < 0) {
		fprintf(stderr,
			"httpd: %s: not loaded: %s (insn %u)\n%s",
			objpath, strerror(-prog_fd), log.pc, logbuf);
		return 1;
	}

	/* What every worker shares */
	root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0) {
		fprintf(stderr, "httpd: %s: %s\n", root, strerror(errno));
		return 1;
	}
	lfd = listen_on(addr, port, name, sizeof(name));
	if (lfd < 0)
		return 1;
	stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (stop_fd < 0) {
		perror("httpd: eventfd");
		return 1;
	}
	raise_nofile(workers, max_conns);

	/*
	 * The TLS port: its listening socket, and a handoff pipe per
	 * worker, whose read end the script watches, non-blocking both.
	 */
	handoff = calloc(2 * workers, sizeof(*handoff));
	if (!handoff) {
		fprintf(stderr, "httpd: out of memory\n");
		return 1;
	}
	for (i = 0; i < 2 * workers; i++)
		handoff[i] = -1;
	if (tls_on) {
		tls_lfd = listen_on(addr, tls_port, tls_name, sizeof(tls_name));
		if (tls_lfd < 0)
			return 1;
		for (i = 0; i < workers; i++) {
			if (pipe2(&handoff[2 * i], O_NONBLOCK | O_CLOEXEC)) {
				perror("httpd: pipe2");
				return 1;
			}
		}
		topts.listen_fd = tls_lfd;
		topts.stop_fd = stop_fd;
		topts.workers = workers;
		topts.timeout_ms = timeout_ms;
		topts.handoff_fds = calloc(workers, sizeof(int));
		if (!topts.handoff_fds) {
			fprintf(stderr, "httpd: out of memory\n");
			return 1;
		}
		for (i = 0; i < workers; i++)
			((int *)topts.handoff_fds)[i] = handoff[2 * i + 1];
		if (httpd_tls_init(&topts))
			return 1;
	}

	w = calloc(workers, sizeof(*w));
	if (!w) {
		fprintf(stderr, "httpd: out of memory\n");
		return 1;
	}
	for (i = 0; i < workers; i++)
		if (worker_init(&w[i], i, lfd, stop_fd, root_fd,
				handoff[2 * i], timeout_ms, max_conns))
			return 1;

	/*
	 * Every thread blocks the signals: the main thread takes SIGINT and
	 * SIGTERM with sigwait(), SIGUSR1 from a worker that failed, and
	 * SIGPIPE stays pending harmlessly (sends use MSG_NOSIGNAL; a
	 * sendfile to a closed socket may still raise it).
	 */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	sigdelset(&set, SIGPIPE);
	main_thread = pthread_self();

	for (i = 0; i < workers; i++) {
		ret = pthread_create(&w[i].thread, NULL, worker_main, &w[i]);
		if (ret) {
			fprintf(stderr, "httpd: pthread_create: %s\n",
				strerror(ret));
			workers = i;
			status = 1;
			break;
		}
	}
	if (!status && tls_on) {
		ret = httpd_tls_start();
		if (ret) {
			fprintf(stderr, "httpd: pthread_create: %s\n",
				strerror(ret));
			status = 1;
			tls_on = false;
		}
	}
	if (!status) {
		printf("httpd: serving %s on http://%s/", root, name);
		if (tls_on)
			printf(" and https://%s/ (ALPN %s)", tls_name,
			       httpd_tls_alpn());
		printf(" with %ld workers", workers);
		/* Which engine, when the kernel says: a bench compares them. */
		if (!script_prog_get_info(prog_fd, &info))
			printf(" (engine %s)", script_engine_name(info.engine));
		printf("\n");
		fflush(stdout);
		sigwait(&set, &sig);
	}

	/* Stop: the stop descriptor becomes readable in every epoll set. */
	if (write(stop_fd, &one, sizeof(one)) != sizeof(one))
		perror("httpd: eventfd write");
	for (i = 0; i < workers; i++) {
		pthread_join(w[i].thread, NULL);
		if (!worker_report(&w[i]))
			status = 1;
	}
	if (tls_on)
		httpd_tls_join();
	if (!quiet) {
		print_counters(w, workers);
		if (tls_on)
			httpd_tls_print_counters();
	}
	fflush(stdout);

	for (i = 0; i < workers; i++)
		worker_free(&w[i]);
	free(w);
	close(stop_fd);
	close(lfd);
	if (tls_lfd >= 0)
		close(tls_lfd);
	for (i = 0; i < 2 * workers; i++)
		if (handoff[i] >= 0)
			close(handoff[i]);
	free(handoff);
	free((int *)topts.handoff_fds);
	close(root_fd);
	close(prog_fd);
	script_object_close(obj);
	return status;
}
