#!/bin/sh
# Cron alert for a calls SFU (rtcd or calls-sfu) with calls-metrics: silent
# while healthy; otherwise sends what failed through ALERT_CMD and exits
# with calls-metrics' status (1: a check failed, 4: the SFU could not be
# scraped). Install with crontab(5), for example every 5 minutes:
#
#   */5 * * * * CALLS_METRICS_URL=http://127.0.0.1:8045/metrics /usr/local/bin/calls-metrics-alert.sh
#
# Settings (environment):
#   CALLS_METRICS_URL  the SFU's metrics URL (required)
#   MAX_SESSIONS       alert above this many RTC sessions (default 200)
#   MAX_FAILED         alert when more connections than this failed since
#                      the SFU started (default 100)
#   ALERT_CMD          how to send the alert, reading it on stdin
#                      (default: mail -s "calls alert" root)
#   CALLS_METRICS      the calls-metrics binary (default: from PATH)
set -u

url=${CALLS_METRICS_URL:?set CALLS_METRICS_URL to the SFU metrics URL}
max_sessions=${MAX_SESSIONS:-200}
max_failed=${MAX_FAILED:-100}
alert=${ALERT_CMD:-mail -s "calls alert" root}
bin=${CALLS_METRICS:-calls-metrics}

out=$("$bin" scrape --quiet --timeout 10s --retries 2 --check "
	(value(\"rtcd_rtc_sessions_total\") // 0) <= $max_sessions and
	(value(\"rtcd_rtc_conn_states_total\"; .labels.type == \"failed\") // 0)
		<= $max_failed" "$url" 2>&1)
status=$?

if [ "$status" -ne 0 ]; then
	printf 'calls-metrics check of %s failed (exit %d) at %s:\n%s\n' \
		"$url" "$status" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$out" |
		sh -c "$alert"
fi

exit "$status"
