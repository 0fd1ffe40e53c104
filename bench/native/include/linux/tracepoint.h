/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints, off.  The test kernel has no CONFIG_JUMP_LABEL, so a
 * static key is an int read and a branch; that is what trace_<name>()
 * costs here.  No event is ever enabled, so the branch is never taken.
 * With CREATE_TRACE_POINTS the keys are defined, as the kernel defines
 * struct tracepoint __tracepoint_<name>.
 */
#ifndef _SHIM_LINUX_TRACEPOINT_H
#define _SHIM_LINUX_TRACEPOINT_H

#include <linux/jump_label.h>

struct tracepoint {
	struct static_key key;
};

void shim_trace_hit(const char *name) __cold;

#define TP_PROTO(args...)	args
#define TP_ARGS(args...)	args

#ifdef CREATE_TRACE_POINTS
#define SHIM_DEFINE_TRACEPOINT(name)	struct tracepoint __tracepoint_##name
#else
#define SHIM_DEFINE_TRACEPOINT(name)	extern struct tracepoint __tracepoint_##name
#endif

#define TRACE_EVENT(name, proto, args, tstruct, assign, print)		\
	SHIM_DEFINE_TRACEPOINT(name);					\
	static inline void trace_##name(proto)				\
	{								\
		if (static_key_false(&__tracepoint_##name.key))		\
			shim_trace_hit(#name);				\
	}

#endif /* _SHIM_LINUX_TRACEPOINT_H */
