/**
 * @file authhdr.c  calls-sfu: parsing the Authorization header
 *
 * Kept free of I/O and state so the fuzz target covers all of it.
 * Basic follows Go's Request.BasicAuth: the scheme name in any case,
 * then standard padded base64 (CR and LF are skipped, as Go's decoder
 * does), split at the first colon. Bearer follows rtcd: the exact prefix
 * "Bearer ", the rest is the token. Surrounding blanks are trimmed, as
 * Go's header parsing does.
 */
#include <stdint.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>
#include <errno.h>
#include "auth.h"


static int b64val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;

	return -1;
}


/** Standard base64 with padding into out (no NUL added).
 *  @return 0, EBADMSG, or EOVERFLOW when out is too small */
static int b64_decode(uint8_t *out, size_t outsz, size_t *olen,
		      const char *in, size_t len)
{
	uint32_t acc = 0;
	size_t q = 0, pad = 0, o = 0;
	bool ended = false;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c == '\r' || c == '\n')
			continue;

		if (ended)
			return EBADMSG;

		if (c == '=') {
			/* padding only in the last two places */
			if (q < 2)
				return EBADMSG;
			pad++;
			acc <<= 6;
		}
		else {
			int v = b64val(c);

			if (v < 0 || pad)
				return EBADMSG;
			acc = (acc << 6) | (uint32_t)v;
		}

		if (++q < 4)
			continue;

		if (o + 3 - pad > outsz)
			return EOVERFLOW;

		out[o++] = (uint8_t)(acc >> 16);
		if (pad < 2)
			out[o++] = (uint8_t)(acc >> 8);
		if (pad < 1)
			out[o++] = (uint8_t)acc;

		ended = pad > 0;
		acc = 0;
		q = 0;
	}

	if (q)
		return EBADMSG;

	*olen = o;

	return 0;
}


static bool blank(char c)
{
	return c == ' ' || c == '\t';
}


int auth_hdr_parse(struct auth_hdr *h, const char *val, size_t len)
{
	static const char basic[] = "Basic ";
	static const char bearer[] = "Bearer ";
	size_t n;
	char *colon;
	int err;

	if (!h)
		return EINVAL;

	memset(h, 0, offsetof(struct auth_hdr, buf));
	h->buf[0] = '\0';

	if (!val) {
		h->scheme = AUTH_SCHEME_NONE;
		return 0;
	}

	while (len && blank(*val)) {
		val++;
		len--;
	}
	while (len && blank(val[len - 1]))
		len--;

	h->scheme = AUTH_SCHEME_OTHER;

	if (len >= sizeof(bearer) - 1 &&
	    !memcmp(val, bearer, sizeof(bearer) - 1)) {

		val += sizeof(bearer) - 1;
		len -= sizeof(bearer) - 1;
		if (len > AUTH_HDR_MAX || memchr(val, '\0', len))
			return EBADMSG;

		memcpy(h->buf, val, len);
		h->buf[len] = '\0';
		h->token = h->buf;
		h->scheme = AUTH_SCHEME_BEARER;

		return 0;
	}

	if (len < sizeof(basic) - 1 ||
	    strncasecmp(val, basic, sizeof(basic) - 1))
		return EBADMSG;

	val += sizeof(basic) - 1;
	len -= sizeof(basic) - 1;

	err = b64_decode((uint8_t *)h->buf, AUTH_HDR_MAX, &n, val, len);
	if (err)
		return EBADMSG;
	h->buf[n] = '\0';

	colon = memchr(h->buf, ':', n);
	if (!colon)
		return EBADMSG;

	/* a NUL would let "a\0x" pass for client "a" */
	if (memchr(h->buf, '\0', (size_t)(colon - h->buf)))
		return EBADMSG;

	*colon = '\0';
	h->user = h->buf;
	h->pass = colon + 1;
	h->pass_len = n - (size_t)(colon + 1 - h->buf);
	h->scheme = AUTH_SCHEME_BASIC;

	return 0;
}
