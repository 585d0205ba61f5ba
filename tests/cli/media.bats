#!/usr/bin/env bats
# calls-sfu's media plane end to end, with peers we did not write: aiortc
# (Debian python3-aiortc) driven by tests/media/harness.py, which plays the
# Calls plugin over /ws, and headless Chromium (tests/media/browser). Each
# test starts its own calls-sfu on 127.0.0.1 (API and RTC ports 0, ICE
# addresses pinned to 127.0.0.1, self-registration, a temp data_source).
#
# Skips, each with its reason, only when a piece is detectably absent:
# no rtc= on the ready line (no RTC port), no SDP answer to an offer (no
# media plane: probed once in setup_file), no rtc_tcp= (ICE-TCP), no
# aiortc/numpy or no chromium/node, and when the harness exits 3 saying
# what is absent (SDP over calls-dc for dcSignaling joins).

load helpers

PY=/usr/bin/python3
HARNESS="$CALLS_SRCDIR/tests/media/harness.py"
BROWSER="$CALLS_SRCDIR/tests/media/browser"

# media_start NAME [ARGS...]: sets API RTC RTC_TCP PID
media_start() {
	local name=$1; shift
	start_daemon "$name" env RTCD_LOGGER_ENABLEFILE=false \
		RTCD_RTC_ICEADDRESSUDP=127.0.0.1 \
		RTCD_RTC_ICEADDRESSTCP=127.0.0.1 CALLS_SFU_RTC_PORT=0 \
		calls-sfu --api-listen 127.0.0.1:0 \
		--data-source "$BATS_FILE_TMPDIR/db-$name" \
		--allow-self-registration --drain-timeout 3 "$@"
	API=http://$(ready_field "$name" api)
	RTC=$(ready_field "$name" rtc)
	RTC_TCP=$(ready_field "$name" rtc_tcp)
	PID=$(cat "$BATS_FILE_TMPDIR/$name.pid")
}

setup_file() {
	local why=""
	if ! "$PY" -c 'import aiortc, numpy' 2>/dev/null; then
		why="python3-aiortc or python3-numpy missing"
	else
		media_start probe
		if [ -z "$RTC" ]; then
			why="calls-sfu has no RTC port (no rtc= when ready)"
		else
			run timeout 30 "$PY" "$HARNESS" probe --api "$API" \
				--timeout 25
			case $status in
			0) ;;
			3) why="calls-sfu answers no SDP offer" ;;
			*) why="" ;;  # tests run and show the failure
			esac
		fi
		stop_daemon probe || true
	fi
	echo "$why" >"$BATS_FILE_TMPDIR/skip-media"
}

need_media() {
	local why; why=$(cat "$BATS_FILE_TMPDIR/skip-media")
	[ -z "$why" ] || skip "$why"
}

# scenario NAME [ARGS...]: one harness scenario against a fresh calls-sfu
scenario() {
	need_media
	media_start "m$BATS_TEST_NUMBER"
	run timeout 120 "$PY" "$HARNESS" "$1" --api "$API" --rtc "$RTC" \
		--rtc-tcp "$RTC_TCP" --pid "$PID" --timeout 100 "${@:2}"
	echo "$output"
	# exit 3: the harness found a piece of calls-sfu absent, and says which
	[ "$status" -ne 3 ] || skip "$(sed -n 's/^ABSENT: //p' <<<"$output")"
	[ "$status" -eq 0 ]
}

teardown() {
	local f="$BATS_FILE_TMPDIR/m$BATS_TEST_NUMBER.pid"
	if [ -e "$f" ]; then
		stop_daemon "m$BATS_TEST_NUMBER"
		rm -f "$f"
	fi
}

@test "media: two aiortc peers reach ICE/DTLS connected with calls-dc open" {
	scenario connect
}

@test "media: tones of A (440 Hz), B (660 Hz) heard by the others +-10 Hz" {
	scenario tone
}

@test "media: A's Mute stops B's inbound packets, Unmute resumes them" {
	scenario mute
}

@test "media: A leaves: B's offer removes A's track, the call lists B only" {
	scenario leave
}

@test "media: VP8 screen decoded by B (size, colours), PLI to A, NACK" {
	scenario screen
}

@test "media: audio levels of A's gated tone give vad VoiceOn, then VoiceOff" {
	scenario vad
}

@test "media: a peer on ICE-TCP only (RFC 4571 bridge) connects, is heard" {
	need_media
	media_start "m$BATS_TEST_NUMBER"
	[ -n "$RTC_TCP" ] || skip "no rtc_tcp= when ready (no ICE-TCP)"
	run timeout 120 "$PY" "$HARNESS" icetcp --api "$API" --rtc "$RTC" \
		--rtc-tcp "$RTC_TCP" --timeout 100
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "media: dcSignaling: offers and answers over calls-dc (zlib JSON)" {
	scenario dcsignal
}

@test "media: an offer with a wrong DTLS fingerprint is refused with close" {
	scenario fingerprint
}

@test "media: garbage and a replayed SRTP packet are counted; the call flows" {
	scenario garbage
}

@test "media: Chromium hears aiortc, shares a VP8 screen, speaks (VAD)" {
	need_media
	[ -x /usr/bin/chromium ] || skip "/usr/bin/chromium missing"
	command -v node >/dev/null || skip "node missing"
	if [ ! -d "$BROWSER/node_modules/playwright-core" ]; then
		# pinned by package-lock.json; never downloads a browser
		PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix "$BROWSER" \
			--no-audit --no-fund >&3 2>&1
	fi
	media_start "m$BATS_TEST_NUMBER"
	run timeout 150 "$PY" "$BROWSER/relay.py" --api "$API" \
		--browser-dir "$BROWSER" \
		--profile "$BATS_TEST_TMPDIR/chromium" \
		--timeout 120
	echo "$output"
	[ "$status" -eq 0 ]
}
