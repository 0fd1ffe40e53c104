// SPDX-License-Identifier: GPL-2.0
/*
 * httpd's TLS port (-s): the launcher does the handshake with OpenSSL,
 * turns on kernel TLS and hands the socket to a worker's script.
 *
 * Every test of httpd_test.c runs here again over TLS (this file
 * includes it with HTTPD_TLS: each client does a TLS 1.3 handshake with
 * ALPN http/1.1 and verifies the certificate), and the tests below check
 * what is TLS's own: kernel TLS in use both ways, TLS 1.2 and 1.3 with
 * each AEAD, ALPN, what the kernel cannot decrypt or handle (close_notify,
 * KeyUpdate, a forged record: the script closes the connection, at once),
 * stalled and clear-text handshakes, and curl (when the guest has it) for
 * byte-identical bodies, the clear-text port's status codes, and many
 * connections at once.
 *
 * The certificate is $HTTPD_CERT, its key $HTTPD_KEY (default httpd.crt
 * and httpd.key beside this test, made at build time by the Makefile: a
 * self-signed one for localhost and 127.0.0.1); curl is $CURL (default
 * /usr/bin/curl).
 */
#define HTTPD_TLS 1
/* connections_release_their_files: each one is a handshake here */
#define CONNS 300
#include "httpd_test.c"

#include <netdb.h>
#include <stdbool.h>

/*
 * Linked statically, OpenSSL's name lookups and module loading would need
 * glibc's shared libraries; nothing here uses them, and the Makefile
 * sends them (-Wl,--wrap) to these, which fail.
 */
void *__wrap_dlopen(const char *file, int mode)
{
	return NULL;
}

int __wrap_getaddrinfo(const char *node, const char *service,
		       const struct addrinfo *hints, struct addrinfo **res)
{
	return EAI_FAIL;
}

struct hostent *__wrap_gethostbyname(const char *name)
{
	return NULL;
}

/* A close must come sooner than this (the server's timeout is 1000 ms) */
#define PROMPT_MS	500

/* The value of @name in the kernel's TLS counters, or -1. */
static long tls_counter(const char *name)
{
	char buf[4096], *p;
	size_t len = strlen(name);
	ssize_t n;
	int fd;

	fd = open("/proc/net/tls_stat", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	for (p = buf; p; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (!strncmp(p, name, len) && (p[len] == ' ' || p[len] == '\t'))
			return strtol(p + len, NULL, 10);
	}
	return -1;
}

/*
 * Milliseconds until the server ends @c's connection (an end of file or
 * a reset, read on the raw socket: nothing else may come), or -1 when it
 * did not within @max_ms or sent something.
 */
static long ms_to_close(struct client *c, long max_ms)
{
	long t0 = mono_ms(), left;
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
	char buf[256];
	ssize_t n;

	for (;;) {
		left = t0 + max_ms - mono_ms();
		if (left <= 0 || poll(&pfd, 1, left) <= 0)
			return -1;
		n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno == ECONNRESET))
			return mono_ms() - t0;
		if (n > 0) {
			/* A TLS alert record: 21 */
			if (buf[0] == 21)
				continue;
			return -1;
		}
		if (errno != EAGAIN)
			return -1;
	}
}

/* The server still serves a new connection the right page. */
static void still_serves(struct __test_metadata *_metadata, int port)
{
	struct response r;

	ASSERT_EQ(0, exchange(port, REQ("GET", "/page.html"), &r, false,
			      NULL));
	expect_file(_metadata, &r, "page.html", "text/html; charset=utf-8",
		    true);
	response_free(&r);
}

/*
 * The server's side of each TLS connection is kernel TLS, software, both
 * ways: the kernel counts it while the connection is open.
 */
TEST_F(httpd, tls_kernel_tls_both_ways)
{
	long tx0 = tls_counter("TlsCurrTxSw"), rx0 = tls_counter("TlsCurrRxSw");
	long err0 = tls_counter("TlsDecryptError"), tx1, rx1;
	struct response r;
	struct client c;

	ASSERT_LE(0, tx0) TH_LOG("no /proc/net/tls_stat: CONFIG_TLS?");
	ASSERT_EQ(0, exchange(self->port, REQ("GET", "/big.bin"), &r, false,
			      &c));
	expect_file(_metadata, &r, "big.bin", "application/octet-stream", true);
	response_free(&r);
	tx1 = tls_counter("TlsCurrTxSw");
	rx1 = tls_counter("TlsCurrRxSw");
	EXPECT_EQ(tx0 + 1, tx1);
	EXPECT_EQ(rx0 + 1, rx1);
	EXPECT_EQ(TLS1_3_VERSION, SSL_version(c.ssl));
	client_close(&c);
	/* Closed by the server once it reads our end */
	sleep_ms(300);
	EXPECT_EQ(tx0, tls_counter("TlsCurrTxSw"));
	EXPECT_EQ(rx0, tls_counter("TlsCurrRxSw"));
	EXPECT_EQ(err0, tls_counter("TlsDecryptError"));
}

/*
 * TLS 1.3 with each of its AEADs, and TLS 1.2 with each ECDHE-ECDSA AEAD:
 * the 1 MiB file (sent with the move op, sendfile, which kernel TLS
 * encrypts) and a small one whole, twice on the connection (the receive
 * side's sequence numbers go on).
 */
TEST_F_TIMEOUT(httpd, tls_versions_and_ciphers, 180)
{
	static const struct {
		int version;
		const char *cipher;
	} cases[] = {
		{ TLS1_3_VERSION, "TLS_AES_128_GCM_SHA256" },
		{ TLS1_3_VERSION, "TLS_AES_256_GCM_SHA384" },
		{ TLS1_3_VERSION, "TLS_CHACHA20_POLY1305_SHA256" },
		{ TLS1_2_VERSION, "ECDHE-ECDSA-AES128-GCM-SHA256" },
		{ TLS1_2_VERSION, "ECDHE-ECDSA-AES256-GCM-SHA384" },
		{ TLS1_2_VERSION, "ECDHE-ECDSA-CHACHA20-POLY1305" },
	};
	long err0 = tls_counter("TlsDecryptError");
	SSL_CTX *saved = tls_ctx, *ctx;
	struct response r;
	struct client c;
	unsigned int i;
	int k, ret;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		ctx = tls_client_ctx();
		ASSERT_NE(NULL, ctx);
		SSL_CTX_set_min_proto_version(ctx, cases[i].version);
		SSL_CTX_set_max_proto_version(ctx, cases[i].version);
		if (cases[i].version == TLS1_3_VERSION)
			ret = SSL_CTX_set_ciphersuites(ctx, cases[i].cipher);
		else
			ret = SSL_CTX_set_cipher_list(ctx, cases[i].cipher);
		ASSERT_EQ(1, ret);
		tls_ctx = ctx;
		ASSERT_EQ(0, client_connect(&c, self->port, 0))
			TH_LOG("%s", cases[i].cipher);
		tls_ctx = saved;
		EXPECT_EQ(cases[i].version, SSL_version(c.ssl));
		EXPECT_STREQ(cases[i].cipher,
			     SSL_CIPHER_get_name(SSL_get_current_cipher(c.ssl)));
		for (k = 0; k < 2; k++) {
			ASSERT_EQ(0, client_sends(&c, REQ("GET", "/big.bin")));
			ASSERT_EQ(0, read_response(&c, &r, false))
				TH_LOG("%s", cases[i].cipher);
			expect_file(_metadata, &r, "big.bin",
				    "application/octet-stream", true);
			response_free(&r);
			ASSERT_EQ(0, client_sends(&c, REQ("GET", "/mid.bin")));
			ASSERT_EQ(0, read_response(&c, &r, false));
			expect_file(_metadata, &r, "mid.bin",
				    "application/octet-stream", true);
			response_free(&r);
		}
		client_close(&c);
		SSL_CTX_free(ctx);
	}
	EXPECT_EQ(err0, tls_counter("TlsDecryptError"));
}

/*
 * ALPN: h2 when offered, http/1.1 when it alone is, HTTP/1.1 without
 * ALPN, and the no_application_protocol alert when nothing offered is
 * served.  An HTTP/1.1 connection gets a page here; the h2_ tests of
 * httpd_test.c run over TLS too, and h2_curl, h2_nghttp and h2_h2load
 * negotiate h2.
 */
TEST_F(httpd, tls_alpn)
{
	static const struct {
		const char *wire;
		unsigned int len;
		const char *chosen;	/* NULL: none; "-": handshake fails */
	} cases[] = {
		{ "\x08http/1.1", 9, "http/1.1" },
		{ "\x02h2\x08http/1.1", 12, "h2" },
		{ "", 0, NULL },
		{ "\x02h2", 3, "h2" },
		{ "\x08http/1.0\x06spdy/3", 16, "-" },
	};
	SSL_CTX *saved = tls_ctx, *ctx;
	const unsigned char *sel;
	struct response r;
	unsigned int i, len;
	struct client c;
	int ret;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		ctx = tls_client_ctx();
		ASSERT_NE(NULL, ctx);
		ret = SSL_CTX_set_alpn_protos(ctx, (const unsigned char *)
					      cases[i].wire, cases[i].len);
		ASSERT_EQ(0, ret);
		tls_ctx = ctx;
		ret = client_connect(&c, self->port, 0);
		tls_ctx = saved;
		if (cases[i].chosen && !strcmp(cases[i].chosen, "-")) {
			EXPECT_EQ(-1, ret) TH_LOG("case %u", i);
			if (!ret)
				client_close(&c);
			SSL_CTX_free(ctx);
			continue;
		}
		ASSERT_EQ(0, ret) TH_LOG("case %u", i);
		SSL_get0_alpn_selected(c.ssl, &sel, &len);
		if (cases[i].chosen) {
			EXPECT_EQ(strlen(cases[i].chosen), len);
			EXPECT_EQ(0, memcmp(sel, cases[i].chosen, len));
		} else {
			EXPECT_EQ(0, len);
		}
		if (len == 2 && !memcmp(sel, "h2", 2)) {
			client_close(&c);
			SSL_CTX_free(ctx);
			continue;
		}
		ASSERT_EQ(0, client_sends(&c, REQ("GET", "/page.html")));
		ASSERT_EQ(0, read_response(&c, &r, false));
		expect_file(_metadata, &r, "page.html",
			    "text/html; charset=utf-8", true);
		response_free(&r);
		client_close(&c);
		SSL_CTX_free(ctx);
	}
	still_serves(_metadata, self->port);
}

/*
 * A close_notify alert (the client is done) is a record kernel TLS does
 * not give to read(): read fails with EIO, and the script closes the
 * connection, at once rather than on its idle timeout.
 */
TEST_F(httpd, tls_close_notify)
{
	struct response r;
	struct client c;
	long ms;

	ASSERT_EQ(0, exchange(self->port, REQ("GET", "/page.html"), &r, false,
			      &c));
	expect_file(_metadata, &r, "page.html", "text/html; charset=utf-8",
		    true);
	response_free(&r);
	/* 0: sent, the server's not received */
	ASSERT_EQ(0, SSL_shutdown(c.ssl));
	ms = ms_to_close(&c, 3 * TIMEOUT_MS);
	EXPECT_LE(0, ms);
	EXPECT_GT(PROMPT_MS, ms) TH_LOG("closed after %ld ms", ms);
	client_close(&c);

	/* Sent right after a request: the response comes first */
	ASSERT_EQ(0, client_connect(&c, self->port, 0));
	ASSERT_EQ(0, client_sends(&c, REQ("GET", "/index.html")));
	ASSERT_EQ(0, read_response(&c, &r, false));
	expect_file(_metadata, &r, "index.html", "text/html; charset=utf-8",
		    true);
	response_free(&r);
	ASSERT_EQ(0, SSL_shutdown(c.ssl));
	ms = ms_to_close(&c, 3 * TIMEOUT_MS);
	EXPECT_LE(0, ms);
	EXPECT_GT(PROMPT_MS, ms);
	client_close(&c);
	still_serves(_metadata, self->port);
}

/*
 * A KeyUpdate (TLS 1.3): kernel TLS cannot change its receive key, read
 * fails with EIO and the script closes the connection; the request sent
 * after it, under the new key, gets no answer.  Both kinds, the client
 * asking for the server's update too or not.
 */
TEST_F(httpd, tls_key_update)
{
	long err0 = tls_counter("TlsDecryptError"), ms;
	struct response r;
	struct client c;
	int k;

	for (k = 0; k < 2; k++) {
		ASSERT_EQ(0, exchange(self->port, REQ("GET", "/page.html"), &r,
				      false, &c));
		expect_file(_metadata, &r, "page.html",
			    "text/html; charset=utf-8", true);
		response_free(&r);
		ASSERT_EQ(1, SSL_key_update(c.ssl, k ?
					    SSL_KEY_UPDATE_REQUESTED :
					    SSL_KEY_UPDATE_NOT_REQUESTED));
		/* The KeyUpdate goes with the next write, before it */
		ASSERT_EQ(0, client_sends(&c, REQ("GET", "/index.html")));
		ms = ms_to_close(&c, 3 * TIMEOUT_MS);
		EXPECT_LE(0, ms) TH_LOG("kind %d", k);
		EXPECT_GT(PROMPT_MS, ms) TH_LOG("closed after %ld ms", ms);
		client_close(&c);
	}
	EXPECT_EQ(err0, tls_counter("TlsDecryptError"));
	still_serves(_metadata, self->port);
}

/*
 * A record that does not decrypt (forged, sent beside the client's TLS):
 * the kernel fails the socket with EBADMSG, and the script closes it.
 */
TEST_F(httpd, tls_forged_record)
{
	unsigned char rec[5 + 64] = { 23, 3, 3, 0, 64 };
	long err0 = tls_counter("TlsDecryptError"), ms;
	struct response r;
	struct client c;
	unsigned int i;

	ASSERT_EQ(0, exchange(self->port, REQ("GET", "/page.html"), &r, false,
			      &c));
	response_free(&r);
	for (i = 5; i < sizeof(rec); i++)
		rec[i] = i * 7;
	ASSERT_EQ(sizeof(rec), send(c.fd, rec, sizeof(rec), MSG_NOSIGNAL));
	ms = ms_to_close(&c, 3 * TIMEOUT_MS);
	EXPECT_LE(0, ms);
	EXPECT_GT(PROMPT_MS, ms);
	client_close(&c);
	EXPECT_EQ(err0 + 1, tls_counter("TlsDecryptError"));
	still_serves(_metadata, self->port);
}

/*
 * Handshakes that do not finish: one that never starts and one that
 * stops after half a ClientHello are dropped on the server's timeout
 * (1000 ms); a clear-text request on the TLS port fails its handshake
 * at once.  None holds up another client meanwhile.
 */
TEST_F(httpd, tls_bad_handshakes)
{
	static const char half_hello[] = "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03";
	struct sockaddr_in sa = {
		.sin_family = AF_INET,
		.sin_port = htons(self->port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	struct client raw[3];
	long t0, ms;
	int i;

	t0 = mono_ms();
	for (i = 0; i < 3; i++) {
		memset(&raw[i], 0, sizeof(raw[i]));
		raw[i].fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		ASSERT_LE(0, raw[i].fd);
		ASSERT_EQ(0, connect(raw[i].fd, (struct sockaddr *)&sa,
				     sizeof(sa)));
	}
	ASSERT_EQ(sizeof(half_hello) - 1,
		  send(raw[1].fd, half_hello, sizeof(half_hello) - 1, 0));
	ASSERT_EQ(18, send(raw[2].fd, "GET / HTTP/1.1\r\n\r\n", 18, 0));
	/* Meanwhile, a good client is served */
	still_serves(_metadata, self->port);
	ms = ms_to_close(&raw[2], 3 * TIMEOUT_MS);
	EXPECT_LE(0, ms);
	EXPECT_GT(PROMPT_MS, ms) TH_LOG("clear text: closed after %ld ms", ms);
	for (i = 0; i < 2; i++) {
		ms = ms_to_close(&raw[i], 5 * TIMEOUT_MS);
		EXPECT_LE(0, ms) TH_LOG("client %d", i);
		ms = mono_ms() - t0;
		EXPECT_LE(TIMEOUT_MS - 100, ms) TH_LOG("client %d", i);
		EXPECT_GT(4 * TIMEOUT_MS, ms) TH_LOG("client %d", i);
	}
	for (i = 0; i < 3; i++)
		close(raw[i].fd);
	still_serves(_metadata, self->port);
}

/* ---- curl, when the guest has it */

static char curl_bin[PATH_MAX];

/*
 * Runs curl with @args (NULL-terminated) and its output in @out (NUL-
 * terminated, @size at most): its exit status, or -1.
 */
static int run_curl(const char *const *args, char *out, size_t size)
{
	const char *argv[64] = { "curl", "-sS", "--http1.1", "--cacert",
				 tls_cert, "--max-time", "60" };
	int pipefd[2], status, i = 7;
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	while (*args && i < 63)
		argv[i++] = *args++;
	argv[i] = NULL;
	if (pipe2(pipefd, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		dup2(pipefd[1], STDOUT_FILENO);
		execv(curl_bin, (char *const *)argv);
		_exit(127);
	}
	close(pipefd[1]);
	while (len < size - 1 &&
	       (n = read(pipefd[0], out + len, size - 1 - len)) > 0)
		len += n;
	out[len] = 0;
	close(pipefd[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* Whether curl is there: $CURL, default /usr/bin/curl */
static bool have_curl(void)
{
	const char *env = getenv("CURL");

	snprintf(curl_bin, sizeof(curl_bin), "%s",
		 env && env[0] ? env : "/usr/bin/curl");
	return !access(curl_bin, X_OK);
}

/* curl over https: every file byte for byte, 1 MiB included. */
TEST_F_TIMEOUT(httpd, tls_curl_bodies, 120)
{
	static const char *const names[] = {
		"index.html", "page.html", "big.bin", "mid.bin", "empty.txt",
	};
	char url[256], out[256], path[PATH_MAX], *a, *b;
	size_t alen, blen;
	unsigned int i;

	if (!have_curl())
		SKIP(return, "no curl (set CURL)");
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		const char *const args[] = { "-o", path, "-w", "%{http_code}",
					     url, NULL };

		snprintf(url, sizeof(url), "https://127.0.0.1:%d/%s",
			 self->port, names[i]);
		snprintf(path, sizeof(path), "%s/curl.out", tmpdir);
		ASSERT_EQ(0, run_curl(args, out, sizeof(out))) TH_LOG("%s", url);
		EXPECT_STREQ("200", out);
		a = slurp(names[i], &alen);
		b = slurp("../curl.out", &blen);
		ASSERT_NE(NULL, a);
		ASSERT_NE(NULL, b);
		EXPECT_EQ(alen, blen) TH_LOG("%s", names[i]);
		if (alen == blen)
			EXPECT_EQ(0, memcmp(a, b, alen)) TH_LOG("%s", names[i]);
		free(a);
		free(b);
	}
}

/*
 * The same status codes over https as over http, for every kind of
 * response, with curl.
 */
TEST_F_TIMEOUT(httpd, tls_curl_status_codes, 120)
{
	static const struct {
		const char *method;
		const char *path;
		const char *status;
	} cases[] = {
		{ "GET", "/", "200" },
		{ "HEAD", "/big.bin", "200" },
		{ "GET", "/sub", "301" },
		{ "GET", "/nope", "404" },
		{ "GET", "/escape", "403" },
		{ "GET", "/fifo", "403" },
		{ "GET", "/%00", "400" },
		{ "POST", "/", "405" },
		{ "DELETE", "/", "405" },
		{ "BREW", "/", "501" },
	};
	char url[256], out[2][64];
	unsigned int i, k;

	if (!have_curl())
		SKIP(return, "no curl (set CURL)");
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		for (k = 0; k < 2; k++) {
			bool head = !strcmp(cases[i].method, "HEAD");
			const char *const args[] = { "-o", "/dev/null", "-w",
						     "%{http_code}", url,
						     head ? "-I" : "-X",
						     head ? NULL :
						     cases[i].method, NULL };

			snprintf(url, sizeof(url), "%s://127.0.0.1:%d%s",
				 k ? "http" : "https",
				 k ? self->plain_port : self->port,
				 cases[i].path);
			run_curl(args, out[k], sizeof(out[k]));
		}
		EXPECT_STREQ(cases[i].status, out[0])
			TH_LOG("%s %s", cases[i].method, cases[i].path);
		EXPECT_STREQ(out[1], out[0])
			TH_LOG("%s %s", cases[i].method, cases[i].path);
	}
}

/*
 * 100 transfers by curl, 50 connections at a time.  The server's timeout
 * is 10 s here: under QEMU's emulation 50 handshakes at once take curl
 * longer than the 1000 ms the server gives a silent client.
 */
TEST_F_TIMEOUT(httpd, tls_curl_many_connections, 180)
{
	static const char *const patient[] = { "-t", "10000", NULL };
	char url[256], out[8192], dir[128], tmpl[160], name[64];
	char *a, *b;
	size_t alen, blen;
	int i, ok = 0;

	if (!have_curl())
		SKIP(return, "no curl (set CURL)");
	server_restart(_metadata, self, patient);
	snprintf(dir, sizeof(dir), "%s/curl", tmpdir);
	ASSERT_EQ(0, mkdir(dir, 0755));
	snprintf(url, sizeof(url),
		 "https://127.0.0.1:%d/index.html?[1-100]", self->port);
	snprintf(tmpl, sizeof(tmpl), "%s/#1", dir);
	{
		const char *const args[] = { "-Z", "--parallel-max", "50",
					     "-H", "Connection: close",
					     "-o", tmpl, "-w",
					     "%{http_code}\\n", url, NULL };

		ASSERT_EQ(0, run_curl(args, out, sizeof(out)));
	}
	a = slurp("index.html", &alen);
	ASSERT_NE(NULL, a);
	for (i = 1; i <= 100; i++) {
		snprintf(name, sizeof(name), "../curl/%d", i);
		b = slurp(name, &blen);
		if (b && blen == alen && !memcmp(a, b, alen))
			ok++;
		free(b);
	}
	free(a);
	EXPECT_EQ(100, ok) TH_LOG("curl: %.200s", out);
}
