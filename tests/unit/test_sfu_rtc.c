/* calls-sfu groups/calls/sessions model (cmd/sfu/rtc.c) */
#include <stdlib.h>
#include "re_inc.h"
#include "rtcdmsg.h"
#include "../../cmd/sfu/config.h"  /* not the autoconf config.h */
#include "rtc.h"
#include "runner.h"

/* What the model sent towards the plugin */
struct sent {
	unsigned n;
	unsigned closes;
	char last_type[16];
	char last_sid[64];
	char last_group[64];
	int64_t last_rtc_type;
	bool stop_on_close;
};

static void send_h(const char *group_id, const char *session_id,
		   const struct calls_rtcdmsg *msg, void *arg)
{
	struct sent *st = arg;

	++st->n;
	str_ncpy(st->last_type, calls_rtcdmsg_type_name(msg->type),
		 sizeof(st->last_type));
	str_ncpy(st->last_sid, session_id, sizeof(st->last_sid));
	str_ncpy(st->last_group, group_id, sizeof(st->last_group));
	if (msg->type == CALLS_RTCDMSG_CLOSE) {
		++st->closes;
		if (st->stop_on_close)
			re_cancel();
	}
	else
		st->last_rtc_type = msg->rtc.type;
}


static void join_init(struct calls_rtcdmsg_join *j, const char *call,
		      const char *user, const char *sid)
{
	memset(j, 0, sizeof(*j));
	j->call_id = (char *)call;
	j->user_id = (char *)user;
	j->session_id = (char *)sid;
	j->channel_id = NULL;
	j->av1_support = CALLS_TRI_ABSENT;
	j->dc_signaling = CALLS_TRI_ABSENT;
}


static int rtc_new(struct sfu_rtc **rtcp, struct sfu_config *cfg,
		   struct sent *st)
{
	int err = sfu_rtc_alloc(rtcp, cfg, NULL);

	if (!err)
		sfu_rtc_set_send_handler(*rtcp, send_h, st);

	return err;
}


static int test_join_leave(void)
{
	struct sfu_config cfg;
	struct calls_rtcdmsg_join j;
	struct sfu_rtc *rtc = NULL;
	struct sent st;
	const char *why = NULL;
	int err = 0;

	memset(&cfg, 0, sizeof(cfg));
	memset(&st, 0, sizeof(st));
	TEST_ERR(rtc_new(&rtc, &cfg, &st));

	join_init(&j, "c1", "u1", "s1");
	if (!err)
		err = sfu_rtc_join(rtc, "g1", &j, &why);
	join_init(&j, "c1", "u2", "s2");
	if (!err)
		err = sfu_rtc_join(rtc, "g1", &j, &why);
	if (err)
		goto out;

	if (sfu_rtc_session_count(rtc) != 2 || sfu_rtc_call_count(rtc) != 1)
		err = EINVAL;

	/* a duplicate sessionID is refused, even from another group,
	 * and nothing is sent (a close would end the live session) */
	join_init(&j, "c9", "u9", "s1");
	if (!err && sfu_rtc_join(rtc, "g2", &j, &why) != EALREADY)
		err = EINVAL;
	if (!err && (strcmp(why, "user session already exists") || st.n))
		err = EINVAL;

	/* missing ids */
	join_init(&j, "c1", "", "s3");
	if (!err && sfu_rtc_join(rtc, "g1", &j, &why) != EINVAL)
		err = EINVAL;

	if (!err)
		err = sfu_rtc_leave(rtc, "g1", "s1");
	if (!err && (st.closes != 1 || strcmp(st.last_sid, "s1") ||
		     strcmp(st.last_type, "close")))
		err = EINVAL;
	if (!err && sfu_rtc_leave(rtc, "g1", "s1") != ENOENT)
		err = EINVAL;
	if (!err)
		err = sfu_rtc_leave(rtc, "g1", "s2");
	if (!err && (sfu_rtc_session_count(rtc) || sfu_rtc_call_count(rtc)))
		err = EINVAL;

 out:
	mem_deref(rtc);
	TEST_ERR(err);

	return 0;
}


static int test_group_isolation(void)
{
	struct calls_rtcdmsg_join j;
	struct calls_rtcdmsg_rtc m;
	struct sfu_rtc *rtc = NULL;
	struct sent st;
	int err;

	memset(&st, 0, sizeof(st));
	TEST_ERR(rtc_new(&rtc, NULL, &st));

	join_init(&j, "c1", "u1", "sA");
	err = sfu_rtc_join(rtc, "groupA", &j, NULL);

	memset(&m, 0, sizeof(m));
	m.session_id = "sA";
	m.type = CALLS_RTC_MUTE;

	/* group B knows the sessionID: it can neither leave nor signal */
	if (!err && sfu_rtc_leave(rtc, "groupB", "sA") != ENOENT)
		err = EINVAL;
	if (!err && sfu_rtc_signal(rtc, "groupB", &m) != ENOENT)
		err = EINVAL;
	if (!err && (sfu_rtc_session_owned(rtc, "groupB", "sA") ||
		     !sfu_rtc_session_owned(rtc, "groupA", "sA")))
		err = EINVAL;
	if (!err && (st.n || sfu_rtc_session_count(rtc) != 1))
		err = EINVAL;

	if (!err)
		err = sfu_rtc_signal(rtc, "groupA", &m);

	mem_deref(rtc);
	TEST_ERR(err);

	return 0;
}


static int test_max_participants_draining(void)
{
	struct sfu_config cfg;
	struct calls_rtcdmsg_join j;
	struct sfu_rtc *rtc = NULL;
	struct sent st;
	const char *why = NULL;
	int err;

	memset(&cfg, 0, sizeof(cfg));
	memset(&st, 0, sizeof(st));
	cfg.calls.max_call_participants = 2;
	TEST_ERR(rtc_new(&rtc, &cfg, &st));

	join_init(&j, "c1", "u1", "s1");
	err = sfu_rtc_join(rtc, "g", &j, &why);
	join_init(&j, "c1", "u2", "s2");
	if (!err)
		err = sfu_rtc_join(rtc, "g", &j, &why);
	join_init(&j, "c1", "u3", "s3");
	if (!err && sfu_rtc_join(rtc, "g", &j, &why) != EBUSY)
		err = EINVAL;
	if (!err && strcmp(why, "max call participants reached"))
		err = EINVAL;

	/* another call, and the same call in another group, are fine */
	join_init(&j, "c2", "u3", "s3");
	if (!err)
		err = sfu_rtc_join(rtc, "g", &j, &why);
	join_init(&j, "c1", "u4", "s4");
	if (!err)
		err = sfu_rtc_join(rtc, "h", &j, &why);

	sfu_rtc_set_draining(rtc, true);
	join_init(&j, "c5", "u5", "s5");
	if (!err && sfu_rtc_join(rtc, "g", &j, &why) != ESHUTDOWN)
		err = EINVAL;
	if (!err && (strcmp(why, "server is draining") ||
		     !sfu_rtc_draining(rtc)))
		err = EINVAL;
	if (!err && sfu_rtc_session_count(rtc) != 4)
		err = EINVAL;

	mem_deref(rtc);
	TEST_ERR(err);

	return 0;
}


static int mb_print(const char *p, size_t size, void *arg)
{
	return mbuf_write_mem(arg, (const uint8_t *)p, size);
}


/* sfu_rtc_sessions_json() into buf */
static int print_sessions(char *buf, size_t sz, const struct sfu_rtc *rtc,
			  const char *g, const char *c, const char *s,
			  const char **why)
{
	struct mbuf *mb = mbuf_alloc(256);
	struct re_printf pf = {mb_print, mb};
	int err;

	if (!mb)
		return ENOMEM;

	err = sfu_rtc_sessions_json(&pf, rtc, g, c, s, why);
	if (!err) {
		size_t n = mb->end < sz - 1 ? mb->end : sz - 1;

		memcpy(buf, mb->buf, n);
		buf[n] = '\0';
	}

	mem_deref(mb);

	return err;
}


static int test_sessions_json(void)
{
	struct calls_rtcdmsg_join j;
	struct sfu_rtc *rtc = NULL;
	char buf[1024];
	const char *why = NULL;
	int err;

	TEST_ERR(rtc_new(&rtc, NULL, &(struct sent){0}));

	join_init(&j, "c1", "u1", "s1");
	j.channel_id = "ch\"1";
	j.av1_support = CALLS_TRI_TRUE;
	j.dc_signaling = CALLS_TRI_FALSE;
	err = sfu_rtc_join(rtc, "g1", &j, NULL);
	join_init(&j, "c1", "u2", "s2");
	if (!err)
		err = sfu_rtc_join(rtc, "g1", &j, NULL);
	if (!err)
		err = print_sessions(buf, sizeof(buf), rtc, "g1", "c1", NULL,
				     &why);
	if (err)
		goto out;

	/* SessionConfig: no JSON tags in Go, Props keys sorted, a Props
	 * value null when the join lacked it */
	if (strcmp(buf, "[{\"GroupID\":\"g1\",\"CallID\":\"c1\","
		   "\"UserID\":\"u1\",\"SessionID\":\"s1\",\"Props\":"
		   "{\"av1Support\":true,\"channelID\":\"ch\\\"1\","
		   "\"dcSignaling\":false}},"
		   "{\"GroupID\":\"g1\",\"CallID\":\"c1\",\"UserID\":\"u2\","
		   "\"SessionID\":\"s2\",\"Props\":{\"av1Support\":null,"
		   "\"channelID\":null,\"dcSignaling\":null}}]")) {
		unit_fail(__FILE__, __LINE__, "got %s", buf);
		err = EINVAL;
		goto out;
	}

	err = print_sessions(buf, sizeof(buf), rtc, "g1", "c1", "s2", &why);
	if (!err && strncmp(buf, "{\"GroupID\":\"g1\",\"CallID\":\"c1\","
			    "\"UserID\":\"u2\"", 40))
		err = EINVAL;

	if (!err && (print_sessions(buf, sizeof(buf), rtc, "g2", "c1", NULL,
				    &why) != ENOENT ||
		     strcmp(why, "group not found")))
		err = EINVAL;
	if (!err && (print_sessions(buf, sizeof(buf), rtc, "g1", "c2", NULL,
				    &why) != ENOENT ||
		     strcmp(why, "call not found")))
		err = EINVAL;
	if (!err && (print_sessions(buf, sizeof(buf), rtc, "g1", "c1", "s9",
				    &why) != ENOENT))
		err = EINVAL;

 out:
	mem_deref(rtc);
	TEST_ERR(err);

	return 0;
}


static void watchdog(void *arg)
{
	bool *fired = arg;

	*fired = true;
	re_cancel();
}


static int test_offer_deadline(void)
{
	struct calls_rtcdmsg_join j;
	struct calls_rtcdmsg_rtc m;
	struct sfu_rtc *rtc = NULL;
	struct sent st;
	struct tmr wd;
	bool fired = false;
	static const char offer[] =
		"{\"type\":\"offer\",\"sdp\":\"v=0\\r\\n\"}";
	int err;

	memset(&st, 0, sizeof(st));
	st.stop_on_close = true;
	tmr_init(&wd);

	setenv(SFU_RTC_OFFER_TIMEOUT_ENV, "50", 1);
	err = rtc_new(&rtc, NULL, &st);
	unsetenv(SFU_RTC_OFFER_TIMEOUT_ENV);
	TEST_ERR(err);

	/* s1 offers in time, s2 does not */
	join_init(&j, "c1", "u1", "s1");
	err = sfu_rtc_join(rtc, "g", &j, NULL);
	join_init(&j, "c1", "u2", "s2");
	if (!err)
		err = sfu_rtc_join(rtc, "g", &j, NULL);

	memset(&m, 0, sizeof(m));
	m.session_id = "s1";
	m.type = CALLS_RTC_SDP;
	m.data = (uint8_t *)offer;
	m.data_len = strlen(offer);
	if (!err)
		err = sfu_rtc_signal(rtc, "g", &m);

	/* not an offer: refused, the deadline still runs */
	m.data = (uint8_t *)"{\"type\":\"pranswer\"}";
	m.data_len = strlen((char *)m.data);
	if (!err && sfu_rtc_signal(rtc, "g", &m) != EBADMSG)
		err = EINVAL;

	if (!err) {
		tmr_start(&wd, 5000, watchdog, &fired);
		err = re_main(NULL);
		tmr_cancel(&wd);
	}

	if (!err && (fired || st.closes != 1 || strcmp(st.last_sid, "s2")))
		err = EINVAL;
	if (!err && sfu_rtc_session_count(rtc) != 1)
		err = EINVAL;

	mem_deref(rtc);
	TEST_ERR(err);

	return 0;
}


static int sig(struct sfu_rtc *rtc, const char *sid, int64_t type,
	       const char *data)
{
	struct calls_rtcdmsg_rtc m;

	memset(&m, 0, sizeof(m));
	m.session_id = (char *)sid;
	m.type = type;
	m.data = (uint8_t *)data;
	m.data_len = data ? strlen(data) : 0;

	return sfu_rtc_signal(rtc, "g", &m);
}


/* The media seam: a fake media plane answering offers */
static int fake_attach(struct sfu_session *s, void **mediap, void *arg)
{
	unsigned *n = arg;

	(void)s;
	++n[0];
	*mediap = n;

	return 0;
}


static int fake_sdp(struct sfu_session *s, const char *type, const char *sdp,
		    void *arg)
{
	(void)arg;

	if (!strcmp(type, "offer") && !strcmp(sdp, "close-me")) {
		sfu_session_close(s, "test");
		return 0;
	}

	return sfu_session_send_sdp(s, "answer", "v=0\r\n");
}


static void fake_detach(struct sfu_session *s, void *media, void *arg)
{
	unsigned *n = arg;

	(void)s;
	(void)media;
	++n[1];
}


static int test_state_and_media(void)
{
	unsigned counts[2] = {0, 0};
	const struct sfu_media_ops ops = {
		.attach = fake_attach, .sdp = fake_sdp,
		.detach = fake_detach, .arg = counts,
	};
	struct calls_rtcdmsg_join j;
	struct sfu_rtc *rtc = NULL;
	struct sent st;
	int err;

	memset(&st, 0, sizeof(st));
	TEST_ERR(rtc_new(&rtc, NULL, &st));
	sfu_rtc_set_media(rtc, &ops);

	join_init(&j, "c1", "u1", "s1");
	err = sfu_rtc_join(rtc, "g", &j, NULL);
	join_init(&j, "c1", "u2", "s2");
	if (!err)
		err = sfu_rtc_join(rtc, "g", &j, NULL);
	if (err)
		goto out;

	err = sig(rtc, "s1", CALLS_RTC_MUTE, NULL);
	if (!err)
		err = sig(rtc, "s1", CALLS_RTC_SCREEN_ON,
			  "{\"screenStreamID\":\"{a1b2}\"}");
	/* one screen sharer per call */
	if (!err && sig(rtc, "s2", CALLS_RTC_SCREEN_ON,
			"{\"screenStreamID\":\"x\"}") != EBUSY)
		err = EINVAL;
	if (!err && sig(rtc, "s2", CALLS_RTC_SCREEN_ON, "not json") !=
	    EBUSY)
		err = EINVAL;
	if (!err)
		err = sig(rtc, "s1", CALLS_RTC_SCREEN_OFF, NULL);
	if (!err && sig(rtc, "s2", CALLS_RTC_SCREEN_ON, "{}") != EBADMSG)
		err = EINVAL;
	if (!err)
		err = sig(rtc, "s2", CALLS_RTC_SCREEN_ON,
			  "{\"screenStreamID\":\"x\"}");
	if (!err && sig(rtc, "s2", CALLS_RTC_VOICE_ON, NULL) != EPROTO)
		err = EINVAL;
	if (!err && sig(rtc, "s2", 42, NULL) != EPROTO)
		err = EINVAL;
	/* an empty candidate is accepted and ignored */
	if (!err)
		err = sig(rtc, "s2", CALLS_RTC_ICE, "{\"candidate\":\"\"}");
	if (err)
		goto out;

	/* the answer comes back through the send handler, all ids set */
	err = sig(rtc, "s1", CALLS_RTC_SDP,
		  "{\"type\":\"offer\",\"sdp\":\"v=0\"}");
	if (!err && (strcmp(st.last_type, "rtc") ||
		     st.last_rtc_type != CALLS_RTC_SDP ||
		     strcmp(st.last_group, "g")))
		err = EINVAL;

	/* the media plane may end the session from its callback */
	if (!err)
		err = sig(rtc, "s2", CALLS_RTC_SDP,
			  "{\"type\":\"offer\",\"sdp\":\"close-me\"}");
	if (!err && (st.closes != 1 || sfu_rtc_session_count(rtc) != 1))
		err = EINVAL;

	if (!err && counts[0] != 2)
		err = EINVAL;

 out:
	mem_deref(rtc);
	TEST_ERR(err);
	TEST_EQ(2, counts[1]);

	return 0;
}


static void idle_h(void *arg)
{
	++*(unsigned *)arg;
}


static int test_close_all_idle(void)
{
	struct calls_rtcdmsg_join j;
	struct sfu_rtc *rtc = NULL;
	struct sent st;
	unsigned idle = 0;
	char sid[8];
	int err = 0, i;

	memset(&st, 0, sizeof(st));
	TEST_ERR(rtc_new(&rtc, NULL, &st));
	sfu_rtc_set_idle_handler(rtc, idle_h, &idle);

	for (i = 0; i < 10 && !err; i++) {
		re_snprintf(sid, sizeof(sid), "s%d", i);
		join_init(&j, i % 2 ? "c1" : "c2", "u", sid);
		err = sfu_rtc_join(rtc, i % 3 ? "g1" : "g2", &j, NULL);
	}

	if (!err) {
		sfu_rtc_close_all(rtc, "drain timeout");
		if (st.closes != 10 || idle != 1 ||
		    sfu_rtc_session_count(rtc) || sfu_rtc_call_count(rtc))
			err = EINVAL;
	}

	mem_deref(rtc);
	TEST_ERR(err);

	return 0;
}


const struct unit_suite suite_sfu_rtc = {"sfu_rtc", {
	UNIT_CASE(test_join_leave),
	UNIT_CASE(test_group_isolation),
	UNIT_CASE(test_max_participants_draining),
	UNIT_CASE(test_sessions_json),
	UNIT_CASE(test_offer_deadline),
	UNIT_CASE(test_state_and_media),
	UNIT_CASE(test_close_all_idle),
	{NULL, NULL}}};
