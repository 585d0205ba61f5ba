/**
 * @file main.c  calls-stun: STUN server, client and NAT discovery
 *
 * Options and wiring only: serve.c, query.c and nat.c do the work.
 */
#include <stdlib.h>
#include <string.h>
#include "re_inc.h"
#include "app.h"
#include "exitcode.h"
#include "log.h"
#include "opt.h"
#include "stun.h"
#include "stuncmd.h"

static const char help_text[] =
#include "help.inc"
;

static const struct calls_prog prog = {"calls-stun", help_text, NULL};

enum {
	OPT_USER = CALLS_OPT_FIRST_PRIVATE,
	OPT_PASSWORD,
	OPT_SOFTWARE,
	OPT_NO_SOFTWARE,
	OPT_LOG_REQUESTS,
	OPT_NO_UDP,
	OPT_NO_TCP,
	OPT_RTO,
	OPT_COUNT,
	OPT_TCP,
	OPT_JSON,
	OPT_SHA256,
	OPT_RFC3489,
	OPT_UNKNOWN_ATTR,
	OPT_LOCAL,
};

static const struct option serve_table[] = {
	{"listen",       required_argument, NULL, 'l'},
	{"alternate",    required_argument, NULL, 'a'},
	{"metrics",      required_argument, NULL, 'm'},
	{"user",         required_argument, NULL, OPT_USER},
	{"password",     required_argument, NULL, OPT_PASSWORD},
	{"software",     required_argument, NULL, OPT_SOFTWARE},
	{"no-software",  no_argument,       NULL, OPT_NO_SOFTWARE},
	{"log-requests", no_argument,       NULL, OPT_LOG_REQUESTS},
	{"no-udp",       no_argument,       NULL, OPT_NO_UDP},
	{"no-tcp",       no_argument,       NULL, OPT_NO_TCP},
	CALLS_OPT_COMMON,
	{NULL, 0, NULL, 0}
};

static const struct option query_table[] = {
	{"ipv4",         no_argument,       NULL, '4'},
	{"ipv6",         no_argument,       NULL, '6'},
	{"tcp",          no_argument,       NULL, OPT_TCP},
	{"json",         no_argument,       NULL, OPT_JSON},
	{"rto",          required_argument, NULL, OPT_RTO},
	{"count",        required_argument, NULL, OPT_COUNT},
	{"user",         required_argument, NULL, OPT_USER},
	{"password",     required_argument, NULL, OPT_PASSWORD},
	{"sha256",       no_argument,       NULL, OPT_SHA256},
	{"rfc3489",      no_argument,       NULL, OPT_RFC3489},
	{"unknown-attr", required_argument, NULL, OPT_UNKNOWN_ATTR},
	CALLS_OPT_COMMON,
	{NULL, 0, NULL, 0}
};

static const struct option nat_table[] = {
	{"ipv4",         no_argument,       NULL, '4'},
	{"ipv6",         no_argument,       NULL, '6'},
	{"json",         no_argument,       NULL, OPT_JSON},
	{"rto",          required_argument, NULL, OPT_RTO},
	{"count",        required_argument, NULL, OPT_COUNT},
	{"local",        required_argument, NULL, OPT_LOCAL},
	CALLS_OPT_COMMON,
	{NULL, 0, NULL, 0}
};

static const struct option top_table[] = {
	CALLS_OPT_COMMON,
	{NULL, 0, NULL, 0}
};


/* Options query and nat share; 0 handled, 1 not theirs, 2 usage error */
static int client_opt(int c, const char *arg, uint32_t *rto, uint32_t *rc,
		      int *af)
{
	unsigned long v;
	double sec;

	switch (c) {

	case '4':
		*af = AF_INET;
		return 0;

	case '6':
		*af = AF_INET6;
		return 0;

	case OPT_RTO:
		if (calls_opt_duration(&sec, arg) || sec < 0.001 ||
		    sec > 60) {
			calls_usage_error(&prog, "invalid --rto '%s' "
					  "(1ms..60s)", arg);
			return 2;
		}
		*rto = (uint32_t)(sec * 1000 + 0.5);
		return 0;

	case OPT_COUNT:
		if (calls_opt_uint(&v, arg, 1, 16)) {
			calls_usage_error(&prog, "invalid --count '%s' "
					  "(1..16)", arg);
			return 2;
		}
		*rc = (uint32_t)v;
		return 0;

	default:
		return 1;
	}
}


static int parse_serve(int argc, char **argv, struct serve_opts *o)
{
	int c, ex = CALLS_EXIT_OK;

	o->conf.software = STUNCMD_SOFTWARE;

	while ((c = getopt_long(argc, argv, "l:a:m:" CALLS_OPT_COMMON_SHORT,
				serve_table, NULL)) != -1) {
		switch (c) {

		case 'l':
			if (o->n_listen >= ARRAY_SIZE(o->listen))
				return calls_usage_error(&prog,
					"too many --listen addresses");
			o->listen[o->n_listen++] = optarg;
			break;

		case 'a':           o->alternate = optarg;        break;
		case 'm':           o->metrics = optarg;          break;
		case OPT_USER:      o->conf.user = optarg;        break;
		case OPT_PASSWORD:  o->conf.password = optarg;    break;
		case OPT_SOFTWARE:  o->conf.software = optarg;    break;
		case OPT_NO_SOFTWARE: o->conf.software = NULL;    break;
		case OPT_LOG_REQUESTS: o->log_requests = true;    break;
		case OPT_NO_UDP:    o->no_udp = true;             break;
		case OPT_NO_TCP:    o->no_tcp = true;             break;

		default:
			if (calls_opt_common(&prog, c, optarg, serve_table,
					     &ex) == CALLS_OPT_EXIT)
				return ex;
			break;
		}
	}

	if (optind < argc)
		return calls_usage_error(&prog, "serve: unexpected '%s'",
					 argv[optind]);
	if (!o->conf.user != !o->conf.password)
		return calls_usage_error(&prog, "--user and --password go "
					 "together");
	if (o->alternate && o->n_listen != 1)
		return calls_usage_error(&prog, "--alternate needs exactly "
					 "one --listen address");
	if (o->no_udp && o->no_tcp)
		return calls_usage_error(&prog, "--no-udp and --no-tcp: "
					 "nothing to serve");

	return -1;
}


static int parse_query(int argc, char **argv, struct query_opts *o)
{
	unsigned long v;
	int c, r, ex = CALLS_EXIT_OK;

	while ((c = getopt_long(argc, argv, "46" CALLS_OPT_COMMON_SHORT,
				query_table, NULL)) != -1) {
		r = client_opt(c, optarg, &o->rto_ms, &o->rc, &o->af);
		if (r == 2)
			return CALLS_EXIT_USAGE;
		if (r == 0)
			continue;

		switch (c) {

		case OPT_TCP:      o->tcp = true;           break;
		case OPT_JSON:     o->json = true;          break;
		case OPT_USER:     o->user = optarg;        break;
		case OPT_PASSWORD: o->password = optarg;    break;
		case OPT_SHA256:   o->sha256 = true;        break;
		case OPT_RFC3489:  o->rfc3489 = true;       break;

		case OPT_UNKNOWN_ATTR:
			if (calls_opt_uint(&v, optarg, 1, 0x7fff) &&
			    (strncmp(optarg, "0x", 2) ||
			     (v = strtoul(optarg, NULL, 16)) < 1 ||
			     v > 0x7fff))
				return calls_usage_error(&prog,
					"invalid --unknown-attr '%s' "
					"(1..0x7fff)", optarg);
			o->extra_attr = (uint16_t)v;
			break;

		default:
			if (calls_opt_common(&prog, c, optarg, query_table,
					     &ex) == CALLS_OPT_EXIT)
				return ex;
			break;
		}
	}

	if (optind >= argc)
		return calls_usage_error(&prog, "query: SERVER missing");
	if (o->password && !o->user)
		return calls_usage_error(&prog, "--password needs --user");
	if (o->sha256 && !o->password)
		return calls_usage_error(&prog, "--sha256 needs --password");

	o->servers = argv + optind;
	o->n_servers = (unsigned)(argc - optind);

	return -1;
}


static int parse_nat(int argc, char **argv, struct nat_opts *o)
{
	int c, r, ex = CALLS_EXIT_OK;

	while ((c = getopt_long(argc, argv, "46" CALLS_OPT_COMMON_SHORT,
				nat_table, NULL)) != -1) {
		r = client_opt(c, optarg, &o->rto_ms, &o->rc, &o->af);
		if (r == 2)
			return CALLS_EXIT_USAGE;
		if (r == 0)
			continue;

		switch (c) {

		case OPT_JSON:  o->json = true;    break;
		case OPT_LOCAL: o->local = optarg; break;

		default:
			if (calls_opt_common(&prog, c, optarg, nat_table,
					     &ex) == CALLS_OPT_EXIT)
				return ex;
			break;
		}
	}

	if (argc - optind != 1)
		return calls_usage_error(&prog, "nat: one SERVER expected");

	o->server = argv[optind];

	return -1;
}


static int run(int argc, char **argv)
{
	const char *sub;
	int c, ex = CALLS_EXIT_OK;

	/* options before the subcommand: only the common ones */
	while ((c = getopt_long(argc, argv, "+" CALLS_OPT_COMMON_SHORT,
				top_table, NULL)) != -1) {
		if (calls_opt_common(&prog, c, optarg, top_table, &ex) ==
		    CALLS_OPT_EXIT)
			return ex;
	}

	if (optind >= argc)
		return calls_usage_error(&prog, "a command is needed "
					 "(serve, query, nat)");

	sub = argv[optind];
	argc -= optind;
	argv += optind;
	optind = 1;

	if (!strcmp(sub, "serve")) {
		struct serve_opts o;

		memset(&o, 0, sizeof(o));
		ex = parse_serve(argc, argv, &o);
		return ex >= 0 ? ex : serve_run(&o);
	}
	if (!strcmp(sub, "query")) {
		struct query_opts o;

		memset(&o, 0, sizeof(o));
		ex = parse_query(argc, argv, &o);
		return ex >= 0 ? ex : query_run(&o);
	}
	if (!strcmp(sub, "nat")) {
		struct nat_opts o;

		memset(&o, 0, sizeof(o));
		ex = parse_nat(argc, argv, &o);
		return ex >= 0 ? ex : nat_run(&o);
	}

	return calls_usage_error(&prog, "unknown command '%s'", sub);
}


int main(int argc, char **argv)
{
	int ex;

	if (calls_app_init(prog.name))
		return CALLS_EXIT_NET;

	ex = run(argc, argv);

	calls_app_close();

	return ex;
}
