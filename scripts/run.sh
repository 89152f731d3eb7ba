#!/usr/bin/env bash
# Sets up a fresh machine (Debian packages, the real model, a release build) and runs mlpack's
# main job: validate every bundled MLflow fixture model.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
export MLPACK_MINILM_DIR="$(scripts/fetch-model.sh)"
swift build -c release --product mlpack
bin="$(swift build -c release --show-bin-path)/mlpack"
"$bin" --version
status=0
for dir in fixtures/mlflow/models/*/; do
  "$bin" validate "$dir" || status=1
done
exit $status
