/**
 * @file output.c  Records out: JSON lines, groups, a table, exposition
 *
 * JSON lines are written as records arrive. The table and the exposition
 * text need a whole round (column widths; one block per family), so their
 * records are collected and written by out_flush(), which the caller runs
 * before the bodies and jq values the records point into go away.
 *
 * Exposition text is always version 0.0.4, which every scraper reads:
 * OpenMetrics-only types become untyped, _created samples gauges, and
 * watch-mode rates and quantiles gauges; families are written in one
 * block each, in the order first seen, even when merged from several
 * targets (add --target-label to keep their series apart).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "re_inc.h"
#include "json.h"
#define LOG_MODULE "output"
#include "log.h"
#include "metrics.h"

struct out {
	enum out_format fmt;
	bool group;
	const char *target_label;
	FILE *f;
	struct batch coll;
	struct mbuf *line;
	bool warned;
	char **extra;           /* non-record filter outputs, table mode */
	size_t extrac, extrasz;
};

/* family name -> id, first seen first */
struct famtab {
	struct {
		uint64_t h;
		struct calls_prom_str name;
		size_t id;
	} *v;
	size_t cap, n;
};


static void destructor(void *arg)
{
	struct out *out = arg;

	batch_free(&out->coll);
	mem_deref(out->line);
	for (size_t i = 0; i < out->extrac; i++)
		mem_deref(out->extra[i]);
	free(out->extra);
}


int out_alloc(struct out **outp, enum out_format fmt, bool group,
	      const char *target_label, FILE *f)
{
	struct out *out;

	out = mem_zalloc(sizeof(*out), destructor);
	if (!out)
		return ENOMEM;

	out->fmt = fmt;
	out->group = group;
	out->target_label = target_label && *target_label ?
		target_label : NULL;
	out->f = f;
	batch_init(&out->coll, NULL);
	out->line = mbuf_alloc(512);
	if (!out->line) {
		mem_deref(out);
		return ENOMEM;
	}
	*outp = out;

	return 0;
}


static uint64_t strhash(const struct calls_prom_str *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < s->l; i++) {
		h ^= (uint8_t)s->p[i];
		h *= 0x100000001b3ULL;
	}

	return h;
}


static bool str_eq(const struct calls_prom_str *a,
		   const struct calls_prom_str *b)
{
	return a->l == b->l && !memcmp(a->p, b->p, a->l);
}


/* The id of name, a new one when first seen; SIZE_MAX on ENOMEM */
static size_t famtab_id(struct famtab *t, const struct calls_prom_str *name)
{
	uint64_t h = strhash(name);
	size_t j;

	if ((t->n + 1) * 2 > t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 64;
		__typeof__(t->v) nv = calloc(ncap, sizeof(*nv));

		if (!nv)
			return SIZE_MAX;
		for (size_t i = 0; i < t->cap; i++) {
			if (!t->v[i].name.p)
				continue;
			j = t->v[i].h & (ncap - 1);
			while (nv[j].name.p)
				j = (j + 1) & (ncap - 1);
			nv[j] = t->v[i];
		}
		free(t->v);
		t->v = nv;
		t->cap = ncap;
	}

	j = h & (t->cap - 1);
	while (t->v[j].name.p) {
		if (t->v[j].h == h && str_eq(&t->v[j].name, name))
			return t->v[j].id;
		j = (j + 1) & (t->cap - 1);
	}

	t->v[j].h = h;
	t->v[j].name = *name;
	t->v[j].id = t->n++;

	return t->v[j].id;
}


/* Indices of b's records ordered by family id (stable); ids out too */
static int order_by_family(const struct batch *b, const size_t *idv,
			   size_t nfam, size_t **orderp, size_t **startp)
{
	size_t *order, *start;

	order = calloc(b->recc + 1, sizeof(*order));
	start = calloc(nfam + 2, sizeof(*start));
	if (!order || !start) {
		free(order);
		free(start);
		return ENOMEM;
	}

	for (size_t i = 0; i < b->recc; i++)
		++start[idv[i] + 1];
	for (size_t f = 0; f < nfam; f++)
		start[f + 1] += start[f];
	{
		size_t *pos = calloc(nfam + 1, sizeof(*pos));

		if (!pos) {
			free(order);
			free(start);
			return ENOMEM;
		}
		memcpy(pos, start, nfam * sizeof(*pos));
		for (size_t i = 0; i < b->recc; i++)
			order[pos[idv[i]]++] = i;
		free(pos);
	}

	*orderp = order;
	*startp = start;

	return 0;
}


/* Which family a record is written under in 0.0.4 text, and as what:
 * as the Prometheus Python client writes OpenMetrics families in 0.0.4,
 * _created samples, info and stateset become gauges of their own name,
 * with the family's HELP; rates and quantiles of watch mode are gauges
 * without it (they are no longer what it describes) */
static void prom_family(const struct rec *r, struct calls_prom_str *name,
			const char **type, bool *help)
{
	*name = r->name;
	*help = r->kind == REC_RAW;

	if (r->kind != REC_RAW || r->sfx == CALLS_PROM_SFX_CREATED) {
		*type = "gauge";
		return;
	}

	switch (r->type) {

	case CALLS_PROM_COUNTER:
	case CALLS_PROM_GAUGE:
		*type = calls_prom_type_name(r->type);
		break;

	case CALLS_PROM_HISTOGRAM:
	case CALLS_PROM_SUMMARY:
		*name = r->fam;
		*type = calls_prom_type_name(r->type);
		break;

	case CALLS_PROM_INFO:
	case CALLS_PROM_STATESET:
		*type = "gauge";
		break;

	default:
		*type = "untyped";
		break;
	}
}


struct psample {
	const struct rec *r;
	const char *tlabel;
};


static int prom_sample(struct re_printf *pf, const struct psample *ps)
{
	const struct rec *r = ps->r;
	const char *tlabel = ps->tlabel;
	char vbuf[40];
	bool any = false;
	int err = 0;

	err |= re_hprintf(pf, "%b", r->name.p, r->name.l);

	if (tlabel && !rec_label(r, tlabel)) {
		struct calls_prom_str t = {r->target, strlen(r->target)};

		err |= re_hprintf(pf, "{%s=\"%H\"", tlabel,
				  calls_prom_escape_label, &t);
		any = true;
	}
	for (size_t i = 0; i < r->labc; i++) {
		err |= re_hprintf(pf, "%s%b=\"%H\"", any ? "," : "{",
				  r->labv[i].name.p, r->labv[i].name.l,
				  calls_prom_escape_label, &r->labv[i].value);
		any = true;
	}
	if (any)
		err |= re_hprintf(pf, "}");

	calls_prom_value_fmt(vbuf, sizeof(vbuf), r->value);
	err |= re_hprintf(pf, " %s", vbuf);
	if (r->has_ts)
		err |= re_hprintf(pf, " %lld", (long long)r->ts_ms);

	return err | re_hprintf(pf, "\n");
}


static int flush_prom(struct out *out)
{
	struct batch *b = &out->coll;
	struct famtab ft = {NULL, 0, 0};
	size_t *idv, *order = NULL, *start = NULL;
	struct re_printf pf = {NULL, NULL};
	struct mbuf *mb;
	int err = 0;

	mb = mbuf_alloc(65536);
	idv = calloc(b->recc + 1, sizeof(*idv));
	if (!mb || !idv) {
		err = ENOMEM;
		goto out;
	}

	for (size_t i = 0; i < b->recc; i++) {
		struct calls_prom_str name;
		const char *type;
		bool help;

		prom_family(&b->recv[i], &name, &type, &help);
		idv[i] = famtab_id(&ft, &name);
		if (idv[i] == SIZE_MAX) {
			err = ENOMEM;
			goto out;
		}
	}

	err = order_by_family(b, idv, ft.n, &order, &start);
	if (err)
		goto out;

	for (size_t f = 0; f < ft.n; f++) {
		const struct rec *r0 = &b->recv[order[start[f]]];
		struct calls_prom_str name;
		const char *type;
		bool help;

		prom_family(r0, &name, &type, &help);
		mbuf_rewind(mb);
		if (help && r0->help.l)
			err |= mbuf_printf(mb, "# HELP %b %H\n", name.p,
					   name.l, calls_prom_escape_help,
					   &r0->help);
		err |= mbuf_printf(mb, "# TYPE %b %s\n", name.p, name.l,
				   type);
		for (size_t k = start[f]; k < start[f + 1]; k++) {
			struct psample ps = {&b->recv[order[k]],
					     out->target_label};

			err |= mbuf_printf(mb, "%H", prom_sample, &ps);
		}
		if (err)
			goto out;
		if (fwrite(mb->buf, 1, mb->end, out->f) != mb->end) {
			err = EIO;
			goto out;
		}
	}

 out:
	(void)pf;
	mem_deref(mb);
	free(idv);
	free(order);
	free(start);
	free(ft.v);

	return err;
}


static int labels_text(struct re_printf *pf, const struct rec *r)
{
	int err = 0;

	for (size_t i = 0; i < r->labc; i++)
		err |= re_hprintf(pf, "%s%b=\"%H\"", i ? "," : "",
				  r->labv[i].name.p, r->labv[i].name.l,
				  calls_prom_escape_label, &r->labv[i].value);

	return err;
}


static int flush_table(struct out *out)
{
	struct batch *b = &out->coll;
	char **labs;
	size_t wt = 6, wn = 4, wl = 6, wv = 5;
	bool multi = false;
	int err = 0;

	labs = calloc(b->recc + 1, sizeof(*labs));
	if (!labs)
		return ENOMEM;

	for (size_t i = 0; i < b->recc; i++) {
		const struct rec *r = &b->recv[i];

		err = re_sdprintf(&labs[i], "%H", labels_text, r);
		if (err)
			goto out;
		if (r->target && b->recv[0].target &&
		    strcmp(r->target, b->recv[0].target))
			multi = true;
		wt = max(wt, strlen(r->target ? r->target : ""));
		wn = max(wn, r->name.l);
		wl = max(wl, strlen(labs[i]));
	}

	if (b->recc) {
		if (multi)
			fprintf(out->f, "%-*s  ", (int)wt, "TARGET");
		fprintf(out->f, "%-*s  %-*s  %*s  %s\n", (int)wn, "NAME",
			(int)wl, "LABELS", (int)wv + 8, "VALUE", "TYPE");
	}

	for (size_t i = 0; i < b->recc; i++) {
		const struct rec *r = &b->recv[i];
		char vbuf[40];

		/* for people: six significant digits are plenty */
		if (isfinite(r->value) && fabs(r->value) < 1e15 &&
		    r->value == floor(r->value))
			snprintf(vbuf, sizeof(vbuf), "%.0f", r->value);
		else if (isfinite(r->value))
			snprintf(vbuf, sizeof(vbuf), "%.6g", r->value);
		else
			calls_prom_value_fmt(vbuf, sizeof(vbuf), r->value);
		if (multi)
			fprintf(out->f, "%-*s  ", (int)wt, r->target);
		fprintf(out->f, "%-*.*s  %-*s  %*s  %s\n", (int)wn,
			(int)r->name.l, r->name.p, (int)wl, labs[i],
			(int)wv + 8, vbuf, rec_type_name(r));
	}

	for (size_t i = 0; i < out->extrac; i++) {
		fprintf(out->f, "%s\n", out->extra[i]);
		out->extra[i] = mem_deref(out->extra[i]);
	}
	out->extrac = 0;

 out:
	for (size_t i = 0; i < b->recc; i++)
		mem_deref(labs[i]);
	free(labs);

	return err;
}


int out_rec(struct out *out, const struct rec *r)
{
	if (!out || !r)
		return EINVAL;

	if (out->fmt == OUT_JSON) {
		/* through an mbuf: libre's FILE printer fails on the empty
		 * writes the JSON escaper makes */
		int err;

		mbuf_rewind(out->line);
		err = mbuf_printf(out->line, "%H\n", rec_json, r);
		if (err)
			return err;
		if (fwrite(out->line->buf, 1, out->line->end, out->f) !=
		    out->line->end)
			return EIO;
		return 0;
	}

	return batch_add(&out->coll, r, r->labv, r->labc);
}


/* A filter output as JSON text (records included, in JSON mode) */
int out_json(struct out *out, const char *json)
{
	char **nx;

	if (!out || !json)
		return EINVAL;

	switch (out->fmt) {

	case OUT_JSON:
		fprintf(out->f, "%s\n", json);
		return 0;

	case OUT_PROM:
		if (!out->warned)
			log_warn("filter output that is not a sample record "
				 "cannot be written as exposition text; "
				 "skipped");
		out->warned = true;
		return 0;

	case OUT_TABLE:
		if (out->extrac == out->extrasz) {
			size_t n = out->extrasz ? out->extrasz * 2 : 16;

			nx = realloc(out->extra, n * sizeof(*nx));
			if (!nx)
				return ENOMEM;
			out->extra = nx;
			out->extrasz = n;
		}
		return re_sdprintf(&out->extra[out->extrac++], "%s", json);
	}

	return 0;
}


int out_flush(struct out *out)
{
	int err = 0;

	if (!out)
		return EINVAL;

	batch_fix(&out->coll);

	if (out->fmt == OUT_PROM)
		err = flush_prom(out);
	else if (out->fmt == OUT_TABLE)
		err = flush_table(out);

	out->coll.recc = 0;
	out->coll.labc = 0;
	fflush(out->f);

	return err;
}


/* --group: one object per family */

static uint64_t metric_key(const struct rec *r)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < r->labc; i++) {
		const struct calls_prom_label *l = &r->labv[i];

		if ((l->name.l == 2 && !memcmp(l->name.p, "le", 2)) ||
		    (l->name.l == 8 && !memcmp(l->name.p, "quantile", 8)))
			continue;
		h ^= strhash(&l->name) * 31 + strhash(&l->value);
		h *= 0x100000001b3ULL;
	}

	return h;
}


static bool is_keylabel(const struct calls_prom_label *l)
{
	return (l->name.l == 2 && !memcmp(l->name.p, "le", 2)) ||
		(l->name.l == 8 && !memcmp(l->name.p, "quantile", 8));
}


struct grp {
	const struct batch *b;
	const size_t *order;
	size_t from, to;
	const uint64_t *keys;
};


static int group_part(struct re_printf *pf, const struct grp *g,
		      uint64_t key, const char *field, bool buckets)
{
	bool first = true;
	int err = 0;

	for (size_t k = g->from; k < g->to; k++) {
		const struct rec *r = &g->b->recv[g->order[k]];
		const struct calls_prom_label *l;
		bool bucket = r->sfx == CALLS_PROM_SFX_BUCKET;

		if (g->keys[k] != key)
			continue;
		if (buckets != bucket)
			continue;
		l = rec_label(r, buckets ? "le" : "quantile");
		if (!l || (!buckets && r->sfx != CALLS_PROM_SFX_NONE))
			continue;

		err |= re_hprintf(pf, "%s\"%H\":", first ? "" : ",",
				  json_str, &l->value);
		if (first)
			first = false;
		err |= json_value(pf, r->value);
	}

	(void)field;

	return err;
}


static int group_metric(struct re_printf *pf, const struct grp *g,
			size_t at)
{
	const struct rec *base = &g->b->recv[g->order[at]];
	uint64_t key = g->keys[at];
	bool any_b = false, any_q = false, first = true;
	int err = 0;

	err |= re_hprintf(pf, "{\"labels\":{");
	for (size_t i = 0; i < base->labc; i++) {
		if (is_keylabel(&base->labv[i]))
			continue;
		err |= re_hprintf(pf, "%s\"%H\":\"%H\"", first ? "" : ",",
				  json_str, &base->labv[i].name,
				  json_str, &base->labv[i].value);
		first = false;
	}
	err |= re_hprintf(pf, "}");

	for (size_t k = g->from; k < g->to; k++) {
		const struct rec *r = &g->b->recv[g->order[k]];
		const char *f = NULL;

		if (g->keys[k] != key)
			continue;

		switch (r->sfx) {

		case CALLS_PROM_SFX_BUCKET: any_b = true; break;
		case CALLS_PROM_SFX_SUM:
		case CALLS_PROM_SFX_GSUM:    f = "sum"; break;
		case CALLS_PROM_SFX_COUNT:
		case CALLS_PROM_SFX_GCOUNT:  f = "count"; break;
		case CALLS_PROM_SFX_CREATED: f = "created"; break;
		default:
			if (rec_label(r, "quantile") &&
			    (r->type == CALLS_PROM_SUMMARY ||
			     r->kind == REC_QUANTILE))
				any_q = true;
			else
				f = "value";
			break;
		}
		if (!f)
			continue;
		err |= re_hprintf(pf, ",\"%s\":", f);
		err |= json_value(pf, r->value);
		if (r->has_ts && !strcmp(f, "value"))
			err |= re_hprintf(pf, ",\"timestamp\":%lld",
					  (long long)r->ts_ms);
	}

	if (any_b) {
		err |= re_hprintf(pf, ",\"buckets\":{");
		err |= group_part(pf, g, key, "buckets", true);
		err |= re_hprintf(pf, "}");
	}
	if (any_q) {
		err |= re_hprintf(pf, ",\"quantiles\":{");
		err |= group_part(pf, g, key, "quantiles", false);
		err |= re_hprintf(pf, "}");
	}

	return err | re_hprintf(pf, "}");
}


static int group_family(struct re_printf *pf, const struct grp *g)
{
	const struct rec *r0 = &g->b->recv[g->order[g->from]];
	bool first = true;
	int err = 0;

	err |= re_hprintf(pf, "{\"target\":\"%H\",\"name\":\"%H\","
			  "\"type\":\"%s\",\"help\":\"%H\",\"metrics\":[",
			  calls_json_escape, r0->target, json_str, &r0->fam,
			  r0->kind == REC_RATE ? "rate" :
			  calls_prom_type_name(r0->type),
			  json_str, &r0->help);

	for (size_t k = g->from; k < g->to; k++) {
		bool seen = false;

		for (size_t j = g->from; j < k && !seen; j++)
			seen = g->keys[j] == g->keys[k];
		if (seen)
			continue;
		err |= re_hprintf(pf, "%s", first ? "" : ",");
		first = false;
		err |= group_metric(pf, g, k);
	}

	return err | re_hprintf(pf, "]}");
}


static int group_filter_h(const char *json, const struct rec *rec,
			  void *arg)
{
	struct out *out = arg;
	(void)rec;

	fprintf(out->f, "%s\n", json);

	return 0;
}


int out_group(struct out *out, const struct batch *b, struct jqf *filter)
{
	struct famtab ft = {NULL, 0, 0};
	size_t *idv, *order = NULL, *start = NULL;
	uint64_t *keys = NULL;
	char *obj = NULL;
	int err = 0;

	idv = calloc(b->recc + 1, sizeof(*idv));
	keys = calloc(b->recc + 1, sizeof(*keys));
	if (!idv || !keys) {
		err = ENOMEM;
		goto out;
	}

	for (size_t i = 0; i < b->recc; i++) {
		idv[i] = famtab_id(&ft, &b->recv[i].fam);
		if (idv[i] == SIZE_MAX) {
			err = ENOMEM;
			goto out;
		}
	}

	err = order_by_family(b, idv, ft.n, &order, &start);
	if (err)
		goto out;

	for (size_t k = 0; k < b->recc; k++)
		keys[k] = metric_key(&b->recv[order[k]]);

	for (size_t f = 0; f < ft.n && !err; f++) {
		struct grp g = {b, order, start[f], start[f + 1], keys};

		err = re_sdprintf(&obj, "%H", group_family, &g);
		if (err)
			break;
		if (filter)
			(void)jqf_run(filter, obj, group_filter_h, out);
		else
			fprintf(out->f, "%s\n", obj);
		obj = mem_deref(obj);
	}

 out:
	mem_deref(obj);
	free(idv);
	free(keys);
	free(order);
	free(start);
	free(ft.v);
	fflush(out->f);

	return err;
}
