// SPDX-License-Identifier: GPL-2.0
/*
 * script(2): the system call entry.
 *
 * script(cmd, attr, size) copies an extensible struct script_attr in the
 * manner of openat2(2), checks that the fields the command does not use
 * are zero, and then verifies, loads or runs a program.
 */

#include <crypto/sha2.h>
#include <linux/anon_inodes.h>
#include <linux/capability.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/syscalls.h>
#include <linux/sysctl.h>
#include <linux/uaccess.h>

#include "script.h"

/*
 * kernel.script_restrict: who may call script(2).
 *   0  everyone (the default): a program can do nothing its caller could
 *      not do with plain system calls;
 *   1  only callers with CAP_SYS_ADMIN;
 *   2  nobody, until the next boot: once 2, the value cannot be lowered.
 * CONFIG_SCRIPT_RESTRICT_DEFAULT is its value at boot.
 */
#define SCRIPT_RESTRICT_NONE	0
#define SCRIPT_RESTRICT_ADMIN	1
#define SCRIPT_RESTRICT_ALL	2

static int sysctl_script_restrict __read_mostly = CONFIG_SCRIPT_RESTRICT_DEFAULT;
int sysctl_script_jit __read_mostly = IS_ENABLED(CONFIG_SCRIPT_JIT);
unsigned long sysctl_script_jit_limit __read_mostly = SZ_64M;

#ifdef CONFIG_SYSCTL
static int script_restrict_handler(const struct ctl_table *table, int write,
				   void *buffer, size_t *lenp, loff_t *ppos)
{
	static DEFINE_MUTEX(lock);
	struct ctl_table tmp = *table;
	int ret, val;

	if (write && !capable(CAP_SYS_ADMIN))
		return -EPERM;

	mutex_lock(&lock);
	val = READ_ONCE(sysctl_script_restrict);
	tmp.data = &val;
	ret = proc_dointvec_minmax(&tmp, write, buffer, lenp, ppos);
	if (write && !ret) {
		if (sysctl_script_restrict == SCRIPT_RESTRICT_ALL &&
		    val != SCRIPT_RESTRICT_ALL)
			ret = -EPERM;
		else
			WRITE_ONCE(sysctl_script_restrict, val);
	}
	mutex_unlock(&lock);
	return ret;
}

/* kernel.script_jit: 0 to 2 with the compiler, 0 alone without it */
static int script_jit_handler(const struct ctl_table *table, int write,
			      void *buffer, size_t *lenp, loff_t *ppos)
{
	struct ctl_table tmp = *table;
	int max = IS_ENABLED(CONFIG_SCRIPT_JIT) ? 2 : 0;

	if (write && !capable(CAP_SYS_ADMIN))
		return -EPERM;
	tmp.extra2 = &max;
	return proc_dointvec_minmax(&tmp, write, buffer, lenp, ppos);
}

/* kernel.script_jit_limit: bytes, written by CAP_SYS_ADMIN alone */
static int script_jit_limit_handler(const struct ctl_table *table, int write,
				    void *buffer, size_t *lenp, loff_t *ppos)
{
	if (write && !capable(CAP_SYS_ADMIN))
		return -EPERM;
	return proc_doulongvec_minmax(table, write, buffer, lenp, ppos);
}

static unsigned long script_jit_limit_min = PAGE_SIZE;
static unsigned long script_jit_limit_max = LONG_MAX;

static struct ctl_table script_sysctl_table[] = {
	{
		.procname	= "script_restrict",
		.data		= &sysctl_script_restrict,
		.maxlen		= sizeof(sysctl_script_restrict),
		.mode		= 0644,
		.proc_handler	= script_restrict_handler,
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_TWO,
	},
	{
		.procname	= "script_moves_max",
		.data		= &sysctl_script_moves_max,
		.maxlen		= sizeof(sysctl_script_moves_max),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_INT_MAX,
	},
	{
		.procname	= "script_jit",
		.data		= &sysctl_script_jit,
		.maxlen		= sizeof(sysctl_script_jit),
		.mode		= 0644,
		.proc_handler	= script_jit_handler,
		.extra1		= SYSCTL_ZERO,
	},
	{
		.procname	= "script_jit_limit",
		.data		= &sysctl_script_jit_limit,
		.maxlen		= sizeof(sysctl_script_jit_limit),
		.mode		= 0644,
		.proc_handler	= script_jit_limit_handler,
		.extra1		= &script_jit_limit_min,
		.extra2		= &script_jit_limit_max,
	},
};

static int __init script_sysctl_init(void)
{
	register_sysctl_init("kernel", script_sysctl_table);
	return 0;
}
late_initcall(script_sysctl_init);
#endif /* CONFIG_SYSCTL */

static bool script_allowed(void)
{
	switch (READ_ONCE(sysctl_script_restrict)) {
	case SCRIPT_RESTRICT_NONE:
		return true;
	case SCRIPT_RESTRICT_ADMIN:
		return capable(CAP_SYS_ADMIN);
	}
	return false;
}

/* The tag of a loaded program, for fdinfo: as eBPF's, a digest prefix. */
static void script_prog_tag(struct script_prog *prog)
{
	u8 digest[SHA256_DIGEST_SIZE];

	sha256((const u8 *)prog->insns, array_size(prog->len, sizeof(*prog->insns)),
	       digest);
	memcpy(prog->tag, digest, sizeof(prog->tag));
}

static void script_prog_free(struct script_prog *prog)
{
	script_jit_free(prog);
	kvfree(prog);
}

static int script_prog_release(struct inode *inode, struct file *file)
{
	script_prog_free(file->private_data);
	return 0;
}

static void script_prog_show_fdinfo(struct seq_file *m, struct file *file)
{
	const struct script_prog *prog = file->private_data;

	seq_printf(m, "script-insns:\t%u\n", prog->len);
	seq_printf(m, "script-tag:\t%*phN\n", SCRIPT_TAG_SIZE, prog->tag);
	seq_printf(m, "script-runs:\t%lld\n", atomic64_read(&prog->runs));
	seq_printf(m, "script-engine:\t%s\n", prog->jit ? "jit" : "interp");
	if (prog->jit) {
		seq_printf(m, "script-jit-bytes:\t%u\n", script_jit_size(prog));
		seq_printf(m, "script-jit-blinded:\t%d\n",
			   script_jit_blinded(prog));
	} else if (prog->jit_err) {
		seq_printf(m, "script-jit-error:\t%d\n", prog->jit_err);
	}
}

static const struct file_operations script_prog_fops = {
	.release	= script_prog_release,
	.show_fdinfo	= script_prog_show_fdinfo,
	.llseek		= noop_llseek,
};

static bool script_attr_has_insns(const struct script_attr *attr)
{
	return attr->insns || attr->insn_cnt || attr->log_buf ||
	       attr->log_size || attr->log_level;
}

static bool script_attr_has_run(const struct script_attr *attr)
{
	return memchr_inv(attr->args, 0, sizeof(attr->args)) || attr->stack ||
	       attr->stack_size || attr->max_steps || attr->state ||
	       attr->state_size;
}

static int script_check_log(const struct script_attr *attr)
{
	if (attr->log_level == SCRIPT_LOG_NONE)
		return attr->log_buf || attr->log_size ? -EINVAL : 0;
	if (attr->log_level > SCRIPT_LOG_VERBOSE || !attr->log_buf)
		return -EINVAL;
	if (attr->log_size < SCRIPT_LOG_SIZE_MIN ||
	    attr->log_size > SCRIPT_LOG_SIZE_MAX)
		return -EINVAL;
	return 0;
}

static int script_check_stack(const struct script_attr *attr)
{
	u64 top;

	if (!attr->stack && !attr->stack_size)
		return 0;
	if (!attr->stack)
		return -EINVAL;
	if (!IS_ALIGNED(attr->stack, 8) || !IS_ALIGNED(attr->stack_size, 8))
		return -EINVAL;
	if (attr->stack_size < SCRIPT_STACK_MIN ||
	    attr->stack_size > SCRIPT_STACK_MAX)
		return -EINVAL;
	if (check_add_overflow(attr->stack, attr->stack_size, &top))
		return -EINVAL;
	return 0;
}

/*
 * A state area: one the size the caller knew, at least the first
 * published one; the kernel uses the part it knows.
 */
static int script_check_state(const struct script_attr *attr)
{
	if (!attr->state && !attr->state_size)
		return 0;
	if (!attr->state || attr->state_size < SCRIPT_STATE_SIZE_VER0)
		return -EINVAL;
	return 0;
}

static int script_check_run(const struct script_attr *attr)
{
	return script_check_stack(attr) ?: script_check_state(attr);
}

/* Checks the fields of @attr that @cmd takes, and that the others are 0. */
static int script_check_attr(unsigned int cmd, const struct script_attr *attr)
{
	if (attr->__pad)
		return -EINVAL;
	if (attr->flags & ~(cmd == SCRIPT_LOAD || cmd == SCRIPT_RUN ?
			    SCRIPT_F_INTERP : 0))
		return -EINVAL;

	switch (cmd) {
	case SCRIPT_VERIFY:
	case SCRIPT_LOAD:
		if (attr->prog_fd || script_attr_has_run(attr))
			return -EINVAL;
		return script_check_log(attr);
	case SCRIPT_RUN:
		if (attr->prog_fd)
			return -EINVAL;
		return script_check_log(attr) ?: script_check_run(attr);
	case SCRIPT_RUN_FD:
		if (script_attr_has_insns(attr))
			return -EINVAL;
		return script_check_run(attr);
	}
	return -EINVAL;
}

/*
 * The verifier logs one line: the reason for a rejection, or the summary
 * of an accepted program.  The kernel buffer need not be larger than that
 * for any log_size; log_true_size still counts the whole log.
 */
#define SCRIPT_LOG_KBUF		512U

/*
 * Copies the program in and verifies it.  Once the program is in, the
 * log and the rejected instruction index are written back whatever the
 * outcome.
 */
static struct script_prog *script_prog_get(const struct script_attr *attr,
					   struct script_attr __user *uattr)
{
	struct script_log log = { .level = attr->log_level };
	const struct script_insn __user *uinsns = u64_to_user_ptr(attr->insns);
	struct script_prog *prog = NULL;
	u32 err_pc = 0;
	int err;

	if (attr->insn_cnt && attr->insn_cnt <= SCRIPT_MAXINSNS) {
		prog = kvmalloc(struct_size(prog, insns, attr->insn_cnt),
				GFP_KERNEL_ACCOUNT);
		if (!prog)
			return ERR_PTR(-ENOMEM);
		prog->len = attr->insn_cnt;
		prog->jit = NULL;
		prog->jit_err = 0;
		atomic64_set(&prog->runs, 0);
		if (copy_from_user(prog->insns, uinsns,
				   array_size(prog->len, sizeof(*uinsns)))) {
			err = -EFAULT;
			goto out_free;
		}
	}

	if (log.level) {
		log.size = min(attr->log_size, SCRIPT_LOG_KBUF);
		log.buf = kzalloc(log.size, GFP_KERNEL_ACCOUNT);
		if (!log.buf) {
			err = -ENOMEM;
			goto out_free;
		}
	}

	/* An empty or oversized program is rejected before insns are read. */
	err = script_verify(prog ? prog->insns : NULL, attr->insn_cnt,
			    &log, &err_pc);

	if (put_user(err_pc, &uattr->pc))
		err = -EFAULT;
	if (log.buf) {
		if (copy_to_user(u64_to_user_ptr(attr->log_buf), log.buf,
				 min(log.len + 1, log.size)) ||
		    put_user(log.len_total + 1, &uattr->log_true_size))
			err = -EFAULT;
		kfree(log.buf);
	}
	if (!err)
		return prog;
out_free:
	kvfree(prog);
	return ERR_PTR(err);
}

/*
 * Runs @prog with @attr's arguments and writes the outcome back.  *@exit
 * is set when a seccomp filter killed the thread: the caller exits it with
 * SIGSYS once it has released the program.
 */
static int script_run_prog(const struct script_prog *prog,
			   const struct script_attr *attr,
			   struct script_attr __user *uattr, bool *exit)
{
	/*
	 * The inputs are set here and script_run() sets the rest: not
	 * zeroed whole first, which would be a "rep stos" on every run.
	 */
	struct script_run_ctx ctx __uninitialized;
	int ret;

	BUILD_BUG_ON(sizeof(ctx.args) != sizeof(attr->args));
	memcpy(ctx.args, attr->args, sizeof(ctx.args));
	ctx.stack_lo = attr->stack;
	ctx.stack_hi = attr->stack + attr->stack_size;
	ctx.max_steps = attr->max_steps;
	ctx.ustate = u64_to_user_ptr(attr->state);

	ret = script_run(prog, &ctx);
	*exit = ctx.exit_thread;

	/* Adjacent fields: one user access for the three. */
	BUILD_BUG_ON(offsetof(struct script_attr, pc) !=
		     offsetof(struct script_attr, retval) + 2 * sizeof(u64));
	if (!user_write_access_begin(&uattr->retval,
				     offsetofend(struct script_attr, pc) -
				     offsetof(struct script_attr, retval)))
		return -EFAULT;
	unsafe_put_user(ctx.retval, &uattr->retval, efault);
	unsafe_put_user(ctx.steps, &uattr->steps, efault);
	unsafe_put_user(ctx.pc, &uattr->pc, efault);
	user_write_access_end();
	return ret;
efault:
	user_write_access_end();
	return -EFAULT;
}

static int script_run_fd(const struct script_attr *attr,
			 struct script_attr __user *uattr, bool *exit)
{
	struct file *file;
	int ret;

	/* A real reference: the program may close its own descriptor. */
	file = fget(attr->prog_fd);
	if (!file)
		return -EBADF;
	if (file->f_op != &script_prog_fops) {
		ret = -EINVAL;
	} else {
		struct script_prog *prog = file->private_data;

		atomic64_inc(&prog->runs);
		ret = script_run_prog(prog, attr, uattr, exit);
	}
	fput(file);
	return ret;
}

/*
 * SCRIPT_PROBE: the op table and the instruction classes, for userspace to
 * find out what this kernel has, in the manner of IORING_REGISTER_PROBE.
 */
static int script_probe(struct script_probe __user *uprobe, size_t usize)
{
	struct script_probe hdr = {
		.ops_max	= __SCRIPT_OP_MAX,
		.classes	= 0xff,	/* LD for LD_IMM64 alone */
		.flags		= IS_ENABLED(CONFIG_SCRIPT_JIT) &&
				  READ_ONCE(sysctl_script_jit) ?
				  SCRIPT_PROBE_JIT : 0,
	};
	struct script_probe_op op;
	u32 id;

	if (usize < sizeof(hdr))
		return -EINVAL;
	if (usize > PAGE_SIZE)
		return -E2BIG;
	hdr.ops_len = min_t(size_t, (usize - sizeof(hdr)) / sizeof(op),
			    __SCRIPT_OP_MAX);
	for (id = 0; id < hdr.ops_len; id++) {
		const struct script_op *sop = script_op_get(id);

		memset(&op, 0, sizeof(op));
		op.id = id;
		op.nr = SCRIPT_NO_SYSCALL;
		if (sop) {
			op.flags = SCRIPT_PROBE_OP_SUPPORTED;
			op.nargs = sop->nargs;
			op.nr = sop->nr;
			strscpy(op.name, sop->name, sizeof(op.name));
		}
		if (copy_to_user(&uprobe->ops[id], &op, sizeof(op)))
			return -EFAULT;
	}
	if (copy_to_user(uprobe, &hdr, sizeof(hdr)) ||
	    clear_user((void __user *)&uprobe->ops[hdr.ops_len],
		       usize - struct_size(&hdr, ops, hdr.ops_len)))
		return -EFAULT;
	return 0;
}

/*
 * Compiles a program SCRIPT_LOAD loads, or one SCRIPT_RUN runs when
 * kernel.script_jit is 2, unless the caller asked for the interpreter.
 * With kernel.script_jit 1 a program the compiler cannot take runs in the
 * interpreter (fdinfo tells why); with 2 the call fails.  Constants are
 * blinded for callers without CAP_SYS_ADMIN.
 */
static int script_prog_compile(struct script_prog *prog, unsigned int cmd,
			       const struct script_attr *attr)
{
	int mode = READ_ONCE(sysctl_script_jit);
	int err;

	if (!IS_ENABLED(CONFIG_SCRIPT_JIT) || !mode ||
	    (attr->flags & SCRIPT_F_INTERP))
		return 0;
	if (cmd == SCRIPT_RUN && mode < 2)
		return 0;
	/*
	 * A SCRIPT_RUN that continues a parked run, a call the signal code
	 * restarted: compiling it again at each signal could keep it from
	 * ever getting on.  The interpreter continues it, with the same end.
	 */
	if (cmd == SCRIPT_RUN && attr->state) {
		u32 status;

		if (get_user(status, (u32 __user *)u64_to_user_ptr(attr->state)))
			return -EFAULT;
		if (status == SCRIPT_STATE_PARKED)
			return 0;
	}
	err = script_jit_compile(prog, !ns_capable_noaudit(&init_user_ns,
							   CAP_SYS_ADMIN));
	if (!err)
		return 0;
	prog->jit_err = err;
	return mode == 2 ? err : 0;
}

static long do_script(unsigned int cmd, struct script_attr __user *uattr,
		      size_t usize, bool *exit)
{
	struct script_prog *prog;
	/* Written whole below, or the call fails. */
	struct script_attr attr __uninitialized;
	int ret;

	BUILD_BUG_ON(sizeof(struct script_insn) != 8);
	BUILD_BUG_ON(sizeof(struct script_attr) != SCRIPT_ATTR_SIZE_VER1);
	BUILD_BUG_ON(sizeof(struct script_state) != SCRIPT_STATE_SIZE_VER0);

	if (!script_allowed())
		return -EPERM;
	if (cmd == SCRIPT_PROBE)
		return script_probe((struct script_probe __user *)uattr, usize);

	/* As openat2(2) and clone3(2): at least VER0, at most a page. */
	if (usize < SCRIPT_ATTR_SIZE_VER0)
		return -EINVAL;
	if (usize > PAGE_SIZE)
		return -E2BIG;
	/* A caller built against this header: a short copy, inline. */
	if (likely(usize == sizeof(attr))) {
		if (script_copy_in(&attr, uattr, sizeof(attr)) != sizeof(attr))
			return -EFAULT;
	} else {
		ret = copy_struct_from_user(&attr, sizeof(attr), uattr, usize);
		if (ret)
			return ret;
	}
	ret = script_check_attr(cmd, &attr);
	if (ret)
		return ret;

	if (cmd == SCRIPT_RUN_FD)
		return script_run_fd(&attr, uattr, exit);

	prog = script_prog_get(&attr, uattr);
	if (IS_ERR(prog))
		return PTR_ERR(prog);
	if (cmd != SCRIPT_VERIFY) {
		ret = script_prog_compile(prog, cmd, &attr);
		if (ret)
			goto out;
	}

	switch (cmd) {
	case SCRIPT_VERIFY:
		ret = 0;
		break;
	case SCRIPT_LOAD:
		script_prog_tag(prog);
		ret = anon_inode_getfd("script-prog", &script_prog_fops, prog,
				       O_RDONLY | O_CLOEXEC);
		if (ret >= 0)
			return ret;
		break;
	case SCRIPT_RUN:
		ret = script_run_prog(prog, &attr, uattr, exit);
		break;
	}
out:
	script_prog_free(prog);
	return ret;
}

SYSCALL_DEFINE3(script, unsigned int, cmd, struct script_attr __user *, uattr,
		size_t, usize)
{
	bool exit = false;
	long ret = do_script(cmd, uattr, usize, &exit);

	/* KILL_THREAD by a filter, for an op: now that nothing is held. */
	if (unlikely(exit))
		do_exit(SIGSYS);
	return ret;
}
