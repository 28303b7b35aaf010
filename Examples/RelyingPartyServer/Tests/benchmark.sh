#!/usr/bin/env bash
# Load benchmark: security-key sign-in verifications per second over HTTP (wrk on loopback), beside the same
# verifications in process through the MFA registry, and the bare verifier's rate from the root benchmark.
#
# Usage: Tests/benchmark.sh
#   BENCH_REQUESTS   prepared assertions for wrk (default 20000; each is sent once)
#   BENCH_INPROCESS  prepared assertions for the in-process run (default 5000)
#   BENCH_DURATION   wrk duration (default 8s)      BENCH_CONNECTIONS  wrk connections (default 8)
#   KEYBRIDGE_BENCHMARKS  path to a release KeyBridgeBenchmarks (default: ../../.build/release/KeyBridgeBenchmarks)
# Needs: wrk (apt-get install wrk), Python with `cryptography`.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
package="$(dirname "$here")"
requests="${BENCH_REQUESTS:-20000}"
inprocess="${BENCH_INPROCESS:-5000}"
duration="${BENCH_DURATION:-8s}"
connections="${BENCH_CONNECTIONS:-8}"
python="${PYTHON:-}"
if [[ -z "$python" ]]; then
    for candidate in "$package/../../.build-venv/bin/python" python3; do
        if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c "import cryptography" 2>/dev/null; then
            python="$candidate"
            break
        fi
    done
fi
[[ -n "$python" ]] || { echo "benchmark: no Python with cryptography (set PYTHON=...)" >&2; exit 2; }
command -v wrk >/dev/null || { echo "benchmark: wrk is not installed (apt-get install wrk)" >&2; exit 2; }

echo "benchmark: building in release mode"
(cd "$package" && swift build -c release --product RelyingPartyServer)
bin="$(cd "$package" && swift build -c release --show-bin-path)"

data="$(mktemp -d "${TMPDIR:-/tmp}/keybridge-rp-bench.XXXXXX")"
port="$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
base="http://localhost:$port"
"$bin/RelyingPartyServer" --port "$port" --data-dir "$data" >"$data/server.log" 2>&1 &
server=$!
cleanup() {
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    rm -rf "$data"
}
trap cleanup EXIT
for _ in $(seq 1 100); do
    "$python" -c "import urllib.request; urllib.request.urlopen('$base/api/session', timeout=1)" 2>/dev/null && break
    sleep 0.2
done

echo "benchmark: preparing $requests + $inprocess signed assertions"
"$python" "$here/bench_assertions.py" "$base" "$((requests + inprocess))" "$data/all.txt"
head -n "$requests" "$data/all.txt" >"$data/http.txt"
tail -n "$inprocess" "$data/all.txt" >"$data/inprocess.txt"
cp "$data/all.txt.session" "$data/http.txt.session"
account="$(sed -n 4p "$data/all.txt.session")"

echo
echo "== HTTP: POST /api/mfa/security-key/verify, wrk -t2 -c$connections -d$duration on loopback (2 shared cores) =="
THREADS=2 BODIES="$data/http.txt" wrk -t2 -c"$connections" -d"$duration" -s "$here/bench_signin.lua" "$base"

kill "$server"
wait "$server" 2>/dev/null || true

echo
echo "== In process: MFAMethodRegistry.completeSignIn (verification + SQLite write), no HTTP =="
half=$((inprocess / 2))
head -n "$half" "$data/inprocess.txt" >"$data/inprocess-1.txt"
tail -n "$((inprocess - half))" "$data/inprocess.txt" >"$data/inprocess-2.txt"
"$bin/RelyingPartyServer" benchmark-registry "$data" "$base" "$account" "$data/inprocess-1.txt" 1
"$bin/RelyingPartyServer" benchmark-registry "$data" "$base" "$account" "$data/inprocess-2.txt" 2

echo
echo "== The verifier alone (root package, RelyingParty.finishAuthentication, ES256) =="
root_bench="${KEYBRIDGE_BENCHMARKS:-$package/../../.build/release/KeyBridgeBenchmarks}"
if [[ -x "$root_bench" ]]; then
    "$root_bench" --quick --only webauthn 2>/dev/null | grep -E "ES256 assertion|OpenSSL|raw" || true
else
    echo "(no $root_bench: run 'swift build -c release --product KeyBridgeBenchmarks' in the root package first)"
fi
