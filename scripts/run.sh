#!/usr/bin/env bash
# Sets up a fresh machine (Debian packages, the real model, a release build) and runs mlpack's
# main job: the MLflow semantic-similarity tutorial, natively.
#   save the similarity model (tutorial input example) -> load it -> score the tutorial's three
#   pairs -> pack it into one archive -> validate the archive -> predict straight from the archive.
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

echo "== mlpack $("$bin" --version)"
echo "== save: the tutorial's SimilarityModel over all-MiniLM-L6-v2"
"$bin" save --flavor similarity --source "$model_dir" -o "$demo/similarity" \
  --input-example fixtures/tutorial/input_example.json
echo "== load"
"$bin" load "$demo/similarity"
echo "== predict: apples/oranges, rainforest/installer, pyramids/pyramids"
"$bin" predict -m "$demo/similarity" -i fixtures/tutorial/pairs.json
echo "== pack"
"$bin" pack "$demo/similarity" -o "$demo/similarity.zip"
echo "== validate the archive"
"$bin" validate --quiet "$demo/similarity.zip"
echo "== predict from the archive, streaming JSON Lines"
"$bin" predict -m "$demo/similarity.zip" --content-type jsonl -i fixtures/tutorial/pairs.jsonl
