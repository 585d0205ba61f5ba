/**
 * @file lt.h  calls-lt internals: the target-driver seam and the client
 *             WebRTC peer every driver uses
 *
 * A target driver (struct lt_target_ops) speaks one SFU's signaling: the
 * rtcd WebSocket protocol of calls-sfu (target "sfu", rtcd.c) or Janus's
 * VideoRoom over HTTP (target "janus", janus.c). The scenario (scenario.c)
 * owns the users; a driver joins a user into a call and carries the SDP
 * and candidates between the SFU and the user's peer(s) (struct lt_peer,
 * peer.c). A peer is one client-side RTCPeerConnection on lib/: ICE as
 * the controlling agent (answering the remote's checks too, for full-ICE
 * servers like Janus), DTLS client or server as SDP says, SRTP, and
 * optionally the calls-dc data channel over SCTP.
 *
 * Everything runs on the one re_main thread. Ownership: the scenario
 * holds each struct lt_user; a driver hangs its per-user state on
 * user->drv (a mem object it allocates; the scenario derefs it after
 * leave) and its peers on that state.
 */
#ifndef CALLS_LT_H
#define CALLS_LT_H

#include "re_inc.h"

struct lt_peer;
struct lt_target;
struct lt_stats;
struct lt_media;

/** Why a user failed (summary keys) */
enum lt_fail {
	LT_FAIL_NONE = 0,
	LT_FAIL_SIGNALING,      /**< join refused, no answer, bad SDP  */
	LT_FAIL_ICE,            /**< no connectivity check answered   */
	LT_FAIL_DTLS,           /**< handshake failed or timed out    */
	LT_FAIL_DC,             /**< calls-dc never opened            */
	LT_FAIL_CLOSED,         /**< the SFU closed the session       */
	LT_FAIL_TIMEOUT,        /**< not connected within the timeout */
	LT_FAIL_N
};

const char *lt_fail_name(enum lt_fail f);

/** One simulated user of one call */
struct lt_user {
	struct le le;
	unsigned call;          /**< call index, 0-based              */
	unsigned idx;           /**< user index in its call           */
	char call_id[32];
	char user_id[32];
	char session_id[32];    /**< rtcd id (26 chars)               */
	bool unmuted;           /**< sends voice                      */
	bool screen;            /**< shares the screen                */
	struct lt_target *target;  /**< the driver instance it is on  */
	void *drv;              /**< driver's per-user state (mem)    */
	struct lt_stats *stats;
	/* times (ms, tmr_jiffies) for the join-time figures */
	uint64_t t_join, t_connected, t_first_audio;
	enum lt_fail fail;
	bool left;
};

/** What a driver reports back about a user (scenario.c implements) */
void lt_user_connected(struct lt_user *u);
void lt_user_failed(struct lt_user *u, enum lt_fail why);
void lt_user_first_audio(struct lt_user *u);

/** Settings common to every driver */
struct lt_target_conf {
	const char *url;        /**< SFU API URL (sfu) / Janus base   */
	const char *client_id;  /**< --client-id (sfu)                */
	const char *auth_key;   /**< --auth-key  (sfu)                */
	const struct sa *laddr; /**< local address for media (or NULL) */
	struct lt_media *media; /**< Opus/VP8 sources for the peers    */
};

/** Driver instance ready (err 0) or failed (EACCES: auth refused) */
typedef void (lt_target_ready_h)(int err, void *arg);

/**
 * The seam between the scenario and one SFU's signaling. Every call is
 * asynchronous: results arrive through lt_user_connected/failed and the
 * ready handler.
 */
struct lt_target_ops {
	const char *name;       /**< "sfu", "janus"                   */
	/** Registers/authenticates and opens the signaling channel */
	int  (*connect)(struct lt_target **tp,
			const struct lt_target_conf *conf,
			lt_target_ready_h *readyh, void *arg);
	/** Joins u into its call: creates its peer(s), sends the offer,
	 *  delivers answers, server offers and candidates to the peer */
	int  (*join)(struct lt_target *t, struct lt_user *u);
	/** Leaves the call; the driver's state on u->drv may stay until
	 *  the scenario derefs it */
	int  (*leave)(struct lt_target *t, struct lt_user *u);
	/** Starts (false) or stops (true) sending voice */
	int  (*mute)(struct lt_target *t, struct lt_user *u, bool muted);
	/** Starts or stops sharing the screen (VP8) */
	int  (*screen)(struct lt_target *t, struct lt_user *u, bool on);
	/** Closes signaling (after every user left) */
	void (*close)(struct lt_target *t);
};

extern const struct lt_target_ops lt_target_sfu;    /* rtcd.c  */
extern const struct lt_target_ops lt_target_janus;  /* janus.c */

/* ---------------------------------------------------------- the peer */

/** Events of a peer, for its driver (every pointer may be NULL) */
struct lt_peer_h {
	/** ICE+DTLS up (and calls-dc open if it has one) */
	void (*connected)(struct lt_peer *p, void *arg);
	/** Failed: why says where */
	void (*failed)(struct lt_peer *p, enum lt_fail why, void *arg);
	/** A calls-dc message (rtcd: Lock reply, MediaMap, SDP, ...) */
	void (*dcmsg)(struct lt_peer *p, const uint8_t *buf, size_t len,
		      void *arg);
	/** The first RTP packet of any incoming audio stream */
	void (*first_audio)(struct lt_peer *p, void *arg);
};

struct lt_peer_conf {
	bool datachannel;       /**< offer with calls-dc (rtcd)       */
	bool audio;             /**< a sendonly Opus track            */
	bool video;             /**< a sendonly VP8 track (screen)    */
	bool recv_only;         /**< Janus subscriber: no tracks      */
	const struct sa *laddr; /**< bind address, default 0.0.0.0/::  */
	struct lt_stats *stats; /**< where packet counts go           */
	struct lt_media *media;
};

int  lt_peer_alloc(struct lt_peer **pp, const struct lt_peer_conf *conf,
		   const struct lt_peer_h *h, void *arg);
/** Our offer (mem string) for the tracks we send now */
int  lt_peer_offer(struct lt_peer *p, char **sdpp);
/** The remote answer to our last offer; starts ICE/DTLS the first time */
int  lt_peer_answer(struct lt_peer *p, const char *sdp, size_t len);
/** A remote offer; *sdpp gets our answer (mem string) */
int  lt_peer_remote_offer(struct lt_peer *p, const char *sdp, size_t len,
			  char **sdpp);
/** A trickled remote candidate ("candidate:..." or without prefix) */
int  lt_peer_candidate(struct lt_peer *p, const char *cand);
/** Sends one calls-dc message (binary) */
int  lt_peer_dc_send(struct lt_peer *p, const uint8_t *buf, size_t len);
/** Starts/stops the audio or video source of this peer */
void lt_peer_send_audio(struct lt_peer *p, bool on);
void lt_peer_send_video(struct lt_peer *p, bool on);
bool lt_peer_connected(const struct lt_peer *p);
/** Adds our audio or video track (for the next offer or answer);
 *  video goes in a stream of its own (screen share) */
void lt_peer_track_add(struct lt_peer *p, bool video);
/** The msid stream id of our video (for screenStreamID) */
const char *lt_peer_screen_stream(const struct lt_peer *p);
/** Mean audio jitter (ms) and RTT (ms, from RTCP RR) over all peers;
 *  *nj / *nr get how many streams contributed */
void lt_peer_figures(double *jitter_ms, unsigned *nj, double *rtt_ms,
		     unsigned *nr);
/** Reports every receive stream's loss and jitter to stats (at end) */
void lt_peer_report_streams(struct lt_stats *st);

/* --------------------------------------------------------- the media */

/** One VP8 frame of the IVF sample */
struct lt_vp8_frame {
	const uint8_t *p;
	size_t len;
	uint64_t pts_ms;        /**< presentation time in ms          */
	bool key;
};

/** The samples every peer plays (shared, read-only once loaded) */
struct lt_media {
	uint8_t *ogg;           /**< file contents (packets point in) */
	uint8_t *ivf;
	struct pl *opusv;       /**< Opus packets of 20 ms            */
	size_t opusc;
	struct lt_vp8_frame *vp8v;
	size_t vp8c;
	uint64_t vp8_period_ms; /**< loop length                      */
};

/** Loads the samples (either path may be NULL: nothing of that kind) */
int  lt_media_load(struct lt_media **mp, const char *opus_path,
		   const char *ivf_path);

/** An Ogg packet (of the first logical stream) */
typedef int (lt_ogg_pkt_h)(const uint8_t *p, size_t len, uint64_t granule,
			   void *arg);
/** Reads Ogg pages (RFC 3533) and hands out whole packets; EBADMSG on a
 *  malformed page or bad CRC */
int  lt_ogg_read(const uint8_t *buf, size_t len, lt_ogg_pkt_h *pkth,
		 void *arg);
/** Checks OpusHead (RFC 7845) */
int  lt_ogg_opus_head(const uint8_t *p, size_t len);

typedef int (lt_ivf_frame_h)(const uint8_t *p, size_t len, uint64_t pts,
			     void *arg);
/** Reads an IVF file; rate/scale: the time base; EBADMSG if malformed */
int  lt_ivf_read(const uint8_t *buf, size_t len, uint32_t *fourcc,
		 uint32_t *rate, uint32_t *scale, lt_ivf_frame_h *frameh,
		 void *arg);
/** One RTP payload of a VP8 frame (RFC 7741 descriptor included) */
typedef int (lt_vp8_pkt_h)(const uint8_t *p, size_t len, bool last,
			   void *arg);
/** Splits a VP8 frame into payloads of at most mtu bytes */
int  lt_vp8_packetize(const uint8_t *frame, size_t len, size_t mtu,
		      uint16_t picture_id, lt_vp8_pkt_h *pkth, void *arg);

/* --------------------------------------------------------- the stats */

enum lt_kind {
	LT_KIND_AUDIO = 0,
	LT_KIND_VIDEO,
};

/** Counters the peers add to; stats.c prints them */
struct lt_stats {
	uint64_t pkts_in, bytes_in, pkts_out, bytes_out;
	uint64_t expected, received;      /**< RTP, from clear headers  */
	uint64_t auth_ok, auth_fail;      /**< sampled SRTP checks      */
	uint64_t nack_in, pli_in, nack_out, pli_out;
	uint64_t rtcp_in, rtcp_out;
	unsigned joined, connected, failed, left;
	unsigned fails[LT_FAIL_N];
	void *priv;                       /**< stats.c's own state      */
};

int  lt_stats_alloc(struct lt_stats **stp);
/** One user's join figures (ms; 0 = not reached) */
void lt_stats_join(struct lt_stats *st, uint64_t to_connected,
		   uint64_t to_audio);
/** One receive stream at the end */
void lt_stats_stream(struct lt_stats *st, enum lt_kind kind,
		     double loss_pct, double jitter_ms, uint64_t pkts);

#endif
