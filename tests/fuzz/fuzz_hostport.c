/* Fuzz target: host:port parsing of command-line and config values */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "re_inc.h"
#include "hostport.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct calls_hostport hp;
	char *s;

	if (size > 4096)
		return 0;

	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	if (!calls_hostport_parse(&hp, s, 3478)) {
		/* a parsed host is printable and fits */
		if (strlen(hp.host) >= sizeof(hp.host))
			abort();
		if (!hp.has_port && hp.port != 3478)
			abort();
	}

	free(s);

	return 0;
}
