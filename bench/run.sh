#!/usr/bin/env bash
# Benchmark: mlpack's native encoder (Float32 and int8) vs sentence-transformers (torch, CPU) vs ONNX
# Runtime (exported, fused, fused + int8) on fixtures/embeddings/bench_sentences.txt, 2 threads; their
# quality against sentence-transformers on the fixture texts; `mlpack predict` end to end. Installs the Python baselines into its own venv
# (bench/.venv), builds the release `mlpack-bench` driver, and prints figures and ratios.
#
#   bench/run.sh [--quick]      (--quick: 400 sentences instead of 2,000)
set -euo pipefail
cd "$(dirname "$0")/.."
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
model="$(scripts/fetch-model.sh)"
exec "$venv/bin/python" bench/bench.py --model "$model" --mlpack-bench .build/release/mlpack-bench \
  --mlpack .build/release/mlpack --sentences fixtures/embeddings/bench_sentences.txt \
  --cases fixtures/embeddings/embedding_cases.jsonl --reference fixtures/embeddings/embeddings.npy "$@"
