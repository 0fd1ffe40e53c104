// SPDX-License-Identifier: GPL-2.0
/*
 * epoll_httpd: the epoll baseline of the HTTP benchmark, a static-content
 * HTTP/1.1 server written the way one writes a fast one in C, and the
 * same design as the script(2) server (tools/lib/script/examples/httpd),
 * so that the two differ in where the loop runs and in nothing else:
 *
 *   epoll_httpd [-a ADDR] [-p PORT] [-w WORKERS] [-t TIMEOUT_MS]
 *               [-c MAX_CONNS] [-N] [-S USEC] [-q] DOCROOT
 *
 *  - N worker threads (one per online CPU by default), each with its own
 *    epoll set over the one shared, non-blocking listening socket, added
 *    with EPOLLEXCLUSIVE; accept4() with SOCK_NONBLOCK | SOCK_CLOEXEC, in
 *    batches of up to 16 per wakeup.
 *  - Connections are edge-triggered (EPOLLIN | EPOLLOUT | EPOLLRDHUP |
 *    EPOLLET), added once, never modified; each is a state machine that
 *    any event runs as far as it goes.  One read() per readable edge
 *    unless it fills the buffer: a short read means drained.
 *  - Per request: find "\r\n\r\n", parse (http_common.h, rule for rule
 *    the script server's parser), openat2(RESOLVE_BENEATH |
 *    RESOLVE_NO_MAGICLINKS) beneath the docroot, fstat(); a file of up to
 *    HTTP_SMALL_MAX bytes is read() into the out buffer after the header,
 *    the file closed, and both go in one send(); a larger one is sent as
 *    the header with MSG_MORE, then sendfile() until done or EAGAIN (then
 *    the EPOLLOUT edge continues it), then close() the file.  The same
 *    sequence as the script server's, for the same sizes.  No file cache.
 *  - Keep-alive, pipelining (the next request in the buffer is answered
 *    before reading again), lingering close, and the same deadlines as
 *    the script server, kept in a sorted list (every deadline is now +
 *    timeout): epoll_wait() sleeps until the earliest.
 *  - -N sets TCP_NODELAY on the connections (the script(2) server does
 *    not: off by default, like it).
 *  - -S USEC burns USEC microseconds in user space per request: a control
 *    for make bench-profile, a server as slow as another with the same
 *    kernel work.
 *
 * System calls per request at steady state: read, openat2, fstat, then
 * for a small file read, close, sendto, and for a larger one sendto,
 * sendfile (one per socket-buffer's worth), close; and a share of
 * epoll_wait (one per wakeup, for all the ready connections).
 *
 * It prints "epoll_httpd: serving DOCROOT on http://ADDR:PORT/ with N
 * workers" once listening and its counters when SIGINT or SIGTERM stops it.
 */
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/sysinfo.h>

#include "http_common.h"

#define PROG		"epoll_httpd"
#define MAX_EVENTS	64
#define ACCEPT_BATCH	16
#define LINGER_READS	32
#define ACCEPT_PAUSE_MS	100
#define SENDFILE_MAX	(1L << 30)
/* Out buffer per connection: a header, and a small file after it */
#define OUT_SIZE	(HTTP_OUT_SIZE + HTTP_SMALL_MAX)

#define NIL		0xffffffffU
#define TAG_LISTEN	0xfffffffeU
#define TAG_STOP	0xfffffffdU

enum phase { P_FREE, P_READ, P_HEAD, P_BODY, P_DONE, P_LINGER };

#define CF_READABLE	(1U << 0)
#define CF_HUP		(1U << 1)
#define CF_KEEPALIVE	(1U << 2)

struct conn {
	int			fd;
	int			file_fd;
	enum phase		phase;
	unsigned int		flags;
	unsigned int		in_len;
	unsigned int		scanned;
	unsigned int		req_len;
	unsigned int		out_len;
	unsigned int		out_sent;
	unsigned int		idx;
	unsigned int		prev;
	unsigned int		next;
	int			status;
	off_t			file_off;
	unsigned long long	remaining;
	long long		deadline;
	char			*in;
	char			*out;
};

struct worker {
	int			id;
	int			epfd;
	struct conn		*conns;
	char			*bufs;
	size_t			bufs_size;
	unsigned int		free_head;
	unsigned int		dl_head;
	unsigned int		dl_tail;
	unsigned int		nconns;
	long long		now;
	long long		accept_resume;
	int			ret;
	pthread_t		thread;

	unsigned long long	accepted;
	unsigned long long	rejected;
	unsigned long long	requests;
	unsigned long long	resp[6];
	unsigned long long	bytes;
	unsigned long long	timeouts;
	unsigned long long	wakeups;

	char			path[HTTP_PATH_MAX + 16];
	struct epoll_event	events[MAX_EVENTS];
};

static struct http_opts opt = {
	.addr = "0.0.0.0", .port = 8080, .timeout_ms = 10000, .max_conns = 512,
};

/* -S: microseconds of busy work in user space per request (a control) */
static long spin_us;

static int listen_fd = -1, stop_fd = -1, root_fd = -1;
static pthread_t main_thread;
static const struct open_how how = {
	.flags = HTTP_OPEN_FLAGS, .resolve = HTTP_RESOLVE,
};

#define BODY503		BODY1 "503 Service Unavailable" BODY2 \
			"503 Service Unavailable" BODY3
static const char resp_503[] =
	"HTTP/1.1 503 Service Unavailable\r\n"
	"Server: " PROG "\r\n"
	"Content-Length: 88\r\n"
	"Content-Type: text/html; charset=utf-8\r\n"
	"Connection: close\r\n"
	"\r\n"
	BODY503;

/* ---- the deadline list */

static void dl_unlink(struct worker *w, struct conn *c)
{
	if (c->prev == NIL)
		w->dl_head = c->next;
	else
		w->conns[c->prev].next = c->next;
	if (c->next == NIL)
		w->dl_tail = c->prev;
	else
		w->conns[c->next].prev = c->prev;
}

static void dl_append(struct worker *w, struct conn *c)
{
	c->prev = w->dl_tail;
	c->next = NIL;
	if (w->dl_tail == NIL)
		w->dl_head = c->idx;
	else
		w->conns[w->dl_tail].next = c->idx;
	w->dl_tail = c->idx;
}

static void conn_touch(struct worker *w, struct conn *c)
{
	c->deadline = w->now + opt.timeout_ms;
	if (w->dl_tail == c->idx)
		return;
	dl_unlink(w, c);
	dl_append(w, c);
}

static void conn_close(struct worker *w, struct conn *c)
{
	if (c->file_fd >= 0)
		close(c->file_fd);
	c->file_fd = -1;
	close(c->fd);
	c->fd = -1;
	c->phase = P_FREE;
	dl_unlink(w, c);
	c->next = w->free_head;
	w->free_head = c->idx;
	w->nconns--;
}

static int watch(struct worker *w, int op, int fd, unsigned int events,
		 unsigned int data)
{
	struct epoll_event ev = { .events = events, .data.u64 = data };

	return epoll_ctl(w->epfd, op, fd, &ev);
}

/* ---- accepting */

static void do_accept(struct worker *w)
{
	struct conn *c;
	int fd, i;

	for (i = 0; i < ACCEPT_BATCH; i++) {
		fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EAGAIN)
				return;
			if (errno == ECONNABORTED || errno == EINTR)
				continue;
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM) {
				watch(w, EPOLL_CTL_DEL, listen_fd, 0, 0);
				w->accept_resume = w->now + ACCEPT_PAUSE_MS;
			}
			return;
		}
		w->accepted++;
		if (w->free_head == NIL) {
			if (send(fd, resp_503, sizeof(resp_503) - 1, MSG_NOSIGNAL) > 0)
				w->resp[5]++;
			close(fd);
			w->rejected++;
			continue;
		}
		c = &w->conns[w->free_head];
		if (watch(w, EPOLL_CTL_ADD, fd, EPOLLIN | EPOLLOUT | EPOLLRDHUP |
			  EPOLLET, c->idx) < 0) {
			close(fd);
			continue;
		}
		w->free_head = c->next;
		c->fd = fd;
		c->phase = P_READ;
		c->file_fd = -1;
		c->flags = 0;
		c->in_len = 0;
		c->scanned = 0;
		c->req_len = 0;
		c->deadline = w->now + opt.timeout_ms;
		dl_append(w, c);
		w->nconns++;
	}
}

/* ---- requests */

/* Opens the file @r names; 0 with the 200 header in c->out, or a status. */
static int serve(struct worker *w, struct conn *c, struct http_req *r)
{
	long s, len;
	bool index;
	struct stat st;
	int fd, status;

	status = http_path(c->in, r, w->path, &s, &len, &index);
	if (status)
		return status;
	fd = http_openat2(root_fd, w->path + s, &how);
	if (fd < 0)
		return http_open_status(-errno);
	if (fstat(fd, &st) < 0) {
		close(fd);
		return 500;
	}
	status = http_mode_status(st.st_mode & S_IFMT, index, r->t_len);
	if (status) {
		close(fd);
		return status;
	}
	c->out_len = http_head_200(c->out, PROG, st.st_size, w->path + s, len,
				   r->keep);
	c->status = 200;
	if (r->head || !st.st_size) {
		close(fd);
		c->remaining = 0;
	} else if (st.st_size <= HTTP_SMALL_MAX &&
		   read(fd, c->out + c->out_len, st.st_size) == st.st_size) {
		/* A small file goes whole, after the header, in one send */
		close(fd);
		c->out_len += st.st_size;
		c->remaining = 0;
	} else {
		c->file_fd = fd;
		c->file_off = 0;
		c->remaining = st.st_size;
	}
	return 0;
}

static void start_response(struct worker *w, struct conn *c)
{
	c->phase = P_HEAD;
	c->out_sent = 0;
	conn_touch(w, c);
}

static void respond_error(struct conn *c, int status, struct http_req *r)
{
	bool keep;

	c->out_len = http_error(c->out, PROG, status, c->in, r, &keep);
	c->status = status;
	c->remaining = 0;
	if (keep)
		c->flags |= CF_KEEPALIVE;
}

/*
 * -S: burn @us microseconds in user space, so that the server is as slow
 * as another one with the same kernel work (make bench-profile's control:
 * does the kernel's share of a request grow when its client waits more?).
 * A plain loop, calibrated once: a clock read can be a system call (when
 * the clocksource has no vDSO), which would not be user-space work.
 */
static unsigned long spin_per_us;

static void spin_loop(unsigned long n)
{
	while (n--)
		__asm__ __volatile__("" ::: "memory");
}

static void spin_calibrate(void)
{
	const unsigned long n = 1UL << 22;
	struct timespec t0, t;
	long us;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	spin_loop(n);
	clock_gettime(CLOCK_MONOTONIC, &t);
	us = (t.tv_sec - t0.tv_sec) * 1000000L +
	     (t.tv_nsec - t0.tv_nsec) / 1000;
	spin_per_us = us > 0 ? n / us : n;
	if (!spin_per_us)
		spin_per_us = 1;
}

static void spin(long us)
{
	spin_loop(us * spin_per_us);
}

static void process_request(struct worker *w, struct conn *c)
{
	struct http_req r = { };
	int status;

	w->requests++;
	if (spin_us)
		spin(spin_us);
	c->flags &= ~CF_KEEPALIVE;
	status = http_parse(c->in, c->req_len, &r);
	if (!status)
		status = serve(w, c, &r);
	if (status)
		respond_error(c, status, &r);
	else if (r.keep)
		c->flags |= CF_KEEPALIVE;
	start_response(w, c);
}

static void fail_request(struct worker *w, struct conn *c, int status)
{
	struct http_req r = { };

	w->requests++;
	c->flags &= ~CF_KEEPALIVE;
	c->req_len = c->in_len;
	respond_error(c, status, &r);
	start_response(w, c);
}

/* ---- the phases: 1 moved on, 0 wait for an event, -1 close */

static int conn_read(struct worker *w, struct conn *c)
{
	unsigned int from, room;
	ssize_t n;
	char *e;

	for (;;) {
		if (c->in_len > c->scanned) {
			from = c->scanned > 3 ? c->scanned - 3 : 0;
			e = memmem(c->in + from, c->in_len - from, "\r\n\r\n", 4);
			if (e) {
				c->req_len = e - c->in + 4;
				return 1;
			}
			c->scanned = c->in_len;
		}
		room = HTTP_IN_SIZE - c->in_len;
		if (!room) {
			fail_request(w, c, 431);
			return 1;
		}
		if (!(c->flags & CF_READABLE))
			return 0;
		n = read(c->fd, c->in + c->in_len, room);
		if (n < 0 && errno == EAGAIN) {
			c->flags &= ~CF_READABLE;
			return 0;
		}
		if (n <= 0)
			return -1;
		if ((size_t)n < room && !(c->flags & CF_HUP))
			c->flags &= ~CF_READABLE;
		if (!c->in_len)
			conn_touch(w, c);
		c->in_len += n;
	}
}

static int send_head(struct worker *w, struct conn *c)
{
	int flags = MSG_NOSIGNAL | (c->remaining ? MSG_MORE : 0);
	bool progress = false;
	size_t left;
	ssize_t n;

	for (;;) {
		left = c->out_len - c->out_sent;
		n = send(c->fd, c->out + c->out_sent, left, flags);
		if (n < 0 && errno == EAGAIN)
			break;
		if (n < 0)
			return -1;
		w->bytes += n;
		c->out_sent += n;
		progress = true;
		if ((size_t)n == left) {
			c->phase = c->remaining ? P_BODY : P_DONE;
			return 1;
		}
	}
	if (progress)
		conn_touch(w, c);
	return 0;
}

static int send_body(struct worker *w, struct conn *c)
{
	bool progress = false;
	size_t chunk;
	ssize_t n;

	for (;;) {
		chunk = c->remaining > SENDFILE_MAX ? SENDFILE_MAX : c->remaining;
		n = sendfile(c->fd, c->file_fd, &c->file_off, chunk);
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0)
			return -1;
		w->bytes += n;
		c->remaining -= n;
		progress = true;
		if (!c->remaining) {
			c->phase = P_DONE;
			return 1;
		}
	}
	if (progress)
		conn_touch(w, c);
	return 0;
}

static void start_linger(struct worker *w, struct conn *c)
{
	shutdown(c->fd, SHUT_WR);
	c->phase = P_LINGER;
	c->flags |= CF_READABLE;
	conn_touch(w, c);
}

static void finish(struct worker *w, struct conn *c)
{
	unsigned int rest;

	if (c->file_fd >= 0) {
		close(c->file_fd);
		c->file_fd = -1;
	}
	if (c->status / 100 < 6)
		w->resp[c->status / 100]++;
	if (!(c->flags & CF_KEEPALIVE)) {
		start_linger(w, c);
		return;
	}
	rest = c->in_len - c->req_len;
	if (rest)
		memmove(c->in, c->in + c->req_len, rest);
	c->in_len = rest;
	c->scanned = 0;
	c->req_len = 0;
	c->phase = P_READ;
	conn_touch(w, c);
}

static int linger(struct conn *c)
{
	ssize_t n;
	int i;

	if (!(c->flags & CF_READABLE))
		return 0;
	for (i = 0; i < LINGER_READS; i++) {
		n = read(c->fd, c->in, HTTP_IN_SIZE);
		if (n < 0 && errno == EAGAIN) {
			c->flags &= ~CF_READABLE;
			return 0;
		}
		if (n <= 0)
			return -1;
	}
	return -1;
}

static void conn_run(struct worker *w, struct conn *c)
{
	int n;

	for (;;) {
		switch (c->phase) {
		case P_READ:
			n = conn_read(w, c);
			if (n > 0 && c->phase == P_READ)
				process_request(w, c);
			break;
		case P_HEAD:
			n = send_head(w, c);
			break;
		case P_BODY:
			n = send_body(w, c);
			break;
		case P_DONE:
			finish(w, c);
			n = 1;
			break;
		case P_LINGER:
			n = linger(c);
			break;
		default:
			return;
		}
		if (n < 0)
			conn_close(w, c);
		if (n <= 0)
			return;
	}
}

static void expire(struct worker *w)
{
	struct conn *c;

	while (w->dl_head != NIL) {
		c = &w->conns[w->dl_head];
		if (c->deadline > w->now)
			return;
		w->timeouts++;
		if (c->phase == P_READ && c->in_len) {
			fail_request(w, c, 408);
			conn_run(w, c);
		} else {
			conn_close(w, c);
		}
	}
}

static int wait_ms(struct worker *w)
{
	long long t = -1, t2;

	if (w->dl_head != NIL) {
		t = w->conns[w->dl_head].deadline - w->now;
		if (t < 0)
			t = 0;
	}
	if (w->accept_resume) {
		t2 = w->accept_resume - w->now;
		if (t2 < 0)
			t2 = 0;
		if (t < 0 || t2 < t)
			t = t2;
	}
	return t > 1000000 ? 1000000 : t;
}

static int worker_loop(struct worker *w)
{
	struct conn *c;
	unsigned int data, mask;
	int ret, n, i;
	bool stop = false;

	w->now = http_now_ms();
	w->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (w->epfd < 0)
		return -errno;
	if (watch(w, EPOLL_CTL_ADD, listen_fd, EPOLLIN | EPOLLEXCLUSIVE,
		  TAG_LISTEN) || watch(w, EPOLL_CTL_ADD, stop_fd, EPOLLIN,
				       TAG_STOP))
		return -errno;

	ret = 0;
	while (!stop) {
		n = epoll_wait(w->epfd, w->events, MAX_EVENTS, wait_ms(w));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			break;
		}
		w->wakeups++;
		w->now = http_now_ms();
		for (i = 0; i < n; i++) {
			mask = w->events[i].events;
			data = w->events[i].data.u64;
			if (data == TAG_STOP) {
				stop = true;
				break;
			}
			if (data == TAG_LISTEN) {
				do_accept(w);
				continue;
			}
			c = &w->conns[data];
			if (c->fd < 0)
				continue;
			if (mask & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
				c->flags |= CF_READABLE;
			if (mask & (EPOLLRDHUP | EPOLLHUP | EPOLLERR))
				c->flags |= CF_HUP;
			conn_run(w, c);
		}
		if (stop)
			break;
		expire(w);
		if (w->accept_resume && w->now >= w->accept_resume) {
			w->accept_resume = 0;
			if (watch(w, EPOLL_CTL_ADD, listen_fd,
				  EPOLLIN | EPOLLEXCLUSIVE, TAG_LISTEN)) {
				ret = -errno;
				break;
			}
		}
	}

	for (i = 0; i < opt.max_conns; i++) {
		c = &w->conns[i];
		if (c->fd < 0)
			continue;
		if (c->file_fd >= 0)
			close(c->file_fd);
		close(c->fd);
	}
	close(w->epfd);
	return ret;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	w->ret = worker_loop(w);
	if (w->ret)
		pthread_kill(main_thread, SIGUSR1);
	return NULL;
}

static int worker_init(struct worker *w, int id)
{
	size_t in_size = (size_t)opt.max_conns * HTTP_IN_SIZE;
	long i;

	w->id = id;
	w->conns = calloc(opt.max_conns, sizeof(*w->conns));
	w->bufs_size = (size_t)opt.max_conns * (HTTP_IN_SIZE + OUT_SIZE);
	w->bufs = mmap(NULL, w->bufs_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!w->conns || w->bufs == MAP_FAILED) {
		fprintf(stderr, PROG ": out of memory for worker %d\n", id);
		return -1;
	}
	for (i = 0; i < opt.max_conns; i++) {
		w->conns[i].fd = -1;
		w->conns[i].file_fd = -1;
		w->conns[i].idx = i;
		w->conns[i].next = i + 1 < opt.max_conns ? i + 1 : NIL;
		w->conns[i].in = w->bufs + i * HTTP_IN_SIZE;
		w->conns[i].out = w->bufs + in_size + i * OUT_SIZE;
	}
	w->free_head = 0;
	w->dl_head = NIL;
	w->dl_tail = NIL;
	return 0;
}

static void print_counters(const struct worker *w, long workers)
{
	unsigned long long req = 0, acc = 0, bytes = 0, wk = 0;
	long i;

	for (i = 0; i < workers; i++) {
		printf("worker %ld: %llu connections (%llu turned away), ",
		       i, w[i].accepted, w[i].rejected);
		printf("%llu requests: 2xx %llu, 3xx %llu, 4xx %llu, 5xx %llu; ",
		       w[i].requests, w[i].resp[2], w[i].resp[3], w[i].resp[4],
		       w[i].resp[5]);
		printf("%llu bytes sent, %llu timeouts, %llu wakeups\n",
		       w[i].bytes, w[i].timeouts, w[i].wakeups);
		acc += w[i].accepted;
		req += w[i].requests;
		bytes += w[i].bytes;
		wk += w[i].wakeups;
	}
	printf("total: %llu connections, %llu requests, %llu bytes sent, %llu wakeups\n",
	       acc, req, bytes, wk);
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: " PROG " [-a ADDR] [-p PORT] [-w WORKERS] [-t TIMEOUT_MS] [-c MAX_CONNS]\n"
		"                   [-N] [-S USEC] [-q] DOCROOT\n"
		"Serve the files beneath DOCROOT over HTTP/1.1 with an epoll loop per\n"
		"worker thread (the baseline of the script(2) server).\n"
		"  -a ADDR        IPv4 or IPv6 address to listen on (default 0.0.0.0)\n"
		"  -p PORT        port (default 8080; 0: any free one, printed)\n"
		"  -w WORKERS     worker threads (default: one per online CPU)\n"
		"  -t TIMEOUT_MS  request, idle, send and linger timeout (default 10000)\n"
		"  -c MAX_CONNS   connections per worker (default 512)\n"
		"  -N             TCP_NODELAY on the connections\n"
		"  -S USEC        busy work in user space per request (a control)\n"
		"  -q             do not print the counters at exit\n");
}

int main(int argc, char **argv)
{
	char name[INET6_ADDRSTRLEN + 16];
	int o, ret, status = 0, sig;
	uint64_t one = 1;
	struct worker *w;
	sigset_t set;
	long i;

	opt.workers = get_nprocs();
	while ((o = getopt(argc, argv, "a:p:w:t:c:NS:qh")) != -1) {
		switch (o) {
		case 'a':
			opt.addr = optarg;
			break;
		case 'p':
			opt.port = http_parse_num(optarg, 0, 65535);
			break;
		case 'w':
			opt.workers = http_parse_num(optarg, 1, HTTP_MAX_WORKERS);
			break;
		case 't':
			opt.timeout_ms = http_parse_num(optarg, 1, INT32_MAX / 2);
			break;
		case 'c':
			opt.max_conns = http_parse_num(optarg, 1, HTTP_MAX_CONNS);
			break;
		case 'N':
			opt.nodelay = true;
			break;
		case 'S':
			spin_us = http_parse_num(optarg, 0, 1000000);
			if (spin_us < 0) {
				fprintf(stderr, PROG ": -S %s: out of range\n", optarg);
				return 2;
			}
			break;
		case 'q':
			opt.quiet = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
		if (opt.port < 0 || opt.workers < 0 || opt.timeout_ms < 0 ||
		    opt.max_conns < 0) {
			fprintf(stderr, PROG ": -%c %s: out of range\n", o,
				optarg);
			return 2;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	opt.root = argv[optind];
	if (spin_us)
		spin_calibrate();
	if (opt.workers < 1)
		opt.workers = 1;

	root_fd = open(opt.root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0) {
		fprintf(stderr, PROG ": %s: %s\n", opt.root, strerror(errno));
		return 1;
	}
	listen_fd = http_listen(PROG, opt.addr, opt.port, true, opt.nodelay,
				name, sizeof(name));
	if (listen_fd < 0)
		return 1;
	stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (stop_fd < 0) {
		perror(PROG ": eventfd");
		return 1;
	}
	http_raise_nofile(opt.workers, opt.max_conns, 0);

	w = calloc(opt.workers, sizeof(*w));
	if (!w)
		return 1;
	for (i = 0; i < opt.workers; i++)
		if (worker_init(&w[i], i))
			return 1;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	sigdelset(&set, SIGPIPE);
	main_thread = pthread_self();

	for (i = 0; i < opt.workers; i++) {
		ret = pthread_create(&w[i].thread, NULL, worker_main, &w[i]);
		if (ret) {
			fprintf(stderr, PROG ": pthread_create: %s\n",
				strerror(ret));
			opt.workers = i;
			status = 1;
			break;
		}
	}
	if (!status) {
		printf(PROG ": serving %s on http://%s/ with %ld workers\n",
		       opt.root, name, opt.workers);
		fflush(stdout);
		sigwait(&set, &sig);
	}

	if (write(stop_fd, &one, sizeof(one)) != sizeof(one))
		perror(PROG ": eventfd write");
	for (i = 0; i < opt.workers; i++) {
		pthread_join(w[i].thread, NULL);
		if (w[i].ret) {
			fprintf(stderr, PROG ": worker %ld: %s\n", i,
				strerror(-w[i].ret));
			status = 1;
		}
	}
	if (!opt.quiet)
		print_counters(w, opt.workers);
	fflush(stdout);
	return status;
}
