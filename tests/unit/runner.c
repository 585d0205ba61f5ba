/**
 * @file runner.c  A small unit-test runner with TAP output
 *
 * Usage: unit-<area> [SUBSTRING]   runs the cases whose "suite/case"
 * name contains SUBSTRING. Exit 0 when every case passed.
 */
#include <stdarg.h>
#include <stdlib.h>
#include "re_inc.h"
#include "runner.h"

#ifndef TESTDATA_DIR
#define TESTDATA_DIR "tests/data"
#endif


void unit_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("# %s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}


int unit_fixture(const char *rel, uint8_t **bufp, size_t *lenp)
{
	char path[512];
	FILE *f;
	long sz;
	uint8_t *buf;

	snprintf(path, sizeof(path), "%s/%s", TESTDATA_DIR, rel);
	f = fopen(path, "rb");
	if (!f)
		return errno;

	fseek(f, 0, SEEK_END);
	sz = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)sz + 1);
	if (!buf) {
		fclose(f);
		return ENOMEM;
	}
	if (fread(buf, 1, (size_t)sz, f) != (size_t)sz) {
		free(buf);
		fclose(f);
		return EIO;
	}
	buf[sz] = 0;
	fclose(f);

	*bufp = buf;
	*lenp = (size_t)sz;

	return 0;
}


int unit_run(int argc, char **argv, const struct unit_suite *const *suites)
{
	const char *filter = argc > 1 ? argv[1] : NULL;
	const struct unit_suite *const *s;
	unsigned planned = 0, n = 0, failed = 0;
	char name[256];

	if (libre_init())
		return 99;

	for (s = suites; *s; s++)
		for (const struct unit_case *c = (*s)->cases; c->fn; c++) {
			snprintf(name, sizeof(name), "%s/%s", (*s)->name,
				 c->name);
			if (!filter || strstr(name, filter))
				++planned;
		}

	printf("1..%u\n", planned);
	fflush(stdout);

	for (s = suites; *s; s++)
		for (const struct unit_case *c = (*s)->cases; c->fn; c++) {
			int err;

			snprintf(name, sizeof(name), "%s/%s", (*s)->name,
				 c->name);
			if (filter && !strstr(name, filter))
				continue;

			err = c->fn();
			++n;
			if (err)
				++failed;
			printf("%sok %u - %s\n", err ? "not " : "", n, name);
			fflush(stdout);
		}

	libre_close();

	return failed ? 1 : 0;
}
