#!/usr/bin/env bash
# Makes sure Python MLflow 3.17.2 (the judge of mlpack's compatibility tests) is installed in its own
# venv, and prints the venv's python. ${MLPACK_MLFLOW_VENV:-~/.cache/mlpack/venvs/mlflow-3.17.2}.
set -euo pipefail
venv="${MLPACK_MLFLOW_VENV:-${MLPACK_CACHE_DIR:-$HOME/.cache/mlpack}/venvs/mlflow-3.17.2}"
if ! "$venv/bin/python" -c "import mlflow, sys; sys.exit(mlflow.__version__ != '3.17.2')" 2>/dev/null; then
  echo "installing mlflow==3.17.2 into $venv" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check mlflow==3.17.2 >&2
fi
echo "$venv/bin/python"
