/* calls-sfu cand: local candidates for each config form (table-driven),
 * their SDP and trickle JSON forms, TURN REST credentials */
#include <unistd.h>
#include <sys/socket.h>
#include "runner.h"
#include "re_inc.h"
#include "stun.h"
#include "../../cmd/sfu/config.h"
#include "rtcnet.h"
#include "cand.h"

#define MAXL 6
#define MAXC 6

struct row {
	const char *name;
	const char *host_override;
	const char *port_override;
	const char *locals[MAXL];   /* "udp 10.0.0.1 8443" */
	const char *pub_local, *pub_ip;  /* a STUN discovery result */
	const char *want[MAXC];     /* SDP values after the foundation */
};

static const struct row rows[] = {
	{"plain host candidates", NULL, NULL,
	 {"udp 127.0.0.1 8443", "tcp 127.0.0.1 8443"}, NULL, NULL,
	 {"1 udp 2130706431 127.0.0.1 8443 typ host",
	  "1 tcp 2124414975 127.0.0.1 8443 typ host tcptype passive"}},
	{"UDP before TCP, by position", NULL, NULL,
	 {"tcp 10.0.0.1 8443", "udp 10.0.0.1 8443", "udp 10.0.0.2 8443",
	  "tcp 10.0.0.2 8443"}, NULL, NULL,
	 {"1 udp 2130706431 10.0.0.1 8443 typ host",
	  "1 udp 2130706175 10.0.0.2 8443 typ host",
	  "1 tcp 2124414975 10.0.0.1 8443 typ host tcptype passive",
	  "1 tcp 2124414719 10.0.0.2 8443 typ host tcptype passive"}},
	{"override IP, one local IP", "203.0.113.5", NULL,
	 {"udp 10.0.0.1 8443", "tcp 10.0.0.1 8443"}, NULL, NULL,
	 {"1 udp 2130706431 203.0.113.5 8443 typ host",
	  "1 tcp 2124414975 203.0.113.5 8443 typ host tcptype passive"}},
	{"override IP, loopback keeps its address", "203.0.113.5", NULL,
	 {"udp 10.0.0.1 8443", "udp 127.0.0.1 8443"}, NULL, NULL,
	 {"1 udp 2130706431 203.0.113.5 8443 typ host",
	  "1 udp 2130706175 127.0.0.1 8443 typ host"}},
	{"override IP of another family maps nothing", "2001:db8::1", NULL,
	 {"udp 10.0.0.1 8443"}, NULL, NULL,
	 {"1 udp 2130706431 10.0.0.1 8443 typ host"}},
	{"ext/int pairs", "203.0.113.5/10.0.0.1, 198.51.100.7/10.0.0.2",
	 NULL,
	 {"udp 10.0.0.1 8443", "udp 10.0.0.2 8443", "udp 10.0.0.3 8443"},
	 NULL, NULL,
	 {"1 udp 2130706431 203.0.113.5 8443 typ host",
	  "1 udp 2130706175 198.51.100.7 8443 typ host",
	  "1 udp 2130705919 10.0.0.3 8443 typ host"}},
	{"hostname override", "localhost", NULL,
	 {"udp 10.0.0.1 8443"}, NULL, NULL,
	 {"1 udp 2130706431 127.0.0.1 8443 typ host"}},
	{"single port override, UDP and TCP", "203.0.113.5", "30000",
	 {"udp 10.0.0.1 8443", "tcp 10.0.0.1 8443"}, NULL, NULL,
	 {"1 udp 2130706431 203.0.113.5 30000 typ host",
	  "1 tcp 2124414975 203.0.113.5 30000 typ host tcptype passive"}},
	{"port override without a NAT map changes nothing", NULL, "30000",
	 {"udp 10.0.0.1 8443"}, NULL, NULL,
	 {"1 udp 2130706431 10.0.0.1 8443 typ host"}},
	{"ip/port override map",
	 "203.0.113.5/10.0.0.1,198.51.100.7/10.0.0.2",
	 "10.0.0.1/30001, 10.0.0.2/30002",
	 {"udp 10.0.0.1 8443", "udp 10.0.0.2 8443", "udp 10.0.0.3 8443"},
	 NULL, NULL,
	 {"1 udp 2130706431 203.0.113.5 30001 typ host",
	  "1 udp 2130706175 198.51.100.7 30002 typ host",
	  "1 udp 2130705919 10.0.0.3 8443 typ host"}},
	{"STUN-discovered public IP", NULL, NULL,
	 {"udp 10.0.0.1 8443", "udp 10.0.0.2 8443"},
	 "10.0.0.2", "198.51.100.9",
	 {"1 udp 2130706431 10.0.0.1 8443 typ host",
	  "1 udp 2130706175 198.51.100.9 8443 typ host"}},
};

static int build_row(struct sfu_cands **cp, const struct row *r)
{
	struct sfu_config cfg;
	struct sfu_cand_local locals[MAXL];
	struct sa sas[MAXL];
	char errbuf[256];
	size_t n = 0, i;
	int err;

	memset(&cfg, 0, sizeof(cfg));
	cfg.rtc.ice_host_override = (char *)r->host_override;
	cfg.rtc.ice_host_port_override = (char *)r->port_override;

	for (i = 0; i < MAXL && r->locals[i]; i++) {
		char proto[4], ip[64];
		unsigned port;

		if (sscanf(r->locals[i], "%3s %63s %u", proto, ip, &port) != 3)
			return EINVAL;
		if (sa_set_str(&sas[n], ip, (uint16_t)port))
			return EINVAL;
		locals[n].proto = strcmp(proto, "tcp") ? SFU_RTCNET_UDP :
			SFU_RTCNET_TCP;
		locals[n].sa = &sas[n];
		++n;
	}

	err = sfu_cands_build(cp, &cfg, locals, n, errbuf, sizeof(errbuf));
	if (err) {
		unit_fail(__FILE__, __LINE__, "%s: %s", r->name, errbuf);
		return err;
	}
	if (r->pub_local)
		err = sfu_cands_set_public(*cp, r->pub_local, r->pub_ip);

	return err;
}

static int test_table(void)
{
	size_t k, i;

	for (k = 0; k < ARRAY_SIZE(rows); k++) {
		const struct row *r = &rows[k];
		struct sfu_cands *c = NULL;
		size_t nwant = 0;

		TEST_ERR(build_row(&c, r));
		while (nwant < MAXC && r->want[nwant])
			++nwant;
		if (sfu_cands_count(c) != nwant) {
			unit_fail(__FILE__, __LINE__, "%s: %zu candidates, "
				  "want %zu", r->name, sfu_cands_count(c),
				  nwant);
			mem_deref(c);
			return EINVAL;
		}
		for (i = 0; i < nwant; i++) {
			char line[256], want[256];
			const struct sfu_cand *cd = sfu_cands_get(c, i);

			re_snprintf(line, sizeof(line), "%H",
				    sfu_cand_print_sdp, cd);
			re_snprintf(want, sizeof(want), "candidate:%u %s",
				    cd->foundation, r->want[i]);
			if (strcmp(line, want)) {
				unit_fail(__FILE__, __LINE__, "%s: got '%s', "
					  "want '%s'", r->name, line, want);
				mem_deref(c);
				return EINVAL;
			}
		}
		TEST_ASSERT(sfu_cands_get(c, nwant) == NULL);
		mem_deref(c);
	}

	return 0;
}

static int test_foundations(void)
{
	const struct row r = {"f", NULL, NULL,
			      {"udp 10.0.0.1 1", "tcp 10.0.0.1 1",
			       "udp 10.0.0.2 1"}, NULL, NULL, {NULL}};
	struct sfu_cands *c = NULL, *c2 = NULL;
	const struct sfu_cand *a, *b, *t;

	TEST_ERR(build_row(&c, &r));
	TEST_ERR(build_row(&c2, &r));
	a = sfu_cands_get(c, 0);
	b = sfu_cands_get(c, 1);
	t = sfu_cands_get(c, 2);
	TEST_ASSERT(a && b && t);
	TEST_EQ(SFU_RTCNET_TCP, t->proto);
	TEST_ASSERT(a->foundation != b->foundation);
	TEST_ASSERT(a->foundation != t->foundation);
	TEST_EQ(a->foundation, sfu_cands_get(c2, 0)->foundation);
	TEST_ASSERT(a->prio > b->prio && b->prio > t->prio);

	mem_deref(c2);
	mem_deref(c);
	return 0;
}

static int test_bad_override(void)
{
	const struct row r = {"bad", "203.0.113.5/10.0.0.1,junk", NULL,
			      {"udp 10.0.0.1 1"}, NULL, NULL, {NULL}};
	struct sfu_config cfg;
	struct sfu_cand_local l;
	struct sfu_cands *c = NULL;
	struct sa sa;
	char errbuf[256] = "";

	memset(&cfg, 0, sizeof(cfg));
	cfg.rtc.ice_host_override = (char *)r.host_override;
	sa_set_str(&sa, "10.0.0.1", 1);
	l.proto = SFU_RTCNET_UDP;
	l.sa = &sa;
	TEST_FAILS(EINVAL, sfu_cands_build(&c, &cfg, &l, 1, errbuf,
					   sizeof(errbuf)));
	TEST_ASSERT(strstr(errbuf, "ice_host_override") != NULL);
	TEST_ASSERT(c == NULL);

	return 0;
}

static int test_wildcard_has_loopback(void)
{
	const struct row r = {"any", NULL, NULL, {"udp 0.0.0.0 8443"},
			      NULL, NULL, {NULL}};
	struct sfu_cands *c = NULL;
	bool lo = false;
	size_t i;

	TEST_ERR(build_row(&c, &r));
	for (i = 0; i < sfu_cands_count(c); i++) {
		const struct sfu_cand *cd = sfu_cands_get(c, i);

		TEST_ASSERT(strcmp(cd->ip, "0.0.0.0"));
		TEST_EQ(8443, cd->port);
		lo |= !strcmp(cd->ip, "127.0.0.1");
	}
	TEST_ASSERT(lo);
	mem_deref(c);

	return 0;
}

static int test_json(void)
{
	const struct row r = {"json", NULL, NULL, {"tcp 192.0.2.1 443"},
			      NULL, NULL, {NULL}};
	struct sfu_cands *c = NULL;
	char got[512], want[512];
	const struct sfu_cand *cd;

	TEST_ERR(build_row(&c, &r));
	cd = sfu_cands_get(c, 0);
	TEST_ASSERT(cd != NULL);
	re_snprintf(got, sizeof(got), "%H", sfu_cand_print_json, cd);
	re_snprintf(want, sizeof(want), "{\"candidate\":{\"candidate\":"
		    "\"candidate:%u 1 tcp 2124414975 192.0.2.1 443 typ host "
		    "tcptype passive\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0,"
		    "\"usernameFragment\":null},\"type\":\"candidate\"}",
		    cd->foundation);
	TEST_STREQ(want, got);
	mem_deref(c);

	return 0;
}

/* Expected values computed independently with
 *   printf '%s' USER | openssl dgst -sha1 -hmac SECRET -binary | base64 */
static int test_turn_creds(void)
{
	char user[128], cred[64];

	TEST_ERR(sfu_cands_turn_creds("s3cr3t", 1440, 1700000000,
				      "8on3bpcd9ifz7gbb46y8xrqfhr", user,
				      sizeof(user), cred, sizeof(cred)));
	TEST_STREQ("1700086400:8on3bpcd9ifz7gbb46y8xrqfhr", user);
	TEST_STREQ("brgYvvjIiN52nhnp29OXwPCET+A=", cred);

	TEST_ERR(sfu_cands_turn_creds("another secret", 1, 1700000000, "x",
				      user, sizeof(user), cred,
				      sizeof(cred)));
	TEST_STREQ("1700000060:x", user);
	TEST_STREQ("9l6j+aSi7GHpaPz34eYR1VhaPwg=", cred);

	TEST_FAILS(ENOBUFS, sfu_cands_turn_creds("s", 1, 1, "x", user, 4,
						 cred, sizeof(cred)));
	TEST_FAILS(ENOBUFS, sfu_cands_turn_creds("s", 1, 1, "x", user,
						 sizeof(user), cred, 28));
	TEST_FAILS(EINVAL, sfu_cands_turn_creds(NULL, 1, 1, "x", user,
						sizeof(user), cred,
						sizeof(cred)));
	return 0;
}

/* ---- STUN discovery against an in-process responder ---- */

struct fake_stun {
	int fd;
	struct sa addr;
	unsigned nreq;
};

/* Answers every Binding request as a NAT would: the mapped address is
 * 198.51.100.77 with the sender's port */
static void fake_stun_h(int flags, void *arg)
{
	struct fake_stun *fs = arg;
	struct calls_stun_msg msg;
	struct calls_stun_enc e;
	struct sa src, pub;
	uint8_t buf[1500], out[256];
	ssize_t n;
	size_t len;

	(void)flags;
	sa_init(&src, AF_INET);
	src.len = sizeof(src.u);
	n = recvfrom(fs->fd, buf, sizeof(buf), MSG_DONTWAIT, &src.u.sa,
		     &src.len);
	if (n <= 0 || calls_stun_decode(&msg, buf, (size_t)n))
		return;
	++fs->nreq;
	sa_set_str(&pub, "198.51.100.77", sa_port(&src));
	calls_stun_enc_init(&e, out, sizeof(out), CALLS_STUN_BINDING,
			    CALLS_STUN_CLASS_SUCCESS, msg.tid, true);
	calls_stun_enc_addr(&e, CALLS_STUN_ATTR_XOR_MAPPED_ADDRESS, &pub);
	calls_stun_enc_fingerprint(&e);
	if (!calls_stun_enc_finish(&e, &len))
		(void)sendto(fs->fd, out, len, 0, &src.u.sa, src.len);
}

static void done_h(unsigned found, void *arg)
{
	*(unsigned *)arg = found + 1;
	re_cancel();
}

static void guard_h(void *arg)
{
	(void)arg;
	re_cancel();
}

static int test_stun_discovery(void)
{
	struct fake_stun fs;
	struct sfu_config cfg;
	struct sfu_ice_server srv;
	struct sfu_cand_local l;
	struct sfu_cands *c = NULL;
	struct sa local;
	struct tmr guard;
	char url[64], *urls[2], errbuf[128];
	unsigned done = 0;
	int err = 0;

	memset(&fs, 0, sizeof(fs));
	fs.fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	TEST_ASSERT(fs.fd >= 0);
	sa_set_str(&fs.addr, "127.0.0.1", 0);
	if (bind(fs.fd, &fs.addr.u.sa, fs.addr.len) ||
	    getsockname(fs.fd, &fs.addr.u.sa, &fs.addr.len)) {
		close(fs.fd);
		return errno;
	}
	TEST_ERR(fd_listen(fs.fd, FD_READ, fake_stun_h, &fs));

	re_snprintf(url, sizeof(url), "stun:127.0.0.1:%u",
		    sa_port(&fs.addr));
	urls[0] = "turn:127.0.0.1:3478";  /* not a stun: URL: skipped */
	urls[1] = url;
	memset(&srv, 0, sizeof(srv));
	srv.urls = urls;
	srv.urlc = 2;
	memset(&cfg, 0, sizeof(cfg));
	cfg.rtc.ice_servers = &srv;
	cfg.rtc.ice_serverc = 1;

	sa_set_str(&local, "127.0.0.1", 8443);
	l.proto = SFU_RTCNET_UDP;
	l.sa = &local;
	err = sfu_cands_build(&c, &cfg, &l, 1, errbuf, sizeof(errbuf));
	if (err)
		goto out;
	if (strcmp(sfu_cands_get(c, 0)->ip, "127.0.0.1")) {
		err = EINVAL;
		goto out;
	}

	err = sfu_cands_discover(c, done_h, &done);
	if (err)
		goto out;
	TEST_ASSERT(sfu_cands_discovering(c));
	tmr_init(&guard);
	tmr_start(&guard, 10000, guard_h, NULL);
	(void)re_main(NULL);
	tmr_cancel(&guard);

	if (done != 2 || fs.nreq < 1 || sfu_cands_discovering(c) ||
	    strcmp(sfu_cands_get(c, 0)->ip, "198.51.100.77") ||
	    sfu_cands_get(c, 0)->port != 8443) {
		unit_fail(__FILE__, __LINE__, "done=%u nreq=%u ip=%s", done,
			  fs.nreq, sfu_cands_get(c, 0)->ip);
		err = EINVAL;
	}

 out:
	fd_close(fs.fd);
	close(fs.fd);
	mem_deref(c);
	return err;
}

static int test_discovery_skipped(void)
{
	struct sfu_config cfg;
	struct sfu_ice_server srv;
	struct sfu_cand_local l;
	struct sfu_cands *c = NULL;
	struct sa local;
	char *urls[1] = {"stun:127.0.0.1:9"}, errbuf[128];

	memset(&srv, 0, sizeof(srv));
	srv.urls = urls;
	srv.urlc = 1;
	memset(&cfg, 0, sizeof(cfg));
	sa_set_str(&local, "127.0.0.1", 8443);
	l.proto = SFU_RTCNET_UDP;
	l.sa = &local;

	/* no ice_servers */
	TEST_ERR(sfu_cands_build(&c, &cfg, &l, 1, errbuf, sizeof(errbuf)));
	TEST_FAILS(ENOENT, sfu_cands_discover(c, NULL, NULL));
	c = mem_deref(c);

	/* a host override wins over STUN, as in rtcd */
	cfg.rtc.ice_servers = &srv;
	cfg.rtc.ice_serverc = 1;
	cfg.rtc.ice_host_override = "203.0.113.5";
	TEST_ERR(sfu_cands_build(&c, &cfg, &l, 1, errbuf, sizeof(errbuf)));
	TEST_FAILS(ENOENT, sfu_cands_discover(c, NULL, NULL));
	TEST_STREQ("203.0.113.5", sfu_cands_get(c, 0)->ip);
	mem_deref(c);

	return 0;
}

const struct unit_suite suite_sfu_cand = {"sfu_cand", {
	UNIT_CASE(test_table),
	UNIT_CASE(test_foundations),
	UNIT_CASE(test_bad_override),
	UNIT_CASE(test_wildcard_has_loopback),
	UNIT_CASE(test_json),
	UNIT_CASE(test_turn_creds),
	UNIT_CASE(test_stun_discovery),
	UNIT_CASE(test_discovery_skipped),
	{NULL, NULL}}};
