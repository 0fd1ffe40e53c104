// SPDX-License-Identifier: GPL-2.0
/*
 * ops_bench: the micro benchmarks of "make bench", run in the guest by
 * bench/run.sh.
 *
 *  chain   per-op cost of a chain of N trivial requests (getpid, a 1-byte
 *          read of /dev/zero): system calls in a loop, io_uring in batches,
 *          and script(2) looping over the same ops in one call, inline
 *          (SCRIPT_RUN) and by program fd (SCRIPT_RUN_FD);
 *  call    SCRIPT_RUN_FD and SCRIPT_RUN of an empty program against
 *          getppid();
 *  interp  the interpreter alone: ns per ALU instruction, taken branch,
 *          checked load and store, subprogram call and loop iteration;
 *  verify  SCRIPT_VERIFY of 1K, 8K and 64K instruction programs
 *          (straight-line, branchy, many subprograms): ns per instruction.
 *
 * The measurements of one group (the implementations of one case, or all
 * the cases of a small bench) are first calibrated to about SAMPLE_MS
 * each, then sampled in ROUNDS rounds; a round takes one sample of every
 * measurement of the group, starting at a different one each round, so
 * that drift hits all alike.  Output on stdout, one line per measurement:
 *
 *   BENCH-ROW {"bench":"chain","case":"getpid N=64","impl":"script-fd",
 *              "metric":"per_op","unit":"ns","runs":9,"min":..,
 *              "median":..,"max":..,"samples":[..]}
 *
 * and "BENCH-PROGRESS ..." lines on stderr.
 *
 * A sample is the fastest of SLICES back-to-back slices of SAMPLE_MS /
 * SLICES each (see take_sample()).
 *
 * Usage: ops_bench [-r ROUNDS] [-t SAMPLE_MS] [-s SLICES] [-f FILTER]
 *		    [-c CPU]
 *   -f runs only the groups whose title contains FILTER; -c pins the
 *   process to CPU (default 0; -1: no pinning).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/script.h>

#ifndef __NR_script
#define __NR_script 463
#endif

#define MAX_ROUNDS	64
#define MAX_IMPLS	16

static int rounds = 25;
static double sample_ns = 25e6;
static int slices = 8;
static const char *filter;

/* Instructions, as the kernel's include/linux/filter.h builds them. */
#define I(CODE, DST, SRC, OFF, IMM)					\
	((struct script_insn){ .code = (CODE), .dst_reg = (DST),	\
			       .src_reg = (SRC), .off = (OFF), .imm = (IMM) })
#define ALU64_IMM(OP, D, IMM)	I(SCRIPT_ALU64 | (OP) | SCRIPT_K, D, 0, 0, IMM)
#define ALU64_REG(OP, D, S)	I(SCRIPT_ALU64 | (OP) | SCRIPT_X, D, S, 0, 0)
#define MOV_IMM(D, IMM)		ALU64_IMM(SCRIPT_MOV, D, IMM)
#define MOV_REG(D, S)		ALU64_REG(SCRIPT_MOV, D, S)
#define JMP_IMM(OP, D, IMM, OFF) I(SCRIPT_JMP | (OP) | SCRIPT_K, D, 0, OFF, IMM)
#define JMP_REG(OP, D, S, OFF)	I(SCRIPT_JMP | (OP) | SCRIPT_X, D, S, OFF, 0)
#define CALL_OP(ID)		I(SCRIPT_JMP | SCRIPT_CALL, 0, 0, 0, ID)
#define CALL_REL(IMM)		I(SCRIPT_JMP | SCRIPT_CALL, 0, \
				  SCRIPT_PSEUDO_CALL, 0, IMM)
#define LDX_DW(D, S, OFF)	I(SCRIPT_LDX | SCRIPT_MEM | SCRIPT_DW, D, S, OFF, 0)
#define STX_DW(D, S, OFF)	I(SCRIPT_STX | SCRIPT_MEM | SCRIPT_DW, D, S, OFF, 0)
#define EXIT_INSN		I(SCRIPT_JMP | SCRIPT_EXIT, 0, 0, 0, 0)

enum { R0, R1, R2, R3, R4, R5, R6, R7, R8, R9, R10 };

/* A program being built. */
struct prog {
	struct script_insn *insns;
	size_t len;
	size_t cap;
};

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("BENCH-ERROR ops_bench: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static void emit(struct prog *p, struct script_insn insn)
{
	if (p->len == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 64;
		p->insns = realloc(p->insns, p->cap * sizeof(*p->insns));
		if (!p->insns)
			die("out of memory");
	}
	p->insns[p->len++] = insn;
}

static long sys_script(unsigned int cmd, struct script_attr *attr)
{
	return syscall(__NR_script, cmd, attr, sizeof(*attr));
}

/* Loads @p; on rejection dies with the verifier's reason. */
static int load_prog(const struct prog *p)
{
	static char log[512];
	struct script_attr attr = {
		.insns = (uintptr_t)p->insns,
		.insn_cnt = p->len,
		.log_buf = (uintptr_t)log,
		.log_size = sizeof(log),
		.log_level = SCRIPT_LOG_ERROR,
	};
	long fd = sys_script(SCRIPT_LOAD, &attr);

	if (fd < 0)
		die("SCRIPT_LOAD of %zu insns: %s: %s", p->len,
		    strerror(errno), log);
	return fd;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/*
 * One measurement: @fn performs @iters units of work and returns the
 * sample's value, the time of one unit in ns.
 */
struct impl;
typedef double (*sample_fn)(struct impl *im, long iters);

struct impl {
	const char *bench;
	char casename[48];
	const char *name;
	const char *metric;
	sample_fn fn;

	long n;			/* ops in a chain; loop iterations */
	long k;			/* measured insns per loop iteration */
	int fd;			/* the file a read reads, or -1 */
	unsigned int batch;	/* io_uring: requests per submission */
	struct io_uring *ring;
	struct script_attr attr;	/* the run's, or the verify's */
	struct script_attr base;	/* the baseline run of a difference */
	unsigned int cmd;

	long iters;
	double samples[MAX_ROUNDS];
	double t_run, t_base;	/* the last slice of a difference, in ns */
};

static char byte_buf[64];
/* The user stack of interpreter runs: a subprogram call needs 1024. */
static __u64 stack[4096 / 8];
/*
 * The state area of runs that loop: without one, a run that meets task
 * work at a yield point (io_uring's, say) ends with EINTR; with one, it
 * parks and goes on transparently, as a well-behaved caller's would.
 */
static struct script_state run_state;

static void set_state(struct script_attr *attr)
{
	attr->state = (uintptr_t)&run_state;
	attr->state_size = sizeof(run_state);
}

/* chain: system calls one by one */
static double s_getpid(struct impl *im, long iters)
{
	double t0 = now_ns();
	long i, j;

	for (i = 0; i < iters; i++)
		for (j = 0; j < im->n; j++)
			syscall(SYS_getpid);
	return (now_ns() - t0) / ((double)iters * im->n);
}

static double s_read(struct impl *im, long iters)
{
	double t0 = now_ns();
	long i, j;

	for (i = 0; i < iters; i++)
		for (j = 0; j < im->n; j++)
			if (read(im->fd, byte_buf, 1) != 1)
				die("read of /dev/zero: %s", strerror(errno));
	return (now_ns() - t0) / ((double)iters * im->n);
}

static double s_getppid(struct impl *im, long iters)
{
	double t0 = now_ns();
	long i;

	for (i = 0; i < iters; i++)
		getppid();
	return (now_ns() - t0) / iters;
}

/* chain: io_uring, @im->batch requests per io_uring_enter() */
static void uring_chain(struct impl *im)
{
	struct io_uring *ring = im->ring;
	struct io_uring_cqe *cqe;
	long left = im->n;
	unsigned int b, i, head, seen;
	int ret;

	while (left) {
		b = left < im->batch ? left : im->batch;
		for (i = 0; i < b; i++) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

			if (im->fd < 0)
				io_uring_prep_nop(sqe);
			else
				io_uring_prep_read(sqe, im->fd, byte_buf, 1, 0);
		}
		ret = io_uring_submit_and_wait(ring, b);
		if (ret != (int)b)
			die("io_uring_submit_and_wait: %d", ret);
		for (i = 0; i < b; i += seen) {
			seen = 0;
			io_uring_for_each_cqe(ring, head, cqe) {
				if (cqe->res != (im->fd < 0 ? 0 : 1))
					die("io_uring cqe res %d", cqe->res);
				seen++;
			}
			io_uring_cq_advance(ring, seen);
			if (i + seen < b && io_uring_wait_cqe(ring, &cqe))
				die("io_uring_wait_cqe");
		}
		left -= b;
	}
}

static double s_uring(struct impl *im, long iters)
{
	double t0 = now_ns();
	long i;

	for (i = 0; i < iters; i++)
		uring_chain(im);
	return (now_ns() - t0) / ((double)iters * im->n);
}

/* script(2): @iters calls, each running the whole chain or program */
static void script_calls(struct impl *im, struct script_attr *attr,
			 long iters)
{
	long i;

	for (i = 0; i < iters; i++)
		if (sys_script(im->cmd, attr) || attr->retval)
			die("%s %s: %s, pc %u, r0 %lld", im->casename,
			    im->name, strerror(errno), attr->pc,
			    (long long)attr->retval);
}

static double s_script(struct impl *im, long iters)
{
	double t0 = now_ns();

	script_calls(im, &im->attr, iters);
	return (now_ns() - t0) / ((double)iters * im->n);
}

/*
 * interp: the difference between a run of a loop whose body holds k of the
 * measured instructions and a run of the same loop with the baseline's
 * body, per measured instruction.
 */
static double s_script_diff(struct impl *im, long iters)
{
	double t0, t1, t2;

	t0 = now_ns();
	script_calls(im, &im->attr, iters);
	t1 = now_ns();
	script_calls(im, &im->base, iters);
	t2 = now_ns();
	im->t_run = t1 - t0;
	im->t_base = t2 - t1;
	return (im->t_run - im->t_base) / ((double)iters * im->n * im->k);
}

static double s_verify(struct impl *im, long iters)
{
	double t0 = now_ns();
	long i;

	for (i = 0; i < iters; i++)
		if (sys_script(SCRIPT_VERIFY, &im->attr))
			die("SCRIPT_VERIFY %s: %s", im->casename,
			    strerror(errno));
	return (now_ns() - t0) / ((double)iters * im->attr.insn_cnt);
}

/* Wall time of one sample of @iters, in ns. */
static double timed(struct impl *im, long iters)
{
	double t0 = now_ns();

	im->fn(im, iters);
	return now_ns() - t0;
}

/* Sets im->iters for a slice of a sample: sample_ns / slices. */
static void calibrate(struct impl *im)
{
	double slice_ns = sample_ns / slices, t;
	long iters = 1;

	im->fn(im, 1);	/* warm up */
	for (;;) {
		t = timed(im, iters);
		if (t >= slice_ns / 8 || iters >= (1L << 40))
			break;
		iters *= t < slice_ns / 1000 ? 100 : 8;
	}
	iters = iters * (slice_ns / t);
	im->iters = iters < 1 ? 1 : iters;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void print_row(struct impl *im)
{
	double s[MAX_ROUNDS], median;
	int i;

	memcpy(s, im->samples, rounds * sizeof(s[0]));
	qsort(s, rounds, sizeof(s[0]), cmp_double);
	median = rounds % 2 ? s[rounds / 2] :
		 (s[rounds / 2 - 1] + s[rounds / 2]) / 2;
	printf("BENCH-ROW {\"bench\":\"%s\",\"case\":\"%s\",",
	       im->bench, im->casename);
	printf("\"impl\":\"%s\",\"metric\":\"%s\",\"unit\":\"ns\",",
	       im->name, im->metric);
	printf("\"runs\":%d,\"min\":%.3f,\"median\":%.3f,\"max\":%.3f,",
	       rounds, s[0], median, s[rounds - 1]);
	printf("\"iters\":%ld,\"samples\":[", im->iters);
	for (i = 0; i < rounds; i++)
		printf("%s%.3f", i ? "," : "", im->samples[i]);
	printf("]}\n");
	fflush(stdout);
}

static int groups_total, groups_done;

static void progress(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "BENCH-PROGRESS ops ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/*
 * Sample @r of @im: the fastest of its slices, taken back to back.  On a
 * busy host the guest's CPU is now and then taken away for milliseconds;
 * a slice of a few milliseconds often escapes that, a whole sample seldom.
 */
static void take_sample(struct impl *im, int r)
{
	double v, best = 0, run = 0, base = 0;
	int i;

	for (i = 0; i < slices; i++) {
		v = im->fn(im, im->iters);
		if (!i || v < best)
			best = v;
		if (!i || im->t_run < run)
			run = im->t_run;
		if (!i || im->t_base < base)
			base = im->t_base;
	}
	/* A difference: the fastest run less the fastest baseline. */
	if (im->fn == s_script_diff)
		best = (run - base) / ((double)im->iters * im->n * im->k);
	im->samples[r] = best;
}

/* Calibrates and samples the @n measurements of a group, round-robin. */
static void run_group(const char *title, struct impl *im, int n)
{
	char summary[512];
	double t0 = now_ns();
	int r, j, len = 0, same_impl;
	const char *what;

	groups_done++;
	if (filter && !strstr(title, filter))
		return;
	progress("[%d/%d] %s ...", groups_done, groups_total, title);
	for (j = 0; j < n; j++)
		calibrate(&im[j]);
	for (r = 0; r < rounds; r++)
		for (j = 0; j < n; j++)
			take_sample(&im[(j + r) % n], r);
	/* Label the summary by implementation, or by case when all agree. */
	same_impl = 1;
	for (j = 1; j < n; j++)
		if (strcmp(im[j].name, im[0].name))
			same_impl = 0;
	for (j = 0; j < n; j++) {
		print_row(&im[j]);
		qsort(im[j].samples, rounds, sizeof(double), cmp_double);
		what = im[j].name;
		if (same_impl)
			what = im[j].casename;
		len += snprintf(summary + len, sizeof(summary) - len,
				"%s%s %.1f", j ? ", " : "", what,
				im[j].samples[rounds / 2]);
		if (len >= (int)sizeof(summary))
			len = sizeof(summary) - 1;
	}
	progress("[%d/%d] %s: %s ns (%.1f s)", groups_done, groups_total,
		 title, summary, (now_ns() - t0) / 1e9);
}

static struct impl *add_impl(struct impl *im, int *n, const char *bench,
			     const char *casename, const char *name,
			     const char *metric, sample_fn fn)
{
	struct impl *x = &im[(*n)++];

	if (*n > MAX_IMPLS)
		die("too many measurements in a group");
	memset(x, 0, sizeof(*x));
	x->bench = bench;
	snprintf(x->casename, sizeof(x->casename), "%s", casename);
	x->name = name;
	x->metric = metric;
	x->fn = fn;
	x->fd = -1;
	x->n = 1;
	x->k = 1;
	return x;
}

/*
 * The chain in one call: r1 ops, by op @op: getpid, or read(r2, r3, 1).
 *	r6 = r1; r7 = r2; r8 = r3
 *   loop:
 *	[r1 = r7; r2 = r8; r3 = 1]	(read)
 *	call op
 *	r6 -= 1
 *	if r6 != 0 goto loop
 *	r0 = 0; exit
 */
static void chain_prog(struct prog *p, int op)
{
	int body;

	emit(p, MOV_REG(R6, R1));
	emit(p, MOV_REG(R7, R2));
	emit(p, MOV_REG(R8, R3));
	body = p->len;
	if (op == SCRIPT_OP_READ) {
		emit(p, MOV_REG(R1, R7));
		emit(p, MOV_REG(R2, R8));
		emit(p, MOV_IMM(R3, 1));
	}
	emit(p, CALL_OP(op));
	emit(p, ALU64_IMM(SCRIPT_SUB, R6, 1));
	emit(p, JMP_IMM(SCRIPT_JNE, R6, 0, body - (int)p->len - 1));
	emit(p, MOV_IMM(R0, 0));
	emit(p, EXIT_INSN);
}

static struct io_uring *new_ring(unsigned int entries)
{
	struct io_uring *ring = calloc(1, sizeof(*ring));
	int ret;

	if (!ring)
		die("out of memory");
	ret = io_uring_queue_init(entries, ring, 0);
	if (ret)
		die("io_uring_queue_init(%u): %s", entries, strerror(-ret));
	return ring;
}

static void bench_chain(void)
{
	static const long ns[] = { 1, 8, 64, 1024 };
	static const struct {
		const char *name;
		int op;
	} ops[] = {
		{ "getpid", SCRIPT_OP_GETPID },
		{ "read", SCRIPT_OP_READ },
	};
	struct impl im[MAX_IMPLS], *x;
	struct prog progs[2] = {};
	int fds[2], zero, o, i, n, j;
	char title[64], cname[48];

	zero = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	if (zero < 0)
		die("/dev/zero: %s", strerror(errno));
	for (o = 0; o < 2; o++) {
		chain_prog(&progs[o], ops[o].op);
		fds[o] = load_prog(&progs[o]);
	}

	for (o = 0; o < 2; o++) {
		for (i = 0; i < 4; i++) {
			long len = ns[i];
			int read_op = ops[o].op == SCRIPT_OP_READ;

			snprintf(cname, sizeof(cname), "%s N=%ld",
				 ops[o].name, len);
			snprintf(title, sizeof(title), "chain %s", cname);
			n = 0;
			x = add_impl(im, &n, "chain", cname, "syscall",
				     "per_op", read_op ? s_read : s_getpid);

			x = add_impl(im, &n, "chain", cname, "io_uring",
				     "per_op", s_uring);
			x->batch = len;
			if (len > 32) {
				x = add_impl(im, &n, "chain", cname,
					     "io_uring-b32", "per_op", s_uring);
				x->batch = 32;
			}

			x = add_impl(im, &n, "chain", cname, "script-run",
				     "per_op", s_script);
			x->cmd = SCRIPT_RUN;
			x->attr.insns = (uintptr_t)progs[o].insns;
			x->attr.insn_cnt = progs[o].len;

			x = add_impl(im, &n, "chain", cname, "script-fd",
				     "per_op", s_script);
			x->cmd = SCRIPT_RUN_FD;
			x->attr.prog_fd = fds[o];

			for (j = 0; j < n; j++) {
				im[j].n = len;
				if (read_op)
					im[j].fd = zero;
				if (im[j].batch)
					im[j].ring = new_ring(im[j].batch);
				im[j].attr.args[0] = len;
				im[j].attr.args[1] = zero;
				im[j].attr.args[2] = (uintptr_t)byte_buf;
				if (im[j].cmd)
					set_state(&im[j].attr);
			}
			run_group(title, im, n);
			for (j = 0; j < n; j++)
				if (im[j].ring) {
					io_uring_queue_exit(im[j].ring);
					free(im[j].ring);
				}
		}
	}
	close(fds[0]);
	close(fds[1]);
	close(zero);
	free(progs[0].insns);
	free(progs[1].insns);
}

static void bench_call(void)
{
	struct prog p = {};
	struct impl im[3], *x;
	int n = 0, fd;

	emit(&p, MOV_IMM(R0, 0));
	emit(&p, EXIT_INSN);
	fd = load_prog(&p);

	add_impl(im, &n, "call", "empty program", "getppid", "per_call",
		 s_getppid);
	x = add_impl(im, &n, "call", "empty program", "script-fd",
		     "per_call", s_script);
	x->cmd = SCRIPT_RUN_FD;
	x->attr.prog_fd = fd;
	x = add_impl(im, &n, "call", "empty program", "script-run",
		     "per_call", s_script);
	x->cmd = SCRIPT_RUN;
	x->attr.insns = (uintptr_t)p.insns;
	x->attr.insn_cnt = p.len;
	run_group("call: empty program vs getppid", im, n);
	close(fd);
	free(p.insns);
}

enum interp_kind { K_ALU, K_BRANCH, K_LOAD, K_STORE, K_CALL, K_NONE };

/*
 * A loop of @iters iterations whose body holds @k instructions of @kind:
 *	r6 = iters; r0 = 0; r7 = 1; r8 = 2; r9 = 3
 *   loop:
 *	body
 *	r6 -= 1
 *	if r6 != 0 goto loop
 *	r0 = 0; exit
 *   sub:	(K_CALL)
 *	exit
 */
static void interp_prog(struct prog *p, enum interp_kind kind, long iters,
			int k)
{
	static const struct script_insn alu[] = {
		ALU64_REG(SCRIPT_ADD, R0, R7),
		ALU64_REG(SCRIPT_XOR, R8, R0),
		ALU64_IMM(SCRIPT_ADD, R9, 5),
		ALU64_IMM(SCRIPT_OR, R7, 1),
		ALU64_REG(SCRIPT_SUB, R0, R8),
		ALU64_IMM(SCRIPT_LSH, R9, 1),
		MOV_REG(R8, R9),
		ALU64_IMM(SCRIPT_AND, R0, 0xffff),
	};
	int body, i, call_fixup[256];

	emit(p, MOV_IMM(R6, iters));
	emit(p, MOV_IMM(R0, 0));
	emit(p, MOV_IMM(R7, 1));
	emit(p, MOV_IMM(R8, 2));
	emit(p, MOV_IMM(R9, 3));
	body = p->len;
	for (i = 0; i < k; i++) {
		switch (kind) {
		case K_ALU:
			emit(p, alu[i % 8]);
			break;
		case K_BRANCH:
			/* taken: r6 is 1 or more; skips the next insn */
			emit(p, JMP_IMM(SCRIPT_JNE, R6, 0, 1));
			emit(p, ALU64_IMM(SCRIPT_ADD, R0, 1));
			break;
		case K_LOAD:
			emit(p, LDX_DW(R0, R10, -8 * (1 + i % 8)));
			break;
		case K_STORE:
			emit(p, STX_DW(R10, R7, -8 * (1 + i % 8)));
			break;
		case K_CALL:
			call_fixup[i] = p->len;
			emit(p, CALL_REL(0));
			break;
		case K_NONE:
			break;
		}
	}
	emit(p, ALU64_IMM(SCRIPT_SUB, R6, 1));
	emit(p, JMP_IMM(SCRIPT_JNE, R6, 0, body - (int)p->len - 1));
	emit(p, MOV_IMM(R0, 0));
	emit(p, EXIT_INSN);
	if (kind == K_CALL) {
		for (i = 0; i < k; i++)
			p->insns[call_fixup[i]].imm = p->len - call_fixup[i] - 1;
		emit(p, EXIT_INSN);
	}
}

static void bench_interp(void)
{
	static const struct {
		const char *name;
		const char *metric;
		enum interp_kind kind;
	} kinds[] = {
		{ "alu", "per_insn", K_ALU },
		{ "taken branch", "per_insn", K_BRANCH },
		{ "load", "per_insn", K_LOAD },
		{ "store", "per_insn", K_STORE },
		{ "subprogram call", "per_call", K_CALL },
	};
	const long loops = 64;
	const int k = 32;
	struct prog base = {}, empty = {}, progs[5] = {};
	struct impl im[8], *x;
	int n = 0, i, base_fd, empty_fd, fds[5];

	interp_prog(&base, K_NONE, loops, 0);
	base_fd = load_prog(&base);
	emit(&empty, MOV_IMM(R0, 0));
	emit(&empty, EXIT_INSN);
	empty_fd = load_prog(&empty);

	for (i = 0; i < 5; i++) {
		interp_prog(&progs[i], kinds[i].kind, loops, k);
		fds[i] = load_prog(&progs[i]);
		x = add_impl(im, &n, "interp", kinds[i].name, "script-fd",
			     kinds[i].metric, s_script_diff);
		x->attr.prog_fd = fds[i];
		x->base.prog_fd = base_fd;
		x->n = loops;
		x->k = k;
	}
	/* An iteration of the baseline loop: sub, and a taken back edge. */
	x = add_impl(im, &n, "interp", "loop iteration", "script-fd",
		     "per_iter", s_script_diff);
	x->attr.prog_fd = base_fd;
	x->base.prog_fd = empty_fd;
	x->n = loops;
	x->k = 1;
	for (i = 0; i < n; i++) {
		im[i].cmd = SCRIPT_RUN_FD;
		im[i].attr.stack = (uintptr_t)stack;
		im[i].attr.stack_size = sizeof(stack);
		im[i].base.stack = im[i].attr.stack;
		im[i].base.stack_size = im[i].attr.stack_size;
		set_state(&im[i].attr);
		set_state(&im[i].base);
	}
	run_group("interp: alu, branch, load, store, call, loop", im, n);

	for (i = 0; i < 5; i++) {
		close(fds[i]);
		free(progs[i].insns);
	}
	close(base_fd);
	close(empty_fd);
	free(base.insns);
	free(empty.insns);
}

/* r0, r6 to r9 written: what the generated programs start with. */
static void prologue(struct prog *p)
{
	emit(p, MOV_IMM(R0, 0));
	emit(p, MOV_IMM(R6, 1));
	emit(p, MOV_IMM(R7, 2));
	emit(p, MOV_IMM(R8, 3));
	emit(p, MOV_IMM(R9, 4));
}

/* Straight-line ALU code, @len insns. */
static void verify_straight(struct prog *p, size_t len)
{
	static const struct script_insn alu[] = {
		ALU64_REG(SCRIPT_ADD, R0, R6),
		ALU64_IMM(SCRIPT_XOR, R7, 0x55),
		ALU64_IMM(SCRIPT_LSH, R8, 3),
		ALU64_REG(SCRIPT_OR, R9, R0),
		ALU64_REG(SCRIPT_SUB, R6, R7),
		ALU64_IMM(SCRIPT_MUL, R0, 3),
		ALU64_IMM(SCRIPT_RSH, R7, 1),
		MOV_REG(R8, R9),
	};
	size_t i = 0;

	prologue(p);
	while (p->len < len - 1)
		emit(p, alu[i++ % 8]);
	emit(p, EXIT_INSN);
}

/*
 * Blocks of 16 insns with five forward conditional jumps and a loop back
 * to the block's start: a control flow graph with as many edges as
 * nodes, back edges included.
 */
static void verify_branchy(struct prog *p, size_t len)
{
	size_t b = 0;

	prologue(p);
	while (p->len + 16 <= len - 1) {
		emit(p, JMP_IMM(SCRIPT_JGT, R6, b & 0xff, 2));
		emit(p, ALU64_IMM(SCRIPT_ADD, R0, 1));
		emit(p, ALU64_REG(SCRIPT_XOR, R7, R0));
		emit(p, JMP_IMM(SCRIPT_JEQ, R0, 7, 3));
		emit(p, MOV_REG(R8, R0));
		emit(p, ALU64_IMM(SCRIPT_AND, R8, 0xf));
		emit(p, JMP_IMM(SCRIPT_JSET, R8, 1, 1));
		emit(p, ALU64_IMM(SCRIPT_ADD, R9, 1));
		emit(p, JMP_REG(SCRIPT_JLT, R0, R9, 2));
		emit(p, ALU64_IMM(SCRIPT_SUB, R0, 1));
		emit(p, ALU64_IMM(SCRIPT_OR, R7, 2));
		emit(p, JMP_IMM(SCRIPT_JNE, R8, 3, 1));
		emit(p, ALU64_IMM(SCRIPT_RSH, R8, 1));
		emit(p, ALU64_IMM(SCRIPT_ADD, R6, 1));
		emit(p, JMP_IMM(SCRIPT_JLT, R6, 3, -15));
		emit(p, MOV_IMM(R6, 0));
		b++;
	}
	while (p->len < len - 1)
		emit(p, ALU64_IMM(SCRIPT_ADD, R0, 1));
	emit(p, EXIT_INSN);
}

/*
 * Subprograms of 16 insns, each called by the main program, and in runs
 * of four each calling the next one too (calls nest 4 deep):
 *	main:	r0 = 0; { r1 = j; call sub_j } ...; exit
 *	sub_j:	uses r1; [r1 = r0; call sub_j+1]; exit
 */
static void verify_subprogs(struct prog *p, size_t len)
{
	const size_t sub_len = 16;
	size_t m = (len - 2) / (2 + sub_len), j, i, main_len, start;

	main_len = len - m * sub_len;
	emit(p, MOV_IMM(R0, 0));
	for (j = 0; j < m; j++) {
		emit(p, MOV_IMM(R1, j));
		/* sub_j starts at main_len + j * sub_len */
		emit(p, CALL_REL(main_len + j * sub_len - p->len - 1));
	}
	while (p->len < main_len - 1)
		emit(p, ALU64_IMM(SCRIPT_ADD, R0, 1));
	emit(p, EXIT_INSN);
	for (j = 0; j < m; j++) {
		start = p->len;
		emit(p, MOV_REG(R0, R1));
		emit(p, ALU64_IMM(SCRIPT_ADD, R0, 7));
		emit(p, MOV_REG(R2, R0));
		emit(p, ALU64_IMM(SCRIPT_LSH, R2, 3));
		emit(p, ALU64_REG(SCRIPT_XOR, R0, R2));
		emit(p, JMP_IMM(SCRIPT_JGT, R0, 100, 1));
		emit(p, ALU64_IMM(SCRIPT_ADD, R0, 1));
		emit(p, MOV_REG(R3, R0));
		emit(p, ALU64_IMM(SCRIPT_AND, R3, 0xff));
		emit(p, ALU64_REG(SCRIPT_OR, R0, R3));
		if (j % 4 != 3 && j + 1 < m) {
			emit(p, MOV_REG(R1, R0));
			emit(p, CALL_REL(start + sub_len - p->len - 1));
		} else {
			emit(p, ALU64_IMM(SCRIPT_ADD, R0, 2));
			emit(p, ALU64_IMM(SCRIPT_XOR, R0, 9));
		}
		for (i = p->len - start; i < sub_len - 1; i++)
			emit(p, ALU64_IMM(SCRIPT_MUL, R0, 3));
		emit(p, EXIT_INSN);
	}
	if (p->len != len)
		die("subprogs program: %zu insns, not %zu", p->len, len);
}

static void bench_verify(void)
{
	static const size_t sizes[] = { 1024, 8192, 65536 };
	static const struct {
		const char *name;
		void (*gen)(struct prog *p, size_t len);
	} kinds[] = {
		{ "straight", verify_straight },
		{ "branchy", verify_branchy },
		{ "subprogs", verify_subprogs },
	};
	struct prog progs[9] = {};
	struct impl im[9], *x;
	char cname[48];
	int n = 0, i, s;

	for (i = 0; i < 3; i++)
		for (s = 0; s < 3; s++) {
			struct prog *p = &progs[n];

			kinds[i].gen(p, sizes[s]);
			close(load_prog(p));	/* dies with the reason */
			snprintf(cname, sizeof(cname), "%s %zuK",
				 kinds[i].name, sizes[s] / 1024);
			x = add_impl(im, &n, "verify", cname, "SCRIPT_VERIFY",
				     "per_insn", s_verify);
			x->attr.insns = (uintptr_t)p->insns;
			x->attr.insn_cnt = p->len;
		}
	run_group("verify: straight, branchy, subprogs at 1K, 8K, 64K", im, n);
	for (i = 0; i < n; i++)
		free(progs[i].insns);
}

int main(int argc, char **argv)
{
	int opt, cpu = 0;
	double t0 = now_ns();

	while ((opt = getopt(argc, argv, "r:t:s:f:c:")) != -1) {
		switch (opt) {
		case 'r':
			rounds = atoi(optarg);
			break;
		case 't':
			sample_ns = atof(optarg) * 1e6;
			break;
		case 's':
			slices = atoi(optarg);
			break;
		case 'f':
			filter = optarg;
			break;
		case 'c':
			cpu = atoi(optarg);
			break;
		default:
			fprintf(stderr,
				"usage: %s [-r rounds] [-t sample_ms] [-s slices] [-f filter] [-c cpu]\n",
				argv[0]);
			return 2;
		}
	}
	if (rounds < 1 || rounds > MAX_ROUNDS || sample_ns <= 0 || slices < 1)
		die("bad -r, -t or -s");
	if (cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			progress("cannot pin to CPU %d: %s", cpu,
				 strerror(errno));
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	groups_total = 8 + 1 + 1 + 1;
	progress("start: %d rounds of %.0f ms samples, each the best of %d",
		 rounds, sample_ns / 1e6, slices);
	bench_call();
	bench_interp();
	bench_chain();
	bench_verify();
	progress("done in %.1f s", (now_ns() - t0) / 1e9);
	return 0;
}
