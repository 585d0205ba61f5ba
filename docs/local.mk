# Man pages are generated from docs/man/*.1.md by scripts/gen-docs and
# committed; tests/cli/docs.bats fails when they are stale.
EXTRA_DIST += docs/man docs/ARCHITECTURE.md
dist_man1_MANS += docs/man/calls-probe.1
dist_man1_MANS += docs/man/calls-metrics.1
dist_man1_MANS += docs/man/calls-sfu.1
dist_man1_MANS += docs/man/calls-lt.1
EXTRA_DIST += docs/PERFORMANCE.md scripts/bench/sfu scripts/bench/janus-start
