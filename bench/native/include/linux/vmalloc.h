/* SPDX-License-Identifier: GPL-2.0 */
/* kvcalloc() and friends are in <linux/slab.h>. */
#ifndef _SHIM_LINUX_VMALLOC_H
#define _SHIM_LINUX_VMALLOC_H
#include <linux/slab.h>
#endif /* _SHIM_LINUX_VMALLOC_H */
