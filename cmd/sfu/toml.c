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
#include "re_inc.h"
#include "toml.h"
#include "toml_int.h"


static void val_destructor(void *arg)
{
	struct toml_val *v = arg;
	size_t i;

	/* the members are owned through kidv, not the index */
	hash_clear(v->idx);
	mem_deref(v->idx);
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


int tl_err(struct parser *ps, const char *fmt, ...)
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


struct toml_val *tl_val_new(struct parser *ps, enum toml_type type)
{
	struct toml_val *v = mem_zalloc(sizeof(*v), val_destructor);

	if (!v)
		return NULL;

	v->type = type;
	v->line = ps ? ps->line : 0;

	return v;
}


enum { INDEX_FROM = 8 };   /* members before a table gets a hash index */

static uint32_t key_hash(const char *key, size_t klen)
{
	return hash_joaat((const uint8_t *)key, klen);
}


static void idx_add(struct toml_val *tbl, struct toml_val *kid)
{
	hash_append(tbl->idx, key_hash(kid->key, strlen(kid->key)),
		    &kid->he, kid);
}


/* Appends kid (taking the reference) to a table or array. A table with
 * INDEX_FROM members gets a hash index, so a document with many keys
 * parses in linear time. */
static int val_add(struct toml_val *parent, struct toml_val *kid)
{
	uint32_t nb;
	size_t i;

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

	if (parent->type != TOML_TABLE)
		return 0;

	if (parent->idx && parent->kidc <= 4 * hash_bsize(parent->idx)) {
		idx_add(parent, kid);
		return 0;
	}
	if (parent->kidc < INDEX_FROM)
		return 0;

	/* (re)build with 16 buckets, then 4 times more each time the
	 * members pass 4 per bucket: linear time overall */
	hash_clear(parent->idx);
	nb = parent->idx ? 4 * hash_bsize(parent->idx) : 16;
	parent->idx = mem_deref(parent->idx);
	if (hash_alloc(&parent->idx, nb))
		return ENOMEM;   /* kid stays owned by the table */
	for (i = 0; i < parent->kidc; i++)
		idx_add(parent, parent->kidv[i]);

	return 0;
}


struct keyref {
	const char *key;
	size_t klen;
};


static bool key_is(const struct toml_val *k, const struct keyref *kr)
{
	return strlen(k->key) == kr->klen && !memcmp(k->key, kr->key,
						     kr->klen);
}


static bool key_eq(struct le *le, void *arg)
{
	return key_is(le->data, arg);
}


static struct toml_val *tbl_find(const struct toml_val *tbl,
				 const char *key, size_t klen)
{
	struct keyref kr = {key, klen};
	struct le *le;
	size_t i;

	if (tbl->idx) {
		le = hash_lookup(tbl->idx, key_hash(key, klen), key_eq, &kr);
		return le ? le->data : NULL;
	}

	for (i = 0; i < tbl->kidc; i++) {
		if (key_is(tbl->kidv[i], &kr))
			return tbl->kidv[i];
	}

	return NULL;
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

	arr = tl_val_new(ps, TOML_ARRAY);
	if (!arr)
		return ENOMEM;
	arr->fixed = true;
	++ps->p;   /* [ */

	for (;;) {
		err = tl_skip_ws_nl(ps);
		if (err)
			goto out;

		if (tl_peek(ps) == ']') {
			++ps->p;
			break;
		}

		err = parse_value(ps, &el);
		if (err)
			goto out;
		err = val_add(arr, el);
		if (err)
			goto out;

		err = tl_skip_ws_nl(ps);
		if (err)
			goto out;

		if (tl_peek(ps) == ',') {
			++ps->p;
			continue;
		}
		if (tl_peek(ps) == ']') {
			++ps->p;
			break;
		}

		err = tl_err(ps, tl_at_end(ps) ? "unterminated array" :
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


/* key = value (at the key), assigned into tbl; the caller resets kp */
static int keyval(struct parser *ps, struct toml_val *tbl,
		  struct keypath *kp)
{
	struct toml_val *v;
	int err;

	err = tl_key(ps, kp);
	if (err)
		return err;

	tl_skip_ws(ps);
	if (tl_peek(ps) != '=')
		return tl_err(ps, "expected '=' after a key");
	++ps->p;
	tl_skip_ws(ps);

	err = parse_value(ps, &v);
	if (err)
		return err;

	return assign(ps, tbl, kp, v);
}


static int parse_inline_table(struct parser *ps, struct toml_val **vp)
{
	struct keypath kp;
	struct toml_val *tbl;
	int err = 0;

	memset(&kp, 0, sizeof(kp));

	tbl = tl_val_new(ps, TOML_TABLE);
	if (!tbl)
		return ENOMEM;
	tbl->defined = true;
	++ps->p;   /* { */

	tl_skip_ws(ps);
	if (tl_peek(ps) == '}') {
		++ps->p;
		goto out;
	}

	for (;;) {
		tl_skip_ws(ps);
		err = keyval(ps, tbl, &kp);
		tl_keypath_reset(&kp);
		if (err)
			goto out;

		tl_skip_ws(ps);
		if (tl_peek(ps) == ',') {
			++ps->p;
			continue;
		}
		if (tl_peek(ps) == '}') {
			++ps->p;
			break;
		}

		err = tl_err(ps, "expected ',' or '}' in inline table "
			     "(inline tables are on one line)");
		goto out;
	}

 out:
	tl_keypath_reset(&kp);
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
	int c = tl_peek(ps);
	int err;

	if (c == '"' || c == '\'') {
		v = tl_val_new(ps, TOML_STRING);
		if (!v)
			return ENOMEM;
		err = tl_string(ps, true, &v->str, &v->len);
		if (err) {
			mem_deref(v);
			return err;
		}
		*vp = v;
		return 0;
	}

	if (c == '[' || c == '{') {
		if (ps->depth >= TOML_MAX_DEPTH)
			return tl_err(ps, "nested too deeply");
		++ps->depth;
		err = c == '[' ? parse_array(ps, vp) :
			parse_inline_table(ps, vp);
		--ps->depth;
		return err;
	}

	if (c < 0 || c == '\n' || c == '\r' || c == '#')
		return tl_err(ps, "expected a value");

	return tl_scalar(ps, vp);
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
			k = tl_val_new(ps, TOML_TABLE);
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
			err = tl_err(ps, "key '%s' is already defined",
				     kp->partv[i]);
			goto out;
		}
		t = k;
	}

	if (tbl_find(t, kp->partv[i], kp->lenv[i])) {
		err = tl_err(ps, "duplicate key '%s'", kp->partv[i]);
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
	int err;

	memset(&kp, 0, sizeof(kp));

	err = keyval(ps, ps->cur, &kp);
	if (err)
		goto out;

	err = tl_end_of_line(ps);

 out:
	tl_keypath_reset(&kp);
	return err;
}


/* A new table member named kp part i (implicit table unless typed) */
static struct toml_val *member_new(struct parser *ps, struct toml_val *t,
				   struct keypath *kp, size_t i,
				   enum toml_type type)
{
	struct toml_val *k = tl_val_new(ps, type);

	if (!k)
		return NULL;

	k->key = mem_ref(kp->partv[i]);
	if (val_add(t, k))
		return NULL;   /* val_add released k */

	return k;
}


/* Walks a header's path up to its last part: creates implicit tables,
 * enters existing ones and the last table of an array of tables */
static int header_walk(struct parser *ps, struct keypath *kp,
		       struct toml_val **tp)
{
	struct toml_val *t = ps->root, *k;
	size_t i;

	for (i = 0; i + 1 < kp->n; i++) {
		k = tbl_find(t, kp->partv[i], kp->lenv[i]);
		if (!k) {
			k = member_new(ps, t, kp, i, TOML_TABLE);
			if (!k)
				return ENOMEM;
		}
		else if (k->type == TOML_ARRAY && k->aot) {
			k = k->kidv[k->kidc - 1];
		}
		else if (k->type != TOML_TABLE || k->fixed) {
			return tl_err(ps, "key '%s' is already defined as a "
				      "value", kp->partv[i]);
		}
		t = k;
	}

	*tp = t;

	return 0;
}


/* [[a.b]]: appends a table to the array a.b and makes it current */
static int header_aot(struct parser *ps, struct toml_val *t,
		      struct keypath *kp)
{
	const size_t i = kp->n - 1;
	struct toml_val *k, *el;

	k = tbl_find(t, kp->partv[i], kp->lenv[i]);
	if (!k) {
		k = member_new(ps, t, kp, i, TOML_ARRAY);
		if (!k)
			return ENOMEM;
		k->aot = true;
	}
	else if (k->type != TOML_ARRAY || !k->aot) {
		return tl_err(ps, "key '%s' is already defined",
			      kp->partv[i]);
	}

	el = tl_val_new(ps, TOML_TABLE);
	if (!el)
		return ENOMEM;
	el->defined = true;
	if (val_add(k, el))
		return ENOMEM;

	ps->cur = el;

	return 0;
}


/* [a.b]: defines the table a.b (once) and makes it current */
static int header_table(struct parser *ps, struct toml_val *t,
			struct keypath *kp)
{
	const size_t i = kp->n - 1;
	struct toml_val *k;

	k = tbl_find(t, kp->partv[i], kp->lenv[i]);
	if (!k) {
		k = member_new(ps, t, kp, i, TOML_TABLE);
		if (!k)
			return ENOMEM;
	}
	else if (k->type != TOML_TABLE || k->defined || k->dotted ||
		 k->fixed) {
		return tl_err(ps, "table '%s' is already defined",
			      kp->partv[i]);
	}

	k->defined = true;
	k->line = ps->line;
	ps->cur = k;

	return 0;
}


/* [a.b.c] or [[a.b.c]] */
static int parse_header(struct parser *ps)
{
	struct keypath kp;
	struct toml_val *t = NULL;
	bool aot = tl_looking_at(ps, "[[");
	int err;

	memset(&kp, 0, sizeof(kp));

	ps->p += aot ? 2 : 1;
	tl_skip_ws(ps);
	err = tl_key(ps, &kp);
	if (err)
		goto out;
	tl_skip_ws(ps);
	if (!tl_looking_at(ps, aot ? "]]" : "]")) {
		err = tl_err(ps, "expected '%s' to close the table header",
			     aot ? "]]" : "]");
		goto out;
	}
	ps->p += aot ? 2 : 1;

	err = header_walk(ps, &kp, &t);
	if (err)
		goto out;

	err = aot ? header_aot(ps, t, &kp) : header_table(ps, t, &kp);
	if (err)
		goto out;

	err = tl_end_of_line(ps);

 out:
	tl_keypath_reset(&kp);
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

	err = tl_utf8_check(&ps, (const unsigned char *)buf, len);
	if (err)
		return err;

	ps.root = tl_val_new(&ps, TOML_TABLE);
	if (!ps.root)
		return ENOMEM;
	ps.root->defined = true;
	ps.cur = ps.root;

	/* a UTF-8 byte order mark is allowed */
	if (tl_looking_at(&ps, "\xef\xbb\xbf"))
		ps.p += 3;

	for (;;) {
		err = tl_skip_ws_nl(&ps);
		if (err || tl_at_end(&ps))
			break;

		if (tl_peek(&ps) == '[')
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
	case TOML_DATETIME: return "a date-time";
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


const char *toml_datetime(const struct toml_val *v)
{
	return v && v->type == TOML_DATETIME ? v->str : NULL;
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
