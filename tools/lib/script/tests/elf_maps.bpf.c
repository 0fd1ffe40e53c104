// SPDX-License-Identifier: GPL-2.0
/* test_elf: an object with a map, which script(2) does not have. */
#include "script_ops.h"

struct {
	int	type;
	int	max_entries;
} table __attribute__((section(".maps"), used));

long run(void)
{
	return table.max_entries;
}
