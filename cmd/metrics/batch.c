/**
 * @file batch.c  The records of one target, parsed from its body
 *
 * Records and labels live in two arrays that grow by doubling and are
 * reused from round to round, so a parse allocates nothing per sample.
 * While parsing, a record knows its labels by offset (the label array may
 * move); batch_fix() turns offsets into pointers once the array is done.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "re_inc.h"
#include "json.h"
#define LOG_MODULE "metrics"
#include "log.h"
#include "metrics.h"


void batch_init(struct batch *b, const char *target)
{
	memset(b, 0, sizeof(*b));
	b->target = target;
}


void batch_reset(struct batch *b)
{
	b->recc = 0;
	b->labc = 0;
	b->errors = 0;
	b->samples = 0;
	b->body = mem_deref(b->body);
}


void batch_free(struct batch *b)
{
	batch_reset(b);
	free(b->recv);
	free(b->labv);
	b->recv = NULL;
	b->labv = NULL;
	b->recsz = b->labsz = 0;
}


int batch_add(struct batch *b, const struct rec *r,
	      const struct calls_prom_label *labv, size_t labc)
{
	struct rec *nr;

	if (b->recc == b->recsz) {
		size_t n = b->recsz ? b->recsz * 2 : 256;

		nr = realloc(b->recv, n * sizeof(*nr));
		if (!nr)
			return ENOMEM;
		b->recv = nr;
		b->recsz = n;
	}

	if (b->labc + labc > b->labsz) {
		size_t n = b->labsz ? b->labsz : 256;
		struct calls_prom_label *nl;

		while (n < b->labc + labc)
			n *= 2;
		nl = realloc(b->labv, n * sizeof(*nl));
		if (!nl)
			return ENOMEM;
		b->labv = nl;
		b->labsz = n;
	}

	nr = &b->recv[b->recc++];
	*nr = *r;
	nr->lab_off = b->labc;
	nr->labc = labc;
	nr->labv = NULL;
	if (labc)
		memcpy(&b->labv[b->labc], labv, labc * sizeof(*labv));
	b->labc += labc;

	return 0;
}


void batch_fix(struct batch *b)
{
	for (size_t i = 0; i < b->recc; i++)
		b->recv[i].labv = b->labv + b->recv[i].lab_off;
}


static int sample_handler(const struct calls_prom_sample *s, void *arg)
{
	struct batch *b = arg;
	struct rec r;

	if (b->count_only)
		return 0;

	memset(&r, 0, sizeof(r));
	r.target = b->target;
	r.name = s->name;
	r.fam = s->fam->name;
	r.help = s->fam->help;
	r.type = s->fam->type;
	r.sfx = s->suffix;
	r.value = s->value;
	r.ts_ms = s->ts_ms;
	r.has_ts = s->has_ts;

	return batch_add(b, &r, s->labelv, s->labelc);
}


static void error_handler(unsigned line, const char *msg, void *arg)
{
	struct batch *b = arg;

	log_warn("%s: line %u: %s (skipped)", b->target, line, msg);
}


/* Parses b->body in place into b's records */
int batch_parse(struct batch *b, enum calls_prom_fmt fmt)
{
	struct calls_prom_stats st;
	struct calls_prom *p;
	int err;

	if (!b->body)
		return EINVAL;

	err = calls_prom_alloc(&p, sample_handler, error_handler, b);
	if (err)
		return err;

	err = calls_prom_parse(p, (char *)b->body->buf, b->body->end, fmt,
			       &st);
	b->errors = st.errors;
	b->samples = st.samples;
	mem_deref(p);

	batch_fix(b);

	return err;
}


const struct calls_prom_label *rec_label(const struct rec *r,
					 const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < r->labc; i++) {
		const struct calls_prom_label *l = &r->labv[i];

		if (l->name.l == len && !memcmp(l->name.p, name, len))
			return l;
	}

	return NULL;
}


const char *rec_type_name(const struct rec *r)
{
	switch (r->kind) {

	case REC_RATE:     return "rate";
	case REC_QUANTILE: return "quantile";
	default:           return calls_prom_type_name(r->type);
	}
}


/* Family and suffix of a record that came back from jq: the name and the
 * type say it */
void rec_family(struct rec *r)
{
	static const enum calls_prom_suffix sfxv[] = {
		CALLS_PROM_SFX_BUCKET, CALLS_PROM_SFX_SUM,
		CALLS_PROM_SFX_COUNT, CALLS_PROM_SFX_CREATED,
		CALLS_PROM_SFX_GSUM, CALLS_PROM_SFX_GCOUNT,
	};

	r->fam = r->name;
	r->sfx = CALLS_PROM_SFX_NONE;

	if (r->kind != REC_RAW || (r->type != CALLS_PROM_HISTOGRAM &&
				   r->type != CALLS_PROM_SUMMARY &&
				   r->type != CALLS_PROM_GAUGEHISTOGRAM))
		return;

	for (size_t i = 0; i < ARRAY_SIZE(sfxv); i++) {
		const char *x = calls_prom_suffix_name(sfxv[i]);
		size_t xl = strlen(x);

		if (r->name.l > xl &&
		    !memcmp(r->name.p + r->name.l - xl, x, xl)) {
			r->fam.l = r->name.l - xl;
			r->sfx = sfxv[i];
			return;
		}
	}
}


int json_str(struct re_printf *pf, const struct calls_prom_str *s)
{
	return s ? calls_json_escape_n(pf, s->p, s->l) : 0;
}


int json_value(struct re_printf *pf, double v)
{
	char buf[40];

	if (isnan(v))
		return re_hprintf(pf, "\"NaN\"");
	if (isinf(v))
		return re_hprintf(pf, v > 0 ? "\"+Inf\"" : "\"-Inf\"");

	calls_prom_value_fmt(buf, sizeof(buf), v);

	return re_hprintf(pf, "%s", buf);
}


/* {"target":..,"name":..,"labels":{..},"value":..,"type":..,
 *  "timestamp":..}; NaN and infinities are the strings the text format
 * uses, since JSON has no such numbers */
int rec_json(struct re_printf *pf, const struct rec *r)
{
	int err = 0;

	err |= re_hprintf(pf, "{\"target\":\"%H\",\"name\":\"%H\","
			  "\"labels\":{", calls_json_escape, r->target,
			  json_str, &r->name);
	for (size_t i = 0; i < r->labc; i++) {
		err |= re_hprintf(pf, "%s\"%H\":\"%H\"", i ? "," : "",
				  json_str, &r->labv[i].name,
				  json_str, &r->labv[i].value);
	}
	err |= re_hprintf(pf, "},\"value\":");
	err |= json_value(pf, r->value);
	err |= re_hprintf(pf, ",\"type\":\"%s\",\"timestamp\":",
			  rec_type_name(r));
	if (r->has_ts)
		err |= re_hprintf(pf, "%lld}", (long long)r->ts_ms);
	else
		err |= re_hprintf(pf, "null}");

	return err;
}
