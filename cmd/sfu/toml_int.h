/**
 * @file toml_int.h  calls-sfu TOML parser: what toml.c and toml_lex.c share
 *
 * toml_lex.c reads the tokens (whitespace, comments, strings, keys,
 * scalars); toml.c builds the tree (tables, arrays, the table rules).
 */
#ifndef SFU_TOML_INT_H
#define SFU_TOML_INT_H

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
	struct hash *idx;         /* members by key, once there are many */
	struct le he;             /* in the parent table's idx          */
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

enum { MAX_KEY_PARTS = 16 };

struct keypath {
	char *partv[MAX_KEY_PARTS];
	size_t lenv[MAX_KEY_PARTS];
	size_t n;
};


static inline bool tl_at_end(const struct parser *ps)
{
	return ps->p >= ps->end;
}


static inline int tl_peek(const struct parser *ps)
{
	return tl_at_end(ps) ? -1 : (unsigned char)*ps->p;
}


static inline bool tl_looking_at(const struct parser *ps, const char *s)
{
	size_t n = strlen(s);

	return (size_t)(ps->end - ps->p) >= n && !memcmp(ps->p, s, n);
}

/* toml.c */
int  tl_err(struct parser *ps, const char *fmt, ...);
struct toml_val *tl_val_new(struct parser *ps, enum toml_type type);

/* toml_lex.c */
void tl_skip_ws(struct parser *ps);
bool tl_eat_newline(struct parser *ps);
int  tl_skip_ws_nl(struct parser *ps);
int  tl_end_of_line(struct parser *ps);
int  tl_utf8_check(struct parser *ps, const unsigned char *s, size_t n);
int  tl_string(struct parser *ps, bool multiline, char **strp, size_t *lenp);
int  tl_key(struct parser *ps, struct keypath *kp);
void tl_keypath_reset(struct keypath *kp);
int  tl_scalar(struct parser *ps, struct toml_val **vp);

#endif
