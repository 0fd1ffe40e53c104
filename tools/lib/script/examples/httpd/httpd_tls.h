/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TLS port of httpd (httpd_tls.c): a thread of the launcher accepts
 * its connections, does the handshake with OpenSSL, turns on kernel TLS
 * and hands each connection to a worker's script (httpd.h, struct
 * httpd_handoff).
 */
#ifndef HTTPD_TLS_H
#define HTTPD_TLS_H

#include <stdbool.h>

/**
 * struct httpd_tls_opts - what the TLS port needs
 * @cert: PEM file of the certificate (and its chain)
 * @key: PEM file of its private key
 * @alpn: the ALPN protocols offered, comma-separated, in the server's
 *	order of preference; NULL for every protocol the script serves
 * @listen_fd: the TLS port's listening socket, non-blocking
 * @stop_fd: becomes readable when the server stops
 * @handoff_fds: the write end of each worker's handoff pipe
 * @workers: how many
 * @timeout_ms: how long a handshake may take
 */
struct httpd_tls_opts {
	const char	*cert;
	const char	*key;
	const char	*alpn;
	int		listen_fd;
	int		stop_fd;
	const int	*handoff_fds;
	long		workers;
	long		timeout_ms;
};

/* Loads the certificate and key and checks @o: 0, or -1 with a message. */
int httpd_tls_init(const struct httpd_tls_opts *o);
/* Starts the handshake thread: 0, or an errno. */
int httpd_tls_start(void);
/* Waits for it to end, once the stop descriptor is readable. */
void httpd_tls_join(void);
/* Prints its counters, one line. */
void httpd_tls_print_counters(void);
/* The ALPN protocols offered, as the listening line names them. */
const char *httpd_tls_alpn(void);

/*
 * The server is linked statically, and OpenSSL can load modules and
 * resolve names, which static glibc can do only with the shared
 * libraries of its own version (the linker warns of it).  It does
 * neither here (no configuration file is read, and nothing is looked
 * up), so the Makefile sends these calls (-Wl,--wrap) to httpd_tls.c's
 * stubs, which fail.
 */
struct addrinfo;
struct hostent;
void *__wrap_dlopen(const char *file, int mode);
int __wrap_getaddrinfo(const char *node, const char *service,
		       const struct addrinfo *hints, struct addrinfo **res);
struct hostent *__wrap_gethostbyname(const char *name);

#endif /* HTTPD_TLS_H */
