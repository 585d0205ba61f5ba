/**
 * @file ws.c  calls-sfu: the rtcd WebSocket endpoint GET /ws
 *
 * libre 1.1.0's websock does the upgrade and the sending. Its receive
 * side does not fit rtcd's rules: it answers pings but swallows pongs
 * without telling us, caps buffered frame data at 128 KiB (closing with
 * 1009), and hands continuation frames up unassembled. So a TCP helper
 * registered on the upgraded connection (frame_rx) takes every received
 * byte and does the receive side itself: masking and reserved-bit
 * checks, a 1 MiB limit judged on the frame header before anything is
 * buffered, the same limit on a fragmented message as a whole, pong
 * tracking (rtcd: ping every 10 s, read deadline 20 s after the last
 * pong, extended only by pongs), pings answered, a close echoed. With
 * TLS on the API listener the helper sits below libre's TLS helper in
 * the receive path and reads the decrypted bytes: the same rules hold.
 *
 * Sending: libre queues in its TCP layer (to 512 KiB, then ENOSPC), so
 * each connection has its own queue, bounded by messages and bytes
 * (rtcd: 5000 messages), flushed while the TCP queue is short.
 * A frame that is malformed or too large, or a full send queue, closes
 * that connection only, counted in rtcd_rtc_errors_total{type=
 * "signaling"}. Text frames are logged and ignored, as rtcd does.
 *
 * Routing: sessionID -> connID, set by join and reconnect (reconnect only
 * for sessions of the connection's own group), dropped after `close`.
 * When a WebSocket drops, its sessions and their routes stay; messages
 * for them are dropped (logged) until a reconnect re-routes them.
 */
#include <stdlib.h>
#include <string.h>
#include "re_inc.h"
#include "rtcdmsg.h"
#include "metrics.h"
#include "rtc.h"
#include "ws.h"
#include "bytes.h"

#define LOG_MODULE "ws"
#include "log.h"

enum {
	PING_MS = 10000,
	PONG_MS = 20000,
	QUEUE_MSGS = 5000,               /* rtcd's channel size */
	QUEUE_BYTES = 16 * 1024 * 1024,
	TCP_FLUSH_MAX = 65536,           /* refill libre's TCP queue below */
	FLUSH_RETRY_MS = 10,
	HASH_SIZE = 256,
	HELPER_LAYER = 10,
};

struct sfu_ws {
	struct sfu_rtc *rtc;
	struct sfu_metrics *m;
	struct websock *sock;
	struct list conns;
	struct list dying;              /* closed, freed by tmr_close */
	struct hash *by_id;             /* connID -> ws_conn */
	struct hash *routes;            /* sessionID -> struct route */
	uint32_t ping_ms;
	uint32_t pong_ms;
	uint32_t q_msgs;
	size_t q_bytes;
};

struct route {
	struct le he;
	char *sid;
	char conn_id[CALLS_RTCD_ID_LEN + 1];
};

struct qent {
	struct le le;
	struct mbuf *mb;
};

struct ws_conn {
	struct le le;
	struct le he;
	struct sfu_ws *ws;
	struct websock_conn *wc;
	struct tcp_conn *tc;
	struct tcp_helper *th;
	char id[CALLS_RTCD_ID_LEN + 1];
	char *client_id;
	struct sa peer;
	struct tmr tmr_ping;
	struct tmr tmr_pong;
	struct tmr tmr_flush;
	struct tmr tmr_close;
	uint64_t last_pong;
	bool closing;
	/* frame_rx: raw bytes not yet a whole frame */
	struct mbuf *rx;
	struct mbuf *closefr;           /* the peer's close, for libre */
	/* one message in fragments */
	struct mbuf *frag;
	bool in_msg;
	bool msg_text;
	/* send queue */
	struct list sendq;
	unsigned qn;
	size_t qbytes;
};


static void conn_close(struct ws_conn *c, enum websock_scode code,
		       const char *reason);


static bool route_cmp(struct le *le, void *arg)
{
	const struct route *r = le->data;

	return !strcmp(r->sid, arg);
}


static struct route *route_find(const struct sfu_ws *ws, const char *sid)
{
	struct le *le = hash_lookup(ws->routes, hash_joaat_str(sid),
				    route_cmp, (void *)sid);

	return le ? le->data : NULL;
}


static void route_destructor(void *arg)
{
	struct route *r = arg;

	hash_unlink(&r->he);
	mem_deref(r->sid);
}


static int route_set(struct sfu_ws *ws, const char *sid, const char *conn_id)
{
	struct route *r = route_find(ws, sid);
	int err;

	if (!r) {
		r = mem_zalloc(sizeof(*r), route_destructor);
		if (!r)
			return ENOMEM;

		err = str_dup(&r->sid, sid);
		if (err) {
			mem_deref(r);
			return err;
		}

		hash_append(ws->routes, hash_joaat_str(sid), &r->he, r);
	}

	str_ncpy(r->conn_id, conn_id, sizeof(r->conn_id));

	return 0;
}


static bool conn_cmp(struct le *le, void *arg)
{
	const struct ws_conn *c = le->data;

	return !strcmp(c->id, arg);
}


static struct ws_conn *conn_find(const struct sfu_ws *ws, const char *id)
{
	struct le *le = hash_lookup(ws->by_id, hash_joaat_str(id), conn_cmp,
				    (void *)id);

	return le ? le->data : NULL;
}


static void qent_destructor(void *arg)
{
	struct qent *q = arg;

	list_unlink(&q->le);
	mem_deref(q->mb);
}


static void conn_destructor(void *arg)
{
	struct ws_conn *c = arg;

	tmr_cancel(&c->tmr_ping);
	tmr_cancel(&c->tmr_pong);
	tmr_cancel(&c->tmr_flush);
	tmr_cancel(&c->tmr_close);
	list_unlink(&c->le);
	hash_unlink(&c->he);
	list_flush(&c->sendq);
	mem_deref(c->frag);
	mem_deref(c->rx);
	mem_deref(c->closefr);
	mem_deref(c->th);     /* unlinks from the TCP conn we still hold */
	mem_deref(c->wc);     /* libre finishes a closing handshake */
	mem_deref(c->tc);
	mem_deref(c->client_id);
}


/* Leaves the ws lists at once; frees on a fresh stack (callers may be
 * inside libre's callbacks of this very connection) */
static void teardown_h(void *arg)
{
	mem_deref(arg);
}


static void conn_detach(struct ws_conn *c, const char *reason)
{
	if (c->closing)
		return;

	c->closing = true;
	log_info("conn %s (client %s, %J) closed: %s", c->id, c->client_id,
		 &c->peer, reason);
	sfu_metrics_ws_conn(c->ws->m, c->client_id, -1);
	list_unlink(&c->le);
	list_append(&c->ws->dying, &c->le, c);
	hash_unlink(&c->he);
	tmr_cancel(&c->tmr_ping);
	tmr_cancel(&c->tmr_pong);
	tmr_cancel(&c->tmr_flush);
	list_flush(&c->sendq);
	c->qn = 0;
	c->qbytes = 0;
}


static void conn_close(struct ws_conn *c, enum websock_scode code,
		       const char *reason)
{
	if (c->closing)
		return;

	if (code)
		(void)websock_close(c->wc, code, "%s", reason);

	conn_detach(c, reason);
	tmr_start(&c->tmr_close, 0, teardown_h, c);
}


static void flush(struct ws_conn *c);


static void flush_h(void *arg)
{
	flush(arg);
}


static void flush(struct ws_conn *c)
{
	struct qent *q;

	while ((q = list_ledata(c->sendq.head))) {
		int err;

		if (tcp_conn_txqsz(c->tc) > TCP_FLUSH_MAX) {
			tmr_start(&c->tmr_flush, FLUSH_RETRY_MS, flush_h, c);
			return;
		}

		err = websock_send(c->wc, WEBSOCK_BIN, "%b", mbuf_buf(q->mb),
				   mbuf_get_left(q->mb));

		c->qn--;
		c->qbytes -= mbuf_get_left(q->mb);
		mem_deref(q);

		if (err) {
			log_warn("conn %s: send: %m", c->id, err);
			conn_close(c, 0, "send failed");
			return;
		}
	}
}


/* Queues one encoded frame (takes a reference to mb) */
static int conn_send(struct ws_conn *c, struct mbuf *mb)
{
	struct sfu_ws *ws = c->ws;
	size_t n = mbuf_get_left(mb);
	struct qent *q;

	if (c->closing)
		return ENOTCONN;

	if (c->qn + 1 > ws->q_msgs || c->qbytes + n > ws->q_bytes) {
		log_warn("conn %s: send queue full (%u messages, %zu bytes): "
			 "closing", c->id, c->qn, c->qbytes);
		sfu_metrics_rtc_error(ws->m, c->client_id, "signaling");
		conn_close(c, WEBSOCK_POLICY_VIOLATION, "send queue full");
		return ENOSPC;
	}

	q = mem_zalloc(sizeof(*q), qent_destructor);
	if (!q)
		return ENOMEM;

	q->mb = mem_ref(mb);
	list_append(&c->sendq, &q->le, q);
	c->qn++;
	c->qbytes += n;

	if (!tmr_isrunning(&c->tmr_flush))
		flush(c);

	return 0;
}


static int send_sid(struct ws_conn *c, enum calls_rtcdmsg_type type,
		    const char *sid)
{
	struct mbuf *mb = mbuf_alloc(64);
	int err;

	if (!mb)
		return ENOMEM;

	err = calls_rtcdmsg_encode_sid(mb, type, sid);
	if (!err) {
		mb->pos = 0;
		err = conn_send(c, mb);
	}

	mem_deref(mb);

	return err;
}


/* rtc -> plugin, routed by sessionID */
static void rtc_send_h(const char *group_id, const char *session_id,
		       const struct calls_rtcdmsg *msg, void *arg)
{
	struct sfu_ws *ws = arg;
	struct route *r = route_find(ws, session_id);
	struct ws_conn *c = r ? conn_find(ws, r->conn_id) : NULL;
	struct mbuf *mb = NULL;
	int err;

	if (!c || strcmp(c->client_id, group_id)) {
		log_warn("failed to get conn for sending %s of session %s "
			 "(conn %s)", calls_rtcdmsg_type_name(msg->type),
			 session_id, r ? r->conn_id : "none");
		goto out;
	}

	mb = mbuf_alloc(256);
	if (!mb)
		goto out;

	err = calls_rtcdmsg_encode(mb, msg);
	if (err) {
		log_warn("encode %s: %m", calls_rtcdmsg_type_name(msg->type),
			 err);
		goto out;
	}

	mb->pos = 0;
	if (conn_send(c, mb))
		goto out;

	if (msg->type == CALLS_RTCDMSG_RTC || msg->type == CALLS_RTCDMSG_VAD)
		sfu_metrics_ws_msg(ws->m, c->client_id,
				   calls_rtcdmsg_type_name(msg->type), true);

 out:
	/* `close` is a session's last message */
	if (msg->type == CALLS_RTCDMSG_CLOSE)
		mem_deref(r);

	mem_deref(mb);
}


static void handle_msg(struct ws_conn *c, const struct calls_rtcdmsg *msg)
{
	struct sfu_ws *ws = c->ws;
	const char *reason = NULL;
	const char *sid;
	int err;

	sfu_metrics_ws_msg(ws->m, c->client_id,
			   calls_rtcdmsg_type_name(msg->type), false);

	switch (msg->type) {

	case CALLS_RTCDMSG_JOIN:
		sid = msg->join.session_id;
		err = sfu_rtc_join(ws->rtc, c->client_id, &msg->join,
				   &reason);
		if (!err) {
			if (route_set(ws, sid, c->id))
				log_warn("session %s: no route", sid);
			break;
		}

		log_warn("conn %s: join of session %s refused: %s", c->id,
			 sid ? sid : "(none)", reason);
		if (err == EBUSY || err == ESHUTDOWN)
			(void)send_sid(c, CALLS_RTCDMSG_CLOSE, sid);
		break;

	case CALLS_RTCDMSG_RECONNECT:
		sid = msg->session_id;
		if (!sid || !sfu_rtc_session_owned(ws->rtc, c->client_id,
						   sid)) {
			log_warn("conn %s: reconnect for unknown session %s",
				 c->id, sid ? sid : "(none)");
			break;
		}
		(void)route_set(ws, sid, c->id);
		log_info("session %s now routed to conn %s", sid, c->id);
		break;

	case CALLS_RTCDMSG_LEAVE:
		sid = msg->session_id;
		if (!sid || sfu_rtc_leave(ws->rtc, c->client_id, sid))
			log_warn("conn %s: leave for unknown session %s",
				 c->id, sid ? sid : "(none)");
		break;

	case CALLS_RTCDMSG_RTC:
		err = sfu_rtc_signal(ws->rtc, c->client_id, &msg->rtc);
		if (err == ENOENT)
			log_warn("conn %s: rtc message for unknown session %s",
				 c->id, msg->rtc.session_id);
		break;

	default:
		log_warn("conn %s: unexpected %s message ignored", c->id,
			 calls_rtcdmsg_type_name(msg->type));
		break;
	}
}


static void handle_frame(struct ws_conn *c, const uint8_t *buf, size_t len)
{
	struct calls_rtcdmsg *msg = NULL;
	const char *why = NULL;
	int err;

	err = calls_rtcdmsg_decode(&msg, buf, len, &why);
	if (err) {
		log_warn("conn %s (client %s): bad frame of %zu bytes: %s",
			 c->id, c->client_id, len, why ? why : "error");
		sfu_metrics_rtc_error(c->ws->m, c->client_id, "signaling");
		conn_close(c, err == EMSGSIZE ? WEBSOCK_MESSAGE_TOO_BIG :
			   WEBSOCK_INVALID_PAYLOAD, why ? why : "bad frame");
		return;
	}

	log_debug("conn %s: %H", c->id, calls_rtcdmsg_debug, msg);

	handle_msg(c, msg);
	mem_deref(msg);
}


static void too_big(struct ws_conn *c, uint64_t len)
{
	log_warn("conn %s (client %s): message of %llu bytes exceeds %u",
		 c->id, c->client_id, (unsigned long long)len,
		 CALLS_RTCDMSG_MAX);
	sfu_metrics_rtc_error(c->ws->m, c->client_id, "signaling");
	conn_close(c, WEBSOCK_MESSAGE_TOO_BIG, "message too big");
}


/* A data frame (text, binary, continuation), unmasked */
static void on_data(struct ws_conn *c, unsigned opcode, bool fin,
		    const uint8_t *buf, size_t n)
{
	if (c->closing)
		return;

	switch (opcode) {

	case WEBSOCK_TEXT:
	case WEBSOCK_BIN:
		if (c->in_msg) {
			log_warn("conn %s: new message inside a fragmented "
				 "one", c->id);
			sfu_metrics_rtc_error(c->ws->m, c->client_id,
					      "signaling");
			conn_close(c, WEBSOCK_PROTOCOL_ERROR,
				   "fragmentation error");
			return;
		}
		c->msg_text = opcode == WEBSOCK_TEXT;
		if (!fin) {
			c->in_msg = true;
			c->frag = mem_deref(c->frag);
		}
		break;

	case WEBSOCK_CONT:
		if (!c->in_msg) {
			sfu_metrics_rtc_error(c->ws->m, c->client_id,
					      "signaling");
			conn_close(c, WEBSOCK_PROTOCOL_ERROR,
				   "continuation without a message");
			return;
		}
		break;

	default:
		return;
	}

	if (c->msg_text) {
		/* rtcd: "invalid message type", logged and ignored */
		if (fin) {
			log_warn("conn %s (client %s): text frame ignored",
				 c->id, c->client_id);
			c->in_msg = false;
		}
		return;
	}

	if (!c->in_msg) {
		handle_frame(c, buf, n);
		return;
	}

	/* fragments of one binary message */
	if (!c->frag) {
		c->frag = mbuf_alloc(n ? n : 64);
		if (!c->frag) {
			conn_close(c, WEBSOCK_INTERNAL_ERROR, "out of memory");
			return;
		}
	}

	if (c->frag->end + n > CALLS_RTCDMSG_MAX) {
		too_big(c, c->frag->end + n);
		return;
	}

	if (mbuf_write_mem(c->frag, buf, n)) {
		conn_close(c, WEBSOCK_INTERNAL_ERROR, "out of memory");
		return;
	}

	if (fin) {
		struct mbuf *whole = c->frag;

		c->frag = NULL;
		c->in_msg = false;
		handle_frame(c, whole->buf, whole->end);
		mem_deref(whole);
	}
}


/* libre's receive path: frame_rx takes every byte first, so this is
 * only a safety net should libre ever hand a frame up itself */
static void ws_recv_h(const struct websock_hdr *hdr, struct mbuf *mb,
		      void *arg)
{
	on_data(arg, hdr->opcode, hdr->fin, mbuf_buf(mb), mbuf_get_left(mb));
}


static void ws_close_h(int err, void *arg)
{
	struct ws_conn *c = arg;

	/* libre's own protocol checks: unmasked or reserved bits, bad
	 * opcode, more than its 128 KiB receive buffer */
	if (err == EOVERFLOW || err == EPROTO || err == EBADMSG) {
		log_warn("conn %s (client %s): protocol error: %m", c->id,
			 c->client_id, err);
		sfu_metrics_rtc_error(c->ws->m, c->client_id, "signaling");
		conn_close(c, 0, err == EOVERFLOW ? "frame too large" :
			   "protocol error");
		return;
	}

	if (err)
		log_debug("conn %s: websocket closed: %m", c->id, err);

	conn_close(c, 0, err ? "connection lost" : "closed by peer");
}


static void protocol_error(struct ws_conn *c, enum websock_scode code,
			   const char *why)
{
	log_warn("conn %s (client %s): %s", c->id, c->client_id, why);
	sfu_metrics_rtc_error(c->ws->m, c->client_id, "signaling");
	conn_close(c, code, why);
}


/*
 * One frame from the head of c->rx, if complete. Returns the bytes it
 * took, 0 when more are needed, or -1 after closing the connection.
 */
static ssize_t frame_take(struct ws_conn *c, uint8_t *p, size_t left)
{
	uint64_t len;
	size_t hl = 2, i;
	unsigned op;
	bool fin;
	uint8_t *mkey, *pl;

	if (left < 2)
		return 0;

	fin = p[0] & 0x80;
	op = p[0] & 0x0f;
	len = p[1] & 0x7f;

	if (p[0] & 0x70) {
		protocol_error(c, WEBSOCK_PROTOCOL_ERROR, "reserved bits set");
		return -1;
	}
	if (!(p[1] & 0x80)) {
		protocol_error(c, WEBSOCK_PROTOCOL_ERROR, "unmasked frame");
		return -1;
	}

	if (len == 126)
		hl += 2;
	else if (len == 127)
		hl += 8;
	if (left < hl + 4)
		return 0;

	if (len == 126)
		len = calls_rd16(p + 2);
	else if (len == 127)
		len = calls_rd64(p + 2);

	if (op >= 0x8 && (len > 125 || !fin)) {
		protocol_error(c, WEBSOCK_PROTOCOL_ERROR,
			       "bad control frame");
		return -1;
	}

	/* refused on the header, before a byte of it is buffered */
	if (len > CALLS_RTCDMSG_MAX) {
		too_big(c, len);
		return -1;
	}

	mkey = p + hl;
	pl = mkey + 4;
	if (left - hl - 4 < len)
		return 0;

	for (i = 0; i < len; i++)
		pl[i] ^= mkey[i & 3];

	switch (op) {

	case WEBSOCK_CONT:
	case WEBSOCK_TEXT:
	case WEBSOCK_BIN:
		on_data(c, op, fin, pl, (size_t)len);
		break;

	case WEBSOCK_PING:
		(void)websock_send(c->wc, WEBSOCK_PONG, "%b", pl, (size_t)len);
		break;

	case WEBSOCK_PONG:
		c->last_pong = tmr_jiffies();
		break;

	case WEBSOCK_CLOSE:
		/* echo it, then hand the frame (masked again) to libre,
		 * which closes the TCP connection as RFC 6455 wants */
		for (i = 0; i < len; i++)
			pl[i] ^= mkey[i & 3];
		c->closefr = mem_deref(c->closefr);
		c->closefr = mbuf_alloc(hl + 4 + len);
		if (c->closefr)
			(void)mbuf_write_mem(c->closefr, p, hl + 4 + len);
		conn_close(c, WEBSOCK_NORMAL_CLOSURE, "closed by peer");
		return -1;

	default:
		protocol_error(c, WEBSOCK_PROTOCOL_ERROR, "unknown opcode");
		return -1;
	}

	return (ssize_t)(hl + 4 + len);
}


/*
 * TCP helper below libre's websock: the receive side of the WebSocket
 * is ours (libre 1.1.0's would swallow pongs and cap frames at 128 KiB).
 * Takes every byte, so libre's websock receive handler never runs.
 */
static bool frame_rx(int *err, struct mbuf *mb, bool *estab, void *arg)
{
	struct ws_conn *c = arg;
	size_t n = mbuf_get_left(mb);
	(void)err;
	(void)estab;

	/* once closing, libre's receive path takes over: it sees the
	 * peer's close and ends the TCP connection */
	if (c->closing)
		return false;

	if (!c->rx) {
		c->rx = mbuf_alloc(n > 4096 ? n : 4096);
		if (!c->rx) {
			conn_close(c, WEBSOCK_INTERNAL_ERROR, "out of memory");
			return true;
		}
	}

	c->rx->pos = c->rx->end;
	if (mbuf_write_mem(c->rx, mbuf_buf(mb), n)) {
		conn_close(c, WEBSOCK_INTERNAL_ERROR, "out of memory");
		return true;
	}
	c->rx->pos = 0;

	mem_ref(c);
	while (!c->closing) {
		ssize_t k = frame_take(c, mbuf_buf(c->rx),
				       mbuf_get_left(c->rx));

		if (k <= 0)
			break;
		mbuf_advance(c->rx, k);
	}

	if (c->closing) {
		/* only a close frame of the peer goes on to libre */
		mb->pos = mb->end = 0;
		if (c->closefr) {
			(void)mbuf_write_mem(mb, c->closefr->buf,
					     c->closefr->end);
			mb->pos = 0;
			c->closefr = mem_deref(c->closefr);
		}
		c->rx = mem_deref(c->rx);
		mem_deref(c);
		return false;
	}

	/* keep the incomplete rest at the front */
	if (c->rx) {
		size_t rest = mbuf_get_left(c->rx);

		memmove(c->rx->buf, mbuf_buf(c->rx), rest);
		c->rx->pos = 0;
		c->rx->end = rest;
		if (!rest && c->rx->size > 65536)
			c->rx = mem_deref(c->rx);
	}
	mem_deref(c);

	return true;
}


/* rtcd's read deadline: pong_ms after the last pong (extended only by
 * pongs); the timer re-arms for what is left of it */
static void pong_h(void *arg)
{
	struct ws_conn *c = arg;
	uint64_t idle = tmr_jiffies() - c->last_pong;

	if (idle < c->ws->pong_ms) {
		tmr_start(&c->tmr_pong, c->ws->pong_ms - idle, pong_h, c);
		return;
	}

	log_warn("conn %s (client %s): no pong for %llu ms: dropping",
		 c->id, c->client_id, (unsigned long long)idle);
	conn_close(c, WEBSOCK_GOING_AWAY, "pong timeout");
}


static void ping_h(void *arg)
{
	struct ws_conn *c = arg;

	tmr_start(&c->tmr_ping, c->ws->ping_ms, ping_h, c);
	(void)websock_send(c->wc, WEBSOCK_PING, NULL);
}


int sfu_ws_accept(struct sfu_ws *ws, struct http_conn *conn,
		  const struct http_msg *msg, const char *client_id)
{
	struct ws_conn *c;
	struct mbuf *mb = NULL;
	int err;

	if (!ws || !conn || !msg || !client_id)
		return EINVAL;

	c = mem_zalloc(sizeof(*c), conn_destructor);
	if (!c)
		return ENOMEM;

	c->ws = ws;
	c->last_pong = tmr_jiffies();
	sa_cpy(&c->peer, http_conn_peer(conn));

	err = calls_rtcd_id_new(c->id);
	if (!err)
		err = str_dup(&c->client_id, client_id);
	if (err)
		goto out;

	/* a (vanishingly unlikely) connID collision: draw again */
	while (conn_find(ws, c->id)) {
		err = calls_rtcd_id_new(c->id);
		if (err)
			goto out;
	}

	err = websock_accept(&c->wc, ws->sock, conn, msg, 0, ws_recv_h,
			     ws_close_h, c);
	if (err)
		goto out;

	/* room in libre's TCP queue for one message of rtcd's maximum
	 * size on top of what flush() leaves there */
	c->tc = mem_ref(websock_tcp(c->wc));
	tcp_conn_txqsz_set(c->tc, TCP_FLUSH_MAX + 2 * CALLS_RTCDMSG_MAX);
	/* our frame reader: below libre's TLS helper (layer 0) when there
	 * is one, so it reads decrypted bytes; above the socket otherwise */
	err = tcp_register_helper(&c->th, c->tc,
				  http_conn_tls(conn) ? -HELPER_LAYER :
				  HELPER_LAYER, NULL, NULL, frame_rx, c);
	if (err)
		goto out;

	list_append(&ws->conns, &c->le, c);
	hash_append(ws->by_id, hash_joaat_str(c->id), &c->he, c);
	sfu_metrics_ws_conn(ws->m, c->client_id, +1);
	tmr_start(&c->tmr_ping, ws->ping_ms, ping_h, c);
	tmr_start(&c->tmr_pong, ws->pong_ms, pong_h, c);

	log_info("conn %s (client %s, %J) open", c->id, c->client_id,
		 &c->peer);

	mb = mbuf_alloc(96);
	if (!mb) {
		err = ENOMEM;
		goto out;
	}

	err = calls_rtcdmsg_encode_hello(mb, c->client_id, c->id);
	if (!err) {
		mb->pos = 0;
		err = conn_send(c, mb);
	}

 out:
	mem_deref(mb);

	if (err) {
		if (c->wc) {
			/* upgraded already: close it as a WebSocket */
			conn_close(c, WEBSOCK_INTERNAL_ERROR, "accept failed");
			err = 0;
		}
		else {
			mem_deref(c);
		}
	}

	return err;
}


unsigned sfu_ws_conn_count(const struct sfu_ws *ws)
{
	return ws ? list_count(&ws->conns) : 0;
}


void sfu_ws_close_all(struct sfu_ws *ws)
{
	struct ws_conn *c;

	if (!ws)
		return;

	while ((c = list_ledata(ws->conns.head))) {
		(void)websock_close(c->wc, WEBSOCK_GOING_AWAY, "shutdown");
		conn_detach(c, "shutdown");
	}

	list_flush(&ws->dying);
}


static void ws_destructor(void *arg)
{
	struct sfu_ws *ws = arg;

	sfu_ws_close_all(ws);
	hash_flush(ws->routes);
	mem_deref(ws->routes);
	mem_deref(ws->by_id);
	mem_deref(ws->sock);
}


static uint32_t env_u32(const char *name, uint32_t def)
{
	const char *v = getenv(name);
	char *end;
	unsigned long n;

	if (!v || !*v)
		return def;

	n = strtoul(v, &end, 10);
	if (*end || n == 0 || n > UINT32_MAX) {
		log_warn("ignoring %s=%s", name, v);
		return def;
	}

	log_warn("test knob %s=%lu in use", name, n);

	return (uint32_t)n;
}


int sfu_ws_alloc(struct sfu_ws **wsp, struct sfu_rtc *rtc,
		 struct sfu_metrics *m)
{
	struct sfu_ws *ws;
	int err;

	if (!wsp || !rtc)
		return EINVAL;

	ws = mem_zalloc(sizeof(*ws), ws_destructor);
	if (!ws)
		return ENOMEM;

	ws->rtc = rtc;
	ws->m = m;

	/* hidden knobs for tests, see ws.h */
	ws->ping_ms = env_u32("CALLS_SFU_TEST_WS_PING_MS", PING_MS);
	ws->pong_ms = env_u32("CALLS_SFU_TEST_WS_PONG_MS", PONG_MS);
	ws->q_msgs = env_u32("CALLS_SFU_TEST_WS_QUEUE_MSGS", QUEUE_MSGS);
	ws->q_bytes = env_u32("CALLS_SFU_TEST_WS_QUEUE_BYTES", QUEUE_BYTES);

	err  = websock_alloc(&ws->sock, NULL, NULL);
	err |= hash_alloc(&ws->by_id, HASH_SIZE);
	err |= hash_alloc(&ws->routes, HASH_SIZE);
	if (err) {
		mem_deref(ws);
		return ENOMEM;
	}

	sfu_rtc_set_send_handler(rtc, rtc_send_h, ws);

	*wsp = ws;

	return 0;
}

