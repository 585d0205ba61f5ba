# Unit tests: one TAP runner, one program per area
UNIT_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/unit \
	-DTESTDATA_DIR='"$(abs_top_srcdir)/tests/data"'

check_PROGRAMS += tests/unit/unit-lib
TESTS += tests/unit/unit-lib
tests_unit_unit_lib_SOURCES = tests/unit/unit_lib.c tests/unit/runner.c \
	tests/unit/runner.h \
	tests/unit/test_hostport.c tests/unit/test_json.c \
	tests/unit/test_opt.c tests/unit/test_log.c
tests_unit_unit_lib_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_unit_lib_LDADD = $(CALLS_LIBS)

check_PROGRAMS += tests/unit/unit-stun
TESTS += tests/unit/unit-stun
tests_unit_unit_stun_SOURCES = tests/unit/unit_stun.c tests/unit/runner.c \
	tests/unit/runner.h tests/unit/test_stun.c tests/unit/test_stunc.c \
	tests/unit/test_stun_handler.c cmd/stun/handler.c
tests_unit_unit_stun_CPPFLAGS = $(UNIT_CPPFLAGS) -I$(top_srcdir)/cmd/stun
tests_unit_unit_stun_LDADD = $(CALLS_LIBS)

# calls-sfu WebSocket side: rtcd codec, calls/sessions model
check_PROGRAMS += tests/unit/unit-sfu-ws
TESTS += tests/unit/unit-sfu-ws
tests_unit_unit_sfu_ws_SOURCES = tests/unit/unit_sfu_ws.c \
	tests/unit/runner.c tests/unit/runner.h \
	tests/unit/test_rtcdmsg.c tests/unit/test_sfu_rtc.c \
	tests/unit/sfu_metrics_stub.c cmd/sfu/rtc.c
tests_unit_unit_sfu_ws_CPPFLAGS = $(UNIT_CPPFLAGS) -I$(top_srcdir)/cmd/sfu
tests_unit_unit_sfu_ws_LDADD = $(CALLS_LIBS)

# calls-probe: probe packets, statistics, /proc parsers
check_PROGRAMS += tests/unit/unit-probe
TESTS += tests/unit/unit-probe
tests_unit_unit_probe_SOURCES = tests/unit/unit_probe.c tests/unit/runner.c \
	tests/unit/runner.h tests/unit/test_probe_pkt.c \
	tests/unit/test_probe_stats.c tests/unit/test_probe_proc.c \
	cmd/probe/pkt.c cmd/probe/stats.c cmd/probe/tunings.c
tests_unit_unit_probe_CPPFLAGS = $(UNIT_CPPFLAGS) -I$(top_srcdir)/cmd/probe
tests_unit_unit_probe_LDADD = $(CALLS_LIBS)

# calls-sfu API side: SQLite store, Authorization parsing, auth service
check_PROGRAMS += tests/unit/unit-sfu-api
TESTS += tests/unit/unit-sfu-api
tests_unit_unit_sfu_api_SOURCES = tests/unit/unit_sfu_api.c \
	tests/unit/runner.c tests/unit/runner.h \
	tests/unit/test_sfu_store.c tests/unit/test_sfu_auth.c \
	cmd/sfu/store.c cmd/sfu/auth.c cmd/sfu/authhdr.c
tests_unit_unit_sfu_api_CPPFLAGS = -I$(top_srcdir)/cmd/sfu $(UNIT_CPPFLAGS) \
	$(SQLITE_CFLAGS)
tests_unit_unit_sfu_api_LDADD = $(CALLS_LIBS) $(SQLITE_LIBS) $(CRYPT_LIBS) \
	$(AX_PTHREAD_LIBS)

# calls-sfu config side: TOML parser, rtcd config keys, rtcd_* metrics
check_PROGRAMS += tests/unit/unit-sfu-config
TESTS += tests/unit/unit-sfu-config
tests_unit_unit_sfu_config_SOURCES = tests/unit/unit_sfu_config.c \
	tests/unit/runner.c tests/unit/runner.h \
	tests/unit/test_sfu_toml.c tests/unit/test_sfu_config.c \
	tests/unit/test_sfu_metrics.c \
	cmd/sfu/config.c cmd/sfu/config_ice.c cmd/sfu/config_valid.c \
	cmd/sfu/toml.c cmd/sfu/toml_lex.c cmd/sfu/metrics.c
tests_unit_unit_sfu_config_CPPFLAGS = $(UNIT_CPPFLAGS) -I$(top_srcdir)/cmd/sfu
tests_unit_unit_sfu_config_LDADD = $(CALLS_LIBS)

# calls-metrics: lib/prom (the exposition parser) and cmd/metrics modules
check_PROGRAMS += tests/unit/unit-metrics
TESTS += tests/unit/unit-metrics
tests_unit_unit_metrics_SOURCES = tests/unit/unit_metrics.c \
	tests/unit/runner.c tests/unit/runner.h \
	tests/unit/test_prom.c tests/unit/test_prom_watch.c \
	$(METRICS_SOURCES)
tests_unit_unit_metrics_CPPFLAGS = $(UNIT_CPPFLAGS) \
	-I$(top_srcdir)/cmd/metrics $(CURL_CFLAGS)
tests_unit_unit_metrics_LDADD = $(METRICS_LIBS)

# WebRTC wire formats: SDP, RTP/RTCP, SRTP (libsrtp2 only as test oracle)
check_PROGRAMS += tests/unit/unit-webrtc-wire
TESTS += tests/unit/unit-webrtc-wire
tests_unit_unit_webrtc_wire_SOURCES = tests/unit/unit_webrtc_wire.c \
	tests/unit/runner.c tests/unit/runner.h \
	tests/unit/test_sdp.c tests/unit/test_rtp.c tests/unit/test_srtp.c
tests_unit_unit_webrtc_wire_CPPFLAGS = $(UNIT_CPPFLAGS) $(SRTP_CFLAGS)
tests_unit_unit_webrtc_wire_LDADD = $(CALLS_LIBS) $(SRTP_LIBS)

# WebRTC security and data channels: lib/dcmsg, lib/dtls, lib/sctp
check_PROGRAMS += tests/unit/unit-webrtc-secure
TESTS += tests/unit/unit-webrtc-secure
tests_unit_unit_webrtc_secure_SOURCES = tests/unit/unit_webrtc_secure.c \
	tests/unit/runner.c tests/unit/runner.h \
	tests/unit/test_dcmsg.c tests/unit/test_dtls.c \
	tests/unit/test_sctp.c tests/unit/test_webrtc_secure.h
tests_unit_unit_webrtc_secure_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_unit_webrtc_secure_LDADD = $(CALLS_LIBS)
EXTRA_DIST += tests/unit/webrtc_secure_peer.py

# calls-sfu RTC port: demux, ICE-lite responder, candidates
check_PROGRAMS += tests/unit/unit-sfu-net
TESTS += tests/unit/unit-sfu-net
tests_unit_unit_sfu_net_SOURCES = tests/unit/unit_sfu_net.c \
	tests/unit/runner.c tests/unit/runner.h \
	tests/unit/test_sfu_rtcnet.c tests/unit/test_sfu_cand.c \
	tests/unit/sfu_metrics_stub.c cmd/sfu/rtcnet.c cmd/sfu/cand.c \
	cmd/sfu/rtcnet_tcp.c cmd/sfu/rtcnet_int.h
tests_unit_unit_sfu_net_CPPFLAGS = -I$(top_srcdir)/cmd/sfu $(UNIT_CPPFLAGS)
tests_unit_unit_sfu_net_LDADD = $(CALLS_LIBS)

# calls-sfu media plane: VAD, forwarding, signaling/renegotiation
check_PROGRAMS += tests/unit/unit-sfu-media
TESTS += tests/unit/unit-sfu-media
tests_unit_unit_sfu_media_SOURCES = tests/unit/unit_sfu_media.c \
	tests/unit/runner.c tests/unit/runner.h \
	tests/unit/test_sfu_vad.c tests/unit/test_sfu_fwd.c \
	tests/unit/test_sfu_media.c \
	$(SFU_MEDIA_SOURCES) cmd/sfu/rtc.c cmd/sfu/rtcnet.c cmd/sfu/cand.c \
	cmd/sfu/rtcnet_tcp.c \
	cmd/sfu/metrics.c
tests_unit_unit_sfu_media_CPPFLAGS = -I$(top_srcdir)/cmd/sfu $(UNIT_CPPFLAGS)
tests_unit_unit_sfu_media_LDADD = $(CALLS_LIBS)

# scripts/bench/srtp: ns per packet, lib/srtp vs libsrtp2
noinst_PROGRAMS += scripts/bench/srtpbench
scripts_bench_srtpbench_SOURCES = scripts/bench/srtpbench.c
scripts_bench_srtpbench_CPPFLAGS = $(AM_CPPFLAGS) $(SRTP_CFLAGS)
scripts_bench_srtpbench_LDADD = $(CALLS_LIBS) $(SRTP_LIBS)

check_PROGRAMS += tests/unit/unit-lt
TESTS += tests/unit/unit-lt
tests_unit_unit_lt_SOURCES = tests/unit/unit_lt.c tests/unit/runner.c \
	tests/unit/runner.h tests/unit/test_lt.c \
	cmd/lt/peer.c cmd/lt/peer_media.c cmd/lt/rtcd.c cmd/lt/scenario.c \
	cmd/lt/stats.c \
	cmd/lt/media.c cmd/lt/ogg.c cmd/lt/ivf.c cmd/lt/http.c \
	cmd/lt/resolve.c cmd/lt/sfumetrics.c
tests_unit_unit_lt_CPPFLAGS = $(UNIT_CPPFLAGS) -I$(top_srcdir)/cmd/lt \
	-DLT_SRCDIR='"$(abs_top_srcdir)"'
tests_unit_unit_lt_LDADD = $(CALLS_LIBS) -lm
