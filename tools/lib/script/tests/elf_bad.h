/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What elf_bad.bpf.c uses and no object defines: symbols it leaves
 * undefined, for the loader to refuse.
 */
#ifndef __ELF_BAD_H
#define __ELF_BAD_H

extern long ext_var;
long ext_fn(long x);

#endif /* __ELF_BAD_H */
