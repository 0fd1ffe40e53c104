/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The launcher's half of HPACK's Huffman decoding (RFC 7541 5.2): the
 * code of Appendix B, and the table h2.bpf.h decodes with, built from it
 * once at start-up.
 *
 * The code is canonical: ordered by length, then by symbol, each code is
 * the previous one plus one, shifted left by the difference in length
 * (symbol 0 is the 13 bits 0x1ff8, 'a' the 5 bits 0x3, EOS the 30 bits
 * 0x3fffffff, as Appendix B lists them).  So the lengths alone give the
 * code, and h2_huff_lens[] is all this file keeps of Appendix B.
 *
 * The table is a state machine over the code's tree, fed 4 bits at a
 * time: a state is an internal node (257 leaves make 256 of them, the
 * root being 0), and entry [state * 16 + nibble] gives the node those 4
 * bits lead to from it, the symbol when they pass a leaf (no code is
 * shorter than 5 bits, so 4 bits pass at most one), whether a string may
 * end there (the node is on the path of all ones from the root, at most 7
 * deep: RFC 7541 5.2's padding), and whether EOS was decoded, an error.
 * A byte is two lookups.
 */
#ifndef HTTPD_H2_HUFFMAN_H
#define HTTPD_H2_HUFFMAN_H

#include <string.h>
#include "h2.h"

/* RFC 7541 Appendix B: the length of each symbol's code, EOS last */
static const unsigned char h2_huff_lens[257] = {
	13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28,
	28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,
	6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6,
	5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,
	13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
	7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,
	15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5,
	6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,
	20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23,
	24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,
	22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23,
	21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,
	26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25,
	19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,
	20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23,
	26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,
	30,
};

#define H2_HUFF_SYMS	257
#define H2_HUFF_EOS	256
/* A child that is a leaf: the symbol, with this bit */
#define H2_HUFF_LEAF	0x1000

/*
 * The canonical code of each symbol, into @code: 0, or -1 when the
 * lengths are no complete prefix code.
 */
static int h2_huff_codes(unsigned int *code)
{
	unsigned int sym, len, next = 0, prev = 0, done = 0;

	for (len = 1; len <= 30; len++) {
		for (sym = 0; sym < H2_HUFF_SYMS; sym++) {
			if (h2_huff_lens[sym] != len)
				continue;
			next <<= len - prev;
			prev = len;
			code[sym] = next++;
			done++;
		}
	}
	/* Complete: the last code is all ones */
	return done == H2_HUFF_SYMS && next == 1U << prev ? 0 : -1;
}

/* Builds the decoding table into @tab (H2_HUFF_ENTRIES): 0 or -1. */
static int h2_huff_build(__u32 *tab)
{
	static unsigned short child[H2_HUFF_STATES][2];
	unsigned int code[H2_HUFF_SYMS], sym, nodes = 1, node, b, s, v, i;
	unsigned char ones[H2_HUFF_STATES];
	__u32 e;

	if (h2_huff_codes(code))
		return -1;
	memset(child, 0, sizeof(child));
	for (sym = 0; sym < H2_HUFF_SYMS; sym++) {
		node = 0;
		for (i = h2_huff_lens[sym]; i-- > 0;) {
			b = code[sym] >> i & 1;
			if (!i) {
				if (child[node][b])
					return -1;
				child[node][b] = H2_HUFF_LEAF | sym;
				break;
			}
			if (!child[node][b]) {
				if (nodes == H2_HUFF_STATES)
					return -1;
				child[node][b] = nodes++;
			}
			node = child[node][b];
			if (node & H2_HUFF_LEAF)
				return -1;
		}
	}
	if (nodes != H2_HUFF_STATES)
		return -1;

	/* The path of all ones: its depth, 0xff off it */
	memset(ones, 0xff, sizeof(ones));
	for (node = 0, i = 0; !(node & H2_HUFF_LEAF); node = child[node][1])
		ones[node] = i++;

	for (s = 0; s < H2_HUFF_STATES; s++) {
		for (v = 0; v < 16; v++) {
			e = 0;
			node = s;
			for (i = 4; i-- > 0;) {
				node = child[node][v >> i & 1];
				if (!(node & H2_HUFF_LEAF))
					continue;
				sym = node & ~H2_HUFF_LEAF;
				if (sym == H2_HUFF_EOS)
					e |= H2_HUFF_FAIL;
				e |= H2_HUFF_EMIT | (sym & 0xff) << 8;
				node = 0;
			}
			e |= node;
			if (ones[node] <= 7)
				e |= H2_HUFF_ACCEPT;
			tab[s * 16 + v] = e;
		}
	}
	return 0;
}

#endif /* HTTPD_H2_HUFFMAN_H */
