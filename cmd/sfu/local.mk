# calls-sfu: drop-in replacement for Mattermost's rtcd (control plane).
# The other two areas add their sources through SFU_EXTRA_SOURCES in
# their own cmd/sfu/<area>.mk; this file is edited by sfu-api only.
SFU_EXTRA_SOURCES =
include cmd/sfu/config.mk
include cmd/sfu/ws.mk
include cmd/sfu/net.mk
include cmd/sfu/media.mk

SFU_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/cmd/sfu \
	-DSFU_VERSION='"$(PACKAGE_VERSION)"' $(SQLITE_CFLAGS) \
	$(MSGPACK_CFLAGS)
SFU_LIBS = $(CALLS_LIBS) $(SQLITE_LIBS) $(CRYPT_LIBS) $(MSGPACK_LIBS) \
	$(JQ_LIBS) $(AX_PTHREAD_LIBS)
# The API side: everything but main.c, shared with the unit tests
SFU_API_SOURCES = cmd/sfu/sfu.h \
	cmd/sfu/api.c cmd/sfu/api.h cmd/sfu/route.c \
	cmd/sfu/auth.c cmd/sfu/auth.h \
	cmd/sfu/authhdr.c \
	cmd/sfu/store.c cmd/sfu/store.h \
	cmd/sfu/sfu.c

bin_PROGRAMS += cmd/sfu/calls-sfu
cmd_sfu_calls_sfu_SOURCES = cmd/sfu/main.c cmd/sfu/help.inc \
	$(SFU_API_SOURCES) $(SFU_EXTRA_SOURCES)
cmd_sfu_calls_sfu_CPPFLAGS = $(SFU_CPPFLAGS)
cmd_sfu_calls_sfu_LDADD = $(SFU_LIBS)
EXTRA_DIST += cmd/sfu/config.mk cmd/sfu/ws.mk
