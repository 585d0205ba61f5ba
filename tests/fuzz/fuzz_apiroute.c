/* Fuzz target: calls-sfu's request routing, the method and path of every
 * HTTP request: "METHOD PATH" (the first space splits them) */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "re_inc.h"
#include "api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pl met, path, call = PL_INIT, sess = PL_INIT;
	const char *sp;
	enum api_route r;
	char *d = NULL;
	char *buf;

	if (size > 8192)
		return 0;

	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);

	sp = memchr(buf, ' ', size);
	met.p = buf;
	met.l = sp ? (size_t)(sp - buf) : size;
	path.p = sp ? sp + 1 : buf + size;
	path.l = sp ? size - met.l - 1 : 0;

	r = api_route_match(&met, &path, &call, &sess);

	if (r == R_SESSIONS || r == R_SESSION) {
		/* the ids lie inside the path, non-empty, without '/' */
		if (!call.p || call.p < path.p ||
		    call.p + call.l > path.p + path.l || !call.l ||
		    memchr(call.p, '/', call.l))
			abort();
		if (r == R_SESSION && (!sess.p || !sess.l ||
				       sess.p + sess.l > path.p + path.l ||
				       memchr(sess.p, '/', sess.l)))
			abort();
		if (!api_path_decode(&d, &call)) {
			if (strlen(d) > call.l)
				abort();
			d = mem_deref(d);
		}
	}
	else if (r > R_WS) {
		abort();
	}

	if (!api_path_decode(&d, &path)) {
		if (strlen(d) > path.l)
			abort();
		mem_deref(d);
	}

	free(buf);

	return 0;
}
