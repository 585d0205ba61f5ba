/**
 * @file json.h  JSON output: RFC 8259 string escaping and a line writer
 *
 * Every record a command prints with --json is one object on one line
 * (JSON lines), so `calls-x --json | jq` always works. Invalid UTF-8 from
 * the network is replaced by U+FFFD: the output stays valid JSON.
 */
#ifndef CALLS_JSON_H
#define CALLS_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct re_printf;
struct mbuf;
struct pl;

/** %H handler: prints s as the inside of a JSON string (no quotes) */
int calls_json_escape(struct re_printf *pf, const char *s);
/** %H handler: like calls_json_escape for a string that may hold NULs */
int calls_json_escape_pl(struct re_printf *pf, const struct pl *pl);
/** Writes s[0..len) escaped through pf */
int calls_json_escape_n(struct re_printf *pf, const char *s, size_t len);

#define CALLS_JW_DEPTH 16

/** Builds one JSON value in an mbuf, commas and nesting handled */
struct calls_jw {
	struct mbuf *mb;
	int err;
	unsigned depth;
	bool first[CALLS_JW_DEPTH];
};

int  calls_jw_init(struct calls_jw *w);
void calls_jw_reset(struct calls_jw *w);
void calls_jw_close(struct calls_jw *w);
void calls_jw_obj_begin(struct calls_jw *w, const char *key);
void calls_jw_obj_end(struct calls_jw *w);
void calls_jw_arr_begin(struct calls_jw *w, const char *key);
void calls_jw_arr_end(struct calls_jw *w);
void calls_jw_str(struct calls_jw *w, const char *key, const char *val);
void calls_jw_strn(struct calls_jw *w, const char *key, const char *val,
		   size_t len);
void calls_jw_int(struct calls_jw *w, const char *key, int64_t val);
void calls_jw_uint(struct calls_jw *w, const char *key, uint64_t val);
void calls_jw_dbl(struct calls_jw *w, const char *key, double val);
void calls_jw_bool(struct calls_jw *w, const char *key, bool val);
void calls_jw_null(struct calls_jw *w, const char *key);
void calls_jw_raw(struct calls_jw *w, const char *key, const char *json);
/** The value built so far, NUL-terminated; valid until the next call */
const char *calls_jw_str_get(struct calls_jw *w);
/** Writes the value and a newline to f, flushes, and resets the writer */
int  calls_jw_line(struct calls_jw *w, FILE *f);

#endif
