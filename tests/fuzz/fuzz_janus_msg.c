/* Fuzz target: Janus API messages as calls-lt's Janus driver reads them
 * (cmd/lt/janus_msg.c): an answer object or a long poll's array of
 * events, every field the driver looks at, and the publishers lists */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "re_inc.h"
#include "janus.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static void feed_h(uint64_t feed, void *arg)
{
	unsigned *n = arg;

	if (!feed)
		abort();
	++*n;
}


static void one(const struct odict *o)
{
	struct janus_msg m;
	unsigned n = 0;

	janus_msg_read(&m, o);
	if (m.jsep_type && !m.jsep_sdp)
		abort();
	if (m.videoroom && !m.data)
		abort();
	if (m.janus)
		(void)strlen(m.janus);
	if (m.jsep_sdp)
		(void)strlen(m.jsep_sdp);
	if (m.error)
		(void)strlen(m.error);
	janus_feeds_apply(m.data, feed_h, &n);
	(void)janus_num(o, "session_id");
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct odict *od = NULL;
	struct le *le;

	if (janus_json_decode(&od, data, size))
		return 0;

	one(od);
	for (le = list_head(&od->lst); le; le = le->next) {
		const struct odict_entry *e = le->data;

		if (e->type == ODICT_OBJECT)
			one(e->u.odict);
	}

	mem_deref(od);
	return 0;
}
