#!/usr/bin/env bats
# calls-sfu RTC port: the ready line, plain STUN connectivity checks
# (calls-probe stun, calls-stun query), ICE Binding requests for unknown
# ufrags, garbage counted in rtcd_rtc_errors_total, ICE-TCP framing.

load helpers

PY=/usr/bin/python3

setup_file() {
	export DATA="$BATS_FILE_TMPDIR/db"
	start_daemon sfu env RTCD_LOGGER_ENABLEFILE=false \
		RTCD_RTC_ICEADDRESSUDP=127.0.0.1 \
		RTCD_RTC_ICEADDRESSTCP=127.0.0.1 CALLS_SFU_RTC_PORT=0 \
		calls-sfu --api-listen 127.0.0.1:0 --data-source "$DATA"
	API=http://$(ready_field sfu api)
	RTC=$(ready_field sfu rtc)
	RTC_TCP=$(ready_field sfu rtc_tcp)
	export API RTC RTC_TCP
}

teardown_file() {
	stop_daemon sfu
}

# errors TYPE: the value of rtcd_rtc_errors_total{groupID="",type=TYPE}
errors() {
	curl -sS --max-time 10 "$API/metrics" |
		sed -n "s/^rtcd_rtc_errors_total{groupID=\"\",type=\"$1\"} //p"
}

@test "the ready line names the RTC ports" {
	[[ $RTC == 127.0.0.1:* ]]
	[[ $RTC_TCP == 127.0.0.1:* ]]
	[ "$(addr_port "$RTC")" -gt 0 ]
	[ "$(addr_port "$RTC_TCP")" -gt 0 ]
}

@test "calls-probe stun: the RTC port answers a plain Binding request" {
	run calls-probe stun 127.0.0.1 "$(addr_port "$RTC")"
	[ "$status" -eq 0 ]
	[[ $output == *"mapped address 127.0.0.1:"* ]]
}

@test "calls-stun query: UDP and TCP (RFC 4571 framing is not STUN's own)" {
	run calls-stun query --json "$RTC"
	[ "$status" -eq 0 ]
	echo "$output" | jq -e 'select(.mapped | startswith("127.0.0.1:"))'
	# STUN over TCP frames by its own length: not ICE-TCP's framing,
	# so the RTC TCP port closes that connection
	run calls-stun query --tcp "$RTC_TCP"
	[ "$status" -ne 0 ]
}

@test "ICE Binding request for an unknown ufrag: no answer, counted as ice" {
	local before after
	before=$(errors ice)
	run calls-stun query --rto 50ms --count 2 --user nobody:client \
		--password secretsecretsecret "$RTC"
	[ "$status" -eq 1 ]
	after=$(errors ice)
	[ "$after" -eq "$((${before:-0} + 2))" ]
}

@test "garbage on the RTC port is counted by kind and harms nothing" {
	local ice0 rtp0
	ice0=$(errors ice); ice0=${ice0:-0}
	rtp0=$(errors rtp); rtp0=${rtp0:-0}
	run $PY - "$(addr_port "$RTC")" <<'PY'
import os, socket, struct, sys, time
port = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
stun = struct.pack("!HHI", 1, 0, 0x2112a442) + os.urandom(12)
ice = rtp = 0
pkts = []
for i in range(200):                       # random bytes, any first byte
    p = bytes([i % 256]) + os.urandom(i % 300)
    pkts.append(p)
for n in range(1, 20):                     # truncated STUN header
    pkts.append(stun[:n])
pkts.append(bytes([22, 0xfe, 0xfd]))       # truncated DTLS
pkts.append(bytes([0x80]))                 # truncated RTP
pkts.append(bytes([0x80, 111, 0, 1]) + os.urandom(30))
for p in pkts:
    s.sendto(p, ("127.0.0.1", port))
    if 128 <= p[0] <= 191:
        rtp += 1
    else:
        ice += 1
    time.sleep(0.0005)
print(ice, rtp)
PY
	[ "$status" -eq 0 ]
	read -r ice rtp <<<"$output"
	for _ in $(seq 50); do
		[ "$(errors ice)" -eq "$((ice0 + ice))" ] && break
		sleep 0.1
	done
	[ "$(errors ice)" -eq "$((ice0 + ice))" ]
	[ "$(errors rtp)" -eq "$((rtp0 + rtp))" ]
	run calls-probe stun 127.0.0.1 "$(addr_port "$RTC")"
	[ "$status" -eq 0 ]
	kill -0 "$(cat "$BATS_FILE_TMPDIR/sfu.pid")"
}

@test "ICE-TCP: framed Binding answered; a framing error closes only that connection" {
	run $PY - "$(addr_port "$RTC_TCP")" <<'PY'
import os, socket, struct, sys
port = int(sys.argv[1])

def binding():
    tid = os.urandom(12)
    return tid, struct.pack("!HHI", 1, 0, 0x2112a442) + tid

def recv_frame(c):
    hdr = b""
    while len(hdr) < 2:
        d = c.recv(2 - len(hdr))
        if not d:
            return None
        hdr += d
    n = struct.unpack("!H", hdr)[0]
    body = b""
    while len(body) < n:
        d = c.recv(n - len(body))
        if not d:
            return None
        body += d
    return body

def check(c):
    tid, req = binding()
    c.sendall(struct.pack("!H", len(req)) + req)
    resp = recv_frame(c)
    assert resp is not None, "no answer"
    typ, ln, cookie = struct.unpack("!HHI", resp[:8])
    assert typ == 0x0101 and cookie == 0x2112a442, hex(typ)
    assert resp[8:20] == tid
    return resp

a = socket.create_connection(("127.0.0.1", port), timeout=5)
b = socket.create_connection(("127.0.0.1", port), timeout=5)
check(a)
# garbage frame on b: b is closed by the server
b.sendall(struct.pack("!H", 4) + b"\xff\xff\xff\xff")
assert recv_frame(b) is None, "b still open"
# a keeps working, also when a request arrives one byte at a time
tid, req = binding()
for byte in struct.pack("!H", len(req)) + req:
    a.send(bytes([byte]))
resp = recv_frame(a)
assert resp is not None and resp[8:20] == tid
check(a)
print("ok")
PY
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = ok ]
}

@test "two daemons on ephemeral RTC ports: each answers on its own" {
	start_daemon sfu2 env RTCD_LOGGER_ENABLEFILE=false \
		RTCD_RTC_ICEADDRESSUDP=127.0.0.1 \
		RTCD_RTC_ICEADDRESSTCP=127.0.0.1 CALLS_SFU_RTC_PORT=0 \
		calls-sfu --api-listen 127.0.0.1:0 \
		--data-source "$BATS_FILE_TMPDIR/db2"
	local rtc2
	rtc2=$(ready_field sfu2 rtc)
	[ "$rtc2" != "$RTC" ]
	run calls-probe stun 127.0.0.1 "$(addr_port "$rtc2")"
	[ "$status" -eq 0 ]
	stop_daemon sfu2
}
