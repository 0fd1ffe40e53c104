// SPDX-License-Identifier: GPL-2.0
/*
 * kernel.script_restrict: 0 lets everyone call script(2), 1 only
 * CAP_SYS_ADMIN, 2 nobody until the next boot.  Each level is checked
 * against a caller that holds CAP_SYS_ADMIN and one that does not; the
 * tests of 0 and 1 restore the value they found, and the test of 2, which
 * cannot, comes last.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <linux/capability.h>

#include "../kselftest_harness.h"
#include "script_util.h"

#define RESTRICT	"/proc/sys/kernel/script_restrict"

static const struct script_insn ok_prog[] = { MOV64_IMM(0, 42), EXIT };

/* -errno of writing @val to the sysctl, 0 on success. */
static int write_restrict(const char *val)
{
	return write_file(RESTRICT, val);
}

/* The sysctl's value, or -errno. */
static int read_restrict(void)
{
	char buf[16];
	int err = read_file(RESTRICT, buf, sizeof(buf));

	if (err)
		return err;
	return buf[0] ? atoi(buf) : -EIO;
}

/* Drops CAP_SYS_ADMIN from the effective set, staying uid 0. */
static int drop_sys_admin(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	data[0].effective &= ~(1U << CAP_SYS_ADMIN);
	if (syscall(SYS_capset, &hdr, data))
		return -errno;
	return 0;
}

/* Every command, as the current process: 0 or the first -errno. */
static int try_all_cmds(int loaded_fd)
{
	struct script_attr attr = { };
	int fd;

	script_attr_prog(&attr, ok_prog, ARRAY_LEN(ok_prog));
	if (sys_script(SCRIPT_VERIFY, &attr, sizeof(attr)))
		return -errno;
	fd = sys_script(SCRIPT_LOAD, &attr, sizeof(attr));
	if (fd < 0)
		return -errno;
	close(fd);
	if (sys_script(SCRIPT_RUN, &attr, sizeof(attr)))
		return -errno;
	if (attr.retval != 42)
		return -EIO;
	memset(&attr, 0, sizeof(attr));
	attr.prog_fd = loaded_fd;
	if (sys_script(SCRIPT_RUN_FD, &attr, sizeof(attr)))
		return -errno;
	return attr.retval == 42 ? 0 : -EIO;
}

/* Each of @cmds refuses with @err (0: all succeed). */
static int expect_each_cmd(int loaded_fd, int err)
{
	static const unsigned int cmds[] = {
		SCRIPT_VERIFY, SCRIPT_LOAD, SCRIPT_RUN, SCRIPT_RUN_FD,
	};
	unsigned int i;

	if (!err)
		return try_all_cmds(loaded_fd);
	for (i = 0; i < ARRAY_LEN(cmds); i++) {
		struct script_attr attr = { };

		if (cmds[i] == SCRIPT_RUN_FD)
			attr.prog_fd = loaded_fd;
		else
			script_attr_prog(&attr, ok_prog, ARRAY_LEN(ok_prog));
		if (sys_script(cmds[i], &attr, sizeof(attr)) != -1 ||
		    errno != -err)
			return -EIO;
	}
	return 0;
}

enum who { ROOT, NO_SYS_ADMIN, NOBODY };

/* Makes the calling child @who: 0, or -errno. */
static int become(enum who who)
{
	if (who == NO_SYS_ADMIN)
		return drop_sys_admin();
	/* Leaving uid 0 drops every capability. */
	if (who == NOBODY && setresuid(65534, 65534, 65534))
		return -errno;
	return 0;
}

/* Runs expect_each_cmd() in a child as @who; its result. */
static int child_expect(enum who who, int loaded_fd, int err)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (!pid) {
		if (become(who))
			_exit(2);
		_exit(expect_each_cmd(loaded_fd, err) ? 1 : 0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -ECHILD;
	return WEXITSTATUS(status);
}

/* -errno of writing the sysctl from a child as @who. */
static int child_write(enum who who, const char *val)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (!pid) {
		if (become(who))
			_exit(200);
		_exit(-write_restrict(val));
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -ECHILD;
	return -WEXITSTATUS(status);
}

FIXTURE(restrict) {
	int saved;
	int fd;		/* a program loaded while unrestricted */
};

FIXTURE_SETUP(restrict)
{
	struct script_attr attr = { };

	self->saved = read_restrict();
	ASSERT_LE(0, self->saved) TH_LOG(RESTRICT ": %s", strerror(-self->saved));
	if (self->saved == 2)
		SKIP(return, "script(2) is off until the next boot");
	ASSERT_EQ(0, write_restrict("0"));
	script_attr_prog(&attr, ok_prog, ARRAY_LEN(ok_prog));
	self->fd = sys_script(SCRIPT_LOAD, &attr, sizeof(attr));
	if (self->fd < 0) {
		char val[16];

		/* No teardown after a failed setup: put the value back here. */
		snprintf(val, sizeof(val), "%d", self->saved);
		write_restrict(val);
	}
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(restrict)
{
	char val[16];

	close(self->fd);
	snprintf(val, sizeof(val), "%d", self->saved);
	EXPECT_EQ(0, write_restrict(val));
}

TEST_F(restrict, zero_allows_everyone)
{
	EXPECT_EQ(0, read_restrict());
	EXPECT_EQ(0, child_expect(ROOT, self->fd, 0));
	EXPECT_EQ(0, child_expect(NO_SYS_ADMIN, self->fd, 0));
	EXPECT_EQ(0, child_expect(NOBODY, self->fd, 0));
}

TEST_F(restrict, one_needs_cap_sys_admin)
{
	ASSERT_EQ(0, write_restrict("1"));
	EXPECT_EQ(1, read_restrict());
	EXPECT_EQ(0, child_expect(ROOT, self->fd, 0));
	/* uid 0 is not enough: the capability is what counts. */
	EXPECT_EQ(0, child_expect(NO_SYS_ADMIN, self->fd, -EPERM));
	EXPECT_EQ(0, child_expect(NOBODY, self->fd, -EPERM));
}

TEST_F(restrict, one_is_not_latched)
{
	ASSERT_EQ(0, write_restrict("1"));
	ASSERT_EQ(0, write_restrict("0"));
	EXPECT_EQ(0, child_expect(NOBODY, self->fd, 0));
}

TEST_F(restrict, values_outside_zero_to_two_are_einval)
{
	EXPECT_EQ(-EINVAL, write_restrict("3"));
	EXPECT_EQ(-EINVAL, write_restrict("-1"));
	EXPECT_EQ(0, read_restrict());
}

TEST_F(restrict, only_cap_sys_admin_may_change_it)
{
	EXPECT_EQ(-EACCES, child_write(NOBODY, "2"));
	EXPECT_EQ(-EPERM, child_write(NO_SYS_ADMIN, "2"));
	EXPECT_EQ(0, read_restrict());
	EXPECT_EQ(0, child_write(ROOT, "1"));
	EXPECT_EQ(1, read_restrict());
}

/*
 * Last, since it cannot be undone: 2 refuses everyone until the next
 * boot.  harness/init runs this binary after all the others.
 */
FIXTURE(locked) {
	int fd;
};

FIXTURE_SETUP(locked)
{
	struct script_attr attr = { };
	int val = read_restrict();

	ASSERT_LE(0, val) TH_LOG(RESTRICT ": %s", strerror(-val));
	if (val == 2)
		SKIP(return, "script(2) is off until the next boot");
	ASSERT_EQ(0, write_restrict("0"));
	script_attr_prog(&attr, ok_prog, ARRAY_LEN(ok_prog));
	self->fd = sys_script(SCRIPT_LOAD, &attr, sizeof(attr));
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(locked)
{
	close(self->fd);
}

TEST_F(locked, two_refuses_everyone_until_reboot)
{
	ASSERT_EQ(0, write_restrict("2"));
	EXPECT_EQ(2, read_restrict());
	EXPECT_EQ(0, child_expect(ROOT, self->fd, -EPERM));
	EXPECT_EQ(0, child_expect(NO_SYS_ADMIN, self->fd, -EPERM));
	EXPECT_EQ(0, child_expect(NOBODY, self->fd, -EPERM));
	/* One-way: no value but 2 is taken, even from root. */
	EXPECT_EQ(-EPERM, write_restrict("0"));
	EXPECT_EQ(-EPERM, write_restrict("1"));
	EXPECT_EQ(-EPERM, child_write(ROOT, "0"));
	EXPECT_EQ(0, write_restrict("2"));
	EXPECT_EQ(2, read_restrict());
	EXPECT_EQ(0, child_expect(ROOT, self->fd, -EPERM));
}

TEST_HARNESS_MAIN
