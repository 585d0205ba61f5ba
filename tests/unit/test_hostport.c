/* host:port parsing, and that our struct sa is libre's */
#include <sys/socket.h>
#include "re_inc.h"
#include "hostport.h"
#include "runner.h"


/* Without HAVE_INET6 struct sa is smaller than libre's and IPv6
 * addresses overwrite whatever follows: prove the layout matches. */
static int test_sa_ipv6_roundtrip(void)
{
	struct {
		struct sa sa;
		uint8_t guard[16];
	} s;
	char buf[64];

	memset(&s, 0xa5, sizeof(s));
	TEST_ERR(sa_set_str(&s.sa, "2001:db8:85a3::8a2e:370:7334", 3478));
	TEST_EQ(AF_INET6, sa_af(&s.sa));
	TEST_ERR(sa_ntop(&s.sa, buf, sizeof(buf)));
	TEST_STREQ("2001:db8:85a3::8a2e:370:7334", buf);
	TEST_EQ(3478, sa_port(&s.sa));
	for (size_t i = 0; i < sizeof(s.guard); i++)
		TEST_EQ(0xa5, s.guard[i]);

	return 0;
}


static int test_parse_ok(void)
{
	static const struct {
		const char *in;
		const char *host;
		uint16_t port;
		bool has_port;
	} v[] = {
		{"127.0.0.1",          "127.0.0.1", 3478, false},
		{"127.0.0.1:0",        "127.0.0.1", 0,    true},
		{"10.0.0.1:65535",     "10.0.0.1",  65535, true},
		{"[::1]",              "::1",       3478, false},
		{"[::1]:8443",         "::1",       8443, true},
		{"2001:db8::1",        "2001:db8::1", 3478, false},
		{"stun.example.org",   "stun.example.org", 3478, false},
		{"localhost:19302",    "localhost", 19302, true},
		{":8045",              "",          8045, true},
		{"*:8045",             "",          8045, true},
	};

	for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
		struct calls_hostport hp;

		TEST_ERR(calls_hostport_parse(&hp, v[i].in, 3478));
		TEST_STREQ(v[i].host, hp.host);
		TEST_EQ(v[i].port, hp.port);
		TEST_EQ(v[i].has_port, hp.has_port);
	}

	return 0;
}


static int test_parse_bad(void)
{
	static const char *bad[] = {
		"", ":", "host:", "host:65536", "host:-1", "host:80x",
		"host:+80", "[::1", "[]:80", "[::1]x", "[::1]:", "[1.2.3.4]:80",
		"a b:80", "::1:zz", "host:123456", "ho]st",
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct calls_hostport hp;

		if (!calls_hostport_parse(&hp, bad[i], 1)) {
			unit_fail(__FILE__, __LINE__, "accepted '%s'", bad[i]);
			return EINVAL;
		}
	}

	return 0;
}


static int test_resolve(void)
{
	struct sa sa[4];
	struct calls_hostport hp;
	size_t n = ARRAY_SIZE(sa);

	TEST_ERR(calls_hostport_resolve1(&sa[0], "[::1]:5", 1, AF_UNSPEC));
	TEST_EQ(AF_INET6, sa_af(&sa[0]));
	TEST_EQ(5, sa_port(&sa[0]));

	TEST_FAILS(EAFNOSUPPORT,
		   calls_hostport_resolve1(&sa[0], "127.0.0.1", 1, AF_INET6));

	TEST_ERR(calls_hostport_parse(&hp, ":9", 1));
	TEST_ERR(calls_hostport_resolve(&hp, AF_INET6, sa, &n));
	TEST_EQ(1, n);
	TEST_ASSERT(sa_is_any(&sa[0]));
	TEST_EQ(9, sa_port(&sa[0]));

	/* "localhost" comes from /etc/hosts: no network needed */
	n = ARRAY_SIZE(sa);
	TEST_ERR(calls_hostport_parse(&hp, "localhost:7", 1));
	TEST_ERR(calls_hostport_resolve(&hp, AF_INET, sa, &n));
	TEST_ASSERT(n >= 1);
	TEST_ASSERT(sa_is_loopback(&sa[0]));
	TEST_EQ(7, sa_port(&sa[0]));

	return 0;
}


const struct unit_suite suite_hostport = {"hostport", {
	UNIT_CASE(test_sa_ipv6_roundtrip),
	UNIT_CASE(test_parse_ok),
	UNIT_CASE(test_parse_bad),
	UNIT_CASE(test_resolve),
	{NULL, NULL},
}};
