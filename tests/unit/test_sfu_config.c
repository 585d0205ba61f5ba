/* calls-sfu config: rtcd's defaults, file, env, flags and validation */
#include <stdlib.h>
#include <unistd.h>
#include "runner.h"
#include "re_inc.h"
#include "log.h"
#include "../../cmd/sfu/config.h"


/* Applies a TOML snippet to a fresh config; returns the error */
static int load_snippet(struct sfu_config **cfgp, const char *doc,
			char *errbuf, size_t errsz)
{
	int err;

	err = sfu_config_alloc(cfgp);
	if (err)
		return err;

	return sfu_config_load_buf(*cfgp, "config.toml", doc, strlen(doc),
				   errbuf, errsz);
}


static int test_config_defaults(void)
{
	struct sfu_config *cfg = NULL;
	char errbuf[256] = "";
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	TEST_ERR(sfu_config_alloc(&cfg));

	/* rtcd's SetDefaults() */
	TEST_STREQ(":8045", cfg->http.listen_address);
	TEST_EQ(false, cfg->http.tls_enable);
	TEST_STREQ("", cfg->http.tls_cert_file);
	TEST_STREQ("", cfg->http.tls_cert_key);
	TEST_EQ(false, cfg->security.allow_self_registration);
	TEST_EQ(false, cfg->security.enable_admin);
	TEST_STREQ("", cfg->security.admin_secret_key);
	TEST_EQ(1440, cfg->security.session_cache_expiration_minutes);
	TEST_STREQ("", cfg->rtc.ice_address_udp);
	TEST_STREQ("", cfg->rtc.ice_address_tcp);
	TEST_EQ(8443, cfg->rtc.ice_port_udp);
	TEST_EQ(8443, cfg->rtc.ice_port_tcp);
	TEST_STREQ("", cfg->rtc.ice_host_override);
	TEST_STREQ("", cfg->rtc.ice_host_port_override);
	TEST_EQ(0, cfg->rtc.ice_serverc);
	TEST_STREQ("", cfg->rtc.turn_static_auth_secret);
	TEST_EQ(1440, cfg->rtc.turn_credentials_expiration_minutes);
	TEST_EQ(false, cfg->rtc.enable_ipv6);
	/* NumCPU x 100; the affinity mask may be narrower than online */
	TEST_ASSERT(cfg->rtc.udp_sockets_count >= 100);
	TEST_ASSERT(cfg->rtc.udp_sockets_count % 100 == 0);
	TEST_ASSERT(cfg->rtc.udp_sockets_count <= (uint32_t)ncpu * 100);
	TEST_EQ(256, cfg->rtc.nack_buffer_size);
	TEST_EQ(true, cfg->rtc.nack_disable_copy);
	TEST_STREQ("/tmp/rtcd_db", cfg->store.data_source);
	TEST_EQ(true, cfg->logger.enable_console);
	TEST_EQ(false, cfg->logger.console_json);
	TEST_STREQ("INFO", cfg->logger.console_level);
	TEST_EQ(true, cfg->logger.enable_file);
	TEST_EQ(true, cfg->logger.file_json);
	TEST_STREQ("DEBUG", cfg->logger.file_level);
	TEST_STREQ("rtcd.log", cfg->logger.file_location);
	TEST_EQ(false, cfg->logger.enable_color);
	TEST_EQ(0, cfg->calls.max_call_participants);
	TEST_EQ(0, cfg->calls.drain_timeout_seconds);

	/* the defaults are valid */
	TEST_ERR(sfu_config_validate(cfg, errbuf, sizeof(errbuf)));

	mem_deref(cfg);

	return 0;
}


/* Every key of the sample fixture is read */
static int test_config_file(void)
{
	struct sfu_config *cfg = NULL;
	char errbuf[256] = "";
	int err;

	TEST_ERR(sfu_config_alloc(&cfg));
	err = sfu_config_load_file(cfg, TESTDATA_DIR "/sfu/sample.toml",
				   errbuf, sizeof(errbuf));
	if (err)
		unit_fail(__FILE__, __LINE__, "%s", errbuf);
	TEST_ERR(err);
	TEST_ERR(sfu_config_validate(cfg, errbuf, sizeof(errbuf)));

	TEST_STREQ("127.0.0.1:18045", cfg->http.listen_address);
	TEST_EQ(true, cfg->security.allow_self_registration);
	TEST_EQ(true, cfg->security.enable_admin);
	TEST_STREQ("s3cr3t-admin", cfg->security.admin_secret_key);
	TEST_EQ(60, cfg->security.session_cache_expiration_minutes);
	TEST_STREQ("127.0.0.1", cfg->rtc.ice_address_udp);
	TEST_STREQ("127.0.0.1,::1", cfg->rtc.ice_address_tcp);
	TEST_EQ(18443, cfg->rtc.ice_port_udp);
	TEST_EQ(18444, cfg->rtc.ice_port_tcp);
	TEST_STREQ("203.0.113.7", cfg->rtc.ice_host_override);
	TEST_STREQ("30443", cfg->rtc.ice_host_port_override);
	TEST_EQ(2, cfg->rtc.ice_serverc);
	TEST_EQ(1, cfg->rtc.ice_servers[0].urlc);
	TEST_STREQ("stun:stun.example.org:3478",
		   cfg->rtc.ice_servers[0].urls[0]);
	TEST_EQ(2, cfg->rtc.ice_servers[1].urlc);
	TEST_STREQ("turns:turn.example.org:5349",
		   cfg->rtc.ice_servers[1].urls[1]);
	TEST_STREQ("", cfg->rtc.ice_servers[1].username);
	TEST_STREQ("turn-\\secret", cfg->rtc.turn_static_auth_secret);
	TEST_EQ(720, cfg->rtc.turn_credentials_expiration_minutes);
	TEST_EQ(true, cfg->rtc.enable_ipv6);
	TEST_EQ(8, cfg->rtc.udp_sockets_count);
	TEST_EQ(1024, cfg->rtc.nack_buffer_size);
	TEST_EQ(false, cfg->rtc.nack_disable_copy);
	TEST_STREQ("/var/lib/calls-sfu/db", cfg->store.data_source);
	TEST_EQ(true, cfg->logger.console_json);
	TEST_STREQ("DEBUG", cfg->logger.console_level);
	TEST_EQ(false, cfg->logger.enable_file);
	TEST_STREQ("WARN", cfg->logger.file_level);
	TEST_STREQ("calls-sfu.log", cfg->logger.file_location);
	TEST_EQ(true, cfg->logger.enable_color);
	TEST_EQ(12, cfg->calls.max_call_participants);
	TEST_EQ(3600, cfg->calls.drain_timeout_seconds);

	mem_deref(cfg);

	return 0;
}


/* Type errors name the file, the line and the key */
static const struct {
	const char *doc;
	const char *err;
} file_errors[] = {
	{"[rtc]\n\nice_port_udp = \"8443\"",
	 "config.toml:3: rtc.ice_port_udp: expected an integer"},
	{"[api.http]\nlisten_address = 8045",
	 "config.toml:2: api.http.listen_address: expected a string"},
	{"[api.http.tls]\nenable = \"yes\"",
	 "config.toml:2: api.http.tls.enable: expected a boolean"},
	{"rtc = 1", "config.toml:1: rtc: expected a table"},
	{"[rtc]\nice_port_udp = 70000",
	 "config.toml:2: rtc.ice_port_udp: 70000 is out of range"},
	{"[rtc]\nnack_buffer_size = -1",
	 "config.toml:2: rtc.nack_buffer_size: -1 is out of range"},
	{"[rtc]\nice_host_port_override = true",
	 "config.toml:2: rtc.ice_host_port_override: expected an integer "
	 "or a string"},
	{"[rtc]\nice_servers = \"stun:x\"",
	 "config.toml:2: rtc.ice_servers: expected an array"},
	{"[rtc]\nice_servers = [1]",
	 "config.toml:2: rtc.ice_servers: expected an array"},
	{"[rtc]\nice_servers = [\n{urls = \"stun:x\"}]",
	 "config.toml:3: rtc.ice_servers: expected an array"},
	{"[rtc]\nice_servers = [{urls = [\"stun:x\"], username = 1}]",
	 "config.toml:2: rtc.ice_servers: expected an array"},
	{"[store]\ndata_source = \"a\\u0000b\"",
	 "config.toml:2: store.data_source: contains a NUL character"},
	{"[store]\ndata_source = 1979-05-27",
	 "config.toml:2: store.data_source: expected a string"},
	{"[rtc]\nice_port_udp = 1\nice_port_udp = 2",
	 "config.toml:3: duplicate key 'ice_port_udp'"},
};


static int test_config_file_errors(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(file_errors); i++) {
		struct sfu_config *cfg = NULL;
		char errbuf[256] = "";
		int err;

		err = load_snippet(&cfg, file_errors[i].doc, errbuf,
				   sizeof(errbuf));
		mem_deref(cfg);
		if (!err || strncmp(errbuf, file_errors[i].err,
				    strlen(file_errors[i].err))) {
			unit_fail(__FILE__, __LINE__, "file_errors[%zu]: "
				  "expected \"%s...\", got %d \"%s\"", i,
				  file_errors[i].err, err, errbuf);
			return EINVAL;
		}
	}

	return 0;
}


/* Unknown keys are warnings (rtcd's decoder ignores them) */
static int test_config_unknown_keys(void)
{
	struct sfu_config *cfg = NULL;
	char errbuf[256] = "";
	enum calls_log_level lvl = calls_log_get_level();
	int err;

	calls_log_set_level(CALLS_LOG_ERROR);   /* keep TAP output clean */
	TEST_ERR(sfu_config_alloc(&cfg));
	err = sfu_config_load_file(cfg, TESTDATA_DIR "/sfu/unknown-keys.toml",
				   errbuf, sizeof(errbuf));
	calls_log_set_level(lvl);
	TEST_ERR(err);
	TEST_EQ(9443, cfg->rtc.ice_port_udp);
	mem_deref(cfg);

	/* key names match without regard to case, as in rtcd */
	{
		static const char doc[] =
			"[API.Http]\nListen_Address = \"127.0.0.1:1\"\n"
			"[rtc]\nICE_SERVERS = [{URLs = [\"stun:x\"]}]\n";

		TEST_ERR(load_snippet(&cfg, doc, errbuf, sizeof(errbuf)));
		TEST_STREQ("127.0.0.1:1", cfg->http.listen_address);
		TEST_EQ(1, cfg->rtc.ice_serverc);
		TEST_STREQ("stun:x", cfg->rtc.ice_servers[0].urls[0]);
		mem_deref(cfg);
	}

	return 0;
}


static int test_config_missing_file(void)
{
	struct sfu_config *cfg = NULL;
	char errbuf[256] = "";
	char *const env[] = {NULL};
	char cwd[4096];

	TEST_ERR(sfu_config_alloc(&cfg));

	/* an explicit path that does not exist: an error naming it */
	TEST_FAILS(ENOENT, sfu_config_load(cfg, "/nonexistent/calls.toml",
					   env, errbuf, sizeof(errbuf)));
	TEST_ASSERT(strstr(errbuf, "/nonexistent/calls.toml") != NULL);

	/* a directory is an error too */
	TEST_FAILS(EISDIR, sfu_config_load_file(cfg, TESTDATA_DIR,
						errbuf, sizeof(errbuf)));

	/* the default path, missing: defaults (run from an empty dir) */
	TEST_ASSERT(getcwd(cwd, sizeof(cwd)) != NULL);
	TEST_ERR(chdir(TESTDATA_DIR "/sfu"));
	errbuf[0] = '\0';
	TEST_ERR(sfu_config_load(cfg, NULL, env, errbuf, sizeof(errbuf)));
	TEST_ERR(chdir(cwd));
	TEST_EQ(8443, cfg->rtc.ice_port_udp);

	mem_deref(cfg);

	return 0;
}


static int test_config_env(void)
{
	char *const env[] = {
		"PATH=/usr/bin",
		"RTCD_API_HTTP_LISTENADDRESS=127.0.0.1:0",
		"RTCD_API_SECURITY_ALLOWSELFREGISTRATION=TRUE",
		"RTCD_API_SECURITY_ENABLEADMIN=t",
		"RTCD_API_SECURITY_ADMINSECRETKEY=adm",
		"RTCD_API_SECURITY_SESSIONCACHE_EXPIRATIONMINUTES=0x10",
		"RTCD_RTC_ICEPORTUDP=9_000",
		"RTCD_RTC_ICEPORTTCP=010000",     /* octal, as Go reads it */
		"RTCD_RTC_ICEHOSTPORTOVERRIDE=10.0.0.1/9000,10.0.0.2/9001",
		"RTCD_RTC_ICESERVERS=[{\"URLs\":[\"stun:a:3478\",\"turn:b\"],"
		"\"username\":\"u\",\"credential\":\"c\"},\"stuns:c\"]",
		"RTCD_RTC_TURNCONFIG_STATICAUTHSECRET=tsecret",
		"RTCD_RTC_TURNCONFIG_CREDENTIALSEXPIRATIONMINUTES=60",
		"RTCD_RTC_NACKDISABLECOPY=0",
		"RTCD_RTC_ENABLEIPV6=1",
		"RTCD_STORE_DATASOURCE=/tmp/x",
		"RTCD_LOGGER_ENABLEFILE=false",
		"RTCD_LOGGER_CONSOLELEVEL=debug",
		"RTCD_CALLS_MAXCALLPARTICIPANTS=+8",
		"RTCD_CALLS_DRAINTIMEOUTSECONDS=30",
		"RTCD_RTC_ICEPORTUDPX=1",            /* not a prefix match */
		NULL,
	};
	struct sfu_config *cfg = NULL;
	char errbuf[256] = "";
	int err;

	TEST_ERR(sfu_config_alloc(&cfg));
	/* the file first, then the environment wins */
	err = sfu_config_load_file(cfg, TESTDATA_DIR "/sfu/sample.toml",
				   errbuf, sizeof(errbuf));
	TEST_ERR(err);
	err = sfu_config_load_env(cfg, env, errbuf, sizeof(errbuf));
	if (err)
		unit_fail(__FILE__, __LINE__, "%s", errbuf);
	TEST_ERR(err);
	TEST_ERR(sfu_config_validate(cfg, errbuf, sizeof(errbuf)));

	TEST_STREQ("127.0.0.1:0", cfg->http.listen_address);
	TEST_EQ(true, cfg->security.allow_self_registration);
	TEST_EQ(true, cfg->security.enable_admin);
	TEST_STREQ("adm", cfg->security.admin_secret_key);
	TEST_EQ(16, cfg->security.session_cache_expiration_minutes);
	TEST_EQ(9000, cfg->rtc.ice_port_udp);
	TEST_EQ(4096, cfg->rtc.ice_port_tcp);
	TEST_STREQ("10.0.0.1/9000,10.0.0.2/9001",
		   cfg->rtc.ice_host_port_override);
	TEST_EQ(2, cfg->rtc.ice_serverc);
	TEST_EQ(2, cfg->rtc.ice_servers[0].urlc);
	TEST_STREQ("turn:b", cfg->rtc.ice_servers[0].urls[1]);
	TEST_STREQ("u", cfg->rtc.ice_servers[0].username);
	TEST_STREQ("c", cfg->rtc.ice_servers[0].credential);
	TEST_STREQ("stuns:c", cfg->rtc.ice_servers[1].urls[0]);
	TEST_STREQ("tsecret", cfg->rtc.turn_static_auth_secret);
	TEST_EQ(60, cfg->rtc.turn_credentials_expiration_minutes);
	TEST_EQ(false, cfg->rtc.nack_disable_copy);
	TEST_EQ(true, cfg->rtc.enable_ipv6);
	TEST_STREQ("/tmp/x", cfg->store.data_source);
	TEST_EQ(false, cfg->logger.enable_file);
	TEST_STREQ("debug", cfg->logger.console_level);
	TEST_EQ(8, cfg->calls.max_call_participants);
	TEST_EQ(30, cfg->calls.drain_timeout_seconds);

	/* the file's values stay where no variable is set */
	TEST_EQ(8, cfg->rtc.udp_sockets_count);

	mem_deref(cfg);

	return 0;
}


/* Bad environment values name the variable */
static const struct {
	const char *var;
	const char *err;
} env_errors[] = {
	{"RTCD_RTC_ICEPORTUDP=", "RTCD_RTC_ICEPORTUDP: rtc.ice_port_udp: "
	 "expected an integer"},
	{"RTCD_RTC_ICEPORTUDP=84x3", "RTCD_RTC_ICEPORTUDP: rtc.ice_port_udp: "
	 "expected an integer"},
	{"RTCD_RTC_ICEPORTUDP=08443", "RTCD_RTC_ICEPORTUDP: rtc.ice_port_udp: "
	 "expected an integer"},
	{"RTCD_RTC_ICEPORTUDP=1__0", "RTCD_RTC_ICEPORTUDP: rtc.ice_port_udp: "
	 "expected an integer"},
	{"RTCD_RTC_ICEPORTUDP=99999999999999999999", "RTCD_RTC_ICEPORTUDP: "
	 "rtc.ice_port_udp: expected an integer"},
	{"RTCD_RTC_ICEPORTUDP=-1", "RTCD_RTC_ICEPORTUDP: rtc.ice_port_udp: "
	 "-1 is out of range"},
	{"RTCD_RTC_ENABLEIPV6=yes", "RTCD_RTC_ENABLEIPV6: rtc.enable_ipv6: "
	 "expected a boolean"},
	{"RTCD_RTC_ENABLEIPV6=", "RTCD_RTC_ENABLEIPV6: rtc.enable_ipv6: "
	 "expected a boolean"},
	{"RTCD_RTC_ICESERVERS=stun:a:3478", "RTCD_RTC_ICESERVERS: "
	 "rtc.ice_servers: expected a JSON array"},
	{"RTCD_RTC_ICESERVERS=[1]", "RTCD_RTC_ICESERVERS: rtc.ice_servers: "
	 "expected a JSON array"},
	{"RTCD_RTC_ICESERVERS=[{\"urls\":\"stun:a\"}]", "RTCD_RTC_ICESERVERS: "
	 "rtc.ice_servers: expected a JSON array"},
	/* strict JSON, as Go's encoding/json */
	{"RTCD_RTC_ICESERVERS=[\"stun:a\",]", "RTCD_RTC_ICESERVERS: "
	 "rtc.ice_servers: expected a JSON array"},
	{"RTCD_RTC_ICESERVERS=[\"stun:a\"", "RTCD_RTC_ICESERVERS: "
	 "rtc.ice_servers: expected a JSON array"},
	{"RTCD_RTC_ICESERVERS=[\"stun:a\"] x", "RTCD_RTC_ICESERVERS: "
	 "rtc.ice_servers: expected a JSON array"},
	{"RTCD_RTC_ICESERVERS=['stun:a']", "RTCD_RTC_ICESERVERS: "
	 "rtc.ice_servers: expected a JSON array"},
	{"RTCD_RTC_ICESERVERS=[{\"urls\":[\"a\"]} {\"urls\":[\"b\"]}]",
	 "RTCD_RTC_ICESERVERS: rtc.ice_servers: expected a JSON array"},
	{"RTCD_RTC_ICESERVERS=[{\"x\":01}]", "RTCD_RTC_ICESERVERS: "
	 "rtc.ice_servers: expected a JSON array"},
	{"RTCD_RTC_ICESERVERS=[\"a\\u0000b\"]", "RTCD_RTC_ICESERVERS: "
	 "rtc.ice_servers: expected a JSON array"},
	{"RTCD_RTC_ICESERVERS=", "RTCD_RTC_ICESERVERS: "
	 "rtc.ice_servers: expected a JSON array"},
};


static int test_config_env_errors(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(env_errors); i++) {
		char *env[] = {(char *)env_errors[i].var, NULL};
		struct sfu_config *cfg = NULL;
		char errbuf[256] = "";
		int err;

		TEST_ERR(sfu_config_alloc(&cfg));
		err = sfu_config_load_env(cfg, env, errbuf, sizeof(errbuf));
		mem_deref(cfg);
		if (!err || strncmp(errbuf, env_errors[i].err,
				    strlen(env_errors[i].err))) {
			unit_fail(__FILE__, __LINE__, "env_errors[%zu]: "
				  "expected \"%s...\", got %d \"%s\"", i,
				  env_errors[i].err, err, errbuf);
			return EINVAL;
		}
	}

	/* an empty string variable sets an empty string */
	{
		char *env[] = {"RTCD_RTC_ICEHOSTOVERRIDE=", NULL};
		struct sfu_config *cfg = NULL;
		char errbuf[256] = "";

		TEST_ERR(sfu_config_alloc(&cfg));
		TEST_ERR(sfu_config_set(cfg, "rtc.ice_host_override", "x",
					errbuf, sizeof(errbuf)));
		TEST_ERR(sfu_config_load_env(cfg, env, errbuf,
					     sizeof(errbuf)));
		TEST_STREQ("", cfg->rtc.ice_host_override);
		mem_deref(cfg);
	}

	return 0;
}


/* Flags: sfu_config_set by TOML key, after file and env */
static int test_config_set(void)
{
	char *const env[] = {"RTCD_RTC_ICEPORTUDP=9000", NULL};
	struct sfu_config *cfg = NULL;
	char errbuf[256] = "";

	TEST_ERR(sfu_config_alloc(&cfg));
	TEST_ERR(sfu_config_load_env(cfg, env, errbuf, sizeof(errbuf)));
	TEST_ERR(sfu_config_set(cfg, "rtc.ice_port_udp", "9100", errbuf,
				sizeof(errbuf)));
	TEST_EQ(9100, cfg->rtc.ice_port_udp);
	TEST_ERR(sfu_config_set(cfg, "api.http.listen_address",
				"127.0.0.1:0", errbuf, sizeof(errbuf)));
	TEST_STREQ("127.0.0.1:0", cfg->http.listen_address);
	TEST_ERR(sfu_config_set(cfg, "calls.max_call_participants", "3",
				errbuf, sizeof(errbuf)));
	TEST_EQ(3, cfg->calls.max_call_participants);
	TEST_ERR(sfu_config_set(cfg, "rtc.ice_servers", "[\"stun:x:1\"]",
				errbuf, sizeof(errbuf)));
	TEST_EQ(1, cfg->rtc.ice_serverc);
	TEST_ERR(sfu_config_set(cfg, "rtc.ice_servers", "[]",
				errbuf, sizeof(errbuf)));
	TEST_EQ(0, cfg->rtc.ice_serverc);

	/* JSON details: escapes, surrogate pairs, null, unknown keys */
	TEST_ERR(sfu_config_set(cfg, "rtc.ice_servers",
				" [ {\"urls\": null, \"Username\": \"\\u00e9"
				"\\ud83d\\ude00\\/\", \"extra\": [1, -2.5e3, "
				"true, {\"n\": null}], "
				"\"urls\": [\"stun:x\"]} ] ",
				errbuf, sizeof(errbuf)));
	TEST_EQ(1, cfg->rtc.ice_serverc);
	TEST_EQ(1, cfg->rtc.ice_servers[0].urlc);
	TEST_STREQ("\xc3\xa9\xf0\x9f\x98\x80/",
		   cfg->rtc.ice_servers[0].username);
	TEST_ASSERT(cfg->rtc.ice_servers[0].credential == NULL);
	/* \u to UTF-8 of 1 and 3 bytes too */
	TEST_ERR(sfu_config_set(cfg, "rtc.ice_servers",
				"[\"stun:\\u0041\\u20ac\\uffff\"]",
				errbuf, sizeof(errbuf)));
	TEST_STREQ("stun:A\xe2\x82\xac\xef\xbf\xbf",
		   cfg->rtc.ice_servers[0].urls[0]);

	TEST_FAILS(ENOENT, sfu_config_set(cfg, "rtc.nope", "1", errbuf,
					  sizeof(errbuf)));
	TEST_STREQ("rtc.nope: unknown key", errbuf);
	TEST_FAILS(EINVAL, sfu_config_set(cfg, "rtc.enable_ipv6", "maybe",
					  errbuf, sizeof(errbuf)));
	TEST_ASSERT(strstr(errbuf, "rtc.enable_ipv6") == errbuf);

	mem_deref(cfg);

	return 0;
}


/* One case per validation rule: key=value pairs, then the error */
static const struct {
	const char *set[4][2];
	const char *err;     /* NULL: valid */
} rules[] = {
	{{{"api.http.listen_address", ""}}, "api.http.listen_address: must "
	 "not be empty"},
	{{{"rtc.ice_port_udp", "79"}}, "rtc.ice_port_udp: 79 is not in "
	 "[80, 49151]"},
	{{{"rtc.ice_port_udp", "80"}}, NULL},
	{{{"rtc.ice_port_udp", "49151"}}, NULL},
	{{{"rtc.ice_port_udp", "49152"}}, "rtc.ice_port_udp: 49152 is not in"},
	{{{"rtc.ice_port_tcp", "0"}}, "rtc.ice_port_tcp: 0 is not in"},
	{{{"rtc.nack_buffer_size", "0"}}, NULL},
	{{{"rtc.nack_buffer_size", "32"}}, NULL},
	{{{"rtc.nack_buffer_size", "8192"}}, NULL},
	{{{"rtc.nack_buffer_size", "16"}}, "rtc.nack_buffer_size: 16 must be"},
	{{{"rtc.nack_buffer_size", "16384"}}, "rtc.nack_buffer_size: 16384"},
	{{{"rtc.nack_buffer_size", "300"}}, "rtc.nack_buffer_size: 300"},
	{{{"rtc.udp_sockets_count", "0"}}, "rtc.udp_sockets_count: must be"},
	{{{"api.security.session_cache.expiration_minutes", "0"}},
	 "api.security.session_cache.expiration_minutes: must be"},
	{{{"rtc.turn.static_auth_secret", "s"},
	  {"rtc.turn.credentials_expiration_minutes", "10080"}},
	 "rtc.turn.credentials_expiration_minutes: 10080 must be"},
	{{{"rtc.turn.static_auth_secret", "s"},
	  {"rtc.turn.credentials_expiration_minutes", "0"}},
	 "rtc.turn.credentials_expiration_minutes: 0 must be"},
	{{{"rtc.turn.static_auth_secret", "s"},
	  {"rtc.turn.credentials_expiration_minutes", "10079"}}, NULL},
	/* without a secret the minutes are not used */
	{{{"rtc.turn.credentials_expiration_minutes", "0"}}, NULL},
	{{{"api.security.enable_admin", "true"}},
	 "api.security.admin_secret_key: required when enable_admin"},
	{{{"api.security.enable_admin", "true"},
	  {"api.security.admin_secret_key", "k"}}, NULL},
	{{{"api.http.tls.enable", "true"}}, "api.http.tls.cert_file: "
	 "required"},
	{{{"api.http.tls.enable", "true"},
	  {"api.http.tls.cert_file", "/nonexistent.pem"},
	  {"api.http.tls.cert_key", "/nonexistent.key"}},
	 "api.http.tls.cert_file: /nonexistent.pem: "},
	{{{"api.http.tls.enable", "true"},
	  {"api.http.tls.cert_file", TESTDATA_DIR "/sfu/tls-cert.pem"},
	  {"api.http.tls.cert_key", TESTDATA_DIR "/sfu/tls-other-key.pem"}},
	 "api.http.tls.cert_file: "},
	{{{"api.http.tls.enable", "true"},
	  {"api.http.tls.cert_file", TESTDATA_DIR "/sfu/tls-cert.pem"},
	  {"api.http.tls.cert_key", TESTDATA_DIR "/sfu/tls-key.pem"}}, NULL},
	{{{"rtc.ice_servers", "[\"stun:ok:3478\",\"http://x\"]"}},
	 "rtc.ice_servers[1]: URL 'http://x' must start with stun:"},
	{{{"rtc.ice_servers", "[{\"urls\":[]}]"}},
	 "rtc.ice_servers[0]: urls must not be empty"},
	{{{"rtc.ice_servers", "[\"stun:\"]"}}, "rtc.ice_servers[0]: URL"},
	{{{"rtc.ice_servers", "[\"turns:t:5349\",\"TURN:t\"]"}}, NULL},
	{{{"rtc.ice_host_port_override", "8443"}}, NULL},
	{{{"rtc.ice_host_port_override", "79"}},
	 "rtc.ice_host_port_override: port 79 is not in"},
	{{{"rtc.ice_host_port_override", "port"}},
	 "rtc.ice_host_port_override: 'port' is neither"},
	{{{"rtc.ice_host_port_override", "10.0.0.1/8443,10.0.0.2/8444"}},
	 NULL},
	{{{"rtc.ice_host_port_override", "10.0.0.1/8443,10.0.0.1/8444"}},
	 "rtc.ice_host_port_override: duplicate"},
	{{{"rtc.ice_host_port_override", "10.0.0.1/8443,10.0.0.2/8443"}},
	 "rtc.ice_host_port_override: duplicate"},
	{{{"rtc.ice_host_port_override", "10.0.0.1/50000"}},
	 "rtc.ice_host_port_override: a port in"},
	{{{"rtc.ice_host_port_override", "host/8443"}},
	 "rtc.ice_host_port_override: expected a port or a list"},
	{{{"rtc.ice_host_port_override", "10.0.0.1/"}},
	 "rtc.ice_host_port_override: expected a port or a list"},
	{{{"rtc.ice_host_override", "calls.example.com"}}, NULL},
	{{{"rtc.ice_host_override", "1.2.3.4/10.0.0.1,5.6.7.8/10.0.0.2"}},
	 NULL},
	{{{"rtc.ice_host_override", "1.2.3.4/host"}},
	 "rtc.ice_host_override: expected external/internal"},
	{{{"rtc.ice_host_override", "bad host"}},
	 "rtc.ice_host_override: expected an IP address or a hostname"},
	{{{"rtc.ice_address_udp", "127.0.0.1, ::1"}}, NULL},
	{{{"rtc.ice_address_udp", "127.0.0.1,localhost"}},
	 "rtc.ice_address_udp: expected a comma-separated list"},
	{{{"rtc.ice_address_tcp", "127.0.0.1,"}},
	 "rtc.ice_address_tcp: expected a comma-separated list"},
	{{{"store.data_source", ""}}, "store.data_source: must not be empty"},
	{{{"logger.enable_console", "false"},
	  {"logger.enable_file", "false"}}, "logger: at least one of"},
	{{{"logger.enable_console", "false"}}, NULL},
	{{{"logger.console_level", "verbose"}},
	 "logger.console_level: 'verbose' is not one of"},
	{{{"logger.file_level", "Panic"}}, NULL},
	{{{"logger.file_level", "warning"}}, "logger.file_level: 'warning'"},
	{{{"logger.file_location", ""}}, "logger.file_location: must not"},
	{{{"logger.file_location", ""}, {"logger.enable_file", "false"}},
	 NULL},
};


static int test_config_validate(void)
{
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(rules); i++) {
		struct sfu_config *cfg = NULL;
		char errbuf[256] = "";
		int err;

		TEST_ERR(sfu_config_alloc(&cfg));
		for (j = 0; j < 4 && rules[i].set[j][0]; j++) {
			err = sfu_config_set(cfg, rules[i].set[j][0],
					     rules[i].set[j][1], errbuf,
					     sizeof(errbuf));
			if (err) {
				unit_fail(__FILE__, __LINE__, "rules[%zu]: "
					  "%s", i, errbuf);
				mem_deref(cfg);
				return err;
			}
		}

		err = sfu_config_validate(cfg, errbuf, sizeof(errbuf));
		mem_deref(cfg);

		if (!rules[i].err && err) {
			unit_fail(__FILE__, __LINE__, "rules[%zu]: expected "
				  "valid, got \"%s\"", i, errbuf);
			return EINVAL;
		}
		if (rules[i].err && (!err || strncmp(errbuf, rules[i].err,
						      strlen(rules[i].err)))) {
			unit_fail(__FILE__, __LINE__, "rules[%zu]: expected "
				  "\"%s...\", got %d \"%s\"", i, rules[i].err,
				  err, errbuf);
			return EINVAL;
		}
	}

	return 0;
}


static int test_config_load_chain(void)
{
	char *const env[] = {"RTCD_RTC_ICEPORTUDP=79", NULL};
	char *const env_ok[] = {"RTCD_LOGGER_ENABLEFILE=false", NULL};
	struct sfu_config *cfg = NULL;
	char errbuf[256] = "";

	/* validation runs after the environment */
	TEST_ERR(sfu_config_alloc(&cfg));
	TEST_FAILS(EINVAL, sfu_config_load(cfg, TESTDATA_DIR
					   "/sfu/minimal.toml", env, errbuf,
					   sizeof(errbuf)));
	TEST_ASSERT(strstr(errbuf, "rtc.ice_port_udp: 79") == errbuf);
	mem_deref(cfg);

	TEST_ERR(sfu_config_alloc(&cfg));
	TEST_ERR(sfu_config_load(cfg, TESTDATA_DIR "/sfu/minimal.toml",
				 env_ok, errbuf, sizeof(errbuf)));
	TEST_EQ(true, cfg->security.allow_self_registration);
	TEST_EQ(false, cfg->logger.enable_file);
	mem_deref(cfg);

	TEST_ERR(sfu_config_alloc(&cfg));
	TEST_FAILS(EINVAL, sfu_config_load(cfg, TESTDATA_DIR
					   "/sfu/bad-port.toml", env_ok,
					   errbuf, sizeof(errbuf)));
	TEST_STREQ("rtc.ice_port_udp: 79 is not in [80, 49151]", errbuf);
	mem_deref(cfg);

	TEST_ERR(sfu_config_alloc(&cfg));
	TEST_FAILS(EINVAL, sfu_config_load(cfg, TESTDATA_DIR
					   "/sfu/bad-type.toml", env_ok,
					   errbuf, sizeof(errbuf)));
	TEST_ASSERT(strstr(errbuf, "/sfu/bad-type.toml:5: rtc.ice_port_udp: "
			   "expected an integer") != NULL);
	mem_deref(cfg);

	return 0;
}


static int test_config_print_json(void)
{
	struct sfu_config *cfg = NULL;
	char errbuf[256] = "";
	char *json = NULL;

	TEST_ERR(sfu_config_alloc(&cfg));
	TEST_ERR(sfu_config_load_file(cfg, TESTDATA_DIR "/sfu/sample.toml",
				      errbuf, sizeof(errbuf)));
	TEST_ERR(sfu_config_set(cfg, "rtc.ice_servers",
				"[{\"urls\":[\"turn:t\"],\"username\":\"u\","
				"\"credential\":\"pw\"}]", errbuf,
				sizeof(errbuf)));
	TEST_ERR(re_sdprintf(&json, "%H", sfu_config_print_json, cfg));

	/* secrets are redacted, the rest is there */
	TEST_ASSERT(strstr(json, "s3cr3t") == NULL);
	TEST_ASSERT(strstr(json, "turn-") == NULL);
	TEST_ASSERT(strstr(json, "\"pw\"") == NULL);
	TEST_ASSERT(strstr(json, "\"admin_secret_key\":\"[redacted]\""));
	TEST_ASSERT(strstr(json, "\"static_auth_secret\":\"[redacted]\""));
	TEST_ASSERT(strstr(json, "\"credential\":\"[redacted]\""));
	TEST_ASSERT(strstr(json, "{\"api\":{\"http\":{\"listen_address\":"
			   "\"127.0.0.1:18045\",\"tls\":{\"enable\":false"));
	TEST_ASSERT(strstr(json, "\"session_cache\":{\"expiration_minutes\""
			   ":60}}},\"rtc\":{"));
	TEST_ASSERT(strstr(json, "\"turn\":{\"static_auth_secret\":"
			   "\"[redacted]\",\"credentials_expiration_minutes\""
			   ":720},\"enable_ipv6\":true"));
	TEST_ASSERT(strstr(json, "\"calls\":{\"max_call_participants\":12,"
			   "\"drain_timeout_seconds\":3600}}"));
	mem_deref(json);
	mem_deref(cfg);

	/* empty secrets stay empty */
	TEST_ERR(sfu_config_alloc(&cfg));
	TEST_ERR(re_sdprintf(&json, "%H", sfu_config_print_json, cfg));
	TEST_ASSERT(strstr(json, "\"admin_secret_key\":\"\""));
	TEST_ASSERT(strstr(json, "\"ice_servers\":[]"));
	mem_deref(json);
	mem_deref(cfg);

	return 0;
}


/* --print-config output is JSON that jq reads back unchanged */
static int test_config_print_jq(void)
{
	char *const env[] = {
		"RTCD_RTC_ICESERVERS=[{\"urls\":[\"turn:t\"],\"username\":"
		"\"u\\\"q\",\"credential\":\"pw\"}]",
		"RTCD_RTC_ICEHOSTOVERRIDE=h\tx",       /* escaped in JSON */
		NULL,
	};
	char path[] = "/tmp/sfu-config-json-XXXXXX";
	struct sfu_config *cfg = NULL;
	char errbuf[256] = "", line[8192] = "", cmd[256];
	char *json = NULL;
	FILE *f, *p;
	int fd, st;

	if (access("/usr/bin/jq", X_OK)) {
		unit_fail(__FILE__, __LINE__, "jq not found: apt-get install "
			  "jq (scripts/bootstrap)");
		return ENOENT;
	}

	TEST_ERR(sfu_config_alloc(&cfg));
	TEST_ERR(sfu_config_load_file(cfg, TESTDATA_DIR "/sfu/sample.toml",
				      errbuf, sizeof(errbuf)));
	TEST_ERR(sfu_config_load_env(cfg, env, errbuf, sizeof(errbuf)));
	TEST_ERR(re_sdprintf(&json, "%H", sfu_config_print_json, cfg));
	mem_deref(cfg);

	fd = mkstemp(path);
	TEST_ASSERT(fd >= 0);
	f = fdopen(fd, "w");
	TEST_ASSERT(f != NULL);
	fprintf(f, "%s\n", json);
	fclose(f);

	/* compact output keeps our key order: equal text means equal JSON */
	snprintf(cmd, sizeof(cmd), "/usr/bin/jq -c . %s", path);
	p = popen(cmd, "r");
	TEST_ASSERT(p != NULL);
	if (!fgets(line, sizeof(line), p))
		line[0] = '\0';
	st = pclose(p);
	line[strcspn(line, "\n")] = '\0';
	TEST_EQ(0, st);
	TEST_STREQ(json, line);

	/* and the values read back as set */
	snprintf(cmd, sizeof(cmd), "/usr/bin/jq -e '.rtc.ice_servers[0]."
		 "username == \"u\\\"q\" and .rtc.ice_host_override == "
		 "\"h\\tx\" and .rtc.ice_port_udp == 18443' %s >/dev/null",
		 path);
	st = system(cmd);
	unlink(path);
	mem_deref(json);
	TEST_EQ(0, st);

	return 0;
}


static int test_config_logger(void)
{
	struct sfu_config *cfg = NULL;
	char errbuf[256] = "";
	char path[] = "/tmp/sfu-config-log-XXXXXX";
	enum calls_log_level lvl = calls_log_get_level();
	FILE *f;
	char line[512] = "";
	int fd;

	fd = mkstemp(path);
	TEST_ASSERT(fd >= 0);
	close(fd);

	TEST_ERR(sfu_config_alloc(&cfg));
	TEST_ERR(sfu_config_set(cfg, "logger.console_level", "ERROR", errbuf,
				sizeof(errbuf)));
	TEST_ERR(sfu_config_set(cfg, "logger.file_location", path, errbuf,
				sizeof(errbuf)));
	TEST_ERR(sfu_config_apply_logger(cfg, errbuf, sizeof(errbuf)));
	TEST_EQ(CALLS_LOG_ERROR, calls_log_get_level());

	calls_log(CALLS_LOG_WARN, "test", "to the file only");
	calls_log_close();
	calls_log_init(NULL);

	f = fopen(path, "r");
	TEST_ASSERT(f != NULL);
	TEST_ASSERT(fgets(line, sizeof(line), f) != NULL);
	fclose(f);
	unlink(path);
	TEST_ASSERT(strstr(line, "\"msg\":\"to the file only\"") != NULL);

	/* a file that cannot be opened names the key */
	TEST_ERR(sfu_config_set(cfg, "logger.file_location",
				"/nonexistent/dir/x.log", errbuf,
				sizeof(errbuf)));
	TEST_ASSERT(sfu_config_apply_logger(cfg, errbuf, sizeof(errbuf)) != 0);
	TEST_ASSERT(strstr(errbuf, "logger.file_location: ") == errbuf);

	mem_deref(cfg);
	calls_log_set_level(lvl);
	calls_log_set_format(CALLS_LOG_TEXT);

	return 0;
}


const struct unit_suite suite_sfu_config = {"sfu_config", {
	UNIT_CASE(test_config_defaults),
	UNIT_CASE(test_config_file),
	UNIT_CASE(test_config_file_errors),
	UNIT_CASE(test_config_unknown_keys),
	UNIT_CASE(test_config_missing_file),
	UNIT_CASE(test_config_env),
	UNIT_CASE(test_config_env_errors),
	UNIT_CASE(test_config_set),
	UNIT_CASE(test_config_validate),
	UNIT_CASE(test_config_load_chain),
	UNIT_CASE(test_config_print_json),
	UNIT_CASE(test_config_print_jq),
	UNIT_CASE(test_config_logger),
	{NULL, NULL},
}};
