// SPDX-License-Identifier: GPL-2.0
/*
 * http_client: a tiny keep-alive HTTP/1.1 load generator that makes an
 * exact number of requests, for counting a server's system calls per
 * request, and a readiness probe for the benchmark.
 *
 *   http_client [-a ADDR] -p PORT [-c CONNS] [-n REQUESTS] [-w WARMUP]
 *               [-T FILE] [-W WAIT_MS] PATH
 *
 * It opens CONNS connections (waiting up to WAIT_MS for the server to
 * accept the first), makes WARMUP requests over them, then writes "1" to
 * FILE (tracefs's tracing_on, say), makes exactly REQUESTS more, one at a
 * time per connection, writes "0" to FILE before it closes anything, and
 * prints "http_client: N requests in S s: R req/s, E errors".  Every
 * response must be a 200 with a Content-Length; it exits 1 otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#define MAX_CONNS	1024
#define BUF_SIZE	(64 * 1024)

struct conn {
	int			fd;
	bool			busy;		/* a request is in flight */
	bool			in_body;
	unsigned long long	left;		/* body bytes still to come */
	size_t			hlen;		/* header bytes buffered */
	char			head[4096];
};

static char req[1024];
static size_t req_len;
static char buf[BUF_SIZE];
static unsigned long errors;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int connect_to(const struct sockaddr_in *sa, int wait_ms)
{
	double end = now_s() + wait_ms / 1000.0;
	int fd, one = 1;

	for (;;) {
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -1;
		if (!connect(fd, (const struct sockaddr *)sa, sizeof(*sa))) {
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
				   sizeof(one));
			return fd;
		}
		close(fd);
		if (now_s() >= end)
			return -1;
		usleep(20000);
	}
}

static int send_req(struct conn *c)
{
	size_t off = 0;
	ssize_t n;

	while (off < req_len) {
		n = send(c->fd, req + off, req_len - off, MSG_NOSIGNAL);
		if (n <= 0)
			return -1;
		off += n;
	}
	c->busy = true;
	c->in_body = false;
	c->hlen = 0;
	return 0;
}

/*
 * Takes the @n bytes at @p of @c's response.  Return: 1 when the response
 * is complete, 0 when more is to come, -1 on a malformed one.
 */
static int take(struct conn *c, const char *p, size_t n)
{
	const char *e, *cl;
	size_t k;

	if (!c->in_body) {
		k = sizeof(c->head) - 1 - c->hlen;
		if (n < k)
			k = n;
		memcpy(c->head + c->hlen, p, k);
		c->hlen += k;
		c->head[c->hlen] = 0;
		e = strstr(c->head, "\r\n\r\n");
		if (!e)
			return c->hlen == sizeof(c->head) - 1 ? -1 : 0;
		if (strncmp(c->head, "HTTP/1.1 200 ", 13))
			errors++;
		cl = strcasestr(c->head, "\r\nContent-Length:");
		if (!cl || cl > e)
			return -1;
		c->left = strtoull(cl + 17, NULL, 10);
		c->in_body = true;
		/* bytes of this read past the header */
		k = e + 4 - c->head - (c->hlen - k);
		p += k;
		n -= k;
	}
	if (n > c->left)
		return -1;	/* no pipelining here: nothing may follow */
	c->left -= n;
	return c->left == 0;
}

static void mark(const char *file, const char *v)
{
	int fd;

	if (!file)
		return;
	fd = open(file, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, v, 1) != 1) {
		perror(file);
		exit(1);
	}
	close(fd);
}

/* Makes @total requests over @nc connections; 0 or -1. */
static int run(struct conn *conns, int nc, unsigned long total)
{
	static struct pollfd pfd[MAX_CONNS];
	unsigned long issued = 0, done = 0;
	int i, r;
	ssize_t n;

	for (i = 0; i < nc && issued < total; i++, issued++)
		if (send_req(&conns[i]))
			return -1;
	while (done < total) {
		for (i = 0; i < nc; i++) {
			pfd[i].fd = conns[i].busy ? conns[i].fd : -1;
			pfd[i].events = POLLIN;
		}
		if (poll(pfd, nc, 10000) <= 0)
			return -1;
		for (i = 0; i < nc; i++) {
			if (!pfd[i].revents)
				continue;
			n = read(conns[i].fd, buf, sizeof(buf));
			if (n <= 0)
				return -1;
			r = take(&conns[i], buf, n);
			if (r < 0)
				return -1;
			if (!r)
				continue;
			conns[i].busy = false;
			done++;
			if (issued < total) {
				issued++;
				if (send_req(&conns[i]))
					return -1;
			}
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	const char *addr = "127.0.0.1", *trace = NULL;
	unsigned long n = 1000, warmup = 0;
	int o, nc = 1, port = 0, wait_ms = 0, i;
	static struct conn conns[MAX_CONNS];
	double t0, t;

	while ((o = getopt(argc, argv, "a:p:c:n:w:T:W:")) != -1) {
		switch (o) {
		case 'a':
			addr = optarg;
			break;
		case 'p':
			port = atoi(optarg);
			break;
		case 'c':
			nc = atoi(optarg);
			break;
		case 'n':
			n = strtoul(optarg, NULL, 10);
			break;
		case 'w':
			warmup = strtoul(optarg, NULL, 10);
			break;
		case 'T':
			trace = optarg;
			break;
		case 'W':
			wait_ms = atoi(optarg);
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc - 1 || port <= 0 || nc < 1 || nc > MAX_CONNS)
		goto usage;
	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1)
		goto usage;
	sa.sin_port = htons(port);
	req_len = snprintf(req, sizeof(req),
			   "GET %s HTTP/1.1\r\nHost: %s:%d\r\n"
			   "User-Agent: http_client\r\nAccept: */*\r\n\r\n",
			   argv[optind], addr, port);
	if (req_len >= sizeof(req))
		goto usage;

	for (i = 0; i < nc; i++) {
		conns[i].fd = connect_to(&sa, i ? 0 : wait_ms);
		if (conns[i].fd < 0) {
			fprintf(stderr, "http_client: connect %s:%d: %s\n",
				addr, port, strerror(errno));
			return 1;
		}
	}
	if (warmup && run(conns, nc, warmup)) {
		fprintf(stderr, "http_client: warm-up failed\n");
		return 1;
	}
	mark(trace, "1");
	t0 = now_s();
	if (run(conns, nc, n)) {
		mark(trace, "0");
		fprintf(stderr, "http_client: requests failed\n");
		return 1;
	}
	t = now_s() - t0;
	mark(trace, "0");
	for (i = 0; i < nc; i++)
		close(conns[i].fd);
	printf("http_client: %lu requests in %.3f s: %.0f req/s, %lu errors\n",
	       n, t, n / t, errors);
	return errors ? 1 : 0;

usage:
	fprintf(stderr,
		"Usage: http_client [-a ADDR] -p PORT [-c CONNS] [-n REQUESTS] [-w WARMUP]\n"
		"                   [-T FILE] [-W WAIT_MS] PATH\n");
	return 2;
}
