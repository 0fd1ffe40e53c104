// SPDX-License-Identifier: GPL-2.0
/*
 * test_elf: libscript's ELF loader on objects from clang -target bpf
 * (elf_*.bpf.c, built by the Makefile as $OUTPUT/elf_X.v3.o with
 * -mcpu=v3 and $OUTPUT/elf_X.v4.o with clang-19 -mcpu=v4).
 *
 * With no script(2) on the host, the loaded programs run in a small
 * interpreter below, in this process: the addresses the loader patched in
 * are real pointers here, so a wrong relocation shows as a wrong result
 * (or a crash).  Then corrupt objects, and a mutation fuzz loop that must
 * end without a crash (run it under -fsanitize=address,undefined too).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/elf.h>

#include "libscript.h"
#include "test.h"

#define LD_IMM64	(SCRIPT_LD | SCRIPT_IMM | SCRIPT_DW)
#define VM_STEPS	1000000
#define VM_STACK	(SCRIPT_FRAME_SIZE * (SCRIPT_MAX_CALL_DEPTH + 1))

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/* Not in <linux/elf.h> */
#ifndef ELF64_R_INFO
#define ELF64_R_INFO(sym, type)	(((__u64)(sym) << 32) + (type))
#endif

/* ---------------------------------------------------------------------
 * Objects and their files
 */

static char *obj_path(const char *name, const char *ver)
{
	const char *dir = getenv("OUTPUT");
	static char path[4096];

	snprintf(path, sizeof(path), "%s%s%s.%s.o", dir ? dir : "../build",
		 dir && *dir && dir[strlen(dir) - 1] == '/' ? "" : "/",
		 name, ver);
	return path;
}

/* The whole file, or NULL; the caller frees it. */
static unsigned char *read_obj(const char *name, const char *ver,
			       size_t *size)
{
	const char *path = obj_path(name, ver);
	unsigned char *buf = NULL;
	struct stat st;
	FILE *f;

	f = fopen(path, "rb");
	if (!f)
		return NULL;
	if (!fstat(fileno(f), &st) && st.st_size > 0) {
		buf = malloc(st.st_size);
		if (buf && fread(buf, 1, st.st_size, f) != (size_t)st.st_size) {
			free(buf);
			buf = NULL;
		}
		*size = st.st_size;
	}
	fclose(f);
	return buf;
}

/* Whether the objects of @ver were built; says so loudly when not. */
static bool have_ver(const char *ver)
{
	if (!access(obj_path("elf_main", ver), R_OK))
		return true;
	if (!strcmp(ver, "v3")) {
		CHECK(0, "%s is missing: build the test objects first",
		      obj_path("elf_main", ver));
		return false;
	}
	TEST_NOTE("SKIP: %s is missing (no clang-19 or clang-18 for -mcpu=v4)",
		  obj_path("elf_main", ver));
	return false;
}

/* Section @name of a valid object in @buf, or NULL. */
static struct elf64_shdr *find_sec(unsigned char *buf, const char *name)
{
	struct elf64_hdr *eh = (struct elf64_hdr *)buf;
	struct elf64_shdr *sh = (struct elf64_shdr *)(buf + eh->e_shoff);
	const char *shstr = (char *)buf + sh[eh->e_shstrndx].sh_offset;
	int i;

	for (i = 0; i < eh->e_shnum; i++)
		if (!strcmp(shstr + sh[i].sh_name, name))
			return &sh[i];
	return NULL;
}

/* Symbol @name of a valid object in @buf, or NULL. */
static struct elf64_sym *find_sym(unsigned char *buf, const char *name)
{
	struct elf64_hdr *eh = (struct elf64_hdr *)buf;
	struct elf64_shdr *sh = (struct elf64_shdr *)(buf + eh->e_shoff);
	struct elf64_shdr *symtab = find_sec(buf, ".symtab");
	struct elf64_sym *sym;
	const char *str;
	size_t i;

	if (!symtab)
		return NULL;
	sym = (struct elf64_sym *)(buf + symtab->sh_offset);
	str = (char *)buf + sh[symtab->sh_link].sh_offset;
	for (i = 1; i < symtab->sh_size / sizeof(*sym); i++)
		if (!strcmp(str + sym[i].st_name, name))
			return &sym[i];
	return NULL;
}

/* Opens @buf with entry @entry: the result, the message in @err. */
static int open_mem(const void *buf, size_t size, const char *entry,
		    struct script_object **obj, char *err, size_t err_size)
{
	struct script_object_opts opts = {
		.sz		= sizeof(opts),
		.entry		= entry,
		.err		= err,
		.err_size	= err_size,
	};

	return script_object_open_mem(buf, size, &opts, obj);
}

/* ---------------------------------------------------------------------
 * What the kernel's verifier would check of the loader's work
 */

static bool is_terminal(const struct script_insn *insn)
{
	return insn->code == (SCRIPT_JMP | SCRIPT_JA) ||
	       insn->code == (SCRIPT_JMP32 | SCRIPT_JA) ||
	       insn->code == (SCRIPT_JMP | SCRIPT_EXIT);
}

/*
 * No LD_IMM64 keeps a src_reg; each subprogram call lands on a
 * subprogram start (one the instruction before cannot fall into), not
 * in an LD_IMM64; the last instruction does not fall off the end.
 * Returns the number of problems, each reported.
 */
static int check_prog(const struct script_insn *insns, size_t cnt, bool quiet)
{
	unsigned char *hi = calloc(cnt + 1, 1);
	int bad = 0;
	size_t pc;

	if (!hi)
		return 1;
	for (pc = 0; pc < cnt; pc++) {
		if (insns[pc].code != LD_IMM64 || hi[pc])
			continue;
		if (pc + 1 < cnt)
			hi[pc + 1] = 1;
		if (insns[pc].src_reg || pc + 1 == cnt) {
			if (!quiet)
				CHECK(0, "insn %zu: ld_imm64 src_reg %u", pc,
				      insns[pc].src_reg);
			bad++;
		}
	}
	for (pc = 0; pc < cnt; pc++) {
		long long t = (long long)pc + insns[pc].imm + 1;

		if (hi[pc] || insns[pc].code != (SCRIPT_JMP | SCRIPT_CALL) ||
		    insns[pc].src_reg != SCRIPT_PSEUDO_CALL)
			continue;
		/* A call to 0 is recursion, which the verifier also refuses. */
		if (t < 0 || t >= (long long)cnt || hi[t] ||
		    (t > 0 && !is_terminal(&insns[t - 1]))) {
			if (!quiet)
				CHECK(0, "insn %zu: call to %lld is not a subprogram start",
				      pc, t);
			bad++;
		}
	}
	if (cnt && !is_terminal(&insns[cnt - 1 - hi[cnt - 1]])) {
		if (!quiet)
			CHECK(0, "the program falls off its end");
		bad++;
	}
	free(hi);
	return bad;
}

/* ---------------------------------------------------------------------
 * An interpreter for what clang emits, on this process's memory
 */

static __u64 load(__u64 addr, int size, bool sx)
{
	__u8 b;
	__u16 h;
	__u32 w;
	__u64 d;

	switch (size) {
	case SCRIPT_B:
		memcpy(&b, (void *)(uintptr_t)addr, 1);
		return sx ? (__u64)(__s8)b : b;
	case SCRIPT_H:
		memcpy(&h, (void *)(uintptr_t)addr, 2);
		return sx ? (__u64)(__s16)h : h;
	case SCRIPT_W:
		memcpy(&w, (void *)(uintptr_t)addr, 4);
		return sx ? (__u64)(__s32)w : w;
	}
	memcpy(&d, (void *)(uintptr_t)addr, 8);
	return d;
}

static void store(__u64 addr, int size, __u64 val)
{
	__u8 b = val;
	__u16 h = val;
	__u32 w = val;

	switch (size) {
	case SCRIPT_B:
		memcpy((void *)(uintptr_t)addr, &b, 1);
		return;
	case SCRIPT_H:
		memcpy((void *)(uintptr_t)addr, &h, 2);
		return;
	case SCRIPT_W:
		memcpy((void *)(uintptr_t)addr, &w, 4);
		return;
	}
	memcpy((void *)(uintptr_t)addr, &val, 8);
}

static __u64 sext(__u64 v, int bits)
{
	return bits == 8 ? (__u64)(__s8)v : bits == 16 ? (__u64)(__s16)v :
	       (__u64)(__s32)v;
}

static __u64 bswap(__u64 v, int bits)
{
	return bits == 16 ? __builtin_bswap16(v) :
	       bits == 32 ? __builtin_bswap32(v) : __builtin_bswap64(v);
}

/* One ALU operation; 32-bit ones on the low halves, zero-extended. */
static bool alu(const struct script_insn *i, __u64 *dst, __u64 src)
{
	bool is64 = SCRIPT_CLASS(i->code) == SCRIPT_ALU64;
	bool x = SCRIPT_SRC(i->code) == SCRIPT_X;
	__u64 a = is64 ? *dst : (__u32)*dst, b = is64 ? src : (__u32)src;
	__s64 sa = is64 ? (__s64)a : (__s32)a, sb = is64 ? (__s64)b : (__s32)b;
	__s64 smin = is64 ? INT64_MIN : INT32_MIN;
	unsigned int mask = is64 ? 63 : 31;
	__u64 r;

	switch (SCRIPT_OP(i->code)) {
	case SCRIPT_ADD:
		r = a + b;
		break;
	case SCRIPT_SUB:
		r = a - b;
		break;
	case SCRIPT_MUL:
		r = a * b;
		break;
	case SCRIPT_OR:
		r = a | b;
		break;
	case SCRIPT_AND:
		r = a & b;
		break;
	case SCRIPT_XOR:
		r = a ^ b;
		break;
	case SCRIPT_LSH:
		r = a << (b & mask);
		break;
	case SCRIPT_RSH:
		r = a >> (b & mask);
		break;
	case SCRIPT_ARSH:
		r = (__u64)(sa >> (b & mask));
		break;
	case SCRIPT_NEG:
		r = -a;
		break;
	case SCRIPT_DIV:
		if (!b)
			r = 0;
		else if (i->off != 1)
			r = a / b;
		else if (sa == smin && sb == -1)
			r = a;
		else
			r = (__u64)(sa / sb);
		break;
	case SCRIPT_MOD:
		if (!b)
			r = a;
		else if (i->off != 1)
			r = a % b;
		else if (sb == -1)
			r = 0;
		else
			r = (__u64)(sa % sb);
		break;
	case SCRIPT_MOV:
		r = x && i->off ? sext(src, i->off) : b;
		break;
	case SCRIPT_END:
		if (is64 || x)		/* bswap, or to big endian */
			r = bswap(*dst, i->imm);
		else
			r = i->imm == 64 ? *dst : *dst & ((1ULL << i->imm) - 1);
		*dst = r;
		return true;
	default:
		return false;
	}
	*dst = is64 ? r : (__u32)r;
	return true;
}

static bool cond(const struct script_insn *i, __u64 a, __u64 b)
{
	bool is32 = SCRIPT_CLASS(i->code) == SCRIPT_JMP32;
	__s64 sa = is32 ? (__s32)a : (__s64)a, sb = is32 ? (__s32)b : (__s64)b;

	if (is32) {
		a = (__u32)a;
		b = (__u32)b;
	}
	switch (SCRIPT_OP(i->code)) {
	case SCRIPT_JEQ: return a == b;
	case SCRIPT_JNE: return a != b;
	case SCRIPT_JGT: return a > b;
	case SCRIPT_JGE: return a >= b;
	case SCRIPT_JLT: return a < b;
	case SCRIPT_JLE: return a <= b;
	case SCRIPT_JSGT: return sa > sb;
	case SCRIPT_JSGE: return sa >= sb;
	case SCRIPT_JSLT: return sa < sb;
	case SCRIPT_JSLE: return sa <= sb;
	case SCRIPT_JSET: return a & b;
	}
	return false;
}

/* The ops the test programs call. */
static bool call_op(int id, __u64 *r)
{
	int c;

	switch (id) {
	case SCRIPT_OP_MEMCPY:
		memmove((void *)(uintptr_t)r[1], (void *)(uintptr_t)r[2], r[3]);
		r[0] = r[3];
		return true;
	case SCRIPT_OP_MEMCMP:
		c = memcmp((void *)(uintptr_t)r[1], (void *)(uintptr_t)r[2],
			   r[3]);
		r[0] = c < 0 ? (__u64)-1 : c > 0;
		return true;
	}
	return false;
}

/*
 * Runs @insns from instruction 0 with @args in r1 to r5: 0 and r0 in
 * *@ret at the main program's EXIT, or -1 after a failed check.
 */
static int vm_run(const struct script_insn *insns, size_t cnt,
		  const __u64 *args, __u64 *ret)
{
	struct {
		__u64	regs[5];	/* r6 to r10 */
		size_t	ret;
	} frames[SCRIPT_MAX_CALL_DEPTH];
	static __u64 stack[VM_STACK / 8];
	__u64 r[__MAX_SCRIPT_REG] = { 0 };
	size_t pc = 0, depth = 0;
	long steps;

	memcpy(&r[1], args, 5 * sizeof(*args));
	r[10] = (uintptr_t)(stack + VM_STACK / 8);
	for (steps = 0; steps < VM_STEPS; steps++) {
		const struct script_insn *i;
		__u64 src, *dst;
		__u8 class;

		if (pc >= cnt) {
			CHECK(0, "pc %zu is outside the program", pc);
			return -1;
		}
		i = &insns[pc++];
		class = SCRIPT_CLASS(i->code);
		if (i->dst_reg > 10 || i->src_reg > 10) {
			CHECK(0, "insn %zu: bad register", pc - 1);
			return -1;
		}
		dst = &r[i->dst_reg];
		src = SCRIPT_SRC(i->code) == SCRIPT_X ? r[i->src_reg] :
		      (__u64)(__s64)i->imm;

		switch (class) {
		case SCRIPT_ALU:
		case SCRIPT_ALU64:
			if (!alu(i, dst, src))
				goto unknown;
			continue;
		case SCRIPT_LD:
			if (i->code != LD_IMM64 || pc >= cnt)
				goto unknown;
			*dst = (__u32)i->imm |
			       (__u64)(__u32)insns[pc].imm << 32;
			pc++;
			continue;
		case SCRIPT_LDX:
			if (SCRIPT_MODE(i->code) != SCRIPT_MEM &&
			    SCRIPT_MODE(i->code) != SCRIPT_MEMSX)
				goto unknown;
			*dst = load(r[i->src_reg] + i->off,
				    SCRIPT_SIZE(i->code),
				    SCRIPT_MODE(i->code) == SCRIPT_MEMSX);
			continue;
		case SCRIPT_ST:
		case SCRIPT_STX:
			if (SCRIPT_MODE(i->code) != SCRIPT_MEM)
				goto unknown;
			store(*dst + i->off, SCRIPT_SIZE(i->code),
			      class == SCRIPT_ST ? (__u64)(__s64)i->imm :
			      r[i->src_reg]);
			continue;
		}

		/* SCRIPT_JMP, SCRIPT_JMP32 */
		switch (SCRIPT_OP(i->code)) {
		case SCRIPT_JA:
			pc += class == SCRIPT_JMP32 ? i->imm : i->off;
			continue;
		case SCRIPT_CALL:
			if (i->src_reg == 0) {
				if (!call_op(i->imm, r))
					goto unknown;
				continue;
			}
			if (depth == SCRIPT_MAX_CALL_DEPTH) {
				CHECK(0, "insn %zu: calls nest too deep", pc - 1);
				return -1;
			}
			memcpy(frames[depth].regs, &r[6],
			       sizeof(frames[0].regs));
			frames[depth++].ret = pc;
			r[10] -= SCRIPT_FRAME_SIZE;
			pc += i->imm;
			continue;
		case SCRIPT_EXIT:
			if (!depth) {
				*ret = r[0];
				return 0;
			}
			depth--;
			memcpy(&r[6], frames[depth].regs,
			       sizeof(frames[0].regs));
			pc = frames[depth].ret;
			continue;
		default:
			if (cond(i, *dst, src))
				pc += i->off;
			continue;
		}
unknown:
		CHECK(0, "insn %zu: opcode 0x%02x is not interpreted", pc - 1,
		      i->code);
		return -1;
	}
	CHECK(0, "more than %d steps", VM_STEPS);
	return -1;
}

/* ---------------------------------------------------------------------
 * Programs that load and run
 */

struct result {
	long		len;
	const char	*type;
	long		code;
	long		mime;
	long		bss_sum;
	long		cmp;
	long		config;
	long		copied;
};

/* The permissions of the mapping that holds @p: "rw-p", or "" */
static const char *perms_of(const void *p)
{
	static char perms[8];
	unsigned long lo, hi;
	char line[512];
	FILE *f;

	perms[0] = '\0';
	f = fopen("/proc/self/maps", "r");
	if (!f)
		return perms;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) == 3 &&
		    (uintptr_t)p >= lo && (uintptr_t)p < hi)
			break;
		perms[0] = '\0';
	}
	fclose(f);
	return perms;
}

static void test_main_ver(const char *ver)
{
	struct script_object *obj = NULL;
	const struct script_insn *insns;
	char err[256], buf[16];
	size_t size = 0, cnt, vsize, run_cnt = 0;
	unsigned char *elf;
	struct result res;
	__u64 args[5], ret = 0;
	int *counter, *config;
	long *hits;
	char **scratch_ptr, *scratch;
	int e;

	if (!have_ver(ver))
		return;
	elf = read_obj("elf_main", ver, &size);
	CHECK(elf, "cannot read elf_main.%s.o", ver);
	if (!elf)
		return;

	/* run() and lookup() are global: the entry must be named. */
	e = open_mem(elf, size, NULL, &obj, err, sizeof(err));
	CHECK_EQ_INT(e, -EINVAL);
	CHECK(strstr(err, "global functions"), "message \"%s\"", err);
	CHECK(!obj, "no object on failure");

	e = open_mem(elf, size, "run", &obj, err, sizeof(err));
	CHECK(e == 0, "%s: open: %d %s", ver, e, err);
	if (e)
		goto out;
	insns = script_object_insns(obj, &cnt);
	CHECK(insns && cnt > 0, "%s: program of %zu insns", ver, cnt);
	CHECK_EQ_INT(check_prog(insns, cnt, false), 0);
	run_cnt = cnt;
	/* run() is the third function of .text, and now the first. */
	CHECK(find_sym(elf, "run") && find_sym(elf, "run")->st_value > 0,
	      "%s: run() is not first in .text", ver);
	CHECK(!memcmp(insns, elf + find_sec(elf, ".text")->sh_offset +
		      find_sym(elf, "run")->st_value, sizeof(*insns)),
	      "%s: run() is first in the program", ver);

	memset(&res, 0, sizeof(res));
	memset(buf, 0, sizeof(buf));
	args[0] = (uintptr_t)&res;
	args[1] = 2;
	args[2] = (uintptr_t)"png";
	args[3] = (uintptr_t)buf;
	args[4] = 4;
	CHECK_EQ_INT(vm_run(insns, cnt, args, &ret), 0);
	CHECK_EQ_INT(ret, 42);
	CHECK_EQ_INT(res.len, strlen("image/png") + strlen("hello, world"));
	CHECK_EQ_STR(res.type, "image/png");
	CHECK_EQ_INT(res.code, 500);
	CHECK_EQ_INT(res.mime, 2);
	CHECK_EQ_INT(res.bss_sum, 0);
	CHECK_EQ_INT(res.cmp, 0);
	CHECK_EQ_INT(res.config, 7);
	CHECK_EQ_INT(res.copied, 8);
	CHECK_EQ_STR(buf, "copied!");

	/* The variables, as a launcher sees them. */
	counter = script_object_symbol(obj, "counter", &vsize);
	CHECK(counter, "%s: counter", ver);
	CHECK_EQ_INT(vsize, sizeof(int));
	hits = script_object_symbol(obj, "hits", &vsize);
	CHECK(hits, "%s: hits", ver);
	CHECK_EQ_INT(vsize, 4 * sizeof(long));
	scratch_ptr = script_object_symbol(obj, "scratch_ptr", NULL);
	scratch = script_object_symbol(obj, "scratch", &vsize);
	CHECK(scratch_ptr && scratch, "%s: scratch", ver);
	CHECK_EQ_INT(vsize, 32);
	config = script_object_symbol(obj, "config", &vsize);
	CHECK(config, "%s: config", ver);
	errno = 0;
	CHECK(!script_object_symbol(obj, "nothing", NULL) && errno == ENOENT,
	      "%s: no symbol 'nothing'", ver);
	CHECK(!script_object_symbol(obj, "run", NULL),
	      "%s: a function is not a variable", ver);
	if (!counter || !hits || !scratch_ptr || !scratch || !config)
		goto out;
	CHECK_EQ_INT(*counter, 42);
	CHECK_EQ_INT(hits[0] + hits[1] + hits[3], 0);
	CHECK_EQ_INT(hits[2], 5);
	CHECK(*scratch_ptr == scratch, "%s: scratch_ptr %p, scratch %p", ver,
	      (void *)*scratch_ptr, (void *)scratch);
	CHECK_EQ_INT(scratch[0], 'x');
	CHECK_EQ_INT(*config, 7);
	CHECK(!strncmp(perms_of(config), "r--", 3), "%s: .rodata is %s", ver,
	      perms_of(config));
	CHECK(!strncmp(perms_of(res.type), "r--", 3),
	      "%s: .rodata.str1.1 is %s", ver, perms_of(res.type));
	CHECK(!strncmp(perms_of(counter), "rw-", 3), "%s: .data is %s", ver,
	      perms_of(counter));
	CHECK(!strncmp(perms_of(hits), "rw-", 3), "%s: .bss is %s", ver,
	      perms_of(hits));

	/* .data and .bss keep what the last run left; a launcher sets them. */
	*counter = 100;
	args[1] = 1;
	args[2] = (uintptr_t)"css";
	args[4] = 3;		/* lookup() looks at html, txt, png only */
	CHECK_EQ_INT(vm_run(insns, cnt, args, &ret), 0);
	CHECK_EQ_INT(ret, 101);
	CHECK_EQ_STR(res.type, "text/plain");
	CHECK_EQ_INT(res.code, 404);
	CHECK_EQ_INT(res.mime, -1);
	CHECK_EQ_INT(res.bss_sum, 'x' + 5);
	CHECK(res.cmp != 0, "%s: memcmp(css, png)", ver);
	CHECK_EQ_INT(hits[1], 5);
	script_object_close(obj);
	obj = NULL;

	/* Another entry: lookup() and what it calls, no more. */
	e = open_mem(elf, size, "lookup", &obj, err, sizeof(err));
	CHECK(e == 0, "%s: open lookup: %d %s", ver, e, err);
	if (e)
		goto out;
	insns = script_object_insns(obj, &cnt);
	CHECK_EQ_INT(check_prog(insns, cnt, false), 0);
	CHECK(cnt < find_sec(elf, ".text")->sh_size / 8,
	      "%s: lookup's program leaves run() out", ver);
	args[0] = (uintptr_t)"css";
	args[1] = 4;
	CHECK_EQ_INT(vm_run(insns, cnt, args, &ret), 0);
	CHECK_EQ_INT(ret, 3);
	args[0] = (uintptr_t)"gif";
	CHECK_EQ_INT(vm_run(insns, cnt, args, &ret), 0);
	CHECK_EQ_INT((long)ret, -1);

	/* The same object from its file. */
	script_object_close(obj);
	obj = NULL;
	{
		struct script_object_opts opts = {
			.sz = sizeof(opts), .entry = "run",
			.err = err, .err_size = sizeof(err),
		};

		e = script_object_open_file(obj_path("elf_main", ver), &opts,
					    &obj);
		CHECK(e == 0, "%s: open_file: %d %s", ver, e, err);
		if (!e) {
			size_t cnt2;

			script_object_insns(obj, &cnt2);
			CHECK_EQ_INT(cnt2, run_cnt);
		}
	}
out:
	script_object_close(obj);
	free(elf);
}

static void test_main_v3(void)
{
	test_main_ver("v3");
}

static void test_main_v4(void)
{
	test_main_ver("v4");
}

static void test_single_ver(const char *ver)
{
	struct script_object *obj = NULL;
	const struct script_insn *insns;
	struct elf64_sym *entry, *unused;
	struct elf64_shdr *text;
	unsigned char *elf;
	size_t size = 0, cnt;
	__u64 args[5] = { 4 }, ret = 0;
	char err[256];
	int e;

	if (!have_ver(ver))
		return;
	elf = read_obj("elf_single", ver, &size);
	CHECK(elf, "cannot read elf_single.%s.o", ver);
	if (!elf)
		return;
	text = find_sec(elf, ".text");
	entry = find_sym(elf, "entry");
	unused = find_sym(elf, "unused");
	CHECK(text && entry && unused, "%s: .text, entry, unused", ver);
	if (!text || !entry || !unused)
		goto out;
	CHECK(entry->st_value > 0, "%s: entry() is not first in .text", ver);

	/* The only global function is the entry; NULL opts work. */
	e = script_object_open_mem(elf, size, NULL, &obj);
	CHECK_EQ_INT(e, 0);
	script_object_close(obj);
	obj = NULL;

	e = open_mem(elf, size, NULL, &obj, err, sizeof(err));
	CHECK(e == 0, "%s: open: %d %s", ver, e, err);
	if (e)
		goto out;
	CHECK_EQ_INT(err[0], 0);
	insns = script_object_insns(obj, &cnt);
	CHECK_EQ_INT(check_prog(insns, cnt, false), 0);
	CHECK_EQ_INT(cnt, (text->sh_size - unused->st_size) / 8);
	CHECK(!memcmp(insns, elf + text->sh_offset + entry->st_value,
		      entry->st_size), "%s: entry() comes first", ver);
	CHECK_EQ_INT(vm_run(insns, cnt, args, &ret), 0);
	CHECK_EQ_INT(ret, (1 + 4 + 9 + 16) * 2 + 9);
	args[0] = 10;
	CHECK_EQ_INT(vm_run(insns, cnt, args, &ret), 0);
	CHECK_EQ_INT(ret, 385 * 2 + 9);
	/* No variables at all. */
	CHECK(!script_object_symbol(obj, "entry", NULL), "%s: no symbol", ver);

	/* A static function may be the entry too. */
	script_object_close(obj);
	obj = NULL;
	e = open_mem(elf, size, "square", &obj, err, sizeof(err));
	CHECK(e == 0, "%s: open square: %d %s", ver, e, err);
	if (!e) {
		insns = script_object_insns(obj, &cnt);
		args[0] = 12;
		CHECK_EQ_INT(vm_run(insns, cnt, args, &ret), 0);
		CHECK_EQ_INT(ret, 144);
	}
out:
	script_object_close(obj);
	free(elf);
}

static void test_single_v3(void)
{
	test_single_ver("v3");
}

static void test_single_v4(void)
{
	test_single_ver("v4");
}

/* Opens @name.@ver with @entry and runs it on @x: r0, or -1 on failure. */
static long run_entry(const unsigned char *elf, size_t size, const char *ver,
		      const char *entry, long x, size_t *cnt)
{
	struct script_object *obj = NULL;
	const struct script_insn *insns;
	__u64 args[5] = { x }, ret = -1;
	char err[256];
	int e;

	e = open_mem(elf, size, entry, &obj, err, sizeof(err));
	CHECK(e == 0, "%s: open %s: %d %s", ver, entry, e, err);
	if (e)
		return -1;
	insns = script_object_insns(obj, cnt);
	CHECK_EQ_INT(check_prog(insns, *cnt, false), 0);
	if (vm_run(insns, *cnt, args, &ret))
		ret = -1;
	script_object_close(obj);
	return ret;
}

static void test_sections_ver(const char *ver)
{
	struct script_object *obj = NULL;
	size_t size = 0, cnt = 0;
	unsigned char *elf;
	struct elf64_sym *first, *inc, *scale;
	char err[256];

	if (!have_ver(ver))
		return;
	elf = read_obj("elf_sections", ver, &size);
	CHECK(elf, "cannot read elf_sections.%s.o", ver);
	if (!elf)
		return;
	first = find_sym(elf, "first");
	inc = find_sym(elf, "inc");
	scale = find_sym(elf, "scale");
	CHECK(first && inc && scale, "%s: symbols", ver);
	if (!first || !inc || !scale)
		goto out;

	/* Calls by .text section symbol, to static functions of .text. */
	CHECK_EQ_INT(run_entry(elf, size, ver, "first", 4, &cnt), 5 + 4 * 7);
	CHECK_EQ_INT(cnt, (first->st_size + inc->st_size + scale->st_size) / 8);
	/* And by function symbol, to a global function of .text. */
	CHECK_EQ_INT(run_entry(elf, size, ver, "second", 4, &cnt),
		     4 * 11 + 5 * 2);
	CHECK_EQ_INT(run_entry(elf, size, ver, "shared", 9, &cnt), 20);

	CHECK_EQ_INT(open_mem(elf, size, NULL, &obj, err, sizeof(err)),
		     -EINVAL);
	CHECK_EQ_STR(err,
		     "entry: the object has 3 global functions; name the entry in opts->entry");
out:
	free(elf);
}

static void test_sections_v3(void)
{
	test_sections_ver("v3");
}

static void test_sections_v4(void)
{
	test_sections_ver("v4");
}

/* ---------------------------------------------------------------------
 * What the loader refuses
 */

static void test_unsupported_ver(const char *ver)
{
	struct script_object *obj = NULL;
	unsigned char *elf;
	size_t size = 0, cnt;
	__u64 args[5] = { 41 }, ret = 0;
	unsigned int off, code;
	struct elf64_shdr *text;
	char err[256];
	int e;

	if (!have_ver(ver))
		return;
	elf = read_obj("elf_bad", ver, &size);
	CHECK(elf, "cannot read elf_bad.%s.o", ver);
	if (!elf)
		return;
	text = find_sec(elf, ".text");

	/* What the entry does not reach is not checked. */
	e = open_mem(elf, size, "ok", &obj, err, sizeof(err));
	CHECK(e == 0, "%s: open ok: %d %s", ver, e, err);
	if (!e) {
		const struct script_insn *insns;

		insns = script_object_insns(obj, &cnt);
		CHECK_EQ_INT(vm_run(insns, cnt, args, &ret), 0);
		CHECK_EQ_INT(ret, 42);
		script_object_close(obj);
		obj = NULL;
	}

	e = open_mem(elf, size, "atomic", &obj, err, sizeof(err));
	CHECK_EQ_INT(e, -ENOTSUP);
	CHECK(!obj, "no object");
	CHECK(sscanf(err, "section .text offset 0x%x: instruction 0x%x (atomic) is not supported",
		     &off, &code) == 2, "%s: message \"%s\"", ver, err);
	CHECK(text && off < text->sh_size &&
	      elf[text->sh_offset + off] == code &&
	      (code & 0xe7) == (SCRIPT_STX | 0xc0),
	      "%s: offset 0x%x holds 0x%02x, not atomic 0x%02x", ver, off,
	      text ? elf[text->sh_offset + off] : 0, code);

	e = open_mem(elf, size, "use_ext_var", &obj, err, sizeof(err));
	CHECK_EQ_INT(e, -ENOTSUP);
	CHECK(!strncmp(err, "section .text offset 0x", 23) &&
	      strstr(err, ": relocation R_BPF_64_64 against undefined symbol 'ext_var'"),
	      "%s: message \"%s\"", ver, err);

	e = open_mem(elf, size, "use_ext_fn", &obj, err, sizeof(err));
	CHECK_EQ_INT(e, -ENOTSUP);
	CHECK(!strncmp(err, "section .text offset 0x", 23) &&
	      strstr(err, ": call to undefined function 'ext_fn'"),
	      "%s: message \"%s\"", ver, err);

	e = open_mem(elf, size, "nope", &obj, err, sizeof(err));
	CHECK_EQ_INT(e, -ENOENT);
	CHECK_EQ_STR(err, "entry: the object has no function 'nope'");

	e = open_mem(elf, size, NULL, &obj, err, sizeof(err));
	CHECK_EQ_INT(e, -EINVAL);
	CHECK_EQ_STR(err,
		     "entry: the object has 4 global functions; name the entry in opts->entry");
	free(elf);

	elf = read_obj("elf_maps", ver, &size);
	CHECK(elf, "cannot read elf_maps.%s.o", ver);
	e = open_mem(elf, size, NULL, &obj, err, sizeof(err));
	CHECK_EQ_INT(e, -ENOTSUP);
	CHECK_EQ_STR(err, "section .maps: maps are not supported");
	free(elf);

	elf = read_obj("elf_fnptr", ver, &size);
	CHECK(elf, "cannot read elf_fnptr.%s.o", ver);
	e = open_mem(elf, size, NULL, &obj, err, sizeof(err));
	CHECK_EQ_INT(e, -ENOTSUP);
	CHECK(!strncmp(err, "section .rodata offset 0x", 25) &&
	      strstr(err, "addresses of functions are not supported"),
	      "%s: message \"%s\"", ver, err);
	CHECK(!obj, "no object");
	free(elf);
}

static void test_unsupported_v3(void)
{
	test_unsupported_ver("v3");
}

static void test_unsupported_v4(void)
{
	test_unsupported_ver("v4");
}

/* ---------------------------------------------------------------------
 * Corrupt objects
 */

/* Opens a changed copy of @elf: the result; the message in @err. */
static int open_changed(const unsigned char *elf, size_t size,
			void (*change)(unsigned char *buf, size_t *size),
			char *err, size_t err_size)
{
	struct script_object *obj = NULL;
	unsigned char *copy = malloc(size);
	int e;

	if (!copy)
		return -ENOMEM;
	memcpy(copy, elf, size);
	change(copy, &size);
	e = open_mem(copy, size, "run", &obj, err, err_size);
	CHECK(!e == !!obj, "object %p with result %d", (void *)obj, e);
	script_object_close(obj);
	free(copy);
	return e;
}

static void bad_magic(unsigned char *buf, size_t *size)
{
	buf[1] = 'X';
}

static void bad_machine(unsigned char *buf, size_t *size)
{
	((struct elf64_hdr *)buf)->e_machine = EM_X86_64;
}

static void bad_class(unsigned char *buf, size_t *size)
{
	buf[EI_CLASS] = ELFCLASS32;
}

static void text_beyond(unsigned char *buf, size_t *size)
{
	find_sec(buf, ".text")->sh_offset = *size - 8;
}

static void text_huge(unsigned char *buf, size_t *size)
{
	find_sec(buf, ".text")->sh_size = ~0ULL - 7;
}

static void shoff_huge(unsigned char *buf, size_t *size)
{
	((struct elf64_hdr *)buf)->e_shoff = ~0ULL - 32;
}

static void shstrndx_bad(unsigned char *buf, size_t *size)
{
	((struct elf64_hdr *)buf)->e_shstrndx = 0xfff0;
}

static void rel_sym_bad(unsigned char *buf, size_t *size)
{
	struct elf64_rel *r = (struct elf64_rel *)(buf + find_sec(buf, ".rel.text")->sh_offset);

	r[1].r_info = ELF64_R_INFO(0x123456, ELF64_R_TYPE(r[1].r_info));
}

static void rel_off_bad(unsigned char *buf, size_t *size)
{
	struct elf64_rel *r = (struct elf64_rel *)(buf + find_sec(buf, ".rel.text")->sh_offset);

	r[0].r_offset = 0x7fffffff8ULL;
}

static void data_rel_off_bad(unsigned char *buf, size_t *size)
{
	struct elf64_rel *r = (struct elf64_rel *)(buf + find_sec(buf, ".rel.rodata")->sh_offset);

	r[0].r_offset = find_sec(buf, ".rodata")->sh_size - 4;
}

static void sym_name_bad(unsigned char *buf, size_t *size)
{
	struct elf64_sym *s = find_sym(buf, "run");

	s->st_name = 0xffffff;
}

static void func_size_bad(unsigned char *buf, size_t *size)
{
	find_sym(buf, "run")->st_size = 0x1000000;
}

static void bss_huge(unsigned char *buf, size_t *size)
{
	find_sec(buf, ".bss")->sh_size = 1ULL << 40;
}

static void align_bad(unsigned char *buf, size_t *size)
{
	find_sec(buf, ".data")->sh_addralign = 24;
}

static void test_corrupt(void)
{
	static const struct {
		const char	*name;
		void		(*change)(unsigned char *buf, size_t *size);
		int		err;
		const char	*msg;
	} cases[] = {
		{ "bad magic", bad_magic, -EINVAL, "ELF header: not an ELF file" },
		{ "wrong machine", bad_machine, -EINVAL,
		  "ELF header: machine 62 is not BPF (247)" },
		{ "32-bit", bad_class, -EINVAL, "ELF header: not a 64-bit object" },
		{ ".text beyond the file", text_beyond, -EINVAL, "section " },
		{ ".text huge", text_huge, -EINVAL, "lie beyond the file" },
		{ "e_shoff huge", shoff_huge, -EINVAL,
		  "ELF header: section headers at 0x" },
		{ "e_shstrndx bad", shstrndx_bad, -EINVAL,
		  "ELF header: section name table 65520 does not exist" },
		{ "relocation symbol out of range", rel_sym_bad, -EINVAL,
		  "against symbol index 1193046, out of range" },
		{ "relocation offset beyond .text", rel_off_bad, -EINVAL,
		  "section .text offset 0x7fffffff8: relocation R_BPF_64_64 is not on an instruction",
		},
		{ "data relocation beyond .rodata", data_rel_off_bad, -EINVAL,
		  "lies beyond the section's contents" },
		{ "symbol name beyond the string table", sym_name_bad, -EINVAL,
		  "name offset 0xffffff is out of range" },
		{ "function beyond .text", func_size_bad, -EINVAL,
		  "is not made of whole instructions in the section" },
		{ ".bss of 1 TiB", bss_huge, -E2BIG, "section .bss: size 0x" },
		{ "alignment 24", align_bad, -EINVAL,
		  "section .data: alignment 24 is not a power of 2" },
	};
	struct script_object *obj = NULL;
	size_t size = 0, len, i;
	unsigned char *elf;
	char err[256];
	int e, failed = 0;

	if (!have_ver("v3"))
		return;
	elf = read_obj("elf_main", "v3", &size);
	CHECK(elf, "cannot read elf_main.v3.o");
	if (!elf)
		return;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		err[0] = '\0';
		e = open_changed(elf, size, cases[i].change, err, sizeof(err));
		CHECK(e == cases[i].err, "%s: %d, expected %d (%s)",
		      cases[i].name, e, cases[i].err, err);
		CHECK(strstr(err, cases[i].msg), "%s: message \"%s\" lacks \"%s\"",
		      cases[i].name, err, cases[i].msg);
	}

	/* Every truncation: the section headers are at the end. */
	for (len = 0; len < size; len++) {
		unsigned char *copy = malloc(len ? len : 1);

		memcpy(copy, elf, len);
		e = open_mem(copy, len, "run", &obj, err, sizeof(err));
		if (!e || e != -EINVAL || !err[0]) {
			failed++;
			script_object_close(obj);
			obj = NULL;
		}
		free(copy);
	}
	CHECK(!failed, "%d truncations of %zu bytes did not fail with a message",
	      failed, size);
	e = open_mem(elf, 10, "run", &obj, err, sizeof(err));
	CHECK_EQ_STR(err, "ELF header: file of 10 bytes is truncated");

	/* Arguments, options, files, messages. */
	CHECK_EQ_INT(script_object_open_mem(elf, size, NULL, NULL), -EINVAL);
	CHECK_EQ_INT(script_object_open_mem(NULL, 5, NULL, &obj), -EINVAL);
	{
		struct {
			struct script_object_opts opts;
			long more;
		} big = {
			.opts = { .sz = sizeof(big), .entry = "run" },
			.more = 1,
		};

		CHECK_EQ_INT(script_object_open_mem(elf, size, &big.opts, &obj),
			     -EINVAL);
		big.more = 0;
		CHECK_EQ_INT(script_object_open_mem(elf, size, &big.opts, &obj),
			     0);
		script_object_close(obj);
		obj = NULL;
	}
	{
		/* An old, smaller struct: no entry field, so no entry. */
		struct script_object_opts opts = {
			.sz = offsetof(struct script_object_opts, entry),
			.entry = "run",
		};

		CHECK_EQ_INT(script_object_open_mem(elf, size, &opts, &obj),
			     -EINVAL);
	}
	e = open_mem(elf, size, NULL, &obj, err, 6);
	CHECK_EQ_INT(e, -EINVAL);
	CHECK_EQ_STR(err, "entry");
	e = open_mem(elf, size, NULL, &obj, NULL, 100);
	CHECK_EQ_INT(e, -EINVAL);
	{
		struct script_object_opts opts = {
			.sz = sizeof(opts), .err = err, .err_size = sizeof(err),
		};

		e = script_object_open_file("/nonexistent/elf.o", &opts, &obj);
		CHECK_EQ_INT(e, -ENOENT);
		CHECK(strstr(err, "/nonexistent/elf.o"), "message \"%s\"", err);
		e = script_object_open_file("/", &opts, &obj);
		CHECK_EQ_INT(e, -EINVAL);
	}
	CHECK(!script_object_insns(NULL, NULL) && errno == EINVAL, "insns(NULL)");
	CHECK_EQ_INT(script_object_load(NULL, NULL), -EINVAL);
	script_object_close(NULL);
	free(elf);
}

/* ---------------------------------------------------------------------
 * Mutation fuzzing: no crash, no leak (under ASan), and what loads is
 * still a well-formed program
 */

static __u64 rng_state = 0x9e3779b97f4a7c15ULL;

static __u64 rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* A random offset, often in the headers, the symbols or a relocation. */
static size_t fuzz_off(unsigned char *elf, size_t size)
{
	struct elf64_hdr *eh = (struct elf64_hdr *)elf;
	static const char *const secs[] = {
		".symtab", ".rel.text", ".rel.rodata", ".rel.data", ".text",
		".strtab", ".relscript/first", ".relscript/second",
	};
	struct elf64_shdr *sh;

	switch (rng() % 5) {
	case 0:
		return rng() % size;
	case 1:
		return rng() % sizeof(*eh);
	case 2:
		return eh->e_shoff + rng() % (eh->e_shnum * sizeof(struct elf64_shdr));
	default:
		sh = find_sec(elf, secs[rng() % ARRAY_SIZE(secs)]);
		if (!sh || !sh->sh_size)
			return rng() % size;
		return sh->sh_offset + rng() % sh->sh_size;
	}
}

/* test_fuzz()'s summary, with its counts */
#define FUZZ_NOTE "fuzz: %ld mutants: %ld loaded (%ld with a call or ld_imm64 the verifier would refuse), EINVAL %d, ENOTSUP %d, ENOENT %d, E2BIG %d, other %d"

static void test_fuzz(void)
{
	static const struct {
		const char	*name;
		const char	*ver;
		const char	*entry;
	} seeds[] = {
		{ "elf_main", "v3", "run" },
		{ "elf_single", "v3", NULL },
		{ "elf_main", "v4", "run" },
		{ "elf_bad", "v3", "ok" },
		{ "elf_sections", "v3", "second" },
		{ "elf_sections", "v4", "first" },
	};
	unsigned char *elf[ARRAY_SIZE(seeds)] = { NULL }, *copy;
	size_t size[ARRAY_SIZE(seeds)] = { 0 };
	const char *iters_env = getenv("TEST_ELF_FUZZ_ITERS");
	long iters = iters_env ? atol(iters_env) : 20000, n;
	long loaded = 0, bad_progs = 0;
	int errs[5] = { 0 };	/* EINVAL ENOTSUP ENOENT E2BIG other */
	size_t i, k;

	if (!have_ver("v3"))
		return;
	for (i = 0; i < ARRAY_SIZE(seeds); i++) {
		elf[i] = read_obj(seeds[i].name, seeds[i].ver, &size[i]);
		if (!elf[i])
			TEST_NOTE("fuzz: no %s.%s.o", seeds[i].name, seeds[i].ver);
	}

	for (n = 0; n < iters; n++) {
		struct script_object *obj = NULL;
		size_t s = rng() % ARRAY_SIZE(seeds), flips;
		char err[128];
		int e;

		if (!elf[s])
			s = 0;
		copy = malloc(size[s]);
		if (!copy)
			break;
		memcpy(copy, elf[s], size[s]);
		flips = 1 + rng() % 8;
		for (k = 0; k < flips; k++) {
			/* Where, from the original: find_sec() reads it. */
			size_t off = fuzz_off(elf[s], size[s]);

			switch (rng() % 3) {
			case 0:
				copy[off] ^= 1 << (rng() % 8);
				break;
			case 1:
				copy[off] = rng();
				break;
			default:
				copy[off] = (rng() & 1) ? 0xff : 0;
				break;
			}
		}
		e = open_mem(copy, size[s], seeds[s].entry, &obj, err,
			     sizeof(err));
		if (!e) {
			const struct script_insn *insns;
			size_t cnt;

			loaded++;
			insns = script_object_insns(obj, &cnt);
			if (!insns || !cnt || check_prog(insns, cnt, true))
				bad_progs++;
			script_object_close(obj);
		} else {
			CHECK(!obj && err[0], "fuzz %ld: %d with no message", n, e);
			errs[e == -EINVAL ? 0 : e == -ENOTSUP ? 1 :
			     e == -ENOENT ? 2 : e == -E2BIG ? 3 : 4]++;
		}
		free(copy);
	}
	TEST_NOTE(FUZZ_NOTE, n, loaded, bad_progs, errs[0], errs[1], errs[2],
		  errs[3], errs[4]);
	CHECK_EQ_INT(errs[4], 0);
	CHECK_EQ_INT(bad_progs, 0);
	for (i = 0; i < ARRAY_SIZE(seeds); i++)
		free(elf[i]);
}

int main(void)
{
	RUN_TEST(test_main_v3);
	RUN_TEST(test_main_v4);
	RUN_TEST(test_single_v3);
	RUN_TEST(test_single_v4);
	RUN_TEST(test_sections_v3);
	RUN_TEST(test_sections_v4);
	RUN_TEST(test_unsupported_v3);
	RUN_TEST(test_unsupported_v4);
	RUN_TEST(test_corrupt);
	RUN_TEST(test_fuzz);
	return test_main_result();
}
