/**
 * @file sctp.c  WebRTC data channels: usrsctp over AF_CONN, DCEP
 *
 * usrsctp runs without threads: we call it (conninput, handle_timers,
 * sendv) and it calls back (conn_output, socket upcalls) from inside
 * those calls, on this thread. Upcalls only mark the association as
 * pending; sockets are read and the owner's handlers run after usrsctp
 * has returned (run_pending), so a handler may send, open channels or
 * dereference the association without re-entering usrsctp.
 *
 * usrsctp knows an association by the AF_CONN address we register; that
 * is a per-association number, not a pointer, so a callback for an
 * association that is gone finds nothing instead of freed memory.
 */
#include <string.h>
#include <sys/socket.h>
#include <usrsctp.h>
#include "re_inc.h"
#include "sctp.h"
#include "sctp_int.h"

#define LOG_MODULE "sctp"
#include "log.h"

enum {
	PORT_DEFAULT = 5000,
	STREAMS_DEFAULT = 64,     /* usrsctp: ~100 B per stream each way */
	MAX_MSG_DEFAULT = 256 * 1024,
	TICK_MS = 10,
	SCTP_MTU = 1150,
	RECV_BUF = 65536,
};

/* sockets of dropped associations, closed once usrsctp has returned */
struct grave {
	struct le le;
	struct socket *lsock;
	struct socket *sock;
	uintptr_t id;
};

static struct {
	bool inited;
	struct list assocs;
	struct list graves;
	struct tmr tick;
	struct tmr reap;
	uint64_t last;
	uintptr_t next_id;
	int depth;                /* >0 while inside a usrsctp call  */
	bool running;             /* inside calls_sctp_run_pending() */
	uint8_t buf[RECV_BUF];
} g;


static struct calls_sctp *lookup(uintptr_t id)
{
	struct le *le;

	for (le = g.assocs.head; le; le = le->next) {
		struct calls_sctp *s = le->data;

		if (s->id == id)
			return s;
	}

	return NULL;
}


static int conn_output(void *addr, void *buf, size_t len, uint8_t tos,
		       uint8_t set_df)
{
	struct calls_sctp *s = lookup((uintptr_t)addr);
	int err;
	(void)tos;
	(void)set_df;

	if (!s || !s->sendh)
		return 0;

	err = s->sendh(buf, len, s->arg);
	if (err)
		log_debug("send: %m", err);

	return 0;  /* a lost packet: SCTP retransmits */
}


static void tick_h(void *arg)
{
	uint64_t now = tmr_jiffies();
	(void)arg;

	++g.depth;
	usrsctp_handle_timers((uint32_t)(now - g.last));
	--g.depth;
	g.last = now;

	calls_sctp_run_pending();

	if (g.assocs.head || g.graves.head)
		tmr_start(&g.tick, TICK_MS, tick_h, NULL);
}


static void tick_start(void)
{
	if (tmr_isrunning(&g.tick))
		return;

	g.last = tmr_jiffies();
	tmr_start(&g.tick, TICK_MS, tick_h, NULL);
}


static int init(void)
{
	if (g.inited)
		return 0;

	usrsctp_init_nothreads(0, conn_output, NULL);
	usrsctp_sysctl_set_sctp_ecn_enable(0);
	usrsctp_sysctl_set_sctp_asconf_enable(0);
	usrsctp_sysctl_set_sctp_auth_enable(0);
	list_init(&g.assocs);
	list_init(&g.graves);
	tmr_init(&g.tick);
	tmr_init(&g.reap);
	g.next_id = 1;
	g.inited = true;

	return 0;
}


static void bury_now(struct socket *lsock, struct socket *sock,
		     uintptr_t id)
{
	++g.depth;
	if (sock) {
		usrsctp_set_upcall(sock, NULL, NULL);
		usrsctp_close(sock);
	}
	if (lsock) {
		usrsctp_set_upcall(lsock, NULL, NULL);
		usrsctp_close(lsock);
	}
	usrsctp_deregister_address((void *)id);
	--g.depth;
}


static void grave_destructor(void *arg)
{
	struct grave *gr = arg;

	list_unlink(&gr->le);
	bury_now(gr->lsock, gr->sock, gr->id);
}


static void reap_h(void *arg)
{
	(void)arg;

	list_flush(&g.graves);
}


static void destructor(void *arg)
{
	struct calls_sctp *s = arg;
	struct grave *gr;

	list_unlink(&s->le);
	list_flush(&s->chans);
	mem_deref(s->rx);

	if (!s->id)
		return;

	if (s->sock)
		usrsctp_set_upcall(s->sock, NULL, NULL);
	if (s->lsock)
		usrsctp_set_upcall(s->lsock, NULL, NULL);

	if (!g.depth) {
		bury_now(s->lsock, s->sock, s->id);
		return;
	}

	gr = mem_zalloc(sizeof(*gr), grave_destructor);
	if (!gr) {
		log_error("cannot defer closing an SCTP socket");
		return;
	}

	gr->lsock = s->lsock;
	gr->sock = s->sock;
	gr->id = s->id;
	list_append(&g.graves, &gr->le, gr);
	tmr_start(&g.reap, 0, reap_h, NULL);
}


static void upcall(struct socket *so, void *arg, int flags)
{
	struct calls_sctp *s = lookup((uintptr_t)arg);
	(void)so;
	(void)flags;

	if (s)
		s->pending = true;
}


static int setopt(struct socket *so, int level, int name, const void *v,
		  socklen_t len)
{
	if (usrsctp_setsockopt(so, level, name, v, len)) {
		log_debug("setsockopt %d: %m", name, errno);
		return errno ? errno : EINVAL;
	}

	return 0;
}


static int sock_opts(struct calls_sctp *s, struct socket *so)
{
	static const uint16_t events[] = {
		SCTP_ASSOC_CHANGE, SCTP_SHUTDOWN_EVENT, SCTP_REMOTE_ERROR,
		SCTP_STREAM_RESET_EVENT, SCTP_SEND_FAILED_EVENT,
	};
	struct linger lg = {.l_onoff = 1, .l_linger = 0};
	struct sctp_initmsg im;
	struct sctp_assoc_value av;
	struct sctp_paddrparams pp;
	int on = 1, err = 0;
	size_t i;

	if (usrsctp_set_non_blocking(so, 1))
		return errno ? errno : EINVAL;

	/* close = ABORT: a dropped association leaves nothing behind */
	err |= setopt(so, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	err |= setopt(so, IPPROTO_SCTP, SCTP_NODELAY, &on, sizeof(on));
	err |= setopt(so, IPPROTO_SCTP, SCTP_RECVRCVINFO, &on, sizeof(on));

	memset(&av, 0, sizeof(av));
	av.assoc_id = SCTP_ALL_ASSOC;
	av.assoc_value = SCTP_ENABLE_RESET_STREAM_REQ;
	err |= setopt(so, IPPROTO_SCTP, SCTP_ENABLE_STREAM_RESET, &av,
		      sizeof(av));

	memset(&im, 0, sizeof(im));
	im.sinit_num_ostreams = s->conf.streams;
	im.sinit_max_instreams = s->conf.streams;
	err |= setopt(so, IPPROTO_SCTP, SCTP_INITMSG, &im, sizeof(im));

	for (i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		struct sctp_event ev = {SCTP_ALL_ASSOC, events[i], 1};

		err |= setopt(so, IPPROTO_SCTP, SCTP_EVENT, &ev, sizeof(ev));
	}

	if (err)
		return EINVAL;

	/* DTLS adds its record overhead: keep packets under its MTU */
	memset(&pp, 0, sizeof(pp));
	pp.spp_assoc_id = SCTP_FUTURE_ASSOC;
	pp.spp_flags = SPP_PMTUD_DISABLE;
	pp.spp_pathmtu = SCTP_MTU;
	(void)setopt(so, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp,
		     sizeof(pp));

	usrsctp_set_upcall(so, upcall, (void *)s->id);

	return 0;
}


static void sconn_set(struct sockaddr_conn *sc, uintptr_t id, uint16_t port)
{
	memset(sc, 0, sizeof(*sc));
	sc->sconn_family = AF_CONN;
	sc->sconn_port = htons(port);
	sc->sconn_addr = (void *)id;
}


static int open_socket(struct calls_sctp *s, struct socket **sop)
{
	struct sockaddr_conn sc;
	struct socket *so;
	int err;

	so = usrsctp_socket(AF_CONN, SOCK_STREAM, IPPROTO_SCTP, NULL, NULL,
			    0, NULL);
	if (!so)
		return errno ? errno : ENOMEM;

	*sop = so;

	err = sock_opts(s, so);
	if (err)
		return err;

	sconn_set(&sc, s->id, s->conf.port);
	if (usrsctp_bind(so, (struct sockaddr *)&sc, sizeof(sc)))
		return errno ? errno : EADDRINUSE;

	return 0;
}


int calls_sctp_alloc(struct calls_sctp **sctpp,
		     const struct calls_sctp_conf *conf,
		     calls_sctp_send_h *sendh, calls_sctp_estab_h *estabh,
		     calls_sctp_chan_h *chanh, calls_sctp_msg_h *msgh,
		     calls_sctp_close_h *closeh, void *arg)
{
	struct calls_sctp *s;
	int err;

	if (!sctpp || !sendh)
		return EINVAL;

	err = init();
	if (err)
		return err;

	s = mem_zalloc(sizeof(*s), destructor);
	if (!s)
		return ENOMEM;

	if (conf)
		s->conf = *conf;
	if (!s->conf.port)
		s->conf.port = PORT_DEFAULT;
	if (!s->conf.remote_port)
		s->conf.remote_port = PORT_DEFAULT;
	if (!s->conf.max_msg)
		s->conf.max_msg = MAX_MSG_DEFAULT;
	if (!s->conf.streams)
		s->conf.streams = STREAMS_DEFAULT;
	s->next_sid = s->conf.dtls_client ? 0 : 1;
	s->sendh = sendh;
	s->estabh = estabh;
	s->chanh = chanh;
	s->msgh = msgh;
	s->closeh = closeh;
	s->arg = arg;

	s->id = g.next_id++;
	list_append(&g.assocs, &s->le, s);
	usrsctp_register_address((void *)s->id);
	tick_start();

	if (s->conf.client) {
		err = open_socket(s, &s->sock);
	}
	else {
		err = open_socket(s, &s->lsock);
		if (!err && usrsctp_listen(s->lsock, 1))
			err = errno ? errno : EINVAL;
	}

	if (err)
		mem_deref(s);
	else
		*sctpp = s;

	return err;
}


int calls_sctp_start(struct calls_sctp *s)
{
	struct sockaddr_conn sc;
	int r, e = 0;

	if (!s)
		return EINVAL;

	if (!s->conf.client || s->closed)
		return 0;

	sconn_set(&sc, s->id, s->conf.remote_port);

	++g.depth;
	r = usrsctp_connect(s->sock, (struct sockaddr *)&sc, sizeof(sc));
	if (r < 0)
		e = errno;
	--g.depth;

	if (r < 0 && e != EINPROGRESS) {
		log_info("connect: %m", e);
		return e ? e : EINVAL;
	}

	calls_sctp_run_pending();

	return 0;
}


int calls_sctp_recv(struct calls_sctp *s, const uint8_t *buf, size_t len)
{
	if (!s || !buf || !len)
		return EINVAL;

	++g.depth;
	usrsctp_conninput((void *)s->id, buf, len, 0);
	--g.depth;

	calls_sctp_run_pending();

	return 0;
}


/* true once the owner has dropped the association from a handler (we
 * hold one reference while calling out) */
bool calls_sctp_gone(const struct calls_sctp *s)
{
	return mem_nrefs(s) <= 1;
}


static void closed(struct calls_sctp *s, int err)
{
	if (s->closed)
		return;

	s->closed = true;
	s->established = false;

	if (s->closeh)
		s->closeh(err, s->arg);
}


int calls_sctp_send_raw(struct calls_sctp *s, uint16_t sid, uint32_t ppid,
			bool unordered, const struct chan *c,
			const uint8_t *data, size_t len)
{
	struct sctp_sendv_spa spa;
	ssize_t r;
	int e = 0;

	memset(&spa, 0, sizeof(spa));
	spa.sendv_flags = SCTP_SEND_SNDINFO_VALID;
	spa.sendv_sndinfo.snd_sid = sid;
	spa.sendv_sndinfo.snd_ppid = htonl(ppid);
	if (unordered)
		spa.sendv_sndinfo.snd_flags = SCTP_UNORDERED;

	if (c && (c->pub.chan_type & 0x7f) != CALLS_SCTP_RELIABLE) {
		spa.sendv_flags |= SCTP_SEND_PRINFO_VALID;
		spa.sendv_prinfo.pr_policy =
			(c->pub.chan_type & 0x7f) ==
			CALLS_SCTP_PARTIAL_RELIABLE_REXMIT ?
			SCTP_PR_SCTP_RTX : SCTP_PR_SCTP_TTL;
		spa.sendv_prinfo.pr_value = c->pub.reliability;
	}

	++g.depth;
	r = usrsctp_sendv(s->sock, data, len, NULL, 0, &spa,
			  (socklen_t)sizeof(spa), SCTP_SENDV_SPA, 0);
	if (r < 0)
		e = errno;
	--g.depth;

	if (r < 0)
		return e == EWOULDBLOCK ? ENOBUFS : (e ? e : EIO);

	return 0;
}


int calls_sctp_reset_out(struct calls_sctp *s, uint16_t sid)
{
	uint8_t mem[sizeof(struct sctp_reset_streams) + sizeof(uint16_t)];
	struct sctp_reset_streams *rs = (struct sctp_reset_streams *)mem;
	int r, e = 0;

	memset(mem, 0, sizeof(mem));
	rs->srs_flags = SCTP_STREAM_RESET_OUTGOING;
	rs->srs_number_streams = 1;
	rs->srs_stream_list[0] = sid;

	++g.depth;
	r = usrsctp_setsockopt(s->sock, IPPROTO_SCTP, SCTP_RESET_STREAMS, rs,
			       (socklen_t)sizeof(mem));
	if (r < 0)
		e = errno;
	--g.depth;

	return r < 0 ? (e ? e : EIO) : 0;
}


/* Streams the peer reset: each closes its channel (sctp_chan.c) */
static void handle_reset(struct calls_sctp *s, const uint8_t *buf,
			 size_t len)
{
	struct sctp_stream_reset_event ev;
	size_t n, i;

	if (len < sizeof(ev))
		return;

	memcpy(&ev, buf, sizeof(ev));
	if (!(ev.strreset_flags & SCTP_STREAM_RESET_INCOMING_SSN) ||
	    (ev.strreset_flags & (SCTP_STREAM_RESET_DENIED |
				  SCTP_STREAM_RESET_FAILED)))
		return;

	n = (len - sizeof(ev)) / sizeof(uint16_t);
	for (i = 0; i < n && !calls_sctp_gone(s); i++) {
		uint16_t sid;

		memcpy(&sid, buf + sizeof(ev) + i * sizeof(sid), sizeof(sid));
		calls_sctp_chan_reset_in(s, sid);
	}
}


static void handle_notification(struct calls_sctp *s, const uint8_t *buf,
				size_t len)
{
	union sctp_notification n;

	if (len < sizeof(n.sn_header))
		return;

	memset(&n, 0, sizeof(n));
	memcpy(&n, buf, len < sizeof(n) ? len : sizeof(n));

	switch (n.sn_header.sn_type) {

	case SCTP_ASSOC_CHANGE:
		switch (n.sn_assoc_change.sac_state) {

		case SCTP_COMM_UP:
			if (s->established || s->closed)
				break;
			s->established = true;
			log_debug("association up (%u/%u streams)",
				  n.sn_assoc_change.sac_outbound_streams,
				  n.sn_assoc_change.sac_inbound_streams);
			if (s->estabh)
				s->estabh(s->arg);
			break;

		case SCTP_SHUTDOWN_COMP:
			closed(s, 0);
			break;

		case SCTP_COMM_LOST:
			closed(s, ECONNRESET);
			break;

		case SCTP_CANT_STR_ASSOC:
			closed(s, ETIMEDOUT);
			break;

		default:
			break;
		}
		break;

	case SCTP_SHUTDOWN_EVENT:
		log_debug("peer shut down");
		break;

	case SCTP_STREAM_RESET_EVENT:
		handle_reset(s, buf, len);
		break;

	default:
		break;
	}
}


/* One recvv result: a whole message goes to the handlers */
static void deliver(struct calls_sctp *s, const uint8_t *buf, size_t len,
		    const struct sctp_rcvinfo *ri, int flags)
{
	const uint8_t *p = buf;
	size_t n = len;

	if (!(flags & MSG_EOR) || s->rx) {
		if (!s->rx_skip) {
			if (!s->rx)
				s->rx = mbuf_alloc(len * 2);
			if (!s->rx ||
			    s->rx->end + len > s->conf.max_msg ||
			    mbuf_write_mem(s->rx, buf, len)) {
				log_info("message over %zu bytes dropped",
					 s->conf.max_msg);
				s->rx_skip = true;
				s->rx = mem_deref(s->rx);
			}
		}

		if (!(flags & MSG_EOR))
			return;

		if (s->rx_skip) {
			s->rx_skip = false;
			return;
		}

		p = s->rx->buf;
		n = s->rx->end;
	}

	if (flags & MSG_NOTIFICATION)
		handle_notification(s, p, n);
	else
		calls_sctp_handle_msg(s, ri->rcv_sid, ntohl(ri->rcv_ppid), p,
				      n);

	s->rx = mem_deref(s->rx);
}


static void read_sock(struct calls_sctp *s)
{
	for (;;) {
		struct sctp_rcvinfo ri;
		socklen_t ilen = sizeof(ri);
		unsigned itype = 0;
		int flags = 0, e = 0;
		ssize_t r;

		memset(&ri, 0, sizeof(ri));

		++g.depth;
		r = usrsctp_recvv(s->sock, g.buf, sizeof(g.buf), NULL, NULL,
				  &ri, &ilen, &itype, &flags);
		if (r < 0)
			e = errno;
		--g.depth;

		if (r < 0) {
			if (e != EWOULDBLOCK && e != EAGAIN) {
				log_debug("recv: %m", e);
				closed(s, ECONNRESET);
			}
			return;
		}

		if (r == 0) {
			/* EOF: the peer's SHUTDOWN has completed */
			closed(s, 0);
			return;
		}

		deliver(s, g.buf, (size_t)r, &ri, flags);
		if (calls_sctp_gone(s))
			return;
	}
}


static void try_accept(struct calls_sctp *s)
{
	struct socket *so;

	++g.depth;
	so = usrsctp_accept(s->lsock, NULL, NULL);
	--g.depth;

	if (!so)
		return;

	s->sock = so;
	if (sock_opts(s, so))
		log_info("accepted socket options failed");

	/* one association per object: the listener is done */
	++g.depth;
	usrsctp_set_upcall(s->lsock, NULL, NULL);
	usrsctp_close(s->lsock);
	--g.depth;
	s->lsock = NULL;
}


static void process(struct calls_sctp *s)
{
	s->pending = false;

	if (s->lsock && !s->sock)
		try_accept(s);

	if (s->sock && !s->closed)
		read_sock(s);
}


void calls_sctp_run_pending(void)
{
	bool again = true;

	if (g.running)
		return;

	g.running = true;

	while (again) {
		struct le *le;

		again = false;

		for (le = g.assocs.head; le; le = le->next) {
			struct calls_sctp *s = le->data;

			if (!s->pending)
				continue;

			mem_ref(s);
			process(s);
			mem_deref(s);
			again = true;
			break;     /* the list may have changed */
		}
	}

	g.running = false;
}


int calls_sctp_shutdown(struct calls_sctp *s)
{
	int r, e = 0;

	if (!s)
		return EINVAL;

	if (!s->sock || s->closed)
		return 0;

	++g.depth;
	r = usrsctp_shutdown(s->sock, SHUT_WR);
	if (r < 0)
		e = errno;
	--g.depth;

	calls_sctp_run_pending();

	return r < 0 && e != ENOTCONN ? (e ? e : EIO) : 0;
}


bool calls_sctp_established(const struct calls_sctp *s)
{
	return s && s->established && !s->closed;
}


int calls_sctp_debug(struct re_printf *pf, const struct calls_sctp *s)
{
	if (!s)
		return 0;

	return re_hprintf(pf, "sctp %s %s, %u channels",
			  s->conf.client ? "client" : "server",
			  s->closed ? "closed" :
			  s->established ? "established" : "connecting",
			  list_count(&s->chans));
}


void calls_sctp_close(void)
{
	if (!g.inited)
		return;

	tmr_cancel(&g.reap);
	list_flush(&g.graves);

	if (g.assocs.head) {
		log_warn("usrsctp kept: associations remain");
		return;
	}

	tmr_cancel(&g.tick);

	/* usrsctp_finish() fails while sockets are still being freed */
	for (int i = 0; i < 100 && usrsctp_finish(); i++)
		usrsctp_handle_timers(TICK_MS);

	g.inited = false;
}
