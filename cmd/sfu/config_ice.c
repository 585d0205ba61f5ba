/**
 * @file config_ice.c  calls-sfu configuration: rtc.ice_servers
 *
 * The one structured key: from TOML (an array of URL strings or of
 * {urls, username, credential} tables), from RTCD_RTC_ICESERVERS (the
 * same as JSON, read by a small strict JSON reader: rtcd decodes the
 * variable with Go's encoding/json, which accepts no trailing commas or
 * other liberties), and back out as JSON with credentials redacted.
 */
#include <string.h>
#include <strings.h>
#include "re_inc.h"
#include "json.h"
#include "utf8.h"
#define LOG_MODULE "config"
#include "log.h"
#include "config.h"
#include "toml.h"
#include "config_int.h"


/* libre's mem_realloc() does not take NULL */
static void *grow(void *p, size_t sz)
{
	return p ? mem_realloc(p, sz) : mem_alloc(sz, NULL);
}


void cfg_servers_clear(struct sfu_config *cfg)
{
	size_t i, j;

	for (i = 0; i < cfg->rtc.ice_serverc; i++) {
		struct sfu_ice_server *s = &cfg->rtc.ice_servers[i];

		for (j = 0; j < s->urlc; j++)
			mem_deref(s->urls[j]);
		mem_deref(s->urls);
		mem_deref(s->username);
		mem_deref(s->credential);
	}

	cfg->rtc.ice_servers = mem_deref(cfg->rtc.ice_servers);
	cfg->rtc.ice_serverc = 0;
}


/* ------------------------------------------------------------------ */
/* ice_servers */

static int server_add_url(struct sfu_ice_server *s, const char *url,
			  size_t len)
{
	char **nv;

	nv = grow(s->urls, (s->urlc + 1) * sizeof(*nv));
	if (!nv)
		return ENOMEM;
	s->urls = nv;
	s->urls[s->urlc] = NULL;

	if (cfg_str_set(&s->urls[s->urlc], url, len))
		return ENOMEM;
	++s->urlc;

	return 0;
}


static struct sfu_ice_server *server_new(struct sfu_ice_server **vp,
					 size_t *np)
{
	struct sfu_ice_server *nv;

	nv = grow(*vp, (*np + 1) * sizeof(*nv));
	if (!nv)
		return NULL;
	*vp = nv;
	memset(&nv[*np], 0, sizeof(nv[*np]));

	return &nv[(*np)++];
}


static void servers_free(struct sfu_ice_server *v, size_t n)
{
	struct sfu_config tmp;

	memset(&tmp, 0, sizeof(tmp));
	tmp.rtc.ice_servers = v;
	tmp.rtc.ice_serverc = n;
	cfg_servers_clear(&tmp);
}


static void servers_install(struct sfu_config *cfg,
			    struct sfu_ice_server *v, size_t n)
{
	cfg_servers_clear(cfg);
	cfg->rtc.ice_servers = v;
	cfg->rtc.ice_serverc = n;
}


/* ------------------------------------------------------------------ */
/* A strict JSON reader (RFC 8259), just for this variable */

enum { JR_MAX_DEPTH = 16 };

struct jr {
	const char *p;
	const char *end;
	unsigned depth;
};


static void jr_ws(struct jr *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' ||
				 *r->p == '\n' || *r->p == '\r'))
		++r->p;
}


static bool jr_eat(struct jr *r, char c)
{
	jr_ws(r);
	if (r->p < r->end && *r->p == c) {
		++r->p;
		return true;
	}

	return false;
}


static int jr_hex4(struct jr *r, uint32_t *vp)
{
	uint32_t v = 0;
	int i;

	if (r->end - r->p < 4)
		return EBADMSG;

	for (i = 0; i < 4; i++) {
		char c = *r->p++;

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (uint32_t)(c - 'A' + 10);
		else
			return EBADMSG;
	}

	*vp = v;

	return 0;
}


static int mb_utf8(struct mbuf *mb, uint32_t cp)
{
	uint8_t b[4];

	return mbuf_write_mem(mb, b, calls_utf8_enc(b, cp));
}


/* After a backslash: one escape; \u pairs of surrogates join, lone
 * surrogates become U+FFFD, as Go does; \u0000 is refused (C strings) */
static int jr_escape(struct jr *r, struct mbuf *mb)
{
	uint32_t cp, lo;
	char c;
	int err;

	if (r->p >= r->end)
		return EBADMSG;
	c = *r->p++;

	switch (c) {

	case '"':  return mbuf_write_u8(mb, '"');
	case '\\': return mbuf_write_u8(mb, '\\');
	case '/':  return mbuf_write_u8(mb, '/');
	case 'b':  return mbuf_write_u8(mb, '\b');
	case 'f':  return mbuf_write_u8(mb, '\f');
	case 'n':  return mbuf_write_u8(mb, '\n');
	case 'r':  return mbuf_write_u8(mb, '\r');
	case 't':  return mbuf_write_u8(mb, '\t');
	case 'u':  break;
	default:   return EBADMSG;
	}

	err = jr_hex4(r, &cp);
	if (err)
		return err;

	if (cp >= 0xd800 && cp < 0xdc00 && r->end - r->p >= 6 &&
	    r->p[0] == '\\' && r->p[1] == 'u') {
		const char *save = r->p;

		r->p += 2;
		if (!jr_hex4(r, &lo) && lo >= 0xdc00 && lo < 0xe000)
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		else
			r->p = save;
	}

	if (cp == 0)
		return EBADMSG;
	if (cp >= 0xd800 && cp < 0xe000)
		cp = 0xfffd;

	return mb_utf8(mb, cp);
}


/* A string; its text goes to *strp (mem) unless strp is NULL */
static int jr_string(struct jr *r, char **strp)
{
	struct mbuf *mb;
	int err = 0;

	jr_ws(r);
	if (r->p >= r->end || *r->p != '"')
		return EBADMSG;
	++r->p;

	mb = mbuf_alloc(32);
	if (!mb)
		return ENOMEM;

	for (;;) {
		char c;

		if (r->p >= r->end) {
			err = EBADMSG;
			break;
		}
		c = *r->p++;

		if (c == '"')
			break;
		if ((unsigned char)c < 0x20)
			err = EBADMSG;
		else if (c == '\\')
			err = jr_escape(r, mb);
		else
			err = mbuf_write_u8(mb, (uint8_t)c);
		if (err)
			break;
	}

	if (!err && strp) {
		mb->pos = 0;
		err = mbuf_strdup(mb, strp, mb->end);
	}

	mem_deref(mb);
	return err;
}


static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}


/* -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
static int jr_number(struct jr *r)
{
	const char *p = r->p, *e = r->end;

	if (p < e && *p == '-')
		++p;
	if (p < e && *p == '0')
		++p;
	else if (p < e && is_digit(*p))
		while (p < e && is_digit(*p))
			++p;
	else
		return EBADMSG;

	if (p < e && *p == '.') {
		++p;
		if (p >= e || !is_digit(*p))
			return EBADMSG;
		while (p < e && is_digit(*p))
			++p;
	}
	if (p < e && (*p == 'e' || *p == 'E')) {
		++p;
		if (p < e && (*p == '+' || *p == '-'))
			++p;
		if (p >= e || !is_digit(*p))
			return EBADMSG;
		while (p < e && is_digit(*p))
			++p;
	}

	r->p = p;

	return 0;
}


static bool jr_word(struct jr *r, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(r->end - r->p) >= n && !memcmp(r->p, w, n)) {
		r->p += n;
		return true;
	}

	return false;
}


/* Checks and skips any value */
static int jr_skip(struct jr *r)
{
	int err = 0;

	jr_ws(r);
	if (r->p >= r->end)
		return EBADMSG;

	switch (*r->p) {

	case '"':
		return jr_string(r, NULL);

	case '[':
	case '{': {
		const bool obj = *r->p == '{';

		if (++r->depth > JR_MAX_DEPTH)
			return EBADMSG;
		++r->p;
		if (jr_eat(r, obj ? '}' : ']'))
			break;
		do {
			if (obj) {
				err = jr_string(r, NULL);
				if (err || !jr_eat(r, ':'))
					return EBADMSG;
			}
			err = jr_skip(r);
			if (err)
				return err;
		} while (jr_eat(r, ','));
		if (!jr_eat(r, obj ? '}' : ']'))
			return EBADMSG;
		break;
	}

	case 't': return jr_word(r, "true") ? 0 : EBADMSG;
	case 'f': return jr_word(r, "false") ? 0 : EBADMSG;
	case 'n': return jr_word(r, "null") ? 0 : EBADMSG;
	default:  return jr_number(r);
	}

	--r->depth;

	return 0;
}


/* {"urls":[...],"username":"...","credential":"..."}; keys matched
 * without case and others skipped, as Go's encoding/json does */
static int jr_server(struct jr *r, struct sfu_ice_server *srv)
{
	char *key = NULL, *s = NULL;
	int err = 0;

	++r->p;   /* { */
	if (jr_eat(r, '}'))
		return 0;

	do {
		char **dst = NULL;

		err = jr_string(r, &key);
		if (err || !jr_eat(r, ':')) {
			err = EBADMSG;
			goto out;
		}
		jr_ws(r);

		if (!strcasecmp(key, "urls")) {
			if (jr_word(r, "null"))
				goto next;
			if (!jr_eat(r, '[')) {
				err = EBADMSG;
				goto out;
			}
			if (jr_eat(r, ']'))
				goto next;
			do {
				err = jr_string(r, &s);
				if (err)
					goto out;
				err = server_add_url(srv, s, strlen(s));
				s = mem_deref(s);
				if (err)
					goto out;
			} while (jr_eat(r, ','));
			if (!jr_eat(r, ']')) {
				err = EBADMSG;
				goto out;
			}
			goto next;
		}

		if (!strcasecmp(key, "username"))
			dst = &srv->username;
		else if (!strcasecmp(key, "credential"))
			dst = &srv->credential;

		if (!dst) {
			err = jr_skip(r);
		}
		else if (jr_word(r, "null")) {
			;
		}
		else {
			err = jr_string(r, &s);
			if (!err) {
				mem_deref(*dst);
				*dst = s;
				s = NULL;
			}
		}
		if (err)
			goto out;
	next:
		key = mem_deref(key);
	} while (jr_eat(r, ','));

	if (!jr_eat(r, '}'))
		err = EBADMSG;

 out:
	mem_deref(key);
	mem_deref(s);
	return err;
}


/* From JSON: ["stun:h:3478", ...] or [{"urls":[...],"username":...}] */
int cfg_servers_from_json(struct sfu_config *cfg, const char *s,
			  char *errbuf, size_t errsz, const char *where)
{
	struct sfu_ice_server *v = NULL;
	struct jr r;
	size_t n = 0;
	int err = 0;

	r.p = s;
	r.end = s + strlen(s);
	r.depth = 0;

	if (!jr_eat(&r, '[')) {
		err = EBADMSG;
		goto out;
	}

	if (!jr_eat(&r, ']')) {
		do {
			struct sfu_ice_server *srv = server_new(&v, &n);
			char *url = NULL;

			if (!srv) {
				err = ENOMEM;
				goto out;
			}

			jr_ws(&r);
			if (r.p < r.end && *r.p == '{') {
				err = jr_server(&r, srv);
			}
			else {
				err = jr_string(&r, &url);
				if (!err)
					err = server_add_url(srv, url,
							     strlen(url));
				mem_deref(url);
			}
			if (err)
				goto out;
		} while (jr_eat(&r, ','));

		if (!jr_eat(&r, ']')) {
			err = EBADMSG;
			goto out;
		}
	}

	jr_ws(&r);
	if (r.p != r.end) {
		err = EBADMSG;
		goto out;
	}

	servers_install(cfg, v, n);
	v = NULL;

 out:
	if (v)
		servers_free(v, n);
	if (err == EBADMSG) {
		re_snprintf(errbuf, errsz, "%srtc.ice_servers: expected a "
			    "JSON array of URLs or {\"urls\":[...]} objects "
			    "(error at offset %zu)", where,
			    (size_t)(r.p - s));
		err = EINVAL;
	}

	return err;
}


int cfg_toml_err(char *errbuf, size_t errsz, const char *file,
		    const struct toml_val *v, const char *key,
		    const char *what)
{
	re_snprintf(errbuf, errsz, "%s:%u: %s: %s", file, toml_line(v), key,
		    what);

	return EINVAL;
}


int cfg_toml_string(const struct toml_val *v, const char **sp,
		       size_t *lenp)
{
	const char *s = toml_str(v, lenp);

	if (!s)
		return EINVAL;
	if (memchr(s, '\0', *lenp))
		return EINVAL;

	*sp = s;

	return 0;
}


/* A TOML array of URL strings; EBADMSG with *badp at a non-string */
static int urls_from_toml(struct sfu_ice_server *srv,
			  const struct toml_val *arr,
			  const struct toml_val **badp)
{
	const char *s;
	size_t u, len;
	int err;

	if (toml_type(arr) != TOML_ARRAY) {
		*badp = arr;
		return EBADMSG;
	}

	for (u = 0; u < toml_count(arr); u++) {
		if (cfg_toml_string(toml_at(arr, u), &s, &len)) {
			*badp = toml_at(arr, u);
			return EBADMSG;
		}
		err = server_add_url(srv, s, len);
		if (err)
			return err;
	}

	return 0;
}


/* {urls = [...], username = "...", credential = "..."}; other keys are
 * ignored with a warning. EBADMSG with *badp at a wrong type. */
static int server_from_toml(struct sfu_ice_server *srv, const char *file,
			    size_t idx, const struct toml_val *tbl,
			    const struct toml_val **badp)
{
	const char *s;
	size_t j, len;
	int err;

	for (j = 0; j < toml_count(tbl); j++) {
		const struct toml_val *m = toml_at(tbl, j);
		const char *k = toml_key(m);
		char **dst;

		if (!strcasecmp(k, "urls")) {
			err = urls_from_toml(srv, m, badp);
			if (err)
				return err;
			continue;
		}

		if (!strcasecmp(k, "username")) {
			dst = &srv->username;
		}
		else if (!strcasecmp(k, "credential")) {
			dst = &srv->credential;
		}
		else {
			log_warn("%s:%u: unknown key rtc.ice_servers[%zu].%s,"
				 " ignored", file, toml_line(m), idx, k);
			continue;
		}

		if (cfg_toml_string(m, &s, &len)) {
			*badp = m;
			return EBADMSG;
		}
		err = cfg_str_set(dst, s, len);
		if (err)
			return err;
	}

	return 0;
}


/* From TOML: an array of URL strings or {urls, username, credential} */
int cfg_servers_from_toml(struct sfu_config *cfg, const char *file,
			  const struct toml_val *arr, char *errbuf,
			  size_t errsz)
{
	static const char *const what =
		"expected an array of URL strings or "
		"{urls = [...], username = \"...\", credential = \"...\"}";
	const struct toml_val *bad = arr;
	struct sfu_ice_server *v = NULL;
	size_t n = 0, i, len;
	const char *s;
	int err = 0;

	if (toml_type(arr) != TOML_ARRAY) {
		err = EBADMSG;
		goto out;
	}

	for (i = 0; i < toml_count(arr) && !err; i++) {
		const struct toml_val *e = toml_at(arr, i);
		struct sfu_ice_server *srv = server_new(&v, &n);

		if (!srv) {
			err = ENOMEM;
		}
		else if (toml_type(e) == TOML_TABLE) {
			err = server_from_toml(srv, file, i, e, &bad);
		}
		else if (!cfg_toml_string(e, &s, &len)) {
			err = server_add_url(srv, s, len);
		}
		else {
			bad = e;
			err = EBADMSG;
		}
	}
	if (err)
		goto out;

	servers_install(cfg, v, n);
	v = NULL;

 out:
	if (v)
		servers_free(v, n);
	if (err == EBADMSG)
		err = cfg_toml_err(errbuf, errsz, file, bad,
				   "rtc.ice_servers", what);

	return err;
}

/* Secrets print as "[redacted]" when set, "" when not */
const char *cfg_redact(const char *s)
{
	return s && *s ? "[redacted]" : "";
}


void cfg_servers_json(struct calls_jw *w, const struct sfu_config *cfg)
{
	size_t i, j;

	calls_jw_arr_begin(w, "ice_servers");
	for (i = 0; i < cfg->rtc.ice_serverc; i++) {
		const struct sfu_ice_server *s = &cfg->rtc.ice_servers[i];

		calls_jw_obj_begin(w, NULL);
		calls_jw_arr_begin(w, "urls");
		for (j = 0; j < s->urlc; j++)
			calls_jw_str(w, NULL, s->urls[j]);
		calls_jw_arr_end(w);
		calls_jw_str(w, "username", s->username ? s->username : "");
		calls_jw_str(w, "credential", cfg_redact(s->credential));
		calls_jw_obj_end(w);
	}
	calls_jw_arr_end(w);
}
