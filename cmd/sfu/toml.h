/**
 * @file toml.h  calls-sfu: a small, strict TOML 1.0 parser
 *
 * Enough TOML for rtcd's config and then some: tables and arrays of
 * tables, bare/quoted/dotted keys, basic and literal strings (single and
 * multi-line, escapes including \uXXXX and \UXXXXXXXX), integers
 * (decimal with sign and underscores, 0x, 0o, 0b), floats, booleans,
 * arrays (multi-line, trailing comma, mixed types) and inline tables.
 * Dates and times are checked and kept as written (no key of rtcd's
 * takes one; unknown keys may). Duplicate keys, redefined tables and
 * extending inline tables are errors. Every value remembers its line.
 *
 * The document is a tree of struct toml_val owned by its root
 * (mem_deref the root).
 */
#ifndef SFU_TOML_H
#define SFU_TOML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum toml_type {
	TOML_STRING = 0,
	TOML_INT,
	TOML_FLOAT,
	TOML_BOOL,
	TOML_ARRAY,
	TOML_TABLE,
	TOML_DATETIME,   /**< offset/local date-time, date or time      */
};

struct toml_val;

/**
 * Parses buf[0..len). On a syntax error returns EBADMSG and writes
 * "LINE: message" to errbuf (the caller prefixes the file name).
 */
int  toml_parse(struct toml_val **rootp, const char *buf, size_t len,
		char *errbuf, size_t errsz);

enum toml_type toml_type(const struct toml_val *v);
const char *toml_type_name(enum toml_type t);
unsigned toml_line(const struct toml_val *v);
/** The key of a table entry (NULL for array elements and the root) */
const char *toml_key(const struct toml_val *v);

/** Strings are NUL-terminated; len counts an embedded \u0000 */
const char *toml_str(const struct toml_val *v, size_t *lenp);
/** A date-time as written ("1979-05-27T07:32:00Z"), or NULL */
const char *toml_datetime(const struct toml_val *v);
int64_t toml_int(const struct toml_val *v);
double  toml_float(const struct toml_val *v);
bool    toml_bool(const struct toml_val *v);

/** Members of a table (in document order) or elements of an array */
size_t  toml_count(const struct toml_val *v);
const struct toml_val *toml_at(const struct toml_val *v, size_t i);
/** A table's member by key, or NULL */
const struct toml_val *toml_get(const struct toml_val *tbl,
				const char *key);

#endif
