/**
 * @file sock.c  Socket helpers: plain sockets driven by libre's fd_listen
 *
 * Plain sockets rather than libre's udp/tcp modules because the probe
 * needs what those hide: connected UDP sockets (so ICMP port unreachable
 * comes back as ECONNREFUSED), the don't-fragment switches, and exact
 * datagram sizes.
 */
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "re_inc.h"
#include "hostport.h"
#define LOG_MODULE "sock"
#include "log.h"
#include "probe.h"


uint64_t probe_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);

	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}


const char *proto_name(enum probe_proto proto)
{
	return proto == PROBE_UDP ? "udp" : "tcp";
}


/** A non-blocking, close-on-exec socket */
int sock_open(int *fdp, int af, enum probe_proto proto)
{
	int type = proto == PROBE_UDP ? SOCK_DGRAM : SOCK_STREAM;
	int fd;

	if (!fdp)
		return EINVAL;

	fd = socket(af, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;

	*fdp = fd;

	return 0;
}


int sock_bind(int fd, const struct sa *local, bool reuse)
{
	int on = 1, off = 0;

	if (fd < 0 || !local)
		return EINVAL;

	if (reuse)
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on,
				 sizeof(on));

	/* "::" takes IPv4 too, as nc -6 does not but users expect */
	if (sa_af(local) == AF_INET6 && sa_is_any(local))
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off,
				 sizeof(off));

	if (bind(fd, &local->u.sa, local->len) < 0)
		return errno;

	return 0;
}


int sock_local(int fd, struct sa *sa)
{
	if (!sa)
		return EINVAL;

	sa_init(sa, AF_UNSPEC);
	sa->len = sizeof(sa->u);
	if (getsockname(fd, &sa->u.sa, &sa->len) < 0)
		return errno;

	return 0;
}


/** Don't fragment: datagrams above the path MTU fail with EMSGSIZE */
int sock_set_df(int fd, int af)
{
	int v;

	if (af == AF_INET6) {
		v = IPV6_PMTUDISC_DO;
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &v,
			       sizeof(v)) < 0)
			return errno;
		v = 1;
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_DONTFRAG, &v,
			       sizeof(v)) < 0)
			return errno;
		return 0;
	}

	v = IP_PMTUDISC_DO;
	if (setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &v, sizeof(v)) < 0)
		return errno;

	return 0;
}


int sock_set_blocking(int fd, bool blocking)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0)
		return errno;

	fl = blocking ? (fl & ~O_NONBLOCK) : (fl | O_NONBLOCK);
	if (fcntl(fd, F_SETFL, fl) < 0)
		return errno;

	return 0;
}


/** host (address or name; NULL or "" for any) and port to one address */
int sock_resolve(struct sa *sa, const char *host, uint16_t port, int af)
{
	struct calls_hostport hp;
	size_t n = 1;

	if (!sa)
		return EINVAL;

	memset(&hp, 0, sizeof(hp));
	if (host && strlen(host) >= sizeof(hp.host))
		return ENAMETOOLONG;
	if (host) {
		/* accept "[::1]" as well as "::1" */
		size_t len = strlen(host);
		if (len > 2 && host[0] == '[' && host[len - 1] == ']')
			memcpy(hp.host, host + 1, len - 2);
		else
			strcpy(hp.host, host);
	}
	hp.port = port;
	hp.has_port = true;

	return calls_hostport_resolve(&hp, af, sa, &n);
}


/** write() until done; for stdout and blocking sockets */
int sock_write_all(int fd, const uint8_t *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		buf += n;
		len -= (size_t)n;
	}

	return 0;
}


/**
 * The listening side of listen and listen --echo: binds -s ADDR / -p PORT
 * (any address of the family by default), and tells on stderr where it
 * listens, so scripts can use port 0 and read the port back.
 */
int sock_serve(int *fdp, struct sa *bound, const struct probe_opts *o)
{
	struct sa local;
	int fd = -1, err;

	err = sock_resolve(&local, o->host ? o->host : "", o->port, o->af);
	if (err) {
		log_error("cannot use address '%s': %m", o->host, err);
		return err;
	}

	err = sock_open(&fd, sa_af(&local), o->proto);
	if (err)
		goto out;

	/* SO_REUSEADDR for TCP's TIME_WAIT only: on UDP it would let two
	 * listeners share the port without a word */
	err = sock_bind(fd, &local, o->proto == PROBE_TCP);
	if (err)
		goto out;

	if (o->proto == PROBE_TCP && listen(fd, 16) < 0) {
		err = errno;
		goto out;
	}

	err = sock_local(fd, bound);
	if (err)
		goto out;

	re_fprintf(stderr, "calls-probe: listening on %s %J\n",
		   proto_name(o->proto), bound);
	fflush(stderr);

 out:
	if (err) {
		log_error("cannot listen on %s %J: %m", proto_name(o->proto),
			  &local, err);
		if (fd >= 0)
			close(fd);
	}
	else {
		*fdp = fd;
	}

	return err;
}


/**
 * The calling side of connect and ping: a socket bound to the source
 * address/port when given, connect() started (TCP: may be in progress,
 * *inprogress tells).
 */
int sock_dial(int *fdp, struct sa *dst, bool *inprogress,
	      const struct probe_opts *o)
{
	struct sa local;
	int fd = -1, err;

	*inprogress = false;

	err = sock_resolve(dst, o->host, o->port, o->af);
	if (err) {
		log_error("cannot resolve '%s': %m", o->host, err);
		return err;
	}

	err = sock_open(&fd, sa_af(dst), o->proto);
	if (err)
		goto out;

	if (o->source || o->sport) {
		err = sock_resolve(&local, o->source ? o->source : "",
				   o->sport, sa_af(dst));
		if (!err)
			err = sock_bind(fd, &local, false);
		if (err) {
			log_error("cannot bind to %s port %u: %m",
				  o->source ? o->source : "*", o->sport,
				  err);
			goto out;
		}
	}

	if (connect(fd, &dst->u.sa, dst->len) < 0) {
		if (errno == EINPROGRESS && o->proto == PROBE_TCP)
			*inprogress = true;
		else
			err = errno;
	}

 out:
	if (err) {
		if (fd >= 0)
			close(fd);
	}
	else {
		*fdp = fd;
	}

	return err;
}


/** SO_ERROR of a socket whose non-blocking connect() finished */
int sock_error(int fd)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		return errno;

	return err;
}


/** Whether err means "nobody answers there" (exit 1, not 4) */
bool sock_err_unanswered(int err)
{
	switch (err) {

	case ECONNREFUSED:
	case ECONNRESET:
	case EPIPE:
	case ETIMEDOUT:
	case EHOSTUNREACH:
	case ENETUNREACH:
	case EHOSTDOWN:
		return true;

	default:
		return false;
	}
}


/**
 * A UDP socket bound to the any-address answers from the address each
 * datagram came to (IP_PKTINFO / IPV6_PKTINFO). Without this a host with
 * several addresses (even 127.0.0.2 on lo) may answer from another one,
 * and a client with a connected socket never sees the answer.
 */
int sock_pktinfo_enable(int fd, int af)
{
	int on = 1;

	if (af == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on)))
		return errno;

	/* IPv4 datagrams on a dual-stack socket carry IP_PKTINFO */
	if (setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on)) &&
	    af == AF_INET)
		return errno;

	return 0;
}


/** recvfrom() that also tells the local address (af 0 when unknown) */
ssize_t sock_recv(int fd, uint8_t *buf, size_t size, struct sa *src,
		  struct sa *local)
{
	union {
		char b[CMSG_SPACE(sizeof(struct in6_pktinfo)) +
		       CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = {.iov_base = buf, .iov_len = size};
	struct msghdr mh;
	struct cmsghdr *c;
	ssize_t n;

	memset(&mh, 0, sizeof(mh));
	sa_init(src, AF_UNSPEC);
	sa_init(local, AF_UNSPEC);
	mh.msg_name = &src->u;
	mh.msg_namelen = sizeof(src->u);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = ctl.b;
	mh.msg_controllen = sizeof(ctl.b);

	n = recvmsg(fd, &mh, 0);
	if (n < 0)
		return n;
	src->len = mh.msg_namelen;

	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level == IPPROTO_IP &&
		    c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			sa_set_in(local, ntohl(pi.ipi_addr.s_addr), 0);
		}
		else if (c->cmsg_level == IPPROTO_IPV6 &&
			 c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			sa_set_in6(local, pi.ipi6_addr.s6_addr, 0);
		}
	}

	return n;
}


/* One control message, the only one of mh, in buf */
static void cmsg_put(struct msghdr *mh, char *buf, int level, int type,
		     const void *data, size_t len)
{
	struct cmsghdr *c;

	mh->msg_control = buf;
	mh->msg_controllen = CMSG_SPACE(len);
	c = CMSG_FIRSTHDR(mh);
	c->cmsg_level = level;
	c->cmsg_type = type;
	c->cmsg_len = CMSG_LEN(len);
	memcpy(CMSG_DATA(c), data, len);
}


/** sendto() from the local address local (when af is set) */
int sock_send(int fd, const uint8_t *buf, size_t len, const struct sa *dst,
	      const struct sa *local)
{
	union {
		char b[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
	struct msghdr mh;

	memset(&mh, 0, sizeof(mh));
	memset(&ctl, 0, sizeof(ctl));
	mh.msg_name = (void *)&dst->u;
	mh.msg_namelen = dst->len;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;

	if (local && sa_af(local) == AF_INET) {
		struct in_pktinfo pi;

		memset(&pi, 0, sizeof(pi));
		pi.ipi_spec_dst = local->u.in.sin_addr;
		cmsg_put(&mh, ctl.b, IPPROTO_IP, IP_PKTINFO, &pi, sizeof(pi));
	}
	else if (local && sa_af(local) == AF_INET6) {
		struct in6_pktinfo pi;

		memset(&pi, 0, sizeof(pi));
		pi.ipi6_addr = local->u.in6.sin6_addr;
		cmsg_put(&mh, ctl.b, IPPROTO_IPV6, IPV6_PKTINFO, &pi,
			 sizeof(pi));
	}

	if (sendmsg(fd, &mh, 0) < 0)
		return errno;

	return 0;
}
