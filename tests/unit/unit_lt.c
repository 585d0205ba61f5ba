/* Unit tests of calls-lt: Ogg and IVF readers, VP8 packetizer, stats */
#include "runner.h"

extern const struct unit_suite suite_lt_media, suite_lt_stats;

int main(int argc, char **argv)
{
	static const struct unit_suite *const suites[] = {
		&suite_lt_media, &suite_lt_stats, NULL,
	};

	return unit_run(argc, argv, suites);
}
