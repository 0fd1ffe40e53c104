// SPDX-License-Identifier: GPL-2.0
/*
 * script(2): the compiler, x86-64.
 *
 * A template compiler: each instruction of a verified program becomes a
 * fixed sequence of x86-64 instructions with the interpreter's exact
 * semantics, which stays the reference (kernel/script/interp.c) and the
 * engine everywhere else.  Two passes over the program with encodings of
 * fixed size (rel32 for every jump), so the first pass sizes the image and
 * places every instruction, and compile time is linear in program size.
 *
 * Registers: r0 to r9 live in rax, rdi, rsi, rdx, rcx, r8, rbx, r13, r14
 * and r15, as the eBPF JIT maps them, r10 in r12; rbp is a real frame
 * pointer (the unwinder falls back to it for code ORC does not know); r9
 * holds USER_PTR_MAX for the address mask; r10 and r11 are scratch.  At
 * every instruction boundary each script register is in its home, so the
 * machine state is the interpreter's struct script_state at any point the
 * code leaves.
 *
 * Memory: an access computes its address, masks it as mask_user_address()
 * does (an address past the user range becomes USER_PTR_MAX, a guard page
 * that faults, with no branch to mispredict) and accesses it.  Compiled
 * code runs with AC set, as the body of a user_access_begin() section
 * does: STAC where it is entered and after each call out of it returns,
 * CLAC before each call out of it and where it returns, so that no other
 * kernel code runs with AC set (an interrupt clears it on entry and its
 * return restores it).  Its only accesses to user memory are the masked
 * ones; the rest are to its frame on the kernel stack and to the thread's
 * flags.  A STAC and a CLAC per access or per block would cost more than
 * the access itself under QEMU's TCG, where each ends a translation block.
 * Each access has an exception table entry in the image whose stub ends
 * the run with -EFAULT at the exact pc and step count; the destination
 * register is untouched, as x86 faults are precise.
 * search_exception_tables() finds the tables through
 * search_script_extables().
 *
 * Steps: a basic block subtracts its instruction count from the budget
 * left at its start; a block that would cross the budget goes back to the
 * interpreter at its first instruction, which then stops with -ETIME
 * exactly where it would have.  A fault gives back the part of its block
 * that did not run.
 *
 * Leaving compiled code: ops and the slow path of a yield point are direct
 * calls to C helpers that do what the interpreter does, and subprogram
 * calls, EXIT, faults, budgets and parked runs return to script_jit_exec()
 * with an event, the registers saved in the run's struct script_state.
 * A run enters compiled code at an entry point (the program's start, a
 * subprogram's start, a return site, a back-edge target, an op or a call:
 * every pc the interpreter can park at) through script_jit_enter's one
 * indirect jump.
 */

#include <linux/cpufeature.h>
#include <linux/execmem.h>
#include <linux/extable.h>
#include <linux/memcontrol.h>
#include <linux/set_memory.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <asm/alternative.h>
#include <asm/extable_fixup_types.h>
#include <asm/ibt.h>
#include <asm/nospec-branch.h>

#include "script.h"

/* x86-64 register numbers */
enum {
	X_RAX, X_RCX, X_RDX, X_RBX, X_RSP, X_RBP, X_RSI, X_RDI,
	X_R8, X_R9, X_R10, X_R11, X_R12, X_R13, X_R14, X_R15,
};

/* Homes of r0 to r10 */
static const u8 script_jit_reg[__MAX_SCRIPT_REG] = {
	X_RAX, X_RDI, X_RSI, X_RDX, X_RCX, X_R8,
	X_RBX, X_R13, X_R14, X_R15, X_R12,
};

#define X_UMAX		X_R9	/* USER_PTR_MAX, for the address mask */
#define X_AUX		X_R10	/* scratch */
#define X_AUX2		X_R11	/* scratch: addresses, divisors */

/* The native frame, below rbp and the five callee-saved registers */
#define FP_RUN		(-48)	/* struct script_jit_run * */
#define FP_LEFT		(-56)	/* steps left in the budget */
#define FP_FLAGS	(-64)	/* &current_thread_info()->flags */
#define FP_QUIET	(-72)	/* yield points to the next full one */
#define FP_REGS		(-80)	/* the run's r0 to r10, in struct script_state */
#define FRAME_EXTRA	40	/* bytes below the saved registers */

/* What made compiled code return to script_jit_exec() */
enum script_jit_event {
	SCRIPT_JIT_EXIT,	/* EXIT at pc, counted */
	SCRIPT_JIT_STOP,	/* a subprogram call at pc failed: run->err */
	SCRIPT_JIT_FAULT,	/* a load or store at pc faulted, not counted */
	SCRIPT_JIT_PARK,	/* a signal stops the run at pc, not run yet */
	SCRIPT_JIT_BUDGET,	/* the block at pc would cross the budget */
};

/**
 * struct script_jit_run - one stretch of a run in compiled code
 * @regs: r0 to r10: in on entry, out on return
 * @left: steps left in the budget: in and out
 * @flags: the thread's flags, tested at yield points
 * @ctx: the run
 * @st: its state, the frames of subprogram calls in progress
 * @prog: the program
 * @pc: in: where the run enters; out: where the event happened
 * @err: out: why a subprogram call stopped the run
 */
struct script_jit_run {
	u64 *regs;
	u64 left;
	unsigned long *flags;
	struct script_run_ctx *ctx;
	struct script_state *st;
	const struct script_prog *prog;
	u32 pc;
	int err;
};

/**
 * struct script_jit - a program's compiled code
 * @image: the code, its stubs and its exception table, read-only and
 *	executable once written
 * @size: bytes of @image, a whole number of pages
 * @entry: for each pc, the offset of its code when the pc is an entry
 *	point, or of the stub that sends the run to the interpreter
 * @extable: the exception table, in @image, sorted
 * @num_exentries: entries in @extable
 * @blinded: constants are blinded
 * @objcg: the memory cgroup @size is charged to, or NULL
 * @free_work: frees the code after an RCU grace period
 */
struct script_jit {
	u8 *image;
	u32 size;
	u32 *entry;
	const struct exception_table_entry *extable;
	u32 num_exentries;
	bool blinded;
	struct obj_cgroup *objcg;
	struct rcu_work free_work;
};

/* Bytes of compiled code, against kernel.script_jit_limit */
static atomic_long_t script_jit_bytes = ATOMIC_LONG_INIT(0);

/*
 * The images by page, for the exception table and the unwinder: an
 * address the kernel's, the modules' and eBPF's tables do not know is
 * looked up here, in any context, NMI included (xa_load() under RCU).
 */
static DEFINE_XARRAY(script_jit_pages);

/* Under rcu_read_lock(): the image @addr is in, or NULL */
static struct script_jit *script_jit_find(unsigned long addr)
{
	return xa_load(&script_jit_pages, addr >> PAGE_SHIFT);
}

/* Enters @jit's pages in the lookup, or none of them */
static int script_jit_publish(struct script_jit *jit)
{
	unsigned long first = (unsigned long)jit->image >> PAGE_SHIFT, i;
	unsigned long pages = jit->size >> PAGE_SHIFT;
	int err;

	for (i = 0; i < pages; i++) {
		err = xa_err(xa_store(&script_jit_pages, first + i, jit,
				      GFP_KERNEL_ACCOUNT));
		if (err) {
			while (i--)
				xa_erase(&script_jit_pages, first + i);
			return err;
		}
	}
	return 0;
}

static void script_jit_unpublish(struct script_jit *jit)
{
	unsigned long first = (unsigned long)jit->image >> PAGE_SHIFT, i;

	for (i = 0; i < jit->size >> PAGE_SHIFT; i++)
		xa_erase(&script_jit_pages, first + i);
}

/**
 * search_script_extables() - the exception table entry of compiled code
 * @addr: the faulting instruction
 *
 * Called by search_exception_tables(), in any context.
 *
 * Return: the entry, or NULL when @addr is no access of compiled code.
 */
const struct exception_table_entry *search_script_extables(unsigned long addr)
{
	const struct exception_table_entry *e = NULL;
	struct script_jit *jit;

	rcu_read_lock();
	jit = script_jit_find(addr);
	if (jit)
		e = search_extable(jit->extable, jit->num_exentries, addr);
	rcu_read_unlock();
	return e;
}

/**
 * is_script_text_address() - is @addr in compiled code?
 * @addr: an address
 *
 * For kernel_text_address(), so that stack traces go through it.
 *
 * Return: true when @addr is in the image of a compiled program.
 */
bool is_script_text_address(unsigned long addr)
{
	bool ret;

	rcu_read_lock();
	ret = script_jit_find(addr);
	rcu_read_unlock();
	return ret;
}

/* The emitter */

/* One fault site: the access and its stub, as offsets in the image */
struct script_jit_exsite {
	u32 insn;
	u32 fixup;
};

/**
 * struct script_jit_ctx - the state of one pass
 * @image: where the code goes, or NULL in the sizing pass
 * @pos: next byte of the code
 * @spos: next byte of the stubs, which follow the code
 * @in_stub: emitting a stub
 * @smap: the CPU has SMAP: windows need STAC and CLAC
 * @blind: the loader lacks CAP_SYS_ADMIN: blind constants, and clear the
 *	branch history before each call and return to the kernel
 * @epilogue: offset of the common exit
 * @to_interp: offset of the stub that sends a run to the interpreter
 * @addrs: offset of each instruction's code
 * @block: for a block's first instruction, the instructions in the block;
 *	0 for the others
 * @entry: the instruction is an entry point
 * @sites: the fault sites, in code order
 * @num_sites: fault sites so far
 * @umax: USER_PTR_MAX
 */
struct script_jit_ctx {
	u8 *image;
	u32 pos;
	u32 spos;
	bool in_stub;
	bool smap;
	bool blind;
	u32 epilogue;
	u32 to_interp;
	u32 *addrs;
	u32 *block;
	unsigned long *entry;
	struct script_jit_exsite *sites;
	u32 num_sites;
	u64 umax;
};

static u32 jit_here(const struct script_jit_ctx *c)
{
	return c->in_stub ? c->spos : c->pos;
}

static void jit_emit(struct script_jit_ctx *c, const void *p, u32 n)
{
	u32 *at = c->in_stub ? &c->spos : &c->pos;

	if (c->image)
		memcpy(c->image + *at, p, n);
	*at += n;
}

static void emit1(struct script_jit_ctx *c, u8 b)
{
	jit_emit(c, &b, 1);
}

static void emit2(struct script_jit_ctx *c, u8 a, u8 b)
{
	u8 buf[2] = { a, b };

	jit_emit(c, buf, 2);
}

static void emit3(struct script_jit_ctx *c, u8 a, u8 b, u8 d)
{
	u8 buf[3] = { a, b, d };

	jit_emit(c, buf, 3);
}

static void emit_u32(struct script_jit_ctx *c, u32 v)
{
	__le32 le = cpu_to_le32(v);

	jit_emit(c, &le, 4);
}

static void emit_u64(struct script_jit_ctx *c, u64 v)
{
	__le64 le = cpu_to_le64(v);

	jit_emit(c, &le, 8);
}

/* A rel32 to the image offset @target, at the end of its instruction */
static void emit_rel32(struct script_jit_ctx *c, u32 target)
{
	emit_u32(c, target - (jit_here(c) + 4));
}

/* A rel32 to a kernel function */
static void emit_rel32_abs(struct script_jit_ctx *c, const void *func)
{
	s64 off = 0;

	if (c->image)
		off = (long)func - (long)(c->image + jit_here(c) + 4);
	emit_u32(c, (u32)off);
}

/* The REX prefix, always present: it also makes sil and dil byte registers */
static void emit_rex(struct script_jit_ctx *c, bool w, u8 reg, u8 rm)
{
	emit1(c, 0x40 | (w << 3) | ((reg >> 3) << 2) | (rm >> 3));
}

/* op with a register operand: REX, the opcode, ModRM 11 reg rm */
static void emit_rr(struct script_jit_ctx *c, bool w, u8 op, u8 reg, u8 rm)
{
	emit_rex(c, w, reg, rm);
	emit2(c, op, 0xc0 | ((reg & 7) << 3) | (rm & 7));
}

/* The same with a two-byte opcode 0x0f @op */
static void emit_rr0f(struct script_jit_ctx *c, bool w, u8 op, u8 reg, u8 rm)
{
	emit_rex(c, w, reg, rm);
	emit3(c, 0x0f, op, 0xc0 | ((reg & 7) << 3) | (rm & 7));
}

/* ModRM (and SIB) and displacement of [base + disp] */
static void emit_modrm_mem(struct script_jit_ctx *c, u8 reg, u8 base, s32 disp)
{
	bool d8 = disp >= -128 && disp <= 127;

	emit1(c, (d8 ? 0x40 : 0x80) | ((reg & 7) << 3) | (base & 7));
	if ((base & 7) == X_RSP)
		emit1(c, 0x24);
	if (d8)
		emit1(c, (u8)disp);
	else
		emit_u32(c, disp);
}

/* op with a memory operand [base + disp]; @p66 for a 16-bit operand */
static void emit_rm(struct script_jit_ctx *c, bool p66, bool w, u8 op,
		    u8 reg, u8 base, s32 disp)
{
	if (p66)
		emit1(c, 0x66);
	emit_rex(c, w, reg, base);
	emit1(c, op);
	emit_modrm_mem(c, reg, base, disp);
}

static void emit_rm0f(struct script_jit_ctx *c, bool w, u8 op, u8 reg, u8 base,
		      s32 disp)
{
	emit_rex(c, w, reg, base);
	emit2(c, 0x0f, op);
	emit_modrm_mem(c, reg, base, disp);
}

/* mov dst, src (64 bits, or 32 zero-extended) */
static void emit_mov(struct script_jit_ctx *c, bool w, u8 dst, u8 src)
{
	emit_rr(c, w, 0x89, src, dst);
}

/* mov dst, [base + disp] and mov [base + disp], src, 64 bits */
static void emit_load64(struct script_jit_ctx *c, u8 dst, u8 base, s32 disp)
{
	emit_rm(c, false, true, 0x8b, dst, base, disp);
}

static void emit_store64(struct script_jit_ctx *c, u8 base, s32 disp, u8 src)
{
	emit_rm(c, false, true, 0x89, src, base, disp);
}

/* dst = the sign-extended imm (w) or the zero-extended imm (!w) */
static void emit_mov_imm(struct script_jit_ctx *c, bool w, u8 dst, s32 imm)
{
	emit_rr(c, w, 0xc7, 0, dst);
	emit_u32(c, imm);
}

static void emit_movabs(struct script_jit_ctx *c, u8 dst, u64 imm)
{
	emit_rex(c, true, 0, dst);
	emit1(c, 0xb8 + (dst & 7));
	emit_u64(c, imm);
}

/* ALU op r/m, imm32: /digit */
static void emit_alu_imm(struct script_jit_ctx *c, bool w, u8 digit, u8 rm,
			 s32 imm)
{
	emit_rr(c, w, 0x81, digit, rm);
	emit_u32(c, imm);
}

/*
 * @reg = the sign-extended @imm (w) or @imm (!w), blinded when the
 * program's constants are: the code holds imm ^ key and key, never imm.
 */
static void emit_imm_to(struct script_jit_ctx *c, bool w, u8 reg, s32 imm)
{
	u32 key;

	if (!c->blind) {
		emit_mov_imm(c, w, reg, imm);
		return;
	}
	key = c->image ? get_random_u32() : 0;
	emit_mov_imm(c, w, reg, imm ^ key);
	emit_alu_imm(c, w, 6, reg, key);	/* xor */
}

static void emit_stac(struct script_jit_ctx *c)
{
	if (c->smap)
		emit3(c, 0x0f, 0x01, 0xcb);
}

static void emit_clac(struct script_jit_ctx *c)
{
	if (c->smap)
		emit3(c, 0x0f, 0x01, 0xca);
}

/* jmp rel32 and jcc rel32 to the image offset @target */
static void emit_jmp(struct script_jit_ctx *c, u32 target)
{
	emit1(c, 0xe9);
	emit_rel32(c, target);
}

static void emit_jcc(struct script_jit_ctx *c, u8 cc, u32 target)
{
	emit2(c, 0x0f, 0x80 | cc);
	emit_rel32(c, target);
}

/* A forward jcc within one stream: its rel32's offset, for jit_fix() */
static u32 emit_jcc_fwd(struct script_jit_ctx *c, u8 cc)
{
	emit2(c, 0x0f, 0x80 | cc);
	emit_u32(c, 0);
	return jit_here(c) - 4;
}

static u32 emit_jmp_fwd(struct script_jit_ctx *c)
{
	emit1(c, 0xe9);
	emit_u32(c, 0);
	return jit_here(c) - 4;
}

/* Points the forward jump whose rel32 is at @at here */
static void jit_fix(struct script_jit_ctx *c, u32 at)
{
	if (c->image)
		put_unaligned_le32(jit_here(c) - (at + 4), c->image + at);
}

/* Condition codes */
#define CC_B	0x2
#define CC_AE	0x3
#define CC_E	0x4
#define CC_NE	0x5
#define CC_BE	0x6
#define CC_A	0x7
#define CC_L	0xc
#define CC_GE	0xd
#define CC_LE	0xe
#define CC_G	0xf

/*
 * A call from compiled code to a kernel function, as the eBPF JIT makes
 * it: with the call depth accounting the return thunk expects.
 */
static void emit_call(struct script_jit_ctx *c, const void *func)
{
	u8 scratch[255];
	u8 *ip = c->image ? c->image + jit_here(c) : scratch;
	u8 *p = ip;
	int n;

	n = x86_call_depth_emit_accounting(&p, (void *)func, ip);
	if (c->in_stub)
		c->spos += n;
	else
		c->pos += n;
	emit1(c, 0xe8);
	emit_rel32_abs(c, func);
}

/* Returns from compiled code, through the return thunk where there is one */
static void emit_ret(struct script_jit_ctx *c)
{
	if (cpu_wants_rethunk()) {
		emit1(c, 0xe9);
		emit_rel32_abs(c, x86_return_thunk);
	} else {
		emit1(c, 0xc3);
		if (IS_ENABLED(CONFIG_MITIGATION_SLS))
			emit1(c, 0xcc);
	}
}

/* jmp *%r11, as the eBPF JIT emits an indirect jump */
static void emit_indirect_jump_r11(struct script_jit_ctx *c)
{
	if (cpu_feature_enabled(X86_FEATURE_INDIRECT_THUNK_ITS)) {
		emit1(c, 0xe9);
		emit_rel32_abs(c, its_static_thunk(X_R11));
	} else if (cpu_feature_enabled(X86_FEATURE_RETPOLINE_LFENCE)) {
		emit3(c, 0x0f, 0xae, 0xe8);		/* lfence */
		emit3(c, 0x41, 0xff, 0xe3);		/* jmp *%r11 */
	} else if (cpu_feature_enabled(X86_FEATURE_RETPOLINE)) {
		emit1(c, 0xe9);
		if (cpu_feature_enabled(X86_FEATURE_CALL_DEPTH))
			emit_rel32_abs(c, &__x86_indirect_jump_thunk_array[X_R11]);
		else
			emit_rel32_abs(c, &__x86_indirect_thunk_array[X_R11]);
	} else {
		emit3(c, 0x41, 0xff, 0xe3);		/* jmp *%r11 */
		if (IS_ENABLED(CONFIG_MITIGATION_RETPOLINE) ||
		    IS_ENABLED(CONFIG_MITIGATION_SLS))
			emit1(c, 0xcc);
	}
}

static void emit_endbr(struct script_jit_ctx *c)
{
#ifdef CONFIG_X86_KERNEL_IBT
	emit_u32(c, gen_endbr());
#endif
}

/*
 * Before compiled code of an unprivileged loader calls or returns to the
 * kernel: the branch history its branches left must not steer the
 * kernel's indirect branches (Spectre-BHI), as the eBPF JIT guards the
 * return of unprivileged classic BPF.  Clobbers rax and rcx, which hold
 * nothing there: r0 to r5 are saved first.
 */
static void emit_bhb_barrier(struct script_jit_ctx *c)
{
	if (!c->blind)
		return;
	if (cpu_feature_enabled(X86_FEATURE_CLEAR_BHB_LOOP))
		emit_call(c, clear_bhb_loop);
	if ((cpu_feature_enabled(X86_FEATURE_CLEAR_BHB_LOOP) &&
	     cpu_feature_enabled(X86_FEATURE_HYPERVISOR)) ||
	    cpu_feature_enabled(X86_FEATURE_CLEAR_BHB_HW)) {
		u8 ibhf[] = { 0xf3, 0x48, 0x0f, 0x1e, 0xf8 };

		jit_emit(c, ibhf, sizeof(ibhf));
	}
}

/* Reload USER_PTR_MAX after a call or a division took r9 */
static void emit_umax(struct script_jit_ctx *c)
{
	emit_movabs(c, X_UMAX, c->umax);
}

/* r0 to r5, which a call clobbers, to and from the run's registers */
static void emit_spill_args(struct script_jit_ctx *c)
{
	int r;

	emit_load64(c, X_AUX, X_RBP, FP_REGS);
	for (r = SCRIPT_REG_0; r <= SCRIPT_REG_5; r++)
		emit_store64(c, X_AUX, r * 8, script_jit_reg[r]);
}

static void emit_fill_args(struct script_jit_ctx *c)
{
	int r;

	emit_load64(c, X_AUX, X_RBP, FP_REGS);
	for (r = SCRIPT_REG_0; r <= SCRIPT_REG_5; r++)
		emit_load64(c, script_jit_reg[r], X_AUX, r * 8);
	emit_umax(c);
}

/* Leaves compiled code with @event at @pc: steps given back first */
static void emit_leave(struct script_jit_ctx *c, u32 pc, u32 event, u32 give)
{
	if (give) {
		emit_rm(c, false, true, 0x81, 0, X_RBP, FP_LEFT);	/* add */
		emit_u32(c, give);
	}
	emit_mov_imm(c, false, X_AUX, pc);
	emit_mov_imm(c, false, X_AUX2, event);
	emit_jmp(c, c->epilogue);
}

static void jit_stub_begin(struct script_jit_ctx *c)
{
	c->in_stub = true;
}

static void jit_stub_end(struct script_jit_ctx *c)
{
	c->in_stub = false;
}

/*
 * The entry, at offset 0: u32 enter(struct script_jit_run *run, void *code).
 * Saves the callee-saved registers, sets up the frame, loads r0 to r10
 * and jumps to @code.
 */
static void emit_prologue(struct script_jit_ctx *c)
{
	int r;

	emit_endbr(c);
	emit1(c, 0x55);					/* push %rbp */
	emit3(c, 0x48, 0x89, 0xe5);			/* mov %rsp,%rbp */
	emit1(c, 0x53);					/* push %rbx */
	emit2(c, 0x41, 0x54);				/* push %r12 */
	emit2(c, 0x41, 0x55);				/* push %r13 */
	emit2(c, 0x41, 0x56);				/* push %r14 */
	emit2(c, 0x41, 0x57);				/* push %r15 */
	emit_alu_imm(c, true, 5, X_RSP, FRAME_EXTRA);	/* sub */
	emit_store64(c, X_RBP, FP_RUN, X_RDI);
	emit_load64(c, X_RAX, X_RDI, offsetof(struct script_jit_run, left));
	emit_store64(c, X_RBP, FP_LEFT, X_RAX);
	emit_load64(c, X_RAX, X_RDI, offsetof(struct script_jit_run, flags));
	emit_store64(c, X_RBP, FP_FLAGS, X_RAX);
	emit_rm(c, false, false, 0xc7, 0, X_RBP, FP_QUIET);
	emit_u32(c, SCRIPT_QUIET_YIELDS);
	emit_load64(c, X_AUX, X_RDI, offsetof(struct script_jit_run, regs));
	emit_store64(c, X_RBP, FP_REGS, X_AUX);
	emit_mov(c, true, X_AUX2, X_RSI);
	for (r = 0; r < __MAX_SCRIPT_REG; r++)
		emit_load64(c, script_jit_reg[r], X_AUX, r * 8);
	emit_umax(c);
	emit_stac(c);
	emit_indirect_jump_r11(c);
}

/*
 * The common exit, first of the stubs: with the pc in r10d and the event
 * in r11d, saves r0 to r10 and the budget, and returns the event.
 */
static void emit_epilogue(struct script_jit_ctx *c)
{
	int r;

	c->epilogue = jit_here(c);
	emit_clac(c);
	emit_load64(c, X_R9, X_RBP, FP_RUN);
	emit_rm(c, false, false, 0x89, X_AUX, X_R9,
		offsetof(struct script_jit_run, pc));
	emit_load64(c, X_AUX, X_RBP, FP_REGS);
	for (r = 0; r < __MAX_SCRIPT_REG; r++)
		emit_store64(c, X_AUX, r * 8, script_jit_reg[r]);
	emit_load64(c, X_AUX, X_RBP, FP_LEFT);
	emit_store64(c, X_R9, offsetof(struct script_jit_run, left), X_AUX);
	emit_mov(c, false, X_RDX, X_AUX2);
	emit_bhb_barrier(c);
	emit_mov(c, false, X_RAX, X_RDX);
	emit_alu_imm(c, true, 0, X_RSP, FRAME_EXTRA);	/* add */
	emit2(c, 0x41, 0x5f);				/* pop %r15 */
	emit2(c, 0x41, 0x5e);				/* pop %r14 */
	emit2(c, 0x41, 0x5d);				/* pop %r13 */
	emit2(c, 0x41, 0x5c);				/* pop %r12 */
	emit1(c, 0x5b);					/* pop %rbx */
	emit1(c, 0x5d);					/* pop %rbp */
	emit_ret(c);
}

/*
 * Where a run that enters at a pc that is no entry point goes: back out at
 * once, to the interpreter at run->pc.  Every pc has a code address, so
 * that the entry's indirect jump never goes outside the code, not even
 * speculatively.
 */
static void emit_to_interp(struct script_jit_ctx *c)
{
	c->to_interp = jit_here(c);
	emit_load64(c, X_AUX, X_RBP, FP_RUN);
	emit_rm(c, false, false, 0x8b, X_AUX, X_AUX,
		offsetof(struct script_jit_run, pc));
	emit_mov_imm(c, false, X_AUX2, SCRIPT_JIT_BUDGET);
	emit_jmp(c, c->epilogue);
}

static int script_jit_op(struct script_jit_run *run, u32 id, u64 *left);
static bool script_jit_yield(struct script_jit_run *run);

/*
 * A yield point before a backward jump to @target: the flags test and the
 * countdown inline, the rest in a stub that calls script_jit_yield() and
 * parks the run at the target on a signal.
 */
static void emit_yield(struct script_jit_ctx *c, u32 target)
{
	u32 stub, at;

	/* The stub's offset: it is emitted below, in the stub stream. */
	stub = c->spos;
	emit_load64(c, X_AUX2, X_RBP, FP_FLAGS);
	emit_rm(c, false, false, 0xf7, 0, X_AUX2, 0);	/* test */
	emit_u32(c, SCRIPT_YIELD_FLAGS);
	emit_jcc(c, CC_NE, stub);
	emit_rm(c, false, false, 0x83, 5, X_RBP, FP_QUIET);	/* sub $1 */
	emit1(c, 1);
	emit_jcc(c, CC_E, stub);
	emit_jmp(c, c->addrs[target]);

	jit_stub_begin(c);
	emit_spill_args(c);
	emit_clac(c);
	emit_bhb_barrier(c);
	emit_load64(c, X_RDI, X_RBP, FP_RUN);
	emit_call(c, script_jit_yield);
	emit_stac(c);
	emit_rr0f(c, false, 0xb6, X_AUX2, X_RAX);	/* movzx %al,%r11d */
	emit_fill_args(c);
	emit_rm(c, false, false, 0xc7, 0, X_RBP, FP_QUIET);
	emit_u32(c, SCRIPT_QUIET_YIELDS);
	emit_rr(c, false, 0x85, X_AUX2, X_AUX2);	/* test */
	at = emit_jcc_fwd(c, CC_NE);
	emit_jmp(c, c->addrs[target]);
	jit_fix(c, at);
	emit_leave(c, target, SCRIPT_JIT_PARK, 0);
	jit_stub_end(c);
}

/* A load or store at @pc, the @k-th instruction of a block of @n */
static void emit_access_site(struct script_jit_ctx *c, u32 insn_at, u32 pc,
			     u32 k, u32 n)
{
	struct script_jit_exsite *s = &c->sites[c->num_sites++];

	s->insn = insn_at;
	jit_stub_begin(c);
	s->fixup = jit_here(c);
	emit_leave(c, pc, SCRIPT_JIT_FAULT, n - k);
	jit_stub_end(c);
}

/* r11 = the masked address @base + @off */
static void emit_uaddr(struct script_jit_ctx *c, u8 base, s16 off)
{
	emit_rm(c, false, true, 0x8d, X_AUX2, base, off);	/* lea */
	emit_rr(c, true, 0x39, X_UMAX, X_AUX2);			/* cmp */
	emit_rr0f(c, true, 0x47, X_AUX2, X_UMAX);		/* cmova */
}

static int emit_ldx(struct script_jit_ctx *c, const struct script_insn *insn,
		    u32 pc, u32 k, u32 n)
{
	u8 dst = script_jit_reg[insn->dst_reg];
	bool sx = SCRIPT_MODE(insn->code) == SCRIPT_MEMSX;
	u32 at;

	emit_uaddr(c, script_jit_reg[insn->src_reg], insn->off);
	at = jit_here(c);
	switch (SCRIPT_SIZE(insn->code)) {
	case SCRIPT_B:
		emit_rm0f(c, sx, sx ? 0xbe : 0xb6, dst, X_AUX2, 0);
		break;
	case SCRIPT_H:
		emit_rm0f(c, sx, sx ? 0xbf : 0xb7, dst, X_AUX2, 0);
		break;
	case SCRIPT_W:
		emit_rm(c, false, sx, sx ? 0x63 : 0x8b, dst, X_AUX2, 0);
		break;
	default:
		emit_rm(c, false, true, 0x8b, dst, X_AUX2, 0);
		break;
	}
	emit_access_site(c, at, pc, k, n);
	return 0;
}

static int emit_st(struct script_jit_ctx *c, const struct script_insn *insn,
		   u32 pc, u32 k, u32 n)
{
	bool imm = SCRIPT_CLASS(insn->code) == SCRIPT_ST;
	u8 src = imm ? X_AUX : script_jit_reg[insn->src_reg];
	u8 size = SCRIPT_SIZE(insn->code);
	u32 at;

	if (imm && c->blind)
		emit_imm_to(c, true, X_AUX, insn->imm);
	emit_uaddr(c, script_jit_reg[insn->dst_reg], insn->off);
	at = jit_here(c);
	if (imm && !c->blind) {
		switch (size) {
		case SCRIPT_B:
			emit_rm(c, false, false, 0xc6, 0, X_AUX2, 0);
			emit1(c, insn->imm);
			break;
		case SCRIPT_H:
			emit_rm(c, true, false, 0xc7, 0, X_AUX2, 0);
			emit2(c, insn->imm, insn->imm >> 8);
			break;
		default:
			emit_rm(c, false, size == SCRIPT_DW, 0xc7, 0, X_AUX2, 0);
			emit_u32(c, insn->imm);
			break;
		}
	} else {
		switch (size) {
		case SCRIPT_B:
			emit_rm(c, false, false, 0x88, src, X_AUX2, 0);
			break;
		case SCRIPT_H:
			emit_rm(c, true, false, 0x89, src, X_AUX2, 0);
			break;
		default:
			emit_rm(c, false, size == SCRIPT_DW, 0x89, src, X_AUX2, 0);
			break;
		}
	}
	emit_access_site(c, at, pc, k, n);
	return 0;
}

/* Division and modulo, with the interpreter's results for every divisor */
static void emit_divmod(struct script_jit_ctx *c, const struct script_insn *insn)
{
	bool w = SCRIPT_CLASS(insn->code) == SCRIPT_ALU64;
	bool mod = SCRIPT_OP(insn->code) == SCRIPT_MOD;
	bool sgn = insn->off == 1;
	u8 dst = script_jit_reg[insn->dst_reg];
	u32 to_zero, to_neg = 0, done1, done2;

	if (SCRIPT_SRC(insn->code) == SCRIPT_X)
		emit_mov(c, w, X_AUX2, script_jit_reg[insn->src_reg]);
	else
		emit_imm_to(c, w, X_AUX2, insn->imm);
	emit_rr(c, w, 0x85, X_AUX2, X_AUX2);		/* test */
	to_zero = emit_jcc_fwd(c, CC_E);
	if (sgn) {
		emit_rr(c, w, 0x83, 7, X_AUX2);		/* cmp $-1 */
		emit1(c, 0xff);
		to_neg = emit_jcc_fwd(c, CC_E);
	}
	emit_mov(c, true, X_AUX, X_RAX);
	emit_mov(c, true, X_R9, X_RDX);
	if (dst == X_RDX)
		emit_mov(c, true, X_RAX, X_R9);
	else if (dst != X_RAX)
		emit_mov(c, true, X_RAX, dst);
	if (sgn) {
		if (w)
			emit2(c, 0x48, 0x99);		/* cqo */
		else
			emit1(c, 0x99);			/* cdq */
	} else {
		emit2(c, 0x31, 0xd2);			/* xor %edx,%edx */
	}
	emit_rr(c, w, 0xf7, sgn ? 7 : 6, X_AUX2);	/* idiv, div */
	emit_mov(c, true, X_AUX2, mod ? X_RDX : X_RAX);
	emit_mov(c, true, X_RAX, X_AUX);
	emit_mov(c, true, X_RDX, X_R9);
	emit_mov(c, true, dst, X_AUX2);
	emit_umax(c);
	done1 = emit_jmp_fwd(c);

	/* Divisor 0: the quotient is 0, the remainder the dividend. */
	jit_fix(c, to_zero);
	if (!mod)
		emit_rr(c, false, 0x31, dst, dst);	/* xor */
	else if (!w)
		emit_mov(c, false, dst, dst);
	done2 = emit_jmp_fwd(c);

	/* Signed, divisor -1: the quotient is the negation, the remainder 0. */
	if (sgn) {
		jit_fix(c, to_neg);
		if (!mod)
			emit_rr(c, w, 0xf7, 3, dst);	/* neg */
		else
			emit_rr(c, false, 0x31, dst, dst);
	}
	jit_fix(c, done1);
	jit_fix(c, done2);
}

/* A shift by a register: the count must be in cl, and r4 lives in rcx */
static void emit_shift_x(struct script_jit_ctx *c, bool w, u8 digit, u8 dst,
			 u8 src)
{
	if (src == X_RCX) {
		emit_rr(c, w, 0xd3, digit, dst);
		return;
	}
	emit_mov(c, true, X_AUX2, X_RCX);
	emit_mov(c, true, X_RCX, src);
	emit_rr(c, w, 0xd3, digit, dst == X_RCX ? X_AUX2 : dst);
	emit_mov(c, true, X_RCX, X_AUX2);
}

static void emit_bswap(struct script_jit_ctx *c, u8 dst, s32 bits)
{
	switch (bits) {
	case 16:
		emit1(c, 0x66);				/* rol $8,%dst16 */
		emit_rr(c, false, 0xc1, 0, dst);
		emit1(c, 8);
		emit_rr0f(c, false, 0xb7, dst, dst);	/* movzwl */
		break;
	case 32:
		emit_rex(c, false, 0, dst);
		emit2(c, 0x0f, 0xc8 + (dst & 7));
		break;
	default:
		emit_rex(c, true, 0, dst);
		emit2(c, 0x0f, 0xc8 + (dst & 7));
		break;
	}
}

/* ALU and ALU64 */
static int emit_alu(struct script_jit_ctx *c, const struct script_insn *insn)
{
	bool w = SCRIPT_CLASS(insn->code) == SCRIPT_ALU64;
	bool x = SCRIPT_SRC(insn->code) == SCRIPT_X;
	u8 op = SCRIPT_OP(insn->code);
	u8 dst = script_jit_reg[insn->dst_reg];
	u8 src = script_jit_reg[insn->src_reg];
	static const u8 alu_op[] = {
		[SCRIPT_ADD >> 4] = 0x01, [SCRIPT_SUB >> 4] = 0x29,
		[SCRIPT_OR >> 4] = 0x09, [SCRIPT_AND >> 4] = 0x21,
		[SCRIPT_XOR >> 4] = 0x31,
	};
	static const u8 alu_digit[] = {
		[SCRIPT_ADD >> 4] = 0, [SCRIPT_SUB >> 4] = 5,
		[SCRIPT_OR >> 4] = 1, [SCRIPT_AND >> 4] = 4,
		[SCRIPT_XOR >> 4] = 6,
	};
	static const u8 shift_digit[] = {
		[SCRIPT_LSH >> 4] = 4, [SCRIPT_RSH >> 4] = 5,
		[SCRIPT_ARSH >> 4] = 7,
	};

	switch (op) {
	case SCRIPT_ADD:
	case SCRIPT_SUB:
	case SCRIPT_OR:
	case SCRIPT_AND:
	case SCRIPT_XOR:
		if (!x && c->blind) {
			emit_imm_to(c, true, X_AUX, insn->imm);
			src = X_AUX;
			x = true;
		}
		if (x)
			emit_rr(c, w, alu_op[op >> 4], src, dst);
		else
			emit_alu_imm(c, w, alu_digit[op >> 4], dst, insn->imm);
		break;
	case SCRIPT_MUL:
		if (!x && c->blind) {
			emit_imm_to(c, true, X_AUX, insn->imm);
			src = X_AUX;
			x = true;
		}
		if (x) {
			emit_rr0f(c, w, 0xaf, dst, src);	/* imul */
		} else {
			emit_rr(c, w, 0x69, dst, dst);
			emit_u32(c, insn->imm);
		}
		break;
	case SCRIPT_LSH:
	case SCRIPT_RSH:
	case SCRIPT_ARSH:
		if (x) {
			emit_shift_x(c, w, shift_digit[op >> 4], dst, src);
		} else {
			/* The verifier checked the count: 6 bits, not blinded. */
			emit_rr(c, w, 0xc1, shift_digit[op >> 4], dst);
			emit1(c, insn->imm);
		}
		break;
	case SCRIPT_NEG:
		emit_rr(c, w, 0xf7, 3, dst);
		break;
	case SCRIPT_DIV:
	case SCRIPT_MOD:
		emit_divmod(c, insn);
		break;
	case SCRIPT_MOV:
		if (!x) {
			emit_imm_to(c, w, dst, insn->imm);
			break;
		}
		switch (insn->off) {
		case 0:
			emit_mov(c, w, dst, src);
			break;
		case 8:
			emit_rr0f(c, w, 0xbe, dst, src);	/* movsx */
			break;
		case 16:
			emit_rr0f(c, w, 0xbf, dst, src);
			break;
		default:
			emit_rr(c, true, 0x63, dst, src);	/* movsxd */
			break;
		}
		break;
	case SCRIPT_END:
		if (w || SCRIPT_SRC(insn->code) == SCRIPT_TO_BE) {
			emit_bswap(c, dst, insn->imm);
			break;
		}
		/* To little endian, on a little-endian machine: a truncation. */
		if (insn->imm == 16)
			emit_rr0f(c, false, 0xb7, dst, dst);
		else if (insn->imm == 32)
			emit_mov(c, false, dst, dst);
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

static u8 script_jit_cc(u8 op)
{
	switch (op) {
	case SCRIPT_JEQ:
		return CC_E;
	case SCRIPT_JNE:
	case SCRIPT_JSET:
		return CC_NE;
	case SCRIPT_JGT:
		return CC_A;
	case SCRIPT_JGE:
		return CC_AE;
	case SCRIPT_JLT:
		return CC_B;
	case SCRIPT_JLE:
		return CC_BE;
	case SCRIPT_JSGT:
		return CC_G;
	case SCRIPT_JSGE:
		return CC_GE;
	case SCRIPT_JSLT:
		return CC_L;
	default:
		return CC_LE;
	}
}

/* A conditional jump from @pc to @target */
static int emit_jcond(struct script_jit_ctx *c, const struct script_insn *insn,
		      u32 pc, u32 target)
{
	bool w = SCRIPT_CLASS(insn->code) == SCRIPT_JMP;
	bool x = SCRIPT_SRC(insn->code) == SCRIPT_X;
	u8 op = SCRIPT_OP(insn->code);
	u8 dst = script_jit_reg[insn->dst_reg];
	u8 src = script_jit_reg[insn->src_reg];
	u8 cc = script_jit_cc(op);
	u32 skip;

	if (!x && c->blind) {
		emit_imm_to(c, true, X_AUX, insn->imm);
		src = X_AUX;
		x = true;
	}
	if (op == SCRIPT_JSET) {
		if (x) {
			emit_rr(c, w, 0x85, src, dst);		/* test */
		} else {
			emit_rr(c, w, 0xf7, 0, dst);
			emit_u32(c, insn->imm);
		}
	} else if (x) {
		emit_rr(c, w, 0x39, src, dst);			/* cmp */
	} else {
		emit_alu_imm(c, w, 7, dst, insn->imm);
	}
	if (target > pc) {
		emit_jcc(c, cc, c->addrs[target]);
		return 0;
	}
	/* A back edge: a yield point when taken. */
	skip = emit_jcc_fwd(c, cc ^ 1);
	emit_yield(c, target);
	jit_fix(c, skip);
	return 0;
}

static u32 script_jit_call(struct script_jit_run *run, u32 pc);
static void *script_jit_ret(struct script_jit_run *run);

/* r0 to r10 to the run's registers, and back */
static void emit_spill_all(struct script_jit_ctx *c)
{
	int r;

	emit_load64(c, X_AUX, X_RBP, FP_REGS);
	for (r = 0; r < __MAX_SCRIPT_REG; r++)
		emit_store64(c, X_AUX, r * 8, script_jit_reg[r]);
}

static void emit_fill_all(struct script_jit_ctx *c)
{
	int r;

	emit_load64(c, X_AUX, X_RBP, FP_REGS);
	for (r = 0; r < __MAX_SCRIPT_REG; r++)
		emit_load64(c, script_jit_reg[r], X_AUX, r * 8);
	emit_umax(c);
}

/*
 * A subprogram call at @pc to @target: script_jit_call() keeps the
 * caller's frame in struct script_state as the interpreter does, then a
 * direct jump.  A signal or a failed call leaves with the call not run.
 */
static void emit_pseudo_call(struct script_jit_ctx *c, u32 pc, u32 target)
{
	u32 stub = c->spos;

	emit_spill_all(c);
	emit_clac(c);
	emit_bhb_barrier(c);
	emit_load64(c, X_RDI, X_RBP, FP_RUN);
	emit_mov_imm(c, false, X_RSI, pc);
	emit_call(c, script_jit_call);
	emit_stac(c);
	emit_mov(c, false, X_AUX2, X_RAX);
	emit_fill_args(c);
	emit_load64(c, script_jit_reg[SCRIPT_REG_10], X_AUX,
		    SCRIPT_REG_10 * 8);
	emit_rr(c, false, 0x85, X_AUX2, X_AUX2);
	emit_jcc(c, CC_NE, stub);
	emit_jmp(c, c->addrs[target]);

	/* The event is in r11d already. */
	jit_stub_begin(c);
	emit_rm(c, false, true, 0x81, 0, X_RBP, FP_LEFT);	/* add */
	emit_u32(c, 1);
	emit_mov_imm(c, false, X_AUX, pc);
	emit_jmp(c, c->epilogue);
	jit_stub_end(c);
}

/*
 * EXIT: of the main program, back to script_jit_exec(); of a subprogram,
 * script_jit_ret() restores the caller and gives the code of its return
 * site, an entry point, reached through the entry's indirect jump.
 */
static void emit_exit(struct script_jit_ctx *c, u32 pc)
{
	u32 sub;

	emit_load64(c, X_AUX, X_RBP, FP_REGS);
	emit_rm(c, false, false, 0x83, 7, X_AUX,		/* cmp $0 */
		(int)offsetof(struct script_state, depth) -
		(int)offsetof(struct script_state, regs));
	emit1(c, 0);
	sub = emit_jcc_fwd(c, CC_NE);
	emit_leave(c, pc, SCRIPT_JIT_EXIT, 0);
	jit_fix(c, sub);
	emit_spill_args(c);
	emit_clac(c);
	emit_bhb_barrier(c);
	emit_load64(c, X_RDI, X_RBP, FP_RUN);
	emit_call(c, script_jit_ret);
	emit_stac(c);
	emit_mov(c, true, X_AUX2, X_RAX);
	emit_fill_all(c);
	emit_indirect_jump_r11(c);
}

/* An op: a call to script_jit_op(), which parks the run when it stops */
static void emit_op(struct script_jit_ctx *c, u32 pc, u32 id)
{
	u32 stub = c->spos;

	emit_spill_args(c);
	emit_clac(c);
	emit_bhb_barrier(c);
	emit_load64(c, X_RDI, X_RBP, FP_RUN);
	emit_mov_imm(c, false, X_RSI, id);
	emit_rm(c, false, true, 0x8d, X_RDX, X_RBP, FP_LEFT);	/* lea */
	emit_call(c, script_jit_op);
	emit_stac(c);
	emit_mov(c, false, X_AUX2, X_RAX);
	emit_fill_args(c);
	emit_rr(c, false, 0x85, X_AUX2, X_AUX2);
	emit_jcc(c, CC_NE, stub);

	/* The op did not take effect: it is not counted. */
	jit_stub_begin(c);
	emit_leave(c, pc, SCRIPT_JIT_PARK, 1);
	jit_stub_end(c);
}

/* The start of a block: the budget check */
static void emit_block(struct script_jit_ctx *c, u32 pc, u32 n)
{
	u32 stub = c->spos;

	if (test_bit(pc, c->entry))
		emit_endbr(c);
	emit_rm(c, false, true, 0x81, 5, X_RBP, FP_LEFT);	/* sub */
	emit_u32(c, n);
	emit_jcc(c, CC_B, stub);

	jit_stub_begin(c);
	emit_leave(c, pc, SCRIPT_JIT_BUDGET, n);
	jit_stub_end(c);
}

static bool script_jit_is_ldimm64(const struct script_insn *insn)
{
	return insn->code == (SCRIPT_LD | SCRIPT_IMM | SCRIPT_DW);
}

/* One pass over the program: sizes it with c->image NULL, writes it else */
static int script_jit_pass(struct script_jit_ctx *c,
			   const struct script_prog *prog)
{
	const struct script_insn *insns = prog->insns;
	u32 pc, k = 0, n = 0;
	int err;

	c->pos = 0;
	c->num_sites = 0;
	c->in_stub = false;
	emit_prologue(c);
	jit_stub_begin(c);
	emit_epilogue(c);
	emit_to_interp(c);
	jit_stub_end(c);

	for (pc = 0; pc < prog->len; pc++) {
		const struct script_insn *insn = &insns[pc];
		s32 off;

		if (c->image && c->addrs[pc] != c->pos)
			return -EFAULT;
		c->addrs[pc] = c->pos;
		if (pc && script_jit_is_ldimm64(&insns[pc - 1]))
			continue;
		if (c->block[pc]) {
			n = c->block[pc];
			k = 0;
			emit_block(c, pc, n);
		}

		switch (SCRIPT_CLASS(insn->code)) {
		case SCRIPT_ALU:
		case SCRIPT_ALU64:
			err = emit_alu(c, insn);
			break;
		case SCRIPT_LD:
			if (c->blind) {
				u32 key = c->image ? get_random_u32() : 0;
				u64 v = (u64)(u32)insn->imm |
					(u64)(u32)insn[1].imm << 32;
				u64 k64 = (u64)key << 32 | (c->image ? get_random_u32() : 0);
				u8 dst = script_jit_reg[insn->dst_reg];

				emit_movabs(c, dst, v ^ k64);
				emit_movabs(c, X_AUX, k64);
				emit_rr(c, true, 0x31, X_AUX, dst);
			} else {
				emit_movabs(c, script_jit_reg[insn->dst_reg],
					    (u64)(u32)insn->imm |
					    (u64)(u32)insn[1].imm << 32);
			}
			err = 0;
			break;
		case SCRIPT_LDX:
			err = emit_ldx(c, insn, pc, k, n);
			break;
		case SCRIPT_ST:
		case SCRIPT_STX:
			err = emit_st(c, insn, pc, k, n);
			break;
		case SCRIPT_JMP:
		case SCRIPT_JMP32:
			switch (SCRIPT_OP(insn->code)) {
			case SCRIPT_JA:
				off = SCRIPT_CLASS(insn->code) == SCRIPT_JMP32 ?
				      insn->imm : insn->off;
				if (off < 0)
					emit_yield(c, pc + off + 1);
				else
					emit_jmp(c, c->addrs[pc + off + 1]);
				err = 0;
				break;
			case SCRIPT_CALL:
				if (insn->src_reg == SCRIPT_PSEUDO_CALL)
					emit_pseudo_call(c, pc, pc + insn->imm + 1);
				else
					emit_op(c, pc, insn->imm);
				err = 0;
				break;
			case SCRIPT_EXIT:
				emit_exit(c, pc);
				err = 0;
				break;
			default:
				err = emit_jcond(c, insn, pc, pc + insn->off + 1);
				break;
			}
			break;
		default:
			err = -EINVAL;
			break;
		}
		if (err)
			return err;
		k++;
	}
	return 0;
}

/*
 * Marks the blocks and the entry points.  A block ends at a jump, a call,
 * an op or EXIT, and before a jump target or an entry point; every entry
 * point starts a block, so that a run entering there checks its budget.
 */
static void script_jit_blocks(struct script_jit_ctx *c,
			      const struct script_prog *prog)
{
	const struct script_insn *insns = prog->insns;
	u32 pc, lead = 0, len = prog->len;
	unsigned long *leader = c->entry + BITS_TO_LONGS(len);

	__set_bit(0, c->entry);
	for (pc = 0; pc < len; pc++) {
		const struct script_insn *insn = &insns[pc];
		u8 class = SCRIPT_CLASS(insn->code), op = SCRIPT_OP(insn->code);
		s32 off;

		if (script_jit_is_ldimm64(insn)) {
			pc++;
			continue;
		}
		if (class != SCRIPT_JMP && class != SCRIPT_JMP32)
			continue;
		if (pc + 1 < len)
			__set_bit(pc + 1, leader);
		if (op == SCRIPT_CALL) {
			__set_bit(pc, c->entry);
			if (insn->src_reg == SCRIPT_PSEUDO_CALL) {
				__set_bit(pc + insn->imm + 1, c->entry);
				if (pc + 1 < len)
					__set_bit(pc + 1, c->entry);
			}
			continue;
		}
		if (op == SCRIPT_EXIT)
			continue;
		off = class == SCRIPT_JMP32 && op == SCRIPT_JA ? insn->imm :
		      insn->off;
		__set_bit(pc + off + 1, leader);
		if (off < 0)
			__set_bit(pc + off + 1, c->entry);
	}

	for (pc = 0; pc < len; pc++) {
		c->block[pc] = 0;
		if (pc && script_jit_is_ldimm64(&insns[pc - 1]))
			continue;
		if (!pc || test_bit(pc, leader) || test_bit(pc, c->entry))
			lead = pc;
		c->block[lead]++;
	}
}

static int script_jit_charge(struct script_jit *jit)
{
	long limit = READ_ONCE(sysctl_script_jit_limit);

	if (atomic_long_add_return(jit->size, &script_jit_bytes) > limit) {
		atomic_long_sub(jit->size, &script_jit_bytes);
		return -ENOSPC;
	}
#ifdef CONFIG_MEMCG
	jit->objcg = get_obj_cgroup_from_current();
	if (jit->objcg && obj_cgroup_charge(jit->objcg, GFP_KERNEL, jit->size)) {
		obj_cgroup_put(jit->objcg);
		jit->objcg = NULL;
		atomic_long_sub(jit->size, &script_jit_bytes);
		return -ENOMEM;
	}
#endif
	return 0;
}

static void script_jit_uncharge(struct script_jit *jit)
{
#ifdef CONFIG_MEMCG
	if (jit->objcg) {
		obj_cgroup_uncharge(jit->objcg, jit->size);
		obj_cgroup_put(jit->objcg);
	}
#endif
	atomic_long_sub(jit->size, &script_jit_bytes);
}

static void script_jit_free_work(struct work_struct *work)
{
	struct script_jit *jit = container_of(to_rcu_work(work),
					      struct script_jit, free_work);

	execmem_free(jit->image);
	script_jit_uncharge(jit);
	kvfree(jit->entry);
	kfree(jit);
}

/**
 * script_jit_compile() - compile a verified program
 * @prog: the program; prog->jit is set on success
 * @blind: blind the program's constants (a loader without CAP_SYS_ADMIN)
 *
 * Return: 0, -ENOSPC past kernel.script_jit_limit, -ENOMEM, or -EINVAL
 * for an instruction the compiler does not know (a bug: the interpreter
 * runs the program then).
 */
int script_jit_compile(struct script_prog *prog, bool blind)
{
	struct script_jit_ctx c = {
		.smap = cpu_feature_enabled(X86_FEATURE_SMAP),
		.blind = blind,
		.umax = (unsigned long)mask_user_address((void __user *)~0UL),
	};
	u32 len = prog->len, code, stubs, i, exoff;
	struct exception_table_entry *ex;
	struct script_jit *jit;
	int err = -ENOMEM;

	jit = kzalloc(sizeof(*jit), GFP_KERNEL_ACCOUNT);
	if (!jit)
		return -ENOMEM;
	c.addrs = kvcalloc(len, sizeof(*c.addrs), GFP_KERNEL_ACCOUNT);
	c.block = kvcalloc(len, sizeof(*c.block), GFP_KERNEL_ACCOUNT);
	c.entry = kvcalloc(2 * BITS_TO_LONGS(len), sizeof(long), GFP_KERNEL_ACCOUNT);
	c.sites = kvcalloc(len, sizeof(*c.sites), GFP_KERNEL_ACCOUNT);
	jit->entry = kvmalloc_array(len, sizeof(*jit->entry), GFP_KERNEL_ACCOUNT);
	if (!c.addrs || !c.block || !c.entry || !c.sites || !jit->entry)
		goto out;

	script_jit_blocks(&c, prog);

	/* Sizing: the stubs are placed as if the code took no room. */
	c.spos = 0;
	err = script_jit_pass(&c, prog);
	if (err)
		goto out;
	code = c.pos;
	stubs = c.spos;
	exoff = ALIGN(code + stubs, 4);
	jit->num_exentries = c.num_sites;
	jit->size = PAGE_ALIGN(exoff + c.num_sites * sizeof(*ex));
	jit->blinded = blind;

	err = script_jit_charge(jit);
	if (err)
		goto out;
	jit->image = execmem_alloc(EXECMEM_BPF, jit->size);
	if (!jit->image) {
		script_jit_uncharge(jit);
		err = -ENOMEM;
		goto out;
	}
	/* Whatever no pass writes traps. */
	memset(jit->image, 0xcc, jit->size);

	c.image = jit->image;
	c.spos = code;
	err = script_jit_pass(&c, prog);
	if (!err && (c.pos != code || c.spos != code + stubs ||
		     c.num_sites != jit->num_exentries))
		err = -EFAULT;
	if (err) {
		WARN_ONCE(1, "script: compiled code changed size between passes\n");
		goto out_free;
	}

	ex = (struct exception_table_entry *)(jit->image + exoff);
	for (i = 0; i < c.num_sites; i++) {
		ex[i].insn = (long)(jit->image + c.sites[i].insn) - (long)&ex[i].insn;
		ex[i].fixup = (long)(jit->image + c.sites[i].fixup) - (long)&ex[i].fixup;
		ex[i].data = EX_TYPE_UACCESS;
	}
	jit->extable = ex;

	for (i = 0; i < len; i++)
		jit->entry[i] = test_bit(i, c.entry) ? c.addrs[i] : c.to_interp;

	/* W^X: from here on the image is read-only and executable. */
	err = set_memory_rox((unsigned long)jit->image, jit->size >> PAGE_SHIFT);
	if (err)
		goto out_free;

	err = script_jit_publish(jit);
	if (err)
		goto out_free;
	prog->jit = jit;
	jit = NULL;
	err = 0;
	goto out;

out_free:
	execmem_free(jit->image);
	script_jit_uncharge(jit);
out:
	kvfree(c.addrs);
	kvfree(c.block);
	kvfree(c.entry);
	kvfree(c.sites);
	if (jit) {
		kvfree(jit->entry);
		kfree(jit);
	}
	return err;
}

/**
 * script_jit_free() - release a program's compiled code
 * @prog: the program, which no run uses any more
 *
 * The image leaves the lookup at once and is freed after an RCU
 * grace period, when no lookup can see it.
 */
void script_jit_free(struct script_prog *prog)
{
	struct script_jit *jit = prog->jit;

	if (!jit)
		return;
	prog->jit = NULL;
	script_jit_unpublish(jit);
	INIT_RCU_WORK(&jit->free_work, script_jit_free_work);
	queue_rcu_work(system_wq, &jit->free_work);
}

/* Bytes of a program's compiled code, for fdinfo */
u32 script_jit_size(const struct script_prog *prog)
{
	return prog->jit ? prog->jit->size : 0;
}

bool script_jit_blinded(const struct script_prog *prog)
{
	return prog->jit && prog->jit->blinded;
}

/* Called from compiled code: an op, as the interpreter calls it */
static int script_jit_op(struct script_jit_run *run, u32 id, u64 *left)
{
	struct script_run_ctx *ctx = run->ctx;
	int err;

	ctx->steps = ctx->limit - *left;
	err = script_call_op(run->regs, ctx, id);
	*left = ctx->limit - ctx->steps;
	return err;
}

/*
 * Called from compiled code: a subprogram call at @pc, counted.  Return:
 * 0 to go on into the callee, SCRIPT_JIT_PARK when a signal stops the run
 * at the call, SCRIPT_JIT_STOP when the call fails (run->err).
 */
static u32 script_jit_call(struct script_jit_run *run, u32 pc)
{
	int err;

	if (script_yield(run->ctx))
		return SCRIPT_JIT_PARK;
	err = script_call(run->st, run->ctx, pc);
	if (err) {
		run->err = err;
		return SCRIPT_JIT_STOP;
	}
	return 0;
}

/* Called from compiled code: a subprogram's EXIT; the code to go on at */
static void *script_jit_ret(struct script_jit_run *run)
{
	const struct script_prog *prog = run->prog;
	u32 pc = script_return(run->st);

	return prog->jit->image +
	       prog->jit->entry[array_index_nospec(pc, prog->len)];
}

/* Called from compiled code: a yield point's slow path */
static bool script_jit_yield(struct script_jit_run *run)
{
	return script_yield_slow(run->ctx);
}

typedef u32 (*script_jit_enter_t)(struct script_jit_run *run, void *code);

/**
 * script_jit_exec() - run a program in its compiled code
 * @prog: the program, compiled
 * @ctx: the run
 * @st: its state: registers, frames
 * @pcp: in: where to start, an entry point; out: where the run stopped
 * @stepsp: in and out: the steps so far
 *
 * Return: as script_interp(): 0 at the main program's EXIT,
 * SCRIPT_PARKED when a signal parks the run, a negative errno when it
 * stops, or SCRIPT_INTERP when the interpreter must go on from *@pcp.
 */
int script_jit_exec(const struct script_prog *prog, struct script_run_ctx *ctx,
		    struct script_state *st, u32 *pcp, u64 *stepsp)
{
	const struct script_jit *jit = prog->jit;
	script_jit_enter_t enter = (script_jit_enter_t)jit->image;
	struct script_jit_run run = {
		.regs = st->regs,
		.flags = &current_thread_info()->flags,
		.ctx = ctx,
		.st = st,
		.prog = prog,
	};
	u32 pc = *pcp, event;
	u64 steps = *stepsp;
	int err;

	for (;;) {
		/* A parked run may come with more steps than its budget. */
		if (steps >= ctx->limit) {
			err = SCRIPT_INTERP;
			break;
		}
		run.left = ctx->limit - steps;
		run.pc = pc;
		event = enter(&run, jit->image +
			      jit->entry[array_index_nospec(pc, prog->len)]);
		steps = ctx->limit - run.left;
		pc = run.pc;

		switch (event) {
		case SCRIPT_JIT_EXIT:
			/* The main program's: a subprogram's stays in the code. */
			ctx->retval = st->regs[SCRIPT_REG_0];
			err = 0;
			break;
		case SCRIPT_JIT_STOP:
			err = run.err;
			break;
		case SCRIPT_JIT_FAULT:
			err = -EFAULT;
			break;
		case SCRIPT_JIT_PARK:
			err = SCRIPT_PARKED;
			break;
		default:
			err = SCRIPT_INTERP;
			break;
		}
		break;
	}
	*pcp = pc;
	*stepsp = steps;
	return err;
}
