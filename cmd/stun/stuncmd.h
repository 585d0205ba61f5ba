/**
 * @file stuncmd.h  calls-stun internals: server handler, subcommands
 *
 * main.c parses options and calls one of serve_run(), query_run(),
 * nat_run(). handler.c is the request handler (bytes in, bytes out, no
 * I/O) so the fuzz target can drive it.
 */
#ifndef CALLS_STUNCMD_H
#define CALLS_STUNCMD_H

#include "re_inc.h"
#include "opt.h"

#define STUNCMD_SOFTWARE "calls-stun"

/* handler.c */

struct srv_conf {
	const char *software;      /**< SOFTWARE value, NULL for none    */
	const char *user;          /**< short-term username, or NULL     */
	const char *password;      /**< its password (both or neither)   */
};

/** Where a request arrived. combo holds the RFC 5780 addresses, indexed
 *  by (alternate IP ? 2 : 0) | (alternate port ? 1 : 0); NULL when the
 *  server has no alternate address. */
struct srv_where {
	const struct sa *src;      /**< client address                   */
	const struct sa *local;    /**< the socket it arrived on         */
	const struct sa *combo;    /**< 4 addresses, or NULL             */
	unsigned k;                /**< index of local in combo          */
};

enum srv_result {
	SRV_SUCCESS = 0,           /**< success response                 */
	SRV_ERR_400,               /**< error responses...               */
	SRV_ERR_401,
	SRV_ERR_420,
	SRV_DROP_MALFORMED,        /**< dropped: not a valid message     */
	SRV_DROP_FINGERPRINT,      /**< dropped: FINGERPRINT wrong       */
	SRV_DROP_NOT_REQUEST,      /**< dropped: indication or response  */
	SRV_RESULT_N,
};

struct srv_reply {
	uint8_t *buf;              /**< response buffer (caller's)       */
	size_t size;
	size_t len;                /**< response length; 0: send nothing */
	unsigned k;                /**< combo index to answer from       */
	uint16_t port;             /**< RESPONSE-PORT, 0: the source port */
	uint16_t code;             /**< error code sent, 0 for success   */
};

enum srv_result srv_handle(const struct srv_conf *conf, const uint8_t *req,
			   size_t len, const struct srv_where *w,
			   struct srv_reply *rep);
const char *srv_result_name(enum srv_result res);

/* metrics.c */

enum srv_transport {
	SRV_UDP = 0,
	SRV_TCP,
	SRV_NTRANSPORT,
};

/** The server's counters, by transport */
struct srv_stats {
	uint64_t packets[SRV_NTRANSPORT];
	uint64_t results[SRV_NTRANSPORT][SRV_RESULT_N];
	uint64_t send_failed[SRV_NTRANSPORT];
	uint64_t tcp_rejected;
	unsigned tcp_conns;
};

/** Serves st at http://laddr/metrics; bound gets the address bound */
int metrics_listen(struct http_sock **hsp, const struct sa *laddr,
		   const struct srv_stats *st, struct sa *bound);
const char *srv_transport_name(unsigned t);

/* serve.c */

struct serve_opts {
	struct srv_conf conf;
	char *listen[16];          /**< --listen values                  */
	unsigned n_listen;
	const char *alternate;     /**< --alternate, or NULL             */
	const char *metrics;       /**< --metrics, or NULL               */
	bool log_requests;
	bool no_udp, no_tcp;
};

int serve_run(const struct serve_opts *opts);

/* query.c */

struct query_opts {
	uint32_t rto_ms;
	uint32_t rc;
	bool tcp;
	bool json;
	int af;                    /**< AF_UNSPEC, AF_INET or AF_INET6   */
	const char *user, *password;
	bool sha256;
	uint16_t extra_attr;       /**< --unknown-attr                   */
	bool rfc3489;
	char *const *servers;
	unsigned n_servers;
};

int query_run(const struct query_opts *opts);

/* nat.c */

struct nat_opts {
	uint32_t rto_ms;
	uint32_t rc;
	bool json;
	int af;
	const char *server;
	const char *local;         /**< --local bind address, or NULL    */
};

int nat_run(const struct nat_opts *opts);

#endif
