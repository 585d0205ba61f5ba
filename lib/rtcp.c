/**
 * @file rtcp.c  RTCP compound packets: parse and build, zero allocation
 *
 * Declared in rtp.h with the RTP side.
 */
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <errno.h>
#include "rtp.h"
#include "bytes.h"

#ifndef EOVERFLOW
#define EOVERFLOW 75
#endif


/* RTCP parse */

static int pkt_at(const uint8_t *buf, size_t len,
		  struct calls_rtcp_pkt *pkt)
{
	size_t plen;

	if (len < 4 || (buf[0] >> 6) != 2)
		return EBADMSG;

	plen = 4u * (calls_rd16(buf + 2) + 1u);
	if (plen > len)
		return EBADMSG;

	pkt->count    = buf[0] & 0x1f;
	pkt->pad      = (buf[0] >> 5) & 1;
	pkt->pt       = buf[1];
	pkt->p        = buf;
	pkt->len      = plen;
	pkt->body_len = plen - 4;

	if (pkt->pad) {
		uint8_t padn = buf[plen - 1];

		if (padn == 0 || padn > pkt->body_len)
			return EBADMSG;
		pkt->body_len -= padn;
	}

	return 0;
}


void calls_rtcp_iter_init(struct calls_rtcp_iter *it, const uint8_t *buf,
			  size_t len)
{
	if (!it)
		return;

	it->buf = buf;
	it->len = buf ? len : 0;
	it->off = 0;
}


int calls_rtcp_iter_next(struct calls_rtcp_iter *it,
			 struct calls_rtcp_pkt *pkt)
{
	int err;

	if (!it || !pkt)
		return EINVAL;

	if (it->off >= it->len)
		return ENOENT;

	err = pkt_at(it->buf + it->off, it->len - it->off, pkt);
	if (err) {
		it->off = it->len;
		return err;
	}

	it->off += pkt->len;

	return 0;
}


int calls_rtcp_validate(const uint8_t *buf, size_t len)
{
	struct calls_rtcp_iter it;
	struct calls_rtcp_pkt pkt;
	unsigned n = 0;
	int err;

	if (!buf)
		return EINVAL;

	if (len < CALLS_RTCP_HDR_MIN)
		return EBADMSG;

	calls_rtcp_iter_init(&it, buf, len);

	while ((err = calls_rtcp_iter_next(&it, &pkt)) == 0) {
		++n;
		if (pkt.pt < 192 || pkt.pt > 223)
			return EBADMSG;
		if (pkt.pad && it.off != len)
			return EBADMSG;  /* padding only in the last */
		if (pkt.len < CALLS_RTCP_HDR_MIN &&
		    pkt.pt != CALLS_RTCP_RR && pkt.pt != CALLS_RTCP_SDES &&
		    pkt.pt != CALLS_RTCP_BYE)
			return EBADMSG;
	}

	if (err != ENOENT || !n)
		return EBADMSG;

	return 0;
}


int calls_rtcp_sr_parse(const struct calls_rtcp_pkt *pkt,
			struct calls_rtcp_sr *sr)
{
	const uint8_t *b;

	if (!pkt || !sr)
		return EINVAL;

	memset(sr, 0, sizeof(*sr));
	b = pkt->p + 4;

	if (pkt->pt == CALLS_RTCP_SR) {
		if (pkt->body_len < 24 + 24u * pkt->count)
			return EBADMSG;
		sr->ssrc        = calls_rd32(b);
		sr->ntp         = calls_rd64(b + 4);
		sr->rtp_ts      = calls_rd32(b + 12);
		sr->pkt_count   = calls_rd32(b + 16);
		sr->octet_count = calls_rd32(b + 20);
		return 0;
	}
	else if (pkt->pt == CALLS_RTCP_RR) {
		if (pkt->body_len < 4 + 24u * pkt->count)
			return EBADMSG;
		sr->ssrc = calls_rd32(b);
		return 0;
	}

	return EINVAL;
}


int calls_rtcp_rb_get(const struct calls_rtcp_pkt *pkt, unsigned idx,
		      struct calls_rtcp_rb *rb)
{
	const uint8_t *b;
	size_t off;
	uint32_t lost;

	if (!pkt || !rb)
		return EINVAL;

	if (pkt->pt == CALLS_RTCP_SR)
		off = 24;
	else if (pkt->pt == CALLS_RTCP_RR)
		off = 4;
	else
		return EINVAL;

	if (idx >= pkt->count)
		return ENOENT;

	off += 24u * idx;
	if (pkt->body_len < off + 24)
		return EBADMSG;

	b = pkt->p + 4 + off;
	rb->ssrc     = calls_rd32(b);
	rb->fraction = b[4];
	lost = calls_rd32(b + 4) & 0xffffff;
	rb->lost     = (lost & 0x800000) ? (int32_t)(lost | 0xff000000)
				         : (int32_t)lost;
	rb->ext_seq  = calls_rd32(b + 8);
	rb->jitter   = calls_rd32(b + 12);
	rb->lsr      = calls_rd32(b + 16);
	rb->dlsr     = calls_rd32(b + 20);

	return 0;
}


int calls_rtcp_sdes_cname(const struct calls_rtcp_pkt *pkt, unsigned idx,
			  uint32_t *ssrcp, const char **cnamep, size_t *lenp)
{
	const uint8_t *b;
	size_t off = 0, n;
	unsigned chunk;

	if (!pkt || pkt->pt != CALLS_RTCP_SDES)
		return EINVAL;

	if (idx >= pkt->count)
		return ENOENT;

	b = pkt->p + 4;
	n = pkt->body_len;

	for (chunk = 0; chunk <= idx; chunk++) {
		uint32_t ssrc;
		bool found = false;

		if (off + 4 > n)
			return EBADMSG;
		ssrc = calls_rd32(b + off);
		off += 4;

		for (;;) {
			uint8_t type, ilen;

			if (off >= n)
				return EBADMSG;
			type = b[off];
			if (type == 0) {
				/* end: skip to the next 32-bit boundary */
				off = (off + 4) & ~(size_t)3;
				break;
			}
			if (off + 2 > n)
				return EBADMSG;
			ilen = b[off + 1];
			if (off + 2 + ilen > n)
				return EBADMSG;

			if (chunk == idx && type == 1 && !found) {
				if (ssrcp)
					*ssrcp = ssrc;
				if (cnamep)
					*cnamep = (const char *)b + off + 2;
				if (lenp)
					*lenp = ilen;
				found = true;
			}
			off += 2u + ilen;
		}

		if (chunk == idx)
			return found ? 0 : ENOENT;
	}

	return ENOENT;
}


int calls_rtcp_bye_ssrc(const struct calls_rtcp_pkt *pkt, unsigned idx,
			uint32_t *ssrcp)
{
	if (!pkt || pkt->pt != CALLS_RTCP_BYE || !ssrcp)
		return EINVAL;

	if (idx >= pkt->count)
		return ENOENT;

	if (pkt->body_len < 4u * (idx + 1))
		return EBADMSG;

	*ssrcp = calls_rd32(pkt->p + 4 + 4u * idx);

	return 0;
}


int calls_rtcp_fb_parse(const struct calls_rtcp_pkt *pkt,
			struct calls_rtcp_fb *fb)
{
	if (!pkt || !fb)
		return EINVAL;

	if (pkt->pt != CALLS_RTCP_RTPFB && pkt->pt != CALLS_RTCP_PSFB)
		return EINVAL;

	if (pkt->body_len < 8)
		return EBADMSG;

	fb->fmt         = pkt->count;
	fb->sender_ssrc = calls_rd32(pkt->p + 4);
	fb->media_ssrc  = calls_rd32(pkt->p + 8);
	fb->fci         = pkt->p + 12;
	fb->fci_len     = pkt->body_len - 8;

	return 0;
}


int calls_rtcp_nack_seqs(const struct calls_rtcp_pkt *pkt, uint16_t *seqv,
			 size_t max, size_t *np)
{
	struct calls_rtcp_fb fb;
	size_t off, n = 0;
	int err;

	if (!np || (max && !seqv))
		return EINVAL;

	err = calls_rtcp_fb_parse(pkt, &fb);
	if (err)
		return err;

	if (pkt->pt != CALLS_RTCP_RTPFB || fb.fmt != CALLS_RTCP_RTPFB_NACK)
		return EINVAL;

	if (fb.fci_len % 4)
		return EBADMSG;

	for (off = 0; off < fb.fci_len; off += 4) {
		uint16_t pid = calls_rd16(fb.fci + off);
		uint16_t blp = calls_rd16(fb.fci + off + 2);
		unsigned i;

		if (n < max)
			seqv[n] = pid;
		++n;

		for (i = 0; i < 16; i++) {
			if (!(blp & (1u << i)))
				continue;
			if (n < max)
				seqv[n] = (uint16_t)(pid + i + 1);
			++n;
		}
	}

	*np = n;

	return 0;
}


int calls_rtcp_fir_get(const struct calls_rtcp_pkt *pkt, unsigned idx,
		       uint32_t *ssrcp, uint8_t *seqnrp)
{
	struct calls_rtcp_fb fb;
	int err;

	err = calls_rtcp_fb_parse(pkt, &fb);
	if (err)
		return err;

	if (pkt->pt != CALLS_RTCP_PSFB || fb.fmt != CALLS_RTCP_PSFB_FIR)
		return EINVAL;

	if (fb.fci_len % 8)
		return EBADMSG;

	if (8u * idx + 8 > fb.fci_len)
		return ENOENT;

	if (ssrcp)
		*ssrcp = calls_rd32(fb.fci + 8u * idx);
	if (seqnrp)
		*seqnrp = fb.fci[8u * idx + 4];

	return 0;
}


int calls_rtcp_remb_parse(const struct calls_rtcp_pkt *pkt,
			  uint64_t *bitratep, uint32_t *ssrcv, size_t max,
			  size_t *np)
{
	struct calls_rtcp_fb fb;
	unsigned num, exp, i;
	uint32_t mant;
	int err;

	if (max && !ssrcv)
		return EINVAL;

	err = calls_rtcp_fb_parse(pkt, &fb);
	if (err)
		return err;

	if (pkt->pt != CALLS_RTCP_PSFB || fb.fmt != CALLS_RTCP_PSFB_AFB)
		return EINVAL;

	if (fb.fci_len < 8 || memcmp(fb.fci, "REMB", 4))
		return ENOENT;

	num  = fb.fci[4];
	exp  = fb.fci[5] >> 2;
	mant = (uint32_t)(fb.fci[5] & 3) << 16 | calls_rd16(fb.fci + 6);

	if (fb.fci_len < 8 + 4u * num)
		return EBADMSG;

	if (bitratep)
		*bitratep = exp > 46 ? UINT64_MAX : (uint64_t)mant << exp;

	for (i = 0; i < num && i < max; i++)
		ssrcv[i] = calls_rd32(fb.fci + 8 + 4u * i);

	if (np)
		*np = num;

	return 0;
}


/* RTCP build */

static int hdr_put(uint8_t *buf, size_t size, size_t off, uint8_t count,
		   uint8_t pt, size_t len)
{
	if (!buf || len % 4 || len / 4 - 1 > 0xffff || count > 31)
		return EINVAL;

	if (off > size || size - off < len)
		return EOVERFLOW;

	buf[off]     = (uint8_t)(0x80 | count);
	buf[off + 1] = pt;
	calls_wr16(buf + off + 2, (uint16_t)(len / 4 - 1));

	return 0;
}


static void rb_put(uint8_t *p, const struct calls_rtcp_rb *rb)
{
	calls_wr32(p, rb->ssrc);
	calls_wr32(p + 4, ((uint32_t)rb->lost & 0xffffff) |
	     (uint32_t)rb->fraction << 24);
	calls_wr32(p + 8, rb->ext_seq);
	calls_wr32(p + 12, rb->jitter);
	calls_wr32(p + 16, rb->lsr);
	calls_wr32(p + 20, rb->dlsr);
}


int calls_rtcp_build_sr(uint8_t *buf, size_t size, size_t *offp,
			const struct calls_rtcp_sr *sr,
			const struct calls_rtcp_rb *rbv, unsigned rbc)
{
	size_t len, off;
	uint8_t *p;
	unsigned i;
	int err;

	if (!offp || !sr || (rbc && !rbv))
		return EINVAL;

	off = *offp;
	len = 28 + 24u * rbc;
	err = hdr_put(buf, size, off, (uint8_t)rbc, CALLS_RTCP_SR, len);
	if (err)
		return err;

	p = buf + off + 4;
	calls_wr32(p, sr->ssrc);
	calls_wr32(p + 4, (uint32_t)(sr->ntp >> 32));
	calls_wr32(p + 8, (uint32_t)sr->ntp);
	calls_wr32(p + 12, sr->rtp_ts);
	calls_wr32(p + 16, sr->pkt_count);
	calls_wr32(p + 20, sr->octet_count);

	for (i = 0; i < rbc; i++)
		rb_put(p + 24 + 24u * i, &rbv[i]);

	*offp = off + len;

	return 0;
}


int calls_rtcp_build_rr(uint8_t *buf, size_t size, size_t *offp,
			uint32_t ssrc, const struct calls_rtcp_rb *rbv,
			unsigned rbc)
{
	size_t len, off;
	unsigned i;
	int err;

	if (!offp || (rbc && !rbv))
		return EINVAL;

	off = *offp;
	len = 8 + 24u * rbc;
	err = hdr_put(buf, size, off, (uint8_t)rbc, CALLS_RTCP_RR, len);
	if (err)
		return err;

	calls_wr32(buf + off + 4, ssrc);
	for (i = 0; i < rbc; i++)
		rb_put(buf + off + 8 + 24u * i, &rbv[i]);

	*offp = off + len;

	return 0;
}


int calls_rtcp_build_sdes_cname(uint8_t *buf, size_t size, size_t *offp,
				uint32_t ssrc, const char *cname)
{
	size_t n, len, off;
	uint8_t *p;
	int err;

	if (!offp || !cname)
		return EINVAL;

	n = strlen(cname);
	if (n > 255)
		return EINVAL;

	/* ssrc, type, len, text, at least one null, to a 4-byte boundary */
	len = 4 + ((4 + 2 + n + 1 + 3) & ~(size_t)3);
	off = *offp;
	err = hdr_put(buf, size, off, 1, CALLS_RTCP_SDES, len);
	if (err)
		return err;

	p = buf + off + 4;
	memset(p, 0, len - 4);
	calls_wr32(p, ssrc);
	p[4] = 1;
	p[5] = (uint8_t)n;
	memcpy(p + 6, cname, n);

	*offp = off + len;

	return 0;
}


int calls_rtcp_build_bye(uint8_t *buf, size_t size, size_t *offp,
			 const uint32_t *ssrcv, unsigned ssrcc)
{
	size_t len, off;
	unsigned i;
	int err;

	if (!offp || (ssrcc && !ssrcv))
		return EINVAL;

	off = *offp;
	len = 4 + 4u * ssrcc;
	err = hdr_put(buf, size, off, (uint8_t)ssrcc, CALLS_RTCP_BYE, len);
	if (err)
		return err;

	for (i = 0; i < ssrcc; i++)
		calls_wr32(buf + off + 4 + 4u * i, ssrcv[i]);

	*offp = off + len;

	return 0;
}


static int fb_put(uint8_t *buf, size_t size, size_t *offp, uint8_t pt,
		  uint8_t fmt, uint32_t sender, uint32_t media, size_t fci)
{
	int err;

	if (!offp)
		return EINVAL;

	err = hdr_put(buf, size, *offp, fmt, pt, 12 + fci);
	if (err)
		return err;

	calls_wr32(buf + *offp + 4, sender);
	calls_wr32(buf + *offp + 8, media);

	return 0;
}


int calls_rtcp_build_pli(uint8_t *buf, size_t size, size_t *offp,
			 uint32_t sender_ssrc, uint32_t media_ssrc)
{
	int err;

	err = fb_put(buf, size, offp, CALLS_RTCP_PSFB, CALLS_RTCP_PSFB_PLI,
		     sender_ssrc, media_ssrc, 0);
	if (err)
		return err;

	*offp += 12;

	return 0;
}


int calls_rtcp_build_fir(uint8_t *buf, size_t size, size_t *offp,
			 uint32_t sender_ssrc, uint32_t media_ssrc,
			 uint8_t seqnr)
{
	uint8_t *p;
	int err;

	/* RFC 5104 4.3.1: media source SSRC is 0, the target in the FCI */
	err = fb_put(buf, size, offp, CALLS_RTCP_PSFB, CALLS_RTCP_PSFB_FIR,
		     sender_ssrc, 0, 8);
	if (err)
		return err;

	p = buf + *offp + 12;
	calls_wr32(p, media_ssrc);
	p[4] = seqnr;
	p[5] = p[6] = p[7] = 0;

	*offp += 20;

	return 0;
}


int calls_rtcp_build_nack(uint8_t *buf, size_t size, size_t *offp,
			  uint32_t sender_ssrc, uint32_t media_ssrc,
			  const uint16_t *seqv, size_t seqc)
{
	uint8_t fci[4 * 64];
	size_t i, n = 0;
	int err;

	if (!offp || !seqv || !seqc)
		return EINVAL;

	/* greedy: each seq joins an entry whose PID is 1..16 below it */
	for (i = 0; i < seqc; i++) {
		uint16_t s = seqv[i];
		size_t k;
		bool done = false;

		for (k = 0; k < n; k += 4) {
			uint16_t pid = calls_rd16(fci + k);
			uint16_t d = s - pid;

			if (d == 0) {
				done = true;
				break;
			}
			if (d >= 1 && d <= 16) {
				uint16_t blp = calls_rd16(fci + k + 2);

				calls_wr16(fci + k + 2, blp | 1u << (d - 1));
				done = true;
				break;
			}
		}

		if (done)
			continue;

		if (n == sizeof(fci))
			return EOVERFLOW;

		calls_wr16(fci + n, s);
		calls_wr16(fci + n + 2, 0);
		n += 4;
	}

	err = fb_put(buf, size, offp, CALLS_RTCP_RTPFB,
		     CALLS_RTCP_RTPFB_NACK, sender_ssrc, media_ssrc, n);
	if (err)
		return err;

	memcpy(buf + *offp + 12, fci, n);
	*offp += 12 + n;

	return 0;
}


int calls_rtcp_build_remb(uint8_t *buf, size_t size, size_t *offp,
			  uint32_t sender_ssrc, uint64_t bitrate,
			  const uint32_t *ssrcv, unsigned ssrcc)
{
	unsigned exp = 0, i;
	uint8_t *p;
	int err;

	if (ssrcc > 255 || (ssrcc && !ssrcv))
		return EINVAL;

	while ((bitrate >> exp) > 0x3ffff)
		++exp;
	if (exp > 63)
		return EINVAL;

	err = fb_put(buf, size, offp, CALLS_RTCP_PSFB, CALLS_RTCP_PSFB_AFB,
		     sender_ssrc, 0, 8 + 4u * ssrcc);
	if (err)
		return err;

	p = buf + *offp + 12;
	memcpy(p, "REMB", 4);
	p[4] = (uint8_t)ssrcc;
	p[5] = (uint8_t)(exp << 2 | ((bitrate >> exp) >> 16 & 3));
	calls_wr16(p + 6, (uint16_t)(bitrate >> exp));
	for (i = 0; i < ssrcc; i++)
		calls_wr32(p + 8 + 4u * i, ssrcv[i]);

	*offp += 12 + 8 + 4u * ssrcc;

	return 0;
}
