/**
 * @file srtp.c  SRTP/SRTCP seam over libre's srtp (OpenSSL-backed)
 *
 * libre does the RFC 3711 / RFC 7714 transforms, the index estimation
 * (rollover counter) and, for SRTP, a 64-packet replay window. Gaps in
 * libre 1.1.0 filled here:
 *  - SRTCP with the E flag clear skips libre's GCM tag check (garbage
 *    passes), so SRTCP without encryption is refused (WebRTC never
 *    negotiates it);
 *  - a libre context holds at most 8 SSRC streams (ENOSR after), so we
 *    keep one libre context per SSRC (keys derived once, when the SSRC
 *    is first seen; one that fails authentication on its first packet
 *    is dropped again, so garbage leaves nothing behind);
 *  - libre checks no SRTCP replay with AES-GCM, so we keep our own
 *    64-packet SRTCP window per SSRC (used for both suites).
 * The buffer variants wrap the caller's memory in a stack mbuf whose
 * size leaves room for the tag, so libre never reallocates it.
 */
#include <string.h>
#include "re_inc.h"
#include "srtp.h"
#include "bytes.h"

enum {
	MAX_SSRC    = 512,   /* streams per context */
	REPLAY_SIZE = 64,
};

struct stream {
	uint32_t ssrc;
	struct srtp *re;
	bool rtcp_init;
	uint32_t rtcp_top;       /* highest SRTCP index accepted  */
	uint64_t rtcp_win;       /* bit i: top - i accepted        */
};

struct calls_srtp {
	enum calls_srtp_suite suite;
	enum srtp_suite re_suite;
	uint8_t master[32];
	size_t master_len;
	struct stream *streamv;
	size_t streamc;
	size_t streamsz;
	size_t last;             /* index of the last stream used  */
};


static void destructor(void *arg)
{
	struct calls_srtp *s = arg;
	size_t i;

	for (i = 0; i < s->streamc; i++)
		mem_deref(s->streamv[i].re);

	mem_deref(s->streamv);
	memset(s->master, 0, sizeof(s->master));
}


enum calls_srtp_suite calls_srtp_suite_from_profile(uint16_t profile)
{
	switch (profile) {

	case 0x0001: return CALLS_SRTP_AES_CM_128_HMAC_SHA1_80;
	case 0x0007: return CALLS_SRTP_AEAD_AES_128_GCM;
	default:     return 0;
	}
}


const char *calls_srtp_suite_name(enum calls_srtp_suite suite)
{
	switch (suite) {

	case CALLS_SRTP_AES_CM_128_HMAC_SHA1_80:
		return "AES_CM_128_HMAC_SHA1_80";
	case CALLS_SRTP_AEAD_AES_128_GCM:
		return "AEAD_AES_128_GCM";
	default:
		return "?";
	}
}


size_t calls_srtp_key_len(enum calls_srtp_suite suite)
{
	switch (suite) {

	case CALLS_SRTP_AES_CM_128_HMAC_SHA1_80:
	case CALLS_SRTP_AEAD_AES_128_GCM:
		return 16;
	default:
		return 0;
	}
}


size_t calls_srtp_salt_len(enum calls_srtp_suite suite)
{
	switch (suite) {

	case CALLS_SRTP_AES_CM_128_HMAC_SHA1_80: return 14;
	case CALLS_SRTP_AEAD_AES_128_GCM:        return 12;
	default:                                 return 0;
	}
}


size_t calls_srtp_overhead(enum calls_srtp_suite suite, bool rtcp)
{
	size_t tag;

	switch (suite) {

	case CALLS_SRTP_AES_CM_128_HMAC_SHA1_80: tag = 10; break;
	case CALLS_SRTP_AEAD_AES_128_GCM:        tag = 16; break;
	default:                                 return 0;
	}

	return rtcp ? tag + 4 : tag;
}


int calls_srtp_alloc(struct calls_srtp **srtpp, enum calls_srtp_suite suite,
		     const uint8_t *key, size_t key_len,
		     const uint8_t *salt, size_t salt_len)
{
	struct calls_srtp *s;
	enum srtp_suite re_suite;

	if (!srtpp || !key || !salt)
		return EINVAL;

	switch (suite) {

	case CALLS_SRTP_AES_CM_128_HMAC_SHA1_80:
		re_suite = SRTP_AES_CM_128_HMAC_SHA1_80;
		break;
	case CALLS_SRTP_AEAD_AES_128_GCM:
		re_suite = SRTP_AES_128_GCM;
		break;
	default:
		return EINVAL;
	}

	if (key_len != calls_srtp_key_len(suite) ||
	    salt_len != calls_srtp_salt_len(suite))
		return EINVAL;

	s = mem_zalloc(sizeof(*s), destructor);
	if (!s)
		return ENOMEM;

	s->suite    = suite;
	s->re_suite = re_suite;

	/* libre takes the master key and salt concatenated */
	memcpy(s->master, key, key_len);
	memcpy(s->master + key_len, salt, salt_len);
	s->master_len = key_len + salt_len;

	*srtpp = s;

	return 0;
}


enum calls_srtp_suite calls_srtp_suite(const struct calls_srtp *srtp)
{
	return srtp ? srtp->suite : 0;
}


/*
 * The stream of ssrc; created if absent (*newp true then). Allocates
 * only the first time an SSRC is seen.
 */
static int stream_get(struct calls_srtp *s, uint32_t ssrc,
		      struct stream **stp, bool *newp)
{
	struct stream *st;
	size_t i;
	int err;

	if (s->last < s->streamc && s->streamv[s->last].ssrc == ssrc) {
		*stp = &s->streamv[s->last];
		*newp = false;
		return 0;
	}

	for (i = 0; i < s->streamc; i++) {
		if (s->streamv[i].ssrc == ssrc) {
			s->last = i;
			*stp = &s->streamv[i];
			*newp = false;
			return 0;
		}
	}

	if (s->streamc >= MAX_SSRC)
		return ENOSR;

	if (s->streamc == s->streamsz) {
		size_t sz = s->streamsz ? 2 * s->streamsz : 4;
		struct stream *v;

		if (s->streamv)
			v = mem_realloc(s->streamv, sz * sizeof(*v));
		else
			v = mem_zalloc(sz * sizeof(*v), NULL);
		if (!v)
			return ENOMEM;
		s->streamv = v;
		s->streamsz = sz;
	}

	st = &s->streamv[s->streamc];
	memset(st, 0, sizeof(*st));
	st->ssrc = ssrc;

	err = srtp_alloc(&st->re, s->re_suite, s->master, s->master_len, 0);
	if (err)
		return err;

	s->last = s->streamc++;
	*stp = st;
	*newp = true;

	return 0;
}


/* Drops the newest stream again (its first packet was not genuine) */
static void stream_drop_last(struct calls_srtp *s, struct stream *st)
{
	if (!s->streamc || st != &s->streamv[s->streamc - 1])
		return;

	mem_deref(st->re);
	--s->streamc;
	s->last = 0;
}


static int check_rtp(const struct mbuf *mb)
{
	if (mbuf_get_left(mb) < 12 || (mbuf_buf(mb)[0] >> 6) != 2)
		return EBADMSG;

	return 0;
}


int calls_srtp_protect_mb(struct calls_srtp *srtp, struct mbuf *mb)
{
	struct stream *st;
	bool created;
	int err;

	if (!srtp || !mb)
		return EINVAL;

	err = check_rtp(mb);
	if (err)
		return err;

	err = stream_get(srtp, calls_rd32(mbuf_buf(mb) + 8), &st, &created);
	if (err)
		return err;

	return srtp_encrypt(st->re, mb);
}


int calls_srtp_unprotect_mb(struct calls_srtp *srtp, struct mbuf *mb)
{
	struct stream *st;
	bool created;
	int err;

	if (!srtp || !mb)
		return EINVAL;

	err = check_rtp(mb);
	if (err)
		return err;

	if (mbuf_get_left(mb) < 12 + calls_srtp_overhead(srtp->suite, false))
		return EBADMSG;

	err = stream_get(srtp, calls_rd32(mbuf_buf(mb) + 8), &st, &created);
	if (err)
		return err;

	err = srtp_decrypt(st->re, mb);
	if (err && created)
		stream_drop_last(srtp, st);

	return err;
}


int calls_srtp_protect_rtcp_mb(struct calls_srtp *srtp, struct mbuf *mb)
{
	struct stream *st;
	bool created;
	int err;

	if (!srtp || !mb)
		return EINVAL;

	if (mbuf_get_left(mb) < 8 || (mbuf_buf(mb)[0] >> 6) != 2)
		return EBADMSG;

	err = stream_get(srtp, calls_rd32(mbuf_buf(mb) + 4), &st, &created);
	if (err)
		return err;

	return srtcp_encrypt(st->re, mb);
}


/* E flag and SRTCP index word from the trailer */
static uint32_t rtcp_eindex(const struct calls_srtp *srtp,
			    const struct mbuf *mb)
{
	const uint8_t *end = mbuf_buf(mb) + mbuf_get_left(mb);

	/* AES-CM: E|index then the 10-byte tag; GCM: tag then E|index */
	if (srtp->suite == CALLS_SRTP_AES_CM_128_HMAC_SHA1_80)
		return calls_rd32(end - 14);

	return calls_rd32(end - 4);
}


static bool rtcp_replayed(const struct stream *st, uint32_t idx)
{
	uint32_t d;

	if (!st->rtcp_init || idx > st->rtcp_top)
		return false;

	d = st->rtcp_top - idx;
	if (d >= REPLAY_SIZE)
		return true;

	return (st->rtcp_win >> d) & 1;
}


static void rtcp_accept(struct stream *st, uint32_t idx)
{
	if (!st->rtcp_init) {
		st->rtcp_init = true;
		st->rtcp_top = idx;
		st->rtcp_win = 1;
		return;
	}

	if (idx > st->rtcp_top) {
		uint32_t d = idx - st->rtcp_top;

		st->rtcp_win = d >= REPLAY_SIZE ? 0 : st->rtcp_win << d;
		st->rtcp_win |= 1;
		st->rtcp_top = idx;
	}
	else {
		st->rtcp_win |= (uint64_t)1 << (st->rtcp_top - idx);
	}
}


int calls_srtp_unprotect_rtcp_mb(struct calls_srtp *srtp, struct mbuf *mb)
{
	struct stream *st;
	uint32_t idx;
	bool created;
	int err;

	if (!srtp || !mb)
		return EINVAL;

	if (mbuf_get_left(mb) < 8 + calls_srtp_overhead(srtp->suite, true) ||
	    (mbuf_buf(mb)[0] >> 6) != 2)
		return EBADMSG;

	/*
	 * E = 0 (unencrypted SRTCP) is never negotiated by WebRTC, and
	 * libre 1.1.0 skips the GCM tag check for it, accepting anything:
	 * refuse it here, before libre sees it.
	 */
	idx = rtcp_eindex(srtp, mb);
	if (!(idx & 0x80000000u))
		return EBADMSG;
	idx &= 0x7fffffff;

	err = stream_get(srtp, calls_rd32(mbuf_buf(mb) + 4), &st, &created);
	if (err)
		return err;

	if (rtcp_replayed(st, idx))
		return EALREADY;

	err = srtcp_decrypt(st->re, mb);
	if (err) {
		if (created)
			stream_drop_last(srtp, st);
		return err;
	}

	rtcp_accept(st, idx);

	return 0;
}


typedef int (mb_op_h)(struct calls_srtp *srtp, struct mbuf *mb);

static int buf_op(struct calls_srtp *srtp, uint8_t *buf, size_t *lenp,
		  size_t size, mb_op_h *op)
{
	struct mbuf mb;
	int err;

	if (!srtp || !buf || !lenp || size < *lenp)
		return EINVAL;

	mb.buf  = buf;
	mb.size = size;
	mb.pos  = 0;
	mb.end  = *lenp;

	err = op(srtp, &mb);
	if (err)
		return err;

	/* libre never grows the buffer when the room is there */
	if (mb.buf != buf || mb.end > size)
		return EOVERFLOW;

	*lenp = mb.end - mb.pos;
	if (mb.pos)
		memmove(buf, buf + mb.pos, *lenp);

	return 0;
}


int calls_srtp_protect(struct calls_srtp *srtp, uint8_t *buf, size_t *lenp,
		       size_t size)
{
	if (!srtp || !lenp ||
	    size < *lenp + calls_srtp_overhead(srtp->suite, false))
		return EINVAL;

	return buf_op(srtp, buf, lenp, size, calls_srtp_protect_mb);
}


int calls_srtp_unprotect(struct calls_srtp *srtp, uint8_t *buf,
			 size_t *lenp)
{
	if (!lenp)
		return EINVAL;

	return buf_op(srtp, buf, lenp, *lenp, calls_srtp_unprotect_mb);
}


int calls_srtp_protect_rtcp(struct calls_srtp *srtp, uint8_t *buf,
			    size_t *lenp, size_t size)
{
	if (!srtp || !lenp ||
	    size < *lenp + calls_srtp_overhead(srtp->suite, true))
		return EINVAL;

	return buf_op(srtp, buf, lenp, size, calls_srtp_protect_rtcp_mb);
}


int calls_srtp_unprotect_rtcp(struct calls_srtp *srtp, uint8_t *buf,
			      size_t *lenp)
{
	if (!lenp)
		return EINVAL;

	return buf_op(srtp, buf, lenp, *lenp, calls_srtp_unprotect_rtcp_mb);
}
