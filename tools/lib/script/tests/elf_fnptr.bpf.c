// SPDX-License-Identifier: GPL-2.0
/* test_elf: a table of function pointers, which script(2) cannot call. */
#include "script_ops.h"

static long one(long x)
{
	return x + 1;
}

static long two(long x)
{
	return x + 2;
}

static long (*const fns[])(long) = { one, two };

long run(long i, long x)
{
	return fns[i & 1](x);
}
