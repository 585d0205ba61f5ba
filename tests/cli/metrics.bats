#!/usr/bin/env bats
# calls-metrics against endpoints nobody here wrote (a real Prometheus
# server and node exporter, checked with promtool), against a small test
# server (tests/data/metrics/server.py: errors, auth, TLS, a listener that
# never answers, counters that grow), and on the format fixtures.
#
# promtool check metrics both parses and lints. A parse error in what
# calls-metrics writes always fails a test. Lint findings (no HELP,
# camelCase names, "_total" on a gauge, units) are about the names the
# source chose: they count only when calls-metrics adds one the source
# text did not have.

load helpers
bats_require_minimum_version 1.5.0

DATA="$CALLS_SRCDIR/tests/data/metrics"

setup_file() {
	# sanitizer reports (in sanitizer builds) go to files teardown looks
	# for, and change the exit status to one no test expects
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}log_path=$BATS_FILE_TMPDIR/san:exitcode=86"
	export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}log_path=$BATS_FILE_TMPDIR/san:halt_on_error=1:exitcode=86:print_stacktrace=1"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
		-addext subjectAltName=IP:127.0.0.1 \
		-keyout "$BATS_FILE_TMPDIR/key.pem" -out "$BATS_FILE_TMPDIR/cert.pem" \
		2>/dev/null
	start_daemon srv /usr/bin/python3 "$DATA/server.py" \
		--cert "$BATS_FILE_TMPDIR/cert.pem" --key "$BATS_FILE_TMPDIR/key.pem"
}

teardown() {
	local f
	for f in "$BATS_FILE_TMPDIR"/san.*; do
		[ -e "$f" ] || continue
		cat "$f"
		rm -f "$f"
		return 1
	done
}

teardown_file() {
	stop_daemon srv
	for d in prom node; do
		[ -f "$BATS_FILE_TMPDIR/$d.pid" ] && kill "$(cat "$BATS_FILE_TMPDIR/$d.pid")" 2>/dev/null
	done
	true
}

srv() { echo "http://$(ready_field srv http)$1"; }

# start_exporter NAME CMD... (CMD gets the port through $PORT): waits until
# /metrics answers; exporters print no ready line
start_exporter() {
	local name=$1 port; shift
	port=$(free_port)
	eval "set -- $(printf '%q ' "$@" | sed "s/PORT/$port/g")"
	"$@" >"$BATS_FILE_TMPDIR/$name.log" 2>&1 3>&- &
	echo $! >"$BATS_FILE_TMPDIR/$name.pid"
	for _ in $(seq 150); do
		curl -sf -o /dev/null "http://127.0.0.1:$port/metrics" && {
			echo "$port" >"$BATS_FILE_TMPDIR/$name.port"; return 0; }
		sleep 0.1
	done
	cat "$BATS_FILE_TMPDIR/$name.log" >&3
	return 1
}

prometheus_up() {
	[ -f "$BATS_FILE_TMPDIR/prom.port" ] && return 0
	mkdir -p "$BATS_FILE_TMPDIR/tsdb"
	printf 'global:\n  scrape_interval: 1h\nscrape_configs: []\n' \
		>"$BATS_FILE_TMPDIR/prometheus.yml"
	start_exporter prom prometheus --web.listen-address=127.0.0.1:PORT \
		--storage.tsdb.path="$BATS_FILE_TMPDIR/tsdb" \
		--config.file="$BATS_FILE_TMPDIR/prometheus.yml"
}

node_up() {
	[ -f "$BATS_FILE_TMPDIR/node.port" ] && return 0
	start_exporter node prometheus-node-exporter \
		--web.listen-address=127.0.0.1:PORT
}

# The sample lines of two exposition texts hold the same series with the
# same values (parsed by Python, not by us)
same_samples() {
	/usr/bin/python3 - "$1" "$2" <<'PY'
import math, sys
def load(path):
    d = {}
    for line in open(path, encoding='utf-8'):
        line = line.rstrip('\n')
        if not line or line.startswith('#'):
            continue
        key, val = line.rsplit(' ', 1)
        if '}' in val or ' ' in key.split('}')[-1]:
            key, val = key.rsplit(' ', 1)[0], key.rsplit(' ', 1)[1]
        d[key] = float(val)
    return d
a, b = load(sys.argv[1]), load(sys.argv[2])
bad = [k for k in a if k not in b or not (a[k] == b[k] or
       (math.isnan(a[k]) and math.isnan(b[k])))]
bad += [k for k in b if k not in a]
for k in bad[:10]:
    print('differs:', k, a.get(k), b.get(k))
print('compared', len(a), 'series')
sys.exit(1 if bad or not a else 0)
PY
}

# promtool parses what we wrote, and lints no more than the source
promtool_ok() {     # promtool_ok SOURCE OURS
	run promtool check metrics <"$2"
	echo "$output"
	[[ $output != *"error while linting"* ]]
	[[ $output != *"parsing error"* ]]
	[ "$status" -eq 0 ] || [ "$status" -eq 3 ]
	promtool check metrics <"$1" 2>&1 | sort -u >"$BATS_TEST_TMPDIR/lint.src" || true
	promtool check metrics <"$2" 2>&1 | sort -u >"$BATS_TEST_TMPDIR/lint.ours" || true
	comm -13 "$BATS_TEST_TMPDIR/lint.src" "$BATS_TEST_TMPDIR/lint.ours" \
		>"$BATS_TEST_TMPDIR/lint.new"
	cat "$BATS_TEST_TMPDIR/lint.new"
	[ ! -s "$BATS_TEST_TMPDIR/lint.new" ]
}

no_sanitizer_report() {
	! grep -E 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$1"
}

# --- real endpoints ------------------------------------------------------

@test "a real Prometheus server's own /metrics: every sample, values as Python reads them" {
	prometheus_up
	local url="http://127.0.0.1:$(cat "$BATS_FILE_TMPDIR/prom.port")/metrics"
	curl -sf "$url" >"$BATS_TEST_TMPDIR/raw.txt"
	calls-metrics scrape --target-label '' -f prom - <"$BATS_TEST_TMPDIR/raw.txt" \
		>"$BATS_TEST_TMPDIR/ours.txt" 2>"$BATS_TEST_TMPDIR/err"
	no_sanitizer_report "$BATS_TEST_TMPDIR/err"
	[ ! -s "$BATS_TEST_TMPDIR/err" ]
	same_samples "$BATS_TEST_TMPDIR/raw.txt" "$BATS_TEST_TMPDIR/ours.txt"
	# HELP and TYPE lines come through unchanged
	diff <(grep '^#' "$BATS_TEST_TMPDIR/raw.txt" | sort) \
		<(grep '^#' "$BATS_TEST_TMPDIR/ours.txt" | sort)
}

@test "a real Prometheus server over HTTP: re-emitted text passes promtool check metrics" {
	prometheus_up
	local url="http://127.0.0.1:$(cat "$BATS_FILE_TMPDIR/prom.port")/metrics"
	run calls-metrics scrape -f prom "$url"
	[ "$status" -eq 0 ]
	echo "$output" >"$BATS_TEST_TMPDIR/ours.txt"
	curl -sf "$url" >"$BATS_TEST_TMPDIR/raw.txt"
	promtool_ok "$BATS_TEST_TMPDIR/raw.txt" "$BATS_TEST_TMPDIR/ours.txt"
	# JSON lines: one a sample, each with the documented fields
	run calls-metrics scrape "$url"
	[ "$status" -eq 0 ]
	echo "$output" | jq -e -s 'length > 100 and all(.[]; has("target") and
		has("name") and has("labels") and has("value") and has("type") and
		has("timestamp"))'
	echo "$output" | jq -e -s 'any(.[]; .name == "prometheus_build_info")'
}

@test "node exporter: same samples, promtool finds nothing the source did not have" {
	node_up
	local url="http://127.0.0.1:$(cat "$BATS_FILE_TMPDIR/node.port")/metrics"
	curl -sf "$url" >"$BATS_TEST_TMPDIR/raw.txt"
	calls-metrics scrape -f prom - <"$BATS_TEST_TMPDIR/raw.txt" \
		>"$BATS_TEST_TMPDIR/ours.txt"
	same_samples "$BATS_TEST_TMPDIR/raw.txt" "$BATS_TEST_TMPDIR/ours.txt"
	promtool_ok "$BATS_TEST_TMPDIR/raw.txt" "$BATS_TEST_TMPDIR/ours.txt"
}

@test "two real targets at once, merged into one exposition with a target label" {
	prometheus_up
	node_up
	local p="http://127.0.0.1:$(cat "$BATS_FILE_TMPDIR/prom.port")/metrics"
	local n="http://127.0.0.1:$(cat "$BATS_FILE_TMPDIR/node.port")/metrics"
	run calls-metrics scrape -f prom "$p" "$n"
	[ "$status" -eq 0 ]
	echo "$output" >"$BATS_TEST_TMPDIR/ours.txt"
	# both export go_goroutines: one family block, two series
	[ "$(grep -c '^# TYPE go_goroutines ' "$BATS_TEST_TMPDIR/ours.txt")" -eq 1 ]
	grep -q "^go_goroutines{target=\"$p\"}" "$BATS_TEST_TMPDIR/ours.txt"
	grep -q "^go_goroutines{target=\"$n\"}" "$BATS_TEST_TMPDIR/ours.txt"
	run promtool check metrics <"$BATS_TEST_TMPDIR/ours.txt"
	[[ $output != *"error while linting"* ]]
}

@test "an OpenMetrics exporter made with the Prometheus Python client: same samples as its 0.0.4 text" {
	/usr/bin/python3 -c 'import prometheus_client' 2>/dev/null ||
		skip "python3-prometheus-client not installed"
	start_daemon pyc /usr/bin/python3 "$DATA/pyclient.py"
	local url="http://$(ready_field pyc http)/"
	run --separate-stderr calls-metrics scrape "$url"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	echo "$output" >"$BATS_TEST_TMPDIR/om.json"
	# it answered OpenMetrics: _created belongs to the counter family
	jq -e -s '.[] | select(.name == "rtcd_rtc_errors_created" and .labels.type == "ice")
		| .type == "counter"' "$BATS_TEST_TMPDIR/om.json"
	jq -e -s '.[] | select(.name == "rtcd_rtc_errors_total" and .labels.type == "rtp")
		| .labels.groupID == "g\"1\\\n" and .value == 0.5' "$BATS_TEST_TMPDIR/om.json"
	jq -e -s '.[] | select(.name == "rtcd_state" and .labels.rtcd_state == "draining")
		| .type == "stateset" and .value == 1' "$BATS_TEST_TMPDIR/om.json"
	# the client's own 0.0.4 text holds the same samples
	calls-metrics scrape --accept 'text/plain;version=0.0.4' "$url" >"$BATS_TEST_TMPDIR/text.json"
	diff <(jq -c '[.name, .labels, .value]' "$BATS_TEST_TMPDIR/text.json" | sort) \
		<(jq -c '[.name, .labels, .value]' "$BATS_TEST_TMPDIR/om.json" | sort)
	# our 0.0.4 from its OpenMetrics lints no worse than its own 0.0.4
	curl -sf -H 'Accept: text/plain;version=0.0.4' "$url" >"$BATS_TEST_TMPDIR/raw.txt"
	calls-metrics scrape -f prom "$url" >"$BATS_TEST_TMPDIR/ours.txt"
	stop_daemon pyc
	promtool_ok "$BATS_TEST_TMPDIR/raw.txt" "$BATS_TEST_TMPDIR/ours.txt"
}

# --- the format ------------------------------------------------------------

@test "fixtures: edge cases of the text format as JSON lines" {
	run calls-metrics scrape - <"$DATA/edge.prom"
	[ "$status" -eq 0 ]
	echo "$output" | jq -e -s 'length == 32'
	echo "$output" | jq -e -s '.[] | select(.name == "msdos_file_access_time_seconds")
		| .labels.error == "Cannot find file:\n\"FILE.TXT\"" and .value == 1458255915'
	echo "$output" | jq -e -s '.[] | select(.name == "something_weird")
		| .value == "+Inf" and .timestamp == -3982045'
	echo "$output" | jq -e -s '.[] | select(.name == "not_a_number") | .value == "NaN"'
	echo "$output" | jq -e -s '[.[] | select(.type == "histogram")] | length == 8'
}

@test "fixtures: re-emitted edge cases pass promtool and keep every value" {
	calls-metrics scrape -f prom - <"$DATA/edge.prom" >"$BATS_TEST_TMPDIR/ours.txt"
	promtool_ok "$DATA/edge.prom" "$BATS_TEST_TMPDIR/ours.txt"
	# and reading our own output again gives the same records
	diff <(calls-metrics scrape - <"$DATA/edge.prom") \
		<(calls-metrics scrape - <"$BATS_TEST_TMPDIR/ours.txt")
}

@test "the parser allocates nothing per sample (valgrind counts the same allocations for 2k and 40k samples)" {
	command -v valgrind >/dev/null || skip "valgrind not installed"
	! ldd "$(command -v calls-metrics)" | grep -q libasan ||
		skip "AddressSanitizer build: valgrind cannot run it"
	local n allocs=()
	for n in 2000 40000; do
		/usr/bin/python3 -c "
import sys
n = int(sys.argv[1])
print('# TYPE rtcd_x_total counter')
for i in range(n):
    print('rtcd_x_total{group_id=\"g%d\",type=\"audio/opus\"} %d' % (i, i * 7))
" "$n" >"$BATS_TEST_TMPDIR/in.prom"
		run valgrind --error-exitcode=99 "$(command -v calls-metrics)" scrape --count-only - \
			<"$BATS_TEST_TMPDIR/in.prom"
		[ "$status" -eq 0 ]
		[[ $output == *"samples=$n rejected=0"* ]]
		allocs+=("$(echo "$output" | sed -n 's/.*total heap usage: \([0-9,]*\) allocs.*/\1/p' | tr -d ,)")
	done
	echo "allocations: ${allocs[*]}"
	# growing the input buffer and the series set takes a few more
	[ $((allocs[1] - allocs[0])) -lt 40 ]
}

@test "malformed and duplicate lines: reported with line numbers, skipped, the rest kept" {
	run --separate-stderr calls-metrics scrape - <"$DATA/bad.prom"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | wc -l)" -eq 4 ]
	[[ $stderr == *"line 3: invalid metric name"* ]]
	[[ $stderr == *"line 20: good: duplicate series (first on line 2)"* ]]
	[[ $stderr == *"line 21: duplicate # TYPE for good (first on line 1)"* ]]
	[[ $stderr == *"line 25: h_bucket: missing label 'le'"* ]]
	[[ $stderr == *"30 lines rejected"* ]]
	run calls-metrics scrape --strict - <"$DATA/bad.prom"
	[ "$status" -eq 3 ]
}

@test "OpenMetrics by Content-Type: float-second timestamps, _created, exemplars, # EOF" {
	run --separate-stderr calls-metrics scrape "$(srv /om/om.txt)"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	echo "$output" | jq -e -s '.[] | select(.name == "go_goroutines") | .timestamp == 1605281325500'
	echo "$output" | jq -e -s '[.[] | select(.name == "foo_bucket")] | length == 3'
	# re-emitted as 0.0.4 text that promtool takes
	calls-metrics scrape -f prom "$(srv /om/om.txt)" >"$BATS_TEST_TMPDIR/ours.txt"
	run promtool check metrics <"$BATS_TEST_TMPDIR/ours.txt"
	[[ $output != *"error while linting"* ]]
}

@test "--group: one object per family, histogram buckets and summary quantiles" {
	run calls-metrics scrape --group - <"$DATA/edge.prom"
	[ "$status" -eq 0 ]
	echo "$output" | jq -e -s '.[] | select(.name == "http_request_duration_seconds")
		| .type == "histogram" and (.metrics | length) == 1 and
		  .metrics[0].buckets["+Inf"] == 144320 and .metrics[0].count == 144320'
	echo "$output" | jq -e -s '.[] | select(.name == "rpc_duration_seconds")
		| .metrics[0].quantiles["0.99"] == 76656 and .metrics[0].sum == 17560473'
	echo "$output" | jq -e -s '.[] | select(.name == "http_requests_total")
		| (.metrics | length) == 3 and (.help | startswith("The total number"))'
}

@test "--format table: a header and aligned rows" {
	run calls-metrics scrape -f table "$(srv /file/rtcd.prom)"
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == NAME*LABELS*VALUE*TYPE ]]
	[[ $output == *'rtcd_rtc_sessions_total'*'groupID="g1"'*'3  gauge'* ]]
}

# --- jq ----------------------------------------------------------------------

@test "--filter: jq per record, expected output" {
	run calls-metrics scrape --filter 'select(.name == "rtcd_rtc_sessions_total") | [.labels.groupID, .value]' \
		-f json "$(srv /file/rtcd.prom)"
	[ "$status" -eq 0 ]
	[ "$output" = $'["g1",3]\n["g2",1]' ]
	# records that stay records still make exposition text
	run calls-metrics scrape --filter 'select(getlabel("type") == "ice")' -f prom "$(srv /file/rtcd.prom)"
	[ "$status" -eq 0 ]
	[ "$output" = $'# HELP rtcd_rtc_errors_total Total number of RTC errors\n# TYPE rtcd_rtc_errors_total counter\nrtcd_rtc_errors_total{groupID="g1",type="ice"} 1' ]
}

@test "--filter compile error: jq's message and exit 2" {
	run --separate-stderr calls-metrics scrape --filter 'select(.name ==' "$(srv /file/rtcd.prom)"
	[ "$status" -eq 2 ]
	[[ $stderr == *"--filter 'select(.name ==': jq: error: syntax error"* ]]
	[ -z "$output" ]
	run calls-metrics scrape --check '(((' "$(srv /file/rtcd.prom)"
	[ "$status" -eq 2 ]
}

@test "--check: OK and exit 0 when true; FAILED, which target, and exit 1 when false or null" {
	run calls-metrics scrape --check 'value("rtcd_rtc_sessions_total") == 4' "$(srv /file/rtcd.prom)"
	[ "$status" -eq 0 ]
	[ "$output" = "OK $(srv /file/rtcd.prom): value(\"rtcd_rtc_sessions_total\") == 4" ]

	run calls-metrics scrape --check 'value("rtcd_rtc_errors_total"; .labels.type == "ice") == 0' \
		"$(srv /file/rtcd.prom)"
	[ "$status" -eq 1 ]
	[[ $output == "FAILED $(srv /file/rtcd.prom): "*" is false" ]]

	# a metric that is not there is null: failed
	run calls-metrics scrape --check 'value("no_such_metric")' "$(srv /file/rtcd.prom)"
	[ "$status" -eq 1 ]
	[[ $output == *"is null" ]]

	# one target passes, one fails: exit 1, both reported
	run calls-metrics scrape --check 'value("rtcd_rtc_sessions_total") > 3' \
		"$(srv /file/rtcd.prom)" "$(srv /file/edge.prom)"
	[ "$status" -eq 1 ]
	[[ ${lines[0]} == "OK $(srv /file/rtcd.prom):"* ]]
	[[ ${lines[1]} == "FAILED $(srv /file/edge.prom):"* ]]
}

# --- failures ------------------------------------------------------------------

@test "unreachable target: 'cannot connect', exit 4, the other target still reported" {
	local port; port=$(free_port)
	run --separate-stderr calls-metrics scrape --count-only \
		"http://127.0.0.1:$port/metrics" "$(srv /file/rtcd.prom)"
	[ "$status" -eq 4 ]
	[[ $stderr == *"http://127.0.0.1:$port/metrics: cannot connect:"* ]]
	[ "$output" = "$(srv /file/rtcd.prom) samples=35 rejected=0" ]
}

@test "HTTP 500: 'HTTP error: status 500', exit 4, the other target still reported" {
	run --separate-stderr calls-metrics scrape "$(srv /status/500)" "$(srv /file/rtcd.prom)"
	[ "$status" -eq 4 ]
	[[ $stderr == *"$(srv /status/500): HTTP error: status 500"* ]]
	echo "$output" | jq -e -s 'length == 35'
	run --separate-stderr calls-metrics scrape --check 'true' "$(srv /status/500)"
	[ "$status" -eq 4 ]
	[[ $output == "FAILED $(srv /status/500): not scraped" ]]
}

@test "TLS: https to a plain-HTTP port and an untrusted self-signed cert are TLS errors (exit 4)" {
	run --separate-stderr calls-metrics scrape --count-only \
		"https://$(ready_field srv http)/file/rtcd.prom" "$(srv /file/rtcd.prom)"
	[ "$status" -eq 4 ]
	[[ $stderr == *"https://$(ready_field srv http)/file/rtcd.prom: TLS error:"* ]]
	[ "$output" = "$(srv /file/rtcd.prom) samples=35 rejected=0" ]
	run --separate-stderr calls-metrics scrape "https://$(ready_field srv https)/file/rtcd.prom"
	[ "$status" -eq 4 ]
	[[ $stderr == *"TLS error:"*"certificate"* ]]
	# trusted with --cacert, or not checked with --insecure
	run calls-metrics scrape --count-only --cacert "$BATS_FILE_TMPDIR/cert.pem" \
		"https://$(ready_field srv https)/file/rtcd.prom"
	[ "$status" -eq 0 ]
	run calls-metrics scrape --count-only -k "https://$(ready_field srv https)/file/rtcd.prom"
	[ "$status" -eq 0 ]
}

@test "timeout: a listener that never answers gives 'timeout' and exit 4, the other target still reported" {
	run --separate-stderr calls-metrics scrape --timeout 500ms --count-only \
		"http://$(ready_field srv hang)/metrics" "$(srv /file/rtcd.prom)"
	[ "$status" -eq 4 ]
	[[ $stderr == *"http://$(ready_field srv hang)/metrics: timeout:"* ]]
	[[ $output == "$(srv /file/rtcd.prom) samples=35 rejected=0" ]]
}

@test "--retries: a target that fails twice then answers is scraped" {
	run calls-metrics scrape --retries 2 --retry-delay 50ms --count-only "$(srv /flaky/2)"
	[ "$status" -eq 0 ]
	run --separate-stderr calls-metrics scrape --retries 1 --retry-delay 50ms --count-only "$(srv /flaky/5)"
	[ "$status" -eq 4 ]
	[[ $stderr == *"status 503"* ]]
}

@test "basic and bearer authentication" {
	run calls-metrics scrape --count-only "$(srv /basic)"
	[ "$status" -eq 4 ]
	run calls-metrics scrape --count-only -u user:secret "$(srv /basic)"
	[ "$status" -eq 0 ]
	run calls-metrics scrape --count-only --bearer tok "$(srv /bearer)"
	[ "$status" -eq 0 ]
	echo tok >"$BATS_TEST_TMPDIR/token"
	run calls-metrics scrape --count-only --bearer-file "$BATS_TEST_TMPDIR/token" "$(srv /bearer)"
	[ "$status" -eq 0 ]
	run calls-metrics scrape --count-only --bearer wrong "$(srv /bearer)"
	[ "$status" -eq 4 ]
}

# --- watch mode ----------------------------------------------------------------

@test "watch mode: counters become rates, histograms quantiles over the interval" {
	run --separate-stderr calls-metrics scrape --interval 200ms --count 2 "$(srv /counter)"
	[ "$status" -eq 0 ]
	# 2 intervals x (c_total rate, 3 quantiles, lat_sum, lat_count, g)
	echo "$output" | jq -e -s 'length == 14'
	echo "$output" | jq -e -s 'all(.[] | select(.name == "c_total"); .type == "rate" and .value > 0)'
	# each interval adds 2 observations <= 0.1, 4 in (0.1, 1] and 2 above:
	# the median is the 4th of 8, in (0.1, 1] at 2/4 of it: 0.55
	echo "$output" | jq -e -s '[.[] | select(.name == "lat" and .labels.quantile == "0.5") | .value] == [0.55, 0.55]'
	echo "$output" | jq -e -s '[.[] | select(.name == "lat" and .labels.quantile == "0.99") | .value] == [1, 1]'
	echo "$output" | jq -e -s 'all(.[] | select(.name == "g"); .type == "gauge" and .value == 5)'
}

@test "watch mode with --quantiles, --check and --format prom; --target-label" {
	run calls-metrics scrape --interval 100ms --count 1 --quantiles 0.25,0.75 \
		--filter 'select(.type == "quantile") | [.labels.quantile, .value]' "$(srv /counter)"
	[ "$status" -eq 0 ]
	# 8 a round: 2 <= 0.1, 4 in (0.1, 1]: rank 2 is le=0.1, rank 6 is 0.1 + 0.9
	[ "$output" = $'["0.25",0.1]\n["0.75",1]' ]
	run calls-metrics scrape -f prom --target-label instance - "$(srv /file/rtcd.prom)" <"$DATA/edge.prom"
	[ "$status" -eq 0 ]
	[[ $output == *'rtcd_rtc_sessions_total{instance="'"$(srv /file/rtcd.prom)"'",groupID="g1"} 3'* ]]
	[[ $output == *'not_a_number{instance="-"} NaN'* ]]
	run calls-metrics scrape --interval 100ms --count 1 --check '[samples("c_total") | .value > 0] | all' "$(srv /counter)"
	[ "$status" -eq 0 ]
	[[ $output == "OK "* ]]
	calls-metrics scrape --interval 100ms --count 1 -f prom "$(srv /counter)" >"$BATS_TEST_TMPDIR/ours.txt"
	grep -q '^# TYPE c_total gauge' "$BATS_TEST_TMPDIR/ours.txt"
	grep -q '^lat{quantile="0.5"} 0.55$' "$BATS_TEST_TMPDIR/ours.txt"
	run promtool check metrics <"$BATS_TEST_TMPDIR/ours.txt"
	[[ $output != *"error while linting"* ]]
}

# --- summary -----------------------------------------------------------------

@test "summary: sessions, tracks, states, errors, CPU, RSS of an rtcd" {
	run calls-metrics summary --interval 0 "$(srv /file/rtcd.prom)"
	[ "$status" -eq 0 ]
	[[ $output == *"sessions     4"* ]]
	[[ $output == *"tracks       in audio/opus 3, in video/VP8 1, out audio/opus 6, out video/VP8 2"* ]]
	[[ $output == *"errors       ice 1, rtp 3"* ]]
	[[ $output == *"rss          45.0 MiB"* ]]
	# standard input is read once: no second scrape, no waiting for one
	run calls-metrics summary - <"$DATA/rtcd.prom"
	[ "$status" -eq 0 ]
	[[ $output == *"(one scrape: no rates)"*"sessions     4"* ]]
	run calls-metrics summary --interval 100ms -f json "$(srv /file/rtcd.prom)"
	[ "$status" -eq 0 ]
	echo "$output" | jq -e '.sessions == 4 and .conn_states.connected == 9 and
		.cpu_percent == 0 and .rss_bytes == 47185920 and .calls == null'
}

@test "summary and scrape of a running calls-sfu (its rtcd_* metrics pass promtool)" {
	command -v calls-sfu >/dev/null || skip "calls-sfu not built"
	start_daemon sfu calls-sfu -q -l 127.0.0.1:0 -d "$BATS_TEST_TMPDIR/db"
	local url="http://$(ready_field sfu api)/metrics"
	calls-metrics scrape -f prom "$url" >"$BATS_TEST_TMPDIR/ours.txt"
	curl -sf "$url" >"$BATS_TEST_TMPDIR/raw.txt"
	run calls-metrics summary --interval 100ms "$url"
	stop_daemon sfu
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"sessions     0"* ]]
	[[ $output == *"cpu          "*"%"* ]]
	[[ $output == *"rss          "*"MiB"* ]]
	grep -q '^# TYPE rtcd_process_cpu_seconds_total counter' "$BATS_TEST_TMPDIR/ours.txt"
	promtool_ok "$BATS_TEST_TMPDIR/raw.txt" "$BATS_TEST_TMPDIR/ours.txt"
}

@test "summary of an unreachable SFU: exit 4" {
	local port; port=$(free_port)
	run calls-metrics summary --interval 0 "http://127.0.0.1:$port/metrics"
	[ "$status" -eq 4 ]
}

# --- usage -------------------------------------------------------------------------

@test "usage errors exit 2" {
	run calls-metrics
	[ "$status" -eq 2 ]
	run calls-metrics frobnicate
	[ "$status" -eq 2 ]
	run calls-metrics scrape
	[ "$status" -eq 2 ]
	run calls-metrics scrape -f yaml x
	[ "$status" -eq 2 ]
	run calls-metrics scrape --interval 1s -
	[ "$status" -eq 2 ]
	run calls-metrics scrape --quantiles 2 x
	[ "$status" -eq 2 ]
	run calls-metrics scrape --help
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "Usage: calls-metrics"* ]]
}

# --- examples ----------------------------------------------------------------------

@test "the man page's EXAMPLES run (against the test server, intervals shortened)" {
	local url n=0 line
	url=$(srv /file/rtcd.prom)
	while IFS= read -r line; do
		line=$(echo "$line" | sed -E "s#https?://[a-z0-9.]+:[0-9]+/metrics#$url#g;
			s#--interval [0-9]+s#--interval 100ms#; s#--count 6#--count 2#")
		run bash -c "$line"
		echo "$line: exit $status"
		[ "$status" -eq 0 ] || [ "$status" -eq 1 ]
		[ -n "$output" ]
		n=$((n + 1))
	done < <(sed -n '/^## EXAMPLES/,/^## SEE ALSO/p' \
		"$CALLS_SRCDIR/docs/man/calls-metrics.1.md" | sed -n 's/^    //p')
	[ "$n" -ge 8 ]
}

@test "examples/cron alert: silent when healthy, mails (prints) and exits 1 when not" {
	local cron="$CALLS_SRCDIR/examples/cron/calls-metrics-alert.sh"
	run env CALLS_METRICS_URL="$(srv /file/rtcd.prom)" MAX_SESSIONS=100 ALERT_CMD=cat "$cron"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run env CALLS_METRICS_URL="$(srv /file/rtcd.prom)" MAX_SESSIONS=2 ALERT_CMD=cat "$cron"
	[ "$status" -eq 1 ]
	[[ $output == *"FAILED"* ]]
	run env CALLS_METRICS_URL="$(srv /status/500)" ALERT_CMD=cat "$cron"
	[ "$status" -eq 4 ]
	[[ $output == *"status 500"* ]]
}

@test "examples/grafana dashboard: valid JSON, every query names an rtcd metric" {
	local dash="$CALLS_SRCDIR/examples/grafana/calls.json"
	jq -e '.panels | length > 5' "$dash"
	run jq -r '[.panels[].targets[]?.expr] | .[]' "$dash"
	[ "$status" -eq 0 ]
	local n=0 expr
	while IFS= read -r expr; do
		[[ $expr == *rtcd_* ]] || { echo "no rtcd metric in: $expr"; return 1; }
		n=$((n + 1))
	done <<<"$output"
	[ "$n" -gt 5 ]
	# the names it uses are names rtcd exports (its service/perf/metrics.go,
	# as the rtcd protocol notes list them), process metrics aside
	local known=" rtcd_rtc_rtp_tracks_total rtcd_rtc_rtp_tracks_writes_time
		rtcd_rtc_sessions_total rtcd_rtc_conn_states_total rtcd_rtc_errors_total
		rtcd_rtc_connection_time rtcd_rtc_dc_open_time
		rtcd_rtc_signaling_lock_grab_time rtcd_rtc_signaling_lock_locked_time
		rtcd_rtc_client_loss_rate rtcd_rtc_client_rtt rtcd_rtc_client_jitter
		rtcd_ws_connections_total rtcd_ws_messages_total "
	run bash -c "jq -r '[.panels[].targets[]?.expr] | .[]' '$dash' | grep -o 'rtcd_[a-z_]*' | sort -u"
	for m in $output; do
		m=${m%_bucket}
		[[ $known == *[[:space:]]$m[[:space:]]* ]] || [[ $m == rtcd_process_* ]] ||
			{ echo "unknown metric $m"; return 1; }
	done
}
