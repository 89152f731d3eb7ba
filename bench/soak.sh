#!/usr/bin/env bash
# Soak: REQUESTS (default 300,000) single-pair POST /invocations at 64 connections against one
# `mlpack serve`, with the server's RSS sampled every second. Loopback only; bounded (wrk runs in
# CHUNK_SECONDS slices until the request count is reached, and at most MAX_SECONDS in all).
#
# Prints: requests, req/s, p50/p99 (whole run: the median of the slices' p50, the worst slice's
# p99; and each slice's p99, to show whether it stays flat), errors, RSS (mean of the first half,
# mean of the last half, first/last sample), and the growth over the last half: the median of the
# last 5 samples against the median of the first 5 samples of the last half. Fails (exit 1) when
# that growth exceeds MAX_GROWTH_PCT (5) or any request failed.
#
# The server runs at its default log level (an access-log line per request, to a file) so the
# bounded log writer is part of what is soaked.
#
#   MLPACK_BIN       the mlpack binary (default .build/release/mlpack)
#   SOAK_MODEL       tiny (default: the tiny BERT fixture) or real (all-MiniLM-L6-v2 from
#                    MLPACK_MINILM_DIR or scripts/fetch-model.sh; about 100 req/s on 2 cores, so
#                    300,000 requests would take ~50 minutes)
#   REQUESTS         default 300000      CONNECTIONS  default 64     CHUNK_SECONDS  default 10
#   MAX_SECONDS      default 1800        MAX_GROWTH_PCT  default 5
#   MLPACK_SERVE_ARGS  extra `mlpack serve` options      KEEP_WORK=1  keep the temp dir
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

REQUESTS="${REQUESTS:-300000}"
CONNECTIONS="${CONNECTIONS:-64}"
CHUNK_SECONDS="${CHUNK_SECONDS:-10}"
MAX_SECONDS="${MAX_SECONDS:-1800}"
MAX_GROWTH_PCT="${MAX_GROWTH_PCT:-5}"
SOAK_MODEL="${SOAK_MODEL:-tiny}"
bin="${MLPACK_BIN:-$root/.build/release/mlpack}"

die() { echo "soak: FAIL: $*" >&2; exit 1; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
command -v wrk >/dev/null || die "wrk is missing (scripts/install-deps.sh installs it)"
command -v curl >/dev/null || die "curl is missing"
[ -x "$bin" ] || die "no mlpack binary at $bin"
case "$SOAK_MODEL" in
  tiny) source_dir="$root/fixtures/embeddings/tiny-bert/model" ;;
  real) source_dir="${MLPACK_MINILM_DIR:-$("$root/scripts/fetch-model.sh")}" ;;
  *) die "SOAK_MODEL must be tiny or real" ;;
esac

work="$(mktemp -d "${TMPDIR:-/tmp}/mlpack-soak.XXXXXX")"
server_pid=""
sampler_pid=""
cleanup() {
  set +e
  [ -n "$sampler_pid" ] && kill "$sampler_pid" 2>/dev/null
  [ -n "$server_pid" ] && kill -KILL "$server_pid" 2>/dev/null
  wait 2>/dev/null
  if [ "${KEEP_WORK:-0}" = 1 ]; then echo "work dir: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$bin" save --flavor similarity --source "$source_dir" -o "$work/model" > "$work/save.log" 2>&1 \
  || { cat "$work/save.log" >&2; die "mlpack save failed"; }
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# shellcheck disable=SC2086
"$bin" serve -m "$work/model" --host 127.0.0.1 --port "$port" ${MLPACK_SERVE_ARGS:-} > "$work/serve.log" 2>&1 &
server_pid=$!
deadline=$(( $(now_ms) + 60000 ))
until curl -sf -o /dev/null -m 1 "http://127.0.0.1:$port/ping"; do
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/serve.log" >&2; die "the server exited at start"; }
  [ "$(now_ms)" -lt "$deadline" ] || die "the server was not ready after 60 s"
  sleep 0.1
done

cat > "$work/load.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"inputs": {"sentence_1": ["I like apples"], "sentence_2": ["I like oranges"]}}'
local threads = {}
function setup(thread) table.insert(threads, thread) end
bad = 0
function response(status, headers, body)
  if status == 200 and not string.find(body, '"predictions"', 1, true) then bad = bad + 1 end
end
function done(summary, latency, requests)
  local badTotal = 0
  for _, t in ipairs(threads) do badTotal = badTotal + t:get("bad") end
  local e = summary.errors
  io.write(string.format("RESULT requests=%d seconds=%.3f p50_ms=%.3f p99_ms=%.3f errors=%d\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.connect + e.read + e.write + e.timeout + e.status + badTotal))
end
LUA

# RSS every second (kB, from /proc), with the time since the load started.
load_started=$(now_ms)
( while kill -0 "$server_pid" 2>/dev/null; do
    rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$server_pid/status" 2>/dev/null || true)
    [ -n "$rss" ] && echo "$(( $(now_ms) - load_started )) $rss"
    sleep 1
  done ) > "$work/rss.txt" &
sampler_pid=$!

echo "soak: $REQUESTS requests, $CONNECTIONS connections, model $SOAK_MODEL, wrk slices of $CHUNK_SECONDS s" >&2
total=0; errors=0; chunks=0
: > "$work/chunks.txt"
while [ "$total" -lt "$REQUESTS" ]; do
  [ $(( $(now_ms) - load_started )) -lt $(( MAX_SECONDS * 1000 )) ] || die "only $total requests after $MAX_SECONDS s"
  wrk -t2 -c"$CONNECTIONS" -d"${CHUNK_SECONDS}s" --timeout 10s --latency -s "$work/load.lua" \
    "http://127.0.0.1:$port/invocations" > "$work/wrk-$chunks.txt" 2>&1 || { cat "$work/wrk-$chunks.txt" >&2; die "wrk failed"; }
  result=$(grep '^RESULT ' "$work/wrk-$chunks.txt") || die "wrk reported nothing"
  echo "$result" >> "$work/chunks.txt"
  total=$(( total + $(sed -n 's/.* requests=\([0-9]*\).*/\1/p' <<< "$result") ))
  errors=$(( errors + $(sed -n 's/.* errors=\([0-9]*\).*/\1/p' <<< "$result") ))
  chunks=$(( chunks + 1 ))
done
load_ms=$(( $(now_ms) - load_started ))
kill "$sampler_pid" 2>/dev/null; wait "$sampler_pid" 2>/dev/null || true; sampler_pid=""
dropped=$(curl -s -m 10 "http://127.0.0.1:$port/metrics" | awk '$1 == "mlpack_log_lines_dropped_total" { print $2 }')

kill -TERM "$server_pid"
rc=0; wait "$server_pid" || rc=$?; server_pid=""

# ---------------------------------------------------------------- report
read -r p50 p99 p99s < <(python3 - "$work/chunks.txt" <<'PY'
import statistics, sys
rows = [dict(f.split("=", 1) for f in line.split()[1:]) for line in open(sys.argv[1]) if line.startswith("RESULT")]
p50s = [float(r["p50_ms"]) for r in rows]; p99s = [float(r["p99_ms"]) for r in rows]
print(f"{statistics.median(p50s):.2f} {max(p99s):.2f} {','.join(f'{v:.1f}' for v in p99s)}")
PY
)
rps=$(awk -v n="$total" -v ms="$load_ms" 'BEGIN { printf "%.0f", n / (ms / 1000) }')
read -r first_mb last_mb start_mb end_mb half_start_mb half_end_mb growth samples < <(python3 - "$work/rss.txt" <<'PY'
import statistics, sys
rss = [int(line.split()[1]) / 1024 for line in open(sys.argv[1]) if len(line.split()) == 2]
half = len(rss) // 2
first, last = rss[:half], rss[half:]
start, end = statistics.median(last[:5]), statistics.median(last[-5:])
print(f"{statistics.mean(first):.1f} {statistics.mean(last):.1f} {rss[0]:.1f} {rss[-1]:.1f} "
      f"{start:.1f} {end:.1f} {(end - start) * 100 / start:.2f} {len(rss)}")
PY
)

echo "requests       $total in $(awk -v ms="$load_ms" 'BEGIN { printf "%.1f", ms / 1000 }') s ($rps req/s), $chunks wrk slices of $CHUNK_SECONDS s, $CONNECTIONS connections"
echo "errors         $errors (socket errors, non-2xx, 200 without predictions)"
echo "latency        p50 $p50 ms (median slice), p99 $p99 ms (worst slice); p99 per slice: $p99s"
echo "RSS            $samples samples; first half mean $first_mb MB, last half mean $last_mb MB; first sample $start_mb MB, last $end_mb MB"
echo "RSS growth     over the last half: $half_start_mb MB -> $half_end_mb MB ($growth %)"
echo "log            $(wc -l < "$work/serve.log") lines written, ${dropped:-?} dropped; server exit $rc"
echo "RESULT requests=$total rps=$rps p50_ms=$p50 p99_ms=$p99 errors=$errors rss_first_half_mb=$first_mb rss_last_half_mb=$last_mb last_half_growth_pct=$growth"

problems=()
[ "$errors" -eq 0 ] || problems+=("$errors requests failed")
awk -v g="$growth" -v l="$MAX_GROWTH_PCT" 'BEGIN { exit !(g <= l) }' || problems+=("RSS grew $growth % over the last half (limit $MAX_GROWTH_PCT %)")
[ "$rc" -eq 0 ] || problems+=("the server exited $rc after SIGTERM")
if [ ${#problems[@]} -gt 0 ]; then
  printf 'soak: FAIL: %s\n' "${problems[@]}" >&2
  exit 1
fi
echo "soak: ok"
