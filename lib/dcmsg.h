/**
 * @file dcmsg.h  rtcd's data channel messages (the `calls-dc` channel)
 *
 * A message is msgpack(uint8 type) followed by an optional msgpack
 * payload, back to back (rtcd service/rtc/dc/msg.go). Go writes the type
 * as `cc NN`, browsers as a positive fixint `NN`; decoding accepts both,
 * encoding writes `cc NN` like rtcd.
 *
 *   1 Ping, 2 Pong                     no payload
 *   3 SDP                              bin: zlib(JSON SessionDescription)
 *   4 LossRate, 5 RoundTripTime,
 *   6 Jitter                           float64 (float32, integers accepted)
 *   7 Lock                             request: none; response: bool
 *   8 Unlock                           no payload
 *   9 MediaMap                         map mid -> {type, sender_id}
 *
 * Decoding allocates nothing: strings and the SDP bin point into the
 * input. calls_dcmsg_sdp_inflate() turns the SDP bin into JSON, with a
 * size cap; calls_dcmsg_encode_sdp() deflates. zlib is included only by
 * lib/dcmsg.c.
 *
 *     struct calls_dcmsg m;
 *     err = calls_dcmsg_decode(&m, buf, len);
 *     if (m.type == CALLS_DCMSG_PING) ...
 *     calls_dcmsg_encode(mb, &(struct calls_dcmsg){.type =
 *                        CALLS_DCMSG_PONG});
 */
#ifndef CALLS_DCMSG_H
#define CALLS_DCMSG_H

#include "re_inc.h"

enum calls_dcmsg_type {
	CALLS_DCMSG_PING      = 1,
	CALLS_DCMSG_PONG      = 2,
	CALLS_DCMSG_SDP       = 3,
	CALLS_DCMSG_LOSS_RATE = 4,
	CALLS_DCMSG_RTT       = 5,
	CALLS_DCMSG_JITTER    = 6,
	CALLS_DCMSG_LOCK      = 7,
	CALLS_DCMSG_UNLOCK    = 8,
	CALLS_DCMSG_MEDIA_MAP = 9,
};

#define CALLS_DCMSG_MEDIA_MAX 64        /**< MediaMap entries decoded   */
#define CALLS_DCMSG_SDP_MAX   (1u << 20) /**< default inflate cap      */

/** One MediaMap entry: mid -> {"type": ..., "sender_id": ...} */
struct calls_dcmsg_media {
	struct pl mid;
	struct pl type;          /**< voice, screen, screen-audio, video */
	struct pl sender_id;
};

/** A decoded (or to-be-encoded) message */
struct calls_dcmsg {
	enum calls_dcmsg_type type;
	bool has_payload;        /**< Lock: response (bool) vs request   */
	double value;            /**< LossRate, RoundTripTime, Jitter    */
	bool lock;               /**< Lock response                      */
	struct pl sdp;           /**< SDP: the zlib bytes (bin)          */
	size_t media_n;
	struct calls_dcmsg_media media[CALLS_DCMSG_MEDIA_MAX];
};

/** Decodes one message; EBADMSG on anything malformed or trailing */
int  calls_dcmsg_decode(struct calls_dcmsg *msg, const uint8_t *buf,
			size_t len);
/** Appends the encoding (type as `cc NN`); for SDP msg->sdp holds the
 *  already compressed bytes */
int  calls_dcmsg_encode(struct mbuf *mb, const struct calls_dcmsg *msg);
/** Appends an SDP message: deflates the JSON into the bin payload */
int  calls_dcmsg_encode_sdp(struct mbuf *mb, const char *json, size_t len);
/** Inflates an SDP payload into a NUL-terminated mem_alloc'd string of at
 *  most cap bytes (0: CALLS_DCMSG_SDP_MAX); EOVERFLOW if larger, EBADMSG
 *  if not a complete zlib stream */
int  calls_dcmsg_sdp_inflate(char **jsonp, size_t *lenp,
			     const struct pl *z, size_t cap);
const char *calls_dcmsg_type_name(enum calls_dcmsg_type type);
/** True if the message is the legacy text "ping" (answer text "pong") */
bool calls_dcmsg_is_legacy_ping(bool is_text, const uint8_t *buf,
				size_t len);

#endif
