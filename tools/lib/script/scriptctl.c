// SPDX-License-Identifier: GPL-2.0
/*
 * scriptctl: check, print, assemble and run script(2) programs, and ask
 * the kernel which ops it has.
 *
 * A program comes from a file in one of three forms, told apart by its
 * contents (and, for the last two, its name):
 *  - an ELF object from clang -target bpf (it starts with "\177ELF"),
 *    opened with script_object_open_file(), its entry chosen by -e;
 *  - assembly text, as script_disasm() prints it (a name ending in .s, or
 *    any file without NUL bytes), assembled by script_asm();
 *  - raw instructions, 8 bytes each (a name ending in .bin, or any file
 *    with NUL bytes).
 * "-" reads standard input.
 *
 * Exit status: 0 on success (for run: the program reached EXIT), 1 when
 * the kernel, the library or the program failed, 2 for a usage error.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "libscript.h"

#define EXIT_USAGE	2

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/* Larger inputs are refused: a program has at most 65536 instructions. */
#define INPUT_MAX	(64UL << 20)
/* The verifier's log: far more than one rejection or summary needs. */
#define LOG_SIZE	(1U << 20)
/* script(SCRIPT_PROBE) takes at most a page; every page has 4 KiB. */
#define PROBE_SIZE	4096
/* The largest buffer a %size argument may ask for. */
#define MAX_ARG_BUF	(1UL << 30)

static const char *prog_name = "scriptctl";

static void __attribute__((format(printf, 1, 2))) error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* ---------------------------------------------------------------------
 * Usage
 */

static const char usage_text[] =
"Usage: scriptctl [--help | --version] COMMAND [OPTION...] [ARG...]\n"
"\n"
"Check, print, assemble and run script(2) programs.\n"
"\n"
"Commands:\n"
"  verify [-v] [-e ENTRY] FILE      check a program with the kernel's verifier\n"
"  disasm [-r] [-e ENTRY] FILE      print a program as assembly text\n"
"  asm IN.s OUT.bin                 assemble text into raw instructions\n"
"  probe                            list the ops this kernel has\n"
"  run [-vlI] [-s STEPS] [-S STACK] [-e ENTRY] FILE [ARG...]\n"
"                                   run a program with r1..r5 = ARG...\n"
"  help [COMMAND]                   print this text, or a command's\n"
"\n"
"FILE is an ELF object (clang -target bpf), assembly text (.s) or raw\n"
"instructions (.bin); \"-\" is standard input.  \"scriptctl COMMAND --help\"\n"
"describes a command.\n";

static const char verify_usage[] =
"Usage: scriptctl verify [-v] [-e ENTRY] FILE\n"
"\n"
"Check the program in FILE with the kernel's verifier (SCRIPT_VERIFY)\n"
"without running it.  A rejected program prints the verifier's log,\n"
"\"insn N: reason\", and exits 1.\n"
"\n"
"  -e, --entry=NAME  the function of an ELF object to start at\n"
"  -v, --verbose     verbose log: a summary of an accepted program too\n"
"  -h, --help        print this text\n";

static const char disasm_usage[] =
"Usage: scriptctl disasm [-r] [-e ENTRY] FILE\n"
"\n"
"Print the program in FILE, one instruction a line, in the syntax of\n"
"llvm-objdump with op names on calls; \"scriptctl asm\" reads it back.\n"
"\n"
"  -e, --entry=NAME  the function of an ELF object to start at\n"
"  -r, --raw         the bytes of each instruction too\n"
"  -h, --help        print this text\n";

static const char asm_usage[] =
"Usage: scriptctl asm IN.s OUT.bin\n"
"\n"
"Assemble the text in IN.s (what \"scriptctl disasm\" prints, with labels,\n"
"\"goto label\" and \"#\" or \";\" comments) and write the instructions,\n"
"8 bytes each, to OUT.bin.  \"-\" is standard input or output.\n"
"\n"
"  -h, --help        print this text\n";

static const char probe_usage[] =
"Usage: scriptctl probe\n"
"\n"
"Ask the kernel (SCRIPT_PROBE) which ops and instruction classes it has,\n"
"and print a table: each op's id, name, argument count, the system call\n"
"number seccomp sees for it (\"-\" for none), and whether it is supported;\n"
"then whether the kernel compiles the programs it loads (\"jit: yes\").\n"
"\n"
"  -h, --help        print this text\n";

static const char run_usage[] =
"Usage: scriptctl run [-vlI] [-s STEPS] [-S STACK] [-e ENTRY] FILE [ARG...]\n"
"\n"
"Check and run the program in FILE once (SCRIPT_RUN), then print r0 and\n"
"the steps taken; with -l, load it (SCRIPT_LOAD) and run the descriptor\n"
"(SCRIPT_RUN_FD), as a server would, and print the engine that ran it.\n"
"Up to five ARGs are r1 to r5:\n"
"  N         an integer: decimal, 0x hexadecimal, negative\n"
"  @STRING   the address of STRING, NUL-terminated\n"
"  %SIZE     the address of a buffer of SIZE zeroed bytes\n"
"\n"
"  -e, --entry=NAME  the function of an ELF object to start at\n"
"  -I, --interp      run it with the interpreter, never compiled\n"
"                    (SCRIPT_F_INTERP)\n"
"  -l, --load        load the program and run its descriptor\n"
"  -s, --steps=N     stop the run after N instructions (default: no limit)\n"
"  -S, --stack=SIZE  stack bytes, a multiple of 8 from 512 to 1048576\n"
"                    (default 16384)\n"
"  -v, --verbose     verbose verifier log\n"
"  -h, --help        print this text\n";

/*
 * Reports a wrong command line: the message, if any, and the first line of
 * @usage (all of it for the global usage).  The exit status for it.
 */
static int usage_error(const char *usage, const char *fmt, ...)
{
	const char *eol = strchr(usage, '\n');
	va_list ap;

	if (fmt) {
		fprintf(stderr, "%s: ", prog_name);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	if (usage == usage_text || !eol)
		fputs(usage, stderr);
	else
		fprintf(stderr, "%.*s", (int)(eol - usage + 1), usage);
	return EXIT_USAGE;
}

static int print_usage(const char *usage)
{
	fputs(usage, stdout);
	return fflush(stdout) ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* ---------------------------------------------------------------------
 * Numbers
 */

/* Parses an unsigned decimal or 0x hexadecimal number, all of @s. */
static bool parse_u64(const char *s, __u64 *val)
{
	unsigned long long v;
	int base = 10;
	char *end;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	/* strtoull() would take spaces and a sign: only digits here. */
	if (!(base == 16 ? isxdigit((unsigned char)*s) :
			   isdigit((unsigned char)*s)))
		return false;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno || *end)
		return false;
	*val = v;
	return true;
}

/*
 * Parses an integer argument: decimal or 0x hexadecimal, with an optional
 * sign.  Negative values are taken as two's complement; positive ones may
 * use all 64 bits.
 */
static bool parse_int(const char *s, __u64 *val)
{
	bool neg = false;
	__u64 v;

	if (*s == '-' || *s == '+') {
		neg = *s == '-';
		s++;
	}
	if (!parse_u64(s, &v))
		return false;
	if (neg) {
		if (v > (__u64)INT64_MAX + 1)
			return false;
		v = -v;
	}
	*val = v;
	return true;
}

/* ---------------------------------------------------------------------
 * Programs
 */

enum prog_kind { PROG_ELF, PROG_ASM, PROG_RAW };

static const char *const kind_names[] = {
	[PROG_ELF] = "ELF object",
	[PROG_ASM] = "assembly",
	[PROG_RAW] = "raw instructions",
};

/**
 * struct prog - a program read from a file
 * @path: the file's name, as given
 * @kind: the form it came in
 * @obj: the ELF object it came from, or NULL
 * @own: the instructions, when not an object's
 * @insns: the instructions
 * @cnt: their number, in slots
 */
struct prog {
	const char		*path;
	enum prog_kind		kind;
	struct script_object	*obj;
	struct script_insn	*own;
	const struct script_insn *insns;
	size_t			cnt;
};

/*
 * Reads all of @path ("-": standard input) into a buffer with a NUL after
 * its end: 0, or -1 after an error message.
 */
static int read_input(const char *path, char **bufp, size_t *lenp)
{
	size_t len = 0, size = 0;
	char *buf = NULL, *p;
	bool is_stdin = !strcmp(path, "-");
	int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	ssize_t n;

	if (fd < 0) {
		error("%s: %s", path, strerror(errno));
		return -1;
	}
	if (!fstat(fd, &st) && S_ISDIR(st.st_mode)) {
		error("%s: %s", path, strerror(EISDIR));
		goto fail;
	}
	for (;;) {
		if (size - len < 2) {
			size = size ? size * 2 : 64 << 10;
			if (size > INPUT_MAX + 2) {
				error("%s: larger than %lu bytes", path,
				      INPUT_MAX);
				goto fail;
			}
			p = realloc(buf, size);
			if (!p) {
				error("%s: %s", path, strerror(ENOMEM));
				goto fail;
			}
			buf = p;
		}
		n = read(fd, buf + len, size - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			error("%s: %s", path, strerror(errno));
			goto fail;
		}
		if (!n)
			break;
		len += n;
	}
	buf[len] = '\0';
	if (!is_stdin)
		close(fd);
	*bufp = buf;
	*lenp = len;
	return 0;
fail:
	free(buf);
	if (!is_stdin)
		close(fd);
	return -1;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

static enum prog_kind guess_kind(const char *path, const char *buf,
				 size_t len)
{
	if (len >= 4 && !memcmp(buf, "\177ELF", 4))
		return PROG_ELF;
	if (has_suffix(path, ".bin"))
		return PROG_RAW;
	if (has_suffix(path, ".s") || has_suffix(path, ".S"))
		return PROG_ASM;
	/* Instructions are full of zero bytes; text has none. */
	return memchr(buf, '\0', len) ? PROG_RAW : PROG_ASM;
}

static void prog_close(struct prog *p)
{
	if (p->obj)
		script_object_close(p->obj);
	free(p->own);
	memset(p, 0, sizeof(*p));
}

static int open_elf(struct prog *p, const char *buf, size_t len,
		    const char *entry)
{
	struct script_object_opts opts = { .sz = sizeof(opts) };
	char err[512] = "";
	int ret;

	opts.entry = entry;
	opts.err = err;
	opts.err_size = sizeof(err);
	if (!strcmp(p->path, "-"))
		ret = script_object_open_mem(buf, len, &opts, &p->obj);
	else
		ret = script_object_open_file(p->path, &opts, &p->obj);
	if (ret < 0) {
		p->obj = NULL;
		/* A message about the file itself names it already. */
		if (err[0] && !strncmp(err, p->path, strlen(p->path)))
			error("%s", err);
		else if (err[0])
			error("%s: %s", p->path, err);
		else if (ret == -ENOENT && entry)
			error("%s: no function %s", p->path, entry);
		else
			error("%s: cannot load the object: %s", p->path,
			      strerror(-ret));
		return -1;
	}
	p->insns = script_object_insns(p->obj, &p->cnt);
	return 0;
}

static int open_asm(struct prog *p, const char *buf)
{
	char err[512] = "";
	int ret;

	ret = script_asm(buf, &p->own, &p->cnt, err, sizeof(err));
	if (ret < 0) {
		p->own = NULL;
		error("%s: %s", p->path, err[0] ? err : strerror(-ret));
		return -1;
	}
	p->insns = p->own;
	return 0;
}

static int open_raw(struct prog *p, char *buf, size_t len)
{
	if (len % sizeof(struct script_insn)) {
		error("%s: %zu bytes is not a whole number of %zu-byte instructions",
		      p->path, len, sizeof(struct script_insn));
		return -1;
	}
	/* malloc()ed memory is aligned for struct script_insn. */
	p->own = (struct script_insn *)buf;
	p->insns = p->own;
	p->cnt = len / sizeof(struct script_insn);
	return 0;
}

/*
 * Reads the program in @path: 0, or -1 after an error message.  @entry
 * is the function an ELF object starts at, NULL for its only one.
 */
static int prog_open(struct prog *p, const char *path, const char *entry)
{
	size_t len;
	char *buf;
	int ret;

	memset(p, 0, sizeof(*p));
	p->path = path;
	if (read_input(path, &buf, &len))
		return -1;
	p->kind = guess_kind(path, buf, len);
	if (entry && p->kind != PROG_ELF) {
		error("%s: -e names a function of an ELF object, but this is %s",
		      path, kind_names[p->kind]);
		free(buf);
		return -1;
	}
	switch (p->kind) {
	case PROG_ELF:
		ret = open_elf(p, buf, len, entry);
		break;
	case PROG_ASM:
		ret = open_asm(p, buf);
		break;
	default:
		ret = open_raw(p, buf, len);
		if (!ret)
			buf = NULL;	/* the program now, freed with it */
		break;
	}
	free(buf);
	if (ret)
		return ret;
	if (!p->cnt) {
		error("%s: no instructions", path);
		prog_close(p);
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------------
 * The verifier's log
 */

static int log_init(struct script_log *log, bool verbose)
{
	memset(log, 0, sizeof(*log));
	log->buf = calloc(1, LOG_SIZE);
	if (!log->buf) {
		error("%s", strerror(ENOMEM));
		return -1;
	}
	log->size = LOG_SIZE;
	log->level = verbose ? SCRIPT_LOG_VERBOSE : SCRIPT_LOG_ERROR;
	return 0;
}

/* Prints the log, if any, to standard error, with a newline at its end. */
static void log_print(const struct script_log *log)
{
	size_t n = strnlen(log->buf, log->size);

	if (!n)
		return;
	fwrite(log->buf, 1, n, stderr);
	if (log->buf[n - 1] != '\n')
		fputc('\n', stderr);
	if (log->true_size > log->size)
		fprintf(stderr, "(log truncated: %u bytes more)\n",
			log->true_size - log->size);
}

/* The message for a failure of the system call itself, when it has one. */
static const char *syscall_hint(int err)
{
	switch (err) {
	case ENOSYS:
		return "this kernel has no script(2)";
	case EPERM:
		return "the kernel.script_restrict sysctl refuses this caller";
	default:
		return NULL;
	}
}

/*
 * Reports that @what failed with @err: at instruction @pc, unless @pc is
 * negative or the system call itself failed.
 */
static void report_failure(const char *path, const char *what, int err,
			   long pc)
{
	const char *hint = syscall_hint(err);

	if (hint)
		error("%s: %s: %s (%s)", path, what, strerror(err), hint);
	else if (pc < 0)
		error("%s: %s: %s", path, what, strerror(err));
	else
		error("%s: %s at insn %ld: %s", path, what, pc, strerror(err));
}

/* ---------------------------------------------------------------------
 * Commands
 */

static const struct option entry_verbose_opts[] = {
	{ "entry",	required_argument,	NULL, 'e' },
	{ "verbose",	no_argument,		NULL, 'v' },
	{ "help",	no_argument,		NULL, 'h' },
	{ }
};

static int cmd_verify(int argc, char **argv)
{
	const char *entry = NULL;
	struct script_log log;
	bool verbose = false;
	struct prog p;
	int c, ret;

	while ((c = getopt_long(argc, argv, "+e:vh", entry_verbose_opts,
				NULL)) != -1) {
		switch (c) {
		case 'e':
			entry = optarg;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			return print_usage(verify_usage);
		default:
			return usage_error(verify_usage, NULL);
		}
	}
	if (argc - optind != 1)
		return usage_error(verify_usage, "verify takes one FILE");
	if (prog_open(&p, argv[optind], entry))
		return EXIT_FAILURE;
	if (log_init(&log, verbose)) {
		prog_close(&p);
		return EXIT_FAILURE;
	}
	ret = script_verify(p.insns, p.cnt, &log);
	log_print(&log);
	if (ret < 0 && log.buf[0])
		report_failure(p.path, "rejected", -ret, log.pc);
	else if (ret < 0)
		report_failure(p.path, "SCRIPT_VERIFY failed", -ret, -1);
	else
		printf("%s: accepted, %zu instructions\n", p.path, p.cnt);
	free(log.buf);
	prog_close(&p);
	return ret < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

static int cmd_disasm(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "entry",	required_argument,	NULL, 'e' },
		{ "raw",	no_argument,		NULL, 'r' },
		{ "help",	no_argument,		NULL, 'h' },
		{ }
	};
	const char *entry = NULL;
	unsigned int flags = 0;
	struct prog p;
	int c, ret;

	while ((c = getopt_long(argc, argv, "+e:rh", opts, NULL)) != -1) {
		switch (c) {
		case 'e':
			entry = optarg;
			break;
		case 'r':
			flags |= SCRIPT_DISASM_RAW;
			break;
		case 'h':
			return print_usage(disasm_usage);
		default:
			return usage_error(disasm_usage, NULL);
		}
	}
	if (argc - optind != 1)
		return usage_error(disasm_usage, "disasm takes one FILE");
	if (prog_open(&p, argv[optind], entry))
		return EXIT_FAILURE;
	ret = script_disasm(p.insns, p.cnt, stdout, flags);
	if (fflush(stdout) && !ret)
		ret = -errno;
	if (ret < 0)
		error("%s: cannot print the program: %s", p.path,
		      strerror(-ret));
	prog_close(&p);
	return ret < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* Writes @len bytes to @path ("-": standard output): 0 or -1. */
static int write_output(const char *path, const void *buf, size_t len)
{
	bool is_stdout = !strcmp(path, "-");
	int fd = is_stdout ? STDOUT_FILENO :
		 open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	const char *p = buf;
	ssize_t n;

	if (fd < 0) {
		error("%s: %s", path, strerror(errno));
		return -1;
	}
	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			error("%s: %s", path, strerror(errno));
			goto fail;
		}
		p += n;
		len -= n;
	}
	if (!is_stdout && close(fd)) {
		error("%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
fail:
	if (!is_stdout) {
		close(fd);
		unlink(path);
	}
	return -1;
}

static const struct option help_only_opts[] = {
	{ "help",	no_argument,		NULL, 'h' },
	{ }
};

static int cmd_asm(int argc, char **argv)
{
	struct script_insn *insns = NULL;
	char err[512] = "";
	size_t len, cnt = 0;
	char *text;
	int c, ret;

	while ((c = getopt_long(argc, argv, "+h", help_only_opts,
				NULL)) != -1) {
		if (c == 'h')
			return print_usage(asm_usage);
		return usage_error(asm_usage, NULL);
	}
	if (argc - optind != 2)
		return usage_error(asm_usage, "asm takes IN.s and OUT.bin");
	if (read_input(argv[optind], &text, &len))
		return EXIT_FAILURE;
	if (memchr(text, '\0', len)) {
		error("%s: not text: it has NUL bytes", argv[optind]);
		free(text);
		return EXIT_FAILURE;
	}
	ret = script_asm(text, &insns, &cnt, err, sizeof(err));
	free(text);
	if (ret < 0) {
		error("%s: %s", argv[optind], err[0] ? err : strerror(-ret));
		return EXIT_FAILURE;
	}
	ret = write_output(argv[optind + 1], insns, cnt * sizeof(*insns));
	free(insns);
	return ret ? EXIT_FAILURE : EXIT_SUCCESS;
}

static const char *const class_names[8] = {
	[SCRIPT_LD] = "ld", [SCRIPT_LDX] = "ldx", [SCRIPT_ST] = "st",
	[SCRIPT_STX] = "stx", [SCRIPT_ALU] = "alu", [SCRIPT_JMP] = "jmp",
	[SCRIPT_JMP32] = "jmp32", [SCRIPT_ALU64] = "alu64",
};

static void print_op_row(int id, const char *name, int nargs, int nr,
			 const char *supported)
{
	char nargs_s[16] = "-", nr_s[16] = "-";

	if (nargs >= 0)
		snprintf(nargs_s, sizeof(nargs_s), "%d", nargs);
	if (nr >= 0)
		snprintf(nr_s, sizeof(nr_s), "%d", nr);
	printf("%4d  %-20s %5s %5s  %s\n", id, name ? name : "-", nargs_s,
	       nr_s, supported);
}

static int cmd_probe(int argc, char **argv)
{
	struct script_probe *probe;
	unsigned int id, supported = 0, i;
	int c, ret, lib_max;

	while ((c = getopt_long(argc, argv, "+h", help_only_opts,
				NULL)) != -1) {
		if (c == 'h')
			return print_usage(probe_usage);
		return usage_error(probe_usage, NULL);
	}
	if (argc != optind)
		return usage_error(probe_usage, "probe takes no arguments");

	probe = calloc(1, PROBE_SIZE);
	if (!probe) {
		error("%s", strerror(ENOMEM));
		return EXIT_FAILURE;
	}
	ret = script_probe(probe, PROBE_SIZE);
	if (ret < 0) {
		report_failure("probe", "SCRIPT_PROBE failed", -ret, -1);
		free(probe);
		return EXIT_FAILURE;
	}

	printf("%4s  %-20s %5s %5s  %s\n", "ID", "NAME", "NARGS", "NR",
	       "SUPPORTED");
	for (id = 0; id < probe->ops_len; id++) {
		const struct script_probe_op *op = &probe->ops[id];
		bool yes = op->flags & SCRIPT_PROBE_OP_SUPPORTED;
		char name[sizeof(op->name) + 1];
		const char *lib_name;

		if (id == SCRIPT_OP_UNSPEC)
			continue;	/* never an op */
		/* The kernel names only the ops it has. */
		snprintf(name, sizeof(name), "%.*s", (int)sizeof(op->name),
			 op->name);
		lib_name = script_op_name(id);
		if (!name[0] && lib_name)
			snprintf(name, sizeof(name), "%s", lib_name);
		supported += yes;
		print_op_row(id, name[0] ? name : NULL, yes ? op->nargs : -1,
			     op->nr, yes ? "yes" : "no");
	}
	/* Ops this library knows of that the kernel does not. */
	lib_max = id;
	while (script_op_name(lib_max))
		lib_max++;
	for (; id < (unsigned int)lib_max; id++)
		print_op_row(id, script_op_name(id), script_op_nargs(id), -1,
			     "no (unknown to the kernel)");

	printf("\nops: %u supported of %u ids the kernel knows", supported,
	       probe->ops_max);
	if (probe->ops_len < probe->ops_max)
		printf(" (%u listed)", probe->ops_len);
	printf("\nclasses: 0x%02x", probe->classes);
	for (i = 0; i < 8; i++)
		if (probe->classes & (1U << i))
			printf(" %s", class_names[i]);
	printf("\njit: %s\n", probe->flags & SCRIPT_PROBE_JIT ? "yes" : "no");
	free(probe);
	return fflush(stdout) ? EXIT_FAILURE : EXIT_SUCCESS;
}

/*
 * Prints the engine of the program loaded in @prog_fd, when there is one,
 * as fdinfo shows it: "engine = jit, N bytes[, constants blinded]" or
 * "engine = interp[ (compiling failed: reason)]".  A kernel that cannot
 * say only costs a warning.
 */
static void print_engine(const char *path, int prog_fd)
{
	struct script_prog_info info = { .sz = sizeof(info) };
	int ret;

	if (prog_fd < 0)
		return;
	ret = script_prog_get_info(prog_fd, &info);
	if (ret < 0) {
		fflush(stdout);
		error("%s: cannot tell the engine: %s", path, strerror(-ret));
		return;
	}
	printf("engine = %s", script_engine_name(info.engine));
	if (info.engine == SCRIPT_ENGINE_JIT)
		printf(", %llu bytes%s", (unsigned long long)info.jit_bytes,
		       info.jit_blinded ? ", constants blinded" : "");
	if (info.jit_error)
		printf(" (compiling failed: %s)", strerror(-info.jit_error));
	printf("\n");
}

/*
 * Turns the ARGs of run into r1 to r5: 0, or -1 after an error message.
 * The buffers of %SIZE arguments go to @bufs.
 */
static int parse_run_args(int argc, char **argv, __u64 *args, void **bufs)
{
	int i;

	if (argc > 5) {
		error("run takes at most 5 arguments (r1 to r5), not %d", argc);
		return -1;
	}
	for (i = 0; i < argc; i++) {
		const char *s = argv[i];
		__u64 size;

		if (s[0] == '@') {
			args[i] = (uintptr_t)(s + 1);
		} else if (s[0] == '%') {
			if (!parse_u64(s + 1, &size) || !size ||
			    size > MAX_ARG_BUF) {
				error("argument %d: \"%s\": %%SIZE must be 1 to %lu bytes",
				      i + 1, s, MAX_ARG_BUF);
				return -1;
			}
			bufs[i] = calloc(1, size);
			if (!bufs[i]) {
				error("argument %d: %s", i + 1,
				      strerror(ENOMEM));
				return -1;
			}
			args[i] = (uintptr_t)bufs[i];
		} else if (!parse_int(s, &args[i])) {
			error("argument %d: \"%s\" is not an integer, @STRING or %%SIZE",
			      i + 1, s);
			return -1;
		}
	}
	return 0;
}

static int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "entry",	required_argument,	NULL, 'e' },
		{ "interp",	no_argument,		NULL, 'I' },
		{ "load",	no_argument,		NULL, 'l' },
		{ "steps",	required_argument,	NULL, 's' },
		{ "stack",	required_argument,	NULL, 'S' },
		{ "verbose",	no_argument,		NULL, 'v' },
		{ "help",	no_argument,		NULL, 'h' },
		{ }
	};
	struct script_run_opts ro = { .sz = sizeof(ro) };
	int c, i, ret, status = EXIT_FAILURE, prog_fd = -1;
	bool verbose = false, load = false;
	void *bufs[5] = { NULL };
	const char *entry = NULL;
	struct script_log log;
	__u64 val, flags = 0;
	struct prog p;

	while ((c = getopt_long(argc, argv, "+e:Ils:S:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'e':
			entry = optarg;
			break;
		case 'I':
			flags |= SCRIPT_F_INTERP;
			break;
		case 'l':
			load = true;
			break;
		case 's':
			if (!parse_u64(optarg, &val))
				return usage_error(run_usage,
						   "-s: \"%s\" is not a number of steps",
						   optarg);
			ro.max_steps = val;
			break;
		case 'S':
			if (!parse_u64(optarg, &val) || val % 8 ||
			    val < SCRIPT_STACK_MIN || val > SCRIPT_STACK_MAX)
				return usage_error(run_usage,
						   "-S: \"%s\": the stack takes a multiple of 8 from %u to %u bytes",
						   optarg, SCRIPT_STACK_MIN,
						   SCRIPT_STACK_MAX);
			ro.stack_size = val;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			return print_usage(run_usage);
		default:
			return usage_error(run_usage, NULL);
		}
	}
	if (optind >= argc)
		return usage_error(run_usage, "run needs a FILE");
	if (parse_run_args(argc - optind - 1, argv + optind + 1, ro.args, bufs))
		goto out_bufs;
	if (prog_open(&p, argv[optind], entry))
		goto out_bufs;
	if (log_init(&log, verbose))
		goto out_prog;

	if (load) {
		/* The verifier's log is the load's; the run has none. */
		ret = script_load_flags(p.insns, p.cnt, &log, flags);
		log_print(&log);
		if (ret < 0) {
			report_failure(p.path, log.buf[0] ? "rejected" :
				       "SCRIPT_LOAD failed", -ret,
				       log.buf[0] ? (long)log.pc : -1);
			goto out_log;
		}
		prog_fd = ret;
		ret = script_run_fd(prog_fd, &ro);
	} else {
		ro.log = &log;
		ro.flags = flags;
		ret = script_run(p.insns, p.cnt, &ro);
		log_print(&log);
	}
	if (!ret) {
		printf("r0 = %lld (0x%llx)\n", (long long)ro.retval,
		       (unsigned long long)ro.retval);
		printf("steps = %llu\n", (unsigned long long)ro.steps);
		print_engine(p.path, prog_fd);
		status = fflush(stdout) ? EXIT_FAILURE : EXIT_SUCCESS;
	} else {
		/* A rejected program has a log; a stopped run does not. */
		bool rejected = log.buf[0] && (ret == -EINVAL || ret == -E2BIG);

		if (!rejected) {
			printf("steps = %llu\n", (unsigned long long)ro.steps);
			print_engine(p.path, prog_fd);
			fflush(stdout);
		}
		report_failure(p.path, rejected ? "rejected" : "run stopped",
			       -ret, rejected ? log.pc : ro.pc);
	}
	if (prog_fd >= 0)
		close(prog_fd);
out_log:
	free(log.buf);
out_prog:
	prog_close(&p);
out_bufs:
	for (i = 0; i < 5; i++)
		free(bufs[i]);
	return status;
}

/* ---------------------------------------------------------------------
 * main
 */

struct command {
	const char	*name;
	int		(*fn)(int argc, char **argv);
	const char	*usage;
};

static const struct command commands[] = {
	{ "verify",	cmd_verify,	verify_usage },
	{ "disasm",	cmd_disasm,	disasm_usage },
	{ "asm",	cmd_asm,	asm_usage },
	{ "probe",	cmd_probe,	probe_usage },
	{ "run",	cmd_run,	run_usage },
};

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static int cmd_help(int argc, char **argv)
{
	const struct command *cmd;

	if (argc < 2)
		return print_usage(usage_text);
	cmd = find_command(argv[1]);
	if (!cmd)
		return usage_error(usage_text, "no command \"%s\"", argv[1]);
	return print_usage(cmd->usage);
}

int main(int argc, char **argv)
{
	static char cmd_name[32];
	const struct command *cmd;

	if (argc < 2)
		return usage_error(usage_text, "no command given");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help"))
		return cmd_help(argc - 1, argv + 1);
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("scriptctl (libscript) %d.%d\n", LIBSCRIPT_MAJOR_VERSION,
		       LIBSCRIPT_MINOR_VERSION);
		return fflush(stdout) ? EXIT_FAILURE : EXIT_SUCCESS;
	}
	cmd = find_command(argv[1]);
	if (!cmd)
		return usage_error(usage_text, "no command \"%s\"", argv[1]);
	/*
	 * Each command parses its own options, from its name on; getopt()'s
	 * messages name it.
	 */
	snprintf(cmd_name, sizeof(cmd_name), "%s %s", prog_name, cmd->name);
	argv[1] = cmd_name;
	optind = 1;
	return cmd->fn(argc - 1, argv + 1);
}
