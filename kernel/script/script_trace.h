/* SPDX-License-Identifier: GPL-2.0 */
/*
 * script(2) tracepoints: a run starting and stopping, and each op with its
 * result.  Ops are system calls made inside script(2), so they produce no
 * sys_enter or sys_exit event: these are what a tracer sees of them.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM script

#if !defined(_SCRIPT_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _SCRIPT_TRACE_H

#include <linux/tracepoint.h>

TRACE_EVENT(script_run_start,
	    TP_PROTO(u32 len, u32 pc, u64 steps, u64 max_steps, bool resumed),
	    TP_ARGS(len, pc, steps, max_steps, resumed),
	    TP_STRUCT__entry(__field(u32, len)
			     __field(u32, pc)
			     __field(u64, steps)
			     __field(u64, max_steps)
			     __field(bool, resumed)),
	    TP_fast_assign(__entry->len = len;
			   __entry->pc = pc;
			   __entry->steps = steps;
			   __entry->max_steps = max_steps;
			   __entry->resumed = resumed;),
	    TP_printk("insns=%u pc=%u steps=%llu max_steps=%llu resumed=%d",
		      __entry->len, __entry->pc, __entry->steps,
		      __entry->max_steps, __entry->resumed)
);

TRACE_EVENT(script_run_stop,
	    TP_PROTO(int err, u32 pc, u64 steps, u64 retval),
	    TP_ARGS(err, pc, steps, retval),
	    TP_STRUCT__entry(__field(int, err)
			     __field(u32, pc)
			     __field(u64, steps)
			     __field(u64, retval)),
	    TP_fast_assign(__entry->err = err;
			   __entry->pc = pc;
			   __entry->steps = steps;
			   __entry->retval = retval;),
	    TP_printk("err=%d pc=%u steps=%llu retval=%llu", __entry->err,
		      __entry->pc, __entry->steps, __entry->retval)
);

TRACE_EVENT(script_op,
	    TP_PROTO(u32 id, const char *name, s64 ret),
	    TP_ARGS(id, name, ret),
	    TP_STRUCT__entry(__field(u32, id)
			     __string(name, name)
			     __field(s64, ret)),
	    TP_fast_assign(__entry->id = id;
			   __assign_str(name);
			   __entry->ret = ret;),
	    TP_printk("op=%u %s ret=%lld", __entry->id, __get_str(name),
		      __entry->ret)
);

#endif /* _SCRIPT_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE script_trace
#include <trace/define_trace.h>
