/* calls-sfu rtcnet: RFC 7983 demux and the ICE-lite responder, driven
 * through sfu_rtcnet_input() with lib/stun-built requests; replies are
 * captured with the tx hook */
#include <stdlib.h>
#include <ctype.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include "runner.h"
#include "re_inc.h"
#include "stun.h"
#include "../../cmd/sfu/config.h"
#include "rtcnet.h"

#define UFRAG "srvUfrag0123456"
#define PWD   "serverPasswordServerPassword0123"

struct capture {
	unsigned n;
	enum sfu_rtcnet_proto proto;
	struct sa dst;
	uint8_t buf[2048];
	size_t len;
};

struct fake_ep {
	unsigned nrecv;
	enum sfu_rtcnet_kind kind;
	size_t len;
	enum sfu_rtcnet_state states[8];
	unsigned nstates;
	bool free_on_fail;
	struct sfu_rtcnet_ep *ep;
};

static void tx_h(enum sfu_rtcnet_proto proto, const struct sa *local,
		 const struct sa *dst, const uint8_t *buf, size_t len,
		 void *arg)
{
	struct capture *c = arg;

	(void)local;
	++c->n;
	c->proto = proto;
	c->dst = *dst;
	c->len = len < sizeof(c->buf) ? len : sizeof(c->buf);
	memcpy(c->buf, buf, c->len);
}

static void recv_h(struct sfu_rtcnet_ep *ep, uint8_t *buf, size_t len,
		   enum sfu_rtcnet_kind kind, void *arg)
{
	struct fake_ep *f = arg;

	(void)ep;
	(void)buf;
	++f->nrecv;
	f->kind = kind;
	f->len = len;
}

static void state_h(struct sfu_rtcnet_ep *ep, enum sfu_rtcnet_state st,
		    void *arg)
{
	struct fake_ep *f = arg;

	if (f->nstates < 8)
		f->states[f->nstates++] = st;
	if (st == SFU_RTCNET_FAILED) {
		if (f->free_on_fail) {
			mem_deref(ep);
			f->ep = NULL;
		}
		re_cancel();
	}
}

static void cfg_init(struct sfu_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->rtc.ice_address_udp = "127.0.0.1";
	cfg->rtc.ice_address_tcp = "127.0.0.1";
}

static int net_open(struct sfu_rtcnet **netp, struct capture *cap)
{
	struct sfu_config cfg;
	char errbuf[256];
	int err;

	cfg_init(&cfg);
	setenv(SFU_RTCNET_PORT_ENV, "0", 1);
	err = sfu_rtcnet_alloc(netp, &cfg, NULL, errbuf, sizeof(errbuf));
	if (err)
		return err;
	if (cap)
		sfu_rtcnet_set_tx_hook(*netp, tx_h, cap);
	return 0;
}

struct req_opts {
	const char *user;       /* NULL: no USERNAME */
	const char *pwd;        /* NULL: no MESSAGE-INTEGRITY */
	bool use_cand;
	bool controlled;        /* ICE-CONTROLLED instead of CONTROLLING */
};

static size_t build_req(uint8_t *buf, size_t sz, const struct req_opts *o,
			uint8_t tid[12])
{
	struct calls_stun_enc e;
	size_t len = 0;

	calls_stun_enc_init(&e, buf, sz, CALLS_STUN_BINDING,
			    CALLS_STUN_CLASS_REQUEST, NULL, true);
	memcpy(tid, buf + 8, 12);
	if (o->user)
		calls_stun_enc_str(&e, CALLS_STUN_ATTR_USERNAME, o->user);
	calls_stun_enc_u32(&e, CALLS_STUN_ATTR_PRIORITY, 1853824767);
	calls_stun_enc_u64(&e, o->controlled ?
			   CALLS_STUN_ATTR_ICE_CONTROLLED :
			   CALLS_STUN_ATTR_ICE_CONTROLLING, 0x1234567890ULL);
	if (o->use_cand)
		calls_stun_enc_flag(&e, CALLS_STUN_ATTR_USE_CANDIDATE);
	if (o->pwd)
		calls_stun_enc_integrity(&e, CALLS_STUN_MI_SHA1,
					 (const uint8_t *)o->pwd,
					 strlen(o->pwd));
	calls_stun_enc_fingerprint(&e);
	if (calls_stun_enc_finish(&e, &len))
		return 0;
	return len;
}

/* Sends a request from src; returns the reply class (-1: no reply) and
 * its error code */
static int exchange(struct sfu_rtcnet *net, struct capture *cap,
		    const struct sa *src, const struct req_opts *o,
		    struct calls_stun_msg *msg, uint16_t *code)
{
	uint8_t req[512], tid[12];
	size_t len = build_req(req, sizeof(req), o, tid);
	unsigned before = cap->n;

	if (!len)
		return -2;
	sfu_rtcnet_input(net, NULL, src, req, len);
	if (cap->n == before)
		return -1;
	if (calls_stun_decode(msg, cap->buf, cap->len))
		return -3;
	if (memcmp(msg->tid, tid, 12) || !sa_cmp(&cap->dst, src, SA_ALL))
		return -4;
	if (code) {
		struct pl reason;

		*code = 0;
		(void)calls_stun_errcode_get(msg, code, &reason);
	}
	return (int)msg->cls;
}

static int test_good_integrity(void)
{
	struct sfu_rtcnet *net = NULL;
	struct sfu_rtcnet_ep *ep = NULL;
	struct capture cap = {0};
	struct fake_ep f = {0};
	struct calls_stun_msg msg;
	struct req_opts o = {UFRAG ":cli1", PWD, false, false};
	struct sa src, mapped;
	struct sfu_rtcnet_stats st;
	int err;

	TEST_ERR(net_open(&net, &cap));
	TEST_ERR(sfu_rtcnet_ep_alloc(&ep, net, UFRAG, PWD, "g1", recv_h,
				     state_h, &f));
	sa_set_str(&src, "127.0.0.1", 40001);
	TEST_FAILS(ENOTCONN, sfu_rtcnet_send(ep, (const uint8_t *)"x", 1));

	err = exchange(net, &cap, &src, &o, &msg, NULL);
	TEST_EQ(CALLS_STUN_CLASS_SUCCESS, err);
	TEST_EQ(SFU_RTCNET_UDP, cap.proto);
	TEST_ERR(calls_stun_addr_get(&msg, CALLS_STUN_ATTR_XOR_MAPPED_ADDRESS,
				     &mapped));
	TEST_ASSERT(sa_cmp(&mapped, &src, SA_ALL));
	TEST_ERR(calls_stun_integrity_check(&msg, CALLS_STUN_MI_SHA1,
					    (const uint8_t *)PWD,
					    strlen(PWD)));
	TEST_ERR(calls_stun_fingerprint_check(&msg));

	/* checked but not nominated: nothing selected, no state; sends
	 * (an early DTLS handshake) go to the checked address */
	TEST_EQ(0, f.nstates);
	TEST_EQ(SFU_RTCNET_NEW, sfu_rtcnet_ep_state(ep));
	TEST_FAILS(ENOTCONN, sfu_rtcnet_ep_remote(ep, NULL, NULL));
	TEST_ERR(sfu_rtcnet_send(ep, (const uint8_t *)"x", 1));
	TEST_ASSERT(sa_cmp(&cap.dst, &src, SA_ALL));
	TEST_EQ(1, cap.len);
	sfu_rtcnet_stats_get(net, &st);
	TEST_EQ(1, st.stun_ok);

	mem_deref(ep);
	mem_deref(net);
	return 0;
}

static int test_bad_integrity(void)
{
	struct sfu_rtcnet *net = NULL;
	struct sfu_rtcnet_ep *ep = NULL;
	struct capture cap = {0};
	struct fake_ep f = {0};
	struct calls_stun_msg msg;
	struct req_opts o = {UFRAG ":cli1", "wrong-password-wrong-password!!",
			     true, false};
	struct sa src;
	struct sfu_rtcnet_stats st;
	uint16_t code;

	TEST_ERR(net_open(&net, &cap));
	TEST_ERR(sfu_rtcnet_ep_alloc(&ep, net, UFRAG, PWD, "g1", recv_h,
				     state_h, &f));
	sa_set_str(&src, "127.0.0.1", 40002);

	TEST_EQ(CALLS_STUN_CLASS_ERROR,
		exchange(net, &cap, &src, &o, &msg, &code));
	TEST_EQ(401, code);
	/* no integrity: 400 */
	o.pwd = NULL;
	TEST_EQ(CALLS_STUN_CLASS_ERROR,
		exchange(net, &cap, &src, &o, &msg, &code));
	TEST_EQ(400, code);

	/* USE-CANDIDATE in a refused request selects nothing */
	TEST_EQ(0, f.nstates);
	TEST_FAILS(ENOTCONN, sfu_rtcnet_ep_remote(ep, NULL, NULL));
	sfu_rtcnet_stats_get(net, &st);
	TEST_EQ(2, st.err_ice);
	TEST_EQ(0, st.stun_ok);

	mem_deref(ep);
	mem_deref(net);
	return 0;
}

static int test_unknown_ufrag(void)
{
	struct sfu_rtcnet *net = NULL;
	struct sfu_rtcnet_ep *ep = NULL;
	struct capture cap = {0};
	struct fake_ep f = {0};
	struct calls_stun_msg msg;
	struct req_opts o = {"nobody:cli1", PWD, true, false};
	struct sa src;
	struct sfu_rtcnet_stats st;

	TEST_ERR(net_open(&net, &cap));
	TEST_ERR(sfu_rtcnet_ep_alloc(&ep, net, UFRAG, PWD, "g1", recv_h,
				     state_h, &f));
	sa_set_str(&src, "127.0.0.1", 40003);

	TEST_EQ(-1, exchange(net, &cap, &src, &o, &msg, NULL));
	/* a prefix of a known ufrag is not that ufrag */
	o.user = "srvUfrag:cli1";
	TEST_EQ(-1, exchange(net, &cap, &src, &o, &msg, NULL));
	/* no colon */
	o.user = UFRAG;
	TEST_EQ(-1, exchange(net, &cap, &src, &o, &msg, NULL));
	sfu_rtcnet_stats_get(net, &st);
	TEST_EQ(3, st.err_ice);
	TEST_EQ(0, cap.n);
	TEST_EQ(0, f.nstates);

	mem_deref(ep);
	mem_deref(net);
	return 0;
}

static int test_use_candidate_selects(void)
{
	struct sfu_rtcnet *net = NULL;
	struct sfu_rtcnet_ep *ep = NULL;
	struct capture cap = {0};
	struct fake_ep f = {0};
	struct calls_stun_msg msg;
	struct req_opts o = {UFRAG ":cli1", PWD, true, false};
	struct sa a, b, c, rem;
	struct sfu_rtcnet_stats st;
	enum sfu_rtcnet_proto proto;
	uint8_t dtls[] = {22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
	uint8_t rtp[] = {0x80, 111, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2};

	TEST_ERR(net_open(&net, &cap));
	TEST_ERR(sfu_rtcnet_ep_alloc(&ep, net, UFRAG, PWD, "g1", recv_h,
				     state_h, &f));
	sa_set_str(&a, "127.0.0.1", 40010);
	sa_set_str(&b, "127.0.0.2", 40011);
	sa_set_str(&c, "127.0.0.3", 40012);

	TEST_EQ(CALLS_STUN_CLASS_SUCCESS,
		exchange(net, &cap, &a, &o, &msg, NULL));
	TEST_EQ(1, f.nstates);
	TEST_EQ(SFU_RTCNET_CONNECTED, f.states[0]);
	TEST_ERR(sfu_rtcnet_ep_remote(ep, &rem, &proto));
	TEST_ASSERT(sa_cmp(&rem, &a, SA_ALL));
	TEST_EQ(SFU_RTCNET_UDP, proto);

	/* sends go to the selected address */
	TEST_ERR(sfu_rtcnet_send(ep, rtp, sizeof(rtp)));
	TEST_ASSERT(sa_cmp(&cap.dst, &a, SA_ALL));
	TEST_EQ(sizeof(rtp), cap.len);
	TEST_MEMEQ(rtp, cap.buf, sizeof(rtp));

	/* DTLS and SRTP from it reach the endpoint */
	sfu_rtcnet_input(net, NULL, &a, dtls, sizeof(dtls));
	TEST_EQ(1, f.nrecv);
	TEST_EQ(SFU_RTCNET_DTLS, f.kind);
	sfu_rtcnet_input(net, NULL, &a, rtp, sizeof(rtp));
	TEST_EQ(2, f.nrecv);
	TEST_EQ(SFU_RTCNET_RTP, f.kind);
	TEST_EQ(sizeof(rtp), f.len);

	/* from an address that never authenticated: dropped, counted */
	sfu_rtcnet_input(net, NULL, &c, rtp, sizeof(rtp));
	sfu_rtcnet_input(net, NULL, &c, dtls, sizeof(dtls));
	TEST_EQ(2, f.nrecv);
	sfu_rtcnet_stats_get(net, &st);
	TEST_EQ(1, st.err_rtp);
	TEST_EQ(1, st.err_ice);

	/* a checked (not nominated) address receives but does not
	 * take the sends */
	o.use_cand = false;
	TEST_EQ(CALLS_STUN_CLASS_SUCCESS,
		exchange(net, &cap, &b, &o, &msg, NULL));
	sfu_rtcnet_input(net, NULL, &b, rtp, sizeof(rtp));
	TEST_EQ(3, f.nrecv);
	TEST_ERR(sfu_rtcnet_send(ep, rtp, sizeof(rtp)));
	TEST_ASSERT(sa_cmp(&cap.dst, &a, SA_ALL));

	/* the latest nomination wins */
	o.use_cand = true;
	TEST_EQ(CALLS_STUN_CLASS_SUCCESS,
		exchange(net, &cap, &b, &o, &msg, NULL));
	TEST_ERR(sfu_rtcnet_send(ep, rtp, sizeof(rtp)));
	TEST_ASSERT(sa_cmp(&cap.dst, &b, SA_ALL));
	TEST_EQ(1, f.nstates);  /* still connected: no new report */

	/* once the endpoint is gone its addresses are unknown */
	ep = mem_deref(ep);
	sfu_rtcnet_input(net, NULL, &b, rtp, sizeof(rtp));
	TEST_EQ(3, f.nrecv);
	sfu_rtcnet_stats_get(net, &st);
	TEST_EQ(2, st.err_rtp);

	mem_deref(net);
	return 0;
}

static int test_role_conflict(void)
{
	struct sfu_rtcnet *net = NULL;
	struct sfu_rtcnet_ep *ep = NULL;
	struct capture cap = {0};
	struct fake_ep f = {0};
	struct calls_stun_msg msg;
	struct req_opts o = {UFRAG ":cli1", PWD, true, true};
	struct sa src;
	uint16_t code;

	TEST_ERR(net_open(&net, &cap));
	TEST_ERR(sfu_rtcnet_ep_alloc(&ep, net, UFRAG, PWD, "g1", recv_h,
				     state_h, &f));
	sa_set_str(&src, "127.0.0.1", 40020);

	TEST_EQ(CALLS_STUN_CLASS_ERROR,
		exchange(net, &cap, &src, &o, &msg, &code));
	TEST_EQ(487, code);
	TEST_ERR(calls_stun_integrity_check(&msg, CALLS_STUN_MI_SHA1,
					    (const uint8_t *)PWD,
					    strlen(PWD)));
	TEST_EQ(0, f.nstates);

	mem_deref(ep);
	mem_deref(net);
	return 0;
}

static int test_no_username(void)
{
	struct sfu_rtcnet *net = NULL;
	struct sfu_rtcnet_ep *ep = NULL;
	struct capture cap = {0};
	struct fake_ep f = {0};
	struct calls_stun_msg msg;
	struct req_opts o = {NULL, NULL, true, false};
	struct sa src, mapped;
	struct sfu_rtcnet_stats st;

	TEST_ERR(net_open(&net, &cap));
	TEST_ERR(sfu_rtcnet_ep_alloc(&ep, net, UFRAG, PWD, "g1", recv_h,
				     state_h, &f));
	sa_set_str(&src, "127.0.0.1", 40030);

	TEST_EQ(CALLS_STUN_CLASS_SUCCESS,
		exchange(net, &cap, &src, &o, &msg, NULL));
	TEST_ERR(calls_stun_addr_get(&msg, CALLS_STUN_ATTR_XOR_MAPPED_ADDRESS,
				     &mapped));
	TEST_ASSERT(sa_cmp(&mapped, &src, SA_ALL));
	TEST_ASSERT(!calls_stun_has(&msg, CALLS_STUN_ATTR_MESSAGE_INTEGRITY));
	TEST_EQ(0, f.nstates);
	sfu_rtcnet_stats_get(net, &st);
	TEST_EQ(1, st.stun_unauth);

	mem_deref(ep);
	mem_deref(net);
	return 0;
}

static void guard_h(void *arg)
{
	(void)arg;
	re_cancel();
}

static int test_consent_timeout(void)
{
	struct sfu_rtcnet *net = NULL;
	struct capture cap = {0};
	struct fake_ep f = {0};
	struct calls_stun_msg msg;
	struct req_opts o = {UFRAG ":cli1", PWD, true, false};
	struct sa src;
	struct tmr guard;
	uint8_t rtp[] = {0x80, 111, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2};

	setenv(SFU_RTCNET_CONSENT_ENV, "300", 1);
	TEST_ERR(net_open(&net, &cap));
	unsetenv(SFU_RTCNET_CONSENT_ENV);
	TEST_EQ(300, sfu_rtcnet_consent_ms(net));
	f.free_on_fail = true;
	TEST_ERR(sfu_rtcnet_ep_alloc(&f.ep, net, UFRAG, PWD, "g1", recv_h,
				     state_h, &f));
	sa_set_str(&src, "127.0.0.1", 40040);
	TEST_EQ(CALLS_STUN_CLASS_SUCCESS,
		exchange(net, &cap, &src, &o, &msg, NULL));

	tmr_init(&guard);
	tmr_start(&guard, 10000, guard_h, NULL);
	(void)re_main(NULL);
	tmr_cancel(&guard);

	TEST_EQ(3, f.nstates);
	TEST_EQ(SFU_RTCNET_CONNECTED, f.states[0]);
	TEST_EQ(SFU_RTCNET_DISCONNECTED, f.states[1]);
	TEST_EQ(SFU_RTCNET_FAILED, f.states[2]);
	TEST_ASSERT(f.ep == NULL);  /* freed from its handler */
	TEST_EQ(0, sfu_rtcnet_ep_count(net));
	/* its address no longer reaches anything */
	sfu_rtcnet_input(net, NULL, &src, rtp, sizeof(rtp));
	TEST_EQ(0, f.nrecv);

	mem_deref(net);
	return 0;
}

static int test_never_connected_fails(void)
{
	struct sfu_rtcnet *net = NULL;
	struct fake_ep f = {0};
	struct sfu_rtcnet_ep *ep = NULL;
	struct tmr guard;

	setenv(SFU_RTCNET_CONSENT_ENV, "100", 1);
	TEST_ERR(net_open(&net, NULL));
	unsetenv(SFU_RTCNET_CONSENT_ENV);
	TEST_ERR(sfu_rtcnet_ep_alloc(&ep, net, UFRAG, PWD, NULL, recv_h,
				     state_h, &f));

	tmr_init(&guard);
	tmr_start(&guard, 10000, guard_h, NULL);
	(void)re_main(NULL);
	tmr_cancel(&guard);

	TEST_EQ(1, f.nstates);
	TEST_EQ(SFU_RTCNET_FAILED, f.states[0]);
	TEST_EQ(SFU_RTCNET_FAILED, sfu_rtcnet_ep_state(ep));

	mem_deref(ep);
	mem_deref(net);
	return 0;
}

static int test_garbage(void)
{
	struct sfu_rtcnet *net = NULL;
	struct sfu_rtcnet_ep *ep = NULL;
	struct capture cap = {0};
	struct fake_ep f = {0};
	struct calls_stun_msg msg;
	struct req_opts o = {UFRAG ":cli1", PWD, true, false};
	struct sa src, junk;
	struct sfu_rtcnet_stats st;
	uint8_t buf[600], req[512], tid[12];
	size_t len, i, n;

	TEST_ERR(net_open(&net, &cap));
	TEST_ERR(sfu_rtcnet_ep_alloc(&ep, net, UFRAG, PWD, "g1", recv_h,
				     state_h, &f));
	sa_set_str(&src, "127.0.0.1", 40050);
	sa_set_str(&junk, "127.0.0.9", 40051);
	TEST_EQ(CALLS_STUN_CLASS_SUCCESS,
		exchange(net, &cap, &src, &o, &msg, NULL));
	n = cap.n;

	/* every truncation of a valid request, random bytes, each first
	 * byte, from another address */
	len = build_req(req, sizeof(req), &o, tid);
	for (i = 0; i < len; i++)
		sfu_rtcnet_input(net, NULL, &junk, req, i);
	for (i = 0; i < 2000; i++) {
		size_t l = rand_u16() % sizeof(buf);

		rand_bytes(buf, l);
		if (l && i < 256)
			buf[0] = (uint8_t)i;
		sfu_rtcnet_input(net, NULL, &junk, buf, l);
	}

	sfu_rtcnet_stats_get(net, &st);
	TEST_EQ(len + 2000, st.err_ice + st.err_rtp);
	TEST_EQ(0, f.nrecv);
	TEST_EQ(n, cap.n);  /* nothing was answered */
	TEST_EQ(SFU_RTCNET_CONNECTED, sfu_rtcnet_ep_state(ep));

	/* the session still works */
	buf[0] = 0x80;
	sfu_rtcnet_input(net, NULL, &src, buf, 20);
	TEST_EQ(1, f.nrecv);

	mem_deref(ep);
	mem_deref(net);
	return 0;
}

static int test_tcp_framing(void)
{
	struct sfu_rtcnet *net = NULL;
	struct sfu_rtcnet_ep *ep = NULL;
	struct capture cap = {0};
	struct fake_ep f = {0};
	struct calls_stun_msg msg;
	struct req_opts o = {UFRAG ":cli1", PWD, true, false};
	struct sa src, other, mapped;
	struct sfu_rtcnet_stats st;
	uint8_t req[514], tid[12], rtp[14] = {0, 12, 0x80, 111};
	uint8_t bad[4] = {0, 2, 0xff, 0xff};
	size_t len, i;

	TEST_ERR(net_open(&net, &cap));
	TEST_ERR(sfu_rtcnet_ep_alloc(&ep, net, UFRAG, PWD, "g1", recv_h,
				     state_h, &f));
	sa_set_str(&src, "127.0.0.1", 40060);
	sa_set_str(&other, "127.0.0.1", 40061);

	len = build_req(req + 2, sizeof(req) - 2, &o, tid);
	req[0] = len >> 8;
	req[1] = len & 0xff;

	/* one byte at a time */
	for (i = 0; i < len + 2; i++)
		TEST_ERR(sfu_rtcnet_input_tcp(net, &src, req + i, 1, false));
	TEST_EQ(1, cap.n);
	TEST_EQ(SFU_RTCNET_TCP, cap.proto);
	TEST_ERR(calls_stun_decode(&msg, cap.buf, cap.len));
	TEST_EQ(CALLS_STUN_CLASS_SUCCESS, msg.cls);
	TEST_ERR(calls_stun_addr_get(&msg, CALLS_STUN_ATTR_XOR_MAPPED_ADDRESS,
				     &mapped));
	TEST_ASSERT(sa_cmp(&mapped, &src, SA_ALL));
	TEST_EQ(1, f.nstates);

	/* two frames in one read: the RTP frame reaches the endpoint */
	TEST_ERR(sfu_rtcnet_input_tcp(net, &src, rtp, sizeof(rtp), false));
	TEST_EQ(1, f.nrecv);
	TEST_EQ(12, f.len);

	/* another connection sends garbage: only it closes */
	TEST_FAILS(EPROTO, sfu_rtcnet_input_tcp(net, &other, bad,
						sizeof(bad), false));
	sfu_rtcnet_stats_get(net, &st);
	TEST_EQ(1, st.tcp_closed_framing);
	TEST_ERR(sfu_rtcnet_input_tcp(net, &src, rtp, sizeof(rtp), false));
	TEST_EQ(2, f.nrecv);
	TEST_EQ(SFU_RTCNET_CONNECTED, sfu_rtcnet_ep_state(ep));

	/* a connection's end unselects its pair */
	TEST_ERR(sfu_rtcnet_input_tcp(net, &src, NULL, 0, true));
	TEST_FAILS(ENOTCONN, sfu_rtcnet_send(ep, rtp, sizeof(rtp)));

	mem_deref(ep);
	mem_deref(net);
	return 0;
}

static int test_ep_registry(void)
{
	struct sfu_rtcnet *net = NULL;
	struct sfu_rtcnet_ep *a = NULL, *b = NULL;
	char ufrag[SFU_RTCNET_UFRAG_LEN + 1], pwd[SFU_RTCNET_PWD_LEN + 1];
	char u2[SFU_RTCNET_UFRAG_LEN + 1];
	size_t i;

	TEST_ERR(net_open(&net, NULL));
	TEST_EQ(1, sfu_rtcnet_addr_count(net, SFU_RTCNET_UDP));
	TEST_EQ(1, sfu_rtcnet_addr_count(net, SFU_RTCNET_TCP));

	sfu_rtcnet_gen_creds(ufrag, pwd);
	sfu_rtcnet_gen_creds(u2, NULL);
	TEST_EQ(SFU_RTCNET_UFRAG_LEN, strlen(ufrag));
	TEST_EQ(SFU_RTCNET_PWD_LEN, strlen(pwd));
	TEST_ASSERT(strcmp(ufrag, u2));
	for (i = 0; i < strlen(pwd); i++)
		TEST_ASSERT(isalnum((unsigned char)pwd[i]));

	TEST_ERR(sfu_rtcnet_ep_alloc(&a, net, ufrag, pwd, NULL, NULL, NULL,
				     NULL));
	TEST_FAILS(EADDRINUSE, sfu_rtcnet_ep_alloc(&b, net, ufrag, "x",
						   NULL, NULL, NULL, NULL));
	TEST_FAILS(EINVAL, sfu_rtcnet_ep_alloc(&b, net, "a:b", "x", NULL,
					       NULL, NULL, NULL));
	TEST_FAILS(EINVAL, sfu_rtcnet_ep_alloc(&b, net, "", "x", NULL,
					       NULL, NULL, NULL));
	TEST_EQ(1, sfu_rtcnet_ep_count(net));
	TEST_STREQ(ufrag, sfu_rtcnet_ep_ufrag(a));
	TEST_STREQ(pwd, sfu_rtcnet_ep_pwd(a));

	/* an endpoint outliving the port is detached, not freed */
	mem_deref(net);
	TEST_FAILS(ENOTCONN, sfu_rtcnet_send(a, (const uint8_t *)"x", 1));
	mem_deref(a);
	return 0;
}

/* ---- over real loopback sockets ---- */

struct client {
	int fd;
	uint8_t buf[2048];
	size_t len;
	bool framed;            /* TCP: wait for a whole RFC 4571 frame */
};

static void client_h(int flags, void *arg)
{
	struct client *c = arg;
	ssize_t n;

	(void)flags;
	n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len,
		 MSG_DONTWAIT);
	if (n <= 0) {
		re_cancel();
		return;
	}
	c->len += (size_t)n;
	if (!c->framed ||
	    (c->len >= 2 && c->len >= 2 + ((size_t)c->buf[0] << 8 |
					   c->buf[1])))
		re_cancel();
}

static void recv_cancel_h(struct sfu_rtcnet_ep *ep, uint8_t *buf,
			  size_t len, enum sfu_rtcnet_kind kind, void *arg)
{
	recv_h(ep, buf, len, kind, arg);
	re_cancel();
}

/* Runs the loop until a handler cancels it (10 s guard) */
static void loop(void)
{
	struct tmr guard;

	tmr_init(&guard);
	tmr_start(&guard, 10000, guard_h, NULL);
	(void)re_main(NULL);
	tmr_cancel(&guard);
}

static int client_open(struct client *c, int type, const struct sa *srv,
		       struct sa *local)
{
	struct sa any;

	memset(c, 0, sizeof(*c));
	c->framed = type == SOCK_STREAM;
	c->fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return errno;
	sa_set_str(&any, "127.0.0.1", 0);
	if (bind(c->fd, &any.u.sa, any.len) ||
	    (type == SOCK_STREAM && connect(c->fd, &srv->u.sa, srv->len)))
		return errno;
	(void)fcntl(c->fd, F_SETFL, O_NONBLOCK);
	local->len = sizeof(local->u);
	sa_init(local, AF_INET);
	local->len = sizeof(local->u);
	if (getsockname(c->fd, &local->u.sa, &local->len))
		return errno;
	return fd_listen(c->fd, FD_READ, client_h, c);
}

static void client_close(struct client *c)
{
	if (c->fd >= 0) {
		fd_close(c->fd);
		close(c->fd);
	}
	c->fd = -1;
}

static int real_case(int type)
{
	struct sfu_rtcnet *net = NULL;
	struct sfu_rtcnet_ep *ep = NULL;
	struct fake_ep f = {0};
	struct client c;
	struct calls_stun_msg msg;
	struct req_opts o = {UFRAG ":cli1", PWD, true, false};
	struct sa srv, me, mapped, rem;
	enum sfu_rtcnet_proto proto = type == SOCK_STREAM ? SFU_RTCNET_TCP :
		SFU_RTCNET_UDP, got;
	uint8_t req[514], tid[12];
	uint8_t rtp[] = {0x80, 111, 0, 7, 0, 0, 0, 1, 0, 0, 0, 2, 0xab};
	uint8_t frame[2 + sizeof(rtp)];
	size_t len, hl = proto == SFU_RTCNET_TCP ? 2 : 0;
	int err = 0;

	c.fd = -1;
	TEST_ERR(net_open(&net, NULL));
	TEST_ERR(sfu_rtcnet_ep_alloc(&ep, net, UFRAG, PWD, "g1",
				     recv_cancel_h, state_h, &f));
	TEST_ERR(sfu_rtcnet_addr(net, proto, 0, &srv));
	err = client_open(&c, type, &srv, &me);
	if (err)
		goto out;

	len = build_req(req + 2, sizeof(req) - 2, &o, tid);
	req[0] = len >> 8;
	req[1] = len & 0xff;
	if (sendto(c.fd, req + 2 - hl, len + hl, 0, &srv.u.sa, srv.len) < 0) {
		err = errno;
		goto out;
	}
	loop();

	/* the answer, to the client's address */
	if (c.len <= hl || calls_stun_decode(&msg, c.buf + hl, c.len - hl) ||
	    msg.cls != CALLS_STUN_CLASS_SUCCESS ||
	    calls_stun_addr_get(&msg, CALLS_STUN_ATTR_XOR_MAPPED_ADDRESS,
				&mapped) || !sa_cmp(&mapped, &me, SA_ALL) ||
	    calls_stun_integrity_check(&msg, CALLS_STUN_MI_SHA1,
				       (const uint8_t *)PWD, strlen(PWD))) {
		unit_fail(__FILE__, __LINE__, "bad answer (%zu bytes)", c.len);
		err = EPROTO;
		goto out;
	}
	if (f.nstates != 1 || f.states[0] != SFU_RTCNET_CONNECTED ||
	    sfu_rtcnet_ep_remote(ep, &rem, &got) || got != proto ||
	    !sa_cmp(&rem, &me, SA_ALL)) {
		unit_fail(__FILE__, __LINE__, "not selected");
		err = EPROTO;
		goto out;
	}

	/* media both ways */
	c.len = 0;
	err = sfu_rtcnet_send(ep, rtp, sizeof(rtp));
	if (err)
		goto out;
	loop();
	if (c.len != hl + sizeof(rtp) ||
	    memcmp(c.buf + hl, rtp, sizeof(rtp))) {
		unit_fail(__FILE__, __LINE__, "media not received (%zu)",
			  c.len);
		err = EPROTO;
		goto out;
	}
	frame[0] = 0;
	frame[1] = sizeof(rtp);
	memcpy(frame + 2, rtp, sizeof(rtp));
	if (sendto(c.fd, frame + 2 - hl, sizeof(rtp) + hl, 0, &srv.u.sa,
		   srv.len) < 0) {
		err = errno;
		goto out;
	}
	loop();
	if (f.nrecv != 1 || f.kind != SFU_RTCNET_RTP ||
	    f.len != sizeof(rtp)) {
		unit_fail(__FILE__, __LINE__, "media not delivered");
		err = EPROTO;
	}

 out:
	if (err)
		unit_fail(__FILE__, __LINE__, "error %d (%s)", err,
			  strerror(err));
	client_close(&c);
	mem_deref(ep);
	mem_deref(net);
	return err;
}

static int test_real_udp(void)
{
	return real_case(SOCK_DGRAM);
}

static int test_real_tcp(void)
{
	return real_case(SOCK_STREAM);
}

static int test_ipv6(void)
{
	struct sfu_rtcnet *net = NULL;
	struct sfu_rtcnet_ep *ep = NULL;
	struct capture cap = {0};
	struct fake_ep f = {0};
	struct calls_stun_msg msg;
	struct req_opts o = {UFRAG ":cli1", PWD, true, false};
	struct sfu_config cfg;
	struct sa src, mapped, local;
	char errbuf[256];
	int err;

	cfg_init(&cfg);
	cfg.rtc.ice_address_udp = "::1, 127.0.0.1";
	cfg.rtc.ice_address_tcp = "::1";
	cfg.rtc.enable_ipv6 = true;
	setenv(SFU_RTCNET_PORT_ENV, "0", 1);
	err = sfu_rtcnet_alloc(&net, &cfg, NULL, errbuf, sizeof(errbuf));
	if (err == EADDRNOTAVAIL || err == EAFNOSUPPORT) {
		printf("# no IPv6 loopback here: %s\n", errbuf);
		return 0;
	}
	TEST_ERR(err);
	sfu_rtcnet_set_tx_hook(net, tx_h, &cap);
	TEST_EQ(2, sfu_rtcnet_addr_count(net, SFU_RTCNET_UDP));
	TEST_EQ(1, sfu_rtcnet_addr_count(net, SFU_RTCNET_TCP));
	TEST_ERR(sfu_rtcnet_addr(net, SFU_RTCNET_UDP, 0, &local));
	TEST_EQ(AF_INET6, sa_af(&local));
	TEST_ASSERT(sa_port(&local) != 0);
	TEST_FAILS(ENOENT, sfu_rtcnet_addr(net, SFU_RTCNET_UDP, 2, &local));

	TEST_ERR(sfu_rtcnet_ep_alloc(&ep, net, UFRAG, PWD, "g1", recv_h,
				     state_h, &f));
	sa_set_str(&src, "::1", 40070);
	TEST_EQ(CALLS_STUN_CLASS_SUCCESS,
		exchange(net, &cap, &src, &o, &msg, NULL));
	TEST_ERR(calls_stun_addr_get(&msg, CALLS_STUN_ATTR_XOR_MAPPED_ADDRESS,
				     &mapped));
	TEST_ASSERT(sa_cmp(&mapped, &src, SA_ALL));
	TEST_EQ(1, f.nstates);

	mem_deref(ep);
	mem_deref(net);
	return 0;
}

static int test_bad_address(void)
{
	struct sfu_rtcnet *net = NULL;
	struct sfu_config cfg;
	char errbuf[256] = "";

	cfg_init(&cfg);
	cfg.rtc.ice_address_udp = "127.0.0.1,not-an-ip";
	TEST_FAILS(EINVAL, sfu_rtcnet_alloc(&net, &cfg, NULL, errbuf,
					    sizeof(errbuf)));
	TEST_ASSERT(strstr(errbuf, "not-an-ip") != NULL);
	TEST_ASSERT(net == NULL);

	return 0;
}

/* ICE-TCP under back-pressure: a client that does not read makes the
 * server queue, then drop (EAGAIN); once it reads, every packet that was
 * accepted arrives whole, in order, and framed */
struct drain {
	int fd;
	uint8_t buf[65536];
	size_t len;
	unsigned frames, want;
	bool bad;
};

static void drain_h(int flags, void *arg)
{
	struct drain *d = arg;
	size_t off = 0;
	ssize_t n;

	(void)flags;
	n = recv(d->fd, d->buf + d->len, sizeof(d->buf) - d->len,
		 MSG_DONTWAIT);
	if (n <= 0) {
		d->bad |= n == 0;
		if (n == 0)
			re_cancel();
		return;
	}
	d->len += (size_t)n;
	while (d->len - off >= 2) {
		size_t fl = (size_t)d->buf[off] << 8 | d->buf[off + 1];
		const uint8_t *f = d->buf + off + 2;

		if (d->len - off < 2 + fl)
			break;
		if (fl != 1000 || f[0] != 0x80 ||
		    ((unsigned)f[2] << 8 | f[3]) != (d->frames & 0xffff))
			d->bad = true;
		++d->frames;
		off += 2 + fl;
	}
	memmove(d->buf, d->buf + off, d->len - off);
	d->len -= off;
	if (d->frames >= d->want || d->bad)
		re_cancel();
}

static int test_tcp_backpressure(void)
{
	struct sfu_rtcnet *net = NULL;
	struct sfu_rtcnet_ep *ep = NULL;
	struct fake_ep f = {0};
	struct client c;
	struct req_opts o = {UFRAG ":cli1", PWD, true, false};
	struct sa srv, me;
	static struct drain d;
	uint8_t req[514], tid[12], pkt[1000];
	unsigned i, ok = 0, again = 0;
	size_t len;
	int rcv = 4096, err = 0;

	c.fd = -1;
	TEST_ERR(net_open(&net, NULL));
	TEST_ERR(sfu_rtcnet_ep_alloc(&ep, net, UFRAG, PWD, "g1",
				     recv_cancel_h, state_h, &f));
	TEST_ERR(sfu_rtcnet_addr(net, SFU_RTCNET_TCP, 0, &srv));

	/* a small receive window, set before connect */
	memset(&c, 0, sizeof(c));
	c.framed = true;
	c.fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	TEST_ASSERT(c.fd >= 0);
	(void)setsockopt(c.fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	if (connect(c.fd, &srv.u.sa, srv.len)) {
		err = errno;
		goto out;
	}
	me.len = sizeof(me.u);
	(void)getsockname(c.fd, &me.u.sa, &me.len);
	(void)fcntl(c.fd, F_SETFL, O_NONBLOCK);
	err = fd_listen(c.fd, FD_READ, client_h, &c);
	if (err)
		goto out;

	len = build_req(req + 2, sizeof(req) - 2, &o, tid);
	req[0] = len >> 8;
	req[1] = len & 0xff;
	if (send(c.fd, req, len + 2, 0) < 0) {
		err = errno;
		goto out;
	}
	loop();
	if (f.nstates != 1) {
		unit_fail(__FILE__, __LINE__, "not nominated");
		err = EPROTO;
		goto out;
	}

	/* stop reading; send until the server refuses */
	fd_close(c.fd);
	memset(pkt, 0x55, sizeof(pkt));
	pkt[0] = 0x80;
	for (i = 0; i < 12000 && again < 10; i++) {
		pkt[2] = ok >> 8;
		pkt[3] = ok & 0xff;
		err = sfu_rtcnet_send(ep, pkt, sizeof(pkt));
		if (!err)
			++ok;
		else if (err == EAGAIN)
			++again;
		else
			goto out;
	}
	err = 0;
	printf("# %u packets queued or sent, %u refused\n", ok, again);
	if (!again || !ok) {
		unit_fail(__FILE__, __LINE__, "ok=%u again=%u", ok, again);
		err = EPROTO;
		goto out;
	}

	/* read everything back while the server flushes its queue */
	memset(&d, 0, sizeof(d));
	d.fd = c.fd;
	d.want = ok;
	/* (the answer to the check was read by client_h already) */
	err = fd_listen(c.fd, FD_READ, drain_h, &d);
	if (err)
		goto out;
	loop();
	if (d.bad || d.frames != ok) {
		unit_fail(__FILE__, __LINE__, "%u of %u frames, bad=%d",
			  d.frames, ok, d.bad);
		err = EPROTO;
	}

 out:
	if (err)
		unit_fail(__FILE__, __LINE__, "error %d", err);
	client_close(&c);
	mem_deref(ep);
	mem_deref(net);
	return err;
}

const struct unit_suite suite_sfu_rtcnet = {"sfu_rtcnet", {
	UNIT_CASE(test_good_integrity),
	UNIT_CASE(test_bad_integrity),
	UNIT_CASE(test_unknown_ufrag),
	UNIT_CASE(test_use_candidate_selects),
	UNIT_CASE(test_role_conflict),
	UNIT_CASE(test_no_username),
	UNIT_CASE(test_consent_timeout),
	UNIT_CASE(test_never_connected_fails),
	UNIT_CASE(test_garbage),
	UNIT_CASE(test_tcp_framing),
	UNIT_CASE(test_ep_registry),
	UNIT_CASE(test_real_udp),
	UNIT_CASE(test_real_tcp),
	UNIT_CASE(test_tcp_backpressure),
	UNIT_CASE(test_ipv6),
	UNIT_CASE(test_bad_address),
	{NULL, NULL}}};
