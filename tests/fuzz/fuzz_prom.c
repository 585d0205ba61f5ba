/* Fuzz target: the Prometheus/OpenMetrics text parser (lib/prom) */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "re_inc.h"
#include "prom.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct acc {
	double sum;
	size_t n;
};


static int sample_h(const struct calls_prom_sample *s, void *arg)
{
	struct acc *a = arg;

	/* every string the parser hands out is inside the input */
	if (!s->name.l || !s->fam || !s->fam->name.l)
		abort();
	for (size_t i = 0; i < s->labelc; i++) {
		volatile char c;

		if (!s->labelv[i].name.l)
			abort();
		if (s->labelv[i].value.l)
			c = s->labelv[i].value.p[s->labelv[i].value.l - 1];
		(void)c;
	}
	a->sum += s->value;
	++a->n;

	return 0;
}


static void error_h(unsigned line, const char *msg, void *arg)
{
	(void)line;
	(void)msg;
	(void)arg;
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct calls_prom *p = NULL;
	struct calls_prom_stats st;
	struct acc a = {0, 0};
	char *buf;

	if (calls_prom_alloc(&p, sample_h, error_h, &a))
		return 0;

	/* the parser wants one spare byte after the text */
	buf = malloc(size + 1);
	if (!buf) {
		mem_deref(p);
		return 0;
	}

	/* as it comes, then forced to each format */
	for (int fmt = CALLS_PROM_FMT_AUTO; fmt <= CALLS_PROM_FMT_OPENMETRICS;
	     fmt++) {
		memcpy(buf, data, size);
		a.n = 0;
		(void)calls_prom_parse(p, buf, size,
				       (enum calls_prom_fmt)fmt, &st);
		if (st.samples != a.n || st.lines > size + 1)
			abort();
	}

	free(buf);
	mem_deref(p);

	return 0;
}
