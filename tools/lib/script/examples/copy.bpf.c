// SPDX-License-Identifier: GPL-2.0
/*
 * copy as a script: move every byte of one descriptor to another with
 * the move op, which hands them over inside the kernel as sendfile(2)
 * does: no buffer in user memory and no copy through it.
 *
 * What it shows: a composite op (move) in a loop that ends at end of
 * file, with a script that needs no memory of the caller's at all.
 *
 * r0: the bytes copied, or the first error as a negative errno.
 */
#include <linux/types.h>

#include "script_ops.h"

/* The most one move op takes on at a time: big files loop a few times. */
#define CHUNK		(1UL << 20)

long copy(long in_fd, long out_fd)
{
	long total = 0, n;

	for (;;) {
		/* From in_fd's file offset (0: no offset of our own), no timeout. */
		n = script_move(out_fd, in_fd, 0, CHUNK, -1);
		if (n <= 0)
			return n ? n : total;	/* an error, or end of file */
		total += n;
	}
}
