// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's string functions that x86-64 takes from lib/string.c
 * (memchr(), memcmp() with CONFIG_HAVE_EFFICIENT_UNALIGNED_ACCESS) and
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

int hex_to_bin(unsigned char ch)
{
	unsigned char cu = ch & 0xdf;

	return -1 +
		((ch - '0' +  1) & (unsigned int)((ch - '9' - 1) & ('0' - 1 - ch)) >> 8) +
		((cu - 'A' + 11) & (unsigned int)((cu - 'F' - 1) & ('A' - 1 - cu)) >> 8);
}
