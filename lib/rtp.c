/**
 * @file rtp.c  RTP on the wire and RFC 3550 helpers, zero allocation
 *
 * RTCP is in rtcp.c (same header, rtp.h).
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

enum {
	MAX_DROPOUT    = 3000,
	MAX_MISORDER   = 100,
	MIN_SEQUENTIAL = 2,
	RTP_SEQ_MOD    = 1 << 16,
};


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
	hdr->seq    = calls_rd16(buf + 2);
	hdr->ts     = calls_rd32(buf + 4);
	hdr->ssrc   = calls_rd32(buf + 8);

	off = CALLS_RTP_HDR_MIN;
	if (len < off + 4u * hdr->cc)
		return EBADMSG;

	for (i = 0; i < hdr->cc; i++, off += 4)
		hdr->csrc[i] = calls_rd32(buf + off);

	if (hdr->ext) {
		if (len < off + 4)
			return EBADMSG;

		hdr->ext_profile = calls_rd16(buf + off);
		hdr->ext_len = 4u * calls_rd16(buf + off + 2);
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
	calls_wr32(buf + 8, ssrc);
}


void calls_rtp_set_pt(uint8_t *buf, uint8_t pt)
{
	buf[1] = (buf[1] & 0x80) | (pt & 0x7f);
}


void calls_rtp_set_seq(uint8_t *buf, uint16_t seq)
{
	calls_wr16(buf + 2, seq);
}


void calls_rtp_set_ts(uint8_t *buf, uint32_t ts)
{
	calls_wr32(buf + 4, ts);
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

	calls_wr16(rw.blk, h.ext_profile);
	calls_wr16(rw.blk + 2, (uint16_t)((rw.n - 4) / 4));

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
