/**
 * @file media.c  calls-lt: loads the Opus and VP8 samples every peer plays
 *
 * The files are read once; packets and frames point into the copies.
 * Opus: packets after OpusHead and OpusTags, each assumed 20 ms (the
 * sample is made so; scripts/make-samples). VP8: frames of an IVF file
 * with their presentation times in ms; a key frame has bit 0 of the
 * first byte clear (RFC 6386 9.1).
 */
#include <stdio.h>
#include <string.h>
#include "re_inc.h"
#include "log.h"
#include "lt.h"

struct load {
	struct lt_media *m;
	unsigned n;
	uint32_t rate, scale;
	size_t cap;
};


static void destructor(void *arg)
{
	struct lt_media *m = arg;

	mem_deref(m->opusv);
	mem_deref(m->vp8v);
	mem_deref(m->ogg);
	mem_deref(m->ivf);
}


static int file_read(uint8_t **bufp, size_t *lenp, const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;
	int err = 0;

	if (!f)
		return errno;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET)) {
		err = EIO;
		goto out;
	}
	buf = mem_alloc((size_t)n + 1, NULL);
	if (!buf) {
		err = ENOMEM;
		goto out;
	}
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		err = EIO;
		goto out;
	}
	*bufp = buf;
	*lenp = (size_t)n;
	buf = NULL;

 out:
	mem_deref(buf);
	fclose(f);
	return err;
}


static int opus_h(const uint8_t *p, size_t len, uint64_t granule, void *arg)
{
	struct load *l = arg;
	struct lt_media *m = l->m;
	(void)granule;

	if (l->n++ == 0)
		return lt_ogg_opus_head(p, len);
	if (l->n == 2)
		return 0;           /* OpusTags */
	if (m->opusc == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		struct pl *v = m->opusv ?
			mem_realloc(m->opusv, cap * sizeof(*v)) :
			mem_alloc(cap * sizeof(*v), NULL);

		if (!v)
			return ENOMEM;
		m->opusv = v;
		l->cap = cap;
	}
	/* the packet is in the reader's scratch buffer: find it in the
	 * file is not possible across pages, so keep a copy */
	m->opusv[m->opusc].p = (const char *)mem_alloc(len, NULL);
	if (!m->opusv[m->opusc].p)
		return ENOMEM;
	memcpy((char *)m->opusv[m->opusc].p, p, len);
	m->opusv[m->opusc].l = len;
	m->opusc++;

	return 0;
}


static int ivf_h(const uint8_t *p, size_t len, uint64_t pts, void *arg)
{
	struct load *l = arg;
	struct lt_media *m = l->m;
	struct lt_vp8_frame *f;

	if (!len)
		return 0;
	if (m->vp8c == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		f = m->vp8v ? mem_realloc(m->vp8v, cap * sizeof(*f)) :
			mem_alloc(cap * sizeof(*f), NULL);
		if (!f)
			return ENOMEM;
		m->vp8v = f;
		l->cap = cap;
	}
	f = &m->vp8v[m->vp8c++];
	f->p = p;
	f->len = len;
	f->key = !(p[0] & 1);
	f->pts_ms = l->rate ? pts * 1000u * l->scale / l->rate : pts * 33;

	return 0;
}


static void opus_free(struct lt_media *m)
{
	size_t i;

	for (i = 0; i < m->opusc; i++)
		mem_deref((void *)m->opusv[i].p);
}


static void media_destructor(void *arg)
{
	opus_free(arg);
	destructor(arg);
}


int lt_media_load(struct lt_media **mp, const char *opus_path,
		  const char *ivf_path)
{
	struct lt_media *m;
	struct load l;
	size_t len;
	uint32_t fourcc = 0;
	int err = 0;

	if (!mp)
		return EINVAL;
	m = mem_zalloc(sizeof(*m), media_destructor);
	if (!m)
		return ENOMEM;

	if (opus_path) {
		memset(&l, 0, sizeof(l));
		l.m = m;
		err = file_read(&m->ogg, &len, opus_path);
		if (!err)
			err = lt_ogg_read(m->ogg, len, opus_h, &l);
		if (!err && !m->opusc)
			err = EBADMSG;
		if (err) {
			log_error("calls-lt: %s: not an Ogg Opus file (%m)",
				  opus_path, err);
			goto out;
		}
	}

	if (ivf_path) {
		memset(&l, 0, sizeof(l));
		l.m = m;
		err = file_read(&m->ivf, &len, ivf_path);
		if (!err)
			err = lt_ivf_read(m->ivf, len, &fourcc, &l.rate,
					  &l.scale, NULL, NULL);
		if (!err && fourcc != 0x30385056u)   /* "VP80" */
			err = EBADMSG;
		if (!err)
			err = lt_ivf_read(m->ivf, len, NULL, NULL, NULL,
					  ivf_h, &l);
		if (!err && !m->vp8c)
			err = EBADMSG;
		if (err) {
			log_error("calls-lt: %s: not a VP8 IVF file (%m)",
				  ivf_path, err);
			goto out;
		}
		m->vp8_period_ms = m->vp8v[m->vp8c - 1].pts_ms +
			(m->vp8c > 1 ? m->vp8v[1].pts_ms - m->vp8v[0].pts_ms :
			 33);
	}

 out:
	if (err)
		mem_deref(m);
	else
		*mp = m;

	return err;
}
