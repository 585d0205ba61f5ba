/**
 * @file srtp.h  SRTP and SRTCP (RFC 3711, RFC 7714) behind one small seam
 *
 * The hot path is libre's SRTP (OpenSSL-backed); this module is the only
 * one that includes it. A context holds one master key and salt and so
 * serves ONE direction: make one for sending (our write key) and one for
 * receiving (the peer's write key). With DTLS-SRTP (RFC 5764) the DTLS
 * client's key/salt protect what the client sends:
 *
 *     tx = local_is_client ? client_key/salt : server_key/salt
 *     rx = local_is_client ? server_key/salt : client_key/salt
 *
 * Per-SSRC state (rollover counter, replay window) lives in the context,
 * so many SSRCs share one context. Replay protection is always on: a
 * packet whose index was already accepted, or is older than the 64-packet
 * window, fails with EALREADY. Authentication failures give EAUTH (or
 * EBADMSG for truncated input). Nothing allocates per packet once a
 * stream (SSRC) has been seen.
 *
 * In-place buffer API: protect needs size >= *lenp + calls_srtp_overhead;
 * *lenp is updated. The mbuf variants work on mb->pos..mb->end.
 *
 * Known limits (libre 1.1.0 underneath): a packet sent before a sequence
 * number wrap that arrives after the first packet past the wrap is
 * dropped (ETIMEDOUT) instead of being decrypted with the old rollover
 * counter; SRTCP must be encrypted (E flag set), EBADMSG otherwise.
 * Up to 512 SSRCs per context (ENOSR beyond).
 */
#ifndef CALLS_SRTP_H
#define CALLS_SRTP_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

enum calls_srtp_suite {
	CALLS_SRTP_AES_CM_128_HMAC_SHA1_80 = 1,  /* key 16, salt 14, tag 10 */
	CALLS_SRTP_AEAD_AES_128_GCM        = 7,  /* key 16, salt 12, tag 16 */
};

enum {
	/* worst case growth: SRTCP index (4) + GCM tag (16) */
	CALLS_SRTP_MAX_OVERHEAD = 20,
};

struct calls_srtp;
struct mbuf;

/**
 * Maps a DTLS-SRTP protection profile (IANA: 0x0001, 0x0007) to a
 * suite; 0 if unsupported.
 */
enum calls_srtp_suite calls_srtp_suite_from_profile(uint16_t profile);
const char *calls_srtp_suite_name(enum calls_srtp_suite suite);
size_t calls_srtp_key_len(enum calls_srtp_suite suite);
size_t calls_srtp_salt_len(enum calls_srtp_suite suite);
/** Bytes protect adds: RTP tag, or SRTCP index + tag */
size_t calls_srtp_overhead(enum calls_srtp_suite suite, bool rtcp);

/**
 * One direction's context; key_len/salt_len must match the suite
 * (EINVAL otherwise).
 */
int  calls_srtp_alloc(struct calls_srtp **srtpp, enum calls_srtp_suite suite,
		      const uint8_t *key, size_t key_len,
		      const uint8_t *salt, size_t salt_len);
enum calls_srtp_suite calls_srtp_suite(const struct calls_srtp *srtp);

/* RTP */
int  calls_srtp_protect(struct calls_srtp *srtp, uint8_t *buf, size_t *lenp,
			size_t size);
int  calls_srtp_unprotect(struct calls_srtp *srtp, uint8_t *buf,
			  size_t *lenp);
int  calls_srtp_protect_mb(struct calls_srtp *srtp, struct mbuf *mb);
int  calls_srtp_unprotect_mb(struct calls_srtp *srtp, struct mbuf *mb);

/* RTCP (SRTCP, always encrypted) */
int  calls_srtp_protect_rtcp(struct calls_srtp *srtp, uint8_t *buf,
			     size_t *lenp, size_t size);
int  calls_srtp_unprotect_rtcp(struct calls_srtp *srtp, uint8_t *buf,
			       size_t *lenp);
int  calls_srtp_protect_rtcp_mb(struct calls_srtp *srtp, struct mbuf *mb);
int  calls_srtp_unprotect_rtcp_mb(struct calls_srtp *srtp, struct mbuf *mb);

#endif
