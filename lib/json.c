/**
 * @file json.c  JSON output: RFC 8259 string escaping and a line writer
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "re_inc.h"
#include "json.h"


/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	else if ((s[0] & 0xe0) == 0xc0) {
		len = 2; cp = s[0] & 0x1f;
	}
	else if ((s[0] & 0xf0) == 0xe0) {
		len = 3; cp = s[0] & 0x0f;
	}
	else if ((s[0] & 0xf8) == 0xf0) {
		len = 4; cp = s[0] & 0x07;
	}
	else
		return 0;

	if (len > n)
		return 0;

	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}

	/* overlong forms, surrogates and beyond U+10FFFF */
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
	    (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;

	return len;
}


/* libre's print handlers treat a zero-length write as an error */
static int put(struct re_printf *pf, const char *p, size_t len)
{
	return len ? pf->vph(p, len, pf->arg) : 0;
}


int calls_json_escape_n(struct re_printf *pf, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, run = 0;
	int err = 0;

	if (!s)
		return 0;

	while (i < n && !err) {
		unsigned char c = s[i];
		const char *esc = NULL;
		char ubuf[8];
		size_t ulen;

		switch (c) {

		case '"':  esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\b': esc = "\\b";  break;
		case '\f': esc = "\\f";  break;
		case '\n': esc = "\\n";  break;
		case '\r': esc = "\\r";  break;
		case '\t': esc = "\\t";  break;
		default:
			if (c < 0x20) {
				re_snprintf(ubuf, sizeof(ubuf), "\\u%04x", c);
				esc = ubuf;
			}
			break;
		}

		if (esc) {
			err |= put(pf, (const char *)s + i - run, run);
			err |= put(pf, esc, strlen(esc));
			run = 0;
			++i;
			continue;
		}

		ulen = utf8_len(s + i, n - i);
		if (!ulen) {
			err |= put(pf, (const char *)s + i - run, run);
			err |= put(pf, "\xef\xbf\xbd", 3);
			run = 0;
			++i;
			continue;
		}

		run += ulen;
		i += ulen;
	}

	if (run && !err)
		err = pf->vph((const char *)s + n - run, run, pf->arg);

	return err;
}


int calls_json_escape_pl(struct re_printf *pf, const struct pl *pl)
{
	return pl ? calls_json_escape_n(pf, pl->p, pl->l) : 0;
}


int calls_json_escape(struct re_printf *pf, const char *s)
{
	return s ? calls_json_escape_n(pf, s, strlen(s)) : 0;
}


int calls_jw_init(struct calls_jw *w)
{
	if (!w)
		return EINVAL;

	memset(w, 0, sizeof(*w));
	w->mb = mbuf_alloc(256);
	if (!w->mb)
		return ENOMEM;

	w->first[0] = true;

	return 0;
}


void calls_jw_reset(struct calls_jw *w)
{
	if (!w || !w->mb)
		return;

	mbuf_rewind(w->mb);
	w->err = 0;
	w->depth = 0;
	w->first[0] = true;
}


void calls_jw_close(struct calls_jw *w)
{
	if (!w)
		return;

	w->mb = mem_deref(w->mb);
}


/* Comma and key before a value */
static void member(struct calls_jw *w, const char *key)
{
	if (!w->first[w->depth])
		w->err |= mbuf_write_u8(w->mb, ',');
	w->first[w->depth] = false;

	if (key)
		w->err |= mbuf_printf(w->mb, "\"%H\":", calls_json_escape,
				      key);
}


static void jw_open(struct calls_jw *w, const char *key, char c)
{
	member(w, key);
	w->err |= mbuf_write_u8(w->mb, c);
	if (w->depth + 1 >= CALLS_JW_DEPTH) {
		w->err |= EOVERFLOW;
		return;
	}
	w->first[++w->depth] = true;
}


static void jw_close(struct calls_jw *w, char c)
{
	w->err |= mbuf_write_u8(w->mb, c);
	if (w->depth)
		--w->depth;
}


void calls_jw_obj_begin(struct calls_jw *w, const char *key)
{
	jw_open(w, key, '{');
}


void calls_jw_obj_end(struct calls_jw *w)
{
	jw_close(w, '}');
}


void calls_jw_arr_begin(struct calls_jw *w, const char *key)
{
	jw_open(w, key, '[');
}


void calls_jw_arr_end(struct calls_jw *w)
{
	jw_close(w, ']');
}


void calls_jw_strn(struct calls_jw *w, const char *key, const char *val,
		   size_t len)
{
	member(w, key);
	if (!val)
		w->err |= mbuf_write_str(w->mb, "null");
	else
	{
		struct pl pl;

		pl.p = val;
		pl.l = len;
		w->err |= mbuf_printf(w->mb, "\"%H\"", calls_json_escape_pl,
				      &pl);
	}
}


void calls_jw_str(struct calls_jw *w, const char *key, const char *val)
{
	calls_jw_strn(w, key, val, val ? strlen(val) : 0);
}


void calls_jw_int(struct calls_jw *w, const char *key, int64_t val)
{
	member(w, key);
	w->err |= mbuf_printf(w->mb, "%lld", (long long)val);
}


void calls_jw_uint(struct calls_jw *w, const char *key, uint64_t val)
{
	member(w, key);
	w->err |= mbuf_printf(w->mb, "%llu", (unsigned long long)val);
}


/* JSON has no NaN or Infinity: they become null */
void calls_jw_dbl(struct calls_jw *w, const char *key, double val)
{
	char buf[32];

	member(w, key);
	if (!isfinite(val)) {
		w->err |= mbuf_write_str(w->mb, "null");
		return;
	}

	snprintf(buf, sizeof(buf), "%.17g", val);
	/* shortest form that reads back the same */
	for (int prec = 6; prec < 17; prec++) {
		char t[32];
		snprintf(t, sizeof(t), "%.*g", prec, val);
		if (strtod(t, NULL) == val) {
			memcpy(buf, t, sizeof(t));
			break;
		}
	}
	w->err |= mbuf_write_str(w->mb, buf);
}


void calls_jw_bool(struct calls_jw *w, const char *key, bool val)
{
	member(w, key);
	w->err |= mbuf_write_str(w->mb, val ? "true" : "false");
}


void calls_jw_null(struct calls_jw *w, const char *key)
{
	member(w, key);
	w->err |= mbuf_write_str(w->mb, "null");
}


void calls_jw_raw(struct calls_jw *w, const char *key, const char *json)
{
	member(w, key);
	w->err |= mbuf_write_str(w->mb, json ? json : "null");
}


const char *calls_jw_str_get(struct calls_jw *w)
{
	if (!w || !w->mb)
		return "";

	if (mbuf_write_u8(w->mb, 0))
		return "";
	--w->mb->end;
	--w->mb->pos;

	return (const char *)w->mb->buf;
}


int calls_jw_line(struct calls_jw *w, FILE *f)
{
	int err;

	if (!w || !w->mb || !f)
		return EINVAL;

	err = w->err;
	if (!err) {
		err |= mbuf_write_u8(w->mb, '\n');
		if (fwrite(w->mb->buf, 1, w->mb->end, f) != w->mb->end)
			err = errno ? errno : EIO;
		fflush(f);
	}

	calls_jw_reset(w);

	return err;
}
