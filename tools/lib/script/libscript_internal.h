/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* libscript internals shared between its files; not installed. */
#ifndef __LIBSCRIPT_INTERNAL_H
#define __LIBSCRIPT_INTERNAL_H

#include "libscript.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/**
 * struct script_op_desc - an op as script_ops.def lists it
 * @id: SCRIPT_OP_* value
 * @name: lower case name: "read", "move_bg"
 * @uname: the suffix of its SCRIPT_OP_ id: "READ", "MOVE_BG"
 * @nargs: how many of r1 to r5 it takes
 * @params: its C prototype, in parentheses: "(long fd, void *buf, ...)"
 */
struct script_op_desc {
	int		id;
	const char	*name;
	const char	*uname;
	int		nargs;
	const char	*params;
};

/* The op @id as this library knows it, or NULL (0 and unknown ids). */
const struct script_op_desc *script_op_desc(int id);

/*
 * Reads the text of a program's fdinfo into all of @info but @info->sz:
 * 0, -EINVAL for text that is no program's, -EPROTO for a value it
 * cannot read.  script_prog_get_info() without the file, for the tests.
 */
int script_parse_fdinfo(const char *text, struct script_prog_info *info);

#endif /* __LIBSCRIPT_INTERNAL_H */
