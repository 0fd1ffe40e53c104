// SPDX-License-Identifier: GPL-2.0
/*
 * A script(2) program written in C: clang -target bpf -O2 compiles it, and
 * the test runs its .text as is.  It reads the caller's buffer through a
 * pointer argument, keeps a table on the stack and calls a subprogram.
 */

/*
 * A void subprogram (the Makefile compiles with -fno-inline-functions so
 * that it stays one): clang leaves r0 alone in it, and passes it a
 * pointer into the caller's stack frame.
 */
static void add_to(unsigned char *table, unsigned long i, unsigned char c)
{
	table[i % 64] += c;
}

/*
 * Uppercase the bytes of @buf into a stack table and return the sum of
 * the table plus the number of letters converted, so that every byte read
 * and every stack slot written counts.
 */
unsigned long upper_sum(const unsigned char *buf, unsigned long len)
{
	unsigned char table[64];
	unsigned long i, n = 0, sum = 0;

	for (i = 0; i < sizeof(table); i++)
		table[i] = 0;
	for (i = 0; i < len; i++) {
		unsigned char c = buf[i];

		if (c >= 'a' && c <= 'z') {
			c -= 'a' - 'A';
			n++;
		}
		add_to(table, i, c);
	}
	for (i = 0; i < sizeof(table); i++)
		sum += table[i];
	return sum * 1000 + n;
}
