/* lib/prom: the exposition parser, case by case and on fixtures */
#include <math.h>
#include <stdlib.h>
#include "re_inc.h"
#include "runner.h"
#include "prom.h"

struct collect {
	struct mbuf *samples;
	struct mbuf *errors;
	struct mbuf *help;
};


static int sample_h(const struct calls_prom_sample *s, void *arg)
{
	struct collect *c = arg;
	char v[40];
	int err = 0;

	err |= mbuf_printf(c->samples, "%b", s->name.p, s->name.l);
	for (size_t i = 0; i < s->labelc; i++)
		err |= mbuf_printf(c->samples, "%s%b=\"%H\"", i ? "," : "{",
				   s->labelv[i].name.p, s->labelv[i].name.l,
				   calls_prom_escape_label,
				   &s->labelv[i].value);
	if (s->labelc)
		err |= mbuf_write_str(c->samples, "}");
	calls_prom_value_fmt(v, sizeof(v), s->value);
	err |= mbuf_printf(c->samples, " %s", v);
	if (s->has_ts)
		err |= mbuf_printf(c->samples, " @%lld", (long long)s->ts_ms);
	err |= mbuf_printf(c->samples, " %s\n",
			   calls_prom_type_name(s->fam->type));
	if (c->help && s->fam->help.l)
		err |= mbuf_printf(c->help, "%b|%b\n", s->fam->name.p,
				   s->fam->name.l, s->fam->help.p,
				   s->fam->help.l);

	return err;
}


static void error_h(unsigned line, const char *msg, void *arg)
{
	struct collect *c = arg;
	(void)msg;

	mbuf_printf(c->errors, "E%u\n", line);
}


/* Parses text; *outp gets samples then errors, as the .expected files
 * spell them */
static int parse_str(const char *text, enum calls_prom_fmt fmt,
		     char **outp, struct calls_prom_stats *st)
{
	struct collect c = {mbuf_alloc(256), mbuf_alloc(64), NULL};
	struct calls_prom *p = NULL;
	size_t len = strlen(text);
	char *buf = malloc(len + 1);
	int err;

	if (!c.samples || !c.errors || !buf) {
		err = ENOMEM;
		goto out;
	}
	memcpy(buf, text, len);

	err = calls_prom_alloc(&p, sample_h, error_h, &c);
	if (err)
		goto out;
	err = calls_prom_parse(p, buf, len, fmt, st);
	if (err)
		goto out;

	err = re_sdprintf(outp, "%b%b", c.samples->buf, c.samples->end,
			  c.errors->buf, c.errors->end);
 out:
	mem_deref(p);
	mem_deref(c.samples);
	mem_deref(c.errors);
	free(buf);

	return err;
}


static int check(const char *text, const char *expected)
{
	char *out = NULL;
	int err;

	err = parse_str(text, CALLS_PROM_FMT_AUTO, &out, NULL);
	if (err)
		return err;
	if (strcmp(out, expected)) {
		unit_fail(__FILE__, __LINE__,
			  "input:\n%s\nexpected:\n%s\ngot:\n%s", text,
			  expected, out);
		mem_deref(out);
		return EINVAL;
	}
	mem_deref(out);

	return 0;
}


static int test_prom_simple(void)
{
	TEST_ERR(check("a 1\n", "a 1 untyped\n"));
	TEST_ERR(check("a 1", "a 1 untyped\n"));   /* no final newline */
	TEST_ERR(check("a{b=\"c\"} -2.5 17\n",
		       "a{b=\"c\"} -2.5 @17 untyped\n"));
	TEST_ERR(check("a{} 1\n", "a 1 untyped\n"));
	TEST_ERR(check("a 1\r\nb 2\r\n", "a 1 untyped\nb 2 untyped\n"));
	TEST_ERR(check("", ""));
	TEST_ERR(check("\n\n# just a comment\n", ""));
	TEST_ERR(check("a -1 -5\n", "a -1 @-5 untyped\n"));

	return 0;
}


static int test_prom_values(void)
{
	static const struct {
		const char *s;
		double v;
	} good[] = {
		{"0", 0}, {"1", 1}, {"-1", -1}, {"+3", 3}, {"1.5", 1.5},
		{"1e3", 1000}, {"1E-3", 0.001}, {".5", 0.5}, {"5.", 5},
		{"123456789012345", 123456789012345.0},
		{"1234567890123456789", 1234567890123456789.0},
		{"0.1", 0.1}, {"0.30000000000000004", 0.30000000000000004},
		{"Inf", INFINITY}, {"+Inf", INFINITY}, {"-Inf", -INFINITY},
		{"inf", INFINITY},
	};
	static const char *const bad[] = {
		"", "x", "1x", "--1", "1 ", "nan(1)", "1e400", "1_000", ".",
		"-", "+", "0x1p-2", "0X10",
	};
	double v;

	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		TEST_ERR(calls_prom_value_parse(&v, good[i].s,
						strlen(good[i].s)));
		if (v != good[i].v) {
			unit_fail(__FILE__, __LINE__, "%s: got %.17g",
				  good[i].s, v);
			return EINVAL;
		}
	}
	TEST_ERR(calls_prom_value_parse(&v, "NaN", 3));
	TEST_ASSERT(isnan(v));
	TEST_ERR(calls_prom_value_parse(&v, "nan", 3));
	TEST_ASSERT(isnan(v));

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (!calls_prom_value_parse(&v, bad[i], strlen(bad[i]))) {
			unit_fail(__FILE__, __LINE__, "'%s' accepted", bad[i]);
			return EINVAL;
		}
	}

	return 0;
}


static int test_prom_value_fmt(void)
{
	char b[40];

	calls_prom_value_fmt(b, sizeof(b), NAN);
	TEST_STREQ("NaN", b);
	calls_prom_value_fmt(b, sizeof(b), INFINITY);
	TEST_STREQ("+Inf", b);
	calls_prom_value_fmt(b, sizeof(b), -INFINITY);
	TEST_STREQ("-Inf", b);
	calls_prom_value_fmt(b, sizeof(b), 0.1);
	TEST_STREQ("0.1", b);
	calls_prom_value_fmt(b, sizeof(b), 1e21);
	TEST_STREQ("1e+21", b);
	calls_prom_value_fmt(b, sizeof(b), 123456789);
	TEST_STREQ("123456789", b);

	return 0;
}


static int test_prom_escapes(void)
{
	TEST_ERR(check("a{p=\"x\\\\y\\\"z\\nw\"} 1\n",
		       "a{p=\"x\\\\y\\\"z\\nw\"} 1 untyped\n"));
	/* a quote escaped right before the closing one */
	TEST_ERR(check("a{p=\"\\\"\"} 1\n", "a{p=\"\\\"\"} 1 untyped\n"));
	/* '}' and ',' inside a value */
	TEST_ERR(check("a{p=\"},{\"} 1\n", "a{p=\"},{\"} 1 untyped\n"));
	TEST_ERR(check("a{p=\"\\t\"} 1\n", "E1\n"));
	TEST_ERR(check("a{p=\"\\\"} 1\n", "E1\n"));

	return 0;
}


static int test_prom_help(void)
{
	struct collect c = {mbuf_alloc(64), mbuf_alloc(64), mbuf_alloc(64)};
	struct calls_prom *p = NULL;
	char text[] = "# HELP m a\\nb \\\\ c\n# TYPE m counter\nm 1\n";
	struct calls_prom_str hs;
	struct mbuf *mb = mbuf_alloc(64);
	int err;

	TEST_ASSERT(c.samples && c.errors && c.help && mb);
	err = calls_prom_alloc(&p, sample_h, error_h, &c);
	if (!err)
		err = calls_prom_parse(p, text, strlen(text),
				       CALLS_PROM_FMT_TEXT, NULL);
	if (!err) {
		c.help->buf[c.help->end] = 0;
		if (strcmp("m|a\nb \\ c\n", (char *)c.help->buf))
			err = EINVAL;
	}

	/* and escaped again the same way */
	hs.p = "a\nb \\ c";
	hs.l = strlen(hs.p);
	if (!err)
		err = mbuf_printf(mb, "%H", calls_prom_escape_help, &hs);
	if (!err && (mb->end != 9 || memcmp(mb->buf, "a\\nb \\\\ c", 9)))
		err = EINVAL;

	mem_deref(p);
	mem_deref(c.samples);
	mem_deref(c.errors);
	mem_deref(c.help);
	mem_deref(mb);

	return err;
}


static int test_prom_families(void)
{
	/* suffixes per type */
	TEST_ERR(check("# TYPE c counter\nc_total 1\nc_created 2\n",
		       "c_total 1 counter\nc_created 2 counter\n"));
	TEST_ERR(check("# TYPE g gauge\ng_total 1\n",
		       "g_total 1 untyped\n"));
	TEST_ERR(check("# TYPE s summary\ns_sum 1\ns_count 2\n"
		       "s{quantile=\"0.5\"} 3\n",
		       "s_sum 1 summary\ns_count 2 summary\n"
		       "s{quantile=\"0.5\"} 3 summary\n"));
	/* a family continued after another keeps its type */
	TEST_ERR(check("# TYPE a gauge\na{x=\"1\"} 1\nb 2\na{x=\"2\"} 3\n",
		       "a{x=\"1\"} 1 gauge\nb 2 untyped\n"
		       "a{x=\"2\"} 3 gauge\n"));
	/* metadata for another family in between is not one block */
	TEST_ERR(check("# HELP a x\n# HELP b y\n# TYPE a gauge\na 1\n",
		       "a 1 untyped\nE3\n"));
	/* TYPE after samples, duplicate TYPE */
	TEST_ERR(check("a 1\n# TYPE a gauge\n", "a 1 untyped\nE2\n"));
	TEST_ERR(check("# TYPE a gauge\n# TYPE a gauge\na 1\n",
		       "a 1 gauge\nE2\n"));
	/* label order does not hide a duplicate series */
	TEST_ERR(check("a{x=\"1\",y=\"2\"} 1\na{y=\"2\",x=\"1\"} 1\n",
		       "a{x=\"1\",y=\"2\"} 1 untyped\nE2\n"));
	TEST_ERR(check("a{x=\"1\"} 1\na{x=\"2\"} 1\n",
		       "a{x=\"1\"} 1 untyped\na{x=\"2\"} 1 untyped\n"));

	return 0;
}


static int test_prom_openmetrics(void)
{
	char *out = NULL;
	struct calls_prom_stats st;

	/* a float timestamp is seconds in OpenMetrics ... */
	TEST_ERR(parse_str("a 1 1.5\n# EOF\n", CALLS_PROM_FMT_AUTO, &out,
			   &st));
	TEST_STREQ("a 1 @1500 untyped\n", out);
	TEST_EQ(CALLS_PROM_FMT_OPENMETRICS, st.fmt);
	out = mem_deref(out);

	/* ... and an error in 0.0.4 */
	TEST_ERR(parse_str("a 1 1.5\n", CALLS_PROM_FMT_TEXT, &out, &st));
	TEST_STREQ("E1\n", out);
	out = mem_deref(out);

	/* text after # EOF, and a missing # EOF */
	TEST_ERR(parse_str("a 1\n# EOF\nb 2\n", CALLS_PROM_FMT_OPENMETRICS,
			   &out, &st));
	TEST_STREQ("a 1 untyped\nE3\n", out);
	out = mem_deref(out);
	TEST_ERR(parse_str("a 1\n", CALLS_PROM_FMT_OPENMETRICS, &out, &st));
	TEST_STREQ("a 1 untyped\nE1\n", out);
	out = mem_deref(out);

	TEST_EQ(CALLS_PROM_FMT_OPENMETRICS, calls_prom_fmt_from_ctype(
		"application/openmetrics-text; version=1.0.0; charset=utf-8"));
	TEST_EQ(CALLS_PROM_FMT_TEXT, calls_prom_fmt_from_ctype(
		"text/plain; version=0.0.4; charset=utf-8"));

	return 0;
}


static int test_prom_limits(void)
{
	struct mbuf *mb = mbuf_alloc(4096);
	char *out = NULL;
	int err = 0;

	TEST_ASSERT(mb != NULL);

	/* CALLS_PROM_MAX_LABELS labels pass, one more does not */
	for (int n = CALLS_PROM_MAX_LABELS; n <= CALLS_PROM_MAX_LABELS + 1;
	     n++) {
		mbuf_rewind(mb);
		err |= mbuf_write_str(mb, "m{");
		for (int i = 0; i < n; i++)
			err |= mbuf_printf(mb, "%sl%d=\"v\"", i ? "," : "", i);
		err |= mbuf_write_str(mb, "} 1\n");
		err |= mbuf_write_u8(mb, 0);
		if (err)
			break;
		err = parse_str((char *)mb->buf, CALLS_PROM_FMT_TEXT, &out,
				NULL);
		if (err)
			break;
		if ((n > CALLS_PROM_MAX_LABELS) != !strcmp(out, "E1\n"))
			err = EINVAL;
		out = mem_deref(out);
	}

	mem_deref(mb);

	return err;
}


static int fixture(const char *name, const char *expected,
		   enum calls_prom_fmt fmt)
{
	uint8_t *in = NULL, *exp = NULL;
	size_t inl, expl;
	char *out = NULL;
	int err;

	err = unit_fixture(name, &in, &inl);
	if (!err)
		err = unit_fixture(expected, &exp, &expl);
	if (!err)
		err = parse_str((char *)in, fmt, &out, NULL);
	if (!err && strcmp(out, (char *)exp)) {
		unit_fail(__FILE__, __LINE__, "%s: expected:\n%s\ngot:\n%s",
			  name, (char *)exp, out);
		err = EINVAL;
	}

	free(in);
	free(exp);
	mem_deref(out);

	return err;
}


static int test_prom_fixture_edge(void)
{
	return fixture("metrics/edge.prom", "metrics/edge.expected",
		       CALLS_PROM_FMT_TEXT);
}


static int test_prom_fixture_bad(void)
{
	return fixture("metrics/bad.prom", "metrics/bad.expected",
		       CALLS_PROM_FMT_TEXT);
}


static int test_prom_fixture_om(void)
{
	return fixture("metrics/om.txt", "metrics/om.expected",
		       CALLS_PROM_FMT_AUTO);
}


static int test_prom_names(void)
{
	TEST_ASSERT(calls_prom_name_valid("a:b_c9", 6));
	TEST_ASSERT(!calls_prom_name_valid("9a", 2));
	TEST_ASSERT(!calls_prom_name_valid("", 0));
	TEST_ASSERT(calls_prom_label_name_valid("_a9", 3));
	TEST_ASSERT(!calls_prom_label_name_valid("a:b", 3));

	return 0;
}


const struct unit_suite suite_prom = {"prom", {
	UNIT_CASE(test_prom_simple),
	UNIT_CASE(test_prom_values),
	UNIT_CASE(test_prom_value_fmt),
	UNIT_CASE(test_prom_escapes),
	UNIT_CASE(test_prom_help),
	UNIT_CASE(test_prom_families),
	UNIT_CASE(test_prom_openmetrics),
	UNIT_CASE(test_prom_limits),
	UNIT_CASE(test_prom_names),
	UNIT_CASE(test_prom_fixture_edge),
	UNIT_CASE(test_prom_fixture_bad),
	UNIT_CASE(test_prom_fixture_om),
	{NULL, NULL}}};
