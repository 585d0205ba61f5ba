/* JSON escaping (RFC 8259 section 7) and the JSON-lines writer */
#include <math.h>
#include <stdlib.h>
#include "re_inc.h"
#include "json.h"
#include "runner.h"


static int esc(char *buf, size_t sz, const char *s, size_t n)
{
	struct pl pl;

	pl.p = s;
	pl.l = n;

	return re_snprintf(buf, sz, "%H", calls_json_escape_pl, &pl) < 0;
}


static int test_escape_specials(void)
{
	char buf[128];

	TEST_ERR(esc(buf, sizeof(buf), "a\"b\\c/d", 7));
	TEST_STREQ("a\\\"b\\\\c/d", buf);

	TEST_ERR(esc(buf, sizeof(buf), "\b\f\n\r\t", 5));
	TEST_STREQ("\\b\\f\\n\\r\\t", buf);

	TEST_ERR(esc(buf, sizeof(buf), "\x01\x1f\x7f", 3));
	TEST_STREQ("\\u0001\\u001f\x7f", buf);

	/* an embedded NUL is a control character too */
	TEST_ERR(esc(buf, sizeof(buf), "a\0b", 3));
	TEST_STREQ("a\\u0000b", buf);

	return 0;
}


static int test_escape_utf8(void)
{
	char buf[128];

	/* valid multi-byte sequences pass through */
	TEST_ERR(esc(buf, sizeof(buf), "h\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8e\xa7",
		     12));
	TEST_STREQ("h\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8e\xa7", buf);

	/* invalid: stray continuation, truncated, overlong, surrogate */
	TEST_ERR(esc(buf, sizeof(buf), "\x80", 1));
	TEST_STREQ("\xef\xbf\xbd", buf);
	TEST_ERR(esc(buf, sizeof(buf), "a\xe2\x82", 3));
	TEST_STREQ("a\xef\xbf\xbd\xef\xbf\xbd", buf);
	TEST_ERR(esc(buf, sizeof(buf), "\xc0\xaf", 2));
	TEST_STREQ("\xef\xbf\xbd\xef\xbf\xbd", buf);
	TEST_ERR(esc(buf, sizeof(buf), "\xed\xa0\x80", 3));
	TEST_STREQ("\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", buf);

	return 0;
}


static int test_writer(void)
{
	struct calls_jw w;
	int err = 0;

	TEST_ERR(calls_jw_init(&w));

	calls_jw_obj_begin(&w, NULL);
	calls_jw_str(&w, "s", "x\"y");
	calls_jw_int(&w, "i", -42);
	calls_jw_uint(&w, "u", 18446744073709551615ULL);
	calls_jw_dbl(&w, "d", 0.1);
	calls_jw_dbl(&w, "nan", NAN);
	calls_jw_dbl(&w, "inf", -INFINITY);
	calls_jw_bool(&w, "b", true);
	calls_jw_null(&w, "n");
	calls_jw_str(&w, "null_str", NULL);
	calls_jw_arr_begin(&w, "a");
	calls_jw_int(&w, NULL, 1);
	calls_jw_obj_begin(&w, NULL);
	calls_jw_obj_end(&w);
	calls_jw_arr_end(&w);
	calls_jw_obj_end(&w);

	if (strcmp(calls_jw_str_get(&w),
		   "{\"s\":\"x\\\"y\",\"i\":-42,"
		   "\"u\":18446744073709551615,\"d\":0.1,\"nan\":null,"
		   "\"inf\":null,\"b\":true,\"n\":null,\"null_str\":null,"
		   "\"a\":[1,{}]}")) {
		unit_fail(__FILE__, __LINE__, "got %s", calls_jw_str_get(&w));
		err = EINVAL;
	}

	TEST_EQ(0, w.err);
	calls_jw_reset(&w);
	calls_jw_dbl(&w, NULL, 1e300);
	if (strtod(calls_jw_str_get(&w), NULL) != 1e300)
		err = EINVAL;

	calls_jw_close(&w);

	return err;
}


/* A string that starts with an escaped character through re_fprintf,
 * whose handler refuses zero-length writes */
static int test_escape_first_char(void)
{
	FILE *f = tmpfile();
	char buf[32] = "";

	TEST_ASSERT(f != NULL);
	TEST_ASSERT(re_fprintf(f, "%H", calls_json_escape, "\"x") > 0);
	rewind(f);
	TEST_ASSERT(fgets(buf, sizeof(buf), f) != NULL);
	fclose(f);
	TEST_STREQ("\\\"x", buf);

	return 0;
}


const struct unit_suite suite_json = {"json", {
	UNIT_CASE(test_escape_specials),
	UNIT_CASE(test_escape_utf8),
	UNIT_CASE(test_writer),
	UNIT_CASE(test_escape_first_char),
	{NULL, NULL},
}};
