# ws.mk: the sources this area adds to calls-sfu (appended by its owner)
SFU_EXTRA_SOURCES += cmd/sfu/ws.c cmd/sfu/ws.h cmd/sfu/rtc.c cmd/sfu/rtc.h
