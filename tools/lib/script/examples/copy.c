// SPDX-License-Identifier: GPL-2.0
/*
 * copy: copy a file with the copy script (copy.bpf.c), which moves its
 * bytes inside the kernel with the move op.
 *
 * What it shows: the division of labour between a launcher and its
 * script: the launcher does what is done once (parse the command line,
 * open both files, give DST the permissions of SRC), and the script the
 * loop, in one script_run() that checks and runs the object's program.
 *
 *   copy [-o OBJ] SRC DST
 *
 * OBJ defaults to copy.bpf.o in the directory of this program.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "libscript.h"

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
	fprintf(f, "Usage: copy [-o OBJ] SRC DST\n"
		   "Copy SRC to DST, with SRC's permissions, with the copy script.\n"
		   "  -o OBJ  the script object (default: copy.bpf.o beside this program)\n");
}

int main(int argc, char **argv)
{
	struct script_object_opts oopts = { .sz = sizeof(oopts) };
	struct script_run_opts ropts = { .sz = sizeof(ropts) };
	char path[PATH_MAX], err[256] = "", logbuf[1024] = "";
	struct script_log log = { };
	const struct script_insn *insns;
	struct script_object *obj;
	const char *objpath = NULL, *src, *dst;
	int c, in, out, ret, status = 1;
	struct stat st, dst_st;
	size_t cnt;

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
	if (argc - optind != 2) {
		usage(stderr);
		return 2;
	}
	src = argv[optind];
	dst = argv[optind + 1];
	if (!objpath) {
		object_path(path, sizeof(path), argv[0], "copy.bpf.o");
		objpath = path;
	}

	oopts.err = err;
	oopts.err_size = sizeof(err);
	ret = script_object_open_file(objpath, &oopts, &obj);
	if (ret < 0) {
		/* A message about the file itself names it already. */
		if (err[0] && !strncmp(err, objpath, strlen(objpath)))
			fprintf(stderr, "copy: %s\n", err);
		else
			fprintf(stderr, "copy: %s: %s\n", objpath,
				err[0] ? err : strerror(-ret));
		return 1;
	}

	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		fprintf(stderr, "copy: %s: %s\n", src, strerror(errno));
		goto out_obj;
	}
	if (fstat(in, &st)) {
		fprintf(stderr, "copy: %s: %s\n", src, strerror(errno));
		goto out_in;
	}
	/* Truncating DST would lose SRC when they are the same file. */
	if (!stat(dst, &dst_st) && dst_st.st_dev == st.st_dev &&
	    dst_st.st_ino == st.st_ino) {
		fprintf(stderr, "copy: %s and %s are the same file\n", src, dst);
		goto out_in;
	}
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		   st.st_mode & 07777);
	if (out < 0) {
		fprintf(stderr, "copy: %s: %s\n", dst, strerror(errno));
		goto out_in;
	}
	/* O_CREAT's mode went through the umask: set SRC's bits exactly. */
	if (fchmod(out, st.st_mode & 07777)) {
		fprintf(stderr, "copy: %s: %s\n", dst, strerror(errno));
		goto out_out;
	}

	/* r1 = in, r2 = out: the script's C arguments. */
	ropts.args[0] = in;
	ropts.args[1] = out;
	log.buf = logbuf;
	log.size = sizeof(logbuf);
	log.level = SCRIPT_LOG_ERROR;
	ropts.log = &log;
	insns = script_object_insns(obj, &cnt);
	ret = script_run(insns, cnt, &ropts);
	if (ret < 0) {
		fprintf(stderr, "copy: script(2) stopped at insn %u: %s\n%s",
			ropts.pc, strerror(-ret), logbuf);
	} else if ((long)ropts.retval < 0) {
		fprintf(stderr, "copy: %s to %s: %s\n", src, dst,
			strerror(-(long)ropts.retval));
	} else {
		status = 0;
	}
out_out:
	if (close(out) && !status) {
		fprintf(stderr, "copy: %s: %s\n", dst, strerror(errno));
		status = 1;
	}
out_in:
	close(in);
out_obj:
	script_object_close(obj);
	return status;
}
