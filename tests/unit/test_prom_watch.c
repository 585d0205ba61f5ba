/* calls-metrics: watch-mode rates and quantiles, jq filters and checks */
#include <math.h>
#include <stdlib.h>
#include "re_inc.h"
#include "runner.h"
#include "metrics.h"


static int batch_from(struct batch *b, const char *target, const char *text)
{
	batch_init(b, target);
	b->body = mbuf_alloc(strlen(text) + 1);
	if (!b->body)
		return ENOMEM;
	mbuf_write_str(b->body, text);
	mbuf_write_u8(b->body, 0);
	--b->body->end;

	return batch_parse(b, CALLS_PROM_FMT_TEXT);
}


static const struct rec *find(const struct batch *b, const char *name,
			      const char *lname, const char *lval)
{
	for (size_t i = 0; i < b->recc; i++) {
		const struct rec *r = &b->recv[i];
		const struct calls_prom_label *l;

		if (r->name.l != strlen(name) ||
		    memcmp(r->name.p, name, r->name.l))
			continue;
		if (!lname)
			return r;
		l = rec_label(r, lname);
		if (l && l->value.l == strlen(lval) &&
		    !memcmp(l->value.p, lval, l->value.l))
			return r;
	}

	return NULL;
}


#define TEST_NEAR(exp, act) do { \
	double e_ = (exp), a_ = (act); \
	if (!(fabs(e_ - a_) <= 1e-9 * (fabs(e_) + 1))) { \
		unit_fail(__FILE__, __LINE__, "%s: expected %.17g, got %.17g",\
			  #act, e_, a_); \
		return EINVAL; \
	} \
} while (0)


static int test_watch_hist_quantile(void)
{
	const double le[] = {0.1, 1, INFINITY};
	const double cnt[] = {1, 5, 6};
	const double zero[] = {0, 0, 0};
	const double le2[] = {0.1, 1};

	TEST_NEAR(0.55, watch_hist_quantile(0.5, le, cnt, 3));
	TEST_NEAR(0.0, watch_hist_quantile(0.0, le, cnt, 3));
	/* in the +Inf bucket: the highest finite bound */
	TEST_NEAR(1.0, watch_hist_quantile(0.99, le, cnt, 3));
	TEST_ASSERT(isnan(watch_hist_quantile(0.5, le, zero, 3)));
	TEST_ASSERT(isnan(watch_hist_quantile(0.5, le2, cnt, 2)));
	TEST_ASSERT(isinf(watch_hist_quantile(1.5, le, cnt, 3)));

	return 0;
}


static const char prev_text[] =
	"# TYPE c_total counter\nc_total{k=\"a\"} 10\nc_total{k=\"b\"} 100\n"
	"# TYPE g gauge\ng 7\n"
	"# TYPE h histogram\nh_bucket{le=\"0.1\"} 1\nh_bucket{le=\"1\"} 5\n"
	"h_bucket{le=\"+Inf\"} 6\nh_sum 3\nh_count 6\n";

static const char cur_text[] =
	"# TYPE c_total counter\nc_total{k=\"a\"} 25\nc_total{k=\"b\"} 4\n"
	"c_total{k=\"new\"} 9\n"
	"# TYPE g gauge\ng 8\n"
	"# TYPE h histogram\nh_bucket{le=\"0.1\"} 3\nh_bucket{le=\"1\"} 13\n"
	"h_bucket{le=\"+Inf\"} 16\nh_sum 8\nh_count 16\n";


static int test_watch_derive(void)
{
	static const double qv[] = {0.5, 0.9};
	struct batch prev, cur, out;
	struct watch *w = NULL;
	const struct rec *r;
	int err, line = 0;

	batch_init(&out, "t");
	err = batch_from(&prev, "t", prev_text);
	if (!err)
		err = batch_from(&cur, "t", cur_text);
	if (!err)
		err = watch_alloc(&w, qv, 2);
	if (!err)
		err = watch_derive(w, &prev, &cur, 5.0, &out);
	if (err)
		{ line = __LINE__; goto out; }

	err = EINVAL;
	r = find(&out, "c_total", "k", "a");
	if (!r || r->kind != REC_RATE || fabs(r->value - 3.0) > 1e-12)
		{ line = __LINE__; goto out; }
	/* a counter reset: the new value is the increase */
	r = find(&out, "c_total", "k", "b");
	if (!r || fabs(r->value - 0.8) > 1e-12)
		{ line = __LINE__; goto out; }
	/* no earlier value, no rate */
	if (find(&out, "c_total", "k", "new"))
		{ line = __LINE__; goto out; }
	r = find(&out, "g", NULL, NULL);
	if (!r || r->kind != REC_RAW || r->value != 8)
		{ line = __LINE__; goto out; }
	r = find(&out, "h", "quantile", "0.5");
	if (!r || r->kind != REC_QUANTILE || fabs(r->value - 0.55) > 1e-12)
		{ line = __LINE__; goto out; }
	/* rank 9 of 10 is past le=1 (8): the highest finite bound */
	r = find(&out, "h", "quantile", "0.9");
	if (!r || r->value != 1.0)
		{ line = __LINE__; goto out; }
	r = find(&out, "h_count", NULL, NULL);
	if (!r || r->kind != REC_RATE || fabs(r->value - 2.0) > 1e-12)
		{ line = __LINE__; goto out; }
	if (find(&out, "h_bucket", NULL, NULL))
		{ line = __LINE__; goto out; }
	err = 0;

 out:
	if (err)
		unit_fail(__FILE__, line, "derived records are wrong");
	batch_free(&prev);
	batch_free(&cur);
	batch_free(&out);
	mem_deref(w);

	return err;
}


struct outs {
	char buf[1024];
	unsigned recs;
};


static int out_h(const char *json, const struct rec *rec, void *arg)
{
	struct outs *o = arg;
	size_t l = strlen(o->buf);

	snprintf(o->buf + l, sizeof(o->buf) - l, "%s\n", json);
	if (rec)
		++o->recs;

	return 0;
}


static int test_jqf_filter(void)
{
	struct jqf *f = NULL;
	struct outs o;
	char msg[256];

	memset(&o, 0, sizeof(o));
	TEST_ERR(jqf_alloc(&f, "select(getlabel(\"k\") == \"a\") | "
			   ".value *= 2", msg, sizeof(msg)));
	TEST_ERR(jqf_run(f, "{\"name\":\"x\",\"labels\":{\"k\":\"a\"},"
			 "\"value\":2}", out_h, &o));
	TEST_ERR(jqf_run(f, "{\"name\":\"x\",\"labels\":{\"k\":\"b\"},"
			 "\"value\":2}", out_h, &o));
	TEST_STREQ("{\"name\":\"x\",\"labels\":{\"k\":\"a\"},\"value\":4}\n",
		   o.buf);
	TEST_EQ(1, o.recs);
	jqf_release(f);
	mem_deref(f);

	/* outputs that are not records */
	memset(&o, 0, sizeof(o));
	TEST_ERR(jqf_alloc(&f, ".name, 1", msg, sizeof(msg)));
	TEST_ERR(jqf_run(f, "{\"name\":\"x\",\"value\":1}", out_h, &o));
	TEST_STREQ("\"x\"\n1\n", o.buf);
	TEST_EQ(0, o.recs);
	/* a run-time error is reported */
	TEST_FAILS(EINVAL, jqf_run(f, "[]", out_h, &o));
	mem_deref(f);

	return 0;
}


static int test_jqf_compile_error(void)
{
	struct jqf *f = NULL;
	char msg[256];

	TEST_FAILS(EINVAL, jqf_alloc(&f, "select(", msg, sizeof(msg)));
	TEST_ASSERT(f == NULL);
	TEST_ASSERT(strstr(msg, "syntax error") != NULL);
	/* the prelude is not quoted back */
	TEST_ASSERT(strstr(msg, "def ") == NULL);

	return 0;
}


static int test_jqf_check(void)
{
	static const char doc[] = "{\"target\":\"t\",\"samples\":["
		"{\"name\":\"s\",\"labels\":{\"g\":\"1\"},\"value\":2},"
		"{\"name\":\"s\",\"labels\":{\"g\":\"2\"},\"value\":3},"
		"{\"name\":\"e\",\"labels\":{\"type\":\"ice\"},\"value\":1}]}";
	static const struct {
		const char *expr;
		bool ok;
	} cases[] = {
		{"value(\"s\") == 5", true},
		{"value(\"s\") > 5", false},
		{"value(\"missing\")", false},             /* null */
		{"value(\"e\"; .labels.type == \"ice\") == 1", true},
		{"empty", false},                          /* no output */
		{"true, false", false},
		{"true, 1", true},
		{"error(\"boom\")", false},
		{"[samples(\"s\")] | length == 2", true},
	};
	char msg[256], why[256];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct jqf *f = NULL;
		bool ok;

		TEST_ERR(jqf_alloc(&f, cases[i].expr, msg, sizeof(msg)));
		TEST_ERR(jqf_test(f, doc, &ok, why, sizeof(why)));
		mem_deref(f);
		if (ok != cases[i].ok) {
			unit_fail(__FILE__, __LINE__, "%s: %s (%s)",
				  cases[i].expr, ok ? "true" : "false", why);
			return EINVAL;
		}
	}

	return 0;
}


const struct unit_suite suite_prom_watch = {"metrics", {
	UNIT_CASE(test_watch_hist_quantile),
	UNIT_CASE(test_watch_derive),
	UNIT_CASE(test_jqf_filter),
	UNIT_CASE(test_jqf_compile_error),
	UNIT_CASE(test_jqf_check),
	{NULL, NULL}}};
