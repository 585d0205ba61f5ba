/**
 * @file nc.c  listen/connect: the netcat-compatible line exchange
 *
 * What the deployment guide does with `nc -l -u -p 8443` on the server
 * and `nc -v -u HOST 8443` on the client: stdin goes to the peer, what
 * the peer sends goes to stdout. As with nc, a UDP listener takes the
 * first datagram's sender as its peer (and connects to it), a TCP
 * listener serves one connection. UDP sends stdin one line per datagram,
 * which is what typing into nc does.
 *
 * stdout carries only the peer's data; everything else goes to stderr.
 */
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include "re_inc.h"
#include "exitcode.h"
#include "app.h"
#define LOG_MODULE "nc"
#include "log.h"
#include "probe.h"

#define NC_BUF 65536
#define NC_MAX_DGRAM 65507

struct nc {
	const struct probe_opts *o;
	bool listen;
	int lfd;                  /* TCP listening socket, or -1     */
	int fd;                   /* data socket, or -1              */
	bool peer;                /* fd has its peer                 */
	bool connecting;
	struct sa peer_sa;
	struct sa local_sa;       /* UDP listener: where the peer sent to */
	bool in_on;               /* stdin watched                   */
	bool in_poll;             /* stdin is a file: read by timer  */
	bool in_eof;
	struct tmr tmr_in;
	struct tmr tmr_idle;
	size_t inlen;
	uint8_t inbuf[NC_BUF];
	uint8_t netbuf[NC_BUF];
	int ret;
};


static void nc_stop(struct nc *nc, int ret)
{
	nc->ret = ret;
	re_cancel();
}


static void idle_h(void *arg)
{
	struct nc *nc = arg;

	if (nc->connecting) {
		log_error("%J: tcp connect timed out", &nc->peer_sa);
		nc_stop(nc, CALLS_EXIT_FAIL);
		return;
	}

	log_debug("idle for %.3f s, done", nc->o->wait);
	nc_stop(nc, CALLS_EXIT_OK);
}


static void idle_restart(struct nc *nc)
{
	if (nc->o->wait > 0)
		tmr_start(&nc->tmr_idle, (uint64_t)(nc->o->wait * 1000),
			  idle_h, nc);
}


static void net_error(struct nc *nc, int err)
{
	if (sock_err_unanswered(err)) {
		log_error("%s %J: %m%s", proto_name(nc->o->proto),
			  &nc->peer_sa, err,
			  nc->o->proto == PROBE_UDP && err == ECONNREFUSED ?
			  " (ICMP port unreachable: nothing listens there)" :
			  "");
		nc_stop(nc, CALLS_EXIT_FAIL);
		return;
	}

	log_error("%s %J: %m", proto_name(nc->o->proto), &nc->peer_sa, err);
	nc_stop(nc, CALLS_EXIT_NET);
}


static int send_buf(struct nc *nc, const uint8_t *p, size_t len)
{
	if (nc->o->proto == PROBE_TCP)
		return sock_write_all(nc->fd, p, len);

	while (len) {
		size_t n = len > NC_MAX_DGRAM ? NC_MAX_DGRAM : len;
		int err = 0;

		if (nc->listen)
			err = sock_send(nc->fd, p, n, &nc->peer_sa,
					&nc->local_sa);
		else if (send(nc->fd, p, n, 0) < 0)
			err = errno;
		if (err && err != EAGAIN)
			return err;
		p += n;
		len -= n;
	}

	return 0;
}


/* Sends what stdin gave: whole lines on UDP, everything on TCP (and the
 * rest of a line at EOF or when the buffer is full) */
static int flush_input(struct nc *nc, bool all)
{
	size_t done = 0;
	int err = 0;

	if (nc->o->proto == PROBE_TCP || all || nc->inlen == NC_BUF) {
		done = nc->inlen;
		err = send_buf(nc, nc->inbuf, done);
	}
	else {
		uint8_t *nl;

		while (!err && (nl = memchr(nc->inbuf + done, '\n',
					    nc->inlen - done))) {
			size_t n = (size_t)(nl - (nc->inbuf + done)) + 1;
			err = send_buf(nc, nc->inbuf + done, n);
			done += n;
		}
	}

	memmove(nc->inbuf, nc->inbuf + done, nc->inlen - done);
	nc->inlen -= done;

	return err;
}


static void input_eof(struct nc *nc)
{
	int err;

	nc->in_eof = true;
	if (nc->in_on && !nc->in_poll)
		fd_close(STDIN_FILENO);
	nc->in_on = false;

	err = flush_input(nc, true);
	if (err) {
		net_error(nc, err);
		return;
	}

	/* like nc -N: the peer sees the end of our data */
	if (nc->o->proto == PROBE_TCP)
		shutdown(nc->fd, SHUT_WR);
}


/* Returns true while there may be more to read at once */
static bool input_read(struct nc *nc)
{
	ssize_t n;
	int err;

	n = read(STDIN_FILENO, nc->inbuf + nc->inlen, NC_BUF - nc->inlen);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return false;

	if (n <= 0) {
		if (n < 0 && errno != EBADF)
			log_warn("stdin: %m", errno);
		input_eof(nc);
		return false;
	}

	nc->inlen += (size_t)n;
	idle_restart(nc);

	err = flush_input(nc, false);
	if (err) {
		net_error(nc, err);
		return false;
	}

	return true;
}


static void stdin_h(int flags, void *arg)
{
	(void)flags;
	input_read(arg);
}


/* epoll refuses regular files and /dev/null; those never block, so a
 * timer reads them a buffer at a time */
static void stdin_tmr_h(void *arg)
{
	struct nc *nc = arg;

	if (input_read(nc) && !nc->in_eof)
		tmr_start(&nc->tmr_in, 0, stdin_tmr_h, nc);
}


/* Whether epoll takes fd: not regular files, not /dev/null. Asked of a
 * private epoll set, so libre's loop does not log a failure. */
static bool pollable(int fd)
{
	struct epoll_event ev = {.events = EPOLLIN};
	int ep = epoll_create1(EPOLL_CLOEXEC);
	bool ok;

	if (ep < 0)
		return false;
	ok = epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0;
	close(ep);

	return ok;
}


static void input_start(struct nc *nc)
{
	if (nc->in_on || nc->in_eof)
		return;

	nc->in_on = true;
	if (!pollable(STDIN_FILENO) ||
	    fd_listen(STDIN_FILENO, FD_READ, stdin_h, nc)) {
		nc->in_poll = true;
		tmr_start(&nc->tmr_in, 0, stdin_tmr_h, nc);
	}
}


static void output(struct nc *nc, const uint8_t *p, size_t len)
{
	int err = sock_write_all(STDOUT_FILENO, p, len);

	if (err) {
		log_info("stdout: %m", err);
		nc_stop(nc, CALLS_EXIT_OK);
	}
}


/* A UDP listener's first datagram: its sender becomes the peer (the
 * only one from now on, as with nc), answered from the address it sent
 * to. Not connect(): that would let the kernel pick the source address. */
static void udp_first(struct nc *nc, const struct sa *src,
		      const struct sa *local)
{
	nc->peer_sa = *src;
	nc->local_sa = *local;
	nc->peer = true;

	log_info("connection from udp %J", src);
	input_start(nc);
}


static ssize_t net_recv(struct nc *nc)
{
	struct sa src, local;
	ssize_t n;

	if (!(nc->listen && nc->o->proto == PROBE_UDP))
		return recv(nc->fd, nc->netbuf, sizeof(nc->netbuf), 0);

	n = sock_recv(nc->fd, nc->netbuf, sizeof(nc->netbuf), &src,
		      &local);
	if (n < 0)
		return n;

	if (!nc->peer) {
		udp_first(nc, &src, &local);
	}
	else if (!sa_cmp(&src, &nc->peer_sa, SA_ALL)) {
		log_debug("ignored %zd bytes from %J (not the peer)", n,
			  &src);
		errno = EAGAIN;
		return -1;
	}

	return n;
}


static void net_h(int flags, void *arg)
{
	struct nc *nc = arg;
	ssize_t n;
	(void)flags;

	n = net_recv(nc);
	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			net_error(nc, errno);
		return;
	}

	idle_restart(nc);

	if (nc->o->proto == PROBE_TCP && n == 0) {
		log_info("tcp %J closed the connection", &nc->peer_sa);
		nc_stop(nc, CALLS_EXIT_OK);
		return;
	}

	output(nc, nc->netbuf, (size_t)n);
}


static int data_start(struct nc *nc)
{
	int err;

	if (nc->o->proto == PROBE_TCP) {
		/* writes block (stdin waits for a slow peer), reads
		 * happen only when fd_listen says there is data */
		err = sock_set_blocking(nc->fd, true);
		if (err)
			return err;
	}

	err = fd_listen(nc->fd, FD_READ, net_h, nc);
	if (err)
		return err;

	if (nc->peer)
		input_start(nc);

	idle_restart(nc);

	return 0;
}


static void connect_h(int flags, void *arg)
{
	struct nc *nc = arg;
	int err;
	(void)flags;

	fd_close(nc->fd);
	nc->connecting = false;

	err = sock_error(nc->fd);
	if (err) {
		net_error(nc, err);
		return;
	}

	log_info("connected to tcp %J", &nc->peer_sa);

	err = data_start(nc);
	if (err)
		net_error(nc, err);
}


static void accept_h(int flags, void *arg)
{
	struct nc *nc = arg;
	struct sa src;
	int fd, err;
	(void)flags;

	sa_init(&src, AF_UNSPEC);
	src.len = sizeof(src.u);
	fd = accept4(nc->lfd, &src.u.sa, &src.len, SOCK_CLOEXEC);
	if (fd < 0)
		return;

	/* one connection, as nc -l without -k */
	fd_close(nc->lfd);
	close(nc->lfd);
	nc->lfd = -1;

	nc->fd = fd;
	nc->peer = true;
	nc->peer_sa = src;
	log_info("connection from tcp %J", &src);

	err = data_start(nc);
	if (err)
		net_error(nc, err);
}


static int nc_listen(struct nc *nc)
{
	struct sa bound;
	int fd, err;

	err = sock_serve(&fd, &bound, nc->o);
	if (err)
		return err;

	if (nc->o->proto == PROBE_TCP) {
		nc->lfd = fd;
		return fd_listen(fd, FD_READ, accept_h, nc);
	}

	nc->fd = fd;

	if (sa_is_any(&bound)) {
		err = sock_pktinfo_enable(fd, sa_af(&bound));
		if (err)
			return err;
	}

	return data_start(nc);
}


static int nc_connect(struct nc *nc)
{
	bool inprogress;
	int err;

	err = sock_dial(&nc->fd, &nc->peer_sa, &inprogress, nc->o);
	if (err) {
		if (sock_err_unanswered(err))
			log_error("%s %J: %m", proto_name(nc->o->proto),
				  &nc->peer_sa, err);
		return err;
	}

	nc->peer = true;

	if (inprogress) {
		nc->connecting = true;
		idle_restart(nc);
		return fd_listen(nc->fd, FD_WRITE, connect_h, nc);
	}

	if (nc->o->proto == PROBE_UDP)
		log_info("sending to udp %J", &nc->peer_sa);
	else
		log_info("connected to tcp %J", &nc->peer_sa);

	return data_start(nc);
}


static void destructor(void *arg)
{
	struct nc *nc = arg;

	tmr_cancel(&nc->tmr_in);
	tmr_cancel(&nc->tmr_idle);
	if (nc->in_on && !nc->in_poll)
		fd_close(STDIN_FILENO);
	if (nc->fd >= 0) {
		fd_close(nc->fd);
		close(nc->fd);
	}
	if (nc->lfd >= 0) {
		fd_close(nc->lfd);
		close(nc->lfd);
	}
}


int nc_run(const struct probe_opts *o, bool listen)
{
	struct nc *nc;
	int err, ret;

	nc = mem_zalloc(sizeof(*nc), destructor);
	if (!nc)
		return CALLS_EXIT_NET;

	nc->o = o;
	nc->listen = listen;
	nc->lfd = nc->fd = -1;
	nc->ret = CALLS_EXIT_OK;
	tmr_init(&nc->tmr_in);
	tmr_init(&nc->tmr_idle);

	err = listen ? nc_listen(nc) : nc_connect(nc);
	if (err) {
		ret = sock_err_unanswered(err) ? CALLS_EXIT_FAIL :
			CALLS_EXIT_NET;
		goto out;
	}

	err = calls_app_run(NULL, NULL);
	ret = err ? CALLS_EXIT_NET : nc->ret;

 out:
	mem_deref(nc);

	return ret;
}
