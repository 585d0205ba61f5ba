/**
 * @file config.h  calls-sfu configuration: rtcd's keys, env and defaults
 *
 * Sources, later ones winning: embedded defaults, the TOML file
 * (--config, rtcd's key names), RTCD_* environment variables (rtcd's exact
 * names), command-line flags. Every string is owned by the config
 * (mem_deref'd with it). See docs/man/calls-sfu.1.md for the key table.
 */
#ifndef SFU_CONFIG_H
#define SFU_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct re_printf;

struct sfu_ice_server {
	char **urls;            /**< "stun:host:port", "turn:..."        */
	size_t urlc;
	char *username;         /**< may be NULL                         */
	char *credential;       /**< may be NULL                         */
};

struct sfu_config {
	struct {                            /* [api.http]                */
		char *listen_address;       /* ":8045"                   */
		bool tls_enable;            /* [api.http.tls] enable     */
		char *tls_cert_file;
		char *tls_cert_key;
	} http;
	struct {                            /* [api.security]            */
		bool allow_self_registration;
		bool enable_admin;
		char *admin_secret_key;
		uint32_t session_cache_expiration_minutes;   /* 1440 */
	} security;
	struct {                            /* [rtc]                     */
		char *ice_address_udp;      /* "" = all, comma list      */
		char *ice_address_tcp;
		uint16_t ice_port_udp;      /* 8443                      */
		uint16_t ice_port_tcp;      /* 8443                      */
		char *ice_host_override;
		char *ice_host_port_override;  /* "8443" or "ip/port,..." */
		struct sfu_ice_server *ice_servers;
		size_t ice_serverc;
		char *turn_static_auth_secret;           /* [rtc.turn]   */
		uint32_t turn_credentials_expiration_minutes;  /* 1440   */
		bool enable_ipv6;
		uint32_t udp_sockets_count;
		uint32_t nack_buffer_size;  /* 256                       */
		bool nack_disable_copy;     /* true                      */
	} rtc;
	struct {                            /* [store]                   */
		char *data_source;          /* "/tmp/rtcd_db"            */
	} store;
	struct {                            /* [logger]                  */
		bool enable_console;        /* true                      */
		bool console_json;          /* false                     */
		char *console_level;        /* "INFO"                    */
		bool enable_file;           /* true                      */
		bool file_json;             /* true                      */
		char *file_level;           /* "DEBUG"                   */
		char *file_location;        /* "rtcd.log"                */
		bool enable_color;          /* false                     */
	} logger;
	struct {                            /* [calls]: ours, not rtcd's */
		uint32_t max_call_participants;  /* 0 = unlimited        */
		uint32_t drain_timeout_seconds;  /* 0 = wait forever     */
	} calls;
};

/** Embedded defaults (rtcd's) */
int  sfu_config_alloc(struct sfu_config **cfgp);
/** Applies a TOML file; errors name the file, line and key in errbuf */
int  sfu_config_load_file(struct sfu_config *cfg, const char *path,
			  char *errbuf, size_t errsz);
/** Applies TOML text buf[0..len); name stands for the file in errors */
int  sfu_config_load_buf(struct sfu_config *cfg, const char *name,
			 const char *buf, size_t len, char *errbuf,
			 size_t errsz);
/** Applies RTCD_* variables from envp (NULL: environ) */
int  sfu_config_load_env(struct sfu_config *cfg, char *const *envp,
			 char *errbuf, size_t errsz);
/** Sets one key by its TOML name ("rtc.ice_port_udp") from a string,
 *  as command-line flags do */
int  sfu_config_set(struct sfu_config *cfg, const char *key,
		    const char *value, char *errbuf, size_t errsz);
/** rtcd's validation; errbuf names the offending key */
int  sfu_config_validate(const struct sfu_config *cfg, char *errbuf,
			 size_t errsz);
/** The effective config as one JSON object (--print-config) */
int  sfu_config_print_json(struct re_printf *pf,
			   const struct sfu_config *cfg);

/** rtcd's default -config path; relative to the working directory */
#define SFU_CONFIG_DEFAULT_PATH "config/config.toml"

/**
 * The whole chain after sfu_config_alloc(): the file, then RTCD_* from
 * envp (NULL: environ), then validation. path NULL means the default
 * path, where a missing file means defaults (rtcd); an explicit path
 * that does not exist is an error (ENOENT, errbuf names the file).
 * Flags (sfu_config_set) go after it, then sfu_config_validate() again.
 * Any error: the caller exits with CALLS_EXIT_CONFIG (3).
 */
int  sfu_config_load(struct sfu_config *cfg, const char *path,
		     char *const *envp, char *errbuf, size_t errsz);
/**
 * Applies cfg->logger to lib/log.h: the console level and format
 * (console_json), and the JSON-lines file (enable_file, file_location).
 * lib/log.h has one level, so the stderr level is console_level (or
 * error only when the console is off); the file gets every line.
 */
int  sfu_config_apply_logger(const struct sfu_config *cfg, char *errbuf,
			     size_t errsz);

#endif
