// SPDX-License-Identifier: GPL-2.0
/*
 * test_elf: one global function, the last of .text, which static
 * functions before it serve; one static function nothing calls.
 */
#include "script_ops.h"

#define NOINLINE	__attribute__((noinline))

static NOINLINE long square(long x)
{
	return x * x;
}

static NOINLINE __attribute__((used)) long unused(long x)
{
	return x + 1000;
}

static NOINLINE long sum_squares(long n)
{
	long s = 0, i;

	for (i = 1; i <= n; i++)
		s += square(i);
	return s;
}

static NOINLINE long twice(long x)
{
	return sum_squares(x) * 2;
}

long entry(long n)
{
	return twice(n) + square(3);
}
