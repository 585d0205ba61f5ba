/* Unit tests of the WebRTC wire formats: SDP, RTP/RTCP, SRTP/SRTCP */
#include "runner.h"

extern const struct unit_suite suite_sdp, suite_rtp, suite_srtp;

int main(int argc, char **argv)
{
	static const struct unit_suite *const suites[] = {
		&suite_sdp, &suite_rtp, &suite_srtp, NULL,
	};

	return unit_run(argc, argv, suites);
}
