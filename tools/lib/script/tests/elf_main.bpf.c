// SPDX-License-Identifier: GPL-2.0
/*
 * test_elf: an object with data of every kind and several global
 * functions, so that its entry has to be named.  run() is not the first
 * function of .text.
 */
#include "script_ops.h"

#define NOINLINE	__attribute__((noinline))
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

struct mime {
	const char	*ext;
	const char	*type;
};

struct code {
	int		code;
	int		len;
};

/* Pointers in read-only data: R_BPF_64_ABS64 relocations. */
static const char *const types[] = {
	"text/html", "text/plain", "image/png", "application/octet-stream",
};

static const struct mime mimes[] = {
	{ "html", "text/html" },
	{ "txt", "text/plain" },
	{ "png", "image/png" },
	{ "css", "text/css" },
};

/* A constant table without pointers. */
static const struct code codes[] = {
	{ 200, 2 }, { 404, 9 }, { 500, 21 }, { 301, 17 },
};

/* A pointer in writable data, to a variable in .bss. */
static char scratch[32];
char *scratch_ptr = scratch;

int counter = 40;		/* .data */
long hits[4];			/* .bss */
const int config = 7;		/* .rodata */

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

static NOINLINE long my_strlen(const char *s)
{
	long n = 0;

	while (s[n])
		n++;
	return n;
}

static NOINLINE int streq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

/*
 * A global function that run() calls (an R_BPF_64_32 relocation), and an
 * entry of its own.
 */
NOINLINE long lookup(const char *ext, unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n && i < ARRAY_SIZE(mimes); i++)
		if (streq(ext, mimes[i].ext))
			return i;
	return -1;
}

static NOINLINE long sum_scratch(void)
{
	long sum = 0;
	int i;

	for (i = 0; i < (int)sizeof(scratch); i++)
		sum += scratch[i];
	return sum;
}

long run(struct result *r, long idx, const char *ext, char *buf,
	 unsigned long n)
{
	r->len = my_strlen(types[idx & 3]) + my_strlen("hello, world");
	r->type = types[idx & 3];
	r->code = codes[idx & 3].code;
	r->mime = lookup(ext, n);
	r->bss_sum = sum_scratch() + hits[0] + hits[1] + hits[2] + hits[3];
	r->cmp = script_memcmp(ext, mimes[2].ext, 4);
	r->config = config;
	r->copied = script_memcpy(buf, "copied!", 8);
	scratch_ptr[0] = 'x';
	hits[idx & 3] += 5;
	counter += idx;
	return counter;
}
