/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What httpd.c (the launcher) and h2.bpf.h (the HTTP/2 half of the
 * worker's script) share: the HTTP/2 state of a connection, in an area of
 * its own per connection slot that the launcher maps (lazily: only the
 * pages of HTTP/2 connections are ever touched), and a worker's HTTP/2
 * block, which httpd_ctl.h2 points at.  h2.bpf.h's comment is the design.
 */
#ifndef HTTPD_H2_H
#define HTTPD_H2_H

#include <linux/types.h>

/* SETTINGS_MAX_CONCURRENT_STREAMS we advertise: the stream table's size */
#define H2_STREAMS		100
/* SETTINGS_MAX_FRAME_SIZE we keep (the protocol's default and minimum) */
#define H2_FRAME_MAX		16384
/* A frame's header */
#define H2_FRAME_HEAD		9
/* Input buffer: a whole frame of H2_FRAME_MAX and the next one's start */
#define H2_RBUF_SIZE		(H2_FRAME_MAX + 4096)
/*
 * The compressed bytes of one header block (HEADERS and its
 * CONTINUATIONs): more is a connection error ENHANCE_YOUR_CALM
 */
#define H2_BLOCK_MAX		16384
/* Output buffer: frames queued for one send */
#define H2_WBUF_SIZE		(48 * 1024)
/* SETTINGS_HEADER_TABLE_SIZE (the default: not advertised) */
#define H2_TABLE_SIZE		4096
/* Entries the dynamic table can hold: each counts 32 bytes at least */
#define H2_TABLE_ENTRIES	(H2_TABLE_SIZE / 32)
/* Its bytes: twice its size, compacted when the end is reached */
#define H2_TABLE_DATA		(2 * H2_TABLE_SIZE)
/* SETTINGS_MAX_HEADER_LIST_SIZE we advertise: more is a 431 */
#define H2_LIST_MAX		16384
/* Longest field name and value decoded (a longer :path is 414) */
#define H2_NAME_MAX		H2_TABLE_SIZE
#define H2_VALUE_MAX		(2 * H2_TABLE_SIZE)
/* The Huffman decoder: 256 states of 16 nibbles */
#define H2_HUFF_STATES		256
#define H2_HUFF_ENTRIES		(H2_HUFF_STATES * 16)
/*
 * An entry of the Huffman table: the next state in bits 0-7, the symbol
 * emitted in bits 8-15 when H2_HUFF_EMIT, H2_HUFF_ACCEPT when the string
 * may end there (on padding of at most 7 one bits), H2_HUFF_FAIL on EOS
 */
#define H2_HUFF_EMIT		(1U << 16)
#define H2_HUFF_ACCEPT		(1U << 17)
#define H2_HUFF_FAIL		(1U << 18)

/**
 * struct h2_stream - a stream the server answers
 * @id: its id; 0 when the slot is free
 * @flags: H2S_*
 * @file_fd: the file its body comes from, -1 for none
 * @status: the response's status code
 * @window: the stream's send window
 * @file_off: offset of the body's next byte
 * @remaining: body bytes still to send
 */
struct h2_stream {
	__u32	id;
	__u32	flags;
	__s32	file_fd;
	__u32	status;
	__s64	window;
	__s64	file_off;
	__u64	remaining;
};

/**
 * struct h2_entry - an entry of a dynamic table
 * @off: offset of its name in h2_conn.dt_data, its value right after
 * @nlen: the name's length
 * @vlen: the value's
 */
struct h2_entry {
	__u32	off;
	__u16	nlen;
	__u16	vlen;
};

/**
 * struct h2_conn - an HTTP/2 connection's state, owned by the script
 * @flags: H2C_*
 * @roff: offset in @rbuf of the first byte not parsed
 * @rlen: bytes in @rbuf
 * @wlen: bytes queued in @wbuf
 * @wsent: bytes of them sent
 * @max_id: the highest stream id the client opened
 * @nstreams: streams open
 * @pending: streams with body bytes to send
 * @block_id: the stream of the header block being received, 0 for none
 * @block_flags: its HEADERS' flags
 * @block_len: its bytes in @block
 * @frame_max: the client's SETTINGS_MAX_FRAME_SIZE
 * @rr: the stream slot the round robin looks at first
 * @cur: the slot whose DATA frame the move op is sending, or HTTPD_NIL
 * @dt_size: the dynamic table's size (RFC 7541 4.1)
 * @dt_max: its maximum size
 * @dt_count: its entries
 * @dt_head: the slot in @dt of the newest
 * @dt_end: the end of the bytes of @dt_data in use
 * @mhead_sent: bytes of @mhead sent
 * @init_window: the client's SETTINGS_INITIAL_WINDOW_SIZE
 * @send_window: the connection's send window
 * @recv_window: what the client may still send on the connection
 * @cur_left: bytes of the DATA frame being moved still to move
 * @ctrl: frames that cost the server work but answer no request
 * @done: streams answered whole
 * @mhead: the header of the DATA frame the move op sends the body of
 * @dt: the dynamic table's entries, a ring
 * @streams: the stream table
 * @dt_data: the dynamic table's names and values
 * @rbuf: input
 * @block: a header block, gathered from HEADERS and CONTINUATION
 * @wbuf: output
 */
struct h2_conn {
	__u32			flags;
	__u32			roff;
	__u32			rlen;
	__u32			wlen;
	__u32			wsent;
	__u32			max_id;
	__u32			nstreams;
	__u32			pending;
	__u32			block_id;
	__u32			block_flags;
	__u32			block_len;
	__u32			frame_max;
	__u32			rr;
	__u32			cur;
	__u32			dt_size;
	__u32			dt_max;
	__u32			dt_count;
	__u32			dt_head;
	__u32			dt_end;
	__u32			mhead_sent;
	__s64			init_window;
	__s64			send_window;
	__s64			recv_window;
	__u64			cur_left;
	__u64			ctrl;
	__u64			done;
	__u8			mhead[16];
	struct h2_entry		dt[H2_TABLE_ENTRIES];
	struct h2_stream	streams[H2_STREAMS];
	__u8			dt_data[H2_TABLE_DATA];
	__u8			rbuf[H2_RBUF_SIZE];
	__u8			block[H2_BLOCK_MAX];
	__u8			wbuf[H2_WBUF_SIZE];
};

/**
 * struct h2_ctl - a worker's HTTP/2 block, httpd_ctl.h2
 * @huff: in: user address of the Huffman decoding table,
 *	%H2_HUFF_ENTRIES __u32 (shared by the workers, read only)
 * @conns: in: user address of httpd_ctl.max_conns struct h2_conn, one
 *	per connection slot
 * @streams: out: HTTP/2 requests answered (also in httpd_ctl.requests)
 * @goaways: out: connections ended with a GOAWAY of an error
 * @resets: out: streams the server reset
 * @fields: scratch: the request's pseudo-header fields seen (H2F_*)
 * @mstatus: scratch: the status its method gives (0 for GET and HEAD)
 * @plen: scratch: the length of @path
 * @list: scratch: the header list's size (RFC 9113 6.5.2)
 * @np: scratch: the field's name, its address
 * @vp: scratch: its value's
 * @nl: scratch: the name's length
 * @vl: scratch: the value's
 * @name: scratch: a field name decoded
 * @value: scratch: a field value decoded
 * @path: scratch: the request's :path, with room for "index.html"
 * @body: scratch: an error page
 */
struct h2_ctl {
	__u64	huff;
	__u64	conns;
	__u64	streams;
	__u64	goaways;
	__u64	resets;
	__u32	fields;
	__u32	mstatus;
	__u32	plen;
	__u32	list;
	__u64	np;
	__u64	vp;
	__u32	nl;
	__u32	vl;
	char	name[H2_NAME_MAX + 16];
	char	value[H2_VALUE_MAX + 16];
	char	path[H2_VALUE_MAX + 32];
	char	body[256];
};

#endif /* HTTPD_H2_H */
