/**
 * @file hostport.c  host[:port] parsing for IPv4, IPv6 and names
 */
#include <string.h>
#include <netdb.h>
#include <sys/socket.h>
#include "re_inc.h"
#include "hostport.h"


int calls_port_parse(uint16_t *portp, const char *s)
{
	unsigned long v = 0;
	size_t i;

	if (!portp || !s || !*s || strlen(s) > 5)
		return EINVAL;

	for (i = 0; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9')
			return EINVAL;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}

	if (v > 65535)
		return EINVAL;

	*portp = (uint16_t)v;

	return 0;
}


static int copy_host(struct calls_hostport *hp, const char *s, size_t len)
{
	if (len >= sizeof(hp->host))
		return ENAMETOOLONG;

	memcpy(hp->host, s, len);
	hp->host[len] = '\0';

	/* names and addresses have no blanks or control characters */
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= ' ' || c == 0x7f || c == '[' || c == ']' || c == '/')
			return EINVAL;
	}

	if (!strcmp(hp->host, "*"))
		hp->host[0] = '\0';

	return 0;
}


int calls_hostport_parse(struct calls_hostport *hp, const char *s,
			 uint16_t defport)
{
	const char *colon, *port = NULL;
	int err;

	if (!hp || !s)
		return EINVAL;

	memset(hp, 0, sizeof(*hp));
	hp->port = defport;

	if (!*s)
		return EINVAL;

	if (s[0] == '[') {
		const char *end = strchr(s, ']');
		struct sa sa;

		if (!end || end == s + 1)
			return EINVAL;
		err = copy_host(hp, s + 1, (size_t)(end - s - 1));
		if (err)
			return err;
		if (sa_set_str(&sa, hp->host, 0) || sa_af(&sa) != AF_INET6)
			return EINVAL;
		if (end[1] == ':')
			port = end + 2;
		else if (end[1] != '\0')
			return EINVAL;
	}
	else if ((colon = strchr(s, ':')) && strchr(colon + 1, ':')) {
		/* two or more colons: a bare IPv6 address, no port */
		struct sa sa;

		err = copy_host(hp, s, strlen(s));
		if (err)
			return err;
		if (sa_set_str(&sa, hp->host, 0) || sa_af(&sa) != AF_INET6)
			return EINVAL;
	}
	else if (colon) {
		err = copy_host(hp, s, (size_t)(colon - s));
		if (err)
			return err;
		port = colon + 1;
	}
	else {
		err = copy_host(hp, s, strlen(s));
		if (err)
			return err;
	}

	if (port) {
		err = calls_port_parse(&hp->port, port);
		if (err)
			return err;
		hp->has_port = true;
	}

	return 0;
}


/* ENOENT: the name does not exist; EAGAIN: no resolver answered now */
static int gai_errno(int gerr)
{
	switch (gerr) {

	case EAI_NONAME:
	case EAI_NODATA:
	case EAI_FAMILY:
	case EAI_ADDRFAMILY:
		return ENOENT;

	case EAI_AGAIN:
		return EAGAIN;

	case EAI_MEMORY:
		return ENOMEM;

	case EAI_SYSTEM:
		return errno ? errno : EIO;

	default:
		return EIO;
	}
}


/**
 * Resolve to at most *n addresses of family af (AF_UNSPEC for both).
 * An empty host gives the any-address. Blocks on name lookups: meant
 * for start-up and command-line tools, not for the event loop.
 */
int calls_hostport_resolve(const struct calls_hostport *hp, int af,
			   struct sa *sav, size_t *n)
{
	struct addrinfo hints, *res = NULL, *ai;
	size_t cnt = 0;
	int gerr;

	if (!hp || !sav || !n || !*n)
		return EINVAL;

	if (!hp->host[0]) {
		sa_init(&sav[0], af == AF_INET6 ? AF_INET6 : AF_INET);
		sa_set_port(&sav[0], hp->port);
		*n = 1;
		return 0;
	}

	if (!sa_set_str(&sav[0], hp->host, hp->port)) {
		if (af != AF_UNSPEC && sa_af(&sav[0]) != af)
			return EAFNOSUPPORT;
		*n = 1;
		return 0;
	}

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = af;
	hints.ai_socktype = SOCK_DGRAM;

	gerr = getaddrinfo(hp->host, NULL, &hints, &res);
	if (gerr)
		return gai_errno(gerr);

	for (ai = res; ai && cnt < *n; ai = ai->ai_next) {
		struct sa sa;

		if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6)
			continue;
		if (sa_set_sa(&sa, ai->ai_addr))
			continue;
		sa_set_port(&sa, hp->port);

		/* getaddrinfo repeats addresses per protocol */
		bool dup = false;
		for (size_t i = 0; i < cnt; i++)
			dup |= sa_cmp(&sav[i], &sa, SA_ALL);
		if (!dup)
			sav[cnt++] = sa;
	}

	freeaddrinfo(res);

	if (!cnt)
		return ENOENT;

	*n = cnt;

	return 0;
}


int calls_hostport_resolve1(struct sa *sa, const char *s, uint16_t defport,
			    int af)
{
	struct calls_hostport hp;
	size_t n = 1;
	int err;

	err = calls_hostport_parse(&hp, s, defport);
	if (err)
		return err;

	return calls_hostport_resolve(&hp, af, sa, &n);
}
