/* calls-probe: loss, percentiles, RFC 3550 jitter, reordering */
#include <math.h>
#include "re_inc.h"
#include "probe.h"
#include "runner.h"

#define NEAR(a, b) (fabs((a) - (b)) < 1e-9)


static int test_jitter(void)
{
	/* one-way transits 10, 12, 11, 15 ms: D = 2, 1, 4 */
	static const double transit[] = {10, 12, 11, 15};
	struct probe_stats st;
	double j = 0;
	size_t i;
	int err = 0;

	TEST_ERR(stats_init(&st, 4));
	for (i = 0; i < 4; i++) {
		st.sent++;
		stats_reply(&st, (uint32_t)i + 1, false, 1.0,
			    (int64_t)(transit[i] * 1e6));
	}

	/* J += (|D| - J) / 16, by hand */
	j += (2 - j) / 16;
	j += (1 - j) / 16;
	j += (4 - j) / 16;
	if (!NEAR(j, 0.41845703125) || !NEAR(st.jitter, j)) {
		unit_fail(__FILE__, __LINE__, "jitter %.12f, want %.12f",
			  st.jitter, j);
		err = EINVAL;
	}

	stats_reset(&st);

	return err;
}


static int test_transit_offset(void)
{
	/* the responder's clock is far ahead: only differences count */
	struct probe_stats st;
	int64_t off = 1000000000000ll;

	TEST_ERR(stats_init(&st, 2));
	stats_reply(&st, 1, false, 1, off + 5000000);
	stats_reply(&st, 2, false, 1, off + 7000000);
	TEST_ASSERT(NEAR(st.jitter, 2.0 / 16));
	stats_reset(&st);

	return 0;
}


static int test_order(void)
{
	struct probe_stats st;
	struct probe_summary s;

	TEST_ERR(stats_init(&st, 10));
	st.sent = 5;
	stats_reply(&st, 1, false, 1, 0);
	stats_reply(&st, 3, false, 1, 0);
	stats_reply(&st, 2, false, 1, 0);    /* after 3: reordered */
	stats_reply(&st, 3, true, 1, 0);     /* again: duplicated */
	stats_summary(&st, &s);

	TEST_EQ(5, s.sent);
	TEST_EQ(3, s.received);
	TEST_EQ(1, s.reordered);
	TEST_EQ(1, s.duplicated);
	TEST_ASSERT(NEAR(s.loss_pct, 40.0));
	stats_reset(&st);

	return 0;
}


static int test_percentiles(void)
{
	struct probe_stats st;
	struct probe_summary s;
	uint32_t i;

	TEST_ERR(stats_init(&st, 20));
	/* 1..20 ms, out of order */
	for (i = 0; i < 20; i++) {
		st.sent++;
		stats_reply(&st, i + 1, false, (double)((i * 7) % 20 + 1),
			    0);
	}
	stats_summary(&st, &s);

	TEST_ASSERT(NEAR(s.min, 1));
	TEST_ASSERT(NEAR(s.max, 20));
	TEST_ASSERT(NEAR(s.avg, 10.5));
	TEST_ASSERT(NEAR(s.p50, 10));        /* nearest rank: 10th */
	TEST_ASSERT(NEAR(s.p95, 19));        /* ceil(19) = 19th */
	TEST_ASSERT(NEAR(s.loss_pct, 0));
	stats_reset(&st);

	{
		static const double one[] = {3.5};
		TEST_ASSERT(NEAR(stats_percentile(one, 1, 95), 3.5));
		TEST_ASSERT(NEAR(stats_percentile(one, 0, 95), 0));
	}

	return 0;
}


static int test_empty(void)
{
	struct probe_stats st;
	struct probe_summary s;

	TEST_ERR(stats_init(&st, 3));
	st.sent = 3;
	stats_summary(&st, &s);
	TEST_EQ(0, s.received);
	TEST_ASSERT(NEAR(s.loss_pct, 100));
	TEST_ASSERT(NEAR(s.max, 0));
	stats_reset(&st);

	return 0;
}


const struct unit_suite suite_probe_stats = {"probe_stats", {
	UNIT_CASE(test_jitter),
	UNIT_CASE(test_transit_offset),
	UNIT_CASE(test_order),
	UNIT_CASE(test_percentiles),
	UNIT_CASE(test_empty),
	{NULL, NULL},
}};
