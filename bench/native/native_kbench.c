// SPDX-License-Identifier: GPL-2.0
/*
 * Built into each variant with the kernel's flags: a memory op's body
 * called directly, as the interpreter's dispatch would call it but for
 * the dispatch, so that the benchmark can tell the dispatch from the
 * body (op_memchr1 less op_memchr1_body).
 */

#include <linux/kernel.h>

#include "script.h"
#include "native_kshim.h"

/* @reps direct calls of memchr's op with @args; the sum of the results */
u64 shim_op_body_loop(const u64 *args, u64 reps)
{
	struct script_run_ctx ctx = { .limit = U64_MAX };
	u64 sum = 0;

	while (reps--) {
		sum += script_op_memchr(&ctx, args);
		barrier();
	}
	return sum;
}
