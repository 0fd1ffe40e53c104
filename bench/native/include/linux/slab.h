/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvcalloc() and friends on the C library's allocator.  native_bench.c
 * raises the mmap threshold so that these come from a warm heap, as a
 * slab or a recycled vmalloc area would, and not from fresh zero pages.
 */
#ifndef _SHIM_LINUX_SLAB_H
#define _SHIM_LINUX_SLAB_H

#include <linux/types.h>
#include <stdlib.h>

#define GFP_KERNEL		0x1u
#define GFP_KERNEL_ACCOUNT	0x3u
#define __GFP_NOWARN		0x4u
#define __GFP_ZERO		0x8u

static inline void *kvcalloc(size_t n, size_t size, gfp_t flags)
{
	return calloc(n, size);
}

static inline void *kvmalloc_array(size_t n, size_t size, gfp_t flags)
{
	return malloc(n * size);
}

static inline void *kvzalloc(size_t size, gfp_t flags)
{
	return calloc(1, size);
}

static inline void *kvmalloc(size_t size, gfp_t flags)
{
	return malloc(size);
}

static inline void *kmalloc(size_t size, gfp_t flags)
{
	return flags & __GFP_ZERO ? calloc(1, size) : malloc(size);
}

static inline void *kzalloc(size_t size, gfp_t flags)
{
	return calloc(1, size);
}

static inline void kvfree(const void *p)
{
	free((void *)p);
}

static inline void kfree(const void *p)
{
	free((void *)p);
}

#endif /* _SHIM_LINUX_SLAB_H */
