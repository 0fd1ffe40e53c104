// SPDX-License-Identifier: GPL-2.0
/*
 * test_elf: entries that use what script(2) does not have, and one that
 * does not: the loader only checks the functions the entry reaches.
 */
#include "script_ops.h"
#include "elf_bad.h"

long total;

long ok(long x)
{
	return x + 1;
}

long atomic(long x)
{
	__sync_fetch_and_add(&total, x);
	return 0;
}

long use_ext_var(void)
{
	return ext_var;
}

long use_ext_fn(long x)
{
	return ext_fn(x);
}
