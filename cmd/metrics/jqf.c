/**
 * @file jqf.c  --filter and --check expressions with libjq (the one file
 * that includes jq.h)
 *
 * Every program gets a prelude of helpers, on the same line as the user's
 * expression so jq's error positions stay right:
 *
 *     getlabel($k)         .labels[$k] of a sample record
 *     samples($n)          the samples named $n of a --check document
 *     value($n)            the sum of their values (null if none)
 *     value($n; f)         the same over the samples where f is true
 *
 * Outputs that look like sample records ({"name":..,"value":..}) are
 * turned back into records, so --format table and prom work after a
 * filter; the jq values they point into are kept until jqf_release().
 */
#include <stdlib.h>
#include <string.h>
#include <jq.h>
#include "re_inc.h"
#define LOG_MODULE "jq"
#include "log.h"
#include "metrics.h"

static const char prelude[] =
	"def getlabel($k): .labels[$k]; "
	"def samples($n): .samples[] | select(.name == $n); "
	"def value($n): [samples($n) | .value | numbers] | "
	"if length == 0 then null else add end; "
	"def value($n; f): [samples($n) | select(f) | .value | numbers] | "
	"if length == 0 then null else add end; ";

struct kept {
	jv v;
	struct calls_prom_label *labv;
};

struct jqf {
	jq_state *jq;
	char *err;              /* compile error text, while compiling */
	size_t errsz;
	struct kept *keepv;
	size_t keepc, keepsz;
};


static void destructor(void *arg)
{
	struct jqf *jqf = arg;

	jqf_release(jqf);
	free(jqf->keepv);
	if (jqf->jq)
		jq_teardown(&jqf->jq);
}


static void error_cb(void *arg, jv msg)
{
	struct jqf *jqf = arg;
	jv s;

	if (jv_get_kind(msg) == JV_KIND_STRING)
		s = msg;
	else {
		s = jv_dump_string(jv_copy(msg), 0);
		jv_free(msg);
	}

	if (jqf->err && jqf->errsz) {
		size_t l = strlen(jqf->err);

		const char *m = jv_string_value(s);
		const char *nl = strchr(m, '\n');

		/* jq's summary line ("jq: 1 compile error") adds nothing;
		 * the lines after the first quote the program, prelude and
		 * all */
		if (!strstr(m, "compile error"))
			snprintf(jqf->err + l, jqf->errsz - l, "%s%.*s",
				 l ? "; " : "",
				 (int)(nl ? (size_t)(nl - m) : strlen(m)), m);
	}
	else {
		log_warn("%s", jv_string_value(s));
	}

	jv_free(s);
}


int jqf_alloc(struct jqf **jqfp, const char *expr, char *err, size_t errsz)
{
	struct jqf *jqf;
	char *prog = NULL;
	int e = 0;

	if (!jqfp || !expr)
		return EINVAL;

	jqf = mem_zalloc(sizeof(*jqf), destructor);
	if (!jqf)
		return ENOMEM;

	jqf->jq = jq_init();
	if (!jqf->jq) {
		e = ENOMEM;
		goto out;
	}

	if (err && errsz)
		err[0] = '\0';
	jqf->err = err;
	jqf->errsz = errsz;
	jq_set_error_cb(jqf->jq, error_cb, jqf);

	e = re_sdprintf(&prog, "%s%s", prelude, expr);
	if (e)
		goto out;

	if (!jq_compile(jqf->jq, prog))
		e = EINVAL;

	jqf->err = NULL;
	jqf->errsz = 0;

 out:
	mem_deref(prog);
	if (e)
		mem_deref(jqf);
	else
		*jqfp = jqf;

	return e;
}


void jqf_release(struct jqf *jqf)
{
	if (!jqf)
		return;

	for (size_t i = 0; i < jqf->keepc; i++) {
		jv_free(jqf->keepv[i].v);
		free(jqf->keepv[i].labv);
	}
	jqf->keepc = 0;
}


const char *jqf_version(void)
{
	return "libjq";
}


static bool str_of(jv obj, const char *key, struct calls_prom_str *s)
{
	jv v;
	bool ok;

	if (jv_get_kind(obj) != JV_KIND_OBJECT)
		return false;
	v = jv_object_get(jv_copy(obj), jv_string(key));
	ok = jv_get_kind(v) == JV_KIND_STRING;

	if (ok) {
		/* the object keeps the string alive */
		s->p = jv_string_value(v);
		s->l = (size_t)jv_string_length_bytes(jv_copy(v));
	}
	jv_free(v);

	return ok;
}


static bool value_of(jv obj, double *vp)
{
	jv v = jv_object_get(jv_copy(obj), jv_string("value"));
	bool ok = false;

	if (jv_get_kind(v) == JV_KIND_NUMBER) {
		*vp = jv_number_value(v);
		ok = true;
	}
	else if (jv_get_kind(v) == JV_KIND_STRING) {
		const char *s = jv_string_value(v);

		ok = !calls_prom_value_parse(vp, s, strlen(s));
	}
	jv_free(v);

	return ok;
}


/* The string labels of a record object, pointing into v; caller frees
 * *labvp */
static int labels_of(jv v, struct calls_prom_label **labvp, size_t *np)
{
	struct calls_prom_label *labv;
	jv labels;
	size_t n = 0;
	int cnt;

	*labvp = NULL;
	*np = 0;

	labels = jv_object_get(jv_copy(v), jv_string("labels"));
	if (jv_get_kind(labels) != JV_KIND_OBJECT) {
		jv_free(labels);
		return 0;
	}

	cnt = jv_object_length(jv_copy(labels));
	labv = calloc((size_t)cnt + 1, sizeof(*labv));
	if (!labv) {
		jv_free(labels);
		return ENOMEM;
	}

	jv_object_foreach(labels, key, val) {
		const char *k = jv_string_value(key);

		if (jv_get_kind(val) == JV_KIND_STRING && n < (size_t)cnt &&
		    calls_prom_label_name_valid(k, strlen(k))) {
			/* both stay alive inside v */
			labv[n].name.p = k;
			labv[n].name.l = strlen(k);
			labv[n].value.p = jv_string_value(val);
			labv[n].value.l = (size_t)
				jv_string_length_bytes(jv_copy(val));
			++n;
		}
		jv_free(key);
		jv_free(val);
	}
	jv_free(labels);

	*labvp = labv;
	*np = n;

	return 0;
}


/* A record from a jq output, when it has the shape of one */
static bool to_rec(struct jqf *jqf, jv v, struct rec *r,
		   const char *target)
{
	struct calls_prom_label *labv = NULL;
	struct calls_prom_str ts;
	struct kept *k;
	size_t n = 0;
	jv t;

	if (jv_get_kind(v) != JV_KIND_OBJECT)
		return false;

	memset(r, 0, sizeof(*r));
	r->target = target;
	if (!str_of(v, "name", &r->name) || !value_of(v, &r->value))
		return false;
	if (!calls_prom_name_valid(r->name.p, r->name.l))
		return false;

	if (str_of(v, "type", &ts)) {
		if (ts.l == 4 && !memcmp(ts.p, "rate", 4))
			r->kind = REC_RATE;
		else if (ts.l == 8 && !memcmp(ts.p, "quantile", 8))
			r->kind = REC_QUANTILE;
		else
			(void)calls_prom_type_parse(&r->type, ts.p, ts.l);
	}
	rec_family(r);

	str_of(v, "target", &ts);
	if (ts.p && ts.l)
		r->target = ts.p;

	t = jv_object_get(jv_copy(v), jv_string("timestamp"));
	if (jv_get_kind(t) == JV_KIND_NUMBER) {
		r->ts_ms = (int64_t)jv_number_value(t);
		r->has_ts = true;
	}
	jv_free(t);

	if (labels_of(v, &labv, &n))
		return false;

	if (jqf->keepc == jqf->keepsz) {
		size_t nsz = jqf->keepsz ? jqf->keepsz * 2 : 64;
		struct kept *nk = realloc(jqf->keepv, nsz * sizeof(*nk));

		if (!nk) {
			free(labv);
			return false;
		}
		jqf->keepv = nk;
		jqf->keepsz = nsz;
	}

	k = &jqf->keepv[jqf->keepc++];
	k->v = jv_copy(v);
	k->labv = labv;
	r->labv = labv;
	r->labc = n;

	return true;
}


/* Runs the filter on one JSON input; each output goes to outh. Returns
 * EINVAL after a jq run-time error (reported), else outh's result. */
int jqf_run(struct jqf *jqf, const char *json, jqf_out_h *outh, void *arg)
{
	struct calls_prom_str tgt = {NULL, 0};
	jv in, res;
	int err = 0;

	if (!jqf || !json)
		return EINVAL;

	in = jv_parse(json);
	if (!jv_is_valid(in)) {
		jv_free(in);
		return EBADMSG;
	}

	str_of(in, "target", &tgt);
	jq_start(jqf->jq, jv_copy(in), 0);

	while (jv_is_valid(res = jq_next(jqf->jq))) {
		struct rec r;
		jv s;

		s = jv_dump_string(jv_copy(res), 0);
		if (!err) {
			bool isrec = to_rec(jqf, res, &r, tgt.p ? tgt.p : "");

			err = outh(jv_string_value(s), isrec ? &r : NULL,
				   arg);
		}
		jv_free(s);
		jv_free(res);
	}

	if (jv_invalid_has_msg(jv_copy(res))) {
		jv msg = jv_invalid_get_msg(res);

		if (jv_get_kind(msg) != JV_KIND_STRING)
			msg = jv_dump_string(msg, 0);
		log_warn("filter error: %s", jv_string_value(msg));
		jv_free(msg);
		err = err ? err : EINVAL;
	}
	else {
		jv_free(res);
	}

	/* the records made above point into in's strings too */
	if (jqf->keepc == jqf->keepsz) {
		size_t nsz = jqf->keepsz ? jqf->keepsz * 2 : 64;
		struct kept *nk = realloc(jqf->keepv, nsz * sizeof(*nk));

		if (!nk) {
			jv_free(in);
			return ENOMEM;
		}
		jqf->keepv = nk;
		jqf->keepsz = nsz;
	}
	jqf->keepv[jqf->keepc].v = in;
	jqf->keepv[jqf->keepc++].labv = NULL;

	return err;
}


/* --check: true when there was output and none of it was false or null */
int jqf_test(struct jqf *jqf, const char *json, bool *okp, char *why,
	     size_t whysz)
{
	jv in, res;
	unsigned n = 0;
	bool ok = true;

	if (!jqf || !json || !okp)
		return EINVAL;

	why[0] = '\0';
	in = jv_parse(json);
	if (!jv_is_valid(in)) {
		jv_free(in);
		return EBADMSG;
	}

	jq_start(jqf->jq, in, 0);
	while (jv_is_valid(res = jq_next(jqf->jq))) {
		jv_kind k = jv_get_kind(res);

		++n;
		if (ok && (k == JV_KIND_FALSE || k == JV_KIND_NULL)) {
			ok = false;
			snprintf(why, whysz, "%s",
				 k == JV_KIND_FALSE ? "false" : "null");
		}
		jv_free(res);
	}

	if (jv_invalid_has_msg(jv_copy(res))) {
		jv msg = jv_invalid_get_msg(res);

		if (jv_get_kind(msg) != JV_KIND_STRING)
			msg = jv_dump_string(msg, 0);
		snprintf(why, whysz, "error: %s", jv_string_value(msg));
		jv_free(msg);
		ok = false;
	}
	else {
		jv_free(res);
		if (!n) {
			ok = false;
			snprintf(why, whysz, "no output");
		}
	}

	*okp = ok;

	return 0;
}
