#!/usr/bin/env bash
# Coverage-guided fuzzing of mlpack's parsers with libFuzzer (issue 14). Harnesses: Fuzz/<Name>/.
#
#   scripts/fuzz.sh NAME [SECONDS [RUNS]]  build, then fuzz one harness (default 600 s; stop
#                                    early after RUNS executions: issue 14's 1800 s or 10⁷)
#   scripts/fuzz.sh --smoke [SECONDS] build, then fuzz every harness SECONDS each (default 30; CI)
#   scripts/fuzz.sh --build          build every harness only
#   scripts/fuzz.sh --list           the harness names
#
# The build: every module with AddressSanitizer and libFuzzer's coverage (edges, comparisons,
# 8-bit counters, PC table), the harness compiled with -DFUZZING, libFuzzer's driver linked from
# clang's libclang_rt.fuzzer_no_main (not `-sanitize=fuzzer`, whose own `main` collides with the
# `main` SwiftPM links to every executable's `<module>_main`; the harness's `<module>_main` calls
# LLVMFuzzerRunDriver). Its own scratch path, .build-fuzz (the first build is a full build).
#
# A run reads the committed corpus Fuzz/corpus/NAME (never written) and writes what it finds to
# $FUZZ_OUT/NAME/corpus, crashes, hangs (> 1 s) and out-of-memory inputs (> 512 MB) to
# $FUZZ_OUT/NAME/crashes (FUZZ_OUT defaults to .build-fuzz/runs). libFuzzer's final statistics
# (executions, cov = edges, ft = features) end $FUZZ_OUT/NAME/log. Exit status: non-zero when an
# input failed. A failing input replays in a normal build: .build/release/NAME FILE.
# FUZZ_NO_BUILD=1 skips the build (to run two harnesses at once after one --build: SwiftPM locks
# its scratch path).
set -euo pipefail
cd "$(dirname "$0")/.."

# The CI smoke runs every harness.
HARNESSES=(FuzzMLmodel FuzzJSON FuzzSignature FuzzRequest FuzzCSV FuzzSafeTensors FuzzTokenizer FuzzUnpack
  FuzzInputExample FuzzVocab FuzzModelConfig FuzzHTTP)
SCRATCH=.build-fuzz
OUT="${FUZZ_OUT:-$SCRATCH/runs}"

dictionary() {
  case "$1" in
    FuzzMLmodel) echo Fuzz/dict/yaml.dict ;;
    FuzzJSON | FuzzSignature | FuzzRequest | FuzzTokenizer | FuzzSafeTensors | FuzzInputExample | FuzzModelConfig | FuzzHTTP)
      echo Fuzz/dict/json.dict ;;
    *) echo "" ;;
  esac
}

runtime() {
  local swiftc lib
  swiftc="$(command -v swiftc)"
  lib="$(ls "$(dirname "$(dirname "$swiftc")")"/lib/clang/*/lib/linux/libclang_rt.fuzzer_no_main-"$(uname -m)".a 2>/dev/null | head -1)"
  if [ -z "$lib" ]; then
    echo "fuzz.sh: libclang_rt.fuzzer_no_main not found next to $swiftc" >&2
    exit 2
  fi
  echo "$lib"
}

build() {
  [ "${FUZZ_NO_BUILD:-0}" = 1 ] && return 0
  local lib
  lib="$(runtime)"
  for name in "$@"; do
    swift build -c release --scratch-path "$SCRATCH" --product "$name" \
      -Xswiftc -sanitize=address \
      -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table \
      -Xswiftc -parse-as-library -Xswiftc -DFUZZING \
      -Xlinker --whole-archive -Xlinker "$lib" -Xlinker --no-whole-archive -Xlinker -lstdc++
  done
}

known() {
  local name
  for name in "${HARNESSES[@]}"; do [ "$name" = "$1" ] && return 0; done
  echo "fuzz.sh: unknown harness $1 (one of: ${HARNESSES[*]})" >&2
  exit 2
}

# run NAME SECONDS [RUNS]: fuzz one harness; prints its final statistics.
run() {
  local name="$1" seconds="$2" runs="${3:--1}" dict status
  local dir="$OUT/$name"
  mkdir -p "$dir/corpus" "$dir/crashes"
  dict="$(dictionary "$name")"
  set +e
  # The Swift runtime's backtracer would print its own report of a crash before ASan's; libFuzzer's
  # is the one that names the input. Leaks are not checked: the Swift runtime's caches look like leaks.
  SWIFT_BACKTRACE=enable=no ASAN_OPTIONS="detect_leaks=0:allocator_may_return_null=1" \
    "$SCRATCH/release/$name" "$dir/corpus" "Fuzz/corpus/$name" \
    -max_total_time="$seconds" -runs="$runs" -timeout=1 -rss_limit_mb=512 -malloc_limit_mb=512 \
    -artifact_prefix="$dir/crashes/" -print_final_stats=1 ${dict:+-dict="$dict"} \
    > "$dir/log" 2>&1
  status=$?
  set -e
  local final
  final="$(grep -E '^#[0-9]+.*(DONE|INITED|NEW|REDUCE|pulse)' "$dir/log" | tail -1 || true)"
  local execs
  execs="$(grep -E '^stat::number_of_executed_units' "$dir/log" | awk '{print $2}' || true)"
  echo "$name: status $status, executions ${execs:-?}, ${final:-no statistics} (log: $dir/log)"
  if [ "$status" != 0 ]; then
    grep -E 'ERROR|Fatal error|deadly signal|Test unit written' "$dir/log" | head -5 >&2 || true
  fi
  return "$status"
}

case "${1:-}" in
  --list) printf '%s\n' "${HARNESSES[@]}" ;;
  --build) build "${HARNESSES[@]}" ;;
  --smoke)
    seconds="${2:-30}"
    build "${HARNESSES[@]}"
    failed=()
    for name in "${HARNESSES[@]}"; do run "$name" "$seconds" || failed+=("$name"); done
    if [ "${#failed[@]}" -gt 0 ]; then
      echo "fuzz smoke: failed: ${failed[*]}" >&2
      exit 1
    fi
    echo "fuzz smoke: ${#HARNESSES[@]} harnesses, $seconds s each, no failure"
    ;;
  "" | -h | --help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; [ -n "${1:-}" ] ;;
  *)
    known "$1"
    build "$1"
    run "$1" "${2:-600}" "${3:--1}"
    ;;
esac
