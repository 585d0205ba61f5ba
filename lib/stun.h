/**
 * @file stun.h  STUN message codec (RFC 8489, RFC 5780, RFC 8445 attrs)
 *
 * Decoding allocates nothing: calls_stun_decode() checks the framing of a
 * message held in the caller's buffer and records where each known
 * attribute starts, so the getters read values in place. The buffer must
 * outlive the struct calls_stun_msg.
 *
 * Encoding writes into a buffer the caller owns (a reused one on hot
 * paths). Errors are sticky: the first failing calls_stun_enc_*() call
 * records its error and later ones do nothing, so a message is built with
 * a run of calls and one check at calls_stun_enc_finish():
 *
 *     struct calls_stun_enc e;
 *     calls_stun_enc_init(&e, buf, sizeof(buf), CALLS_STUN_BINDING,
 *                         CALLS_STUN_CLASS_SUCCESS, req.tid, true);
 *     calls_stun_enc_addr(&e, CALLS_STUN_ATTR_XOR_MAPPED_ADDRESS, src);
 *     calls_stun_enc_str(&e, CALLS_STUN_ATTR_SOFTWARE, "calls-stun");
 *     calls_stun_enc_fingerprint(&e);
 *     err = calls_stun_enc_finish(&e, &len);
 *
 * Names are calls_stun_*: libre has its own stun_* module.
 */
#ifndef CALLS_STUN_H
#define CALLS_STUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sa;
struct pl;

#define CALLS_STUN_MAGIC       0x2112a442u
#define CALLS_STUN_HDR_LEN     20
#define CALLS_STUN_TID_LEN     12
#define CALLS_STUN_PORT        3478
#define CALLS_STUN_FP_XOR      0x5354554eu
/** Largest message we accept or build (fits any UDP path we care for) */
#define CALLS_STUN_MAX_LEN     2048
/** At most this many unknown comprehension-required attributes kept */
#define CALLS_STUN_MAX_UNKNOWN 8

enum calls_stun_class {
	CALLS_STUN_CLASS_REQUEST    = 0,
	CALLS_STUN_CLASS_INDICATION = 1,
	CALLS_STUN_CLASS_SUCCESS    = 2,
	CALLS_STUN_CLASS_ERROR      = 3,
};

enum calls_stun_method {
	CALLS_STUN_BINDING = 0x001,
};

enum calls_stun_attr_type {
	CALLS_STUN_ATTR_MAPPED_ADDRESS       = 0x0001,
	CALLS_STUN_ATTR_RESPONSE_ADDRESS     = 0x0002,  /* RFC 3489 */
	CALLS_STUN_ATTR_CHANGE_REQUEST       = 0x0003,
	CALLS_STUN_ATTR_SOURCE_ADDRESS       = 0x0004,  /* RFC 3489 */
	CALLS_STUN_ATTR_CHANGED_ADDRESS      = 0x0005,  /* RFC 3489 */
	CALLS_STUN_ATTR_USERNAME             = 0x0006,
	CALLS_STUN_ATTR_MESSAGE_INTEGRITY    = 0x0008,
	CALLS_STUN_ATTR_ERROR_CODE           = 0x0009,
	CALLS_STUN_ATTR_UNKNOWN_ATTRIBUTES   = 0x000a,
	CALLS_STUN_ATTR_REALM                = 0x0014,
	CALLS_STUN_ATTR_NONCE                = 0x0015,
	CALLS_STUN_ATTR_MESSAGE_INTEGRITY_SHA256 = 0x001c,
	CALLS_STUN_ATTR_PASSWORD_ALGORITHM   = 0x001d,
	CALLS_STUN_ATTR_USERHASH             = 0x001e,
	CALLS_STUN_ATTR_XOR_MAPPED_ADDRESS   = 0x0020,
	CALLS_STUN_ATTR_PRIORITY             = 0x0024,
	CALLS_STUN_ATTR_USE_CANDIDATE        = 0x0025,
	CALLS_STUN_ATTR_PADDING              = 0x0026,
	CALLS_STUN_ATTR_RESPONSE_PORT        = 0x0027,
	CALLS_STUN_ATTR_PASSWORD_ALGORITHMS  = 0x8002,
	CALLS_STUN_ATTR_ALTERNATE_DOMAIN     = 0x8003,
	CALLS_STUN_ATTR_SOFTWARE             = 0x8022,
	CALLS_STUN_ATTR_ALTERNATE_SERVER     = 0x8023,
	CALLS_STUN_ATTR_FINGERPRINT          = 0x8028,
	CALLS_STUN_ATTR_ICE_CONTROLLED       = 0x8029,
	CALLS_STUN_ATTR_ICE_CONTROLLING      = 0x802a,
	CALLS_STUN_ATTR_RESPONSE_ORIGIN      = 0x802b,
	CALLS_STUN_ATTR_OTHER_ADDRESS        = 0x802c,
};

/** CHANGE-REQUEST flags (RFC 5780 section 7.2) */
enum {
	CALLS_STUN_CHANGE_IP   = 0x04,
	CALLS_STUN_CHANGE_PORT = 0x02,
};

/** Which MESSAGE-INTEGRITY flavour */
enum calls_stun_mi {
	CALLS_STUN_MI_SHA1 = 0,   /**< MESSAGE-INTEGRITY, 20 bytes        */
	CALLS_STUN_MI_SHA256,     /**< MESSAGE-INTEGRITY-SHA256, 32 bytes */
};

/** Slots for the attributes the decoder indexes (internal order) */
#define CALLS_STUN_NSLOTS 28

/**
 * A decoded message: a view into the caller's buffer.
 *
 * Only the first occurrence of each known attribute is indexed. Offsets
 * count from the start of the message and point at the attribute's type
 * field; 0 means absent.
 */
struct calls_stun_msg {
	const uint8_t *buf;     /**< the message (not owned)               */
	size_t len;             /**< 20 + header length field              */
	uint16_t type;          /**< message type                          */
	uint16_t method;        /**< e.g. CALLS_STUN_BINDING               */
	enum calls_stun_class cls;
	bool cookie;            /**< magic cookie present (not RFC 3489)   */
	const uint8_t *tid;     /**< 12 bytes (RFC 3489: 16 with cookie)   */
	uint16_t off[CALLS_STUN_NSLOTS];
	uint16_t unknown[CALLS_STUN_MAX_UNKNOWN];  /**< comprehension-req. */
	unsigned n_unknown;     /**< entries in unknown[] (capped)         */
};

/* Framing */

/**
 * Whether buf starts like a STUN message: top two bits zero, length a
 * multiple of 4 that fits in len. With cookie set the magic cookie must
 * be present too (for demultiplexing STUN from RTP, DTLS etc.).
 */
bool   calls_stun_is_msg(const uint8_t *buf, size_t len, bool cookie);

/**
 * Stream framing (STUN over TCP without RFC 4571): the total length of
 * the message that starts at buf, or 0 when fewer than 20 bytes are
 * there. Never reads past len. Returns SIZE_MAX as soon as the bytes
 * there cannot start a STUN header (top bits set, length not a multiple
 * of 4): the stream is then broken.
 */
size_t calls_stun_frame_len(const uint8_t *buf, size_t len);

/** Message type from method and class, and back */
uint16_t calls_stun_type(uint16_t method, enum calls_stun_class cls);

/* Decoding */

/**
 * Decodes the message in buf[0..len): checks the header, walks the
 * attributes (lengths, padding), notes MESSAGE-INTEGRITY(-SHA256) and
 * FINGERPRINT positions (attributes after MESSAGE-INTEGRITY other than
 * MESSAGE-INTEGRITY-SHA256 and FINGERPRINT are ignored; nothing may follow
 * FINGERPRINT). Unknown comprehension-required types (< 0x8000) are
 * listed in msg->unknown. len may exceed the message (trailing bytes are
 * ignored: msg->len says where it ends).
 *
 * @return 0, or EBADMSG for a malformed message
 */
int  calls_stun_decode(struct calls_stun_msg *msg, const uint8_t *buf,
		       size_t len);

/** Whether attribute type is present */
bool calls_stun_has(const struct calls_stun_msg *msg, uint16_t type);

/**
 * Value of attribute type, in place. Works for indexed types; other types
 * are searched for in the message.
 *
 * @return 0, or ENOENT when absent
 */
int  calls_stun_attr_get(const struct calls_stun_msg *msg, uint16_t type,
			 const uint8_t **valp, size_t *lenp);

/** A string attribute (USERNAME, SOFTWARE, REALM, NONCE, ...) as a pl */
int  calls_stun_str_get(const struct calls_stun_msg *msg, uint16_t type,
			struct pl *pl);

/** A 32-bit attribute (PRIORITY, CHANGE-REQUEST, FINGERPRINT): EBADMSG
 *  when the length is not 4 */
int  calls_stun_u32_get(const struct calls_stun_msg *msg, uint16_t type,
			uint32_t *vp);

/** A 64-bit attribute (ICE-CONTROLLED, ICE-CONTROLLING) */
int  calls_stun_u64_get(const struct calls_stun_msg *msg, uint16_t type,
			uint64_t *vp);

/**
 * An address attribute into sa. XOR-MAPPED-ADDRESS (and any other XOR-
 * type, 0x0020) is un-XORed with the cookie and transaction ID; others
 * (MAPPED-ADDRESS, OTHER-ADDRESS, RESPONSE-ORIGIN, ...) are plain.
 *
 * @return 0, ENOENT, or EBADMSG (bad family or length)
 */
int  calls_stun_addr_get(const struct calls_stun_msg *msg, uint16_t type,
			 struct sa *sa);

/** ERROR-CODE: code (300..699) and reason phrase in place */
int  calls_stun_errcode_get(const struct calls_stun_msg *msg,
			    uint16_t *codep, struct pl *reason);

/** UNKNOWN-ATTRIBUTES: up to *np types into types; *np is set to the
 *  number stored */
int  calls_stun_unknown_get(const struct calls_stun_msg *msg,
			    uint16_t *types, size_t *np);

/** CHANGE-REQUEST flags (CALLS_STUN_CHANGE_*); 0 when absent */
uint32_t calls_stun_change_get(const struct calls_stun_msg *msg);

/**
 * Checks MESSAGE-INTEGRITY (mi = CALLS_STUN_MI_SHA1) or
 * MESSAGE-INTEGRITY-SHA256 with key (the password for short-term
 * credentials, calls_stun_key_long_term() for long-term ones).
 * A truncated SHA256 value (16..32 bytes, multiple of 4) is accepted.
 *
 * @return 0 when it verifies, ENOENT when absent, EACCES when wrong
 */
int  calls_stun_integrity_check(const struct calls_stun_msg *msg,
				enum calls_stun_mi mi, const uint8_t *key,
				size_t keylen);

/** @return 0 when FINGERPRINT verifies, ENOENT absent, EBADMSG wrong */
int  calls_stun_fingerprint_check(const struct calls_stun_msg *msg);

/** Long-term credential key: MD5(user ":" realm ":" pass), 16 bytes.
 *  (SASLprep is not applied: ASCII input is assumed.) */
int  calls_stun_key_long_term(uint8_t key[16], const char *user,
			      const char *realm, const char *pass);

/* Encoding */

/** An encoder writing into a caller-owned buffer */
struct calls_stun_enc {
	uint8_t *buf;
	size_t size;            /**< capacity of buf                       */
	size_t len;             /**< bytes written so far                  */
	int err;                /**< first error, sticky                   */
	uint8_t pad;            /**< padding byte (0; RFC 5769 uses 0x20)  */
};

/**
 * Starts a message. tid is 12 bytes (with cookie) or 16 (cookie false:
 * RFC 3489, the 16 bytes after the type and length are the ID). A NULL
 * tid is filled with random bytes (read back from buf + 8).
 */
void calls_stun_enc_init(struct calls_stun_enc *e, uint8_t *buf,
			 size_t size, uint16_t method,
			 enum calls_stun_class cls, const uint8_t *tid,
			 bool cookie);
/** A raw attribute; value copied and padded to 4 bytes */
void calls_stun_enc_attr(struct calls_stun_enc *e, uint16_t type,
			 const void *val, size_t len);
void calls_stun_enc_str(struct calls_stun_enc *e, uint16_t type,
			const char *s);
void calls_stun_enc_u32(struct calls_stun_enc *e, uint16_t type,
			uint32_t v);
void calls_stun_enc_u64(struct calls_stun_enc *e, uint16_t type,
			uint64_t v);
/** A zero-length attribute such as USE-CANDIDATE */
void calls_stun_enc_flag(struct calls_stun_enc *e, uint16_t type);
/** An address attribute; XOR-ed for XOR-MAPPED-ADDRESS */
void calls_stun_enc_addr(struct calls_stun_enc *e, uint16_t type,
			 const struct sa *sa);
void calls_stun_enc_errcode(struct calls_stun_enc *e, uint16_t code,
			    const char *reason);
void calls_stun_enc_unknown(struct calls_stun_enc *e, const uint16_t *types,
			    size_t n);
/** MESSAGE-INTEGRITY or -SHA256 over the message so far */
void calls_stun_enc_integrity(struct calls_stun_enc *e,
			      enum calls_stun_mi mi, const uint8_t *key,
			      size_t keylen);
/** FINGERPRINT: must come last */
void calls_stun_enc_fingerprint(struct calls_stun_enc *e);
/**
 * Ends the message.
 *
 * @return 0 with *lenp the message length, or the first error: ENOBUFS
 *         (buffer too small), EINVAL (bad argument)
 */
int  calls_stun_enc_finish(struct calls_stun_enc *e, size_t *lenp);

/** Reason phrase for a STUN error code ("Bad Request", ...) */
const char *calls_stun_reason(uint16_t code);
/** Attribute name for logs ("XOR-MAPPED-ADDRESS"), or "?" */
const char *calls_stun_attr_name(uint16_t type);

#endif
