/* calls-lt: Ogg pages (RFC 3533) with packets across pages and CRC
 * checks, IVF frames, RFC 7741 VP8 payloads, the shipped samples,
 * nearest-rank percentiles and the loss figure */
#include <string.h>
#include "runner.h"
#include "re_inc.h"
#include "lt.h"
#include "ltint.h"

#ifndef LT_SRCDIR
#define LT_SRCDIR "."
#endif


/* CRC-32, polynomial 0x04c11db7, MSB first, as Ogg uses */
static uint32_t crc(const uint8_t *p, size_t n)
{
	uint32_t c = 0;
	size_t i;
	int b;

	for (i = 0; i < n; i++) {
		c ^= (uint32_t)p[i] << 24;
		for (b = 0; b < 8; b++)
			c = (c & 0x80000000u) ? (c << 1) ^ 0x04c11db7u :
				c << 1;
	}

	return c;
}


/* One page of lacing values lv (n) and body; returns its length */
static size_t page(uint8_t *out, uint8_t flags, uint32_t serial,
		   const uint8_t *lv, size_t n, const uint8_t *body,
		   size_t blen)
{
	uint32_t c;

	memset(out, 0, 27);
	memcpy(out, "OggS", 4);
	out[5] = flags;
	out[14] = (uint8_t)serial;
	out[26] = (uint8_t)n;
	memcpy(out + 27, lv, n);
	memcpy(out + 27 + n, body, blen);
	c = crc(out, 27 + n + blen);
	out[22] = (uint8_t)c;
	out[23] = (uint8_t)(c >> 8);
	out[24] = (uint8_t)(c >> 16);
	out[25] = (uint8_t)(c >> 24);

	return 27 + n + blen;
}


struct pkts {
	size_t n;
	size_t len[8];
	uint8_t first[8];
};


static int pkt_h(const uint8_t *p, size_t len, uint64_t g, void *arg)
{
	struct pkts *k = arg;

	(void)g;
	if (k->n < 8) {
		k->len[k->n] = len;
		k->first[k->n] = len ? p[0] : 0;
	}
	k->n++;

	return 0;
}


static int test_ogg_span(void)
{
	static uint8_t buf[2048], body[600];
	struct pkts k;
	const uint8_t lv1[] = {10, 255};      /* a 10-byte packet, then an
						 open one */
	const uint8_t lv2[] = {45, 3};        /* 255 + 45, then 3 bytes */
	const uint8_t lv3[] = {7};            /* another stream's page   */
	size_t off = 0;

	memset(body, 0xaa, sizeof(body));
	body[0] = 1;
	body[10] = 2;
	off += page(buf + off, 0x02, 1, lv1, 2, body, 265);
	off += page(buf + off, 0x00, 9, lv3, 1, body, 7);
	off += page(buf + off, 0x01, 1, lv2, 2, body + 300, 48);

	memset(&k, 0, sizeof(k));
	TEST_ERR(lt_ogg_read(buf, off, pkt_h, &k));
	TEST_EQ(3, (int)k.n);
	TEST_EQ(10, (int)k.len[0]);
	TEST_EQ(1, k.first[0]);
	TEST_EQ(300, (int)k.len[1]);
	TEST_EQ(2, k.first[1]);
	TEST_EQ(3, (int)k.len[2]);

	/* one flipped bit: the CRC refuses the page */
	buf[40] ^= 0x10;
	memset(&k, 0, sizeof(k));
	TEST_EQ(EBADMSG, lt_ogg_read(buf, off, pkt_h, &k));
	buf[40] ^= 0x10;

	/* truncated inside the body of the last page */
	TEST_EQ(EBADMSG, lt_ogg_read(buf, off - 1, pkt_h, &k));
	TEST_EQ(EBADMSG, lt_ogg_read((const uint8_t *)"OggX", 4, pkt_h,
				     &k));

	return 0;
}


static int test_opus_head(void)
{
	uint8_t h[19] = "OpusHead";

	h[8] = 1;
	h[9] = 1;
	TEST_ERR(lt_ogg_opus_head(h, sizeof(h)));
	h[9] = 0;
	TEST_EQ(EBADMSG, lt_ogg_opus_head(h, sizeof(h)));
	h[9] = 1;
	h[8] = 0x10;                         /* major version 1: refused */
	TEST_EQ(EBADMSG, lt_ogg_opus_head(h, sizeof(h)));
	TEST_EQ(EBADMSG, lt_ogg_opus_head(h, 10));

	return 0;
}


struct frames {
	size_t n;
	uint64_t pts[4];
	size_t len[4];
};


static int frame_h(const uint8_t *p, size_t len, uint64_t pts, void *arg)
{
	struct frames *f = arg;

	(void)p;
	if (f->n < 4) {
		f->pts[f->n] = pts;
		f->len[f->n] = len;
	}
	f->n++;

	return 0;
}


static int test_ivf(void)
{
	uint8_t buf[128];
	struct frames f;
	uint32_t fourcc, rate, scale;

	memset(buf, 0, sizeof(buf));
	memcpy(buf, "DKIF", 4);
	memcpy(buf + 8, "VP80", 4);
	buf[6] = 32;
	buf[7] = 0;
	buf[16] = 15;                       /* rate 15, scale 1 */
	buf[20] = 1;
	buf[32] = 5;                        /* frame 0: 5 bytes, pts 0 */
	buf[32 + 12 + 5] = 3;               /* frame 1: 3 bytes, pts 1 */
	buf[32 + 12 + 5 + 4] = 1;

	memset(&f, 0, sizeof(f));
	TEST_ERR(lt_ivf_read(buf, 32 + 12 + 5 + 12 + 3, &fourcc, &rate,
			     &scale, frame_h, &f));
	TEST_EQ(0x30385056u, fourcc);
	TEST_EQ(15u, rate);
	TEST_EQ(1u, scale);
	TEST_EQ(2, (int)f.n);
	TEST_EQ(5, (int)f.len[0]);
	TEST_EQ(1, (int)f.pts[1]);

	/* a frame longer than what is left */
	TEST_EQ(EBADMSG, lt_ivf_read(buf, 32 + 12 + 4, NULL, NULL, NULL,
				     frame_h, &f));
	TEST_EQ(EBADMSG, lt_ivf_read(buf, 20, NULL, NULL, NULL, frame_h,
				     &f));

	return 0;
}


struct vp8 {
	unsigned n;
	size_t bytes;
	bool s[4], last[4];
	size_t len[4];
	uint16_t pid;
};


static int vp8_h(const uint8_t *p, size_t len, bool last, void *arg)
{
	struct vp8 *v = arg;

	if (v->n < 4) {
		v->s[v->n] = !!(p[0] & 0x10);
		v->last[v->n] = last;
		v->len[v->n] = len;
	}
	v->pid = (uint16_t)(((p[2] & 0x7f) << 8) | p[3]);
	v->n++;
	v->bytes += len - 4;

	return 0;
}


static int test_vp8_packetize(void)
{
	static uint8_t frame[2500];
	struct vp8 v;

	memset(&v, 0, sizeof(v));
	TEST_ERR(lt_vp8_packetize(frame, sizeof(frame), 1000, 0x8123,
				  vp8_h, &v));
	TEST_EQ(3u, v.n);
	TEST_EQ(sizeof(frame), v.bytes);
	TEST_ASSERT(v.s[0] && !v.s[1] && !v.s[2]);
	TEST_ASSERT(!v.last[0] && !v.last[1] && v.last[2]);
	TEST_EQ(1000, (int)v.len[0]);
	TEST_EQ(0x0123, v.pid);             /* 15 bits */
	TEST_EQ(EINVAL, lt_vp8_packetize(frame, 0, 1000, 0, vp8_h, &v));
	TEST_EQ(EINVAL, lt_vp8_packetize(frame, 10, 4, 0, vp8_h, &v));

	return 0;
}


static int test_samples(void)
{
	struct lt_media *m = NULL;
	size_t i;

	TEST_ERR(lt_media_load(&m, LT_SRCDIR "/samples/lt/speech.opus",
			       LT_SRCDIR "/samples/lt/screen.ivf"));
	/* at least 5 s of 20 ms packets, ~80 kbps (200 bytes) each */
	TEST_ASSERT(m->opusc >= 250);
	for (i = 0; i < m->opusc; i++)
		TEST_ASSERT(m->opusv[i].l > 100 && m->opusv[i].l < 400);
	TEST_ASSERT(m->vp8c >= 15);
	TEST_ASSERT(m->vp8v[0].key);
	TEST_ASSERT(m->vp8_period_ms >= 1000);
	mem_deref(m);

	/* an IVF file is not Ogg */
	TEST_ASSERT(lt_media_load(&m, LT_SRCDIR "/samples/lt/screen.ivf",
				  NULL) != 0);

	return 0;
}


static int test_pct(void)
{
	double v[100];
	int i;

	for (i = 0; i < 100; i++)
		v[i] = 100 - i;             /* unsorted on purpose */
	TEST_ASSERT(lt_pct(v, 100, 50) == 50);
	TEST_ASSERT(lt_pct(v, 100, 95) == 95);
	TEST_ASSERT(lt_pct(v, 100, 99) == 99);
	TEST_ASSERT(lt_pct(v, 100, 100) == 100);
	TEST_ASSERT(lt_pct(v, 1, 99) == 1);
	TEST_ASSERT(lt_pct(v, 0, 50) == 0);

	return 0;
}


static int test_loss(void)
{
	struct lt_stats *st = NULL;

	TEST_ERR(lt_stats_alloc(&st));
	TEST_ASSERT(lt_stats_loss_pct(st) == 0);
	st->expected = 200;
	st->received = 190;
	TEST_ASSERT(lt_stats_loss_pct(st) == 5);
	st->received = 201;                 /* duplicates: no negative loss */
	TEST_ASSERT(lt_stats_loss_pct(st) == 0);
	lt_stats_join(st, 10, 0);
	lt_stats_join(st, 30, 40);
	lt_stats_join(st, 20, 0);
	TEST_ASSERT(lt_stats_join_p95(st) == 30);
	lt_stats_stream(st, LT_KIND_AUDIO, 0.5, 1, 10);
	lt_stats_stream(st, LT_KIND_VIDEO, 2.5, 1, 10);
	TEST_ASSERT(lt_stats_stream_loss_max(st) == 2.5);
	mem_deref(st);

	return 0;
}


const struct unit_suite suite_lt_media = {"lt_media", {
	UNIT_CASE(test_ogg_span),
	UNIT_CASE(test_opus_head),
	UNIT_CASE(test_ivf),
	UNIT_CASE(test_vp8_packetize),
	UNIT_CASE(test_samples),
	{NULL, NULL},
}};

const struct unit_suite suite_lt_stats = {"lt_stats", {
	UNIT_CASE(test_pct),
	UNIT_CASE(test_loss),
	{NULL, NULL},
}};
