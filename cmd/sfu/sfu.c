/**
 * @file sfu.c  calls-sfu: opening, draining and closing the daemon
 *
 * Drain (first SIGINT or SIGTERM): new joins are refused
 * (sfu_rtc_set_draining), the API and the WebSockets keep serving, and
 * the process exits 0 when the last session ends or when
 * calls.drain_timeout_seconds pass (0: no limit, as rtcd), whichever
 * comes first; at the timeout the remaining sessions are closed (each
 * sends `close` to the plugin). A second SIGINT exits at once (130).
 */
#include <string.h>
#include "re_inc.h"
#define LOG_MODULE "sfu"
#include "log.h"
#include "config.h"
#include "metrics.h"
#include "rtc.h"
#include "ws.h"
#include "api.h"
#include "auth.h"
#include "store.h"
#include "rtcnet.h"
#include "cand.h"
#include "media.h"
#include "dtls.h"
#include "sctp.h"
#include "sfu.h"

/** Time for queued `close` frames to leave before the loop stops */
#define EXIT_GRACE_MS 200


static void exit_handler(void *arg)
{
	(void)arg;
	re_cancel();
}


static void exit_soon(struct sfu *sfu)
{
	if (!tmr_isrunning(&sfu->exit_tmr))
		tmr_start(&sfu->exit_tmr, EXIT_GRACE_MS, exit_handler, sfu);
}


static void idle_handler(void *arg)
{
	struct sfu *sfu = arg;

	if (!sfu->draining)
		return;

	log_info("drain: the last session ended, exiting");
	tmr_cancel(&sfu->drain_tmr);
	exit_soon(sfu);
}


static void drain_timeout(void *arg)
{
	struct sfu *sfu = arg;

	log_warn("drain: timeout after %u s, closing %u sessions",
		 sfu->cfg->calls.drain_timeout_seconds,
		 sfu_rtc_session_count(sfu->rtc));
	sfu_rtc_close_all(sfu->rtc, "drain timeout");
	exit_soon(sfu);
}


void sfu_drain(struct sfu *sfu)
{
	unsigned n, timeout;

	if (!sfu || sfu->draining)
		return;

	sfu->draining = true;
	sfu_rtc_set_draining(sfu->rtc, true);

	n = sfu_rtc_session_count(sfu->rtc);
	if (!n) {
		log_info("drain: no sessions, exiting");
		exit_soon(sfu);
		return;
	}

	timeout = sfu->cfg->calls.drain_timeout_seconds;
	if (timeout) {
		log_info("drain: refusing new joins; waiting for %u sessions "
			 "in %u calls, at most %u s", n,
			 sfu_rtc_call_count(sfu->rtc), timeout);
		tmr_start(&sfu->drain_tmr, timeout * 1000ULL, drain_timeout,
			  sfu);
	}
	else {
		log_info("drain: refusing new joins; waiting for %u sessions "
			 "in %u calls (no timeout)", n,
			 sfu_rtc_call_count(sfu->rtc));
	}
}


int sfu_open(struct sfu *sfu, char *errbuf, size_t errsz)
{
	int err;

	tmr_init(&sfu->drain_tmr);
	tmr_init(&sfu->exit_tmr);

	err = store_open(&sfu->store, sfu->cfg->store.data_source, errbuf,
			 errsz);
	if (err)
		return err;

	err = auth_alloc(&sfu->auth, sfu->cfg, sfu->store);
	if (err) {
		re_snprintf(errbuf, errsz, "auth: %m", err);
		return err;
	}

	err = sfu_metrics_alloc(&sfu->metrics);
	if (!err)
		err = sfu_metrics_sampler_start(sfu->metrics);
	if (err) {
		re_snprintf(errbuf, errsz, "metrics: %m", err);
		return err;
	}

	err = sfu_rtc_alloc(&sfu->rtc, sfu->cfg, sfu->metrics);
	if (err) {
		re_snprintf(errbuf, errsz, "rtc: %m", err);
		return err;
	}
	sfu_rtc_set_idle_handler(sfu->rtc, idle_handler, sfu);

	err = sfu_ws_alloc(&sfu->ws, sfu->rtc, sfu->metrics);
	if (err) {
		re_snprintf(errbuf, errsz, "ws: %m", err);
		return err;
	}

	err = sfu_rtcnet_alloc(&sfu->rtcnet, sfu->cfg, sfu->metrics, errbuf,
			       errsz);
	if (!err)
		err = sfu_cands_alloc(&sfu->cands, sfu->cfg, sfu->rtcnet,
				      errbuf, errsz);
	if (err)
		return err;
	(void)sfu_cands_discover(sfu->cands, NULL, NULL);

	err = sfu_media_alloc(&sfu->media, sfu->cfg, sfu->metrics,
			      sfu->rtcnet, sfu->cands);
	if (err) {
		re_snprintf(errbuf, errsz, "media: %m", err);
		return err;
	}
	sfu_media_set_rtc(sfu->media, sfu->rtc);
	sfu_rtc_set_media(sfu->rtc, sfu_media_ops(sfu->media));

	return api_alloc(&sfu->api, sfu, errbuf, errsz);
}


void sfu_close(struct sfu *sfu)
{
	if (!sfu)
		return;

	tmr_cancel(&sfu->drain_tmr);
	tmr_cancel(&sfu->exit_tmr);

	if (sfu->ws)
		sfu_ws_close_all(sfu->ws);

	/* auth first: its pending jobs point at API requests */
	sfu->auth = mem_deref(sfu->auth);
	sfu->api = mem_deref(sfu->api);
	sfu->ws = mem_deref(sfu->ws);
	sfu->rtc = mem_deref(sfu->rtc);
	sfu->media = mem_deref(sfu->media);
	calls_sctp_close();
	calls_dtls_close();
	sfu->cands = mem_deref(sfu->cands);
	sfu->rtcnet = mem_deref(sfu->rtcnet);
	if (sfu->metrics)
		sfu_metrics_sampler_stop(sfu->metrics);
	sfu->metrics = mem_deref(sfu->metrics);
	sfu->store = mem_deref(sfu->store);
	sfu->cfg = mem_deref(sfu->cfg);
}
