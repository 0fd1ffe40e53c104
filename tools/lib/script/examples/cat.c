// SPDX-License-Identifier: GPL-2.0
/*
 * cat: print files to standard output, each one copied by a single run of
 * the cat script (cat.bpf.c, compiled by clang -target bpf).
 *
 * What it shows: opening a clang-built object with libscript, loading its
 * program once (script_object_load()) and running the loaded program
 * (script_run_fd()) once per file, with arguments in r1 to r3 and the
 * script's result, a byte count or a negative errno, in r0.
 *
 *   cat [-o OBJ] [FILE...]	FILE "-" or none: standard input
 *
 * OBJ defaults to cat.bpf.o in the directory of this program.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libscript.h"

#define BUF_SIZE	(128 << 10)

/* The script's buffer: it reads into it and writes out of it. */
static char buf[BUF_SIZE];

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
	fprintf(f, "Usage: cat [-o OBJ] [FILE...]\n"
		   "Print each FILE (\"-\" or none: standard input) with the cat script.\n"
		   "  -o OBJ  the script object (default: cat.bpf.o beside this program)\n");
}

/*
 * Copies @fd to standard output with one run: 0, 1 when the script
 * returned an error, -1 when script(2) itself failed.
 */
static int cat_fd(int prog_fd, int fd, const char *name)
{
	struct script_run_opts opts = {
		.sz = sizeof(opts),
		.args = { fd, (unsigned long)buf, sizeof(buf) },
	};
	long ret;
	int err;

	err = script_run_fd(prog_fd, &opts);
	if (err < 0) {
		fprintf(stderr, "cat: %s: script(2) stopped at insn %u: %s\n",
			name, opts.pc, strerror(-err));
		return -1;
	}
	ret = (long)opts.retval;
	if (ret < 0) {
		fprintf(stderr, "cat: %s: %s\n", name, strerror(-ret));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct script_object_opts oopts = { .sz = sizeof(oopts) };
	struct script_log log = { };
	struct script_object *obj;
	char path[PATH_MAX], err[256] = "", logbuf[1024] = "";
	const char *objpath = NULL;
	int c, i, fd, prog_fd, ret, status = 0;

	while ((c = getopt(argc, argv, "o:h")) != -1) {
		switch (c) {
		case 'o':
			objpath = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!objpath) {
		object_path(path, sizeof(path), argv[0], "cat.bpf.o");
		objpath = path;
	}

	oopts.err = err;
	oopts.err_size = sizeof(err);
	ret = script_object_open_file(objpath, &oopts, &obj);
	if (ret < 0) {
		/* A message about the file itself names it already. */
		if (err[0] && !strncmp(err, objpath, strlen(objpath)))
			fprintf(stderr, "cat: %s\n", err);
		else
			fprintf(stderr, "cat: %s: %s\n", objpath,
				err[0] ? err : strerror(-ret));
		return 1;
	}
	/* Check the program once; each file is then one SCRIPT_RUN_FD. */
	log.buf = logbuf;
	log.size = sizeof(logbuf);
	log.level = SCRIPT_LOG_ERROR;
	prog_fd = script_object_load(obj, &log);
	if (prog_fd < 0) {
		fprintf(stderr, "cat: %s: cannot load: %s\n%s", objpath,
			strerror(-prog_fd), logbuf);
		script_object_close(obj);
		return 1;
	}

	for (i = optind; i < argc || i == optind; i++) {
		const char *name = i < argc ? argv[i] : "-";

		if (!strcmp(name, "-")) {
			fd = STDIN_FILENO;
		} else {
			fd = open(name, O_RDONLY | O_CLOEXEC);
			if (fd < 0) {
				fprintf(stderr, "cat: %s: %s\n", name,
					strerror(errno));
				status = 1;
				continue;
			}
		}
		ret = cat_fd(prog_fd, fd, name);
		if (fd != STDIN_FILENO)
			close(fd);
		if (ret < 0) {
			status = 1;
			break;
		}
		if (ret)
			status = 1;
	}
	close(prog_fd);
	script_object_close(obj);
	return status;
}
