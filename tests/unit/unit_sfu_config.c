/* Unit tests of calls-sfu's config, TOML parser and metrics */
#include "runner.h"
#include "log.h"

extern const struct unit_suite suite_sfu_toml, suite_sfu_config,
	suite_sfu_metrics;

int main(int argc, char **argv)
{
	static const struct unit_suite *const suites[] = {
		&suite_sfu_toml, &suite_sfu_config, &suite_sfu_metrics, NULL,
	};

	/* libre's own warnings (a TLS key that does not match, on
	 * purpose) go through our logger, and only errors reach stderr */
	calls_log_init("unit-sfu-config");
	calls_log_set_level(CALLS_LOG_ERROR);

	return unit_run(argc, argv, suites);
}
