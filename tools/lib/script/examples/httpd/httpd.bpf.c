// SPDX-License-Identifier: GPL-2.0
/*
 * httpd.bpf.c: a static-content HTTP/1.1 server whose whole event loop is
 * one script(2) call.  Each worker thread of httpd.c runs httpd_worker()
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
 *    timeout_ms" with the same timeout_ms, so a connection whose deadline
 *    is set or pushed back goes to the tail of a doubly linked list that
 *    stays sorted: the head is always the next to expire.  Expiry costs
 *    O(1) per wakeup plus O(1) per expired connection, and epoll_wait()
 *    sleeps until the head's deadline.  A request header has timeout_ms
 *    from its first byte (else 408 and close), an idle keep-alive
 *    connection timeout_ms from its last response (else a silent close),
 *    a response timeout_ms from its last progress (a slow reader, else
 *    closed), and a closing connection lingers at most timeout_ms.
 *
 *  - Requests: the header is complete at "\r\n\r\n", searched with the
 *    memmem op over the new bytes and the 3 before them; lines and fields
 *    are found with memchr.  GET and HEAD are served; other known methods
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
 *  - Responses: the header is built in the connection's out buffer (the
 *    MIME type by extension from a const table) and sent with MSG_MORE
 *    when a body follows, so that a small file leaves in one segment with
 *    it; the body goes with the move op (sendfile) with timeout 0 on the
 *    non-blocking socket: when the socket is full the op returns what it
 *    moved (or -ETIMEDOUT) and the connection waits for EPOLLOUT.
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
 * struct mime - a Content-Type by file name extension
 * @key: the extension, lower case, its bytes as a big-endian number
 *	(M3('c', 's', 's')): no extension here is longer than 4 letters
 * @line_len: the length of @line
 * @line: the header line, with the CRLF before and after it
 */
struct mime {
	__u32		key;
	__u32		line_len;
	const char	*line;
};

#define CT_LINE(t)	"\r\nContent-Type: " t "\r\n"
#define MIME_LINE(k, l)	{ k, sizeof(l) - 1, l }
#define MIME(k, t)	MIME_LINE(k, CT_LINE(t))
#define UTF8		"; charset=utf-8"

/* The most common first: the lookup is a linear search. */
static const struct mime mime_types[] = {
	MIME(M4('h', 't', 'm', 'l'), "text/html" UTF8),
	MIME(M3('c', 's', 's'), "text/css" UTF8),
	MIME(M2('j', 's'), "text/javascript" UTF8),
	MIME(M3('p', 'n', 'g'), "image/png"),
	MIME(M3('j', 'p', 'g'), "image/jpeg"),
	MIME(M3('s', 'v', 'g'), "image/svg+xml"),
	MIME(M3('i', 'c', 'o'), "image/vnd.microsoft.icon"),
	MIME(M4('j', 's', 'o', 'n'), "application/json"),
	MIME(M3('t', 'x', 't'), "text/plain" UTF8),
	MIME(M3('g', 'i', 'f'), "image/gif"),
	MIME(M4('w', 'e', 'b', 'p'), "image/webp"),
	MIME(M4('j', 'p', 'e', 'g'), "image/jpeg"),
	MIME(M3('h', 't', 'm'), "text/html" UTF8),
	MIME(M3('m', 'j', 's'), "text/javascript" UTF8),
	MIME(M4('w', 'a', 's', 'm'), "application/wasm"),
	MIME(M3('p', 'd', 'f'), "application/pdf"),
	MIME(M2('m', 'd'), "text/markdown" UTF8),
	MIME(M3('x', 'm', 'l'), "application/xml"),
	MIME(M2('g', 'z'), "application/gzip"),
	MIME(M3('t', 'a', 'r'), "application/x-tar"),
	MIME(M3('z', 'i', 'p'), "application/zip"),
	MIME(M3('b', 'i', 'n'), "application/octet-stream"),
};

static const struct mime mime_default = MIME(0, "application/octet-stream");

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
 * the case of ASCII letters in @s.
 */
static noinline long ci_eq(const char *s, const char *lit, long n)
{
	long i;
	char ch;

	for (i = 0; i < n; i++) {
		ch = s[i];
		if (ch >= 'A' && ch <= 'Z')
			ch |= 0x20;
		if (ch != lit[i])
			return 0;
	}
	return 1;
}

/* ---- the deadline list: sorted, since every deadline is now + timeout */

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

	conn->prev = tail;
	conn->next = HTTPD_NIL;
	if (tail == HTTPD_NIL)
		c->dl_head = conn->idx;
	else
		conn_at(c, tail)->next = conn->idx;
	c->dl_tail = conn->idx;
}

/* Sets @conn's deadline to timeout_ms from now: it becomes the list's tail. */
static noinline void conn_touch(struct httpd_ctl *c, struct httpd_conn *conn)
{
	conn->deadline = c->now + c->timeout_ms;
	if (c->dl_tail == conn->idx)
		return;
	dl_unlink(c, conn);
	dl_append(c, conn);
}

/* Closes @conn and its file and frees its slot. */
static noinline void conn_close(struct httpd_ctl *c, struct httpd_conn *conn)
{
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
 * The listening socket is readable: accept a batch of connections into
 * free slots.  With the table full, a connection gets a 503 and is closed
 * at once.  Out of descriptors, accepting pauses for ACCEPT_PAUSE_MS, as
 * the level-triggered listening socket would otherwise wake the worker
 * again and again.
 */
static noinline void do_accept(struct httpd_ctl *c)
{
	struct httpd_conn *conn;
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
		c->accepted++;
		if (c->free_head == HTTPD_NIL) {
			/* resp_503 says "Content-Length: 88" */
			BUILD_BUG_ON(sizeof(BODY503) - 1 != 88);
			if (script_send(fd, resp_503, sizeof(resp_503) - 1,
					c->send_flags) > 0)
				c->resp[5]++;
			script_close(fd);
			c->rejected++;
			continue;
		}
		conn = conn_at(c, c->free_head);
		if (watch(c, EPOLL_CTL_ADD, fd, EPOLLIN | EPOLLOUT |
			  EPOLLRDHUP | EPOLLET, conn->idx) < 0) {
			script_close(fd);
			continue;
		}
		c->free_head = conn->next;
		conn->fd = fd;
		conn->phase = HTTPD_READ;
		conn->file_fd = -1;
		conn->flags = 0;
		conn->in_len = 0;
		conn->scanned = 0;
		conn->req_len = 0;
		conn->deadline = c->now + c->timeout_ms;
		dl_append(c, conn);
		c->nconns++;
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
 * parse_request() - check the request header, the first @conn->req_len
 * bytes of its buffer, and fill @r.
 *
 * Return: 0 for a GET or HEAD (of a target serve() checks), else the
 * status of the error response.  @r->keep and @r->head are valid for 405
 * and 501 too.
 */
static noinline long parse_request(struct httpd_conn *conn, struct req *r)
{
	const char *buf = (const char *)conn->in;
	long len = conn->req_len, le, sp1, sp2, p, end, n, colon, v, ve;
	long version, hosts = 0, tokens = 0, body = 0, method, i;
	unsigned long long clen;
	__u64 key = 0;

	/* A NUL anywhere is no HTTP, and would cut the path short. */
	if (script_memchr(buf, 0, len) >= 0)
		return 400;
	/* method SP request-target SP HTTP-version CRLF */
	le = script_memchr(buf, '\n', len);
	if (le < 1 || buf[le - 1] != '\r')
		return 400;
	le--;
	if (script_memchr(buf, '\r', le) >= 0)
		return 400;
	sp1 = script_memchr(buf, ' ', le);
	if (sp1 <= 0)
		return 400;
	sp2 = script_memchr(buf + sp1 + 1, ' ', le - sp1 - 1);
	if (sp2 <= 0)
		return 400;
	sp2 += sp1 + 1;
	if (le - sp2 - 1 != 8 || script_memcmp(buf + sp2 + 1, "HTTP/", 5))
		return 400;
	if (buf[sp2 + 6] < '0' || buf[sp2 + 6] > '9' || buf[sp2 + 7] != '.' ||
	    buf[sp2 + 8] < '0' || buf[sp2 + 8] > '9')
		return 400;
	if (buf[sp2 + 6] != '1' || buf[sp2 + 8] > '1')
		return 505;
	version = buf[sp2 + 8] - '0';
	r->t_off = sp1 + 1;
	r->t_len = sp2 - sp1 - 1;

	/* field-name ":" OWS field-value OWS CRLF, up to the empty line */
	end = len - 2;
	for (p = le + 2; p < end; p += n + 1) {
		n = script_memchr(buf + p, '\n', end - p);
		if (n < 1 || buf[p + n - 1] != '\r')
			return 400;
		/* obsolete line folding */
		if (is_ows(buf[p]))
			return 400;
		colon = script_memchr(buf + p, ':', n - 1);
		if (colon <= 0 || is_ows(buf[p + colon - 1]))
			return 400;
		/* The value, OWS and all: trimmed only for the fields used */
		v = p + colon + 1;
		ve = p + n - 1;
		switch (colon) {
		case 4:
			if (ci_eq(buf + p, "host", 4))
				hosts++;
			break;
		case 10:
			if (ci_eq(buf + p, "connection", 10))
				tokens |= conn_tokens(buf + v, ve - v);
			break;
		case 14:
			if (!ci_eq(buf + p, "content-length", 14))
				break;
			while (v < ve && is_ows(buf[v]))
				v++;
			while (ve > v && is_ows(buf[ve - 1]))
				ve--;
			if (script_parse_u64(buf + v, ve - v, &clen, 10) !=
			    ve - v || ve == v)
				return 400;
			if (clen)
				body = 1;
			break;
		case 17:
			if (ci_eq(buf + p, "transfer-encoding", 17))
				body = 1;
			break;
		}
	}
	if (version == 1 && hosts != 1)
		return 400;
	if (!body) {
		if (version == 1)
			r->keep = !(tokens & 1);
		else
			r->keep = tokens == 2;
	}

	if (sp1 <= 7)
		for (i = 0; i < sp1; i++)
			key = key << 8 | (__u8)buf[i];
	method = 501;
	switch (key) {
	case M3('G', 'E', 'T'):
		method = 0;
		break;
	case M4('H', 'E', 'A', 'D'):
		r->head = 1;
		method = 0;
		break;
	case M4('P', 'O', 'S', 'T'):
	case M3('P', 'U', 'T'):
	case M6('D', 'E', 'L', 'E', 'T', 'E'):
	case M5('P', 'A', 'T', 'C', 'H'):
	case M7('O', 'P', 'T', 'I', 'O', 'N', 'S'):
	case M7('C', 'O', 'N', 'N', 'E', 'C', 'T'):
	case M5('T', 'R', 'A', 'C', 'E'):
		return 405;
	}
	if (method) {
		for (i = 0; i < sp1; i++)
			if (!is_tchar(buf[i]))
				return 400;
		return 501;
	}
	/* serve() checks the target's form */
	return 0;
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

/* The Content-Type of the file named by the @len bytes at @p. */
static noinline const struct mime *mime_of(const char *p, long len)
{
	__u32 key = 0;
	unsigned int k;
	long i;
	char ch;

	/* The extension backwards, lower case, up to 4 letters and a dot */
	for (i = 1; i < len; i++) {
		ch = p[len - i];
		if (ch == '.')
			break;
		if (ch == '/' || i == 5)
			return &mime_default;
		if (ch >= 'A' && ch <= 'Z')
			ch |= 0x20;
		key |= (__u32)(__u8)ch << (8 * (i - 1));
	}
	if (i == 1 || i == len)
		return &mime_default;
	for (k = 0; k < ARRAY_SIZE(mime_types); k++)
		if (mime_types[k].key == key)
			return &mime_types[k];
	return &mime_default;
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
	char *path = c->path, *out = (char *)conn->out;
	long tlen = r->t_len, k, o = 0, pos = 0, s, fd, index = 0, h = 0;
	const struct mime *m;
	int hi, lo;
	__u32 mode;
	__s64 size;

	if (*t != '/') {
		k = absolute_form(t, r);
		if (k)
			return k;
		t = (const char *)conn->in + r->t_off;
		tlen = r->t_len;
	}
	/* The path: no query, no fragment. */
	k = script_memchr(t, '?', tlen);
	if (k >= 0)
		tlen = k;
	k = script_memchr(t, '#', tlen);
	if (k >= 0)
		tlen = k;
	r->t_len = tlen;
	/* Percent-decoding, a run of plain bytes at a time */
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
			return 400;
		hi = hex_val(t[pos + 1]);
		lo = hex_val(t[pos + 2]);
		if (hi < 0 || lo < 0 || !(hi | lo))
			return 400;
		path[o++] = hi << 4 | lo;
		pos += 3;
	}
	if (o > HTTPD_PATH_MAX - 16)
		return 414;
	/* Relative to the docroot: "//etc/passwd" is "etc/passwd" there. */
	for (s = 0; s < o && path[s] == '/'; s++)
		;
	if (s == o || path[o - 1] == '/') {
		script_memcpy(path + o, "index.html", 11);
		o += 10;
		index = 1;
	} else {
		path[o] = 0;
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
	size = *(__s64 *)(c->st + c->st_size_off);
	m = mime_of(path + s, o - s);

	OUTS(out, h, "HTTP/1.1 200 OK\r\nServer: script(2)\r\n"
			"Content-Length: ");
	h += script_format_u64(out + h, 24, size, 10);
	OUT(out, h, m->line, m->line_len);
	if (r->keep)
		OUTS(out, h, "Connection: keep-alive\r\n\r\n");
	else
		OUTS(out, h, "Connection: close\r\n\r\n");
	conn->out_len = h;
	conn->status = 200;
	if (r->head || !size) {
		script_close(fd);
		conn->remaining = 0;
	} else {
		conn->file_fd = fd;
		conn->file_off = 0;
		conn->remaining = size;
	}
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

/* Starts sending the response now in @conn's out buffer. */
static void start_response(struct httpd_ctl *c, struct httpd_conn *conn)
{
	conn->phase = HTTPD_HEAD;
	conn->out_sent = 0;
	conn_touch(c, conn);
}

/*
 * The first @conn->req_len bytes of @conn's buffer are a request header:
 * answer it.
 */
static noinline void process_request(struct httpd_ctl *c,
				     struct httpd_conn *conn)
{
	struct req r = { };
	long status;

	c->requests++;
	conn->flags &= ~HTTPD_CF_KEEPALIVE;
	status = parse_request(conn, &r);
	if (!status)
		status = serve(c, conn, &r);
	if (status)
		respond_error(conn, status, &r);
	else if (r.keep)
		conn->flags |= HTTPD_CF_KEEPALIVE;
	start_response(c, conn);
}

/*
 * An error without a request to answer (431, 408): answer it, then close,
 * taking what the buffer holds as the request.
 */
static noinline void fail_request(struct httpd_ctl *c, struct httpd_conn *conn,
				  long status)
{
	struct req r = { };

	c->requests++;
	conn->flags &= ~HTTPD_CF_KEEPALIVE;
	conn->req_len = conn->in_len;
	respond_error(conn, status, &r);
	start_response(c, conn);
}

/* ---- the phases of a connection */

/*
 * HTTPD_READ: read until a whole request header is in the buffer.
 * Return: 1 when it is (or when the buffer filled without one, and the
 * phase is a 431's), 0 to wait for input, -1 to close the connection.
 */
static noinline long conn_read(struct httpd_ctl *c, struct httpd_conn *conn)
{
	char *in = (char *)conn->in;
	long n, from, i, room;

	for (;;) {
		if (conn->in_len > conn->scanned) {
			/* "\r\n\r\n" may straddle the old and the new bytes. */
			from = conn->scanned > 3 ? conn->scanned - 3 : 0;
			i = script_memmem(in + from, conn->in_len - from,
					  "\r\n\r\n", 4);
			if (i >= 0) {
				conn->req_len = from + i + 4;
				return 1;
			}
			conn->scanned = conn->in_len;
		}
		room = HTTPD_IN_SIZE - conn->in_len;
		if (!room) {
			fail_request(c, conn, 431);
			return 1;
		}
		if (!(conn->flags & HTTPD_CF_READABLE))
			return 0;
		n = script_read(conn->fd, in + conn->in_len, room);
		if (n == -EAGAIN) {
			conn->flags &= ~HTTPD_CF_READABLE;
			return 0;
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
		/* The request's time starts with its first byte. */
		if (!conn->in_len)
			conn_touch(c, conn);
		conn->in_len += n;
	}
}

/*
 * HTTPD_HEAD: send the rest of the out buffer, with MSG_MORE when a body
 * follows.  Return: 1 when it has gone, 0 to wait for room, -1 to close.
 */
static noinline long send_head(struct httpd_ctl *c, struct httpd_conn *conn)
{
	long n, left, flags = c->send_flags, progress = 0;

	if (conn->remaining)
		flags |= c->more_flag;
	for (;;) {
		left = conn->out_len - conn->out_sent;
		n = script_send(conn->fd, (char *)conn->out + conn->out_sent,
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
static noinline long send_body(struct httpd_ctl *c, struct httpd_conn *conn)
{
	long n, progress = 0;
	__u64 chunk;

	for (;;) {
		chunk = conn->remaining;
		if (chunk > MOVE_MAX)
			chunk = MOVE_MAX;
		n = script_move(conn->fd, conn->file_fd, &conn->file_off,
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
 * the next request, pipelined ones first, or close.
 */
static noinline void finish(struct httpd_ctl *c, struct httpd_conn *conn)
{
	__u32 rest;

	if (conn->file_fd >= 0) {
		script_close(conn->file_fd);
		conn->file_fd = -1;
	}
	if (conn->status / 100 < HTTPD_RESP_CLASSES)
		c->resp[conn->status / 100]++;
	if (!(conn->flags & HTTPD_CF_KEEPALIVE)) {
		start_linger(c, conn);
		return;
	}
	rest = conn->in_len - conn->req_len;
	if (rest)
		script_memmove((char *)conn->in,
			       (char *)conn->in + conn->req_len, rest);
	conn->in_len = rest;
	conn->scanned = 0;
	conn->req_len = 0;
	conn->phase = HTTPD_READ;
	conn_touch(c, conn);
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
 * Runs @conn's state machine as far as it goes without waiting.  Each
 * phase returns 1 when it moved on, 0 to wait for an event, -1 to close.
 */
static noinline void conn_run(struct httpd_ctl *c, struct httpd_conn *conn)
{
	long n;

	for (;;) {
		switch (conn->phase) {
		case HTTPD_READ:
			n = conn_read(c, conn);
			/* (conn_read() may have answered 431 already) */
			if (n > 0 && conn->phase == HTTPD_READ)
				process_request(c, conn);
			break;
		case HTTPD_HEAD:
			n = send_head(c, conn);
			break;
		case HTTPD_BODY:
			n = send_body(c, conn);
			break;
		case HTTPD_DONE:
			finish(c, conn);
			n = 1;
			break;
		case HTTPD_LINGER:
			n = linger(conn);
			break;
		default:
			return;
		}
		if (n < 0)
			conn_close(c, conn);
		if (n <= 0)
			return;
	}
}

/*
 * Deadlines that have passed, from the head of the list: a partial
 * request gets a 408, anything else is closed.
 */
static noinline void expire(struct httpd_ctl *c)
{
	struct httpd_conn *conn;

	while (c->dl_head != HTTPD_NIL) {
		conn = conn_at(c, c->dl_head);
		if (conn->deadline > c->now)
			return;
		c->timeouts++;
		if (conn->phase == HTTPD_READ && conn->in_len) {
			/* Its deadline moves on: the loop goes on. */
			fail_request(c, conn, 408);
			conn_run(c, conn);
		} else {
			conn_close(c, conn);
		}
	}
}

/* Milliseconds epoll_wait() may sleep: until the next deadline. */
static long wait_ms(struct httpd_ctl *c)
{
	long t = -1, t2;

	if (c->dl_head != HTTPD_NIL) {
		t = conn_at(c, c->dl_head)->deadline - c->now;
		if (t < 0)
			t = 0;
	}
	if (c->accept_resume) {
		t2 = c->accept_resume - c->now;
		if (t2 < 0)
			t2 = 0;
		if (t < 0 || t2 < t)
			t = t2;
	}
	return t;
}

long httpd_worker(struct httpd_ctl *c)
{
	struct httpd_conn *conn;
	long ret, n, i, stop = 0;
	__u32 mask, data;
	__u8 *ev;

	for (i = 0; i < c->max_conns; i++) {
		conn = conn_at(c, i);
		conn->fd = -1;
		conn->file_fd = -1;
		conn->phase = HTTPD_FREE;
		conn->idx = i;
		conn->next = i + 1 < c->max_conns ? i + 1 : HTTPD_NIL;
	}
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

	while (ret >= 0 && !stop) {
		n = script_epoll_wait(c->epfd, c->events, HTTPD_MAX_EVENTS,
				      wait_ms(c));
		if (n < 0) {
			if (n != -EINTR)
				ret = n;
			continue;
		}
		c->wakeups++;
		c->now = now_ms();
		for (i = 0; i < n; i++) {
			ev = c->events + i * c->ev_size;
			mask = *(__u32 *)ev;
			data = *(__u32 *)(ev + c->ev_data_off);
			if (data == HTTPD_TAG_STOP) {
				stop = 1;
				break;
			}
			if (data == HTTPD_TAG_LISTEN) {
				do_accept(c);
				continue;
			}
			if (data >= c->max_conns)
				continue;
			conn = conn_at(c, data);
			/* Closed earlier in this batch */
			if (conn->fd < 0)
				continue;
			if (mask & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
				conn->flags |= HTTPD_CF_READABLE;
			if (mask & (EPOLLRDHUP | EPOLLHUP | EPOLLERR))
				conn->flags |= HTTPD_CF_HUP;
			conn_run(c, conn);
		}
		if (stop)
			break;
		expire(c);
		if (c->accept_resume && c->now >= c->accept_resume) {
			c->accept_resume = 0;
			ret = watch(c, EPOLL_CTL_ADD, c->listen_fd,
				    EPOLLIN | EPOLLEXCLUSIVE, HTTPD_TAG_LISTEN);
		}
	}

	for (i = 0; i < c->max_conns; i++) {
		conn = conn_at(c, i);
		if (conn->fd < 0)
			continue;
		if (conn->file_fd >= 0)
			script_close(conn->file_fd);
		script_close(conn->fd);
	}
	script_close(c->epfd);
	return ret < 0 ? ret : 0;
}
