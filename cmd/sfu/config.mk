# config.mk: the sources this area adds to calls-sfu (appended by its owner)
SFU_EXTRA_SOURCES +=
