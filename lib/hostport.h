/**
 * @file hostport.h  host[:port] parsing for IPv4, IPv6 and names
 *
 * Accepted: "1.2.3.4", "1.2.3.4:80", "[2001:db8::1]", "[2001:db8::1]:80",
 * "2001:db8::1" (a bare IPv6 address has no port), "name", "name:80",
 * ":80" and "*:80" (any address).
 */
#ifndef CALLS_HOSTPORT_H
#define CALLS_HOSTPORT_H

#include <stdbool.h>
#include <stdint.h>

struct sa;

struct calls_hostport {
	char host[256];   /**< without brackets; "" means any address */
	uint16_t port;
	bool has_port;
};

int calls_hostport_parse(struct calls_hostport *hp, const char *s,
			 uint16_t defport);
int calls_port_parse(uint16_t *portp, const char *s);
/** @return 0, ENOENT (no such name), EAGAIN (no resolver answered),
 *  EAFNOSUPPORT (a literal address of the other family), or another
 *  errno */
int calls_hostport_resolve(const struct calls_hostport *hp, int af,
			   struct sa *sav, size_t *n);
int calls_hostport_resolve1(struct sa *sa, const char *s, uint16_t defport,
			    int af);

#endif
