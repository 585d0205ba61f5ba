# calls-stun: STUN server (RFC 8489/5780), client and NAT discovery
bin_PROGRAMS += cmd/stun/calls-stun
cmd_stun_calls_stun_SOURCES = cmd/stun/main.c cmd/stun/stuncmd.h \
	cmd/stun/handler.c cmd/stun/serve.c cmd/stun/query.c \
	cmd/stun/nat.c cmd/stun/metrics.c cmd/stun/help.inc
cmd_stun_calls_stun_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/cmd/stun
cmd_stun_calls_stun_LDADD = $(CALLS_LIBS)

# Load generator for scripts/bench/stun (not installed)
noinst_PROGRAMS += scripts/bench/stunload
scripts_bench_stunload_SOURCES = scripts/bench/stunload.c
