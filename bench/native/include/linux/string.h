/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The C library's declarations.  Inside the script(2) objects memchr(),
 * memcmp(), memmove() and memset() are the kernel's (native_kstring.c),
 * memcpy() its FSRM "rep movsb" (native_uaccess.S): the build makes them
 * local to each variant.
 */
#ifndef _SHIM_LINUX_STRING_H
#define _SHIM_LINUX_STRING_H

#include <string.h>

#endif /* _SHIM_LINUX_STRING_H */
