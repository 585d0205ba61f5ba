/* Unit tests of lib/dcmsg.c with the byte examples of rtcd's DC protocol
 * (reference section 3, "Data channel protocol") */
#include "runner.h"
#include "re_inc.h"
#include "dcmsg.h"

#define SENDER "abcdefghijklmnopqrstuvwxyz"   /* 26 chars, like an id */

static const uint8_t media_map[] = {
	0xcc, 0x09, 0x81, 0xa1, '1', 0x82,
	0xa4, 't', 'y', 'p', 'e', 0xa5, 'v', 'o', 'i', 'c', 'e',
	0xa9, 's', 'e', 'n', 'd', 'e', 'r', '_', 'i', 'd',
	0xba, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l',
	'm', 'n', 'o', 'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z',
};


static int encoded(const struct calls_dcmsg *m, const uint8_t *exp,
		   size_t len)
{
	struct mbuf *mb = mbuf_alloc(64);
	int err;

	if (!mb)
		return ENOMEM;

	err = calls_dcmsg_encode(mb, m);
	if (!err && (mb->end != len || memcmp(mb->buf, exp, len))) {
		unit_fail(__FILE__, __LINE__, "type %d: encoding differs",
			  m->type);
		err = EINVAL;
	}

	mem_deref(mb);
	return err;
}


static int test_dcmsg_reference_examples(void)
{
	static const uint8_t pong[] = {0xcc, 0x02};
	static const uint8_t lock_ok[] = {0xcc, 0x07, 0xc3};
	struct calls_dcmsg m;

	TEST_ERR(calls_dcmsg_decode(&m, pong, sizeof(pong)));
	TEST_EQ(CALLS_DCMSG_PONG, m.type);
	TEST_ASSERT(!m.has_payload);
	TEST_ERR(encoded(&m, pong, sizeof(pong)));

	TEST_ERR(calls_dcmsg_decode(&m, lock_ok, sizeof(lock_ok)));
	TEST_EQ(CALLS_DCMSG_LOCK, m.type);
	TEST_ASSERT(m.has_payload);
	TEST_ASSERT(m.lock);
	TEST_ERR(encoded(&m, lock_ok, sizeof(lock_ok)));

	TEST_ERR(calls_dcmsg_decode(&m, media_map, sizeof(media_map)));
	TEST_EQ(CALLS_DCMSG_MEDIA_MAP, m.type);
	TEST_EQ(1, m.media_n);
	TEST_ASSERT(!pl_strcmp(&m.media[0].mid, "1"));
	TEST_ASSERT(!pl_strcmp(&m.media[0].type, "voice"));
	TEST_ASSERT(!pl_strcmp(&m.media[0].sender_id, SENDER));
	TEST_ERR(encoded(&m, media_map, sizeof(media_map)));

	return 0;
}


/* Browsers write the type as a positive fixint */
static int test_dcmsg_fixint_type(void)
{
	static const uint8_t ping[] = {0x01};
	static const uint8_t lock_req[] = {0x07};
	static const uint8_t lock_no[] = {0x07, 0xc2};
	static const uint8_t unlock[] = {0xcc, 0x08};
	struct calls_dcmsg m;

	TEST_ERR(calls_dcmsg_decode(&m, ping, sizeof(ping)));
	TEST_EQ(CALLS_DCMSG_PING, m.type);

	TEST_ERR(calls_dcmsg_decode(&m, lock_req, sizeof(lock_req)));
	TEST_EQ(CALLS_DCMSG_LOCK, m.type);
	TEST_ASSERT(!m.has_payload);

	TEST_ERR(calls_dcmsg_decode(&m, lock_no, sizeof(lock_no)));
	TEST_ASSERT(m.has_payload);
	TEST_ASSERT(!m.lock);

	TEST_ERR(calls_dcmsg_decode(&m, unlock, sizeof(unlock)));
	TEST_EQ(CALLS_DCMSG_UNLOCK, m.type);

	/* the request encodes with no payload */
	m.type = CALLS_DCMSG_LOCK;
	m.has_payload = false;
	TEST_ERR(encoded(&m, (const uint8_t *)"\xcc\x07", 2));

	return 0;
}


static int test_dcmsg_floats(void)
{
	/* 4 LossRate 0.25 as float64; 5 RTT 0.5 as float32 */
	static const uint8_t loss[] = {0xcc, 0x04, 0xcb, 0x3f, 0xd0, 0, 0,
				       0, 0, 0, 0};
	static const uint8_t rtt32[] = {0x05, 0xca, 0x3f, 0x00, 0x00, 0x00};
	static const uint8_t jitter[] = {0xcc, 0x06, 0xcb, 0x3f, 0xc0, 0, 0,
					 0, 0, 0, 0};
	struct calls_dcmsg m;

	TEST_ERR(calls_dcmsg_decode(&m, loss, sizeof(loss)));
	TEST_EQ(CALLS_DCMSG_LOSS_RATE, m.type);
	TEST_ASSERT(m.value == 0.25);
	TEST_ERR(encoded(&m, loss, sizeof(loss)));

	TEST_ERR(calls_dcmsg_decode(&m, rtt32, sizeof(rtt32)));
	TEST_EQ(CALLS_DCMSG_RTT, m.type);
	TEST_ASSERT(m.value == 0.5);

	/* integers, as JavaScript msgpack encoders write 0 or 150 */
	TEST_ERR(calls_dcmsg_decode(&m, (const uint8_t *)"\x04\x00", 2));
	TEST_ASSERT(m.value == 0);
	TEST_ERR(calls_dcmsg_decode(&m, (const uint8_t *)"\x05\xcc\x96", 3));
	TEST_ASSERT(m.value == 150);
	TEST_ERR(calls_dcmsg_decode(&m, (const uint8_t *)"\x05\xcd\x01\x00",
				    4));
	TEST_ASSERT(m.value == 256);
	TEST_ERR(calls_dcmsg_decode(&m, (const uint8_t *)"\x06\xd1\xff\x38",
				    4));
	TEST_ASSERT(m.value == -200);
	TEST_ERR(calls_dcmsg_decode(&m, (const uint8_t *)"\x06\xff", 2));
	TEST_ASSERT(m.value == -1);
	TEST_FAILS(EBADMSG, calls_dcmsg_decode(&m,
				(const uint8_t *)"\x06\xce\x00", 3));

	m.type = CALLS_DCMSG_JITTER;
	m.value = 0.125;
	TEST_ERR(encoded(&m, jitter, sizeof(jitter)));

	return 0;
}


static int test_dcmsg_sdp_roundtrip(void)
{
	static const char json[] =
		"{\"type\":\"offer\",\"sdp\":\"v=0\\r\\no=- 1 2 IN IP4 "
		"127.0.0.1\\r\\ns=-\\r\\nt=0 0\\r\\n\"}";
	struct calls_dcmsg m;
	struct mbuf *mb;
	char *out = NULL;
	size_t n = 0;
	int err;

	mb = mbuf_alloc(256);
	TEST_ASSERT(mb != NULL);

	err = calls_dcmsg_encode_sdp(mb, json, strlen(json));
	if (err)
		goto out;

	/* cc 03, then bin8 with a zlib stream (0x78 header) */
	TEST_EQ(0xcc, mb->buf[0]);
	TEST_EQ(0x03, mb->buf[1]);
	TEST_EQ(0xc4, mb->buf[2]);
	TEST_EQ(mb->end - 4, mb->buf[3]);
	TEST_EQ(0x78, mb->buf[4]);

	err = calls_dcmsg_decode(&m, mb->buf, mb->end);
	if (err)
		goto out;

	TEST_EQ(CALLS_DCMSG_SDP, m.type);
	err = calls_dcmsg_sdp_inflate(&out, &n, &m.sdp, 0);
	if (err)
		goto out;

	TEST_EQ(strlen(json), n);
	TEST_STREQ(json, out);

	/* over the cap */
	out = mem_deref(out);
	TEST_FAILS(EOVERFLOW, calls_dcmsg_sdp_inflate(&out, &n, &m.sdp, 16));

	/* truncated stream, trailing garbage */
	{
		struct pl z = m.sdp;

		z.l -= 3;
		TEST_FAILS(EBADMSG, calls_dcmsg_sdp_inflate(&out, &n, &z, 0));
	}

 out:
	mem_deref(out);
	mem_deref(mb);
	return err;
}


/* A big SDP needs bin16 and several inflate rounds */
static int test_dcmsg_sdp_large(void)
{
	struct calls_dcmsg m;
	struct mbuf *mb;
	char *json, *out = NULL;
	size_t i, n = 0, len = 20000;
	int err;

	json = mem_alloc(len + 1, NULL);
	mb = mbuf_alloc(1024);
	if (!json || !mb) {
		err = ENOMEM;
		goto out;
	}

	for (i = 0; i < len; i++)
		json[i] = (char)('a' + (i * 2654435761u >> 7) % 26);
	json[len] = '\0';

	err = calls_dcmsg_encode_sdp(mb, json, len);
	if (!err)
		err = calls_dcmsg_decode(&m, mb->buf, mb->end);
	if (!err)
		err = calls_dcmsg_sdp_inflate(&out, &n, &m.sdp, 0);
	if (err)
		goto out;

	TEST_EQ(0xc5, mb->buf[2]);
	TEST_EQ(len, n);
	TEST_MEMEQ(json, out, len);

 out:
	mem_deref(out);
	mem_deref(json);
	mem_deref(mb);
	return err;
}


static int test_dcmsg_media_map_encode(void)
{
	struct calls_dcmsg m;
	struct mbuf *mb;
	struct calls_dcmsg d;
	size_t i;
	int err = 0;

	memset(&m, 0, sizeof(m));
	m.type = CALLS_DCMSG_MEDIA_MAP;
	m.media_n = 20;      /* more than a fixmap holds: map16 */
	for (i = 0; i < m.media_n; i++) {
		static const char *mids[] = {"0", "1", "2", "3", "4", "5",
			"6", "7", "8", "9", "10", "11", "12", "13", "14",
			"15", "16", "17", "18", "19"};

		pl_set_str(&m.media[i].mid, mids[i]);
		pl_set_str(&m.media[i].type, i % 2 ? "screen" : "voice");
		pl_set_str(&m.media[i].sender_id, SENDER);
	}

	mb = mbuf_alloc(1024);
	TEST_ASSERT(mb != NULL);
	err = calls_dcmsg_encode(mb, &m);
	if (!err)
		err = calls_dcmsg_decode(&d, mb->buf, mb->end);
	if (err)
		goto out;

	TEST_EQ(0xde, mb->buf[2]);
	TEST_EQ(20, d.media_n);
	TEST_ASSERT(!pl_strcmp(&d.media[19].mid, "19"));
	TEST_ASSERT(!pl_strcmp(&d.media[19].type, "screen"));

	/* an empty map */
	mbuf_rewind(mb);
	m.media_n = 0;
	err = calls_dcmsg_encode(mb, &m);
	if (!err)
		err = calls_dcmsg_decode(&d, mb->buf, mb->end);
	if (!err)
		TEST_EQ(0, d.media_n);

 out:
	mem_deref(mb);
	return err;
}


static int test_dcmsg_malformed(void)
{
	static const struct {
		const char *b;
		size_t n;
		int err;
	} tab[] = {
		{"", 0, EBADMSG},                       /* empty          */
		{"\xcc", 1, EBADMSG},                   /* uint8 cut      */
		{"\xcc\x0a", 2, EPROTO},                /* unknown type   */
		{"\x00", 1, EPROTO},                    /* type 0         */
		{"\xd0\x01", 2, EBADMSG},               /* int8 type      */
		{"\xcc\x01\x00", 3, EBADMSG},           /* trailing byte  */
		{"\xcc\x07\x01", 3, EBADMSG},           /* lock: not bool */
		{"\xcc\x04\xcb\x00", 4, EBADMSG},       /* float cut      */
		{"\xcc\x04", 2, EBADMSG},               /* no float       */
		{"\xcc\x03\xa3\x61\x62\x63", 6, EBADMSG}, /* sdp as str   */
		{"\xcc\x03\xc4\x05\x01", 5, EBADMSG},   /* bin cut        */
		{"\xcc\x03\xc6\xff\xff\xff\xff", 7, EBADMSG},
		{"\xcc\x09\x81\xa1", 4, EBADMSG},       /* key cut        */
		{"\xcc\x09\x81\x01\x80", 5, EBADMSG},   /* int key        */
		{"\xcc\x09\x81\xa1\x31\x81\xa4type\x05", 12, EBADMSG},
		{"\xcc\x09\xdf\x00\x00\x00\x01", 7, EBADMSG}, /* map32    */
		{"\xcc\x09\xde\xff\xff", 5, EOVERFLOW}, /* too many mids  */
	};
	struct calls_dcmsg m;
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		int err = calls_dcmsg_decode(&m, (const uint8_t *)tab[i].b,
					     tab[i].n);

		if (err != tab[i].err) {
			unit_fail(__FILE__, __LINE__, "case %zu: expected %d, "
				  "got %d", i, tab[i].err, err);
			return EINVAL;
		}
	}

	return 0;
}


static int test_dcmsg_legacy(void)
{
	TEST_ASSERT(calls_dcmsg_is_legacy_ping(true, (const uint8_t *)"ping",
					       4));
	TEST_ASSERT(!calls_dcmsg_is_legacy_ping(false,
						(const uint8_t *)"ping", 4));
	TEST_ASSERT(!calls_dcmsg_is_legacy_ping(true,
						(const uint8_t *)"pong", 4));
	TEST_STREQ("MediaMap", calls_dcmsg_type_name(CALLS_DCMSG_MEDIA_MAP));

	return 0;
}


const struct unit_suite suite_dcmsg = {"dcmsg", {
	UNIT_CASE(test_dcmsg_reference_examples),
	UNIT_CASE(test_dcmsg_fixint_type),
	UNIT_CASE(test_dcmsg_floats),
	UNIT_CASE(test_dcmsg_sdp_roundtrip),
	UNIT_CASE(test_dcmsg_sdp_large),
	UNIT_CASE(test_dcmsg_media_map_encode),
	UNIT_CASE(test_dcmsg_malformed),
	UNIT_CASE(test_dcmsg_legacy),
	{NULL, NULL}}};
