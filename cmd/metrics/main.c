/**
 * @file main.c  calls-metrics: wiring
 *
 * Options (opts.c) make a struct run_cfg; run.c does the rounds.
 */
#include "re_inc.h"
#include "exitcode.h"
#include "log.h"
#include "run.h"


int main(int argc, char **argv)
{
	struct run_cfg cfg;
	bool summary = false;
	int code;

	if (libre_init())
		return CALLS_EXIT_NET;
	calls_log_init("calls-metrics");

	code = opts_parse(&cfg, argc, argv, &summary);
	if (code >= 0)
		goto out;

	if (scrape_global_init()) {
		code = CALLS_EXIT_NET;
		goto out;
	}

	code = summary ? run_summary(&cfg) : run_scrape(&cfg);
	scrape_global_close();

 out:
	calls_log_close();
	libre_close();
#ifdef CALLS_DEBUG
	mem_debug();
#endif

	return code;
}
