/* SPDX-License-Identifier: GPL-2.0 */
/* isalnum() of include/linux/ctype.h: ASCII letters and digits. */
#ifndef _SHIM_LINUX_CTYPE_H
#define _SHIM_LINUX_CTYPE_H

static inline int isalnum(int c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

#endif /* _SHIM_LINUX_CTYPE_H */
