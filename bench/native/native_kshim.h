/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the native build's kernel-side shims (built with the kernel's
 * flags) and its user-side harness share.
 */
#ifndef _NATIVE_KSHIM_H
#define _NATIVE_KSHIM_H

#include <linux/jump_label.h>
#include <linux/sched.h>
#include <linux/unistd.h>

/* SHIM_GETPID_*: what __task_pid_nr_ns() does, so what the getpid op is */
#define SHIM_GETPID_NULL	0	/* the task's tgid: a null op */
#define SHIM_GETPID_HOST	1	/* the host's getpid(2) */
extern int shim_getpid_mode;

/* x86 per-CPU preempt_count: PREEMPT_NEED_RESCHED (inverted) when idle */
#define SHIM_PREEMPT_NEED_RESCHED	0x80000000u
extern unsigned int shim_preempt_count;

/* A system call on the host, as the libc-free "syscall" instruction. */
static __always_inline long shim_syscall2(long nr, long a, long b)
{
	long ret;

	asm volatile("syscall"
		     : "=a" (ret)
		     : "0" (nr), "D" (a), "S" (b)
		     : "rcx", "r11", "memory");
	return ret;
}

static __always_inline long shim_syscall3(long nr, long a, long b, long c)
{
	long ret;

	asm volatile("syscall"
		     : "=a" (ret)
		     : "0" (nr), "D" (a), "S" (b), "d" (c)
		     : "rcx", "r11", "memory");
	return ret;
}

/* native_sys.c: the system calls the ops make, and their record/replay */
#define SHIM_SYS_HOST		0	/* the host's system call */
#define SHIM_SYS_RECORD		1	/* ... and a record of it */
#define SHIM_SYS_REPLAY		2	/* the record, no call */
#define SHIM_NR_MAX		512	/* system call numbers counted */
extern int shim_sys_mode;
struct shim_recording;
struct shim_recording *shim_sys_record_start(void);
void shim_sys_record_stop(void);
void shim_sys_replay_start(struct shim_recording *r);
bool shim_sys_replay_stop(void);
void shim_recording_free(struct shim_recording *r);
size_t shim_recording_calls(const struct shim_recording *r);
const unsigned long *shim_recording_counts(const struct shim_recording *r);
double shim_sys_replay_cost(const struct shim_recording *r, unsigned int reps);

/* native_shim.c */
extern unsigned long shim_warnings, shim_fixups;
/* native_jit.c: the bytes of the last image the compiler mapped */
extern unsigned long shim_jit_bytes;
/* native_jit.c: code memory from a pool made once, no page table work */
extern int shim_jit_pool;
/* ops called while shim_trace_key is on, by id */
extern struct static_key shim_trace_key;
extern unsigned long shim_op_count[];
extern const char *shim_op_name[];
void shim_task_init(pid_t tgid);
void shim_set_sigpending(bool on);
void shim_install_fault_handler(void);

/* An entry of __shim_extable: see <linux/extable.h> */
struct shim_extable_entry {
	uintptr_t insn;
	uintptr_t fixup;
	unsigned long data;
};

/* The linker's bounds of the section the uaccess code fills. */
extern const struct shim_extable_entry __start___shim_extable[];
extern const struct shim_extable_entry __stop___shim_extable[];

/* The two variants of kernel/script (Makefile): their entry points. */
struct script_prog;
struct script_run_ctx;
struct script_insn;
struct script_log;

int script_run_retpoline(const struct script_prog *prog,
			 struct script_run_ctx *ctx);
int script_verify_retpoline(const struct script_insn *insns, u32 len,
			    struct script_log *log, u32 *err_pc);
int script_run_plain(const struct script_prog *prog,
		     struct script_run_ctx *ctx);
int script_verify_plain(const struct script_insn *insns, u32 len,
			struct script_log *log, u32 *err_pc);

/* native_kselftest.c, in each variant: 0, or the check that failed */
int shim_kselftest_retpoline(void *ok, void *bad);
int shim_kselftest_plain(void *ok, void *bad);

/* syscall.c's SYSCALL_DEFINE3(script), and close(2) of its descriptors */
long __do_sys_script_retpoline(unsigned int cmd, void *uattr, size_t usize);
long __do_sys_script_plain(unsigned int cmd, void *uattr, size_t usize);
int shim_close_file_retpoline(unsigned int fd);
int shim_close_file_plain(unsigned int fd);

/* jit.c, in each variant: the compiler, and kernel.script_jit */
int script_jit_compile_retpoline(struct script_prog *prog, bool blind);
int script_jit_compile_plain(struct script_prog *prog, bool blind);
void script_jit_free_retpoline(struct script_prog *prog);
void script_jit_free_plain(struct script_prog *prog);
extern int sysctl_script_jit_retpoline, sysctl_script_jit_plain;

/* native_kbench.c: direct calls of memchr's op */
u64 shim_op_body_loop_retpoline(const u64 *args, u64 reps);
u64 shim_op_body_loop_plain(const u64 *args, u64 reps);

#endif /* _NATIVE_KSHIM_H */
