/* Unit tests of lib/stunc.c against an in-process mock server */
#include "runner.h"
#include "re_inc.h"
#include "stun.h"
#include "stunc.h"
#include <arpa/inet.h>

struct mock {
	struct udp_sock *us;
	struct tcp_sock *ts;
	struct tcp_conn *tc;
	unsigned rx;            /* requests seen */
	unsigned drop;          /* requests to ignore first */
	uint16_t errcode;       /* answer with this error; 0: success */
};

struct outcome {
	struct calls_stunc_result res;
	bool done;
};


/* the answer to req from src, into buf */
static size_t mock_answer(struct mock *m, const uint8_t *req, size_t len,
			  const struct sa *src, uint8_t *buf, size_t size)
{
	struct calls_stun_msg msg;
	struct calls_stun_enc e;
	size_t n = 0;

	if (calls_stun_decode(&msg, req, len))
		return 0;

	if (m->rx++ < m->drop)
		return 0;

	calls_stun_enc_init(&e, buf, size, CALLS_STUN_BINDING,
			    m->errcode ? CALLS_STUN_CLASS_ERROR :
			    CALLS_STUN_CLASS_SUCCESS, msg.tid, true);
	if (m->errcode)
		calls_stun_enc_errcode(&e, m->errcode, NULL);
	else
		calls_stun_enc_addr(&e, CALLS_STUN_ATTR_XOR_MAPPED_ADDRESS,
				    src);
	calls_stun_enc_fingerprint(&e);
	if (calls_stun_enc_finish(&e, &n))
		return 0;

	return n;
}


static void mock_udp_recv(const struct sa *src, struct mbuf *mb, void *arg)
{
	struct mock *m = arg;
	uint8_t buf[256];
	struct mbuf out;
	size_t n;

	n = mock_answer(m, mbuf_buf(mb), mbuf_get_left(mb), src, buf,
			sizeof(buf));
	if (!n)
		return;

	mbuf_init(&out);
	out.buf = buf;
	out.size = sizeof(buf);
	out.end = n;
	(void)udp_send(m->us, src, &out);
}


static void mock_tcp_recv(struct mbuf *mb, void *arg)
{
	struct mock *m = arg;
	uint8_t buf[256];
	struct mbuf *out;
	struct sa peer;
	size_t n;

	(void)tcp_conn_peer_get(m->tc, &peer);
	n = mock_answer(m, mbuf_buf(mb), mbuf_get_left(mb), &peer, buf,
			sizeof(buf));
	if (!n)
		return;

	/* send in two pieces: the client must reassemble */
	out = mbuf_alloc(n);
	if (!out)
		return;
	(void)mbuf_write_mem(out, buf, 7);
	out->pos = 0;
	(void)tcp_send(m->tc, out);
	out->pos = 0;
	out->end = 0;
	(void)mbuf_write_mem(out, buf + 7, n - 7);
	out->pos = 0;
	(void)tcp_send(m->tc, out);
	mem_deref(out);
}


static void mock_tcp_close(int err, void *arg)
{
	struct mock *m = arg;
	(void)err;

	m->tc = mem_deref(m->tc);
}


static void mock_tcp_conn(const struct sa *peer, void *arg)
{
	struct mock *m = arg;
	(void)peer;

	m->tc = mem_deref(m->tc);
	(void)tcp_accept(&m->tc, m->ts, NULL, mock_tcp_recv,
			 mock_tcp_close, m);
}


static void resp_handler(const struct calls_stunc_result *res, void *arg)
{
	struct outcome *o = arg;

	o->res = *res;
	o->res.msg = NULL;
	o->done = true;
	re_cancel();
}


static void guard_handler(void *arg)
{
	(void)arg;
	re_cancel();
}


/* Runs the loop until the handler ran (or a 5 s guard) */
static int run(struct outcome *o)
{
	struct tmr guard;

	tmr_init(&guard);
	tmr_start(&guard, 5000, guard_handler, NULL);
	if (!o->done)
		(void)re_main(NULL);
	tmr_cancel(&guard);

	return o->done ? 0 : ETIMEDOUT;
}


static int udp_case(struct mock *m, const struct calls_stunc_conf *conf,
		    struct outcome *o)
{
	struct calls_stunc *sc = NULL;
	struct calls_stunc_ct *ct = NULL;
	struct calls_stunc_req req;
	struct sa laddr;
	int err;

	memset(&req, 0, sizeof(req));
	err = sa_set_str(&laddr, "127.0.0.1", 0);
	err |= udp_listen(&m->us, &laddr, mock_udp_recv, m);
	err |= udp_local_get(m->us, &laddr);
	if (err)
		goto out;

	err = calls_stunc_alloc(&sc, CALLS_STUNC_UDP, NULL, AF_INET, conf);
	if (err)
		goto out;

	req.dst = &laddr;
	err = calls_stunc_request(&ct, sc, &req, resp_handler, o);
	if (err)
		goto out;

	err = run(o);
	if (!err && sa_port(&o->res.mapped) == 0 && !o->res.err)
		err = EPROTO;

 out:
	mem_deref(ct);
	mem_deref(sc);
	m->us = mem_deref(m->us);

	return err;
}


static int test_stunc_udp(void)
{
	struct mock m = {0};
	struct outcome o = {0};
	struct calls_stunc_conf conf = {.rto_ms = 20};

	m.drop = 2;  /* answered on the third send */
	TEST_ERR(udp_case(&m, &conf, &o));
	TEST_ERR(o.res.err);
	TEST_ASSERT(o.res.has_mapped);
	/* the client is bound to the any address: ports agree */
	TEST_EQ(sa_port(&o.res.local), sa_port(&o.res.mapped));
	TEST_STREQ("127.0.0.1", inet_ntoa(o.res.mapped.u.in.sin_addr));
	TEST_EQ(3, o.res.tx);
	TEST_ASSERT(o.res.rtt_ms >= 0);

	return 0;
}


static int test_stunc_timeout(void)
{
	struct mock m = {0};
	struct outcome o = {0};
	struct calls_stunc_conf conf = {.rto_ms = 5, .rc = 3, .rm = 2};

	m.drop = 100;
	TEST_ERR(udp_case(&m, &conf, &o));
	TEST_EQ(ETIMEDOUT, o.res.err);
	TEST_EQ(3, o.res.tx);
	TEST_EQ(3, m.rx);
	TEST_ASSERT(!o.res.has_mapped);

	return 0;
}


static int test_stunc_error(void)
{
	struct mock m = {0};
	struct outcome o = {0};

	m.errcode = 420;
	TEST_ERR(udp_case(&m, NULL, &o));
	TEST_EQ(EPROTO, o.res.err);
	TEST_EQ(420, o.res.code);
	TEST_STREQ("Unknown Attribute", o.res.reason);

	return 0;
}


static int test_stunc_tcp(void)
{
	struct mock m = {0};
	struct outcome o = {0};
	struct calls_stunc *sc = NULL;
	struct calls_stunc_ct *ct = NULL;
	struct calls_stunc_req req;
	struct sa laddr;
	int err;

	memset(&req, 0, sizeof(req));
	err = sa_set_str(&laddr, "127.0.0.1", 0);
	err |= tcp_listen(&m.ts, &laddr, mock_tcp_conn, &m);
	err |= tcp_local_get(m.ts, &laddr);
	if (err)
		goto out;

	err = calls_stunc_alloc(&sc, CALLS_STUNC_TCP, NULL, AF_INET, NULL);
	if (err)
		goto out;

	req.dst = &laddr;
	err = calls_stunc_request(&ct, sc, &req, resp_handler, &o);
	if (err)
		goto out;

	err = run(&o);
	if (err)
		goto out;

	if (o.res.err || !o.res.has_mapped ||
	    !sa_cmp(&o.res.mapped, &o.res.local, SA_ALL) || o.res.tx != 1)
		err = EPROTO;

 out:
	mem_deref(ct);
	mem_deref(sc);
	mem_deref(m.tc);
	mem_deref(m.ts);

	return err;
}


/* A refused TCP connection ends the transaction with an error */
static int test_stunc_tcp_refused(void)
{
	struct outcome o = {0};
	struct calls_stunc *sc = NULL;
	struct calls_stunc_req req;
	struct tcp_sock *ts = NULL;
	struct sa laddr;
	int err;

	memset(&req, 0, sizeof(req));
	/* a port that was just free */
	err = sa_set_str(&laddr, "127.0.0.1", 0);
	err |= tcp_listen(&ts, &laddr, NULL, NULL);
	err |= tcp_local_get(ts, &laddr);
	ts = mem_deref(ts);
	if (err)
		return err;

	err = calls_stunc_alloc(&sc, CALLS_STUNC_TCP, NULL, AF_INET, NULL);
	if (err)
		return err;

	req.dst = &laddr;
	/* ctp NULL: the client owns the transaction */
	err = calls_stunc_request(NULL, sc, &req, resp_handler, &o);
	if (!err)
		err = run(&o);
	if (!err && !o.res.err)
		err = EPROTO;

	mem_deref(sc);

	return err;
}


static int test_stunc_cancel(void)
{
	struct calls_stunc *sc = NULL;
	struct calls_stunc_ct *ct = NULL;
	struct calls_stunc_req req;
	struct outcome o = {0};
	struct sa dst;

	memset(&req, 0, sizeof(req));
	TEST_ERR(sa_set_str(&dst, "127.0.0.1", 9));
	TEST_ERR(calls_stunc_alloc(&sc, CALLS_STUNC_UDP, NULL, AF_INET,
				   NULL));
	req.dst = &dst;
	TEST_ERR(calls_stunc_request(&ct, sc, &req, resp_handler, &o));
	TEST_EQ(1, calls_stunc_pending(sc));
	TEST_ERR(calls_stunc_request(NULL, sc, &req, resp_handler, &o));
	TEST_EQ(2, calls_stunc_pending(sc));
	mem_deref(ct);
	TEST_EQ(1, calls_stunc_pending(sc));
	mem_deref(sc);  /* frees the one it owns */
	TEST_ASSERT(!o.done);

	TEST_FAILS(EINVAL, calls_stunc_alloc(&sc, CALLS_STUNC_UDP, NULL, 0,
					     NULL));

	return 0;
}


const struct unit_suite suite_stunc = {"stunc", {
	UNIT_CASE(test_stunc_udp),
	UNIT_CASE(test_stunc_timeout),
	UNIT_CASE(test_stunc_error),
	UNIT_CASE(test_stunc_tcp),
	UNIT_CASE(test_stunc_tcp_refused),
	UNIT_CASE(test_stunc_cancel),
	{NULL, NULL}}};
