/**
 * @file rtc.h  calls-sfu: groups, calls and sessions (the control plane)
 *
 * A group (the authenticated clientID) owns calls; a call owns sessions
 * and exists while it has any; a global index finds a session by its
 * sessionID. Sessions do not depend on the WebSocket that created them:
 * what they send to the plugin goes out through the send handler
 * (cmd/sfu/ws.c routes it by its sessionID -> connID map), so a session
 * survives the drop of its controlling connection.
 *
 * Session life: join -> waiting for the client's first SDP offer (10 s,
 * rtcd's signalingTimeout) -> offered. It ends on leave, on the offer
 * deadline, on sfu_session_close() from the media plane or at
 * sfu_rtc_close_all(); each end sends `close` {"sessionID"}.
 *
 * The media seam: struct sfu_media_ops, implemented later by the media
 * plane and installed with sfu_rtc_set_media(). Without one (this round)
 * offers and candidates are recorded on the session and not answered.
 */
#ifndef SFU_RTC_H
#define SFU_RTC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct re_printf;
struct sfu_config;
struct sfu_metrics;
struct calls_rtcdmsg;
struct calls_rtcdmsg_join;
struct calls_rtcdmsg_rtc;

struct sfu_rtc;
struct sfu_session;

/** Sends msg (rtc, vad or close) towards the plugin that controls
 *  session_id of group_id */
typedef void (sfu_rtc_send_h)(const char *group_id, const char *session_id,
			      const struct calls_rtcdmsg *msg, void *arg);
/** The last session closed (drain can finish) */
typedef void (sfu_rtc_idle_h)(void *arg);

/**
 * The media plane. Every member may be NULL. Calls happen on the re_main
 * thread. The media plane answers and trickles through
 * sfu_session_send_sdp()/sfu_session_send_ice(), now or later, and ends a
 * failed session with sfu_session_close().
 */
struct sfu_media_ops {
	/** A session was created by join; *mediap is stored on it */
	int  (*attach)(struct sfu_session *s, void **mediap, void *arg);
	/** SDP from the client: type "offer" or "answer", sdp text */
	int  (*sdp)(struct sfu_session *s, const char *type,
		    const char *sdp, void *arg);
	/** ICE candidate JSON (RTCIceCandidateInit), not empty */
	int  (*candidate)(struct sfu_session *s, const char *json,
			  size_t len, void *arg);
	/** Mute/Unmute/ScreenOn/ScreenOff/VideoOn/VideoOff, after the
	 *  state on the session and call was updated */
	void (*state)(struct sfu_session *s, int rtc_type, void *arg);
	/** The session ends; release the peer connection */
	void (*detach)(struct sfu_session *s, void *media, void *arg);
	void *arg;
};

int  sfu_rtc_alloc(struct sfu_rtc **rtcp, const struct sfu_config *cfg,
		   struct sfu_metrics *m);
void sfu_rtc_set_send_handler(struct sfu_rtc *rtc, sfu_rtc_send_h *sendh,
			      void *arg);
void sfu_rtc_set_idle_handler(struct sfu_rtc *rtc, sfu_rtc_idle_h *idleh,
			      void *arg);
void sfu_rtc_set_media(struct sfu_rtc *rtc, const struct sfu_media_ops *ops);

/**
 * A join from group_id. On failure *reasonp says why; nothing is sent:
 * on EBUSY and ESHUTDOWN the caller answers the joining connection with
 * `close` (the session never existed, so the routing map has no entry);
 * on EALREADY it must not (that `close` would end the live session).
 * @return 0, EINVAL (missing ids), EALREADY ("user session already
 *         exists"), EBUSY (max participants), ESHUTDOWN (draining)
 */
int  sfu_rtc_join(struct sfu_rtc *rtc, const char *group_id,
		  const struct calls_rtcdmsg_join *join, const char **reasonp);
/** A leave; only sessions of group_id. ENOENT if none */
int  sfu_rtc_leave(struct sfu_rtc *rtc, const char *group_id,
		   const char *session_id);
/** An incoming rtc message; only sessions of group_id. ENOENT if none,
 *  EBADMSG if its data is not what its type needs */
int  sfu_rtc_signal(struct sfu_rtc *rtc, const char *group_id,
		    const struct calls_rtcdmsg_rtc *msg);
/** True if session_id exists and belongs to group_id */
bool sfu_rtc_session_owned(const struct sfu_rtc *rtc, const char *group_id,
			   const char *session_id);

/**
 * GET /calls/{callID}/sessions[/{sessionID}]: SessionConfig JSON (an
 * array, or one object when session_id is given).
 * @return 0, or ENOENT with *errp "group not found", "call not found" or
 *         "no sessions found"
 */
int  sfu_rtc_sessions_json(struct re_printf *pf, const struct sfu_rtc *rtc,
			   const char *group_id, const char *call_id,
			   const char *session_id, const char **errp);

/** While draining, joins are refused with a `close` */
void sfu_rtc_set_draining(struct sfu_rtc *rtc, bool on);
bool sfu_rtc_draining(const struct sfu_rtc *rtc);
unsigned sfu_rtc_session_count(const struct sfu_rtc *rtc);
unsigned sfu_rtc_call_count(const struct sfu_rtc *rtc);
/** Ends every session (each sends `close`), e.g. at drain timeout */
void sfu_rtc_close_all(struct sfu_rtc *rtc, const char *reason);

/* The session object, for the media plane */
const char *sfu_session_id(const struct sfu_session *s);
const char *sfu_session_group_id(const struct sfu_session *s);
const char *sfu_session_call_id(const struct sfu_session *s);
const char *sfu_session_user_id(const struct sfu_session *s);
void *sfu_session_media(const struct sfu_session *s);
bool sfu_session_muted(const struct sfu_session *s);
/** The screenStreamID if this session is its call's screen sharer */
const char *sfu_session_screen_stream(const struct sfu_session *s);
const char *sfu_session_video_stream(const struct sfu_session *s);
/** The last offer received (recorded while no media plane answers) */
const char *sfu_session_last_offer(const struct sfu_session *s);
/** Sends {"type":type,"sdp":sdp} as rtc type 2 */
int  sfu_session_send_sdp(struct sfu_session *s, const char *type,
			  const char *sdp);
/** Sends rtc type 1 with json as data */
int  sfu_session_send_ice(struct sfu_session *s, const char *json);
/** Sends vad type 7 (on) or 8 (off) */
int  sfu_session_send_vad(struct sfu_session *s, bool on);
/** Ends the session (sends `close`); safe from media callbacks */
void sfu_session_close(struct sfu_session *s, const char *reason);

/** Hidden knob for tests: the offer deadline in milliseconds, from env
 *  CALLS_SFU_TEST_OFFER_TIMEOUT_MS (default 10000) */
#define SFU_RTC_OFFER_TIMEOUT_ENV "CALLS_SFU_TEST_OFFER_TIMEOUT_MS"

#endif
