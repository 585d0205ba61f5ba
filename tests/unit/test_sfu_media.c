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


static int test_media_renegotiation(void)
{
	struct sfu_config cfg;
	struct sfu_rtc *rtc = NULL;
	struct sfu_media *med = NULL;
	char *offer_a = NULL, *offer_b = NULL, *ans = NULL;
	const struct calls_sdp_media *m;
	struct calls_sdp *sdp = NULL;
	struct otrack *ot;
	struct peer *a, *b;
	char *mid = NULL;
	unsigned i;
	int err = 0;

	fk = mem_zalloc(sizeof(*fk), NULL);
	TEST_ASSERT(fk != NULL);
	memset(&cfg, 0, sizeof(cfg));
	cfg.rtc.nack_buffer_size = 8;

	err = fixture(&offer_a, "sdp/chrome-audio-bundle.sdp");
	err |= fixture(&offer_b, "sdp/chrome-dc-only.sdp");
	if (!err)
		err = sfu_rtc_alloc(&rtc, &cfg, NULL);
	if (!err)
		err = sfu_media_alloc(&med, &cfg, NULL, NULL, NULL);
	if (err)
		goto out;

	fk->real = sfu_media_ops(med);
	fk->ops = *fk->real;
	fk->ops.attach = attach_h;
	sfu_rtc_set_send_handler(rtc, send_h, NULL);
	sfu_rtc_set_media(rtc, &fk->ops);

	/* A joins and offers audio + DC: answered over the WS */
	err = join(rtc, "sidA", "uA");
	if (!err)
		err = signal_sdp(rtc, "sidA", "offer", offer_a);
	if (err)
		goto out;
	a = fk->pv[0];
	if (!has("A:ws:answer ") || list_count(&a->itracks) != 1) {
		err = EPROTO;
		goto out;
	}

	/* B joins with a DC-only offer; nothing is offered to B before
	 * its data channel opens (tracksInitDone) */
	err = join(rtc, "sidB", "uB");
	if (!err)
		err = signal_sdp(rtc, "sidB", "offer", offer_b);
	if (err)
		goto out;
	b = fk->pv[1];
	spin();
	if (!has("B:ws:answer ") || has("B:ws:offer")) {
		err = EPROTO;
		goto out;
	}

	/* DC open: A's voice track queued; MediaMap, then the offer */
	reset_log();
	media_test_dc(a, dc_tx, NULL);
	media_test_dc(b, dc_tx, NULL);
	spin();
	if (strcmp(fk->log, "B:dc:MediaMap B:ws:offer ") ||
	    fk->dc_last.media_n != 1 ||
	    strcmp(fk->map_type, "voice") ||
	    strcmp(fk->map_sender, "sidA")) {
		unit_fail(__FILE__, __LINE__, "log: %s", fk->log);
		err = EPROTO;
		goto out;
	}
	ot = list_ledata(b->otracks.head);
	if (!ot || ot->st != OT_ADDING || !b->lock_server ||
	    strncmp(ot->track_id, "voice_sidA_", 11) ||
	    strlen(ot->track_id) != 19) {
		err = EPROTO;
		goto out;
	}
	str_dup(&mid, ot->mid);

	/* the offer has the track: sendonly, msid "sidA <track id>" */
	err = calls_sdp_parse(&sdp, fk->last_offer[1],
			      strlen(fk->last_offer[1]));
	if (err)
		goto out;
	m = calls_sdp_media_by_mid(sdp, mid);
	if (!m || m->dir != CALLS_SDP_SENDONLY || !m->ssrcc ||
	    m->ssrcv[0].ssrc != ot->ssrc) {
		err = EPROTO;
		goto out;
	}
	sdp = mem_deref(sdp);

	/* while we offer: the client's Lock is refused, its offer ignored
	 * (glare: the client is polite) */
	reset_log();
	dc_in(b, CALLS_DCMSG_LOCK);
	err = signal_sdp(rtc, "sidB", "offer", offer_b);
	if (err)
		goto out;
	if (strcmp(fk->log, "B:dc:Lock ") || fk->dc_lock_reply) {
		unit_fail(__FILE__, __LINE__, "log: %s", fk->log);
		err = EPROTO;
		goto out;
	}

	/* B answers: the track is live with B's payload type; lock free */
	err = client_answer(&ans, fk->last_offer[1]);
	if (!err)
		err = signal_sdp(rtc, "sidB", "answer", ans);
	if (err)
		goto out;
	spin();
	if (ot->st != OT_LIVE || ot->pt != 111 || !ot->level_id ||
	    b->lock_server || b->offering) {
		err = EPROTO;
		goto out;
	}

	/* B takes the lock; A leaves: the removal waits for Unlock */
	reset_log();
	dc_in(b, CALLS_DCMSG_LOCK);
	if (!fk->dc_lock_reply || !b->lock_client) {
		err = EPROTO;
		goto out;
	}
	err = sfu_rtc_leave(rtc, "g1", "sidA");
	if (err)
		goto out;
	spin();
	if (has("B:ws:offer") || ot->st != OT_DEL) {
		unit_fail(__FILE__, __LINE__, "log: %s", fk->log);
		err = EPROTO;
		goto out;
	}
	dc_in(b, CALLS_DCMSG_UNLOCK);
	spin();
	if (!has("B:dc:MediaMap B:ws:offer ") || fk->dc_last.media_n != 0) {
		unit_fail(__FILE__, __LINE__, "log: %s", fk->log);
		err = EPROTO;
		goto out;
	}

	/* the m-line stays, inactive without ssrc */
	err = calls_sdp_parse(&sdp, fk->last_offer[1],
			      strlen(fk->last_offer[1]));
	if (err)
		goto out;
	m = calls_sdp_media_by_mid(sdp, mid);
	if (!m || m->dir != CALLS_SDP_INACTIVE || m->ssrcc) {
		err = EPROTO;
		goto out;
	}

	ans = mem_deref(ans);
	err = client_answer(&ans, fk->last_offer[1]);
	if (!err)
		err = signal_sdp(rtc, "sidB", "answer", ans);
	if (err)
		goto out;
	if (ot->st != OT_GONE || b->offering) {
		err = EPROTO;
		goto out;
	}

	/* DC protocol: Ping, text ping, client stats, Mute */
	reset_log();
	dc_in(b, CALLS_DCMSG_PING);
	media_dc_msg(b, true, (const uint8_t *)"ping", 4);
	dc_in(b, CALLS_DCMSG_UNLOCK);   /* not held: nothing */
	if (strcmp(fk->log, "B:dc:Pong B:dc:text ") ||
	    strcmp(fk->last_text, "pong")) {
		unit_fail(__FILE__, __LINE__, "log: %s", fk->log);
		err = EPROTO;
		goto out;
	}

	/* an offer over the DC (dcSignaling) is answered over the DC */
	reset_log();
	err = dc_offer(b, fk->last_offer[1]);
	if (err)
		goto out;
	if (strcmp(fk->log, "B:dc:SDP ") || !b->dc_sig) {
		unit_fail(__FILE__, __LINE__, "log: %s", fk->log);
		err = EPROTO;
	}

 out:
	mem_deref(sdp);
	mem_deref(mid);
	mem_deref(ans);
	mem_deref(offer_a);
	mem_deref(offer_b);
	mem_deref(rtc);
	mem_deref(med);
	for (i = 0; fk && i < ARRAY_SIZE(fk->sidv); i++) {
		mem_deref(fk->sidv[i]);
		mem_deref(fk->last_offer[i]);
	}
	fk = mem_deref(fk);
	TEST_ERR(err);

	return 0;
}


const struct unit_suite suite_sfu_media = {"sfu_media", {
	UNIT_CASE(test_media_renegotiation),
	{NULL, NULL}}};
