/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The CPU features the compiler asks about.  No SMAP in user space, so no
 * STAC/CLAC; no IBT, no call depth tracking, no ITS indirect thunks, no
 * BHI mitigation (the loader is privileged: none is emitted anyway).  The
 * retpoline variant's thunks (native_thunks_retpoline.S) say
 * shim_thunks_retpoline = 1: its compiled code then jumps through the
 * retpoline and returns through the return thunk, as this host's kernel
 * would; the plain variant's code jumps and returns directly.
 */
#ifndef _SHIM_ASM_CPUFEATURE_H
#define _SHIM_ASM_CPUFEATURE_H

#include <linux/types.h>

enum {
	X86_FEATURE_SMAP,
	X86_FEATURE_RETPOLINE,
	X86_FEATURE_RETPOLINE_LFENCE,
	X86_FEATURE_CALL_DEPTH,
	X86_FEATURE_INDIRECT_THUNK_ITS,
	X86_FEATURE_CLEAR_BHB_LOOP,
	X86_FEATURE_CLEAR_BHB_HW,
	X86_FEATURE_HYPERVISOR,
};

extern const u8 shim_thunks_retpoline;

#define cpu_feature_enabled(f)	\
	((f) == X86_FEATURE_RETPOLINE ? shim_thunks_retpoline != 0 : false)

#endif /* _SHIM_ASM_CPUFEATURE_H */
