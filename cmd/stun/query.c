/**
 * @file query.c  calls-stun query: mapped address and RTT per server
 *
 * Every server gets its own client (socket) and all transactions run at
 * once on the loop; results print in the order the servers were given.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "re_inc.h"
#define LOG_MODULE "query"
#include "log.h"
#include "app.h"
#include "exitcode.h"
#include "hostport.h"
#include "json.h"
#include "stun.h"
#include "stunc.h"
#include "stuncmd.h"

struct query;

struct target {
	struct query *q;
	const char *name;
	struct sa addr;
	struct calls_stunc *sc;
	struct calls_stunc_ct *ct;
	struct calls_stunc_result res;
	bool done;
};

struct query {
	const struct query_opts *opts;
	struct target *tv;
	unsigned n, pending;
};


static void resp_handler(const struct calls_stunc_result *res, void *arg)
{
	struct target *t = arg;

	t->res = *res;
	t->res.msg = NULL;
	t->done = true;

	/* the loop ends when every transaction has finished */
	if (--t->q->pending == 0)
		re_cancel();
}


static const char *err_name(int err)
{
	switch (err) {

	case ETIMEDOUT:    return "timeout";
	case EPROTO:       return "error-response";
	case EBADMSG:      return "bad-response";
	case ECONNREFUSED: return "connection-refused";
	case ECONNRESET:   return "connection-reset";
	default:           return "error";
	}
}


static void print_json(const struct query_opts *o, const struct target *t,
		       struct calls_jw *w)
{
	const struct calls_stunc_result *r = &t->res;
	char buf[80];
	size_t i;

	calls_jw_obj_begin(w, NULL);
	calls_jw_str(w, "server", t->name);
	re_snprintf(buf, sizeof(buf), "%J", &t->addr);
	calls_jw_str(w, "address", buf);
	calls_jw_str(w, "transport", o->tcp ? "tcp" : "udp");
	calls_jw_bool(w, "ok", !r->err && r->has_mapped);

	if (sa_isset(&r->local, SA_PORT)) {
		re_snprintf(buf, sizeof(buf), "%J", &r->local);
		calls_jw_str(w, "local", buf);
	}

	if (!r->err && r->has_mapped) {
		re_snprintf(buf, sizeof(buf), "%J", &r->mapped);
		calls_jw_str(w, "mapped", buf);
	}
	if (!r->err || r->err == EPROTO)
		calls_jw_dbl(w, "rtt_ms", round(r->rtt_ms * 1000) / 1000);
	if (sa_af(&r->other)) {
		re_snprintf(buf, sizeof(buf), "%J", &r->other);
		calls_jw_str(w, "other", buf);
	}
	if (sa_af(&r->origin)) {
		re_snprintf(buf, sizeof(buf), "%J", &r->origin);
		calls_jw_str(w, "origin", buf);
	}
	calls_jw_uint(w, "requests", r->tx);

	if (r->err) {
		calls_jw_str(w, "error", err_name(r->err));
		if (r->err == EPROTO) {
			calls_jw_uint(w, "code", r->code);
			calls_jw_str(w, "reason", r->reason);
		}
		if (r->n_unknown) {
			calls_jw_arr_begin(w, "unknown_attributes");
			for (i = 0; i < r->n_unknown; i++)
				calls_jw_uint(w, NULL, r->unknown[i]);
			calls_jw_arr_end(w);
		}
	}

	calls_jw_obj_end(w);
	(void)calls_jw_line(w, stdout);
}


static void print_text(const struct query_opts *o, const struct target *t)
{
	const struct calls_stunc_result *r = &t->res;
	const char *tp = o->tcp ? "tcp" : "udp";
	size_t i;

	if (!r->err && r->has_mapped) {
		re_printf("%s %J %s mapped %J rtt %.3f ms\n", t->name,
			  &t->addr, tp, &r->mapped, r->rtt_ms);
		return;
	}

	if (r->err == EPROTO) {
		re_printf("%s %J %s error %u %s", t->name, &t->addr, tp,
			  r->code, r->reason);
		for (i = 0; i < r->n_unknown; i++)
			re_printf("%s0x%04x", i ? "," : " unknown ",
				  r->unknown[i]);
		re_printf("\n");
	}
	else if (!r->err) {
		re_printf("%s %J %s answered without a mapped address\n",
			  t->name, &t->addr, tp);
	}
	else if (r->err == ETIMEDOUT) {
		re_printf("%s %J %s no answer (%u requests)\n", t->name,
			  &t->addr, tp, r->tx);
	}
	else {
		re_printf("%s %J %s failed: %m\n", t->name, &t->addr, tp,
			  r->err);
	}
}


static void stop_handler(int sig, void *arg)
{
	(void)sig;
	(void)arg;

	re_cancel();
}


static int target_start(const struct query_opts *o, struct target *t)
{
	struct calls_stunc_conf conf;
	struct calls_stunc_req req;
	uint64_t ti;
	int err;

	memset(&conf, 0, sizeof(conf));
	conf.rto_ms = o->rto_ms;
	conf.rc = o->rc;
	conf.software = STUNCMD_SOFTWARE;

	/* Ti: as long as the whole UDP retransmission schedule */
	ti = (uint64_t)(o->rto_ms ? o->rto_ms : 500) *
		((1ULL << ((o->rc ? o->rc : 7) - 1)) - 1 + 16);
	conf.ti_ms = ti > 600000 ? 600000 : (uint32_t)ti;

	err = calls_stunc_alloc(&t->sc, o->tcp ? CALLS_STUNC_TCP :
				CALLS_STUNC_UDP, NULL, sa_af(&t->addr),
				&conf);
	if (err) {
		log_error("%s: socket: %m", t->name, err);
		return err;
	}

	memset(&req, 0, sizeof(req));
	req.dst = &t->addr;
	req.user = o->user;
	req.password = o->password;
	req.sha256 = o->sha256;
	req.rfc3489 = o->rfc3489;
	req.extra_attr = o->extra_attr;

	++t->q->pending;
	err = calls_stunc_request(&t->ct, t->sc, &req, resp_handler, t);
	if (err) {
		--t->q->pending;
		/* e.g. no route: this server's result, not ours */
		memset(&t->res, 0, sizeof(t->res));
		t->res.err = err;
		t->done = true;
		err = 0;
	}

	return err;
}


int query_run(const struct query_opts *opts)
{
	struct query q;
	struct calls_jw w;
	unsigned i, ok = 0;
	int err = 0, ex = CALLS_EXIT_NET;

	memset(&q, 0, sizeof(q));
	memset(&w, 0, sizeof(w));
	q.opts = opts;
	q.n = opts->n_servers;
	q.tv = mem_zalloc(q.n * sizeof(*q.tv), NULL);
	if (!q.tv)
		return CALLS_EXIT_NET;

	err = calls_jw_init(&w);
	if (err)
		goto out;

	for (i = 0; i < q.n; i++) {
		struct target *t = &q.tv[i];

		t->q = &q;
		t->name = opts->servers[i];
		err = calls_hostport_resolve1(&t->addr, t->name,
					      CALLS_STUN_PORT, opts->af);
		if (err) {
			log_error("%s: cannot resolve: %m", t->name, err);
			goto out;
		}
	}

	for (i = 0; i < q.n; i++) {
		err = target_start(opts, &q.tv[i]);
		if (err)
			goto out;
	}

	if (q.pending) {
		err = calls_app_run(stop_handler, &q);
		if (err)
			goto out;
	}

	for (i = 0; i < q.n; i++) {
		struct target *t = &q.tv[i];

		if (!t->done)
			continue;  /* interrupted */

		if (opts->json)
			print_json(opts, t, &w);
		else
			print_text(opts, t);

		if (!t->res.err && t->res.has_mapped)
			++ok;
	}

	ex = ok ? CALLS_EXIT_OK : CALLS_EXIT_FAIL;

 out:
	for (i = 0; i < q.n; i++) {
		mem_deref(q.tv[i].ct);
		mem_deref(q.tv[i].sc);
	}
	mem_deref(q.tv);
	calls_jw_close(&w);
	fflush(stdout);

	return ex;
}
