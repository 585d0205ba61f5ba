/* Fuzz target: calls-lt's HTTP response reader (cmd/lt/http.c: the
 * completeness check on Content-Length, the status line, chunked
 * bodies) and its DNS answer parser (cmd/lt/resolve.c) on the same
 * bytes */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "re_inc.h"
#include "lt.h"
#include "ltint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mbuf *mb = mbuf_alloc(size + 1);
	struct sa sav[4];
	size_t n = 4;
	char *body = NULL;
	int status = 0;

	if (!mb)
		return 0;
	(void)mbuf_write_mem(mb, data, size);
	(void)lt_http_complete(mb);
	if (!lt_http_parse(mb, &status, &body)) {
		if (!body || strlen(body) > size)
			abort();
	}
	mem_deref(body);
	mem_deref(mb);

	if (size >= 12) {
		size_t ql = 12;

		/* the question as our query wrote it: labels, 0, type, class */
		while (ql < size && data[ql] && data[ql] < 64)
			ql += data[ql] + 1;
		ql += 5;

		if (!lt_dns_answer_parse(data, size, ql, 8045, sav, &n) &&
		    (n == 0 || n > 4))
			abort();
	}

	return 0;
}
