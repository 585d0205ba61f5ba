/**
 * @file janus_http.c  calls-lt's Janus driver: requests to Janus's HTTP
 *                     transport and the long poll that carries every
 *                     handle's events, on libre's HTTP client
 *
 * A request's state (struct jreq) lives until its response handler ran;
 * the user that started it may be gone by then (jreq->ju is cleared).
 */
#include <string.h>

#define LOG_MODULE "janus"
#include "log.h"
#include "json.h"
#include "janus_int.h"

/* ------------------------------------------------------ HTTP requests */

static void jreq_destructor(void *arg)
{
	struct jreq *r = arg;

	list_unlink(&r->le);
}

static void jreq_resp(int err, const struct http_msg *msg, void *arg)
{
	struct jreq *r = arg;
	struct odict *od = NULL;
	struct janus_msg m;

	memset(&m, 0, sizeof(m));

	if (!err && msg && msg->scode != 200)
		err = EPROTO;
	if (!err && (!msg || !msg->mb))
		err = EPROTO;
	if (!err)
		err = janus_json_decode(&od, mbuf_buf(msg->mb),
					mbuf_get_left(msg->mb));
	if (!err) {
		janus_msg_read(&m, od);
		if (m.janus && !strcmp(m.janus, "error"))
			err = EPROTO;
	}

	if (err && !r->t->closing)
		log_warn("request failed: %m%s%s", err,
			 m.error ? ": " : "", m.error ? m.error : "");

	if (r->h)
		r->h(r->ju, err, &m, r->arg);

	mem_deref(od);
	mem_deref(r);
}

/**
 * POSTs body (a mem string, consumed) to base[/session[/handle]]; h runs
 * with the synchronous answer (an "ack" for asynchronous plugin requests,
 * whose result comes as an event).
 */
int jpost(struct lt_target *t, struct juser *ju, uint64_t handle,
		 char *body, jreq_h *h, void *arg)
{
	struct jreq *r;
	char uri[320];
	int err;

	if (!body)
		return ENOMEM;

	r = mem_zalloc(sizeof(*r), jreq_destructor);
	if (!r) {
		mem_deref(body);
		return ENOMEM;
	}

	r->t = t;
	r->ju = ju;
	r->h = h;
	r->arg = arg;
	list_append(&t->reqs, &r->le, r);

	if (handle)
		re_snprintf(uri, sizeof(uri), "%s/%llu/%llu", t->base,
			    (unsigned long long)t->session,
			    (unsigned long long)handle);
	else if (t->session)
		re_snprintf(uri, sizeof(uri), "%s/%llu", t->base,
			    (unsigned long long)t->session);
	else
		re_snprintf(uri, sizeof(uri), "%s", t->base);

	err = http_request(NULL, t->cli, "POST", uri, jreq_resp, NULL, r,
			   "Content-Type: application/json\r\n"
			   "Content-Length: %zu\r\n"
			   "\r\n"
			   "%s", str_len(body), body);
	mem_deref(body);
	if (err)
		mem_deref(r);

	return err;
}

static char *tx(struct lt_target *t, char *buf, size_t sz)
{
	re_snprintf(buf, sz, "lt%u", ++t->tid);
	return buf;
}

/** A VideoRoom request (body: JSON object text) with an optional JSEP */
int jmessage(struct lt_target *t, struct juser *ju, uint64_t handle,
		    const char *body, const char *jtype, const char *sdp,
		    jreq_h *h, void *arg)
{
	char id[16], *s = NULL;

	tx(t, id, sizeof(id));
	if (sdp)
		re_sdprintf(&s, "{\"janus\":\"message\",\"transaction\":"
			    "\"%s\",\"body\":%s,\"jsep\":{\"type\":\"%s\","
			    "\"sdp\":\"%H\"}}", id, body, jtype,
			    calls_json_escape, sdp);
	else
		re_sdprintf(&s, "{\"janus\":\"message\",\"transaction\":"
			    "\"%s\",\"body\":%s}", id, body);

	return jpost(t, ju, handle, s, h, arg);
}

int jsimple(struct lt_target *t, struct juser *ju, uint64_t handle,
		   const char *what, const char *extra, jreq_h *h, void *arg)
{
	char id[16], *s = NULL;

	re_sdprintf(&s, "{\"janus\":\"%s\",\"transaction\":\"%s\"%s}",
		    what, tx(t, id, sizeof(id)), extra ? extra : "");

	return jpost(t, ju, handle, s, h, arg);
}

/* ---------------------------------------------------------- long poll */

static void repoll(void *arg)
{
	jpoll_start(arg);
}

static void poll_resp(int err, const struct http_msg *msg, void *arg)
{
	struct lt_target *t = arg;
	struct odict *od = NULL;
	struct le *le;

	t->polling = false;
	if (t->closing)
		return;

	if (!err && (!msg || msg->scode != 200 || !msg->mb))
		err = EPROTO;
	if (!err)
		err = janus_json_decode(&od, mbuf_buf(msg->mb),
					mbuf_get_left(msg->mb));
	if (err) {
		log_warn("event poll: %m", err);
		tmr_start(&t->tmr, REPOLL_MS, repoll, t);
		return;
	}

	/* an array of events, or one object ("keepalive") */
	if (odict_get_type(od, ODICT_STRING, "janus")) {
		jevent_handle(t, od);
	}
	else {
		for (le = list_head(&od->lst); le; le = le->next) {
			const struct odict_entry *e = le->data;

			if (e->type == ODICT_OBJECT)
				jevent_handle(t, e->u.odict);
		}
	}

	mem_deref(od);
	jpoll_start(t);
}

void jpoll_start(struct lt_target *t)
{
	char uri[320];
	int err;

	if (t->closing || t->polling)
		return;

	re_snprintf(uri, sizeof(uri), "%s/%llu?maxev=%u&rid=%llu", t->base,
		    (unsigned long long)t->session, POLL_MAXEV,
		    (unsigned long long)tmr_jiffies());
	err = http_request(NULL, t->cli, "GET", uri, poll_resp, NULL, t,
			   NULL);
	if (err) {
		log_warn("event poll: %m", err);
		tmr_start(&t->tmr, REPOLL_MS, repoll, t);
		return;
	}

	t->polling = true;
}

