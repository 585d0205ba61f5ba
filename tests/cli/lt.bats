#!/usr/bin/env bats
# calls-lt against real calls-sfu instances on loopback: small scenarios
# with real WebRTC peers (ICE, DTLS, SRTP, calls-dc), JSON lines, the
# threshold flags, errors, SIGINT, and calls spread over three SFUs
# behind one name served by dnsmasq.

load helpers

# sfu_start NAME [IP [API_PORT]]: a calls-sfu with self-registration;
# sets API PID
sfu_start() {
	local name=$1 ip=${2:-127.0.0.1} port=${3:-0}
	start_daemon "$name" env RTCD_LOGGER_ENABLEFILE=false \
		RTCD_RTC_ICEADDRESSUDP="$ip" RTCD_RTC_ICEADDRESSTCP="$ip" \
		CALLS_SFU_RTC_PORT=0 \
		calls-sfu --api-listen "$ip:$port" \
		--data-source "$BATS_FILE_TMPDIR/db-$name" \
		--allow-self-registration --drain-timeout 1
	API=http://$(ready_field "$name" api)
	PID=$(cat "$BATS_FILE_TMPDIR/$name.pid")
}

# every stdout line is one JSON object
all_json() {
	local f=$1 n
	n=$(wc -l <"$f")
	[ "$n" -gt 0 ]
	[ "$(jq -c . "$f" | wc -l)" -eq "$n" ]
}

# no sanitizer report in $output (UBSan does not change the exit status)
no_san() {
	! echo "$output" |
		grep -E 'runtime error:|ERROR: (Address|Leak|Thread)Sanitizer'
}

summary() {                 # summary FILE FILTER
	grep '"type":"summary"' "$1" | jq -r "$2"
}

setup_file() {
	sfu_start sfu
	echo "$API" >"$BATS_FILE_TMPDIR/api"
	echo "$PID" >"$BATS_FILE_TMPDIR/sfu-pid"
}

teardown_file() {
	stop_daemon sfu
}

# the multi-host test's daemons, also when it fails half-way
teardown() {
	local n
	for n in m2 m3 m4; do
		[ -f "$BATS_FILE_TMPDIR/$n.pid" ] || continue
		kill "$(cat "$BATS_FILE_TMPDIR/$n.pid")" 2>/dev/null || true
		rm -f "$BATS_FILE_TMPDIR/$n.pid"
	done
	if [ -f "$BATS_TEST_TMPDIR/dns.pid" ]; then
		kill "$(cat "$BATS_TEST_TMPDIR/dns.pid")" 2>/dev/null || true
	fi
}

api() { cat "$BATS_FILE_TMPDIR/api"; }

@test "lt: 2 calls x 3 users x 2 unmuted: every user connects, zero loss, JSON lines" {
	out=$BATS_TEST_TMPDIR/out
	run timeout 60 calls-lt --url "$(api)" --calls 2 --users-per-call 3 \
		--unmuted 2 --duration 3 --join-rate 50 \
		--sfu-pid "$(cat "$BATS_FILE_TMPDIR/sfu-pid")" --max-loss 0 \
		--max-failures 0
	[ "$status" -eq 0 ]
	no_san
	echo "$output" | grep '^{' >"$out"
	all_json "$out"
	grep -q '"type":"tick"' "$out"
	[ "$(summary "$out" .connected)" -eq 6 ]
	[ "$(summary "$out" .failed)" -eq 0 ]
	# each user hears the unmuted others: 2 calls x (2 + 1 + 1) streams
	[ "$(summary "$out" .streams.audio.n)" -eq 8 ]
	[ "$(summary "$out" '.rtp_received > 0')" = true ]
	[ "$(summary "$out" '.rtp_received == .rtp_expected')" = true ]
	[ "$(summary "$out" .srtp_auth_fail)" -eq 0 ]
	[ "$(summary "$out" '.srtp_auth_ok > 0')" = true ]
	[ "$(summary "$out" .join_ms.connected.n)" -eq 6 ]
	[ "$(summary "$out" .join_ms.first_audio.n)" -eq 6 ]
	[ "$(summary "$out" '.sfu.samples > 0')" = true ]
	[ "$(summary "$out" '.sfu.fwd_pkts_per_cpu_s >= 0')" = true ]
}

@test "lt: screen sharing: VP8 reaches the other users" {
	out=$BATS_TEST_TMPDIR/out
	run timeout 60 calls-lt --url "$(api)" --calls 1 --users-per-call 3 \
		--unmuted 1 --screen-sharing 1 --duration 3 --offset 100
	[ "$status" -eq 0 ]
	no_san
	echo "$output" | grep '^{' >"$out"
	all_json "$out"
	[ "$(summary "$out" .streams.video.n)" -eq 2 ]
	[ "$(summary "$out" .streams.audio.n)" -eq 2 ]
	[ "$(summary "$out" .streams.video.loss_pct.max)" = 0 ]
}

@test "lt: mute churn keeps zero loss; --sfu-metrics gives the guide's row" {
	out=$BATS_TEST_TMPDIR/out
	run timeout 60 calls-lt --url "$(api)" --calls 1 --users-per-call 3 \
		--unmuted 2 --duration 4 --mute-churn 0.2 --offset 150 \
		--sfu-metrics "$(api)/metrics" --max-loss 0
	[ "$status" -eq 0 ]
	no_san
	echo "$output" | grep '^{' >"$out"
	all_json "$out"
	[ "$(summary "$out" '.rtp_received == .rtp_expected')" = true ]
	[ "$(summary "$out" '.sfu.samples >= 2')" = true ]
	[ "$(summary "$out" '.sfu.rss_avg_mb > 0')" = true ]
	[[ "$output" == *"| Calls | Users/call | Unmuted/call | Screen sharing |"* ]]
}

@test "lt: threshold flags set the exit status" {
	run timeout 60 calls-lt --url "$(api)" --calls 1 --users-per-call 2 \
		--unmuted 1 --duration 1 --offset 200 --max-join-p95 0
	[ "$status" -eq 1 ]
	no_san
	[[ "$output" == *"join p95"* ]]
	run timeout 60 calls-lt --url "$(api)" --calls 1 --users-per-call 2 \
		--unmuted 1 --duration 1 --offset 201 --max-join-p95 60000 \
		--max-loss 100 --max-failures 0
	[ "$status" -eq 0 ]
	no_san
}

@test "lt: refused connection is exit 4, refused auth exit 3, usage exit 2" {
	port=$(free_port)
	run timeout 30 calls-lt --url "http://127.0.0.1:$port" --duration 1
	[ "$status" -eq 4 ]
	no_san
	[[ "$output" == *"127.0.0.1:$port"* ]]
	run timeout 30 calls-lt --url "$(api)" --client-id nobody \
		--auth-key wrongwrongwrongwrongwrongwrongwrong --duration 1
	[ "$status" -eq 3 ]
	no_san
	run calls-lt --calls 1
	[ "$status" -eq 2 ]
	no_san
	run calls-lt --url "$(api)" --users-per-call 2 --unmuted 3
	[ "$status" -eq 2 ]
	no_san
}

@test "lt: SIGINT mid-run leaves and still prints the summary" {
	out=$BATS_TEST_TMPDIR/out
	calls-lt --url "$(api)" --calls 1 --users-per-call 2 --unmuted 1 \
		--duration 60 --offset 300 >"$out" 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	for _ in $(seq 100); do
		grep -q '"connected":2' "$out" && break
		sleep 0.1
	done
	kill -INT "$pid"
	wait "$pid"
	all_json "$out"
	[ "$(summary "$out" .interrupted)" = true ]
	[ "$(summary "$out" .connected)" -eq 2 ]
	grep -q 'calls-lt summary' "$BATS_TEST_TMPDIR/err"
	! grep -E 'runtime error:|ERROR: (Address|Leak)Sanitizer' \
		"$BATS_TEST_TMPDIR/err"
}

# pick_ok: every "call ... on URL" follows "host URL cpu_load L" lines
# of each reachable host, and the chosen one's load is the lowest (loads
# within 25% + 0.05 of the lowest are ties)
pick_ok() {
	awk '
	/ host http:.* cpu_load / {
		for (i = 1; i <= NF; i++) {
			if ($i == "host") u = $(i + 1)
			if ($i == "cpu_load") l = $(i + 1)
		}
		load[u] = l; n++
		if (n == 1 || l < low) low = l
		next
	}
	/ call lt-call-[0-9]+ on / {
		u = $NF
		if (n == 0 || !(u in load)) { print "no load for " u; bad = 1 }
		else if (load[u] > low * 1.25 + 0.05) {
			print u " load " load[u] " above lowest " low; bad = 1
		}
		calls++
		delete load; n = 0
	}
	END { if (!calls) { print "no calls"; bad = 1 } exit bad }'
}

@test "lt: calls go to the least loaded of three SFUs behind one name; a stopped one gets none" {
	[ -x /usr/sbin/dnsmasq ] || skip "dnsmasq (dnsmasq-base) not installed"
	ip addr show lo | grep -q '127.0.0.1/8' ||
		skip "loopback is not 127.0.0.1/8"
	port=$(free_port)
	for i in 2 3 4; do
		sfu_start "m$i" "127.0.0.$i" "$port"
	done
	dport=$(free_port)
	printf '127.0.0.2 sfu.lt.test\n127.0.0.3 sfu.lt.test\n127.0.0.4 sfu.lt.test\n' \
		>"$BATS_TEST_TMPDIR/hosts"
	/usr/sbin/dnsmasq --keep-in-foreground --no-daemon --no-resolv \
		--no-hosts --addn-hosts="$BATS_TEST_TMPDIR/hosts" \
		--listen-address=127.0.0.1 --bind-interfaces --port="$dport" \
		--pid-file= --user="$(id -un)" --log-facility=- \
		2>"$BATS_TEST_TMPDIR/dnsmasq.err" &
	dns=$!
	echo "$dns" >"$BATS_TEST_TMPDIR/dns.pid"
	sleep 0.5

	run timeout 90 calls-lt --url "http://sfu.lt.test:$port" \
		--dns-server "127.0.0.1:$dport" --calls 6 --users-per-call 2 \
		--unmuted 1 --duration 2 --join-rate 20 --offset 400 -v
	[ "$status" -eq 0 ]
	no_san
	# all three were resolved, asked for their load and connected
	for i in 2 3 4; do
		echo "$output" | grep -q "host http://127.0.0.$i:$port cpu_load"
	done
	echo "$output" | grep -E ' host | call lt-call' | pick_ok
	[ "$(echo "$output" | grep '"type":"summary"' | jq .connected)" -eq 12 ]

	stop_daemon m3; rm -f "$BATS_FILE_TMPDIR/m3.pid"
	run timeout 90 calls-lt --url "http://sfu.lt.test:$port" \
		--dns-server "127.0.0.1:$dport" --calls 4 --users-per-call 2 \
		--unmuted 1 --duration 2 --join-rate 20 --offset 500 -v
	kill "$dns" 2>/dev/null || true
	wait "$dns" 2>/dev/null || true
	stop_daemon m2; rm -f "$BATS_FILE_TMPDIR/m2.pid"
	stop_daemon m4; rm -f "$BATS_FILE_TMPDIR/m4.pid"
	[ "$status" -eq 0 ]
	no_san
	! echo "$output" | grep -q "on http://127.0.0.3:$port"
	! echo "$output" | grep -q "host http://127.0.0.3:$port cpu_load"
	echo "$output" | grep -E ' host | call lt-call' | pick_ok
	[ "$(echo "$output" | grep '"type":"summary"' | jq .connected)" -eq 8 ]
}
