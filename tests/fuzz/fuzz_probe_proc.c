/* Fuzz target: calls-probe tunings' parsers of /proc/net/snmp,
 * /proc/self/limits and sysctl files (read with --proc-root from any
 * directory, so outside input) */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "re_inc.h"
#include "probe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const fields[] = {
		"InErrors", "RcvbufErrors", "SndbufErrors", "X",
	};
	uint64_t v;
	char *buf;
	size_t i;

	if (size > 65536)
		return 0;

	/* no terminating NUL: the parsers must stop at size */
	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);

	(void)tun_parse_number(&v, buf, size);
	(void)tun_parse_limits(&v, buf, size);
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		(void)tun_parse_snmp(&v, buf, size, "Udp", fields[i]);

	free(buf);

	return 0;
}
