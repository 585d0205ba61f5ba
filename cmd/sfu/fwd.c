/**
 * @file fwd.c  calls-sfu: published tracks and forwarding (see fwd.h)
 */
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include "re_inc.h"
#define LOG_MODULE "fwd"
#include "log.h"
#include "srtp.h"
#include "rtc.h"
#include "rtcnet.h"
#include "config.h"
#include "metrics.h"
#include "peer.h"
#include "fwd.h"

#define EXT_MID "urn:ietf:params:rtp-hdrext:sdes:mid"

enum {
	PKT_MAX        = 1500,
	PLI_INTERVAL   = 1000,   /* ms, per SSRC (rtcd)              */
	NACK_MAX       = 64,     /* seqs handled per NACK packet     */
	RTCP_MAX       = 1200,
	RB_MAX         = 31,
	WRITE_SAMPLE   = 64,     /* one write timed in this many     */
};

/* The per-thread output buffer: every forwarded packet is built here */
static _Thread_local uint8_t obuf[PKT_MAX + CALLS_SRTP_MAX_OVERHEAD + 64];
static _Thread_local unsigned write_n;


const char *sfu_track_kind_name(enum sfu_track_kind kind)
{
	switch (kind) {

	case SFU_TRACK_VOICE:        return "voice";
	case SFU_TRACK_SCREEN:       return "screen";
	case SFU_TRACK_SCREEN_AUDIO: return "screen-audio";
	case SFU_TRACK_VIDEO:        return "video";
	default:                     return "none";
	}
}


enum sfu_track_kind fwd_classify(enum calls_sdp_mtype mtype,
				 const char *stream_id,
				 const char *screen_stream,
				 const char *video_stream)
{
	bool screen = stream_id && screen_stream &&
		!strcmp(stream_id, screen_stream);

	if (mtype == CALLS_SDP_AUDIO)
		return screen ? SFU_TRACK_SCREEN_AUDIO : SFU_TRACK_VOICE;

	if (mtype != CALLS_SDP_VIDEO)
		return SFU_TRACK_NONE;

	if (screen)
		return SFU_TRACK_SCREEN;

	if (stream_id && video_stream && !strcmp(stream_id, video_stream))
		return SFU_TRACK_VIDEO;

	return SFU_TRACK_NONE;
}


static const char *mime(enum calls_sdp_mtype mtype)
{
	return mtype == CALLS_SDP_AUDIO ? "audio/opus" : "video/VP8";
}


int fwd_rewrite(const uint8_t *pkt, size_t len,
		const struct calls_rtp_hdr *hdr, uint32_t ssrc, uint8_t pt,
		bool strip_all, uint8_t pub_level_id, uint8_t rx_level_id,
		uint8_t *out, size_t outsz, size_t *outlenp)
{
	uint8_t idmap[256];
	int err = 0;

	if (!pkt || !hdr || !out || !outlenp)
		return EINVAL;

	if (!hdr->ext) {
		if (len > outsz)
			return EOVERFLOW;
		memcpy(out, pkt, len);
		*outlenp = len;
	}
	else if (strip_all || !rx_level_id || !pub_level_id) {
		err = calls_rtp_strip_ext(pkt, len, out, outsz, outlenp);
	}
	else {
		memset(idmap, 0, sizeof(idmap));
		idmap[pub_level_id] = rx_level_id;
		err = calls_rtp_ext_rewrite(pkt, len, idmap, out, outsz,
					    outlenp);
	}

	if (err)
		return err;

	calls_rtp_set_ssrc(out, ssrc);
	calls_rtp_set_pt(out, pt);

	return 0;
}


/* ---- sending ---- */

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);

	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}


static void send_one(struct otrack *ot, const uint8_t *pkt, size_t len,
		     const struct calls_rtp_hdr *hdr, uint8_t pub_level_id,
		     uint64_t now)
{
	struct peer *rx = ot->rx;
	uint64_t t0 = 0;
	size_t olen;
	bool timed;
	int err;

	if (!rx->srtp_tx || rx->closing)
		return;

	timed = (++write_n % WRITE_SAMPLE) == 0;
	if (timed)
		t0 = now_us();

	err = fwd_rewrite(pkt, len, hdr, ot->ssrc, ot->pt,
			  ot->mtype == CALLS_SDP_VIDEO, pub_level_id,
			  ot->level_id, obuf, PKT_MAX, &olen);
	if (err)
		return;

	err = calls_srtp_protect(rx->srtp_tx, obuf, &olen, sizeof(obuf));
	if (err)
		return;

	if (rx->ep)
		err = sfu_rtcnet_send(rx->ep, obuf, olen);

	if (!ot->pkts || err)
		log_debug("session %s: %s packet %u to mid %s: %m", rx->sid,
			  sfu_track_kind_name(ot->kind), ot->pkts, ot->mid,
			  err);
	++ot->pkts;
	ot->octets += (uint32_t)hdr->pay_len;
	ot->last_ts = hdr->ts;
	ot->last_ms = now;

	if (timed)
		sfu_metrics_observe_track_write(
			rx->med->m, rx->gid,
			ot->mtype == CALLS_SDP_VIDEO ? "screen" :
			sfu_track_kind_name(ot->kind),
			(double)(now_us() - t0) / 1e6);
}


static int send_rtcp(struct peer *p, uint8_t *buf, size_t len, size_t size)
{
	int err;

	if (!p->srtp_tx || !p->ep || p->closing)
		return ENOTCONN;

	err = calls_srtp_protect_rtcp(p->srtp_tx, buf, &len, size);
	if (err)
		return err;

	return sfu_rtcnet_send(p->ep, buf, len);
}


/* ---- tracks ---- */

static struct itrack *itrack_by_ssrc(const struct peer *p, uint32_t ssrc)
{
	struct le *le;

	LIST_FOREACH(&p->itracks, le) {
		struct itrack *in = le->data;
		if (in->ssrc == ssrc)
			return in;
	}

	return NULL;
}


static struct itrack *itrack_by_mid(const struct peer *p, const struct pl *mid)
{
	struct le *le;

	LIST_FOREACH(&p->itracks, le) {
		struct itrack *in = le->data;
		if (!pl_strcmp(mid, in->mid))
			return in;
	}

	return NULL;
}


/* First RTP of an SSRC no a=ssrc named: by the sdes:mid extension, else
 * the one track of that PT still without an SSRC */
static struct itrack *itrack_bind(struct peer *p, const uint8_t *buf,
				  const struct calls_rtp_hdr *h)
{
	struct itrack *found = NULL;
	struct le *le;
	unsigned n = 0;

	LIST_FOREACH(&p->itracks, le) {
		struct itrack *in = le->data;
		const uint8_t *d;
		size_t dl;

		if (in->ssrc)
			continue;

		if (in->mid_id && h->ext &&
		    !calls_rtp_ext_find(h, buf, in->mid_id, &d, &dl) &&
		    dl == strlen(in->mid) && !memcmp(d, in->mid, dl)) {
			found = in;
			n = 1;
			break;
		}

		if (in->pt == h->pt) {
			found = in;
			++n;
		}
	}

	if (n != 1)
		return NULL;

	found->ssrc = h->ssrc;
	log_debug("session %s: mid %s bound to SSRC %u", p->sid, found->mid,
		  h->ssrc);

	return found;
}


static void itrack_set_kind(struct itrack *in, enum sfu_track_kind kind)
{
	struct peer *p = in->pub;
	struct sfu_media *med = p->med;

	if (kind == in->kind)
		return;

	if (in->kind != SFU_TRACK_NONE) {
		media_track_unpublish(in);
		sfu_metrics_tracks(med->m, p->gid, false, mime(in->mtype), -1);
		if (in->vad_on && p->s) {
			in->vad_on = false;
			sfu_session_send_vad(p->s, false);
		}
	}

	log_info("session %s: track mid %s stream %s: %s -> %s", p->sid,
		 in->mid, in->stream_id, sfu_track_kind_name(in->kind),
		 sfu_track_kind_name(kind));

	in->kind = kind;
	if (kind == SFU_TRACK_NONE)
		return;

	if (in->mtype == CALLS_SDP_VIDEO && !in->ring && med->nack_size) {
		in->ring = mem_zalloc(med->nack_size * sizeof(*in->ring),
				      NULL);
		in->ringc = in->ring ? med->nack_size : 0;
	}

	sfu_metrics_tracks(med->m, p->gid, false, mime(in->mtype), +1);
	media_track_publish(in);
}


static void itrack_classify(struct itrack *in)
{
	struct peer *p = in->pub;

	itrack_set_kind(in, fwd_classify(in->mtype, in->stream_id,
					 sfu_session_screen_stream(p->s),
					 sfu_session_video_stream(p->s)));
}


static void itrack_destructor(void *arg)
{
	struct itrack *in = arg;

	list_unlink(&in->le);
	mem_deref(in->ring);
	mem_deref(in->mid);
	mem_deref(in->stream_id);
	mem_deref(in->msid_track);
}


static void itrack_remove(struct itrack *in)
{
	itrack_set_kind(in, SFU_TRACK_NONE);
	mem_deref(in);
}


/* "stream track" of an m-line: a=msid, else the first a=ssrc msid */
static void msid_of(const struct calls_sdp_media *m, struct pl *stream,
		    struct pl *track)
{
	const struct pl *v = pl_isset(&m->msid) ? &m->msid :
		(m->ssrcc ? &m->ssrcv[0].msid : NULL);

	pl_set_str(stream, "");
	pl_set_str(track, "");

	if (!v || !pl_isset(v))
		return;

	if (re_regex(v->p, v->l, "[^ ]+[ ]*[^ ]*", stream, NULL, track))
		return;
}


static int itrack_alloc(struct itrack **inp, struct peer *p,
			const struct calls_sdp_media *m,
			const struct pl *stream, const struct pl *track)
{
	const struct calls_sdp_codec *c;
	struct itrack *in;
	int err;

	c = m->type == CALLS_SDP_AUDIO ?
		calls_sdp_codec_find(m, "opus", 48000) :
		calls_sdp_codec_find(m, "VP8", 90000);
	if (!c)
		return ENOTSUP;

	in = mem_zalloc(sizeof(*in), itrack_destructor);
	if (!in)
		return ENOMEM;

	in->pub = p;
	in->mtype = m->type;
	in->pt = c->pt;
	in->clock = c->clock ? c->clock : 90000;
	in->ssrc = m->ssrcc ? m->ssrcv[0].ssrc : 0;
	in->level_id = (uint8_t)calls_sdp_extmap_id(m,
					CALLS_SDP_EXT_AUDIO_LEVEL);
	in->mid_id = (uint8_t)calls_sdp_extmap_id(m, EXT_MID);
	sfu_vad_init(&in->vad);

	err  = pl_strdup(&in->mid, &m->mid);
	err |= pl_strdup(&in->stream_id, stream);
	err |= pl_strdup(&in->msid_track, track);
	if (err) {
		mem_deref(in);
		return ENOMEM;
	}

	list_append(&p->itracks, &in->le, in);
	*inp = in;

	return 0;
}


void fwd_itracks_update(struct peer *p, const struct calls_sdp *sdp)
{
	struct le *le;
	unsigned i;

	if (!p || !sdp)
		return;

	/* tracks whose m-line is gone */
	le = p->itracks.head;
	while (le) {
		struct itrack *in = le->data;

		le = le->next;
		if (!calls_sdp_media_by_mid(sdp, in->mid))
			itrack_remove(in);
	}

	for (i = 0; i < sdp->mediac; i++) {
		const struct calls_sdp_media *m = &sdp->mediav[i];
		struct pl stream, track;
		struct itrack *in;
		bool sends;
		uint32_t ssrc;

		if (m->type != CALLS_SDP_AUDIO && m->type != CALLS_SDP_VIDEO)
			continue;

		msid_of(m, &stream, &track);
		sends = m->port && (m->dir & CALLS_SDP_SENDONLY) &&
			pl_isset(&stream) && pl_strcmp(&stream, "-");
		ssrc = m->ssrcc ? m->ssrcv[0].ssrc : 0;

		in = itrack_by_mid(p, &m->mid);
		if (in && (!sends || pl_strcmp(&stream, in->stream_id) ||
			   pl_strcmp(&track, in->msid_track) ||
			   (ssrc && in->ssrc && ssrc != in->ssrc))) {
			itrack_remove(in);
			in = NULL;
		}

		if (!sends || in)
			continue;

		if (itrack_alloc(&in, p, m, &stream, &track)) {
			log_info("session %s: mid %r: no supported codec",
				 p->sid, &m->mid);
			continue;
		}

		log_debug("session %s: publishes mid %s (%s, stream %s, "
			  "ssrc %u)", p->sid, in->mid,
			  in->mtype == CALLS_SDP_AUDIO ? "audio" : "video",
			  in->stream_id, in->ssrc);

		itrack_classify(in);
	}
}


void fwd_reclassify(struct peer *p)
{
	struct le *le;

	if (!p)
		return;

	le = p->itracks.head;
	while (le) {
		struct itrack *in = le->data;

		le = le->next;
		itrack_classify(in);
	}
}


void fwd_mute(struct peer *p)
{
	struct le *le;

	LIST_FOREACH(&p->itracks, le) {
		struct itrack *in = le->data;

		sfu_vad_reset(&in->vad);
		in->vad_on = false;
	}

	/* rtcd's monitor reset always emits VoiceOff */
	if (p->s)
		sfu_session_send_vad(p->s, false);
}


void fwd_peer_close(struct peer *p)
{
	struct le *le;

	while ((le = p->itracks.head))
		itrack_remove(le->data);

	while ((le = p->otracks.head))
		fwd_otrack_free(le->data);
}


static void otrack_destructor(void *arg)
{
	struct otrack *ot = arg;

	if (ot->st == OT_LIVE || ot->st == OT_DEL || ot->st == OT_DELETING)
		sfu_metrics_tracks(ot->rx->med->m, ot->rx->gid, true,
				   mime(ot->mtype), -1);

	list_unlink(&ot->le_rx);
	list_unlink(&ot->le_in);
	list_unlink(&ot->le_q);
	if (ot->rx->offering == ot)
		ot->rx->offering = NULL;
	mem_deref(ot->mid);
	mem_deref(ot->track_id);
	mem_deref(ot->sender);
}


void fwd_otrack_free(struct otrack *ot)
{
	mem_deref(ot);
}


int fwd_otrack_alloc(struct otrack **otp, struct peer *rx,
		     struct itrack *in)
{
	struct otrack *ot;
	char rnd[9];
	int err;

	if (!otp || !rx || !in)
		return EINVAL;

	ot = mem_zalloc(sizeof(*ot), otrack_destructor);
	if (!ot)
		return ENOMEM;

	rand_str(rnd, sizeof(rnd));
	ot->in = in;
	ot->rx = rx;
	ot->st = OT_ADD;
	ot->kind = in->kind;
	ot->mtype = in->mtype;
	ot->clock = in->clock;
	ot->ssrc = rand_u32();
	ot->pt = in->mtype == CALLS_SDP_AUDIO ? 111 : 96;

	err  = re_sdprintf(&ot->track_id, "%s_%s_%s",
			   sfu_track_kind_name(in->kind), in->pub->sid, rnd);
	err |= str_dup(&ot->sender, in->pub->sid);
	if (err) {
		mem_deref(ot);
		return ENOMEM;
	}

	list_append(&rx->otracks, &ot->le_rx, ot);
	list_append(&in->outs, &ot->le_in, ot);
	*otp = ot;

	return 0;
}


int fwd_otrack_apply(struct otrack *ot, const struct calls_sdp *answer)
{
	const struct calls_sdp_media *m;
	const struct calls_sdp_codec *c;

	if (!ot || !answer || !ot->mid)
		return EINVAL;

	m = calls_sdp_media_by_mid(answer, ot->mid);
	if (!m || !m->port || !(m->dir & CALLS_SDP_RECVONLY))
		return ENOENT;

	c = ot->mtype == CALLS_SDP_AUDIO ?
		calls_sdp_codec_find(m, "opus", 48000) :
		calls_sdp_codec_find(m, "VP8", 90000);
	if (!c)
		return ENOENT;

	ot->pt = c->pt;
	ot->level_id = ot->mtype == CALLS_SDP_AUDIO ?
		(uint8_t)calls_sdp_extmap_id(m, CALLS_SDP_EXT_AUDIO_LEVEL) : 0;

	return 0;
}


/* ---- RTP in ---- */

static void vad_push(struct itrack *in, const uint8_t *buf,
		     const struct calls_rtp_hdr *h, uint64_t now)
{
	struct peer *p = in->pub;
	enum sfu_vad_event e;
	uint8_t level;
	bool v;

	if (calls_rtp_audio_level(h, buf, in->level_id, &level, &v))
		return;

	e = sfu_vad_push(&in->vad, level, now);
	if (e == SFU_VAD_NONE)
		return;

	in->vad_on = e == SFU_VAD_ON;
	if (p->s)
		sfu_session_send_vad(p->s, in->vad_on);
}


static void ring_put(struct itrack *in, const uint8_t *buf, size_t len,
		     uint16_t seq)
{
	struct rtx_slot *sl;

	if (!in->ring || len > SFU_RTX_SLOT)
		return;

	sl = &in->ring[seq % in->ringc];
	sl->seq = seq;
	sl->len = (uint16_t)len;
	memcpy(sl->data, buf, len);
}


static void rtp_recv(struct peer *p, uint8_t *buf, size_t len)
{
	int err;

	if (!p->srtp_rx)
		return;

	/* failed authentication and replays (EALREADY) alike */
	err = calls_srtp_unprotect(p->srtp_rx, buf, &len);
	if (err) {
		sfu_metrics_rtc_error(p->med->m, p->gid, "rtp");
		return;
	}

	fwd_rtp_plain(p, buf, len);
}


void fwd_rtp_plain(struct peer *p, uint8_t *buf, size_t len)
{
	struct calls_rtp_hdr h;
	struct itrack *in;
	struct le *le;
	uint64_t now;

	if (calls_rtp_parse(&h, buf, len))
		return;

	now = tmr_jiffies();
	in = itrack_by_ssrc(p, h.ssrc);
	if (!in)
		in = itrack_bind(p, buf, &h);
	if (!in)
		return;

	if (!in->pkts++)
		log_debug("session %s: first RTP on mid %s (ssrc %u, pt %u, "
			  "%zu bytes)", p->sid, in->mid, h.ssrc, h.pt, len);
	(void)calls_rtp_seq_update(&in->seq, h.seq, NULL);
	calls_rtp_jitter_update(&in->jit, (uint32_t)(now *
					   (in->clock / 1000)), h.ts);

	if (in->kind == SFU_TRACK_NONE)
		return;

	if (in->kind == SFU_TRACK_VOICE) {
		if (sfu_session_muted(p->s))
			return;
		if (in->level_id && h.ext)
			vad_push(in, buf, &h, now);
		if (p->closing)
			return;
	}

	if (in->ring)
		ring_put(in, buf, len, h.seq);

	LIST_FOREACH(&in->outs, le) {
		struct otrack *ot = le->data;

		if (ot->st == OT_LIVE)
			send_one(ot, buf, len, &h, in->level_id, now);
	}
}


/* ---- RTCP in ---- */

static struct otrack *otrack_by_ssrc(const struct peer *p, uint32_t ssrc)
{
	struct le *le;

	LIST_FOREACH(&p->otracks, le) {
		struct otrack *ot = le->data;
		if (ot->ssrc == ssrc)
			return ot;
	}

	return NULL;
}


static void pli_send(struct itrack *in, bool force)
{
	uint8_t buf[64 + CALLS_SRTP_MAX_OVERHEAD];
	uint64_t now = tmr_jiffies();
	size_t off = 0;

	if (!in->ssrc)
		return;

	/* the 1/s limit is for receivers' PLIs; our own request for a
	 * new receiver neither waits for it nor uses it up */
	if (!force) {
		if (in->last_pli_ms && now - in->last_pli_ms < PLI_INTERVAL)
			return;
		in->last_pli_ms = now;
	}

	if (calls_rtcp_build_pli(buf, 64, &off, in->pub->rtcp_ssrc,
				 in->ssrc))
		return;

	log_debug("session %s: PLI for %u sent", in->pub->sid, in->ssrc);
	(void)send_rtcp(in->pub, buf, off, sizeof(buf));
}


static void pli_forward(struct peer *rx, uint32_t media_ssrc)
{
	struct otrack *ot = otrack_by_ssrc(rx, media_ssrc);

	log_debug("session %s: PLI for %u (%s)", rx->sid, media_ssrc,
		  ot ? (ot->in ? "forwarding" : "track removed") : "unknown");

	if (ot && ot->in)
		pli_send(ot->in, false);
}


void fwd_otrack_live(struct otrack *ot)
{
	/* a new receiver of video needs a key frame now */
	if (ot && ot->in && ot->mtype == CALLS_SDP_VIDEO)
		pli_send(ot->in, true);
}


static void nack_answer(struct peer *rx, const struct calls_rtcp_pkt *pkt,
			uint32_t media_ssrc)
{
	struct otrack *ot = otrack_by_ssrc(rx, media_ssrc);
	uint16_t seqv[NACK_MAX];
	struct calls_rtp_hdr h;
	size_t n, i;

	if (!ot || !ot->in || !ot->in->ring || ot->st != OT_LIVE)
		return;

	if (calls_rtcp_nack_seqs(pkt, seqv, NACK_MAX, &n))
		return;

	for (i = 0; i < n && i < NACK_MAX; i++) {
		struct rtx_slot *sl = &ot->in->ring[seqv[i] % ot->in->ringc];

		if (!sl->len || sl->seq != seqv[i])
			continue;

		if (calls_rtp_parse(&h, sl->data, sl->len))
			continue;

		send_one(ot, sl->data, sl->len, &h, 0, tmr_jiffies());
	}
}


static void rtcp_recv(struct peer *p, uint8_t *buf, size_t len)
{
	int err;

	if (!p->srtp_rx)
		return;

	err = calls_srtp_unprotect_rtcp(p->srtp_rx, buf, &len);
	if (err) {
		log_debug("session %s: SRTCP in: %m", p->sid, err);
		sfu_metrics_rtc_error(p->med->m, p->gid, "rtp");
		return;
	}

	fwd_rtcp_plain(p, buf, len);
}


void fwd_rtcp_plain(struct peer *p, const uint8_t *buf, size_t len)
{
	struct calls_rtcp_iter it;
	struct calls_rtcp_pkt pkt;

	++p->rtcp_in;
	calls_rtcp_iter_init(&it, buf, len);

	while (!p->closing && calls_rtcp_iter_next(&it, &pkt) == 0) {
		struct calls_rtcp_fb fb;
		struct calls_rtcp_sr sr;
		struct itrack *in;
		uint32_t ssrc;
		uint8_t seqnr;
		unsigned i;

		switch (pkt.pt) {

		case CALLS_RTCP_SR:
			if (calls_rtcp_sr_parse(&pkt, &sr))
				break;
			in = itrack_by_ssrc(p, sr.ssrc);
			if (in) {
				in->last_sr = (uint32_t)(sr.ntp >> 16);
				in->last_sr_ms = tmr_jiffies();
			}
			break;

		case CALLS_RTCP_RTPFB:
			if (calls_rtcp_fb_parse(&pkt, &fb))
				break;
			if (fb.fmt == CALLS_RTCP_RTPFB_NACK)
				nack_answer(p, &pkt, fb.media_ssrc);
			break;

		case CALLS_RTCP_PSFB:
			if (calls_rtcp_fb_parse(&pkt, &fb))
				break;
			if (fb.fmt == CALLS_RTCP_PSFB_PLI) {
				pli_forward(p, fb.media_ssrc);
			}
			else if (fb.fmt == CALLS_RTCP_PSFB_FIR) {
				for (i = 0; !calls_rtcp_fir_get(&pkt, i, &ssrc,
								&seqnr); i++)
					pli_forward(p, ssrc);
			}
			break;

		default:
			break;
		}
	}
}


void fwd_recv(struct peer *p, uint8_t *buf, size_t len)
{
	if (!p || p->closing)
		return;

	if (calls_rtp_is_rtcp(buf, len))
		rtcp_recv(p, buf, len);
	else
		rtp_recv(p, buf, len);
}


/* ---- RTCP reports ---- */

static uint64_t ntp_now(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);

	return ((uint64_t)(tv.tv_sec + 2208988800u) << 32) |
		(((uint64_t)tv.tv_usec << 32) / 1000000);
}


static void peer_report(struct peer *p, uint64_t ntp, uint64_t now)
{
	uint8_t buf[RTCP_MAX + CALLS_SRTP_MAX_OVERHEAD];
	struct calls_rtcp_rb rbv[RB_MAX];
	unsigned rbc = 0;
	size_t off = 0;
	struct le *le;

	if (!p->srtp_tx || !p->ep || p->closing)
		return;

	LIST_FOREACH(&p->itracks, le) {
		struct itrack *in = le->data;
		struct calls_rtcp_rb *rb;

		if (!in->ssrc || !in->pkts || rbc >= RB_MAX)
			continue;

		rb = &rbv[rbc++];
		memset(rb, 0, sizeof(*rb));
		rb->ssrc = in->ssrc;
		calls_rtp_seq_report(&in->seq, &rb->lost, &rb->fraction);
		rb->ext_seq = calls_rtp_seq_ext_max(&in->seq);
		rb->jitter = calls_rtp_jitter_get(&in->jit);
		if (in->last_sr_ms) {
			rb->lsr = in->last_sr;
			rb->dlsr = (uint32_t)((now - in->last_sr_ms) *
					      65536 / 1000);
		}
	}

	if (calls_rtcp_build_rr(buf, RTCP_MAX, &off, p->rtcp_ssrc, rbv, rbc))
		return;

	LIST_FOREACH(&p->otracks, le) {
		struct otrack *ot = le->data;
		struct calls_rtcp_sr sr;

		if (ot->st != OT_LIVE || !ot->pkts)
			continue;

		sr.ssrc = ot->ssrc;
		sr.ntp = ntp;
		sr.rtp_ts = ot->last_ts + (uint32_t)((now - ot->last_ms) *
						     (ot->clock / 1000));
		sr.pkt_count = ot->pkts;
		sr.octet_count = ot->octets;

		if (calls_rtcp_build_sr(buf, RTCP_MAX - 64, &off, &sr,
					NULL, 0))
			break;
	}

	if (calls_rtcp_build_sdes_cname(buf, RTCP_MAX, &off, p->rtcp_ssrc,
					p->cname))
		return;

	(void)send_rtcp(p, buf, off, sizeof(buf));
}


void fwd_rtcp_reports(struct sfu_media *med)
{
	uint64_t ntp = ntp_now(), now = tmr_jiffies();
	struct le *le;

	LIST_FOREACH(&med->peers, le)
		peer_report(le->data, ntp, now);
}
