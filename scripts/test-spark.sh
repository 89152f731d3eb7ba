#!/usr/bin/env bash
# The PySpark integration (integrations/spark) against a real Spark: local[2] and a local Spark Connect
# server, Java 17, pyspark[connect] from PyPI.
# Installs what it needs when missing (Java from Debian, a venv with pyspark, pyarrow, pandas and
# pytest under ${MLPACK_CACHE_DIR:-~/.cache/mlpack}/venvs/spark-<version>), pip-installs the package
# from the repo, and runs its pytest suite. Spark that cannot start is a failure, never a skip.
#
#   MLPACK_BIN         the mlpack binary (default: the release build)
#   MLPACK_MINILM_DIR  the real all-MiniLM-L6-v2 directory (default: scripts/fetch-model.sh)
#   extra arguments go to pytest (e.g. -k similarity)
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
pyspark_version=4.3.0

if ! command -v java >/dev/null 2>&1; then
  echo "installing Java 17 for Spark" >&2
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq openjdk-17-jre-headless >&2
fi

venv="${MLPACK_SPARK_VENV:-${MLPACK_CACHE_DIR:-$HOME/.cache/mlpack}/venvs/spark-$pyspark_version}"
if ! "$venv/bin/python" -c "import pyspark, pyarrow, pandas, pytest, grpc, zstandard, sys; sys.exit(pyspark.__version__ != '$pyspark_version')" 2>/dev/null; then
  echo "installing pyspark==$pyspark_version into $venv" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "pyspark[connect]==$pyspark_version" pyarrow "pandas>=2.2,<3" pytest >&2
fi
# The package as a user installs it: from the repo, not from the source tree on sys.path.
"$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps --force-reinstall "$root/integrations/spark" >&2

export MLPACK_BIN="${MLPACK_BIN:-$root/.build/release/mlpack}"
[ -x "$MLPACK_BIN" ] || { echo "no mlpack binary at $MLPACK_BIN (swift build -c release)" >&2; exit 1; }
export MLPACK_MINILM_DIR="${MLPACK_MINILM_DIR:-$(scripts/fetch-model.sh)}"
cd "$root/integrations/spark/tests"
# -p no:cacheprovider: no .pytest_cache in the repo; the package under test is the installed one.
exec "$venv/bin/python" -m pytest -p no:cacheprovider -q "$@"
