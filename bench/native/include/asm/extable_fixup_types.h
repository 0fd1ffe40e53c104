/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHIM_ASM_EXTABLE_FIXUP_TYPES_H
#define _SHIM_ASM_EXTABLE_FIXUP_TYPES_H
#include <linux/extable.h>
#endif /* _SHIM_ASM_EXTABLE_FIXUP_TYPES_H */
