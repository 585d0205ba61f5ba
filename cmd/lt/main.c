/**
 * @file main.c  calls-lt: options and wiring
 *
 *     calls-lt [OPTIONS] --url URL
 *
 * Fills struct lt_opts and hands it to lt_run() (scenario.c).
 */
#include <string.h>
#include <unistd.h>
#include "re_inc.h"
#include "app.h"
#include "dtls.h"
#include "exitcode.h"
#include "opt.h"
#include "sctp.h"
#include "lt.h"
#include "ltint.h"

static const char help_text[] =
#include "help.inc"
;

static const struct calls_prog prog = {"calls-lt", help_text, NULL};

enum {
	OPT_TARGET = CALLS_OPT_FIRST_PRIVATE,
	OPT_CLIENT_ID,
	OPT_AUTH_KEY,
	OPT_USERS,
	OPT_UNMUTED,
	OPT_SCREEN,
	OPT_JOIN_DURATION,
	OPT_JOIN_RATE,
	OPT_OFFSET,
	OPT_MUTE_CHURN,
	OPT_OPUS,
	OPT_IVF,
	OPT_SFU_METRICS,
	OPT_SFU_PID,
	OPT_DNS_SERVER,
	OPT_LOCAL_ADDR,
	OPT_MAX_LOSS,
	OPT_MAX_JOIN_P95,
	OPT_MAX_FAILURES,
};

static const struct option opts[] = {
	{"url",            required_argument, NULL, 'u'},
	{"target",         required_argument, NULL, OPT_TARGET},
	{"client-id",      required_argument, NULL, OPT_CLIENT_ID},
	{"auth-key",       required_argument, NULL, OPT_AUTH_KEY},
	{"calls",          required_argument, NULL, 'c'},
	{"users-per-call", required_argument, NULL, OPT_USERS},
	{"unmuted",        required_argument, NULL, OPT_UNMUTED},
	{"screen-sharing", required_argument, NULL, OPT_SCREEN},
	{"duration",       required_argument, NULL, 'd'},
	{"join-duration",  required_argument, NULL, OPT_JOIN_DURATION},
	{"join-rate",      required_argument, NULL, OPT_JOIN_RATE},
	{"offset",         required_argument, NULL, OPT_OFFSET},
	{"mute-churn",     required_argument, NULL, OPT_MUTE_CHURN},
	{"opus",           required_argument, NULL, OPT_OPUS},
	{"ivf",            required_argument, NULL, OPT_IVF},
	{"sfu-metrics",    required_argument, NULL, OPT_SFU_METRICS},
	{"sfu-pid",        required_argument, NULL, OPT_SFU_PID},
	{"dns-server",     required_argument, NULL, OPT_DNS_SERVER},
	{"local-addr",     required_argument, NULL, OPT_LOCAL_ADDR},
	{"max-loss",       required_argument, NULL, OPT_MAX_LOSS},
	{"max-join-p95",   required_argument, NULL, OPT_MAX_JOIN_P95},
	{"max-failures",   required_argument, NULL, OPT_MAX_FAILURES},
	CALLS_OPT_COMMON,
	{NULL, 0, NULL, 0},
};

#define usage(...) calls_usage_error(&prog, __VA_ARGS__)


static int num(unsigned *vp, const char *name, const char *arg,
	       unsigned long min, unsigned long max)
{
	unsigned long v;

	if (calls_opt_uint(&v, arg, min, max))
		return usage("invalid %s '%s' (%lu..%lu)", name, arg, min,
			     max);
	*vp = (unsigned)v;

	return 0;
}


static int dur(double *vp, const char *name, const char *arg)
{
	if (calls_opt_duration(vp, arg) || *vp < 0 || *vp > 86400)
		return usage("invalid %s '%s' (a duration such as 30s, 2m)",
			     name, arg);
	return 0;
}


static int dbl(double *vp, const char *name, const char *arg, double max)
{
	if (calls_opt_double(vp, arg, 0, max))
		return usage("invalid %s '%s' (0..%g)", name, arg, max);
	return 0;
}


static int parse_opt(struct lt_opts *o, int c, const char *arg)
{
	unsigned v = 0;
	int err;

	switch (c) {

	case 'u': o->url = arg; return 0;
	case OPT_TARGET: o->target = arg; return 0;
	case OPT_CLIENT_ID: o->client_id = arg; return 0;
	case OPT_AUTH_KEY: o->auth_key = arg; return 0;
	case OPT_OPUS: o->opus_path = arg; return 0;
	case OPT_IVF: o->ivf_path = arg; return 0;
	case OPT_SFU_METRICS: o->sfu_metrics = arg; return 0;
	case OPT_DNS_SERVER: o->dns_server = arg; return 0;
	case OPT_LOCAL_ADDR: o->local_addr = arg; return 0;
	case 'c': return num(&o->calls, "--calls", arg, 1, 100000);
	case OPT_USERS:
		return num(&o->users, "--users-per-call", arg, 1, 1000);
	case OPT_UNMUTED: return num(&o->unmuted, "--unmuted", arg, 0, 1000);
	case OPT_SCREEN:
		return num(&o->screen, "--screen-sharing", arg, 0, 100000);
	case OPT_OFFSET: return num(&o->offset, "--offset", arg, 0, 1000000);
	case 'd': return dur(&o->duration, "--duration", arg);
	case OPT_JOIN_DURATION:
		return dur(&o->join_duration, "--join-duration", arg);
	case OPT_MUTE_CHURN: return dur(&o->mute_churn, "--mute-churn", arg);
	case OPT_JOIN_RATE:
		return dbl(&o->join_rate, "--join-rate", arg, 100000);
	case OPT_MAX_LOSS: return dbl(&o->max_loss, "--max-loss", arg, 100);
	case OPT_MAX_JOIN_P95:
		return dbl(&o->max_join_p95, "--max-join-p95", arg, 1e9);
	case OPT_MAX_FAILURES:
		err = num(&v, "--max-failures", arg, 0, 100000000);
		o->max_failures = v;
		return err;
	case OPT_SFU_PID:
		err = num(&v, "--sfu-pid", arg, 1, 4194304);
		o->sfu_pid = (int)v;
		return err;
	default:
		return CALLS_EXIT_USAGE;
	}
}


static int parse(struct lt_opts *o, int argc, char **argv, bool *done)
{
	int c, ret, ex = 0;

	while ((c = getopt_long(argc, argv, "u:c:d:" CALLS_OPT_COMMON_SHORT,
				opts, NULL)) != -1) {
		switch (calls_opt_common(&prog, c, optarg, opts, &ex)) {

		case CALLS_OPT_OK:
			continue;
		case CALLS_OPT_EXIT:
			*done = true;
			return ex;
		default:
			break;
		}
		ret = parse_opt(o, c, optarg);
		if (ret) {
			*done = true;
			return ret;
		}
	}

	if (optind < argc) {
		*done = true;
		return usage("unexpected argument '%s'", argv[optind]);
	}
	if (!o->url) {
		*done = true;
		return usage("--url is required (the SFU's API URL)");
	}
	if (o->unmuted > o->users) {
		*done = true;
		return usage("--unmuted %u is above --users-per-call %u",
			     o->unmuted, o->users);
	}
	if (o->screen > o->calls) {
		*done = true;
		return usage("--screen-sharing %u is above --calls %u",
			     o->screen, o->calls);
	}
	if (!!o->client_id != !!o->auth_key) {
		*done = true;
		return usage("--client-id and --auth-key go together");
	}

	return 0;
}


/* A sample next to the installed data, else in the source tree */
static const char *sample(const char *name)
{
	static char buf[2][512];
	static unsigned k;
	char *b = buf[k++ & 1];

	re_snprintf(b, sizeof(buf[0]), "%s/%s", LT_SAMPLEDIR, name);
	if (!access(b, R_OK))
		return b;
	re_snprintf(b, sizeof(buf[0]), "%s/samples/lt/%s", LT_SRCDIR, name);
	if (!access(b, R_OK))
		return b;

	return NULL;
}


int main(int argc, char **argv)
{
	struct lt_opts o = {
		.target = "sfu", .calls = 1, .users = 2, .unmuted = 1,
		.duration = 60, .max_loss = -1, .max_join_p95 = -1,
		.max_failures = -1,
	};
	bool done = false;
	int ret;

	ret = parse(&o, argc, argv, &done);
	if (done)
		return ret;

	if (!o.opus_path && o.unmuted)
		o.opus_path = sample("speech.opus");
	if (!o.ivf_path && o.screen)
		o.ivf_path = sample("screen.ivf");
	if ((o.unmuted && !o.opus_path) || (o.screen && !o.ivf_path))
		return usage("no media sample found: give --opus/--ivf");

	ret = calls_app_init(prog.name);
	if (ret) {
		fprintf(stderr, "calls-lt: cannot start: %s\n",
			strerror(ret));
		return CALLS_EXIT_NET;
	}
	if (calls_dtls_init()) {
		fprintf(stderr, "calls-lt: no DTLS certificate\n");
		calls_app_close();
		return CALLS_EXIT_NET;
	}

	ret = lt_run(&o);

	calls_sctp_close();
	calls_dtls_close();
	calls_app_close();

	return ret;
}
