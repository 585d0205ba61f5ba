/**
 * @file stunc.c  STUN client transactions on libre's event loop
 *
 * UDP: one socket per client; responses are matched to transactions by
 * transaction ID (the 16 bytes after the length, which covers RFC 3489
 * IDs too). TCP: one connection per transaction, framed by the STUN
 * length field.
 */
#include <string.h>
#include <time.h>
#include "re_inc.h"
#define LOG_MODULE "stunc"
#include "log.h"
#include "stun.h"
#include "stunc.h"

enum {
	REQ_MAX = 512,
	DEF_RTO = 500,
	DEF_RC = 7,
	DEF_RM = 16,
	DEF_TI = 39500,
};

struct calls_stunc {
	enum calls_stunc_proto proto;
	struct calls_stunc_conf conf;
	char *software;
	struct sa laddr;        /* af 0: any */
	int af;
	struct udp_sock *us;
	struct list ctl;        /* pending transactions */
};

struct calls_stunc_ct {
	struct le le;
	struct calls_stunc *sc; /* NULL once detached */
	struct tmr tmr;
	uint8_t req[REQ_MAX];
	size_t reqlen;
	struct sa dst;
	char *password;
	uint32_t rto;
	unsigned tx;
	double t0;
	bool client_owned;
	bool done;
	struct tcp_conn *tc;
	struct mbuf *rx;
	calls_stunc_resp_h *resph;
	void *arg;
};


static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);

	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}


static void ct_destructor(void *arg)
{
	struct calls_stunc_ct *ct = arg;

	tmr_cancel(&ct->tmr);
	list_unlink(&ct->le);
	mem_deref(ct->tc);
	mem_deref(ct->rx);
	mem_deref(ct->password);
}


static void sc_destructor(void *arg)
{
	struct calls_stunc *sc = arg;
	struct le *le;

	/* detach what is still pending; free what we own */
	while ((le = list_head(&sc->ctl))) {
		struct calls_stunc_ct *ct = le->data;

		list_unlink(&ct->le);
		tmr_cancel(&ct->tmr);
		ct->sc = NULL;
		ct->done = true;
		ct->tc = mem_deref(ct->tc);
		if (ct->client_owned)
			mem_deref(ct);
	}

	mem_deref(sc->us);
	mem_deref(sc->software);
}


/* Ends a transaction: the handler runs once */
static void ct_finish(struct calls_stunc_ct *ct,
		      struct calls_stunc_result *res)
{
	calls_stunc_resp_h *resph = ct->resph;
	void *arg = ct->arg;
	bool owned = ct->client_owned;

	if (ct->done)
		return;

	ct->done = true;
	tmr_cancel(&ct->tmr);
	list_unlink(&ct->le);
	ct->sc = NULL;

	res->tx = ct->tx;
	if (!sa_isset(&res->src, SA_ADDR))
		res->src = ct->dst;

	/* from here the handler may free ct (when it holds it) */
	if (resph)
		resph(res, arg);

	if (owned)
		mem_deref(ct);
}


static void ct_fail(struct calls_stunc_ct *ct, int err)
{
	struct calls_stunc_result res;

	memset(&res, 0, sizeof(res));
	res.err = err;
	if (ct->sc && ct->sc->us)
		(void)udp_local_get(ct->sc->us, &res.local);

	ct_finish(ct, &res);
}


/* A message that matches ct's transaction ID: build the outcome */
static void ct_response(struct calls_stunc_ct *ct,
			const struct calls_stun_msg *msg,
			const struct sa *src)
{
	struct calls_stunc_result res;
	struct pl reason;
	int err;

	memset(&res, 0, sizeof(res));
	res.msg = msg;
	res.rtt_ms = now_ms() - ct->t0;
	if (src)
		res.src = *src;

	if (ct->sc && ct->sc->us)
		(void)udp_local_get(ct->sc->us, &res.local);
	else if (ct->tc)
		(void)tcp_conn_local_get(ct->tc, &res.local);

	err = calls_stun_fingerprint_check(msg);
	if (err && err != ENOENT) {
		res.err = EBADMSG;
		goto out;
	}

	if (ct->password) {
		const uint8_t *k = (const uint8_t *)ct->password;
		size_t kl = strlen(ct->password);

		err = calls_stun_integrity_check(msg, CALLS_STUN_MI_SHA256,
						 k, kl);
		if (err == ENOENT)
			err = calls_stun_integrity_check(msg,
						CALLS_STUN_MI_SHA1, k, kl);
		/* error responses (401) may come without integrity */
		if (err && !(err == ENOENT &&
			     msg->cls == CALLS_STUN_CLASS_ERROR)) {
			res.err = EBADMSG;
			goto out;
		}
	}

	if (msg->cls == CALLS_STUN_CLASS_ERROR) {
		res.err = EPROTO;
		if (!calls_stun_errcode_get(msg, &res.code, &reason)) {
			(void)pl_strcpy(&reason, res.reason,
					sizeof(res.reason));
		}
		res.n_unknown = sizeof(res.unknown) / sizeof(res.unknown[0]);
		if (calls_stun_unknown_get(msg, res.unknown, &res.n_unknown))
			res.n_unknown = 0;
		goto out;
	}

	if (!calls_stun_addr_get(msg, CALLS_STUN_ATTR_XOR_MAPPED_ADDRESS,
				 &res.mapped) ||
	    !calls_stun_addr_get(msg, CALLS_STUN_ATTR_MAPPED_ADDRESS,
				 &res.mapped))
		res.has_mapped = true;

	(void)calls_stun_addr_get(msg, CALLS_STUN_ATTR_OTHER_ADDRESS,
				  &res.other);
	(void)calls_stun_addr_get(msg, CALLS_STUN_ATTR_RESPONSE_ORIGIN,
				  &res.origin);

 out:
	ct_finish(ct, &res);
}


/* A response for ct? Class is success or error, method Binding and the
 * 16 bytes after the length equal the request's */
static bool ct_match(const struct calls_stunc_ct *ct,
		     const struct calls_stun_msg *msg)
{
	if (msg->cls != CALLS_STUN_CLASS_SUCCESS &&
	    msg->cls != CALLS_STUN_CLASS_ERROR)
		return false;

	return msg->method == CALLS_STUN_BINDING &&
		!memcmp(msg->buf + 4, ct->req + 4, 16);
}


static void udp_recv_handler(const struct sa *src, struct mbuf *mb,
			     void *arg)
{
	struct calls_stunc *sc = arg;
	struct calls_stun_msg msg;
	struct le *le;

	if (calls_stun_decode(&msg, mbuf_buf(mb), mbuf_get_left(mb))) {
		log_debug("%J: dropping a non-STUN datagram", src);
		return;
	}

	for (le = list_head(&sc->ctl); le; le = le->next) {
		struct calls_stunc_ct *ct = le->data;

		if (ct_match(ct, &msg)) {
			ct_response(ct, &msg, src);
			return;
		}
	}

	log_debug("%J: response for no pending transaction", src);
}


static int udp_tx(struct calls_stunc_ct *ct)
{
	struct mbuf mb;

	mbuf_init(&mb);
	mb.buf  = ct->req;
	mb.size = sizeof(ct->req);
	mb.end  = ct->reqlen;
	mb.pos  = 0;

	++ct->tx;

	return udp_send(ct->sc->us, &ct->dst, &mb);
}


static void udp_timeout(void *arg)
{
	struct calls_stunc_ct *ct = arg;
	const struct calls_stunc_conf *conf = &ct->sc->conf;
	int err;

	if (ct->tx >= conf->rc) {
		ct_fail(ct, ETIMEDOUT);
		return;
	}

	err = udp_tx(ct);
	if (err)
		log_debug("%J: retransmission failed: %m", &ct->dst, err);

	ct->rto *= 2;
	tmr_start(&ct->tmr, ct->tx >= conf->rc ?
		  (uint64_t)conf->rm * conf->rto_ms : ct->rto,
		  udp_timeout, ct);
}


static void tcp_timeout(void *arg)
{
	ct_fail(arg, ETIMEDOUT);
}


static void tcp_estab_handler(void *arg)
{
	struct calls_stunc_ct *ct = arg;
	struct mbuf *mb;
	int err;

	mb = mbuf_alloc(ct->reqlen);
	if (!mb) {
		ct_fail(ct, ENOMEM);
		return;
	}

	err = mbuf_write_mem(mb, ct->req, ct->reqlen);
	mb->pos = 0;
	if (!err)
		err = tcp_send(ct->tc, mb);
	mem_deref(mb);

	if (err) {
		ct_fail(ct, err);
		return;
	}

	ct->tx = 1;
}


static void tcp_recv_handler(struct mbuf *mb, void *arg)
{
	struct calls_stunc_ct *ct = arg;
	struct calls_stun_msg msg;
	size_t flen;
	int err;

	if (!ct->rx) {
		ct->rx = mbuf_alloc(CALLS_STUN_MAX_LEN);
		if (!ct->rx) {
			ct_fail(ct, ENOMEM);
			return;
		}
	}

	ct->rx->pos = ct->rx->end;
	err = mbuf_write_mem(ct->rx, mbuf_buf(mb), mbuf_get_left(mb));
	if (err) {
		ct_fail(ct, err);
		return;
	}

	for (;;) {
		size_t left = ct->rx->end;

		flen = calls_stun_frame_len(ct->rx->buf, left);
		if (flen == SIZE_MAX || flen > CALLS_STUN_MAX_LEN) {
			ct_fail(ct, EBADMSG);
			return;
		}
		if (!flen || flen > left)
			return;  /* wait for more */

		if (calls_stun_decode(&msg, ct->rx->buf, flen)) {
			ct_fail(ct, EBADMSG);
			return;
		}

		if (ct_match(ct, &msg)) {
			ct_response(ct, &msg, &ct->dst);
			return;
		}

		/* not ours: drop that message and go on */
		memmove(ct->rx->buf, ct->rx->buf + flen, left - flen);
		ct->rx->end = left - flen;
	}
}


static void tcp_close_handler(int err, void *arg)
{
	struct calls_stunc_ct *ct = arg;

	ct_fail(ct, err ? err : ECONNRESET);
}


int calls_stunc_alloc(struct calls_stunc **scp, enum calls_stunc_proto proto,
		      const struct sa *laddr, int af,
		      const struct calls_stunc_conf *conf)
{
	struct calls_stunc *sc;
	int err = 0;

	if (!scp || (proto != CALLS_STUNC_UDP && proto != CALLS_STUNC_TCP))
		return EINVAL;

	if (laddr)
		af = sa_af(laddr);
	if (af != AF_INET && af != AF_INET6)
		return EINVAL;

	sc = mem_zalloc(sizeof(*sc), sc_destructor);
	if (!sc)
		return ENOMEM;

	sc->proto = proto;
	sc->af = af;
	if (conf)
		sc->conf = *conf;
	if (!sc->conf.rto_ms)
		sc->conf.rto_ms = DEF_RTO;
	if (!sc->conf.rc)
		sc->conf.rc = DEF_RC;
	if (!sc->conf.rm)
		sc->conf.rm = DEF_RM;
	if (!sc->conf.ti_ms)
		sc->conf.ti_ms = DEF_TI;
	if (sc->conf.software) {
		err = str_dup(&sc->software, sc->conf.software);
		if (err)
			goto out;
		sc->conf.software = sc->software;
	}

	if (laddr)
		sc->laddr = *laddr;
	else
		sa_init(&sc->laddr, af);

	if (proto == CALLS_STUNC_UDP) {
		err = udp_listen(&sc->us, &sc->laddr, udp_recv_handler, sc);
		if (err)
			goto out;
	}

 out:
	if (err)
		mem_deref(sc);
	else
		*scp = sc;

	return err;
}


int calls_stunc_local(const struct calls_stunc *sc, struct sa *local)
{
	if (!sc || !local)
		return EINVAL;

	if (sc->us)
		return udp_local_get(sc->us, local);

	*local = sc->laddr;

	return 0;
}


unsigned calls_stunc_pending(const struct calls_stunc *sc)
{
	return sc ? list_count(&sc->ctl) : 0;
}


static int build_request(struct calls_stunc_ct *ct,
			 const struct calls_stunc *sc,
			 const struct calls_stunc_req *req)
{
	struct calls_stun_enc e;

	calls_stun_enc_init(&e, ct->req, sizeof(ct->req), CALLS_STUN_BINDING,
			    CALLS_STUN_CLASS_REQUEST, NULL, !req->rfc3489);

	if (req->change)
		calls_stun_enc_u32(&e, CALLS_STUN_ATTR_CHANGE_REQUEST,
				   req->change);
	if (req->user)
		calls_stun_enc_str(&e, CALLS_STUN_ATTR_USERNAME, req->user);
	if (sc->conf.software)
		calls_stun_enc_str(&e, CALLS_STUN_ATTR_SOFTWARE,
				   sc->conf.software);
	if (req->extra_attr)
		calls_stun_enc_flag(&e, req->extra_attr);
	if (req->password) {
		const uint8_t *k = (const uint8_t *)req->password;
		size_t kl = strlen(req->password);

		calls_stun_enc_integrity(&e, CALLS_STUN_MI_SHA1, k, kl);
		if (req->sha256)
			calls_stun_enc_integrity(&e, CALLS_STUN_MI_SHA256,
						 k, kl);
	}
	if (!req->no_fingerprint && !req->rfc3489)
		calls_stun_enc_fingerprint(&e);

	return calls_stun_enc_finish(&e, &ct->reqlen);
}


int calls_stunc_request(struct calls_stunc_ct **ctp, struct calls_stunc *sc,
			const struct calls_stunc_req *req,
			calls_stunc_resp_h *resph, void *arg)
{
	struct calls_stunc_ct *ct;
	int err;

	if (!sc || !req || !req->dst || !sa_isset(req->dst, SA_ALL))
		return EINVAL;

	ct = mem_zalloc(sizeof(*ct), ct_destructor);
	if (!ct)
		return ENOMEM;

	ct->sc = sc;
	ct->dst = *req->dst;
	ct->resph = resph;
	ct->arg = arg;
	ct->rto = sc->conf.rto_ms;
	ct->client_owned = ctp == NULL;
	tmr_init(&ct->tmr);

	err = build_request(ct, sc, req);
	if (err)
		goto out;

	if (req->password) {
		err = str_dup(&ct->password, req->password);
		if (err)
			goto out;
	}

	ct->t0 = now_ms();

	if (sc->proto == CALLS_STUNC_UDP) {
		err = udp_tx(ct);
		if (err)
			goto out;
		tmr_start(&ct->tmr, sc->conf.rc > 1 ? ct->rto :
			  (uint64_t)sc->conf.rm * sc->conf.rto_ms,
			  udp_timeout, ct);
	}
	else {
		if (sa_isset(&sc->laddr, SA_ADDR) || sa_port(&sc->laddr))
			err = tcp_connect_bind(&ct->tc, &ct->dst,
					       tcp_estab_handler,
					       tcp_recv_handler,
					       tcp_close_handler,
					       &sc->laddr, ct);
		else
			err = tcp_connect(&ct->tc, &ct->dst,
					  tcp_estab_handler, tcp_recv_handler,
					  tcp_close_handler, ct);
		if (err)
			goto out;
		tmr_start(&ct->tmr, sc->conf.ti_ms, tcp_timeout, ct);
	}

	list_append(&sc->ctl, &ct->le, ct);

 out:
	if (err)
		mem_deref(ct);
	else if (ctp)
		*ctp = ct;

	return err;
}
