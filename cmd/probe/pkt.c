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


static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}


static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}


static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)(v >> 32));
	put32(p + 4, (uint32_t)v);
}


static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}


static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}


static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) << 32 | get32(p + 4);
}


/** Writes p (p->len bytes, zero padding) into buf[0..size) */
int pkt_encode(uint8_t *buf, size_t size, const struct probe_pkt *p)
{
	if (!buf || !p || p->len < PROBE_HDR_LEN || p->len > size)
		return EINVAL;

	if (p->flags & ~PROBE_F_REPLY)
		return EINVAL;

	put32(buf, PROBE_MAGIC);
	buf[4] = PROBE_VERSION;
	buf[5] = p->flags;
	put16(buf + 6, p->len);
	put32(buf + 8, p->session);
	put32(buf + 12, p->seq);
	put64(buf + 16, p->tx_ns);
	put64(buf + 24, p->echo_ns);
	memset(buf + PROBE_HDR_LEN, 0, p->len - PROBE_HDR_LEN);

	return 0;
}


/* Magic, version and length field of the first 8 bytes */
static int check_head(size_t *lenp, const uint8_t *buf)
{
	uint16_t len;

	if (get32(buf) != PROBE_MAGIC)
		return EBADMSG;
	if (buf[4] != PROBE_VERSION)
		return EPROTO;

	len = get16(buf + 6);
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
	p->session = get32(buf + 8);
	p->seq     = get32(buf + 12);
	p->tx_ns   = get64(buf + 16);
	p->echo_ns = get64(buf + 24);

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
	put64(buf + 24, now_ns ? now_ns : 1);

	return 0;
}
