# media.mk: the media plane's sources (peer connections, signaling and
# renegotiation, forwarding, VAD); appended by sfu-media
SFU_MEDIA_SOURCES = cmd/sfu/peer.c cmd/sfu/peer.h cmd/sfu/media.c \
	cmd/sfu/media.h cmd/sfu/dc.c cmd/sfu/fwd.c cmd/sfu/fwd.h cmd/sfu/vad.c \
	cmd/sfu/vad.h
SFU_EXTRA_SOURCES += $(SFU_MEDIA_SOURCES)
EXTRA_DIST += cmd/sfu/media.mk
