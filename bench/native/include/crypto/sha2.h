/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SHA-256 for a loaded program's tag (fdinfo only): no benchmark times a
 * load, and native_kshim.c's sha256() is a stub that gives a zero digest.
 */
#ifndef _SHIM_CRYPTO_SHA2_H
#define _SHIM_CRYPTO_SHA2_H

#include <linux/types.h>

#define SHA256_DIGEST_SIZE	32

void sha256(const u8 *data, size_t len, u8 *out);

#endif /* _SHIM_CRYPTO_SHA2_H */
