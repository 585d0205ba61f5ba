/* Unit tests of the calls-sfu media plane: VAD, forwarding rewrite and
 * classification, signaling and the renegotiation queue */
#include "runner.h"

extern const struct unit_suite suite_sfu_vad, suite_sfu_fwd,
	suite_sfu_media;

int main(int argc, char **argv)
{
	static const struct unit_suite *const suites[] = {
		&suite_sfu_vad, &suite_sfu_fwd, &suite_sfu_media, NULL,
	};

	return unit_run(argc, argv, suites);
}
