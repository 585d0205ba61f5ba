/**
 * @file rtc.c  calls-sfu: groups, calls and sessions (the control plane)
 *
 * rtcd's model (service/rtc): groups[clientID].calls[callID].sessions,
 * plus a global session index. Fixes of rtcd's flaws: `rtc` and `leave`
 * only reach sessions of the sender's group; `close` is routed by the
 * caller's sessionID -> connID map (see ws.c), not to the joining conn.
 *
 * Without a media plane (this round) the first SDP offer is recorded on
 * the session and not answered: the session stays up (no offer deadline
 * any more) until leave or shutdown.
 */
#include <stdlib.h>
#include <string.h>
#include "re_inc.h"
#include "json.h"
#include "rtcdmsg.h"
#include "config.h"
#include "metrics.h"
#include "rtc.h"

#define LOG_MODULE "rtc"
#include "log.h"

enum {
	OFFER_TIMEOUT_MS = 10000,   /* rtcd's signalingTimeout */
	SESSION_HASH_SIZE = 256,
	JSON_MAX_DEPTH = 8,
};

struct sfu_rtc {
	const struct sfu_config *cfg;
	struct sfu_metrics *m;
	struct list groups;
	struct hash *sessions;      /* by sessionID, all groups */
	unsigned nsessions;
	unsigned ncalls;
	bool draining;
	uint32_t offer_ms;
	sfu_rtc_send_h *sendh;
	void *send_arg;
	sfu_rtc_idle_h *idleh;
	void *idle_arg;
	const struct sfu_media_ops *media;
};

struct group {
	struct le le;
	struct sfu_rtc *rtc;
	char *id;
	struct list calls;
};

struct call {
	struct le le;
	struct group *group;
	char *id;
	struct list sessions;
	struct sfu_session *screen;   /* the one screen sharer */
};

struct sfu_session {
	struct le le;                 /* in call->sessions */
	struct le he;                 /* in rtc->sessions */
	struct call *call;
	struct sfu_rtc *rtc;
	char *id;
	char *user_id;
	char *channel_id;             /* Props; NULL = null */
	enum calls_tri av1_support;
	enum calls_tri dc_signaling;
	struct tmr tmr_offer;
	bool offered;
	bool closed;
	bool muted;
	char *screen_stream;
	char *video_stream;
	char *last_offer;
	void *media;
};


static void group_destructor(void *arg)
{
	struct group *g = arg;

	list_unlink(&g->le);
	mem_deref(g->id);
}


static void call_destructor(void *arg)
{
	struct call *c = arg;

	list_unlink(&c->le);
	mem_deref(c->id);
}


static void session_destructor(void *arg)
{
	struct sfu_session *s = arg;

	tmr_cancel(&s->tmr_offer);
	list_unlink(&s->le);
	hash_unlink(&s->he);
	mem_deref(s->id);
	mem_deref(s->user_id);
	mem_deref(s->channel_id);
	mem_deref(s->screen_stream);
	mem_deref(s->video_stream);
	mem_deref(s->last_offer);
}


static void rtc_destructor(void *arg)
{
	struct sfu_rtc *rtc = arg;

	/* no `close` at teardown: the WebSocket side is gone too */
	rtc->sendh = NULL;
	rtc->idleh = NULL;
	sfu_rtc_close_all(rtc, "shutdown");
	mem_deref(rtc->sessions);
}


static uint32_t env_ms(const char *name, uint32_t def)
{
	const char *v = getenv(name);
	char *end;
	unsigned long n;

	if (!v || !*v)
		return def;

	n = strtoul(v, &end, 10);
	if (*end || n == 0 || n > 3600000) {
		log_warn("ignoring %s=%s (milliseconds, 1..3600000)", name, v);
		return def;
	}

	log_warn("test knob %s=%lu in use", name, n);

	return (uint32_t)n;
}


int sfu_rtc_alloc(struct sfu_rtc **rtcp, const struct sfu_config *cfg,
		  struct sfu_metrics *m)
{
	struct sfu_rtc *rtc;
	int err;

	if (!rtcp)
		return EINVAL;

	rtc = mem_zalloc(sizeof(*rtc), rtc_destructor);
	if (!rtc)
		return ENOMEM;

	rtc->cfg = cfg;
	rtc->m = m;
	rtc->offer_ms = env_ms(SFU_RTC_OFFER_TIMEOUT_ENV, OFFER_TIMEOUT_MS);

	err = hash_alloc(&rtc->sessions, SESSION_HASH_SIZE);
	if (err)
		mem_deref(rtc);
	else
		*rtcp = rtc;

	return err;
}


void sfu_rtc_set_send_handler(struct sfu_rtc *rtc, sfu_rtc_send_h *sendh,
			      void *arg)
{
	if (!rtc)
		return;

	rtc->sendh = sendh;
	rtc->send_arg = arg;
}


void sfu_rtc_set_idle_handler(struct sfu_rtc *rtc, sfu_rtc_idle_h *idleh,
			      void *arg)
{
	if (!rtc)
		return;

	rtc->idleh = idleh;
	rtc->idle_arg = arg;
}


void sfu_rtc_set_media(struct sfu_rtc *rtc, const struct sfu_media_ops *ops)
{
	if (rtc)
		rtc->media = ops;
}


static bool str_eq(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}


static struct group *group_find(const struct sfu_rtc *rtc, const char *id)
{
	struct le *le;

	LIST_FOREACH(&rtc->groups, le) {
		struct group *g = le->data;

		if (str_eq(g->id, id))
			return g;
	}

	return NULL;
}


static struct call *call_find(const struct group *g, const char *id)
{
	struct le *le;

	if (!g)
		return NULL;

	LIST_FOREACH(&g->calls, le) {
		struct call *c = le->data;

		if (str_eq(c->id, id))
			return c;
	}

	return NULL;
}


static bool sess_cmp(struct le *le, void *arg)
{
	const struct sfu_session *s = le->data;

	return str_eq(s->id, arg);
}


static struct sfu_session *session_find(const struct sfu_rtc *rtc,
					const char *id)
{
	struct le *le;

	if (!id)
		return NULL;

	le = hash_lookup(rtc->sessions, hash_joaat_str(id), sess_cmp,
			 (void *)id);

	return le ? le->data : NULL;
}


/* A session of group_id, or NULL: the group scoping rtcd lacks */
static struct sfu_session *session_owned(const struct sfu_rtc *rtc,
					 const char *group_id,
					 const char *id)
{
	struct sfu_session *s = session_find(rtc, id);

	if (!s || !str_eq(s->call->group->id, group_id))
		return NULL;

	return s;
}


static void send_msg(struct sfu_rtc *rtc, const struct sfu_session *s,
		     const struct calls_rtcdmsg *msg)
{
	if (rtc->sendh)
		rtc->sendh(s->call->group->id, s->id, msg, rtc->send_arg);
}


static void session_end(struct sfu_session *s, const char *reason)
{
	struct sfu_rtc *rtc = s->rtc;
	struct call *c = s->call;
	struct group *g = c->group;
	struct calls_rtcdmsg msg;

	if (s->closed)
		return;

	s->closed = true;
	tmr_cancel(&s->tmr_offer);

	log_info("session %s (call %s, group %s) closed: %s", s->id, c->id,
		 g->id, reason);

	if (c->screen == s)
		c->screen = NULL;

	if (rtc->media && rtc->media->detach)
		rtc->media->detach(s, s->media, rtc->media->arg);
	s->media = NULL;

	list_unlink(&s->le);
	hash_unlink(&s->he);
	--rtc->nsessions;
	sfu_metrics_session(rtc->m, g->id, -1);

	memset(&msg, 0, sizeof(msg));
	msg.type = CALLS_RTCDMSG_CLOSE;
	msg.session_id = s->id;
	send_msg(rtc, s, &msg);

	mem_deref(s);

	if (list_isempty(&c->sessions)) {
		--rtc->ncalls;
		log_debug("call %s of group %s ended", c->id, g->id);
		mem_deref(c);
	}

	if (list_isempty(&g->calls))
		mem_deref(g);

	if (!rtc->nsessions && rtc->idleh)
		rtc->idleh(rtc->idle_arg);
}


static void offer_timeout(void *arg)
{
	struct sfu_session *s = arg;

	log_warn("session %s: no SDP offer within %u ms", s->id,
		 s->rtc->offer_ms);
	sfu_metrics_rtc_error(s->rtc->m, s->call->group->id, "signaling");
	session_end(s, "signaling timeout");
}


static int str_set(char **dst, const char *src)
{
	*dst = mem_deref(*dst);

	return src ? str_dup(dst, src) : 0;
}


/* rtcd's checks and ours, before anything is created */
static int join_check(const struct sfu_rtc *rtc, const char *group_id,
		      const struct calls_rtcdmsg_join *j, const char **reasonp)
{
	const struct call *c;
	uint32_t max;

	if (!*group_id || !j->call_id || !*j->call_id || !j->user_id ||
	    !*j->user_id || !j->session_id || !*j->session_id) {
		*reasonp = "invalid session config: missing id";
		return EINVAL;
	}

	if (rtc->draining) {
		*reasonp = "server is draining";
		return ESHUTDOWN;
	}

	if (session_find(rtc, j->session_id)) {
		*reasonp = "user session already exists";
		return EALREADY;
	}

	c = call_find(group_find(rtc, group_id), j->call_id);
	max = rtc->cfg ? rtc->cfg->calls.max_call_participants : 0;
	if (max && c && list_count(&c->sessions) >= max) {
		*reasonp = "max call participants reached";
		return EBUSY;
	}

	return 0;
}


/* The call of the join, with its group, created if new */
static int call_get(struct call **cp, struct sfu_rtc *rtc,
		    const char *group_id, const char *call_id)
{
	struct group *g = group_find(rtc, group_id);
	struct call *c = call_find(g, call_id);

	if (c) {
		*cp = c;
		return 0;
	}

	if (!g) {
		g = mem_zalloc(sizeof(*g), group_destructor);
		if (!g || str_dup(&g->id, group_id)) {
			mem_deref(g);
			return ENOMEM;
		}
		g->rtc = rtc;
		list_append(&rtc->groups, &g->le, g);
	}

	c = mem_zalloc(sizeof(*c), call_destructor);
	if (!c || str_dup(&c->id, call_id)) {
		mem_deref(c);
		if (list_isempty(&g->calls))
			mem_deref(g);
		return ENOMEM;
	}

	c->group = g;
	list_append(&g->calls, &c->le, c);
	++rtc->ncalls;
	*cp = c;

	return 0;
}


/* Frees a call (and its group) that a failed join left empty */
static void call_unget(struct sfu_rtc *rtc, struct call *c)
{
	struct group *g = c->group;

	if (!list_isempty(&c->sessions))
		return;

	--rtc->ncalls;
	mem_deref(c);
	if (list_isempty(&g->calls))
		mem_deref(g);
}


int sfu_rtc_join(struct sfu_rtc *rtc, const char *group_id,
		 const struct calls_rtcdmsg_join *j, const char **reasonp)
{
	const char *reason = "out of memory";
	struct sfu_session *s;
	struct call *c = NULL;
	int err;

	if (!rtc || !group_id || !j)
		return EINVAL;

	err = join_check(rtc, group_id, j, &reason);
	if (err)
		goto out;

	err = call_get(&c, rtc, group_id, j->call_id);
	if (err)
		goto out;

	s = mem_zalloc(sizeof(*s), session_destructor);
	if (!s) {
		err = ENOMEM;
		goto out;
	}

	s->rtc = rtc;
	s->call = c;
	s->av1_support = j->av1_support;
	s->dc_signaling = j->dc_signaling;
	err  = str_dup(&s->id, j->session_id);
	err |= str_dup(&s->user_id, j->user_id);
	err |= str_set(&s->channel_id, j->channel_id);
	if (err) {
		mem_deref(s);
		err = ENOMEM;
		goto out;
	}

	list_append(&c->sessions, &s->le, s);
	hash_append(rtc->sessions, hash_joaat_str(s->id), &s->he, s);
	++rtc->nsessions;
	sfu_metrics_session(rtc->m, group_id, +1);

	tmr_start(&s->tmr_offer, rtc->offer_ms, offer_timeout, s);

	log_info("session %s joined call %s (group %s, user %s)", s->id,
		 c->id, group_id, s->user_id);

	if (rtc->media && rtc->media->attach) {
		err = rtc->media->attach(s, &s->media, rtc->media->arg);
		if (err) {
			log_warn("session %s: media attach: %m", s->id, err);
			session_end(s, "media attach failed");
			return err;
		}
	}

	return 0;

 out:
	if (c)
		call_unget(rtc, c);
	if (reasonp)
		*reasonp = reason;

	return err;
}


int sfu_rtc_leave(struct sfu_rtc *rtc, const char *group_id,
		  const char *session_id)
{
	struct sfu_session *s;

	if (!rtc || !group_id || !session_id)
		return EINVAL;

	s = session_owned(rtc, group_id, session_id);
	if (!s)
		return ENOENT;

	session_end(s, "leave");

	return 0;
}


bool sfu_rtc_session_owned(const struct sfu_rtc *rtc, const char *group_id,
			   const char *session_id)
{
	if (!rtc)
		return false;

	return session_owned(rtc, group_id, session_id) != NULL;
}


/* The JSON object in an rtc message's data */
static int data_json(struct odict **odp, const struct calls_rtcdmsg_rtc *m)
{
	if (!m->data || !m->data_len)
		return EBADMSG;

	if (json_decode_odict(odp, 8, (const char *)m->data, m->data_len,
			      JSON_MAX_DEPTH))
		return EBADMSG;

	return 0;
}


static int handle_sdp(struct sfu_session *s,
		      const struct calls_rtcdmsg_rtc *m)
{
	struct sfu_rtc *rtc = s->rtc;
	struct odict *od = NULL;
	const char *type, *sdp;
	int err;

	err = data_json(&od, m);
	if (err)
		goto out;

	type = odict_string(od, "type");
	sdp = odict_string(od, "sdp");
	if (!type || !sdp ||
	    (strcmp(type, "offer") && strcmp(type, "answer"))) {
		err = EBADMSG;
		goto out;
	}

	if (!strcmp(type, "offer")) {
		if (!s->offered)
			log_debug("session %s: first offer (%zu bytes)",
				  s->id, strlen(sdp));
		s->offered = true;
		tmr_cancel(&s->tmr_offer);
		err = str_set(&s->last_offer, sdp);
		if (err)
			goto out;
	}

	if (rtc->media && rtc->media->sdp)
		err = rtc->media->sdp(s, type, sdp, rtc->media->arg);
	else if (!strcmp(type, "offer"))
		log_debug("session %s: no media plane, offer recorded and "
			  "not answered", s->id);

 out:
	mem_deref(od);

	return err;
}


static int handle_ice(struct sfu_session *s,
		      const struct calls_rtcdmsg_rtc *m)
{
	struct sfu_rtc *rtc = s->rtc;
	struct odict *od = NULL;
	const char *cand;
	int err;

	err = data_json(&od, m);
	if (err)
		return err;

	cand = odict_string(od, "candidate");
	if (!cand) {
		err = EBADMSG;
	}
	else if (*cand && rtc->media && rtc->media->candidate) {
		err = rtc->media->candidate(s, (const char *)m->data,
					    m->data_len, rtc->media->arg);
	}

	mem_deref(od);

	return err;
}


/* ScreenOn {"screenStreamID"} / VideoOn {"videoStreamID"} */
static int stream_id(char **dst, const struct calls_rtcdmsg_rtc *m,
		     const char *key)
{
	struct odict *od = NULL;
	const char *id;
	int err;

	err = data_json(&od, m);
	if (err)
		return err;

	id = odict_string(od, key);
	err = (id && *id) ? str_set(dst, id) : EBADMSG;

	mem_deref(od);

	return err;
}


static int handle_state(struct sfu_session *s,
			const struct calls_rtcdmsg_rtc *m)
{
	struct call *c = s->call;
	int err = 0;

	switch (m->type) {

	case CALLS_RTC_MUTE:
		s->muted = true;
		break;

	case CALLS_RTC_UNMUTE:
		s->muted = false;
		break;

	case CALLS_RTC_SCREEN_ON:
		if (c->screen && c->screen != s) {
			log_warn("session %s: call %s already has a screen "
				 "sharer (%s)", s->id, c->id, c->screen->id);
			return EBUSY;
		}
		err = stream_id(&s->screen_stream, m, "screenStreamID");
		if (err)
			return err;
		c->screen = s;
		break;

	case CALLS_RTC_SCREEN_OFF:
		if (c->screen == s)
			c->screen = NULL;
		s->screen_stream = mem_deref(s->screen_stream);
		break;

	case CALLS_RTC_VIDEO_ON:
		err = stream_id(&s->video_stream, m, "videoStreamID");
		if (err)
			return err;
		break;

	case CALLS_RTC_VIDEO_OFF:
		s->video_stream = mem_deref(s->video_stream);
		break;

	default:
		return EPROTO;
	}

	if (s->rtc->media && s->rtc->media->state)
		s->rtc->media->state(s, (int)m->type, s->rtc->media->arg);

	return 0;
}


int sfu_rtc_signal(struct sfu_rtc *rtc, const char *group_id,
		   const struct calls_rtcdmsg_rtc *m)
{
	struct sfu_session *s;
	int err;

	if (!rtc || !group_id || !m)
		return EINVAL;

	s = session_owned(rtc, group_id, m->session_id);
	if (!s)
		return ENOENT;

	mem_ref(s);   /* the media plane may close it from a callback */

	switch (m->type) {

	case CALLS_RTC_SDP:
		err = handle_sdp(s, m);
		break;

	case CALLS_RTC_ICE:
		err = handle_ice(s, m);
		break;

	case CALLS_RTC_VOICE_ON:
	case CALLS_RTC_VOICE_OFF:
		err = EPROTO;   /* the server's to send, not to receive */
		break;

	default:
		err = handle_state(s, m);
		break;
	}

	if (err) {
		log_warn("session %s: %s message refused: %m", s->id,
			 calls_rtc_type_name(m->type), err);
		sfu_metrics_rtc_error(rtc->m, group_id, "signaling");
	}

	mem_deref(s);

	return err;
}


static int tri_print(struct re_printf *pf, enum calls_tri v)
{
	return re_hprintf(pf, "%s", v == CALLS_TRI_ABSENT ? "null" :
			  v == CALLS_TRI_TRUE ? "true" : "false");
}


/* One SessionConfig: Go struct field order, Props keys sorted */
static int session_json(struct re_printf *pf, const struct sfu_session *s)
{
	int err;

	err = re_hprintf(pf, "{\"GroupID\":\"%H\",\"CallID\":\"%H\","
			 "\"UserID\":\"%H\",\"SessionID\":\"%H\","
			 "\"Props\":{\"av1Support\":",
			 calls_json_escape, s->call->group->id,
			 calls_json_escape, s->call->id,
			 calls_json_escape, s->user_id,
			 calls_json_escape, s->id);
	err |= tri_print(pf, s->av1_support);
	if (s->channel_id)
		err |= re_hprintf(pf, ",\"channelID\":\"%H\"",
				  calls_json_escape, s->channel_id);
	else
		err |= re_hprintf(pf, ",\"channelID\":null");
	err |= re_hprintf(pf, ",\"dcSignaling\":");
	err |= tri_print(pf, s->dc_signaling);
	err |= re_hprintf(pf, "}}");

	return err;
}


int sfu_rtc_sessions_json(struct re_printf *pf, const struct sfu_rtc *rtc,
			  const char *group_id, const char *call_id,
			  const char *session_id, const char **errp)
{
	const char *why = NULL;
	struct group *g;
	struct call *c;
	struct le *le;
	bool first = true;
	int err;

	if (!pf || !rtc || !group_id || !call_id)
		return EINVAL;

	if (!errp)
		errp = &why;

	g = group_find(rtc, group_id);
	if (!g) {
		*errp = "group not found";
		return ENOENT;
	}

	c = call_find(g, call_id);
	if (!c) {
		*errp = "call not found";
		return ENOENT;
	}

	if (list_isempty(&c->sessions)) {
		*errp = "no sessions found";
		return ENOENT;
	}

	if (session_id) {
		LIST_FOREACH(&c->sessions, le) {
			const struct sfu_session *s = le->data;

			if (str_eq(s->id, session_id))
				return session_json(pf, s);
		}

		*errp = "session not found";
		return ENOENT;
	}

	err = re_hprintf(pf, "[");
	LIST_FOREACH(&c->sessions, le) {
		if (!first)
			err |= re_hprintf(pf, ",");
		err |= session_json(pf, le->data);
		first = false;
	}
	err |= re_hprintf(pf, "]");

	return err;
}


void sfu_rtc_set_draining(struct sfu_rtc *rtc, bool on)
{
	if (!rtc)
		return;

	if (on != rtc->draining)
		log_info("draining %s (%u sessions)", on ? "on" : "off",
			 rtc->nsessions);

	rtc->draining = on;
}


bool sfu_rtc_draining(const struct sfu_rtc *rtc)
{
	return rtc ? rtc->draining : false;
}


unsigned sfu_rtc_session_count(const struct sfu_rtc *rtc)
{
	return rtc ? rtc->nsessions : 0;
}


unsigned sfu_rtc_call_count(const struct sfu_rtc *rtc)
{
	return rtc ? rtc->ncalls : 0;
}


void sfu_rtc_close_all(struct sfu_rtc *rtc, const char *reason)
{
	struct le *gle;

	if (!rtc)
		return;

	/* session_end() may free the group and call we stand on: take
	 * the first session again each time */
	while ((gle = rtc->groups.head)) {
		struct group *g = gle->data;
		struct call *c = list_ledata(g->calls.head);
		struct sfu_session *s = c ? list_ledata(c->sessions.head) :
			NULL;

		if (!s) {   /* cannot happen: empty ones are freed */
			mem_deref(c);
			if (list_isempty(&g->calls))
				mem_deref(g);
			continue;
		}

		session_end(s, reason ? reason : "closed");
	}
}


const char *sfu_session_id(const struct sfu_session *s)
{
	return s ? s->id : NULL;
}


const char *sfu_session_group_id(const struct sfu_session *s)
{
	return s ? s->call->group->id : NULL;
}


const char *sfu_session_call_id(const struct sfu_session *s)
{
	return s ? s->call->id : NULL;
}


const char *sfu_session_user_id(const struct sfu_session *s)
{
	return s ? s->user_id : NULL;
}


void *sfu_session_media(const struct sfu_session *s)
{
	return s ? s->media : NULL;
}


bool sfu_session_muted(const struct sfu_session *s)
{
	return s ? s->muted : false;
}


const char *sfu_session_screen_stream(const struct sfu_session *s)
{
	return (s && s->call->screen == s) ? s->screen_stream : NULL;
}


const char *sfu_session_video_stream(const struct sfu_session *s)
{
	return s ? s->video_stream : NULL;
}


const char *sfu_session_last_offer(const struct sfu_session *s)
{
	return s ? s->last_offer : NULL;
}


static int send_rtc(struct sfu_session *s, enum calls_rtcdmsg_type type,
		    int64_t rtype, const char *data)
{
	struct calls_rtcdmsg msg;

	if (!s || s->closed)
		return EINVAL;

	memset(&msg, 0, sizeof(msg));
	msg.type = type;
	msg.rtc.group_id = s->call->group->id;
	msg.rtc.user_id = s->user_id;
	msg.rtc.session_id = s->id;
	msg.rtc.call_id = s->call->id;
	msg.rtc.type = rtype;
	msg.rtc.data = (uint8_t *)data;
	msg.rtc.data_len = data ? strlen(data) : 0;

	send_msg(s->rtc, s, &msg);

	return 0;
}


int sfu_session_send_sdp(struct sfu_session *s, const char *type,
			 const char *sdp)
{
	char *json = NULL;
	int err;

	if (!s || !type || !sdp)
		return EINVAL;

	err = re_sdprintf(&json, "{\"type\":\"%H\",\"sdp\":\"%H\"}",
			  calls_json_escape, type, calls_json_escape, sdp);
	if (err)
		return err;

	err = send_rtc(s, CALLS_RTCDMSG_RTC, CALLS_RTC_SDP, json);
	mem_deref(json);

	return err;
}


int sfu_session_send_ice(struct sfu_session *s, const char *json)
{
	if (!json)
		return EINVAL;

	return send_rtc(s, CALLS_RTCDMSG_RTC, CALLS_RTC_ICE, json);
}


int sfu_session_send_vad(struct sfu_session *s, bool on)
{
	return send_rtc(s, CALLS_RTCDMSG_VAD,
			on ? CALLS_RTC_VOICE_ON : CALLS_RTC_VOICE_OFF, NULL);
}


void sfu_session_close(struct sfu_session *s, const char *reason)
{
	if (s)
		session_end(s, reason ? reason : "closed");
}
