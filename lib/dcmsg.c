/**
 * @file dcmsg.c  rtcd's data channel messages: a small msgpack subset
 *
 * Only what rtcd's DC protocol uses is understood: positive fixint and
 * uint8 (type), nil, bool, float32/64, bin8/16/32, str (fix/8/16/32) and
 * fixmap/map16 with str keys. Every read is bounds-checked; a message
 * must be consumed exactly.
 */
#include <string.h>
#include <zlib.h>
#include "re_inc.h"
#include "dcmsg.h"

struct rd {
	const uint8_t *p;
	size_t left;
};


static int rd_u8(struct rd *r, uint8_t *v)
{
	if (r->left < 1)
		return EBADMSG;

	*v = *r->p++;
	--r->left;

	return 0;
}


static int rd_be(struct rd *r, size_t n, uint64_t *v)
{
	size_t i;

	if (r->left < n)
		return EBADMSG;

	*v = 0;
	for (i = 0; i < n; i++)
		*v = (*v << 8) | r->p[i];

	r->p += n;
	r->left -= n;

	return 0;
}


static int rd_bytes(struct rd *r, size_t n, struct pl *pl)
{
	if (r->left < n)
		return EBADMSG;

	pl->p = (const char *)r->p;
	pl->l = n;
	r->p += n;
	r->left -= n;

	return 0;
}


static int rd_str(struct rd *r, struct pl *pl)
{
	uint64_t n;
	uint8_t b;
	int err;

	err = rd_u8(r, &b);
	if (err)
		return err;

	if ((b & 0xe0) == 0xa0)
		n = b & 0x1f;
	else if (b == 0xd9)
		err = rd_be(r, 1, &n);
	else if (b == 0xda)
		err = rd_be(r, 2, &n);
	else if (b == 0xdb)
		err = rd_be(r, 4, &n);
	else
		return EBADMSG;

	if (err)
		return err;

	return rd_bytes(r, (size_t)n, pl);
}


static int rd_bin(struct rd *r, struct pl *pl)
{
	uint64_t n;
	uint8_t b;
	int err;

	err = rd_u8(r, &b);
	if (err)
		return err;

	switch (b) {

	case 0xc4: err = rd_be(r, 1, &n); break;
	case 0xc5: err = rd_be(r, 2, &n); break;
	case 0xc6: err = rd_be(r, 4, &n); break;
	default:   return EBADMSG;
	}

	if (err)
		return err;

	return rd_bytes(r, (size_t)n, pl);
}


/* Any msgpack integer (tag already read) as a double */
static int rd_int_as_double(struct rd *r, uint8_t b, double *v)
{
	uint64_t u;
	int err;

	if (b <= 0x7f) {
		*v = b;
		return 0;
	}

	if (b >= 0xe0) {
		*v = (int8_t)b;
		return 0;
	}

	switch (b) {

	case 0xcc: case 0xcd: case 0xce: case 0xcf:
		err = rd_be(r, (size_t)1 << (b - 0xcc), &u);
		if (!err)
			*v = (double)u;
		return err;

	case 0xd0: case 0xd1: case 0xd2: case 0xd3: {
		size_t n = (size_t)1 << (b - 0xd0);

		err = rd_be(r, n, &u);
		if (err)
			return err;

		/* sign-extend the n-byte two's complement value */
		if (n < 8 && (u >> (8 * n - 1)) & 1)
			u |= ~(uint64_t)0 << (8 * n);
		*v = (double)(int64_t)u;
		return 0;
	}

	default:
		return EBADMSG;
	}
}


static int rd_float(struct rd *r, double *v)
{
	uint64_t u;
	uint8_t b;
	int err;

	err = rd_u8(r, &b);
	if (err)
		return err;

	if (b == 0xcb) {
		err = rd_be(r, 8, &u);
		if (!err)
			memcpy(v, &u, sizeof(*v));
	}
	else if (b == 0xca) {
		uint32_t u32;
		float f;

		err = rd_be(r, 4, &u);
		if (!err) {
			u32 = (uint32_t)u;
			memcpy(&f, &u32, sizeof(f));
			*v = f;
		}
	}
	else {
		/* JavaScript encoders write integral numbers as integers */
		return rd_int_as_double(r, b, v);
	}

	return err;
}


static int rd_map_len(struct rd *r, size_t *n)
{
	uint64_t v;
	uint8_t b;
	int err;

	err = rd_u8(r, &b);
	if (err)
		return err;

	if ((b & 0xf0) == 0x80) {
		*n = b & 0x0f;
		return 0;
	}

	if (b != 0xde)
		return EBADMSG;

	err = rd_be(r, 2, &v);
	if (!err)
		*n = (size_t)v;

	return err;
}


static int rd_entry(struct rd *r, struct calls_dcmsg_media *m)
{
	size_t n, i;
	int err;

	err = rd_str(r, &m->mid);
	if (err)
		return err;

	err = rd_map_len(r, &n);
	if (err)
		return err;

	for (i = 0; i < n; i++) {
		struct pl key, val;

		err = rd_str(r, &key);
		if (err)
			return err;

		err = rd_str(r, &val);
		if (err)
			return err;

		if (!pl_strcmp(&key, "type"))
			m->type = val;
		else if (!pl_strcmp(&key, "sender_id"))
			m->sender_id = val;
	}

	return 0;
}


static int rd_media_map(struct rd *r, struct calls_dcmsg *msg)
{
	size_t n, i;
	int err;

	err = rd_map_len(r, &n);
	if (err)
		return err;

	if (n > CALLS_DCMSG_MEDIA_MAX)
		return EOVERFLOW;

	for (i = 0; i < n; i++) {
		err = rd_entry(r, &msg->media[i]);
		if (err)
			return err;
	}

	msg->media_n = n;

	return 0;
}


static int rd_type(struct rd *r, uint8_t *type)
{
	uint8_t b;
	int err;

	err = rd_u8(r, &b);
	if (err)
		return err;

	if (b == 0xcc)
		return rd_u8(r, type);

	if (b > 0x7f)
		return EBADMSG;

	*type = b;

	return 0;
}


int calls_dcmsg_decode(struct calls_dcmsg *msg, const uint8_t *buf,
		       size_t len)
{
	struct rd r = {buf, len};
	uint8_t type, b;
	int err;

	if (!msg || !buf)
		return EINVAL;

	memset(msg, 0, sizeof(*msg));

	err = rd_type(&r, &type);
	if (err)
		return err;

	msg->type = type;

	switch (type) {

	case CALLS_DCMSG_PING:
	case CALLS_DCMSG_PONG:
	case CALLS_DCMSG_UNLOCK:
		break;

	case CALLS_DCMSG_SDP:
		msg->has_payload = true;
		err = rd_bin(&r, &msg->sdp);
		break;

	case CALLS_DCMSG_LOSS_RATE:
	case CALLS_DCMSG_RTT:
	case CALLS_DCMSG_JITTER:
		msg->has_payload = true;
		err = rd_float(&r, &msg->value);
		break;

	case CALLS_DCMSG_LOCK:
		if (!r.left)
			break;

		msg->has_payload = true;
		err = rd_u8(&r, &b);
		if (err)
			break;

		if (b == 0xc2 || b == 0xc3)
			msg->lock = b == 0xc3;
		else
			err = EBADMSG;
		break;

	case CALLS_DCMSG_MEDIA_MAP:
		msg->has_payload = true;
		err = rd_media_map(&r, msg);
		break;

	default:
		return EPROTO;
	}

	if (err)
		return err == EOVERFLOW ? EOVERFLOW : EBADMSG;

	return r.left ? EBADMSG : 0;
}


static int wr_be(struct mbuf *mb, uint8_t tag, uint64_t v, size_t n)
{
	uint8_t b[9];
	size_t i;

	b[0] = tag;
	for (i = 0; i < n; i++)
		b[1 + i] = (uint8_t)(v >> (8 * (n - 1 - i)));

	return mbuf_write_mem(mb, b, 1 + n);
}


static int wr_str(struct mbuf *mb, const struct pl *pl)
{
	int err;

	if (pl->l < 32)
		err = mbuf_write_u8(mb, (uint8_t)(0xa0 | pl->l));
	else if (pl->l <= 0xff)
		err = wr_be(mb, 0xd9, pl->l, 1);
	else if (pl->l <= 0xffff)
		err = wr_be(mb, 0xda, pl->l, 2);
	else if (pl->l <= 0xffffffffu)
		err = wr_be(mb, 0xdb, pl->l, 4);
	else
		return EOVERFLOW;

	if (err || !pl->l)
		return err;

	return mbuf_write_pl(mb, pl);
}


static int wr_bin(struct mbuf *mb, const uint8_t *p, size_t n)
{
	int err;

	if (n <= 0xff)
		err = wr_be(mb, 0xc4, n, 1);
	else if (n <= 0xffff)
		err = wr_be(mb, 0xc5, n, 2);
	else if (n <= 0xffffffffu)
		err = wr_be(mb, 0xc6, n, 4);
	else
		return EOVERFLOW;

	if (err || !n)
		return err;

	return mbuf_write_mem(mb, p, n);
}


static int wr_map_len(struct mbuf *mb, size_t n)
{
	if (n < 16)
		return mbuf_write_u8(mb, (uint8_t)(0x80 | n));

	if (n <= 0xffff)
		return wr_be(mb, 0xde, n, 2);

	return EOVERFLOW;
}


static int wr_media_map(struct mbuf *mb, const struct calls_dcmsg *msg)
{
	static const struct pl k_type = PL("type");
	static const struct pl k_sender = PL("sender_id");
	size_t i;
	int err;

	if (msg->media_n > CALLS_DCMSG_MEDIA_MAX)
		return EINVAL;

	err = wr_map_len(mb, msg->media_n);

	for (i = 0; i < msg->media_n && !err; i++) {
		const struct calls_dcmsg_media *m = &msg->media[i];

		err  = wr_str(mb, &m->mid);
		err |= wr_map_len(mb, 2);
		err |= wr_str(mb, &k_type);
		err |= wr_str(mb, &m->type);
		err |= wr_str(mb, &k_sender);
		err |= wr_str(mb, &m->sender_id);
	}

	return err ? (err == EOVERFLOW ? EOVERFLOW : ENOMEM) : 0;
}


int calls_dcmsg_encode(struct mbuf *mb, const struct calls_dcmsg *msg)
{
	uint64_t u;
	int err;

	if (!mb || !msg || msg->type < CALLS_DCMSG_PING ||
	    msg->type > CALLS_DCMSG_MEDIA_MAP)
		return EINVAL;

	err = wr_be(mb, 0xcc, msg->type, 1);
	if (err)
		return err;

	switch (msg->type) {

	case CALLS_DCMSG_SDP:
		return wr_bin(mb, (const uint8_t *)msg->sdp.p, msg->sdp.l);

	case CALLS_DCMSG_LOSS_RATE:
	case CALLS_DCMSG_RTT:
	case CALLS_DCMSG_JITTER:
		memcpy(&u, &msg->value, sizeof(u));
		return wr_be(mb, 0xcb, u, 8);

	case CALLS_DCMSG_LOCK:
		if (!msg->has_payload)
			return 0;
		return mbuf_write_u8(mb, msg->lock ? 0xc3 : 0xc2);

	case CALLS_DCMSG_MEDIA_MAP:
		return wr_media_map(mb, msg);

	default:
		return 0;
	}
}


int calls_dcmsg_encode_sdp(struct mbuf *mb, const char *json, size_t len)
{
	struct calls_dcmsg msg = {.type = CALLS_DCMSG_SDP,
				  .has_payload = true};
	uLongf zlen;
	uint8_t *z;
	int err;

	if (!mb || !json || len > 0xffffffffu / 2)
		return EINVAL;

	zlen = compressBound((uLong)len);
	z = mem_alloc(zlen, NULL);
	if (!z)
		return ENOMEM;

	if (compress2(z, &zlen, (const Bytef *)json, (uLong)len,
		      Z_DEFAULT_COMPRESSION) != Z_OK) {
		err = ENOMEM;
		goto out;
	}

	msg.sdp.p = (const char *)z;
	msg.sdp.l = zlen;
	err = calls_dcmsg_encode(mb, &msg);

 out:
	mem_deref(z);
	return err;
}


/* Doubles the output buffer (up to cap) and points zlib at the new room */
static int grow(z_stream *zs, char **outp, size_t *sizep, size_t cap)
{
	size_t size = *sizep, nsize;
	char *n;

	if (size >= cap)
		return EOVERFLOW;

	nsize = size * 2 < cap ? size * 2 : cap;
	n = mem_realloc(*outp, nsize + 1);
	if (!n)
		return ENOMEM;

	*outp = n;
	zs->next_out = (Bytef *)n + size;
	zs->avail_out = (uInt)(nsize - size);
	*sizep = nsize;

	return 0;
}


int calls_dcmsg_sdp_inflate(char **jsonp, size_t *lenp,
			    const struct pl *z, size_t cap)
{
	z_stream zs;
	size_t size;
	char *out = NULL;
	int err = 0, zr;

	if (!jsonp || !z || !z->p)
		return EINVAL;

	if (!cap)
		cap = CALLS_DCMSG_SDP_MAX;

	memset(&zs, 0, sizeof(zs));
	if (inflateInit(&zs) != Z_OK)
		return ENOMEM;

	size = 4096 < cap ? 4096 : cap;
	out = mem_alloc(size + 1, NULL);
	if (!out) {
		err = ENOMEM;
		goto out;
	}

	zs.next_in = (Bytef *)(uintptr_t)z->p;
	zs.avail_in = (uInt)(z->l > 0xffffffffu ? 0xffffffffu : z->l);
	zs.next_out = (Bytef *)out;
	zs.avail_out = (uInt)size;

	for (;;) {
		zr = inflate(&zs, Z_NO_FLUSH);
		if (zr == Z_STREAM_END)
			break;

		if (zr != Z_OK && zr != Z_BUF_ERROR) {
			err = zr == Z_MEM_ERROR ? ENOMEM : EBADMSG;
			goto out;
		}

		if (zs.avail_out) {
			/* no progress possible: the input ended early */
			err = EBADMSG;
			goto out;
		}

		err = grow(&zs, &out, &size, cap);
		if (err)
			goto out;
	}

	if (zs.avail_in) {
		err = EBADMSG;   /* bytes after the zlib stream */
		goto out;
	}

	out[zs.total_out] = '\0';
	if (lenp)
		*lenp = zs.total_out;

 out:
	inflateEnd(&zs);
	if (err)
		mem_deref(out);
	else
		*jsonp = out;

	return err;
}


const char *calls_dcmsg_type_name(enum calls_dcmsg_type type)
{
	switch (type) {

	case CALLS_DCMSG_PING:      return "Ping";
	case CALLS_DCMSG_PONG:      return "Pong";
	case CALLS_DCMSG_SDP:       return "SDP";
	case CALLS_DCMSG_LOSS_RATE: return "LossRate";
	case CALLS_DCMSG_RTT:       return "RoundTripTime";
	case CALLS_DCMSG_JITTER:    return "Jitter";
	case CALLS_DCMSG_LOCK:      return "Lock";
	case CALLS_DCMSG_UNLOCK:    return "Unlock";
	case CALLS_DCMSG_MEDIA_MAP: return "MediaMap";
	default:                    return "?";
	}
}


bool calls_dcmsg_is_legacy_ping(bool is_text, const uint8_t *buf,
				size_t len)
{
	return is_text && buf && len == 4 && !memcmp(buf, "ping", 4);
}
