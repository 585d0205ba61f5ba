# calls-lt: a load tester that measures: real WebRTC peers (ICE, DTLS,
# SRTP, calls-dc) against calls-sfu (rtcd protocol) or Janus VideoRoom
bin_PROGRAMS += cmd/lt/calls-lt
LT_CORE_SOURCES = cmd/lt/lt.h cmd/lt/ltint.h cmd/lt/peer.c \
	cmd/lt/peer_int.h cmd/lt/peer_media.c \
	cmd/lt/rtcd.c cmd/lt/scenario.c cmd/lt/stats.c cmd/lt/media.c \
	cmd/lt/ogg.c cmd/lt/ivf.c cmd/lt/http.c cmd/lt/resolve.c \
	cmd/lt/sfumetrics.c
cmd_lt_calls_lt_SOURCES = cmd/lt/main.c $(LT_CORE_SOURCES) \
	cmd/lt/help.inc
cmd_lt_calls_lt_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/cmd/lt \
	-DLT_SAMPLEDIR=\"$(pkgdatadir)/lt\" -DLT_SRCDIR=\"$(abs_top_srcdir)\"
cmd_lt_calls_lt_LDADD = $(CALLS_LIBS) -lm
ltsamplesdir = $(pkgdatadir)/lt
dist_ltsamples_DATA = samples/lt/speech.opus samples/lt/screen.ivf
cmd_lt_calls_lt_SOURCES += cmd/lt/janus.c cmd/lt/janus.h cmd/lt/janus_msg.c cmd/lt/janus_http.c cmd/lt/janus_int.h
