#!/usr/bin/env bash
# Crash safety of mlpack's writes: `save`, `pack`, `unpack`, `log` (local SQLite store) and
# `predict -o`, each run 50 times and killed with SIGKILL at a random moment within its normal
# duration. Afterwards every target is absent, old, or complete and valid; the database passes
# PRAGMA integrity_check; the temporaries the kills left are gone after the next successful run
# (see docs/limits.md, "Crash-safe writes"). The work is in scripts/crash_safety.py.
#
# MLPACK_BIN: the binary to test (default: the release build, built here when missing).
# Two passes: the tiny BERT fixture, then (when MLPACK_MINILM_DIR names it, as scripts/test.sh
# exports) the real 90 MB model, so kills land in the middle of large writes.
# CRASH_RUNS (default 50), CRASH_BIG_RUNS (the real model's, default CRASH_RUNS), CRASH_SEED
# (default 14), CRASH_MODEL (another directory for the first pass).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${MLPACK_BIN:-}" ]; then
  if [ ! -x .build/release/mlpack ]; then
    swift build -c release --product mlpack >&2
  fi
  MLPACK_BIN="$PWD/.build/release/mlpack"
fi
export MLPACK_BIN
exec python3 scripts/crash_safety.py
