/* SPDX-License-Identifier: GPL-2.0 */
/* include/linux/hex.h: hex_to_bin() is lib/hexdump.c's, in native_kstring.c. */
#ifndef _SHIM_LINUX_HEX_H
#define _SHIM_LINUX_HEX_H

/* lib/hexdump.c's hex_asc[], as the literal it holds */
#define hex_asc	"0123456789abcdef"
int hex_to_bin(unsigned char ch);

#endif /* _SHIM_LINUX_HEX_H */
