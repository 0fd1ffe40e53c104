// SPDX-License-Identifier: GPL-2.0
/*
 * httpd.bpf.c: a static-content HTTP/1.1 and HTTP/2 server (h2.bpf.h)
 * whose whole event loop is one script(2) call.  Each worker thread of httpd.c runs httpd_worker()
 * once, with its struct httpd_ctl (httpd.h) in r1; the run accepts,
 * parses, opens, sends and times out connections until the stop
 * descriptor becomes readable, and makes no system call but its ops.
 *
 * Design:
 *
 *  - One epoll set per worker over the one listening socket, added with
 *    EPOLLEXCLUSIVE, rather than a socket per worker with SO_REUSEPORT.
 *    With EPOLLEXCLUSIVE a new connection wakes one worker waiting in
 *    epoll_wait() (not all of them: no thundering herd), and the one
 *    accept queue is served by whichever worker is free, so a worker busy
 *    with a slow request does not collect connections it cannot serve.
 *    SO_REUSEPORT would need a listening socket per worker and hashes each
 *    connection to one of them by its addresses, regardless of how busy
 *    that worker is.  The listening socket is non-blocking and level-
 *    triggered: a worker accepts a batch, and the ones another worker took
 *    first just give -EAGAIN.
 *
 *  - Connections are edge-triggered, added once with EPOLLIN | EPOLLOUT |
 *    EPOLLRDHUP | EPOLLET and never modified: a response that fills the
 *    socket waits for the EPOLLOUT edge without the two epoll_ctl() calls
 *    (add EPOLLOUT, then remove it) that level-triggering would need per
 *    slow response.  Each connection is a state machine (enum
 *    httpd_phase) that any event simply runs as far as it can go.  The
 *    price of edges is to remember readiness: an input edge sets
 *    HTTPD_CF_READABLE, which a read that comes back short (or -EAGAIN)
 *    clears, as any later data makes a new edge; output needs no flag,
 *    since a send is only ever tried when there is something to send and
 *    a send or move that comes back short is followed by an EPOLLOUT edge.
 *
 *  - Deadlines: every phase has one, and every deadline is "now +
 *    timeout_ms" with the same timeout_ms, so a doubly linked list that
 *    a connection joins at its tail stays sorted by the deadline each had
 *    when it joined ("queued"), and epoll_wait() sleeps until the head's.
 *    Pushing a deadline back is only a store: a connection whose queued
 *    time comes with a later deadline goes to the tail again then (once
 *    per timeout at most), one that has none left expires.  Expiry costs
 *    O(1) per wakeup plus O(1) per connection expired or requeued.  A
 *    request header has timeout_ms
 *    from its first byte (else 408 and close), an idle keep-alive
 *    connection timeout_ms from its last response (else a silent close),
 *    a response timeout_ms from its last progress (a slow reader, else
 *    closed), and a closing connection lingers at most timeout_ms.
 *
 *  - Requests: the split_header op, after each read, tells whether the
 *    header is complete (its empty line has come), and if so splits its
 *    request line and its Host, Connection, Content-Length and
 *    Transfer-Encoding fields, names matched without case, values
 *    without OWS, or finds it malformed (a control byte, a bare CR or
 *    LF, obsolete line folding, space before a ':', a name that is no
 *    token: 400).  GET and HEAD are served; other known methods
 *    get 405 with Allow, unknown ones 501, malformed requests 400, other
 *    versions than HTTP/1.0 and 1.1 505, an HTTP/1.1 request without
 *    exactly one Host 400.  The target of a GET or HEAD is origin-form
 *    ("/path") or absolute-form ("http://host/path", RFC 9112 3.2.2):
 *    "http://" or "https://" in any case, then an authority that is
 *    ignored like the Host value (no virtual hosts), then the path, "/"
 *    if none; an empty host, userinfo, another scheme, authority-form
 *    and "*" are 400.  The path's query and fragment are dropped, %XX is
 *    decoded (%00 and bad escapes are 400, %2F is an ordinary '/'),
 *    leading slashes are dropped and the rest is opened with openat2()
 *    beneath the docroot descriptor with RESOLVE_BENEATH |
 *    RESOLVE_NO_MAGICLINKS: "..", an absolute path or a symlink that
 *    would leave the docroot fails with EXDEV (403), whatever the text of
 *    the path, so no textual normalisation is needed; symlinks that stay
 *    inside are followed.  A directory is 301 to its path with a '/'
 *    added; a path ending in '/' serves its index.html.  Files open
 *    O_NONBLOCK, so that a FIFO does not block the worker (and is 403 as
 *    not a regular file).
 *
 *  - Responses: the header is written in the connection's out buffer by
 *    one format op.  A file of up to HTTPD_SMALL_MAX bytes is read into
 *    the buffer after it, closed, and both go with one send; a larger one
 *    is sent with the header first, with MSG_MORE so that its start
 *    leaves in one segment with it, then with the move op (sendfile) with
 *    timeout 0 on the non-blocking socket: when the socket is full the
 *    op returns what it moved (or -ETIMEDOUT) and the connection waits
 *    for EPOLLOUT.
 *    Keep-alive is HTTP/1.1's default, "Connection: close" is honoured and
 *    HTTP/1.0 closes unless "Connection: keep-alive".  A request with a
 *    body (Content-Length above 0, Transfer-Encoding) is answered and the
 *    connection closed, as are 400, 408, 414, 431, 5xx.  Pipelined
 *    requests are answered in order: after each response the next header
 *    is moved to the start of the buffer and parsed before any read.
 *    A connection the server closes is shut down for writing first and
 *    read until the client closes ("lingering close"), so that unread
 *    input does not make the close a reset that could destroy the
 *    response in flight.
 *
 *  - HTTPS: the launcher (httpd_tls.c) accepts on the TLS port, does the
 *    handshake with OpenSSL, turns on kernel TLS both ways and writes the
 *    socket's number to a worker's handoff pipe, which the script watches
 *    like the listening socket; do_handoff() adopts the connection into
 *    a slot as do_accept() does one of its own, with the protocol ALPN
 *    chose (struct httpd_conn.proto), and from then on it is served like
 *    any other: kernel TLS encrypts what send and move write and
 *    decrypts what read returns.  A record that is not application data
 *    fails read with EIO, and the connection is closed (do_handoff()).
 *
 *  - Cost: every instruction is interpreted, so the common case is kept
 *    short, and what is a loop over bytes is an op: split_header finds
 *    the header's end, its lines and the fields the server needs, keyed
 *    so that no name is compared here; memcspn finds the path's end and
 *    any '%'; format writes the whole 200 header.  One 32-bit load of the
 *    (aligned) buffer tells a GET and one 64-bit load HTTP/1.1; a path
 *    without '%' is opened where it is, in the request's buffer; the MIME
 *    type is a switch on one load of the path's last 4 bytes; a small
 *    file is read into the out buffer rather than moved, which costs no
 *    more ops (read and send for send and move) and is cheaper in the
 *    kernel at 1 KiB (bench/servers/README.md); pushing a deadline back
 *    is a store.  The common request on an idle keep-alive connection,
 *    a whole GET of a plain path with HTTP/1.1 and a Host, of a small
 *    regular file, takes a fast path, fast_get(), that answers it in one
 *    straight line from the read to the send and leaves the connection
 *    as it found it, with no phase changes and no trip through finish();
 *    anything else leaves it for the general way, at the point it got
 *    to.  A keep-alive GET of a 1 KiB file with only a Host field takes
 *    about 190 instructions and 9 ops with 32 connections (240 and 11
 *    with one): read, split_header, memcspn, openat2, fstat, format,
 *    read, close, send, and a share of epoll_wait and clock_gettime
 *    (bench/native's replay; before the fast path about 370, and before
 *    these ops about 590 and 22).  The Makefile builds this file with
 *    -mcpu=v3, whose 32-bit ALU and jumps save about 5% more.
 *
 * r0: 0 once the stop descriptor became readable, or the negative errno
 * of epoll_create1(), epoll_ctl() of the listening socket or epoll_wait().
 */
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/eventpoll.h>
#include <linux/stat.h>
#include <linux/time_types.h>

#include "script_ops.h"
#include "httpd.h"

/* Subprograms that clang must keep as calls, not inline */
#define noinline	__attribute__((noinline))
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
/* Breaks the build when @cond, a constant, is true. */
#define BUILD_BUG_ON(cond)	((void)sizeof(char[1 - 2 * !!(cond)]))

#define CLOCK_MONOTONIC	1
#define SHUT_WR		1

/* Connections accepted per wakeup of the listening socket */
#define ACCEPT_BATCH	16
/* Reads a lingering close drops before it gives up on the client */
#define LINGER_READS	32
/* How long accepting pauses when the process is out of descriptors */
#define ACCEPT_PAUSE_MS	100
/* The most the move op may move in one call (below MAX_RW_COUNT) */
#define MOVE_MAX	(1UL << 30)

/* Up to 7 bytes as a big-endian number: methods, file extensions */
#define M2(a, b)		((__u64)(a) << 8 | (b))
#define M3(a, b, c)		(M2(a, b) << 8 | (c))
#define M4(a, b, c, d)		(M3(a, b, c) << 8 | (d))
#define M5(a, b, c, d, e)	(M4(a, b, c, d) << 8 | (e))
#define M6(a, b, c, d, e, f)	(M5(a, b, c, d, e) << 8 | (f))
#define M7(a, b, c, d, e, f, g)	(M6(a, b, c, d, e, f) << 8 | (g))

#define M8(a, b, c, d, e, f, g, h)	(M7(a, b, c, d, e, f, g) << 8 | (h))

/* 4 or 8 bytes as a 32- or 64-bit load from memory reads them */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define WORD4(a, b, c, d)	((__u32)M4(d, c, b, a))
#define WORD8(a, b, c, d, e, f, g, h)	M8(h, g, f, e, d, c, b, a)
#else
#define WORD4(a, b, c, d)	((__u32)M4(a, b, c, d))
#define WORD8(a, b, c, d, e, f, g, h)	M8(a, b, c, d, e, f, g, h)
#endif

/**
 * struct req - what parse_request() found, for serve() and the response
 * @t_off: offset of the target in the connection's buffer; serve() moves
 *	it past the scheme and authority of an absolute-form target
 * @t_len: its length; serve() cuts it to the path, without the query
 * @head: the method is HEAD: the response has no body
 * @keep: the connection may stay open after the response
 */
struct req {
	__u32	t_off;
	__u32	t_len;
	__u32	head;
	__u32	keep;
};

/**
 * struct mime - a Content-Type, for the format op's "%s"
 * @type: the type, "text/html; charset=utf-8"
 * @len: its length
 */
struct mime {
	const char	*type;
	__u64		len;
};

#define MIME(t)		{ t, sizeof(t) - 1 }
#define UTF8		"; charset=utf-8"

/* The header of a 200 response, for the format op: length, type */
#define HEAD_200(conn)							\
	"HTTP/1.1 200 OK\r\nServer: script(2)\r\nContent-Length: %u\r\n"	\
	"Content-Type: %s\r\nConnection: " conn "\r\n\r\n"
static const char head_200_keep[] = HEAD_200("keep-alive");
static const char head_200_close[] = HEAD_200("close");

/*
 * The request fields parse_request() looks at: split_header gives each
 * field its index here as its key, and stores only these.
 */
#define KEY_HOST	0
#define KEY_CONNECTION	1
#define KEY_CONTENT_LENGTH	2
#define KEY_TRANSFER_ENCODING	3
static const char field_names[] =
	"host\0connection\0content-length\0transfer-encoding";

/* The types mime_of() knows, by extension */
static const struct mime mime_html = MIME("text/html" UTF8);
static const struct mime mime_css = MIME("text/css" UTF8);
static const struct mime mime_js = MIME("text/javascript" UTF8);
static const struct mime mime_png = MIME("image/png");
static const struct mime mime_jpeg = MIME("image/jpeg");
static const struct mime mime_svg = MIME("image/svg+xml");
static const struct mime mime_ico = MIME("image/vnd.microsoft.icon");
static const struct mime mime_json = MIME("application/json");
static const struct mime mime_txt = MIME("text/plain" UTF8);
static const struct mime mime_gif = MIME("image/gif");
static const struct mime mime_webp = MIME("image/webp");
static const struct mime mime_wasm = MIME("application/wasm");
static const struct mime mime_pdf = MIME("application/pdf");
static const struct mime mime_md = MIME("text/markdown" UTF8);
static const struct mime mime_xml = MIME("application/xml");
static const struct mime mime_gz = MIME("application/gzip");
static const struct mime mime_tar = MIME("application/x-tar");
static const struct mime mime_zip = MIME("application/zip");
static const struct mime mime_default = MIME("application/octet-stream");

/**
 * struct reason - a status code and its reason phrase
 * @status: the code
 * @len: the length of @text
 * @text: the code and the phrase, "404 Not Found"
 */
struct reason {
	__u32		status;
	__u32		len;
	const char	*text;
};

#define REASON_TEXT(s, text)	{ s, sizeof(text) - 1, text }
#define REASON(s, t)		REASON_TEXT(s, #s " " t)

static const struct reason reasons[] = {
	REASON(301, "Moved Permanently"),
	REASON(400, "Bad Request"),
	REASON(403, "Forbidden"),
	REASON(404, "Not Found"),
	REASON(405, "Method Not Allowed"),
	REASON(408, "Request Timeout"),
	REASON(414, "URI Too Long"),
	REASON(431, "Request Header Fields Too Large"),
	REASON(500, "Internal Server Error"),
	REASON(501, "Not Implemented"),
	REASON(503, "Service Unavailable"),
	REASON(505, "HTTP Version Not Supported"),
};

/* An error page: BODY1 reason BODY2 reason BODY3 */
#define BODY1		"<!DOCTYPE html>\n<title>"
#define BODY2		"</title>\n<h1>"
#define BODY3		"</h1>\n"

/* The answer when the connection table is full: sent whole, then closed */
#define BODY503		BODY1 "503 Service Unavailable" BODY2 \
			"503 Service Unavailable" BODY3
static const char resp_503[] =
	"HTTP/1.1 503 Service Unavailable\r\n"
	"Server: script(2)\r\n"
	"Content-Length: 88\r\n"
	"Content-Type: text/html; charset=utf-8\r\n"
	"Connection: close\r\n"
	"\r\n"
	BODY503;

/* Appends the @len bytes at @s to the buffer @out at offset @o. */
#define OUT(out, o, s, len) do {				\
	typeof(o) *__o = &(o);					\
	__auto_type __len = (len);				\
								\
	script_memcpy((out) + *__o, (s), __len);		\
	*__o += __len;						\
} while (0)

/* Appends the string literal @lit. */
#define OUTS(out, o, lit)	OUT(out, o, lit, sizeof(lit) - 1)

static inline struct httpd_conn *conn_at(struct httpd_ctl *c, __u32 i)
{
	return (struct httpd_conn *)(c->conns +
				     (__u64)i * sizeof(struct httpd_conn));
}

/*
 * A descriptor of @conn, @fd or @file_fd, for an op when it is open: not
 * negative, so its 32 bits need no sign extension.
 */
#define FD(fd)	((long)(__u32)(fd))

static inline int is_ows(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* The value of the hex digit @ch, or -1. */
static inline int hex_val(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch |= 0x20;
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/* CLOCK_MONOTONIC in milliseconds. */
static long now_ms(void)
{
	struct __kernel_timespec ts;

	if (script_clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		return 0;
	return ts.tv_sec * 1000 + (__u64)ts.tv_nsec / 1000000;
}

/*
 * ci_eq() - whether the @n bytes at @s equal the lower-case @lit, ignoring
 * the case of ASCII letters in @s.  Always inlined with a constant @lit
 * and @n, it unrolls to a load and a compare or two per byte: (ch | 0x20)
 * is a lower-case letter exactly when ch is that letter in either case.
 */
static __attribute__((always_inline)) inline long
ci_eq(const char *s, const char *lit, long n)
{
	long i;
	char ch;

#pragma unroll
	for (i = 0; i < n; i++) {
		ch = s[i];
		if (lit[i] >= 'a' && lit[i] <= 'z')
			ch |= 0x20;
		if (ch != lit[i])
			return 0;
	}
	return 1;
}

/*
 * ---- the deadline list: sorted by queued time, since every deadline is
 * now + timeout when it is set
 */

static void dl_unlink(struct httpd_ctl *c, struct httpd_conn *conn)
{
	__u32 prev = conn->prev, next = conn->next;

	if (prev == HTTPD_NIL)
		c->dl_head = next;
	else
		conn_at(c, prev)->next = next;
	if (next == HTTPD_NIL)
		c->dl_tail = prev;
	else
		conn_at(c, next)->prev = prev;
}

static void dl_append(struct httpd_ctl *c, struct httpd_conn *conn)
{
	__u32 tail = c->dl_tail;

	conn->queued = conn->deadline;
	conn->prev = tail;
	conn->next = HTTPD_NIL;
	if (tail == HTTPD_NIL)
		c->dl_head = conn->idx;
	else
		conn_at(c, tail)->next = conn->idx;
	c->dl_tail = conn->idx;
}

/*
 * Sets @conn's deadline to timeout_ms from now; it keeps its place in the
 * list until its queued time comes (expire()).
 */
static inline void conn_touch(struct httpd_ctl *c, struct httpd_conn *conn)
{
	conn->deadline = c->now + c->timeout_ms;
}

/* h2.bpf.h: an HTTP/2 connection's streams, released when it closes */
static void h2_release(struct httpd_ctl *c, struct httpd_conn *conn);

/* Closes @conn and its file and frees its slot. */
static noinline void conn_close(struct httpd_ctl *c, struct httpd_conn *conn)
{
	if (conn->phase == HTTPD_H2)
		h2_release(c, conn);
	if (conn->file_fd >= 0)
		script_close(conn->file_fd);
	conn->file_fd = -1;
	/* Closing the socket also takes it out of the epoll set. */
	script_close(conn->fd);
	conn->fd = -1;
	conn->phase = HTTPD_FREE;
	dl_unlink(c, conn);
	conn->next = c->free_head;
	c->free_head = conn->idx;
	c->nconns--;
}

/* epoll_ctl(@op) of @fd for @events, with @data as the event's data. */
static long watch(struct httpd_ctl *c, long op, long fd, __u32 events,
		  __u32 data)
{
	__u32 *ev = (__u32 *)c->ev;

	ev[0] = events;
	ev[1] = 0;
	ev[2] = 0;
	ev[3] = 0;
	*(__u32 *)(c->ev + c->ev_data_off) = data;
	return script_epoll_ctl(c->epfd, op, fd, c->ev);
}

/* ---- accepting */

/*
 * Takes the connection @fd into a free slot, speaking @proto: 0, or -1
 * when the table is full (a 503 went, and @fd is closed) or epoll_ctl()
 * failed (@fd is closed).
 */
static noinline long adopt(struct httpd_ctl *c, long fd, __u32 proto)
{
	struct httpd_conn *conn;

	c->accepted++;
	if (c->free_head == HTTPD_NIL) {
		/* resp_503 says "Content-Length: 88" */
		BUILD_BUG_ON(sizeof(BODY503) - 1 != 88);
		if (script_send(fd, resp_503, sizeof(resp_503) - 1,
				c->send_flags) > 0)
			c->resp[5]++;
		script_close(fd);
		c->rejected++;
		return -1;
	}
	conn = conn_at(c, c->free_head);
	if (watch(c, EPOLL_CTL_ADD, fd, EPOLLIN | EPOLLOUT |
		  EPOLLRDHUP | EPOLLET, conn->idx) < 0) {
		script_close(fd);
		return -1;
	}
	c->free_head = conn->next;
	conn->fd = fd;
	conn->phase = HTTPD_READ;
	conn->proto = proto;
	conn->file_fd = -1;
	conn->flags = 0;
	conn->in_len = 0;
	conn->scanned = 0;
	conn->req_len = 0;
	conn->deadline = c->now + c->timeout_ms;
	dl_append(c, conn);
	c->nconns++;
	return 0;
}

/*
 * The listening socket is readable: accept a batch of connections into
 * free slots.  With the table full, a connection gets a 503 and is closed
 * at once.  Out of descriptors, accepting pauses for ACCEPT_PAUSE_MS, as
 * the level-triggered listening socket would otherwise wake the worker
 * again and again.
 */
static noinline void do_accept(struct httpd_ctl *c)
{
	long fd, i;

	for (i = 0; i < ACCEPT_BATCH; i++) {
		fd = script_accept4(c->listen_fd, 0, 0, c->accept_flags);
		if (fd == -EAGAIN)
			return;
		if (fd == -ECONNABORTED || fd == -EINTR)
			continue;
		if (fd < 0) {
			c->accept_errors++;
			if (fd == -EMFILE || fd == -ENFILE ||
			    fd == -ENOBUFS || fd == -ENOMEM) {
				watch(c, EPOLL_CTL_DEL, c->listen_fd, 0, 0);
				c->accept_resume = c->now + ACCEPT_PAUSE_MS;
			}
			return;
		}
		adopt(c, fd, HTTPD_PROTO_HTTP1);
	}
}

/*
 * ---- the TLS port's connections
 *
 * The launcher accepts them, does the handshake in user space, turns on
 * kernel TLS for both directions and writes a struct httpd_handoff to
 * this worker's handoff pipe (level-triggered in the epoll set).  The
 * descriptor is then the script's like one it accepted: it reads and
 * writes plain text, kernel TLS encrypting what send and move (sendfile)
 * write and decrypting what read gives.  A record that is no application
 * data (an alert such as close_notify, a KeyUpdate or another
 * post-handshake message) makes read fail with EIO, every time, as the
 * record stays at the head of the queue: the script closes the
 * connection, as after any failed read.
 */
static noinline void do_handoff(struct httpd_ctl *c)
{
	struct httpd_handoff *h = c->handoffs;
	long n, i;

	n = script_read(c->handoff_fd, h, sizeof(c->handoffs));
	if (n <= 0)
		return;
	n /= sizeof(*h);
	for (i = 0; i < n; i++) {
		c->adopted++;
		adopt(c, FD(h[i].fd), h[i].proto);
	}
}

/* ---- requests */

/*
 * conn_tokens() - the options of a Connection field value, the @len bytes
 * at @v: bit 0 for "close", bit 1 for "keep-alive", in any case.
 */
static noinline long conn_tokens(const char *v, long len)
{
	long t = 0, te, a, b, k, ret = 0;

	while (t < len) {
		k = script_memchr(v + t, ',', len - t);
		te = k < 0 ? len : t + k;
		a = t;
		b = te;
		while (a < b && is_ows(v[a]))
			a++;
		while (b > a && is_ows(v[b - 1]))
			b--;
		if (b - a == 5 && ci_eq(v + a, "close", 5))
			ret |= 1;
		else if (b - a == 10 && ci_eq(v + a, "keep-alive", 10))
			ret |= 2;
		t = te + 1;
	}
	return ret;
}

/* Whether @ch may be in a method (a token, RFC 9110 5.6.2). */
static inline int is_tchar(char ch)
{
	if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9'))
		return 1;
	switch (ch) {
	case '!': case '#': case '$': case '%': case '&': case '\'':
	case '*': case '+': case '-': case '.': case '^': case '_':
	case '`': case '|': case '~':
		return 1;
	}
	return 0;
}

/*
 * absolute_form() - cut the target @t, which @r locates, from
 * absolute-form ("http://host/path?query", RFC 9112 3.2.2) to the path
 * and query that follow the authority, which serve() then takes as an
 * origin-form target.  The scheme is "http" or "https" in any case; the
 * authority, up to the first '/', '?' or '#', must have a host and no
 * userinfo (RFC 9110 4.2.1, 4.2.4).  Without a path it is "/": the
 * second '/' of "//".  ".." is no concern here: openat2() with
 * RESOLVE_BENEATH keeps the path beneath the docroot, whatever its text.
 *
 * Return: 0, or 400 for a target that is not absolute-form (authority-
 * form, "*", another scheme).
 */
static noinline long absolute_form(const char *t, struct req *r)
{
	long len = r->t_len, a, i;

	if (len >= 7 && ci_eq(t, "http://", 7))
		a = 7;
	else if (len >= 8 && ci_eq(t, "https://", 8))
		a = 8;
	else
		return 400;
	for (i = a; i < len; i++) {
		if (t[i] == '/' || t[i] == '?' || t[i] == '#')
			break;
		if (t[i] == '@')
			return 400;
	}
	if (i == a)
		return 400;
	if (i < len && t[i] == '/') {
		r->t_off += i;
		r->t_len = len - i;
	} else {
		r->t_off += a - 1;
		r->t_len = 1;
	}
	return 0;
}

/*
 * is_head() - whether the method of the request at @buf, @len bytes, is
 * HEAD: "HEAD" then the SP that ends the method token.  The first thing
 * known about a request, so that no response to HEAD has a body (RFC 9110
 * 9.3.2) whatever else is wrong with it, and whichever stage finds it.
 */
static inline long is_head(const char *buf, long len)
{
	/* The buffer is aligned: one load. */
	return len > 4 && *(const __u32 *)buf == WORD4('H', 'E', 'A', 'D') &&
	       buf[4] == ' ';
}

/*
 * method_status() - the status for the method, the @sp1 bytes at @buf,
 * other than GET: 0 for HEAD (which parse_request() found first), 405
 * for a known method not served, 501 for another token, 400 for no token.
 */
static noinline long method_status(const char *buf, long sp1)
{
	__u64 key = 0;
	long i;

	if (sp1 <= 7)
		for (i = 0; i < sp1; i++)
			key = key << 8 | (__u8)buf[i];
	switch (key) {
	case M3('G', 'E', 'T'):
		return 0;
	case M4('H', 'E', 'A', 'D'):
		return 0;
	case M4('P', 'O', 'S', 'T'):
	case M3('P', 'U', 'T'):
	case M6('D', 'E', 'L', 'E', 'T', 'E'):
	case M5('P', 'A', 'T', 'C', 'H'):
	case M7('O', 'P', 'T', 'I', 'O', 'N', 'S'):
	case M7('C', 'O', 'N', 'N', 'E', 'C', 'T'):
	case M5('T', 'R', 'A', 'C', 'E'):
		return 405;
	}
	for (i = 0; i < sp1; i++)
		if (!is_tchar(buf[i]))
			return 400;
	return 501;
}

/*
 * What parse_request() finds: "Connection: close", "Connection:
 * keep-alive", a body, HTTP/1.1, and the Host fields, counted from bit 4.
 */
#define SEEN_CLOSE	1
#define SEEN_KEEP	2
#define SEEN_BODY	4
#define SEEN_V11	8
#define SEEN_HOST	16

/*
 * version_status() - the status for a version, the 8 bytes at @ver,
 * other than HTTP/1.0 and HTTP/1.1: 505 for another HTTP/x.y, 400 for
 * anything else.
 */
static noinline long version_status(const char *ver)
{
	char ch;

	if (script_memcmp(ver, "HTTP/", 5) || ver[5] < '0' || ver[5] > '9' ||
	    ver[6] != '.')
		return 400;
	ch = ver[7];
	return ch < '0' || ch > '9' ? 400 : 505;
}

/*
 * parse_request() - check the request header, the first @conn->req_len
 * bytes of its buffer, which conn_read() split into @c->split and
 * @c->fields (or found malformed, @c->split_ret), and fill @r.
 *
 * Return: 0 for a GET or HEAD (of a target serve() checks), else the
 * status of the error response.  @r->head is valid for every status,
 * @r->keep for 405 and 501 too.
 */
static long parse_request(struct httpd_ctl *c, struct httpd_conn *conn,
			  struct req *r)
{
	const char *buf = (const char *)conn->in;
	struct script_split_header *h = &c->split;
	struct script_field *f = c->fields, *end;
	unsigned long long clen;
	long seen, get, key;
	__u64 ver;

	/* The buffer is aligned: one load tells the common method. */
	get = *(const __u32 *)buf == WORD4('G', 'E', 'T', ' ');
	/* Before any error: a response to HEAD has no body. */
	if (!get)
		r->head = is_head(buf, conn->req_len);
	/*
	 * Malformed (a NUL or another control byte, a bare CR or LF, a
	 * request line without method, target and version, a field line
	 * without a name and a ':', obsolete folding), or more fields of
	 * the four than c->fields holds.
	 */
	if (c->split_ret < 0)
		return 400;
	/* One load, unaligned, tells HTTP/1.1 and HTTP/1.0. */
	if (h->start[2].len != 8)
		return 400;
	ver = *(const __u64 *)(buf + h->start[2].off);
	if (ver == WORD8('H', 'T', 'T', 'P', '/', '1', '.', '1'))
		seen = SEEN_V11;
	else if (ver == WORD8('H', 'T', 'T', 'P', '/', '1', '.', '0'))
		seen = 0;
	else
		return version_status(buf + h->start[2].off);
	r->t_off = h->start[1].off;
	r->t_len = h->start[1].len;

	/* Only the four fields of field_names are there, by key. */
	for (end = f + h->nr_fields; f < end; f++) {
		key = f->key;
		if (key == KEY_HOST) {
			seen += SEEN_HOST;
		} else if (key == KEY_CONNECTION) {
			seen |= conn_tokens(buf + f->value.off, f->value.len);
		} else if (key == KEY_CONTENT_LENGTH) {
			if (script_parse_u64(buf + f->value.off, f->value.len,
					     &clen, 10) != f->value.len ||
			    !f->value.len)
				return 400;
			if (clen)
				seen |= SEEN_BODY;
		} else {
			seen |= SEEN_BODY;
		}
	}
	if (seen & SEEN_V11) {
		if ((seen & ~(SEEN_HOST - 1)) != SEEN_HOST)
			return 400;
		if (!(seen & (SEEN_BODY | SEEN_CLOSE)))
			r->keep = 1;
	} else if ((seen & (SEEN_BODY | SEEN_CLOSE | SEEN_KEEP)) == SEEN_KEEP) {
		r->keep = 1;
	}

	/* serve() checks the target's form */
	if (get)
		return 0;
	return method_status(buf, h->start[0].len);
}

/* The status for openat2()'s error @err. */
static long open_status(long err)
{
	switch (err) {
	case -ENOENT:
	case -ENOTDIR:
		return 404;
	case -EACCES:
	case -EPERM:
	case -EXDEV:
	case -ELOOP:
	case -ENXIO:
	case -ENODEV:
		return 403;
	case -ENAMETOOLONG:
		return 414;
	case -EMFILE:
	case -ENFILE:
	case -ENOMEM:
		return 503;
	}
	return 500;
}

/* An extension of 2, 3 or 4 letters as mime_of() keys it: see there */
#define EXT2(a, b)		WORD4(0, '.', a, b)
#define EXT3(a, b, c)		WORD4('.', a, b, c)
#define EXT4(a, b, c, d)	WORD4(a, b, c, d)

/*
 * The Content-Type of the file named by the @len bytes at @p, by its
 * extension: what follows the last '.', 2 to 4 letters in any case, the
 * '.' not the name's first byte.  One load of the last 4 bytes, unaligned,
 * with every letter made lower case by setting its 0x20 bit (which makes
 * a letter of no other byte): the '.' among them tells how long the
 * extension is, and the key is those bytes with the '.' (for 4 letters,
 * after a '.' before them); a key that matches has only letters after its
 * '.': there is no nearer '.' and no '/'.
 */
static const struct mime *mime_of(const char *p, long len)
{
	const char *e = p + len;
	__u32 w, key;

	if (len < 4)
		return &mime_default;
	w = *(const __u32 *)(e - 4) | WORD4(0x20, 0x20, 0x20, 0x20);
	if ((w & WORD4(0, 0xff, 0, 0)) == WORD4(0, '.', 0, 0))
		key = w & WORD4(0, 0xff, 0xff, 0xff);
	else if ((w & WORD4(0xff, 0, 0, 0)) == WORD4('.', 0, 0, 0) && len >= 5)
		key = w;
	else if (len >= 6 && e[-5] == '.')
		key = w;
	else
		return &mime_default;
	switch (key) {
	case EXT4('h', 't', 'm', 'l'):
	case EXT3('h', 't', 'm'):
		return &mime_html;
	case EXT3('c', 's', 's'):
		return &mime_css;
	case EXT2('j', 's'):
	case EXT3('m', 'j', 's'):
		return &mime_js;
	case EXT3('p', 'n', 'g'):
		return &mime_png;
	case EXT3('j', 'p', 'g'):
	case EXT4('j', 'p', 'e', 'g'):
		return &mime_jpeg;
	case EXT3('s', 'v', 'g'):
		return &mime_svg;
	case EXT3('i', 'c', 'o'):
		return &mime_ico;
	case EXT4('j', 's', 'o', 'n'):
		return &mime_json;
	case EXT3('t', 'x', 't'):
		return &mime_txt;
	case EXT3('g', 'i', 'f'):
		return &mime_gif;
	case EXT4('w', 'e', 'b', 'p'):
		return &mime_webp;
	case EXT4('w', 'a', 's', 'm'):
		return &mime_wasm;
	case EXT3('p', 'd', 'f'):
		return &mime_pdf;
	case EXT2('m', 'd'):
		return &mime_md;
	case EXT3('x', 'm', 'l'):
		return &mime_xml;
	case EXT2('g', 'z'):
		return &mime_gz;
	case EXT3('t', 'a', 'r'):
		return &mime_tar;
	case EXT3('z', 'i', 'p'):
		return &mime_zip;
	}
	return &mime_default;
}

/*
 * decode_path() - percent-decode the @tlen bytes at @t into @path, a run
 * of plain bytes at a time.  Return: the decoded length, or -1 for a bad
 * escape or %00.
 */
static noinline long decode_path(char *path, const char *t, long tlen)
{
	long k, o = 0, pos = 0;
	int hi, lo;

	while (pos < tlen) {
		k = script_memchr(t + pos, '%', tlen - pos);
		if (k < 0)
			k = tlen - pos;
		if (k) {
			script_memcpy(path + o, t + pos, k);
			o += k;
			pos += k;
		}
		if (pos >= tlen)
			break;
		if (tlen - pos < 3)
			return -1;
		hi = hex_val(t[pos + 1]);
		lo = hex_val(t[pos + 2]);
		if (hi < 0 || lo < 0 || !(hi | lo))
			return -1;
		path[o++] = hi << 4 | lo;
		pos += 3;
	}
	return o;
}

/**
 * struct target - the file open_target() opened
 * @path: its path beneath the docroot, NUL-terminated
 * @plen: the length of @path
 * @tlen: the length of the target's path, without query or fragment
 * @fd: the file, open
 * @size: its size
 */
struct target {
	const char	*path;
	long		plen;
	long		tlen;
	long		fd;
	__s64		size;
};

/*
 * open_target() - open the regular file that the origin-form target @t,
 * @tlen bytes from its '/', names beneath the docroot, for HTTP/1.1 and
 * HTTP/2 alike.  @t is written to: a NUL after the path.
 *
 * Return: 0 with @tg filled, or the status of the error response
 * (@tg->tlen is set for a 301's Location either way).
 */
static noinline long open_target(struct httpd_ctl *c, const char *t, long tlen,
				 struct target *tg)
{
	long k, o, s, fd, index = 0;
	__u32 mode;
	char *path;

	/*
	 * The path: no query, no fragment.  Without a '%' it is the target
	 * itself: its NUL goes in the request's buffer, over the byte after
	 * it (' ', '?' or '#'), which nothing reads again.  One op finds
	 * the first of the three.
	 */
	tg->tlen = tlen;
	path = (char *)t;
	k = script_memcspn(t, tlen, "?#%", 3);
	o = k;
	if (k < tlen && t[k] == '%') {
		tlen = k + script_memcspn(t + k, tlen - k, "?#", 2);
		path = c->path;
		o = decode_path(path, t, tlen);
		if (o < 0)
			return 400;
	} else {
		tlen = k;
	}
	tg->tlen = tlen;
	if (o > HTTPD_PATH_MAX - 16)
		return 414;
	/*
	 * Relative to the docroot: "//etc/passwd" is "etc/passwd" there.
	 * The path starts with the target's '/'; the common one has no
	 * second and does not end with one.
	 */
	s = 1;
	if (o > 1 && path[1] != '/' && path[o - 1] != '/') {
		path[o] = 0;
	} else {
		for (; s < o && path[s] == '/'; s++)
			;
		if (s == o || path[o - 1] == '/') {
			if (path != c->path) {
				script_memcpy(c->path, path, o);
				path = c->path;
			}
			script_memcpy(path + o, "index.html", 11);
			o += 10;
			index = 1;
		} else {
			path[o] = 0;
		}
	}

	fd = script_openat2(c->root_fd, path + s, &c->how, sizeof(c->how));
	if (fd < 0)
		return open_status(fd);
	if (script_fstat(fd, c->st) < 0) {
		script_close(fd);
		return 500;
	}
	mode = *(__u32 *)(c->st + c->st_mode_off) & S_IFMT;
	if (mode != S_IFREG) {
		script_close(fd);
		if (mode != S_IFDIR || index)
			return 403;
		return tlen > HTTPD_LOCATION_MAX ? 414 : 301;
	}
	tg->path = path + s;
	tg->plen = o - s;
	tg->fd = fd;
	tg->size = *(__s64 *)(c->st + c->st_size_off);
	return 0;
}

/*
 * serve() - open the file @r names beneath the docroot and put the
 * header of its 200 response in @conn's out buffer.  The target is
 * origin-form, or absolute-form that absolute_form() cuts to its path;
 * any other is 400.  The check is one branch on the first byte, the
 * common origin-form target's '/'.
 *
 * Return: 0, with @conn->file_fd, @file_off and @remaining set for the
 * body; or the status of the error response.
 */
static noinline long serve(struct httpd_ctl *c, struct httpd_conn *conn,
			   struct req *r)
{
	const char *t = (const char *)conn->in + r->t_off;
	char *out = (char *)conn->out;
	long k, fd, h;
	const struct mime *m;
	struct target tg;
	__u64 v[3];
	__s64 size;

	if (*t != '/') {
		k = absolute_form(t, r);
		if (k)
			return k;
		t = (const char *)conn->in + r->t_off;
	}
	k = open_target(c, t, r->t_len, &tg);
	r->t_len = tg.tlen;
	if (k)
		return k;
	fd = tg.fd;
	size = tg.size;
	m = mime_of(tg.path, tg.plen);

	/* The whole header in one op */
	v[0] = size;
	v[1] = (__u64)m->type;
	v[2] = m->len;
	if (r->keep)
		h = script_format(out, HTTPD_HEAD_MAX, head_200_keep,
				  sizeof(head_200_keep) - 1, v);
	else
		h = script_format(out, HTTPD_HEAD_MAX, head_200_close,
				  sizeof(head_200_close) - 1, v);
	if (h < 0) {
		script_close(fd);
		return 500;
	}
	conn->status = 200;
	conn->remaining = 0;
	if (r->head || !size) {
		script_close(fd);
	} else if (size <= HTTPD_SMALL_MAX &&
		   script_read(fd, out + h, size) == size) {
		/* A small file goes whole, after the header, in one send. */
		script_close(fd);
		h += size;
	} else {
		conn->file_fd = fd;
		conn->file_off = 0;
		conn->remaining = size;
	}
	conn->out_len = h;
	return 0;
}

/*
 * respond_error() - put the response of @status, header and short HTML
 * body (none for HEAD), in @conn's out buffer.  The connection stays open
 * after it only for 301, 403, 404 and 405 to a request that allows it.
 */
static noinline void respond_error(struct httpd_conn *conn, long status,
				   struct req *r)
{
	char *out = (char *)conn->out;
	const char *rs = "500 Internal Server Error";
	long o = 0, rl = 25, keep = 0;
	unsigned int k;

	for (k = 0; k < ARRAY_SIZE(reasons); k++)
		if (reasons[k].status == status) {
			rs = reasons[k].text;
			rl = reasons[k].len;
			break;
		}
	if (status == 301 || status == 403 || status == 404 || status == 405)
		keep = r->keep;

	OUTS(out, o, "HTTP/1.1 ");
	OUT(out, o, rs, rl);
	OUTS(out, o, "\r\nServer: script(2)\r\nContent-Length: ");
	o += script_format_u64(out + o, 24, sizeof(BODY1 BODY2 BODY3) - 1 +
			       2 * rl, 10);
	OUTS(out, o, "\r\nContent-Type: text/html; charset=utf-8\r\n");
	if (status == 405)
		OUTS(out, o, "Allow: GET, HEAD\r\n");
	if (status == 301) {
		OUTS(out, o, "Location: ");
		OUT(out, o, (const char *)conn->in + r->t_off, r->t_len);
		OUTS(out, o, "/\r\n");
	}
	if (keep)
		OUTS(out, o, "Connection: keep-alive\r\n\r\n");
	else
		OUTS(out, o, "Connection: close\r\n\r\n");
	if (!r->head) {
		OUTS(out, o, BODY1);
		OUT(out, o, rs, rl);
		OUTS(out, o, BODY2);
		OUT(out, o, rs, rl);
		OUTS(out, o, BODY3);
	}
	conn->out_len = o;
	conn->status = status;
	conn->remaining = 0;
	if (keep)
		conn->flags |= HTTPD_CF_KEEPALIVE;
}

#include "h2.bpf.h"

/*
 * Starts sending the response now in @conn's out buffer.  Its deadline
 * is for conn_run() to set: all its deadlines in a run are the same.
 */
static void start_response(struct httpd_conn *conn)
{
	conn->phase = HTTPD_HEAD;
	conn->out_sent = 0;
}

/*
 * The first @conn->req_len bytes of @conn's buffer are a request header:
 * answer it.
 */
static void process_request(struct httpd_ctl *c, struct httpd_conn *conn)
{
	struct req r = { };
	long status;

	/* The HTTP/2 preface (h2.bpf.h): one load tells it is not */
	if (*(const __u32 *)conn->in == WORD4('P', 'R', 'I', ' ') &&
	    conn->req_len == sizeof(h2_preface) - 1 &&
	    !script_memcmp((const char *)conn->in, h2_preface,
			   sizeof(h2_preface) - 1)) {
		h2_start(c, conn);
		return;
	}
	c->requests++;
	conn->flags &= ~HTTPD_CF_KEEPALIVE;
	status = parse_request(c, conn, &r);
	if (!status)
		status = serve(c, conn, &r);
	if (status)
		respond_error(conn, status, &r);
	else if (r.keep)
		conn->flags |= HTTPD_CF_KEEPALIVE;
	start_response(conn);
}

/*
 * An error without a request to answer (431, 408): answer it, then close,
 * taking what the buffer holds as the request, and as a HEAD when it
 * starts as one.
 */
static noinline void fail_request(struct httpd_ctl *c, struct httpd_conn *conn,
				  long status)
{
	struct req r = { };

	c->requests++;
	conn->flags &= ~HTTPD_CF_KEEPALIVE;
	conn->req_len = conn->in_len;
	r.head = is_head((const char *)conn->in, conn->in_len);
	respond_error(conn, status, &r);
	start_response(conn);
	conn_touch(c, conn);
}

/* ---- the phases of a connection */

/*
 * HTTPD_READ: read until a whole request header is in the buffer.
 * Return: 1 when it is (or when the buffer filled without one, and the
 * phase is a 431's), 0 to wait for input, -1 to close the connection.
 */
static long conn_read(struct httpd_ctl *c, struct httpd_conn *conn)
{
	char *in = (char *)conn->in;
	long n, i, room, len = conn->in_len, started = 0;

	for (;;) {
		if (len > conn->scanned) {
			/*
			 * One op: whether the header is whole, and if so its
			 * request line and the fields parse_request() needs,
			 * or that it is malformed.
			 */
			i = script_split_header(in, len, &c->split);
			if (i != -EAGAIN) {
				c->split_ret = i;
				conn->req_len = i > 0 ? i : len;
				return 1;
			}
			conn->scanned = len;
		}
		room = HTTPD_IN_SIZE - len;
		if (!room) {
			fail_request(c, conn, 431);
			return 1;
		}
		if (!(conn->flags & HTTPD_CF_READABLE))
			break;
		n = script_read(FD(conn->fd), in + len, room);
		if (n == -EAGAIN) {
			conn->flags &= ~HTTPD_CF_READABLE;
			break;
		}
		if (n <= 0)
			return -1;
		/*
		 * Short: drained, and data that comes later makes a new
		 * edge; unless the peer shut down, when the next read gives
		 * the end of file with no edge.
		 */
		if (n < room && !(conn->flags & HTTPD_CF_HUP))
			conn->flags &= ~HTTPD_CF_READABLE;
		if (!len)
			started = 1;
		len += n;
		conn->in_len = len;
	}
	/*
	 * The request's time starts with its first byte (a whole request
	 * has the deadline of its response, which conn_run() sets).
	 */
	if (started)
		conn_touch(c, conn);
	return 0;
}

/*
 * HTTPD_HEAD: send the rest of the out buffer, with MSG_MORE when a body
 * follows.  Return: 1 when it has gone, 0 to wait for room, -1 to close.
 */
static long send_head(struct httpd_ctl *c, struct httpd_conn *conn)
{
	long n, left, flags = c->send_flags, progress = 0;

	if (conn->remaining)
		flags |= c->more_flag;
	for (;;) {
		left = conn->out_len - conn->out_sent;
		n = script_send(FD(conn->fd), (char *)conn->out + conn->out_sent,
				left, flags);
		if (n == -EAGAIN)
			break;
		if (n < 0)
			return -1;
		c->bytes += n;
		conn->out_sent += n;
		progress = 1;
		if (n == left) {
			conn->phase = conn->remaining ? HTTPD_BODY : HTTPD_DONE;
			return 1;
		}
	}
	if (progress)
		conn_touch(c, conn);
	return 0;
}

/*
 * HTTPD_BODY: move the rest of the file to the socket, never waiting.
 * Return: 1 when all of it has gone, 0 to wait for room, -1 to close
 * (an error, or a file that shrank: its end came before Content-Length).
 */
static long send_body(struct httpd_ctl *c, struct httpd_conn *conn)
{
	long n, progress = 0;
	__u64 chunk;

	for (;;) {
		chunk = conn->remaining;
		if (chunk > MOVE_MAX)
			chunk = MOVE_MAX;
		n = script_move(FD(conn->fd), FD(conn->file_fd), &conn->file_off,
				chunk, 0);
		if (n == -ETIMEDOUT || n == -EAGAIN)
			break;
		if (n <= 0)
			return -1;
		c->bytes += n;
		conn->remaining -= n;
		progress = 1;
		if (!conn->remaining) {
			conn->phase = HTTPD_DONE;
			return 1;
		}
		/* Short: the socket filled, or a signal; the next one tells. */
	}
	if (progress)
		conn_touch(c, conn);
	return 0;
}

/* The server is done with @conn: shut down its side and drain the rest. */
static void start_linger(struct httpd_ctl *c, struct httpd_conn *conn)
{
	script_shutdown(conn->fd, SHUT_WR);
	conn->phase = HTTPD_LINGER;
	conn->flags |= HTTPD_CF_READABLE;
	conn_touch(c, conn);
}

/*
 * HTTPD_DONE: the response has gone.  Count it, then either go on with
 * the next request, pipelined ones first, or close.  Return: 1 to go on,
 * 0 to wait for the next request (conn_run() sets its deadline).
 */
static long finish(struct httpd_ctl *c, struct httpd_conn *conn)
{
	__u32 rest, status = conn->status;

	if (conn->file_fd >= 0) {
		script_close(FD(conn->file_fd));
		conn->file_fd = -1;
	}
	if (status == 200)
		c->resp[2]++;
	else if (status / 100 < HTTPD_RESP_CLASSES)
		c->resp[status / 100]++;
	if (!(conn->flags & HTTPD_CF_KEEPALIVE)) {
		start_linger(c, conn);
		return 1;
	}
	/* (fast_get() wants the flags as the read left them) */
	conn->flags &= ~HTTPD_CF_KEEPALIVE;
	rest = conn->in_len - conn->req_len;
	if (rest)
		script_memmove((char *)conn->in,
			       (char *)conn->in + conn->req_len, rest);
	conn->in_len = rest;
	conn->scanned = 0;
	conn->req_len = 0;
	conn->phase = HTTPD_READ;
	/* conn_read() would find nothing to parse and nothing to read */
	return rest || (conn->flags & HTTPD_CF_READABLE);
}

/*
 * HTTPD_LINGER: read and drop what the client sends until it closes.
 * Return: 0 to wait, -1 to close.
 */
static noinline long linger(struct httpd_conn *conn)
{
	long n, i;

	if (!(conn->flags & HTTPD_CF_READABLE))
		return 0;
	for (i = 0; i < LINGER_READS; i++) {
		n = script_read(conn->fd, (char *)conn->in, HTTPD_IN_SIZE);
		if (n == -EAGAIN) {
			conn->flags &= ~HTTPD_CF_READABLE;
			return 0;
		}
		if (n <= 0)
			return -1;
	}
	return -1;
}

/*
 * fast_get() - the common event, input without hangup on an idle
 * keep-alive connection (HTTPD_READ, an empty buffer, no flags), which
 * the event loop hands here rather than to conn_run(): read, and when
 * the request is one whole GET of an origin-form path without '%', '?',
 * '#' or a slash to drop, HTTP/1.1, with a Host and no other field of
 * field_names, of a regular file of 1 to HTTPD_SMALL_MAX bytes, answer
 * it in one straight line: open, fstat, format, read, close, send, and
 * leave the connection as it was, idle.  Anything else goes the general
 * way, from where this left it: after the read, or after the split when
 * process_request() answers it (an open that failed, or a file not to
 * send from here, is simply opened again there).
 *
 * Return: 0 when the connection is done with for now (answered whole,
 * nothing read, or closed), 1 for conn_run() to go on with it.
 */
static noinline long fast_get(struct httpd_ctl *c, struct httpd_conn *conn)
{
	char *in = (char *)conn->in, *t, *out;
	long n, i, tlen, fd, h, len;
	const struct mime *m;
	__u64 v[3];
	__s64 size;

	n = script_read(FD(conn->fd), in, HTTPD_IN_SIZE);
	if (n <= 0) {
		/* -EAGAIN: drained, as the flags say already */
		if (n != -EAGAIN)
			conn_close(c, conn);
		return 0;
	}
	/*
	 * Not short: there may be more, unless the buffer holds a whole
	 * header; short, with no HUP: drained (conn_read()).
	 */
	if (n == HTTPD_IN_SIZE) {
		conn->flags = HTTPD_CF_READABLE;
		conn->in_len = n;
		return 1;
	}
	i = script_split_header(in, n, &c->split);
	if (i == -EAGAIN) {
		conn->in_len = n;
		conn->scanned = n;
		return 1;
	}
	if (i != n) {
		conn->in_len = n;
		c->split_ret = i;
		conn->req_len = i > 0 ? i : n;
		process_request(c, conn);
		return 1;
	}
	/* GET, "/", HTTP/1.1, and only the Host field: keep-alive */
	if (*(const __u32 *)in != WORD4('G', 'E', 'T', ' ') || in[4] != '/' ||
	    c->split.start[2].len != 8 ||
	    *(const __u64 *)(in + c->split.start[2].off) !=
	    WORD8('H', 'T', 'T', 'P', '/', '1', '.', '1') ||
	    c->split.nr_fields != 1 || c->fields[0].key != KEY_HOST)
		goto slow;
	/* The target starts after "GET " (split_header allows no 2 SPs) */
	t = in + 4;
	tlen = c->split.start[1].len;
	if (tlen < 2 || tlen > HTTPD_PATH_MAX - 16 || t[1] == '/' ||
	    t[tlen - 1] == '/' || script_memcspn(t, tlen, "?#%", 3) != tlen)
		goto slow;
	t[tlen] = 0;
	fd = script_openat2(c->root_fd, t + 1, &c->how, sizeof(c->how));
	if (fd < 0)
		goto slow;
	if (script_fstat(fd, c->st) < 0 ||
	    (*(__u32 *)(c->st + c->st_mode_off) & S_IFMT) != S_IFREG)
		goto slow_close;
	size = *(__s64 *)(c->st + c->st_size_off);
	if ((__u64)size - 1 >= HTTPD_SMALL_MAX)
		goto slow_close;
	m = mime_of(t + 1, tlen - 1);
	v[0] = size;
	v[1] = (__u64)m->type;
	v[2] = m->len;
	out = (char *)conn->out;
	h = script_format(out, HTTPD_HEAD_MAX, head_200_keep,
			  sizeof(head_200_keep) - 1, v);
	if (h < 0 || script_read(fd, out + h, size) != size)
		goto slow_close;
	script_close(fd);
	len = h + size;
	n = script_send(FD(conn->fd), out, len, c->send_flags);
	c->requests++;
	conn->deadline = c->now + c->timeout_ms;
	if (n != len) {
		/* The rest goes from HTTPD_HEAD, as any response */
		if (n < 0)
			n = 0;
		c->bytes += n;
		/* (in_len and req_len are still 0: nothing to keep) */
		conn->out_len = len;
		conn->out_sent = n;
		conn->status = 200;
		conn->remaining = 0;
		conn->flags = HTTPD_CF_KEEPALIVE;
		conn->phase = HTTPD_HEAD;
		return 1;
	}
	c->bytes += n;
	c->resp[2]++;
	return 0;

slow_close:
	script_close(fd);
slow:
	/* A whole request, i == n */
	conn->in_len = n;
	c->split_ret = n;
	conn->req_len = n;
	process_request(c, conn);
	return 1;
}

/*
 * Runs @conn's state machine as far as it goes without waiting.  Each
 * phase returns 1 when it moved on, 0 to wait for an event, -1 to close.
 * A response started or finished sets the deadline once, when the run
 * stops to wait: every deadline set in one run is the same, now +
 * timeout_ms.
 */
static noinline void conn_run(struct httpd_ctl *c, struct httpd_conn *conn,
			      long touch)
{
	long n;
	__u32 phase;

	for (;;) {
		phase = conn->phase;
		if (phase == HTTPD_READ) {
			n = conn_read(c, conn);
			if (n <= 0)
				break;
			/* (conn_read() may have answered 431 already) */
			if (conn->phase == HTTPD_READ)
				process_request(c, conn);
			touch = 1;
			/* HTTPD_HEAD, or HTTPD_H2 after the HTTP/2 preface */
			phase = conn->phase;
		}
		if (phase == HTTPD_H2) {
			n = h2_run(c, conn);
			if (n <= 0)
				break;
			continue;
		}
		if (phase == HTTPD_HEAD) {
			n = send_head(c, conn);
			if (n <= 0)
				break;
			phase = conn->phase;
		}
		if (phase == HTTPD_BODY) {
			n = send_body(c, conn);
			if (n <= 0)
				break;
			phase = HTTPD_DONE;
		}
		if (phase == HTTPD_DONE) {
			touch = 1;
			n = finish(c, conn);
			if (!n)
				break;
			continue;
		}
		if (phase != HTTPD_LINGER)
			return;
		n = linger(conn);
		if (n <= 0)
			break;
	}
	if (n < 0)
		conn_close(c, conn);
	else if (touch)
		conn_touch(c, conn);
}

/*
 * Milliseconds epoll_wait() may sleep: until the next deadline, @t from
 * now (-1 for none), or until accepting resumes.
 */
static long wait_ms(struct httpd_ctl *c, long t)
{
	long t2;

	if (c->accept_resume) {
		t2 = c->accept_resume - c->now;
		if (t2 < 0)
			t2 = 0;
		if (t < 0 || t2 < t)
			t = t2;
	}
	return t;
}

/*
 * Deadlines that have passed, from the head of the list: a partial
 * request gets a 408, anything else is closed; a connection whose queued
 * time has come with a later deadline goes to the tail again.  Return:
 * how long epoll_wait() may sleep then, wait_ms().
 */
static noinline long expire(struct httpd_ctl *c)
{
	struct httpd_conn *conn;
	long t = -1;

	while (c->dl_head != HTTPD_NIL) {
		conn = conn_at(c, c->dl_head);
		t = conn->queued - c->now;
		if (t > 0)
			break;
		t = -1;
		if (conn->deadline > c->now) {
			/* Pushed back since it joined: to the tail again */
			dl_unlink(c, conn);
			dl_append(c, conn);
			continue;
		}
		c->timeouts++;
		if (conn->phase == HTTPD_READ && conn->in_len) {
			/* Its deadline moves on: the loop goes on. */
			fail_request(c, conn, 408);
			conn_run(c, conn, 0);
		} else {
			if (conn->phase == HTTPD_H2)
				h2_timeout(c, conn);
			conn_close(c, conn);
		}
	}
	return wait_ms(c, t);
}

long httpd_worker(struct httpd_ctl *c)
{
	struct httpd_conn *conn;
	long ret, n, i, tmo = -1;
	__u32 mask, data;
	__u8 *ev, *end;

	for (i = 0; i < c->max_conns; i++) {
		conn = conn_at(c, i);
		conn->fd = -1;
		conn->file_fd = -1;
		conn->phase = HTTPD_FREE;
		conn->idx = i;
		conn->next = i + 1 < c->max_conns ? i + 1 : HTTPD_NIL;
	}
	c->split.fields = (__u64)c->fields;
	c->split.max_fields = HTTPD_FIELDS_MAX;
	c->split.names = (__u64)field_names;
	c->split.names_len = sizeof(field_names);
	c->split.flags = SCRIPT_SPLIT_NAMED;
	c->free_head = 0;
	c->dl_head = HTTPD_NIL;
	c->dl_tail = HTTPD_NIL;
	c->nconns = 0;
	c->accept_resume = 0;
	c->now = now_ms();

	ret = script_epoll_create1(c->epoll_flags);
	c->epfd = ret;
	if (ret < 0)
		return ret;
	ret = watch(c, EPOLL_CTL_ADD, c->listen_fd, EPOLLIN | EPOLLEXCLUSIVE,
		    HTTPD_TAG_LISTEN);
	if (ret >= 0)
		ret = watch(c, EPOLL_CTL_ADD, c->stop_fd, EPOLLIN,
			    HTTPD_TAG_STOP);
	if (ret >= 0 && c->handoff_fd >= 0)
		ret = watch(c, EPOLL_CTL_ADD, c->handoff_fd, EPOLLIN,
			    HTTPD_TAG_HANDOFF);

	while (ret >= 0) {
		n = script_epoll_wait(c->epfd, c->events, HTTPD_MAX_EVENTS,
				      tmo);
		if (n < 0) {
			if (n != -EINTR)
				ret = n;
			continue;
		}
		c->wakeups++;
		c->now = now_ms();
		ev = c->events;
		end = ev + n * c->ev_size;
		for (; ev < end; ev += c->ev_size) {
			mask = *(__u32 *)ev;
			data = *(__u32 *)(ev + c->ev_data_off);
			if (data >= c->max_conns) {
				if (data == HTTPD_TAG_STOP)
					goto stop;
				if (data == HTTPD_TAG_LISTEN)
					do_accept(c);
				else if (data == HTTPD_TAG_HANDOFF)
					do_handoff(c);
				continue;
			}
			conn = conn_at(c, data);
			/*
			 * The common event: input, no hangup, on an idle
			 * keep-alive connection (not one closed earlier in
			 * this batch: that is HTTPD_FREE), with no flags.
			 */
			if ((mask & (EPOLLIN | EPOLLRDHUP | EPOLLHUP |
				     EPOLLERR)) == EPOLLIN &&
			    conn->phase == HTTPD_READ && !conn->in_len &&
			    !conn->flags) {
				if (fast_get(c, conn))
					conn_run(c, conn, 1);
				continue;
			}
			/* Closed earlier in this batch */
			if (conn->fd < 0)
				continue;
			if (mask & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
				conn->flags |= HTTPD_CF_READABLE;
			if (mask & (EPOLLRDHUP | EPOLLHUP | EPOLLERR))
				conn->flags |= HTTPD_CF_HUP;
			conn_run(c, conn, 0);
		}
		/* expire() when the first deadline has passed */
		tmo = -1;
		if (c->dl_head != HTTPD_NIL)
			tmo = conn_at(c, c->dl_head)->queued - c->now;
		if (tmo <= 0 || c->accept_resume)
			tmo = expire(c);
		if (c->accept_resume && c->now >= c->accept_resume) {
			c->accept_resume = 0;
			ret = watch(c, EPOLL_CTL_ADD, c->listen_fd,
				    EPOLLIN | EPOLLEXCLUSIVE, HTTPD_TAG_LISTEN);
			tmo = expire(c);
		}
	}

stop:
	for (i = 0; i < c->max_conns; i++) {
		conn = conn_at(c, i);
		if (conn->fd < 0)
			continue;
		if (conn->phase == HTTPD_H2)
			h2_release(c, conn);
		if (conn->file_fd >= 0)
			script_close(conn->file_fd);
		script_close(conn->fd);
	}
	script_close(c->epfd);
	return ret < 0 ? ret : 0;
}
