// SPDX-License-Identifier: GPL-2.0
/*
 * test_elf: code in sections of its own, as libbpf-style programs have
 * it: their calls to static functions of .text are R_BPF_64_32
 * relocations against the .text section symbol.
 */
#include "script_ops.h"

#define NOINLINE	__attribute__((noinline))
#define SEC(name)	__attribute__((section(name), used))

static const long factors[] = { 3, 5, 7, 11 };

static NOINLINE long inc(long x)
{
	return x + 1;
}

static NOINLINE long scale(long x, long i)
{
	return x * factors[i & 3];
}

NOINLINE long shared(long x)
{
	return inc(x) * 2;
}

SEC("script/first") long first(long x)
{
	return inc(x) + scale(x, 2);
}

SEC("script/second") long second(long x)
{
	return scale(x, 3) + shared(x);
}
