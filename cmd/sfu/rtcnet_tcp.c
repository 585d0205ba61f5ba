/**
 * @file rtcnet_tcp.c  calls-sfu RTC port: ICE-TCP (RFC 6544 passive,
 * RFC 4571 framing)
 *
 * Accepted connections are framed here and each frame goes through the
 * same demux as a UDP datagram (rtcnet.c); a connection with no
 * authenticated request closes after SFU_RTCNET_TCP_IDLE_MS. Output the
 * socket does not take at once is queued in order (a partial frame is
 * always finished, to keep the stream framed); past TCP_WBUF_MAX queued,
 * new frames are refused with EAGAIN.
 */
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include "re_inc.h"
#define LOG_MODULE "rtcnet"
#include "log.h"
#include "rtcnet.h"
#include "rtcnet_int.h"
#include "bytes.h"


static void tconn_destructor(void *arg)
{
	struct tconn *tc = arg;

	tmr_cancel(&tc->tmr);
	if (tc->pair)
		pair_unbind(tc->pair);
	if (tc->fd >= 0) {
		fd_close(tc->fd);
		close(tc->fd);
	}
	list_unlink(&tc->le);
	mem_deref(tc->rbuf);
	mem_deref(tc->wbuf);
}


static void tconn_close(struct tconn *tc)
{
	mem_deref(tc);
}


static void tconn_idle_h(void *arg)
{
	struct tconn *tc = arg;

	if (!tc->pair) {
		log_debug("tcp %J: no authenticated request, closing",
			  &tc->peer);
		tconn_close(tc);
		return;
	}
	tmr_start(&tc->tmr, SFU_RTCNET_TCP_IDLE_MS, tconn_idle_h, tc);
}


/* Frames in tc->rbuf: each goes through demux; the rest is kept.
 * Returns EPROTO on a framing error */
static int tconn_frames(struct tconn *tc)
{
	size_t off = 0;
	int err = 0;

	while (tc->rlen - off >= 2) {
		size_t flen = calls_rd16(tc->rbuf + off);

		if (tc->rlen - off < 2 + flen)
			break;

		err = rtcnet_demux(tc->net, NULL, tc, &tc->peer,
				   tc->rbuf + off + 2, flen);
		off += 2 + flen;
		/* out of step: a frame no endpoint owns on this stream */
		if (err)
			break;
	}

	if (off) {
		memmove(tc->rbuf, tc->rbuf + off, tc->rlen - off);
		tc->rlen -= off;
	}

	return err;
}


/* Makes room for more input: grows the buffer up to one whole frame */
static int tconn_room(struct tconn *tc)
{
	size_t need = TCP_RBUF_INIT;
	uint8_t *nb;

	if (tc->rlen >= 2)
		need = 2 + (size_t)calls_rd16(tc->rbuf);
	if (need < TCP_RBUF_INIT)
		need = TCP_RBUF_INIT;
	if (need <= tc->rcap)
		return 0;

	nb = tc->rbuf ? mem_realloc(tc->rbuf, need) : mem_alloc(need, NULL);
	if (!nb)
		return ENOMEM;
	tc->rbuf = nb;
	tc->rcap = need;

	return 0;
}


static void tconn_flush(struct tconn *tc)
{
	ssize_t n;

	while (tc->wlen) {
		n = send(tc->fd, tc->wbuf, tc->wlen,
			 MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n <= 0)
			break;
		memmove(tc->wbuf, tc->wbuf + n, tc->wlen - n);
		tc->wlen -= n;
	}
}


static void tconn_fd_h(int flags, void *arg);


static int tconn_queue(struct tconn *tc, const uint8_t *a, size_t alen,
		       const uint8_t *b, size_t blen)
{
	size_t need = tc->wlen + alen + blen;

	if (need > tc->wcap) {
		size_t cap = tc->wcap ? tc->wcap : 4096;
		uint8_t *nb;

		while (cap < need)
			cap *= 2;
		nb = tc->wbuf ? mem_realloc(tc->wbuf, cap) :
			mem_alloc(cap, NULL);
		if (!nb)
			return ENOMEM;
		tc->wbuf = nb;
		tc->wcap = cap;
	}
	if (alen)
		memcpy(tc->wbuf + tc->wlen, a, alen);
	if (blen)
		memcpy(tc->wbuf + tc->wlen + alen, b, blen);
	tc->wlen += alen + blen;

	return fd_listen(tc->fd, FD_READ | FD_WRITE, tconn_fd_h, tc);
}


int tconn_send(struct tconn *tc, const uint8_t *buf, size_t len)
{
	uint8_t hdr[2];
	struct iovec iov[2];
	struct msghdr mh;
	ssize_t n;
	size_t sent;

	if (len > 65535)
		return EMSGSIZE;
	if (tc->fd < 0)
		return ENOTCONN;

	calls_wr16(hdr, (uint16_t)len);

	if (tc->wlen) {  /* keep order: behind what is queued */
		if (tc->wlen + 2 + len > TCP_WBUF_MAX)
			return EAGAIN;
		return tconn_queue(tc, hdr, 2, buf, len);
	}

	iov[0].iov_base = hdr;
	iov[0].iov_len = 2;
	iov[1].iov_base = (void *)buf;
	iov[1].iov_len = len;
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = iov;
	mh.msg_iovlen = 2;

	n = sendmsg(tc->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return errno;
		n = 0;
	}
	sent = (size_t)n;
	if (sent == 2 + len)
		return 0;

	/* a partial frame must be finished to keep the stream framed */
	if (sent < 2)
		return tconn_queue(tc, hdr + sent, 2 - sent, buf, len);

	return tconn_queue(tc, NULL, 0, buf + (sent - 2), len - (sent - 2));
}


static void tconn_fd_h(int flags, void *arg)
{
	struct tconn *tc = arg;
	ssize_t n;
	int err;

	if (flags & FD_WRITE) {
		tconn_flush(tc);
		if (!tc->wlen)
			(void)fd_listen(tc->fd, FD_READ, tconn_fd_h, tc);
	}

	if (!(flags & (FD_READ | FD_EXCEPT)))
		return;

	err = tconn_room(tc);
	if (err)
		goto close;

	n = recv(tc->fd, tc->rbuf + tc->rlen, tc->rcap - tc->rlen,
		 MSG_DONTWAIT);
	if (n == 0)
		goto close;
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return;
		goto close;
	}
	tc->rlen += (size_t)n;

	if (tconn_frames(tc)) {
		++tc->net->st.tcp_closed_framing;
		log_debug("tcp %J: framing error, closing", &tc->peer);
		goto close;
	}

	return;

 close:
	tconn_close(tc);
}


static struct tconn *tconn_alloc(struct sfu_rtcnet *net, int fd,
				 const struct sa *peer,
				 const struct sa *local)
{
	struct tconn *tc = mem_zalloc(sizeof(*tc), tconn_destructor);

	if (!tc)
		return NULL;

	tc->net = net;
	tc->fd = fd;
	tc->peer = *peer;
	tc->local = *local;
	tmr_init(&tc->tmr);
	list_append(&net->tconns, &tc->le, tc);
	tmr_start(&tc->tmr, SFU_RTCNET_TCP_IDLE_MS, tconn_idle_h, tc);

	if (fd >= 0 && fd_listen(fd, FD_READ, tconn_fd_h, tc)) {
		tc->fd = -1;
		close(fd);
		mem_deref(tc);
		return NULL;
	}

	return tc;
}


void tlisten_h(int flags, void *arg)
{
	struct tlisten *tl = arg;
	struct sfu_rtcnet *net = tl->net;
	unsigned i;

	(void)flags;

	for (i = 0; i < READ_BURST; i++) {
		struct sa peer;
		int fd;

		sa_init(&peer, AF_UNSPEC);
		peer.len = sizeof(peer.u);
		fd = accept4(tl->fd, &peer.u.sa, &peer.len,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			break;

		if (list_count(&net->tconns) >= SFU_RTCNET_TCP_MAX_CONNS) {
			log_warn("tcp %J: %u connections, refused", &peer,
				 SFU_RTCNET_TCP_MAX_CONNS);
			close(fd);
			continue;
		}

		if (!tconn_alloc(net, fd, &peer, &tl->local))
			log_warn("tcp %J: out of memory", &peer);
	}
}


static bool tconn_peer_cmp(struct le *le, void *arg)
{
	const struct tconn *tc = le->data;

	return tc->fd < 0 && sa_cmp(&tc->peer, arg, SA_ALL);
}


int sfu_rtcnet_input_tcp(struct sfu_rtcnet *net, const struct sa *src,
			 const uint8_t *buf, size_t len, bool reset)
{
	struct tconn *tc;
	struct le *le;
	struct sa local;
	size_t off = 0;

	if (!net || !src || (!buf && len))
		return EINVAL;

	le = list_apply(&net->tconns, true, tconn_peer_cmp, (void *)src);
	tc = le ? le->data : NULL;

	if (reset) {
		mem_deref(tc);
		return 0;
	}

	if (!tc) {
		if (net->tcpc)
			local = net->tcp[0].local;
		else
			sa_init(&local, AF_INET);
		tc = tconn_alloc(net, -1, src, &local);
		if (!tc)
			return ENOMEM;
	}

	while (off < len) {
		size_t n;

		if (tconn_room(tc))
			return ENOMEM;
		n = min(len - off, tc->rcap - tc->rlen);
		memcpy(tc->rbuf + tc->rlen, buf + off, n);
		tc->rlen += n;
		off += n;
		if (tconn_frames(tc)) {
			++net->st.tcp_closed_framing;
			tconn_close(tc);
			return EPROTO;
		}
	}

	return 0;
}
