/* Unit tests of the rtcd WebSocket side of calls-sfu: the msgpack codec
 * (lib/rtcdmsg.c) and the groups/calls/sessions model (cmd/sfu/rtc.c) */
#include "runner.h"

extern const struct unit_suite suite_rtcdmsg, suite_sfu_rtc;

int main(int argc, char **argv)
{
	static const struct unit_suite *const suites[] = {
		&suite_rtcdmsg, &suite_sfu_rtc, NULL,
	};

	return unit_run(argc, argv, suites);
}
