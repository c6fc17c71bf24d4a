#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 60) on its seed corpus, and fails if any
# target crashes (a panic is a broken invariant; see README.md here for what to do next).
#
#   fuzz/run.sh 30                 # all targets, 30 s each
#   fuzz/run.sh 300 jwt jwks       # only these
#   FUZZ_SANITIZER=none fuzz/run.sh 1800 rs256_differential   # no ASan (about 3x faster)
#
# Needs the nightly toolchain (`cargo +nightly`). Installs cargo-fuzz when it is missing and
# regenerates the seed corpus (make_corpus.py) first. Logs: fuzz/target/run-logs/<target>.log;
# crashing inputs: fuzz/artifacts/<target>/.
set -uo pipefail

cd "$(dirname "$0")"
seconds="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(signature_header hmac_delivery hmac_streaming jwks jwt es256_differential rs256_differential
        v1a_delivery ed25519_differential montgomery_square p256_field f25519)
fi

if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    echo "installing cargo-fuzz"
    cargo install cargo-fuzz --locked || exit 2
fi
python3 make_corpus.py || exit 2
sanitizer="${FUZZ_SANITIZER:-address}"
# Other sanitizers build into their own directory, so that switching does not rebuild (or
# replace under a running fuzzer) the ASan binaries.
build_dir=()
if [ "$sanitizer" != address ]; then
    build_dir=(--target-dir "target/sanitizer-$sanitizer")
fi
cargo +nightly fuzz build -s "$sanitizer" "${build_dir[@]}" || exit 2

dict_for() {
    case "$1" in
        signature_header | hmac_delivery) echo "-dict=dict/headers.dict" ;;
        jwks | jwt) echo "-dict=dict/json.dict" ;;
        *) echo "" ;;
    esac
}

logs=target/run-logs
mkdir -p "$logs"
failed=()
summary=()
for t in "${targets[@]}"; do
    echo "=== $t: ${seconds}s"
    mkdir -p "corpus/$t"
    # shellcheck disable=SC2046
    cargo +nightly fuzz run -s "$sanitizer" "${build_dir[@]}" "$t" "corpus/$t" -- \
        -max_total_time="$seconds" -timeout=30 -rss_limit_mb=4096 -print_final_stats=1 \
        $(dict_for "$t") >"$logs/$t.log" 2>&1
    status=$?
    done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$logs/$t.log" | tail -1)
    runs=$(grep -E '^stat::number_of_executed_units:' "$logs/$t.log" | tail -1 | awk '{print $2}')
    cov=$(sed -nE 's/.* cov: ([0-9]+) ft: ([0-9]+) corp: ([^ ]+).*/cov \1, ft \2, corpus \3/p' <<<"$done_line")
    # Coverage at the start, and the execution at which the edge count last grew (a plateau
    # shows as "last new edge" far before the end).
    growth=$(awk '/^#[0-9]+[[:space:]]+(INITED|NEW|REDUCE|pulse|DONE)/ {
            n = substr($1, 2); for (i = 2; i < NF; i++) if ($i == "cov:") c = $(i + 1)
            if (start == "") start = c
            if (c > best) { best = c; at = n }
        } END { if (start != "") printf "(from cov %s; last new edge at #%s)", start, at }' "$logs/$t.log")
    if [ "$status" -ne 0 ]; then
        failed+=("$t")
        echo "!!! $t FAILED (exit $status); log: fuzz/$logs/$t.log"
        grep -E "panicked at|ERROR: libFuzzer|SUMMARY|Test unit written to" "$logs/$t.log" | head -8
        summary+=("$(printf '%-20s FAILED (exit %s) after %s executions' "$t" "$status" "${runs:-?}")")
    else
        summary+=("$(printf '%-20s %12s executions  %s %s' "$t" "${runs:-?}" "${cov:-?}" "$growth")")
    fi
done

echo
echo "=== executions per target (${seconds}s each)"
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -ne 0 ]; then
    echo "FAILED: ${failed[*]} (inputs in fuzz/artifacts/<target>/)"
    exit 1
fi
