# Unit tests: one TAP runner, one program per area
UNIT_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/unit \
	-DTESTDATA_DIR='"$(abs_top_srcdir)/tests/data"'

check_PROGRAMS += tests/unit/unit-lib
TESTS += tests/unit/unit-lib
tests_unit_unit_lib_SOURCES = tests/unit/unit_lib.c tests/unit/runner.c \
	tests/unit/runner.h \
	tests/unit/test_hostport.c tests/unit/test_json.c \
	tests/unit/test_opt.c
tests_unit_unit_lib_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_unit_lib_LDADD = $(CALLS_LIBS)

check_PROGRAMS += tests/unit/unit-stun
TESTS += tests/unit/unit-stun
tests_unit_unit_stun_SOURCES = tests/unit/unit_stun.c tests/unit/runner.c \
	tests/unit/runner.h tests/unit/test_stun.c tests/unit/test_stunc.c
tests_unit_unit_stun_CPPFLAGS = $(UNIT_CPPFLAGS)
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
