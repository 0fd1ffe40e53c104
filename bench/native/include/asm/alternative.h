/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHIM_ASM_ALTERNATIVE_H
#define _SHIM_ASM_ALTERNATIVE_H
#include <asm/cpufeature.h>
#endif /* _SHIM_ASM_ALTERNATIVE_H */
