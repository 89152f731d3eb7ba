#!/usr/bin/env bash
# The concurrent code under ThreadSanitizer and the parsers under AddressSanitizer (issue 14, part 3).
#
#   scripts/test-sanitizers.sh            both steps (scripts/test.sh runs this)
#   scripts/test-sanitizers.sh thread     the ThreadSanitizer step only
#   scripts/test-sanitizers.sh address    the AddressSanitizer step only
#
# Each step builds the tests with `swift build --build-tests --sanitize=KIND` into its own scratch
# path (.build-tsan, .build-asan; debug: the cheaper of debug and release from a clean scratch path,
# see docs/sanitizers.md) and runs a fixed selection of suites with `swift test --filter`:
#
# - thread: the scoring server (every MLPackServerTests suite: routes, dynamic batcher, deadlines,
#   drain, shutdown, abuse over loopback, the bounded log writer), the `mlpack serve` process tests
#   (MLPackCLITests.Serve*: the binary of the same build, so instrumented too), the archive cache
#   (concurrent first opens) and the encoder's concurrency tests on the tiny BERT (not the real
#   model: unoptimised numeric code is slow).
# - address: the parsers: MLmodel YAML (MLPackYAMLTests, MLModel*), JSON, signatures, input examples,
#   requests and CSV, enforcement, environment files (every MLPackCoreTests suite), tokenizers
#   (MLPackTokenizerTests), safetensors and model directories' config.json / modules.json, zip
#   reading, packing and hostile archives (MLPackArchiveTests), and the resource bombs.
#
# A sanitizer report fails the step: halt_on_error=1 stops the process at the first report, and
# every report (the test runner's and those of the `mlpack` processes the tests start) is written
# under $SCRATCH/sanitizer-reports/, which must be empty at the end. SANITIZER_FILTER replaces the
# suite selection (a local re-run of one suite). Suppressions (dependencies'
# findings only, each explained): scripts/sanitizers/*.supp.
set -euo pipefail
cd "$(dirname "$0")/.."

CONFIG="${SANITIZER_CONFIG:-debug}"

THREAD_FILTER='^MLPackServerTests\.|^MLPackCLITests\.Serve(Command|Drain|Logging|ConnectionChurn)Tests/|^MLPackBERTTests\.ConcurrencyTests/(concurrentEncodesMatchASerialRun|perCallThreadsAreChecked)|^MLPackBERTTests\.ThreadTeamTests/|^MLPackArchiveTests\.PackRoundTripTests/(cacheExtractsOnceAndRepairsDamage|concurrentFirstOpensShareOneCopy)|^MLPackTrackingTests\.ModelResolverTests/testConcurrentDownloads'
ADDRESS_FILTER='^MLPackYAMLTests\.|^MLPackCoreTests\.|^MLPackTokenizerTests\.|^MLPackBERTTests\.(SafeTensors|ModelDirectory|ModelLocator|KernelDispatch|Kernel|F32Kernel|Int8Kernel|TinyBERT)Tests/|^MLPackArchiveTests\.|^MLPackCLITests\.(ResourceBomb|CheckInputCommand|InferSignatureCommand)Tests/'

# step KIND SCRATCH FILTER
step() {
  local kind="$1" scratch="$2" filter="$3"
  local flags=(-c "$CONFIG" --sanitize="$kind" --scratch-path "$scratch")
  [ "$CONFIG" = release ] && flags+=(-Xswiftc -enable-testing)
  local started reports status
  started=$(date +%s)
  swift build --build-tests "${flags[@]}"
  local built=$(($(date +%s) - started))
  reports="$PWD/$scratch/sanitizer-reports"
  rm -rf "$reports"
  mkdir -p "$reports"
  local supp="$PWD/scripts/sanitizers/$kind.supp"
  # The Swift runtime's backtracer would report a crash before the sanitizer does (and its own
  # memory reads trip ASan). Leaks are not checked: the Swift runtime's caches look like leaks.
  # The tests run as a process group of their own (set -m), killed afterwards: a runner stopped by
  # halt_on_error does not kill the `mlpack serve` processes it started.
  set +e -m
  MLPACK_SANITIZER="$kind" SWIFT_BACKTRACE=enable=no \
    TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:log_path=$reports/tsan$( [ -f "$supp" ] && echo ":suppressions=$supp")" \
    ASAN_OPTIONS="halt_on_error=1:detect_leaks=0:detect_stack_use_after_return=0:log_path=$reports/asan$( [ -f "$supp" ] && echo ":suppressions=$supp")" \
    swift test "${flags[@]}" --skip-build --filter "${SANITIZER_FILTER:-$filter}" &
  local group=$!
  wait "$group"
  status=$?
  # Under job control `wait` also returns when the job is stopped (SIGSTOP from outside): wait on.
  while [ "$status" -gt 128 ] && [ "$(ps -o stat= -p "$group" 2>/dev/null | cut -c1)" = T ]; do
    sleep 5
    wait "$group"
    status=$?
  done
  kill -KILL -- "-$group" 2>/dev/null
  set -e +m
  local ran=$(($(date +%s) - started - built))
  if compgen -G "$reports/*" > /dev/null; then
    echo "sanitizers: $kind: reports in $reports:" >&2
    for report in "$reports"/*; do
      echo "==== $report" >&2
      head -80 "$report" >&2
    done
    status=1
  fi
  echo "sanitizers: $kind ($CONFIG): build ${built} s, tests ${ran} s, status $status"
  return "$status"
}

case "${1:-all}" in
  thread) step thread .build-tsan "$THREAD_FILTER" ;;
  address) step address .build-asan "$ADDRESS_FILTER" ;;
  all)
    failed=()
    step thread .build-tsan "$THREAD_FILTER" || failed+=(thread)
    step address .build-asan "$ADDRESS_FILTER" || failed+=(address)
    if [ "${#failed[@]}" -gt 0 ]; then
      echo "sanitizers: failed: ${failed[*]}" >&2
      exit 1
    fi
    ;;
  -h | --help) sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//' ;;
  *) echo "test-sanitizers.sh: thread, address or nothing (both)" >&2; exit 2 ;;
esac
