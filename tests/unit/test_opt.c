/* Shared option value parsers */
#include "re_inc.h"
#include "opt.h"
#include "runner.h"


static int test_durations(void)
{
	double s;

	TEST_ERR(calls_opt_duration(&s, "1.5"));
	TEST_ASSERT(s == 1.5);
	TEST_ERR(calls_opt_duration(&s, "250ms"));
	TEST_ASSERT(s == 0.25);
	TEST_ERR(calls_opt_duration(&s, "2m"));
	TEST_ASSERT(s == 120);
	TEST_ERR(calls_opt_duration(&s, "1h"));
	TEST_ASSERT(s == 3600);
	TEST_FAILS(EINVAL, calls_opt_duration(&s, "-1"));
	TEST_FAILS(EINVAL, calls_opt_duration(&s, "1x"));
	TEST_FAILS(EINVAL, calls_opt_duration(&s, "ms"));
	TEST_FAILS(EINVAL, calls_opt_duration(&s, "nan"));

	return 0;
}


static int test_uint(void)
{
	unsigned long v;

	TEST_ERR(calls_opt_uint(&v, "10", 1, 10));
	TEST_EQ(10, v);
	TEST_FAILS(EINVAL, calls_opt_uint(&v, "11", 1, 10));
	TEST_FAILS(EINVAL, calls_opt_uint(&v, "0", 1, 10));
	TEST_FAILS(EINVAL, calls_opt_uint(&v, "-1", 0, 10));
	TEST_FAILS(EINVAL, calls_opt_uint(&v, "3 ", 0, 10));
	TEST_FAILS(EINVAL, calls_opt_uint(&v, "", 0, 10));

	return 0;
}


const struct unit_suite suite_opt = {"opt", {
	UNIT_CASE(test_durations),
	UNIT_CASE(test_uint),
	{NULL, NULL},
}};
