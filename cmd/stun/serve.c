/**
 * @file serve.c  calls-stun serve: Binding server over UDP and TCP
 *
 * The UDP path allocates nothing per request: datagrams are read in
 * batches with recvmmsg() into buffers the server owns, each is handled
 * in place by srv_handle() into a reused response buffer, and the
 * answers for one socket go out in one sendmmsg(). Sockets are our own
 * (not libre's udp_sock, which allocates an mbuf per datagram) and are
 * watched by libre's event loop with fd_listen().
 *
 * TCP carries STUN framed by its length field. Each connection has a
 * fixed receive buffer; answers that do not fit the socket queue wait in
 * an mbuf. With --alternate the server listens on the four combinations
 * of primary/alternate IP and port (RFC 5780) and answers CHANGE-REQUEST
 * from the matching socket.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include "re_inc.h"
#define LOG_MODULE "serve"
#include "log.h"
#include "app.h"
#include "exitcode.h"
#include "hostport.h"
#include "json.h"
#include "stun.h"
#include "stuncmd.h"

enum {
	BATCH = 64,             /* datagrams per recvmmsg()            */
	ROUNDS = 16,            /* batches per wake-up                 */
	TX_SIZE = CALLS_STUN_MAX_LEN,  /* room for RFC 5780 PADDING   */
	TCP_MAX_CONNS = 512,
	TCP_IDLE_MS = 30000,
	TCP_TXQ_MAX = 65536,
	SOCKBUF = 1 << 21,
};

enum transport { T_UDP = SRV_UDP, T_TCP = SRV_TCP };

struct server;
struct group;

/* A UDP socket or a TCP listening socket of a group */
struct sock {
	struct server *srv;
	struct group *grp;
	enum transport tp;
	unsigned k;             /* combo index */
	int fd;
	struct sa local;
};

/* One --listen address: 1 socket per transport, or 4 with --alternate */
struct group {
	struct le le;
	unsigned n;
	struct sa addr[4];
	struct sock *u[4];
	struct sock *t[4];
};

struct tconn {
	struct le le;
	struct server *srv;
	struct sock *ls;
	int fd;
	struct sa peer;
	struct tmr idle;
	struct mbuf *txq;
	size_t rxlen;
	uint8_t rx[CALLS_STUN_MAX_LEN];
};

struct server {
	const struct serve_opts *opts;
	struct list groups;
	struct list conns;
	struct http_sock *http;
	struct sa http_addr;
	struct calls_jw jw;
	struct srv_stats st;

	/* the UDP batch, set up once and reused */
	struct mmsghdr rmsg[BATCH];
	struct iovec riov[BATCH];
	struct sockaddr_storage rname[BATCH];
	uint8_t rbuf[BATCH][CALLS_STUN_MAX_LEN];
	struct mmsghdr smsg[BATCH];
	struct sockaddr_storage sname[BATCH];
	struct iovec siov[BATCH];
	uint8_t sbuf[BATCH][TX_SIZE];
};


static void sock_destructor(void *arg)
{
	struct sock *s = arg;

	if (s->fd >= 0) {
		fd_close(s->fd);
		(void)close(s->fd);
	}
}


static void group_destructor(void *arg)
{
	struct group *g = arg;
	unsigned i;

	list_unlink(&g->le);
	for (i = 0; i < 4; i++) {
		mem_deref(g->u[i]);
		mem_deref(g->t[i]);
	}
}


static void tconn_destructor(void *arg)
{
	struct tconn *tc = arg;

	tmr_cancel(&tc->idle);
	list_unlink(&tc->le);
	if (tc->fd >= 0) {
		fd_close(tc->fd);
		(void)close(tc->fd);
		--tc->srv->st.tcp_conns;
	}
	mem_deref(tc->txq);
}


static void server_destructor(void *arg)
{
	struct server *srv = arg;

	list_flush(&srv->conns);
	list_flush(&srv->groups);
	mem_deref(srv->http);
	calls_jw_close(&srv->jw);
}


/* Request log: one JSON line per request on stdout */
static void log_request(struct server *srv, enum transport tp,
			const struct sa *src, const struct sa *local,
			enum srv_result res, const struct srv_reply *rep)
{
	struct calls_jw *w = &srv->jw;
	char ts[40], addr[64];
	struct timeval tv;
	struct tm tm;

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	re_snprintf(ts + strlen(ts), sizeof(ts) - strlen(ts), ".%03dZ",
		    (int)(tv.tv_usec / 1000));

	calls_jw_obj_begin(w, NULL);
	calls_jw_str(w, "ts", ts);
	calls_jw_str(w, "transport", srv_transport_name(tp));
	re_snprintf(addr, sizeof(addr), "%J", src);
	calls_jw_str(w, "src", addr);
	re_snprintf(addr, sizeof(addr), "%J", local);
	calls_jw_str(w, "local", addr);
	calls_jw_str(w, "result", srv_result_name(res));
	if (rep->code)
		calls_jw_uint(w, "code", rep->code);
	calls_jw_bool(w, "answered", rep->len > 0);
	calls_jw_obj_end(w);
	(void)calls_jw_line(w, stdout);
}


static void handle(struct server *srv, struct sock *s, const uint8_t *req,
		   size_t len, const struct sa *src, struct srv_reply *rep)
{
	struct srv_where where;
	enum srv_result res;

	where.src = src;
	where.local = &s->local;
	where.combo = s->grp->n == 4 ? s->grp->addr : NULL;
	where.k = s->k;

	res = srv_handle(&srv->opts->conf, req, len, &where, rep);
	++srv->st.packets[s->tp];
	++srv->st.results[s->tp][res];

	if (res >= SRV_DROP_MALFORMED)
		log_debug("%s %J: dropped (%s)", srv_transport_name(s->tp),
			  src, srv_result_name(res));

	if (srv->opts->log_requests)
		log_request(srv, s->tp, src, &s->local, res, rep);
}


static void udp_read_handler(int flags, void *arg)
{
	struct sock *s = arg;
	struct server *srv = s->srv;
	unsigned round;
	int i, n;
	(void)flags;

	for (round = 0; round < ROUNDS; round++) {
		int ns = 0, sent = 0;

		for (i = 0; i < BATCH; i++)
			srv->rmsg[i].msg_hdr.msg_namelen =
				sizeof(srv->rname[i]);

		n = recvmmsg(s->fd, srv->rmsg, BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			break;

		for (i = 0; i < n; i++) {
			struct msghdr *h = &srv->rmsg[i].msg_hdr;
			struct srv_reply rep;
			struct sa src;

			if (sa_set_sa(&src, (struct sockaddr *)h->msg_name))
				continue;

			rep.buf = srv->sbuf[ns];
			rep.size = TX_SIZE;
			handle(srv, s, srv->rbuf[i], srv->rmsg[i].msg_len,
			       &src, &rep);
			if (!rep.len)
				continue;

			memcpy(&srv->sname[ns], h->msg_name, h->msg_namelen);
			if (rep.port) {
				/* RESPONSE-PORT: same IP, that port */
				sa_set_port(&src, rep.port);
				memcpy(&srv->sname[ns], &src.u, src.len);
			}

			if (rep.k != s->k) {
				/* CHANGE-REQUEST: from a sibling socket */
				struct sock *o = s->grp->u[rep.k];

				if (!o || sendto(o->fd, rep.buf, rep.len,
						 MSG_DONTWAIT,
						 (struct sockaddr *)
						 &srv->sname[ns],
						 h->msg_namelen) < 0)
					++srv->st.send_failed[T_UDP];
				continue;
			}

			srv->siov[ns].iov_base = rep.buf;
			srv->siov[ns].iov_len = rep.len;
			srv->smsg[ns].msg_hdr.msg_name = &srv->sname[ns];
			srv->smsg[ns].msg_hdr.msg_namelen = h->msg_namelen;
			++ns;
		}

		while (sent < ns) {
			int r = sendmmsg(s->fd, srv->smsg + sent,
					 (unsigned)(ns - sent), MSG_DONTWAIT);
			if (r <= 0) {
				srv->st.send_failed[T_UDP] +=
					(uint64_t)(ns - sent);
				break;
			}
			sent += r;
		}

		if (n < BATCH)
			break;
	}
}


static int tconn_flush(struct tconn *tc)
{
	ssize_t n;

	while (tc->txq && tc->txq->pos < tc->txq->end) {
		n = send(tc->fd, mbuf_buf(tc->txq), mbuf_get_left(tc->txq),
			 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0)
			return errno == EAGAIN ? 0 : errno;
		tc->txq->pos += (size_t)n;
	}

	if (tc->txq)
		mbuf_reset(tc->txq);

	return 0;
}


static void tconn_handler(int flags, void *arg);


static int tconn_send(struct tconn *tc, const uint8_t *buf, size_t len)
{
	ssize_t n = 0;
	int err;

	if (!tc->txq || !mbuf_get_left(tc->txq)) {
		n = send(tc->fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno != EAGAIN)
				return errno;
			n = 0;
		}
		if ((size_t)n == len)
			return 0;
	}

	/* the rest waits until the socket is writable */
	if (!tc->txq) {
		tc->txq = mbuf_alloc(len);
		if (!tc->txq)
			return ENOMEM;
	}
	if (mbuf_get_left(tc->txq) + len > TCP_TXQ_MAX)
		return ENOBUFS;

	tc->txq->pos = tc->txq->end;
	err = mbuf_write_mem(tc->txq, buf + n, len - (size_t)n);
	tc->txq->pos = 0;
	if (err)
		return err;

	return fd_listen(tc->fd, FD_READ | FD_WRITE, tconn_handler, tc);
}


static void idle_handler(void *arg)
{
	struct tconn *tc = arg;

	log_debug("tcp %J: idle, closing", &tc->peer);
	mem_deref(tc);
}


/* Handles the complete frames in rx; 0 or an error to close on */
static int tconn_process(struct tconn *tc)
{
	struct server *srv = tc->srv;
	size_t off = 0;
	int err = 0;

	for (;;) {
		size_t left = tc->rxlen - off;
		size_t flen = calls_stun_frame_len(tc->rx + off, left);
		struct srv_reply rep;

		if (flen == SIZE_MAX || flen > sizeof(tc->rx)) {
			/* not STUN framing: the stream cannot be resynced */
			++srv->st.packets[T_TCP];
			++srv->st.results[T_TCP][SRV_DROP_MALFORMED];
			return EBADMSG;
		}
		if (!flen || flen > left)
			break;

		rep.buf = srv->sbuf[0];
		rep.size = TX_SIZE;
		handle(srv, tc->ls, tc->rx + off, flen, &tc->peer, &rep);
		off += flen;

		/* TCP answers come from the connection, whatever
		 * CHANGE-REQUEST asked */
		if (rep.len) {
			err = tconn_send(tc, rep.buf, rep.len);
			if (err) {
				++srv->st.send_failed[T_TCP];
				return err;
			}
		}
	}

	memmove(tc->rx, tc->rx + off, tc->rxlen - off);
	tc->rxlen -= off;

	return 0;
}


static void tconn_handler(int flags, void *arg)
{
	struct tconn *tc = arg;
	ssize_t n;
	int err = 0;

	if (flags & FD_WRITE) {
		err = tconn_flush(tc);
		if (err)
			goto close;
		if (!tc->txq || !mbuf_get_left(tc->txq)) {
			err = fd_listen(tc->fd, FD_READ, tconn_handler, tc);
			if (err)
				goto close;
		}
	}

	if (flags & (FD_READ | FD_EXCEPT)) {
		n = recv(tc->fd, tc->rx + tc->rxlen,
			 sizeof(tc->rx) - tc->rxlen, MSG_DONTWAIT);
		if (n == 0)
			goto close;
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			err = errno;
			goto close;
		}

		tc->rxlen += (size_t)n;
		err = tconn_process(tc);
		if (err)
			goto close;

		tmr_start(&tc->idle, TCP_IDLE_MS, idle_handler, tc);
	}

	return;

 close:
	if (err)
		log_debug("tcp %J: closing: %m", &tc->peer, err);
	mem_deref(tc);
}


static void accept_handler(int flags, void *arg)
{
	struct sock *ls = arg;
	struct server *srv = ls->srv;
	(void)flags;

	for (;;) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		struct tconn *tc;
		int fd;

		fd = accept4(ls->fd, (struct sockaddr *)&ss, &sl,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;

		if (srv->st.tcp_conns >= TCP_MAX_CONNS) {
			++srv->st.tcp_rejected;
			(void)close(fd);
			continue;
		}

		tc = mem_zalloc(sizeof(*tc), tconn_destructor);
		if (!tc) {
			(void)close(fd);
			return;
		}

		tc->srv = srv;
		tc->ls = ls;
		tc->fd = fd;
		++srv->st.tcp_conns;
		(void)sa_set_sa(&tc->peer, (struct sockaddr *)&ss);
		tmr_init(&tc->idle);
		list_append(&srv->conns, &tc->le, tc);

		if (fd_listen(fd, FD_READ, tconn_handler, tc)) {
			mem_deref(tc);
			continue;
		}
		tmr_start(&tc->idle, TCP_IDLE_MS, idle_handler, tc);
	}
}


/* Opens and binds a socket of transport tp on *local (its port is
 * updated when 0) */
static int sock_open(struct sock **sp, struct server *srv, struct group *g,
		     enum transport tp, unsigned k, struct sa *local)
{
	struct sock *s;
	int on = 1, sz = SOCKBUF;
	socklen_t len;
	int err = 0;

	s = mem_zalloc(sizeof(*s), sock_destructor);
	if (!s)
		return ENOMEM;

	s->srv = srv;
	s->grp = g;
	s->tp = tp;
	s->k = k;
	s->fd = socket(sa_af(local), (tp == T_UDP ? SOCK_DGRAM : SOCK_STREAM) |
		       SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0) {
		err = errno;
		goto out;
	}

	if (sa_af(local) == AF_INET6)
		(void)setsockopt(s->fd, IPPROTO_IPV6, IPV6_V6ONLY, &on,
				 sizeof(on));
	if (tp == T_TCP)
		(void)setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &on,
				 sizeof(on));
	else {
		(void)setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &sz,
				 sizeof(sz));
		(void)setsockopt(s->fd, SOL_SOCKET, SO_SNDBUF, &sz,
				 sizeof(sz));
	}

	if (bind(s->fd, &local->u.sa, local->len) < 0) {
		err = errno;
		goto out;
	}

	if (tp == T_TCP && listen(s->fd, 128) < 0) {
		err = errno;
		goto out;
	}

	s->local = *local;
	len = sizeof(s->local.u);
	if (getsockname(s->fd, &s->local.u.sa, &len) < 0) {
		err = errno;
		goto out;
	}
	s->local.len = len;
	*local = s->local;

	err = fd_listen(s->fd, FD_READ, tp == T_UDP ? udp_read_handler :
			accept_handler, s);

 out:
	if (err)
		mem_deref(s);
	else
		*sp = s;

	return err;
}


/* Sockets for combo index k of a group, on g->addr[k] */
static int group_open_k(struct server *srv, struct group *g, unsigned k)
{
	const struct serve_opts *o = srv->opts;
	int err = 0;

	if (!o->no_udp)
		err = sock_open(&g->u[k], srv, g, T_UDP, k, &g->addr[k]);
	if (!err && !o->no_tcp)
		err = sock_open(&g->t[k], srv, g, T_TCP, k, &g->addr[k]);

	return err;
}


static int group_try(struct server *srv, const struct sa *primary,
		     const struct sa *alt, struct group **gp)
{
	struct group *g;
	int err;

	g = mem_zalloc(sizeof(*g), group_destructor);
	if (!g)
		return ENOMEM;

	g->n = alt ? 4 : 1;
	g->addr[0] = *primary;
	err = group_open_k(srv, g, 0);
	if (err || !alt)
		goto out;

	/* primary IP, alternate port (ephemeral when 0) */
	g->addr[1] = *primary;
	sa_set_port(&g->addr[1], sa_port(alt));
	err = group_open_k(srv, g, 1);
	if (err)
		goto out;

	g->addr[2] = *alt;
	sa_set_port(&g->addr[2], sa_port(&g->addr[0]));
	err = group_open_k(srv, g, 2);
	if (err)
		goto out;

	g->addr[3] = *alt;
	sa_set_port(&g->addr[3], sa_port(&g->addr[1]));
	err = group_open_k(srv, g, 3);

 out:
	if (err)
		mem_deref(g);
	else
		*gp = g;

	return err;
}


static int group_open(struct server *srv, const struct sa *primary,
		      const struct sa *alt)
{
	bool ephemeral = !sa_port(primary) || (alt && !sa_port(alt));
	struct group *g = NULL;
	unsigned tries;
	int err = 0;

	/* with port 0 the same port on another socket may be taken:
	 * try other ephemeral ports */
	for (tries = 0; tries < 20; tries++) {
		err = group_try(srv, primary, alt, &g);
		if (err != EADDRINUSE || !ephemeral)
			break;
	}

	if (err) {
		log_error("cannot listen on %J%s%J: %m", primary,
			  alt ? " with alternate " : "", alt ? alt : primary,
			  err);
		return err;
	}

	list_append(&srv->groups, &g->le, g);

	return 0;
}


static void stop_handler(int sig, void *arg)
{
	(void)arg;

	log_info("signal %d: stopping", sig);
	re_cancel();
}


static int parse_addr(struct sa *sa, const char *s, uint16_t defport,
		      const char *what)
{
	struct calls_hostport hp;
	size_t n = 1;
	int err;

	err = calls_hostport_parse(&hp, s, defport);
	if (!err && !hp.host[0])
		(void)re_snprintf(hp.host, sizeof(hp.host), "0.0.0.0");
	if (!err)
		err = calls_hostport_resolve(&hp, AF_UNSPEC, sa, &n);
	if (err || !n) {
		log_error("%s '%s': cannot use it as an address: %m", what, s,
			  err ? err : ENOENT);
		return err ? err : ENOENT;
	}

	return 0;
}


static int print_ready(const struct server *srv)
{
	struct le *le;

	printf("ready");
	for (le = list_head(&srv->groups); le; le = le->next) {
		const struct group *g = le->data;
		char buf[80];

		if (g->u[0]) {
			re_snprintf(buf, sizeof(buf), "%J", &g->u[0]->local);
			printf(" udp=%s", buf);
		}
		if (g->t[0]) {
			re_snprintf(buf, sizeof(buf), "%J", &g->t[0]->local);
			printf(" tcp=%s", buf);
		}
		if (g->n == 4) {
			re_snprintf(buf, sizeof(buf), "%J", &g->addr[3]);
			printf(" other=%s", buf);
		}
	}
	if (srv->http) {
		char buf[80];

		re_snprintf(buf, sizeof(buf), "%J", &srv->http_addr);
		printf(" metrics=%s", buf);
	}
	printf("\n");

	return fflush(stdout) ? errno : 0;
}


static int server_alloc(struct server **srvp, const struct serve_opts *opts)
{
	struct server *srv;
	unsigned i;
	int err;

	srv = mem_zalloc(sizeof(*srv), server_destructor);
	if (!srv)
		return ENOMEM;

	srv->opts = opts;
	err = calls_jw_init(&srv->jw);
	if (err) {
		mem_deref(srv);
		return err;
	}

	for (i = 0; i < BATCH; i++) {
		srv->riov[i].iov_base = srv->rbuf[i];
		srv->riov[i].iov_len = sizeof(srv->rbuf[i]);
		srv->rmsg[i].msg_hdr.msg_name = &srv->rname[i];
		srv->rmsg[i].msg_hdr.msg_iov = &srv->riov[i];
		srv->rmsg[i].msg_hdr.msg_iovlen = 1;
		srv->smsg[i].msg_hdr.msg_iov = &srv->siov[i];
		srv->smsg[i].msg_hdr.msg_iovlen = 1;
	}

	*srvp = srv;

	return 0;
}


/* --alternate: another IP of the family of the one --listen address.
 * Its port defaults to the primary port + 1 (ephemeral when the primary
 * one is). */
static int parse_alternate(const struct serve_opts *opts, struct sa *alt)
{
	struct sa primary;
	int err;

	err = parse_addr(&primary, opts->listen[0], CALLS_STUN_PORT,
			 "--listen");
	if (!err)
		err = parse_addr(alt, opts->alternate, sa_port(&primary) ?
				 sa_port(&primary) + 1 : 0, "--alternate");
	if (err)
		return err;

	if (sa_af(alt) != sa_af(&primary) || sa_cmp(alt, &primary, SA_ADDR)) {
		log_error("--alternate needs another IP address of the family"
			  " of --listen");
		return EINVAL;
	}

	return 0;
}


/* Opens every --listen group; *exp says which exit status a failure has */
static int server_listen(struct server *srv, const struct sa *altp,
			 int *exp)
{
	static const char *const deflisten[] = {"0.0.0.0:3478", "[::]:3478"};
	const struct serve_opts *opts = srv->opts;
	unsigned i, n = opts->n_listen ? opts->n_listen : 2;
	int err;

	for (i = 0; i < n; i++) {
		const char *s = opts->n_listen ? opts->listen[i] :
			deflisten[i];
		struct sa sa;

		err = parse_addr(&sa, s, CALLS_STUN_PORT, "--listen");
		if (err) {
			*exp = CALLS_EXIT_CONFIG;
			return err;
		}

		err = group_open(srv, &sa, altp);
		if (err && !opts->n_listen && sa_af(&sa) == AF_INET6 &&
		    (err == EAFNOSUPPORT || err == EADDRNOTAVAIL)) {
			/* a host without IPv6: the default IPv4 one will do */
			log_warn("no IPv6 (%m): serving IPv4 only", err);
			continue;
		}
		if (err) {
			*exp = CALLS_EXIT_NET;
			return err;
		}
	}

	if (opts->metrics) {
		struct sa sa;

		err = parse_addr(&sa, opts->metrics, 9478, "--metrics");
		if (err) {
			*exp = CALLS_EXIT_CONFIG;
			return err;
		}

		err = metrics_listen(&srv->http, &sa, &srv->st,
				     &srv->http_addr);
		if (err) {
			log_error("metrics on %J: %m", &sa, err);
			*exp = CALLS_EXIT_NET;
			return err;
		}
	}

	return 0;
}


int serve_run(const struct serve_opts *opts)
{
	struct server *srv = NULL;
	struct sa alt;
	int err, ex = CALLS_EXIT_NET;

	err = server_alloc(&srv, opts);
	if (err)
		return CALLS_EXIT_NET;

	if (opts->alternate && parse_alternate(opts, &alt)) {
		ex = CALLS_EXIT_CONFIG;
		goto out;
	}

	err = server_listen(srv, opts->alternate ? &alt : NULL, &ex);
	if (err)
		goto out;

	err = print_ready(srv);
	if (err)
		goto out;

	err = calls_app_run(stop_handler, srv);
	if (err)
		goto out;

	ex = CALLS_EXIT_OK;

 out:
	mem_deref(srv);

	return ex;
}
