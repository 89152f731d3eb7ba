#!/usr/bin/env bash
# MLflow both ways for every encoder family mlpack runs (issue 15, part 5); not part of CI (it
# installs mlflow==3.17.2, sentence-transformers and a CPU torch into a venv, about 1 GB).
# For BERT, MPNet, DistilBERT, RoBERTa and XLM-RoBERTa (the tiny fixture models; RoBERTa and XLM-R
# also with their byte-level BPE / Unigram tokenizers): mlpack save → Python MLflow loads it with the
# same predictions, and MLflow save_model → mlpack validate / load / predict with the same embeddings
# (max |Δ| ≤ 1e-5); see scripts/check-mlflow-families.py.
#
#   scripts/check-mlflow-families.sh [--real-mpnet]   (--real-mpnet: also all-mpnet-base-v2, both ways)
#   VENV [~/.cache/mlpack/venvs/mlflow-3.17.2-st]   MLPACK_BIN [a release build]
#   MPNET_DIR [scripts/fetch-model.sh all-mpnet-base-v2]   ONLY [comma-separated family names]
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${VENV:-${MLPACK_CACHE_DIR:-$HOME/.cache/mlpack}/venvs/mlflow-3.17.2-st}"
if ! "$venv/bin/python" -c "import mlflow, sentence_transformers, sys; sys.exit(mlflow.__version__ != '3.17.2')" 2>/dev/null; then
  echo "installing mlflow==3.17.2 and sentence-transformers into $venv" >&2
  python3 -m venv "$venv"
  # A CPU-only torch wheel, when the machine provides one (pip's find-links), else PyPI's torch.
  torch_req="torch"
  if ls /opt/wheels/torch-*+cpu-*.whl >/dev/null 2>&1; then
    torch_req="torch==$(basename /opt/wheels/torch-*+cpu-*.whl | cut -d- -f2)"
  fi
  "$venv/bin/pip" install --quiet --disable-pip-version-check "$torch_req" mlflow==3.17.2 sentence-transformers >&2
fi
if [ -z "${MLPACK_BIN:-}" ]; then
  swift build -c release --product mlpack >&2
fi
bin="${MLPACK_BIN:-$(swift build -c release --show-bin-path)/mlpack}"
extra=()
if [ "${1:-}" = "--real-mpnet" ]; then
  extra+=(--real-mpnet "${MPNET_DIR:-$(scripts/fetch-model.sh all-mpnet-base-v2)}")
fi
if [ -n "${ONLY:-}" ]; then extra+=(--only "$ONLY"); fi
HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TQDM_DISABLE=1 HF_HUB_DISABLE_PROGRESS_BARS=1 MLFLOW_TRACKING_URI="file://$(mktemp -d)" \
  exec "$venv/bin/python" scripts/check-mlflow-families.py --mlpack "$bin" "${extra[@]}"
