/**
 * @file config_valid.c  calls-sfu configuration: rtcd's validation rules
 *
 * sfu_config_validate() checks the effective config as rtcd's IsValid()
 * methods do, plus the forms rtcd only discovers at start-up (address
 * lists, override pairs); every message starts with the key it names.
 */
#include <string.h>
#include <strings.h>
#include <stdlib.h>
#include "re_inc.h"
#include "config.h"
#include "config_int.h"

enum { PORT_MIN = CFG_PORT_MIN, PORT_MAX = CFG_PORT_MAX };


static int verr(char *errbuf, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	re_vsnprintf(errbuf, errsz, fmt, ap);
	va_end(ap);

	return EINVAL;
}


static bool ip_valid(const char *s, size_t len)
{
	struct sa sa;
	struct pl pl;

	pl.p = s;
	pl.l = len;

	return len && !sa_set(&sa, &pl, 0);
}


static bool port_valid(int64_t p)
{
	return p >= PORT_MIN && p <= PORT_MAX;
}


/* Splits s on commas; calls h for each item with spaces trimmed */
typedef int (item_h)(const char *p, size_t l, void *arg);

static int split_each(const char *s, item_h *h, void *arg)
{
	while (*s) {
		const char *c = strchr(s, ',');
		const char *e = c ? c : s + strlen(s);
		const char *b = s;
		int err;

		while (b < e && (*b == ' ' || *b == '\t'))
			++b;
		while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
			--e;

		err = h(b, (size_t)(e - b), arg);
		if (err)
			return err;

		if (!c)
			break;
		s = c + 1;
		if (!*s)
			return h(s, 0, arg);   /* a trailing comma */
	}

	return 0;
}


static int ip_item(const char *p, size_t l, void *arg)
{
	(void)arg;

	return ip_valid(p, l) ? 0 : EINVAL;
}


static int pair_item(const char *p, size_t l, void *arg)
{
	const char *slash = memchr(p, '/', l);
	(void)arg;

	if (!slash)
		return EINVAL;

	return ip_valid(p, (size_t)(slash - p)) &&
		ip_valid(slash + 1, l - (size_t)(slash - p) - 1) ?
		0 : EINVAL;
}


struct portmap {
	struct pl ipv[64];
	int64_t portv[64];
	size_t n;
};


static int portmap_item(const char *p, size_t l, void *arg)
{
	struct portmap *pm = arg;
	const char *slash = memchr(p, '/', l);
	char num[16];
	int64_t port;
	size_t i, nl;

	if (!slash || pm->n == ARRAY_SIZE(pm->ipv))
		return EINVAL;
	if (!ip_valid(p, (size_t)(slash - p)))
		return EINVAL;

	nl = l - (size_t)(slash - p) - 1;
	if (!nl || nl >= sizeof(num))
		return EINVAL;
	memcpy(num, slash + 1, nl);
	num[nl] = '\0';
	for (i = 0; i < nl; i++) {
		if (num[i] < '0' || num[i] > '9')
			return EINVAL;
	}
	port = strtoll(num, NULL, 10);
	if (!port_valid(port))
		return ERANGE;

	for (i = 0; i < pm->n; i++) {
		if (pm->portv[i] == port ||
		    (pm->ipv[i].l == (size_t)(slash - p) &&
		     !memcmp(pm->ipv[i].p, p, pm->ipv[i].l)))
			return EEXIST;
	}

	pm->ipv[pm->n].p = p;
	pm->ipv[pm->n].l = (size_t)(slash - p);
	pm->portv[pm->n++] = port;

	return 0;
}


static int validate_port_override(const char *s, char *errbuf, size_t errsz)
{
	static const char *const key = "rtc.ice_host_port_override";
	struct portmap pm;
	size_t i;
	int err;

	if (!*s)
		return 0;

	if (!strchr(s, '/')) {
		for (i = 0; s[i]; i++) {
			if (s[i] < '0' || s[i] > '9' || i > 8)
				return verr(errbuf, errsz, "%s: '%s' is "
					    "neither a port nor a list of "
					    "ip/port", key, s);
		}
		if (!port_valid(strtoll(s, NULL, 10)))
			return verr(errbuf, errsz, "%s: port %s is not in "
				    "[%d, %d]", key, s, PORT_MIN, PORT_MAX);
		return 0;
	}

	memset(&pm, 0, sizeof(pm));
	err = split_each(s, portmap_item, &pm);
	if (err == EEXIST)
		return verr(errbuf, errsz, "%s: duplicate address or port in "
			    "'%s'", key, s);
	if (err == ERANGE)
		return verr(errbuf, errsz, "%s: a port in '%s' is not in "
			    "[%d, %d]", key, s, PORT_MIN, PORT_MAX);
	if (err)
		return verr(errbuf, errsz, "%s: expected a port or a list of "
			    "ip/port, got '%s'", key, s);

	return 0;
}


static bool host_valid(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		      c == ':' || c == '_'))
			return false;
	}

	return i > 0 && i < 254;
}


static int validate_ice_servers(const struct sfu_config *cfg,
				char *errbuf, size_t errsz)
{
	static const char *const schemes[] = {"stun:", "stuns:", "turn:",
					      "turns:"};
	size_t i, j, s;

	for (i = 0; i < cfg->rtc.ice_serverc; i++) {
		const struct sfu_ice_server *srv = &cfg->rtc.ice_servers[i];

		if (!srv->urlc)
			return verr(errbuf, errsz, "rtc.ice_servers[%zu]: "
				    "urls must not be empty", i);

		for (j = 0; j < srv->urlc; j++) {
			const char *u = srv->urls[j];
			bool ok = false;

			for (s = 0; s < ARRAY_SIZE(schemes); s++) {
				size_t n = strlen(schemes[s]);

				if (!strncasecmp(u, schemes[s], n) && u[n])
					ok = true;
			}
			if (!ok)
				return verr(errbuf, errsz,
					    "rtc.ice_servers[%zu]: URL '%s' "
					    "must start with stun:, stuns:, "
					    "turn: or turns:", i, u);
		}
	}

	return 0;
}


static bool level_valid(const char *s)
{
	static const char *const levels[] = {"trace", "debug", "info",
					     "warn", "error", "fatal",
					     "panic"};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(levels); i++) {
		if (!strcasecmp(s, levels[i]))
			return true;
	}

	return false;
}


/* The key pair must load, as Go's tls.LoadX509KeyPair checks */
static int validate_tls(const struct sfu_config *cfg, char *errbuf,
			size_t errsz)
{
	char *cert = NULL, *key = NULL;
	size_t certlen = 0, keylen = 0;
	struct tls *tls = NULL;
	int err;

	if (!*cfg->http.tls_cert_file)
		return verr(errbuf, errsz, "api.http.tls.cert_file: required "
			    "when TLS is enabled");
	if (!*cfg->http.tls_cert_key)
		return verr(errbuf, errsz, "api.http.tls.cert_key: required "
			    "when TLS is enabled");

	err = cfg_read_file(cfg->http.tls_cert_file, &cert, &certlen);
	if (err) {
		verr(errbuf, errsz, "api.http.tls.cert_file: %s: %m",
		     cfg->http.tls_cert_file, err);
		goto out;
	}
	err = cfg_read_file(cfg->http.tls_cert_key, &key, &keylen);
	if (err) {
		verr(errbuf, errsz, "api.http.tls.cert_key: %s: %m",
		     cfg->http.tls_cert_key, err);
		goto out;
	}

	err = tls_alloc(&tls, TLS_METHOD_SSLV23, NULL, NULL);
	if (err) {
		verr(errbuf, errsz, "api.http.tls: %m", err);
		goto out;
	}

	err = tls_set_certificate_pem(tls, cert, certlen, key, keylen);
	if (err) {
		verr(errbuf, errsz, "api.http.tls.cert_file: %s and %s do "
		     "not form a valid PEM certificate and key pair",
		     cfg->http.tls_cert_file, cfg->http.tls_cert_key);
		err = EINVAL;
	}

 out:
	mem_deref(tls);
	mem_deref(cert);
	mem_deref(key);
	return err;
}


static int validate_rtc(const struct sfu_config *cfg, char *errbuf,
			size_t errsz)
{
	const uint32_t nack = cfg->rtc.nack_buffer_size;
	int err;

	if (split_each(cfg->rtc.ice_address_udp, ip_item, NULL))
		return verr(errbuf, errsz, "rtc.ice_address_udp: expected a "
			    "comma-separated list of IP addresses, got '%s'",
			    cfg->rtc.ice_address_udp);
	if (split_each(cfg->rtc.ice_address_tcp, ip_item, NULL))
		return verr(errbuf, errsz, "rtc.ice_address_tcp: expected a "
			    "comma-separated list of IP addresses, got '%s'",
			    cfg->rtc.ice_address_tcp);

	if (!port_valid(cfg->rtc.ice_port_udp))
		return verr(errbuf, errsz, "rtc.ice_port_udp: %u is not in "
			    "[%d, %d]", cfg->rtc.ice_port_udp, PORT_MIN,
			    PORT_MAX);
	if (!port_valid(cfg->rtc.ice_port_tcp))
		return verr(errbuf, errsz, "rtc.ice_port_tcp: %u is not in "
			    "[%d, %d]", cfg->rtc.ice_port_tcp, PORT_MIN,
			    PORT_MAX);

	if (strchr(cfg->rtc.ice_host_override, '/')) {
		if (split_each(cfg->rtc.ice_host_override, pair_item, NULL))
			return verr(errbuf, errsz, "rtc.ice_host_override: "
				    "expected external/internal IP pairs, "
				    "got '%s'", cfg->rtc.ice_host_override);
	}
	else if (*cfg->rtc.ice_host_override &&
		 !host_valid(cfg->rtc.ice_host_override)) {
		return verr(errbuf, errsz, "rtc.ice_host_override: expected "
			    "an IP address or a hostname, got '%s'",
			    cfg->rtc.ice_host_override);
	}

	err = validate_port_override(cfg->rtc.ice_host_port_override,
				     errbuf, errsz);
	if (err)
		return err;

	err = validate_ice_servers(cfg, errbuf, errsz);
	if (err)
		return err;

	if (*cfg->rtc.turn_static_auth_secret &&
	    (cfg->rtc.turn_credentials_expiration_minutes == 0 ||
	     cfg->rtc.turn_credentials_expiration_minutes >= 10080))
		return verr(errbuf, errsz, "rtc.turn.credentials_expiration_"
			    "minutes: %u must be more than 0 and less than "
			    "10080 (one week)",
			    cfg->rtc.turn_credentials_expiration_minutes);

	if (cfg->rtc.udp_sockets_count == 0)
		return verr(errbuf, errsz, "rtc.udp_sockets_count: must be "
			    "more than 0");

	if (nack != 0 && (nack < 32 || nack > 8192 || (nack & (nack - 1))))
		return verr(errbuf, errsz, "rtc.nack_buffer_size: %u must be "
			    "0 (default) or a power of 2 in [32, 8192]",
			    nack);

	return 0;
}


int sfu_config_validate(const struct sfu_config *cfg, char *errbuf,
			size_t errsz)
{
	int err;

	if (!cfg)
		return EINVAL;

	if (!*cfg->http.listen_address)
		return verr(errbuf, errsz, "api.http.listen_address: must "
			    "not be empty");

	if (cfg->http.tls_enable) {
		err = validate_tls(cfg, errbuf, errsz);
		if (err)
			return err;
	}

	if (cfg->security.enable_admin && !*cfg->security.admin_secret_key)
		return verr(errbuf, errsz, "api.security.admin_secret_key: "
			    "required when enable_admin is true");

	if (cfg->security.session_cache_expiration_minutes == 0)
		return verr(errbuf, errsz, "api.security.session_cache."
			    "expiration_minutes: must be more than 0");

	err = validate_rtc(cfg, errbuf, errsz);
	if (err)
		return err;

	if (!*cfg->store.data_source)
		return verr(errbuf, errsz, "store.data_source: must not be "
			    "empty");

	if (!cfg->logger.enable_console && !cfg->logger.enable_file)
		return verr(errbuf, errsz, "logger: at least one of "
			    "enable_console and enable_file must be true");
	if (!level_valid(cfg->logger.console_level))
		return verr(errbuf, errsz, "logger.console_level: '%s' is not "
			    "one of trace, debug, info, warn, error, fatal, "
			    "panic", cfg->logger.console_level);
	if (!level_valid(cfg->logger.file_level))
		return verr(errbuf, errsz, "logger.file_level: '%s' is not "
			    "one of trace, debug, info, warn, error, fatal, "
			    "panic", cfg->logger.file_level);
	if (cfg->logger.enable_file && !*cfg->logger.file_location)
		return verr(errbuf, errsz, "logger.file_location: must not be "
			    "empty when enable_file is true");

	return 0;
}
