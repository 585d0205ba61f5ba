/* Fuzz target: the calls-sfu media plane on client input. Two sessions of
 * one call (A publishes Opus, B receives it over a fake data channel);
 * the first byte picks what the rest is:
 *   0  A's first offer (SDP text), then B's queue runs and the same text
 *      is B's answer to the resulting server offer
 *   1  one calls-dc message from B (binary; 'T' prefix: text)
 *   2  plain RTP from A (after SRTP), forwarded to B
 *   3  plain RTCP from B (PLI, FIR, NACK, reports)
 * No network: the media plane runs without an RTC port. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "re_inc.h"
#include "rtcdmsg.h"
#include "json.h"
#include "srtp.h"
#include "log.h"
#include "../../cmd/sfu/config.h"
#include "rtc.h"
#include "media.h"
#include "fwd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FP_HEX "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:" \
	"00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF"
#define FP "sha-256 " FP_HEX

#define SESS "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
#define TRANSPORT "c=IN IP4 0.0.0.0\r\na=ice-ufrag:abcd\r\n" \
	"a=ice-pwd:abcdefghijklmnopqrstuvwx\r\na=fingerprint:" FP "\r\n" \
	"a=setup:actpass\r\n"
#define DC_MLINE "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n" \
	TRANSPORT "a=sctp-port:5000\r\n"

static const char offer_a[] = SESS "a=group:BUNDLE 0 1\r\n"
	"m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n" TRANSPORT "a=mid:0\r\n"
	"a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n"
	"a=sendrecv\r\na=msid:s1 t1\r\na=rtcp-mux\r\n"
	"a=rtpmap:111 opus/48000/2\r\na=ssrc:1111 cname:x\r\n"
	DC_MLINE "a=mid:1\r\n";
static const char offer_b[] = SESS "a=group:BUNDLE 0\r\n" DC_MLINE
	"a=mid:0\r\n";

static const uint8_t key[16], salt[14];

struct fz {
	struct sfu_config cfg;
	struct sfu_rtc *rtc;
	struct sfu_media *med;
	struct sfu_media_ops ops;
	const struct sfu_media_ops *real;
	struct peer *pv[2];
	unsigned n;
	char *offer;           /* the last server offer to B */
};

static struct fz *fz;


static void send_h(const char *group_id, const char *session_id,
		   const struct calls_rtcdmsg *msg, void *arg)
{
	struct odict *od = NULL;
	const char *type;
	(void)group_id;
	(void)arg;

	if (msg->type != CALLS_RTCDMSG_RTC || msg->rtc.type != CALLS_RTC_SDP ||
	    strcmp(session_id, "sidB"))
		return;

	if (json_decode_odict(&od, 8, (char *)msg->rtc.data,
			      msg->rtc.data_len, 4))
		return;

	type = odict_string(od, "type");
	if (type && !strcmp(type, "offer")) {
		fz->offer = mem_deref(fz->offer);
		(void)str_dup(&fz->offer, odict_string(od, "sdp"));
	}

	mem_deref(od);
}


static void dc_tx(struct peer *p, bool is_text, const uint8_t *buf,
		  size_t len, void *arg)
{
	(void)p; (void)is_text; (void)buf; (void)len; (void)arg;
}


static int attach_h(struct sfu_session *s, void **mediap, void *arg)
{
	int err = fz->real->attach(s, mediap, arg);

	if (!err && fz->n < 2)
		fz->pv[fz->n++] = *mediap;

	return err;
}


static void detach_h(struct sfu_session *s, void *media, void *arg)
{
	unsigned i;

	for (i = 0; i < 2; i++)
		if (fz->pv[i] == media)
			fz->pv[i] = NULL;

	fz->real->detach(s, media, arg);
}


static int join_offer(const char *sid, const char *sdp, size_t len)
{
	struct calls_rtcdmsg_join j;
	struct calls_rtcdmsg_rtc m;
	struct pl pl = {sdp, len};
	char *json = NULL;
	int err;

	memset(&j, 0, sizeof(j));
	j.call_id = "c1";
	j.user_id = (char *)sid;
	j.session_id = (char *)sid;
	j.av1_support = CALLS_TRI_ABSENT;
	j.dc_signaling = CALLS_TRI_ABSENT;

	err = sfu_rtc_join(fz->rtc, "g1", &j, NULL);
	if (err)
		return err;

	err = re_sdprintf(&json, "{\"type\":\"offer\",\"sdp\":\"%H\"}",
			  calls_json_escape_pl, &pl);
	if (err)
		return err;

	memset(&m, 0, sizeof(m));
	m.session_id = (char *)sid;
	m.type = CALLS_RTC_SDP;
	m.data = (uint8_t *)json;
	m.data_len = strlen(json);
	(void)sfu_rtc_signal(fz->rtc, "g1", &m);
	mem_deref(json);

	return 0;
}


/* B's answer to the server offer: lib/sdp in the client role */
static void answer_b(const char *text, size_t len)
{
	struct calls_sdp *o = NULL;
	struct calls_sdp_local loc;
	char *ans = NULL;

	if (!text) {
		if (!fz->pv[1] || !fz->offer || calls_sdp_parse(&o, fz->offer,
						  strlen(fz->offer)))
			return;
		memset(&loc, 0, sizeof(loc));
		loc.ice_ufrag = "efgh";
		loc.ice_pwd = "abcdefghijklmnopqrstuvwx";
		loc.fp_hash = "sha-256";
		loc.fp = FP_HEX;
		loc.setup = CALLS_SDP_SETUP_ACTIVE;
		if (calls_sdp_answer(&ans, o, &loc, NULL, 0))
			goto out;
		text = ans;
		len = strlen(ans);
	}

	{
		char *t = NULL;

		if (fz->pv[1] && !re_sdprintf(&t, "%b", text, len)) {
			(void)media_answer(fz->pv[1], t);
			mem_deref(t);
		}
	}

 out:
	mem_deref(ans);
	mem_deref(o);
}


static int setup(const char *a_offer, size_t a_len)
{
	int err;

	fz = mem_zalloc(sizeof(*fz), NULL);
	if (!fz)
		return ENOMEM;

	fz->cfg.rtc.nack_buffer_size = 16;
	err = sfu_rtc_alloc(&fz->rtc, &fz->cfg, NULL);
	if (!err)
		err = sfu_media_alloc(&fz->med, &fz->cfg, NULL, NULL, NULL);
	if (err)
		return err;

	fz->real = sfu_media_ops(fz->med);
	fz->ops = *fz->real;
	fz->ops.attach = attach_h;
	fz->ops.detach = detach_h;
	sfu_rtc_set_send_handler(fz->rtc, send_h, NULL);
	sfu_rtc_set_media(fz->rtc, &fz->ops);

	err = join_offer("sidA", a_offer, a_len);
	if (!err)
		err = join_offer("sidB", offer_b, strlen(offer_b));
	if (err || fz->n != 2 || !fz->pv[0] || !fz->pv[1])
		return err ? err : EPROTO;  /* e.g. closed: no fingerprint */

	media_test_dc(fz->pv[0], dc_tx, NULL);
	media_test_dc(fz->pv[1], dc_tx, NULL);
	media_run(fz->pv[1]);

	return 0;
}


static void teardown(void)
{
	if (!fz)
		return;

	mem_deref(fz->rtc);
	mem_deref(fz->med);
	mem_deref(fz->offer);
	fz = mem_deref(fz);
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool init;
	struct peer *a, *b;
	uint8_t *copy;

	if (!init) {
		if (libre_init())
			return 0;
		calls_log_set_level(CALLS_LOG_ERROR);
		init = true;
	}

	if (!size || size > 65536)
		return 0;

	if (data[0] == 0) {
		if (!setup((const char *)data + 1, size - 1))
			answer_b((const char *)data + 1, size - 1);
		teardown();
		return 0;
	}

	if (setup(offer_a, strlen(offer_a)))
		goto out;

	a = fz->pv[0];
	b = fz->pv[1];
	answer_b(NULL, 0);
	if (calls_srtp_alloc(&b->srtp_tx, CALLS_SRTP_AES_CM_128_HMAC_SHA1_80,
			     key, sizeof(key), salt, sizeof(salt)) ||
	    calls_srtp_alloc(&a->srtp_tx, CALLS_SRTP_AES_CM_128_HMAC_SHA1_80,
			     key, sizeof(key), salt, sizeof(salt)))
		goto out;

	copy = malloc(size);
	if (!copy)
		goto out;
	memcpy(copy, data + 1, size - 1);

	switch (data[0]) {

	case 1:
		if (size > 1 && copy[0] == 'T')
			media_dc_msg(b, true, copy + 1, size - 2);
		else
			media_dc_msg(b, false, copy, size - 1);
		media_run(b);
		break;

	case 2:
		fwd_rtp_plain(a, copy, size - 1);
		break;

	case 3:
		fwd_rtcp_plain(b, copy, size - 1);
		break;

	default:
		break;
	}

	free(copy);
 out:
	teardown();

	return 0;
}
