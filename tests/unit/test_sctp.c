/* Unit tests of lib/sctp.c: two usrsctp associations over the in-memory
 * DTLS pair of test_dtls.c open `calls-dc` and exchange messages */
#include "runner.h"
#include "re_inc.h"
#include "dtls.h"
#include "sctp.h"
#include "test_webrtc_secure.h"

enum { MSG_MAX = 8, BIG = 100000 };

struct rmsg {
	uint16_t sid;
	bool text;
	struct mbuf *mb;
};

/* What one side's SCTP saw */
struct sside {
	struct wend *e;
	bool up;
	bool closed;
	int close_err;
	unsigned chans;
	struct calls_sctp_chan chan;     /* the last one opened   */
	char label[32];
	unsigned nmsg;
	struct rmsg msg[MSG_MAX];
	bool drop_on_msg;
};


static int ssend_h(const uint8_t *buf, size_t len, void *arg)
{
	struct sside *s = arg;

	return calls_dtls_send(s->e->dtls, buf, len);
}


static void sestab_h(void *arg)
{
	struct sside *s = arg;

	s->up = true;
}


static void schan_h(const struct calls_sctp_chan *chan, void *arg)
{
	struct sside *s = arg;

	++s->chans;
	s->chan = *chan;
	str_ncpy(s->label, chan->label, sizeof(s->label));
	s->chan.label = s->label;
	s->chan.protocol = "";
}


static void smsg_h(const struct calls_sctp_chan *chan, bool is_text,
		   const uint8_t *data, size_t len, void *arg)
{
	struct sside *s = arg;
	struct rmsg *m;

	if (s->nmsg == MSG_MAX)
		return;

	m = &s->msg[s->nmsg++];
	m->sid = chan->sid;
	m->text = is_text;
	m->mb = mbuf_alloc(len + 1);
	if (m->mb && len)
		(void)mbuf_write_mem(m->mb, data, len);

	if (s->drop_on_msg)
		s->e->sctp = mem_deref(s->e->sctp);
}


static void sclose_h(int err, void *arg)
{
	struct sside *s = arg;

	s->closed = true;
	s->close_err = err;
}


static void sdata(struct wend *e, const uint8_t *buf, size_t len)
{
	if (e->sctp)
		(void)calls_sctp_recv(e->sctp, buf, len);
}


static void sestab_dtls(struct wend *e)
{
	if (e->sctp)
		(void)calls_sctp_start(e->sctp);
}


static void sside_free(struct sside *s)
{
	unsigned i;

	for (i = 0; i < s->nmsg; i++)
		mem_deref(s->msg[i].mb);
	s->nmsg = 0;
}


struct stest {
	struct wpair p;
	struct sside c;
	struct sside s;
};


static bool both_up(void *arg)
{
	struct stest *t = arg;

	return t->c.up && t->s.up;
}


static int stest_start(struct stest *t)
{
	struct calls_dtls_conf cc, sc;
	struct calls_sctp_conf scc = {.client = true, .dtls_client = true};
	struct calls_sctp_conf ssc = {.client = false, .dtls_client = false};
	int err;

	memset(t, 0, sizeof(*t));
	memset(&cc, 0, sizeof(cc));
	memset(&sc, 0, sizeof(sc));
	cc.role = CALLS_DTLS_CLIENT;
	sc.role = CALLS_DTLS_SERVER;
	cc.peer_fingerprint = calls_dtls_fingerprint();
	sc.peer_fingerprint = calls_dtls_fingerprint();

	err = wpair_alloc(&t->p, &cc, &sc);
	if (err)
		return err;

	t->c.e = &t->p.c;
	t->s.e = &t->p.s;
	t->p.c.on_data = sdata;
	t->p.s.on_data = sdata;
	t->p.c.on_estab = sestab_dtls;

	err  = calls_sctp_alloc(&t->p.c.sctp, &scc, ssend_h, sestab_h,
				schan_h, smsg_h, sclose_h, &t->c);
	err |= calls_sctp_alloc(&t->p.s.sctp, &ssc, ssend_h, sestab_h,
				schan_h, smsg_h, sclose_h, &t->s);
	if (err)
		return err;

	err = wpair_handshake(&t->p);
	if (err)
		return err;

	return wait_for(both_up, t, 10000);
}


static void stest_free(struct stest *t)
{
	wpair_free(&t->p);
	sside_free(&t->c);
	sside_free(&t->s);
}


static bool chan_open_both(void *arg)
{
	struct stest *t = arg;

	return t->c.chans == 1 && t->s.chans == 1;
}


static bool msgs_c2s(void *arg)
{
	struct stest *t = arg;

	return t->s.nmsg >= 4;
}


static bool msgs_s2c(void *arg)
{
	struct stest *t = arg;

	return t->c.nmsg >= 3;
}


static bool both_closed(void *arg)
{
	struct stest *t = arg;

	return t->c.closed && t->s.closed;
}


static int check_msg(const struct rmsg *m, uint16_t sid, bool text,
		     const void *data, size_t len)
{
	TEST_EQ(sid, m->sid);
	TEST_EQ(text, m->text);
	TEST_ASSERT(m->mb != NULL);
	TEST_EQ(len, m->mb->end);
	if (len)
		TEST_MEMEQ(data, m->mb->buf, len);

	return 0;
}


static const uint8_t bin[] = {0x00, 0x01, 0xcc, 0x02, 0xff};


/* client -> server: string, binary, empty string, a big binary */
static int client_to_server(struct stest *t, uint16_t sid)
{
	uint8_t *big;
	size_t i;
	int err;

	big = mem_alloc(BIG, NULL);
	if (!big)
		return ENOMEM;

	for (i = 0; i < BIG; i++)
		big[i] = (uint8_t)(i * 7 + i / 251);

	err  = calls_sctp_send_str(t->p.c.sctp, sid, "ping");
	err |= calls_sctp_send(t->p.c.sctp, sid, false, bin, sizeof(bin));
	err |= calls_sctp_send(t->p.c.sctp, sid, true, NULL, 0);
	err |= calls_sctp_send(t->p.c.sctp, sid, false, big, BIG);
	if (!err)
		err = wait_for(msgs_c2s, t, 10000);

	if (!err) {
		err  = check_msg(&t->s.msg[0], sid, true, "ping", 4);
		err |= check_msg(&t->s.msg[1], sid, false, bin, sizeof(bin));
		err |= check_msg(&t->s.msg[2], sid, true, "", 0);
		err |= check_msg(&t->s.msg[3], sid, false, big, BIG);
	}

	mem_deref(big);
	return err;
}


/* server -> client on the same channel */
static int server_to_client(struct stest *t, uint16_t sid)
{
	int err;

	err  = calls_sctp_send_str(t->p.s.sctp, sid, "pong");
	err |= calls_sctp_send(t->p.s.sctp, sid, false, bin, 3);
	err |= calls_sctp_send(t->p.s.sctp, sid, false, NULL, 0);
	if (!err)
		err = wait_for(msgs_s2c, t, 10000);
	if (err)
		return err;

	err  = check_msg(&t->c.msg[0], sid, true, "pong", 4);
	err |= check_msg(&t->c.msg[1], sid, false, bin, 3);
	err |= check_msg(&t->c.msg[2], sid, false, "", 0);

	return err;
}


/* the client (DTLS client) opens calls-dc: an even stream id */
static int open_calls_dc(struct stest *t, uint16_t *sidp)
{
	uint16_t sid = 0xffff;
	int err;

	err = calls_sctp_open(t->p.c.sctp, "calls-dc", "", NULL, &sid);
	if (!err)
		err = wait_for(chan_open_both, t, 5000);
	if (err)
		return err;

	TEST_EQ(0, sid % 2);
	TEST_STREQ("calls-dc", t->s.label);
	TEST_STREQ("calls-dc", t->c.label);
	TEST_EQ(sid, t->s.chan.sid);
	TEST_ASSERT(!t->s.chan.local);
	TEST_ASSERT(t->c.chan.local);
	TEST_EQ(CALLS_SCTP_RELIABLE, t->s.chan.chan_type);
	TEST_EQ(256, t->s.chan.priority);
	TEST_ASSERT(calls_sctp_chan(t->p.s.sctp, sid) != NULL);
	*sidp = sid;

	return 0;
}


static int test_sctp_calls_dc(void)
{
	struct stest t;
	uint16_t sid = 0xffff, sid2 = 0xffff;
	int err;

	err = stest_start(&t);
	if (!err)
		err = open_calls_dc(&t, &sid);
	if (!err)
		err = client_to_server(&t, sid);
	if (!err)
		err = server_to_client(&t, sid);
	if (err)
		goto out;

	/* the server (DTLS server) opens one: an odd stream id */
	t.c.chans = 0;
	t.s.chans = 0;
	err = calls_sctp_open(t.p.s.sctp, "second", "proto", NULL, &sid2);
	if (!err)
		err = wait_for(chan_open_both, &t, 5000);
	if (err)
		goto out;

	TEST_EQ(1, sid2 % 2);
	TEST_STREQ("second", t.c.label);
	TEST_FAILS(ENOENT, calls_sctp_send_str(t.p.c.sctp, 42, "x"));

	/* graceful shutdown: both close handlers run with 0 */
	err = calls_sctp_shutdown(t.p.c.sctp);
	if (!err)
		err = wait_for(both_closed, &t, 10000);
	if (err)
		goto out;

	TEST_EQ(0, t.c.close_err);
	TEST_EQ(0, t.s.close_err);
	TEST_ASSERT(!calls_sctp_established(t.p.c.sctp));
	TEST_FAILS(ENOTCONN, calls_sctp_send_str(t.p.c.sctp, sid, "late"));

 out:
	stest_free(&t);
	return err;
}


static bool server_msg(void *arg)
{
	struct stest *t = arg;

	return t->s.nmsg >= 1 && t->c.chans == 1;
}


/* The owner drops the association from inside its message handler */
static int test_sctp_deref_in_handler(void)
{
	struct stest t;
	uint16_t sid;
	int err;

	err = stest_start(&t);
	if (err)
		goto out;

	t.s.drop_on_msg = true;
	err = calls_sctp_open(t.p.c.sctp, "calls-dc", "", NULL, &sid);
	if (!err)
		err = calls_sctp_send_str(t.p.c.sctp, sid, "ping");
	if (!err)
		err = wait_for(server_msg, &t, 5000);
	if (!err)
		TEST_ASSERT(t.p.s.sctp == NULL);

 out:
	stest_free(&t);
	return err;
}


static int test_sctp_dcep_codec(void)
{
	static const uint8_t open[] = {
		0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x08, 0x00, 0x00,
		'c', 'a', 'l', 'l', 's', '-', 'd', 'c',
	};
	struct calls_sctp_dcep_open op;
	struct mbuf *mb;
	uint8_t type, ack = 0x02;

	TEST_ERR(calls_sctp_dcep_decode(&op, &type, open, sizeof(open)));
	TEST_EQ(CALLS_SCTP_DCEP_OPEN, type);
	TEST_EQ(CALLS_SCTP_RELIABLE, op.chan_type);
	TEST_EQ(256, op.priority);
	TEST_EQ(0, op.reliability);
	TEST_ASSERT(!pl_strcmp(&op.label, "calls-dc"));
	TEST_EQ(0, op.protocol.l);

	mb = mbuf_alloc(64);
	TEST_ASSERT(mb != NULL);
	TEST_ERR(calls_sctp_dcep_encode_open(mb, &op));
	TEST_EQ(sizeof(open), mb->end);
	TEST_MEMEQ(open, mb->buf, sizeof(open));
	mem_deref(mb);

	TEST_ERR(calls_sctp_dcep_decode(&op, &type, &ack, 1));
	TEST_EQ(CALLS_SCTP_DCEP_ACK, type);

	/* label longer than the message, bad type, bad channel type */
	TEST_FAILS(EBADMSG, calls_sctp_dcep_decode(&op, &type, open,
						   sizeof(open) - 1));
	TEST_FAILS(EBADMSG, calls_sctp_dcep_decode(&op, &type, open, 11));
	{
		uint8_t bad[sizeof(open)];

		memcpy(bad, open, sizeof(open));
		bad[0] = 0x04;
		TEST_FAILS(EPROTO, calls_sctp_dcep_decode(&op, &type, bad,
							  sizeof(bad)));
		bad[0] = 0x03;
		bad[1] = 0x05;
		TEST_FAILS(EPROTO, calls_sctp_dcep_decode(&op, &type, bad,
							  sizeof(bad)));
	}

	return 0;
}


/* Last case: releases usrsctp and the DTLS certificate so the leak
 * checkers see nothing left */
static int test_sctp_teardown(void)
{
	calls_sctp_close();
	calls_dtls_close();

	return 0;
}


const struct unit_suite suite_sctp = {"sctp", {
	UNIT_CASE(test_sctp_dcep_codec),
	UNIT_CASE(test_sctp_calls_dc),
	UNIT_CASE(test_sctp_deref_in_handler),
	UNIT_CASE(test_sctp_teardown),
	{NULL, NULL}}};
