#!/usr/bin/env bash
# Benchmark: mlpack's native encoder (Float32 and int8) vs sentence-transformers (torch, CPU) vs ONNX
# Runtime (exported, fused, fused + int8) on fixtures/embeddings/bench_sentences.txt, 2 threads; their
# quality against sentence-transformers on the fixture texts; `mlpack predict` end to end. Installs the Python baselines into its own venv
# (bench/.venv), builds the release `mlpack-bench` driver, and prints figures and ratios.
#
#   bench/run.sh [--model-name all-MiniLM-L6-v2 | all-mpnet-base-v2] [--quick]
#     --quick: 400 sentences instead of 2,000
#     --model-name: the model, fetched by scripts/fetch-model.sh (default all-MiniLM-L6-v2); quality is
#       measured against its fixture reference (fixtures/embeddings/embeddings.npy for MiniLM,
#       fixtures/embeddings/all-mpnet-base-v2/embeddings.npy for MPNet)
set -euo pipefail
cd "$(dirname "$0")/.."
model_name=all-MiniLM-L6-v2
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --model-name) model_name="${2:?--model-name needs a value}"; shift 2 ;;
    --model-name=*) model_name="${1#*=}"; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
case "$model_name" in
  all-MiniLM-L6-v2) reference=fixtures/embeddings/embeddings.npy ;;
  all-mpnet-base-v2) reference=fixtures/embeddings/all-mpnet-base-v2/embeddings.npy ;;
  *) echo "error: --model-name $model_name: expected all-MiniLM-L6-v2 or all-mpnet-base-v2 (the models with a fixture reference)" >&2; exit 2 ;;
esac
venv=bench/.venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import sentence_transformers, onnxruntime, onnx" 2>/dev/null; then
  python3 -m venv "$venv"
  # A CPU-only torch wheel, when the machine provides one (pip's find-links), else PyPI's torch.
  torch_req="torch"
  if ls /opt/wheels/torch-*+cpu-*.whl >/dev/null 2>&1; then
    torch_req="torch==$(basename /opt/wheels/torch-*+cpu-*.whl | cut -d- -f2)"
  fi
  "$venv/bin/pip" install --quiet --disable-pip-version-check "$torch_req" sentence-transformers onnxruntime onnx >&2
fi
swift build -c release --product mlpack-bench >&2
swift build -c release --product mlpack >&2
model="$(scripts/fetch-model.sh "$model_name")"
exec "$venv/bin/python" bench/bench.py --model "$model" --model-name "$model_name" --mlpack-bench .build/release/mlpack-bench \
  --mlpack .build/release/mlpack --sentences fixtures/embeddings/bench_sentences.txt \
  --cases fixtures/embeddings/embedding_cases.jsonl --reference "$reference" ${args[@]+"${args[@]}"}
