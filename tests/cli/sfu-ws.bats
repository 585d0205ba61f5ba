#!/usr/bin/env bats
# calls-sfu's rtcd WebSocket protocol (GET /ws) with a client we did not
# write: Python's websockets + msgpack (tests/cli/sfu_ws_client.py), plus
# our own C client (lib/rtcdc) through rtcdc-join. Each test starts its
# daemon on 127.0.0.1 port 0, with the hidden knobs that shorten the
# ping/pong intervals (200 ms / 1 s). A drain timeout bounds the stop of
# a daemon some test left sessions in.

load helpers

PY=/usr/bin/python3
CLIENT="$BATS_TEST_DIRNAME/sfu_ws_client.py"

# ws_start NAME [VAR=VALUE...] [-- ARGS...]: sets API
ws_start() {
	local name=$1; shift
	local envs=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
	[ "${1:-}" = -- ] && shift
	# the media plane on loopback, port 0
	start_daemon "$name" env RTCD_LOGGER_ENABLEFILE=false \
		RTCD_RTC_ICEADDRESSUDP=127.0.0.1 \
		RTCD_RTC_ICEADDRESSTCP=127.0.0.1 CALLS_SFU_RTC_PORT=0 \
		"${envs[@]}" \
		calls-sfu --api-listen 127.0.0.1:0 \
		--data-source "$BATS_TEST_TMPDIR/db-$name" \
		--allow-self-registration --drain-timeout 3 "$@"
	API=http://$(ready_field "$name" api)
}

# Sessions are held without offering (the media plane refuses a fake
# offer), so the offer deadline is long but for the test of it.
KNOBS=(CALLS_SFU_TEST_OFFER_TIMEOUT_MS=60000 CALLS_SFU_TEST_WS_PING_MS=200
	CALLS_SFU_TEST_WS_PONG_MS=1000)

# scenario NAME [ARGS...]: runs one client scenario against $API
scenario() {
	run timeout 150 "$PY" "$CLIENT" "$1" --api "$API" "${@:2}"
	echo "$output"
	[ "$status" -eq 0 ]
}

teardown() {
	local f
	for f in "$BATS_FILE_TMPDIR"/w"$BATS_TEST_NUMBER"*.pid; do
		[ -e "$f" ] || continue
		stop_daemon "$(basename "$f" .pid)"
		rm -f "$f"
	done
}

@test "sfu-ws: hello with a fresh 26-char connID on open" {
	ws_start "w$BATS_TEST_NUMBER" "${KNOBS[@]}"
	scenario hello
}

@test "sfu-ws: join shows in GET /calls/{id}/sessions; leave sends close" {
	ws_start "w$BATS_TEST_NUMBER" "${KNOBS[@]}"
	scenario join
	grep -q "user session already exists" \
		"$BATS_FILE_TMPDIR/w$BATS_TEST_NUMBER.err"
}

@test "sfu-ws: no offer before the deadline closes the session" {
	ws_start "w$BATS_TEST_NUMBER" CALLS_SFU_TEST_OFFER_TIMEOUT_MS=1000
	# the other session offers (aiortc) and is answered
	scenario deadline
	grep -q "no SDP offer within 1000 ms" \
		"$BATS_FILE_TMPDIR/w$BATS_TEST_NUMBER.err"
}

@test "sfu-ws: sessions survive a WS drop; close follows reconnect" {
	ws_start "w$BATS_TEST_NUMBER" "${KNOBS[@]}"
	scenario reconnect
}

@test "sfu-ws: group B cannot leave, signal or reroute group A's session" {
	ws_start "w$BATS_TEST_NUMBER" "${KNOBS[@]}"
	scenario isolation
}

@test "sfu-ws: max participants per call refuses a join with close" {
	ws_start "w$BATS_TEST_NUMBER" "${KNOBS[@]}" -- --max-participants 3
	scenario maxpart --max 3
	grep -q "refused: max call participants reached" \
		"$BATS_FILE_TMPDIR/w$BATS_TEST_NUMBER.err"
}

@test "sfu-ws: draining refuses joins with close, then exits" {
	local name="w$BATS_TEST_NUMBER"
	ws_start "$name" "${KNOBS[@]}"
	scenario drain --pid "$(cat "$BATS_FILE_TMPDIR/$name.pid")"
	grep -q "refused: server is draining" "$BATS_FILE_TMPDIR/$name.err"
	# the last session gone, the daemon exits by itself
	for _ in $(seq 100); do
		kill -0 "$(cat "$BATS_FILE_TMPDIR/$name.pid")" 2>/dev/null ||
			break
		sleep 0.1
	done
	! kill -0 "$(cat "$BATS_FILE_TMPDIR/$name.pid")" 2>/dev/null
}

@test "sfu-ws: pings; a client that never pongs is dropped" {
	ws_start "w$BATS_TEST_NUMBER" "${KNOBS[@]}"
	scenario ping --secs 4
	grep -q "no pong for" "$BATS_FILE_TMPDIR/w$BATS_TEST_NUMBER.err"
}

@test "sfu-ws: over HTTPS: 900 KiB frames pass, a client that never pongs is dropped" {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$BATS_TEST_TMPDIR/key.pem" -out "$BATS_TEST_TMPDIR/cert.pem" \
		-days 1 -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1 \
		2>/dev/null
	ws_start "w$BATS_TEST_NUMBER" "${KNOBS[@]}" -- \
		--tls-cert "$BATS_TEST_TMPDIR/cert.pem" \
		--tls-key "$BATS_TEST_TMPDIR/key.pem"
	local key=0123456789abcdef0123456789abcdef api=${API#http://}
	curl -sS --cacert "$BATS_TEST_TMPDIR/cert.pem" \
		-d "{\"clientID\":\"t1\",\"authKey\":\"$key\"}" "https://$api/register"
	run timeout 60 "$PY" "$BATS_TEST_DIRNAME/sfu_ws_tls.py" "$api" \
		"$BATS_TEST_TMPDIR/cert.pem" t1 "$key"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"raw client done"* ]]
	grep -a -q "no pong for [0-9]* ms: dropping" \
		"$BATS_FILE_TMPDIR/w$BATS_TEST_NUMBER.err"
}

@test "sfu-ws: malformed, oversized, text and fragmented frames" {
	local name="w$BATS_TEST_NUMBER"
	ws_start "$name" "${KNOBS[@]}"
	scenario bad
	grep -q "bad frame of .*: malformed msgpack" \
		"$BATS_FILE_TMPDIR/$name.err"
	grep -q "text frame ignored" "$BATS_FILE_TMPDIR/$name.err"
	grep -q "exceeds 1048576" "$BATS_FILE_TMPDIR/$name.err"
	# counted as rtcd does: rtcd_rtc_errors_total{type="signaling"}
	run curl -sf "$API/metrics"
	[ "$status" -eq 0 ]
	echo "$output" | grep -E \
		'^rtcd_rtc_errors_total\{groupID="[^"]+",type="signaling"\} ([89]|[1-9][0-9]+)$'
	echo "$output" | grep -E \
		'^rtcd_ws_messages_total\{clientID="[^"]+",type="join",direction="in"\} [1-9]'
}

@test "sfu-ws: 200 concurrent WebSocket clients join and leave" {
	ws_start "w$BATS_TEST_NUMBER" CALLS_SFU_TEST_OFFER_TIMEOUT_MS=60000
	scenario herd --n 200 --per 2
	run curl -sf "$API/metrics"
	echo "$output" | grep -E '^rtcd_ws_connections_total\{clientID="[^"]+"\} 0$'
}

@test "sfu-ws: our C client (lib/rtcdc) joins and leaves" {
	local name="w$BATS_TEST_NUMBER" key=0123456789abcdef0123456789abcdef
	ws_start "$name" "${KNOBS[@]}"
	run curl -sf -X POST -d "{\"clientID\":\"cc\",\"authKey\":\"$key\"}" \
		"$API/register"
	[ "$status" -eq 0 ]
	# holds the session until $hold exists: GET shows it meanwhile
	local hold="$BATS_TEST_TMPDIR/hold" out="$BATS_TEST_TMPDIR/join.out"
	timeout 30 "$CALLS_BUILDDIR/tests/cli/rtcdc-join" "$API" cc "$key" \
		callc sess-c1 "$hold" >"$out" 2>&1 3>&- &
	local pid=$!
	for _ in $(seq 100); do
		grep -q '^joined$' "$out" && break
		sleep 0.05
	done
	run curl -sf -u "cc:$key" "$API/calls/callc/sessions"
	echo "$output"
	[ "$output" = '[{"GroupID":"cc","CallID":"callc","UserID":"rtcdc-user","SessionID":"sess-c1","Props":{"av1Support":false,"channelID":"rtcdc-channel","dcSignaling":false}}]' ]
	touch "$hold"
	wait "$pid"
	cat "$out"
	grep -Eq '^hello [ybndrfg8ejkmcpqxot1uwisza345h769]{26}$' "$out"
	grep -q '^close sess-c1$' "$out"
	! grep -E 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$out"
	# a wrong key: the upgrade is refused
	run timeout 30 "$CALLS_BUILDDIR/tests/cli/rtcdc-join" "$API" cc \
		wrong-key-wrong-key-wrong-key-xx callc sess-c2
	echo "$output"
	[ "$status" -eq 4 ]
	! echo "$output" | grep -E 'Sanitizer|runtime error:'
}

@test "sfu-ws: a full send queue closes that connection only" {
	local name="w$BATS_TEST_NUMBER"
	ws_start "$name" CALLS_SFU_TEST_WS_QUEUE_MSGS=50
	scenario overflow --n 300
	grep -q "send queue full (50 messages" "$BATS_FILE_TMPDIR/$name.err"
	run curl -sf "$API/metrics"
	echo "$output" | grep -E \
		'^rtcd_rtc_errors_total\{groupID="[^"]+",type="signaling"\} [1-9]'
}
