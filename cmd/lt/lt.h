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

#endif
