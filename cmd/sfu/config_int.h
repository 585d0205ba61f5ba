/**
 * @file config_int.h  calls-sfu configuration: what its files share
 *
 * Private to config.c, config_ice.c and config_valid.c.
 */
#ifndef SFU_CONFIG_INT_H
#define SFU_CONFIG_INT_H

struct calls_jw;
struct toml_val;

enum { CFG_PORT_MIN = 80, CFG_PORT_MAX = 49151 };

/* config.c */
int  cfg_str_set(char **sp, const char *s, size_t len);
int  cfg_read_file(const char *path, char **bufp, size_t *lenp);
int  cfg_errf(char *errbuf, size_t errsz, const char *fmt, ...);

/* config_ice.c */
void cfg_servers_clear(struct sfu_config *cfg);
int  cfg_servers_from_json(struct sfu_config *cfg, const char *s,
			   char *errbuf, size_t errsz, const char *where);
int  cfg_servers_from_toml(struct sfu_config *cfg, const char *file,
			   const struct toml_val *arr, char *errbuf,
			   size_t errsz);
void cfg_servers_json(struct calls_jw *w, const struct sfu_config *cfg);
int  cfg_toml_err(char *errbuf, size_t errsz, const char *file,
		  const struct toml_val *v, const char *key,
		  const char *what);
int  cfg_toml_string(const struct toml_val *v, const char **sp,
		     size_t *lenp);
/** Secrets print as "[redacted]" when set, "" when not */
const char *cfg_redact(const char *s);

/* config_valid.c: sfu_config_validate() */

#endif
