/*
 * Fuzz target: SDP parsing (lib/sdp.c) and the builders on top of it.
 * Whatever parses must answer, and the answer and a renegotiation offer
 * built from it must parse back with the same m-line count.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "re_inc.h"
#include "sdp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const cands[] = {
	"candidate:1 1 udp 2130706431 127.0.0.1 8443 typ host",
};


static void check_build(const struct calls_sdp *sdp)
{
	struct calls_sdp_local loc = {
		.ice_ufrag = "u", .ice_pwd = "p", .ice_lite = true,
		.fp = "AB:CD", .candv = cands, .candc = 1, .eoc = true,
	};
	struct calls_sdp_track t = {
		.type = CALLS_SDP_AUDIO, .stream_id = "s", .track_id = "t",
		.ssrc = 1, .cname = "c",
	};
	struct calls_sdp *back = NULL;
	char *s = NULL, mid[16];
	unsigned extra = 1;
	unsigned i;

	if (calls_sdp_answer(&s, sdp, &loc, NULL, 0))
		abort();
	if (calls_sdp_parse(&back, s, strlen(s)) ||
	    back->mediac != sdp->mediac)
		abort();
	s = mem_deref(s);
	back = mem_deref(back);

	re_snprintf(mid, sizeof(mid), "%u", calls_sdp_next_mid(sdp));
	t.mid = mid;
	for (i = 0; i < sdp->mediac; i++) {
		if (sdp->mediav[i].type == CALLS_SDP_APPLICATION)
			extra = 0;
	}
	/* a numeric mid taken already (e.g. "007") is the same line */
	if (calls_sdp_media_by_mid(sdp, mid))
		return;

	if (calls_sdp_offer(&s, sdp, &loc, &t, 1, true))
		abort();
	if (calls_sdp_parse(&back, s, strlen(s)) ||
	    back->mediac != sdp->mediac + 1 + extra)
		abort();
	mem_deref(s);
	mem_deref(back);
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct calls_sdp *sdp = NULL;

	if (size > 65536)
		return 0;

	if (calls_sdp_parse(&sdp, (const char *)data, size))
		return 0;

	if (sdp->mediac < 64)
		check_build(sdp);

	mem_deref(sdp);

	return 0;
}
