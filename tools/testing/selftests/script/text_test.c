// SPDX-License-Identifier: GPL-2.0
/*
 * The text ops, split_header, format and memcspn, against references
 * written here in C from <linux/script.h>: chosen cases first, each with
 * its expected result, then random inputs built to hit the edges (line
 * ends, control bytes, OWS, names in any case, chunk boundaries, lengths
 * one short), each op's every output compared with the reference's, from
 * fixed seeds.  Then their step charges, the budget, faults at a page's
 * end and bad arguments.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "script_util.h"

#define U(x)		((__u64)(uintptr_t)(x))
#define BAD		8ULL	/* a user address nothing is mapped at */
#define ROUNDS		4000	/* random inputs per op and seed */
#define CHUNK		256	/* bytes of an op's work per step */

static const uint64_t seeds[] = { 1, 0x5eed, 0xdeadbeefcafeULL };

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static unsigned int rndn(unsigned int n)
{
	return rnd() % n;
}

/*
 * Op @id with r1 to r5 as "call op; exit" under @max_steps: r0, and @steps.
 * The program is loaded once per op and run by fd: with kernel.script_jit
 * at 2 a SCRIPT_RUN would compile it again for each of thousands of runs.
 */
static long op_steps(struct __test_metadata *_metadata, int id, const __u64 *a,
		     __u64 max_steps, __u64 *steps, int *run_err)
{
	static int fds[__SCRIPT_OP_MAX];
	struct script_attr attr = { };
	int err;

	if (id > 0 && id < __SCRIPT_OP_MAX && !fds[id]) {
		const struct script_insn prog[] = { CALL_OP(id), EXIT };

		script_attr_prog(&attr, prog, ARRAY_LEN(prog));
		fds[id] = sys_script(SCRIPT_LOAD, &attr, sizeof(attr));
		memset(&attr, 0, sizeof(attr));
	}
	memcpy(attr.args, a, sizeof(attr.args));
	attr.max_steps = max_steps;
	attr.prog_fd = id > 0 && id < __SCRIPT_OP_MAX ? fds[id] : -1;
	err = sys_script(SCRIPT_RUN_FD, &attr, sizeof(attr)) ? -errno : 0;
	if (steps)
		*steps = attr.steps;
	if (run_err)
		*run_err = err;
	else
		EXPECT_EQ(0, err) TH_LOG("op %d", id);
	return (long)attr.retval;
}

#define OP(ID, ...) \
	op_steps(_metadata, SCRIPT_OP_##ID, (const __u64[5]) { __VA_ARGS__ }, 0, NULL, NULL)

/* Steps of an op whose work is @work bytes: its own, one per chunk more */
static __u64 work_steps(__u64 work)
{
	return work > CHUNK ? (work + CHUNK - 1) / CHUNK - 1 : 0;
}

/* ---- references */

static long ref_memcspn(const unsigned char *s, size_t len, const unsigned char *set,
			size_t setlen)
{
	size_t i, j;

	if (setlen > SCRIPT_MEMCSPN_MAX)
		return -EINVAL;
	for (i = 0; i < len; i++)
		for (j = 0; j < setlen; j++)
			if (s[i] == set[j])
				return i;
	return len;
}

static int is_tchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static int is_ctl(unsigned char c)
{
	return (c < 0x20 && c != '\t') || c == 0x7f;
}

static unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* The index of the @n bytes at @name in @names, case aside, or -1. */
static int ref_key(const char *names, size_t names_len, const unsigned char *name, size_t n)
{
	size_t off = 0, len, i;
	int key = 0;

	while (off < names_len) {
		len = strlen(names + off);
		if (len == n) {
			for (i = 0; i < n; i++)
				if (lower(names[off + i]) != lower(name[i]))
					break;
			if (i == n)
				return key;
		}
		off += len + 1;
		key++;
	}
	return -1;
}

/*
 * split_header as <linux/script.h> says, in another way than the kernel's
 * one pass: find the end first, then take each line whole.  @work: the
 * op's work on success.
 */
static long ref_split(const unsigned char *b, size_t len, struct script_split_header *h,
		      struct script_field *fields, size_t *work)
{
	const char *names = (const char *)(uintptr_t)h->names;
	struct script_span start[3] = { };
	size_t line, end = 0, p, i, nr = 0, w;
	int found = 0, first;

	if (h->flags & ~(SCRIPT_SPLIT_LF | SCRIPT_SPLIT_NO_START | SCRIPT_SPLIT_NAMED))
		return -EINVAL;
	if (h->names_len > SCRIPT_SPLIT_NAMES_MAX)
		return -EINVAL;
	if (h->names_len && names[h->names_len - 1])
		return -EINVAL;
	for (i = 0; i < h->names_len; i++)
		if (!names[i] && (i == 0 || !names[i - 1]))
			return -EINVAL;

	for (line = 0, p = 0; p < len; p++) {
		if (b[p] != '\n')
			continue;
		if (p == line || (p == line + 1 && b[line] == '\r')) {
			end = p + 1;
			found = 1;
			break;
		}
		line = p + 1;
	}
	if (!found)
		return -EAGAIN;
	w = end;

	first = !(h->flags & SCRIPT_SPLIT_NO_START);
	for (line = 0;; line = p + 1) {
		size_t cend, colon = 0, sp[2], nsp = 0, vb, ve;
		int bad = 0, key;

		p = (const unsigned char *)memchr(b + line, '\n', end - line) - b;
		cend = p > line && b[p - 1] == '\r' ? p - 1 : p;
		if (cend == p && !(h->flags & SCRIPT_SPLIT_LF))
			bad = 1;
		for (i = line; i < cend; i++)
			if (b[i] == '\r' || is_ctl(b[i]))
				bad = 1;
		if (p + 1 == end) {
			/* The empty line */
			if (bad || first)
				return -EBADMSG;
			break;
		}
		if (first) {
			for (i = line; i < cend && nsp < 2; i++)
				if (b[i] == ' ')
					sp[nsp++] = i;
			if (bad || nsp < 2 || sp[0] == line || sp[1] == sp[0] + 1)
				return -EBADMSG;
			start[0].off = line;
			start[0].len = sp[0] - line;
			start[1].off = sp[0] + 1;
			start[1].len = sp[1] - sp[0] - 1;
			start[2].off = sp[1] + 1;
			start[2].len = cend - sp[1] - 1;
			first = 0;
			continue;
		}
		for (i = line; i < cend && b[i] != ':'; i++)
			if (!is_tchar(b[i]))
				bad = 1;
		colon = i;
		if (bad || colon == cend || colon == line)
			return -EBADMSG;
		key = ref_key(names, h->names_len, b + line, colon - line);
		if (h->names_len)
			w += h->names_len;
		if (key < 0 && (h->flags & SCRIPT_SPLIT_NAMED))
			continue;
		if (nr == h->max_fields)
			return -ENOSPC;
		for (vb = colon + 1; vb < cend && (b[vb] == ' ' || b[vb] == '\t'); vb++)
			;
		for (ve = cend; ve > vb && (b[ve - 1] == ' ' || b[ve - 1] == '\t'); ve--)
			;
		fields[nr].name.off = line;
		fields[nr].name.len = colon - line;
		fields[nr].value.off = vb == ve ? cend : vb;
		fields[nr].value.len = ve - vb;
		fields[nr].key = key;
		fields[nr].__pad = 0;
		nr++;
		w += sizeof(struct script_field);
	}
	h->nr_fields = nr;
	memcpy(h->start, start, sizeof(start));
	*work = w;
	return end;
}

/* format as <linux/script.h> says: the bytes written to @out, or -errno. */
static long ref_format(char *out, size_t room, const char *tpl, size_t tlen,
		       const __u64 *vals)
{
	size_t o = 0, i, n;
	char tmp[32];
	const char *src;

	for (i = 0; i < tlen; i++) {
		src = &tpl[i];
		n = 1;
		if (tpl[i] == '%') {
			if (++i == tlen)
				return -EINVAL;
			switch (tpl[i]) {
			case '%':
				break;
			case 'u':
			case 'x':
				n = snprintf(tmp, sizeof(tmp), tpl[i] == 'u' ? "%llu" : "%llx",
					     (unsigned long long)*vals++);
				src = tmp;
				break;
			case 's':
				src = (const char *)(uintptr_t)vals[0];
				n = vals[1];
				vals += 2;
				break;
			default:
				return -EINVAL;
			}
		}
		if (n > room - o)
			return -ENOSPC;
		memcpy(out + o, src, n);
		o += n;
	}
	return o;
}

/* ---- memcspn */

TEST(memcspn_cases)
{
	static unsigned char buf[1000];
	static const unsigned int at[] = { 0, 1, 255, 256, 257, 511, 512, 999 };
	unsigned char set[SCRIPT_MEMCSPN_MAX + 1];
	unsigned int i;

	for (i = 0; i < ARRAY_LEN(at); i++) {
		memset(buf, 'x', sizeof(buf));
		buf[at[i]] = '#';
		EXPECT_EQ(at[i], OP(MEMCSPN, U(buf), sizeof(buf), U("?#%"), 3));
		EXPECT_EQ(at[i], OP(MEMCSPN, U(buf), at[i] + 1, U("#"), 1));
		/* None in the bytes before it: their length */
		EXPECT_EQ(at[i], OP(MEMCSPN, U(buf), at[i], U("?#%"), 3));
	}
	EXPECT_EQ(sizeof(buf), OP(MEMCSPN, U(buf), sizeof(buf), U("?"), 1));
	EXPECT_EQ(sizeof(buf), OP(MEMCSPN, U(buf), sizeof(buf), U(""), 0));
	EXPECT_EQ(0, OP(MEMCSPN, U(buf), 0, U("x"), 1));
	EXPECT_EQ(0, OP(MEMCSPN, U(buf), sizeof(buf), U("zyx"), 3));
	/* Every byte value, 0 and 0xff included, and the largest set */
	for (i = 0; i < sizeof(set); i++)
		set[i] = 255 - i % 256;
	buf[5] = 0;
	buf[3] = 0xff;
	EXPECT_EQ(5, OP(MEMCSPN, U(buf), sizeof(buf), U("\0"), 1));
	EXPECT_EQ(3, OP(MEMCSPN, U(buf), sizeof(buf), U(set), 1));
	EXPECT_EQ(0, OP(MEMCSPN, U(buf), sizeof(buf), U(set), SCRIPT_MEMCSPN_MAX));
	EXPECT_EQ(-EINVAL, OP(MEMCSPN, U(buf), sizeof(buf), U(set), SCRIPT_MEMCSPN_MAX + 1));
	EXPECT_EQ(-EFAULT, OP(MEMCSPN, BAD, 10, U("x"), 1));
	EXPECT_EQ(-EFAULT, OP(MEMCSPN, U(buf), 10, BAD, 1));
	/* An empty set is not read */
	EXPECT_EQ(10, OP(MEMCSPN, U(buf), 10, BAD, 0));
}

TEST(memcspn_random)
{
	static unsigned char buf[1100], set[300];
	unsigned int s, r, i, len, setlen;

	for (s = 0; s < ARRAY_LEN(seeds); s++) {
		rng_state = seeds[s];
		for (r = 0; r < ROUNDS; r++) {
			unsigned int alpha = 2 + rndn(rndn(2) ? 8 : 256);

			len = rndn(4) ? rndn(600) : rndn(sizeof(buf));
			setlen = rndn(8) ? rndn(6) : rndn(SCRIPT_MEMCSPN_MAX + 2);
			for (i = 0; i < len; i++)
				buf[i] = rndn(alpha) + (alpha < 256 ? 'a' : 0);
			for (i = 0; i < setlen; i++)
				set[i] = rndn(alpha + 2) + (alpha < 256 ? 'a' : 0);
			ASSERT_EQ(ref_memcspn(buf, len, set, setlen),
				  OP(MEMCSPN, U(buf), len, U(set), setlen))
				TH_LOG("seed %u round %u: len %u set %u", s, r, len, setlen);
		}
	}
}

/* ---- split_header */

static const char names4[] = "host\0connection\0content-length\0transfer-encoding";

/* The op on @s with @h's inputs, the reference on a copy: both must agree. */
static void split_both(struct __test_metadata *_metadata, const void *s, size_t len,
		       struct script_split_header *h, const char *what)
{
	static struct script_field kf[80], rf[80];
	struct script_split_header kh = *h, rh = *h;
	size_t work = 0;
	__u64 steps;
	long want, got;

	ASSERT_GE(ARRAY_LEN(kf), h->max_fields);
	memset(kf, 0xa5, sizeof(kf));
	memset(rf, 0xa5, sizeof(rf));
	kh.fields = U(kf);
	kh.nr_fields = 0x5a5a;
	rh.nr_fields = 0x5a5a;
	memset(kh.start, 0x5a, sizeof(kh.start));
	memset(rh.start, 0x5a, sizeof(rh.start));
	want = ref_split(s, len, &rh, rf, &work);
	got = op_steps(_metadata, SCRIPT_OP_SPLIT_HEADER,
		       (const __u64[5]) { U(s), len, U(&kh) }, 0, &steps, NULL);
	ASSERT_EQ(want, got) TH_LOG("%s", what);
	/* Outputs only on success; the rest of the fields untouched */
	ASSERT_EQ(rh.nr_fields, kh.nr_fields) TH_LOG("%s", what);
	ASSERT_EQ(0, memcmp(rh.start, kh.start, sizeof(rh.start))) TH_LOG("%s", what);
	if (want < 0)
		return;
	ASSERT_EQ(0, memcmp(rf, kf, sizeof(kf))) TH_LOG("%s", what);
	ASSERT_EQ(2 + work_steps(work), steps) TH_LOG("%s: work %zu", what, work);
}

/* Splits the NUL-terminated @s with @flags and the four names. */
static long split(struct __test_metadata *_metadata, const char *s, __u32 flags,
		  struct script_split_header *h, struct script_field *f, __u32 max)
{
	memset(h, 0, sizeof(*h));
	h->fields = U(f);
	h->max_fields = max;
	h->names = U(names4);
	h->names_len = sizeof(names4);
	h->flags = flags;
	split_both(_metadata, s, strlen(s), h, s);
	h->fields = U(f);
	return OP(SPLIT_HEADER, U(s), strlen(s), U(h));
}

/* Whether @span of @buf holds the string @str. */
static void span_eq(struct __test_metadata *_metadata, const char *str, const char *buf,
		    struct script_span span)
{
	EXPECT_EQ(strlen(str), span.len) TH_LOG("\"%s\"", str);
	if (strlen(str) == span.len)
		EXPECT_EQ(0, memcmp(str, buf + span.off, span.len)) TH_LOG("\"%s\"", str);
}

#define SPAN_EQ(str, buf, span)	span_eq(_metadata, str, buf, span)

TEST(split_header_request)
{
	static const char req[] =
		"GET /a%20b?q=1 HTTP/1.1\r\n"
		"Host: example.com\r\n"
		"user-agent:\tcurl/8 \t\r\n"
		"X-Empty:   \r\n"
		"CONTENT-LENGTH:0\r\n"
		"\r\n"
		"body";
	struct script_split_header h;
	struct script_field f[8];

	EXPECT_EQ(sizeof(req) - 1 - 4, split(_metadata, req, 0, &h, f, 8));
	EXPECT_EQ(4, h.nr_fields);
	SPAN_EQ("GET", req, h.start[0]);
	SPAN_EQ("/a%20b?q=1", req, h.start[1]);
	SPAN_EQ("HTTP/1.1", req, h.start[2]);
	SPAN_EQ("Host", req, f[0].name);
	SPAN_EQ("example.com", req, f[0].value);
	EXPECT_EQ(0, f[0].key);
	SPAN_EQ("user-agent", req, f[1].name);
	SPAN_EQ("curl/8", req, f[1].value);
	EXPECT_EQ(-1, f[1].key);
	SPAN_EQ("X-Empty", req, f[2].name);
	EXPECT_EQ(0, f[2].value.len);
	/* An empty value is at the end of its line */
	EXPECT_EQ(strstr(req, "   \r\nCONTENT") + 3 - req, f[2].value.off);
	SPAN_EQ("CONTENT-LENGTH", req, f[3].name);
	SPAN_EQ("0", req, f[3].value);
	EXPECT_EQ(2, f[3].key);

	/* Only the named fields */
	EXPECT_EQ(sizeof(req) - 1 - 4, split(_metadata, req, SCRIPT_SPLIT_NAMED, &h, f, 2));
	EXPECT_EQ(2, h.nr_fields);
	EXPECT_EQ(0, f[0].key);
	EXPECT_EQ(2, f[1].key);
	/* All of them, with room for 3 */
	EXPECT_EQ(-ENOSPC, split(_metadata, req, 0, &h, f, 3));
}

TEST(split_header_status_and_fields)
{
	static const char tok[] = "A B C\r\n!#$%&'*+-.^_`|~09azAZ: \x80\xff\r\n\r\n";
	struct script_split_header h;
	struct script_field f[4];

	/* A status line: its third part may hold SPs, or be empty */
	EXPECT_EQ(26, split(_metadata, "HTTP/1.1 404 Not Found\r\n\r\n", 0, &h, f, 4));
	SPAN_EQ("Not Found", "HTTP/1.1 404 Not Found", h.start[2]);
	EXPECT_EQ(17, split(_metadata, "HTTP/1.1 200 \r\n\r\n", 0, &h, f, 4));
	EXPECT_EQ(0, h.start[2].len);
	EXPECT_EQ(0, h.nr_fields);
	/* No start line: a block of fields, or of none */
	EXPECT_EQ(8, split(_metadata, "a: b\r\n\r\nx", SCRIPT_SPLIT_NO_START, &h, f, 4));
	EXPECT_EQ(1, h.nr_fields);
	EXPECT_EQ(0, h.start[0].len);
	EXPECT_EQ(2, split(_metadata, "\r\nabc", SCRIPT_SPLIT_NO_START, &h, f, 4));
	EXPECT_EQ(0, h.nr_fields);
	/* Bare LF with SCRIPT_SPLIT_LF, and mixed */
	EXPECT_EQ(12, split(_metadata, "A B C\nh:v\r\n\n", SCRIPT_SPLIT_LF, &h, f, 4));
	EXPECT_EQ(-EBADMSG, split(_metadata, "A B C\nh:v\r\n\r\n", 0, &h, f, 4));
	EXPECT_EQ(-EBADMSG, split(_metadata, "A B C\r\nh:v\r\n\n", 0, &h, f, 4));
	/* Names are tokens; values may hold obs-text */
	EXPECT_EQ(strlen(tok), split(_metadata, tok, 0, &h, f, 4));
	EXPECT_EQ(1, h.nr_fields);
	EXPECT_EQ(21, f[0].name.len);
	EXPECT_EQ(2, f[0].value.len);
}

TEST(split_header_malformed)
{
	static const char *const bad[] = {
		"\r\n",				/* no start line */
		"GET\r\n\r\n",			/* no SP */
		"GET /\r\n\r\n",		/* one */
		" GET / HTTP/1.1\r\n\r\n",	/* at its start */
		"GET  / HTTP/1.1\r\n\r\n",	/* two in a row */
		"GET / HTTP/1.1\r\nHost\r\n\r\n",	/* no ':' */
		"GET / HTTP/1.1\r\n: x\r\n\r\n",	/* no name */
		"GET / HTTP/1.1\r\nHost : x\r\n\r\n",	/* SP before ':' */
		"GET / HTTP/1.1\r\nA: b\r\n c\r\n\r\n",	/* obs-fold */
		"GET / HTTP/1.1\r\nA: b\r\n\tc\r\n\r\n",
		"GET / HTTP/1.1\r\nA(b: c\r\n\r\n",	/* not a tchar */
		"GET / HTTP/1.1\r\nA\x80: c\r\n\r\n",
		"GET / HTTP/1.1\r\nA: b\rc\r\n\r\n",	/* bare CR */
		"GET / HTTP/1.1\r\r\n\r\n",
		"GET / HTTP/1.1\r\nA: b\x7f\r\n\r\n",	/* DEL */
		"GET / HTTP/1.1\r\nA: b\x01\r\n\r\n",	/* a control byte */
		"GET /\x1b HTTP/1.1\r\n\r\n",
		"GET / HTTP/1.1\nA: b\r\n\r\n",	/* bare LF */
		"GET / HTTP/1.1\r\n\n",		/* bare LF: an empty line */
	};
	struct script_split_header h;
	struct script_field f[4];
	char nul[] = "GET / HTTP/1.1\r\nA: b\0c\r\n\r\n";
	unsigned int i;

	for (i = 0; i < ARRAY_LEN(bad); i++)
		EXPECT_EQ(-EBADMSG, split(_metadata, bad[i], 0, &h, f, 4)) TH_LOG("%u", i);
	memset(&h, 0, sizeof(h));
	h.fields = U(f);
	h.max_fields = 4;
	EXPECT_EQ(-EBADMSG, OP(SPLIT_HEADER, U(nul), sizeof(nul) - 1, U(&h)));
	/* Not complete: -EAGAIN whatever it holds */
	EXPECT_EQ(-EAGAIN, split(_metadata, "GET / HTTP/1.1\r\nHost: x\r\n", 0, &h, f, 4));
	EXPECT_EQ(-EAGAIN, split(_metadata, "GET / HTTP/1.1\r\nHost: x\r\n\r", 0, &h, f, 4));
	EXPECT_EQ(-EAGAIN, split(_metadata, " bad\x01\r\r\r", 0, &h, f, 4));
	EXPECT_EQ(-EAGAIN, split(_metadata, "", 0, &h, f, 4));
	/* The first problem decides */
	EXPECT_EQ(-EBADMSG, split(_metadata, "A B C\r\na:b\r\nc:d\r\ne f\r\n\r\n", 0, &h, f, 2));
	EXPECT_EQ(-ENOSPC, split(_metadata, "A B C\r\na:b\r\nc:d\r\ne f\r\n\r\n", 0, &h, f, 1));
}

TEST(split_header_arguments)
{
	static const char req[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	struct script_split_header h = { };
	struct script_field f[2];
	static const char *const bad_names[] = { "host", "\0", "a\0\0b\0", };
	static const size_t bad_len[] = { 4, 1, 5 };
	unsigned int i;

	h.fields = U(f);
	h.max_fields = 2;
	h.flags = 8;
	EXPECT_EQ(-EINVAL, OP(SPLIT_HEADER, U(req), sizeof(req) - 1, U(&h)));
	h.flags = 0;
	for (i = 0; i < ARRAY_LEN(bad_names); i++) {
		h.names = U(bad_names[i]);
		h.names_len = bad_len[i];
		EXPECT_EQ(-EINVAL, OP(SPLIT_HEADER, U(req), sizeof(req) - 1, U(&h)))
			TH_LOG("%u", i);
	}
	h.names_len = SCRIPT_SPLIT_NAMES_MAX + 1;
	EXPECT_EQ(-EINVAL, OP(SPLIT_HEADER, U(req), sizeof(req) - 1, U(&h)));
	h.names_len = 0;
	EXPECT_EQ(-EFAULT, OP(SPLIT_HEADER, U(req), sizeof(req) - 1, BAD));
	EXPECT_EQ(-EFAULT, OP(SPLIT_HEADER, BAD, sizeof(req) - 1, U(&h)));
	h.names = BAD;
	h.names_len = 5;
	EXPECT_EQ(-EFAULT, OP(SPLIT_HEADER, U(req), sizeof(req) - 1, U(&h)));
	h.names_len = 0;
	h.fields = BAD;
	EXPECT_EQ(-EFAULT, OP(SPLIT_HEADER, U(req), sizeof(req) - 1, U(&h)));
	/* No field to store: the fields are not touched */
	h.max_fields = 0;
	h.flags = SCRIPT_SPLIT_NAMED;
	EXPECT_EQ(sizeof(req) - 1, OP(SPLIT_HEADER, U(req), sizeof(req) - 1, U(&h)));
}

/* Appends a random piece of a header block to @b at @*n, up to @max. */
static void put(char *b, size_t *n, size_t max, const char *s, size_t len)
{
	if (*n + len > max)
		len = max - *n;
	memcpy(b + *n, s, len);
	*n += len;
}

static void put_str(char *b, size_t *n, size_t max, const char *s)
{
	put(b, n, max, s, strlen(s));
}

#define PUTS(s)	put_str(b, &n, max, s)

static const char *const rnd_names[] = {
	"Host", "HOST", "host", "Connection", "cOnNeCtIoN", "Content-Length",
	"transfer-encoding", "Transfer-Encodin", "Hostx", "X", "user-agent",
	"Accept", "a!#$%&'*+-.^_`|~9", "H", "conn",
};

static const char *const rnd_bytes[] = {
	" ", "\t", "  ", "\r", "\n", "\r\n", ":", "\x01", "\x7f", "\x80", "\xff",
	"\0", "a", "Z", "(", "%", ",", "/",
};

static size_t rnd_block(char *b, size_t max)
{
	size_t n = 0, lines = rndn(rndn(8) ? 6 : 40), i, k;
	const char *eol = rndn(4) ? "\r\n" : rndn(2) ? "\n" : "\r";

	if (rndn(8)) {
		PUTS(rndn(2) ? "GET" : "HTTP/1.1");
		PUTS(rndn(10) ? " " : rndn(2) ? "" : "  ");
		PUTS(rndn(2) ? "/index.html" : "200");
		PUTS(rndn(10) ? " " : "");
		PUTS(rndn(2) ? "HTTP/1.1" : "Not Found");
		PUTS(rndn(6) ? "\r\n" : eol);
	}
	for (i = 0; i < lines; i++) {
		if (!rndn(30))
			PUTS(" ");
		PUTS(rnd_names[rndn(ARRAY_LEN(rnd_names))]);
		if (rndn(20))
			PUTS(":");
		for (k = rndn(3); k; k--)
			PUTS(rndn(2) ? " " : "\t");
		for (k = rndn(rndn(10) ? 12 : 300); k; k--) {
			char c = 'a' + rndn(26);

			if (!rndn(15)) {
				PUTS(rnd_bytes[rndn(ARRAY_LEN(rnd_bytes))]);
				continue;
			}
			put(b, &n, max, &c, 1);
		}
		for (k = rndn(3); k; k--)
			PUTS(rndn(2) ? " " : "\t");
		PUTS(rndn(10) ? "\r\n" : eol);
	}
	if (rndn(10))
		PUTS(rndn(8) ? "\r\n" : eol);
	/* Then what comes after, or cut short */
	if (rndn(3))
		PUTS("GET / HTTP/1.1\r\n\r\n");
	if (!rndn(6) && n)
		n = rndn(n);
	/* A random byte changed */
	if (!rndn(6) && n)
		b[rndn(n)] = rnd_bytes[rndn(ARRAY_LEN(rnd_bytes))][0];
	return n;
}

TEST(split_header_random)
{
	static char b[16384];
	static const char names2[] = "Content-Length\0HOST";
	struct script_split_header h = { };
	unsigned int s, r;
	char what[64];
	size_t n;

	for (s = 0; s < ARRAY_LEN(seeds); s++) {
		rng_state = seeds[s];
		for (r = 0; r < ROUNDS; r++) {
			n = rnd_block(b, sizeof(b));
			memset(&h, 0, sizeof(h));
			h.flags = rndn(8);
			h.max_fields = rndn(4) ? 80 : rndn(8);
			switch (rndn(3)) {
			case 0:
				break;
			case 1:
				h.names = U(names4);
				h.names_len = sizeof(names4);
				break;
			case 2:
				h.names = U(names2);
				h.names_len = sizeof(names2);
			}
			snprintf(what, sizeof(what), "seed %u round %u len %zu flags %u", s, r,
				 n, h.flags);
			split_both(_metadata, b, n, &h, what);
			if (_metadata->exit_code)
				return;
		}
	}
}

/* Each 256 bytes of work after the first is a step, and the budget stops it. */
TEST(split_header_steps)
{
	static char b[4096];
	struct script_split_header h = { };
	static struct script_field f[200];
	size_t n = 0, max = sizeof(b);
	__u64 steps;
	int err, i;
	long r;

	PUTS("GET / HTTP/1.1\r\n");
	for (i = 0; i < 100; i++)
		PUTS("Host: abcdefghijklmnopqrstuvwxyz\r\n");
	PUTS("\r\n");
	h.fields = U(f);
	h.max_fields = ARRAY_LEN(f);
	h.names = U(names4);
	h.names_len = sizeof(names4);
	r = op_steps(_metadata, SCRIPT_OP_SPLIT_HEADER, (const __u64[5]) { U(b), n, U(&h) },
		     0, &steps, NULL);
	EXPECT_EQ(n, r);
	EXPECT_EQ(100, h.nr_fields);
	EXPECT_EQ(2 + work_steps(n + 100 * (sizeof(f[0]) + sizeof(names4))), steps);
	r = op_steps(_metadata, SCRIPT_OP_SPLIT_HEADER, (const __u64[5]) { U(b), n, U(&h) },
		     10, &steps, &err);
	EXPECT_EQ(-ETIME, err);
	EXPECT_EQ(10, steps);
	/* Not complete: its bytes' work */
	h.names_len = 0;
	h.flags = SCRIPT_SPLIT_NAMED;
	r = op_steps(_metadata, SCRIPT_OP_SPLIT_HEADER, (const __u64[5]) { U(b), n - 2, U(&h) },
		     0, &steps, NULL);
	EXPECT_EQ(-EAGAIN, r);
	EXPECT_EQ(2 + work_steps(n - 2), steps);
}

/* ---- format */

static long fmt(struct __test_metadata *_metadata, char *out, size_t room, const char *tpl,
		const __u64 *vals)
{
	return OP(FORMAT, U(out), room, U(tpl), strlen(tpl), U(vals));
}

TEST(format_cases)
{
	static const char type[] = "text/html";
	char out[300];
	__u64 v[] = { 1234, U(type), 9, U("keep-alive"), 10 };
	static const char want[] = "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n"
		"Content-Type: text/html\r\nConnection: keep-alive\r\n\r\n";
	const char *tpl = "HTTP/1.1 200 OK\r\nContent-Length: %u\r\n"
		"Content-Type: %s\r\nConnection: %s\r\n\r\n";

	memset(out, 'Z', sizeof(out));
	EXPECT_EQ(sizeof(want) - 1, fmt(_metadata, out, sizeof(out), tpl, v));
	EXPECT_EQ(0, memcmp(out, want, sizeof(want) - 1));
	EXPECT_EQ('Z', out[sizeof(want) - 1]);
	/* Exactly the room it needs, and one byte less */
	EXPECT_EQ(sizeof(want) - 1, fmt(_metadata, out, sizeof(want) - 1, tpl, v));
	EXPECT_EQ(-ENOSPC, fmt(_metadata, out, sizeof(want) - 2, tpl, v));

	v[0] = UINT64_MAX;
	v[1] = 0xabc;
	EXPECT_EQ(26, fmt(_metadata, out, sizeof(out), "%u|%%|%x", v));
	EXPECT_EQ(0, memcmp(out, "18446744073709551615|%|abc", 26));
	v[0] = 0;
	EXPECT_EQ(1, fmt(_metadata, out, sizeof(out), "%x", v));
	EXPECT_EQ('0', out[0]);
	EXPECT_EQ(0, fmt(_metadata, out, sizeof(out), "", v));
	EXPECT_EQ(0, fmt(_metadata, out, 0, "", v));
	EXPECT_EQ(-ENOSPC, fmt(_metadata, out, 0, "a", v));
	EXPECT_EQ(-EINVAL, fmt(_metadata, out, sizeof(out), "abc%", v));
	EXPECT_EQ(-EINVAL, fmt(_metadata, out, sizeof(out), "%d", v));
	EXPECT_EQ(-EINVAL, fmt(_metadata, out, sizeof(out), "%S", v));
	/* An empty span need not be readable */
	v[0] = BAD;
	v[1] = 0;
	EXPECT_EQ(2, fmt(_metadata, out, sizeof(out), "<%s>", v));
	v[1] = 1;
	EXPECT_EQ(-EFAULT, fmt(_metadata, out, sizeof(out), "<%s>", v));
	EXPECT_EQ(-EFAULT, OP(FORMAT, U(out), sizeof(out), U("%u"), 2, BAD));
	EXPECT_EQ(-EFAULT, OP(FORMAT, U(out), sizeof(out), BAD, 2, U(v)));
	EXPECT_EQ(-EFAULT, OP(FORMAT, BAD, sizeof(out), U("ab"), 2, U(v)));
	/* No directive: the values are not read */
	EXPECT_EQ(2, OP(FORMAT, U(out), sizeof(out), U("ab"), 2, BAD));
	/* A span longer than the room: -ENOSPC before it is read */
	v[1] = 1ULL << 40;
	EXPECT_EQ(-ENOSPC, fmt(_metadata, out, sizeof(out), "%s", v));
	EXPECT_EQ(-EINVAL, OP(FORMAT, U(out), 1ULL << 40, U("ab"), 2, U(v)));
}

static const char *const tpl_pieces[] = {
	"%u", "%x", "%s", "%%", "%", "%d", "HTTP/1.1 ", "\r\n", "Content-Length: ", "a",
	"%s%s", "%u%u",
};

TEST(format_random)
{
	static char tpl[2048], want[4096], got[4200], span[1000];
	__u64 vals[600];
	unsigned int s, r, i, k, nv;
	size_t tlen, room;
	long w, g;

	for (i = 0; i < sizeof(span); i++)
		span[i] = 'A' + i % 26;
	for (s = 0; s < ARRAY_LEN(seeds); s++) {
		rng_state = seeds[s];
		for (r = 0; r < ROUNDS; r++) {
			/* The template, and the values its directives take */
			tlen = 0;
			nv = 0;
			for (k = rndn(rndn(8) ? 10 : 150); k; k--) {
				const char *p = tpl_pieces[rndn(ARRAY_LEN(tpl_pieces))];
				size_t pl = strlen(p);

				if ((!strcmp(p, "%d") || !strcmp(p, "%")) && rndn(10))
					continue;
				if (tlen + pl >= sizeof(tpl) || nv + 4 > ARRAY_LEN(vals))
					break;
				memcpy(tpl + tlen, p, pl);
				tlen += pl;
				/* A '%' alone ends the template: -EINVAL */
				if (pl == 1 && p[0] == '%')
					break;
				for (i = 0; i + 1 < pl; i++) {
					unsigned int off = rndn(sizeof(span));

					if (p[i] != '%')
						continue;
					if (p[i + 1] == 's') {
						vals[nv++] = U(span + off);
						vals[nv++] = rndn(sizeof(span) - off + 1) >>
							     rndn(10);
					} else if (p[i + 1] != '%') {
						vals[nv++] = rnd() >> rndn(64);
					}
					i++;
				}
			}
			w = ref_format(want, sizeof(want), tpl, tlen, vals);
			room = w >= 0 ? w + rndn(3) - (rndn(2) ? rndn(2) : 0) : rndn(sizeof(want));
			if ((long)room < 0)
				room = 0;
			w = ref_format(want, room, tpl, tlen, vals);
			memset(got, 'Z', sizeof(got));
			g = OP(FORMAT, U(got), room, U(tpl), tlen, U(vals));
			ASSERT_EQ(w, g) TH_LOG("seed %u round %u: %.*s", s, r, (int)tlen, tpl);
			/* Nothing past the room, ever */
			for (i = room; i < sizeof(got); i++)
				ASSERT_EQ('Z', got[i]) TH_LOG("seed %u round %u: %u", s, r, i);
			if (w >= 0)
				ASSERT_EQ(0, memcmp(want, got, w)) TH_LOG("seed %u round %u", s, r);
		}
	}
}

TEST(format_steps)
{
	static char out[4096], big[3000];
	__u64 v[] = { U(big), sizeof(big), 7 };
	__u64 steps;
	int err;
	long r;

	memset(big, 'b', sizeof(big));
	r = op_steps(_metadata, SCRIPT_OP_FORMAT,
		     (const __u64[5]) { U(out), sizeof(out), U("<%s>%u"), 6, U(v) },
		     0, &steps, NULL);
	EXPECT_EQ(sizeof(big) + 3, r);
	EXPECT_EQ(2 + work_steps(6 + sizeof(big) + 3), steps);
	r = op_steps(_metadata, SCRIPT_OP_FORMAT,
		     (const __u64[5]) { U(out), sizeof(out), U("<%s>%u"), 6, U(v) },
		     5, &steps, &err);
	EXPECT_EQ(-ETIME, err);
	EXPECT_EQ(5, steps);
}

/*
 * The text ops touch the bytes they are given and no more: at the end of
 * a page whose next page is not mapped, they do not fault.
 */
TEST(text_ops_stop_at_their_length)
{
	long psz = sysconf(_SC_PAGESIZE);
	struct script_split_header h = { };
	struct script_field f[2];
	char *map, *end;
	__u64 v[] = { 42 };

	map = mmap(NULL, 2 * psz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, map);
	ASSERT_EQ(0, munmap(map + psz, psz));
	end = map + psz;
	memset(map, 'x', psz);
	EXPECT_EQ(psz, OP(MEMCSPN, U(map), psz, U("?"), 1));
	EXPECT_EQ(-EFAULT, OP(MEMCSPN, U(map), psz + 1, U("?"), 1));
	h.fields = U(f);
	h.max_fields = 2;
	/* A block that ends at the page's end: no byte after it is read */
	memcpy(end - 9, "A B C\r\n\r\n", 9);
	EXPECT_EQ(9, OP(SPLIT_HEADER, U(end - 9), 9, U(&h)));
	EXPECT_EQ(9, OP(SPLIT_HEADER, U(end - 9), 10, U(&h)));
	/* One that does not end there: the fault is met */
	memcpy(end - 8, "A B C\r\n\r", 8);
	EXPECT_EQ(-EAGAIN, OP(SPLIT_HEADER, U(end - 8), 8, U(&h)));
	EXPECT_EQ(-EFAULT, OP(SPLIT_HEADER, U(end - 8), 9, U(&h)));
	EXPECT_EQ(2, OP(FORMAT, U(end - 2), 2, U("%u"), 2, U(v)));
	EXPECT_EQ(0, memcmp(end - 2, "42", 2));
	EXPECT_EQ(-EFAULT, OP(FORMAT, U(end - 2), 3, U("%u!"), 3, U(v)));
	munmap(map, psz);
}

TEST_HARNESS_MAIN
