/* Fuzz target: rtcd WebSocket frames (two msgpack values), as calls-sfu
 * receives them from the network. A frame that decodes must encode, and
 * the encoding must decode to the same message. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "re_inc.h"
#include "rtcdmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool streq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;

	return !strcmp(a, b);
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct calls_rtcdmsg *msg = NULL, *again = NULL;
	struct mbuf *mb;
	const char *why = NULL;

	if (calls_rtcdmsg_decode(&msg, data, size, &why)) {
		if (!why)
			abort();     /* every refusal says why */
		return 0;
	}

	/* join requires its three ids to encode; the rest always does */
	mb = mbuf_alloc(size + 64);
	if (!mb)
		abort();

	if (!calls_rtcdmsg_encode(mb, msg)) {
		if (calls_rtcdmsg_decode(&again, mb->buf, mb->end, &why))
			abort();
		if (again->type != msg->type)
			abort();
		switch (msg->type) {

		case CALLS_RTCDMSG_RTC:
		case CALLS_RTCDMSG_VAD:
			if (again->rtc.type != msg->rtc.type ||
			    !streq(again->rtc.session_id,
				   msg->rtc.session_id) ||
			    (msg->rtc.data_len &&
			     (again->rtc.data_len != msg->rtc.data_len ||
			      memcmp(again->rtc.data, msg->rtc.data,
				     msg->rtc.data_len))))
				abort();
			break;

		case CALLS_RTCDMSG_JOIN:
			if (!streq(again->join.session_id,
				   msg->join.session_id) ||
			    !streq(again->join.channel_id,
				   msg->join.channel_id) ||
			    again->join.av1_support != msg->join.av1_support)
				abort();
			break;

		default:
			if (!streq(again->session_id, msg->session_id))
				abort();
			break;
		}
	}

	mem_deref(again);
	mem_deref(mb);
	mem_deref(msg);

	return 0;
}
