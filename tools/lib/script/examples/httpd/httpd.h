/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What httpd.c (the launcher) and httpd.bpf.c (the script each worker
 * thread runs, its whole event loop in one script(2) call) share: the
 * worker's control block, passed in r1, and the connection table it
 * points at.  Everything here is memory of the launcher's process, which
 * the script reaches with checked user accesses; nothing is global to the
 * script, so workers share nothing but the listening socket, the stop
 * descriptor and the docroot.
 *
 * The launcher fills the "in" fields and the buffer addresses of each
 * connection before the run; the script owns everything else while it
 * runs and leaves the counters ("out") when it returns.
 */
#ifndef HTTPD_H
#define HTTPD_H

#include <linux/types.h>
#include <linux/script.h>

#include "h2.h"

/* Request header buffer per connection: a larger header is 431 */
#define HTTPD_IN_SIZE		8192
/* Room for a response header */
#define HTTPD_HEAD_MAX		1024
/*
 * Largest file sent from the out buffer, read into it after its header:
 * a larger one goes with the move op (sendfile)
 */
#define HTTPD_SMALL_MAX		(16 * 1024)
/* Response buffer per connection: a header, and a small file's bytes */
#define HTTPD_OUT_SIZE		(HTTPD_HEAD_MAX + HTTPD_SMALL_MAX)
/* Request fields split_header stores: Host, Connection, Content-Length... */
#define HTTPD_FIELDS_MAX	16
/* Longest decoded path (PATH_MAX): a longer one is 414 */
#define HTTPD_PATH_MAX		4096
/* Events one epoll_wait() returns */
#define HTTPD_MAX_EVENTS	64
/* No architecture's struct epoll_event is larger, nor its struct stat */
#define HTTPD_EVENT_MAX_SIZE	16
#define HTTPD_STAT_MAX_SIZE	256
/* The script's stack: its calls nest at most 6 deep (7 frames of 512) */
#define HTTPD_STACK_SIZE	(16 * 1024)
/* Longest target a 301 echoes in Location: a longer one is 414 */
#define HTTPD_LOCATION_MAX	512

/* An index of no connection, ending a list */
#define HTTPD_NIL		0xffffffffU
/* epoll data of the two descriptors that are no connection */
#define HTTPD_TAG_LISTEN	0xfffffffeU
#define HTTPD_TAG_STOP		0xfffffffdU
#define HTTPD_TAG_HANDOFF	0xfffffffcU

/*
 * struct httpd_conn.proto: what a connection speaks.  A connection the
 * script accepts itself (the clear-text port) starts as
 * HTTPD_PROTO_HTTP1; one handed off from the TLS port speaks what ALPN
 * chose, and has HTTPD_PROTO_TLS besides.
 */
#define HTTPD_PROTO_HTTP1	0		/* HTTP/1.1 or 1.0 */
#define HTTPD_PROTO_H2		1		/* HTTP/2 (ALPN "h2") */
#define HTTPD_PROTO_MASK	0xffU
#define HTTPD_PROTO_TLS		0x100U		/* kernel TLS in both ways */

/* Handoff records the script reads from its pipe per wakeup */
#define HTTPD_HANDOFF_BATCH	16

/**
 * struct httpd_handoff - a connection the launcher hands to a worker
 * @fd: the socket, kernel TLS on in both directions, non-blocking
 * @proto: HTTPD_PROTO_*, HTTPD_PROTO_TLS included
 *
 * The launcher's handshake thread writes each as one write() of 8 bytes
 * (atomic on a pipe) to the worker's handoff pipe; the descriptor is then
 * the script's, which closes it.
 */
struct httpd_handoff {
	__s32	fd;
	__u32	proto;
};

/**
 * enum httpd_phase - where a connection is
 * @HTTPD_FREE: the slot is unused (on the free list)
 * @HTTPD_READ: reading a request header, or idle between requests
 * @HTTPD_HEAD: sending the response header (and an error's body) from
 *	the connection's out buffer
 * @HTTPD_BODY: sending the file with the move op
 * @HTTPD_DONE: the response has gone: next request, or close
 * @HTTPD_LINGER: the server is done with the connection: its side is shut
 *	down and what the client still sends is read and dropped until it
 *	closes, so that a close with unread data does not reset the
 *	connection before the client has read the response
 * @HTTPD_H2: an HTTP/2 connection: its state is its struct h2_conn
 */
enum httpd_phase {
	HTTPD_FREE,
	HTTPD_READ,
	HTTPD_HEAD,
	HTTPD_BODY,
	HTTPD_DONE,
	HTTPD_LINGER,
	HTTPD_H2,
};

/*
 * struct httpd_conn.flags: HTTPD_CF_READABLE, input may be waiting (an
 * edge came since the last short read); HTTPD_CF_HUP, the peer shut down
 * or failed; HTTPD_CF_KEEPALIVE, the connection stays open for the next
 * request after this response.
 */
#define HTTPD_CF_READABLE	(1U << 0)
#define HTTPD_CF_HUP		(1U << 1)
#define HTTPD_CF_KEEPALIVE	(1U << 2)

/**
 * struct httpd_conn - one slot of the connection table
 * @fd: the connection's socket, -1 when the slot is free
 * @phase: enum httpd_phase
 * @file_fd: the file being sent, -1 for none
 * @flags: HTTPD_CF_*
 * @in_len: bytes in @in
 * @scanned: bytes of @in already searched for the end of the header
 * @req_len: bytes of @in the current request's header takes, dropped
 *	once it is answered (what follows is the next, pipelined, request)
 * @out_len: bytes of the response in @out
 * @out_sent: bytes of them sent
 * @idx: this slot's index in the table
 * @prev: deadline list: the connection with the next earlier deadline
 * @next: deadline list: the one with the next later deadline; free list:
 *	the next free slot
 * @status: the status code of the response being sent
 * @proto: HTTPD_PROTO_*: the protocol, and whether it came over TLS
 * @file_off: offset in @file_fd of the next byte to send
 * @remaining: bytes of the file still to send
 * @deadline: CLOCK_MONOTONIC milliseconds after which the connection
 *	times out in its phase
 * @queued: @deadline when the connection last joined the deadline list's
 *	tail, which the list is sorted by: never later than @deadline
 * @in: user address of the request buffer, %HTTPD_IN_SIZE bytes,
 *	4-byte aligned (the script loads its first 4 bytes as one word)
 * @out: user address of the response buffer, %HTTPD_OUT_SIZE bytes: a
 *	header, and the bytes of a file up to %HTTPD_SMALL_MAX after it
 */
struct httpd_conn {
	__s32	fd;
	__u32	phase;
	__s32	file_fd;
	__u32	flags;
	__u32	in_len;
	__u32	scanned;
	__u32	req_len;
	__u32	out_len;
	__u32	out_sent;
	__u32	idx;
	__u32	prev;
	__u32	next;
	__u32	status;
	__u32	proto;
	__s64	file_off;
	__u64	remaining;
	__s64	deadline;
	__s64	queued;
	__u64	in;
	__u64	out;
};

/**
 * struct httpd_open_how - openat2()'s struct open_how, as the ctl holds it
 * @flags: O_* flags of every file the script opens
 * @mode: 0
 * @resolve: RESOLVE_* flags: RESOLVE_BENEATH at least
 */
struct httpd_open_how {
	__u64	flags;
	__u64	mode;
	__u64	resolve;
};

/* struct httpd_ctl.resp: [2] counts 2xx ... [5] 5xx; 0 and 1 unused */
#define HTTPD_RESP_CLASSES	6

/**
 * struct httpd_ctl - one worker's control block, the script's r1
 * @listen_fd: in: the listening socket, non-blocking, shared by workers
 * @stop_fd: in: a descriptor that becomes readable when the workers must
 *	stop (an eventfd): the script then closes its connections and
 *	returns 0
 * @root_fd: in: the docroot directory (O_PATH), openat2()'s dirfd
 * @timeout_ms: in: how long a request header may take from its first
 *	byte, an idle connection may wait for its next request, a slow
 *	reader may make no progress, and a closing connection may linger;
 *	at least 1
 * @accept_flags: in: accept4()'s flags (SOCK_NONBLOCK | SOCK_CLOEXEC)
 * @epoll_flags: in: epoll_create1()'s flags (EPOLL_CLOEXEC)
 * @send_flags: in: send()'s flags for a response header (MSG_NOSIGNAL)
 * @more_flag: in: the flag added when a body follows it (MSG_MORE)
 * @how: in: openat2()'s struct open_how
 * @max_conns: in: slots in @conns, at least 1
 * @ev_size: in: sizeof(struct epoll_event)
 * @ev_data_off: in: offsetof(struct epoll_event, data)
 * @st_mode_off: in: offsetof(struct stat, st_mode) (32 bits wide)
 * @st_size_off: in: offsetof(struct stat, st_size) (64 bits wide)
 * @__pad0: 0
 * @conns: in: user address of @max_conns struct httpd_conn, each with
 *	its @in and @out set
 * @handoff_fd: in: the read end of the worker's handoff pipe (struct
 *	httpd_handoff records from the TLS port), non-blocking; -1 for none
 * @h2: in: user address of the worker's struct h2_ctl (h2.h), for the
 *	connections that start with the HTTP/2 preface
 * @accepted: out: connections accepted
 * @rejected: out: connections turned away with a 503, the table being
 *	full
 * @requests: out: requests parsed (a header that came whole, or that
 *	was too large or too slow to)
 * @resp: out: responses by status class: @resp[2] 2xx to @resp[5] 5xx
 * @bytes: out: bytes sent, headers and bodies
 * @timeouts: out: connections closed or answered 408 on their deadline
 * @accept_errors: out: accept4() failures other than EAGAIN
 * @wakeups: out: epoll_wait() returns
 * @adopted: out: connections handed off by the launcher (TLS), counted
 *	in @accepted too
 * @epfd: the script's epoll descriptor
 * @nconns: connections open
 * @free_head: first free slot, or %HTTPD_NIL
 * @dl_head: the connection with the earliest deadline, or %HTTPD_NIL
 * @dl_tail: the one with the latest
 * @now: CLOCK_MONOTONIC milliseconds at the last wakeup
 * @accept_resume: when accepting was paused (no descriptors left), the
 *	time to start again; 0 while accepting
 * @split: split_header's argument: the request line's parts and the
 *	fields of the request being parsed
 * @split_ret: split_header's result for it
 * @fields: the fields of @split
 * @path: scratch: the decoded path of a request, NUL-terminated
 * @events: scratch: epoll_wait()'s events
 * @ev: scratch: epoll_ctl()'s event
 * @st: scratch: fstat()'s struct stat
 * @handoffs: scratch: records read from @handoff_fd
 */
struct httpd_ctl {
	__s64			listen_fd;
	__s64			stop_fd;
	__s64			root_fd;
	__s64			timeout_ms;
	__s64			accept_flags;
	__s64			epoll_flags;
	__s64			send_flags;
	__s64			more_flag;
	struct httpd_open_how	how;
	__u32			max_conns;
	__u32			ev_size;
	__u32			ev_data_off;
	__u32			st_mode_off;
	__u32			st_size_off;
	__u32			__pad0;
	__u64			conns;
	__s64			handoff_fd;
	__u64			h2;

	__u64			accepted;
	__u64			rejected;
	__u64			requests;
	__u64			resp[HTTPD_RESP_CLASSES];
	__u64			bytes;
	__u64			timeouts;
	__u64			accept_errors;
	__u64			wakeups;
	__u64			adopted;

	__s64			epfd;
	__u32			nconns;
	__u32			free_head;
	__u32			dl_head;
	__u32			dl_tail;
	__s64			now;
	__s64			accept_resume;

	struct script_split_header	split;
	__s64			split_ret;
	struct script_field	fields[HTTPD_FIELDS_MAX];
	char			path[HTTPD_IN_SIZE + 16];
	__u8			events[HTTPD_MAX_EVENTS *
				       HTTPD_EVENT_MAX_SIZE];
	__u8			ev[HTTPD_EVENT_MAX_SIZE];
	__u8			st[HTTPD_STAT_MAX_SIZE];
	struct httpd_handoff	handoffs[HTTPD_HANDOFF_BATCH];
};

#endif /* HTTPD_H */
