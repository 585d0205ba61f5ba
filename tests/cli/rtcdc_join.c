/*
 * rtcdc-join: our own rtcd client (lib/rtcdc) against calls-sfu, for
 * tests/cli/sfu-ws.bats.
 *
 *     rtcdc-join URL CLIENT_ID AUTH_KEY CALL_ID SESSION_ID [HOLD_FILE]
 *
 * Connects, prints "hello <connID>", joins, prints "joined" (no offer:
 * run the daemon with a long CALLS_SFU_TEST_OFFER_TIMEOUT_MS to hold);
 * then (once HOLD_FILE exists, if given) leaves and waits for the close
 * of its session, prints "close <sessionID>" and exits 0. Exit 1 on a
 * timeout (10 s per step) or an unexpected message, 4 on errors.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "re_inc.h"
#include "rtcdmsg.h"
#include "rtcdc.h"

enum { STEP_MS = 10000, POLL_MS = 50 };

struct state {
	struct calls_rtcdc *c;
	const char *call_id;
	const char *session_id;
	const char *hold;
	struct tmr tmr;
	struct tmr poll;
	bool left;
	int status;
};

static void done(struct state *st, int status)
{
	st->status = status;
	re_cancel();
}

static void timeout_h(void *arg)
{
	fprintf(stderr, "rtcdc-join: timeout\n");
	done(arg, 1);
}

static void leave(struct state *st)
{
	int err = calls_rtcdc_leave(st->c, st->session_id);

	if (err) {
		fprintf(stderr, "rtcdc-join: leave: %s\n", strerror(err));
		done(st, 4);
		return;
	}

	st->left = true;
	tmr_start(&st->tmr, STEP_MS, timeout_h, st);
}

static void poll_h(void *arg)
{
	struct state *st = arg;

	if (access(st->hold, F_OK))
		tmr_start(&st->poll, POLL_MS, poll_h, st);
	else
		leave(st);
}

static void hello_h(const char *conn_id, void *arg)
{
	struct state *st = arg;
	struct calls_rtcdmsg_join j;
	int err;

	printf("hello %s\n", conn_id);

	memset(&j, 0, sizeof(j));
	j.call_id = (char *)st->call_id;
	j.user_id = "rtcdc-user";
	j.session_id = (char *)st->session_id;
	j.channel_id = "rtcdc-channel";
	j.av1_support = CALLS_TRI_FALSE;
	j.dc_signaling = CALLS_TRI_FALSE;

	err = calls_rtcdc_join(st->c, &j);
	if (err) {
		fprintf(stderr, "rtcdc-join: join: %s\n", strerror(err));
		done(st, 4);
		return;
	}

	printf("joined\n");
	fflush(stdout);
	tmr_cancel(&st->tmr);

	if (st->hold)
		poll_h(st);
	else
		leave(st);
}

static void msg_h(const struct calls_rtcdmsg *msg, void *arg)
{
	struct state *st = arg;

	if (msg->type == CALLS_RTCDMSG_CLOSE && st->left &&
	    msg->session_id && !strcmp(msg->session_id, st->session_id)) {
		printf("close %s\n", msg->session_id);
		done(st, 0);
		return;
	}

	fprintf(stderr, "rtcdc-join: unexpected %s\n",
		calls_rtcdmsg_type_name(msg->type));
	done(st, 1);
}

static void close_h(int err, void *arg)
{
	fprintf(stderr, "rtcdc-join: connection closed: %s\n",
		err ? strerror(err) : "normally");
	done(arg, 4);
}

int main(int argc, char **argv)
{
	struct state st;
	int err;

	if (argc < 6 || argc > 7) {
		fprintf(stderr, "usage: rtcdc-join URL CLIENT_ID AUTH_KEY "
			"CALL_ID SESSION_ID [HOLD_FILE]\n");
		return 2;
	}

	memset(&st, 0, sizeof(st));
	st.call_id = argv[4];
	st.session_id = argv[5];
	st.hold = argc > 6 ? argv[6] : NULL;
	st.status = 4;

	if (libre_init())
		return 4;

	tmr_init(&st.tmr);
	tmr_init(&st.poll);

	err = calls_rtcdc_connect(&st.c, argv[1], argv[2], argv[3], hello_h,
				  msg_h, close_h, &st);
	if (err) {
		fprintf(stderr, "rtcdc-join: connect: %s\n", strerror(err));
		goto out;
	}

	tmr_start(&st.tmr, STEP_MS, timeout_h, &st);
	(void)re_main(NULL);

 out:
	tmr_cancel(&st.tmr);
	tmr_cancel(&st.poll);
	st.c = mem_deref(st.c);
	libre_close();
	tmr_debug();
	mem_debug();

	return st.status;
}
