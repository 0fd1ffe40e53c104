// SPDX-License-Identifier: GPL-2.0
/*
 * httpd_tls.c: HTTPS for httpd through kernel TLS.
 *
 * The script serves plain text on sockets; kernel TLS (net/tls) makes a
 * TCP socket encrypt what is written to it (send, and sendfile, which the
 * script's move op is) and decrypt what is read from it, once it has the
 * keys.  What the kernel does not do is the handshake.  So this thread of
 * the launcher, one for the whole server, does it:
 *
 *  - It accepts from the TLS port's listening socket and runs each
 *    handshake, non-blocking, in its own epoll loop, up to
 *    TLS_MAX_PENDING at once.  A handshake is dropped when its client
 *    sends nothing for the server's timeout (-t), and in any case after
 *    TLS_MAX_TIMEOUTS timeouts, so that a client that stalls or dribbles
 *    its handshake holds nobody else up for long, while one that waited
 *    for this thread to get to it (many handshakes at once) is not
 *    dropped for that.
 *  - OpenSSL (Debian's, linked statically) negotiates TLS 1.3 or 1.2 with
 *    AEAD ciphers only (AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305: what
 *    kernel TLS does), and ALPN: the protocols the script serves, in the
 *    order of alpn_protos[] or -n's; a client that offers ALPN but none of
 *    them gets the no_application_protocol alert (RFC 7301), one that
 *    offers none gets HTTP/1.1.  No session tickets are sent: nothing
 *    could resume them, and a ticket after the handshake would be a
 *    record the script would have to send.
 *  - Kernel TLS in both directions: OpenSSL does it itself where it can
 *    (SSL_OP_ENABLE_KTLS: Debian builds it with kTLS; OpenSSL 3.0 turns
 *    on the transmit side for TLS 1.2 and 1.3 and the receive side for
 *    1.2); the direction it leaves (receive, with TLS 1.3) is set here,
 *    with the keys derived from the application traffic secret that
 *    OpenSSL's key log callback gives (RFC 8446 7.3), sequence number 0
 *    (the client's Finished went under the handshake keys, and OpenSSL
 *    reads no further than it).  A connection that ends up without kernel
 *    TLS both ways is closed.
 *  - The socket is handed to a worker, round robin, as a struct
 *    httpd_handoff written to that worker's handoff pipe, with the
 *    protocol ALPN chose.  The script adopts it as a connection (httpd.bpf.c,
 *    do_handoff()) and serves it like any other.
 *
 * Records the kernel cannot handle: with TLS_RX, a record that is not
 * application data (an alert, close_notify included; a KeyUpdate or
 * another post-handshake message) makes read() fail with EIO, without
 * consuming it (net/tls/tls_sw.c, tls_record_content_type(): a reader
 * without a cmsg buffer for the record type).  The script closes the
 * connection then, as after any failed read; it is not handed back here.
 * Every such record ends the connection anyway, but KeyUpdate: an alert
 * is close_notify (the client is done) or fatal, and the server never
 * asks for post-handshake authentication.  A KeyUpdate (which clients
 * send after very many records, or when asked to) would need the
 * kernel to change its receive key, which 6.12's TLS cannot; closing the
 * connection makes the client open another.  The server does not send
 * close_notify either: the script has no sendmsg to send an alert record
 * with; responses are delimited by Content-Length, so a client loses
 * nothing by it.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/tls.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/kdf.h>
#include <openssl/ssl.h>

#include "httpd.h"
#include "httpd_tls.h"

#ifndef SOL_TLS
#define SOL_TLS		282
#endif

/* Handshakes in progress at most: past that, a connection is closed */
#define TLS_MAX_PENDING	1024
/* Connections accepted per wakeup */
#define TLS_ACCEPT_BATCH	64
#define TLS_MAX_EVENTS	64
/* A handshake may take this many timeouts at most, however it goes on */
#define TLS_MAX_TIMEOUTS	10
/* How often deadlines are checked while handshakes are pending */
#define TLS_TICK_MS	100
/* epoll data of the two descriptors that are no handshake */
#define TAG_LISTEN	(~0ULL)
#define TAG_STOP	(~0ULL - 1)
/* The longest traffic secret: SHA-384's */
#define SECRET_MAX	48
/* The longest ALPN list, in its wire form */
#define ALPN_MAX	64
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/**
 * struct alpn_proto - a protocol the TLS port may negotiate
 * @name: its ALPN name
 * @proto: HTTPD_PROTO_* that the script gets with the connection
 * @served: whether the script speaks it: only those are offered
 *
 * In the default order of preference: a client that offers both gets
 * HTTP/2.
 */
struct alpn_proto {
	const char	*name;
	__u32		proto;
	bool		served;
};

static const struct alpn_proto alpn_protos[] = {
	{ "h2",		HTTPD_PROTO_H2,		true },
	{ "http/1.1",	HTTPD_PROTO_HTTP1,	true },
};

/**
 * struct hs - a handshake in progress
 * @ssl: its OpenSSL connection, NULL when the slot is free
 * @fd: its socket
 * @deadline: CLOCK_MONOTONIC ms by which the client must send more
 * @end: ... and by which the handshake must be done
 * @next_free: the next free slot
 * @secret: the client's and the server's application traffic secrets
 *	(TLS 1.3), from the key log callback
 * @secret_len: their lengths, 0 until known
 */
struct hs {
	SSL		*ssl;
	int		fd;
	long		deadline;
	long		end;
	int		next_free;
	unsigned char	secret[2][SECRET_MAX];
	size_t		secret_len[2];
};

/**
 * struct tls_counters - what the TLS port counts
 * @accepted: connections accepted
 * @refused: closed at once, TLS_MAX_PENDING handshakes being pending
 * @failed: handshakes that failed (a client error, an alert, no common
 *	protocol or cipher, the peer gone)
 * @timeouts: handshakes dropped on their deadline
 * @no_ktls: handshakes done but kernel TLS could not be turned on
 * @tls13: connections handed off with TLS 1.3
 * @tls12: ... with TLS 1.2
 * @lost: handed off to no worker, its handoff pipe full
 * @ossl_tx: connections whose transmit side OpenSSL gave the kernel
 * @ossl_rx: ... whose receive side (the others': keys derived here)
 */
struct tls_counters {
	unsigned long long	accepted;
	unsigned long long	refused;
	unsigned long long	failed;
	unsigned long long	timeouts;
	unsigned long long	no_ktls;
	unsigned long long	tls13;
	unsigned long long	tls12;
	unsigned long long	lost;
	unsigned long long	ossl_tx;
	unsigned long long	ossl_rx;
};

static struct httpd_tls_opts opts;
static SSL_CTX *ctx;
static unsigned char alpn_wire[ALPN_MAX + 1];
static unsigned int alpn_wire_len;
static char alpn_names[ALPN_MAX];
static pthread_t thread;
static struct tls_counters cnt;
static struct hs *hs_table;
static int free_head, pending, epfd = -1;
/* While out of descriptors: when accepting starts again, else 0 */
static long accept_resume;
static unsigned long next_worker;

/* OpenSSL's module loading and name lookups: never (httpd_tls.h) */
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

static long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void print_ssl_errors(const char *what)
{
	unsigned long e;
	char buf[256];

	fprintf(stderr, "httpd: %s\n", what);
	while ((e = ERR_get_error())) {
		ERR_error_string_n(e, buf, sizeof(buf));
		fprintf(stderr, "httpd:   %s\n", buf);
	}
}

/*
 * The ALPN list @list ("h2,http/1.1"), or when NULL every protocol the
 * script serves, into alpn_wire and alpn_names: 0, or -1 for a name
 * unknown or not served.
 */
static int alpn_parse(const char *list)
{
	char buf[ALPN_MAX], *save, *name;
	unsigned int i, len;

	alpn_names[0] = 0;
	if (list) {
		snprintf(alpn_names, sizeof(alpn_names), "%s", list);
	} else {
		for (i = 0; i < ARRAY_SIZE(alpn_protos); i++)
			if (alpn_protos[i].served)
				snprintf(alpn_names + strlen(alpn_names),
					 sizeof(alpn_names) -
					 strlen(alpn_names), "%s%s",
					 alpn_names[0] ? "," : "",
					 alpn_protos[i].name);
	}
	snprintf(buf, sizeof(buf), "%s", alpn_names);
	alpn_wire_len = 0;
	for (name = strtok_r(buf, ",", &save); name;
	     name = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < ARRAY_SIZE(alpn_protos); i++)
			if (!strcmp(name, alpn_protos[i].name))
				break;
		if (i == ARRAY_SIZE(alpn_protos) || !alpn_protos[i].served) {
			fprintf(stderr, "httpd: ALPN %s: %s\n", name,
				i == ARRAY_SIZE(alpn_protos) ? "unknown" :
				"not served by the script (yet)");
			return -1;
		}
		len = strlen(name);
		alpn_wire[alpn_wire_len++] = len;
		memcpy(alpn_wire + alpn_wire_len, name, len);
		alpn_wire_len += len;
	}
	if (!alpn_wire_len) {
		fprintf(stderr, "httpd: no ALPN protocol\n");
		return -1;
	}
	return 0;
}

const char *httpd_tls_alpn(void)
{
	return alpn_names;
}

/* The protocol of @ssl, as ALPN chose it: HTTP/1.1 when it did not. */
static __u32 alpn_proto(SSL *ssl)
{
	const unsigned char *p;
	unsigned int len, i;

	SSL_get0_alpn_selected(ssl, &p, &len);
	for (i = 0; i < ARRAY_SIZE(alpn_protos); i++)
		if (len == strlen(alpn_protos[i].name) &&
		    !memcmp(p, alpn_protos[i].name, len))
			return alpn_protos[i].proto;
	return HTTPD_PROTO_HTTP1;
}

static int alpn_select(SSL *ssl, const unsigned char **out,
		       unsigned char *outlen, const unsigned char *in,
		       unsigned int inlen, void *arg)
{
	unsigned char *sel;

	if (SSL_select_next_proto(&sel, outlen, alpn_wire, alpn_wire_len, in,
				  inlen) != OPENSSL_NPN_NEGOTIATED)
		return SSL_TLSEXT_ERR_ALERT_FATAL;
	*out = sel;
	return SSL_TLSEXT_ERR_OK;
}

/* The value of the hex digit @ch, or -1 */
static int hex_val(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/*
 * OpenSSL's key log line "CLIENT_TRAFFIC_SECRET_0 RANDOM SECRET" (and
 * the server's): the secret, into the handshake's struct hs.
 */
static void keylog(const SSL *ssl, const char *line)
{
	static const char * const labels[2] = {
		"CLIENT_TRAFFIC_SECRET_0 ", "SERVER_TRAFFIC_SECRET_0 ",
	};
	struct hs *h = SSL_get_app_data(ssl);
	const char *p;
	size_t n;
	int k, hi, lo;

	for (k = 0; k < 2; k++)
		if (!strncmp(line, labels[k], strlen(labels[k])))
			break;
	if (k == 2 || !h)
		return;
	p = strchr(line + strlen(labels[k]), ' ');
	if (!p)
		return;
	for (p++, n = 0; p[0] && p[1] && n < SECRET_MAX; p += 2, n++) {
		hi = hex_val(p[0]);
		lo = hex_val(p[1]);
		if (hi < 0 || lo < 0)
			return;
		h->secret[k][n] = hi << 4 | lo;
	}
	h->secret_len[k] = n;
}

/* HKDF-Expand-Label(@secret, @label, "", @len) of RFC 8446 7.1 */
static int hkdf_label(const char *md, const unsigned char *secret,
		      size_t slen, const char *label, unsigned char *out,
		      size_t len)
{
	unsigned char info[2 + 1 + 6 + 16 + 1];
	size_t ll = strlen(label), i = 0;
	int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY, ret;
	OSSL_PARAM params[5];
	EVP_KDF_CTX *kctx;
	EVP_KDF *kdf;

	info[i++] = len >> 8;
	info[i++] = len;
	info[i++] = 6 + ll;
	memcpy(info + i, "tls13 ", 6);
	i += 6;
	memcpy(info + i, label, ll);
	i += ll;
	info[i++] = 0;

	kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	kctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
	EVP_KDF_free(kdf);
	if (!kctx)
		return -1;
	params[0] = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
	params[1] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
						     (char *)md, 0);
	params[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
						      (void *)secret, slen);
	params[3] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
						      info, i);
	params[4] = OSSL_PARAM_construct_end();
	ret = EVP_KDF_derive(kctx, out, len, params) > 0 ? 0 : -1;
	EVP_KDF_CTX_free(kctx);
	return ret;
}

/*
 * Kernel TLS for one direction of a TLS 1.3 connection (@dir TLS_TX or
 * TLS_RX), from that direction's application traffic secret, at
 * sequence number 0: 0 or -1.
 */
static int ktls_13(int fd, int dir, const SSL_CIPHER *cipher,
		   const unsigned char *secret, size_t slen)
{
	union {
		struct tls12_crypto_info_aes_gcm_128 g128;
		struct tls12_crypto_info_aes_gcm_256 g256;
		struct tls12_crypto_info_chacha20_poly1305 cc;
	} ci;
	unsigned char key[32], iv[12];
	const char *md = "SHA256";
	size_t klen = 32, size;
	int ret;

	memset(&ci, 0, sizeof(ci));
	switch (SSL_CIPHER_get_id(cipher) & 0xffff) {
	case 0x1301:	/* TLS_AES_128_GCM_SHA256 */
		klen = 16;
		break;
	case 0x1302:	/* TLS_AES_256_GCM_SHA384 */
		md = "SHA384";
		break;
	case 0x1303:	/* TLS_CHACHA20_POLY1305_SHA256 */
		break;
	default:
		return -1;
	}
	if (!slen || hkdf_label(md, secret, slen, "key", key, klen) ||
	    hkdf_label(md, secret, slen, "iv", iv, sizeof(iv)))
		return -1;
	switch (SSL_CIPHER_get_id(cipher) & 0xffff) {
	case 0x1301:
		ci.g128.info.version = TLS_1_3_VERSION;
		ci.g128.info.cipher_type = TLS_CIPHER_AES_GCM_128;
		memcpy(ci.g128.key, key, 16);
		memcpy(ci.g128.salt, iv, 4);
		memcpy(ci.g128.iv, iv + 4, 8);
		size = sizeof(ci.g128);
		break;
	case 0x1302:
		ci.g256.info.version = TLS_1_3_VERSION;
		ci.g256.info.cipher_type = TLS_CIPHER_AES_GCM_256;
		memcpy(ci.g256.key, key, 32);
		memcpy(ci.g256.salt, iv, 4);
		memcpy(ci.g256.iv, iv + 4, 8);
		size = sizeof(ci.g256);
		break;
	default:
		ci.cc.info.version = TLS_1_3_VERSION;
		ci.cc.info.cipher_type = TLS_CIPHER_CHACHA20_POLY1305;
		memcpy(ci.cc.key, key, 32);
		memcpy(ci.cc.iv, iv, 12);
		size = sizeof(ci.cc);
		break;
	}
	ret = setsockopt(fd, SOL_TLS, dir, &ci, size);
	OPENSSL_cleanse(&ci, sizeof(ci));
	OPENSSL_cleanse(key, sizeof(key));
	return ret ? -1 : 0;
}

/*
 * Kernel TLS both ways on the finished handshake @h: what OpenSSL did,
 * and the rest here.  0, or -1 when it could not be done.
 */
static int ktls_on(struct hs *h)
{
	bool tx = BIO_get_ktls_send(SSL_get_wbio(h->ssl));
	bool rx = BIO_get_ktls_recv(SSL_get_rbio(h->ssl));
	const SSL_CIPHER *cipher = SSL_get_current_cipher(h->ssl);

	cnt.ossl_tx += tx;
	cnt.ossl_rx += rx;
	if (tx && rx)
		return 0;
	/*
	 * Only TLS 1.3's keys are derived here; and OpenSSL must have read
	 * nothing past the handshake, which the kernel would never see.
	 */
	if (SSL_version(h->ssl) != TLS1_3_VERSION || SSL_has_pending(h->ssl))
		return -1;
	if (!tx && !rx &&
	    setsockopt(h->fd, SOL_TCP, TCP_ULP, "tls", sizeof("tls")) &&
	    errno != EEXIST)
		return -1;
	if (!tx && ktls_13(h->fd, TLS_TX, cipher, h->secret[1],
			   h->secret_len[1]))
		return -1;
	if (!rx && ktls_13(h->fd, TLS_RX, cipher, h->secret[0],
			   h->secret_len[0]))
		return -1;
	return 0;
}

/* Ends the handshake in @h: closes its socket unless @keep. */
static void hs_free(struct hs *h, bool keep)
{
	epoll_ctl(epfd, EPOLL_CTL_DEL, h->fd, NULL);
	SSL_free(h->ssl);
	h->ssl = NULL;
	OPENSSL_cleanse(h->secret, sizeof(h->secret));
	if (!keep)
		close(h->fd);
	h->fd = -1;
	h->next_free = free_head;
	free_head = h - hs_table;
	pending--;
}

/* The handshake in @h is done: kernel TLS on, and to a worker. */
static void hand_off(struct hs *h)
{
	struct httpd_handoff rec = { .fd = h->fd };
	long i;
	int ver = SSL_version(h->ssl);

	if (ktls_on(h)) {
		cnt.no_ktls++;
		hs_free(h, false);
		return;
	}
	rec.proto = alpn_proto(h->ssl) | HTTPD_PROTO_TLS;
	/* The SSL is done with before the worker may close the socket */
	hs_free(h, true);
	for (i = 0; i < opts.workers; i++) {
		if (write(opts.handoff_fds[next_worker++ % opts.workers],
			  &rec, sizeof(rec)) == sizeof(rec)) {
			if (ver == TLS1_3_VERSION)
				cnt.tls13++;
			else
				cnt.tls12++;
			return;
		}
	}
	cnt.lost++;
	close(rec.fd);
}

/*
 * Runs the handshake in @h as far as it goes, now that its client sent
 * something (or it was accepted).  The time is read here, not once per
 * wakeup: a batch of handshakes may take long.
 */
static void hs_step(struct hs *h)
{
	struct epoll_event ev = { .data.u64 = h - hs_table };
	long now = mono_ms();
	int r;

	h->deadline = now + opts.timeout_ms;
	if (h->deadline > h->end)
		h->deadline = h->end;
	ERR_clear_error();
	r = SSL_do_handshake(h->ssl);
	if (r == 1) {
		hand_off(h);
		return;
	}
	switch (SSL_get_error(h->ssl, r)) {
	case SSL_ERROR_WANT_READ:
		ev.events = EPOLLIN;
		break;
	case SSL_ERROR_WANT_WRITE:
		ev.events = EPOLLOUT;
		break;
	default:
		cnt.failed++;
		hs_free(h, false);
		return;
	}
	epoll_ctl(epfd, EPOLL_CTL_MOD, h->fd, &ev);
}

static void do_accept(long now)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct hs *h;
	int i, fd;

	for (i = 0; i < TLS_ACCEPT_BATCH; i++) {
		fd = accept4(opts.listen_fd, NULL, NULL,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == ECONNABORTED || errno == EINTR)
				continue;
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM) {
				/* Level-triggered: it would wake us again */
				epoll_ctl(epfd, EPOLL_CTL_DEL, opts.listen_fd,
					  NULL);
				accept_resume = now + TLS_TICK_MS;
			}
			return;
		}
		cnt.accepted++;
		if (free_head < 0) {
			cnt.refused++;
			close(fd);
			continue;
		}
		h = &hs_table[free_head];
		h->ssl = SSL_new(ctx);
		if (!h->ssl || !SSL_set_fd(h->ssl, fd)) {
			SSL_free(h->ssl);
			h->ssl = NULL;
			cnt.failed++;
			close(fd);
			continue;
		}
		free_head = h->next_free;
		pending++;
		h->fd = fd;
		h->end = mono_ms() + TLS_MAX_TIMEOUTS * opts.timeout_ms;
		h->secret_len[0] = 0;
		h->secret_len[1] = 0;
		SSL_set_app_data(h->ssl, h);
		SSL_set_accept_state(h->ssl);
		ev.data.u64 = h - hs_table;
		if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev)) {
			cnt.failed++;
			hs_free(h, false);
			continue;
		}
		hs_step(h);
	}
}

static void *tls_main(void *arg)
{
	struct epoll_event evs[TLS_MAX_EVENTS], ev = { .events = EPOLLIN };
	long now, next_check = 0;
	int n, i;

	ev.data.u64 = TAG_LISTEN;
	epoll_ctl(epfd, EPOLL_CTL_ADD, opts.listen_fd, &ev);
	ev.data.u64 = TAG_STOP;
	epoll_ctl(epfd, EPOLL_CTL_ADD, opts.stop_fd, &ev);
	for (;;) {
		n = epoll_wait(epfd, evs, TLS_MAX_EVENTS,
			       pending || accept_resume ? TLS_TICK_MS : -1);
		if (n < 0 && errno != EINTR)
			break;
		now = mono_ms();
		if (accept_resume && now >= accept_resume) {
			accept_resume = 0;
			ev.data.u64 = TAG_LISTEN;
			epoll_ctl(epfd, EPOLL_CTL_ADD, opts.listen_fd, &ev);
		}
		for (i = 0; i < n; i++) {
			if (evs[i].data.u64 == TAG_STOP)
				goto out;
			if (evs[i].data.u64 == TAG_LISTEN)
				do_accept(now);
			else if (hs_table[evs[i].data.u64].ssl)
				hs_step(&hs_table[evs[i].data.u64]);
		}
		now = mono_ms();
		if (!pending || now < next_check)
			continue;
		next_check = now + TLS_TICK_MS;
		for (i = 0; i < TLS_MAX_PENDING; i++) {
			if (hs_table[i].ssl && now >= hs_table[i].deadline) {
				cnt.timeouts++;
				hs_free(&hs_table[i], false);
			}
		}
	}
out:
	for (i = 0; i < TLS_MAX_PENDING; i++)
		if (hs_table[i].ssl)
			hs_free(&hs_table[i], false);
	return NULL;
}

/* The AEADs kernel TLS has, by OpenSSL's names */
static const char ciphers_12[] = "ECDHE+AESGCM:ECDHE+CHACHA20";
static const char ciphers_13[] =
	"TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";

int httpd_tls_init(const struct httpd_tls_opts *o)
{
	int i;

	opts = *o;
	if (alpn_parse(o->alpn))
		return -1;
	/* No openssl.cnf: the guest has none, and nothing to load */
	OPENSSL_init_ssl(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
	ctx = SSL_CTX_new(TLS_server_method());
	if (!ctx) {
		print_ssl_errors("SSL_CTX_new failed");
		return -1;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	/*
	 * AEADs the kernel has; TLS 1.3's default suites are all three.
	 * Kernel TLS cannot renegotiate, nor decompress.
	 */
	if (!SSL_CTX_set_cipher_list(ctx, ciphers_12) ||
	    !SSL_CTX_set_ciphersuites(ctx, ciphers_13)) {
		print_ssl_errors("no cipher");
		return -1;
	}
	SSL_CTX_set_options(ctx, SSL_OP_ENABLE_KTLS | SSL_OP_NO_RENEGOTIATION |
			    SSL_OP_NO_COMPRESSION | SSL_OP_NO_TICKET);
	SSL_CTX_set_num_tickets(ctx, 0);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_keylog_callback(ctx, keylog);
	SSL_CTX_set_alpn_select_cb(ctx, alpn_select, NULL);
	if (SSL_CTX_use_certificate_chain_file(ctx, o->cert) != 1) {
		fprintf(stderr, "httpd: %s: ", o->cert);
		print_ssl_errors("no certificate");
		return -1;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, o->key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		fprintf(stderr, "httpd: %s: ", o->key);
		print_ssl_errors("no private key for the certificate");
		return -1;
	}
	hs_table = calloc(TLS_MAX_PENDING, sizeof(*hs_table));
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (!hs_table || epfd < 0) {
		perror("httpd: TLS");
		return -1;
	}
	for (i = 0; i < TLS_MAX_PENDING; i++) {
		hs_table[i].fd = -1;
		hs_table[i].next_free = i + 1 < TLS_MAX_PENDING ? i + 1 : -1;
	}
	free_head = 0;
	return 0;
}

int httpd_tls_start(void)
{
	return pthread_create(&thread, NULL, tls_main, NULL);
}

void httpd_tls_join(void)
{
	pthread_join(thread, NULL);
	close(epfd);
	free(hs_table);
	SSL_CTX_free(ctx);
}

void httpd_tls_print_counters(void)
{
	printf("tls: %llu connections (%llu turned away), ", cnt.accepted,
	       cnt.refused);
	printf("%llu handed off (TLS 1.3 %llu, TLS 1.2 %llu), ",
	       cnt.tls13 + cnt.tls12, cnt.tls13, cnt.tls12);
	printf("%llu failed, %llu timeouts, %llu without kernel TLS, ",
	       cnt.failed, cnt.timeouts, cnt.no_ktls);
	printf("%llu lost; kernel TLS set by OpenSSL: %llu tx, %llu rx\n",
	       cnt.lost, cnt.ossl_tx, cnt.ossl_rx);
}
