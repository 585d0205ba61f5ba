/**
 * @file rtp.c  RTP and RTCP on the wire, zero allocation
 */
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <errno.h>
#include "rtp.h"

#ifndef EOVERFLOW
#define EOVERFLOW 75
#endif

enum {
	MAX_DROPOUT    = 3000,
	MAX_MISORDER   = 100,
	MIN_SEQUENTIAL = 2,
	RTP_SEQ_MOD    = 1 << 16,
};


static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}


static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		(uint32_t)p[2] << 8 | p[3];
}


static inline void wr16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}


static inline void wr32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = (v >> 16) & 0xff;
	p[2] = (v >> 8) & 0xff;
	p[3] = v & 0xff;
}


bool calls_rtp_is_rtcp(const uint8_t *buf, size_t len)
{
	if (!buf || len < 2)
		return false;

	return buf[1] >= 192 && buf[1] <= 223;
}


int calls_rtp_parse(struct calls_rtp_hdr *hdr, const uint8_t *buf,
		    size_t len)
{
	size_t off, end;
	unsigned i;

	if (!hdr || !buf)
		return EINVAL;

	if (len < CALLS_RTP_HDR_MIN || (buf[0] >> 6) != 2)
		return EBADMSG;

	memset(hdr, 0, sizeof(*hdr));
	hdr->ver    = 2;
	hdr->pad    = (buf[0] >> 5) & 1;
	hdr->ext    = (buf[0] >> 4) & 1;
	hdr->cc     = buf[0] & 0x0f;
	hdr->marker = buf[1] >> 7;
	hdr->pt     = buf[1] & 0x7f;
	hdr->seq    = rd16(buf + 2);
	hdr->ts     = rd32(buf + 4);
	hdr->ssrc   = rd32(buf + 8);

	off = CALLS_RTP_HDR_MIN;
	if (len < off + 4u * hdr->cc)
		return EBADMSG;

	for (i = 0; i < hdr->cc; i++, off += 4)
		hdr->csrc[i] = rd32(buf + off);

	if (hdr->ext) {
		if (len < off + 4)
			return EBADMSG;

		hdr->ext_profile = rd16(buf + off);
		hdr->ext_len = 4u * rd16(buf + off + 2);
		hdr->ext_off = off + 4;
		off += 4 + hdr->ext_len;
		if (len < off)
			return EBADMSG;
	}

	hdr->hdr_len = off;
	end = len;

	if (hdr->pad) {
		hdr->pad_len = buf[len - 1];
		if (hdr->pad_len == 0 || hdr->pad_len > len - off)
			return EBADMSG;
		end -= hdr->pad_len;
	}

	hdr->pay_len = end - off;

	return 0;
}


/*
 * Walks the extension elements: calls fn for each (id, data, len).
 * fn returns true to stop. EBADMSG if the block is malformed.
 */
typedef bool (ext_walk_h)(uint16_t id, const uint8_t *data, size_t len,
			  void *arg);

static int ext_walk(uint16_t profile, const uint8_t *p, size_t n,
		    ext_walk_h *fn, void *arg)
{
	size_t off = 0;
	bool one;

	if (profile == CALLS_RTP_EXT_ONE)
		one = true;
	else if ((profile & 0xfff0) == CALLS_RTP_EXT_TWO)
		one = false;
	else
		return ENOTSUP;

	while (off < n) {
		uint16_t id;
		size_t len;

		if (p[off] == 0) {  /* padding */
			++off;
			continue;
		}

		if (one) {
			id  = p[off] >> 4;
			if (id == 0)  /* id 0 is for padding bytes only */
				return EBADMSG;
			len = (p[off] & 0x0f) + 1u;
			if (id == 15)  /* reserved: stop processing */
				return 0;
			off += 1;
		}
		else {
			if (off + 2 > n)
				return EBADMSG;
			id  = p[off];
			len = p[off + 1];
			off += 2;
		}

		if (off + len > n)
			return EBADMSG;

		if (fn(id, p + off, len, arg))
			return 0;

		off += len;
	}

	return 0;
}


struct ext_find {
	uint16_t id;
	const uint8_t *data;
	size_t len;
	bool found;
};


static bool find_h(uint16_t id, const uint8_t *data, size_t len, void *arg)
{
	struct ext_find *f = arg;

	if (id != f->id)
		return false;

	f->data  = data;
	f->len   = len;
	f->found = true;

	return true;
}


int calls_rtp_ext_find(const struct calls_rtp_hdr *hdr, const uint8_t *buf,
		       uint8_t id, const uint8_t **datap, size_t *lenp)
{
	struct ext_find f = {.id = id};
	int err;

	if (!hdr || !buf || !id)
		return EINVAL;

	if (!hdr->ext)
		return ENOENT;

	err = ext_walk(hdr->ext_profile, buf + hdr->ext_off, hdr->ext_len,
		       find_h, &f);
	if (err == ENOTSUP)
		return ENOENT;
	if (err)
		return err;
	if (!f.found)
		return ENOENT;

	if (datap)
		*datap = f.data;
	if (lenp)
		*lenp = f.len;

	return 0;
}


int calls_rtp_audio_level(const struct calls_rtp_hdr *hdr,
			  const uint8_t *buf, uint8_t id, uint8_t *levelp,
			  bool *vadp)
{
	const uint8_t *d;
	size_t n;
	int err;

	err = calls_rtp_ext_find(hdr, buf, id, &d, &n);
	if (err)
		return err;

	if (n < 1)
		return EBADMSG;

	if (levelp)
		*levelp = d[0] & 0x7f;
	if (vadp)
		*vadp = d[0] >> 7;

	return 0;
}


void calls_rtp_set_ssrc(uint8_t *buf, uint32_t ssrc)
{
	wr32(buf + 8, ssrc);
}


void calls_rtp_set_pt(uint8_t *buf, uint8_t pt)
{
	buf[1] = (buf[1] & 0x80) | (pt & 0x7f);
}


void calls_rtp_set_seq(uint8_t *buf, uint16_t seq)
{
	wr16(buf + 2, seq);
}


void calls_rtp_set_ts(uint8_t *buf, uint32_t ts)
{
	wr32(buf + 4, ts);
}


void calls_rtp_set_marker(uint8_t *buf, bool marker)
{
	buf[1] = (buf[1] & 0x7f) | (marker ? 0x80 : 0);
}


/* Copies fixed header + CSRCs, and from hdr_len to the end */
static int copy_without_ext(const struct calls_rtp_hdr *h,
			    const uint8_t *buf, size_t len,
			    uint8_t *out, size_t outsz, const uint8_t *ext,
			    size_t extn, size_t *outlenp)
{
	size_t fixed = CALLS_RTP_HDR_MIN + 4u * h->cc;
	size_t rest = len - h->hdr_len;
	size_t need = fixed + extn + rest;

	if (need > outsz)
		return EOVERFLOW;

	memmove(out, buf, fixed);
	if (extn)
		memcpy(out + fixed, ext, extn);
	memmove(out + fixed + extn, buf + h->hdr_len, rest);

	if (extn)
		out[0] |= 0x10;
	else
		out[0] &= ~0x10;

	*outlenp = need;

	return 0;
}


int calls_rtp_strip_ext(const uint8_t *buf, size_t len, uint8_t *out,
			size_t outsz, size_t *outlenp)
{
	struct calls_rtp_hdr h;
	int err;

	if (!buf || !out || !outlenp)
		return EINVAL;

	err = calls_rtp_parse(&h, buf, len);
	if (err)
		return err;

	return copy_without_ext(&h, buf, len, out, outsz, NULL, 0, outlenp);
}


struct ext_rw {
	const uint8_t *idmap;
	bool one;
	uint8_t blk[4 + 1024];   /* new extension block (header + data) */
	size_t n;
	int err;
};


static bool rw_h(uint16_t id, const uint8_t *data, size_t len, void *arg)
{
	struct ext_rw *rw = arg;
	uint8_t nid = rw->idmap[id & 0xff];

	if (!nid)
		return false;

	if (rw->one) {
		if (nid > 14 || len < 1 || len > 16) {
			rw->err = EINVAL;
			return true;
		}
		rw->blk[rw->n++] = (uint8_t)(nid << 4 | (len - 1));
	}
	else {
		rw->blk[rw->n++] = nid;
		rw->blk[rw->n++] = (uint8_t)len;
	}

	memcpy(rw->blk + rw->n, data, len);
	rw->n += len;

	return false;
}


int calls_rtp_ext_rewrite(const uint8_t *buf, size_t len,
			  const uint8_t idmap[256], uint8_t *out,
			  size_t outsz, size_t *outlenp)
{
	struct calls_rtp_hdr h;
	struct ext_rw rw;
	int err;

	if (!buf || !idmap || !out || !outlenp)
		return EINVAL;

	err = calls_rtp_parse(&h, buf, len);
	if (err)
		return err;

	if (!h.ext)
		return copy_without_ext(&h, buf, len, out, outsz, NULL, 0,
					outlenp);

	if (h.ext_profile != CALLS_RTP_EXT_ONE &&
	    (h.ext_profile & 0xfff0) != CALLS_RTP_EXT_TWO)
		return EINVAL;

	/* the new block is never longer than the old one */
	if (h.ext_len > sizeof(rw.blk) - 4)
		return EOVERFLOW;

	rw.idmap = idmap;
	rw.one = h.ext_profile == CALLS_RTP_EXT_ONE;
	rw.n = 4;
	rw.err = 0;

	err = ext_walk(h.ext_profile, buf + h.ext_off, h.ext_len, rw_h, &rw);
	if (err)
		return err;
	if (rw.err)
		return rw.err;

	if (rw.n == 4)
		return copy_without_ext(&h, buf, len, out, outsz, NULL, 0,
					outlenp);

	while ((rw.n - 4) % 4)
		rw.blk[rw.n++] = 0;

	wr16(rw.blk, h.ext_profile);
	wr16(rw.blk + 2, (uint16_t)((rw.n - 4) / 4));

	return copy_without_ext(&h, buf, len, out, outsz, rw.blk, rw.n,
				outlenp);
}


/* RFC 3550 A.1 */

void calls_rtp_seq_init(struct calls_rtp_seq *s, uint16_t seq)
{
	if (!s)
		return;

	memset(s, 0, sizeof(*s));
	s->base_seq = seq;
	s->max_seq  = seq;
	s->bad_seq  = RTP_SEQ_MOD + 1;
	s->init     = true;
}


int calls_rtp_seq_update(struct calls_rtp_seq *s, uint16_t seq,
			 uint32_t *extp)
{
	uint16_t udelta;

	if (!s)
		return EINVAL;

	if (!s->init) {
		calls_rtp_seq_init(s, seq);
		s->received = 1;
		if (extp)
			*extp = seq;
		return 0;
	}

	udelta = seq - s->max_seq;

	if (udelta == 0) {
		if (extp)
			*extp = calls_rtp_seq_ext_max(s);
		return EALREADY;
	}
	else if (udelta < MAX_DROPOUT) {
		if (seq < s->max_seq)
			s->cycles += RTP_SEQ_MOD;
		s->max_seq = seq;
	}
	else if (udelta <= RTP_SEQ_MOD - MAX_MISORDER) {
		/* a very large jump */
		if (seq == s->bad_seq) {
			/* two sequential packets: the source restarted */
			calls_rtp_seq_init(s, seq);
		}
		else {
			s->bad_seq = (seq + 1) & (RTP_SEQ_MOD - 1);
			return EBADMSG;
		}
	}
	else {
		/* duplicate or reordered packet */
		if (extp)
			*extp = calls_rtp_seq_extend(s, seq);
		s->received++;
		return 0;
	}

	s->received++;
	if (extp)
		*extp = calls_rtp_seq_ext_max(s);

	return 0;
}


uint32_t calls_rtp_seq_ext_max(const struct calls_rtp_seq *s)
{
	return s ? s->cycles + s->max_seq : 0;
}


uint32_t calls_rtp_seq_extend(const struct calls_rtp_seq *s, uint16_t seq)
{
	uint32_t max;
	int16_t d;

	if (!s)
		return seq;

	max = calls_rtp_seq_ext_max(s);
	d = (int16_t)(uint16_t)(seq - s->max_seq);

	/* below zero cannot be extended */
	if (d < 0 && (uint32_t)-d > max)
		return seq;

	return max + (int32_t)d;
}


void calls_rtp_seq_report(struct calls_rtp_seq *s, int32_t *lostp,
			  uint8_t *fractionp)
{
	uint32_t expected, exp_int, rec_int;
	int64_t lost, lost_int;
	uint8_t fraction = 0;

	if (!s || !s->init) {
		if (lostp)
			*lostp = 0;
		if (fractionp)
			*fractionp = 0;
		return;
	}

	expected = calls_rtp_seq_ext_max(s) - s->base_seq + 1;
	lost = (int64_t)expected - s->received;
	if (lost > 0x7fffff)
		lost = 0x7fffff;
	else if (lost < -0x800000)
		lost = -0x800000;

	exp_int = expected - s->expected_prior;
	rec_int = s->received - s->received_prior;
	s->expected_prior = expected;
	s->received_prior = s->received;
	lost_int = (int64_t)exp_int - rec_int;

	if (exp_int && lost_int > 0)
		fraction = (uint8_t)((lost_int << 8) / exp_int);

	if (lostp)
		*lostp = (int32_t)lost;
	if (fractionp)
		*fractionp = fraction;
}


/* RFC 3550 A.8 */

void calls_rtp_jitter_update(struct calls_rtp_jitter *j, uint32_t arrival,
			     uint32_t rtp_ts)
{
	int32_t transit, d;

	if (!j)
		return;

	transit = (int32_t)(arrival - rtp_ts);

	if (!j->init) {
		j->transit = transit;
		j->init = true;
		return;
	}

	d = transit - j->transit;
	j->transit = transit;
	if (d < 0)
		d = -d;

	j->jitter += (uint32_t)d - ((j->jitter + 8) >> 4);
}


uint32_t calls_rtp_jitter_get(const struct calls_rtp_jitter *j)
{
	return j ? j->jitter >> 4 : 0;
}


/* RTCP parse */

static int pkt_at(const uint8_t *buf, size_t len,
		  struct calls_rtcp_pkt *pkt)
{
	size_t plen;

	if (len < 4 || (buf[0] >> 6) != 2)
		return EBADMSG;

	plen = 4u * (rd16(buf + 2) + 1u);
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
		sr->ssrc        = rd32(b);
		sr->ntp         = (uint64_t)rd32(b + 4) << 32 | rd32(b + 8);
		sr->rtp_ts      = rd32(b + 12);
		sr->pkt_count   = rd32(b + 16);
		sr->octet_count = rd32(b + 20);
		return 0;
	}
	else if (pkt->pt == CALLS_RTCP_RR) {
		if (pkt->body_len < 4 + 24u * pkt->count)
			return EBADMSG;
		sr->ssrc = rd32(b);
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
	rb->ssrc     = rd32(b);
	rb->fraction = b[4];
	lost = rd32(b + 4) & 0xffffff;
	rb->lost     = (lost & 0x800000) ? (int32_t)(lost | 0xff000000)
				         : (int32_t)lost;
	rb->ext_seq  = rd32(b + 8);
	rb->jitter   = rd32(b + 12);
	rb->lsr      = rd32(b + 16);
	rb->dlsr     = rd32(b + 20);

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
		ssrc = rd32(b + off);
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

	*ssrcp = rd32(pkt->p + 4 + 4u * idx);

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
	fb->sender_ssrc = rd32(pkt->p + 4);
	fb->media_ssrc  = rd32(pkt->p + 8);
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
		uint16_t pid = rd16(fb.fci + off);
		uint16_t blp = rd16(fb.fci + off + 2);
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
		*ssrcp = rd32(fb.fci + 8u * idx);
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
	mant = (uint32_t)(fb.fci[5] & 3) << 16 | rd16(fb.fci + 6);

	if (fb.fci_len < 8 + 4u * num)
		return EBADMSG;

	if (bitratep)
		*bitratep = exp > 46 ? UINT64_MAX : (uint64_t)mant << exp;

	for (i = 0; i < num && i < max; i++)
		ssrcv[i] = rd32(fb.fci + 8 + 4u * i);

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
	wr16(buf + off + 2, (uint16_t)(len / 4 - 1));

	return 0;
}


static void rb_put(uint8_t *p, const struct calls_rtcp_rb *rb)
{
	wr32(p, rb->ssrc);
	wr32(p + 4, ((uint32_t)rb->lost & 0xffffff) |
	     (uint32_t)rb->fraction << 24);
	wr32(p + 8, rb->ext_seq);
	wr32(p + 12, rb->jitter);
	wr32(p + 16, rb->lsr);
	wr32(p + 20, rb->dlsr);
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
	wr32(p, sr->ssrc);
	wr32(p + 4, (uint32_t)(sr->ntp >> 32));
	wr32(p + 8, (uint32_t)sr->ntp);
	wr32(p + 12, sr->rtp_ts);
	wr32(p + 16, sr->pkt_count);
	wr32(p + 20, sr->octet_count);

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

	wr32(buf + off + 4, ssrc);
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
	wr32(p, ssrc);
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
		wr32(buf + off + 4 + 4u * i, ssrcv[i]);

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

	wr32(buf + *offp + 4, sender);
	wr32(buf + *offp + 8, media);

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
	wr32(p, media_ssrc);
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
			uint16_t pid = rd16(fci + k);
			uint16_t d = s - pid;

			if (d == 0) {
				done = true;
				break;
			}
			if (d >= 1 && d <= 16) {
				uint16_t blp = rd16(fci + k + 2);

				wr16(fci + k + 2, blp | 1u << (d - 1));
				done = true;
				break;
			}
		}

		if (done)
			continue;

		if (n == sizeof(fci))
			return EOVERFLOW;

		wr16(fci + n, s);
		wr16(fci + n + 2, 0);
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
	wr16(p + 6, (uint16_t)(bitrate >> exp));
	for (i = 0; i < ssrcc; i++)
		wr32(p + 8 + 4u * i, ssrcv[i]);

	*offp += 12 + 8 + 4u * ssrcc;

	return 0;
}
