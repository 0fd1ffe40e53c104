/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Instruction macros for the benchmark's programs: the library's own,
 * tools/lib/script/script_insn.h, over the uapi header of this tree.
 */
#ifndef _NATIVE_INSN_H
#define _NATIVE_INSN_H

#include <uapi/linux/script.h>
#include "../../tools/lib/script/script_insn.h"

#endif /* _NATIVE_INSN_H */
