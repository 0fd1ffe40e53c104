// SPDX-License-Identifier: GPL-2.0
/*
 * The compiler against the interpreter.  Each program is loaded twice: as
 * SCRIPT_LOAD makes it, compiled when SCRIPT_PROBE_JIT says this kernel
 * compiles, and with SCRIPT_F_INTERP.  Both are run by SCRIPT_RUN_FD from
 * the same memory, stack, pipe and state area, put back in between, and
 * must agree on everything a caller sees: script(2)'s result, r0, pc and
 * steps, every byte of the memory the program could write, the bytes it
 * left in a pipe and the state it parked.
 *
 * The programs come from a generator of random verified programs (every
 * instruction class, loops, subprograms, ops with random arguments,
 * faults, step budgets, signals that park a run which either engine then
 * resumes) and from tables of edge cases.  Then signals, stops, SIGKILL
 * and seccomp in compiled code, the code-memory limit and the sysctls.
 *
 * Without the compiler the cases that need it are skipped; the generator
 * still runs, the interpreter against itself.  The environment sets
 * SCRIPT_JIT_SEED (the generator's seed), SCRIPT_JIT_SECONDS (its time)
 * and SCRIPT_JIT_PROG (run that program alone, and print it).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/time.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "script_util.h"

#define JIT_SYSCTL	"/proc/sys/kernel/script_jit"
#define LIMIT_SYSCTL	"/proc/sys/kernel/script_jit_limit"

#define PAGE		4096L
#define BUF_PAGES	4
#define BUF_BYTES	(BUF_PAGES * PAGE)
#define STACK_BYTES	(16 * SCRIPT_FRAME_SIZE)
/*
 * The arena: the start of a reservation of 4 GiB, PROT_NONE but for
 * these pages, as offsets from the buffer's start (r9 of a generated
 * program).  Nothing is mapped above the buffer for longer than any op
 * may copy (MAX_RW_COUNT), so that no length makes a copy (a memmove
 * that goes backward starts at its end) reach the test's own memory; and
 * ops only write upward from the pointer they are given, never below the
 * buffer, where the stack and the data the ops read are.
 *
 *   OFF_FIXED	what the data ops read (templates, a header struct); only
 *		split_header writes there
 *   OFF_STACK	STACK_BYTES, PROT_NONE pages on both sides
 *   0		the buffer, BUF_BYTES
 *   OFF_RO	a read-only page
 *   OFF_HOLE	PROT_NONE
 *   OFF_FAR	a read-write page
 *   OFF_HOLE2	PROT_NONE, to the end of the reservation
 */
#define OFF_FIXED	(-5 * PAGE)
#define OFF_STACK	(-2 * PAGE - STACK_BYTES)
#define OFF_RO		BUF_BYTES
#define OFF_HOLE	(OFF_RO + PAGE)
#define OFF_FAR		(OFF_HOLE + PAGE)
#define OFF_HOLE2	(OFF_FAR + PAGE)
#define RESERVE		((4UL << 30) + 16 * PAGE)
#define FIX_HDR		0	/* struct script_split_header */
#define FIX_NAMES	64
#define FIX_TPL		96
#define FIX_VALS	128
#define FIX_REQ		192
#define FIX_FIELDS	256	/* NR_FIELDS struct script_field */
#define NR_FIELDS	8
/* r0 to r8 at the main program's EXIT */
#define DUMP_OFF	(BUF_BYTES - 128)

#define PIPE_RD		60
#define PIPE_WR		61
#define PIPE_MAX	(64 * 1024)
#define PIPE_PREFILL	300

#define STEP_CAP	200000	/* the budget of a generated program's runs */
#define MAX_INSNS	4096
#define SOFT_INSNS	2500	/* past it, a block adds only ALU */
#define MAX_SUBS	8	/* a chain of calls as deep as may be */
#define MAX_ITEMS	40
#define MAX_CALLS	512
#define MAX_PARKS	20000

static const char names[] = "host\0content-length\0";
static const char tpl[] = "<%u|%x|%s|%%>";
static const char req[] = "GET /a HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\n\r\n";

/* --- engines ------------------------------------------------------- */

enum { INTERP, JIT };

static const char * const engine_name[] = { "interp", "jit" };

/* 1: the compiler is there and on; 0: not; -1: not asked yet */
static int jit_on = -1;
/* SCRIPT_F_INTERP is a flag this kernel takes */
static bool interp_flag;

static int load_flags(const struct script_insn *insns, size_t n, __u64 flags)
{
	struct script_attr attr = { .flags = flags };
	int fd;

	script_attr_prog(&attr, insns, n);
	fd = sys_script(SCRIPT_LOAD, &attr, sizeof(attr));
	return fd < 0 ? -errno : fd;
}

static void probe_jit(void)
{
	static const struct script_insn prog[] = { MOV64_IMM(0, 0), EXIT };
	struct script_probe p = { };
	int fd;

	if (jit_on >= 0)
		return;
	fd = load_flags(prog, ARRAY_LEN(prog), SCRIPT_F_INTERP);
	interp_flag = fd >= 0;
	if (fd >= 0)
		close(fd);
	jit_on = interp_flag && !sys_script(SCRIPT_PROBE, &p, sizeof(p)) &&
		 (p.flags & SCRIPT_PROBE_JIT);
}

#define NO_JIT		"no compiler: SCRIPT_PROBE_JIT is not set"

static bool have_jit(void)
{
	probe_jit();
	return jit_on;
}

/* The value of fdinfo line @key of @fd, "" without one. */
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

static bool engine_is(int fd, const char *want)
{
	char val[32];

	fdinfo_value(fd, "script-engine", val, sizeof(val));
	return !strcmp(val, want);
}

/*
 * Loads @insns both ways into @fds: 0, or -errno of the load that
 * failed.  With the compiler on, the plain one must be compiled.
 */
static int load_both(struct __test_metadata *_metadata, const struct script_insn *insns,
		     size_t n, int fds[2])
{
	char err[32];

	probe_jit();
	fds[INTERP] = load_flags(insns, n, interp_flag ? SCRIPT_F_INTERP : 0);
	if (fds[INTERP] < 0)
		return fds[INTERP];
	fds[JIT] = load_flags(insns, n, 0);
	if (fds[JIT] < 0) {
		close(fds[INTERP]);
		return fds[JIT];
	}
	if (!jit_on)
		return 0;
	EXPECT_TRUE(engine_is(fds[INTERP], "interp"));
	fdinfo_value(fds[JIT], "script-jit-error", err, sizeof(err));
	EXPECT_TRUE(engine_is(fds[JIT], "jit")) TH_LOG("not compiled: error %s", err);
	return 0;
}

/*
 * Raises or drops CAP_SYS_ADMIN in the effective set, which a loader
 * without it has its constants blinded for: 0 or -errno.
 */
static int sys_admin(bool on)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	if (on)
		data[0].effective |= 1U << CAP_SYS_ADMIN;
	else
		data[0].effective &= ~(1U << CAP_SYS_ADMIN);
	if (syscall(SYS_capset, &hdr, data))
		return -errno;
	return 0;
}

/* Logs why the verifier rejects @insns. */
static void log_rejection(struct __test_metadata *_metadata, const struct script_insn *insns,
			  size_t n)
{
	char log[512] = "";
	struct script_attr attr = {
		.log_buf = (uintptr_t)log, .log_size = sizeof(log),
		.log_level = SCRIPT_LOG_ERROR,
	};

	script_attr_prog(&attr, insns, n);
	sys_script(SCRIPT_VERIFY, &attr, sizeof(attr));
	TH_LOG("verifier: %s", log);
}

static void close_both(int fds[2])
{
	close(fds[0]);
	close(fds[1]);
}

/* --- the arena: memory, stack, pipe and state area of a run ----------- */

/* What a run may change */
struct snap {
	unsigned char buf[BUF_BYTES];
	unsigned char far[PAGE];
	unsigned char fixed[PAGE];
	unsigned char stack[STACK_BYTES];
	unsigned char pipe[PIPE_MAX];
	size_t pipe_len;
	struct script_state st;
};

struct arena {
	unsigned char *base;	/* the buffer */
	unsigned char *far;
	unsigned char *fixed;
	unsigned char *stack;
	__u64 stack_hi;
	struct script_state st;
	struct snap init;	/* before each run */
	struct snap out[2];	/* after each engine's run */
};

static struct arena *arena;

/* While set, differences are counted, not logged (the minimizer's runs) */
static bool quiet;

#define LOG(fmt, ...)							\
	do {								\
		if (!quiet)						\
			TH_LOG(fmt, ##__VA_ARGS__);			\
	} while (0)

/* Empties the pipe into @to (PIPE_MAX bytes), or nowhere: the bytes read. */
static size_t pipe_drain(unsigned char *to)
{
	static unsigned char sink[PIPE_MAX];
	size_t len = 0;
	ssize_t n;

	for (;;) {
		n = read(PIPE_RD, to ? to + len : sink, to ? PIPE_MAX - len : PIPE_MAX);
		if (n <= 0)
			break;
		if (to)
			len += n;
	}
	return len;
}

static void arena_restore(const struct snap *s)
{
	memcpy(arena->base, s->buf, BUF_BYTES);
	memcpy(arena->far, s->far, PAGE);
	memcpy(arena->fixed, s->fixed, PAGE);
	memcpy(arena->stack, s->stack, STACK_BYTES);
	arena->st = s->st;
	pipe_drain(NULL);
	if (s->pipe_len && write(PIPE_WR, s->pipe, s->pipe_len) != (ssize_t)s->pipe_len)
		abort();
}

static void arena_take(struct snap *s)
{
	memcpy(s->buf, arena->base, BUF_BYTES);
	memcpy(s->far, arena->far, PAGE);
	memcpy(s->fixed, arena->fixed, PAGE);
	memcpy(s->stack, arena->stack, STACK_BYTES);
	s->st = arena->st;
	s->pipe_len = pipe_drain(s->pipe);
}

/* The fixed page: what the data ops read. */
static void init_fixed(struct snap *s)
{
	struct script_split_header h = {
		.fields = (uintptr_t)arena->fixed + FIX_FIELDS,
		.names = (uintptr_t)arena->fixed + FIX_NAMES,
		.max_fields = NR_FIELDS,
		.names_len = sizeof(names),
	};
	__u64 vals[4] = { 42, 0xbeef, (uintptr_t)arena->base + 100, 16 };

	memset(s->fixed, 0, PAGE);
	memcpy(s->fixed + FIX_HDR, &h, sizeof(h));
	memcpy(s->fixed + FIX_NAMES, names, sizeof(names));
	memcpy(s->fixed + FIX_TPL, tpl, sizeof(tpl) - 1);
	memcpy(s->fixed + FIX_VALS, vals, sizeof(vals));
	memcpy(s->fixed + FIX_REQ, req, sizeof(req) - 1);
}

static int arena_setup(void)
{
	struct arena *a;
	unsigned char *map;
	int p[2];

	if (arena)
		return 0;
	if (sysconf(_SC_PAGESIZE) != PAGE)
		return -EINVAL;
	a = mmap(NULL, sizeof(*a), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	map = mmap(NULL, RESERVE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (a == MAP_FAILED || map == MAP_FAILED)
		return -ENOMEM;
	a->base = map - OFF_FIXED;
	a->fixed = a->base + OFF_FIXED;
	a->stack = a->base + OFF_STACK;
	a->far = a->base + OFF_FAR;
	a->stack_hi = (uintptr_t)a->stack + STACK_BYTES;
	if (mprotect(a->fixed, PAGE, PROT_READ | PROT_WRITE) ||
	    mprotect(a->stack, STACK_BYTES, PROT_READ | PROT_WRITE) ||
	    mprotect(a->base, BUF_BYTES + PAGE, PROT_READ | PROT_WRITE) ||
	    mprotect(a->far, PAGE, PROT_READ | PROT_WRITE))
		return -errno;
	/* The read-only page: a pattern, then no more writes. */
	memset(a->base + OFF_RO, 0xc3, PAGE);
	memcpy(a->base + OFF_RO, "123456789abcdef:\r\n", 18);
	if (mprotect(a->base + OFF_RO, PAGE, PROT_READ))
		return -errno;
	if (pipe2(p, O_NONBLOCK) || dup2(p[0], PIPE_RD) < 0 || dup2(p[1], PIPE_WR) < 0)
		return -errno;
	close(p[0]);
	close(p[1]);
	arena = a;
	return 0;
}

/* A run's inputs */
struct cfg {
	__u64 args[5];
	__u64 max_steps;
	__u32 stack_size;	/* at the top of the arena's stack; 0 for none */
	bool state;		/* the arena's state area */
};

/* A run's outcome */
struct outcome {
	int ret;
	__u32 pc;
	__u64 retval;
	__u64 steps;
};

/*
 * The watchdog: a run with a budget ends in well under WATCHDOG_S seconds;
 * one that does not is interrupted by SIGUSR1 and reported, rather than
 * left to the harness's timeout, which would tell nothing of the program.
 */
#define WATCHDOG_S	20

static timer_t watchdog;
static bool watchdog_on;
static int stuck;

/* A run the watchdog interrupted: a difference not worth minimizing */
static bool was_stuck;

static void on_watchdog(int sig)
{
	__atomic_store_n(&stuck, 1, __ATOMIC_RELAXED);
}

static void watchdog_arm(bool on)
{
	struct itimerspec its = { .it_value = { .tv_sec = on ? WATCHDOG_S : 0 } };
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
	struct sigaction sa = { .sa_handler = on_watchdog };

	if (!watchdog_on) {
		sigemptyset(&sa.sa_mask);
		if (sigaction(SIGUSR1, &sa, NULL) ||
		    timer_create(CLOCK_MONOTONIC, &sev, &watchdog))
			return;
		watchdog_on = true;
	}
	timer_settime(watchdog, 0, &its, NULL);
}

static void run_fd(int fd, const struct cfg *c, struct outcome *o)
{
	struct script_attr attr = { .prog_fd = fd, .max_steps = c->max_steps };

	memcpy(attr.args, c->args, sizeof(attr.args));
	if (c->stack_size) {
		attr.stack = arena->stack_hi - c->stack_size;
		attr.stack_size = c->stack_size;
	}
	if (c->state) {
		attr.state = (uintptr_t)&arena->st;
		attr.state_size = sizeof(arena->st);
	}
	if (c->max_steps)
		watchdog_arm(true);
	o->ret = sys_script(SCRIPT_RUN_FD, &attr, sizeof(attr)) ? -errno : 0;
	if (c->max_steps)
		watchdog_arm(false);
	o->retval = attr.retval;
	o->steps = attr.steps;
	o->pc = attr.pc;
}

static int diff_bytes(struct __test_metadata *_metadata, const char *what, const char *where,
		      const unsigned char *x, const unsigned char *y, size_t len,
		      const unsigned char *init)
{
	size_t i, first = len, n = 0;

	for (i = 0; i < len; i++) {
		if (x[i] == y[i])
			continue;
		if (first == len)
			first = i;
		n++;
	}
	if (!n)
		return 0;
	i = first & ~7UL;
	LOG("%s: %s differs in %zu bytes from offset %zu: interp %016llx jit %016llx at %zu",
	    what, where, n, first, *(unsigned long long *)(x + i),
	    *(unsigned long long *)(y + i), i);
	if (init)
		LOG("%s: %s held %016llx there before the runs", what, where,
		    *(unsigned long long *)(init + i));
	return 1;
}

/*
 * The number of differences between the interpreter's outcome @x and the
 * compiler's @y and the arena each left, logged; the state area too when
 * @state.
 */
static int diff_runs(struct __test_metadata *_metadata, const char *what,
		     const struct outcome *x, const struct snap *sx,
		     const struct outcome *y, const struct snap *sy, bool state)
{
	int bad = 0;

	if (x->ret != y->ret || x->retval != y->retval || x->pc != y->pc ||
	    x->steps != y->steps) {
		LOG("%s: interp: ret %d r0 %#llx pc %u steps %llu", what, x->ret,
		    (unsigned long long)x->retval, x->pc, (unsigned long long)x->steps);
		LOG("%s: jit:    ret %d r0 %#llx pc %u steps %llu", what, y->ret,
		    (unsigned long long)y->retval, y->pc, (unsigned long long)y->steps);
		bad++;
	}
	bad += diff_bytes(_metadata, what, "buffer", sx->buf, sy->buf, BUF_BYTES,
			  arena->init.buf);
	bad += diff_bytes(_metadata, what, "far page", sx->far, sy->far, PAGE, arena->init.far);
	bad += diff_bytes(_metadata, what, "fixed page", sx->fixed, sy->fixed, PAGE,
			  arena->init.fixed);
	bad += diff_bytes(_metadata, what, "stack", sx->stack, sy->stack, STACK_BYTES,
			  arena->init.stack);
	if (sx->pipe_len != sy->pipe_len) {
		LOG("%s: pipe holds %zu bytes (interp), %zu (jit)", what, sx->pipe_len,
		    sy->pipe_len);
		bad++;
	} else {
		bad += diff_bytes(_metadata, what, "pipe", sx->pipe, sy->pipe, sx->pipe_len, NULL);
	}
	if (state)
		bad += diff_bytes(_metadata, what, "state", (void *)&sx->st, (void *)&sy->st,
				  sizeof(sx->st), NULL);
	return bad;
}

/*
 * Runs fds[INTERP] and fds[JIT] from arena->init with @c; their outcomes
 * in @o, the arena after each in arena->out.  The number of differences.
 */
static int run_both(struct __test_metadata *_metadata, const char *what, const int fds[2],
		    const struct cfg *c, struct outcome o[2])
{
	int e;

	for (e = INTERP; e <= JIT; e++) {
		arena_restore(&arena->init);
		__atomic_store_n(&stuck, 0, __ATOMIC_RELAXED);
		run_fd(fds[e], c, &o[e]);
		arena_take(&arena->out[e]);
		if (__atomic_load_n(&stuck, __ATOMIC_RELAXED)) {
			LOG("%s: the %s run went on for %d s, budget %llu", what,
			    engine_name[e], WATCHDOG_S, (unsigned long long)c->max_steps);
			LOG("%s: then ret %d, pc %u, steps %llu", what, o[e].ret, o[e].pc,
			    (unsigned long long)o[e].steps);
			was_stuck = true;
			return 1;
		}
	}
	return diff_runs(_metadata, what, &o[INTERP], &arena->out[INTERP], &o[JIT],
			 &arena->out[JIT], c->state);
}

/* arena->init: a zero buffer, stack and state area, the far page's data, an empty pipe */
static void init_zero(void)
{
	memset(&arena->init, 0, sizeof(arena->init));
	init_fixed(&arena->init);
}

/* Loads and runs @insns both ways with r1 the buffer; EXPECTs them alike. */
static void diff_prog(struct __test_metadata *_metadata, const char *what,
		      const struct script_insn *insns, size_t n, struct outcome o[2])
{
	struct cfg c = { .args = { (uintptr_t)arena->base }, .stack_size = STACK_BYTES };
	int fds[2], err;

	err = load_both(_metadata, insns, n, fds);
	if (err)
		log_rejection(_metadata, insns, n);
	ASSERT_EQ(0, err) TH_LOG("%s: load: %s", what, strerror(-err));
	EXPECT_EQ(0, run_both(_metadata, what, fds, &c, o));
	close_both(fds);
}

/* --- the generator of random programs -------------------------------- */

static __u64 rng;

static __u64 rnd(void)
{
	/* xorshift64* */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static __u32 below(__u32 n)
{
	return rnd() % n;
}

static bool chance(unsigned int pct)
{
	return below(100) < pct;
}

/* splitmix64: each program's seed from the run's seed and its index */
static __u64 mix(__u64 x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static const __u64 edges[] = {
	0, 1, 2, 3, 7, 8, 31, 32, 33, 63, 64, 65, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000,
	0xffff, 0x10000, 0x7fffffff, 0x80000000, 0x80000001, 0xffffffff, 0x100000000ULL,
	0x100000001ULL, 0x7fffffffffffffffULL, 0x8000000000000000ULL, 0x8000000000000001ULL,
	~0ULL, ~1ULL, -7ULL, 0xffffffff80000000ULL, 0xffffffff7fffffffULL,
	0x0123456789abcdefULL, 0xfedcba9876543210ULL,
};

static __u64 rnd_value(void)
{
	switch (below(4)) {
	case 0:
		return rnd();
	case 1:
		return below(256) - 128;
	}
	return edges[below(ARRAY_LEN(edges))];
}

/* Addresses no load or store of a user may reach */
static const __u64 bad_addrs[] = {
	0xffff888000000000ULL, 0xffffffff81000000ULL, 0xfffffffffffff000ULL, ~0ULL,
	0x8000000000000000ULL, 0x0000800000000000ULL, 0x00007ffffffff000ULL,
	0x00007fffffffffffULL, 0x0000fffffffff000ULL,
};

struct gen {
	struct script_insn insns[MAX_INSNS];
	unsigned int n;
	bool full;
	unsigned int nsubs;	/* subprograms after the main program */
	unsigned int cur;	/* the one being written */
	unsigned int start[MAX_SUBS + 1];
	unsigned int call_pc[MAX_CALLS];
	unsigned int call_to[MAX_CALLS];
	unsigned int ncalls;
	bool sig_safe;		/* no op that a signal cuts short: no copy past a chunk */
	unsigned int fault_pct;	/* loads and stores that fault, in percent */
	unsigned int loop_max;
};

static void emit(struct gen *g, struct script_insn insn)
{
	if (g->n >= MAX_INSNS) {
		g->full = true;
		return;
	}
	g->insns[g->n++] = insn;
}

static void emit_ld64(struct gen *g, unsigned int dst, __u64 v)
{
	emit(g, LD_IMM64(dst, (__s32)(__u32)v));
	emit(g, LD_IMM64_HI((__s32)(__u32)(v >> 32)));
}

/* A register to write: r0 to r8 but the loop counters in @reserved. */
static unsigned int dst_reg(__u16 reserved)
{
	unsigned int r;

	do
		r = below(9);
	while (reserved & (1U << r));
	return r;
}

/* A register to read: any. */
static unsigned int src_reg(void)
{
	return below(11);
}

/* @r = @v, by the instruction that fits, or another one */
static void set_reg(struct gen *g, unsigned int r, __u64 v)
{
	if ((__s64)v == (__s32)v && chance(70))
		emit(g, MOV64_IMM(r, (__s32)v));
	else if (v <= 0xffffffff && chance(50))
		emit(g, I(SCRIPT_ALU | SCRIPT_MOV | SCRIPT_K, r, 0, 0, (__s32)v));
	else
		emit_ld64(g, r, v);
}

static const __u8 alu_ops[] = {
	SCRIPT_ADD, SCRIPT_SUB, SCRIPT_MUL, SCRIPT_DIV, SCRIPT_OR, SCRIPT_AND,
	SCRIPT_LSH, SCRIPT_RSH, SCRIPT_NEG, SCRIPT_MOD, SCRIPT_XOR, SCRIPT_MOV,
	SCRIPT_ARSH,
};

static const __u64 shift_counts[] = {
	0, 1, 7, 15, 16, 31, 32, 33, 63, 64, 65, 95, 127, 128, 255, 256, 0xffffffff,
	0x100000001ULL, 0x8000000000000020ULL, ~0ULL,
};

static void gen_alu(struct gen *g, __u16 reserved)
{
	bool is64 = rnd() & 1;
	__u8 class = is64 ? SCRIPT_ALU64 : SCRIPT_ALU;
	__u8 op = alu_ops[below(ARRAY_LEN(alu_ops))];
	unsigned int dst = dst_reg(reserved), src, width = is64 ? 64 : 32;
	bool shift = op == SCRIPT_LSH || op == SCRIPT_RSH || op == SCRIPT_ARSH;
	bool div = op == SCRIPT_DIV || op == SCRIPT_MOD;
	__s16 off = div ? rnd() & 1 : 0;
	__s32 imm;

	if (op == SCRIPT_NEG) {
		emit(g, I(class | op, dst, 0, 0, 0));
		return;
	}
	if (rnd() & 1) {
		src = src_reg();
		/* Now and then a count or a divisor at an edge in a register */
		if ((shift || div) && src <= 8 && !(reserved & (1U << src)) && chance(60))
			set_reg(g, src, shift ? shift_counts[below(ARRAY_LEN(shift_counts))] :
				edges[below(6)] - below(2) * 8);
		if (op == SCRIPT_MOV && chance(40)) {
			static const __s16 sx[] = { 8, 16, 32 };

			off = sx[below(is64 ? 3 : 2)];
		}
		emit(g, I(class | op | SCRIPT_X, dst, src, off, 0));
		return;
	}
	imm = (__s32)rnd_value();
	if (shift)
		imm = below(width);
	if (div && !imm)
		imm = chance(50) ? -1 : INT32_MIN;
	emit(g, I(class | op | SCRIPT_K, dst, 0, off, imm));
}

static void gen_end(struct gen *g, __u16 reserved)
{
	static const __s32 widths[] = { 16, 32, 64 };
	unsigned int dst = dst_reg(reserved);
	__s32 w = widths[below(3)];

	switch (below(3)) {
	case 0:
		emit(g, I(SCRIPT_ALU | SCRIPT_END | SCRIPT_TO_LE, dst, 0, 0, w));
		break;
	case 1:
		emit(g, I(SCRIPT_ALU | SCRIPT_END | SCRIPT_TO_BE, dst, 0, 0, w));
		break;
	default:
		emit(g, I(SCRIPT_ALU64 | SCRIPT_END | SCRIPT_TO_LE, dst, 0, 0, w));
		break;
	}
}

static int size_bytes(__u8 size)
{
	switch (size) {
	case SCRIPT_B:
		return 1;
	case SCRIPT_H:
		return 2;
	case SCRIPT_W:
		return 4;
	}
	return 8;
}

/* An access of @sz bytes that faults, or a load from the read-only page */
static void bad_target(struct gen *g, __u16 reserved, int sz, unsigned int *ptr, long *off)
{
	unsigned int r;

	*ptr = 9;
	switch (below(10)) {
	case 0:		/* the guard page below the buffer */
		*off = -(long)below(PAGE - sz + 1) - sz;
		break;
	case 1:		/* across the guard page and the buffer */
		*off = -(long)below(sz);
		*off = *off ? *off : -1;
		break;
	case 2:		/* the read-only page */
		*off = OFF_RO + below(PAGE - sz + 1);
		break;
	case 3:		/* across the buffer and the read-only page */
		*off = OFF_RO - sz + 1 + below(sz);
		break;
	case 4:		/* across the read-only page and the hole, or in it */
		*off = OFF_HOLE - sz + 1 + below(sz);
		break;
	case 5:
		*off = OFF_HOLE + below(PAGE - sz + 1);
		break;
	case 6:		/* across the far page and the second hole */
		*off = OFF_HOLE2 - sz + 1 + below(sz);
		break;
	case 7:		/* the NULL page */
		r = dst_reg(reserved);
		emit(g, MOV64_IMM(r, 0));
		*ptr = r;
		*off = below(PAGE - sz);
		break;
	default:	/* kernel and non-canonical addresses, the top of user space */
		r = dst_reg(reserved);
		emit_ld64(g, r, bad_addrs[below(ARRAY_LEN(bad_addrs))]);
		*ptr = r;
		/* Upward: the page below the top of user space may be the stack. */
		*off = below(32);
		break;
	}
}

static void gen_mem(struct gen *g, __u16 reserved)
{
	static const __u8 sizes[] = { SCRIPT_B, SCRIPT_H, SCRIPT_W, SCRIPT_DW };
	__u8 size = sizes[below(4)];
	unsigned int kind = below(4), ptr = 9, r;
	int sz = size_bytes(size);
	long off, k;

	if (kind == 1 && size == SCRIPT_DW)
		kind = 0;
	if (chance(g->fault_pct)) {
		bad_target(g, reserved, sz, &ptr, &off);
	} else {
		switch (below(10)) {
		case 0:
		case 1:		/* the frame */
			ptr = 10;
			off = -(long)below(SCRIPT_FRAME_SIZE - sz + 1) - sz;
			break;
		case 2:		/* through a pointer into the buffer */
			r = dst_reg(reserved);
			k = below(BUF_BYTES);
			emit(g, MOV64_REG(r, 9));
			emit(g, ALU64_IMM(SCRIPT_ADD, r, k));
			ptr = r;
			off = (long)below(BUF_BYTES - sz + 1) - k;
			break;
		case 3:		/* the far page, past its fixed part */
			off = OFF_FAR + below(PAGE - sz + 1);
			break;
		default:
			off = below(BUF_BYTES - sz + 1);
			break;
		}
	}
	switch (kind) {
	case 0:
		emit(g, LDX(size, dst_reg(reserved), ptr, off));
		break;
	case 1:
		emit(g, LDSX(size, dst_reg(reserved), ptr, off));
		break;
	case 2:
		emit(g, ST(size, ptr, off, (__s32)rnd_value()));
		break;
	default:
		emit(g, STX(size, ptr, src_reg(), off));
		break;
	}
}

static const __u8 jmp_ops[] = {
	SCRIPT_JEQ, SCRIPT_JGT, SCRIPT_JGE, SCRIPT_JSET, SCRIPT_JNE, SCRIPT_JSGT,
	SCRIPT_JSGE, SCRIPT_JLT, SCRIPT_JLE, SCRIPT_JSLT, SCRIPT_JSLE,
};

/* A forward jump; gen_block() sets its distance. */
static void gen_jump(struct gen *g)
{
	__u8 class = rnd() & 1 ? SCRIPT_JMP : SCRIPT_JMP32;
	__u8 op = jmp_ops[below(ARRAY_LEN(jmp_ops))];

	if (chance(8)) {
		emit(g, I(class | SCRIPT_JA, 0, 0, 0, 0));
		return;
	}
	if (rnd() & 1)
		emit(g, I(class | op | SCRIPT_X, src_reg(), src_reg(), 0, 0));
	else
		emit(g, I(class | op | SCRIPT_K, src_reg(), 0, 0, (__s32)rnd_value()));
}

/* r1 to r5 after a call: written again, as the verifier wants them */
static void reinit_args(struct gen *g)
{
	unsigned int r;

	for (r = 1; r <= 5; r++)
		emit(g, MOV64_IMM(r, (__s32)rnd_value()));
}

static void gen_call(struct gen *g)
{
	unsigned int r;

	if (g->cur >= g->nsubs || g->ncalls == MAX_CALLS)
		return;
	emit(g, MOV64_REG(1, 9));
	for (r = 2; r <= 5; r++) {
		if (rnd() & 1)
			emit(g, MOV64_REG(r, src_reg()));
		else
			emit(g, MOV64_IMM(r, (__s32)rnd_value()));
	}
	g->call_pc[g->ncalls] = g->n;
	g->call_to[g->ncalls++] = g->cur + 1 + below(g->nsubs - g->cur);
	emit(g, CALL_REL(0));
	reinit_args(g);
}

/* Kinds of op arguments */
enum {
	A_NONE, A_RPTR, A_WPTR, A_LEN, A_NLEN, A_VAL, A_BASE, A_TPL, A_TLEN, A_VALS,
	A_REQ, A_HDR, A_RFD, A_WFD,
};

static const struct {
	int id;
	__u8 args[5];
} op_table[] = {
	{ SCRIPT_OP_MEMCPY, { A_WPTR, A_RPTR, A_LEN } },
	{ SCRIPT_OP_MEMMOVE, { A_WPTR, A_RPTR, A_LEN } },
	{ SCRIPT_OP_MEMCMP, { A_RPTR, A_RPTR, A_LEN } },
	{ SCRIPT_OP_MEMCHR, { A_RPTR, A_VAL, A_LEN } },
	{ SCRIPT_OP_MEMMEM, { A_RPTR, A_LEN, A_RPTR, A_NLEN } },
	{ SCRIPT_OP_MEMCSPN, { A_RPTR, A_LEN, A_RPTR, A_NLEN } },
	{ SCRIPT_OP_PARSE_U64, { A_RPTR, A_LEN, A_WPTR, A_BASE } },
	{ SCRIPT_OP_FORMAT_U64, { A_WPTR, A_NLEN, A_VAL, A_BASE } },
	{ SCRIPT_OP_FORMAT, { A_WPTR, A_NLEN, A_TPL, A_TLEN, A_VALS } },
	{ SCRIPT_OP_SPLIT_HEADER, { A_REQ, A_LEN, A_HDR } },
	{ SCRIPT_OP_GETPID, { } },
	{ SCRIPT_OP_READ, { A_RFD, A_WPTR, A_LEN } },
	{ SCRIPT_OP_WRITE, { A_WFD, A_RPTR, A_LEN } },
};

/* @r = r9 + @off */
static void set_ptr(struct gen *g, unsigned int r, long off)
{
	emit(g, MOV64_REG(r, 9));
	if (off)
		emit(g, ALU64_IMM(SCRIPT_ADD, r, off));
}

static void gen_arg(struct gen *g, unsigned int r, __u8 kind, bool small_copy)
{
	switch (kind) {
	case A_RPTR:
	case A_WPTR:
		/*
		 * Never the NULL page for a destination: a copy from there
		 * backward would start at its end, in the test's memory.
		 */
		if (chance(8)) {
			if (rnd() & 1)
				set_ptr(g, r, (rnd() & 1) ? OFF_HOLE : OFF_RO + below(PAGE));
			else if (kind == A_RPTR && (rnd() & 1))
				set_reg(g, r, below(PAGE));
			else
				set_reg(g, r, bad_addrs[below(ARRAY_LEN(bad_addrs))]);
		} else if (chance(10)) {
			set_ptr(g, r, (kind == A_RPTR ? OFF_FIXED : OFF_FAR) + below(PAGE));
		} else {
			set_ptr(g, r, below(BUF_BYTES));
		}
		break;
	case A_LEN:
		if (small_copy || chance(70))
			set_reg(g, r, below(small_copy ? 257 : 300));
		else if (chance(50))
			set_reg(g, r, below(BUF_BYTES + PAGE));
		else if (chance(50))
			emit(g, MOV64_REG(r, below(9)));
		else
			set_reg(g, r, rnd() & 1 ? 0x7ffff001 : rnd_value());
		break;
	case A_NLEN:
		set_reg(g, r, chance(90) ? below(12) : 250 + below(10));
		break;
	case A_VAL:
		if (rnd() & 1)
			emit(g, MOV64_REG(r, src_reg()));
		else
			set_reg(g, r, rnd_value());
		break;
	case A_BASE:
		set_reg(g, r, chance(80) ? (rnd() & 1 ? 10 : 16) : rnd_value());
		break;
	case A_TPL:
		if (chance(80))
			set_ptr(g, r, OFF_FIXED + FIX_TPL);
		else
			set_ptr(g, r, below(BUF_BYTES));
		break;
	case A_TLEN:
		set_reg(g, r, chance(70) ? sizeof(tpl) - 1 : below(20));
		break;
	case A_VALS:
		set_ptr(g, r, OFF_FIXED + FIX_VALS);
		break;
	case A_REQ:
		set_ptr(g, r, chance(70) ? OFF_FIXED + FIX_REQ : below(BUF_BYTES));
		break;
	case A_HDR:
		set_ptr(g, r, OFF_FIXED + FIX_HDR);
		break;
	case A_RFD:
		set_reg(g, r, chance(85) ? PIPE_RD : (rnd() & 1 ? PIPE_WR : 999));
		break;
	case A_WFD:
		set_reg(g, r, chance(85) ? PIPE_WR : (rnd() & 1 ? PIPE_RD : 999));
		break;
	default:
		set_reg(g, r, rnd_value());
		break;
	}
}

static void gen_op(struct gen *g)
{
	unsigned int i = below(ARRAY_LEN(op_table)), r;
	bool small = g->sig_safe && (op_table[i].id == SCRIPT_OP_MEMCPY ||
				      op_table[i].id == SCRIPT_OP_MEMMOVE);

	for (r = 1; r <= 5; r++)
		gen_arg(g, r, op_table[i].args[r - 1], small);
	emit(g, CALL_OP(op_table[i].id));
	if (chance(50))
		emit(g, STX(SCRIPT_DW, 9, 0, below(BUF_BYTES / 8) * 8));
	reinit_args(g);
}

static void gen_block(struct gen *g, unsigned int items, unsigned int depth, __u16 reserved);

/* A loop of at most g->loop_max turns, its counter one of r6 to r8. */
static void gen_loop(struct gen *g, unsigned int depth, __u16 reserved)
{
	unsigned int c, head, turns = 1 + below(g->loop_max);

	for (c = 6; c <= 8 && (reserved & (1U << c)); c++)
		;
	if (c > 8) {
		gen_alu(g, reserved);
		return;
	}
	set_reg(g, c, turns);
	head = g->n;
	gen_block(g, 2 + below(7), depth + 1, reserved | (1U << c));
	switch (below(5)) {
	case 0:
		emit(g, ALU64_IMM(SCRIPT_SUB, c, 1));
		emit(g, JMP_IMM(SCRIPT_JNE, c, 0, head - g->n - 1));
		break;
	case 1:
		emit(g, ALU32_IMM(SCRIPT_ADD, c, -1));
		emit(g, I(SCRIPT_JMP32 | SCRIPT_JNE | SCRIPT_K, c, 0, head - g->n - 1, 0));
		break;
	case 2:		/* a backward JA */
		emit(g, ALU64_IMM(SCRIPT_SUB, c, 1));
		emit(g, JMP_IMM(SCRIPT_JEQ, c, 0, 1));
		emit(g, JA(head - g->n - 1));
		break;
	case 3:		/* a backward gotol */
		emit(g, ALU64_IMM(SCRIPT_SUB, c, 1));
		emit(g, I(SCRIPT_JMP32 | SCRIPT_JEQ | SCRIPT_K, c, 0, 1, 0));
		emit(g, I(SCRIPT_JMP32 | SCRIPT_JA, 0, 0, 0, head - g->n - 1));
		break;
	default:
		emit(g, ALU64_IMM(SCRIPT_ADD, c, -1));
		emit(g, JMP_IMM(SCRIPT_JSGT, c, 0, head - g->n - 1));
		break;
	}
}

/*
 * @items items, each a few instructions that leave every register
 * written; forward jumps land on the start of a later item or the end.
 */
static void gen_block(struct gen *g, unsigned int items, unsigned int depth, __u16 reserved)
{
	unsigned int start[MAX_ITEMS + 1], jpc[MAX_ITEMS], jitem[MAX_ITEMS];
	unsigned int k, nj = 0, pick, t;
	struct script_insn *j;
	__s32 d;

	if (items > MAX_ITEMS)
		items = MAX_ITEMS;
	for (k = 0; k < items; k++) {
		start[k] = g->n;
		pick = g->n > SOFT_INSNS ? 0 : below(100);
		if (pick < 34) {
			gen_alu(g, reserved);
		} else if (pick < 39) {
			gen_end(g, reserved);
		} else if (pick < 42) {
			set_reg(g, dst_reg(reserved), rnd_value());
		} else if (pick < 62) {
			gen_mem(g, reserved);
		} else if (pick < 68) {
			t = below(9);
			emit(g, STX(SCRIPT_DW, 9, t, DUMP_OFF + 8 * t));
		} else if (pick < 79) {
			jpc[nj] = g->n;
			jitem[nj++] = k;
			gen_jump(g);
		} else if (pick < 86) {
			gen_op(g);
		} else if (pick < 92) {
			gen_call(g);
		} else if (depth < (g->cur ? 1 : 2)) {
			gen_loop(g, depth, reserved);
		} else {
			gen_alu(g, reserved);
		}
	}
	start[items] = g->n;
	for (k = 0; k < nj && !g->full; k++) {
		t = jitem[k] + 1 + below(items - jitem[k]);
		d = start[t] - jpc[k] - 1;
		j = &g->insns[jpc[k]];
		if (j->code == (SCRIPT_JMP32 | SCRIPT_JA))
			j->imm = d;
		else
			j->off = d;
	}
}

/*
 * A program: main, then its subprograms, each calling only those after
 * it.  Each starts by writing r0 and r6 to r9 (r9 = r1, the buffer), so
 * that any instruction may read any register.
 */
static void gen_program(struct gen *g)
{
	unsigned int s, r, i;

	do {
		g->n = 0;
		g->full = false;
		g->ncalls = 0;
		g->nsubs = below(MAX_SUBS + 1);
		g->sig_safe = chance(25);
		g->fault_pct = chance(50) ? 0 : 1 + below(4);
		g->loop_max = 1 + below(g->sig_safe ? 12 : 6);
		for (s = 0; s <= g->nsubs; s++) {
			g->cur = s;
			g->start[s] = g->n;
			emit(g, MOV64_REG(9, 1));
			set_reg(g, 0, rnd_value());
			for (r = 6; r <= 8; r++)
				set_reg(g, r, rnd_value());
			gen_block(g, s ? 2 + below(10) : 6 + below(34), 0, 0);
			if (!s) {
				for (r = 0; r <= 8; r++)
					emit(g, STX(SCRIPT_DW, 9, r, DUMP_OFF + 8 * r));
			}
			emit(g, EXIT);
		}
	} while (g->full);
	for (i = 0; i < g->ncalls; i++)
		g->insns[g->call_pc[i]].imm = g->start[g->call_to[i]] - g->call_pc[i] - 1;
}

/* The arena before a generated program's runs */
static void init_random(void)
{
	static const char alphabet[] = "0123456789abcdefABCDEF:% \r\nGET/xHTTP";
	struct snap *s = &arena->init;
	size_t i;

	for (i = 0; i < BUF_BYTES; i++)
		s->buf[i] = chance(60) ? alphabet[below(sizeof(alphabet) - 1)] : rnd();
	for (i = 0; i < PAGE; i++)
		s->far[i] = rnd();
	init_fixed(s);
	for (i = 0; i < STACK_BYTES; i++)
		s->stack[i] = rnd();
	s->pipe_len = PIPE_PREFILL;
	for (i = 0; i < s->pipe_len; i++)
		s->pipe[i] = 'a' + i % 26;
	memset(&s->st, 0, sizeof(s->st));
}

static void print_prog(struct __test_metadata *_metadata, const struct script_insn *p,
		       unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (p[i].code == (SCRIPT_JMP | SCRIPT_JA) && !p[i].off)
			TH_LOG("/* %4u */ JA(0),", i);
		else
			TH_LOG("/* %4u */ I(0x%02x, %u, %u, %d, %d),", i, p[i].code,
			       p[i].dst_reg, p[i].src_reg, p[i].off, p[i].imm);
	}
}

static void print_cfg(struct __test_metadata *_metadata, const struct cfg *c)
{
	TH_LOG("args { buffer, %#llx, %#llx, %#llx, %#llx } stack %u max_steps %llu state %d",
	       (unsigned long long)c->args[1], (unsigned long long)c->args[2],
	       (unsigned long long)c->args[3], (unsigned long long)c->args[4],
	       c->stack_size, (unsigned long long)c->max_steps, c->state);
}

static void print_state(struct __test_metadata *_metadata, const struct script_state *st)
{
	unsigned int r;

	TH_LOG("state: pc %u depth %u steps %llu, return to %u", st->pc, st->depth,
	       (unsigned long long)st->steps, st->frames[0].ret);
	for (r = 0; r < __MAX_SCRIPT_REG; r++)
		TH_LOG("state: r%u %#llx", r, (unsigned long long)st->regs[r]);
}

/* Whether @p still makes the engines differ with @c */
static bool still_differs(struct __test_metadata *_metadata, const struct script_insn *p,
			  unsigned int n, const struct cfg *c)
{
	struct outcome o[2];
	int fds[2], bad = 0;

	fds[INTERP] = load_flags(p, n, interp_flag ? SCRIPT_F_INTERP : 0);
	fds[JIT] = load_flags(p, n, 0);
	if (fds[INTERP] >= 0 && fds[JIT] >= 0) {
		quiet = true;
		bad = run_both(_metadata, "", fds, c, o);
		quiet = false;
	}
	if (fds[INTERP] >= 0)
		close(fds[INTERP]);
	if (fds[JIT] >= 0)
		close(fds[JIT]);
	return bad;
}

/*
 * Makes @p smaller while the difference stays: each instruction in turn
 * becomes JA 0 (an LD_IMM64 two of them) when the verifier still accepts
 * the program and the engines still differ.
 */
static void minimize(struct __test_metadata *_metadata, struct script_insn *p, unsigned int n,
		     const struct cfg *c)
{
	struct script_insn nop = JA(0), save[2];
	unsigned int i, w, pass, kept = 0;

	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < n; i += w) {
			w = p[i].code == (SCRIPT_LD | SCRIPT_IMM | SCRIPT_DW) ? 2 : 1;
			if (!memcmp(&p[i], &nop, sizeof(nop)))
				continue;
			memcpy(save, &p[i], w * sizeof(*p));
			p[i] = nop;
			if (w == 2)
				p[i + 1] = nop;
			if (!still_differs(_metadata, p, n, c))
				memcpy(&p[i], save, w * sizeof(*p));
		}
	}
	for (i = 0; i < n; i++)
		kept += !!memcmp(&p[i], &nop, sizeof(nop));
	TH_LOG("minimized: %u of %u instructions are not JA 0", kept, n);
}

/* --- the generator's runs -------------------------------------------- */

static void on_tick(int sig)
{
}

/* SIGALRM every @usec microseconds, a handler without SA_RESTART; 0 stops it. */
static int tick(long usec)
{
	struct itimerval it = {
		.it_interval = { .tv_sec = usec / 1000000, .tv_usec = usec % 1000000 },
		.it_value = { .tv_sec = usec / 1000000, .tv_usec = usec % 1000000 },
	};
	struct sigaction sa = { .sa_handler = usec ? on_tick : SIG_IGN };

	sigemptyset(&sa.sa_mask);
	if (usec && sigaction(SIGALRM, &sa, NULL))
		return -errno;
	if (setitimer(ITIMER_REAL, &it, NULL))
		return -errno;
	return 0;
}

struct fuzz_stats {
	unsigned long programs, insns, runs, parks, resumes_crossed, blinded, states;
	unsigned long exits, faults, etimes, enospc, others;
};

/*
 * The run of @c from the initial arena under SIGALRM ticks, with a state
 * area, each call after a park by an engine picked at random: the same
 * end as @ref, the uninterrupted run of the interpreter.
 */
static int storm(struct __test_metadata *_metadata, const char *what, const int fds[2],
		 const struct cfg *c, const struct outcome *ref, struct fuzz_stats *fs)
{
	struct cfg sc = *c;
	struct outcome o;
	int bad = 0, parks = 0, last = -1, e;

	sc.state = true;
	arena_restore(&arena->init);
	memset(&arena->st, 0, sizeof(arena->st));
	if (tick(50 + below(400)))
		return 1;
	do {
		e = rnd() & 1;
		if (last >= 0 && e != last)
			fs->resumes_crossed++;
		last = e;
		__atomic_store_n(&stuck, 0, __ATOMIC_RELAXED);
		run_fd(fds[e], &sc, &o);
		if (__atomic_load_n(&stuck, __ATOMIC_RELAXED)) {
			TH_LOG("%s: the %s run went on for %d s", what, engine_name[e], WATCHDOG_S);
			was_stuck = true;
			bad++;
			break;
		}
		if (o.ret == -EINTR && arena->st.status != SCRIPT_STATE_PARKED) {
			TH_LOG("%s: -EINTR with no parked state (%s)", what, engine_name[e]);
			bad++;
			break;
		}
	} while (o.ret == -EINTR && ++parks < MAX_PARKS);
	tick(0);
	fs->parks += parks;
	if (arena->st.status != SCRIPT_STATE_NONE) {
		TH_LOG("%s: the state area is still parked after the run", what);
		bad++;
	}
	arena_take(&arena->out[JIT]);
	return bad + diff_runs(_metadata, what, ref, &arena->out[INTERP], &o,
			       &arena->out[JIT], false);
}

static __u64 env_u64(const char *name, __u64 def)
{
	const char *v = getenv(name);

	return v && *v ? strtoull(v, NULL, 0) : def;
}

static struct gen gen;

/* The index after the last instruction of subprogram @s */
static unsigned int sub_end(unsigned int s)
{
	return s < gen.nsubs ? gen.start[s + 1] : gen.n;
}

/* A random instruction start in subprogram @s */
static unsigned int rnd_pc(unsigned int s)
{
	unsigned int pc;

	do
		pc = gen.start[s] + below(sub_end(s) - gen.start[s]);
	while (pc && gen.insns[pc - 1].code == (SCRIPT_LD | SCRIPT_IMM | SCRIPT_DW));
	return pc;
}

/*
 * A value for a register of a made-up state: the state may start between
 * the instructions that set an op's arguments or a pointer and their use,
 * so every value must be harmless there: a kernel address, an fd and a
 * length no call takes.
 */
static __u64 safe_value(void)
{
	return ~0ULL - below(1U << 20);
}

/*
 * A parked state no run made, but that breaks no rule: at any
 * instruction of main, or of a subprogram main calls with main's frame
 * as the call left it, random registers but r9 (the buffer) and r10.
 * Compiled code enters only at its entry points: elsewhere the
 * interpreter must go on.
 */
static void made_up_state(struct script_state *st, const struct cfg *c)
{
	unsigned int i, r, calls = 0, pick;

	memset(st, 0, sizeof(*st));
	st->status = SCRIPT_STATE_PARKED;
	st->steps = below(1000);
	for (r = 0; r <= 8; r++)
		st->regs[r] = safe_value();
	st->regs[9] = c->args[0];
	st->regs[10] = arena->stack_hi;
	for (i = 0; i < gen.ncalls; i++)
		calls += gen.call_pc[i] < sub_end(0);
	if (!calls || chance(50)) {
		st->pc = rnd_pc(0);
		return;
	}
	pick = below(calls);
	for (i = 0; gen.call_pc[i] >= sub_end(0) || pick--; i++)
		;
	st->depth = 1;
	st->pc = rnd_pc(gen.call_to[i]);
	st->regs[10] -= SCRIPT_FRAME_SIZE;
	st->frames[0].ret = gen.call_pc[i] + 1;
	for (r = 0; r < 3; r++)
		st->frames[0].regs[r] = safe_value();
	st->frames[0].regs[3] = c->args[0];
	st->frames[0].regs[4] = arena->stack_hi;
}

/*
 * Program @index of @seed: generated, loaded both ways, run both ways,
 * with a budget that cuts it, and in a storm of signals.  0, or the number
 * of differences, which it logs with the program, minimized.
 */
static int fuzz_one(struct __test_metadata *_metadata, __u64 seed, __u64 index,
		    struct fuzz_stats *fs, bool verbose)
{
	struct outcome o[2];
	struct cfg c = { };
	int fds[2], err, bad, i;
	char what[64];
	bool blind;

	rng = mix(seed ^ mix(index)) | 1;
	gen_program(&gen);
	init_random();
	fs->programs++;
	fs->insns += gen.n;
	if (verbose)
		print_prog(_metadata, gen.insns, gen.n);

	/* Every other program from a loader whose constants are blinded */
	blind = jit_on && (index & 1) && !sys_admin(false);
	err = load_both(_metadata, gen.insns, gen.n, fds);
	if (blind) {
		char val[8];

		sys_admin(true);
		fdinfo_value(fds[JIT], "script-jit-blinded", val, sizeof(val));
		EXPECT_STREQ("1", val);
		fs->blinded++;
	}
	if (err) {
		TH_LOG("program %llu: load: %s", (unsigned long long)index, strerror(-err));
		log_rejection(_metadata, gen.insns, gen.n);
		print_prog(_metadata, gen.insns, gen.n);
		return 1;
	}

	c.args[0] = (uintptr_t)arena->base;
	for (i = 1; i < 5; i++)
		c.args[i] = rnd_value();
	switch (below(16)) {
	case 0:
		c.stack_size = 0;
		break;
	case 1:
		c.stack_size = SCRIPT_FRAME_SIZE;
		break;
	case 2:
		c.stack_size = 3 * SCRIPT_FRAME_SIZE;
		break;
	default:
		c.stack_size = STACK_BYTES;
		break;
	}
	c.state = rnd() & 1;
	c.max_steps = STEP_CAP;

	snprintf(what, sizeof(what), "program %llu", (unsigned long long)index);
	bad = run_both(_metadata, what, fds, &c, o);
	fs->runs += 2;
	switch (o[INTERP].ret) {
	case 0:
		fs->exits++;
		break;
	case -EFAULT:
		fs->faults++;
		break;
	case -ETIME:
		fs->etimes++;
		break;
	case -ENOSPC:
		fs->enospc++;
		break;
	default:
		fs->others++;
		break;
	}

	if (!bad && o[INTERP].steps > 1 && chance(50)) {
		c.max_steps = 1 + below(o[INTERP].steps);
		snprintf(what, sizeof(what), "program %llu, budget %llu",
			 (unsigned long long)index, (unsigned long long)c.max_steps);
		bad = run_both(_metadata, what, fds, &c, o);
		fs->runs += 2;
		if (!bad && c.max_steps < o[INTERP].steps &&
		    (o[INTERP].ret != -ETIME || o[INTERP].steps != c.max_steps)) {
			TH_LOG("%s: ret %d after %llu steps", what, o[INTERP].ret,
			       (unsigned long long)o[INTERP].steps);
			bad++;
		}
	}

	if (!bad && chance(30)) {
		/* Its loop counters are random: a smaller budget */
		c.max_steps = STEP_CAP / 10;
		c.state = true;
		c.stack_size = STACK_BYTES;
		made_up_state(&arena->init.st, &c);
		snprintf(what, sizeof(what), "program %llu, from pc %u depth %u",
			 (unsigned long long)index, arena->init.st.pc, arena->init.st.depth);
		bad = run_both(_metadata, what, fds, &c, o);
		fs->runs += 2;
		fs->states++;
		if (!bad)
			memset(&arena->init.st, 0, sizeof(arena->init.st));
	}

	if (bad) {
		TH_LOG("seed %#llx: SCRIPT_JIT_SEED=%#llx SCRIPT_JIT_PROG=%llu repeats it",
		       (unsigned long long)seed, (unsigned long long)seed,
		       (unsigned long long)index);
		print_cfg(_metadata, &c);
		if (arena->init.st.status)
			print_state(_metadata, &arena->init.st);
		for (i = 0, err = 0; i < 5 && !was_stuck; i++)
			err += still_differs(_metadata, gen.insns, gen.n, &c);
		if (!was_stuck) {
			TH_LOG("the difference comes back in %d of 5 runs", err);
			minimize(_metadata, gen.insns, gen.n, &c);
		}
		print_prog(_metadata, gen.insns, gen.n);
		close_both(fds);
		return bad;
	}

	if (gen.sig_safe) {
		c.max_steps = STEP_CAP;
		arena_restore(&arena->init);
		run_fd(fds[INTERP], &c, &o[INTERP]);
		arena_take(&arena->out[INTERP]);
		snprintf(what, sizeof(what), "program %llu, signals", (unsigned long long)index);
		bad = storm(_metadata, what, fds, &c, &o[INTERP], fs);
		if (bad) {
			TH_LOG("seed %#llx: SCRIPT_JIT_SEED=%#llx SCRIPT_JIT_PROG=%llu repeats it",
			       (unsigned long long)seed, (unsigned long long)seed,
			       (unsigned long long)index);
			print_cfg(_metadata, &c);
			print_prog(_metadata, gen.insns, gen.n);
		}
	}
	close_both(fds);
	return bad;
}

FIXTURE(fuzz) {
};

FIXTURE_SETUP(fuzz)
{
}

FIXTURE_TEARDOWN(fuzz)
{
}

/*
 * Random programs for SCRIPT_JIT_SECONDS (20 by default) from
 * SCRIPT_JIT_SEED, each run both ways; the first program that makes
 * the engines differ fails the test, logged and minimized.
 */
TEST_F_TIMEOUT(fuzz, random_programs, 900)
{
	__u64 seed = env_u64("SCRIPT_JIT_SEED", 0x5c219e7a11ce5eedULL);
	__u64 secs = env_u64("SCRIPT_JIT_SECONDS", 20);
	const char *only = getenv("SCRIPT_JIT_PROG");
	struct fuzz_stats fs = { };
	struct timespec t0, t;
	bool failed = false;
	__u64 index;

	ASSERT_EQ(0, arena_setup());
	probe_jit();
	TH_LOG("seed %#llx, %llu s, %s", (unsigned long long)seed, (unsigned long long)secs,
	       jit_on ? "the compiler against the interpreter" :
	       "no compiler: the interpreter against itself");
	if (only && *only) {
		__u64 i, times = env_u64("SCRIPT_JIT_REPEAT", 1);

		for (i = 0; i < times; i++)
			EXPECT_EQ(0, fuzz_one(_metadata, seed, strtoull(only, NULL, 0), &fs, !i));
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (index = 0;; index++) {
		if (fuzz_one(_metadata, seed, index, &fs, false)) {
			EXPECT_TRUE(0) TH_LOG("the engines differ");
			failed = true;
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &t);
		if ((__u64)(t.tv_sec - t0.tv_sec) >= secs)
			break;
	}
	TH_LOG("%lu programs (%lu insns), %lu runs", fs.programs, fs.insns, fs.runs);
	TH_LOG("first runs: %lu exits, %lu faults, %lu -ETIME, %lu -ENOSPC, %lu other",
	       fs.exits, fs.faults, fs.etimes, fs.enospc, fs.others);
	TH_LOG("signals: %lu parks, %lu resumed by the other engine", fs.parks,
	       fs.resumes_crossed);
	TH_LOG("%lu programs with blinded constants, %lu runs from made-up states",
	       fs.blinded, fs.states);
	if (!jit_on && !failed)
		SKIP(return, "no compiler: the interpreter was checked against itself");
}

/* --- tables of edge cases --------------------------------------------- */

static const __u64 div_vals[] = {
	0, 1, 2, 3, 7, -1ULL, -2ULL, -3ULL, -7ULL, 0x7fffffff, 0x80000000, 0x80000001,
	0xffffffff, 0xfffffffe, 0x100000000ULL, 0x100000001ULL, 0x7fffffffffffffffULL,
	0x8000000000000000ULL, 0xffffffff80000000ULL, 0x00000001ffffffffULL,
	0x0123456789abcdefULL,
};

/* The interpreter's arithmetic, as kernel/script/interp.c does it */
static __u64 ref_div64(__u64 a, __u64 b, bool s)
{
	if (!b)
		return 0;
	if (!s)
		return a / b;
	if ((__s64)b == -1)
		return -a;
	return (__u64)((__s64)a / (__s64)b);
}

static __u64 ref_mod64(__u64 a, __u64 b, bool s)
{
	if (!b)
		return a;
	if (s && (__s64)b == -1)
		return 0;
	return a - ref_div64(a, b, s) * b;
}

static __u32 ref_div32(__u32 a, __u32 b, bool s)
{
	if (!b)
		return 0;
	if (!s)
		return a / b;
	if ((__s32)b == -1)
		return -a;
	return (__u32)((__s32)a / (__s32)b);
}

static __u32 ref_mod32(__u32 a, __u32 b, bool s)
{
	if (!b)
		return a;
	if (!s)
		return a % b;
	if ((__s32)b == -1)
		return 0;
	return (__u32)((__s32)a % (__s32)b);
}

static __u64 ref_divmod(bool is64, bool mod, bool s, __u64 a, __u64 b)
{
	if (is64)
		return mod ? ref_mod64(a, b, s) : ref_div64(a, b, s);
	return mod ? ref_mod32(a, b, s) : ref_div32(a, b, s);
}

/*
 * Destination and source registers of the tables, r1 being the buffer:
 * the ones x86 division and shifts use themselves (r0 in rax, r3 in rdx,
 * r4 in rcx) in every role.
 */
static const __u8 reg_pairs[][2] = {
	{ 2, 3 }, { 0, 3 }, { 3, 0 }, { 4, 3 }, { 3, 4 }, { 0, 4 }, { 4, 0 }, { 5, 4 },
	{ 4, 5 }, { 0, 2 }, { 2, 0 },
};

/*
 * Each division and modulo, 32 and 64 bits, unsigned and signed, by a
 * register and by an immediate, of every pair of edge values: both
 * engines, and the interpreter's arithmetic.
 */
TEST(div_mod_edges)
{
	static struct script_insn p[10 * ARRAY_LEN(div_vals) * ARRAY_LEN(div_vals) + 2];
	unsigned int v = ARRAY_LEN(div_vals), n, k, q, slot, dr, sr;
	struct outcome o[2];
	__u64 *out, a, d;
	char what[64];

	if (!have_jit())
		SKIP(return, NO_JIT);
	ASSERT_EQ(0, arena_setup());
	/* k: 64 bits, modulo, signed; q: dividend, divisor, by register */
	for (k = 0; k < 8; k++) {
		bool is64 = k & 4, mod = k & 2, sgn = k & 1;
		__u8 code = (is64 ? SCRIPT_ALU64 : SCRIPT_ALU) | (mod ? SCRIPT_MOD : SCRIPT_DIV);

		n = 0;
		for (q = 0; q < 2 * v * v; q++) {
			a = div_vals[q / (2 * v)];
			d = div_vals[q / 2 % v];
			if (!(q & 1) && !(__s32)d)
				continue;
			dr = reg_pairs[q % ARRAY_LEN(reg_pairs)][0];
			sr = reg_pairs[q % ARRAY_LEN(reg_pairs)][1];
			p[n++] = LD_IMM64(dr, (__s32)a);
			p[n++] = LD_IMM64_HI(a >> 32);
			if (q & 1) {
				p[n++] = LD_IMM64(sr, (__s32)d);
				p[n++] = LD_IMM64_HI(d >> 32);
				p[n++] = I(code | SCRIPT_X, dr, sr, sgn, 0);
			} else {
				p[n++] = I(code | SCRIPT_K, dr, 0, sgn, (__s32)d);
			}
			p[n++] = STX(SCRIPT_DW, 1, dr, 8 * (q / 2 * 2 + (q & 1)));
		}
		p[n++] = MOV64_IMM(0, 0);
		p[n++] = EXIT;
		init_zero();
		snprintf(what, sizeof(what), "%s %s%s", is64 ? "alu64" : "alu32",
			 sgn ? "s" : "", mod ? "mod" : "div");
		diff_prog(_metadata, what, p, n, o);
		ASSERT_EQ(0, o[INTERP].ret);
		/* The interpreter's results against the arithmetic */
		out = (__u64 *)arena->out[INTERP].buf;
		for (q = 0; q < 2 * v * v; q++) {
			a = div_vals[q / (2 * v)];
			d = div_vals[q / 2 % v];
			slot = q / 2 * 2 + (q & 1);
			if (!(q & 1) && !(__s32)d)
				continue;
			if (!(q & 1))
				d = is64 ? (__u64)(__s64)(__s32)d : (__u32)d;
			EXPECT_EQ(ref_divmod(is64, mod, sgn, a, d), out[slot])
				TH_LOG("%s %#llx by %#llx (%s)", what, (unsigned long long)a,
				       (unsigned long long)d, q & 1 ? "reg" : "imm");
		}
	}
}

static const __u64 shift_vals[] = {
	1, 0x80, 0x8000, 0x80000000, 0xffffffff, 0x8000000000000000ULL, ~0ULL,
	0x0123456789abcdefULL, 0xfedcba9876543210ULL, 0x7fffffff80000001ULL,
};

/* Every shift of edge values by every count: in range, at and past the width. */
TEST(shifts)
{
	static const __u8 ops[] = { SCRIPT_LSH, SCRIPT_RSH, SCRIPT_ARSH };
	static struct script_insn p[8192];
	unsigned int n, a, k, op, cls, slot;
	struct outcome o[2];
	char what[64];

	if (!have_jit())
		SKIP(return, NO_JIT);
	ASSERT_EQ(0, arena_setup());
	for (cls = 0; cls < 2; cls++) {
		for (op = 0; op < ARRAY_LEN(ops); op++) {
			__u8 code = (cls ? SCRIPT_ALU64 : SCRIPT_ALU) | ops[op];
			unsigned int width = cls ? 64 : 32;

			n = 0;
			slot = 0;
			for (a = 0; a < ARRAY_LEN(shift_vals); a++) {
				for (k = 0; k < ARRAY_LEN(shift_counts); k++) {
					const __u8 *rp = reg_pairs[slot % ARRAY_LEN(reg_pairs)];

					p[n++] = LD_IMM64(rp[0], (__s32)shift_vals[a]);
					p[n++] = LD_IMM64_HI(shift_vals[a] >> 32);
					p[n++] = LD_IMM64(rp[1], (__s32)shift_counts[k]);
					p[n++] = LD_IMM64_HI(shift_counts[k] >> 32);
					p[n++] = I(code | SCRIPT_X, rp[0], rp[1], 0, 0);
					p[n++] = STX(SCRIPT_DW, 1, rp[0], 8 * slot++);
					/* The count register as the shifted one too */
					p[n++] = I(code | SCRIPT_X, rp[1], rp[1], 0, 0);
					p[n++] = STX(SCRIPT_DW, 1, rp[1], 8 * slot++);
				}
				for (k = 0; k < width; k++) {
					p[n++] = LD_IMM64(2, (__s32)shift_vals[a]);
					p[n++] = LD_IMM64_HI(shift_vals[a] >> 32);
					p[n++] = I(code | SCRIPT_K, 2, 0, 0, k);
					p[n++] = STX(SCRIPT_DW, 1, 2, 8 * slot++);
				}
			}
			p[n++] = MOV64_IMM(0, 0);
			p[n++] = EXIT;
			ASSERT_GE(ARRAY_LEN(p), n);
			ASSERT_GE(BUF_BYTES / 8, slot);
			init_zero();
			snprintf(what, sizeof(what), "%s shift 0x%02x", cls ? "alu64" : "alu32",
				 ops[op]);
			diff_prog(_metadata, what, p, n, o);
			EXPECT_EQ(0, o[INTERP].ret);
		}
	}
}

static const __s32 imm_vals[] = {
	0, 1, -1, 0x7f, 0x80, -0x80, 0x7fff, -0x8000, 0x7fffffff, INT32_MIN, -2, 0x12345678,
	(__s32)0x87654321,
};

/*
 * 64-bit immediates, the sign extension of 32-bit ones in every ALU and
 * jump operation, MOV with sign extension, the byte swaps.
 */
TEST(immediates_and_conversions)
{
	static const __u8 ops[] = {
		SCRIPT_ADD, SCRIPT_SUB, SCRIPT_MUL, SCRIPT_OR, SCRIPT_AND, SCRIPT_XOR,
		SCRIPT_MOV,
	};
	static struct script_insn p[8192];
	unsigned int n = 0, slot = 0, i, j, op, cls, w;
	struct outcome o[2];

	if (!have_jit())
		SKIP(return, NO_JIT);
	ASSERT_EQ(0, arena_setup());
	for (i = 0; i < ARRAY_LEN(imm_vals); i++) {
		for (j = 0; j < ARRAY_LEN(imm_vals); j++) {
			p[n++] = LD_IMM64(2, imm_vals[i]);
			p[n++] = LD_IMM64_HI(imm_vals[j]);
			p[n++] = STX(SCRIPT_DW, 1, 2, 8 * slot++);
		}
		for (cls = 0; cls < 2; cls++) {
			for (op = 0; op < ARRAY_LEN(ops); op++) {
				p[n++] = LD_IMM64(2, 0x5a5a5a5a);
				p[n++] = LD_IMM64_HI(0xa5a5a5a5);
				p[n++] = I((cls ? SCRIPT_ALU64 : SCRIPT_ALU) | ops[op] | SCRIPT_K,
					   2, 0, 0, imm_vals[i]);
				p[n++] = STX(SCRIPT_DW, 1, 2, 8 * slot++);
			}
			/* Jumps against the immediate: r2 = imm sign-extended, or not */
			for (op = 0; op < ARRAY_LEN(jmp_ops); op++) {
				__s32 imm = imm_vals[i];

				p[n++] = MOV64_IMM(0, 0);
				p[n++] = cls ? MOV64_IMM(2, imm) :
					 I(SCRIPT_ALU | SCRIPT_MOV | SCRIPT_K, 2, 0, 0, imm);
				p[n++] = I(SCRIPT_JMP | jmp_ops[op] | SCRIPT_K, 2, 0, 1, imm);
				p[n++] = ALU64_IMM(SCRIPT_OR, 0, 1);
				p[n++] = I(SCRIPT_JMP32 | jmp_ops[op] | SCRIPT_K, 2, 0, 1,
					   imm_vals[(i + op) % ARRAY_LEN(imm_vals)]);
				p[n++] = ALU64_IMM(SCRIPT_OR, 0, 2);
				p[n++] = STX(SCRIPT_B, 1, 0, 8 * slot++);
			}
		}
		/* MOVSX and the byte swaps of a value made of the immediate */
		for (w = 0; w < 8; w++) {
			static const struct { __u8 code; __s16 off; __s32 imm; } cv[] = {
				{ SCRIPT_ALU64 | SCRIPT_MOV | SCRIPT_X, 8, 0 },
				{ SCRIPT_ALU64 | SCRIPT_MOV | SCRIPT_X, 16, 0 },
				{ SCRIPT_ALU64 | SCRIPT_MOV | SCRIPT_X, 32, 0 },
				{ SCRIPT_ALU | SCRIPT_MOV | SCRIPT_X, 8, 0 },
				{ SCRIPT_ALU | SCRIPT_MOV | SCRIPT_X, 16, 0 },
				{ SCRIPT_ALU | SCRIPT_MOV | SCRIPT_X, 0, 0 },
				{ SCRIPT_ALU | SCRIPT_END | SCRIPT_TO_BE, 0, 16 },
				{ SCRIPT_ALU | SCRIPT_END | SCRIPT_TO_BE, 0, 32 },
			};

			p[n++] = LD_IMM64(3, imm_vals[i]);
			p[n++] = LD_IMM64_HI(~imm_vals[i]);
			if (SCRIPT_OP(cv[w].code) == SCRIPT_END) {
				p[n++] = MOV64_REG(2, 3);
				p[n++] = I(cv[w].code, 2, 0, 0, cv[w].imm);
			} else {
				p[n++] = I(cv[w].code, 2, 3, cv[w].off, 0);
			}
			p[n++] = STX(SCRIPT_DW, 1, 2, 8 * slot++);
		}
		for (w = 16; w <= 64; w *= 2) {
			static const __u8 sw[] = {
				SCRIPT_ALU | SCRIPT_END | SCRIPT_TO_LE,
				SCRIPT_ALU | SCRIPT_END | SCRIPT_TO_BE,
				SCRIPT_ALU64 | SCRIPT_END | SCRIPT_TO_LE,
			};

			for (op = 0; op < 3; op++) {
				p[n++] = LD_IMM64(2, imm_vals[i]);
				p[n++] = LD_IMM64_HI(0x0102030405060708ULL >> 32);
				p[n++] = I(sw[op], 2, 0, 0, w);
				p[n++] = STX(SCRIPT_DW, 1, 2, 8 * slot++);
			}
		}
	}
	p[n++] = MOV64_IMM(0, 0);
	p[n++] = EXIT;
	ASSERT_GE(ARRAY_LEN(p), n);
	ASSERT_GE(BUF_BYTES / 8, slot);
	init_zero();
	diff_prog(_metadata, "immediates", p, n, o);
	EXPECT_EQ(0, o[INTERP].ret);
}

static const __u64 cmp_vals[] = {
	0, 1, -1ULL, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ULL, 0x8000000000000000ULL,
	0x7fffffffffffffffULL, 0xffffffff00000001ULL,
};

/* Every condition of JMP and JMP32, X and K, on every pair of edge values */
TEST(jump_conditions)
{
	static struct script_insn p[8192];
	unsigned int n, slot, a, b, op, cls, x;
	struct outcome o[2];
	char what[64];

	if (!have_jit())
		SKIP(return, NO_JIT);
	ASSERT_EQ(0, arena_setup());
	for (cls = 0; cls < 2; cls++) {
		for (x = 0; x < 2; x++) {
			n = 0;
			slot = 0;
			for (a = 0; a < ARRAY_LEN(cmp_vals); a++) {
				p[n++] = LD_IMM64(2, (__s32)cmp_vals[a]);
				p[n++] = LD_IMM64_HI(cmp_vals[a] >> 32);
				for (b = 0; b < ARRAY_LEN(cmp_vals); b++) {
					p[n++] = LD_IMM64(3, (__s32)cmp_vals[b]);
					p[n++] = LD_IMM64_HI(cmp_vals[b] >> 32);
					for (op = 0; op < ARRAY_LEN(jmp_ops); op++) {
						__u8 code = (cls ? SCRIPT_JMP32 : SCRIPT_JMP) |
							    jmp_ops[op] | (x ? SCRIPT_X : SCRIPT_K);

						p[n++] = MOV64_IMM(0, 1);
						p[n++] = I(code, 2, x ? 3 : 0, 1,
							   x ? 0 : (__s32)cmp_vals[b]);
						p[n++] = MOV64_IMM(0, 2);
						p[n++] = STX(SCRIPT_B, 1, 0, slot++);
					}
				}
			}
			p[n++] = MOV64_IMM(0, 0);
			p[n++] = EXIT;
			ASSERT_GE(ARRAY_LEN(p), n);
			init_zero();
			snprintf(what, sizeof(what), "%s %s", cls ? "jmp32" : "jmp", x ? "x" : "k");
			diff_prog(_metadata, what, p, n, o);
			EXPECT_EQ(0, o[INTERP].ret);
		}
	}
}

/*
 * Every load and store size at each of the last bytes before a page that
 * cannot be read or written: the buffer before the read-only page, that
 * page before a hole, the far page before the second hole.  An access
 * that crosses faults, as one wholly past the end, at its pc, with a
 * store before it done and nothing after.
 */
TEST(access_at_page_ends)
{
	static const __u8 sizes[] = { SCRIPT_B, SCRIPT_H, SCRIPT_W, SCRIPT_DW };
	static const long ends[] = { OFF_RO, OFF_HOLE, OFF_HOLE2 };
	unsigned int s, kind, e, d, runs = 0;
	struct outcome o[2];
	char what[96];

	if (!have_jit())
		SKIP(return, NO_JIT);
	ASSERT_EQ(0, arena_setup());
	for (s = 0; s < 4; s++) {
		int sz = size_bytes(sizes[s]);

		for (kind = 0; kind < 4; kind++) {
			if (kind == 1 && sizes[s] == SCRIPT_DW)
				continue;
			for (e = 0; e < ARRAY_LEN(ends); e++) {
				for (d = 0; d < (unsigned int)sz + 3; d++) {
					long off = ends[e] - sz - 2 + d;
					bool store = kind >= 2, fault;
					struct script_insn p[] = {
						MOV64_IMM(0, 7),
						LD_IMM64(3, 0x55667788), LD_IMM64_HI(0x11223344),
						ST(SCRIPT_DW, 1, 0, 0x1234),
						/* 4: the access, r0 = what it loaded */
						LDX(sizes[s], 0, 1, off),
						ST(SCRIPT_DW, 1, 8, 0x5678),
						EXIT,
					};

					if (kind == 1)
						p[4] = LDSX(sizes[s], 0, 1, off);
					else if (kind == 2)
						p[4] = ST(sizes[s], 1, off, -2);
					else if (kind == 3)
						p[4] = STX(sizes[s], 1, 3, off);
					/*
					 * Loads fault past the read-only page, stores
					 * past the buffer and in the read-only page.
					 */
					if (ends[e] == OFF_RO)
						fault = store && off + sz > OFF_RO;
					else if (ends[e] == OFF_HOLE)
						fault = store || off + sz > OFF_HOLE;
					else
						fault = off + sz > ends[e];
					init_zero();
					memset(arena->init.far, 0x9c, PAGE);
					memset(arena->init.buf, 0x81, BUF_BYTES);
					snprintf(what, sizeof(what), "sz %d kind %u %ld-%ld", sz,
						 kind, ends[e], ends[e] - off);
					diff_prog(_metadata, what, p, ARRAY_LEN(p), o);
					EXPECT_EQ(fault ? -EFAULT : 0, o[JIT].ret)
						TH_LOG("%s", what);
					if (fault) {
						EXPECT_EQ(4, o[JIT].pc) TH_LOG("%s", what);
						EXPECT_EQ(3, o[JIT].steps) TH_LOG("%s", what);
					}
					runs++;
				}
			}
		}
	}
	TH_LOG("%u accesses", runs);
}

/*
 * Loops that run off the end of what they may access: stores from the
 * buffer into the read-only page, loads from it into the hole.
 */
TEST(fault_inside_a_loop)
{
	static const struct script_insn stores[] = {
		MOV64_REG(2, 1),
		ALU64_IMM(SCRIPT_ADD, 2, OFF_RO - 8 * 20 - 4),
		MOV64_IMM(3, 0),
		/* 3: */
		STX(SCRIPT_DW, 2, 3, 0),
		ALU64_IMM(SCRIPT_ADD, 2, 8),
		ALU64_IMM(SCRIPT_ADD, 3, 1),
		JA(-4),
		EXIT,
	};
	static const struct script_insn loads[] = {
		MOV64_REG(2, 1),
		ALU64_IMM(SCRIPT_ADD, 2, OFF_RO),
		MOV64_IMM(3, 0),
		MOV64_IMM(0, 0),
		/* 4: */
		LDX(SCRIPT_W, 4, 2, 0),
		ALU64_REG(SCRIPT_ADD, 0, 4),
		STX(SCRIPT_DW, 1, 0, 0),
		ALU64_IMM(SCRIPT_ADD, 2, 4),
		ALU64_IMM(SCRIPT_ADD, 3, 1),
		I(SCRIPT_JMP32 | SCRIPT_JA, 0, 0, 0, -6),
		EXIT,
	};
	struct outcome o[2];

	if (!have_jit())
		SKIP(return, NO_JIT);
	ASSERT_EQ(0, arena_setup());
	init_zero();
	diff_prog(_metadata, "stores into the read-only page", stores, ARRAY_LEN(stores), o);
	EXPECT_EQ(-EFAULT, o[JIT].ret);
	EXPECT_EQ(3, o[JIT].pc);
	EXPECT_EQ(3 + 4 * 20, o[JIT].steps);
	init_zero();
	diff_prog(_metadata, "loads into the hole", loads, ARRAY_LEN(loads), o);
	EXPECT_EQ(-EFAULT, o[JIT].ret);
	EXPECT_EQ(4, o[JIT].pc);
	EXPECT_EQ(4 + 6 * (PAGE / 4), o[JIT].steps);
}

/*
 * A small program with a loop, a subprogram, an op and an LD_IMM64, run
 * by each engine with every budget from 1 to past its end: the same
 * -ETIME, pc, steps and memory at each.
 */
TEST(budget_at_every_step)
{
	static const struct script_insn prog[] = {
		MOV64_REG(6, 1),
		LD_IMM64(7, 0x11112222), LD_IMM64_HI(0x33334444),
		MOV64_IMM(8, 5),
		/* 4: loop */
		STX(SCRIPT_DW, 6, 8, 0),
		ALU64_REG(SCRIPT_ADD, 7, 8),
		STX(SCRIPT_DW, 6, 7, 8),
		MOV64_REG(1, 6),
		MOV64_IMM(2, 8),
		CALL_REL(10),
		STX(SCRIPT_DW, 6, 0, 16),
		ALU64_IMM(SCRIPT_SUB, 8, 1),
		JMP_IMM(SCRIPT_JNE, 8, 0, -9),
		/* the op: memchr(r6, 'x', 64) */
		MOV64_REG(1, 6),
		MOV64_IMM(2, 'x'),
		MOV64_IMM(3, 64),
		CALL_OP(SCRIPT_OP_MEMCHR),
		ALU64_REG(SCRIPT_ADD, 0, 7),
		STX(SCRIPT_DW, 6, 0, 24),
		EXIT,
		/* 20: sub(p, n): p[4 + n] = n * 3 via its frame; returns n << 2 */
		MOV64_REG(0, 2),
		ALU64_IMM(SCRIPT_MUL, 0, 3),
		STX(SCRIPT_DW, 10, 0, -8),
		LDX(SCRIPT_DW, 3, 10, -8),
		STX(SCRIPT_B, 1, 3, 40),
		ALU64_IMM(SCRIPT_LSH, 2, 2),
		MOV64_REG(0, 2),
		EXIT,
	};
	struct cfg c = { .args = { 0 }, .stack_size = STACK_BYTES };
	struct outcome o[2];
	int fds[2], err;
	__u64 total, b;
	char what[64];

	if (!have_jit())
		SKIP(return, NO_JIT);
	ASSERT_EQ(0, arena_setup());
	init_zero();
	memcpy(arena->init.buf + 50, "x", 1);
	c.args[0] = (uintptr_t)arena->base;
	err = load_both(_metadata, prog, ARRAY_LEN(prog), fds);
	ASSERT_EQ(0, err) TH_LOG("%s", strerror(-err));
	ASSERT_EQ(0, run_both(_metadata, "no budget", fds, &c, o));
	ASSERT_EQ(0, o[INTERP].ret);
	total = o[INTERP].steps;
	for (b = 1; b <= total + 1; b++) {
		c.max_steps = b;
		c.state = b & 1;
		snprintf(what, sizeof(what), "budget %llu", (unsigned long long)b);
		EXPECT_EQ(0, run_both(_metadata, what, fds, &c, o));
		EXPECT_EQ(b < total ? -ETIME : 0, o[JIT].ret) TH_LOG("%s", what);
		EXPECT_EQ(b < total ? b : total, o[JIT].steps) TH_LOG("%s", what);
	}
	close_both(fds);
}

/*
 * The largest program, SCRIPT_MAXINSNS instructions: a block of most of
 * them, a forward jump as far as a jump's offset reaches, and a gotol
 * across the whole program back to near its start; run to its end and
 * cut by budgets along the way.
 */
TEST(largest_program)
{
	static struct script_insn p[SCRIPT_MAXINSNS];
	struct cfg c = { .stack_size = STACK_BYTES };
	unsigned int n = SCRIPT_MAXINSNS, i;
	struct outcome o[2];
	int fds[2], err, k;
	__u64 total;
	char what[64];

	if (!have_jit())
		SKIP(return, NO_JIT);
	ASSERT_EQ(0, arena_setup());
	p[0] = MOV64_IMM(6, 2);
	p[1] = MOV64_IMM(0, 0);
	/* The second turn skips the first half. */
	p[2] = I(SCRIPT_JMP | SCRIPT_JEQ | SCRIPT_K, 6, 0, 32767, 1);
	for (i = 3; i < n - 4; i++) {
		if (i % 64 == 0)
			p[i] = STX(SCRIPT_DW, 1, 0, 8 * (i / 64 % (BUF_BYTES / 8)));
		else if (i % 2)
			p[i] = ALU64_IMM(SCRIPT_MUL, 0, 3);
		else
			p[i] = ALU64_IMM(SCRIPT_ADD, 0, i);
	}
	p[n - 4] = ALU64_IMM(SCRIPT_SUB, 6, 1);
	p[n - 3] = JMP_IMM(SCRIPT_JEQ, 6, 0, 1);
	p[n - 2] = I(SCRIPT_JMP32 | SCRIPT_JA, 0, 0, 0, 2 - (int)(n - 2) - 1);
	p[n - 1] = EXIT;
	init_zero();
	c.args[0] = (uintptr_t)arena->base;
	err = load_both(_metadata, p, n, fds);
	if (err)
		log_rejection(_metadata, p, n);
	ASSERT_EQ(0, err) TH_LOG("%s", strerror(-err));
	ASSERT_EQ(0, run_both(_metadata, "the whole run", fds, &c, o));
	ASSERT_EQ(0, o[INTERP].ret);
	total = o[INTERP].steps;
	for (k = 1; k <= 16; k++) {
		c.max_steps = total * k / 17 + k;
		snprintf(what, sizeof(what), "budget %llu", (unsigned long long)c.max_steps);
		EXPECT_EQ(0, run_both(_metadata, what, fds, &c, o));
		EXPECT_EQ(-ETIME, o[JIT].ret);
	}
	close_both(fds);
}

/* --- signals in compiled code ------------------------------------------ */

/* count_prog of signal_test.c: see there */
#define COUNT_N		2000000ULL
/* Compiled code runs it ~10 times faster than the interpreter: longer. */
#define BIG_N		(16 * COUNT_N)
#define TICK_US		4000
#define STALL_US	100000
#define POLL_US		1000
#define POLL_TRIES	10000
#define KILL_WAIT_S	10
#define IMM64		0x7f4a7c151e3779b9ULL
#define OP_PC		7
#define CALL_PC		10
#define RET_PC		11
#define SUB_PC		14
#define LOOP_PC		17
#define LOOP_END	23
#define STEPS_AT_OP		6
#define STEPS_AT_CALL		9
#define STEPS_AT_LOOP(done)	(13 + 7 * (done))

static const struct script_insn count_prog[] = {
	MOV64_REG(6, 1),
	MOV64_REG(7, 2),
	LD_IMM64(8, (__s32)(IMM64 & 0xffffffff)), LD_IMM64_HI(IMM64 >> 32),
	MOV64_REG(1, 6),
	MOV64_REG(2, 6),
	MOV64_IMM(3, 0),
	CALL_OP(SCRIPT_OP_MEMCPY),
	MOV64_REG(1, 6),
	MOV64_REG(2, 7),
	CALL_REL(SUB_PC - CALL_PC - 1),
	ALU64_REG(SCRIPT_ADD, 0, 8),
	ALU64_REG(SCRIPT_XOR, 0, 7),
	EXIT,
	/* sub */
	MOV64_IMM(0, 0),
	MOV64_IMM(7, 0),
	MOV64_IMM(8, 0),
	LDX(SCRIPT_DW, 3, 1, 0),
	ALU64_IMM(SCRIPT_ADD, 3, 1),
	STX(SCRIPT_DW, 1, 3, 0),
	ALU64_IMM(SCRIPT_MUL, 0, 31),
	ALU64_REG(SCRIPT_ADD, 0, 3),
	ALU64_IMM(SCRIPT_SUB, 2, 1),
	JMP_IMM(SCRIPT_JNE, 2, 0, LOOP_PC - LOOP_END - 1),
	EXIT,
};

struct shared {
	__u64 counter;
	__u64 after;
	int done;
	int ret;
	int jit;		/* the child's program was compiled */
	__u64 retval;
	__u64 steps;
};

static struct shared *shared_map(void)
{
	struct shared *sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return sh == MAP_FAILED ? NULL : sh;
}

static __u64 counter_of(struct shared *sh)
{
	return __atomic_load_n(&sh->counter, __ATOMIC_RELAXED);
}

static __u64 count_retval(__u64 n)
{
	__u64 h = 0, i;

	for (i = 1; i <= n; i++)
		h = h * 31 + i;
	return (h + IMM64) ^ n;
}

static int do_run(struct script_attr *attr)
{
	return sys_script(SCRIPT_RUN_FD, attr, sizeof(*attr)) ? -errno : 0;
}

static void count_attr(struct script_attr *attr, int fd, __u64 *counter, __u64 n,
		       struct script_state *st)
{
	memset(attr, 0, sizeof(*attr));
	attr->prog_fd = fd;
	attr->args[0] = (uintptr_t)counter;
	attr->args[1] = n;
	script_attr_stack(attr);
	if (st) {
		attr->state = (uintptr_t)st;
		attr->state_size = sizeof(*st);
	}
}

/* A state count_prog parked, consistent with @counter: see signal_test.c */
static void check_parked(struct __test_metadata *_metadata, const struct script_state *st,
			 const struct script_attr *attr, __u64 counter)
{
	__u64 top = attr->stack + attr->stack_size, n = attr->args[1], done, h = 0, i;
	const struct script_frame *f = &st->frames[0];

	ASSERT_EQ(SCRIPT_STATE_PARKED, st->status);
	ASSERT_EQ(0, st->__pad);
	if (!st->depth) {
		ASSERT_EQ(0, counter);
		ASSERT_TRUE(st->pc == OP_PC || st->pc == CALL_PC);
		ASSERT_EQ(st->pc == OP_PC ? STEPS_AT_OP : STEPS_AT_CALL, st->steps);
		ASSERT_EQ(IMM64, st->regs[8]);
		ASSERT_EQ(top, st->regs[10]);
		return;
	}
	ASSERT_EQ(1, st->depth);
	ASSERT_EQ(LOOP_PC, st->pc);
	done = n - st->regs[2];
	ASSERT_EQ(done, counter);
	ASSERT_EQ(STEPS_AT_LOOP(done), st->steps);
	for (i = 1; i <= done; i++)
		h = h * 31 + i;
	ASSERT_EQ(h, st->regs[0]);
	ASSERT_EQ(attr->args[0], st->regs[1]);
	ASSERT_EQ(done, st->regs[3]);
	ASSERT_EQ(0, st->regs[7]);
	ASSERT_EQ(0, st->regs[8]);
	ASSERT_EQ(top - SCRIPT_FRAME_SIZE, st->regs[10]);
	ASSERT_EQ(RET_PC, f->ret);
	ASSERT_EQ(attr->args[0], f->regs[0]);
	ASSERT_EQ(n, f->regs[1]);
	ASSERT_EQ(IMM64, f->regs[2]);
	ASSERT_EQ(top, f->regs[4]);
	for (i = 1; i < SCRIPT_MAX_CALL_DEPTH; i++)
		ASSERT_EQ(0, st->frames[i].ret);
}

static int load_count(int engine)
{
	return load_flags(count_prog, ARRAY_LEN(count_prog),
			  engine == INTERP ? SCRIPT_F_INTERP : 0);
}

/*
 * Parks count_prog in its loop under engine @park with ticks of a handler
 * without SA_RESTART, checks the state, and finishes the run under
 * engine @resume: the same end as the uninterrupted run.
 */
static void park_resume(struct __test_metadata *_metadata, int park, int resume)
{
	struct script_state st = { };
	struct script_attr attr;
	__u64 counter = 0;
	int fds[2], ret, i;

	fds[INTERP] = load_count(INTERP);
	fds[JIT] = load_count(JIT);
	ASSERT_LE(0, fds[INTERP]);
	ASSERT_LE(0, fds[JIT]);
	ASSERT_TRUE(engine_is(fds[JIT], "jit"));
	count_attr(&attr, fds[park], &counter, COUNT_N, &st);
	ASSERT_EQ(0, tick(TICK_US));
	for (i = 0; i < 100; i++) {
		ret = do_run(&attr);
		if (ret != -EINTR || st.depth)
			break;
	}
	tick(0);
	ASSERT_EQ(-EINTR, ret) TH_LOG("the run was not interrupted: %s", strerror(-ret));
	check_parked(_metadata, &st, &attr, counter);
	TH_LOG("parked by %s after %llu turns", engine_name[park],
	       (unsigned long long)counter);
	attr.prog_fd = fds[resume];
	ret = do_run(&attr);
	EXPECT_EQ(0, ret) TH_LOG("%s", strerror(-ret));
	EXPECT_EQ(count_retval(COUNT_N), attr.retval);
	EXPECT_EQ(STEPS_AT_LOOP(COUNT_N) + 4, attr.steps);
	EXPECT_EQ(COUNT_N, counter);
	EXPECT_EQ(SCRIPT_STATE_NONE, st.status);
	close_both(fds);
}

TEST(park_compiled_resume_compiled)
{
	if (!have_jit())
		SKIP(return, NO_JIT);
	park_resume(_metadata, JIT, JIT);
}

TEST(park_compiled_resume_interpreted)
{
	if (!have_jit())
		SKIP(return, NO_JIT);
	park_resume(_metadata, JIT, INTERP);
}

TEST(park_interpreted_resume_compiled)
{
	if (!have_jit())
		SKIP(return, NO_JIT);
	park_resume(_metadata, INTERP, JIT);
}

/*
 * Many parks, each resumed by the other engine in turn, then SA_RESTART
 * ticks the compiled run never sees: the uninterrupted run's end.
 */
TEST(parks_alternate_engines)
{
	struct script_state st = { };
	struct script_attr attr;
	struct sigaction sa = { .sa_handler = on_tick, .sa_flags = SA_RESTART };
	__u64 counter = 0;
	int fds[2], ret, parks = 0, e = JIT;

	if (!have_jit())
		SKIP(return, NO_JIT);
	fds[INTERP] = load_count(INTERP);
	fds[JIT] = load_count(JIT);
	ASSERT_LE(0, fds[INTERP]);
	ASSERT_LE(0, fds[JIT]);
	count_attr(&attr, fds[e], &counter, COUNT_N, &st);
	ASSERT_EQ(0, tick(TICK_US));
	for (;;) {
		attr.prog_fd = fds[e];
		ret = do_run(&attr);
		if (ret != -EINTR)
			break;
		check_parked(_metadata, &st, &attr, counter);
		parks++;
		e = !e;
	}
	tick(0);
	TH_LOG("%d parks", parks);
	EXPECT_EQ(0, ret) TH_LOG("%s", strerror(-ret));
	EXPECT_EQ(count_retval(COUNT_N), attr.retval);
	EXPECT_EQ(STEPS_AT_LOOP(COUNT_N) + 4, attr.steps);
	EXPECT_EQ(COUNT_N, counter);
	EXPECT_LT(0, parks);

	counter = 0;
	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	ASSERT_EQ(0, setitimer(ITIMER_REAL, &(struct itimerval){ { 0, TICK_US }, { 0, TICK_US } },
			       NULL));
	attr.prog_fd = fds[JIT];
	ret = do_run(&attr);
	tick(0);
	EXPECT_EQ(0, ret) TH_LOG("%s", strerror(-ret));
	EXPECT_EQ(count_retval(COUNT_N), attr.retval);
	EXPECT_EQ(STEPS_AT_LOOP(COUNT_N) + 4, attr.steps);
	EXPECT_EQ(COUNT_N, counter);
	close_both(fds);
}

/* A child runs count_prog compiled, by fd, with a state area, and reports. */
static pid_t spawn_count(struct shared *sh, int fd, __u64 n)
{
	pid_t pid = fork();

	if (!pid) {
		struct script_state st = { };
		struct script_attr attr;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		count_attr(&attr, fd, &sh->counter, n, &st);
		sh->ret = do_run(&attr);
		sh->retval = attr.retval;
		sh->steps = attr.steps;
		__atomic_store_n(&sh->done, 1, __ATOMIC_RELEASE);
		_exit(0);
	}
	return pid;
}

static void wait_counting(struct __test_metadata *_metadata, struct shared *sh)
{
	int i;

	for (i = 0; i < POLL_TRIES && !counter_of(sh); i++)
		usleep(POLL_US);
	ASSERT_NE(0, counter_of(sh)) TH_LOG("the run never started");
	ASSERT_EQ(0, __atomic_load_n(&sh->done, __ATOMIC_ACQUIRE))
		TH_LOG("the run ended before it could be stopped");
}

TEST(sigstop_sigcont_of_compiled_code)
{
	struct shared *sh = shared_map();
	int fd, status;
	__u64 c;
	pid_t pid;

	if (!have_jit())
		SKIP(return, NO_JIT);
	ASSERT_NE(NULL, sh);
	fd = load_count(JIT);
	ASSERT_LE(0, fd);
	ASSERT_TRUE(engine_is(fd, "jit"));
	pid = spawn_count(sh, fd, BIG_N);
	ASSERT_LE(0, pid);
	wait_counting(_metadata, sh);
	ASSERT_EQ(0, kill(pid, SIGSTOP));
	ASSERT_EQ(pid, waitpid(pid, &status, WUNTRACED));
	ASSERT_TRUE(WIFSTOPPED(status));
	c = counter_of(sh);
	usleep(STALL_US);
	EXPECT_EQ(c, counter_of(sh)) TH_LOG("the counter moved while the process was stopped");
	EXPECT_GT(BIG_N, c);
	ASSERT_EQ(0, kill(pid, SIGCONT));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(1, sh->done);
	EXPECT_EQ(0, sh->ret);
	EXPECT_EQ(count_retval(BIG_N), sh->retval);
	EXPECT_EQ(STEPS_AT_LOOP(BIG_N) + 4, sh->steps);
	EXPECT_EQ(BIG_N, counter_of(sh));
	close(fd);
}

static void on_alarm(int sig)
{
}

struct runner {
	int fd;
	__u64 n;
	__u64 counter;
	__u64 stack[2 * SCRIPT_FRAME_SIZE / 8];
	int bad;
};

static void *runner_fn(void *arg)
{
	struct runner *t = arg;
	__u64 want = count_retval(t->n);
	int i;

	for (i = 0; i < 50; i++) {
		struct script_attr attr = { .prog_fd = t->fd };

		t->counter = 0;
		attr.args[0] = (uintptr_t)&t->counter;
		attr.args[1] = t->n;
		attr.stack = (uintptr_t)t->stack;
		attr.stack_size = sizeof(t->stack);
		if (do_run(&attr) || attr.retval != want || t->counter != t->n ||
		    attr.steps != STEPS_AT_LOOP(t->n) + 4)
			t->bad++;
	}
	return NULL;
}

/* Threads run one compiled program at once, each on its own memory. */
TEST(threads_share_compiled_code)
{
	struct runner t[4];
	pthread_t th[4];
	unsigned int i;
	int fd;

	if (!have_jit())
		SKIP(return, NO_JIT);
	fd = load_count(JIT);
	ASSERT_LE(0, fd);
	ASSERT_TRUE(engine_is(fd, "jit"));
	for (i = 0; i < 4; i++) {
		memset(&t[i], 0, sizeof(t[i]));
		t[i].fd = fd;
		t[i].n = 1000 + 77 * i;
		ASSERT_EQ(0, pthread_create(&th[i], NULL, runner_fn, &t[i]));
	}
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, pthread_join(th[i], NULL));
		EXPECT_EQ(0, t[i].bad) TH_LOG("thread %u", i);
	}
	close(fd);
}

/* An endless compiled loop, with and without a state area, ends at SIGKILL. */
TEST(sigkill_ends_an_endless_compiled_loop)
{
	static const struct script_insn loop[] = {
		MOV64_IMM(2, 0),
		ALU64_IMM(SCRIPT_ADD, 2, 1),
		STX(SCRIPT_DW, 1, 2, 0),
		JA(-3),
		EXIT,
	};
	struct sigaction sa = { .sa_handler = on_alarm };
	struct shared *sh = shared_map();
	int fd, status, with_state;
	pid_t pid, r;

	if (!have_jit())
		SKIP(return, NO_JIT);
	ASSERT_NE(NULL, sh);
	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	fd = load_flags(loop, ARRAY_LEN(loop), 0);
	ASSERT_LE(0, fd);
	ASSERT_TRUE(engine_is(fd, "jit"));
	for (with_state = 0; with_state < 2; with_state++) {
		sh->counter = 0;
		sh->done = 0;
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid) {
			struct script_state st = { };
			struct script_attr attr = { .prog_fd = fd };

			prctl(PR_SET_PDEATHSIG, SIGKILL);
			attr.args[0] = (uintptr_t)&sh->counter;
			if (with_state) {
				attr.state = (uintptr_t)&st;
				attr.state_size = sizeof(st);
			}
			sh->ret = do_run(&attr);
			sh->done = 1;
			_exit(0);
		}
		wait_counting(_metadata, sh);
		ASSERT_EQ(0, kill(pid, SIGKILL));
		alarm(KILL_WAIT_S);
		r = waitpid(pid, &status, 0);
		alarm(0);
		ASSERT_EQ(pid, r) TH_LOG("SIGKILL did not end the run in %d s", KILL_WAIT_S);
		ASSERT_TRUE(WIFSIGNALED(status));
		EXPECT_EQ(SIGKILL, WTERMSIG(status));
		EXPECT_EQ(0, sh->done);
	}
	close(fd);
}

/*
 * A seccomp filter that kills the thread for getpid, the op a compiled
 * program calls after a loop: the child dies of SIGSYS at the op, and the
 * store after it never happens.
 */
TEST(seccomp_kill_thread_at_a_compiled_op)
{
	static const struct script_insn prog[] = {
		MOV64_REG(6, 1),
		MOV64_IMM(7, 1000),
		/* 2: */
		LDX(SCRIPT_DW, 2, 6, 0),
		ALU64_IMM(SCRIPT_ADD, 2, 1),
		STX(SCRIPT_DW, 6, 2, 0),
		ALU64_IMM(SCRIPT_SUB, 7, 1),
		JMP_IMM(SCRIPT_JNE, 7, 0, -5),
		CALL_OP(SCRIPT_OP_GETPID),
		ST(SCRIPT_DW, 6, 8, 1),
		MOV64_IMM(0, 0),
		EXIT,
	};
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_getpid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_THREAD),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog fprog = { .len = ARRAY_LEN(filter), .filter = filter };
	struct shared *sh = shared_map();
	int fd, status;
	pid_t pid;

	if (!have_jit())
		SKIP(return, NO_JIT);
	ASSERT_NE(NULL, sh);
	fd = load_flags(prog, ARRAY_LEN(prog), 0);
	ASSERT_LE(0, fd);
	ASSERT_TRUE(engine_is(fd, "jit"));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct script_attr attr = { .prog_fd = fd };

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
		    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog))
			_exit(2);
		attr.args[0] = (uintptr_t)sh;
		sh->ret = do_run(&attr);
		sh->done = 1;
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFSIGNALED(status)) TH_LOG("status %#x", status);
	EXPECT_EQ(SIGSYS, WTERMSIG(status));
	EXPECT_EQ(1000, sh->counter);
	EXPECT_EQ(0, sh->after) TH_LOG("the store after the op happened");
	EXPECT_EQ(0, sh->done);
	close(fd);
}

/* --- flags and sysctls ------------------------------------------------- */

/* SCRIPT_F_INTERP: LOAD and RUN take it; RUN_FD, VERIFY and other bits are -EINVAL. */
TEST(interp_flag_is_for_load_and_run)
{
	static const struct script_insn prog[] = { MOV64_IMM(0, 42), EXIT };
	static const __u64 bad[] = { 1ULL << 1, 1ULL << 31, 1ULL << 63, SCRIPT_F_INTERP | 2 };
	struct script_attr attr = { };
	unsigned int i;
	int fd;

	probe_jit();
	if (!interp_flag)
		SKIP(return, "this kernel has no SCRIPT_F_INTERP");
	fd = load_flags(prog, ARRAY_LEN(prog), SCRIPT_F_INTERP);
	ASSERT_LE(0, fd);
	EXPECT_TRUE(engine_is(fd, "interp"));

	attr.flags = SCRIPT_F_INTERP;
	ASSERT_EQ(0, script_run(&attr, prog, ARRAY_LEN(prog)));
	EXPECT_EQ(42, attr.retval);

	memset(&attr, 0, sizeof(attr));
	attr.flags = SCRIPT_F_INTERP;
	attr.prog_fd = fd;
	EXPECT_EQ(-1, sys_script(SCRIPT_RUN_FD, &attr, sizeof(attr)));
	EXPECT_EQ(EINVAL, errno);

	memset(&attr, 0, sizeof(attr));
	attr.flags = SCRIPT_F_INTERP;
	script_attr_prog(&attr, prog, ARRAY_LEN(prog));
	EXPECT_EQ(-1, sys_script(SCRIPT_VERIFY, &attr, sizeof(attr)));
	EXPECT_EQ(EINVAL, errno);

	for (i = 0; i < ARRAY_LEN(bad); i++) {
		EXPECT_EQ(-EINVAL, load_flags(prog, ARRAY_LEN(prog), bad[i]));
		memset(&attr, 0, sizeof(attr));
		attr.flags = bad[i];
		EXPECT_EQ(-EINVAL, script_run(&attr, prog, ARRAY_LEN(prog)));
	}
	close(fd);
}

/* Drops CAP_SYS_ADMIN from the effective set, staying uid 0: 0 or -errno. */
static int drop_sys_admin(void)
{
	return sys_admin(false);
}

/* -errno of writing @val to @path from a child: without CAP_SYS_ADMIN, or as nobody */
static int child_write(const char *path, const char *val, bool nobody)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (!pid) {
		if (nobody ? setresuid(65534, 65534, 65534) : drop_sys_admin())
			_exit(200);
		_exit(-write_file(path, val));
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -ECHILD;
	return -WEXITSTATUS(status);
}

static int read_int(const char *path, long long *val)
{
	char buf[32];
	int err = read_file(path, buf, sizeof(buf));

	if (err)
		return err;
	*val = atoll(buf);
	return 0;
}

FIXTURE(sysctl) {
	char jit[16];
	char limit[32];
	bool saved;
};

FIXTURE_SETUP(sysctl)
{
	self->saved = false;
	if (read_file(JIT_SYSCTL, self->jit, sizeof(self->jit)))
		SKIP(return, "no kernel.script_jit");
	ASSERT_EQ(0, read_file(LIMIT_SYSCTL, self->limit, sizeof(self->limit)));
	self->saved = true;
}

FIXTURE_TEARDOWN(sysctl)
{
	if (!self->saved)
		return;
	EXPECT_EQ(0, write_file(LIMIT_SYSCTL, self->limit));
	EXPECT_EQ(0, write_file(JIT_SYSCTL, self->jit));
}

/* 0, 1 and 2 are taken from CAP_SYS_ADMIN only; SCRIPT_PROBE_JIT follows. */
TEST_F(sysctl, script_jit_values)
{
	static const struct script_insn prog[] = { MOV64_IMM(0, 1), EXIT };
	struct script_probe p;
	long long val;
	char err[32];
	int v, fd;

	if (write_file(JIT_SYSCTL, "1") == -EINVAL) {
		/* A kernel without the compiler: 0 alone */
		EXPECT_EQ(0, write_file(JIT_SYSCTL, "0"));
		EXPECT_EQ(-EINVAL, write_file(JIT_SYSCTL, "2"));
		SKIP(return, "kernel.script_jit takes only 0: no compiler");
	}
	for (v = 0; v <= 2; v++) {
		char s[4];

		snprintf(s, sizeof(s), "%d", v);
		ASSERT_EQ(0, write_file(JIT_SYSCTL, s));
		ASSERT_EQ(0, read_int(JIT_SYSCTL, &val));
		EXPECT_EQ(v, val);
		memset(&p, 0, sizeof(p));
		ASSERT_EQ(0, sys_script(SCRIPT_PROBE, &p, sizeof(p)));
		EXPECT_EQ(v ? SCRIPT_PROBE_JIT : 0, p.flags & SCRIPT_PROBE_JIT) TH_LOG("jit=%d", v);
		fd = load_flags(prog, ARRAY_LEN(prog), 0);
		ASSERT_LE(0, fd);
		EXPECT_TRUE(engine_is(fd, v ? "jit" : "interp")) TH_LOG("jit=%d", v);
		fdinfo_value(fd, "script-jit-error", err, sizeof(err));
		EXPECT_STREQ("", err) TH_LOG("jit=%d", v);
		close(fd);
	}
	EXPECT_EQ(-EINVAL, write_file(JIT_SYSCTL, "3"));
	EXPECT_EQ(-EINVAL, write_file(JIT_SYSCTL, "-1"));
	EXPECT_EQ(0, read_int(JIT_SYSCTL, &val));
	EXPECT_EQ(2, val);
	EXPECT_EQ(-EPERM, child_write(JIT_SYSCTL, "1", false));
	EXPECT_EQ(-EACCES, child_write(JIT_SYSCTL, "1", true));
	EXPECT_EQ(-EPERM, child_write(LIMIT_SYSCTL, "65536", false));
	EXPECT_EQ(0, read_int(JIT_SYSCTL, &val));
	EXPECT_EQ(2, val);
}

/*
 * load_flags(), waiting while the code limit is reached: code is freed
 * after a grace period, a closed program's (another test's) may still be
 * charged.  Adds the 10 ms waits to *@waits.
 */
static int load_waiting(const struct script_insn *insns, size_t n, __u64 flags,
			unsigned int *waits)
{
	int fd = load_flags(insns, n, flags), i;

	for (i = 0; fd == -ENOSPC && i < 500; i++) {
		usleep(10000);
		fd = load_flags(insns, n, flags);
	}
	if (waits)
		*waits += i;
	return fd;
}

/* A program whose code cannot fit in a page: ~3000 ALU instructions */
static struct script_insn *big_prog(unsigned int *n)
{
	static struct script_insn p[3002];
	unsigned int i;

	for (i = 0; i < 3000; i++)
		p[i] = i % 3 ? ALU64_IMM(SCRIPT_XOR, 0, i * 0x10001) : ALU64_REG(SCRIPT_ADD, 0, 1);
	p[0] = MOV64_IMM(0, 1);
	p[i++] = EXIT;
	*n = i;
	return p;
}

/*
 * kernel.script_jit_limit of a page: a program that does not fit falls
 * back to the interpreter with -ENOSPC under script_jit=1, and fails to
 * load (or run once) with ENOSPC under 2; a small one is still compiled;
 * SCRIPT_F_INTERP loads all the same.
 */
TEST_F(sysctl, code_limit)
{
	static const struct script_insn small[] = { MOV64_IMM(0, 3), EXIT };
	struct script_attr attr = { };
	struct script_insn *big;
	char val[32], lim[32];
	unsigned int n;
	int fds[2], fd;
	struct outcome o[2];
	struct cfg c = { };

	if (!have_jit())
		SKIP(return, NO_JIT);
	ASSERT_EQ(0, arena_setup());
	big = big_prog(&n);
	snprintf(lim, sizeof(lim), "%ld", PAGE);
	ASSERT_EQ(0, write_file(JIT_SYSCTL, "1"));
	ASSERT_EQ(0, write_file(LIMIT_SYSCTL, lim));
	ASSERT_EQ(0, read_file(LIMIT_SYSCTL, val, sizeof(val)));
	EXPECT_EQ(PAGE, atol(val));

	fd = load_waiting(small, ARRAY_LEN(small), 0, NULL);
	ASSERT_LE(0, fd);
	EXPECT_TRUE(engine_is(fd, "jit")) TH_LOG("a small program within the limit");
	close(fd);

	fds[JIT] = load_flags(big, n, 0);
	ASSERT_LE(0, fds[JIT]);
	EXPECT_TRUE(engine_is(fds[JIT], "interp"));
	fdinfo_value(fds[JIT], "script-jit-error", val, sizeof(val));
	EXPECT_STREQ("-28", val);
	fds[INTERP] = load_flags(big, n, SCRIPT_F_INTERP);
	ASSERT_LE(0, fds[INTERP]);
	c.args[0] = 5;
	init_zero();
	EXPECT_EQ(0, run_both(_metadata, "fallen back", fds, &c, o));
	EXPECT_EQ(0, o[JIT].ret);
	close_both(fds);

	ASSERT_EQ(0, write_file(JIT_SYSCTL, "2"));
	EXPECT_EQ(-ENOSPC, load_flags(big, n, 0));
	EXPECT_EQ(-ENOSPC, script_run(&attr, big, n));
	fd = load_flags(big, n, SCRIPT_F_INTERP);
	ASSERT_LE(0, fd);
	EXPECT_TRUE(engine_is(fd, "interp"));
	close(fd);
	memset(&attr, 0, sizeof(attr));
	attr.flags = SCRIPT_F_INTERP;
	EXPECT_EQ(0, script_run(&attr, big, n));
	fd = load_waiting(small, ARRAY_LEN(small), 0, NULL);
	ASSERT_LE(0, fd);
	EXPECT_TRUE(engine_is(fd, "jit"));
	close(fd);
}

/* VmallocUsed of /proc/meminfo in kB, where code memory is, or -1 */
static long long vmalloc_used_kb(void)
{
	long long kb = -1;
	char line[256];
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmallocUsed: %lld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/*
 * Code memory goes back when a program is closed: 2000 programs loaded
 * and closed one by one, under a limit of 64 pages that a few dozen would
 * fill, and under the default limit with vmalloc usage watched.
 */
TEST_F_TIMEOUT(sysctl, code_memory_is_freed, 300)
{
	static struct script_insn p[600];
	long long before, after;
	char line[64], bytes[32];
	unsigned int i, retries = 0;
	int fd, held[100];

	if (!have_jit())
		SKIP(return, NO_JIT);
	for (i = 0; i < ARRAY_LEN(p) - 1; i++)
		p[i] = i % 2 ? ALU64_IMM(SCRIPT_MUL, 0, i) : ALU64_REG(SCRIPT_ADD, 0, 1);
	p[0] = MOV64_IMM(0, 0);
	p[i] = EXIT;
	fd = load_flags(p, ARRAY_LEN(p), 0);
	ASSERT_LE(0, fd);
	fdinfo_value(fd, "script-jit-bytes", bytes, sizeof(bytes));
	TH_LOG("%u instructions: %s bytes of code", (unsigned int)ARRAY_LEN(p), bytes);
	EXPECT_LT(0, atol(bytes));
	close(fd);

	ASSERT_EQ(0, write_file(JIT_SYSCTL, "2"));
	snprintf(line, sizeof(line), "%ld", 64 * PAGE);
	ASSERT_EQ(0, write_file(LIMIT_SYSCTL, line));
	for (i = 0; i < 2000; i++) {
		fd = load_waiting(p, ARRAY_LEN(p), 0, &retries);
		ASSERT_LE(0, fd) TH_LOG("program %u: %s", i, strerror(-fd));
		close(fd);
	}
	TH_LOG("2000 programs under 64 pages; %u waits for a free", retries);

	ASSERT_EQ(0, write_file(LIMIT_SYSCTL, self->limit));
	usleep(200000);
	before = vmalloc_used_kb();
	ASSERT_LE(0, before);
	/* The count sees code memory: 100 programs held are 100 images. */
	for (i = 0; i < ARRAY_LEN(held); i++) {
		held[i] = load_flags(p, ARRAY_LEN(p), 0);
		ASSERT_LE(0, held[i]);
	}
	after = vmalloc_used_kb();
	for (i = 0; i < ARRAY_LEN(held); i++)
		close(held[i]);
	TH_LOG("VmallocUsed %lld kB, %lld kB with %u programs", before, after,
	       (unsigned int)ARRAY_LEN(held));
	EXPECT_LE(before + ARRAY_LEN(held) * atol(bytes) / 1024, after);
	usleep(200000);
	before = vmalloc_used_kb();
	for (i = 0; i < 2000; i++) {
		fd = load_flags(p, ARRAY_LEN(p), 0);
		ASSERT_LE(0, fd);
		EXPECT_TRUE(i % 500 || engine_is(fd, "jit"));
		close(fd);
	}
	usleep(200000);
	after = vmalloc_used_kb();
	TH_LOG("VmallocUsed %lld kB before 2000 more, %lld kB after", before, after);
	EXPECT_GT(before + 4096, after);
}

/*
 * A loader without CAP_SYS_ADMIN gets its constants blinded, and the same
 * results as the interpreter, on the tables of immediates and divisions.
 */
TEST(blinded_constants)
{
	static struct script_insn p[2048];
	struct shared *sh = shared_map();
	unsigned int n = 0, i, j, slot = 0;
	int status;
	pid_t pid;

	if (!have_jit())
		SKIP(return, NO_JIT);
	ASSERT_EQ(0, arena_setup());
	ASSERT_NE(NULL, sh);
	for (i = 0; i < ARRAY_LEN(imm_vals); i++) {
		p[n++] = LD_IMM64(2, imm_vals[i]);
		p[n++] = LD_IMM64_HI(~imm_vals[i]);
		p[n++] = STX(SCRIPT_DW, 1, 2, 8 * slot++);
		for (j = 0; j < ARRAY_LEN(alu_ops); j++) {
			__s32 imm = imm_vals[(i + j) % ARRAY_LEN(imm_vals)];

			if (alu_ops[j] == SCRIPT_NEG)
				continue;
			if (alu_ops[j] == SCRIPT_LSH || alu_ops[j] == SCRIPT_RSH ||
			    alu_ops[j] == SCRIPT_ARSH)
				imm &= 31;
			if (!imm && (alu_ops[j] == SCRIPT_DIV || alu_ops[j] == SCRIPT_MOD))
				imm = -1;
			p[n++] = I(SCRIPT_ALU64 | alu_ops[j] | SCRIPT_K, 2, 0,
				   alu_ops[j] == SCRIPT_DIV || alu_ops[j] == SCRIPT_MOD ? j & 1 : 0,
				   imm);
			p[n++] = I(SCRIPT_ALU | alu_ops[j] | SCRIPT_K, 3, 0, 0, imm);
			p[n++] = STX(SCRIPT_DW, 1, 2, 8 * slot++);
			p[n++] = ST(SCRIPT_W, 1, 8 * slot++, imm);
			p[n++] = I(SCRIPT_JMP | SCRIPT_JSGT | SCRIPT_K, 2, 0, 1, imm);
			p[n++] = ST(SCRIPT_B, 1, 8 * slot++, 1);
		}
	}
	p[n++] = MOV64_IMM(0, 0);
	p[n++] = EXIT;
	ASSERT_GE(ARRAY_LEN(p), n);
	init_zero();
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct __test_metadata copy = *_metadata;
		struct outcome o[2];
		char blind[8];
		int fds[2];

		if (drop_sys_admin())
			_exit(2);
		if (load_both(&copy, p, n, fds))
			_exit(3);
		fdinfo_value(fds[JIT], "script-jit-blinded", blind, sizeof(blind));
		sh->jit = engine_is(fds[JIT], "jit") && !strcmp(blind, "1");
		sh->ret = run_both(_metadata, "blinded", fds, &(struct cfg){
				.args = { (uintptr_t)arena->base } }, o);
		sh->done = 1;
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(1, sh->done);
	EXPECT_EQ(1, sh->jit) TH_LOG("not compiled, or not blinded");
	EXPECT_EQ(0, sh->ret);
}

/* A root loader's constants are not blinded. */
TEST(unblinded_for_cap_sys_admin)
{
	static const struct script_insn prog[] = { MOV64_IMM(0, 0x12345678), EXIT };
	char blind[8], bytes[32];
	int fd;

	if (!have_jit())
		SKIP(return, NO_JIT);
	fd = load_flags(prog, ARRAY_LEN(prog), 0);
	ASSERT_LE(0, fd);
	fdinfo_value(fd, "script-jit-blinded", blind, sizeof(blind));
	fdinfo_value(fd, "script-jit-bytes", bytes, sizeof(bytes));
	EXPECT_STREQ("0", blind);
	EXPECT_LT(0, atol(bytes));
	close(fd);
}

TEST_HARNESS_MAIN
