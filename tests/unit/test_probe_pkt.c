/* calls-probe: the probe packet codec */
#include "re_inc.h"
#include "probe.h"
#include "runner.h"


static int test_roundtrip(void)
{
	struct probe_pkt p = {
		.len = 40, .session = 0xdeadbeef, .seq = 7,
		.tx_ns = 0x0102030405060708ull,
	}, q;
	uint8_t buf[64];
	static const uint8_t head[] = {
		'C', 'P', 'R', 'B', 1, 0, 0, 40,
		0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 7,
		1, 2, 3, 4, 5, 6, 7, 8,
		0, 0, 0, 0, 0, 0, 0, 0,
	};

	memset(buf, 0xff, sizeof(buf));
	TEST_ERR(pkt_encode(buf, sizeof(buf), &p));
	TEST_MEMEQ(head, buf, sizeof(head));
	TEST_EQ(0, buf[39]);
	TEST_EQ(0xff, buf[40]);        /* nothing written past len */

	TEST_ERR(pkt_decode(&q, buf, 40));
	TEST_EQ(0, q.flags);
	TEST_EQ(40, q.len);
	TEST_EQ(0xdeadbeef, q.session);
	TEST_EQ(7, q.seq);
	TEST_ASSERT(q.tx_ns == p.tx_ns);
	TEST_EQ(0, q.echo_ns);

	return 0;
}


static int test_reply(void)
{
	struct probe_pkt p = {.len = 32, .seq = 1, .tx_ns = 5}, q;
	uint8_t buf[32];

	TEST_ERR(pkt_encode(buf, sizeof(buf), &p));
	TEST_ERR(pkt_make_reply(buf, sizeof(buf), 99));
	TEST_ERR(pkt_decode(&q, buf, sizeof(buf)));
	TEST_EQ(PROBE_F_REPLY, q.flags);
	TEST_ASSERT(q.echo_ns == 99);
	TEST_ASSERT(q.tx_ns == 5);

	/* a reply is never reflected again: no loops between responders */
	TEST_FAILS(EPROTO, pkt_make_reply(buf, sizeof(buf), 100));

	return 0;
}


static int test_strict(void)
{
	struct probe_pkt p = {.len = 36, .seq = 1}, q;
	uint8_t buf[40], bad[40];

	TEST_ERR(pkt_encode(buf, sizeof(buf), &p));

	/* the datagram must be exactly the packet */
	TEST_FAILS(EBADMSG, pkt_decode(&q, buf, 35));
	TEST_FAILS(EBADMSG, pkt_decode(&q, buf, 37));
	TEST_FAILS(EBADMSG, pkt_decode(&q, buf, 8));

	memcpy(bad, buf, sizeof(bad));
	bad[0] = 'X';
	TEST_FAILS(EBADMSG, pkt_decode(&q, bad, 36));

	memcpy(bad, buf, sizeof(bad));
	bad[4] = 2;                     /* version */
	TEST_FAILS(EPROTO, pkt_decode(&q, bad, 36));

	memcpy(bad, buf, sizeof(bad));
	bad[5] = 0x02;                  /* unknown flag */
	TEST_FAILS(EPROTO, pkt_decode(&q, bad, 36));

	memcpy(bad, buf, sizeof(bad));
	bad[35] = 1;                    /* padding not zero */
	TEST_FAILS(EBADMSG, pkt_decode(&q, bad, 36));

	memcpy(bad, buf, sizeof(bad));
	bad[31] = 1;                    /* request with a responder time */
	TEST_FAILS(EBADMSG, pkt_decode(&q, bad, 36));

	memcpy(bad, buf, sizeof(bad));
	bad[6] = 0; bad[7] = 31;        /* length below the header */
	TEST_FAILS(EBADMSG, pkt_decode(&q, bad, 31));

	p.len = 31;
	TEST_FAILS(EINVAL, pkt_encode(buf, sizeof(buf), &p));
	p.len = 41;
	TEST_FAILS(EINVAL, pkt_encode(buf, sizeof(buf), &p));

	return 0;
}


static int test_framing(void)
{
	struct probe_pkt p = {.len = 300};
	uint8_t buf[300];
	size_t len;

	TEST_ERR(pkt_encode(buf, sizeof(buf), &p));
	TEST_FAILS(ENODATA, pkt_frame_len(&len, buf, 7));
	TEST_ERR(pkt_frame_len(&len, buf, 8));
	TEST_EQ(300, len);

	buf[1] = 'X';
	TEST_FAILS(EBADMSG, pkt_frame_len(&len, buf, 8));

	return 0;
}


const struct unit_suite suite_probe_pkt = {"probe_pkt", {
	UNIT_CASE(test_roundtrip),
	UNIT_CASE(test_reply),
	UNIT_CASE(test_strict),
	UNIT_CASE(test_framing),
	{NULL, NULL},
}};
