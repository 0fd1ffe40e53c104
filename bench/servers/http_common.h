/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the two baseline servers of the HTTP benchmark, epoll_httpd.c and
 * uring_httpd.c, share with each other and, rule for rule, with the
 * script(2) server (tools/lib/script/examples/httpd/httpd.bpf.c): the
 * request parser, the path decoding, the MIME table, the response
 * headers, the listening socket and the command line.  The same bytes go
 * out for the same request, but for the Server field, so the comparison
 * measures the event loops and their system calls, not the HTTP.
 */
#ifndef HTTP_COMMON_H
#define HTTP_COMMON_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
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
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#define HTTP_IN_SIZE		8192	/* request header buffer per connection */
#define HTTP_OUT_SIZE		1024	/* response header buffer per connection */
/*
 * The largest file that epoll_httpd, as the script(2) server, reads into
 * its out buffer after the header and sends with it in one send(), rather
 * than send() the header with MSG_MORE and sendfile() the body; the same
 * as the script server's HTTPD_SMALL_MAX.  uring_httpd and nginx do not.
 */
#define HTTP_SMALL_MAX		(16 * 1024)
#define HTTP_PATH_MAX		4096	/* longest decoded path */
#define HTTP_LOCATION_MAX	512	/* longest target a 301 echoes */
#define HTTP_BACKLOG		1024
#define HTTP_MAX_WORKERS	1024
#define HTTP_MAX_CONNS		(1 << 20)

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

/* openat2()'s flags, as the script server's launcher sets them */
#define HTTP_OPEN_FLAGS		(O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
#define HTTP_RESOLVE		(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS)

/**
 * struct http_req - what http_parse() found
 * @t_off: offset of the target in the request buffer
 * @t_len: its length; http_path() cuts it to the path, without the query
 * @head: the method is HEAD: the response has no body
 * @keep: the connection may stay open after the response
 */
struct http_req {
	unsigned int	t_off;
	unsigned int	t_len;
	bool		head;
	bool		keep;
};

/* A Content-Type header line by file name extension, CRLF before and after */
struct http_mime {
	const char	*ext;
	unsigned int	ext_len;
	unsigned int	line_len;
	const char	*line;
};

#define CT_LINE(t)	"\r\nContent-Type: " t "\r\n"
#define MIME_LINE(e, l)	{ e, sizeof(e) - 1, sizeof(l) - 1, l }
#define MIME(e, t)	MIME_LINE(e, CT_LINE(t))
#define UTF8		"; charset=utf-8"

static const struct http_mime http_mime_types[] = {
	MIME("html", "text/html" UTF8),
	MIME("htm", "text/html" UTF8),
	MIME("css", "text/css" UTF8),
	MIME("js", "text/javascript" UTF8),
	MIME("mjs", "text/javascript" UTF8),
	MIME("json", "application/json"),
	MIME("txt", "text/plain" UTF8),
	MIME("md", "text/markdown" UTF8),
	MIME("xml", "application/xml"),
	MIME("svg", "image/svg+xml"),
	MIME("png", "image/png"),
	MIME("jpg", "image/jpeg"),
	MIME("jpeg", "image/jpeg"),
	MIME("gif", "image/gif"),
	MIME("webp", "image/webp"),
	MIME("ico", "image/vnd.microsoft.icon"),
	MIME("pdf", "application/pdf"),
	MIME("wasm", "application/wasm"),
	MIME("gz", "application/gzip"),
	MIME("tar", "application/x-tar"),
	MIME("zip", "application/zip"),
	MIME("bin", "application/octet-stream"),
};

static const struct http_mime http_mime_default =
	MIME("", "application/octet-stream");

struct http_reason {
	unsigned int	status;
	unsigned int	len;
	const char	*text;
};

#define REASON_TEXT(s, text)	{ s, sizeof(text) - 1, text }
#define REASON(s, t)		REASON_TEXT(s, #s " " t)

static const struct http_reason http_reasons[] = {
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

#define BODY1		"<!DOCTYPE html>\n<title>"
#define BODY2		"</title>\n<h1>"
#define BODY3		"</h1>\n"

static inline bool http_is_ows(char ch)
{
	return ch == ' ' || ch == '\t';
}

static inline int http_hex_val(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch |= 0x20;
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/* Whether the @n bytes at @s equal the lower-case @lit, ignoring case. */
static inline bool http_ci_eq(const char *s, const char *lit, size_t n)
{
	size_t i;
	char ch;

	for (i = 0; i < n; i++) {
		ch = s[i];
		if (ch >= 'A' && ch <= 'Z')
			ch |= 0x20;
		if (ch != lit[i])
			return false;
	}
	return true;
}

/* The offset of @ch in the @n bytes at @s, or -1. */
static inline long http_memchr(const char *s, int ch, size_t n)
{
	const char *p = memchr(s, ch, n);

	return p ? p - s : -1;
}

/* The options of a Connection value: bit 0 "close", bit 1 "keep-alive". */
static inline int http_conn_tokens(const char *v, long len)
{
	long t = 0, te, a, b, k;
	int ret = 0;

	while (t < len) {
		k = http_memchr(v + t, ',', len - t);
		te = k < 0 ? len : t + k;
		a = t;
		b = te;
		while (a < b && http_is_ows(v[a]))
			a++;
		while (b > a && http_is_ows(v[b - 1]))
			b--;
		if (b - a == 5 && http_ci_eq(v + a, "close", 5))
			ret |= 1;
		else if (b - a == 10 && http_ci_eq(v + a, "keep-alive", 10))
			ret |= 2;
		t = te + 1;
	}
	return ret;
}

static inline bool http_is_tchar(char ch)
{
	if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9'))
		return true;
	return ch && strchr("!#$%&'*+-.^_`|~", ch);
}

/* A Content-Length value: all digits, not empty; -1 if not. */
static inline long long http_parse_len(const char *s, long n)
{
	long long v = 0;
	long i;

	if (!n || n > 18)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + s[i] - '0';
	}
	return v;
}

/*
 * http_parse() - check the request header, the @len bytes at @buf (up to
 * and with its empty line), and fill @r.
 *
 * Return: 0 for a GET or HEAD of an origin-form target, else the status of
 * the error response.  @r->keep and @r->head are valid for 405 and 501 too.
 */
static inline int http_parse(const char *buf, long len, struct http_req *r)
{
	long le, sp1, sp2, p, end, n, colon, v, ve, i;
	int version, hosts = 0, tokens = 0, body = 0;
	uint64_t key = 0;

	if (memchr(buf, 0, len))
		return 400;
	le = http_memchr(buf, '\n', len);
	if (le < 1 || buf[le - 1] != '\r')
		return 400;
	le--;
	if (memchr(buf, '\r', le))
		return 400;
	sp1 = http_memchr(buf, ' ', le);
	if (sp1 <= 0)
		return 400;
	sp2 = http_memchr(buf + sp1 + 1, ' ', le - sp1 - 1);
	if (sp2 <= 0)
		return 400;
	sp2 += sp1 + 1;
	if (le - sp2 - 1 != 8 || memcmp(buf + sp2 + 1, "HTTP/", 5))
		return 400;
	if (buf[sp2 + 6] < '0' || buf[sp2 + 6] > '9' || buf[sp2 + 7] != '.' ||
	    buf[sp2 + 8] < '0' || buf[sp2 + 8] > '9')
		return 400;
	if (buf[sp2 + 6] != '1' || buf[sp2 + 8] > '1')
		return 505;
	version = buf[sp2 + 8] - '0';
	r->t_off = sp1 + 1;
	r->t_len = sp2 - sp1 - 1;

	end = len - 2;
	for (p = le + 2; p < end; p += n + 1) {
		n = http_memchr(buf + p, '\n', end - p);
		if (n < 1 || buf[p + n - 1] != '\r')
			return 400;
		if (http_is_ows(buf[p]))
			return 400;
		colon = http_memchr(buf + p, ':', n - 1);
		if (colon <= 0 || http_is_ows(buf[p + colon - 1]))
			return 400;
		v = p + colon + 1;
		ve = p + n - 1;
		while (v < ve && http_is_ows(buf[v]))
			v++;
		while (ve > v && http_is_ows(buf[ve - 1]))
			ve--;
		switch (colon) {
		case 4:
			if (http_ci_eq(buf + p, "host", 4))
				hosts++;
			break;
		case 10:
			if (http_ci_eq(buf + p, "connection", 10))
				tokens |= http_conn_tokens(buf + v, ve - v);
			break;
		case 14:
			if (!http_ci_eq(buf + p, "content-length", 14))
				break;
			switch (http_parse_len(buf + v, ve - v)) {
			case -1:
				return 400;
			case 0:
				break;
			default:
				body = 1;
			}
			break;
		case 17:
			if (http_ci_eq(buf + p, "transfer-encoding", 17))
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
			key = key << 8 | (uint8_t)buf[i];
	switch (key) {
	case 0x474554:				/* GET */
		break;
	case 0x48454144:			/* HEAD */
		r->head = true;
		break;
	case 0x504f5354:			/* POST */
	case 0x505554:				/* PUT */
	case 0x44454c455445:			/* DELETE */
	case 0x5041544348:			/* PATCH */
	case 0x4f5054494f4e53:			/* OPTIONS */
	case 0x434f4e4e454354:			/* CONNECT */
	case 0x5452414345:			/* TRACE */
		return 405;
	default:
		for (i = 0; i < sp1; i++)
			if (!http_is_tchar(buf[i]))
				return 400;
		return 501;
	}
	if (buf[sp1 + 1] != '/')
		return 400;
	return 0;
}

/*
 * http_path() - decode the target of @r in @buf into @path (at least
 * %HTTP_PATH_MAX + 16 bytes): no query or fragment, %XX decoded, leading
 * slashes dropped, "index.html" added to a directory's path.
 *
 * Return: 0 with *@start the offset of the path in @path, its length in
 * *@len and *@index set when it is an index; else the error status.
 */
static inline int http_path(const char *buf, struct http_req *r, char *path,
			    long *start, long *len, bool *index)
{
	const char *t = buf + r->t_off;
	long tlen = r->t_len, k, o = 0, pos = 0, s;
	int hi, lo;

	k = http_memchr(t, '?', tlen);
	if (k >= 0)
		tlen = k;
	k = http_memchr(t, '#', tlen);
	if (k >= 0)
		tlen = k;
	r->t_len = tlen;
	while (pos < tlen) {
		k = http_memchr(t + pos, '%', tlen - pos);
		if (k < 0)
			k = tlen - pos;
		if (o + k > HTTP_PATH_MAX)
			return 414;
		memcpy(path + o, t + pos, k);
		o += k;
		pos += k;
		if (pos >= tlen)
			break;
		if (tlen - pos < 3)
			return 400;
		hi = http_hex_val(t[pos + 1]);
		lo = http_hex_val(t[pos + 2]);
		if (hi < 0 || lo < 0 || !(hi | lo))
			return 400;
		path[o++] = hi << 4 | lo;
		pos += 3;
	}
	if (o > HTTP_PATH_MAX - 16)
		return 414;
	for (s = 0; s < o && path[s] == '/'; s++)
		;
	*index = s == o || path[o - 1] == '/';
	if (*index) {
		memcpy(path + o, "index.html", 11);
		o += 10;
	} else {
		path[o] = 0;
	}
	*start = s;
	*len = o - s;
	return 0;
}

/* The status for openat2()'s error @err (negative). */
static inline int http_open_status(int err)
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

/* The status for a file of @mode (S_IFMT bits): 0 for a regular file. */
static inline int http_mode_status(unsigned int mode, bool index,
				   unsigned int t_len)
{
	if (mode == S_IFREG)
		return 0;
	if (mode != S_IFDIR || index)
		return 403;
	return t_len > HTTP_LOCATION_MAX ? 414 : 301;
}

static inline const struct http_mime *http_mime_of(const char *p, long len)
{
	long i, dot = -1, elen;
	unsigned int k;

	for (i = 1; i <= 5 && i < len; i++) {
		if (p[len - i] == '.') {
			dot = len - i;
			break;
		}
		if (p[len - i] == '/')
			break;
	}
	if (dot < 0)
		return &http_mime_default;
	elen = len - dot - 1;
	for (k = 0; k < ARRAY_SIZE(http_mime_types); k++)
		if (http_mime_types[k].ext_len == elen &&
		    http_ci_eq(p + dot + 1, http_mime_types[k].ext, elen))
			return &http_mime_types[k];
	return &http_mime_default;
}

/* Appends @n bytes at @s to out at offset @o, which it advances. */
static inline long http_out(char *out, long o, const void *s, size_t n)
{
	memcpy(out + o, s, n);
	return o + n;
}

/* The same for a string; its strlen() folds to a constant. */
static inline long http_outs(char *out, long o, const char *s)
{
	return http_out(out, o, s, strlen(s));
}

/* Decimal digits of @v at @out; their number. */
static inline long http_u64(char *out, unsigned long long v)
{
	char tmp[24];
	long n = 0, i;

	do
		tmp[n++] = '0' + v % 10;
	while (v /= 10);
	for (i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	return n;
}

/*
 * http_head_200() - the header of a 200 response for a file of @size
 * bytes whose path, without the leading slashes, is the @len bytes at @p,
 * in @out (%HTTP_OUT_SIZE bytes).  Return: its length.
 */
static inline long http_head_200(char *out, const char *server,
				 unsigned long long size, const char *p,
				 long len, bool keep)
{
	const struct http_mime *m = http_mime_of(p, len);
	long o = 0;

	o = http_outs(out, o, "HTTP/1.1 200 OK\r\nServer: ");
	o = http_out(out, o, server, strlen(server));
	o = http_outs(out, o, "\r\nContent-Length: ");
	o += http_u64(out + o, size);
	o = http_out(out, o, m->line, m->line_len);
	if (keep)
		o = http_outs(out, o, "Connection: keep-alive\r\n\r\n");
	else
		o = http_outs(out, o, "Connection: close\r\n\r\n");
	return o;
}

/*
 * http_error() - the response of @status to the request @r in @buf,
 * header and short HTML body (none for HEAD), in @out.  It keeps the
 * connection only for 301, 403, 404 and 405 to a request that allows it:
 * *@keep says whether it does.  Return: its length.
 */
static inline long http_error(char *out, const char *server, int status,
			      const char *buf, const struct http_req *r,
			      bool *keep)
{
	const char *rs = "500 Internal Server Error";
	long o = 0, rl = 25;
	unsigned int k;

	for (k = 0; k < ARRAY_SIZE(http_reasons); k++)
		if (http_reasons[k].status == (unsigned int)status) {
			rs = http_reasons[k].text;
			rl = http_reasons[k].len;
			break;
		}
	*keep = (status == 301 || status == 403 || status == 404 ||
		 status == 405) && r->keep;

	o = http_outs(out, o, "HTTP/1.1 ");
	o = http_out(out, o, rs, rl);
	o = http_outs(out, o, "\r\nServer: ");
	o = http_out(out, o, server, strlen(server));
	o = http_outs(out, o, "\r\nContent-Length: ");
	o += http_u64(out + o, sizeof(BODY1 BODY2 BODY3) - 1 + 2 * rl);
	o = http_outs(out, o, "\r\nContent-Type: text/html; charset=utf-8\r\n");
	if (status == 405)
		o = http_outs(out, o, "Allow: GET, HEAD\r\n");
	if (status == 301) {
		o = http_outs(out, o, "Location: ");
		o = http_out(out, o, buf + r->t_off, r->t_len);
		o = http_outs(out, o, "/\r\n");
	}
	if (*keep)
		o = http_outs(out, o, "Connection: keep-alive\r\n\r\n");
	else
		o = http_outs(out, o, "Connection: close\r\n\r\n");
	if (!r->head) {
		o = http_outs(out, o, BODY1);
		o = http_out(out, o, rs, rl);
		o = http_outs(out, o, BODY2);
		o = http_out(out, o, rs, rl);
		o = http_outs(out, o, BODY3);
	}
	return o;
}

#undef OUT
#undef OUTS

/* glibc 2.36 has no wrapper */
static inline int http_openat2(int dirfd, const char *path,
			       const struct open_how *how)
{
	return syscall(SYS_openat2, dirfd, path, how, sizeof(*how));
}

/* CLOCK_MONOTONIC in milliseconds (the vDSO: no system call). */
static inline long long http_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static inline long http_parse_num(const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -1;
	return v;
}

/*
 * http_listen() - the listening socket on @addr:@port, non-blocking when
 * @nonblock, with TCP_NODELAY when @nodelay, its printable address in
 * @name; -1 on failure.
 */
static inline int http_listen(const char *prog, const char *addr, int port,
			      bool nonblock, bool nodelay, char *name,
			      size_t size)
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
		fprintf(stderr, "%s: %s: not an IPv4 or IPv6 address\n", prog,
			addr);
		return -1;
	}
	fd = socket(sa.sa.sa_family, SOCK_STREAM | SOCK_CLOEXEC |
		    (nonblock ? SOCK_NONBLOCK : 0), 0);
	if (fd < 0) {
		fprintf(stderr, "%s: socket: %s\n", prog, strerror(errno));
		return -1;
	}
	/* the connections inherit it from the listening socket */
	if (nodelay)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, &sa.sa, len) || listen(fd, HTTP_BACKLOG) ||
	    getsockname(fd, &sa.sa, &len)) {
		fprintf(stderr, "%s: %s port %d: %s\n", prog, addr, port,
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

/* Room for a socket, a file (and @extra more) per connection. */
static inline void http_raise_nofile(long workers, long max_conns, long extra)
{
	rlim_t want = (rlim_t)workers * ((2 + extra) * max_conns + 2) + 64;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur >= want)
		return;
	rl.rlim_cur = rl.rlim_max < want ? rl.rlim_max : want;
	setrlimit(RLIMIT_NOFILE, &rl);
}

/**
 * struct http_opts - the command line both servers share with httpd
 * @addr: -a
 * @port: -p
 * @workers: -w, one per online CPU by default
 * @timeout_ms: -t: request, idle, send and linger timeout
 * @max_conns: -c: connections per worker
 * @quiet: -q: no counters at exit
 * @nodelay: -N: TCP_NODELAY (the script(2) server does not set it)
 * @root: DOCROOT
 */
struct http_opts {
	const char	*addr;
	long		port;
	long		workers;
	long		timeout_ms;
	long		max_conns;
	bool		quiet;
	bool		nodelay;
	const char	*root;
};

#endif /* HTTP_COMMON_H */
