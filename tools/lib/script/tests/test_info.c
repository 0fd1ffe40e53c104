// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of what libscript reads of a loaded program: the fdinfo
 * parser behind script_prog_get_info() over the texts kernels with and
 * without the compiler show (the engine, the code size, blinding, a
 * compile that fell back), texts that are no program's and values it
 * cannot read; and script_prog_get_info()'s own checks on descriptors
 * that hold no program.  No script(2) is needed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "libscript_internal.h"
#include "test.h"

/* The lines every open file's fdinfo starts with */
#define FILE_LINES	"pos:\t0\nflags:\t02000002\nmnt_id:\t15\nino:\t1046\n"

static const __u8 tag[8] = { 0x3f, 0x9a, 0x0c, 0x11, 0xd2, 0xe4, 0x7b, 0x65 };

/* Parses @text into @info: its result. */
static int parse(const char *text, struct script_prog_info *info)
{
	memset(info, 0xa5, sizeof(*info));
	info->sz = sizeof(*info);
	return script_parse_fdinfo(text, info);
}

static void test_jit(void)
{
	struct script_prog_info info;

	CHECK_EQ_INT(parse(FILE_LINES
			   "script-insns:\t1874\n"
			   "script-tag:\t3f9a0c11d2e47b65\n"
			   "script-runs:\t2\n"
			   "script-engine:\tjit\n"
			   "script-jit-bytes:\t28672\n"
			   "script-jit-blinded:\t1\n", &info), 0);
	CHECK_EQ_INT(info.sz, sizeof(info));
	CHECK_EQ_INT(info.insns, 1874);
	CHECK(!memcmp(info.tag, tag, sizeof(tag)), "the tag differs");
	CHECK_EQ_INT(info.runs, 2);
	CHECK_EQ_INT(info.engine, SCRIPT_ENGINE_JIT);
	CHECK_EQ_STR(script_engine_name(info.engine), "jit");
	CHECK_EQ_INT(info.jit_bytes, 28672);
	CHECK_EQ_INT(info.jit_blinded, true);
	CHECK_EQ_INT(info.jit_error, 0);

	/* Privileged: not blinded; no newline at the end. */
	CHECK_EQ_INT(parse("script-insns:\t3\nscript-engine:\tjit\n"
			   "script-jit-bytes:\t4096\nscript-jit-blinded:\t0",
			   &info), 0);
	CHECK_EQ_INT(info.engine, SCRIPT_ENGINE_JIT);
	CHECK_EQ_INT(info.jit_bytes, 4096);
	CHECK_EQ_INT(info.jit_blinded, false);
	CHECK_EQ_INT(info.runs, 0);
}

static void test_interp(void)
{
	struct script_prog_info info;

	/* Loaded with SCRIPT_F_INTERP, or with kernel.script_jit 0. */
	CHECK_EQ_INT(parse(FILE_LINES "script-insns:\t2\n"
			   "script-tag:\t3f9a0c11d2e47b65\nscript-runs:\t0\n"
			   "script-engine:\tinterp\n", &info), 0);
	CHECK_EQ_INT(info.engine, SCRIPT_ENGINE_INTERP);
	CHECK_EQ_STR(script_engine_name(info.engine), "interp");
	CHECK_EQ_INT(info.jit_bytes, 0);
	CHECK_EQ_INT(info.jit_blinded, false);
	CHECK_EQ_INT(info.jit_error, 0);

	/* Compiling failed on kernel.script_jit_limit: fell back. */
	CHECK_EQ_INT(parse(FILE_LINES "script-insns:\t2\n"
			   "script-engine:\tinterp\n"
			   "script-jit-error:\t-28\n", &info), 0);
	CHECK_EQ_INT(info.engine, SCRIPT_ENGINE_INTERP);
	CHECK_EQ_INT(info.jit_error, -ENOSPC);

	/* A kernel older than the compiler: the interpreter, always. */
	CHECK_EQ_INT(parse(FILE_LINES "script-insns:\t5\n"
			   "script-tag:\t3f9a0c11d2e47b65\n"
			   "script-runs:\t18446744073709551615\n", &info), 0);
	CHECK_EQ_INT(info.insns, 5);
	CHECK_EQ_INT(info.runs, (long long)UINT64_MAX);
	CHECK_EQ_INT(info.engine, SCRIPT_ENGINE_INTERP);
	CHECK_EQ_INT(info.jit_error, 0);

	/* An engine of a newer kernel, and lines this library skips. */
	CHECK_EQ_INT(parse("script-insns:\t5\nscript-engine:\tjit2\n"
			   "script-future:\tx y z\nno colon here\n\n:\n",
			   &info), 0);
	CHECK_EQ_INT(info.engine, SCRIPT_ENGINE_UNKNOWN);
	CHECK_EQ_STR(script_engine_name(info.engine), "unknown");
	CHECK_EQ_STR(script_engine_name(-1), "unknown");
}

static void test_errors(void)
{
	struct script_prog_info info;

	/* Not a program: a plain file, a background move. */
	CHECK_EQ_INT(parse(FILE_LINES, &info), -EINVAL);
	CHECK_EQ_INT(parse("", &info), -EINVAL);
	CHECK_EQ_INT(parse(FILE_LINES "script-moved:\t10\nscript-done:\t1\n",
			   &info), -EINVAL);
	/* A key must be the whole name. */
	CHECK_EQ_INT(parse("xscript-insns:\t5\n", &info), -EINVAL);
	CHECK_EQ_INT(parse("script-insns-x:\t5\n", &info), -EINVAL);

	/* Values it cannot read. */
	CHECK_EQ_INT(parse("script-insns:\tfive\n", &info), -EPROTO);
	CHECK_EQ_INT(parse("script-insns:\t-5\n", &info), -EPROTO);
	CHECK_EQ_INT(parse("script-insns:\t4294967296\n", &info), -EPROTO);
	CHECK_EQ_INT(parse("script-insns:\t5x\n", &info), -EPROTO);
	CHECK_EQ_INT(parse("script-insns:\t5\nscript-tag:\t3f9a\n", &info),
		     -EPROTO);
	CHECK_EQ_INT(parse("script-insns:\t5\nscript-tag:\t3f9a0c11d2e47bzz\n",
			   &info), -EPROTO);
	CHECK_EQ_INT(parse("script-insns:\t5\nscript-runs:\t\n", &info),
		     -EPROTO);
	CHECK_EQ_INT(parse("script-insns:\t5\nscript-jit-bytes:\t1e3\n",
			   &info), -EPROTO);
	CHECK_EQ_INT(parse("script-insns:\t5\nscript-jit-error:\t28\n",
			   &info), -EPROTO);
	CHECK_EQ_INT(parse("script-insns:\t5\nscript-jit-error:\t0\n",
			   &info), -EPROTO);
	CHECK_EQ_INT(parse("script-insns:\t5\nscript-jit-error:\t-5000\n",
			   &info), -EPROTO);
}

/* script_prog_get_info() on descriptors that hold no program. */
static void test_get_info(void)
{
	struct script_prog_info info = { .sz = sizeof(info) };
	int fd;

	CHECK_EQ_INT(script_prog_get_info(0, NULL), -EINVAL);
	info.sz = offsetof(struct script_prog_info, jit_error);
	CHECK_EQ_INT(script_prog_get_info(0, &info), -EINVAL);
	info.sz = sizeof(info);
	CHECK_EQ_INT(script_prog_get_info(-1, &info), -EBADF);

	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	CHECK(fd >= 0, "/dev/null: %s", strerror(errno));
	if (fd < 0)
		return;
	if (access("/proc/self/fdinfo", R_OK)) {
		TEST_NOTE("SKIP no /proc: %s", strerror(errno));
		CHECK_EQ_INT(script_prog_get_info(fd, &info), -ENOENT);
	} else {
		CHECK_EQ_INT(script_prog_get_info(fd, &info), -EINVAL);
	}
	close(fd);
	CHECK_EQ_INT(script_prog_get_info(fd, &info), -EBADF);
}

int main(void)
{
	RUN_TEST(test_jit);
	RUN_TEST(test_interp);
	RUN_TEST(test_errors);
	RUN_TEST(test_get_info);
	return test_main_result();
}
