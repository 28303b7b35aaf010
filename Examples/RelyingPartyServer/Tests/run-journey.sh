#!/usr/bin/env bash
# Builds the example server, starts it on a free loopback port with a fresh temporary database, walks the
# Chromium journey (Tests/journey.py), checks openapi.yaml against the router (swift test), stops the server
# and exits non-zero on any failure.
#
# Usage: Tests/run-journey.sh [SCREENSHOT_DIR]      (default: Tests/screenshots)
# Needs: chromium, chromium-driver, the selenium Python package (PYTHON=... to choose the interpreter).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
package="$(dirname "$here")"
shots="${1:-$here/screenshots}"
python="${PYTHON:-}"
if [[ -z "$python" ]]; then
    for candidate in "$package/../../.build-venv/bin/python" python3; do
        if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c "import selenium" 2>/dev/null; then
            python="$candidate"
            break
        fi
    done
fi
[[ -n "$python" ]] || { echo "run-journey: no Python with selenium (set PYTHON=...)" >&2; exit 2; }

echo "run-journey: building (swift build)"
(cd "$package" && swift build --build-tests)

echo "run-journey: checking openapi.yaml against the router (swift test)"
(cd "$package" && swift test --skip-build)

data="$(mktemp -d "${TMPDIR:-/tmp}/keybridge-rp-journey.XXXXXX")"
port="$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
binary="$(cd "$package" && swift build --show-bin-path)/RelyingPartyServer"
"$binary" --port "$port" --data-dir "$data" --sms-resend-cooldown 2 >"$data/server.log" 2>&1 &
server=$!
cleanup() {
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    rm -rf "$data"
}
trap cleanup EXIT

for _ in $(seq 1 100); do
    if "$python" -c "import urllib.request; urllib.request.urlopen('http://localhost:$port/api/session', timeout=1)" 2>/dev/null; then
        break
    fi
    if ! kill -0 "$server" 2>/dev/null; then
        echo "run-journey: the server exited" >&2
        cat "$data/server.log" >&2
        exit 1
    fi
    sleep 0.2
done

rm -rf "$shots"
mkdir -p "$shots"
status=0
"$python" "$here/journey.py" "http://localhost:$port" "$shots" || status=$?
if [[ $status -ne 0 ]]; then
    echo "run-journey: server log:" >&2
    tail -n 60 "$data/server.log" >&2
fi
if grep -Eq "correct horse|not the password|kb_session=|kb_device=" "$data/server.log"; then
    echo "run-journey: FAIL the server log contains a secret" >&2
    status=1
fi
exit $status
