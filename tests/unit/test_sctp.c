/* Unit tests of lib/sctp.c: two usrsctp associations over the in-memory
 * DTLS pair of test_dtls.c open `calls-dc` and exchange messages */
#include <ctype.h>
#include <dlfcn.h>
#include <malloc.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include "runner.h"
#include "re_inc.h"
#include "dtls.h"
#include "sctp.h"
#include "test_webrtc_secure.h"

enum { MSG_MAX = 8, BIG = 100000 };

extern char **environ;

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
	unsigned closed_chans;
	uint16_t closed_sid;
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


static void schan_close_h(const struct calls_sctp_chan *chan, void *arg)
{
	struct sside *s = arg;

	++s->closed_chans;
	s->closed_sid = chan->sid;
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


static int stest_start2(struct stest *t, bool server_connects);


static int stest_start(struct stest *t)
{
	return stest_start2(t, false);
}


/* server_connects: both sides connect (SCTP simultaneous open, what
 * browsers do whatever their DTLS role) */
static int stest_start2(struct stest *t, bool server_connects)
{
	struct calls_dtls_conf cc, sc;
	struct calls_sctp_conf scc = {.client = true, .dtls_client = true};
	struct calls_sctp_conf ssc = {.client = server_connects,
				      .dtls_client = false};
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
	if (server_connects)
		t->p.s.on_estab = sestab_dtls;

	err  = calls_sctp_alloc(&t->p.c.sctp, &scc, ssend_h, sestab_h,
				schan_h, smsg_h, sclose_h, &t->c);
	err |= calls_sctp_alloc(&t->p.s.sctp, &ssc, ssend_h, sestab_h,
				schan_h, smsg_h, sclose_h, &t->s);
	if (err)
		return err;

	calls_sctp_set_chan_close_handler(t->p.c.sctp, schan_close_h);
	calls_sctp_set_chan_close_handler(t->p.s.sctp, schan_close_h);

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


static bool chans_closed(void *arg)
{
	struct stest *t = arg;

	return t->c.closed_chans == 1 && t->s.closed_chans == 1;
}


static bool client_msg(void *arg)
{
	struct stest *t = arg;

	return t->c.nmsg >= 1;
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

	/* SCTP packets plus DTLS overhead stay within the 1200-byte MTU
	 * (the handshake's own datagrams too) */
	if (!err && t->p.c.max_len > 1200) {
		unit_fail(__FILE__, __LINE__, "datagram of %zu bytes",
			  t->p.c.max_len);
		err = EMSGSIZE;
	}

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

	/* the client closes it: both ends see it closed, calls-dc lives */
	err = calls_sctp_close_chan(t.p.c.sctp, sid2);
	if (!err)
		err = wait_for(chans_closed, &t, 5000);
	if (err)
		goto out;

	TEST_EQ(sid2, t.c.closed_sid);
	TEST_EQ(sid2, t.s.closed_sid);
	TEST_ASSERT(calls_sctp_chan(t.p.c.sctp, sid2) == NULL);
	TEST_ASSERT(calls_sctp_chan(t.p.s.sctp, sid2) == NULL);
	TEST_FAILS(ENOENT, calls_sctp_send_str(t.p.s.sctp, sid2, "x"));
	sside_free(&t.c);
	err = calls_sctp_send_str(t.p.s.sctp, sid, "still");
	if (!err)
		err = wait_for(client_msg, &t, 5000);
	if (err)
		goto out;

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



/* Both ends connect at once (INIT collision, RFC 9260 5.2.1) */
static int test_sctp_simultaneous_open(void)
{
	struct stest t;
	uint16_t sid;
	int err;

	err = stest_start2(&t, true);
	if (!err)
		err = open_calls_dc(&t, &sid);
	if (!err)
		err = client_to_server(&t, sid);

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




enum { MANY = 50 };

static struct stest many[MANY];


static bool many_open(void *arg)
{
	size_t i;
	(void)arg;

	for (i = 0; i < MANY; i++) {
		if (many[i].c.chans < 1 || many[i].s.chans < 1)
			return false;
	}

	return true;
}


static bool many_msgs(void *arg)
{
	size_t i;
	(void)arg;

	for (i = 0; i < MANY; i++) {
		if (many[i].c.nmsg < 1)
			return false;
	}

	return true;
}


/* Many associations in one usrsctp instance at once, each with its own
 * calls-dc; prints the heap each endpoint (DTLS established, SCTP
 * association, one channel) holds (meaningless under ASan) */
static int test_sctp_many(void)
{
	size_t before, after, i;
	uint16_t sid;
	int err = 0;

	before = mallinfo2().uordblks;

	for (i = 0; i < MANY && !err; i++)
		err = stest_start(&many[i]);
	for (i = 0; i < MANY && !err; i++)
		err = calls_sctp_open(many[i].p.c.sctp, "calls-dc", "", NULL,
				      &sid);
	if (!err)
		err = wait_for(many_open, NULL, 20000);

	after = mallinfo2().uordblks;
	if (!err)
		printf("# heap per endpoint: %zu bytes (%u associations)\n",
		       (after - before) / (2 * MANY), 2 * MANY);

	/* every channel still carries a message after all that */
	for (i = 0; i < MANY && !err; i++)
		err = calls_sctp_send_str(many[i].p.s.sctp, sid, "x");
	if (!err)
		err = wait_for(many_msgs, NULL, 20000);

	for (i = 0; i < MANY; i++)
		stest_free(&many[i]);

	return err;
}


/* ---- Against an independent stack: aiortc's DTLS and SCTP over UDP ---- */

struct aio {
	struct udp_sock *us;
	struct sa peer;
	bool have_peer;
	bool dtls_client;               /* our DTLS role              */
	bool corrupt_fp;                /* expect the peer's wrongly  */
	struct calls_dtls *dtls;
	struct calls_sctp *sctp;
	struct mbuf *tx;
	struct calls_dtls_keys keys;
	bool dtls_up;
	int dtls_err;
	bool keys_ok;
	bool keys_bad;
	bool bin_echoed;
	uint16_t sid;
	bool chan;
	bool chan_closed;
	pid_t pid;
	bool exited;
	int status;
};


static int aio_dtls_send(const uint8_t *buf, size_t len, void *arg)
{
	struct aio *a = arg;

	mbuf_rewind(a->tx);
	if (mbuf_write_mem(a->tx, buf, len))
		return ENOMEM;
	a->tx->pos = 0;

	return udp_send(a->us, &a->peer, a->tx);
}


static void aio_dtls_estab(const struct calls_dtls_keys *keys, void *arg)
{
	struct aio *a = arg;

	a->keys = *keys;
	a->dtls_up = true;
	if (!a->dtls_client && a->sctp)
		(void)calls_sctp_start(a->sctp);
}


static void aio_dtls_data(const uint8_t *buf, size_t len, void *arg)
{
	struct aio *a = arg;

	if (a->sctp)
		(void)calls_sctp_recv(a->sctp, buf, len);
}


static void aio_dtls_close(int err, void *arg)
{
	struct aio *a = arg;

	a->dtls_err = err;
}


static int aio_sctp_send(const uint8_t *buf, size_t len, void *arg)
{
	struct aio *a = arg;

	return calls_dtls_send(a->dtls, buf, len);
}


static void aio_sctp_estab(void *arg)
{
	struct aio *a = arg;

	/* as DTLS server we are the SCTP client and open calls-dc */
	if (!a->dtls_client)
		(void)calls_sctp_open(a->sctp, "calls-dc", "", NULL, &a->sid);
}


static void aio_sctp_chan(const struct calls_sctp_chan *chan, void *arg)
{
	struct aio *a = arg;

	if (!strcmp(chan->label, "calls-dc")) {
		a->chan = true;
		a->sid = chan->sid;
	}
}


static void aio_chan_close(const struct calls_sctp_chan *chan, void *arg)
{
	struct aio *a = arg;

	if (chan->sid == a->sid)
		a->chan_closed = true;
}


/* "keys <hex>": aiortc's RFC 5764 keying material, AES_CM layout */
static bool keys_match(const struct calls_dtls_keys *k, const uint8_t *hex,
		       size_t len)
{
	uint8_t km[60];
	size_t i;

	if (k->profile != CALLS_DTLS_SRTP_AES128_CM_SHA1_80 || len != 120)
		return false;

	memcpy(km, k->client_key, 16);
	memcpy(km + 16, k->server_key, 16);
	memcpy(km + 32, k->client_salt, 14);
	memcpy(km + 46, k->server_salt, 14);

	for (i = 0; i < 60; i++) {
		if (!isxdigit(hex[2 * i]) || !isxdigit(hex[2 * i + 1]) ||
		    (ch_hex((char)hex[2 * i]) << 4 |
		     ch_hex((char)hex[2 * i + 1])) != km[i])
			return false;
	}

	return true;
}


static void aio_sctp_msg(const struct calls_sctp_chan *chan, bool is_text,
			 const uint8_t *data, size_t len, void *arg)
{
	struct aio *a = arg;

	if (is_text && len > 5 && !memcmp(data, "keys ", 5)) {
		if (keys_match(&a->keys, data + 5, len - 5))
			a->keys_ok = true;
		else
			a->keys_bad = true;
		(void)calls_sctp_send_str(a->sctp, chan->sid, "pong");
	}
	else if (!is_text) {
		if (!calls_sctp_send(a->sctp, chan->sid, false, data, len))
			a->bin_echoed = true;
	}
}


static void aio_udp_recv(const struct sa *src, struct mbuf *mb, void *arg)
{
	struct aio *a = arg;
	const uint8_t *p = mbuf_buf(mb);
	size_t n = mbuf_get_left(mb);

	if (!a->have_peer) {
		char fp[160];

		if (n < 4 || n >= sizeof(fp) || memcmp(p, "fp ", 3))
			return;

		memcpy(fp, p + 3, n - 3);
		fp[n - 3] = '\0';
		a->peer = *src;
		a->have_peer = true;
		if (a->corrupt_fp)
			fp[n - 4] = fp[n - 4] == '0' ? '1' : '0';
		if (calls_dtls_set_peer_fingerprint(a->dtls, fp))
			return;
		if (a->dtls_client)
			(void)calls_dtls_start(a->dtls);
		return;
	}

	if (calls_dtls_is_dtls(p, n))
		(void)calls_dtls_recv(a->dtls, p, n);
}


static bool aio_done(void *arg)
{
	struct aio *a = arg;

	if (!a->exited && waitpid(a->pid, &a->status, WNOHANG) == a->pid)
		a->exited = true;

	return a->exited;
}


static bool have_aiortc(void)
{
	return system("/usr/bin/python3 -c 'import aiortc' 2>/dev/null") == 0;
}


static int aiortc_case(bool dtls_client, bool corrupt_fp)
{
	struct calls_dtls_conf dc = {.role = dtls_client ? CALLS_DTLS_CLIENT :
				     CALLS_DTLS_SERVER};
	struct calls_sctp_conf sc = {.client = !dtls_client,
				     .dtls_client = dtls_client};
	struct aio a;
	struct sa laddr;
	char port[8], script[512];
	char *argv[6];
	int err;

	memset(&a, 0, sizeof(a));
	a.dtls_client = dtls_client;
	a.corrupt_fp = corrupt_fp;
	a.tx = mbuf_alloc(1500);
	sa_set_str(&laddr, "127.0.0.1", 0);

	err = a.tx ? udp_listen(&a.us, &laddr, aio_udp_recv, &a) : ENOMEM;
	if (!err)
		err = udp_local_get(a.us, &laddr);
	if (!err)
		err = calls_dtls_alloc(&a.dtls, &dc, aio_dtls_send,
				       aio_dtls_estab, aio_dtls_data,
				       aio_dtls_close, &a);
	if (!err)
		err = calls_sctp_alloc(&a.sctp, &sc, aio_sctp_send,
				       aio_sctp_estab, aio_sctp_chan,
				       aio_sctp_msg, NULL, &a);
	if (err)
		goto out;

	calls_sctp_set_chan_close_handler(a.sctp, aio_chan_close);

	re_snprintf(port, sizeof(port), "%u", sa_port(&laddr));
	re_snprintf(script, sizeof(script), "%s/../unit/webrtc_secure_peer.py",
		    TESTDATA_DIR);
	argv[0] = "/usr/bin/python3";
	argv[1] = script;
	argv[2] = port;
	argv[3] = (char *)calls_dtls_fingerprint();
	argv[4] = dtls_client ? "dtls-server" : "dtls-client";
	argv[5] = NULL;

	err = posix_spawn(&a.pid, argv[0], NULL, NULL, argv, environ);
	if (err)
		goto out;

	err = wait_for(aio_done, &a, 30000);
	if (err) {
		unit_fail(__FILE__, __LINE__, "aiortc peer did not finish");
		goto out;
	}

	TEST_ASSERT(WIFEXITED(a.status));
	if (corrupt_fp) {
		/* we refuse its certificate; its handshake fails too */
		TEST_EQ(3, WEXITSTATUS(a.status));
		TEST_EQ(EAUTH, a.dtls_err);
		TEST_ASSERT(!a.dtls_up);
		goto out;
	}

	TEST_EQ(0, WEXITSTATUS(a.status));
	TEST_ASSERT(a.dtls_up);
	TEST_EQ(CALLS_DTLS_SRTP_AES128_CM_SHA1_80, a.keys.profile);
	TEST_ASSERT(a.keys_ok);
	TEST_ASSERT(!a.keys_bad);
	TEST_ASSERT(a.bin_echoed);
	TEST_ASSERT(a.chan);
	TEST_ASSERT(a.chan_closed);      /* aiortc closed it */
	/* the DTLS server opens calls-dc in both cases: an odd id */
	TEST_EQ(1, a.sid % 2);

 out:
	if (a.pid && !a.exited) {
		kill(a.pid, SIGTERM);
		(void)waitpid(a.pid, NULL, 0);
	}
	mem_deref(a.sctp);
	mem_deref(a.dtls);
	mem_deref(a.us);
	mem_deref(a.tx);
	return err;
}


static int test_sctp_aiortc(void)
{
	if (!have_aiortc()) {
		printf("# aiortc not installed (apt-get install "
		       "python3-aiortc): skipped\n");
		return 0;
	}

	TEST_ERR(aiortc_case(true, false));
	TEST_ERR(aiortc_case(false, false));
	TEST_ERR(aiortc_case(true, true));

	return 0;
}



/* libre and usrsctp are both shared libraries with mbuf-ish names: a name
 * exported by both would silently bind libre's callers to usrsctp (or the
 * reverse). Each library's entry points must come from itself. */
static int test_sctp_symbols(void)
{
	static const struct {
		const char *sym;
		const char *lib;
	} tab[] = {
		{"mbuf_init", "libre."}, {"mbuf_alloc", "libre."},
		{"mbuf_write_mem", "libre."}, {"list_init", "libre."},
		{"tmr_start", "libre."}, {"mem_alloc", "libre."},
		{"usrsctp_init_nothreads", "libusrsctp."},
		{"mbuf_initialize", "libusrsctp."},
		{"usrsctp_conninput", "libusrsctp."},
	};
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		void *p = dlsym(RTLD_DEFAULT, tab[i].sym);
		Dl_info info;

		if (!p || !dladdr(p, &info) || !info.dli_fname ||
		    !strstr(info.dli_fname, tab[i].lib)) {
			unit_fail(__FILE__, __LINE__, "%s from %s, not %s",
				  tab[i].sym, p && dladdr(p, &info) &&
				  info.dli_fname ? info.dli_fname : "nowhere",
				  tab[i].lib);
			return EINVAL;
		}
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
	UNIT_CASE(test_sctp_symbols),
	UNIT_CASE(test_sctp_calls_dc),
	UNIT_CASE(test_sctp_simultaneous_open),
	UNIT_CASE(test_sctp_deref_in_handler),
	UNIT_CASE(test_sctp_many),
	UNIT_CASE(test_sctp_aiortc),
	UNIT_CASE(test_sctp_teardown),
	{NULL, NULL}}};
