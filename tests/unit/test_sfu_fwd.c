/* calls-sfu forwarding: rtcd's track classification and the per-receiver
 * rewrite (SSRC, PT, audio-level extension) on real RTP bytes */
#include "re_inc.h"
#include "fwd.h"
#include "runner.h"

static int test_fwd_classify(void)
{
	static const struct {
		enum calls_sdp_mtype mtype;
		const char *stream, *screen, *video;
		enum sfu_track_kind kind;
	} tv[] = {
		{CALLS_SDP_AUDIO, "mic", NULL, NULL, SFU_TRACK_VOICE},
		{CALLS_SDP_AUDIO, "mic", "scr", "cam", SFU_TRACK_VOICE},
		{CALLS_SDP_AUDIO, "scr", "scr", NULL, SFU_TRACK_SCREEN_AUDIO},
		{CALLS_SDP_VIDEO, "scr", "scr", NULL, SFU_TRACK_SCREEN},
		{CALLS_SDP_VIDEO, "cam", "scr", "cam", SFU_TRACK_VIDEO},
		{CALLS_SDP_VIDEO, "cam", NULL, "cam", SFU_TRACK_VIDEO},
		/* video nobody announced is dropped, as rtcd does */
		{CALLS_SDP_VIDEO, "other", "scr", "cam", SFU_TRACK_NONE},
		{CALLS_SDP_VIDEO, "scr", NULL, NULL, SFU_TRACK_NONE},
		{CALLS_SDP_APPLICATION, "scr", "scr", NULL, SFU_TRACK_NONE},
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tv); i++)
		TEST_EQ(tv[i].kind, fwd_classify(tv[i].mtype, tv[i].stream,
						 tv[i].screen, tv[i].video));

	TEST_STREQ("screen-audio",
		   sfu_track_kind_name(SFU_TRACK_SCREEN_AUDIO));
	TEST_STREQ("voice", sfu_track_kind_name(SFU_TRACK_VOICE));

	return 0;
}


/* Opus packet as Chrome sends it: PT 111, marker, one-byte extensions
 * audio-level (id 1, V bit + level 42) and transport-cc (id 3) */
static const uint8_t opus_pkt[] = {
	0x90, 0xef, 0x12, 0x34,        /* V=2 X=1, M=1 PT=111, seq 0x1234 */
	0x00, 0x01, 0xe2, 0x40,        /* ts 123456                       */
	0xde, 0xad, 0xbe, 0xef,        /* ssrc                            */
	0xbe, 0xde, 0x00, 0x02,        /* one-byte ext, 2 words           */
	0x10, 0xaa,                    /* id 1 len 1: V=1 level 42        */
	0x31, 0x00, 0x07,              /* id 3 len 2: twcc seq 7          */
	0x00, 0x00, 0x00,              /* padding to the word             */
	0xfc, 0xff, 0xfe, 0x01, 0x02,  /* Opus payload                    */
};


static int test_fwd_rewrite_audio(void)
{
	struct calls_rtp_hdr h, o;
	uint8_t out[128];
	size_t n;
	uint8_t level;
	bool v;

	TEST_ERR(calls_rtp_parse(&h, opus_pkt, sizeof(opus_pkt)));

	/* keep the audio level, renumbered to the receiver's id 5 */
	TEST_ERR(fwd_rewrite(opus_pkt, sizeof(opus_pkt), &h, 0x01020304, 109,
			     false, 1, 5, out, sizeof(out), &n));
	TEST_ERR(calls_rtp_parse(&o, out, n));
	TEST_EQ(0x01020304, o.ssrc);
	TEST_EQ(109, o.pt);
	TEST_ASSERT(o.marker);
	TEST_EQ(0x1234, o.seq);
	TEST_EQ(123456, o.ts);
	TEST_ASSERT(o.ext);
	TEST_ERR(calls_rtp_audio_level(&o, out, 5, &level, &v));
	TEST_EQ(42, level);
	TEST_ASSERT(v);
	/* the transport-cc element is gone, under both ids */
	{
		const uint8_t *d;
		size_t dl;
		TEST_EQ(ENOENT, calls_rtp_ext_find(&o, out, 3, &d, &dl));
		TEST_EQ(ENOENT, calls_rtp_ext_find(&o, out, 1, &d, &dl));
	}
	TEST_EQ(5, o.pay_len);
	TEST_MEMEQ(opus_pkt + sizeof(opus_pkt) - 5, out + o.hdr_len, 5);

	/* receiver without the extension: everything stripped */
	TEST_ERR(fwd_rewrite(opus_pkt, sizeof(opus_pkt), &h, 7, 111, false,
			     1, 0, out, sizeof(out), &n));
	TEST_ERR(calls_rtp_parse(&o, out, n));
	TEST_ASSERT(!o.ext);
	TEST_EQ(12 + 5, n);
	TEST_EQ(7, o.ssrc);
	TEST_MEMEQ(opus_pkt + sizeof(opus_pkt) - 5, out + 12, 5);

	/* the input is untouched */
	TEST_EQ(0xde, opus_pkt[8]);

	return 0;
}


static int test_fwd_rewrite_video(void)
{
	/* VP8 packet, PT 96 (aiortc uses 97), with a mid extension */
	static const uint8_t vp8[] = {
		0x90, 0x61, 0x00, 0x10, 0x00, 0x00, 0x03, 0xe8,
		0x11, 0x22, 0x33, 0x44,
		0xbe, 0xde, 0x00, 0x01,
		0x40, '1', 0x00, 0x00,          /* id 4 len 1: mid "1" */
		0x90, 0xe0, 0x12, 0x34, 0x9d, 0x01, 0x2a,
	};
	static const uint8_t plain[] = {
		0x80, 0xe0, 0x00, 0x05, 0x00, 0x00, 0x03, 0xe8,
		0x11, 0x22, 0x33, 0x44, 0xaa,
	};
	struct calls_rtp_hdr h, o;
	uint8_t out[64];
	size_t n;

	TEST_ERR(calls_rtp_parse(&h, vp8, sizeof(vp8)));
	TEST_ERR(fwd_rewrite(vp8, sizeof(vp8), &h, 0xcafebabe, 96, true, 0,
			     0, out, sizeof(out), &n));
	TEST_ERR(calls_rtp_parse(&o, out, n));
	TEST_ASSERT(!o.ext);
	TEST_ASSERT(!o.marker);
	TEST_EQ(96, o.pt);
	TEST_EQ(0xcafebabe, o.ssrc);
	TEST_EQ(16, o.seq);
	TEST_EQ(7, o.pay_len);
	TEST_MEMEQ(vp8 + 20, out + 12, 7);

	/* no extension: a copy with SSRC and PT replaced */
	TEST_ERR(calls_rtp_parse(&h, plain, sizeof(plain)));
	TEST_ERR(fwd_rewrite(plain, sizeof(plain), &h, 0x55667788, 100, true,
			     0, 0, out, sizeof(out), &n));
	TEST_EQ(sizeof(plain), n);
	TEST_EQ(0xe4, out[1]);     /* marker kept, PT 100 */
	TEST_MEMEQ("\x55\x66\x77\x88", out + 8, 4);
	TEST_MEMEQ(plain + 2, out + 2, 6);
	TEST_EQ(0xaa, out[12]);

	/* too small an output */
	TEST_ASSERT(fwd_rewrite(plain, sizeof(plain), &h, 1, 96, true, 0, 0,
				out, 8, &n) != 0);

	return 0;
}


const struct unit_suite suite_sfu_fwd = {"sfu_fwd", {
	UNIT_CASE(test_fwd_classify),
	UNIT_CASE(test_fwd_rewrite_audio),
	UNIT_CASE(test_fwd_rewrite_video),
	{NULL, NULL}}};
