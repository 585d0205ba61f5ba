/*
 * sdpdrv: lib/sdp from the command line, for the interop checks
 *   sdpdrv answer < offer       SFU answer (ICE-lite, passive)
 *   sdpdrv offer [r|rs] < cur   server offer adding a voice and a screen
 *                               track (r: voice removed, rs: stopped)
 */
#include "re_inc.h"
#include "sdp.h"
#include <stdio.h>
#include <string.h>
static char in[65536];
int main(int argc, char **argv)
{
	static const char *const c[] = {"candidate:1 1 udp 2130706431 127.0.0.1 8443 typ host"};
	struct calls_sdp_local loc = {.ice_ufrag="sfuU", .ice_pwd="sfuPasswordIsLongEnough22", .ice_lite=true,
		.fp="AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99",
		.candv=c, .candc=1, .eoc=true, .sess_id=99, .sess_version=2};
	struct calls_sdp_track t[2] = {
		{CALLS_SDP_AUDIO, NULL, "sessB", "voice_sessB_x", 1111, "sfu", false, false},
		{CALLS_SDP_VIDEO, NULL, "sessC", "screen_sessC_y", 2222, "sfu", false, false}};
	char m1[16], m2[16];
	struct calls_sdp *sdp = NULL; char *out = NULL; size_t n; int err;
	libre_init();
	n = fread(in, 1, sizeof(in), stdin);
	err = calls_sdp_parse(&sdp, in, n);
	if (err) { fprintf(stderr, "parse: %d\n", err); return 1; }
	if (!strcmp(argv[1], "answer"))
		err = calls_sdp_answer(&out, sdp, &loc, NULL, 0);
	else {
		unsigned nm = calls_sdp_next_mid(sdp);
		if (argc > 2) { nm = 2; t[0].removed = !!strchr(argv[2], 'r'); t[0].stop = !!strchr(argv[2], 's'); }
		snprintf(m1, sizeof m1, "%u", nm); snprintf(m2, sizeof m2, "%u", nm + 1);
		t[0].mid = m1; t[1].mid = m2;
		err = calls_sdp_offer(&out, sdp, &loc, t, 2, true);
	}
	if (err) { fprintf(stderr, "build: %d\n", err); return 1; }
	fputs(out, stdout);
	mem_deref(out); mem_deref(sdp);
	return 0;
}
