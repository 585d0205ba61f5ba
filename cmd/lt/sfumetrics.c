/**
 * @file sfumetrics.c  calls-lt: the SFU's own figures, sampled each second
 *
 * From --sfu-metrics URL (the SFU's /metrics, parsed with lib/prom):
 * rtcd_process_cpu_seconds_total and rtcd_process_resident_memory_bytes
 * (or process_* for other exporters). From --sfu-pid PID on this host:
 * utime+stime of /proc/PID/stat and VmRSS of /proc/PID/status (these win
 * when both are given). Averages over the run's samples after the first
 * give the guide's row: CPU (avg, % of one core), memory (avg), and the
 * bandwidth the load generator sent to and received from the SFU, plus
 * forwarded packets per CPU-second (RTP packets our peers received per
 * second of SFU CPU) and memory per session (RSS growth from the first
 * sample to the peak, per connected session at the peak).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "re_inc.h"
#include "json.h"
#include "log.h"
#include "prom.h"
#include "lt.h"
#include "ltint.h"

struct lt_sfumetrics {
	char *url;
	int pid;
	bool have_prev;
	double cpu_prev;        /* s */
	uint64_t t_prev;        /* ms */
	uint64_t rx_prev, bin_prev, bout_prev;
	double cpu_first;
	uint64_t rx_first, t_first, bin_first, bout_first;
	double cpu_sum, rss_sum;
	unsigned n;
	double cpu_last;
	uint64_t rx_last, t_last, bin_last, bout_last;
	unsigned connected_max;
	double rss_max, rss_first;
};


static void destructor(void *arg)
{
	struct lt_sfumetrics *sm = arg;

	mem_deref(sm->url);
}


int lt_sfumetrics_alloc(struct lt_sfumetrics **smp, const char *url,
			int pid)
{
	struct lt_sfumetrics *sm;
	int err = 0;

	sm = mem_zalloc(sizeof(*sm), destructor);
	if (!sm)
		return ENOMEM;
	sm->pid = pid;
	if (url)
		err = str_dup(&sm->url, url);
	if (err)
		mem_deref(sm);
	else
		*smp = sm;

	return err;
}


static int proc_sample(int pid, double *cpu, double *rss_kb)
{
	char path[64], buf[2048], *p;
	unsigned long ut, st;
	FILE *f;
	size_t n;

	re_snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return errno;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u"
			 " %lu %lu", &ut, &st) != 2)
		return EBADMSG;
	*cpu = (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);

	re_snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	if (!f)
		return errno;
	*rss_kb = 0;
	while (fgets(buf, sizeof(buf), f))
		if (!strncmp(buf, "VmRSS:", 6))
			*rss_kb = strtod(buf + 6, NULL);
	fclose(f);

	return 0;
}


struct scan {
	double cpu, rss;
	bool has_cpu, has_rss;
};


static bool name_is(const struct calls_prom_str *s, const char *a)
{
	return s->l == strlen(a) && !memcmp(s->p, a, s->l);
}


static int sample_h(const struct calls_prom_sample *smp, void *arg)
{
	struct scan *sc = arg;

	if (name_is(&smp->name, "rtcd_process_cpu_seconds_total") ||
	    name_is(&smp->name, "process_cpu_seconds_total")) {
		sc->cpu = smp->value;
		sc->has_cpu = true;
	}
	else if (name_is(&smp->name, "rtcd_process_resident_memory_bytes") ||
		 name_is(&smp->name, "process_resident_memory_bytes")) {
		sc->rss = smp->value / 1024.0;
		sc->has_rss = true;
	}

	return 0;
}


static int metrics_sample(const char *url, double *cpu, double *rss_kb)
{
	struct calls_prom *pp = NULL;
	struct scan sc;
	char *body = NULL;
	int status = 0, err;

	memset(&sc, 0, sizeof(sc));
	err = lt_http("GET", url, NULL, NULL, 2000, &status, &body);
	if (err)
		return err;
	if (status != 200) {
		err = EPROTO;
		goto out;
	}
	err = calls_prom_alloc(&pp, sample_h, NULL, &sc);
	if (!err)
		err = calls_prom_parse(pp, body, strlen(body),
				       CALLS_PROM_FMT_AUTO, NULL);
	if (err)
		goto out;
	if (!sc.has_cpu || !sc.has_rss) {
		err = ENOENT;
		goto out;
	}
	*cpu = sc.cpu;
	*rss_kb = sc.rss;

 out:
	mem_deref(pp);
	mem_deref(body);
	return err;
}


void lt_sfumetrics_sample(struct lt_sfumetrics *sm, struct lt_stats *st,
			  struct lt_tick_extra *x)
{
	double cpu = 0, rss = 0;
	uint64_t now = tmr_jiffies();
	int err = ENOENT;

	if (sm->pid)
		err = proc_sample(sm->pid, &cpu, &rss);
	else if (sm->url)
		err = metrics_sample(sm->url, &cpu, &rss);
	if (err) {
		log_debug("calls-lt: SFU sample: %m", err);
		return;
	}

	if (sm->have_prev && now > sm->t_prev) {
		x->has_sfu = true;
		x->cpu_pct = 100.0 * (cpu - sm->cpu_prev) * 1000.0 /
			(double)(now - sm->t_prev);
		x->rss_kb = (uint64_t)rss;
		sm->cpu_sum += x->cpu_pct;
		sm->rss_sum += rss;
		sm->n++;
		sm->cpu_last = cpu;
		sm->t_last = now;
		sm->rx_last = st->received;
		sm->bin_last = st->bytes_out;
		sm->bout_last = st->bytes_in;
		if (st->connected > sm->connected_max)
			sm->connected_max = st->connected;
		if (rss > sm->rss_max)
			sm->rss_max = rss;
	}
	else if (!sm->have_prev) {
		sm->cpu_first = cpu;
		sm->rss_first = rss;
		sm->t_first = now;
		sm->rx_first = st->received;
		sm->bin_first = st->bytes_out;
		sm->bout_first = st->bytes_in;
	}
	sm->have_prev = true;
	sm->cpu_prev = cpu;
	sm->t_prev = now;
}


struct row {
	double cpu_avg, rss_avg_mb, in_mbps, out_mbps, pps_per_cpu;
	double kb_per_session;
	bool ok;
};


static void row_get(const struct lt_sfumetrics *sm, struct row *r)
{
	double secs = (sm->t_last - sm->t_first) / 1000.0;
	double cpu = sm->cpu_last - sm->cpu_first;

	memset(r, 0, sizeof(*r));
	if (!sm->n || secs <= 0)
		return;
	r->ok = true;
	r->cpu_avg = sm->cpu_sum / sm->n;
	r->rss_avg_mb = sm->rss_sum / sm->n / 1024.0;
	r->in_mbps = (sm->bin_last - sm->bin_first) * 8 / secs / 1e6;
	r->out_mbps = (sm->bout_last - sm->bout_first) * 8 / secs / 1e6;
	r->pps_per_cpu = cpu > 0 ?
		(double)(sm->rx_last - sm->rx_first) / cpu : 0;
	/* growth over the first sample (taken 1 s into the run, with few
	 * or no sessions) per session at the peak */
	r->kb_per_session = sm->connected_max && sm->rss_max > sm->rss_first ?
		(sm->rss_max - sm->rss_first) / sm->connected_max : 0;
}


void lt_sfumetrics_json(struct lt_sfumetrics *sm, struct calls_jw *w,
			const struct lt_summary *s)
{
	struct row r;

	(void)s;
	row_get(sm, &r);
	calls_jw_obj_begin(w, "sfu");
	calls_jw_uint(w, "samples", sm->n);
	if (r.ok) {
		calls_jw_dbl(w, "cpu_avg_pct", r.cpu_avg);
		calls_jw_dbl(w, "rss_avg_mb", r.rss_avg_mb);
		calls_jw_dbl(w, "bandwidth_in_mbps", r.in_mbps);
		calls_jw_dbl(w, "bandwidth_out_mbps", r.out_mbps);
		calls_jw_dbl(w, "fwd_pkts_per_cpu_s", r.pps_per_cpu);
		calls_jw_dbl(w, "rss_kb_per_session", r.kb_per_session);
	}
	calls_jw_obj_end(w);
}


void lt_sfumetrics_print(struct lt_sfumetrics *sm,
			 const struct lt_summary *s)
{
	struct row r;

	row_get(sm, &r);
	if (!r.ok) {
		fprintf(stderr, "  SFU: not enough samples\n");
		return;
	}
	fprintf(stderr, "\n| Calls | Users/call | Unmuted/call | "
		   "Screen sharing | CPU (avg) | Memory (avg) | "
		   "Bandwidth (in/out) |\n");
	fprintf(stderr, "| %u | %u | %u | %u | %.1f%% | %.1f MB | "
		   "%.2f Mbps / %.2f Mbps |\n", s->calls, s->users_per_call,
		   s->unmuted, s->screen, r.cpu_avg, r.rss_avg_mb, r.in_mbps,
		   r.out_mbps);
	fprintf(stderr, "  forwarded packets per CPU-second: %.0f; "
		   "memory per session: %.0f KB\n", r.pps_per_cpu,
		   r.kb_per_session);
}
