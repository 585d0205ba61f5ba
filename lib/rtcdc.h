/**
 * @file rtcdc.h  A client of the rtcd WebSocket protocol (GET /ws)
 *
 * What the Calls plugin does towards rtcd, for calls-lt, calls-record and
 * tests: connect with Basic auth, wait for `hello` (our connID), send
 * join/leave/reconnect/rtc, receive rtc/vad/close. Runs on the calling
 * thread's re_main loop; frames are coded by rtcdmsg.h.
 */
#ifndef CALLS_RTCDC_H
#define CALLS_RTCDC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct calls_rtcdmsg;
struct calls_rtcdmsg_join;
struct calls_rtcdc;

/** The server said hello: the connection is ready */
typedef void (calls_rtcdc_hello_h)(const char *conn_id, void *arg);
/** An rtc, vad or close message from the server */
typedef void (calls_rtcdc_msg_h)(const struct calls_rtcdmsg *msg,
				 void *arg);
/** The connection ended (0: closed normally); the object stays valid
 *  until mem_deref */
typedef void (calls_rtcdc_close_h)(int err, void *arg);

/**
 * Connects to url ("http://host:port", optional path prefix; an IP
 * literal or a host name) and upgrades GET <prefix>/ws with
 * Authorization: Basic client_id:auth_key.
 */
int calls_rtcdc_connect(struct calls_rtcdc **cp, const char *url,
			const char *client_id, const char *auth_key,
			calls_rtcdc_hello_h *helloh,
			calls_rtcdc_msg_h *msgh,
			calls_rtcdc_close_h *closeh, void *arg);

/** The connID from hello, or NULL before it */
const char *calls_rtcdc_conn_id(const struct calls_rtcdc *c);

int calls_rtcdc_join(struct calls_rtcdc *c,
		     const struct calls_rtcdmsg_join *join);
int calls_rtcdc_leave(struct calls_rtcdc *c, const char *session_id);
int calls_rtcdc_reconnect(struct calls_rtcdc *c, const char *session_id);
/** rtc message type (enum calls_rtc_type) for session_id, as the plugin
 *  sends it (group/user/call ids empty); data may be NULL */
int calls_rtcdc_send_rtc(struct calls_rtcdc *c, const char *session_id,
			 int type, const void *data, size_t len);

#endif
