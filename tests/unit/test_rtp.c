/* Unit tests of lib/rtp.c (RTP header, extensions, RTCP, RFC 3550 A.1/A.8) */
#include <string.h>
#include "re_inc.h"
#include "rtp.h"
#include "runner.h"

/*
 * Opus packet with CSRC 1, one-byte extensions: id 1 audio level
 * (V=1, 30 dBov), id 3 two bytes, then padding; 4 payload bytes and 2
 * bytes of RTP padding.
 */
static const uint8_t pkt_one[] = {
	0xb1, 0xef, 0x12, 0x34,  0x00, 0x01, 0x02, 0x03,
	0xde, 0xad, 0xbe, 0xef,  0x00, 0x00, 0x00, 0x2a,
	0xbe, 0xde, 0x00, 0x02,
	0x10, 0x9e, 0x31, 0xaa,  0xbb, 0x00, 0x00, 0x00,
	0x01, 0x02, 0x03, 0x04,  0x00, 0x02,
};

/* two-byte header extensions: id 1 len 1, id 20 len 3 */
static const uint8_t pkt_two[] = {
	0x90, 0x60, 0x00, 0x01,  0x00, 0x00, 0x00, 0x10,
	0x00, 0x00, 0x00, 0x05,
	0x10, 0x00, 0x00, 0x03,
	0x01, 0x01, 0x85, 0x14,  0x03, 0x61, 0x62, 0x63,  0x00, 0x00, 0x00,
	0x00,
	0xca, 0xfe,
};


static int test_rtp_parse(void)
{
	struct calls_rtp_hdr h;

	TEST_ERR(calls_rtp_parse(&h, pkt_one, sizeof(pkt_one)));
	TEST_EQ(2, h.ver);
	TEST_ASSERT(h.pad && h.ext);
	TEST_EQ(1, h.cc);
	TEST_ASSERT(h.marker);
	TEST_EQ(111, h.pt);
	TEST_EQ(0x1234, h.seq);
	TEST_EQ(0x00010203, h.ts);
	TEST_EQ(0xdeadbeef, h.ssrc);
	TEST_EQ(42, h.csrc[0]);
	TEST_EQ(0xbede, h.ext_profile);
	TEST_EQ(20, h.ext_off);
	TEST_EQ(8, h.ext_len);
	TEST_EQ(28, h.hdr_len);
	TEST_EQ(4, h.pay_len);
	TEST_EQ(2, h.pad_len);
	TEST_ASSERT(!calls_rtp_is_rtcp(pkt_one, sizeof(pkt_one)));

	return 0;
}


static int test_rtp_parse_bad(void)
{
	struct calls_rtp_hdr h;
	uint8_t b[40];

	memcpy(b, pkt_one, sizeof(pkt_one));

	/* every truncation of the header fails */
	TEST_FAILS(EBADMSG, calls_rtp_parse(&h, b, 11));
	TEST_FAILS(EBADMSG, calls_rtp_parse(&h, b, 15));
	TEST_FAILS(EBADMSG, calls_rtp_parse(&h, b, 19));
	TEST_FAILS(EBADMSG, calls_rtp_parse(&h, b, 27));
	/* version 1 */
	b[0] = 0x71;
	TEST_FAILS(EBADMSG, calls_rtp_parse(&h, b, sizeof(pkt_one)));
	/* padding count larger than the payload */
	memcpy(b, pkt_one, sizeof(pkt_one));
	b[sizeof(pkt_one) - 1] = 7;
	TEST_FAILS(EBADMSG, calls_rtp_parse(&h, b, sizeof(pkt_one)));
	b[sizeof(pkt_one) - 1] = 0;
	TEST_FAILS(EBADMSG, calls_rtp_parse(&h, b, sizeof(pkt_one)));
	TEST_FAILS(EINVAL, calls_rtp_parse(NULL, b, sizeof(pkt_one)));

	return 0;
}


static int test_rtp_ext_one(void)
{
	struct calls_rtp_hdr h;
	const uint8_t *d;
	size_t n;
	uint8_t level;
	bool vad;

	TEST_ERR(calls_rtp_parse(&h, pkt_one, sizeof(pkt_one)));
	TEST_ERR(calls_rtp_ext_find(&h, pkt_one, 3, &d, &n));
	TEST_EQ(2, n);
	TEST_EQ(0xaa, d[0]);
	TEST_EQ(0xbb, d[1]);
	TEST_FAILS(ENOENT, calls_rtp_ext_find(&h, pkt_one, 2, &d, &n));

	TEST_ERR(calls_rtp_audio_level(&h, pkt_one, 1, &level, &vad));
	TEST_EQ(30, level);
	TEST_ASSERT(vad);
	TEST_FAILS(ENOENT, calls_rtp_audio_level(&h, pkt_one, 4, &level,
						 &vad));

	return 0;
}


static int test_rtp_ext_two(void)
{
	struct calls_rtp_hdr h;
	const uint8_t *d;
	size_t n;
	uint8_t level;
	bool vad;

	TEST_ERR(calls_rtp_parse(&h, pkt_two, sizeof(pkt_two)));
	TEST_EQ(0x1000, h.ext_profile);
	TEST_EQ(12, h.ext_len);
	TEST_EQ(2, h.pay_len);
	TEST_ERR(calls_rtp_ext_find(&h, pkt_two, 20, &d, &n));
	TEST_EQ(3, n);
	TEST_MEMEQ("abc", d, 3);
	TEST_ERR(calls_rtp_audio_level(&h, pkt_two, 1, &level, &vad));
	TEST_EQ(5, level);
	TEST_ASSERT(vad);

	return 0;
}


static int test_rtp_rewrite(void)
{
	struct calls_rtp_hdr h;
	uint8_t b[sizeof(pkt_one)];

	memcpy(b, pkt_one, sizeof(b));
	calls_rtp_set_ssrc(b, 0x01020304);
	calls_rtp_set_pt(b, 96);
	calls_rtp_set_seq(b, 65535);
	calls_rtp_set_ts(b, 0xfffffff0);
	calls_rtp_set_marker(b, false);
	TEST_ERR(calls_rtp_parse(&h, b, sizeof(b)));
	TEST_EQ(0x01020304, h.ssrc);
	TEST_EQ(96, h.pt);
	TEST_EQ(65535, h.seq);
	TEST_EQ(0xfffffff0, h.ts);
	TEST_ASSERT(!h.marker);
	/* the rest is untouched */
	TEST_MEMEQ(pkt_one + 12, b + 12, sizeof(b) - 12);
	TEST_EQ(b[0], pkt_one[0]);

	return 0;
}


static int test_rtp_strip(void)
{
	struct calls_rtp_hdr h;
	uint8_t out[64];
	size_t n;

	TEST_ERR(calls_rtp_strip_ext(pkt_one, sizeof(pkt_one), out,
				     sizeof(out), &n));
	TEST_EQ(sizeof(pkt_one) - 12, n);
	TEST_ERR(calls_rtp_parse(&h, out, n));
	TEST_ASSERT(!h.ext);
	TEST_EQ(1, h.cc);
	TEST_EQ(42, h.csrc[0]);
	TEST_EQ(4, h.pay_len);
	TEST_MEMEQ(pkt_one + 28, out + 16, 4);

	/* too small an output */
	TEST_FAILS(EOVERFLOW, calls_rtp_strip_ext(pkt_one, sizeof(pkt_one),
						  out, 10, &n));

	return 0;
}


static int test_rtp_ext_rewrite(void)
{
	struct calls_rtp_hdr h;
	uint8_t idmap[256] = {0}, out[64];
	const uint8_t *d;
	size_t n, dn;
	uint8_t level;
	bool vad;

	/* keep only the audio level, renumbered 1 -> 5 */
	idmap[1] = 5;
	TEST_ERR(calls_rtp_ext_rewrite(pkt_one, sizeof(pkt_one), idmap, out,
				       sizeof(out), &n));
	TEST_ERR(calls_rtp_parse(&h, out, n));
	TEST_EQ(4, h.ext_len);
	TEST_ERR(calls_rtp_audio_level(&h, out, 5, &level, &vad));
	TEST_EQ(30, level);
	TEST_FAILS(ENOENT, calls_rtp_ext_find(&h, out, 3, &d, &dn));
	TEST_EQ(4, h.pay_len);

	/* nothing kept: no extension at all */
	idmap[1] = 0;
	TEST_ERR(calls_rtp_ext_rewrite(pkt_one, sizeof(pkt_one), idmap, out,
				       sizeof(out), &n));
	TEST_ERR(calls_rtp_parse(&h, out, n));
	TEST_ASSERT(!h.ext);

	/* two-byte kept as two-byte */
	idmap[20] = 200;
	TEST_ERR(calls_rtp_ext_rewrite(pkt_two, sizeof(pkt_two), idmap, out,
				       sizeof(out), &n));
	TEST_ERR(calls_rtp_parse(&h, out, n));
	TEST_ERR(calls_rtp_ext_find(&h, out, 200, &d, &dn));
	TEST_MEMEQ("abc", d, 3);

	/* an id that does not fit the one-byte form */
	memset(idmap, 0, sizeof(idmap));
	idmap[1] = 15;
	TEST_FAILS(EINVAL, calls_rtp_ext_rewrite(pkt_one, sizeof(pkt_one),
						 idmap, out, sizeof(out), &n));

	return 0;
}


static int test_rtp_seq(void)
{
	struct calls_rtp_seq s;
	uint32_t ext;
	int32_t lost;
	uint8_t frac;
	uint16_t seq;

	memset(&s, 0, sizeof(s));
	TEST_ERR(calls_rtp_seq_update(&s, 65530, &ext));
	TEST_EQ(65530, ext);

	for (seq = 65531; seq != 5; seq++)
		TEST_ERR(calls_rtp_seq_update(&s, seq, &ext));
	TEST_EQ(65536 + 4, ext);
	TEST_EQ(65536 + 4, calls_rtp_seq_ext_max(&s));

	/* duplicate */
	TEST_FAILS(EALREADY, calls_rtp_seq_update(&s, 4, &ext));
	/* reordered from before the wrap */
	TEST_EQ(65535, calls_rtp_seq_extend(&s, 65535));
	TEST_EQ(65536 + 10, calls_rtp_seq_extend(&s, 10));

	/* 6 and 7 lost */
	TEST_ERR(calls_rtp_seq_update(&s, 5, &ext));
	TEST_ERR(calls_rtp_seq_update(&s, 8, &ext));
	calls_rtp_seq_report(&s, &lost, &frac);
	TEST_EQ(2, lost);
	TEST_EQ(2 * 256 / 15, frac);
	/* next interval: none lost */
	TEST_ERR(calls_rtp_seq_update(&s, 9, &ext));
	calls_rtp_seq_report(&s, &lost, &frac);
	TEST_EQ(2, lost);
	TEST_EQ(0, frac);

	/* a big jump is refused once, accepted when sequential */
	TEST_FAILS(EBADMSG, calls_rtp_seq_update(&s, 30000, &ext));
	TEST_ERR(calls_rtp_seq_update(&s, 30001, &ext));
	TEST_EQ(30001, calls_rtp_seq_ext_max(&s));

	return 0;
}


static int test_rtp_jitter(void)
{
	struct calls_rtp_jitter j;
	uint32_t i;

	memset(&j, 0, sizeof(j));

	/* perfectly paced: no jitter */
	for (i = 0; i < 50; i++)
		calls_rtp_jitter_update(&j, 1000 + i * 960, i * 960);
	TEST_EQ(0, calls_rtp_jitter_get(&j));

	/* alternating 100-tick deviation converges near 100 */
	for (i = 50; i < 2000; i++)
		calls_rtp_jitter_update(&j, 1000 + i * 960 + (i & 1) * 100,
					i * 960);
	TEST_ASSERT(calls_rtp_jitter_get(&j) >= 90);
	TEST_ASSERT(calls_rtp_jitter_get(&j) <= 100);

	return 0;
}


static int test_rtcp_sr_rr_sdes_bye(void)
{
	struct calls_rtcp_sr sr = {
		.ssrc = 0x11111111, .ntp = 0x0123456789abcdefULL,
		.rtp_ts = 48000, .pkt_count = 10, .octet_count = 1000,
	};
	struct calls_rtcp_rb rb[2] = {
		{0x22222222, 25, -3, 70000, 12, 0xaabbccdd, 65536},
		{0x33333333, 0, 8388607, 1, 0, 0, 0},
	};
	uint32_t byes[2] = {0x11111111, 0x44444444};
	struct calls_rtcp_iter it;
	struct calls_rtcp_pkt p;
	struct calls_rtcp_sr sr2;
	struct calls_rtcp_rb rb2;
	uint8_t buf[256];
	size_t off = 0, n;
	const char *cn;
	uint32_t ssrc;

	TEST_ERR(calls_rtcp_build_sr(buf, sizeof(buf), &off, &sr, rb, 2));
	TEST_EQ(76, off);
	TEST_ERR(calls_rtcp_build_sdes_cname(buf, sizeof(buf), &off,
					     0x11111111, "abc@calls"));
	TEST_ERR(calls_rtcp_build_bye(buf, sizeof(buf), &off, byes, 2));
	TEST_ERR(calls_rtcp_build_rr(buf, sizeof(buf), &off, 0x55, NULL, 0));
	TEST_ERR(calls_rtcp_validate(buf, off));
	TEST_ASSERT(calls_rtp_is_rtcp(buf, off));

	calls_rtcp_iter_init(&it, buf, off);

	TEST_ERR(calls_rtcp_iter_next(&it, &p));
	TEST_EQ(CALLS_RTCP_SR, p.pt);
	TEST_EQ(2, p.count);
	TEST_ERR(calls_rtcp_sr_parse(&p, &sr2));
	TEST_EQ(sr.ssrc, sr2.ssrc);
	TEST_EQ(sr.ntp, sr2.ntp);
	TEST_EQ(sr.rtp_ts, sr2.rtp_ts);
	TEST_EQ(sr.pkt_count, sr2.pkt_count);
	TEST_EQ(sr.octet_count, sr2.octet_count);
	TEST_ERR(calls_rtcp_rb_get(&p, 0, &rb2));
	TEST_EQ(rb[0].ssrc, rb2.ssrc);
	TEST_EQ(rb[0].fraction, rb2.fraction);
	TEST_EQ(rb[0].ext_seq, rb2.ext_seq);
	TEST_EQ(rb[0].jitter, rb2.jitter);
	TEST_EQ(rb[0].lsr, rb2.lsr);
	TEST_EQ(rb[0].dlsr, rb2.dlsr);
	TEST_EQ(-3, rb2.lost);
	TEST_ERR(calls_rtcp_rb_get(&p, 1, &rb2));
	TEST_EQ(8388607, rb2.lost);
	TEST_FAILS(ENOENT, calls_rtcp_rb_get(&p, 2, &rb2));

	TEST_ERR(calls_rtcp_iter_next(&it, &p));
	TEST_EQ(CALLS_RTCP_SDES, p.pt);
	TEST_EQ(0, p.len % 4);
	TEST_ERR(calls_rtcp_sdes_cname(&p, 0, &ssrc, &cn, &n));
	TEST_EQ(0x11111111, ssrc);
	TEST_EQ(9, n);
	TEST_MEMEQ("abc@calls", cn, 9);

	TEST_ERR(calls_rtcp_iter_next(&it, &p));
	TEST_EQ(CALLS_RTCP_BYE, p.pt);
	TEST_ERR(calls_rtcp_bye_ssrc(&p, 1, &ssrc));
	TEST_EQ(0x44444444, ssrc);

	TEST_ERR(calls_rtcp_iter_next(&it, &p));
	TEST_EQ(CALLS_RTCP_RR, p.pt);
	TEST_ERR(calls_rtcp_sr_parse(&p, &sr2));
	TEST_EQ(0x55, sr2.ssrc);

	TEST_FAILS(ENOENT, calls_rtcp_iter_next(&it, &p));

	/* a compound whose lengths do not add up */
	TEST_FAILS(EBADMSG, calls_rtcp_validate(buf, off - 4));
	TEST_FAILS(EBADMSG, calls_rtcp_validate(buf, 3));
	/* output too small */
	off = 0;
	TEST_FAILS(EOVERFLOW, calls_rtcp_build_sr(buf, 40, &off, &sr, rb, 2));

	return 0;
}


static int test_rtcp_fb(void)
{
	uint16_t seqs[] = {100, 101, 116, 117, 65535, 0, 300};
	uint16_t got[32];
	uint32_t remb_ssrc[2] = {7, 8}, ss[4];
	struct calls_rtcp_iter it;
	struct calls_rtcp_pkt p;
	struct calls_rtcp_fb fb;
	uint8_t buf[256], seqnr;
	uint64_t bitrate;
	size_t off = 0, n, i;
	uint32_t ssrc;

	TEST_ERR(calls_rtcp_build_pli(buf, sizeof(buf), &off, 1, 2));
	TEST_ERR(calls_rtcp_build_fir(buf, sizeof(buf), &off, 1, 3, 9));
	TEST_ERR(calls_rtcp_build_nack(buf, sizeof(buf), &off, 1, 4, seqs,
				       ARRAY_SIZE(seqs)));
	TEST_ERR(calls_rtcp_build_remb(buf, sizeof(buf), &off, 1, 1500000,
				       remb_ssrc, 2));
	TEST_ERR(calls_rtcp_validate(buf, off));

	calls_rtcp_iter_init(&it, buf, off);

	TEST_ERR(calls_rtcp_iter_next(&it, &p));
	TEST_EQ(CALLS_RTCP_PSFB, p.pt);
	TEST_ERR(calls_rtcp_fb_parse(&p, &fb));
	TEST_EQ(CALLS_RTCP_PSFB_PLI, fb.fmt);
	TEST_EQ(1, fb.sender_ssrc);
	TEST_EQ(2, fb.media_ssrc);
	TEST_EQ(0, fb.fci_len);

	TEST_ERR(calls_rtcp_iter_next(&it, &p));
	TEST_ERR(calls_rtcp_fir_get(&p, 0, &ssrc, &seqnr));
	TEST_EQ(3, ssrc);
	TEST_EQ(9, seqnr);
	TEST_FAILS(ENOENT, calls_rtcp_fir_get(&p, 1, &ssrc, &seqnr));

	TEST_ERR(calls_rtcp_iter_next(&it, &p));
	TEST_EQ(CALLS_RTCP_RTPFB, p.pt);
	TEST_ERR(calls_rtcp_nack_seqs(&p, got, ARRAY_SIZE(got), &n));
	TEST_EQ(ARRAY_SIZE(seqs), n);
	/* the same set, whatever the packing order */
	for (i = 0; i < ARRAY_SIZE(seqs); i++) {
		size_t k;
		bool found = false;

		for (k = 0; k < n; k++)
			found |= got[k] == seqs[i];
		TEST_ASSERT(found);
	}
	/* 100,101,116 in one PID/BLP; 117 new; 65535,0 (wrap) one; 300 */
	TEST_EQ(12 + 4 * 4, p.len);

	TEST_ERR(calls_rtcp_iter_next(&it, &p));
	TEST_ERR(calls_rtcp_remb_parse(&p, &bitrate, ss, 4, &n));
	TEST_EQ(2, n);
	TEST_EQ(7, ss[0]);
	TEST_EQ(8, ss[1]);
	/* 18-bit mantissa: 1500000 = 187500 << 3, exact */
	TEST_EQ(1500000, bitrate);

	TEST_FAILS(ENOENT, calls_rtcp_iter_next(&it, &p));

	return 0;
}


/* A NACK as Chrome sends it (RFC 4585 6.2.1 layout), parsed by hand */
static int test_rtcp_nack_wire(void)
{
	static const uint8_t nack[] = {
		0x81, 0xcd, 0x00, 0x03,  0x00, 0x00, 0x00, 0x01,
		0x12, 0x34, 0x56, 0x78,  0x03, 0xe8, 0x80, 0x01,
	};
	struct calls_rtcp_iter it;
	struct calls_rtcp_pkt p;
	uint16_t got[4];
	size_t n;

	TEST_ERR(calls_rtcp_validate(nack, sizeof(nack)));
	calls_rtcp_iter_init(&it, nack, sizeof(nack));
	TEST_ERR(calls_rtcp_iter_next(&it, &p));
	TEST_ERR(calls_rtcp_nack_seqs(&p, got, 4, &n));
	TEST_EQ(3, n);
	TEST_EQ(1000, got[0]);
	TEST_EQ(1001, got[1]);
	TEST_EQ(1016, got[2]);

	/* a store smaller than the list still counts them all */
	TEST_ERR(calls_rtcp_nack_seqs(&p, got, 1, &n));
	TEST_EQ(3, n);

	return 0;
}


const struct unit_suite suite_rtp = {"rtp", {
	UNIT_CASE(test_rtp_parse),
	UNIT_CASE(test_rtp_parse_bad),
	UNIT_CASE(test_rtp_ext_one),
	UNIT_CASE(test_rtp_ext_two),
	UNIT_CASE(test_rtp_rewrite),
	UNIT_CASE(test_rtp_strip),
	UNIT_CASE(test_rtp_ext_rewrite),
	UNIT_CASE(test_rtp_seq),
	UNIT_CASE(test_rtp_jitter),
	UNIT_CASE(test_rtcp_sr_rr_sdes_bye),
	UNIT_CASE(test_rtcp_fb),
	UNIT_CASE(test_rtcp_nack_wire),
	{NULL, NULL}}};
