// SPDX-License-Identifier: GPL-2.0
/*
 * uring_httpd: the io_uring baseline of the HTTP benchmark, a static-
 * content HTTP/1.1 server whose per-request operations go through an
 * io_uring (liburing): it makes one system call per request, fstat(), and
 * its share of io_uring_enter() (with -X, that share only):
 *
 *   uring_httpd [-a ADDR] [-p PORT] [-w WORKERS] [-t TIMEOUT_MS]
 *               [-c MAX_CONNS] [-s SPLICE_MIN] [-X] [-N] [-q] DOCROOT
 *
 *  - N worker threads (one per online CPU by default), each with its own
 *    ring (IORING_SETUP_SINGLE_ISSUER | DEFER_TASKRUN where the kernel has
 *    them: completions are reaped only when the worker asks), and one
 *    multishot accept on the one shared listening socket (io_uring arms
 *    its poll on a listening socket exclusively: one ring is woken per
 *    connection, as with EPOLLEXCLUSIVE).
 *  - Per connection a recv (IORING_RECVSEND_POLL_FIRST after a response:
 *    the next request is not there yet) into its 8 KiB buffer; per
 *    request: the same parser as epoll_httpd and the script(2) server
 *    (http_common.h); IORING_OP_OPENAT2 with RESOLVE_BENEATH |
 *    RESOLVE_NO_MAGICLINKS beneath the docroot; fstat() of the file, the
 *    one system call per request (-X: IORING_OP_STATX of the descriptor,
 *    AT_EMPTY_PATH, instead); then the body:
 *      . files below SPLICE_MIN bytes (64 KiB by default): the header
 *        and the first 64 KiB of the file go out in one send from the
 *        connection's buffer, IORING_OP_READ linked to IORING_OP_SEND
 *        (MSG_WAITALL), then 64 KiB read+send pairs; the last pair is
 *        hard-linked to the IORING_OP_CLOSE of the file;
 *      . files of SPLICE_MIN bytes and more: io_uring has no sendfile, so
 *        the header send (MSG_MORE) is linked to IORING_OP_SPLICE pairs,
 *        file -> the connection's pipe -> socket, 256 KiB each, up to
 *        1 MiB per chain, then the close.
 *    Links carry the order, so each response is a single submission;
 *    IOSQE_CQE_SKIP_SUCCESS drops the completions nobody waits for.
 *  - Keep-alive, pipelining, lingering close (IORING_OP_SHUTDOWN, then
 *    recv to the end) and the same timeouts as the other servers: a
 *    1-second IORING_OP_TIMEOUT tick cancels (by socket descriptor) what
 *    waits on a connection past its deadline.
 *  - -N sets TCP_NODELAY on the connections (the script(2) server does
 *    not: off by default, like it).
 *
 * The choices are measured ones, in the kernel 6.12 the benchmark runs
 * (TCG guest, 1 KiB files, 32 connections): IORING_OP_STATX always runs in
 * an io-wq worker thread, a thread switch per request, and the server
 * then makes about 30% fewer requests a second than with a plain fstat()
 * in the loop: so fstat() by default, -X for the all-in-the-ring variant.
 * IORING_OP_SPLICE always runs in io-wq too, so small files go with
 * read+send (one more copy, no thread switch); from 64 KiB the copies
 * cost more than the thread and splice wins (by 1.6x at 64 KiB).
 *
 * It prints "uring_httpd: serving DOCROOT on http://ADDR:PORT/ with N
 * workers" once listening and its counters when SIGINT or SIGTERM stops it.
 */
#include <liburing.h>
#include <pthread.h>
#include <signal.h>
#include <linux/stat.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/sysinfo.h>

#include "http_common.h"

#define PROG		"uring_httpd"
#define SQ_ENTRIES	256
#define CQ_ENTRIES	4096
#define CHUNK		(64 * 1024)		/* read+send chunk */
#define PIPE_SIZE	(256 * 1024)		/* splice chunk */
#define CHAIN_CHUNKS	4			/* splice pairs per chain */
#define LINGER_READS	32
#define TICK_MS		1000

#define NIL		0xffffffffU

/* user_data: op in bits 0-7, connection index (or descriptor) above */
enum op {
	OP_ACCEPT = 1,
	OP_STOP,
	OP_TICK,
	OP_RECV,		/* counted */
	OP_OPEN,		/* counted */
	OP_STATX,		/* counted */
	OP_SEND,		/* counted: the last of a response's chain */
	OP_SHUTDOWN,		/* counted */
	OP_SKIPPED,		/* a chain's SKIP_SUCCESS link: failures only */
	OP_CLOSE_FILE,		/* SKIP_SUCCESS: -ECANCELED means close it */
	OP_IGNORE,		/* closes of sockets, cancels */
};

#define UD(op, v)	((uint64_t)(v) << 8 | (op))
#define UD_OP(ud)	((enum op)((ud) & 0xff))
#define UD_VAL(ud)	((ud) >> 8)

enum phase { P_FREE, P_READ, P_OPEN, P_STAT, P_SEND, P_LINGER };

/* The connection's buffers: in, path, then the header room and a chunk */
#define HDR_ROOM	HTTP_OUT_SIZE
#define CONN_BUF	(HTTP_IN_SIZE + HTTP_PATH_MAX + 16 + HDR_ROOM + CHUNK)

struct conn {
	int			fd;
	int			file_fd;
	int			pipe[2];
	enum phase		phase;
	unsigned int		inflight;
	bool			closing;
	bool			keep;
	bool			hup;
	unsigned int		in_len;
	unsigned int		req_len;
	unsigned int		idx;
	unsigned int		next;
	unsigned int		linger_reads;
	int			status;
	struct http_req		r;
	long			path_start;
	long			path_len;
	bool			index;
	unsigned long long	size;
	unsigned long long	off;		/* next byte of the file to send */
	unsigned long long	chain_end;	/* offset the chain in flight ends at */
	unsigned int		hlen;
	long long		deadline;
	char			*in;
	char			*path;
	char			*out;		/* HDR_ROOM + CHUNK */
	struct statx		stx;
};

struct worker {
	int			id;
	struct io_uring		ring;
	struct conn		*conns;
	char			*bufs;
	size_t			bufs_size;
	unsigned int		free_head;
	unsigned int		nconns;
	long long		now;
	bool			stop;
	int			ret;
	pthread_t		thread;
	uint64_t		stop_val;
	struct __kernel_timespec tick;

	unsigned long long	accepted;
	unsigned long long	rejected;
	unsigned long long	requests;
	unsigned long long	resp[6];
	unsigned long long	bytes;
	unsigned long long	timeouts;
	unsigned long long	enters;
};

static struct http_opts opt = {
	.addr = "0.0.0.0", .port = 8080, .timeout_ms = 10000, .max_conns = 512,
};

static unsigned long long splice_min = 64 * 1024;
static bool use_statx;
static int listen_fd = -1, stop_fd = -1, root_fd = -1;
static pthread_t main_thread;
static struct open_how how = {
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

/* An SQE, submitting what is queued when the SQ is full. */
static struct io_uring_sqe *get_sqe(struct worker *w)
{
	struct io_uring_sqe *sqe;

	for (;;) {
		sqe = io_uring_get_sqe(&w->ring);
		if (sqe)
			return sqe;
		io_uring_submit(&w->ring);
		w->enters++;
	}
}

/* Room for @n SQEs in a row (a chain must not be split by a submit). */
static void reserve(struct worker *w, unsigned int n)
{
	if (io_uring_sq_space_left(&w->ring) < n) {
		io_uring_submit(&w->ring);
		w->enters++;
	}
}

static struct io_uring_sqe *conn_sqe(struct worker *w, struct conn *c,
				     enum op op)
{
	struct io_uring_sqe *sqe = get_sqe(w);

	io_uring_sqe_set_data64(sqe, UD(op, c->idx));
	c->inflight++;
	return sqe;
}

static void close_fd(struct worker *w, int fd)
{
	struct io_uring_sqe *sqe = get_sqe(w);

	io_uring_prep_close(sqe, fd);
	io_uring_sqe_set_data64(sqe, UD(OP_IGNORE, 0));
	io_uring_sqe_set_flags(sqe, IOSQE_CQE_SKIP_SUCCESS);
}

static void arm_accept(struct worker *w)
{
	struct io_uring_sqe *sqe = get_sqe(w);

	io_uring_prep_multishot_accept(sqe, listen_fd, NULL, NULL,
				       SOCK_CLOEXEC);
	io_uring_sqe_set_data64(sqe, UD(OP_ACCEPT, 0));
}

static void arm_tick(struct worker *w)
{
	struct io_uring_sqe *sqe = get_sqe(w);

	io_uring_prep_timeout(sqe, &w->tick, 0, 0);
	io_uring_sqe_set_data64(sqe, UD(OP_TICK, 0));
}

static void touch(struct worker *w, struct conn *c)
{
	c->deadline = w->now + opt.timeout_ms;
}

/* ---- connections */

/* Closes @c once nothing is in flight for it any more. */
static void conn_close(struct worker *w, struct conn *c)
{
	c->closing = true;
	if (c->inflight)
		return;
	if (c->file_fd >= 0)
		close_fd(w, c->file_fd);
	if (c->pipe[0] >= 0) {
		close_fd(w, c->pipe[0]);
		close_fd(w, c->pipe[1]);
	}
	close_fd(w, c->fd);
	c->fd = -1;
	c->file_fd = -1;
	c->pipe[0] = -1;
	c->pipe[1] = -1;
	c->phase = P_FREE;
	c->next = w->free_head;
	w->free_head = c->idx;
	w->nconns--;
}

static void submit_recv(struct worker *w, struct conn *c, bool poll_first)
{
	struct io_uring_sqe *sqe = conn_sqe(w, c, OP_RECV);

	io_uring_prep_recv(sqe, c->fd, c->in + c->in_len,
			   HTTP_IN_SIZE - c->in_len, 0);
	if (poll_first)
		sqe->ioprio |= IORING_RECVSEND_POLL_FIRST;
}

static void new_conn(struct worker *w, int fd)
{
	struct conn *c;

	w->accepted++;
	if (w->free_head == NIL) {
		/* Out of slots: the error path may make system calls. */
		if (send(fd, resp_503, sizeof(resp_503) - 1, MSG_NOSIGNAL | MSG_DONTWAIT) > 0)
			w->resp[5]++;
		close(fd);
		w->rejected++;
		return;
	}
	c = &w->conns[w->free_head];
	w->free_head = c->next;
	w->nconns++;
	c->fd = fd;
	c->file_fd = -1;
	c->phase = P_READ;
	c->inflight = 0;
	c->closing = false;
	c->hup = false;
	c->in_len = 0;
	c->req_len = 0;
	touch(w, c);
	submit_recv(w, c, false);
}

/* Sends the @len bytes at @buf, the whole response (an error or a HEAD). */
static void send_out(struct worker *w, struct conn *c, const char *buf,
		     unsigned int len)
{
	struct io_uring_sqe *sqe = conn_sqe(w, c, OP_SEND);

	io_uring_prep_send(sqe, c->fd, buf, len, MSG_NOSIGNAL | MSG_WAITALL);
	c->phase = P_SEND;
	c->chain_end = 0;
	c->off = 0;
	c->size = 0;
	w->bytes += len;
}

static void respond_error(struct worker *w, struct conn *c, int status)
{
	char *hdr = c->out;
	unsigned int len;
	bool keep;

	len = http_error(hdr, PROG, status, c->in, &c->r, &keep);
	c->status = status;
	c->keep = keep;
	send_out(w, c, hdr, len);
}

/*
 * The next piece of the body: from c->off, and the header before it when
 * c->off is 0.  A chain of read+send (or send+splices) that ends, at the
 * end of the file, hard-linked to the close of the file.
 */
static void send_body(struct worker *w, struct conn *c)
{
	unsigned long long left = c->size - c->off, n, end;
	struct io_uring_sqe *sqe = NULL;
	char *data = c->out + HDR_ROOM;
	unsigned int k, i, hlen = c->off ? 0 : c->hlen;
	bool last;

	c->phase = P_SEND;
	if (c->size < splice_min) {
		n = left < CHUNK ? left : CHUNK;
		last = n == left;
		reserve(w, 3);
		sqe = get_sqe(w);
		io_uring_prep_read(sqe, c->file_fd, data, n, c->off);
		io_uring_sqe_set_data64(sqe, UD(OP_SKIPPED, c->idx));
		io_uring_sqe_set_flags(sqe, IOSQE_IO_LINK |
				       IOSQE_CQE_SKIP_SUCCESS);
		sqe = conn_sqe(w, c, OP_SEND);
		io_uring_prep_send(sqe, c->fd, data - hlen, hlen + n,
				   MSG_NOSIGNAL | MSG_WAITALL |
				   (last ? 0 : MSG_MORE));
		c->chain_end = c->off + n;
		w->bytes += hlen + n;
	} else {
		/* header, then up to CHAIN_CHUNKS pairs of splices */
		k = (left + PIPE_SIZE - 1) / PIPE_SIZE;
		if (k > CHAIN_CHUNKS)
			k = CHAIN_CHUNKS;
		end = c->off + (unsigned long long)k * PIPE_SIZE;
		if (end > c->size)
			end = c->size;
		last = end == c->size;
		reserve(w, 2 * k + 2);
		if (hlen) {
			sqe = get_sqe(w);
			io_uring_prep_send(sqe, c->fd, data - hlen, hlen,
					   MSG_NOSIGNAL | MSG_WAITALL | MSG_MORE);
			io_uring_sqe_set_data64(sqe, UD(OP_SKIPPED, c->idx));
			io_uring_sqe_set_flags(sqe, IOSQE_IO_LINK |
					       IOSQE_CQE_SKIP_SUCCESS);
		}
		for (i = 0; i < k; i++) {
			unsigned long long o = c->off + (unsigned long long)i *
					       PIPE_SIZE;

			n = end - o < PIPE_SIZE ? end - o : PIPE_SIZE;
			sqe = get_sqe(w);
			io_uring_prep_splice(sqe, c->file_fd, o, c->pipe[1], -1,
					     n, 0);
			io_uring_sqe_set_data64(sqe, UD(OP_SKIPPED, c->idx));
			io_uring_sqe_set_flags(sqe, IOSQE_IO_LINK |
					       IOSQE_CQE_SKIP_SUCCESS);
			sqe = i == k - 1 ? conn_sqe(w, c, OP_SEND) : get_sqe(w);
			io_uring_prep_splice(sqe, c->pipe[0], -1, c->fd, -1, n,
					     last ? 0 : SPLICE_F_MORE);
			if (i == k - 1)
				continue;
			io_uring_sqe_set_data64(sqe, UD(OP_SKIPPED, c->idx));
			io_uring_sqe_set_flags(sqe, IOSQE_IO_LINK |
					       IOSQE_CQE_SKIP_SUCCESS);
		}
		c->chain_end = end;
		w->bytes += hlen + (end - c->off);
	}
	if (!last)
		return;
	/* The last link: close the file, whatever became of the send. */
	sqe->flags |= IOSQE_IO_HARDLINK;
	sqe = get_sqe(w);
	io_uring_prep_close(sqe, c->file_fd);
	io_uring_sqe_set_data64(sqe, UD(OP_CLOSE_FILE, c->file_fd));
	io_uring_sqe_set_flags(sqe, IOSQE_CQE_SKIP_SUCCESS);
	c->file_fd = -1;
}

/* The file is open and c->stx filled: answer. */
static void stat_done(struct worker *w, struct conn *c)
{
	int status;

	status = http_mode_status(c->stx.stx_mode & S_IFMT, c->index,
				  c->r.t_len);
	if (status) {
		close_fd(w, c->file_fd);
		c->file_fd = -1;
		respond_error(w, c, status);
		return;
	}
	c->status = 200;
	c->keep = c->r.keep;
	c->size = c->stx.stx_size;
	c->off = 0;
	/* the header right before the chunk: one send for both */
	c->hlen = http_head_200(c->out, PROG, c->size,
				c->path + c->path_start, c->path_len, c->keep);
	memmove(c->out + HDR_ROOM - c->hlen, c->out, c->hlen);
	if (c->r.head || !c->size) {
		close_fd(w, c->file_fd);
		c->file_fd = -1;
		send_out(w, c, c->out + HDR_ROOM - c->hlen, c->hlen);
		return;
	}
	if (c->size >= splice_min && c->pipe[0] < 0) {
		/* once per connection */
		if (pipe2(c->pipe, O_CLOEXEC)) {
			c->pipe[0] = -1;
			c->pipe[1] = -1;
			close_fd(w, c->file_fd);
			c->file_fd = -1;
			respond_error(w, c, 503);
			return;
		}
		fcntl(c->pipe[1], F_SETPIPE_SZ, PIPE_SIZE);
	}
	send_body(w, c);
}

static void open_done(struct worker *w, struct conn *c, int res)
{
	struct io_uring_sqe *sqe;
	struct stat st;

	if (res < 0) {
		respond_error(w, c, http_open_status(res));
		return;
	}
	c->file_fd = res;
	if (!use_statx) {
		if (fstat(res, &st)) {
			close_fd(w, c->file_fd);
			c->file_fd = -1;
			respond_error(w, c, 500);
			return;
		}
		c->stx.stx_mode = st.st_mode;
		c->stx.stx_size = st.st_size;
		stat_done(w, c);
		return;
	}
	c->phase = P_STAT;
	sqe = conn_sqe(w, c, OP_STATX);
	io_uring_prep_statx(sqe, res, "", AT_EMPTY_PATH,
			    STATX_TYPE | STATX_SIZE, &c->stx);
}

/* c->in holds a whole request header of c->req_len bytes: answer it. */
static void process_request(struct worker *w, struct conn *c)
{
	struct io_uring_sqe *sqe;
	int status;

	w->requests++;
	memset(&c->r, 0, sizeof(c->r));
	status = http_parse(c->in, c->req_len, &c->r);
	if (!status)
		status = http_path(c->in, &c->r, c->path, &c->path_start,
				   &c->path_len, &c->index);
	if (status) {
		respond_error(w, c, status);
		return;
	}
	c->phase = P_OPEN;
	sqe = conn_sqe(w, c, OP_OPEN);
	io_uring_prep_openat2(sqe, root_fd, c->path + c->path_start, &how);
}

/* What c->in holds: a request to answer, or more to read. */
static void next_request(struct worker *w, struct conn *c, unsigned int from,
			 bool poll_first)
{
	char *e;

	e = memmem(c->in + from, c->in_len - from, "\r\n\r\n", 4);
	if (e) {
		c->req_len = e - c->in + 4;
		process_request(w, c);
		return;
	}
	if (c->in_len == HTTP_IN_SIZE) {
		memset(&c->r, 0, sizeof(c->r));
		w->requests++;
		c->req_len = c->in_len;
		respond_error(w, c, 431);
		return;
	}
	c->phase = P_READ;
	submit_recv(w, c, poll_first);
}

static void start_linger(struct worker *w, struct conn *c)
{
	struct io_uring_sqe *sqe;

	c->phase = P_LINGER;
	c->linger_reads = 0;
	sqe = conn_sqe(w, c, OP_SHUTDOWN);
	io_uring_prep_shutdown(sqe, c->fd, SHUT_WR);
	io_uring_sqe_set_flags(sqe, IOSQE_IO_LINK);
	c->in_len = 0;
	submit_recv(w, c, false);
}

/* The response has gone. */
static void finish(struct worker *w, struct conn *c)
{
	unsigned int rest;

	if (c->status / 100 < 6)
		w->resp[c->status / 100]++;
	if (!c->keep) {
		start_linger(w, c);
		return;
	}
	rest = c->in_len - c->req_len;
	if (rest)
		memmove(c->in, c->in + c->req_len, rest);
	c->in_len = rest;
	c->req_len = 0;
	next_request(w, c, 0, true);
}

static void recv_done(struct worker *w, struct conn *c, int res)
{
	unsigned int from;

	if (c->phase == P_LINGER) {
		if (res <= 0 || ++c->linger_reads >= LINGER_READS) {
			conn_close(w, c);
			return;
		}
		submit_recv(w, c, true);
		return;
	}
	if (res == -ECANCELED && c->in_len) {
		/* timed out with part of a request */
		memset(&c->r, 0, sizeof(c->r));
		w->requests++;
		c->req_len = c->in_len;
		respond_error(w, c, 408);
		return;
	}
	if (res <= 0) {
		conn_close(w, c);
		return;
	}
	from = c->in_len > 3 ? c->in_len - 3 : 0;
	c->in_len += res;
	touch(w, c);
	next_request(w, c, from, false);
}

static void send_done(struct worker *w, struct conn *c, int res)
{
	if (res < 0) {
		conn_close(w, c);
		return;
	}
	touch(w, c);
	if (c->chain_end < c->size) {
		c->off = c->chain_end;
		send_body(w, c);
		return;
	}
	finish(w, c);
}

static void tick(struct worker *w)
{
	struct io_uring_sqe *sqe;
	struct conn *c;
	long i;

	for (i = 0; i < opt.max_conns; i++) {
		c = &w->conns[i];
		if (c->phase == P_FREE || c->closing ||
		    c->deadline > w->now)
			continue;
		if (c->phase != P_READ && c->phase != P_SEND &&
		    c->phase != P_LINGER)
			continue;
		w->timeouts++;
		touch(w, c);
		sqe = get_sqe(w);
		io_uring_prep_cancel_fd(sqe, c->fd, IORING_ASYNC_CANCEL_ALL);
		io_uring_sqe_set_data64(sqe, UD(OP_IGNORE, 0));
	}
	arm_tick(w);
}

static void handle(struct worker *w, struct io_uring_cqe *cqe)
{
	uint64_t ud = cqe->user_data;
	struct conn *c;
	int res = cqe->res;

	switch (UD_OP(ud)) {
	case OP_ACCEPT:
		if (res >= 0)
			new_conn(w, res);
		if (!(cqe->flags & IORING_CQE_F_MORE))
			arm_accept(w);
		return;
	case OP_STOP:
		w->stop = true;
		return;
	case OP_TICK:
		tick(w);
		return;
	case OP_CLOSE_FILE:
		/* cancelled with its chain: close it now */
		if (res == -ECANCELED)
			close_fd(w, UD_VAL(ud));
		return;
	case OP_SKIPPED:
	case OP_IGNORE:
		return;
	default:
		break;
	}

	c = &w->conns[UD_VAL(ud)];
	c->inflight--;
	if (c->closing) {
		if (UD_OP(ud) == OP_OPEN && res >= 0)
			close_fd(w, res);
		conn_close(w, c);
		return;
	}
	switch (UD_OP(ud)) {
	case OP_RECV:
		recv_done(w, c, res);
		break;
	case OP_OPEN:
		open_done(w, c, res);
		break;
	case OP_STATX:
		if (res < 0) {
			close_fd(w, c->file_fd);
			c->file_fd = -1;
			respond_error(w, c, 500);
		} else {
			stat_done(w, c);
		}
		break;
	case OP_SEND:
		send_done(w, c, res);
		break;
	case OP_SHUTDOWN:
		/* the recv linked to it does the rest */
		break;
	default:
		break;
	}
}

static int worker_loop(struct worker *w)
{
	struct io_uring_params p = { };
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	unsigned int head, n;
	int ret;

	/* completions when the worker asks, else the cooperative default */
	p.flags = IORING_SETUP_CQSIZE | IORING_SETUP_SINGLE_ISSUER |
		  IORING_SETUP_DEFER_TASKRUN;
	p.cq_entries = CQ_ENTRIES;
	ret = io_uring_queue_init_params(SQ_ENTRIES, &w->ring, &p);
	if (ret == -EINVAL) {
		memset(&p, 0, sizeof(p));
		p.flags = IORING_SETUP_CQSIZE | IORING_SETUP_COOP_TASKRUN;
		p.cq_entries = CQ_ENTRIES;
		ret = io_uring_queue_init_params(SQ_ENTRIES, &w->ring, &p);
	}
	if (ret)
		return ret;

	w->now = http_now_ms();
	w->tick.tv_sec = TICK_MS / 1000;
	w->tick.tv_nsec = (TICK_MS % 1000) * 1000000L;
	arm_accept(w);
	arm_tick(w);
	sqe = get_sqe(w);
	io_uring_prep_read(sqe, stop_fd, &w->stop_val, sizeof(w->stop_val), 0);
	io_uring_sqe_set_data64(sqe, UD(OP_STOP, 0));

	while (!w->stop) {
		ret = io_uring_submit_and_wait(&w->ring, 1);
		w->enters++;
		if (ret < 0 && ret != -EINTR && ret != -EAGAIN &&
		    ret != -EBUSY && ret != -ETIME)
			break;
		ret = 0;
		w->now = http_now_ms();
		n = 0;
		io_uring_for_each_cqe(&w->ring, head, cqe) {
			handle(w, cqe);
			n++;
		}
		io_uring_cq_advance(&w->ring, n);
	}
	io_uring_queue_exit(&w->ring);
	return ret;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	long i;

	w->ret = worker_loop(w);
	for (i = 0; i < opt.max_conns; i++) {
		struct conn *c = &w->conns[i];

		if (c->fd < 0)
			continue;
		if (c->file_fd >= 0)
			close(c->file_fd);
		if (c->pipe[0] >= 0) {
			close(c->pipe[0]);
			close(c->pipe[1]);
		}
		close(c->fd);
	}
	if (w->ret)
		pthread_kill(main_thread, SIGUSR1);
	return NULL;
}

static int worker_init(struct worker *w, int id)
{
	long i;

	w->id = id;
	w->conns = calloc(opt.max_conns, sizeof(*w->conns));
	w->bufs_size = (size_t)opt.max_conns * CONN_BUF;
	w->bufs = mmap(NULL, w->bufs_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!w->conns || w->bufs == MAP_FAILED) {
		fprintf(stderr, PROG ": out of memory for worker %d\n", id);
		return -1;
	}
	for (i = 0; i < opt.max_conns; i++) {
		struct conn *c = &w->conns[i];
		char *b = w->bufs + i * CONN_BUF;

		c->fd = -1;
		c->file_fd = -1;
		c->pipe[0] = -1;
		c->pipe[1] = -1;
		c->idx = i;
		c->next = i + 1 < opt.max_conns ? i + 1 : NIL;
		c->in = b;
		c->path = b + HTTP_IN_SIZE;
		c->out = c->path + HTTP_PATH_MAX + 16;
	}
	w->free_head = 0;
	return 0;
}

static void print_counters(const struct worker *w, long workers)
{
	unsigned long long req = 0, acc = 0, bytes = 0, en = 0;
	long i;

	for (i = 0; i < workers; i++) {
		printf("worker %ld: %llu connections (%llu turned away), ",
		       i, w[i].accepted, w[i].rejected);
		printf("%llu requests: 2xx %llu, 3xx %llu, 4xx %llu, 5xx %llu; ",
		       w[i].requests, w[i].resp[2], w[i].resp[3], w[i].resp[4],
		       w[i].resp[5]);
		printf("%llu bytes sent, %llu timeouts, %llu io_uring_enter\n",
		       w[i].bytes, w[i].timeouts, w[i].enters);
		acc += w[i].accepted;
		req += w[i].requests;
		bytes += w[i].bytes;
		en += w[i].enters;
	}
	printf("total: %llu connections, %llu requests, %llu bytes sent, %llu io_uring_enter\n",
	       acc, req, bytes, en);
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: " PROG " [-a ADDR] [-p PORT] [-w WORKERS] [-t TIMEOUT_MS] [-c MAX_CONNS]\n"
		"                   [-s SPLICE_MIN] [-X] [-N] [-q] DOCROOT\n"
		"Serve the files beneath DOCROOT over HTTP/1.1 with an io_uring per worker\n"
		"thread (a baseline of the script(2) server).\n"
		"  -a ADDR        IPv4 or IPv6 address to listen on (default 0.0.0.0)\n"
		"  -p PORT        port (default 8080; 0: any free one, printed)\n"
		"  -w WORKERS     worker threads (default: one per online CPU)\n"
		"  -t TIMEOUT_MS  request, idle, send and linger timeout (default 10000)\n"
		"  -c MAX_CONNS   connections per worker (default 512)\n"
		"  -s SPLICE_MIN  send files of this size and more with IORING_OP_SPLICE\n"
		"                 through a pipe, smaller ones with read+send (default 65536)\n"
		"  -X             IORING_OP_STATX rather than fstat() in the loop\n"
		"  -N             TCP_NODELAY on the connections\n"
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
	while ((o = getopt(argc, argv, "a:p:w:t:c:s:XNqh")) != -1) {
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
		case 's':
			splice_min = strtoull(optarg, NULL, 10);
			break;
		case 'X':
			use_statx = true;
			break;
		case 'N':
			opt.nodelay = true;
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
	if (opt.workers < 1)
		opt.workers = 1;

	root_fd = open(opt.root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0) {
		fprintf(stderr, PROG ": %s: %s\n", opt.root, strerror(errno));
		return 1;
	}
	/* blocking: io_uring polls it, and multishot accept wants that */
	listen_fd = http_listen(PROG, opt.addr, opt.port, false, opt.nodelay,
				name, sizeof(name));
	if (listen_fd < 0)
		return 1;
	stop_fd = eventfd(0, EFD_CLOEXEC | EFD_SEMAPHORE);
	if (stop_fd < 0) {
		perror(PROG ": eventfd");
		return 1;
	}
	http_raise_nofile(opt.workers, opt.max_conns, 2);

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

	/* a semaphore: each worker's read takes one */
	one = opt.workers;
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
