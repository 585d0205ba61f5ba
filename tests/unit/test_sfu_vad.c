/* calls-sfu VAD: rtcd's monitor on synthetic audio-level sequences */
#include "runner.h"
#include "vad.h"

/* 20 ms packets: speech alternates loud and quiet, silence is flat */
static enum sfu_vad_event feed(struct sfu_vad *v, const uint8_t *lv,
			       unsigned n, uint64_t *t, unsigned *onp,
			       unsigned *offp)
{
	enum sfu_vad_event last = SFU_VAD_NONE, e;
	unsigned i;

	for (i = 0; i < n; i++) {
		e = sfu_vad_push(v, lv[i], *t);
		*t += 20;
		if (e == SFU_VAD_ON)
			++*onp;
		else if (e == SFU_VAD_OFF)
			++*offp;
		if (e != SFU_VAD_NONE)
			last = e;
	}

	return last;
}


static int test_vad_silence(void)
{
	struct sfu_vad v;
	uint8_t lv[200];
	unsigned on = 0, off = 0;
	uint64_t t = 0;

	memset(lv, 127, sizeof(lv));
	sfu_vad_init(&v);
	feed(&v, lv, 200, &t, &on, &off);
	TEST_EQ(0, on);
	TEST_EQ(0, off);
	TEST_EQ(0, sfu_vad_stddev(&v));

	/* steady noise (level 40 +- 2) stays off too */
	sfu_vad_init(&v);
	for (unsigned i = 0; i < 200; i++)
		lv[i] = 38 + (i % 5);
	feed(&v, lv, 200, &t, &on, &off);
	TEST_EQ(0, on);

	return 0;
}


static int test_vad_speech_on_off(void)
{
	struct sfu_vad v;
	uint8_t speech[100], quiet[200];
	unsigned on = 0, off = 0, i;
	uint64_t t = 0;

	for (i = 0; i < 100; i++)
		speech[i] = (i % 2) ? 20 : 90;   /* std-dev 35 */
	memset(quiet, 127, sizeof(quiet));

	sfu_vad_init(&v);

	/* the window must fill before anything is decided */
	for (i = 0; i < SFU_VAD_SAMPLES - 1; i++) {
		TEST_EQ(SFU_VAD_NONE, sfu_vad_push(&v, speech[i], t));
		t += 20;
	}
	TEST_EQ(SFU_VAD_ON, sfu_vad_push(&v, speech[i], t));
	t += 20;
	++on;
	feed(&v, speech + 50, 50, &t, &on, &off);
	TEST_EQ(1, on);
	TEST_EQ(0, off);

	/* silence: off once the window is flat (50 packets = 1 s later)
	 * and 2 s have passed since on */
	feed(&v, quiet, 200, &t, &on, &off);
	TEST_EQ(1, on);
	TEST_EQ(1, off);
	TEST_ASSERT(!v.active);

	return 0;
}


static int test_vad_off_delay(void)
{
	struct sfu_vad v;
	unsigned i;
	uint64_t t = 1000000;

	sfu_vad_init(&v);
	for (i = 0; i < SFU_VAD_SAMPLES; i++)
		sfu_vad_push(&v, (i % 2) ? 0 : 100, t);
	TEST_ASSERT(v.active);

	/* flat window at once, but within 2 s of activation: stays on */
	for (i = 0; i < SFU_VAD_SAMPLES; i++)
		TEST_EQ(SFU_VAD_NONE, sfu_vad_push(&v, 127, t + 1999));
	TEST_ASSERT(v.active);

	TEST_EQ(SFU_VAD_OFF, sfu_vad_push(&v, 127, t + 2000));

	return 0;
}


static int test_vad_thresholds(void)
{
	struct sfu_vad v;
	unsigned i;

	/* std-dev exactly 10 (levels 50 +- 10) does not turn it on */
	sfu_vad_init(&v);
	for (i = 0; i < SFU_VAD_SAMPLES; i++)
		TEST_EQ(SFU_VAD_NONE,
			sfu_vad_push(&v, (i % 2) ? 40 : 60, 0));
	TEST_EQ(10, sfu_vad_stddev(&v));

	/* 11 does */
	sfu_vad_init(&v);
	for (i = 0; i < SFU_VAD_SAMPLES - 1; i++)
		sfu_vad_push(&v, (i % 2) ? 39 : 61, 0);
	TEST_EQ(SFU_VAD_ON, sfu_vad_push(&v, 39, 0));

	/* std-dev 4 keeps it on (below 4 needed), 3 turns it off */
	for (i = 0; i < SFU_VAD_SAMPLES; i++)
		TEST_EQ(SFU_VAD_NONE,
			sfu_vad_push(&v, (i % 2) ? 46 : 54, 5000));
	TEST_EQ(4, sfu_vad_stddev(&v));
	for (i = 0; i < SFU_VAD_SAMPLES - 1; i++)
		sfu_vad_push(&v, (i % 2) ? 47 : 53, 5000);
	TEST_ASSERT(!v.active);

	return 0;
}


static int test_vad_mute_reset(void)
{
	struct sfu_vad v;
	unsigned i;

	sfu_vad_init(&v);
	for (i = 0; i < SFU_VAD_SAMPLES; i++)
		sfu_vad_push(&v, (i % 2) ? 0 : 100, 0);
	TEST_ASSERT(v.active);

	TEST_EQ(SFU_VAD_OFF, sfu_vad_reset(&v));
	TEST_ASSERT(!v.active);
	TEST_EQ(0, v.n);
	/* reset on an idle monitor still reports off (rtcd does) */
	TEST_EQ(SFU_VAD_OFF, sfu_vad_reset(&v));

	/* after a reset the window fills again before deciding */
	for (i = 0; i < SFU_VAD_SAMPLES - 1; i++)
		TEST_EQ(SFU_VAD_NONE,
			sfu_vad_push(&v, (i % 2) ? 0 : 100, 10));
	TEST_EQ(SFU_VAD_ON, sfu_vad_push(&v, 100, 10));

	return 0;
}


const struct unit_suite suite_sfu_vad = {"sfu_vad", {
	UNIT_CASE(test_vad_silence),
	UNIT_CASE(test_vad_speech_on_off),
	UNIT_CASE(test_vad_off_delay),
	UNIT_CASE(test_vad_thresholds),
	UNIT_CASE(test_vad_mute_reset),
	{NULL, NULL}}};
