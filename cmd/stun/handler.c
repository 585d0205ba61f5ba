/**
 * @file handler.c  Binding request handler: request bytes in, response out
 *
 * No I/O and no allocation: the request is decoded in place and the
 * response encoded into the caller's buffer. The order of the checks is
 * RFC 8489 section 6.3: framing, FINGERPRINT, authentication, then
 * comprehension-required attributes we do not know.
 */
#include <string.h>
#include "re_inc.h"
#include "stun.h"
#include "stuncmd.h"


const char *srv_result_name(enum srv_result res)
{
	switch (res) {

	case SRV_SUCCESS:          return "success";
	case SRV_ERR_400:          return "bad_request";
	case SRV_ERR_401:          return "unauthorized";
	case SRV_ERR_420:          return "unknown_attribute";
	case SRV_DROP_MALFORMED:   return "malformed";
	case SRV_DROP_FINGERPRINT: return "bad_fingerprint";
	case SRV_DROP_NOT_REQUEST: return "not_request";
	default:                   return "?";
	}
}


/* Which integrity attributes the response carries */
struct auth {
	bool ok;
	bool sha1, sha256;
};


static void reply_begin(struct calls_stun_enc *e, struct srv_reply *rep,
			const struct calls_stun_msg *msg,
			enum calls_stun_class cls)
{
	/* RFC 3489: the 16 bytes after the length are the ID */
	calls_stun_enc_init(e, rep->buf, rep->size, msg->method, cls,
			    msg->cookie ? msg->tid : msg->buf + 4,
			    msg->cookie);
}


static enum srv_result reply_end(struct calls_stun_enc *e,
				 const struct srv_conf *conf,
				 const struct calls_stun_msg *msg,
				 const struct auth *auth,
				 struct srv_reply *rep, enum srv_result res)
{
	const uint8_t *k = (const uint8_t *)conf->password;
	size_t kl = conf->password ? strlen(conf->password) : 0;

	if (conf->software)
		calls_stun_enc_str(e, CALLS_STUN_ATTR_SOFTWARE,
				   conf->software);
	if (auth && auth->ok && auth->sha1)
		calls_stun_enc_integrity(e, CALLS_STUN_MI_SHA1, k, kl);
	if (auth && auth->ok && auth->sha256)
		calls_stun_enc_integrity(e, CALLS_STUN_MI_SHA256, k, kl);
	if (msg->cookie)
		calls_stun_enc_fingerprint(e);

	if (calls_stun_enc_finish(e, &rep->len))
		rep->len = 0;

	return res;
}


static enum srv_result reply_error(const struct srv_conf *conf,
				   const struct calls_stun_msg *msg,
				   const struct auth *auth,
				   struct srv_reply *rep, uint16_t code,
				   const uint16_t *unknown, size_t n)
{
	struct calls_stun_enc e;
	enum srv_result res;

	reply_begin(&e, rep, msg, CALLS_STUN_CLASS_ERROR);
	calls_stun_enc_errcode(&e, code, NULL);
	if (n)
		calls_stun_enc_unknown(&e, unknown, n);

	rep->code = code;
	res = code == 401 ? SRV_ERR_401 : code == 420 ? SRV_ERR_420 :
		SRV_ERR_400;

	return reply_end(&e, conf, msg, auth, rep, res);
}


/* A PADDING attribute of n zero bytes, when it fits with room left for
 * SOFTWARE, integrity and FINGERPRINT; otherwise none */
static void pad_response(struct calls_stun_enc *e, size_t n)
{
	static const uint8_t zero[CALLS_STUN_MAX_LEN];

	if (n > sizeof(zero) || e->len + 4 + n + 160 > e->size)
		return;

	calls_stun_enc_attr(e, CALLS_STUN_ATTR_PADDING, zero, n);
}


/* Short-term credentials (RFC 8489 section 9.1.3). The request needs
 * USERNAME and MESSAGE-INTEGRITY(-SHA256); missing or wrong both get 401
 * so that a client learns credentials are required. */
static int check_auth(const struct srv_conf *conf,
		      const struct calls_stun_msg *msg, struct auth *auth)
{
	const uint8_t *k = (const uint8_t *)conf->password;
	size_t kl = strlen(conf->password);
	struct pl user;
	int err;

	auth->sha1 = calls_stun_has(msg, CALLS_STUN_ATTR_MESSAGE_INTEGRITY);
	auth->sha256 = calls_stun_has(msg,
				CALLS_STUN_ATTR_MESSAGE_INTEGRITY_SHA256);

	if (!auth->sha1 && !auth->sha256)
		return EACCES;

	if (calls_stun_str_get(msg, CALLS_STUN_ATTR_USERNAME, &user) ||
	    pl_strcmp(&user, conf->user))
		return EACCES;

	/* the stronger one decides when both are there */
	err = calls_stun_integrity_check(msg, auth->sha256 ?
					 CALLS_STUN_MI_SHA256 :
					 CALLS_STUN_MI_SHA1, k, kl);
	if (err)
		return EACCES;

	auth->ok = true;

	return 0;
}


enum srv_result srv_handle(const struct srv_conf *conf, const uint8_t *req,
			   size_t len, const struct srv_where *w,
			   struct srv_reply *rep)
{
	static const uint16_t change_attr = CALLS_STUN_ATTR_CHANGE_REQUEST;
	struct calls_stun_msg msg;
	struct calls_stun_enc e;
	struct auth auth = {false, false, false};
	const uint8_t *pad;
	size_t padlen;
	uint32_t change, port;

	rep->len = 0;
	rep->code = 0;
	rep->port = 0;
	rep->k = w->k;

	if (calls_stun_decode(&msg, req, len))
		return SRV_DROP_MALFORMED;

	if (msg.cls != CALLS_STUN_CLASS_REQUEST)
		return SRV_DROP_NOT_REQUEST;

	if (calls_stun_fingerprint_check(&msg) == EBADMSG)
		return SRV_DROP_FINGERPRINT;

	if (msg.method != CALLS_STUN_BINDING)
		return reply_error(conf, &msg, NULL, rep, 400, NULL, 0);

	if (conf->user && conf->password && check_auth(conf, &msg, &auth))
		return reply_error(conf, &msg, NULL, rep, 401, NULL, 0);

	if (msg.n_unknown)
		return reply_error(conf, &msg, &auth, rep, 420, msg.unknown,
				   msg.n_unknown);

	change = calls_stun_change_get(&msg);
	if (change && !w->combo)
		return reply_error(conf, &msg, &auth, rep, 420, &change_attr,
				   1);

	if (change & CALLS_STUN_CHANGE_IP)
		rep->k ^= 2;
	if (change & CALLS_STUN_CHANGE_PORT)
		rep->k ^= 1;

	/* RFC 5780 section 7.5: answer to another port of the client */
	if (!calls_stun_u32_get(&msg, CALLS_STUN_ATTR_RESPONSE_PORT, &port))
		rep->port = (uint16_t)(port >> 16);

	reply_begin(&e, rep, &msg, CALLS_STUN_CLASS_SUCCESS);

	if (msg.cookie) {
		calls_stun_enc_addr(&e, CALLS_STUN_ATTR_XOR_MAPPED_ADDRESS,
				    w->src);
		if (w->combo) {
			calls_stun_enc_addr(&e, CALLS_STUN_ATTR_OTHER_ADDRESS,
					    &w->combo[w->k ^ 3]);
			calls_stun_enc_addr(&e,
					    CALLS_STUN_ATTR_RESPONSE_ORIGIN,
					    &w->combo[rep->k]);
		}
	}
	else {
		/* RFC 3489 client: the attributes it knows */
		calls_stun_enc_addr(&e, CALLS_STUN_ATTR_MAPPED_ADDRESS,
				    w->src);
		if (w->combo) {
			calls_stun_enc_addr(&e, CALLS_STUN_ATTR_SOURCE_ADDRESS,
					    &w->combo[rep->k]);
			calls_stun_enc_addr(&e,
					    CALLS_STUN_ATTR_CHANGED_ADDRESS,
					    &w->combo[w->k ^ 3]);
		}
	}

	/* RFC 5780 section 7.6: PADDING of the request's length (only
	 * over UDP: the caller's buffer decides) */
	if (!calls_stun_attr_get(&msg, CALLS_STUN_ATTR_PADDING, &pad,
				 &padlen) && padlen)
		pad_response(&e, padlen);

	return reply_end(&e, conf, &msg, &auth, rep, SRV_SUCCESS);
}
