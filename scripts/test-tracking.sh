#!/usr/bin/env bash
# mlpack's tracking support against the real thing: Python MLflow 3.17.2 and a real `mlflow server`.
#
#   server   `mlpack log` to a loopback server; Python's MlflowClient (scripts/tracking_judge.py) checks
#            the logged model, run, files (sha256), MLmodel, registry; a model logged and registered by
#            Python is loaded by mlpack by every URI form (predict, load, validate, check-input, pack,
#            serve); bad URIs, a deleted experiment, bad names, no server; `models list`, `experiments list`
#   figures  wall times (printed, not asserted): `mlpack log` vs Python's log of the same directory,
#            mlpack's cold download vs `mlflow.artifacts.download_artifacts`; the real MiniLM when
#            MLPACK_MINILM_DIR is set, else the tiny fixture model
#   faults   an upload dropped by a proxy (model and run must end FAILED), the server killed mid-upload
#   local    MLflow's default local store (sqlite:///mlflow.db + ./mlruns) both ways, a database of
#            an unknown MLflow version, a locked database
#
# Every check prints `ok: …` or `FAIL: …`; the script exits 1 if any failed. A server that does not
# start is a failure, never a skip.
#
#   SECTIONS             sections to run, in this order (default: server figures faults local)
#   MLPACK_BIN           the mlpack binary (default: the release build, built only if there is none)
#   MLPACK_MLFLOW_PYTHON the python of a venv with mlflow==3.17.2 (default: scripts/mlflow-venv.sh, which
#                        creates ${MLPACK_MLFLOW_VENV:-~/.cache/mlpack/venvs/mlflow-3.17.2} with pip when missing)
#   MLPACK_MINILM_DIR    the real all-MiniLM-L6-v2 directory (scripts/fetch-model.sh), for the figures
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
started=$(date +%s%N)

sections="${SECTIONS:-server figures faults local}"
for s in $sections; do
  case "$s" in server|figures|faults|local) ;; *) echo "SECTIONS: unknown section '$s' (server figures faults local)" >&2; exit 2 ;; esac
done
want() { [[ " $sections " == *" $1 "* ]]; }

# Python MLflow 3.17.2 in its own venv (scripts/mlflow-venv.sh installs it when missing); test.sh
# exports MLPACK_MLFLOW_PYTHON.
py="${MLPACK_MLFLOW_PYTHON:-$(scripts/mlflow-venv.sh)}"
venv="$(dirname "$(dirname "$py")")"
[ -x "$venv/bin/mlflow" ] || { echo "no mlflow command next to $py" >&2; exit 2; }
# The release build test.sh just made (built here only when there is none: a build with other flags
# than test.sh's would invalidate its build).
bin="${MLPACK_BIN:-$(swift build -c release --show-bin-path)/mlpack}"
if [ -z "${MLPACK_BIN:-}" ] && [ ! -x "$bin" ]; then
  swift build -c release --product mlpack >&2
fi
[ -x "$bin" ] || { echo "no mlpack binary at $bin" >&2; exit 2; }
judge_py="$root/scripts/tracking_judge.py"
pairs="$root/fixtures/tutorial/pairs.json"

# The caller's MLflow settings must not leak into the tests.
unset MLFLOW_TRACKING_URI MLFLOW_TRACKING_USERNAME MLFLOW_TRACKING_PASSWORD MLFLOW_TRACKING_TOKEN \
  MLFLOW_TRACKING_INSECURE_TLS MLFLOW_TRACKING_SERVER_CERT_PATH MLFLOW_TRACKING_CLIENT_CERT_PATH \
  MLFLOW_HTTP_REQUEST_MAX_RETRIES MLFLOW_HTTP_REQUEST_TIMEOUT MLFLOW_REGISTRY_URI
export PYTHONWARNINGS=ignore

work="$(mktemp -d "${TMPDIR:-/tmp}/mlpack-tracking.XXXXXX")"
export MLPACK_CACHE_DIR="$work/cache"
server_pgid=""
pids=()
cleanup() {
  set +e
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  stop_server
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

passed=0
failed=0
ok() { echo "ok: $*"; passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
indent() { sed "s/^/    /" | head -c "${2:-2000}" | head -n "${1:-20}" || true; }

# run OUT ERR CMD…: runs CMD with its output in files; sets rc and ms (wall time).
run() {
  local out=$1 err=$2 t0
  shift 2
  t0=$(date +%s%N)
  set +e
  "$@" >"$out" 2>"$err"
  rc=$?
  set -e
  ms=$((($(date +%s%N) - t0) / 1000000))
}

# judge LABEL ARGS…: runs the Python judge; its ok/FAIL lines count here.
judge() {
  local label=$1 n_ok n_fail jrc
  shift
  set +e
  "$py" "$judge_py" "$@" >"$work/judge.out" 2>"$work/judge.err"
  jrc=$?
  set -e
  grep -E '^(ok|FAIL|note|figure):' "$work/judge.out" || true
  n_ok=$(grep -c '^ok:' "$work/judge.out" || true)
  n_fail=$(grep -c '^FAIL:' "$work/judge.out" || true)
  passed=$((passed + n_ok))
  failed=$((failed + n_fail))
  if [ "$jrc" -ne 0 ]; then
    [ "$n_fail" -gt 0 ] || fail "$label: the judge exited $jrc"
    echo "    judge stderr (tail):"
    { grep -v -e '^\s*$' "$work/judge.err" || true; } | tail -n 25 | indent 25 4000
  fi
  return 0
}

# jget FILE KEY[.KEY…]: a field of a JSON file.
jget() { python3 -c 'import json,sys
v=json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): v=v[k]
print(v)' "$1" "$2"; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

http_ok() { python3 -c 'import sys, urllib.request
try: sys.exit(0 if urllib.request.urlopen(sys.argv[1], timeout=2).read().strip() == b"OK" else 1)
except Exception: sys.exit(1)' "$1"; }

cpu_model() { sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -1; }

# ------------------------------------------------------------------ the real server

srv="$work/server"
port=""
uri=""
server_pid=""

start_server() {
  mkdir -p "$srv"
  port=$(free_port)
  uri="http://127.0.0.1:$port"
  MLFLOW_SERVER_ENABLE_JOB_EXECUTION=false setsid "$venv/bin/mlflow" server --host 127.0.0.1 --port "$port" --workers 1 \
    --backend-store-uri "sqlite:///$srv/mlflow.db" --artifacts-destination "$srv/artifacts" >"$srv/server.log" 2>&1 &
  server_pid=$!
  server_pgid=$(ps -o pgid= -p "$server_pid" | tr -d ' ')
  [ "$server_pgid" = "$server_pid" ] || echo "note: mlflow server pid $server_pid is in process group $server_pgid" >&2
}

wait_server() {
  local t0=$(date +%s%N) i
  for i in $(seq 1 180); do
    if http_ok "$uri/health"; then
      ok "mlflow server $("$py" -c 'import urllib.request,sys; print(urllib.request.urlopen(sys.argv[1]).read().decode())' "$uri/version") up on $uri in $((($(date +%s%N) - t0) / 1000000)) ms"
      return 0
    fi
    if ! kill -0 "$server_pid" 2>/dev/null; then break; fi
    sleep 0.5
  done
  fail "mlflow server did not start on $uri within 90 s; its log:"
  tail -n 40 "$srv/server.log" | indent 40 6000
  echo "$passed passed, $failed FAILED"
  exit 1
}

stop_server() {
  [ -n "$server_pgid" ] || return 0
  local i
  kill -TERM -- "-$server_pgid" 2>/dev/null || true
  for i in $(seq 1 50); do
    kill -0 -- "-$server_pgid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL -- "-$server_pgid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pgid=""
}

# ------------------------------------------------------------------ helpers for mlpack

# same_prediction LABEL MODEL [DIR]: `mlpack predict -m MODEL` (run in DIR) prints exactly the baseline.
same_prediction() {
  local label=$1 model=$2 dir=${3:-$work}
  run "$work/p.out" "$work/p.err" bash -c 'cd "$1" && shift && exec "$@"' _ "$dir" "$bin" predict -m "$model" -i "$pairs"
  if [ "$rc" -eq 0 ] && cmp -s "$work/p.out" "$work/baseline.json"; then
    ok "$label: mlpack predict -m $model = predict -m DIR ($ms ms)"
  else
    fail "$label: mlpack predict -m $model: exit $rc, stdout $(head -c 300 "$work/p.out"), stderr:"
    indent 8 1500 <"$work/p.err"
  fi
}

# expect_error LABEL RC NEEDLE CMD…: CMD exits RC and its stderr contains NEEDLE.
expect_error() {
  local label=$1 want_rc=$2 needle=$3
  shift 3
  run "$work/e.out" "$work/e.err" "$@"
  if [ "$rc" -eq "$want_rc" ] && grep -qF -- "$needle" "$work/e.err"; then
    ok "$label: exit $rc, stderr names ${needle} ($ms ms)"
  else
    fail "$label: exit $rc (want $want_rc, stderr containing '$needle') after $ms ms; stderr:"
    indent 6 1500 <"$work/e.err"
  fi
}

# ------------------------------------------------------------------ the model

need_server=false
for s in server figures faults; do if want "$s"; then need_server=true; fi; done
if $need_server; then
  start_server # it boots (6-19 s) while the model is saved
fi

sim="$work/similarity"
run "$work/save.out" "$work/save.err" "$bin" save --flavor similarity --source "$root/fixtures/embeddings/tiny-bert/model" \
  -o "$sim" --input-example "$root/fixtures/tutorial/input_example.json"
[ "$rc" -eq 0 ] || { fail "mlpack save of the tiny BERT: exit $rc"; indent 10 <"$work/save.err"; exit 1; }
run "$work/baseline.json" "$work/baseline.err" "$bin" predict -m "$sim" -i "$pairs"
[ "$rc" -eq 0 ] || { fail "mlpack predict -m DIR: exit $rc"; indent 10 <"$work/baseline.err"; exit 1; }


# ------------------------------------------------------------------ section: server

section_server() {
  echo "== server: mlpack log → Python MLflow, Python log → mlpack ($uri)"
  local log="$work/server-log.json" py_out="$work/server-py.json" model_id run_id py_id py_run pyexp
  run "$log" "$work/log.err" env MLFLOW_TRACKING_URI="$uri" "$bin" log --experiment Similarity --name similarity -m "$sim" \
    --register similarity --alias champion --param k=v --tag t=x --json
  if [ "$rc" -ne 0 ]; then
    fail "mlpack log --json to $uri: exit $rc"
    indent 10 <"$work/log.err"
    return 0
  fi
  ok "mlpack log --experiment Similarity --name similarity --register similarity --alias champion --json ($ms ms)"
  model_id=$(jget "$log" model_id)
  run_id=$(jget "$log" run_id)

  judge server server --uri "$uri" --dir "$sim" --mlpack-log "$log" --out "$py_out"
  [ -f "$py_out" ] || { fail "the judge wrote no $py_out: the rest of the section needs it"; return 0; }
  py_id=$(jget "$py_out" model_id)
  py_run=$(jget "$py_out" run_id)
  pyexp=$(jget "$py_out" experiment_id)

  export MLFLOW_TRACKING_URI="$uri"
  # Every URI form, mlpack-logged and Python-logged, scores exactly as the directory.
  for model in "models:/$model_id" models:/similarity/1 models:/similarity@champion models:/similarity/latest "runs:/$run_id/similarity" \
    "models:/$py_id" models:/pyreg/1 models:/pyreg@prod models:/pyreg/latest "runs:/$py_run/py_sim"; do
    same_prediction server "$model"
  done
  # The second time from the cache.
  same_prediction "server (cached)" models:/pyreg@prod
  # Three cold downloads of one model at once into one cache: all answer, one copy stays.
  local i conc_ok=true copy copies conc=()
  for i in 1 2 3; do
    MLPACK_CACHE_DIR="$work/conc-cache" "$bin" predict -m models:/similarity@champion -i "$pairs" >"$work/conc$i.out" 2>"$work/conc$i.err" &
    conc+=("$!")
    pids+=("$!")
  done
  for i in 1 2 3; do
    wait "${conc[i - 1]}" || conc_ok=false
    cmp -s "$work/conc$i.out" "$work/baseline.json" || conc_ok=false
  done
  # One copy (a directory) and its digests (<copy>.sha256); no partial or stale directories.
  copies=$(find "$work/conc-cache/tracking" -mindepth 1 -maxdepth 1 -type d | wc -l)
  sums=$(find "$work/conc-cache/tracking" -mindepth 1 -maxdepth 1 -type f -name '*.sha256' | wc -l)
  if $conc_ok && [ "$copies" -eq 1 ] && [ "$sums" -eq 1 ]; then
    ok "server: three concurrent cold predicts of models:/similarity@champion into one cache agree; one cached copy and its digests"
  else
    fail "server: concurrent cold predicts: $(cat "$work"/conc*.err | head -c 600); cache entries: $(ls -a "$work/conc-cache/tracking")"
  fi
  # A cached copy whose file changed size is not used: it is downloaded again.
  copy=$(find "$work/conc-cache/tracking" -mindepth 1 -maxdepth 1 -type d | head -1)
  echo "junk" >>"$copy/artifacts/sbert_model/vocab.txt"
  MLPACK_CACHE_DIR="$work/conc-cache" same_prediction "server (damaged cache)" models:/similarity@champion
  if cmp -s "$copy/artifacts/sbert_model/vocab.txt" "$sim/artifacts/sbert_model/vocab.txt"; then
    ok "server: the damaged cached file was replaced by a fresh download"
  else
    fail "server: the damaged cached file is still in the cache ($copy)"
  fi
  # The same for a change that keeps the size (apples -> xpples): caught by the recorded SHA-256.
  sed -i '0,/apples/s//xpples/' "$copy/artifacts/sbert_model/vocab.txt"
  if cmp -s "$copy/artifacts/sbert_model/vocab.txt" "$sim/artifacts/sbert_model/vocab.txt"; then
    fail "server: the same-size edit of the cached vocab.txt did not happen (no 'apples' in it?)"
  else
    MLPACK_CACHE_DIR="$work/conc-cache" same_prediction "server (same-size change in the cache)" models:/similarity@champion
    if cmp -s "$copy/artifacts/sbert_model/vocab.txt" "$sim/artifacts/sbert_model/vocab.txt"; then
      ok "server: a same-size change to a cached file was caught by its SHA-256 and downloaded again"
    else
      fail "server: the cached vocab.txt changed on disk (same size) is still used ($copy)"
    fi
  fi

  # The other commands that take a model.
  run "$work/c.out" "$work/c.err" "$bin" load "models:/$py_id" --json
  if [ "$rc" -eq 0 ] && grep -q similarity "$work/c.out"; then ok "server: mlpack load models:/$py_id"; else fail "server: mlpack load models:/$py_id: exit $rc $(head -c 400 "$work/c.err")"; fi
  run "$work/c.out" "$work/c.err" "$bin" validate "runs:/$run_id/similarity" --quiet
  if [ "$rc" -eq 0 ]; then ok "server: mlpack validate runs:/$run_id/similarity"; else fail "server: mlpack validate runs:/…: exit $rc $(head -c 600 "$work/c.out" "$work/c.err")"; fi
  run "$work/c.out" "$work/c.err" "$bin" check-input -m models:/pyreg/1 -i "$pairs"
  if [ "$rc" -eq 0 ]; then ok "server: mlpack check-input -m models:/pyreg/1"; else fail "server: mlpack check-input -m models:/pyreg/1: exit $rc $(head -c 400 "$work/c.err")"; fi
  run "$work/c.out" "$work/c.err" "$bin" pack models:/similarity@champion -o "$work/packed.zip"
  if [ "$rc" -eq 0 ]; then
    ok "server: mlpack pack models:/similarity@champion"
    same_prediction "server (packed from models:/similarity@champion)" "$work/packed.zip"
  else
    fail "server: mlpack pack models:/similarity@champion: exit $rc $(head -c 400 "$work/c.err")"
  fi
  "$bin" serve -m models:/pyreg@prod -p 0 >"$work/serve.out" 2>"$work/serve.err" &
  local serve_pid=$! serve_url="" i
  pids+=("$serve_pid")
  for i in $(seq 1 60); do
    serve_url=$(sed -n 's|.* on \(http://127\.0\.0\.1:[0-9]*\).*|\1|p' "$work/serve.err" | head -1)
    [ -n "$serve_url" ] && break
    kill -0 "$serve_pid" 2>/dev/null || break
    sleep 0.25
  done
  if [ -n "$serve_url" ] && python3 - "$serve_url/invocations" "$pairs" "$work/baseline.json" <<'PY'; then
import json, sys, urllib.request
body = open(sys.argv[2], "rb").read()
answer = json.load(urllib.request.urlopen(urllib.request.Request(sys.argv[1], data=body, headers={"Content-Type": "application/json"}), timeout=30))
sys.exit(0 if answer == json.load(open(sys.argv[3])) else 1)
PY
    ok "server: mlpack serve -m models:/pyreg@prod answers /invocations as predict -m DIR"
  else
    fail "server: mlpack serve -m models:/pyreg@prod ($serve_url):"
    indent 8 <"$work/serve.err"
  fi
  kill "$serve_pid" 2>/dev/null || true
  wait "$serve_pid" 2>/dev/null || true

  # The list commands see what MlflowClient sees.
  run "$work/models.json" "$work/l.err" "$bin" models list --json
  local a=$rc
  run "$work/experiments.json" "$work/l2.err" "$bin" experiments list --json
  local b=$rc
  run "$work/models-in.json" "$work/l3.err" "$bin" models list --experiment PyLogged --json
  if [ "$a$b$rc" = 000 ]; then
    judge lists compare-lists --label server --snapshot "$py_out" --models "$work/models.json" --experiments "$work/experiments.json" \
      --models-in "$work/models-in.json" --experiment-id "$pyexp"
  else
    fail "server: models list / experiments list --json: exits $a $b $rc"
    cat "$work/l.err" "$work/l2.err" "$work/l3.err" | indent 10
  fi
  run "$work/table.out" "$work/t.err" "$bin" models list
  if [ "$rc" -eq 0 ] && grep -q "$model_id" "$work/table.out" && grep -q "$py_id" "$work/table.out"; then
    ok "server: mlpack models list (table) shows both models"
  else
    fail "server: mlpack models list (table): exit $rc"
    indent 10 <"$work/table.out"
  fi

  # Bad input.
  expect_error "server: unknown registered model" 1 "models:/nope/1" "$bin" predict -m models:/nope/1 -i "$pairs"
  expect_error "server: unknown version" 1 "models:/pyreg/7" "$bin" predict -m models:/pyreg/7 -i "$pairs"
  expect_error "server: unknown alias" 1 "models:/pyreg@nope" "$bin" predict -m models:/pyreg@nope -i "$pairs"
  expect_error "server: unknown logged model" 1 "models:/m-00000000000000000000000000000000" \
    "$bin" predict -m models:/m-00000000000000000000000000000000 -i "$pairs"
  expect_error "server: unknown run" 1 "runs:/0123456789abcdef0123456789abcdef/similarity" \
    "$bin" predict -m runs:/0123456789abcdef0123456789abcdef/similarity -i "$pairs"
  expect_error "server: no model of that name in the run" 1 "runs:/$run_id/nothing_here" "$bin" predict -m "runs:/$run_id/nothing_here" -i "$pairs"
  expect_error "server: a PENDING logged model" 1 "PENDING" "$bin" predict -m "models:/$(jget "$py_out" pending_model_id)" -i "$pairs"
  expect_error "server: a FAILED logged model" 1 "FAILED" "$bin" predict -m "models:/$(jget "$py_out" failed_model_id)" -i "$pairs"
  expect_error "server: a deprecated stage URI" 1 "models:/pyreg/Production" "$bin" predict -m models:/pyreg/Production -i "$pairs"
  expect_error "server: log into a deleted experiment" 1 "deleted" \
    "$bin" log --experiment "$(jget "$py_out" deleted_experiment)" --name similarity -m "$sim"
  local bad
  for bad in 'a/b' 'a:b' 'a.b' 'a%b' 'a"b' "a'b"; do
    expect_error "server: model name $bad" 2 "$bad" "$bin" log --experiment Similarity --name "$bad" -m "$sim"
  done
  expect_error "server: a Databricks tracking URI" 1 "Databricks" env MLFLOW_TRACKING_URI=databricks "$bin" predict -m models:/pyreg/1 -i "$pairs"
  unset MLFLOW_TRACKING_URI

  # No server there: a quick exit 1 (MLflow's client fails at once with retries off). Both in parallel.
  local closed
  closed=$(free_port)
  ( run "$work/n1.out" "$work/n1.err" env MLFLOW_TRACKING_URI="http://127.0.0.1:$closed" MLFLOW_HTTP_REQUEST_MAX_RETRIES=0 \
      timeout 15 "$bin" log --experiment Similarity --name similarity -m "$sim"
    echo "$rc $ms" >"$work/n1.rc" ) &
  local n1=$!
  run "$work/n2.out" "$work/n2.err" env MLFLOW_TRACKING_URI="http://127.0.0.1:$closed" MLFLOW_HTTP_REQUEST_MAX_RETRIES=0 \
    timeout 15 "$bin" predict -m models:/pyreg/1 -i "$pairs"
  echo "$rc $ms" >"$work/n2.rc"
  wait "$n1" || true
  local what file
  for what in "log:n1" "predict -m models:/pyreg/1:n2"; do
    file=${what##*:}
    read -r rc ms <"$work/$file.rc"
    if [ "$rc" -eq 1 ] && [ "$ms" -lt 10000 ] && grep -q "127.0.0.1:$closed" "$work/$file.err"; then
      ok "server: mlpack ${what%:*} with no server at 127.0.0.1:$closed (MLFLOW_HTTP_REQUEST_MAX_RETRIES=0): exit 1 in $ms ms"
    else
      fail "server: mlpack ${what%:*} with no server at 127.0.0.1:$closed (MLFLOW_HTTP_REQUEST_MAX_RETRIES=0): exit $rc after $ms ms (want 1 within 10 s; 124 = killed by timeout 15)"
      indent 4 <"$work/$file.err"
    fi
  done
}

# ------------------------------------------------------------------ section: figures

section_figures() {
  echo "== figures (not asserted) on $(cpu_model), $(nproc) CPUs, $bin"
  local model="$sim" what="tiny BERT similarity model"
  if [ -n "${MLPACK_MINILM_DIR:-}" ]; then
    run "$work/save2.out" "$work/save2.err" "$bin" save --flavor similarity --source "$MLPACK_MINILM_DIR" -o "$work/minilm" \
      --input-example "$root/fixtures/tutorial/input_example.json"
    if [ "$rc" -ne 0 ]; then
      fail "figures: mlpack save of $MLPACK_MINILM_DIR: exit $rc"
      indent 10 <"$work/save2.err"
      return 0
    fi
    model="$work/minilm"
    what="all-MiniLM-L6-v2 similarity model"
  fi
  local bytes i id="" logs="" fetch_cold="" fetch_warm t0
  bytes=$(du -sb "$model" | cut -f1)
  # mlpack log, three times (process start to exit).
  for i in 1 2 3; do
    run "$work/fig-log.out" "$work/fig-log.err" env MLFLOW_TRACKING_URI="$uri" "$bin" log --experiment Figures --name big -m "$model"
    if [ "$rc" -ne 0 ]; then
      fail "figures: mlpack log of the $what: exit $rc"
      indent 10 <"$work/fig-log.err"
      return 0
    fi
    logs="$logs $ms"
    [ -n "$id" ] || id=$(sed -n 1p "$work/fig-log.out" | sed 's|^models:/||')
  done
  # The plain output: the model URI, then the run URI.
  if [ "$(wc -l <"$work/fig-log.out")" -eq 2 ] && sed -n 1p "$work/fig-log.out" | grep -Eq '^models:/m-[0-9a-f]{32}$' &&
    sed -n 2p "$work/fig-log.out" | grep -Eq '^runs:/[0-9a-f]{32}/big$'; then
    ok "figures: mlpack log prints models:/m-… and runs:/<run>/big, one per line"
  else
    fail "figures: mlpack log output is not 'models:/m-…\\nruns:/…/big':"
    indent 4 <"$work/fig-log.out"
  fi

  # Python: the same directory logged (from process start, then twice more in process), and downloaded.
  t0=$(date +%s.%N)
  judge figures time-pylog --uri "$uri" --dir "$model" --t0 "$t0" --download-model-id "$id" --out "$work/fig-py.json"

  # mlpack's download alone: check-input reads the model's signature and never runs it (cold cache ×3, then cached).
  for i in 1 2 3; do
    run "$work/ci.out" "$work/ci.err" env MLFLOW_TRACKING_URI="$uri" MLPACK_CACHE_DIR="$work/fetch-$i" "$bin" check-input -m "models:/$id" -i "$pairs"
    [ "$rc" -eq 0 ] || { fail "figures: check-input -m models:/$id: exit $rc"; indent 6 <"$work/ci.err"; return 0; }
    fetch_cold="$fetch_cold $ms"
  done
  run "$work/ci.out" "$work/ci.err" env MLFLOW_TRACKING_URI="$uri" MLPACK_CACHE_DIR="$work/fetch-1" "$bin" check-input -m "models:/$id" -i "$pairs"
  fetch_warm=$ms
  # Start to answer.
  run "$work/cold.json" "$work/cold.err" env MLFLOW_TRACKING_URI="$uri" MLPACK_CACHE_DIR="$work/cold-cache" "$bin" predict -m "models:/$id" -i "$pairs"
  local cold=$ms cold_rc=$rc
  run "$work/warm.json" "$work/warm.err" env MLFLOW_TRACKING_URI="$uri" MLPACK_CACHE_DIR="$work/cold-cache" "$bin" predict -m "models:/$id" -i "$pairs"
  local warm=$ms
  run "$work/dir.json" "$work/dir.err" "$bin" predict -m "$model" -i "$pairs"
  local direct=$ms
  if [ "$cold_rc" -eq 0 ] && cmp -s "$work/cold.json" "$work/dir.json" && cmp -s "$work/warm.json" "$work/dir.json"; then
    ok "figures: predict -m models:/$id (cold and cached) = predict -m DIR for the $what"
  else
    fail "figures: predict -m models:/$id differs from predict -m DIR (exit $cold_rc)"
    indent 6 <"$work/cold.err"
  fi
  [ -f "$work/fig-py.json" ] || return 0
  python3 - "$work/fig-py.json" "$what" "$bytes" "$logs" "$fetch_cold" "$fetch_warm" "$cold" "$warm" "$direct" "$(cpu_model)" "$(nproc)" "$bin" <<'PY'
import json, statistics, sys
f = json.load(open(sys.argv[1]))
what, size, logs, fetch_cold, fetch_warm, cold, warm, direct, cpu, n, binary = sys.argv[2:]
ms = lambda text: [int(x) / 1000 for x in text.split()]
logs, fetch_cold = ms(logs), ms(fetch_cold)
fetch_warm, cold, warm, direct = (int(x) / 1000 for x in (fetch_warm, cold, warm, direct))
med = statistics.median
row = lambda label, values: print(f"figure:   {label:<70} {med(values):6.2f} s  (runs: {', '.join(f'{v:.2f}' for v in values)})")
one = lambda label, value: print(f"figure:   {label:<70} {value:6.2f} s")
print(f"figure: {what}, {int(size) / 1e6:.1f} MB, loopback mlflow server, {cpu} ({n} CPUs), {binary}")
row("log:   mlpack log, process start to exit (median of 3)", logs)
one("log:   Python, process start to READY incl. import mlflow (1st log)", f["end_to_end"])
row("log:   Python, run + logged model + files + READY, in process", f["logs"])
one("log:   Python, import mlflow alone", f["import"])
row("fetch: mlflow.artifacts.download_artifacts('models:/m-…'), in process", f["downloads"])
row("fetch: mlpack check-input -m models:/m-…, cold cache (downloads)", fetch_cold)
one("fetch: mlpack check-input -m models:/m-…, cached", fetch_warm)
one("fetch: ≈ mlpack's download (cold − cached, medians)", med(fetch_cold) - fetch_warm)
one("answer: mlpack predict -m models:/m-…, cold cache, start to answer", cold)
one("answer: mlpack predict -m models:/m-…, cached", warm)
one("answer: mlpack predict -m DIR", direct)
PY
}

# ------------------------------------------------------------------ section: faults

# proxy MODE: starts the judge's TCP proxy to the server; sets proxy_port, proxy_pid.
proxy() {
  rm -f "$work/proxy.port" "$work/proxy.hit" "$work/proxy.release"
  "$py" "$judge_py" proxy --upstream "$port" --mode "$1" --port-file "$work/proxy.port" --marker "$work/proxy.hit" \
    --release "$work/proxy.release" 2>"$work/proxy.err" &
  proxy_pid=$!
  pids+=("$proxy_pid")
  local i
  for i in $(seq 1 100); do [ -f "$work/proxy.port" ] && break; sleep 0.05; done
  proxy_port=$(cat "$work/proxy.port")
}

section_faults() {
  echo "== faults: uploads that do not complete ($uri)"
  # 1. The artifact upload fails (the proxy drops the connection at the first PUT); the tracking
  #    calls still work, so mlpack must mark the model FAILED and the run FAILED, and exit 1.
  proxy drop
  run "$work/f1.out" "$work/f1.err" env MLFLOW_TRACKING_URI="http://127.0.0.1:$proxy_port" MLFLOW_HTTP_REQUEST_MAX_RETRIES=0 \
    timeout 60 "$bin" log --experiment "Upload Dropped" --name dropped -m "$sim"
  if [ "$rc" -eq 1 ] && [ -f "$work/proxy.hit" ]; then
    ok "faults: upload dropped: mlpack log exits 1 ($ms ms): $(head -c 200 "$work/f1.err" | tr '\n' ' ')"
  else
    fail "faults: upload dropped: mlpack log exit $rc after $ms ms (want 1; the proxy $([ -f "$work/proxy.hit" ] && echo dropped || echo never saw) an upload)"
    indent 6 <"$work/f1.err"
  fi
  judge faults fault-state --label "faults: upload dropped" --uri "$uri" --experiment "Upload Dropped" --expect FAILED/FAILED
  kill "$proxy_pid" 2>/dev/null || true

  # 2. The server is killed while an upload is in flight (the proxy holds the first PUT until the
  #    model is known to be PENDING, then the server's process group is killed): mlpack must exit
  #    non-zero promptly. Nobody can mark the model FAILED while the server is down: its state in
  #    the server's database is printed, not asserted.
  proxy stall
  env MLFLOW_TRACKING_URI="http://127.0.0.1:$proxy_port" MLFLOW_HTTP_REQUEST_MAX_RETRIES=0 \
    timeout 60 "$bin" log --experiment "Server Killed" --name killed -m "$sim" >"$work/f2.out" 2>"$work/f2.err" &
  local log_pid=$! i t0
  for i in $(seq 1 300); do [ -f "$work/proxy.hit" ] && break; kill -0 "$log_pid" 2>/dev/null || break; sleep 0.05; done
  if [ ! -f "$work/proxy.hit" ]; then
    fail "faults: server killed: mlpack log never started an upload"
    wait "$log_pid" || true
    indent 6 <"$work/f2.err"
    return 0
  fi
  judge faults fault-state --label "faults: mid-upload" --uri "$uri" --experiment "Server Killed" --expect PENDING/RUNNING
  kill -KILL -- "-$server_pgid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pgid=""
  t0=$(date +%s%N)
  touch "$work/proxy.release"
  set +e
  wait "$log_pid"
  rc=$?
  set -e
  ms=$((($(date +%s%N) - t0) / 1000000))
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && [ "$ms" -lt 15000 ]; then
    ok "faults: server killed mid-upload: mlpack log exits $rc $ms ms after: $(head -c 300 "$work/f2.err" | tr '\n' ' ')"
  else
    fail "faults: server killed mid-upload: mlpack log exit $rc $ms ms after the kill (want non-zero within 15 s; 124 = timeout)"
    indent 6 <"$work/f2.err"
  fi
  echo "note: server killed mid-upload: [model, status, run status] in the dead server's database: $("$py" "$judge_py" fault-state --db "$srv/mlflow.db" --experiment "Server Killed")"
  kill "$proxy_pid" 2>/dev/null || true
}

# ------------------------------------------------------------------ section: local

section_local() {
  echo "== local store: sqlite:///mlflow.db + ./mlruns, MLFLOW_TRACKING_URI unset"
  local a="$work/local-mlpack" b="$work/local-python" model_id run_id py_id py_run
  mkdir -p "$a"
  # mlpack creates the store; Python MLflow opens it.
  run "$work/local-log.json" "$work/local-log.err" bash -c 'cd "$1" && shift && exec "$@"' _ "$a" \
    "$bin" log --experiment Similarity --name similarity -m "$sim" --register similarity --alias champion --json
  if [ "$rc" -ne 0 ]; then
    fail "local: mlpack log into a new sqlite:///mlflow.db: exit $rc"
    indent 10 <"$work/local-log.err"
  else
    ok "local: mlpack log into a new sqlite:///mlflow.db ($ms ms)"
    model_id=$(jget "$work/local-log.json" model_id)
    run_id=$(jget "$work/local-log.json" run_id)
    judge local local-check --store "$a" --dir "$sim" --mlpack-log "$work/local-log.json" --label "local/mlpack-logged" \
      --register similarity --alias champion --out "$work/local-snap.json"
    for m in "models:/$model_id" models:/similarity@champion models:/similarity/1 "runs:/$run_id/similarity"; do
      same_prediction local "$m" "$a"
    done
    run "$work/lm.json" "$work/lm.err" bash -c 'cd "$1" && shift && exec "$@"' _ "$a" "$bin" models list --json
    local x=$rc
    run "$work/le.json" "$work/le.err" bash -c 'cd "$1" && shift && exec "$@"' _ "$a" "$bin" experiments list --json
    if [ "$x$rc" = 00 ] && [ -f "$work/local-snap.json" ]; then
      judge local compare-lists --label local --snapshot "$work/local-snap.json" --models "$work/lm.json" --experiments "$work/le.json"
    else
      fail "local: models list / experiments list --json: exits $x $rc"
      cat "$work/lm.err" "$work/le.err" | indent 10
    fi
  fi

  # Python MLflow creates the store; mlpack loads its model by every URI form, then logs into it.
  judge local local-pylog --store "$b" --dir "$sim" --label "local/python-logged" --out "$work/local-py.json"
  if [ -f "$work/local-py.json" ]; then
    py_id=$(jget "$work/local-py.json" model_id)
    py_run=$(jget "$work/local-py.json" run_id)
    for m in "models:/$py_id" models:/pyreg/1 models:/pyreg@prod models:/pyreg/latest "runs:/$py_run/py_sim"; do
      same_prediction "local (MLflow's db)" "$m" "$b"
    done
    run "$work/local-log2.json" "$work/local-log2.err" bash -c 'cd "$1" && shift && exec "$@"' _ "$b" \
      "$bin" log --experiment Similarity --name similarity -m "$sim" --json
    if [ "$rc" -eq 0 ]; then
      ok "local: mlpack log into the mlflow.db Python MLflow created ($ms ms)"
      judge local local-check --store "$b" --dir "$sim" --mlpack-log "$work/local-log2.json" --label "local/mlpack-into-mlflow-db"
    else
      fail "local: mlpack log into the mlflow.db Python MLflow created: exit $rc"
      indent 10 <"$work/local-log2.err"
    fi

    # A database of another MLflow version: a clear error naming the version.
    local c="$work/local-old"
    mkdir -p "$c"
    cp "$b/mlflow.db" "$c/mlflow.db"
    python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("UPDATE alembic_version SET version_num = ?", ("0123456789ab",)); c.commit()' "$c/mlflow.db"
    expect_error "local: a database at alembic_version 0123456789ab" 1 "0123456789ab" \
      bash -c 'cd "$1" && shift && exec "$@"' _ "$c" "$bin" log --experiment Similarity --name similarity -m "$sim"
    # A locked database (another writer holds it): mlpack gives up with an error saying so, leaves nothing.
    python3 - "$b/mlflow.db" "$work/lock.held" "$work/lock.release" <<'PY' &
import os, sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("BEGIN EXCLUSIVE")
open(sys.argv[2], "w").close()
deadline = time.time() + 90
while not os.path.exists(sys.argv[3]) and time.time() < deadline:
    time.sleep(0.05)
con.execute("ROLLBACK")
PY
    local lock_pid=$! i
    pids+=("$lock_pid")
    for i in $(seq 1 100); do [ -f "$work/lock.held" ] && break; sleep 0.05; done
    expect_error "local: a locked mlflow.db" 1 "locked" \
      bash -c 'cd "$1" && shift && exec timeout 80 "$@"' _ "$b" "$bin" log --experiment WhileHeld --name similarity -m "$sim"
    touch "$work/lock.release"
    wait "$lock_pid" 2>/dev/null || true
    run "$work/lk.json" "$work/lk.err" bash -c 'cd "$1" && shift && exec "$@"' _ "$b" "$bin" experiments list --json
    if [ "$rc" -eq 0 ] && ! grep -q '"WhileHeld"' "$work/lk.json"; then
      ok "local: the locked attempt left nothing behind (no experiment WhileHeld)"
    else
      fail "local: after the locked attempt: experiments list exit $rc: $(head -c 400 "$work/lk.json" "$work/lk.err")"
    fi
  fi
}

# ------------------------------------------------------------------ run

if $need_server; then wait_server; fi
if want server; then section_server; fi
if want figures; then section_figures; fi
if want faults; then section_faults; fi
stop_server
if want local; then section_local; fi

seconds=$((($(date +%s%N) - started) / 1000000000))
if [ "$failed" -eq 0 ]; then
  echo "ok: tracking tests ($sections): $passed checks passed in $seconds s"
else
  echo "FAIL: tracking tests ($sections): $failed of $((passed + failed)) checks FAILED ($seconds s)"
  exit 1
fi
