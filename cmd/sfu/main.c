/**
 * @file main.c  calls-sfu: options and wiring only
 *
 * Config sources, later ones winning: rtcd's defaults, --config FILE,
 * RTCD_* environment variables, then command-line flags.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include "re_inc.h"
#include "app.h"
#include "exitcode.h"
#include "log.h"
#include "opt.h"
#include "config.h"
#include "api.h"
#include "sfu.h"
#include "rtcnet.h"

static const char help_text[] =
#include "help.inc"
;

static const struct calls_prog prog = {"calls-sfu", help_text, NULL};

enum {
	OPT_PRINT_CONFIG = CALLS_OPT_FIRST_PRIVATE,
	OPT_SELF_REG,
	OPT_ENABLE_ADMIN,
	OPT_TLS_CERT,
	OPT_TLS_KEY,
	OPT_DRAIN_TIMEOUT,
	OPT_MAX_PARTICIPANTS,
};

static const struct option options[] = {
	{"config",           required_argument, NULL, 'c'},
	{"print-config",     no_argument,       NULL, OPT_PRINT_CONFIG},
	{"api-listen",       required_argument, NULL, 'l'},
	{"data-source",      required_argument, NULL, 'd'},
	{"allow-self-registration", no_argument, NULL, OPT_SELF_REG},
	{"enable-admin",     no_argument,       NULL, OPT_ENABLE_ADMIN},
	{"tls-cert",         required_argument, NULL, OPT_TLS_CERT},
	{"tls-key",          required_argument, NULL, OPT_TLS_KEY},
	{"drain-timeout",    required_argument, NULL, OPT_DRAIN_TIMEOUT},
	{"max-participants", required_argument, NULL, OPT_MAX_PARTICIPANTS},
	{"set",              required_argument, NULL, 's'},
	CALLS_OPT_COMMON,
	{NULL, 0, NULL, 0},
};

/** A flag turned into a config key, applied after the file and env */
struct flag {
	const char *key;
	const char *val;
	char *owned;        /**< --set KEY=VALUE: the copy key/val point in */
};

struct cli {
	const char *config;
	bool print_config;
	bool log_level_cli; /**< -v/-q/--log-level win over the config */
	const char *log_format_cli;  /**< --log-format wins too */
	struct flag *flags;
	size_t flagc;
};


static int flag_add(struct cli *cli, const char *key, const char *val)
{
	struct flag *f = &cli->flags[cli->flagc++];
	char *eq;

	f->key = key;
	f->val = val;
	if (key)
		return 0;

	/* --set KEY=VALUE */
	f->owned = strdup(val);
	if (!f->owned)
		return ENOMEM;
	eq = strchr(f->owned, '=');
	if (!eq || eq == f->owned)
		return EINVAL;
	*eq = '\0';
	f->key = f->owned;
	f->val = eq + 1;

	return 0;
}


static int parse_args(struct cli *cli, int argc, char **argv, int *exitp)
{
	int c;

	cli->flags = calloc((size_t)argc, sizeof(*cli->flags));
	if (!cli->flags) {
		*exitp = CALLS_EXIT_NET;
		return ENOMEM;
	}

	while ((c = getopt_long(argc, argv, "c:l:d:s:" CALLS_OPT_COMMON_SHORT,
				options, NULL)) != -1) {
		const char *key = NULL;

		switch (c) {

		case 'c': cli->config = optarg; continue;
		case OPT_PRINT_CONFIG: cli->print_config = true; continue;
		case 'l': key = "api.http.listen_address"; break;
		case 'd': key = "store.data_source"; break;
		case OPT_SELF_REG:
			flag_add(cli, "api.security.allow_self_registration",
				 "true");
			continue;
		case OPT_ENABLE_ADMIN:
			flag_add(cli, "api.security.enable_admin", "true");
			continue;
		case OPT_TLS_CERT:
			flag_add(cli, "api.http.tls.enable", "true");
			key = "api.http.tls.cert_file";
			break;
		case OPT_TLS_KEY:
			flag_add(cli, "api.http.tls.enable", "true");
			key = "api.http.tls.cert_key";
			break;
		case OPT_DRAIN_TIMEOUT: key = "calls.drain_timeout_seconds";
			break;
		case OPT_MAX_PARTICIPANTS:
			key = "calls.max_call_participants";
			break;
		case 's':
			if (flag_add(cli, NULL, optarg)) {
				*exitp = calls_usage_error(&prog,
					"--set wants KEY=VALUE, not '%s'",
					optarg);
				return EINVAL;
			}
			continue;

		default:
			if (c == 'v' || c == 'q' || c == CALLS_OPT_LOG_LEVEL)
				cli->log_level_cli = true;
			if (c == CALLS_OPT_LOG_FORMAT)
				cli->log_format_cli = optarg;
			if (calls_opt_common(&prog, c, optarg, options, exitp)
			    == CALLS_OPT_EXIT)
				return EINTR;
			continue;
		}

		flag_add(cli, key, optarg);
	}

	if (optind < argc) {
		*exitp = calls_usage_error(&prog, "unexpected argument '%s'",
					   argv[optind]);
		return EINVAL;
	}

	return 0;
}


/** defaults, file, env (sfu_config_load), flags; validation again */
static int load_config(struct sfu_config **cfgp, const struct cli *cli)
{
	struct sfu_config *cfg;
	char errbuf[512] = "";
	int err;

	err = sfu_config_alloc(&cfg);
	if (err) {
		log_error("config: %m", err);
		return err;
	}

	err = sfu_config_load(cfg, cli->config, NULL, errbuf, sizeof(errbuf));
	if (err)
		goto out;

	for (size_t i = 0; i < cli->flagc; i++) {
		err = sfu_config_set(cfg, cli->flags[i].key, cli->flags[i].val,
				     errbuf, sizeof(errbuf));
		if (err)
			goto out;
	}

	err = sfu_config_validate(cfg, errbuf, sizeof(errbuf));

 out:
	if (err) {
		log_error("config: %s", errbuf[0] ? errbuf : strerror(err));
		mem_deref(cfg);
	}
	else {
		*cfgp = cfg;
	}

	return err;
}


/** The config's logger.* keys, then the command line's -v/-q/--log-* */
static int log_setup(const struct sfu_config *cfg, const struct cli *cli,
		     char *errbuf, size_t errsz)
{
	enum calls_log_level level = calls_log_get_level();
	enum calls_log_format fmt;
	int err;

	err = sfu_config_apply_logger(cfg, errbuf, errsz);
	if (err)
		return err;

	if (cli->log_level_cli)
		calls_log_set_level(level);
	if (cli->log_format_cli &&
	    !calls_log_format_parse(&fmt, cli->log_format_cli))
		calls_log_set_format(fmt);

	return 0;
}


static void on_stop(int sig, void *arg)
{
	struct sfu *sfu = arg;

	log_info("%s received", sig == SIGTERM ? "SIGTERM" : "SIGINT");
	sfu_drain(sfu);
}


int main(int argc, char **argv)
{
	struct cli cli = {0};
	struct sfu sfu;
	struct sa local;
	char errbuf[512] = "";
	int ret = CALLS_EXIT_OK, err;

	memset(&sfu, 0, sizeof(sfu));

	err = calls_app_init(prog.name);
	if (err) {
		fprintf(stderr, "calls-sfu: init: %s\n", strerror(err));
		return CALLS_EXIT_NET;
	}

	if (parse_args(&cli, argc, argv, &ret))
		goto out;

	if (load_config(&sfu.cfg, &cli)) {
		ret = CALLS_EXIT_CONFIG;
		goto out;
	}

	if (cli.print_config) {
		re_fprintf(stdout, "%H\n", sfu_config_print_json, sfu.cfg);
		goto out;
	}

	err = log_setup(sfu.cfg, &cli, errbuf, sizeof(errbuf));
	if (!err)
		err = sfu_open(&sfu, errbuf, sizeof(errbuf));
	if (err) {
		log_error("%s", errbuf[0] ? errbuf : strerror(err));
		ret = err == EINVAL ? CALLS_EXIT_CONFIG : CALLS_EXIT_NET;
		goto out;
	}

	api_local(sfu.api, &local);
	re_printf("ready api=%J", &local);
	if (!sfu_rtcnet_addr(sfu.rtcnet, SFU_RTCNET_UDP, 0, &local))
		re_printf(" rtc=%J", &local);
	if (!sfu_rtcnet_addr(sfu.rtcnet, SFU_RTCNET_TCP, 0, &local))
		re_printf(" rtc_tcp=%J", &local);
	re_printf("\n");
	fflush(stdout);

	err = calls_app_run(on_stop, &sfu);
	if (err) {
		log_error("main loop: %m", err);
		ret = CALLS_EXIT_NET;
	}
	log_info("exiting");

 out:
	sfu_close(&sfu);
	for (size_t i = 0; i < cli.flagc; i++)
		free(cli.flags[i].owned);
	free(cli.flags);
	calls_app_close();

	return ret;
}
