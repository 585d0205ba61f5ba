/**
 * @file peer.c  calls-lt: the client-side WebRTC peer on lib/
 *
 * One struct lt_peer is one RTCPeerConnection of a simulated user: a UDP
 * socket, ICE connectivity checks (controlling when we offer, controlled
 * when the remote offers; incoming checks are answered, so full-ICE
 * servers work as well as ICE-lite ones), DTLS in the role the SDP gives,
 * SRTP for media, SCTP with the calls-dc channel when asked.
 *
 * Media (RTP/RTCP in and out) is in peer_media.c.
 */
#include <string.h>
#include <time.h>
#include "re_inc.h"
#include "dcmsg.h"
#include "dtls.h"
#include "log.h"
#include "rtp.h"
#include "sctp.h"
#include "sdp.h"
#include "srtp.h"
#include "stun.h"
#include "lt.h"
#include "peer_int.h"


struct list ltp_peers;
struct mbuf *ltp_txmb;


uint64_t ltp_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + ts.tv_nsec / 1000;
}


uint64_t ltp_ntp_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((uint64_t)(ts.tv_sec + 2208988800u) << 32) |
		(uint64_t)(((double)ts.tv_nsec / 1e9) * 4294967296.0);
}


static void rand_token(char *buf, size_t n)
{
	static const char alpha[] = "abcdefghijklmnopqrstuvwxyz"
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	size_t i;

	for (i = 0; i + 1 < n; i++)
		buf[i] = alpha[rand_u32() % (sizeof(alpha) - 1)];
	buf[n - 1] = '\0';
}


int ltp_send_raw(struct lt_peer *p, const uint8_t *buf, size_t len)
{
	if (!p->us || !sa_isset(&p->sel, SA_ALL))
		return ENOTCONN;

	mbuf_rewind(ltp_txmb);
	if (mbuf_write_mem(ltp_txmb, buf, len))
		return ENOMEM;
	ltp_txmb->pos = 0;
	if (p->conf.stats) {
		p->conf.stats->pkts_out++;
		p->conf.stats->bytes_out += len;
	}

	return udp_send(p->us, &p->sel, ltp_txmb);
}


static void fail(struct lt_peer *p, enum lt_fail why)
{
	if (p->failed || p->connected)
		return;
	p->failed = true;
	tmr_cancel(&p->tmr_conn);
	if (p->h.failed)
		p->h.failed(p, why, p->arg);
}


static void check_connected(struct lt_peer *p)
{
	if (p->connected || p->failed || !calls_dtls_established(p->dtls))
		return;
	if (p->conf.datachannel && !p->dc_open)
		return;
	p->connected = true;
	tmr_cancel(&p->tmr_conn);
	if (p->h.connected)
		p->h.connected(p, p->arg);
}

/* ---------------------------------------------------------------- ICE */

static int ice_send_check(struct lt_peer *p, const struct sa *dst)
{
	uint8_t buf[512];
	struct calls_stun_enc e;
	char user[200];
	size_t len;
	int err;

	re_snprintf(user, sizeof(user), "%s:%s", p->rufrag, p->ufrag);
	calls_stun_enc_init(&e, buf, sizeof(buf), CALLS_STUN_BINDING,
			    CALLS_STUN_CLASS_REQUEST, NULL, true);
	calls_stun_enc_str(&e, CALLS_STUN_ATTR_USERNAME, user);
	calls_stun_enc_u32(&e, CALLS_STUN_ATTR_PRIORITY, 1853824767u);
	if (p->controlling) {
		calls_stun_enc_u64(&e, CALLS_STUN_ATTR_ICE_CONTROLLING,
				   p->tiebreak);
		calls_stun_enc_flag(&e, CALLS_STUN_ATTR_USE_CANDIDATE);
	}
	else {
		calls_stun_enc_u64(&e, CALLS_STUN_ATTR_ICE_CONTROLLED,
				   p->tiebreak);
	}
	calls_stun_enc_integrity(&e, CALLS_STUN_MI_SHA1,
				 (const uint8_t *)p->rpwd, strlen(p->rpwd));
	calls_stun_enc_fingerprint(&e);
	err = calls_stun_enc_finish(&e, &len);
	if (err)
		return err;

	mbuf_rewind(ltp_txmb);
	(void)mbuf_write_mem(ltp_txmb, buf, len);
	ltp_txmb->pos = 0;

	return udp_send(p->us, dst, ltp_txmb);
}


static void start_dtls(struct lt_peer *p);


static void ice_tick(void *arg)
{
	struct lt_peer *p = arg;
	unsigned i;

	if (p->ice_ok) {
		(void)ice_send_check(p, &p->sel);     /* consent freshness */
		tmr_start(&p->tmr_ice, CONSENT_MS, ice_tick, p);
		return;
	}

	if (tmr_jiffies() - p->ice_start > ICE_TIMEOUT) {
		fail(p, LT_FAIL_ICE);
		return;
	}

	for (i = 0; i < p->rcandc; i++)
		(void)ice_send_check(p, &p->rcand[i]);

	tmr_start(&p->tmr_ice, ICE_INTERVAL, ice_tick, p);
}


static void ice_selected(struct lt_peer *p, const struct sa *src)
{
	if (p->ice_ok)
		return;
	p->ice_ok = true;
	sa_cpy(&p->sel, src);
	tmr_start(&p->tmr_ice, CONSENT_MS, ice_tick, p);
	start_dtls(p);
}


static void ice_recv(struct lt_peer *p, const struct sa *src,
		     const uint8_t *buf, size_t len)
{
	struct calls_stun_msg m;
	struct calls_stun_enc e;
	uint8_t out[512];
	struct pl user;
	size_t n, ul;

	if (calls_stun_decode(&m, buf, len) ||
	    m.method != CALLS_STUN_BINDING)
		return;

	if (m.cls == CALLS_STUN_CLASS_SUCCESS) {
		if (calls_stun_integrity_check(&m, CALLS_STUN_MI_SHA1,
					       (const uint8_t *)p->rpwd,
					       strlen(p->rpwd)))
			return;
		ice_selected(p, src);
		return;
	}

	if (m.cls != CALLS_STUN_CLASS_REQUEST)
		return;

	/* a check from a full-ICE remote: USERNAME is ours:theirs */
	ul = strlen(p->ufrag);
	if (calls_stun_str_get(&m, CALLS_STUN_ATTR_USERNAME, &user) ||
	    user.l <= ul || memcmp(user.p, p->ufrag, ul) ||
	    user.p[ul] != ':')
		return;
	if (calls_stun_integrity_check(&m, CALLS_STUN_MI_SHA1,
				       (const uint8_t *)p->pwd,
				       strlen(p->pwd)))
		return;

	calls_stun_enc_init(&e, out, sizeof(out), CALLS_STUN_BINDING,
			    CALLS_STUN_CLASS_SUCCESS, m.tid, true);
	calls_stun_enc_addr(&e, CALLS_STUN_ATTR_XOR_MAPPED_ADDRESS, src);
	calls_stun_enc_integrity(&e, CALLS_STUN_MI_SHA1,
				 (const uint8_t *)p->pwd, strlen(p->pwd));
	calls_stun_enc_fingerprint(&e);
	if (calls_stun_enc_finish(&e, &n))
		return;
	mbuf_rewind(ltp_txmb);
	(void)mbuf_write_mem(ltp_txmb, out, n);
	ltp_txmb->pos = 0;
	(void)udp_send(p->us, src, ltp_txmb);

	/* controlled: the remote's nomination selects the pair */
	if (!p->controlling &&
	    calls_stun_has(&m, CALLS_STUN_ATTR_USE_CANDIDATE))
		ice_selected(p, src);
}


/* --------------------------------------------------------------- DTLS */

static int on_dtls_send(const uint8_t *buf, size_t len, void *arg)
{
	return ltp_send_raw(arg, buf, len);
}


static int sctp_send_h(const uint8_t *buf, size_t len, void *arg)
{
	struct lt_peer *p = arg;

	return calls_dtls_send(p->dtls, buf, len);
}


static void sctp_estab_h(void *arg)
{
	struct lt_peer *p = arg;

	if (calls_sctp_open(p->sctp, "calls-dc", "", NULL, &p->dc_sid))
		fail(p, LT_FAIL_DC);
}


static void sctp_chan_h(const struct calls_sctp_chan *chan, void *arg)
{
	struct lt_peer *p = arg;

	if (!chan->local || strcmp(chan->label, "calls-dc"))
		return;
	p->dc_open = true;
	check_connected(p);
}


static void sctp_msg_h(const struct calls_sctp_chan *chan, bool is_text,
		       const uint8_t *data, size_t len, void *arg)
{
	static const uint8_t pong[] = {0xcc, CALLS_DCMSG_PONG};
	struct lt_peer *p = arg;

	if (calls_dcmsg_is_legacy_ping(is_text, data, len)) {
		(void)calls_sctp_send_str(p->sctp, chan->sid, "pong");
		return;
	}
	if (is_text)
		return;
	if ((len == 1 && data[0] == CALLS_DCMSG_PING) ||
	    (len == 2 && data[0] == 0xcc && data[1] == CALLS_DCMSG_PING)) {
		(void)calls_sctp_send(p->sctp, chan->sid, false, pong,
				      sizeof(pong));
		return;
	}
	if (p->h.dcmsg)
		p->h.dcmsg(p, data, len, p->arg);
}


static void sctp_close_h(int err, void *arg)
{
	struct lt_peer *p = arg;

	(void)err;
	p->dc_open = false;
	fail(p, LT_FAIL_DC);
}


static void on_dtls_estab(const struct calls_dtls_keys *k, void *arg)
{
	struct lt_peer *p = arg;
	enum calls_srtp_suite suite;
	const uint8_t *tk, *ts, *rk, *rsalt;
	int err;

	suite = calls_srtp_suite_from_profile(k->profile);
	if (suite) {
		tk = k->local_is_client ? k->client_key : k->server_key;
		ts = k->local_is_client ? k->client_salt : k->server_salt;
		rk = k->local_is_client ? k->server_key : k->client_key;
		rsalt = k->local_is_client ? k->server_salt : k->client_salt;
		err  = calls_srtp_alloc(&p->tx, suite, tk, k->key_len,
					ts, k->salt_len);
		err |= calls_srtp_alloc(&p->rx, suite, rk, k->key_len,
					rsalt, k->salt_len);
		if (err) {
			fail(p, LT_FAIL_DTLS);
			return;
		}
		p->tx_over = calls_srtp_overhead(suite, true);
	}

	if (p->conf.datachannel) {
		struct calls_sctp_conf sc = {
			.client = true,
			.dtls_client = p->dtls_client,
		};

		err = calls_sctp_alloc(&p->sctp, &sc, sctp_send_h,
				       sctp_estab_h, sctp_chan_h, sctp_msg_h,
				       sctp_close_h, p);
		if (!err)
			err = calls_sctp_start(p->sctp);
		if (err) {
			fail(p, LT_FAIL_DC);
			return;
		}
	}

	check_connected(p);
}


static void on_dtls_data(const uint8_t *buf, size_t len, void *arg)
{
	struct lt_peer *p = arg;

	if (p->sctp)
		(void)calls_sctp_recv(p->sctp, buf, len);
}


static void on_dtls_close(int err, void *arg)
{
	struct lt_peer *p = arg;

	if (!p->connected)
		fail(p, LT_FAIL_DTLS);
	else
		log_debug("lt: peer %s: DTLS closed (%m)", p->ufrag, err);
}


static void start_dtls(struct lt_peer *p)
{
	struct calls_dtls_conf dc = {
		.role = p->dtls_client ? CALLS_DTLS_CLIENT : CALLS_DTLS_SERVER,
		.peer_fingerprint = p->rfp,
		.skip_helloverify = true,
		.handshake_timeout_ms = 10000,
	};
	int err;

	if (p->dtls)
		return;
	err = calls_dtls_alloc(&p->dtls, &dc, on_dtls_send, on_dtls_estab,
			       on_dtls_data, on_dtls_close, p);
	if (!err)
		err = calls_dtls_start(p->dtls);
	if (err)
		fail(p, LT_FAIL_DTLS);
}

static void on_udp_recv(const struct sa *src, struct mbuf *mb, void *arg)
{
	struct lt_peer *p = arg;
	uint8_t *buf = mbuf_buf(mb);
	size_t len = mbuf_get_left(mb);

	if (!len)
		return;
	if (p->conf.stats) {
		p->conf.stats->pkts_in++;
		p->conf.stats->bytes_in += len;
	}

	if (buf[0] < 4) {
		ice_recv(p, src, buf, len);
	}
	else if (buf[0] >= 20 && buf[0] <= 63) {
		if (p->dtls)
			(void)calls_dtls_recv(p->dtls, buf, len);
	}
	else if (buf[0] >= 128 && buf[0] <= 191) {
		if (calls_rtp_is_rtcp(buf, len))
			ltp_rtcp_recv(p, buf, len);
		else
			ltp_rtp_recv(p, buf, len);
	}
}


/* ---------------------------------------------------------------- SDP */

static void conn_timeout(void *arg)
{
	struct lt_peer *p = arg;

	if (!p->started)
		fail(p, LT_FAIL_SIGNALING);   /* no remote description */
	else if (!p->ice_ok)
		fail(p, LT_FAIL_ICE);
	else if (!calls_dtls_established(p->dtls))
		fail(p, LT_FAIL_DTLS);
	else
		fail(p, LT_FAIL_DC);
}


static void destructor(void *arg)
{
	struct lt_peer *p = arg;

	tmr_cancel(&p->tmr_ice);
	tmr_cancel(&p->tmr_conn);
	list_unlink(&p->le);
	mem_deref(p->sctp);
	mem_deref(p->dtls);
	mem_deref(p->tx);
	mem_deref(p->rx);
	mem_deref(p->us);
	mem_deref(p->remote);

	if (list_isempty(&ltp_peers)) {
		ltp_tickers_stop();
		ltp_txmb = mem_deref(ltp_txmb);
	}
}


int lt_peer_alloc(struct lt_peer **pp, const struct lt_peer_conf *conf,
		  const struct lt_peer_h *h, void *arg)
{
	struct lt_peer *p;
	struct sa any;
	int err;

	if (!pp || !conf)
		return EINVAL;

	if (!ltp_txmb) {
		ltp_txmb = mbuf_alloc(PKT_MAX + 64);
		if (!ltp_txmb)
			return ENOMEM;
	}

	p = mem_zalloc(sizeof(*p), destructor);
	if (!p)
		return ENOMEM;

	p->conf = *conf;
	if (h)
		p->h = *h;
	p->arg = arg;
	list_append(&ltp_peers, &p->le, p);

	if (conf->laddr && sa_isset(conf->laddr, SA_ADDR))
		sa_cpy(&p->local, conf->laddr);
	else
		(void)sa_set_str(&p->local, "127.0.0.1", 0);
	sa_init(&any, sa_af(&p->local));
	err = udp_listen(&p->us, &any, on_udp_recv, p);
	if (err)
		goto out;
	(void)udp_sockbuf_set(p->us, 1024 * 1024);   /* rides out stalls */
	err = udp_local_get(p->us, &p->bound);
	if (err)
		goto out;
	sa_set_port(&p->local, sa_port(&p->bound));

	rand_token(p->ufrag, sizeof(p->ufrag));
	rand_token(p->pwd, sizeof(p->pwd));
	rand_token(p->cname, sizeof(p->cname));
	re_snprintf(p->sid, sizeof(p->sid), "lt-%s", p->ufrag);
	re_snprintf(p->vsid, sizeof(p->vsid), "screen-%s", p->ufrag);
	re_snprintf(p->aid, sizeof(p->aid), "a-%s", p->ufrag);
	re_snprintf(p->vid, sizeof(p->vid), "v-%s", p->ufrag);
	p->tiebreak = ((uint64_t)rand_u32() << 32) | rand_u32();
	p->assrc = rand_u32() | 1;
	p->vssrc = rand_u32() & ~1u;
	p->aseq = (uint16_t)rand_u32();
	p->vseq = (uint16_t)rand_u32();
	p->ats = rand_u32();
	p->opus_pt = 111;
	p->vp8_pt = 96;

	ltp_tickers_start();
	tmr_start(&p->tmr_conn, CONNECT_TIMEOUT, conn_timeout, p);

 out:
	if (err)
		mem_deref(p);
	else
		*pp = p;

	return err;
}


static int local_desc(struct lt_peer *p, struct calls_sdp_local *loc,
		      char *cand, size_t csz, char *fp, size_t fsz)
{
	const char *f = calls_dtls_fingerprint();
	const char *sp;

	if (!f)
		return ENOMEM;
	sp = strchr(f, ' ');
	if (!sp)
		return EINVAL;
	str_ncpy(fp, sp + 1, fsz);

	re_snprintf(cand, csz, "candidate:1 1 udp 2130706431 %j %u typ host",
		    &p->local, sa_port(&p->local));

	memset(loc, 0, sizeof(*loc));
	loc->ice_ufrag = p->ufrag;
	loc->ice_pwd = p->pwd;
	loc->fp_hash = "sha-256";
	loc->fp = fp;
	loc->eoc = true;
	loc->sess_id = p->tiebreak >> 2;
	loc->sess_version = 2;
	if (p->role_set)
		loc->setup = p->dtls_client ? CALLS_SDP_SETUP_ACTIVE :
			CALLS_SDP_SETUP_PASSIVE;

	return 0;
}


static size_t tracks(struct lt_peer *p, struct calls_sdp_track *tv)
{
	size_t n = 0;

	memset(tv, 0, 2 * sizeof(*tv));
	if (p->conf.audio && p->amid[0]) {
		tv[n].type = CALLS_SDP_AUDIO;
		tv[n].mid = p->amid;
		tv[n].stream_id = p->sid;
		tv[n].track_id = p->aid;
		tv[n].ssrc = p->assrc;
		tv[n].cname = p->cname;
		n++;
	}
	if (p->conf.video && p->vmid[0]) {
		tv[n].type = CALLS_SDP_VIDEO;
		tv[n].mid = p->vmid;
		tv[n].stream_id = p->vsid;
		tv[n].track_id = p->vid;
		tv[n].ssrc = p->vssrc;
		tv[n].cname = p->cname;
		n++;
	}

	return n;
}


int lt_peer_offer(struct lt_peer *p, char **sdpp)
{
	struct calls_sdp_track tv[2];
	struct calls_sdp_local loc;
	const char *candv[1];
	char cand[128], fp[128];
	unsigned next;
	int err;

	if (!p || !sdpp)
		return EINVAL;

	err = local_desc(p, &loc, cand, sizeof(cand), fp, sizeof(fp));
	if (err)
		return err;
	candv[0] = cand;
	loc.candv = candv;
	loc.candc = 1;

	/* mids for tracks new to this description */
	next = p->remote ? calls_sdp_next_mid(p->remote) :
		(p->conf.datachannel ? 1 : 0);
	if (p->conf.audio && !p->amid[0])
		re_snprintf(p->amid, sizeof(p->amid), "%u", next++);
	if (p->conf.video && !p->vmid[0])
		re_snprintf(p->vmid, sizeof(p->vmid), "%u", next++);
	if (!p->started)
		p->controlling = true;

	return calls_sdp_offer(sdpp, p->remote, &loc, tv, tracks(p, tv),
			       p->conf.datachannel);
}


/* Transport parameters of the first remote description */
static int take_remote(struct lt_peer *p, struct calls_sdp *sdp)
{
	const struct calls_sdp_media *m;
	unsigned i, j;

	if (!sdp->mediac)
		return EBADMSG;

	for (i = 0; i < sdp->mediac; i++) {
		m = &sdp->mediav[i];
		if (m->type == CALLS_SDP_AUDIO) {
			const struct calls_sdp_codec *c =
				calls_sdp_codec_find(m, "opus", 48000);
			uint16_t id = calls_sdp_extmap_id(m,
					CALLS_SDP_EXT_AUDIO_LEVEL);
			if (c)
				p->opus_pt = c->pt;
			if (id && id < 15)
				p->level_id = (uint8_t)id;
		}
		else if (m->type == CALLS_SDP_VIDEO) {
			const struct calls_sdp_codec *c =
				calls_sdp_codec_find(m, "VP8", 90000);
			if (c)
				p->vp8_pt = c->pt;
		}
		for (j = 0; j < m->candc; j++) {
			const struct calls_sdp_cand *c = &m->candv[j];
			char addr[64];

			if (pl_strcasecmp(&c->transport, "udp") ||
			    p->rcandc >= MAX_RCAND || c->component != 1)
				continue;
			(void)pl_strcpy(&c->addr, addr, sizeof(addr));
			if (!sa_set_str(&p->rcand[p->rcandc], addr, c->port))
				p->rcandc++;
		}
	}

	if (p->started)
		return 0;

	m = &sdp->mediav[0];
	if (!pl_isset(&m->ice_ufrag) || !pl_isset(&m->ice_pwd) ||
	    !pl_isset(&m->fp))
		return EBADMSG;
	(void)pl_strcpy(&m->ice_ufrag, p->rufrag, sizeof(p->rufrag));
	(void)pl_strcpy(&m->ice_pwd, p->rpwd, sizeof(p->rpwd));
	re_snprintf(p->rfp, sizeof(p->rfp), "%r %r", &m->fp_hash, &m->fp);
	if (!p->role_set) {
		p->dtls_client = calls_sdp_dtls_client(m->setup);
		p->role_set = true;
	}
	p->started = true;
	p->ice_start = tmr_jiffies();
	tmr_start(&p->tmr_ice, 0, ice_tick, p);

	return 0;
}


int lt_peer_answer(struct lt_peer *p, const char *sdp, size_t len)
{
	struct calls_sdp *d;
	int err;

	if (!p || !sdp)
		return EINVAL;

	err = calls_sdp_parse(&d, sdp, len);
	if (err)
		return err;
	err = take_remote(p, d);
	if (err) {
		mem_deref(d);
		return err;
	}
	mem_deref(p->remote);
	p->remote = d;

	return 0;
}


int lt_peer_remote_offer(struct lt_peer *p, const char *sdp, size_t len,
			 char **sdpp)
{
	struct calls_sdp_track tv[2];
	struct calls_sdp_local loc;
	struct calls_sdp *d;
	const char *candv[1];
	char cand[128], fp[128];
	int err;

	if (!p || !sdp || !sdpp)
		return EINVAL;

	err = calls_sdp_parse(&d, sdp, len);
	if (err)
		return err;
	if (!p->started) {
		const struct calls_sdp_media *m = &d->mediav[0];

		/* we answer: controlled ICE, DTLS role from its setup */
		p->controlling = false;
		if (d->mediac) {
			p->dtls_client = m->setup != CALLS_SDP_SETUP_ACTIVE &&
				m->setup != CALLS_SDP_SETUP_ACTPASS;
			p->role_set = true;
		}
	}
	err = take_remote(p, d);
	if (err)
		goto out;

	err = local_desc(p, &loc, cand, sizeof(cand), fp, sizeof(fp));
	if (err)
		goto out;
	candv[0] = cand;
	loc.candv = candv;
	loc.candc = 1;

	err = calls_sdp_answer(sdpp, d, &loc, tv, tracks(p, tv));
	if (err)
		goto out;

	mem_deref(p->remote);
	p->remote = d;
	d = NULL;

 out:
	mem_deref(d);
	return err;
}


int lt_peer_candidate(struct lt_peer *p, const char *cand)
{
	struct pl fnd, comp, tr, prio, addr, port;
	struct sa sa;

	if (!p || !cand)
		return EINVAL;
	if (!strncmp(cand, "candidate:", 10))
		cand += 10;
	if (re_regex(cand, strlen(cand),
		     "[^ ]+ [0-9]+ [^ ]+ [0-9]+ [^ ]+ [0-9]+",
		     &fnd, &comp, &tr, &prio, &addr, &port))
		return EBADMSG;
	if (pl_strcasecmp(&tr, "udp") || pl_u32(&comp) != 1)
		return 0;
	if (sa_set(&sa, &addr, (uint16_t)pl_u32(&port)))
		return EBADMSG;
	if (p->rcandc >= MAX_RCAND)
		return ENOSPC;
	p->rcand[p->rcandc++] = sa;

	return 0;
}


int lt_peer_dc_send(struct lt_peer *p, const uint8_t *buf, size_t len)
{
	if (!p || !p->sctp || !p->dc_open)
		return ENOTCONN;

	return calls_sctp_send(p->sctp, p->dc_sid, false, buf, len);
}


void lt_peer_track_add(struct lt_peer *p, bool video)
{
	if (!p)
		return;
	if (video)
		p->conf.video = true;
	else
		p->conf.audio = true;
}


const char *lt_peer_screen_stream(const struct lt_peer *p)
{
	return p ? p->vsid : NULL;
}


bool lt_peer_connected(const struct lt_peer *p)
{
	return p && p->connected;
}
