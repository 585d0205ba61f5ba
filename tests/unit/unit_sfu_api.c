/* Unit tests of the calls-sfu API side: the SQLite store, the
 * Authorization header parser and the auth service (bcrypt pool, tokens,
 * rate limit) */
#include "runner.h"

extern const struct unit_suite suite_sfu_store, suite_sfu_auth;

int main(int argc, char **argv)
{
	static const struct unit_suite *const suites[] = {
		&suite_sfu_store, &suite_sfu_auth, NULL,
	};

	return unit_run(argc, argv, suites);
}
