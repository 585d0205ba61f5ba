/* calls-sfu TOML parser: valid documents and each error with its line */
#include <stdlib.h>
#include "runner.h"
#include "re_inc.h"
#include "../../cmd/sfu/toml.h"


/* A canonical one-line dump of a value, to compare with the tables */
static int dump(struct re_printf *pf, const struct toml_val *v)
{
	size_t i, len;
	const char *s;
	int err = 0;

	switch (toml_type(v)) {

	case TOML_STRING:
		s = toml_str(v, &len);
		err |= re_hprintf(pf, "\"");
		for (i = 0; i < len; i++) {
			unsigned char c = (unsigned char)s[i];

			if (c < 0x20 || c == '"' || c == '\\')
				err |= re_hprintf(pf, "\\x%02x", c);
			else
				err |= re_hprintf(pf, "%c", c);
		}
		return err | re_hprintf(pf, "\"");

	case TOML_INT:
		return re_hprintf(pf, "%lld", (long long)toml_int(v));

	case TOML_FLOAT: {
		char buf[64];

		snprintf(buf, sizeof(buf), "%g", toml_float(v));
		return re_hprintf(pf, "f%s", buf);
	}

	case TOML_BOOL:
		return re_hprintf(pf, "%s", toml_bool(v) ? "true" : "false");

	case TOML_DATETIME:
		return re_hprintf(pf, "d%s", toml_datetime(v));

	case TOML_ARRAY:
		err |= re_hprintf(pf, "[");
		for (i = 0; i < toml_count(v); i++)
			err |= re_hprintf(pf, "%s%H", i ? "," : "", dump,
					  toml_at(v, i));
		return err | re_hprintf(pf, "]");

	case TOML_TABLE:
		err |= re_hprintf(pf, "{");
		for (i = 0; i < toml_count(v); i++)
			err |= re_hprintf(pf, "%s%s=%H", i ? "," : "",
					  toml_key(toml_at(v, i)), dump,
					  toml_at(v, i));
		return err | re_hprintf(pf, "}");
	}

	return EINVAL;
}


static const struct {
	const char *doc;
	const char *dump;
} valid[] = {
	{"", "{}"},
	{"# only a comment\n\n   \n", "{}"},
	{"a = 1", "{a=1}"},
	{"a = 1\r\nb = 2\r\n", "{a=1,b=2}"},
	{"a = +17\nb = -5\nc = 1_000\nd = 0\ne = -0", "{a=17,b=-5,c=1000,d=0,"
	 "e=0}"},
	{"a = 0xdead_BEEF\nb = 0o17\nc = 0b101", "{a=3735928559,b=15,c=5}"},
	{"a = 9223372036854775807\nb = -9223372036854775808",
	 "{a=9223372036854775807,b=-9223372036854775808}"},
	{"a = 1.5\nb = -2e3\nc = 6.25E-1\nd = inf\ne = 1_0.0_1",
	 "{a=f1.5,b=f-2000,c=f0.625,d=finf,e=f10.01}"},
	{"t = true\nf = false", "{t=true,f=false}"},
	{"s = \"a\\tb\\n\\\"q\\\"\\\\ \\u00e9\\U0001F600\"",
	 "{s=\"a\\x09b\\x0a\\x22q\\x22\\x5c \xc3\xa9\xf0\x9f\x98\x80\"}"},
	/* \u to UTF-8 of each length: 1, 2, 3 and 4 bytes */
	{"s = \"\\u0041\\u07FF\\u20AC\\U0010FFFF\"",
	 "{s=\"A\xdf\xbf\xe2\x82\xac\xf4\x8f\xbf\xbf\"}"},
	{"s = 'C:\\path\\no-escapes'", "{s=\"C:\\x5cpath\\x5cno-escapes\"}"},
	{"s = \"\"\"\nline1\nline2\\\n    joined\"\"\"",
	 "{s=\"line1\\x0aline2joined\"}"},
	{"s = '''\nraw \\n\n'''", "{s=\"raw \\x5cn\\x0a\"}"},
	{"s = \"\"\"two \"\"quotes\"\"\"\"\"", "{s=\"two \\x22\\x22quotes"
	 "\\x22\\x22\"}"},
	{"a.b.c = 1\na.b.d = 2", "{a={b={c=1,d=2}}}"},
	{"\"quoted key\" = 1\n'lit.key' = 2\n\"\" = 3",
	 "{quoted key=1,lit.key=2,=3}"},
	{"a . b = 1", "{a={b=1}}"},
	{"[t]\nx = 1\n[u.v]\ny = 2", "{t={x=1},u={v={y=2}}}"},
	{"[ t . \"q\" ]\nx = 1", "{t={q={x=1}}}"},
	{"[a.b]\nx = 1\n[a]\ny = 2", "{a={b={x=1},y=2}}"},
	{"[a]\nb.c = 1\n[a.b.d]\ne = 2", "{a={b={c=1,d={e=2}}}}"},
	{"arr = [ 1, 2, 3 ]", "{arr=[1,2,3]}"},
	{"arr = [\n  1, # one\n  2,\n  # comment\n]", "{arr=[1,2]}"},
	{"arr = []\nn = [[1], ['a', \"b\"], []]", "{arr=[],n=[[1],[\"a\","
	 "\"b\"],[]]}"},
	{"mix = [\"stun:x\", { urls = [\"turn:y\"], username = \"u\" }]",
	 "{mix=[\"stun:x\",{urls=[\"turn:y\"],username=\"u\"}]}"},
	{"it = {}\nit2 = { a = 1, b.c = 2 }", "{it={},it2={a=1,b={c=2}}}"},
	{"[[srv]]\nurl = 'a'\n[[srv]]\nurl = 'b'\n[srv.sub]\nx = 1",
	 "{srv=[{url=\"a\"},{url=\"b\",sub={x=1}}]}"},
	{"\xef\xbb\xbf" "a = 1", "{a=1}"},
	{"a = \"\xc3\xa9t\xc3\xa9\" # caf\xc3\xa9",
	 "{a=\"\xc3\xa9t\xc3\xa9\"}"},
	{"a=1#no space\n", "{a=1}"},
	{"d = 1979-05-27T07:32:00Z\ne = 1979-05-27t07:32:00.999+01:30",
	 "{d=d1979-05-27T07:32:00Z,e=d1979-05-27t07:32:00.999+01:30}"},
	{"d = 1979-05-27 07:32:00-07:00 # space\nl = 1979-05-27T00:00:00",
	 "{d=d1979-05-27 07:32:00-07:00,l=d1979-05-27T00:00:00}"},
	{"d = 1979-05-27\nt = 07:32:00.5\na = [1979-05-27 , 23:59:60]",
	 "{d=d1979-05-27,t=d07:32:00.5,a=[d1979-05-27,d23:59:60]}"},
};


static const struct {
	const char *doc;
	const char *err;    /* errbuf starts with this */
} invalid[] = {
	{"a = ", "1: expected a value"},
	{"a", "1: expected '=' after a key"},
	{"= 1", "1: expected a key"},
	{"a = 1 b = 2", "1: expected a newline after the value"},
	{"a = 1\na = 2", "2: duplicate key 'a'"},
	{"a.b = 1\na = 2", "2: duplicate key 'a'"},
	{"a = 1\na.b = 2", "2: key 'a' is already defined"},
	{"[t]\n[t]", "2: table 't' is already defined"},
	{"[a]\nb.c = 1\n[a.b]", "3: table 'b' is already defined"},
	{"t = {a = 1}\n[t]", "2: table 't' is already defined"},
	{"t = {a = 1}\nt.b = 2", "2: key 't' is already defined"},
	{"a = [1]\n[[a]]", "2: key 'a' is already defined"},
	{"x = 1\n[x.y]", "2: key 'x' is already defined as a value"},
	{"\n\na = 012", "3: leading zeros are not allowed"},
	{"a = 1__0", "1: invalid integer"},
	{"a = _1", "1: invalid value"},
	{"a = 1_", "1: invalid integer"},
	{"a = 0x", "1: invalid integer"},
	{"a = +0x10", "1: invalid integer"},
	{"a = 9223372036854775808", "1: integer out of range"},
	{"a = 1.", "1: invalid float"},
	{"a = .5", "1: invalid value"},
	{"a = 1e", "1: invalid float"},
	{"a = yes", "1: invalid value 'yes'"},
	{"a = TRUE", "1: invalid value 'TRUE'"},
	{"a = 1979-13-27", "1: invalid date or time"},
	{"a = 1979-05-27T24:00:00", "1: invalid date or time"},
	{"a = 1979-05-27T07:32", "1: invalid date or time"},
	{"a = 07:32:00Z", "1: invalid date or time"},
	{"a = 1979-05-27X", "1: invalid date or time"},
	{"a = 1979-05-27T07:32:00+1:00", "1: invalid date or time"},
	{"a = 07:32:00.", "1: invalid date or time"},
	{"a = \"open", "1: unterminated string"},
	{"a = \"new\nline\"", "1: newline in a single-line string"},
	{"a = \"bad \\q escape\"", "1: invalid escape sequence"},
	{"a = \"\\u12\"", "1: \\u needs 4 hex digits"},
	{"a = \"\\uD800\"", "1: escape is not a Unicode scalar value"},
	{"a = \"\\U00110000\"", "1: escape is not a Unicode scalar value"},
	{"a = \"tab\tok but bell \x07\"", "1: control character in string"},
	{"a = '''\nno end", "2: unterminated string"},
	{"a = \"\"\"x\"\"\"\"\"\"", "1: too many quotes"},
	{"\"\"\"k\"\"\" = 1", "1: multi-line strings are not allowed as keys"},
	{"a = [1, 2", "1: unterminated array"},
	{"a = [1 2]", "1: expected ',' or ']' in array"},
	{"a = [1,,2]", "1: expected a value"},
	{"t = { a = 1, }", "1: expected a key"},
	{"t = { a = 1\n}", "1: expected ',' or '}' in inline table"},
	{"t = { a = 1, a = 2 }", "1: duplicate key 'a'"},
	{"[t", "1: expected ']' to close the table header"},
	{"[[t]", "1: expected ']]' to close the table header"},
	{"[]", "1: expected a key"},
	{"[t] x = 1", "1: expected a newline after the value"},
	{"a = 1\n\n# ok\nb = \xff", "4: invalid UTF-8"},
	{"a = \"\xed\xa0\x80\"", "1: invalid UTF-8"},
	{"a = \"\xc0\xaf\"", "1: invalid UTF-8"},
	{"# bell \x07 in a comment", "1: control character in comment"},
	{"a = 1\rb = 2", "1: expected a newline after the value"},
	{"a = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
	 "1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
	 "1: nested too deeply"},
};


static int test_toml_valid(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(valid); i++) {
		struct toml_val *root = NULL;
		char errbuf[160] = "";
		char *out = NULL;
		int err;

		err = toml_parse(&root, valid[i].doc, strlen(valid[i].doc),
				 errbuf, sizeof(errbuf));
		if (err) {
			unit_fail(__FILE__, __LINE__, "valid[%zu] (%s): %s",
				  i, valid[i].doc, errbuf);
			return err;
		}

		err = re_sdprintf(&out, "%H", dump, root);
		mem_deref(root);
		TEST_ERR(err);
		if (strcmp(out, valid[i].dump)) {
			unit_fail(__FILE__, __LINE__, "valid[%zu]: expected "
				  "%s, got %s", i, valid[i].dump, out);
			mem_deref(out);
			return EINVAL;
		}
		mem_deref(out);
	}

	return 0;
}


static int test_toml_invalid(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(invalid); i++) {
		struct toml_val *root = NULL;
		char errbuf[160] = "";
		int err;

		err = toml_parse(&root, invalid[i].doc, strlen(invalid[i].doc),
				 errbuf, sizeof(errbuf));
		if (err != EBADMSG) {
			unit_fail(__FILE__, __LINE__, "invalid[%zu] (%s): "
				  "expected EBADMSG, got %d", i,
				  invalid[i].doc, err);
			mem_deref(root);
			return EINVAL;
		}
		if (strncmp(errbuf, invalid[i].err, strlen(invalid[i].err))) {
			unit_fail(__FILE__, __LINE__, "invalid[%zu] (%s): "
				  "expected \"%s...\", got \"%s\"", i,
				  invalid[i].doc, invalid[i].err, errbuf);
			return EINVAL;
		}
	}

	return 0;
}


/* Accessors, lines, and a string with an embedded NUL */
static int test_toml_access(void)
{
	static const char doc[] =
		"# c\n"
		"[rtc]\n"
		"port = 8443\n"
		"nul = \"a\\u0000b\"\n";
	struct toml_val *root = NULL;
	const struct toml_val *rtc, *v;
	size_t len = 0;
	int err;

	err = toml_parse(&root, doc, sizeof(doc) - 1, NULL, 0);
	TEST_ERR(err);

	rtc = toml_get(root, "rtc");
	TEST_ASSERT(rtc != NULL);
	TEST_EQ(TOML_TABLE, toml_type(rtc));
	TEST_EQ(2, toml_line(rtc));
	v = toml_get(rtc, "port");
	TEST_EQ(TOML_INT, toml_type(v));
	TEST_EQ(8443, toml_int(v));
	TEST_EQ(3, toml_line(v));
	TEST_STREQ("port", toml_key(v));
	TEST_ASSERT(toml_str(v, NULL) == NULL);
	TEST_ASSERT(toml_get(rtc, "missing") == NULL);
	TEST_ASSERT(toml_get(v, "x") == NULL);
	TEST_ASSERT(toml_at(rtc, 5) == NULL);

	v = toml_get(rtc, "nul");
	TEST_ASSERT(toml_str(v, &len) != NULL);
	TEST_EQ(3, len);
	TEST_MEMEQ("a\0b", toml_str(v, NULL), 3);

	TEST_STREQ("an integer", toml_type_name(TOML_INT));

	mem_deref(root);

	TEST_FAILS(EINVAL, toml_parse(NULL, "", 0, NULL, 0));

	return 0;
}


/* A large generated document: many tables and keys */
static int test_toml_big(void)
{
	struct mbuf *mb = mbuf_alloc(65536);
	struct toml_val *root = NULL;
	char errbuf[160];
	int i, err = 0;

	TEST_ASSERT(mb != NULL);
	for (i = 0; i < 2000; i++)
		err |= mbuf_printf(mb, "[t%d]\nk = %d\ns = \"v%d\"\n", i, i,
				   i);
	TEST_ERR(err);

	err = toml_parse(&root, (char *)mb->buf, mb->end, errbuf,
			 sizeof(errbuf));
	mem_deref(mb);
	TEST_ERR(err);
	TEST_EQ(2000, toml_count(root));
	TEST_EQ(1999, toml_int(toml_get(toml_get(root, "t1999"), "k")));
	TEST_EQ(3 * 1999 + 2, toml_line(toml_get(toml_get(root, "t1999"),
						  "k")));
	mem_deref(root);

	/* one table with many keys (indexed), then a duplicate of one */
	mb = mbuf_alloc(16384);
	TEST_ASSERT(mb != NULL);
	err = mbuf_printf(mb, "[t]\n");
	for (i = 0; i < 1000; i++)
		err |= mbuf_printf(mb, "k%d = %d\n", i, i);
	TEST_ERR(err);
	err = toml_parse(&root, (char *)mb->buf, mb->end, errbuf,
			 sizeof(errbuf));
	TEST_ERR(err);
	TEST_EQ(777, toml_int(toml_get(toml_get(root, "t"), "k777")));
	TEST_ASSERT(toml_get(toml_get(root, "t"), "k1000") == NULL);
	mem_deref(root);

	TEST_ERR(mbuf_printf(mb, "k123 = 0\n"));
	TEST_FAILS(EBADMSG, toml_parse(&root, (char *)mb->buf, mb->end,
				       errbuf, sizeof(errbuf)));
	TEST_STREQ("1002: duplicate key 'k123'", errbuf);
	mem_deref(mb);

	return 0;
}


const struct unit_suite suite_sfu_toml = {"sfu_toml", {
	UNIT_CASE(test_toml_valid),
	UNIT_CASE(test_toml_invalid),
	UNIT_CASE(test_toml_access),
	UNIT_CASE(test_toml_big),
	{NULL, NULL},
}};
