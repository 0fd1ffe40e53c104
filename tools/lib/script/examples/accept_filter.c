// SPDX-License-Identifier: GPL-2.0
/*
 * accept_filter: a tiny HTTP server behind an accept filter script
 * (accept_filter.bpf.c), in the manner of FreeBSD's accf_http.
 *
 * What it shows: a script that takes over the waiting a server would do
 * (accept, read, time out, close) and returns to user space only with
 * work to do, a connection whose request header is all there.  The server
 * then prints the request line and answers "200 OK" itself.
 *
 *   accept_filter [-o OBJ] [-p PORT] [-n COUNT] [-t MS]
 *
 * It listens on 127.0.0.1:PORT (default 8080; 0: any free port), prints
 * "listening on 127.0.0.1:PORT", answers COUNT connections (default 1;
 * 0: no end), each through one run of the script, and gives clients MS
 * milliseconds (default 2000) for their header.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "libscript.h"
#include "accept_filter.h"

#define REQUEST_MAX	4096

static const char response[] =
	"HTTP/1.0 200 OK\r\n"
	"Content-Type: text/plain\r\n"
	"Content-Length: 3\r\n"
	"Connection: close\r\n"
	"\r\n"
	"ok\n";

/* @name in the directory this program was started from. */
static void object_path(char *path, size_t size, const char *argv0,
			const char *name)
{
	char dir[PATH_MAX];
	ssize_t n;

	if (strchr(argv0, '/')) {
		snprintf(dir, sizeof(dir), "%s", argv0);
	} else {
		/* Found in $PATH: ask the kernel where. */
		n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
		dir[n > 0 ? n : 0] = '\0';
	}
	snprintf(path, size, "%s/%s", dir[0] ? dirname(dir) : ".", name);
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: accept_filter [-o OBJ] [-p PORT] [-n COUNT] [-t MS]\n"
		   "Answer COUNT HTTP requests on 127.0.0.1:PORT, behind an accept filter script.\n"
		   "  -o OBJ    the script object (default: accept_filter.bpf.o beside this program)\n"
		   "  -p PORT   the port (default 8080; 0: any free one)\n"
		   "  -n COUNT  connections to answer (default 1; 0: no end)\n"
		   "  -t MS     milliseconds a client has for its header (default 2000)\n");
}

/* Parses a decimal number from 0 to @max, all of @s: it, or -1. */
static long parse_num(const char *s, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > max)
		return -1;
	return v;
}

static int listen_on(int port)
{
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	socklen_t len = sizeof(addr);
	int fd, one = 1;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("accept_filter: socket");
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    listen(fd, 64) ||
	    getsockname(fd, (struct sockaddr *)&addr, &len)) {
		fprintf(stderr, "accept_filter: 127.0.0.1:%d: %s\n", port,
			strerror(errno));
		close(fd);
		return -1;
	}
	printf("listening on 127.0.0.1:%d\n", ntohs(addr.sin_port));
	fflush(stdout);
	return fd;
}

/* Prints the request line of the @len bytes at @req. */
static void print_request_line(const char *req, size_t len)
{
	const char *eol = memchr(req, '\n', len);
	size_t n = eol ? (size_t)(eol - req) : len;

	if (n && req[n - 1] == '\r')
		n--;
	printf("request: %.*s\n", (int)n, req);
}

/* Writes all of @len bytes to @fd: 0 or -1. */
static int write_all(int fd, const char *p, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct script_object_opts oopts = { .sz = sizeof(oopts) };
	char path[PATH_MAX], err[256] = "", logbuf[1024] = "";
	static char request[REQUEST_MAX];
	struct accept_filter_ctl ctl = { };
	struct script_log log = { };
	struct script_object *obj;
	const char *objpath = NULL;
	long port = 8080, count = 1, ms = 2000, served;
	int c, lfd, prog_fd, ret, status = 1;

	while ((c = getopt(argc, argv, "o:p:n:t:h")) != -1) {
		switch (c) {
		case 'o':
			objpath = optarg;
			break;
		case 'p':
			port = parse_num(optarg, 65535);
			break;
		case 'n':
			count = parse_num(optarg, LONG_MAX);
			break;
		case 't':
			ms = parse_num(optarg, INT_MAX);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc || port < 0 || count < 0 || ms < 0) {
		usage(stderr);
		return 2;
	}
	if (!objpath) {
		object_path(path, sizeof(path), argv[0], "accept_filter.bpf.o");
		objpath = path;
	}

	oopts.err = err;
	oopts.err_size = sizeof(err);
	ret = script_object_open_file(objpath, &oopts, &obj);
	if (ret < 0) {
		/* A message about the file itself names it already. */
		if (err[0] && !strncmp(err, objpath, strlen(objpath)))
			fprintf(stderr, "accept_filter: %s\n", err);
		else
			fprintf(stderr, "accept_filter: %s: %s\n", objpath,
				err[0] ? err : strerror(-ret));
		return 1;
	}
	log.buf = logbuf;
	log.size = sizeof(logbuf);
	log.level = SCRIPT_LOG_ERROR;
	prog_fd = script_object_load(obj, &log);
	if (prog_fd < 0) {
		fprintf(stderr, "accept_filter: %s: cannot load: %s\n%s",
			objpath, strerror(-prog_fd), logbuf);
		goto out_obj;
	}
	lfd = listen_on(port);
	if (lfd < 0)
		goto out_prog;

	ctl.listen_fd = lfd;
	ctl.accept_flags = SOCK_CLOEXEC;
	ctl.timeout_ms = ms;
	ctl.buf = (unsigned long)request;
	ctl.buf_size = sizeof(request);
	for (served = 0; !count || served < count; served++) {
		struct script_run_opts ropts = { .sz = sizeof(ropts) };
		long fd;

		/* One run: it returns once a whole header has come. */
		ropts.args[0] = (unsigned long)&ctl;
		ret = script_run_fd(prog_fd, &ropts);
		if (ret < 0) {
			fprintf(stderr, "accept_filter: script(2) stopped at insn %u: %s\n",
				ropts.pc, strerror(-ret));
			goto out_listen;
		}
		fd = (long)ropts.retval;
		if (ctl.dropped)
			printf("dropped %lld slow connection%s\n",
			       (long long)ctl.dropped,
			       ctl.dropped == 1 ? "" : "s");
		if (fd < 0) {
			fprintf(stderr, "accept_filter: accept: %s\n",
				strerror(-fd));
			goto out_listen;
		}
		print_request_line(request, ctl.len);
		fflush(stdout);
		if (write_all(fd, response, sizeof(response) - 1))
			fprintf(stderr, "accept_filter: answer: %s\n",
				strerror(errno));
		close(fd);
	}
	status = 0;
out_listen:
	close(lfd);
out_prog:
	close(prog_fd);
out_obj:
	script_object_close(obj);
	return status;
}
