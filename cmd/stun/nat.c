/**
 * @file nat.c  calls-stun nat: RFC 5780 NAT behaviour discovery
 *
 * All tests go out of one UDP socket (section 4.3 and 4.4):
 *
 *   test 1  primary address                 -> mapped M1, OTHER-ADDRESS O
 *   map 2   O's IP, primary port            -> M2; M2 == M1: independent
 *   map 3   O's IP and port                 -> M3; M3 == M2: address-
 *           dependent, else address-and-port-dependent
 *   filt 2  primary, CHANGE-REQUEST IP+port -> answer: independent
 *   filt 3  primary, CHANGE-REQUEST port    -> answer: address-dependent,
 *           none: address-and-port-dependent
 *
 * The steps run one after the other from the response handler.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "re_inc.h"
#define LOG_MODULE "nat"
#include "log.h"
#include "app.h"
#include "exitcode.h"
#include "hostport.h"
#include "json.h"
#include "stun.h"
#include "stunc.h"
#include "stuncmd.h"

enum step {
	STEP_TEST1 = 0,
	STEP_MAP2,
	STEP_MAP3,
	STEP_FILT2,
	STEP_FILT3,
	STEP_DONE,
};

struct nat {
	const struct nat_opts *opts;
	struct calls_stunc *sc;
	struct calls_stunc_ct *ct;
	struct sa server, other, local, m1, m2, m3;
	enum step step;
	bool natted;
	const char *mapping, *filtering;
	const char *fail;          /* why discovery stopped, or NULL */
	int err;
};


static int send_step(struct nat *n);


static bool same(const struct sa *a, const struct sa *b)
{
	return sa_cmp(a, b, SA_ALL);
}


/* Test 1: our mapping and the server's other address */
static bool test1_done(struct nat *n, const struct calls_stunc_result *res,
		       bool answered)
{
	if (!answered) {
		n->fail = res->err == ETIMEDOUT ? "server did not answer" :
			"server answered with an error";
		n->err = res->err;
		return true;
	}

	n->m1 = res->mapped;
	if (!sa_af(&res->other)) {
		n->fail = "server has no OTHER-ADDRESS (RFC 5780)";
		return true;
	}

	n->other = res->other;
	n->natted = !same(&n->m1, &n->local);
	if (!n->natted) {
		/* no NAT: mapping is trivially independent */
		n->mapping = "endpoint-independent";
		n->step = STEP_FILT2;
	}
	else {
		n->step = STEP_MAP2;
	}

	return false;
}


/* Records what the response to the current step says and picks the
 * next step; true when discovery is over */
static bool step_done(struct nat *n, const struct calls_stunc_result *res)
{
	bool answered = !res->err && res->has_mapped;

	switch (n->step) {

	case STEP_TEST1:
		return test1_done(n, res, answered);

	case STEP_MAP2:
		if (!answered) {
			n->fail = "alternate address did not answer";
			return true;
		}
		n->m2 = res->mapped;
		if (same(&n->m2, &n->m1)) {
			n->mapping = "endpoint-independent";
			n->step = STEP_FILT2;
		}
		else {
			n->step = STEP_MAP3;
		}
		return false;

	case STEP_MAP3:
		if (!answered) {
			n->fail = "alternate address and port did not answer";
			return true;
		}
		n->m3 = res->mapped;
		n->mapping = same(&n->m3, &n->m2) ? "address-dependent" :
			"address-and-port-dependent";
		n->step = STEP_FILT2;
		return false;

	case STEP_FILT2:
		if (answered) {
			n->filtering = "endpoint-independent";
			return true;
		}
		n->step = STEP_FILT3;
		return false;

	case STEP_FILT3:
		n->filtering = answered ? "address-dependent" :
			"address-and-port-dependent";
		return true;

	default:
		return true;
	}
}


static void resp_handler(const struct calls_stunc_result *res, void *arg)
{
	struct nat *n = arg;
	int err;

	n->ct = mem_deref(n->ct);

	if (!step_done(n, res)) {
		err = send_step(n);
		if (!err)
			return;

		n->fail = "cannot send";
		n->err = err;
	}

	n->step = STEP_DONE;
	re_cancel();
}


static int send_step(struct nat *n)
{
	struct calls_stunc_req req;
	struct sa dst;

	memset(&req, 0, sizeof(req));
	dst = n->server;

	switch (n->step) {

	case STEP_MAP2:
		sa_cpy(&dst, &n->other);
		sa_set_port(&dst, sa_port(&n->server));
		break;

	case STEP_MAP3:
		dst = n->other;
		break;

	case STEP_FILT2:
		req.change = CALLS_STUN_CHANGE_IP | CALLS_STUN_CHANGE_PORT;
		break;

	case STEP_FILT3:
		req.change = CALLS_STUN_CHANGE_PORT;
		break;

	default:
		break;
	}

	req.dst = &dst;

	return calls_stunc_request(&n->ct, n->sc, &req, resp_handler, n);
}


/* Our address toward the server, as the server would see it without a
 * NAT: the socket's port and the source IP the kernel picks */
static int local_addr(struct nat *n)
{
	struct sa sa;
	socklen_t len;
	int fd, err = 0;

	err = calls_stunc_local(n->sc, &n->local);
	if (err)
		return err;
	if (sa_isset(&n->local, SA_ADDR))
		return 0;

	fd = socket(sa_af(&n->server), SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;

	sa = n->server;
	len = sizeof(sa.u);
	if (connect(fd, &n->server.u.sa, n->server.len) < 0 ||
	    getsockname(fd, &sa.u.sa, &len) < 0)
		err = errno;
	(void)close(fd);
	if (err)
		return err;

	sa.len = len;
	sa_set_port(&sa, sa_port(&n->local));
	n->local = sa;

	return 0;
}


static void stop_handler(int sig, void *arg)
{
	struct nat *n = arg;
	(void)sig;

	n->fail = "interrupted";
	re_cancel();
}


static void print_result(const struct nat *n)
{
	struct calls_jw w;
	char buf[80];

	if (!n->opts->json) {
		re_printf("server %s %J\n", n->opts->server, &n->server);
		re_printf("local %J\n", &n->local);
		if (sa_af(&n->m1))
			re_printf("mapped %J%s\n", &n->m1,
				  n->natted ? "" : " (no NAT)");
		if (sa_af(&n->other))
			re_printf("other %J\n", &n->other);
		re_printf("mapping %s\n", n->mapping ? n->mapping :
			  "unknown");
		re_printf("filtering %s\n", n->filtering ? n->filtering :
			  "unknown");
		if (n->fail)
			re_printf("error %s\n", n->fail);
		return;
	}

	if (calls_jw_init(&w))
		return;

	calls_jw_obj_begin(&w, NULL);
	calls_jw_str(&w, "server", n->opts->server);
	re_snprintf(buf, sizeof(buf), "%J", &n->server);
	calls_jw_str(&w, "address", buf);
	re_snprintf(buf, sizeof(buf), "%J", &n->local);
	calls_jw_str(&w, "local", buf);
	if (sa_af(&n->m1)) {
		re_snprintf(buf, sizeof(buf), "%J", &n->m1);
		calls_jw_str(&w, "mapped", buf);
		calls_jw_bool(&w, "nat", n->natted);
	}
	if (sa_af(&n->other)) {
		re_snprintf(buf, sizeof(buf), "%J", &n->other);
		calls_jw_str(&w, "other", buf);
	}
	if (n->mapping)
		calls_jw_str(&w, "mapping", n->mapping);
	else
		calls_jw_null(&w, "mapping");
	if (n->filtering)
		calls_jw_str(&w, "filtering", n->filtering);
	else
		calls_jw_null(&w, "filtering");
	calls_jw_bool(&w, "ok", !n->fail);
	if (n->fail)
		calls_jw_str(&w, "error", n->fail);
	calls_jw_obj_end(&w);
	(void)calls_jw_line(&w, stdout);
	calls_jw_close(&w);
}


int nat_run(const struct nat_opts *opts)
{
	struct calls_stunc_conf conf;
	struct nat n;
	struct sa laddr, *lp = NULL;
	int err, ex = CALLS_EXIT_NET;

	memset(&n, 0, sizeof(n));
	n.opts = opts;

	err = calls_hostport_resolve1(&n.server, opts->server,
				      CALLS_STUN_PORT, opts->af);
	if (err) {
		log_error("%s: cannot resolve: %m", opts->server, err);
		goto out;
	}

	if (opts->local) {
		err = calls_hostport_resolve1(&laddr, opts->local, 0,
					      sa_af(&n.server));
		if (err) {
			log_error("--local %s: %m", opts->local, err);
			ex = CALLS_EXIT_USAGE;
			goto out;
		}
		lp = &laddr;
	}

	memset(&conf, 0, sizeof(conf));
	conf.rto_ms = opts->rto_ms;
	conf.rc = opts->rc;
	conf.software = STUNCMD_SOFTWARE;

	err = calls_stunc_alloc(&n.sc, CALLS_STUNC_UDP, lp,
				sa_af(&n.server), &conf);
	if (!err)
		err = local_addr(&n);
	if (err) {
		log_error("socket: %m", err);
		goto out;
	}

	err = send_step(&n);
	if (err) {
		log_error("%J: cannot send: %m", &n.server, err);
		goto out;
	}

	err = calls_app_run(stop_handler, &n);
	if (err)
		goto out;

	print_result(&n);
	ex = n.fail ? CALLS_EXIT_FAIL : CALLS_EXIT_OK;

 out:
	mem_deref(n.ct);
	mem_deref(n.sc);
	fflush(stdout);

	return ex;
}
