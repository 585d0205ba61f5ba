/* Fuzz target: calls-sfu's Authorization header parsing (Basic, Bearer)
 * of every authenticated API request */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "auth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct auth_hdr h;
	char *s;
	int err;

	if (size > 16384)
		return 0;

	/* an exact-size copy, not NUL-terminated: the parser gets a length */
	s = malloc(size ? size : 1);
	if (!s)
		return 0;
	memcpy(s, data, size);

	err = auth_hdr_parse(&h, s, size);

	switch (h.scheme) {

	case AUTH_SCHEME_BASIC:
		if (err || !h.user || !h.pass)
			abort();
		/* both live in buf, NUL-terminated, within bounds */
		if (strlen(h.user) > AUTH_HDR_MAX ||
		    h.pass + h.pass_len > h.buf + sizeof(h.buf) - 1 ||
		    h.pass[h.pass_len] != '\0' || strchr(h.user, ':'))
			abort();
		break;

	case AUTH_SCHEME_BEARER:
		if (err || !h.token || strlen(h.token) > AUTH_HDR_MAX)
			abort();
		break;

	case AUTH_SCHEME_OTHER:
		if (!err)
			abort();
		break;

	default:
		abort();   /* data is never NULL here */
	}

	free(s);

	return 0;
}
