/* Log sinks: the file sink has its own level and format */
#include <stdlib.h>
#include <unistd.h>
#include "re_inc.h"
#include "log.h"
#include "runner.h"


static int read_all(const char *path, char *buf, size_t sz)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return errno;
	n = fread(buf, 1, sz - 1, f);
	buf[n] = '\0';
	fclose(f);

	return 0;
}


static int test_file_sink(void)
{
	char path[] = "/tmp/calls-log-XXXXXX";
	char buf[1024];
	int fd, err = 0;

	fd = mkstemp(path);
	TEST_ASSERT(fd >= 0);
	close(fd);

	calls_log_set_console(false);
	calls_log_set_level(CALLS_LOG_ERROR);
	TEST_ERR(calls_log_set_file(path));
	calls_log_set_file_level(CALLS_LOG_WARN);
	calls_log_set_file_format(CALLS_LOG_TEXT);

	TEST_ASSERT(calls_log_enabled(CALLS_LOG_WARN));
	TEST_ASSERT(!calls_log_enabled(CALLS_LOG_INFO));
	calls_log(CALLS_LOG_INFO, "t", "not %s", "this");
	calls_log(CALLS_LOG_WARN, "t", "warned %d", 42);

	calls_log_set_file_format(CALLS_LOG_JSON);
	calls_log(CALLS_LOG_ERROR, "t", "quote \" here");
	calls_log_close();

	err = read_all(path, buf, sizeof(buf));
	unlink(path);
	calls_log_set_console(true);
	calls_log_set_level(CALLS_LOG_INFO);
	TEST_ERR(err);

	TEST_ASSERT(strstr(buf, "not this") == NULL);
	TEST_ASSERT(strstr(buf, ": warn: t: warned 42\n") != NULL);
	TEST_ASSERT(strstr(buf, "\"level\":\"error\",\"mod\":\"t\","
			   "\"msg\":\"quote \\\" here\"}\n") != NULL);

	return 0;
}


static int test_level_names(void)
{
	enum calls_log_level l;

	TEST_ERR(calls_log_level_parse(&l, "DEBUG"));
	TEST_EQ(CALLS_LOG_DEBUG, l);
	TEST_ERR(calls_log_level_parse(&l, "warning"));
	TEST_EQ(CALLS_LOG_WARN, l);
	TEST_ERR(calls_log_level_parse(&l, "panic"));
	TEST_EQ(CALLS_LOG_ERROR, l);
	TEST_FAILS(EINVAL, calls_log_level_parse(&l, "loud"));

	return 0;
}


const struct unit_suite suite_log = {"log", {
	UNIT_CASE(test_file_sink),
	UNIT_CASE(test_level_names),
	{NULL, NULL},
}};
