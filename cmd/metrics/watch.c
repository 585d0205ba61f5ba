/**
 * @file watch.c  Watch mode: what changed between two scrapes
 *
 * Counters (and the _sum/_count of histograms and summaries) become
 * per-second rates over the interval, as PromQL's rate() sees them: when
 * a value went down the counter was reset, and the increase is the new
 * value. Histogram buckets become quantiles over the interval: the bucket
 * increases make a histogram of just that interval, and each requested
 * quantile is interpolated in it the way histogram_quantile() does.
 * Gauges, untyped samples and summary quantiles pass through as they are.
 * A series with no value in the earlier scrape gives no rate yet.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "re_inc.h"
#include "metrics.h"

struct watch {
	double qv[16];
	char qs[16][24];
	size_t qc;
};

struct slot {
	uint64_t h;
	size_t idx;            /* into prev->recv, +1; 0 = empty */
};

struct index {
	struct slot *v;
	size_t cap;
};


int watch_alloc(struct watch **wp, const double *qv, size_t qc)
{
	struct watch *w;

	if (!wp || qc > ARRAY_SIZE(w->qv))
		return EINVAL;

	w = mem_zalloc(sizeof(*w), NULL);
	if (!w)
		return ENOMEM;

	for (size_t i = 0; i < qc; i++) {
		w->qv[i] = qv[i];
		calls_prom_value_fmt(w->qs[i], sizeof(w->qs[i]), qv[i]);
	}
	w->qc = qc;
	*wp = w;

	return 0;
}


static uint64_t fnv(uint64_t h, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h ^= (uint8_t)p[i];
		h *= 0x100000001b3ULL;
	}

	return h;
}


/* Name and labels, in their order, except the label called skip */
static uint64_t key_hash(const struct calls_prom_str *name,
			 const struct rec *r, const char *skip)
{
	uint64_t h = fnv(0xcbf29ce484222325ULL, name->p, name->l);
	size_t sl = skip ? strlen(skip) : 0;

	for (size_t i = 0; i < r->labc; i++) {
		const struct calls_prom_label *l = &r->labv[i];

		if (skip && l->name.l == sl && !memcmp(l->name.p, skip, sl))
			continue;
		h = fnv(h ^ 0xff, l->name.p, l->name.l);
		h = fnv(h ^ 0xfe, l->value.p, l->value.l);
	}

	return h ? h : 1;
}


static bool same_series(const struct rec *a, const struct rec *b)
{
	if (a->name.l != b->name.l || memcmp(a->name.p, b->name.p, a->name.l)
	    || a->labc != b->labc)
		return false;

	for (size_t i = 0; i < a->labc; i++) {
		const struct calls_prom_label *x = &a->labv[i];
		const struct calls_prom_label *y = &b->labv[i];

		if (x->name.l != y->name.l || x->value.l != y->value.l ||
		    memcmp(x->name.p, y->name.p, x->name.l) ||
		    memcmp(x->value.p, y->value.p, x->value.l))
			return false;
	}

	return true;
}


static int index_build(struct index *ix, const struct batch *b)
{
	ix->cap = 16;
	while (ix->cap < b->recc * 2)
		ix->cap *= 2;

	ix->v = calloc(ix->cap, sizeof(*ix->v));
	if (!ix->v)
		return ENOMEM;

	for (size_t i = 0; i < b->recc; i++) {
		uint64_t h = key_hash(&b->recv[i].name, &b->recv[i], NULL);
		size_t j = h & (ix->cap - 1);

		while (ix->v[j].idx)
			j = (j + 1) & (ix->cap - 1);
		ix->v[j].h = h;
		ix->v[j].idx = i + 1;
	}

	return 0;
}


static const struct rec *index_find(const struct index *ix,
				    const struct batch *b,
				    const struct rec *r)
{
	uint64_t h = key_hash(&r->name, r, NULL);
	size_t j = h & (ix->cap - 1);

	while (ix->v[j].idx) {
		const struct rec *p = &b->recv[ix->v[j].idx - 1];

		if (ix->v[j].h == h && same_series(p, r))
			return p;
		j = (j + 1) & (ix->cap - 1);
	}

	return NULL;
}


double watch_hist_quantile(double q, const double *le, const double *cnt,
			   size_t n)
{
	double rank, lower, below, inb;
	size_t i;

	if (isnan(q))
		return NAN;
	if (q < 0)
		return -INFINITY;
	if (q > 1)
		return INFINITY;
	if (n < 2 || !isinf(le[n - 1]) || le[n - 1] < 0 || cnt[n - 1] <= 0)
		return NAN;

	rank = q * cnt[n - 1];
	for (i = 0; i < n - 1 && cnt[i] < rank; i++)
		;

	if (i == n - 1)
		return le[n - 2];
	if (i == 0 && le[0] <= 0)
		return le[0];

	lower = i ? le[i - 1] : 0;
	below = i ? cnt[i - 1] : 0;
	inb = cnt[i] - below;
	if (inb <= 0)
		return le[i];

	return lower + (le[i] - lower) * ((rank - below) / inb);
}


struct bucket {
	double le;
	double cnt;
};


static int bucket_cmp(const void *a, const void *b)
{
	double x = ((const struct bucket *)a)->le;
	double y = ((const struct bucket *)b)->le;

	return x < y ? -1 : x > y;
}


/* One histogram series: buckets cur[from..to) of the same family and
 * labels (but le) */
static int emit_quantiles(const struct watch *w, const struct index *ix,
			  const struct batch *prev, const struct batch *cur,
			  size_t from, size_t to, struct batch *out)
{
	struct calls_prom_label labv[CALLS_PROM_MAX_LABELS + 1];
	double lev[256], cntv[256];
	struct bucket bv[256];
	const struct rec *first = &cur->recv[from];
	struct rec r;
	size_t n = 0, lc = 0;
	bool reset = false, missing = false;
	int err = 0;

	for (size_t i = from; i < to && n < ARRAY_SIZE(bv); i++) {
		const struct rec *c = &cur->recv[i];
		const struct calls_prom_label *le = rec_label(c, "le");
		const struct rec *p = index_find(ix, prev, c);

		if (!le || calls_prom_value_parse(&bv[n].le, le->value.p,
						  le->value.l))
			continue;
		if (!p) {
			missing = true;
			break;
		}
		if (c->value < p->value)
			reset = true;
		bv[n].cnt = c->value - p->value;
		lev[n] = c->value;   /* cumulative now, for resets */
		++n;
	}

	if (missing || !n)
		return 0;

	if (reset)
		for (size_t i = 0; i < n; i++)
			bv[i].cnt = lev[i];

	qsort(bv, n, sizeof(*bv), bucket_cmp);
	for (size_t i = 0; i < n; i++) {
		lev[i] = bv[i].le;
		cntv[i] = bv[i].cnt;
		if (i && cntv[i] < cntv[i - 1])
			cntv[i] = cntv[i - 1];
	}

	for (size_t i = 0; i < first->labc; i++) {
		const struct calls_prom_label *l = &first->labv[i];

		if (l->name.l == 2 && !memcmp(l->name.p, "le", 2))
			continue;
		labv[lc++] = *l;
	}

	memset(&r, 0, sizeof(r));
	r.target = first->target;
	r.name = first->fam;
	r.fam = first->fam;
	r.help = first->help;
	r.type = first->type;
	r.kind = REC_QUANTILE;

	for (size_t q = 0; q < w->qc && !err; q++) {
		labv[lc].name.p = "quantile";
		labv[lc].name.l = 8;
		labv[lc].value.p = w->qs[q];
		labv[lc].value.l = strlen(w->qs[q]);
		r.value = watch_hist_quantile(w->qv[q], lev, cntv, n);
		err = batch_add(out, &r, labv, lc + 1);
	}

	return err;
}


static bool is_bucket(const struct rec *r)
{
	return r->sfx == CALLS_PROM_SFX_BUCKET &&
		(r->type == CALLS_PROM_HISTOGRAM ||
		 r->type == CALLS_PROM_GAUGEHISTOGRAM);
}


static bool is_counting(const struct rec *r)
{
	switch (r->type) {

	case CALLS_PROM_COUNTER:
		return r->sfx != CALLS_PROM_SFX_CREATED;
	case CALLS_PROM_HISTOGRAM:
	case CALLS_PROM_SUMMARY:
		return r->sfx == CALLS_PROM_SFX_SUM ||
			r->sfx == CALLS_PROM_SFX_COUNT;
	default:
		return false;
	}
}


int watch_derive(struct watch *w, const struct batch *prev,
		 const struct batch *cur, double dt, struct batch *out)
{
	struct index ix = {NULL, 0};
	int err;

	if (!w || !prev || !cur || !out || dt <= 0)
		return EINVAL;

	err = index_build(&ix, prev);
	if (err)
		return err;

	for (size_t i = 0; i < cur->recc && !err; i++) {
		const struct rec *c = &cur->recv[i];
		const struct rec *p;
		struct rec r;

		if (is_bucket(c)) {
			uint64_t k = key_hash(&c->fam, c, "le");
			size_t j = i + 1;

			while (j < cur->recc && is_bucket(&cur->recv[j]) &&
			       key_hash(&cur->recv[j].fam, &cur->recv[j],
					"le") == k)
				++j;
			err = emit_quantiles(w, &ix, prev, cur, i, j, out);
			i = j - 1;
			continue;
		}

		if (c->sfx == CALLS_PROM_SFX_CREATED)
			continue;

		r = *c;
		if (is_counting(c)) {
			double d;

			p = index_find(&ix, prev, c);
			if (!p)
				continue;
			d = c->value - p->value;
			if (d < 0)
				d = c->value;
			r.value = d / dt;
			r.kind = REC_RATE;
			r.has_ts = false;
		}

		err = batch_add(out, &r, c->labv, c->labc);
	}

	free(ix.v);
	batch_fix(out);

	return err;
}
