/**
 * @file janus.c  Target "janus": the same scenario against Janus's
 *                VideoRoom plugin over Janus's HTTP transport
 *
 * One Janus session per target, one long poll (GET /janus/<session>)
 * carrying every handle's events, one "control" handle that creates a
 * room per call. Each user gets a publisher handle (it joins the room;
 * with a JSEP offer when it sends voice or a screen) and, once the room
 * has active publishers, a subscriber handle that subscribes to all of
 * them (Janus offers, we answer with "start"; later publishers are added
 * with "update"). Janus is a full ICE agent: our peers answer its checks
 * (lt_peer). Muting stops our RTP source; Janus keeps the stream.
 *
 * Requests and the long poll: janus_http.c, on the re_main thread.
 */
#include <string.h>
#include <stdio.h>

#define LOG_MODULE "janus"
#include "log.h"
#include "ltint.h"
#include "janus_int.h"

static void sub_flush(struct juser *ju);

/* ------------------------------------------------------------- users */

static void user_fail(struct juser *ju, enum lt_fail why)
{
	if (!ju || ju->left || ju->u->fail != LT_FAIL_NONE)
		return;

	lt_user_failed(ju->u, why);
}

static void user_connected(struct juser *ju)
{
	if (ju->connected || ju->left)
		return;

	ju->connected = true;
	lt_user_connected(ju->u);
}

static void peer_connected_h(struct lt_peer *p, void *arg)
{
	struct juser *ju = arg;

	/* the publisher's sources start once its PeerConnection is up */
	if (p == ju->ppeer && !ju->left) {
		if (ju->u->unmuted && !ju->muted)
			lt_peer_send_audio(p, true);
		if (ju->u->screen)
			lt_peer_send_video(p, true);
	}

	user_connected(ju);
}

static void peer_failed_h(struct lt_peer *p, enum lt_fail why, void *arg)
{
	struct juser *ju = arg;
	(void)p;

	user_fail(ju, why);
}

static void peer_first_audio_h(struct lt_peer *p, void *arg)
{
	struct juser *ju = arg;
	(void)p;

	lt_user_first_audio(ju->u);
}

static const struct lt_peer_h peer_h = {
	.connected   = peer_connected_h,
	.failed      = peer_failed_h,
	.dcmsg       = NULL,
	.first_audio = peer_first_audio_h,
};

static int peer_new(struct juser *ju, struct lt_peer **pp, bool recv)
{
	struct lt_peer_conf pc;

	memset(&pc, 0, sizeof(pc));
	pc.datachannel = false;
	pc.audio       = !recv && ju->u->unmuted;
	pc.video       = !recv && ju->u->screen;
	pc.recv_only   = recv;
	pc.laddr       = ju->t->conf.laddr;
	pc.stats       = ju->u->stats;
	pc.media       = ju->t->conf.media;

	return lt_peer_alloc(pp, &pc, &peer_h, ju);
}

static void handle_add(struct lt_target *t, struct jhandle *h,
		       struct juser *ju, uint64_t id, bool sub)
{
	h->id = id;
	h->ju = ju;
	h->sub = sub;
	hash_append(t->handles, (uint32_t)id, &h->he, h);
}

static bool handle_cmp(struct le *le, void *arg)
{
	const struct jhandle *h = le->data;

	return h->id == *(uint64_t *)arg;
}

static struct jhandle *handle_find(struct lt_target *t, uint64_t id)
{
	struct le *le;

	le = hash_lookup(t->handles, (uint32_t)id, handle_cmp, &id);
	return le ? le->data : NULL;
}

/** Forgets the target: its requests no longer call back into ju */
static void juser_detach(struct juser *ju)
{
	struct le *le;

	if (!ju->t)
		return;

	for (le = list_head(&ju->t->reqs); le; le = le->next) {
		struct jreq *r = le->data;

		if (r->ju == ju) {
			r->ju = NULL;
			r->h = NULL;
		}
	}

	list_unlink(&ju->le);
	list_unlink(&ju->tle);
	hash_unlink(&ju->pub.he);
	hash_unlink(&ju->sub.he);
	ju->t = NULL;
}

static void juser_destructor(void *arg)
{
	struct juser *ju = arg;

	juser_detach(ju);
	mem_deref(ju->ppeer);
	mem_deref(ju->speer);
}

/* -------------------------------------------------------- subscriber */

static void sub_started_h(struct juser *ju, int err,
			  const struct janus_msg *m, void *arg)
{
	(void)m;
	(void)arg;

	if (err)
		user_fail(ju, LT_FAIL_SIGNALING);
}

/** Janus offered (subscriber "attached" or "updated"): answer, start */
static void sub_offer(struct juser *ju, const struct janus_msg *m)
{
	char *answer = NULL;
	int err;

	if (!ju->speer) {
		err = peer_new(ju, &ju->speer, true);
		if (err)
			goto out;
	}

	err = lt_peer_remote_offer(ju->speer, m->jsep_sdp,
				   str_len(m->jsep_sdp), &answer);
	if (err)
		goto out;

	err = jmessage(ju->t, ju, ju->sub.id, "{\"request\":\"start\"}",
		       "answer", answer, sub_started_h, NULL);

 out:
	mem_deref(answer);
	if (err) {
		log_warn("user %s: answering Janus's offer: %m",
			 ju->u->user_id, err);
		user_fail(ju, LT_FAIL_SIGNALING);
	}
}

static void sub_sent_h(struct juser *ju, int err, const struct janus_msg *m,
		       void *arg)
{
	(void)m;
	(void)arg;

	if (err) {
		ju->sub_busy = false;
		user_fail(ju, LT_FAIL_SIGNALING);
	}
}

static int streams_print(struct re_printf *pf, const struct juser *ju)
{
	unsigned i;
	int err = 0;

	for (i = ju->nasked; i < ju->nfeeds; i++)
		err |= re_hprintf(pf, "%s{\"feed\":%llu}",
				  i > ju->nasked ? "," : "",
				  (unsigned long long)ju->feeds[i]);

	return err;
}

/** Subscribes to the feeds not asked for yet (join, then "update") */
static void sub_flush(struct juser *ju)
{
	struct lt_target *t = ju->t;
	char *body = NULL;
	int err;

	if (ju->left || ju->sub_busy || ju->sub_attaching || !ju->sub.id ||
	    ju->nasked >= ju->nfeeds)
		return;

	if (!ju->speer)
		err = re_sdprintf(&body, "{\"request\":\"join\",\"ptype\":"
				  "\"subscriber\",\"room\":%llu,"
				  "\"streams\":[%H]}",
				  (unsigned long long)ju->room->id,
				  streams_print, ju);
	else
		err = re_sdprintf(&body, "{\"request\":\"update\","
				  "\"subscribe\":[%H]}", streams_print, ju);
	if (err)
		goto out;

	ju->nasked = ju->nfeeds;
	ju->sub_busy = true;
	err = jmessage(t, ju, ju->sub.id, body, NULL, NULL, sub_sent_h,
		       NULL);

 out:
	mem_deref(body);
	if (err)
		user_fail(ju, LT_FAIL_SIGNALING);
}

static void sub_attached_h(struct juser *ju, int err,
			   const struct janus_msg *m, void *arg)
{
	(void)arg;

	if (!ju)
		return;

	ju->sub_attaching = false;
	if (err || !m->id) {
		user_fail(ju, LT_FAIL_SIGNALING);
		return;
	}

	if (ju->left) {
		(void)jsimple(ju->t, NULL, m->id, "detach", NULL, NULL, NULL);
		return;
	}

	handle_add(ju->t, &ju->sub, ju, m->id, true);
	sub_flush(ju);
}

static void feed_add(uint64_t feed, void *arg)
{
	struct juser *ju = arg;
	unsigned i;

	if (!ju->pub.id || feed == 0)
		return;

	for (i = 0; i < ju->nfeeds; i++) {
		if (ju->feeds[i] == feed)
			return;
	}

	if (ju->nfeeds >= FEEDS_MAX) {
		log_warn("user %s: more than %u feeds, not subscribing",
			 ju->u->user_id, FEEDS_MAX);
		return;
	}

	ju->feeds[ju->nfeeds++] = feed;
}

/** Publishers seen in a "joined" or "event": subscribe to the new ones */
static void feeds_seen(struct juser *ju, const struct odict *data,
		       uint64_t self)
{
	unsigned before = ju->nfeeds;
	int err;

	janus_feeds_apply(data, feed_add, ju);

	/* our own feed never comes back to us, but be safe */
	if (ju->nfeeds > before && ju->feeds[ju->nfeeds - 1] == self)
		--ju->nfeeds;

	if (ju->nfeeds == before)
		return;

	if (!ju->sub.id && !ju->sub_attaching) {
		ju->sub_attaching = true;
		err = jsimple(ju->t, ju, 0, "attach",
			      ",\"plugin\":\"janus.plugin.videoroom\"",
			      sub_attached_h, NULL);
		if (err)
			user_fail(ju, LT_FAIL_SIGNALING);
		return;
	}

	sub_flush(ju);
}

/* --------------------------------------------------------- publisher */

static uint64_t self_id(const struct janus_msg *m)
{
	return janus_num(m->data, "id");
}

static void pub_event(struct juser *ju, const struct janus_msg *m)
{
	int err;

	if (m->error_code) {
		log_warn("user %s: VideoRoom error %lld: %s", ju->u->user_id,
			 (long long)m->error_code, m->error ? m->error : "");
		user_fail(ju, LT_FAIL_SIGNALING);
		return;
	}

	if (m->jsep_type && !strcmp(m->jsep_type, "answer") && ju->ppeer) {
		err = lt_peer_answer(ju->ppeer, m->jsep_sdp,
				     str_len(m->jsep_sdp));
		if (err) {
			log_warn("user %s: Janus's answer: %m",
				 ju->u->user_id, err);
			user_fail(ju, LT_FAIL_SIGNALING);
			return;
		}
	}

	if (m->videoroom && !strcmp(m->videoroom, "joined")) {
		feeds_seen(ju, m->data, self_id(m));
		/* nothing to publish nor to receive yet: in the room is
		 * as far as this user gets until someone publishes */
		if (!ju->publishes && ju->nfeeds == 0)
			user_connected(ju);
		return;
	}

	feeds_seen(ju, m->data, 0);
}

static void sub_event(struct juser *ju, const struct janus_msg *m)
{
	if (m->error_code) {
		log_warn("user %s: subscriber error %lld: %s",
			 ju->u->user_id, (long long)m->error_code,
			 m->error ? m->error : "");
		ju->sub_busy = false;
		/* a feed that left before we subscribed: not fatal */
		if (m->error_code != 428)
			user_fail(ju, LT_FAIL_SIGNALING);
		sub_flush(ju);
		return;
	}

	if (m->jsep_type && !strcmp(m->jsep_type, "offer")) {
		sub_offer(ju, m);
		return;
	}

	if (m->data && (odict_lookup(m->data, "started") ||
			(m->videoroom && !strcmp(m->videoroom, "updated")))) {
		ju->sub_busy = false;
		sub_flush(ju);
	}
}

void jevent_handle(struct lt_target *t, const struct odict *o)
{
	struct janus_msg m;
	struct jhandle *h;
	const struct odict_entry *cand;

	janus_msg_read(&m, o);
	if (!m.janus || !m.sender)
		return;

	h = handle_find(t, m.sender);
	if (!h || !h->ju || h->ju->left)
		return;

	if (!strcmp(m.janus, "event")) {
		if (h->sub)
			sub_event(h->ju, &m);
		else
			pub_event(h->ju, &m);
	}
	else if (!strcmp(m.janus, "trickle")) {
		struct lt_peer *p = h->sub ? h->ju->speer : h->ju->ppeer;

		cand = odict_get_type(o, ODICT_OBJECT, "candidate");
		if (p && cand && odict_string(cand->u.odict, "candidate"))
			(void)lt_peer_candidate(p, odict_string(
				cand->u.odict, "candidate"));
	}
	else if (!strcmp(m.janus, "hangup") && !h->ju->left) {
		log_info("user %s: Janus hung up (%s)", h->ju->u->user_id,
			 odict_string(o, "reason") ?
			 odict_string(o, "reason") : "no reason");
		user_fail(h->ju, LT_FAIL_CLOSED);
	}
	/* webrtcup, media, slowlink, ack: nothing to do */
}

/* -------------------------------------------------------------- join */

static void pub_sent_h(struct juser *ju, int err, const struct janus_msg *m,
		       void *arg)
{
	(void)m;
	(void)arg;

	if (err)
		user_fail(ju, LT_FAIL_SIGNALING);
}

/** In the room: join as publisher, with our offer if we send anything */
static void pub_join(struct juser *ju)
{
	struct lt_target *t = ju->t;
	char *offer = NULL, *body = NULL;
	int err;

	ju->publishes = ju->u->unmuted || ju->u->screen;
	if (ju->publishes) {
		err = peer_new(ju, &ju->ppeer, false);
		if (err)
			goto out;

		err = lt_peer_offer(ju->ppeer, &offer);
		if (err)
			goto out;
	}

	err = re_sdprintf(&body, "{\"request\":\"join\",\"ptype\":"
			  "\"publisher\",\"room\":%llu,\"display\":\"%s\"}",
			  (unsigned long long)ju->room->id, ju->u->user_id);
	if (err)
		goto out;

	err = jmessage(t, ju, ju->pub.id, body, "offer", offer, pub_sent_h,
		       NULL);
	if (err)
		goto out;

	/* our candidates are all in the offer */
	if (offer)
		err = jsimple(t, ju, ju->pub.id, "trickle",
			      ",\"candidate\":{\"completed\":true}", NULL,
			      NULL);

 out:
	mem_deref(offer);
	mem_deref(body);
	if (err) {
		log_warn("user %s: joining the room: %m", ju->u->user_id,
			 err);
		user_fail(ju, LT_FAIL_SIGNALING);
	}
}

static struct jroom *room_get(struct lt_target *t, unsigned call)
{
	struct jroom *r;
	struct le *le;

	for (le = list_head(&t->rooms); le; le = le->next) {
		r = le->data;
		if (r->call == call)
			return r;
	}

	r = mem_zalloc(sizeof(*r), NULL);
	if (!r)
		return NULL;

	r->call = call;
	r->id = t->room_base + call;
	list_append(&t->rooms, &r->le, r);

	return r;
}

static void room_created_h(struct juser *ju, int err,
			   const struct janus_msg *m, void *arg)
{
	struct jroom *r = arg;
	struct le *le;
	(void)ju;

	r->creating = false;
	if (!err && m->error_code && m->error_code != 427 /* exists */)
		err = EPROTO;
	if (!err)
		r->created = true;
	else
		log_warn("creating room %llu: %m", (unsigned long long)r->id,
			 err);

	while ((le = list_head(&r->waiting))) {
		struct juser *w = le->data;

		list_unlink(le);
		if (err)
			user_fail(w, LT_FAIL_SIGNALING);
		else
			pub_join(w);
	}
}

static void room_want(struct juser *ju)
{
	struct lt_target *t = ju->t;
	struct jroom *r = ju->room;
	char body[160];
	int err;

	if (r->created) {
		pub_join(ju);
		return;
	}

	list_append(&r->waiting, &ju->le, ju);
	if (r->creating)
		return;

	re_snprintf(body, sizeof(body), "{\"request\":\"create\",\"room\":"
		    "%llu,\"publishers\":%u,\"audiocodec\":\"opus\","
		    "\"videocodec\":\"vp8\",\"bitrate\":2000000}",
		    (unsigned long long)r->id, ROOM_PUBS);
	r->creating = true;
	err = jmessage(t, NULL, t->ctl, body, NULL, NULL, room_created_h, r);
	if (err) {
		r->creating = false;
		list_unlink(&ju->le);
		user_fail(ju, LT_FAIL_SIGNALING);
	}
}

static void pub_attached_h(struct juser *ju, int err,
			   const struct janus_msg *m, void *arg)
{
	(void)arg;

	if (!ju)
		return;

	if (err || !m->id) {
		user_fail(ju, LT_FAIL_SIGNALING);
		return;
	}

	if (ju->left) {
		(void)jsimple(ju->t, NULL, m->id, "detach", NULL, NULL, NULL);
		return;
	}

	handle_add(ju->t, &ju->pub, ju, m->id, false);
	room_want(ju);
}

static int janus_join(struct lt_target *t, struct lt_user *u)
{
	struct juser *ju;
	int err;

	if (!t || !u || !t->ready)
		return EINVAL;

	ju = mem_zalloc(sizeof(*ju), juser_destructor);
	if (!ju)
		return ENOMEM;

	ju->t = t;
	ju->u = u;
	ju->room = room_get(t, u->call);
	if (!ju->room) {
		mem_deref(ju);
		return ENOMEM;
	}

	u->drv = ju;
	u->target = t;
	list_append(&t->jusers, &ju->tle, ju);

	err = jsimple(t, ju, 0, "attach",
		      ",\"plugin\":\"janus.plugin.videoroom\"",
		      pub_attached_h, NULL);
	if (err) {
		u->drv = NULL;
		mem_deref(ju);
	}

	return err;
}

/* ----------------------------------------------- leave, mute, screen */

static int janus_leave(struct lt_target *t, struct lt_user *u)
{
	struct juser *ju;

	if (!t || !u || !u->drv)
		return EINVAL;

	ju = u->drv;
	if (ju->left)
		return 0;

	ju->left = true;
	list_unlink(&ju->le);

	/* detaching hangs up the PeerConnection and leaves the room;
	 * the answers are not waited for (user NULL) */
	if (ju->sub.id)
		(void)jsimple(t, NULL, ju->sub.id, "detach", NULL, NULL,
			      NULL);
	if (ju->pub.id)
		(void)jsimple(t, NULL, ju->pub.id, "detach", NULL, NULL,
			      NULL);

	ju->ppeer = mem_deref(ju->ppeer);
	ju->speer = mem_deref(ju->speer);

	return 0;
}

static int janus_mute(struct lt_target *t, struct lt_user *u, bool muted)
{
	struct juser *ju = u ? u->drv : NULL;

	if (!t || !ju)
		return EINVAL;

	/* only a user that published voice from the start can toggle it:
	 * adding a track later would need a renegotiation */
	if (!ju->ppeer || !u->unmuted)
		return ENOTSUP;

	ju->muted = muted;
	if (lt_peer_connected(ju->ppeer))
		lt_peer_send_audio(ju->ppeer, !muted);

	return 0;
}

static int janus_screen(struct lt_target *t, struct lt_user *u, bool on)
{
	struct juser *ju = u ? u->drv : NULL;

	if (!t || !ju)
		return EINVAL;

	if (!ju->ppeer || !u->screen)
		return ENOTSUP;

	lt_peer_send_video(ju->ppeer, on);

	return 0;
}

/* ---------------------------------------------------- connect, close */

static void target_destructor(void *arg)
{
	struct lt_target *t = arg;
	struct le *le;

	t->closing = true;
	tmr_cancel(&t->tmr);
	while ((le = list_head(&t->jusers)))
		juser_detach(le->data);
	mem_deref(t->cli);      /* cancels what is in flight */
	list_flush(&t->reqs);
	hash_clear(t->handles);
	mem_deref(t->handles);
	list_flush(&t->rooms);
	mem_deref(t->dnsc);
}

static void ctl_attached_h(struct juser *ju, int err,
			   const struct janus_msg *m, void *arg)
{
	struct lt_target *t = arg;
	(void)ju;

	if (!err && !m->id)
		err = EPROTO;
	if (!err) {
		t->ctl = m->id;
		t->ready = true;
		jpoll_start(t);
	}

	if (t->readyh)
		t->readyh(err, t->arg);
}

static void session_h(struct juser *ju, int err, const struct janus_msg *m,
		      void *arg)
{
	struct lt_target *t = arg;
	(void)ju;

	if (!err && !m->id)
		err = EPROTO;
	if (!err) {
		t->session = m->id;
		err = jsimple(t, NULL, 0, "attach",
			      ",\"plugin\":\"janus.plugin.videoroom\"",
			      ctl_attached_h, t);
	}

	if (err) {
		log_error("Janus at %s: no session: %m", t->base, err);
		if (t->readyh)
			t->readyh(err, t->arg);
	}
}

static int base_set(struct lt_target *t, const char *url)
{
	size_t n;

	if (!url || strncmp(url, "http://", 7)) {
		log_error("Janus URL must be http://host:port[/janus]: %s",
			  url ? url : "(none)");
		return EINVAL;
	}

	str_ncpy(t->base, url, sizeof(t->base));
	n = strlen(t->base);
	while (n > 7 && t->base[n - 1] == '/')
		t->base[--n] = '\0';

	/* host:port alone means the default base path */
	if (!strchr(t->base + 7, '/')) {
		if (n + 6 >= sizeof(t->base))
			return EINVAL;
		strcat(t->base, "/janus");
	}

	return 0;
}

static int janus_connect(struct lt_target **tp,
			 const struct lt_target_conf *conf,
			 lt_target_ready_h *readyh, void *arg)
{
	struct lt_target *t;
	struct sa ns;
	int err;

	if (!tp || !conf)
		return EINVAL;

	t = mem_zalloc(sizeof(*t), target_destructor);
	if (!t)
		return ENOMEM;

	t->conf = *conf;
	t->readyh = readyh;
	t->arg = arg;
	tmr_init(&t->tmr);
	/* room ids of this run: unlikely to meet an earlier run's rooms */
	t->room_base = (uint64_t)(rand_u32() % 100000 + 1) * 100000;

	err = base_set(t, conf->url);
	if (err)
		goto out;

	err = hash_alloc(&t->handles, 256);
	if (err)
		goto out;

	/* the HTTP client wants a resolver; the URL is an address here */
	sa_set_str(&ns, "127.0.0.1", 53);
	err = dnsc_alloc(&t->dnsc, NULL, &ns, 1);
	if (err)
		goto out;

	err = http_client_alloc(&t->cli, t->dnsc);
	if (err)
		goto out;

	err = jsimple(t, NULL, 0, "create", NULL, session_h, t);

 out:
	if (err)
		mem_deref(t);
	else
		*tp = t;

	return err;
}

/** Destroys the Janus session (and with it every handle left), then t */
static void janus_close(struct lt_target *t)
{
	char url[320], *resp = NULL;
	int status = 0;

	if (!t)
		return;

	t->closing = true;
	if (t->session) {
		/* blocking, bounded: the loop may stop right after this */
		re_snprintf(url, sizeof(url), "%s/%llu", t->base,
			    (unsigned long long)t->session);
		if (lt_http("POST", url, NULL, "{\"janus\":\"destroy\","
			    "\"transaction\":\"bye\"}", 1000, &status, &resp))
			log_debug("destroying the Janus session failed");
		mem_deref(resp);
	}

	mem_deref(t);
}

const struct lt_target_ops lt_target_janus = {
	.name    = "janus",
	.connect = janus_connect,
	.join    = janus_join,
	.leave   = janus_leave,
	.mute    = janus_mute,
	.screen  = janus_screen,
	.close   = janus_close,
};
