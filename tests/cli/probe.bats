#!/usr/bin/env bats
# calls-probe: netcat mode against the real nc (netcat-openbsd) both
# ways, UDP and TCP, IPv4 and IPv6; the echo responder and ping (summary,
# JSON lines, --max-loss, --mtu); stun against coturn; tunings on fixture
# trees and the real /proc; usage errors and unanswered ports.

load helpers

T=
setup() {
	T=$BATS_TEST_TMPDIR
	DATA=$CALLS_SRCDIR/tests/data/probe
}

teardown() {
	local f
	for f in "$T"/*.pid; do
		[ -e "$f" ] || continue
		kill "$(cat "$f")" 2>/dev/null || true
	done
}

no_sanitizer_report() {     # no_sanitizer_report FILE
	! grep -E 'ERROR: (Address|Leak|Thread)Sanitizer|runtime error:' "$1"
}

wait_for() {                # wait_for FILE TEXT: up to 10 s
	for _ in $(seq 100); do
		grep -qF -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "# timed out waiting for '$2' in $1:" >&3
	sed 's/^/# /' "$1" >&3 2>/dev/null
	return 1
}

wait_bound() {              # wait_bound udp|tcp PORT: someone listens there
	local flag=-u
	[ "$1" = tcp ] && flag=-t
	for _ in $(seq 100); do
		[ -n "$(ss -Hln "$flag" "sport = :$2")" ] && return 0
		sleep 0.1
	done
	echo "# nothing bound to $1 port $2" >&3
	return 1
}

# bg NAME CMD...: runs CMD with stdin from a fifo the test holds open
# (say NAME LINE writes to it), stdout/stderr in $T/NAME.out/.err
bg() {
	local name=$1 fd; shift
	mkfifo "$T/$name.in"
	"$@" <"$T/$name.in" >"$T/$name.out" 2>"$T/$name.err" 3>&- &
	echo $! >"$T/$name.pid"
	exec {fd}>"$T/$name.in"
	echo "$fd" >"$T/$name.fd"
}

say() {
	local fd; fd=$(cat "$T/$1.fd")
	printf '%s\n' "$2" >&"$fd"
}

fin() {                     # fin NAME: close its stdin, stop it, check it
	local fd pid; fd=$(cat "$T/$1.fd") pid=$(cat "$T/$1.pid")
	exec {fd}>&-
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	rm -f "$T/$1.pid"
	no_sanitizer_report "$T/$1.err"
}

listen_port() {             # port from "calls-probe: listening on udp A:P"
	wait_for "$T/$1.err" "calls-probe: listening on " || return 1
	sed -n 's/^calls-probe: listening on [a-z]* .*:\([0-9]*\)$/\1/p' \
		"$T/$1.err"
}

start_echo() {              # start_echo NAME ARGS...; sets $port
	local name=$1; shift
	start_daemon "$name" calls-probe listen --echo -p 0 "$@" || return 1
	port=$(addr_port "$(grep -m1 '^ready ' "$BATS_FILE_TMPDIR/$name.out" |
		sed 's/^ready [a-z]*=//')")
	[ -n "$port" ]
}

# calls-probe listen on one side, the real nc connecting from the other
probe_listens() {           # probe_listens udp|tcp ADDR
	local proto=$1 addr=$2 port flags=()
	[ "$proto" = udp ] && flags=(-u)
	bg srv calls-probe listen "${flags[@]}" -p 0 -s "$addr"
	port=$(listen_port srv)
	[ -n "$port" ]
	grep -q "listening on $proto " "$T/srv.err"

	bg cli nc "${flags[@]}" "$addr" "$port"
	say cli "hello from nc"
	wait_for "$T/srv.out" "hello from nc"
	say srv "hello from calls-probe"
	wait_for "$T/cli.out" "hello from calls-probe"
	[ "$(cat "$T/srv.out")" = "hello from nc" ]
	fin cli
	fin srv
}

# the real nc listening, calls-probe connect from the other side
nc_listens() {              # nc_listens udp|tcp ADDR
	local proto=$1 addr=$2 port flags=()
	[ "$proto" = udp ] && flags=(-u)
	port=$(free_port)
	bg srv nc -l "${flags[@]}" -s "$addr" -p "$port"
	wait_bound "$proto" "$port"

	bg cli calls-probe connect "${flags[@]}" "$addr" "$port"
	say cli "hello from calls-probe"
	wait_for "$T/srv.out" "hello from calls-probe"
	say srv "hello from nc"
	wait_for "$T/cli.out" "hello from nc"
	[ "$(cat "$T/cli.out")" = "hello from nc" ]
	fin cli
	fin srv
}

# ------------------------------------------------------------ usage

@test "usage errors exit 2 with a hint" {
	local args
	while IFS= read -r args; do
		run calls-probe $args
		[ "$status" -eq 2 ] || { echo "'$args' -> $status"; return 1; }
		[[ $output == *"Try 'calls-probe --help'"* ]] ||
			{ echo "'$args': $output"; return 1; }
	done <<'EOF'

frobnicate
ping
ping 127.0.0.1
ping 127.0.0.1 99999
ping 127.0.0.1 1 2
ping --count 0 127.0.0.1 1
ping --size 10 127.0.0.1 1
ping --max-loss 101 127.0.0.1 1
ping --interval soon 127.0.0.1 1
ping --mtu -t 127.0.0.1 1
ping --mtu-max 1400 127.0.0.1 1
ping --no-such-option 127.0.0.1 1
listen -u
listen -u -p 1 2
listen -u -p x
listen -u --count 3 -p 0
connect 127.0.0.1
connect -u -w 0 127.0.0.1 1
stun
tunings extra
tunings --json --echo
EOF
}

@test "--help, --version and per-subcommand --list-options" {
	run calls-probe --help
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "Usage: calls-probe"* ]]
	run calls-probe ping --help
	[ "$status" -eq 0 ]
	run calls-probe --version
	[ "$status" -eq 0 ]
	[[ $output == *"libre"* ]]
	run calls-probe ping --list-options
	[[ $output == *"--max-loss"* && $output == *"--mtu-max"* ]]
	[[ $output != *"--proc-root"* ]]
	run calls-probe tunings --list-options
	[[ $output == *"--proc-root"* && $output != *"--count"* ]]
	run calls-probe listen --list-options
	[[ $output == *"--echo"* && $output == *"--listen"* ]]
}

# ------------------------------------------------- netcat mode with nc

@test "listen -u, nc -u connects: lines both ways (IPv4)" {
	probe_listens udp 127.0.0.1
}

@test "listen -u, nc -u connects: lines both ways (IPv6)" {
	probe_listens udp ::1
}

@test "listen (TCP), nc connects: lines both ways (IPv4)" {
	probe_listens tcp 127.0.0.1
}

@test "listen (TCP), nc connects: lines both ways (IPv6)" {
	probe_listens tcp ::1
}

@test "nc -l -u listens, connect -u: lines both ways (IPv4)" {
	nc_listens udp 127.0.0.1
}

@test "nc -l -u listens, connect -u: lines both ways (IPv6)" {
	nc_listens udp ::1
}

@test "nc -l listens, connect (TCP): lines both ways (IPv4)" {
	nc_listens tcp 127.0.0.1
}

@test "nc -l listens, connect (TCP): lines both ways (IPv6)" {
	nc_listens tcp ::1
}

@test "the guide's command line: listen -l -u -p, and a port argument" {
	bg srv calls-probe listen -l -u -p 0 -s 127.0.0.1
	port=$(listen_port srv)
	bg cli calls-probe connect -u "127.0.0.1:$port"
	say cli "one"
	say cli "two"
	wait_for "$T/srv.out" "two"
	[ "$(cat "$T/srv.out")" = "$(printf 'one\ntwo')" ]
	say srv "back"
	wait_for "$T/cli.out" "back"
	fin cli
	fin srv

	bg srv2 calls-probe listen -u 127.0.0.1 0
	port=$(listen_port srv2)
	grep -q "listening on udp 127.0.0.1:$port" "$T/srv2.err"
	fin srv2
}

@test "connect -s ADDR -p PORT: the source address and port, as nc's" {
	bg srv calls-probe listen -u -p 0 -s 127.0.0.1
	port=$(listen_port srv)
	sport=$(free_port)
	bg cli calls-probe connect -u -s 127.0.0.1 -p "$sport" 127.0.0.1 "$port"
	say cli "hi"
	wait_for "$T/srv.out" "hi"
	grep -q "connection from udp 127.0.0.1:$sport" "$T/srv.err"
	fin cli
	fin srv
}

@test "TCP: the end of stdin reaches the peer; both sides exit" {
	printf 'last words\n' >"$T/in"
	bg srv calls-probe listen -p 0 -s 127.0.0.1
	port=$(listen_port srv)
	run timeout 10 calls-probe connect 127.0.0.1 "$port" <"$T/in"
	echo "$output"
	[ "$status" -eq 0 ]
	wait_for "$T/srv.out" "last words"
	fin srv
}

@test "connect to a closed TCP port: exit 1, connection refused" {
	port=$(free_port)
	run timeout 10 calls-probe connect 127.0.0.1 "$port" </dev/null
	echo "$output"
	[ "$status" -eq 1 ]
	[[ $output == *"Connection refused"* ]]
}

@test "connect -u to a closed UDP port: exit 1, ICMP port unreachable" {
	port=$(free_port)
	run timeout 10 calls-probe connect -u -w 5 127.0.0.1 "$port" <<<"x"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ $output == *"port unreachable"* ]]
}

@test "connect: a name that does not resolve is exit 4" {
	run timeout 10 calls-probe connect no-such-host.invalid 1 </dev/null
	echo "$output"
	[ "$status" -eq 4 ]
}

@test "listen on a port in use: exit 4" {
	bg srv calls-probe listen -u -p 0 -s 127.0.0.1
	port=$(listen_port srv)
	run timeout 10 calls-probe listen -u -p "$port" -s 127.0.0.1 </dev/null
	echo "$output"
	[ "$status" -eq 4 ]
	[[ $output == *"Address already in use"* ]]
	fin srv
}

# ------------------------------------------------------ echo and ping

@test "ping -u against listen --echo: summary with loss, RTT, jitter" {
	start_echo e -u -s 127.0.0.1
	run calls-probe ping -u -c 5 -i 0.01 127.0.0.1 "$port"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(grep -c "^64 bytes from 127.0.0.1:$port: seq=" <<<"$output")" -eq 5 ]
	[[ $output == *"5 sent, 5 received, 0.0% loss, 0 reordered, 0 duplicated, 0 late"* ]]
	[[ $output == *"rtt min/avg/p50/p95/max = "*" ms, jitter "*" ms"* ]]
	stop_daemon e
	grep -q '5 probes reflected, 0 dropped' "$BATS_FILE_TMPDIR/e.err"
}

@test "ping --json: every line parses, summary has the fields" {
	start_echo ej -u -s 127.0.0.1
	run calls-probe ping -u --json -c 4 -i 0.01 --size 200 127.0.0.1 "$port"
	[ "$status" -eq 0 ]
	jq -e . >/dev/null <<<"$output"
	[ "$(jq -s 'map(select(.type == "probe" and .status == "ok" and .size == 200)) | length' <<<"$output")" -eq 4 ]
	jq -s -e '.[] | select(.type == "summary") | .sent == 4 and .received == 4 and
		.loss_pct == 0 and .rtt_ms.min <= .rtt_ms.p50 and
		.rtt_ms.p50 <= .rtt_ms.p95 and .rtt_ms.p95 <= .rtt_ms.max and
		.jitter_ms >= 0 and .reordered == 0 and .duplicated == 0 and
		.ok == true' <<<"$output"
	[ "$(tail -n1 <<<"$output" | jq -r .type)" = summary ]
	stop_daemon ej
}

@test "ping over TCP and IPv6 against listen --echo -t" {
	start_echo et -t -s ::1
	run calls-probe ping -t --json -c 3 -i 0.01 --size 1000 ::1 "$port"
	echo "$output"
	[ "$status" -eq 0 ]
	jq -s -e '.[] | select(.type == "summary") | .proto == "tcp" and
		.peer == "[::1]:'"$port"'" and .received == 3' <<<"$output"
	run calls-probe ping -t -c 2 -i 0.01 "[::1]:$port"
	[ "$status" -eq 0 ]
	stop_daemon et
}

@test "the man page's pipeline: ping --json | jq summary" {
	start_echo ep -u -s 127.0.0.1
	run bash -c "calls-probe ping -u --json -c 5 -i 0.01 127.0.0.1 $port |
		jq -r 'select(.type == \"summary\") | \"\(.rtt_ms.p95) ms p95, \(.loss_pct)% loss\"'"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output =~ ^[0-9.e-]+\ ms\ p95,\ 0%\ loss$ ]]
	stop_daemon ep
}

max_loss_run() {            # max_loss_run udp|tcp PCT: responder stops at 5 of 10
	local p="-${1:0:1}"
	start_echo "ml$1$2" "$p" -s 127.0.0.1 --count 5
	status=0
	calls-probe ping "$p" --json -c 10 -i 0.02 -W 0.5 --max-loss "$2" \
		127.0.0.1 "$port" >"$T/ml.out" 2>"$T/ml.err" || status=$?
	cat "$T/ml.out" "$T/ml.err"
	jq -e . "$T/ml.out" >/dev/null      # stdout: JSON lines only
	jq -s -e '.[] | select(.type == "summary") | .sent == 10 and .received == 5 and
		.loss_pct == 50' "$T/ml.out"
	[ "$(jq -s 'map(select(.status == "lost")) | length' "$T/ml.out")" -eq 5 ]
	no_sanitizer_report "$T/ml.err"
	# the responder exits by itself after its 5 replies
	wait "$(cat "$BATS_FILE_TMPDIR/ml$1$2.pid")"
	no_sanitizer_report "$BATS_FILE_TMPDIR/ml$1$2.err"
	grep -q '5 probes reflected, done' "$BATS_FILE_TMPDIR/ml$1$2.err"
}

@test "--max-loss: a responder that stops midway (UDP) fails 10%, passes 60%" {
	max_loss_run udp 10
	[ "$status" -eq 1 ]
	grep -q 'loss 50.0% is above --max-loss 10.0%' "$T/ml.err"
	max_loss_run udp 60
	[ "$status" -eq 0 ]
}

@test "--max-loss: a responder that stops midway (TCP) fails 10%, passes 60%" {
	max_loss_run tcp 10
	[ "$status" -eq 1 ]
	max_loss_run tcp 60
	[ "$status" -eq 0 ]
}

@test "ping an unanswered UDP port: exit 1, 100% loss, null RTT" {
	bg sink calls-probe listen -u -p 0 -s 127.0.0.1
	port=$(listen_port sink)
	run calls-probe ping -u --json -c 3 -i 0.05 -W 0.3 127.0.0.1 "$port"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ $output == *"no reply from udp 127.0.0.1:$port"* ]]
	grep '^{' <<<"$output" | jq -s -e '.[] | select(.type == "summary") |
		.received == 0 and .loss_pct == 100 and .rtt_ms == null and
		.ok == false'
	run calls-probe ping -u -c 2 -i 0.05 -W 0.3 --max-loss 100 127.0.0.1 "$port"
	[ "$status" -eq 1 ]
	fin sink
}

@test "ping a closed port: exit 1 saying nothing listens (UDP) / refused (TCP)" {
	port=$(free_port)
	run calls-probe ping -u -c 3 -i 0.05 -W 0.5 127.0.0.1 "$port"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ $output == *"ICMP port unreachable: nothing listens there"* ]]
	run calls-probe ping -t -c 3 127.0.0.1 "$port"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ $output == *"Connection refused"* ]]
}

@test "ping counts duplicated and reordered replies" {
	start_daemon odd /usr/bin/python3 "$DATA/odd-responder.py"
	port=$(addr_port "$(ready_field odd udp)")
	run calls-probe ping -u --json -c 4 -i 0.05 -W 2 127.0.0.1 "$port"
	echo "$output"
	[ "$status" -eq 0 ]
	jq -s -e '.[] | select(.type == "summary") | .sent == 4 and
		.received == 4 and .duplicated == 1 and .reordered == 1 and
		.loss_pct == 0' <<<"$output"
	jq -s -e 'map(select(.status == "duplicate")) | length == 1' <<<"$output"
	stop_daemon odd
}

@test "the echo responder drops what is not a probe request" {
	start_echo ed -u -s 127.0.0.1
	run bash -c "printf 'garbage\n' | nc -u -w 1 127.0.0.1 $port"
	[ -z "$output" ]
	run calls-probe ping -u -c 1 127.0.0.1 "$port"
	[ "$status" -eq 0 ]
	stop_daemon ed
	grep -q '1 probes reflected, 1 dropped' "$BATS_FILE_TMPDIR/ed.err"
}

@test "the TCP echo responder closes a stream that is not probe packets" {
	start_echo edt -t -s 127.0.0.1
	run timeout 10 bash -c "printf 'GET / HTTP/1.0\r\n\r\n' | nc -N 127.0.0.1 $port"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	wait_for "$BATS_FILE_TMPDIR/edt.err" "not probe packets"
	run calls-probe ping -t -c 1 127.0.0.1 "$port"
	[ "$status" -eq 0 ]
	stop_daemon edt
}

@test "listen --echo --wait: exits when idle" {
	run timeout 10 calls-probe listen --echo -u -p 0 -s 127.0.0.1 --wait 0.2
	[ "$status" -eq 0 ]
	[[ $output == *"ready udp=127.0.0.1:"* ]]
}

# Bound to the any-address, replies leave from the address the datagram
# came to (IP_PKTINFO): 127.0.0.2 is a second address of lo, and a reply
# from 127.0.0.1 would never reach a socket connected to 127.0.0.2 (the
# real nc -l -u fails this way).
@test "listen --echo on the any-address answers from the address probed" {
	start_echo eany -u
	grep -q '^ready udp=0.0.0.0:' "$BATS_FILE_TMPDIR/eany.out"
	run calls-probe ping -u -c 2 -i 0.01 127.0.0.2 "$port"
	echo "$output"
	[ "$status" -eq 0 ]
	stop_daemon eany
	start_echo eany6 -u -6
	for host in 127.0.0.2 ::1; do
		run calls-probe ping -u -c 2 -i 0.01 "$host" "$port"
		echo "$output"
		[ "$status" -eq 0 ]
	done
	stop_daemon eany6
}

@test "listen -u on the any-address answers nc from the address it used" {
	bg srv calls-probe listen -u -p 0
	port=$(listen_port srv)
	bg cli nc -u 127.0.0.2 "$port"
	say cli "to the second address"
	wait_for "$T/srv.out" "to the second address"
	say srv "answered from it"
	wait_for "$T/cli.out" "answered from it"
	fin cli
	fin srv
}

@test "ping stopped by SIGTERM prints the summary of what it sent" {
	start_echo es -u -s 127.0.0.1
	calls-probe ping -u --json -c 100000 -i 0.01 127.0.0.1 "$port" \
		>"$T/p.out" 2>"$T/p.err" &
	pid=$!
	wait_for "$T/p.out" '"seq":3,'
	kill -TERM "$pid"
	status=0
	wait "$pid" || status=$?
	[ "$status" -eq 0 ]
	jq -e . "$T/p.out" >/dev/null
	tail -n1 "$T/p.out" | jq -e '.type == "summary" and .sent >= 3 and
		.sent < 100000 and .received >= 3'
	no_sanitizer_report "$T/p.err"
	stop_daemon es
}

@test "ping --mtu on loopback: a plausible size; --mtu-max is honoured" {
	start_echo em -u -s 127.0.0.1
	run calls-probe ping -u --mtu --json 127.0.0.1 "$port"
	echo "$output"
	[ "$status" -eq 0 ]
	n=$(jq -r .payload <<<"$output")
	[ "$n" -ge 1200 ] && [ "$n" -le 65507 ]
	[ "$(jq -r .ip_packet <<<"$output")" -eq $((n + 28)) ]
	run calls-probe ping --mtu --mtu-max 1400 127.0.0.1 "$port"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"largest payload with DF set: 1400 bytes (IP packet 1428 bytes)"* ]]
	stop_daemon em
}

@test "ping --mtu over IPv6, and against a closed port" {
	start_echo em6 -u -s ::1
	run calls-probe ping --mtu --json ::1 "$port"
	echo "$output"
	[ "$status" -eq 0 ]
	n=$(jq -r .payload <<<"$output")
	[ "$n" -ge 1232 ] && [ "$n" -le 65527 ]
	run calls-probe ping --mtu --mtu-max 1300 --json ::1 "$port"
	[ "$(jq -r .payload <<<"$output")" -eq 1300 ]
	stop_daemon em6
	port=$(free_port)
	run calls-probe ping --mtu -W 0.5 127.0.0.1 "$port"
	[ "$status" -eq 1 ]
	[[ $output == *"no reply"* ]]
}

# --------------------------------------------------------------- stun

start_coturn() {            # sets $port; coturn is an independent server
	port=$(free_port)
	bg turn turnserver -n --stun-only --no-cli --no-tls --no-dtls \
		-L 127.0.0.1 -L ::1 -p "$port" --log-file stdout \
		--no-software-attribute --db="$BATS_TEST_TMPDIR/turndb"
	wait_bound udp "$port"
	# bound is not serving yet: on a loaded machine coturn can take
	# seconds more; give it up to 20
	for _ in $(seq 100); do
		calls-stun query --rto 50ms --count 1 "127.0.0.1:$port" \
			>/dev/null 2>&1 && return 0
		sleep 0.2
	done
	echo "# coturn did not answer on $port" >&3
	return 1
}

@test "stun: coturn answers, with RTT and mapped address (IPv4, IPv6, TCP)" {
	command -v turnserver || skip "coturn is not installed"
	start_coturn
	run calls-probe stun 127.0.0.1 "$port"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output =~ ^stun\ udp\ 127.0.0.1:$port:\ answered\ in\ [0-9.]+\ ms,\ mapped\ address\ 127.0.0.1:[0-9]+ ]]
	run calls-probe stun --json "[::1]:$port"
	echo "$output"
	[ "$status" -eq 0 ]
	jq -e '.type == "stun" and .answered and (.mapped | startswith("[::1]:"))' <<<"$output"
	wait_bound tcp "$port"
	run calls-probe stun -t 127.0.0.1 "$port"
	echo "$output"
	[ "$status" -eq 0 ]
	fin turn
}

@test "stun: a port that does not answer STUN is exit 1" {
	bg sink calls-probe listen -u -p 0 -s 127.0.0.1
	port=$(listen_port sink)
	run calls-probe stun -W 0.5 --json 127.0.0.1 "$port"
	echo "$output"
	[ "$status" -eq 1 ]
	grep '^{' <<<"$output" | jq -e '.answered == false and .rtt_ms == null'
	fin sink
	port=$(free_port)
	run calls-probe stun -W 2 127.0.0.1 "$port"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ $output == *"no STUN answer"* ]]
}

# ------------------------------------------------------------ tunings

@test "tunings: a host tuned as the guide says passes" {
	run calls-probe tunings --proc-root "$DATA/good"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 7 ]
	[ "$(grep -c '^pass ' <<<"$output")" -eq 7 ]
	[[ $output == *"net.core.optmem_max    33554432 (want >= 16777216)"* ]]
	[[ $output == *"nofile                 1048576 (want >= 65536)"* ]]
}

@test "tunings: small buffers fail, buffer errors and nofile warn" {
	run calls-probe tunings --proc-root "$DATA/bad"
	echo "$output"
	[ "$status" -eq 1 ]
	grep -q '^fail  net.core.rmem_max      212992 (want >= 16777216)' <<<"$output"
	grep -q '^fail  net.core.wmem_max ' <<<"$output"
	grep -q '^fail  net.core.optmem_max .*sysctl -w net.core.optmem_max=16777216' <<<"$output"
	grep -q '^warn  udp.RcvbufErrors       29 ' <<<"$output"
	grep -q '^warn  udp.SndbufErrors       2 ' <<<"$output"
	grep -q '^warn  udp.InErrors           31 ' <<<"$output"
	grep -q '^warn  nofile                 1024 ' <<<"$output"
}

@test "tunings --json: one line per check and a summary, all parse" {
	run calls-probe tunings --json --proc-root "$DATA/bad"
	[ "$status" -eq 1 ]
	jq -e . >/dev/null <<<"$output"
	[ "$(jq -s 'map(select(.type == "check")) | length' <<<"$output")" -eq 7 ]
	jq -s -e '.[] | select(.name == "net.core.rmem_max") | .status == "fail" and .value == 212992' <<<"$output"
	jq -s -e '.[] | select(.type == "summary") | .pass == 0 and .warn == 4 and .fail == 3 and .ok == false' <<<"$output"
	run calls-probe tunings --json --proc-root "$DATA/good"
	[ "$status" -eq 0 ]
	jq -s -e '.[] | select(.type == "summary") | .pass == 7 and .ok' <<<"$output"
}

@test "tunings: unreadable values warn; a missing --proc-root is exit 4" {
	run calls-probe tunings --proc-root "$DATA/broken"
	echo "$output"
	[ "$status" -eq 0 ]
	grep -q '^warn  net.core.rmem_max      unknown ' <<<"$output"
	grep -q '^warn  udp.InErrors           unknown ' <<<"$output"
	run calls-probe tunings --proc-root "$T/nonexistent"
	[ "$status" -eq 4 ]
}

@test "tunings on the real /proc: one line per check" {
	run calls-probe tunings
	echo "$output"
	[ "$status" -eq 0 ] || [ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 7 ]
	[ "$(grep -cE '^(pass|warn|fail)  ' <<<"$output")" -eq 7 ]
	run calls-probe tunings --json
	jq -e . >/dev/null <<<"$output"
}
