// SPDX-License-Identifier: GPL-2.0
/*
 * script(2): ops on the caller's user memory.  No system call stands for
 * them; every access is a checked user copy, bounded by the lengths the
 * program gives, and long ones yield and charge the step budget.
 *
 * Lengths above MAX_RW_COUNT are -EINVAL, and on a 32-bit kernel an
 * address that does not fit a pointer is -EFAULT.  Each op works in chunks
 * of SCRIPT_COPY_CHUNK bytes (a compare, two of half that); each chunk
 * after the first is a step of the budget, and before it the op stops if
 * a signal is pending.
 *
 * The copies (memcpy, memmove) stop as read(2) does: with the bytes done
 * so far.  The searches and the compare (memcmp, memchr, memmem,
 * parse_u64) have no partial result, so a stop is an error instead:
 * -EINTR when a signal is pending, which makes the interpreter park the
 * run and redo the op from its start when the run continues (so a scan
 * that a stream of signals keeps cutting short may be redone many
 * times); -ETIME when the step budget runs out, after which the run stops
 * with -ETIME at the next instruction.  They read the user buffers only
 * as far as they get, so a fault past the point where the result is known
 * is not seen: -EFAULT means that a byte the result depends on faulted.
 */

#include <linux/fs.h>
#include <linux/hex.h>
#include <linux/math64.h>
#include <linux/overflow.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "script.h"

/*
 * memmove(r1, r2, r3), and memcpy, which is the same op: the bytes copied,
 * or -EFAULT when none were.  Like read(2), a copy that a fault, a signal
 * or the step budget stops part way returns the bytes it copied; each
 * chunk after the first is a step.  Right when the buffers overlap: a
 * chunk is read whole before it is written, so a forward copy is right
 * unless the destination starts inside the source after its start; then
 * the chunks go from the end back.  A backward copy that stops part way
 * has moved the last n bytes it returns: memmove(r1, r2, r3 - n) finishes
 * it, as memmove(r1 + n, r2 + n, r3 - n) finishes a forward one.
 */
s64 script_op_memmove(struct script_run_ctx *ctx, const u64 *args)
{
	void __user *dst = u64_to_user_ptr(args[0]);
	const void __user *src = u64_to_user_ptr(args[1]);
	u64 len = args[2], done = 0;
	/* Only the bytes copied in are read: not zeroed on each call. */
	u8 buf[SCRIPT_COPY_CHUNK] __uninitialized;
	bool back;

	if (len > MAX_RW_COUNT)
		return -EINVAL;
	if (!script_uaddr_ok(args[0]) || !script_uaddr_ok(args[1]))
		return -EFAULT;
	back = args[0] > args[1] && args[0] - args[1] < len;
	while (done < len) {
		size_t n = min_t(u64, len - done, sizeof(buf));
		u64 off = back ? len - done - n : done;

		if (done && (signal_pending(current) || !script_charge(ctx)))
			break;
		if (script_copy_in(buf, src + off, n) != n ||
		    script_copy_out(dst + off, buf, n) != n)
			return done ?: -EFAULT;
		done += n;
		script_resched();
	}
	return done;
}

#define SCRIPT_CMP_CHUNK	(SCRIPT_COPY_CHUNK / 2)

/*
 * memcmp(r1, r2, r3): -1, 0 or 1 as the first byte that differs, unsigned,
 * is lower at r1 or at r2; 0 when none does (or r3 is 0).  -EFAULT when a
 * byte before the first difference faults.
 */
s64 script_op_memcmp(struct script_run_ctx *ctx, const u64 *args)
{
	const void __user *a = u64_to_user_ptr(args[0]);
	const void __user *b = u64_to_user_ptr(args[1]);
	/* Only the bytes copied in are read: not zeroed on each call. */
	u8 abuf[SCRIPT_CMP_CHUNK] __uninitialized;
	u8 bbuf[SCRIPT_CMP_CHUNK] __uninitialized;
	u64 len = args[2], done = 0;
	int err;

	if (len > MAX_RW_COUNT)
		return -EINVAL;
	if (!script_uaddr_ok(args[0]) || !script_uaddr_ok(args[1]))
		return -EFAULT;
	while (done < len) {
		size_t n = min_t(u64, len - done, SCRIPT_CMP_CHUNK);
		int r;

		if (done) {
			err = script_scan_next(ctx);
			if (err)
				return err;
		}
		n = script_copy_in(abuf, a + done, n);
		if (n)
			n = script_copy_in(bbuf, b + done, n);
		if (!n)
			return -EFAULT;
		r = memcmp(abuf, bbuf, n);
		if (r)
			return r < 0 ? -1 : 1;
		done += n;
		script_resched();
	}
	return 0;
}

/*
 * memchr(r1, r2, r3): the index of the first byte equal to r2 in the r3
 * bytes at r1, or -ENOENT.  r2 converts to a byte as in C: its low eight
 * bits count.  -EFAULT when a byte before the first match faults.
 */
s64 script_op_memchr(struct script_run_ctx *ctx, const u64 *args)
{
	const void __user *s = u64_to_user_ptr(args[0]);
	u64 len = args[2], done = 0;
	/* Only the bytes copied in are read: not zeroed on each call. */
	u8 buf[SCRIPT_COPY_CHUNK] __uninitialized;
	u8 c = args[1];
	int err;

	if (len > MAX_RW_COUNT)
		return -EINVAL;
	if (!script_uaddr_ok(args[0]))
		return -EFAULT;
	while (done < len) {
		size_t n = min_t(u64, len - done, sizeof(buf));
		const u8 *p;

		if (done) {
			err = script_scan_next(ctx);
			if (err)
				return err;
		}
		n = script_copy_in(buf, s + done, n);
		if (!n)
			return -EFAULT;
		p = memchr(buf, c, n);
		if (p)
			return done + (p - buf);
		done += n;
		script_resched();
	}
	return -ENOENT;
}

/*
 * memmem's buffers, too large for the stack together: the needle, and a
 * window on the haystack that holds the last needle length - 1 bytes of
 * the one before it, where a match may start, and a new chunk.
 */
struct script_memmem {
	u8 needle[SCRIPT_MEMMEM_MAX];
	u8 win[SCRIPT_MEMMEM_MAX - 1 + SCRIPT_COPY_CHUNK];
};

/*
 * Work of a memmem beyond the chunks it reads: every candidate that
 * starts with the needle's first byte costs a compare of up to the
 * needle's length, so a needle that almost matches everywhere ('aaa...b'
 * in 'aaa...a') costs up to SCRIPT_MEMMEM_MAX compared bytes per haystack
 * byte.  Each SCRIPT_COPY_CHUNK bytes compared is a step of the budget,
 * taken as for a chunk read (script_scan_next()), so that max_steps
 * bounds the comparisons and a signal stops a long search.
 */
static int script_find_charge(struct script_run_ctx *ctx, size_t *work,
			      size_t nlen)
{
	int err;

	*work += nlen;
	while (*work >= SCRIPT_COPY_CHUNK) {
		err = script_scan_next(ctx);
		if (err)
			return err;
		*work -= SCRIPT_COPY_CHUNK;
		script_resched();
	}
	return 0;
}

/*
 * The first match of @needle in @have >= @nlen bytes at @win, -ENOENT, or
 * -EINTR or -ETIME from the charge of its compares (@work).
 */
static s64 script_find(struct script_run_ctx *ctx, const u8 *win, size_t have,
		       const u8 *needle, size_t nlen, size_t *work)
{
	const u8 *p = win, *end = win + have - nlen + 1;
	int err;

	while (p < end) {
		p = memchr(p, needle[0], end - p);
		if (!p)
			break;
		err = script_find_charge(ctx, work, nlen);
		if (err)
			return err;
		if (!memcmp(p, needle, nlen))
			return p - win;
		p++;
	}
	return -ENOENT;
}

/*
 * memmem(r1, r2, r3, r4): the index of the first occurrence of the r4
 * bytes at r3 in the r2 bytes at r1; 0 when r4 is 0, -ENOENT when there is
 * none, -EINVAL when r4 is above SCRIPT_MEMMEM_MAX, -ENOMEM.  The needle
 * is read whole (-EFAULT); the haystack, chunk by chunk, only as far as
 * the first match ends.  Chunks overlap by r4 - 1 bytes, kept in the
 * kernel, so each haystack byte is read once.  Each chunk read after the
 * first, and each SCRIPT_COPY_CHUNK bytes compared, is a step.
 */
s64 script_op_memmem(struct script_run_ctx *ctx, const u64 *args)
{
	const void __user *hay = u64_to_user_ptr(args[0]);
	const void __user *needle = u64_to_user_ptr(args[2]);
	u64 hlen = args[1], nlen = args[3], pos = 0, base = 0;
	struct script_memmem *m;
	size_t have = 0, work = 0;
	s64 ret;

	if (hlen > MAX_RW_COUNT || nlen > SCRIPT_MEMMEM_MAX)
		return -EINVAL;
	if (!script_uaddr_ok(args[0]) || !script_uaddr_ok(args[2]))
		return -EFAULT;
	if (!nlen)
		return 0;
	if (nlen > hlen)
		return -ENOENT;
	BUILD_BUG_ON(sizeof(*m) > SCRIPT_SCRATCH_SIZE);
	m = script_scratch(ctx);
	if (!m)
		return -ENOMEM;
	if (copy_from_user(m->needle, needle, nlen)) {
		ret = -EFAULT;
		goto out;
	}
	/* At the top of each pass, have <= nlen - 1. */
	while (pos < hlen) {
		size_t n = min_t(u64, hlen - pos, SCRIPT_COPY_CHUNK);

		if (pos) {
			ret = script_scan_next(ctx);
			if (ret)
				goto out;
		}
		n = script_copy_in(m->win + have, hay + pos, n);
		if (!n) {
			ret = -EFAULT;
			goto out;
		}
		have += n;
		pos += n;
		if (have >= nlen) {
			size_t keep = nlen - 1;

			ret = script_find(ctx, m->win, have, m->needle, nlen,
					  &work);
			if (ret >= 0) {
				ret += base;
				goto out;
			}
			if (ret != -ENOENT)
				goto out;
			memmove(m->win, m->win + have - keep, keep);
			base += have - keep;
			have = keep;
		}
		script_resched();
	}
	ret = -ENOENT;
out:
	return ret;
}

/* The value of digit @c in @base (10 or 16), or -1. */
static int script_digit(u8 c, u64 base)
{
	if (base == 16)
		return hex_to_bin(c);
	return c >= '0' && c <= '9' ? c - '0' : -1;
}

/*
 * parse_u64(r1, r2, r3, r4): the unsigned integer in base r4 (10, or 16
 * with digits of either case) at the start of the r2 bytes at r1, with no
 * sign, space or prefix, is stored at r3: the digits it had, leading
 * zeros included.  It ends at the first byte that is not a digit or after
 * r2 bytes.  -EINVAL when r4 is another base or there is no digit,
 * -ERANGE as soon as the value does not fit in 64 bits; r3 is written only
 * on success.  The bytes are read in chunks, so up to a chunk past the
 * last digit may be read, but no further than r2 bytes.
 */
s64 script_op_parse_u64(struct script_run_ctx *ctx, const u64 *args)
{
	const void __user *s = u64_to_user_ptr(args[0]);
	u64 __user *res = u64_to_user_ptr(args[2]);
	u64 len = args[1], base = args[3], val = 0, done = 0;
	/* Only the bytes copied in are read: not zeroed on each call. */
	u8 buf[SCRIPT_COPY_CHUNK] __uninitialized;
	int err;

	if (base != 10 && base != 16)
		return -EINVAL;
	if (len > MAX_RW_COUNT)
		return -EINVAL;
	if (!script_uaddr_ok(args[0]) || !script_uaddr_ok(args[2]))
		return -EFAULT;
	while (done < len) {
		size_t n = min_t(u64, len - done, sizeof(buf));
		size_t i;

		if (done) {
			err = script_scan_next(ctx);
			if (err)
				return err;
		}
		n = script_copy_in(buf, s + done, n);
		if (!n)
			return -EFAULT;
		for (i = 0; i < n; i++) {
			int d = script_digit(buf[i], base);

			if (d < 0)
				break;
			if (check_mul_overflow(val, base, &val) ||
			    check_add_overflow(val, (u64)d, &val))
				return -ERANGE;
		}
		done += i;
		if (i < n)
			break;
		script_resched();
	}
	if (!done)
		return -EINVAL;
	if (put_user(val, res))
		return -EFAULT;
	return done;
}

/*
 * format_u64(r1, r2, r3, r4): r3 in base r4 (10, or 16 in lower case),
 * with no sign, prefix, padding or terminator, written to the r2 bytes at
 * r1: the digits written, at least one.  -EINVAL when r4 is another base,
 * -ENOSPC when they do not fit in r2 bytes, and nothing is written then.
 */
s64 script_op_format_u64(struct script_run_ctx *ctx, const u64 *args)
{
	void __user *dst = u64_to_user_ptr(args[0]);
	u64 len = args[1], val = args[2], base = args[3];
	char tmp[20];	/* U64_MAX has 20 decimal digits */
	char *p = tmp + sizeof(tmp);
	size_t n;

	if (base != 10 && base != 16)
		return -EINVAL;
	if (len > MAX_RW_COUNT)
		return -EINVAL;
	if (!script_uaddr_ok(args[0]))
		return -EFAULT;
	do {
		u32 d;

		val = div_u64_rem(val, base, &d);
		*--p = hex_asc[d];
	} while (val);
	n = tmp + sizeof(tmp) - p;
	if (n > len)
		return -ENOSPC;
	if (script_copy_out(dst, p, n) != n)
		return -EFAULT;
	return n;
}
