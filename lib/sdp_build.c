/**
 * @file sdp_build.c  WebRTC SDP: answers and offers with rtcd's codec set
 *
 * Both builders first decide, per m-line, what it becomes (accepted
 * with which payload type, or rejected), so the BUNDLE group can be
 * written in the session part, then write the m-lines in order.
 */
#include <string.h>
#include "re_inc.h"
#include "sdp.h"
#include "sdp_int.h"

enum {
	PT_OPUS_DEFAULT = 111,
	PT_VP8_DEFAULT  = 96,
	EXT_AL_DEFAULT  = 1,
	SCTP_PORT       = 5000,
	MAX_MSG_DEFAULT = 262144,
};

static const char *const vp8_fb[] = {
	"goog-remb", "ccm fir", "nack", "nack pli",
};
#define VP8_FBC (sizeof(vp8_fb) / sizeof(vp8_fb[0]))

/* What one m-line of the output is */
struct mline {
	enum calls_sdp_mtype type;
	bool accept;
	const struct pl *proto;         /* NULL: UDP/TLS/RTP/SAVPF etc.   */
	const struct pl *media;         /* for rejected lines             */
	const struct pl *fmts;          /* for rejected lines             */
	struct pl mid;
	uint8_t pt;
	uint16_t al_id;                 /* audio-level extmap id, or 0    */
	unsigned fbmask;                /* vp8_fb bits                    */
	enum calls_sdp_dir dir;
	bool rsize;
	bool old_sctp;                  /* DTLS/SCTP + a=sctpmap          */
	bool bundle;                    /* in the BUNDLE group            */
	const struct calls_sdp_track *track;
};

struct build {
	struct mbuf *mb;
	const struct calls_sdp_local *loc;
	enum calls_sdp_setup setup;
	bool allow_mixed;
	struct mline *lv;
	unsigned lc;
};


static int session_write(struct build *b)
{
	const struct calls_sdp_local *loc = b->loc;
	unsigned i;
	bool first = true;
	int err;

	err = mbuf_printf(b->mb, "v=0\r\no=- %llu %llu IN IP4 0.0.0.0\r\n"
			  "s=-\r\nt=0 0\r\n",
			  (unsigned long long)loc->sess_id,
			  (unsigned long long)loc->sess_version);
	if (loc->ice_lite)
		err |= mbuf_write_str(b->mb, "a=ice-lite\r\n");

	for (i = 0; i < b->lc; i++) {
		if (!b->lv[i].accept || !b->lv[i].bundle || !b->lv[i].mid.l)
			continue;
		err |= mbuf_printf(b->mb, "%s%r", first ? "a=group:BUNDLE "
				   : " ", &b->lv[i].mid);
		first = false;
	}
	if (!first)
		err |= mbuf_write_str(b->mb, "\r\n");

	if (b->allow_mixed)
		err |= mbuf_write_str(b->mb, "a=extmap-allow-mixed\r\n");
	err |= mbuf_write_str(b->mb, "a=msid-semantic:WMS *\r\n");

	return err;
}


static int transport_write(struct build *b, const struct mline *l)
{
	const struct calls_sdp_local *loc = b->loc;
	size_t i;
	int err;

	err = mbuf_printf(b->mb, "c=IN IP4 0.0.0.0\r\n"
			  "a=ice-ufrag:%s\r\na=ice-pwd:%s\r\n"
			  "a=fingerprint:%s %s\r\na=setup:%s\r\n",
			  loc->ice_ufrag, loc->ice_pwd,
			  loc->fp_hash ? loc->fp_hash : "sha-256", loc->fp,
			  calls_sdp_setup_name(b->setup));
	if (l->mid.l)
		err |= mbuf_printf(b->mb, "a=mid:%r\r\n", &l->mid);

	for (i = 0; i < loc->candc; i++)
		err |= mbuf_printf(b->mb, "a=%s\r\n", loc->candv[i]);
	if (loc->eoc)
		err |= mbuf_write_str(b->mb, "a=end-of-candidates\r\n");

	return err;
}


static int rejected_write(struct build *b, const struct mline *l)
{
	int err;

	err = mbuf_printf(b->mb, "m=%r 0 %r %r\r\nc=IN IP4 0.0.0.0\r\n",
			  l->media, l->proto, l->fmts);
	if (l->mid.l)
		err |= mbuf_printf(b->mb, "a=mid:%r\r\n", &l->mid);
	if (l->type == CALLS_SDP_AUDIO || l->type == CALLS_SDP_VIDEO)
		err |= mbuf_write_str(b->mb, "a=inactive\r\n");

	return err;
}


static int app_write(struct build *b, const struct mline *l)
{
	uint32_t mms = b->loc->max_message_size ? b->loc->max_message_size
						: MAX_MSG_DEFAULT;
	int err;

	if (l->old_sctp) {
		err = mbuf_printf(b->mb, "m=application 9 DTLS/SCTP %u\r\n",
				  SCTP_PORT);
		err |= transport_write(b, l);
		err |= mbuf_printf(b->mb, "a=sctpmap:%u webrtc-datachannel"
				   " 1024\r\na=max-message-size:%u\r\n",
				   SCTP_PORT, mms);
		return err;
	}

	err = mbuf_printf(b->mb, "m=application 9 %s webrtc-datachannel\r\n",
			  "UDP/DTLS/SCTP");
	err |= transport_write(b, l);
	err |= mbuf_printf(b->mb, "a=sctp-port:%u\r\n"
			   "a=max-message-size:%u\r\n", SCTP_PORT, mms);

	return err;
}


static int rtp_write(struct build *b, const struct mline *l)
{
	const struct calls_sdp_track *t = l->track;
	bool video = l->type == CALLS_SDP_VIDEO;
	bool sending = t && !t->removed && (l->dir & CALLS_SDP_SENDONLY);
	unsigned i;
	int err;

	if (l->proto)
		err = mbuf_printf(b->mb, "m=%s 9 %r %u\r\n",
				  video ? "video" : "audio", l->proto, l->pt);
	else
		err = mbuf_printf(b->mb, "m=%s 9 UDP/TLS/RTP/SAVPF %u\r\n",
				  video ? "video" : "audio", l->pt);

	err |= transport_write(b, l);
	if (l->al_id)
		err |= mbuf_printf(b->mb, "a=extmap:%u %s\r\n", l->al_id,
				   CALLS_SDP_EXT_AUDIO_LEVEL);
	err |= mbuf_printf(b->mb, "a=%s\r\n", calls_sdp_dir_name(l->dir));
	if (sending)
		err |= mbuf_printf(b->mb, "a=msid:%s %s\r\n", t->stream_id,
				   t->track_id);
	err |= mbuf_write_str(b->mb, "a=rtcp-mux\r\n");
	if (l->rsize)
		err |= mbuf_write_str(b->mb, "a=rtcp-rsize\r\n");

	if (video) {
		err |= mbuf_printf(b->mb, "a=rtpmap:%u VP8/90000\r\n", l->pt);
		for (i = 0; i < VP8_FBC; i++) {
			if (!(l->fbmask & (1u << i)))
				continue;
			err |= mbuf_printf(b->mb, "a=rtcp-fb:%u %s\r\n", l->pt,
					   vp8_fb[i]);
		}
	}
	else {
		err |= mbuf_printf(b->mb, "a=rtpmap:%u opus/48000/2\r\n"
				   "a=fmtp:%u minptime=10;useinbandfec=1\r\n",
				   l->pt, l->pt);
	}

	if (sending) {
		err |= mbuf_printf(b->mb, "a=ssrc:%u cname:%s\r\n"
				   "a=ssrc:%u msid:%s %s\r\n",
				   t->ssrc, t->cname ? t->cname : "calls",
				   t->ssrc, t->stream_id, t->track_id);
	}

	return err;
}


static int lines_write(struct build *b, char **sdpp)
{
	unsigned i;
	int err;

	err = session_write(b);

	for (i = 0; i < b->lc && !err; i++) {
		const struct mline *l = &b->lv[i];

		if (!l->accept)
			err = rejected_write(b, l);
		else if (l->type == CALLS_SDP_APPLICATION)
			err = app_write(b, l);
		else
			err = rtp_write(b, l);
	}

	if (err)
		return err;

	b->mb->pos = 0;

	return mbuf_strdup(b->mb, sdpp, b->mb->end);
}


static bool loc_valid(const struct calls_sdp_local *loc)
{
	return loc && loc->ice_ufrag && loc->ice_pwd && loc->fp &&
		(!loc->candc || loc->candv);
}


static const struct calls_sdp_track *track_by_mid(
	const struct calls_sdp_track *trackv, size_t trackc,
	const struct pl *mid)
{
	size_t i;

	if (!mid->l)
		return NULL;

	for (i = 0; i < trackc; i++) {
		if (trackv[i].mid && !pl_strcmp(mid, trackv[i].mid))
			return &trackv[i];
	}

	return NULL;
}


static bool rtp_savpf(const struct pl *proto)
{
	return pl_has(proto, "RTP/SAVPF");
}


/* l, empty, for the m-line m of the remote or current description */
static void mline_init(struct mline *l, const struct calls_sdp_media *m)
{
	memset(l, 0, sizeof(*l));
	l->type  = m->type;
	l->proto = &m->proto;
	l->media = &m->media;
	l->fmts  = &m->fmts;
	l->mid   = m->mid;
	l->rsize = m->rtcp_rsize;
}


/* Decides one offered m-line of an answer */
static void answer_decide(struct mline *l, const struct calls_sdp_media *m,
			  const struct calls_sdp_track *t)
{
	const struct calls_sdp_codec *c = NULL;
	unsigned i;

	mline_init(l, m);

	/* port 0 is a rejected line, unless bundle-only (RFC 8843) */
	if (!m->port && !m->bundle_only)
		return;

	switch (m->type) {

	case CALLS_SDP_AUDIO:
		if (!rtp_savpf(&m->proto))
			return;
		c = calls_sdp_codec_find(m, "opus", 48000);
		l->al_id = calls_sdp_extmap_id(m, CALLS_SDP_EXT_AUDIO_LEVEL);
		break;

	case CALLS_SDP_VIDEO:
		if (!rtp_savpf(&m->proto))
			return;
		c = calls_sdp_codec_find(m, "VP8", 90000);
		for (i = 0; c && i < VP8_FBC; i++) {
			if (calls_sdp_has_fb(m, c->pt, vp8_fb[i]))
				l->fbmask |= 1u << i;
		}
		break;

	case CALLS_SDP_APPLICATION:
		if (pl_has(&m->fmts, "webrtc-datachannel") &&
		    pl_has(&m->proto, "SCTP")) {
			l->accept = true;
		}
		else if (!pl_strcmp(&m->proto, "DTLS/SCTP")) {
			l->accept = true;
			l->old_sctp = true;
		}
		return;

	default:
		return;
	}

	if (!c)
		return;

	l->accept = true;
	l->pt = c->pt;
	l->track = t;
	l->dir = 0;
	if (m->dir & CALLS_SDP_SENDONLY)
		l->dir |= CALLS_SDP_RECVONLY;
	if ((m->dir & CALLS_SDP_RECVONLY) && t && !t->removed)
		l->dir |= CALLS_SDP_SENDONLY;
}


int calls_sdp_answer(char **sdpp, const struct calls_sdp *offer,
		     const struct calls_sdp_local *loc,
		     const struct calls_sdp_track *trackv, size_t trackc)
{
	struct build b;
	const struct calls_sdp_media *m0 = NULL;
	unsigned i;
	int err;

	if (!sdpp || !offer || !loc_valid(loc) || (trackc && !trackv))
		return EINVAL;

	memset(&b, 0, sizeof(b));
	b.loc = loc;
	b.allow_mixed = offer->extmap_allow_mixed;

	if (offer->mediac)
		m0 = &offer->mediav[0];

	switch (m0 ? m0->setup : CALLS_SDP_SETUP_NONE) {

	case CALLS_SDP_SETUP_ACTIVE:
		b.setup = CALLS_SDP_SETUP_PASSIVE;
		break;
	case CALLS_SDP_SETUP_PASSIVE:
		b.setup = CALLS_SDP_SETUP_ACTIVE;
		break;
	default:
		b.setup = (loc->setup == CALLS_SDP_SETUP_ACTIVE)
			? CALLS_SDP_SETUP_ACTIVE : CALLS_SDP_SETUP_PASSIVE;
		break;
	}

	b.mb = mbuf_alloc(2048);
	b.lv = mem_zalloc((offer->mediac + 1) * sizeof(*b.lv), NULL);
	if (!b.mb || !b.lv) {
		err = ENOMEM;
		goto out;
	}

	for (i = 0; i < offer->mediac; i++) {
		const struct calls_sdp_media *m = &offer->mediav[i];

		answer_decide(&b.lv[i], m,
			      track_by_mid(trackv, trackc, &m->mid));

		/* group only what the offer grouped */
		b.lv[i].bundle = calls_sdp_bundled(offer, &m->mid);
	}
	b.lc = offer->mediac;

	err = lines_write(&b, sdpp);

 out:
	mem_deref(b.mb);
	mem_deref(b.lv);

	return err;
}


/* Payload types and the audio-level id already used in cur */
struct ids {
	uint8_t opus, vp8;
	uint16_t al;
};


/* True if pt is taken in cur by a codec other than name */
static bool pt_taken(const struct calls_sdp *cur, uint8_t pt,
		     const char *name)
{
	unsigned i;

	for (i = 0; cur && i < cur->mediac; i++) {
		const struct calls_sdp_codec *c;

		c = calls_sdp_codec_by_pt(&cur->mediav[i], pt);
		if (c && (!c->has_rtpmap || pl_strcasecmp(&c->name, name)))
			return true;
	}

	return false;
}


/*
 * A payload type for a codec cur does not have: the default unless a
 * bundled m-line uses it for something else (Chrome refuses a BUNDLE
 * with one PT for two codecs), else a free one in 96-127.
 */
static uint8_t pt_pick(const struct calls_sdp *cur, uint8_t def,
		       const char *name, uint8_t avoid)
{
	uint8_t pt;

	if (def != avoid && !pt_taken(cur, def, name))
		return def;

	for (pt = 96; pt <= 127; pt++) {
		if (pt != avoid && !pt_taken(cur, pt, name))
			return pt;
	}

	return def;
}


static void ids_find(struct ids *ids, const struct calls_sdp *cur)
{
	bool opus = false, vp8 = false;
	unsigned i;

	ids->opus = PT_OPUS_DEFAULT;
	ids->vp8  = PT_VP8_DEFAULT;
	ids->al   = EXT_AL_DEFAULT;

	for (i = cur ? cur->mediac : 0; i-- > 0; ) {
		const struct calls_sdp_media *m = &cur->mediav[i];
		const struct calls_sdp_codec *c;
		uint16_t id;

		if ((c = calls_sdp_codec_find(m, "opus", 48000))) {
			ids->opus = c->pt;
			opus = true;
		}
		if ((c = calls_sdp_codec_find(m, "VP8", 90000))) {
			ids->vp8 = c->pt;
			vp8 = true;
		}
		id = calls_sdp_extmap_id(m, CALLS_SDP_EXT_AUDIO_LEVEL);
		if (id)
			ids->al = id;
	}

	if (!opus)
		ids->opus = pt_pick(cur, PT_OPUS_DEFAULT, "opus",
				    vp8 ? ids->vp8 : 0);
	if (!vp8)
		ids->vp8 = pt_pick(cur, PT_VP8_DEFAULT, "VP8", ids->opus);
}


static void offer_rtp_line(struct mline *l, enum calls_sdp_mtype type,
			   const struct ids *ids,
			   const struct calls_sdp_track *t, bool remote_sends)
{
	l->type   = type;
	l->accept = true;
	l->pt     = type == CALLS_SDP_VIDEO ? ids->vp8 : ids->opus;
	l->al_id  = type == CALLS_SDP_AUDIO ? ids->al : 0;
	l->fbmask = type == CALLS_SDP_VIDEO ? 0xf : 0;
	l->track  = t;
	l->dir    = remote_sends ? CALLS_SDP_RECVONLY : 0;
	if (t && !t->removed)
		l->dir |= CALLS_SDP_SENDONLY;
}


/* The m-lines of cur, carried into the new offer */
static void offer_existing(struct build *b, const struct calls_sdp *cur,
			   const struct ids *ids,
			   const struct calls_sdp_track *trackv,
			   size_t trackc)
{
	unsigned i;

	for (i = 0; i < cur->mediac; i++) {
		const struct calls_sdp_media *m = &cur->mediav[i];
		const struct calls_sdp_track *t;
		struct mline *l = &b->lv[b->lc++];

		mline_init(l, m);

		if (!m->port)
			continue;

		t = track_by_mid(trackv, trackc, &m->mid);
		if (t && t->type != m->type)
			t = NULL;  /* recycling keeps the media type */

		switch (m->type) {

		case CALLS_SDP_AUDIO:
		case CALLS_SDP_VIDEO:
			if (!rtp_savpf(&m->proto) || (t && t->removed &&
						      t->stop))
				break;
			offer_rtp_line(l, m->type, ids, t,
				       m->dir & CALLS_SDP_SENDONLY);
			l->proto = &m->proto;
			break;

		case CALLS_SDP_APPLICATION:
			l->accept = true;
			l->old_sctp = !pl_strcmp(&m->proto, "DTLS/SCTP");
			break;

		default:
			break;
		}
	}
}


/* m-lines for tracks whose mid cur does not have; *nextp past theirs */
static int offer_new(struct build *b, const struct calls_sdp *cur,
		     const struct ids *ids,
		     const struct calls_sdp_track *trackv, size_t trackc,
		     unsigned *nextp)
{
	size_t i;

	for (i = 0; i < trackc; i++) {
		const struct calls_sdp_track *t = &trackv[i];
		const struct calls_sdp_media *m;
		struct pl mid;
		uint32_t v;

		if (!t->mid || (t->type != CALLS_SDP_AUDIO &&
				t->type != CALLS_SDP_VIDEO))
			return EINVAL;

		m = cur ? calls_sdp_media_by_mid(cur, t->mid) : NULL;
		if (m) {
			/* reusing an m-line: same type, not rejected */
			if (!t->removed && (m->type != t->type || !m->port))
				return EINVAL;
			continue;
		}
		if (t->removed)
			continue;

		pl_set_str(&mid, t->mid);
		v = pl_u32(&mid);
		if (v < UINT32_MAX && v + 1 > *nextp)
			*nextp = v + 1;

		memset(&b->lv[b->lc], 0, sizeof(b->lv[b->lc]));
		offer_rtp_line(&b->lv[b->lc], t->type, ids, t, false);
		b->lv[b->lc++].mid = mid;
	}

	return 0;
}


int calls_sdp_offer(char **sdpp, const struct calls_sdp *cur,
		    const struct calls_sdp_local *loc,
		    const struct calls_sdp_track *trackv, size_t trackc,
		    bool datachannel)
{
	struct build b;
	struct ids ids;
	unsigned i, next, n;
	char *dcmid = NULL;
	bool has_app = false;
	int err;

	if (!sdpp || !loc_valid(loc) || (trackc && !trackv))
		return EINVAL;

	memset(&b, 0, sizeof(b));
	b.loc = loc;
	b.setup = loc->setup ? loc->setup : CALLS_SDP_SETUP_ACTPASS;
	b.allow_mixed = cur && cur->extmap_allow_mixed;
	ids_find(&ids, cur);

	n = (cur ? cur->mediac : 0) + (unsigned)trackc + 1;
	b.mb = mbuf_alloc(2048);
	b.lv = mem_zalloc(n * sizeof(*b.lv), NULL);
	if (!b.mb || !b.lv) {
		err = ENOMEM;
		goto out;
	}

	next = calls_sdp_next_mid(cur);
	if (cur) {
		offer_existing(&b, cur, &ids, trackv, trackc);
		for (i = 0; i < cur->mediac; i++)
			has_app |= cur->mediav[i].type == CALLS_SDP_APPLICATION;
	}

	err = offer_new(&b, cur, &ids, trackv, trackc, &next);
	if (err)
		goto out;

	if (datachannel && !has_app) {
		err = re_sdprintf(&dcmid, "%u", next);
		if (err)
			goto out;
		memset(&b.lv[b.lc], 0, sizeof(b.lv[b.lc]));
		b.lv[b.lc].type = CALLS_SDP_APPLICATION;
		b.lv[b.lc].accept = true;
		pl_set_str(&b.lv[b.lc++].mid, dcmid);
	}

	for (i = 0; i < b.lc; i++)
		b.lv[i].bundle = true;

	err = lines_write(&b, sdpp);

 out:
	mem_deref(dcmid);
	mem_deref(b.mb);
	mem_deref(b.lv);

	return err;
}
