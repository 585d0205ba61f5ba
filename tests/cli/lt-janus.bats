#!/usr/bin/env bats
# calls-lt --target janus against a real Janus (Debian's janus, VideoRoom
# over its HTTP transport) started by scripts/bench/janus-start.
# Janus gathers no ICE candidates on lo, so everything Janus-side runs in
# a private network namespace this file creates (scripts/bench/in-netns
# --hold): lo plus a test interface with NETNS_ADDR (10.203.0.1/24) that
# exists only there. Janus (--ice-ip NETNS_ADDR) and every calls-lt run
# join it with nsenter; its HTTP API is on the namespace's 127.0.0.1.
# The namespace vanishes once the holder and Janus are stopped.

load helpers
bats_require_minimum_version 1.5.0

setup_file() {
	command -v janus >/dev/null || skip "janus not installed (scripts/bootstrap)"
	command -v nsenter >/dev/null || skip "nsenter missing (util-linux)"
	start_daemon netns "$CALLS_SRCDIR/scripts/bench/in-netns" --hold
	export NETNS NETNS_ADDR NETNS_NET JANUS_HTTP JANUS_ICE
	NETNS=/proc/$(ready_field netns pid)/ns/net
	NETNS_ADDR=$(ready_field netns addr)
	NETNS_NET=$(ready_field netns net)
	start_daemon janus nsenter --net="$NETNS" \
		"$CALLS_SRCDIR/scripts/bench/janus-start" --ice-ip "$NETNS_ADDR"
	JANUS_HTTP=$(ready_field janus http)
	JANUS_ICE=$(ready_field janus ice)
}

teardown_file() {
	[ -f "$BATS_FILE_TMPDIR/janus.pid" ] && stop_daemon janus || true
	[ -f "$BATS_FILE_TMPDIR/netns.pid" ] && stop_daemon netns || true
}

in_ns() { nsenter --net="$NETNS" "$@"; }

in_net() {                  # in_net ADDR: is ADDR inside $NETNS_NET?
	/usr/bin/python3 -c 'import ipaddress, sys
sys.exit(ipaddress.ip_address(sys.argv[1]) not in
	 ipaddress.ip_network(sys.argv[2], strict=False))' "$1" "$NETNS_NET"
}

# janus_answer: publish a minimal audio offer to a new VideoRoom room over
# Janus's HTTP API and print Janus's SDP answer (with its candidates)
janus_answer() {
	local url=http://$JANUS_HTTP/janus sid hid room sdp body ev s
	post() {
		in_ns curl -fsS -m 5 -H 'Content-Type: application/json' \
			-d "$2" "$1"
	}
	sid=$(post "$url" '{"janus":"create","transaction":"c"}' |
		jq -er .data.id)
	hid=$(post "$url/$sid" '{"janus":"attach","transaction":"a",
		"plugin":"janus.plugin.videoroom"}' | jq -er .data.id)
	room=$(post "$url/$sid/$hid" '{"janus":"message","transaction":"r",
		"body":{"request":"create"}}' | jq -er .plugindata.data.room)
	sdp=$'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n'
	sdp+=$'a=group:BUNDLE 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n'
	sdp+=$'c=IN IP4 0.0.0.0\r\na=mid:0\r\na=sendonly\r\na=rtcp-mux\r\n'
	sdp+=$'a=ice-ufrag:lt0a\r\na=ice-pwd:ltjanusnetnstestpassword0\r\n'
	sdp+='a=fingerprint:sha-256 '
	sdp+='00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:'
	sdp+=$'00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF\r\n'
	sdp+=$'a=setup:actpass\r\na=rtpmap:111 opus/48000/2\r\n'
	sdp+=$'a=ssrc:1 cname:lt\r\n'
	body=$(jq -cn --argjson room "$room" --arg sdp "$sdp" '{
		janus: "message", transaction: "j",
		body: {request: "joinandconfigure", room: $room,
		       ptype: "publisher", audio: true},
		jsep: {type: "offer", sdp: $sdp}}')
	post "$url/$sid/$hid" "$body" >/dev/null
	for _ in 1 2 3 4 5; do
		ev=$(in_ns curl -fsS -m 10 "$url/$sid?maxev=1")
		s=$(jq -r 'if type == "array" then .[] else . end |
			.jsep.sdp // empty' <<<"$ev")
		if [ -n "$s" ]; then
			printf '%s\n' "$s" | tr -d '\r'
			break
		fi
	done
	post "$url/$sid" '{"janus":"destroy","transaction":"d"}' \
		>/dev/null || true
}

no_sanitizer_report() {     # on calls-lt's stderr (UBSan keeps exit 0)
	! grep -E 'ERROR: (Address|Leak)Sanitizer|runtime error:' <<<"$stderr"
}

lt_janus() {
	in_ns calls-lt --target janus --url "http://$JANUS_HTTP/janus" \
		--local-addr "$JANUS_ICE" "$@"
}

@test "janus: its ICE candidates are only the namespace's test address" {
	[ "$JANUS_ICE" = "$NETNS_ADDR" ]
	in_net "$JANUS_ICE"
	run janus_answer
	echo "$output"
	[ "$status" -eq 0 ]
	cands=$(awk '/^a=candidate:/ { print $5 }' <<<"$output")
	[ -n "$cands" ]
	for a in $cands $(awk '/^c=IN IP[46] / { print $3 }' <<<"$output"); do
		echo "candidate/connection address $a"
		in_net "$a"
	done
	# and Janus itself runs in that namespace, not in the host's
	jpid=$(ready_field janus pid)
	jns=$(readlink "/proc/$jpid/ns/net")
	[ "$jns" = "$(readlink "$NETNS")" ]
	[ "$jns" != "$(readlink /proc/$$/ns/net)" ]
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
	run --separate-stderr in_ns calls-lt --target janus \
		--url "ftp://$JANUS_HTTP" \
		--local-addr "$JANUS_ICE" --calls 1 --users-per-call 1 \
		--duration 1
	echo "$stderr"
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"http://host:port"* ]]
	no_sanitizer_report
}
