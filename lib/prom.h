/**
 * @file prom.h  Prometheus text exposition (0.0.4) and OpenMetrics parser
 *
 * The parser works in place: the caller hands it a writable buffer, the
 * parser cuts it into lines and tokens, unescapes label values and HELP
 * text where they stand, and reports each sample through a callback whose
 * strings (struct pl) point into that buffer. They stay valid as long as
 * the buffer does. Nothing is allocated per sample; the only allocations
 * are two hash tables (families and series seen, for the duplicate
 * checks) that grow by doubling and are reused from one parse to the next.
 *
 * A bad line (syntax, unknown TYPE, duplicate HELP/TYPE/series, TYPE after
 * the family's samples, bad histogram labels) goes to the error handler
 * with its line number and is skipped; parsing always continues.
 *
 * Writers for the text format (%H handlers) live here too, so every tool
 * re-emits exposition the same way.
 */
#ifndef CALLS_PROM_H
#define CALLS_PROM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct re_printf;

#define CALLS_PROM_MAX_LABELS 64

enum calls_prom_fmt {
	CALLS_PROM_FMT_AUTO = 0,     /**< OpenMetrics if it ends "# EOF"  */
	CALLS_PROM_FMT_TEXT,         /**< text/plain; version=0.0.4       */
	CALLS_PROM_FMT_OPENMETRICS,  /**< application/openmetrics-text    */
};

enum calls_prom_type {
	CALLS_PROM_UNTYPED = 0,      /**< also OpenMetrics "unknown"      */
	CALLS_PROM_COUNTER,
	CALLS_PROM_GAUGE,
	CALLS_PROM_HISTOGRAM,
	CALLS_PROM_SUMMARY,
	CALLS_PROM_GAUGEHISTOGRAM,
	CALLS_PROM_INFO,
	CALLS_PROM_STATESET,
};

/** Which part of its family a sample is */
enum calls_prom_suffix {
	CALLS_PROM_SFX_NONE = 0,  /**< the value, or a summary quantile   */
	CALLS_PROM_SFX_BUCKET,
	CALLS_PROM_SFX_SUM,
	CALLS_PROM_SFX_COUNT,
	CALLS_PROM_SFX_TOTAL,
	CALLS_PROM_SFX_CREATED,
	CALLS_PROM_SFX_GSUM,
	CALLS_PROM_SFX_GCOUNT,
	CALLS_PROM_SFX_INFO,
};

/** A string inside the parsed buffer (not NUL-terminated) */
struct calls_prom_str {
	const char *p;
	size_t l;
};

struct calls_prom_label {
	struct calls_prom_str name;
	struct calls_prom_str value;   /**< unescaped */
};

struct calls_prom_family {
	struct calls_prom_str name;
	struct calls_prom_str help;    /**< unescaped; l == 0 if none */
	struct calls_prom_str unit;    /**< OpenMetrics # UNIT        */
	enum calls_prom_type type;
	bool typed;                    /**< had a TYPE line           */
};

struct calls_prom_sample {
	struct calls_prom_str name;
	const struct calls_prom_label *labelv;
	size_t labelc;
	double value;
	int64_t ts_ms;                 /**< when has_ts               */
	bool has_ts;
	enum calls_prom_suffix suffix;
	const struct calls_prom_family *fam;  /**< valid in the call  */
	unsigned line;
};

/** Called for each good sample; a non-zero return stops the parse */
typedef int (calls_prom_sample_h)(const struct calls_prom_sample *s,
				  void *arg);
/** Called for each bad line, which is then skipped */
typedef void (calls_prom_error_h)(unsigned line, const char *msg,
				  void *arg);

struct calls_prom_stats {
	unsigned lines;
	unsigned samples;
	unsigned errors;
	enum calls_prom_fmt fmt;       /**< the format parsed as      */
};

struct calls_prom;

int  calls_prom_alloc(struct calls_prom **pp, calls_prom_sample_h *sampleh,
		      calls_prom_error_h *errh, void *arg);
/** Skip the duplicate-series check (faster, no table): for trusted input */
void calls_prom_set_dupcheck(struct calls_prom *p, bool on);
/**
 * Parses buf[0..len); buf[len] must be writable too (one spare byte).
 * Returns 0, or the sample handler's non-zero value, or ENOMEM.
 */
int  calls_prom_parse(struct calls_prom *p, char *buf, size_t len,
		      enum calls_prom_fmt fmt, struct calls_prom_stats *st);

enum calls_prom_fmt calls_prom_fmt_from_ctype(const char *ctype);
const char *calls_prom_type_name(enum calls_prom_type type);
int  calls_prom_type_parse(enum calls_prom_type *typep, const char *s,
			   size_t len);
const char *calls_prom_suffix_name(enum calls_prom_suffix sfx);
bool calls_prom_name_valid(const char *s, size_t len);
bool calls_prom_label_name_valid(const char *s, size_t len);
/** Parses a sample value token ("1.5", "NaN", "+Inf", ...) */
int  calls_prom_value_parse(double *vp, const char *s, size_t len);

/* Writers for the text format */
/** Formats a value as the text format spells it ("NaN", "+Inf", ...) */
void calls_prom_value_fmt(char *buf, size_t sz, double v);
/** %H: a label value with \\, \" and \n escaped */
int  calls_prom_escape_label(struct re_printf *pf,
			     const struct calls_prom_str *s);
/** %H: HELP text with \\ and \n escaped */
int  calls_prom_escape_help(struct re_printf *pf,
			    const struct calls_prom_str *s);

#endif
