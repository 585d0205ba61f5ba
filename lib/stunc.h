/**
 * @file stunc.h  STUN client transactions on libre's event loop
 *
 * A struct calls_stunc is one client: over UDP it owns one socket, so
 * every request it sends comes from the same local address and port (what
 * RFC 5780 NAT discovery needs); over TCP each transaction opens its own
 * connection (STUN over TCP is framed by the message length, RFC 8489
 * section 6.2.2, no RFC 4571 prefix).
 *
 * UDP retransmissions follow RFC 8489 section 6.2.1: the request is sent
 * at 0, RTO, 3*RTO, 7*RTO, ... (the interval doubles), at most Rc times,
 * and the transaction fails Rm*RTO after the last send. TCP transactions
 * send once and time out after Ti.
 *
 *     struct calls_stunc *sc;
 *     struct calls_stunc_ct *ct;
 *     struct calls_stunc_req req = {.dst = &server};
 *
 *     err = calls_stunc_alloc(&sc, CALLS_STUNC_UDP, NULL, AF_INET, NULL);
 *     err = calls_stunc_request(&ct, sc, &req, resp_handler, arg);
 *     ... re_main() ...; the handler runs once with the outcome
 *     mem_deref(ct); mem_deref(sc);
 *
 * Ownership: the caller holds the client and each transaction it asked a
 * handle for (mem_deref of a pending transaction cancels it: its handler
 * never runs). A client must outlive its transactions. Both may be
 * dereferenced from inside a response handler. Everything runs on the
 * thread of the event loop that created the client.
 */
#ifndef CALLS_STUNC_H
#define CALLS_STUNC_H

#include "re_inc.h"

struct calls_stun_msg;
struct calls_stunc;
struct calls_stunc_ct;

enum calls_stunc_proto {
	CALLS_STUNC_UDP = 0,
	CALLS_STUNC_TCP,
};

/** Client settings; a NULL conf (or a 0 field) takes the default */
struct calls_stunc_conf {
	uint32_t rto_ms;        /**< initial RTO, default 500          */
	uint32_t rc;            /**< Rc, max sends, default 7          */
	uint32_t rm;            /**< Rm, final wait in RTOs, default 16 */
	uint32_t ti_ms;         /**< TCP timeout Ti, default 39500     */
	const char *software;   /**< SOFTWARE value, or NULL for none  */
};

/** One request to send */
struct calls_stunc_req {
	const struct sa *dst;   /**< server address (required)         */
	uint32_t change;        /**< CALLS_STUN_CHANGE_IP|_PORT or 0   */
	const char *user;       /**< short-term USERNAME, or NULL      */
	const char *password;   /**< key for MESSAGE-INTEGRITY, or NULL */
	bool sha256;            /**< add MESSAGE-INTEGRITY-SHA256 too  */
	bool no_fingerprint;    /**< leave FINGERPRINT out             */
	bool rfc3489;           /**< no magic cookie (classic STUN)    */
	/** Extra empty attribute to add (tests: an unknown
	 *  comprehension-required type makes a server answer 420); 0: none */
	uint16_t extra_attr;
};

/** Outcome of a transaction, given to the response handler */
struct calls_stunc_result {
	/** 0: success response; EPROTO: error response (code, reason);
	 *  ETIMEDOUT: no answer; EBADMSG: bad response (e.g. fingerprint
	 *  or integrity failed); other errno: socket or connect error */
	int err;
	uint16_t code;          /**< STUN error code when err == EPROTO */
	char reason[128];       /**< its reason phrase                  */
	bool has_mapped;        /**< mapped is set                      */
	struct sa mapped;       /**< XOR-MAPPED-ADDRESS, else MAPPED-   */
	struct sa other;        /**< OTHER-ADDRESS (af 0 when absent)   */
	struct sa origin;       /**< RESPONSE-ORIGIN (af 0 when absent) */
	struct sa src;          /**< the server address we talked to    */
	struct sa local;        /**< our local address for this request */
	double rtt_ms;          /**< first send to response             */
	unsigned tx;            /**< requests sent (1 + retransmissions) */
	uint16_t unknown[8];    /**< UNKNOWN-ATTRIBUTES of a 420        */
	size_t n_unknown;
	/** The whole response, valid only during the handler (NULL when
	 *  there is none) */
	const struct calls_stun_msg *msg;
};

typedef void (calls_stunc_resp_h)(const struct calls_stunc_result *res,
				  void *arg);

/**
 * Creates a client. laddr is the local address to bind (NULL: any
 * address of family af, an ephemeral port). For UDP the socket is bound
 * at once; for TCP laddr (if any) is used for each connection.
 *
 * @return 0, EINVAL, or a socket errno
 */
int calls_stunc_alloc(struct calls_stunc **scp, enum calls_stunc_proto proto,
		      const struct sa *laddr, int af,
		      const struct calls_stunc_conf *conf);

/** The UDP socket's local address (TCP: the laddr given, if any) */
int calls_stunc_local(const struct calls_stunc *sc, struct sa *local);

/**
 * Starts a Binding transaction. resph runs exactly once, on the loop,
 * unless the transaction is dereferenced first. ctp may be NULL: the
 * client then keeps the transaction and frees it after its handler.
 *
 * @return 0, EINVAL, ENOMEM, or an error from sending the first request
 */
int calls_stunc_request(struct calls_stunc_ct **ctp, struct calls_stunc *sc,
			const struct calls_stunc_req *req,
			calls_stunc_resp_h *resph, void *arg);

/** Pending transactions of a client */
unsigned calls_stunc_pending(const struct calls_stunc *sc);

#endif
