/**
 * @file scenario.c  calls-lt: calls x users, ramp-up, hosts, the run
 *
 * Users join in call order (every user of call 0, then call 1, ...) at
 * --join-rate users per second (or spread over --join-duration). In each
 * call the first --unmuted users send voice and, in the first --screen-
 * sharing calls, user 0 also shares its screen. A call's host is chosen
 * when its first user joins: the reachable address of the URL's name
 * with the lowest /system cpu_load (the plugin's rule, rtcd-protocol.md
 * section 8; near-equal loads are spread by call count); the name is
 * resolved again every RESOLVE_MS, and a call
 * stays where it started. --duration after the last join (or at SIGINT/
 * SIGTERM) every user leaves and the summary is printed.
 */
#include <math.h>
#include <string.h>
#include "re_inc.h"
#include "app.h"
#include "exitcode.h"
#include "log.h"
#include "rtcdmsg.h"
#include "lt.h"
#include "ltint.h"

enum {
	MAX_HOSTS  = 16,
	RESOLVE_MS = 5000,
	LEAVE_MS   = 500,
};

#define LOAD_TIE_REL 0.25   /* within 25% (+0.05) of the lowest: a tie */

struct host {
	struct sa addr;
	char *url;
	struct lt_target *t;
	bool ready, dead;
	unsigned calls;
	struct run *run;
};

struct run {
	const struct lt_opts *o;
	const struct lt_target_ops *ops;
	struct lt_target_conf tconf;
	struct lt_media *media;
	struct lt_stats *st;
	struct lt_sfumetrics *sfu;
	struct host hosts[MAX_HOSTS];
	unsigned hostc, pending;
	struct lt_user *users;          /* calls * users               */
	struct host **call_host;
	unsigned total, next;
	uint64_t last_resolve;
	uint64_t t_first_join;
	struct tmr tmr_join, tmr_tick, tmr_end, tmr_churn;
	struct sa laddr;
	bool ending, interrupted;
	int exit;
	int conn_err;
};

static struct run *run_g;


const char *lt_fail_name(enum lt_fail f)
{
	switch (f) {

	case LT_FAIL_SIGNALING: return "signaling";
	case LT_FAIL_ICE:       return "ice";
	case LT_FAIL_DTLS:      return "dtls";
	case LT_FAIL_DC:        return "datachannel";
	case LT_FAIL_CLOSED:    return "closed";
	case LT_FAIL_TIMEOUT:   return "timeout";
	default:                return "none";
	}
}


void lt_user_connected(struct lt_user *u)
{
	struct lt_stats *st = u->stats;

	if (u->t_connected || u->fail)
		return;
	u->t_connected = tmr_jiffies();
	st->connected++;
	lt_stats_join(st, u->t_connected - u->t_join + !(u->t_connected -
							  u->t_join), 0);
}


void lt_user_first_audio(struct lt_user *u)
{
	if (u->t_first_audio || u->left)
		return;
	u->t_first_audio = tmr_jiffies();
	lt_stats_join(u->stats, 0, u->t_first_audio - u->t_join +
		      !(u->t_first_audio - u->t_join));
}


void lt_user_failed(struct lt_user *u, enum lt_fail why)
{
	struct lt_stats *st = u->stats;

	if (u->fail || u->left || (run_g && run_g->ending))
		return;
	u->fail = why;
	st->failed++;
	st->fails[why]++;
	if (u->t_connected && st->connected)
		st->connected--;
	log_info("calls-lt: user %s of call %s failed: %s", u->user_id,
		 u->call_id, lt_fail_name(why));
}


/* ------------------------------------------------------------- hosts */

/* GET /system of a ready host: true with its cpu_load if it answers */
static bool host_load(struct host *h, double *loadp)
{
	char *url = NULL, *body = NULL;
	const struct odict_entry *e;
	struct odict *od = NULL;
	int status = 0;
	bool ok = false;

	if (!h->ready)
		return false;
	if (re_sdprintf(&url, "%s%ssystem", h->url,
			h->url[strlen(h->url) - 1] == '/' ? "" : "/"))
		return false;
	if (lt_http("GET", url, NULL, NULL, 1000, &status, &body) ||
	    status != 200 ||
	    json_decode_odict(&od, 4, body, strlen(body), 2)) {
		log_info("calls-lt: %s unreachable, skipped", url);
		goto out;
	}
	e = odict_lookup(od, "cpu_load");
	if (e && e->type == ODICT_DOUBLE)
		*loadp = e->u.dbl;
	else if (e && e->type == ODICT_INT)
		*loadp = (double)e->u.integer;
	else
		goto out;
	ok = true;

 out:
	mem_deref(od);
	mem_deref(body);
	mem_deref(url);
	return ok;
}


static void host_ready(int err, void *arg)
{
	struct host *h = arg;
	struct run *r = h->run;

	if (err) {
		log_error("calls-lt: %s: %m", h->url, err);
		h->dead = true;
		if (!r->conn_err || err == EACCES)
			r->conn_err = err;
	}
	else {
		h->ready = true;
	}
	if (r->pending)
		r->pending--;
}


static struct host *host_add(struct run *r, const struct sa *addr,
			     bool single)
{
	struct host *h;
	int err;

	if (r->hostc >= MAX_HOSTS)
		return NULL;
	h = &r->hosts[r->hostc];
	memset(h, 0, sizeof(*h));
	h->run = r;
	sa_cpy(&h->addr, addr);
	if (single)
		err = str_dup(&h->url, r->o->url);
	else
		err = lt_url_with_addr(&h->url, r->o->url, addr);
	if (err)
		return NULL;
	r->hostc++;

	r->tconf.url = h->url;
	err = r->ops->connect(&h->t, &r->tconf, host_ready, h);
	if (err) {
		log_error("calls-lt: %s: %m", h->url, err);
		h->dead = true;
		if (!r->conn_err || err == EACCES)
			r->conn_err = err;
		return h;
	}
	r->pending++;

	return h;
}


static void resolve(struct run *r, bool first)
{
	struct sa sav[MAX_HOSTS];
	size_t n = MAX_HOSTS, i;
	unsigned j;

	r->last_resolve = tmr_jiffies();
	if (strcmp(r->ops->name, "sfu")) {
		if (first) {
			sa_init(&sav[0], AF_INET);
			(void)host_add(r, &sav[0], true);
		}
		return;
	}
	if (lt_resolve(r->o->url, r->o->dns_server, sav, &n)) {
		if (first)
			r->conn_err = EADDRNOTAVAIL;
		return;
	}
	for (i = 0; i < n; i++) {
		for (j = 0; j < r->hostc; j++)
			if (sa_cmp(&r->hosts[j].addr, &sav[i], SA_ALL))
				break;
		if (j == r->hostc)
			(void)host_add(r, &sav[i], first && n == 1);
	}
}


/*
 * The reachable host with the lowest /system cpu_load. Loads within
 * 25% (+0.05) of the lowest count as equal (instances on one machine all
 * report that machine's load, with noise); among those the host with
 * the fewest calls placed by this run wins.
 */
static struct host *host_pick(struct run *r)
{
	double loadv[MAX_HOSTS], low = 0;
	struct host *best = NULL;
	bool ok[MAX_HOSTS];
	unsigned i;

	if (r->hostc == 1)
		return r->hosts[0].ready ? &r->hosts[0] : NULL;

	for (i = 0; i < r->hostc; i++) {
		ok[i] = host_load(&r->hosts[i], &loadv[i]);
		if (ok[i])
			log_info("calls-lt: host %s cpu_load %.3f calls %u",
				 r->hosts[i].url, loadv[i], r->hosts[i].calls);
		if (ok[i] && (!best || loadv[i] < low)) {
			best = &r->hosts[i];
			low = loadv[i];
		}
	}
	for (i = 0; i < r->hostc; i++) {
		if (!ok[i] || loadv[i] > low * (1 + LOAD_TIE_REL) + 0.05)
			continue;
		if (r->hosts[i].calls < best->calls)
			best = &r->hosts[i];
	}

	return best;
}


/* ----------------------------------------------------------- the run */

static void end_run(struct run *r);
static int exit_for(int err);


static void finish(void *arg)
{
	struct run *r = arg;
	struct lt_summary sm;
	unsigned i;

	for (i = 0; i < r->total; i++)
		r->users[i].drv = mem_deref(r->users[i].drv);
	for (i = 0; i < r->hostc; i++) {
		if (r->hosts[i].t)
			r->ops->close(r->hosts[i].t);
		r->hosts[i].t = NULL;
	}

	memset(&sm, 0, sizeof(sm));
	sm.target = r->ops->name;
	sm.calls = r->o->calls;
	sm.users_per_call = r->o->users;
	sm.unmuted = r->o->unmuted;
	sm.screen = r->o->screen;
	sm.interrupted = r->interrupted;
	sm.sfu = r->sfu;
	sm.st = r->st;
	lt_stats_summary(r->st, &sm);

	if (r->o->max_loss >= 0 &&
	    (lt_stats_loss_pct(r->st) > r->o->max_loss ||
	     lt_stats_stream_loss_max(r->st) > r->o->max_loss)) {
		log_error("calls-lt: loss above --max-loss %.3f%%",
			  r->o->max_loss);
		r->exit = CALLS_EXIT_FAIL;
	}
	if (r->o->max_join_p95 >= 0 &&
	    lt_stats_join_p95(r->st) > r->o->max_join_p95) {
		log_error("calls-lt: join p95 %.0f ms above --max-join-p95",
			  lt_stats_join_p95(r->st));
		r->exit = CALLS_EXIT_FAIL;
	}
	if (r->o->max_failures >= 0 &&
	    (long)r->st->failed > r->o->max_failures) {
		log_error("calls-lt: %u failed users, above --max-failures",
			  r->st->failed);
		r->exit = CALLS_EXIT_FAIL;
	}

	re_cancel();
}


static void end_run(struct run *r)
{
	unsigned i;

	if (r->ending)
		return;
	r->ending = true;
	tmr_cancel(&r->tmr_join);
	tmr_cancel(&r->tmr_churn);

	lt_peer_report_streams(r->st);
	for (i = 0; i < r->next; i++) {
		struct lt_user *u = &r->users[i];

		if (!u->target || u->left)
			continue;
		u->left = true;
		r->st->left++;
		(void)r->ops->leave(u->target, u);
	}
	tmr_start(&r->tmr_end, LEAVE_MS, finish, r);
}


static void end_h(void *arg)
{
	end_run(arg);
}


static void tick(void *arg)
{
	struct run *r = arg;
	struct lt_tick_extra x;

	memset(&x, 0, sizeof(x));
	if (r->sfu)
		lt_sfumetrics_sample(r->sfu, r->st, &x);
	lt_stats_tick(r->st, &x);
	if (!r->ending)
		tmr_start(&r->tmr_tick, 1000, tick, r);
}


static void churn(void *arg)
{
	struct run *r = arg;
	unsigned tries;

	for (tries = 0; tries < 16 && r->next; tries++) {
		struct lt_user *u = &r->users[rand_u32() % r->next];

		if (!u->unmuted || !u->t_connected || u->left)
			continue;
		(void)r->ops->mute(u->target, u, rand_u32() & 1);
		break;
	}
	tmr_start(&r->tmr_churn, (uint64_t)(r->o->mute_churn * 1000),
		  churn, r);
}


static uint64_t join_interval_us(const struct run *r)
{
	if (r->o->join_rate > 0)
		return (uint64_t)(1e6 / r->o->join_rate);
	if (r->o->join_duration > 0 && r->total > 1)
		return (uint64_t)(r->o->join_duration * 1e6 /
				  (r->total - 1));
	return 5000;           /* as fast as the loop allows: 200/s */
}


/* Joins every user whose time has come (user i at i * interval after
 * the first join: the rate holds whatever the loop's delays) */
static void join_next(void *arg)
{
	struct run *r = arg;
	uint64_t iv = join_interval_us(r), now_ms, due_ms;
	unsigned batch = 0;

	if (r->pending) {              /* hosts still connecting */
		tmr_start(&r->tmr_join, 20, join_next, r);
		return;
	}
	if (!r->t_first_join)
		r->t_first_join = tmr_jiffies();

	for (;;) {
		struct lt_user *u;
		struct host *h;
		int err;

		if (r->next >= r->total || batch++ >= 64)
			break;
		now_ms = tmr_jiffies();
		due_ms = r->t_first_join + r->next * iv / 1000;
		if (due_ms > now_ms)
			break;

		u = &r->users[r->next];
		if (now_ms - r->last_resolve > RESOLVE_MS)
			resolve(r, false);

		h = r->call_host[u->call];
		if (!h) {
			h = host_pick(r);
			if (!h) {
				log_error("calls-lt: no SFU host reachable");
				r->exit = exit_for(r->conn_err ? r->conn_err :
						   ECONNREFUSED);
				end_run(r);
				return;
			}
			r->call_host[u->call] = h;
			h->calls++;
			log_info("calls-lt: call %s on %s", u->call_id,
				 h->url);
		}

		u->target = h->t;
		u->t_join = tmr_jiffies();
		r->st->joined++;
		r->next++;
		err = r->ops->join(h->t, u);
		if (err) {
			log_warn("calls-lt: join %s: %m", u->user_id, err);
			lt_user_failed(u, LT_FAIL_SIGNALING);
		}
	}

	if (r->next < r->total) {
		due_ms = r->t_first_join + r->next * iv / 1000;
		now_ms = tmr_jiffies();
		tmr_start(&r->tmr_join, due_ms > now_ms ? due_ms - now_ms : 1,
			  join_next, r);
		return;
	}

	tmr_start(&r->tmr_end, (uint64_t)(r->o->duration * 1000), end_h, r);
	if (r->o->mute_churn > 0)
		tmr_start(&r->tmr_churn, (uint64_t)(r->o->mute_churn * 1000),
			  churn, r);
}


static void stop_h(int sig, void *arg)
{
	struct run *r = arg;

	(void)sig;
	if (r->ending)
		return;
	log_info("calls-lt: interrupted, leaving");
	r->interrupted = true;
	end_run(r);
}


static int users_init(struct run *r)
{
	const struct lt_opts *o = r->o;
	unsigned c, i;
	int err;

	r->total = o->calls * o->users;
	r->users = mem_zalloc(r->total * sizeof(*r->users), NULL);
	r->call_host = mem_zalloc(o->calls * sizeof(*r->call_host), NULL);
	if (!r->users || !r->call_host)
		return ENOMEM;

	for (c = 0; c < o->calls; c++) {
		for (i = 0; i < o->users; i++) {
			struct lt_user *u = &r->users[c * o->users + i];

			u->call = c;
			u->idx = i;
			re_snprintf(u->call_id, sizeof(u->call_id),
				    "lt-call-%u", o->offset + c);
			re_snprintf(u->user_id, sizeof(u->user_id),
				    "lt-user-%u-%u", o->offset + c, i);
			err = calls_rtcd_id_new(u->session_id);
			if (err)
				return err;
			u->unmuted = i < o->unmuted;
			u->screen = i == 0 && c < o->screen;
			u->stats = r->st;
		}
	}

	return 0;
}


static const struct lt_target_ops *target_find(const char *name)
{
	extern const struct lt_target_ops lt_target_janus
		__attribute__((weak));

	if (!name || !strcmp(name, "sfu"))
		return &lt_target_sfu;
	if (!strcmp(name, "janus") && &lt_target_janus)
		return &lt_target_janus;

	return NULL;
}


static int local_addr(struct run *r)
{
	struct sa sav[1], any;
	size_t n = 1;
	struct udp_sock *us = NULL;
	int err;

	if (r->o->local_addr)
		return sa_set_str(&r->laddr, r->o->local_addr, 0);

	/* the address the kernel would use towards the SFU */
	err = lt_resolve(r->o->url, r->o->dns_server, sav, &n);
	if (err)
		return err;
	sa_init(&any, sa_af(&sav[0]));
	err = udp_listen(&us, &any, NULL, NULL);
	if (!err)
		err = udp_connect(us, &sav[0]);
	if (!err)
		err = udp_local_get(us, &r->laddr);
	mem_deref(us);
	sa_set_port(&r->laddr, 0);

	return err;
}


static void run_free(struct run *r)
{
	unsigned i;

	tmr_cancel(&r->tmr_join);
	tmr_cancel(&r->tmr_tick);
	tmr_cancel(&r->tmr_end);
	tmr_cancel(&r->tmr_churn);
	for (i = 0; i < r->hostc; i++) {
		if (r->hosts[i].t)
			r->ops->close(r->hosts[i].t);
		mem_deref(r->hosts[i].url);
	}
	if (r->users)
		for (i = 0; i < r->total; i++)
			mem_deref(r->users[i].drv);
	mem_deref(r->users);
	mem_deref(r->call_host);
	mem_deref(r->media);
	mem_deref(r->sfu);
	mem_deref(r->st);
}


static int exit_for(int err)
{
	switch (err) {

	case EACCES:
	case EINVAL:
		return CALLS_EXIT_CONFIG;
	default:
		return CALLS_EXIT_NET;
	}
}


int lt_run(const struct lt_opts *o)
{
	struct run r;
	int err;

	memset(&r, 0, sizeof(r));
	r.o = o;
	run_g = &r;

	r.ops = target_find(o->target);
	if (!r.ops) {
		log_error("calls-lt: unknown or unbuilt --target '%s'",
			  o->target);
		return CALLS_EXIT_USAGE;
	}
	lt_resolve_set_server(o->dns_server);

	err = lt_media_load(&r.media, o->opus_path, o->ivf_path);
	if (err) {
		r.exit = CALLS_EXIT_CONFIG;
		goto out;
	}
	err = lt_stats_alloc(&r.st);
	if (!err)
		err = users_init(&r);
	if (err) {
		r.exit = CALLS_EXIT_NET;
		goto out;
	}
	if (o->sfu_metrics || o->sfu_pid) {
		err = lt_sfumetrics_alloc(&r.sfu, o->sfu_metrics, o->sfu_pid);
		if (err) {
			r.exit = CALLS_EXIT_CONFIG;
			goto out;
		}
	}

	err = local_addr(&r);
	if (err) {
		log_error("calls-lt: %s: cannot resolve or route (%m)",
			  o->url, err);
		r.exit = CALLS_EXIT_NET;
		goto out;
	}
	r.tconf.laddr = &r.laddr;
	r.tconf.media = r.media;
	r.tconf.client_id = o->client_id;
	r.tconf.auth_key = o->auth_key;

	resolve(&r, true);
	if (!r.hostc) {
		r.exit = exit_for(r.conn_err ? r.conn_err : EADDRNOTAVAIL);
		goto out;
	}

	/* join_next waits for the hosts' signaling */
	tmr_start(&r.tmr_join, 0, join_next, &r);
	tmr_start(&r.tmr_tick, 1000, tick, &r);

	err = calls_app_run(stop_h, &r);
	(void)err;

	if (!r.st->joined && r.conn_err)
		r.exit = exit_for(r.conn_err);

 out:
	run_free(&r);
	run_g = NULL;
	return r.exit;
}
