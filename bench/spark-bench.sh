#!/usr/bin/env bash
# PySpark local[2] benchmark: mlpack_spark vs mlflow.pyfunc.spark_udf(env_manager="local") vs
# standalone `mlpack predict --threads 2`, 2,000 sentence pairs in 4 partitions, the tutorial's
# similarity model on the real all-MiniLM-L6-v2 (saved by mlpack; MLflow loads its python_function
# block). Prints rows/s, time to first row, peak RSS of the process tree, and the ratios.
#
#   MLPACK_BIN   the mlpack binary (default: the release build)
#   ROWS, PARTITIONS, REPEATS   (defaults 2000, 4, 3)
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
venv="${MLPACK_SPARK_BENCH_VENV:-${MLPACK_CACHE_DIR:-$HOME/.cache/mlpack}/venvs/spark-bench}"
if ! "$venv/bin/python" -c "import pyspark, mlflow, sentence_transformers, torch, pyarrow" 2>/dev/null; then
  python3 -m venv "$venv"
  torch_req="torch"
  if ls /opt/wheels/torch-*+cpu-*.whl >/dev/null 2>&1; then torch_req="$(ls /opt/wheels/torch-*+cpu-*.whl | head -1)"; fi
  "$venv/bin/pip" install --quiet --disable-pip-version-check "$torch_req" sentence-transformers mlflow==3.17.2 \
    pyspark==4.3.0 pyarrow "pandas>=2.2,<3" >&2
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps --force-reinstall "$root/integrations/spark" >&2
bin="${MLPACK_BIN:-$root/.build/release/mlpack}"
[ -x "$bin" ] || swift build -c release --product mlpack >&2
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$bin" save --flavor similarity --source "$(scripts/fetch-model.sh)" -o "$work/similarity" >/dev/null
"$bin" pack "$work/similarity" -o "$work/similarity.mlpack" >/dev/null
exec "$venv/bin/python" bench/spark_bench.py --model-dir "$work/similarity" --archive "$work/similarity.mlpack" \
  --mlpack "$bin" --sentences fixtures/embeddings/bench_sentences.txt \
  --rows "${ROWS:-2000}" --partitions "${PARTITIONS:-4}" --repeats "${REPEATS:-3}" "$@"
