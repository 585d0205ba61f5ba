#!/usr/bin/env bash
# Interop check of lib/sdp against real peers, and how the aiortc-* and
# chromium-* fixtures in tests/data/sdp were made (not part of make check:
# it needs python3-aiortc, chromium and playwright-core):
#   tests/data/sdp/interop/run.sh [BUILDDIR] [OUTDIR]
# aiortc and Chromium each take our answer to their offer, then our server
# offer adding a voice and a screen track; Chromium also takes the offers
# removing the voice track (inactive, then port 0). Their descriptions are
# written to OUTDIR (default: a temporary directory) for comparison.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../../.." && pwd)
build=$(cd "${1:-$top/build/dev}" && pwd)
out=${2:-$(mktemp -d)}
mkdir -p "$out"
defs=$(sed -n 's/^RE_DEFS = //p' "$build/Makefile")
re_cflags=$(sed -n 's/^RE_CFLAGS = //p' "$build/Makefile")
make -C "$build" -s lib/libcalls.a
cc -std=gnu11 $defs $re_cflags -I"$top/lib" "$here/sdpdrv.c" \
	"$build/lib/libcalls.a" $(pkg-config --libs libre openssl zlib) \
	-o "$out/sdpdrv"
export SDPDRV=$out/sdpdrv OUT=$out
export PLAYWRIGHT=${PLAYWRIGHT:-$top/tests/media/browser/node_modules/playwright-core}
timeout 120 /usr/bin/python3 "$here/aiortc_check.py" 2>/dev/null | grep -E "accepted|parser"
timeout 120 node "$here/chromium.js"
echo "descriptions in $out"
