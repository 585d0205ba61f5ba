/**
 * @file metrics.h  calls-metrics: modules and the record they pass around
 *
 * Data flow of one round:
 *
 *     scrape (libcurl multi)  ->  body of each target
 *     batch_parse (lib/prom)  ->  struct batch of records per target
 *     watch_derive            ->  rates and quantiles (watch mode only)
 *     jqf (libjq)             ->  --filter per record, --check per target
 *     out_*                   ->  JSON lines, groups, table or exposition
 *
 * A record's strings point into the target's body buffer, into static
 * strings, or into values the jq filter keeps until the round ends.
 */
#ifndef METRICS_H
#define METRICS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "prom.h"

struct mbuf;
struct re_printf;

enum rec_kind {
	REC_RAW = 0,     /**< a sample as scraped                    */
	REC_RATE,        /**< a counter's per-second rate            */
	REC_QUANTILE,    /**< a histogram quantile over the interval */
};

struct rec {
	const char *target;
	struct calls_prom_str name;
	struct calls_prom_str fam;     /**< family name                 */
	struct calls_prom_str help;
	enum calls_prom_type type;
	enum calls_prom_suffix sfx;
	enum rec_kind kind;
	const struct calls_prom_label *labv;
	size_t labc;
	size_t lab_off;                /**< into batch->labv, parse-time */
	double value;
	int64_t ts_ms;
	bool has_ts;
};

/** All records of one target in one round */
struct batch {
	const char *target;
	struct rec *recv;
	size_t recc, recsz;
	struct calls_prom_label *labv;
	size_t labc, labsz;
	struct mbuf *body;             /**< what the strings point into */
	unsigned errors;               /**< lines rejected              */
	size_t samples;                /**< samples read                */
	bool count_only;               /**< count, keep no records      */
};

/* batch.c */
void batch_init(struct batch *b, const char *target);
void batch_reset(struct batch *b);
void batch_free(struct batch *b);
int  batch_add(struct batch *b, const struct rec *r,
	       const struct calls_prom_label *labv, size_t labc);
void batch_fix(struct batch *b);
int  batch_parse(struct batch *b, enum calls_prom_fmt fmt);
const struct calls_prom_label *rec_label(const struct rec *r,
					 const char *name);
const char *rec_type_name(const struct rec *r);
void rec_family(struct rec *r);
int  rec_json(struct re_printf *pf, const struct rec *r);
int  json_str(struct re_printf *pf, const struct calls_prom_str *s);
int  json_value(struct re_printf *pf, double v);

/* scrape.c: libcurl */
struct scrape_opts {
	double timeout;         /**< seconds, whole transfer            */
	double connect_timeout;
	unsigned retries;
	double retry_delay;
	const char *user;       /**< "user:password" for basic auth     */
	const char *bearer;     /**< token                              */
	const char *cacert;
	bool insecure;
	const char *accept;
	const char *const *headers;
	size_t headerc;
};

struct scrape_result {
	const char *target;
	struct mbuf *body;      /**< NUL-spare; NULL on error            */
	enum calls_prom_fmt fmt;
	long status;
	char error[320];        /**< "" when ok                          */
};

int  scrape_global_init(void);
void scrape_global_close(void);
const char *scrape_version(void);
/** Fetches every target at once; results[i] for targets[i] */
int  scrape_run(const struct scrape_opts *opts, const char *const *targets,
		size_t n, struct scrape_result *results);
void scrape_result_reset(struct scrape_result *r);
int  scrape_read_fd(int fd, struct mbuf **mbp);

/* jqf.c: libjq */
struct jqf;
/** Receives each output: JSON text, and a record if it is one */
typedef int (jqf_out_h)(const char *json, const struct rec *rec,
			void *arg);
int  jqf_alloc(struct jqf **jqfp, const char *expr, char *err,
	       size_t errsz);
int  jqf_run(struct jqf *jqf, const char *json, jqf_out_h *outh,
	     void *arg);
int  jqf_test(struct jqf *jqf, const char *json, bool *okp, char *why,
	      size_t whysz);
void jqf_release(struct jqf *jqf);
const char *jqf_version(void);

/* watch.c: rates and quantiles between two rounds */
struct watch;
int  watch_alloc(struct watch **wp, const double *qv, size_t qc);
int  watch_derive(struct watch *w, const struct batch *prev,
		  const struct batch *cur, double dt, struct batch *out);
double watch_hist_quantile(double q, const double *le, const double *cnt,
			   size_t n);

/* output.c */
enum out_format {
	OUT_JSON = 0,
	OUT_TABLE,
	OUT_PROM,
};

struct out;
int  out_alloc(struct out **outp, enum out_format fmt, bool group,
	       const char *target_label, FILE *f);
int  out_rec(struct out *out, const struct rec *r);
int  out_json(struct out *out, const char *json);
int  out_group(struct out *out, const struct batch *b, struct jqf *filter);
int  out_flush(struct out *out);

/* summary.c */
struct summary_opts {
	double interval;
	bool json;
};
int summary_print(FILE *f, const struct batch *first,
		  const struct batch *second, double dt, bool json);

#endif
