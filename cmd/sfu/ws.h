/**
 * @file ws.h  calls-sfu: the rtcd WebSocket endpoint GET /ws
 *
 * One struct sfu_ws_conn per accepted WebSocket, with a fresh 26-char
 * connID sent in `hello`. Incoming join/leave/reconnect/rtc frames go to
 * cmd/sfu/rtc.c with the connection's clientID as group; outgoing
 * rtc/vad/close frames are routed by the sessionID -> connID map that
 * join and reconnect update. Sessions outlive their WebSocket.
 *
 * Limits: 1 MiB per frame (libre does not limit it: we do), a send queue
 * bounded by messages and bytes, ping every 10 s and a drop after 20 s
 * without pong. A connection that sends a malformed or oversized frame
 * or overflows its queue is closed; nothing else is affected.
 */
#ifndef SFU_WS_H
#define SFU_WS_H

#include <stdbool.h>

struct http_conn;
struct http_msg;
struct sfu_metrics;
struct sfu_rtc;
struct sfu_ws;

/** Allocates the endpoint and installs itself as rtc's send handler */
int  sfu_ws_alloc(struct sfu_ws **wsp, struct sfu_rtc *rtc,
		  struct sfu_metrics *m);
/**
 * Upgrades GET /ws after authentication succeeded. client_id is the
 * authenticated clientID (the group of every session it joins).
 * On error the caller answers the HTTP request itself.
 */
int  sfu_ws_accept(struct sfu_ws *ws, struct http_conn *conn,
		   const struct http_msg *msg, const char *client_id);
/** Open WebSocket connections */
unsigned sfu_ws_conn_count(const struct sfu_ws *ws);
/** Closes every connection (1001 going away), e.g. at shutdown */
void sfu_ws_close_all(struct sfu_ws *ws);

/* Hidden knobs for tests, read by sfu_ws_alloc(), logged when used:
 *   CALLS_SFU_TEST_WS_PING_MS     ping interval (default 10000 ms)
 *   CALLS_SFU_TEST_WS_PONG_MS     drop after this long without a pong
 *                                 (default 20000 ms)
 *   CALLS_SFU_TEST_WS_QUEUE_MSGS  send queue bound in messages (5000)
 *   CALLS_SFU_TEST_WS_QUEUE_BYTES send queue bound in bytes (16 MiB) */

#endif
