#!/usr/bin/env bash
# A rolling restart under load: two `mlpack serve` replicas behind HAProxy, no request may fail.
#
# On loopback only: HAProxy (health check GET /ping every 100 ms, fall 1, rise 2, L7 retries with
# redispatch) in front of two replicas started with --drain-seconds. A bounded wrk load (DURATION
# seconds, 2 threads, 16 connections, POST /invocations with one sentence pair) runs through HAProxy
# while the script SIGTERMs replica a (it must drain and exit 0), starts its replacement on the same
# port, waits until HAProxy has it back in rotation, then does the same to replica b.
#
# Prints total requests, failed requests (non-2xx/3xx answers, socket errors, 200s without
# predictions), req/s, p50/p99 latency, each replica's drain time (SIGTERM → exit) and exit code,
# and HAProxy's retry/redispatch counters. Exits 1 when any request failed, a replica exited
# non-zero or did not stop, or HAProxy or a replica could not start (a failure, never a skip);
# also when HAProxy had to retry or redispatch a request, or still had a replica in rotation when
# it exited: HAProxy's retries would hide a drain that does not work from the client.
#
#   MLPACK_BIN         the mlpack binary (default .build/release/mlpack; built by scripts/test.sh)
#   MLPACK_MINILM_DIR  serve the real all-MiniLM-L6-v2 (default: the tiny BERT fixture, fastest)
#   DURATION           seconds of load (default 20; the restarts need about 13 on 2 cores)
#   DRAIN_SECONDS      the replicas' --drain-seconds (default 3)
#   FIRST_RESTART_AT   seconds into the load before the first SIGTERM (default 5)
#   KEEP_WORK=1        keep the temp dir (logs, haproxy.cfg) and print its path
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

DURATION="${DURATION:-20}"
DRAIN_SECONDS="${DRAIN_SECONDS:-3}"
FIRST_RESTART_AT="${FIRST_RESTART_AT:-5}"
CONNECTIONS=16
THREADS=2
bin="${MLPACK_BIN:-$root/.build/release/mlpack}"

die() { echo "rolling-restart: FAIL: $*" >&2; exit 1; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
secs() { awk -v ms="$1" 'BEGIN { printf "%.2f", ms / 1000 }'; }

# ---------------------------------------------------------------- tools (Debian packages)
missing=()
command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
command -v wrk >/dev/null || missing+=(wrk)
command -v curl >/dev/null || missing+=(curl)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >&2 \
    || die "could not install ${missing[*]}"
fi
haproxy_bin="$(command -v haproxy || echo /usr/sbin/haproxy)"
[ -x "$bin" ] || die "no mlpack binary at $bin (scripts/test.sh builds it; or set MLPACK_BIN)"

work="$(mktemp -d "${TMPDIR:-/tmp}/mlpack-rolling.XXXXXX")"
declare -A pid=()   # replica name → pid of the running process
haproxy_pid=""
wrk_pid=""
cleanup() {
  set +e
  [ -n "$wrk_pid" ] && kill "$wrk_pid" 2>/dev/null
  for p in "${pid[@]}"; do kill -KILL "$p" 2>/dev/null; done
  [ -n "$haproxy_pid" ] && kill "$haproxy_pid" 2>/dev/null
  wait 2>/dev/null
  if [ "${KEEP_WORK:-0}" = 1 ]; then echo "work dir: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- model, ports, load script
source_dir="${MLPACK_MINILM_DIR:-$root/fixtures/embeddings/tiny-bert/model}"
"$bin" save --flavor similarity --source "$source_dir" -o "$work/model" > "$work/save.log" 2>&1 \
  || { cat "$work/save.log" >&2; die "mlpack save --flavor similarity failed"; }

# Four free loopback ports: HAProxy's frontend, its stats page, and the two replicas.
read -r front_port stats_port port_a port_b < <(python3 - <<'PY'
import socket
socks = [socket.socket() for _ in range(4)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))
PY
)
declare -A port=([a]=$port_a [b]=$port_b)

cat > "$work/load.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"inputs": {"sentence_1": ["I like apples"], "sentence_2": ["I like oranges"]}}'
-- A 200 must carry predictions (counted per thread, summed in done()).
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
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f rps=%.1f p50_ms=%.2f p99_ms=%.2f connect=%d read=%d write=%d timeout=%d status=%d bad=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.connect, e.read, e.write, e.timeout, e.status, badTotal))
end
LUA

# ---------------------------------------------------------------- replicas
# start_replica NAME GENERATION: starts `mlpack serve` on NAME's port, waits until /ping answers 200.
start_replica() {
  local name=$1 gen=$2 log="$work/replica-$1-$2.log" deadline
  "$bin" serve -m "$work/model" --host 127.0.0.1 --port "${port[$name]}" --drain-seconds "$DRAIN_SECONDS" \
    --threads 1 --log-level notice > "$log" 2>&1 &
  pid[$name]=$!
  deadline=$(( $(now_ms) + 30000 ))
  until curl -sf -o /dev/null -m 1 "http://127.0.0.1:${port[$name]}/ping"; do
    kill -0 "${pid[$name]}" 2>/dev/null || { cat "$log" >&2; die "replica $name ($gen) exited at start"; }
    [ "$(now_ms)" -lt "$deadline" ] || { cat "$log" >&2; die "replica $name ($gen) not ready after 30 s"; }
    sleep 0.05
  done
}

# HAProxy's view of a server: UP, DOWN, DOWN 1/2 (rising), …
haproxy_status() {
  curl -s -m 1 "http://127.0.0.1:$stats_port/stats;csv" | awk -F, -v s="$1" '$1 == "replicas" && $2 == s { print $18 }'
}
# A counter by CSV column (8 stot: requests sent, 14 econ, 15 eresp, 16 wretr, 17 wredis).
haproxy_counter() {
  curl -s -m 1 "http://127.0.0.1:$stats_port/stats;csv" | awk -F, -v s="$1" -v c="$2" '$1 == "replicas" && $2 == s { print $c }'
}
wait_up() {
  local name=$1 deadline=$(( $(now_ms) + 10000 ))
  until [ "$(haproxy_status "$name")" = UP ]; do
    [ "$(now_ms)" -lt "$deadline" ] || die "HAProxy did not put replica $name back in rotation within 10 s"
    sleep 0.02
  done
}

declare -A drain_ms=() exit_code=() down_ms=() ready_ms=() up_ms=()
# stop_replica NAME: SIGTERM, then waits (at most drain + 15 s) for the exit; records the drain
# time, the exit code, and when HAProxy took the server out of rotation.
stop_replica() {
  local name=$1 p=${pid[$1]} t0 t rc=0 status
  t0=$(now_ms)
  kill -TERM "$p"
  local deadline=$(( t0 + DRAIN_SECONDS * 1000 + 15000 ))
  down_ms[$name]=""
  while kill -0 "$p" 2>/dev/null && [ "$(ps -o stat= -p "$p" 2>/dev/null | cut -c1)" != Z ]; do
    t=$(now_ms)
    [ "$t" -lt "$deadline" ] || { kill -KILL "$p"; die "replica $name still running $(secs $((t - t0))) s after SIGTERM"; }
    if [ -z "${down_ms[$name]}" ]; then
      status=$(haproxy_status "$name")
      [[ "$status" == DOWN* ]] && down_ms[$name]=$(( $(now_ms) - t0 ))
    fi
    sleep 0.02
  done
  wait "$p" || rc=$?
  drain_ms[$name]=$(( $(now_ms) - t0 ))
  exit_code[$name]=$rc
  unset "pid[$name]"
}

start_replica a 1
start_replica b 1

# ---------------------------------------------------------------- HAProxy
cat > "$work/haproxy.cfg" <<EOF
global
    maxconn 1024

defaults
    mode http
    timeout connect 1s
    timeout client 30s
    timeout server 10s
    timeout check 1s
    # A request that found its server gone (refused, closed without an answer, or no answer in
    # time) is sent again, to the other server (redispatch); HAProxy buffers these small bodies.
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response response-timeout

frontend front
    bind 127.0.0.1:$front_port
    default_backend replicas

backend replicas
    balance roundrobin
    # Readiness: /ping answers 503 from the start of a replica's drain.
    option httpchk
    http-check send meth GET uri /ping ver HTTP/1.1 hdr Host localhost
    http-check expect status 200
    # Idle server connections are shared between clients (safe: never a client's first request on
    # a reused connection); a draining replica answers Connection: close, so its connections
    # leave the pool.
    http-reuse safe
    default-server check inter 100ms fastinter 100ms downinter 100ms fall 1 rise 2
    server a 127.0.0.1:$port_a
    server b 127.0.0.1:$port_b

listen stats
    bind 127.0.0.1:$stats_port
    stats enable
    stats uri /stats
EOF
"$haproxy_bin" -c -q -f "$work/haproxy.cfg" || die "HAProxy rejects $work/haproxy.cfg"
"$haproxy_bin" -db -f "$work/haproxy.cfg" > "$work/haproxy.log" 2>&1 &
haproxy_pid=$!
deadline=$(( $(now_ms) + 10000 ))
until [ "$(haproxy_status a)" = UP ] && [ "$(haproxy_status b)" = UP ]; do
  kill -0 "$haproxy_pid" 2>/dev/null || { cat "$work/haproxy.log" >&2; die "HAProxy exited at start"; }
  [ "$(now_ms)" -lt "$deadline" ] || { cat "$work/haproxy.log" >&2; die "HAProxy did not see both replicas UP within 10 s"; }
  sleep 0.05
done
answer=$(curl -s -m 5 "http://127.0.0.1:$front_port/invocations" -H 'Content-Type: application/json' \
  -d '{"inputs": {"sentence_1": ["I like apples"], "sentence_2": ["I like oranges"]}}') || true
[[ "$answer" == *'"predictions"'* ]] || die "no predictions through HAProxy: $answer"

# ---------------------------------------------------------------- load and the rolling restart
echo "rolling-restart: $DURATION s of wrk ($THREADS threads, $CONNECTIONS connections) through HAProxy to 2 replicas (--drain-seconds $DRAIN_SECONDS)" >&2
load_started=$(now_ms)
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 5s --latency -s "$work/load.lua" \
  "http://127.0.0.1:$front_port/invocations" > "$work/wrk.txt" 2>&1 &
wrk_pid=$!
sleep "$FIRST_RESTART_AT"

declare -A sigterm_at=() served_after=()
for name in a b; do
  kill -0 "$wrk_pid" 2>/dev/null || die "the load ended before replica $name was restarted (raise DURATION)"
  sigterm_at[$name]=$(( $(now_ms) - load_started ))
  stop_replica "$name"
  t0=$(now_ms)
  start_replica "$name" 2
  ready_ms[$name]=$(( $(now_ms) - t0 ))
  wait_up "$name"
  up_ms[$name]=$(( $(now_ms) - t0 ))
  served_after[$name]=$(haproxy_counter "$name" 8)
done
kill -0 "$wrk_pid" 2>/dev/null || die "the load ended before both replacements were in rotation (raise DURATION)"
wrk_rc=0
wait "$wrk_pid" || wrk_rc=$?
wrk_pid=""
load_ms=$(( $(now_ms) - load_started ))

# The replacements served traffic after they came back (HAProxy's per-server session totals).
declare -A sessions=()
for name in a b; do sessions[$name]=$(haproxy_counter "$name" 8); done
retries=$(haproxy_counter BACKEND 16)
redispatches=$(haproxy_counter BACKEND 17)
conn_errors=$(haproxy_counter BACKEND 14)
resp_errors=$(haproxy_counter BACKEND 15)

# Stop the replacements the same way (their drains run side by side).
for name in a b; do kill -TERM "${pid[$name]}"; done
declare -A final_rc=()
for name in a b; do
  rc=0
  wait "${pid[$name]}" || rc=$?
  final_rc[$name]=$rc
  unset "pid[$name]"
done

# ---------------------------------------------------------------- report
result=$(grep '^RESULT ' "$work/wrk.txt" || true)
[ "$wrk_rc" -eq 0 ] && [ -n "$result" ] || { cat "$work/wrk.txt" >&2; die "wrk failed (exit $wrk_rc)"; }
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<< " ${result#RESULT }"; }
requests=$(field requests); rps=$(field rps); p50=$(field p50_ms); p99=$(field p99_ms)
socket_errors=$(( $(field connect) + $(field read) + $(field write) + $(field timeout) ))
failed=$(( socket_errors + $(field status) + $(field bad) ))

echo "requests       $requests in $(secs "$load_ms") s ($rps req/s)"
echo "failed         $failed (non-2xx/3xx $(field status), socket errors $socket_errors: connect $(field connect) read $(field read) write $(field write) timeout $(field timeout); 200 without predictions $(field bad))"
echo "latency        p50 $p50 ms, p99 $p99 ms"
for name in a b; do
  out="after ${down_ms[$name]} ms"; [ -n "${down_ms[$name]}" ] || out="not before its exit"
  echo "replica $name      SIGTERM at $(secs "${sigterm_at[$name]}") s; out of HAProxy's rotation $out; exited ${exit_code[$name]} after $(secs "${drain_ms[$name]}") s; replacement ready in $(secs "${ready_ms[$name]}") s, UP in HAProxy after $(secs "${up_ms[$name]}") s"
done
echo "haproxy        sessions a $((sessions[a])) (replacement: $((sessions[a] - served_after[a])) after UP), b $((sessions[b])) (replacement: $((sessions[b] - served_after[b])) after UP); retries $retries, redispatches $redispatches, connection errors $conn_errors, response errors $resp_errors"
echo "final stop     a exited ${final_rc[a]}, b exited ${final_rc[b]}"
echo "RESULT requests=$requests failed=$failed rps=$rps p50_ms=$p50 p99_ms=$p99 drain_a_s=$(secs "${drain_ms[a]}") drain_b_s=$(secs "${drain_ms[b]}") exit_a=${exit_code[a]} exit_b=${exit_code[b]} retries=$retries redispatches=$redispatches"

problems=()
[ "$requests" -gt 0 ] || problems+=("no requests completed")
[ "$failed" -eq 0 ] || problems+=("$failed requests failed")
for name in a b; do
  [ "${exit_code[$name]}" -eq 0 ] || problems+=("replica $name exited ${exit_code[$name]} after SIGTERM")
  [ "${final_rc[$name]}" -eq 0 ] || problems+=("replacement $name exited ${final_rc[$name]} after SIGTERM")
  [ $((sessions[$name] - served_after[$name])) -gt 0 ] || problems+=("replacement $name served nothing after it was UP")
  if [ "$DRAIN_SECONDS" != 0 ] && [ -z "${down_ms[$name]}" ]; then
    problems+=("HAProxy still had replica $name in rotation when it exited (its /ping did not answer 503 while draining)")
  fi
done
# With a drain no request should ever reach a replica that no longer serves, so HAProxy should
# need no retry at all: retries here mean the drain did not do its job, even though they hid it
# from the client. (With DRAIN_SECONDS=0 they are expected, and reported only.)
if [ "$DRAIN_SECONDS" != 0 ] && [ $((retries + redispatches)) -gt 0 ]; then
  problems+=("HAProxy retried $retries and redispatched $redispatches requests during a drained restart")
fi
if [ ${#problems[@]} -gt 0 ]; then
  printf 'rolling-restart: FAIL: %s\n' "${problems[@]}" >&2
  exit 1
fi
echo "rolling-restart: ok"
