/**
 * @file media.h  calls-sfu: the media plane (implements sfu_media_ops)
 *
 * Objects, all on the re_main thread:
 *
 *   struct sfu_media    the plane: config, metrics, the RTC port and the
 *                       local candidates; calls by group+call id; one
 *                       1 s timer for RTCP reports of every peer
 *   struct mcall        the peers of one call
 *   struct peer         one session's PeerConnection (peer.c): ICE
 *                       endpoint, DTLS server, SRTP in/out, SCTP and the
 *                       `calls-dc` channel, signaling state (media.c)
 *   struct itrack       a track a peer publishes (fwd.c)
 *   struct otrack       an itrack forwarded to one receiving peer
 *
 * Calls are independent: nothing is shared between two calls but the
 * RTC port and the per-thread packet buffer. One re_main thread serves
 * every call this round.
 *
 * Signaling (media.c): the client offers first (a data channel only);
 * we answer as ICE-lite DTLS server. Forwarded tracks are added and
 * removed by server offers, one action at a time under the session's
 * signaling lock (the same lock the client takes with DC Lock), with the
 * MediaMap sent on the DC before each offer. A client offer that arrives
 * while we are offering is ignored (glare: the client is polite).
 */
#ifndef SFU_MEDIA_H
#define SFU_MEDIA_H

#include "re_inc.h"
#include "sdp.h"
#include "rtp.h"
#include "vad.h"
#include "rtc.h"

struct sfu_config;
struct sfu_metrics;
struct sfu_rtcnet;
struct sfu_rtcnet_ep;
struct sfu_cands;
struct sfu_session;
struct calls_dtls;
struct calls_dtls_keys;
struct calls_sctp;
struct calls_srtp;
struct peer;

/** Track types as rtcd names them (track ids, MediaMap, metrics) */
enum sfu_track_kind {
	SFU_TRACK_NONE = 0,      /**< not (or no longer) forwarded       */
	SFU_TRACK_VOICE,
	SFU_TRACK_SCREEN,
	SFU_TRACK_SCREEN_AUDIO,
	SFU_TRACK_VIDEO,
};

const char *sfu_track_kind_name(enum sfu_track_kind kind);

/** Retransmission slot: packets larger than this are not kept */
enum { SFU_RTX_SLOT = 1232 };

struct rtx_slot {
	uint16_t seq;
	uint16_t len;
	uint8_t  data[SFU_RTX_SLOT];
};

/** A track a client publishes */
struct itrack {
	struct le le;                /**< pub->itracks                 */
	struct peer *pub;
	enum sfu_track_kind kind;
	enum calls_sdp_mtype mtype;
	char *mid;
	char *stream_id;             /**< msid stream part             */
	char *msid_track;            /**< msid track part              */
	uint32_t ssrc;               /**< 0 until known                */
	uint8_t  pt;                 /**< publisher's PT of the codec  */
	uint8_t  level_id;           /**< audio-level ext id, 0 none   */
	uint8_t  mid_id;             /**< sdes:mid ext id, 0 none      */
	uint32_t clock;
	struct sfu_vad vad;
	bool     vad_on;
	struct calls_rtp_seq seq;
	struct calls_rtp_jitter jit;
	uint32_t last_sr;            /**< middle 32 bits of its SR NTP */
	uint64_t last_sr_ms;
	uint64_t last_pli_ms;
	uint64_t pkts;
	struct rtx_slot *ring;       /**< video: nack_buffer_size slots*/
	uint32_t ringc;
	struct list outs;            /**< struct otrack (le_in)        */
};

/** Negotiation state of one forwarded track at one receiver */
enum otrack_state {
	OT_ADD = 0,                  /**< queued to be added           */
	OT_ADDING,                   /**< in our outstanding offer     */
	OT_LIVE,                     /**< negotiated: forwarding       */
	OT_DEL,                      /**< queued to be removed         */
	OT_DELETING,                 /**< removal in our offer         */
	OT_GONE,                     /**< m-line inactive (reusable)   */
};

struct otrack {
	struct le le_rx;             /**< rx->otracks (creation order) */
	struct le le_in;             /**< in->outs                     */
	struct le le_q;              /**< rx->queue while pending      */
	struct itrack *in;           /**< NULL once removal started    */
	struct peer *rx;
	enum otrack_state st;
	enum sfu_track_kind kind;
	enum calls_sdp_mtype mtype;
	char *mid;
	char *track_id;              /**< <type>_<sender>_<8 random>   */
	char *sender;                /**< sender session id (stream)   */
	uint32_t ssrc;               /**< ours                         */
	uint8_t  pt;                 /**< the receiver's PT            */
	uint8_t  level_id;           /**< receiver's audio-level id    */
	uint32_t clock;
	uint32_t pkts, octets;
	uint32_t last_ts;
	uint64_t last_ms;
};

/** One call's peers */
struct mcall {
	struct le he;
	struct sfu_media *med;
	char *key;                   /**< "<group>\n<call>"            */
	struct list peers;           /**< struct peer (le_call)        */
};

/** Test hooks: what a peer sends on its data channel, and SDP */
typedef void (peer_dc_tx_h)(struct peer *p, bool is_text,
			    const uint8_t *buf, size_t len, void *arg);

struct peer {
	struct le le_call;
	struct le le_all;            /**< med->peers                   */
	struct sfu_media *med;
	struct mcall *call;
	struct sfu_session *s;
	char *sid;                   /**< session id (copy)            */
	char *gid;                   /**< group id (copy)              */
	char ufrag[24];
	char pwd[40];
	char cname[20];
	uint32_t rtcp_ssrc;          /**< our SSRC for RTCP            */
	uint64_t t_attach;
	struct sfu_rtcnet_ep *ep;
	struct calls_dtls *dtls;
	struct calls_sctp *sctp;
	struct calls_srtp *srtp_rx;  /**< client's write key           */
	struct calls_srtp *srtp_tx;  /**< ours                         */
	bool connected;              /**< ICE ever connected           */
	bool dc_open;
	uint16_t dc_sid;
	peer_dc_tx_h *dc_txh;        /**< tests: instead of SCTP        */
	void *dc_arg;
	bool closing;

	/* signaling (media.c) */
	char *remote;                /**< current remote description   */
	char *fp;                    /**< peer's a=fingerprint value   */
	bool answered;               /**< the first offer was answered */
	bool tracks_init;            /**< rtcd's tracksInitDone        */
	bool dc_sig;                 /**< joined with dcSignaling, or
					  the client used the DC for SDP */
	bool lock_client;            /**< client holds the lock        */
	bool lock_server;            /**< we hold it for our offer     */
	uint64_t lock_ms;
	uint64_t lock_wait_ms;       /**< when our wait began, or 0    */
	struct otrack *offering;     /**< the action in flight         */
	struct tmr tmr_neg;          /**< answer / lock wait timeout   */
	struct tmr tmr_kick;         /**< runs the queue from the loop */
	struct tmr tmr_ice;          /**< connect deadline after answer*/
	uint64_t sdp_version;
	struct list queue;           /**< struct otrack (le_q)         */

	struct list itracks;         /**< published by this client     */
	struct list otracks;         /**< forwarded to this client     */
	uint64_t rtcp_in;            /**< RTCP packets read            */
};

struct sfu_media {
	const struct sfu_config *cfg;
	struct sfu_metrics *m;
	struct sfu_rtcnet *net;      /**< NULL in unit tests           */
	struct sfu_cands *cands;     /**< NULL in unit tests           */
	const struct sfu_rtc *rtc;   /**< for the join props, or NULL  */
	struct hash *calls;
	struct list peers;           /**< every peer (le_all)          */
	struct tmr tmr_rtcp;
	uint32_t nack_size;
	uint32_t answer_ms;          /**< server offer answer wait     */
	uint32_t lock_ms;            /**< server lock wait             */
	struct sfu_media_ops ops;
};

/** The media plane; net and cands may be NULL (unit tests) */
int  sfu_media_alloc(struct sfu_media **medp, const struct sfu_config *cfg,
		     struct sfu_metrics *m, struct sfu_rtcnet *net,
		     struct sfu_cands *cands);
/** The session model, read for the join's dcSignaling prop (rtc.h
 *  exposes the props only as SessionConfig JSON) */
void sfu_media_set_rtc(struct sfu_media *med, const struct sfu_rtc *rtc);
/** The ops to install with sfu_rtc_set_media() (arg = med) */
const struct sfu_media_ops *sfu_media_ops(struct sfu_media *med);

/* media.c, internal */
/** A client offer (answered on its path: dc or the WebSocket) */
int  media_offer(struct peer *p, const char *text, bool dc);
/** The client's answer to our offer */
int  media_answer(struct peer *p, const char *text);

/* dc.c */
struct calls_dcmsg;
int  media_dc_send(struct peer *p, const struct calls_dcmsg *msg);
struct calls_dcmsg_media;
/** Appends a MediaMap message of n entries (any number, unlike
 *  calls_dcmsg_encode) */
int  media_dc_map_encode(struct mbuf *mb, const struct calls_dcmsg_media *v,
			 size_t n);
/** The MediaMap of what p receives, before a server offer */
int  media_dc_media_map(struct peer *p);
void media_dc_open(struct peer *p);
void media_dc_msg(struct peer *p, bool is_text, const uint8_t *buf,
		  size_t len);
void media_kick(struct peer *p);
/** Runs the queue now (tests, fuzzing) instead of from the loop */
void media_run(struct peer *p);
/** Queue adding in to rx */
void media_otrack_queue(struct peer *rx, struct itrack *in);
/** Queue adding in to every other peer of its call */
void media_track_publish(struct itrack *in);
/** Queue removing in from every receiver; detaches the otracks */
void media_track_unpublish(struct itrack *in);
/** Tests: mark the DC of p open with a fake transport */
void media_test_dc(struct peer *p, peer_dc_tx_h *txh, void *arg);

#endif
