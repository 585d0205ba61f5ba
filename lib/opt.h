/**
 * @file opt.h  Options every calls-* command shares
 *
 * Each command has one getopt_long table and appends CALLS_OPT_COMMON;
 * its loop hands unknown codes to calls_opt_common() first.
 */
#ifndef CALLS_OPT_H
#define CALLS_OPT_H

#include <getopt.h>
#include <stdio.h>

enum {
	CALLS_OPT_LOG_LEVEL = 0x1000,
	CALLS_OPT_LOG_FORMAT,
	CALLS_OPT_LIST_OPTIONS,
	CALLS_OPT_FIRST_PRIVATE = 0x1100,  /**< commands number theirs here */
};

#define CALLS_OPT_COMMON_SHORT "vqhV"
#define CALLS_OPT_COMMON \
	{"verbose",      no_argument,       NULL, 'v'}, \
	{"quiet",        no_argument,       NULL, 'q'}, \
	{"log-level",    required_argument, NULL, CALLS_OPT_LOG_LEVEL}, \
	{"log-format",   required_argument, NULL, CALLS_OPT_LOG_FORMAT}, \
	{"help",         no_argument,       NULL, 'h'}, \
	{"version",      no_argument,       NULL, 'V'}, \
	{"list-options", no_argument,       NULL, CALLS_OPT_LIST_OPTIONS}

/** What a command tells the shared option code about itself */
struct calls_prog {
	const char *name;       /**< "calls-stun"                      */
	const char *help;       /**< --help text (generated from docs) */
	void (*versions)(FILE *f);  /**< extra library versions, or NULL */
};

enum calls_opt_res {
	CALLS_OPT_OK = 0,        /**< handled, go on parsing             */
	CALLS_OPT_NOT_COMMON,    /**< not a shared option                */
	CALLS_OPT_EXIT,          /**< done (--help, --version) or error  */
};

enum calls_opt_res calls_opt_common(const struct calls_prog *prog, int c,
				    const char *arg,
				    const struct option *table, int *exitp);
int  calls_usage_error(const struct calls_prog *prog, const char *fmt, ...);
void calls_version_print(FILE *f, const struct calls_prog *prog);
void calls_opt_list(FILE *f, const struct option *table);
int  calls_opt_uint(unsigned long *vp, const char *s, unsigned long min,
		    unsigned long max);
int  calls_opt_double(double *vp, const char *s, double min, double max);
int  calls_opt_duration(double *secp, const char *s);

#endif
