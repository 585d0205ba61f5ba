/**
 * @file stats.c  calls-lt: per-second JSON lines, percentiles, summaries
 *
 * The peers add to the counters of struct lt_stats; once a second
 * lt_stats_tick() prints the deltas as one JSON line on stdout. At the
 * end lt_stats_summary() prints a human summary on stderr and one JSON
 * summary line on stdout: join time percentiles (join -> connected ->
 * first audio), failures by kind, loss and jitter distributions per
 * stream kind.
 */
#include <math.h>
#include <sys/resource.h>
#include <stdlib.h>
#include <string.h>
#include "re_inc.h"
#include "json.h"
#include "lt.h"
#include "ltint.h"

struct series {
	double *v;
	size_t n, cap;
};

struct priv {
	struct series conn, audio;              /* join times, ms      */
	struct series loss[2], jit[2];          /* per stream, by kind */
	uint64_t streams[2];
	struct lt_stats prev;
	uint64_t t0;
	unsigned ticks;
	double loss_max_tick;
};


static void series_free(struct series *s)
{
	s->v = mem_deref(s->v);
	s->n = s->cap = 0;
}


static void destructor(void *arg)
{
	struct lt_stats *st = arg;
	struct priv *pv = st->priv;
	int i;

	series_free(&pv->conn);
	series_free(&pv->audio);
	for (i = 0; i < 2; i++) {
		series_free(&pv->loss[i]);
		series_free(&pv->jit[i]);
	}
	mem_deref(pv);
}


static void series_add(struct series *s, double v)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		double *nv = s->v ? mem_realloc(s->v, cap * sizeof(*nv)) :
			mem_alloc(cap * sizeof(*nv), NULL);

		if (!nv)
			return;
		s->v = nv;
		s->cap = cap;
	}
	s->v[s->n++] = v;
}


static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}


double lt_pct(double *v, size_t n, double q)
{
	size_t i;

	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), dbl_cmp);
	/* nearest rank */
	i = (size_t)ceil(q / 100.0 * (double)n);
	if (i < 1)
		i = 1;
	if (i > n)
		i = n;

	return v[i - 1];
}


int lt_stats_alloc(struct lt_stats **stp)
{
	struct lt_stats *st;

	if (!stp)
		return EINVAL;
	st = mem_zalloc(sizeof(*st), destructor);
	if (!st)
		return ENOMEM;
	st->priv = mem_zalloc(sizeof(struct priv), NULL);
	if (!st->priv) {
		mem_deref(st);
		return ENOMEM;
	}
	((struct priv *)st->priv)->t0 = tmr_jiffies();
	*stp = st;

	return 0;
}


void lt_stats_join(struct lt_stats *st, uint64_t to_connected,
		   uint64_t to_audio)
{
	struct priv *pv = st->priv;

	if (to_connected)
		series_add(&pv->conn, (double)to_connected);
	if (to_audio)
		series_add(&pv->audio, (double)to_audio);
}


void lt_stats_stream(struct lt_stats *st, enum lt_kind kind,
		     double loss_pct, double jitter_ms, uint64_t pkts)
{
	struct priv *pv = st->priv;

	(void)pkts;
	series_add(&pv->loss[kind], loss_pct);
	series_add(&pv->jit[kind], jitter_ms);
	pv->streams[kind]++;
}


double lt_stats_loss_pct(const struct lt_stats *st)
{
	if (!st->expected || st->received >= st->expected)
		return 0;

	return 100.0 * (double)(st->expected - st->received) /
		(double)st->expected;
}


void lt_stats_tick(struct lt_stats *st, const struct lt_tick_extra *x)
{
	struct priv *pv = st->priv;
	const struct lt_stats *o = &pv->prev;
	double jit, rtt, loss = 0;
	unsigned nj, nr;
	uint64_t exp, rcv;
	struct calls_jw w;

	lt_peer_figures(&jit, &nj, &rtt, &nr);
	exp = st->expected - o->expected;
	rcv = st->received - o->received;
	if (exp > rcv)
		loss = 100.0 * (double)(exp - rcv) / (double)exp;
	if (loss > pv->loss_max_tick)
		pv->loss_max_tick = loss;
	pv->ticks++;

	if (calls_jw_init(&w))
		return;
	calls_jw_obj_begin(&w, NULL);
	calls_jw_str(&w, "type", "tick");
	calls_jw_dbl(&w, "t", (tmr_jiffies() - pv->t0) / 1000.0);
	calls_jw_uint(&w, "joined", st->joined);
	calls_jw_uint(&w, "connected", st->connected);
	calls_jw_uint(&w, "failed", st->failed);
	calls_jw_uint(&w, "left", st->left);
	calls_jw_uint(&w, "pkts_in", st->pkts_in - o->pkts_in);
	calls_jw_uint(&w, "pkts_out", st->pkts_out - o->pkts_out);
	calls_jw_uint(&w, "bytes_in", st->bytes_in - o->bytes_in);
	calls_jw_uint(&w, "bytes_out", st->bytes_out - o->bytes_out);
	calls_jw_uint(&w, "rtp_expected", exp);
	calls_jw_uint(&w, "rtp_received", rcv);
	calls_jw_dbl(&w, "loss_pct", loss);
	if (nj)
		calls_jw_dbl(&w, "jitter_ms", jit);
	else
		calls_jw_null(&w, "jitter_ms");
	if (nr)
		calls_jw_dbl(&w, "rtt_ms", rtt);
	else
		calls_jw_null(&w, "rtt_ms");
	calls_jw_uint(&w, "nack_in", st->nack_in - o->nack_in);
	calls_jw_uint(&w, "pli_in", st->pli_in - o->pli_in);
	calls_jw_uint(&w, "auth_ok", st->auth_ok - o->auth_ok);
	calls_jw_uint(&w, "auth_fail", st->auth_fail - o->auth_fail);
	if (x && x->has_sfu) {
		calls_jw_dbl(&w, "sfu_cpu_pct", x->cpu_pct);
		calls_jw_uint(&w, "sfu_rss_kb", x->rss_kb);
	}
	calls_jw_obj_end(&w);
	(void)calls_jw_line(&w, stdout);
	calls_jw_close(&w);

	pv->prev = *st;
}


static void pct_obj(struct calls_jw *w, const char *key, struct series *s)
{
	calls_jw_obj_begin(w, key);
	calls_jw_uint(w, "n", s->n);
	if (s->n) {
		calls_jw_dbl(w, "p50", lt_pct(s->v, s->n, 50));
		calls_jw_dbl(w, "p95", lt_pct(s->v, s->n, 95));
		calls_jw_dbl(w, "p99", lt_pct(s->v, s->n, 99));
		calls_jw_dbl(w, "max", lt_pct(s->v, s->n, 100));
	}
	calls_jw_obj_end(w);
}


double lt_stats_join_p95(const struct lt_stats *st)
{
	struct priv *pv = st->priv;

	return lt_pct(pv->conn.v, pv->conn.n, 95);
}


double lt_stats_stream_loss_max(const struct lt_stats *st)
{
	struct priv *pv = st->priv;
	double a = lt_pct(pv->loss[0].v, pv->loss[0].n, 100);
	double b = lt_pct(pv->loss[1].v, pv->loss[1].n, 100);

	return a > b ? a : b;
}


static const char *const kind_names[2] = {"audio", "video"};


/* calls-lt's own CPU time so far (user + system), to show it stays
 * lighter than the SFU it loads */
static double self_cpu_s(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru))
		return 0;

	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
		ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}


static void summary_text(struct lt_stats *st, const struct lt_summary *sm)
{
	struct priv *pv = st->priv;
	int i;

	/* human summary on stderr */
	fprintf(stderr, "calls-lt summary (%s, %.1f s)\n", sm->target,
		   (tmr_jiffies() - pv->t0) / 1000.0);
	fprintf(stderr, "  users: %u joined, %u connected, %u failed\n",
		   st->joined, st->connected, st->failed);
	for (i = 1; i < LT_FAIL_N; i++)
		if (st->fails[i])
			fprintf(stderr, "    failed %s: %u\n",
				   lt_fail_name(i), st->fails[i]);
	fprintf(stderr, "  join->connected ms: p50 %.0f p95 %.0f "
		   "p99 %.0f (n %zu)\n",
		   lt_pct(pv->conn.v, pv->conn.n, 50),
		   lt_pct(pv->conn.v, pv->conn.n, 95),
		   lt_pct(pv->conn.v, pv->conn.n, 99), pv->conn.n);
	fprintf(stderr, "  join->first audio ms: p50 %.0f p95 %.0f "
		   "p99 %.0f (n %zu)\n",
		   lt_pct(pv->audio.v, pv->audio.n, 50),
		   lt_pct(pv->audio.v, pv->audio.n, 95),
		   lt_pct(pv->audio.v, pv->audio.n, 99), pv->audio.n);
	fprintf(stderr, "  RTP: %llu expected, %llu received, "
		   "loss %.3f%%; packets in %llu out %llu\n",
		   (unsigned long long)st->expected,
		   (unsigned long long)st->received, lt_stats_loss_pct(st),
		   (unsigned long long)st->pkts_in,
		   (unsigned long long)st->pkts_out);
	for (i = 0; i < 2; i++) {
		if (!pv->streams[i])
			continue;
		fprintf(stderr, "  %s streams %llu: loss%% p50 %.2f p95 "
			   "%.2f max %.2f; jitter ms p50 %.1f p95 %.1f max "
			   "%.1f\n", kind_names[i],
			   (unsigned long long)pv->streams[i],
			   lt_pct(pv->loss[i].v, pv->loss[i].n, 50),
			   lt_pct(pv->loss[i].v, pv->loss[i].n, 95),
			   lt_pct(pv->loss[i].v, pv->loss[i].n, 100),
			   lt_pct(pv->jit[i].v, pv->jit[i].n, 50),
			   lt_pct(pv->jit[i].v, pv->jit[i].n, 95),
			   lt_pct(pv->jit[i].v, pv->jit[i].n, 100));
	}
	fprintf(stderr, "  calls-lt CPU: %.2f s\n", self_cpu_s());
	fprintf(stderr, "  SRTP auth samples: %llu ok, %llu failed; "
		   "NACK in %llu, PLI in %llu\n",
		   (unsigned long long)st->auth_ok,
		   (unsigned long long)st->auth_fail,
		   (unsigned long long)st->nack_in,
		   (unsigned long long)st->pli_in);
}


static void summary_json(struct lt_stats *st, const struct lt_summary *sm)
{
	struct priv *pv = st->priv;
	struct calls_jw w;
	int i;

	if (calls_jw_init(&w))
		return;
	calls_jw_obj_begin(&w, NULL);
	calls_jw_str(&w, "type", "summary");
	calls_jw_str(&w, "target", sm->target);
	calls_jw_uint(&w, "calls", sm->calls);
	calls_jw_uint(&w, "users_per_call", sm->users_per_call);
	calls_jw_uint(&w, "unmuted_per_call", sm->unmuted);
	calls_jw_uint(&w, "screen_sharing", sm->screen);
	calls_jw_dbl(&w, "duration_s", (tmr_jiffies() - pv->t0) / 1000.0);
	calls_jw_bool(&w, "interrupted", sm->interrupted);
	calls_jw_uint(&w, "joined", st->joined);
	calls_jw_uint(&w, "connected", st->connected);
	calls_jw_uint(&w, "failed", st->failed);
	calls_jw_obj_begin(&w, "failures");
	for (i = 1; i < LT_FAIL_N; i++)
		calls_jw_uint(&w, lt_fail_name(i), st->fails[i]);
	calls_jw_obj_end(&w);
	calls_jw_obj_begin(&w, "join_ms");
	pct_obj(&w, "connected", &pv->conn);
	pct_obj(&w, "first_audio", &pv->audio);
	calls_jw_obj_end(&w);
	calls_jw_uint(&w, "rtp_expected", st->expected);
	calls_jw_uint(&w, "rtp_received", st->received);
	calls_jw_dbl(&w, "loss_pct", lt_stats_loss_pct(st));
	calls_jw_dbl(&w, "loss_pct_worst_second", pv->loss_max_tick);
	calls_jw_uint(&w, "pkts_in", st->pkts_in);
	calls_jw_uint(&w, "pkts_out", st->pkts_out);
	calls_jw_uint(&w, "bytes_in", st->bytes_in);
	calls_jw_uint(&w, "bytes_out", st->bytes_out);
	calls_jw_uint(&w, "nack_in", st->nack_in);
	calls_jw_uint(&w, "pli_in", st->pli_in);
	calls_jw_dbl(&w, "lt_cpu_s", self_cpu_s());
	calls_jw_uint(&w, "srtp_auth_ok", st->auth_ok);
	calls_jw_uint(&w, "srtp_auth_fail", st->auth_fail);
	calls_jw_obj_begin(&w, "streams");
	for (i = 0; i < 2; i++) {
		calls_jw_obj_begin(&w, kind_names[i]);
		calls_jw_uint(&w, "n", pv->streams[i]);
		pct_obj(&w, "loss_pct", &pv->loss[i]);
		pct_obj(&w, "jitter_ms", &pv->jit[i]);
		calls_jw_obj_end(&w);
	}
	calls_jw_obj_end(&w);
	if (sm->sfu)
		lt_sfumetrics_json(sm->sfu, &w, sm);
	calls_jw_obj_end(&w);
	(void)calls_jw_line(&w, stdout);
	calls_jw_close(&w);
}


void lt_stats_summary(struct lt_stats *st, const struct lt_summary *sm)
{
	summary_text(st, sm);
	summary_json(st, sm);
	if (sm->sfu)
		lt_sfumetrics_print(sm->sfu, sm);
}
