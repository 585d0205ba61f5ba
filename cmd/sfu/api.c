/**
 * @file api.c  calls-sfu: rtcd's HTTP API on libre's HTTP server
 *
 * Each request is answered from the handler, except those that wait for
 * bcrypt (Basic auth, /register, /login): they become a struct api_req
 * that holds a reference to the connection and the message until the
 * auth pool is done, and answers from auth's completion handler on the
 * main loop. A client that hangs up meanwhile makes the reply fail
 * quietly (ENOTCONN). Requests pipelined behind such a one are held (at
 * most API_HELD_MAX per connection) and run in order once it is done,
 * so the answers keep the order of the requests.
 *
 * libre's server gives us whole requests only: a request line it cannot
 * parse, or more than 512 KiB buffered, closes the connection without a
 * reply, and we never see it. A chunked body is refused with 411.
 */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>
#include <jv.h>
#include "re_inc.h"
#define LOG_MODULE "api"
#include "log.h"
#include "json.h"
#include "hostport.h"
#include "config.h"
#include "metrics.h"
#include "rtc.h"
#include "ws.h"
#include "auth.h"
#include "sfu.h"
#include "api.h"

#ifndef SFU_VERSION
#define SFU_VERSION "0.0.0"
#endif


struct sfu_api {
	struct sfu *sfu;
	struct http_sock *sock;
	struct sa local;
	struct list reqs;       /**< requests waiting on auth       */
	struct list held;       /**< pipelined behind one of those  */
	struct tmr held_tmr;    /**< runs held requests, off-stack  */
	char version[512];      /**< GET /version body              */
};

/** A request that waits for auth; owns refs to its conn and msg */
struct api_req {
	struct le le;
	struct sfu_api *api;
	struct http_conn *conn;
	struct http_msg *msg;
	enum api_route route;
	char *call_id;
	char *session_id;
	char *client_id;        /**< from the JSON body      */
	char *auth_key;         /**< from the JSON body      */
	size_t auth_key_len;
	char *caller;           /**< authenticated clientID  */
	struct auth_hdr hdr;
};

/** A request pipelined behind one that waits for auth: HTTP/1.1 answers
 *  in order, so it runs when the one before it is done */
struct held {
	struct le le;
	struct http_conn *conn;
	struct http_msg *msg;
};

enum { API_HELD_MAX = 16 };   /**< pipelined requests held per conn */

struct kv {
	const char *k;
	const char *v;
};


static const char *reason(uint16_t code)
{
	switch (code) {

	case 200: return "OK";
	case 201: return "Created";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 411: return "Length Required";
	case 413: return "Request Entity Too Large";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default:  return "Error";
	}
}


static void reply(struct http_conn *conn, uint16_t code, const char *ctype,
		  const char *extra, const struct mbuf *body)
{
	int err;

	err = http_reply(conn, code, reason(code),
			 "Content-Type: %s\r\n"
			 "Content-Length: %zu\r\n"
			 "%s"
			 "\r\n"
			 "%b",
			 ctype, body ? body->end : (size_t)0,
			 extra ? extra : "",
			 body ? body->buf : NULL, body ? body->end : 0);
	if (err && err != ENOTCONN)
		log_debug("reply %u: %m", code, err);
}


/** Go's http.Error: text/plain, the text and a newline */
static void reply_text(struct http_conn *conn, uint16_t code,
		       const char *fmt, ...)
{
	struct mbuf *mb = mbuf_alloc(128);
	va_list ap;

	if (!mb)
		return;

	va_start(ap, fmt);
	mbuf_vprintf(mb, fmt, ap);
	va_end(ap);
	mbuf_write_u8(mb, '\n');

	reply(conn, code, "text/plain; charset=utf-8",
	      "X-Content-Type-Options: nosniff\r\n", mb);
	mem_deref(mb);
}


/** %H: a JSON string's inside as Go's encoder writes it: also <, >, &,
 *  U+2028 and U+2029 as \u escapes (HTML-safe) */
static int go_json_escape(struct re_printf *pf, const char *s)
{
	const char *start = s;
	int err = 0;

	for (; s && *s && !err; s++) {
		const char *esc = NULL;
		size_t skip = 0;

		switch (*s) {

		case '<': esc = "\\u003c"; break;
		case '>': esc = "\\u003e"; break;
		case '&': esc = "\\u0026"; break;
		case '\xe2':
			if (s[1] == '\x80' && (s[2] == '\xa8' || s[2] == '\xa9')) {
				esc = s[2] == '\xa8' ? "\\u2028" : "\\u2029";
				skip = 2;
			}
			break;
		default:
			break;
		}

		if (!esc)
			continue;

		err = calls_json_escape_n(pf, start, (size_t)(s - start));
		if (!err)
			err = re_hprintf(pf, "%s", esc);
		s += skip;
		start = s + 1;
	}

	if (!err && start && *start)
		err = calls_json_escape(pf, start);

	return err;
}


static int kv_cmp(const void *a, const void *b)
{
	return strcmp(((const struct kv *)a)->k, ((const struct kv *)b)->k);
}


/** rtcd's httpAudit body: a map[string]string, keys sorted, "code" a
 *  string, then a newline */
static void reply_map(struct http_conn *conn, uint16_t code,
		      struct kv *kv, size_t n)
{
	struct mbuf *mb = mbuf_alloc(128);
	char scode[8];

	if (!mb)
		return;

	re_snprintf(scode, sizeof(scode), "%u", code);
	kv[n].k = "code";
	kv[n].v = scode;
	n++;
	qsort(kv, n, sizeof(*kv), kv_cmp);

	mbuf_write_u8(mb, '{');
	for (size_t i = 0; i < n; i++)
		mbuf_printf(mb, "%s\"%H\":\"%H\"", i ? "," : "",
			    go_json_escape, kv[i].k,
			    go_json_escape, kv[i].v);
	mbuf_write_str(mb, "}\n");

	reply(conn, code, "application/json", NULL, mb);
	mem_deref(mb);
}


static void reply_error(struct http_conn *conn, uint16_t code,
			const char *fmt, ...)
{
	struct kv kv[2];
	char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	re_vsdprintf(&msg, fmt, ap);
	va_end(ap);

	kv[0].k = "error";
	kv[0].v = msg ? msg : "";
	reply_map(conn, code, kv, 1);
	mem_deref(msg);
}


static void not_found(struct http_conn *conn)
{
	reply_text(conn, 404, "404 page not found");
}


/* Handlers that answer at once */

static const char *go_arch(const char *m)
{
	if (!strcmp(m, "x86_64"))
		return "amd64";
	if (!strcmp(m, "aarch64"))
		return "arm64";
	if (!strcmp(m, "i686") || !strcmp(m, "i386"))
		return "386";
	if (!strncmp(m, "armv", 4))
		return "arm";

	return m;
}


/** __DATE__ "Nov 25 2026" and __TIME__ as 2026-11-25T15:43:00Z */
static void build_date(char *buf, size_t sz)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	const char *d = __DATE__;
	const char *m = strstr(months, (char[4]){d[0], d[1], d[2], 0});

	re_snprintf(buf, sz, "%s-%02d-%02dT%sZ", d + 7,
		    m ? (int)(m - months) / 3 + 1 : 0, atoi(d + 4), __TIME__);
}


static void version_init(struct sfu_api *api)
{
	struct utsname u;
	char date[32];

	build_date(date, sizeof(date));
	if (uname(&u))
		str_ncpy(u.machine, "unknown", sizeof(u.machine));

	/* rtcd's struct order; goVersion names what built us, honestly */
	re_snprintf(api->version, sizeof(api->version),
		    "{\"buildDate\":\"%s\",\"buildVersion\":\"v%s\","
		    "\"buildHash\":\"\",\"goVersion\":\"%H, libre %H\","
		    "\"goOS\":\"linux\",\"goArch\":\"%H\"}\n",
		    date, SFU_VERSION,
#ifdef __clang__
		    calls_json_escape, "clang " __clang_version__,
#else
		    calls_json_escape, "gcc " __VERSION__,
#endif
		    calls_json_escape, sys_libre_version_get(),
		    calls_json_escape, go_arch(u.machine));
}


static void h_version(struct sfu_api *api, struct http_conn *conn)
{
	struct mbuf mb;

	mbuf_init(&mb);
	mb.buf = (uint8_t *)api->version;
	mb.end = mb.size = strlen(api->version);
	reply(conn, 200, "application/json", NULL, &mb);
}


/** Go's shortest float that reads back the same; never Inf or NaN */
static void h_system(struct sfu_api *api, struct http_conn *conn)
{
	double load = sfu_metrics_cpu_load(api->sfu->metrics);
	struct mbuf *mb = mbuf_alloc(64);
	char num[40] = "0";

	if (!mb)
		return;

	if (isfinite(load) && load > 0) {
		for (int prec = 1; prec <= 17; prec++) {
			snprintf(num, sizeof(num), "%.*g", prec, load);
			if (strtod(num, NULL) == load)
				break;
		}
	}

	mbuf_printf(mb, "{\"cpu_load\":%s}\n", num);
	reply(conn, 200, "application/json", NULL, mb);
	mem_deref(mb);
}


static void h_metrics(struct sfu_api *api, struct http_conn *conn)
{
	struct mbuf *mb = mbuf_alloc(8192);
	int err;

	if (!mb)
		return;

	err = mbuf_printf(mb, "%H", sfu_metrics_render, api->sfu->metrics);
	if (err) {
		log_warn("metrics: %m", err);
		reply_text(conn, 500, "metrics error");
	}
	else {
		reply(conn, 200, "text/plain; version=0.0.4; charset=utf-8",
		      NULL, mb);
	}
	mem_deref(mb);
}


/* Requests that wait for auth */

static void held_destructor(void *arg)
{
	struct held *h = arg;

	list_unlink(&h->le);
	mem_deref(h->conn);
	mem_deref(h->msg);
}


static bool conn_busy(const struct sfu_api *api,
		      const struct http_conn *conn)
{
	for (struct le *le = api->reqs.head; le; le = le->next) {
		const struct api_req *req = le->data;

		if (req->conn == conn)
			return true;
	}

	return false;
}


static unsigned held_count(const struct sfu_api *api,
			   const struct http_conn *conn)
{
	unsigned n = 0;

	for (struct le *le = api->held.head; le; le = le->next) {
		const struct held *h = le->data;

		n += h->conn == conn;
	}

	return n;
}


static void held_handler(void *arg);


static void req_destructor(void *arg)
{
	struct api_req *req = arg;

	list_unlink(&req->le);
	if (req->api && req->api->held.head)
		tmr_start(&req->api->held_tmr, 0, held_handler, req->api);
	mem_deref(req->conn);
	mem_deref(req->msg);
	mem_deref(req->call_id);
	mem_deref(req->session_id);
	mem_deref(req->client_id);
	if (req->auth_key)
		explicit_bzero(req->auth_key, req->auth_key_len);
	mem_deref(req->auth_key);
	mem_deref(req->caller);
	explicit_bzero(&req->hdr, sizeof(req->hdr));
}


/** A copy of string member key of object o ("" when absent); keeps
 *  NULs, so *lenp may exceed strlen */
static int member_dup(char **dstp, size_t *lenp, jv o, const char *key)
{
	jv v = jv_object_get(jv_copy(o), jv_string(key));
	const char *s = "";
	size_t len = 0;
	char *d;

	if (jv_get_kind(v) == JV_KIND_STRING) {
		s = jv_string_value(v);
		len = (size_t)jv_string_length_bytes(jv_copy(v));
	}

	d = mem_alloc(len + 1, NULL);
	if (d) {
		memcpy(d, s, len);
		d[len] = '\0';
		*dstp = d;
		if (lenp)
			*lenp = len;
	}
	jv_free(v);

	return d ? 0 : ENOMEM;
}


/**
 * The JSON body as rtcd decodes it into map[string]string: one object
 * whose values are all strings (jq's strict parser; trailing data is an
 * error). clientID and authKey are copied ("" when absent).
 * @return 0, ENOMEM, or EBADMSG with *whyp set
 */
static int body_parse(struct api_req *req, const char **whyp)
{
	const struct http_msg *msg = req->msg;
	size_t len;
	int err = 0;
	jv v;

	len = msg->mb ? mbuf_get_left(msg->mb) : 0;
	if (!len) {
		*whyp = "EOF";
		return EBADMSG;
	}

	v = jv_parse_sized((const char *)mbuf_buf(msg->mb), (int)len);
	if (!jv_is_valid(v)) {
		jv m = jv_invalid_get_msg(v);

		log_debug("%J: bad JSON body: %s", http_conn_peer(req->conn),
			  jv_get_kind(m) == JV_KIND_STRING ?
			  jv_string_value(m) : "?");
		jv_free(m);
		*whyp = "invalid JSON";
		return EBADMSG;
	}

	if (jv_get_kind(v) != JV_KIND_OBJECT) {
		*whyp = "json: cannot unmarshal a non-object into "
			"map[string]string";
		err = EBADMSG;
		goto out;
	}

	jv_object_foreach(v, key, val) {
		bool str = jv_get_kind(val) == JV_KIND_STRING;

		jv_free(key);
		jv_free(val);
		if (!str) {
			*whyp = "json: cannot unmarshal a non-string value "
				"into a string";
			err = EBADMSG;
			goto out;
		}
	}

	err = member_dup(&req->client_id, NULL, v, "clientID");
	if (!err)
		err = member_dup(&req->auth_key, &req->auth_key_len, v,
				 "authKey");

 out:
	jv_free(v);

	return err;
}


typedef int (cred_h)(struct sfu_auth *a, const char *client_id,
		     const char *key, size_t key_len, auth_done_h *doneh,
		     void *arg);


/* The end of /register or /login (what: "registration", "login"): 429,
 * 400 with the reason, or code with the one member key: val */
static void cred_done(struct api_req *req, int err, const char *what,
		      const char *error, uint16_t code, const char *key,
		      const char *val)
{
	struct kv kv[3];

	if (err == EAGAIN) {
		reply_error(req->conn, 429, "too many requests");
	}
	else if (err) {
		reply_error(req->conn, 400, "%s failed: %s", what,
			    error ? error : "error");
	}
	else {
		kv[0].k = key;
		kv[0].v = val;
		reply_map(req->conn, code, kv, 1);
	}

	mem_deref(req);
}


static void register_done(int err, const struct auth_result *res,
			  void *arg)
{
	cred_done(arg, err, "registration", res->error, 201, "clientID",
		  res->client_id);
}


static void login_done(int err, const struct auth_result *res, void *arg)
{
	cred_done(arg, err, "login", res->error, 200, "bearerToken",
		  res->token);
}


/* /register or /login: the body's credentials to credh, which answers
 * through doneh */
static void do_cred(struct api_req *req, cred_h *credh, auth_done_h *doneh,
		    const char *what)
{
	const char *why = NULL;
	int err;

	if (body_parse(req, &why)) {
		reply_error(req->conn, 400, "%s", why ? why : "bad request");
		mem_deref(req);
		return;
	}

	err = credh(req->api->sfu->auth, req->client_id, req->auth_key,
		    req->auth_key_len, doneh, req);
	if (err) {
		reply_error(req->conn, 500, "%s failed: %m", what, err);
		mem_deref(req);
	}
}


static void do_register(struct api_req *req)
{
	do_cred(req, auth_register, register_done, "registration");
}


static void do_login(struct api_req *req)
{
	do_cred(req, auth_login, login_done, "login");
}


static void do_unregister(struct api_req *req, bool admin)
{
	const char *why = NULL;
	int err;

	if (body_parse(req, &why)) {
		reply_error(req->conn, 400, "%s", why ? why : "bad request");
		return;
	}

	/* a client may only remove itself; admin anyone */
	if (!admin && strcmp(req->client_id, req->caller)) {
		reply_error(req->conn, 403, "client id not valid");
		return;
	}

	err = auth_unregister(req->api->sfu->auth, req->client_id);
	if (err == ENOENT)
		reply_error(req->conn, 400, "unregister failed: "
			    "client not found");
	else if (err)
		reply_error(req->conn, 400, "unregister failed: %m", err);
	else
		reply_map(req->conn, 200, (struct kv[2]){{0}}, 0);
}


static int mb_print(const char *p, size_t size, void *arg)
{
	return mbuf_write_mem(arg, (const uint8_t *)p, size);
}


static void do_sessions(struct api_req *req)
{
	const char *why = NULL;
	struct re_printf pf;
	struct mbuf *mb;
	int err;

	/* admin has no group: rtcd answers 401 */
	if (!req->caller[0]) {
		reply_text(req->conn, 401, "unauthorized");
		return;
	}

	mb = mbuf_alloc(512);
	if (!mb)
		return;

	pf.vph = mb_print;
	pf.arg = mb;
	err = sfu_rtc_sessions_json(&pf, req->api->sfu->rtc, req->caller,
				    req->call_id, req->session_id, &why);
	if (err == ENOENT) {
		reply_text(req->conn, 404, "failed to get session config%s: %s",
			   req->session_id ? "" : "s",
			   why ? why : "not found");
	}
	else if (err) {
		reply_text(req->conn, 500, "failed to get session configs: %m",
			   err);
	}
	else {
		if (!mb->end || mb->buf[mb->end - 1] != '\n')
			mbuf_write_u8(mb, '\n');
		reply(req->conn, 200, "application/json", NULL, mb);
	}

	mem_deref(mb);
}


static void do_ws(struct api_req *req)
{
	int err;

	err = sfu_ws_accept(req->api->sfu->ws, req->conn, req->msg,
			    req->caller);
	if (err) {
		log_debug("%J: ws upgrade failed: %m",
			  http_conn_peer(req->conn), err);
		reply_text(req->conn, 400, "Bad Request");
	}
}


/** The caller is known (or not): go on with the route */
static void auth_done(int err, const struct auth_result *res, void *arg)
{
	struct api_req *req = arg;

	if (err == EAGAIN) {
		reply_error(req->conn, 429, "too many requests");
		goto out;
	}

	if (err) {
		log_debug("%J: %r %r: %s", http_conn_peer(req->conn),
			  &req->msg->met, &req->msg->path,
			  res->error ? res->error : "auth failed");
		if (req->route == R_SESSIONS || req->route == R_SESSION)
			reply_text(req->conn, 401, "unauthorized");
		else
			reply_error(req->conn, 401, "authentication failed");
		goto out;
	}

	if (str_dup(&req->caller, res->client_id)) {
		reply_error(req->conn, 500, "out of memory");
		goto out;
	}

	switch (req->route) {

	case R_REGISTER:
		do_register(req);       /* answers and frees req */
		return;

	case R_UNREGISTER:
		do_unregister(req, res->admin);
		break;

	case R_SESSIONS:
	case R_SESSION:
		do_sessions(req);
		break;

	case R_WS:
		/* rtcd: a failed auth writes nothing (Go sends an empty 200
		 * and no upgrade); we answer 401 above, the plugin only
		 * sees the upgrade fail either way */
		do_ws(req);
		break;

	default:
		break;
	}

 out:
	mem_deref(req);
}


static int req_alloc(struct api_req **reqp, struct sfu_api *api,
		     struct http_conn *conn, const struct http_msg *msg,
		     enum api_route route, const struct pl *call,
		     const struct pl *sess)
{
	const struct http_hdr *h;
	struct api_req *req;
	int err = 0;

	req = mem_zalloc(sizeof(*req), req_destructor);
	if (!req)
		return ENOMEM;

	list_append(&api->reqs, &req->le, req);
	req->api = api;
	req->conn = mem_ref(conn);
	req->msg = mem_ref((struct http_msg *)msg);
	req->route = route;

	if (call && call->p)
		err = api_path_decode(&req->call_id, call);
	if (!err && sess && sess->p)
		err = api_path_decode(&req->session_id, sess);
	if (err)
		goto out;

	h = http_msg_hdr(msg, HTTP_HDR_AUTHORIZATION);
	auth_hdr_parse(&req->hdr, h ? h->val.p : NULL, h ? h->val.l : 0);

 out:
	if (err)
		mem_deref(req);
	else
		*reqp = req;

	return err;
}


/** Routes without auth or body. @return true when answered */
static bool answer_now(struct sfu_api *api, struct http_conn *conn,
		       enum api_route route)
{
	switch (route) {

	case R_NONE:
		not_found(conn);
		return true;

	case R_VERSION:
		h_version(api, conn);
		return true;

	case R_SYSTEM:
		h_system(api, conn);
		return true;

	case R_METRICS:
		h_metrics(api, conn);
		return true;

	default:
		return false;
	}
}


/** One request, its turn on its connection come */
static void dispatch(struct sfu_api *api, struct http_conn *conn,
		     const struct http_msg *msg)
{
	struct sfu *sfu = api->sfu;
	struct pl call = PL_INIT, sess = PL_INIT;
	struct api_req *req = NULL;
	enum api_route route;
	int err;

	/* libre's server has no chunked decoding: the chunks would be read
	 * as the next request, so refuse and hang up */
	if (http_msg_hdr(msg, HTTP_HDR_TRANSFER_ENCODING)) {
		reply_error(conn, 411, "http: chunked bodies are not "
			    "supported, send Content-Length");
		http_conn_close(conn);
		return;
	}

	route = api_route_match(&msg->met, &msg->path, &call, &sess);
	if (answer_now(api, conn, route))
		return;

	if (msg->clen > API_BODY_MAX) {
		reply_error(conn, 413, "http: request body too large");
		return;
	}

	/* rtcd checks this before anything else */
	if (route == R_UNREGISTER && !sfu->cfg->security.enable_admin &&
	    !sfu->cfg->security.allow_self_registration) {
		reply_error(conn, 403, "unregister not enabled");
		return;
	}

	err = req_alloc(&req, api, conn, msg, route, &call, &sess);
	if (err == EBADMSG) {
		/* Go refuses a bad escape before routing */
		reply_text(conn, 400, "400 Bad Request");
		return;
	}
	if (err) {
		reply_error(conn, 500, "%m", err);
		return;
	}

	/* from here on, req is answered and freed by its handlers, which
	 * may run before the call that starts them returns */
	if (route == R_LOGIN) {
		do_login(req);
		return;
	}

	if (route == R_REGISTER &&
	    sfu->cfg->security.allow_self_registration) {
		do_register(req);
		return;
	}

	err = auth_request(sfu->auth, &req->hdr, auth_done, req);
	if (err) {
		reply_error(conn, 500, "%m", err);
		mem_deref(req);
	}
}


static void http_handler(struct http_conn *conn, const struct http_msg *msg,
			 void *arg)
{
	struct sfu_api *api = arg;
	struct held *h = NULL;

	log_debug("%J: %r %r", http_conn_peer(conn), &msg->met, &msg->path);

	/* HTTP/1.1 answers in order: behind a request that waits for
	 * bcrypt, or behind held ones, a request waits its turn */
	if (!conn_busy(api, conn) && !held_count(api, conn)) {
		dispatch(api, conn, msg);
		return;
	}

	/* bounded: a client that piles up more is dropped */
	if (held_count(api, conn) < API_HELD_MAX)
		h = mem_zalloc(sizeof(*h), held_destructor);
	if (!h) {
		log_debug("%J: too many pipelined requests",
			  http_conn_peer(conn));
		http_conn_close(conn);
		return;
	}

	h->conn = mem_ref(conn);
	h->msg = mem_ref((struct http_msg *)msg);
	list_append(&api->held, &h->le, h);
}


/* Runs held requests whose connection is free again, in arrival order
 * (one at a time per connection: each may make its connection busy) */
static void held_handler(void *arg)
{
	struct sfu_api *api = arg;
	struct le *le = api->held.head;

	while (le) {
		struct held *h = le->data;

		le = le->next;
		if (conn_busy(api, h->conn))
			continue;

		list_unlink(&h->le);
		if (http_conn_tcp(h->conn))     /* still connected */
			dispatch(api, h->conn, h->msg);
		mem_deref(h);
		/* the list may have changed under us: start over */
		le = api->held.head;
	}
}


static void destructor(void *arg)
{
	struct sfu_api *api = arg;

	tmr_cancel(&api->held_tmr);
	list_flush(&api->held);

	api->sock = mem_deref(api->sock);
	list_flush(&api->reqs);
}


/** https_listen wants the certificate and key in one PEM file: when
 *  they are two, join them in a private temporary file (mode 0600) */
static int listen_tls(struct sfu_api *api, const struct sa *laddr,
		      const struct sfu_config *cfg, char *errbuf,
		      size_t errsz)
{
	const char *cert = cfg->http.tls_cert_file;
	const char *key = cfg->http.tls_cert_key;
	char tmp[4096];
	int err, fd = -1;

	/* in the store's 0700 directory, unlinked once loaded */
	re_snprintf(tmp, sizeof(tmp), "%s/.tls-XXXXXX",
		    cfg->store.data_source);

	if (!cert || !cert[0] || !key || !key[0]) {
		re_snprintf(errbuf, errsz, "api.http.tls: cert_file and "
			    "cert_key are required when enabled");
		return EINVAL;
	}

	if (strcmp(cert, key)) {
		FILE *out;

		fd = mkstemp(tmp);
		if (fd < 0) {
			err = errno;
			re_snprintf(errbuf, errsz, "api.http.tls: %m", err);
			return err;
		}
		out = fdopen(fd, "w");
		err = out ? 0 : errno;
		for (int i = 0; !err && i < 2; i++) {
			const char *path = i ? key : cert;
			FILE *in = fopen(path, "r");
			char buf[4096];
			size_t n;

			if (!in) {
				err = errno;
				re_snprintf(errbuf, errsz, "api.http.tls: "
					    "%s: %m", path, err);
				break;
			}
			while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
				fwrite(buf, 1, n, out);
			fputc('\n', out);
			fclose(in);
		}
		if (out)
			fclose(out);
		else
			close(fd);
		if (err) {
			unlink(tmp);
			return EINVAL;
		}
		cert = tmp;
	}

	err = https_listen(&api->sock, laddr, cert, http_handler, api);
	if (fd >= 0)
		unlink(tmp);
	if (err)
		re_snprintf(errbuf, errsz, "api.http.tls: cannot use "
			    "cert_file '%s' with cert_key '%s' on %J: %m",
			    cfg->http.tls_cert_file, cfg->http.tls_cert_key,
			    laddr, err);

	return err == ENOENT || err == EINVAL ? EINVAL : err;
}


enum { API_BACKLOG = 1024 };


static int listen_addr(struct sfu_api *api, const struct sa *laddr,
		       const struct sfu_config *cfg, char *errbuf,
		       size_t errsz)
{
	int err;

	if (cfg->http.tls_enable)
		err = listen_tls(api, laddr, cfg, errbuf, errsz);
	else {
		err = http_listen(&api->sock, laddr, http_handler, api);
		if (err)
			re_snprintf(errbuf, errsz, "api.http.listen_address: "
				    "listen on %J: %m", laddr, err);
	}
	if (err)
		return err;

	/* libre listens with a backlog of 5: a herd of plugin nodes
	 * reconnecting at once would lose SYNs and wait seconds to retry.
	 * listen() again on the same socket only raises the backlog. */
	(void)tcp_sock_listen(http_sock_tcp(api->sock), API_BACKLOG);

	return 0;
}


/** api.http.listen_address: ":8045" is every address, IPv6 and IPv4 as
 *  Go does (IPv4 only where there is no IPv6) */
static int listen_config(struct sfu_api *api, const struct sfu_config *cfg,
			 char *errbuf, size_t errsz)
{
	const char *addr = cfg->http.listen_address;
	struct calls_hostport hp;
	struct sa laddr;
	int err;

	if (!addr || calls_hostport_parse(&hp, addr, 8045)) {
		re_snprintf(errbuf, errsz, "api.http.listen_address: invalid "
			    "address '%s'", addr ? addr : "");
		return EINVAL;
	}

	if (!hp.host[0]) {
		sa_set_str(&laddr, "::", hp.port);
		err = listen_addr(api, &laddr, cfg, errbuf, errsz);
		if (err != EAFNOSUPPORT && err != EADDRNOTAVAIL)
			return err;

		sa_set_str(&laddr, "0.0.0.0", hp.port);

		return listen_addr(api, &laddr, cfg, errbuf, errsz);
	}

	err = calls_hostport_resolve1(&laddr, addr, 8045, AF_UNSPEC);
	if (err) {
		re_snprintf(errbuf, errsz, "api.http.listen_address: cannot "
			    "resolve '%s': %m", addr, err);
		return EINVAL;
	}

	return listen_addr(api, &laddr, cfg, errbuf, errsz);
}


int api_alloc(struct sfu_api **apip, struct sfu *sfu, char *errbuf,
	      size_t errsz)
{
	const struct sfu_config *cfg;
	struct sfu_api *api;
	int err;

	if (!apip || !sfu || !sfu->cfg)
		return EINVAL;

	cfg = sfu->cfg;

	api = mem_zalloc(sizeof(*api), destructor);
	if (!api)
		return ENOMEM;

	api->sfu = sfu;
	tmr_init(&api->held_tmr);
	version_init(api);

	err = listen_config(api, cfg, errbuf, errsz);
	if (err)
		goto out;

	err = tcp_sock_local_get(http_sock_tcp(api->sock), &api->local);
	if (err) {
		re_snprintf(errbuf, errsz, "api: local address: %m", err);
		goto out;
	}

	log_info("API listening on %s://%J", cfg->http.tls_enable ? "https" :
		 "http", &api->local);

 out:
	if (err)
		mem_deref(api);
	else
		*apip = api;

	return err;
}


int api_local(const struct sfu_api *api, struct sa *local)
{
	if (!api || !local)
		return EINVAL;

	*local = api->local;

	return 0;
}


unsigned api_pending(const struct sfu_api *api)
{
	return api ? list_count(&api->reqs) : 0;
}
