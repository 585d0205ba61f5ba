/* Unit tests of calls-metrics: lib/prom and the command's modules */
#include "runner.h"

extern const struct unit_suite suite_prom, suite_prom_watch;

int main(int argc, char **argv)
{
	static const struct unit_suite *const suites[] = {
		&suite_prom, &suite_prom_watch, NULL,
	};

	return unit_run(argc, argv, suites);
}
