/**
 * @file ivf.c  calls-lt: an IVF reader and a VP8 RTP packetizer (RFC 7741)
 *
 * IVF: a 32-byte file header ("DKIF", version 0, header size 32, fourcc,
 * width, height, time base rate/scale, frame count) then frames, each a
 * 12-byte header (size, 64-bit pts) and the frame. Every length is
 * checked against the buffer. A NULL frame handler reads the header
 * only.
 *
 * VP8 payloads get the RFC 7741 descriptor with a 15-bit PictureID
 * (X=1, I=1, M=1): 4 bytes, S=1 on the first packet of a frame.
 */
#include <string.h>
#include "re_inc.h"
#include "lt.h"

enum {
	IVF_HDR = 32,
	IVF_FRAME_HDR = 12,
	VP8_DESC = 4,
};


static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		(uint32_t)p[3] << 24;
}


int lt_ivf_read(const uint8_t *buf, size_t len, uint32_t *fourcc,
		uint32_t *rate, uint32_t *scale, lt_ivf_frame_h *frameh,
		void *arg)
{
	size_t off, hlen;
	int err;

	if (!buf)
		return EINVAL;
	if (len < IVF_HDR || memcmp(buf, "DKIF", 4))
		return EBADMSG;
	hlen = (size_t)buf[6] | (size_t)buf[7] << 8;
	if (hlen < IVF_HDR || hlen > len)
		return EBADMSG;
	if (fourcc)
		*fourcc = le32(buf + 8);
	if (rate)
		*rate = le32(buf + 16);
	if (scale)
		*scale = le32(buf + 20);

	for (off = hlen; off < len;) {
		uint32_t flen;
		uint64_t pts;

		if (len - off < IVF_FRAME_HDR)
			return EBADMSG;
		flen = le32(buf + off);
		pts = (uint64_t)le32(buf + off + 4) |
			(uint64_t)le32(buf + off + 8) << 32;
		off += IVF_FRAME_HDR;
		if (flen > len - off)
			return EBADMSG;
		err = frameh ? frameh(buf + off, flen, pts, arg) : 0;
		if (err)
			return err;
		off += flen;
	}

	return 0;
}


int lt_vp8_packetize(const uint8_t *frame, size_t len, size_t mtu,
		     uint16_t picture_id, lt_vp8_pkt_h *pkth, void *arg)
{
	uint8_t pay[1500];
	size_t off = 0, max;
	int err;

	if (!frame || !len || !pkth || mtu <= VP8_DESC ||
	    mtu > sizeof(pay))
		return EINVAL;

	max = mtu - VP8_DESC;
	picture_id &= 0x7fff;

	while (off < len) {
		size_t n = min(max, len - off);

		pay[0] = 0x80 | (off == 0 ? 0x10 : 0);   /* X, S, PID 0 */
		pay[1] = 0x80;                           /* I           */
		pay[2] = (uint8_t)(0x80 | (picture_id >> 8));   /* M   */
		pay[3] = (uint8_t)picture_id;
		memcpy(pay + VP8_DESC, frame + off, n);
		off += n;
		err = pkth(pay, VP8_DESC + n, off == len, arg);
		if (err)
			return err;
	}

	return 0;
}
