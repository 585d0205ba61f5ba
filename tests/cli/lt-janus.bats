#!/usr/bin/env bats
# calls-lt --target janus against a real Janus (Debian's janus, VideoRoom
# over its HTTP transport) started on loopback by scripts/bench/janus-start.
# Janus gathers no ICE candidates on lo, so its media use this host's own
# address (janus-start's ice= field), which the kernel keeps local.

load helpers
bats_require_minimum_version 1.5.0

setup_file() {
	command -v janus >/dev/null || skip "janus not installed (scripts/bootstrap)"
	start_daemon janus "$CALLS_SRCDIR/scripts/bench/janus-start"
	export JANUS_HTTP JANUS_ICE
	JANUS_HTTP=$(ready_field janus http)
	JANUS_ICE=$(ready_field janus ice)
}

teardown_file() {
	[ -f "$BATS_FILE_TMPDIR/janus.pid" ] && stop_daemon janus || true
}

no_sanitizer_report() {     # on calls-lt's stderr (UBSan keeps exit 0)
	! grep -E 'ERROR: (Address|Leak)Sanitizer|runtime error:' <<<"$stderr"
}

lt_janus() {
	calls-lt --target janus --url "http://$JANUS_HTTP/janus" \
		--local-addr "$JANUS_ICE" "$@"
}

@test "janus: a small call connects everyone, audio flows, every line is JSON" {
	run --separate-stderr lt_janus --calls 2 --users-per-call 3 \
		--unmuted 1 --join-duration 1 --duration 4
	echo "$stderr" | tail -n 20
	[ "$status" -eq 0 ]
	[ -n "$output" ]
	echo "$output" | jq -e . >/dev/null
	summary=$(echo "$output" | jq -c 'select(.type == "summary")')
	echo "$summary"
	[ "$(jq -r .target <<<"$summary")" = janus ]
	[ "$(jq -r .joined <<<"$summary")" -eq 6 ]
	[ "$(jq -r .connected <<<"$summary")" -eq 6 ]
	[ "$(jq -r .failed <<<"$summary")" -eq 0 ]
	# 2 listeners per call hear the one unmuted user
	[ "$(jq -r .streams.audio.n <<<"$summary")" -eq 4 ]
	[ "$(jq -r .rtp_received <<<"$summary")" -gt 0 ]
	[ "$(jq -r .srtp_auth_fail <<<"$summary")" -eq 0 ]
	no_sanitizer_report
}

@test "janus: a screen sharer's VP8 reaches the others" {
	run --separate-stderr lt_janus --calls 1 --users-per-call 3 \
		--unmuted 1 --screen-sharing 1 --join-duration 1 --duration 4
	echo "$stderr" | tail -n 20
	[ "$status" -eq 0 ]
	summary=$(echo "$output" | jq -c 'select(.type == "summary")')
	echo "$summary"
	[ "$(jq -r .connected <<<"$summary")" -eq 3 ]
	[ "$(jq -r .streams.video.n <<<"$summary")" -eq 2 ]
	no_sanitizer_report
}

@test "janus: mute churn stops and restarts voice without failures" {
	run --separate-stderr lt_janus --calls 1 --users-per-call 3 \
		--unmuted 2 --mute-churn 0.3 --join-duration 1 --duration 4
	echo "$stderr" | tail -n 20
	[ "$status" -eq 0 ]
	summary=$(echo "$output" | jq -c 'select(.type == "summary")')
	echo "$summary"
	[ "$(jq -r .connected <<<"$summary")" -eq 3 ]
	[ "$(jq -r .failed <<<"$summary")" -eq 0 ]
	[ "$(jq -r .rtp_received <<<"$summary")" -gt 0 ]
	no_sanitizer_report
}

@test "janus: nothing listening gives exit 4 and says so" {
	port=$(free_port)
	run --separate-stderr calls-lt --target janus \
		--url "http://127.0.0.1:$port/janus" --calls 1 \
		--users-per-call 1 --duration 1
	echo "$stderr"
	[ "$status" -eq 4 ]
	[[ "$stderr" == *127.0.0.1:$port* ]]
	no_sanitizer_report
}

@test "janus: a URL that is not http:// is a config error (exit 3)" {
	run --separate-stderr calls-lt --target janus --url "ftp://$JANUS_HTTP" \
		--local-addr "$JANUS_ICE" --calls 1 --users-per-call 1 \
		--duration 1
	echo "$stderr"
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"http://host:port"* ]]
	no_sanitizer_report
}
