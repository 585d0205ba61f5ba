/**
 * @file run.c  calls-metrics scrape and summary: the rounds
 *
 * One round: scrape every target at once, parse each body in place,
 * derive rates and quantiles from the round before (watch mode), then
 * filter and write, or evaluate --check per target. Exit status: 4 when
 * a target could not be scraped, 3 when --strict and a line was rejected,
 * 1 when a check was false, else 0 (the highest that applies).
 */
#include <math.h>
#include <string.h>
#include <time.h>
#include "re_inc.h"
#include "exitcode.h"
#include "json.h"
#define LOG_MODULE "metrics"
#include "log.h"
#include "run.h"

struct ctx {
	const struct run_cfg *cfg;
	struct out *out;
	struct jqf *filter;
	struct jqf *check;
	struct watch *watch;
	struct scrape_result *resv;
	struct batch *prev, *cur, *der;
	bool *prev_ok, *cur_ok;
	int exit;
};


static double now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);

	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}


static void sleep_until(double t)
{
	double d = t - now_mono();
	struct timespec ts;

	if (d <= 0)
		return;
	ts.tv_sec = (time_t)d;
	ts.tv_nsec = (long)((d - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}


static void raise_exit(struct ctx *c, int code)
{
	if (code > c->exit)
		c->exit = code;
}


/* Scrapes and parses every target into c->cur */
static int round_scrape(struct ctx *c)
{
	const struct run_cfg *cfg = c->cfg;
	int err;

	err = scrape_run(&cfg->so, cfg->targets, cfg->targetc, c->resv);
	if (err)
		return err;

	for (size_t i = 0; i < cfg->targetc; i++) {
		struct scrape_result *r = &c->resv[i];
		struct batch *b = &c->cur[i];

		batch_reset(b);
		c->cur_ok[i] = false;

		if (r->error[0]) {
			log_error("%s: %s", r->target, r->error);
			raise_exit(c, CALLS_EXIT_NET);
			continue;
		}

		b->body = r->body;
		r->body = NULL;
		err = batch_parse(b, r->fmt);
		if (err) {
			log_error("%s: %m", r->target, err);
			raise_exit(c, CALLS_EXIT_NET);
			continue;
		}
		if (b->errors) {
			log_warn("%s: %u line%s rejected", r->target,
				 b->errors, b->errors == 1 ? "" : "s");
			if (cfg->strict)
				raise_exit(c, CALLS_EXIT_CONFIG);
		}
		c->cur_ok[i] = true;
	}

	return 0;
}


static int filter_out_h(const char *json, const struct rec *rec, void *arg)
{
	struct out *out = ((void **)arg)[0];
	const struct rec *in = ((void **)arg)[1];

	if (rec && ((struct ctx *)((void **)arg)[2])->cfg->fmt != OUT_JSON) {
		struct rec r = *rec;

		/* HELP text does not travel through jq */
		if (r.fam.l == in->fam.l && !memcmp(r.fam.p, in->fam.p,
						    r.fam.l))
			r.help = in->help;
		return out_rec(out, &r);
	}

	return out_json(out, json);
}


static int emit_records(struct ctx *c, const struct batch *b)
{
	int err = 0;

	for (size_t i = 0; i < b->recc && !err; i++) {
		const struct rec *r = &b->recv[i];
		void *arg[3] = {c->out, (void *)r, c};
		char *json = NULL;

		if (!c->filter) {
			err = out_rec(c->out, r);
			continue;
		}

		err = re_sdprintf(&json, "%H", rec_json, r);
		if (err)
			break;
		(void)jqf_run(c->filter, json, filter_out_h, arg);
		mem_deref(json);
	}

	return err;
}


static int check_doc(struct re_printf *pf, const struct batch *b)
{
	int err = 0;

	err |= re_hprintf(pf, "{\"target\":\"%H\",\"samples\":[",
			  calls_json_escape, b->target);
	for (size_t i = 0; i < b->recc; i++)
		err |= re_hprintf(pf, "%s%H", i ? "," : "", rec_json,
				  &b->recv[i]);

	return err | re_hprintf(pf, "]}");
}


static int emit_check(struct ctx *c, const struct batch *b, bool ok_in)
{
	char why[256], *doc = NULL;
	bool ok = false;
	int err;

	if (!ok_in) {
		printf("FAILED %s: not scraped\n", b->target);
		return 0;
	}

	err = re_sdprintf(&doc, "%H", check_doc, b);
	if (err)
		return err;

	err = jqf_test(c->check, doc, &ok, why, sizeof(why));
	mem_deref(doc);
	if (err)
		return err;

	if (ok)
		printf("OK %s: %s\n", b->target, c->cfg->check);
	else {
		printf("FAILED %s: %s is %s\n", b->target, c->cfg->check,
		       why);
		raise_exit(c, CALLS_EXIT_FAIL);
	}
	fflush(stdout);

	return 0;
}


static int emit_round(struct ctx *c, struct batch *bv, const bool *okv)
{
	const struct run_cfg *cfg = c->cfg;
	int err = 0;

	for (size_t i = 0; i < cfg->targetc && !err; i++) {
		struct batch *b = &bv[i];

		if (cfg->check) {
			err = emit_check(c, b, okv[i]);
			continue;
		}
		if (!okv[i])
			continue;
		if (cfg->count_only) {
			printf("%s samples=%zu rejected=%u\n", b->target,
			       b->samples, b->errors);
			continue;
		}
		if (cfg->group)
			err = out_group(c->out, b, c->filter);
		else
			err = emit_records(c, b);
	}

	if (!err && !cfg->check && !cfg->count_only)
		err = out_flush(c->out);

	jqf_release(c->filter);
	fflush(stdout);

	return err;
}


static int ctx_init(struct ctx *c, const struct run_cfg *cfg)
{
	const char *tl = cfg->target_label;
	char msg[512];
	size_t n = cfg->targetc;
	int err;

	memset(c, 0, sizeof(*c));
	c->cfg = cfg;

	if (!tl && n > 1)
		tl = "target";
	err = out_alloc(&c->out, cfg->fmt, cfg->group, tl, stdout);
	if (err)
		return err;

	if (cfg->filter) {
		err = jqf_alloc(&c->filter, cfg->filter, msg, sizeof(msg));
		if (err) {
			log_error("--filter '%s': %s", cfg->filter, msg);
			return err;
		}
	}
	if (cfg->check) {
		err = jqf_alloc(&c->check, cfg->check, msg, sizeof(msg));
		if (err) {
			log_error("--check '%s': %s", cfg->check, msg);
			return err;
		}
	}
	if (cfg->interval > 0) {
		err = watch_alloc(&c->watch, cfg->qv, cfg->qc);
		if (err)
			return err;
	}

	c->resv = mem_zalloc(n * sizeof(*c->resv), NULL);
	c->prev = mem_zalloc(n * sizeof(*c->prev), NULL);
	c->cur = mem_zalloc(n * sizeof(*c->cur), NULL);
	c->der = mem_zalloc(n * sizeof(*c->der), NULL);
	c->prev_ok = mem_zalloc(n * sizeof(bool), NULL);
	c->cur_ok = mem_zalloc(n * sizeof(bool), NULL);
	if (!c->resv || !c->prev || !c->cur || !c->der || !c->prev_ok ||
	    !c->cur_ok)
		return ENOMEM;

	for (size_t i = 0; i < n; i++) {
		batch_init(&c->prev[i], cfg->targets[i]);
		batch_init(&c->cur[i], cfg->targets[i]);
		batch_init(&c->der[i], cfg->targets[i]);
		c->prev[i].count_only = cfg->count_only;
		c->cur[i].count_only = cfg->count_only;
	}

	return 0;
}


static void ctx_close(struct ctx *c)
{
	for (size_t i = 0; c->resv && i < c->cfg->targetc; i++)
		scrape_result_reset(&c->resv[i]);
	for (size_t i = 0; c->cur && i < c->cfg->targetc; i++) {
		batch_free(&c->prev[i]);
		batch_free(&c->cur[i]);
		batch_free(&c->der[i]);
	}
	mem_deref(c->resv);
	mem_deref(c->prev);
	mem_deref(c->cur);
	mem_deref(c->der);
	mem_deref(c->prev_ok);
	mem_deref(c->cur_ok);
	mem_deref(c->out);
	mem_deref(c->filter);
	mem_deref(c->check);
	mem_deref(c->watch);
}


static void swap_rounds(struct ctx *c)
{
	struct batch *tb = c->prev;
	bool *tk = c->prev_ok;

	c->prev = c->cur;
	c->cur = tb;
	c->prev_ok = c->cur_ok;
	c->cur_ok = tk;
}


int run_scrape(const struct run_cfg *cfg)
{
	struct ctx c;
	double t_prev = 0, t;
	unsigned long round = 0;
	int err;

	err = ctx_init(&c, cfg);
	if (err) {
		ctx_close(&c);
		return err == EINVAL ? CALLS_EXIT_USAGE : CALLS_EXIT_NET;
	}

	for (;;) {
		t = now_mono();
		err = round_scrape(&c);
		if (err)
			break;

		if (!c.watch) {
			err = emit_round(&c, c.cur, c.cur_ok);
			break;
		}

		if (round) {
			for (size_t i = 0; i < cfg->targetc && !err; i++) {
				batch_reset(&c.der[i]);
				if (!c.cur_ok[i] || !c.prev_ok[i]) {
					c.cur_ok[i] = false;
					continue;
				}
				err = watch_derive(c.watch, &c.prev[i],
						   &c.cur[i], t - t_prev,
						   &c.der[i]);
			}
			if (!err)
				err = emit_round(&c, c.der, c.cur_ok);
			if (err || (cfg->count && round >= cfg->count))
				break;
		}

		swap_rounds(&c);
		t_prev = t;
		++round;
		sleep_until(t + cfg->interval);
	}

	if (err) {
		log_error("%m", err);
		raise_exit(&c, CALLS_EXIT_NET);
	}

	ctx_close(&c);

	return c.exit;
}


int run_summary(const struct run_cfg *cfg)
{
	struct ctx c;
	double t0;
	int err;

	err = ctx_init(&c, cfg);
	if (err)
		goto out;

	t0 = now_mono();
	err = round_scrape(&c);
	if (err)
		goto out;

	if (cfg->interval > 0) {
		swap_rounds(&c);
		sleep_until(t0 + cfg->interval);
		err = round_scrape(&c);
		if (err)
			goto out;
	}

	for (size_t i = 0; i < cfg->targetc; i++) {
		bool two = cfg->interval > 0;
		const struct batch *a = two ? &c.prev[i] : &c.cur[i];

		if (!c.cur_ok[i] || (two && !c.prev_ok[i]))
			continue;
		if (i && !cfg->json)
			printf("\n");
		err = summary_print(stdout, a, two ? &c.cur[i] : NULL,
				    cfg->interval, cfg->json);
		if (err)
			goto out;
	}

 out:
	if (err) {
		log_error("%m", err);
		raise_exit(&c, CALLS_EXIT_NET);
	}
	ctx_close(&c);

	return c.exit;
}
