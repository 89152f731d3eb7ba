#!/usr/bin/env bash
# The server under abuse: slowloris, a client that never reads, malformed requests. Loopback only;
# every phase is bounded in time (about 2 minutes in all).
#
# Against a real `mlpack serve` of the tiny BERT fixture (similarity flavor):
#   1. slowloris below the cap: 1,000 connections each sending one header byte a second (reopened
#      when the server closes them) for DURATION seconds, with the default --max-connections 1024
#      and --header-timeout-seconds 10, while a normal client sends one scoring request after
#      another, each on a new connection, and times it.
#   2. slowloris above the cap: the same 1,000 slow connections against --max-connections 256: the
#      server closes the connection that has waited longest for a request head to make room for
#      each new one (mlpack_http_connections_closed_total{reason="evicted"}), so the normal client
#      is still served.
#   3. a client that pipelines requests and never reads the answers: closed after
#      --write-timeout-seconds (counted as write_timeout in /metrics).
#   4. malformed requests: each gets 400 and a closed connection.
# Prints the normal client's p50/p99 during each attack. Fails (exit 1) when any normal request
# failed, its p99 exceeded P99_LIMIT_MS, the attack could not hold its connections open, the
# server could not start or did not stop cleanly, or a check above did not hold.
#
#   MLPACK_BIN    the mlpack binary (default .build/release/mlpack; built by scripts/test.sh)
#   DURATION      seconds of each slowloris phase (default 30)
#   P99_LIMIT_MS  the normal client's p99 bound during an attack (default 1000)
#   KEEP_WORK=1   keep the temp dir (server logs) and print its path
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

DURATION="${DURATION:-30}"
P99_LIMIT_MS="${P99_LIMIT_MS:-1000}"
SLOW_CONNECTIONS=1000
bin="${MLPACK_BIN:-$root/.build/release/mlpack}"

die() { echo "abuse: FAIL: $*" >&2; exit 1; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

[ -x "$bin" ] || die "no mlpack binary at $bin (scripts/test.sh builds it; or set MLPACK_BIN)"
command -v python3 >/dev/null || die "python3 is needed"
command -v curl >/dev/null || die "curl is needed"

# 1,000 slow connections on each side plus the server's own files: raise the soft limit of open
# files to the hard one (both the clients and the server inherit it).
hard=$(ulimit -Hn)
if [ "$hard" != unlimited ] && [ "$hard" -lt 4096 ]; then die "the hard limit of open files is $hard; 4096 are needed"; fi
ulimit -Sn "$( [ "$hard" = unlimited ] && echo 65536 || echo $(( hard < 65536 ? hard : 65536 )) )"

work="$(mktemp -d "${TMPDIR:-/tmp}/mlpack-abuse.XXXXXX")"
server_pid=""
cleanup() {
  set +e
  [ -n "$server_pid" ] && kill -KILL "$server_pid" 2>/dev/null
  wait 2>/dev/null
  if [ "${KEEP_WORK:-0}" = 1 ]; then echo "work dir: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$bin" save --flavor similarity --source "$root/fixtures/embeddings/tiny-bert/model" -o "$work/model" > "$work/save.log" 2>&1 \
  || { cat "$work/save.log" >&2; die "mlpack save --flavor similarity failed"; }

port=""
# start_server NAME ARGS…: `mlpack serve` on a free port; sets server_pid and port, waits for /ping.
start_server() {
  local name=$1 log="$work/serve-$1.log" deadline
  shift
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "$bin" serve -m "$work/model" --host 127.0.0.1 --port "$port" --threads 1 --log-level warning "$@" > "$log" 2>&1 &
  server_pid=$!
  deadline=$(( $(now_ms) + 30000 ))
  until curl -sf -o /dev/null -m 1 "http://127.0.0.1:$port/ping"; do
    kill -0 "$server_pid" 2>/dev/null || { cat "$log" >&2; die "server ($name) exited at start"; }
    [ "$(now_ms)" -lt "$deadline" ] || { cat "$log" >&2; die "server ($name) not ready after 30 s"; }
    sleep 0.05
  done
}
# stop_server: SIGTERM; it must exit 0 within 30 s.
stop_server() {
  local rc=0 deadline=$(( $(now_ms) + 30000 ))
  kill -TERM "$server_pid"
  while kill -0 "$server_pid" 2>/dev/null && [ "$(ps -o stat= -p "$server_pid" | cut -c1)" != Z ]; do
    [ "$(now_ms)" -lt "$deadline" ] || die "the server did not stop within 30 s of SIGTERM"
    sleep 0.05
  done
  wait "$server_pid" || rc=$?
  server_pid=""
  [ "$rc" -eq 0 ] || die "the server exited $rc after SIGTERM"
}
metric() {  # metric SERIES: its value in /metrics (0 when absent)
  curl -s -m 10 "http://127.0.0.1:$port/metrics" | awk -v s="$1" '$1 == s { print $2; found = 1 } END { if (!found) print 0 }'
}
field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<< " ${1#RESULT }"; }

problems=()
# slowloris_phase NAME: runs the attack against the running server; checks and reports.
slowloris_phase() {
  local name=$1 result
  result=$(python3 "$root/scripts/abuse_clients.py" slowloris "$port" --connections "$SLOW_CONNECTIONS" --duration "$DURATION" \
    2> "$work/slowloris-$name.err" | grep '^RESULT ') || true
  cat "$work/slowloris-$name.err" >&2
  [ -n "$result" ] || die "the slowloris client ($name) reported nothing"
  local normal failed p50 p99 open_max
  normal=$(field "$result" normal); failed=$(field "$result" failed)
  p50=$(field "$result" p50_ms); p99=$(field "$result" p99_ms); open_max=$(field "$result" attack_open_max)
  echo "slowloris ($name): $SLOW_CONNECTIONS slow connections for $DURATION s; normal client: $normal requests, $failed failed, p50 $p50 ms, p99 $p99 ms, max $(field "$result" max_ms) ms"
  echo "  attack: at most $open_max open at once, $(field "$result" attack_opened) opened, $(field "$result" attack_closed_by_server) closed by the server ($(field "$result" attack_408) with 408); server: header_timeout $(metric 'mlpack_http_connections_closed_total{reason="header_timeout"}'), evicted $(metric 'mlpack_http_connections_closed_total{reason="evicted"}')"
  echo "RESULT phase=$name normal=$normal failed=$failed p50_ms=$p50 p99_ms=$p99 attack_open_max=$open_max"
  [ "$normal" -gt 0 ] || problems+=("$name: the normal client completed no request")
  [ "$failed" -eq 0 ] || problems+=("$name: $failed normal requests failed")
  awk -v p="$p99" -v l="$P99_LIMIT_MS" 'BEGIN { exit !(p <= l) }' || problems+=("$name: normal p99 $p99 ms > $P99_LIMIT_MS ms")
  if [ "$name" = below-cap ]; then
    [ "$open_max" -ge "$SLOW_CONNECTIONS" ] || problems+=("$name: the attack held only $open_max connections open")
  else
    # Above the cap the server evicts slow connections, so the attack cannot hold them; it must
    # at least have opened them all.
    [ "$(field "$result" attack_opened)" -ge "$SLOW_CONNECTIONS" ] || problems+=("$name: the attack opened only $(field "$result" attack_opened) connections")
  fi
}

# ---------------------------------------------------------------- 1. below the cap (defaults)
start_server below-cap
slowloris_phase below-cap
timeouts=$(metric 'mlpack_http_connections_closed_total{reason="header_timeout"}')
awk -v t="$timeouts" 'BEGIN { exit !(t >= 1) }' || problems+=("below-cap: no connection closed by the header timeout")
stop_server

# ---------------------------------------------------------------- 2. above the cap
start_server above-cap --max-connections 256
slowloris_phase above-cap
evicted=$(metric 'mlpack_http_connections_closed_total{reason="evicted"}')
awk -v t="$evicted" 'BEGIN { exit !(t >= 1) }' || problems+=("above-cap: no connection evicted at the cap")
stop_server

# ---------------------------------------------------------------- 3 and 4. unread answers, malformed requests
start_server misc --write-timeout-seconds 2
unread=$(python3 "$root/scripts/abuse_clients.py" unread "$port" --seconds 60 | grep '^RESULT ') \
  || problems+=("a client that never reads was not closed within 60 s")
[ -n "$unread" ] && echo "unread answers: connection closed $(field "$unread" unread_closed_after_s) s after it started pipelining (--write-timeout-seconds 2)"
malformed=$(python3 "$root/scripts/abuse_clients.py" malformed "$port" | grep '^RESULT ') \
  || problems+=("a malformed request did not get 400")
[ -n "$malformed" ] && echo "malformed: $(field "$malformed" malformed) requests, $(field "$malformed" not_400) without 400"
curl -sf -m 10 -o /dev/null "http://127.0.0.1:$port/ping" || problems+=("the server stopped answering after the malformed requests")
stop_server

if [ ${#problems[@]} -gt 0 ]; then
  printf 'abuse: FAIL: %s\n' "${problems[@]}" >&2
  exit 1
fi
echo "abuse: ok"
