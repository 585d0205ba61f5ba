/**
 * @file stun.c  STUN message codec (RFC 8489, RFC 5780, RFC 8445 attrs)
 *
 * Decoding indexes attributes in place; encoding writes into the
 * caller's buffer. Neither allocates: the integrity checks copy the
 * covered bytes into a stack buffer to patch the header length, which is
 * what the RFC asks the HMAC and CRC to be computed over.
 */
#include <string.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include "re_inc.h"
#include "stun.h"
#include "bytes.h"

enum {
	MI_LEN = 20,
	MI256_LEN = 32,
	FP_LEN = 4,
};


/* The decoder's slot for each indexed attribute type, or -1 */
static int slot_of(uint16_t type)
{
	switch (type) {

	case CALLS_STUN_ATTR_MAPPED_ADDRESS:           return 0;
	case CALLS_STUN_ATTR_RESPONSE_ADDRESS:         return 1;
	case CALLS_STUN_ATTR_CHANGE_REQUEST:           return 2;
	case CALLS_STUN_ATTR_SOURCE_ADDRESS:           return 3;
	case CALLS_STUN_ATTR_CHANGED_ADDRESS:          return 4;
	case CALLS_STUN_ATTR_USERNAME:                 return 5;
	case CALLS_STUN_ATTR_MESSAGE_INTEGRITY:        return 6;
	case CALLS_STUN_ATTR_ERROR_CODE:               return 7;
	case CALLS_STUN_ATTR_UNKNOWN_ATTRIBUTES:       return 8;
	case CALLS_STUN_ATTR_REALM:                    return 9;
	case CALLS_STUN_ATTR_NONCE:                    return 10;
	case CALLS_STUN_ATTR_MESSAGE_INTEGRITY_SHA256: return 11;
	case CALLS_STUN_ATTR_PASSWORD_ALGORITHM:       return 12;
	case CALLS_STUN_ATTR_USERHASH:                 return 13;
	case CALLS_STUN_ATTR_XOR_MAPPED_ADDRESS:       return 14;
	case CALLS_STUN_ATTR_PRIORITY:                 return 15;
	case CALLS_STUN_ATTR_USE_CANDIDATE:            return 16;
	case CALLS_STUN_ATTR_PADDING:                  return 17;
	case CALLS_STUN_ATTR_RESPONSE_PORT:            return 18;
	case CALLS_STUN_ATTR_PASSWORD_ALGORITHMS:      return 19;
	case CALLS_STUN_ATTR_ALTERNATE_DOMAIN:         return 20;
	case CALLS_STUN_ATTR_SOFTWARE:                 return 21;
	case CALLS_STUN_ATTR_ALTERNATE_SERVER:         return 22;
	case CALLS_STUN_ATTR_FINGERPRINT:              return 23;
	case CALLS_STUN_ATTR_ICE_CONTROLLED:           return 24;
	case CALLS_STUN_ATTR_ICE_CONTROLLING:          return 25;
	case CALLS_STUN_ATTR_RESPONSE_ORIGIN:          return 26;
	case CALLS_STUN_ATTR_OTHER_ADDRESS:            return 27;
	default:                                       return -1;
	}
}


uint16_t calls_stun_type(uint16_t method, enum calls_stun_class cls)
{
	unsigned m = method & 0xfff, c = (unsigned)cls & 3;

	return (uint16_t)((m & 0x00f) | (m & 0x070) << 1 | (m & 0xf80) << 2 |
			  (c & 1) << 4 | (c & 2) << 7);
}


bool calls_stun_is_msg(const uint8_t *buf, size_t len, bool cookie)
{
	size_t mlen;

	if (!buf || len < CALLS_STUN_HDR_LEN)
		return false;

	if (buf[0] & 0xc0)
		return false;

	mlen = calls_rd16(buf + 2);
	if (mlen & 3 || CALLS_STUN_HDR_LEN + mlen > len)
		return false;

	return !cookie || calls_rd32(buf + 4) == CALLS_STUN_MAGIC;
}


size_t calls_stun_frame_len(const uint8_t *buf, size_t len)
{
	size_t mlen;

	if (!buf || !len)
		return 0;

	/* tell a broken stream as early as its bytes allow */
	if (buf[0] & 0xc0)
		return SIZE_MAX;
	if (len < 4)
		return 0;

	mlen = calls_rd16(buf + 2);
	if (mlen & 3)
		return SIZE_MAX;

	return len < CALLS_STUN_HDR_LEN ? 0 : CALLS_STUN_HDR_LEN + mlen;
}


int calls_stun_decode(struct calls_stun_msg *msg, const uint8_t *buf,
		      size_t len)
{
	bool after_mi = false, after_mi256 = false;
	size_t pos;

	if (!msg || !buf)
		return EINVAL;

	memset(msg, 0, sizeof(*msg));

	if (len < CALLS_STUN_HDR_LEN || buf[0] & 0xc0)
		return EBADMSG;

	msg->len = CALLS_STUN_HDR_LEN + calls_rd16(buf + 2);
	if (msg->len & 3 || msg->len > len || msg->len > CALLS_STUN_MAX_LEN)
		return EBADMSG;

	msg->buf    = buf;
	msg->type   = calls_rd16(buf);
	msg->method = (uint16_t)((msg->type & 0x000f) |
				 (msg->type & 0x00e0) >> 1 |
				 (msg->type & 0x3e00) >> 2);
	msg->cls    = (enum calls_stun_class)((msg->type >> 4 & 1) |
					      (msg->type >> 7 & 2));
	msg->cookie = calls_rd32(buf + 4) == CALLS_STUN_MAGIC;
	msg->tid    = buf + 8;

	for (pos = CALLS_STUN_HDR_LEN; pos < msg->len; ) {
		uint16_t type, alen;
		int slot;

		if (msg->len - pos < 4)
			return EBADMSG;

		type = calls_rd16(buf + pos);
		alen = calls_rd16(buf + pos + 2);
		if ((size_t)alen + ((4 - (alen & 3)) & 3) > msg->len - pos - 4)
			return EBADMSG;

		if (msg->off[23])   /* nothing may follow FINGERPRINT */
			return EBADMSG;

		slot = slot_of(type);

		if (type == CALLS_STUN_ATTR_FINGERPRINT) {
			if (alen != FP_LEN)
				return EBADMSG;
		}
		else if (after_mi256) {
			slot = -1;  /* ignored (RFC 8489 section 14.6) */
		}
		else if (type == CALLS_STUN_ATTR_MESSAGE_INTEGRITY_SHA256) {
			if (alen < 16 || alen > MI256_LEN || alen & 3)
				return EBADMSG;
			after_mi256 = true;
		}
		else if (after_mi) {
			slot = -1;  /* ignored (RFC 8489 section 14.5) */
		}
		else if (type == CALLS_STUN_ATTR_MESSAGE_INTEGRITY) {
			if (alen != MI_LEN)
				return EBADMSG;
			after_mi = true;
		}
		else if (slot < 0 && type < 0x8000) {
			if (msg->n_unknown < CALLS_STUN_MAX_UNKNOWN)
				msg->unknown[msg->n_unknown++] = type;
		}

		if (slot >= 0 && !msg->off[slot])
			msg->off[slot] = (uint16_t)pos;

		pos += 4 + (size_t)alen + ((4 - (alen & 3)) & 3);
	}

	return 0;
}


bool calls_stun_has(const struct calls_stun_msg *msg, uint16_t type)
{
	const uint8_t *v;
	size_t n;

	return calls_stun_attr_get(msg, type, &v, &n) == 0;
}


int calls_stun_attr_get(const struct calls_stun_msg *msg, uint16_t type,
			const uint8_t **valp, size_t *lenp)
{
	size_t pos;
	int slot;

	if (!msg || !msg->buf || !valp || !lenp)
		return EINVAL;

	slot = slot_of(type);
	if (slot >= 0) {
		pos = msg->off[slot];
		if (!pos)
			return ENOENT;

		*valp = msg->buf + pos + 4;
		*lenp = calls_rd16(msg->buf + pos + 2);
		return 0;
	}

	/* not indexed: walk the (already validated) attributes */
	for (pos = CALLS_STUN_HDR_LEN; pos + 4 <= msg->len; ) {
		uint16_t t = calls_rd16(msg->buf + pos);
		uint16_t n = calls_rd16(msg->buf + pos + 2);

		if (t == type) {
			*valp = msg->buf + pos + 4;
			*lenp = n;
			return 0;
		}
		if (t == CALLS_STUN_ATTR_MESSAGE_INTEGRITY)
			break;

		pos += 4 + (size_t)n + ((4 - (n & 3)) & 3);
	}

	return ENOENT;
}


int calls_stun_str_get(const struct calls_stun_msg *msg, uint16_t type,
		       struct pl *pl)
{
	const uint8_t *v;
	size_t n;
	int err;

	if (!pl)
		return EINVAL;

	err = calls_stun_attr_get(msg, type, &v, &n);
	if (err)
		return err;

	pl->p = (const char *)v;
	pl->l = n;

	return 0;
}


int calls_stun_u32_get(const struct calls_stun_msg *msg, uint16_t type,
		       uint32_t *vp)
{
	const uint8_t *v;
	size_t n;
	int err;

	if (!vp)
		return EINVAL;

	err = calls_stun_attr_get(msg, type, &v, &n);
	if (err)
		return err;
	if (n != 4)
		return EBADMSG;

	*vp = calls_rd32(v);

	return 0;
}


int calls_stun_u64_get(const struct calls_stun_msg *msg, uint16_t type,
		       uint64_t *vp)
{
	const uint8_t *v;
	size_t n;
	int err;

	if (!vp)
		return EINVAL;

	err = calls_stun_attr_get(msg, type, &v, &n);
	if (err)
		return err;
	if (n != 8)
		return EBADMSG;

	*vp = calls_rd64(v);

	return 0;
}


static bool is_xor(uint16_t type)
{
	return type == CALLS_STUN_ATTR_XOR_MAPPED_ADDRESS ||
		type == 0x0012 /* XOR-PEER-ADDRESS */ ||
		type == 0x0016 /* XOR-RELAYED-ADDRESS */;
}


int calls_stun_addr_get(const struct calls_stun_msg *msg, uint16_t type,
			struct sa *sa)
{
	const uint8_t *v;
	size_t n;
	uint16_t port;
	bool x = is_xor(type);
	int err;

	if (!sa)
		return EINVAL;

	err = calls_stun_attr_get(msg, type, &v, &n);
	if (err)
		return err;

	if (n < 4)
		return EBADMSG;

	port = calls_rd16(v + 2);
	if (x)
		port ^= (uint16_t)(CALLS_STUN_MAGIC >> 16);

	switch (v[1]) {

	case 0x01: {
		uint32_t a;

		if (n != 8)
			return EBADMSG;

		a = calls_rd32(v + 4);
		if (x)
			a ^= CALLS_STUN_MAGIC;
		sa_set_in(sa, a, port);
		break;
	}

	case 0x02: {
		uint8_t a[16];
		unsigned i;

		if (n != 20)
			return EBADMSG;

		memcpy(a, v + 4, 16);
		if (x) {
			/* the mask is the cookie and the transaction ID,
			 * i.e. header bytes 4..19 */
			for (i = 0; i < 16; i++)
				a[i] ^= msg->buf[4 + i];
		}
		sa_set_in6(sa, a, port);
		break;
	}

	default:
		return EBADMSG;
	}

	return 0;
}


int calls_stun_errcode_get(const struct calls_stun_msg *msg,
			   uint16_t *codep, struct pl *reason)
{
	const uint8_t *v;
	size_t n;
	int err;

	if (!codep)
		return EINVAL;

	err = calls_stun_attr_get(msg, CALLS_STUN_ATTR_ERROR_CODE, &v, &n);
	if (err)
		return err;
	if (n < 4 || (v[2] & 7) < 3 || (v[2] & 7) > 6 || v[3] > 99)
		return EBADMSG;

	*codep = (uint16_t)((v[2] & 7) * 100 + v[3]);
	if (reason) {
		reason->p = (const char *)v + 4;
		reason->l = n - 4;
	}

	return 0;
}


int calls_stun_unknown_get(const struct calls_stun_msg *msg,
			   uint16_t *types, size_t *np)
{
	const uint8_t *v;
	size_t n, i;
	int err;

	if (!types || !np)
		return EINVAL;

	err = calls_stun_attr_get(msg, CALLS_STUN_ATTR_UNKNOWN_ATTRIBUTES,
				  &v, &n);
	if (err)
		return err;
	if (n & 1)
		return EBADMSG;

	for (i = 0; i < n / 2 && i < *np; i++)
		types[i] = calls_rd16(v + 2 * i);
	*np = i;

	return 0;
}


uint32_t calls_stun_change_get(const struct calls_stun_msg *msg)
{
	uint32_t v;

	if (calls_stun_u32_get(msg, CALLS_STUN_ATTR_CHANGE_REQUEST, &v))
		return 0;

	return v & (CALLS_STUN_CHANGE_IP | CALLS_STUN_CHANGE_PORT);
}


static int mac(enum calls_stun_mi mi, const uint8_t *key, size_t keylen,
	       const uint8_t *d, size_t n, uint8_t *md)
{
	unsigned int mdlen = 0;
	const EVP_MD *h = mi == CALLS_STUN_MI_SHA256 ? EVP_sha256()
		: EVP_sha1();

	if (!HMAC(h, key, (int)keylen, d, n, md, &mdlen))
		return EPROTO;

	return 0;
}


/* The message up to offset pos, with the length field saying the message
 * ends after an attribute of alen bytes at pos */
static void patched(uint8_t *tmp, const struct calls_stun_msg *msg,
		    size_t pos, size_t alen)
{
	memcpy(tmp, msg->buf, pos);
	calls_wr16(tmp + 2, (uint16_t)(pos + 4 + alen - CALLS_STUN_HDR_LEN));
}


int calls_stun_integrity_check(const struct calls_stun_msg *msg,
			       enum calls_stun_mi mi, const uint8_t *key,
			       size_t keylen)
{
	uint8_t tmp[CALLS_STUN_MAX_LEN];
	uint8_t md[EVP_MAX_MD_SIZE];
	uint16_t type = mi == CALLS_STUN_MI_SHA256 ?
		CALLS_STUN_ATTR_MESSAGE_INTEGRITY_SHA256 :
		CALLS_STUN_ATTR_MESSAGE_INTEGRITY;
	const uint8_t *v;
	size_t n, pos;
	int err;

	if (!msg || !msg->buf || (!key && keylen))
		return EINVAL;

	err = calls_stun_attr_get(msg, type, &v, &n);
	if (err)
		return err;

	pos = (size_t)(v - 4 - msg->buf);
	patched(tmp, msg, pos, n);

	err = mac(mi, key ? key : (const uint8_t *)"", keylen, tmp, pos, md);
	if (err)
		return err;

	/* constant time: the value is secret-dependent */
	if (CRYPTO_memcmp(md, v, n))
		return EACCES;

	return 0;
}


int calls_stun_fingerprint_check(const struct calls_stun_msg *msg)
{
	uint8_t hdr[CALLS_STUN_HDR_LEN];
	const uint8_t *v;
	uint32_t crc;
	size_t n, pos;
	int err;

	if (!msg || !msg->buf)
		return EINVAL;

	err = calls_stun_attr_get(msg, CALLS_STUN_ATTR_FINGERPRINT, &v, &n);
	if (err)
		return err;

	pos = (size_t)(v - 4 - msg->buf);
	memcpy(hdr, msg->buf, sizeof(hdr));
	calls_wr16(hdr + 2, (uint16_t)(pos + 4 + FP_LEN - CALLS_STUN_HDR_LEN));

	crc = crc32(0, hdr, sizeof(hdr));
	crc = crc32(crc, msg->buf + CALLS_STUN_HDR_LEN,
		    (uint32_t)(pos - CALLS_STUN_HDR_LEN));

	return (crc ^ CALLS_STUN_FP_XOR) == calls_rd32(v) ? 0 : EBADMSG;
}


int calls_stun_key_long_term(uint8_t key[16], const char *user,
			     const char *realm, const char *pass)
{
	if (!key || !user || !realm || !pass)
		return EINVAL;

	return md5_printf(key, "%s:%s:%s", user, realm, pass);
}


/* Encoding */

void calls_stun_enc_init(struct calls_stun_enc *e, uint8_t *buf,
			 size_t size, uint16_t method,
			 enum calls_stun_class cls, const uint8_t *tid,
			 bool cookie)
{
	if (!e)
		return;

	memset(e, 0, sizeof(*e));
	e->buf  = buf;
	e->size = size;

	if (!buf) {
		e->err = EINVAL;
		return;
	}
	if (size < CALLS_STUN_HDR_LEN) {
		e->err = ENOBUFS;
		return;
	}

	calls_wr16(buf, calls_stun_type(method, cls));
	calls_wr16(buf + 2, 0);

	if (cookie) {
		calls_wr32(buf + 4, CALLS_STUN_MAGIC);
		if (tid)
			memcpy(buf + 8, tid, CALLS_STUN_TID_LEN);
		else
			rand_bytes(buf + 8, CALLS_STUN_TID_LEN);
	}
	else {
		/* RFC 3489: a 16-byte transaction ID */
		if (tid)
			memcpy(buf + 4, tid, 16);
		else
			rand_bytes(buf + 4, 16);
		/* a random ID must not look like the cookie */
		if (calls_rd32(buf + 4) == CALLS_STUN_MAGIC)
			buf[4] ^= 0xff;
	}

	e->len = CALLS_STUN_HDR_LEN;
}


/* Reserves an attribute of n value bytes; returns its value or NULL */
static uint8_t *enc_reserve(struct calls_stun_enc *e, uint16_t type,
			    size_t n)
{
	size_t pad = (4 - (n & 3)) & 3;
	uint8_t *p;

	if (!e || e->err)
		return NULL;

	if (n > 0xffff || e->len + 4 + n + pad > e->size ||
	    e->len + 4 + n + pad - CALLS_STUN_HDR_LEN > 0xffff) {
		e->err = ENOBUFS;
		return NULL;
	}

	p = e->buf + e->len;
	calls_wr16(p, type);
	calls_wr16(p + 2, (uint16_t)n);
	memset(p + 4 + n, e->pad, pad);
	e->len += 4 + n + pad;

	return p + 4;
}


void calls_stun_enc_attr(struct calls_stun_enc *e, uint16_t type,
			 const void *val, size_t len)
{
	uint8_t *p;

	if (e && !e->err && !val && len) {
		e->err = EINVAL;
		return;
	}

	p = enc_reserve(e, type, len);
	if (p && len)
		memcpy(p, val, len);
}


void calls_stun_enc_str(struct calls_stun_enc *e, uint16_t type,
			const char *s)
{
	calls_stun_enc_attr(e, type, s ? s : "", s ? strlen(s) : 0);
}


void calls_stun_enc_u32(struct calls_stun_enc *e, uint16_t type,
			uint32_t v)
{
	uint8_t *p = enc_reserve(e, type, 4);

	if (p)
		calls_wr32(p, v);
}


void calls_stun_enc_u64(struct calls_stun_enc *e, uint16_t type,
			uint64_t v)
{
	uint8_t *p = enc_reserve(e, type, 8);

	if (p) {
		calls_wr32(p, (uint32_t)(v >> 32));
		calls_wr32(p + 4, (uint32_t)v);
	}
}


void calls_stun_enc_flag(struct calls_stun_enc *e, uint16_t type)
{
	(void)enc_reserve(e, type, 0);
}


void calls_stun_enc_addr(struct calls_stun_enc *e, uint16_t type,
			 const struct sa *sa)
{
	bool x = is_xor(type);
	uint16_t port;
	uint8_t *p;

	if (!e || e->err)
		return;

	if (!sa) {
		e->err = EINVAL;
		return;
	}

	port = sa_port(sa);
	if (x)
		port ^= (uint16_t)(CALLS_STUN_MAGIC >> 16);

	switch (sa_af(sa)) {

	case AF_INET:
		p = enc_reserve(e, type, 8);
		if (!p)
			return;
		p[0] = 0;
		p[1] = 0x01;
		calls_wr16(p + 2, port);
		calls_wr32(p + 4, sa_in(sa) ^ (x ? CALLS_STUN_MAGIC : 0));
		break;

	case AF_INET6: {
		unsigned i;

		p = enc_reserve(e, type, 20);
		if (!p)
			return;
		p[0] = 0;
		p[1] = 0x02;
		calls_wr16(p + 2, port);
		sa_in6(sa, p + 4);
		if (x) {
			for (i = 0; i < 16; i++)
				p[4 + i] ^= e->buf[4 + i];
		}
		break;
	}

	default:
		e->err = EAFNOSUPPORT;
		break;
	}
}


void calls_stun_enc_errcode(struct calls_stun_enc *e, uint16_t code,
			    const char *reason)
{
	size_t rl;
	uint8_t *p;

	if (!e || e->err)
		return;

	if (code < 300 || code > 699) {
		e->err = EINVAL;
		return;
	}

	if (!reason)
		reason = calls_stun_reason(code);
	rl = strlen(reason);

	p = enc_reserve(e, CALLS_STUN_ATTR_ERROR_CODE, 4 + rl);
	if (!p)
		return;

	p[0] = 0;
	p[1] = 0;
	p[2] = (uint8_t)(code / 100);
	p[3] = (uint8_t)(code % 100);
	memcpy(p + 4, reason, rl);
}


void calls_stun_enc_unknown(struct calls_stun_enc *e, const uint16_t *types,
			    size_t n)
{
	uint8_t *p;
	size_t i;

	if (e && !e->err && !types && n) {
		e->err = EINVAL;
		return;
	}

	p = enc_reserve(e, CALLS_STUN_ATTR_UNKNOWN_ATTRIBUTES, 2 * n);
	if (!p)
		return;

	for (i = 0; i < n; i++)
		calls_wr16(p + 2 * i, types[i]);
}


void calls_stun_enc_integrity(struct calls_stun_enc *e,
			      enum calls_stun_mi mi, const uint8_t *key,
			      size_t keylen)
{
	uint8_t md[EVP_MAX_MD_SIZE];
	size_t n = mi == CALLS_STUN_MI_SHA256 ? MI256_LEN : MI_LEN;
	size_t pos;
	uint8_t *p;
	int err;

	if (!e || e->err)
		return;

	if (!key && keylen) {
		e->err = EINVAL;
		return;
	}

	pos = e->len;
	if (pos + 4 + n > e->size) {
		e->err = ENOBUFS;
		return;
	}

	calls_wr16(e->buf + 2, (uint16_t)(pos + 4 + n - CALLS_STUN_HDR_LEN));
	err = mac(mi, key ? key : (const uint8_t *)"", keylen, e->buf, pos,
		  md);
	if (err) {
		e->err = err;
		return;
	}

	p = enc_reserve(e, mi == CALLS_STUN_MI_SHA256 ?
			CALLS_STUN_ATTR_MESSAGE_INTEGRITY_SHA256 :
			CALLS_STUN_ATTR_MESSAGE_INTEGRITY, n);
	if (p)
		memcpy(p, md, n);
}


void calls_stun_enc_fingerprint(struct calls_stun_enc *e)
{
	size_t pos;
	uint8_t *p;
	uint32_t crc;

	if (!e || e->err)
		return;

	pos = e->len;
	if (pos + 4 + FP_LEN > e->size) {
		e->err = ENOBUFS;
		return;
	}

	calls_wr16(e->buf + 2,
		   (uint16_t)(pos + 4 + FP_LEN - CALLS_STUN_HDR_LEN));
	crc = crc32(0, e->buf, (uint32_t)pos);

	p = enc_reserve(e, CALLS_STUN_ATTR_FINGERPRINT, FP_LEN);
	if (p)
		calls_wr32(p, crc ^ CALLS_STUN_FP_XOR);
}


int calls_stun_enc_finish(struct calls_stun_enc *e, size_t *lenp)
{
	if (!e)
		return EINVAL;

	if (e->err)
		return e->err;

	calls_wr16(e->buf + 2, (uint16_t)(e->len - CALLS_STUN_HDR_LEN));
	if (lenp)
		*lenp = e->len;

	return 0;
}


const char *calls_stun_reason(uint16_t code)
{
	switch (code) {

	case 300: return "Try Alternate";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 420: return "Unknown Attribute";
	case 437: return "Allocation Mismatch";
	case 438: return "Stale Nonce";
	case 440: return "Address Family not Supported";
	case 441: return "Wrong Credentials";
	case 442: return "Unsupported Transport Protocol";
	case 486: return "Allocation Quota Reached";
	case 487: return "Role Conflict";
	case 500: return "Server Error";
	case 508: return "Insufficient Capacity";
	default:  return "Error";
	}
}


const char *calls_stun_attr_name(uint16_t type)
{
	switch (type) {

	case CALLS_STUN_ATTR_MAPPED_ADDRESS:     return "MAPPED-ADDRESS";
	case CALLS_STUN_ATTR_RESPONSE_ADDRESS:   return "RESPONSE-ADDRESS";
	case CALLS_STUN_ATTR_CHANGE_REQUEST:     return "CHANGE-REQUEST";
	case CALLS_STUN_ATTR_SOURCE_ADDRESS:     return "SOURCE-ADDRESS";
	case CALLS_STUN_ATTR_CHANGED_ADDRESS:    return "CHANGED-ADDRESS";
	case CALLS_STUN_ATTR_USERNAME:           return "USERNAME";
	case CALLS_STUN_ATTR_MESSAGE_INTEGRITY:  return "MESSAGE-INTEGRITY";
	case CALLS_STUN_ATTR_ERROR_CODE:         return "ERROR-CODE";
	case CALLS_STUN_ATTR_UNKNOWN_ATTRIBUTES: return "UNKNOWN-ATTRIBUTES";
	case CALLS_STUN_ATTR_REALM:              return "REALM";
	case CALLS_STUN_ATTR_NONCE:              return "NONCE";
	case CALLS_STUN_ATTR_MESSAGE_INTEGRITY_SHA256:
		return "MESSAGE-INTEGRITY-SHA256";
	case CALLS_STUN_ATTR_PASSWORD_ALGORITHM: return "PASSWORD-ALGORITHM";
	case CALLS_STUN_ATTR_USERHASH:           return "USERHASH";
	case CALLS_STUN_ATTR_XOR_MAPPED_ADDRESS: return "XOR-MAPPED-ADDRESS";
	case CALLS_STUN_ATTR_PRIORITY:           return "PRIORITY";
	case CALLS_STUN_ATTR_USE_CANDIDATE:      return "USE-CANDIDATE";
	case CALLS_STUN_ATTR_PADDING:            return "PADDING";
	case CALLS_STUN_ATTR_RESPONSE_PORT:      return "RESPONSE-PORT";
	case CALLS_STUN_ATTR_PASSWORD_ALGORITHMS:
		return "PASSWORD-ALGORITHMS";
	case CALLS_STUN_ATTR_ALTERNATE_DOMAIN:   return "ALTERNATE-DOMAIN";
	case CALLS_STUN_ATTR_SOFTWARE:           return "SOFTWARE";
	case CALLS_STUN_ATTR_ALTERNATE_SERVER:   return "ALTERNATE-SERVER";
	case CALLS_STUN_ATTR_FINGERPRINT:        return "FINGERPRINT";
	case CALLS_STUN_ATTR_ICE_CONTROLLED:     return "ICE-CONTROLLED";
	case CALLS_STUN_ATTR_ICE_CONTROLLING:    return "ICE-CONTROLLING";
	case CALLS_STUN_ATTR_RESPONSE_ORIGIN:    return "RESPONSE-ORIGIN";
	case CALLS_STUN_ATTR_OTHER_ADDRESS:      return "OTHER-ADDRESS";
	default:                                 return "?";
	}
}
