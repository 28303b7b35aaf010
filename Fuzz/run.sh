#!/usr/bin/env bash
# Builds the KeyBridge fuzz targets with libFuzzer and runs each one.
#
#   Fuzz/run.sh [-runs=N] [TARGET ...] [-- EXTRA_LIBFUZZER_FLAGS ...]
#   Fuzz/run.sh --replay [TARGET ...]     runs each target once over every file in FailCases/<Target>/
#
# TARGET defaults to every executable under Fuzz/Sources; N defaults to 1000000 (or $FUZZ_RUNS).
# FUZZ_ASAN=1 adds AddressSanitizer (separate build folder). Each target runs on a working corpus in
# .build-fuzz/corpus/<Target>/ (kept between runs, not committed) seeded from Corpus/<Target>/, with the
# dictionary Dictionaries/<Target>.dict if there is one, else Dictionaries/cbor.dict. A crash, leak,
# timeout or out-of-memory input is copied to FailCases/<Target>/ and the script exits 1.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

runs="${FUZZ_RUNS:-1000000}"
replay=0
targets=()
extra=()
while (($#)); do
    case "$1" in
        -runs=*) runs="${1#-runs=}" ;;
        --replay) replay=1 ;;
        --runs) runs="$2"; shift ;;
        -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        --) shift; extra=("$@"); break ;;
        *) targets+=("$1") ;;
    esac
    shift
done
if ((${#targets[@]} == 0)); then
    for dir in Sources/*/; do targets+=("$(basename "$dir")"); done
fi

scratch=.build-fuzz
sanitizers=(--sanitize=fuzzer)
if [[ "${FUZZ_ASAN:-0}" == 1 ]]; then
    scratch=.build-fuzz-asan
    # Order matters: with "--sanitize=fuzzer --sanitize=address" swiftc (6.3) drops the coverage
    # instrumentation and libFuzzer runs blind ("Is the code instrumented for coverage?").
    sanitizers=(--sanitize=address --sanitize=fuzzer)
fi

build=(swift build -c release "${sanitizers[@]}" --scratch-path "$scratch")
bin="$("${build[@]}" --show-bin-path)"

status=0
summary=()
for target in "${targets[@]}"; do
    # One build per target (SwiftPM honours only the last --product), so one that does not build yet
    # does not stop the others.
    echo "==> ${build[*]} --product $target"
    if ! "${build[@]}" --product "$target"; then
        status=1
        summary+=("$target: FAILED to build")
        continue
    fi
    seeds="Corpus/$target"
    corpus="$scratch/corpus/$target"
    artifacts="$scratch/artifacts/$target"
    log="$scratch/logs/$target.log"
    mkdir -p "$seeds" "$corpus" "$artifacts" "$(dirname "$log")" "FailCases/$target"
    rm -f "$artifacts"/*
    if ((replay)); then
        cases=()
        for file in "FailCases/$target"/*; do [[ -f "$file" ]] && cases+=("$file"); done
        if ((${#cases[@]} == 0)); then
            summary+=("$target: no fail cases to replay")
        elif SWIFT_BACKTRACE=enable=no "$bin/$target" "${cases[@]}" >"${log%.log}.replay.log" 2>&1; then
            summary+=("$target: ${#cases[@]} fail cases replayed, no crash")
        else
            status=1
            summary+=("$target: FAILED replaying FailCases/$target (log: Fuzz/${log%.log}.replay.log)")
        fi
        continue
    fi
    dict="Dictionaries/$target.dict"
    [[ -f "$dict" ]] || dict="Dictionaries/cbor.dict"

    echo "==> $target: $runs runs (log: Fuzz/$log)"
    start=$(date +%s.%N)
    set +e
    SWIFT_BACKTRACE=enable=no "$bin/$target" "$corpus" "$seeds" \
        -runs="$runs" -dict="$dict" -artifact_prefix="$artifacts/" -print_final_stats=1 \
        ${extra[@]+"${extra[@]}"} >"$log" 2>&1
    code=$?
    set -e
    seconds=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
    executions=$(sed -n 's/^Done \([0-9]*\) runs in .*/\1/p' "$log" | tail -1)
    if [[ -z "$executions" ]]; then
        executions=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -1)
    fi
    if ! grep -q "inline 8-bit counters" "$log"; then
        status=1
        line="$target: FAILED: the binary has no coverage instrumentation (see $log)"
    elif ((code == 0)); then
        line="$target: ${executions:-?} executions in ${seconds}s, no crash"
    else
        status=1
        copied=()
        for file in "$artifacts"/*; do
            [[ -e "$file" ]] || continue
            cp "$file" "FailCases/$target/"
            copied+=("Fuzz/FailCases/$target/$(basename "$file")")
        done
        line="$target: FAILED (exit $code) after ${executions:-?} executions in ${seconds}s; saved: ${copied[*]:-none}"
        grep -E "Fatal error|ERROR: libFuzzer|SUMMARY" "$log" | head -5 || true
    fi
    echo "$line"
    summary+=("$line")
done

echo
echo "==> Summary"
printf '%s\n' "${summary[@]}"
exit "$status"
