/**
 * @file cand.c  calls-sfu: local ICE candidates and TURN credentials
 *
 * The candidate list is rebuilt from three inputs whenever one changes:
 * the local addresses (fixed at start-up), the NAT map (host override or
 * STUN discovery) and the port override. Sessions read it through
 * sfu_cands_get(); nothing is computed per session.
 */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <netdb.h>
#include <sys/socket.h>
#include "re_inc.h"
#define LOG_MODULE "cand"
#include "log.h"
#include "stun.h"
#include "stunc.h"
#include "config.h"
#include "rtcnet.h"
#include "cand.h"

enum {
	MAX_LOCALS = 64,
	MAX_MAPS   = 64,
	DISCOVER_MS = 5000,
	TYPE_PREF_HOST = 126,
};

struct local {
	enum sfu_rtcnet_proto proto;
	struct sa sa;               /* IP and bound port                   */
	char ip[64];
};

struct nat_map {
	char local[64];
	char ext[64];
};

struct disc {
	struct sfu_cands *c;
	struct calls_stunc *sc;
	struct calls_stunc_ct *ct;
	char local[64];
};

struct sfu_cands {
	struct local locals[MAX_LOCALS];
	size_t nlocal;
	struct nat_map maps[MAX_MAPS];   /* from ice_host_override / STUN  */
	size_t nmap;
	char *port_override;
	struct sfu_cand cands[MAX_LOCALS];
	size_t n;
	/* discovery */
	struct disc discs[MAX_LOCALS];
	size_t ndisc;
	unsigned pending, found;
	struct tmr tmr;
	sfu_cands_done_h *doneh;
	void *arg;
	char *stun_url;             /* first stun: URL, or NULL            */
	bool host_override;
};


static void disc_stop(struct sfu_cands *c)
{
	size_t i;

	tmr_cancel(&c->tmr);
	for (i = 0; i < c->ndisc; i++) {
		c->discs[i].ct = mem_deref(c->discs[i].ct);
		c->discs[i].sc = mem_deref(c->discs[i].sc);
	}
	c->ndisc = 0;
	c->pending = 0;
}


static void destructor(void *arg)
{
	struct sfu_cands *c = arg;

	disc_stop(c);
	mem_deref(c->port_override);
	mem_deref(c->stun_url);
}


static void pl_trim(struct pl *pl)
{
	while (pl->l && (pl->p[0] == ' ' || pl->p[0] == '\t')) {
		++pl->p;
		--pl->l;
	}
	while (pl->l && (pl->p[pl->l - 1] == ' ' ||
			 pl->p[pl->l - 1] == '\t'))
		--pl->l;
}


/* Next comma-separated item of *rest into item; false at the end */
static bool next_item(struct pl *rest, struct pl *item)
{
	while (rest->l) {
		const char *comma = pl_strchr(rest, ',');

		item->p = rest->p;
		item->l = comma ? (size_t)(comma - rest->p) : rest->l;
		rest->p += item->l + (comma ? 1 : 0);
		rest->l -= item->l + (comma ? 1 : 0);
		pl_trim(item);
		if (item->l)
			return true;
	}
	return false;
}


static const char *map_find(const struct sfu_cands *c, const char *ip)
{
	size_t i;

	for (i = 0; i < c->nmap; i++) {
		if (!strcmp(c->maps[i].local, ip))
			return c->maps[i].ext;
	}
	return NULL;
}


static int map_add(struct sfu_cands *c, const char *local, const char *ext)
{
	size_t i;

	for (i = 0; i < c->nmap; i++) {
		if (!strcmp(c->maps[i].local, local)) {
			str_ncpy(c->maps[i].ext, ext, sizeof(c->maps[i].ext));
			return 0;
		}
	}
	if (c->nmap >= MAX_MAPS)
		return ENOBUFS;
	str_ncpy(c->maps[c->nmap].local, local, sizeof(c->maps[0].local));
	str_ncpy(c->maps[c->nmap].ext, ext, sizeof(c->maps[0].ext));
	++c->nmap;

	return 0;
}


/* The port override for a mapped candidate of local_ip, or 0 */
static uint16_t port_override(const struct sfu_cands *c, const char *ip)
{
	struct pl rest, item;

	if (!c->port_override || !*c->port_override)
		return 0;

	pl_set_str(&rest, c->port_override);
	if (!pl_strchr(&rest, '/'))
		return (uint16_t)pl_u32(&rest);

	while (next_item(&rest, &item)) {
		const char *slash = pl_strchr(&item, '/');
		struct pl lip, port;

		if (!slash)
			continue;
		lip.p = item.p;
		lip.l = slash - item.p;
		port.p = slash + 1;
		port.l = item.l - lip.l - 1;
		pl_trim(&lip);
		pl_trim(&port);
		if (!pl_strcmp(&lip, ip))
			return (uint16_t)pl_u32(&port);
	}

	return 0;
}


static uint32_t foundation(const struct local *l)
{
	char s[80];

	re_snprintf(s, sizeof(s), "host%s%s", l->ip,
		    l->proto == SFU_RTCNET_TCP ? "tcp" : "udp");
	return hash_joaat_str(s);
}


static void rebuild(struct sfu_cands *c)
{
	unsigned iu = 0, it = 0;
	size_t i, pass;

	c->n = 0;
	/* UDP first, then TCP: both in priority order */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < c->nlocal; i++) {
			const struct local *l = &c->locals[i];
			struct sfu_cand *cd;
			const char *ext;
			uint32_t lpref;
			uint16_t po;

			if ((pass == 0) != (l->proto == SFU_RTCNET_UDP))
				continue;

			cd = &c->cands[c->n++];
			memset(cd, 0, sizeof(*cd));
			cd->proto = l->proto;
			ext = map_find(c, l->ip);
			cd->mapped = ext != NULL;
			str_ncpy(cd->ip, ext ? ext : l->ip, sizeof(cd->ip));
			str_ncpy(cd->local_ip, l->ip, sizeof(cd->local_ip));
			cd->port = sa_port(&l->sa);
			po = cd->mapped ? port_override(c, l->ip) : 0;
			if (po)
				cd->port = po;

			/* RFC 8445 5.1.2.1; TCP per RFC 6544 4.2 (passive
			 * direction-pref 4), so always below UDP */
			/* (no side effects inside min(): it is a macro) */
			if (l->proto == SFU_RTCNET_UDP) {
				lpref = 65535 - min(iu, 8191u);
				++iu;
			}
			else {
				lpref = (4u << 13) | (8191 - min(it, 8191u));
				++it;
			}
			cd->prio = (TYPE_PREF_HOST << 24) | (lpref << 8) |
				(256 - 1);
			cd->foundation = foundation(l);
		}
	}
}


static int local_add(struct sfu_cands *c, enum sfu_rtcnet_proto proto,
		     const struct sa *sa, uint16_t port)
{
	struct local *l;
	size_t i;

	if (c->nlocal >= MAX_LOCALS)
		return ENOBUFS;

	l = &c->locals[c->nlocal];
	l->proto = proto;
	l->sa = *sa;
	sa_set_port(&l->sa, port);
	if (sa_ntop(sa, l->ip, sizeof(l->ip)))
		return EINVAL;

	for (i = 0; i < c->nlocal; i++) {
		if (c->locals[i].proto == proto &&
		    !strcmp(c->locals[i].ip, l->ip))
			return 0;  /* already there */
	}
	++c->nlocal;

	return 0;
}


struct ifctx {
	struct sfu_cands *c;
	enum sfu_rtcnet_proto proto;
	int af;
	uint16_t port;
	bool ipv6;
};


static bool if_handler(const char *ifname, const struct sa *sa, void *arg)
{
	struct ifctx *x = arg;

	(void)ifname;

	if (sa_af(sa) != x->af)
		return false;
	if (sa_af(sa) == AF_INET6 &&
	    (!x->ipv6 || sa_is_linklocal(sa) || sa_is_loopback(sa)))
		return false;

	(void)local_add(x->c, x->proto, sa, x->port);

	return false;
}


static int add_locals(struct sfu_cands *c, const struct sfu_config *cfg,
		      const struct sfu_cand_local *locals, size_t n)
{
	size_t i;
	int err = 0;

	for (i = 0; i < n && !err; i++) {
		const struct sa *sa = locals[i].sa;

		if (sa_is_any(sa)) {
			struct ifctx x = {c, locals[i].proto, sa_af(sa),
					  sa_port(sa), cfg->rtc.enable_ipv6};

			err = net_if_apply(if_handler, &x);
		}
		else {
			err = local_add(c, locals[i].proto, sa, sa_port(sa));
		}
	}

	return err;
}


/* Distinct local IPs of family af */
static size_t count_family(const struct sfu_cands *c, int af)
{
	size_t i, j, n = 0;

	for (i = 0; i < c->nlocal; i++) {
		bool dup = false;

		if (sa_af(&c->locals[i].sa) != af)
			continue;
		for (j = 0; j < i; j++)
			dup |= !strcmp(c->locals[j].ip, c->locals[i].ip);
		if (!dup)
			++n;
	}
	return n;
}


static int resolve(struct sa *sa, const char *host, bool ipv6)
{
	struct addrinfo hints, *res = NULL, *ai;
	int err = ENOENT;

	if (!sa_set_str(sa, host, 0))
		return 0;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = ipv6 ? AF_UNSPEC : AF_INET;
	hints.ai_socktype = SOCK_DGRAM;
	if (getaddrinfo(host, NULL, &hints, &res))
		return ENOENT;

	for (ai = res; ai; ai = ai->ai_next) {
		if (ai->ai_family == AF_INET || ai->ai_family == AF_INET6) {
			sa_init(sa, ai->ai_family);
			memcpy(&sa->u, ai->ai_addr, ai->ai_addrlen);
			sa->len = ai->ai_addrlen;
			err = 0;
			break;
		}
	}
	freeaddrinfo(res);

	return err;
}


static int host_override(struct sfu_cands *c, const char *ov, bool ipv6,
			 char *errbuf, size_t errsz)
{
	struct pl rest, item;
	struct sa ext;
	char extip[64];
	size_t i, nfam;
	int err;

	pl_set_str(&rest, ov);
	if (pl_strchr(&rest, '/')) {  /* "ext/int,..." pairs, verbatim */
		while (next_item(&rest, &item)) {
			const char *slash = pl_strchr(&item, '/');
			struct pl e, l;
			char es[64], ls[64];

			if (!slash) {
				re_snprintf(errbuf, errsz, "rtc.ice_host_"
					    "override: '%r' is not ext/int",
					    &item);
				return EINVAL;
			}
			e.p = item.p;
			e.l = slash - item.p;
			l.p = slash + 1;
			l.l = item.l - e.l - 1;
			pl_trim(&e);
			pl_trim(&l);
			(void)pl_strcpy(&e, es, sizeof(es));
			(void)pl_strcpy(&l, ls, sizeof(ls));
			err = map_add(c, ls, es);
			if (err)
				return err;
		}
		return 0;
	}

	err = resolve(&ext, ov, ipv6);
	if (err) {
		re_snprintf(errbuf, errsz, "rtc.ice_host_override: cannot "
			    "resolve '%s'", ov);
		return EINVAL;
	}
	(void)sa_ntop(&ext, extip, sizeof(extip));
	log_info("ice_host_override %s: %s", ov, extip);

	nfam = count_family(c, sa_af(&ext));
	for (i = 0; i < c->nlocal; i++) {
		const struct local *l = &c->locals[i];

		if (sa_af(&l->sa) != sa_af(&ext))
			continue;
		if (nfam > 1 && sa_is_loopback(&l->sa))
			err = map_add(c, l->ip, l->ip);
		else
			err = map_add(c, l->ip, extip);
		if (err)
			return err;
	}

	return 0;
}


static const char *first_stun_url(const struct sfu_config *cfg)
{
	size_t i, j;

	for (i = 0; i < cfg->rtc.ice_serverc; i++) {
		const struct sfu_ice_server *s = &cfg->rtc.ice_servers[i];

		for (j = 0; j < s->urlc; j++) {
			if (s->urls[j] && !strncmp(s->urls[j], "stun:", 5))
				return s->urls[j];
		}
	}
	return NULL;
}


int sfu_cands_build(struct sfu_cands **cp, const struct sfu_config *cfg,
		    const struct sfu_cand_local *locals, size_t n,
		    char *errbuf, size_t errsz)
{
	struct sfu_cands *c;
	const char *ov, *url;
	int err;

	if (!cp || !cfg || (!locals && n))
		return EINVAL;

	c = mem_zalloc(sizeof(*c), destructor);
	if (!c)
		return ENOMEM;
	tmr_init(&c->tmr);

	err = add_locals(c, cfg, locals, n);
	if (err) {
		re_snprintf(errbuf, errsz, "rtc: local addresses: %m", err);
		goto out;
	}

	ov = cfg->rtc.ice_host_override;
	if (ov && *ov) {
		c->host_override = true;
		err = host_override(c, ov, cfg->rtc.enable_ipv6, errbuf,
				    errsz);
		if (err)
			goto out;
	}

	url = first_stun_url(cfg);
	if (url) {
		err = str_dup(&c->stun_url, url);
		if (err)
			goto out;
	}

	if (cfg->rtc.ice_host_port_override) {
		err = str_dup(&c->port_override,
			      cfg->rtc.ice_host_port_override);
		if (err)
			goto out;
	}

	rebuild(c);

 out:
	if (err)
		mem_deref(c);
	else
		*cp = c;

	return err;
}


int sfu_cands_alloc(struct sfu_cands **cp, const struct sfu_config *cfg,
		    const struct sfu_rtcnet *net, char *errbuf,
		    size_t errsz)
{
	struct sfu_cand_local locals[MAX_LOCALS];
	struct sa sas[MAX_LOCALS];
	size_t n = 0;
	unsigned i, pr;

	if (!net)
		return EINVAL;

	for (pr = 0; pr < 2; pr++) {
		enum sfu_rtcnet_proto proto = pr ? SFU_RTCNET_TCP :
			SFU_RTCNET_UDP;

		for (i = 0; i < sfu_rtcnet_addr_count(net, proto) &&
			     n < MAX_LOCALS; i++) {
			if (sfu_rtcnet_addr(net, proto, i, &sas[n]))
				continue;
			locals[n].proto = proto;
			locals[n].sa = &sas[n];
			++n;
		}
	}

	return sfu_cands_build(cp, cfg, locals, n, errbuf, errsz);
}


size_t sfu_cands_count(const struct sfu_cands *c)
{
	return c ? c->n : 0;
}


const struct sfu_cand *sfu_cands_get(const struct sfu_cands *c, size_t i)
{
	return c && i < c->n ? &c->cands[i] : NULL;
}


int sfu_cands_set_public(struct sfu_cands *c, const char *local_ip,
			 const char *public_ip)
{
	int err;

	if (!c || !local_ip || !public_ip)
		return EINVAL;

	err = map_add(c, local_ip, public_ip);
	if (!err)
		rebuild(c);

	return err;
}


/* ---- STUN discovery ---- */

static void disc_end(struct sfu_cands *c)
{
	sfu_cands_done_h *h = c->doneh;
	unsigned found = c->found;

	disc_stop(c);
	rebuild(c);
	log_info("STUN discovery: %u public address(es)", found);
	c->doneh = NULL;
	if (h)
		h(found, c->arg);
}


static void disc_resp_h(const struct calls_stunc_result *res, void *arg)
{
	struct disc *d = arg;
	struct sfu_cands *c = d->c;

	d->ct = mem_deref(d->ct);

	if (!res->err && res->has_mapped) {
		char pub[64];

		if (!sa_ntop(&res->mapped, pub, sizeof(pub))) {
			log_info("STUN: %s is %s", d->local, pub);
			(void)map_add(c, d->local, pub);
			++c->found;
		}
	}
	else {
		log_warn("STUN discovery from %s: %m", d->local, res->err);
	}

	if (c->pending && --c->pending == 0)
		disc_end(c);
}


static void disc_timeout(void *arg)
{
	disc_end(arg);
}


static int stun_server(struct sa *srv, const char *url)
{
	char h[256];
	const char *s = url + 5, *end, *colon;  /* after "stun:" */
	uint16_t port = CALLS_STUN_PORT;
	size_t hl;
	int err;

	end = s + strcspn(s, "?");
	if (*s == '[') {
		const char *rb = memchr(s, ']', end - s);

		if (!rb)
			return EINVAL;
		hl = rb - s - 1;
		if (hl >= sizeof(h))
			return EINVAL;
		memcpy(h, s + 1, hl);
		if (rb + 1 < end && rb[1] == ':')
			port = (uint16_t)atoi(rb + 2);
	}
	else {
		colon = memchr(s, ':', end - s);
		if (colon && memchr(colon + 1, ':', end - colon - 1))
			colon = NULL;  /* a bare IPv6 address */
		hl = (colon ? colon : end) - s;
		if (!hl || hl >= sizeof(h))
			return EINVAL;
		memcpy(h, s, hl);
		if (colon)
			port = (uint16_t)atoi(colon + 1);
	}
	h[hl] = '\0';

	err = resolve(srv, h, true);
	if (err)
		return err;
	sa_set_port(srv, port ? port : CALLS_STUN_PORT);

	return 0;
}


int sfu_cands_discover(struct sfu_cands *c, sfu_cands_done_h *doneh,
		       void *arg)
{
	struct sa srv;
	size_t i;
	int err;

	if (!c)
		return EINVAL;
	if (c->host_override || !c->stun_url || c->pending)
		return ENOENT;

	err = stun_server(&srv, c->stun_url);
	if (err) {
		log_warn("STUN discovery: cannot resolve %s", c->stun_url);
		return err;
	}

	c->doneh = doneh;
	c->arg = arg;
	c->found = 0;

	for (i = 0; i < c->nlocal; i++) {
		const struct local *l = &c->locals[i];
		struct disc *d = &c->discs[c->ndisc];
		struct calls_stunc_req req;
		struct sa la;
		size_t j;
		bool dup = false;

		if (l->proto != SFU_RTCNET_UDP ||
		    sa_af(&l->sa) != sa_af(&srv))
			continue;
		for (j = 0; j < c->ndisc; j++)
			dup |= !strcmp(c->discs[j].local, l->ip);
		if (dup)
			continue;

		memset(d, 0, sizeof(*d));
		d->c = c;
		str_ncpy(d->local, l->ip, sizeof(d->local));
		la = l->sa;
		sa_set_port(&la, 0);
		if (calls_stunc_alloc(&d->sc, CALLS_STUNC_UDP, &la,
				      sa_af(&la), NULL))
			continue;
		++c->ndisc;

		memset(&req, 0, sizeof(req));
		req.dst = &srv;
		if (calls_stunc_request(&d->ct, d->sc, &req, disc_resp_h, d))
			continue;
		++c->pending;
	}

	if (!c->pending) {
		disc_stop(c);
		return ENOENT;
	}

	tmr_start(&c->tmr, DISCOVER_MS, disc_timeout, c);

	return 0;
}


bool sfu_cands_discovering(const struct sfu_cands *c)
{
	return c && c->pending;
}


/* ---- printing ---- */

int sfu_cand_print_sdp(struct re_printf *pf, const struct sfu_cand *cand)
{
	if (!cand)
		return 0;

	return re_hprintf(pf, "candidate:%u 1 %s %u %s %u typ host%s",
			  cand->foundation,
			  cand->proto == SFU_RTCNET_TCP ? "tcp" : "udp",
			  cand->prio, cand->ip, cand->port,
			  cand->proto == SFU_RTCNET_TCP ?
			  " tcptype passive" : "");
}


int sfu_cand_print_json(struct re_printf *pf, const struct sfu_cand *cand)
{
	if (!cand)
		return 0;

	return re_hprintf(pf, "{\"candidate\":{\"candidate\":\"%H\","
			  "\"sdpMid\":\"0\",\"sdpMLineIndex\":0,"
			  "\"usernameFragment\":null},\"type\":\"candidate\"}",
			  sfu_cand_print_sdp, cand);
}


int sfu_cands_turn_creds(const char *secret, uint32_t minutes, time_t now,
			 const char *session_id, char *user, size_t usersz,
			 char *cred, size_t credsz)
{
	uint8_t mac[20];
	size_t olen;
	int n, err;

	if (!secret || !session_id || !user || !cred)
		return EINVAL;

	n = snprintf(user, usersz, "%lld:%s",
			(long long)now + (long long)minutes * 60, session_id);
	if (n < 0 || (size_t)n >= usersz)
		return ENOBUFS;

	hmac_sha1((const uint8_t *)secret, strlen(secret),
		  (const uint8_t *)user, strlen(user), mac, sizeof(mac));

	if (credsz < 29)
		return ENOBUFS;
	olen = credsz - 1;
	err = base64_encode(mac, sizeof(mac), cred, &olen);
	if (err)
		return err;
	cred[olen] = '\0';

	return 0;
}
