/**
 * @file peer.c  calls-lt: the client-side WebRTC peer on lib/
 *
 * One struct lt_peer is one RTCPeerConnection of a simulated user: a UDP
 * socket, ICE connectivity checks (controlling when we offer, controlled
 * when the remote offers; incoming checks are answered, so full-ICE
 * servers work as well as ICE-lite ones), DTLS in the role the SDP gives,
 * SRTP for media, SCTP with the calls-dc channel when asked.
 *
 * Sending: one 20 ms ticker for all peers plays the shared Opus packets
 * and the VP8 frames whose time has come. Receiving: RTP headers are read
 * in clear text for loss (RFC 3550 sequence tracking) and jitter; the
 * first packet of each stream and every AUTH_SAMPLE-th after it are
 * authenticated (SRTP unprotect of a copy). SRTCP is always decrypted:
 * NACK/PLI counts and RTT from report blocks about our SSRCs.
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

enum {
	MAX_RCAND    = 8,
	MAX_RSTREAM  = 32,
	AUTH_SAMPLE  = 64,
	ICE_INTERVAL = 50,      /* ms between checks while connecting   */
	ICE_TIMEOUT  = 10000,
	CONSENT_MS   = 2000,
	CONNECT_TIMEOUT = 20000,
	PKT_MAX      = 1500,
	VP8_MTU      = 1150,
};

struct rstream {
	uint32_t ssrc;
	bool video;
	uint32_t clock;
	struct calls_rtp_seq seq;
	struct calls_rtp_jitter jit;
	uint32_t ext_max;
	uint64_t pkts;
	uint32_t since_auth;
	uint32_t lsr;           /* middle 32 bits of the last SR's NTP   */
	uint64_t lsr_at;        /* when it came (ms)                    */
};

struct lt_peer {
	struct le le;
	struct lt_peer_conf conf;
	struct lt_peer_h h;
	void *arg;
	struct udp_sock *us;
	struct sa bound;
	struct sa local;        /* address in our candidate             */
	char ufrag[12], pwd[28];
	char rufrag[64], rpwd[128];
	char rfp[256];
	struct sa rcand[MAX_RCAND];
	unsigned rcandc;
	struct sa sel;
	bool ice_ok, controlling, started;
	uint64_t tiebreak;
	struct tmr tmr_ice, tmr_conn;
	uint64_t ice_start;
	struct calls_dtls *dtls;
	bool dtls_client, role_set;
	struct calls_srtp *tx, *rx;
	size_t tx_over;
	struct calls_sctp *sctp;
	uint16_t dc_sid;
	bool dc_open;
	struct calls_sdp *remote;
	char amid[8], vmid[8], sid[20], vsid[20], aid[20], vid[20];
	char cname[20];
	uint32_t assrc, vssrc;
	uint16_t aseq, vseq, pic_id;
	uint32_t ats, vts;
	uint8_t opus_pt, vp8_pt, level_id;
	bool audio_on, video_on, want_key;
	size_t apos, vpos;
	uint64_t vbase;         /* ms when the video loop started       */
	uint32_t apkts, aoct, vpkts, voct;
	struct rstream rs[MAX_RSTREAM];
	unsigned rsc;
	double rtt_ms;
	bool has_rtt, connected, failed, first_audio;
};

static struct list peers;           /* every peer, for the tickers  */
static struct tmr tmr_media, tmr_rtcp;
static struct mbuf *txmb;
static uint64_t t0_ms;


static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + ts.tv_nsec / 1000;
}


static uint64_t ntp_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((uint64_t)(ts.tv_sec + 2208988800u) << 32) |
		(uint64_t)(((double)ts.tv_nsec / 1e9) * 4294967296.0);
}


static void ltp_rand_str(char *buf, size_t n)
{
	static const char alpha[] =
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	size_t i;

	for (i = 0; i + 1 < n; i++)
		buf[i] = alpha[rand_u32() % (sizeof(alpha) - 1)];
	buf[n - 1] = '\0';
}


static int send_raw(struct lt_peer *p, const uint8_t *buf, size_t len)
{
	if (!p->us || !sa_isset(&p->sel, SA_ALL))
		return ENOTCONN;

	mbuf_rewind(txmb);
	if (mbuf_write_mem(txmb, buf, len))
		return ENOMEM;
	txmb->pos = 0;
	if (p->conf.stats) {
		p->conf.stats->pkts_out++;
		p->conf.stats->bytes_out += len;
	}

	return udp_send(p->us, &p->sel, txmb);
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

	mbuf_rewind(txmb);
	(void)mbuf_write_mem(txmb, buf, len);
	txmb->pos = 0;

	return udp_send(p->us, dst, txmb);
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
	mbuf_rewind(txmb);
	(void)mbuf_write_mem(txmb, out, n);
	txmb->pos = 0;
	(void)udp_send(p->us, src, txmb);

	/* controlled: the remote's nomination selects the pair */
	if (!p->controlling &&
	    calls_stun_has(&m, CALLS_STUN_ATTR_USE_CANDIDATE))
		ice_selected(p, src);
}


/* --------------------------------------------------------------- DTLS */

static int on_dtls_send(const uint8_t *buf, size_t len, void *arg)
{
	return send_raw(arg, buf, len);
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


/* ---------------------------------------------------------------- RTP */

static struct rstream *rstream_get(struct lt_peer *p, uint32_t ssrc,
				   uint8_t pt)
{
	struct rstream *r;
	unsigned i;

	for (i = 0; i < p->rsc; i++)
		if (p->rs[i].ssrc == ssrc)
			return &p->rs[i];
	if (p->rsc >= MAX_RSTREAM)
		return NULL;

	r = &p->rs[p->rsc++];
	memset(r, 0, sizeof(*r));
	r->ssrc = ssrc;
	r->video = pt != p->opus_pt;
	r->clock = r->video ? 90000 : 48000;
	r->since_auth = AUTH_SAMPLE;   /* the first one is checked */

	return r;
}


static void rtp_recv(struct lt_peer *p, const uint8_t *buf, size_t len)
{
	struct lt_stats *st = p->conf.stats;
	struct calls_rtp_hdr h;
	struct rstream *r;
	uint8_t copy[PKT_MAX];
	uint32_t ext = 0;
	size_t n;

	if (calls_rtp_parse(&h, buf, len))
		return;
	r = rstream_get(p, h.ssrc, h.pt);
	if (!r)
		return;

	if (++r->since_auth >= AUTH_SAMPLE && p->rx && len <= sizeof(copy)) {
		r->since_auth = 0;
		memcpy(copy, buf, len);
		n = len;
		if (calls_srtp_unprotect(p->rx, copy, &n)) {
			if (st)
				st->auth_fail++;
			return;
		}
		if (st)
			st->auth_ok++;
	}

	if (calls_rtp_seq_update(&r->seq, h.seq, &ext))
		return;
	if (st) {
		if (!r->pkts)
			st->expected += 1;
		else if (ext > r->ext_max)
			st->expected += ext - r->ext_max;
		st->received++;
	}
	if (!r->pkts || ext > r->ext_max)
		r->ext_max = ext;
	r->pkts++;
	calls_rtp_jitter_update(&r->jit,
				(uint32_t)(now_us() * r->clock / 1000000u),
				h.ts);

	if (!r->video && !p->first_audio) {
		p->first_audio = true;
		if (p->h.first_audio)
			p->h.first_audio(p, p->arg);
	}
}


static void rtcp_recv(struct lt_peer *p, uint8_t *buf, size_t len)
{
	struct lt_stats *st = p->conf.stats;
	struct calls_rtcp_iter it;
	struct calls_rtcp_pkt pkt;
	struct calls_rtcp_fb fb;
	struct calls_rtcp_rb rb;
	struct calls_rtcp_sr sr;
	unsigned i;

	if (!p->rx || calls_srtp_unprotect_rtcp(p->rx, buf, &len))
		return;
	if (st)
		st->rtcp_in++;

	calls_rtcp_iter_init(&it, buf, len);
	while (!calls_rtcp_iter_next(&it, &pkt)) {
		switch (pkt.pt) {

		case CALLS_RTCP_SR:
		case CALLS_RTCP_RR:
			if (pkt.pt == CALLS_RTCP_SR &&
			    !calls_rtcp_sr_parse(&pkt, &sr)) {
				for (i = 0; i < p->rsc; i++) {
					if (p->rs[i].ssrc != sr.ssrc)
						continue;
					p->rs[i].lsr = (uint32_t)(sr.ntp >> 16);
					p->rs[i].lsr_at = tmr_jiffies();
				}
			}
			for (i = 0; i < pkt.count; i++) {
				uint32_t mid, d;

				if (calls_rtcp_rb_get(&pkt, i, &rb) ||
				    !rb.lsr)
					continue;
				if (rb.ssrc != p->assrc && rb.ssrc != p->vssrc)
					continue;
				mid = (uint32_t)(ntp_now() >> 16);
				d = mid - rb.lsr - rb.dlsr;
				if (d < 65536u * 10u) {
					p->rtt_ms = d * 1000.0 / 65536.0;
					p->has_rtt = true;
				}
			}
			break;

		case CALLS_RTCP_RTPFB:
			if (pkt.count == CALLS_RTCP_RTPFB_NACK && st)
				st->nack_in++;
			break;

		case CALLS_RTCP_PSFB:
			if (calls_rtcp_fb_parse(&pkt, &fb))
				break;
			if (fb.fmt == CALLS_RTCP_PSFB_PLI ||
			    fb.fmt == CALLS_RTCP_PSFB_FIR) {
				if (st)
					st->pli_in++;
				p->want_key = true;
			}
			break;

		default:
			break;
		}
	}
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
			rtcp_recv(p, buf, len);
		else
			rtp_recv(p, buf, len);
	}
}


/* -------------------------------------------------------------- media */

static int send_rtp(struct lt_peer *p, uint8_t *pkt, size_t len)
{
	size_t n = len;

	if (!p->tx || calls_srtp_protect(p->tx, pkt, &n, PKT_MAX))
		return EINVAL;

	return send_raw(p, pkt, n);
}


static void hdr_write(uint8_t *b, bool marker, uint8_t pt, uint16_t seq,
		      uint32_t ts, uint32_t ssrc)
{
	b[0] = 0x80;
	b[1] = (uint8_t)((marker ? 0x80 : 0) | (pt & 0x7f));
	b[2] = (uint8_t)(seq >> 8);
	b[3] = (uint8_t)seq;
	b[4] = (uint8_t)(ts >> 24);
	b[5] = (uint8_t)(ts >> 16);
	b[6] = (uint8_t)(ts >> 8);
	b[7] = (uint8_t)ts;
	b[8] = (uint8_t)(ssrc >> 24);
	b[9] = (uint8_t)(ssrc >> 16);
	b[10] = (uint8_t)(ssrc >> 8);
	b[11] = (uint8_t)ssrc;
}


static void send_audio(struct lt_peer *p, const struct lt_media *m)
{
	uint8_t pkt[PKT_MAX];
	const struct pl *op;
	size_t off = 12;

	if (!m || !m->opusc)
		return;
	op = &m->opusv[p->apos++ % m->opusc];
	if (op->l + 16 + CALLS_SRTP_MAX_OVERHEAD > sizeof(pkt))
		return;

	hdr_write(pkt, false, p->opus_pt, p->aseq++, p->ats, p->assrc);
	p->ats += 960;
	if (p->level_id) {
		pkt[0] |= 0x10;
		pkt[12] = 0xbe;
		pkt[13] = 0xde;
		pkt[14] = 0;
		pkt[15] = 1;
		pkt[16] = (uint8_t)(p->level_id << 4);
		pkt[17] = 0x80 | 30;       /* voice, -30 dBov */
		pkt[18] = 0;
		pkt[19] = 0;
		off = 20;
	}
	memcpy(pkt + off, op->p, op->l);
	if (!send_rtp(p, pkt, off + op->l)) {
		p->apkts++;
		p->aoct += (uint32_t)op->l;
	}
}


struct vp8_tx {
	struct lt_peer *p;
	uint32_t ts;
};


static int vp8_pkt_h(const uint8_t *pay, size_t len, bool last, void *arg)
{
	struct vp8_tx *v = arg;
	struct lt_peer *p = v->p;
	uint8_t pkt[PKT_MAX];

	if (len + 12 + CALLS_SRTP_MAX_OVERHEAD > sizeof(pkt))
		return EMSGSIZE;
	hdr_write(pkt, last, p->vp8_pt, p->vseq++, v->ts, p->vssrc);
	memcpy(pkt + 12, pay, len);
	if (!send_rtp(p, pkt, 12 + len)) {
		p->vpkts++;
		p->voct += (uint32_t)len;
	}

	return 0;
}


static void send_video(struct lt_peer *p, const struct lt_media *m,
		       uint64_t now)
{
	const struct lt_vp8_frame *f;
	struct vp8_tx v = {.p = p};
	unsigned n = 0;

	if (!m || !m->vp8c)
		return;

	while (n++ < 4) {
		uint64_t loop = p->vpos / m->vp8c;

		f = &m->vp8v[p->vpos % m->vp8c];
		if (p->vbase + loop * m->vp8_period_ms + f->pts_ms > now)
			break;
		if (p->want_key && f->key)
			p->want_key = false;
		v.ts = (uint32_t)((loop * m->vp8_period_ms + f->pts_ms) * 90);
		(void)lt_vp8_packetize(f->p, f->len, VP8_MTU, p->pic_id++,
				       vp8_pkt_h, &v);
		p->vpos++;
	}
}


static void media_tick(void *arg)
{
	uint64_t now = tmr_jiffies();
	struct le *le;

	(void)arg;
	for (le = list_head(&peers); le; le = le->next) {
		struct lt_peer *p = le->data;

		if (!p->tx)
			continue;
		if (p->audio_on)
			send_audio(p, p->conf.media);
		if (p->video_on)
			send_video(p, p->conf.media, now);
	}

	/* steady 20 ms steps from t0, whatever the loop's delays */
	tmr_start(&tmr_media, 20 - ((now - t0_ms) % 20), media_tick, NULL);
}


static void rtcp_send(struct lt_peer *p)
{
	struct calls_rtcp_rb rbv[16];
	struct calls_rtcp_sr sr;
	uint8_t buf[PKT_MAX];
	unsigned i, rbc = 0;
	size_t off = 0;
	int err = 0;

	for (i = 0; i < p->rsc && rbc < 16; i++) {
		struct rstream *r = &p->rs[i];
		struct calls_rtcp_rb *rb = &rbv[rbc++];

		memset(rb, 0, sizeof(*rb));
		rb->ssrc = r->ssrc;
		calls_rtp_seq_report(&r->seq, &rb->lost, &rb->fraction);
		rb->ext_seq = calls_rtp_seq_ext_max(&r->seq);
		rb->jitter = calls_rtp_jitter_get(&r->jit);
		if (r->lsr) {
			rb->lsr = r->lsr;
			rb->dlsr = (uint32_t)((tmr_jiffies() - r->lsr_at) *
					      65536 / 1000);
		}
	}

	memset(&sr, 0, sizeof(sr));
	if (p->audio_on || p->video_on) {
		sr.ssrc = p->audio_on ? p->assrc : p->vssrc;
		sr.ntp = ntp_now();
		sr.rtp_ts = p->audio_on ? p->ats : p->vts;
		sr.pkt_count = p->audio_on ? p->apkts : p->vpkts;
		sr.octet_count = p->audio_on ? p->aoct : p->voct;
		err = calls_rtcp_build_sr(buf, sizeof(buf) - 64, &off, &sr,
					  rbv, rbc);
	}
	else {
		err = calls_rtcp_build_rr(buf, sizeof(buf) - 64, &off,
					  p->assrc, rbv, rbc);
	}
	if (!err)
		err = calls_rtcp_build_sdes_cname(buf, sizeof(buf) - 64, &off,
						  p->assrc, p->cname);
	if (err || !p->tx)
		return;
	if (calls_srtp_protect_rtcp(p->tx, buf, &off, sizeof(buf)))
		return;
	if (!send_raw(p, buf, off) && p->conf.stats)
		p->conf.stats->rtcp_out++;
}


static void rtcp_tick(void *arg)
{
	struct le *le;

	(void)arg;
	for (le = list_head(&peers); le; le = le->next) {
		struct lt_peer *p = le->data;

		if (p->tx)
			rtcp_send(p);
	}
	tmr_start(&tmr_rtcp, 1000, rtcp_tick, NULL);
}


/* ---------------------------------------------------------------- SDP */

static void conn_timeout(void *arg)
{
	struct lt_peer *p = arg;

	if (!p->ice_ok)
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

	if (list_isempty(&peers)) {
		tmr_cancel(&tmr_media);
		tmr_cancel(&tmr_rtcp);
		txmb = mem_deref(txmb);
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

	if (!txmb) {
		txmb = mbuf_alloc(PKT_MAX + 64);
		if (!txmb)
			return ENOMEM;
	}

	p = mem_zalloc(sizeof(*p), destructor);
	if (!p)
		return ENOMEM;

	p->conf = *conf;
	if (h)
		p->h = *h;
	p->arg = arg;
	list_append(&peers, &p->le, p);

	if (conf->laddr && sa_isset(conf->laddr, SA_ADDR))
		sa_cpy(&p->local, conf->laddr);
	else
		(void)sa_set_str(&p->local, "127.0.0.1", 0);
	sa_init(&any, sa_af(&p->local));
	err = udp_listen(&p->us, &any, on_udp_recv, p);
	if (err)
		goto out;
	(void)udp_sockbuf_set(p->us, 256 * 1024);
	err = udp_local_get(p->us, &p->bound);
	if (err)
		goto out;
	sa_set_port(&p->local, sa_port(&p->bound));

	ltp_rand_str(p->ufrag, sizeof(p->ufrag));
	ltp_rand_str(p->pwd, sizeof(p->pwd));
	ltp_rand_str(p->cname, sizeof(p->cname));
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

	if (!tmr_isrunning(&tmr_media)) {
		t0_ms = tmr_jiffies();
		tmr_start(&tmr_media, 20, media_tick, NULL);
		tmr_start(&tmr_rtcp, 1000, rtcp_tick, NULL);
	}
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


void lt_peer_send_audio(struct lt_peer *p, bool on)
{
	if (p)
		p->audio_on = on && p->conf.audio;
}


void lt_peer_send_video(struct lt_peer *p, bool on)
{
	if (!p)
		return;
	if (on && !p->video_on) {
		p->vbase = tmr_jiffies();
		p->vpos = 0;
	}
	p->video_on = on && p->conf.video;
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


void lt_peer_figures(double *jitter_ms, unsigned *nj, double *rtt_ms,
		     unsigned *nr)
{
	double js = 0, rs = 0;
	unsigned jn = 0, rn = 0, i;
	struct le *le;

	for (le = list_head(&peers); le; le = le->next) {
		const struct lt_peer *p = le->data;

		for (i = 0; i < p->rsc; i++) {
			if (p->rs[i].video || !p->rs[i].pkts)
				continue;
			js += calls_rtp_jitter_get(&p->rs[i].jit) / 48.0;
			jn++;
		}
		if (p->has_rtt) {
			rs += p->rtt_ms;
			rn++;
		}
	}

	*jitter_ms = jn ? js / jn : 0;
	*nj = jn;
	*rtt_ms = rn ? rs / rn : 0;
	*nr = rn;
}


void lt_peer_report_streams(struct lt_stats *st)
{
	struct le *le;
	unsigned i;

	for (le = list_head(&peers); le; le = le->next) {
		const struct lt_peer *p = le->data;

		for (i = 0; i < p->rsc; i++) {
			const struct rstream *r = &p->rs[i];
			uint64_t exp;
			double loss;

			if (!r->pkts)
				continue;
			exp = calls_rtp_seq_ext_max(&r->seq) -
				r->seq.base_seq + 1;
			loss = exp > r->pkts ?
				100.0 * (double)(exp - r->pkts) / exp : 0;
			lt_stats_stream(st, r->video ? LT_KIND_VIDEO :
					LT_KIND_AUDIO, loss,
					calls_rtp_jitter_get(&r->jit) * 1000.0 /
					r->clock, r->pkts);
		}
	}
}
