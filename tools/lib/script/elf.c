// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libscript: ELF relocatable objects from "clang -target bpf".
 *
 * The object is read with <elf.h> alone (no libelf), as untrusted input:
 * every offset, size, index and string is checked against the buffer
 * before it is used, in arithmetic that cannot overflow.
 *
 * What is taken:
 *
 *  - Code: every SHF_EXECINSTR section (.text, and sections named with
 *    SEC() or __attribute__((section))), cut into its STT_FUNC symbols.
 *    The entry is the function opts->entry names (global or static, in
 *    any code section), or else the object's only global function.  The
 *    program is the entry, placed first, followed by every function it
 *    reaches through subprogram calls, in section and offset order;
 *    functions it does not reach are left out, and not checked.
 *    Subprogram calls come either resolved by the assembler (a call with
 *    src_reg 1 and a distance, within one section: static functions), or
 *    with an R_BPF_64_32 relocation against a function symbol (global
 *    functions; imm -1) or a section symbol (static functions of another
 *    section): the callee is then instruction sym.st_value / 8 + imm + 1
 *    of the symbol's section, as libbpf computes it.  Every call's
 *    distance is recomputed once the functions are laid out; plain jumps
 *    must stay within their function, so they need no change.
 *
 *  - Data: sections named .rodata, .rodata.*, .data.rel.ro* (read-only)
 *    and .data, .data.*, .bss, .bss.* (read-write) are copied into two
 *    anonymous mappings of this process, each section at its sh_addralign
 *    (up to a page).  The read-only mapping is made PROT_READ once
 *    relocated.  Other allocated sections (license, .kconfig, ...) are
 *    not loaded: a relocation against them is an error.  A section named
 *    .maps, maps or maps/... is an error: script(2) has no maps.
 *
 *  - Relocations (SHT_REL; the addend is in place): R_BPF_64_64 on an
 *    LD_IMM64 in code becomes the symbol's address (section base +
 *    st_value + the instruction's imm) in the two imm fields, with
 *    src_reg 0; R_BPF_64_ABS64 and R_BPF_64_ABS32 in data sections
 *    (pointers in initialised data) become absolute addresses;
 *    R_BPF_NONE is ignored.  The relocations of sections not taken
 *    (.BTF, .BTF.ext and their R_BPF_64_NODYLD32, DWARF) are ignored
 *    whole.
 *
 * The instructions of the program are checked for what script(2)'s
 * verifier refuses and is cheap to see here (atomics, packet access,
 * calls through pointers or to kfuncs, LD_IMM64 with a src_reg, jumps out
 * of their function, functions that run off their end), for a message
 * that names the place in the object; the kernel's verifier remains the
 * authority.
 *
 * Errors: -EINVAL for a malformed object (and, with no entry named, for
 * an object without exactly one global function), -ENOTSUP for a
 * well-formed one using what script(2) or this loader does not have
 * (maps, atomics, calls through pointers, extern symbols, RELA), -ENOENT
 * for a named entry that does not exist, -E2BIG for a program or data
 * beyond the limits, -ENOMEM.  The message names the section and the
 * byte offset in it, as llvm-objdump shows it:
 * "section .text offset 0x30: instruction 0xdb (atomic) is not supported".
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/elf.h>

#include "libscript_internal.h"

#ifndef EM_BPF
#define EM_BPF			247
#endif
#ifndef R_BPF_NONE
#define R_BPF_NONE		0
#endif
#ifndef R_BPF_64_64
#define R_BPF_64_64		1
#endif
#ifndef R_BPF_64_ABS64
#define R_BPF_64_ABS64		2
#endif
#ifndef R_BPF_64_ABS32
#define R_BPF_64_ABS32		3
#endif
#ifndef R_BPF_64_NODYLD32
#define R_BPF_64_NODYLD32	4
#endif
#ifndef R_BPF_64_32
#define R_BPF_64_32		10
#endif

#define INSN_SZ		sizeof(struct script_insn)
#define LD_IMM64	(SCRIPT_LD | SCRIPT_IMM | SCRIPT_DW)
#define SCRIPT_ATOMIC	0xc0	/* BPF_ATOMIC mode, which script(2) lacks */

/* The largest object file, and the most data, an object may have. */
#define OBJ_FILE_MAX	((size_t)1 << 30)
#define OBJ_DATA_MAX	((size_t)1 << 30)

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define HOST_ELFDATA	ELFDATA2LSB
#else
#define HOST_ELFDATA	ELFDATA2MSB
#endif

enum sec_kind {
	SEC_OTHER,	/* not taken */
	SEC_CODE,	/* instructions */
	SEC_RODATA,	/* read-only data */
	SEC_DATA,	/* read-write data */
};

/**
 * struct elf_sec - what the loader knows of one section
 * @name: its name, in the object's section name table
 * @kind: SEC_*
 * @off: data: its offset in its mapping
 * @base: data: its address in this process
 * @relmap: code: for each instruction, 1 + the index of its relocation in
 *	elf_ctx.rels, or 0
 */
struct elf_sec {
	const char	*name;
	enum sec_kind	kind;
	size_t		off;
	unsigned char	*base;
	__u32		*relmap;
};

/**
 * struct elf_rel - a relocation of a code section
 * @sec: the section it patches
 * @off: byte offset of the instruction it patches
 * @sym: symbol index
 * @type: R_BPF_*
 */
struct elf_rel {
	size_t	sec;
	__u64	off;
	__u32	sym;
	__u32	type;
};

/**
 * struct elf_func - one function of a code section
 * @name: its symbol's name
 * @sec: its section
 * @start: index of its first instruction in the section
 * @end: index after its last instruction
 * @global: its symbol is STB_GLOBAL or STB_WEAK
 * @pos: index of its first instruction in the program, or -1 while it is
 *	not part of it
 */
struct elf_func {
	const char	*name;
	size_t		sec;
	size_t		start;
	size_t		end;
	bool		global;
	long		pos;
};

/**
 * struct elf_var - a variable of the object, for script_object_symbol()
 * @name: its name
 * @addr: its address in this process
 * @size: its size in bytes
 * @global: its symbol is not STB_LOCAL
 * @sym: its symbol's index
 */
struct elf_var {
	const char	*name;
	void		*addr;
	size_t		size;
	bool		global;
	size_t		sym;
};

struct script_object {
	struct script_insn	*insns;
	size_t			insn_cnt;
	void			*ro;
	size_t			ro_len;
	void			*rw;
	size_t			rw_len;
	struct elf_var	*vars;
	size_t			nvars;
	char			*names;
};

/* The state of one script_object_open_mem(). */
struct elf_ctx {
	const unsigned char	*buf;
	size_t			size;
	char			*err;
	size_t			err_size;
	bool			err_set;
	long			page;

	struct elf64_shdr	*sh;
	struct elf_sec		*secs;
	size_t			shnum;
	const char		*shstr;
	size_t			shstr_size;

	struct elf64_sym	*syms;
	size_t			nsyms;
	size_t			symtab;
	const char		*str;
	size_t			str_size;

	struct elf_rel		*rels;
	size_t			nrels;
	struct elf_func		*funcs;
	size_t			nfuncs;
	size_t			*order;		/* functions in program order */
	size_t			norder;

	struct script_object	*obj;
};

__attribute__((format(printf, 3, 4)))
static int elf_err(struct elf_ctx *c, int err, const char *fmt, ...)
{
	va_list ap;

	if (c->err_set || !c->err || !c->err_size)
		return err;
	va_start(ap, fmt);
	vsnprintf(c->err, c->err_size, fmt, ap);
	va_end(ap);
	c->err_set = true;
	return err;
}

static int elf_nomem(struct elf_ctx *c)
{
	return elf_err(c, -ENOMEM, "out of memory");
}

/* [@off, @off + @len) lies within @size bytes. */
static bool range_ok(__u64 off, __u64 len, __u64 size)
{
	return off <= size && len <= size - off;
}

/* The NUL-terminated string at @off of a @size-byte table, or NULL. */
static const char *str_at(const char *tab, size_t size, __u64 off)
{
	if (!tab || off >= size || !memchr(tab + off, '\0', size - off))
		return NULL;
	return tab + off;
}

static const char *sec_name(const struct elf_ctx *c, size_t i)
{
	return i < c->shnum && c->secs[i].name ? c->secs[i].name : "?";
}

/* A name for symbol @si in messages: its own, its section's, or "#N". */
static const char *sym_name(const struct elf_ctx *c, __u32 si, char *tmp,
			    size_t tmp_size)
{
	const struct elf64_sym *s = &c->syms[si];
	const char *name = str_at(c->str, c->str_size, s->st_name);

	if (ELF64_ST_TYPE(s->st_info) == STT_SECTION && s->st_shndx < c->shnum)
		return sec_name(c, s->st_shndx);
	if (name && *name)
		return name;
	snprintf(tmp, tmp_size, "#%u", si);
	return tmp;
}

static const char *rel_name(__u32 type, char *tmp, size_t tmp_size)
{
	switch (type) {
	case R_BPF_NONE:	return "R_BPF_NONE";
	case R_BPF_64_64:	return "R_BPF_64_64";
	case R_BPF_64_ABS64:	return "R_BPF_64_ABS64";
	case R_BPF_64_ABS32:	return "R_BPF_64_ABS32";
	case R_BPF_64_NODYLD32:	return "R_BPF_64_NODYLD32";
	case R_BPF_64_32:	return "R_BPF_64_32";
	}
	snprintf(tmp, tmp_size, "type %u", type);
	return tmp;
}

/* True when section name @name is @prefix or starts with "@prefix.". */
static bool sec_is(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);

	return !strncmp(name, prefix, n) && (!name[n] || name[n] == '.');
}

/**
 * read_header() - check the ELF header and copy the section headers
 * @c: the loader's state
 *
 * Return: 0, or -EINVAL with a message.
 */
static int read_header(struct elf_ctx *c)
{
	struct elf64_hdr eh;
	size_t i;

	if (c->size < sizeof(eh))
		return elf_err(c, -EINVAL,
			       "ELF header: file of %zu bytes is truncated",
			       c->size);
	memcpy(&eh, c->buf, sizeof(eh));
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG))
		return elf_err(c, -EINVAL, "ELF header: not an ELF file");
	if (eh.e_ident[EI_CLASS] != ELFCLASS64)
		return elf_err(c, -EINVAL, "ELF header: not a 64-bit object");
	if (eh.e_ident[EI_DATA] != HOST_ELFDATA)
		return elf_err(c, -EINVAL,
			       "ELF header: byte order is not this host's");
	if (eh.e_ident[EI_VERSION] != EV_CURRENT || eh.e_version != EV_CURRENT)
		return elf_err(c, -EINVAL, "ELF header: unknown ELF version");
	if (eh.e_machine != EM_BPF)
		return elf_err(c, -EINVAL,
			       "ELF header: machine %u is not BPF (%u)",
			       eh.e_machine, EM_BPF);
	if (eh.e_type != ET_REL)
		return elf_err(c, -EINVAL,
			       "ELF header: type %u is not a relocatable object",
			       eh.e_type);
	if (eh.e_shentsize != sizeof(struct elf64_shdr))
		return elf_err(c, -EINVAL,
			       "ELF header: section header size %u is not %zu",
			       eh.e_shentsize, sizeof(struct elf64_shdr));
	/* Extended numbering (e_shnum 0) is for 65280 sections and more. */
	if (!eh.e_shnum || eh.e_shnum >= SHN_LORESERVE)
		return elf_err(c, -EINVAL, "ELF header: %u sections",
			       eh.e_shnum);
	if (!range_ok(eh.e_shoff, (__u64)eh.e_shnum * sizeof(struct elf64_shdr),
		      c->size))
		return elf_err(c, -EINVAL,
			       "ELF header: section headers at 0x%llx lie beyond the file",
			       (unsigned long long)eh.e_shoff);
	if (eh.e_shstrndx == SHN_UNDEF || eh.e_shstrndx >= eh.e_shnum)
		return elf_err(c, -EINVAL,
			       "ELF header: section name table %u does not exist",
			       eh.e_shstrndx);

	c->shnum = eh.e_shnum;
	c->sh = calloc(c->shnum, sizeof(*c->sh));
	c->secs = calloc(c->shnum, sizeof(*c->secs));
	if (!c->sh || !c->secs)
		return elf_nomem(c);
	memcpy(c->sh, c->buf + eh.e_shoff, c->shnum * sizeof(*c->sh));

	for (i = 0; i < c->shnum; i++) {
		const struct elf64_shdr *sh = &c->sh[i];

		if (sh->sh_type == SHT_NULL || sh->sh_type == SHT_NOBITS)
			continue;
		if (!range_ok(sh->sh_offset, sh->sh_size, c->size))
			return elf_err(c, -EINVAL,
				       "section %zu: offset 0x%llx size 0x%llx lie beyond the file",
				       i, (unsigned long long)sh->sh_offset,
				       (unsigned long long)sh->sh_size);
	}

	if (c->sh[eh.e_shstrndx].sh_type != SHT_STRTAB)
		return elf_err(c, -EINVAL,
			       "ELF header: section %u is not a string table",
			       eh.e_shstrndx);
	c->shstr = (const char *)c->buf + c->sh[eh.e_shstrndx].sh_offset;
	c->shstr_size = c->sh[eh.e_shstrndx].sh_size;

	for (i = 1; i < c->shnum; i++) {
		c->secs[i].name = str_at(c->shstr, c->shstr_size,
					 c->sh[i].sh_name);
		if (!c->secs[i].name)
			return elf_err(c, -EINVAL,
				       "section %zu: name offset 0x%x is out of range",
				       i, c->sh[i].sh_name);
	}
	return 0;
}

/**
 * read_symtab() - find and copy the symbol table
 * @c: the loader's state
 *
 * Return: 0, or -EINVAL with a message.
 */
static int read_symtab(struct elf_ctx *c)
{
	const struct elf64_shdr *sh, *strsh;
	size_t i;

	for (i = 1; i < c->shnum; i++) {
		if (c->sh[i].sh_type != SHT_SYMTAB)
			continue;
		if (c->symtab)
			return elf_err(c, -EINVAL,
				       "section %s: a second symbol table",
				       sec_name(c, i));
		c->symtab = i;
	}
	if (!c->symtab)
		return elf_err(c, -EINVAL, "the object has no symbol table");

	sh = &c->sh[c->symtab];
	if (sh->sh_entsize != sizeof(struct elf64_sym) ||
	    sh->sh_size % sizeof(struct elf64_sym))
		return elf_err(c, -EINVAL,
			       "section %s: entry size %llu, size %llu do not make %zu-byte symbols",
			       sec_name(c, c->symtab),
			       (unsigned long long)sh->sh_entsize,
			       (unsigned long long)sh->sh_size,
			       sizeof(struct elf64_sym));
	if (!sh->sh_link || sh->sh_link >= c->shnum ||
	    c->sh[sh->sh_link].sh_type != SHT_STRTAB)
		return elf_err(c, -EINVAL,
			       "section %s: string table %u is not one",
			       sec_name(c, c->symtab), sh->sh_link);
	strsh = &c->sh[sh->sh_link];
	c->str = (const char *)c->buf + strsh->sh_offset;
	c->str_size = strsh->sh_size;

	c->nsyms = sh->sh_size / sizeof(struct elf64_sym);
	if (!c->nsyms)
		return elf_err(c, -EINVAL, "section %s: no symbols",
			       sec_name(c, c->symtab));
	c->syms = calloc(c->nsyms, sizeof(*c->syms));
	if (!c->syms)
		return elf_nomem(c);
	memcpy(c->syms, c->buf + sh->sh_offset, c->nsyms * sizeof(*c->syms));

	for (i = 1; i < c->nsyms; i++)
		if (!str_at(c->str, c->str_size, c->syms[i].st_name))
			return elf_err(c, -EINVAL,
				       "section %s: symbol %zu: name offset 0x%x is out of range",
				       sec_name(c, c->symtab), i,
				       c->syms[i].st_name);
	return 0;
}

/**
 * classify() - decide what each section is
 * @c: the loader's state
 *
 * Return: 0, -ENOTSUP for maps, -EINVAL with a message.
 */
static int classify(struct elf_ctx *c)
{
	size_t i;

	for (i = 1; i < c->shnum; i++) {
		const struct elf64_shdr *sh = &c->sh[i];
		struct elf_sec *s = &c->secs[i];
		__u64 align = sh->sh_addralign ? sh->sh_addralign : 1;

		if (sec_is(s->name, ".maps") || sec_is(s->name, "maps") ||
		    !strncmp(s->name, "maps/", 5))
			return elf_err(c, -ENOTSUP,
				       "section %s: maps are not supported",
				       s->name);

		if (sh->sh_flags & SHF_EXECINSTR) {
			if (sh->sh_type != SHT_PROGBITS || !sh->sh_size)
				continue;
			if (sh->sh_size % INSN_SZ)
				return elf_err(c, -EINVAL,
					       "section %s: size 0x%llx is not a multiple of %zu",
					       s->name,
					       (unsigned long long)sh->sh_size,
					       INSN_SZ);
			s->kind = SEC_CODE;
			continue;
		}

		if (sec_is(s->name, ".rodata") || sec_is(s->name, ".data.rel.ro"))
			s->kind = SEC_RODATA;
		else if (sec_is(s->name, ".data") || sec_is(s->name, ".bss"))
			s->kind = SEC_DATA;
		else
			continue;

		if (sh->sh_type != SHT_PROGBITS && sh->sh_type != SHT_NOBITS)
			return elf_err(c, -EINVAL,
				       "section %s: type %u is not PROGBITS or NOBITS",
				       s->name, sh->sh_type);
		if (align & (align - 1))
			return elf_err(c, -EINVAL,
				       "section %s: alignment %llu is not a power of 2",
				       s->name, (unsigned long long)align);
		if (align > (__u64)c->page)
			return elf_err(c, -ENOTSUP,
				       "section %s: alignment %llu is larger than a page",
				       s->name, (unsigned long long)align);
		if (sh->sh_size > OBJ_DATA_MAX)
			return elf_err(c, -E2BIG,
				       "section %s: size 0x%llx is too large",
				       s->name,
				       (unsigned long long)sh->sh_size);
	}
	return 0;
}

static int func_cmp(const void *a, const void *b)
{
	const struct elf_func *x = a, *y = b;

	if (x->sec != y->sec)
		return x->sec < y->sec ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	/* Aliases: the global one first, so that it is the one kept. */
	return (int)y->global - (int)x->global;
}

/**
 * read_funcs() - collect the functions of the code sections
 * @c: the loader's state
 *
 * Aliases of one function (symbols with the same start) are kept once;
 * functions that overlap otherwise are an error.
 *
 * Return: 0, or -EINVAL with a message.
 */
static int read_funcs(struct elf_ctx *c)
{
	size_t i, n = 0;

	c->funcs = calloc(c->nsyms, sizeof(*c->funcs));
	if (!c->funcs)
		return elf_nomem(c);

	for (i = 1; i < c->nsyms; i++) {
		const struct elf64_sym *s = &c->syms[i];
		unsigned char bind = ELF64_ST_BIND(s->st_info);
		const char *name = c->str + s->st_name;
		__u64 secsize;

		if (ELF64_ST_TYPE(s->st_info) != STT_FUNC ||
		    s->st_shndx >= c->shnum ||
		    c->secs[s->st_shndx].kind != SEC_CODE)
			continue;
		secsize = c->sh[s->st_shndx].sh_size;
		if (s->st_value % INSN_SZ || s->st_size % INSN_SZ ||
		    !s->st_size || !range_ok(s->st_value, s->st_size, secsize))
			return elf_err(c, -EINVAL,
				       "section %s offset 0x%llx: function '%s' of size 0x%llx is not made of whole instructions in the section",
				       sec_name(c, s->st_shndx),
				       (unsigned long long)s->st_value, name,
				       (unsigned long long)s->st_size);
		c->funcs[n].name = name;
		c->funcs[n].sec = s->st_shndx;
		c->funcs[n].start = s->st_value / INSN_SZ;
		c->funcs[n].end = (s->st_value + s->st_size) / INSN_SZ;
		c->funcs[n].global = bind == STB_GLOBAL || bind == STB_WEAK;
		c->funcs[n].pos = -1;
		n++;
	}
	if (!n)
		return elf_err(c, -EINVAL, "the object has no functions");

	qsort(c->funcs, n, sizeof(*c->funcs), func_cmp);
	c->nfuncs = 1;
	for (i = 1; i < n; i++) {
		struct elf_func *prev = &c->funcs[c->nfuncs - 1];
		struct elf_func *f = &c->funcs[i];

		if (f->sec == prev->sec && f->start < prev->end) {
			if (f->start == prev->start && f->end == prev->end)
				continue;	/* an alias */
			return elf_err(c, -EINVAL,
				       "section %s offset 0x%zx: function '%s' overlaps '%s'",
				       sec_name(c, f->sec), f->start * INSN_SZ,
				       f->name, prev->name);
		}
		c->funcs[c->nfuncs++] = *f;
	}

	return 0;
}

/* The function of section @sec that starts at instruction @idx, or NULL. */
static struct elf_func *func_at(struct elf_ctx *c, size_t sec, __s64 idx)
{
	size_t lo = 0, hi = c->nfuncs;

	if (idx < 0)
		return NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct elf_func *f = &c->funcs[mid];

		if (f->sec < sec || (f->sec == sec && f->start < (__u64)idx))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < c->nfuncs && c->funcs[lo].sec == sec &&
	    c->funcs[lo].start == (__u64)idx)
		return &c->funcs[lo];
	return NULL;
}

/**
 * data_sym() - check that a relocation names a placed variable
 * @c: the loader's state
 * @sec: the section the relocation patches
 * @off: the offset it patches
 * @type: its type
 * @si: its symbol
 *
 * Return: 0 when symbol @si is in a data section, within it; -ENOTSUP or
 * -EINVAL with a message otherwise.
 */
static int data_sym(struct elf_ctx *c, size_t sec, __u64 off, __u32 type,
		    __u32 si)
{
	const struct elf64_sym *s = &c->syms[si];
	char tmp[16], stmp[16];
	const char *rn = rel_name(type, tmp, sizeof(tmp));
	const char *sn = sym_name(c, si, stmp, sizeof(stmp));
	const char *secn = sec_name(c, sec);
	unsigned long long o = off;

	if (s->st_shndx == SHN_UNDEF)
		return elf_err(c, -ENOTSUP,
			       "section %s offset 0x%llx: relocation %s against undefined symbol '%s'",
			       secn, o, rn, sn);
	if (s->st_shndx >= c->shnum)
		return elf_err(c, -ENOTSUP,
			       "section %s offset 0x%llx: relocation %s against symbol '%s' of special section 0x%x",
			       secn, o, rn, sn,
			       s->st_shndx);
	switch (c->secs[s->st_shndx].kind) {
	case SEC_CODE:
		return elf_err(c, -ENOTSUP,
			       "section %s offset 0x%llx: relocation %s against '%s' in %s: addresses of functions are not supported",
			       secn, o, rn, sn,
			       sec_name(c, s->st_shndx));
	case SEC_OTHER:
		return elf_err(c, -ENOTSUP,
			       "section %s offset 0x%llx: relocation %s against '%s' in section %s, which is not loaded",
			       secn, o, rn, sn,
			       sec_name(c, s->st_shndx));
	default:
		break;
	}
	if (s->st_value > c->sh[s->st_shndx].sh_size)
		return elf_err(c, -EINVAL,
			       "section %s offset 0x%llx: relocation %s against '%s' at 0x%llx, beyond section %s",
			       secn, o, rn, sn,
			       (unsigned long long)s->st_value,
			       sec_name(c, s->st_shndx));
	return 0;
}

/* The address of symbol @si, which data_sym() accepted. */
static __u64 sym_addr(const struct elf_ctx *c, __u32 si)
{
	const struct elf64_sym *s = &c->syms[si];

	return (__u64)(uintptr_t)c->secs[s->st_shndx].base + s->st_value;
}

/**
 * check_data_rel() - check a relocation of a data section
 * @c: the loader's state
 * @sec: the data section
 * @r: the relocation, not R_BPF_NONE, with a valid symbol index
 *
 * Return: 0 when reloc_data() can apply it, or -EINVAL / -ENOTSUP with a
 * message.
 */
static int check_data_rel(struct elf_ctx *c, size_t sec, const struct elf64_rel *r)
{
	__u32 type = ELF64_R_TYPE(r->r_info);
	unsigned long long o = r->r_offset;
	char tmp[16];

	if (type != R_BPF_64_ABS64 && type != R_BPF_64_ABS32)
		return elf_err(c, -ENOTSUP,
			       "section %s offset 0x%llx: relocation %s is not supported in data",
			       sec_name(c, sec), o,
			       rel_name(type, tmp, sizeof(tmp)));
	if (c->sh[sec].sh_type != SHT_PROGBITS ||
	    !range_ok(r->r_offset, type == R_BPF_64_ABS64 ? 8 : 4,
		      c->sh[sec].sh_size))
		return elf_err(c, -EINVAL,
			       "section %s offset 0x%llx: relocation %s lies beyond the section's contents",
			       sec_name(c, sec), o,
			       rel_name(type, tmp, sizeof(tmp)));
	return data_sym(c, sec, r->r_offset, type, ELF64_R_SYM(r->r_info));
}

/**
 * read_rel() - check one relocation and note it when it patches code
 * @c: the loader's state
 * @tgt: the section it patches, code or data
 * @r: the relocation
 *
 * Return: 0, or -EINVAL / -ENOTSUP with a message.
 */
static int read_rel(struct elf_ctx *c, size_t tgt, const struct elf64_rel *r)
{
	struct elf_sec *ts = &c->secs[tgt];
	__u32 type = ELF64_R_TYPE(r->r_info), si = ELF64_R_SYM(r->r_info);
	unsigned long long off = r->r_offset;
	char tmp[16];

	if (type == R_BPF_NONE)
		return 0;
	if (!si || si >= c->nsyms)
		return elf_err(c, -EINVAL,
			       "section %s offset 0x%llx: relocation %s against symbol index %u, out of range",
			       ts->name, off, rel_name(type, tmp, sizeof(tmp)),
			       si);
	if (ts->kind != SEC_CODE)
		return check_data_rel(c, tgt, r);
	if (off % INSN_SZ || off >= c->sh[tgt].sh_size)
		return elf_err(c, -EINVAL,
			       "section %s offset 0x%llx: relocation %s is not on an instruction",
			       ts->name, off, rel_name(type, tmp, sizeof(tmp)));
	if (ts->relmap[off / INSN_SZ])
		return elf_err(c, -EINVAL,
			       "section %s offset 0x%llx: two relocations of one instruction",
			       ts->name, off);
	c->rels[c->nrels].sec = tgt;
	c->rels[c->nrels].off = off;
	c->rels[c->nrels].sym = si;
	c->rels[c->nrels].type = type;
	ts->relmap[off / INSN_SZ] = ++c->nrels;
	return 0;
}

/**
 * read_rels() - check the relocations of the sections taken
 * @c: the loader's state
 *
 * Relocation sections of sections that are not taken are ignored; those
 * of code sections are noted for scan_func() and emit(), those of data
 * sections applied by reloc_data().
 *
 * Return: 0, -ENOTSUP for RELA, or -EINVAL with a message.
 */
static int read_rels(struct elf_ctx *c)
{
	size_t i, j, total = 0;
	int err;

	for (i = 1; i < c->shnum; i++) {
		const struct elf64_shdr *sh = &c->sh[i];
		enum sec_kind kind;

		if (sh->sh_type != SHT_REL && sh->sh_type != SHT_RELA)
			continue;
		if (sh->sh_info >= c->shnum)
			return elf_err(c, -EINVAL,
				       "section %s: relocates section %u, which does not exist",
				       sec_name(c, i), sh->sh_info);
		kind = c->secs[sh->sh_info].kind;
		if (kind == SEC_OTHER)
			continue;
		if (sh->sh_type == SHT_RELA)
			return elf_err(c, -ENOTSUP,
				       "section %s: RELA relocations are not supported",
				       sec_name(c, i));
		if (sh->sh_link != c->symtab)
			return elf_err(c, -EINVAL,
				       "section %s: symbol table %u is not %zu",
				       sec_name(c, i), sh->sh_link, c->symtab);
		if (sh->sh_entsize != sizeof(struct elf64_rel) ||
		    sh->sh_size % sizeof(struct elf64_rel))
			return elf_err(c, -EINVAL,
				       "section %s: entry size %llu, size %llu do not make %zu-byte relocations",
				       sec_name(c, i),
				       (unsigned long long)sh->sh_entsize,
				       (unsigned long long)sh->sh_size,
				       sizeof(struct elf64_rel));
		if (kind != SEC_CODE)
			continue;
		total += sh->sh_size / sizeof(struct elf64_rel);
		if (!c->secs[sh->sh_info].relmap) {
			c->secs[sh->sh_info].relmap =
				calloc(c->sh[sh->sh_info].sh_size / INSN_SZ,
				       sizeof(__u32));
			if (!c->secs[sh->sh_info].relmap)
				return elf_nomem(c);
		}
	}

	c->rels = calloc(total ? total : 1, sizeof(*c->rels));
	if (!c->rels)
		return elf_nomem(c);

	for (i = 1; i < c->shnum; i++) {
		const struct elf64_shdr *sh = &c->sh[i];

		if (sh->sh_type != SHT_REL || sh->sh_info >= c->shnum ||
		    c->secs[sh->sh_info].kind == SEC_OTHER)
			continue;
		for (j = 0; j < sh->sh_size / sizeof(struct elf64_rel); j++) {
			struct elf64_rel r;

			memcpy(&r, c->buf + sh->sh_offset + j * sizeof(r),
			       sizeof(r));
			err = read_rel(c, sh->sh_info, &r);
			if (err)
				return err;
		}
	}
	return 0;
}

/**
 * find_entry() - the function the program starts at
 * @c: the loader's state
 * @entry: its name, or NULL for the only global function
 * @fp: the function
 *
 * Return: 0, -ENOENT for a name no function has, or -EINVAL.
 */
static int find_entry(struct elf_ctx *c, const char *entry,
		      struct elf_func **fp)
{
	struct elf_func *found = NULL;
	size_t i, n = 0;

	if (entry) {
		/* By symbol: an alias's name names the function it is. */
		for (i = 1; i < c->nsyms; i++) {
			const struct elf64_sym *s = &c->syms[i];
			struct elf_func *f;

			if (ELF64_ST_TYPE(s->st_info) != STT_FUNC ||
			    strcmp(c->str + s->st_name, entry) ||
			    s->st_shndx >= c->shnum)
				continue;
			f = func_at(c, s->st_shndx, s->st_value / INSN_SZ);
			if (f && (!found ||
				  ELF64_ST_BIND(s->st_info) != STB_LOCAL))
				found = f;
		}
		if (!found)
			return elf_err(c, -ENOENT,
				       "entry: the object has no function '%s'",
				       entry);
		*fp = found;
		return 0;
	}

	for (i = 0; i < c->nfuncs; i++) {
		if (!c->funcs[i].global)
			continue;
		if (!found)
			found = &c->funcs[i];
		n++;
	}
	if (n != 1)
		return elf_err(c, -EINVAL,
			       "entry: the object has %zu global functions; name the entry in opts->entry",
			       n);
	*fp = found;
	return 0;
}

/* The instruction at index @idx of code section @sec. */
static struct script_insn insn_at(const struct elf_ctx *c, size_t sec,
				  size_t idx)
{
	struct script_insn insn;

	memcpy(&insn, c->buf + c->sh[sec].sh_offset + idx * INSN_SZ,
	       sizeof(insn));
	return insn;
}

/* The relocation of instruction @idx of code section @sec, or NULL. */
static const struct elf_rel *rel_at(const struct elf_ctx *c, size_t sec,
				    size_t idx)
{
	const __u32 *map = c->secs[sec].relmap;

	return map && map[idx] ? &c->rels[map[idx] - 1] : NULL;
}

/**
 * call_target() - the function a subprogram call calls
 * @c: the loader's state
 * @f: the function the call is in
 * @idx: the call's index in its section
 * @insn: the call
 * @tp: the callee
 *
 * Return: 0, or -EINVAL / -ENOTSUP with a message.
 */
static int call_target(struct elf_ctx *c, const struct elf_func *f,
		       size_t idx, const struct script_insn *insn,
		       struct elf_func **tp)
{
	const struct elf_rel *r = rel_at(c, f->sec, idx);
	size_t tsec = f->sec;
	__s64 t = (__s64)idx + insn->imm + 1;
	unsigned long long off = idx * INSN_SZ;
	char tmp[16], stmp[16];

	if (r) {
		const struct elf64_sym *s = &c->syms[r->sym];
		const char *sn = sym_name(c, r->sym, stmp, sizeof(stmp));
		unsigned char type = ELF64_ST_TYPE(s->st_info);

		if (r->type != R_BPF_64_32)
			return elf_err(c, -EINVAL,
				       "section %s offset 0x%llx: relocation %s on a call",
				       sec_name(c, f->sec), off,
				       rel_name(r->type, tmp, sizeof(tmp)));
		if (s->st_shndx == SHN_UNDEF)
			return elf_err(c, -ENOTSUP,
				       "section %s offset 0x%llx: call to undefined function '%s'",
				       sec_name(c, f->sec), off, sn);
		if (s->st_shndx >= c->shnum ||
		    c->secs[s->st_shndx].kind != SEC_CODE ||
		    (type != STT_FUNC && type != STT_SECTION &&
		     type != STT_NOTYPE) || s->st_value % INSN_SZ)
			return elf_err(c, -EINVAL,
				       "section %s offset 0x%llx: call to '%s', which is not code",
				       sec_name(c, f->sec), off, sn);
		tsec = s->st_shndx;
		t = (__s64)(s->st_value / INSN_SZ) + insn->imm + 1;
	}
	*tp = func_at(c, tsec, t);
	if (!*tp)
		return elf_err(c, -EINVAL,
			       "section %s offset 0x%llx: call to section %s offset 0x%llx, which is not the start of a function",
			       sec_name(c, f->sec), off, sec_name(c, tsec),
			       (unsigned long long)t * INSN_SZ);
	return 0;
}

static bool is_terminal(const struct script_insn *insn)
{
	return insn->code == (SCRIPT_JMP | SCRIPT_JA) ||
	       insn->code == (SCRIPT_JMP32 | SCRIPT_JA) ||
	       insn->code == (SCRIPT_JMP | SCRIPT_EXIT);
}

static bool is_jump(const struct script_insn *insn)
{
	__u8 class = SCRIPT_CLASS(insn->code), op = SCRIPT_OP(insn->code);

	return (class == SCRIPT_JMP || class == SCRIPT_JMP32) &&
	       op != SCRIPT_CALL && op != SCRIPT_EXIT;
}

/**
 * check_insn() - what the loader checks of one instruction
 * @c: the loader's state
 * @f: its function
 * @idx: its index in the section
 * @insn: the instruction
 *
 * Only the cheap part of what script(2)'s verifier rejects, for a message
 * that names the object's section; the kernel's verifier is the
 * authority.
 *
 * Return: 0, or -EINVAL / -ENOTSUP with a message.
 */
static int check_insn(struct elf_ctx *c, const struct elf_func *f,
		      size_t idx, const struct script_insn *insn)
{
	const char *sn = sec_name(c, f->sec);
	unsigned long long off = idx * INSN_SZ;
	__u8 class = SCRIPT_CLASS(insn->code);

	if (class == SCRIPT_STX && SCRIPT_MODE(insn->code) == SCRIPT_ATOMIC)
		return elf_err(c, -ENOTSUP,
			       "section %s offset 0x%llx: instruction 0x%02x (atomic) is not supported",
			       sn, off, insn->code);
	if (class == SCRIPT_LD && insn->code != LD_IMM64)
		return elf_err(c, -ENOTSUP,
			       "section %s offset 0x%llx: instruction 0x%02x (packet access) is not supported",
			       sn, off, insn->code);
	if (insn->code == (SCRIPT_JMP | SCRIPT_CALL | SCRIPT_X))
		return elf_err(c, -ENOTSUP,
			       "section %s offset 0x%llx: instruction 0x%02x (call through a pointer) is not supported",
			       sn, off, insn->code);
	if (insn->code == (SCRIPT_JMP | SCRIPT_CALL) &&
	    insn->src_reg > SCRIPT_PSEUDO_CALL)
		return elf_err(c, -ENOTSUP,
			       "section %s offset 0x%llx: call with src_reg %u is not supported",
			       sn, off, insn->src_reg);
	if (is_jump(insn)) {
		__s32 d = insn->code == (SCRIPT_JMP32 | SCRIPT_JA) ?
			  insn->imm : insn->off;
		__s64 t = (__s64)idx + d + 1;

		if (t < (__s64)f->start || t >= (__s64)f->end)
			return elf_err(c, -EINVAL,
				       "section %s offset 0x%llx: jump to offset 0x%llx leaves function '%s'",
				       sn, off, (unsigned long long)t * INSN_SZ,
				       f->name);
	}
	return 0;
}

/**
 * scan_ld_imm64() - check an LD_IMM64 of the program
 * @c: the loader's state
 * @f: its function
 * @idx: its index in the section
 * @insn: the instruction
 *
 * Return: 0, or -EINVAL / -ENOTSUP with a message.
 */
static int scan_ld_imm64(struct elf_ctx *c, const struct elf_func *f,
			 size_t idx, const struct script_insn *insn)
{
	const struct elf_rel *r = rel_at(c, f->sec, idx);
	const char *sn = sec_name(c, f->sec);
	unsigned long long off = idx * INSN_SZ;
	char tmp[16];

	if (idx + 1 >= f->end)
		return elf_err(c, -EINVAL,
			       "section %s offset 0x%llx: ld_imm64 has no second slot in function '%s'",
			       sn, off, f->name);
	if (rel_at(c, f->sec, idx + 1))
		return elf_err(c, -EINVAL,
			       "section %s offset 0x%llx: relocation of the second slot of an ld_imm64",
			       sn, off + INSN_SZ);
	if (!r) {
		if (insn->src_reg)
			return elf_err(c, -ENOTSUP,
				       "section %s offset 0x%llx: ld_imm64 with src_reg %u is not supported",
				       sn, off, insn->src_reg);
		return 0;
	}
	if (r->type != R_BPF_64_64)
		return elf_err(c, -EINVAL,
			       "section %s offset 0x%llx: relocation %s on an ld_imm64",
			       sn, off, rel_name(r->type, tmp, sizeof(tmp)));
	return data_sym(c, f->sec, off, r->type, r->sym);
}

/**
 * scan_func() - check a function of the program and find what it calls
 * @c: the loader's state
 * @f: the function
 *
 * Appends each function @f calls that is not yet in the program to it.
 *
 * Return: 0, or -EINVAL / -ENOTSUP with a message.
 */
static int scan_func(struct elf_ctx *c, struct elf_func *f)
{
	const char *sn = sec_name(c, f->sec);
	struct script_insn insn = { 0 };
	size_t idx, last = f->start;
	char tmp[16];
	int err;

	for (idx = f->start; idx < f->end; idx++) {
		const struct elf_rel *r = rel_at(c, f->sec, idx);
		unsigned long long off = idx * INSN_SZ;
		struct elf_func *t;

		last = idx;
		insn = insn_at(c, f->sec, idx);
		err = check_insn(c, f, idx, &insn);
		if (err)
			return err;

		if (insn.code == LD_IMM64) {
			err = scan_ld_imm64(c, f, idx++, &insn);
			if (err)
				return err;
			continue;
		}

		if (insn.code == (SCRIPT_JMP | SCRIPT_CALL) &&
		    insn.src_reg == SCRIPT_PSEUDO_CALL) {
			err = call_target(c, f, idx, &insn, &t);
			if (err)
				return err;
			if (t->pos < 0) {
				t->pos = 0;
				c->order[c->norder++] = t - c->funcs;
			}
			continue;
		}

		if (r)
			return elf_err(c, -EINVAL,
				       "section %s offset 0x%llx: relocation %s on instruction 0x%02x, which is not ld_imm64 or a call",
				       sn, off, rel_name(r->type, tmp,
							 sizeof(tmp)),
				       insn.code);
	}

	if (last != idx - 1 || !is_terminal(&insn))
		return elf_err(c, -EINVAL,
			       "section %s offset 0x%llx: function '%s' does not end with exit or goto",
			       sn, (unsigned long long)(f->end - 1) * INSN_SZ,
			       f->name);
	return 0;
}

static int order_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

/**
 * collect() - the entry and every function it reaches, in program order
 * @c: the loader's state
 * @entry: the entry's name or NULL
 *
 * Return: 0 with c->order and each function's pos set, or an error.
 */
static int collect(struct elf_ctx *c, const char *entry)
{
	struct elf_func *e = NULL;
	size_t i, pos;
	int err;

	c->order = calloc(c->nfuncs, sizeof(*c->order));
	if (!c->order)
		return elf_nomem(c);
	err = find_entry(c, entry, &e);
	if (err)
		return err;
	e->pos = 0;
	c->order[c->norder++] = e - c->funcs;
	for (i = 0; i < c->norder; i++) {
		err = scan_func(c, &c->funcs[c->order[i]]);
		if (err)
			return err;
	}

	/* The entry first, then the others as they are in the object. */
	qsort(c->order + 1, c->norder - 1, sizeof(*c->order), order_cmp);
	pos = 0;
	for (i = 0; i < c->norder; i++) {
		struct elf_func *f = &c->funcs[c->order[i]];

		f->pos = pos;
		pos += f->end - f->start;
		if (pos > SCRIPT_MAXINSNS)
			return elf_err(c, -E2BIG,
				       "entry: the program has more than %u instructions",
				       SCRIPT_MAXINSNS);
	}
	c->obj->insn_cnt = pos;
	return 0;
}

/* Maps @len bytes read-write, or NULL; 0 bytes map nothing. */
static void *map_anon(size_t len)
{
	void *p;

	if (!len)
		return NULL;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

/**
 * place_data() - copy the data sections into memory of this process
 * @c: the loader's state
 *
 * Return: 0, -E2BIG, or -ENOMEM.
 */
static int place_data(struct elf_ctx *c)
{
	size_t len[2] = { 0, 0 }, i;
	unsigned char *base[2];
	struct script_object *obj = c->obj;

	for (i = 1; i < c->shnum; i++) {
		const struct elf64_shdr *sh = &c->sh[i];
		struct elf_sec *s = &c->secs[i];
		size_t align = sh->sh_addralign ? sh->sh_addralign : 1;
		size_t *l;

		if (s->kind != SEC_RODATA && s->kind != SEC_DATA)
			continue;
		l = &len[s->kind == SEC_DATA];
		/* Each section is at most OBJ_DATA_MAX: no overflow. */
		s->off = (*l + align - 1) & ~(align - 1);
		*l = s->off + sh->sh_size;
		if (*l > OBJ_DATA_MAX)
			return elf_err(c, -E2BIG,
				       "section %s: data beyond %zu MiB",
				       s->name, OBJ_DATA_MAX >> 20);
	}

	for (i = 0; i < 2; i++) {
		len[i] = (len[i] + c->page - 1) & ~((size_t)c->page - 1);
		base[i] = map_anon(len[i]);
		if (len[i] && !base[i])
			return elf_nomem(c);
		if (i) {
			obj->rw = base[i];
			obj->rw_len = len[i];
		} else {
			obj->ro = base[i];
			obj->ro_len = len[i];
		}
	}

	for (i = 1; i < c->shnum; i++) {
		const struct elf64_shdr *sh = &c->sh[i];
		struct elf_sec *s = &c->secs[i];

		if (s->kind != SEC_RODATA && s->kind != SEC_DATA)
			continue;
		s->base = base[s->kind == SEC_DATA];
		if (!s->base)
			continue;	/* only empty sections */
		s->base += s->off;
		if (sh->sh_type == SHT_PROGBITS)
			memcpy(s->base, c->buf + sh->sh_offset, sh->sh_size);
	}
	return 0;
}

/**
 * apply_data_rel() - apply one relocation of a data section
 * @c: the loader's state
 * @ts: the section, placed
 * @r: the relocation, which check_data_rel() accepted
 *
 * Return: 0, or -ENOTSUP when an address does not fit R_BPF_64_ABS32.
 */
static int apply_data_rel(struct elf_ctx *c, const struct elf_sec *ts,
			  const struct elf64_rel *r)
{
	__u32 type = ELF64_R_TYPE(r->r_info), val32;
	unsigned char *place;
	__u64 addr, val64;

	if (type == R_BPF_NONE)
		return 0;
	place = ts->base + r->r_offset;
	addr = sym_addr(c, ELF64_R_SYM(r->r_info));
	/* REL: the addend is what the place holds. */
	switch (type) {
	case R_BPF_64_ABS64:
		memcpy(&val64, place, sizeof(val64));
		val64 += addr;
		memcpy(place, &val64, sizeof(val64));
		break;
	case R_BPF_64_ABS32:
		memcpy(&val32, place, sizeof(val32));
		val64 = addr + val32;
		if (val64 > UINT32_MAX)
			return elf_err(c, -ENOTSUP,
				       "section %s offset 0x%llx: relocation R_BPF_64_ABS32: address 0x%llx does not fit in 32 bits",
				       ts->name,
				       (unsigned long long)r->r_offset,
				       (unsigned long long)val64);
		val32 = val64;
		memcpy(place, &val32, sizeof(val32));
		break;
	}
	return 0;
}

/**
 * reloc_data() - apply the relocations of the data sections
 * @c: the loader's state
 *
 * read_rels() checked them with check_data_rel().
 *
 * Return: 0, or -ENOTSUP when an address does not fit in R_BPF_64_ABS32.
 */
static int reloc_data(struct elf_ctx *c)
{
	size_t i, j;
	int err;

	for (i = 1; i < c->shnum; i++) {
		const struct elf64_shdr *sh = &c->sh[i];
		size_t tgt = sh->sh_info, n;
		const struct elf_sec *ts;

		if (sh->sh_type != SHT_REL || tgt >= c->shnum ||
		    (c->secs[tgt].kind != SEC_RODATA &&
		     c->secs[tgt].kind != SEC_DATA))
			continue;
		ts = &c->secs[tgt];
		n = sh->sh_size / sizeof(struct elf64_rel);
		for (j = 0; j < n; j++) {
			struct elf64_rel r;

			memcpy(&r, c->buf + sh->sh_offset + j * sizeof(r),
			       sizeof(r));
			err = apply_data_rel(c, ts, &r);
			if (err)
				return err;
		}
	}
	return 0;
}

/**
 * emit() - lay out the program, relocated
 * @c: the loader's state
 *
 * Every check was made by collect(), so this cannot fail but for memory.
 *
 * Return: 0 or -ENOMEM.
 */
static int emit(struct elf_ctx *c)
{
	struct script_object *obj = c->obj;
	size_t i, idx;

	obj->insns = calloc(obj->insn_cnt, sizeof(*obj->insns));
	if (!obj->insns)
		return elf_nomem(c);

	for (i = 0; i < c->norder; i++) {
		const struct elf_func *f = &c->funcs[c->order[i]];
		struct script_insn *out = obj->insns + f->pos;

		memcpy(out, c->buf + c->sh[f->sec].sh_offset +
		       f->start * INSN_SZ, (f->end - f->start) * INSN_SZ);
		for (idx = f->start; idx < f->end; idx++, out++) {
			const struct elf_rel *r = rel_at(c, f->sec, idx);
			struct elf_func *t;
			__u64 addr;

			if (out->code == LD_IMM64) {
				if (r) {
					addr = sym_addr(c, r->sym) +
					       (__u64)(__s64)out->imm;
					out[0].imm = (__s32)(__u32)addr;
					out[0].src_reg = 0;
					out[1].imm = (__s32)(__u32)(addr >> 32);
				}
				idx++;
				out++;
				continue;
			}
			if (out->code != (SCRIPT_JMP | SCRIPT_CALL) ||
			    out->src_reg != SCRIPT_PSEUDO_CALL)
				continue;
			/* collect() found the callee already. */
			if (call_target(c, f, idx, out, &t))
				return -EINVAL;
			out->imm = (__s32)(t->pos - (out - obj->insns) - 1);
		}
	}
	return 0;
}

/* By name; of equal names, global ones first, then in symbol order. */
static int var_cmp(const void *a, const void *b)
{
	const struct elf_var *x = a, *y = b;
	int d = strcmp(x->name, y->name);

	if (d)
		return d;
	if (x->global != y->global)
		return x->global ? -1 : 1;
	return x->sym < y->sym ? -1 : x->sym > y->sym;
}

static int var_name_cmp(const void *key, const void *elt)
{
	return strcmp(key, ((const struct elf_var *)elt)->name);
}

/* Symbol @s is a variable of a data section. */
static bool is_var(const struct elf_ctx *c, const struct elf64_sym *s)
{
	return ELF64_ST_TYPE(s->st_info) == STT_OBJECT &&
	       s->st_shndx < c->shnum && c->str[s->st_name] &&
	       (c->secs[s->st_shndx].kind == SEC_RODATA ||
		c->secs[s->st_shndx].kind == SEC_DATA);
}

/**
 * read_vars() - the variables script_object_symbol() finds
 * @c: the loader's state
 *
 * Every STT_OBJECT symbol of a data section, sorted by name.
 *
 * Return: 0, -EINVAL with a message, or -ENOMEM.
 */
static int read_vars(struct elf_ctx *c)
{
	struct script_object *obj = c->obj;
	size_t i, n = 0, chars = 0;
	char *p;

	for (i = 1; i < c->nsyms; i++) {
		const struct elf64_sym *s = &c->syms[i];
		const char *name = c->str + s->st_name;

		if (!is_var(c, s))
			continue;
		if (!range_ok(s->st_value, s->st_size,
			      c->sh[s->st_shndx].sh_size))
			return elf_err(c, -EINVAL,
				       "section %s offset 0x%llx: variable '%s' of size 0x%llx lies beyond the section",
				       sec_name(c, s->st_shndx),
				       (unsigned long long)s->st_value, name,
				       (unsigned long long)s->st_size);
		n++;
		chars += strlen(name) + 1;
	}
	if (!n)
		return 0;

	obj->vars = calloc(n, sizeof(*obj->vars));
	obj->names = malloc(chars);
	if (!obj->vars || !obj->names)
		return elf_nomem(c);
	p = obj->names;
	for (i = 1; i < c->nsyms; i++) {
		const struct elf64_sym *s = &c->syms[i];
		struct elf_var *v = &obj->vars[obj->nvars];
		size_t len;

		if (!is_var(c, s))
			continue;
		len = strlen(c->str + s->st_name) + 1;
		memcpy(p, c->str + s->st_name, len);
		v->name = p;
		v->addr = (void *)(uintptr_t)sym_addr(c, i);
		v->size = s->st_size;
		v->global = ELF64_ST_BIND(s->st_info) != STB_LOCAL;
		v->sym = i;
		p += len;
		obj->nvars++;
	}
	qsort(obj->vars, obj->nvars, sizeof(*obj->vars), var_cmp);
	return 0;
}

static void ctx_free(struct elf_ctx *c)
{
	size_t i;

	for (i = 0; c->secs && i < c->shnum; i++)
		free(c->secs[i].relmap);
	free(c->secs);
	free(c->sh);
	free(c->syms);
	free(c->rels);
	free(c->funcs);
	free(c->order);
}

/* All zero: the place and size of each field, for OPT(). */
static const struct script_object_opts no_opts;

/*
 * opts->@field, or 0 when @opts is NULL or too small to have it.  The
 * field's place and size are taken from no_opts, so that @field is
 * named once.
 */
#define OPT(opts, field) ({						\
	const struct script_object_opts *__o = (opts);			\
	__auto_type __f = &no_opts.field;				\
	size_t __off = (const char *)__f - (const char *)&no_opts;	\
									\
	__o && __o->sz >= __off + sizeof(*__f) ?			\
		*(typeof(__f))((const char *)__o + __off) : 0;		\
})

/**
 * opts_ok() - check the size of a caller's struct script_object_opts
 * @opts: the options, or NULL
 *
 * A larger struct than this library knows must have only zeros beyond.
 *
 * Return: true when they can be used.
 */
static bool opts_ok(const struct script_object_opts *opts)
{
	const unsigned char *p = (const unsigned char *)opts;
	size_t i;

	if (!opts)
		return true;
	if (opts->sz < sizeof(opts->sz))
		return false;
	for (i = sizeof(*opts); i < opts->sz; i++)
		if (p[i])
			return false;
	return true;
}

/**
 * script_object_open_mem() - read an ELF object from memory
 * @buf: the object's bytes; not used after the call returns
 * @size: their number
 * @opts: the entry function's name and an error buffer, or NULL
 * @objp: set to the new object
 *
 * Return: 0, or a negative errno with a message in @opts->err.
 */
int script_object_open_mem(const void *buf, size_t size,
			   const struct script_object_opts *opts,
			   struct script_object **objp)
{
	struct elf_ctx c = {
		.buf		= buf,
		.size		= size,
		.err		= OPT(opts, err),
		.err_size	= OPT(opts, err_size),
	};
	int err;

	if (c.err && c.err_size)
		c.err[0] = '\0';
	if (!objp || (!buf && size) || !opts_ok(opts))
		return elf_err(&c, -EINVAL, "invalid arguments");
	*objp = NULL;
	c.page = sysconf(_SC_PAGESIZE);
	if (c.page <= 0)
		c.page = 4096;

	c.obj = calloc(1, sizeof(*c.obj));
	if (!c.obj)
		return elf_nomem(&c);
	err = read_header(&c);
	if (!err)
		err = read_symtab(&c);
	if (!err)
		err = classify(&c);
	if (!err)
		err = read_funcs(&c);
	if (!err)
		err = read_rels(&c);
	if (!err)
		err = collect(&c, OPT(opts, entry));
	if (!err)
		err = place_data(&c);
	if (!err)
		err = reloc_data(&c);
	if (!err)
		err = emit(&c);
	if (!err)
		err = read_vars(&c);
	if (!err && c.obj->ro && mprotect(c.obj->ro, c.obj->ro_len, PROT_READ))
		err = elf_err(&c, -errno, "cannot make .rodata read-only");
	ctx_free(&c);
	if (err) {
		script_object_close(c.obj);
		return err;
	}
	*objp = c.obj;
	return 0;
}

/**
 * script_object_open_file() - read an ELF object from a file
 * @path: the file
 * @opts: the entry function's name and an error buffer, or NULL
 * @objp: set to the new object
 *
 * Return: 0, or a negative errno with a message in @opts->err.
 */
int script_object_open_file(const char *path,
			    const struct script_object_opts *opts,
			    struct script_object **objp)
{
	char *err_buf = OPT(opts, err);
	size_t err_size = OPT(opts, err_size), done = 0;
	unsigned char *buf = NULL;
	struct stat st;
	int fd, err;

	if (!path || !objp) {
		if (err_buf && err_size)
			snprintf(err_buf, err_size, "invalid arguments");
		return -EINVAL;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		goto fail;
	}
	if (fstat(fd, &st)) {
		err = -errno;
		goto fail;
	}
	if (!S_ISREG(st.st_mode) || st.st_size < 0 ||
	    (unsigned long long)st.st_size > OBJ_FILE_MAX) {
		err = S_ISREG(st.st_mode) ? -E2BIG : -EINVAL;
		goto fail;
	}
	buf = malloc(st.st_size ? st.st_size : 1);
	if (!buf) {
		err = -ENOMEM;
		goto fail;
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + done, st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? -errno : -EIO;
			goto fail;
		}
		done += n;
	}
	close(fd);
	err = script_object_open_mem(buf, done, opts, objp);
	free(buf);
	return err;

fail:
	if (err_buf && err_size)
		snprintf(err_buf, err_size, "%s: cannot read the file: %s",
			 path, strerror(-err));
	if (fd >= 0)
		close(fd);
	free(buf);
	return err;
}

/**
 * script_object_close() - free an object and unmap its data
 * @obj: the object, or NULL
 */
void script_object_close(struct script_object *obj)
{
	if (!obj)
		return;
	if (obj->ro)
		munmap(obj->ro, obj->ro_len);
	if (obj->rw)
		munmap(obj->rw, obj->rw_len);
	free(obj->insns);
	free(obj->vars);
	free(obj->names);
	free(obj);
}

/**
 * script_object_insns() - the object's program
 * @obj: the object
 * @cnt: set to its number of instructions, when not NULL
 *
 * Return: the instructions, which live as long as @obj.
 */
const struct script_insn *script_object_insns(const struct script_object *obj,
					      size_t *cnt)
{
	if (!obj) {
		errno = EINVAL;
		return NULL;
	}
	if (cnt)
		*cnt = obj->insn_cnt;
	return obj->insns;
}

/**
 * script_object_symbol() - the address of one of the object's variables
 * @obj: the object
 * @name: the variable's name
 * @size: set to its size, when not NULL
 *
 * Return: its address, or NULL with errno ENOENT.
 */
void *script_object_symbol(const struct script_object *obj, const char *name,
			   size_t *size)
{
	struct elf_var *v;

	if (!obj || !name) {
		errno = EINVAL;
		return NULL;
	}
	v = obj->nvars ? bsearch(name, obj->vars, obj->nvars,
				 sizeof(*obj->vars), var_name_cmp) : NULL;
	if (!v) {
		errno = ENOENT;
		return NULL;
	}
	/* bsearch() may land on any of equal names: a global is first. */
	while (v > obj->vars && !strcmp(v[-1].name, name))
		v--;
	if (size)
		*size = v->size;
	return v->addr;
}

/**
 * script_object_load() - load the object's program into the kernel
 * @obj: the object
 * @log: the verifier's log, or NULL
 *
 * Return: a new program descriptor, or a negative errno.
 */
int script_object_load(const struct script_object *obj,
		       struct script_log *log)
{
	if (!obj)
		return -EINVAL;
	return script_load(obj->insns, obj->insn_cnt, log);
}

/**
 * script_object_load_flags() - load the object's program, with flags
 * @obj: the object
 * @log: the verifier's log, or NULL
 * @flags: SCRIPT_F_*, as for script_load_flags(): SCRIPT_F_INTERP to have
 *	the program interpreted, never compiled
 *
 * Return: a new program descriptor, or a negative errno.
 */
int script_object_load_flags(const struct script_object *obj,
			     struct script_log *log, __u64 flags)
{
	if (!obj)
		return -EINVAL;
	return script_load_flags(obj->insns, obj->insn_cnt, log, flags);
}
