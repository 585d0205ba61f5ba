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
