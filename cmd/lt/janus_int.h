/**
 * @file janus_int.h  calls-lt's Janus driver: what janus.c (users, rooms,
 *                    VideoRoom requests) and janus_http.c (requests and
 *                    the long poll over libre's HTTP client) share
 */
#ifndef CALLS_LT_JANUS_INT_H
#define CALLS_LT_JANUS_INT_H

#include "re_inc.h"
#include "lt.h"
#include "janus.h"

enum {
	POLL_MAXEV = 64,
	REPOLL_MS  = 500,
	FEEDS_MAX  = 64,
	ROOM_PUBS  = 1000,
};

struct jroom {
	struct le le;
	unsigned call;
	uint64_t id;
	bool created;
	bool creating;
	struct list waiting;    /* struct juser (le) waiting for create */
};

struct juser;

/** One Janus handle (hashed by its id in the target) */
struct jhandle {
	struct le he;
	uint64_t id;
	struct juser *ju;
	bool sub;
};

struct juser {
	struct le le;           /* in room->waiting                  */
	struct le tle;          /* in target->jusers                 */
	struct lt_target *t;    /* NULL once the target is gone      */
	struct lt_user *u;
	struct jroom *room;
	struct jhandle pub, sub;
	struct lt_peer *ppeer;  /* publisher peer (sends)            */
	struct lt_peer *speer;  /* subscriber peer (receives)        */
	uint64_t feeds[FEEDS_MAX];   /* feeds subscribed or asked    */
	unsigned nfeeds, nasked;     /* nasked: sent to Janus        */
	bool sub_busy;          /* a subscribe/update in flight      */
	bool sub_attaching;
	bool connected;
	bool publishes;
	bool muted;             /* by mute churn                     */
	bool left;
};

typedef void (jreq_h)(struct juser *ju, int err, const struct janus_msg *m,
		      void *arg);

struct jreq {
	struct le le;           /* in target->reqs                   */
	struct lt_target *t;
	struct juser *ju;       /* NULL once the user is gone        */
	jreq_h *h;
	void *arg;
};

struct lt_target {
	struct http_cli *cli;
	struct dnsc *dnsc;
	char base[256];         /* http://host:port/janus            */
	uint64_t session;
	uint64_t ctl;           /* handle creating the rooms         */
	uint64_t room_base;
	struct hash *handles;   /* struct jhandle by id              */
	struct list rooms;
	struct list reqs;       /* struct jreq in flight             */
	struct list jusers;     /* struct juser (tle)                */
	struct tmr tmr;         /* re-poll after an error            */
	lt_target_ready_h *readyh;
	void *arg;
	uint32_t tid;
	bool polling;
	bool closing;
	bool ready;
	struct lt_target_conf conf;
};

/* janus_http.c */
int  jpost(struct lt_target *t, struct juser *ju, uint64_t handle,
	   char *body, jreq_h *h, void *arg);
int  jmessage(struct lt_target *t, struct juser *ju, uint64_t handle,
	      const char *body, const char *jtype, const char *sdp,
	      jreq_h *h, void *arg);
int  jsimple(struct lt_target *t, struct juser *ju, uint64_t handle,
	     const char *what, const char *extra, jreq_h *h, void *arg);
void jpoll_start(struct lt_target *t);

/* janus.c: one event from the long poll */
void jevent_handle(struct lt_target *t, const struct odict *o);

#endif
