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

/* The server's options for tests whose clients are slow under TCG */
static const char *const patient[] = { "-t", "10000", NULL };

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

/* ---- HTTP/2 (h2c with prior knowledge): h2.bpf.h */

#define H2_PREFACE	"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
#define H2_FRAME_MAX	16384
#define H2_STREAMS	100		/* the server's MAX_CONCURRENT_STREAMS */

enum {
	H2_DATA, H2_HEADERS, H2_PRIORITY, H2_RST_STREAM, H2_SETTINGS,
	H2_PUSH_PROMISE, H2_PING, H2_GOAWAY, H2_WINDOW_UPDATE,
	H2_CONTINUATION,
};

#define H2_END_STREAM		0x1
#define H2_ACK			0x1
#define H2_END_HEADERS		0x4
#define H2_PRIO			0x20

#define E_PROTOCOL		0x1
#define E_FLOW_CONTROL		0x3
#define E_STREAM_CLOSED		0x5
#define E_FRAME_SIZE		0x6
#define E_REFUSED		0x7
#define E_COMPRESSION		0x9
#define E_CALM			0xb

/**
 * struct h2f - a frame received
 * @len: its payload's length
 * @type: its type
 * @flags: its flags
 * @id: its stream
 * @p: its payload
 */
struct h2f {
	unsigned int len, type, flags, id;
	unsigned char p[H2_FRAME_MAX];
};

/**
 * struct h2r - a response as a stream brings it
 * @status: :status, 0 before HEADERS
 * @clen: content-length, -1 without one
 * @type: content-type
 * @location: location
 * @allow: allow
 * @body: DATA (malloc'ed)
 * @len: bytes in @body
 * @done: END_STREAM came
 * @rst: RST_STREAM's code + 1, 0 for none
 * @frames: DATA frames
 * @first: the number of its first DATA frame among all h2_collect() read
 * @last: the number of its last
 */
struct h2r {
	int status;
	long clen;
	char type[1024], location[1024], allow[1024];
	char *body;
	size_t len;
	int done, rst, frames;
	long first, last;
};

static void h2_put32(unsigned char *p, unsigned int v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static unsigned int h2_get32(const unsigned char *p)
{
	return (unsigned int)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static int h2_send(struct client *c, int type, int flags, unsigned int id,
		   const void *p, size_t len)
{
	unsigned char *f = malloc(9 + len);
	int ret;

	if (!f)
		return -1;
	f[0] = len >> 16;
	f[1] = len >> 8;
	f[2] = len;
	f[3] = type;
	f[4] = flags;
	h2_put32(f + 5, id);
	if (len)
		memcpy(f + 9, p, len);
	ret = client_send(c, f, 9 + len);
	free(f);
	return ret;
}

static int h2_send32(struct client *c, int type, unsigned int id,
		     unsigned int v)
{
	unsigned char p[4];

	h2_put32(p, v);
	return h2_send(c, type, 0, id, p, 4);
}

/* Reads one frame: 0, or -1 at EOF or on a timeout. */
static int h2_recv(struct client *c, struct h2f *f)
{
	const unsigned char *b;

	while (c->len < 9)
		if (client_fill(c, 0) <= 0)
			return -1;
	b = (const unsigned char *)c->buf;
	f->len = b[0] << 16 | b[1] << 8 | b[2];
	f->type = b[3];
	f->flags = b[4];
	f->id = h2_get32(b + 5) & 0x7fffffff;
	if (f->len > H2_FRAME_MAX)
		return -1;
	while (c->len < 9 + f->len)
		if (client_fill(c, 0) <= 0)
			return -1;
	memcpy(f->p, c->buf + 9, f->len);
	memmove(c->buf, c->buf + 9 + f->len, c->len - 9 - f->len);
	c->len -= 9 + f->len;
	return 0;
}

/*
 * Connects with a receive buffer of @rcvbuf bytes (0: the default),
 * sends the preface and SETTINGS of @nset (id, value) pairs, and checks
 * that the server's SETTINGS come first: 0 or -1.
 */
static int h2_connect_buf(struct client *c, int port, const unsigned int *set,
			  int nset, int rcvbuf)
{
	unsigned char p[64];
	struct h2f *f;
	int i, ret = -1;

	if (client_connect(c, port, rcvbuf))
		return -1;
	for (i = 0; i < nset && i < 10; i++) {
		p[i * 6] = set[2 * i] >> 8;
		p[i * 6 + 1] = set[2 * i];
		h2_put32(p + i * 6 + 2, set[2 * i + 1]);
	}
	f = malloc(sizeof(*f));
	if (f && !client_sends(c, H2_PREFACE) &&
	    !h2_send(c, H2_SETTINGS, 0, 0, p, nset * 6) &&
	    !h2_recv(c, f) && f->type == H2_SETTINGS && !(f->flags & H2_ACK))
		ret = 0;
	free(f);
	return ret;
}

static int h2_connect(struct client *c, int port, const unsigned int *set,
		      int nset)
{
	return h2_connect_buf(c, port, set, nset, 0);
}

/* An HPACK integer of prefix @bits after @first's flag bits at @b. */
static size_t hp_put_int(unsigned char *b, unsigned int first, int bits,
			 size_t v)
{
	size_t max = (1U << bits) - 1, o = 0;

	if (v < max) {
		b[o++] = first | v;
		return o;
	}
	b[o++] = first | max;
	v -= max;
	while (v >= 128) {
		b[o++] = 0x80 | (v & 0x7f);
		v >>= 7;
	}
	b[o++] = v;
	return o;
}

/* A literal field without indexing of static name @idx, raw value @v. */
static size_t hp_put_lit(unsigned char *b, int idx, const char *v, size_t vl)
{
	size_t o = hp_put_int(b, 0, 4, idx);

	o += hp_put_int(b + o, 0, 7, vl);
	memcpy(b + o, v, vl);
	return o + vl;
}

/* A request's header block: @method @path, http, authority "t". */
static size_t hp_request(unsigned char *b, const char *method,
			 const char *path)
{
	size_t o = 0;

	if (!strcmp(method, "GET"))
		b[o++] = 0x82;
	else
		o += hp_put_lit(b + o, 2, method, strlen(method));
	b[o++] = 0x86;
	o += hp_put_lit(b + o, 4, path, strlen(path));
	o += hp_put_lit(b + o, 1, "t", 1);
	return o;
}

/* Sends a request on stream @id, in one HEADERS with END_STREAM. */
static int h2_get(struct client *c, unsigned int id, const char *method,
		  const char *path)
{
	static unsigned char b[H2_FRAME_MAX];

	return h2_send(c, H2_HEADERS, H2_END_STREAM | H2_END_HEADERS, id, b,
		       hp_request(b, method, path));
}

/* Decodes the server's response header block into @r: 0 or -1. */
static int hp_response(const unsigned char *b, size_t n, struct h2r *r)
{
	static const short status[15] = {
		[8] = 200, [9] = 204, [10] = 206, [11] = 304, [12] = 400,
		[13] = 404, [14] = 500,
	};
	size_t i = 0, idx, vl;
	int shift;
	char v[1024];

	while (i < n) {
		unsigned int first = b[i];
		int bits = first & 0x80 ? 7 : (first & 0xc0) == 0x40 ? 6 : 4;
		size_t max = (1U << bits) - 1;

		idx = b[i++] & max;
		for (shift = 0; idx >= max && i < n; shift += 7) {
			idx += (size_t)(b[i] & 0x7f) << shift;
			if (!(b[i++] & 0x80))
				break;
		}
		if (first & 0x80) {
			if (idx < 8 || idx > 14)
				return -1;
			r->status = status[idx];
			continue;
		}
		/* The server's fields: static names, raw values */
		if (!idx || i >= n || b[i] & 0x80)
			return -1;
		vl = b[i++];
		if (vl == 127) {
			for (shift = 0; i < n; shift += 7) {
				vl += (size_t)(b[i] & 0x7f) << shift;
				if (!(b[i++] & 0x80))
					break;
			}
		}
		if (vl >= sizeof(v) || i + vl > n)
			return -1;
		memcpy(v, b + i, vl);
		v[vl] = 0;
		i += vl;
		if (idx == 8)
			r->status = atoi(v);
		else if (idx == 28)
			r->clen = atol(v);
		else if (idx == 31)
			snprintf(r->type, sizeof(r->type), "%s", v);
		else if (idx == 46)
			snprintf(r->location, sizeof(r->location), "%s", v);
		else if (idx == 22)
			snprintf(r->allow, sizeof(r->allow), "%s", v);
		else if (idx != 54 || strcmp(v, "script(2)"))
			return -1;
	}
	return 0;
}

static void h2r_init(struct h2r *r, int n)
{
	int i;

	memset(r, 0, n * sizeof(*r));
	for (i = 0; i < n; i++)
		r[i].clen = -1;
}

static void h2r_free(struct h2r *r, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(r[i].body);
}

/*
 * h2_collect() - read frames until the responses of the @n streams
 * 1, 3, ... 2n-1 (@r[id / 2]) have ended (or were reset) that had not, giving back the window of
 * every DATA frame when @window; stops at a GOAWAY (its code + 1 in
 * *@goaway) or EOF.  Return: 0 when all ended, -1 otherwise.
 */
static int h2_collect(struct client *c, struct h2r *r, int n, bool window,
		      int *goaway)
{
	struct h2f *f = malloc(sizeof(*f));
	int left = 0, ret = -1, i;
	static long seq;
	struct h2r *s;

	for (i = 0; i < n; i++)
		if (!r[i].done && !r[i].rst)
			left++;
	if (goaway)
		*goaway = 0;
	while (f && left > 0 && !h2_recv(c, f)) {
		if (f->type == H2_GOAWAY) {
			if (goaway && f->len >= 8)
				*goaway = h2_get32(f->p + 4) + 1;
			break;
		}
		if (f->type == H2_SETTINGS && !(f->flags & H2_ACK))
			h2_send(c, H2_SETTINGS, H2_ACK, 0, NULL, 0);
		if (f->type != H2_HEADERS && f->type != H2_DATA &&
		    f->type != H2_RST_STREAM)
			continue;
		if (!(f->id & 1) || f->id / 2 >= (unsigned int)n)
			break;
		s = &r[f->id / 2];
		if (s->done || s->rst)
			break;
		if (f->type == H2_RST_STREAM) {
			s->rst = h2_get32(f->p) + 1;
			left--;
			continue;
		}
		if (f->type == H2_HEADERS) {
			if (s->status || hp_response(f->p, f->len, s))
				break;
		} else {
			if (!s->status)
				break;
			s->body = realloc(s->body, s->len + f->len + 1);
			memcpy(s->body + s->len, f->p, f->len);
			s->len += f->len;
			s->body[s->len] = 0;
			if (!s->frames++)
				s->first = seq;
			s->last = seq++;
			if (window && f->len) {
				h2_send32(c, H2_WINDOW_UPDATE, 0, f->len);
				if (!(f->flags & H2_END_STREAM))
					h2_send32(c, H2_WINDOW_UPDATE, f->id,
						  f->len);
			}
		}
		if (f->flags & H2_END_STREAM) {
			s->done = 1;
			left--;
		}
	}
	if (!left)
		ret = 0;
	free(f);
	return ret;
}

/* The next frame that is no SETTINGS, WINDOW_UPDATE: 0 or -1 */
static int h2_next(struct client *c, struct h2f *f)
{
	do {
		if (h2_recv(c, f))
			return -1;
	} while (f->type == H2_SETTINGS || f->type == H2_WINDOW_UPDATE);
	return 0;
}

/* The code of the GOAWAY that must come next (frames of @skip too) */
static int h2_goaway_code(struct client *c)
{
	struct h2f *f = malloc(sizeof(*f));
	int code = -1;

	while (f && !h2_recv(c, f)) {
		if (f->type == H2_GOAWAY) {
			code = f->len >= 8 ? (int)h2_get32(f->p + 4) : -2;
			break;
		}
	}
	free(f);
	return code;
}

/* A 200 with the file @name's bytes and @type, else what differs */
static void expect_h2_file(struct __test_metadata *_metadata,
			   const struct h2r *r, const char *name,
			   const char *type, bool head)
{
	size_t len;
	char *file = slurp(name, &len);

	ASSERT_NE(NULL, file);
	EXPECT_EQ(200, r->status) TH_LOG("%s", name);
	EXPECT_EQ((long)len, r->clen) TH_LOG("%s", name);
	EXPECT_STREQ(type, r->type);
	EXPECT_TRUE(r->done) TH_LOG("%s: no END_STREAM", name);
	EXPECT_EQ(head ? 0 : len, r->len) TH_LOG("%s", name);
	if (!head && r->len == len)
		EXPECT_EQ(0, memcmp(file, r->body, len))
			TH_LOG("%s: the body differs from the file", name);
	free(file);
}

/* One request on stream 1 of a new connection, its response in @r */
static int h2_exchange(int port, const char *method, const char *path,
		       struct h2r *r)
{
	struct client c;
	int ret;

	h2r_init(r, 1);
	if (h2_connect(&c, port, NULL, 0))
		return -1;
	ret = h2_get(&c, 1, method, path) ? -1 :
	      h2_collect(&c, r, 1, true, NULL);
	client_close(&c);
	return ret;
}

/*
 * Every file, its type, HEAD, the empty file and the 1 MiB one, one
 * stream after another on one connection: the same bytes as the files.
 */
TEST_F_TIMEOUT(httpd, h2_files, 120)
{
	static const char *const names[] = {
		"index.html", "page.html", "mid.bin", "big.bin", "empty.txt",
		"sub/index.html", "inside.html",
	};
	struct h2r r[2 * ARRAY_SIZE(types) + 16];
	unsigned int i, id = 1;
	char path[PATH_MAX];
	struct client c;

	h2r_init(r, ARRAY_SIZE(r));
	ASSERT_EQ(0, h2_connect(&c, self->port, NULL, 0));
	for (i = 0; i < ARRAY_SIZE(names); i++, id += 2) {
		snprintf(path, sizeof(path), "/%s", names[i]);
		ASSERT_EQ(0, h2_get(&c, id, "GET", path));
		ASSERT_EQ(0, h2_collect(&c, r, id / 2 + 1, true, NULL));
	}
	for (i = 0; i < ARRAY_SIZE(names); i++)
		expect_h2_file(_metadata, &r[i], names[i],
			       strstr(names[i], ".html") ?
			       "text/html; charset=utf-8" :
			       strstr(names[i], ".txt") ?
			       "text/plain; charset=utf-8" :
			       "application/octet-stream", false);
	/* "/" is index.html, and HEAD has no body */
	ASSERT_EQ(0, h2_get(&c, id, "GET", "/"));
	ASSERT_EQ(0, h2_collect(&c, r, id / 2 + 1, true, NULL));
	expect_h2_file(_metadata, &r[id / 2], "index.html",
		       "text/html; charset=utf-8", false);
	id += 2;
	ASSERT_EQ(0, h2_get(&c, id, "HEAD", "/big.bin"));
	ASSERT_EQ(0, h2_collect(&c, r, id / 2 + 1, true, NULL));
	expect_h2_file(_metadata, &r[id / 2], "big.bin",
		       "application/octet-stream", true);
	EXPECT_EQ(0, r[id / 2].frames);
	id += 2;
	for (i = 0; i < ARRAY_SIZE(types) && id / 2 < ARRAY_SIZE(r);
	     i++, id += 2) {
		snprintf(path, sizeof(path), "/%s", types[i].name);
		if (!strcmp(types[i].name, "a b.txt"))
			snprintf(path, sizeof(path), "/a%%20b.txt");
		ASSERT_EQ(0, h2_get(&c, id, "GET", path));
		ASSERT_EQ(0, h2_collect(&c, r, id / 2 + 1, true, NULL));
		expect_h2_file(_metadata, &r[id / 2], types[i].name,
			       types[i].type, false);
	}
	h2r_free(r, ARRAY_SIZE(r));
	client_close(&c);
}

/*
 * Every error status the HTTP/1.1 server gives a GET or HEAD, or a method,
 * is the HTTP/2 server's too, with the same body; a 301's Location and a
 * 405's Allow likewise.
 */
TEST_F_TIMEOUT(httpd, h2_status_codes, 120)
{
	static char long_path[4200];
	static const struct {
		const char *method, *path;
		int status;
	} cases[] = {
		{ "GET", "/nope.html", 404 },
		{ "GET", "/sub/nope/x", 404 },
		{ "GET", "/escape", 403 },
		{ "GET", "/abs-escape", 403 },
		{ "GET", "/sub/up", 403 },
		{ "GET", "/../secret.txt", 403 },
		{ "GET", "/fifo", 403 },
		{ "GET", "/noindex/", 404 },
		{ "GET", "/sub", 301 },
		{ "GET", "/sub?x=1", 301 },
		{ "HEAD", "/sub", 301 },
		{ "GET", "/%zz", 400 },
		{ "GET", "/a%00b", 400 },
		{ "HEAD", "/nope", 404 },
		{ "POST", "/", 405 },
		{ "DELETE", "/index.html", 405 },
		{ "BREW", "/", 501 },
		{ "G(T", "/", 400 },
		{ "GET", long_path, 414 },
	};
	char req[8192];
	struct response h1;
	struct h2r r;
	unsigned int i;

	memset(long_path, 'a', sizeof(long_path) - 1);
	long_path[0] = '/';
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		bool head = !strcmp(cases[i].method, "HEAD");

		snprintf(req, sizeof(req), REQ("%s", "%s"), cases[i].method,
			 cases[i].path);
		ASSERT_EQ(0, exchange(self->port, req, &h1, head, NULL));
		ASSERT_EQ(0, h2_exchange(self->port, cases[i].method,
					 cases[i].path, &r))
			TH_LOG("%s %.40s", cases[i].method, cases[i].path);
		EXPECT_EQ(cases[i].status, h1.status);
		EXPECT_EQ(h1.status, r.status)
			TH_LOG("%s %.40s", cases[i].method, cases[i].path);
		EXPECT_EQ(h1.clen, r.clen);
		EXPECT_STREQ("text/html; charset=utf-8", r.type);
		EXPECT_EQ(h1.body_len, r.len);
		if (h1.body_len == r.len && r.len)
			EXPECT_EQ(0, memcmp(h1.body, r.body, r.len));
		if (cases[i].status == 301)
			EXPECT_STREQ("/sub/", r.location);
		if (cases[i].status == 405)
			EXPECT_STREQ("GET, HEAD", r.allow);
		EXPECT_EQ(NULL, r.body ? strstr(r.body, secret) : NULL);
		response_free(&h1);
		h2r_free(&r, 1);
	}
}

/*
 * 100 streams at once on one connection (the server's
 * MAX_CONCURRENT_STREAMS): each gets its file whole, the big ones
 * interleaved; the 101st while they are open is refused.
 */
TEST_F_TIMEOUT(httpd, h2_concurrent_streams, 180)
{
	static const char *const names[] = {
		"big.bin", "mid.bin", "index.html", "page.html", "t.css",
	};
	struct h2r *r = calloc(H2_STREAMS + 1, sizeof(*r));
	unsigned char b[256];
	struct client c;
	int i, ok = 0;
	size_t len;

	ASSERT_NE(NULL, r);
	h2r_init(r, H2_STREAMS + 1);
	ASSERT_EQ(0, h2_connect(&c, self->port, NULL, 0));
	/* One write: the 101st HEADERS comes before any stream can end */
	len = 0;
	{
		char *all = malloc((H2_STREAMS + 1) * 300), path[64];
		size_t o = 0, n;

		ASSERT_NE(NULL, all);
		for (i = 0; i <= H2_STREAMS; i++) {
			snprintf(path, sizeof(path), "/%s",
				 names[i % ARRAY_SIZE(names)]);
			n = hp_request(b, "GET", path);
			all[o] = n >> 16;
			all[o + 1] = n >> 8;
			all[o + 2] = n;
			all[o + 3] = H2_HEADERS;
			all[o + 4] = H2_END_STREAM | H2_END_HEADERS;
			h2_put32((unsigned char *)all + o + 5, 2 * i + 1);
			memcpy(all + o + 9, b, n);
			o += 9 + n;
		}
		ASSERT_EQ(0, client_send(&c, all, o));
		free(all);
	}
	ASSERT_EQ(0, h2_collect(&c, r, H2_STREAMS + 1, true, NULL));
	for (i = 0; i < H2_STREAMS; i++) {
		const char *name = names[i % ARRAY_SIZE(names)];
		char *file = slurp(name, &len);

		if (r[i].status == 200 && r[i].done && r[i].len == len &&
		    !memcmp(file, r[i].body, len))
			ok++;
		else
			TH_LOG("stream %d (%s): status %d, %zu bytes, rst %d",
			       2 * i + 1, name, r[i].status, r[i].len,
			       r[i].rst);
		free(file);
	}
	EXPECT_EQ(H2_STREAMS, ok);
	EXPECT_EQ(E_REFUSED + 1, r[H2_STREAMS].rst);
	/* Interleaved: the first two 1 MiB files went side by side */
	EXPECT_TRUE(r[0].first < r[5].last && r[5].first < r[0].last)
		TH_LOG("stream 1: frames %ld-%ld, stream 11: %ld-%ld",
		       r[0].first, r[0].last, r[5].first, r[5].last);
	/* The connection goes on */
	h2r_free(r, H2_STREAMS + 1);
	free(r);
	r = calloc(H2_STREAMS + 2, sizeof(*r));
	ASSERT_NE(NULL, r);
	h2r_init(r, H2_STREAMS + 2);
	for (i = 0; i <= H2_STREAMS; i++)
		r[i].done = 1;
	ASSERT_EQ(0, h2_get(&c, 2 * H2_STREAMS + 3, "GET", "/page.html"));
	ASSERT_EQ(0, h2_collect(&c, r, H2_STREAMS + 2, true, NULL));
	expect_h2_file(_metadata, &r[H2_STREAMS + 1], "page.html",
		       "text/html; charset=utf-8", false);
	h2r_free(r, H2_STREAMS + 2);
	free(r);
	client_close(&c);
}

/* The DATA bytes that come within @ms: frames of @id only, else -1 */
static long h2_data_within(struct client *c, unsigned int id, int ms,
			   int *end, char *body, size_t *off)
{
	struct h2f *f = malloc(sizeof(*f));
	struct timeval tv = { 0, ms * 1000 }, old = { IO_TIMEOUT_S, 0 };
	long got = 0;

	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (f && !*end && !h2_recv(c, f)) {
		if (f->type != H2_DATA)
			continue;
		if (f->id != id || f->len > H2_FRAME_MAX) {
			got = -1;
			break;
		}
		memcpy(body + *off, f->p, f->len);
		*off += f->len;
		got += f->len;
		if (f->flags & H2_END_STREAM)
			*end = 1;
	}
	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &old, sizeof(old));
	free(f);
	return got;
}

/*
 * Flow control: a stream window of 1000 bytes (SETTINGS_INITIAL_WINDOW_
 * SIZE) lets exactly 1000 bytes of a 16000-byte file through until a
 * WINDOW_UPDATE; the connection's 65535 bytes stop the 1 MiB file with a
 * large stream window until the connection's own WINDOW_UPDATE.
 */
TEST_F_TIMEOUT(httpd, h2_flow_control, 120)
{
	const unsigned int small[] = { 4, 1000 }, large[] = { 4, 0x7fffffff };
	char *file, *body = malloc(BIG_SIZE);
	size_t len, off = 0;
	struct client c;
	int end = 0;

	ASSERT_NE(NULL, body);
	ASSERT_EQ(0, h2_connect(&c, self->port, small, 1));
	ASSERT_EQ(0, h2_get(&c, 1, "GET", "/mid.bin"));
	EXPECT_EQ(1000, h2_data_within(&c, 1, 300, &end, body, &off));
	ASSERT_EQ(0, h2_send32(&c, H2_WINDOW_UPDATE, 1, 5000));
	EXPECT_EQ(5000, h2_data_within(&c, 1, 300, &end, body, &off));
	ASSERT_EQ(0, h2_send32(&c, H2_WINDOW_UPDATE, 1, 20000));
	EXPECT_EQ(MID_SIZE - 6000, h2_data_within(&c, 1, 300, &end, body,
						  &off));
	EXPECT_TRUE(end);
	file = slurp("mid.bin", &len);
	ASSERT_EQ(MID_SIZE, off);
	EXPECT_EQ(0, memcmp(file, body, len));
	free(file);
	client_close(&c);

	ASSERT_EQ(0, h2_connect(&c, self->port, large, 1));
	ASSERT_EQ(0, h2_get(&c, 1, "GET", "/big.bin"));
	off = 0;
	end = 0;
	EXPECT_EQ(65535, h2_data_within(&c, 1, 300, &end, body, &off));
	ASSERT_EQ(0, h2_send32(&c, H2_WINDOW_UPDATE, 0, BIG_SIZE - 65535));
	EXPECT_EQ(BIG_SIZE - 65535, h2_data_within(&c, 1, 800, &end, body,
						   &off));
	EXPECT_TRUE(end);
	file = slurp("big.bin", &len);
	ASSERT_EQ(BIG_SIZE, off);
	EXPECT_EQ(0, memcmp(file, body, len));
	free(file);
	client_close(&c);
	free(body);
}

/*
 * The 1 MiB file to a slow reader with large windows, as
 * big_file_slow_reader over HTTP/1.1: the socket fills, the one worker
 * serves another client meanwhile, and the file comes whole.
 */
TEST_F_TIMEOUT(httpd, h2_slow_reader, 180)
{
	static const char *const one_worker[] = { "-w", "1", NULL };
	const unsigned int big_window[] = { 4, 0x7fffffff };
	struct h2r r, other;
	struct client c;
	long t0;

	if (small_wmem(self))
		TH_LOG("no tcp_wmem limit: the socket may not fill");
	server_restart(_metadata, self, one_worker);
	h2r_init(&r, 1);
	ASSERT_EQ(0, h2_connect_buf(&c, self->port, big_window, 1, 4096));
	ASSERT_EQ(0, h2_send32(&c, H2_WINDOW_UPDATE, 0, 0x7fffffff - 65535));
	ASSERT_EQ(0, h2_get(&c, 1, "GET", "/big.bin"));
	/* 256 KiB in small reads with pauses, left unparsed in c.buf */
	while (c.len < BIG_SIZE / 4) {
		ASSERT_LT(0, client_fill(&c, 1000));
		sleep_ms(1);
	}
	/* A stall: another client is served meanwhile */
	t0 = mono_ms();
	ASSERT_EQ(0, h2_exchange(self->port, "GET", "/index.html", &other));
	expect_h2_file(_metadata, &other, "index.html",
		       "text/html; charset=utf-8", false);
	EXPECT_LT(mono_ms() - t0, 3000);
	h2r_free(&other, 1);
	sleep_ms(300);
	ASSERT_EQ(0, h2_collect(&c, &r, 1, false, NULL));
	expect_h2_file(_metadata, &r, "big.bin", "application/octet-stream",
		       false);
	h2r_free(&r, 1);
	client_close(&c);
}

/*
 * HPACK: Huffman-coded strings, the dynamic table (an entry added, then
 * indexed; a size update to 0 evicts it) and Huffman errors.
 */
TEST_F(httpd, h2_hpack)
{
	/* "/page.html" and "t" Huffman-coded (RFC 7541 Appendix B) */
	static const unsigned char huff_req[] = {
		0x82, 0x86, 0x44, 0x88, 0x62, 0xb1, 0xcc, 0x55, 0xe7, 0x4d,
		0x34, 0x7f, 0x41, 0x81, 0x4f,
	};
	/* Indexed: :method GET, :scheme http, then 63 and 62 */
	static const unsigned char indexed[] = { 0x82, 0x86, 0xbf, 0xbe };
	/* A size update to 0 first: the entries are gone */
	static const unsigned char evicted[] = { 0x20, 0x82, 0x86, 0xbf };
	/* "t" with 8 more bits of padding */
	static const unsigned char bad_pad[] = {
		0x82, 0x86, 0x84, 0x41, 0x82, 0x4f, 0xff,
	};
	struct h2r r[4];
	struct client c;

	h2r_init(r, 4);
	ASSERT_EQ(0, h2_connect(&c, self->port, NULL, 0));
	ASSERT_EQ(0, h2_send(&c, H2_HEADERS, H2_END_STREAM | H2_END_HEADERS,
			     1, huff_req, sizeof(huff_req)));
	ASSERT_EQ(0, h2_send(&c, H2_HEADERS, H2_END_STREAM | H2_END_HEADERS,
			     3, indexed, sizeof(indexed)));
	ASSERT_EQ(0, h2_collect(&c, r, 2, true, NULL));
	expect_h2_file(_metadata, &r[0], "page.html",
		       "text/html; charset=utf-8", false);
	expect_h2_file(_metadata, &r[1], "page.html",
		       "text/html; charset=utf-8", false);
	ASSERT_EQ(0, h2_send(&c, H2_HEADERS, H2_END_STREAM | H2_END_HEADERS,
			     5, evicted, sizeof(evicted)));
	EXPECT_EQ(E_COMPRESSION, h2_goaway_code(&c));
	client_close(&c);
	h2r_free(r, 4);

	ASSERT_EQ(0, h2_connect(&c, self->port, NULL, 0));
	ASSERT_EQ(0, h2_send(&c, H2_HEADERS, H2_END_STREAM | H2_END_HEADERS,
			     1, bad_pad, sizeof(bad_pad)));
	EXPECT_EQ(E_COMPRESSION, h2_goaway_code(&c));
	client_close(&c);
}

/* A connection error: the frame @f... on a new connection, GOAWAY @code */
static int h2_conn_error(int port, int type, int flags, unsigned int id,
			 const void *p, size_t len)
{
	struct client c;
	int code = -1;

	if (h2_connect(&c, port, NULL, 0))
		return -1;
	if (!h2_send(&c, type, flags, id, p, len))
		code = h2_goaway_code(&c);
	/* and the server closes */
	if (code >= 0 && !client_eof(&c))
		code = -3;
	client_close(&c);
	return code;
}

TEST_F_TIMEOUT(httpd, h2_connection_errors, 60)
{
	static unsigned char big[H2_FRAME_MAX + 1], b[256];
	const unsigned char push2[] = { 0, 2, 0, 0, 0, 2 };
	const unsigned char win[] = { 0, 4, 0x80, 0, 0, 0 };
	const unsigned char fmax[] = { 0, 5, 0, 0, 0, 100 };
	const unsigned char idx0[] = { 0x80 }, idx70[] = { 0xc6 };
	const unsigned char zero[4] = { 0 }, max[4] = { 0x7f, 0xff, 0xff, 0xff };
	struct client c;
	struct h2f *f = malloc(sizeof(*f));
	size_t n;
	int port = self->port;
	long t0;

	ASSERT_NE(NULL, f);
	EXPECT_EQ(E_FRAME_SIZE, h2_conn_error(port, H2_DATA, 0, 1, big,
					      sizeof(big)));
	n = hp_request(b, "GET", "/");
	EXPECT_EQ(E_PROTOCOL, h2_conn_error(port, H2_HEADERS, H2_END_HEADERS,
					    0, b, n));
	EXPECT_EQ(E_PROTOCOL, h2_conn_error(port, H2_HEADERS, H2_END_HEADERS,
					    2, b, n));
	EXPECT_EQ(E_FRAME_SIZE, h2_conn_error(port, H2_PING, 0, 0, b, 7));
	EXPECT_EQ(E_PROTOCOL, h2_conn_error(port, H2_PING, 0, 1, b, 8));
	EXPECT_EQ(E_FRAME_SIZE, h2_conn_error(port, H2_SETTINGS, 0, 0, b, 5));
	EXPECT_EQ(E_FRAME_SIZE, h2_conn_error(port, H2_SETTINGS, H2_ACK, 0,
					      b, 6));
	EXPECT_EQ(E_PROTOCOL, h2_conn_error(port, H2_SETTINGS, 0, 0, push2, 6));
	EXPECT_EQ(E_FLOW_CONTROL, h2_conn_error(port, H2_SETTINGS, 0, 0, win,
						6));
	EXPECT_EQ(E_PROTOCOL, h2_conn_error(port, H2_SETTINGS, 0, 0, fmax, 6));
	EXPECT_EQ(E_PROTOCOL, h2_conn_error(port, H2_CONTINUATION,
					    H2_END_HEADERS, 1, b, n));
	EXPECT_EQ(E_PROTOCOL, h2_conn_error(port, H2_PUSH_PROMISE,
					    H2_END_HEADERS, 1, b, n));
	EXPECT_EQ(E_COMPRESSION, h2_conn_error(port, H2_HEADERS,
					       H2_END_HEADERS, 1, idx0, 1));
	EXPECT_EQ(E_COMPRESSION, h2_conn_error(port, H2_HEADERS,
					       H2_END_HEADERS, 1, idx70, 1));
	EXPECT_EQ(E_PROTOCOL, h2_conn_error(port, H2_WINDOW_UPDATE, 0, 0,
					    zero, 4));
	EXPECT_EQ(E_FLOW_CONTROL, h2_conn_error(port, H2_WINDOW_UPDATE, 0, 0,
						max, 4));
	EXPECT_EQ(E_PROTOCOL, h2_conn_error(port, H2_WINDOW_UPDATE, 0, 9,
					    max, 4));
	EXPECT_EQ(E_PROTOCOL, h2_conn_error(port, H2_RST_STREAM, 0, 7,
					    zero, 4));
	EXPECT_EQ(E_FRAME_SIZE, h2_conn_error(port, H2_RST_STREAM, 0, 1,
					      zero, 3));

	/* A frame between HEADERS and its CONTINUATION */
	ASSERT_EQ(0, h2_connect(&c, port, NULL, 0));
	ASSERT_EQ(0, h2_send(&c, H2_HEADERS, H2_END_STREAM, 1, b, 2));
	ASSERT_EQ(0, h2_send(&c, H2_PING, 0, 0, b, 8));
	EXPECT_EQ(E_PROTOCOL, h2_goaway_code(&c));
	client_close(&c);

	/* A closed stream's id again: STREAM_CLOSED */
	ASSERT_EQ(0, h2_connect(&c, port, NULL, 0));
	ASSERT_EQ(0, h2_get(&c, 3, "GET", "/page.html"));
	ASSERT_EQ(0, h2_get(&c, 1, "GET", "/page.html"));
	EXPECT_EQ(E_STREAM_CLOSED, h2_goaway_code(&c));
	client_close(&c);

	/* Not SETTINGS first */
	ASSERT_EQ(0, client_connect(&c, port, 0));
	ASSERT_EQ(0, client_sends(&c, H2_PREFACE));
	ASSERT_EQ(0, h2_send(&c, H2_PING, 0, 0, b, 8));
	EXPECT_EQ(E_PROTOCOL, h2_goaway_code(&c));
	client_close(&c);

	/* A preface that is not: closed, at most the SETTINGS sent */
	ASSERT_EQ(0, client_connect(&c, port, 0));
	ASSERT_EQ(0, client_sends(&c, "PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n"));
	t0 = mono_ms();
	while (!h2_recv(&c, f))
		EXPECT_EQ(H2_SETTINGS, f->type);
	EXPECT_GT(IO_TIMEOUT_S * 1000 / 2, mono_ms() - t0)
		TH_LOG("not closed");
	client_close(&c);
	free(f);
}

/*
 * A connection idle for the timeout (1000 ms here) gets a GOAWAY with
 * NO_ERROR and the last stream id, then is closed.
 */
TEST_F(httpd, h2_idle_timeout)
{
	struct h2f *f = malloc(sizeof(*f));
	struct h2r r;
	struct client c;
	long t0;

	ASSERT_NE(NULL, f);
	h2r_init(&r, 1);
	ASSERT_EQ(0, h2_connect(&c, self->port, NULL, 0));
	ASSERT_EQ(0, h2_get(&c, 1, "GET", "/page.html"));
	ASSERT_EQ(0, h2_collect(&c, &r, 1, true, NULL));
	t0 = mono_ms();
	do {
		ASSERT_EQ(0, h2_recv(&c, f));
	} while (f->type != H2_GOAWAY);
	EXPECT_LE(TIMEOUT_MS / 2, mono_ms() - t0);
	EXPECT_GT(4 * TIMEOUT_MS, mono_ms() - t0);
	EXPECT_EQ(8, f->len);
	EXPECT_EQ(1, h2_get32(f->p));
	EXPECT_EQ(0, h2_get32(f->p + 4));
	EXPECT_TRUE(client_eof(&c));
	h2r_free(&r, 1);
	client_close(&c);
	free(f);
}

/* A stream error @code on stream 1 of a connection that goes on */
static void expect_h2_rst(struct __test_metadata *_metadata, int port,
			  const unsigned char *block, size_t len, int flags,
			  int code)
{
	struct h2r r[2];
	struct client c;

	h2r_init(r, 2);
	ASSERT_EQ(0, h2_connect(&c, port, NULL, 0));
	ASSERT_EQ(0, h2_send(&c, H2_HEADERS, H2_END_HEADERS | flags, 1, block,
			     len));
	ASSERT_EQ(0, h2_get(&c, 3, "GET", "/page.html"));
	ASSERT_EQ(0, h2_collect(&c, r, 2, true, NULL));
	EXPECT_EQ(code + 1, r[0].rst);
	EXPECT_EQ(0, r[0].status);
	expect_h2_file(_metadata, &r[1], "page.html",
		       "text/html; charset=utf-8", false);
	h2r_free(r, 2);
	client_close(&c);
}

TEST_F(httpd, h2_stream_errors)
{
	/* No :path; an upper-case name; Connection; a pseudo after a field */
	static const unsigned char no_path[] = { 0x82, 0x86, 0x41, 1, 't' };
	static const unsigned char upper[] = {
		0x82, 0x86, 0x84, 0x00, 1, 'X', 1, 'y',
	};
	static const unsigned char connection[] = {
		0x82, 0x86, 0x84, 0x00, 10, 'c', 'o', 'n', 'n', 'e', 'c', 't',
		'i', 'o', 'n', 5, 'c', 'l', 'o', 's', 'e',
	};
	static const unsigned char late[] = {
		0x82, 0x00, 1, 'x', 1, 'y', 0x86, 0x84,
	};
	static const unsigned char dup[] = { 0x82, 0x82, 0x86, 0x84 };
	static const unsigned char te[] = {
		0x82, 0x86, 0x84, 0x00, 2, 't', 'e', 4, 'g', 'z', 'i', 'p',
	};
	/* A value that ends with white space */
	static const unsigned char space[] = {
		0x82, 0x86, 0x84, 0x00, 1, 'x', 2, 'y', ' ',
	};
	/* PRIORITY flag: the stream depends on itself */
	static const unsigned char self_dep[] = {
		0, 0, 0, 1, 16, 0x82, 0x86, 0x84,
	};
	unsigned char ping[8] = "pingpong";
	struct client c;
	struct h2f *f = malloc(sizeof(*f));

	expect_h2_rst(_metadata, self->port, no_path, sizeof(no_path), 0,
		      E_PROTOCOL);
	expect_h2_rst(_metadata, self->port, upper, sizeof(upper), 0,
		      E_PROTOCOL);
	expect_h2_rst(_metadata, self->port, connection, sizeof(connection), 0,
		      E_PROTOCOL);
	expect_h2_rst(_metadata, self->port, late, sizeof(late), 0,
		      E_PROTOCOL);
	expect_h2_rst(_metadata, self->port, dup, sizeof(dup), 0, E_PROTOCOL);
	expect_h2_rst(_metadata, self->port, te, sizeof(te), 0, E_PROTOCOL);
	expect_h2_rst(_metadata, self->port, space, sizeof(space), 0,
		      E_PROTOCOL);
	expect_h2_rst(_metadata, self->port, self_dep, sizeof(self_dep),
		      H2_PRIO, E_PROTOCOL);

	/* PING is answered with its payload; PRIORITY is ignored */
	ASSERT_NE(NULL, f);
	ASSERT_EQ(0, h2_connect(&c, self->port, NULL, 0));
	ASSERT_EQ(0, h2_send(&c, H2_PRIORITY, 0, 5, "\0\0\0\3\7", 5));
	ASSERT_EQ(0, h2_send(&c, H2_PING, 0, 0, ping, 8));
	ASSERT_EQ(0, h2_next(&c, f));
	EXPECT_EQ(H2_PING, f->type);
	EXPECT_EQ(H2_ACK, f->flags);
	EXPECT_EQ(8, f->len);
	EXPECT_EQ(0, memcmp(f->p, ping, 8));
	client_close(&c);
	free(f);
}

/*
 * The attacks: a CONTINUATION flood, rapid reset, a PING flood and an
 * HPACK bomb are each bounded: GOAWAY ENHANCE_YOUR_CALM, or a 431, in
 * well under a second, while another client is served.
 */
TEST_F_TIMEOUT(httpd, h2_attacks, 120)
{
	static unsigned char b[H2_FRAME_MAX], big[4200];
	unsigned char ping[8] = { 0 };
	struct client c;
	struct h2r r[2];
	long t0;
	size_t n, o;
	int i;

	/* CONTINUATION flood: more than the 16 KiB of a header block */
	ASSERT_EQ(0, h2_connect(&c, self->port, NULL, 0));
	n = hp_request(b, "GET", "/");
	ASSERT_EQ(0, h2_send(&c, H2_HEADERS, 0, 1, b, n));
	memset(b, 0x80 | 2, sizeof(b));
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, h2_send(&c, H2_CONTINUATION, 0, 1, b,
				     H2_FRAME_MAX / 2));
	EXPECT_EQ(E_CALM, h2_goaway_code(&c));
	client_close(&c);

	/* ... and of empty CONTINUATION frames */
	ASSERT_EQ(0, h2_connect(&c, self->port, NULL, 0));
	n = hp_request(b, "GET", "/");
	ASSERT_EQ(0, h2_send(&c, H2_HEADERS, 0, 1, b, n));
	for (i = 0; i < 1000; i++)
		if (h2_send(&c, H2_CONTINUATION, 0, 1, NULL, 0))
			break;
	EXPECT_EQ(E_CALM, h2_goaway_code(&c));
	client_close(&c);

	/* Rapid reset */
	t0 = mono_ms();
	ASSERT_EQ(0, h2_connect(&c, self->port, NULL, 0));
	n = hp_request(b, "GET", "/big.bin");
	for (i = 0; i < 2000; i++) {
		if (h2_send(&c, H2_HEADERS, H2_END_STREAM | H2_END_HEADERS,
			    2 * i + 1, b, n) ||
		    h2_send32(&c, H2_RST_STREAM, 2 * i + 1, 8))
			break;
	}
	EXPECT_EQ(E_CALM, h2_goaway_code(&c));
	client_close(&c);
	EXPECT_GT(10000, mono_ms() - t0);

	/* PING flood */
	ASSERT_EQ(0, h2_connect(&c, self->port, NULL, 0));
	for (i = 0; i < 2000; i++)
		if (h2_send(&c, H2_PING, 0, 0, ping, 8))
			break;
	EXPECT_EQ(E_CALM, h2_goaway_code(&c));
	client_close(&c);

	/*
	 * HPACK bomb: a 4000-byte entry, then a block of 16,000 references
	 * to it (64 MB decoded): a 431, quickly.
	 */
	h2r_init(r, 2);
	ASSERT_EQ(0, h2_connect(&c, self->port, NULL, 0));
	o = hp_request(b, "GET", "/page.html");
	b[o++] = 0x40;
	b[o++] = 3;
	memcpy(b + o, "x-a", 3);
	o += 3;
	o += hp_put_int(b + o, 0, 7, 4000);
	memset(big, 'a', 4000);
	memcpy(b + o, big, 4000);
	o += 4000;
	ASSERT_EQ(0, h2_send(&c, H2_HEADERS, H2_END_STREAM | H2_END_HEADERS,
			     1, b, o));
	b[0] = 0x82;
	b[1] = 0x86;
	n = hp_put_lit(b + 2, 4, "/page.html", 10) + 2;
	memset(b + n, 0xbe, H2_FRAME_MAX - n);
	ASSERT_EQ(0, h2_send(&c, H2_HEADERS, H2_END_STREAM | H2_END_HEADERS,
			     3, b, H2_FRAME_MAX));
	ASSERT_EQ(0, h2_collect(&c, r, 2, true, NULL));
	expect_h2_file(_metadata, &r[0], "page.html",
		       "text/html; charset=utf-8", false);
	EXPECT_EQ(431, r[1].status);
	h2r_free(r, 2);
	client_close(&c);
}

#define CURL	"/usr/bin/curl"
/*
 * The real clients reach HTTP/2 on the port the tests use: over TLS by
 * ALPN (h2), in clear text by prior knowledge (h2c).
 */
#ifdef HTTPD_TLS
#define H2_SCHEME	"https"
#define CURL_H2		"--http2"
#else
#define H2_SCHEME	"http"
#define CURL_H2		"--http2-prior-knowledge"
#endif
#define NGHTTP	"/usr/bin/nghttp"
#define H2LOAD	"/usr/bin/h2load"

/*
 * Runs the program @bin with @args (NULL-terminated, after its name) in
 * the directory @dir, its standard output and error to the file @out:
 * its exit status, or -1.
 */
static int run_tool(const char *bin, const char *const *args,
		    const char *dir, const char *out)
{
	const char *argv[256] = { bin };
	int i, status, fd;
	pid_t pid;

	for (i = 0; args[i] && i < 254; i++)
		argv[i + 1] = args[i];
	argv[i + 1] = NULL;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0 ||
		    dup2(fd, STDERR_FILENO) < 0 || chdir(dir))
			_exit(126);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* The start of the text file at @path, NUL-terminated, into @buf */
static void read_text(const char *path, char *buf, size_t size)
{
	ssize_t n = -1;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		n = read(fd, buf, size - 1);
		close(fd);
	}
	buf[n > 0 ? n : 0] = 0;
}

/* Whether the file at @path holds exactly the docroot's @name */
static bool same_file(const char *path, const char *name)
{
	char *a, *b;
	size_t la, lb;
	bool same;
	int fd;
	struct stat st;
	ssize_t n;

	b = slurp(name, &lb);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (!b || fd < 0 || fstat(fd, &st)) {
		free(b);
		if (fd >= 0)
			close(fd);
		return false;
	}
	la = st.st_size;
	a = malloc(la + 1);
	n = a ? read(fd, a, la) : -1;
	close(fd);
	same = n == (ssize_t)la && la == lb && !memcmp(a, b, la);
	free(a);
	free(b);
	return same;
}

/*
 * A real client: curl --http2-prior-knowledge (nghttp2 underneath, which
 * Huffman-codes and indexes its fields) gets every file byte for byte
 * over HTTP/2, the 1 MiB one included, and the statuses of the HTTP/1.1
 * server.  One transfer per curl: Debian 12's curl 7.88.1 fails to reuse
 * a prior-knowledge connection (curl issue 10634, fixed in 8.0), which
 * nghttp and h2load below do instead.
 */
TEST_F_TIMEOUT(httpd, h2_curl, 180)
{
	static const char *const names[] = {
		"index.html", "page.html", "mid.bin", "big.bin", "empty.txt",
		"t.css", "sub/index.html",
	};
	static const struct {
		const char *path;
		const char *want;
	} errors[] = {
		{ "/nope.html", "2 404" },
		{ "/escape", "2 403" },
		{ "/sub", "2 301" },
		{ "/%zz", "2 400" },
	};
	char url[256], out[PATH_MAX], got[PATH_MAX], w[64];
	const char *args[9] = {
		"-s", "-k", CURL_H2, "-o", out,
		"-w", "%{http_version} %{http_code}", url, NULL,
	};
	unsigned int i;

	if (access(CURL, X_OK))
		SKIP(return, "no " CURL);
	snprintf(out, sizeof(out), "%s/curl.out", tmpdir);
	snprintf(got, sizeof(got), "%s/curl.w", tmpdir);
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		snprintf(url, sizeof(url), H2_SCHEME "://127.0.0.1:%d/%s",
			 self->port, names[i]);
		ASSERT_EQ(0, run_tool(CURL, args, tmpdir, got))
			TH_LOG("%s", names[i]);
		read_text(got, w, sizeof(w));
		EXPECT_STREQ("2 200", w) TH_LOG("%s", names[i]);
		EXPECT_TRUE(same_file(out, names[i])) TH_LOG("%s", names[i]);
	}
	for (i = 0; i < ARRAY_SIZE(errors); i++) {
		snprintf(url, sizeof(url), H2_SCHEME "://127.0.0.1:%d%s",
			 self->port, errors[i].path);
		ASSERT_EQ(0, run_tool(CURL, args, tmpdir, got));
		read_text(got, w, sizeof(w));
		EXPECT_STREQ(errors[i].want, w) TH_LOG("%s", errors[i].path);
	}
	unlink(out);
	unlink(got);
}

/*
 * nghttp: a dozen files at once on one connection, with the
 * dependency-based priorities nghttp sends; then the same with stream
 * windows of 1023 bytes and a connection window of 65535 (-w 10 -W 16),
 * flow control as a real client does it.  nghttp cannot save the bodies
 * apart (its -O is not implemented), so its statistics must show each
 * stream's 200 and size (nghttp2's units: 15K for 16000 bytes, 1M for the
 * 1 MiB file), and it must exit 0.
 */
TEST_F_TIMEOUT(httpd, h2_nghttp, 180)
{
	static const char *const names[] = {
		"index.html", "page.html", "mid.bin", "big.bin", "t.css",
		"t.js", "t.json", "t.svg", "t.png", "t.txt", "t.md",
	};
	static char urls[ARRAY_SIZE(names)][256];
	static char text[16384];
	char log[PATH_MAX], want[256], size[32];
	const char *args[ARRAY_SIZE(names) + 8];
	unsigned int i, k, pass;
	size_t len;
	char *file;

	if (access(NGHTTP, X_OK))
		SKIP(return, "no " NGHTTP);
	/* As in h2_h2load: small windows, slow under TCG */
	server_restart(_metadata, self, patient);
	snprintf(log, sizeof(log), "%s/nghttp.log", tmpdir);
	for (pass = 0; pass < 2; pass++) {
		k = 0;
		args[k++] = "-n";
		args[k++] = "-s";
		if (pass) {
			args[k++] = "-w";
			args[k++] = "10";
			args[k++] = "-W";
			args[k++] = "16";
		}
		for (i = 0; i < ARRAY_SIZE(names); i++) {
			snprintf(urls[i], sizeof(urls[i]),
				 H2_SCHEME "://127.0.0.1:%d/%s", self->port,
				 names[i]);
			args[k++] = urls[i];
		}
		args[k] = NULL;
		EXPECT_EQ(0, run_tool(NGHTTP, args, tmpdir, log));
		read_text(log, text, sizeof(text));
		for (i = 0; i < ARRAY_SIZE(names); i++) {
			file = slurp(names[i], &len);
			ASSERT_NE(NULL, file);
			free(file);
			if (len >= 1 << 20)
				snprintf(size, sizeof(size), "%zuM", len >> 20);
			else if (len >= 1 << 10)
				snprintf(size, sizeof(size), "%zuK", len >> 10);
			else
				snprintf(size, sizeof(size), "%zu", len);
			snprintf(want, sizeof(want), " 200 %*s /%s\n", 4, size,
				 names[i]);
			EXPECT_NE(NULL, strstr(text, want))
				TH_LOG("pass %u: no \"%s\" in: %s", pass, want,
				       text);
		}
	}
	unlink(log);
}

/* h2load's count of @what ("succeeded", "2xx") in its output @text */
static long h2load_count(const char *text, const char *what)
{
	char key[64];
	const char *p;

	snprintf(key, sizeof(key), " %s", what);
	p = strstr(text, key);
	if (!p)
		return -1;
	while (p > text && p[-1] >= '0' && p[-1] <= '9')
		p--;
	return strtol(p, NULL, 10);
}

/*
 * h2load: 2,000 requests over 4 connections with 100 concurrent streams
 * each (the server's limit), then 100 of the 1 MiB file with 10 at once:
 * every one succeeds with a 200 of the right length (h2load counts a
 * response whose DATA do not match its content-length as failed).
 */
TEST_F_TIMEOUT(httpd, h2_h2load, 300)
{
	static const struct {
		const char *n, *c, *m, *name;
		long want;
	} runs[] = {
		{ "2000", "4", "100", "index.html", 2000 },
		{ "100", "2", "10", "big.bin", 100 },
	};
	char url[256], log[PATH_MAX], text[4096];
	const char *args[10];
	unsigned int i;
	int ret;

	if (access(H2LOAD, X_OK))
		SKIP(return, "no " H2LOAD);
	/*
	 * Under TCG a connection whose 1 MiB streams wait for h2load's
	 * WINDOW_UPDATE while it serves the other connection can go without
	 * progress for longer than the 1000 ms the other tests want.
	 */
	server_restart(_metadata, self, patient);
	snprintf(log, sizeof(log), "%s/h2load.log", tmpdir);
	for (i = 0; i < ARRAY_SIZE(runs); i++) {
		snprintf(url, sizeof(url), H2_SCHEME "://127.0.0.1:%d/%s",
			 self->port, runs[i].name);
		args[0] = "-n";
		args[1] = runs[i].n;
		args[2] = "-c";
		args[3] = runs[i].c;
		args[4] = "-m";
		args[5] = runs[i].m;
		args[6] = url;
		args[7] = NULL;
		ret = run_tool(H2LOAD, args, tmpdir, log);
		read_text(log, text, sizeof(text));
		EXPECT_EQ(0, ret) TH_LOG("%s", text);
		EXPECT_EQ(runs[i].want, h2load_count(text, "succeeded"))
			TH_LOG("%s", text);
		EXPECT_EQ(runs[i].want, h2load_count(text, "2xx"))
			TH_LOG("%s", text);
	}
	unlink(log);
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
