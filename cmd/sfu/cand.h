/**
 * @file cand.h  calls-sfu: the local ICE candidates a session advertises
 *
 * Computed once at start-up from the config and the addresses the RTC
 * port bound (cmd/sfu/rtcnet.h), as rtcd does (reference section 3, "NAT
 * mapping" and "Port override"):
 *
 * - local IPs: each bound address; a wildcard bind stands for the
 *   addresses of every up interface of its family (loopback included,
 *   IPv6 only global unicast and only with rtc.enable_ipv6);
 * - rtc.ice_host_override: "ext/int,..." pairs map int -> ext verbatim;
 *   an IP or a hostname (resolved once, at start-up) maps the single
 *   same-family local IP to it, or, with several, every non-loopback
 *   same-family local IP (loopback keeps its own address);
 * - otherwise STUN discovery (sfu_cands_discover()) maps each local IP to
 *   the public IP a Binding request to the first stun: URL of
 *   rtc.ice_servers saw (5 s at most), or to itself;
 * - rtc.ice_host_port_override: a single port, or "localIP/port,..." (the
 *   entry of the candidate's local IP), replaces the port of candidates
 *   whose address is an external (mapped) one, UDP and TCP alike;
 * - UDP candidates from the UDP sockets, TCP ones ("tcptype passive")
 *   from the ICE-TCP listener; priorities per RFC 8445 section 5.1.2.1
 *   with type preference host 126, local preference from the IP family
 *   and the address's position, UDP above TCP (TCP takes a lower local
 *   preference as RFC 6544 section 4.2 allows).
 *
 * A candidate prints as an SDP a=candidate value
 * ("candidate:<foundation> 1 udp <prio> <ip> <port> typ host") and as the
 * rtcd trickle message: {"candidate":{"candidate":"candidate:...",
 * "sdpMid":"0","sdpMLineIndex":0,"usernameFragment":null},
 * "type":"candidate"}.
 *
 * TURN REST credentials (rtcd turn.go): sfu_cands_turn_creds().
 */
#ifndef SFU_CAND_H
#define SFU_CAND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "rtcnet.h"

struct re_printf;
struct sa;
struct sfu_config;
struct sfu_cands;

/** One local candidate (component 1: rtcp-mux is required) */
struct sfu_cand {
	enum sfu_rtcnet_proto proto;
	uint32_t prio;
	uint32_t foundation;    /**< printed in decimal                 */
	char ip[64];            /**< advertised address (mapped or not) */
	uint16_t port;          /**< advertised port                    */
	char local_ip[64];      /**< the local IP it stands for         */
	bool mapped;            /**< ip is an external (overridden) one */
};

/** One local address the RTC port listens on, for sfu_cands_build() */
struct sfu_cand_local {
	enum sfu_rtcnet_proto proto;
	const struct sa *sa;    /**< bound address and port (may be a
				     wildcard: expanded to interfaces) */
};

/**
 * Builds the candidate set from cfg and the bound addresses of net
 * (wildcards expanded to interface addresses). Hostname overrides are
 * resolved here (blocking, once).
 *
 * @return 0, EINVAL (unusable override; errbuf says which), ENOMEM
 */
int  sfu_cands_alloc(struct sfu_cands **cp, const struct sfu_config *cfg,
		     const struct sfu_rtcnet *net, char *errbuf,
		     size_t errsz);

/**
 * Same from an explicit list of local addresses (tests). Wildcards in
 * locals are expanded with the host's interfaces as above.
 */
int  sfu_cands_build(struct sfu_cands **cp, const struct sfu_config *cfg,
		     const struct sfu_cand_local *locals, size_t n,
		     char *errbuf, size_t errsz);

/** Number of candidates, and the i-th (NULL when out of range); UDP ones
 *  come first, in priority order */
size_t sfu_cands_count(const struct sfu_cands *c);
const struct sfu_cand *sfu_cands_get(const struct sfu_cands *c, size_t i);

/** Called once when discovery ends (found: local IPs mapped) */
typedef void (sfu_cands_done_h)(unsigned found, void *arg);

/**
 * STUN public-address discovery (rtcd stun.go), only when
 * rtc.ice_host_override is empty and rtc.ice_servers has a stun: URL:
 * for each local IP a Binding request (lib/stunc, from that IP) to the
 * first stun: URL, answered within 5 s, maps the local IP to the
 * XOR-MAPPED-ADDRESS IP; candidates are rebuilt when it ends. Runs on
 * the event loop; doneh (may be NULL) runs once when it is over.
 *
 * @return 0 (started), ENOENT (nothing to do: doneh is not called), or
 *         an error resolving the STUN server
 */
int  sfu_cands_discover(struct sfu_cands *c, sfu_cands_done_h *doneh,
			void *arg);
/** Discovery still running */
bool sfu_cands_discovering(const struct sfu_cands *c);
/**
 * Sets the public IP of local_ip as discovery would (tests; also
 * what discovery calls). Candidates are rebuilt.
 */
int  sfu_cands_set_public(struct sfu_cands *c, const char *local_ip,
			  const char *public_ip);

/** "candidate:<foundation> 1 udp <prio> <ip> <port> typ host[ tcptype
 *  passive]" (the a=candidate value) */
int  sfu_cand_print_sdp(struct re_printf *pf, const struct sfu_cand *cand);
/** The rtcd trickle JSON (rtc type 1 data) */
int  sfu_cand_print_json(struct re_printf *pf, const struct sfu_cand *cand);

/**
 * TURN REST credentials as rtcd generates them for session_id:
 * username "<now + minutes*60>:<session_id>" and credential
 * base64(HMAC-SHA1(secret, username)). now is passed in (time(NULL) in
 * production). Buffers: user >= 32 + strlen(session_id), cred >= 29.
 *
 * @return 0, EINVAL, ENOBUFS
 */
int  sfu_cands_turn_creds(const char *secret, uint32_t minutes, time_t now,
			  const char *session_id, char *user, size_t usersz,
			  char *cred, size_t credsz);

#endif
