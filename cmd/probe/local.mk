# calls-probe: netcat-compatible port test, echo responder, ping with
# loss/RTT/jitter and path MTU, STUN check, host tunings check
bin_PROGRAMS += cmd/probe/calls-probe
cmd_probe_calls_probe_SOURCES = cmd/probe/main.c cmd/probe/probe.h \
	cmd/probe/pkt.c cmd/probe/stats.c cmd/probe/sock.c \
	cmd/probe/nc.c cmd/probe/echo.c cmd/probe/ping.c cmd/probe/mtu.c \
	cmd/probe/stunp.c cmd/probe/tunings.c cmd/probe/help.inc
cmd_probe_calls_probe_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/cmd/probe
cmd_probe_calls_probe_LDADD = $(CALLS_LIBS)
