/*
 * Fuzz target: RTP header and extension parsing, the copy/rewrite
 * helpers, and RTCP compound iteration with every packet parser
 * (lib/rtp.c). Outputs of the rewrites must parse again. The same bytes
 * also go to SRTP/SRTCP unprotect (lib/srtp.c over libre), which must
 * not read or write out of bounds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "re_inc.h"
#include "rtp.h"
#include "srtp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static void rtp(const uint8_t *data, size_t size)
{
	struct calls_rtp_hdr h, h2;
	static uint8_t out[2048];
	uint8_t idmap[256];
	const uint8_t *d;
	size_t n, outn;
	uint8_t level;
	bool vad;
	unsigned id;

	if (calls_rtp_parse(&h, data, size))
		return;

	if (h.hdr_len + h.pay_len + h.pad_len != size)
		abort();

	for (id = 1; id < 256; id++) {
		if (!calls_rtp_ext_find(&h, data, (uint8_t)id, &d, &n) &&
		    (d < data || d + n > data + size))
			abort();
	}
	(void)calls_rtp_audio_level(&h, data, 1, &level, &vad);

	if (!calls_rtp_strip_ext(data, size, out, sizeof(out), &outn)) {
		if (calls_rtp_parse(&h2, out, outn) || h2.ext)
			abort();
	}

	for (id = 0; id < 256; id++)
		idmap[id] = (uint8_t)((id * 7) % 15);
	if (!calls_rtp_ext_rewrite(data, size, idmap, out, sizeof(out),
				   &outn)) {
		if (outn > size || calls_rtp_parse(&h2, out, outn))
			abort();
	}
}


static void rtcp_pkt(const struct calls_rtcp_pkt *p)
{
	struct calls_rtcp_sr sr;
	struct calls_rtcp_rb rb;
	struct calls_rtcp_fb fb;
	uint16_t seqs[64];
	uint32_t ssrcs[8], ssrc;
	uint64_t br;
	const char *cn;
	size_t n;
	uint8_t seqnr;
	unsigned i;

	(void)calls_rtcp_sr_parse(p, &sr);
	for (i = 0; i < 32; i++) {
		(void)calls_rtcp_rb_get(p, i, &rb);
		if (!calls_rtcp_sdes_cname(p, i, &ssrc, &cn, &n) &&
		    ((const uint8_t *)cn < p->p ||
		     (const uint8_t *)cn + n > p->p + p->len))
			abort();
		(void)calls_rtcp_bye_ssrc(p, i, &ssrc);
		(void)calls_rtcp_fir_get(p, i, &ssrc, &seqnr);
	}
	if (!calls_rtcp_fb_parse(p, &fb) &&
	    fb.fci + fb.fci_len > p->p + p->len)
		abort();
	(void)calls_rtcp_nack_seqs(p, seqs, 64, &n);
	(void)calls_rtcp_remb_parse(p, &br, ssrcs, 8, &n);
}


static void rtcp(const uint8_t *data, size_t size)
{
	struct calls_rtcp_iter it;
	struct calls_rtcp_pkt p;
	unsigned count = 0;
	bool valid = calls_rtcp_validate(data, size) == 0;

	calls_rtcp_iter_init(&it, data, size);
	while (!calls_rtcp_iter_next(&it, &p)) {
		if (p.p + p.len > data + size || p.body_len + 4 > p.len)
			abort();
		rtcp_pkt(&p);
		++count;
	}

	if (valid && !count)
		abort();
}


static void srtp(const uint8_t *data, size_t size)
{
	static struct calls_srtp *cm, *gcm;
	static const uint8_t key[16] = {1}, salt[14] = {2};
	static uint8_t buf[1500];
	size_t n;

	if (!cm && (calls_srtp_alloc(&cm, CALLS_SRTP_AES_CM_128_HMAC_SHA1_80,
				     key, 16, salt, 14) ||
		    calls_srtp_alloc(&gcm, CALLS_SRTP_AEAD_AES_128_GCM, key,
				     16, salt, 12)))
		abort();

	/*
	 * Random bytes do not authenticate, but libFuzzer learns the tags
	 * from libre's memcmp, so success is possible: then the result
	 * must be shorter than the input.
	 */
	memcpy(buf, data, size);
	n = size;
	if (!calls_srtp_unprotect(cm, buf, &n) && n >= size)
		abort();
	memcpy(buf, data, size);
	n = size;
	if (!calls_srtp_unprotect(gcm, buf, &n) && n >= size)
		abort();
	memcpy(buf, data, size);
	n = size;
	if (!calls_srtp_unprotect_rtcp(cm, buf, &n) && n >= size)
		abort();
	memcpy(buf, data, size);
	n = size;
	if (!calls_srtp_unprotect_rtcp(gcm, buf, &n) && n >= size)
		abort();
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct calls_rtp_seq seq;
	struct calls_rtp_jitter j;
	size_t i;

	if (size > 1500)
		return 0;

	rtp(data, size);
	rtcp(data, size);
	srtp(data, size);

	/* the RFC 3550 helpers never misbehave on any sequence */
	memset(&seq, 0, sizeof(seq));
	memset(&j, 0, sizeof(j));
	for (i = 0; i + 1 < size; i += 2) {
		uint16_t s = (uint16_t)(data[i] << 8 | data[i + 1]);
		int32_t lost;
		uint8_t frac;

		(void)calls_rtp_seq_update(&seq, s, NULL);
		calls_rtp_jitter_update(&j, s * 3u, s);
		if (i % 16 == 0)
			calls_rtp_seq_report(&seq, &lost, &frac);
	}

	return 0;
}
