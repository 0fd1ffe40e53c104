// SPDX-License-Identifier: GPL-2.0
/*
 * The op of kernel/script/ops_bg.c, which the native build does not
 * compile (background moves need workqueues, pipes and credentials): the
 * op table names it, no benchmark calls it.  It fails with -EOPNOTSUPP.
 */

#include <linux/kernel.h>

#include "script.h"

s64 script_op_move_bg(struct script_run_ctx *ctx, const u64 *args)
{
	return -EOPNOTSUPP;
}
