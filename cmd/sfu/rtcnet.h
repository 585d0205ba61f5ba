/**
 * @file rtcnet.h  calls-sfu: the RTC port (UDP + ICE-TCP, ICE-lite)
 *
 * One struct sfu_rtcnet owns every socket of the RTC port: a UDP socket on
 * rtc.ice_port_udp for each address of rtc.ice_address_udp (empty: all
 * IPv4, and all IPv6 with rtc.enable_ipv6), and a passive ICE-TCP
 * listener on rtc.ice_address_tcp:rtc.ice_port_tcp whose connections
 * carry RFC 4571 frames (2-byte length prefix). Port 0 binds an ephemeral
 * port (tests); sfu_rtcnet_addr() reports what was bound.
 *
 * Incoming packets are demultiplexed as RFC 7983 says, by first byte:
 *
 *   0..3     STUN: Binding requests are answered here (ICE-lite)
 *   20..63   DTLS   -> the endpoint's recv handler, SFU_RTCNET_DTLS
 *   128..191 RTP/RTCP (SRTP/SRTCP) -> recv handler, SFU_RTCNET_RTP
 *
 * An endpoint (struct sfu_rtcnet_ep) is one session's ICE agent: the media
 * plane creates it with the session's local ICE credentials. A Binding
 * request whose USERNAME is "<our ufrag>:<their ufrag>" finds the
 * endpoint by our ufrag (hash table); its MESSAGE-INTEGRITY is checked
 * with our pwd (short-term credentials) and answered with
 * XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY and FINGERPRINT (bad integrity:
 * 401; ICE-CONTROLLED from the client: 487, we are always controlled).
 * An authenticated request's source address is bound to the endpoint
 * (remote-address hash), so DTLS and SRTP from it reach the endpoint; one
 * carrying USE-CANDIDATE selects that address (the latest wins): sends go
 * there, and the first selection reports SFU_RTCNET_CONNECTED.
 *
 * Consent freshness (RFC 7675): once selected, an endpoint that gets no
 * authenticated Binding request from its selected address for a third of
 * the consent timeout reports SFU_RTCNET_DISCONNECTED (and CONNECTED
 * again when one arrives), and after the whole timeout (30 s; env
 * CALLS_SFU_CONSENT_TIMEOUT_MS for tests) SFU_RTCNET_FAILED, after which
 * it neither sends nor receives: the media plane closes the session. An
 * endpoint that is never selected within the consent timeout of its
 * creation fails the same way. Endpoints still registered when the
 * struct sfu_rtcnet is freed are detached (they send nothing more).
 *
 * Binding requests without USERNAME are answered with XOR-MAPPED-ADDRESS
 * only (no integrity, nothing selected): `calls-probe stun` works as a
 * connectivity check of the RTC port. Packets from unknown addresses that
 * are not STUN are dropped and counted in rtcd_rtc_errors_total (type
 * "rtp" for first bytes 128..191, "ice" otherwise, groupID ""), as are
 * Binding requests for unknown ufrags and failed integrity checks.
 *
 * Hot path: received datagrams are read into one buffer owned by the
 * struct sfu_rtcnet and handed to recv handlers in place (valid during the
 * call only); sfu_rtcnet_send() writes straight to the socket. Nothing is
 * allocated per packet (ICE-TCP sends go through libre's tcp_send, which
 * queues only when the socket is full). Everything runs on the re_main
 * thread.
 */
#ifndef SFU_RTCNET_H
#define SFU_RTCNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sa;
struct sfu_config;
struct sfu_metrics;
struct sfu_rtcnet;
struct sfu_rtcnet_ep;

/** What a received packet is (RFC 7983 ranges) */
enum sfu_rtcnet_kind {
	SFU_RTCNET_DTLS = 1,        /**< first byte 20..63               */
	SFU_RTCNET_RTP,             /**< 128..191: SRTP or SRTCP          */
};

/** Endpoint connectivity, reported through the state handler */
enum sfu_rtcnet_state {
	SFU_RTCNET_NEW = 0,         /**< nothing selected yet (never
				         reported)                          */
	SFU_RTCNET_CONNECTED,       /**< a pair selected, consent fresh  */
	SFU_RTCNET_DISCONNECTED,    /**< consent late (1/3 of timeout)   */
	SFU_RTCNET_FAILED,          /**< consent expired: final          */
};

/** Transport of an address or of the selected pair */
enum sfu_rtcnet_proto {
	SFU_RTCNET_UDP = 0,
	SFU_RTCNET_TCP,
};

/**
 * A DTLS or SRTP/SRTCP packet for ep. buf is the shared receive buffer:
 * it may be modified in place (e.g. decrypted) and is valid only during
 * the call. The handler may call sfu_rtcnet_send() and may free ep.
 */
typedef void (sfu_rtcnet_recv_h)(struct sfu_rtcnet_ep *ep, uint8_t *buf,
				 size_t len, enum sfu_rtcnet_kind kind,
				 void *arg);
/** Connectivity changed. The handler may free ep (e.g. on FAILED). */
typedef void (sfu_rtcnet_state_h)(struct sfu_rtcnet_ep *ep,
				  enum sfu_rtcnet_state state, void *arg);
/**
 * Test hook: when set, every packet the RTC port would send goes here
 * instead (proto, the local address it leaves from, the destination);
 * see sfu_rtcnet_set_tx_hook().
 */
typedef void (sfu_rtcnet_tx_h)(enum sfu_rtcnet_proto proto,
			       const struct sa *local, const struct sa *dst,
			       const uint8_t *buf, size_t len, void *arg);

/** Hidden knob for tests: the consent timeout in milliseconds */
#define SFU_RTCNET_CONSENT_ENV "CALLS_SFU_CONSENT_TIMEOUT_MS"
#define SFU_RTCNET_CONSENT_MS_DEFAULT 30000u
/** Hidden knob for tests: both RTC ports (UDP and TCP) from env, 0 for
 *  ephemeral ones (rtc.ice_port_* are validated to [80, 49151]) */
#define SFU_RTCNET_PORT_ENV "CALLS_SFU_RTC_PORT"
/** ICE-TCP: connections kept at once, and the idle time after which a
 *  connection that never authenticated is closed */
#define SFU_RTCNET_TCP_MAX_CONNS 1024u
#define SFU_RTCNET_TCP_IDLE_MS   30000u
/** Lengths of the credentials sfu_rtcnet_gen_creds() makes (as pion) */
#define SFU_RTCNET_UFRAG_LEN 16
#define SFU_RTCNET_PWD_LEN   32

/**
 * Opens the RTC port as cfg->rtc says: UDP sockets (SO_RCVBUF/SO_SNDBUF
 * 16 MiB best effort, SO_RCVBUFFORCE/SO_SNDBUFFORCE when permitted) and
 * the ICE-TCP listener. m may be NULL (no metrics). errbuf says which
 * address failed.
 *
 * @return 0, EINVAL (bad address in the config), or a socket errno
 */
int  sfu_rtcnet_alloc(struct sfu_rtcnet **netp, const struct sfu_config *cfg,
		      struct sfu_metrics *m, char *errbuf, size_t errsz);

/** Number of bound addresses of proto */
unsigned sfu_rtcnet_addr_count(const struct sfu_rtcnet *net,
			       enum sfu_rtcnet_proto proto);
/**
 * The i-th bound local address of proto, with the real port (the
 * wildcard address when bound to all).
 * @return 0, or ENOENT when i is out of range
 */
int  sfu_rtcnet_addr(const struct sfu_rtcnet *net,
		     enum sfu_rtcnet_proto proto, unsigned i, struct sa *sa);

/** Consent timeout in use (ms) */
uint32_t sfu_rtcnet_consent_ms(const struct sfu_rtcnet *net);

/**
 * Registers an endpoint for local credentials ufrag/pwd (copied; the
 * ufrag must be unique among live endpoints: EADDRINUSE). group_id
 * labels its errors in metrics (copied; may be NULL). The handlers may
 * be NULL. mem_deref(ep) unregisters it (safe from its handlers).
 *
 * @return 0, EINVAL, EADDRINUSE, ENOMEM
 */
int  sfu_rtcnet_ep_alloc(struct sfu_rtcnet_ep **epp, struct sfu_rtcnet *net,
			 const char *ufrag, const char *pwd,
			 const char *group_id, sfu_rtcnet_recv_h *recvh,
			 sfu_rtcnet_state_h *stateh, void *arg);

/**
 * Sends one packet (DTLS record(s), SRTP, SRTCP) to ep's selected remote
 * address (before any nomination: the address of the latest successful
 * check, so a DTLS handshake the client starts early is answered): over
 * UDP from the socket the pair was found on, or over the ICE-TCP
 * connection it came on (framed). No allocation.
 *
 * @return 0, ENOTCONN (no address yet, or FAILED), EMSGSIZE, or a
 *         socket errno (EAGAIN when the socket buffer is full: dropped)
 */
int  sfu_rtcnet_send(struct sfu_rtcnet_ep *ep, const uint8_t *buf,
		     size_t len);

enum sfu_rtcnet_state sfu_rtcnet_ep_state(const struct sfu_rtcnet_ep *ep);
/** The selected remote address and its transport; ENOTCONN if none */
int  sfu_rtcnet_ep_remote(const struct sfu_rtcnet_ep *ep, struct sa *sa,
			  enum sfu_rtcnet_proto *protop);
/** The local address of the selected pair; ENOTCONN if none */
int  sfu_rtcnet_ep_local(const struct sfu_rtcnet_ep *ep, struct sa *sa);
const char *sfu_rtcnet_ep_ufrag(const struct sfu_rtcnet_ep *ep);
const char *sfu_rtcnet_ep_pwd(const struct sfu_rtcnet_ep *ep);

/**
 * Random ICE credentials for a session: ufrag SFU_RTCNET_UFRAG_LEN and
 * pwd SFU_RTCNET_PWD_LEN characters from [A-Za-z0-9] (ice-chars), NUL
 * terminated; the arrays must hold one more byte than those lengths.
 */
void sfu_rtcnet_gen_creds(char *ufrag, char *pwd);

/** Live endpoints */
unsigned sfu_rtcnet_ep_count(const struct sfu_rtcnet *net);

/**
 * Feeds one datagram as if it arrived over UDP on the bound address
 * local (NULL: the first UDP socket) from src. For unit tests and the
 * fuzz target; replies go out through the socket or the tx hook.
 */
void sfu_rtcnet_input(struct sfu_rtcnet *net, const struct sa *local,
		      const struct sa *src, const uint8_t *buf, size_t len);

/**
 * Feeds bytes of an ICE-TCP stream through the RFC 4571 de-framer of a
 * pseudo-connection from src (created on first use, kept until reset is
 * true or a framing error closes it). Tests and fuzzing only.
 * @return 0, or EPROTO when the stream was closed for a framing error
 */
int  sfu_rtcnet_input_tcp(struct sfu_rtcnet *net, const struct sa *src,
			  const uint8_t *buf, size_t len, bool reset);

/** Sends every outgoing packet to txh instead of the sockets (NULL
 *  restores the sockets). Tests and fuzzing only. */
void sfu_rtcnet_set_tx_hook(struct sfu_rtcnet *net, sfu_rtcnet_tx_h *txh,
			    void *arg);

/** Counters since start (also in rtcd_rtc_errors_total) */
struct sfu_rtcnet_stats {
	uint64_t rx_pkts;           /**< datagrams and TCP frames read   */
	uint64_t stun_ok;           /**< Binding requests answered 200   */
	uint64_t stun_unauth;       /**< ... without USERNAME            */
	uint64_t err_ice;           /**< dropped: counted as "ice"       */
	uint64_t err_rtp;           /**< dropped: counted as "rtp"       */
	uint64_t tcp_closed_framing;/**< ICE-TCP closed for bad framing  */
};
void sfu_rtcnet_stats_get(const struct sfu_rtcnet *net,
			  struct sfu_rtcnet_stats *st);

#endif
