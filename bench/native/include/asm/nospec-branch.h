/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The thunks compiled code jumps through (native_thunks_*.S) and what the
 * compiler asks of them.  No call depth tracking: a call needs no
 * accounting.  Only %r11's retpoline is ever asked for: the array's r11
 * entry is __x86_indirect_thunk_r11 (the kernel's array is in register
 * order, RETPOLINE_THUNK_SIZE bytes apart; here only the entry matters).
 */
#ifndef _SHIM_ASM_NOSPEC_BRANCH_H
#define _SHIM_ASM_NOSPEC_BRANCH_H

#include <asm/cpufeature.h>

#define RETPOLINE_THUNK_SIZE	32
typedef u8 retpoline_thunk_t[RETPOLINE_THUNK_SIZE];

void __x86_indirect_thunk_r11(void);
void __x86_return_thunk(void);
/* native_jit.c: never called, no CPU feature asks for it here */
void clear_bhb_loop(void);

#define __x86_indirect_thunk_array					\
	((retpoline_thunk_t *)((u8 *)__x86_indirect_thunk_r11 -		\
			       11 * RETPOLINE_THUNK_SIZE))
#define __x86_indirect_jump_thunk_array	__x86_indirect_thunk_array
#define x86_return_thunk	__x86_return_thunk

static inline bool cpu_wants_rethunk(void)
{
	return shim_thunks_retpoline;
}

static inline void *its_static_thunk(int reg)
{
	return NULL;
}

static inline int x86_call_depth_emit_accounting(u8 **pprog, void *func,
						 void *ip)
{
	return 0;
}

#endif /* _SHIM_ASM_NOSPEC_BRANCH_H */
