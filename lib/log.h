/**
 * @file log.h  Levelled diagnostics on stderr, as text or JSON lines
 *
 * stdout is data, stderr is diagnostics. Define LOG_MODULE before
 * including this header to tag each line with the module name:
 *
 *     #define LOG_MODULE "stun"
 *     #include "log.h"
 *     log_warn("%J: bad MESSAGE-INTEGRITY", src);
 *
 * Formats are libre's (re_vhprintf), so %J, %m and %H work.
 */
#ifndef CALLS_LOG_H
#define CALLS_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

enum calls_log_level {
	CALLS_LOG_ERROR = 0,
	CALLS_LOG_WARN,
	CALLS_LOG_INFO,
	CALLS_LOG_DEBUG,
	CALLS_LOG_TRACE,
};

enum calls_log_format {
	CALLS_LOG_TEXT = 0,
	CALLS_LOG_JSON,
};

void calls_log_init(const char *prog);
void calls_log_set_level(enum calls_log_level level);
enum calls_log_level calls_log_get_level(void);
void calls_log_set_format(enum calls_log_format fmt);
/** Also writes every line at or above level to path, in fmt */
int  calls_log_set_file(const char *path);
void calls_log_set_file_level(enum calls_log_level level);
void calls_log_set_file_format(enum calls_log_format fmt);
/** Console (stderr) output on or off; errors still reach stderr when
 *  no other sink is open, so a failure is never silent */
void calls_log_set_console(bool on);
/** True if a line at level reaches any sink */
bool calls_log_enabled(enum calls_log_level level);
int  calls_log_level_parse(enum calls_log_level *levelp, const char *s);
int  calls_log_format_parse(enum calls_log_format *fmtp, const char *s);
const char *calls_log_level_name(enum calls_log_level level);
void calls_log_close(void);
void calls_vlog(enum calls_log_level level, const char *mod,
		const char *fmt, va_list ap);
void calls_log(enum calls_log_level level, const char *mod,
	       const char *fmt, ...);

#ifndef LOG_MODULE
#define LOG_MODULE "main"
#endif

#define log_error(...) calls_log(CALLS_LOG_ERROR, LOG_MODULE, __VA_ARGS__)
#define log_warn(...)  calls_log(CALLS_LOG_WARN,  LOG_MODULE, __VA_ARGS__)
#define log_info(...)  calls_log(CALLS_LOG_INFO,  LOG_MODULE, __VA_ARGS__)
#define log_debug(...) \
	do { \
		if (calls_log_enabled(CALLS_LOG_DEBUG)) \
			calls_log(CALLS_LOG_DEBUG, LOG_MODULE, __VA_ARGS__); \
	} while (0)

#endif
