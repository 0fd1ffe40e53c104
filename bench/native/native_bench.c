// SPDX-License-Identifier: GPL-2.0
/*
 * script(2) native projection: the real interpreter, verifier and op
 * table of kernel/script, built in user space (see Makefile and
 * include/), timed on the host next to the host's own system calls.
 *
 * Each case is sampled once per run, the runs interleaved (run 1 of every
 * case, then run 2, ...), and reported as min/median/max over the runs in
 * ns of the thread's CPU time.  Interpreter costs per instruction are
 * differences: a loop with K copies of the instruction against the same
 * loop with none, divided by K times the iterations, so the loop itself
 * is not counted.  The chains of getpid ops are not differences: an op
 * and the two loop instructions that repeat it, per op, as a script of
 * such a chain would run.
 *
 * The projection: what one getpid op of such a chain would cost in
 * script(2) on this host's kernel.  It is the measured native chain with
 * a null getpid body (the interpreter, the op dispatch, the loop) plus
 * the in-kernel body of getpid, estimated as the host's getpid(2) less
 * the host's cheapest system call, an unknown number that fails with
 * ENOSYS (entry and exit, no body): both measured here, interleaved, and
 * subtracted run by run.  What user mode cannot show is left out: STAC
 * and CLAC around each user access (none in a getpid op).
 *
 * The compiler (kernel/script/jit.c, issue 18) is built into each variant
 * too, over native_jit.c's code memory: the per-instruction cases, the
 * loop, the chain and the web server's replay run again with the program
 * compiled (impl "native-jit", the same case names), the emitted code
 * itself timed; and "jit_compile_*" times script_jit_compile() and
 * script_jit_free() of the verifier's programs, per instruction.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "script.h"
#include "native_insn.h"
#include "native_kshim.h"
#include "native_httpd.h"

#undef vsnprintf

typedef int (*run_fn)(const struct script_prog *prog,
		      struct script_run_ctx *ctx);
typedef int (*verify_fn)(const struct script_insn *insns, u32 len,
			 struct script_log *log, u32 *err_pc);

struct variant {
	const char *name;
	const char *what;
	run_fn run;
	verify_fn verify;
	int (*kselftest)(void *ok, void *bad);
	long (*script)(unsigned int cmd, void *uattr, size_t usize);
	int (*close_file)(unsigned int fd);
	u64 (*op_body)(const u64 *args, u64 reps);
	int (*jit_compile)(struct script_prog *prog, bool blind);
	void (*jit_free)(struct script_prog *prog);
	int *jit_sysctl;
};

static const struct variant variants[] = {
	{ "retpoline", "kernel CFLAGS, retpoline + ITS return thunk (this host's mode)",
	  script_run_retpoline, script_verify_retpoline,
	  shim_kselftest_retpoline, __do_sys_script_retpoline,
	  shim_close_file_retpoline, shim_op_body_loop_retpoline,
	  script_jit_compile_retpoline, script_jit_free_retpoline,
	  &sysctl_script_jit_retpoline },
	{ "plain", "kernel CFLAGS, thunks as plain jmp/ret (no retpoline needed)",
	  script_run_plain, script_verify_plain, shim_kselftest_plain,
	  __do_sys_script_plain, shim_close_file_plain,
	  shim_op_body_loop_plain, script_jit_compile_plain,
	  script_jit_free_plain, &sysctl_script_jit_plain },
};

#define NVARIANTS	ARRAY_SIZE(variants)

#define STACK_SIZE	(64 << 10)
static u8 script_stack[STACK_SIZE] __aligned(4096);

/* Body copies per loop iteration in the per-instruction cases. */
#define K		64

/*
 * The thread's CPU time, not the wall clock: the machine these run on is
 * shared (two CPUs, a load of several), and time the thread spends
 * preempted by other tasks is no cost of what it runs.
 */
static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static u64 wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "native_bench: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

/* Programs */

struct pbuf {
	struct script_insn *insn;
	u32 len, cap;
};

static u32 emit(struct pbuf *b, struct script_insn insn)
{
	if (b->len == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 64;
		b->insn = realloc(b->insn, b->cap * sizeof(*b->insn));
		if (!b->insn)
			die("out of memory");
	}
	b->insn[b->len] = insn;
	return b->len++;
}

static struct script_prog *prog_of(const struct script_insn *insns, u32 len)
{
	struct script_prog *p = calloc(1, sizeof(*p) + len * sizeof(*insns));

	if (!p)
		die("out of memory");
	p->len = len;
	memcpy(p->insns, insns, len * sizeof(*insns));
	return p;
}

static bool is_pseudo_call(const struct script_insn *insn)
{
	return insn->code == (SCRIPT_JMP | SCRIPT_CALL) &&
	       insn->src_reg == SCRIPT_PSEUDO_CALL;
}

/*
 * A loop run r1 times, with @k copies of the @n instructions of @body:
 *
 *	r0 = 0; r8 = 1; r9 = 3; r6 = 0; r7 = r1; *(u64 *)(r10 - 8) = r6
 *	setup				(loop_prog_setup(): r1 to r5 for ops)
 * loop:
 *	body x k
 *	r6 += 1
 *	if r6 < r7 goto loop		(a back edge: a yield point)
 *	r0 = r6
 *	exit
 * sub:					(only when the body calls one)
 *	exit
 *
 * A pseudo-call in the body is aimed at sub.  The result is r1.
 */
#define LOOP_PROLOGUE	6
#define LOOP_EPILOGUE	2

static struct script_prog *loop_prog_setup(const struct script_insn *setup,
					   u32 ns, const struct script_insn *body,
					   u32 n, u32 k)
{
	struct pbuf b = { };
	struct script_prog *p;
	bool sub = false;
	u32 i, j, top;

	emit(&b, SCRIPT_MOV64_IMM(SCRIPT_REG_0, 0));
	emit(&b, SCRIPT_MOV64_IMM(SCRIPT_REG_8, 1));
	emit(&b, SCRIPT_MOV64_IMM(SCRIPT_REG_9, 3));
	emit(&b, SCRIPT_MOV64_IMM(SCRIPT_REG_6, 0));
	emit(&b, SCRIPT_MOV64_REG(SCRIPT_REG_7, SCRIPT_REG_1));
	emit(&b, SCRIPT_STX_MEM(SCRIPT_DW, SCRIPT_REG_10, SCRIPT_REG_6, -8));
	for (i = 0; i < ns; i++)
		emit(&b, setup[i]);
	top = b.len;
	for (i = 0; i < k; i++)
		for (j = 0; j < n; j++) {
			emit(&b, body[j]);
			sub |= is_pseudo_call(&body[j]);
		}
	emit(&b, SCRIPT_ALU64_IMM(SCRIPT_ADD, SCRIPT_REG_6, 1));
	emit(&b, SCRIPT_JMP_REG(SCRIPT_JLT, SCRIPT_REG_6, SCRIPT_REG_7,
				(s16)(top - (b.len + 1))));
	emit(&b, SCRIPT_MOV64_REG(SCRIPT_REG_0, SCRIPT_REG_6));
	emit(&b, SCRIPT_EXIT_INSN());
	if (sub) {
		u32 target = emit(&b, SCRIPT_EXIT_INSN());

		for (i = top; i < target; i++)
			if (is_pseudo_call(&b.insn[i]))
				b.insn[i].imm = target - (i + 1);
	}
	if (b.len > 30000)
		die("loop body too long");
	p = prog_of(b.insn, b.len);
	free(b.insn);
	return p;
}

static struct script_prog *loop_prog(const struct script_insn *body, u32 n,
				     u32 k)
{
	return loop_prog_setup(NULL, 0, body, n, k);
}

/*
 * A program of @len instructions for the verifier: @len / 256
 * subprograms of 256, the main program calling "mid" subprograms that
 * call up to 16 leaves each, every one a run of ALU, load, store and
 * forward-branch blocks.
 */
#define VSUB	256

static struct script_insn *verifier_prog(u32 len)
{
	u32 nsubs = len / VSUB, nmid, s, pc = 0, i;
	struct script_insn *p = calloc(len, sizeof(*p));

	if (!p || len % VSUB || nsubs < 2)
		die("bad verifier program size %u", len);
	nmid = nsubs - 1 <= 16 ? 0 : (nsubs - 1 + 16) / 17;

	for (s = 0; s < nsubs; s++) {
		u32 end = pc + VSUB, first = 0, ncalls = 0;

		/* what s calls: main the mids (or the leaves), a mid its leaves */
		if (s == 0 && nmid) {
			first = 1;
			ncalls = nmid;
		} else if (s == 0) {
			first = 1;
			ncalls = nsubs - 1;
		} else if (s <= nmid) {
			first = 1 + nmid + (s - 1) * 16;
			ncalls = min(16u, nsubs - first);
		}

		p[pc++] = SCRIPT_MOV64_REG(SCRIPT_REG_9, SCRIPT_REG_1);
		p[pc++] = SCRIPT_MOV64_REG(SCRIPT_REG_6, SCRIPT_REG_9);
		for (i = 0; i < ncalls; i++) {
			p[pc++] = SCRIPT_MOV64_REG(SCRIPT_REG_1, SCRIPT_REG_6);
			p[pc] = SCRIPT_CALL_REL((s32)((first + i) * VSUB - (pc + 1)));
			pc++;
		}
		while (pc + 8 <= end - 2) {
			p[pc++] = SCRIPT_MOV64_REG(SCRIPT_REG_6, SCRIPT_REG_9);
			p[pc++] = SCRIPT_ALU64_IMM(SCRIPT_ADD, SCRIPT_REG_6, 7);
			p[pc++] = SCRIPT_LDX_MEM(SCRIPT_DW, SCRIPT_REG_7, SCRIPT_REG_10, -8);
			p[pc++] = SCRIPT_STX_MEM(SCRIPT_DW, SCRIPT_REG_10, SCRIPT_REG_6, -16);
			p[pc++] = SCRIPT_JMP_REG(SCRIPT_JGT, SCRIPT_REG_6, SCRIPT_REG_7, 2);
			p[pc++] = SCRIPT_ALU64_REG(SCRIPT_XOR, SCRIPT_REG_6, SCRIPT_REG_7);
			p[pc++] = SCRIPT_ALU64_IMM(SCRIPT_LSH, SCRIPT_REG_6, 3);
			p[pc++] = SCRIPT_ALU32_REG(SCRIPT_MOV, SCRIPT_REG_8, SCRIPT_REG_6);
		}
		while (pc < end - 2)
			p[pc++] = SCRIPT_ALU64_IMM(SCRIPT_ADD, SCRIPT_REG_6, 1);
		p[pc++] = SCRIPT_MOV64_REG(SCRIPT_REG_0, SCRIPT_REG_6);
		p[pc++] = SCRIPT_EXIT_INSN();
	}
	return p;
}

/* Running */

static int run(const struct variant *v, const struct script_prog *prog,
	       u64 arg, struct script_run_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->args[0] = arg;
	ctx->stack_lo = (uintptr_t)script_stack;
	ctx->stack_hi = (uintptr_t)script_stack + STACK_SIZE;
	return v->run(prog, ctx);
}

static void run_ok(const struct variant *v, const struct script_prog *prog,
		   u64 arg)
{
	struct script_run_ctx ctx;
	int err = run(v, prog, arg, &ctx);

	if (err || ctx.retval != arg)
		die("%s: run failed: %d, r0 %llu, pc %u", v->name, err,
		    ctx.retval, ctx.pc);
}

/* Cases */

enum kind {
	K_DELTA,	/* (loop with k bodies - loop with none) / (iters * k) */
	K_LOOP,		/* loop / iters */
	K_RUN,		/* one script_run per rep */
	K_VERIFY,	/* one script_verify per rep, per instruction */
	K_HOST,		/* one host call per rep */
	K_HTTPD,	/* replays of the web server's runs, per request */
	K_SYSCALL,	/* one script(2) body (syscall.c) per rep */
	K_OPBODY,	/* one direct call of memchr's op per rep */
	K_COMPILE,	/* one compile and free per rep, per instruction */
};

struct bcase {
	char name[48];
	const char *impl;
	const char *metric;
	const char *what;
	enum kind kind;
	const struct variant *v;
	struct script_prog *body, *base;
	u32 k;
	int getpid_mode;
	struct script_insn *vinsns;
	u32 vlen;
	long (*host)(u64 reps);
	bool wall;	/* K_HOST timed by the wall clock, not CPU time */
	int httpd;	/* K_HTTPD: the httpd case */
	bool jit;	/* the programs are compiled: impl native-jit */
	struct script_prog *jprog;	/* K_HTTPD, K_COMPILE: the program */
	unsigned long code_bytes;	/* K_COMPILE: the image's size */
	bool pool;	/* K_COMPILE: code memory from shim_jit_pool's pool */
	struct script_attr attr;	/* K_SYSCALL */
	u64 reps;
	double *samples;
	double min, median, max;
};

#define MAX_CASES	128
static struct bcase cases[MAX_CASES];
static unsigned int ncases;
static int devzero = -1, devrandom = -1;

static struct bcase *add_case(const char *name, const struct variant *v,
			      enum kind kind, const char *metric,
			      const char *what)
{
	struct bcase *c = &cases[ncases++];

	if (ncases > MAX_CASES)
		die("too many cases");
	if (v)
		snprintf(c->name, sizeof(c->name), "%s/%s", name, v->name);
	else
		snprintf(c->name, sizeof(c->name), "%s", name);
	c->impl = v ? "native-interp" : "host-syscall";
	c->v = v;
	c->kind = kind;
	c->metric = metric;
	c->what = what;
	return c;
}

/* A per-instruction case: @n instructions of @body, K times per iteration. */
static void add_delta(const char *name, const struct variant *v,
		      const struct script_insn *body, u32 n,
		      struct script_prog *base, const char *metric,
		      const char *what)
{
	struct bcase *c = add_case(name, v, K_DELTA, metric, what);

	c->body = loop_prog(body, n, K);
	c->base = base;
	c->k = K * n;
}

/*
 * A load of @n instructions by script(2)'s SCRIPT_LOAD: the descriptor.
 * Interpreted (SCRIPT_F_INTERP), as syscall.c's cases were measured
 * before the compiler.
 */
static int load_prog(const struct variant *v, const struct script_insn *insns,
		     u32 n)
{
	struct script_attr attr = {
		.flags = SCRIPT_F_INTERP,
		.insns = (uintptr_t)insns,
		.insn_cnt = n,
	};
	long fd = v->script(SCRIPT_LOAD, &attr, sizeof(attr));

	if (fd < 0)
		die("%s: SCRIPT_LOAD: %ld", v->name, fd);
	return fd;
}

/* The case @name of the interpreter (@jit false) or the compiled code */
static struct bcase *find_case_of(const char *name, bool jit)
{
	unsigned int i;

	for (i = 0; i < ncases; i++)
		if (!strcmp(cases[i].name, name) && cases[i].jit == jit)
			return &cases[i];
	return NULL;
}

static struct bcase *find_case(const char *name)
{
	return find_case_of(name, false);
}

/* @p compiled by @v's compiler, constants not blinded (CAP_SYS_ADMIN) */
static struct script_prog *jit_prog(const struct variant *v,
				    struct script_prog *p)
{
	int err = v->jit_compile(p, false);

	if (err || !p->jit)
		die("%s: script_jit_compile of %u insns: %d", v->name, p->len,
		    err);
	return p;
}

/* The compiled twin of a case of the interpreter */
static struct bcase *add_jit_case(const char *name, const struct variant *v,
				  enum kind kind, const char *metric,
				  const char *what)
{
	struct bcase *c = add_case(name, v, kind, metric, what);

	c->impl = "native-jit";
	c->jit = true;
	return c;
}

/* A per-instruction case of the compiled code, as add_delta()'s */
static void add_delta_jit(const char *name, const struct variant *v,
			  const struct script_insn *body, u32 n,
			  struct script_prog *base, const char *metric,
			  const char *what)
{
	struct bcase *c = add_jit_case(name, v, K_DELTA, metric, what);

	c->body = jit_prog(v, loop_prog(body, n, K));
	c->base = base;
	c->k = K * n;
}

static long host_getppid(u64 reps)
{
	long r = 0;

	while (reps--)
		r += getppid();
	return r;
}

static long host_getpid_raw(u64 reps)
{
	long r = 0;

	while (reps--)
		r += shim_syscall2(__NR_getpid, 0, 0);
	return r;
}

/* An unknown system call: entry, ni_syscall, exit */
#define NR_NONE		1000

static long host_enosys_raw(u64 reps)
{
	long r = 0;

	while (reps--)
		r += shim_syscall2(NR_NONE, 0, 0);
	return r;
}

static long host_read_devzero(u64 reps)
{
	char c;
	long r = 0;

	while (reps--)
		r += read(devzero, &c, 1);
	return r;
}

/* memchr(r1, 'x', 1) of one byte 'x': a memory op and its body */
static u8 memchr_byte = 'x';
static u64 memchr_args[6] = { (uintptr_t)&memchr_byte, 'x', 1 };

/* Keeps a result the compiler would otherwise drop. */
static void keep(long v)
{
	asm volatile("" : : "r" (v) : "memory");
}

/* One sample of @c with @reps; *elapsed is the time it took. */
static double sample(struct bcase *c, u64 reps, u64 *elapsed)
{
	struct script_run_ctx ctx;
	struct script_log log = { };
	u64 t0, t1, t2;
	u32 err_pc;
	u64 i;

	shim_getpid_mode = c->getpid_mode;
	switch (c->kind) {
	case K_DELTA:
		t0 = now_ns();
		run(c->v, c->body, reps, &ctx);
		t1 = now_ns();
		run(c->v, c->base, reps, &ctx);
		t2 = now_ns();
		*elapsed = t2 - t0;
		return ((double)(t1 - t0) - (double)(t2 - t1)) /
		       ((double)reps * c->k);
	case K_LOOP:
		t0 = now_ns();
		run(c->v, c->body, reps, &ctx);
		*elapsed = now_ns() - t0;
		return (double)*elapsed / reps;
	case K_RUN:
		t0 = now_ns();
		for (i = 0; i < reps; i++)
			run(c->v, c->body, 0, &ctx);
		*elapsed = now_ns() - t0;
		return (double)*elapsed / reps;
	case K_VERIFY:
		t0 = now_ns();
		for (i = 0; i < reps; i++)
			keep(c->v->verify(c->vinsns, c->vlen, &log, &err_pc));
		*elapsed = now_ns() - t0;
		return (double)*elapsed / ((double)reps * c->vlen);
	case K_HTTPD:
		return httpd_sample(c->httpd, c->v->run, c->jprog, reps,
				    elapsed);
	case K_COMPILE:
		shim_jit_pool = c->pool;
		t0 = now_ns();
		for (i = 0; i < reps; i++) {
			jit_prog(c->v, c->jprog);
			c->v->jit_free(c->jprog);
		}
		*elapsed = now_ns() - t0;
		shim_jit_pool = 0;
		return (double)*elapsed / ((double)reps * c->jprog->len);
	case K_SYSCALL:
		t0 = now_ns();
		for (i = 0; i < reps; i++)
			keep(c->v->script(SCRIPT_RUN_FD, &c->attr, sizeof(c->attr)));
		*elapsed = now_ns() - t0;
		return (double)*elapsed / reps;
	case K_OPBODY:
		t0 = now_ns();
		keep(c->v->op_body(memchr_args, reps));
		*elapsed = now_ns() - t0;
		return (double)*elapsed / reps;
	case K_HOST:
		if (c->wall) {
			t0 = wall_ns();
			keep(c->host(reps));
			*elapsed = wall_ns() - t0;
		} else {
			t0 = now_ns();
			keep(c->host(reps));
			*elapsed = now_ns() - t0;
		}
		return (double)*elapsed / reps;
	}
	return 0;
}

/* Reps such that a sample takes about @target_ns; warms the case up. */
static void calibrate(struct bcase *c, u64 target_ns)
{
	u64 reps = 4, elapsed;

	for (;;) {
		sample(c, reps, &elapsed);
		if (elapsed >= target_ns || reps >= (1ULL << 34))
			break;
		if (elapsed < target_ns / 64)
			reps *= 16;
		else
			reps = reps * 1.1 * target_ns / (elapsed ? elapsed : 1) + 1;
	}
	c->reps = reps;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void stats(const double *s, unsigned int n, double *mn, double *med,
		  double *mx)
{
	double *t = malloc(n * sizeof(*t));

	memcpy(t, s, n * sizeof(*t));
	qsort(t, n, sizeof(*t), cmp_double);
	*mn = t[0];
	*mx = t[n - 1];
	*med = n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
	free(t);
}

/* Self-test: the shimmed kernel code behaves as the kernel's */

static unsigned int checks;

#define CHECK(cond, ...) do {						\
	checks++;							\
	if (!(cond))							\
		die("selftest: " __VA_ARGS__);				\
} while (0)

/* syscall.c, the body of script(2), on the shimmed kernel */
static void selftest_syscall(const struct variant *v)
{
	struct script_insn ret1[] = {
		SCRIPT_MOV64_REG(SCRIPT_REG_0, SCRIPT_REG_1),
		SCRIPT_EXIT_INSN(),
	};
	struct script_insn bad[] = {
		SCRIPT_MOV64_REG(SCRIPT_REG_0, SCRIPT_REG_6),
		SCRIPT_EXIT_INSN(),
	};
	struct {
		struct script_attr attr;
		u64 tail;
	} big = { };
	struct script_attr attr = { };
	long r;
	int fd;

	fd = load_prog(v, ret1, ARRAY_SIZE(ret1));
	attr.prog_fd = fd;
	attr.args[0] = 1234;
	r = v->script(SCRIPT_RUN_FD, &attr, sizeof(attr));
	CHECK(!r && attr.retval == 1234 && attr.steps == 2,
	      "%s: SCRIPT_RUN_FD: %ld, r0 %llu", v->name, r, attr.retval);
	big.attr = attr;
	r = v->script(SCRIPT_RUN_FD, &big, sizeof(big));
	CHECK(!r && big.attr.retval == 1234, "%s: a larger attr, zeroed: %ld",
	      v->name, r);
	big.tail = 1;
	r = v->script(SCRIPT_RUN_FD, &big, sizeof(big));
	CHECK(r == -E2BIG, "%s: a larger attr, not zeroed: %ld", v->name, r);
	attr.prog_fd = fd + 1;
	r = v->script(SCRIPT_RUN_FD, &attr, sizeof(attr));
	CHECK(r == -EBADF, "%s: SCRIPT_RUN_FD of no program: %ld", v->name, r);
	CHECK(!v->close_file(fd), "%s: close", v->name);
	attr.prog_fd = fd;
	r = v->script(SCRIPT_RUN_FD, &attr, sizeof(attr));
	CHECK(r == -EBADF, "%s: SCRIPT_RUN_FD after close: %ld", v->name, r);
	memset(&attr, 0, sizeof(attr));
	attr.insns = (uintptr_t)bad;
	attr.insn_cnt = ARRAY_SIZE(bad);
	r = v->script(SCRIPT_LOAD, &attr, sizeof(attr));
	CHECK(r == -EINVAL && attr.pc == 0, "%s: SCRIPT_LOAD of a bad program: %ld",
	      v->name, r);
}

/* Two pages: the first read-write, the second faults on any access. */
static u8 *guard_pages(void)
{
	static u8 *p;

	if (p)
		return p;
	p = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || mprotect(p + 4096, 4096, PROT_NONE))
		die("guard pages: %s", strerror(errno));
	return p;
}

/* One op with r1 to r5, run to its result (ctx->retval), or die. */
static s64 op_run(const struct variant *v, u32 id, u64 a1, u64 a2, u64 a3,
		  u64 a4, u64 a5)
{
	struct script_insn insn[] = {
		SCRIPT_CALL_OP(id),
		SCRIPT_EXIT_INSN(),
	};
	struct script_prog *p = prog_of(insn, ARRAY_SIZE(insn));
	struct script_run_ctx ctx;
	int err;

	memset(&ctx, 0, sizeof(ctx));
	ctx.args[0] = a1;
	ctx.args[1] = a2;
	ctx.args[2] = a3;
	ctx.args[3] = a4;
	ctx.args[4] = a5;
	ctx.stack_lo = (uintptr_t)script_stack;
	ctx.stack_hi = ctx.stack_lo + STACK_SIZE;
	err = v->run(p, &ctx);
	free(p);
	if (err)
		die("%s: op %u: run failed: %d", v->name, id, err);
	return ctx.retval;
}

#define U(p)	((u64)(uintptr_t)(p))

/*
 * The ops the native build compiles, against the C library and the host:
 * memory ops, and system-call ops made as host calls, recorded and
 * replayed.
 */
static void selftest_ops(const struct variant *v)
{
	static const char hay[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\nrest";
	char buf[512], src[300], num[] = "12345x";
	struct shim_recording *rec;
	u8 *page = guard_pages();
	u64 val = 0;
	struct timespec ts = { };
	struct stat st, st2;
	unsigned int i;
	s64 r;

	for (i = 0; i < sizeof(src); i++)
		src[i] = i * 7;
	r = op_run(v, SCRIPT_OP_MEMCHR, U(hay), 'H', sizeof(hay) - 1, 0, 0);
	CHECK(r == strchr(hay, 'H') - hay, "%s: memchr: %lld", v->name, r);
	r = op_run(v, SCRIPT_OP_MEMCHR, U(hay), '@', sizeof(hay) - 1, 0, 0);
	CHECK(r == -ENOENT, "%s: memchr, none: %lld", v->name, r);
	r = op_run(v, SCRIPT_OP_MEMMEM, U(hay), sizeof(hay) - 1, U("\r\n\r\n"),
		   4, 0);
	CHECK(r == strstr(hay, "\r\n\r\n") - hay, "%s: memmem: %lld", v->name, r);
	r = op_run(v, SCRIPT_OP_MEMCMP, U("abc"), U("abd"), 3, 0, 0);
	CHECK(r == -1, "%s: memcmp: %lld", v->name, r);
	r = op_run(v, SCRIPT_OP_PARSE_U64, U(num), 6, U(&val), 10, 0);
	CHECK(r == 5 && val == 12345, "%s: parse_u64: %lld", v->name, r);
	memset(buf, 0, sizeof(buf));
	r = op_run(v, SCRIPT_OP_FORMAT_U64, U(buf), 24, 987654, 10, 0);
	CHECK(r == 6 && !strcmp(buf, "987654"), "%s: format_u64: %lld", v->name, r);
	r = op_run(v, SCRIPT_OP_MEMCPY, U(buf), U(src), sizeof(src), 0, 0);
	CHECK(r == sizeof(src) && !memcmp(buf, src, sizeof(src)),
	      "%s: memcpy: %lld", v->name, r);
	r = op_run(v, SCRIPT_OP_MEMCPY, U(buf), U(page + 4096 - 8), 16, 0, 0);
	CHECK(r == -EFAULT, "%s: memcpy from a faulting page: %lld", v->name, r);

	memset(buf, 1, 8);
	r = op_run(v, SCRIPT_OP_READ, devzero, U(buf), 8, 0, 0);
	CHECK(r == 8 && !buf[0] && !buf[7], "%s: read: %lld", v->name, r);
	r = op_run(v, SCRIPT_OP_READ, 1000000, U(buf), 8, 0, 0);
	CHECK(r == -EBADF, "%s: read of a bad fd: %lld", v->name, r);
	r = op_run(v, SCRIPT_OP_CLOCK_GETTIME, CLOCK_MONOTONIC, U(&ts), 0, 0, 0);
	CHECK(!r && (ts.tv_sec || ts.tv_nsec), "%s: clock_gettime: %lld", v->name, r);
	r = op_run(v, SCRIPT_OP_FSTAT, devzero, U(&st), 0, 0, 0);
	CHECK(!r && !fstat(devzero, &st2) && st.st_rdev == st2.st_rdev &&
	      st.st_ino == st2.st_ino, "%s: fstat: %lld", v->name, r);

	/* A recording, then its replay: the same result and bytes, no call */
	rec = shim_sys_record_start();
	r = op_run(v, SCRIPT_OP_READ, devrandom, U(buf), 16, 0, 0);
	shim_sys_record_stop();
	memcpy(src, buf, 16);
	CHECK(r == 16 && shim_recording_calls(rec) == 1 &&
	      shim_recording_counts(rec)[__NR_read] == 1,
	      "%s: a recorded read: %lld", v->name, r);
	memset(buf, 0, 16);
	shim_sys_replay_start(rec);
	r = op_run(v, SCRIPT_OP_READ, devrandom, U(buf), 16, 0, 0);
	CHECK(shim_sys_replay_stop() && r == 16 && !memcmp(buf, src, 16),
	      "%s: a replayed read: %lld", v->name, r);
	shim_recording_free(rec);
}

static void selftest(const struct variant *v)
{
	static const struct script_insn alu[] = {
		SCRIPT_ALU64_IMM(SCRIPT_ADD, SCRIPT_REG_8, 1),
	};
	struct script_insn ld[] = {
		SCRIPT_LDX_MEM(SCRIPT_DW, SCRIPT_REG_0, SCRIPT_REG_1, 0),
		SCRIPT_EXIT_INSN(),
	};
	struct script_insn st[] = {
		SCRIPT_MOV64_IMM(SCRIPT_REG_0, 0),
		SCRIPT_STX_MEM(SCRIPT_B, SCRIPT_REG_1, SCRIPT_REG_0, 0),
		SCRIPT_EXIT_INSN(),
	};
	struct script_insn pid[] = {
		SCRIPT_CALL_OP(SCRIPT_OP_GETPID),
		SCRIPT_EXIT_INSN(),
	};
	struct script_insn bad[] = {
		SCRIPT_MOV64_REG(SCRIPT_REG_0, SCRIPT_REG_6),
		SCRIPT_EXIT_INSN(),
	};
	struct script_prog *loop = loop_prog(alu, 1, 4);
	struct script_prog *pld = prog_of(ld, 2), *pst = prog_of(st, 3);
	struct script_prog *ppid = prog_of(pid, 2);
	struct script_state state = { };
	struct script_run_ctx ctx;
	char logbuf[256];
	struct script_log log = { .buf = logbuf, .size = sizeof(logbuf),
				  .level = SCRIPT_LOG_ERROR };
	u64 word = 0x1122334455667788ULL;
	u8 *page = guard_pages();
	u32 err_pc;
	int err, i;

	err = run(v, loop, 10, &ctx);
	CHECK(!err && ctx.retval == 10 &&
	      ctx.steps == LOOP_PROLOGUE + 10 * (4 + 2) + LOOP_EPILOGUE,
	      "%s: loop: err %d r0 %llu steps %llu", v->name, err, ctx.retval,
	      ctx.steps);

	err = run(v, pld, (uintptr_t)&word, &ctx);
	CHECK(!err && ctx.retval == word, "%s: load", v->name);
	err = run(v, pld, 8, &ctx);
	CHECK(err == -EFAULT && ctx.pc == 0, "%s: load from 8: %d", v->name, err);
	err = run(v, pld, 0x00007ffffffff000ULL + 4096 /* past USER_PTR_MAX */, &ctx);
	CHECK(err == -EFAULT, "%s: load above the user range: %d", v->name, err);
	err = run(v, pst, (uintptr_t)&word, &ctx);
	CHECK(!err && word == 0x1122334455667700ULL, "%s: store", v->name);
	err = run(v, pst, 1ULL << 63, &ctx);
	CHECK(err == -EFAULT && ctx.pc == 1, "%s: store to a kernel address: %d",
	      v->name, err);

	shim_getpid_mode = SHIM_GETPID_HOST;
	err = run(v, ppid, 0, &ctx);
	CHECK(!err && ctx.retval == (u64)getpid(), "%s: getpid op", v->name);
	shim_getpid_mode = SHIM_GETPID_NULL;

	/* A signal at a back edge: -EINTR with no state area ... */
	shim_set_sigpending(true);
	err = run(v, loop, 10, &ctx);
	CHECK(err == -EINTR, "%s: signal: %d", v->name, err);
	/* ... parked in one, then continued to the same end */
	memset(&ctx, 0, sizeof(ctx));
	ctx.args[0] = 10;
	ctx.stack_lo = (uintptr_t)script_stack;
	ctx.stack_hi = ctx.stack_lo + STACK_SIZE;
	ctx.ustate = &state;
	err = v->run(loop, &ctx);
	CHECK(err == -ERESTARTSYS && state.status == SCRIPT_STATE_PARKED,
	      "%s: park: %d", v->name, err);
	shim_set_sigpending(false);
	err = v->run(loop, &ctx);
	CHECK(!err && ctx.retval == 10 && state.status == SCRIPT_STATE_NONE,
	      "%s: continue: %d", v->name, err);

	memset(&ctx, 0, sizeof(ctx));
	ctx.args[0] = 10;
	ctx.max_steps = 20;
	ctx.stack_lo = (uintptr_t)script_stack;
	ctx.stack_hi = ctx.stack_lo + STACK_SIZE;
	err = v->run(loop, &ctx);
	CHECK(err == -ETIME && ctx.steps == 20, "%s: budget: %d", v->name, err);

	/* The inline user-access window, static keys, INDIRECT_CALL_N() */
	for (i = 0; i < 16; i++)
		page[i] = i + 1;
	err = v->kselftest(page, page + 4096);
	CHECK(!err, "%s: shim_kselftest: check %d failed", v->name, err);

	selftest_ops(v);
	selftest_syscall(v);

	err = v->verify(bad, 2, &log, &err_pc);
	CHECK(err == -EINVAL && err_pc == 0 &&
	      !strcmp(logbuf, "insn 0: r6 is read before it is written on some path\n"),
	      "%s: verifier log: %d \"%s\"", v->name, err, logbuf);

	free(loop);
	free(pld);
	free(pst);
	free(ppid);
}

/* The cases */

static const struct script_insn alu[] = {
	SCRIPT_ALU64_IMM(SCRIPT_ADD, SCRIPT_REG_8, 1),
};

static const struct script_insn mix[] = {
	SCRIPT_ALU64_IMM(SCRIPT_ADD, SCRIPT_REG_8, 1),
	SCRIPT_ALU64_REG(SCRIPT_XOR, SCRIPT_REG_0, SCRIPT_REG_8),
	SCRIPT_ALU64_IMM(SCRIPT_LSH, SCRIPT_REG_0, 3),
	SCRIPT_ALU64_REG(SCRIPT_AND, SCRIPT_REG_0, SCRIPT_REG_9),
	SCRIPT_MOV64_REG(SCRIPT_REG_0, SCRIPT_REG_8),
	SCRIPT_ALU64_IMM(SCRIPT_SUB, SCRIPT_REG_0, 5),
	SCRIPT_ALU32_REG(SCRIPT_OR, SCRIPT_REG_0, SCRIPT_REG_9),
	SCRIPT_ALU64_IMM(SCRIPT_RSH, SCRIPT_REG_0, 1),
};

static const struct script_insn br[] = {
	SCRIPT_JMP_REG(SCRIPT_JEQ, SCRIPT_REG_6, SCRIPT_REG_6, 0),
};

static const struct script_insn ldx[] = {
	SCRIPT_LDX_MEM(SCRIPT_DW, SCRIPT_REG_0, SCRIPT_REG_10, -8),
};

static const struct script_insn stx[] = {
	SCRIPT_STX_MEM(SCRIPT_DW, SCRIPT_REG_10, SCRIPT_REG_6, -8),
};

static const struct script_insn call[] = {
	SCRIPT_CALL_REL(0),
};

static const struct script_insn op[] = {
	SCRIPT_CALL_OP(SCRIPT_OP_GETPID),
};

static const struct script_insn empty[] = {
	SCRIPT_MOV64_IMM(SCRIPT_REG_0, 0),
	SCRIPT_EXIT_INSN(),
};

static const struct script_insn memchr_op[] = {
	SCRIPT_CALL_OP(SCRIPT_OP_MEMCHR),
};

/* r1 = &memchr_byte, r2 = 'x', r3 = 1: memchr_args */
static struct script_insn memchr_setup[4];

static const u32 vsizes[] = { 1024, 8192, 65536 };
static const char *const vnames[] = { "verify_1k", "verify_8k", "verify_64k" };

static const char *const jnames[] = {
	"jit_compile_1k", "jit_compile_8k", "jit_compile_64k"
};

static const char *const gnames[] = {
	"jit_codegen_1k", "jit_codegen_8k", "jit_codegen_64k"
};

/*
 * The compiled code's cases: the interpreter's programs compiled, and
 * the compiler's own time on the verifier's programs.
 */
static void add_jit_cases(const struct variant *v)
{
	struct script_prog *base = jit_prog(v, loop_prog(NULL, 0, 0));
	struct bcase *c;
	unsigned int j;

	add_delta_jit("alu64_add_imm", v, alu, ARRAY_SIZE(alu), base,
		      "ns_per_insn", "ALU64 add imm, compiled");
	add_delta_jit("alu_mix8", v, mix, ARRAY_SIZE(mix), base,
		      "ns_per_insn", "8 ALU opcodes in turn, compiled");
	add_delta_jit("jmp_taken", v, br, ARRAY_SIZE(br), base,
		      "ns_per_branch", "taken forward jeq, compiled");
	add_delta_jit("ldx_dw", v, ldx, ARRAY_SIZE(ldx), base,
		      "ns_per_load", "masked 8-byte load, compiled");
	add_delta_jit("stx_dw", v, stx, ARRAY_SIZE(stx), base,
		      "ns_per_store", "masked 8-byte store, compiled");
	add_delta_jit("subprog_call", v, call, ARRAY_SIZE(call), base,
		      "ns_per_call", "call + exit of a subprogram, compiled");
	add_delta_jit("op_dispatch_null", v, op, ARRAY_SIZE(op), base,
		      "ns_per_op", "op call, null getpid body, compiled");
	c = add_jit_case("loop_iter", v, K_LOOP, "ns_per_iteration",
			 "add + back-edge jlt (a yield point), compiled");
	c->body = base;
	c = add_jit_case("chain_getpid_null", v, K_LOOP, "ns_per_op",
			 "getpid op + 2 loop insns, null body, compiled");
	c->body = jit_prog(v, loop_prog(op, 1, 1));
	c = add_jit_case("op_memchr1", v, K_DELTA, "ns_per_op",
			 "memchr op of 1 byte (found), compiled");
	c->body = jit_prog(v, loop_prog_setup(memchr_setup,
					      ARRAY_SIZE(memchr_setup),
					      memchr_op, ARRAY_SIZE(memchr_op),
					      K));
	c->base = jit_prog(v, loop_prog_setup(memchr_setup,
					      ARRAY_SIZE(memchr_setup),
					      NULL, 0, 0));
	c->k = K;
	for (j = 0; j < ARRAY_SIZE(vsizes); j++) {
		struct script_insn *insns = verifier_prog(vsizes[j]);

		c = add_jit_case(jnames[j], v, K_COMPILE, "ns_per_insn",
				 "script_jit_compile() + free, per instruction");
		c->jprog = prog_of(insns, vsizes[j]);
		free(insns);
		jit_prog(v, c->jprog);
		c->code_bytes = shim_jit_bytes;
		v->jit_free(c->jprog);

		c = add_jit_case(gnames[j], v, K_COMPILE, "ns_per_insn",
				 "the same, code memory from a pool: the passes alone");
		c->jprog = prog_of(cases[ncases - 2].jprog->insns, vsizes[j]);
		c->code_bytes = cases[ncases - 2].code_bytes;
		c->pool = true;
	}
}

static void add_variant_cases(const struct variant *v)
{
	struct script_insn setup[] = {
		SCRIPT_LD_IMM64(SCRIPT_REG_1, memchr_args[0]),
		SCRIPT_MOV64_IMM(SCRIPT_REG_2, memchr_args[1]),
		SCRIPT_MOV64_IMM(SCRIPT_REG_3, memchr_args[2]),
	};
	struct script_prog *base = loop_prog(NULL, 0, 0);
	struct bcase *c;
	unsigned int j;

	BUILD_BUG_ON(sizeof(setup) != sizeof(memchr_setup));
	memcpy(memchr_setup, setup, sizeof(setup));
	add_delta("alu64_add_imm", v, alu, ARRAY_SIZE(alu), base,
		  "ns_per_insn", "ALU64 add imm");
	add_delta("alu_mix8", v, mix, ARRAY_SIZE(mix), base,
		  "ns_per_insn", "8 ALU opcodes in turn");
	add_delta("jmp_taken", v, br, ARRAY_SIZE(br), base,
		  "ns_per_branch", "taken forward jeq");
	add_delta("ldx_dw", v, ldx, ARRAY_SIZE(ldx), base,
		  "ns_per_load", "checked 8-byte load");
	add_delta("stx_dw", v, stx, ARRAY_SIZE(stx), base,
		  "ns_per_store", "checked 8-byte store");
	add_delta("subprog_call", v, call, ARRAY_SIZE(call), base,
		  "ns_per_call", "call + exit of a subprogram");
	add_delta("op_dispatch_null", v, op, ARRAY_SIZE(op), base,
		  "ns_per_op", "op call, null getpid body");

	c = add_case("loop_iter", v, K_LOOP, "ns_per_iteration",
		     "add + back-edge jlt (a yield point)");
	c->body = base;
	c = add_case("chain_getpid_null", v, K_LOOP, "ns_per_op",
		     "getpid op + 2 loop insns, null body");
	c->body = loop_prog(op, 1, 1);
	c = add_case("chain_getpid_host", v, K_LOOP, "ns_per_op",
		     "getpid op + 2 loop insns, host getpid(2) body");
	c->body = loop_prog(op, 1, 1);
	c->getpid_mode = SHIM_GETPID_HOST;
	c = add_case("run_empty", v, K_RUN, "ns_per_run",
		     "script_run() of r0 = 0; exit");
	c->body = prog_of(empty, ARRAY_SIZE(empty));
	c = add_case("run_fd_empty", v, K_SYSCALL, "ns_per_call",
		     "script(2) SCRIPT_RUN_FD of it: syscall.c, no entry");
	c->attr.prog_fd = load_prog(v, empty, ARRAY_SIZE(empty));

	c = add_case("op_memchr1", v, K_DELTA, "ns_per_op",
		     "memchr op of 1 byte (found)");
	c->body = loop_prog_setup(memchr_setup, ARRAY_SIZE(memchr_setup),
				  memchr_op, ARRAY_SIZE(memchr_op), K);
	c->base = loop_prog_setup(memchr_setup, ARRAY_SIZE(memchr_setup),
				  NULL, 0, 0);
	c->k = K;
	c = add_case("op_memchr1_body", v, K_OPBODY, "ns_per_call",
		     "its body: script_op_memchr() called directly");

	for (j = 0; j < ARRAY_SIZE(vsizes); j++) {
		struct script_log log = { };
		u32 err_pc;

		c = add_case(vnames[j], v, K_VERIFY, "ns_per_insn",
			     "script_verify() per instruction");
		c->vinsns = verifier_prog(vsizes[j]);
		c->vlen = vsizes[j];
		if (v->verify(c->vinsns, c->vlen, &log, &err_pc))
			die("verifier program of %u rejected at %u", c->vlen,
			    err_pc);
	}

	add_jit_cases(v);

	/* Each program runs once, to its expected end, before it is timed. */
	for (j = 0; j < ncases; j++) {
		c = &cases[j];
		if (c->v != v || !c->body || c->kind == K_RUN)
			continue;
		shim_getpid_mode = c->getpid_mode;
		run_ok(v, c->body, 3);
	}
	shim_getpid_mode = SHIM_GETPID_NULL;
}

static void add_host_cases(void)
{
	struct bcase *c;

	c = add_case("getppid", NULL, K_HOST, "ns_per_call",
		     "getppid() through the C library");
	c->host = host_getppid;
	c = add_case("getppid_wallclock", NULL, K_HOST, "ns_per_call",
		     "getppid(), wall clock: with this machine's contention");
	c->host = host_getppid;
	c->wall = true;
	c = add_case("getpid_raw", NULL, K_HOST, "ns_per_call",
		     "getpid as a bare syscall instruction");
	c->host = host_getpid_raw;
	c = add_case("enosys_raw", NULL, K_HOST, "ns_per_call",
		     "unknown syscall 1000: entry + exit, no body");
	c->host = host_enosys_raw;
	c = add_case("read_devzero_1b", NULL, K_HOST, "ns_per_call",
		     "read() of 1 byte of /dev/zero");
	c->host = host_read_devzero;
}

/*
 * The web server's request path (native_httpd.c): keep-alive GETs of a
 * 1 KiB file on 32 connections, as the HTTP benchmark's c=32 case, and
 * on one.  Each is recorded HTTPD_RECORDS times with the retpoline
 * variant (the real runs' CPU per request), the last recording replayed
 * by both variants.
 */
#define HTTPD_RECORDS	3

struct httpd_cfg {
	const char *name;
	unsigned int conns, rounds;
	int id;
	double real[HTTPD_RECORDS];
};

static struct httpd_cfg httpd_cfgs[] = {
	{ "httpd_c32", 32, 64 },
	{ "httpd_c1", 1, 1024 },
};

static const char *httpd_path;

static void add_httpd_cases(void)
{
	struct httpd_cfg *h;
	struct bcase *c;
	unsigned int i, j;
	int len;

	struct script_prog *jprogs[NVARIANTS];

	len = httpd_setup(httpd_path, variants[0].verify);
	for (j = 0; j < NVARIANTS; j++)
		jprogs[j] = jit_prog(&variants[j], httpd_prog_copy());
	for (i = 0; i < ARRAY_SIZE(httpd_cfgs); i++) {
		h = &httpd_cfgs[i];
		h->id = httpd_add_case(variants[0].run, h->conns, h->rounds,
				       HTTPD_RECORDS, h->real);
		for (j = 0; j < NVARIANTS; j++) {
			c = add_case(h->name, &variants[j], K_HTTPD,
				     "ns_per_request",
				     "httpd replay: interpreter, ops, no syscalls");
			c->httpd = h->id;
		}
		/* The same replays by the compiled program: same steps, r0 */
		for (j = 0; j < NVARIANTS; j++) {
			c = add_jit_case(h->name, &variants[j], K_HTTPD,
					 "ns_per_request",
					 "httpd replay, compiled: code, ops, no syscalls");
			c->httpd = h->id;
			c->jprog = jprogs[j];
		}
	}
	printf("httpd: %s, %d instructions, verified; recorded %u runs per case\n",
	       httpd_path, len, 2 * HTTPD_RECORDS);
}

static void filter_cases(const char *filter)
{
	unsigned int i, j;

	for (i = j = 0; i < ncases; i++)
		if (strstr(cases[i].name, filter))
			cases[j++] = cases[i];
	ncases = j;
	if (!ncases)
		die("no case matches %s", filter);
}

/* Calibrate every case, then sample each once per run, interleaved. */
static void measure(unsigned int runs, unsigned int sample_ms)
{
	unsigned int i, r;
	u64 elapsed;

	for (i = 0; i < ncases; i++) {
		cases[i].samples = calloc(runs, sizeof(double));
		if (!cases[i].samples)
			die("out of memory");
		calibrate(&cases[i], sample_ms * 1000000ULL);
	}
	for (r = 0; r < runs; r++) {
		for (i = 0; i < ncases; i++) {
			struct bcase *c = &cases[(i + r * 5) % ncases];

			c->samples[r] = sample(c, c->reps, &elapsed);
		}
	}
	shim_getpid_mode = SHIM_GETPID_NULL;
	for (i = 0; i < ncases; i++)
		stats(cases[i].samples, runs, &cases[i].min, &cases[i].median,
		      &cases[i].max);
}

/* Output */

static FILE *json;
static bool json_first = true;

static void json_row_unit(const char *cas, const char *impl,
			  const char *metric, const char *unit,
			  unsigned int runs, double mn, double med, double mx,
			  const char *extra)
{
	fprintf(json, "%s\n  {\"bench\": \"native\", \"case\": \"%s\", \"impl\": \"%s\", ",
		json_first ? "" : ",", cas, impl);
	fprintf(json, "\"metric\": \"%s\", \"unit\": \"%s\", \"runs\": %u, ",
		metric, unit, runs);
	fprintf(json, "\"min\": %.3f, \"median\": %.3f, \"max\": %.3f%s}",
		mn, med, mx, extra ? extra : "");
	json_first = false;
}

static void json_row(const char *cas, const char *impl, const char *metric,
		     unsigned int runs, double mn, double med, double mx,
		     const char *extra)
{
	json_row_unit(cas, impl, metric, "ns", runs, mn, med, mx, extra);
}

static void print_row(const char *name, const char *metric, double mn,
		      double med, double mx, const char *what)
{
	printf("%-30s %-16s %8.2f %8.2f %8.2f  %s\n", name, metric, mn, med,
	       mx, what);
}

static void read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");

	buf[0] = 0;
	if (!f)
		return;
	if (fgets(buf, size, f))
		buf[strcspn(buf, "\n")] = 0;
	fclose(f);
}

static void cpu_model(char *buf, size_t size)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256], *p;

	snprintf(buf, size, "?");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "model name", 10))
			continue;
		p = strchr(line, ':');
		if (p) {
			snprintf(buf, size, "%s", p + 2);
			buf[strcspn(buf, "\n")] = 0;
		}
		break;
	}
	fclose(f);
}

static void report_header(unsigned int runs, unsigned int sample_ms)
{
	char cpu[128], load[128], spectre[160], its[160];
	struct utsname uts;
	unsigned int i;

	uname(&uts);
	cpu_model(cpu, sizeof(cpu));
	read_line("/proc/loadavg", load, sizeof(load));
	read_line("/sys/devices/system/cpu/vulnerabilities/spectre_v2",
		  spectre, sizeof(spectre));
	read_line("/sys/devices/system/cpu/vulnerabilities/indirect_target_selection",
		  its, sizeof(its));
	printf("script(2) native projection: kernel/script built in user space (bench/native)\n");
	printf("host: %s %s, %s\n", uts.sysname, uts.release, cpu);
	printf("host mitigations: spectre_v2: %s; its: %s\n", spectre, its);
	for (i = 0; i < NVARIANTS; i++)
		printf("variant %-9s %s\n", variants[i].name, variants[i].what);
	printf("load average: %s; %u interleaved runs of ~%u ms (thread CPU time) per case\n\n",
	       load, runs, sample_ms);
	printf("%-30s %-16s %8s %8s %8s\n", "case", "metric (ns)", "min",
	       "median", "max");
}

/*
 * The projection, per variant and run by run: the native chain with a
 * null getpid body plus the host's getpid less its ENOSYS call (the body
 * of getpid with no user/kernel transition), a negative difference taken
 * as 0.  Compared with the host's getppid(), the target being 0.3x.
 */
static void report_projection(unsigned int runs)
{
	struct bcase *gp = find_case("getpid_raw");
	struct bcase *ns = find_case("enosys_raw");
	struct bcase *pp = find_case("getppid");
	double body[runs], proj[runs], mn, med, mx, ratio, ratio_gp;
	char name[64], extra[512];
	struct bcase *ch, *chh;
	unsigned int i, r;
	int n;

	if (!gp || !ns || !pp)
		return;		/* --filter left them out */
	for (r = 0; r < runs; r++)
		body[r] = gp->samples[r] - ns->samples[r];
	stats(body, runs, &mn, &med, &mx);
	json_row("getpid_body_estimate", "host-syscall", "ns_per_call", runs,
		 mn, med, mx, ", \"derived\": \"getpid_raw - enosys_raw, run by run\"");
	print_row("getpid_body_estimate", "ns_per_call", mn, med, mx,
		  "getpid_raw - enosys_raw: getpid's in-kernel body");

	printf("\nPROJECTION, not a measurement of script(2) in a kernel:\n");
	printf("one getpid op of a chain in one script(2) call = chain_getpid_null\n");
	printf("(interpreter, op dispatch, 2 loop insns; native) + getpid_body_estimate (host)\n");
	for (i = 0; i < NVARIANTS; i++) {
		const struct variant *v = &variants[i];

		snprintf(name, sizeof(name), "chain_getpid_null/%s", v->name);
		ch = find_case(name);
		snprintf(name, sizeof(name), "chain_getpid_host/%s", v->name);
		chh = find_case(name);
		if (!ch)
			continue;
		for (r = 0; r < runs; r++)
			proj[r] = ch->samples[r] + max(body[r], 0.0);
		stats(proj, runs, &mn, &med, &mx);
		ratio = med / pp->median;
		ratio_gp = med / gp->median;
		n = snprintf(extra, sizeof(extra),
			     ", \"projection\": true, \"basis\": \"chain_getpid_null/%s + max(0, getpid_raw - enosys_raw), run by run\"",
			     v->name);
		snprintf(extra + n, sizeof(extra) - n,
			 ", \"host_getppid_median_ns\": %.3f, \"ratio_to_getppid\": %.4f, \"ratio_to_getpid_raw\": %.4f, \"target_ratio\": 0.3, \"meets_target\": %s",
			 pp->median, ratio, ratio_gp, ratio <= 0.3 ? "true" : "false");
		snprintf(name, sizeof(name), "projection_getpid_chain/%s", v->name);
		json_row(name, "native-interp", "projected_ns_per_op", runs, mn,
			 med, mx, extra);
		fprintf(stdout,
			"  %-9s %6.1f ns/op (%.1f..%.1f) = %.2fx getppid (%.1f ns), %.2fx raw getpid",
			v->name, med, mn, mx, ratio, pp->median, ratio_gp);
		printf(": target 0.3x %s\n", ratio <= 0.3 ? "met" : "NOT met");
		if (chh)
			fprintf(stdout,
				"  %-9s cross-check: chain_getpid_host - getpid_raw = %.1f ns (chain_getpid_null %.1f)\n",
				"", chh->median - gp->median, ch->median);
	}
}

/*
 * Two rows the targets need, per variant and run by run:
 * mem_op_dispatch, what a memory op costs beyond its body (op_memchr1 less
 * op_memchr1_body), and run_fd_projection, SCRIPT_RUN_FD of an empty
 * program as a system call: syscall.c's body (run_fd_empty) plus the
 * host's entry and exit (enosys_raw), against the host's getppid().
 */
static void report_derived(unsigned int runs)
{
	struct bcase *ns = find_case("enosys_raw");
	struct bcase *pp = find_case("getppid");
	double d[runs], mn, med, mx;
	struct bcase *a, *b;
	char name[64], extra[256];
	unsigned int i, r;

	for (i = 0; i < NVARIANTS; i++) {
		const char *vn = variants[i].name;

		snprintf(name, sizeof(name), "op_memchr1/%s", vn);
		a = find_case(name);
		snprintf(name, sizeof(name), "op_memchr1_body/%s", vn);
		b = find_case(name);
		if (a && b) {
			for (r = 0; r < runs; r++)
				d[r] = a->samples[r] - b->samples[r];
			stats(d, runs, &mn, &med, &mx);
			snprintf(name, sizeof(name), "mem_op_dispatch/%s", vn);
			snprintf(extra, sizeof(extra),
				 ", \"derived\": \"op_memchr1/%s - op_memchr1_body/%s, run by run\"",
				 vn, vn);
			json_row(name, "native-interp", "ns_per_op", runs, mn,
				 med, mx, extra);
			print_row(name, "ns_per_op", mn, med, mx,
				  "a memory op beyond its body");
		}
		snprintf(name, sizeof(name), "run_fd_empty/%s", vn);
		a = find_case(name);
		if (a && ns && pp) {
			for (r = 0; r < runs; r++)
				d[r] = a->samples[r] + ns->samples[r];
			stats(d, runs, &mn, &med, &mx);
			snprintf(name, sizeof(name), "run_fd_projection/%s", vn);
			snprintf(extra, sizeof(extra),
				 ", \"derived\": \"run_fd_empty/%s + enosys_raw, run by run\", \"ratio_to_getppid\": %.4f",
				 vn, med / pp->median);
			json_row(name, "native-interp", "ns_per_call", runs, mn,
				 med, mx, extra);
			print_row(name, "ns_per_call", mn, med, mx,
				  "+ enosys_raw: SCRIPT_RUN_FD as a syscall");
		}
	}
}

/* Names of the system calls the web server's ops make */
static const char *syscall_name(unsigned int nr)
{
	static char buf[16];

	switch (nr) {
	case __NR_read:		return "read";
	case __NR_write:	return "write";
	case __NR_close:	return "close";
	case __NR_fstat:	return "fstat";
	case __NR_poll:		return "poll";
	case __NR_sendfile:	return "sendfile";
	case __NR_sendto:	return "sendto";
	case __NR_recvfrom:	return "recvfrom";
	case __NR_shutdown:	return "shutdown";
	case __NR_fcntl:	return "fcntl";
	case __NR_accept4:	return "accept4";
	case __NR_epoll_wait:	return "epoll_wait";
	case __NR_epoll_ctl:	return "epoll_ctl";
	case __NR_epoll_create1: return "epoll_create1";
	case __NR_openat2:	return "openat2";
	case __NR_clock_gettime: return "clock_gettime";
	}
	snprintf(buf, sizeof(buf), "nr%u", nr);
	return buf;
}

static void one_row(const char *name, const char *impl, const char *metric,
		    const char *unit, double v, const char *what)
{
	json_row_unit(name, impl, metric, unit, 1, v, v, v, NULL);
	printf("%-30s %-16s %8.2f %8s %8s  %s\n", name, metric, v, "", "",
	       what);
}

/*
 * The web server's rows: what a request takes (instructions, ops, the
 * host's system calls the ops made), the real runs' CPU per request,
 * the replay layer's share, and per variant the replay less that layer
 * (interpretation, op dispatch and the ops' own code) against the
 * transitions the ops save: the system calls per request, less
 * clock_gettime (a user-space server reads the clock in the vDSO),
 * times the host's cost of a system call's entry and exit (enosys_raw),
 * run by run.
 */
static void report_httpd(unsigned int runs)
{
	struct bcase *ns = find_case("enosys_raw");
	double ops[__SCRIPT_OP_MAX], nrs[SHIM_NR_MAX], insns, nops, nsys;
	double saved[runs], net[runs], mn, med, mx, layer, ratio, saved_med;
	char name[80], extra[1024];
	const struct httpd_cfg *h;
	struct bcase *c;
	unsigned int i, j, r;

	for (i = 0; i < ARRAY_SIZE(httpd_cfgs); i++) {
		h = &httpd_cfgs[i];
		snprintf(name, sizeof(name), "%s/%s", h->name, variants[0].name);
		if (!find_case(name))
			continue;	/* --filter */
		printf("\nHTTPD %s: %u connections, %llu keep-alive GETs of 1 KiB",
		       h->name, h->conns, httpd_requests(h->id));
		printf(" (run B less run A, per request)\n");
		httpd_counts(h->id, variants[0].run, &insns, ops, nrs);
		layer = httpd_layer_ns(h->id);
		nops = 0;
		for (j = 0; j < __SCRIPT_OP_MAX; j++)
			nops += ops[j];
		nsys = 0;
		for (j = 0; j < SHIM_NR_MAX; j++)
			if (j != __NR_clock_gettime)
				nsys += nrs[j];

		stats(h->real, HTTPD_RECORDS, &mn, &med, &mx);
		snprintf(name, sizeof(name), "%s_hostcalls/%s", h->name,
			 variants[0].name);
		json_row(name, "native-interp", "ns_per_request", HTTPD_RECORDS,
			 mn, med, mx, NULL);
		print_row(name, "ns_per_request", mn, med, mx,
			  "real run: thread CPU, host syscalls included");
		snprintf(name, sizeof(name), "%s_insns", h->name);
		one_row(name, "native-interp", "insns_per_request", "insns",
			insns, "instructions interpreted");
		snprintf(name, sizeof(name), "%s_ops", h->name);
		one_row(name, "native-interp", "ops_per_request", "ops", nops,
			"ops called");
		for (j = 0; j < __SCRIPT_OP_MAX; j++) {
			if (ops[j] < 0.005)
				continue;
			snprintf(name, sizeof(name), "%s_op/%s", h->name,
				 shim_op_name[j] ? shim_op_name[j] : "?");
			one_row(name, "native-interp", "ops_per_request", "ops",
				ops[j], "");
		}
		snprintf(name, sizeof(name), "%s_syscalls", h->name);
		one_row(name, "native-interp", "syscalls_per_request", "calls",
			nsys, "host syscalls the ops made, clock_gettime aside");
		for (j = 0; j < SHIM_NR_MAX; j++) {
			if (nrs[j] < 0.005)
				continue;
			snprintf(name, sizeof(name), "%s_syscall/%s", h->name,
				 syscall_name(j));
			one_row(name, "native-interp", "syscalls_per_request",
				"calls", nrs[j], j == __NR_clock_gettime ?
				"(the vDSO's in user space: not counted)" : "");
		}
		snprintf(name, sizeof(name), "%s_replay_layer", h->name);
		one_row(name, "native-interp", "ns_per_request", "ns", layer,
			"the replay's own copying, taken out below");
		if (!ns)
			continue;
		for (r = 0; r < runs; r++)
			saved[r] = nsys * ns->samples[r];
		stats(saved, runs, &mn, &med, &mx);
		saved_med = med;
		snprintf(name, sizeof(name), "%s_transitions_saved", h->name);
		snprintf(extra, sizeof(extra),
			 ", \"derived\": \"%s_syscalls x enosys_raw, run by run\", \"syscalls_per_request\": %.3f",
			 h->name, nsys);
		json_row(name, "host-syscall", "ns_per_request", runs, mn, med,
			 mx, extra);
		print_row(name, "ns_per_request", mn, med, mx,
			  "syscalls/request x enosys_raw");
		for (j = 0; j < NVARIANTS; j++) {
			snprintf(name, sizeof(name), "%s/%s", h->name,
				 variants[j].name);
			c = find_case(name);
			if (!c)
				continue;
			for (r = 0; r < runs; r++)
				net[r] = c->samples[r] - layer;
			stats(net, runs, &mn, &med, &mx);
			ratio = med / saved_med;
			snprintf(name, sizeof(name), "%s_interp_dispatch/%s",
				 h->name, variants[j].name);
			snprintf(extra, sizeof(extra),
				 ", \"derived\": \"%s/%s - %s_replay_layer\", \"insns_per_request\": %.1f, \"ops_per_request\": %.2f, \"syscalls_per_request\": %.3f, \"transitions_saved_median_ns\": %.3f, \"ratio_to_transitions_saved\": %.4f, \"below_transitions_saved\": %s, \"break_even_syscall_ns\": %.1f",
				 h->name, variants[j].name, h->name, insns, nops,
				 nsys, saved_med, ratio,
				 ratio < 1 ? "true" : "false", med / nsys);
			json_row(name, "native-interp", "ns_per_request", runs,
				 mn, med, mx, extra);
			print_row(name, "ns_per_request", mn, med, mx,
				  "replay - layer: interp + dispatch + op code");
			printf("  %-9s %.0f ns of interpretation + dispatch per request",
			       variants[j].name, med);
			printf(" %s the %.0f ns of transitions it saves (%.2fx);",
			       ratio < 1 ? "is below" : "is NOT below", saved_med,
			       ratio);
			printf(" break-even at %.0f ns per system call\n",
			       med / nsys);
		}
		/* The compiled program's replay less the layer */
		for (j = 0; j < NVARIANTS; j++) {
			struct bcase *ci;

			snprintf(name, sizeof(name), "%s/%s", h->name,
				 variants[j].name);
			c = find_case_of(name, true);
			ci = find_case(name);
			if (!c || !ci)
				continue;
			for (r = 0; r < runs; r++)
				net[r] = c->samples[r] - layer;
			stats(net, runs, &mn, &med, &mx);
			ratio = med / saved_med;
			snprintf(name, sizeof(name), "%s_interp_dispatch/%s",
				 h->name, variants[j].name);
			snprintf(extra, sizeof(extra),
				 ", \"derived\": \"%s/%s (compiled) - %s_replay_layer\", \"insns_per_request\": %.1f, \"transitions_saved_median_ns\": %.3f, \"ratio_to_transitions_saved\": %.4f, \"ratio_to_interpreted_replay\": %.4f, \"break_even_syscall_ns\": %.1f",
				 h->name, variants[j].name, h->name, insns,
				 saved_med, ratio,
				 (c->median - layer) / (ci->median - layer),
				 med / nsys);
			json_row(name, "native-jit", "ns_per_request", runs,
				 mn, med, mx, extra);
			print_row(name, "ns_per_request", mn, med, mx,
				  "compiled: replay - layer: code + dispatch + op code");
			printf("  %-9s compiled: %.0f ns per request, %.2fx",
			       variants[j].name, med,
			       (c->median - layer) / (ci->median - layer));
			printf(" the interpreted replay's (less the layer);");
			printf(" %.2fx the transitions saved\n", ratio);
		}
	}
}

static void bad_args(void)
{
	fprintf(stderr,
		"native_bench [--runs N>=5] [--sample-ms MS] [--json FILE] [--filter SUBSTR]\n"
		"             [--httpd HTTPD.BPF.O]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned int runs = 7, sample_ms = 15, i;
	const char *path = "native-results.json", *filter = NULL;
	u64 t_start = wall_ns();

	for (i = 1; i < (unsigned int)argc; i++) {
		const char *arg = argv[i], *val = argv[i + 1];

		if (!val)
			bad_args();
		else if (!strcmp(arg, "--runs"))
			runs = atoi(val);
		else if (!strcmp(arg, "--sample-ms"))
			sample_ms = atoi(val);
		else if (!strcmp(arg, "--json"))
			path = val;
		else if (!strcmp(arg, "--filter"))
			filter = val;
		else if (!strcmp(arg, "--httpd"))
			httpd_path = val;
		else
			bad_args();
		i++;
	}
	if (runs < 5 || !sample_ms)
		bad_args();

	/* The verifier's arrays from a warm heap, as from a warm slab. */
	mallopt(M_MMAP_THRESHOLD, 64 << 20);
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	shim_task_init(getpid());
	shim_install_fault_handler();
	/*
	 * The self-test as on a kernel with kernel.script_jit 0: syscall.c
	 * loads and runs with the interpreter, whose faults the SIGSEGV
	 * handler fixes up (it does not know compiled code's).
	 */
	for (i = 0; i < NVARIANTS; i++)
		*variants[i].jit_sysctl = 0;
	devzero = open("/dev/zero", O_RDONLY);
	devrandom = open("/dev/urandom", O_RDONLY);
	if (devzero < 0 || devrandom < 0)
		die("/dev/zero, /dev/urandom: %s", strerror(errno));

	for (i = 0; i < NVARIANTS; i++)
		selftest(&variants[i]);
	if (shim_warnings)
		die("selftest: %lu kernel warnings", shim_warnings);
	printf("selftest: %u checks passed (%lu user-access faults fixed up)\n",
	       checks, shim_fixups);

	/*
	 * kernel.script_jit 1 from here: a program with compiled code runs
	 * it.  syscall.c's cases load with SCRIPT_F_INTERP (load_prog()), the
	 * compiled cases compile their programs themselves.
	 */
	for (i = 0; i < NVARIANTS; i++)
		*variants[i].jit_sysctl = 1;
	for (i = 0; i < NVARIANTS; i++)
		add_variant_cases(&variants[i]);
	add_host_cases();
	if (httpd_path)
		add_httpd_cases();
	if (filter)
		filter_cases(filter);

	measure(runs, sample_ms);

	json = fopen(path, "w");
	if (!json)
		die("%s: %s", path, strerror(errno));
	fprintf(json, "[");
	report_header(runs, sample_ms);
	for (i = 0; i < ncases; i++) {
		struct bcase *c = &cases[i];
		char label[sizeof(c->name) + 8], extra[128] = "";

		if (c->kind == K_COMPILE)
			snprintf(extra, sizeof(extra),
				 ", \"code_bytes\": %lu, \"code_bytes_per_insn\": %.1f",
				 c->code_bytes,
				 (double)c->code_bytes / c->jprog->len);
		json_row(c->name, c->impl, c->metric, runs, c->min, c->median,
			 c->max, extra);
		snprintf(label, sizeof(label), "%.*s%s",
			 (int)sizeof(c->name) - 1, c->name, c->jit ? " [jit]" : "");
		print_row(label, c->metric, c->min, c->median, c->max, c->what);
	}
	report_projection(runs);
	report_derived(runs);
	if (httpd_path)
		report_httpd(runs);
	fprintf(json, "\n]\n");
	if (fclose(json))
		die("%s: %s", path, strerror(errno));
	printf("\nwrote %s (%.1f s)\n", path, (wall_ns() - t_start) / 1e9);
	return 0;
}
