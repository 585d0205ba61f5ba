/**
 * @file runner.h  A small unit-test runner with TAP output
 *
 * Each test_<module>.c defines its cases and one suite:
 *
 *     static int test_escape(void) { TEST_STREQ("a", x); return 0; }
 *     const struct unit_suite suite_json = {"json", {
 *         UNIT_CASE(test_escape), {NULL, NULL}}};
 *
 * and a program (unit_<area>.c) lists suites for unit_run(). Every case is
 * one TAP line, so `make check` counts each.
 */
#ifndef CALLS_UNIT_RUNNER_H
#define CALLS_UNIT_RUNNER_H

#include <stdint.h>
#include <stdbool.h>
#include <sys/types.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>

struct unit_case {
	const char *name;
	int (*fn)(void);
};

#define UNIT_MAX_CASES 128

struct unit_suite {
	const char *name;
	struct unit_case cases[UNIT_MAX_CASES];
};

#define UNIT_CASE(fn) {#fn, fn}

int unit_run(int argc, char **argv, const struct unit_suite *const *suites);
void unit_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/** Reads a whole fixture file from tests/data; caller frees */
int unit_fixture(const char *rel, uint8_t **bufp, size_t *lenp);

#define TEST_ASSERT(cond) do { \
	if (!(cond)) { \
		unit_fail(__FILE__, __LINE__, "assertion failed: %s", #cond); \
		return EINVAL; \
	} \
} while (0)

#define TEST_EQ(exp, act) do { \
	long long e_ = (long long)(exp), a_ = (long long)(act); \
	if (e_ != a_) { \
		unit_fail(__FILE__, __LINE__, "%s: expected %lld, got %lld", \
			  #act, e_, a_); \
		return EINVAL; \
	} \
} while (0)

#define TEST_STREQ(exp, act) do { \
	const char *e_ = (exp), *a_ = (act); \
	if (!e_ || !a_ || strcmp(e_, a_)) { \
		unit_fail(__FILE__, __LINE__, "%s: expected \"%s\", got \"%s\"",\
			  #act, e_ ? e_ : "(null)", a_ ? a_ : "(null)"); \
		return EINVAL; \
	} \
} while (0)

#define TEST_MEMEQ(exp, act, n) do { \
	if (memcmp((exp), (act), (n))) { \
		unit_fail(__FILE__, __LINE__, "%s: %zu bytes differ", \
			  #act, (size_t)(n)); \
		return EINVAL; \
	} \
} while (0)

#define TEST_ERR(err) do { \
	int r_ = (err); \
	if (r_) { \
		unit_fail(__FILE__, __LINE__, "%s: error %d (%s)", #err, r_, \
			  strerror(r_)); \
		return r_; \
	} \
} while (0)

#define TEST_FAILS(expected_err, expr) do { \
	int r_ = (expr); \
	if (r_ != (expected_err)) { \
		unit_fail(__FILE__, __LINE__, "%s: expected error %d, got %d", \
			  #expr, (int)(expected_err), r_); \
		return EINVAL; \
	} \
} while (0)

#endif
