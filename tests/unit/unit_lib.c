/* Unit tests of lib/: the shared layer every command uses */
#include "runner.h"

extern const struct unit_suite suite_json, suite_hostport, suite_opt,
	suite_log;

int main(int argc, char **argv)
{
	static const struct unit_suite *const suites[] = {
		&suite_json, &suite_hostport, &suite_opt, &suite_log, NULL,
	};

	return unit_run(argc, argv, suites);
}
