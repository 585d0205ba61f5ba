/* Unit tests of the STUN codec and client (lib/stun.c, lib/stunc.c) and
 * of calls-stun's request handler (cmd/stun/handler.c) */
#include "runner.h"

extern const struct unit_suite suite_stun, suite_stunc, suite_stun_handler;

int main(int argc, char **argv)
{
	static const struct unit_suite *const suites[] = {
		&suite_stun, &suite_stunc, &suite_stun_handler, NULL,
	};

	return unit_run(argc, argv, suites);
}
