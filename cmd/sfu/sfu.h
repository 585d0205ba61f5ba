/**
 * @file sfu.h  calls-sfu: the daemon object every module hangs off
 *
 * main.c builds one struct sfu from the config and frees it at exit;
 * nothing here is global. Ownership: struct sfu owns each member (each
 * is a mem_* object, dereferenced in the reverse order of creation by
 * sfu_close()); members keep plain back-pointers to the others.
 *
 * Life cycle: sfu_open() (store, auth, metrics, rtc, ws, then the HTTP
 * API listening), re_main, sfu_drain() on SIGINT/SIGTERM, sfu_close().
 */
#ifndef SFU_SFU_H
#define SFU_SFU_H

#include "re_inc.h"

struct sfu_api;
struct sfu_auth;
struct sfu_config;
struct sfu_metrics;
struct sfu_rtc;
struct sfu_rtcnet;
struct sfu_cands;
struct sfu_media;
struct sfu_store;
struct sfu_ws;

struct sfu {
	struct sfu_config *cfg;     /**< effective config (owned)          */
	struct sfu_metrics *metrics;/**< rtcd_* registry, /system sampler  */
	struct sfu_store *store;    /**< SQLite: clientID -> bcrypt hash   */
	struct sfu_auth *auth;      /**< Basic/admin/Bearer, bcrypt pool   */
	struct sfu_rtc *rtc;        /**< groups, calls, sessions           */
	struct sfu_ws *ws;          /**< GET /ws connections               */
	struct sfu_rtcnet *rtcnet;  /**< the RTC port (UDP, ICE-TCP)       */
	struct sfu_cands *cands;    /**< local ICE candidates              */
	struct sfu_media *media;    /**< peers, signaling, forwarding      */
	struct sfu_api *api;        /**< the HTTP(S) listener and router   */
	struct tmr drain_tmr;       /**< drain timeout                     */
	struct tmr exit_tmr;        /**< short grace to flush `close`s     */
	bool draining;              /**< SIGTERM seen                      */
};

/** Opens everything the config asks for; errbuf says what failed.
 *  @return 0, or an errno (EINVAL: a config value was unusable) */
int  sfu_open(struct sfu *sfu, char *errbuf, size_t errsz);
/** Starts the drain (first SIGINT/SIGTERM): refuses new joins, waits
 *  for the sessions to end or calls.drain_timeout_seconds, then stops
 *  the main loop */
void sfu_drain(struct sfu *sfu);
void sfu_close(struct sfu *sfu);

#endif
