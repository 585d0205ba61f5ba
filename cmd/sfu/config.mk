# config.mk: the sources this area adds to calls-sfu (appended by its owner)
SFU_EXTRA_SOURCES += cmd/sfu/config.c cmd/sfu/config.h \
	cmd/sfu/config_ice.c cmd/sfu/config_valid.c cmd/sfu/config_int.h \
	cmd/sfu/toml.c cmd/sfu/toml_lex.c cmd/sfu/toml.h cmd/sfu/toml_int.h \
	cmd/sfu/metrics.c cmd/sfu/metrics.h
