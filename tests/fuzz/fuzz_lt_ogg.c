/* Fuzz target: calls-lt's Ogg page reader (cmd/lt/ogg.c) and OpusHead
 * check on every packet it hands out; packets must lie within 64 KiB */
#include <stdint.h>
#include <stdlib.h>
#include "re_inc.h"
#include "lt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static int pkt_h(const uint8_t *p, size_t len, uint64_t granule, void *arg)
{
	size_t *n = arg;
	volatile uint8_t sink = 0;
	size_t i;

	(void)granule;
	if (len > 65536)
		abort();
	for (i = 0; i < len; i++)
		sink ^= p[i];
	(void)lt_ogg_opus_head(p, len);
	(*n)++;

	return *n > 100000 ? EOVERFLOW : 0;
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n = 0;

	(void)lt_ogg_read(data, size, pkt_h, &n);

	return 0;
}
