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
 *  interp  the engines alone, the interpreter (script-fd) and the
 *          compiled code (script-fd-jit) side by side: ns per ALU
 *          instruction, taken branch, load and store, subprogram call, op
 *          call and loop iteration;
 *  verify  SCRIPT_VERIFY of 1K, 8K and 64K instruction programs
 *          (straight-line, branchy, many subprograms): ns per instruction;
 *  compile SCRIPT_LOAD of the same programs with the interpreter
 *          (SCRIPT_F_INTERP) and compiled, and the difference: the
 *          compiler's ns per instruction, and its code bytes per
 *          instruction.
 *
 * Programs run by descriptor are loaded twice: with SCRIPT_F_INTERP
 * ("script-fd", the interpreter, as issue 17 measured it) and without
 * ("script-fd-jit", compiled when the kernel has the compiler; the
 * descriptor's fdinfo must say "script-engine: jit", or the compiled rows
 * are left out with a BENCH-ERROR).
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

static void progress(const char *fmt, ...);

static long sys_script(unsigned int cmd, struct script_attr *attr)
{
	return syscall(__NR_script, cmd, attr, sizeof(*attr));
}

/*
 * The value of the line "@key:" of a loaded program's fdinfo, as a
 * number; -1 when there is no such line.  @str, when not NULL, gets the
 * value as text.
 */
static long fdinfo_value(int fd, const char *key, char *str, size_t size)
{
	char path[64], line[256];
	size_t klen = strlen(key);
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		die("%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char *val = line + klen + 1;

		if (strncmp(line, key, klen) || line[klen] != ':')
			continue;
		val += strspn(val, " \t");
		val[strcspn(val, "\n")] = 0;
		if (str)
			snprintf(str, size, "%s", val);
		v = strtol(val, NULL, 0);
		break;
	}
	fclose(f);
	return v;
}

/* Compiled programs are measured: the kernel compiled a test program. */
static int have_jit;

/*
 * Loads @p with SCRIPT_F_* @flags; on rejection dies with the verifier's
 * reason.  Without SCRIPT_F_INTERP the program must have been compiled
 * (when have_jit says the kernel compiles).
 */
static int load_prog_flags(const struct prog *p, __u64 flags)
{
	static char log[512];
	struct script_attr attr = {
		.flags = flags,
		.insns = (uintptr_t)p->insns,
		.insn_cnt = p->len,
		.log_buf = (uintptr_t)log,
		.log_size = sizeof(log),
		.log_level = SCRIPT_LOG_ERROR,
	};
	long fd = sys_script(SCRIPT_LOAD, &attr);
	char engine[32] = "?";

	if (fd < 0)
		die("SCRIPT_LOAD of %zu insns, flags %#llx: %s: %s", p->len,
		    (unsigned long long)flags, strerror(errno), log);
	fdinfo_value(fd, "script-engine", engine, sizeof(engine));
	if ((flags & SCRIPT_F_INTERP) && strcmp(engine, "interp"))
		die("SCRIPT_F_INTERP load of %zu insns: engine %s", p->len,
		    engine);
	if (!(flags & SCRIPT_F_INTERP) && have_jit && strcmp(engine, "jit"))
		die("load of %zu insns not compiled: engine %s, error %ld",
		    p->len, engine,
		    fdinfo_value(fd, "script-jit-error", NULL, 0));
	return fd;
}

/* The interpreter's program: issue 17's "script-fd" */
static int load_prog(const struct prog *p)
{
	return load_prog_flags(p, SCRIPT_F_INTERP);
}

/* The compiled program: "script-fd-jit" */
static int load_prog_jit(const struct prog *p)
{
	return load_prog_flags(p, 0);
}

/*
 * Does the kernel compile?  A program loaded without SCRIPT_F_INTERP
 * says so in its fdinfo.  A kernel with the compiler that does not
 * compile it is an error of the run; the compiled rows are left out.
 */
static void probe_jit(void)
{
	struct script_insn insns[] = {
		{ .code = SCRIPT_ALU64 | SCRIPT_MOV | SCRIPT_K },
		{ .code = SCRIPT_JMP | SCRIPT_EXIT },
	};
	struct script_attr attr = {
		.insns = (uintptr_t)insns,
		.insn_cnt = 2,
	};
	char engine[32] = "none";
	long fd = sys_script(SCRIPT_LOAD, &attr), err;

	if (fd < 0)
		die("SCRIPT_LOAD of an empty program: %s", strerror(errno));
	fdinfo_value(fd, "script-engine", engine, sizeof(engine));
	err = fdinfo_value(fd, "script-jit-error", NULL, 0);
	close(fd);
	have_jit = !strcmp(engine, "jit");
	progress("engine of a program loaded without SCRIPT_F_INTERP: %s%s",
		 engine, have_jit ? "" : "; compiled rows left out");
	if (!have_jit)
		fprintf(stderr,
			"BENCH-ERROR ops_bench: the kernel did not compile a test program (engine %s, error %ld): no compiled rows\n",
			engine, err);
}

/* Writes @val to the sysctl file @path; returns the old value, or NULL */
static char *sysctl_swap(const char *path, const char *val)
{
	static char old[2][64];
	static int which;
	char *o = old[which++ & 1];
	FILE *f = fopen(path, "re");

	if (!f || !fgets(o, 64, f)) {
		if (f)
			fclose(f);
		return NULL;
	}
	fclose(f);
	o[strcspn(o, "\n")] = 0;
	f = fopen(path, "we");
	if (!f || fputs(val, f) < 0 || fclose(f))
		die("cannot write %s to %s: %s", val, path, strerror(errno));
	return o;
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
	int diff;		/* a difference: the sample is run - base */

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

/*
 * compile: SCRIPT_LOAD and close of a program, per instruction: with
 * attr.flags SCRIPT_F_INTERP the verifier and the descriptor, without it
 * the compiler too.
 */
static double load_close(struct script_attr *attr, long iters)
{
	double t0 = now_ns();
	long i, fd;

	for (i = 0; i < iters; i++) {
		fd = sys_script(SCRIPT_LOAD, attr);
		if (fd < 0)
			die("SCRIPT_LOAD of %u insns, flags %#llx: %s",
			    attr->insn_cnt, (unsigned long long)attr->flags,
			    strerror(errno));
		close(fd);
	}
	return now_ns() - t0;
}

static double s_load(struct impl *im, long iters)
{
	return load_close(&im->attr, iters) /
	       ((double)iters * im->attr.insn_cnt);
}

/* The compiler's own time: a compiled load less an interpreted one */
static double s_load_diff(struct impl *im, long iters)
{
	im->t_run = load_close(&im->attr, iters);
	im->t_base = load_close(&im->base, iters);
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
	if (im->diff)
		best = (run - base) / ((double)im->iters * im->n * im->k);
	im->samples[r] = best;
}

/* Calibrates and samples the @n measurements of a group, round-robin. */
static void run_group(const char *title, struct impl *im, int n)
{
	char summary[1024], both[128];
	double t0 = now_ns();
	int r, j, len = 0, same_impl, same_case;
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
	/*
	 * Label the summary by implementation, or by case when all agree,
	 * or by both.
	 */
	same_impl = 1;
	same_case = 1;
	for (j = 1; j < n; j++) {
		if (strcmp(im[j].name, im[0].name))
			same_impl = 0;
		if (strcmp(im[j].casename, im[0].casename))
			same_case = 0;
	}
	for (j = 0; j < n; j++) {
		print_row(&im[j]);
		qsort(im[j].samples, rounds, sizeof(double), cmp_double);
		what = im[j].name;
		if (same_impl) {
			what = im[j].casename;
		} else if (!same_case) {
			snprintf(both, sizeof(both), "%s %s", im[j].casename,
				 im[j].name);
			what = both;
		}
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
	int fds[2], jit_fds[2] = { -1, -1 }, zero, o, i, n, j;
	char title[64], cname[48];

	zero = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	if (zero < 0)
		die("/dev/zero: %s", strerror(errno));
	for (o = 0; o < 2; o++) {
		chain_prog(&progs[o], ops[o].op);
		fds[o] = load_prog(&progs[o]);
		if (have_jit)
			jit_fds[o] = load_prog_jit(&progs[o]);
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

			if (have_jit) {
				x = add_impl(im, &n, "chain", cname,
					     "script-fd-jit", "per_op",
					     s_script);
				x->cmd = SCRIPT_RUN_FD;
				x->attr.prog_fd = jit_fds[o];
			}

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
	for (o = 0; o < 2; o++) {
		close(fds[o]);
		if (jit_fds[o] >= 0)
			close(jit_fds[o]);
	}
	close(zero);
	free(progs[0].insns);
	free(progs[1].insns);
}

static void bench_call(void)
{
	struct prog p = {};
	struct impl im[4], *x;
	int n = 0, fd, jit_fd = -1;

	emit(&p, MOV_IMM(R0, 0));
	emit(&p, EXIT_INSN);
	fd = load_prog(&p);
	if (have_jit)
		jit_fd = load_prog_jit(&p);

	add_impl(im, &n, "call", "empty program", "getppid", "per_call",
		 s_getppid);
	x = add_impl(im, &n, "call", "empty program", "script-fd",
		     "per_call", s_script);
	x->cmd = SCRIPT_RUN_FD;
	x->attr.prog_fd = fd;
	if (have_jit) {
		x = add_impl(im, &n, "call", "empty program", "script-fd-jit",
			     "per_call", s_script);
		x->cmd = SCRIPT_RUN_FD;
		x->attr.prog_fd = jit_fd;
	}
	x = add_impl(im, &n, "call", "empty program", "script-run",
		     "per_call", s_script);
	x->cmd = SCRIPT_RUN;
	x->attr.insns = (uintptr_t)p.insns;
	x->attr.insn_cnt = p.len;
	run_group("call: empty program vs getppid", im, n);
	close(fd);
	if (jit_fd >= 0)
		close(jit_fd);
	free(p.insns);
}

enum interp_kind { K_ALU, K_BRANCH, K_LOAD, K_STORE, K_CALL, K_OP, K_NONE };

/* The kinds of bench_interp(), K_NONE aside */
#define NKINDS	K_NONE

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
		case K_OP:
			emit(p, CALL_OP(SCRIPT_OP_GETPID));
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
	} kinds[NKINDS] = {
		{ "alu", "per_insn", K_ALU },
		{ "taken branch", "per_insn", K_BRANCH },
		{ "load", "per_insn", K_LOAD },
		{ "store", "per_insn", K_STORE },
		{ "subprogram call", "per_call", K_CALL },
		{ "op call (getpid)", "per_call", K_OP },
	};
	static const char *const impls[2] = { "script-fd", "script-fd-jit" };
	const long loops = 64;
	const int k = 32;
	struct prog base = {}, empty = {}, progs[NKINDS] = {};
	struct impl im[MAX_IMPLS], *x;
	int n = 0, i, e, base_fd[2], empty_fd[2], fds[2][NKINDS];
	int engines = have_jit ? 2 : 1;

	interp_prog(&base, K_NONE, loops, 0);
	emit(&empty, MOV_IMM(R0, 0));
	emit(&empty, EXIT_INSN);
	for (i = 0; i < (int)NKINDS; i++)
		interp_prog(&progs[i], kinds[i].kind, loops, k);

	for (e = 0; e < engines; e++) {
		base_fd[e] = e ? load_prog_jit(&base) : load_prog(&base);
		empty_fd[e] = e ? load_prog_jit(&empty) : load_prog(&empty);
		for (i = 0; i < (int)NKINDS; i++)
			fds[e][i] = e ? load_prog_jit(&progs[i]) :
				      load_prog(&progs[i]);
	}
	/* The engines of a kind next to each other: the table's columns */
	for (i = 0; i <= (int)NKINDS; i++) {
		for (e = 0; e < engines; e++) {
			if (i == (int)NKINDS) {
				/*
				 * An iteration of the baseline loop: sub, and
				 * a taken back edge.
				 */
				x = add_impl(im, &n, "interp", "loop iteration",
					     impls[e], "per_iter",
					     s_script_diff);
				x->attr.prog_fd = base_fd[e];
				x->base.prog_fd = empty_fd[e];
				x->n = loops;
				x->k = 1;
				continue;
			}
			x = add_impl(im, &n, "interp", kinds[i].name, impls[e],
				     kinds[i].metric, s_script_diff);
			x->attr.prog_fd = fds[e][i];
			x->base.prog_fd = base_fd[e];
			x->n = loops;
			x->k = k;
		}
	}
	for (i = 0; i < n; i++) {
		im[i].cmd = SCRIPT_RUN_FD;
		im[i].diff = 1;
		im[i].attr.stack = (uintptr_t)stack;
		im[i].attr.stack_size = sizeof(stack);
		im[i].base.stack = im[i].attr.stack;
		im[i].base.stack_size = im[i].attr.stack_size;
		set_state(&im[i].attr);
		set_state(&im[i].base);
	}
	run_group("interp: alu, branch, load, store, call, op, loop", im, n);

	for (e = 0; e < engines; e++) {
		for (i = 0; i < (int)NKINDS; i++)
			close(fds[e][i]);
		close(base_fd[e]);
		close(empty_fd[e]);
	}
	for (i = 0; i < (int)NKINDS; i++)
		free(progs[i].insns);
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

/* A row of one value, @unit per instruction: the code size */
static void print_value_row(const char *bench, const char *casename,
			    const char *impl, const char *metric,
			    const char *unit, double v)
{
	printf("BENCH-ROW {\"bench\":\"%s\",\"case\":\"%s\",", bench, casename);
	printf("\"impl\":\"%s\",\"metric\":\"%s\",\"unit\":\"%s\",", impl,
	       metric, unit);
	printf("\"runs\":1,\"min\":%.3f,\"median\":%.3f,\"max\":%.3f}\n",
	       v, v, v);
	fflush(stdout);
}

/*
 * verify and compile, one group per kind of program, its three sizes
 * side by side: SCRIPT_VERIFY; SCRIPT_LOAD and close with the interpreter
 * (load-interp) and compiled (load-jit); and the compiler's own time,
 * load-jit less load-interp measured back to back (compile).  All per
 * instruction.  During the group kernel.script_jit is 2, so that a
 * compile that fails (kernel.script_jit_limit, with the images of closed
 * programs waiting for their RCU grace period) fails the load rather than
 * timing the interpreter; the limit is raised for the group.
 */
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
	const char *jit_path = "/proc/sys/kernel/script_jit";
	const char *limit_path = "/proc/sys/kernel/script_jit_limit";
	char old_jit[64] = "", old_limit[64] = "", title[96], cname[48];
	struct prog progs[3] = {};
	struct impl im[MAX_IMPLS], *x;
	int n, i, s, fd;
	char *o;

	if (have_jit) {
		o = sysctl_swap(jit_path, "2");
		if (o)
			snprintf(old_jit, sizeof(old_jit), "%s", o);
		o = sysctl_swap(limit_path, "536870912");
		if (o)
			snprintf(old_limit, sizeof(old_limit), "%s", o);
	}
	for (i = 0; i < 3; i++) {
		n = 0;
		for (s = 0; s < 3; s++) {
			struct prog *p = &progs[s];

			p->len = 0;
			kinds[i].gen(p, sizes[s]);
			close(load_prog(p));	/* dies with the reason */
			snprintf(cname, sizeof(cname), "%s %zuK",
				 kinds[i].name, sizes[s] / 1024);
			x = add_impl(im, &n, "verify", cname, "SCRIPT_VERIFY",
				     "per_insn", s_verify);
			x->attr.insns = (uintptr_t)p->insns;
			x->attr.insn_cnt = p->len;
			if (!have_jit)
				continue;

			fd = load_prog_jit(p);
			print_value_row("compile", cname, "code", "bytes_per_insn",
					"bytes",
					(double)fdinfo_value(fd, "script-jit-bytes",
							     NULL, 0) / p->len);
			close(fd);
			x = add_impl(im, &n, "compile", cname, "load-interp",
				     "per_insn", s_load);
			x->attr.insns = (uintptr_t)p->insns;
			x->attr.insn_cnt = p->len;
			x->attr.flags = SCRIPT_F_INTERP;
			x = add_impl(im, &n, "compile", cname, "load-jit",
				     "per_insn", s_load);
			x->attr.insns = (uintptr_t)p->insns;
			x->attr.insn_cnt = p->len;
			x = add_impl(im, &n, "compile", cname, "compile",
				     "per_insn", s_load_diff);
			x->attr.insns = (uintptr_t)p->insns;
			x->attr.insn_cnt = p->len;
			x->base = x->attr;
			x->base.flags = SCRIPT_F_INTERP;
			x->n = p->len;
			x->diff = 1;
		}
		snprintf(title, sizeof(title),
			 "verify%s: %s at 1K, 8K, 64K",
			 have_jit ? " and compile" : "", kinds[i].name);
		run_group(title, im, n);
		for (s = 0; s < 3; s++)
			free(progs[s].insns);
		memset(progs, 0, sizeof(progs));
	}
	if (old_jit[0])
		sysctl_swap(jit_path, old_jit);
	if (old_limit[0])
		sysctl_swap(limit_path, old_limit);
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

	groups_total = 8 + 1 + 1 + 3;
	progress("start: %d rounds of %.0f ms samples, each the best of %d",
		 rounds, sample_ns / 1e6, slices);
	probe_jit();
	bench_call();
	bench_interp();
	bench_chain();
	bench_verify();
	progress("done in %.1f s", (now_ns() - t0) / 1e9);
	return 0;
}
