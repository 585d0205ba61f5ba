/**
 * @file pkt.c  The probe packet: what ping sends and the echo reflects
 *
 * The parser is strict on purpose: the responder answers only packets
 * that are exactly well-formed requests, so it reflects nothing else (no
 * loops between two responders, no reflection of stray traffic), and the
 * length field lets the same packet travel framed over TCP.
 */
#include <string.h>
#include "re_inc.h"
#include "probe.h"
#include "bytes.h"


/** Writes p (p->len bytes, zero padding) into buf[0..size) */
int pkt_encode(uint8_t *buf, size_t size, const struct probe_pkt *p)
{
	if (!buf || !p || p->len < PROBE_HDR_LEN || p->len > size)
		return EINVAL;

	if (p->flags & ~PROBE_F_REPLY)
		return EINVAL;

	calls_wr32(buf, PROBE_MAGIC);
	buf[4] = PROBE_VERSION;
	buf[5] = p->flags;
	calls_wr16(buf + 6, p->len);
	calls_wr32(buf + 8, p->session);
	calls_wr32(buf + 12, p->seq);
	calls_wr64(buf + 16, p->tx_ns);
	calls_wr64(buf + 24, p->echo_ns);
	memset(buf + PROBE_HDR_LEN, 0, p->len - PROBE_HDR_LEN);

	return 0;
}


/* Magic, version and length field of the first 8 bytes */
static int check_head(size_t *lenp, const uint8_t *buf)
{
	uint16_t len;

	if (calls_rd32(buf) != PROBE_MAGIC)
		return EBADMSG;
	if (buf[4] != PROBE_VERSION)
		return EPROTO;

	len = calls_rd16(buf + 6);
	if (len < PROBE_HDR_LEN)
		return EBADMSG;

	*lenp = len;

	return 0;
}


/**
 * Stream framing: the length of the packet that starts at buf, or
 * ENODATA while fewer than 8 bytes are there. EBADMSG/EPROTO mean the
 * stream does not carry probe packets.
 */
int pkt_frame_len(size_t *lenp, const uint8_t *buf, size_t len)
{
	if (!lenp || !buf)
		return EINVAL;

	if (len < 8)
		return ENODATA;

	return check_head(lenp, buf);
}


/**
 * Decodes one whole packet: buf[0..len) must be exactly the packet, the
 * flags known, padding zero, and a request's responder timestamp zero.
 */
int pkt_decode(struct probe_pkt *p, const uint8_t *buf, size_t len)
{
	size_t plen, i;
	int err;

	if (!p || !buf)
		return EINVAL;

	if (len < PROBE_HDR_LEN)
		return EBADMSG;

	err = check_head(&plen, buf);
	if (err)
		return err;

	if (plen != len)
		return EBADMSG;

	if (buf[5] & ~PROBE_F_REPLY)
		return EPROTO;

	for (i = PROBE_HDR_LEN; i < len; i++) {
		if (buf[i])
			return EBADMSG;
	}

	p->flags   = buf[5];
	p->len     = (uint16_t)plen;
	p->session = calls_rd32(buf + 8);
	p->seq     = calls_rd32(buf + 12);
	p->tx_ns   = calls_rd64(buf + 16);
	p->echo_ns = calls_rd64(buf + 24);

	if (!(p->flags & PROBE_F_REPLY) && p->echo_ns)
		return EBADMSG;

	return 0;
}


/**
 * Turns the request in buf into its reply in place: sets the reply flag
 * and the responder timestamp. Anything but a valid request is refused.
 */
int pkt_make_reply(uint8_t *buf, size_t len, uint64_t now_ns)
{
	struct probe_pkt p;
	int err;

	err = pkt_decode(&p, buf, len);
	if (err)
		return err;

	if (p.flags & PROBE_F_REPLY)
		return EPROTO;

	buf[5] = PROBE_F_REPLY;
	calls_wr64(buf + 24, now_ns ? now_ns : 1);

	return 0;
}
