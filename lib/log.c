/**
 * @file log.c  Levelled diagnostics on stderr, as text or JSON lines
 *
 * One line per call, written with a single fwrite under the stream lock
 * so lines from several threads never interleave. libre's own debug
 * output (DEBUG_WARNING and friends) is routed here too.
 */
#include <string.h>
#include <time.h>
#include <sys/time.h>
#include "re_inc.h"
#define DEBUG_MODULE "log"
#define DEBUG_LEVEL 0
#include <re_dbg.h>
#include "json.h"
#include "log.h"

static struct {
	const char *prog;
	enum calls_log_level level;
	enum calls_log_format format;
	bool console;
	FILE *file;        /* extra sink (config), may be NULL */
	enum calls_log_level file_level;
	enum calls_log_format file_format;
} logger = {
	.prog        = "calls",
	.level       = CALLS_LOG_INFO,
	.format      = CALLS_LOG_TEXT,
	.console     = true,
	.file_level  = CALLS_LOG_DEBUG,
	.file_format = CALLS_LOG_JSON,
};

static const char *level_names[] = {"error", "warn", "info", "debug",
				    "trace"};


const char *calls_log_level_name(enum calls_log_level level)
{
	if ((size_t)level >= ARRAY_SIZE(level_names))
		return "?";

	return level_names[level];
}


int calls_log_level_parse(enum calls_log_level *levelp, const char *s)
{
	size_t i;

	if (!levelp || !s)
		return EINVAL;

	for (i = 0; i < ARRAY_SIZE(level_names); i++) {
		if (!strcasecmp(s, level_names[i])) {
			*levelp = (enum calls_log_level)i;
			return 0;
		}
	}

	/* rtcd (mlog) names */
	if (!strcasecmp(s, "warning")) {
		*levelp = CALLS_LOG_WARN;
		return 0;
	}
	if (!strcasecmp(s, "fatal") || !strcasecmp(s, "panic")) {
		*levelp = CALLS_LOG_ERROR;
		return 0;
	}

	return EINVAL;
}


int calls_log_format_parse(enum calls_log_format *fmtp, const char *s)
{
	if (!fmtp || !s)
		return EINVAL;

	if (!strcmp(s, "text"))
		*fmtp = CALLS_LOG_TEXT;
	else if (!strcmp(s, "json"))
		*fmtp = CALLS_LOG_JSON;
	else
		return EINVAL;

	return 0;
}


static void dbg_handler(int level, const char *p, size_t len, void *arg)
{
	enum calls_log_level lvl;
	(void)arg;

	switch (level) {

	case DBG_EMERG:
	case DBG_ALERT:
	case DBG_CRIT:
	case DBG_ERR:     lvl = CALLS_LOG_ERROR; break;
	case DBG_WARNING: lvl = CALLS_LOG_WARN;  break;
	case DBG_NOTICE:
	case DBG_INFO:    lvl = CALLS_LOG_INFO;  break;
	default:          lvl = CALLS_LOG_DEBUG; break;
	}

	/* libre's lines end in a newline; ours add their own */
	while (len && (p[len-1] == '\n' || p[len-1] == '\r'))
		--len;

	calls_log(lvl, "libre", "%b", p, len);
}


void calls_log_init(const char *prog)
{
	if (prog)
		logger.prog = prog;

	dbg_init(DBG_DEBUG, DBG_NONE);
	dbg_handler_set(dbg_handler, NULL);
}


void calls_log_set_level(enum calls_log_level level)
{
	logger.level = level;
}


enum calls_log_level calls_log_get_level(void)
{
	return logger.level;
}


void calls_log_set_format(enum calls_log_format fmt)
{
	logger.format = fmt;
}


int calls_log_set_file(const char *path)
{
	FILE *f;

	if (!path)
		return EINVAL;

	f = fopen(path, "ae");
	if (!f)
		return errno;

	if (logger.file)
		fclose(logger.file);
	logger.file = f;

	return 0;
}


void calls_log_set_file_level(enum calls_log_level level)
{
	logger.file_level = level;
}


void calls_log_set_file_format(enum calls_log_format fmt)
{
	logger.file_format = fmt;
}


void calls_log_set_console(bool on)
{
	logger.console = on;
}


static bool console_wants(enum calls_log_level level)
{
	if (logger.console)
		return level <= logger.level;

	return level == CALLS_LOG_ERROR && !logger.file;
}


bool calls_log_enabled(enum calls_log_level level)
{
	return console_wants(level) ||
		(logger.file && level <= logger.file_level);
}


void calls_log_close(void)
{
	if (logger.file)
		fclose(logger.file);
	logger.file = NULL;
	dbg_handler_set(NULL, NULL);
}


static int timestamp(char *buf, size_t sz)
{
	struct timeval tv;
	struct tm tm;
	size_t n;

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	n = strftime(buf, sz, "%Y-%m-%dT%H:%M:%S", &tm);

	return re_snprintf(buf + n, sz - n, ".%03dZ",
			   (int)(tv.tv_usec / 1000));
}


static void emit(FILE *f, const char *line, size_t len)
{
	flockfile(f);
	fwrite(line, 1, len, f);
	fflush(f);
	funlockfile(f);
}


static void text_line(struct mbuf *mb, const char *ts,
		      enum calls_log_level level, const char *mod,
		      const char *msg)
{
	mbuf_printf(mb, "%s %s: %s: %s: %s\n", ts, logger.prog,
		    calls_log_level_name(level), mod, msg);
}


static void json_line(struct mbuf *mb, const char *ts,
		      enum calls_log_level level, const char *mod,
		      const char *msg)
{
	mbuf_printf(mb, "{\"ts\":\"%s\",\"prog\":\"%H\",\"level\":\"%s\","
		    "\"mod\":\"%H\",\"msg\":\"%H\"}\n",
		    ts, calls_json_escape, logger.prog,
		    calls_log_level_name(level),
		    calls_json_escape, mod, calls_json_escape, msg);
}


void calls_vlog(enum calls_log_level level, const char *mod,
		const char *fmt, va_list ap)
{
	char ts[40];
	char *msg = NULL;
	struct mbuf *mb;

	if (!calls_log_enabled(level))
		return;

	if (re_vsdprintf(&msg, fmt, ap))
		return;

	mb = mbuf_alloc(128 + strlen(msg));
	if (!mb)
		goto out;

	timestamp(ts, sizeof(ts));

	if (console_wants(level)) {
		if (logger.format == CALLS_LOG_JSON)
			json_line(mb, ts, level, mod, msg);
		else
			text_line(mb, ts, level, mod, msg);
		emit(stderr, (char *)mb->buf, mb->end);
	}

	if (logger.file && level <= logger.file_level) {
		mbuf_rewind(mb);
		if (logger.file_format == CALLS_LOG_JSON)
			json_line(mb, ts, level, mod, msg);
		else
			text_line(mb, ts, level, mod, msg);
		emit(logger.file, (char *)mb->buf, mb->end);
	}

 out:
	mem_deref(mb);
	mem_deref(msg);
}


void calls_log(enum calls_log_level level, const char *mod,
	       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	calls_vlog(level, mod, fmt, ap);
	va_end(ap);
}
