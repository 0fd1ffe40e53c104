// SPDX-License-Identifier: GPL-2.0
/*
 * copy_builder: copy a file with a script built by the libscript builder,
 * which moves the bytes inside the kernel with the move op.
 *
 * What it shows: the launcher opens both files; the script, made with
 * the builder, is the loop: it calls move until it returns 0 (end of
 * file) and returns the bytes moved, or the error.  Its arguments come in
 * the other order than the op takes them, which the builder sorts out.
 *
 *   copy_builder SRC DST
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "libscript.h"
#include "script_insn.h"

/* Bytes asked of one move: it moves them all unless the file ends. */
#define CHUNK	(1 << 30)

#define R(n)	SCRIPT_ARG_REG(n)
#define IMM(v)	SCRIPT_ARG_IMM(v)

/*
 * The script, with r1 = the fd to read, r2 = the fd to write:
 *
 *	r6 = r1; r7 = r2; r9 = 0;
 *	for (;;) {
 *		r0 = move(r7, r6, NULL, CHUNK, -1);	// out_fd first
 *		if (r0 < 0)
 *			return r0;
 *		if (r0 == 0)
 *			return r9;			// end of file
 *		r9 += r0;
 *	}
 */
static int build(struct script_insn **insns, size_t *cnt, char *err,
		 size_t err_size)
{
	struct script_builder *b = script_builder_new();
	int ret;

	if (!b)
		return -ENOMEM;

	script_builder_insn(b, SCRIPT_MOV64_REG(SCRIPT_REG_6, SCRIPT_REG_1));
	script_builder_insn(b, SCRIPT_MOV64_REG(SCRIPT_REG_7, SCRIPT_REG_2));
	script_builder_insn(b, SCRIPT_MOV64_IMM(SCRIPT_REG_9, 0));

	script_builder_label(b, "loop");
	/* Offset 0: from the file position of in_fd; -1: no time limit. */
	script_builder_move(b, R(7), R(6), IMM(0), IMM(CHUNK), IMM(-1));
	script_builder_jmp(b, SCRIPT_JMP | SCRIPT_JSLT | SCRIPT_K,
			   SCRIPT_REG_0, 0, 0, "out");
	script_builder_jmp(b, SCRIPT_JMP | SCRIPT_JEQ | SCRIPT_K,
			   SCRIPT_REG_0, 0, 0, "eof");
	script_builder_insn(b, SCRIPT_ALU64_REG(SCRIPT_ADD, SCRIPT_REG_9,
						SCRIPT_REG_0));
	script_builder_jmp(b, SCRIPT_JMP | SCRIPT_JA, 0, 0, 0, "loop");

	script_builder_label(b, "eof");
	script_builder_insn(b, SCRIPT_MOV64_REG(SCRIPT_REG_0, SCRIPT_REG_9));
	script_builder_label(b, "out");
	script_builder_insn(b, SCRIPT_EXIT_INSN());

	/* Errors are sticky: finishing reports the first one. */
	ret = script_builder_finish(b, insns, cnt);
	if (ret)
		snprintf(err, err_size, "%s", script_builder_error(b));
	script_builder_free(b);
	return ret;
}

int main(int argc, char **argv)
{
	struct script_run_opts opts = { .sz = sizeof(opts) };
	char err[256] = "", logbuf[1024] = "";
	struct script_log log = {
		.buf = logbuf,
		.size = sizeof(logbuf),
		.level = SCRIPT_LOG_ERROR,
	};
	struct script_insn *insns;
	struct stat st, dst_st;
	const char *src, *dst;
	int in, out, ret, status = 1;
	size_t cnt;

	if (argc != 3) {
		fprintf(stderr, "Usage: copy_builder SRC DST\n");
		return 2;
	}
	src = argv[1];
	dst = argv[2];

	ret = build(&insns, &cnt, err, sizeof(err));
	if (ret < 0) {
		fprintf(stderr, "copy_builder: cannot build the script: %s\n",
			err[0] ? err : strerror(-ret));
		return 1;
	}

	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		fprintf(stderr, "copy_builder: %s: %s\n", src, strerror(errno));
		goto out_insns;
	}
	if (fstat(in, &st)) {
		fprintf(stderr, "copy_builder: %s: %s\n", src, strerror(errno));
		goto out_in;
	}
	/* Truncating DST would lose SRC when they are the same file. */
	if (!stat(dst, &dst_st) && dst_st.st_dev == st.st_dev &&
	    dst_st.st_ino == st.st_ino) {
		fprintf(stderr, "copy_builder: %s and %s are the same file\n",
			src, dst);
		goto out_in;
	}
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (out < 0) {
		fprintf(stderr, "copy_builder: %s: %s\n", dst, strerror(errno));
		goto out_in;
	}
	/* O_CREAT's mode went through the umask: set SRC's bits exactly. */
	if (fchmod(out, st.st_mode & 07777)) {
		fprintf(stderr, "copy_builder: %s: %s\n", dst, strerror(errno));
		close(out);
		goto out_in;
	}

	opts.args[0] = in;
	opts.args[1] = out;
	opts.log = &log;
	ret = script_run(insns, cnt, &opts);
	if (ret < 0)
		fprintf(stderr, "copy_builder: script(2) stopped at insn %u: %s\n%s",
			opts.pc, strerror(-ret), logbuf);
	else if ((long)opts.retval < 0)
		fprintf(stderr, "copy_builder: %s to %s: %s\n", src, dst,
			strerror(-(long)opts.retval));
	else
		status = 0;

	if (close(out) && !status) {
		fprintf(stderr, "copy_builder: %s: %s\n", dst, strerror(errno));
		status = 1;
	}
out_in:
	close(in);
out_insns:
	free(insns);
	return status;
}
