/* Unit tests of calls-probe: probe packets, statistics, /proc parsers */
#include "runner.h"

extern const struct unit_suite suite_probe_pkt, suite_probe_stats,
	suite_probe_proc;

int main(int argc, char **argv)
{
	static const struct unit_suite *const suites[] = {
		&suite_probe_pkt, &suite_probe_stats, &suite_probe_proc,
		NULL,
	};

	return unit_run(argc, argv, suites);
}
