// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel functions the script(2) objects call, built with the same flags
 * as they are (retpolines, return thunks, no jump tables, ...).  Each is
 * the kernel's code path for the case the benchmark takes, or a stub for
 * a case it never takes (a seccomp filter, RCU Tasks Trace work).
 */

#include <linux/kernel.h>
#include <crypto/sha2.h>
#include <linux/anon_inodes.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/file.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/restart_block.h>
#include <linux/resume_user_mode.h>
#include <linux/sched/task.h>
#include <linux/seccomp.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/syscalls.h>
#include <linux/task_work.h>
#include <linux/uaccess.h>

#include "native_kshim.h"

/* kernel/sched/core.c, with PREEMPT_RCU: should_resched(0) and done */
int __sched __cond_resched(void)
{
	if (unlikely(READ_ONCE(shim_preempt_count) == 0)) {
		/* preempt_schedule_common(): never, nothing asks for it */
		return 1;
	}
	return 0;
}

/* No filter is installed: SYSCALL_WORK_SECCOMP is never set. */
int __seccomp_filter_syscall(int nr, const u64 args[6], long *ret)
{
	WARN_ON_ONCE(1);
	return 0;
}

u8 rcu_trc_cmpxchg_need_qs(struct task_struct *t, u8 old, u8 new)
{
	WARN_ON_ONCE(1);
	return old;
}

void rcu_tasks_trace_qs_blkd(struct task_struct *t)
{
	WARN_ON_ONCE(1);
}

/*
 * kernel/pid.c: rcu_read_lock(), the task's struct pid, its number in the
 * caller's namespace.  The null mode reads a number from the task, the
 * host mode is the host's getpid(2): entry, that same body, exit.
 */
pid_t __task_pid_nr_ns(struct task_struct *task, enum pid_type type,
		       struct pid_namespace *ns)
{
	if (READ_ONCE(shim_getpid_mode) == SHIM_GETPID_HOST)
		return shim_syscall2(__NR_getpid, 0, 0);
	return READ_ONCE(task->tgid);
}

long do_no_restart_syscall(struct restart_block *param)
{
	return -EINTR;
}

/* lib/usercopy.c and include/linux/uaccess.h: _inline_copy_from_user() */
unsigned long _copy_from_user(void *to, const void __user *from,
			      unsigned long n)
{
	unsigned long res;

	from = mask_user_address(from);
	res = copy_user_generic(to, (__force const void *)from, n);
	if (likely(!res))
		return 0;
	memset(to + (n - res), 0, res);
	return res;
}

/* _inline_copy_to_user() */
unsigned long _copy_to_user(void __user *to, const void *from,
			    unsigned long n)
{
	if (access_ok(to, n))
		n = copy_user_generic((__force void *)to, from, n);
	return n;
}

/* Audit is never enabled: the task has no audit context. */
bool __audit_inner_syscall_entry(int major, unsigned long a1, unsigned long a2,
				 unsigned long a3, unsigned long a4)
{
	WARN_ON_ONCE(1);
	return false;
}

void __audit_inner_syscall_exit(int success, long return_code)
{
	WARN_ON_ONCE(1);
}

/* No TIF_NOTIFY_RESUME and no task work are ever pending here. */
void resume_user_mode_work(struct pt_regs *regs)
{
	WARN_ON_ONCE(1);
}

void task_work_run(void)
{
	WARN_ON_ONCE(1);
}

/*
 * script(2)'s own descriptors: a table of files, fs/file.c's fget() and
 * fput() in the shape the kernel's take for a program descriptor, a
 * lookup and a locked increment that fails at zero, and a locked
 * decrement that releases the file at zero.
 */
#define SHIM_NR_FILES	64
static struct file *shim_files[SHIM_NR_FILES];

int anon_inode_getfd(const char *name, const struct file_operations *fops,
		     void *priv, int flags)
{
	struct file *file;
	int fd;

	for (fd = 0; fd < SHIM_NR_FILES; fd++)
		if (!READ_ONCE(shim_files[fd]))
			break;
	if (fd == SHIM_NR_FILES)
		return -EMFILE;
	file = kzalloc(sizeof(*file), GFP_KERNEL);
	if (!file)
		return -ENOMEM;
	file->f_op = fops;
	file->private_data = priv;
	file->f_count = 1;
	WRITE_ONCE(shim_files[fd], file);
	return fd;
}

struct file *fget(unsigned int fd)
{
	struct file *file;
	long count;

	if (fd >= SHIM_NR_FILES)
		return NULL;
	file = READ_ONCE(shim_files[fd]);
	if (!file)
		return NULL;
	count = READ_ONCE(file->f_count);
	do {
		if (!count)
			return NULL;
	} while (!__atomic_compare_exchange_n(&file->f_count, &count, count + 1,
					      false, __ATOMIC_SEQ_CST,
					      __ATOMIC_RELAXED));
	return file;
}

void fput(struct file *file)
{
	if (__atomic_sub_fetch(&file->f_count, 1, __ATOMIC_SEQ_CST))
		return;
	file->f_op->release(NULL, file);
	kfree(file);
}

/* close(2) of a program descriptor */
int shim_close_file(unsigned int fd)
{
	struct file *file;

	if (fd >= SHIM_NR_FILES || !shim_files[fd])
		return -EBADF;
	file = shim_files[fd];
	WRITE_ONCE(shim_files[fd], NULL);
	fput(file);
	return 0;
}

/* The file position of a program descriptor never moves. */
loff_t noop_llseek(struct file *file, loff_t offset, int whence)
{
	return 0;
}

/* kernel.script_restrict is 0: nothing asks for a capability. */
bool capable(int cap)
{
	WARN_ON_ONCE(1);
	return false;
}

/* The loader has CAP_SYS_ADMIN: the compiler does not blind constants. */
struct user_namespace init_user_ns;

bool ns_capable_noaudit(struct user_namespace *ns, int cap)
{
	return true;
}

/* No seccomp filter kills a thread here. */
void __noreturn do_exit(long code)
{
	WARN_ON_ONCE(1);
	abort();
}

void seq_printf(struct seq_file *m, const char *fmt, ...)
{
	WARN_ON_ONCE(1);
}

/* The tag of a loaded program: not computed (fdinfo only), all zero. */
void sha256(const u8 *data, size_t len, u8 *out)
{
	memset(out, 0, SHA256_DIGEST_SIZE);
}

/* include/linux/wordpart.h, little-endian */
#define aligned_byte_mask(n) ((1UL << 8 * (n)) - 1)

/* lib/usercopy.c: check_zeroed_user(), for an attr larger than known */
int check_zeroed_user(const void __user *from, size_t size)
{
	unsigned long val;
	uintptr_t align = (uintptr_t)from % sizeof(unsigned long);

	if (unlikely(size == 0))
		return 1;

	from -= align;
	size += align;

	if (!user_read_access_begin(from, size))
		return -EFAULT;

	unsafe_get_user(val, (unsigned long __user *)from, err_fault);
	if (align)
		val &= ~aligned_byte_mask(align);

	while (size > sizeof(unsigned long)) {
		if (unlikely(val))
			goto done;

		from += sizeof(unsigned long);
		size -= sizeof(unsigned long);

		unsafe_get_user(val, (unsigned long __user *)from, err_fault);
	}

	if (size < sizeof(unsigned long))
		val &= aligned_byte_mask(size);

done:
	user_read_access_end();
	return (val == 0);
err_fault:
	user_read_access_end();
	return -EFAULT;
}

/* SCRIPT_PROBE's clear_user(): access_ok() and a store per byte */
unsigned long clear_user(void __user *to, unsigned long n)
{
	char __user *p = to;

	if (!access_ok(to, n))
		return n;
	while (n) {
		if (put_user((char)0, p))
			return n;
		p++;
		n--;
	}
	return 0;
}
