/**
 * @file janus_msg.c  Reading Janus API messages (JSON from the HTTP
 *                    transport: one object per answer, an array of
 *                    objects per long poll); nothing here trusts them
 */
#include <string.h>
#include "re_inc.h"
#include "janus.h"

enum {
	JSON_HASH  = 8,
	JSON_DEPTH = 16,
};

int janus_json_decode(struct odict **odp, const uint8_t *buf, size_t len)
{
	if (!odp || !buf || !len)
		return EINVAL;

	if (json_decode_odict(odp, JSON_HASH, (const char *)buf, len,
			      JSON_DEPTH))
		return EBADMSG;

	return 0;
}

const struct odict *janus_obj(const struct odict *o, const char *key)
{
	const struct odict_entry *e;

	e = o ? odict_get_type(o, ODICT_OBJECT, key) : NULL;
	return e ? e->u.odict : NULL;
}

uint64_t janus_num(const struct odict *o, const char *key)
{
	const struct odict_entry *e;

	e = o ? odict_get_type(o, ODICT_INT, key) : NULL;
	return e && e->u.integer > 0 ? (uint64_t)e->u.integer : 0;
}

void janus_msg_read(struct janus_msg *m, const struct odict *o)
{
	const struct odict *pd, *err, *jsep;
	const struct odict_entry *e;

	if (!m)
		return;

	memset(m, 0, sizeof(*m));
	if (!o)
		return;

	m->janus  = odict_string(o, "janus");
	m->sender = janus_num(o, "sender");
	m->id     = janus_num(janus_obj(o, "data"), "id");

	err = janus_obj(o, "error");
	if (err) {
		e = odict_get_type(err, ODICT_INT, "code");
		m->error_code = e ? e->u.integer : -1;
		m->error = odict_string(err, "reason");
	}

	pd = janus_obj(o, "plugindata");
	m->data = janus_obj(pd, "data");
	if (m->data) {
		m->videoroom = odict_string(m->data, "videoroom");
		e = odict_get_type(m->data, ODICT_INT, "error_code");
		if (e) {
			m->error_code = e->u.integer ? e->u.integer : -1;
			m->error = odict_string(m->data, "error");
		}
	}

	jsep = janus_obj(o, "jsep");
	if (jsep) {
		m->jsep_type = odict_string(jsep, "type");
		m->jsep_sdp  = odict_string(jsep, "sdp");
		if (!m->jsep_type || !m->jsep_sdp)
			m->jsep_type = m->jsep_sdp = NULL;
	}
}

void janus_feeds_apply(const struct odict *data,
		       void (*h)(uint64_t feed, void *arg), void *arg)
{
	const struct odict_entry *pubs;
	struct le *le;

	if (!data || !h)
		return;

	pubs = odict_get_type(data, ODICT_ARRAY, "publishers");
	if (!pubs)
		return;

	for (le = list_head(&pubs->u.odict->lst); le; le = le->next) {
		const struct odict_entry *e = le->data;
		uint64_t id;

		if (e->type != ODICT_OBJECT)
			continue;

		id = janus_num(e->u.odict, "id");
		if (id)
			h(id, arg);
	}
}

