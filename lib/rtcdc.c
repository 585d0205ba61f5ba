/**
 * @file rtcdc.c  A client of the rtcd WebSocket protocol
 *
 * The WebSocket client side is our own, on a libre TCP connection:
 * libre 1.1.0's websock_connect() loses whatever arrives in the same TCP
 * segment as the 101 response, and rtcd sends `hello` right after the
 * upgrade, so the two often share a segment. Here the handshake parser
 * keeps the bytes after the response headers and feeds them to the frame
 * parser. Server frames are unmasked; ours are masked (RFC 6455 5.3).
 */
#include <string.h>
#include <strings.h>
#include <stdlib.h>
#include <netdb.h>
#include <openssl/evp.h>
#include "re_inc.h"
#include "rtcdmsg.h"
#include "rtcdc.h"
#include "bytes.h"

enum {
	HEAD_MAX = 16384,
};

struct calls_rtcdc {
	struct tcp_conn *tc;
	struct mbuf *rx;
	char *host;                 /* Host: header */
	char *path;
	char *auth;                 /* base64 of client_id:auth_key */
	char key[32];               /* Sec-WebSocket-Key */
	char conn_id[CALLS_RTCD_ID_LEN + 1];
	bool upgraded;
	bool hello;
	bool closed;
	calls_rtcdc_hello_h *helloh;
	calls_rtcdc_msg_h *msgh;
	calls_rtcdc_close_h *closeh;
	void *arg;
};

static const char ws_magic[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";


static void destructor(void *arg)
{
	struct calls_rtcdc *c = arg;

	mem_deref(c->tc);
	mem_deref(c->rx);
	mem_deref(c->host);
	mem_deref(c->path);
	mem_deref(c->auth);
}


static void closed(struct calls_rtcdc *c, int err)
{
	if (c->closed)
		return;

	c->closed = true;
	c->tc = mem_deref(c->tc);

	if (c->closeh)
		c->closeh(err, c->arg);
}


static int send_frame(struct calls_rtcdc *c, unsigned op, const uint8_t *p,
		      size_t n)
{
	struct mbuf *mb;
	uint8_t mkey[4];
	size_t i;
	int err;

	if (!c->tc || !c->upgraded || c->closed)
		return ENOTCONN;

	mb = mbuf_alloc(n + 14);
	if (!mb)
		return ENOMEM;

	err = mbuf_write_u8(mb, 0x80 | op);
	if (n < 126) {
		err |= mbuf_write_u8(mb, 0x80 | n);
	}
	else if (n < 65536) {
		err |= mbuf_write_u8(mb, 0x80 | 126);
		err |= mbuf_write_u16(mb, htons((uint16_t)n));
	}
	else {
		err |= mbuf_write_u8(mb, 0x80 | 127);
		err |= mbuf_write_u64(mb, sys_htonll(n));
	}

	rand_bytes(mkey, sizeof(mkey));
	err |= mbuf_write_mem(mb, mkey, sizeof(mkey));
	for (i = 0; i < n && !err; i++)
		err = mbuf_write_u8(mb, p[i] ^ mkey[i & 3]);

	if (!err) {
		mb->pos = 0;
		err = tcp_send(c->tc, mb);
	}

	mem_deref(mb);

	return err;
}


static void dispatch(struct calls_rtcdc *c, const uint8_t *p, size_t n)
{
	struct calls_rtcdmsg *msg = NULL;
	int err;

	err = calls_rtcdmsg_decode(&msg, p, n, NULL);
	if (err) {
		closed(c, err);
		return;
	}

	if (msg->type == CALLS_RTCDMSG_HELLO) {
		if (!c->hello && msg->conn_id) {
			str_ncpy(c->conn_id, msg->conn_id,
				 sizeof(c->conn_id));
			c->hello = true;
			if (c->helloh)
				c->helloh(c->conn_id, c->arg);
		}
	}
	else if (c->msgh) {
		c->msgh(msg, c->arg);
	}

	mem_deref(msg);
}


/* Whole frames from the head of rx; returns false once closed */
static bool frames(struct calls_rtcdc *c)
{
	/* stop if a callback dropped the last reference but ours */
	while (!c->closed && mem_nrefs(c) > 1) {
		uint8_t *p = mbuf_buf(c->rx);
		size_t left = mbuf_get_left(c->rx), hl = 2;
		uint64_t len;
		unsigned op;

		if (left < 2)
			return true;

		op = p[0] & 0x0f;
		len = p[1] & 0x7f;
		if (p[1] & 0x80) {          /* servers do not mask */
			closed(c, EPROTO);
			return false;
		}
		if (len == 126)
			hl += 2;
		else if (len == 127)
			hl += 8;
		if (left < hl)
			return true;
		if (len == 126)
			len = calls_rd16(p + 2);
		else if (len == 127)
			len = calls_rd64(p + 2);
		if (len > CALLS_RTCDMSG_MAX) {
			closed(c, EMSGSIZE);
			return false;
		}
		if (left - hl < len)
			return true;

		mbuf_advance(c->rx, hl + (size_t)len);

		switch (op) {

		case WEBSOCK_BIN:
			/* rtcd sends whole binary frames */
			dispatch(c, p + hl, (size_t)len);
			break;

		case WEBSOCK_PING:
			(void)send_frame(c, WEBSOCK_PONG, p + hl, (size_t)len);
			break;

		case WEBSOCK_CLOSE:
			(void)send_frame(c, WEBSOCK_CLOSE, p + hl,
					 len >= 2 ? 2 : 0);
			closed(c, 0);
			return false;

		default:
			break;      /* text, pong, continuation: ignored */
		}
	}

	return false;
}


static int accept_value(char *buf, size_t sz, const char *key)
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	char in[96];
	size_t n = sz - 1;
	int err;

	if (re_snprintf(in, sizeof(in), "%s%s", key, ws_magic) < 0)
		return ENOMEM;

	if (!EVP_Digest(in, strlen(in), md, &mdlen, EVP_sha1(), NULL))
		return EPROTO;

	err = base64_encode(md, mdlen, buf, &n);
	if (!err)
		buf[n] = '\0';

	return err;
}


/* The 101 response: status and Sec-WebSocket-Accept */
static int handshake(struct calls_rtcdc *c, const char *head)
{
	char want[64];
	const char *h;
	int err;

	if (strncmp(head, "HTTP/1.1 101", 12)) {
		if (!strncmp(head, "HTTP/1.1 401", 12) ||
		    !strncmp(head, "HTTP/1.1 403", 12))
			return EACCES;
		if (!strncmp(head, "HTTP/1.1 429", 12))
			return EAGAIN;
		return EPROTO;
	}

	err = accept_value(want, sizeof(want), c->key);
	if (err)
		return err;

	for (h = strchr(head, '\n'); h; h = strchr(h, '\n')) {
		++h;
		if (!strncasecmp(h, "Sec-WebSocket-Accept:", 21)) {
			h += 21;
			while (*h == ' ')
				++h;
			if (!strncmp(h, want, strlen(want)))
				return 0;
		}
	}

	return EPROTO;
}


static void recv_h(struct mbuf *mb, void *arg)
{
	struct calls_rtcdc *c = arg;
	size_t n = mbuf_get_left(mb);
	int err;

	if (c->closed)
		return;

	c->rx->pos = c->rx->end;
	err = mbuf_write_mem(c->rx, mbuf_buf(mb), n);
	c->rx->pos = 0;
	if (err) {
		closed(c, err);
		return;
	}

	if (!c->upgraded) {
		const uint8_t *p = c->rx->buf, *e;
		char *head;

		e = (const uint8_t *)memmem(p, c->rx->end, "\r\n\r\n", 4);
		if (!e) {
			if (c->rx->end > HEAD_MAX)
				closed(c, EBADMSG);
			return;
		}

		head = mem_zalloc(e - p + 1, NULL);
		if (!head) {
			closed(c, ENOMEM);
			return;
		}
		memcpy(head, p, e - p);
		err = handshake(c, head);
		mem_deref(head);
		if (err) {
			closed(c, err);
			return;
		}

		c->upgraded = true;
		mbuf_advance(c->rx, e + 4 - p);   /* keep what follows */
	}

	mem_ref(c);
	if (frames(c)) {
		/* keep the incomplete rest at the front */
		size_t rest = mbuf_get_left(c->rx);

		memmove(c->rx->buf, mbuf_buf(c->rx), rest);
		c->rx->pos = 0;
		c->rx->end = rest;
	}
	mem_deref(c);
}


static void estab_h(void *arg)
{
	struct calls_rtcdc *c = arg;
	struct mbuf *mb = mbuf_alloc(512);
	int err;

	if (!mb) {
		closed(c, ENOMEM);
		return;
	}

	err = mbuf_printf(mb, "GET %s HTTP/1.1\r\n"
			  "Host: %s\r\n"
			  "Upgrade: websocket\r\n"
			  "Connection: Upgrade\r\n"
			  "Sec-WebSocket-Key: %s\r\n"
			  "Sec-WebSocket-Version: 13\r\n"
			  "Authorization: Basic %s\r\n"
			  "\r\n", c->path, c->host, c->key, c->auth);
	if (!err) {
		mb->pos = 0;
		err = tcp_send(c->tc, mb);
	}

	mem_deref(mb);

	if (err)
		closed(c, err);
}


static void close_h(int err, void *arg)
{
	closed(arg, err ? err : ECONNRESET);
}


/* "http://host:port[/prefix]" -> peer address, Host header, path */
static int parse_url(struct calls_rtcdc *c, struct sa *peer, const char *url)
{
	struct addrinfo hints, *res = NULL;
	const char *h, *colon, *path;
	char hbuf[256], pbuf[8];
	unsigned long port;
	char *end;
	int err;

	if (strncasecmp(url, "http://", 7))
		return EINVAL;   /* TLS (https) is not supported here */

	h = url + 7;
	path = strchr(h, '/');
	if (!path)
		path = h + strlen(h);
	colon = memchr(h, ':', path - h);
	if (!colon || colon == h || (size_t)(colon - h) >= sizeof(hbuf) ||
	    (size_t)(path - colon - 1) >= sizeof(pbuf) || path == colon + 1)
		return EINVAL;

	memcpy(hbuf, h, colon - h);
	hbuf[colon - h] = '\0';
	memcpy(pbuf, colon + 1, path - colon - 1);
	pbuf[path - colon - 1] = '\0';
	port = strtoul(pbuf, &end, 10);
	if (*end || !port || port > 65535)
		return EINVAL;

	err = re_sdprintf(&c->host, "%s:%s", hbuf, pbuf);
	err |= re_sdprintf(&c->path, "%s%sws", path,
			   (*path && path[strlen(path) - 1] == '/') ?
			   "" : "/");
	if (err)
		return ENOMEM;

	if (!sa_set_str(peer, hbuf, (uint16_t)port))
		return 0;

	/* a host name: resolved once, at connect */
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(hbuf, pbuf, &hints, &res) || !res)
		return EADDRNOTAVAIL;

	err = sa_set_sa(peer, res->ai_addr);
	freeaddrinfo(res);

	return err;
}


int calls_rtcdc_connect(struct calls_rtcdc **cp, const char *url,
			const char *client_id, const char *auth_key,
			calls_rtcdc_hello_h *helloh,
			calls_rtcdc_msg_h *msgh,
			calls_rtcdc_close_h *closeh, void *arg)
{
	struct calls_rtcdc *c;
	struct sa peer;
	uint8_t nonce[16];
	char *cred = NULL;
	size_t clen, alen;
	int err;

	if (!cp || !url || !client_id || !auth_key)
		return EINVAL;

	c = mem_zalloc(sizeof(*c), destructor);
	if (!c)
		return ENOMEM;

	c->helloh = helloh;
	c->msgh = msgh;
	c->closeh = closeh;
	c->arg = arg;

	err = parse_url(c, &peer, url);
	if (err)
		goto out;

	c->rx = mbuf_alloc(8192);
	if (!c->rx) {
		err = ENOMEM;
		goto out;
	}

	rand_bytes(nonce, sizeof(nonce));
	alen = sizeof(c->key) - 1;
	err = base64_encode(nonce, sizeof(nonce), c->key, &alen);
	if (err)
		goto out;
	c->key[alen] = '\0';

	err = re_sdprintf(&cred, "%s:%s", client_id, auth_key);
	if (err)
		goto out;

	clen = strlen(cred);
	alen = 4 * ((clen + 2) / 3) + 1;
	c->auth = mem_zalloc(alen, NULL);
	if (!c->auth) {
		err = ENOMEM;
		goto out;
	}

	err = base64_encode((uint8_t *)cred, clen, c->auth, &alen);
	if (err)
		goto out;
	c->auth[alen] = '\0';

	err = tcp_connect(&c->tc, &peer, estab_h, recv_h, close_h, c);

 out:
	if (cred)
		memset(cred, 0, strlen(cred));
	mem_deref(cred);

	if (err)
		mem_deref(c);
	else
		*cp = c;

	return err;
}


const char *calls_rtcdc_conn_id(const struct calls_rtcdc *c)
{
	return (c && c->hello) ? c->conn_id : NULL;
}


static int send_mb(struct calls_rtcdc *c, struct mbuf *mb)
{
	return send_frame(c, WEBSOCK_BIN, mb->buf, mb->end);
}


int calls_rtcdc_join(struct calls_rtcdc *c,
		     const struct calls_rtcdmsg_join *join)
{
	struct mbuf *mb;
	int err;

	if (!c || !join)
		return EINVAL;

	mb = mbuf_alloc(128);
	if (!mb)
		return ENOMEM;

	err = calls_rtcdmsg_encode_join(mb, join);
	if (!err)
		err = send_mb(c, mb);

	mem_deref(mb);

	return err;
}


static int send_sid(struct calls_rtcdc *c, enum calls_rtcdmsg_type type,
		    const char *session_id)
{
	struct mbuf *mb;
	int err;

	if (!c || !session_id)
		return EINVAL;

	mb = mbuf_alloc(64);
	if (!mb)
		return ENOMEM;

	err = calls_rtcdmsg_encode_sid(mb, type, session_id);
	if (!err)
		err = send_mb(c, mb);

	mem_deref(mb);

	return err;
}


int calls_rtcdc_leave(struct calls_rtcdc *c, const char *session_id)
{
	return send_sid(c, CALLS_RTCDMSG_LEAVE, session_id);
}


int calls_rtcdc_reconnect(struct calls_rtcdc *c, const char *session_id)
{
	return send_sid(c, CALLS_RTCDMSG_RECONNECT, session_id);
}


int calls_rtcdc_send_rtc(struct calls_rtcdc *c, const char *session_id,
			 int type, const void *data, size_t len)
{
	struct calls_rtcdmsg_rtc r;
	struct mbuf *mb;
	int err;

	if (!c || !session_id)
		return EINVAL;

	memset(&r, 0, sizeof(r));
	r.group_id = "";
	r.user_id = "";
	r.call_id = "";
	r.session_id = (char *)session_id;
	r.type = type;
	r.data = (uint8_t *)data;
	r.data_len = data ? len : 0;

	mb = mbuf_alloc(64 + len);
	if (!mb)
		return ENOMEM;

	err = calls_rtcdmsg_encode_rtc(mb, CALLS_RTCDMSG_RTC, &r);
	if (!err)
		err = send_mb(c, mb);

	mem_deref(mb);

	return err;
}
