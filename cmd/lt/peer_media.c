/**
 * @file peer_media.c  calls-lt: the peers' RTP and RTCP, in and out
 *
 * Out: one 20 ms ticker for all peers plays the shared Opus packets (with
 * the audio-level extension when negotiated) and the VP8 frames whose
 * time has come; one 1 s ticker sends each peer's SR (or RR) with report
 * blocks for what it receives, and an SDES CNAME.
 *
 * In: RTP headers are read in clear text for loss (RFC 3550 sequence
 * tracking) and jitter; the first packet of each stream and every
 * AUTH_SAMPLE-th after it are authenticated (SRTP unprotect of a copy).
 * SRTCP is always decrypted: NACK/PLI counts, and the RTT from report
 * blocks about our SSRCs (LSR/DLSR against our SRs).
 */
#include <string.h>
#include "re_inc.h"
#include "rtp.h"
#include "srtp.h"
#include "lt.h"
#include "peer_int.h"

static struct tmr tmr_media, tmr_rtcp;
static uint64_t t0_ms;


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


void ltp_rtp_recv(struct lt_peer *p, const uint8_t *buf, size_t len)
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
				(uint32_t)(ltp_now_us() * r->clock / 1000000u),
				h.ts);

	if (!r->video && !p->first_audio) {
		p->first_audio = true;
		if (p->h.first_audio)
			p->h.first_audio(p, p->arg);
	}
}


void ltp_rtcp_recv(struct lt_peer *p, uint8_t *buf, size_t len)
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
					p->rs[i].lsr =
						(uint32_t)(sr.ntp >> 16);
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
				mid = (uint32_t)(ltp_ntp_now() >> 16);
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


static int send_rtp(struct lt_peer *p, uint8_t *pkt, size_t len)
{
	size_t n = len;

	if (!p->tx || calls_srtp_protect(p->tx, pkt, &n, PKT_MAX))
		return EINVAL;

	return ltp_send_raw(p, pkt, n);
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
	for (le = list_head(&ltp_peers); le; le = le->next) {
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
		sr.ntp = ltp_ntp_now();
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
	if (!ltp_send_raw(p, buf, off) && p->conf.stats)
		p->conf.stats->rtcp_out++;
}


static void rtcp_tick(void *arg)
{
	struct le *le;

	(void)arg;
	for (le = list_head(&ltp_peers); le; le = le->next) {
		struct lt_peer *p = le->data;

		if (p->tx)
			rtcp_send(p);
	}
	tmr_start(&tmr_rtcp, 1000, rtcp_tick, NULL);
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



void lt_peer_figures(double *jitter_ms, unsigned *nj, double *rtt_ms,
		     unsigned *nr)
{
	double js = 0, rs = 0;
	unsigned jn = 0, rn = 0, i;
	struct le *le;

	for (le = list_head(&ltp_peers); le; le = le->next) {
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

	for (le = list_head(&ltp_peers); le; le = le->next) {
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
					calls_rtp_jitter_get(&r->jit) *
					1000.0 / r->clock, r->pkts);
		}
	}
}


void ltp_tickers_start(void)
{
	if (tmr_isrunning(&tmr_media))
		return;
	t0_ms = tmr_jiffies();
	tmr_start(&tmr_media, 20, media_tick, NULL);
	tmr_start(&tmr_rtcp, 1000, rtcp_tick, NULL);
}


void ltp_tickers_stop(void)
{
	tmr_cancel(&tmr_media);
	tmr_cancel(&tmr_rtcp);
}
