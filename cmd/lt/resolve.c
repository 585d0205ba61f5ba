/**
 * @file resolve.c  calls-lt: the addresses of the SFU URL's host
 *
 * An IP literal is itself. A name is looked up with getaddrinfo(), or,
 * with --dns-server, by one A query (RFC 1035) sent over UDP to that
 * server (tests point it at a dnsmasq on loopback), so every address the
 * name has is seen: calls are spread over them (scenario.c).
 */
#include <netdb.h>
#include <stdlib.h>
#include <poll.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>
#include "re_inc.h"
#include "ltint.h"

static const char *dns_server_g;


void lt_resolve_set_server(const char *srv)
{
	dns_server_g = srv;
}


static int host_of(const char *url, char *host, size_t sz, uint16_t *port,
		   const char **restp)
{
	const char *h, *end, *colon;
	size_t hl;

	if (strncasecmp(url, "http://", 7))
		return EINVAL;
	h = url + 7;
	end = h + strcspn(h, "/");
	*restp = end;
	if (*h == '[') {
		const char *rb = memchr(h, ']', end - h);

		if (!rb)
			return EINVAL;
		hl = rb - h - 1;
		colon = rb + 1 < end && rb[1] == ':' ? rb + 1 : NULL;
		h++;
	}
	else {
		colon = memchr(h, ':', end - h);
		hl = (colon ? colon : end) - h;
	}
	if (!hl || hl >= sz)
		return EINVAL;
	memcpy(host, h, hl);
	host[hl] = '\0';
	*port = colon ? (uint16_t)atoi(colon + 1) : 80;

	return 0;
}


/* An A query for name with id into q; its length, or 0 if too long */
static size_t query_build(uint8_t *q, size_t size, const char *name,
			  uint16_t id)
{
	const char *s = name;
	size_t ql = 12;

	memset(q, 0, 12);
	q[0] = (uint8_t)(id >> 8);
	q[1] = (uint8_t)id;
	q[2] = 0x01;                       /* RD */
	q[5] = 1;                          /* QDCOUNT */
	while (*s) {
		size_t l = strcspn(s, ".");

		if (!l || l > 63 || ql + l + 6 > size)
			return 0;
		q[ql++] = (uint8_t)l;
		memcpy(q + ql, s, l);
		ql += l;
		s += l;
		if (*s == '.')
			s++;
	}
	q[ql++] = 0;
	q[ql++] = 0; q[ql++] = 1;          /* A  */
	q[ql++] = 0; q[ql++] = 1;          /* IN */

	return ql;
}


/* The A records of a response (at least 12 bytes) whose header and
 * question are ql bytes long */
int lt_dns_answer_parse(const uint8_t *r, size_t rl, size_t ql,
			uint16_t port, struct sa *sav, size_t *np)
{
	size_t max = *np, n = 0, off = ql, i;
	uint16_t an;

	if ((r[3] & 0x0f) == 3)
		return ENOENT;                 /* NXDOMAIN */
	if (rl < off)
		return EBADMSG;
	an = (uint16_t)(r[6] << 8 | r[7]);
	for (i = 0; i < an && n < max; i++) {
		uint16_t type, rdl;

		/* name: labels or a pointer */
		while (off < rl && r[off] && (r[off] & 0xc0) != 0xc0)
			off += r[off] + 1;
		if (off >= rl)
			break;
		off += (r[off] & 0xc0) == 0xc0 ? 2 : 1;
		if (off + 10 > rl)
			break;
		type = (uint16_t)(r[off] << 8 | r[off + 1]);
		rdl = (uint16_t)(r[off + 8] << 8 | r[off + 9]);
		off += 10;
		if (off + rdl > rl)
			break;
		if (type == 1 && rdl == 4) {
			uint32_t a = (uint32_t)r[off] << 24 |
				(uint32_t)r[off + 1] << 16 |
				(uint32_t)r[off + 2] << 8 | r[off + 3];
			sa_set_in(&sav[n++], a, port);
		}
		off += rdl;
	}
	*np = n;

	return n ? 0 : ENOENT;
}


static int dns_query(const char *name, const char *server, uint16_t port,
		     struct sa *sav, size_t *np)
{
	uint8_t q[512], r[1500];
	struct pollfd pfd;
	struct sa srv;
	size_t ql;
	ssize_t rl;
	int fd, err = 0;

	if (sa_decode(&srv, server, strlen(server)) &&
	    sa_set_str(&srv, server, 53))
		return EINVAL;
	ql = query_build(q, sizeof(q), name, (uint16_t)rand_u32());
	if (!ql)
		return EINVAL;

	fd = socket(sa_af(&srv), SOCK_DGRAM, 0);
	if (fd < 0)
		return errno;
	if (sendto(fd, q, ql, 0, &srv.u.sa, srv.len) != (ssize_t)ql) {
		err = errno;
		goto out;
	}
	pfd.fd = fd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 2000) != 1) {
		err = ETIMEDOUT;
		goto out;
	}
	rl = recv(fd, r, sizeof(r), 0);
	if (rl < 12 || r[0] != q[0] || r[1] != q[1] || !(r[2] & 0x80)) {
		err = EBADMSG;
		goto out;
	}
	err = lt_dns_answer_parse(r, (size_t)rl, ql, port, sav, np);

 out:
	close(fd);
	return err;
}


int lt_resolve(const char *url, const char *dns_server, struct sa *sav,
	       size_t *np)
{
	struct addrinfo hints, *res = NULL, *ai;
	char host[256], pb[8];
	const char *rest;
	uint16_t port;
	size_t n = 0;
	int err;

	if (!url || !sav || !np || !*np)
		return EINVAL;
	err = host_of(url, host, sizeof(host), &port, &rest);
	if (err)
		return err;
	if (!sa_set_str(&sav[0], host, port)) {
		*np = 1;
		return 0;
	}
	if (!dns_server)
		dns_server = dns_server_g;
	if (dns_server)
		return dns_query(host, dns_server, port, sav, np);

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	re_snprintf(pb, sizeof(pb), "%u", port);
	if (getaddrinfo(host, pb, &hints, &res) || !res)
		return EADDRNOTAVAIL;
	for (ai = res; ai && n < *np; ai = ai->ai_next)
		if (!sa_set_sa(&sav[n], ai->ai_addr))
			n++;
	freeaddrinfo(res);
	*np = n;

	return n ? 0 : EADDRNOTAVAIL;
}


int lt_url_with_addr(char **outp, const char *url, const struct sa *addr)
{
	char host[256];
	const char *rest;
	uint16_t port;
	int err;

	err = host_of(url, host, sizeof(host), &port, &rest);
	if (err)
		return err;
	if (sa_af(addr) == AF_INET6)
		return re_sdprintf(outp, "http://[%j]:%u%s", addr, port,
				   rest);

	return re_sdprintf(outp, "http://%j:%u%s", addr, port, rest);
}
