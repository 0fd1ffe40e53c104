// SPDX-License-Identifier: GPL-2.0
/*
 * What userspace can learn of script(2): SCRIPT_PROBE lists exactly the
 * ops the verifier accepts, with their names, argument counts and system
 * call numbers; /proc/PID/fdinfo of a loaded program shows its size, tag
 * and run count; and runs and ops are seen through tracefs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "../kselftest_harness.h"
#include "script_util.h"

#define TRACEFS		"/sys/kernel/tracing"
#define MAX_PROBE	120	/* the buffer within a page */

struct probe_buf {
	struct script_probe hdr;
	struct script_probe_op ops[MAX_PROBE];
};

static int probe(void *buf, size_t size)
{
	return sys_script(SCRIPT_PROBE, buf, size) ? -errno : 0;
}

/* 0 when a program calling op @id with r1 to r5 set verifies, or -errno. */
static int verify_call(int id)
{
	struct script_insn prog[] = {
		MOV64_IMM(1, 0), MOV64_IMM(2, 0), MOV64_IMM(3, 0),
		MOV64_IMM(4, 0), MOV64_IMM(5, 0), CALL_OP(id), EXIT,
	};
	struct script_attr attr = { };

	script_attr_prog(&attr, prog, ARRAY_LEN(prog));
	return sys_script(SCRIPT_VERIFY, &attr, sizeof(attr)) ? -errno : 0;
}

TEST(probe_lists_the_verifiers_ops)
{
	static struct probe_buf p;
	unsigned int id;

	memset(&p, 0xa5, sizeof(p));
	ASSERT_EQ(0, probe(&p, sizeof(p)));
	EXPECT_EQ(__SCRIPT_OP_MAX, p.hdr.ops_max);
	EXPECT_EQ(p.hdr.ops_max, p.hdr.ops_len);
	EXPECT_EQ(0xff, p.hdr.classes);
	EXPECT_EQ(0, p.hdr.flags & ~SCRIPT_PROBE_JIT);
	ASSERT_GT(MAX_PROBE, p.hdr.ops_len);

	for (id = 0; id < p.hdr.ops_len + 4; id++) {
		bool supported = id < p.hdr.ops_len &&
				 (p.ops[id].flags & SCRIPT_PROBE_OP_SUPPORTED);

		EXPECT_EQ(supported ? 0 : -EINVAL, verify_call(id)) TH_LOG("op %u", id);
		if (id >= p.hdr.ops_len) {
			/* The buffer past the entries is zeroed. */
			EXPECT_EQ(0, p.ops[id].id);
			EXPECT_EQ(0, p.ops[id].name[0]);
			continue;
		}
		EXPECT_EQ(id, p.ops[id].id);
		EXPECT_EQ(supported, p.ops[id].name[0] != 0) TH_LOG("op %u", id);
		EXPECT_GE(5, p.ops[id].nargs);
		EXPECT_EQ(0, p.ops[id].name[sizeof(p.ops[id].name) - 1]);
	}
	EXPECT_FALSE(p.ops[SCRIPT_OP_UNSPEC].flags & SCRIPT_PROBE_OP_SUPPORTED);
	EXPECT_EQ(-1, p.ops[SCRIPT_OP_UNSPEC].nr);

	/* Rows of each kind, against the system call table. */
	EXPECT_STREQ("read", p.ops[SCRIPT_OP_READ].name);
	EXPECT_EQ(__NR_read, p.ops[SCRIPT_OP_READ].nr);
	EXPECT_EQ(3, p.ops[SCRIPT_OP_READ].nargs);
	EXPECT_STREQ("accept4", p.ops[SCRIPT_OP_ACCEPT4].name);
	EXPECT_EQ(__NR_accept4, p.ops[SCRIPT_OP_ACCEPT4].nr);
	EXPECT_STREQ("send", p.ops[SCRIPT_OP_SEND].name);
	EXPECT_EQ(__NR_sendto, p.ops[SCRIPT_OP_SEND].nr);
	EXPECT_EQ(4, p.ops[SCRIPT_OP_SEND].nargs);
	EXPECT_STREQ("splice", p.ops[SCRIPT_OP_SPLICE].name);
	EXPECT_EQ(5, p.ops[SCRIPT_OP_SPLICE].nargs);
	EXPECT_STREQ("getpid", p.ops[SCRIPT_OP_GETPID].name);
	EXPECT_EQ(0, p.ops[SCRIPT_OP_GETPID].nargs);
	EXPECT_STREQ("memcpy", p.ops[SCRIPT_OP_MEMCPY].name);
	EXPECT_EQ(-1, p.ops[SCRIPT_OP_MEMCPY].nr);
	/* The text ops: on memory, on every kernel */
	EXPECT_STREQ("split_header", p.ops[SCRIPT_OP_SPLIT_HEADER].name);
	EXPECT_EQ(3, p.ops[SCRIPT_OP_SPLIT_HEADER].nargs);
	EXPECT_STREQ("format", p.ops[SCRIPT_OP_FORMAT].name);
	EXPECT_EQ(5, p.ops[SCRIPT_OP_FORMAT].nargs);
	EXPECT_STREQ("memcspn", p.ops[SCRIPT_OP_MEMCSPN].name);
	EXPECT_EQ(4, p.ops[SCRIPT_OP_MEMCSPN].nargs);
	for (id = SCRIPT_OP_SPLIT_HEADER; id <= SCRIPT_OP_MEMCSPN; id++) {
		EXPECT_TRUE(p.ops[id].flags & SCRIPT_PROBE_OP_SUPPORTED) TH_LOG("op %u", id);
		EXPECT_EQ(-1, p.ops[id].nr) TH_LOG("op %u", id);
	}
}

TEST(probe_fills_what_fits)
{
	static struct probe_buf p;
	size_t i;

	memset(&p, 0xa5, sizeof(p));
	ASSERT_EQ(0, probe(&p, sizeof(p.hdr) + 3 * sizeof(p.ops[0]) + 5));
	EXPECT_EQ(__SCRIPT_OP_MAX, p.hdr.ops_max);
	EXPECT_EQ(3, p.hdr.ops_len);
	EXPECT_STREQ("memcpy", p.ops[1].name);
	/* The 5 bytes past the last whole entry are zeroed, no more. */
	for (i = 0; i < 5; i++)
		EXPECT_EQ(0, ((unsigned char *)&p.ops[3])[i]);
	EXPECT_EQ(0xa5, ((unsigned char *)&p.ops[3])[5]);

	memset(&p, 0xa5, sizeof(p));
	ASSERT_EQ(0, probe(&p, sizeof(p.hdr)));
	EXPECT_EQ(0, p.hdr.ops_len);
	EXPECT_EQ(0xa5, p.ops[0].flags);

	EXPECT_EQ(-EINVAL, probe(&p, sizeof(p.hdr) - 1));
	EXPECT_EQ(-E2BIG, probe(&p, getpagesize() + 1));
	EXPECT_EQ(-EFAULT, probe(NULL, sizeof(p.hdr)));
}

/* The value of fdinfo line @key of descriptor @fd, or "" without one. */
static void fdinfo_value(int fd, const char *key, char *val, size_t size)
{
	char path[64], buf[1024], *p;

	val[0] = 0;
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	if (read_file(path, buf, sizeof(buf)))
		return;
	p = strstr(buf, key);
	if (!p)
		return;
	p += strlen(key);
	while (*p == ':' || *p == '\t')
		p++;
	snprintf(val, size, "%.*s", (int)strcspn(p, "\n"), p);
}

static int load(const struct script_insn *insns, size_t n)
{
	struct script_attr attr = { };

	script_attr_prog(&attr, insns, n);
	return sys_script(SCRIPT_LOAD, &attr, sizeof(attr));
}

TEST(fdinfo_shows_size_tag_and_runs)
{
	static const struct script_insn a[] = { MOV64_IMM(0, 1), EXIT };
	static const struct script_insn b[] = { MOV64_IMM(0, 2), EXIT };
	char tag_a[64], tag_a2[64], tag_b[64], val[64];
	struct script_attr attr = { };
	int fa, fa2, fb, i;

	fa = load(a, ARRAY_LEN(a));
	fa2 = load(a, ARRAY_LEN(a));
	fb = load(b, ARRAY_LEN(b));
	ASSERT_LE(0, fa);
	ASSERT_LE(0, fa2);
	ASSERT_LE(0, fb);

	fdinfo_value(fa, "script-insns", val, sizeof(val));
	EXPECT_STREQ("2", val);
	fdinfo_value(fa, "script-tag", tag_a, sizeof(tag_a));
	fdinfo_value(fa2, "script-tag", tag_a2, sizeof(tag_a2));
	fdinfo_value(fb, "script-tag", tag_b, sizeof(tag_b));
	EXPECT_EQ(16, strlen(tag_a)) TH_LOG("tag '%s'", tag_a);
	EXPECT_EQ(16, strspn(tag_a, "0123456789abcdef"));
	EXPECT_STREQ(tag_a, tag_a2);
	EXPECT_STRNE(tag_a, tag_b);

	fdinfo_value(fa, "script-runs", val, sizeof(val));
	EXPECT_STREQ("0", val);
	for (i = 0; i < 3; i++) {
		attr.prog_fd = fa;
		EXPECT_EQ(0, sys_script(SCRIPT_RUN_FD, &attr, sizeof(attr)));
		EXPECT_EQ(1, attr.retval);
	}
	fdinfo_value(fa, "script-runs", val, sizeof(val));
	EXPECT_STREQ("3", val);
	fdinfo_value(fa2, "script-runs", val, sizeof(val));
	EXPECT_STREQ("0", val);
	close(fa);
	close(fa2);
	close(fb);
}

FIXTURE(trace) {
	bool mounted;
};

FIXTURE_SETUP(trace)
{
	struct stat st;

	self->mounted = false;
	if (stat(TRACEFS "/events", &st)) {
		if (mount("tracefs", TRACEFS, "tracefs", 0, NULL))
			SKIP(return, "no tracefs: %s", strerror(errno));
		self->mounted = true;
	}
	if (stat(TRACEFS "/events/script", &st))
		SKIP(return, "no script events in tracefs");
	ASSERT_EQ(0, write_file(TRACEFS "/trace", ""));
	ASSERT_EQ(0, write_file(TRACEFS "/events/script/enable", "1"));
}

FIXTURE_TEARDOWN(trace)
{
	write_file(TRACEFS "/events/script/enable", "0");
	if (self->mounted)
		umount(TRACEFS);
}

TEST_F(trace, runs_and_ops_are_traced)
{
	static const struct script_insn prog[] = {
		CALL_OP(SCRIPT_OP_GETPID), ALU64_IMM(SCRIPT_ADD, 0, 0), EXIT,
	};
	static char buf[65536];
	char want[128];
	int fd;
	ssize_t n;

	struct script_attr attr = { };

	ASSERT_EQ(0, script_run(&attr, prog, ARRAY_LEN(prog)));
	ASSERT_EQ(getpid(), attr.retval);
	ASSERT_EQ(0, write_file(TRACEFS "/events/script/enable", "0"));

	fd = open(TRACEFS "/trace", O_RDONLY);
	ASSERT_LE(0, fd);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	ASSERT_LT(0, n);
	buf[n] = 0;

	EXPECT_NE(NULL, strstr(buf, "script_run_start: insns=3 pc=0 steps=0")) TH_LOG("%s", buf);
	snprintf(want, sizeof(want), "script_op: op=%d getpid ret=%d",
		 SCRIPT_OP_GETPID, getpid());
	EXPECT_NE(NULL, strstr(buf, want)) TH_LOG("%s", buf);
	snprintf(want, sizeof(want), "script_run_stop: err=0 pc=2 steps=3 retval=%d",
		 getpid());
	EXPECT_NE(NULL, strstr(buf, want)) TH_LOG("%s", buf);
}

TEST_HARNESS_MAIN
