/**
 * @file rtcnet.c  calls-sfu: the RTC port (UDP + ICE-TCP, ICE-lite)
 *
 * Sockets are ours, not libre's udp/tcp modules: libre allocates an mbuf
 * per datagram read, and its TCP listener cannot share a port with
 * SO_REUSEPORT as rtcd's does. Each socket is watched with fd_listen();
 * datagrams and TCP frames are read into net->rxbuf or the connection's
 * buffer and demultiplexed in place (RFC 7983).
 *
 * One socket per UDP address (rtc.udp_sockets_count is not used: this
 * process reads with one thread). Lookups: endpoints by local ufrag and
 * UDP pairs by (remote address, local socket), both libre hash tables;
 * an ICE-TCP connection points at its pair directly. ICE-TCP
 * connections are in rtcnet_tcp.c; what both files share, in
 * rtcnet_int.h.
 */
#include <string.h>
#include <stdlib.h>
#include <errno.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include "re_inc.h"
#define LOG_MODULE "rtcnet"
#include "log.h"
#include "stun.h"
#include "config.h"
#include "metrics.h"
#include "rtcnet.h"
#include "rtcnet_int.h"


/* ---- errors and output ---- */

static void count_err(struct sfu_rtcnet *net, const char *group,
		      bool rtp)
{
	if (rtp)
		++net->st.err_rtp;
	else
		++net->st.err_ice;
	sfu_metrics_rtc_error(net->m, group ? group : "", rtp ? "rtp" : "ice");
}


static int udp_tx(struct sfu_rtcnet *net, struct usock *us,
		  const struct sa *dst, const uint8_t *buf, size_t len)
{
	ssize_t n;

	if (net->txh) {
		net->txh(SFU_RTCNET_UDP, &us->local, dst, buf, len,
			 net->txarg);
		return 0;
	}
	if (us->fd < 0)
		return EBADF;

	n = sendto(us->fd, buf, len, MSG_DONTWAIT, &dst->u.sa, dst->len);
	if (n < 0)
		return errno;

	return (size_t)n == len ? 0 : EMSGSIZE;
}


static int pair_tx(struct sfu_rtcnet *net, struct usock *us,
		   struct tconn *tc, const struct sa *dst,
		   const uint8_t *buf, size_t len)
{
	if (us)
		return udp_tx(net, us, dst, buf, len);
	if (tc) {
		if (net->txh) {
			net->txh(SFU_RTCNET_TCP, &tc->local, dst, buf, len,
				 net->txarg);
			return 0;
		}
		return tconn_send(tc, buf, len);
	}
	return ENOTCONN;
}


/* ---- endpoints and pairs ---- */

static bool pair_cmp(struct le *le, void *arg)
{
	const struct rpair *p = le->data;
	const struct rpair *key = arg;

	return p->us == key->us && sa_cmp(&p->remote, &key->remote, SA_ALL);
}


static struct rpair *pair_find_udp(struct sfu_rtcnet *net, struct usock *us,
				   const struct sa *src)
{
	struct rpair key;
	struct le *le;

	key.us = us;
	key.remote = *src;
	le = hash_lookup(net->remotes, sa_hash(src, SA_ALL), pair_cmp, &key);

	return le ? le->data : NULL;
}


void pair_unbind(struct rpair *p)
{
	if (!p->used)
		return;

	if (p->tc) {
		if (p->tc->pair == p)
			p->tc->pair = NULL;
	}
	else {
		hash_unlink(&p->he);
	}
	if (p->ep->sel == p)
		p->ep->sel = NULL;
	if (p->ep->recent == p)
		p->ep->recent = NULL;
	p->used = false;
	p->us = NULL;
	p->tc = NULL;
}


/* The pair of ep for (us or tc, src): found, or made in a free slot (or
 * the least recently used one that is not selected) */
static struct rpair *pair_bind(struct sfu_rtcnet_ep *ep, struct usock *us,
			       struct tconn *tc, const struct sa *src)
{
	struct sfu_rtcnet *net = ep->net;
	struct rpair *p = NULL, *old;
	unsigned i;

	if (tc) {
		p = tc->pair;
		if (p && p->ep == ep)
			return p;
		if (p)
			pair_unbind(p);  /* conn moves to another ep */
	}
	else {
		old = pair_find_udp(net, us, src);
		if (old && old->ep == ep)
			return old;
		if (old)
			pair_unbind(old);  /* latest authentication wins */
	}

	for (i = 0; i < EP_MAX_PAIRS; i++) {
		struct rpair *c = &ep->pairs[i];

		if (!c->used) {
			p = c;
			break;
		}
		if (c == ep->sel)
			continue;
		if (!p || c->last < p->last)
			p = c;
	}
	pair_unbind(p);

	p->ep = ep;
	p->remote = *src;
	p->us = us;
	p->tc = tc;
	p->used = true;
	if (tc)
		tc->pair = p;
	else
		hash_append(net->remotes, sa_hash(src, SA_ALL), &p->he, p);

	return p;
}


static void ep_set_state(struct sfu_rtcnet_ep *ep, enum sfu_rtcnet_state st)
{
	if (ep->state == st)
		return;

	ep->state = st;
	log_debug("ep %s: %s", ep->ufrag,
		  st == SFU_RTCNET_CONNECTED ? "connected" :
		  st == SFU_RTCNET_DISCONNECTED ? "disconnected" : "failed");
	if (ep->stateh)
		ep->stateh(ep, st, ep->arg);  /* may free ep */
}


static uint32_t consent_tick(const struct sfu_rtcnet *net)
{
	uint32_t t = net->consent_ms / 10;

	return t < 10 ? 10 : t > 1000 ? 1000 : t;
}


static void consent_handler(void *arg)
{
	struct sfu_rtcnet_ep *ep = arg;
	uint32_t to = ep->net->consent_ms;
	uint64_t now = tmr_jiffies();
	uint64_t since = ep->state == SFU_RTCNET_NEW ? ep->created :
		ep->consent;

	if (now - since >= to) {
		unsigned i;

		log_info("ep %s: %s after %u ms", ep->ufrag,
			 ep->state == SFU_RTCNET_NEW ? "no connectivity" :
			 "consent expired", to);
		for (i = 0; i < EP_MAX_PAIRS; i++)
			pair_unbind(&ep->pairs[i]);
		ep_set_state(ep, SFU_RTCNET_FAILED);  /* may free ep */
		return;
	}

	tmr_start(&ep->tmr, consent_tick(ep->net), consent_handler, ep);

	if (ep->state == SFU_RTCNET_CONNECTED && now - since >= to / 3)
		ep_set_state(ep, SFU_RTCNET_DISCONNECTED);
}


static void ep_destructor(void *arg)
{
	struct sfu_rtcnet_ep *ep = arg;
	unsigned i;

	tmr_cancel(&ep->tmr);
	for (i = 0; i < EP_MAX_PAIRS; i++)
		pair_unbind(&ep->pairs[i]);
	if (ep->net) {
		hash_unlink(&ep->he);
		--ep->net->epc;
	}
	mem_deref(ep->ufrag);
	mem_deref(ep->pwd);
	mem_deref(ep->group);
}


static bool ufrag_cmp(struct le *le, void *arg)
{
	const struct sfu_rtcnet_ep *ep = le->data;
	const struct pl *pl = arg;

	return strlen(ep->ufrag) == pl->l && !memcmp(ep->ufrag, pl->p, pl->l);
}


static struct sfu_rtcnet_ep *ep_find(struct sfu_rtcnet *net,
				     const struct pl *ufrag)
{
	struct le *le = hash_lookup(net->eps, hash_joaat_pl(ufrag),
				    ufrag_cmp, (void *)ufrag);

	return le ? le->data : NULL;
}


int sfu_rtcnet_ep_alloc(struct sfu_rtcnet_ep **epp, struct sfu_rtcnet *net,
			const char *ufrag, const char *pwd,
			const char *group_id, sfu_rtcnet_recv_h *recvh,
			sfu_rtcnet_state_h *stateh, void *arg)
{
	struct sfu_rtcnet_ep *ep;
	struct pl pl;
	int err;

	if (!epp || !net || !ufrag || !*ufrag || !pwd || !*pwd ||
	    strchr(ufrag, ':'))
		return EINVAL;

	pl_set_str(&pl, ufrag);
	if (ep_find(net, &pl))
		return EADDRINUSE;

	ep = mem_zalloc(sizeof(*ep), ep_destructor);
	if (!ep)
		return ENOMEM;

	err = str_dup(&ep->ufrag, ufrag);
	err |= str_dup(&ep->pwd, pwd);
	if (group_id)
		err |= str_dup(&ep->group, group_id);
	if (err) {
		mem_deref(ep);
		return ENOMEM;
	}

	ep->pwdlen = strlen(pwd);
	ep->recvh = recvh;
	ep->stateh = stateh;
	ep->arg = arg;
	ep->created = tmr_jiffies();
	ep->net = net;
	tmr_init(&ep->tmr);
	hash_append(net->eps, hash_joaat_str(ufrag), &ep->he, ep);
	++net->epc;
	tmr_start(&ep->tmr, consent_tick(net), consent_handler, ep);

	*epp = ep;

	return 0;
}


int sfu_rtcnet_send(struct sfu_rtcnet_ep *ep, const uint8_t *buf,
		    size_t len)
{
	struct rpair *p;

	if (!ep || !buf)
		return EINVAL;

	/* before a nomination: the latest pair that passed a check, so a
	 * DTLS handshake the client starts early is answered */
	p = ep->sel ? ep->sel : ep->recent;
	if (!p || !ep->net || ep->state == SFU_RTCNET_FAILED)
		return ENOTCONN;

	return pair_tx(ep->net, p->us, p->tc, &p->remote, buf, len);
}


enum sfu_rtcnet_state sfu_rtcnet_ep_state(const struct sfu_rtcnet_ep *ep)
{
	return ep ? ep->state : SFU_RTCNET_FAILED;
}


int sfu_rtcnet_ep_remote(const struct sfu_rtcnet_ep *ep, struct sa *sa,
			 enum sfu_rtcnet_proto *protop)
{
	if (!ep || !ep->sel)
		return ENOTCONN;
	if (sa)
		*sa = ep->sel->remote;
	if (protop)
		*protop = ep->sel->tc ? SFU_RTCNET_TCP : SFU_RTCNET_UDP;
	return 0;
}


int sfu_rtcnet_ep_local(const struct sfu_rtcnet_ep *ep, struct sa *sa)
{
	if (!ep || !ep->sel || !sa)
		return ENOTCONN;
	*sa = ep->sel->tc ? ep->sel->tc->local : ep->sel->us->local;
	return 0;
}


const char *sfu_rtcnet_ep_ufrag(const struct sfu_rtcnet_ep *ep)
{
	return ep ? ep->ufrag : NULL;
}


const char *sfu_rtcnet_ep_pwd(const struct sfu_rtcnet_ep *ep)
{
	return ep ? ep->pwd : NULL;
}


unsigned sfu_rtcnet_ep_count(const struct sfu_rtcnet *net)
{
	return net ? net->epc : 0;
}


static void rand_ice(char *s, size_t n)
{
	static const char set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		"abcdefghijklmnopqrstuvwxyz0123456789";
	uint8_t b[64];
	size_t i = 0, j = sizeof(b);

	while (i < n) {
		if (j == sizeof(b)) {
			rand_bytes(b, sizeof(b));
			j = 0;
		}
		if (b[j] < 248)  /* 248 = 4 * 62: no modulo bias */
			s[i++] = set[b[j] % 62];
		++j;
	}
	s[n] = '\0';
}


void sfu_rtcnet_gen_creds(char *ufrag, char *pwd)
{
	if (ufrag)
		rand_ice(ufrag, SFU_RTCNET_UFRAG_LEN);
	if (pwd)
		rand_ice(pwd, SFU_RTCNET_PWD_LEN);
}


/* ---- ICE-lite responder ---- */

static int stun_reply_err(struct sfu_rtcnet *net, struct usock *us,
			  struct tconn *tc, const struct sa *src,
			  const struct calls_stun_msg *req, uint16_t code,
			  const struct sfu_rtcnet_ep *ep)
{
	struct calls_stun_enc e;
	size_t len;
	int err;

	calls_stun_enc_init(&e, net->txbuf, sizeof(net->txbuf),
			    CALLS_STUN_BINDING, CALLS_STUN_CLASS_ERROR,
			    req->tid, true);
	calls_stun_enc_errcode(&e, code, calls_stun_reason(code));
	if (code == 420)
		calls_stun_enc_unknown(&e, req->unknown, req->n_unknown);
	if (ep)
		calls_stun_enc_integrity(&e, CALLS_STUN_MI_SHA1,
					 (const uint8_t *)ep->pwd,
					 ep->pwdlen);
	calls_stun_enc_fingerprint(&e);
	err = calls_stun_enc_finish(&e, &len);
	if (err)
		return err;

	return pair_tx(net, us, tc, src, net->txbuf, len);
}


static int stun_reply_ok(struct sfu_rtcnet *net, struct usock *us,
			 struct tconn *tc, const struct sa *src,
			 const struct calls_stun_msg *req,
			 const struct sfu_rtcnet_ep *ep)
{
	struct calls_stun_enc e;
	size_t len;
	int err;

	calls_stun_enc_init(&e, net->txbuf, sizeof(net->txbuf),
			    CALLS_STUN_BINDING, CALLS_STUN_CLASS_SUCCESS,
			    req->tid, true);
	calls_stun_enc_addr(&e, CALLS_STUN_ATTR_XOR_MAPPED_ADDRESS, src);
	if (ep)
		calls_stun_enc_integrity(&e, CALLS_STUN_MI_SHA1,
					 (const uint8_t *)ep->pwd,
					 ep->pwdlen);
	calls_stun_enc_fingerprint(&e);
	err = calls_stun_enc_finish(&e, &len);
	if (err)
		return err;

	return pair_tx(net, us, tc, src, net->txbuf, len);
}


/* An ICE connectivity check (USERNAME "ours:theirs") from src */
static void ice_check(struct sfu_rtcnet *net, struct usock *us,
		      struct tconn *tc, const struct sa *src,
		      const struct calls_stun_msg *msg,
		      const struct pl *user)
{
	struct sfu_rtcnet_ep *ep;
	struct rpair *p;
	struct pl ours;
	const char *colon;
	int err;

	colon = pl_strchr(user, ':');
	if (!colon || colon == user->p) {
		count_err(net, NULL, false);
		return;
	}
	ours.p = user->p;
	ours.l = colon - user->p;

	ep = ep_find(net, &ours);
	if (!ep || ep->state == SFU_RTCNET_FAILED) {
		log_debug("%J: Binding request for unknown ufrag '%r'", src,
			  &ours);
		count_err(net, NULL, false);
		return;
	}

	err = calls_stun_integrity_check(msg, CALLS_STUN_MI_SHA1,
					 (const uint8_t *)ep->pwd,
					 ep->pwdlen);
	if (err) {
		log_debug("%J: ufrag %s: %s MESSAGE-INTEGRITY", src,
			  ep->ufrag, err == ENOENT ? "no" : "bad");
		count_err(net, ep->group, false);
		(void)stun_reply_err(net, us, tc, src, msg,
				     err == ENOENT ? 400 : 401, NULL);
		return;
	}

	if (msg->n_unknown) {
		count_err(net, ep->group, false);
		(void)stun_reply_err(net, us, tc, src, msg, 420, ep);
		return;
	}

	/* ICE-lite: always controlled (RFC 8445 section 7.3.1.1) */
	if (calls_stun_has(msg, CALLS_STUN_ATTR_ICE_CONTROLLED)) {
		(void)stun_reply_err(net, us, tc, src, msg, 487, ep);
		return;
	}

	(void)stun_reply_ok(net, us, tc, src, msg, ep);
	++net->st.stun_ok;

	p = pair_bind(ep, us, tc, src);
	p->last = tmr_jiffies();
	ep->recent = p;

	if (calls_stun_has(msg, CALLS_STUN_ATTR_USE_CANDIDATE) &&
	    ep->sel != p) {
		log_debug("ep %s: selected %s %J", ep->ufrag,
			  tc ? "tcp" : "udp", src);
		ep->sel = p;
	}

	if (ep->sel == p) {
		ep->consent = p->last;
		ep_set_state(ep, SFU_RTCNET_CONNECTED);  /* may free ep */
	}
}


/* A STUN message (first byte 0..3) on us or tc from src. Returns EPROTO
 * when it is not STUN at all (an ICE-TCP stream then closes) */
static int handle_stun(struct sfu_rtcnet *net, struct usock *us,
		       struct tconn *tc, const struct sa *src,
		       const uint8_t *buf, size_t len)
{
	struct calls_stun_msg msg;
	struct pl user;

	if (!calls_stun_is_msg(buf, len, true) ||
	    calls_stun_decode(&msg, buf, len)) {
		count_err(net, NULL, false);
		return EPROTO;
	}

	if (msg.method != CALLS_STUN_BINDING ||
	    msg.cls != CALLS_STUN_CLASS_REQUEST) {
		/* Binding indications are keep-alives: nothing to do */
		if (msg.cls != CALLS_STUN_CLASS_INDICATION)
			count_err(net, NULL, false);
		return 0;
	}

	if (calls_stun_fingerprint_check(&msg) == EBADMSG) {
		count_err(net, NULL, false);
		return 0;
	}

	if (!calls_stun_str_get(&msg, CALLS_STUN_ATTR_USERNAME, &user)) {
		ice_check(net, us, tc, src, &msg, &user);
		return 0;
	}

	/* a plain connectivity check (calls-probe stun) */
	if (calls_stun_has(&msg, CALLS_STUN_ATTR_MESSAGE_INTEGRITY)) {
		count_err(net, NULL, false);
		(void)stun_reply_err(net, us, tc, src, &msg, 400, NULL);
		return 0;
	}
	++net->st.stun_unauth;
	(void)stun_reply_ok(net, us, tc, src, &msg, NULL);

	return 0;
}


/* One datagram or TCP frame. Returns EPROTO when the stream is out of
 * step (a TCP connection then closes) */
int rtcnet_demux(struct sfu_rtcnet *net, struct usock *us, struct tconn *tc,
		 const struct sa *src, uint8_t *buf, size_t len)
{
	struct rpair *p;
	struct sfu_rtcnet_ep *ep;
	enum sfu_rtcnet_kind kind;
	uint8_t b;

	++net->st.rx_pkts;

	if (!len) {
		count_err(net, NULL, false);
		return EPROTO;
	}

	b = buf[0];
	if (b < 4)
		return handle_stun(net, us, tc, src, buf, len);

	p = tc ? tc->pair : pair_find_udp(net, us, src);
	if (b >= 20 && b <= 63)
		kind = SFU_RTCNET_DTLS;
	else if (b >= 128 && b <= 191)
		kind = SFU_RTCNET_RTP;
	else {
		count_err(net, p ? p->ep->group : NULL, false);
		return EPROTO;
	}

	if (!p || p->ep->state == SFU_RTCNET_FAILED) {
		count_err(net, NULL, kind == SFU_RTCNET_RTP);
		return EPROTO;
	}

	ep = p->ep;
	if (ep->recvh)
		ep->recvh(ep, buf, len, kind, ep->arg);

	return 0;
}


void sfu_rtcnet_input(struct sfu_rtcnet *net, const struct sa *local,
		      const struct sa *src, const uint8_t *buf, size_t len)
{
	struct usock *us = NULL;
	unsigned i;

	if (!net || !src || !buf || len > sizeof(net->rxbuf))
		return;

	for (i = 0; i < net->udpc; i++) {
		if (!local || sa_cmp(local, &net->udp[i].local, SA_ALL)) {
			us = &net->udp[i];
			break;
		}
	}
	if (!us)
		return;

	memcpy(net->rxbuf, buf, len);
	(void)rtcnet_demux(net, us, NULL, src, net->rxbuf, len);
}


/* ---- UDP ---- */

static void udp_read_h(int flags, void *arg)
{
	struct usock *us = arg;
	struct sfu_rtcnet *net = us->net;
	unsigned i;

	(void)flags;

	for (i = 0; i < READ_BURST; i++) {
		struct sa src;
		ssize_t n;

		sa_init(&src, AF_UNSPEC);
		src.len = sizeof(src.u);
		n = recvfrom(us->fd, net->rxbuf, sizeof(net->rxbuf),
			     MSG_DONTWAIT, &src.u.sa, &src.len);
		if (n < 0)
			break;

		(void)rtcnet_demux(net, us, NULL, &src, net->rxbuf, (size_t)n);
	}
}


static void set_bufs(int fd)
{
	int sz = UDP_BUFSZ;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)))
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)))
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
}


/* A socket bound to *sa (port updated to the real one) */
static int sock_open(int *fdp, struct sa *sa, int type)
{
	int fd, on = 1, err = 0;

	fd = socket(sa_af(sa), type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;

	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on));
	if (sa_af(sa) == AF_INET6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on,
				 sizeof(on));
	if (type == SOCK_DGRAM)
		set_bufs(fd);

	if (bind(fd, &sa->u.sa, sa->len) < 0) {
		err = errno;
		goto out;
	}
	if (type == SOCK_STREAM && listen(fd, 128) < 0) {
		err = errno;
		goto out;
	}

	sa->len = sizeof(sa->u);
	if (getsockname(fd, &sa->u.sa, &sa->len) < 0)
		err = errno;

 out:
	if (err)
		close(fd);
	else
		*fdp = fd;

	return err;
}


/* ---- the port ---- */

static bool ep_detach(struct le *le, void *arg)
{
	struct sfu_rtcnet_ep *ep = le->data;
	unsigned i;

	(void)arg;
	tmr_cancel(&ep->tmr);
	for (i = 0; i < EP_MAX_PAIRS; i++)
		pair_unbind(&ep->pairs[i]);
	ep->net = NULL;

	return false;
}


static void destructor(void *arg)
{
	struct sfu_rtcnet *net = arg;
	unsigned i;

	list_flush(&net->tconns);
	/* endpoints belong to the media plane: detach the ones left */
	(void)hash_apply(net->eps, ep_detach, NULL);
	hash_clear(net->eps);
	for (i = 0; i < net->udpc; i++) {
		fd_close(net->udp[i].fd);
		close(net->udp[i].fd);
	}
	for (i = 0; i < net->tcpc; i++) {
		fd_close(net->tcp[i].fd);
		close(net->tcp[i].fd);
	}
	mem_deref(net->eps);
	mem_deref(net->remotes);
}


/* Addresses from a comma list ("" or NULL: 0.0.0.0, and :: with ipv6) */
static int parse_addrs(struct sa *addrs, unsigned *np, const char *list,
		       uint16_t port, bool ipv6, char *errbuf, size_t errsz)
{
	struct pl rest, item;
	unsigned n = 0;

	if (!list || !*list) {
		sa_set_str(&addrs[n++], "0.0.0.0", port);
		if (ipv6)
			sa_set_str(&addrs[n++], "::", port);
		*np = n;
		return 0;
	}

	pl_set_str(&rest, list);
	while (rest.l && n < MAX_ADDRS) {
		const char *c = pl_strchr(&rest, ',');
		char ip[64];

		item.p = rest.p;
		item.l = c ? (size_t)(c - rest.p) : rest.l;
		rest.p += item.l + (c ? 1 : 0);
		rest.l -= item.l + (c ? 1 : 0);
		while (item.l && item.p[0] == ' ') {
			++item.p;
			--item.l;
		}
		while (item.l && item.p[item.l - 1] == ' ')
			--item.l;
		if (!item.l)
			continue;

		(void)pl_strcpy(&item, ip, sizeof(ip));
		if (sa_set_str(&addrs[n], ip, port)) {
			re_snprintf(errbuf, errsz, "rtc: '%s' is not an IP "
				    "address", ip);
			return EINVAL;
		}
		if (sa_af(&addrs[n]) == AF_INET6 && !ipv6)
			continue;
		++n;
	}

	*np = n;

	return 0;
}


static uint16_t port_knob(uint16_t port)
{
	const char *v = getenv(SFU_RTCNET_PORT_ENV);

	if (v && *v)
		return (uint16_t)strtoul(v, NULL, 10);
	return port;
}


static int open_udp(struct sfu_rtcnet *net, const struct sfu_config *cfg,
		    char *errbuf, size_t errsz)
{
	struct sa addrs[MAX_ADDRS];
	unsigned n, i;
	int err;

	err = parse_addrs(addrs, &n, cfg->rtc.ice_address_udp,
			  port_knob(cfg->rtc.ice_port_udp),
			  cfg->rtc.enable_ipv6, errbuf, errsz);
	for (i = 0; i < n && !err; i++) {
		struct usock *us = &net->udp[net->udpc];

		err = sock_open(&us->fd, &addrs[i], SOCK_DGRAM);
		if (err) {
			re_snprintf(errbuf, errsz, "rtc: udp %J: %m",
				    &addrs[i], err);
			break;
		}
		us->local = addrs[i];
		us->net = net;
		++net->udpc;
		err = fd_listen(us->fd, FD_READ, udp_read_h, us);
	}

	return err;
}


static int open_tcp(struct sfu_rtcnet *net, const struct sfu_config *cfg,
		    char *errbuf, size_t errsz)
{
	struct sa addrs[MAX_ADDRS];
	unsigned n, i;
	int err;

	err = parse_addrs(addrs, &n, cfg->rtc.ice_address_tcp,
			  port_knob(cfg->rtc.ice_port_tcp),
			  cfg->rtc.enable_ipv6, errbuf, errsz);
	for (i = 0; i < n && !err; i++) {
		struct tlisten *tl = &net->tcp[net->tcpc];

		err = sock_open(&tl->fd, &addrs[i], SOCK_STREAM);
		if (err) {
			re_snprintf(errbuf, errsz, "rtc: tcp %J: %m",
				    &addrs[i], err);
			break;
		}
		tl->local = addrs[i];
		tl->net = net;
		++net->tcpc;
		err = fd_listen(tl->fd, FD_READ, tlisten_h, tl);
	}

	return err;
}


int sfu_rtcnet_alloc(struct sfu_rtcnet **netp, const struct sfu_config *cfg,
		     struct sfu_metrics *m, char *errbuf, size_t errsz)
{
	struct sfu_rtcnet *net;
	const char *v;
	unsigned i;
	int err;

	if (!netp || !cfg)
		return EINVAL;

	net = mem_zalloc(sizeof(*net), destructor);
	if (!net)
		return ENOMEM;

	net->m = m;
	net->consent_ms = SFU_RTCNET_CONSENT_MS_DEFAULT;
	v = getenv(SFU_RTCNET_CONSENT_ENV);
	if (v && *v && strtoul(v, NULL, 10) > 0)
		net->consent_ms = (uint32_t)strtoul(v, NULL, 10);

	err = hash_alloc(&net->eps, HASH_BUCKETS);
	err |= hash_alloc(&net->remotes, HASH_BUCKETS);
	if (err) {
		err = ENOMEM;
		goto out;
	}

	err = open_udp(net, cfg, errbuf, errsz);
	if (!err)
		err = open_tcp(net, cfg, errbuf, errsz);

 out:
	if (err) {
		mem_deref(net);
	}
	else {
		for (i = 0; i < net->udpc; i++)
			log_info("RTC port: udp %J", &net->udp[i].local);
		for (i = 0; i < net->tcpc; i++)
			log_info("RTC port: tcp %J (ICE-TCP passive)",
				 &net->tcp[i].local);
		if (net->consent_ms != SFU_RTCNET_CONSENT_MS_DEFAULT)
			log_info("consent timeout %u ms (%s)",
				 net->consent_ms, SFU_RTCNET_CONSENT_ENV);
		*netp = net;
	}

	return err;
}


unsigned sfu_rtcnet_addr_count(const struct sfu_rtcnet *net,
			       enum sfu_rtcnet_proto proto)
{
	if (!net)
		return 0;
	return proto == SFU_RTCNET_TCP ? net->tcpc : net->udpc;
}


int sfu_rtcnet_addr(const struct sfu_rtcnet *net,
		    enum sfu_rtcnet_proto proto, unsigned i, struct sa *sa)
{
	if (!net || !sa)
		return EINVAL;
	if (i >= sfu_rtcnet_addr_count(net, proto))
		return ENOENT;
	*sa = proto == SFU_RTCNET_TCP ? net->tcp[i].local : net->udp[i].local;
	return 0;
}


uint32_t sfu_rtcnet_consent_ms(const struct sfu_rtcnet *net)
{
	return net ? net->consent_ms : 0;
}


void sfu_rtcnet_set_tx_hook(struct sfu_rtcnet *net, sfu_rtcnet_tx_h *txh,
			    void *arg)
{
	if (!net)
		return;
	net->txh = txh;
	net->txarg = arg;
}


void sfu_rtcnet_stats_get(const struct sfu_rtcnet *net,
			  struct sfu_rtcnet_stats *st)
{
	if (!st)
		return;
	if (!net)
		memset(st, 0, sizeof(*st));
	else
		*st = net->st;
}
