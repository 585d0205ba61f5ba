/**
 * @file dtls.h  DTLS 1.2 (OpenSSL) over memory BIOs, for DTLS-SRTP and SCTP
 *
 * A struct calls_dtls is one DTLS association with no socket of its own:
 * the owner feeds each received datagram with calls_dtls_recv() and gets
 * every datagram to send through the send handler. Handshake
 * retransmissions run on a libre tmr (DTLSv1_get_timeout/handle_timeout).
 * Both roles are supported (client: calls_dtls_start() sends the
 * ClientHello; server: waits for it, with a HelloVerifyRequest cookie
 * exchange unless conf.skip_helloverify).
 *
 * Every connection of the process uses one ECDSA P-256 self-signed
 * certificate, generated on first use and valid for a year (WebRTC peers
 * pin its fingerprint; they do not check dates); calls_dtls_fingerprint()
 * gives its "sha-256 AB:CD:..." for SDP a=fingerprint. The peer's certificate
 * is checked against the fingerprint from its SDP (sha-1, sha-224,
 * sha-256, sha-384 or sha-512); a mismatch fails the handshake.
 *
 * DTLS-SRTP (RFC 5764): the use_srtp extension offers
 * SRTP_AEAD_AES_128_GCM (preferred) and SRTP_AES128_CM_SHA1_80 (or just
 * one of them, conf.profiles); the established handler gets the
 * negotiated profile and the exported client/server master keys and
 * salts. Application data (SCTP) goes out with calls_dtls_send() and
 * comes in through the data handler.
 *
 *     err = calls_dtls_alloc(&d, &conf, send_h, estab_h, data_h, close_h,
 *                            arg);
 *     err = calls_dtls_start(d);        (client role)
 *     calls_dtls_recv(d, pkt, len);     (each datagram with first byte
 *                                        20..63, RFC 7983)
 *
 * Memory: about 44 KB per established connection (OpenSSL's record
 * buffers are freed while idle; no session tickets or cache).
 *
 * Ownership: the caller holds the connection; it may be dereferenced from
 * inside any handler (the object stays valid until the handler returns
 * into this module, which then stops using it). The close handler runs at
 * most once. Single-threaded: everything on the re_main thread that
 * allocated it.
 */
#ifndef CALLS_DTLS_H
#define CALLS_DTLS_H

#include "re_inc.h"

struct calls_dtls;

enum calls_dtls_role {
	CALLS_DTLS_CLIENT = 0,
	CALLS_DTLS_SERVER,
};

/** SRTP protection profiles (IANA values, RFC 5764 / RFC 7714) */
enum calls_dtls_srtp {
	CALLS_DTLS_SRTP_NONE            = 0x0000,
	CALLS_DTLS_SRTP_AES128_CM_SHA1_80 = 0x0001,
	CALLS_DTLS_SRTP_AEAD_AES_128_GCM  = 0x0007,
};

/** conf.profiles bits; 0 means both, GCM preferred */
#define CALLS_DTLS_PROFILE_GCM  0x1u
#define CALLS_DTLS_PROFILE_CM80 0x2u

#define CALLS_DTLS_KEY_MAX  16
#define CALLS_DTLS_SALT_MAX 14

/** Keying material exported for the negotiated profile (RFC 5764 4.2) */
struct calls_dtls_keys {
	enum calls_dtls_srtp profile;
	size_t key_len;                  /**< 16                          */
	size_t salt_len;                 /**< 14 (CM) or 12 (GCM)          */
	uint8_t client_key[CALLS_DTLS_KEY_MAX];
	uint8_t server_key[CALLS_DTLS_KEY_MAX];
	uint8_t client_salt[CALLS_DTLS_SALT_MAX];
	uint8_t server_salt[CALLS_DTLS_SALT_MAX];
	bool local_is_client;            /**< our role: client keys are
					      ours to send with if true */
};

/** Connection settings */
struct calls_dtls_conf {
	enum calls_dtls_role role;
	/** Peer's SDP a=fingerprint value ("sha-256 AB:CD:..."); NULL only
	 *  with insecure_no_verify (tests) or set later with
	 *  calls_dtls_set_peer_fingerprint() before the handshake ends */
	const char *peer_fingerprint;
	bool insecure_no_verify;  /**< accept any peer certificate    */
	unsigned profiles;        /**< CALLS_DTLS_PROFILE_* bits, 0=both */
	bool skip_helloverify;    /**< server: no cookie exchange
				       (RTCD_RTC_DTLS_INSECURE_SKIP_
				       HELLOVERIFY)                  */
	unsigned mtu;             /**< datagram size, default 1200    */
	uint32_t handshake_timeout_ms; /**< give up, default 30000    */
};

/** Sends one datagram; return 0 or an errno (logged, not fatal) */
typedef int (calls_dtls_send_h)(const uint8_t *buf, size_t len, void *arg);
/** Handshake done and the peer verified; keys.profile NONE if the peer
 *  did not negotiate use_srtp (data channel only) */
typedef void (calls_dtls_estab_h)(const struct calls_dtls_keys *keys,
				  void *arg);
/** One application-data record (an SCTP packet) */
typedef void (calls_dtls_data_h)(const uint8_t *buf, size_t len,
				 void *arg);
/** Connection over: 0 close_notify from the peer, ECONNRESET a fatal
 *  alert, EAUTH fingerprint mismatch, ETIMEDOUT handshake timeout,
 *  EPROTO other handshake failure */
typedef void (calls_dtls_close_h)(int err, void *arg);

/** Creates the process certificate now (else on first use); idempotent */
int  calls_dtls_init(void);
/** Frees the process certificate (at exit, for leak reports) */
void calls_dtls_close(void);
/** "sha-256 AB:CD:..." of the process certificate, or NULL on error */
const char *calls_dtls_fingerprint(void);

int  calls_dtls_alloc(struct calls_dtls **dtlsp,
		      const struct calls_dtls_conf *conf,
		      calls_dtls_send_h *sendh, calls_dtls_estab_h *estabh,
		      calls_dtls_data_h *datah, calls_dtls_close_h *closeh,
		      void *arg);
int  calls_dtls_set_peer_fingerprint(struct calls_dtls *dtls,
				     const char *fp);
/** Client role: sends the first flight. Server role: nothing to do */
int  calls_dtls_start(struct calls_dtls *dtls);
/** Feeds one received datagram */
int  calls_dtls_recv(struct calls_dtls *dtls, const uint8_t *buf,
		     size_t len);
/** Sends application data (after the handshake); ENOTCONN before */
int  calls_dtls_send(struct calls_dtls *dtls, const uint8_t *buf,
		     size_t len);
/** Sends close_notify; the close handler does not run for our own */
int  calls_dtls_shutdown(struct calls_dtls *dtls);
bool calls_dtls_established(const struct calls_dtls *dtls);
/** Negotiated profile name as in SDP/RFC ("AEAD_AES_128_GCM", ...) */
const char *calls_dtls_srtp_name(enum calls_dtls_srtp profile);
/** RFC 7983: first byte 20..63 is DTLS */
bool calls_dtls_is_dtls(const uint8_t *buf, size_t len);
int  calls_dtls_debug(struct re_printf *pf, const struct calls_dtls *dtls);

#endif
