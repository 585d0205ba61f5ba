/**
 * @file toml.c  calls-sfu: a small, strict TOML 1.0 parser
 *
 * A recursive-descent reader over the whole buffer. The document must be
 * valid UTF-8 (checked first, so later code can trust the bytes). Nesting
 * of arrays and inline tables is limited to TOML_MAX_DEPTH levels so a
 * hostile file cannot exhaust the stack.
 *
 * Table rules (TOML 1.0 section "Table"):
 * - a [header] may define a table once; tables it only passes through
 *   are implicit and may be defined later;
 * - dotted keys create tables that belong to their enclosing table: a
 *   later [header] may not define them, nor may dotted keys enter a
 *   table some header defined;
 * - inline tables and static arrays are closed: nothing extends them.
 */
#include <string.h>
#include <stdlib.h>
#include <math.h>
#include "re_inc.h"
#include "toml.h"

enum { TOML_MAX_DEPTH = 32 };

struct toml_val {
	char *key;
	enum toml_type type;
	unsigned line;
	char *str;
	size_t len;
	int64_t i;
	double f;
	bool b;
	struct toml_val **kidv;   /* table members or array elements */
	size_t kidc;
	size_t kidsz;
	bool defined;             /* a [header] defined this table      */
	bool dotted;              /* created by a dotted key            */
	bool fixed;               /* inline table or static array       */
	bool aot;                 /* array of tables ([[header]])       */
};

struct parser {
	const char *p;
	const char *end;
	unsigned line;
	char *errbuf;
	size_t errsz;
	struct toml_val *root;
	struct toml_val *cur;     /* the table key/values go to         */
	unsigned depth;
};


static void val_destructor(void *arg)
{
	struct toml_val *v = arg;
	size_t i;

	for (i = 0; i < v->kidc; i++)
		mem_deref(v->kidv[i]);
	mem_deref(v->kidv);
	mem_deref(v->key);
	mem_deref(v->str);
}


/* libre's mem_realloc() does not take NULL */
static void *grow(void *p, size_t sz)
{
	return p ? mem_realloc(p, sz) : mem_alloc(sz, NULL);
}


static int perr(struct parser *ps, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	re_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	if (ps->errbuf && ps->errsz)
		re_snprintf(ps->errbuf, ps->errsz, "%u: %s", ps->line, msg);

	return EBADMSG;
}


static struct toml_val *val_new(struct parser *ps, enum toml_type type)
{
	struct toml_val *v = mem_zalloc(sizeof(*v), val_destructor);

	if (!v)
		return NULL;

	v->type = type;
	v->line = ps ? ps->line : 0;

	return v;
}


/* Appends kid (taking the reference) to a table or array */
static int val_add(struct toml_val *parent, struct toml_val *kid)
{
	if (parent->kidc == parent->kidsz) {
		size_t nsz = parent->kidsz ? parent->kidsz * 2 : 4;
		struct toml_val **nv;

		nv = grow(parent->kidv, nsz * sizeof(*nv));
		if (!nv) {
			mem_deref(kid);
			return ENOMEM;
		}
		parent->kidv = nv;
		parent->kidsz = nsz;
	}

	parent->kidv[parent->kidc++] = kid;

	return 0;
}


static struct toml_val *tbl_find(const struct toml_val *tbl,
				 const char *key, size_t klen)
{
	size_t i;

	for (i = 0; i < tbl->kidc; i++) {
		struct toml_val *k = tbl->kidv[i];

		if (strlen(k->key) == klen && !memcmp(k->key, key, klen))
			return k;
	}

	return NULL;
}


/* ------------------------------------------------------------------ */
/* Lexical helpers */

static bool at_end(const struct parser *ps)
{
	return ps->p >= ps->end;
}


static int peek(const struct parser *ps)
{
	return at_end(ps) ? -1 : (unsigned char)*ps->p;
}


static bool looking_at(const struct parser *ps, const char *s)
{
	size_t n = strlen(s);

	return (size_t)(ps->end - ps->p) >= n && !memcmp(ps->p, s, n);
}


static void skip_ws(struct parser *ps)
{
	while (!at_end(ps) && (*ps->p == ' ' || *ps->p == '\t'))
		++ps->p;
}


static bool is_ctrl(int c)
{
	return (c >= 0 && c < 0x20 && c != '\t') || c == 0x7f;
}


/* A comment runs to the end of the line; control characters are errors */
static int skip_comment(struct parser *ps)
{
	if (peek(ps) != '#')
		return 0;

	while (!at_end(ps) && *ps->p != '\n') {
		if (*ps->p == '\r' && looking_at(ps, "\r\n"))
			break;
		if (is_ctrl((unsigned char)*ps->p))
			return perr(ps, "control character in comment");
		++ps->p;
	}

	return 0;
}


/* Consumes one newline (LF or CRLF); false if there is none */
static bool eat_newline(struct parser *ps)
{
	if (peek(ps) == '\n') {
		++ps->p;
		++ps->line;
		return true;
	}
	if (looking_at(ps, "\r\n")) {
		ps->p += 2;
		++ps->line;
		return true;
	}

	return false;
}


/* Whitespace, comments and newlines (inside arrays) */
static int skip_ws_nl(struct parser *ps)
{
	int err;

	for (;;) {
		skip_ws(ps);
		err = skip_comment(ps);
		if (err)
			return err;
		if (!eat_newline(ps))
			return 0;
	}
}


/* After a key/value or a header: only a comment, then a newline or EOF */
static int end_of_line(struct parser *ps)
{
	int err;

	skip_ws(ps);
	err = skip_comment(ps);
	if (err)
		return err;
	if (at_end(ps) || eat_newline(ps))
		return 0;

	return perr(ps, "expected a newline after the value, found '%c'",
		    peek(ps) >= 0x20 && peek(ps) < 0x7f ? peek(ps) : '?');
}


static int utf8_check(struct parser *ps, const unsigned char *s, size_t n)
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
			return perr(ps, "invalid UTF-8");
		}

		if (i + k >= n)
			return perr(ps, "invalid UTF-8");
		for (size_t j = 1; j <= k; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return perr(ps, "invalid UTF-8");
			cp = (cp << 6) | (s[i + j] & 0x3f);
		}
		if ((k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return perr(ps, "invalid UTF-8");
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
	size_t n;

	if (cp < 0x80) {
		b[0] = (uint8_t)cp;
		n = 1;
	}
	else if (cp < 0x800) {
		b[0] = (uint8_t)(0xc0 | (cp >> 6));
		b[1] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 2;
	}
	else if (cp < 0x10000) {
		b[0] = (uint8_t)(0xe0 | (cp >> 12));
		b[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 3;
	}
	else {
		b[0] = (uint8_t)(0xf0 | (cp >> 18));
		b[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 4;
	}

	return mbuf_write_mem(mb, b, n);
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
	c = peek(ps);
	if (c < 0)
		return perr(ps, "unterminated string");
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
		return perr(ps, "invalid escape sequence");
	}

	for (i = 0; i < n; i++) {
		int h = hexval(peek(ps));

		if (h < 0)
			return perr(ps, "\\%c needs %d hex digits", c, n);
		cp = (cp << 4) | (uint32_t)h;
		++ps->p;
	}

	if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return perr(ps, "escape is not a Unicode scalar value");

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
		skip_ws(ps);
		if (!eat_newline(ps))
			break;
	}

	return true;
}


/*
 * Any of the four string forms, at its opening quote. multiline allows
 * """/''' (values only, not keys).
 */
static int parse_string(struct parser *ps, bool multiline, char **strp,
			size_t *lenp)
{
	const char q = *ps->p;
	const bool literal = q == '\'';
	const char delim3[4] = {q, q, q, 0};
	bool ml = false;
	struct mbuf *mb;
	int err = 0;

	mb = mbuf_alloc(32);
	if (!mb)
		return ENOMEM;

	if (looking_at(ps, delim3)) {
		if (!multiline) {
			err = perr(ps, "multi-line strings are not allowed "
				   "as keys");
			goto out;
		}
		ml = true;
		ps->p += 3;
		eat_newline(ps);   /* a newline right after """ is trimmed */
	}
	else {
		++ps->p;
	}

	for (;;) {
		int c = peek(ps);

		if (c < 0) {
			err = perr(ps, "unterminated string");
			goto out;
		}

		if (c == q) {
			size_t run = 0;

			if (!ml) {
				++ps->p;
				break;
			}
			while (ps->p + run < ps->end && ps->p[run] == q)
				++run;
			if (run < 3) {
				err = mbuf_write_mem(mb, (uint8_t *)ps->p,
						     run);
				ps->p += run;
				if (err)
					goto out;
				continue;
			}
			if (run > 5) {
				err = perr(ps, "too many quotes closing a "
					   "multi-line string");
				goto out;
			}
			err = mbuf_write_mem(mb, (uint8_t *)ps->p, run - 3);
			ps->p += run;
			break;
		}

		if (ml && (c == '\n' || looking_at(ps, "\r\n"))) {
			err = mbuf_write_u8(mb, '\n');
			eat_newline(ps);
			if (err)
				goto out;
			continue;
		}

		if (!literal && c == '\\') {
			if (ml && line_continuation(ps))
				continue;
			err = escape(ps, mb);
			if (err)
				goto out;
			continue;
		}

		if (is_ctrl(c)) {
			err = perr(ps, c == '\n' || c == '\r' ?
				   "newline in a single-line string" :
				   "control character in string");
			goto out;
		}

		err = mbuf_write_u8(mb, (uint8_t)c);
		if (err)
			goto out;
		++ps->p;
	}

	if (err)
		goto out;

	*lenp = mb->end;
	mb->pos = 0;
	err = mbuf_strdup(mb, strp, mb->end);

 out:
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


enum { MAX_KEY_PARTS = 16 };

struct keypath {
	char *partv[MAX_KEY_PARTS];
	size_t lenv[MAX_KEY_PARTS];
	size_t n;
};


static void keypath_reset(struct keypath *kp)
{
	size_t i;

	for (i = 0; i < kp->n; i++)
		kp->partv[i] = mem_deref(kp->partv[i]);
	kp->n = 0;
}


static int parse_key_part(struct parser *ps, char **partp, size_t *lenp)
{
	const char *start;
	int c = peek(ps);

	if (c == '"' || c == '\'')
		return parse_string(ps, false, partp, lenp);

	start = ps->p;
	while (!at_end(ps) && is_bare((unsigned char)*ps->p))
		++ps->p;

	if (ps->p == start)
		return perr(ps, "expected a key");

	*lenp = (size_t)(ps->p - start);

	return re_sdprintf(partp, "%b", start, *lenp);
}


/* key ( ws . ws key )* */
static int parse_key(struct parser *ps, struct keypath *kp)
{
	int err;

	for (;;) {
		if (kp->n == MAX_KEY_PARTS)
			return perr(ps, "key has too many parts");

		err = parse_key_part(ps, &kp->partv[kp->n],
				     &kp->lenv[kp->n]);
		if (err)
			return err;
		if (memchr(kp->partv[kp->n], '\0', kp->lenv[kp->n])) {
			++kp->n;
			return perr(ps, "key contains a NUL character");
		}
		++kp->n;

		skip_ws(ps);
		if (peek(ps) != '.')
			return 0;
		++ps->p;
		skip_ws(ps);
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
		return perr(ps, "invalid integer");
	if (base == 10 && n > 1 && s[0] == '0')
		return perr(ps, "leading zeros are not allowed");

	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (i = 0; i < n; i++) {
		uint64_t d;

		if (s[i] == '_')
			continue;
		d = (uint64_t)hexval((unsigned char)s[i]);
		if (v > (lim - d) / (uint64_t)base)
			return perr(ps, "integer out of range");
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
	while (q < e && (is_digit(*q) || *q == '_'))
		++q;
	if (!digits_ok(p, (size_t)(q - p), 10) ||
	    (q - p > 1 && p[0] == '0'))
		return perr(ps, "invalid float");
	p = q;

	if (p < e && *p == '.') {
		++p;
		q = p;
		while (q < e && (is_digit(*q) || *q == '_'))
			++q;
		if (!digits_ok(p, (size_t)(q - p), 10))
			return perr(ps, "invalid float");
		p = q;
	}
	if (p < e && (*p == 'e' || *p == 'E')) {
		++p;
		if (p < e && (*p == '+' || *p == '-'))
			++p;
		q = p;
		while (q < e && (is_digit(*q) || *q == '_'))
			++q;
		if (!digits_ok(p, (size_t)(q - p), 10))
			return perr(ps, "invalid float");
		p = q;
	}
	if (p != e || n >= sizeof(buf))
		return perr(ps, "invalid float");

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


static int parse_scalar(struct parser *ps, struct toml_val **vp)
{
	const char *s = ps->p;
	struct toml_val *v;
	size_t n, i;
	bool fl = false;
	int err;

	while (!at_end(ps) && is_token_char((unsigned char)*ps->p))
		++ps->p;
	n = (size_t)(ps->p - s);

	if (!n)
		return perr(ps, "expected a value");

	/* a date or time: digits then '-' (not a sign) or ':' */
	if (n >= 3 && is_digit(s[0]) && memchr(s, ':', n))
		return perr(ps, "dates and times are not supported");
	if (n >= 5 && is_digit(s[0]) && is_digit(s[1]) && is_digit(s[2]) &&
	    is_digit(s[3]) && s[4] == '-')
		return perr(ps, "dates and times are not supported");

	i = (s[0] == '+' || s[0] == '-') ? 1 : 0;
	if (i < n && !is_digit(s[i]) &&
	    !(n - i == 3 && (!memcmp(s + i, "inf", 3) ||
			     !memcmp(s + i, "nan", 3))) &&
	    !(n == 4 && !memcmp(s, "true", 4)) &&
	    !(n == 5 && !memcmp(s, "false", 5)))
		return perr(ps, "invalid value '%b'", s, n > 32 ? 32 : n);

	if ((n == 4 && !memcmp(s, "true", 4)) ||
	    (n == 5 && !memcmp(s, "false", 5))) {
		v = val_new(ps, TOML_BOOL);
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

	v = val_new(ps, fl ? TOML_FLOAT : TOML_INT);
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


/* ------------------------------------------------------------------ */
/* Values, arrays, inline tables */

static int parse_value(struct parser *ps, struct toml_val **vp);
static int assign(struct parser *ps, struct toml_val *tbl,
		  struct keypath *kp, struct toml_val *v);


static int parse_array(struct parser *ps, struct toml_val **vp)
{
	struct toml_val *arr, *el;
	int err;

	arr = val_new(ps, TOML_ARRAY);
	if (!arr)
		return ENOMEM;
	arr->fixed = true;
	++ps->p;   /* [ */

	for (;;) {
		err = skip_ws_nl(ps);
		if (err)
			goto out;

		if (peek(ps) == ']') {
			++ps->p;
			break;
		}

		err = parse_value(ps, &el);
		if (err)
			goto out;
		err = val_add(arr, el);
		if (err)
			goto out;

		err = skip_ws_nl(ps);
		if (err)
			goto out;

		if (peek(ps) == ',') {
			++ps->p;
			continue;
		}
		if (peek(ps) == ']') {
			++ps->p;
			break;
		}

		err = perr(ps, at_end(ps) ? "unterminated array" :
			   "expected ',' or ']' in array");
		goto out;
	}

 out:
	if (err)
		mem_deref(arr);
	else
		*vp = arr;

	return err;
}


static int parse_inline_table(struct parser *ps, struct toml_val **vp)
{
	struct keypath kp;
	struct toml_val *tbl, *v;
	int err = 0;

	memset(&kp, 0, sizeof(kp));

	tbl = val_new(ps, TOML_TABLE);
	if (!tbl)
		return ENOMEM;
	tbl->defined = true;
	++ps->p;   /* { */

	skip_ws(ps);
	if (peek(ps) == '}') {
		++ps->p;
		goto out;
	}

	for (;;) {
		skip_ws(ps);
		err = parse_key(ps, &kp);
		if (err)
			goto out;

		skip_ws(ps);
		if (peek(ps) != '=') {
			err = perr(ps, "expected '=' after a key");
			goto out;
		}
		++ps->p;
		skip_ws(ps);

		err = parse_value(ps, &v);
		if (err)
			goto out;

		err = assign(ps, tbl, &kp, v);
		keypath_reset(&kp);
		if (err)
			goto out;

		skip_ws(ps);
		if (peek(ps) == ',') {
			++ps->p;
			continue;
		}
		if (peek(ps) == '}') {
			++ps->p;
			break;
		}

		err = perr(ps, "expected ',' or '}' in inline table "
			   "(inline tables are on one line)");
		goto out;
	}

 out:
	keypath_reset(&kp);
	if (err) {
		mem_deref(tbl);
	}
	else {
		tbl->fixed = true;
		*vp = tbl;
	}

	return err;
}


static int parse_value(struct parser *ps, struct toml_val **vp)
{
	struct toml_val *v;
	int c = peek(ps);
	int err;

	if (c == '"' || c == '\'') {
		v = val_new(ps, TOML_STRING);
		if (!v)
			return ENOMEM;
		err = parse_string(ps, true, &v->str, &v->len);
		if (err) {
			mem_deref(v);
			return err;
		}
		*vp = v;
		return 0;
	}

	if (c == '[' || c == '{') {
		if (ps->depth >= TOML_MAX_DEPTH)
			return perr(ps, "nested too deeply");
		++ps->depth;
		err = c == '[' ? parse_array(ps, vp) :
			parse_inline_table(ps, vp);
		--ps->depth;
		return err;
	}

	if (c < 0 || c == '\n' || c == '\r' || c == '#')
		return perr(ps, "expected a value");

	return parse_scalar(ps, vp);
}


/* ------------------------------------------------------------------ */
/* Key/value pairs and table headers */

/*
 * Puts v (owned) at the dotted path kp under tbl: intermediate parts
 * create or enter tables made by dotted keys only.
 */
static int assign(struct parser *ps, struct toml_val *tbl,
		  struct keypath *kp, struct toml_val *v)
{
	struct toml_val *t = tbl, *k;
	size_t i;
	int err;

	for (i = 0; i + 1 < kp->n; i++) {
		k = tbl_find(t, kp->partv[i], kp->lenv[i]);
		if (!k) {
			k = val_new(ps, TOML_TABLE);
			if (!k) {
				err = ENOMEM;
				goto out;
			}
			k->dotted = true;
			k->key = mem_ref(kp->partv[i]);
			err = val_add(t, k);
			if (err)
				goto out;
		}
		else if (k->type != TOML_TABLE || !k->dotted || k->fixed) {
			err = perr(ps, "key '%s' is already defined",
				   kp->partv[i]);
			goto out;
		}
		t = k;
	}

	if (tbl_find(t, kp->partv[i], kp->lenv[i])) {
		err = perr(ps, "duplicate key '%s'", kp->partv[i]);
		goto out;
	}

	v->key = mem_ref(kp->partv[i]);
	return val_add(t, v);

 out:
	mem_deref(v);
	return err;
}


static int parse_keyval(struct parser *ps)
{
	struct keypath kp;
	struct toml_val *v;
	int err;

	memset(&kp, 0, sizeof(kp));

	err = parse_key(ps, &kp);
	if (err)
		goto out;

	skip_ws(ps);
	if (peek(ps) != '=') {
		err = perr(ps, "expected '=' after a key");
		goto out;
	}
	++ps->p;
	skip_ws(ps);

	err = parse_value(ps, &v);
	if (err)
		goto out;

	err = assign(ps, ps->cur, &kp, v);
	if (err)
		goto out;

	err = end_of_line(ps);

 out:
	keypath_reset(&kp);
	return err;
}


/* [a.b.c] or [[a.b.c]] */
static int parse_header(struct parser *ps)
{
	struct keypath kp;
	struct toml_val *t = ps->root, *k = NULL;
	bool aot = looking_at(ps, "[[");
	size_t i;
	int err;

	memset(&kp, 0, sizeof(kp));

	ps->p += aot ? 2 : 1;
	skip_ws(ps);
	err = parse_key(ps, &kp);
	if (err)
		goto out;
	skip_ws(ps);
	if (!looking_at(ps, aot ? "]]" : "]")) {
		err = perr(ps, "expected '%s' to close the table header",
			   aot ? "]]" : "]");
		goto out;
	}
	ps->p += aot ? 2 : 1;

	for (i = 0; i + 1 < kp.n; i++) {
		k = tbl_find(t, kp.partv[i], kp.lenv[i]);
		if (!k) {
			k = val_new(ps, TOML_TABLE);
			if (!k) {
				err = ENOMEM;
				goto out;
			}
			k->key = mem_ref(kp.partv[i]);
			err = val_add(t, k);
			if (err)
				goto out;
		}
		else if (k->type == TOML_ARRAY && k->aot) {
			k = k->kidv[k->kidc - 1];
		}
		else if (k->type != TOML_TABLE || k->fixed) {
			err = perr(ps, "key '%s' is already defined as a "
				   "value", kp.partv[i]);
			goto out;
		}
		t = k;
	}

	k = tbl_find(t, kp.partv[i], kp.lenv[i]);

	if (aot) {
		struct toml_val *el;

		if (!k) {
			k = val_new(ps, TOML_ARRAY);
			if (!k) {
				err = ENOMEM;
				goto out;
			}
			k->aot = true;
			k->key = mem_ref(kp.partv[i]);
			err = val_add(t, k);
			if (err)
				goto out;
		}
		else if (k->type != TOML_ARRAY || !k->aot) {
			err = perr(ps, "key '%s' is already defined",
				   kp.partv[i]);
			goto out;
		}

		el = val_new(ps, TOML_TABLE);
		if (!el) {
			err = ENOMEM;
			goto out;
		}
		el->defined = true;
		err = val_add(k, el);
		if (err)
			goto out;
		ps->cur = el;
	}
	else {
		if (!k) {
			k = val_new(ps, TOML_TABLE);
			if (!k) {
				err = ENOMEM;
				goto out;
			}
			k->key = mem_ref(kp.partv[i]);
			err = val_add(t, k);
			if (err)
				goto out;
		}
		else if (k->type != TOML_TABLE || k->defined || k->dotted ||
			 k->fixed) {
			err = perr(ps, "table '%s' is already defined",
				   kp.partv[i]);
			goto out;
		}
		k->defined = true;
		k->line = ps->line;
		ps->cur = k;
	}

	err = end_of_line(ps);

 out:
	keypath_reset(&kp);
	return err;
}


int toml_parse(struct toml_val **rootp, const char *buf, size_t len,
	       char *errbuf, size_t errsz)
{
	struct parser ps;
	int err;

	if (!rootp || (!buf && len))
		return EINVAL;

	memset(&ps, 0, sizeof(ps));
	ps.p = buf;
	ps.end = buf + len;
	ps.line = 1;
	ps.errbuf = errbuf;
	ps.errsz = errsz;

	if (errbuf && errsz)
		errbuf[0] = '\0';

	err = utf8_check(&ps, (const unsigned char *)buf, len);
	if (err)
		return err;

	ps.root = val_new(&ps, TOML_TABLE);
	if (!ps.root)
		return ENOMEM;
	ps.root->defined = true;
	ps.cur = ps.root;

	/* a UTF-8 byte order mark is allowed */
	if (looking_at(&ps, "\xef\xbb\xbf"))
		ps.p += 3;

	for (;;) {
		err = skip_ws_nl(&ps);
		if (err || at_end(&ps))
			break;

		if (peek(&ps) == '[')
			err = parse_header(&ps);
		else
			err = parse_keyval(&ps);
		if (err)
			break;
	}

	if (err)
		mem_deref(ps.root);
	else
		*rootp = ps.root;

	return err;
}


/* ------------------------------------------------------------------ */
/* Accessors */

enum toml_type toml_type(const struct toml_val *v)
{
	return v ? v->type : TOML_TABLE;
}


const char *toml_type_name(enum toml_type t)
{
	switch (t) {

	case TOML_STRING: return "a string";
	case TOML_INT:    return "an integer";
	case TOML_FLOAT:  return "a float";
	case TOML_BOOL:   return "a boolean";
	case TOML_ARRAY:  return "an array";
	case TOML_TABLE:  return "a table";
	default:          return "?";
	}
}


unsigned toml_line(const struct toml_val *v)
{
	return v ? v->line : 0;
}


const char *toml_key(const struct toml_val *v)
{
	return v ? v->key : NULL;
}


const char *toml_str(const struct toml_val *v, size_t *lenp)
{
	if (!v || v->type != TOML_STRING)
		return NULL;
	if (lenp)
		*lenp = v->len;

	return v->str;
}


int64_t toml_int(const struct toml_val *v)
{
	return v && v->type == TOML_INT ? v->i : 0;
}


double toml_float(const struct toml_val *v)
{
	return v && v->type == TOML_FLOAT ? v->f : 0.0;
}


bool toml_bool(const struct toml_val *v)
{
	return v && v->type == TOML_BOOL ? v->b : false;
}


size_t toml_count(const struct toml_val *v)
{
	if (!v || (v->type != TOML_ARRAY && v->type != TOML_TABLE))
		return 0;

	return v->kidc;
}


const struct toml_val *toml_at(const struct toml_val *v, size_t i)
{
	if (i >= toml_count(v))
		return NULL;

	return v->kidv[i];
}


const struct toml_val *toml_get(const struct toml_val *tbl,
				const char *key)
{
	if (!tbl || tbl->type != TOML_TABLE || !key)
		return NULL;

	return tbl_find(tbl, key, strlen(key));
}
