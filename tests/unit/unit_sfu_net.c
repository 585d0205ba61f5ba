/* Unit tests of the calls-sfu RTC port: the demux and ICE-lite responder
 * (cmd/sfu/rtcnet.c) and local candidates (cmd/sfu/cand.c) */
#include "runner.h"

extern const struct unit_suite suite_sfu_rtcnet, suite_sfu_cand;

int main(int argc, char **argv)
{
	static const struct unit_suite *const suites[] = {
		&suite_sfu_rtcnet, &suite_sfu_cand, NULL,
	};

	return unit_run(argc, argv, suites);
}
