/**
 * @file route.c  calls-sfu: matching a request to an API route
 *
 * As Go's ServeMux with rtcd's patterns: exact paths, no method in the
 * pattern (the handlers refuse other methods with a 404), and the
 * wildcards of /calls/{callID}/sessions/{sessionID} are one non-empty
 * segment each, percent-decoded. Pure functions on the request line,
 * fuzzed by tests/fuzz/fuzz_apiroute.c.
 */
#include <ctype.h>
#include <string.h>
#include "re_inc.h"
#include "api.h"


static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;

	return -1;
}


int api_path_decode(char **dstp, const struct pl *pl)
{
	size_t o = 0;
	char *d;

	if (!dstp || !pl || !pl->p)
		return EINVAL;

	d = mem_alloc(pl->l + 1, NULL);
	if (!d)
		return ENOMEM;

	for (size_t i = 0; i < pl->l; i++) {
		char c = pl->p[i];

		if (c == '%') {
			int hi = i + 2 < pl->l ? hexval(pl->p[i + 1]) : -1;
			int lo = i + 2 < pl->l ? hexval(pl->p[i + 2]) : -1;

			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
				mem_deref(d);
				return EBADMSG;
			}
			c = (char)(hi << 4 | lo);
			i += 2;
		}
		d[o++] = c;
	}
	d[o] = '\0';

	*dstp = d;

	return 0;
}


/** /calls/{callID}/sessions[/{sessionID}] */
static enum api_route match_calls(const struct pl *path, struct pl *call,
				  struct pl *sess)
{
	struct pl seg[3];
	const char *p, *end;
	size_t n = 0;

	if (path->l < 7 || memcmp(path->p, "/calls/", 7))
		return R_NONE;

	p = path->p + 7;
	end = path->p + path->l;

	for (;;) {
		const char *slash = memchr(p, '/', (size_t)(end - p));

		if (n == 3)
			return R_NONE;          /* more after sessionID */

		seg[n].p = p;
		seg[n].l = slash ? (size_t)(slash - p) : (size_t)(end - p);
		if (!seg[n].l)
			return R_NONE;          /* empty segment */
		n++;

		if (!slash)
			break;
		p = slash + 1;
	}

	if (n < 2 || pl_strcmp(&seg[1], "sessions"))
		return R_NONE;

	*call = seg[0];
	if (n == 2)
		return R_SESSIONS;

	*sess = seg[2];

	return R_SESSION;
}


enum api_route api_route_match(const struct pl *met, const struct pl *path,
			       struct pl *call, struct pl *sess)
{
	static const struct {
		const char *path;
		const char *met;
		enum api_route r;
	} tab[] = {
		{"/version",    "GET",  R_VERSION},
		{"/system",     "GET",  R_SYSTEM},
		{"/metrics",    "GET",  R_METRICS},
		{"/register",   "POST", R_REGISTER},
		{"/unregister", "POST", R_UNREGISTER},
		{"/login",      "POST", R_LOGIN},
		{"/ws",         "GET",  R_WS},
	};
	enum api_route r;

	if (!met || !path || !call || !sess)
		return R_NONE;

	for (size_t i = 0; i < ARRAY_SIZE(tab); i++) {
		if (pl_strcmp(path, tab[i].path))
			continue;
		return pl_strcmp(met, tab[i].met) ? R_NONE : tab[i].r;
	}

	r = match_calls(path, call, sess);
	if (r != R_NONE && pl_strcmp(met, "GET"))
		return R_NONE;

	return r;
}
