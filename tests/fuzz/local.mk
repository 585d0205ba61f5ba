# Fuzz targets. Each fuzz_<parser>.c builds twice: a replay program that
# `make check` runs over corpus/<parser>/ (always), and a libFuzzer
# binary with --enable-fuzzing (CC=clang).
FUZZ_REPLAY_CPPFLAGS = $(AM_CPPFLAGS)
FUZZ_CORPUS = $(abs_top_srcdir)/tests/fuzz/corpus

check_PROGRAMS += tests/fuzz/replay-hostport
TESTS += tests/fuzz/replay-hostport
tests_fuzz_replay_hostport_SOURCES = tests/fuzz/fuzz_hostport.c tests/fuzz/replay.c
tests_fuzz_replay_hostport_CPPFLAGS = $(AM_CPPFLAGS) -DCORPUS_DIR='"$(FUZZ_CORPUS)/hostport"'
tests_fuzz_replay_hostport_LDADD = $(CALLS_LIBS)

if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-hostport
tests_fuzz_fuzz_hostport_SOURCES = tests/fuzz/fuzz_hostport.c
tests_fuzz_fuzz_hostport_LDFLAGS = $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_hostport_LDADD = $(CALLS_LIBS)
endif

# calls-probe: probe packets (network input) and /proc parsers
check_PROGRAMS += tests/fuzz/replay-probe_pkt tests/fuzz/replay-probe_proc
TESTS += tests/fuzz/replay-probe_pkt tests/fuzz/replay-probe_proc
tests_fuzz_replay_probe_pkt_SOURCES = tests/fuzz/fuzz_probe_pkt.c \
	tests/fuzz/replay.c cmd/probe/pkt.c
tests_fuzz_replay_probe_pkt_CPPFLAGS = $(AM_CPPFLAGS) \
	-I$(top_srcdir)/cmd/probe -DCORPUS_DIR='"$(FUZZ_CORPUS)/probe_pkt"'
tests_fuzz_replay_probe_pkt_LDADD = $(CALLS_LIBS)
tests_fuzz_replay_probe_proc_SOURCES = tests/fuzz/fuzz_probe_proc.c \
	tests/fuzz/replay.c cmd/probe/tunings.c
tests_fuzz_replay_probe_proc_CPPFLAGS = $(AM_CPPFLAGS) \
	-I$(top_srcdir)/cmd/probe -DCORPUS_DIR='"$(FUZZ_CORPUS)/probe_proc"'
tests_fuzz_replay_probe_proc_LDADD = $(CALLS_LIBS)

if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-probe_pkt tests/fuzz/fuzz-probe_proc
tests_fuzz_fuzz_probe_pkt_SOURCES = tests/fuzz/fuzz_probe_pkt.c \
	cmd/probe/pkt.c
tests_fuzz_fuzz_probe_pkt_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/cmd/probe
tests_fuzz_fuzz_probe_pkt_LDFLAGS = $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_probe_pkt_LDADD = $(CALLS_LIBS)
tests_fuzz_fuzz_probe_proc_SOURCES = tests/fuzz/fuzz_probe_proc.c \
	cmd/probe/tunings.c
tests_fuzz_fuzz_probe_proc_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/cmd/probe
tests_fuzz_fuzz_probe_proc_LDFLAGS = $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_probe_proc_LDADD = $(CALLS_LIBS)
endif

# calls-sfu: the Authorization header (Basic/Bearer)
check_PROGRAMS += tests/fuzz/replay-authhdr
TESTS += tests/fuzz/replay-authhdr
tests_fuzz_replay_authhdr_SOURCES = tests/fuzz/fuzz_authhdr.c \
	tests/fuzz/replay.c cmd/sfu/authhdr.c
tests_fuzz_replay_authhdr_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/cmd/sfu \
	-DCORPUS_DIR='"$(FUZZ_CORPUS)/authhdr"'
tests_fuzz_replay_authhdr_LDADD = $(CALLS_LIBS)

if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-authhdr
tests_fuzz_fuzz_authhdr_SOURCES = tests/fuzz/fuzz_authhdr.c cmd/sfu/authhdr.c
tests_fuzz_fuzz_authhdr_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/cmd/sfu
tests_fuzz_fuzz_authhdr_LDFLAGS = $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_authhdr_LDADD = $(CALLS_LIBS)
endif

# calls-sfu: the TOML parser and the config keys on top of it
SFU_CONFIG_FUZZ_SOURCES = cmd/sfu/toml.c cmd/sfu/toml_lex.c \
	cmd/sfu/config.c cmd/sfu/config_ice.c cmd/sfu/config_valid.c
check_PROGRAMS += tests/fuzz/replay-toml
TESTS += tests/fuzz/replay-toml
tests_fuzz_replay_toml_SOURCES = tests/fuzz/fuzz_toml.c tests/fuzz/replay.c \
	$(SFU_CONFIG_FUZZ_SOURCES)
tests_fuzz_replay_toml_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/cmd/sfu \
	-DCORPUS_DIR='"$(FUZZ_CORPUS)/toml"'
tests_fuzz_replay_toml_LDADD = $(CALLS_LIBS)

if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-toml
tests_fuzz_fuzz_toml_SOURCES = tests/fuzz/fuzz_toml.c \
	$(SFU_CONFIG_FUZZ_SOURCES)
tests_fuzz_fuzz_toml_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/cmd/sfu
tests_fuzz_fuzz_toml_LDFLAGS = $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_toml_LDADD = $(CALLS_LIBS)
endif

# calls-metrics: the Prometheus/OpenMetrics text parser (lib/prom)
check_PROGRAMS += tests/fuzz/replay-prom
TESTS += tests/fuzz/replay-prom
tests_fuzz_replay_prom_SOURCES = tests/fuzz/fuzz_prom.c tests/fuzz/replay.c
tests_fuzz_replay_prom_CPPFLAGS = $(AM_CPPFLAGS) -DCORPUS_DIR='"$(FUZZ_CORPUS)/prom"'
tests_fuzz_replay_prom_LDADD = $(CALLS_LIBS)

if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-prom
tests_fuzz_fuzz_prom_SOURCES = tests/fuzz/fuzz_prom.c
tests_fuzz_fuzz_prom_LDFLAGS = $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_prom_LDADD = $(CALLS_LIBS)
endif

# calls-sfu: the request line's method and path (routes, {callID} decoding)
check_PROGRAMS += tests/fuzz/replay-apiroute
TESTS += tests/fuzz/replay-apiroute
tests_fuzz_replay_apiroute_SOURCES = tests/fuzz/fuzz_apiroute.c \
	tests/fuzz/replay.c cmd/sfu/route.c
tests_fuzz_replay_apiroute_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/cmd/sfu \
	-DCORPUS_DIR='"$(FUZZ_CORPUS)/apiroute"'
tests_fuzz_replay_apiroute_LDADD = $(CALLS_LIBS)

if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-apiroute
tests_fuzz_fuzz_apiroute_SOURCES = tests/fuzz/fuzz_apiroute.c cmd/sfu/route.c
tests_fuzz_fuzz_apiroute_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/cmd/sfu
tests_fuzz_fuzz_apiroute_LDFLAGS = $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_apiroute_LDADD = $(CALLS_LIBS)
endif

# STUN: the codec and calls-stun's request handler
check_PROGRAMS += tests/fuzz/replay-stun
TESTS += tests/fuzz/replay-stun
tests_fuzz_replay_stun_SOURCES = tests/fuzz/fuzz_stun.c tests/fuzz/replay.c \
	cmd/stun/handler.c
tests_fuzz_replay_stun_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/cmd/stun \
	-DCORPUS_DIR='"$(FUZZ_CORPUS)/stun"'
tests_fuzz_replay_stun_LDADD = $(CALLS_LIBS)

if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-stun
tests_fuzz_fuzz_stun_SOURCES = tests/fuzz/fuzz_stun.c cmd/stun/handler.c
tests_fuzz_fuzz_stun_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/cmd/stun
tests_fuzz_fuzz_stun_LDFLAGS = $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_stun_LDADD = $(CALLS_LIBS)
endif

check_PROGRAMS += tests/fuzz/replay-rtcdmsg
TESTS += tests/fuzz/replay-rtcdmsg
tests_fuzz_replay_rtcdmsg_SOURCES = tests/fuzz/fuzz_rtcdmsg.c tests/fuzz/replay.c
tests_fuzz_replay_rtcdmsg_CPPFLAGS = $(AM_CPPFLAGS) -DCORPUS_DIR='"$(FUZZ_CORPUS)/rtcdmsg"'
tests_fuzz_replay_rtcdmsg_LDADD = $(CALLS_LIBS)

if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-rtcdmsg
tests_fuzz_fuzz_rtcdmsg_SOURCES = tests/fuzz/fuzz_rtcdmsg.c
tests_fuzz_fuzz_rtcdmsg_LDFLAGS = $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_rtcdmsg_LDADD = $(CALLS_LIBS)
endif

# rtcd data channel messages (lib/dcmsg) and DCEP (lib/sctp)
check_PROGRAMS += tests/fuzz/replay-dcmsg
TESTS += tests/fuzz/replay-dcmsg
tests_fuzz_replay_dcmsg_SOURCES = tests/fuzz/fuzz_dcmsg.c tests/fuzz/replay.c
tests_fuzz_replay_dcmsg_CPPFLAGS = $(AM_CPPFLAGS) \
	-DCORPUS_DIR='"$(FUZZ_CORPUS)/dcmsg"'
tests_fuzz_replay_dcmsg_LDADD = $(CALLS_LIBS)

if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-dcmsg
tests_fuzz_fuzz_dcmsg_SOURCES = tests/fuzz/fuzz_dcmsg.c
tests_fuzz_fuzz_dcmsg_LDFLAGS = $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_dcmsg_LDADD = $(CALLS_LIBS)
endif

# calls-sfu: the RTC port input path (demux, ICE-lite, ICE-TCP framing)
check_PROGRAMS += tests/fuzz/replay-rtcport
TESTS += tests/fuzz/replay-rtcport
tests_fuzz_replay_rtcport_SOURCES = tests/fuzz/fuzz_rtcport.c \
	tests/fuzz/replay.c cmd/sfu/rtcnet.c tests/unit/sfu_metrics_stub.c \
	cmd/sfu/rtcnet_tcp.c
tests_fuzz_replay_rtcport_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/cmd/sfu \
	-DCORPUS_DIR='"$(FUZZ_CORPUS)/rtcport"'
tests_fuzz_replay_rtcport_LDADD = $(CALLS_LIBS)

if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-rtcport
tests_fuzz_fuzz_rtcport_SOURCES = tests/fuzz/fuzz_rtcport.c \
	cmd/sfu/rtcnet.c tests/unit/sfu_metrics_stub.c cmd/sfu/rtcnet_tcp.c
tests_fuzz_fuzz_rtcport_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/cmd/sfu
tests_fuzz_fuzz_rtcport_LDFLAGS = $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_rtcport_LDADD = $(CALLS_LIBS)
endif

# WebRTC wire formats: SDP (parse + builders) and RTP/RTCP (webrtc-wire)
check_PROGRAMS += tests/fuzz/replay-sdp tests/fuzz/replay-rtp
TESTS += tests/fuzz/replay-sdp tests/fuzz/replay-rtp
tests_fuzz_replay_sdp_SOURCES = tests/fuzz/fuzz_sdp.c tests/fuzz/replay.c
tests_fuzz_replay_sdp_CPPFLAGS = $(AM_CPPFLAGS) -DCORPUS_DIR='"$(FUZZ_CORPUS)/sdp"'
tests_fuzz_replay_sdp_LDADD = $(CALLS_LIBS)
tests_fuzz_replay_rtp_SOURCES = tests/fuzz/fuzz_rtp.c tests/fuzz/replay.c
tests_fuzz_replay_rtp_CPPFLAGS = $(AM_CPPFLAGS) -DCORPUS_DIR='"$(FUZZ_CORPUS)/rtp"'
tests_fuzz_replay_rtp_LDADD = $(CALLS_LIBS)

if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-sdp tests/fuzz/fuzz-rtp
tests_fuzz_fuzz_sdp_SOURCES = tests/fuzz/fuzz_sdp.c
tests_fuzz_fuzz_sdp_LDFLAGS = $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_sdp_LDADD = $(CALLS_LIBS)
tests_fuzz_fuzz_rtp_SOURCES = tests/fuzz/fuzz_rtp.c
tests_fuzz_fuzz_rtp_LDFLAGS = $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_rtp_LDADD = $(CALLS_LIBS)
endif

# calls-sfu media plane on client input: offers/answers, calls-dc
# messages, plain RTP/RTCP after SRTP (sfu-media)
FUZZ_SFU_MEDIA_SOURCES = tests/fuzz/fuzz_sfu_media.c $(SFU_MEDIA_SOURCES) \
	cmd/sfu/rtc.c cmd/sfu/rtcnet.c cmd/sfu/cand.c cmd/sfu/metrics.c \
	cmd/sfu/rtcnet_tcp.c
check_PROGRAMS += tests/fuzz/replay-sfu_media
TESTS += tests/fuzz/replay-sfu_media
tests_fuzz_replay_sfu_media_SOURCES = $(FUZZ_SFU_MEDIA_SOURCES) \
	tests/fuzz/replay.c
tests_fuzz_replay_sfu_media_CPPFLAGS = $(AM_CPPFLAGS) \
	-I$(top_srcdir)/cmd/sfu -DCORPUS_DIR='"$(FUZZ_CORPUS)/sfu_media"'
tests_fuzz_replay_sfu_media_LDADD = $(CALLS_LIBS)

if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-sfu_media
tests_fuzz_fuzz_sfu_media_SOURCES = $(FUZZ_SFU_MEDIA_SOURCES)
tests_fuzz_fuzz_sfu_media_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/cmd/sfu
tests_fuzz_fuzz_sfu_media_LDFLAGS = $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_sfu_media_LDADD = $(CALLS_LIBS)
endif

# calls-lt --target janus: Janus API answers and long-poll events
check_PROGRAMS += tests/fuzz/replay-janus_msg
TESTS += tests/fuzz/replay-janus_msg
tests_fuzz_replay_janus_msg_SOURCES = tests/fuzz/fuzz_janus_msg.c \
	tests/fuzz/replay.c cmd/lt/janus_msg.c
tests_fuzz_replay_janus_msg_CPPFLAGS = $(AM_CPPFLAGS) \
	-I$(top_srcdir)/cmd/lt -DCORPUS_DIR='"$(FUZZ_CORPUS)/janus_msg"'
tests_fuzz_replay_janus_msg_LDADD = $(CALLS_LIBS)

if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-janus_msg
tests_fuzz_fuzz_janus_msg_SOURCES = tests/fuzz/fuzz_janus_msg.c \
	cmd/lt/janus_msg.c
tests_fuzz_fuzz_janus_msg_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/cmd/lt
tests_fuzz_fuzz_janus_msg_LDFLAGS = $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_janus_msg_LDADD = $(CALLS_LIBS)
endif

# calls-lt: the Ogg page reader and the IVF reader + VP8 packetizer
check_PROGRAMS += tests/fuzz/replay-lt_ogg tests/fuzz/replay-lt_ivf
TESTS += tests/fuzz/replay-lt_ogg tests/fuzz/replay-lt_ivf
tests_fuzz_replay_lt_ogg_SOURCES = tests/fuzz/fuzz_lt_ogg.c \
	tests/fuzz/replay.c cmd/lt/ogg.c
tests_fuzz_replay_lt_ogg_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/cmd/lt \
	-DCORPUS_DIR='"$(FUZZ_CORPUS)/lt_ogg"'
tests_fuzz_replay_lt_ogg_LDADD = $(CALLS_LIBS)
tests_fuzz_replay_lt_ivf_SOURCES = tests/fuzz/fuzz_lt_ivf.c \
	tests/fuzz/replay.c cmd/lt/ivf.c
tests_fuzz_replay_lt_ivf_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/cmd/lt \
	-DCORPUS_DIR='"$(FUZZ_CORPUS)/lt_ivf"'
tests_fuzz_replay_lt_ivf_LDADD = $(CALLS_LIBS)
if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-lt_ogg tests/fuzz/fuzz-lt_ivf
tests_fuzz_fuzz_lt_ogg_SOURCES = tests/fuzz/fuzz_lt_ogg.c cmd/lt/ogg.c
tests_fuzz_fuzz_lt_ogg_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/cmd/lt
tests_fuzz_fuzz_lt_ogg_LDFLAGS = $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_lt_ogg_LDADD = $(CALLS_LIBS)
tests_fuzz_fuzz_lt_ivf_SOURCES = tests/fuzz/fuzz_lt_ivf.c cmd/lt/ivf.c
tests_fuzz_fuzz_lt_ivf_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/cmd/lt
tests_fuzz_fuzz_lt_ivf_LDFLAGS = $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_lt_ivf_LDADD = $(CALLS_LIBS)
endif
# calls-lt: HTTP responses (register, /system, /metrics) and DNS answers
check_PROGRAMS += tests/fuzz/replay-lt_http
TESTS += tests/fuzz/replay-lt_http
tests_fuzz_replay_lt_http_SOURCES = tests/fuzz/fuzz_lt_http.c \
	tests/fuzz/replay.c cmd/lt/http.c cmd/lt/resolve.c
tests_fuzz_replay_lt_http_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/cmd/lt \
	-DCORPUS_DIR='"$(FUZZ_CORPUS)/lt_http"'
tests_fuzz_replay_lt_http_LDADD = $(CALLS_LIBS)
if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-lt_http
tests_fuzz_fuzz_lt_http_SOURCES = tests/fuzz/fuzz_lt_http.c cmd/lt/http.c \
	cmd/lt/resolve.c
tests_fuzz_fuzz_lt_http_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/cmd/lt
tests_fuzz_fuzz_lt_http_LDFLAGS = $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_lt_http_LDADD = $(CALLS_LIBS)
endif
