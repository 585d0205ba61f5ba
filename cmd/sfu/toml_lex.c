/**
 * @file toml_lex.c  calls-sfu TOML parser: tokens
 *
 * Whitespace, newlines (LF or CRLF) and comments; the four string forms
 * with their escapes; bare, quoted and dotted keys; integers, floats and
 * booleans. Each function starts at the token and leaves ps->p after it;
 * errors go through tl_err() with the current line.
 */
#include <string.h>
#include <stdlib.h>
#include <math.h>
#include "re_inc.h"
#include "utf8.h"
#include "toml.h"
#include "toml_int.h"


void tl_skip_ws(struct parser *ps)
{
	while (!tl_at_end(ps) && (*ps->p == ' ' || *ps->p == '\t'))
		++ps->p;
}


static bool is_ctrl(int c)
{
	return (c >= 0 && c < 0x20 && c != '\t') || c == 0x7f;
}


/* A comment runs to the end of the line; control characters are errors */
static int skip_comment(struct parser *ps)
{
	if (tl_peek(ps) != '#')
		return 0;

	while (!tl_at_end(ps) && *ps->p != '\n') {
		if (*ps->p == '\r' && tl_looking_at(ps, "\r\n"))
			break;
		if (is_ctrl((unsigned char)*ps->p))
			return tl_err(ps, "control character in comment");
		++ps->p;
	}

	return 0;
}


/* Consumes one newline (LF or CRLF); false if there is none */
bool tl_eat_newline(struct parser *ps)
{
	if (tl_peek(ps) == '\n') {
		++ps->p;
		++ps->line;
		return true;
	}
	if (tl_looking_at(ps, "\r\n")) {
		ps->p += 2;
		++ps->line;
		return true;
	}

	return false;
}


/* Whitespace, comments and newlines (inside arrays) */
int tl_skip_ws_nl(struct parser *ps)
{
	int err;

	for (;;) {
		tl_skip_ws(ps);
		err = skip_comment(ps);
		if (err)
			return err;
		if (!tl_eat_newline(ps))
			return 0;
	}
}


/* After a key/value or a header: only a comment, then a newline or EOF */
int tl_end_of_line(struct parser *ps)
{
	int err, c;

	tl_skip_ws(ps);
	err = skip_comment(ps);
	if (err)
		return err;
	if (tl_at_end(ps) || tl_eat_newline(ps))
		return 0;

	c = tl_peek(ps);

	return tl_err(ps, "expected a newline after the value, found '%c'",
		      c >= 0x20 && c < 0x7f ? c : '?');
}


int tl_utf8_check(struct parser *ps, const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i];
		size_t k;
		uint32_t cp;

		if (c == '\n')
			++ps->line;

		if (c < 0x80) {
			++i;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			k = 1;
			cp = c & 0x1f;
		}
		else if (c >= 0xe0 && c <= 0xef) {
			k = 2;
			cp = c & 0x0f;
		}
		else if (c >= 0xf0 && c <= 0xf4) {
			k = 3;
			cp = c & 0x07;
		}
		else {
			return tl_err(ps, "invalid UTF-8");
		}

		if (i + k >= n)
			return tl_err(ps, "invalid UTF-8");
		for (size_t j = 1; j <= k; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return tl_err(ps, "invalid UTF-8");
			cp = (cp << 6) | (s[i + j] & 0x3f);
		}
		if ((k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return tl_err(ps, "invalid UTF-8");
		i += k + 1;
	}

	ps->line = 1;

	return 0;
}


/* ------------------------------------------------------------------ */
/* Strings */

static int mb_utf8(struct mbuf *mb, uint32_t cp)
{
	uint8_t b[4];

	return mbuf_write_mem(mb, b, calls_utf8_enc(b, cp));
}


static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;

	return -1;
}


static int escape(struct parser *ps, struct mbuf *mb)
{
	uint32_t cp = 0;
	int c, n, i;

	/* at the backslash */
	++ps->p;
	c = tl_peek(ps);
	if (c < 0)
		return tl_err(ps, "unterminated string");
	++ps->p;

	switch (c) {

	case 'b':  return mbuf_write_u8(mb, '\b');
	case 't':  return mbuf_write_u8(mb, '\t');
	case 'n':  return mbuf_write_u8(mb, '\n');
	case 'f':  return mbuf_write_u8(mb, '\f');
	case 'r':  return mbuf_write_u8(mb, '\r');
	case '"':  return mbuf_write_u8(mb, '"');
	case '\\': return mbuf_write_u8(mb, '\\');
	case 'u':  n = 4; break;
	case 'U':  n = 8; break;
	default:
		return tl_err(ps, "invalid escape sequence");
	}

	for (i = 0; i < n; i++) {
		int h = hexval(tl_peek(ps));

		if (h < 0)
			return tl_err(ps, "\\%c needs %d hex digits", c, n);
		cp = (cp << 4) | (uint32_t)h;
		++ps->p;
	}

	if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return tl_err(ps, "escape is not a Unicode scalar value");

	return mb_utf8(mb, cp);
}


/* Line-ending backslash in """: skips whitespace and newlines; false if
 * the backslash does not end the line */
static bool line_continuation(struct parser *ps)
{
	const char *q = ps->p + 1;

	while (q < ps->end && (*q == ' ' || *q == '\t'))
		++q;
	if (q < ps->end && *q == '\n')
		;
	else if (q + 1 < ps->end && q[0] == '\r' && q[1] == '\n')
		;
	else
		return false;

	ps->p = q;
	for (;;) {
		tl_skip_ws(ps);
		if (!tl_eat_newline(ps))
			break;
	}

	return true;
}


/* At a quote: the closing delimiter (*donep), or for a multi-line
 * string, one or two quotes that belong to its text */
static int close_quote(struct parser *ps, struct mbuf *mb, char q, bool ml,
		       bool *donep)
{
	size_t run = 0;
	int err;

	if (!ml) {
		++ps->p;
		*donep = true;
		return 0;
	}

	while (ps->p + run < ps->end && ps->p[run] == q)
		++run;

	if (run > 5)
		return tl_err(ps, "too many quotes closing a multi-line "
			      "string");
	if (run >= 3) {
		*donep = true;
		run -= 3;   /* up to two quotes just inside the delimiter */
	}

	err = mbuf_write_mem(mb, (const uint8_t *)ps->p, run);
	ps->p += run + (*donep ? 3 : 0);

	return err;
}


/* One step of a string's body: a character, an escape, a newline or a
 * run of quotes */
static int string_step(struct parser *ps, struct mbuf *mb, char q, bool ml,
		       bool *donep)
{
	const int c = tl_peek(ps);

	if (c < 0)
		return tl_err(ps, "unterminated string");

	if (c == q)
		return close_quote(ps, mb, q, ml, donep);

	if (ml && (c == '\n' || tl_looking_at(ps, "\r\n"))) {
		tl_eat_newline(ps);
		return mbuf_write_u8(mb, '\n');
	}

	if (q == '"' && c == '\\') {
		if (ml && line_continuation(ps))
			return 0;
		return escape(ps, mb);
	}

	if (is_ctrl(c))
		return tl_err(ps, c == '\n' || c == '\r' ?
			      "newline in a single-line string" :
			      "control character in string");

	++ps->p;

	return mbuf_write_u8(mb, (uint8_t)c);
}


/*
 * Any of the four string forms, at its opening quote. multiline allows
 * """ and ''' (values only, not keys).
 */
int tl_string(struct parser *ps, bool multiline, char **strp,
	      size_t *lenp)
{
	const char q = *ps->p;
	const char delim3[4] = {q, q, q, 0};
	bool ml = false, done = false;
	struct mbuf *mb;
	int err = 0;

	if (tl_looking_at(ps, delim3)) {
		if (!multiline)
			return tl_err(ps, "multi-line strings are not "
				      "allowed as keys");
		ml = true;
		ps->p += 3;
		tl_eat_newline(ps);   /* a newline just after """ is trimmed */
	}
	else {
		++ps->p;
	}

	mb = mbuf_alloc(32);
	if (!mb)
		return ENOMEM;

	while (!done && !err)
		err = string_step(ps, mb, q, ml, &done);

	if (!err) {
		*lenp = mb->end;
		mb->pos = 0;
		err = mbuf_strdup(mb, strp, mb->end);
	}

	mem_deref(mb);
	return err;
}


/* ------------------------------------------------------------------ */
/* Keys */

static bool is_bare(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		(c >= '0' && c <= '9') || c == '_' || c == '-';
}


void tl_keypath_reset(struct keypath *kp)
{
	size_t i;

	for (i = 0; i < kp->n; i++)
		kp->partv[i] = mem_deref(kp->partv[i]);
	kp->n = 0;
}


static int parse_key_part(struct parser *ps, char **partp, size_t *lenp)
{
	const char *start;
	int c = tl_peek(ps);

	if (c == '"' || c == '\'')
		return tl_string(ps, false, partp, lenp);

	start = ps->p;
	while (!tl_at_end(ps) && is_bare((unsigned char)*ps->p))
		++ps->p;

	if (ps->p == start)
		return tl_err(ps, "expected a key");

	*lenp = (size_t)(ps->p - start);

	return re_sdprintf(partp, "%b", start, *lenp);
}


/* key ( ws . ws key )* */
int tl_key(struct parser *ps, struct keypath *kp)
{
	int err;

	for (;;) {
		if (kp->n == MAX_KEY_PARTS)
			return tl_err(ps, "key has too many parts");

		err = parse_key_part(ps, &kp->partv[kp->n],
				     &kp->lenv[kp->n]);
		if (err)
			return err;
		if (memchr(kp->partv[kp->n], '\0', kp->lenv[kp->n])) {
			++kp->n;
			return tl_err(ps, "key contains a NUL character");
		}
		++kp->n;

		tl_skip_ws(ps);
		if (tl_peek(ps) != '.')
			return 0;
		++ps->p;
		tl_skip_ws(ps);
	}
}


/* ------------------------------------------------------------------ */
/* Scalars */

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}


/* Digits with single underscores between them, in base 2/8/10/16 */
static bool digits_ok(const char *s, size_t n, int base)
{
	size_t i;

	if (!n || s[0] == '_' || s[n - 1] == '_')
		return false;

	for (i = 0; i < n; i++) {
		int d;

		if (s[i] == '_') {
			if (s[i + 1] == '_')
				return false;
			continue;
		}
		d = hexval((unsigned char)s[i]);
		if (d < 0 || d >= base)
			return false;
	}

	return true;
}


/* Moves *pp past the decimal digits and '_' there, up to e; true if
 * they are a valid run of digits (digits_ok) */
static bool dec_run(const char **pp, const char *e)
{
	const char *p = *pp, *q = p;

	while (q < e && (is_digit(*q) || *q == '_'))
		++q;
	*pp = q;

	return digits_ok(p, (size_t)(q - p), 10);
}


static int parse_integer(struct parser *ps, const char *s, size_t n,
			 int64_t *ip)
{
	bool neg = false;
	uint64_t v = 0, lim;
	int base = 10;
	size_t i;

	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o' ||
				     s[1] == 'b')) {
		base = s[1] == 'x' ? 16 : s[1] == 'o' ? 8 : 2;
		s += 2;
		n -= 2;
	}
	else if (n && (s[0] == '+' || s[0] == '-')) {
		neg = s[0] == '-';
		++s;
		--n;
	}

	if (!digits_ok(s, n, base))
		return tl_err(ps, "invalid integer");
	if (base == 10 && n > 1 && s[0] == '0')
		return tl_err(ps, "leading zeros are not allowed");

	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (i = 0; i < n; i++) {
		uint64_t d;

		if (s[i] == '_')
			continue;
		d = (uint64_t)hexval((unsigned char)s[i]);
		if (v > (lim - d) / (uint64_t)base)
			return tl_err(ps, "integer out of range");
		v = v * (uint64_t)base + d;
	}

	if (neg)
		*ip = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	else
		*ip = (int64_t)v;

	return 0;
}


/* [+-] int-part ( . digits )? ( [eE] [+-] digits )? ; inf; nan */
static int parse_float(struct parser *ps, const char *s, size_t n,
		       double *fp)
{
	const char *p = s, *e = s + n, *q;
	char buf[128];
	size_t bi = 0, i;

	if (p < e && (*p == '+' || *p == '-'))
		++p;

	if ((size_t)(e - p) == 3 && !memcmp(p, "inf", 3)) {
		*fp = s[0] == '-' ? -INFINITY : INFINITY;
		return 0;
	}
	if ((size_t)(e - p) == 3 && !memcmp(p, "nan", 3)) {
		*fp = NAN;
		return 0;
	}

	/* integer part */
	q = p;
	if (!dec_run(&q, e) || (q - p > 1 && p[0] == '0'))
		return tl_err(ps, "invalid float");
	p = q;

	if (p < e && *p == '.') {
		++p;
		if (!dec_run(&p, e))
			return tl_err(ps, "invalid float");
	}
	if (p < e && (*p == 'e' || *p == 'E')) {
		++p;
		if (p < e && (*p == '+' || *p == '-'))
			++p;
		if (!dec_run(&p, e))
			return tl_err(ps, "invalid float");
	}
	if (p != e || n >= sizeof(buf))
		return tl_err(ps, "invalid float");

	for (i = 0; i < n; i++)
		if (s[i] != '_')
			buf[bi++] = s[i];
	buf[bi] = '\0';

	*fp = strtod(buf, NULL);

	return 0;
}


static bool is_token_char(int c)
{
	return is_bare(c) || c == '+' || c == '.' || c == ':';
}


/* n digits at p with a value in [lo, hi] */
static bool num_at(const char *p, const char *e, size_t n, int lo, int hi)
{
	int v = 0;
	size_t i;

	if ((size_t)(e - p) < n)
		return false;

	for (i = 0; i < n; i++) {
		if (!is_digit(p[i]))
			return false;
		v = v * 10 + (p[i] - '0');
	}

	return v >= lo && v <= hi;
}


/* YYYY-MM-DD: the end, or NULL */
static const char *date_part(const char *p, const char *e)
{
	if (!num_at(p, e, 4, 0, 9999) || e - p < 10 || p[4] != '-' ||
	    !num_at(p + 5, e, 2, 1, 12) || p[7] != '-' ||
	    !num_at(p + 8, e, 2, 1, 31))
		return NULL;

	return p + 10;
}


/* HH:MM:SS[.fraction]: the end, or NULL */
static const char *time_part(const char *p, const char *e)
{
	if (!num_at(p, e, 2, 0, 23) || e - p < 8 || p[2] != ':' ||
	    !num_at(p + 3, e, 2, 0, 59) || p[5] != ':' ||
	    !num_at(p + 6, e, 2, 0, 60))
		return NULL;
	p += 8;

	if (p < e && *p == '.') {
		if (++p >= e || !is_digit(*p))
			return NULL;
		while (p < e && is_digit(*p))
			++p;
	}

	return p;
}


/* Z or +HH:MM / -HH:MM: the end, or NULL */
static const char *offset_part(const char *p, const char *e)
{
	if (p < e && (*p == 'Z' || *p == 'z'))
		return p + 1;

	if (e - p < 6 || (*p != '+' && *p != '-') ||
	    !num_at(p + 1, e, 2, 0, 23) || p[3] != ':' ||
	    !num_at(p + 4, e, 2, 0, 59))
		return NULL;

	return p + 6;
}


/*
 * A date-time (RFC 3339 as TOML has it: date, time, or both joined by
 * T or a space, with an optional offset), kept as its text. ps->p is
 * past the token that starts at s; a space and a time may follow.
 */
static int datetime(struct parser *ps, const char *s,
		    struct toml_val **vp)
{
	const char *e = ps->p, *p;
	struct toml_val *v;
	int err;

	p = date_part(s, e);
	if (p && p == e && tl_looking_at(ps, " ") &&
	    time_part(e + 1, ps->end)) {
		/* "1979-05-27 07:32:00": the time is the next token */
		++e;
		while (e < ps->end && is_token_char((unsigned char)*e))
			++e;
	}
	if (p && p < e && (*p == 'T' || *p == 't' || *p == ' '))
		p = time_part(p + 1, e);
	else if (!p)
		p = time_part(s, e);
	if (p && p < e && s[2] != ':')   /* an offset needs a date */
		p = offset_part(p, e);

	if (!p || p != e)
		return tl_err(ps, "invalid date or time");

	ps->p = e;

	v = tl_val_new(ps, TOML_DATETIME);
	if (!v)
		return ENOMEM;
	err = re_sdprintf(&v->str, "%b", s, (size_t)(e - s));
	if (err) {
		mem_deref(v);
		return err;
	}
	v->len = (size_t)(e - s);
	*vp = v;

	return 0;
}


int tl_scalar(struct parser *ps, struct toml_val **vp)
{
	const char *s = ps->p;
	struct toml_val *v;
	size_t n, i;
	bool fl = false;
	int err;

	while (!tl_at_end(ps) && is_token_char((unsigned char)*ps->p))
		++ps->p;
	n = (size_t)(ps->p - s);

	if (!n)
		return tl_err(ps, "expected a value");

	/* a date or time: digits then '-' (not a sign) or ':' */
	if ((n >= 3 && is_digit(s[0]) && memchr(s, ':', n)) ||
	    (n >= 5 && is_digit(s[0]) && is_digit(s[1]) && is_digit(s[2]) &&
	     is_digit(s[3]) && s[4] == '-'))
		return datetime(ps, s, vp);

	i = (s[0] == '+' || s[0] == '-') ? 1 : 0;
	if (i < n && !is_digit(s[i]) &&
	    !(n - i == 3 && (!memcmp(s + i, "inf", 3) ||
			     !memcmp(s + i, "nan", 3))) &&
	    !(n == 4 && !memcmp(s, "true", 4)) &&
	    !(n == 5 && !memcmp(s, "false", 5)))
		return tl_err(ps, "invalid value '%b'", s, n > 32 ? 32 : n);

	if ((n == 4 && !memcmp(s, "true", 4)) ||
	    (n == 5 && !memcmp(s, "false", 5))) {
		v = tl_val_new(ps, TOML_BOOL);
		if (!v)
			return ENOMEM;
		v->b = n == 4;
		*vp = v;
		return 0;
	}

	if (!(n > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o' ||
				       s[1] == 'b'))) {
		for (i = 0; i < n; i++) {
			if (s[i] == '.' || s[i] == 'e' || s[i] == 'E' ||
			    s[i] == 'i' || s[i] == 'n')
				fl = true;
		}
	}

	v = tl_val_new(ps, fl ? TOML_FLOAT : TOML_INT);
	if (!v)
		return ENOMEM;

	if (fl)
		err = parse_float(ps, s, n, &v->f);
	else
		err = parse_integer(ps, s, n, &v->i);

	if (err) {
		mem_deref(v);
		return err;
	}

	*vp = v;

	return 0;
}
