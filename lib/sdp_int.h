/**
 * @file sdp_int.h  lib/sdp internals shared by sdp.c (parser) and
 * sdp_build.c (answers and offers). Not for users.
 */
#ifndef CALLS_SDP_INT_H
#define CALLS_SDP_INT_H

#include <stdbool.h>
#include <string.h>
#include "re_inc.h"


/* True if the text of pl contains s */
static inline bool pl_has(const struct pl *pl, const char *s)
{
	size_t n = strlen(s), i;

	for (i = 0; pl->l >= n && i <= pl->l - n; i++) {
		if (!memcmp(pl->p + i, s, n))
			return true;
	}

	return false;
}

#endif
