/**
 * @file ltint.h  calls-lt: what main.c, scenario.c, stats.c and
 *                sfumetrics.c share (the drivers need only lt.h)
 */
#ifndef CALLS_LTINT_H
#define CALLS_LTINT_H

#include "re_inc.h"

struct calls_jw;
struct lt_sfumetrics;

/** Everything the command line sets */
struct lt_opts {
	const char *url;
	const char *target;        /**< "sfu" (default) or "janus"    */
	const char *client_id;
	const char *auth_key;
	const char *opus_path;
	const char *ivf_path;
	const char *sfu_metrics;   /**< URL of the SFU's /metrics     */
	const char *dns_server;    /**< host:port for name lookups    */
	const char *local_addr;    /**< address in our candidates     */
	unsigned calls;
	unsigned users;            /**< per call                      */
	unsigned unmuted;          /**< per call                      */
	unsigned screen;           /**< calls with a sharer           */
	double duration;           /**< s after the last join         */
	double join_duration;      /**< ramp-up, s                    */
	double join_rate;          /**< users/s, 0: from ramp-up      */
	unsigned offset;           /**< first call number             */
	double mute_churn;         /**< s between toggles, 0: off     */
	double max_loss;           /**< %, < 0: not checked           */
	double max_join_p95;       /**< ms, < 0: not checked          */
	long max_failures;         /**< < 0: not checked              */
	int sfu_pid;
};

struct lt_tick_extra {
	bool has_sfu;
	double cpu_pct;
	uint64_t rss_kb;
};

struct lt_summary {
	const char *target;
	unsigned calls, users_per_call, unmuted, screen;
	bool interrupted;
	struct lt_sfumetrics *sfu;
	struct lt_stats *st;
};

/* scenario.c: runs the whole test, returns the exit status */
int  lt_run(const struct lt_opts *o);

/* stats.c */
double lt_pct(double *v, size_t n, double q);
double lt_stats_loss_pct(const struct lt_stats *st);
double lt_stats_join_p95(const struct lt_stats *st);
double lt_stats_stream_loss_max(const struct lt_stats *st);
void lt_stats_tick(struct lt_stats *st, const struct lt_tick_extra *x);
void lt_stats_summary(struct lt_stats *st, const struct lt_summary *sm);

/* sfumetrics.c: the SFU's /metrics and /proc/PID, sampled each second */
int  lt_sfumetrics_alloc(struct lt_sfumetrics **smp, const char *url,
			 int pid);
void lt_sfumetrics_sample(struct lt_sfumetrics *sm, struct lt_stats *st,
			  struct lt_tick_extra *x);
void lt_sfumetrics_json(struct lt_sfumetrics *sm, struct calls_jw *w,
			const struct lt_summary *s);
void lt_sfumetrics_print(struct lt_sfumetrics *sm,
			 const struct lt_summary *s);

/* http.c: a small blocking HTTP/1.1 client (register, /system,
 * /metrics); *bodyp is a mem string. Resolves with dns_server if set */
int  lt_http(const char *method, const char *url, const char *auth,
	     const char *body, unsigned timeout_ms, int *statusp,
	     char **bodyp);
/** The addresses url's host resolves to (IP literal: itself) */
int  lt_resolve(const char *url, const char *dns_server, struct sa *sav,
		size_t *np);
/** A whole response is in mb (head and Content-Length bytes) */
bool lt_http_complete(const struct mbuf *mb);
/** Status and body (mem string, chunked coding undone) of the response
 *  in mb; EBADMSG if it is not HTTP/1.x */
int  lt_http_parse(struct mbuf *mb, int *statusp, char **bodyp);
/** Up to *np A records of a DNS response r (rl >= 12 bytes) whose
 *  header and question take ql bytes; ENOENT for none */
int  lt_dns_answer_parse(const uint8_t *r, size_t rl, size_t ql,
			 uint16_t port, struct sa *sav, size_t *np);
/** The server lt_resolve uses when given none (--dns-server) */
void lt_resolve_set_server(const char *srv);
/** url with its host replaced by addr (mem string) */
int  lt_url_with_addr(char **outp, const char *url, const struct sa *addr);

#endif
