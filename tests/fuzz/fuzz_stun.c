/* Fuzz target: STUN message decoding, integrity and fingerprint checks,
 * every getter, and calls-stun's request handler (cmd/stun/handler.c) */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "re_inc.h"
#include "stun.h"
#include "stuncmd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static void getters(const struct calls_stun_msg *msg)
{
	static const uint16_t addrs[] = {
		CALLS_STUN_ATTR_MAPPED_ADDRESS,
		CALLS_STUN_ATTR_XOR_MAPPED_ADDRESS,
		CALLS_STUN_ATTR_OTHER_ADDRESS,
		CALLS_STUN_ATTR_RESPONSE_ORIGIN,
		0x0016,  /* XOR-RELAYED-ADDRESS: not indexed, searched */
	};
	uint16_t code, types[CALLS_STUN_MAX_UNKNOWN];
	size_t n = CALLS_STUN_MAX_UNKNOWN, i;
	struct pl pl;
	struct sa sa;
	uint32_t u32;
	uint64_t u64;

	for (i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++)
		(void)calls_stun_addr_get(msg, addrs[i], &sa);

	(void)calls_stun_errcode_get(msg, &code, &pl);
	if (!calls_stun_unknown_get(msg, types, &n) &&
	    n > CALLS_STUN_MAX_UNKNOWN)
		abort();
	(void)calls_stun_str_get(msg, CALLS_STUN_ATTR_USERNAME, &pl);
	(void)calls_stun_u32_get(msg, CALLS_STUN_ATTR_PRIORITY, &u32);
	(void)calls_stun_u64_get(msg, CALLS_STUN_ATTR_ICE_CONTROLLING, &u64);
	(void)calls_stun_change_get(msg);
	(void)calls_stun_has(msg, CALLS_STUN_ATTR_USE_CANDIDATE);
	(void)calls_stun_has(msg, 0x7777);
}


static void handler(const uint8_t *data, size_t size)
{
	static const struct srv_conf open_conf = {"fuzz", NULL, NULL};
	static const struct srv_conf auth_conf = {"fuzz", "evtj:h6vY",
		"VOkJxbRl1RmTxUk/WvJxBt"};
	struct sa combo[4], src;
	struct srv_where w;
	struct srv_reply rep;
	uint8_t out[CALLS_STUN_MAX_LEN];
	struct calls_stun_msg msg;
	unsigned i;

	(void)sa_set_str(&src, "192.0.2.1", 40000);
	for (i = 0; i < 4; i++)
		(void)sa_set_str(&combo[i], i & 2 ? "127.0.0.2" :
				 "127.0.0.1", i & 1 ? 3479 : 3478);

	w.src = &src;
	w.local = &combo[0];
	w.combo = size & 1 ? combo : NULL;
	w.k = 0;

	for (i = 0; i < 2; i++) {
		rep.buf = out;
		rep.size = sizeof(out);
		(void)srv_handle(i ? &auth_conf : &open_conf, data, size, &w,
				 &rep);
		if (rep.k > 3 || rep.len > sizeof(out))
			abort();

		/* whatever we answer must decode and carry a good
		 * FINGERPRINT when it has one */
		if (rep.len) {
			if (calls_stun_decode(&msg, out, rep.len))
				abort();
			if (calls_stun_fingerprint_check(&msg) == EBADMSG)
				abort();
		}
	}
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t key[] = "VOkJxbRl1RmTxUk/WvJxBt";
	struct calls_stun_msg msg;
	uint8_t *copy;

	if (size > 4 * CALLS_STUN_MAX_LEN)
		return 0;

	/* an exact-size copy so any read past the end is caught */
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);

	(void)calls_stun_is_msg(copy, size, true);
	(void)calls_stun_frame_len(copy, size);

	if (!calls_stun_decode(&msg, copy, size)) {
		if (msg.len > size || msg.n_unknown > CALLS_STUN_MAX_UNKNOWN)
			abort();
		(void)calls_stun_integrity_check(&msg, CALLS_STUN_MI_SHA1,
						 key, sizeof(key) - 1);
		(void)calls_stun_integrity_check(&msg, CALLS_STUN_MI_SHA256,
						 key, sizeof(key) - 1);
		(void)calls_stun_fingerprint_check(&msg);
		getters(&msg);
	}

	handler(copy, size);

	free(copy);

	return 0;
}
