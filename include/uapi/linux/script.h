/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * script(2): run a checked bytecode program over system calls in the
 * caller's own context.
 *
 * The instruction encoding is eBPF's: every SCRIPT_* opcode value below
 * equals the BPF_* value of the same name in <linux/bpf_common.h> and
 * <linux/bpf.h>, and struct script_insn has the layout of struct bpf_insn,
 * so that "clang -target bpf" output runs unchanged and "llvm-objdump -d"
 * disassembles script programs.  The semantics are script(2)'s own: see
 * Documentation/userspace-api/script.rst for the accepted subset.
 */
#ifndef _UAPI_LINUX_SCRIPT_H
#define _UAPI_LINUX_SCRIPT_H

#include <linux/types.h>

/* Instruction classes (BPF_CLASS) */
#define SCRIPT_CLASS(code)	((code) & 0x07)
#define SCRIPT_LD		0x00
#define SCRIPT_LDX		0x01
#define SCRIPT_ST		0x02
#define SCRIPT_STX		0x03
#define SCRIPT_ALU		0x04
#define SCRIPT_JMP		0x05
#define SCRIPT_JMP32		0x06
#define SCRIPT_ALU64		0x07

/* Load and store sizes (BPF_SIZE) */
#define SCRIPT_SIZE(code)	((code) & 0x18)
#define SCRIPT_W		0x00	/* 32 bits */
#define SCRIPT_H		0x08	/* 16 bits */
#define SCRIPT_B		0x10	/*  8 bits */
#define SCRIPT_DW		0x18	/* 64 bits */

/* Load and store modes (BPF_MODE) */
#define SCRIPT_MODE(code)	((code) & 0xe0)
#define SCRIPT_IMM		0x00	/* LD only: 64-bit immediate, two slots */
#define SCRIPT_MEM		0x60
#define SCRIPT_MEMSX		0x80	/* LDX only: sign-extending load */

/* ALU operations (BPF_OP) */
#define SCRIPT_OP(code)		((code) & 0xf0)
#define SCRIPT_ADD		0x00
#define SCRIPT_SUB		0x10
#define SCRIPT_MUL		0x20
#define SCRIPT_DIV		0x30
#define SCRIPT_OR		0x40
#define SCRIPT_AND		0x50
#define SCRIPT_LSH		0x60
#define SCRIPT_RSH		0x70
#define SCRIPT_NEG		0x80
#define SCRIPT_MOD		0x90
#define SCRIPT_XOR		0xa0
#define SCRIPT_MOV		0xb0
#define SCRIPT_ARSH		0xc0
#define SCRIPT_END		0xd0

/* Jump operations (BPF_OP) */
#define SCRIPT_JA		0x00
#define SCRIPT_JEQ		0x10
#define SCRIPT_JGT		0x20
#define SCRIPT_JGE		0x30
#define SCRIPT_JSET		0x40
#define SCRIPT_JNE		0x50
#define SCRIPT_JSGT		0x60
#define SCRIPT_JSGE		0x70
#define SCRIPT_CALL		0x80
#define SCRIPT_EXIT		0x90
#define SCRIPT_JLT		0xa0
#define SCRIPT_JLE		0xb0
#define SCRIPT_JSLT		0xc0
#define SCRIPT_JSLE		0xd0

/* Operand source (BPF_SRC) */
#define SCRIPT_SRC(code)	((code) & 0x08)
#define SCRIPT_K		0x00	/* imm */
#define SCRIPT_X		0x08	/* src_reg */

/* Byte-swap direction, in the SCRIPT_SRC bit of a SCRIPT_END insn */
#define SCRIPT_TO_LE		0x00
#define SCRIPT_TO_BE		0x08

/* src_reg of a SCRIPT_CALL: 0 calls an op by id, 1 a subprogram */
#define SCRIPT_PSEUDO_CALL	1

/* Registers */
enum {
	SCRIPT_REG_0 = 0,
	SCRIPT_REG_1,
	SCRIPT_REG_2,
	SCRIPT_REG_3,
	SCRIPT_REG_4,
	SCRIPT_REG_5,
	SCRIPT_REG_6,
	SCRIPT_REG_7,
	SCRIPT_REG_8,
	SCRIPT_REG_9,
	SCRIPT_REG_10,
	__MAX_SCRIPT_REG,
};

/**
 * struct script_insn - one instruction, laid out as struct bpf_insn
 * @code: opcode: class, then size and mode or operation and source
 * @dst_reg: destination register, 0 to 10
 * @src_reg: source register, 0 to 10
 * @off: signed offset: jump distance, memory displacement, or the
 *	variant selector of signed division and sign-extending moves
 * @imm: signed immediate operand, op id or subprogram distance
 */
struct script_insn {
	__u8	code;
	__u8	dst_reg:4;
	__u8	src_reg:4;
	__s16	off;
	__s32	imm;
};

/* Limits */
#define SCRIPT_MAXINSNS		65536	/* instructions in one program */
#define SCRIPT_MAX_CALL_DEPTH	8	/* nested subprogram calls */
#define SCRIPT_FRAME_SIZE	512	/* r10 moves down this much per call */
#define SCRIPT_STACK_MIN	SCRIPT_FRAME_SIZE
#define SCRIPT_STACK_MAX	(1U << 20)
#define SCRIPT_LOG_SIZE_MIN	128
#define SCRIPT_LOG_SIZE_MAX	(16U << 20)

/**
 * enum script_cmd - the first argument of script(2)
 * @SCRIPT_VERIFY: check a program; 0 if it is accepted.
 * @SCRIPT_LOAD: check a program and return a new O_CLOEXEC file
 *	descriptor that holds it.
 * @SCRIPT_RUN: check a program and run it once: 0 once it reached EXIT.
 * @SCRIPT_RUN_FD: run the program held by @prog_fd without checking it
 *	again: 0 once it reached EXIT.
 * @SCRIPT_PROBE: tell which ops and instruction classes this kernel has.
 *	The second argument is a struct script_probe rather than a struct
 *	script_attr, and the third the size of that buffer, ops included.
 */
enum script_cmd {
	SCRIPT_VERIFY,
	SCRIPT_LOAD,
	SCRIPT_RUN,
	SCRIPT_RUN_FD,
	SCRIPT_PROBE,
};

/* Values of script_attr.log_level */
#define SCRIPT_LOG_NONE		0	/* no log */
#define SCRIPT_LOG_ERROR	1	/* the reason a program was rejected */
#define SCRIPT_LOG_VERBOSE	2	/* and a summary of accepted programs */

/*
 * Values of script_attr.flags.
 *
 * SCRIPT_F_INTERP: run the program with the interpreter, never with the
 * compiler, whatever kernel.script_jit says: for SCRIPT_LOAD, the program
 * the descriptor holds; for SCRIPT_RUN, the one run.  Both engines give
 * the same results; the flag lets one boot compare them.
 */
#define SCRIPT_F_INTERP		(1ULL << 0)

/**
 * struct script_attr - the second argument of script(2)
 *
 * Extensible in the manner of openat2(2) and clone3(2): the third argument
 * of script(2) is sizeof(struct script_attr) as the caller knew it.  A
 * kernel handed a larger struct requires the bytes it does not know to be
 * zero (-E2BIG otherwise); a struct smaller than %SCRIPT_ATTR_SIZE_VER0 is
 * -EINVAL, one larger than a page -E2BIG.  Input fields a command does not
 * use must be zero.
 *
 * @flags: LOAD, RUN: SCRIPT_F_*; must be 0 for the other commands.
 * @insns: VERIFY, LOAD, RUN: user address of @insn_cnt instructions.
 * @insn_cnt: number of instructions, 1 to %SCRIPT_MAXINSNS; an LD_IMM64
 *	counts as two.
 * @prog_fd: RUN_FD: a descriptor returned by SCRIPT_LOAD.
 * @log_buf: VERIFY, LOAD, RUN: user buffer for the verifier's log, always
 *	NUL-terminated, or 0 for none.
 * @log_size: size of @log_buf in bytes, %SCRIPT_LOG_SIZE_MIN to
 *	%SCRIPT_LOG_SIZE_MAX; 0 with no @log_buf.
 * @log_level: SCRIPT_LOG_*; %SCRIPT_LOG_NONE with no @log_buf.
 * @args: RUN, RUN_FD: the initial values of r1 to r5.
 * @stack: RUN, RUN_FD: lowest user address of the stack, 8-byte aligned;
 *	r10 starts at @stack + @stack_size.  0 with @stack_size 0 for none.
 * @stack_size: bytes, a multiple of 8 from %SCRIPT_STACK_MIN to
 *	%SCRIPT_STACK_MAX, or 0 for no stack.
 * @max_steps: RUN, RUN_FD: stop the run with -ETIME after this many
 *	instructions; 0 for no limit.
 * @retval: out, RUN and RUN_FD: r0 when the program reached EXIT.
 * @steps: out, RUN and RUN_FD: instructions executed.
 * @pc: out: the index of the instruction a stopped run was about to run
 *	(which has not taken effect), or that the verifier rejected.
 * @log_true_size: out: bytes the whole log needs, its NUL included.
 * @state: RUN, RUN_FD: user address of a struct script_state that makes
 *	the run resumable, or 0 for none: see struct script_state.
 * @state_size: sizeof(struct script_state) as the caller knew it; 0 with
 *	no @state.
 * @__pad: must be 0.
 */
struct script_attr {
	__u64		flags;
	__aligned_u64	insns;
	__u32		insn_cnt;
	__s32		prog_fd;
	__aligned_u64	log_buf;
	__u32		log_size;
	__u32		log_level;
	__aligned_u64	args[5];
	__aligned_u64	stack;
	__u64		stack_size;
	__u64		max_steps;
	__u64		retval;
	__u64		steps;
	__u32		pc;
	__u32		log_true_size;
	__aligned_u64	state;
	__u32		state_size;
	__u32		__pad;
};

#define SCRIPT_ATTR_SIZE_VER0	128	/* sizeof first published struct */
#define SCRIPT_ATTR_SIZE_VER1	144	/* adds state, state_size */

/**
 * struct script_frame - a caller's registers kept across a subprogram call
 * @regs: the caller's r6 to r10
 * @ret: index of the instruction the caller continues at, the one after
 *	its call
 * @__pad: must be 0.
 */
struct script_frame {
	__u64	regs[5];
	__u32	ret;
	__u32	__pad;
};

/* Values of script_state.status */
#define SCRIPT_STATE_NONE	0	/* no run is parked: the next run starts */
#define SCRIPT_STATE_PARKED	1	/* the next RUN or RUN_FD continues it */

/**
 * struct script_state - the machine state of a run stopped by a signal
 *
 * When a run with a state area meets a signal at a yield point (a
 * backward jump, a call, an op that has not taken effect), the kernel
 * saves the run here, sets @status to %SCRIPT_STATE_PARKED and returns
 * -ERESTARTSYS: the run continues transparently after a stop, a freeze, a
 * ptrace stop or a signal handler installed with SA_RESTART; after any
 * other handler script(2) fails with EINTR, and the same call again
 * continues the run.  A run that ends (EXIT, a fault, the step budget)
 * sets @status back to %SCRIPT_STATE_NONE.  To drop a parked run instead,
 * set @status to %SCRIPT_STATE_NONE before the next call.
 *
 * The kernel checks a parked state against the program and the stack
 * before it continues one (-EINVAL otherwise).  The registers are user
 * values, so a changed state can make a run do no more than a new run
 * with other arguments could.
 *
 * @status: SCRIPT_STATE_*.
 * @pc: the instruction the run continues at; it has not taken effect.
 * @depth: subprogram calls in progress, 0 to %SCRIPT_MAX_CALL_DEPTH.
 * @__pad: must be 0.
 * @steps: instructions executed so far; the step budget counts them.
 * @regs: r0 to r10.
 * @frames: the state of the @depth callers, outermost first; the frames
 *	past them are zero in a state the kernel saved.
 */
struct script_state {
	__u32			status;
	__u32			pc;
	__u32			depth;
	__u32			__pad;
	__u64			steps;
	__u64			regs[__MAX_SCRIPT_REG];
	struct script_frame	frames[SCRIPT_MAX_CALL_DEPTH];
};

#define SCRIPT_STATE_SIZE_VER0	496	/* sizeof first published struct */

/**
 * enum script_op_id - ops a SCRIPT_CALL with src_reg 0 names in its imm
 *
 * An op takes r1 to r5 and leaves its result in r0.  An op that stands for
 * a system call takes that call's arguments in order and returns exactly
 * what it returns, a negative errno on failure; the caller's seccomp
 * filter sees it as that system call.  A system call with six arguments
 * takes its first four in r1 to r4, and r5 is the user address of two
 * __u64 holding the fifth and the sixth (-EFAULT when they cannot be
 * read).  Ids are stable ABI: new ops are only ever appended.
 *
 * @SCRIPT_OP_UNSPEC: reserved; never a valid op.
 * @SCRIPT_OP_MEMCPY: memcpy(r1 dst, r2 src, r3 len) between user buffers:
 *	the bytes copied, which are fewer when a fault, a signal or the step
 *	budget stops the copy part way; -EFAULT when none were.  Buffers that
 *	overlap are copied as by %SCRIPT_OP_MEMMOVE.
 * @SCRIPT_OP_READ: read(r1 fd, r2 buf, r3 count).
 * @SCRIPT_OP_WRITE: write(r1 fd, r2 buf, r3 count).
 * @SCRIPT_OP_PREAD64: pread64(r1 fd, r2 buf, r3 count, r4 pos).
 * @SCRIPT_OP_PWRITE64: pwrite64(r1 fd, r2 buf, r3 count, r4 pos).
 * @SCRIPT_OP_READV: readv(r1 fd, r2 iov, r3 iovcnt).
 * @SCRIPT_OP_WRITEV: writev(r1 fd, r2 iov, r3 iovcnt).
 * @SCRIPT_OP_OPENAT: openat(r1 dirfd, r2 path, r3 flags, r4 mode).
 * @SCRIPT_OP_OPENAT2: openat2(r1 dirfd, r2 path, r3 how, r4 size).
 * @SCRIPT_OP_CLOSE: close(r1 fd).
 * @SCRIPT_OP_LSEEK: lseek(r1 fd, r2 offset, r3 whence).
 * @SCRIPT_OP_FSTAT: fstat(r1 fd, r2 statbuf), struct stat of the
 *	architecture's fstat(2) (newfstat where it has one).
 * @SCRIPT_OP_STATX: statx(r1 dirfd, r2 path, r3 flags, r4 mask, r5 statxbuf).
 * @SCRIPT_OP_SENDFILE: sendfile(r1 out_fd, r2 in_fd, r3 offset, r4 count),
 *	with a 64-bit offset (sendfile64).
 * @SCRIPT_OP_SPLICE: splice(r1 fd_in, r2 off_in, r3 fd_out, r4 off_out,
 *	r5 -> { len, flags }).
 * @SCRIPT_OP_COPY_FILE_RANGE: copy_file_range(r1 fd_in, r2 off_in,
 *	r3 fd_out, r4 off_out, r5 -> { len, flags }).
 * @SCRIPT_OP_SOCKET: socket(r1 domain, r2 type, r3 protocol).
 * @SCRIPT_OP_BIND: bind(r1 fd, r2 addr, r3 addrlen).
 * @SCRIPT_OP_LISTEN: listen(r1 fd, r2 backlog).
 * @SCRIPT_OP_ACCEPT4: accept4(r1 fd, r2 addr, r3 addrlen, r4 flags).
 * @SCRIPT_OP_CONNECT: connect(r1 fd, r2 addr, r3 addrlen).
 * @SCRIPT_OP_SENDTO: sendto(r1 fd, r2 buf, r3 len, r4 flags,
 *	r5 -> { dest_addr, addrlen }).
 * @SCRIPT_OP_RECVFROM: recvfrom(r1 fd, r2 buf, r3 len, r4 flags,
 *	r5 -> { src_addr, addrlen }).
 * @SCRIPT_OP_SEND: send(r1 fd, r2 buf, r3 len, r4 flags): sendto with no
 *	address, as the C library's send().
 * @SCRIPT_OP_RECV: recv(r1 fd, r2 buf, r3 len, r4 flags): recvfrom with
 *	no address, as the C library's recv().
 * @SCRIPT_OP_SHUTDOWN: shutdown(r1 fd, r2 how).
 * @SCRIPT_OP_SETSOCKOPT: setsockopt(r1 fd, r2 level, r3 optname,
 *	r4 optval, r5 optlen).
 * @SCRIPT_OP_GETSOCKOPT: getsockopt(r1 fd, r2 level, r3 optname,
 *	r4 optval, r5 optlen).
 * @SCRIPT_OP_POLL: poll(r1 fds, r2 nfds, r3 timeout_ms).
 * @SCRIPT_OP_PPOLL: ppoll(r1 fds, r2 nfds, r3 tmo_p, r4 sigmask,
 *	r5 sigsetsize); a signal mask must be NULL (-EINVAL otherwise).
 * @SCRIPT_OP_EPOLL_CREATE1: epoll_create1(r1 flags).
 * @SCRIPT_OP_EPOLL_CTL: epoll_ctl(r1 epfd, r2 op, r3 fd, r4 event).
 * @SCRIPT_OP_EPOLL_WAIT: epoll_wait(r1 epfd, r2 events, r3 maxevents,
 *	r4 timeout_ms).
 * @SCRIPT_OP_CLOCK_GETTIME: clock_gettime(r1 clockid, r2 tp).
 * @SCRIPT_OP_NANOSLEEP: nanosleep(r1 req, r2 rem).
 * @SCRIPT_OP_GETPID: getpid().
 * @SCRIPT_OP_READ_MIN: read from r1 fd into r2 buf, at most r4 bytes, until
 *	at least r3 have come, end of file, an error or r5 milliseconds have
 *	passed (r5 negative: no limit): the bytes read; when none were, 0 at
 *	end of file, -ETIMEDOUT, or the error.  r3 above r4 is -EINVAL.
 * @SCRIPT_OP_WRITE_ALL: write all r3 bytes of r2 buf to r1 fd, waiting
 *	for room on a non-blocking one, within r4 milliseconds (negative: no
 *	limit): the bytes written; when none were, -ETIMEDOUT or the error.
 * @SCRIPT_OP_MOVE: move r4 bytes from r2 in_fd to r1 out_fd as sendfile()
 *	does, from r3 offset (a user __s64 *, or 0 for in_fd's file offset),
 *	until they are all moved or end of file, waiting for room on a
 *	non-blocking out_fd within r5 milliseconds (negative: no limit): the
 *	bytes moved; when none were, -ETIMEDOUT or the error.
 * @SCRIPT_OP_MEMMOVE: memmove(r1 dst, r2 src, r3 len) between user
 *	buffers that may overlap: as %SCRIPT_OP_MEMCPY.
 * @SCRIPT_OP_MEMCMP: compare r3 bytes at r1 and r2: -1, 0 or 1; -EFAULT.
 * @SCRIPT_OP_MEMCHR: the index of the first byte r2 (its low 8 bits) in
 *	the r3 bytes at r1: -ENOENT when there is none; -EFAULT.
 * @SCRIPT_OP_MEMMEM: the index of the first r4 bytes at r3 within the r2
 *	bytes at r1 (0 when r4 is 0): -ENOENT when they are not there,
 *	-EINVAL when r4 is above %SCRIPT_MEMMEM_MAX; -EFAULT.
 * @SCRIPT_OP_PARSE_U64: parse the unsigned integer in base r4 (10 or 16)
 *	at the start of the r2 bytes at r1 and store it at r3 (a __u64 *):
 *	the digits read; -EINVAL when there are none, -ERANGE when the value
 *	does not fit; -EFAULT.
 * @SCRIPT_OP_FORMAT_U64: write r3 in base r4 (10 or 16, lower case), with
 *	no terminator, to the r2 bytes at r1: the digits written; -ENOSPC when
 *	they do not fit; -EFAULT.
 * @SCRIPT_OP_MOVE_BG: start moving r4 bytes from r2 in_fd to r1 out_fd as
 *	sendfile() does, from offset r3 of in_fd (negative: its file position,
 *	which the move then leaves alone), in the background: the move goes
 *	on after the op and after script(2) returns.  r0: a new O_CLOEXEC
 *	descriptor that polls readable once the move has ended, when read()
 *	gives a struct script_move_result; closing it earlier cancels the
 *	move.  The move is a thread of the caller's process: it ends with
 *	the process.  -EAGAIN when the caller's user has
 *	kernel.script_moves_max moves in flight, the system 4096, or the
 *	thread limits (RLIMIT_NPROC, pids.max) allow no thread.
 * @SCRIPT_OP_SPLIT_HEADER: split the HTTP/1-style header block at the
 *	start of the r2 bytes at r1 into its start line and its fields, as
 *	r3 (a struct script_split_header *) asks: the length of the block,
 *	its empty line included.  -EAGAIN when the r2 bytes hold no empty
 *	line yet, -EBADMSG when the block is malformed, -ENOSPC when it has
 *	more fields to store than r3 has room for, -EINVAL for bad
 *	arguments, -ENOMEM; -EFAULT.  See struct script_split_header.
 * @SCRIPT_OP_FORMAT: write the template of r4 bytes at r3 to the r2 bytes
 *	at r1, each of its directives replaced by values of the __u64 array
 *	at r5: "%u" the next value in decimal, "%x" in lower-case hex, "%s"
 *	the bytes at the next value whose length is the value after it,
 *	"%%" a '%'.  r0: the bytes written, with no terminator; -ENOSPC when
 *	they do not fit, -EINVAL for another directive or a '%' that ends
 *	the template; -EFAULT.
 * @SCRIPT_OP_MEMCSPN: the index of the first byte of the r2 bytes at r1
 *	that is one of the r4 bytes at r3, or r2 when none is; -EINVAL when
 *	r4 is above %SCRIPT_MEMCSPN_MAX; -EFAULT.
 * @__SCRIPT_OP_MAX: number of op ids this header knows.
 */
enum script_op_id {
	SCRIPT_OP_UNSPEC,
	SCRIPT_OP_MEMCPY,
	SCRIPT_OP_READ,
	SCRIPT_OP_WRITE,
	SCRIPT_OP_PREAD64,
	SCRIPT_OP_PWRITE64,
	SCRIPT_OP_READV,
	SCRIPT_OP_WRITEV,
	SCRIPT_OP_OPENAT,
	SCRIPT_OP_OPENAT2,
	SCRIPT_OP_CLOSE,
	SCRIPT_OP_LSEEK,
	SCRIPT_OP_FSTAT,
	SCRIPT_OP_STATX,
	SCRIPT_OP_SENDFILE,
	SCRIPT_OP_SPLICE,
	SCRIPT_OP_COPY_FILE_RANGE,
	SCRIPT_OP_SOCKET,
	SCRIPT_OP_BIND,
	SCRIPT_OP_LISTEN,
	SCRIPT_OP_ACCEPT4,
	SCRIPT_OP_CONNECT,
	SCRIPT_OP_SENDTO,
	SCRIPT_OP_RECVFROM,
	SCRIPT_OP_SEND,
	SCRIPT_OP_RECV,
	SCRIPT_OP_SHUTDOWN,
	SCRIPT_OP_SETSOCKOPT,
	SCRIPT_OP_GETSOCKOPT,
	SCRIPT_OP_POLL,
	SCRIPT_OP_PPOLL,
	SCRIPT_OP_EPOLL_CREATE1,
	SCRIPT_OP_EPOLL_CTL,
	SCRIPT_OP_EPOLL_WAIT,
	SCRIPT_OP_CLOCK_GETTIME,
	SCRIPT_OP_NANOSLEEP,
	SCRIPT_OP_GETPID,
	SCRIPT_OP_READ_MIN,
	SCRIPT_OP_WRITE_ALL,
	SCRIPT_OP_MOVE,
	SCRIPT_OP_MEMMOVE,
	SCRIPT_OP_MEMCMP,
	SCRIPT_OP_MEMCHR,
	SCRIPT_OP_MEMMEM,
	SCRIPT_OP_PARSE_U64,
	SCRIPT_OP_FORMAT_U64,
	SCRIPT_OP_MOVE_BG,
	SCRIPT_OP_SPLIT_HEADER,
	SCRIPT_OP_FORMAT,
	SCRIPT_OP_MEMCSPN,
	__SCRIPT_OP_MAX,
};

/**
 * struct script_move_result - what read() gives on a background move's fd
 * @moved: bytes moved
 * @error: 0 when the move ended with all the bytes or at end of file;
 *	otherwise the negative errno that stopped it
 * @__pad: zero
 */
struct script_move_result {
	__s64	moved;
	__s32	error;
	__u32	__pad;
};

#define SCRIPT_MEMMEM_MAX	256	/* longest pattern SCRIPT_OP_MEMMEM takes */
#define SCRIPT_MEMCSPN_MAX	256	/* largest set SCRIPT_OP_MEMCSPN takes */

/**
 * struct script_span - a run of bytes of a buffer
 * @off: the offset of its first byte from the buffer's start
 * @len: its length in bytes
 */
struct script_span {
	__u32	off;
	__u32	len;
};

/**
 * struct script_field - one field of a header block, as
 * %SCRIPT_OP_SPLIT_HEADER stores it
 * @name: the field name: the bytes before the ':', at least one
 * @value: the field value: the bytes after the ':' without the spaces
 *	and tabs (OWS) at either end.  An empty value has @value.len 0 and
 *	@value.off at the end of the line (its CR or LF).
 * @key: the index in struct script_split_header.names of the name that
 *	equals @name, ASCII letters compared without case; -1 for none
 * @__pad: 0
 */
struct script_field {
	struct script_span	name;
	struct script_span	value;
	__s32			key;
	__u32			__pad;
};

/* struct script_split_header.flags */
#define SCRIPT_SPLIT_LF		(1U << 0)	/* a bare LF ends a line too */
#define SCRIPT_SPLIT_NO_START	(1U << 1)	/* no start line: fields only */
#define SCRIPT_SPLIT_NAMED	(1U << 2)	/* store only the fields named */

#define SCRIPT_SPLIT_NAMES_MAX	256	/* longest names list */

/**
 * struct script_split_header - the r3 of %SCRIPT_OP_SPLIT_HEADER
 *
 * A header block, as RFC 9112 frames an HTTP/1 message's, is a start line
 * (a request line "GET / HTTP/1.1" or a status line "HTTP/1.1 200 OK"),
 * then field lines "Name: value", then an empty line.  Every line ends
 * with CRLF; with %SCRIPT_SPLIT_LF an LF alone ends one too.  The block
 * ends at its first empty line, which is CRLF (or LF) alone: until the
 * buffer holds one the op returns -EAGAIN and checks nothing else, so
 * that a caller reads more and calls it again.
 *
 * It is malformed, -EBADMSG, when a line holds a control byte other than
 * HTAB (a NUL, DEL, a CR that is not right before the LF ending the line,
 * an LF not after a CR without %SCRIPT_SPLIT_LF); when the start line has
 * fewer than two SPs, or one at its start or two in a row (its first two
 * parts, method and target or version and status code, are not empty);
 * or when a field line has no ':' or has a byte before it that is not a
 * token character of RFC 9110 5.6.2 (a space before the ':', a line that
 * starts with a space: obsolete line folding, is malformed).  Bytes from
 * 0x80 are allowed outside names.  A block whose first line is empty has
 * no start line and is malformed, but with %SCRIPT_SPLIT_NO_START, when
 * it is a block of no fields.
 *
 * The start line is split at its first two SPs into @start; a third part
 * may hold SPs.  Each field line becomes a struct script_field in
 * @fields, in order; with %SCRIPT_SPLIT_NAMED only those whose name is in
 * @names are stored.  The op returns the length of the block, and sets
 * @nr_fields and @start; on an error these are unchanged, and @fields may
 * have been written in part.  The first problem in the block decides the
 * error (-EBADMSG, -ENOSPC).
 *
 * The op's work, counted in bytes, is the block's length (or r2 when it
 * has no end), 24 for each field stored and @names_len for each field
 * line when @names_len is not 0; each 256 bytes of it after the first 256
 * is a step of the budget.
 *
 * @fields: in: user address of @max_fields struct script_field
 * @names: in: user address of @names_len bytes of field names to look
 *	for, each ended by a NUL: "host\0content-length\0"; their indexes,
 *	from 0, are the keys of struct script_field.  -EINVAL when a name is
 *	empty or the last one has no NUL.
 * @max_fields: in: room in @fields
 * @names_len: in: 0 (no names: every key is -1) to
 *	%SCRIPT_SPLIT_NAMES_MAX
 * @flags: in: SCRIPT_SPLIT_*; -EINVAL for others
 * @nr_fields: out: fields stored
 * @start: out: the start line's parts; zero with %SCRIPT_SPLIT_NO_START
 */
struct script_split_header {
	__aligned_u64		fields;
	__aligned_u64		names;
	__u32			max_fields;
	__u32			names_len;
	__u32			flags;
	__u32			nr_fields;
	struct script_span	start[3];
};

/*
 * script_probe.flags
 *
 * SCRIPT_PROBE_JIT: this kernel compiles programs to native code
 * (CONFIG_SCRIPT_JIT) and kernel.script_jit is not 0: SCRIPT_LOAD
 * compiles the programs it loads, unless SCRIPT_F_INTERP asks otherwise.
 */
#define SCRIPT_PROBE_JIT		(1U << 0)

/* script_probe_op.flags */
#define SCRIPT_PROBE_OP_SUPPORTED	(1U << 0)	/* this kernel has the op */

/**
 * struct script_probe_op - one op in the answer of SCRIPT_PROBE
 * @id: the op's id, its index in struct script_probe.ops
 * @nargs: how many of r1 to r5 it takes
 * @flags: SCRIPT_PROBE_OP_*
 * @nr: the system call it stands for, the number seccomp filters see for
 *	it; -1 for ops on memory and composite ops
 * @name: its name, NUL-terminated
 */
struct script_probe_op {
	__u16	id;
	__u8	nargs;
	__u8	flags;
	__s32	nr;
	char	name[24];
};

/**
 * struct script_probe - the argument of SCRIPT_PROBE
 *
 * script(SCRIPT_PROBE, probe, size): @size is the bytes of @probe, at
 * least sizeof(struct script_probe) (-EINVAL) and at most a page (-E2BIG);
 * the kernel fills as many @ops as fit and zeroes the rest of the buffer.
 *
 * @ops_max: out: op ids this kernel knows, the last one plus one.
 * @ops_len: out: entries of @ops filled: the smaller of @ops_max and the
 *	room in the buffer.
 * @classes: out: bit (1 << class) set for each instruction class
 *	(SCRIPT_LD to SCRIPT_ALU64) that the verifier accepts.
 * @flags: out: SCRIPT_PROBE_*.
 * @ops: one entry per op id from 0.
 */
struct script_probe {
	__u32			ops_max;
	__u32			ops_len;
	__u32			classes;
	__u32			flags;
	struct script_probe_op	ops[];
};

#endif /* _UAPI_LINUX_SCRIPT_H */
