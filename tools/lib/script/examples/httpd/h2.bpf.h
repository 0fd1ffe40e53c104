/* SPDX-License-Identifier: GPL-2.0 */
/*
 * h2.bpf.h: HTTP/2 over clear text (h2c, prior knowledge; RFC 9113, HPACK
 * RFC 7541) for httpd.bpf.c, which includes it: the same worker's script
 * serves both protocols in the same event loop, with no system call of
 * its own per request.
 *
 * Design:
 *
 *  - A connection is HTTP/1.1 until a request header comes that is the
 *    first 18 bytes of the client preface, "PRI * HTTP/2.0\r\n\r\n"
 *    (split_header takes it for a whole header; process_request() tests
 *    for it before anything else).  h2_start() then turns the slot into
 *    an HTTP/2 connection, phase HTTPD_H2, with its state in the slot's
 *    struct h2_conn (h2.h), an area of its own that the launcher maps
 *    lazily, and queues the server's SETTINGS.  The rest of the preface
 *    ("SM\r\n\r\n") must follow, then the client's SETTINGS, else the
 *    connection closes (a PROTOCOL_ERROR after the preface).  The
 *    deprecated "Upgrade: h2c" is not supported.
 *
 *  - I/O: h2_run() is the connection's whole state machine: write what
 *    is queued, read and parse whole frames from the input buffer, queue
 *    what they answer, and loop until neither side can move.  Frames are
 *    queued in the out buffer (wbuf) and go in one send.  When the out
 *    buffer holds more than H2_WBUF_SIZE - H2_WROOM bytes, input is not
 *    parsed (nor read): a client that does not read its responses stops
 *    being read, so no flood of PINGs, SETTINGS or requests queues more
 *    than the buffer.  Edge-triggered readiness is kept as HTTP/1.1
 *    keeps it (HTTPD_CF_READABLE).
 *
 *  - Responses: a request is answered as soon as its header block is
 *    whole: HEADERS with :status (static index 8-14 when it has one, else
 *    literal with the indexed name), server, content-length and
 *    content-type (and allow, location), every field a literal without
 *    indexing of a static name, never Huffman-coded: the encoder has no
 *    dynamic table, and the client's SETTINGS_HEADER_TABLE_SIZE does not
 *    matter.  Paths, status codes and error pages are HTTP/1.1's:
 *    open_target(), method_status(), mime_of() and reasons[] are shared.
 *    A body goes in DATA frames, scheduled round robin over the streams
 *    that have bytes to send and window (stream and connection) left,
 *    each frame at most the client's SETTINGS_MAX_FRAME_SIZE.  A file of
 *    up to HTTPD_SMALL_MAX bytes, and an error page, is read into the out
 *    buffer after its frame header; a larger one is sent from the page
 *    cache: the 9-byte frame header with MSG_MORE, then the move op
 *    (sendfile) of the frame's bytes from the file, nothing else being
 *    sent until that frame is whole.
 *
 *  - HPACK: a header block is gathered whole (HEADERS, CONTINUATION) in
 *    the connection's block buffer, then decoded: integers, the static
 *    table, the dynamic table (a ring of entries over a byte area twice
 *    the table's size, compacted when its end is reached, with size
 *    updates and eviction), and Huffman-coded strings with the table the
 *    launcher builds at start-up from RFC 7541 Appendix B: two lookups per
 *    byte (h2_huffman.h).  Every block is decoded, refused streams'
 *    included, so that the table stays in step with the client's.
 *
 *  - Streams: a slot each in a table of H2_STREAMS (found by id, open
 *    addressing).  HEADERS on a new odd id opens one: past H2_STREAMS
 *    open it is refused (RST_STREAM REFUSED_STREAM).  A malformed request
 *    (a pseudo-header missing, repeated, unknown or after a regular
 *    field, an upper-case or connection-specific field, CR, LF or NUL in
 *    a value or white space at its ends) is a stream error
 *    PROTOCOL_ERROR; trailers are read and dropped.  A request that has
 *    not ended when its response has is reset with NO_ERROR (RFC 9113
 *    8.1); its DATA are counted in the connection's flow control and
 *    dropped.  PRIORITY is ignored (as RFC 9113 allows), PUSH_PROMISE
 *    from a client is a PROTOCOL_ERROR, frames of unknown types are
 *    ignored.
 *
 *  - Errors: connection errors queue a GOAWAY with the last stream id and
 *    the code, then the connection closes as HTTP/1.1 does (shut down,
 *    linger); stream errors send RST_STREAM.  A connection that makes no
 *    progress for the timeout (idle, or neither reading nor sending) gets
 *    a GOAWAY with NO_ERROR and is closed.  Codes as RFC 9113 says:
 *    FRAME_SIZE_ERROR for a frame larger than H2_FRAME_MAX or of a wrong
 *    fixed size, PROTOCOL_ERROR, FLOW_CONTROL_ERROR (a window above
 *    2^31-1, DATA beyond the connection's window), STREAM_CLOSED,
 *    COMPRESSION_ERROR for any HPACK error.
 *
 *  - Limits, and the attacks they defend against: a header block of at
 *    most H2_BLOCK_MAX compressed bytes (CONTINUATION flood: ENHANCE_
 *    YOUR_CALM); a decoded header list of at most H2_LIST_MAX (a 431
 *    response), whose fields past the limit are only counted, never
 *    copied or checked, so that an HPACK bomb of indexed references to a
 *    large entry costs O(1) per byte of the block; a dynamic table of
 *    H2_TABLE_SIZE, strings of H2_NAME_MAX and H2_VALUE_MAX (a 431); at
 *    most H2_STREAMS open streams; and a budget of frames that answer no
 *    request (PING, SETTINGS, PRIORITY, RST_STREAM, empty DATA and
 *    CONTINUATION, malformed and refused requests): H2_CTRL_FREE plus
 *    H2_CTRL_PER_STREAM per stream answered whole, beyond which the
 *    connection ends with ENHANCE_YOUR_CALM.  That budget bounds rapid
 *    reset (HEADERS then RST_STREAM: each stream reset before its
 *    response is whole costs one), SETTINGS and PING floods in time; the
 *    out buffer's back-pressure bounds them in memory.
 *
 *  - Memory: a connection's struct h2_conn is about 97 KiB (input 20 KiB,
 *    header block 16 KiB, output 48 KiB, dynamic table 8 KiB, 100
 *    streams), mapped by the launcher for every slot but touched only by
 *    the connections that speak HTTP/2; a worker's struct h2_ctl (20 KiB)
 *    holds the scratch of decoding.  Each stream with a body holds its
 *    file open until the body has gone: up to H2_STREAMS files per
 *    connection, and a file that cannot be opened for want of
 *    descriptors is a 503, as in HTTP/1.1.
 *
 *  - Not done: the server never pushes (so the client's
 *    SETTINGS_MAX_CONCURRENT_STREAMS and ENABLE_PUSH bound nothing here)
 *    and never reads request bodies: a stream's receive window is never
 *    given back (the connection's is), and content-length is not checked
 *    against DATA.  No SETTINGS_TIMEOUT.  Stream priorities are not used
 *    by the round robin.
 */

#define H2_DATA			0
#define H2_HEADERS		1
#define H2_PRIORITY		2
#define H2_RST_STREAM		3
#define H2_SETTINGS		4
#define H2_PUSH_PROMISE		5
#define H2_PING			6
#define H2_GOAWAY		7
#define H2_WINDOW_UPDATE	8
#define H2_CONTINUATION		9

#define H2_END_STREAM		0x1
#define H2_ACK			0x1
#define H2_END_HEADERS		0x4
#define H2_PADDED		0x8
#define H2_PRIO			0x20

#define H2_NO_ERROR		0x0
#define H2_PROTOCOL_ERROR	0x1
#define H2_INTERNAL_ERROR	0x2
#define H2_FLOW_CONTROL_ERROR	0x3
#define H2_STREAM_CLOSED	0x5
#define H2_FRAME_SIZE_ERROR	0x6
#define H2_REFUSED_STREAM	0x7
#define H2_COMPRESSION_ERROR	0x9
#define H2_ENHANCE_YOUR_CALM	0xb

/* The protocol's initial window, and the largest */
#define H2_WINDOW		65535
#define H2_WINDOW_MAX		0x7fffffffLL
/* Out buffer room input processing needs: a response's HEADERS and more */
#define H2_WROOM		2048
/* The frames that answer no request a connection may send, see above */
#define H2_CTRL_FREE		500
#define H2_CTRL_PER_STREAM	4

/* struct h2_conn.flags */
#define H2C_PREFACE		(1U << 0)	/* "SM\r\n\r\n" came */
#define H2C_SETTINGS		(1U << 1)	/* the client's SETTINGS came */
#define H2C_CLOSING		(1U << 2)	/* GOAWAY queued: close */
#define H2C_GOAWAY_RECV		(1U << 3)	/* the client's GOAWAY came */

/* struct h2_stream.flags */
#define H2S_REMOTE_CLOSED	(1U << 0)	/* the request has ended */
#define H2S_MOVE		(1U << 1)	/* body by the move op */
#define H2S_ERRBODY		(1U << 2)	/* body: the error page */
#define H2S_RESET		(1U << 3)	/* reset: drop when whole */

/* struct h2_ctl.fields: what a header block had */
#define H2F_METHOD		(1U << 0)
#define H2F_SCHEME		(1U << 1)
#define H2F_PATH		(1U << 2)
#define H2F_AUTHORITY		(1U << 3)
#define H2F_REGULAR		(1U << 4)	/* a field that is no pseudo */
#define H2F_HEAD		(1U << 5)	/* :method HEAD */
#define H2F_BAD			(1U << 6)	/* malformed */
#define H2F_BIG			(1U << 7)	/* too large: 431 */

/* h2_frame(): the header block is whole */
#define H2_BLOCK		1

static void start_linger(struct httpd_ctl *c, struct httpd_conn *conn);

/* The 18 bytes of the client preface split_header takes for a request */
static const char h2_preface[] = "PRI * HTTP/2.0\r\n\r\n";
/* Bytes a field name may not have (RFC 9113 8.2.1), but ':' first */
static const char h2_name_bad[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ :\r\n\t";

/**
 * struct h2_static - an entry of HPACK's static table (RFC 7541 A)
 * @name: its name
 * @value: its value
 * @nlen: the name's length
 * @vlen: the value's
 */
struct h2_static {
	const char	*name;
	const char	*value;
	__u32		nlen;
	__u32		vlen;
};

#define S1(n)		{ n, "", sizeof(n) - 1, 0 }
#define S2(n, v)	{ n, v, sizeof(n) - 1, sizeof(v) - 1 }

/* Index 1 to 61; [0] unused */
static const struct h2_static h2_static_table[62] = {
	S1(""), S1(":authority"), S2(":method", "GET"),
	S2(":method", "POST"), S2(":path", "/"), S2(":path", "/index.html"),
	S2(":scheme", "http"), S2(":scheme", "https"), S2(":status", "200"),
	S2(":status", "204"), S2(":status", "206"), S2(":status", "304"),
	S2(":status", "400"), S2(":status", "404"), S2(":status", "500"),
	S1("accept-charset"), S2("accept-encoding", "gzip, deflate"),
	S1("accept-language"), S1("accept-ranges"), S1("accept"),
	S1("access-control-allow-origin"), S1("age"), S1("allow"),
	S1("authorization"), S1("cache-control"), S1("content-disposition"),
	S1("content-encoding"), S1("content-language"), S1("content-length"),
	S1("content-location"), S1("content-range"), S1("content-type"),
	S1("cookie"), S1("date"), S1("etag"), S1("expect"), S1("expires"),
	S1("from"), S1("host"), S1("if-match"), S1("if-modified-since"),
	S1("if-none-match"), S1("if-range"), S1("if-unmodified-since"),
	S1("last-modified"), S1("link"), S1("location"), S1("max-forwards"),
	S1("proxy-authenticate"), S1("proxy-authorization"), S1("range"),
	S1("referer"), S1("refresh"), S1("retry-after"), S1("server"),
	S1("set-cookie"), S1("strict-transport-security"),
	S1("transfer-encoding"), S1("user-agent"), S1("vary"), S1("via"),
	S1("www-authenticate"),
};

/*
 * The server's SETTINGS: MAX_CONCURRENT_STREAMS H2_STREAMS (100),
 * INITIAL_WINDOW_SIZE H2_WINDOW (65535), MAX_HEADER_LIST_SIZE H2_LIST_MAX
 * (16384), as h2_start() checks
 */
static const __u8 h2_settings[] = {
	0, 0, 18, H2_SETTINGS, 0, 0, 0, 0, 0,
	0, 3, 0, 0, 0, 100,
	0, 4, 0, 0, 0xff, 0xff,
	0, 6, 0, 0, 0x40, 0,
};

static inline struct h2_ctl *h2x(struct httpd_ctl *c)
{
	return (struct h2_ctl *)c->h2;
}

static inline struct h2_conn *h2_of(struct httpd_ctl *c,
				    struct httpd_conn *conn)
{
	return (struct h2_conn *)(h2x(c)->conns +
				  (__u64)conn->idx * sizeof(struct h2_conn));
}

/* Writes a frame header at @f. */
static __attribute__((always_inline)) inline void
h2_frame_head(__u8 *f, __u32 len, __u32 type, __u32 flags, __u32 id)
{
	f[0] = len >> 16;
	f[1] = len >> 8;
	f[2] = len;
	f[3] = type;
	f[4] = flags;
	f[5] = id >> 24;
	f[6] = id >> 16;
	f[7] = id >> 8;
	f[8] = id;
}

static __attribute__((always_inline)) inline __u32 h2_u32(const __u8 *p)
{
	return (__u32)p[0] << 24 | (__u32)p[1] << 16 | (__u32)p[2] << 8 | p[3];
}

/* Queues a frame of a 32-bit @v (RST_STREAM, WINDOW_UPDATE). */
static void h2_queue_u32(struct h2_conn *h, __u32 type, __u32 id, __u32 v)
{
	__u8 *f = h->wbuf + h->wlen;

	h2_frame_head(f, 4, type, 0, id);
	f[9] = v >> 24;
	f[10] = v >> 16;
	f[11] = v >> 8;
	f[12] = v;
	h->wlen += 13;
}

/* A connection error: GOAWAY with @code, then close. */
static noinline void h2_goaway(struct httpd_ctl *c, struct h2_conn *h,
			       __u32 code)
{
	__u8 *f = h->wbuf + h->wlen;

	if (h->flags & H2C_CLOSING)
		return;
	h2_frame_head(f, 8, H2_GOAWAY, 0, 0);
	f[9] = h->max_id >> 24;
	f[10] = h->max_id >> 16;
	f[11] = h->max_id >> 8;
	f[12] = h->max_id;
	f[13] = 0;
	f[14] = 0;
	f[15] = 0;
	f[16] = code;
	h->wlen += 17;
	h->flags |= H2C_CLOSING;
	if (code)
		h2x(c)->goaways++;
}

/* ---- streams */

/* The slot of stream @id, or HTTPD_NIL. */
static noinline __u32 h2_find(struct h2_conn *h, __u32 id)
{
	__u32 i = (id >> 1) % H2_STREAMS, k;

	for (k = 0; k < H2_STREAMS; k++) {
		if (h->streams[i].id == id)
			return i;
		if (++i == H2_STREAMS)
			i = 0;
	}
	return HTTPD_NIL;
}

/* A free slot for stream @id (there is one: nstreams < H2_STREAMS). */
static __u32 h2_new(struct h2_conn *h, __u32 id)
{
	__u32 i = (id >> 1) % H2_STREAMS, k;

	for (k = 0; k < H2_STREAMS; k++) {
		if (!h->streams[i].id)
			break;
		if (++i == H2_STREAMS)
			i = 0;
	}
	h->nstreams++;
	return i;
}

/* Frees stream slot @i, closing its file. */
static noinline void h2_free(struct h2_conn *h, __u32 i)
{
	struct h2_stream *s = &h->streams[i % H2_STREAMS];

	if (s->file_fd >= 0)
		script_close(FD(s->file_fd));
	s->file_fd = -1;
	if (s->remaining)
		h->pending--;
	s->remaining = 0;
	s->id = 0;
	h->nstreams--;
}

/* A stream error: RST_STREAM @code, and the stream, if open, is gone. */
static noinline void h2_rst(struct httpd_ctl *c, struct h2_conn *h, __u32 id,
			    __u32 code)
{
	__u32 i = h2_find(h, id);

	h2_queue_u32(h, H2_RST_STREAM, id, code);
	h2x(c)->resets++;
	if (i == HTTPD_NIL)
		return;
	if (i == h->cur) {
		/* Its DATA frame is on the wire: finish it, then drop it. */
		h->streams[i].flags |= H2S_RESET;
		h->streams[i].remaining = h->cur_left;
		return;
	}
	h2_free(h, i);
}

/*
 * Stream slot @i's response has gone whole: count it, reset the request
 * if it has not ended (RFC 9113 8.1), free the slot.
 */
static void h2_end(struct httpd_ctl *c, struct h2_conn *h, __u32 i)
{
	struct h2_stream *s = &h->streams[i % H2_STREAMS];
	__u32 st = s->status;

	if (!(s->flags & H2S_RESET)) {
		if (st / 100 < HTTPD_RESP_CLASSES)
			c->resp[st / 100]++;
		if (!(s->flags & H2S_REMOTE_CLOSED))
			h2_queue_u32(h, H2_RST_STREAM, s->id, H2_NO_ERROR);
		h->done++;
	}
	h2_free(h, i);
}

/* Releases the connection's streams: it closes. */
static noinline void h2_release(struct httpd_ctl *c, struct httpd_conn *conn)
{
	struct h2_conn *h = h2_of(c, conn);
	__u32 i;

	for (i = 0; i < H2_STREAMS; i++)
		if (h->streams[i].id)
			h2_free(h, i);
}

/* ---- HPACK decoding */

/*
 * An integer of the prefix @mask at @blk[*@pos] (RFC 7541 5.1), at most
 * 2^28: its value, with *@pos past it, or -1.
 */
static __attribute__((always_inline)) inline long
hp_int(const __u8 *blk, __u32 *pos, __u32 end, __u32 mask)
{
	__u32 i = *pos, m = 0, b;
	long v = blk[i++] & mask;

	if (v == mask) {
		do {
			if (i >= end || m > 21)
				return -1;
			b = blk[i++];
			v += (long)(b & 0x7f) << m;
			m += 7;
		} while (b & 0x80);
	}
	*pos = i;
	return v;
}

/*
 * hp_str() - the string literal at the block's *@pos (RFC 7541 5.2) into
 * @dst, at most @cap bytes stored, Huffman-decoded if it is coded.
 *
 * Return: its length, which may be above @cap (then @dst holds no
 * useful bytes beyond @cap), with *@pos past it; or -1 for an error
 * (beyond the block, EOS, padding longer than 7 bits or not all ones).
 */
static noinline long hp_str(struct h2_ctl *x, struct h2_conn *h, __u32 *pos,
			    char *dst, long cap)
{
	const __u32 *tab = (const __u32 *)x->huff;
	const __u8 *blk = h->block;
	__u32 i = *pos, end = h->block_len, st = 0, e, e2, b;
	long len, k, o = 0, huff;

	if (i >= end)
		return -1;
	huff = blk[i] & 0x80;
	len = hp_int(blk, &i, end, 0x7f);
	if (len < 0 || len > end - i)
		return -1;
	*pos = i + len;
	if (!huff) {
		if (len <= cap)
			script_memcpy(dst, blk + i, len);
		return len;
	}
	e = H2_HUFF_ACCEPT;
	for (k = 0; k < len; k++) {
		b = blk[i + k];
		e = tab[st << 4 | b >> 4];
		if (e & H2_HUFF_EMIT) {
			if (o < cap)
				dst[o] = e >> 8;
			o++;
		}
		st = e & 0xff;
		e2 = e;
		e = tab[st << 4 | (b & 15)];
		if ((e | e2) & H2_HUFF_FAIL)
			return -1;
		if (e & H2_HUFF_EMIT) {
			if (o < cap)
				dst[o] = e >> 8;
			o++;
		}
		st = e & 0xff;
	}
	if (!(e & H2_HUFF_ACCEPT))
		return -1;
	return o;
}

/* Entry @idx of the static or dynamic table into @x->np...: 0 or -1. */
static long hp_entry(struct h2_ctl *x, struct h2_conn *h, long idx)
{
	const struct h2_static *st;
	struct h2_entry *e;

	if (idx <= 0)
		return -1;
	if (idx < 62) {
		st = &h2_static_table[idx];
		x->np = (__u64)st->name;
		x->nl = st->nlen;
		x->vp = (__u64)st->value;
		x->vl = st->vlen;
		return 0;
	}
	idx -= 62;
	if (idx >= h->dt_count)
		return -1;
	e = &h->dt[(h->dt_head - idx) & (H2_TABLE_ENTRIES - 1)];
	x->np = (__u64)(h->dt_data + e->off);
	x->nl = e->nlen;
	x->vp = x->np + e->nlen;
	x->vl = e->vlen;
	return 0;
}

/* Evicts the oldest entries until @need more bytes fit (RFC 7541 4.4). */
static void dt_evict(struct h2_conn *h, __u32 need)
{
	struct h2_entry *e;
	__u32 k;

	for (k = 0; k < H2_TABLE_ENTRIES && h->dt_count &&
	     h->dt_size + need > h->dt_max; k++) {
		e = &h->dt[(h->dt_head - h->dt_count + 1) &
			   (H2_TABLE_ENTRIES - 1)];
		h->dt_size -= e->nlen + e->vlen + 32;
		h->dt_count--;
	}
	if (!h->dt_count)
		h->dt_end = 0;
}

/* Adds the field in @x->name and @x->value to the dynamic table. */
static noinline void dt_insert(struct h2_conn *h, struct h2_ctl *x)
{
	__u32 nl = x->nl, vl = x->vl, size = nl + vl + 32, k, base, old;
	struct h2_entry *e;

	if (size > h->dt_max) {
		h->dt_count = 0;
		h->dt_size = 0;
		h->dt_end = 0;
		return;
	}
	dt_evict(h, size);
	if (h->dt_end + nl + vl > H2_TABLE_DATA) {
		/* Compact: at most dt_max - size bytes live */
		old = (h->dt_head - h->dt_count + 1) & (H2_TABLE_ENTRIES - 1);
		base = h->dt[old].off;
		script_memmove(h->dt_data, h->dt_data + base, h->dt_end - base);
		for (k = 0; k < h->dt_count; k++)
			h->dt[(old + k) & (H2_TABLE_ENTRIES - 1)].off -= base;
		h->dt_end -= base;
	}
	script_memcpy(h->dt_data + h->dt_end, x->name, nl);
	script_memcpy(h->dt_data + h->dt_end + nl, x->value, vl);
	h->dt_head = (h->dt_head + 1) & (H2_TABLE_ENTRIES - 1);
	e = &h->dt[h->dt_head];
	e->off = h->dt_end;
	e->nlen = nl;
	e->vlen = vl;
	h->dt_end += nl + vl;
	h->dt_count++;
	h->dt_size += size;
}

/* Whether the @n bytes at @p are the string literal @lit. */
#define IS(p, n, lit)	((n) == sizeof(lit) - 1 && \
			 !script_memcmp(p, lit, sizeof(lit) - 1))

/*
 * h2_field() - check the field @x->np, nl, vp, vl of a request's header
 * block and note what the request needs of it in @x.
 */
static noinline void h2_field(struct h2_ctl *x)
{
	const char *n = (const char *)x->np, *v = (const char *)x->vp;
	__u32 nl = x->nl, vl = x->vl;

	x->list += nl + vl + 32;
	/* Past the limit: a 431 whatever the rest, which costs nothing */
	if (x->list > H2_LIST_MAX || nl > H2_NAME_MAX || vl > H2_VALUE_MAX) {
		x->fields |= H2F_BIG;
		return;
	}
	/* RFC 9113 8.2.1: no CR, LF, NUL, nor white space at either end */
	if (!nl || script_memcspn(v, vl, "\0\r\n", 3) != vl ||
	    (vl && (is_ows(v[0]) || is_ows(v[vl - 1])))) {
		x->fields |= H2F_BAD;
		return;
	}
	if (n[0] == ':') {
		if (x->fields & H2F_REGULAR) {
			x->fields |= H2F_BAD;
		} else if (IS(n, nl, ":path")) {
			if (x->fields & H2F_PATH || !vl)
				x->fields |= H2F_BAD;
			x->fields |= H2F_PATH;
			script_memcpy(x->path, v, vl);
			x->plen = vl;
		} else if (IS(n, nl, ":method")) {
			if (x->fields & H2F_METHOD || !vl)
				x->fields |= H2F_BAD;
			x->fields |= H2F_METHOD;
			x->mstatus = method_status(v, vl);
			if (IS(v, vl, "HEAD"))
				x->fields |= H2F_HEAD;
		} else if (IS(n, nl, ":scheme")) {
			if (x->fields & H2F_SCHEME || !vl)
				x->fields |= H2F_BAD;
			x->fields |= H2F_SCHEME;
		} else if (IS(n, nl, ":authority")) {
			if (x->fields & H2F_AUTHORITY)
				x->fields |= H2F_BAD;
			x->fields |= H2F_AUTHORITY;
		} else {
			x->fields |= H2F_BAD;
		}
		return;
	}
	x->fields |= H2F_REGULAR;
	if (script_memcspn(n, nl, h2_name_bad, sizeof(h2_name_bad) - 1) != nl ||
	    IS(n, nl, "connection") || IS(n, nl, "keep-alive") ||
	    IS(n, nl, "proxy-connection") || IS(n, nl, "transfer-encoding") ||
	    IS(n, nl, "upgrade") || (IS(n, nl, "te") && !IS(v, vl, "trailers")))
		x->fields |= H2F_BAD;
}

/*
 * hpack_decode() - decode the header block in @h->block, updating the
 * dynamic table, and check its fields into @x.
 *
 * Return: 0, or -1 for a COMPRESSION_ERROR.
 */
static noinline long hpack_decode(struct h2_ctl *x, struct h2_conn *h)
{
	__u32 pos = 0, end = h->block_len, b, started = 0;
	long idx, n;

	x->fields = 0;
	x->mstatus = 0;
	x->plen = 0;
	x->list = 0;
	while (pos < end) {
		b = h->block[pos];
		if (b & 0x80) {
			/* Indexed */
			idx = hp_int(h->block, &pos, end, 0x7f);
			if (hp_entry(x, h, idx))
				return -1;
		} else if ((b & 0xe0) == 0x20) {
			/* A size update, before any field */
			n = hp_int(h->block, &pos, end, 0x1f);
			if (started || n < 0 || n > H2_TABLE_SIZE)
				return -1;
			h->dt_max = n;
			dt_evict(h, 0);
			continue;
		} else {
			/* Literal: with indexing (01), without (0000, 0001) */
			idx = hp_int(h->block, &pos, end,
				     (b & 0xc0) == 0x40 ? 0x3f : 0x0f);
			if (idx < 0)
				return -1;
			if (idx) {
				if (hp_entry(x, h, idx))
					return -1;
				/* (the entry may be evicted by this one) */
				script_memcpy(x->name, (const void *)x->np,
					      x->nl);
			} else {
				n = hp_str(x, h, &pos, x->name, H2_NAME_MAX);
				if (n < 0)
					return -1;
				x->nl = n;
			}
			n = hp_str(x, h, &pos, x->value, H2_VALUE_MAX);
			if (n < 0)
				return -1;
			x->vl = n;
			x->np = (__u64)x->name;
			x->vp = (__u64)x->value;
			if ((b & 0xc0) == 0x40)
				dt_insert(h, x);
		}
		started = 1;
		h2_field(x);
	}
	return 0;
}

/* ---- responses */

/*
 * The error page of @status into @x->body, as respond_error() writes it:
 * its length.  @rs and @rl: its reason, from h2_reason().
 */
static long h2_reason(long status, const char **rs)
{
	unsigned int k;

	for (k = 0; k < ARRAY_SIZE(reasons); k++)
		if (reasons[k].status == status) {
			*rs = reasons[k].text;
			return reasons[k].len;
		}
	*rs = "500 Internal Server Error";
	return 25;
}

static long h2_error_page(struct h2_ctl *x, long status)
{
	const char *rs;
	long rl = h2_reason(status, &rs), o = 0;

	OUTS(x->body, o, BODY1);
	OUT(x->body, o, rs, rl);
	OUTS(x->body, o, BODY2);
	OUT(x->body, o, rs, rl);
	OUTS(x->body, o, BODY3);
	return o;
}

/*
 * Queues the HEADERS of stream slot @s's response: @clen, the type @m,
 * Location from @x->path for a 301; END_STREAM when there is no body.
 */
static noinline void h2_head(struct httpd_ctl *c, struct h2_conn *h,
			     struct h2_stream *s, __u64 clen,
			     const struct mime *m)
{
	__u8 *f = h->wbuf + h->wlen, *p = f + H2_FRAME_HEAD;
	struct h2_ctl *x = h2x(c);
	long o = 0, st = s->status, n;

	switch (st) {
	case 200:
		p[o++] = 0x80 | 8;
		break;
	case 400:
		p[o++] = 0x80 | 12;
		break;
	case 404:
		p[o++] = 0x80 | 13;
		break;
	case 500:
		p[o++] = 0x80 | 14;
		break;
	default:
		/* Literal without indexing, name :status (8) */
		p[o++] = 8;
		p[o++] = 3;
		script_format_u64(p + o, 4, st, 10);
		o += 3;
	}
	/* server (54): literal without indexing, index 15 + 39 */
	OUTS(p, o, "\x0f\x27\x09script(2)");
	/* content-length (28) */
	p[o] = 0x0f;
	p[o + 1] = 28 - 15;
	n = script_format_u64(p + o + 3, 24, clen, 10);
	p[o + 2] = n;
	o += 3 + n;
	/* content-type (31): every type is shorter than 127 */
	p[o] = 0x0f;
	p[o + 1] = 31 - 15;
	p[o + 2] = m->len;
	o += 3;
	OUT(p, o, m->type, m->len);
	if (st == 405)
		/* allow (22) */
		OUTS(p, o, "\x0f\x07\x09GET, HEAD");
	if (st == 301) {
		/* location (46): the path and a '/', at most 513 bytes */
		p[o++] = 0x0f;
		p[o++] = 46 - 15;
		n = x->plen + 1;
		if (n < 127) {
			p[o++] = n;
		} else {
			p[o++] = 127;
			n -= 127;
			p[o++] = 0x80 | (n & 0x7f);
			p[o++] = n >> 7;
		}
		OUT(p, o, x->path, x->plen);
		p[o++] = '/';
	}
	h2_frame_head(f, o, H2_HEADERS,
		      H2_END_HEADERS | (s->remaining ? 0 : H2_END_STREAM), s->id);
	h->wlen += H2_FRAME_HEAD + o;
}

/*
 * h2_request() - answer the request of stream @id, whose header block
 * hpack_decode() checked into @x; @end when it has ended (END_STREAM).
 */
static noinline void h2_request(struct httpd_ctl *c, struct h2_conn *h,
				__u32 id, long end)
{
	struct h2_ctl *x = h2x(c);
	const struct mime *m = &mime_html;
	struct h2_stream *s;
	struct target tg;
	long status;
	__u32 i;
	__u64 clen;

	c->requests++;
	x->streams++;
	if (x->fields & H2F_BIG)
		status = 431;
	else
		status = x->mstatus;
	if (!status) {
		/* origin-form only; "*" and absolute paths are malformed */
		if (x->path[0] != '/') {
			h2_rst(c, h, id, H2_PROTOCOL_ERROR);
			return;
		}
		status = open_target(c, x->path, x->plen, &tg);
		/* 301's Location: the path as it came, without query */
		x->plen = tg.tlen;
	}
	i = h2_new(h, id);
	s = &h->streams[i % H2_STREAMS];
	s->id = id;
	s->flags = end ? H2S_REMOTE_CLOSED : 0;
	s->window = h->init_window;
	s->file_fd = -1;
	s->file_off = 0;
	s->remaining = 0;
	if (!status) {
		s->status = 200;
		clen = tg.size;
		m = mime_of(tg.path, tg.plen);
		if (x->fields & H2F_HEAD || !clen) {
			script_close(tg.fd);
		} else {
			s->file_fd = tg.fd;
			s->remaining = clen;
			if (clen > HTTPD_SMALL_MAX)
				s->flags |= H2S_MOVE;
		}
	} else {
		s->status = status;
		clen = h2_error_page(x, status);
		if (!(x->fields & H2F_HEAD)) {
			s->remaining = clen;
			s->flags |= H2S_ERRBODY;
		}
	}
	h2_head(c, h, s, clen, m);
	if (s->remaining)
		h->pending++;
	else
		h2_end(c, h, i);
}

/*
 * A header block is whole in @h->block: decode it, and answer it when it
 * opens a stream.
 */
static noinline void h2_block(struct httpd_ctl *c, struct h2_conn *h)
{
	__u32 id = h->block_id, flags = h->block_flags, i;
	struct h2_ctl *x = h2x(c);

	h->block_id = 0;
	if (hpack_decode(x, h)) {
		h2_goaway(c, h, H2_COMPRESSION_ERROR);
		return;
	}
	i = h2_find(h, id);
	if (i != HTTPD_NIL) {
		/* Trailers: dropped */
		if (h->streams[i].flags & H2S_REMOTE_CLOSED)
			h2_rst(c, h, id, H2_STREAM_CLOSED);
		else if (!(flags & H2_END_STREAM))
			h2_rst(c, h, id, H2_PROTOCOL_ERROR);
		else
			h->streams[i].flags |= H2S_REMOTE_CLOSED;
		return;
	}
	if (id <= h->max_id) {
		h2_goaway(c, h, H2_STREAM_CLOSED);
		return;
	}
	h->max_id = id;
	if (h->flags & H2C_GOAWAY_RECV)
		return;
	if (h->nstreams >= H2_STREAMS) {
		h->ctrl++;
		h2_rst(c, h, id, H2_REFUSED_STREAM);
		return;
	}
	if (flags & H2_PRIO ||
	    (x->fields & (H2F_BAD | H2F_BIG)) == H2F_BAD ||
	    (!(x->fields & H2F_BIG) && (x->fields &
	     (H2F_METHOD | H2F_SCHEME | H2F_PATH)) !=
	     (H2F_METHOD | H2F_SCHEME | H2F_PATH))) {
		/* Malformed, or a stream that depends on itself */
		h->ctrl++;
		h2_rst(c, h, id, H2_PROTOCOL_ERROR);
		return;
	}
	h2_request(c, h, id, flags & H2_END_STREAM);
}

/* ---- frames */

/* SETTINGS of @len bytes at @p. */
static noinline void h2_settings_in(struct httpd_ctl *c, struct h2_conn *h,
				    const __u8 *p, __u32 len)
{
	__u32 k, sid, v, i;
	__s64 delta;

	for (k = 0; k + 6 <= len; k += 6) {
		sid = (__u32)p[k] << 8 | p[k + 1];
		v = h2_u32(p + k + 2);
		if (sid == 2 && v > 1) {
			h2_goaway(c, h, H2_PROTOCOL_ERROR);
			return;
		}
		if (sid == 4) {
			if (v > H2_WINDOW_MAX) {
				h2_goaway(c, h, H2_FLOW_CONTROL_ERROR);
				return;
			}
			delta = (__s64)v - h->init_window;
			h->init_window = v;
			for (i = 0; i < H2_STREAMS; i++) {
				if (!h->streams[i].id)
					continue;
				h->streams[i].window += delta;
				if (h->streams[i].window > H2_WINDOW_MAX) {
					h2_goaway(c, h, H2_FLOW_CONTROL_ERROR);
					return;
				}
			}
		}
		if (sid == 5) {
			if (v < H2_FRAME_MAX || v > 0xffffff) {
				h2_goaway(c, h, H2_PROTOCOL_ERROR);
				return;
			}
			h->frame_max = v;
		}
	}
	/* ACK */
	h2_frame_head(h->wbuf + h->wlen, 0, H2_SETTINGS, H2_ACK, 0);
	h->wlen += H2_FRAME_HEAD;
	h->flags |= H2C_SETTINGS;
}

/* WINDOW_UPDATE of @inc for stream @id, 0 for the connection. */
static noinline void h2_window_in(struct httpd_ctl *c, struct h2_conn *h,
				  __u32 id, __u32 inc)
{
	struct h2_stream *s;
	__u32 i;

	if (!id) {
		if (!inc) {
			h2_goaway(c, h, H2_PROTOCOL_ERROR);
			return;
		}
		h->send_window += inc;
		if (h->send_window > H2_WINDOW_MAX)
			h2_goaway(c, h, H2_FLOW_CONTROL_ERROR);
		return;
	}
	if (id > h->max_id) {
		h2_goaway(c, h, H2_PROTOCOL_ERROR);
		return;
	}
	i = h2_find(h, id);
	if (i == HTTPD_NIL)
		return;
	s = &h->streams[i % H2_STREAMS];
	if (!inc) {
		h2_rst(c, h, id, H2_PROTOCOL_ERROR);
		return;
	}
	s->window += inc;
	if (s->window > H2_WINDOW_MAX)
		h2_rst(c, h, id, H2_FLOW_CONTROL_ERROR);
}

/*
 * h2_frame() - the whole frame at @off in @h->rbuf.  Return: H2_BLOCK
 * when a header block is whole, for h2_block(), else 0.
 */
static noinline long h2_frame(struct httpd_ctl *c, struct h2_conn *h,
			      __u32 off)
{
	const __u8 *f = h->rbuf + off, *p = f + H2_FRAME_HEAD;
	__u32 len = (__u32)f[0] << 16 | (__u32)f[1] << 8 | f[2];
	__u32 type = f[3], flags = f[4], id = h2_u32(f + 5) & 0x7fffffff;
	__u32 i, pad, skip;

	if (h->block_id && type != H2_CONTINUATION)
		goto protocol;
	if (!(h->flags & H2C_SETTINGS) &&
	    (type != H2_SETTINGS || flags & H2_ACK))
		goto protocol;
	switch (type) {
	case H2_DATA:
		if (!id || id > h->max_id)
			goto protocol;
		if (len > h->recv_window) {
			h2_goaway(c, h, H2_FLOW_CONTROL_ERROR);
			return 0;
		}
		h->recv_window -= len;
		if (h->recv_window < H2_WINDOW / 2) {
			h2_queue_u32(h, H2_WINDOW_UPDATE, 0,
				     H2_WINDOW - h->recv_window);
			h->recv_window = H2_WINDOW;
		}
		if (flags & H2_PADDED && (!len || p[0] >= len))
			goto protocol;
		if (!len && !(flags & H2_END_STREAM))
			h->ctrl++;
		i = h2_find(h, id);
		/* A stream the server has closed: dropped */
		if (i == HTTPD_NIL)
			break;
		if (h->streams[i].flags & H2S_REMOTE_CLOSED)
			h2_rst(c, h, id, H2_STREAM_CLOSED);
		else if (flags & H2_END_STREAM)
			h->streams[i].flags |= H2S_REMOTE_CLOSED;
		break;
	case H2_HEADERS:
		if (!id || !(id & 1))
			goto protocol;
		/* The fragment: at @skip, @pad bytes of padding after it */
		skip = 0;
		pad = 0;
		if (flags & H2_PADDED) {
			if (!len)
				goto protocol;
			pad = p[0];
			skip = 1;
		}
		h->block_flags = flags & (H2_END_STREAM | H2_END_HEADERS);
		if (flags & H2_PRIO) {
			if (len < skip + 5)
				goto protocol;
			/* Depending on itself: a stream error */
			if ((h2_u32(p + skip) & 0x7fffffff) == id)
				h->block_flags |= H2_PRIO;
			skip += 5;
		}
		if (skip + pad > len)
			goto protocol;
		len -= skip + pad;
		script_memcpy(h->block, p + skip, len);
		h->block_len = len;
		h->block_id = id;
		if (!(flags & H2_END_HEADERS))
			break;
		return H2_BLOCK;
	case H2_CONTINUATION:
		if (!h->block_id || id != h->block_id)
			goto protocol;
		if (h->block_len + len > H2_BLOCK_MAX) {
			h2_goaway(c, h, H2_ENHANCE_YOUR_CALM);
			return 0;
		}
		if (!len && !(flags & H2_END_HEADERS))
			h->ctrl++;
		script_memcpy(h->block + h->block_len, p, len);
		h->block_len += len;
		if (flags & H2_END_HEADERS)
			return H2_BLOCK;
		break;
	case H2_PRIORITY:
		if (!id)
			goto protocol;
		h->ctrl++;
		if (len != 5)
			h2_rst(c, h, id, H2_FRAME_SIZE_ERROR);
		else if ((h2_u32(p) & 0x7fffffff) == id)
			h2_rst(c, h, id, H2_PROTOCOL_ERROR);
		break;
	case H2_RST_STREAM:
		if (len != 4)
			goto frame_size;
		if (!id || id > h->max_id)
			goto protocol;
		h->ctrl++;
		i = h2_find(h, id);
		if (i == HTTPD_NIL)
			break;
		if (i == h->cur) {
			h->streams[i].flags |= H2S_RESET;
			h->streams[i].remaining = h->cur_left;
		} else {
			h2_free(h, i);
		}
		break;
	case H2_SETTINGS:
		if (id)
			goto protocol;
		if (flags & H2_ACK) {
			if (len)
				goto frame_size;
			break;
		}
		if (len % 6)
			goto frame_size;
		h->ctrl++;
		h2_settings_in(c, h, p, len);
		break;
	case H2_PUSH_PROMISE:
		goto protocol;
	case H2_PING:
		if (id)
			goto protocol;
		if (len != 8)
			goto frame_size;
		if (flags & H2_ACK)
			break;
		h->ctrl++;
		h2_frame_head(h->wbuf + h->wlen, 8, H2_PING, H2_ACK, 0);
		script_memcpy(h->wbuf + h->wlen + H2_FRAME_HEAD, p, 8);
		h->wlen += H2_FRAME_HEAD + 8;
		break;
	case H2_GOAWAY:
		if (id)
			goto protocol;
		if (len < 8)
			goto frame_size;
		h->flags |= H2C_GOAWAY_RECV;
		break;
	case H2_WINDOW_UPDATE:
		if (len != 4)
			goto frame_size;
		h2_window_in(c, h, id, h2_u32(p) & 0x7fffffff);
		break;
	}
	/* Budget: see the design */
	if (h->ctrl > H2_CTRL_FREE + H2_CTRL_PER_STREAM * h->done)
		h2_goaway(c, h, H2_ENHANCE_YOUR_CALM);
	return 0;

protocol:
	h2_goaway(c, h, H2_PROTOCOL_ERROR);
	return 0;
frame_size:
	h2_goaway(c, h, H2_FRAME_SIZE_ERROR);
	return 0;
}

/* ---- output */

/*
 * Queues DATA frames, round robin over the streams with bytes to send
 * and window.  A stream whose body the move op sends starts a frame
 * only in an empty out buffer: its header goes in @h->mhead, the move
 * follows.  Return: 1 when it queued something.
 */
static noinline long h2_schedule(struct httpd_ctl *c, struct h2_conn *h)
{
	struct h2_ctl *x = h2x(c);
	struct h2_stream *s;
	__u32 k, i, fl;
	__u8 *f;
	long n, queued = 0;
	__u64 chunk;

	for (k = 0; k < H2_STREAMS && h->pending && h->send_window > 0; k++) {
		i = h->rr % H2_STREAMS;
		s = &h->streams[i];
		if (!s->id || !s->remaining || s->window <= 0) {
			h->rr = i + 1;
			continue;
		}
		chunk = s->remaining;
		if (chunk > s->window)
			chunk = s->window;
		if (chunk > h->send_window)
			chunk = h->send_window;
		if (chunk > h->frame_max)
			chunk = h->frame_max;
		fl = chunk == s->remaining ? H2_END_STREAM : 0;
		if (s->flags & H2S_MOVE) {
			if (h->wlen)
				break;
			h2_frame_head(h->mhead, chunk, H2_DATA, fl, s->id);
			h->mhead_sent = 0;
			h->cur = i;
			h->cur_left = chunk;
			h->rr = i + 1;
			s->window -= chunk;
			h->send_window -= chunk;
			return 1;
		}
		if (chunk > H2_FRAME_MAX)
			chunk = H2_FRAME_MAX;
		fl = chunk == s->remaining ? H2_END_STREAM : 0;
		if (h->wlen + H2_FRAME_HEAD + chunk + 64 > H2_WBUF_SIZE)
			break;
		f = h->wbuf + h->wlen;
		if (s->flags & H2S_ERRBODY) {
			n = h2_error_page(x, s->status);
			script_memcpy(f + H2_FRAME_HEAD,
				      x->body + (n - s->remaining) % 256,
				      chunk);
		} else if (script_read(FD(s->file_fd), f + H2_FRAME_HEAD,
				       chunk) != chunk) {
			/* The file shrank */
			h2_rst(c, h, s->id, H2_INTERNAL_ERROR);
			continue;
		}
		h2_frame_head(f, chunk, H2_DATA, fl, s->id);
		h->wlen += H2_FRAME_HEAD + chunk;
		s->window -= chunk;
		h->send_window -= chunk;
		s->remaining -= chunk;
		s->file_off += chunk;
		h->rr = i + 1;
		queued = 1;
		if (!s->remaining) {
			h->pending--;
			h2_end(c, h, i);
		}
	}
	return queued;
}

/*
 * Sends what is queued: the DATA frame being moved first, then the out
 * buffer, then more DATA frames.  Return: 1 when all is sent that can
 * be, 0 when the socket is full, -1 to close.
 */
static noinline long h2_output(struct httpd_ctl *c, struct httpd_conn *conn,
			       struct h2_conn *h)
{
	struct h2_stream *s;
	long n, fd = FD(conn->fd);

	for (;;) {
		if (h->cur != HTTPD_NIL) {
			s = &h->streams[h->cur % H2_STREAMS];
			if (h->mhead_sent < H2_FRAME_HEAD) {
				n = script_send(fd, h->mhead + h->mhead_sent,
						H2_FRAME_HEAD - h->mhead_sent,
						c->send_flags | c->more_flag);
				if (n == -EAGAIN)
					return 0;
				if (n < 0)
					return -1;
				c->bytes += n;
				h->mhead_sent += n;
				conn_touch(c, conn);
				continue;
			}
			n = script_move(fd, FD(s->file_fd), &s->file_off,
					h->cur_left, 0);
			if (n == -ETIMEDOUT || n == -EAGAIN)
				return 0;
			if (n <= 0)
				return -1;
			c->bytes += n;
			conn_touch(c, conn);
			h->cur_left -= n;
			s->remaining -= n;
			if (h->cur_left)
				continue;
			n = h->cur;
			h->cur = HTTPD_NIL;
			if (!s->remaining) {
				h->pending--;
				h2_end(c, h, n);
			}
			continue;
		}
		if (h->wsent < h->wlen) {
			n = script_send(fd, h->wbuf + h->wsent,
					h->wlen - h->wsent, c->send_flags);
			if (n == -EAGAIN)
				return 0;
			if (n < 0)
				return -1;
			c->bytes += n;
			h->wsent += n;
			conn_touch(c, conn);
			continue;
		}
		h->wlen = 0;
		h->wsent = 0;
		if (h->flags & H2C_CLOSING || !h2_schedule(c, h))
			return 1;
	}
}

/* ---- the connection */

/*
 * expire(): @conn's time is up (idle, or a client that neither reads nor
 * sends): a GOAWAY with NO_ERROR, as far as the socket takes it at once,
 * unless a frame is half sent; conn_close() follows.
 */
static noinline void h2_timeout(struct httpd_ctl *c, struct httpd_conn *conn)
{
	struct h2_conn *h = h2_of(c, conn);

	if (h->cur != HTTPD_NIL || h->wsent != h->wlen)
		return;
	h->wlen = 0;
	h->wsent = 0;
	h2_goaway(c, h, H2_NO_ERROR);
	script_send(FD(conn->fd), h->wbuf, h->wlen, c->send_flags);
}

/*
 * h2_start() - the request header in @conn's buffer is the start of the
 * HTTP/2 preface: make @conn an HTTP/2 connection, with what follows the
 * 18 bytes as its first input, and queue the server's SETTINGS.
 */
static noinline void h2_start(struct httpd_ctl *c, struct httpd_conn *conn)
{
	struct h2_conn *h = h2_of(c, conn);
	__u32 rest = conn->in_len - 18, i;

	BUILD_BUG_ON(H2_STREAMS != 100 || H2_WINDOW != 0xffff ||
		     H2_LIST_MAX != 0x4000);
	h->flags = 0;
	h->roff = 0;
	h->rlen = rest;
	script_memcpy(h->rbuf, (char *)conn->in + 18, rest);
	h->max_id = 0;
	h->nstreams = 0;
	h->pending = 0;
	h->block_id = 0;
	h->frame_max = H2_FRAME_MAX;
	h->rr = 0;
	h->cur = HTTPD_NIL;
	h->dt_size = 0;
	h->dt_max = H2_TABLE_SIZE;
	h->dt_count = 0;
	h->dt_head = 0;
	h->dt_end = 0;
	h->init_window = H2_WINDOW;
	h->send_window = H2_WINDOW;
	h->recv_window = H2_WINDOW;
	h->ctrl = 0;
	h->done = 0;
	for (i = 0; i < H2_STREAMS; i++) {
		h->streams[i].id = 0;
		h->streams[i].file_fd = -1;
		h->streams[i].remaining = 0;
	}
	script_memcpy(h->wbuf, h2_settings, sizeof(h2_settings));
	h->wlen = sizeof(h2_settings);
	h->wsent = 0;
	conn->in_len = 0;
	conn->req_len = 0;
	conn->scanned = 0;
	conn->phase = HTTPD_H2;
}

/*
 * h2_run() - run HTTP/2 connection @conn as far as it goes: send, read,
 * parse, answer.  Return: 0 to wait for an event, 1 when it went on to
 * HTTPD_LINGER, -1 to close.
 */
static noinline long h2_run(struct httpd_ctl *c, struct httpd_conn *conn)
{
	struct h2_conn *h = h2_of(c, conn);
	long out, n, room, in;
	__u32 len;
	const __u8 *p;

	for (;;) {
		out = h2_output(c, conn, h);
		if (out < 0)
			return -1;
		if (h->flags & H2C_CLOSING ||
		    (h->flags & H2C_GOAWAY_RECV && !h->nstreams)) {
			if (!out || h->cur != HTTPD_NIL)
				return 0;
			h2_release(c, conn);
			start_linger(c, conn);
			return 1;
		}
		/* Input, while the out buffer has room */
		in = 0;
		while (h->wlen + H2_WROOM <= H2_WBUF_SIZE &&
		       !(h->flags & H2C_CLOSING)) {
			p = h->rbuf + h->roff;
			len = h->rlen - h->roff;
			if (!(h->flags & H2C_PREFACE)) {
				if (len < 6)
					goto more;
				if (script_memcmp(p, "SM\r\n\r\n", 6))
					return -1;
				h->roff += 6;
				h->flags |= H2C_PREFACE;
				continue;
			}
			if (len < H2_FRAME_HEAD)
				goto more;
			n = (__u32)p[0] << 16 | (__u32)p[1] << 8 | p[2];
			if (n > H2_FRAME_MAX) {
				h2_goaway(c, h, H2_FRAME_SIZE_ERROR);
				break;
			}
			if (len < H2_FRAME_HEAD + n)
				goto more;
			in = 1;
			if (h2_frame(c, h, h->roff) == H2_BLOCK)
				h2_block(c, h);
			h->roff += H2_FRAME_HEAD + n;
			continue;
more:
			if (h->roff) {
				script_memmove(h->rbuf, h->rbuf + h->roff, len);
				h->rlen = len;
				h->roff = 0;
			}
			if (!(conn->flags & HTTPD_CF_READABLE))
				break;
			room = H2_RBUF_SIZE - len;
			n = script_read(FD(conn->fd), h->rbuf + len, room);
			if (n == -EAGAIN) {
				conn->flags &= ~HTTPD_CF_READABLE;
				break;
			}
			if (n <= 0)
				return -1;
			if (n < room && !(conn->flags & HTTPD_CF_HUP))
				conn->flags &= ~HTTPD_CF_READABLE;
			h->rlen = len + n;
			conn_touch(c, conn);
			in = 1;
		}
		if (!in)
			return 0;
	}
}
