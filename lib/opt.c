/**
 * @file opt.c  Options every calls-* command shares
 */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include "re_inc.h"
#include "exitcode.h"
#include "log.h"
#include "opt.h"
#include "config.h"



void calls_version_print(FILE *f, const struct calls_prog *prog)
{
	fprintf(f, "%s %s\n", prog->name, CALLS_VERSION);
	fprintf(f, "libre %s\n", sys_libre_version_get());
	fprintf(f, "%s\n", OpenSSL_version(OPENSSL_VERSION));
	if (prog->versions)
		prog->versions(f);
}


/* Long option names, one a line: the docs test compares them with the
 * man page, so an option cannot be added without being documented. */
void calls_opt_list(FILE *f, const struct option *table)
{
	for (; table && table->name; table++) {
		if (!strcmp(table->name, "list-options"))
			continue;
		fprintf(f, "--%s\n", table->name);
	}
}


int calls_usage_error(const struct calls_prog *prog, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help' for more information.\n",
		prog->name);

	return CALLS_EXIT_USAGE;
}


enum calls_opt_res calls_opt_common(const struct calls_prog *prog, int c,
				    const char *arg,
				    const struct option *table, int *exitp)
{
	enum calls_log_level level;
	enum calls_log_format fmt;

	switch (c) {

	case 'v':
		level = calls_log_get_level();
		if (level < CALLS_LOG_TRACE)
			calls_log_set_level(level + 1);
		return CALLS_OPT_OK;

	case 'q':
		calls_log_set_level(CALLS_LOG_ERROR);
		return CALLS_OPT_OK;

	case CALLS_OPT_LOG_LEVEL:
		if (calls_log_level_parse(&level, arg)) {
			*exitp = calls_usage_error(prog,
				"invalid --log-level '%s' (error, warn, info,"
				" debug, trace)", arg);
			return CALLS_OPT_EXIT;
		}
		calls_log_set_level(level);
		return CALLS_OPT_OK;

	case CALLS_OPT_LOG_FORMAT:
		if (calls_log_format_parse(&fmt, arg)) {
			*exitp = calls_usage_error(prog,
				"invalid --log-format '%s' (text, json)", arg);
			return CALLS_OPT_EXIT;
		}
		calls_log_set_format(fmt);
		return CALLS_OPT_OK;

	case 'h':
		fputs(prog->help, stdout);
		*exitp = CALLS_EXIT_OK;
		return CALLS_OPT_EXIT;

	case 'V':
		calls_version_print(stdout, prog);
		*exitp = CALLS_EXIT_OK;
		return CALLS_OPT_EXIT;

	case CALLS_OPT_LIST_OPTIONS:
		calls_opt_list(stdout, table);
		*exitp = CALLS_EXIT_OK;
		return CALLS_OPT_EXIT;

	case '?':
	case ':':
		/* getopt printed what was wrong */
		fprintf(stderr, "Try '%s --help' for more information.\n",
			prog->name);
		*exitp = CALLS_EXIT_USAGE;
		return CALLS_OPT_EXIT;

	default:
		return CALLS_OPT_NOT_COMMON;
	}
}


/** Whole decimal number in [min, max], nothing else on the line */
int calls_opt_uint(unsigned long *vp, const char *s, unsigned long min,
		   unsigned long max)
{
	unsigned long v;
	char *end;

	if (!vp || !s || !*s || *s == '-' || *s == '+')
		return EINVAL;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return EINVAL;

	*vp = v;

	return 0;
}


int calls_opt_double(double *vp, const char *s, double min, double max)
{
	double v;
	char *end;

	if (!vp || !s || !*s)
		return EINVAL;

	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v) || v < min || v > max)
		return EINVAL;

	*vp = v;

	return 0;
}


/** "250ms", "1.5s", "2m", "1h", or plain seconds: "0.2" */
int calls_opt_duration(double *secp, const char *s)
{
	double v, mul = 1.0;
	char *end;

	if (!secp || !s || !*s || *s == '-')
		return EINVAL;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !isfinite(v) || v < 0)
		return EINVAL;

	if (!strcmp(end, "") || !strcmp(end, "s"))
		mul = 1.0;
	else if (!strcmp(end, "ms"))
		mul = 0.001;
	else if (!strcmp(end, "us"))
		mul = 0.000001;
	else if (!strcmp(end, "m"))
		mul = 60.0;
	else if (!strcmp(end, "h"))
		mul = 3600.0;
	else
		return EINVAL;

	*secp = v * mul;

	return 0;
}
