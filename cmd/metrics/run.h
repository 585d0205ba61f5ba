/**
 * @file run.h  calls-metrics: what main() hands to the two commands
 */
#ifndef METRICS_RUN_H
#define METRICS_RUN_H

#include "metrics.h"

struct run_cfg {
	struct scrape_opts so;
	const char *const *targets;
	size_t targetc;
	enum out_format fmt;
	bool group;
	bool count_only;
	bool strict;
	bool json;              /* summary --format json */
	const char *filter;
	const char *check;
	const char *target_label;   /* NULL: "target" when several */
	double interval;        /* 0: one scrape */
	unsigned long count;    /* watch rounds; 0: until stopped */
	double qv[16];
	size_t qc;
};

int opts_parse(struct run_cfg *cfg, int argc, char **argv, bool *summaryp);
int run_scrape(const struct run_cfg *cfg);
int run_summary(const struct run_cfg *cfg);

#endif
