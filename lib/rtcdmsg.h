/**
 * @file rtcdmsg.h  The rtcd WebSocket message codec (msgpack)
 *
 * A frame of the rtcd WebSocket protocol (rtcd-protocol.md section 2) is
 * two msgpack values back to back, not an array: the type as a string,
 * then the data whose shape the type selects:
 *
 *   hello, leave, reconnect, close  string -> string map
 *   join                            generic map (ids as strings, the
 *                                   av1Support/dcSignaling flags as bools)
 *   rtc, vad                        map {group_id, user_id, session_id,
 *                                   call_id: str, type: int, data: bin}
 *
 * Encoding writes rtc/vad keys in that order with `data` left out when
 * empty, as rtcd does. Decoding accepts any key order, ignores unknown
 * keys, takes `data` as bin or str (or nil) and refuses anything else
 * with EBADMSG: a wrong value type, a truncated value, trailing bytes,
 * an unknown message type or a frame above CALLS_RTCDMSG_MAX.
 *
 * Only lib/rtcdmsg.c includes msgpack-c; callers see plain structs.
 */
#ifndef CALLS_RTCDMSG_H
#define CALLS_RTCDMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mbuf;
struct re_printf;

/** rtcd's WebSocket read limit: 1 MiB per frame */
#define CALLS_RTCDMSG_MAX (1024u * 1024u)

/** Length of rtcd ids (connID, sessionID from random.NewID) */
#define CALLS_RTCD_ID_LEN 26

enum calls_rtcdmsg_type {
	CALLS_RTCDMSG_HELLO = 0,
	CALLS_RTCDMSG_JOIN,
	CALLS_RTCDMSG_LEAVE,
	CALLS_RTCDMSG_RECONNECT,
	CALLS_RTCDMSG_RTC,
	CALLS_RTCDMSG_VAD,
	CALLS_RTCDMSG_CLOSE,
};

/** rtc.MessageType (service/rtc/msg.go) */
enum calls_rtc_type {
	CALLS_RTC_ICE = 1,
	CALLS_RTC_SDP,
	CALLS_RTC_MUTE,
	CALLS_RTC_UNMUTE,
	CALLS_RTC_SCREEN_ON,
	CALLS_RTC_SCREEN_OFF,
	CALLS_RTC_VOICE_ON,
	CALLS_RTC_VOICE_OFF,
	CALLS_RTC_VIDEO_ON,
	CALLS_RTC_VIDEO_OFF,
};

/** A tri-state for optional bools of `join` (JSON null when absent) */
enum calls_tri {
	CALLS_TRI_ABSENT = -1,
	CALLS_TRI_FALSE = 0,
	CALLS_TRI_TRUE = 1,
};

struct calls_rtcdmsg_join {
	char *call_id;          /**< "callID"; NULL if absent            */
	char *user_id;          /**< "userID"                            */
	char *session_id;       /**< "sessionID"                         */
	char *channel_id;       /**< "channelID"; NULL if absent         */
	enum calls_tri av1_support;   /**< "av1Support"                  */
	enum calls_tri dc_signaling;  /**< "dcSignaling"                 */
};

struct calls_rtcdmsg_rtc {
	char *group_id;         /**< never NULL after decode ("" absent)  */
	char *user_id;
	char *session_id;
	char *call_id;
	int64_t type;           /**< enum calls_rtc_type (not checked)   */
	uint8_t *data;          /**< NULL when absent; NUL-terminated    */
	size_t data_len;
};

/** One decoded frame; a mem object owning its strings */
struct calls_rtcdmsg {
	enum calls_rtcdmsg_type type;
	/* hello */
	char *client_id;        /**< "clientID"                          */
	char *conn_id;          /**< "connID"                            */
	/* leave, reconnect, close */
	char *session_id;       /**< "sessionID"; NULL if absent         */
	struct calls_rtcdmsg_join join;     /**< join                    */
	struct calls_rtcdmsg_rtc rtc;       /**< rtc, vad                */
};

const char *calls_rtcdmsg_type_name(enum calls_rtcdmsg_type type);
int calls_rtcdmsg_type_parse(enum calls_rtcdmsg_type *typep,
			     const char *s, size_t len);
const char *calls_rtc_type_name(int64_t type);

/**
 * Decodes one frame. On success *msgp is a new mem object.
 * @return 0, EBADMSG (malformed; *errp says why), EMSGSIZE, ENOMEM
 */
int calls_rtcdmsg_decode(struct calls_rtcdmsg **msgp, const uint8_t *buf,
			 size_t len, const char **errp);

/** Encodes one frame at mb->pos; the fields msg->type selects are used */
int calls_rtcdmsg_encode(struct mbuf *mb, const struct calls_rtcdmsg *msg);

/* Short-hands for the common frames */
int calls_rtcdmsg_encode_hello(struct mbuf *mb, const char *client_id,
			       const char *conn_id);
/** leave, reconnect or close: {"sessionID": session_id} */
int calls_rtcdmsg_encode_sid(struct mbuf *mb, enum calls_rtcdmsg_type type,
			     const char *session_id);
int calls_rtcdmsg_encode_join(struct mbuf *mb,
			      const struct calls_rtcdmsg_join *join);
/** rtc or vad */
int calls_rtcdmsg_encode_rtc(struct mbuf *mb, enum calls_rtcdmsg_type type,
			     const struct calls_rtcdmsg_rtc *rtc);

/** A fresh rtcd id: 26 chars of ybndrfg8ejkmcpqxot1uwisza345h769 from
 *  a CSPRNG, NUL-terminated (buf has room for CALLS_RTCD_ID_LEN + 1) */
int calls_rtcd_id_new(char buf[CALLS_RTCD_ID_LEN + 1]);

/** Prints a message for logs (%H) */
int calls_rtcdmsg_debug(struct re_printf *pf,
			const struct calls_rtcdmsg *msg);

#endif
