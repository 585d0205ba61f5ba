# net.mk: the RTC port (sockets, ICE-lite, candidates), owned by sfu-net
SFU_EXTRA_SOURCES += cmd/sfu/rtcnet.c cmd/sfu/rtcnet.h \
	cmd/sfu/rtcnet_tcp.c cmd/sfu/rtcnet_int.h \
	cmd/sfu/cand.c cmd/sfu/cand.h
EXTRA_DIST += cmd/sfu/net.mk
