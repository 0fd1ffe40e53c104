// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The script(2) system call: verify, load, run and probe.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "libscript_internal.h"

/*
 * 463 on every architecture but alpha and MIPS, whose ABIs add their
 * base; see Documentation/userspace-api/script.rst.
 */
#ifndef __NR_script
# if defined(__alpha__)
#  define __NR_script		573
# elif defined(__mips__)
#  include <sgidefs.h>
#  if _MIPS_SIM == _MIPS_SIM_ABI32
#   define __NR_script		4463
#  elif _MIPS_SIM == _MIPS_SIM_ABI64
#   define __NR_script		5463
#  elif _MIPS_SIM == _MIPS_SIM_NABI32
#   define __NR_script		6463
#  else
#   error "script(2): unknown MIPS ABI"
#  endif
# else
#  define __NR_script		463
# endif
#endif

#define ptr_to_u64(p)	((__u64)(uintptr_t)(p))

/* The first struct script_run_opts ends with pc; 1.1 added flags. */
#define SCRIPT_RUN_OPTS_SZ_MIN	(offsetof(struct script_run_opts, pc) + \
				 sizeof(((struct script_run_opts *)0)->pc))
#define SCRIPT_RUN_OPTS_SZ_FLAGS (offsetof(struct script_run_opts, flags) + \
				  sizeof(((struct script_run_opts *)0)->flags))
/* The first struct script_prog_info ends with jit_error. */
#define SCRIPT_PROG_INFO_SZ_MIN	(offsetof(struct script_prog_info, jit_error) + \
				 sizeof(((struct script_prog_info *)0)->jit_error))

/**
 * script_syscall() - the raw system call
 * @cmd: SCRIPT_VERIFY, SCRIPT_LOAD, ...
 * @attr: a struct script_attr, or a struct script_probe for SCRIPT_PROBE
 * @size: the size of @attr
 *
 * Return: the result of script(2), or -1 with errno set.
 */
long script_syscall(unsigned int cmd, void *attr, size_t size)
{
	return syscall(__NR_script, cmd, attr, size);
}

/* script(2) as the library returns it: the result or -errno. */
static int sys_script(unsigned int cmd, struct script_attr *attr)
{
	long ret = script_syscall(cmd, attr, sizeof(*attr));

	return ret < 0 ? -errno : (int)ret;
}

/*
 * Fills in the program and the log fields of @attr: 0 or -errno.  The
 * log buffer starts empty, so that it holds a string whatever happens.
 */
static int attr_prog(struct script_attr *attr,
		     const struct script_insn *insns, size_t cnt,
		     const struct script_log *log)
{
	if (cnt > UINT32_MAX)
		return -E2BIG;
	attr->insns = ptr_to_u64(insns);
	attr->insn_cnt = (__u32)cnt;
	if (log && log->buf) {
		attr->log_buf = ptr_to_u64(log->buf);
		attr->log_size = log->size;
		attr->log_level = log->level;
		if (log->size)
			log->buf[0] = '\0';
	}
	return 0;
}

/* Copies the log outcome of a call back to @log. */
static void log_result(struct script_log *log, const struct script_attr *attr)
{
	if (!log)
		return;
	log->true_size = log->buf ? attr->log_true_size : 0;
	log->pc = attr->pc;
}

/* SCRIPT_VERIFY or SCRIPT_LOAD of @insns, with SCRIPT_F_* @flags. */
static int script_check(unsigned int cmd, const struct script_insn *insns,
			size_t cnt, struct script_log *log, __u64 flags)
{
	struct script_attr attr;
	int ret;

	memset(&attr, 0, sizeof(attr));
	ret = attr_prog(&attr, insns, cnt, log);
	if (ret)
		return ret;
	attr.flags = flags;
	ret = sys_script(cmd, &attr);
	log_result(log, &attr);
	return ret;
}

/**
 * script_verify() - check a program
 * @insns: the instructions
 * @cnt: their number, an LD_IMM64 counting as two
 * @log: where the verifier's log goes, or NULL; its @true_size and @pc
 *	are set on return, @pc to the rejected instruction
 *
 * Return: 0 when the verifier accepts the program, else -errno: -EINVAL
 * for a rejected program, -E2BIG for one too long, -ENOSYS without
 * script(2).
 */
int script_verify(const struct script_insn *insns, size_t cnt,
		  struct script_log *log)
{
	return script_check(SCRIPT_VERIFY, insns, cnt, log, 0);
}

/**
 * script_load() - check a program and load it
 * @insns: the instructions
 * @cnt: their number, an LD_IMM64 counting as two
 * @log: where the verifier's log goes, or NULL, as for script_verify()
 *
 * Return: a new O_CLOEXEC descriptor that holds the program, for
 * script_run_fd(); or -errno as for script_verify().
 */
int script_load(const struct script_insn *insns, size_t cnt,
		struct script_log *log)
{
	return script_check(SCRIPT_LOAD, insns, cnt, log, 0);
}

/**
 * script_load_flags() - check a program and load it, with flags
 * @insns: the instructions
 * @cnt: their number, an LD_IMM64 counting as two
 * @log: where the verifier's log goes, or NULL, as for script_verify()
 * @flags: SCRIPT_F_*: SCRIPT_F_INTERP to have the program interpreted,
 *	never compiled, whatever kernel.script_jit says
 *
 * Return: as for script_load(); -EINVAL too for @flags the kernel does
 * not know (every flag, on a kernel older than the compiler); with
 * kernel.script_jit 2, the compiler's error (-ENOSPC, -ENOMEM).
 */
int script_load_flags(const struct script_insn *insns, size_t cnt,
		      struct script_log *log, __u64 flags)
{
	return script_check(SCRIPT_LOAD, insns, cnt, log, flags);
}

/* Whether @opts is one this library can read: 0 or -EINVAL. */
static int opts_check(const struct script_run_opts *opts)
{
	const char *p;
	size_t i;

	if (opts->sz < SCRIPT_RUN_OPTS_SZ_MIN)
		return -EINVAL;
	/* A caller built against a newer library: what it adds is unset. */
	p = (const char *)opts;
	for (i = sizeof(*opts); i < opts->sz; i++)
		if (p[i])
			return -EINVAL;
	return 0;
}

/*
 * One run, by instructions (SCRIPT_RUN) or by descriptor (SCRIPT_RUN_FD):
 * @attr has the program already.  Allocates the stack when @opts has
 * none and writes the results back to @opts.
 */
static int script_do_run(unsigned int cmd, struct script_attr *attr,
			 struct script_run_opts *opts)
{
	struct script_run_opts def = { .sz = sizeof(def) };
	size_t stack_size;
	void *stack;
	int ret;

	if (!opts)
		opts = &def;
	ret = opts_check(opts);
	if (ret)
		return ret;

	stack = opts->stack;
	stack_size = opts->stack_size;
	if (!stack) {
		/*
		 * A parked run keeps its registers, r10 among them, for a
		 * stack the library would have freed: a resumable run needs
		 * the caller's own.
		 */
		if (opts->state)
			return -EINVAL;
		if (!stack_size)
			stack_size = SCRIPT_DEFAULT_STACK_SIZE;
		/* The kernel checks the size; aligned_alloc wants 16s. */
		if (stack_size > SCRIPT_STACK_MAX)
			return -EINVAL;
		stack = aligned_alloc(16, (stack_size + 15) & ~(size_t)15);
		if (!stack)
			return -ENOMEM;
	}

	memcpy(attr->args, opts->args, sizeof(attr->args));
	attr->stack = ptr_to_u64(stack);
	attr->stack_size = stack_size;
	attr->max_steps = opts->max_steps;
	/* A caller built against 1.0 has no flags. */
	if (opts->sz >= SCRIPT_RUN_OPTS_SZ_FLAGS)
		attr->flags = opts->flags;
	if (opts->state) {
		attr->state = ptr_to_u64(opts->state);
		attr->state_size = sizeof(*opts->state);
	}

	ret = sys_script(cmd, attr);

	opts->retval = attr->retval;
	opts->steps = attr->steps;
	opts->pc = attr->pc;
	if (stack != opts->stack)
		free(stack);
	return ret;
}

/**
 * script_run() - check a program and run it once
 * @insns: the instructions
 * @cnt: their number, an LD_IMM64 counting as two
 * @opts: the arguments, the stack, the state area and the log of the run,
 *	and its results; or NULL for no arguments and the default stack
 *
 * When @opts->stack is NULL the library allocates @opts->stack_size bytes
 * (%SCRIPT_DEFAULT_STACK_SIZE when 0) for the run and frees them after.
 * @opts->retval, @opts->steps and @opts->pc are set on return, and the
 * log's @true_size and @pc when @opts->log is set.
 *
 * @opts->flags are SCRIPT_RUN's: SCRIPT_F_INTERP has the program
 * interpreted even where kernel.script_jit 2 compiles one-shot runs.
 *
 * Return: 0 when the program reached EXIT, with r0 in @opts->retval;
 * otherwise -errno: -EINVAL for a rejected program or unknown flags, -EFAULT for a load or
 * store that faulted (@opts->pc names it), -ETIME when the step budget ran
 * out, -EINTR for a signal (with @opts->state the run is parked there and
 * the same call continues it; that needs @opts->stack), -ENOSYS without
 * script(2).
 */
int script_run(const struct script_insn *insns, size_t cnt,
	       struct script_run_opts *opts)
{
	struct script_log *log = NULL;
	struct script_attr attr;
	int ret;

	if (opts) {
		ret = opts_check(opts);
		if (ret)
			return ret;
		log = opts->log;
	}
	memset(&attr, 0, sizeof(attr));
	ret = attr_prog(&attr, insns, cnt, log);
	if (ret)
		return ret;
	ret = script_do_run(SCRIPT_RUN, &attr, opts);
	log_result(log, &attr);
	return ret;
}

/**
 * script_run_fd() - run a loaded program once
 * @prog_fd: a descriptor from script_load()
 * @opts: as for script_run(), but @opts->log is not used: the program
 *	was checked when it was loaded; and @opts->flags must be 0: the
 *	descriptor runs with the engine it was loaded with
 *
 * Return: as for script_run(); -EBADF or -EINVAL when @prog_fd is not a
 * program.
 */
int script_run_fd(int prog_fd, struct script_run_opts *opts)
{
	struct script_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_fd = prog_fd;
	return script_do_run(SCRIPT_RUN_FD, &attr, opts);
}

/**
 * script_probe() - ask the kernel which ops and instruction classes it has
 * @probe: a buffer of @size bytes
 * @size: at least sizeof(struct script_probe), at most a page; the kernel
 *	fills as many entries of @probe->ops as fit
 *
 * Return: 0, or -errno: -ENOSYS without script(2), -EINVAL for a @size
 * too small, -E2BIG for one above a page.
 */
int script_probe(struct script_probe *probe, size_t size)
{
	long ret = script_syscall(SCRIPT_PROBE, probe, size);

	return ret < 0 ? -errno : 0;
}

/* The fdinfo of a program: a few short lines, far less than this. */
#define FDINFO_SIZE	4096

/* The value of the hexadecimal digit @c, or -1. */
static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parses a decimal number, all of @s up to its newline: 0 or -EPROTO. */
static int fdinfo_num(const char *s, int is_signed, __u64 *val)
{
	unsigned long long v;
	char *end;

	/* strtoull() would take "-1" as its two's complement. */
	if (!is_signed && *s == '-')
		return -EPROTO;
	errno = 0;
	if (is_signed)
		v = (unsigned long long)strtoll(s, &end, 10);
	else
		v = strtoull(s, &end, 10);
	if (errno || end == s || (*end && *end != '\n'))
		return -EPROTO;
	*val = v;
	return 0;
}

/**
 * script_parse_fdinfo() - read the text of a program's fdinfo
 * @text: what /proc/PID/fdinfo/FD holds, NUL-terminated
 * @info: filled in full; @info->sz is left alone
 *
 * Lines this library does not know are skipped, so that a newer kernel
 * may add some.
 *
 * Return: 0; -EINVAL when @text has no "script-insns" (not a program);
 * -EPROTO for a line this library knows with a value it cannot read.
 */
int script_parse_fdinfo(const char *text, struct script_prog_info *info)
{
	const char *line, *next, *val;
	bool is_prog = false;
	size_t klen, vlen;
	__u64 v;
	int ret = 0;

	memset((char *)info + sizeof(info->sz), 0,
	       sizeof(*info) - sizeof(info->sz));
	/* A kernel older than the compiler says nothing of engines. */
	info->engine = SCRIPT_ENGINE_INTERP;
	for (line = text; *line && !ret; line = next) {
		next = line + strcspn(line, "\n");
		klen = strcspn(line, ":\n");
		val = line + klen;
		if (*next)
			next++;
		if (*val != ':')
			continue;
		val++;
		while (*val == '\t' || *val == ' ')
			val++;
		vlen = strcspn(val, "\n");
#define KEY(k)	(klen == sizeof(k) - 1 && !memcmp(line, k, klen))
		if (KEY("script-insns")) {
			ret = fdinfo_num(val, 0, &v);
			if (!ret && v > UINT32_MAX)
				ret = -EPROTO;
			info->insns = (__u32)v;
			is_prog = true;
		} else if (KEY("script-tag")) {
			size_t i;

			if (vlen != 2 * sizeof(info->tag))
				ret = -EPROTO;
			for (i = 0; !ret && i < 2 * sizeof(info->tag); i++) {
				int d = hex_digit(val[i]);

				if (d < 0)
					ret = -EPROTO;
				else
					info->tag[i / 2] |= d << (i % 2 ? 0 : 4);
			}
		} else if (KEY("script-runs")) {
			ret = fdinfo_num(val, 0, &info->runs);
		} else if (KEY("script-engine")) {
			if (vlen == 6 && !memcmp(val, "interp", 6))
				info->engine = SCRIPT_ENGINE_INTERP;
			else if (vlen == 3 && !memcmp(val, "jit", 3))
				info->engine = SCRIPT_ENGINE_JIT;
			else
				info->engine = SCRIPT_ENGINE_UNKNOWN;
		} else if (KEY("script-jit-bytes")) {
			ret = fdinfo_num(val, 0, &info->jit_bytes);
		} else if (KEY("script-jit-blinded")) {
			ret = fdinfo_num(val, 0, &v);
			info->jit_blinded = v != 0;
		} else if (KEY("script-jit-error")) {
			ret = fdinfo_num(val, 1, &v);
			if (!ret && ((__s64)v >= 0 || (__s64)v < -4095))
				ret = -EPROTO;
			info->jit_error = (int)(__s64)v;
		}
#undef KEY
	}
	if (ret)
		return ret;
	return is_prog ? 0 : -EINVAL;
}

/**
 * script_prog_get_info() - what the kernel shows of a loaded program
 * @prog_fd: a descriptor from script_load()
 * @info: filled in, as much of it as @info->sz covers; the caller sets
 *	@info->sz to sizeof(*@info)
 *
 * Reads /proc/self/fdinfo/@prog_fd: the program's size, tag and runs, and
 * the engine that runs it, with the size of its compiled code or why it
 * has none.
 *
 * Return: 0; -EBADF when @prog_fd is not open; -EINVAL when it holds no
 * program or @info->sz is too small; -ENOENT without /proc; -EPROTO for
 * a line the library cannot read; or another -errno of reading it.
 */
int script_prog_get_info(int prog_fd, struct script_prog_info *info)
{
	struct script_prog_info full;
	char path[64], *buf;
	size_t len = 0;
	ssize_t n = 0;
	int fd, ret;

	if (!info || info->sz < SCRIPT_PROG_INFO_SZ_MIN)
		return -EINVAL;
	if (prog_fd < 0 || fcntl(prog_fd, F_GETFD) < 0)
		return -EBADF;
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", prog_fd);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	buf = malloc(FDINFO_SIZE);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while (len < FDINFO_SIZE - 1) {
		n = read(fd, buf + len, FDINFO_SIZE - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	ret = n < 0 ? -errno : 0;
	close(fd);
	buf[len] = '\0';
	if (!ret)
		ret = script_parse_fdinfo(buf, &full);
	free(buf);
	if (ret)
		return ret;
	/* A caller built against an older library gets what it knows. */
	full.sz = info->sz;
	memcpy(info, &full, info->sz < sizeof(full) ? info->sz : sizeof(full));
	return 0;
}

/**
 * script_engine_name() - the name of an engine, as fdinfo shows it
 * @engine: SCRIPT_ENGINE_*
 *
 * Return: "interp", "jit", or "unknown".
 */
const char *script_engine_name(int engine)
{
	switch (engine) {
	case SCRIPT_ENGINE_INTERP:
		return "interp";
	case SCRIPT_ENGINE_JIT:
		return "jit";
	default:
		return "unknown";
	}
}
