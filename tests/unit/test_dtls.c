/* Unit tests of lib/dtls.c: two endpoints wired back to back in memory */
#include <ctype.h>
#include "runner.h"
#include "re_inc.h"
#include "dtls.h"
#include "test_webrtc_secure.h"

/* A datagram in flight */
struct dgram {
	struct le le;
	struct mbuf *mb;
};


static void dgram_destructor(void *arg)
{
	struct dgram *d = arg;

	list_unlink(&d->le);
	mem_deref(d->mb);
}


static void deliver_h(void *arg)
{
	struct wend *e = arg;

	/* one datagram per run, so handlers see them one by one */
	while (e->q.head) {
		struct dgram *d = e->q.head->data;
		struct mbuf *mb = mem_ref(d->mb);

		mem_deref(d);
		if (e->peer->dtls)
			(void)calls_dtls_recv(e->peer->dtls, mb->buf, mb->end);
		mem_deref(mb);
	}
}


/* A datagram with a ChangeCipherSpec record or a record of epoch 1 */
static bool last_flight(const uint8_t *buf, size_t len)
{
	size_t off = 0;

	while (off + 13 <= len) {
		if (buf[off] == 20 || buf[off + 3] || buf[off + 4])
			return true;
		off += 13 + (size_t)(buf[off + 11] << 8 | buf[off + 12]);
	}

	return false;
}


static int send_h(const uint8_t *buf, size_t len, void *arg)
{
	struct wend *e = arg;
	struct dgram *d;

	if (!e->first_len) {
		e->first_len = len < sizeof(e->first) ? len : sizeof(e->first);
		memcpy(e->first, buf, e->first_len);
	}

	++e->sent;
	if (len > e->max_len)
		e->max_len = len;

	if (e->drop > 0) {
		--e->drop;
		return 0;
	}

	if (e->drop_ccs > 0 && last_flight(buf, len)) {
		--e->drop_ccs;
		return 0;
	}

	d = mem_zalloc(sizeof(*d), dgram_destructor);
	if (!d)
		return ENOMEM;

	d->mb = mbuf_alloc(len);
	if (!d->mb || mbuf_write_mem(d->mb, buf, len)) {
		mem_deref(d);
		return ENOMEM;
	}

	list_append(&e->q, &d->le, d);
	if (!tmr_isrunning(&e->tmr))
		tmr_start(&e->tmr, 0, deliver_h, e);

	return 0;
}


static void estab_h(const struct calls_dtls_keys *keys, void *arg)
{
	struct wend *e = arg;

	e->keys = *keys;
	e->established = true;

	if (e->on_estab)
		e->on_estab(e);
}


static void data_h(const uint8_t *buf, size_t len, void *arg)
{
	struct wend *e = arg;

	if (e->on_data) {
		e->on_data(e, buf, len);
		return;
	}

	if (!e->rx)
		e->rx = mbuf_alloc(256);
	if (e->rx)
		(void)mbuf_write_mem(e->rx, buf, len);
}


static void close_h(int err, void *arg)
{
	struct wend *e = arg;

	e->closed = true;
	e->close_err = err;
}


int wpair_alloc(struct wpair *p, const struct calls_dtls_conf *cc,
		const struct calls_dtls_conf *sc)
{
	int err;

	memset(p, 0, sizeof(*p));
	p->c.peer = &p->s;
	p->s.peer = &p->c;
	tmr_init(&p->c.tmr);
	tmr_init(&p->s.tmr);

	err = calls_dtls_alloc(&p->c.dtls, cc, send_h, estab_h, data_h,
			       close_h, &p->c);
	if (err)
		return err;

	return calls_dtls_alloc(&p->s.dtls, sc, send_h, estab_h, data_h,
				close_h, &p->s);
}


void wpair_free(struct wpair *p)
{
	struct wend *ends[2] = {&p->c, &p->s};
	int i;

	for (i = 0; i < 2; i++) {
		tmr_cancel(&ends[i]->tmr);
		list_flush(&ends[i]->q);
		ends[i]->sctp = mem_deref(ends[i]->sctp);
		ends[i]->dtls = mem_deref(ends[i]->dtls);
		ends[i]->rx = mem_deref(ends[i]->rx);
	}
}


static void poll_h(void *arg)
{
	struct wwait *w = arg;

	if (w->cond(w->arg)) {
		w->met = true;
		re_cancel();
		return;
	}

	tmr_start(&w->poll, 2, poll_h, w);
}


static void guard_h(void *arg)
{
	(void)arg;
	re_cancel();
}


int wait_for(bool (*cond)(void *arg), void *arg, uint32_t ms)
{
	struct wwait w = {.cond = cond, .arg = arg};
	struct tmr guard;

	if (cond(arg))
		return 0;

	tmr_init(&guard);
	tmr_init(&w.poll);
	tmr_start(&guard, ms, guard_h, NULL);
	tmr_start(&w.poll, 2, poll_h, &w);
	(void)re_main(NULL);
	tmr_cancel(&guard);
	tmr_cancel(&w.poll);

	return w.met ? 0 : ETIMEDOUT;
}


static bool both_established(void *arg)
{
	struct wpair *p = arg;

	return p->c.established && p->s.established;
}


static bool both_closed(void *arg)
{
	struct wpair *p = arg;

	return p->c.closed && p->s.closed;
}


static bool server_closed(void *arg)
{
	struct wpair *p = arg;

	return p->s.closed;
}


static bool server_got_data(void *arg)
{
	struct wpair *p = arg;

	return p->s.rx && p->s.rx->end >= 5;
}


int wpair_handshake(struct wpair *p)
{
	int err;

	err = calls_dtls_start(p->c.dtls);
	if (err)
		return err;

	return wait_for(both_established, p, 10000);
}


static void conf_pair(struct calls_dtls_conf *cc, struct calls_dtls_conf *sc,
		      unsigned profiles)
{
	memset(cc, 0, sizeof(*cc));
	memset(sc, 0, sizeof(*sc));
	cc->role = CALLS_DTLS_CLIENT;
	sc->role = CALLS_DTLS_SERVER;
	cc->peer_fingerprint = calls_dtls_fingerprint();
	sc->peer_fingerprint = calls_dtls_fingerprint();
	cc->profiles = profiles;
	sc->profiles = profiles;
}


static int keys_equal(const struct wpair *p, enum calls_dtls_srtp prof,
		      size_t salt_len)
{
	const struct calls_dtls_keys *a = &p->c.keys, *b = &p->s.keys;
	static const uint8_t zero[CALLS_DTLS_KEY_MAX];

	TEST_EQ(prof, a->profile);
	TEST_EQ(prof, b->profile);
	TEST_EQ(16, a->key_len);
	TEST_EQ(salt_len, a->salt_len);
	TEST_EQ(salt_len, b->salt_len);
	TEST_ASSERT(a->local_is_client);
	TEST_ASSERT(!b->local_is_client);
	TEST_MEMEQ(a->client_key, b->client_key, 16);
	TEST_MEMEQ(a->server_key, b->server_key, 16);
	TEST_MEMEQ(a->client_salt, b->client_salt, salt_len);
	TEST_MEMEQ(a->server_salt, b->server_salt, salt_len);
	TEST_ASSERT(memcmp(a->client_key, a->server_key, 16));
	TEST_ASSERT(memcmp(a->client_key, zero, 16));

	return 0;
}


static int test_dtls_fingerprint(void)
{
	const char *fp = calls_dtls_fingerprint();
	struct pl hex;
	size_t i;

	TEST_ASSERT(fp != NULL);
	TEST_ASSERT(!strncmp(fp, "sha-256 ", 8));
	TEST_EQ(8 + 32 * 3 - 1, strlen(fp));
	pl_set_str(&hex, fp + 8);
	for (i = 0; i < hex.l; i++) {
		if (i % 3 == 2)
			TEST_EQ(':', hex.p[i]);
		else
			TEST_ASSERT(strchr("0123456789ABCDEF", hex.p[i]));
	}

	/* one certificate per process */
	TEST_ASSERT(fp == calls_dtls_fingerprint());

	return 0;
}


static int handshake_case(unsigned profiles, enum calls_dtls_srtp exp,
			  size_t salt_len)
{
	struct calls_dtls_conf cc, sc;
	struct wpair p;
	int err;

	conf_pair(&cc, &sc, profiles);
	err = wpair_alloc(&p, &cc, &sc);
	if (!err)
		err = wpair_handshake(&p);
	if (!err)
		err = keys_equal(&p, exp, salt_len);
	if (!err && (!calls_dtls_established(p.c.dtls) ||
		     !calls_dtls_established(p.s.dtls)))
		err = EPROTO;

	wpair_free(&p);

	return err;
}


static int test_dtls_gcm(void)
{
	TEST_ERR(handshake_case(CALLS_DTLS_PROFILE_GCM,
				CALLS_DTLS_SRTP_AEAD_AES_128_GCM, 12));
	/* both offered: GCM preferred */
	TEST_ERR(handshake_case(0, CALLS_DTLS_SRTP_AEAD_AES_128_GCM, 12));

	return 0;
}


static int test_dtls_cm80(void)
{
	TEST_ERR(handshake_case(CALLS_DTLS_PROFILE_CM80,
				CALLS_DTLS_SRTP_AES128_CM_SHA1_80, 14));
	return 0;
}


static int test_dtls_server_pick(void)
{
	struct calls_dtls_conf cc, sc;
	struct wpair p;
	int err;

	/* a peer offering only AES_CM (as aiortc does) gets AES_CM */
	conf_pair(&cc, &sc, 0);
	cc.profiles = CALLS_DTLS_PROFILE_CM80;
	err = wpair_alloc(&p, &cc, &sc);
	if (!err)
		err = wpair_handshake(&p);
	if (!err)
		err = keys_equal(&p, CALLS_DTLS_SRTP_AES128_CM_SHA1_80, 14);
	wpair_free(&p);

	return err;
}


static int wrong_fp_case(bool client_wrong)
{
	struct calls_dtls_conf cc, sc;
	char bad[128];
	struct wpair p;
	int err;

	conf_pair(&cc, &sc, 0);
	str_ncpy(bad, calls_dtls_fingerprint(), sizeof(bad));
	bad[8] = bad[8] == 'A' ? 'B' : 'A';
	if (client_wrong)
		cc.peer_fingerprint = bad;
	else
		sc.peer_fingerprint = bad;

	err = wpair_alloc(&p, &cc, &sc);
	if (err)
		goto out;

	err = calls_dtls_start(p.c.dtls);
	if (!err)
		err = wait_for(both_closed, &p, 10000);
	if (err)
		goto out;

	if (p.c.established || p.s.established) {
		unit_fail(__FILE__, __LINE__, "established despite mismatch");
		err = EPROTO;
		goto out;
	}

	if (client_wrong) {
		TEST_EQ(EAUTH, p.c.close_err);
		TEST_EQ(ECONNRESET, p.s.close_err);
	}
	else {
		TEST_EQ(EAUTH, p.s.close_err);
		TEST_EQ(ECONNRESET, p.c.close_err);
	}

 out:
	wpair_free(&p);
	return err;
}


static int test_dtls_wrong_fingerprint(void)
{
	TEST_ERR(wrong_fp_case(true));
	TEST_ERR(wrong_fp_case(false));

	return 0;
}


static int test_dtls_fingerprint_parse(void)
{
	struct calls_dtls_conf cc, sc;
	struct wpair p;
	char fp[128];
	int err;

	conf_pair(&cc, &sc, 0);
	err = wpair_alloc(&p, &cc, &sc);
	if (err)
		return err;

	TEST_FAILS(ENOTSUP, calls_dtls_set_peer_fingerprint(p.c.dtls,
						      "md5 AB:CD"));
	TEST_FAILS(EINVAL, calls_dtls_set_peer_fingerprint(p.c.dtls,
						      "sha-256 AB:CD"));
	TEST_FAILS(EINVAL, calls_dtls_set_peer_fingerprint(p.c.dtls,
						      "sha-256"));
	str_ncpy(fp, calls_dtls_fingerprint(), sizeof(fp));
	fp[10] = '-';
	TEST_FAILS(EINVAL, calls_dtls_set_peer_fingerprint(p.c.dtls, fp));
	/* lower case and upper-case algorithm names are fine */
	str_ncpy(fp, calls_dtls_fingerprint(), sizeof(fp));
	memcpy(fp, "SHA-256", 7);
	for (char *q = fp + 8; *q; q++)
		*q = (char)tolower((unsigned char)*q);
	TEST_ERR(calls_dtls_set_peer_fingerprint(p.c.dtls, fp));

	err = wpair_handshake(&p);
	wpair_free(&p);

	return err;
}


/* The first flight of each side is lost: the retransmission timers
 * recover (and more datagrams than in a clean run are sent) */
static int test_dtls_lost_flight(void)
{
	struct calls_dtls_conf cc, sc;
	struct wpair p;
	unsigned clean;
	int err;

	conf_pair(&cc, &sc, 0);
	err = wpair_alloc(&p, &cc, &sc);
	if (!err)
		err = wpair_handshake(&p);
	clean = p.c.sent;
	wpair_free(&p);
	TEST_ERR(err);

	err = wpair_alloc(&p, &cc, &sc);
	if (err)
		goto out;

	p.c.drop = 1;
	err = wpair_handshake(&p);
	if (err)
		goto out;

	TEST_ASSERT(p.c.sent > clean);
	err = keys_equal(&p, CALLS_DTLS_SRTP_AEAD_AES_128_GCM, 12);
	wpair_free(&p);
	if (err)
		return err;

	/* the server's first flight lost too */
	err = wpair_alloc(&p, &cc, &sc);
	if (err)
		goto out;

	p.c.drop = 1;
	p.s.drop = 1;
	err = wpair_handshake(&p);
	if (!err)
		err = keys_equal(&p, CALLS_DTLS_SRTP_AEAD_AES_128_GCM, 12);

 out:
	wpair_free(&p);
	return err;
}


/* The server's last flight (CCS + Finished) is lost: the server is done
 * already, the client retransmits its flight and the server answers from
 * its established state (its record buffers freed and set up again) */
static int test_dtls_lost_last_flight(void)
{
	struct calls_dtls_conf cc, sc;
	struct wpair p;
	int err;

	conf_pair(&cc, &sc, 0);
	err = wpair_alloc(&p, &cc, &sc);
	if (err)
		goto out;

	p.s.drop_ccs = 1;
	err = wpair_handshake(&p);
	if (err)
		goto out;

	if (p.s.drop_ccs) {
		unit_fail(__FILE__, __LINE__, "last flight not seen");
		err = EINVAL;
		goto out;
	}

	err = keys_equal(&p, CALLS_DTLS_SRTP_AEAD_AES_128_GCM, 12);
	if (!err)
		err = calls_dtls_send(p.c.dtls, (const uint8_t *)"hello", 5);
	if (!err)
		err = wait_for(server_got_data, &p, 5000);

 out:
	wpair_free(&p);
	return err;
}


/* Garbage that looks like DTLS (first byte 20..63) reaching established
 * connections is dropped: no close, data still flows both ways */
static int test_dtls_garbage(void)
{
	struct calls_dtls_conf cc, sc;
	struct wpair p;
	uint8_t buf[300];
	uint32_t x = 0x12345678;
	unsigned i;
	size_t j, n;
	int err;

	conf_pair(&cc, &sc, 0);
	err = wpair_alloc(&p, &cc, &sc);
	if (!err)
		err = wpair_handshake(&p);
	if (err)
		goto out;

	for (i = 0; i < 500; i++) {
		n = 1 + i % sizeof(buf);
		for (j = 0; j < n; j++) {
			x = x * 1103515245u + 12345u;
			buf[j] = (uint8_t)(x >> 16);
		}
		buf[0] = (uint8_t)(20 + i % 44);
		if (n >= 5 && i % 3 == 0) {   /* a plausible header */
			buf[1] = 0xfe;
			buf[2] = 0xfd;
			buf[3] = 0;
			buf[4] = (uint8_t)(i % 2);
		}
		(void)calls_dtls_recv(p.c.dtls, buf, n);
		(void)calls_dtls_recv(p.s.dtls, buf, n);
	}

	if (p.c.closed || p.s.closed) {
		unit_fail(__FILE__, __LINE__, "closed by garbage");
		err = EPROTO;
		goto out;
	}

	err = calls_dtls_send(p.c.dtls, (const uint8_t *)"hello", 5);
	if (!err)
		err = wait_for(server_got_data, &p, 5000);
	if (!err)
		TEST_MEMEQ("hello", p.s.rx->buf, 5);

 out:
	wpair_free(&p);
	return err;
}


static int test_dtls_helloverify(void)
{
	struct calls_dtls_conf cc, sc;
	struct wpair p;
	int err;

	/* cookie exchange: the server answers HelloVerifyRequest (3) */
	conf_pair(&cc, &sc, 0);
	err = wpair_alloc(&p, &cc, &sc);
	if (!err)
		err = wpair_handshake(&p);
	if (!err) {
		TEST_ASSERT(p.s.first_len > 13);
		TEST_EQ(22, p.s.first[0]);
		TEST_EQ(3, p.s.first[13]);
	}
	wpair_free(&p);
	TEST_ERR(err);

	/* skipped: ServerHello (2) at once */
	sc.skip_helloverify = true;
	err = wpair_alloc(&p, &cc, &sc);
	if (!err)
		err = wpair_handshake(&p);
	if (!err) {
		TEST_ASSERT(p.s.first_len > 13);
		TEST_EQ(2, p.s.first[13]);
	}
	wpair_free(&p);

	return err;
}


static int test_dtls_data_and_close(void)
{
	struct calls_dtls_conf cc, sc;
	struct wpair p;
	int err;

	conf_pair(&cc, &sc, 0);
	err = wpair_alloc(&p, &cc, &sc);
	if (err)
		goto out;

	TEST_FAILS(ENOTCONN, calls_dtls_send(p.c.dtls,
					    (const uint8_t *)"x", 1));

	err = wpair_handshake(&p);
	if (err)
		goto out;

	err = calls_dtls_send(p.c.dtls, (const uint8_t *)"hello", 5);
	if (!err)
		err = wait_for(server_got_data, &p, 5000);
	if (err)
		goto out;

	TEST_EQ(5, p.s.rx->end);
	TEST_MEMEQ("hello", p.s.rx->buf, 5);

	/* close_notify: the peer's close handler runs with 0 */
	err = calls_dtls_shutdown(p.c.dtls);
	if (!err)
		err = wait_for(server_closed, &p, 5000);
	if (err)
		goto out;

	TEST_EQ(0, p.s.close_err);
	TEST_ASSERT(!p.c.closed);
	TEST_ASSERT(!calls_dtls_established(p.c.dtls));

 out:
	wpair_free(&p);
	return err;
}


static void drop_on_estab(struct wend *e)
{
	e->dtls = mem_deref(e->dtls);
}


static bool client_established(void *arg)
{
	struct wpair *p = arg;

	return p->c.established;
}


/* The owner may drop the connection from inside its own handler */
static int test_dtls_deref_in_handler(void)
{
	struct calls_dtls_conf cc, sc;
	struct wpair p;
	int err;

	conf_pair(&cc, &sc, 0);
	err = wpair_alloc(&p, &cc, &sc);
	if (err)
		goto out;

	p.s.on_estab = drop_on_estab;
	err = calls_dtls_start(p.c.dtls);
	if (!err)
		err = wait_for(client_established, &p, 10000);
	if (!err)
		TEST_ASSERT(p.s.dtls == NULL);

 out:
	wpair_free(&p);
	return err;
}


static bool client_closed(void *arg)
{
	struct wpair *p = arg;

	return p->c.closed;
}


/* Nothing reaches the server: the client gives up after its deadline */
static int test_dtls_handshake_timeout(void)
{
	struct calls_dtls_conf cc, sc;
	struct wpair p;
	int err;

	conf_pair(&cc, &sc, 0);
	cc.handshake_timeout_ms = 600;
	err = wpair_alloc(&p, &cc, &sc);
	if (err)
		goto out;

	p.c.drop = 1000;
	err = calls_dtls_start(p.c.dtls);
	if (!err)
		err = wait_for(client_closed, &p, 10000);
	if (err)
		goto out;

	TEST_EQ(ETIMEDOUT, p.c.close_err);
	TEST_ASSERT(p.c.sent >= 2);    /* the ClientHello was resent */
	TEST_ASSERT(!p.s.closed);
	TEST_FAILS(ENOTCONN, calls_dtls_recv(p.c.dtls,
					     (const uint8_t *)"\x16", 1));

 out:
	wpair_free(&p);
	return err;
}


static int test_dtls_misc(void)
{
	static const uint8_t dtls_hdr[13] = {22, 0xfe, 0xfd};
	static const uint8_t stun_hdr[20] = {0x00, 0x01};

	TEST_ASSERT(calls_dtls_is_dtls(dtls_hdr, sizeof(dtls_hdr)));
	TEST_ASSERT(!calls_dtls_is_dtls(stun_hdr, sizeof(stun_hdr)));
	TEST_ASSERT(!calls_dtls_is_dtls(dtls_hdr, 5));
	TEST_STREQ("AEAD_AES_128_GCM",
		   calls_dtls_srtp_name(CALLS_DTLS_SRTP_AEAD_AES_128_GCM));
	TEST_STREQ("AES_CM_128_HMAC_SHA1_80",
		   calls_dtls_srtp_name(CALLS_DTLS_SRTP_AES128_CM_SHA1_80));
	TEST_FAILS(EINVAL, calls_dtls_alloc(NULL, NULL, NULL, NULL, NULL,
					    NULL, NULL));

	return 0;
}


const struct unit_suite suite_dtls = {"dtls", {
	UNIT_CASE(test_dtls_fingerprint),
	UNIT_CASE(test_dtls_gcm),
	UNIT_CASE(test_dtls_cm80),
	UNIT_CASE(test_dtls_server_pick),
	UNIT_CASE(test_dtls_wrong_fingerprint),
	UNIT_CASE(test_dtls_fingerprint_parse),
	UNIT_CASE(test_dtls_lost_flight),
	UNIT_CASE(test_dtls_lost_last_flight),
	UNIT_CASE(test_dtls_helloverify),
	UNIT_CASE(test_dtls_data_and_close),
	UNIT_CASE(test_dtls_garbage),
	UNIT_CASE(test_dtls_deref_in_handler),
	UNIT_CASE(test_dtls_handshake_timeout),
	UNIT_CASE(test_dtls_misc),
	{NULL, NULL}}};
