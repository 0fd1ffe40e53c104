/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Forced into every file of the native build (-include): what the kernel's
 * kconfig.h and compiler_types.h give, and the handful of generic helpers
 * the script(2) sources use.  The CONFIG_ values are those of the kernel
 * the benchmarks boot (harness/kernel.config), except where noted.
 */
#ifndef _SHIM_KERNEL_H
#define _SHIM_KERNEL_H

#define CONFIG_64BIT			1
#define CONFIG_X86_64			1
#define CONFIG_HAVE_EFFICIENT_UNALIGNED_ACCESS	1
#define CONFIG_SMP			1
#define CONFIG_NET			1
#define CONFIG_EPOLL			1
#define CONFIG_SECCOMP			1
#define CONFIG_SECCOMP_FILTER		1
#define CONFIG_PREEMPTION		1
#define CONFIG_PREEMPT_DYNAMIC		1
#define CONFIG_PREEMPT_RCU		1
#define CONFIG_TASKS_RCU		1
#define CONFIG_TASKS_TRACE_RCU		1
#define CONFIG_TRACEPOINTS		1
#define CONFIG_AUDIT			1
#define CONFIG_AUDITSYSCALL		1
/* retpolines built in (INDIRECT_CALL_N); no CONFIG_JUMP_LABEL */
#define CONFIG_MITIGATION_RETPOLINE	1
#define CONFIG_SCRIPT			1
#define CONFIG_SCRIPT_RESTRICT_DEFAULT	0
/* The compiler, kernel/script/jit.c, over the shims of native_jit.c */
#define CONFIG_SCRIPT_JIT		1
/*
 * The test kernel has no CONFIG_COMPAT; a distribution kernel has it, and
 * then in_compat_syscall() is one test of the thread's status word.  The
 * dearer of the two is modelled.
 */
#define CONFIG_COMPAT			1
#define CONFIG_IA32_EMULATION		1

/* include/linux/kconfig.h */
#define __ARG_PLACEHOLDER_1 0,
#define __take_second_arg(__ignored, val, ...) val
#define __or(x, y)			___or(x, y)
#define ___or(x, y)			____or(__ARG_PLACEHOLDER_##x, y)
#define ____or(arg1_or_junk, y)		__take_second_arg(arg1_or_junk 1, y)
#define __is_defined(x)			___is_defined(x)
#define ___is_defined(val)		____is_defined(__ARG_PLACEHOLDER_##val)
#define ____is_defined(arg1_or_junk)	__take_second_arg(arg1_or_junk 1, 0)
#define IS_BUILTIN(option)		__is_defined(option)
#define IS_MODULE(option)		__is_defined(option##_MODULE)
#define IS_ENABLED(option)		__or(IS_BUILTIN(option), IS_MODULE(option))

/* include/linux/compiler_types.h and friends */
#define __user
#define __kernel
#define __iomem
#define __force
#define __rcu
#define __sched
#define __cold			__attribute__((__cold__))
#define __must_check		__attribute__((__warn_unused_result__))
#define __always_inline		inline __attribute__((__always_inline__))
#define noinline		__attribute__((__noinline__))
#define __noreturn		__attribute__((__noreturn__))
#define __maybe_unused		__attribute__((__unused__))
#define __uninitialized		__attribute__((__uninitialized__))
#define __aligned(x)		__attribute__((__aligned__(x)))
#define __packed		__attribute__((__packed__))
#define __printf(a, b)		__attribute__((__format__(printf, a, b)))
#define __counted_by(member)	/* gcc 12 has no counted_by */
#define fallthrough		__attribute__((__fallthrough__))
#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)
#define barrier()		__asm__ __volatile__("" : : : "memory")
#define OPTIMIZER_HIDE_VAR(var)	__asm__ ("" : "=r" (var) : "0" (var))
#define __section(s)		__attribute__((__section__(s)))
#define __used			__attribute__((__used__))
#define __always_unused		__attribute__((__unused__))
#define __pure			__attribute__((__pure__))
#define __flatten		__attribute__((__flatten__))
#define __weak			__attribute__((__weak__))
#define __noclone		__attribute__((__noclone__))
#define noinline_for_stack	noinline
#define notrace
#define __visible		__attribute__((__externally_visible__))
/* include/linux/compiler.h with objtool: a jump table objtool can follow */
#define __annotate_jump_table	__section(".data.rel.ro.c_jump_table")
#define unreachable()		__builtin_unreachable()
#define barrier_data(ptr)	__asm__ __volatile__("" : : "r" (ptr) : "memory")
#define __stringify_1(x...)	#x
#define __stringify(x...)	__stringify_1(x)

#define READ_ONCE(x)		(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, val)	(*(volatile __typeof__(x) *)&(x) = (val))

#endif /* _SHIM_KERNEL_H */
