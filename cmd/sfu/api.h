/**
 * @file api.h  calls-sfu: rtcd's HTTP API (router and handlers)
 *
 * Routes (exact paths, any other method or path is a 404 text/plain
 * "404 page not found", as Go's ServeMux):
 *
 *     GET  /version   /system   /metrics            no auth
 *     POST /register  /unregister  /login           JSON bodies
 *     GET  /calls/{callID}/sessions[/{sessionID}]   Basic or Bearer
 *     GET  /ws                                      Basic or Bearer
 *
 * JSON replies of register/unregister/login and every JSON error are a
 * string map with sorted keys and a string "code", plus a newline.
 * Handlers that need bcrypt finish later, on the main loop, when the
 * auth worker pool is done (struct api_req keeps the connection).
 */
#ifndef SFU_API_H
#define SFU_API_H

#include <stddef.h>

struct pl;
struct sa;
struct sfu;
struct sfu_api;

enum api_route {
	R_NONE = 0,     /**< 404 page not found */
	R_VERSION,
	R_SYSTEM,
	R_METRICS,
	R_REGISTER,
	R_UNREGISTER,
	R_LOGIN,
	R_SESSIONS,     /**< call set            */
	R_SESSION,      /**< call and sess set   */
	R_WS,
};

/** Largest request body we read; larger ones get 413. (libre's HTTP
 *  server closes a connection whose buffered request passes 512 KiB
 *  before we see it, without a reply.) */
#define API_BODY_MAX (64 * 1024)

/** Listens on cfg->http.listen_address (HTTPS when tls_enable) */
int  api_alloc(struct sfu_api **apip, struct sfu *sfu, char *errbuf,
	       size_t errsz);
/** The bound address (port 0 resolved) */
int  api_local(const struct sfu_api *api, struct sa *local);
/** The route of a request line; call/sess point into path (route.c) */
enum api_route api_route_match(const struct pl *met, const struct pl *path,
			       struct pl *call, struct pl *sess);
/** A path segment percent-decoded into a new string (mem_deref it).
 *  @return 0, ENOMEM, or EBADMSG (bad escape, or an escaped NUL) */
int  api_path_decode(char **dstp, const struct pl *pl);
/** Requests waiting on the auth pool */
unsigned api_pending(const struct sfu_api *api);

#endif
