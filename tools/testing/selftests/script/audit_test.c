// SPDX-License-Identifier: GPL-2.0
/*
 * Audit sees each script(2) op as the system call it is: a rule by syscall
 * number and a file watch match an op as they match the call, with a record
 * of its own that reads exactly as the call's, and nothing an op collects
 * (names, pinned filenames) outlives it, however many ops one run makes.
 *
 * The test becomes the audit daemon (AUDIT_SET with its pid), so that the
 * records come to its netlink socket, and loads rules as auditctl does;
 * the calls are made by a child forked after audit was enabled (a task
 * forked before has no audit context, and the daemon is never audited).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "script_util.h"

#define PATH_A		"/tmp/audit_test_a"
#define PATH_W		"/tmp/audit_test_w"
#define MANY		1000
/* SYSCALL, CWD, PATH, PROCTITLE and EOE for each call */
#define MAX_RECS	(5 * MANY + 64)
#define REC_LEN		1024
/* How long the records of a child may take to come after it exited */
#define QUIET_MS	500

static char path_a[] = PATH_A;
static char path_w[] = PATH_W;

struct rec {
	int type;
	unsigned int serial;
	char body[REC_LEN];	/* the text after "audit(time:serial): " */
};

static struct rec recs[MAX_RECS];
static int nrecs;

static int audit_request(int fd, int type, const void *data, size_t len)
{
	struct {
		struct nlmsghdr nlh;
		char data[8192];
	} req = {};
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	char buf[8192];
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	ssize_t n;
	int i;

	if (len > sizeof(req.data))
		return -E2BIG;
	req.nlh.nlmsg_len = NLMSG_LENGTH(len);
	req.nlh.nlmsg_type = type;
	req.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.nlh.nlmsg_seq = type;
	memcpy(req.data, data, len);
	if (sendto(fd, &req, req.nlh.nlmsg_len, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0)
		return -errno;
	/* Records may come before the ack: skip them. */
	for (i = 0; i < 1000; i++) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			return -errno;
		if (nlh->nlmsg_type == NLMSG_ERROR)
			return ((struct nlmsgerr *)NLMSG_DATA(nlh))->error;
	}
	return -ETIMEDOUT;
}

static int audit_set(int fd, uint32_t enabled, uint32_t pid)
{
	struct audit_status s = {
		.mask = AUDIT_STATUS_ENABLED | AUDIT_STATUS_PID |
			AUDIT_STATUS_BACKLOG_LIMIT |
			AUDIT_STATUS_BACKLOG_WAIT_TIME,
		.enabled = enabled,
		.pid = pid,
		.backlog_limit = 8 * MAX_RECS,
		.backlog_wait_time = 0,
	};

	return audit_request(fd, AUDIT_SET, &s, sizeof(s));
}

/*
 * The rule "-a always,exit [-S nr] -F pid=PID [-w PATH -p r]": a syscall
 * rule when @nr >= 0, a watch on @watch for reads otherwise.
 */
static int audit_rule(int fd, int type, int nr, pid_t pid, const char *watch)
{
	size_t wlen = watch ? strlen(watch) : 0;
	struct audit_rule_data *r = calloc(1, sizeof(*r) + wlen);
	int f = 0, i, ret;

	if (!r)
		return -ENOMEM;
	r->flags = AUDIT_FILTER_EXIT;
	r->action = AUDIT_ALWAYS;
	if (nr >= 0)
		r->mask[nr / 32] |= 1U << (nr % 32);
	else
		for (i = 0; i < AUDIT_BITMASK_SIZE; i++)
			r->mask[i] = ~0U;
	r->fields[f] = AUDIT_PID;
	r->fieldflags[f] = AUDIT_EQUAL;
	r->values[f++] = pid;
	if (watch) {
		r->fields[f] = AUDIT_WATCH;
		r->fieldflags[f] = AUDIT_EQUAL;
		r->values[f++] = wlen;
		memcpy(r->buf, watch, wlen);
		r->buflen = wlen;
		r->fields[f] = AUDIT_PERM;
		r->fieldflags[f] = AUDIT_EQUAL;
		r->values[f++] = AUDIT_PERM_READ;
	}
	r->field_count = f;
	ret = audit_request(fd, type, r, sizeof(*r) + wlen);
	free(r);
	return ret;
}

/* Reads what records are there into recs[] within @ms: how many came. */
static int audit_read(int fd, int ms)
{
	char buf[8192 + NLMSG_HDRLEN];
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int got = 0;

	while (poll(&pfd, 1, ms) == 1) {
		struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
		ssize_t n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
		unsigned long long sec;
		unsigned int msec, serial;
		const char *text, *body;
		struct rec *r;

		if (n <= (ssize_t)NLMSG_HDRLEN)
			continue;
		buf[n] = 0;
		text = NLMSG_DATA(nlh);
		body = strstr(text, "): ");
		if (nlh->nlmsg_type < AUDIT_SYSCALL || !body ||
		    sscanf(text, "audit(%llu.%u:%u)", &sec, &msec, &serial) != 3)
			continue;
		if (nrecs == MAX_RECS)
			return -ENOSPC;
		r = &recs[nrecs++];
		r->type = nlh->nlmsg_type;
		r->serial = serial;
		snprintf(r->body, sizeof(r->body), "%s", body + 3);
		got++;
	}
	return got;
}

/* The @i-th record of @type (from 0) whose body has @with, or NULL. */
static struct rec *find_rec(int type, const char *with, int i)
{
	int k;

	for (k = 0; k < nrecs; k++)
		if (recs[k].type == type && strstr(recs[k].body, with) && !i--)
			return &recs[k];
	return NULL;
}

/* The record of @type in the same event as @r, or NULL. */
static struct rec *event_rec(const struct rec *r, int type)
{
	int k;

	for (k = 0; k < nrecs; k++)
		if (recs[k].type == type && recs[k].serial == r->serial)
			return &recs[k];
	return NULL;
}

/*
 * openat_op(r1 path, r2 n): n times openat(AT_FDCWD, path, O_RDONLY, 0)
 * and close() of what it gives; returns the last fd, or an error.  The
 * dirfd is a 32-bit move, as the C caller of openat(2) passes an int.
 */
static const struct script_insn openat_prog[] = {
	MOV64_REG(6, 1),
	MOV64_REG(7, 2),
	ALU32_IMM(SCRIPT_MOV, 1, AT_FDCWD),
	MOV64_REG(2, 6),
	MOV64_IMM(3, O_RDONLY),
	MOV64_IMM(4, 0),
	CALL_OP(SCRIPT_OP_OPENAT),
	JMP_IMM(SCRIPT_JSLT, 0, 0, 6),
	MOV64_REG(8, 0),
	MOV64_REG(1, 0),
	CALL_OP(SCRIPT_OP_CLOSE),
	ALU64_IMM(SCRIPT_SUB, 7, 1),
	JMP_IMM(SCRIPT_JNE, 7, 0, -11),
	MOV64_REG(0, 8),
	EXIT,
};

static int make_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

FIXTURE(audit) {
	int fd;
	int go[2];
	pid_t child;
};

FIXTURE_SETUP(audit)
{
	int buf = 8 << 20;

	nrecs = 0;
	self->child = 0;
	self->fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_AUDIT);
	if (self->fd < 0 && errno == EPROTONOSUPPORT)
		SKIP(return, "no audit in this kernel");
	ASSERT_LE(0, self->fd);
	setsockopt(self->fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf));
	ASSERT_EQ(0, audit_set(self->fd, 1, getpid()));
	ASSERT_EQ(0, pipe(self->go));
	ASSERT_EQ(0, make_file(PATH_A));
	ASSERT_EQ(0, make_file(PATH_W));
}

FIXTURE_TEARDOWN(audit)
{
	if (self->fd < 0)
		return;
	if (self->child > 0) {
		kill(self->child, SIGKILL);
		waitpid(self->child, NULL, 0);
	}
	audit_set(self->fd, 0, 0);
	close(self->fd);
	unlink(PATH_A);
	unlink(PATH_W);
}

/*
 * Forks the child that makes the calls once the rules are in: @fn(@arg)
 * is its exit status.
 */
static pid_t start_child(struct _test_data_audit *self, int (*fn)(long), long arg)
{
	pid_t pid = fork();
	char c;

	if (pid)
		return pid;
	/* The parent closes its end once the rules are in. */
	close(self->go[1]);
	if (read(self->go[0], &c, 1) < 0)
		_exit(100);
	_exit(fn(arg));
}

/* Lets the child go, waits for it and for its records: its status. */
static int finish_child(struct _test_data_audit *self)
{
	int status = -1;

	close(self->go[1]);
	while (waitpid(self->child, &status, WNOHANG) == 0)
		if (audit_read(self->fd, 100) < 0)
			break;
	self->child = 0;
	audit_read(self->fd, QUIET_MS);
	return status;
}

static long run_openat(char *path, long n)
{
	struct script_attr attr = {};

	script_attr_prog(&attr, openat_prog, ARRAY_LEN(openat_prog));
	attr.args[0] = (uintptr_t)path;
	attr.args[1] = n;
	if (sys_script(SCRIPT_RUN, &attr, sizeof(attr)))
		return -errno;
	return attr.retval;
}

/* The call, then the same call as an op: the same fd both times. */
static int call_then_op(long watch)
{
	char *path = watch ? path_w : path_a;
	long fd = syscall(SYS_openat, AT_FDCWD, path, O_RDONLY, 0);

	if (fd < 0)
		return 1;
	close(fd);
	return run_openat(path, 1) == fd ? 0 : 2;
}

/* Compares the event of the call (i = 0) with the op's (i = 1). */
static void compare_events(struct __test_metadata *_metadata, const char *path)
{
	char name[64];
	struct rec *sys[2], *p[2];
	int i;

	snprintf(name, sizeof(name), "name=\"%s\"", path);
	for (i = 0; i < 2; i++) {
		sys[i] = find_rec(AUDIT_SYSCALL, "syscall=257 ", i);
		ASSERT_NE(NULL, sys[i]) TH_LOG("%d records, no openat %d", nrecs, i);
		p[i] = event_rec(sys[i], AUDIT_PATH);
		ASSERT_NE(NULL, p[i]);
		EXPECT_NE(NULL, strstr(p[i]->body, name)) TH_LOG("%s", p[i]->body);
	}
	EXPECT_EQ(NULL, find_rec(AUDIT_SYSCALL, "syscall=257 ", 2));
	EXPECT_NE(sys[0]->serial, sys[1]->serial);
	/* The op's records read exactly as the call's. */
	EXPECT_STREQ(sys[0]->body, sys[1]->body);
	EXPECT_STREQ(p[0]->body, p[1]->body);
	TH_LOG("op: %.160s", sys[1]->body);
}

TEST_F(audit, rule_by_syscall)
{
	pid_t pid;

	self->child = start_child(self, call_then_op, 0);
	pid = self->child;
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, audit_rule(self->fd, AUDIT_ADD_RULE, SYS_openat, pid, NULL));
	ASSERT_EQ(0, finish_child(self));
	EXPECT_EQ(0, audit_rule(self->fd, AUDIT_DEL_RULE, SYS_openat, pid, NULL));
	compare_events(_metadata, PATH_A);
}

TEST_F(audit, file_watch)
{
	pid_t pid;

	self->child = start_child(self, call_then_op, 1);
	pid = self->child;
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, audit_rule(self->fd, AUDIT_ADD_RULE, -1, pid, PATH_W));
	ASSERT_EQ(0, finish_child(self));
	EXPECT_EQ(0, audit_rule(self->fd, AUDIT_DEL_RULE, -1, pid, PATH_W));
	compare_events(_metadata, PATH_W);
}

static int many_ops(long n)
{
	return run_openat(path_a, n) >= 0 ? 0 : 1;
}

/* Each of many ops in one run has its own record, with its own name only. */
TEST_F(audit, many_ops_one_run)
{
	struct rec *r;
	pid_t pid;
	int i;

	self->child = start_child(self, many_ops, MANY);
	pid = self->child;
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, audit_rule(self->fd, AUDIT_ADD_RULE, SYS_openat, pid, NULL));
	ASSERT_EQ(0, finish_child(self));
	EXPECT_EQ(0, audit_rule(self->fd, AUDIT_DEL_RULE, SYS_openat, pid, NULL));
	for (i = 0; i < MANY; i++) {
		r = find_rec(AUDIT_SYSCALL, "syscall=257 ", i);
		ASSERT_NE(NULL, r) TH_LOG("%d records for %d ops", i, MANY);
		ASSERT_NE(NULL, strstr(r->body, " items=1 ")) TH_LOG("%s", r->body);
	}
	EXPECT_EQ(NULL, find_rec(AUDIT_SYSCALL, "syscall=257 ", MANY));
}

TEST_HARNESS_MAIN
