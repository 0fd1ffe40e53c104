/* SPDX-License-Identifier: GPL-2.0 */
/* set_memory_rox(): mprotect(PROT_READ | PROT_EXEC), in native_jit.c */
#ifndef _SHIM_LINUX_SET_MEMORY_H
#define _SHIM_LINUX_SET_MEMORY_H

int set_memory_rox(unsigned long addr, int numpages);

#endif /* _SHIM_LINUX_SET_MEMORY_H */
