/* Fuzz target: rtcd data channel messages (lib/dcmsg: decode, re-encode,
 * decode again and compare; SDP payloads inflated under a small cap) and
 * the DCEP codec of lib/sctp on the same bytes */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "re_inc.h"
#include "dcmsg.h"
#include "sctp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static void same(const struct pl *a, const struct pl *b)
{
	if (a->l != b->l || (a->l && memcmp(a->p, b->p, a->l)))
		abort();
}


static void roundtrip(const struct calls_dcmsg *m)
{
	struct calls_dcmsg d;
	struct mbuf *mb = mbuf_alloc(64);
	size_t i;

	if (!mb)
		return;

	if (calls_dcmsg_encode(mb, m) ||
	    calls_dcmsg_decode(&d, mb->buf, mb->end))
		abort();

	if (d.type != m->type || d.has_payload != m->has_payload ||
	    d.lock != m->lock || d.media_n != m->media_n)
		abort();

	if (memcmp(&d.value, &m->value, sizeof(d.value)))
		abort();

	same(&d.sdp, &m->sdp);
	for (i = 0; i < d.media_n; i++) {
		same(&d.media[i].mid, &m->media[i].mid);
		same(&d.media[i].type, &m->media[i].type);
		same(&d.media[i].sender_id, &m->media[i].sender_id);
	}

	mem_deref(mb);
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct calls_sctp_dcep_open op;
	struct calls_dcmsg m;
	uint8_t type;

	if (!calls_dcmsg_decode(&m, data, size)) {
		roundtrip(&m);

		if (m.type == CALLS_DCMSG_SDP) {
			char *json = NULL;
			size_t n = 0;

			if (!calls_dcmsg_sdp_inflate(&json, &n, &m.sdp, 65536)
			    && strlen(json) > n)
				abort();
			mem_deref(json);
		}
	}

	if (!calls_sctp_dcep_decode(&op, &type, data, size) &&
	    type == CALLS_SCTP_DCEP_OPEN) {
		struct mbuf *mb = mbuf_alloc(size);

		if (mb && (calls_sctp_dcep_encode_open(mb, &op) ||
			   mb->end != size || memcmp(mb->buf, data, size)))
			abort();
		mem_deref(mb);
	}

	return 0;
}
