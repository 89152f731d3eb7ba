#!/usr/bin/env bash
# Load benchmark: `mlpack serve` against `mlflow models serve` on the same similarity model.
#
# Loopback only; every load run is bounded by a request count (wrk with a Lua stop rule) and by
# MAX_SECONDS (default 20).
# Prints, for each server and scenario: req/s, p50/p99 latency, errors, peak RSS (process tree),
# the mlpack/MLflow ratios, and the time from process start to the first successful /invocations.
#
# Needs: a built `mlpack` (swift build -c release), wrk (Debian package `wrk`), curl, Python 3.11.
# The MLflow side is installed into a venv (default bench/.venv: mlflow==3.17.2,
# sentence-transformers; torch comes with it and is large). The similarity model is saved with
#   mlpack save --flavor similarity --source "$MINILM_DIR" -o "$WORK/similarity-model"
# and the very same directory is served by both (its python_function block is models-from-code).
#
# Environment knobs (defaults in brackets):
#   MLPACK_BIN [.build/release/mlpack]   MINILM_DIR [output of scripts/fetch-model.sh]
#   BENCH_VENV [bench/.venv]              WORK [a new temp dir]
#   SINGLE_REQUESTS ["1:500 16:4000 64:8000"]  connections:requests for single pairs
#   BATCH_REQUESTS ["1:100 16:400 64:800"]     connections:requests for batches of 32 pairs
#   STABILITY_REQUESTS [100000]                mlpack only, single pairs, 64 connections (0 skips)
#   SKIP_MLFLOW [0]                            1: measure mlpack only
#   MLPACK_SERVE_ARGS [""]                     extra `mlpack serve` options, e.g. "--workers 2 --threads 1"
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MLPACK_BIN="${MLPACK_BIN:-$ROOT/.build/release/mlpack}"
BENCH_VENV="${BENCH_VENV:-$ROOT/bench/.venv}"
SINGLE_REQUESTS="${SINGLE_REQUESTS:-1:500 16:4000 64:8000}"
BATCH_REQUESTS="${BATCH_REQUESTS:-1:100 16:400 64:800}"
STABILITY_REQUESTS="${STABILITY_REQUESTS:-100000}"
SKIP_MLFLOW="${SKIP_MLFLOW:-0}"
# Each wrk run also ends after this many seconds: Debian's wrk (4.1) cannot stop a thread from Lua,
# so the request count alone would not end it.
MAX_SECONDS="${MAX_SECONDS:-20}"
HOST=127.0.0.1
MLPACK_PORT="${MLPACK_PORT:-5071}"
MLFLOW_PORT="${MLFLOW_PORT:-5072}"
THREADS=2   # this machine has 2 cores; wrk threads share them with the server under test

die() { echo "serve-bench: $*" >&2; exit 1; }

command -v curl >/dev/null || die "curl is missing"
if ! command -v wrk >/dev/null; then
    echo "installing wrk (Debian package)…" >&2
    apt-get install -y wrk >/dev/null || die "wrk is missing and could not be installed"
fi
[ -x "$MLPACK_BIN" ] || die "no mlpack binary at $MLPACK_BIN (run: swift build -c release)"
MINILM_DIR="${MINILM_DIR:-$("$ROOT/scripts/fetch-model.sh")}"
[ -d "$MINILM_DIR" ] || die "no all-MiniLM-L6-v2 directory at $MINILM_DIR (run scripts/fetch-model.sh)"

WORK="${WORK:-$(mktemp -d /tmp/mlpack-serve-bench.XXXXXX)}"
mkdir -p "$WORK"
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap cleanup EXIT

# ---------------------------------------------------------------- model and request bodies
MODEL="$WORK/similarity-model"
if [ ! -f "$MODEL/MLmodel" ]; then
    "$MLPACK_BIN" save --flavor similarity --source "$MINILM_DIR" -o "$MODEL" \
        || die "mlpack save --flavor similarity failed (needs the similarity flavor)"
fi

python3 - "$WORK" <<'PY'
import json, sys
work = sys.argv[1]
pairs = [
    ("I like apples", "I like oranges"),
    ("The Amazon rainforest covers much of the Amazon basin of South America.",
     "Run the installer, then restart the computer to finish the installation."),
    ("The pyramids of Giza were built as tombs for the pharaohs.",
     "Egypt's great pyramids served as burial monuments for its kings."),
    ("A man is playing a guitar.", "Someone is playing an instrument."),
]
def body(rows):
    return json.dumps({"dataframe_split": {"columns": ["sentence_1", "sentence_2"], "data": [list(p) for p in rows]}})
open(f"{work}/single.json", "w").write(body(pairs[:1]))
open(f"{work}/batch32.json", "w").write(body([pairs[i % len(pairs)] for i in range(32)]))
PY

# wrk script: POST the body file, stop each thread after its share of the requests,
# print one machine-readable line at the end.
cat > "$WORK/bounded.lua" <<'LUA'
local body_file, limit = nil, 0
local count = 0
function init(args)
    body_file = args[1]
    limit = tonumber(args[2])
    local f = assert(io.open(body_file, "rb"))
    wrk.body = f:read("*a")
    f:close()
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
end
function response(status, headers, body)
    count = count + 1
    if count >= limit then wrk.thread:stop() end
end
function done(summary, latency, requests)
    local e = summary.errors
    local errors = e.connect + e.read + e.write + e.status + e.timeout
    io.write(string.format("RESULT requests=%d seconds=%.3f rps=%.1f p50_ms=%.2f p99_ms=%.2f errors=%d\n",
        summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
        latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors))
end
LUA

# ---------------------------------------------------------------- helpers
# Resident set of a process and all its descendants, in KiB.
rss_tree_kb() {
    ps -eo pid=,ppid=,rss= | awk -v root="$1" '
        { parent[$1] = $2; rss[$1] = $3 }
        END {
            total = 0
            for (p in rss) { q = p; while (q != "" && q != 0 && q != 1) { if (q == root) { total += rss[p]; break } q = parent[q] } }
            print total
        }'
}

# Samples the tree's RSS every 100 ms into FILE (peak in FILE.peak) until the process exits.
sample_rss() {
    local pid="$1" file="$2" peak=0 now
    while kill -0 "$pid" 2>/dev/null; do
        now=$(rss_tree_kb "$pid")
        echo "$now" >> "$file"
        [ "$now" -gt "$peak" ] && peak=$now && echo "$peak" > "$file.peak"
        sleep 0.1
    done
}

# Starts a server, waits for the first successful /invocations, records the seconds it took
# in START[name].
start_server() {
    local name="$1" port="$2"; shift 2
    local t0 t1
    t0=$(date +%s.%N)
    "$@" > "$WORK/$name.log" 2>&1 &
    local pid=$!
    PIDS+=("$pid")
    echo "$pid" > "$WORK/$name.pid"
    : > "$WORK/$name.rss"
    sample_rss "$pid" "$WORK/$name.rss" > /dev/null 2>&1 &
    PIDS+=("$!")
    for _ in $(seq 1 36000); do   # at most 6 minutes (MLflow imports torch)
        if curl -sf -o /dev/null -H 'Content-Type: application/json' --data-binary @"$WORK/single.json" \
            "http://$HOST:$port/invocations"; then
            t1=$(date +%s.%N)
            START[$name]=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || { cat "$WORK/$name.log" >&2; die "$name exited during start-up"; }
        sleep 0.01
    done
    die "$name did not answer within 6 minutes"
}

# run_load NAME PORT BODY CONNECTIONS REQUESTS → the RESULT line
run_load() {
    local name="$1" port="$2" body="$3" conns="$4" requests="$5"
    local threads=$(( conns < THREADS ? conns : THREADS ))
    local per_thread=$(( (requests + threads - 1) / threads ))
    wrk -t"$threads" -c"$conns" -d"${MAX_SECONDS}s" --timeout 30s --latency -s "$WORK/bounded.lua" "http://$HOST:$port/invocations" \
        -- "$WORK/$body" "$per_thread" | grep '^RESULT' | sed "s/^RESULT/$name/"
}

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

# ---------------------------------------------------------------- runs
declare -A START RESULTS
# shellcheck disable=SC2086  # MLPACK_SERVE_ARGS is a list of options
start_server mlpack "$MLPACK_PORT" "$MLPACK_BIN" serve -m "$MODEL" --host "$HOST" --port "$MLPACK_PORT" ${MLPACK_SERVE_ARGS:-}
if [ "$SKIP_MLFLOW" != 1 ]; then
    if [ ! -x "$BENCH_VENV/bin/mlflow" ]; then
        echo "creating $BENCH_VENV with mlflow==3.17.2 and sentence-transformers…" >&2
        python3 -m venv "$BENCH_VENV"
        "$BENCH_VENV/bin/pip" install -q "mlflow==3.17.2" sentence-transformers numpy
    fi
    # `mlflow models serve` execs `uvicorn` by name: the venv's bin must be on PATH.
    export PATH="$BENCH_VENV/bin:$PATH"
    start_server mlflow "$MLFLOW_PORT" "$BENCH_VENV/bin/mlflow" models serve -m "$MODEL" \
        -h "$HOST" -p "$MLFLOW_PORT" -w 1 --env-manager local
fi

servers=(mlpack); [ "$SKIP_MLFLOW" != 1 ] && servers+=(mlflow)
ports=([0]="$MLPACK_PORT" [1]="$MLFLOW_PORT")

for scenario in single batch32; do
    spec="$SINGLE_REQUESTS"; [ "$scenario" = batch32 ] && spec="$BATCH_REQUESTS"
    for pair in $spec; do
        conns="${pair%%:*}"; requests="${pair##*:}"
        for i in "${!servers[@]}"; do
            s="${servers[$i]}"
            line=$(run_load "$s" "${ports[$i]}" "$scenario.json" "$conns" "$requests")
            RESULTS["$s/$scenario/$conns"]="$line"
        done
    done
done

printf '\n%-8s %-8s %5s %9s %10s %10s %7s\n' server mix conns req/s p50_ms p99_ms errors
for scenario in single batch32; do
    spec="$SINGLE_REQUESTS"; [ "$scenario" = batch32 ] && spec="$BATCH_REQUESTS"
    for pair in $spec; do
        conns="${pair%%:*}"
        for s in "${servers[@]}"; do
            line="${RESULTS[$s/$scenario/$conns]}"
            printf '%-8s %-8s %5s %9s %10s %10s %7s\n' "$s" "$scenario" "$conns" \
                "$(echo "$line" | field rps)" "$(echo "$line" | field p50_ms)" \
                "$(echo "$line" | field p99_ms)" "$(echo "$line" | field errors)"
        done
        if [ "$SKIP_MLFLOW" != 1 ]; then
            a="${RESULTS[mlpack/$scenario/$conns]}"; b="${RESULTS[mlflow/$scenario/$conns]}"
            printf '  ratio mlpack/mlflow req/s: %s   mlpack p99 / mlflow p50: %s\n' \
                "$(ratio "$(echo "$a" | field rps)" "$(echo "$b" | field rps)")" \
                "$(ratio "$(echo "$a" | field p99_ms)" "$(echo "$b" | field p50_ms)")"
        fi
    done
done

echo
for s in "${servers[@]}"; do
    peak=$(cat "$WORK/$s.rss.peak" 2>/dev/null || echo 0)
    printf '%-8s start → first answer %s s   peak RSS %d MB\n' "$s" "${START[$s]}" $((peak / 1024))
done

# ---------------------------------------------------------------- stability (mlpack only)
if [ "$STABILITY_REQUESTS" -gt 0 ]; then
    pid=$(cat "$WORK/mlpack.pid")
    warm=$(rss_tree_kb "$pid")
    line=$(run_load mlpack "$MLPACK_PORT" single.json 64 "$STABILITY_REQUESTS")
    after=$(rss_tree_kb "$pid")
    echo "stability: $line"
    printf 'stability: RSS after warm-up %d MB, after %s requests %d MB\n' $((warm / 1024)) "$STABILITY_REQUESTS" $((after / 1024))
fi

# SIGTERM: the server drains and exits 0.
pid=$(cat "$WORK/mlpack.pid")
kill -TERM "$pid"
if wait "$pid"; then echo "mlpack serve: SIGTERM → exit 0"; else echo "mlpack serve: SIGTERM → exit $?"; fi
echo "logs and samples in $WORK"
