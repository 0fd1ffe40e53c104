// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * gen_ops: makes the op headers from script_ops.def.
 *
 *   gen_ops script_ops.h          declarations for scripts written in C
 *                                 and compiled by clang -target bpf
 *   gen_ops script_builder_ops.h  one script_builder_<op>() per op
 *   gen_ops                       only checks the list
 *
 * It checks first that the list matches the uapi enum script_op_id (one
 * entry per id, in id order) and that each op's argument count matches
 * its prototype, and fails with a message on stderr when it does not.
 */
#include <assert.h>
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/script.h>

#define MAX_PARAMS	5
#define MAX_IDENT	64

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

struct op {
	int		id;
	const char	*uname;		/* READ */
	const char	*name;		/* read */
	int		nargs;
	const char	*proto;		/* "(long fd, void *buf, ...)" */
};

static const struct op ops[] = {
#define SCRIPT_OP_DEF(NAME, name, nargs, params)				\
	{ SCRIPT_OP_##NAME, #NAME, #name, nargs, #params },
#include "script_ops.def"
#undef SCRIPT_OP_DEF
};

#define NR_OPS	((int)ARRAY_SIZE(ops))

static_assert(ARRAY_SIZE(ops) == __SCRIPT_OP_MAX - 1,
	      "script_ops.def must list every op of enum script_op_id");

/* One parameter of a prototype: its whole text and its name. */
struct param {
	char	text[128];
	char	name[MAX_IDENT];
};

/* Names the generated builder wrappers use for themselves. */
static const char *const reserved[] = { "builder", "op_args" };

static void trim(char *s)
{
	size_t len = strlen(s), start = 0;

	while (len && isspace((unsigned char)s[len - 1]))
		s[--len] = '\0';
	while (isspace((unsigned char)s[start]))
		start++;
	memmove(s, s + start, len - start + 1);
}

/*
 * Splits @op's prototype into @params: the number of parameters (0 for
 * "(void)"), or -1 with a message on stderr.
 */
static int parse_params(const struct op *op, struct param *params)
{
	const char *p = op->proto, *end;
	int n = 0;

	end = strrchr(p, ')');
	if (*p != '(' || !end || end[1]) {
		fprintf(stderr, "gen_ops: %s: prototype %s is not in parentheses\n",
			op->name, op->proto);
		return -1;
	}
	p++;
	while (p < end) {
		const char *comma = memchr(p, ',', end - p);
		size_t len = (comma ? comma : end) - p;
		struct param *par = &params[n];
		const char *id_end, *id;
		size_t i, id_len;

		if (n == MAX_PARAMS) {
			fprintf(stderr, "gen_ops: %s: more than %d parameters\n",
				op->name, MAX_PARAMS);
			return -1;
		}
		if (len >= sizeof(par->text)) {
			fprintf(stderr, "gen_ops: %s: parameter too long\n",
				op->name);
			return -1;
		}
		memcpy(par->text, p, len);
		par->text[len] = '\0';
		trim(par->text);

		/* The name is the last identifier of the piece. */
		id_end = par->text + strlen(par->text);
		id = id_end;
		while (id > par->text &&
		       (isalnum((unsigned char)id[-1]) || id[-1] == '_'))
			id--;
		id_len = id_end - id;
		if (!id_len || isdigit((unsigned char)*id) ||
		    id_len >= sizeof(par->name)) {
			fprintf(stderr, "gen_ops: %s: parameter \"%s\" has no name\n",
				op->name, par->text);
			return -1;
		}
		memcpy(par->name, id, id_len);
		par->name[id_len] = '\0';

		/* "(void)": no parameters at all. */
		if (!strcmp(par->text, "void")) {
			if (n || comma) {
				fprintf(stderr, "gen_ops: %s: void among parameters\n",
					op->name);
				return -1;
			}
			return 0;
		}
		if (id == par->text) {
			fprintf(stderr, "gen_ops: %s: parameter \"%s\" has no type\n",
				op->name, par->text);
			return -1;
		}
		for (i = 0; i < ARRAY_SIZE(reserved); i++) {
			if (!strcmp(par->name, reserved[i])) {
				fprintf(stderr, "gen_ops: %s: parameter name %s is reserved\n",
					op->name, par->name);
				return -1;
			}
		}
		for (i = 0; i < (size_t)n; i++) {
			if (!strcmp(par->name, params[i].name)) {
				fprintf(stderr, "gen_ops: %s: parameter %s twice\n",
					op->name, par->name);
				return -1;
			}
		}
		n++;
		p += len + (comma ? 1 : 0);
	}
	if (!n) {
		fprintf(stderr, "gen_ops: %s: empty prototype; write (void)\n",
			op->name);
		return -1;
	}
	return n;
}

/* Whether @lower is @upper in lower case. */
static bool is_lower_of(const char *lower, const char *upper)
{
	for (; *lower && *upper; lower++, upper++)
		if (*lower != tolower((unsigned char)*upper))
			return false;
	return !*lower && !*upper;
}

/* Checks the list: 0, or 1 with a message on stderr. */
static int check_ops(struct param (*params)[MAX_PARAMS])
{
	int i, n;

	for (i = 0; i < NR_OPS; i++) {
		const struct op *op = &ops[i];

		if (op->id != i + 1) {
			fprintf(stderr,
				"gen_ops: entry %d is %s, id %d: the list must follow enum script_op_id from 1\n",
				i + 1, op->uname, op->id);
			return 1;
		}
		if (!is_lower_of(op->name, op->uname)) {
			fprintf(stderr, "gen_ops: %s is not the lower case of %s\n",
				op->name, op->uname);
			return 1;
		}
		n = parse_params(op, params[i]);
		if (n < 0)
			return 1;
		if (n != op->nargs) {
			fprintf(stderr,
				"gen_ops: %s: nargs is %d but its prototype has %d parameters\n",
				op->name, op->nargs, n);
			return 1;
		}
	}
	return 0;
}

static void print_banner(const char *file, const char *guard)
{
	/* Not in the format, which checkpatch would take for a misplaced tag */
	printf("/* %s: (LGPL-2.1 OR BSD-2-Clause) */\n", "SPDX-License-Identifier");
	printf("/*\n");
	printf(" * %s: generated by gen_ops from script_ops.def.\n", file);
	printf(" * Do not edit: change script_ops.def and rebuild instead.\n");
	printf(" */\n");
	printf("#ifndef %s\n", guard);
	printf("#define %s\n\n", guard);
}

/* Display width of @s from column @col, tabs to multiples of 8. */
static int width(const char *s, size_t len, int col)
{
	size_t i;

	for (i = 0; i < len; i++)
		col = s[i] == '\t' ? (col + 8) & ~7 : col + 1;
	return col;
}

/*
 * Prints @line, broken after a ", " where it would pass 80 columns; each
 * continuation line starts with @cont.
 */
static void print_wrapped(const char *line, const char *cont)
{
	const char *p = line;
	int col = 0;
	bool first = true;

	while (*p) {
		const char *comma = strstr(p, ", ");
		size_t len = comma ? (size_t)(comma - p) + 1 : strlen(p);

		if (first) {
			col = width(p, len, 0);
		} else if (width(p, len, col + 1) <= 80) {
			putchar(' ');
			col = width(p, len, col + 1);
		} else {
			printf("\n%s", cont);
			col = width(p, len, width(cont, strlen(cont), 0));
		}
		printf("%.*s", (int)len, p);
		first = false;
		p += len + (comma ? 1 : 0);
	}
	putchar('\n');
}

/* Prints @text as a comment after a blank line: one line if it fits. */
static void print_comment(const char *text)
{
	char line[600];

	if (width(text, strlen(text), 0) + 6 <= 80) {
		printf("\n/* %s */\n", text);
		return;
	}
	snprintf(line, sizeof(line), " * %s", text);
	printf("\n/*\n");
	print_wrapped(line, " *\t");
	printf(" */\n");
}

/* The prototype of @op without its parentheses. */
static const char *params_of(const struct op *op, char *buf, size_t size)
{
	snprintf(buf, size, "%.*s", (int)strlen(op->proto) - 2, op->proto + 1);
	return buf;
}

/*
 * script_ops.h: each op is a constant function pointer whose value is its
 * id, so that clang -target bpf emits "call <id>" for a call to it, as for
 * the eBPF helpers in bpf_helper_defs.h.
 */
static void print_script_ops(void)
{
	char line[512], plist[256];
	int i;

	print_banner("script_ops.h", "__SCRIPT_OPS_H");
	printf("/*\n");
	printf(" * The ops of script(2), for programs written in C and compiled\n");
	printf(" * by clang -target bpf: calling script_<op>() emits \"call <id>\".\n");
	printf(" */\n\n");
	printf("#include <linux/script.h>\n");
	for (i = 0; i < NR_OPS; i++) {
		const struct op *op = &ops[i];

		params_of(op, plist, sizeof(plist));
		snprintf(line, sizeof(line),
			 "script_%s(%s): SCRIPT_OP_%s, see <linux/script.h>",
			 op->name, plist, op->uname);
		print_comment(line);
		snprintf(line, sizeof(line), "static long (* const script_%s)(%s) =",
			 op->name, plist);
		print_wrapped(line, "\t");
		printf("\t(void *)(unsigned long)SCRIPT_OP_%s;\n", op->uname);
	}
	printf("\n#endif /* __SCRIPT_OPS_H */\n");
}

/* script_builder_ops.h: a typed wrapper of script_builder_op() per op. */
static void print_builder_ops(struct param (*params)[MAX_PARAMS])
{
	char line[512], plist[256];
	int i, j;

	print_banner("script_builder_ops.h", "__SCRIPT_BUILDER_OPS_H");
	printf("/*\n");
	printf(" * script_builder_<op>(builder, args...) moves its arguments,\n");
	printf(" * registers or immediates, into r1 to r5 and calls the op:\n");
	printf(" * see script_builder_op() in libscript.h.\n");
	printf(" */\n\n");
	printf("#include \"libscript.h\"\n");
	for (i = 0; i < NR_OPS; i++) {
		const struct op *op = &ops[i];
		int n;

		params_of(op, plist, sizeof(plist));
		snprintf(line, sizeof(line), "script_%s(%s): SCRIPT_OP_%s",
			 op->name, plist, op->uname);
		print_comment(line);

		n = snprintf(line, sizeof(line),
			     "static inline int script_builder_%s(struct script_builder *builder",
			     op->name);
		for (j = 0; j < op->nargs; j++)
			n += snprintf(line + n, sizeof(line) - n,
				      ", struct script_arg %s",
				      params[i][j].name);
		snprintf(line + n, sizeof(line) - n, ")");
		print_wrapped(line, "\t\t");
		printf("{\n");
		if (!op->nargs) {
			printf("\treturn script_builder_op(builder, SCRIPT_OP_%s, NULL, 0);\n",
			       op->uname);
			printf("}\n");
			continue;
		}
		n = snprintf(line, sizeof(line), "\tstruct script_arg op_args[] = {");
		for (j = 0; j < op->nargs; j++)
			n += snprintf(line + n, sizeof(line) - n, " %s%s",
				      params[i][j].name,
				      j + 1 < op->nargs ? "," : " };");
		print_wrapped(line, "\t\t");
		printf("\n");
		snprintf(line, sizeof(line),
			 "\treturn script_builder_op(builder, SCRIPT_OP_%s, op_args, %d);",
			 op->uname, op->nargs);
		print_wrapped(line, "\t\t\t\t ");
		printf("}\n");
	}
	printf("\n#endif /* __SCRIPT_BUILDER_OPS_H */\n");
}

int main(int argc, char **argv)
{
	static struct param params[NR_OPS][MAX_PARAMS];

	if (check_ops(params))
		return 1;
	if (argc < 2)
		return 0;
	if (argc == 2 && !strcmp(argv[1], "script_ops.h")) {
		print_script_ops();
	} else if (argc == 2 && !strcmp(argv[1], "script_builder_ops.h")) {
		print_builder_ops(params);
	} else {
		fprintf(stderr, "usage: gen_ops [script_ops.h | script_builder_ops.h]\n");
		return 2;
	}
	if (fflush(stdout) || ferror(stdout)) {
		perror("gen_ops: stdout");
		return 1;
	}
	return 0;
}
