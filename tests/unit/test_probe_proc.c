/* calls-probe tunings: the /proc file parsers, on fixtures */
#include <stdlib.h>
#include "re_inc.h"
#include "probe.h"
#include "runner.h"


static int fixture(const char *rel, uint64_t *vp, const char *field)
{
	uint8_t *buf;
	size_t len;
	int err;

	err = unit_fixture(rel, &buf, &len);
	if (err)
		return err;

	if (field)
		err = tun_parse_snmp(vp, (char *)buf, len, "Udp", field);
	else if (strstr(rel, "limits"))
		err = tun_parse_limits(vp, (char *)buf, len);
	else
		err = tun_parse_number(vp, (char *)buf, len);

	free(buf);

	return err;
}


static int test_number(void)
{
	uint64_t v;

	TEST_ERR(fixture("probe/good/sys/net/core/optmem_max", &v, NULL));
	TEST_EQ(33554432, v);
	TEST_ERR(tun_parse_number(&v, "  42\t\n", 6));
	TEST_EQ(42, v);
	TEST_FAILS(EBADMSG, tun_parse_number(&v, "42x\n", 4));
	TEST_FAILS(EBADMSG, tun_parse_number(&v, "\n", 1));
	TEST_FAILS(EBADMSG, tun_parse_number(&v, "99999999999999999999", 20));
	/* not NUL-terminated: the length is the end */
	TEST_ERR(tun_parse_number(&v, "123456", 3));
	TEST_EQ(123, v);

	return 0;
}


static int test_snmp(void)
{
	uint64_t v;

	TEST_ERR(fixture("probe/good/net/snmp", &v, "NoPorts"));
	TEST_EQ(12, v);
	TEST_ERR(fixture("probe/good/net/snmp", &v, "RcvbufErrors"));
	TEST_EQ(0, v);     /* not UdpLite's 7 */
	TEST_ERR(fixture("probe/bad/net/snmp", &v, "RcvbufErrors"));
	TEST_EQ(29, v);
	TEST_ERR(fixture("probe/bad/net/snmp", &v, "InErrors"));
	TEST_EQ(31, v);
	TEST_FAILS(ENOENT, fixture("probe/good/net/snmp", &v, "Nope"));
	/* a header without its value line */
	TEST_FAILS(ENOENT, fixture("probe/broken/net/snmp", &v,
				   "InErrors"));
	TEST_FAILS(EBADMSG, tun_parse_snmp(&v, "Udp: A B\nUdp: 1\n", 16,
					   "Udp", "B"));
	TEST_FAILS(EBADMSG, tun_parse_snmp(&v, "Udp: A\nUdp: x\n", 14,
					   "Udp", "A"));
	TEST_FAILS(ENOENT, tun_parse_snmp(&v, "Tcp: A\nTcp: 1\n", 14, "Udp",
					  "A"));

	return 0;
}


static int test_limits(void)
{
	static const char unl[] = "Max open files  unlimited  unlimited  files\n";
	uint64_t v;

	TEST_ERR(fixture("probe/good/self/limits", &v, NULL));
	TEST_EQ(1048576, v);
	TEST_ERR(fixture("probe/bad/self/limits", &v, NULL));
	TEST_EQ(1024, v);
	TEST_ERR(tun_parse_limits(&v, unl, sizeof(unl) - 1));
	TEST_ASSERT(v == UINT64_MAX);
	TEST_FAILS(ENOENT, tun_parse_limits(&v, "Max cpu time 1\n", 15));

	return 0;
}


const struct unit_suite suite_probe_proc = {"probe_proc", {
	UNIT_CASE(test_number),
	UNIT_CASE(test_snmp),
	UNIT_CASE(test_limits),
	{NULL, NULL},
}};
