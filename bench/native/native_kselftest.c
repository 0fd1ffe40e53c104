// SPDX-License-Identifier: GPL-2.0
/*
 * A self-test of the shims that inline code of kernel/script uses, built
 * with the kernel's flags into each variant: the user-access window
 * (masked_user_access_begin(), user_access_begin(), unsafe_get_user(),
 * unsafe_put_user(), unsafe_copy_to_user(), user_access_end()), static
 * keys and INDIRECT_CALL_N().  A fault must end at the error label, as
 * the kernel's exception table makes it; what did not fault must read
 * and write what it should.
 *
 * shim_kselftest() returns the number of the first check that failed, or
 * 0; @ok is user memory holding 0x01..0x10, @bad an address whose page
 * faults on any access.
 */

#include <linux/kernel.h>
#include <linux/indirect_call_wrapper.h>
#include <linux/jump_label.h>
#include <linux/uaccess.h>

#include "native_kshim.h"

/* Each returns 0, or -EFAULT when the access went to the error label. */
#define GET_FN(type)							\
static noinline int get_##type(const type __user *p, u64 *val)	\
{									\
	type v;								\
									\
	p = masked_user_access_begin(p);				\
	unsafe_get_user(v, p, efault);					\
	user_access_end();						\
	*val = v;							\
	return 0;							\
efault:									\
	user_access_end();						\
	return -EFAULT;							\
}

#define PUT_FN(type)							\
static noinline int put_##type(type __user *p, u64 val)		\
{									\
	if (!user_access_begin(p, sizeof(*p)))				\
		return -ENXIO;						\
	unsafe_put_user((type)val, p, efault);				\
	user_access_end();						\
	return 0;							\
efault:									\
	user_access_end();						\
	return -EFAULT;							\
}

GET_FN(u8)
GET_FN(u16)
GET_FN(u32)
GET_FN(u64)
PUT_FN(u8)
PUT_FN(u16)
PUT_FN(u32)
PUT_FN(u64)

/* A load and a store in one window: both must land, or the label. */
static noinline int get_put(u64 __user *dst, const u32 __user *src)
{
	u32 v;

	if (!user_access_begin(dst, sizeof(*dst)))
		return -ENXIO;
	unsafe_get_user(v, src, efault);
	unsafe_put_user(v + 1ULL, dst, efault);
	user_access_end();
	return 0;
efault:
	user_access_end();
	return -EFAULT;
}

static noinline int copy_out(void __user *dst, const void *src, size_t len)
{
	if (!user_write_access_begin(dst, len))
		return -ENXIO;
	unsafe_copy_to_user(dst, src, len, efault);
	user_write_access_end();
	return 0;
efault:
	user_write_access_end();
	return -EFAULT;
}

static DEFINE_STATIC_KEY_FALSE(shim_test_key);

static noinline long op_a(long x)
{
	return x + 1;
}

static noinline long op_b(long x)
{
	return x + 2;
}

static noinline long op_c(long x)
{
	return x + 3;
}

static noinline long call_op(long (*fn)(long x), long x)
{
	/* An unknown pointer, as an op table's */
	OPTIMIZER_HIDE_VAR(fn);
	return INDIRECT_CALL_2(fn, op_a, op_b, x);
}

/* Counts a check; keeps the number of the first that failed. */
static void check(int *n, int *failed, bool ok)
{
	++*n;
	if (!ok && !*failed)
		*failed = *n;
}

int shim_kselftest(void __user *ok, void __user *bad)
{
	static const char src[15] = "abcdefghijklmno";
	u8 __user *u = ok;
	int n = 0, failed = 0;
	u64 v = 0;

#define T(cond)	check(&n, &failed, cond)
	/* masked_user_access_begin() + unsafe_get_user(): each size */
	T(!get_u8(u, &v) && v == 0x01);
	T(!get_u16((u16 __user *)(u + 2), &v) && v == 0x0403);
	T(!get_u32((u32 __user *)(u + 4), &v) && v == 0x08070605);
	T(!get_u64((u64 __user *)(u + 8), &v) && v == 0x100f0e0d0c0b0a09ULL);
	/* a faulting page: the label, and the value left alone */
	v = 42;
	T(get_u8(bad, &v) == -EFAULT && v == 42);
	T(get_u16(bad, &v) == -EFAULT && v == 42);
	T(get_u32(bad, &v) == -EFAULT && v == 42);
	T(get_u64(bad, &v) == -EFAULT && v == 42);
	/* a kernel address is clamped to USER_PTR_MAX, which faults */
	T(mask_user_address((void __user *)(1UL << 63)) ==
	  (void __user *)SHIM_USER_PTR_MAX);
	T(mask_user_address(ok) == ok);
	T(get_u64((u64 __user *)(1UL << 63), &v) == -EFAULT);
	T(get_u8((u8 __user *)~0UL, &v) == -EFAULT);

	/* user_access_begin() + unsafe_put_user() */
	T(!put_u8(u + 16, 0xa1) && u[16] == 0xa1);
	T(!put_u16((u16 __user *)(u + 18), 0xb2b1) && u[18] == 0xb1 && u[19] == 0xb2);
	T(!put_u32((u32 __user *)(u + 20), 0xc4c3c2c1) && u[20] == 0xc1 && u[23] == 0xc4);
	T(!put_u64((u64 __user *)(u + 24), 0xd8d7d6d5d4d3d2d1ULL) &&
	  u[24] == 0xd1 && u[31] == 0xd8);
	T(put_u8(bad, 1) == -EFAULT);
	T(put_u64(bad, 1) == -EFAULT);
	/* access_ok() refuses a kernel address before any access */
	T(put_u32((u32 __user *)(1UL << 63), 1) == -ENXIO);
	T(put_u8((u8 __user *)(SHIM_USER_PTR_MAX + 1), 1) == -ENXIO);

	/* a load and a store in one window */
	T(!get_put((u64 __user *)(u + 32), (u32 __user *)(u + 4)) &&
	  *(u64 *)(u + 32) == 0x08070606ULL);
	T(get_put((u64 __user *)(u + 32), bad) == -EFAULT);
	T(get_put(bad, (u32 __user *)(u + 4)) == -EFAULT);

	/* unsafe_copy_to_user(): 8 + 4 + 2 + 1 bytes, then up to a fault */
	T(!copy_out(u + 40, src, sizeof(src)) && !memcmp(u + 40, src, sizeof(src)));
	T(copy_out((u8 __user *)bad - 7, src, sizeof(src)) == -EFAULT);

	/* a static key, off, on and off again */
	T(!static_branch_unlikely(&shim_test_key));
	T(!static_branch_likely(&shim_test_key));
	static_branch_enable(&shim_test_key);
	T(static_branch_unlikely(&shim_test_key));
	static_branch_disable(&shim_test_key);
	T(!static_key_enabled(&shim_test_key));

	/* INDIRECT_CALL_2(): either builtin, or the indirect call */
	T(call_op(op_a, 10) == 11);
	T(call_op(op_b, 10) == 12);
	T(call_op(op_c, 10) == 13);
#undef T
	return failed;
}
