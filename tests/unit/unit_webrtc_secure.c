/* Unit tests of the WebRTC security and data channel layer: lib/dcmsg.c
 * (rtcd DC messages), lib/dtls.c (DTLS-SRTP), lib/sctp.c (usrsctp, DCEP).
 * sctp's last case releases usrsctp and the certificate, so LeakSanitizer
 * sees what the modules themselves leave. */
#include "runner.h"

extern const struct unit_suite suite_dcmsg, suite_dtls, suite_sctp;

int main(int argc, char **argv)
{
	static const struct unit_suite *const suites[] = {
		&suite_dcmsg, &suite_dtls, &suite_sctp, NULL,
	};

	return unit_run(argc, argv, suites);
}
