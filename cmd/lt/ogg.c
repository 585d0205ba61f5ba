/**
 * @file ogg.c  calls-lt: an Ogg page reader (RFC 3533) for Opus files
 *
 * Pages are checked (capture pattern, version, segment table within the
 * buffer, CRC-32 with polynomial 0x04c11db7) and packets reassembled
 * from their lacing values; only the first logical stream (the first
 * page's serial number) is read. A packet may span pages; one still open
 * at the end of the file is dropped.
 */
#include <string.h>
#include "re_inc.h"
#include "lt.h"

enum {
	OGG_HDR = 27,
	OGG_PKT_MAX = 65536,
};


static uint32_t crc_tab[256];


static void crc_init(void)
{
	uint32_t i, j, r;

	if (crc_tab[1])
		return;
	for (i = 0; i < 256; i++) {
		r = i << 24;
		for (j = 0; j < 8; j++)
			r = (r & 0x80000000u) ? (r << 1) ^ 0x04c11db7u :
				r << 1;
		crc_tab[i] = r;
	}
}


static uint32_t page_crc(const uint8_t *p, size_t len)
{
	uint32_t crc = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		uint8_t b = (i >= 22 && i < 26) ? 0 : p[i];

		crc = (crc << 8) ^ crc_tab[((crc >> 24) ^ b) & 0xff];
	}

	return crc;
}


static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		(uint32_t)p[3] << 24;
}


int lt_ogg_read(const uint8_t *buf, size_t len, lt_ogg_pkt_h *pkth,
		void *arg)
{
	uint8_t *pkt;
	size_t off = 0, plen = 0;
	uint32_t serial = 0;
	bool first = true;
	int err = 0;

	if (!buf || !pkth)
		return EINVAL;

	crc_init();
	pkt = mem_alloc(OGG_PKT_MAX, NULL);
	if (!pkt)
		return ENOMEM;

	while (off < len) {
		const uint8_t *pg = buf + off;
		size_t nseg, body = 0, i, pos;
		uint64_t granule;

		if (len - off < OGG_HDR || memcmp(pg, "OggS", 4) || pg[4]) {
			err = EBADMSG;
			goto out;
		}
		nseg = pg[26];
		if (len - off < OGG_HDR + nseg) {
			err = EBADMSG;
			goto out;
		}
		for (i = 0; i < nseg; i++)
			body += pg[OGG_HDR + i];
		if (len - off < OGG_HDR + nseg + body ||
		    page_crc(pg, OGG_HDR + nseg + body) != le32(pg + 22)) {
			err = EBADMSG;
			goto out;
		}

		granule = (uint64_t)le32(pg + 6) |
			(uint64_t)le32(pg + 10) << 32;
		if (first) {
			serial = le32(pg + 14);
			first = false;
		}
		if (le32(pg + 14) != serial) {
			off += OGG_HDR + nseg + body;
			continue;
		}
		/* a page that does not continue a packet starts afresh */
		if (!(pg[5] & 0x01))
			plen = 0;

		pos = OGG_HDR + nseg;
		for (i = 0; i < nseg; i++) {
			size_t l = pg[OGG_HDR + i];

			if (plen + l > OGG_PKT_MAX) {
				err = EMSGSIZE;
				goto out;
			}
			memcpy(pkt + plen, pg + pos, l);
			plen += l;
			pos += l;
			if (l < 255) {
				err = pkth(pkt, plen, granule, arg);
				if (err)
					goto out;
				plen = 0;
			}
		}
		off += OGG_HDR + nseg + body;
	}

 out:
	mem_deref(pkt);
	return err;
}


int lt_ogg_opus_head(const uint8_t *p, size_t len)
{
	if (len < 19 || memcmp(p, "OpusHead", 8) || (p[8] & 0xf0))
		return EBADMSG;
	if (!p[9])
		return EBADMSG;     /* channel count */

	return 0;
}
