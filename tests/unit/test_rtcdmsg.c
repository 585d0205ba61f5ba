/* The rtcd WebSocket codec against the wire examples of
 * rtcd-protocol.md section 2 (vmihailenco/msgpack encoding rules) */
#include <stdlib.h>
#include "re_inc.h"
#include "rtcdmsg.h"
#include "runner.h"

#define SID "ybndrfg8ejkmcpqxot1uwisza3"   /* 26 chars */


/*
 * Builds bytes from the notation of the reference: hex bytes and
 * 'quoted' strings separated by spaces, e.g. "a5 'hello' 81".
 */
static size_t hx(uint8_t *out, size_t sz, const char *spec)
{
	size_t n = 0;
	const char *p = spec;

	while (*p) {
		if (*p == ' ') {
			p++;
		}
		else if (*p == '\'') {
			const char *e = strchr(p + 1, '\'');

			while (e && e[1] && e[1] != ' ')
				e = strchr(e + 1, '\'');
			if (!e || n + (size_t)(e - p - 1) > sz)
				abort();
			memcpy(out + n, p + 1, e - p - 1);
			n += e - p - 1;
			p = e + 1;
		}
		else {
			if (n >= sz)
				abort();
			out[n++] = (uint8_t)strtoul(p, (char **)&p, 16);
		}
	}

	return n;
}


static int expect_bytes(const char *spec, const struct mbuf *mb)
{
	uint8_t exp[2048];
	size_t n = hx(exp, sizeof(exp), spec);

	if (mb->end != n || memcmp(exp, mb->buf, n)) {
		unit_fail(__FILE__, __LINE__, "encoding differs: %zu vs %zu "
			  "bytes", n, mb->end);
		return EINVAL;
	}

	return 0;
}


static int decode_spec(struct calls_rtcdmsg **msgp, const char *spec,
		       const char **errp)
{
	uint8_t buf[2048];
	size_t n = hx(buf, sizeof(buf), spec);

	return calls_rtcdmsg_decode(msgp, buf, n, errp);
}


static int test_hello_wire(void)
{
	struct mbuf *mb = mbuf_alloc(64);
	struct calls_rtcdmsg *msg = NULL;
	int err;

	TEST_ASSERT(mb);
	err = calls_rtcdmsg_encode_hello(mb, "mm-inst-1", SID);
	if (!err)
		err = expect_bytes("a5 'hello' 82 a8 'clientID' "
				   "a9 'mm-inst-1' a6 'connID' ba '" SID "'",
				   mb);
	if (!err)
		err = calls_rtcdmsg_decode(&msg, mb->buf, mb->end, NULL);
	mem_deref(mb);
	TEST_ERR(err);

	TEST_EQ(CALLS_RTCDMSG_HELLO, msg->type);
	TEST_STREQ("mm-inst-1", msg->client_id);
	TEST_STREQ(SID, msg->conn_id);
	mem_deref(msg);

	return 0;
}


static int test_join_wire(void)
{
	struct calls_rtcdmsg *msg = NULL;
	struct mbuf *mb;
	int err;

	TEST_ERR(decode_spec(&msg, "a4 'join' 86 a6 'callID' a4 'cid1' "
			     "a6 'userID' a4 'uid1' a9 'sessionID' ba '" SID
			     "' a9 'channelID' a5 'chid1' aa 'av1Support' c2 "
			     "ab 'dcSignaling' c3", NULL));
	TEST_EQ(CALLS_RTCDMSG_JOIN, msg->type);
	TEST_STREQ("cid1", msg->join.call_id);
	TEST_STREQ("uid1", msg->join.user_id);
	TEST_STREQ(SID, msg->join.session_id);
	TEST_STREQ("chid1", msg->join.channel_id);
	TEST_EQ(CALLS_TRI_FALSE, msg->join.av1_support);
	TEST_EQ(CALLS_TRI_TRUE, msg->join.dc_signaling);

	/* our encoder writes the plugin's key order: the same bytes */
	mb = mbuf_alloc(128);
	TEST_ASSERT(mb);
	err = calls_rtcdmsg_encode(mb, msg);
	if (!err)
		err = expect_bytes("a4 'join' 86 a6 'callID' a4 'cid1' "
				   "a6 'userID' a4 'uid1' a9 'sessionID' ba '"
				   SID "' a9 'channelID' a5 'chid1' "
				   "aa 'av1Support' c2 ab 'dcSignaling' c3",
				   mb);
	mem_deref(mb);
	mem_deref(msg);
	TEST_ERR(err);

	/* a generic map: any order, unknown keys, flags missing */
	TEST_ERR(decode_spec(&msg, "a4 'join' 84 a5 'extra' 92 01 c0 "
			     "a9 'sessionID' a2 's1' a6 'userID' a1 'u' "
			     "a6 'callID' a1 'c'", NULL));
	TEST_STREQ("s1", msg->join.session_id);
	TEST_ASSERT(msg->join.channel_id == NULL);
	TEST_EQ(CALLS_TRI_ABSENT, msg->join.av1_support);
	TEST_EQ(CALLS_TRI_ABSENT, msg->join.dc_signaling);
	mem_deref(msg);

	return 0;
}


static int test_sid_wire(void)
{
	static const struct {
		enum calls_rtcdmsg_type type;
		const char *spec;
	} v[] = {
		{CALLS_RTCDMSG_RECONNECT,
		 "a9 'reconnect' 81 a9 'sessionID' ba '" SID "'"},
		/* the hex of the reference's leave frame */
		{CALLS_RTCDMSG_LEAVE, "a5 6c 65 61 76 65 81 a9 73 65 73 73 69 "
		 "6f 6e 49 44 ba '" SID "'"},
		{CALLS_RTCDMSG_CLOSE,
		 "a5 'close' 81 a9 'sessionID' ba '" SID "'"},
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(v); i++) {
		struct mbuf *mb = mbuf_alloc(64);
		struct calls_rtcdmsg *msg = NULL;
		int err;

		TEST_ASSERT(mb);
		err = calls_rtcdmsg_encode_sid(mb, v[i].type, SID);
		if (!err)
			err = expect_bytes(v[i].spec, mb);
		mem_deref(mb);
		TEST_ERR(err);

		TEST_ERR(decode_spec(&msg, v[i].spec, NULL));
		TEST_EQ(v[i].type, msg->type);
		TEST_STREQ(SID, msg->session_id);
		mem_deref(msg);
	}

	/* a string map may carry other string keys */
	{
		struct calls_rtcdmsg *msg = NULL;

		TEST_ERR(decode_spec(&msg, "a5 'leave' 82 a1 'x' a1 'y' "
				     "a9 'sessionID' a1 's'", NULL));
		TEST_STREQ("s", msg->session_id);
		mem_deref(msg);
	}

	return 0;
}


static int encode_rtc(const char *spec, enum calls_rtcdmsg_type type,
		      const char *group, const char *user, const char *call,
		      int64_t rtype, const char *data)
{
	struct calls_rtcdmsg_rtc r;
	struct mbuf *mb = mbuf_alloc(256);
	int err;

	if (!mb)
		return ENOMEM;

	memset(&r, 0, sizeof(r));
	r.group_id = (char *)group;
	r.user_id = (char *)user;
	r.session_id = SID;
	r.call_id = (char *)call;
	r.type = rtype;
	r.data = (uint8_t *)data;
	r.data_len = data ? strlen(data) : 0;

	err = calls_rtcdmsg_encode_rtc(mb, type, &r);
	if (!err)
		err = expect_bytes(spec, mb);

	mem_deref(mb);

	return err;
}


static int test_rtc_wire(void)
{
	char sdp[400], spec[1024];
	struct calls_rtcdmsg *msg = NULL;
	size_t n;

	TEST_ERR(encode_rtc("a3 'rtc' 85 a8 'group_id' a0 a7 'user_id' a0 "
			    "aa 'session_id' ba '" SID "' a7 'call_id' a0 "
			    "a4 'type' 03",
			    CALLS_RTCDMSG_RTC, "", "", "", CALLS_RTC_MUTE,
			    NULL));

	TEST_ERR(encode_rtc("a3 'rtc' 86 a8 'group_id' a0 a7 'user_id' a0 "
			    "aa 'session_id' ba '" SID "' a7 'call_id' a0 "
			    "a4 'type' 05 a4 'data' c4 1b "
			    "'{\"screenStreamID\":\"{a1b2}\"}'",
			    CALLS_RTCDMSG_RTC, "", "", "", CALLS_RTC_SCREEN_ON,
			    "{\"screenStreamID\":\"{a1b2}\"}"));

	/* SDP above 255 bytes: bin16 */
	n = (size_t)re_snprintf(sdp, sizeof(sdp),
				"{\"type\":\"offer\",\"sdp\":\"v=0%300s\"}",
				"");
	for (size_t i = 0; i < n; i++)
		if (sdp[i] == ' ')
			sdp[i] = 'x';
	re_snprintf(spec, sizeof(spec), "a3 'rtc' 86 a8 'group_id' a0 "
		    "a7 'user_id' a0 aa 'session_id' ba '" SID "' "
		    "a7 'call_id' a0 a4 'type' 02 a4 'data' c5 %02x %02x '%s'",
		    (unsigned)(n >> 8), (unsigned)(n & 0xff), sdp);
	TEST_ERR(encode_rtc(spec, CALLS_RTCDMSG_RTC, "", "", "",
			    CALLS_RTC_SDP, sdp));

	TEST_ERR(decode_spec(&msg, spec, NULL));
	TEST_EQ(CALLS_RTC_SDP, msg->rtc.type);
	TEST_EQ(n, msg->rtc.data_len);
	TEST_MEMEQ(sdp, msg->rtc.data, n);
	TEST_STREQ("", msg->rtc.group_id);
	mem_deref(msg);

	TEST_ERR(encode_rtc("a3 'vad' 85 a8 'group_id' a9 'mm-inst-1' "
			    "a7 'user_id' a4 'uid1' aa 'session_id' ba '" SID
			    "' a7 'call_id' a4 'cid1' a4 'type' 07",
			    CALLS_RTCDMSG_VAD, "mm-inst-1", "uid1", "cid1",
			    CALLS_RTC_VOICE_ON, NULL));

	return 0;
}


static int test_rtc_decode_lenient(void)
{
	struct calls_rtcdmsg *msg = NULL;

	/* any key order, only session_id/type/data (as the plugin sends),
	 * data as str, an unknown key, type as uint8 */
	TEST_ERR(decode_spec(&msg, "a3 'rtc' 84 a4 'data' a3 'abc' "
			     "a3 'foo' c3 a4 'type' cc 01 "
			     "aa 'session_id' a2 's1'", NULL));
	TEST_EQ(CALLS_RTCDMSG_RTC, msg->type);
	TEST_EQ(CALLS_RTC_ICE, msg->rtc.type);
	TEST_STREQ("s1", msg->rtc.session_id);
	TEST_STREQ("", msg->rtc.call_id);
	TEST_EQ(3, msg->rtc.data_len);
	TEST_STREQ("abc", (char *)msg->rtc.data);
	mem_deref(msg);

	/* nil ids and nil data */
	TEST_ERR(decode_spec(&msg, "a3 'rtc' 83 a7 'user_id' c0 "
			     "a4 'data' c0 a4 'type' 04", NULL));
	TEST_STREQ("", msg->rtc.user_id);
	TEST_ASSERT(msg->rtc.data == NULL);
	TEST_EQ(CALLS_RTC_UNMUTE, msg->rtc.type);
	mem_deref(msg);

	return 0;
}


static int test_malformed(void)
{
	static const struct {
		const char *spec;
		const char *why;
	} v[] = {
		{"", "malformed msgpack"},
		{"a5 'hello'", "malformed msgpack"},
		{"a5 'leave' 81 a9 'sessionID' a3 'ab'", "malformed msgpack"},
		{"a5 'leave' 80 00", "trailing bytes"},
		{"a4 'ping' 80", "unknown message type"},
		{"05 80", "message type is not a string"},
		{"c4 05 'leave' 80", "message type is not a string"},
		{"a5 'leave' 91 01", "data is not a map"},
		{"a5 'leave' 81 a9 'sessionID' 05",
		 "map value is not a string"},
		{"a5 'leave' 81 01 a1 's'", "map key is not a string"},
		{"a4 'join' 81 aa 'av1Support' a4 'true'",
		 "join flag is not a bool"},
		{"a4 'join' 81 a6 'callID' 01", "join id is not a string"},
		{"a3 'rtc' 81 a4 'type' a1 '1'",
		 "rtc type is not an integer"},
		{"a3 'rtc' 81 a4 'data' 01", "rtc data is not bin or str"},
		{"a3 'rtc' 81 a7 'call_id' a3 61 00 62",
		 "rtc id is not a string"},
		/* counts larger than the frame: refused before msgpack-c
		 * sizes an allocation from them */
		{"a5 'leave' df ff ff ff ff", "malformed msgpack"},
		{"a5 'leave' dd ff ff ff ff", "malformed msgpack"},
		{"a5 'leave' c6 ff ff ff ff", "malformed msgpack"},
		{"a5 'leave' c1", "malformed msgpack"},
	};
	uint8_t deep[64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(v); i++) {
		struct calls_rtcdmsg *msg = NULL;
		const char *why = NULL;
		int err = decode_spec(&msg, v[i].spec, &why);

		if (err != EBADMSG) {
			unit_fail(__FILE__, __LINE__, "case %zu: err %d", i,
				  err);
			return EINVAL;
		}
		TEST_STREQ(v[i].why, why);
		TEST_ASSERT(msg == NULL);
	}

	/* nesting deeper than msgpack-c's stack */
	deep[0] = 0xa5;
	memcpy(deep + 1, "leave", 5);
	memset(deep + 6, 0x91, sizeof(deep) - 7);
	deep[sizeof(deep) - 1] = 0x01;
	{
		struct calls_rtcdmsg *msg = NULL;

		TEST_FAILS(EBADMSG, calls_rtcdmsg_decode(&msg, deep,
							 sizeof(deep), NULL));
	}

	return 0;
}


static int test_too_large(void)
{
	struct calls_rtcdmsg *msg = NULL;
	uint8_t *buf;
	const char *why = NULL;
	int err;

	buf = calloc(1, CALLS_RTCDMSG_MAX + 1);
	TEST_ASSERT(buf);
	err = calls_rtcdmsg_decode(&msg, buf, CALLS_RTCDMSG_MAX + 1, &why);
	free(buf);
	TEST_EQ(EMSGSIZE, err);
	TEST_STREQ("frame too large", why);

	return 0;
}


static int test_roundtrip_join(void)
{
	struct calls_rtcdmsg_join j;
	struct calls_rtcdmsg *msg = NULL;
	struct mbuf *mb = mbuf_alloc(64);
	int err;

	TEST_ASSERT(mb);
	memset(&j, 0, sizeof(j));
	j.call_id = "c";
	j.user_id = "u";
	j.session_id = "s";
	j.av1_support = CALLS_TRI_TRUE;
	j.dc_signaling = CALLS_TRI_ABSENT;

	err = calls_rtcdmsg_encode_join(mb, &j);
	if (!err)
		err = calls_rtcdmsg_decode(&msg, mb->buf, mb->end, NULL);
	mem_deref(mb);
	TEST_ERR(err);
	TEST_STREQ("c", msg->join.call_id);
	TEST_ASSERT(msg->join.channel_id == NULL);
	TEST_EQ(CALLS_TRI_TRUE, msg->join.av1_support);
	TEST_EQ(CALLS_TRI_ABSENT, msg->join.dc_signaling);
	mem_deref(msg);

	/* encoders refuse what the protocol cannot carry */
	mb = mbuf_alloc(16);
	TEST_ASSERT(mb);
	err = calls_rtcdmsg_encode_sid(mb, CALLS_RTCDMSG_RTC, "s");
	mem_deref(mb);
	TEST_EQ(EINVAL, err);

	return 0;
}


static int test_id_new(void)
{
	static const char alphabet[] = "ybndrfg8ejkmcpqxot1uwisza345h769";
	char a[CALLS_RTCD_ID_LEN + 1], b[CALLS_RTCD_ID_LEN + 1];

	TEST_ERR(calls_rtcd_id_new(a));
	TEST_ERR(calls_rtcd_id_new(b));
	TEST_EQ(CALLS_RTCD_ID_LEN, strlen(a));
	TEST_EQ(CALLS_RTCD_ID_LEN, strspn(a, alphabet));
	TEST_ASSERT(strcmp(a, b) != 0);

	/* the version nibble 4 of the UUID lands in char 9/10: bits 48..51
	 * are 0100, i.e. char 9 (bits 45..49) ends in 01 */
	TEST_EQ(1, (strchr(alphabet, a[9]) - alphabet) & 3);

	return 0;
}


const struct unit_suite suite_rtcdmsg = {"rtcdmsg", {
	UNIT_CASE(test_hello_wire),
	UNIT_CASE(test_join_wire),
	UNIT_CASE(test_sid_wire),
	UNIT_CASE(test_rtc_wire),
	UNIT_CASE(test_rtc_decode_lenient),
	UNIT_CASE(test_malformed),
	UNIT_CASE(test_too_large),
	UNIT_CASE(test_roundtrip_join),
	UNIT_CASE(test_id_new),
	{NULL, NULL}}};
