#!/usr/bin/env bash
# Checks the portable build (scripts/build-release.sh) where nothing of the build machine exists: a
# minimal Debian 12 root made by debootstrap (--variant=minbase: no Swift, no libyaml/libzip/OpenBLAS/
# SQLite, no Python), entered with chroot. Inside it, the unpacked tarball must: load every library
# (ldd finds all), save the similarity model from the tiny BERT fixture, predict the tutorial pairs
# with the same answer as the build machine, pack and validate the model, and log it into MLflow's
# local store and predict it back by models:/ URI.
#   scripts/check-release.sh [TARBALL]     (default: build one with scripts/build-release.sh)
# Needs root (debootstrap, chroot, mounting /proc). The root is cached in
# ${MLPACK_CACHE_DIR:-~/.cache/mlpack}/minroot-bookworm.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "check-release.sh needs root (debootstrap, chroot)" >&2; exit 2; }
tarball="${1:-$(scripts/build-release.sh)}"
cache="${MLPACK_CACHE_DIR:-$HOME/.cache/mlpack}"
root="$cache/minroot-bookworm"
if [ ! -x "$root/bin/sh" ] || [ ! -f "$root/.complete" ]; then
  command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >&2
  rm -rf "$root"
  debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >&2
  touch "$root/.complete"
fi
# Nothing mlpack needs may be in the root (else the check proves nothing).
for lib in libyaml-0.so.2 libzip.so.4 libopenblas.so.0 libsqlite3.so.0 libswiftCore.so libFoundation.so; do
  if find "$root/usr/lib" "$root/lib" -name "$lib*" 2>/dev/null | grep -q .; then
    echo "FAIL: the clean root already has $lib" >&2; exit 1
  fi
done
work="$root/tmp/mlpack-check"
rm -rf "$work" && mkdir -p "$work"
cleanup() { umount "$root/proc" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
mount -t proc proc "$root/proc"
tar -C "$work" -xzf "$tarball"
dir="$(basename "$(find "$work" -mindepth 1 -maxdepth 1 -type d -name 'mlpack-*' | head -1)")"
cp -R fixtures/embeddings/tiny-bert/model "$work/tiny-bert"
cp fixtures/tutorial/input_example.json fixtures/tutorial/pairs.json "$work/"
inside() { chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/bin:/bin LANG=C.UTF-8 /bin/sh -c "cd /tmp/mlpack-check && $1"; }
bin="/tmp/mlpack-check/$dir/bin/mlpack"

fails=0
check() { if [ "$1" = ok ]; then echo "ok: $2"; else echo "FAIL: $2"; fails=$((fails + 1)); fi; }
missing="$(inside "ldd $bin" | grep 'not found' || true)"
[ -z "$missing" ] && check ok "every shared library resolves in the clean root" || check fail "missing libraries: $missing"
version="$(inside "$bin --version" || true)"
[ -n "$version" ] && check ok "mlpack --version: $version" || check fail "mlpack --version did not run"
inside "$bin save --flavor similarity --source tiny-bert -o sim --input-example input_example.json >/dev/null" \
  && check ok "save --flavor similarity" || check fail "save"
inside "$bin predict -m sim -i pairs.json > inside.json" && check ok "predict" || check fail "predict"
# The same on the build machine (its own build: the answers must agree).
host_bin="$(swift build -c release --static-swift-stdlib --scratch-path .build-static --show-bin-path)/mlpack"
"$host_bin" predict -m "$work/sim" -i fixtures/tutorial/pairs.json > "$work/host.json"
cmp -s "$work/inside.json" "$work/host.json" && check ok "the clean root predicts exactly what the build machine does: $(cat "$work/host.json")" \
  || check fail "predictions differ: $(cat "$work/inside.json") vs $(cat "$work/host.json")"
inside "$bin pack sim -o sim.zip >/dev/null && $bin validate --quiet sim.zip >/dev/null" && check ok "pack + validate" || check fail "pack + validate"
uri="$(inside "$bin log --experiment Similarity --name similarity -m sim 2>/dev/null | head -1" || true)"
case "$uri" in models:/m-*) check ok "log into MLflow's local store: $uri" ;; *) check fail "log printed '$uri'" ;; esac
inside "$bin predict -m $uri -i pairs.json > by-uri.json" && cmp -s "$work/by-uri.json" "$work/host.json" \
  && check ok "predict -m $uri" || check fail "predict by URI"
size="$(du -h "$tarball" | cut -f1)"
echo "tarball $tarball ($size): $fails failure(s)"
[ "$fails" -eq 0 ]
