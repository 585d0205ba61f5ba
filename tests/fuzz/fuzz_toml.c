/* Fuzz target: calls-sfu's TOML parser, then the config keys on top;
 * the same bytes also go through the RTCD_RTC_ICESERVERS JSON reader */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "re_inc.h"
#include "log.h"
#include "../../cmd/sfu/toml.h"
#include "../../cmd/sfu/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static void as_json(const uint8_t *data, size_t size)
{
	struct sfu_config *cfg = NULL;
	char errbuf[256];
	char *s;
	int err;

	s = malloc(size + 1);
	if (!s || sfu_config_alloc(&cfg))
		abort();
	memcpy(s, data, size);
	s[size] = '\0';

	err = sfu_config_set(cfg, "rtc.ice_servers", s, errbuf,
			     sizeof(errbuf));
	if (err && strncmp(errbuf, "rtc.ice_servers: ", 17))
		abort();   /* errors name the key */
	if (!err)
		(void)sfu_config_validate(cfg, errbuf, sizeof(errbuf));

	mem_deref(cfg);
	free(s);
}


static void as_toml(const uint8_t *data, size_t size)
{
	struct sfu_config *cfg = NULL;
	struct toml_val *root = NULL;
	char errbuf[256];
	char *json = NULL;
	int err;

	err = toml_parse(&root, (const char *)data, size, errbuf,
			 sizeof(errbuf));
	if (err) {
		/* every syntax error carries a line number */
		if (err != EBADMSG || errbuf[0] < '1' || errbuf[0] > '9')
			abort();
		return;
	}
	mem_deref(root);

	if (sfu_config_alloc(&cfg))
		abort();

	/* keys, types and validation over whatever parsed */
	err = sfu_config_load_buf(cfg, "fuzz.toml", (const char *)data, size,
				  errbuf, sizeof(errbuf));
	if (!err) {
		cfg->http.tls_enable = false;   /* no reading named files */
		(void)sfu_config_validate(cfg, errbuf, sizeof(errbuf));
		if (re_sdprintf(&json, "%H", sfu_config_print_json, cfg))
			abort();
		mem_deref(json);
	}
	else if (strncmp(errbuf, "fuzz.toml:", 10)) {
		abort();   /* errors name the file */
	}

	mem_deref(cfg);
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 65536)
		return 0;

	calls_log_set_level(CALLS_LOG_ERROR);   /* unknown-key warnings */

	as_toml(data, size);
	as_json(data, size);

	return 0;
}
