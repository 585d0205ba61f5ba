#!/usr/bin/env bats
# calls-sfu's HTTP API, auth, store, drain and command line, against a
# daemon started on 127.0.0.1 port 0 by each test. Expected bodies are
# rtcd's (docs/man/calls-sfu.1.md says where we differ, and why).

load helpers

KEY1=0123456789abcdef0123456789abcdef
KEY2=fedcba9876543210fedcba9876543210
ADMIN=admin-secret-for-the-sfu-api-tests
PY=/usr/bin/python3

# sfu_start [VAR=VALUE...] [-- ARGS...]: starts calls-sfu (name $N),
# with its store in $DATA; sets API (http://127.0.0.1:PORT)
sfu_start() {
	local envs=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
	[ "${1:-}" = -- ] && shift
	N=${N:-s$BATS_TEST_NUMBER}
	# loopback RTC port on a free port; sessions held without an offer
	start_daemon "$N" env RTCD_LOGGER_ENABLEFILE=false \
		RTCD_RTC_ICEADDRESSUDP=127.0.0.1 RTCD_RTC_ICEADDRESSTCP=127.0.0.1 \
		CALLS_SFU_RTC_PORT=0 CALLS_SFU_TEST_OFFER_TIMEOUT_MS=60000 \
		"${envs[@]}" \
		calls-sfu --api-listen 127.0.0.1:0 --data-source "$DATA" "$@"
	API=http://$(ready_field "$N" api)
}

# hold_session [LEAVEFILE]: client c1 (registered) holds session sess1 of
# call1 over /ws (tests/cli/sfu_api_hold.py; it leaves when LEAVEFILE
# appears); returns once GET /calls/call1/sessions lists it, with that
# response in code/ctype/body. Sets hold (its pid) and out (its notes).
hold_session() {
	# auth stays set: some tests open a second client with it
	auth="Basic $(printf 'c1:%s' "$KEY1" | base64 -w0)"
	out=$BATS_TEST_TMPDIR/hold.out
	"$PY" "$CALLS_SRCDIR/tests/cli/sfu_api_hold.py" "ws://${API#http://}/ws" \
		"$auth" call1 sess1 "$out" "$@" 3>&- &
	hold=$!
	for _ in $(seq 100); do
		req GET /calls/call1/sessions -u "c1:$KEY1"
		[ "$code" = 200 ] && break
		sleep 0.1
	done
	[ "$code" = 200 ]
}

setup() {
	DATA=$BATS_TEST_TMPDIR/db
	N=s$BATS_TEST_NUMBER
}

teardown() {
	local f
	for f in "$BATS_FILE_TMPDIR"/s"$BATS_TEST_NUMBER"*.pid; do
		[ -e "$f" ] || continue
		stop_daemon "$(basename "$f" .pid)"
		rm -f "$f"
	done
}

# req METHOD PATH [CURL ARGS...]: sets code, ctype, body (and the raw
# body in $BATS_TEST_TMPDIR/body)
req() {
	local m=$1 p=$2 out
	shift 2
	out=$(curl -sS --max-time 20 -o "$BATS_TEST_TMPDIR/body" \
		-w '%{http_code} %{content_type}' -X "$m" "$API$p" "$@")
	code=${out%% *}
	ctype=${out#* }
	body=$(cat "$BATS_TEST_TMPDIR/body")
}

# the body ends with exactly one newline (Go's json.Encoder, http.Error)
ends_nl() {
	[ "$(tail -c1 "$BATS_TEST_TMPDIR/body" | od -An -tx1 | tr -d ' ')" = 0a ]
}

creds() { printf '{"clientID":"%s","authKey":"%s"}' "$1" "$2"; }

register() {  # register ID KEY [CURL ARGS...]
	local id=$1 key=$2
	shift 2
	req POST /register -d "$(creds "$id" "$key")" "$@"
}

json_err() {  # json_err CODE TEXT: the body is rtcd's error map
	[ "$code" = "$1" ]
	[ "$ctype" = application/json ]
	[ "$body" = "{\"code\":\"$1\",\"error\":\"$2\"}" ]
	ends_nl
}

text_is() {   # text_is CODE TEXT: Go's http.Error
	[ "$code" = "$1" ]
	[ "$ctype" = "text/plain; charset=utf-8" ]
	[ "$body" = "$2" ]
	ends_nl
}

wait_exit() {  # wait_exit PID: its exit status, waiting 30 s at most
	local pid=$1
	for _ in $(seq 300); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	wait "$pid"
}

# ------------------------------------------------------------ open routes

@test "GET /version: rtcd's keys in order, our semantic version >= v1.0.0" {
	sfu_start
	req GET /version
	[ "$code" = 200 ]
	[ "$ctype" = application/json ]
	ends_nl
	[ "$(jq -r 'keys_unsorted | join(",")' <<<"$body")" = \
		buildDate,buildVersion,buildHash,goVersion,goOS,goArch ]
	v=$(jq -r .buildVersion <<<"$body")
	[[ $v =~ ^v([0-9]+)\.([0-9]+)\.([0-9]+)$ ]]
	[ "${BASH_REMATCH[1]}" -ge 1 ]
	[ "$v" = "v$(calls-sfu --version | head -n1 | cut -d' ' -f2)" ]
	[ "$(jq -r .goOS <<<"$body")" = linux ]
	[[ $(jq -r .goVersion <<<"$body") == *libre* ]]
}

@test "GET /system: cpu_load is a finite number, also after samples" {
	sfu_start
	req GET /system
	[ "$code" = 200 ]
	[ "$ctype" = application/json ]
	ends_nl
	[ "$(jq -r '.cpu_load | type' <<<"$body")" = number ]
	sleep 2.2
	req GET /system
	[ "$(jq -r '.cpu_load | type' <<<"$body")" = number ]
	jq -e '.cpu_load >= 0' <<<"$body"
}

@test "unknown paths and wrong methods: 404 page not found, text/plain" {
	sfu_start
	for r in "GET /" "GET /nope" "POST /version" "PUT /system" \
		"GET /register" "GET /unregister" "GET /login" \
		"POST /metrics" "POST /ws" "GET /calls" "GET /calls/c1" \
		"GET /calls//sessions" "GET /calls/c1/sessions/" \
		"GET /calls/c1/sessions/s1/x" "POST /calls/c1/sessions" \
		"GET /version/" "GET /Version"; do
		req ${r% *} "${r#* }"
		text_is 404 "404 page not found" || { echo "$r: $code $body"; false; }
	done
}

# ---------------------------------------------------------- registration

@test "register with self-registration: 201, then rtcd's refusals" {
	sfu_start RTCD_API_SECURITY_ALLOWSELFREGISTRATION=true
	register c1 "$KEY1"
	[ "$code" = 201 ]
	[ "$ctype" = application/json ]
	[ "$body" = '{"clientID":"c1","code":"201"}' ]
	ends_nl

	register c1 "$KEY2"
	json_err 400 "registration failed: already registered"
	register c2 0123456789abcdef0123456789abcde      # 31 chars
	json_err 400 "registration failed: key not long enough"
	register "" "$KEY1"
	json_err 400 "registration failed: error: empty key"
	register c3 "$KEY1$KEY1$KEY1"                    # 96 > 72
	json_err 400 "registration failed: bcrypt: password length exceeds 72 bytes"
	# exactly 32 is enough
	register c2 "$KEY2"
	[ "$code" = 201 ]
	# Go's encoder escapes <, > and & in the echoed clientID
	register 'a<b>&c' "$KEY2"
	[ "$code" = 201 ]
	[ "$body" = '{"clientID":"a\u003cb\u003e\u0026c","code":"201"}' ]
}

@test "register: bad, empty and non-string JSON bodies are 400 JSON errors" {
	sfu_start RTCD_API_SECURITY_ALLOWSELFREGISTRATION=true
	req POST /register -d '{"clientID":"c1",'
	json_err 400 "invalid JSON"
	req POST /register
	json_err 400 "EOF"
	req POST /register -d '[1,2]'
	[ "$code" = 400 ] && [ "$ctype" = application/json ]
	req POST /register -d '{"clientID":1,"authKey":"'"$KEY1"'"}'
	[ "$code" = 400 ]
	jq -e '.code == "400" and (.error | length > 0)' <<<"$body"
	req POST /register -d 'not json at all'
	json_err 400 "invalid JSON"
	req POST /register -d '"a string"'
	[ "$code" = 400 ]
	[[ $body == *non-object* ]]
	req POST /register -d '{"clientID":"c1","authKey":"'"$KEY1"'"} {}'
	json_err 400 "invalid JSON"
	# nothing was stored on the way
	register c1 "$KEY1"
	[ "$code" = 201 ]
}

@test "register without self-registration: admin, or any registered client" {
	sfu_start RTCD_API_SECURITY_ENABLEADMIN=true \
		RTCD_API_SECURITY_ADMINSECRETKEY="$ADMIN"
	register c1 "$KEY1"
	json_err 401 "authentication failed"
	register c1 "$KEY1" -u "c1:$KEY1"
	json_err 401 "authentication failed"
	register c1 "$KEY1" -H "Authorization: Bearer nonsense"
	json_err 401 "authentication failed"
	register c1 "$KEY1" -H "Authorization: Digest x"
	json_err 401 "authentication failed"
	# admin: any user name, the secret as password
	register c1 "$KEY1" -u "whoever:$ADMIN"
	[ "$code" = 201 ]
	# a registered client may register others (rtcd does)
	register c2 "$KEY2" -u "c1:$KEY1"
	[ "$code" = 201 ]
	register c3 "$KEY2" -u "c1:$KEY2"
	json_err 401 "authentication failed"
	# and with a bearer token
	req POST /login -d "$(creds c2 "$KEY2")"
	tok=$(jq -r .bearerToken <<<"$body")
	register c4 "$KEY2" -H "Authorization: Bearer $tok"
	[ "$code" = 201 ]
}

@test "admin secret is refused when enable_admin is off" {
	sfu_start RTCD_API_SECURITY_ADMINSECRETKEY="$ADMIN"
	register c1 "$KEY1" -u "whoever:$ADMIN"
	json_err 401 "authentication failed"
}

# ----------------------------------------------------------------- login

@test "login: a 32-char base64url bearer token; wrong keys are 400" {
	sfu_start RTCD_API_SECURITY_ALLOWSELFREGISTRATION=true
	register c1 "$KEY1"
	req POST /login -d "$(creds c1 "$KEY1")"
	[ "$code" = 200 ]
	[ "$ctype" = application/json ]
	ends_nl
	[ "$(jq -r 'keys | join(",")' <<<"$body")" = bearerToken,code ]
	[ "$(jq -r .code <<<"$body")" = 200 ]
	[[ $(jq -r .bearerToken <<<"$body") =~ ^[A-Za-z0-9_-]{32}$ ]]
	[[ $body == '{"bearerToken":"'*'","code":"200"}' ]]

	req POST /login -d "$(creds c1 "$KEY2")"
	json_err 400 "login failed: authentication failed"
	req POST /login -d "$(creds nobody "$KEY1")"
	json_err 400 "login failed: authentication failed"
	req POST /login -d '{"clientID":'
	json_err 400 "invalid JSON"
	# the admin secret is not a client key
	req POST /login -d "$(creds c1 "$ADMIN")"
	[ "$code" = 400 ]
}

@test "bearer tokens: one per client, and they expire (test knob)" {
	sfu_start RTCD_API_SECURITY_ALLOWSELFREGISTRATION=true \
		CALLS_SFU_TEST_TOKEN_EXPIRY_S=1
	register c1 "$KEY1"
	req POST /login -d "$(creds c1 "$KEY1")"
	t1=$(jq -r .bearerToken <<<"$body")
	req GET /calls/x/sessions -H "Authorization: Bearer $t1"
	text_is 404 "failed to get session configs: group not found"
	# a new login replaces the token
	req POST /login -d "$(creds c1 "$KEY1")"
	t2=$(jq -r .bearerToken <<<"$body")
	[ "$t1" != "$t2" ]
	req GET /calls/x/sessions -H "Authorization: Bearer $t1"
	text_is 401 unauthorized
	req GET /calls/x/sessions -H "Authorization: Bearer $t2"
	[ "$code" = 404 ]
	# expired
	sleep 1.5
	req GET /calls/x/sessions -H "Authorization: Bearer $t2"
	text_is 401 unauthorized
	# the prefix is case-sensitive (rtcd)
	req POST /login -d "$(creds c1 "$KEY1")"
	t3=$(jq -r .bearerToken <<<"$body")
	req GET /calls/x/sessions -H "Authorization: bearer $t3"
	text_is 401 unauthorized
}

# ------------------------------------------------------------- sessions

@test "GET /calls/{id}/sessions: each kind of auth" {
	sfu_start RTCD_API_SECURITY_ALLOWSELFREGISTRATION=true \
		RTCD_API_SECURITY_ENABLEADMIN=true \
		RTCD_API_SECURITY_ADMINSECRETKEY="$ADMIN"
	register c1 "$KEY1"
	req GET /calls/call1/sessions
	text_is 401 unauthorized
	req GET /calls/call1/sessions -u "c1:$KEY2"
	text_is 401 unauthorized
	req GET /calls/call1/sessions -u "nobody:$KEY1"
	text_is 401 unauthorized
	req GET /calls/call1/sessions -H "Authorization: Basic !!!"
	text_is 401 unauthorized
	# admin has no group: 401, as rtcd
	req GET /calls/call1/sessions -u "x:$ADMIN"
	text_is 401 unauthorized
	req GET /calls/call1/sessions -u "c1:$KEY1"
	text_is 404 "failed to get session configs: group not found"
	req GET /calls/call1/sessions/s1 -u "c1:$KEY1"
	[ "$code" = 404 ]
	[[ $body == "failed to get session config"*": group not found" ]]
}

@test "GET /calls/{id}/sessions with a live session (WebSocket join)" {
	sfu_start RTCD_API_SECURITY_ALLOWSELFREGISTRATION=true
	register c1 "$KEY1"
	hold_session "$BATS_TEST_TMPDIR/leave"
	[ "$ctype" = application/json ]
	[ "$(jq -r '.[0].GroupID' <<<"$body")" = c1 ]
	[ "$(jq -r '.[0].CallID' <<<"$body")" = call1 ]
	[ "$(jq -r '.[0].SessionID' <<<"$body")" = sess1 ]
	req GET /calls/call1/sessions/sess1 -u "c1:$KEY1"
	[ "$code" = 200 ]
	[ "$(jq -r .SessionID <<<"$body")" = sess1 ]
	req GET /calls/call1/sessions/nope -u "c1:$KEY1"
	[ "$code" = 404 ]
	req GET /calls/other/sessions -u "c1:$KEY1"
	text_is 404 "failed to get session configs: call not found"
	# path segments are percent-decoded, as Go's PathValue
	req GET /calls/call%31/sessions/sess%31 -u "c1:$KEY1"
	[ "$code" = 200 ]
	req GET /calls/call%zz/sessions -u "c1:$KEY1"
	[ "$code" = 400 ]
	touch "$BATS_TEST_TMPDIR/leave"
	wait "$hold"
	grep -qx "close sess1" "$out"
}

# ----------------------------------------------------------- unregister

@test "unregister: 403 when neither admin nor self-registration is on" {
	sfu_start
	req POST /unregister -d '{"clientID":"c1"}'
	json_err 403 "unregister not enabled"
}

@test "unregister: self only for clients, anyone for admin; drops tokens" {
	sfu_start RTCD_API_SECURITY_ALLOWSELFREGISTRATION=true \
		RTCD_API_SECURITY_ENABLEADMIN=true \
		RTCD_API_SECURITY_ADMINSECRETKEY="$ADMIN"
	register c1 "$KEY1"
	register c2 "$KEY2"
	req POST /unregister -d '{"clientID":"c1"}'
	json_err 401 "authentication failed"
	req POST /unregister -d '{"clientID":"c1"}' -u "c1:$KEY2"
	json_err 401 "authentication failed"
	req POST /unregister -d '{"clientID":"c2"}' -u "c1:$KEY1"
	json_err 403 "client id not valid"
	req POST /unregister -d '{"clientID":' -u "c1:$KEY1"
	json_err 400 "invalid JSON"

	req POST /login -d "$(creds c1 "$KEY1")"
	tok=$(jq -r .bearerToken <<<"$body")
	req POST /unregister -d '{"clientID":"c1"}' -H "Authorization: Bearer $tok"
	[ "$code" = 200 ]
	[ "$body" = '{"code":"200"}' ]
	ends_nl
	# gone: key and token both refused, re-registration possible
	req GET /calls/x/sessions -u "c1:$KEY1"
	text_is 401 unauthorized
	req GET /calls/x/sessions -H "Authorization: Bearer $tok"
	text_is 401 unauthorized
	# admin removes anyone; an unknown client is a 400
	req POST /unregister -d '{"clientID":"c2"}' -u "x:$ADMIN"
	[ "$code" = 200 ]
	req POST /unregister -d '{"clientID":"c2"}' -u "x:$ADMIN"
	[ "$code" = 400 ]
	[ "$ctype" = application/json ]
	register c1 "$KEY2"
	[ "$code" = 201 ]
}

# -------------------------------------------------------------------- ws

@test "GET /ws: failed auth is a 401 (rtcd writes nothing), no upgrade" {
	sfu_start RTCD_API_SECURITY_ALLOWSELFREGISTRATION=true
	register c1 "$KEY1"
	up=(-H "Connection: Upgrade" -H "Upgrade: websocket"
	    -H "Sec-WebSocket-Version: 13"
	    -H "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==")
	req GET /ws "${up[@]}"
	json_err 401 "authentication failed"
	req GET /ws "${up[@]}" -u "c1:$KEY2"
	json_err 401 "authentication failed"
	# right credentials but not a WebSocket request
	req GET /ws -u "c1:$KEY1"
	[ "$code" = 400 ]
	# right credentials: 101 and a hello, with Basic and with Bearer
	out=$BATS_TEST_TMPDIR/hold.out
	auth="Basic $(printf 'c1:%s' "$KEY1" | base64 -w0)"
	"$PY" "$CALLS_SRCDIR/tests/cli/sfu_api_hold.py" "ws://${API#http://}/ws" \
		"$auth" call1 sess1 "$out" "$BATS_TEST_TMPDIR/leave" 3>&- &
	hold=$!
	req POST /login -d "$(creds c1 "$KEY1")"
	auth="Bearer $(jq -r .bearerToken <<<"$body")"
	"$PY" "$CALLS_SRCDIR/tests/cli/sfu_api_hold.py" "ws://${API#http://}/ws" \
		"$auth" call1 sess2 "$out.2" "$BATS_TEST_TMPDIR/leave" 3>&- &
	hold2=$!
	for _ in $(seq 100); do
		[ -s "$out" ] && [ -s "$out.2" ] && break
		sleep 0.1
	done
	touch "$BATS_TEST_TMPDIR/leave"
	wait "$hold"
	wait "$hold2"
	grep -qx joined "$out"
	grep -qx joined "$out.2"
}

# ----------------------------------------------------------------- store

@test "the store survives a restart; 0700 directory, 0600 database" {
	DATA=$BATS_TEST_TMPDIR/deep/store
	N=s${BATS_TEST_NUMBER}a
	sfu_start RTCD_API_SECURITY_ALLOWSELFREGISTRATION=true
	register c1 "$KEY1"
	[ "$code" = 201 ]
	stop_daemon "$N"
	rm -f "$BATS_FILE_TMPDIR/$N.pid"

	[ "$(stat -c %a "$DATA")" = 700 ]
	[ "$(stat -c %a "$DATA/calls-sfu.db")" = 600 ]
	# only hashes in there
	! grep -q "$KEY1" "$DATA/calls-sfu.db"
	grep -q '\$2b\$10\$' "$DATA/calls-sfu.db"

	N=s${BATS_TEST_NUMBER}b
	sfu_start
	req GET /calls/x/sessions -u "c1:$KEY1"
	text_is 404 "failed to get session configs: group not found"
	req GET /calls/x/sessions -u "c1:$KEY2"
	text_is 401 unauthorized
	register c1 "$KEY1" -u "c1:$KEY1"
	json_err 400 "registration failed: already registered"
}

@test "an existing world-readable data directory is tightened to 0700" {
	mkdir -m 0755 "$DATA"
	sfu_start
	[ "$(stat -c %a "$DATA")" = 700 ]
	grep -q "tightening to 0700" "$BATS_FILE_TMPDIR/$N.err"
}

# ---------------------------------------------------------- hostile input

@test "garbage HTTP, huge headers and bodies: clear errors, still serving" {
	sfu_start RTCD_API_SECURITY_ALLOWSELFREGISTRATION=true
	port=${API##*:}
	"$PY" - "$port" <<'PY'
import os, socket, sys
port = int(sys.argv[1])
def send(data, read=True):
    s = socket.create_connection(("127.0.0.1", port), 5)
    try:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        return s.recv(65536) if read else b""
    except (ConnectionResetError, BrokenPipeError):
        return b""
    finally:
        s.close()
for _ in range(20):
    send(os.urandom(4096))
send(b"\x00\xff\r\n\r\n")
send(b"GET / HTTP/1.1\r\n" + b"X: " + b"a" * 600000 + b"\r\n\r\n")
send(b"GET /version HTTP/1.1\r\nHost: x\r\n" + b"X-A: b\r\n" * 40000 + b"\r\n")
PY
	req GET /version
	[ "$code" = 200 ]

	# bodies over 64 KiB: 413; over libre's 512 KiB buffer: hang-up
	head -c 100000 /dev/zero | tr '\0' a >"$BATS_TEST_TMPDIR/big"
	req POST /register --data-binary @"$BATS_TEST_TMPDIR/big"
	json_err 413 "http: request body too large"
	head -c 2000000 /dev/zero | tr '\0' a >"$BATS_TEST_TMPDIR/huge"
	got=$(curl -s --max-time 20 -o /dev/null -w '%{http_code}' \
		--data-binary @"$BATS_TEST_TMPDIR/huge" "$API/register") || true
	[ "$got" = 000 ] || [ "$got" = 413 ]
	# chunked bodies: 411
	req POST /register -H "Transfer-Encoding: chunked" -d "$(creds c1 "$KEY1")"
	[ "$code" = 411 ]
	[ "$ctype" = application/json ]

	req GET /version
	[ "$code" = 200 ]
	register c1 "$KEY1"
	[ "$code" = 201 ]
	kill -0 "$(cat "$BATS_FILE_TMPDIR/$N.pid")"
}

@test "pipelined requests are answered in order, also behind a bcrypt" {
	sfu_start RTCD_API_SECURITY_ALLOWSELFREGISTRATION=true
	register c1 "$KEY1"
	"$PY" - "${API##*:}" "$(creds c1 "$KEY1")" <<'PY'
import socket, sys
port, body = int(sys.argv[1]), sys.argv[2].encode()
login = (b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n"
         % len(body)) + body
ver = b"GET /version HTTP/1.1\r\nHost: x\r\n\r\n"
nf = b"GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
s = socket.create_connection(("127.0.0.1", port), 10)
s.settimeout(10)
s.sendall(login + ver + login + nf)
buf = b""
while buf.count(b"HTTP/1.1 ") < 4 or not buf.endswith(b"\n"):
    d = s.recv(65536)
    if not d:
        break
    buf += d
parts = [p for p in buf.split(b"HTTP/1.1 ") if p]
codes = [p[:3] for p in parts]
assert codes == [b"200", b"200", b"200", b"404"], codes
assert b"bearerToken" in parts[0] and b"buildVersion" in parts[1], parts
assert b"bearerToken" in parts[2] and b"page not found" in parts[3], parts
print("in order:", codes)
PY
}

@test "bcrypt rate limit: over the limit is a 429 (test knob)" {
	sfu_start RTCD_API_SECURITY_ALLOWSELFREGISTRATION=true \
		CALLS_SFU_TEST_AUTH_RATE=0.01 CALLS_SFU_TEST_AUTH_WAIT_MS=1000
	register c1 "$KEY1"
	[ "$code" = 201 ]
	req POST /login -d "$(creds c1 "$KEY1")"
	json_err 429 "too many requests"
	req GET /calls/x/sessions -u "c1:$KEY1"
	json_err 429 "too many requests"
	# no bcrypt, no limit
	req GET /version
	[ "$code" = 200 ]
	req GET /calls/x/sessions
	text_is 401 unauthorized
}

@test "a flood of bad logins does not starve the API" {
	sfu_start RTCD_API_SECURITY_ALLOWSELFREGISTRATION=true
	register c1 "$KEY1"
	pids=()
	for i in $(seq 40); do
		curl -s -o /dev/null --max-time 30 -d "$(creds c1 "$KEY2")" \
			"$API/login" 3>&- &
		pids+=($!)
	done
	# answered from the main loop while the pool hashes
	for i in $(seq 5); do
		req GET /version
		[ "$code" = 200 ]
		req GET /system
		[ "$code" = 200 ]
	done
	for p in "${pids[@]}"; do wait "$p" || true; done
	req POST /login -d "$(creds c1 "$KEY1")"
	[ "$code" = 200 ]
}

# ----------------------------------------------------------------- drain

@test "SIGTERM without sessions: exits 0" {
	sfu_start
	pid=$(cat "$BATS_FILE_TMPDIR/$N.pid")
	kill -TERM "$pid"
	st=0
	wait_exit "$pid" || st=$?
	[ "$st" -eq 0 ]
	grep -q "drain: no sessions" "$BATS_FILE_TMPDIR/$N.err"
}

@test "SIGTERM drains: a live session keeps it running until it leaves" {
	sfu_start RTCD_API_SECURITY_ALLOWSELFREGISTRATION=true
	pid=$(cat "$BATS_FILE_TMPDIR/$N.pid")
	register c1 "$KEY1"
	hold_session "$BATS_TEST_TMPDIR/leave"

	kill -TERM "$pid"
	for _ in $(seq 50); do
		grep -q "drain: refusing new joins" "$BATS_FILE_TMPDIR/$N.err" && break
		sleep 0.1
	done
	grep -q "waiting for 1 sessions" "$BATS_FILE_TMPDIR/$N.err"
	# a new join is refused with a close
	"$PY" "$CALLS_SRCDIR/tests/cli/sfu_api_hold.py" "ws://${API#http://}/ws" \
		"$auth" call1 sess2 "$out.2" 3>&-
	grep -qx "close sess2" "$out.2"
	# still serving while draining; a second SIGTERM changes nothing
	kill -TERM "$pid"
	req GET /version
	[ "$code" = 200 ]
	req GET /calls/call1/sessions -u "c1:$KEY1"
	[ "$code" = 200 ]
	kill -0 "$pid"

	touch "$BATS_TEST_TMPDIR/leave"
	wait "$hold"
	grep -qx "close sess1" "$out"
	st=0
	wait_exit "$pid" || st=$?
	[ "$st" -eq 0 ]
	grep -q "the last session ended" "$BATS_FILE_TMPDIR/$N.err"
}

@test "SIGTERM drain timeout: sessions are closed, then exit 0" {
	sfu_start RTCD_API_SECURITY_ALLOWSELFREGISTRATION=true -- \
		--drain-timeout 1
	pid=$(cat "$BATS_FILE_TMPDIR/$N.pid")
	register c1 "$KEY1"
	hold_session
	kill -TERM "$pid"
	st=0
	wait_exit "$pid" || st=$?
	[ "$st" -eq 0 ]
	grep -q "drain: timeout after 1 s, closing 1 sessions" \
		"$BATS_FILE_TMPDIR/$N.err"
	wait "$hold" || true
	grep -qE "^(close sess1|dropped)$" "$out"
}

@test "a second SIGINT during the drain exits at once (130)" {
	sfu_start RTCD_API_SECURITY_ALLOWSELFREGISTRATION=true
	pid=$(cat "$BATS_FILE_TMPDIR/$N.pid")
	register c1 "$KEY1"
	hold_session
	kill -INT "$pid"
	for _ in $(seq 50); do
		grep -q "drain: refusing new joins" "$BATS_FILE_TMPDIR/$N.err" && break
		sleep 0.1
	done
	kill -0 "$pid"
	kill -INT "$pid"
	st=0
	wait_exit "$pid" || st=$?
	[ "$st" -eq 130 ]
	wait "$hold" || true
}

# ---------------------------------------------------------- command line

@test "config errors exit 3 and name the key" {
	run calls-sfu --set api.http.listen_address= --data-source "$DATA"
	[ "$status" -eq 3 ]
	[[ $output == *api.http.listen_address* ]]
	run calls-sfu --set no.such.key=1
	[ "$status" -eq 3 ]
	[[ $output == *no.such.key* ]]
	run calls-sfu --set rtc.ice_port_udp=70000
	[ "$status" -eq 3 ]
	[[ $output == *rtc.ice_port_udp* ]]
	run env RTCD_API_SECURITY_ENABLEADMIN=true calls-sfu --print-config
	[ "$status" -eq 3 ]
	[[ $output == *admin_secret_key* ]]
	run calls-sfu --config "$BATS_TEST_TMPDIR/missing.toml"
	[ "$status" -eq 3 ]
	[[ $output == *missing.toml* ]]
	printf '[api.http\nlisten_address = 1\n' >"$BATS_TEST_TMPDIR/bad.toml"
	run calls-sfu --config "$BATS_TEST_TMPDIR/bad.toml"
	[ "$status" -eq 3 ]
	run calls-sfu --set nonsense
	[ "$status" -eq 2 ]
	run calls-sfu --bogus-flag
	[ "$status" -eq 2 ]
	run calls-sfu extra-argument
	[ "$status" -eq 2 ]
}

@test "--print-config: the effective config as JSON, flags over env over file" {
	printf '[api.http]\nlisten_address = "127.0.0.1:1111"\n[store]\ndata_source = "/from/file"\n' \
		>"$BATS_TEST_TMPDIR/c.toml"
	run bash -c "RTCD_STORE_DATASOURCE=/from/env calls-sfu --config '$BATS_TEST_TMPDIR/c.toml' --print-config | jq -e ."
	[ "$status" -eq 0 ]
	[ "$(jq -r .api.http.listen_address <<<"$output")" = 127.0.0.1:1111 ]
	[ "$(jq -r .store.data_source <<<"$output")" = /from/env ]
	run bash -c "RTCD_STORE_DATASOURCE=/from/env calls-sfu --config '$BATS_TEST_TMPDIR/c.toml' --data-source /from/flag --api-listen 127.0.0.1:2222 --allow-self-registration --drain-timeout 7 --print-config"
	[ "$status" -eq 0 ]
	[ "$(jq -r .store.data_source <<<"$output")" = /from/flag ]
	[ "$(jq -r .api.http.listen_address <<<"$output")" = 127.0.0.1:2222 ]
	[ "$(jq -r .api.security.allow_self_registration <<<"$output")" = true ]
	[ "$(jq -r .calls.drain_timeout_seconds <<<"$output")" = 7 ]
}

@test "a port in use is exit 4; an unusable data_source is exit 4" {
	sfu_start
	run env RTCD_LOGGER_ENABLEFILE=false calls-sfu --api-listen "${API#http://}" \
		--data-source "$BATS_TEST_TMPDIR/db2"
	[ "$status" -eq 4 ]
	[[ $output == *listen* ]]
	run env RTCD_LOGGER_ENABLEFILE=false calls-sfu --api-listen 127.0.0.1:0 \
		--data-source /dev/null/x
	[ "$status" -eq 4 ]
	[[ $output == *store* ]]
	# a data directory someone else owns is refused (needs root to set up)
	if [ "$(id -u)" = 0 ]; then
		mkdir -m 0700 "$BATS_TEST_TMPDIR/theirs"
		chown nobody "$BATS_TEST_TMPDIR/theirs"
		run env RTCD_LOGGER_ENABLEFILE=false calls-sfu --api-listen 127.0.0.1:0 \
			--data-source "$BATS_TEST_TMPDIR/theirs"
		[ "$status" -eq 4 ]
		[[ $output == *"owned by uid"* ]]
	fi
}

@test "listen address ':PORT' is every address: IPv4 and IPv6 loopback" {
	start_daemon "$N" env RTCD_LOGGER_ENABLEFILE=false calls-sfu \
		--api-listen :0 --data-source "$DATA"
	addr=$(ready_field "$N" api)
	port=${addr##*:}
	run curl -sS --max-time 5 "http://127.0.0.1:$port/system"
	[ "$status" -eq 0 ]
	if curl -s --max-time 2 -o /dev/null "http://[::1]:$port/system"; then
		[[ $addr == "[::]:"* ]]
	fi
}

@test "HTTPS with a certificate and a key from two files" {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$BATS_TEST_TMPDIR/key.pem" -out "$BATS_TEST_TMPDIR/cert.pem" \
		-days 1 -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1 \
		2>/dev/null
	sfu_start -- --tls-cert "$BATS_TEST_TMPDIR/cert.pem" \
		--tls-key "$BATS_TEST_TMPDIR/key.pem"
	url=https://${API#http://}
	run curl -sS --max-time 10 --cacert "$BATS_TEST_TMPDIR/cert.pem" "$url/version"
	[ "$status" -eq 0 ]
	jq -e .buildVersion <<<"$output"
	run curl -sS --max-time 10 "$API/version"
	[ "$status" -ne 0 ]
	# a key that does not load is a config error
	run env RTCD_LOGGER_ENABLEFILE=false calls-sfu --api-listen 127.0.0.1:0 \
		--data-source "$DATA" --tls-cert "$BATS_TEST_TMPDIR/cert.pem" \
		--tls-key /dev/null
	[ "$status" -eq 3 ]
}

# ---------------------------------------------------------------- metrics

@test "GET /metrics passes promtool check metrics" {
	sfu_start
	req GET /metrics
	[ "$code" = 200 ]
	[[ $ctype == "text/plain; version=0.0.4"* ]]
	grep -q '^rtcd_process_' "$BATS_TEST_TMPDIR/body"
	run promtool check metrics <"$BATS_TEST_TMPDIR/body"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "a real Prometheus scrapes /metrics: target health is up" {
	command -v prometheus
	sfu_start
	pport=$(free_port)
	cat >"$BATS_TEST_TMPDIR/prom.yml" <<EOF2
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: calls-sfu
    static_configs:
      - targets: ['${API#http://}']
EOF2
	N=s${BATS_TEST_NUMBER}prom
	prometheus --config.file="$BATS_TEST_TMPDIR/prom.yml" \
		--storage.tsdb.path="$BATS_TEST_TMPDIR/tsdb" \
		--web.listen-address=127.0.0.1:$pport >/dev/null \
		2>"$BATS_TEST_TMPDIR/prom.err" 3>&- &
	echo $! >"$BATS_FILE_TMPDIR/$N.pid"
	: >"$BATS_FILE_TMPDIR/$N.err"
	health=
	for _ in $(seq 150); do
		health=$(curl -s --max-time 2 "http://127.0.0.1:$pport/api/v1/targets" |
			jq -r '.data.activeTargets[0].health // empty' 2>/dev/null) || true
		[ "$health" = up ] && break
		sleep 0.2
	done
	[ "$health" = up ] || { tail -5 "$BATS_TEST_TMPDIR/prom.err"; false; }
	for _ in $(seq 50); do
		v=$(curl -s --max-time 2 "http://127.0.0.1:$pport/api/v1/query?query=up" |
			jq -r '.data.result[0].value[1] // empty')
		[ "$v" = 1 ] && break
		sleep 0.2
	done
	[ "$v" = 1 ]
}
