/* Fuzz target: calls-lt's IVF reader (cmd/lt/ivf.c), every frame it hands
 * out split by the VP8 RTP packetizer; payloads must fit the MTU and
 * their bytes (after the 4-byte descriptors) add up to the frame */
#include <stdint.h>
#include <stdlib.h>
#include "re_inc.h"
#include "lt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct acc {
	size_t bytes;
	bool last;
};


static int pkt_h(const uint8_t *p, size_t len, bool last, void *arg)
{
	struct acc *a = arg;

	if (len <= 4 || len > 300 || a->last)
		abort();
	if (!a->bytes && !(p[0] & 0x10))
		abort();                 /* S bit on the first packet */
	a->bytes += len - 4;
	a->last = last;

	return 0;
}


static int frame_h(const uint8_t *p, size_t len, uint64_t pts, void *arg)
{
	struct acc a = {0, false};

	(void)pts;
	(void)arg;
	if (!len)
		return 0;
	if (lt_vp8_packetize(p, len, 300, (uint16_t)len, pkt_h, &a) ||
	    a.bytes != len || !a.last)
		abort();

	return 0;
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t fourcc, rate, scale;

	(void)lt_ivf_read(data, size, &fourcc, &rate, &scale, frame_h, NULL);

	return 0;
}
