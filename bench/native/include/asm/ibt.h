/* SPDX-License-Identifier: GPL-2.0 */
/* No CONFIG_X86_KERNEL_IBT: no ENDBR in compiled code. */
#ifndef _SHIM_ASM_IBT_H
#define _SHIM_ASM_IBT_H
#endif /* _SHIM_ASM_IBT_H */
