/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The compiler's code memory in user space (native_jit.c): execmem_alloc()
 * maps pages read-write within 2 GiB of this program's text, as the
 * kernel's module area is of the kernel's, so that the code's rel32 calls
 * reach the ops and thunks; set_memory_rox() makes them read-only and
 * executable (mprotect), execmem_free() unmaps them.
 */
#ifndef _SHIM_LINUX_EXECMEM_H
#define _SHIM_LINUX_EXECMEM_H

#include <linux/types.h>

enum execmem_type {
	EXECMEM_DEFAULT,
	EXECMEM_BPF,
};

void *execmem_alloc(enum execmem_type type, size_t size);
void execmem_free(void *ptr);

#endif /* _SHIM_LINUX_EXECMEM_H */
