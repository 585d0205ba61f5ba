/* Unit tests of calls-stun's request handler (cmd/stun/handler.c) */
#include "runner.h"
#include "re_inc.h"
#include "stun.h"
#include "stuncmd.h"

struct fixture {
	struct sa src, combo[4];
	struct srv_where w;
	uint8_t out[CALLS_STUN_MAX_LEN];
	struct srv_reply rep;
	struct calls_stun_msg msg;
};


static int fixture_init(struct fixture *f, bool alternate)
{
	unsigned i;
	int err;

	memset(f, 0, sizeof(*f));
	err = sa_set_str(&f->src, "192.0.2.1", 40000);
	for (i = 0; i < 4; i++)
		err |= sa_set_str(&f->combo[i], i & 2 ? "127.0.0.2" :
				  "127.0.0.1", i & 1 ? 3479 : 3478);
	f->w.src = &f->src;
	f->w.local = &f->combo[0];
	f->w.combo = alternate ? f->combo : NULL;
	f->w.k = 0;
	f->rep.buf = f->out;
	f->rep.size = sizeof(f->out);

	return err;
}


/* Handles req; decodes the response (if any) into f->msg */
static enum srv_result handle(struct fixture *f, const struct srv_conf *conf,
			      const uint8_t *req, size_t len)
{
	enum srv_result res = srv_handle(conf, req, len, &f->w, &f->rep);

	if (f->rep.len && calls_stun_decode(&f->msg, f->out, f->rep.len))
		return SRV_RESULT_N;

	return res;
}


static size_t build(uint8_t *buf, size_t size, uint16_t extra,
		    uint32_t change, const char *user, const char *pass,
		    bool sha256)
{
	struct calls_stun_enc e;
	size_t n = 0;

	calls_stun_enc_init(&e, buf, size, CALLS_STUN_BINDING,
			    CALLS_STUN_CLASS_REQUEST, NULL, true);
	if (change)
		calls_stun_enc_u32(&e, CALLS_STUN_ATTR_CHANGE_REQUEST, change);
	if (extra)
		calls_stun_enc_flag(&e, extra);
	if (user)
		calls_stun_enc_str(&e, CALLS_STUN_ATTR_USERNAME, user);
	if (pass)
		calls_stun_enc_integrity(&e, sha256 ? CALLS_STUN_MI_SHA256 :
					 CALLS_STUN_MI_SHA1,
					 (const uint8_t *)pass, strlen(pass));
	calls_stun_enc_fingerprint(&e);
	if (calls_stun_enc_finish(&e, &n))
		return 0;

	return n;
}


static int test_handler_success(void)
{
	static const struct srv_conf conf = {"test", NULL, NULL};
	struct fixture f;
	uint8_t req[128];
	struct sa sa;
	struct pl pl;
	size_t n;

	TEST_ERR(fixture_init(&f, false));
	n = build(req, sizeof(req), 0, 0, NULL, NULL, false);
	TEST_EQ(SRV_SUCCESS, handle(&f, &conf, req, n));
	TEST_EQ(CALLS_STUN_CLASS_SUCCESS, f.msg.cls);
	TEST_MEMEQ(req + 8, f.msg.tid, 12);
	TEST_ERR(calls_stun_addr_get(&f.msg,
				     CALLS_STUN_ATTR_XOR_MAPPED_ADDRESS, &sa));
	TEST_ASSERT(sa_cmp(&sa, &f.src, SA_ALL));
	TEST_ASSERT(!calls_stun_has(&f.msg, CALLS_STUN_ATTR_MAPPED_ADDRESS));
	TEST_ASSERT(!calls_stun_has(&f.msg, CALLS_STUN_ATTR_OTHER_ADDRESS));
	TEST_ERR(calls_stun_str_get(&f.msg, CALLS_STUN_ATTR_SOFTWARE, &pl));
	TEST_EQ(0, pl_strcmp(&pl, "test"));
	TEST_ERR(calls_stun_fingerprint_check(&f.msg));
	TEST_EQ(0, f.rep.k);

	/* an RFC 3489 request: MAPPED-ADDRESS, no FINGERPRINT */
	memset(req + 4, 0x33, 16);
	req[3] = 0;
	TEST_EQ(SRV_SUCCESS, handle(&f, &conf, req, 20));
	TEST_ASSERT(!f.msg.cookie);
	TEST_MEMEQ(req + 4, f.out + 4, 16);
	TEST_ERR(calls_stun_addr_get(&f.msg, CALLS_STUN_ATTR_MAPPED_ADDRESS,
				     &sa));
	TEST_ASSERT(sa_cmp(&sa, &f.src, SA_ALL));
	TEST_FAILS(ENOENT, calls_stun_fingerprint_check(&f.msg));

	return 0;
}


static int test_handler_drops(void)
{
	static const struct srv_conf conf = {NULL, NULL, NULL};
	struct fixture f;
	uint8_t req[128];
	size_t n;

	TEST_ERR(fixture_init(&f, false));
	TEST_EQ(SRV_DROP_MALFORMED, handle(&f, &conf, req, 3));
	TEST_EQ(0, f.rep.len);

	n = build(req, sizeof(req), 0, 0, NULL, NULL, false);
	req[n - 1] ^= 1;
	TEST_EQ(SRV_DROP_FINGERPRINT, handle(&f, &conf, req, n));
	TEST_EQ(0, f.rep.len);

	n = build(req, sizeof(req), 0, 0, NULL, NULL, false);
	req[1] = 0x11;  /* indication */
	TEST_EQ(SRV_DROP_NOT_REQUEST, handle(&f, &conf, req, n));
	TEST_EQ(0, f.rep.len);

	return 0;
}


static int test_handler_420(void)
{
	static const struct srv_conf conf = {NULL, NULL, NULL};
	struct fixture f;
	uint8_t req[128];
	uint16_t types[4];
	size_t n, nt = 4;

	TEST_ERR(fixture_init(&f, false));
	n = build(req, sizeof(req), 0x7777, 0, NULL, NULL, false);
	TEST_EQ(SRV_ERR_420, handle(&f, &conf, req, n));
	TEST_EQ(420, f.rep.code);
	TEST_EQ(CALLS_STUN_CLASS_ERROR, f.msg.cls);
	TEST_ERR(calls_stun_unknown_get(&f.msg, types, &nt));
	TEST_EQ(1, nt);
	TEST_EQ(0x7777, types[0]);
	TEST_ASSERT(!calls_stun_has(&f.msg, CALLS_STUN_ATTR_SOFTWARE));

	/* CHANGE-REQUEST without an alternate address */
	nt = 4;
	n = build(req, sizeof(req), 0, CALLS_STUN_CHANGE_IP, NULL, NULL,
		  false);
	TEST_EQ(SRV_ERR_420, handle(&f, &conf, req, n));
	TEST_ERR(calls_stun_unknown_get(&f.msg, types, &nt));
	TEST_EQ(CALLS_STUN_ATTR_CHANGE_REQUEST, types[0]);

	/* another method (Allocate); without the FINGERPRINT, which the
	 * new type would break */
	n = build(req, sizeof(req), 0, 0, NULL, NULL, false) - 8;
	req[1] = 0x03;
	req[3] = (uint8_t)(n - 20);
	TEST_EQ(SRV_ERR_400, handle(&f, &conf, req, n));
	TEST_EQ(400, f.rep.code);

	return 0;
}


static int test_handler_auth(void)
{
	static const struct srv_conf conf = {NULL, "alice", "s3cret"};
	static const uint8_t key[] = "s3cret";
	struct fixture f;
	uint8_t req[256];
	uint16_t code;
	size_t n;

	TEST_ERR(fixture_init(&f, false));

	n = build(req, sizeof(req), 0, 0, "alice", "s3cret", false);
	TEST_EQ(SRV_SUCCESS, handle(&f, &conf, req, n));
	TEST_ERR(calls_stun_integrity_check(&f.msg, CALLS_STUN_MI_SHA1, key,
					    6));
	TEST_FAILS(ENOENT, calls_stun_integrity_check(&f.msg,
			CALLS_STUN_MI_SHA256, key, 6));

	n = build(req, sizeof(req), 0, 0, "alice", "s3cret", true);
	TEST_EQ(SRV_SUCCESS, handle(&f, &conf, req, n));
	TEST_ERR(calls_stun_integrity_check(&f.msg, CALLS_STUN_MI_SHA256,
					    key, 6));

	/* 420 after authentication is protected too */
	n = build(req, sizeof(req), 0x7000, 0, "alice", "s3cret", false);
	TEST_EQ(SRV_ERR_420, handle(&f, &conf, req, n));
	TEST_ERR(calls_stun_integrity_check(&f.msg, CALLS_STUN_MI_SHA1, key,
					    6));

	/* wrong password, wrong user, nothing: 401 without integrity */
	n = build(req, sizeof(req), 0, 0, "alice", "guess", false);
	TEST_EQ(SRV_ERR_401, handle(&f, &conf, req, n));
	TEST_ERR(calls_stun_errcode_get(&f.msg, &code, NULL));
	TEST_EQ(401, code);
	TEST_ASSERT(!calls_stun_has(&f.msg,
				    CALLS_STUN_ATTR_MESSAGE_INTEGRITY));
	n = build(req, sizeof(req), 0, 0, "bob", "s3cret", false);
	TEST_EQ(SRV_ERR_401, handle(&f, &conf, req, n));
	n = build(req, sizeof(req), 0, 0, "alice", NULL, false);
	TEST_EQ(SRV_ERR_401, handle(&f, &conf, req, n));
	n = build(req, sizeof(req), 0, 0, NULL, NULL, false);
	TEST_EQ(SRV_ERR_401, handle(&f, &conf, req, n));

	return 0;
}


static int test_handler_rfc5780(void)
{
	static const struct srv_conf conf = {NULL, NULL, NULL};
	static const uint8_t pad[200];
	struct calls_stun_enc e;
	struct fixture f;
	uint8_t req[512];
	struct sa sa;
	const uint8_t *v;
	size_t n, vl;

	TEST_ERR(fixture_init(&f, true));

	n = build(req, sizeof(req), 0, 0, NULL, NULL, false);
	TEST_EQ(SRV_SUCCESS, handle(&f, &conf, req, n));
	TEST_EQ(0, f.rep.k);
	TEST_ERR(calls_stun_addr_get(&f.msg, CALLS_STUN_ATTR_OTHER_ADDRESS,
				     &sa));
	TEST_ASSERT(sa_cmp(&sa, &f.combo[3], SA_ALL));
	TEST_ERR(calls_stun_addr_get(&f.msg, CALLS_STUN_ATTR_RESPONSE_ORIGIN,
				     &sa));
	TEST_ASSERT(sa_cmp(&sa, &f.combo[0], SA_ALL));

	n = build(req, sizeof(req), 0, CALLS_STUN_CHANGE_IP |
		  CALLS_STUN_CHANGE_PORT, NULL, NULL, false);
	TEST_EQ(SRV_SUCCESS, handle(&f, &conf, req, n));
	TEST_EQ(3, f.rep.k);
	TEST_ERR(calls_stun_addr_get(&f.msg, CALLS_STUN_ATTR_RESPONSE_ORIGIN,
				     &sa));
	TEST_ASSERT(sa_cmp(&sa, &f.combo[3], SA_ALL));

	/* arriving on the alternate IP, changing the port */
	f.w.k = 2;
	f.w.local = &f.combo[2];
	n = build(req, sizeof(req), 0, CALLS_STUN_CHANGE_PORT, NULL, NULL,
		  false);
	TEST_EQ(SRV_SUCCESS, handle(&f, &conf, req, n));
	TEST_EQ(3, f.rep.k);
	TEST_ERR(calls_stun_addr_get(&f.msg, CALLS_STUN_ATTR_OTHER_ADDRESS,
				     &sa));
	TEST_ASSERT(sa_cmp(&sa, &f.combo[1], SA_ALL));

	/* RESPONSE-PORT and PADDING */
	calls_stun_enc_init(&e, req, sizeof(req), CALLS_STUN_BINDING,
			    CALLS_STUN_CLASS_REQUEST, NULL, true);
	calls_stun_enc_u32(&e, CALLS_STUN_ATTR_RESPONSE_PORT, 5000u << 16);
	calls_stun_enc_attr(&e, CALLS_STUN_ATTR_PADDING, pad, sizeof(pad));
	TEST_ERR(calls_stun_enc_finish(&e, &n));
	TEST_EQ(SRV_SUCCESS, handle(&f, &conf, req, n));
	TEST_EQ(5000, f.rep.port);
	TEST_ERR(calls_stun_attr_get(&f.msg, CALLS_STUN_ATTR_PADDING, &v,
				     &vl));
	TEST_EQ(200, vl);

	return 0;
}


const struct unit_suite suite_stun_handler = {"stun_handler", {
	UNIT_CASE(test_handler_success),
	UNIT_CASE(test_handler_drops),
	UNIT_CASE(test_handler_420),
	UNIT_CASE(test_handler_auth),
	UNIT_CASE(test_handler_rfc5780),
	{NULL, NULL}}};
