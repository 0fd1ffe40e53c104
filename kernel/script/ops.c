// SPDX-License-Identifier: GPL-2.0
/*
 * script(2): the op table.  One row per op, indexed by enum script_op_id,
 * in the manner of io_uring/opdef.c.
 */

#include <linux/fs.h>
#include <linux/nospec.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/uaccess.h>

#include "script.h"

/* memcpy(r1, r2, r3) between user buffers, through a bounce buffer. */
static s64 script_op_memcpy(struct script_run_ctx *ctx, const u64 *args)
{
	void __user *dst = u64_to_user_ptr(args[0]);
	const void __user *src = u64_to_user_ptr(args[1]);
	u64 len = args[2], done = 0;
	u8 buf[256];

	if (len > MAX_RW_COUNT)
		return -EINVAL;
	/* A 32-bit kernel: an address must not be cut to fit a pointer. */
	if (args[0] != (unsigned long)args[0] ||
	    args[1] != (unsigned long)args[1])
		return -EFAULT;
	while (done < len) {
		size_t n = min_t(u64, len - done, sizeof(buf));

		if (copy_from_user(buf, src + done, n) ||
		    copy_to_user(dst + done, buf, n))
			return -EFAULT;
		done += n;
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
	}
	return len;
}

static const struct script_op script_ops[] = {
	[SCRIPT_OP_MEMCPY] = {
		.name	= "memcpy",
		.nargs	= 3,
		.fn	= script_op_memcpy,
	},
};

/**
 * script_op_get() - look up an op by id
 * @id: the imm of a SCRIPT_CALL with src_reg 0
 *
 * Return: the op's row, or NULL when @id names no op.
 */
const struct script_op *script_op_get(u32 id)
{
	BUILD_BUG_ON(ARRAY_SIZE(script_ops) != __SCRIPT_OP_MAX);

	if (id >= ARRAY_SIZE(script_ops))
		return NULL;
	id = array_index_nospec(id, ARRAY_SIZE(script_ops));
	return script_ops[id].fn ? &script_ops[id] : NULL;
}
