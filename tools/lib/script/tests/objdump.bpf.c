// SPDX-License-Identifier: GPL-2.0
/*
 * A program that test_asm compiles with "clang -target bpf" and compares
 * the disassembler with llvm-objdump on.  It is never run: it only has to
 * use many kinds of instruction: loops, op calls, a subprogram call, loads
 * and stores of every size, shifts, signed and 32-bit comparisons, byte
 * swaps, 64-bit constants, and with -mcpu=v4 signed division and
 * sign-extending loads and moves.
 */
#include <linux/types.h>

/* Ops by id, as script_ops.h declares them. */
static long (*const op_read)(long fd, void *buf, unsigned long count) =
	(void *)2;
static long (*const op_write)(long fd, const void *buf,
			      unsigned long count) = (void *)3;
static long (*const op_getpid)(void) = (void *)36;
static long (*const op_unknown)(long x) = (void *)999;

/* @x, read or written exactly as written: READ_ONCE() and WRITE_ONCE() in one */
#define ONCE(x)	(*(volatile typeof(x) *)&(x))

#if defined(__BPF_CPU_VERSION__) && __BPF_CPU_VERSION__ >= 4
#define HAVE_V4	1
#else
#define HAVE_V4	0
#endif

static __attribute__((noinline)) long mix(long a, long b)
{
	__u64 x = (__u64)a * 0x9e3779b97f4a7c15ULL;

	x ^= x >> 29;
	x += (__u64)b << 7;
	x |= 0x10;
	x &= ~0xff00ULL;
	return (long)(x - (__u64)(b >> 3));
}

static __attribute__((noinline)) int mix32(int a, unsigned int b)
{
	unsigned int x = (unsigned int)a * 2654435761u;

	x ^= x >> 15;
	x <<= b & 31;
	if ((int)x < -5)
		x = ~x;
	return (int)(x / 7 + (unsigned int)(a >> 2));
}

long objdump_main(__u64 *p, __u32 *w, __u16 *h, __u8 *b, long n)
{
	char buf[64];
	long s = 0, i;
	int t = (int)n;

	for (i = 0; i < n && i < 16; i++) {
		ONCE(p[i]) = (__u64)s + ONCE(p[i + 1]);
		ONCE(w[i]) = ONCE(w[i]) + (__u32)i;
		ONCE(h[i]) = (__u16)(ONCE(h[i]) << 3);
		ONCE(b[i]) = (__u8)(ONCE(b[i]) ^ 0x5a);
		s += (long)(ONCE(p[i]) >> (i & 63));
		if (s > 1000000)
			s -= 77;
		if ((int)s <= t)
			t -= 3;
		else if ((unsigned int)s > 40000u)
			t ^= (int)i;
	}
	for (i = 0; i < (long)sizeof(buf); i++)
		buf[i] = (char)(i * 3);
	if (op_read(0, buf, sizeof(buf)) < 0)
		return -1;
	s += mix(s, n) + mix32(t, (unsigned int)n);
	s += __builtin_bswap64((__u64)s) >> 60;
	s += __builtin_bswap32((__u32)t) & 0xf;
	s += __builtin_bswap16((__u16)n);
	s ^= 0x123456789abcdefLL;
	s -= -0x7fffffffffffffffLL;
	s = -s;
	s = s >= -8 ? s : s >> 1;
	s += (long)(__u64)buf[3];
#if HAVE_V4
	s += s / (n | 1) + s % 7;
	s += (long)(signed char)ONCE(b[1]) + (long)(short)ONCE(h[2]) +
	     (long)(int)ONCE(w[3]);
	s += (long)(signed char)t + (long)(short)n + (long)(int)s;
#endif
	op_write(1, buf, (unsigned long)(s & 63));
	s += op_getpid();
	s += op_unknown(s);
	ONCE(*(long *)&buf[8]) = s;
	ONCE(*(int *)&buf[16]) = 7;
	return s + ONCE(*(long *)&buf[8]);
}
