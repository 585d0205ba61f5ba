/* Unit tests of calls-sfu's config, TOML parser and metrics */
#include "runner.h"

extern const struct unit_suite suite_sfu_toml, suite_sfu_config,
	suite_sfu_metrics;

int main(int argc, char **argv)
{
	static const struct unit_suite *const suites[] = {
		&suite_sfu_toml, &suite_sfu_config, &suite_sfu_metrics, NULL,
	};

	return unit_run(argc, argv, suites);
}
