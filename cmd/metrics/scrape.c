/**
 * @file scrape.c  Fetching exposition text with libcurl (the one file
 * that includes curl.h)
 *
 * All targets are fetched at once on one curl multi handle. A target that
 * fails (connection, TLS, timeout, HTTP status >= 500 or 429) is tried
 * again after --retry-delay, up to --retries more times. Each result says
 * what went wrong in words an operator can act on; the caller reports it
 * and goes on with the other targets. "-" is standard input.
 */
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <curl/curl.h>
#include "re_inc.h"
#define LOG_MODULE "scrape"
#include "log.h"
#include "config.h"
#include "metrics.h"

#define MAX_BODY (512u * 1024 * 1024)

struct xfer {
	CURL *easy;
	struct scrape_result *res;
	struct curl_slist *hdrs;
	unsigned tries;
	double next_try;        /* monotonic seconds, 0: not waiting */
	bool done;
	char errbuf[CURL_ERROR_SIZE];
};


static double now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);

	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}


int scrape_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) ? EIO : 0;
}


void scrape_global_close(void)
{
	curl_global_cleanup();
}


const char *scrape_version(void)
{
	return curl_version();
}


void scrape_result_reset(struct scrape_result *r)
{
	r->body = mem_deref(r->body);
	r->fmt = CALLS_PROM_FMT_AUTO;
	r->status = 0;
	r->error[0] = '\0';
}


/* Leaves one spare byte after the text, as the parser wants */
static int body_finish(struct mbuf *mb)
{
	int err;

	mb->pos = mb->end;
	err = mbuf_write_u8(mb, 0);
	if (!err)
		--mb->end;
	mb->pos = 0;

	return err;
}


int scrape_read_fd(int fd, struct mbuf **mbp)
{
	struct mbuf *mb;
	struct stat st;
	size_t sz = 65536;
	int err = 0;

	/* a file: room for all of it at once, no copies while growing */
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (uint64_t)st.st_size < MAX_BODY)
		sz = (size_t)st.st_size + 65536;

	mb = mbuf_alloc(sz);
	if (!mb)
		return ENOMEM;

	for (;;) {
		ssize_t n;

		if (mb->size - mb->end < 65536) {
			err = mbuf_resize(mb, mb->size * 2);
			if (err)
				break;
		}
		n = read(fd, mb->buf + mb->end, mb->size - mb->end - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = errno;
			break;
		}
		if (n == 0)
			break;
		mb->end += (size_t)n;
		if (mb->end > MAX_BODY) {
			err = EFBIG;
			break;
		}
	}

	if (!err)
		err = body_finish(mb);
	if (err)
		mem_deref(mb);
	else
		*mbp = mb;

	return err;
}


static size_t write_cb(char *data, size_t size, size_t nmemb, void *arg)
{
	struct xfer *x = arg;
	size_t n = size * nmemb;

	if (x->res->body->end + n > MAX_BODY)
		return 0;   /* curl reports a write error */

	if (mbuf_write_mem(x->res->body, (uint8_t *)data, n))
		return 0;

	return n;
}


static int xfer_setup(struct xfer *x, const struct scrape_opts *o)
{
	CURL *e;
	char hdr[4096];

	e = curl_easy_init();
	if (!e)
		return ENOMEM;
	x->easy = e;

	curl_easy_setopt(e, CURLOPT_URL, x->res->target);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(e, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https,file");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_USERAGENT, "calls-metrics/" CALLS_VERSION);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)(o->timeout * 1000));
	if (o->connect_timeout > 0)
		curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
				 (long)(o->connect_timeout * 1000));

	if (o->insecure) {
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (o->cacert)
		curl_easy_setopt(e, CURLOPT_CAINFO, o->cacert);

	if (o->user) {
		curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(e, CURLOPT_USERPWD, o->user);
	}

	snprintf(hdr, sizeof(hdr), "Accept: %s", o->accept);
	x->hdrs = curl_slist_append(x->hdrs, hdr);
	if (o->bearer) {
		snprintf(hdr, sizeof(hdr), "Authorization: Bearer %s",
			 o->bearer);
		x->hdrs = curl_slist_append(x->hdrs, hdr);
	}
	for (size_t i = 0; i < o->headerc; i++)
		x->hdrs = curl_slist_append(x->hdrs, o->headers[i]);
	if (!x->hdrs)
		return ENOMEM;
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->hdrs);

	return 0;
}


static bool is_tls_error(CURLcode c)
{
	switch (c) {

	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_SSL_CRL_BADFILE:
		return true;
	default:
		return false;
	}
}


/* Sets res->error from a finished transfer; true if worth a retry */
static bool xfer_verdict(struct xfer *x, CURLcode code)
{
	struct scrape_result *r = x->res;
	const char *detail = x->errbuf[0] ? x->errbuf :
		curl_easy_strerror(code);
	char *ctype = NULL;

	if (code == CURLE_OPERATION_TIMEDOUT) {
		snprintf(r->error, sizeof(r->error), "timeout: %s", detail);
		return true;
	}
	if (is_tls_error(code)) {
		snprintf(r->error, sizeof(r->error), "TLS error: %s", detail);
		return true;
	}
	if (code == CURLE_COULDNT_RESOLVE_HOST) {
		snprintf(r->error, sizeof(r->error), "cannot resolve: %s",
			 detail);
		return true;
	}
	if (code == CURLE_COULDNT_CONNECT) {
		snprintf(r->error, sizeof(r->error), "cannot connect: %s",
			 detail);
		return true;
	}
	if (code != CURLE_OK) {
		snprintf(r->error, sizeof(r->error), "transfer failed: %s",
			 detail);
		return code != CURLE_UNSUPPORTED_PROTOCOL &&
			code != CURLE_URL_MALFORMAT &&
			code != CURLE_WRITE_ERROR;
	}

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &r->status);
	if (r->status && (r->status < 200 || r->status > 299)) {
		snprintf(r->error, sizeof(r->error), "HTTP error: status %ld",
			 r->status);
		return r->status >= 500 || r->status == 429;
	}

	curl_easy_getinfo(x->easy, CURLINFO_CONTENT_TYPE, &ctype);
	r->fmt = calls_prom_fmt_from_ctype(ctype);
	if (!ctype)
		r->fmt = CALLS_PROM_FMT_AUTO;

	if (body_finish(r->body)) {
		snprintf(r->error, sizeof(r->error), "out of memory");
		return false;
	}

	r->error[0] = '\0';

	return false;
}


static int xfer_start(CURLM *m, struct xfer *x)
{
	x->res->body = mem_deref(x->res->body);
	x->res->body = mbuf_alloc(16384);
	if (!x->res->body)
		return ENOMEM;
	x->errbuf[0] = '\0';
	x->next_try = 0;
	++x->tries;

	return curl_multi_add_handle(m, x->easy) ? ENOMEM : 0;
}


static void xfers_free(struct xfer *xv, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (xv[i].easy)
			curl_easy_cleanup(xv[i].easy);
		curl_slist_free_all(xv[i].hdrs);
	}
	mem_deref(xv);
}


static void xfer_done(CURLM *m, struct xfer *x, CURLcode code,
		      const struct scrape_opts *o)
{
	bool retry;

	curl_multi_remove_handle(m, x->easy);
	retry = xfer_verdict(x, code);

	if (!x->res->error[0]) {
		x->done = true;
		return;
	}

	if (retry && x->tries <= o->retries) {
		log_info("%s: %s; retrying (%u of %u)", x->res->target,
			 x->res->error, x->tries, o->retries);
		x->next_try = now_mono() + o->retry_delay;
		return;
	}

	x->res->body = mem_deref(x->res->body);
	x->done = true;
}


/* Starts every target ("-" is read at once); *leftp: transfers under way */
static int xfers_start(CURLM *m, struct xfer *xv, size_t n,
		       const struct scrape_opts *opts,
		       const char *const *targets,
		       struct scrape_result *results, size_t *leftp)
{
	int err;

	for (size_t i = 0; i < n; i++) {
		struct xfer *x = &xv[i];

		x->res = &results[i];
		scrape_result_reset(x->res);
		x->res->target = targets[i];

		if (!strcmp(targets[i], "-")) {
			err = scrape_read_fd(STDIN_FILENO, &x->res->body);
			if (err)
				snprintf(x->res->error, sizeof(x->res->error),
					 "reading standard input: %s",
					 strerror(err));
			x->done = true;
			continue;
		}

		err = xfer_setup(x, opts);
		if (!err)
			err = xfer_start(m, x);
		if (err)
			return err;
		++*leftp;
	}

	return 0;
}


/* Drives the transfers until every one is done, retries included */
static int multi_loop(CURLM *m, struct xfer *xv, size_t n,
		      const struct scrape_opts *opts, size_t left)
{
	while (left) {
		struct CURLMsg *msg;
		double now, wake = 1.0;
		int running, q, err;

		curl_multi_perform(m, &running);

		while ((msg = curl_multi_info_read(m, &q))) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			for (size_t i = 0; i < n; i++) {
				if (xv[i].easy != msg->easy_handle)
					continue;
				xfer_done(m, &xv[i], msg->data.result, opts);
				if (xv[i].done)
					--left;
				break;
			}
		}

		now = now_mono();
		for (size_t i = 0; i < n; i++) {
			struct xfer *x = &xv[i];

			if (x->done || !x->next_try)
				continue;
			if (x->next_try <= now) {
				err = xfer_start(m, x);
				if (err)
					return err;
			}
			else if (x->next_try - now < wake)
				wake = x->next_try - now;
		}

		if (left)
			curl_multi_poll(m, NULL, 0, (int)(wake * 1000) + 1,
					NULL);
	}

	return 0;
}


int scrape_run(const struct scrape_opts *opts, const char *const *targets,
	       size_t n, struct scrape_result *results)
{
	struct xfer *xv;
	CURLM *m;
	size_t left = 0;
	int err;

	xv = mem_zalloc(n * sizeof(*xv) + 1, NULL);
	m = curl_multi_init();
	if (!xv || !m) {
		err = ENOMEM;
		goto out;
	}

	err = xfers_start(m, xv, n, opts, targets, results, &left);
	if (!err)
		err = multi_loop(m, xv, n, opts, left);

 out:
	if (m) {
		for (size_t i = 0; xv && i < n; i++)
			if (xv[i].easy)
				curl_multi_remove_handle(m, xv[i].easy);
	}
	if (xv)
		xfers_free(xv, n);
	if (m)
		curl_multi_cleanup(m);

	return err;
}
