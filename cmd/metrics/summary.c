/**
 * @file summary.c  One screen about an SFU, from its metrics
 *
 * Works with rtcd's names (rtcd_*), the Calls plugin's
 * (mattermost_plugin_calls_*) and calls-sfu's (the same as rtcd's).
 * Two scrapes an interval apart give the rates: CPU use, bandwidth and
 * connection changes per second; with one scrape only totals are shown.
 */
#include <math.h>
#include <string.h>
#include "re_inc.h"
#include "json.h"
#include "metrics.h"

static const char *const prefixes[] = {
	"rtcd_", "mattermost_plugin_calls_", "",
};

struct item {
	char key[64];
	double v;
	double rate;
	bool has_rate;
};

#define MAX_ITEMS 32

struct part {
	struct item itemv[MAX_ITEMS];
	size_t n;
	bool found;
};


static bool name_is(const struct rec *r, const char *prefix,
		    const char *name)
{
	size_t pl = strlen(prefix), nl = strlen(name);

	return r->name.l == pl + nl && !memcmp(r->name.p, prefix, pl) &&
		!memcmp(r->name.p + pl, name, nl);
}


static const char *find_prefix(const struct batch *b)
{
	for (size_t p = 0; p < ARRAY_SIZE(prefixes) - 1; p++) {
		size_t l = strlen(prefixes[p]);

		for (size_t i = 0; i < b->recc; i++)
			if (b->recv[i].name.l > l &&
			    !memcmp(b->recv[i].name.p, prefixes[p], l))
				return prefixes[p];
	}

	return "";
}


/* Sums name's samples into items keyed by the values of labels k1 (and
 * k2 if given); with no key label, one item "" */
static void collect(struct part *pt, const struct batch *b,
		    const char *prefix, const char *name, const char *k1,
		    const char *k2, bool second)
{
	for (size_t i = 0; b && i < b->recc; i++) {
		const struct rec *r = &b->recv[i];
		const struct calls_prom_label *l1, *l2;
		char key[64];
		struct item *it = NULL;

		if (!name_is(r, prefix, name))
			continue;
		pt->found = true;

		l1 = k1 ? rec_label(r, k1) : NULL;
		l2 = k2 ? rec_label(r, k2) : NULL;
		re_snprintf(key, sizeof(key), "%b%s%b",
			    l1 ? l1->value.p : "", l1 ? l1->value.l : 0,
			    l2 ? " " : "",
			    l2 ? l2->value.p : "", l2 ? l2->value.l : 0);

		for (size_t j = 0; j < pt->n; j++)
			if (!strcmp(pt->itemv[j].key, key))
				it = &pt->itemv[j];
		if (!it) {
			if (pt->n == MAX_ITEMS)
				continue;
			it = &pt->itemv[pt->n++];
			memset(it, 0, sizeof(*it));
			str_ncpy(it->key, key, sizeof(it->key));
		}

		if (second) {
			it->rate += r->value;
			it->has_rate = true;
		}
		else {
			it->v += r->value;
		}
	}
}


/* With two scrapes: v is the later value, rate the increase per second */
static void part_get(struct part *pt, const struct batch *a,
		     const struct batch *b, double dt, const char *prefix,
		     const char *name, const char *k1, const char *k2)
{
	memset(pt, 0, sizeof(*pt));

	collect(pt, a, prefix, name, k1, k2, false);
	if (!b || dt <= 0)
		return;

	collect(pt, b, prefix, name, k1, k2, true);
	for (size_t j = 0; j < pt->n; j++) {
		struct item *it = &pt->itemv[j];
		double later = it->rate, d = later - it->v;

		if (!it->has_rate)
			continue;
		it->rate = (d < 0 ? later : d) / dt;
		it->v = later;
	}
}


static double part_sum(const struct part *pt)
{
	double s = 0;

	for (size_t j = 0; j < pt->n; j++)
		s += pt->itemv[j].v;

	return s;
}


static void text_items(FILE *f, const char *title, const struct part *pt,
		       bool rates)
{
	fprintf(f, "%-13s", title);
	if (!pt->found) {
		fprintf(f, "-\n");
		return;
	}
	if (!pt->n || (pt->n == 1 && !pt->itemv[0].key[0])) {
		fprintf(f, "%g\n", part_sum(pt));
		return;
	}
	for (size_t j = 0; j < pt->n; j++) {
		const struct item *it = &pt->itemv[j];

		fprintf(f, "%s%s %g", j ? ", " : "", it->key, it->v);
		if (rates && it->has_rate)
			fprintf(f, " (%.2g/s)", it->rate);
	}
	fprintf(f, "\n");
}


static void json_items(struct calls_jw *w, const char *key,
		       const struct part *pt)
{
	if (!pt->found) {
		calls_jw_null(w, key);
		return;
	}
	calls_jw_obj_begin(w, key);
	for (size_t j = 0; j < pt->n; j++)
		calls_jw_dbl(w, pt->itemv[j].key[0] ? pt->itemv[j].key : "all",
			     pt->itemv[j].v);
	calls_jw_obj_end(w);
}


static void bytes_human(char *buf, size_t sz, double v)
{
	static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	size_t u = 0;

	while (v >= 1024 && u < ARRAY_SIZE(unit) - 1) {
		v /= 1024;
		++u;
	}
	snprintf(buf, sz, "%.1f %s", v, unit[u]);
}


struct summary {
	const char *target;
	bool rates;
	double dt;
	struct part sess, calls, tracks, ws, states, errs, cpu, rss, bw;
	bool netbw;             /* bandwidth from the process counters */
	double cpu_pct;
};


static void summary_collect(struct summary *sm, const struct batch *first,
			    const struct batch *second, double dt)
{
	const struct batch *last = second ? second : first;
	const char *pre = find_prefix(first);

	sm->target = first->target;
	sm->rates = second != NULL;
	sm->dt = dt;
	sm->netbw = false;
	sm->cpu_pct = NAN;

	part_get(&sm->sess, last, NULL, 0, pre, "rtc_sessions_total", NULL,
		 NULL);
	part_get(&sm->calls, last, NULL, 0, pre, "rtc_calls_total", NULL,
		 NULL);
	part_get(&sm->tracks, last, NULL, 0, pre, "rtc_rtp_tracks_total",
		 "direction", "type");
	part_get(&sm->ws, last, NULL, 0, pre, "ws_connections_total", NULL,
		 NULL);
	part_get(&sm->states, first, second, dt, pre,
		 "rtc_conn_states_total", "type", NULL);
	part_get(&sm->errs, first, second, dt, pre, "rtc_errors_total",
		 "type", NULL);
	part_get(&sm->cpu, first, second, dt, pre,
		 "process_cpu_seconds_total", NULL, NULL);
	part_get(&sm->rss, last, NULL, 0, pre,
		 "process_resident_memory_bytes", NULL, NULL);
	part_get(&sm->bw, first, second, dt, pre, "rtc_rtp_bytes_total",
		 "direction", NULL);

	if (!sm->bw.found) {
		struct part rx, tx;

		part_get(&rx, first, second, dt, pre,
			 "process_network_receive_bytes_total", NULL, NULL);
		part_get(&tx, first, second, dt, pre,
			 "process_network_transmit_bytes_total", NULL, NULL);
		if (rx.found && tx.found && rx.n && tx.n) {
			memset(&sm->bw, 0, sizeof(sm->bw));
			sm->bw.found = true;
			sm->bw.n = 2;
			sm->bw.itemv[0] = rx.itemv[0];
			str_ncpy(sm->bw.itemv[0].key, "in", 64);
			sm->bw.itemv[1] = tx.itemv[0];
			str_ncpy(sm->bw.itemv[1].key, "out", 64);
			sm->netbw = true;
		}
	}

	/* a server with the prefix exports these families always, but a
	 * labelled family has no samples until it has a series: zero */
	if (*pre) {
		struct part *zv[] = {&sm->sess, &sm->tracks, &sm->ws,
				     &sm->states, &sm->errs};

		for (size_t i = 0; i < ARRAY_SIZE(zv); i++)
			zv[i]->found = true;
	}

	if (sm->cpu.found && sm->cpu.n && sm->cpu.itemv[0].has_rate)
		sm->cpu_pct = sm->cpu.itemv[0].rate * 100.0;
}


static void json_sum(struct calls_jw *w, const char *key,
		     const struct part *pt)
{
	if (pt->found)
		calls_jw_dbl(w, key, part_sum(pt));
	else
		calls_jw_null(w, key);
}


static int summary_json(FILE *f, const struct summary *sm)
{
	struct calls_jw w;
	int err = calls_jw_init(&w);

	if (err)
		return err;

	calls_jw_obj_begin(&w, NULL);
	calls_jw_str(&w, "target", sm->target);
	calls_jw_dbl(&w, "interval", sm->dt);
	json_sum(&w, "sessions", &sm->sess);
	json_sum(&w, "calls", &sm->calls);
	json_items(&w, "tracks", &sm->tracks);
	json_sum(&w, "ws_connections", &sm->ws);
	json_items(&w, "conn_states", &sm->states);
	json_items(&w, "errors", &sm->errs);
	calls_jw_dbl(&w, "cpu_percent", sm->cpu_pct);
	calls_jw_dbl(&w, "cpu_seconds", part_sum(&sm->cpu));
	calls_jw_dbl(&w, "rss_bytes", sm->rss.found ? part_sum(&sm->rss) :
		     NAN);
	calls_jw_obj_begin(&w, "bandwidth_bps");
	for (size_t j = 0; sm->bw.found && j < sm->bw.n; j++)
		calls_jw_dbl(&w, sm->bw.itemv[j].key,
			     sm->bw.itemv[j].has_rate ?
			     sm->bw.itemv[j].rate * 8 : NAN);
	calls_jw_obj_end(&w);
	calls_jw_obj_end(&w);

	err = calls_jw_line(&w, f);
	calls_jw_close(&w);

	return err;
}


static void text_bandwidth(FILE *f, const struct summary *sm)
{
	fprintf(f, "%-13s", "bandwidth");
	if (!sm->bw.found) {
		fprintf(f, "-\n");
		return;
	}

	for (size_t j = 0; j < sm->bw.n; j++) {
		const struct item *it = &sm->bw.itemv[j];

		if (it->has_rate)
			fprintf(f, "%s%s %.3g kbit/s", j ? ", " : "", it->key,
				it->rate * 8 / 1000);
		else
			fprintf(f, "%s%s %g bytes", j ? ", " : "", it->key,
				it->v);
	}
	fprintf(f, "%s\n", sm->netbw ? "  (process network)" : "");
}


static void summary_text(FILE *f, const struct summary *sm)
{
	char buf[64];

	fprintf(f, "%-13s%s%s\n", "target", sm->target,
		sm->rates ? "" : "  (one scrape: no rates)");
	text_items(f, "sessions", &sm->sess, false);
	text_items(f, "calls", &sm->calls, false);
	text_items(f, "tracks", &sm->tracks, false);
	text_items(f, "ws conns", &sm->ws, false);
	text_items(f, "conn states", &sm->states, true);
	text_items(f, "errors", &sm->errs, true);

	fprintf(f, "%-13s", "cpu");
	if (!sm->cpu.found)
		fprintf(f, "-\n");
	else if (isnan(sm->cpu_pct))
		fprintf(f, "%.2f s total\n", part_sum(&sm->cpu));
	else
		fprintf(f, "%.1f%%  (%.2f s total)\n", sm->cpu_pct,
			part_sum(&sm->cpu));

	fprintf(f, "%-13s", "rss");
	if (sm->rss.found) {
		bytes_human(buf, sizeof(buf), part_sum(&sm->rss));
		fprintf(f, "%s\n", buf);
	}
	else
		fprintf(f, "-\n");

	text_bandwidth(f, sm);
}


int summary_print(FILE *f, const struct batch *first,
		  const struct batch *second, double dt, bool json)
{
	struct summary *sm;
	int err = 0;

	/* a few KiB of parts: not on the stack */
	sm = mem_zalloc(sizeof(*sm), NULL);
	if (!sm)
		return ENOMEM;

	summary_collect(sm, first, second, dt);
	if (json)
		err = summary_json(f, sm);
	else
		summary_text(f, sm);

	mem_deref(sm);

	return err;
}
