/**
 * @file utf8.h  One code point to UTF-8
 */
#ifndef CALLS_UTF8_H
#define CALLS_UTF8_H

#include <stddef.h>
#include <stdint.h>


/**
 * Writes code point cp (at most U+10FFFF; the caller checks, and decides
 * about surrogates) as UTF-8 into b.
 *
 * @return the number of bytes written, 1 to 4
 */
static inline size_t calls_utf8_enc(uint8_t b[4], uint32_t cp)
{
	size_t n, i;

	if (cp < 0x80) {
		b[0] = (uint8_t)cp;
		return 1;
	}

	if (cp < 0x800) {
		b[0] = (uint8_t)(0xc0 | (cp >> 6));
		n = 2;
	}
	else if (cp < 0x10000) {
		b[0] = (uint8_t)(0xe0 | (cp >> 12));
		n = 3;
	}
	else {
		b[0] = (uint8_t)(0xf0 | (cp >> 18));
		n = 4;
	}

	/* continuation bytes, last first */
	for (i = n - 1; i > 0; i--) {
		b[i] = (uint8_t)(0x80 | (cp & 0x3f));
		cp >>= 6;
	}

	return n;
}

#endif
