/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints, off.  The test kernel has no CONFIG_JUMP_LABEL, so a
 * tracepoint's static key is an int read and a branch; that is what
 * trace_<name>() costs here.  The benchmark's counting runs (never
 * timed) turn the one key all events share, shim_trace_key, on: each
 * event then calls shim_trace_<name>() with its arguments (native_shim.c).
 */
#ifndef _SHIM_LINUX_TRACEPOINT_H
#define _SHIM_LINUX_TRACEPOINT_H

#include <linux/jump_label.h>

extern struct static_key shim_trace_key;

#define TP_PROTO(args...)	args
#define TP_ARGS(args...)	args

#define TRACE_EVENT(name, proto, args, tstruct, assign, print)		\
	void shim_trace_##name(proto) __cold;				\
	static inline void trace_##name(proto)				\
	{								\
		if (static_key_false(&shim_trace_key))			\
			shim_trace_##name(args);			\
	}

#endif /* _SHIM_LINUX_TRACEPOINT_H */
