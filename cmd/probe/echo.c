/**
 * @file echo.c  listen --echo: the responder ping measures against
 *
 * Reflects probe requests (pkt.c) to their sender with the reply flag and
 * its own receive timestamp set; anything else is dropped. Over TCP the
 * packets' length field frames them; a connection that sends something
 * else is closed. With --count N it exits after N replies, which makes a
 * responder that stops midway on purpose.
 */
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include "re_inc.h"
#include "exitcode.h"
#include "app.h"
#define LOG_MODULE "echo"
#include "log.h"
#include "probe.h"

struct echo {
	const struct probe_opts *o;
	int fd;                   /* UDP socket or TCP listener */
	struct list conns;
	uint64_t replies;
	uint64_t dropped;
	struct tmr tmr_idle;
	int ret;
	uint8_t buf[PROBE_MAX_LEN + 1];
};

struct econn {
	struct le le;
	struct echo *e;
	int fd;
	struct sa peer;
	size_t len;
	uint8_t buf[PROBE_MAX_LEN + 1];
};


static void idle_h(void *arg)
{
	(void)arg;

	log_info("idle, done");
	re_cancel();
}


/* --wait: exit once no probe came for that long */
static void idle_restart(struct echo *e)
{
	if (e->o->wait > 0)
		tmr_start(&e->tmr_idle, (uint64_t)(e->o->wait * 1000),
			  idle_h, e);
}


static void replied(struct echo *e)
{
	++e->replies;
	idle_restart(e);

	if (e->o->count && e->replies >= e->o->count) {
		log_info("%llu probes reflected, done",
			 (unsigned long long)e->replies);
		re_cancel();
	}
}


static void udp_h(int flags, void *arg)
{
	struct echo *e = arg;
	struct sa src, local;
	ssize_t n;
	int err;
	(void)flags;

	n = sock_recv(e->fd, e->buf, sizeof(e->buf), &src, &local);
	if (n < 0)
		return;

	err = pkt_make_reply(e->buf, (size_t)n, probe_now_ns());
	if (err) {
		++e->dropped;
		log_debug("%J: dropped %zd bytes: not a probe request (%m)",
			  &src, n, err);
		return;
	}

	/* from the address the probe came to */
	err = sock_send(e->fd, e->buf, (size_t)n, &src, &local);
	if (err) {
		log_debug("%J: send: %m", &src, err);
		return;
	}

	replied(e);
}


static void econn_destructor(void *arg)
{
	struct econn *c = arg;

	list_unlink(&c->le);
	fd_close(c->fd);
	close(c->fd);
}


/* Reflects the complete packets at the start of c->buf */
static int econn_process(struct econn *c)
{
	size_t done = 0, plen;
	int err = 0;

	while (!err) {
		err = pkt_frame_len(&plen, c->buf + done, c->len - done);
		if (err == ENODATA || (!err && plen > c->len - done)) {
			err = 0;
			break;
		}
		if (err)
			break;

		err = pkt_make_reply(c->buf + done, plen, probe_now_ns());
		if (!err)
			err = sock_write_all(c->fd, c->buf + done, plen);
		if (!err)
			replied(c->e);
		done += plen;
	}

	memmove(c->buf, c->buf + done, c->len - done);
	c->len -= done;

	return err;
}


static void econn_h(int flags, void *arg)
{
	struct econn *c = arg;
	ssize_t n;
	int err;
	(void)flags;

	n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;

	if (n <= 0) {
		log_debug("tcp %J: closed", &c->peer);
		mem_deref(c);
		return;
	}

	c->len += (size_t)n;

	err = econn_process(c);
	if (err) {
		++c->e->dropped;
		log_info("tcp %J: not probe packets (%m), closing", &c->peer,
			 err);
		mem_deref(c);
	}
}


static void accept_h(int flags, void *arg)
{
	struct echo *e = arg;
	struct econn *c;
	struct sa src;
	struct timeval tv = {1, 0};
	int fd;
	(void)flags;

	sa_init(&src, AF_UNSPEC);
	src.len = sizeof(src.u);
	fd = accept4(e->fd, &src.u.sa, &src.len, SOCK_CLOEXEC);
	if (fd < 0)
		return;

	c = mem_zalloc(sizeof(*c), econn_destructor);
	if (!c) {
		close(fd);
		return;
	}

	c->e = e;
	c->fd = fd;
	c->peer = src;
	list_append(&e->conns, &c->le, c);

	/* replies block, but never for long on a stuck client */
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));

	if (fd_listen(fd, FD_READ, econn_h, c)) {
		mem_deref(c);
		return;
	}

	log_debug("tcp %J: connected", &src);
}


static void destructor(void *arg)
{
	struct echo *e = arg;

	tmr_cancel(&e->tmr_idle);
	list_flush(&e->conns);
	if (e->fd >= 0) {
		fd_close(e->fd);
		close(e->fd);
	}
}


int echo_run(const struct probe_opts *o)
{
	struct echo *e;
	struct sa bound;
	int err, ret = CALLS_EXIT_NET;

	e = mem_zalloc(sizeof(*e), destructor);
	if (!e)
		return CALLS_EXIT_NET;

	e->o = o;
	e->fd = -1;
	list_init(&e->conns);
	tmr_init(&e->tmr_idle);

	err = sock_serve(&e->fd, &bound, o);
	if (err)
		goto out;

	if (o->proto == PROBE_UDP && sa_is_any(&bound)) {
		err = sock_pktinfo_enable(e->fd, sa_af(&bound));
		if (err) {
			log_error("IP_PKTINFO: %m", err);
			goto out;
		}
	}

	err = fd_listen(e->fd, FD_READ,
			o->proto == PROBE_UDP ? udp_h : accept_h, e);
	if (err)
		goto out;

	/* stdout is not a data channel here: the usual daemon ready line */
	re_printf("ready %s=%J\n", proto_name(o->proto), &bound);
	fflush(stdout);
	idle_restart(e);

	err = calls_app_run(NULL, NULL);
	if (err)
		goto out;

	log_info("%llu probes reflected, %llu dropped",
		 (unsigned long long)e->replies,
		 (unsigned long long)e->dropped);
	ret = CALLS_EXIT_OK;

 out:
	mem_deref(e);

	return ret;
}
