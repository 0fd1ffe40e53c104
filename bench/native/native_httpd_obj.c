// SPDX-License-Identifier: GPL-2.0
/*
 * The web server's script as httpd.c loads it: libscript's ELF loader
 * (its .rodata placed in this process, the LD_IMM64 that name it
 * patched, its calls fixed up), apart from the rest of the benchmark
 * because libscript.h and the kernel's script.h both define struct
 * script_log.  The object stays open: the program points into it.
 */
#include <stdio.h>

#include "libscript.h"
#include "native_httpd.h"

int httpd_object(const char *path, const struct script_insn **insns,
		 size_t *cnt, char *err, size_t err_size)
{
	struct script_object_opts opts = {
		.sz = sizeof(opts),
		.entry = "httpd_worker",
		.err = err,
		.err_size = err_size,
	};
	struct script_object *obj;
	int ret;

	ret = script_object_open_file(path, &opts, &obj);
	if (ret)
		return ret;
	*insns = script_object_insns(obj, cnt);
	return 0;
}
