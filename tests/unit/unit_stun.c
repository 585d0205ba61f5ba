/* Unit tests of the STUN codec and client (lib/stun.c, lib/stunc.c) */
#include "runner.h"

extern const struct unit_suite suite_stun, suite_stunc;

int main(int argc, char **argv)
{
	static const struct unit_suite *const suites[] = {
		&suite_stun, &suite_stunc, NULL,
	};

	return unit_run(argc, argv, suites);
}
