#!/usr/bin/env bash
# Two-way compatibility check against the real Python MLflow (not part of CI: it installs
# mlflow==3.17.2 and sentence-transformers with torch into a venv, several GB).
# Saves a similarity and a sentence_transformers model with mlpack, loads both with
# `mlflow.pyfunc.load_model`, and compares MLflow's predictions with mlpack's.
#   VENV [bench/.venv]   MLPACK_BIN [a release build]
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${VENV:-bench/.venv}"
if ! "$venv/bin/python" -c "import mlflow, sentence_transformers" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check mlflow==3.17.2 sentence-transformers >&2
fi
if [ -z "${MLPACK_BIN:-}" ]; then
  swift build -c release --product mlpack >&2
fi
bin="${MLPACK_BIN:-$(swift build -c release --show-bin-path)/mlpack}"
model="$(scripts/fetch-model.sh)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$bin" save --flavor similarity --source "$model" -o "$work/sim" --input-example fixtures/tutorial/input_example.json >&2
echo '["I like apples", "I like oranges"]' > "$work/ex.json"
"$bin" save --flavor sentence_transformers --source "$model" -o "$work/st" --input-example "$work/ex.json" >&2
"$bin" predict -m "$work/sim" -i fixtures/tutorial/pairs.json > "$work/sim.mlpack.json"
echo '{"inputs": ["I like apples", "I like oranges"]}' | "$bin" predict -m "$work/st" > "$work/st.mlpack.json"
HF_HUB_OFFLINE=1 "$venv/bin/python" - "$work" <<'PY'
import json, sys
import numpy as np, pandas as pd, mlflow
work = sys.argv[1]
pairs = json.load(open("fixtures/tutorial/pairs.json"))["dataframe_split"]
sim = mlflow.pyfunc.load_model(f"{work}/sim")
ours = np.array(json.load(open(f"{work}/sim.mlpack.json"))["predictions"])
theirs = sim.predict(pd.DataFrame(pairs["data"], columns=pairs["columns"]))
print("similarity: MLflow", theirs.ravel().tolist(), "mlpack", ours.ravel().tolist(), "max |Δ|", float(np.abs(theirs - ours).max()))
st = mlflow.pyfunc.load_model(f"{work}/st")
ours = np.array(json.load(open(f"{work}/st.mlpack.json"))["predictions"])
theirs = st.predict(["I like apples", "I like oranges"])
delta = float(np.abs(theirs - ours).max())
print("sentence_transformers: shape", theirs.shape, "max |Δ|", delta)
assert delta < 1e-5 and float(np.abs(sim.predict(pd.DataFrame(pairs["data"], columns=pairs["columns"])) - np.array(json.load(open(f"{work}/sim.mlpack.json"))["predictions"])).max()) < 1e-5
print("ok: Python MLflow loads what mlpack writes, with the same predictions")
PY
