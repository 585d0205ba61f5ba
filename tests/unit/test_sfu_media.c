/* calls-sfu media plane signaling: the renegotiation queue, the DC lock,
 * MediaMap before every server offer, glare, the DC protocol. Real
 * sessions (cmd/sfu/rtc.c) with a fake plugin connection and a fake data
 * channel; no network (the media plane runs without an RTC port). */
#include <stdlib.h>
#include "re_inc.h"
#include "rtcdmsg.h"
#include "dcmsg.h"
#include "json.h"
#include "../../cmd/sfu/config.h"  /* not the autoconf config.h */
#include "rtc.h"
#include "media.h"
#include "fwd.h"
#include "srtp.h"
#include "runner.h"

/* What went out, in order: "A:ws:answer B:dc:mediamap B:ws:offer ..." */
struct fake {
	char log[2048];
	struct sfu_media_ops ops;        /* wraps the media plane's       */
	const struct sfu_media_ops *real;
	struct peer *pv[4];
	char *sidv[4];
	unsigned n;
	char *last_offer[4];             /* the last server offer per peer */
	struct calls_dcmsg dc_last;      /* pl point into freed bytes  */
	char map_type[16];               /* MediaMap entry 0           */
	char map_sender[16];
	bool dc_lock_reply;
	unsigned vad_off;
	char last_text[8];
};

static struct fake *fk;


static void logf_(const char *fmt, const char *a, const char *b)
{
	size_t n = strlen(fk->log);

	re_snprintf(fk->log + n, sizeof(fk->log) - n, fmt, a, b);
}


static int idx_of(const char *sid)
{
	unsigned i;

	for (i = 0; i < fk->n; i++)
		if (!strcmp(fk->sidv[i], sid))
			return (int)i;

	return -1;
}


static void send_h(const char *group_id, const char *session_id,
		   const struct calls_rtcdmsg *msg, void *arg)
{
	struct odict *od = NULL;
	int i = idx_of(session_id);
	const char *who = i == 0 ? "A" : i == 1 ? "B" : "?";
	(void)group_id;
	(void)arg;

	if (msg->type == CALLS_RTCDMSG_VAD) {
		if (msg->rtc.type == CALLS_RTC_VOICE_OFF)
			++fk->vad_off;
		return;
	}

	if (msg->type != CALLS_RTCDMSG_RTC) {
		logf_("%s:%s ", who, calls_rtcdmsg_type_name(msg->type));
		return;
	}

	if (msg->rtc.type != CALLS_RTC_SDP)
		return;

	if (json_decode_odict(&od, 8, (char *)msg->rtc.data,
			      msg->rtc.data_len, 4))
		return;

	logf_("%s:ws:%s ", who, odict_string(od, "type"));
	if (i >= 0 && !strcmp(odict_string(od, "type"), "offer")) {
		mem_deref(fk->last_offer[i]);
		str_dup(&fk->last_offer[i], odict_string(od, "sdp"));
	}

	mem_deref(od);
}


static void dc_tx(struct peer *p, bool is_text, const uint8_t *buf,
		  size_t len, void *arg)
{
	const char *who = p == fk->pv[0] ? "A" : p == fk->pv[1] ? "B" : "?";
	(void)arg;

	if (is_text) {
		str_ncpy(fk->last_text, (const char *)buf,
			 min(len + 1, sizeof(fk->last_text)));
		logf_("%s:dc:text ", who, NULL);
		return;
	}

	if (calls_dcmsg_decode(&fk->dc_last, buf, len)) {
		logf_("%s:dc:bad ", who, NULL);
		return;
	}

	logf_("%s:dc:%s ", who, calls_dcmsg_type_name(fk->dc_last.type));
	if (fk->dc_last.type == CALLS_DCMSG_MEDIA_MAP &&
	    fk->dc_last.media_n) {
		pl_strcpy(&fk->dc_last.media[0].type, fk->map_type,
			  sizeof(fk->map_type));
		pl_strcpy(&fk->dc_last.media[0].sender_id, fk->map_sender,
			  sizeof(fk->map_sender));
	}
	if (fk->dc_last.type == CALLS_DCMSG_LOCK)
		fk->dc_lock_reply = fk->dc_last.lock;
}


static int attach_h(struct sfu_session *s, void **mediap, void *arg)
{
	int err = fk->real->attach(s, mediap, arg);

	if (!err && fk->n < ARRAY_SIZE(fk->pv)) {
		fk->pv[fk->n] = *mediap;
		str_dup(&fk->sidv[fk->n], sfu_session_id(s));
		++fk->n;
	}

	return err;
}


static void stop_h(void *arg)
{
	(void)arg;
	re_cancel();
}


/* Runs the loop briefly: kicks run from zero-time timers */
static void spin(void)
{
	struct tmr t;

	tmr_init(&t);
	tmr_start(&t, 20, stop_h, NULL);
	re_main(NULL);
	tmr_cancel(&t);
}


static int join(struct sfu_rtc *rtc, const char *sid, const char *user)
{
	struct calls_rtcdmsg_join j;

	memset(&j, 0, sizeof(j));
	j.call_id = "c1";
	j.user_id = (char *)user;
	j.session_id = (char *)sid;
	j.av1_support = CALLS_TRI_ABSENT;
	j.dc_signaling = CALLS_TRI_ABSENT;

	return sfu_rtc_join(rtc, "g1", &j, NULL);
}


static int signal_sdp(struct sfu_rtc *rtc, const char *sid,
		      const char *type, const char *sdp)
{
	struct calls_rtcdmsg_rtc m;
	char *json = NULL;
	int err;

	err = re_sdprintf(&json, "{\"type\":\"%s\",\"sdp\":\"%H\"}", type,
			  calls_json_escape, sdp);
	if (err)
		return err;

	memset(&m, 0, sizeof(m));
	m.session_id = (char *)sid;
	m.type = CALLS_RTC_SDP;
	m.data = (uint8_t *)json;
	m.data_len = strlen(json);
	err = sfu_rtc_signal(rtc, "g1", &m);
	mem_deref(json);

	return err;
}


static int fixture(char **sdpp, const char *name)
{
	uint8_t *buf = NULL;
	size_t len;
	int err;

	err = unit_fixture(name, &buf, &len);
	if (err)
		return err;

	err = re_sdprintf(sdpp, "%b", buf, len);
	free(buf);

	return err;
}


/* The client's answer to a server offer (lib/sdp in the client role) */
static int client_answer(char **ansp, const char *offer_text)
{
	struct calls_sdp *offer = NULL;
	struct calls_sdp_local loc;
	int err;

	err = calls_sdp_parse(&offer, offer_text, strlen(offer_text));
	if (err)
		return err;

	memset(&loc, 0, sizeof(loc));
	loc.ice_ufrag = "cli1";
	loc.ice_pwd = "clientpassword0123456789";
	loc.fp_hash = "sha-256";
	loc.fp = "8A:1F:3C:D4:77:02:9B:5E:61:C0:AA:13:4F:E8:2D:90:3B:76:"
		"C1:0E:55:D9:F2:84:1A:6C:B3:07:E4:29:58:DF";
	loc.setup = CALLS_SDP_SETUP_ACTIVE;
	loc.sess_id = 42;
	loc.sess_version = 3;

	err = calls_sdp_answer(ansp, offer, &loc, NULL, 0);
	mem_deref(offer);

	return err;
}


static void dc_in(struct peer *p, enum calls_dcmsg_type type)
{
	struct calls_dcmsg m;
	struct mbuf *mb = mbuf_alloc(16);

	memset(&m, 0, sizeof(m));
	m.type = type;
	if (mb && !calls_dcmsg_encode(mb, &m))
		media_dc_msg(p, false, mb->buf, mb->end);
	mem_deref(mb);
}


/* The client re-offers over the DC what it last got (as its offer) */
static int dc_offer(struct peer *p, const char *server_offer)
{
	struct calls_sdp *sdp = NULL;
	struct calls_sdp_local loc;
	struct mbuf *mb = mbuf_alloc(1024);
	char *offer = NULL, *json = NULL;
	int err;

	if (!mb)
		return ENOMEM;

	err = calls_sdp_parse(&sdp, server_offer, strlen(server_offer));
	if (err)
		goto out;

	memset(&loc, 0, sizeof(loc));
	loc.ice_ufrag = "cli1";
	loc.ice_pwd = "clientpassword0123456789";
	loc.fp_hash = "sha-256";
	loc.fp = "8A:1F:3C:D4:77:02:9B:5E:61:C0:AA:13:4F:E8:2D:90:3B:76:"
		"C1:0E:55:D9:F2:84:1A:6C:B3:07:E4:29:58:DF";
	loc.sess_id = 42;
	loc.sess_version = 4;

	err = calls_sdp_offer(&offer, sdp, &loc, NULL, 0, false);
	if (!err)
		err = re_sdprintf(&json, "{\"type\":\"offer\",\"sdp\":\"%H\"}",
				  calls_json_escape, offer);
	if (!err)
		err = calls_dcmsg_encode_sdp(mb, json, strlen(json));
	if (!err)
		media_dc_msg(p, false, mb->buf, mb->end);

 out:
	mem_deref(json);
	mem_deref(offer);
	mem_deref(sdp);
	mem_deref(mb);

	return err;
}


static bool has(const char *s)
{
	return strstr(fk->log, s) != NULL;
}


static void reset_log(void)
{
	fk->log[0] = '\0';
}


/* One scenario, in steps sharing this state */
struct rn {
	struct sfu_config cfg;
	struct sfu_rtc *rtc;
	struct sfu_media *med;
	char *offer_a, *offer_b;
	struct peer *a, *b;
	struct otrack *ot;               /* A's voice at B              */
	char *mid;
};


#define CHECK(cond) do { \
	if (!(cond)) { \
		unit_fail(__FILE__, __LINE__, "%s (log: %s)", #cond, \
			  fk->log); \
		return EPROTO; \
	} \
} while (0)


static int sdp_mline(const char *text, const char *mid,
		     enum calls_sdp_dir *dirp, uint32_t *ssrcp)
{
	const struct calls_sdp_media *m;
	struct calls_sdp *sdp = NULL;
	int err;

	err = calls_sdp_parse(&sdp, text, strlen(text));
	if (err)
		return err;

	m = calls_sdp_media_by_mid(sdp, mid);
	if (m) {
		*dirp = m->dir;
		*ssrcp = m->ssrcc ? m->ssrcv[0].ssrc : 0;
	}
	mem_deref(sdp);

	return m ? 0 : ENOENT;
}


static int answer_as_b(struct rn *t)
{
	char *ans = NULL;
	int err;

	err = client_answer(&ans, fk->last_offer[1]);
	if (!err)
		err = signal_sdp(t->rtc, "sidB", "answer", ans);
	mem_deref(ans);

	return err;
}


/* A offers audio + DC, B a DC only; both answered over the WebSocket;
 * nothing is offered to B before its data channel opens */
static int rn_join(struct rn *t)
{
	int err;

	err = join(t->rtc, "sidA", "uA");
	if (!err)
		err = signal_sdp(t->rtc, "sidA", "offer", t->offer_a);
	if (err)
		return err;
	t->a = fk->pv[0];
	CHECK(has("A:ws:answer ") && list_count(&t->a->itracks) == 1);

	err = join(t->rtc, "sidB", "uB");
	if (!err)
		err = signal_sdp(t->rtc, "sidB", "offer", t->offer_b);
	if (err)
		return err;
	t->b = fk->pv[1];
	spin();
	CHECK(has("B:ws:answer ") && !has("B:ws:offer"));

	return 0;
}


/* DC open: A's voice is queued for B: MediaMap, then the offer with
 * the track sendonly, under the server's lock */
static int rn_add(struct rn *t)
{
	enum calls_sdp_dir dir = CALLS_SDP_INACTIVE;
	uint32_t ssrc = 0;
	int err;

	reset_log();
	media_test_dc(t->a, dc_tx, NULL);
	media_test_dc(t->b, dc_tx, NULL);
	spin();
	CHECK(!strcmp(fk->log, "B:dc:MediaMap B:ws:offer "));
	CHECK(fk->dc_last.media_n == 1 && !strcmp(fk->map_type, "voice") &&
	      !strcmp(fk->map_sender, "sidA"));

	t->ot = list_ledata(t->b->otracks.head);
	CHECK(t->ot && t->ot->st == OT_ADDING && t->b->lock_server);
	CHECK(!strncmp(t->ot->track_id, "voice_sidA_", 11) &&
	      strlen(t->ot->track_id) == 19);
	err = str_dup(&t->mid, t->ot->mid);
	if (!err)
		err = sdp_mline(fk->last_offer[1], t->mid, &dir, &ssrc);
	if (err)
		return err;
	CHECK(dir == CALLS_SDP_SENDONLY && ssrc == t->ot->ssrc);

	return 0;
}


/* While we offer: the client's Lock is refused and its offer ignored
 * (glare, the client is polite); its answer makes the track live */
static int rn_glare_answer(struct rn *t)
{
	int err;

	reset_log();
	dc_in(t->b, CALLS_DCMSG_LOCK);
	err = signal_sdp(t->rtc, "sidB", "offer", t->offer_b);
	if (err)
		return err;
	CHECK(!strcmp(fk->log, "B:dc:Lock ") && !fk->dc_lock_reply);

	err = answer_as_b(t);
	if (err)
		return err;
	spin();
	CHECK(t->ot->st == OT_LIVE && t->ot->pt == 111 && t->ot->level_id);
	CHECK(!t->b->lock_server && !t->b->offering);

	return 0;
}


/* B holds the lock when A leaves: the removal waits for Unlock; the
 * m-line stays, inactive without ssrc */
static int rn_remove(struct rn *t)
{
	enum calls_sdp_dir dir = CALLS_SDP_SENDRECV;
	uint32_t ssrc = 1;
	int err;

	reset_log();
	dc_in(t->b, CALLS_DCMSG_LOCK);
	CHECK(fk->dc_lock_reply && t->b->lock_client);

	err = sfu_rtc_leave(t->rtc, "g1", "sidA");
	if (err)
		return err;
	spin();
	CHECK(!has("B:ws:offer") && t->ot->st == OT_DEL);

	dc_in(t->b, CALLS_DCMSG_UNLOCK);
	spin();
	CHECK(has("B:dc:MediaMap B:ws:offer ") && fk->dc_last.media_n == 0);
	err = sdp_mline(fk->last_offer[1], t->mid, &dir, &ssrc);
	if (err)
		return err;
	CHECK(dir == CALLS_SDP_INACTIVE && ssrc == 0);

	err = answer_as_b(t);
	if (err)
		return err;
	CHECK(t->ot->st == OT_GONE && !t->b->offering);

	return 0;
}


/* Ping, text ping, an Unlock not held; an offer over the DC is
 * answered over the DC */
static int rn_dc(struct rn *t)
{
	int err;

	reset_log();
	dc_in(t->b, CALLS_DCMSG_PING);
	media_dc_msg(t->b, true, (const uint8_t *)"ping", 4);
	dc_in(t->b, CALLS_DCMSG_UNLOCK);
	CHECK(!strcmp(fk->log, "B:dc:Pong B:dc:text ") &&
	      !strcmp(fk->last_text, "pong"));

	reset_log();
	err = dc_offer(t->b, fk->last_offer[1]);
	if (err)
		return err;
	CHECK(!strcmp(fk->log, "B:dc:SDP ") && t->b->dc_sig);

	return 0;
}


static int rn_setup(struct rn *t)
{
	int err;

	t->cfg.rtc.nack_buffer_size = 8;

	err = fixture(&t->offer_a, "sdp/chrome-audio-bundle.sdp");
	err |= fixture(&t->offer_b, "sdp/chrome-dc-only.sdp");
	if (!err)
		err = sfu_rtc_alloc(&t->rtc, &t->cfg, NULL);
	if (!err)
		err = sfu_media_alloc(&t->med, &t->cfg, NULL, NULL, NULL);
	if (err)
		return err;

	fk->real = sfu_media_ops(t->med);
	fk->ops = *fk->real;
	fk->ops.attach = attach_h;
	sfu_rtc_set_send_handler(t->rtc, send_h, NULL);
	sfu_rtc_set_media(t->rtc, &fk->ops);

	return 0;
}


static int test_media_renegotiation(void)
{
	struct rn t;
	unsigned i;
	int err;

	memset(&t, 0, sizeof(t));
	fk = mem_zalloc(sizeof(*fk), NULL);
	TEST_ASSERT(fk != NULL);

	err = rn_setup(&t);
	if (!err)
		err = rn_join(&t);
	if (!err)
		err = rn_add(&t);
	if (!err)
		err = rn_glare_answer(&t);
	if (!err)
		err = rn_remove(&t);
	if (!err)
		err = rn_dc(&t);

	mem_deref(t.mid);
	mem_deref(t.offer_a);
	mem_deref(t.offer_b);
	mem_deref(t.rtc);
	mem_deref(t.med);
	for (i = 0; i < ARRAY_SIZE(fk->sidv); i++) {
		mem_deref(fk->sidv[i]);
		mem_deref(fk->last_offer[i]);
	}
	fk = mem_deref(fk);
	TEST_ERR(err);

	return 0;
}


/* ---- forwarding: mute drop, NACK from the ring, PLI, ScreenOff ---- */

#define T_FP "sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:" \
	"00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF"
#define T_TRANSPORT "c=IN IP4 0.0.0.0\r\na=ice-ufrag:abcd\r\n" \
	"a=ice-pwd:abcdefghijklmnopqrstuvwx\r\na=fingerprint:" T_FP "\r\n" \
	"a=setup:actpass\r\n"

/* A publishes its mic (stream "mic") and its screen (stream "scr") */
static const char offer_av[] =
	"v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
	"a=group:BUNDLE 0 1 2\r\n"
	"m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n" T_TRANSPORT "a=mid:0\r\n"
	"a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n"
	"a=sendonly\r\na=msid:mic a1\r\na=rtcp-mux\r\n"
	"a=rtpmap:111 opus/48000/2\r\na=ssrc:1111 cname:x\r\n"
	"m=video 9 UDP/TLS/RTP/SAVPF 96\r\n" T_TRANSPORT "a=mid:1\r\n"
	"a=sendonly\r\na=msid:scr v1\r\na=rtcp-mux\r\n"
	"a=rtpmap:96 VP8/90000\r\na=rtcp-fb:96 nack\r\n"
	"a=rtcp-fb:96 nack pli\r\na=ssrc:2222 cname:x\r\n"
	"m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n" T_TRANSPORT
	"a=mid:2\r\na=sctp-port:5000\r\n";

static const uint8_t zkey[16], zsalt[14];


static int state_msg(struct sfu_rtc *rtc, const char *sid, int type,
		     const char *json)
{
	struct calls_rtcdmsg_rtc m;

	memset(&m, 0, sizeof(m));
	m.session_id = (char *)sid;
	m.type = type;
	m.data = (uint8_t *)json;
	m.data_len = json ? strlen(json) : 0;

	return sfu_rtc_signal(rtc, "g1", &m);
}


static void rtp_in(struct peer *p, uint8_t pt, uint16_t seq, uint32_t ssrc,
		   bool level)
{
	uint8_t pkt[40] = {0x80, pt, seq >> 8, seq & 0xff, 0, 0, 3, 0xe8,
			   ssrc >> 24, ssrc >> 16, ssrc >> 8, ssrc};
	size_t n = 12;

	if (level) {
		static const uint8_t ext[] = {0xbe, 0xde, 0, 1,
					      0x10, 0x85, 0, 0};
		pkt[0] |= 0x10;
		memcpy(pkt + n, ext, sizeof(ext));
		n += sizeof(ext);
	}
	memcpy(pkt + n, "\x90\xe0\x12\x34payload", 11);
	fwd_rtp_plain(p, pkt, n + 11);
}


static void rtcp_in(struct peer *p, bool pli, uint32_t media_ssrc,
		    const uint16_t *seqv, size_t seqc)
{
	uint8_t buf[128];
	size_t off = 0;

	if (pli)
		calls_rtcp_build_pli(buf, sizeof(buf), &off, 9, media_ssrc);
	else
		calls_rtcp_build_nack(buf, sizeof(buf), &off, 9, media_ssrc,
				      seqv, seqc);
	fwd_rtcp_plain(p, buf, off);
}


static struct otrack *ot_of(struct peer *rx, enum sfu_track_kind kind)
{
	struct le *le;

	LIST_FOREACH(&rx->otracks, le) {
		struct otrack *ot = le->data;
		if (ot->kind == kind && ot->st != OT_GONE)
			return ot;
	}

	return NULL;
}


/* A (mic + screen) and B (receives both, live) */
static int fw_setup(struct rn *t)
{
	unsigned i;
	int err;

	err = rn_setup(t);
	if (!err)
		err = join(t->rtc, "sidA", "uA");
	if (!err)
		err = state_msg(t->rtc, "sidA", CALLS_RTC_SCREEN_ON,
				"{\"screenStreamID\":\"scr\"}");
	if (!err)
		err = signal_sdp(t->rtc, "sidA", "offer", offer_av);
	if (!err)
		err = join(t->rtc, "sidB", "uB");
	if (!err)
		err = signal_sdp(t->rtc, "sidB", "offer", t->offer_b);
	if (err)
		return err;

	t->a = fk->pv[0];
	t->b = fk->pv[1];
	CHECK(t->a && t->b && list_count(&t->a->itracks) == 2);
	media_test_dc(t->a, dc_tx, NULL);
	media_test_dc(t->b, dc_tx, NULL);

	for (i = 0; i < 2 && !err; i++) {
		spin();
		err = answer_as_b(t);
	}
	spin();
	if (err)
		return err;

	CHECK(ot_of(t->b, SFU_TRACK_VOICE)->st == OT_LIVE);
	CHECK(ot_of(t->b, SFU_TRACK_SCREEN)->st == OT_LIVE);

	err  = calls_srtp_alloc(&t->b->srtp_tx,
				CALLS_SRTP_AES_CM_128_HMAC_SHA1_80,
				zkey, sizeof(zkey), zsalt, sizeof(zsalt));
	err |= calls_srtp_alloc(&t->a->srtp_tx,
				CALLS_SRTP_AES_CM_128_HMAC_SHA1_80,
				zkey, sizeof(zkey), zsalt, sizeof(zsalt));

	return err;
}


static int fw_steps(struct rn *t)
{
	static const uint16_t lost[] = {102, 103}, old[] = {108};
	struct otrack *voice = ot_of(t->b, SFU_TRACK_VOICE);
	struct otrack *scr = ot_of(t->b, SFU_TRACK_SCREEN);
	struct itrack *in = scr->in;
	uint16_t seq;

	/* voice flows; muted voice is dropped and VoiceOff sent */
	rtp_in(t->a, 111, 1, 1111, true);
	CHECK(voice->pkts == 1);
	TEST_ERR(state_msg(t->rtc, "sidA", CALLS_RTC_MUTE, NULL));
	rtp_in(t->a, 111, 2, 1111, true);
	CHECK(voice->pkts == 1 && fk->vad_off == 1);
	TEST_ERR(state_msg(t->rtc, "sidA", CALLS_RTC_UNMUTE, NULL));
	rtp_in(t->a, 111, 3, 1111, true);
	CHECK(voice->pkts == 2);
	/* an SSRC A never announced goes nowhere */
	rtp_in(t->a, 111, 4, 3333, true);
	CHECK(voice->pkts == 2);

	/* video, then a NACK answered from the ring; 108 is not there
	 * (its slot of the 8 holds 100) */
	for (seq = 100; seq < 106; seq++)
		rtp_in(t->a, 96, seq, 2222, false);
	CHECK(scr->pkts == 6);
	rtcp_in(t->b, false, scr->ssrc, lost, 2);
	CHECK(scr->pkts == 8);
	rtcp_in(t->b, false, scr->ssrc, old, 1);
	rtcp_in(t->b, false, voice->ssrc, lost, 2);
	CHECK(scr->pkts == 8 && voice->pkts == 2);

	/* a PLI for our SSRC becomes one for A's */
	CHECK(in->last_pli_ms == 0);
	rtcp_in(t->b, true, scr->ssrc, NULL, 0);
	CHECK(in->last_pli_ms != 0);

	/* ScreenOff: the screen track is removed from B by an offer */
	reset_log();
	TEST_ERR(state_msg(t->rtc, "sidA", CALLS_RTC_SCREEN_OFF, NULL));
	spin();
	CHECK(scr->st == OT_DELETING && has("B:ws:offer"));
	rtp_in(t->a, 96, 106, 2222, false);
	CHECK(scr->pkts == 8);

	return 0;
}


static int test_media_forwarding(void)
{
	struct rn t;
	unsigned i;
	int err;

	memset(&t, 0, sizeof(t));
	fk = mem_zalloc(sizeof(*fk), NULL);
	TEST_ASSERT(fk != NULL);

	err = fw_setup(&t);
	if (!err)
		err = fw_steps(&t);

	mem_deref(t.offer_a);
	mem_deref(t.offer_b);
	mem_deref(t.rtc);
	mem_deref(t.med);
	for (i = 0; i < ARRAY_SIZE(fk->sidv); i++) {
		mem_deref(fk->sidv[i]);
		mem_deref(fk->last_offer[i]);
	}
	fk = mem_deref(fk);
	TEST_ERR(err);

	return 0;
}


/* MediaMap: lib/dcmsg decodes ours; more entries than it keeps fit */
static int test_media_map_encode(void)
{
	static struct calls_dcmsg_media v[70];
	static const char *const types[] = {"voice", "screen",
					    "screen-audio"};
	static struct calls_dcmsg d;
	char mids[70][4];
	struct mbuf *mb = mbuf_alloc(64);
	size_t i;
	int err = 0;

	TEST_ASSERT(mb != NULL);
	for (i = 0; i < ARRAY_SIZE(v); i++) {
		re_snprintf(mids[i], sizeof(mids[i]), "%zu", i);
		pl_set_str(&v[i].mid, mids[i]);
		pl_set_str(&v[i].type, types[i % 3]);
		pl_set_str(&v[i].sender_id, "abcdefghijklmnopqrstuvwxyz012345"
			   "6789");
	}

	err = media_dc_map_encode(mb, v, 3);
	if (!err)
		err = calls_dcmsg_decode(&d, mb->buf, mb->end);
	if (!err && (d.type != CALLS_DCMSG_MEDIA_MAP || d.media_n != 3 ||
		     pl_strcmp(&d.media[2].type, "screen-audio") ||
		     pl_strcmp(&d.media[1].mid, "1") ||
		     pl_strcmp(&d.media[0].sender_id,
			       "abcdefghijklmnopqrstuvwxyz0123456789")))
		err = EPROTO;

	/* 70 entries: map16 header, and each entry is the same size:
	 * mid str, fixmap 2, "type" + type, "sender_id" + str8 sender */
	if (!err) {
		size_t len = 5;

		mb->pos = mb->end = 0;
		err = media_dc_map_encode(mb, v, 70);
		for (i = 0; i < 70; i++)
			len += 1 + strlen(mids[i]) + 1 + 5 + 1 +
				strlen(types[i % 3]) + 10 + 2 + 36;
		if (!err && (memcmp(mb->buf, "\xcc\x09\xde\x00\x46", 5) ||
			     mb->end != len))
			err = EPROTO;
	}

	mem_deref(mb);
	TEST_ERR(err);

	return 0;
}


const struct unit_suite suite_sfu_media = {"sfu_media", {
	UNIT_CASE(test_media_renegotiation),
	UNIT_CASE(test_media_forwarding),
	UNIT_CASE(test_media_map_encode),
	{NULL, NULL}}};
