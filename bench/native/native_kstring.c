// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's string functions that x86-64 takes from lib/string.c
 * (memchr(), memcmp() with CONFIG_HAVE_EFFICIENT_UNALIGNED_ACCESS,
 * memchr_inv(), strscpy()) and
 * lib/hexdump.c (hex_to_bin()), built as the kernel builds
 * lib/string.c (-ffreestanding) and made local to each variant, so that
 * the memory ops' bodies are the kernel's and not the C library's
 * vectorised ones.  memmove() is arch/x86/lib/memmove_64.S's in effect,
 * not in form: a forward copy unless the destination overlaps the source
 * after its start, then a backward one.
 */

#include <linux/kernel.h>

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	while (n-- != 0) {
		if ((unsigned char)c == *p++)
			return (void *)(p - 1);
	}
	return NULL;
}

static __always_inline unsigned long get_unaligned_ul(const void *p)
{
	unsigned long v;

	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

int memcmp(const void *cs, const void *ct, size_t count)
{
	const unsigned char *su1, *su2;
	int res = 0;

	if (count >= sizeof(unsigned long)) {
		const unsigned long *u1 = cs;
		const unsigned long *u2 = ct;

		do {
			if (get_unaligned_ul(u1) != get_unaligned_ul(u2))
				break;
			u1++;
			u2++;
			count -= sizeof(unsigned long);
		} while (count >= sizeof(unsigned long));
		cs = u1;
		ct = u2;
	}
	for (su1 = cs, su2 = ct; count > 0; ++su1, ++su2, count--) {
		res = *su1 - *su2;
		if (res)
			break;
	}
	return res;
}

void *memmove(void *dest, const void *src, size_t count)
{
	unsigned char *d = dest;
	const unsigned char *s = src;

	if (d <= s || d >= s + count) {
		asm volatile("rep movsb"
			     : "+D" (d), "+S" (s), "+c" (count)
			     : : "memory");
		return dest;
	}
	while (count--)
		d[count] = s[count];
	return dest;
}

static void *check_bytes8(const u8 *start, u8 value, unsigned int bytes)
{
	while (bytes) {
		if (*start != value)
			return (void *)start;
		start++;
		bytes--;
	}
	return NULL;
}

void *memchr_inv(const void *start, int c, size_t bytes)
{
	u8 value = c;
	u64 value64;
	size_t words;
	unsigned int prefix;

	if (bytes <= 16)
		return check_bytes8(start, value, bytes);

	value64 = value;
	value64 *= 0x0101010101010101ULL;

	prefix = (unsigned long)start % 8;
	if (prefix) {
		u8 *r;

		prefix = 8 - prefix;
		r = check_bytes8(start, value, prefix);
		if (r)
			return r;
		start += prefix;
		bytes -= prefix;
	}

	words = bytes / 8;

	while (words) {
		if (*(u64 *)start != value64)
			return check_bytes8(start, value, 8);
		start += 8;
		words--;
	}

	return check_bytes8(start, value, bytes % 8);
}

/* lib/string.c's, a byte at a time (SCRIPT_PROBE's op names only) */
ssize_t strscpy(char *dest, const char *src, size_t count)
{
	size_t i;

	if (!count)
		return -E2BIG;
	for (i = 0; i < count; i++) {
		dest[i] = src[i];
		if (!src[i])
			return i;
	}
	dest[count - 1] = 0;
	return -E2BIG;
}

int hex_to_bin(unsigned char ch)
{
	unsigned char cu = ch & 0xdf;

	return -1 +
		((ch - '0' +  1) & (unsigned int)((ch - '9' - 1) & ('0' - 1 - ch)) >> 8) +
		((cu - 'A' + 11) & (unsigned int)((cu - 'F' - 1) & ('A' - 1 - cu)) >> 8);
}
