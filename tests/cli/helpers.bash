# Shared bats helpers: find the built commands, start daemons on port 0.
#
# Daemons print "ready key=addr ..." on stdout once listening; tests read
# their ports from that line. stop_daemon fails when the daemon's stderr
# holds a sanitizer report.

CALLS_BUILDDIR=${CALLS_BUILDDIR:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}
CALLS_SRCDIR=${CALLS_SRCDIR:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}
for d in "$CALLS_BUILDDIR"/cmd/*/; do PATH="$d:$PATH"; done
export PATH CALLS_BUILDDIR CALLS_SRCDIR

start_daemon() {            # start_daemon NAME CMD...; waits for its "ready" line
	local name=$1; shift
	"$@" >"$BATS_FILE_TMPDIR/$name.out" 2>"$BATS_FILE_TMPDIR/$name.err" 3>&- &
	echo $! >"$BATS_FILE_TMPDIR/$name.pid"
	for _ in $(seq 100); do
		grep -q '^ready ' "$BATS_FILE_TMPDIR/$name.out" && return 0
		kill -0 "$(cat "$BATS_FILE_TMPDIR/$name.pid")" 2>/dev/null || break
		sleep 0.1
	done
	echo "# $name did not get ready:" >&3
	sed 's/^/# /' "$BATS_FILE_TMPDIR/$name.err" >&3
	return 1
}

ready_field() {             # ready_field NAME KEY -> value of KEY= on the ready line
	grep -m1 '^ready ' "$BATS_FILE_TMPDIR/$1.out" | tr ' ' '\n' |
		sed -n "s/^$2=//p" | head -n1
}

addr_port() { echo "${1##*:}"; }

stop_daemon() {             # fails if the daemon's stderr has sanitizer reports
	local pid; pid=$(cat "$BATS_FILE_TMPDIR/$1.pid")
	kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
	! grep -E 'ERROR: (Address|Leak|Thread)Sanitizer|runtime error:' "$BATS_FILE_TMPDIR/$1.err"
}

free_port() {               # a currently free UDP+TCP port on 127.0.0.1
	python3 - "$@" <<'PY'
import socket
while True:
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    t.bind(("127.0.0.1", 0))
    port = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", port))
    except OSError:
        t.close(); continue
    print(port); break
PY
}
