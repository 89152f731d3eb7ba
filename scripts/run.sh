#!/usr/bin/env bash
# Sets up a fresh machine (Debian packages, the real model, a release build) and runs mlpack's
# main job: the MLflow semantic-similarity tutorial, natively, start to end.
#   save the similarity model (tutorial input example) and log it into experiment "Similarity" of
#   MLflow 3's default local store (sqlite:///mlflow.db, files under ./mlruns, in the demo directory)
#   -> load it back by the printed models:/m-... URI -> score the tutorial's three pairs by that URI
#   -> pack it into one archive -> validate the archive -> predict straight from the archive.
# Output goes to ${MLPACK_DEMO_DIR:-./.mlpack-demo}.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
model_dir="$(scripts/fetch-model.sh)"
export MLPACK_MINILM_DIR="$model_dir"
swift build -c release --product mlpack
bin="$(swift build -c release --show-bin-path)/mlpack"
demo="${MLPACK_DEMO_DIR:-.mlpack-demo}"
rm -rf "$demo"
mkdir -p "$demo"

repo="$(pwd)"
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
cd "$demo"
# The tutorial's mlflow.set_experiment / log_model write into MLflow's default local store here.
unset MLFLOW_TRACKING_URI
export MLPACK_CACHE_DIR="${MLPACK_CACHE_DIR:-$PWD/cache}"

echo "== mlpack $("$bin" --version)"
echo "== log: the tutorial's SimilarityModel over all-MiniLM-L6-v2 into experiment Similarity (sqlite:///mlflow.db)"
uris="$("$bin" log --experiment Similarity --name similarity --flavor similarity --source "$model_dir" \
  --input-example "$repo/fixtures/tutorial/input_example.json")"
echo "$uris"
model_uri="$(echo "$uris" | head -1)"
echo "== load it back by its URI ($model_uri)"
"$bin" load "$model_uri"
echo "== predict by URI: apples/oranges, rainforest/installer, pyramids/pyramids"
"$bin" predict -m "$model_uri" -i "$repo/fixtures/tutorial/pairs.json"
echo "== the experiment's models"
"$bin" models list --experiment Similarity
echo "== pack"
"$bin" pack "$model_uri" -o similarity.zip
echo "== validate the archive"
"$bin" validate --quiet similarity.zip
echo "== predict from the archive, streaming JSON Lines"
"$bin" predict -m similarity.zip --content-type jsonl -i "$repo/fixtures/tutorial/pairs.jsonl"
