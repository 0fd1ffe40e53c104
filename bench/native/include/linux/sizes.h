/* SPDX-License-Identifier: GPL-2.0 */
/* include/linux/sizes.h: the sizes the script(2) sources use */
#ifndef _SHIM_LINUX_SIZES_H
#define _SHIM_LINUX_SIZES_H

#define SZ_1K		0x00000400
#define SZ_4K		0x00001000
#define SZ_1M		0x00100000
#define SZ_64M		0x04000000

#endif /* _SHIM_LINUX_SIZES_H */
