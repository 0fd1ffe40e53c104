// SPDX-License-Identifier: GPL-2.0
/*
 * cat_builder: print files to standard output, each one copied by a
 * single run of a read/write loop built with the libscript builder.
 *
 * What it shows: a program made in C without a compiler for it: labels,
 * conditional jumps, a stack slot, and op calls whose arguments the
 * builder moves into r1 to r5.  The buffer is this process's memory,
 * passed to the script in r2: a script's own stack frame is only 512
 * bytes.
 *
 *   cat_builder [FILE...]	FILE "-" or none: standard input
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libscript.h"
#include "script_insn.h"

#define BUF_SIZE	(128 << 10)

/* The script reads into this buffer and writes out of it. */
static char buf[BUF_SIZE];

#define R(n)	SCRIPT_ARG_REG(n)
#define IMM(v)	SCRIPT_ARG_IMM(v)

/*
 * The script, with r1 = the fd to read, r2 = the buffer, r3 = its size,
 * r4 = the fd to write:
 *
 *	r6 = r1; r7 = r2; r8 = r3; r9 = r4;
 *	for (;;) {
 *		r0 = read(r6, r7, r8);
 *		if (r0 <= 0)
 *			return r0;		// 0 at end of file, or -errno
 *		stack[-8] = r0;
 *		r0 = write_all(r9, r7, r0, -1);
 *		if (r0 < 0)
 *			return r0;
 *		if (r0 != stack[-8])
 *			return -EIO;		// a short write
 *	}
 *
 * r6 to r9 keep their values across op calls; r1 to r5 do not, so the
 * count read is kept in the stack frame while write_all() runs.
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
	script_builder_insn(b, SCRIPT_MOV64_REG(SCRIPT_REG_8, SCRIPT_REG_3));
	script_builder_insn(b, SCRIPT_MOV64_REG(SCRIPT_REG_9, SCRIPT_REG_4));

	script_builder_label(b, "loop");
	script_builder_read(b, R(6), R(7), R(8));
	script_builder_jmp(b, SCRIPT_JMP | SCRIPT_JSLE | SCRIPT_K,
			   SCRIPT_REG_0, 0, 0, "out");
	script_builder_insn(b, SCRIPT_STX_MEM(SCRIPT_DW, SCRIPT_REG_10,
					      SCRIPT_REG_0, -8));
	/* r0 as an argument: the builder moves it into r3 before the call. */
	script_builder_write_all(b, R(9), R(7), R(0), IMM(-1));
	script_builder_jmp(b, SCRIPT_JMP | SCRIPT_JSLT | SCRIPT_K,
			   SCRIPT_REG_0, 0, 0, "out");
	script_builder_insn(b, SCRIPT_LDX_MEM(SCRIPT_DW, SCRIPT_REG_1,
					      SCRIPT_REG_10, -8));
	script_builder_jmp(b, SCRIPT_JMP | SCRIPT_JEQ | SCRIPT_X,
			   SCRIPT_REG_0, SCRIPT_REG_1, 0, "loop");
	script_builder_insn(b, SCRIPT_MOV64_IMM(SCRIPT_REG_0, -EIO));

	script_builder_label(b, "out");
	script_builder_insn(b, SCRIPT_EXIT_INSN());

	/* Errors are sticky: finishing reports the first one. */
	ret = script_builder_finish(b, insns, cnt);
	if (ret)
		snprintf(err, err_size, "%s", script_builder_error(b));
	script_builder_free(b);
	return ret;
}

/* Copies @fd to standard output: 0, 1 when the script failed, -1 if run. */
static int cat_fd(const struct script_insn *insns, size_t cnt, int fd,
		  const char *name)
{
	struct script_run_opts opts = {
		.sz = sizeof(opts),
		.args = { fd, (unsigned long)buf, sizeof(buf), STDOUT_FILENO },
	};
	char logbuf[1024] = "";
	struct script_log log = {
		.buf = logbuf,
		.size = sizeof(logbuf),
		.level = SCRIPT_LOG_ERROR,
	};
	long ret;
	int err;

	/* The default stack: the library allocates it for the run. */
	opts.log = &log;
	err = script_run(insns, cnt, &opts);
	if (err < 0) {
		fprintf(stderr, "cat_builder: %s: script(2) stopped at insn %u: %s\n%s",
			name, opts.pc, strerror(-err), logbuf);
		return -1;
	}
	ret = (long)opts.retval;
	if (ret < 0) {
		fprintf(stderr, "cat_builder: %s: %s\n", name, strerror(-ret));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct script_insn *insns;
	char err[256] = "";
	int i, fd, ret, status = 0;
	size_t cnt;

	ret = build(&insns, &cnt, err, sizeof(err));
	if (ret < 0) {
		fprintf(stderr, "cat_builder: cannot build the script: %s\n",
			err[0] ? err : strerror(-ret));
		return 1;
	}

	for (i = 1; i < argc || i == 1; i++) {
		const char *name = i < argc ? argv[i] : "-";

		if (!strcmp(name, "-")) {
			fd = STDIN_FILENO;
		} else {
			fd = open(name, O_RDONLY | O_CLOEXEC);
			if (fd < 0) {
				fprintf(stderr, "cat_builder: %s: %s\n", name,
					strerror(errno));
				status = 1;
				continue;
			}
		}
		ret = cat_fd(insns, cnt, fd, name);
		if (fd != STDIN_FILENO)
			close(fd);
		if (ret)
			status = 1;
		if (ret < 0)
			break;
	}
	free(insns);
	return status;
}
