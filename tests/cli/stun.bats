#!/usr/bin/env bats
# calls-stun: serve, query and nat on loopback, and interop with coturn.

load helpers

udp_addr() { ready_field "$1" udp; }

# A failed test leaves its daemons running: stop ours (checking the pid
# is still one of them) and forget their pid files.
teardown() {
	local f pid
	for f in "$BATS_FILE_TMPDIR"/*.pid; do
		[ -e "$f" ] || continue
		pid=$(cat "$f")
		if grep -qaE 'calls-stun|turnserver' "/proc/$pid/cmdline" 2>/dev/null; then
			kill "$pid" 2>/dev/null || true
		fi
		rm -f "$f"
	done
}

start_stun() {              # start_stun NAME ARGS...: serve on 127.0.0.1:0
	local name=$1; shift
	start_daemon "$name" calls-stun serve --listen 127.0.0.1:0 "$@"
}

metric() {                  # metric NAME 'series{labels}' -> value
	curl -fsS "http://$(ready_field "$1" metrics)/metrics" |
		awk -v s="$2" '$1 == s { print $2 }'
}

send_tcp() {                # send_tcp HOST PORT TEXT: one connection
	/usr/bin/python3 - "$@" <<'PY'
import socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)
s.sendall(sys.argv[3].encode())
try:
    s.recv(100)     # the server closes on broken framing
except OSError:
    pass
PY
}

send_udp() {                # send_udp HOST PORT HEX: one datagram
	/usr/bin/python3 - "$@" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(bytes.fromhex(sys.argv[3]), (sys.argv[1], int(sys.argv[2])))
PY
}

@test "stun: --help and --version exit 0" {
	run calls-stun --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"calls-stun serve"* ]]
	run calls-stun query --help
	[ "$status" -eq 0 ]
	run calls-stun --version
	[ "$status" -eq 0 ]
	[[ "$output" == *libre* ]]
}

@test "stun: usage errors exit 2" {
	run calls-stun
	[ "$status" -eq 2 ]
	run calls-stun frobnicate
	[ "$status" -eq 2 ]
	[[ "$output" == *"unknown command"* ]]
	run calls-stun query
	[ "$status" -eq 2 ]
	run calls-stun query --count 0 127.0.0.1
	[ "$status" -eq 2 ]
	run calls-stun query --rto soon 127.0.0.1
	[ "$status" -eq 2 ]
	run calls-stun query --no-such-option 127.0.0.1
	[ "$status" -eq 2 ]
	run calls-stun query --sha256 127.0.0.1
	[ "$status" -eq 2 ]
	run calls-stun query --unknown-attr 0x8001 127.0.0.1
	[ "$status" -eq 2 ]
	run calls-stun serve --user alice
	[ "$status" -eq 2 ]
	run calls-stun serve --alternate 127.0.0.2
	[ "$status" -eq 2 ]
	run calls-stun serve --no-udp --no-tcp
	[ "$status" -eq 2 ]
	run calls-stun nat
	[ "$status" -eq 2 ]
	run calls-stun nat 127.0.0.1 127.0.0.2
	[ "$status" -eq 2 ]
}

@test "stun: serve rejects a bad --listen and an address in use" {
	run calls-stun serve --listen '[::1'
	[ "$status" -eq 3 ]
	start_stun s1
	run calls-stun serve --listen "$(udp_addr s1)"
	[ "$status" -eq 4 ]
	stop_daemon s1
}

@test "stun: query over UDP prints the mapped address" {
	start_stun s1
	addr=$(udp_addr s1)
	[[ "$(ready_field s1 tcp)" == "$addr" ]]
	run calls-stun query "$addr"
	[ "$status" -eq 0 ]
	[[ "$output" =~ udp\ mapped\ 127\.0\.0\.1:[0-9]+\ rtt ]]
	stop_daemon s1
}

@test "stun: query --json over UDP and TCP, mapped port is our port" {
	start_stun s1
	addr=$(udp_addr s1)
	for tp in udp tcp; do
		flag=; [ "$tp" = tcp ] && flag=--tcp
		run calls-stun query --json $flag "$addr"
		[ "$status" -eq 0 ]
		echo "$output" | jq -e '.ok == true and (.mapped | startswith("127.0.0.1:"))'
		# the server saw our own port: no NAT on loopback
		[ "$(echo "$output" | jq -r '.mapped | split(":")[1]')" = \
		  "$(echo "$output" | jq -r '.local | split(":")[1]')" ]
		echo "$output" | jq -e ".transport == \"$tp\""
	done
	stop_daemon s1
}

@test "stun: RFC 3489 request gets MAPPED-ADDRESS" {
	start_stun s1
	run calls-stun query --json --rfc3489 "$(udp_addr s1)"
	[ "$status" -eq 0 ]
	echo "$output" | jq -e '.ok == true'
	stop_daemon s1
}

@test "stun: several servers queried at once; one line each" {
	start_stun s1
	start_stun s2
	dead=127.0.0.1:$(free_port)
	run calls-stun query --json --rto 20ms --count 2 \
		"$(udp_addr s1)" "$dead" "$(udp_addr s2)"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -s 'length')" -eq 3 ]
	[ "$(echo "$output" | jq -s '[.[] | select(.ok)] | length')" -eq 2 ]
	echo "$output" | jq -s -e '.[1].error == "timeout" and .[1].requests == 2'
	stop_daemon s1
	stop_daemon s2
}

@test "stun: unreachable server exits 1 (UDP timeout, TCP refused)" {
	dead=127.0.0.1:$(free_port)
	run calls-stun query --rto 10ms --count 3 "$dead"
	[ "$status" -eq 1 ]
	[[ "$output" == *"no answer (3 requests)"* ]]
	run calls-stun query --tcp --json --rto 10ms "$dead"
	[ "$status" -eq 1 ]
	echo "$output" | jq -e '.ok == false and .error == "connection-refused"'
}

@test "stun: unresolvable server exits 4" {
	run timeout 30 calls-stun query no-such-host.invalid
	[ "$status" -eq 4 ]
}

@test "stun: short-term credentials: right ones pass, wrong or none get 401" {
	start_stun s1 --user alice --password s3cret
	addr=$(udp_addr s1)
	run calls-stun query --json --user alice --password s3cret "$addr"
	[ "$status" -eq 0 ]
	echo "$output" | jq -e '.ok'
	run calls-stun query --json --user alice --password s3cret --sha256 "$addr"
	[ "$status" -eq 0 ]
	run calls-stun query --json --user alice --password wrong "$addr"
	[ "$status" -eq 1 ]
	echo "$output" | jq -e '.code == 401 and .reason == "Unauthorized"'
	run calls-stun query --json --user mallory --password s3cret "$addr"
	[ "$status" -eq 1 ]
	echo "$output" | jq -e '.code == 401'
	run calls-stun query --json "$addr"
	[ "$status" -eq 1 ]
	echo "$output" | jq -e '.code == 401'
	stop_daemon s1
}

@test "stun: unknown comprehension-required attribute gets 420" {
	start_stun s1 --metrics 127.0.0.1:0
	run calls-stun query --json --unknown-attr 0x7777 "$(udp_addr s1)"
	[ "$status" -eq 1 ]
	echo "$output" | jq -e '.code == 420 and .unknown_attributes == [30583]'
	run calls-stun query --json --tcp --unknown-attr 42 "$(udp_addr s1)"
	[ "$status" -eq 1 ]
	echo "$output" | jq -e '.code == 420 and .unknown_attributes == [42]'
	[ "$(metric s1 'calls_stun_errors_total{transport="udp",type="unknown_attribute"}')" -eq 1 ]
	[ "$(metric s1 'calls_stun_errors_total{transport="tcp",type="unknown_attribute"}')" -eq 1 ]
	stop_daemon s1
}

@test "stun: CHANGE-REQUEST without --alternate gets 420" {
	start_stun s1
	# nat's filtering test would need it; the first test already fails
	run calls-stun nat --json --rto 20ms --count 2 "$(udp_addr s1)"
	[ "$status" -eq 1 ]
	echo "$output" | jq -e '.ok == false and (.error | test("OTHER-ADDRESS"))'
	stop_daemon s1
}

@test "stun: malformed packets are counted and the server keeps serving" {
	start_stun s1 --metrics 127.0.0.1:0
	addr=$(udp_addr s1)
	host=${addr%:*} port=${addr##*:}
	send_udp "$host" "$port" "deadbeef"
	# length field says 8 more bytes that are not there
	send_udp "$host" "$port" "000100082112a442000000000000000000000000"
	# a request with a wrong FINGERPRINT
	send_udp "$host" "$port" "000100082112a4420102030405060708090a0b0c8028000400000000"
	# a Binding indication and a success response: not requests
	send_udp "$host" "$port" "001100002112a442000000000000000000000001"
	run calls-stun query "$addr"
	[ "$status" -eq 0 ]
	[ "$(metric s1 'calls_stun_errors_total{transport="udp",type="malformed"}')" -eq 2 ]
	[ "$(metric s1 'calls_stun_errors_total{transport="udp",type="bad_fingerprint"}')" -eq 1 ]
	[ "$(metric s1 'calls_stun_errors_total{transport="udp",type="not_request"}')" -eq 1 ]
	[ "$(metric s1 'calls_stun_requests_total{transport="udp"}')" -eq 1 ]
	[ "$(metric s1 'calls_stun_responses_total{transport="udp",class="success"}')" -eq 1 ]
	# broken TCP framing closes that connection only
	send_tcp "$host" "$port" 'GET / HTTP/1.0'
	run calls-stun query --tcp "$addr"
	[ "$status" -eq 0 ]
	[ "$(metric s1 'calls_stun_errors_total{transport="tcp",type="malformed"}')" -eq 1 ]
	stop_daemon s1
}

@test "stun: metrics are valid Prometheus text (promtool)" {
	command -v promtool || skip "promtool not installed"
	start_stun s1 --metrics 127.0.0.1:0
	calls-stun query "$(udp_addr s1)"
	curl -fsS "http://$(ready_field s1 metrics)/metrics" >"$BATS_TEST_TMPDIR/m.txt"
	run promtool check metrics <"$BATS_TEST_TMPDIR/m.txt"
	echo "$output"
	[ "$status" -eq 0 ]
	grep -q '^calls_stun_tcp_connections 0$' "$BATS_TEST_TMPDIR/m.txt"
	run curl -s -o /dev/null -w '%{http_code}' "http://$(ready_field s1 metrics)/nope"
	[ "$output" = 404 ]
	stop_daemon s1
}

@test "stun: --log-requests writes JSON lines; stdout is otherwise only ready" {
	start_stun s1 --log-requests
	calls-stun query "$(udp_addr s1)"
	calls-stun query --tcp --unknown-attr 0x7777 "$(udp_addr s1)" || true
	stop_daemon s1
	run sed -n '2,$p' "$BATS_FILE_TMPDIR/s1.out"
	[ "$(echo "$output" | jq -s 'length')" -eq 2 ]
	echo "$output" | jq -s -e '.[0].result == "success" and .[0].transport == "udp"'
	echo "$output" | jq -s -e '.[1].result == "unknown_attribute" and .[1].code == 420'
	start_stun s2
	calls-stun query "$(udp_addr s2)"
	stop_daemon s2
	[ "$(wc -l <"$BATS_FILE_TMPDIR/s2.out")" -eq 1 ]
}

@test "stun: SIGTERM stops serve cleanly with status 0" {
	start_stun s1 --metrics 127.0.0.1:0
	pid=$(cat "$BATS_FILE_TMPDIR/s1.pid")
	addr=$(udp_addr s1)
	# an open TCP connection does not hold it up
	exec 4<>"/dev/tcp/${addr%:*}/${addr##*:}"
	( sleep 10; kill -9 "$pid" 2>/dev/null ) 3>&- &
	wd=$!
	kill -TERM "$pid"
	st=0
	wait "$pid" || st=$?
	kill "$wd" 2>/dev/null || true
	exec 4>&-
	[ "$st" -eq 0 ]
	grep -q 'stopping' "$BATS_FILE_TMPDIR/s1.err"
	! grep -E 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$BATS_FILE_TMPDIR/s1.err"
}

@test "stun: IPv6 on ::1" {
	start_daemon s6 calls-stun serve --listen '[::1]:0'
	addr=$(udp_addr s6)
	[[ "$addr" == "[::1]:"* ]]
	run calls-stun query --json -6 "$addr"
	[ "$status" -eq 0 ]
	echo "$output" | jq -e '.ok and (.mapped | startswith("[::1]:"))'
	run calls-stun query --json --tcp "$addr"
	[ "$status" -eq 0 ]
	echo "$output" | jq -e '.ok and (.mapped | startswith("[::1]:"))'
	stop_daemon s6
}

@test "stun: nat against serve --alternate (RFC 5780 on loopback)" {
	start_stun s1 --alternate 127.0.0.2
	other=$(ready_field s1 other)
	[[ "$other" == 127.0.0.2:* ]]
	run calls-stun nat --json --rto 50ms "$(udp_addr s1)"
	[ "$status" -eq 0 ]
	echo "$output" | jq -e ".other == \"$other\" and .nat == false"
	echo "$output" | jq -e '.mapping == "endpoint-independent" and .filtering == "endpoint-independent"'
	run calls-stun nat --rto 50ms "$(udp_addr s1)"
	[ "$status" -eq 0 ]
	[[ "$output" == *"mapping endpoint-independent"* ]]
	# responses carry OTHER-ADDRESS and RESPONSE-ORIGIN
	run calls-stun query --json "$(udp_addr s1)"
	echo "$output" | jq -e ".other == \"$other\" and .origin == \"$(udp_addr s1)\""
	stop_daemon s1
}

# coturn (Debian's turnserver) on loopback, its own free ports, no TLS,
# its database in the test's directory
start_coturn() {
	local port=$1
	start_daemon_bg coturn turnserver -n --listening-ip=127.0.0.1 \
		--listening-ip=127.0.0.2 --listening-port="$port" \
		--alt-listening-port=$((port + 1)) --no-tls --no-dtls --no-cli \
		--stun-only --log-file=stdout --simple-log -m 1 \
		--db="$BATS_FILE_TMPDIR/turndb" \
		--pidfile="$BATS_FILE_TMPDIR/turn.pid"
	# a loaded machine can take seconds to start it; give up after 20
	for _ in $(seq 200); do
		calls-stun query --rto 50ms --count 1 "127.0.0.1:$port" \
			>/dev/null 2>&1 && return 0
		kill -0 "$(cat "$BATS_FILE_TMPDIR/coturn.pid")" 2>/dev/null ||
			break
		sleep 0.1
	done
	echo "# coturn did not answer on $port:" >&3
	tail -n 20 "$BATS_FILE_TMPDIR/coturn.out" | sed 's/^/# /' >&3
	return 1
}

# a free port whose successor is free too (coturn's alternate port),
# on both addresses coturn listens on
free_port_pair() {
	/usr/bin/python3 - <<'PY'
import socket
def free(port):
    for ip in ("127.0.0.1", "127.0.0.2"):
        for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
            s = socket.socket(socket.AF_INET, kind)
            try:
                s.bind((ip, port))
            except OSError:
                return False
            finally:
                s.close()
    return True
while True:
    t = socket.socket(); t.bind(("127.0.0.1", 0)); p = t.getsockname()[1]; t.close()
    if p < 65535 and free(p) and free(p + 1):
        print(p); break
PY
}

start_daemon_bg() {         # like start_daemon, for servers without "ready"
	local name=$1; shift
	"$@" >"$BATS_FILE_TMPDIR/$name.out" 2>"$BATS_FILE_TMPDIR/$name.err" 3>&- &
	echo $! >"$BATS_FILE_TMPDIR/$name.pid"
}

@test "stun: interop: calls-stun query and nat against coturn" {
	command -v turnserver || skip "coturn not installed"
	port=$(free_port_pair)
	start_coturn "$port"
	run calls-stun query --json "127.0.0.1:$port"
	[ "$status" -eq 0 ]
	echo "$output" | jq -e '.ok and (.mapped | startswith("127.0.0.1:"))'
	run calls-stun query --json --tcp "127.0.0.1:$port"
	[ "$status" -eq 0 ]
	echo "$output" | jq -e '.ok and (.mapped | startswith("127.0.0.1:"))'
	run calls-stun query --json --rfc3489 "127.0.0.1:$port"
	[ "$status" -eq 0 ]
	run calls-stun nat --json --rto 50ms "127.0.0.1:$port"
	[ "$status" -eq 0 ]
	echo "$output" | jq -e '.other == "127.0.0.2:'$((port + 1))'" and .mapping == "endpoint-independent"'
	stop_daemon coturn
}

@test "stun: interop: coturn's turnutils_stunclient against calls-stun serve" {
	command -v turnutils_stunclient || skip "coturn not installed"
	start_stun s1 --alternate 127.0.0.2
	port=$(addr_port "$(udp_addr s1)")
	run timeout 20 turnutils_stunclient -p "$port" 127.0.0.1
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"UDP reflexive addr: 127.0.0.1:"* ]]
	[[ "$output" == *"Other addr: : $(ready_field s1 other)"* ]]
	[[ "$output" == *"RFC 5780 response 3"* ]]
	start_stun s2
	run timeout 20 turnutils_stunclient -p "$(addr_port "$(udp_addr s2)")" 127.0.0.1
	[ "$status" -eq 0 ]
	[[ "$output" == *"UDP reflexive addr: 127.0.0.1:"* ]]
	stop_daemon s1
	stop_daemon s2
}
