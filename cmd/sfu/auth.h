/**
 * @file auth.h  calls-sfu: rtcd's authentication (service/auth.go)
 *
 * - Basic clientID:authKey, checked against the bcrypt hash in the
 *   store; with enable_admin, a password equal to admin_secret_key makes
 *   the caller admin (clientID "") whatever the username.
 * - Bearer tokens from /login: 32 random base64url chars, in memory
 *   only, one per client (a new login replaces the old token), expiring
 *   after session_cache.expiration_minutes, dropped on unregister.
 * - Keys of at least AUTH_MIN_KEY_LEN characters, hashed with bcrypt
 *   ($2b$, cost 10, libcrypt's crypt_r) on a small worker pool so the
 *   main loop never runs bcrypt; results come back through an mqueue.
 * - bcrypt work is rate-limited as rtcd's (12 per second per CPU, burst
 *   1): a request waits for its slot up to 10 s; one whose slot is
 *   further away fails at once with EAGAIN (the API answers 429).
 *
 * Every completion handler runs on the main loop, exactly once, unless
 * the auth object is freed first (then never). It may run before the
 * call that started the work returns (no bcrypt needed: admin, Bearer,
 * a short key, an unknown client is still hashed so timing does not say
 * who is registered).
 */
#ifndef SFU_AUTH_H
#define SFU_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sfu_auth;
struct sfu_config;
struct sfu_store;

#define AUTH_MIN_KEY_LEN   32
#define AUTH_MAX_KEY_LEN   72    /**< bcrypt's limit (Go refuses more) */
#define AUTH_TOKEN_LEN     32
#define AUTH_BCRYPT_COST   10
#define AUTH_HDR_MAX       4096  /**< longest decoded credentials      */

/** Hidden test knobs (environment), read by auth_alloc():
 *  CALLS_SFU_TEST_TOKEN_EXPIRY_S  token lifetime in seconds instead of
 *                                 session_cache.expiration_minutes
 *  CALLS_SFU_TEST_AUTH_RATE       bcrypt jobs per second (default 12 x
 *                                 CPUs), a decimal number > 0
 *  CALLS_SFU_TEST_AUTH_WAIT_MS    longest wait for a slot (10000)   */
#define AUTH_ENV_TOKEN_EXPIRY "CALLS_SFU_TEST_TOKEN_EXPIRY_S"
#define AUTH_ENV_RATE         "CALLS_SFU_TEST_AUTH_RATE"
#define AUTH_ENV_WAIT         "CALLS_SFU_TEST_AUTH_WAIT_MS"

/* The Authorization header, parsed (no I/O, fuzzed) */

enum auth_scheme {
	AUTH_SCHEME_NONE = 0,   /**< no header                          */
	AUTH_SCHEME_BASIC,
	AUTH_SCHEME_BEARER,
	AUTH_SCHEME_OTHER,      /**< unknown scheme or malformed value  */
};

struct auth_hdr {
	enum auth_scheme scheme;
	const char *user;       /**< Basic: clientID (into buf)         */
	const char *pass;       /**< Basic: authKey                     */
	size_t pass_len;        /**< may hold NULs: compare lengths     */
	const char *token;      /**< Bearer: the token                  */
	char buf[AUTH_HDR_MAX + 1];
};

/**
 * Parses an Authorization value as Go's net/http does: "Basic " (any
 * case) + standard base64 of "user:pass" split at the first colon;
 * "Bearer " + token (rtcd: case-sensitive prefix). val need not be
 * NUL-terminated; NULL means no header.
 * @return 0 (scheme set), EBADMSG (scheme AUTH_SCHEME_OTHER)
 */
int  auth_hdr_parse(struct auth_hdr *h, const char *val, size_t len);

/* The service */

struct auth_result {
	const char *client_id;  /**< "" for admin                       */
	bool admin;
	const char *token;      /**< /login: the bearer token           */
	const char *error;      /**< rtcd's error text when err != 0    */
};

/** err: 0, EACCES (bad credentials), EAGAIN (rate limit), EINVAL (bad
 *  request: res->error says why), EEXIST (already registered), EIO */
typedef void (auth_done_h)(int err, const struct auth_result *res,
			   void *arg);

int  auth_alloc(struct sfu_auth **ap, const struct sfu_config *cfg,
		struct sfu_store *store);
/** The caller behind an Authorization header (NULL h: none) */
int  auth_request(struct sfu_auth *a, const struct auth_hdr *h,
		  auth_done_h *doneh, void *arg);
/** Checks clientID + authKey against the store */
int  auth_authenticate(struct sfu_auth *a, const char *client_id,
		       const char *key, size_t key_len,
		       auth_done_h *doneh, void *arg);
/** Registers a new client (hashes the key, then stores it) */
int  auth_register(struct sfu_auth *a, const char *client_id,
		   const char *key, size_t key_len,
		   auth_done_h *doneh, void *arg);
/** /login: authenticate, then a fresh token (res->token) */
int  auth_login(struct sfu_auth *a, const char *client_id, const char *key,
		size_t key_len, auth_done_h *doneh, void *arg);
/** Removes a client and its token. @return 0, ENOENT, EIO */
int  auth_unregister(struct sfu_auth *a, const char *client_id);
/** The client of a live token, or NULL */
const char *auth_token_client(struct sfu_auth *a, const char *token);
/** Jobs queued or running on the pool */
unsigned auth_pending(const struct sfu_auth *a);

/** Synchronous helpers (worker threads, tests) */
int  auth_bcrypt_hash(char *out, size_t outsz, const char *key);
bool auth_bcrypt_verify(const char *key, const char *hash);
/** 32 base64url chars from 24 random bytes, NUL-terminated */
int  auth_token_new(char out[AUTH_TOKEN_LEN + 1]);

#endif
