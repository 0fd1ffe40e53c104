// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The ops this library knows, from script_ops.def: names, ids and
 * argument counts for the builder, the disassembler and the assembler.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "libscript_internal.h"

static const struct script_op_desc script_ops[] = {
#define SCRIPT_OP_DEF(UNAME, LNAME, NARGS, PARAMS)				\
	[SCRIPT_OP_##UNAME] = {						\
		.id	= SCRIPT_OP_##UNAME,				\
		.name	= #LNAME,					\
		.uname	= #UNAME,					\
		.nargs	= NARGS,					\
		.params	= #PARAMS,					\
	},
#include "script_ops.def"
#undef SCRIPT_OP_DEF
};

/* One entry per op id but SCRIPT_OP_UNSPEC, as gen_ops checks too. */
enum {
#define SCRIPT_OP_DEF(UNAME, ...)	SCRIPT_OPS_DEF_##UNAME,
#include "script_ops.def"
#undef SCRIPT_OP_DEF
	SCRIPT_OPS_DEF_COUNT
};

static_assert(SCRIPT_OPS_DEF_COUNT + 1 == __SCRIPT_OP_MAX,
	      "script_ops.def must list every op of enum script_op_id");
static_assert(ARRAY_SIZE(script_ops) == __SCRIPT_OP_MAX,
	      "script_ops.def names an op <linux/script.h> does not have");

const struct script_op_desc *script_op_desc(int id)
{
	if (id <= SCRIPT_OP_UNSPEC || id >= (int)ARRAY_SIZE(script_ops) ||
	    !script_ops[id].name)
		return NULL;
	return &script_ops[id];
}

/**
 * script_op_name() - the name of an op
 * @id: SCRIPT_OP_* value
 *
 * Return: the op's lower case name ("read", "move_bg"), or NULL for an
 * id this library does not know.
 */
const char *script_op_name(int id)
{
	const struct script_op_desc *op = script_op_desc(id);

	return op ? op->name : NULL;
}

/**
 * script_op_id() - the id of an op named by its name
 * @name: lower case name, as script_op_name() gives it
 *
 * Return: the SCRIPT_OP_* value, or -ENOENT for a name this library does
 * not know.
 */
int script_op_id(const char *name)
{
	size_t id;

	if (!name)
		return -ENOENT;
	for (id = SCRIPT_OP_UNSPEC + 1; id < ARRAY_SIZE(script_ops); id++)
		if (script_ops[id].name && !strcmp(script_ops[id].name, name))
			return (int)id;
	return -ENOENT;
}

/**
 * script_op_nargs() - how many arguments an op takes
 * @id: SCRIPT_OP_* value
 *
 * Return: the number of r1 to r5 the op reads, 0 to 5, or -ENOENT for an
 * id this library does not know.
 */
int script_op_nargs(int id)
{
	const struct script_op_desc *op = script_op_desc(id);

	return op ? op->nargs : -ENOENT;
}
