/**
 * @file stunp.c  stun: does this port answer a STUN Binding request
 *
 * One Binding transaction with lib/stunc (RFC 8489 retransmissions,
 * scaled so the whole transaction fits in --timeout). Any STUN response,
 * an error response included, means the port answers STUN.
 */
#include <math.h>
#include <string.h>
#include "re_inc.h"
#include "exitcode.h"
#include "app.h"
#include "json.h"
#include "stun.h"
#include "stunc.h"
#define LOG_MODULE "stun"
#include "log.h"
#include "probe.h"

/* Rc sends at 0, 1, 3, 7 RTO, then Rm RTO of waiting: 15 RTO in all */
#define STUNP_RC 4
#define STUNP_RM 8

struct stunp {
	const struct probe_opts *o;
	struct sa dst;
	int ret;
};


static void print_json(const struct stunp *s,
		       const struct calls_stunc_result *res, bool answered)
{
	struct calls_jw w;
	char addr[64];

	if (calls_jw_init(&w))
		return;

	calls_jw_obj_begin(&w, NULL);
	calls_jw_str(&w, "type", "stun");
	calls_jw_str(&w, "proto", proto_name(s->o->proto));
	re_snprintf(addr, sizeof(addr), "%J", &s->dst);
	calls_jw_str(&w, "server", addr);
	calls_jw_bool(&w, "answered", answered);
	if (answered)
		calls_jw_dbl(&w, "rtt_ms",
			     round(res->rtt_ms * 1e6) / 1e6);
	else
		calls_jw_null(&w, "rtt_ms");
	if (res->has_mapped) {
		re_snprintf(addr, sizeof(addr), "%J", &res->mapped);
		calls_jw_str(&w, "mapped", addr);
	}
	else {
		calls_jw_null(&w, "mapped");
	}
	if (res->err == EPROTO)
		calls_jw_uint(&w, "error_code", res->code);
	else
		calls_jw_null(&w, "error_code");
	calls_jw_uint(&w, "requests", res->tx);
	calls_jw_obj_end(&w);
	calls_jw_line(&w, stdout);
	calls_jw_close(&w);
}


static void print_text(const struct stunp *s,
		       const struct calls_stunc_result *res)
{
	re_printf("stun %s %J: answered in %.3f ms", proto_name(s->o->proto),
		  &s->dst, res->rtt_ms);
	if (res->has_mapped)
		re_printf(", mapped address %J", &res->mapped);
	if (res->err == EPROTO)
		re_printf(", error %u %s", res->code, res->reason);
	re_printf(" (%u request%s)\n", res->tx, res->tx == 1 ? "" : "s");
	fflush(stdout);
}


static void resp_h(const struct calls_stunc_result *res, void *arg)
{
	struct stunp *s = arg;
	bool answered = !res->err || res->err == EPROTO;

	if (answered) {
		s->ret = CALLS_EXIT_OK;
		if (!s->o->json)
			print_text(s, res);
	}
	else if (res->err == EBADMSG) {
		s->ret = CALLS_EXIT_FAIL;
		log_error("%s %J: the answer is not a valid STUN response",
			  proto_name(s->o->proto), &s->dst);
	}
	else if (res->err == ETIMEDOUT) {
		s->ret = CALLS_EXIT_FAIL;
		log_error("%s %J: no STUN answer (%u requests in %.3f s)",
			  proto_name(s->o->proto), &s->dst, res->tx,
			  s->o->timeout);
	}
	else {
		s->ret = sock_err_unanswered(res->err) ? CALLS_EXIT_FAIL :
			CALLS_EXIT_NET;
		log_error("%s %J: no STUN answer: %m%s",
			  proto_name(s->o->proto), &s->dst, res->err,
			  res->err == ECONNREFUSED &&
			  s->o->proto == PROBE_UDP ?
			  " (ICMP port unreachable: nothing listens there)" :
			  "");
	}

	if (s->o->json)
		print_json(s, res, answered);

	re_cancel();
}


int stunp_run(const struct probe_opts *o)
{
	struct calls_stunc_conf conf = {
		.rc = STUNP_RC, .rm = STUNP_RM,
		.software = "calls-probe",
	};
	struct calls_stunc_req req;
	struct calls_stunc *sc = NULL;
	struct calls_stunc_ct *ct = NULL;
	struct stunp s;
	int err;

	memset(&s, 0, sizeof(s));
	s.o = o;
	s.ret = CALLS_EXIT_FAIL;

	conf.rto_ms = (uint32_t)(o->timeout * 1000 / 15);
	if (conf.rto_ms < 10)
		conf.rto_ms = 10;
	conf.ti_ms = (uint32_t)(o->timeout * 1000);

	err = sock_resolve(&s.dst, o->host, o->port, o->af);
	if (err) {
		log_error("cannot resolve '%s': %m", o->host, err);
		return CALLS_EXIT_NET;
	}

	err = calls_stunc_alloc(&sc, o->proto == PROBE_UDP ?
				CALLS_STUNC_UDP : CALLS_STUNC_TCP, NULL,
				sa_af(&s.dst), &conf);
	if (err) {
		log_error("stun client: %m", err);
		return CALLS_EXIT_NET;
	}

	memset(&req, 0, sizeof(req));
	req.dst = &s.dst;

	err = calls_stunc_request(&ct, sc, &req, resp_h, &s);
	if (err) {
		log_error("%s %J: %m", proto_name(o->proto), &s.dst, err);
		s.ret = sock_err_unanswered(err) ? CALLS_EXIT_FAIL :
			CALLS_EXIT_NET;
		goto out;
	}

	err = calls_app_run(NULL, NULL);
	if (err)
		s.ret = CALLS_EXIT_NET;

 out:
	mem_deref(ct);
	mem_deref(sc);

	return s.ret;
}
