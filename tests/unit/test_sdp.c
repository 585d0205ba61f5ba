/*
 * Unit tests of lib/sdp.c and lib/sdp_build.c: real-looking offers from
 * tests/data/sdp (Chrome data-channel only, Chrome audio + BUNDLE,
 * aiortc 1.4, Firefox), answers and offers parsed back (round trips),
 * renegotiation adding and removing tracks, the client side, garbage.
 */
#include <stdlib.h>
#include <string.h>
#include "re_inc.h"
#include "sdp.h"
#include "runner.h"

static const char *fp_ours =
	"AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:"
	"AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99";

static const char *const cands[] = {
	"candidate:1 1 udp 2130706431 127.0.0.1 8443 typ host",
	"candidate:2 1 tcp 2130706430 127.0.0.1 8443 typ host tcptype passive",
};

static const struct calls_sdp_local sfu_loc = {
	.ice_ufrag = "sfuUfrag1234",
	.ice_pwd   = "sfuPasswordIsLongEnough22",
	.ice_lite  = true,
	.fp_hash   = "sha-256",
	.fp        = NULL,   /* set at run time */
	.candv     = cands,
	.candc     = 2,
	.eoc       = true,
	.sess_id   = 1234567890,
	.sess_version = 1,
};


static void loc_init(struct calls_sdp_local *loc)
{
	*loc = sfu_loc;
	loc->fp = fp_ours;
}


static int load(const char *name, struct calls_sdp **sdpp)
{
	uint8_t *buf = NULL;
	size_t len;
	char path[128];
	int err;

	re_snprintf(path, sizeof(path), "sdp/%s", name);
	err = unit_fixture(path, &buf, &len);
	if (err)
		return err;

	err = calls_sdp_parse(sdpp, (const char *)buf, len);
	free(buf);

	return err;
}


static int parse_str(const char *s, struct calls_sdp **sdpp)
{
	return calls_sdp_parse(sdpp, s, strlen(s));
}


static bool has_line(const char *sdp, const char *line)
{
	char buf[512];

	re_snprintf(buf, sizeof(buf), "\r\n%s\r\n", line);

	return strstr(sdp, buf) != NULL;
}


static int test_sdp_parse_chrome_dc(void)
{
	struct calls_sdp *sdp = NULL;
	const struct calls_sdp_media *m;

	TEST_ERR(load("chrome-dc-only.sdp", &sdp));
	TEST_EQ(1, sdp->mediac);
	TEST_EQ(4611731400430051336ULL, sdp->sess_id);
	TEST_EQ(2, sdp->sess_version);
	TEST_ASSERT(sdp->extmap_allow_mixed);
	TEST_ASSERT(!sdp->ice_lite);
	TEST_EQ(0, pl_strcmp(&sdp->bundle, "0"));

	m = &sdp->mediav[0];
	TEST_EQ(CALLS_SDP_APPLICATION, m->type);
	TEST_EQ(9, m->port);
	TEST_EQ(0, pl_strcmp(&m->proto, "UDP/DTLS/SCTP"));
	TEST_EQ(0, pl_strcmp(&m->fmts, "webrtc-datachannel"));
	TEST_EQ(0, pl_strcmp(&m->mid, "0"));
	TEST_EQ(0, pl_strcmp(&m->ice_ufrag, "Xq7h"));
	TEST_EQ(0, pl_strcmp(&m->ice_pwd, "4mZ2yQn7LkVbW9sPf3Tg1cRd"));
	TEST_EQ(0, pl_strcmp(&m->ice_options, "trickle"));
	TEST_EQ(0, pl_strcmp(&m->fp_hash, "sha-256"));
	TEST_EQ(95, m->fp.l);
	TEST_EQ(CALLS_SDP_SETUP_ACTPASS, m->setup);
	TEST_EQ(5000, m->sctp_port);
	TEST_EQ(262144, m->max_message_size);
	TEST_EQ(0, pl_strcmp(&m->conn, "0.0.0.0"));
	TEST_ASSERT(calls_sdp_bundled(sdp, &m->mid));
	TEST_ASSERT(calls_sdp_media_by_mid(sdp, "0") == m);
	TEST_ASSERT(calls_sdp_media_by_mid(sdp, "1") == NULL);
	TEST_EQ(1, calls_sdp_next_mid(sdp));

	mem_deref(sdp);

	return 0;
}


static int test_sdp_parse_chrome_audio(void)
{
	struct calls_sdp *sdp = NULL;
	const struct calls_sdp_media *m;
	const struct calls_sdp_codec *c;

	TEST_ERR(load("chrome-audio-bundle.sdp", &sdp));
	TEST_EQ(2, sdp->mediac);

	m = &sdp->mediav[0];
	TEST_EQ(CALLS_SDP_AUDIO, m->type);
	TEST_EQ(8, m->codecc);
	TEST_EQ(111, m->codecv[0].pt);
	c = calls_sdp_codec_find(m, "OPUS", 48000);
	TEST_ASSERT(c != NULL);
	TEST_EQ(111, c->pt);
	TEST_EQ(2, c->channels);
	TEST_EQ(0, pl_strcmp(&c->fmtp, "minptime=10;useinbandfec=1"));
	TEST_ASSERT(calls_sdp_has_fb(m, 111, "transport-cc"));
	TEST_ASSERT(!calls_sdp_has_fb(m, 111, "nack"));
	c = calls_sdp_codec_by_pt(m, 63);
	TEST_ASSERT(c && !pl_strcmp(&c->name, "red"));
	TEST_EQ(0, pl_strcmp(&c->fmtp, "111/111"));
	TEST_EQ(1, calls_sdp_extmap_id(m, CALLS_SDP_EXT_AUDIO_LEVEL));
	TEST_EQ(4, calls_sdp_extmap_id(m,
		"urn:ietf:params:rtp-hdrext:sdes:mid"));
	TEST_EQ(CALLS_SDP_SENDRECV, m->dir);
	TEST_ASSERT(m->rtcp_mux && m->rtcp_rsize);
	TEST_EQ(1, m->ssrcc);
	TEST_EQ(2841077251U, m->ssrcv[0].ssrc);
	TEST_EQ(0, pl_strcmp(&m->ssrcv[0].cname, "Jk3mX9pQ2vR7tL1w"));
	TEST_EQ(0, pl_strcmp(&m->ssrcv[0].msid,
		"5d3c1e8a-7f2b-4c61-9a0e-2b8d6f4c3a17 "
		"e1a9c0d2-33b4-4f5e-8a6b-7c8d9e0f1a2b"));
	TEST_EQ(0, pl_strcmp(&m->msid,
		"5d3c1e8a-7f2b-4c61-9a0e-2b8d6f4c3a17 "
		"e1a9c0d2-33b4-4f5e-8a6b-7c8d9e0f1a2b"));
	TEST_EQ(CALLS_SDP_APPLICATION, sdp->mediav[1].type);
	TEST_EQ(0, pl_strcmp(&sdp->bundle, "0 1"));

	mem_deref(sdp);

	return 0;
}


static int test_sdp_parse_aiortc(void)
{
	struct calls_sdp *sdp = NULL;
	const struct calls_sdp_media *m;

	TEST_ERR(load("aiortc-1.4.sdp", &sdp));
	TEST_EQ(3, sdp->mediac);

	m = &sdp->mediav[0];
	TEST_EQ(51234, m->port);
	TEST_EQ(0, pl_strcmp(&m->conn, "127.0.0.1"));
	TEST_EQ(96, calls_sdp_codec_find(m, "opus", 48000)->pt);
	TEST_EQ(2, calls_sdp_extmap_id(m, CALLS_SDP_EXT_AUDIO_LEVEL));
	/* three fingerprints: sha-256 kept */
	TEST_EQ(0, pl_strcmp(&m->fp_hash, "sha-256"));
	TEST_EQ(1, m->candc);
	TEST_EQ(0, pl_strcmp(&m->candv[0].addr, "127.0.0.1"));
	TEST_EQ(51234, m->candv[0].port);
	TEST_EQ(2130706431U, m->candv[0].priority);
	TEST_EQ(0, pl_strcmp(&m->candv[0].type, "host"));
	TEST_EQ(0, pl_strcmp(&m->candv[0].transport, "udp"));
	TEST_ASSERT(m->eoc);

	m = &sdp->mediav[1];
	TEST_EQ(CALLS_SDP_VIDEO, m->type);
	TEST_EQ(97, calls_sdp_codec_find(m, "vp8", 90000)->pt);
	TEST_ASSERT(calls_sdp_has_fb(m, 97, "nack pli"));
	TEST_ASSERT(!calls_sdp_has_fb(m, 97, "ccm fir"));
	TEST_EQ(1, m->ssrc_groupc);
	TEST_EQ(0, pl_strcmp(&m->ssrc_groupv[0],
			     "FID 3360113449 1192530432"));
	TEST_EQ(2, m->ssrcc);

	m = &sdp->mediav[2];
	TEST_EQ(CALLS_SDP_APPLICATION, m->type);
	TEST_EQ(0, pl_strcmp(&m->proto, "DTLS/SCTP"));
	TEST_EQ(5000, m->sctp_port);
	TEST_EQ(65536, m->max_message_size);

	mem_deref(sdp);

	return 0;
}


static int test_sdp_parse_firefox(void)
{
	struct calls_sdp *sdp = NULL;
	const struct calls_sdp_media *m;

	TEST_ERR(load("firefox.sdp", &sdp));
	TEST_EQ(3, sdp->mediac);

	/* session-level fingerprint inherited by every section */
	m = &sdp->mediav[0];
	TEST_EQ(0, pl_strcmp(&m->fp_hash, "sha-256"));
	TEST_EQ(0, pl_strcmp(&sdp->mediav[2].fp_hash, "sha-256"));
	TEST_EQ(0, pl_strcmp(&m->ice_options, "trickle"));
	TEST_EQ(109, calls_sdp_codec_find(m, "opus", 48000)->pt);
	TEST_EQ(2, m->extc >= 2 ? m->extv[1].id : 0);
	TEST_EQ(0, pl_strcmp(&m->extv[1].dir, "/recvonly"));

	m = &sdp->mediav[1];
	TEST_EQ(CALLS_SDP_SENDONLY, m->dir);
	TEST_EQ(120, calls_sdp_codec_find(m, "VP8", 90000)->pt);
	TEST_EQ(2, m->ridc);
	TEST_EQ(0, pl_strcmp(&m->ridv[0], "a send"));
	TEST_EQ(0, pl_strcmp(&m->simulcast, "send a;b"));
	TEST_EQ(1, m->ssrc_groupc);
	TEST_EQ(1073741823, sdp->mediav[2].max_message_size);

	mem_deref(sdp);

	return 0;
}


/* CRLF and LF give the same result; unknown attributes are skipped */
static int test_sdp_parse_lf_unknown(void)
{
	static const char lf[] =
		"v=0\no=- 1 1 IN IP4 0.0.0.0\ns=-\nt=0 0\n"
		"a=x-unknown-session:whatever\n"
		"m=audio 9 UDP/TLS/RTP/SAVPF 111\nc=IN IP6 ::\n"
		"a=x-google-flag:conference\na=mid:a0\n"
		"a=rtpmap:111 opus/48000/2\na=recvonly\n"
		"a=ice-lite\n";
	struct calls_sdp *sdp = NULL;

	TEST_ERR(parse_str(lf, &sdp));
	TEST_EQ(1, sdp->mediac);
	TEST_EQ(0, pl_strcmp(&sdp->mediav[0].mid, "a0"));
	TEST_EQ(0, pl_strcmp(&sdp->mediav[0].conn, "::"));
	TEST_EQ(CALLS_SDP_RECVONLY, sdp->mediav[0].dir);
	TEST_EQ(111, sdp->mediav[0].codecv[0].pt);
	mem_deref(sdp);

	return 0;
}


static int test_sdp_parse_garbage(void)
{
	static const char *const bad[] = {
		"",
		"hello world",
		"v=1\r\n",
		"o=- 1 1 IN IP4 0.0.0.0\r\nv=0\r\n",
		"v=0\r\nthis is not sdp\r\n",
		"v=0\r\nm=audio\r\n",
		"v=0\r\nm=audio 99999 RTP/AVP 0\r\n",
		"v=0\r\nm=audio 9 RTP/AVP x\r\n",
		"v=0\r\nm=audio 9 RTP/AVP 128\r\n",
		"v=0\r\nm=audio 9 RTP/AVP 0\r\na=rtpmap:0 PCMU\r\n",
		"v=0\r\nm=audio 9 RTP/AVP 0\r\na=rtpmap:300 PCMU/8000\r\n",
		"v=0\r\nm=audio 9 RTP/AVP 0\r\na=extmap:0 urn:x\r\n",
		"v=0\r\nm=audio 9 RTP/AVP 0\r\na=ssrc:x cname:y\r\n",
		"v=0\r\nm=audio 9 RTP/AVP 0\r\na=candidate:1 1 udp\r\n",
		"v=0\r\nm=audio 9 RTP/AVP 0\r\na=candidate:1 1 udp 1 "
		"1.2.3.4 5 type host\r\n",
		"v=0\r\nc=IN IP5 1.2.3.4\r\n",
		"v=0\r\na=fingerprint:sha-256\r\n",
		"v=0\r\nm=application 9 UDP/DTLS/SCTP x\r\na=sctp-port:-1\r\n",
		"v=0\r\n=x\r\n",
		"v=0\r\nX=y\r\n",
	};
	struct calls_sdp *sdp = NULL;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		int err = parse_str(bad[i], &sdp);

		if (err != EBADMSG) {
			unit_fail(__FILE__, __LINE__, "case %zu: %d", i, err);
			mem_deref(sdp);
			return EINVAL;
		}
	}

	TEST_FAILS(EINVAL, calls_sdp_parse(NULL, "v=0", 3));

	return 0;
}


/* Answer to the Chrome audio offer: Opus, audio-level, DC, BUNDLE */
static int test_sdp_answer_chrome_audio(void)
{
	struct calls_sdp *offer = NULL, *ans = NULL;
	struct calls_sdp_local loc;
	const struct calls_sdp_media *m;
	char *s = NULL;

	loc_init(&loc);
	TEST_ERR(load("chrome-audio-bundle.sdp", &offer));
	TEST_ERR(calls_sdp_answer(&s, offer, &loc, NULL, 0));

	TEST_ASSERT(has_line(s, "a=ice-lite"));
	TEST_ASSERT(has_line(s, "a=group:BUNDLE 0 1"));
	TEST_ASSERT(has_line(s, "m=audio 9 UDP/TLS/RTP/SAVPF 111"));
	TEST_ASSERT(has_line(s, "a=rtpmap:111 opus/48000/2"));
	TEST_ASSERT(has_line(s, "a=fmtp:111 minptime=10;useinbandfec=1"));
	TEST_ASSERT(has_line(s, "a=extmap:1 " CALLS_SDP_EXT_AUDIO_LEVEL));
	TEST_ASSERT(has_line(s, "a=setup:passive"));
	TEST_ASSERT(has_line(s, "a=recvonly"));
	TEST_ASSERT(has_line(s, "a=rtcp-mux"));
	TEST_ASSERT(has_line(s, "a=sctp-port:5000"));
	TEST_ASSERT(has_line(s, "a=" "candidate:1 1 udp 2130706431 "
			     "127.0.0.1 8443 typ host"));
	TEST_ASSERT(has_line(s, "a=end-of-candidates"));
	TEST_ASSERT(!strstr(s, "transport-cc"));
	TEST_ASSERT(!strstr(s, "abs-send-time"));

	/* parses back as what it says */
	TEST_ERR(parse_str(s, &ans));
	TEST_ASSERT(ans->ice_lite);
	TEST_EQ(2, ans->mediac);
	m = &ans->mediav[0];
	TEST_EQ(0, pl_strcmp(&m->mid, "0"));
	TEST_EQ(1, m->codecc);
	TEST_EQ(CALLS_SDP_RECVONLY, m->dir);
	TEST_EQ(CALLS_SDP_SETUP_PASSIVE, m->setup);
	TEST_EQ(0, pl_strcmp(&m->ice_ufrag, "sfuUfrag1234"));
	TEST_EQ(0, pl_strcmp(&m->fp, fp_ours));
	TEST_EQ(2, m->candc);
	TEST_EQ(0, pl_strcmp(&m->candv[1].tcptype, "passive"));
	TEST_EQ(0, pl_strcmp(&ans->mediav[1].mid, "1"));
	TEST_EQ(5000, ans->mediav[1].sctp_port);
	TEST_EQ(0, pl_strcmp(&ans->bundle, "0 1"));
	TEST_ASSERT(!calls_sdp_dtls_client(offer->mediav[0].setup));

	mem_deref(ans);
	mem_deref(offer);
	mem_deref(s);

	return 0;
}


static int test_sdp_answer_chrome_dc(void)
{
	struct calls_sdp *offer = NULL, *ans = NULL;
	struct calls_sdp_local loc;
	char *s = NULL;

	loc_init(&loc);
	TEST_ERR(load("chrome-dc-only.sdp", &offer));
	TEST_ERR(calls_sdp_answer(&s, offer, &loc, NULL, 0));
	TEST_ERR(parse_str(s, &ans));
	TEST_EQ(1, ans->mediac);
	TEST_ASSERT(has_line(s,
		"m=application 9 UDP/DTLS/SCTP webrtc-datachannel"));
	TEST_ASSERT(has_line(s, "a=group:BUNDLE 0"));
	TEST_ASSERT(ans->extmap_allow_mixed);

	mem_deref(ans);
	mem_deref(offer);
	mem_deref(s);

	return 0;
}


/* aiortc: opus 96, VP8 97 echoed; old-style DTLS/SCTP kept */
static int test_sdp_answer_aiortc(void)
{
	struct calls_sdp *offer = NULL, *ans = NULL;
	struct calls_sdp_local loc;
	const struct calls_sdp_media *m;
	char *s = NULL;

	loc_init(&loc);
	TEST_ERR(load("aiortc-1.4.sdp", &offer));
	TEST_ERR(calls_sdp_answer(&s, offer, &loc, NULL, 0));
	TEST_ERR(parse_str(s, &ans));
	TEST_EQ(3, ans->mediac);

	m = &ans->mediav[0];
	TEST_EQ(96, m->codecv[0].pt);
	TEST_EQ(1, m->codecc);
	TEST_EQ(2, calls_sdp_extmap_id(m, CALLS_SDP_EXT_AUDIO_LEVEL));

	m = &ans->mediav[1];
	TEST_EQ(1, m->codecc);
	TEST_EQ(97, m->codecv[0].pt);
	TEST_ASSERT(calls_sdp_has_fb(m, 97, "nack"));
	TEST_ASSERT(calls_sdp_has_fb(m, 97, "nack pli"));
	TEST_ASSERT(calls_sdp_has_fb(m, 97, "goog-remb"));
	TEST_ASSERT(!calls_sdp_has_fb(m, 97, "ccm fir"));  /* not offered */

	m = &ans->mediav[2];
	TEST_EQ(0, pl_strcmp(&m->proto, "DTLS/SCTP"));
	TEST_EQ(5000, m->sctp_port);
	TEST_ASSERT(has_line(s, "a=group:BUNDLE 0 1 2"));

	mem_deref(ans);
	mem_deref(offer);
	mem_deref(s);

	return 0;
}


/* Firefox: VP8 120 with our rtcp-fb set, audio and video; a sending
 * track bound to the recv-capable audio m-line */
static int test_sdp_answer_firefox_track(void)
{
	struct calls_sdp *offer = NULL, *ans = NULL;
	struct calls_sdp_local loc;
	struct calls_sdp_track t = {
		.type = CALLS_SDP_AUDIO, .mid = "0", .stream_id = "sessA",
		.track_id = "voice_sessA_x1", .ssrc = 777, .cname = "sfu",
	};
	const struct calls_sdp_media *m;
	char *s = NULL;
	unsigned i;

	loc_init(&loc);
	TEST_ERR(load("firefox.sdp", &offer));
	TEST_ERR(calls_sdp_answer(&s, offer, &loc, &t, 1));
	TEST_ERR(parse_str(s, &ans));

	m = &ans->mediav[0];
	TEST_EQ(109, m->codecv[0].pt);
	TEST_EQ(CALLS_SDP_SENDRECV, m->dir);
	TEST_EQ(0, pl_strcmp(&m->msid, "sessA voice_sessA_x1"));
	TEST_EQ(777, m->ssrcv[0].ssrc);
	TEST_EQ(0, pl_strcmp(&m->ssrcv[0].cname, "sfu"));

	m = &ans->mediav[1];
	TEST_EQ(CALLS_SDP_RECVONLY, m->dir);
	TEST_EQ(120, m->codecv[0].pt);
	for (i = 0; i < 4; i++) {
		static const char *const fb[] = {"goog-remb", "ccm fir",
						 "nack", "nack pli"};
		TEST_ASSERT(calls_sdp_has_fb(m, 120, fb[i]));
	}
	TEST_EQ(4, m->fbc);

	mem_deref(ans);
	mem_deref(offer);
	mem_deref(s);

	return 0;
}


/* What we do not support gets port 0, mid kept, out of the BUNDLE */
static int test_sdp_answer_reject(void)
{
	static const char offer_s[] =
		"v=0\r\no=- 5 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"
		"a=group:BUNDLE 0 1 2 3\r\n"
		"a=fingerprint:sha-256 AB:CD\r\na=setup:active\r\n"
		"a=ice-ufrag:u\r\na=ice-pwd:p\r\n"
		"m=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:0\r\n"
		"a=rtpmap:0 PCMU/8000\r\n"
		"m=video 9 UDP/TLS/RTP/SAVPF 98\r\na=mid:1\r\n"
		"a=rtpmap:98 VP9/90000\r\n"
		"m=text 9 RTP/AVP 100\r\na=mid:2\r\n"
		"m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:3\r\n"
		"a=rtpmap:111 opus/48000/2\r\na=sendonly\r\n";
	struct calls_sdp *offer = NULL, *ans = NULL;
	struct calls_sdp_local loc;
	char *s = NULL;

	loc_init(&loc);
	TEST_ERR(parse_str(offer_s, &offer));
	TEST_ERR(calls_sdp_answer(&s, offer, &loc, NULL, 0));
	TEST_ERR(parse_str(s, &ans));

	TEST_EQ(4, ans->mediac);
	TEST_EQ(0, ans->mediav[0].port);
	TEST_EQ(0, ans->mediav[1].port);
	TEST_EQ(0, ans->mediav[2].port);
	TEST_EQ(9, ans->mediav[3].port);
	TEST_EQ(0, pl_strcmp(&ans->mediav[2].mid, "2"));
	TEST_EQ(0, pl_strcmp(&ans->bundle, "3"));
	TEST_EQ(CALLS_SDP_RECVONLY, ans->mediav[3].dir);
	/* the offerer is active: we are passive */
	TEST_EQ(CALLS_SDP_SETUP_PASSIVE, ans->mediav[3].setup);

	mem_deref(ans);
	mem_deref(offer);
	mem_deref(s);

	return 0;
}


/*
 * Server renegotiation: the client joined with audio + DC; we add a
 * voice track and a screen track, then remove the voice track.
 */
static int test_sdp_offer_renegotiate(void)
{
	struct calls_sdp *offer = NULL, *o2 = NULL, *o3 = NULL;
	struct calls_sdp_local loc;
	struct calls_sdp_track tv[2] = {
		{CALLS_SDP_AUDIO, "2", "sessB", "voice_sessB_a", 1111, "sfu",
		 false, false},
		{CALLS_SDP_VIDEO, "3", "sessC", "screen_sessC_b", 2222, "sfu",
		 false, false},
	};
	const struct calls_sdp_media *m;
	char *s = NULL, *s2 = NULL;

	loc_init(&loc);
	loc.sess_version = 2;
	TEST_ERR(load("chrome-audio-bundle.sdp", &offer));
	TEST_EQ(2, calls_sdp_next_mid(offer));

	TEST_ERR(calls_sdp_offer(&s, offer, &loc, tv, 2, true));
	TEST_ERR(parse_str(s, &o2));
	TEST_EQ(4, o2->mediac);
	TEST_EQ(2, o2->sess_version);
	TEST_EQ(0, pl_strcmp(&o2->bundle, "0 1 2 3"));
	TEST_ASSERT(has_line(s, "a=setup:actpass"));

	/* existing lines in order: the client's audio stays recvonly */
	m = &o2->mediav[0];
	TEST_EQ(0, pl_strcmp(&m->mid, "0"));
	TEST_EQ(CALLS_SDP_RECVONLY, m->dir);
	TEST_EQ(0, m->ssrcc);
	TEST_EQ(CALLS_SDP_APPLICATION, o2->mediav[1].type);

	m = &o2->mediav[2];
	TEST_EQ(CALLS_SDP_AUDIO, m->type);
	TEST_EQ(0, pl_strcmp(&m->mid, "2"));
	TEST_EQ(CALLS_SDP_SENDONLY, m->dir);
	TEST_EQ(111, m->codecv[0].pt);
	TEST_EQ(1, calls_sdp_extmap_id(m, CALLS_SDP_EXT_AUDIO_LEVEL));
	TEST_EQ(0, pl_strcmp(&m->msid, "sessB voice_sessB_a"));
	TEST_EQ(1111, m->ssrcv[0].ssrc);
	TEST_EQ(0, pl_strcmp(&m->ssrcv[0].msid, "sessB voice_sessB_a"));

	m = &o2->mediav[3];
	TEST_EQ(CALLS_SDP_VIDEO, m->type);
	TEST_EQ(96, m->codecv[0].pt);
	TEST_ASSERT(calls_sdp_has_fb(m, 96, "ccm fir"));
	TEST_EQ(CALLS_SDP_SENDONLY, m->dir);

	/* the client's answer would say recvonly; use our offer with
	 * directions reversed as "current": remove the voice track */
	tv[0].removed = true;
	TEST_ERR(calls_sdp_offer(&s2, o2, &loc, tv, 2, true));
	TEST_ERR(parse_str(s2, &o3));
	TEST_EQ(4, o3->mediac);
	m = &o3->mediav[2];
	TEST_EQ(9, m->port);
	TEST_EQ(0, m->ssrcc);
	TEST_EQ(0, m->msid.l);
	TEST_ASSERT(!(m->dir & CALLS_SDP_SENDONLY));
	TEST_EQ(0, pl_strcmp(&o3->mediav[3].msid,
			     "sessC screen_sessC_b"));
	mem_deref(s2);
	mem_deref(o3);

	/* stopped: port 0, out of the BUNDLE */
	tv[0].stop = true;
	TEST_ERR(calls_sdp_offer(&s2, o2, &loc, tv, 2, true));
	TEST_ERR(parse_str(s2, &o3));
	TEST_EQ(4, o3->mediac);
	TEST_EQ(0, o3->mediav[2].port);
	TEST_EQ(0, pl_strcmp(&o3->bundle, "0 1 3"));

	mem_deref(o3);
	mem_deref(o2);
	mem_deref(offer);
	mem_deref(s);
	mem_deref(s2);

	return 0;
}


/* Client side (calls-lt): offer DC + sendonly audio/video, parse the
 * SFU's answer to it, produced by our own answer builder */
static int test_sdp_client_offer(void)
{
	struct calls_sdp *offer = NULL, *ans = NULL;
	struct calls_sdp_local cl = {
		.ice_ufrag = "cliU", .ice_pwd = "clientPasswordLongEnough",
		.fp = "11:22", .sess_id = 42, .sess_version = 1,
	};
	struct calls_sdp_local loc;
	struct calls_sdp_track tv[2] = {
		{CALLS_SDP_AUDIO, "0", "lt1", "mic", 5, "lt", false, false},
		{CALLS_SDP_VIDEO, "1", "lt1", "screen", 6, "lt", false, false},
	};
	char *s = NULL, *a = NULL;

	TEST_ERR(calls_sdp_offer(&s, NULL, &cl, tv, 2, true));
	TEST_ERR(parse_str(s, &offer));
	TEST_EQ(3, offer->mediac);
	TEST_ASSERT(!offer->ice_lite);
	TEST_EQ(CALLS_SDP_SETUP_ACTPASS, offer->mediav[0].setup);
	TEST_EQ(CALLS_SDP_SENDONLY, offer->mediav[0].dir);
	TEST_EQ(CALLS_SDP_SENDONLY, offer->mediav[1].dir);
	TEST_EQ(0, pl_strcmp(&offer->mediav[2].mid, "2"));
	TEST_EQ(0, pl_strcmp(&offer->bundle, "0 1 2"));

	loc_init(&loc);
	TEST_ERR(calls_sdp_answer(&a, offer, &loc, NULL, 0));
	TEST_ERR(parse_str(a, &ans));
	TEST_EQ(3, ans->mediac);
	TEST_EQ(CALLS_SDP_RECVONLY, ans->mediav[0].dir);
	TEST_EQ(CALLS_SDP_RECVONLY, ans->mediav[1].dir);
	TEST_ASSERT(calls_sdp_dtls_client(ans->mediav[0].setup));
	TEST_ASSERT(ans->ice_lite);

	mem_deref(ans);
	mem_deref(offer);
	mem_deref(a);
	mem_deref(s);

	return 0;
}


static int test_sdp_helpers(void)
{
	TEST_EQ(CALLS_SDP_RECVONLY, calls_sdp_dir_reverse(CALLS_SDP_SENDONLY));
	TEST_EQ(CALLS_SDP_SENDONLY, calls_sdp_dir_reverse(CALLS_SDP_RECVONLY));
	TEST_EQ(CALLS_SDP_SENDRECV, calls_sdp_dir_reverse(CALLS_SDP_SENDRECV));
	TEST_EQ(CALLS_SDP_INACTIVE, calls_sdp_dir_reverse(CALLS_SDP_INACTIVE));
	TEST_STREQ("passive", calls_sdp_setup_name(CALLS_SDP_SETUP_PASSIVE));
	TEST_ASSERT(calls_sdp_dtls_client(CALLS_SDP_SETUP_PASSIVE));
	TEST_ASSERT(!calls_sdp_dtls_client(CALLS_SDP_SETUP_ACTIVE));
	TEST_EQ(0, calls_sdp_next_mid(NULL));

	return 0;
}


const struct unit_suite suite_sdp = {"sdp", {
	UNIT_CASE(test_sdp_parse_chrome_dc),
	UNIT_CASE(test_sdp_parse_chrome_audio),
	UNIT_CASE(test_sdp_parse_aiortc),
	UNIT_CASE(test_sdp_parse_firefox),
	UNIT_CASE(test_sdp_parse_lf_unknown),
	UNIT_CASE(test_sdp_parse_garbage),
	UNIT_CASE(test_sdp_answer_chrome_audio),
	UNIT_CASE(test_sdp_answer_chrome_dc),
	UNIT_CASE(test_sdp_answer_aiortc),
	UNIT_CASE(test_sdp_answer_firefox_track),
	UNIT_CASE(test_sdp_answer_reject),
	UNIT_CASE(test_sdp_offer_renegotiate),
	UNIT_CASE(test_sdp_client_offer),
	UNIT_CASE(test_sdp_helpers),
	{NULL, NULL}}};
