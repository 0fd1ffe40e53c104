// SPDX-License-Identifier: GPL-2.0
/*
 * script(2): ops on text in the caller's user memory: memcspn (the first
 * byte of a set), split_header (an HTTP/1-style header block into its
 * start line and fields) and format (a template and values into a
 * buffer), so that a program does in one op what would otherwise be a
 * loop of interpreted instructions over bytes.
 *
 * As the ops of ops_mem.c, they stand for no system call, every access is
 * a checked user copy bounded by the lengths the program gives, lengths
 * above MAX_RW_COUNT are -EINVAL, and the ops have no partial result: a
 * stop is an error.  Their work is counted in bytes (each op says which);
 * each SCRIPT_COPY_CHUNK bytes of it after the first is a step of the
 * budget, before which the op stops with -EINTR when a signal is pending
 * (the interpreter parks the run and redoes the op from its start) or
 * -ETIME when the budget is used up.
 */

#include <linux/bitmap.h>
#include <linux/ctype.h>
#include <linux/fs.h>
#include <linux/hex.h>
#include <linux/math64.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "script.h"

/*
 * Adds @n bytes to the work @*work of an op and takes a step for each
 * SCRIPT_COPY_CHUNK of it beyond the first: 0, -EINTR or -ETIME.
 */
static int script_text_charge(struct script_run_ctx *ctx, size_t *work,
			      size_t n)
{
	int err;

	*work += n;
	while (*work > SCRIPT_COPY_CHUNK) {
		err = script_scan_next(ctx);
		if (err)
			return err;
		*work -= SCRIPT_COPY_CHUNK;
		script_resched();
	}
	return 0;
}

/*
 * memcspn(r1, r2, r3, r4): the index of the first of the r2 bytes at r1
 * that is one of the r4 bytes at r3, or r2 when none is (as strcspn()).
 * -EINVAL when r4 is above SCRIPT_MEMCSPN_MAX; -EFAULT when the set or a
 * byte before the first match faults.  Work: the bytes read, a chunk at a
 * time, as memchr.
 */
s64 script_op_memcspn(struct script_run_ctx *ctx, const u64 *args)
{
	const void __user *s = u64_to_user_ptr(args[0]);
	const void __user *set = u64_to_user_ptr(args[2]);
	u64 len = args[1], setlen = args[3], done = 0;
	DECLARE_BITMAP(map, 256);
	/* Only the bytes copied in are read: not zeroed on each call. */
	u8 buf[SCRIPT_COPY_CHUNK] __uninitialized;
	size_t work = 0, i;
	int err;

	BUILD_BUG_ON(sizeof(buf) < SCRIPT_MEMCSPN_MAX);
	if (len > MAX_RW_COUNT || setlen > SCRIPT_MEMCSPN_MAX)
		return -EINVAL;
	if (!script_uaddr_ok(args[0]) || !script_uaddr_ok(args[2]))
		return -EFAULT;
	if (script_copy_in(buf, set, setlen) != setlen)
		return -EFAULT;
	bitmap_zero(map, 256);
	for (i = 0; i < setlen; i++)
		__set_bit(buf[i], map);
	while (done < len) {
		size_t n = min_t(u64, len - done, sizeof(buf));

		err = script_text_charge(ctx, &work, n);
		if (err)
			return err;
		n = script_copy_in(buf, s + done, n);
		if (!n)
			return -EFAULT;
		for (i = 0; i < n; i++)
			if (test_bit(buf[i], map))
				return done + i;
		done += n;
		script_resched();
	}
	return len;
}

/* Whether @c is a tchar of RFC 9110 5.6.2, which a field name is made of. */
static bool script_tchar(u8 c)
{
	if (isalnum(c) && c < 0x80)
		return true;
	return c && strchr("!#$%&'*+-.^_`|~", c);
}

static u8 script_ascii_lower(u8 c)
{
	return c >= 'A' && c <= 'Z' ? c | 0x20 : c;
}

/* Fields split_header stores in the kernel before it copies them out */
#define SCRIPT_FIELD_BATCH	(SCRIPT_COPY_CHUNK / sizeof(struct script_field))

/* How far split_header is in a line */
enum script_split_at {
	SCRIPT_AT_START,	/* in the start line */
	SCRIPT_AT_NAME,		/* in a field line, before its ':' */
	SCRIPT_AT_VALUE,	/* after it */
};

/*
 * split_header's state, too large for the stack (it lives in the run's
 * scratch buffer, script_scratch()): a chunk of the block,
 * the names to look for and the current field's name, in lower case, and
 * fields not yet copied out.
 */
struct script_split {
	struct script_split_header h;
	struct script_field __user *ufields;
	size_t work;
	u32 max_name;		/* the longest name in names */
	u32 stored;		/* fields stored, in batch or copied out */
	u32 batched;		/* of them, in batch */
	u32 line;		/* offset of the current line */
	u32 nlen;		/* the current field's name's length */
	u32 vbeg, vend;		/* its value, when vbeg != U32_MAX */
	u32 nsp, sp[2];		/* the start line's first SPs */
	enum script_split_at at;
	u8 buf[SCRIPT_COPY_CHUNK];
	char names[SCRIPT_SPLIT_NAMES_MAX];
	u8 name[SCRIPT_SPLIT_NAMES_MAX];
	struct script_field batch[SCRIPT_FIELD_BATCH];
};

/* The index of the current field's name in the names, or -1. */
static s32 script_split_key(struct script_split *st)
{
	u32 off = 0, len;
	s32 key = 0;

	if (st->nlen > st->max_name)
		return -1;
	while (off < st->h.names_len) {
		len = strlen(st->names + off);
		if (len == st->nlen && !memcmp(st->names + off, st->name, len))
			return key;
		off += len + 1;
		key++;
	}
	return -1;
}

static int script_split_flush(struct script_split *st)
{
	size_t n = st->batched * sizeof(struct script_field);
	void __user *dst = st->ufields + st->stored - st->batched;

	if (script_copy_out(dst, st->batch, n) != n)
		return -EFAULT;
	st->batched = 0;
	return 0;
}

/*
 * The line that ends with its content at @end: 0, -EBADMSG, -ENOSPC or
 * the error of the charge or of the copy of the fields.
 */
static int script_split_line(struct script_run_ctx *ctx,
			     struct script_split *st, u32 end)
{
	struct script_field *f;
	s32 key = -1;
	int err;

	if (st->at == SCRIPT_AT_START) {
		if (st->nsp < 2 || st->sp[0] == st->line ||
		    st->sp[1] == st->sp[0] + 1)
			return -EBADMSG;
		st->h.start[0].off = st->line;
		st->h.start[0].len = st->sp[0] - st->line;
		st->h.start[1].off = st->sp[0] + 1;
		st->h.start[1].len = st->sp[1] - st->sp[0] - 1;
		st->h.start[2].off = st->sp[1] + 1;
		st->h.start[2].len = end - st->sp[1] - 1;
		return 0;
	}
	if (st->at != SCRIPT_AT_VALUE)
		return -EBADMSG;
	if (st->h.names_len) {
		err = script_text_charge(ctx, &st->work, st->h.names_len);
		if (err)
			return err;
		key = script_split_key(st);
	}
	if (key < 0 && (st->h.flags & SCRIPT_SPLIT_NAMED))
		return 0;
	if (st->stored == st->h.max_fields)
		return -ENOSPC;
	err = script_text_charge(ctx, &st->work, sizeof(*f));
	if (err)
		return err;
	f = &st->batch[st->batched];
	f->name.off = st->line;
	f->name.len = st->nlen;
	if (st->vbeg == U32_MAX) {
		f->value.off = end;
		f->value.len = 0;
	} else {
		f->value.off = st->vbeg;
		f->value.len = st->vend - st->vbeg;
	}
	f->key = key;
	f->__pad = 0;
	st->stored++;
	if (++st->batched == SCRIPT_FIELD_BATCH)
		return script_split_flush(st);
	return 0;
}

/* A byte of a line's content, not CR or LF, at @pos: 0 or -EBADMSG. */
static int script_split_byte(struct script_split *st, u8 c, u32 pos)
{
	if ((c < 0x20 && c != '\t') || c == 0x7f)
		return -EBADMSG;
	switch (st->at) {
	case SCRIPT_AT_START:
		if (c == ' ' && st->nsp < 2)
			st->sp[st->nsp++] = pos;
		return 0;
	case SCRIPT_AT_NAME:
		if (c == ':') {
			if (!st->nlen)
				return -EBADMSG;
			st->at = SCRIPT_AT_VALUE;
			return 0;
		}
		if (!script_tchar(c))
			return -EBADMSG;
		if (st->nlen < st->max_name)
			st->name[st->nlen] = script_ascii_lower(c);
		st->nlen++;
		return 0;
	case SCRIPT_AT_VALUE:
		if (c != ' ' && c != '\t') {
			if (st->vbeg == U32_MAX)
				st->vbeg = pos;
			st->vend = pos + 1;
		}
		return 0;
	}
	return 0;
}

/* Reads r3 and its names into @st: 0, -EFAULT or -EINVAL. */
static int script_split_args(struct script_split *st, u64 uh)
{
	struct script_split_header *h = &st->h;
	u32 i, len = 0;

	if (script_copy_in(h, u64_to_user_ptr(uh), sizeof(*h)) != sizeof(*h))
		return -EFAULT;
	if (h->flags & ~(SCRIPT_SPLIT_LF | SCRIPT_SPLIT_NO_START |
			 SCRIPT_SPLIT_NAMED))
		return -EINVAL;
	if (h->names_len > SCRIPT_SPLIT_NAMES_MAX)
		return -EINVAL;
	if (!script_uaddr_ok(h->fields) || !script_uaddr_ok(h->names))
		return -EFAULT;
	st->ufields = u64_to_user_ptr(h->fields);
	if (script_copy_in(st->names, u64_to_user_ptr(h->names),
			   h->names_len) != h->names_len)
		return -EFAULT;
	if (h->names_len && st->names[h->names_len - 1])
		return -EINVAL;
	st->max_name = 0;
	for (i = 0; i < h->names_len; i++) {
		st->names[i] = script_ascii_lower(st->names[i]);
		if (st->names[i]) {
			len++;
			continue;
		}
		if (!len)
			return -EINVAL;
		st->max_name = max(st->max_name, len);
		len = 0;
	}
	return 0;
}

/*
 * split_header(r1, r2, r3): see struct script_split_header.  One pass
 * over the block, a chunk at a time: each LF ends a line, and the first
 * empty one the block.  The first problem is kept, and the pass goes on
 * only to find the end, so that an incomplete block is -EAGAIN whatever
 * it holds.
 */
s64 script_op_split_header(struct script_run_ctx *ctx, const u64 *args)
{
	const u8 __user *s = u64_to_user_ptr(args[0]);
	struct script_split_header __user *uh = u64_to_user_ptr(args[2]);
	u64 len = args[1];
	struct script_split *st;
	size_t tail;
	u32 done = 0, pos;
	bool cr = false;
	s64 ret, err = 0;

	if (len > MAX_RW_COUNT)
		return -EINVAL;
	if (!script_uaddr_ok(args[0]) || !script_uaddr_ok(args[2]))
		return -EFAULT;
	BUILD_BUG_ON(sizeof(*st) > SCRIPT_SCRATCH_SIZE);
	st = script_scratch(ctx);
	if (!st)
		return -ENOMEM;
	ret = script_split_args(st, args[2]);
	if (ret)
		goto out;
	st->work = 0;
	st->stored = 0;
	st->batched = 0;
	st->line = 0;
	st->nsp = 0;
	st->nlen = 0;
	st->vbeg = U32_MAX;
	st->at = (st->h.flags & SCRIPT_SPLIT_NO_START) ? SCRIPT_AT_NAME :
							  SCRIPT_AT_START;
	memset(st->h.start, 0, sizeof(st->h.start));

	while (done < len) {
		size_t n = min_t(u64, len - done, sizeof(st->buf)), i;

		n = script_copy_in(st->buf, s + done, n);
		if (!n) {
			ret = -EFAULT;
			goto out;
		}
		for (i = 0; i < n; i++) {
			u8 c = st->buf[i];
			u32 end;

			pos = done + i;
			if (c != '\n') {
				if (cr && !err)
					err = -EBADMSG;
				cr = c == '\r';
				if (!cr && !err)
					err = script_split_byte(st, c, pos);
				continue;
			}
			end = cr ? pos - 1 : pos;
			if (!cr && !err && !(st->h.flags & SCRIPT_SPLIT_LF))
				err = -EBADMSG;
			cr = false;
			if (end == st->line) {
				/* The empty line: the block's end */
				ret = script_text_charge(ctx, &st->work, i + 1);
				if (!ret && !err && st->at == SCRIPT_AT_START)
					ret = -EBADMSG;
				if (!ret)
					ret = err;
				if (!ret && st->batched)
					ret = script_split_flush(st);
				if (ret)
					goto out;
				st->h.nr_fields = st->stored;
				tail = sizeof(*uh) -
				       offsetof(typeof(*uh), nr_fields);
				if (script_copy_out(&uh->nr_fields,
						    &st->h.nr_fields,
						    tail) != tail)
					ret = -EFAULT;
				else
					ret = pos + 1;
				goto out;
			}
			if (!err)
				err = script_split_line(ctx, st, end);
			if (err == -EINTR || err == -ETIME || err == -EFAULT) {
				ret = err;
				goto out;
			}
			st->line = pos + 1;
			st->at = SCRIPT_AT_NAME;
			st->nlen = 0;
			st->vbeg = U32_MAX;
		}
		ret = script_text_charge(ctx, &st->work, n);
		if (ret)
			goto out;
		done += n;
		script_resched();
	}
	ret = -EAGAIN;
out:
	return ret;
}

/* format's state: a chunk of the template, and output not yet copied out */
struct script_format {
	void __user *dst;
	u64 room;		/* bytes of dst not yet produced */
	u64 flushed;		/* bytes copied out */
	size_t work;
	u32 olen;		/* bytes in out */
	u8 out[SCRIPT_COPY_CHUNK];
};

static int script_format_flush(struct script_run_ctx *ctx,
			       struct script_format *f)
{
	int err = script_text_charge(ctx, &f->work, f->olen);

	if (err)
		return err;
	if (script_copy_out(f->dst + f->flushed, f->out, f->olen) != f->olen)
		return -EFAULT;
	f->flushed += f->olen;
	f->olen = 0;
	return 0;
}

/* Appends @n bytes, of @src in the kernel or else of @usrc. */
static int script_format_put(struct script_run_ctx *ctx,
			     struct script_format *f, const u8 *src,
			     const u8 __user *usrc, u64 n)
{
	int err;

	if (n > f->room)
		return -ENOSPC;
	f->room -= n;
	while (n) {
		u32 k = min_t(u64, n, sizeof(f->out) - f->olen);

		if (src) {
			memcpy(f->out + f->olen, src, k);
			src += k;
		} else {
			if (script_copy_in(f->out + f->olen, usrc, k) != k)
				return -EFAULT;
			usrc += k;
		}
		f->olen += k;
		n -= k;
		if (f->olen == sizeof(f->out)) {
			err = script_format_flush(ctx, f);
			if (err)
				return err;
		}
	}
	return 0;
}

/* Appends directive @d, taking its values from @*uargs. */
static int script_format_directive(struct script_run_ctx *ctx,
				   struct script_format *f, u8 d,
				   const u64 __user **uargs)
{
	char tmp[20];	/* U64_MAX has 20 decimal digits */
	char *p = tmp + sizeof(tmp);
	u64 val, len;
	u32 base;

	switch (d) {
	case '%':
		return script_format_put(ctx, f, &d, NULL, 1);
	case 'u':
	case 'x':
		if (get_user(val, (*uargs)++))
			return -EFAULT;
		base = d == 'u' ? 10 : 16;
		do {
			u32 r;

			val = div_u64_rem(val, base, &r);
			*--p = hex_asc[r];
		} while (val);
		return script_format_put(ctx, f, (const u8 *)p, NULL,
					 tmp + sizeof(tmp) - p);
	case 's':
		if (get_user(val, (*uargs)++) || get_user(len, (*uargs)++))
			return -EFAULT;
		if (len > f->room)
			return -ENOSPC;
		if (!script_uaddr_ok(val))
			return -EFAULT;
		return script_format_put(ctx, f, NULL, u64_to_user_ptr(val), len);
	}
	return -EINVAL;
}

/*
 * format(r1, r2, r3, r4, r5): the r4-byte template at r3, its directives
 * replaced by values read in turn from the __u64 array at r5, written to
 * the r2 bytes at r1: the bytes written.  "%u" and "%x" take a value and
 * write it in decimal or lower-case hex, "%s" takes an address and a
 * length and writes the bytes there, "%%" writes a '%'.  -EINVAL for any
 * other byte after a '%', or a '%' that ends the template; -ENOSPC when
 * the output does not fit; -EFAULT.  The first problem met in the
 * template decides the error; the bytes at r1 may then have been written
 * in part.  Work: the template's bytes and the bytes written.
 */
s64 script_op_format(struct script_run_ctx *ctx, const u64 *args)
{
	const u8 __user *tpl = u64_to_user_ptr(args[2]);
	const u64 __user *uargs = u64_to_user_ptr(args[4]);
	u64 tlen = args[3], done = 0;
	/* Set below, and only the bytes copied in are read. */
	struct script_format f __uninitialized;
	u8 buf[SCRIPT_COPY_CHUNK / 2] __uninitialized;
	bool pct = false;
	int err;

	if (args[1] > MAX_RW_COUNT || tlen > MAX_RW_COUNT)
		return -EINVAL;
	if (!script_uaddr_ok(args[0]) || !script_uaddr_ok(args[2]) ||
	    !script_uaddr_ok(args[4]))
		return -EFAULT;
	f.dst = u64_to_user_ptr(args[0]);
	f.room = args[1];
	f.flushed = 0;
	f.work = 0;
	f.olen = 0;
	while (done < tlen) {
		size_t n = min_t(u64, tlen - done, sizeof(buf)), i = 0, run;
		const u8 *p;

		err = script_text_charge(ctx, &f.work, n);
		if (err)
			return err;
		n = script_copy_in(buf, tpl + done, n);
		if (!n)
			return -EFAULT;
		while (i < n) {
			if (pct) {
				pct = false;
				err = script_format_directive(ctx, &f, buf[i++],
							      &uargs);
				if (err)
					return err;
				continue;
			}
			p = memchr(buf + i, '%', n - i);
			run = p ? p - (buf + i) : n - i;
			err = script_format_put(ctx, &f, buf + i, NULL, run);
			if (err)
				return err;
			i += run;
			if (p) {
				pct = true;
				i++;
			}
		}
		done += n;
		script_resched();
	}
	if (pct)
		return -EINVAL;
	if (f.olen) {
		err = script_format_flush(ctx, &f);
		if (err)
			return err;
	}
	return f.flushed;
}
