/**
 * @file prom.c  Prometheus text exposition (0.0.4) and OpenMetrics parser
 *
 * One pass over the buffer, one line at a time. Each line is cut off with
 * a NUL where its newline was (the spare byte at buf[len] serves the last
 * line), so strtod() can read a value in place. A sample line is read as
 *
 *     name [{label="value",...}] value [timestamp] [# exemplar]
 *
 * and comment lines as "# HELP name text", "# TYPE name type",
 * "# UNIT name unit", "# EOF" or anything else after '#'.
 *
 * Families: HELP/TYPE/UNIT lines open a family; a following sample belongs
 * to it when its name is the family name or the family name plus a suffix
 * the type allows (_bucket, _sum, _count, _total, _created, ...). Any other
 * sample opens an untyped family of its own name. Families and series seen
 * are kept as 64-bit hashes, which is how duplicates are found without
 * keeping the names.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "re_inc.h"
#include "prom.h"

enum {
	F_HELP    = 1 << 0,
	F_TYPE    = 1 << 1,
	F_UNIT    = 1 << 2,
	F_SAMPLES = 1 << 3,
	F_TSHIFT  = 8,          /* the family's type is kept above bit 8 */
};

struct seen {
	uint64_t h;             /* 0: empty slot */
	uint32_t line;
	uint32_t flags;
};

struct htab {
	struct seen *v;
	size_t cap;             /* a power of two, or 0 */
	size_t n;
};

/* Series seen: one 64-bit word a series, the top 40 bits of its hash and
 * the line it was on (24 bits, 0 past 16M lines), half the memory of a
 * struct seen: the check is a cache miss per sample, so size matters */
struct sset {
	uint64_t *v;
	size_t cap;             /* a power of two, or 0 */
	size_t n;
};

#define SSET_LINE_BITS 24
#define SSET_LINE_MASK ((1ULL << SSET_LINE_BITS) - 1)

struct calls_prom {
	calls_prom_sample_h *sampleh;
	calls_prom_error_h *errh;
	void *arg;
	struct htab fams;
	struct sset series;
	bool dupcheck;

	/* state of the running parse */
	struct calls_prom_family fam;   /* the current family */
	uint64_t famh;
	bool fam_open;
	bool fam_marked;                /* F_SAMPLES set for it */
	struct calls_prom_label labelv[CALLS_PROM_MAX_LABELS];
	struct calls_prom_stats *st;
	enum calls_prom_fmt fmt;
	unsigned line;
	bool eof;
	bool after_eof;
	bool nomem;
};

/* Character classes: 1 name start, 2 name, 4 label start, 8 label */
static uint8_t cclass[256];

static const double pow10tab[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16,
};


static void cclass_init(void)
{
	if (cclass['a'])
		return;

	for (int c = 0; c < 256; c++) {
		uint8_t f = 0;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    c == '_')
			f |= 1 | 2 | 4 | 8;
		if (c == ':')
			f |= 1 | 2;
		if (c >= '0' && c <= '9')
			f |= 2 | 8;
		cclass[c] = f;
	}
}


/* 64-bit hashing: 8 bytes at a time, then a final avalanche */
static inline uint64_t mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;

	return h;
}


static uint64_t hash_bytes(const char *p, size_t n, uint64_t seed)
{
	uint64_t h = seed ^ (n * 0x9e3779b97f4a7c15ULL);
	uint64_t w;

	while (n >= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 29;
		p += 8;
		n -= 8;
	}

	w = 0;
	memcpy(&w, p, n);
	h = (h ^ w) * 0x9e3779b97f4a7c15ULL;

	return mix64(h);
}


static void htab_clear(struct htab *t)
{
	if (t->v)
		memset(t->v, 0, t->cap * sizeof(*t->v));
	t->n = 0;
}


static int htab_grow(struct htab *t, size_t want)
{
	size_t ncap = t->cap ? t->cap * 2 : 1024;
	struct seen *nv;

	while (ncap < want)
		ncap *= 2;

	nv = calloc(ncap, sizeof(*nv));
	if (!nv)
		return ENOMEM;

	for (size_t i = 0; i < t->cap; i++) {
		size_t j;

		if (!t->v[i].h)
			continue;
		j = t->v[i].h & (ncap - 1);
		while (nv[j].h)
			j = (j + 1) & (ncap - 1);
		nv[j] = t->v[i];
	}

	free(t->v);
	t->v = nv;
	t->cap = ncap;

	return 0;
}


/* The entry for h, inserted (flags 0) when new; NULL when out of memory */
static struct seen *htab_get(struct htab *t, uint64_t h, unsigned line,
			     bool *found)
{
	size_t j;

	if (!h)
		h = 1;

	if ((t->n + 1) * 2 > t->cap && htab_grow(t, 0))
		return NULL;

	j = h & (t->cap - 1);
	while (t->v[j].h) {
		if (t->v[j].h == h) {
			*found = true;
			return &t->v[j];
		}
		j = (j + 1) & (t->cap - 1);
	}

	*found = false;
	t->v[j].h = h;
	t->v[j].line = line;
	t->v[j].flags = 0;
	++t->n;

	return &t->v[j];
}


/* Empties the set and makes room for want series at half load; the size
 * is known before the parse (one series a line at most), so the set never
 * grows during it */
static int sset_reset(struct sset *t, size_t want)
{
	size_t ncap = 1024;

	while (ncap < want * 2)
		ncap *= 2;

	if (ncap > t->cap) {
		uint64_t *nv = calloc(ncap, sizeof(*nv));

		if (!nv)
			return ENOMEM;
		free(t->v);
		t->v = nv;
		t->cap = ncap;
	}
	else if (t->n) {
		memset(t->v, 0, t->cap * sizeof(*t->v));
	}
	t->n = 0;

	return 0;
}


/* 0 when h is new (and now in), else the line it was first on (or
 * UINT32_MAX when that line is not known). The slot comes from the low
 * bits of h and the fingerprint from the top 40, so a false match needs
 * about 60 equal bits. */
static int64_t sset_add(struct sset *t, uint64_t h, unsigned line)
{
	uint64_t fp = (h >> SSET_LINE_BITS) | 1, e;
	size_t j;

	if ((t->n + 1) * 2 > t->cap)
		return 0;   /* cannot happen: sized for every line */

	j = h & (t->cap - 1);
	while ((e = t->v[j])) {
		if (e >> SSET_LINE_BITS == fp) {
			uint64_t l = e & SSET_LINE_MASK;

			return l ? (int64_t)l : (int64_t)UINT32_MAX;
		}
		j = (j + 1) & (t->cap - 1);
	}

	t->v[j] = fp << SSET_LINE_BITS |
		(line <= SSET_LINE_MASK ? line : 0);
	++t->n;

	return 0;
}


static void destructor(void *arg)
{
	struct calls_prom *p = arg;

	free(p->fams.v);
	free(p->series.v);
}


int calls_prom_alloc(struct calls_prom **pp, calls_prom_sample_h *sampleh,
		     calls_prom_error_h *errh, void *arg)
{
	struct calls_prom *p;

	if (!pp)
		return EINVAL;

	p = mem_zalloc(sizeof(*p), destructor);
	if (!p)
		return ENOMEM;

	p->sampleh = sampleh;
	p->errh = errh;
	p->arg = arg;
	p->dupcheck = true;
	cclass_init();

	*pp = p;

	return 0;
}


void calls_prom_set_dupcheck(struct calls_prom *p, bool on)
{
	if (p)
		p->dupcheck = on;
}


static void bad(struct calls_prom *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void bad(struct calls_prom *p, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	++p->st->errors;
	if (!p->errh)
		return;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	p->errh(p->line, msg, p->arg);
}


/* At most 64 characters of a name, for messages */
#define SHOWN(s) (int)((s).l > 64 ? 64 : (s).l), (s).p


static inline const char *skip_blank(const char *s, const char *e)
{
	while (s < e && (*s == ' ' || *s == '\t'))
		++s;
	return s;
}


static inline const char *scan_name(const char *s, const char *e)
{
	if (s >= e || !(cclass[(uint8_t)*s] & 1))
		return s;
	for (++s; s < e && (cclass[(uint8_t)*s] & 2); ++s)
		;
	return s;
}


static inline const char *scan_label_name(const char *s, const char *e)
{
	if (s >= e || !(cclass[(uint8_t)*s] & 4))
		return s;
	for (++s; s < e && (cclass[(uint8_t)*s] & 8); ++s)
		;
	return s;
}


bool calls_prom_name_valid(const char *s, size_t len)
{
	cclass_init();
	return s && len && scan_name(s, s + len) == s + len;
}


bool calls_prom_label_name_valid(const char *s, size_t len)
{
	cclass_init();
	return s && len && scan_label_name(s, s + len) == s + len;
}


static inline bool streq(const struct calls_prom_str *a, const char *p,
			 size_t l)
{
	return a->l == l && !memcmp(a->p, p, l);
}


/* Values: plain decimals up to 15 digits are read exactly by hand (the
 * common case, and much faster than strtod); the rest go to strtod */
int calls_prom_value_parse(double *vp, const char *s, size_t len)
{
	const char *q = s, *e = s + len;
	uint64_t m = 0;
	int nd = 0, frac = 0;
	bool neg = false, dot = false;
	char tmp[72], *end;
	double v;

	if (!vp || !s || !len)
		return EINVAL;

	if (*q == '-' || *q == '+')
		neg = *q++ == '-';

	for (; q < e; q++) {
		char c = *q;

		if (c >= '0' && c <= '9') {
			if (nd >= 15)
				goto slow;
			m = m * 10 + (uint64_t)(c - '0');
			++nd;
			if (dot)
				++frac;
		}
		else if (c == '.' && !dot)
			dot = true;
		else
			goto slow;
	}

	if (!nd)
		goto slow;

	v = (double)m;
	if (frac)
		v /= pow10tab[frac];
	*vp = neg ? -v : v;

	return 0;

 slow:
	if (len >= sizeof(tmp))
		return EINVAL;

	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		/* strtod takes "nan(...)", blanks, digit separators and
		 * hexadecimal, which Prometheus' own parser does not */
		if (c == '(' || c == ' ' || c == '\t' || c == '_' ||
		    c == '\n' || c == '\0' || c == 'x' || c == 'X')
			return EINVAL;
		tmp[i] = c;
	}
	tmp[len] = '\0';

	errno = 0;
	v = strtod(tmp, &end);
	if (end != tmp + len || (errno == ERANGE && isinf(v)))
		return EINVAL;

	*vp = v;

	return 0;
}


static int ts_parse(struct calls_prom *p, int64_t *tsp, const char *s,
		    size_t len)
{
	const char *q = s, *e = s + len;
	bool neg = false;
	int64_t v = 0;
	double d;

	if (p->fmt == CALLS_PROM_FMT_OPENMETRICS) {
		/* seconds, maybe fractional */
		if (calls_prom_value_parse(&d, s, len) || !isfinite(d) ||
		    fabs(d) > 9.2e15)
			return EINVAL;
		*tsp = (int64_t)llround(d * 1000.0);
		return 0;
	}

	/* milliseconds, an integer */
	if (q < e && (*q == '-' || *q == '+'))
		neg = *q++ == '-';
	if (q == e || e - q > 18)
		return EINVAL;
	for (; q < e; q++) {
		if (*q < '0' || *q > '9')
			return EINVAL;
		v = v * 10 + (*q - '0');
	}

	*tsp = neg ? -v : v;

	return 0;
}


static const char *const type_names[] = {
	[CALLS_PROM_UNTYPED]        = "untyped",
	[CALLS_PROM_COUNTER]        = "counter",
	[CALLS_PROM_GAUGE]          = "gauge",
	[CALLS_PROM_HISTOGRAM]      = "histogram",
	[CALLS_PROM_SUMMARY]        = "summary",
	[CALLS_PROM_GAUGEHISTOGRAM] = "gaugehistogram",
	[CALLS_PROM_INFO]           = "info",
	[CALLS_PROM_STATESET]       = "stateset",
};


const char *calls_prom_type_name(enum calls_prom_type type)
{
	if ((unsigned)type >= ARRAY_SIZE(type_names))
		return "untyped";

	return type_names[type];
}


int calls_prom_type_parse(enum calls_prom_type *typep, const char *s,
			  size_t len)
{
	if (!typep || !s)
		return EINVAL;

	for (size_t i = 0; i < ARRAY_SIZE(type_names); i++) {
		if (strlen(type_names[i]) == len &&
		    !memcmp(type_names[i], s, len)) {
			*typep = (enum calls_prom_type)i;
			return 0;
		}
	}

	if (len == 7 && !memcmp(s, "unknown", 7)) {
		*typep = CALLS_PROM_UNTYPED;
		return 0;
	}

	return EINVAL;
}


static const struct {
	const char *s;
	size_t l;
} sfx_names[] = {
	[CALLS_PROM_SFX_NONE]    = {"", 0},
	[CALLS_PROM_SFX_BUCKET]  = {"_bucket", 7},
	[CALLS_PROM_SFX_SUM]     = {"_sum", 4},
	[CALLS_PROM_SFX_COUNT]   = {"_count", 6},
	[CALLS_PROM_SFX_TOTAL]   = {"_total", 6},
	[CALLS_PROM_SFX_CREATED] = {"_created", 8},
	[CALLS_PROM_SFX_GSUM]    = {"_gsum", 5},
	[CALLS_PROM_SFX_GCOUNT]  = {"_gcount", 7},
	[CALLS_PROM_SFX_INFO]    = {"_info", 5},
};


const char *calls_prom_suffix_name(enum calls_prom_suffix sfx)
{
	if ((unsigned)sfx >= ARRAY_SIZE(sfx_names))
		return "";

	return sfx_names[sfx].s;
}


/* The suffixes each type allows, NONE-terminated after the first */
static bool sfx_allowed(enum calls_prom_type t, enum calls_prom_suffix x)
{
	switch (t) {

	case CALLS_PROM_COUNTER:
		return x == CALLS_PROM_SFX_TOTAL ||
			x == CALLS_PROM_SFX_CREATED;
	case CALLS_PROM_HISTOGRAM:
		return x == CALLS_PROM_SFX_BUCKET || x == CALLS_PROM_SFX_SUM ||
			x == CALLS_PROM_SFX_COUNT ||
			x == CALLS_PROM_SFX_CREATED;
	case CALLS_PROM_GAUGEHISTOGRAM:
		return x == CALLS_PROM_SFX_BUCKET ||
			x == CALLS_PROM_SFX_GSUM ||
			x == CALLS_PROM_SFX_GCOUNT;
	case CALLS_PROM_SUMMARY:
		return x == CALLS_PROM_SFX_SUM || x == CALLS_PROM_SFX_COUNT ||
			x == CALLS_PROM_SFX_CREATED;
	case CALLS_PROM_INFO:
		return x == CALLS_PROM_SFX_INFO;
	default:
		return false;
	}
}


/* Does sample name n belong to the current family? Sets *sfxp. */
static bool fam_match(const struct calls_prom_family *f,
		      const struct calls_prom_str *n,
		      enum calls_prom_suffix *sfxp)
{
	const struct calls_prom_str *fn = &f->name;

	if (n->l < fn->l || memcmp(n->p, fn->p, fn->l))
		return false;

	if (n->l == fn->l) {
		*sfxp = CALLS_PROM_SFX_NONE;
		return true;
	}

	for (size_t i = 1; i < ARRAY_SIZE(sfx_names); i++) {
		if (n->l - fn->l == sfx_names[i].l &&
		    !memcmp(n->p + fn->l, sfx_names[i].s, sfx_names[i].l) &&
		    sfx_allowed(f->type, (enum calls_prom_suffix)i)) {
			*sfxp = (enum calls_prom_suffix)i;
			return true;
		}
	}

	return false;
}


/* Unescapes [s, e) in place; returns the new end, NULL on a bad escape.
 * quote: whether \" is allowed (label values; OpenMetrics HELP). */
static char *unescape(char *s, char *e, bool quote)
{
	char *w = s;

	for (char *r = s; r < e; r++) {
		if (*r != '\\') {
			*w++ = *r;
			continue;
		}
		if (++r == e)
			return NULL;
		switch (*r) {

		case '\\': *w++ = '\\'; break;
		case 'n':  *w++ = '\n'; break;
		case '"':
			if (!quote)
				return NULL;
			*w++ = '"';
			break;
		default:
			return NULL;
		}
	}

	return w;
}


static struct seen *fam_seen(struct calls_prom *p, const char *name,
			     size_t len, bool *found)
{
	struct seen *ent;

	ent = htab_get(&p->fams, hash_bytes(name, len, 7), p->line, found);
	if (!ent)
		p->nomem = true;

	return ent;
}


static const char *const kname[] = {"", "HELP", "TYPE", "", "UNIT"};


/* The argument of a metadata line: HELP text unescaped, TYPE and UNIT
 * checked; false (reported) when bad */
static bool meta_arg(struct calls_prom *p, unsigned kind,
		     const struct calls_prom_str *name, char *s, char *e,
		     struct calls_prom_str *arg, enum calls_prom_type *typep)
{
	arg->p = s;
	arg->l = (size_t)(e - s);

	if (kind == F_HELP) {
		char *we = unescape(s, e, true);

		if (!we) {
			bad(p, "# HELP %.*s: invalid escape sequence",
			    SHOWN(*name));
			return false;
		}
		arg->l = (size_t)(we - s);
		return true;
	}

	while (arg->l && (arg->p[arg->l - 1] == ' ' ||
			  arg->p[arg->l - 1] == '\t'))
		--arg->l;

	if (kind == F_TYPE && calls_prom_type_parse(typep, arg->p, arg->l)) {
		bad(p, "# TYPE %.*s: unknown type '%.*s'", SHOWN(*name),
		    SHOWN(*arg));
		return false;
	}
	if (kind == F_UNIT && arg->l &&
	    !calls_prom_label_name_valid(arg->p, arg->l)) {
		bad(p, "# UNIT %.*s: invalid unit", SHOWN(*name));
		return false;
	}

	return true;
}


/* Metadata for a family must come in one block, before its samples, once
 * of each kind; returns its entry, or NULL (reported) */
static struct seen *meta_family(struct calls_prom *p, unsigned kind,
				const struct calls_prom_str *name)
{
	bool found, current;
	struct seen *ent;

	current = p->fam_open && streq(&p->fam.name, name->p, name->l);
	ent = fam_seen(p, name->p, name->l, &found);
	if (!ent)
		return NULL;

	if (found && (ent->flags & kind)) {
		bad(p, "duplicate # %s for %.*s (first on line %u)",
		    kname[kind], SHOWN(*name), ent->line);
		return NULL;
	}
	if (found && (ent->flags & F_SAMPLES)) {
		bad(p, "# %s for %.*s after its samples", kname[kind],
		    SHOWN(*name));
		return NULL;
	}
	if (found && !current) {
		bad(p, "# %s for %.*s: its metadata is not in one block"
		    " (first on line %u)", kname[kind], SHOWN(*name),
		    ent->line);
		return NULL;
	}

	if (!current) {
		memset(&p->fam, 0, sizeof(p->fam));
		p->fam.name = *name;
		p->famh = ent->h;
		p->fam_open = true;
		p->fam_marked = false;
	}

	return ent;
}


/* # HELP / # TYPE / # UNIT name ... */
static void parse_meta(struct calls_prom *p, char *s, char *e,
		       unsigned kind)
{
	enum calls_prom_type type = CALLS_PROM_UNTYPED;
	struct calls_prom_str name, arg;
	struct seen *ent;
	char *ne;

	s = (char *)skip_blank(s, e);
	name.p = s;
	ne = (char *)scan_name(s, e);
	name.l = (size_t)(ne - s);
	if (!name.l || (ne < e && *ne != ' ' && *ne != '\t')) {
		bad(p, "# %s: invalid metric name", kname[kind]);
		return;
	}

	if (!meta_arg(p, kind, &name, (char *)skip_blank(ne, e), e, &arg,
		      &type))
		return;

	ent = meta_family(p, kind, &name);
	if (!ent)
		return;

	ent->flags |= kind;
	switch (kind) {

	case F_HELP:
		p->fam.help = arg;
		break;

	case F_TYPE:
		p->fam.type = type;
		p->fam.typed = true;
		ent->flags |= (uint32_t)type << F_TSHIFT;
		break;

	case F_UNIT:
		p->fam.unit = arg;
		break;
	}
}


static void parse_comment(struct calls_prom *p, char *s, char *e)
{
	const char *t, *te;

	t = skip_blank(s + 1, e);
	te = t;
	while (te < e && *te != ' ' && *te != '\t')
		++te;

	if (te - t == 3 && !memcmp(t, "EOF", 3) && skip_blank(te, e) == e) {
		p->eof = true;
		return;
	}

	/* "# HELP" needs its blank; "#HELP" is a plain comment */
	if (t == s + 1 || te == e)
		return;

	if (te - t == 4 && !memcmp(t, "HELP", 4))
		parse_meta(p, (char *)te, e, F_HELP);
	else if (te - t == 4 && !memcmp(t, "TYPE", 4))
		parse_meta(p, (char *)te, e, F_TYPE);
	else if (te - t == 4 && !memcmp(t, "UNIT", 4))
		parse_meta(p, (char *)te, e, F_UNIT);
}


/* name="value" into p->labelv[n]; returns the end (after the closing
 * quote), or NULL (reported) */
static char *parse_label(struct calls_prom *p, char *s, char *e, size_t n)
{
	struct calls_prom_label *l = &p->labelv[n];
	char *ne, *v, *w;

	ne = (char *)scan_label_name(s, e);
	if (ne == s) {
		bad(p, "invalid label name");
		return NULL;
	}

	l->name.p = s;
	l->name.l = (size_t)(ne - s);

	for (size_t i = 0; i < n; i++) {
		if (streq(&p->labelv[i].name, s, l->name.l)) {
			bad(p, "duplicate label '%.*s'", SHOWN(l->name));
			return NULL;
		}
	}

	s = (char *)skip_blank(ne, e);
	if (s == e || *s != '=') {
		bad(p, "expected '=' after label '%.*s'", SHOWN(l->name));
		return NULL;
	}
	s = (char *)skip_blank(s + 1, e);
	if (s == e || *s != '"') {
		bad(p, "expected '\"' for label '%.*s'", SHOWN(l->name));
		return NULL;
	}

	/* the closing quote is the first one not escaped */
	v = ++s;
	while (s < e && *s != '"') {
		if (*s == '\\' && s + 1 < e)
			++s;
		++s;
	}
	if (s == e) {
		bad(p, "unterminated value of label '%.*s'", SHOWN(l->name));
		return NULL;
	}

	w = memchr(v, '\\', (size_t)(s - v)) ? unescape(v, s, true) : s;
	if (!w) {
		bad(p, "invalid escape in label '%.*s'", SHOWN(l->name));
		return NULL;
	}
	l->value.p = v;
	l->value.l = (size_t)(w - v);

	return s + 1;
}


/* {name="value",...}; s is just after '{'. Returns the end or NULL. */
static char *parse_labels(struct calls_prom *p, char *s, char *e,
			  size_t *labelcp)
{
	size_t n = 0;

	for (;;) {
		s = (char *)skip_blank(s, e);
		if (s < e && *s == '}')
			break;

		if (n == CALLS_PROM_MAX_LABELS) {
			bad(p, "more than %d labels", CALLS_PROM_MAX_LABELS);
			return NULL;
		}

		s = parse_label(p, s, e, n);
		if (!s)
			return NULL;
		++n;

		s = (char *)skip_blank(s, e);
		if (s < e && *s == ',') {
			++s;
			continue;
		}
		if (s < e && *s == '}')
			break;

		bad(p, "expected ',' or '}' after label '%.*s'",
		    SHOWN(p->labelv[n - 1].name));
		return NULL;
	}

	*labelcp = n;

	return s + 1;
}


static const struct calls_prom_label *label_find(const struct calls_prom *p,
						 size_t n, const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < n; i++)
		if (streq(&p->labelv[i].name, name, len))
			return &p->labelv[i];

	return NULL;
}


static uint64_t series_hash(const struct calls_prom_sample *smp)
{
	uint64_t h = hash_bytes(smp->name.p, smp->name.l, 1), lh = 0;

	/* order of labels does not matter: sum of per-label hashes */
	for (size_t i = 0; i < smp->labelc; i++) {
		const struct calls_prom_label *l = &smp->labelv[i];

		lh += mix64(hash_bytes(l->name.p, l->name.l, 2) ^
			    (hash_bytes(l->value.p, l->value.l, 3) << 1));
	}

	return mix64(h ^ lh);
}


/* Which family the sample is in: the current one, or one of its own */
static void sample_family(struct calls_prom *p,
			  struct calls_prom_sample *smp)
{
	struct seen *ent;
	bool found;

	if (p->fam_open && fam_match(&p->fam, &smp->name, &smp->suffix))
		return;

	memset(&p->fam, 0, sizeof(p->fam));
	p->fam.name = smp->name;
	p->fam_open = true;
	p->fam_marked = false;
	smp->suffix = CALLS_PROM_SFX_NONE;

	ent = fam_seen(p, smp->name.p, smp->name.l, &found);
	if (!ent)
		return;

	p->famh = ent->h;
	if (found && (ent->flags & F_TYPE)) {
		/* a typed family seen earlier, continued after another */
		p->fam.type = (enum calls_prom_type)(ent->flags >> F_TSHIFT);
		p->fam.typed = true;
	}
}


/* Histogram and summary samples carry an le or quantile label */
static bool sample_labels_ok(struct calls_prom *p,
			     const struct calls_prom_sample *smp)
{
	const struct calls_prom_label *l = NULL;
	const char *lname = NULL;
	double v;

	switch (p->fam.type) {

	case CALLS_PROM_HISTOGRAM:
	case CALLS_PROM_GAUGEHISTOGRAM:
		if (smp->suffix == CALLS_PROM_SFX_NONE) {
			bad(p, "%.*s: a histogram sample needs a _bucket, "
			    "_sum or _count suffix", SHOWN(smp->name));
			return false;
		}
		if (smp->suffix == CALLS_PROM_SFX_BUCKET)
			lname = "le";
		break;

	case CALLS_PROM_SUMMARY:
		if (smp->suffix == CALLS_PROM_SFX_NONE)
			lname = "quantile";
		break;

	default:
		return true;
	}

	if (!lname)
		return true;

	l = label_find(p, smp->labelc, lname);
	if (!l) {
		bad(p, "%.*s: missing label '%s'", SHOWN(smp->name), lname);
		return false;
	}
	if (calls_prom_value_parse(&v, l->value.p, l->value.l) ||
	    isnan(v)) {
		bad(p, "%.*s: label %s=\"%.*s\" is not a number",
		    SHOWN(smp->name), lname, SHOWN(l->value));
		return false;
	}

	return true;
}


/* Skips an OpenMetrics exemplar: # {labels} value [timestamp] */
static bool exemplar_ok(const char *s, const char *e)
{
	const char *c;

	s = skip_blank(s + 1, e);
	if (s == e || *s != '{')
		return false;
	c = memchr(s, '}', (size_t)(e - s));
	if (!c)
		return false;
	s = skip_blank(c + 1, e);

	return s < e;
}


/* The syntax of a sample line into smp; false (reported) when bad */
static bool sample_syntax(struct calls_prom *p, char *s, char *e,
			  struct calls_prom_sample *smp)
{
	char *t, *te;

	te = (char *)scan_name(s, e);
	if (te == s) {
		bad(p, "invalid metric name");
		return false;
	}
	smp->name.p = s;
	smp->name.l = (size_t)(te - s);

	s = (char *)skip_blank(te, e);
	if (s < e && *s == '{') {
		s = parse_labels(p, s + 1, e, &smp->labelc);
		if (!s)
			return false;
		s = (char *)skip_blank(s, e);
	}
	else if (s == te && s < e) {
		bad(p, "%.*s: invalid character '%c' in metric name",
		    SHOWN(smp->name), *s);
		return false;
	}

	t = s;
	while (s < e && *s != ' ' && *s != '\t')
		++s;
	if (s == t) {
		bad(p, "%.*s: missing value", SHOWN(smp->name));
		return false;
	}
	if (calls_prom_value_parse(&smp->value, t, (size_t)(s - t))) {
		bad(p, "%.*s: invalid value '%.*s'", SHOWN(smp->name),
		    (int)((s - t) > 32 ? 32 : (s - t)), t);
		return false;
	}

	s = (char *)skip_blank(s, e);
	if (s < e && *s != '#') {
		t = s;
		while (s < e && *s != ' ' && *s != '\t')
			++s;
		if (ts_parse(p, &smp->ts_ms, t, (size_t)(s - t))) {
			bad(p, "%.*s: invalid timestamp '%.*s'",
			    SHOWN(smp->name),
			    (int)((s - t) > 32 ? 32 : (s - t)), t);
			return false;
		}
		smp->has_ts = true;
		s = (char *)skip_blank(s, e);
	}
	if (s < e && (*s != '#' || !exemplar_ok(s, e))) {
		bad(p, "%.*s: unexpected text after the value",
		    SHOWN(smp->name));
		return false;
	}

	return true;
}


/* 0 for a series not seen before, else reported; ENOMEM */
static int sample_dup(struct calls_prom *p,
		      const struct calls_prom_sample *smp, uint64_t h)
{
	int64_t first = sset_add(&p->series, h, p->line);

	if (first < 0)
		return ENOMEM;
	if (first == UINT32_MAX) {
		bad(p, "%.*s: duplicate series", SHOWN(smp->name));
		return EALREADY;
	}
	if (first) {
		bad(p, "%.*s: duplicate series (first on line %u)",
		    SHOWN(smp->name), (unsigned)first);
		return EALREADY;
	}

	return 0;
}


static int parse_sample(struct calls_prom *p, char *s, char *e)
{
	struct calls_prom_sample smp;
	uint64_t smp_h = 0;
	int err;

	memset(&smp, 0, sizeof(smp));
	smp.line = p->line;
	smp.labelv = p->labelv;

	if (!sample_syntax(p, s, e, &smp))
		return 0;

	/* the set is touched at random: ask for the slot early */
	if (p->dupcheck) {
		smp_h = series_hash(&smp);
		__builtin_prefetch(&p->series.v[smp_h &
						(p->series.cap - 1)]);
	}

	sample_family(p, &smp);
	if (p->nomem)
		return ENOMEM;
	smp.fam = &p->fam;

	if (!sample_labels_ok(p, &smp))
		return 0;

	if (p->dupcheck) {
		err = sample_dup(p, &smp, smp_h);
		if (err)
			return err == EALREADY ? 0 : err;
	}

	if (!p->fam_marked) {
		bool found;
		struct seen *ent = fam_seen(p, p->fam.name.p, p->fam.name.l,
					    &found);
		if (!ent)
			return ENOMEM;
		ent->flags |= F_SAMPLES;
		p->fam_marked = true;
	}

	++p->st->samples;

	return p->sampleh ? p->sampleh(&smp, p->arg) : 0;
}


enum calls_prom_fmt calls_prom_fmt_from_ctype(const char *ctype)
{
	if (ctype && !strncasecmp(ctype, "application/openmetrics-text",
				  28))
		return CALLS_PROM_FMT_OPENMETRICS;

	return ctype ? CALLS_PROM_FMT_TEXT : CALLS_PROM_FMT_AUTO;
}


static enum calls_prom_fmt sniff(const char *buf, size_t len)
{
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r' ||
		       buf[len - 1] == ' '))
		--len;

	if (len >= 5 && !memcmp(buf + len - 5, "# EOF", 5) &&
	    (len == 5 || buf[len - 6] == '\n'))
		return CALLS_PROM_FMT_OPENMETRICS;

	return CALLS_PROM_FMT_TEXT;
}


/* Sizes the series set for the whole text at once (a series a line at
 * most): growing it step by step costs more than the parse */
static int series_presize(struct calls_prom *p, const char *buf, size_t len)
{
	size_t lines = 1;

	for (const char *q = buf, *e = buf + len;
	     (q = memchr(q, '\n', (size_t)(e - q))); q++)
		++lines;

	return sset_reset(&p->series, lines);
}


int calls_prom_parse(struct calls_prom *p, char *buf, size_t len,
		     enum calls_prom_fmt fmt, struct calls_prom_stats *st)
{
	struct calls_prom_stats lst;
	char *s, *end;
	int err = 0;

	if (!p || (!buf && len))
		return EINVAL;

	if (!st)
		st = &lst;
	memset(st, 0, sizeof(*st));

	if (fmt == CALLS_PROM_FMT_AUTO)
		fmt = sniff(buf, len);

	p->st = st;
	p->fmt = fmt;
	p->line = 0;
	p->eof = false;
	p->after_eof = false;
	p->nomem = false;
	p->fam_open = false;
	memset(&p->fam, 0, sizeof(p->fam));
	htab_clear(&p->fams);
	st->fmt = fmt;

	if (p->dupcheck && series_presize(p, buf, len))
		return ENOMEM;

	s = buf;
	end = buf + len;
	while (s < end && !err) {
		char *nl = memchr(s, '\n', (size_t)(end - s));
		char *e = nl ? nl : end;

		++p->line;
		*e = '\0';
		if (e > s && e[-1] == '\r')
			*--e = '\0';

		if (p->eof) {
			if (e > s && !p->after_eof) {
				bad(p, "text after # EOF (ignored)");
				p->after_eof = true;
			}
		}
		else if (s == e)
			;
		else if (*s == '#')
			parse_comment(p, s, e);
		else if (*s == ' ' || *s == '\t') {
			if (skip_blank(s, e) != e)
				bad(p, "line starts with a blank");
		}
		else
			err = parse_sample(p, s, e);

		if (p->nomem)
			err = ENOMEM;

		s = (nl ? nl : end) + 1;
	}

	st->lines = p->line;
	if (!err && fmt == CALLS_PROM_FMT_OPENMETRICS && !p->eof) {
		bad(p, "OpenMetrics text does not end with # EOF");
	}

	return err;
}


void calls_prom_value_fmt(char *buf, size_t sz, double v)
{
	if (isnan(v)) {
		snprintf(buf, sz, "NaN");
		return;
	}
	if (isinf(v)) {
		snprintf(buf, sz, v > 0 ? "+Inf" : "-Inf");
		return;
	}

	/* shortest form that reads back the same */
	for (int prec = 6; prec <= 17; prec++) {
		snprintf(buf, sz, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
}


static int escape(struct re_printf *pf, const struct calls_prom_str *s,
		  bool quote)
{
	size_t run = 0;
	int err = 0;

	if (!s || !s->p)
		return 0;

	for (size_t i = 0; i < s->l && !err; i++) {
		const char *esc = NULL;

		switch (s->p[i]) {

		case '\\': esc = "\\\\"; break;
		case '\n': esc = "\\n"; break;
		case '"':  esc = quote ? "\\\"" : NULL; break;
		default: break;
		}

		if (!esc) {
			++run;
			continue;
		}

		err |= pf->vph(s->p + i - run, run, pf->arg);
		err |= pf->vph(esc, 2, pf->arg);
		run = 0;
	}

	if (run && !err)
		err = pf->vph(s->p + s->l - run, run, pf->arg);

	return err;
}


int calls_prom_escape_label(struct re_printf *pf,
			    const struct calls_prom_str *s)
{
	return escape(pf, s, true);
}


int calls_prom_escape_help(struct re_printf *pf,
			   const struct calls_prom_str *s)
{
	return escape(pf, s, false);
}
