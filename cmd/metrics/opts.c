/**
 * @file opts.c  calls-metrics: the command line
 *
 *     calls-metrics scrape [OPTIONS] URL...
 *     calls-metrics summary [OPTIONS] URL...
 *
 * One getopt_long table per command; connection options are shared by
 * both. Returns -1 to go on, or the exit status (after --help, a usage
 * error, ...).
 */
#include <stdlib.h>
#include <string.h>
#include "re_inc.h"
#include "exitcode.h"
#include "log.h"
#include "opt.h"
#include "run.h"

static const char help_text[] =
#include "help.inc"
;

enum {
	OPT_FILTER = CALLS_OPT_FIRST_PRIVATE,
	OPT_CHECK,
	OPT_QUANTILES,
	OPT_TARGET_LABEL,
	OPT_COUNT_ONLY,
	OPT_STRICT,
	OPT_CONNECT_TIMEOUT,
	OPT_RETRIES,
	OPT_RETRY_DELAY,
	OPT_BEARER,
	OPT_BEARER_FILE,
	OPT_CACERT,
	OPT_ACCEPT,
};

#define CONN_OPTIONS \
	{"timeout",         required_argument, NULL, 't'}, \
	{"connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT}, \
	{"retries",         required_argument, NULL, OPT_RETRIES}, \
	{"retry-delay",     required_argument, NULL, OPT_RETRY_DELAY}, \
	{"user",            required_argument, NULL, 'u'}, \
	{"bearer",          required_argument, NULL, OPT_BEARER}, \
	{"bearer-file",     required_argument, NULL, OPT_BEARER_FILE}, \
	{"cacert",          required_argument, NULL, OPT_CACERT}, \
	{"insecure",        no_argument,       NULL, 'k'}, \
	{"header",          required_argument, NULL, 'H'}, \
	{"accept",          required_argument, NULL, OPT_ACCEPT}

static const struct option scrape_opts[] = {
	{"format",       required_argument, NULL, 'f'},
	{"group",        no_argument,       NULL, 'g'},
	{"filter",       required_argument, NULL, OPT_FILTER},
	{"check",        required_argument, NULL, OPT_CHECK},
	{"interval",     required_argument, NULL, 'i'},
	{"count",        required_argument, NULL, 'n'},
	{"quantiles",    required_argument, NULL, OPT_QUANTILES},
	{"target-label", required_argument, NULL, OPT_TARGET_LABEL},
	{"count-only",   no_argument,       NULL, OPT_COUNT_ONLY},
	{"strict",       no_argument,       NULL, OPT_STRICT},
	CONN_OPTIONS,
	CALLS_OPT_COMMON,
	{NULL, 0, NULL, 0},
};

static const struct option summary_opts[] = {
	{"format",       required_argument, NULL, 'f'},
	{"interval",     required_argument, NULL, 'i'},
	CONN_OPTIONS,
	CALLS_OPT_COMMON,
	{NULL, 0, NULL, 0},
};

static const struct option top_opts[] = {
	CALLS_OPT_COMMON,
	{NULL, 0, NULL, 0},
};

static void versions(FILE *f)
{
	fprintf(f, "%s\n", scrape_version());
	fprintf(f, "%s\n", jqf_version());
}

static const struct calls_prog prog = {
	"calls-metrics", help_text, versions,
};

#define MAX_HEADERS 32

static char bearer_buf[4096];
static const char *headers[MAX_HEADERS];


static int read_token(const char *path)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return errno;
	n = fread(bearer_buf, 1, sizeof(bearer_buf) - 1, f);
	fclose(f);
	bearer_buf[n] = '\0';
	while (n && (bearer_buf[n - 1] == '\n' || bearer_buf[n - 1] == '\r'
		     || bearer_buf[n - 1] == ' '))
		bearer_buf[--n] = '\0';

	return 0;
}


static int parse_quantiles(struct run_cfg *cfg, const char *s)
{
	char buf[256], *tok, *save = NULL;

	str_ncpy(buf, s, sizeof(buf));
	cfg->qc = 0;
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (cfg->qc == ARRAY_SIZE(cfg->qv) ||
		    calls_opt_double(&cfg->qv[cfg->qc], tok, 0.0, 1.0))
			return EINVAL;
		++cfg->qc;
	}

	return cfg->qc ? 0 : EINVAL;
}


/* Connection options, the same for both commands */
static int conn_option(struct run_cfg *cfg, int c, const char *arg)
{
	unsigned long u;

	switch (c) {

	case 't':
		if (calls_opt_duration(&cfg->so.timeout, arg) ||
		    cfg->so.timeout <= 0)
			return calls_usage_error(&prog, "invalid --timeout "
				"'%s'", arg);
		break;

	case OPT_CONNECT_TIMEOUT:
		if (calls_opt_duration(&cfg->so.connect_timeout, arg))
			return calls_usage_error(&prog, "invalid "
				"--connect-timeout '%s'", arg);
		break;

	case OPT_RETRIES:
		if (calls_opt_uint(&u, arg, 0, 100))
			return calls_usage_error(&prog, "invalid --retries "
				"'%s'", arg);
		cfg->so.retries = (unsigned)u;
		break;

	case OPT_RETRY_DELAY:
		if (calls_opt_duration(&cfg->so.retry_delay, arg))
			return calls_usage_error(&prog, "invalid "
				"--retry-delay '%s'", arg);
		break;

	case 'u': cfg->so.user = arg; break;
	case OPT_BEARER: cfg->so.bearer = arg; break;
	case OPT_BEARER_FILE:
		if (read_token(arg)) {
			fprintf(stderr, "calls-metrics: cannot read %s: %s\n",
				arg, strerror(errno));
			return CALLS_EXIT_CONFIG;
		}
		cfg->so.bearer = bearer_buf;
		break;
	case OPT_CACERT: cfg->so.cacert = arg; break;
	case 'k': cfg->so.insecure = true; break;
	case OPT_ACCEPT: cfg->so.accept = arg; break;

	case 'H':
		if (cfg->so.headerc == MAX_HEADERS || !strchr(arg, ':'))
			return calls_usage_error(&prog, "invalid --header "
				"'%s' (Name: value)", arg);
		headers[cfg->so.headerc++] = arg;
		break;

	default:
		return calls_usage_error(&prog, "unexpected option");
	}

	return -1;
}


/* Options of either command; returns -1 to go on, else an exit code */
static int option(struct run_cfg *cfg, bool summary, int c,
		  const char *arg)
{
	switch (c) {

	case 'f':
		if (!strcmp(arg, "json"))
			cfg->fmt = OUT_JSON, cfg->json = true;
		else if (!summary && !strcmp(arg, "table"))
			cfg->fmt = OUT_TABLE;
		else if (!summary && !strcmp(arg, "prom"))
			cfg->fmt = OUT_PROM;
		else if (summary && !strcmp(arg, "text"))
			cfg->json = false;
		else
			return calls_usage_error(&prog, "invalid --format "
				"'%s' (%s)", arg, summary ? "text, json" :
				"json, table, prom");
		break;

	case 'g': cfg->group = true; break;
	case OPT_FILTER: cfg->filter = arg; break;
	case OPT_CHECK: cfg->check = arg; break;
	case OPT_COUNT_ONLY: cfg->count_only = true; break;
	case OPT_STRICT: cfg->strict = true; break;
	case OPT_TARGET_LABEL:
		if (*arg && !calls_prom_label_name_valid(arg, strlen(arg)))
			return calls_usage_error(&prog, "invalid "
				"--target-label '%s'", arg);
		cfg->target_label = arg;
		break;

	case 'i':
		if (calls_opt_duration(&cfg->interval, arg) ||
		    (!summary && cfg->interval <= 0))
			return calls_usage_error(&prog, "invalid --interval "
				"'%s'", arg);
		break;

	case 'n':
		if (calls_opt_uint(&cfg->count, arg, 1, 100000000))
			return calls_usage_error(&prog, "invalid --count "
				"'%s'", arg);
		break;

	case OPT_QUANTILES:
		if (parse_quantiles(cfg, arg))
			return calls_usage_error(&prog, "invalid --quantiles "
				"'%s' (up to 16 numbers in [0, 1])", arg);
		break;

	default:
		return conn_option(cfg, c, arg);
	}

	return -1;
}


static int parse(struct run_cfg *cfg, bool summary, int argc, char **argv)
{
	const struct option *table = summary ? summary_opts : scrape_opts;
	const char *shortopts = summary ? "f:i:t:u:kH:" CALLS_OPT_COMMON_SHORT
		: "f:gi:n:t:u:kH:" CALLS_OPT_COMMON_SHORT;
	int c, code;

	memset(cfg, 0, sizeof(*cfg));
	cfg->so.timeout = 10;
	cfg->so.connect_timeout = 5;
	cfg->so.retry_delay = 1;
	cfg->so.headers = headers;
	cfg->so.accept = "application/openmetrics-text;version=1.0.0;q=0.6,"
		"text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
	cfg->qv[0] = 0.5;
	cfg->qv[1] = 0.9;
	cfg->qv[2] = 0.99;
	cfg->qc = 3;
	if (summary)
		cfg->interval = 1;

	optind = 1;
	while ((c = getopt_long(argc, argv, shortopts, table, NULL)) != -1) {
		switch (calls_opt_common(&prog, c, optarg, table, &code)) {

		case CALLS_OPT_OK:
			continue;
		case CALLS_OPT_EXIT:
			return code;
		default:
			break;
		}

		code = option(cfg, summary, c, optarg);
		if (code >= 0)
			return code;
	}

	cfg->targets = (const char *const *)argv + optind;
	cfg->targetc = (size_t)(argc - optind);
	if (!cfg->targetc)
		return calls_usage_error(&prog, "%s: no URL given",
					 summary ? "summary" : "scrape");

	if (cfg->count && cfg->interval <= 0)
		cfg->interval = 10;
	if (cfg->count_only && cfg->interval > 0)
		return calls_usage_error(&prog, "--count-only does not go "
					 "with --interval or --count");
	if (cfg->check && (cfg->count_only || cfg->group))
		return calls_usage_error(&prog, "--check does not go with "
					 "--count-only or --group");
	/* standard input can be read once: summary gets no rates from it */
	for (size_t i = 0; summary && i < cfg->targetc; i++)
		if (!strcmp(cfg->targets[i], "-"))
			cfg->interval = 0;
	if (cfg->interval > 0 && !summary) {
		for (size_t i = 0; i < cfg->targetc; i++)
			if (!strcmp(cfg->targets[i], "-"))
				return calls_usage_error(&prog, "watch mode "
					"(--interval) cannot read '-'");
	}

	return -1;
}


int opts_parse(struct run_cfg *cfg, int argc, char **argv, bool *summaryp)
{
	int code;

	if (argc < 2 || argv[1][0] == '-') {
		int c;

		while ((c = getopt_long(argc, argv, CALLS_OPT_COMMON_SHORT,
					top_opts, NULL)) != -1) {
			if (calls_opt_common(&prog, c, optarg, top_opts,
					     &code) == CALLS_OPT_EXIT)
				return code;
		}
		return calls_usage_error(&prog, "missing command (scrape, "
					 "summary)");
	}

	*summaryp = !strcmp(argv[1], "summary");
	if (!*summaryp && strcmp(argv[1], "scrape"))
		return calls_usage_error(&prog, "unknown command '%s'",
					 argv[1]);

	return parse(cfg, *summaryp, argc - 1, argv + 1);
}
