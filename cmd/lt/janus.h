/**
 * @file janus.h  calls-lt's Janus VideoRoom driver (target "janus"):
 *                reading Janus's messages (janus_msg.c), which the
 *                driver (janus.c) and the fuzz target use
 *
 * The driver itself is lt_target_janus (lt.h). Janus's HTTP transport
 * answers every request with one JSON object and returns events from a
 * long poll (GET /janus/<session>) as an array of objects; janus_msg_*
 * read both shapes without trusting them.
 */
#ifndef CALLS_LT_JANUS_H
#define CALLS_LT_JANUS_H

#include "re_inc.h"

/** What one Janus message is about (the fields the driver uses) */
struct janus_msg {
	const char *janus;      /**< "success", "event", "error", ...  */
	uint64_t sender;        /**< handle id (0 if none)             */
	uint64_t id;            /**< data.id of "success" (0 if none)  */
	const char *videoroom;  /**< plugindata.data.videoroom or NULL */
	int64_t error_code;     /**< Janus or VideoRoom error, 0 none  */
	const char *error;      /**< its reason or NULL                */
	const char *jsep_type;  /**< "offer"/"answer" or NULL          */
	const char *jsep_sdp;
	const struct odict *data;  /**< plugindata.data or NULL        */
};

/** Decodes JSON text into an odict (object or array), EBADMSG if not */
int  janus_json_decode(struct odict **odp, const uint8_t *buf, size_t len);
/** Fills m from one message object; pointers stay valid with o */
void janus_msg_read(struct janus_msg *m, const struct odict *o);
/** The object o[key], or NULL */
const struct odict *janus_obj(const struct odict *o, const char *key);
/** The positive integer o[key], or 0 */
uint64_t janus_num(const struct odict *o, const char *key);
/** Calls h for each feed id in data's "publishers" array */
void janus_feeds_apply(const struct odict *data,
		       void (*h)(uint64_t feed, void *arg), void *arg);

#endif
