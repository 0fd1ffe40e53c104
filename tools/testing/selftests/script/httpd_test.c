// SPDX-License-Identifier: GPL-2.0
/*
 * httpd, the script(2) web server of tools/lib/script/examples/httpd, as
 * its clients see it: every test starts the server on 127.0.0.1 and a
 * free port ("-p 0"; the port is read from its "httpd: serving ..."
 * line), with 2 workers, a 1000 ms timeout and -q, over a docroot built
 * in /tmp, talks to it over raw sockets and compares whole responses,
 * bodies against the files read with read(2); at the end SIGTERM must
 * stop it promptly with status 0.
 *
 * The docroot holds pages, a 1 MiB file of pseudo-random bytes, a file of
 * each extension the server knows, an empty file, a directory with an
 * index.html and one without, a FIFO, symlinks inside it and symlinks
 * leading out of it to a secret file beside it.  No response may ever
 * hold the secret.
 *
 * The server is $HTTPD (default: httpd beside this test), its script
 * $HTTPD_OBJ (default: httpd.bpf.o beside this test).
 *
 * httpd_tls_test.c builds this file again with HTTPD_TLS: every test then
 * talks to the server's TLS port (-s) instead, each client doing a TLS
 * handshake (OpenSSL, the certificate verified) on connect, and the same
 * requests must get the same responses.
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
#include <netinet/tcp.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"

#ifdef HTTPD_TLS
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

/* The server's certificate and key: $HTTPD_CERT, $HTTPD_KEY */
static char tls_cert[PATH_MAX], tls_key[PATH_MAX];
/* The clients' context: TLS 1.2 or 1.3, ALPN http/1.1, verifying */
static SSL_CTX *tls_ctx;
#endif

#define TIMEOUT_MS	1000		/* the server's -t */
#define IO_TIMEOUT_S	10		/* clients' receive, send timeout */
#define START_MS	10000		/* the server's longest start */
#define STOP_MS		5000		/* ... and stop on SIGTERM */
#define BIG_SIZE	(1024 * 1024)
/* A small file the server reads and sends with its header in one send */
#define MID_SIZE	16000
#define HEAD_MAX	8192
#define CONC		100		/* concurrent clients */

/* A request, with Host, and with more @fields ("Name: value\r\n"...) */
#define REQ(method, target)	REQH(method, target, "")
#define REQH(method, target, fields)					\
	method " " target " HTTP/1.1\r\nHost: t\r\n" fields "\r\n"

static const char listening[] = "httpd: serving ";

/* Set up once by main(), before the tests fork */
static char httpd_bin[PATH_MAX], httpd_obj[PATH_MAX];
static char tmpdir[64], root[96], secret_path[96];
static char secret[64];

/* ---- the docroot */

static const char index_html[] =
	"<!DOCTYPE html>\n<title>httpd_test</title>\n<p>index</p>\n";
static const char page_html[] =
	"<!DOCTYPE html>\n<title>page</title>\n<p>a page</p>\n";
static const char sub_index_html[] =
	"<!DOCTYPE html>\n<title>sub</title>\n<p>sub/index.html</p>\n";

/* Each extension the server knows, and the Content-Type it must give */
static const struct {
	const char *name;
	const char *type;
} types[] = {
	{ "t.html", "text/html; charset=utf-8" },
	{ "t.htm", "text/html; charset=utf-8" },
	{ "t.css", "text/css; charset=utf-8" },
	{ "t.js", "text/javascript; charset=utf-8" },
	{ "t.mjs", "text/javascript; charset=utf-8" },
	{ "t.json", "application/json" },
	{ "t.txt", "text/plain; charset=utf-8" },
	{ "t.md", "text/markdown; charset=utf-8" },
	{ "t.xml", "application/xml" },
	{ "t.svg", "image/svg+xml" },
	{ "t.png", "image/png" },
	{ "t.jpg", "image/jpeg" },
	{ "t.jpeg", "image/jpeg" },
	{ "t.gif", "image/gif" },
	{ "t.webp", "image/webp" },
	{ "t.ico", "image/vnd.microsoft.icon" },
	{ "t.pdf", "application/pdf" },
	{ "t.wasm", "application/wasm" },
	{ "t.gz", "application/gzip" },
	{ "t.tar", "application/x-tar" },
	{ "t.zip", "application/zip" },
	{ "t.bin", "application/octet-stream" },
	{ "UPPER.HTML", "text/html; charset=utf-8" },
	{ "t.unknown", "application/octet-stream" },
	{ "noext", "application/octet-stream" },
	{ "dir.d/file", "application/octet-stream" },
	{ "a b.txt", "text/plain; charset=utf-8" },
};

static int write_path(const char *dir, const char *name, const void *buf,
		      size_t len)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	n = write(fd, buf, len);
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

/* The whole file @name beneath the docroot, read with read(2), or NULL. */
static char *slurp(const char *name, size_t *len)
{
	char path[PATH_MAX], *buf;
	struct stat st;
	size_t done = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", root, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st)) {
		close(fd);
		return NULL;
	}
	buf = malloc(st.st_size + 1);
	while (buf && done < (size_t)st.st_size) {
		n = read(fd, buf + done, st.st_size - done);
		if (n <= 0)
			break;
		done += n;
	}
	close(fd);
	if (!buf || done != (size_t)st.st_size) {
		free(buf);
		return NULL;
	}
	*len = done;
	return buf;
}

static int make_docroot(void)
{
	char path[PATH_MAX], *big;
	unsigned long long x;
	unsigned int i;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/httpd_test.XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(root, sizeof(root), "%s/root", tmpdir);
	snprintf(secret_path, sizeof(secret_path), "%s/secret.txt", tmpdir);
	x = (unsigned long long)time(NULL) * 2654435761ULL ^ getpid();
	snprintf(secret, sizeof(secret), "SECRET-%016llx", x);
	if (mkdir(root, 0755) || write_path(tmpdir, "secret.txt", secret,
					    strlen(secret)))
		return -1;

	/* 1 MiB, xorshift64 */
	big = malloc(BIG_SIZE);
	if (!big)
		return -1;
	x |= 1;
	for (i = 0; i < BIG_SIZE / 8; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(big + i * 8, &x, 8);
	}
	if (write_path(root, "big.bin", big, BIG_SIZE) ||
	    write_path(root, "mid.bin", big + 8, MID_SIZE))
		return -1;
	free(big);

	snprintf(path, sizeof(path), "%s/sub", root);
	if (mkdir(path, 0755) || write_path(path, "index.html", sub_index_html,
					    strlen(sub_index_html)))
		return -1;
	snprintf(path, sizeof(path), "%s/noindex", root);
	if (mkdir(path, 0755) || write_path(path, "file.txt", "x", 1))
		return -1;
	snprintf(path, sizeof(path), "%s/dir.d", root);
	if (mkdir(path, 0755))
		return -1;
	if (write_path(root, "index.html", index_html, strlen(index_html)) ||
	    write_path(root, "page.html", page_html, strlen(page_html)) ||
	    write_path(root, "empty.txt", "", 0))
		return -1;
	for (i = 0; i < ARRAY_SIZE(types); i++) {
		char body[128];

		snprintf(body, sizeof(body), "file %s\n", types[i].name);
		if (write_path(root, types[i].name, body, strlen(body)))
			return -1;
	}

	/* Inside: followed.  Out, relative or absolute: refused. */
	snprintf(path, sizeof(path), "%s/inside.html", root);
	if (symlink("sub/index.html", path))
		return -1;
	snprintf(path, sizeof(path), "%s/escape", root);
	if (symlink("../secret.txt", path))
		return -1;
	snprintf(path, sizeof(path), "%s/abs-escape", root);
	if (symlink(secret_path, path))
		return -1;
	snprintf(path, sizeof(path), "%s/sub/up", root);
	if (symlink("../../secret.txt", path))
		return -1;
	snprintf(path, sizeof(path), "%s/fifo", root);
	if (mkfifo(path, 0644))
		return -1;
	return 0;
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	return remove(path);
}

static void remove_docroot(void)
{
	if (tmpdir[0])
		nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- time */

static long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* ---- the server */

FIXTURE(httpd) {
	pid_t pid;
	int out;		/* the read end of its stdout */
	int port;		/* the port the tests use: TLS's with HTTPD_TLS */
	int plain_port;		/* the clear-text port */
	char line[512];		/* its first line */
	char *restored_wmem;	/* net.ipv4.tcp_wmem to put back */
};

/*
 * Starts the server with the default arguments, -q if @quiet, and @extra
 * ones (which getopt lets override them), waits for its listening line
 * and reads the port from it: 0 or -1.
 */
static int server_start(struct __test_metadata *_metadata,
			struct _test_data_httpd *self, const char *const *extra,
			bool quiet)
{
	const char *argv[32] = {
		"httpd", "-a", "127.0.0.1", "-p", "0", "-w", "2",
		"-t", "1000", "-o", httpd_obj,
	};
	struct pollfd pfd;
	size_t len = 0;
	int pipefd[2], i = 11;
	long end;
	char *p;
	ssize_t n;

	if (quiet)
		argv[i++] = "-q";
#ifdef HTTPD_TLS
	argv[i++] = "-s";
	argv[i++] = "0";
	argv[i++] = "-C";
	argv[i++] = tls_cert;
	argv[i++] = "-K";
	argv[i++] = tls_key;
#endif
	while (extra && *extra && i < 30)
		argv[i++] = *extra++;
	argv[i++] = root;
	argv[i] = NULL;

	if (pipe2(pipefd, O_CLOEXEC))
		return -1;
	self->pid = fork();
	if (self->pid < 0)
		return -1;
	if (!self->pid) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(pipefd[1], STDOUT_FILENO);
		execv(httpd_bin, (char *const *)argv);
		_exit(127);
	}
	close(pipefd[1]);
	self->out = pipefd[0];
	memset(self->line, 0, sizeof(self->line));

	/* "httpd: serving ROOT on http://127.0.0.1:PORT/ with 2 workers\n" */
	end = mono_ms() + START_MS;
	while (!memchr(self->line, '\n', len) && len < sizeof(self->line) - 1) {
		pfd.fd = self->out;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, end - mono_ms()) <= 0) {
			TH_LOG("the server printed no listening line");
			return -1;
		}
		n = read(self->out, self->line + len,
			 sizeof(self->line) - 1 - len);
		if (n <= 0) {
			TH_LOG("the server exited before listening");
			return -1;
		}
		len += n;
	}
	if (strncmp(self->line, listening, strlen(listening))) {
		TH_LOG("unexpected first line: %s", self->line);
		return -1;
	}
	p = strstr(self->line, "http://127.0.0.1:");
	if (!p)
		return -1;
	self->port = atoi(p + strlen("http://127.0.0.1:"));
	self->plain_port = self->port;
#ifdef HTTPD_TLS
	p = strstr(self->line, " and https://127.0.0.1:");
	if (!p) {
		TH_LOG("no TLS port: %s", self->line);
		return -1;
	}
	self->port = atoi(p + strlen(" and https://127.0.0.1:"));
#endif
	return self->port > 0 ? 0 : -1;
}

/*
 * SIGTERM: the server must exit with 0 within STOP_MS, having printed
 * its listening line and, with -q, nothing else.  Returns its output
 * after the first line in @rest, if not NULL.
 */
static void server_stop(struct __test_metadata *_metadata,
			struct _test_data_httpd *self, char *rest, size_t size)
{
	int status = -1;
	long end;
	ssize_t n;
	size_t len = 0;
	char buf[4096];
	char *nl;

	if (self->pid <= 0)
		return;
	kill(self->pid, SIGTERM);
	end = mono_ms() + STOP_MS;
	while (waitpid(self->pid, &status, WNOHANG) != self->pid) {
		if (mono_ms() > end) {
			kill(self->pid, SIGKILL);
			waitpid(self->pid, &status, 0);
			status = -1;
			break;
		}
		sleep_ms(10);
	}
	self->pid = 0;
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("no exit 0 within %d ms of SIGTERM: status %#x",
		       STOP_MS, status);
	EXPECT_EQ(0, strncmp(self->line, listening, strlen(listening)));

	/* The rest of its output */
	nl = memchr(self->line, '\n', sizeof(self->line));
	if (nl) {
		len = strlen(nl + 1);
		memcpy(buf, nl + 1, len);
	}
	while (len < sizeof(buf) - 1 &&
	       (n = read(self->out, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	buf[len] = 0;
	close(self->out);
	if (rest)
		snprintf(rest, size, "%s", buf);
	else
		EXPECT_EQ(0, len) TH_LOG("unexpected output with -q: %s", buf);
}

static void server_restart(struct __test_metadata *_metadata,
			   struct _test_data_httpd *self, const char *const *extra)
{
	server_stop(_metadata, self, NULL, 0);
	ASSERT_EQ(0, server_start(_metadata, self, extra, true));
}

FIXTURE_SETUP(httpd)
{
	if (access(httpd_bin, X_OK) || access(httpd_obj, R_OK))
		SKIP(return, "no httpd or httpd.bpf.o (set HTTPD, HTTPD_OBJ)");
#ifdef HTTPD_TLS
	if (!tls_ctx)
		SKIP(return, "no certificate (set HTTPD_CERT, HTTPD_KEY)");
#endif
	ASSERT_EQ(0, server_start(_metadata, self, NULL, true));
}

FIXTURE_TEARDOWN(httpd)
{
	if (self->restored_wmem) {
		int fd = open("/proc/sys/net/ipv4/tcp_wmem", O_WRONLY);

		if (fd >= 0) {
			if (write(fd, self->restored_wmem,
				  strlen(self->restored_wmem)) < 0)
				TH_LOG("cannot restore tcp_wmem");
			close(fd);
		}
		free(self->restored_wmem);
	}
	server_stop(_metadata, self, NULL, 0);
}

/* ---- clients */

/**
 * struct client - a connection and what it received but did not parse
 * @fd: the socket
 * @ssl: its TLS connection (OpenSSL's SSL), with HTTPD_TLS
 * @buf: received bytes; responses are parsed from its start
 * @len: bytes in @buf
 * @cap: its size
 */
struct client {
	int fd;
	void *ssl;
	char *buf;
	size_t len, cap;
};

#ifdef HTTPD_TLS
/*
 * The clients' TLS context: TLS 1.2 or 1.3, ALPN http/1.1, the server's
 * certificate trusted, and a peer gone without close_notify an end of
 * file; NULL without the certificate.
 */
static SSL_CTX *tls_client_ctx(void)
{
	SSL_CTX *ctx;

	if (access(tls_cert, R_OK) || access(tls_key, R_OK))
		return NULL;
	/* No openssl.cnf: the guest has none */
	OPENSSL_init_ssl(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
	ctx = SSL_CTX_new(TLS_client_method());
	if (!ctx)
		return NULL;
	SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	/* (set_alpn_protos returns 0 on success) */
	if (SSL_CTX_set_alpn_protos(ctx, (const unsigned char *)"\x08http/1.1",
				    9) ||
	    SSL_CTX_load_verify_locations(ctx, tls_cert, NULL) != 1) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

/*
 * The TLS handshake of @c, on its connected socket, with the server's
 * certificate verified for 127.0.0.1: 0 or -1.
 */
static int tls_client_start(struct client *c)
{
	SSL *ssl = SSL_new(tls_ctx);

	c->ssl = ssl;
	if (!ssl || !SSL_set_fd(ssl, c->fd) ||
	    !X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), "127.0.0.1"))
		return -1;
	if (SSL_connect(ssl) != 1) {
		ERR_print_errors_fp(stderr);
		return -1;
	}
	return 0;
}
#endif

/**
 * struct response - one parsed response
 * @status: the status code
 * @head: the status line and header fields, with the empty line
 * @head_len: length of @head
 * @clen: Content-Length, -1 without one
 * @body: the body (malloc'ed; NUL-terminated for strstr)
 * @body_len: its length
 */
struct response {
	int status;
	char head[HEAD_MAX + 1];
	size_t head_len;
	long clen;
	char *body;
	size_t body_len;
};

static int client_connect(struct client *c, int port, int rcvbuf)
{
	struct sockaddr_in sa = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	struct timeval tv = { IO_TIMEOUT_S, 0 };

	memset(c, 0, sizeof(*c));
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return -1;
	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (rcvbuf)
		setsockopt(c->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
			   sizeof(rcvbuf));
	c->cap = 2 * BIG_SIZE;
	c->buf = malloc(c->cap);
	if (!c->buf || connect(c->fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(c->fd);
		free(c->buf);
		c->fd = -1;
		return -1;
	}
#ifdef HTTPD_TLS
	if (tls_client_start(c)) {
		SSL_free(c->ssl);
		c->ssl = NULL;
		close(c->fd);
		free(c->buf);
		c->fd = -1;
		return -1;
	}
#endif
	return 0;
}

static void client_close(struct client *c)
{
#ifdef HTTPD_TLS
	SSL_free(c->ssl);
	c->ssl = NULL;
#endif
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	free(c->buf);
	c->buf = NULL;
}

static int client_send(struct client *c, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
#ifdef HTTPD_TLS
		n = SSL_write(c->ssl, p, len);
#else
		n = send(c->fd, p, len, MSG_NOSIGNAL);
#endif
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

static int client_sends(struct client *c, const char *s)
{
	return client_send(c, s, strlen(s));
}

/* Reads more into @c->buf, at most @max: the bytes read, 0 at EOF, -1. */
static ssize_t client_fill(struct client *c, size_t max)
{
	size_t room = c->cap - c->len;
	ssize_t n;

	if (max && max < room)
		room = max;
	if (!room)
		return -1;
#ifdef HTTPD_TLS
	/* 0 at the end, with or without close_notify, -1 on an error */
	n = SSL_read(c->ssl, c->buf + c->len, room);
	if (n <= 0 && SSL_get_error(c->ssl, n) != SSL_ERROR_ZERO_RETURN)
		n = -1;
#else
	n = recv(c->fd, c->buf + c->len, room, 0);
#endif
	if (n > 0)
		c->len += n;
	return n;
}

static void response_free(struct response *r)
{
	free(r->body);
	r->body = NULL;
}

/*
 * Reads one response: its header, then @clen bytes of body unless @head
 * (a response to HEAD has none).  0, or -1 on EOF, a timeout or a
 * malformed response.  What follows stays in @c for the next one.
 */
static int read_response(struct client *c, struct response *r, bool head)
{
	char *end, *p;
	size_t hl;

	memset(r, 0, sizeof(*r));
	r->clen = -1;
	while (!(end = memmem(c->buf, c->len, "\r\n\r\n", 4)))
		if (c->len > HEAD_MAX || client_fill(c, 0) <= 0)
			return -1;
	hl = end + 4 - c->buf;
	if (hl > HEAD_MAX)
		return -1;
	memcpy(r->head, c->buf, hl);
	r->head[hl] = 0;
	r->head_len = hl;
	if (sscanf(r->head, "HTTP/1.1 %3d ", &r->status) != 1)
		return -1;
	p = strstr(r->head, "\r\nContent-Length: ");
	if (p)
		r->clen = strtol(p + 18, NULL, 10);
	memmove(c->buf, c->buf + hl, c->len - hl);
	c->len -= hl;
	if (head || r->clen <= 0) {
		r->body = calloc(1, 1);
		return 0;
	}
	while (c->len < (size_t)r->clen)
		if (client_fill(c, 0) <= 0)
			return -1;
	r->body = malloc(r->clen + 1);
	if (!r->body)
		return -1;
	memcpy(r->body, c->buf, r->clen);
	r->body[r->clen] = 0;
	r->body_len = r->clen;
	memmove(c->buf, c->buf + r->clen, c->len - r->clen);
	c->len -= r->clen;
	return 0;
}

/* True when the server closes @c with nothing more to read. */
static bool client_eof(struct client *c)
{
	return !c->len && client_fill(c, 0) == 0;
}

/* The value of header field @name in @r (case as the server sends it). */
static bool header_is(const struct response *r, const char *name,
		      const char *value)
{
	char want[512];

	snprintf(want, sizeof(want), "\r\n%s: %s\r\n", name, value);
	return strstr(r->head, want);
}

/*
 * One request on a new connection, its response read: 0 or -1.  Keeps
 * the connection in @c when @c is not NULL, else closes it.
 */
static int exchange(int port, const char *req, struct response *r,
		    bool head, struct client *keep)
{
	struct client c;
	int ret;

	if (client_connect(&c, port, 0))
		return -1;
	ret = client_sends(&c, req) ? -1 : read_response(&c, r, head);
	if (keep)
		*keep = c;
	else
		client_close(&c);
	return ret;
}

/* The exact header of a 200 for a file of @len bytes. */
static void ok_head(char *buf, size_t size, size_t len, const char *type,
		    bool keep)
{
	snprintf(buf, size,
		 "HTTP/1.1 200 OK\r\n"
		 "Server: script(2)\r\n"
		 "Content-Length: %zu\r\n"
		 "Content-Type: %s\r\n"
		 "Connection: %s\r\n"
		 "\r\n", len, type, keep ? "keep-alive" : "close");
}

/* The exact body of an error response */
static void error_body(char *buf, size_t size, const char *reason)
{
	snprintf(buf, size, "<!DOCTYPE html>\n<title>%s</title>\n<h1>%s</h1>\n",
		 reason, reason);
}

/* The exact header of an error response, @extra fields before Connection */
static void error_head(char *buf, size_t size, const char *reason,
		       const char *extra, bool keep)
{
	char body[256];

	error_body(body, sizeof(body), reason);
	snprintf(buf, size,
		 "HTTP/1.1 %s\r\n"
		 "Server: script(2)\r\n"
		 "Content-Length: %zu\r\n"
		 "Content-Type: text/html; charset=utf-8\r\n"
		 "%sConnection: %s\r\n"
		 "\r\n", reason, strlen(body), extra ? extra : "",
		 keep ? "keep-alive" : "close");
}

/* GET @name must be a 200 with exactly the file's bytes and @type. */
static void expect_file(struct __test_metadata *_metadata,
			const struct response *r, const char *name,
			const char *type, bool keep)
{
	char want[1024];
	size_t len;
	char *file = slurp(name, &len);

	ASSERT_NE(NULL, file);
	ok_head(want, sizeof(want), len, type, keep);
	EXPECT_EQ(200, r->status);
	EXPECT_STREQ(want, r->head);
	EXPECT_EQ(len, r->body_len);
	if (r->body_len == len)
		EXPECT_EQ(0, memcmp(file, r->body, len))
			TH_LOG("%s: the body differs from the file", name);
	free(file);
}

/* An error response, header and body exactly. */
static void expect_error(struct __test_metadata *_metadata,
			 const struct response *r, int status,
			 const char *reason, const char *extra, bool keep,
			 bool head)
{
	char want[1024], body[256];

	error_head(want, sizeof(want), reason, extra, keep);
	error_body(body, sizeof(body), reason);
	EXPECT_EQ(status, r->status);
	EXPECT_STREQ(want, r->head);
	if (head) {
		EXPECT_EQ(0, r->body_len);
		return;
	}
	EXPECT_STREQ(body, r->body);
}

/* ---- tests */

TEST_F(httpd, get_index)
{
	struct response r;
	struct client c;

	ASSERT_EQ(0, exchange(self->port, REQ("GET", "/"),
			      &r, false, &c));
	expect_file(_metadata, &r, "index.html", "text/html; charset=utf-8",
		    true);
	response_free(&r);
	/* The same file by name, on the same connection */
	ASSERT_EQ(0, client_sends(&c, REQ("GET", "/index.html")));
	ASSERT_EQ(0, read_response(&c, &r, false));
	expect_file(_metadata, &r, "index.html", "text/html; charset=utf-8",
		    true);
	response_free(&r);
	client_close(&c);
}

/*
 * The listening line names the engine: the compiler's when
 * kernel.script_jit is not 0 (a kernel without the compiler keeps it 0),
 * the interpreter's with -I; the interpreted server serves the same.
 */
TEST_F(httpd, engines)
{
	static const char *const interp[] = { "-I", NULL };
	char jit[16] = "0\n";
	struct response r;
	ssize_t n = -1;
	int fd;

	fd = open("/proc/sys/kernel/script_jit", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, jit, sizeof(jit) - 1);
		close(fd);
	}
	ASSERT_LT(0, n) TH_LOG("kernel.script_jit: %s", strerror(errno));
	EXPECT_NE(NULL, strstr(self->line, jit[0] != '0' ? " (engine jit)\n" :
			       " (engine interp)\n"))
		TH_LOG("script_jit %.1s: %s", jit, self->line);

	server_restart(_metadata, self, interp);
	EXPECT_NE(NULL, strstr(self->line, " (engine interp)\n"))
		TH_LOG("%s", self->line);
	ASSERT_EQ(0, exchange(self->port, REQ("GET", "/"), &r, false, NULL));
	expect_file(_metadata, &r, "index.html", "text/html; charset=utf-8",
		    true);
	response_free(&r);
}

TEST_F(httpd, content_types)
{
	struct response r;
	struct client c;
	char req[256], enc[64];
	unsigned int i, k;

	ASSERT_EQ(0, client_connect(&c, self->port, 0));
	for (i = 0; i < ARRAY_SIZE(types); i++) {
		/* "a b.txt" goes as "a%20b.txt" */
		for (k = 0; types[i].name[k] && k < 20; k++)
			if (types[i].name[k] == ' ')
				break;
		if (types[i].name[k] == ' ')
			snprintf(enc, sizeof(enc), "%.*s%%20%s", k,
				 types[i].name, types[i].name + k + 1);
		else
			snprintf(enc, sizeof(enc), "%s", types[i].name);
		snprintf(req, sizeof(req), REQ("GET", "/%s"),
			 enc);
		ASSERT_EQ(0, client_sends(&c, req));
		ASSERT_EQ(0, read_response(&c, &r, false));
		expect_file(_metadata, &r, types[i].name, types[i].type, true);
		response_free(&r);
	}
	client_close(&c);
}

TEST_F(httpd, head)
{
	struct response get, head;
	struct client c;

	ASSERT_EQ(0, exchange(self->port,
			      REQ("GET", "/page.html"),
			      &get, false, NULL));
	ASSERT_EQ(0, exchange(self->port,
			      REQ("HEAD", "/page.html"),
			      &head, true, &c));
	EXPECT_EQ(200, head.status);
	EXPECT_STREQ(get.head, head.head);
	/* No body: the next response on the connection follows at once. */
	ASSERT_EQ(0, client_sends(&c, "HEAD /nothing HTTP/1.1\r\nHost: t\r\n"
					"Connection: close\r\n\r\n"));
	response_free(&head);
	ASSERT_EQ(0, read_response(&c, &head, true));
	expect_error(_metadata, &head, 404, "404 Not Found", NULL, false, true);
	EXPECT_TRUE(client_eof(&c));
	response_free(&head);
	response_free(&get);
	client_close(&c);
}

/*
 * Sends the @len bytes at @req on a new connection: what comes back until
 * the server closes it must be exactly @want.
 */
static void expect_exactly_close(struct __test_metadata *_metadata, int port,
				 const char *req, size_t len, const char *want)
{
	struct client c;
	ssize_t n;

	ASSERT_EQ(0, client_connect(&c, port, 0));
	ASSERT_EQ(0, client_send(&c, req, len));
	do {
		n = client_fill(&c, 0);
	} while (n > 0);
	EXPECT_EQ(0, n) TH_LOG("no close after %zu bytes", c.len);
	if (c.len < c.cap) {
		c.buf[c.len] = 0;
		EXPECT_STREQ(want, c.buf);
	}
	client_close(&c);
}

/* A HEAD request, its error, and whether the connection stays open */
#define HEAD_ERR(req, reason, extra, keep)				\
	{ req, sizeof(req) - 1, reason, extra, keep }

/*
 * HEAD answered with an error, whichever stage of the server decides it:
 * the request line (400, 505), the fields (400), the target (400, 404,
 * 403, 301), the path (414), a header too large (431) or too slow (408).
 * Each response is exactly the header the same request with GET gets,
 * its Content-Length included, and no body (RFC 9110 9.3.2).  Then the
 * connection closes as for GET, a request pipelined behind it unanswered,
 * or stays open and answers that request.
 */
TEST_F_TIMEOUT(httpd, head_errors, 60)
{
	static const struct {
		const char *req;
		size_t len;
		const char *reason;
		const char *extra;
		bool keep;
	} cases[] = {
		/* the request line */
		HEAD_ERR("HEAD /\r\n\r\n", "400 Bad Request", NULL, false),
		HEAD_ERR("HEAD / HTTP/1.1 x\r\nHost: t\r\n\r\n",
			 "400 Bad Request", NULL, false),
		HEAD_ERR("HEAD  / HTTP/1.1\r\nHost: t\r\n\r\n",
			 "400 Bad Request", NULL, false),
		HEAD_ERR("HEAD / HTTX/1.1\r\nHost: t\r\n\r\n",
			 "400 Bad Request", NULL, false),
		HEAD_ERR("HEAD / HTTP/1.x\r\nHost: t\r\n\r\n",
			 "400 Bad Request", NULL, false),
		HEAD_ERR(REQ("HEAD", "/\rx"), "400 Bad Request", NULL, false),
		HEAD_ERR("HEAD / HTTP/1.1\nHost: t\r\n\r\n", "400 Bad Request",
			 NULL, false),
		HEAD_ERR(REQ("HEAD", "/index.html\0/x"), "400 Bad Request",
			 NULL, false),
		HEAD_ERR("HEAD / HTTP/2.0\r\nHost: t\r\n\r\n",
			 "505 HTTP Version Not Supported", NULL, false),
		HEAD_ERR("HEAD / HTTP/1.2\r\nHost: t\r\n\r\n",
			 "505 HTTP Version Not Supported", NULL, false),
		HEAD_ERR("HEAD / HTTP/0.9\r\nHost: t\r\n\r\n",
			 "505 HTTP Version Not Supported", NULL, false),
		/* the fields */
		HEAD_ERR("HEAD / HTTP/1.1\r\n\r\n", "400 Bad Request", NULL,
			 false),
		HEAD_ERR("HEAD / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
			 "400 Bad Request", NULL, false),
		HEAD_ERR(REQH("HEAD", "/", "NoColon\r\n"), "400 Bad Request",
			 NULL, false),
		HEAD_ERR("HEAD / HTTP/1.1\r\nHost : t\r\n\r\n",
			 "400 Bad Request", NULL, false),
		HEAD_ERR(REQH("HEAD", "/", " folded\r\n"), "400 Bad Request",
			 NULL, false),
		HEAD_ERR(REQH("HEAD", "/", "Content-Length: x\r\n"),
			 "400 Bad Request", NULL, false),
		/* the target */
		HEAD_ERR(REQ("HEAD", "*"), "400 Bad Request", NULL, false),
		HEAD_ERR(REQ("HEAD", "http://u@t/"), "400 Bad Request", NULL,
			 false),
		HEAD_ERR(REQ("HEAD", "/%zz"), "400 Bad Request", NULL, false),
		HEAD_ERR(REQ("HEAD", "/nope.html"), "404 Not Found", NULL,
			 true),
		HEAD_ERR("HEAD /nope.html HTTP/1.0\r\n\r\n", "404 Not Found",
			 NULL, false),
		HEAD_ERR(REQ("HEAD", "/escape"), "403 Forbidden", NULL, true),
		HEAD_ERR(REQ("HEAD", "/noindex"), "301 Moved Permanently",
			 "Location: /noindex/\r\n", true),
	};
	static const char next[] = REQ("GET", "/page.html");
	struct response r;
	struct client c;
	char req[8192], want[1024];
	unsigned int i;
	size_t n;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		/* The request, and one pipelined behind it */
		memcpy(req, cases[i].req, cases[i].len);
		memcpy(req + cases[i].len, next, sizeof(next) - 1);
		n = cases[i].len + sizeof(next) - 1;
		error_head(want, sizeof(want), cases[i].reason,
			   cases[i].extra, cases[i].keep);
		if (!cases[i].keep) {
			expect_exactly_close(_metadata, self->port, req, n,
					     want);
			continue;
		}
		ASSERT_EQ(0, client_connect(&c, self->port, 0));
		ASSERT_EQ(0, client_send(&c, req, n));
		ASSERT_EQ(0, read_response(&c, &r, true));
		EXPECT_STREQ(want, r.head);
		response_free(&r);
		ASSERT_EQ(0, read_response(&c, &r, false))
			TH_LOG("%s: no response to the next request",
			       cases[i].req);
		expect_file(_metadata, &r, "page.html",
			    "text/html; charset=utf-8", true);
		response_free(&r);
		client_close(&c);
	}

	/* A path too long: 414 */
	n = snprintf(req, sizeof(req), REQ("HEAD", "/%0*d") "%s", 6000, 0,
		     next);
	error_head(want, sizeof(want), "414 URI Too Long", NULL, false);
	expect_exactly_close(_metadata, self->port, req, n, want);

	/* A header larger than the server's buffer: 431 */
	memset(req, 'a', sizeof(req));
	memcpy(req, "HEAD / HTTP/1.1\r\nHost: t\r\nX-Big: ", 33);
	error_head(want, sizeof(want), "431 Request Header Fields Too Large",
		   NULL, false);
	expect_exactly_close(_metadata, self->port, req, sizeof(req), want);

	/* Half a header, then nothing: 408 after the server's timeout */
	n = snprintf(req, sizeof(req), "HEAD /page.html HTTP/1.1\r\n");
	error_head(want, sizeof(want), "408 Request Timeout", NULL, false);
	expect_exactly_close(_metadata, self->port, req, n, want);
}

TEST_F(httpd, empty_file)
{
	struct response r;
	struct client c;

	ASSERT_EQ(0, exchange(self->port,
			      REQ("GET", "/empty.txt"),
			      &r, false, &c));
	expect_file(_metadata, &r, "empty.txt", "text/plain; charset=utf-8",
		    true);
	response_free(&r);
	ASSERT_EQ(0, client_sends(&c, REQ("GET", "/page.html")));
	ASSERT_EQ(0, read_response(&c, &r, false));
	expect_file(_metadata, &r, "page.html", "text/html; charset=utf-8",
		    true);
	response_free(&r);
	client_close(&c);
}

TEST_F(httpd, not_found)
{
	static const char *const reqs[] = {
		REQ("GET", "/nope.html"),
		REQ("GET", "/sub/nope"),
		/* a file is no directory */
		REQ("GET", "/page.html/"),
		REQ("GET", "/page.html/x"),
		/* a directory without index.html */
		REQ("GET", "/noindex/"),
	};
	struct response r;
	struct client c;
	unsigned int i;

	ASSERT_EQ(0, client_connect(&c, self->port, 0));
	for (i = 0; i < ARRAY_SIZE(reqs); i++) {
		ASSERT_EQ(0, client_sends(&c, reqs[i]));
		ASSERT_EQ(0, read_response(&c, &r, false));
		expect_error(_metadata, &r, 404, "404 Not Found", NULL, true,
			     false);
		response_free(&r);
	}
	client_close(&c);
}

TEST_F(httpd, forbidden)
{
	static const char *const reqs[] = {
		REQ("GET", "/escape"),
		REQ("GET", "/abs-escape"),
		REQ("GET", "/sub/up"),
		REQ("GET", "/fifo"),
	};
	struct response r;
	struct client c;
	unsigned int i;

	ASSERT_EQ(0, client_connect(&c, self->port, 0));
	for (i = 0; i < ARRAY_SIZE(reqs); i++) {
		ASSERT_EQ(0, client_sends(&c, reqs[i]));
		ASSERT_EQ(0, read_response(&c, &r, false));
		expect_error(_metadata, &r, 403, "403 Forbidden", NULL, true,
			     false);
		EXPECT_EQ(NULL, strstr(r.body, secret));
		response_free(&r);
	}
	client_close(&c);
}

TEST_F(httpd, symlink_inside_and_dotdot_inside)
{
	static const char *const reqs[] = {
		REQ("GET", "/inside.html"),
		REQ("GET", "/noindex/../sub/index.html"),
		REQ("GET", "/sub/./index.html?q=1#frag"),
		REQ("GET", "/%73ub/%69ndex.html"),
		REQ("GET", "/sub%2Findex.html"),
		REQ("GET", "/sub/"),
	};
	struct response r;
	struct client c;
	unsigned int i;

	ASSERT_EQ(0, client_connect(&c, self->port, 0));
	for (i = 0; i < ARRAY_SIZE(reqs); i++) {
		ASSERT_EQ(0, client_sends(&c, reqs[i]));
		ASSERT_EQ(0, read_response(&c, &r, false));
		expect_file(_metadata, &r, "sub/index.html",
			    "text/html; charset=utf-8", true);
		response_free(&r);
	}
	client_close(&c);
}

TEST_F(httpd, directory_redirect)
{
	struct response r;

	ASSERT_EQ(0, exchange(self->port,
			      REQ("GET", "/sub?x=1"),
			      &r, false, NULL));
	expect_error(_metadata, &r, 301, "301 Moved Permanently",
		     "Location: /sub/\r\n", true, false);
	response_free(&r);
	ASSERT_EQ(0, exchange(self->port,
			      REQ("HEAD", "/noindex"),
			      &r, true, NULL));
	expect_error(_metadata, &r, 301, "301 Moved Permanently",
		     "Location: /noindex/\r\n", true, true);
	response_free(&r);
}

TEST_F(httpd, absolute_form)
{
	/* Each path, as origin-form and after each prefix: one response */
	static const char *const paths[] = {
		"/page.html",
		"/sub/",
		"/sub",
		"/%73ub/index.html?q=1",
		"/nope.html",
		"/fifo",
		"/../secret.txt",
		"//etc/passwd",
		"/escape",
	};
	static const char *const prefixes[] = {
		"http://t",
		"HTTPS://t:443",
		"hTtP://127.0.0.1:8080",
	};
	struct response o, a;
	struct client c;
	unsigned int i, k;
	char req[256];

	for (i = 0; i < ARRAY_SIZE(paths); i++) {
		snprintf(req, sizeof(req), REQ("GET", "%s"), paths[i]);
		ASSERT_EQ(0, exchange(self->port, req, &o, false, NULL))
			TH_LOG("%s", req);
		for (k = 0; k < ARRAY_SIZE(prefixes); k++) {
			snprintf(req, sizeof(req), REQ("GET", "%s%s"),
				 prefixes[k], paths[i]);
			ASSERT_EQ(0, exchange(self->port, req, &a, false,
					      NULL))
				TH_LOG("%s", req);
			EXPECT_STREQ(o.head, a.head) TH_LOG("%s", req);
			EXPECT_EQ(o.body_len, a.body_len) TH_LOG("%s", req);
			if (o.body_len == a.body_len)
				EXPECT_EQ(0, memcmp(o.body, a.body, a.body_len))
					TH_LOG("%s", req);
			EXPECT_EQ(NULL, strstr(a.body, secret));
			response_free(&a);
		}
		response_free(&o);
	}

	/* 200 with the file, kept alive; without a path, the index */
	ASSERT_EQ(0, exchange(self->port, REQ("GET", "http://t/page.html"),
			      &a, false, &c));
	expect_file(_metadata, &a, "page.html", "text/html; charset=utf-8",
		    true);
	response_free(&a);
	ASSERT_EQ(0, client_sends(&c, REQ("GET", "http://t")));
	ASSERT_EQ(0, read_response(&c, &a, false));
	expect_file(_metadata, &a, "index.html", "text/html; charset=utf-8",
		    true);
	response_free(&a);
	ASSERT_EQ(0, client_sends(&c, REQ("GET", "https://t?/sub/")));
	ASSERT_EQ(0, read_response(&c, &a, false));
	expect_file(_metadata, &a, "index.html", "text/html; charset=utf-8",
		    true);
	response_free(&a);
	client_close(&c);
}

/* Each of @reqs on a new connection: @status, exactly, then a close. */
static void expect_errors_close(struct __test_metadata *_metadata, int port,
				const char *const *reqs, unsigned int n,
				int status, const char *reason,
				const char *extra)
{
	struct response r;
	struct client c;
	unsigned int i;

	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, exchange(port, reqs[i], &r, false, &c))
			TH_LOG("request %u: no response", i);
		expect_error(_metadata, &r, status, reason, extra, false,
			     false);
		if (r.status != status)
			TH_LOG("request %u: %s", i, reqs[i]);
		EXPECT_TRUE(client_eof(&c)) TH_LOG("request %u: not closed", i);
		response_free(&r);
		client_close(&c);
	}
}

TEST_F(httpd, bad_request)
{
	static const char *const reqs[] = {
		"GET /\r\n\r\n",				/* HTTP/0.9 */
		REQ("GET", ""),			/* empty target */
		"GET / HTTP/1.1 x\r\nHost: t\r\n\r\n",
		"GET / HTTX/1.1\r\nHost: t\r\n\r\n",
		"GET / HTTP/1.x\r\nHost: t\r\n\r\n",
		"GET / HTTP/1.10\r\nHost: t\r\n\r\n",
		" GET / HTTP/1.1\r\nHost: t\r\n\r\n",
		REQ("GET", "/\rx"),		/* bare CR */
		"GET / HTTP/1.1\nHost: t\r\n\r\n",		/* bare LF */
		REQ("GET", "/%zz"),		/* bad escapes */
		REQ("GET", "/%4"),
		REQ("GET", "/index.html%00.txt"),
		REQ("GET", "*"),
		REQ("GET", "index.html"),
		REQ("GET", "t:80"),		/* authority-form */
		REQ("GET", "ftp://t/index.html"),
		REQ("GET", "http:/index.html"),
		REQ("GET", "http:///index.html"),	/* no host */
		REQ("GET", "http://"),
		REQ("GET", "http://u@t/index.html"),	/* userinfo */
		"GET / HTTP/1.1\r\n\r\n",			/* no Host */
		"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
		REQH("GET", "/", "NoColon\r\n"),
		"GET / HTTP/1.1\r\nHost : t\r\n\r\n",
		REQH("GET", "/", " folded\r\n"),
		REQH("GET", "/", "Content-Length: x\r\n"),
		REQ("G@T", "/"),			/* not a token */
	};

	expect_errors_close(_metadata, self->port, reqs, ARRAY_SIZE(reqs), 400,
			    "400 Bad Request", NULL);
}

TEST_F(httpd, nul_in_request)
{
	static const char req[] = REQ("GET", "/index.html\0/x");
	struct response r;
	struct client c;

	ASSERT_EQ(0, client_connect(&c, self->port, 0));
	ASSERT_EQ(0, client_send(&c, req, sizeof(req) - 1));
	ASSERT_EQ(0, read_response(&c, &r, false));
	expect_error(_metadata, &r, 400, "400 Bad Request", NULL, false, false);
	response_free(&r);
	client_close(&c);
}

TEST_F(httpd, method_not_allowed)
{
	static const char *const reqs[] = {
		REQ("POST", "/"),
		REQ("PUT", "/"),
		REQ("DELETE", "/"),
		REQ("PATCH", "/"),
		REQ("OPTIONS", "*"),
		REQ("CONNECT", "t:80"),
		REQ("TRACE", "/"),
	};
	struct response r;
	struct client c;
	unsigned int i;

	/* Without a body the connection stays open */
	ASSERT_EQ(0, client_connect(&c, self->port, 0));
	for (i = 0; i < ARRAY_SIZE(reqs); i++) {
		ASSERT_EQ(0, client_sends(&c, reqs[i]));
		ASSERT_EQ(0, read_response(&c, &r, false));
		expect_error(_metadata, &r, 405, "405 Method Not Allowed",
			     "Allow: GET, HEAD\r\n", true, false);
		response_free(&r);
	}
	client_close(&c);

	/* With one it is answered, then closed, the body unread */
	ASSERT_EQ(0, exchange(self->port, "POST /x HTTP/1.1\r\nHost: t\r\n"
			      "Content-Length: 5\r\n\r\nhello", &r, false, &c));
	expect_error(_metadata, &r, 405, "405 Method Not Allowed",
		     "Allow: GET, HEAD\r\n", false, false);
	EXPECT_TRUE(client_eof(&c));
	response_free(&r);
	client_close(&c);
}

TEST_F(httpd, not_implemented)
{
	static const char *const reqs[] = {
		REQ("BREW", "/"),
		REQ("get", "/"),			/* case matters */
		REQ("PROPFIND", "/"),
		REQ("VERYLONGMETHODNAME", "/"),
	};

	expect_errors_close(_metadata, self->port, reqs, ARRAY_SIZE(reqs), 501,
			    "501 Not Implemented", NULL);
}

TEST_F(httpd, version_not_supported)
{
	static const char *const reqs[] = {
		"GET / HTTP/2.0\r\nHost: t\r\n\r\n",
		"GET / HTTP/1.2\r\nHost: t\r\n\r\n",
		"GET / HTTP/0.9\r\nHost: t\r\n\r\n",
		"GET / HTTP/3.0\r\nHost: t\r\n\r\n",
	};

	expect_errors_close(_metadata, self->port, reqs, ARRAY_SIZE(reqs), 505,
			    "505 HTTP Version Not Supported", NULL);
}

TEST_F(httpd, header_too_large)
{
	struct response r;
	struct client c;
	char *req;
	size_t n = 12000;

	/* More than the server's 8 KiB, the end of the header never seen */
	req = malloc(n + 1);
	ASSERT_NE(NULL, req);
	memset(req, 'a', n);
	memcpy(req, "GET / HTTP/1.1\r\nHost: t\r\nX-Big: ", 32);
	req[n] = 0;
	ASSERT_EQ(0, client_connect(&c, self->port, 0));
	ASSERT_EQ(0, client_send(&c, req, n));
	ASSERT_EQ(0, read_response(&c, &r, false));
	expect_error(_metadata, &r, 431, "431 Request Header Fields Too Large",
		     NULL, false, false);
	EXPECT_TRUE(client_eof(&c));
	response_free(&r);
	client_close(&c);
	free(req);
}

TEST_F(httpd, uri_too_long)
{
	struct response r;
	char *req;
	size_t n = 6000;

	/* Within the buffer, but a path longer than PATH_MAX */
	req = malloc(n + 64);
	ASSERT_NE(NULL, req);
	snprintf(req, n + 64, REQ("GET", "/%0*d"),
		 (int)n, 0);
	ASSERT_EQ(0, exchange(self->port, req, &r, false, NULL));
	expect_error(_metadata, &r, 414, "414 URI Too Long", NULL, false,
		     false);
	response_free(&r);
	free(req);
}

TEST_F_TIMEOUT(httpd, request_timeout, 60)
{
	struct response r;
	struct client a;
	long t0, t_b, t_a;

	/* A sends half a request and stalls */
	ASSERT_EQ(0, client_connect(&a, self->port, 0));
	t0 = mono_ms();
	ASSERT_EQ(0, client_sends(&a, "GET /page.html HTTP/1.1\r\n"
					"Host: t\r\n"));

	/* B is served meanwhile */
	sleep_ms(100);
	ASSERT_EQ(0, exchange(self->port,
			      REQ("GET", "/page.html"),
			      &r, false, NULL));
	t_b = mono_ms() - t0;
	expect_file(_metadata, &r, "page.html", "text/html; charset=utf-8",
		    true);
	response_free(&r);

	/* A gets a 408 about TIMEOUT_MS after its first byte, then a close */
	ASSERT_EQ(0, read_response(&a, &r, false));
	t_a = mono_ms() - t0;
	expect_error(_metadata, &r, 408, "408 Request Timeout", NULL, false,
		     false);
	EXPECT_TRUE(client_eof(&a));
	response_free(&r);
	client_close(&a);
	EXPECT_LT(t_b, t_a) TH_LOG("B was not served during A's stall");
	EXPECT_GE(t_a, TIMEOUT_MS - 100);
	EXPECT_LE(t_a, 4 * TIMEOUT_MS) TH_LOG("408 after %ld ms", t_a);
}

TEST_F_TIMEOUT(httpd, idle_close, 60)
{
	struct response r;
	struct client c;
	long t0, t;

	ASSERT_EQ(0, exchange(self->port,
			      REQ("GET", "/page.html"),
			      &r, false, &c));
	t0 = mono_ms();
	EXPECT_EQ(200, r.status);
	response_free(&r);
	/* An idle keep-alive connection is closed silently. */
	EXPECT_TRUE(client_eof(&c));
	t = mono_ms() - t0;
	EXPECT_GE(t, TIMEOUT_MS - 100);
	EXPECT_LE(t, 4 * TIMEOUT_MS) TH_LOG("closed after %ld ms", t);
	client_close(&c);
}

TEST_F(httpd, keep_alive)
{
	static const char *const names[] = {
		"index.html", "page.html", "t.css", "sub/index.html", "t.txt",
		"page.html",
	};
	struct response r;
	struct client c;
	char req[256];
	unsigned int i;

	ASSERT_EQ(0, client_connect(&c, self->port, 0));
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		snprintf(req, sizeof(req),
			 REQH("GET", "/%s", "Connection: keep-alive\r\n"),
			 names[i]);
		ASSERT_EQ(0, client_sends(&c, req));
		ASSERT_EQ(0, read_response(&c, &r, false));
		EXPECT_EQ(200, r.status);
		EXPECT_TRUE(header_is(&r, "Connection", "keep-alive"));
		response_free(&r);
	}
	client_close(&c);
}

TEST_F(httpd, pipelined)
{
	/* Three requests in one write, the last one closing */
	static const char three[] =
		REQ("GET", "/page.html")
		REQ("HEAD", "/t.json")
		REQH("GET", "/sub/", "Connection: close\r\n");
	struct response r;
	struct client c;

	ASSERT_EQ(0, client_connect(&c, self->port, 0));
	ASSERT_EQ(0, client_sends(&c, three));
	ASSERT_EQ(0, read_response(&c, &r, false));
	expect_file(_metadata, &r, "page.html", "text/html; charset=utf-8",
		    true);
	response_free(&r);
	ASSERT_EQ(0, read_response(&c, &r, true));
	EXPECT_EQ(200, r.status);
	EXPECT_TRUE(header_is(&r, "Content-Type", "application/json"));
	response_free(&r);
	ASSERT_EQ(0, read_response(&c, &r, false));
	expect_file(_metadata, &r, "sub/index.html", "text/html; charset=utf-8",
		    false);
	response_free(&r);
	EXPECT_TRUE(client_eof(&c));
	client_close(&c);
}

TEST_F(httpd, connection_close)
{
	static const char *const reqs[] = {
		REQH("GET", "/page.html", "Connection: close\r\n"),
		REQH("GET", "/page.html", "connection:CLOSE\r\n"),
		REQH("GET", "/page.html", "CONNECTION: Keep-Alive, Close \r\n"),
		/* HTTP/1.0 closes by default */
		"GET /page.html HTTP/1.0\r\n\r\n",
		"GET /page.html HTTP/1.0\r\n"
		"Connection: keep-alive, close\r\n\r\n",
		/* A body: answered, then closed */
		REQH("GET", "/page.html", "Content-Length: 3\r\n") "abc",
		REQH("GET", "/page.html", "Transfer-Encoding: chunked\r\n")
		"0\r\n\r\n",
	};
	struct response r;
	struct client c;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(reqs); i++) {
		ASSERT_EQ(0, exchange(self->port, reqs[i], &r, false, &c));
		expect_file(_metadata, &r, "page.html",
			    "text/html; charset=utf-8", false);
		EXPECT_TRUE(client_eof(&c)) TH_LOG("request %u: not closed", i);
		response_free(&r);
		client_close(&c);
	}
}

TEST_F(httpd, http10_keep_alive)
{
	struct response r;
	struct client c;

	ASSERT_EQ(0, exchange(self->port, "GET /page.html HTTP/1.0\r\n"
			      "Connection: Keep-Alive\r\n\r\n", &r, false, &c));
	expect_file(_metadata, &r, "page.html", "text/html; charset=utf-8",
		    true);
	response_free(&r);
	ASSERT_EQ(0, client_sends(&c, "GET /index.html HTTP/1.0\r\n\r\n"));
	ASSERT_EQ(0, read_response(&c, &r, false));
	expect_file(_metadata, &r, "index.html", "text/html; charset=utf-8",
		    false);
	EXPECT_TRUE(client_eof(&c));
	response_free(&r);
	client_close(&c);
}

/* Limits net.ipv4.tcp_wmem so that the server's socket fills: 0 or -1. */
static int small_wmem(struct _test_data_httpd *self)
{
	char old[128] = "";
	ssize_t n;
	int fd;

	fd = open("/proc/sys/net/ipv4/tcp_wmem", O_RDWR);
	if (fd < 0)
		return -1;
	n = read(fd, old, sizeof(old) - 1);
	if (n <= 0) {
		close(fd);
		return -1;
	}
	old[n] = 0;
	if (pwrite(fd, "4096 16384 65536", 16, 0) != 16) {
		close(fd);
		return -1;
	}
	close(fd);
	self->restored_wmem = strdup(old);
	return 0;
}

TEST_F_TIMEOUT(httpd, big_file_slow_reader, 180)
{
	static const char *const one_worker[] = { "-w", "1", NULL };
	struct response r;
	struct client c;
	size_t got = 0, len, hl;
	char *file, *end;
	long t0;
	ssize_t n;

	/*
	 * One worker: while the slow reader's response waits for room, the
	 * worker must serve another client.  Small send buffers make sure
	 * it does wait (loopback's would hold the whole file).
	 */
	if (small_wmem(self))
		TH_LOG("no tcp_wmem limit: the socket may not fill");
	server_restart(_metadata, self, one_worker);
	file = slurp("big.bin", &len);
	ASSERT_NE(NULL, file);
	ASSERT_EQ(BIG_SIZE, len);

	ASSERT_EQ(0, client_connect(&c, self->port, 4096));
	ASSERT_EQ(0, client_sends(&c, REQ("GET", "/big.bin")));
	while (!(end = memmem(c.buf, c.len, "\r\n\r\n", 4)))
		ASSERT_LT(0, client_fill(&c, 0));
	hl = end + 4 - c.buf;
	c.buf[hl - 1] = 0;
	EXPECT_NE(NULL, strstr(c.buf, "\r\nContent-Length: 1048576\r\n"));
	EXPECT_NE(NULL, strstr(c.buf, "\r\nContent-Type: application/octet-stream\r\n"));
	memmove(c.buf, c.buf + hl, c.len - hl);
	c.len -= hl;

	/* 256 KiB in small reads with pauses */
	while (c.len < BIG_SIZE / 4) {
		ASSERT_LT(0, client_fill(&c, 1000));
		sleep_ms(1);
	}
	/* A stall: another client is served meanwhile */
	t0 = mono_ms();
	ASSERT_EQ(0, exchange(self->port,
			      REQ("GET", "/index.html"),
			      &r, false, NULL));
	expect_file(_metadata, &r, "index.html", "text/html; charset=utf-8",
		    true);
	EXPECT_LT(mono_ms() - t0, 3000);
	response_free(&r);
	sleep_ms(300);
	/* The rest */
	while (c.len < BIG_SIZE) {
		n = client_fill(&c, 65536);
		ASSERT_LT(0, n);
		got += n;
	}
	EXPECT_EQ(BIG_SIZE, c.len);
	EXPECT_EQ(0, memcmp(file, c.buf, BIG_SIZE))
		TH_LOG("the body differs from the file");
	/* And the connection is still good */
	c.len = 0;
	ASSERT_EQ(0, client_sends(&c, REQ("GET", "/page.html")));
	ASSERT_EQ(0, read_response(&c, &r, false));
	expect_file(_metadata, &r, "page.html", "text/html; charset=utf-8",
		    true);
	response_free(&r);
	client_close(&c);
	free(file);
}

/*
 * A small file goes with its header in one send; a socket that takes only
 * part of it leaves the rest to be sent as room comes, on a connection
 * that stays good for the next request.
 */
TEST_F_TIMEOUT(httpd, small_file_slow_reader, 60)
{
	static const char *const one_worker[] = { "-w", "1", NULL };
	struct response r;
	struct client c;
	size_t len, hl;
	char *file, *end;
	int i;

	if (small_wmem(self))
		TH_LOG("no tcp_wmem limit: the socket may not fill");
	server_restart(_metadata, self, one_worker);
	file = slurp("mid.bin", &len);
	ASSERT_NE(NULL, file);
	ASSERT_EQ(MID_SIZE, len);

	/* Twice on one connection, the first time read slowly */
	ASSERT_EQ(0, client_connect(&c, self->port, 4096));
	for (i = 0; i < 2; i++) {
		c.len = 0;
		ASSERT_EQ(0, client_sends(&c, REQ("GET", "/mid.bin")));
		if (!i)
			sleep_ms(200);
		while (!(end = memmem(c.buf, c.len, "\r\n\r\n", 4)))
			ASSERT_LT(0, client_fill(&c, i ? 65536 : 512));
		hl = end + 4 - c.buf;
		c.buf[hl - 1] = 0;
		EXPECT_NE(NULL, strstr(c.buf, "HTTP/1.1 200 OK\r\n"));
		EXPECT_NE(NULL, strstr(c.buf, "\r\nContent-Length: 16000\r\n"));
		memmove(c.buf, c.buf + hl, c.len - hl);
		c.len -= hl;
		while (c.len < MID_SIZE) {
			ASSERT_LT(0, client_fill(&c, i ? 65536 : 512));
			if (!i)
				sleep_ms(1);
		}
		EXPECT_EQ(MID_SIZE, c.len) TH_LOG("request %d", i);
		EXPECT_EQ(0, memcmp(file, c.buf, MID_SIZE))
			TH_LOG("request %d: the body differs from the file", i);
	}
	/* And the connection is still good */
	c.len = 0;
	ASSERT_EQ(0, client_sends(&c, REQ("GET", "/page.html")));
	ASSERT_EQ(0, read_response(&c, &r, false));
	expect_file(_metadata, &r, "page.html", "text/html; charset=utf-8",
		    true);
	response_free(&r);
	client_close(&c);
	free(file);
}

TEST_F_TIMEOUT(httpd, big_file_head_and_get, 120)
{
	struct response r;
	struct client c;

	ASSERT_EQ(0, exchange(self->port,
			      REQ("HEAD", "/big.bin"),
			      &r, true, &c));
	EXPECT_EQ(200, r.status);
	EXPECT_EQ(BIG_SIZE, r.clen);
	response_free(&r);
	ASSERT_EQ(0, client_sends(&c, REQ("GET", "/big.bin")));
	ASSERT_EQ(0, read_response(&c, &r, false));
	expect_file(_metadata, &r, "big.bin", "application/octet-stream", true);
	response_free(&r);
	client_close(&c);
}

TEST_F(httpd, traversal)
{
	const char *const targets[] = {
		"/../secret.txt",
		"/%2e%2e/secret.txt",
		"/.%2e/secret.txt",
		"/..%2fsecret.txt",
		"/..%2F..%2F..%2F..%2F..%2F..%2Fetc/passwd",
		"/..%2f..%2fetc/passwd",
		"//etc/passwd",
		"/sub/../../secret.txt",
		"/sub/%2e%2e/%2e%2e/secret.txt",
		"/sub/up",
		"/escape",
		"/abs-escape",
		"/escape/",
		"/..",
		"/../",
		"/%2e%2e",
		/* absolute-form: the same paths, beneath the docroot too */
		"http://t/../secret.txt",
		"http://t/%2e%2e/secret.txt",
		"http://t/..%2f..%2fetc/passwd",
		"http://t/etc/passwd",
		"http://t//etc/passwd",
		"HTTP://t/sub/../../secret.txt",
		"https://t/escape",
		"http://t/abs-escape",
		"http://t/sub/up",
		"http://t/..",
		"http://../secret.txt",
	};
	char req[PATH_MAX + 128], *file;
	struct response r;
	unsigned int i;
	size_t len;

	for (i = 0; i < ARRAY_SIZE(targets) + 4; i++) {
		if (i < ARRAY_SIZE(targets))
			snprintf(req, sizeof(req),
				 REQ("GET", "%s"),
				 targets[i]);
		else if (i == ARRAY_SIZE(targets))	/* absolute-form */
			snprintf(req, sizeof(req),
				 REQ("GET", "http://t%s"),
				 secret_path);
		else if (i == ARRAY_SIZE(targets) + 1)	/* the path */
			snprintf(req, sizeof(req),
				 REQ("GET", "%s"),
				 secret_path);
		else if (i == ARRAY_SIZE(targets) + 2)
			snprintf(req, sizeof(req),
				 REQ("GET", "/%s"),
				 secret_path);
		else
			snprintf(req, sizeof(req),
				 REQ("GET", "/%%2f%s"),
				 secret_path + 1);
		ASSERT_EQ(0, exchange(self->port, req, &r, false, NULL))
			TH_LOG("%s", req);
		EXPECT_TRUE(r.status == 400 || r.status == 403 ||
			    r.status == 404)
			TH_LOG("%d for %s", r.status, req);
		EXPECT_EQ(NULL, strstr(r.body, secret)) TH_LOG("%s", req);
		EXPECT_EQ(NULL, strstr(r.body, "root:")) TH_LOG("%s", req);
		response_free(&r);
	}
	/* The secret is there, and readable to the server's user. */
	file = slurp("../secret.txt", &len);
	ASSERT_NE(NULL, file);
	EXPECT_EQ(strlen(secret), len);
	EXPECT_EQ(0, memcmp(file, secret, len));
	free(file);
}

TEST_F_TIMEOUT(httpd, concurrent, 120)
{
	static struct client cs[CONC];
	struct response r;
	char req[128];
	int i, ok = 0;

#ifdef HTTPD_TLS
	static const char *const patient[] = { "-t", "10000", NULL };

	/*
	 * 100 handshakes one after the other take longer than the 1000 ms
	 * the first connections could stay idle meanwhile.
	 */
	server_restart(_metadata, self, patient);
#endif

	for (i = 0; i < CONC; i++)
		ASSERT_EQ(0, client_connect(&cs[i], self->port, 0))
			TH_LOG("client %d", i);
	for (i = 0; i < CONC; i++) {
		snprintf(req, sizeof(req),
			 REQH("GET", "/%s", "Connection: close\r\n"),
			 (i & 1) ? "page.html" : "index.html");
		ASSERT_EQ(0, client_sends(&cs[i], req));
	}
	for (i = 0; i < CONC; i++) {
		if (!read_response(&cs[i], &r, false) && r.status == 200 &&
		    !memcmp(r.body, (i & 1) ? page_html : index_html,
			    r.body_len) &&
		    r.body_len == strlen((i & 1) ? page_html : index_html))
			ok++;
		else
			TH_LOG("client %d: status %d", i, r.status);
		response_free(&r);
		client_close(&cs[i]);
	}
	EXPECT_EQ(CONC, ok);
}

/* The first number in the /proc file at @path, or -1. */
static long proc_first(const char *path)
{
	char buf[256];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return strtol(buf, NULL, 10);
}

/*
 * Every connection the server closes releases its socket, file, inode and
 * dentry while the server's one script(2) call goes on: after many
 * connections, the system holds no more of them than before.
 * $HTTPD_CONNS sets how many (default CONNS).
 */
#ifndef CONNS
#define CONNS		2000
#endif
#define CONNS_SLACK	64	/* what the rest of the system may hold */

TEST_F_TIMEOUT(httpd, connections_release_their_files, 3600)
{
	/* Files, inodes and dentries allocated: each socket has one of each. */
	static const char *const what[] = {
		"/proc/sys/fs/file-nr",
		"/proc/sys/fs/inode-nr",
		"/proc/sys/fs/dentry-state",
	};
	const char *env = getenv("HTTPD_CONNS");
	long n = env ? atol(env) : CONNS, before[3], after[3], i, ok = 0;
	struct response r;
	int k;

	/* The first requests warm the caches up. */
	for (i = 0; i < 8; i++) {
		r.body = NULL;
		ASSERT_EQ(0, exchange(self->port, REQH("GET", "/", "Connection: close\r\n"),
				      &r, false, NULL));
		response_free(&r);
	}
	sleep_ms(100);
	for (k = 0; k < 3; k++)
		before[k] = proc_first(what[k]);
	for (i = 0; i < n; i++) {
		r.body = NULL;
		if (!exchange(self->port, REQH("GET", "/", "Connection: close\r\n"),
			      &r, false, NULL) && r.status == 200)
			ok++;
		response_free(&r);
	}
	/* The server closes each connection once it has read our FIN. */
	sleep_ms(500);
	for (k = 0; k < 3; k++) {
		after[k] = proc_first(what[k]);
		TH_LOG("%s: %ld before %ld connections, %ld after", what[k],
		       before[k], n, after[k]);
		EXPECT_LE(0, before[k]);
		EXPECT_GT(before[k] + CONNS_SLACK, after[k]);
	}
	EXPECT_EQ(n, ok);
}

TEST_F(httpd, table_full)
{
	static const char *const two[] = { "-w", "1", "-c", "2", NULL };
	struct client a, b;
	struct response r;

	server_restart(_metadata, self, two);
	ASSERT_EQ(0, exchange(self->port,
			      REQ("GET", "/page.html"),
			      &r, false, &a));
	response_free(&r);
	ASSERT_EQ(0, exchange(self->port,
			      REQ("GET", "/page.html"),
			      &r, false, &b));
	response_free(&r);
	/* Two idle keep-alive connections fill the table: a third is 503. */
	ASSERT_EQ(0, exchange(self->port,
			      REQ("GET", "/page.html"),
			      &r, false, NULL));
	expect_error(_metadata, &r, 503, "503 Service Unavailable", NULL,
		     false, false);
	response_free(&r);
	/* One leaves: there is room again. */
	client_close(&a);
	sleep_ms(200);
	ASSERT_EQ(0, exchange(self->port,
			      REQ("GET", "/page.html"),
			      &r, false, NULL));
	EXPECT_EQ(200, r.status);
	response_free(&r);
	client_close(&b);
}

TEST_F(httpd, survives_abuse)
{
	static const char junk[] =
		"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03";
	struct linger lg = { 1, 0 };
	struct response r;
	struct client c;
	int i;

	/* Gone mid-request, with a FIN */
	ASSERT_EQ(0, client_connect(&c, self->port, 0));
	ASSERT_EQ(0, client_sends(&c, "GET /index.html HTTP/1.1\r\nHo"));
	client_close(&c);
	/* ... and with a reset, mid-request and mid-response */
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, client_connect(&c, self->port, 4096));
		ASSERT_EQ(0, client_sends(&c, i ? REQ("GET", "/big.bin") :
					  "GET /index.html HTTP/1.1\r\n"));
		sleep_ms(50);
		setsockopt(c.fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		client_close(&c);
	}
	/* A TLS hello, binary junk */
	ASSERT_EQ(0, client_connect(&c, self->port, 0));
	ASSERT_EQ(0, client_send(&c, junk, sizeof(junk) - 1));
	ASSERT_EQ(0, client_sends(&c, "\r\n\r\n"));
	ASSERT_EQ(0, read_response(&c, &r, false));
	EXPECT_EQ(400, r.status);
	response_free(&r);
	client_close(&c);
	/* Connections that say nothing and go */
	for (i = 0; i < 10; i++) {
		ASSERT_EQ(0, client_connect(&c, self->port, 0));
		client_close(&c);
	}
	/* Shut down for writing after a whole request: still answered */
	ASSERT_EQ(0, client_connect(&c, self->port, 0));
	ASSERT_EQ(0, client_sends(&c, REQ("GET", "/page.html")));
	shutdown(c.fd, SHUT_WR);
	ASSERT_EQ(0, read_response(&c, &r, false));
	expect_file(_metadata, &r, "page.html", "text/html; charset=utf-8",
		    true);
	EXPECT_TRUE(client_eof(&c));
	response_free(&r);
	client_close(&c);

	/* After all that, the server still serves. */
	sleep_ms(100);
	EXPECT_EQ(0, waitpid(self->pid, NULL, WNOHANG));
	ASSERT_EQ(0, exchange(self->port,
			      REQ("GET", "/index.html"),
			      &r, false, NULL));
	expect_file(_metadata, &r, "index.html", "text/html; charset=utf-8",
		    true);
	response_free(&r);
}

TEST_F(httpd, stopped_and_continued)
{
	struct response r;
	struct client c;
	int status;

	/*
	 * SIGSTOP parks each worker's run in its state area; after SIGCONT
	 * the kernel continues it where it was, unseen by the launcher.
	 */
	ASSERT_EQ(0, exchange(self->port,
			      REQ("GET", "/page.html"),
			      &r, false, &c));
	response_free(&r);
	ASSERT_EQ(0, kill(self->pid, SIGSTOP));
	ASSERT_EQ(self->pid, waitpid(self->pid, &status, WUNTRACED));
	ASSERT_TRUE(WIFSTOPPED(status));
	/* A request on the open connection and a new one, both waiting */
	ASSERT_EQ(0, client_sends(&c, REQ("GET", "/index.html")));
	sleep_ms(200);
	ASSERT_EQ(0, kill(self->pid, SIGCONT));
	ASSERT_EQ(0, read_response(&c, &r, false));
	expect_file(_metadata, &r, "index.html", "text/html; charset=utf-8",
		    true);
	response_free(&r);
	client_close(&c);
	ASSERT_EQ(0, exchange(self->port,
			      REQ("GET", "/page.html"),
			      &r, false, NULL));
	expect_file(_metadata, &r, "page.html", "text/html; charset=utf-8",
		    true);
	response_free(&r);
}

/* What the server prints of the five requests of counters */
#define COUNTERS_5 "5 connections (0 turned away), 5 requests: 2xx 1, 3xx 1, 4xx 2, 5xx 1; "

TEST_F(httpd, counters)
{
	static const char *const one[] = { "-w", "1", NULL };
	static const char *const reqs[] = {
		REQH("GET", "/", "Connection: close\r\n"),
		REQH("GET", "/nope", "Connection: close\r\n"),
		REQH("POST", "/", "Connection: close\r\n"),
		REQH("GET", "/sub", "Connection: close\r\n"),
		"GET / HTTP/2.0\r\nHost: t\r\n\r\n",
	};
	char out[4096];
	struct response r;
	unsigned int i;

	/* Without -q: the counters at exit */
	server_stop(_metadata, self, NULL, 0);
	ASSERT_EQ(0, server_start(_metadata, self, one, false));
	for (i = 0; i < ARRAY_SIZE(reqs); i++) {
		ASSERT_EQ(0, exchange(self->port, reqs[i], &r, false, NULL));
		response_free(&r);
	}
	server_stop(_metadata, self, out, sizeof(out));
	EXPECT_NE(NULL, strstr(out, "worker 0: " COUNTERS_5))
		TH_LOG("output: %s", out);
	EXPECT_NE(NULL, strstr(out, "\ntotal: " COUNTERS_5))
		TH_LOG("output: %s", out);
}

TEST_F(httpd, stop_while_busy)
{
	struct client a, b;

	/* A slow download and half a request in flight */
	ASSERT_EQ(0, client_connect(&a, self->port, 4096));
	ASSERT_EQ(0, client_sends(&a, REQ("GET", "/big.bin")));
	ASSERT_EQ(0, client_connect(&b, self->port, 0));
	ASSERT_EQ(0, client_sends(&b, "GET / HTTP/1.1\r\n"));
	ASSERT_LT(0, client_fill(&a, 100));
	/* SIGTERM: exit 0 within STOP_MS all the same */
	server_stop(_metadata, self, NULL, 0);
	client_close(&a);
	client_close(&b);
}

/* $@name, or @file beside this test. */
static void find_file(char *buf, size_t size, const char *name,
		      const char *file)
{
	char self_path[PATH_MAX];
	const char *env = getenv(name);
	ssize_t n;

	if (env && env[0]) {
		snprintf(buf, size, "%s", env);
		return;
	}
	n = readlink("/proc/self/exe", self_path, sizeof(self_path) - 1);
	self_path[n > 0 ? n : 0] = 0;
	snprintf(buf, size, "%s/%s", n > 0 ? dirname(self_path) : ".", file);
}

int main(int argc, char **argv)
{
	int ret;

	find_file(httpd_bin, sizeof(httpd_bin), "HTTPD", "httpd");
	find_file(httpd_obj, sizeof(httpd_obj), "HTTPD_OBJ", "httpd.bpf.o");
	signal(SIGPIPE, SIG_IGN);
#ifdef HTTPD_TLS
	find_file(tls_cert, sizeof(tls_cert), "HTTPD_CERT", "httpd.crt");
	find_file(tls_key, sizeof(tls_key), "HTTPD_KEY", "httpd.key");
	tls_ctx = tls_client_ctx();
#endif
	if (make_docroot()) {
		perror("httpd_test: cannot build the docroot in /tmp");
		remove_docroot();
		return KSFT_FAIL;
	}
	atexit(remove_docroot);
	ret = test_harness_run(argc, argv);
	return ret;
}
