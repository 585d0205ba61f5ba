/* Unit tests of lib/stun.c: RFC 5769 vectors, round trips, bad input */
#include <stdlib.h>
#include "runner.h"
#include "re_inc.h"
#include "stun.h"

static const char rfc5769_pass[] = "VOkJxbRl1RmTxUk/WvJxBt";

static const uint8_t tid_5769[12] = {
	0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86,
	0xfa, 0x87, 0xdf, 0xae,
};


static bool pl_eq(const struct pl *pl, const char *s)
{
	return pl->l == strlen(s) && !memcmp(pl->p, s, pl->l);
}


static int test_stun_type(void)
{
	TEST_EQ(0x0001, calls_stun_type(CALLS_STUN_BINDING,
					CALLS_STUN_CLASS_REQUEST));
	TEST_EQ(0x0011, calls_stun_type(CALLS_STUN_BINDING,
					CALLS_STUN_CLASS_INDICATION));
	TEST_EQ(0x0101, calls_stun_type(CALLS_STUN_BINDING,
					CALLS_STUN_CLASS_SUCCESS));
	TEST_EQ(0x0111, calls_stun_type(CALLS_STUN_BINDING,
					CALLS_STUN_CLASS_ERROR));
	/* Allocate (0x003) and a method using every method bit */
	TEST_EQ(0x0113, calls_stun_type(0x003, CALLS_STUN_CLASS_ERROR));
	TEST_EQ(0x3eef, calls_stun_type(0xfff, CALLS_STUN_CLASS_REQUEST));

	return 0;
}


/* RFC 5769 section 2.1: sample request, short-term credentials */
static int test_stun_rfc5769_request(void)
{
	struct calls_stun_msg msg;
	struct calls_stun_enc e;
	uint8_t *buf = NULL, out[256];
	struct pl pl;
	uint32_t prio;
	uint64_t tie;
	size_t len, n;
	int err;

	err = unit_fixture("stun/rfc5769-request.bin", &buf, &len);
	TEST_ERR(err);

	err = calls_stun_decode(&msg, buf, len);
	if (err)
		goto out;

	TEST_EQ(108, msg.len);
	TEST_EQ(CALLS_STUN_BINDING, msg.method);
	TEST_EQ(CALLS_STUN_CLASS_REQUEST, msg.cls);
	TEST_ASSERT(msg.cookie);
	TEST_MEMEQ(tid_5769, msg.tid, 12);
	TEST_EQ(0, msg.n_unknown);

	TEST_ERR(calls_stun_str_get(&msg, CALLS_STUN_ATTR_SOFTWARE, &pl));
	TEST_ASSERT(pl_eq(&pl, "STUN test client"));
	TEST_ERR(calls_stun_str_get(&msg, CALLS_STUN_ATTR_USERNAME, &pl));
	TEST_ASSERT(pl_eq(&pl, "evtj:h6vY"));
	TEST_ERR(calls_stun_u32_get(&msg, CALLS_STUN_ATTR_PRIORITY, &prio));
	TEST_EQ(0x6e0001ff, prio);
	TEST_ERR(calls_stun_u64_get(&msg, CALLS_STUN_ATTR_ICE_CONTROLLED,
				    &tie));
	TEST_ASSERT(tie == 0x932ff9b151263b36ULL);
	TEST_ASSERT(!calls_stun_has(&msg, CALLS_STUN_ATTR_ICE_CONTROLLING));

	TEST_ERR(calls_stun_integrity_check(&msg, CALLS_STUN_MI_SHA1,
			(const uint8_t *)rfc5769_pass, strlen(rfc5769_pass)));
	TEST_FAILS(EACCES, calls_stun_integrity_check(&msg,
			CALLS_STUN_MI_SHA1, (const uint8_t *)"wrong", 5));
	TEST_FAILS(ENOENT, calls_stun_integrity_check(&msg,
			CALLS_STUN_MI_SHA256, (const uint8_t *)"x", 1));
	TEST_ERR(calls_stun_fingerprint_check(&msg));

	/* re-encode: the RFC pads with spaces */
	calls_stun_enc_init(&e, out, sizeof(out), CALLS_STUN_BINDING,
			    CALLS_STUN_CLASS_REQUEST, tid_5769, true);
	e.pad = 0x20;
	calls_stun_enc_str(&e, CALLS_STUN_ATTR_SOFTWARE, "STUN test client");
	calls_stun_enc_u32(&e, CALLS_STUN_ATTR_PRIORITY, prio);
	calls_stun_enc_u64(&e, CALLS_STUN_ATTR_ICE_CONTROLLED, tie);
	calls_stun_enc_str(&e, CALLS_STUN_ATTR_USERNAME, "evtj:h6vY");
	calls_stun_enc_integrity(&e, CALLS_STUN_MI_SHA1,
				 (const uint8_t *)rfc5769_pass,
				 strlen(rfc5769_pass));
	calls_stun_enc_fingerprint(&e);
	TEST_ERR(calls_stun_enc_finish(&e, &n));
	TEST_EQ(len, n);
	TEST_MEMEQ(buf, out, len);

 out:
	free(buf);
	return err;
}


static int response_vector(const char *file, const char *addr)
{
	struct calls_stun_msg msg;
	struct calls_stun_enc e;
	uint8_t *buf = NULL, out[256];
	struct sa sa, exp;
	struct pl pl;
	size_t len, n;
	int err;

	err = unit_fixture(file, &buf, &len);
	TEST_ERR(err);

	err = calls_stun_decode(&msg, buf, len);
	if (err)
		goto out;

	TEST_EQ(CALLS_STUN_CLASS_SUCCESS, msg.cls);
	TEST_EQ(CALLS_STUN_BINDING, msg.method);
	TEST_MEMEQ(tid_5769, msg.tid, 12);
	TEST_ERR(calls_stun_str_get(&msg, CALLS_STUN_ATTR_SOFTWARE, &pl));
	TEST_ASSERT(pl_eq(&pl, "test vector"));

	TEST_ERR(sa_set_str(&exp, addr, 32853));
	TEST_ERR(calls_stun_addr_get(&msg, CALLS_STUN_ATTR_XOR_MAPPED_ADDRESS,
				     &sa));
	TEST_ASSERT(sa_cmp(&sa, &exp, SA_ALL));

	TEST_ERR(calls_stun_integrity_check(&msg, CALLS_STUN_MI_SHA1,
			(const uint8_t *)rfc5769_pass, strlen(rfc5769_pass)));
	TEST_ERR(calls_stun_fingerprint_check(&msg));

	calls_stun_enc_init(&e, out, sizeof(out), CALLS_STUN_BINDING,
			    CALLS_STUN_CLASS_SUCCESS, msg.tid, true);
	e.pad = 0x20;
	calls_stun_enc_str(&e, CALLS_STUN_ATTR_SOFTWARE, "test vector");
	calls_stun_enc_addr(&e, CALLS_STUN_ATTR_XOR_MAPPED_ADDRESS, &exp);
	calls_stun_enc_integrity(&e, CALLS_STUN_MI_SHA1,
				 (const uint8_t *)rfc5769_pass,
				 strlen(rfc5769_pass));
	calls_stun_enc_fingerprint(&e);
	TEST_ERR(calls_stun_enc_finish(&e, &n));
	TEST_EQ(len, n);
	TEST_MEMEQ(buf, out, len);

 out:
	free(buf);
	return err;
}


/* RFC 5769 sections 2.2 and 2.3 */
static int test_stun_rfc5769_response_ipv4(void)
{
	return response_vector("stun/rfc5769-response-ipv4.bin",
			       "192.0.2.1");
}


static int test_stun_rfc5769_response_ipv6(void)
{
	return response_vector("stun/rfc5769-response-ipv6.bin",
			       "2001:db8:1234:5678:11:2233:4455:6677");
}


/* RFC 5769 section 2.4: long-term credentials. The password
 * "The<U+00AD>M<U+00AA>tr<U+2168>" is "TheMatrIX" after SASLprep. */
static int test_stun_rfc5769_long_term(void)
{
	static const char user[] = "\xe3\x83\x9e\xe3\x83\x88\xe3\x83\xaa"
		"\xe3\x83\x83\xe3\x82\xaf\xe3\x82\xb9";
	struct calls_stun_msg msg;
	uint8_t *buf = NULL, key[16];
	struct pl pl;
	size_t len;
	int err;

	err = unit_fixture("stun/rfc5769-request-long-term.bin", &buf, &len);
	TEST_ERR(err);

	err = calls_stun_decode(&msg, buf, len);
	if (err)
		goto out;

	TEST_ERR(calls_stun_str_get(&msg, CALLS_STUN_ATTR_USERNAME, &pl));
	TEST_ASSERT(pl_eq(&pl, user));
	TEST_ERR(calls_stun_str_get(&msg, CALLS_STUN_ATTR_REALM, &pl));
	TEST_ASSERT(pl_eq(&pl, "example.org"));
	TEST_ERR(calls_stun_str_get(&msg, CALLS_STUN_ATTR_NONCE, &pl));
	TEST_ASSERT(pl_eq(&pl, "f//499k954d6OL34oL9FSTvy64sA"));
	TEST_FAILS(ENOENT, calls_stun_fingerprint_check(&msg));

	TEST_ERR(calls_stun_key_long_term(key, user, "example.org",
					  "TheMatrIX"));
	TEST_ERR(calls_stun_integrity_check(&msg, CALLS_STUN_MI_SHA1, key,
					    sizeof(key)));
	TEST_ERR(calls_stun_key_long_term(key, user, "example.org",
					  "TheMatrix"));
	TEST_FAILS(EACCES, calls_stun_integrity_check(&msg,
			CALLS_STUN_MI_SHA1, key, sizeof(key)));

 out:
	free(buf);
	return err;
}


/* Every attribute the codec writes comes back from the decoder */
static int test_stun_roundtrip(void)
{
	static const uint16_t unk[3] = {0x0031, 0x0032, 0x7fff};
	static const uint8_t key[] = "secret";
	struct calls_stun_msg msg;
	struct calls_stun_enc e;
	uint8_t buf[512];
	struct sa a4, a6, sa;
	uint16_t code, types[8];
	struct pl pl;
	uint64_t tie;
	size_t n, nt = 8;

	TEST_ERR(sa_set_str(&a4, "203.0.113.7", 40000));
	TEST_ERR(sa_set_str(&a6, "2001:db8::42", 3479));

	calls_stun_enc_init(&e, buf, sizeof(buf), CALLS_STUN_BINDING,
			    CALLS_STUN_CLASS_ERROR, NULL, true);
	calls_stun_enc_errcode(&e, 420, NULL);
	calls_stun_enc_unknown(&e, unk, 3);
	calls_stun_enc_addr(&e, CALLS_STUN_ATTR_XOR_MAPPED_ADDRESS, &a6);
	calls_stun_enc_addr(&e, CALLS_STUN_ATTR_MAPPED_ADDRESS, &a4);
	calls_stun_enc_addr(&e, CALLS_STUN_ATTR_OTHER_ADDRESS, &a6);
	calls_stun_enc_addr(&e, CALLS_STUN_ATTR_RESPONSE_ORIGIN, &a4);
	calls_stun_enc_u32(&e, CALLS_STUN_ATTR_CHANGE_REQUEST,
			   CALLS_STUN_CHANGE_IP | CALLS_STUN_CHANGE_PORT);
	calls_stun_enc_flag(&e, CALLS_STUN_ATTR_USE_CANDIDATE);
	calls_stun_enc_u64(&e, CALLS_STUN_ATTR_ICE_CONTROLLING, 42);
	calls_stun_enc_integrity(&e, CALLS_STUN_MI_SHA1, key, 6);
	calls_stun_enc_integrity(&e, CALLS_STUN_MI_SHA256, key, 6);
	calls_stun_enc_fingerprint(&e);
	TEST_ERR(calls_stun_enc_finish(&e, &n));

	TEST_ERR(calls_stun_decode(&msg, buf, n));
	TEST_EQ(CALLS_STUN_CLASS_ERROR, msg.cls);
	TEST_EQ(0, msg.n_unknown);
	TEST_ERR(calls_stun_errcode_get(&msg, &code, &pl));
	TEST_EQ(420, code);
	TEST_ASSERT(pl_eq(&pl, "Unknown Attribute"));
	TEST_ERR(calls_stun_unknown_get(&msg, types, &nt));
	TEST_EQ(3, nt);
	TEST_EQ(0x7fff, types[2]);
	TEST_ERR(calls_stun_addr_get(&msg, CALLS_STUN_ATTR_XOR_MAPPED_ADDRESS,
				     &sa));
	TEST_ASSERT(sa_cmp(&sa, &a6, SA_ALL));
	TEST_ERR(calls_stun_addr_get(&msg, CALLS_STUN_ATTR_MAPPED_ADDRESS,
				     &sa));
	TEST_ASSERT(sa_cmp(&sa, &a4, SA_ALL));
	TEST_ERR(calls_stun_addr_get(&msg, CALLS_STUN_ATTR_OTHER_ADDRESS,
				     &sa));
	TEST_ASSERT(sa_cmp(&sa, &a6, SA_ALL));
	TEST_ERR(calls_stun_addr_get(&msg, CALLS_STUN_ATTR_RESPONSE_ORIGIN,
				     &sa));
	TEST_ASSERT(sa_cmp(&sa, &a4, SA_ALL));
	TEST_EQ(CALLS_STUN_CHANGE_IP | CALLS_STUN_CHANGE_PORT,
		calls_stun_change_get(&msg));
	TEST_ASSERT(calls_stun_has(&msg, CALLS_STUN_ATTR_USE_CANDIDATE));
	TEST_ERR(calls_stun_u64_get(&msg, CALLS_STUN_ATTR_ICE_CONTROLLING,
				    &tie));
	TEST_EQ(42, tie);
	TEST_ERR(calls_stun_integrity_check(&msg, CALLS_STUN_MI_SHA1, key, 6));
	TEST_ERR(calls_stun_integrity_check(&msg, CALLS_STUN_MI_SHA256,
					    key, 6));
	TEST_FAILS(EACCES, calls_stun_integrity_check(&msg,
			CALLS_STUN_MI_SHA256, key, 5));
	TEST_ERR(calls_stun_fingerprint_check(&msg));

	/* one flipped bit anywhere breaks the fingerprint */
	buf[30] ^= 0x01;
	TEST_ERR(calls_stun_decode(&msg, buf, n));
	TEST_FAILS(EBADMSG, calls_stun_fingerprint_check(&msg));
	TEST_FAILS(EACCES, calls_stun_integrity_check(&msg,
			CALLS_STUN_MI_SHA1, key, 6));

	return 0;
}


/* A request with an unknown comprehension-required attribute lists it;
 * comprehension-optional ones (>= 0x8000) are not listed */
static int test_stun_unknown_attrs(void)
{
	struct calls_stun_msg msg;
	struct calls_stun_enc e;
	uint8_t buf[128];
	size_t n;

	calls_stun_enc_init(&e, buf, sizeof(buf), CALLS_STUN_BINDING,
			    CALLS_STUN_CLASS_REQUEST, NULL, true);
	calls_stun_enc_flag(&e, 0x7777);
	calls_stun_enc_flag(&e, 0xc001);
	calls_stun_enc_attr(&e, 0x0033, "abc", 3);
	TEST_ERR(calls_stun_enc_finish(&e, &n));
	TEST_EQ(20 + 4 + 4 + 8, n);

	TEST_ERR(calls_stun_decode(&msg, buf, n));
	TEST_EQ(2, msg.n_unknown);
	TEST_EQ(0x7777, msg.unknown[0]);
	TEST_EQ(0x0033, msg.unknown[1]);
	TEST_ASSERT(calls_stun_has(&msg, 0xc001));

	return 0;
}


/* RFC 3489 request: no cookie, 16-byte transaction ID */
static int test_stun_rfc3489(void)
{
	static const uint8_t tid[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
		12, 13, 14, 15, 16};
	struct calls_stun_msg msg;
	struct calls_stun_enc e;
	uint8_t buf[64];
	size_t n;

	calls_stun_enc_init(&e, buf, sizeof(buf), CALLS_STUN_BINDING,
			    CALLS_STUN_CLASS_REQUEST, tid, false);
	TEST_ERR(calls_stun_enc_finish(&e, &n));
	TEST_EQ(20, n);
	TEST_MEMEQ(tid, buf + 4, 16);

	TEST_ERR(calls_stun_decode(&msg, buf, n));
	TEST_ASSERT(!msg.cookie);
	TEST_ASSERT(calls_stun_is_msg(buf, n, false));
	TEST_ASSERT(!calls_stun_is_msg(buf, n, true));

	return 0;
}


static int test_stun_malformed(void)
{
	struct calls_stun_msg msg;
	uint8_t b[64];
	struct sa sa;

	memset(b, 0, sizeof(b));
	b[1] = 0x01;
	b[4] = 0x21; b[5] = 0x12; b[6] = 0xa4; b[7] = 0x42;

	TEST_FAILS(EBADMSG, calls_stun_decode(&msg, b, 19));
	TEST_ERR(calls_stun_decode(&msg, b, 20));

	/* top bits set */
	b[0] = 0x40;
	TEST_FAILS(EBADMSG, calls_stun_decode(&msg, b, 20));
	b[0] = 0;

	/* length not a multiple of 4, or past the buffer */
	b[3] = 2;
	TEST_FAILS(EBADMSG, calls_stun_decode(&msg, b, 40));
	b[3] = 8;
	TEST_FAILS(EBADMSG, calls_stun_decode(&msg, b, 24));

	/* attribute running past the message */
	b[20] = 0x80; b[21] = 0x22; b[22] = 0; b[23] = 5;
	TEST_FAILS(EBADMSG, calls_stun_decode(&msg, b, 28));
	b[23] = 4;
	TEST_ERR(calls_stun_decode(&msg, b, 28));

	/* MESSAGE-INTEGRITY of the wrong length */
	b[20] = 0x00; b[21] = 0x08;
	TEST_FAILS(EBADMSG, calls_stun_decode(&msg, b, 28));

	/* an attribute after FINGERPRINT */
	b[3] = 16;
	b[20] = 0x80; b[21] = 0x28; b[23] = 4;
	b[28] = 0x80; b[29] = 0x22; b[30] = 0; b[31] = 4;
	TEST_FAILS(EBADMSG, calls_stun_decode(&msg, b, 36));

	/* bad address family and lengths */
	b[3] = 12;
	b[20] = 0x00; b[21] = 0x20; b[22] = 0; b[23] = 8;
	b[24] = 0; b[25] = 0x03;
	TEST_ERR(calls_stun_decode(&msg, b, 32));
	TEST_FAILS(EBADMSG, calls_stun_addr_get(&msg,
			CALLS_STUN_ATTR_XOR_MAPPED_ADDRESS, &sa));
	b[25] = 0x02;
	TEST_FAILS(EBADMSG, calls_stun_addr_get(&msg,
			CALLS_STUN_ATTR_XOR_MAPPED_ADDRESS, &sa));
	TEST_FAILS(ENOENT, calls_stun_addr_get(&msg,
			CALLS_STUN_ATTR_MAPPED_ADDRESS, &sa));

	return 0;
}


static int test_stun_encode_errors(void)
{
	struct calls_stun_enc e;
	uint8_t buf[32];
	size_t n;

	calls_stun_enc_init(&e, buf, 10, CALLS_STUN_BINDING,
			    CALLS_STUN_CLASS_REQUEST, NULL, true);
	TEST_FAILS(ENOBUFS, calls_stun_enc_finish(&e, &n));

	calls_stun_enc_init(&e, buf, sizeof(buf), CALLS_STUN_BINDING,
			    CALLS_STUN_CLASS_REQUEST, NULL, true);
	calls_stun_enc_str(&e, CALLS_STUN_ATTR_SOFTWARE, "12345678");
	calls_stun_enc_fingerprint(&e);  /* 20 + 12 = 32: no room */
	calls_stun_enc_str(&e, CALLS_STUN_ATTR_SOFTWARE, "");
	TEST_FAILS(ENOBUFS, calls_stun_enc_finish(&e, &n));

	calls_stun_enc_init(&e, buf, sizeof(buf), CALLS_STUN_BINDING,
			    CALLS_STUN_CLASS_ERROR, NULL, true);
	calls_stun_enc_errcode(&e, 200, NULL);
	TEST_FAILS(EINVAL, calls_stun_enc_finish(&e, &n));

	return 0;
}


static int test_stun_frame_len(void)
{
	uint8_t b[20] = {0x00, 0x01, 0x00, 0x08};

	TEST_EQ(0, calls_stun_frame_len(b, 19));
	TEST_EQ(28, calls_stun_frame_len(b, 20));
	b[0] = 0x80;
	TEST_ASSERT(calls_stun_frame_len(b, 20) == SIZE_MAX);
	TEST_ASSERT(calls_stun_frame_len(b, 1) == SIZE_MAX);
	b[0] = 0;
	b[3] = 7;
	TEST_ASSERT(calls_stun_frame_len(b, 20) == SIZE_MAX);

	return 0;
}


const struct unit_suite suite_stun = {"stun", {
	UNIT_CASE(test_stun_type),
	UNIT_CASE(test_stun_rfc5769_request),
	UNIT_CASE(test_stun_rfc5769_response_ipv4),
	UNIT_CASE(test_stun_rfc5769_response_ipv6),
	UNIT_CASE(test_stun_rfc5769_long_term),
	UNIT_CASE(test_stun_roundtrip),
	UNIT_CASE(test_stun_unknown_attrs),
	UNIT_CASE(test_stun_rfc3489),
	UNIT_CASE(test_stun_malformed),
	UNIT_CASE(test_stun_encode_errors),
	UNIT_CASE(test_stun_frame_len),
	{NULL, NULL}}};
