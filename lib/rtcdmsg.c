/**
 * @file rtcdmsg.c  The rtcd WebSocket message codec (msgpack-c)
 *
 * The only file that includes msgpack-c. Decoding is two steps: a
 * bounds pre-scan of our own (check_obj) that refuses container counts
 * larger than the bytes left and nesting deeper than msgpack-c's stack,
 * so msgpack-c never sizes an allocation from an untrusted count; then
 * msgpack_unpack_next() for the two values.
 */
#include <string.h>
#include <sys/random.h>
#include <msgpack.h>
#include "re_inc.h"
#include "rtcdmsg.h"

enum {
	MAX_DEPTH = 16,     /* below msgpack-c's stack of 32 */
};

static const char *const type_names[] = {
	"hello", "join", "leave", "reconnect", "rtc", "vad", "close",
};

static const char *const rtc_type_names[] = {
	"", "ICE", "SDP", "Mute", "Unmute", "ScreenOn", "ScreenOff",
	"VoiceOn", "VoiceOff", "VideoOn", "VideoOff",
};


const char *calls_rtcdmsg_type_name(enum calls_rtcdmsg_type type)
{
	if ((unsigned)type >= ARRAY_SIZE(type_names))
		return "?";

	return type_names[type];
}


int calls_rtcdmsg_type_parse(enum calls_rtcdmsg_type *typep,
			     const char *s, size_t len)
{
	size_t i;

	if (!typep || !s)
		return EINVAL;

	for (i = 0; i < ARRAY_SIZE(type_names); i++) {
		if (strlen(type_names[i]) == len &&
		    !memcmp(type_names[i], s, len)) {
			*typep = (enum calls_rtcdmsg_type)i;
			return 0;
		}
	}

	return ENOENT;
}


const char *calls_rtc_type_name(int64_t type)
{
	if (type < 1 || type >= (int64_t)ARRAY_SIZE(rtc_type_names))
		return "unknown";

	return rtc_type_names[type];
}


static void destructor(void *arg)
{
	struct calls_rtcdmsg *msg = arg;

	mem_deref(msg->client_id);
	mem_deref(msg->conn_id);
	mem_deref(msg->session_id);
	mem_deref(msg->join.call_id);
	mem_deref(msg->join.user_id);
	mem_deref(msg->join.session_id);
	mem_deref(msg->join.channel_id);
	mem_deref(msg->rtc.group_id);
	mem_deref(msg->rtc.user_id);
	mem_deref(msg->rtc.session_id);
	mem_deref(msg->rtc.call_id);
	mem_deref(msg->rtc.data);
}


/*
 * Pre-scan: one msgpack object at *posp. Containers may not claim more
 * elements than bytes remain (each element takes at least one byte).
 */
static int need(size_t pos, size_t len, uint64_t n)
{
	return (n > len - pos) ? EBADMSG : 0;
}


static uint64_t be(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];

	return v;
}


static int check_obj(const uint8_t *buf, size_t len, size_t *posp,
		     unsigned depth)
{
	size_t pos = *posp;
	uint64_t n = 0, i;
	unsigned lenb = 0, fixed = 0;
	bool map = false, cont = false;
	uint8_t b;
	int err;

	if (depth > MAX_DEPTH)
		return EBADMSG;

	if (pos >= len)
		return EBADMSG;

	b = buf[pos++];

	if (b <= 0x7f || b >= 0xe0 || b == 0xc0 || b == 0xc2 || b == 0xc3)
		fixed = 0;
	else if ((b & 0xf0) == 0x80) {
		n = b & 0x0f;
		map = cont = true;
	}
	else if ((b & 0xf0) == 0x90) {
		n = b & 0x0f;
		cont = true;
	}
	else if ((b & 0xe0) == 0xa0)
		fixed = b & 0x1f;
	else {
		switch (b) {

		case 0xc4: case 0xd9: lenb = 1; break;
		case 0xc5: case 0xda: lenb = 2; break;
		case 0xc6: case 0xdb: lenb = 4; break;
		case 0xc7: lenb = 1; fixed = 1; break;   /* ext8 + type */
		case 0xc8: lenb = 2; fixed = 1; break;
		case 0xc9: lenb = 4; fixed = 1; break;
		case 0xca: fixed = 4; break;
		case 0xcb: fixed = 8; break;
		case 0xcc: case 0xd0: fixed = 1; break;
		case 0xcd: case 0xd1: fixed = 2; break;
		case 0xce: case 0xd2: fixed = 4; break;
		case 0xcf: case 0xd3: fixed = 8; break;
		case 0xd4: fixed = 2; break;
		case 0xd5: fixed = 3; break;
		case 0xd6: fixed = 5; break;
		case 0xd7: fixed = 9; break;
		case 0xd8: fixed = 17; break;
		case 0xdc: lenb = 2; cont = true; break;
		case 0xdd: lenb = 4; cont = true; break;
		case 0xde: lenb = 2; cont = map = true; break;
		case 0xdf: lenb = 4; cont = map = true; break;
		default:   return EBADMSG;                /* 0xc1 */
		}
	}

	if (lenb) {
		err = need(pos, len, lenb);
		if (err)
			return err;
		n = be(buf + pos, lenb);
		pos += lenb;
	}

	if (!cont) {
		/* bytes that follow: fixed part plus a length prefix */
		uint64_t body = (uint64_t)fixed + (lenb ? n : 0);

		err = need(pos, len, body);
		if (err)
			return err;
		*posp = pos + (size_t)body;
		return 0;
	}

	if (map)
		n *= 2;

	err = need(pos, len, n);
	if (err)
		return err;

	for (i = 0; i < n; i++) {
		err = check_obj(buf, len, &pos, depth + 1);
		if (err)
			return err;
	}

	*posp = pos;

	return 0;
}


static int dup_n(char **dstp, const char *s, size_t len)
{
	char *d;

	d = mem_alloc(len + 1, NULL);
	if (!d)
		return ENOMEM;

	if (len)
		memcpy(d, s, len);
	d[len] = '\0';

	mem_deref(*dstp);
	*dstp = d;

	return 0;
}


static bool key_is(const msgpack_object *k, const char *name)
{
	size_t n = strlen(name);

	return k->via.str.size == n && !memcmp(k->via.str.ptr, name, n);
}


/* An id string: str (no NUL inside) or nil (""). */
static int get_str(char **dstp, const msgpack_object *o, const char **errp,
		   const char *what)
{
	if (o->type == MSGPACK_OBJECT_NIL)
		return dup_n(dstp, "", 0);

	if (o->type != MSGPACK_OBJECT_STR ||
	    memchr(o->via.str.ptr, '\0', o->via.str.size)) {
		*errp = what;
		return EBADMSG;
	}

	return dup_n(dstp, o->via.str.ptr, o->via.str.size);
}


static int decode_smap(struct calls_rtcdmsg *msg, const msgpack_object *o,
		       const char **errp)
{
	uint32_t i;
	int err;

	if (o->type != MSGPACK_OBJECT_MAP) {
		*errp = "data is not a map";
		return EBADMSG;
	}

	for (i = 0; i < o->via.map.size; i++) {
		const msgpack_object *k = &o->via.map.ptr[i].key;
		const msgpack_object *v = &o->via.map.ptr[i].val;
		char **dst = NULL, *skip = NULL;

		if (k->type != MSGPACK_OBJECT_STR) {
			*errp = "map key is not a string";
			return EBADMSG;
		}

		if (msg->type == CALLS_RTCDMSG_HELLO && key_is(k, "clientID"))
			dst = &msg->client_id;
		else if (msg->type == CALLS_RTCDMSG_HELLO &&
			 key_is(k, "connID"))
			dst = &msg->conn_id;
		else if (key_is(k, "sessionID"))
			dst = &msg->session_id;
		else
			dst = &skip;  /* still a string -> string map */

		err = get_str(dst, v, errp, "map value is not a string");
		mem_deref(skip);
		if (err)
			return err;
	}

	return 0;
}


static int get_tri(enum calls_tri *dst, const msgpack_object *v,
		   const char **errp)
{
	if (v->type == MSGPACK_OBJECT_NIL) {
		*dst = CALLS_TRI_ABSENT;
		return 0;
	}

	if (v->type != MSGPACK_OBJECT_BOOLEAN) {
		*errp = "join flag is not a bool";
		return EBADMSG;
	}

	*dst = v->via.boolean ? CALLS_TRI_TRUE : CALLS_TRI_FALSE;

	return 0;
}


static int decode_join(struct calls_rtcdmsg_join *j, const msgpack_object *o,
		       const char **errp)
{
	uint32_t i;
	int err = 0;

	j->av1_support = CALLS_TRI_ABSENT;
	j->dc_signaling = CALLS_TRI_ABSENT;

	if (o->type != MSGPACK_OBJECT_MAP) {
		*errp = "join data is not a map";
		return EBADMSG;
	}

	for (i = 0; i < o->via.map.size && !err; i++) {
		const msgpack_object *k = &o->via.map.ptr[i].key;
		const msgpack_object *v = &o->via.map.ptr[i].val;
		char **dst = NULL;

		if (k->type != MSGPACK_OBJECT_STR) {
			*errp = "map key is not a string";
			return EBADMSG;
		}

		if (key_is(k, "callID"))
			dst = &j->call_id;
		else if (key_is(k, "userID"))
			dst = &j->user_id;
		else if (key_is(k, "sessionID"))
			dst = &j->session_id;
		else if (key_is(k, "channelID"))
			dst = &j->channel_id;
		else if (key_is(k, "av1Support"))
			err = get_tri(&j->av1_support, v, errp);
		else if (key_is(k, "dcSignaling"))
			err = get_tri(&j->dc_signaling, v, errp);
		/* other keys of the generic map: ignored */

		if (!dst)
			continue;

		if (v->type == MSGPACK_OBJECT_NIL) {
			*dst = mem_deref(*dst);
			continue;
		}

		err = get_str(dst, v, errp, "join id is not a string");
	}

	return err;
}


static int decode_rtc(struct calls_rtcdmsg_rtc *r, const msgpack_object *o,
		      const char **errp)
{
	uint32_t i;
	int err;

	if (o->type != MSGPACK_OBJECT_MAP) {
		*errp = "rtc data is not a map";
		return EBADMSG;
	}

	for (i = 0; i < o->via.map.size; i++) {
		const msgpack_object *k = &o->via.map.ptr[i].key;
		const msgpack_object *v = &o->via.map.ptr[i].val;
		char **dst = NULL;

		if (k->type != MSGPACK_OBJECT_STR) {
			*errp = "map key is not a string";
			return EBADMSG;
		}

		if (key_is(k, "group_id"))
			dst = &r->group_id;
		else if (key_is(k, "user_id"))
			dst = &r->user_id;
		else if (key_is(k, "session_id"))
			dst = &r->session_id;
		else if (key_is(k, "call_id"))
			dst = &r->call_id;

		if (dst) {
			err = get_str(dst, v, errp,
				      "rtc id is not a string");
			if (err)
				return err;
		}
		else if (key_is(k, "type")) {
			if (v->type == MSGPACK_OBJECT_POSITIVE_INTEGER &&
			    v->via.u64 <= INT64_MAX)
				r->type = (int64_t)v->via.u64;
			else if (v->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
				r->type = v->via.i64;
			else {
				*errp = "rtc type is not an integer";
				return EBADMSG;
			}
		}
		else if (key_is(k, "data")) {
			const char *p;
			size_t n;

			if (v->type == MSGPACK_OBJECT_NIL) {
				r->data = mem_deref(r->data);
				r->data_len = 0;
				continue;
			}
			else if (v->type == MSGPACK_OBJECT_BIN) {
				p = v->via.bin.ptr;
				n = v->via.bin.size;
			}
			else if (v->type == MSGPACK_OBJECT_STR) {
				p = v->via.str.ptr;
				n = v->via.str.size;
			}
			else {
				*errp = "rtc data is not bin or str";
				return EBADMSG;
			}

			err = dup_n((char **)&r->data, p, n);
			if (err)
				return err;
			r->data_len = n;
		}
	}

	/* missing ids decode as "" (Go's zero value) */
	if (!r->group_id && (err = dup_n(&r->group_id, "", 0)))
		return err;
	if (!r->user_id && (err = dup_n(&r->user_id, "", 0)))
		return err;
	if (!r->session_id && (err = dup_n(&r->session_id, "", 0)))
		return err;
	if (!r->call_id && (err = dup_n(&r->call_id, "", 0)))
		return err;

	return 0;
}


int calls_rtcdmsg_decode(struct calls_rtcdmsg **msgp, const uint8_t *buf,
			 size_t len, const char **errp)
{
	struct calls_rtcdmsg *msg = NULL;
	msgpack_unpacked up;
	msgpack_unpack_return ret;
	const char *why = NULL;
	size_t pos = 0, off = 0;
	int err;

	if (!msgp || (!buf && len))
		return EINVAL;

	if (!errp)
		errp = &why;

	*errp = NULL;

	if (len > CALLS_RTCDMSG_MAX) {
		*errp = "frame too large";
		return EMSGSIZE;
	}

	/* two values, nothing after them */
	err = check_obj(buf, len, &pos, 0);
	if (!err)
		err = check_obj(buf, len, &pos, 0);
	if (err || pos != len) {
		*errp = err ? "malformed msgpack" : "trailing bytes";
		return EBADMSG;
	}

	msgpack_unpacked_init(&up);

	msg = mem_zalloc(sizeof(*msg), destructor);
	if (!msg) {
		err = ENOMEM;
		goto out;
	}

	ret = msgpack_unpack_next(&up, (const char *)buf, len, &off);
	if (ret != MSGPACK_UNPACK_SUCCESS &&
	    ret != MSGPACK_UNPACK_EXTRA_BYTES) {
		/* unreachable after the pre-scan; kept as a guard */
		*errp = "malformed msgpack";
		err = EBADMSG;
		goto out;
	}

	if (up.data.type != MSGPACK_OBJECT_STR) {
		*errp = "message type is not a string";
		err = EBADMSG;
		goto out;
	}

	err = calls_rtcdmsg_type_parse(&msg->type, up.data.via.str.ptr,
				       up.data.via.str.size);
	if (err) {
		*errp = "unknown message type";
		err = EBADMSG;
		goto out;
	}

	if (msgpack_unpack_next(&up, (const char *)buf, len, &off) !=
	    MSGPACK_UNPACK_SUCCESS) {
		*errp = "malformed msgpack";
		err = EBADMSG;
		goto out;
	}

	switch (msg->type) {

	case CALLS_RTCDMSG_JOIN:
		err = decode_join(&msg->join, &up.data, errp);
		break;

	case CALLS_RTCDMSG_RTC:
	case CALLS_RTCDMSG_VAD:
		err = decode_rtc(&msg->rtc, &up.data, errp);
		break;

	default:
		err = decode_smap(msg, &up.data, errp);
		break;
	}

 out:
	msgpack_unpacked_destroy(&up);

	if (err)
		mem_deref(msg);
	else
		*msgp = msg;

	return err;
}


/* Encoding: msgpack-c's packer writing into an mbuf */
static int mb_write(void *data, const char *buf, size_t len)
{
	return mbuf_write_mem(data, (const uint8_t *)buf, len) ? -1 : 0;
}


static int pk_str(msgpack_packer *pk, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (msgpack_pack_str(pk, n))
		return ENOMEM;

	return (n && msgpack_pack_str_body(pk, s, n)) ? ENOMEM : 0;
}


static int pk_kv(msgpack_packer *pk, const char *k, const char *v)
{
	int err = pk_str(pk, k);

	return err ? err : pk_str(pk, v);
}


int calls_rtcdmsg_encode_hello(struct mbuf *mb, const char *client_id,
			       const char *conn_id)
{
	msgpack_packer pk;
	int err;

	if (!mb || !client_id || !conn_id)
		return EINVAL;

	msgpack_packer_init(&pk, mb, mb_write);

	err = pk_str(&pk, "hello");
	if (!err)
		err = msgpack_pack_map(&pk, 2) ? ENOMEM : 0;
	if (!err)
		err = pk_kv(&pk, "clientID", client_id);
	if (!err)
		err = pk_kv(&pk, "connID", conn_id);

	return err;
}


int calls_rtcdmsg_encode_sid(struct mbuf *mb, enum calls_rtcdmsg_type type,
			     const char *session_id)
{
	msgpack_packer pk;
	int err;

	if (!mb || !session_id)
		return EINVAL;

	if (type != CALLS_RTCDMSG_LEAVE && type != CALLS_RTCDMSG_RECONNECT &&
	    type != CALLS_RTCDMSG_CLOSE)
		return EINVAL;

	msgpack_packer_init(&pk, mb, mb_write);

	err = pk_str(&pk, calls_rtcdmsg_type_name(type));
	if (!err)
		err = msgpack_pack_map(&pk, 1) ? ENOMEM : 0;
	if (!err)
		err = pk_kv(&pk, "sessionID", session_id);

	return err;
}


static int pk_tri(msgpack_packer *pk, const char *k, enum calls_tri v)
{
	int err = pk_str(pk, k);

	if (err)
		return err;

	return (v == CALLS_TRI_TRUE ? msgpack_pack_true(pk) :
		msgpack_pack_false(pk)) ? ENOMEM : 0;
}


int calls_rtcdmsg_encode_join(struct mbuf *mb,
			      const struct calls_rtcdmsg_join *j)
{
	msgpack_packer pk;
	size_t n = 3;
	int err;

	if (!mb || !j || !j->call_id || !j->user_id || !j->session_id)
		return EINVAL;

	n += !!j->channel_id;
	n += j->av1_support != CALLS_TRI_ABSENT;
	n += j->dc_signaling != CALLS_TRI_ABSENT;

	msgpack_packer_init(&pk, mb, mb_write);

	/* the plugin's key order (MPC server/websocket.go) */
	err = pk_str(&pk, "join");
	if (!err)
		err = msgpack_pack_map(&pk, n) ? ENOMEM : 0;
	if (!err)
		err = pk_kv(&pk, "callID", j->call_id);
	if (!err)
		err = pk_kv(&pk, "userID", j->user_id);
	if (!err)
		err = pk_kv(&pk, "sessionID", j->session_id);
	if (!err && j->channel_id)
		err = pk_kv(&pk, "channelID", j->channel_id);
	if (!err && j->av1_support != CALLS_TRI_ABSENT)
		err = pk_tri(&pk, "av1Support", j->av1_support);
	if (!err && j->dc_signaling != CALLS_TRI_ABSENT)
		err = pk_tri(&pk, "dcSignaling", j->dc_signaling);

	return err;
}


int calls_rtcdmsg_encode_rtc(struct mbuf *mb, enum calls_rtcdmsg_type type,
			     const struct calls_rtcdmsg_rtc *r)
{
	msgpack_packer pk;
	bool data;
	int err;

	if (!mb || !r)
		return EINVAL;

	if (type != CALLS_RTCDMSG_RTC && type != CALLS_RTCDMSG_VAD)
		return EINVAL;

	data = r->data && r->data_len;  /* omitempty */

	msgpack_packer_init(&pk, mb, mb_write);

	/* struct field order, as vmihailenco/msgpack writes it */
	err = pk_str(&pk, calls_rtcdmsg_type_name(type));
	if (!err)
		err = msgpack_pack_map(&pk, data ? 6 : 5) ? ENOMEM : 0;
	if (!err)
		err = pk_kv(&pk, "group_id", r->group_id);
	if (!err)
		err = pk_kv(&pk, "user_id", r->user_id);
	if (!err)
		err = pk_kv(&pk, "session_id", r->session_id);
	if (!err)
		err = pk_kv(&pk, "call_id", r->call_id);
	if (!err)
		err = pk_str(&pk, "type");
	if (!err)
		err = msgpack_pack_int64(&pk, r->type) ? ENOMEM : 0;
	if (!err && data) {
		err = pk_str(&pk, "data");
		if (!err)
			err = (msgpack_pack_bin(&pk, r->data_len) ||
			       msgpack_pack_bin_body(&pk, r->data,
						     r->data_len)) ?
				ENOMEM : 0;
	}

	return err;
}


int calls_rtcdmsg_encode(struct mbuf *mb, const struct calls_rtcdmsg *msg)
{
	if (!mb || !msg)
		return EINVAL;

	switch (msg->type) {

	case CALLS_RTCDMSG_HELLO:
		return calls_rtcdmsg_encode_hello(mb, msg->client_id,
						  msg->conn_id);

	case CALLS_RTCDMSG_JOIN:
		return calls_rtcdmsg_encode_join(mb, &msg->join);

	case CALLS_RTCDMSG_RTC:
	case CALLS_RTCDMSG_VAD:
		return calls_rtcdmsg_encode_rtc(mb, msg->type, &msg->rtc);

	case CALLS_RTCDMSG_LEAVE:
	case CALLS_RTCDMSG_RECONNECT:
	case CALLS_RTCDMSG_CLOSE:
		return calls_rtcdmsg_encode_sid(mb, msg->type,
						msg->session_id);

	default:
		return EINVAL;
	}
}


int calls_rtcd_id_new(char buf[CALLS_RTCD_ID_LEN + 1])
{
	static const char alphabet[] = "ybndrfg8ejkmcpqxot1uwisza345h769";
	uint8_t u[16];
	unsigned i, bit;
	size_t got = 0;

	if (!buf)
		return EINVAL;

	while (got < sizeof(u)) {
		ssize_t n = getrandom(u + got, sizeof(u) - got, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		got += (size_t)n;
	}

	/* a UUIDv4 (version and variant bits), as rtcd's random.NewID */
	u[6] = (u[6] & 0x0f) | 0x40;
	u[8] = (u[8] & 0x3f) | 0x80;

	/* base32 of 128 bits: 25 full groups of 5 bits + 3 bits */
	for (i = 0, bit = 0; i < CALLS_RTCD_ID_LEN; i++, bit += 5) {
		unsigned v = 0, k;

		for (k = 0; k < 5; k++) {
			unsigned b = bit + k;

			v <<= 1;
			if (b < 128)
				v |= (u[b / 8] >> (7 - b % 8)) & 1;
		}

		buf[i] = alphabet[v];
	}

	buf[CALLS_RTCD_ID_LEN] = '\0';

	return 0;
}


int calls_rtcdmsg_debug(struct re_printf *pf,
			const struct calls_rtcdmsg *msg)
{
	if (!msg)
		return 0;

	switch (msg->type) {

	case CALLS_RTCDMSG_HELLO:
		return re_hprintf(pf, "hello clientID=%s connID=%s",
				  msg->client_id, msg->conn_id);

	case CALLS_RTCDMSG_JOIN:
		return re_hprintf(pf, "join callID=%s userID=%s "
				  "sessionID=%s",
				  msg->join.call_id, msg->join.user_id,
				  msg->join.session_id);

	case CALLS_RTCDMSG_RTC:
	case CALLS_RTCDMSG_VAD:
		return re_hprintf(pf, "%s session_id=%s type=%s data=%zu",
				  calls_rtcdmsg_type_name(msg->type),
				  msg->rtc.session_id,
				  calls_rtc_type_name(msg->rtc.type),
				  msg->rtc.data_len);

	default:
		return re_hprintf(pf, "%s sessionID=%s",
				  calls_rtcdmsg_type_name(msg->type),
				  msg->session_id);
	}
}
