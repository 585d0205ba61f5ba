/**
 * @file media.c  calls-sfu: sfu_media_ops, signaling and renegotiation
 *
 * Per peer, forwarded tracks (struct otrack) wait in a queue of actions
 * (add or remove); neg_run() takes the first one when the first offer
 * was answered, the data channel is open (rtcd's tracksInitDone) and no
 * offer is in flight: it takes the session's signaling lock (waiting up
 * to 5 s while the client holds it), builds an offer with every current
 * m-line plus the change, sends the MediaMap on the DC and the offer
 * (WS rtc type 2, or the DC when the client signals there), and waits
 * up to 10 s for the answer, which gives the receiver's payload types
 * and extension ids; then it releases the lock and takes the next one.
 *
 * Client offers are answered on the path they came by; one that comes
 * while we are offering is ignored ("signaling conflict"), as rtcd does:
 * the client is the polite peer and rolls back. The `calls-dc` protocol
 * (lock, MediaMap, SDP over the channel) is in dc.c.
 */
#include <stdlib.h>
#include <string.h>
#include "re_inc.h"
#define LOG_MODULE "media"
#include "log.h"
#include "dtls.h"
#include "dcmsg.h"
#include "json.h"
#include "rtc.h"
#include "rtcdmsg.h"
#include "rtcnet.h"
#include "cand.h"
#include "config.h"
#include "metrics.h"
#include "peer.h"
#include "fwd.h"

enum {
	ANSWER_WAIT_MS = 10000,    /* rtcd: 10 s for the client's answer */
	LOCK_WAIT_MS   = 5000,     /* rtcd: dc.Lock timeout              */
	RTCP_INTERVAL  = 1000,
	TRACKS_MAX     = CALLS_SDP_MAX_MEDIA,
	CALL_BUCKETS   = 256,
};


/* ---- calls ---- */

static void call_destructor(void *arg)
{
	struct mcall *c = arg;

	hash_unlink(&c->he);
	mem_deref(c->key);
}


static bool call_cmp(struct le *le, void *arg)
{
	struct mcall *c = le->data;

	return !strcmp(c->key, arg);
}


static int call_get(struct mcall **cp, struct sfu_media *med,
		    const char *gid, const char *cid)
{
	struct mcall *c;
	char *key = NULL;
	int err;

	err = re_sdprintf(&key, "%s\n%s", gid, cid);
	if (err)
		return err;

	c = list_ledata(hash_lookup(med->calls, hash_joaat_str(key),
				    call_cmp, key));
	if (c) {
		mem_deref(key);
		*cp = c;
		return 0;
	}

	c = mem_zalloc(sizeof(*c), call_destructor);
	if (!c) {
		mem_deref(key);
		return ENOMEM;
	}

	c->med = med;
	c->key = key;
	hash_append(med->calls, hash_joaat_str(key), &c->he, c);
	*cp = c;

	return 0;
}


/* ---- sending SDP ---- */

static int sdp_json(char **jsonp, const char *type, const char *sdp)
{
	return re_sdprintf(jsonp, "{\"type\":\"%H\",\"sdp\":\"%H\"}",
			   calls_json_escape, type, calls_json_escape, sdp);
}


static int send_sdp(struct peer *p, const char *type, const char *sdp,
		    bool dc)
{
	struct mbuf *mb;
	char *json = NULL;
	int err;

	if (!dc)
		return sfu_session_send_sdp(p->s, type, sdp);

	mb = mbuf_alloc(1024);
	err = sdp_json(&json, type, sdp);
	if (!mb || err) {
		err = err ? err : ENOMEM;
		goto out;
	}

	err = calls_dcmsg_encode_sdp(mb, json, strlen(json));
	if (!err)
		err = peer_dc_send(p, false, mb->buf, mb->end);

 out:
	mem_deref(json);
	mem_deref(mb);

	return err;
}


/* ---- our descriptions ---- */

struct local {
	struct calls_sdp_local loc;
	char fp_hash[16];
	char *fp;
	char *candv[32];
	size_t candc;
};


static void local_reset(struct local *l)
{
	size_t i;

	for (i = 0; i < l->candc; i++)
		mem_deref(l->candv[i]);
	mem_deref(l->fp);
	memset(l, 0, sizeof(*l));
}


static int local_init(struct local *l, struct peer *p, bool offer)
{
	const char *fp = calls_dtls_fingerprint();
	const char *sp;
	size_t i, n;

	memset(l, 0, sizeof(*l));
	if (!fp || !(sp = strchr(fp, ' ')) ||
	    (size_t)(sp - fp) >= sizeof(l->fp_hash))
		return EPROTO;

	memcpy(l->fp_hash, fp, sp - fp);
	if (str_dup(&l->fp, sp + 1))
		return ENOMEM;

	n = p->med->cands ? sfu_cands_count(p->med->cands) : 0;
	for (i = 0; i < n && l->candc < ARRAY_SIZE(l->candv); i++) {
		const struct sfu_cand *c = sfu_cands_get(p->med->cands, i);

		if (re_sdprintf(&l->candv[l->candc], "%H",
				sfu_cand_print_sdp, c) == 0)
			++l->candc;
	}

	l->loc.ice_ufrag = p->ufrag;
	l->loc.ice_pwd = p->pwd;
	l->loc.ice_lite = true;
	l->loc.fp_hash = l->fp_hash;
	l->loc.fp = l->fp;
	/* offers say actpass (JSEP; aiortc insists); the established role
	 * stays */
	l->loc.setup = CALLS_SDP_SETUP_NONE;
	(void)offer;
	l->loc.candv = (const char *const *)l->candv;
	l->loc.candc = l->candc;
	l->loc.eoc = true;
	l->loc.sess_id = p->rtcp_ssrc;
	l->loc.sess_version = ++p->sdp_version;

	return 0;
}


/* The tracks our description carries, in m-line creation order */
static size_t tracks_fill(struct peer *p, struct calls_sdp_track *tv,
			  size_t max)
{
	struct le *le;
	size_t n = 0;

	LIST_FOREACH(&p->otracks, le) {
		struct otrack *ot = le->data;
		struct calls_sdp_track *t;

		if (ot->st == OT_ADD || !ot->mid || n >= max)
			continue;

		t = &tv[n++];
		memset(t, 0, sizeof(*t));
		t->type = ot->mtype;
		t->mid = ot->mid;
		t->stream_id = ot->sender;
		t->track_id = ot->track_id;
		t->ssrc = ot->ssrc;
		t->cname = ot->sender;
		t->removed = ot->st == OT_DELETING || ot->st == OT_GONE;
	}

	return n;
}


static void trickle(struct peer *p)
{
	size_t i, n;

	n = p->med->cands ? sfu_cands_count(p->med->cands) : 0;
	for (i = 0; i < n && p->s; i++) {
		char *json = NULL;

		if (re_sdprintf(&json, "%H", sfu_cand_print_json,
				sfu_cands_get(p->med->cands, i)))
			continue;
		sfu_session_send_ice(p->s, json);
		mem_deref(json);
	}
}


/* ---- client offers ---- */

static int fingerprint(char **fpp, const struct calls_sdp *sdp)
{
	unsigned i;

	for (i = 0; i < sdp->mediac; i++) {
		const struct calls_sdp_media *m = &sdp->mediav[i];

		if (m->port && pl_isset(&m->fp_hash) && pl_isset(&m->fp))
			return re_sdprintf(fpp, "%r %r", &m->fp_hash,
					   &m->fp);
	}

	return EPROTO;
}


static int answer_make(struct peer *p, const struct calls_sdp *offer,
		       char **answerp)
{
	struct calls_sdp_track *tv;
	struct local l;
	size_t tc;
	int err;

	tv = mem_zalloc(TRACKS_MAX * sizeof(*tv), NULL);
	if (!tv)
		return ENOMEM;

	tc = tracks_fill(p, tv, TRACKS_MAX);
	err = local_init(&l, p, false);
	if (!err)
		err = calls_sdp_answer(answerp, offer, &l.loc, tv, tc);

	local_reset(&l);
	mem_deref(tv);

	return err;
}


int media_offer(struct peer *p, const char *text, bool dc)
{
	struct calls_sdp *offer = NULL;
	char *answer = NULL;
	int err;

	if (p->offering || p->lock_server) {
		log_info("session %s: signaling conflict: client offer "
			 "while we offer, ignored", p->sid);
		return 0;
	}

	err = calls_sdp_parse(&offer, text, strlen(text));
	if (err) {
		sfu_metrics_rtc_error(p->med->m, p->gid, "signaling");
		log_info("session %s: bad offer: %m", p->sid, err);
		return err;
	}

	if (!p->answered) {
		err = fingerprint(&p->fp, offer);
		if (!err)
			err = peer_dtls_start(p, p->fp);
		if (err) {
			peer_fail(p, "signaling", "offer without a usable "
				  "DTLS fingerprint");
			goto out;
		}
	}

	err = answer_make(p, offer, &answer);
	if (err) {
		sfu_metrics_rtc_error(p->med->m, p->gid, "signaling");
		log_warn("session %s: answer: %m", p->sid, err);
		goto out;
	}

	p->remote = mem_deref(p->remote);
	err = str_dup(&p->remote, text);
	if (err)
		goto out;

	err = send_sdp(p, "answer", answer, dc);
	if (err)
		log_warn("session %s: sending answer: %m", p->sid, err);

	if (!p->answered) {
		p->answered = true;
		trickle(p);
		peer_answered(p);
	}

	fwd_itracks_update(p, offer);
	if (!p->closing)
		media_kick(p);

 out:
	mem_deref(answer);
	mem_deref(offer);

	return err;
}


/* ---- server offers ---- */

static void lock_release(struct peer *p)
{
	if (!p->lock_server)
		return;

	p->lock_server = false;
	sfu_metrics_observe(p->med->m, SFU_HIST_LOCK_LOCKED_TIME, p->gid,
			    (tmr_jiffies() - p->lock_ms) / 1000.0);
}


static void neg_done(struct peer *p)
{
	tmr_cancel(&p->tmr_neg);
	p->offering = NULL;
	lock_release(p);
	media_kick(p);
}


int media_answer(struct peer *p, const char *text)
{
	struct calls_sdp *ans = NULL;
	struct otrack *ot = p->offering;
	int err;

	if (!ot) {
		log_info("session %s: answer without an offer, ignored",
			 p->sid);
		return 0;
	}

	err = calls_sdp_parse(&ans, text, strlen(text));
	if (err) {
		sfu_metrics_rtc_error(p->med->m, p->gid, "signaling");
		log_info("session %s: bad answer: %m", p->sid, err);
		goto out;
	}

	mem_deref(p->remote);
	p->remote = NULL;
	err = str_dup(&p->remote, text);
	if (err)
		goto out;

	if (ot->st == OT_ADDING) {
		if (fwd_otrack_apply(ot, ans)) {
			log_info("session %s: track %s refused", p->sid,
				 ot->track_id);
			sfu_metrics_rtc_error(p->med->m, p->gid, "track");
			ot->st = OT_GONE;
		}
		else if (!ot->in) {
			/* unpublished while in flight: remove it next */
			ot->st = OT_DEL;
			sfu_metrics_tracks(p->med->m, p->gid, true,
				ot->mtype == CALLS_SDP_AUDIO ?
				"audio/opus" : "video/VP8", +1);
			list_append(&p->queue, &ot->le_q, ot);
		}
		else {
			ot->st = OT_LIVE;
			sfu_metrics_tracks(p->med->m, p->gid, true,
				ot->mtype == CALLS_SDP_AUDIO ?
				"audio/opus" : "video/VP8", +1);
			log_debug("session %s: forwarding %s (mid %s, pt %u)",
				  p->sid, ot->track_id, ot->mid, ot->pt);
			fwd_otrack_live(ot);
		}
	}
	else if (ot->st == OT_DELETING) {
		ot->st = OT_GONE;
		sfu_metrics_tracks(p->med->m, p->gid, true,
				   ot->mtype == CALLS_SDP_AUDIO ?
				   "audio/opus" : "video/VP8", -1);
	}

	fwd_itracks_update(p, ans);
	if (p->closing)
		goto out;

	neg_done(p);

 out:
	mem_deref(ans);

	return err;
}


static void answer_timeout(void *arg)
{
	struct peer *p = arg;
	struct otrack *ot = p->offering;

	log_warn("session %s: no answer to our offer in %u ms", p->sid,
		 p->med->answer_ms);
	sfu_metrics_rtc_error(p->med->m, p->gid, "signaling");

	/* try again later: the action goes back to the head */
	if (ot) {
		ot->st = ot->st == OT_ADDING ? OT_ADD : OT_DEL;
		list_prepend(&p->queue, &ot->le_q, ot);
	}

	p->offering = NULL;
	lock_release(p);
	media_kick(p);
}


static void lock_timeout(void *arg)
{
	struct peer *p = arg;

	log_warn("session %s: signaling lock not granted in %u ms",
		 p->sid, p->med->lock_ms);
	sfu_metrics_rtc_error(p->med->m, p->gid, "signaling_lock_timeout");
	p->lock_wait_ms = 0;
	media_kick(p);
}


/* A fresh mid: a gone m-line of the same kind, or the next number */
static int mid_assign(struct peer *p, struct otrack *ot,
		      const struct calls_sdp *cur)
{
	unsigned next = cur ? calls_sdp_next_mid(cur) : 0;
	struct le *le;

	LIST_FOREACH(&p->otracks, le) {
		struct otrack *o = le->data;

		if (o == ot || !o->mid)
			continue;

		if (o->st == OT_GONE && o->mtype == ot->mtype) {
			ot->mid = o->mid;
			o->mid = NULL;
			/* the new track takes the old one's m-line and its
			 * place in the order */
			list_unlink(&ot->le_rx);
			list_insert_after(&p->otracks, &o->le_rx,
					  &ot->le_rx, ot);
			mem_deref(o);
			return 0;
		}

		if ((unsigned)atoi(o->mid) >= next)
			next = (unsigned)atoi(o->mid) + 1;
	}

	return re_sdprintf(&ot->mid, "%u", next);
}


static int offer_send(struct peer *p, struct otrack *ot)
{
	struct calls_sdp_track *tv = NULL;
	struct calls_sdp *cur = NULL;
	char *offer = NULL;
	struct local l;
	size_t tc;
	int err;

	memset(&l, 0, sizeof(l));

	err = calls_sdp_parse(&cur, p->remote, strlen(p->remote));
	if (err)
		goto out;

	if (ot->st == OT_ADDING && !ot->mid) {
		err = mid_assign(p, ot, cur);
		if (err)
			goto out;
	}

	tv = mem_zalloc(TRACKS_MAX * sizeof(*tv), NULL);
	if (!tv) {
		err = ENOMEM;
		goto out;
	}

	tc = tracks_fill(p, tv, TRACKS_MAX);
	err = local_init(&l, p, true);
	if (!err)
		err = calls_sdp_offer(&offer, cur, &l.loc, tv, tc, false);
	if (err)
		goto out;

	err = media_dc_media_map(p);
	if (err)
		log_info("session %s: MediaMap not sent: %m", p->sid, err);

	err = send_sdp(p, "offer", offer, p->dc_sig);

 out:
	local_reset(&l);
	mem_deref(tv);
	mem_deref(offer);
	mem_deref(cur);

	return err;
}


static void neg_run(struct peer *p)
{
	struct otrack *ot;
	int err;

	if (p->closing || !p->answered || !p->tracks_init || p->offering ||
	    !p->remote)
		return;

	ot = list_ledata(p->queue.head);
	if (!ot)
		return;

	if (p->lock_client) {
		if (!p->lock_wait_ms) {
			p->lock_wait_ms = tmr_jiffies();
			tmr_start(&p->tmr_neg, p->med->lock_ms, lock_timeout,
				  p);
		}
		return;
	}

	tmr_cancel(&p->tmr_neg);
	p->lock_server = true;
	p->lock_ms = tmr_jiffies();
	sfu_metrics_observe(p->med->m, SFU_HIST_LOCK_GRAB_TIME, p->gid,
			    p->lock_wait_ms ?
			    (p->lock_ms - p->lock_wait_ms) / 1000.0 : 0);
	p->lock_wait_ms = 0;

	list_unlink(&ot->le_q);
	ot->st = ot->st == OT_ADD ? OT_ADDING : OT_DELETING;
	p->offering = ot;

	log_debug("session %s: offer: %s %s", p->sid,
		  ot->st == OT_ADDING ? "add" : "remove", ot->track_id);

	err = offer_send(p, ot);
	if (err) {
		log_warn("session %s: server offer: %m", p->sid, err);
		sfu_metrics_rtc_error(p->med->m, p->gid, "signaling");
		/* drop the action: a broken one must not block the rest */
		if (ot->st == OT_DELETING)
			sfu_metrics_tracks(p->med->m, p->gid, true,
				ot->mtype == CALLS_SDP_AUDIO ?
				"audio/opus" : "video/VP8", -1);
		ot->st = OT_GONE;
		p->offering = NULL;
		lock_release(p);
		media_kick(p);
		return;
	}

	tmr_start(&p->tmr_neg, p->med->answer_ms, answer_timeout, p);
}


static void kick_h(void *arg)
{
	neg_run(arg);
}


void media_run(struct peer *p)
{
	if (p) {
		tmr_cancel(&p->tmr_kick);
		neg_run(p);
	}
}


void media_kick(struct peer *p)
{
	if (p && !p->closing && !tmr_isrunning(&p->tmr_kick))
		tmr_start(&p->tmr_kick, 0, kick_h, p);
}


void media_otrack_queue(struct peer *rx, struct itrack *in)
{
	struct otrack *ot;

	if (fwd_otrack_alloc(&ot, rx, in))
		return;

	list_append(&rx->queue, &ot->le_q, ot);
	media_kick(rx);
}


void media_track_publish(struct itrack *in)
{
	struct le *le;

	LIST_FOREACH(&in->pub->call->peers, le) {
		struct peer *q = le->data;

		if (q == in->pub || !q->tracks_init || q->closing)
			continue;

		media_otrack_queue(q, in);
	}
}


void media_track_unpublish(struct itrack *in)
{
	struct le *le;

	while ((le = in->outs.head)) {
		struct otrack *ot = le->data;
		struct peer *rx = ot->rx;

		list_unlink(&ot->le_in);
		ot->in = NULL;

		switch (ot->st) {

		case OT_ADD:
			fwd_otrack_free(ot);
			break;

		case OT_LIVE:
			ot->st = OT_DEL;
			list_append(&rx->queue, &ot->le_q, ot);
			media_kick(rx);
			break;

		default:  /* in flight: handled when answered */
			break;
		}
	}
}


/* ---- sfu_media_ops ---- */

static int mb_print(const char *p, size_t size, void *arg)
{
	return mbuf_write_mem(arg, (const uint8_t *)p, size);
}


/* The join's dcSignaling prop, read back from its SessionConfig JSON */
static bool join_dc_signaling(const struct sfu_media *med,
			      const struct sfu_session *s)
{
	const struct odict_entry *e;
	struct odict *od = NULL;
	struct re_printf pf;
	struct mbuf *mb;
	bool v = false;

	if (!med->rtc)
		return false;

	mb = mbuf_alloc(512);
	if (!mb)
		return false;

	pf.vph = mb_print;
	pf.arg = mb;
	if (sfu_rtc_sessions_json(&pf, med->rtc, sfu_session_group_id(s),
				  sfu_session_call_id(s), sfu_session_id(s),
				  NULL) ||
	    json_decode_odict(&od, 8, (const char *)mb->buf, mb->end, 4))
		goto out;

	e = odict_get_type(od, ODICT_OBJECT, "Props");
	if (e)
		(void)odict_get_boolean(e->u.odict, &v, "dcSignaling");

 out:
	mem_deref(od);
	mem_deref(mb);

	return v;
}


static int op_attach(struct sfu_session *s, void **mediap, void *arg)
{
	struct sfu_media *med = arg;
	struct mcall *c;
	struct peer *p;
	int err;

	err = call_get(&c, med, sfu_session_group_id(s),
		       sfu_session_call_id(s));
	if (err)
		return err;

	err = peer_alloc(&p, med, s);
	if (err) {
		if (list_isempty(&c->peers))
			mem_deref(c);
		return err;
	}

	p->call = c;
	p->dc_sig = join_dc_signaling(med, s);
	list_append(&c->peers, &p->le_call, p);
	*mediap = p;

	return 0;
}


static int op_sdp(struct sfu_session *s, const char *type, const char *sdp,
		  void *arg)
{
	struct peer *p = sfu_session_media(s);
	(void)arg;

	if (!p || p->closing)
		return 0;

	if (!strcmp(type, "offer"))
		return media_offer(p, sdp, false);

	return media_answer(p, sdp);
}


static int op_candidate(struct sfu_session *s, const char *json,
			size_t len, void *arg)
{
	/* ICE-lite: the client's candidates are learnt from its checks */
	(void)s;
	(void)json;
	(void)len;
	(void)arg;

	return 0;
}


static void op_state(struct sfu_session *s, int type, void *arg)
{
	struct peer *p = sfu_session_media(s);
	(void)arg;

	if (!p || p->closing)
		return;

	switch (type) {

	case CALLS_RTC_MUTE:
		fwd_mute(p);
		break;

	case CALLS_RTC_UNMUTE:
		break;

	default:
		fwd_reclassify(p);
		break;
	}
}


static void op_detach(struct sfu_session *s, void *media, void *arg)
{
	struct peer *p = media;
	struct mcall *c;
	(void)s;
	(void)arg;

	if (!p)
		return;

	p->closing = true;
	p->s = NULL;
	c = p->call;

	fwd_peer_close(p);
	list_unlink(&p->le_call);
	if (c && list_isempty(&c->peers))
		mem_deref(c);

	mem_deref(p);
}


static void rtcp_tick(void *arg)
{
	struct sfu_media *med = arg;

	tmr_start(&med->tmr_rtcp, RTCP_INTERVAL, rtcp_tick, med);
	fwd_rtcp_reports(med);
}


static void media_destructor(void *arg)
{
	struct sfu_media *med = arg;

	tmr_cancel(&med->tmr_rtcp);
	hash_flush(med->calls);
	mem_deref(med->calls);
}


static const struct sfu_media_ops media_ops_tmpl = {
	.attach = op_attach,
	.sdp = op_sdp,
	.candidate = op_candidate,
	.state = op_state,
	.detach = op_detach,
};


int sfu_media_alloc(struct sfu_media **medp, const struct sfu_config *cfg,
		    struct sfu_metrics *m, struct sfu_rtcnet *net,
		    struct sfu_cands *cands)
{
	struct sfu_media *med;
	int err;

	if (!medp)
		return EINVAL;

	med = mem_zalloc(sizeof(*med), media_destructor);
	if (!med)
		return ENOMEM;

	med->cfg = cfg;
	med->m = m;
	med->net = net;
	med->cands = cands;
	med->nack_size = cfg ? cfg->rtc.nack_buffer_size : 256;
	med->answer_ms = ANSWER_WAIT_MS;
	med->lock_ms = LOCK_WAIT_MS;
	tmr_init(&med->tmr_rtcp);

	err = hash_alloc(&med->calls, CALL_BUCKETS);
	if (err) {
		mem_deref(med);
		return err;
	}

	err = calls_dtls_init();
	if (err) {
		mem_deref(med);
		return err;
	}

	tmr_start(&med->tmr_rtcp, RTCP_INTERVAL, rtcp_tick, med);
	*medp = med;

	return 0;
}


void sfu_media_set_rtc(struct sfu_media *med, const struct sfu_rtc *rtc)
{
	if (med)
		med->rtc = rtc;
}


const struct sfu_media_ops *sfu_media_ops(struct sfu_media *med)
{
	if (!med)
		return NULL;

	med->ops = media_ops_tmpl;
	med->ops.arg = med;

	return &med->ops;
}
