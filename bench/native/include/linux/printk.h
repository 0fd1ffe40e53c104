/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's vsnprintf() knows %pV (struct va_format); the C library's
 * does not, so the verifier's log goes through shim_vsnprintf(), which
 * does.  Only the log uses it: with no log buffer nothing is formatted.
 */
#ifndef _SHIM_LINUX_PRINTK_H
#define _SHIM_LINUX_PRINTK_H

#include <stdarg.h>

struct va_format {
	const char *fmt;
	va_list *va;
};

int shim_vsnprintf(char *buf, size_t size, const char *fmt, va_list args);
#define vsnprintf(buf, size, fmt, args)	shim_vsnprintf(buf, size, fmt, args)

#endif /* _SHIM_LINUX_PRINTK_H */
