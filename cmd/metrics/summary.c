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


int summary_print(FILE *f, const struct batch *first,
		  const struct batch *second, double dt, bool json)
{
	const struct batch *last = second ? second : first;
	const char *pre = find_prefix(first);
	struct part sess, calls, tracks, ws, states, errs, cpu, rss, bw;
	bool netbw = false;
	char buf[64];
	double cpu_pct = NAN;

	part_get(&sess, last, NULL, 0, pre, "rtc_sessions_total", NULL,
		 NULL);
	part_get(&calls, last, NULL, 0, pre, "rtc_calls_total", NULL, NULL);
	part_get(&tracks, last, NULL, 0, pre, "rtc_rtp_tracks_total",
		 "direction", "type");
	part_get(&ws, last, NULL, 0, pre, "ws_connections_total", NULL,
		 NULL);
	part_get(&states, first, second, dt, pre, "rtc_conn_states_total",
		 "type", NULL);
	part_get(&errs, first, second, dt, pre, "rtc_errors_total", "type",
		 NULL);
	part_get(&cpu, first, second, dt, pre, "process_cpu_seconds_total",
		 NULL, NULL);
	part_get(&rss, last, NULL, 0, pre, "process_resident_memory_bytes",
		 NULL, NULL);
	part_get(&bw, first, second, dt, pre, "rtc_rtp_bytes_total",
		 "direction", NULL);
	if (!bw.found) {
		struct part rx, tx;

		part_get(&rx, first, second, dt, pre,
			 "process_network_receive_bytes_total", NULL, NULL);
		part_get(&tx, first, second, dt, pre,
			 "process_network_transmit_bytes_total", NULL, NULL);
		if (rx.found && tx.found && rx.n && tx.n) {
			memset(&bw, 0, sizeof(bw));
			bw.found = true;
			bw.n = 2;
			bw.itemv[0] = rx.itemv[0];
			str_ncpy(bw.itemv[0].key, "in", 64);
			bw.itemv[1] = tx.itemv[0];
			str_ncpy(bw.itemv[1].key, "out", 64);
			netbw = true;
		}
	}
	if (cpu.found && cpu.n && cpu.itemv[0].has_rate)
		cpu_pct = cpu.itemv[0].rate * 100.0;

	if (json) {
		struct calls_jw w;
		int err = calls_jw_init(&w);

		if (err)
			return err;
		calls_jw_obj_begin(&w, NULL);
		calls_jw_str(&w, "target", first->target);
		calls_jw_dbl(&w, "interval", dt);
		if (sess.found)
			calls_jw_dbl(&w, "sessions", part_sum(&sess));
		else
			calls_jw_null(&w, "sessions");
		if (calls.found)
			calls_jw_dbl(&w, "calls", part_sum(&calls));
		else
			calls_jw_null(&w, "calls");
		json_items(&w, "tracks", &tracks);
		if (ws.found)
			calls_jw_dbl(&w, "ws_connections", part_sum(&ws));
		else
			calls_jw_null(&w, "ws_connections");
		json_items(&w, "conn_states", &states);
		json_items(&w, "errors", &errs);
		calls_jw_dbl(&w, "cpu_percent", cpu_pct);
		calls_jw_dbl(&w, "cpu_seconds", part_sum(&cpu));
		calls_jw_dbl(&w, "rss_bytes", rss.found ? part_sum(&rss) :
			     NAN);
		calls_jw_obj_begin(&w, "bandwidth_bps");
		for (size_t j = 0; bw.found && j < bw.n; j++)
			calls_jw_dbl(&w, bw.itemv[j].key,
				     bw.itemv[j].has_rate ?
				     bw.itemv[j].rate * 8 : NAN);
		calls_jw_obj_end(&w);
		calls_jw_obj_end(&w);
		err = calls_jw_line(&w, f);
		calls_jw_close(&w);
		return err;
	}

	fprintf(f, "%-13s%s%s\n", "target", first->target,
		second ? "" : "  (one scrape: no rates)");
	text_items(f, "sessions", &sess, false);
	text_items(f, "calls", &calls, false);
	text_items(f, "tracks", &tracks, false);
	text_items(f, "ws conns", &ws, false);
	text_items(f, "conn states", &states, true);
	text_items(f, "errors", &errs, true);

	fprintf(f, "%-13s", "cpu");
	if (!cpu.found)
		fprintf(f, "-\n");
	else if (isnan(cpu_pct))
		fprintf(f, "%.2f s total\n", part_sum(&cpu));
	else
		fprintf(f, "%.1f%%  (%.2f s total)\n", cpu_pct,
			part_sum(&cpu));

	fprintf(f, "%-13s", "rss");
	if (rss.found) {
		bytes_human(buf, sizeof(buf), part_sum(&rss));
		fprintf(f, "%s\n", buf);
	}
	else
		fprintf(f, "-\n");

	fprintf(f, "%-13s", "bandwidth");
	if (!bw.found)
		fprintf(f, "-\n");
	for (size_t j = 0; bw.found && j < bw.n; j++) {
		const struct item *it = &bw.itemv[j];

		if (it->has_rate)
			fprintf(f, "%s%s %.3g kbit/s", j ? ", " : "", it->key,
				it->rate * 8 / 1000);
		else
			fprintf(f, "%s%s %g bytes", j ? ", " : "", it->key,
				it->v);
	}
	if (bw.found)
		fprintf(f, "%s\n", netbw ? "  (process network)" : "");

	return 0;
}
