/**
 * @file config.c  calls-sfu configuration: rtcd's keys, env and defaults
 *
 * One table (keyv) names every key once: its TOML path, its RTCD_* env
 * name (from rtcd's Go field names, as envconfig builds them), its type
 * and where it lives in struct sfu_config. The file, the environment and
 * sfu_config_set() all go through it, so a key cannot be known to one
 * source and not another.
 *
 * Strings from the environment and flags are parsed like Go's strconv:
 * booleans as ParseBool (1 t T TRUE true True, 0 f F FALSE false False),
 * integers as ParseInt(s, 0, 64) (sign, 0x/0o/0b/0 prefixes,
 * underscores between digits). An empty variable is an empty string,
 * and an error for a number or boolean, as envconfig does.
 */
#include <stddef.h>
#include <string.h>
#include <strings.h>
#include <stdlib.h>
#include <unistd.h>
#include <sched.h>
#include <sys/stat.h>
#include "re_inc.h"
#include "json.h"
#define LOG_MODULE "config"
#include "log.h"
#include "config.h"
#include "toml.h"
#include "config_int.h"

extern char **environ;

enum ktype {
	KT_STR,
	KT_BOOL,
	KT_U16,
	KT_U32,
	KT_PORTOVR,      /* TOML integer or string, kept as a string */
	KT_ICESERVERS,
};

struct key {
	const char *name;
	const char *env;
	enum ktype type;
	size_t off;
	bool secret;
};

#define OFF(f) offsetof(struct sfu_config, f)

static const struct key keyv[] = {
	{"api.http.listen_address", "RTCD_API_HTTP_LISTENADDRESS",
	 KT_STR, OFF(http.listen_address), false},
	{"api.http.tls.enable", "RTCD_API_HTTP_TLS_ENABLE",
	 KT_BOOL, OFF(http.tls_enable), false},
	{"api.http.tls.cert_file", "RTCD_API_HTTP_TLS_CERTFILE",
	 KT_STR, OFF(http.tls_cert_file), false},
	{"api.http.tls.cert_key", "RTCD_API_HTTP_TLS_CERTKEY",
	 KT_STR, OFF(http.tls_cert_key), false},
	{"api.security.allow_self_registration",
	 "RTCD_API_SECURITY_ALLOWSELFREGISTRATION",
	 KT_BOOL, OFF(security.allow_self_registration), false},
	{"api.security.enable_admin", "RTCD_API_SECURITY_ENABLEADMIN",
	 KT_BOOL, OFF(security.enable_admin), false},
	{"api.security.admin_secret_key", "RTCD_API_SECURITY_ADMINSECRETKEY",
	 KT_STR, OFF(security.admin_secret_key), true},
	{"api.security.session_cache.expiration_minutes",
	 "RTCD_API_SECURITY_SESSIONCACHE_EXPIRATIONMINUTES",
	 KT_U32, OFF(security.session_cache_expiration_minutes), false},
	{"rtc.ice_address_udp", "RTCD_RTC_ICEADDRESSUDP",
	 KT_STR, OFF(rtc.ice_address_udp), false},
	{"rtc.ice_address_tcp", "RTCD_RTC_ICEADDRESSTCP",
	 KT_STR, OFF(rtc.ice_address_tcp), false},
	{"rtc.ice_port_udp", "RTCD_RTC_ICEPORTUDP",
	 KT_U16, OFF(rtc.ice_port_udp), false},
	{"rtc.ice_port_tcp", "RTCD_RTC_ICEPORTTCP",
	 KT_U16, OFF(rtc.ice_port_tcp), false},
	{"rtc.ice_host_override", "RTCD_RTC_ICEHOSTOVERRIDE",
	 KT_STR, OFF(rtc.ice_host_override), false},
	{"rtc.ice_host_port_override", "RTCD_RTC_ICEHOSTPORTOVERRIDE",
	 KT_PORTOVR, OFF(rtc.ice_host_port_override), false},
	{"rtc.ice_servers", "RTCD_RTC_ICESERVERS",
	 KT_ICESERVERS, OFF(rtc.ice_servers), false},
	{"rtc.turn.static_auth_secret",
	 "RTCD_RTC_TURNCONFIG_STATICAUTHSECRET",
	 KT_STR, OFF(rtc.turn_static_auth_secret), true},
	{"rtc.turn.credentials_expiration_minutes",
	 "RTCD_RTC_TURNCONFIG_CREDENTIALSEXPIRATIONMINUTES",
	 KT_U32, OFF(rtc.turn_credentials_expiration_minutes), false},
	{"rtc.enable_ipv6", "RTCD_RTC_ENABLEIPV6",
	 KT_BOOL, OFF(rtc.enable_ipv6), false},
	{"rtc.udp_sockets_count", "RTCD_RTC_UDPSOCKETSCOUNT",
	 KT_U32, OFF(rtc.udp_sockets_count), false},
	{"rtc.nack_buffer_size", "RTCD_RTC_NACKBUFFERSIZE",
	 KT_U32, OFF(rtc.nack_buffer_size), false},
	{"rtc.nack_disable_copy", "RTCD_RTC_NACKDISABLECOPY",
	 KT_BOOL, OFF(rtc.nack_disable_copy), false},
	{"store.data_source", "RTCD_STORE_DATASOURCE",
	 KT_STR, OFF(store.data_source), false},
	{"logger.enable_console", "RTCD_LOGGER_ENABLECONSOLE",
	 KT_BOOL, OFF(logger.enable_console), false},
	{"logger.console_json", "RTCD_LOGGER_CONSOLEJSON",
	 KT_BOOL, OFF(logger.console_json), false},
	{"logger.console_level", "RTCD_LOGGER_CONSOLELEVEL",
	 KT_STR, OFF(logger.console_level), false},
	{"logger.enable_file", "RTCD_LOGGER_ENABLEFILE",
	 KT_BOOL, OFF(logger.enable_file), false},
	{"logger.file_json", "RTCD_LOGGER_FILEJSON",
	 KT_BOOL, OFF(logger.file_json), false},
	{"logger.file_level", "RTCD_LOGGER_FILELEVEL",
	 KT_STR, OFF(logger.file_level), false},
	{"logger.file_location", "RTCD_LOGGER_FILELOCATION",
	 KT_STR, OFF(logger.file_location), false},
	{"logger.enable_color", "RTCD_LOGGER_ENABLECOLOR",
	 KT_BOOL, OFF(logger.enable_color), false},
	{"calls.max_call_participants", "RTCD_CALLS_MAXCALLPARTICIPANTS",
	 KT_U32, OFF(calls.max_call_participants), false},
	{"calls.drain_timeout_seconds", "RTCD_CALLS_DRAINTIMEOUTSECONDS",
	 KT_U32, OFF(calls.drain_timeout_seconds), false},
};

static void *field(struct sfu_config *cfg, const struct key *k)
{
	return (uint8_t *)cfg + k->off;
}


static const void *cfield(const struct sfu_config *cfg, const struct key *k)
{
	return (const uint8_t *)cfg + k->off;
}


static const struct key *key_find(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keyv); i++) {
		if (!strcasecmp(keyv[i].name, name))
			return &keyv[i];
	}

	return NULL;
}


/* Is prefix ("api.http") a table that holds known keys? */
static bool table_known(const char *prefix)
{
	size_t n = strlen(prefix), i;

	for (i = 0; i < ARRAY_SIZE(keyv); i++) {
		if (!strncasecmp(keyv[i].name, prefix, n) &&
		    keyv[i].name[n] == '.')
			return true;
	}

	return false;
}


static void destructor(void *arg)
{
	struct sfu_config *cfg = arg;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keyv); i++) {
		if (keyv[i].type == KT_STR || keyv[i].type == KT_PORTOVR) {
			char **sp = field(cfg, &keyv[i]);

			*sp = mem_deref(*sp);
		}
	}

	cfg_servers_clear(cfg);
}


int cfg_str_set(char **sp, const char *s, size_t len)
{
	char *n;
	int err;

	err = re_sdprintf(&n, "%b", s, len);
	if (err)
		return err;

	mem_deref(*sp);
	*sp = n;

	return 0;
}


/* Go's runtime.NumCPU(): the CPUs this process may run on */
static unsigned num_cpu(void)
{
	cpu_set_t set;
	long n;

	if (!sched_getaffinity(0, sizeof(set), &set) && CPU_COUNT(&set) > 0)
		return (unsigned)CPU_COUNT(&set);

	n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (unsigned)n : 1;
}


int sfu_config_alloc(struct sfu_config **cfgp)
{
	struct sfu_config *cfg;
	int err = 0;

	if (!cfgp)
		return EINVAL;

	cfg = mem_zalloc(sizeof(*cfg), destructor);
	if (!cfg)
		return ENOMEM;

	/* rtcd's service/config.go SetDefaults() */
	err |= str_dup(&cfg->http.listen_address, ":8045");
	err |= str_dup(&cfg->http.tls_cert_file, "");
	err |= str_dup(&cfg->http.tls_cert_key, "");
	err |= str_dup(&cfg->security.admin_secret_key, "");
	cfg->security.session_cache_expiration_minutes = 1440;
	err |= str_dup(&cfg->rtc.ice_address_udp, "");
	err |= str_dup(&cfg->rtc.ice_address_tcp, "");
	cfg->rtc.ice_port_udp = 8443;
	cfg->rtc.ice_port_tcp = 8443;
	err |= str_dup(&cfg->rtc.ice_host_override, "");
	err |= str_dup(&cfg->rtc.ice_host_port_override, "");
	err |= str_dup(&cfg->rtc.turn_static_auth_secret, "");
	cfg->rtc.turn_credentials_expiration_minutes = 1440;
	cfg->rtc.udp_sockets_count = num_cpu() * 100;
	cfg->rtc.nack_buffer_size = 256;
	cfg->rtc.nack_disable_copy = true;
	err |= str_dup(&cfg->store.data_source, "/tmp/rtcd_db");
	cfg->logger.enable_console = true;
	cfg->logger.console_json = false;
	err |= str_dup(&cfg->logger.console_level, "INFO");
	cfg->logger.enable_file = true;
	cfg->logger.file_json = true;
	err |= str_dup(&cfg->logger.file_level, "DEBUG");
	err |= str_dup(&cfg->logger.file_location, "rtcd.log");

	if (err)
		mem_deref(cfg);
	else
		*cfgp = cfg;

	return err ? ENOMEM : 0;
}


/* ------------------------------------------------------------------ */
/* Go-style string parsing (envconfig, flags) */

static int go_parse_bool(bool *bp, const char *s)
{
	static const char *const t[] = {"1", "t", "T", "TRUE", "true",
					"True"};
	static const char *const f[] = {"0", "f", "F", "FALSE", "false",
					"False"};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		if (!strcmp(s, t[i])) {
			*bp = true;
			return 0;
		}
		if (!strcmp(s, f[i])) {
			*bp = false;
			return 0;
		}
	}

	return EINVAL;
}


static int digit_val(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;

	return 99;
}


/* strconv.ParseInt(s, 0, 64) */
static int go_parse_int(int64_t *ip, const char *s)
{
	bool neg = false, prefixed = false, last_us = false, any = false;
	uint64_t v = 0, lim;
	unsigned base = 10;

	if (*s == '+' || *s == '-') {
		neg = *s == '-';
		++s;
	}

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		prefixed = true;
	}
	else if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
		base = 2;
		s += 2;
		prefixed = true;
	}
	else if (s[0] == '0' && (s[1] == 'o' || s[1] == 'O')) {
		base = 8;
		s += 2;
		prefixed = true;
	}
	else if (s[0] == '0' && s[1]) {
		base = 8;
		++s;
		prefixed = true;
		any = true;   /* the 0 itself is a digit */
	}

	/* underscores only between digits, or after a prefix */
	last_us = false;
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; *s; s++) {
		unsigned d;

		if (*s == '_') {
			if (last_us || (!any && !prefixed))
				return EINVAL;
			last_us = true;
			continue;
		}
		d = (unsigned)digit_val((unsigned char)*s);
		if (d >= base)
			return EINVAL;
		if (v > (lim - d) / base)
			return ERANGE;
		v = v * base + d;
		any = true;
		last_us = false;
	}

	if (!any || last_us)
		return EINVAL;

	*ip = neg ? (v == (uint64_t)INT64_MAX + 1 ? INT64_MIN :
		     -(int64_t)v) : (int64_t)v;

	return 0;
}


static int int_store(struct sfu_config *cfg, const struct key *k,
		     int64_t v, char *errbuf, size_t errsz,
		     const char *where)
{
	int64_t max = k->type == KT_U16 ? UINT16_MAX : UINT32_MAX;

	if (v < 0 || v > max) {
		re_snprintf(errbuf, errsz, "%s%s: %lld is out of range "
			    "[0, %lld]", where, k->name, (long long)v,
			    (long long)max);
		return ERANGE;
	}

	if (k->type == KT_U16)
		*(uint16_t *)field(cfg, k) = (uint16_t)v;
	else
		*(uint32_t *)field(cfg, k) = (uint32_t)v;

	return 0;
}

int cfg_read_file(const char *path, char **bufp, size_t *lenp)
{
	struct mbuf *mb;
	FILE *f;
	uint8_t tmp[4096];
	size_t n;
	int err = 0;

	f = fopen(path, "re");
	if (!f)
		return errno;

	mb = mbuf_alloc(4096);
	if (!mb) {
		fclose(f);
		return ENOMEM;
	}

	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0) {
		if (mb->end + n > 16 * 1024 * 1024) {
			err = EFBIG;
			goto out;
		}
		err = mbuf_write_mem(mb, tmp, n);
		if (err)
			goto out;
	}
	if (ferror(f)) {
		err = EIO;
		goto out;
	}

	*lenp = mb->end;
	mb->pos = 0;
	err = mbuf_strdup(mb, bufp, mb->end);

 out:
	fclose(f);
	mem_deref(mb);
	return err;
}


int cfg_errf(char *errbuf, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	re_vsnprintf(errbuf, errsz, fmt, ap);
	va_end(ap);

	return EINVAL;
}


/* ------------------------------------------------------------------ */
/* Setting one key */

/* From a string (environment or flag); where prefixes errors */
static int set_str(struct sfu_config *cfg, const struct key *k,
		   const char *value, char *errbuf, size_t errsz,
		   const char *where)
{
	int64_t iv;
	bool bv;
	int err;

	switch (k->type) {

	case KT_STR:
	case KT_PORTOVR:
		return cfg_str_set(field(cfg, k), value, strlen(value));

	case KT_BOOL:
		if (go_parse_bool(&bv, value)) {
			re_snprintf(errbuf, errsz, "%s%s: expected a boolean "
				    "(true/false/1/0/t/f), got '%s'", where,
				    k->name, value);
			return EINVAL;
		}
		*(bool *)field(cfg, k) = bv;
		return 0;

	case KT_U16:
	case KT_U32:
		err = go_parse_int(&iv, value);
		if (err) {
			re_snprintf(errbuf, errsz, "%s%s: expected an "
				    "integer, got '%s'", where, k->name,
				    value);
			return EINVAL;
		}
		return int_store(cfg, k, iv, errbuf, errsz, where);

	case KT_ICESERVERS:
		return cfg_servers_from_json(cfg, value, errbuf, errsz, where);
	}

	return EINVAL;
}


static int set_toml(struct sfu_config *cfg, const struct key *k,
		    const char *file, const struct toml_val *v,
		    char *errbuf, size_t errsz)
{
	const enum toml_type t = toml_type(v);
	const char *what = NULL, *s;
	char where[256], num[24];
	size_t len;

	re_snprintf(where, sizeof(where), "%s:%u: ", file, toml_line(v));

	switch (k->type) {

	case KT_PORTOVR:
		if (t == TOML_INT) {
			re_snprintf(num, sizeof(num), "%lld",
				    (long long)toml_int(v));
			return cfg_str_set(field(cfg, k), num, strlen(num));
		}
		/* fall through */
	case KT_STR:
		if (t != TOML_STRING)
			what = k->type == KT_STR ? "expected a string" :
				"expected an integer or a string";
		else if (cfg_toml_string(v, &s, &len))
			what = "contains a NUL character";
		else
			return cfg_str_set(field(cfg, k), s, len);
		break;

	case KT_BOOL:
		if (t != TOML_BOOL) {
			what = "expected a boolean";
			break;
		}
		*(bool *)field(cfg, k) = toml_bool(v);
		return 0;

	case KT_U16:
	case KT_U32:
		if (t != TOML_INT) {
			what = "expected an integer";
			break;
		}
		return int_store(cfg, k, toml_int(v), errbuf, errsz, where);

	case KT_ICESERVERS:
		return cfg_servers_from_toml(cfg, file, v, errbuf, errsz);
	}

	return cfg_toml_err(errbuf, errsz, file, v, k->name,
			    what ? what : "invalid value");
}


/* Walks one table of the document; prefix is its dotted path. Keys
 * match without regard to case, as BurntSushi's decoder falls back to
 * (it tries the exact name first; ours differ in more than case). */
static int apply_table(struct sfu_config *cfg, const char *file,
		       const struct toml_val *tbl, const char *prefix,
		       char *errbuf, size_t errsz)
{
	size_t i;
	int err;

	for (i = 0; i < toml_count(tbl); i++) {
		const struct toml_val *v = toml_at(tbl, i);
		const struct key *k;
		char path[256];

		re_snprintf(path, sizeof(path), "%s%s%s", prefix,
			    *prefix ? "." : "", toml_key(v));

		k = key_find(path);
		if (k) {
			err = set_toml(cfg, k, file, v, errbuf, errsz);
			if (err)
				return err;
			continue;
		}

		if (table_known(path)) {
			if (toml_type(v) != TOML_TABLE)
				return cfg_toml_err(errbuf, errsz, file, v,
						    path, "expected a table");
			err = apply_table(cfg, file, v, path, errbuf, errsz);
			if (err)
				return err;
			continue;
		}

		/* BurntSushi's decoder ignores unknown keys: warn only */
		log_warn("%s:%u: unknown key '%s', ignored", file,
			 toml_line(v), path);
	}

	return 0;
}


int sfu_config_load_buf(struct sfu_config *cfg, const char *name,
			const char *buf, size_t len, char *errbuf,
			size_t errsz)
{
	struct toml_val *root = NULL;
	char perr[200];
	int err;

	if (!cfg || !name || (!buf && len))
		return EINVAL;

	err = toml_parse(&root, buf, len, perr, sizeof(perr));
	if (err) {
		if (err == EBADMSG)
			re_snprintf(errbuf, errsz, "%s:%s", name, perr);
		else
			re_snprintf(errbuf, errsz, "%s: %m", name, err);
		return err;
	}

	err = apply_table(cfg, name, root, "", errbuf, errsz);

	mem_deref(root);

	return err;
}


int sfu_config_load_file(struct sfu_config *cfg, const char *path,
			 char *errbuf, size_t errsz)
{
	char *buf = NULL;
	size_t len = 0;
	struct stat st;
	int err;

	if (!cfg || !path)
		return EINVAL;

	if (!stat(path, &st) && S_ISDIR(st.st_mode)) {
		re_snprintf(errbuf, errsz, "%s: is a directory", path);
		return EISDIR;
	}

	err = cfg_read_file(path, &buf, &len);
	if (err) {
		re_snprintf(errbuf, errsz, "%s: %m", path, err);
		return err;
	}

	err = sfu_config_load_buf(cfg, path, buf, len, errbuf, errsz);

	mem_deref(buf);

	return err;
}


static const char *env_lookup(char *const *envp, const char *name)
{
	size_t n = strlen(name);

	for (; envp && *envp; envp++) {
		if (!strncmp(*envp, name, n) && (*envp)[n] == '=')
			return *envp + n + 1;
	}

	return NULL;
}


int sfu_config_load_env(struct sfu_config *cfg, char *const *envp,
			char *errbuf, size_t errsz)
{
	size_t i;
	int err;

	if (!cfg)
		return EINVAL;

	if (!envp)
		envp = environ;

	for (i = 0; i < ARRAY_SIZE(keyv); i++) {
		const char *v = env_lookup(envp, keyv[i].env);
		char where[64];

		if (!v)
			continue;

		re_snprintf(where, sizeof(where), "%s: ", keyv[i].env);
		err = set_str(cfg, &keyv[i], v, errbuf, errsz, where);
		if (err)
			return err;
	}

	return 0;
}


int sfu_config_set(struct sfu_config *cfg, const char *key,
		   const char *value, char *errbuf, size_t errsz)
{
	const struct key *k;

	if (!cfg || !key || !value)
		return EINVAL;

	k = key_find(key);
	if (!k) {
		re_snprintf(errbuf, errsz, "%s: unknown key", key);
		return ENOENT;
	}

	return set_str(cfg, k, value, errbuf, errsz, "");
}


int sfu_config_load(struct sfu_config *cfg, const char *path,
		    char *const *envp, char *errbuf, size_t errsz)
{
	int err;

	if (!cfg)
		return EINVAL;

	if (path) {
		err = sfu_config_load_file(cfg, path, errbuf, errsz);
	}
	else {
		err = sfu_config_load_file(cfg, SFU_CONFIG_DEFAULT_PATH,
					   errbuf, errsz);
		if (err == ENOENT)
			err = 0;   /* rtcd: a missing file means defaults */
	}
	if (err)
		return err;

	err = sfu_config_load_env(cfg, envp, errbuf, errsz);
	if (err)
		return err;

	return sfu_config_validate(cfg, errbuf, errsz);
}

/* ------------------------------------------------------------------ */
/* Output */

enum { MAX_DEPTH = 4 };

/* Splits "a.b.leaf" into its table components; returns their count */
static size_t components(const char *name, struct pl *compv)
{
	size_t n = 0;
	const char *p = name, *dot;

	while ((dot = strchr(p, '.')) && n < MAX_DEPTH) {
		compv[n].p = p;
		compv[n].l = (size_t)(dot - p);
		++n;
		p = dot + 1;
	}

	return n;
}


/* The keys in table order, nested as the TOML tables are */
static void json_keys(struct calls_jw *w, const struct sfu_config *cfg)
{
	struct pl openv[MAX_DEPTH];
	size_t openc = 0, i;

	calls_jw_obj_begin(w, NULL);

	for (i = 0; i < ARRAY_SIZE(keyv); i++) {
		const struct key *k = &keyv[i];
		const char *leaf = strrchr(k->name, '.') + 1;
		struct pl compv[MAX_DEPTH];
		size_t compc = components(k->name, compv), common = 0, j;

		while (common < openc && common < compc &&
		       !pl_cmp(&openv[common], &compv[common]))
			++common;
		for (j = openc; j > common; j--)
			calls_jw_obj_end(w);
		for (j = common; j < compc; j++) {
			char comp[64];

			re_snprintf(comp, sizeof(comp), "%r", &compv[j]);
			calls_jw_obj_begin(w, comp);
			openv[j] = compv[j];
		}
		openc = compc;

		switch (k->type) {

		case KT_STR:
		case KT_PORTOVR: {
			const char *s = *(char *const *)cfield(cfg, k);

			calls_jw_str(w, leaf, k->secret ? cfg_redact(s) : s);
			break;
		}
		case KT_BOOL:
			calls_jw_bool(w, leaf, *(const bool *)cfield(cfg, k));
			break;
		case KT_U16:
			calls_jw_uint(w, leaf,
				      *(const uint16_t *)cfield(cfg, k));
			break;
		case KT_U32:
			calls_jw_uint(w, leaf,
				      *(const uint32_t *)cfield(cfg, k));
			break;
		case KT_ICESERVERS:
			cfg_servers_json(w, cfg);
			break;
		}
	}

	for (i = 0; i < openc; i++)
		calls_jw_obj_end(w);

	calls_jw_obj_end(w);
}


int sfu_config_print_json(struct re_printf *pf, const struct sfu_config *cfg)
{
	struct calls_jw w;
	int err;

	if (!pf || !cfg)
		return EINVAL;

	err = calls_jw_init(&w);
	if (err)
		return err;

	json_keys(&w, cfg);

	err = w.err;
	if (!err)
		err = re_hprintf(pf, "%s", calls_jw_str_get(&w));

	calls_jw_close(&w);

	return err;
}

/* ------------------------------------------------------------------ */
/* Logging */

int sfu_config_apply_logger(const struct sfu_config *cfg, char *errbuf,
			    size_t errsz)
{
	enum calls_log_level level = CALLS_LOG_ERROR;
	int err;

	if (!cfg)
		return EINVAL;

	if (cfg->logger.enable_console) {
		err = calls_log_level_parse(&level, cfg->logger.console_level);
		if (err)
			return cfg_errf(errbuf, errsz, "logger.console_level: "
				    "'%s' is not a level",
				    cfg->logger.console_level);
	}

	calls_log_set_console(cfg->logger.enable_console);
	calls_log_set_level(level);
	calls_log_set_format(cfg->logger.console_json ? CALLS_LOG_JSON :
			     CALLS_LOG_TEXT);

	if (cfg->logger.enable_file) {
		err = calls_log_level_parse(&level, cfg->logger.file_level);
		if (err)
			return cfg_errf(errbuf, errsz, "logger.file_level: "
				    "'%s' is not a level",
				    cfg->logger.file_level);

		err = calls_log_set_file(cfg->logger.file_location);
		if (err) {
			cfg_errf(errbuf, errsz, "logger.file_location: %s: %m",
			     cfg->logger.file_location, err);
			return err;
		}
		calls_log_set_file_level(level);
		calls_log_set_file_format(cfg->logger.file_json ?
					  CALLS_LOG_JSON : CALLS_LOG_TEXT);
	}

	return 0;
}
