/**
 * @file main.c  calls-probe: options and wiring
 *
 *     calls-probe [COMMON] SUBCOMMAND [OPTIONS] ARGS
 *
 * Each subcommand has its own option table (so --list-options and the
 * man page agree per subcommand); one switch fills struct probe_opts and
 * the subcommand's module does the work and returns the exit code.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include "re_inc.h"
#include "app.h"
#include "exitcode.h"
#include "hostport.h"
#include "opt.h"
#include "probe.h"

static const char help_text[] =
#include "help.inc"
;

static const struct calls_prog prog = {"calls-probe", help_text, NULL};

enum {
	OPT_ECHO = CALLS_OPT_FIRST_PRIVATE,
	OPT_JSON,
	OPT_SIZE,
	OPT_MAX_LOSS,
	OPT_MTU,
	OPT_MTU_MAX,
	OPT_PROC_ROOT,
};

#define O_UDP   {"udp",    no_argument,       NULL, 'u'}
#define O_TCP   {"tcp",    no_argument,       NULL, 't'}
#define O_V4    {"ipv4",   no_argument,       NULL, '4'}
#define O_V6    {"ipv6",   no_argument,       NULL, '6'}
#define O_PORT  {"port",   required_argument, NULL, 'p'}
#define O_SRC   {"source", required_argument, NULL, 's'}
#define O_WAIT  {"wait",   required_argument, NULL, 'w'}
#define O_COUNT {"count",  required_argument, NULL, 'c'}
#define O_JSON  {"json",   no_argument,       NULL, OPT_JSON}
#define O_TMO   {"timeout", required_argument, NULL, 'W'}
#define O_END   {NULL, 0, NULL, 0}

static const struct option top_opts[] = {CALLS_OPT_COMMON, O_END};

static const struct option listen_opts[] = {
	O_UDP, O_TCP, {"listen", no_argument, NULL, 'l'}, O_PORT, O_SRC,
	O_V4, O_V6, {"echo", no_argument, NULL, OPT_ECHO}, O_COUNT, O_WAIT,
	CALLS_OPT_COMMON, O_END,
};

static const struct option connect_opts[] = {
	O_UDP, O_TCP, O_PORT, O_SRC, O_V4, O_V6, O_WAIT,
	CALLS_OPT_COMMON, O_END,
};

static const struct option ping_opts[] = {
	O_UDP, O_TCP, O_V4, O_V6, O_COUNT,
	{"interval", required_argument, NULL, 'i'},
	{"size",     required_argument, NULL, OPT_SIZE},
	O_TMO, O_JSON,
	{"max-loss", required_argument, NULL, OPT_MAX_LOSS},
	{"mtu",      no_argument,       NULL, OPT_MTU},
	{"mtu-max",  required_argument, NULL, OPT_MTU_MAX},
	CALLS_OPT_COMMON, O_END,
};

static const struct option stun_opts[] = {
	O_UDP, O_TCP, O_V4, O_V6, O_TMO, O_JSON, CALLS_OPT_COMMON, O_END,
};

static const struct option tunings_opts[] = {
	{"proc-root", required_argument, NULL, OPT_PROC_ROOT},
	O_JSON, CALLS_OPT_COMMON, O_END,
};

struct sub {
	const char *name;
	const char *shortopts;
	const struct option *table;
	int (*args)(struct probe_opts *o, int argc, char **argv);
};


#define usage(...) calls_usage_error(&prog, __VA_ARGS__)


static int opt_num(unsigned long *vp, const char *name, const char *arg,
		   unsigned long min, unsigned long max)
{
	if (calls_opt_uint(vp, arg, min, max))
		return calls_usage_error(&prog, "invalid %s '%s' (%lu..%lu)",
					 name, arg, min, max);
	return 0;
}


static int opt_dur(double *vp, const char *name, const char *arg)
{
	if (calls_opt_duration(vp, arg) || *vp <= 0 || *vp > 86400)
		return calls_usage_error(&prog, "invalid %s '%s' (a duration"
					 " such as 0.5, 250ms, 2s)", name, arg);
	return 0;
}


static int parse_opt(struct probe_opts *o, int c, const char *arg)
{
	switch (c) {

	case 'u': o->proto = PROBE_UDP; o->proto_set = true; return 0;
	case 't': o->proto = PROBE_TCP; o->proto_set = true; return 0;
	case 'l': return 0;    /* nc habit: listen is the subcommand */
	case '4': o->af = AF_INET;  return 0;
	case '6': o->af = AF_INET6; return 0;
	case 'p': o->port_opt = arg; return 0;
	case 's': o->source = arg; return 0;
	case OPT_ECHO: o->echo = true; return 0;
	case OPT_JSON: o->json = true; return 0;
	case OPT_MTU:  o->mtu = true;  return 0;
	case OPT_PROC_ROOT: o->proc_root = arg; return 0;
	case 'c': return opt_num(&o->count, "--count", arg, 1, 1000000);
	case 'w': return opt_dur(&o->wait, "--wait", arg);
	case 'i': return opt_dur(&o->interval, "--interval", arg);
	case 'W': return opt_dur(&o->timeout, "--timeout", arg);
	case OPT_SIZE:
		return opt_num(&o->size, "--size", arg, PROBE_HDR_LEN, 65507);
	case OPT_MTU_MAX:
		return opt_num(&o->mtu_max, "--mtu-max", arg, PROBE_HDR_LEN,
			       65527);
	case OPT_MAX_LOSS:
		if (calls_opt_double(&o->max_loss, arg, 0, 100))
			return usage("invalid --max-loss '%s' (0..100)", arg);
		return 0;
	default:
		return CALLS_EXIT_USAGE;
	}
}


static int port_arg(uint16_t *portp, const char *s)
{
	if (calls_port_parse(portp, s))
		return usage("invalid port '%s'", s);
	return 0;
}


/* listen [ADDR] PORT, or -s ADDR -p PORT as nc takes them */
static int listen_args(struct probe_opts *o, int argc, char **argv)
{
	const char *port = o->port_opt;

	o->host = o->source;
	if (argc > 2)
		return usage("listen: too many arguments ('%s')", argv[2]);
	if (argc == 2) {
		if (o->host)
			return usage("listen: -s and an address ('%s')",
				     argv[0]);
		o->host = argv[0];
	}
	if (argc >= 1) {
		if (port)
			return usage("listen: -p and a port ('%s')",
				     argv[argc - 1]);
		port = argv[argc - 1];
	}
	if (!port)
		return usage("listen: which port? (-p PORT, 0 for any)");
	if (o->count && !o->echo)
		return usage("listen: --count goes with --echo");

	o->has_port = true;

	return port_arg(&o->port, port);
}


/* HOST PORT or HOST:PORT ([V6]:PORT); defport 0: the port is required */
static int remote_args(struct probe_opts *o, int argc, char **argv,
		       uint16_t defport)
{
	static struct calls_hostport hp;

	if (argc == 2) {
		o->host = argv[0];
		return port_arg(&o->port, argv[1]);
	}
	if (!argc)
		return usage("which host and port?");
	if (argc > 2)
		return usage("too many arguments ('%s')", argv[2]);

	if (calls_hostport_parse(&hp, argv[0], defport) ||
	    (!hp.has_port && !defport) || !hp.host[0])
		return usage("invalid HOST PORT or HOST:PORT '%s'", argv[0]);

	o->host = hp.host;
	o->port = hp.port;

	return 0;
}


static int connect_args(struct probe_opts *o, int argc, char **argv)
{
	if (o->port_opt && port_arg(&o->sport, o->port_opt))
		return CALLS_EXIT_USAGE;

	return remote_args(o, argc, argv, 0);
}


static int ping_args(struct probe_opts *o, int argc, char **argv)
{
	if (o->mtu && o->proto_set && o->proto == PROBE_TCP)
		return usage("--mtu measures UDP; drop -t");
	if (o->mtu)
		o->proto = PROBE_UDP;
	if (!o->mtu && o->mtu_max)
		return usage("--mtu-max goes with --mtu");

	return remote_args(o, argc, argv, 0);
}


static int stun_args(struct probe_opts *o, int argc, char **argv)
{
	if (!o->proto_set)
		o->proto = PROBE_UDP;   /* STUN's usual transport */

	return remote_args(o, argc, argv, 3478);
}


static int tunings_args(struct probe_opts *o, int argc, char **argv)
{
	if (argc)
		return usage("tunings: unexpected argument '%s'", argv[0]);
	return 0;
}


static const struct sub subs[] = {
	{"listen",  "utlp:s:46c:w:" CALLS_OPT_COMMON_SHORT, listen_opts,
	 listen_args},
	{"connect", "utp:s:46w:" CALLS_OPT_COMMON_SHORT, connect_opts,
	 connect_args},
	{"ping",    "ut46c:i:W:" CALLS_OPT_COMMON_SHORT, ping_opts,
	 ping_args},
	{"stun",    "ut46W:" CALLS_OPT_COMMON_SHORT, stun_opts, stun_args},
	{"tunings", CALLS_OPT_COMMON_SHORT, tunings_opts, tunings_args},
};


/* Options of one getopt pass; *donep set when the process should exit */
static int parse(struct probe_opts *o, const struct sub *sub, int argc,
		 char **argv, bool *donep)
{
	const char *shortopts = sub ? sub->shortopts :
		"+" CALLS_OPT_COMMON_SHORT;
	const struct option *table = sub ? sub->table : top_opts;
	int c, ret = 0;

	optind = 0;   /* GNU getopt: start afresh */
	while ((c = getopt_long(argc, argv, shortopts, table, NULL)) != -1) {
		switch (calls_opt_common(&prog, c, optarg, table, &ret)) {

		case CALLS_OPT_OK:
			continue;

		case CALLS_OPT_EXIT:
			*donep = true;
			return ret;

		default:
			ret = parse_opt(o, c, optarg);
			if (ret) {
				*donep = true;
				return ret;
			}
		}
	}

	return 0;
}


static int run(const struct sub *sub, const struct probe_opts *o)
{
	switch (sub - subs) {

	case 0:  return o->echo ? echo_run(o) : nc_run(o, true);
	case 1:  return nc_run(o, false);
	case 2:  return o->mtu ? mtu_run(o) : ping_run(o);
	case 3:  return stunp_run(o);
	default: return tunings_run(o);
	}
}


/* A closed stdin/stdout/stderr would be reused by the first socket:
 * stdin data would then be read from the network */
static void std_fds(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) < 0 &&
		    open("/dev/null", fd ? O_WRONLY : O_RDONLY) != fd)
			exit(CALLS_EXIT_NET);
	}
}


int main(int argc, char **argv)
{
	struct probe_opts o = {
		.proto = PROBE_TCP, .af = AF_UNSPEC, .count = 0,
		.interval = 0.2, .timeout = 1.0, .size = 64,
		.max_loss = -1, .proc_root = "/proc",
	};
	const struct sub *sub = NULL;
	bool done = false;
	int ret, sargc;
	size_t i;

	std_fds();

	ret = parse(&o, NULL, argc, argv, &done);
	if (done)
		return ret;

	if (optind >= argc)
		return usage("which subcommand? (listen, connect, ping, stun,"
			     " tunings)");

	for (i = 0; i < ARRAY_SIZE(subs); i++) {
		if (!strcmp(argv[optind], subs[i].name))
			sub = &subs[i];
	}
	if (!sub)
		return usage("unknown subcommand '%s'", argv[optind]);

	sargc = argc - optind;
	argv += optind;
	ret = parse(&o, sub, sargc, argv, &done);
	if (done)
		return ret;

	ret = sub->args(&o, sargc - optind, argv + optind);
	if (ret)
		return ret;

	if (!o.count && sub == &subs[2])
		o.count = 10;

	ret = calls_app_init(prog.name);
	if (ret) {
		fprintf(stderr, "calls-probe: cannot start: %s\n",
			strerror(ret));
		return CALLS_EXIT_NET;
	}

	ret = run(sub, &o);

	calls_app_close();

	return ret;
}
