/**
 * @file rtcd.c  calls-lt: the "sfu" target driver (rtcd WebSocket protocol)
 *
 * Plays the Calls plugin towards calls-sfu (or rtcd): self-registers
 * over POST /register unless --client-id/--auth-key are given, opens one
 * /ws (lib/rtcdc) per SFU host, and for each user sends `join`, relays
 * SDP and candidates as rtc messages and answers server offers. Once the
 * peer is connected (calls-dc open), a user that sends media takes the
 * DC Lock, offers its track(s), waits for the answer and Unlocks, then
 * says unmute (voice) or screen-on (screen share, before the offer).
 */
#include <string.h>
#include "re_inc.h"
#include "dcmsg.h"
#include "json.h"
#include "log.h"
#include "rtcdc.h"
#include "rtcdmsg.h"
#include "lt.h"
#include "ltint.h"

struct lt_target {
	struct calls_rtcdc *c;
	struct hash *users;           /* rusr by session id            */
	struct lt_target_conf conf;
	char *url;
	char client_id[40];
	char auth_key[64];
	lt_target_ready_h *readyh;
	void *arg;
	bool ready;
};

enum pub {
	PUB_NONE = 0,
	PUB_LOCKING,
	PUB_OFFERED,
	PUB_DONE,
};

struct rusr {
	struct le he;
	struct lt_target *t;
	struct lt_user *u;
	struct lt_peer *peer;
	struct tmr tmr;
	enum pub pub;
	bool muted;
};


static void rusr_destructor(void *arg)
{
	struct rusr *r = arg;

	tmr_cancel(&r->tmr);
	hash_unlink(&r->he);
	mem_deref(r->peer);
}


static void target_destructor(void *arg)
{
	struct lt_target *t = arg;

	hash_flush(t->users);
	mem_deref(t->users);
	mem_deref(t->c);
	mem_deref(t->url);
}


static bool sid_cmp(struct le *le, void *arg)
{
	const struct rusr *r = le->data;

	return !strcmp(r->u->session_id, arg);
}


static struct rusr *rusr_find(struct lt_target *t, const char *sid)
{
	struct le *le = hash_lookup(t->users, hash_joaat_str(sid), sid_cmp,
				    (void *)sid);

	return le ? le->data : NULL;
}


static int send_sdp(struct rusr *r, const char *type, const char *sdp)
{
	char *json = NULL;
	int err;

	err = re_sdprintf(&json, "{\"type\":\"%s\",\"sdp\":\"%H\"}", type,
			  calls_json_escape, sdp);
	if (err)
		return err;
	err = calls_rtcdc_send_rtc(r->t->c, r->u->session_id, CALLS_RTC_SDP,
				   json, strlen(json));
	mem_deref(json);

	return err;
}


/* ------------------------------------------------------- publishing */

static void lock_request(void *arg)
{
	static const uint8_t lock[] = {0xcc, CALLS_DCMSG_LOCK};
	struct rusr *r = arg;

	r->pub = PUB_LOCKING;
	if (lt_peer_dc_send(r->peer, lock, sizeof(lock)))
		tmr_start(&r->tmr, 200, lock_request, r);
}


static void publish(struct rusr *r)
{
	char *sdp = NULL, *json = NULL;
	int err;

	if (r->u->unmuted)
		lt_peer_track_add(r->peer, false);
	if (r->u->screen) {
		lt_peer_track_add(r->peer, true);
		err = re_sdprintf(&json, "{\"screenStreamID\":\"%s\"}",
				  lt_peer_screen_stream(r->peer));
		if (!err)
			(void)calls_rtcdc_send_rtc(r->t->c, r->u->session_id,
						   CALLS_RTC_SCREEN_ON, json,
						   strlen(json));
		mem_deref(json);
	}

	err = lt_peer_offer(r->peer, &sdp);
	if (!err) {
		if (calls_log_enabled(CALLS_LOG_TRACE))
			log_debug("calls-lt: %s: publish offer:\n%s",
				  r->u->session_id, sdp);
		err = send_sdp(r, "offer", sdp);
	}
	mem_deref(sdp);
	if (err) {
		log_warn("calls-lt: %s: publish offer: %m", r->u->session_id,
			 err);
		return;
	}
	r->pub = PUB_OFFERED;
}


static void published(struct rusr *r)
{
	static const uint8_t unlock[] = {0xcc, CALLS_DCMSG_UNLOCK};

	(void)lt_peer_dc_send(r->peer, unlock, sizeof(unlock));
	r->pub = PUB_DONE;
	if (r->u->unmuted && !r->muted) {
		(void)calls_rtcdc_send_rtc(r->t->c, r->u->session_id,
					   CALLS_RTC_UNMUTE, NULL, 0);
		lt_peer_send_audio(r->peer, true);
	}
	if (r->u->screen)
		lt_peer_send_video(r->peer, true);
}


/* ------------------------------------------------------- peer events */

static void peer_connected(struct lt_peer *p, void *arg)
{
	struct rusr *r = arg;
	(void)p;

	lt_user_connected(r->u);
	if (r->u->unmuted || r->u->screen)
		lock_request(r);
}


static void peer_failed(struct lt_peer *p, enum lt_fail why, void *arg)
{
	struct rusr *r = arg;
	(void)p;

	lt_user_failed(r->u, why);
}


static void peer_dcmsg(struct lt_peer *p, const uint8_t *buf, size_t len,
		       void *arg)
{
	struct rusr *r = arg;
	struct calls_dcmsg m;
	(void)p;

	if (calls_dcmsg_decode(&m, buf, len))
		return;
	log_debug("calls-lt: %s: DC %s%s", r->u->session_id,
		  calls_dcmsg_type_name(m.type),
		  m.type == CALLS_DCMSG_LOCK && m.has_payload ?
		  (m.lock ? " granted" : " refused") : "");
	if (m.type == CALLS_DCMSG_LOCK && m.has_payload &&
	    r->pub == PUB_LOCKING) {
		if (m.lock)
			publish(r);
		else
			tmr_start(&r->tmr, 200, lock_request, r);
	}
}


static void peer_first_audio(struct lt_peer *p, void *arg)
{
	struct rusr *r = arg;
	(void)p;

	lt_user_first_audio(r->u);
}


static const struct lt_peer_h peer_h = {
	.connected = peer_connected,
	.failed = peer_failed,
	.dcmsg = peer_dcmsg,
	.first_audio = peer_first_audio,
};


/* ----------------------------------------------------- signaling in */

static void on_sdp(struct rusr *r, const uint8_t *data, size_t len)
{
	struct odict *od = NULL;
	const char *type, *sdp;
	char *ans = NULL;
	int err;

	if (json_decode_odict(&od, 8, (const char *)data, len, 4))
		goto bad;
	type = odict_string(od, "type");
	sdp = odict_string(od, "sdp");
	if (!type || !sdp)
		goto bad;
	log_debug("calls-lt: %s: SDP %s from the SFU", r->u->session_id,
		  type);

	if (!strcmp(type, "answer")) {
		err = lt_peer_answer(r->peer, sdp, strlen(sdp));
		if (err)
			goto bad;
		if (r->pub == PUB_OFFERED)
			published(r);
	}
	else if (!strcmp(type, "offer")) {
		err = lt_peer_remote_offer(r->peer, sdp, strlen(sdp), &ans);
		if (!err)
			err = send_sdp(r, "answer", ans);
		mem_deref(ans);
		if (err)
			goto bad;
	}
	mem_deref(od);
	return;

 bad:
	mem_deref(od);
	log_warn("calls-lt: %s: bad SDP message from the SFU",
		 r->u->session_id);
	lt_user_failed(r->u, LT_FAIL_SIGNALING);
}


static void on_candidate(struct rusr *r, const uint8_t *data, size_t len)
{
	const struct odict_entry *e;
	struct odict *od = NULL;
	const char *cand = NULL;

	if (json_decode_odict(&od, 8, (const char *)data, len, 4))
		return;
	e = odict_get_type(od, ODICT_OBJECT, "candidate");
	if (e)
		cand = odict_string(e->u.odict, "candidate");
	else
		cand = odict_string(od, "candidate");
	if (cand && *cand)
		(void)lt_peer_candidate(r->peer, cand);
	mem_deref(od);
}


static void msg_h(const struct calls_rtcdmsg *msg, void *arg)
{
	struct lt_target *t = arg;
	struct rusr *r;

	switch (msg->type) {

	case CALLS_RTCDMSG_RTC:
		r = rusr_find(t, msg->rtc.session_id);
		if (!r || !msg->rtc.data)
			return;
		if (msg->rtc.type == CALLS_RTC_SDP)
			on_sdp(r, msg->rtc.data, msg->rtc.data_len);
		else if (msg->rtc.type == CALLS_RTC_ICE)
			on_candidate(r, msg->rtc.data, msg->rtc.data_len);
		break;

	case CALLS_RTCDMSG_CLOSE:
		r = msg->session_id ? rusr_find(t, msg->session_id) : NULL;
		if (r && !r->u->left)
			lt_user_failed(r->u, LT_FAIL_CLOSED);
		break;

	default:
		break;
	}
}


static void hello_h(const char *conn_id, void *arg)
{
	struct lt_target *t = arg;

	log_debug("calls-lt: %s: connected as %s", t->url, conn_id);
	t->ready = true;
	if (t->readyh)
		t->readyh(0, t->arg);
}


static bool user_closed(struct le *le, void *arg)
{
	struct rusr *r = le->data;
	(void)arg;

	if (!r->u->left)
		lt_user_failed(r->u, LT_FAIL_CLOSED);

	return false;
}


static void close_h(int err, void *arg)
{
	struct lt_target *t = arg;

	if (!t->ready) {
		if (t->readyh)
			t->readyh(err ? err : ECONNRESET, t->arg);
		return;
	}
	log_warn("calls-lt: %s: WebSocket closed (%m)", t->url, err);
	t->ready = false;
	/* every user still in a call on this host failed */
	(void)hash_apply(t->users, user_closed, NULL);
}


/* -------------------------------------------------------------- ops */

static int self_register(struct lt_target *t)
{
	char *body = NULL, *resp = NULL, *url = NULL;
	char id[CALLS_RTCD_ID_LEN + 1];
	int status = 0, err;

	err = calls_rtcd_id_new(id);
	if (err)
		return err;
	re_snprintf(t->client_id, sizeof(t->client_id), "lt-%s", id);
	err = calls_rtcd_id_new(id);
	if (err)
		return err;
	re_snprintf(t->auth_key, sizeof(t->auth_key), "%s", id);
	err = calls_rtcd_id_new(id);     /* 52 characters of key */
	if (err)
		return err;
	str_ncpy(t->auth_key + CALLS_RTCD_ID_LEN, id,
		 sizeof(t->auth_key) - CALLS_RTCD_ID_LEN);

	err  = re_sdprintf(&body, "{\"clientID\":\"%s\",\"authKey\":\"%s\"}",
			   t->client_id, t->auth_key);
	err |= re_sdprintf(&url, "%s%sregister", t->url,
			   t->url[strlen(t->url) - 1] == '/' ? "" : "/");
	if (err)
		goto out;
	err = lt_http("POST", url, NULL, body, 10000, &status, &resp);
	if (err) {
		log_error("calls-lt: %s: %m", url, err);
		goto out;
	}
	if (status != 201 && status != 200) {
		log_error("calls-lt: %s: registration refused (HTTP %d: %s)",
			  url, status, resp ? resp : "");
		err = EACCES;
	}

 out:
	mem_deref(body);
	mem_deref(resp);
	mem_deref(url);
	return err;
}


static int sfu_connect(struct lt_target **tp,
		       const struct lt_target_conf *conf,
		       lt_target_ready_h *readyh, void *arg)
{
	struct lt_target *t;
	int err;

	if (!tp || !conf || !conf->url)
		return EINVAL;
	t = mem_zalloc(sizeof(*t), target_destructor);
	if (!t)
		return ENOMEM;
	t->conf = *conf;
	t->readyh = readyh;
	t->arg = arg;
	err = str_dup(&t->url, conf->url);
	if (!err)
		err = hash_alloc(&t->users, 64);
	if (err)
		goto out;

	if (conf->client_id && conf->auth_key) {
		str_ncpy(t->client_id, conf->client_id, sizeof(t->client_id));
		str_ncpy(t->auth_key, conf->auth_key, sizeof(t->auth_key));
	}
	else {
		err = self_register(t);
		if (err)
			goto out;
	}

	err = calls_rtcdc_connect(&t->c, t->url, t->client_id, t->auth_key,
				  hello_h, msg_h, close_h, t);

 out:
	if (err)
		mem_deref(t);
	else
		*tp = t;

	return err;
}


static int sfu_join(struct lt_target *t, struct lt_user *u)
{
	struct calls_rtcdmsg_join j;
	struct lt_peer_conf pc;
	struct rusr *r;
	char *sdp = NULL;
	char chan[48];
	int err;

	r = mem_zalloc(sizeof(*r), rusr_destructor);
	if (!r)
		return ENOMEM;
	r->t = t;
	r->u = u;
	u->drv = r;

	memset(&pc, 0, sizeof(pc));
	pc.datachannel = true;
	pc.laddr = t->conf.laddr;
	pc.stats = u->stats;
	pc.media = t->conf.media;
	err = lt_peer_alloc(&r->peer, &pc, &peer_h, r);
	if (err)
		return err;
	hash_append(t->users, hash_joaat_str(u->session_id), &r->he, r);

	re_snprintf(chan, sizeof(chan), "chan-%s", u->call_id);
	memset(&j, 0, sizeof(j));
	j.call_id = u->call_id;
	j.user_id = u->user_id;
	j.session_id = u->session_id;
	j.channel_id = chan;
	j.av1_support = CALLS_TRI_FALSE;
	j.dc_signaling = CALLS_TRI_FALSE;
	err = calls_rtcdc_join(t->c, &j);
	if (err)
		return err;

	err = lt_peer_offer(r->peer, &sdp);
	if (!err)
		err = send_sdp(r, "offer", sdp);
	mem_deref(sdp);

	return err;
}


static int sfu_leave(struct lt_target *t, struct lt_user *u)
{
	struct rusr *r = u->drv;

	if (r) {
		lt_peer_send_audio(r->peer, false);
		lt_peer_send_video(r->peer, false);
	}
	if (!t->ready)
		return ENOTCONN;

	return calls_rtcdc_leave(t->c, u->session_id);
}


static int sfu_mute(struct lt_target *t, struct lt_user *u, bool muted)
{
	struct rusr *r = u->drv;

	if (!r || r->pub != PUB_DONE || !u->unmuted)
		return 0;
	r->muted = muted;
	lt_peer_send_audio(r->peer, !muted);

	return calls_rtcdc_send_rtc(t->c, u->session_id,
				    muted ? CALLS_RTC_MUTE : CALLS_RTC_UNMUTE,
				    NULL, 0);
}


static int sfu_screen(struct lt_target *t, struct lt_user *u, bool on)
{
	struct rusr *r = u->drv;

	if (!r)
		return EINVAL;
	lt_peer_send_video(r->peer, on);
	if (on)
		return 0;

	return calls_rtcdc_send_rtc(t->c, u->session_id, CALLS_RTC_SCREEN_OFF,
				    NULL, 0);
}


static void sfu_close(struct lt_target *t)
{
	mem_deref(t);
}


const struct lt_target_ops lt_target_sfu = {
	.name = "sfu",
	.connect = sfu_connect,
	.join = sfu_join,
	.leave = sfu_leave,
	.mute = sfu_mute,
	.screen = sfu_screen,
	.close = sfu_close,
};
