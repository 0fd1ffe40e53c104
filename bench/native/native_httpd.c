// SPDX-License-Identifier: GPL-2.0
/*
 * The web server's request path, natively (issue 17): httpd.bpf.o, the
 * script that is tools/lib/script/examples/httpd's whole event loop,
 * loaded as httpd.c loads it, checked by the real verifier and run by the
 * real interpreter with the real op table and ops, on this thread, over
 * keep-alive GETs of a 1 KiB file that a client thread sends on loopback
 * TCP connections; each op that is a system call is the host's
 * (native_sys.c).
 *
 * A run serves @conns connections for a number of rounds (each sends one
 * request on every connection, then reads every response), and stops when
 * the client makes the stop descriptor readable.  Each run is recorded:
 * every system call the ops made, its result and the bytes it wrote.  A
 * replay then runs the same program from the same memory over the
 * recording: the same instructions, ops and results (the replay checks
 * its steps and r0 against the run's), with no system call made.  Its
 * time is the interpreter, the op dispatch, the ops' own code (the memory
 * ops' bodies included) and the replay layer's copy of the recorded bytes
 * (measured apart, shim_sys_replay_cost()).
 *
 * Per request, everything is a difference of two runs: run A of a few
 * rounds, run B of as many more rounds as the case has requests, (B - A) /
 * requests, so that the start (accepting, the connection table) and the
 * stop of a run cancel out.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <linux/openat2.h>

#include "script.h"
#include "native_kshim.h"
#include "native_httpd.h"
#include "examples/httpd/httpd.h"

#define HTTPD_MAX_CONNS		64
#define HTTPD_FILE_SIZE		1024
#define HTTPD_TIMEOUT_MS	10000
/* The stack httpd.c gives its worker */
#define HTTPD_STACK		HTTPD_STACK_SIZE

/* What the launcher sets up for one worker, and a copy to start again */
struct httpd_mem {
	struct httpd_ctl ctl;
	struct httpd_conn conns[HTTPD_MAX_CONNS];
	u8 bufs[HTTPD_MAX_CONNS][HTTPD_IN_SIZE + HTTPD_OUT_SIZE];
	u8 stack[HTTPD_STACK] __aligned(16);
};

/* One recorded run */
struct httpd_run {
	struct shim_recording *rec;
	struct httpd_mem *start;	/* the memory the run started from */
	u64 steps, retval, requests;
	u64 cpu_ns;			/* the run's thread CPU time */
};

struct httpd_case {
	unsigned int conns, rounds;	/* B has @rounds more than A */
	struct httpd_run a, b;
	u64 requests;			/* B's less A's */
};

static struct script_prog *prog;
static struct httpd_mem *mem;		/* where every run and replay runs */
static char docroot[64] = "";
static char file_data[HTTPD_FILE_SIZE];
static int root_fd = -1;

static void httpd_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "native_bench: httpd: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static u64 thread_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* The docroot: one file of 1 KiB, 1k.bin, as bench/http-initramfs.sh's */
static void make_docroot(void)
{
	char path[96];
	int fd, i;

	snprintf(docroot, sizeof(docroot), "/tmp/native-httpd-XXXXXX");
	if (!mkdtemp(docroot))
		httpd_die("mkdtemp: %s", strerror(errno));
	for (i = 0; i < HTTPD_FILE_SIZE; i++)
		file_data[i] = 'a' + i % 26;
	snprintf(path, sizeof(path), "%s/1k.bin", docroot);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, file_data, sizeof(file_data)) != sizeof(file_data) ||
	    close(fd))
		httpd_die("%s: %s", path, strerror(errno));
	root_fd = open(docroot, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		httpd_die("%s: %s", docroot, strerror(errno));
}

static void remove_docroot(void)
{
	char path[96];

	if (!docroot[0])
		return;
	snprintf(path, sizeof(path), "%s/1k.bin", docroot);
	unlink(path);
	rmdir(docroot);
	docroot[0] = 0;
}

/* httpd.c's worker_init(), into @m, for @listen_fd and @stop_fd */
static void worker_init(struct httpd_mem *m, int listen_fd, int stop_fd)
{
	struct httpd_ctl *c = &m->ctl;
	unsigned int i;

	memset(m, 0, sizeof(*m));
	for (i = 0; i < HTTPD_MAX_CONNS; i++) {
		m->conns[i].in = (uintptr_t)m->bufs[i];
		m->conns[i].out = (uintptr_t)(m->bufs[i] + HTTPD_IN_SIZE);
	}
	c->listen_fd = listen_fd;
	c->stop_fd = stop_fd;
	c->root_fd = root_fd;
	c->timeout_ms = HTTPD_TIMEOUT_MS;
	c->accept_flags = SOCK_NONBLOCK | SOCK_CLOEXEC;
	c->epoll_flags = EPOLL_CLOEXEC;
	c->send_flags = MSG_NOSIGNAL;
	c->more_flag = MSG_MORE;
	c->how.flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
	c->how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
	c->max_conns = HTTPD_MAX_CONNS;
	c->ev_size = sizeof(struct epoll_event);
	c->ev_data_off = offsetof(struct epoll_event, data);
	c->st_mode_off = offsetof(struct stat, st_mode);
	c->st_size_off = offsetof(struct stat, st_size);
	c->conns = (uintptr_t)m->conns;
	c->handoff_fd = -1;
}

/* The client */

struct client {
	int port, stop_fd;
	unsigned int conns, rounds;
	u64 responses;
	char err[160];
};

static const char request_fmt[] = "GET /1k.bin HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n";

/* Reads one whole response on @fd and checks it: 0 or -1 with @cl->err. */
static int read_response(struct client *cl, int fd)
{
	char buf[4096], *hdr_end, *cl_field;
	size_t have = 0, want = 0;
	ssize_t n;

	for (;;) {
		n = read(fd, buf + have, sizeof(buf) - have);
		if (n <= 0) {
			snprintf(cl->err, sizeof(cl->err), "read: %s",
				 n ? strerror(errno) : "end of file");
			return -1;
		}
		have += n;
		if (!want) {
			hdr_end = memmem(buf, have, "\r\n\r\n", 4);
			if (!hdr_end)
				continue;
			cl_field = memmem(buf, hdr_end - buf, "Content-Length: ", 16);
			if (strncmp(buf, "HTTP/1.1 200 ", 13) || !cl_field ||
			    atoi(cl_field + 16) != HTTPD_FILE_SIZE) {
				snprintf(cl->err, sizeof(cl->err),
					 "bad response: %.60s", buf);
				return -1;
			}
			want = hdr_end + 4 - buf + HTTPD_FILE_SIZE;
		}
		if (have >= want)
			break;
	}
	if (have != want ||
	    memcmp(buf + want - HTTPD_FILE_SIZE, file_data, HTTPD_FILE_SIZE)) {
		snprintf(cl->err, sizeof(cl->err), "bad body");
		return -1;
	}
	return 0;
}

static void *client_main(void *arg)
{
	struct client *cl = arg;
	struct sockaddr_in sa = {
		.sin_family = AF_INET,
		.sin_port = htons(cl->port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	struct timeval tv = { .tv_sec = 10 };
	int fds[HTTPD_MAX_CONNS], one = 1, len;
	unsigned int i, r;
	u64 stop = 1;
	char req[128];

	len = snprintf(req, sizeof(req), request_fmt, cl->port);
	for (i = 0; i < cl->conns; i++) {
		fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fds[i] < 0 ||
		    setsockopt(fds[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) ||
		    setsockopt(fds[i], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
		    connect(fds[i], (struct sockaddr *)&sa, sizeof(sa))) {
			snprintf(cl->err, sizeof(cl->err), "connect: %s",
				 strerror(errno));
			cl->conns = i;
			goto out;
		}
	}
	for (r = 0; r < cl->rounds; r++) {
		for (i = 0; i < cl->conns; i++) {
			if (write(fds[i], req, len) != len) {
				snprintf(cl->err, sizeof(cl->err), "write: %s",
					 strerror(errno));
				goto out;
			}
		}
		for (i = 0; i < cl->conns; i++) {
			if (read_response(cl, fds[i]))
				goto out;
			cl->responses++;
		}
	}
out:
	if (write(cl->stop_fd, &stop, sizeof(stop)) != sizeof(stop))
		snprintf(cl->err, sizeof(cl->err), "eventfd: %s", strerror(errno));
	for (i = 0; i < cl->conns; i++)
		close(fds[i]);
	return NULL;
}

/* One real run of @rounds rounds on @conns connections, recorded in @run. */
static void record_run(httpd_run_fn fn, unsigned int conns, unsigned int rounds,
		       struct httpd_run *run)
{
	struct sockaddr_in sa = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	socklen_t salen = sizeof(sa);
	struct script_run_ctx ctx;
	struct client cl = { .conns = conns, .rounds = rounds };
	pthread_t thread;
	int lfd, err, one = 1;
	u64 t0;

	lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(lfd, 1024) ||
	    getsockname(lfd, (struct sockaddr *)&sa, &salen))
		httpd_die("listen: %s", strerror(errno));
	cl.port = ntohs(sa.sin_port);
	cl.stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (cl.stop_fd < 0)
		httpd_die("eventfd: %s", strerror(errno));

	worker_init(mem, lfd, cl.stop_fd);
	if (!run->start)
		run->start = malloc(sizeof(*run->start));
	if (!run->start)
		httpd_die("out of memory");
	memcpy(run->start, mem, sizeof(*mem));
	shim_recording_free(run->rec);

	memset(&ctx, 0, sizeof(ctx));
	ctx.args[0] = (uintptr_t)&mem->ctl;
	ctx.stack_lo = (uintptr_t)mem->stack;
	ctx.stack_hi = ctx.stack_lo + sizeof(mem->stack);
	if (pthread_create(&thread, NULL, client_main, &cl))
		httpd_die("pthread_create failed");
	run->rec = shim_sys_record_start();
	t0 = thread_ns();
	err = fn(prog, &ctx);
	run->cpu_ns = thread_ns() - t0;
	shim_sys_record_stop();
	pthread_join(thread, NULL);
	close(lfd);
	close(cl.stop_fd);

	if (err || ctx.retval)
		httpd_die("the script failed: %d, r0 %lld, pc %u", err,
			  (long long)ctx.retval, ctx.pc);
	if (cl.err[0] || cl.responses != (u64)conns * rounds)
		httpd_die("client: %s (%llu responses)", cl.err,
			  (unsigned long long)cl.responses);
	if (mem->ctl.requests != cl.responses ||
	    mem->ctl.resp[2] != cl.responses || mem->ctl.accepted != conns)
		httpd_die("the server counted %llu requests, %llu 2xx, %llu connections",
			  (unsigned long long)mem->ctl.requests,
			  (unsigned long long)mem->ctl.resp[2],
			  (unsigned long long)mem->ctl.accepted);
	run->steps = ctx.steps;
	run->retval = ctx.retval;
	run->requests = cl.responses;
}

/*
 * One replay of @run by @p (the web server's program, compiled or not:
 * NULL for the one recorded); its thread CPU time.
 */
static u64 replay_run(httpd_run_fn fn, const struct script_prog *p,
		      struct httpd_run *run)
{
	struct script_run_ctx ctx;
	u64 t0, t;
	int err;

	memcpy(mem, run->start, sizeof(*mem));
	memset(&ctx, 0, sizeof(ctx));
	ctx.args[0] = (uintptr_t)&mem->ctl;
	ctx.stack_lo = (uintptr_t)mem->stack;
	ctx.stack_hi = ctx.stack_lo + sizeof(mem->stack);
	shim_sys_replay_start(run->rec);
	t0 = thread_ns();
	err = fn(p ? p : prog, &ctx);
	t = thread_ns() - t0;
	if (!shim_sys_replay_stop() || err || ctx.steps != run->steps ||
	    ctx.retval != run->retval || mem->ctl.requests != run->requests)
		httpd_die("the replay is not the run: %d, %llu steps (%llu), r0 %llu",
			  err, ctx.steps, run->steps, ctx.retval);
	return t;
}

/* Public: see native_httpd.h */

static struct httpd_case cases[4];
static unsigned int ncases;

int httpd_setup(const char *objpath, httpd_verify_fn verify)
{
	const struct script_insn *insns;
	char err[256] = "", logbuf[4096] = "";
	struct script_log log = { .buf = logbuf, .size = sizeof(logbuf),
				  .level = SCRIPT_LOG_ERROR };
	size_t cnt;
	u32 err_pc;
	int ret;

	ret = httpd_object(objpath, &insns, &cnt, err, sizeof(err));
	if (ret)
		httpd_die("%s: %s%s%s", objpath, strerror(-ret), err[0] ? ": " : "",
			  err);
	ret = verify(insns, cnt, &log, &err_pc);
	if (ret)
		httpd_die("%s: rejected at insn %u: %s", objpath, err_pc, logbuf);
	prog = calloc(1, sizeof(*prog) + cnt * sizeof(*insns));
	mem = aligned_alloc(4096, (sizeof(*mem) + 4095) & ~4095UL);
	if (!prog || !mem)
		httpd_die("out of memory");
	prog->len = cnt;
	memcpy(prog->insns, insns, cnt * sizeof(*insns));
	make_docroot();
	atexit(remove_docroot);
	return cnt;
}

/*
 * A case of @conns connections, @rounds rounds: records run A (a few
 * rounds) and run B (@rounds more) @records times with @fn, keeping the
 * last pair; @real_ns gets each pair's thread CPU per request of the real
 * runs.  Returns the case's number.
 */
int httpd_add_case(httpd_run_fn fn, unsigned int conns, unsigned int rounds,
		   unsigned int records, double *real_ns)
{
	struct httpd_case *hc = &cases[ncases];
	unsigned int k, warm = conns > 1 ? 4 : 32;

	if (ncases == ARRAY_SIZE(cases) || conns > HTTPD_MAX_CONNS)
		httpd_die("bad case");
	hc->conns = conns;
	hc->rounds = rounds;
	for (k = 0; k < records; k++) {
		record_run(fn, conns, warm, &hc->a);
		record_run(fn, conns, warm + rounds, &hc->b);
		hc->requests = hc->b.requests - hc->a.requests;
		real_ns[k] = ((double)hc->b.cpu_ns - hc->a.cpu_ns) / hc->requests;
	}
	return ncases++;
}

/* A copy of the web server's program, for the compiler */
struct script_prog *httpd_prog_copy(void)
{
	size_t size = sizeof(*prog) + prog->len * sizeof(prog->insns[0]);
	struct script_prog *p = malloc(size);

	if (!p)
		httpd_die("out of memory");
	memcpy(p, prog, size);
	return p;
}

/* @reps replays of A and B by @p: ns per request of the difference. */
double httpd_sample(int id, httpd_run_fn fn, const struct script_prog *p,
		    u64 reps, u64 *elapsed)
{
	struct httpd_case *hc = &cases[id];
	double d = 0;
	u64 i, ta, tb;

	*elapsed = 0;
	for (i = 0; i < reps; i++) {
		ta = replay_run(fn, p, &hc->a);
		tb = replay_run(fn, p, &hc->b);
		d += (double)tb - ta;
		*elapsed += ta + tb;
	}
	return d / reps / hc->requests;
}

/* The replay layer's own time, ns per request (B's less A's) */
double httpd_layer_ns(int id)
{
	struct httpd_case *hc = &cases[id];
	unsigned int reps = 20;

	return (shim_sys_replay_cost(hc->b.rec, reps) -
		shim_sys_replay_cost(hc->a.rec, reps)) / hc->requests;
}

/*
 * Per request (B's less A's): interpreted instructions, ops by id
 * (@ops[__SCRIPT_OP_MAX]: a replay of each with the tracepoints on),
 * system calls by number (@nrs[SHIM_NR_MAX]: the recordings').
 */
void httpd_counts(int id, httpd_run_fn fn, double *insns, double *ops,
		  double *nrs)
{
	struct httpd_case *hc = &cases[id];
	const unsigned long *ca = shim_recording_counts(hc->a.rec);
	const unsigned long *cb = shim_recording_counts(hc->b.rec);
	unsigned long a[__SCRIPT_OP_MAX];
	unsigned int i;

	*insns = ((double)hc->b.steps - hc->a.steps) / hc->requests;
	atomic_set(&shim_trace_key.enabled, 1);
	memset(shim_op_count, 0, sizeof(a));
	replay_run(fn, NULL, &hc->a);
	memcpy(a, shim_op_count, sizeof(a));
	memset(shim_op_count, 0, sizeof(a));
	replay_run(fn, NULL, &hc->b);
	atomic_set(&shim_trace_key.enabled, 0);
	for (i = 0; i < __SCRIPT_OP_MAX; i++)
		ops[i] = ((double)shim_op_count[i] - a[i]) / hc->requests;
	for (i = 0; i < SHIM_NR_MAX; i++)
		nrs[i] = ((double)cb[i] - ca[i]) / hc->requests;
}

u64 httpd_requests(int id)
{
	return cases[id].requests;
}
