/* Unit tests of lib/rtp.c (RTP header, extensions, RTCP) */
#include "re_inc.h"
#include "rtp.h"
#include "runner.h"

const struct unit_suite suite_rtp = {"rtp", {
	{NULL, NULL}}};
