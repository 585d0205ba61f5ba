# Command-line tests with bats; helpers.bash starts daemons on port 0
TESTS += tests/cli/docs.bats
EXTRA_DIST += tests/cli/helpers.bash
TESTS += tests/cli/probe.bats
TESTS += tests/cli/sfu-api.bats
EXTRA_DIST += tests/cli/sfu_api_hold.py
TESTS += tests/cli/metrics.bats
TESTS += tests/cli/sfu-ws.bats
EXTRA_DIST += tests/cli/sfu_ws_client.py
TESTS += tests/cli/stun.bats
check_PROGRAMS += tests/cli/rtcdc-join
tests_cli_rtcdc_join_SOURCES = tests/cli/rtcdc_join.c
tests_cli_rtcdc_join_LDADD = $(CALLS_LIBS)
TESTS += tests/cli/sfu-net.bats
TESTS += tests/cli/media.bats
EXTRA_DIST += tests/media/harness.py
EXTRA_DIST += tests/media/browser/relay.py tests/media/browser/index.html tests/media/browser/drive.js tests/media/browser/package.json tests/media/browser/package-lock.json
