/* Fuzz target: calls-probe's probe packet parser, what the echo responder
 * and ping read from the network (datagrams and the TCP framing) */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "re_inc.h"
#include "probe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct probe_pkt p;
	uint8_t *buf, *again;
	size_t flen;

	if (size > PROBE_MAX_LEN + 8)
		return 0;

	/* an exact-size copy: a read past the end is caught */
	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);

	if (!pkt_decode(&p, buf, size)) {
		/* what decodes re-encodes to the same bytes */
		if (p.len != size)
			abort();
		again = malloc(size);
		if (!again || pkt_encode(again, size, &p) ||
		    memcmp(again, buf, size))
			abort();
		free(again);
	}

	if (!pkt_frame_len(&flen, buf, size) && flen < PROBE_HDR_LEN)
		abort();

	/* the responder path: a reply is made only from a valid request */
	if (!pkt_make_reply(buf, size, 12345)) {
		if (pkt_decode(&p, buf, size) || !(p.flags & PROBE_F_REPLY))
			abort();
	}

	free(buf);

	return 0;
}
