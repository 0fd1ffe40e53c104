// SPDX-License-Identifier: GPL-2.0
/*
 * The compiler's kernel services in user space, shared by both variants:
 * code memory within 2 GiB of this program's text (the compiled code's
 * rel32 calls and jumps reach the ops, the helpers and the thunks there,
 * as the kernel's module area reaches the kernel), made read-only and
 * executable once written (W^X, as set_memory_rox()), unmapped when the
 * program is freed; the exception table lookup; the random numbers of
 * constant blinding.
 *
 * With shim_jit_pool set, images come from one read-write-executable
 * mapping made once, and set_memory_rox() and execmem_free() do nothing:
 * a compile then costs the compiler's passes alone, without the page
 * table work (and the TLB shootdowns) of W^X and of freeing, which the
 * kernel's vmalloc, set_memory_rox() and vfree() do in their own way.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <linux/execmem.h>
#include <linux/extable.h>
#include <linux/set_memory.h>

/*
 * The window code is mapped in: 256 MiB to 1.75 GiB, above this non-PIE
 * program's text, data and heap at 4 MiB and below, all within rel32
 * reach of them.  Images are placed at the next free address, wrapping.
 */
#define JIT_LO		0x10000000UL
#define JIT_HI		0x70000000UL

static unsigned long jit_next = JIT_LO;

/* The size of the last image mapped, for the report */
unsigned long shim_jit_bytes;

/* Images from the pool: one image at a time, at its start */
int shim_jit_pool;
#define JIT_POOL_SIZE	(8UL << 20)
static void *jit_pool;

static void *jit_pool_alloc(size_t size)
{
	if (!jit_pool) {
		jit_pool = mmap((void *)JIT_HI, JIT_POOL_SIZE,
				PROT_READ | PROT_WRITE | PROT_EXEC,
				MAP_PRIVATE | MAP_ANONYMOUS |
				MAP_FIXED_NOREPLACE | MAP_POPULATE, -1, 0);
		if (jit_pool == MAP_FAILED) {
			jit_pool = NULL;
			return NULL;
		}
	}
	if (size > JIT_POOL_SIZE)
		return NULL;
	shim_jit_bytes = size;
	return jit_pool;
}

static bool in_pool(unsigned long addr)
{
	return jit_pool && addr - (unsigned long)jit_pool < JIT_POOL_SIZE;
}

/* The sizes of the mappings, for execmem_free() */
#define JIT_MAX_MAPS	256
static struct {
	void *p;
	size_t size;
} jit_maps[JIT_MAX_MAPS];

void *execmem_alloc(enum execmem_type type, size_t size)
{
	unsigned long at = jit_next, tries = 0;
	void *p;
	int i;

	size = (size + 4095) & ~4095UL;
	if (shim_jit_pool)
		return jit_pool_alloc(size);
	for (i = 0; i < JIT_MAX_MAPS && jit_maps[i].p; i++)
		;
	if (i == JIT_MAX_MAPS)
		return NULL;
	for (;;) {
		if (at + size > JIT_HI)
			at = JIT_LO;
		p = mmap((void *)at, size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE |
			 MAP_POPULATE,
			 -1, 0);
		if (p != MAP_FAILED)
			break;
		if (errno != EEXIST || ++tries > (JIT_HI - JIT_LO) / 4096)
			return NULL;
		at += 4096;
	}
	jit_next = at + size;
	shim_jit_bytes = size;
	jit_maps[i].p = p;
	jit_maps[i].size = size;
	return p;
}

void execmem_free(void *ptr)
{
	int i;

	if (in_pool((unsigned long)ptr))
		return;
	for (i = 0; i < JIT_MAX_MAPS; i++) {
		if (jit_maps[i].p == ptr) {
			munmap(ptr, jit_maps[i].size);
			jit_maps[i].p = NULL;
			return;
		}
	}
	fprintf(stderr, "native: %s of an unknown %p\n", __func__, ptr);
	abort();
}

int set_memory_rox(unsigned long addr, int numpages)
{
	if (in_pool(addr))
		return 0;
	return mprotect((void *)addr, (size_t)numpages * 4096,
			PROT_READ | PROT_EXEC) ? -errno : 0;
}

/* lib/extable.c: the table is sorted by address */
const struct exception_table_entry *
search_extable(const struct exception_table_entry *base, size_t num,
	       unsigned long value)
{
	size_t lo = 0, hi = num;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		unsigned long insn = (unsigned long)&base[mid].insn +
				     base[mid].insn;

		if (insn == value)
			return &base[mid];
		if (insn < value)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* arch/x86/entry/entry_64.S: no X86_FEATURE_CLEAR_BHB_LOOP here */
void clear_bhb_loop(void)
{
	fprintf(stderr, "native: %s called\n", __func__);
	abort();
}

u32 get_random_u32(void)
{
	return (u32)random() ^ ((u32)random() << 16);
}
