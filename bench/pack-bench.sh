#!/usr/bin/env bash
# Times mlpack's pack / unpack / verify of the real all-MiniLM-L6-v2 model (as an MLflow
# sentence_transformers model directory, ~91 MB) against `zip -r` + `sha256sum` on the same files,
# and prints times, ratios (target: mlpack within 1.2x of the baseline) and archive sizes.
#
#   RUNS=5 bench/pack-bench.sh        # best and median of RUNS runs each (default 5)
#   MLPACK=path/to/mlpack             # time `mlpack pack|unpack|validate` instead of bench/PackBench
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
runs="${RUNS:-5}"

if ! command -v zip >/dev/null || ! command -v unzip >/dev/null; then
  echo "installing zip/unzip from Debian" >&2
  apt-get install -y -qq zip unzip >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq zip unzip >/dev/null; }
fi

weights_dir="$(scripts/fetch-model.sh)"
work="$(mktemp -d "${TMPDIR:-/tmp}/mlpack-pack-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# The MLflow model directory: the fixture's MLmodel and env files, the real weights directory.
model="$work/model"
cp -r fixtures/mlflow/models/a_st_default "$model"
rm -f "$model"/model.sentence_transformer/*.REMOVED.txt
cp -r "$weights_dir"/* "$model/model.sentence_transformer/"   # the glob leaves out .complete, .gitattributes
files=$(find "$model" -type f | wc -l)
bytes=$(du -sb "$model" | cut -f1)

if [ -n "${MLPACK:-}" ]; then
  pack()   { "$MLPACK" pack "$1" -o "$2" --force >/dev/null; }
  unpack() { "$MLPACK" unpack "$1" -o "$2" --force >/dev/null; }
  verify() { "$MLPACK" validate "$1" >/dev/null; }
  tool="$MLPACK"
else
  swift build -c release --package-path bench/PackBench >&2
  tool="$(swift build -c release --package-path bench/PackBench --show-bin-path)/pack-bench"
  pack()   { "$tool" pack "$1" "$2" >/dev/null; }
  unpack() { "$tool" unpack "$1" "$2" >/dev/null; }
  verify() { "$tool" verify "$1" >/dev/null; }
fi

# Baselines: zip -r (deflate everything, its default) then sha256sum of every file; unzip then
# sha256sum -c; unzip -t (CRC check) then sha256sum of the extracted files for verify.
base_pack()   { (cd "$model" && rm -f "$work/base.zip" && zip -qr "$work/base.zip" . \
                 && find . -type f -print0 | sort -z | xargs -0 sha256sum > "$work/base.sha256"); }
base_pack_store() { (cd "$model" && rm -f "$work/base-n.zip" && zip -qr -n .safetensors "$work/base-n.zip" . \
                 && find . -type f -print0 | sort -z | xargs -0 sha256sum > "$work/base.sha256"); }
base_unpack() { rm -rf "$work/base-out" && unzip -q "$work/base.zip" -d "$work/base-out" \
                 && (cd "$work/base-out" && sha256sum -c --quiet "$work/base.sha256"); }
base_verify() { unzip -tq "$work/base.zip" >/dev/null; }

# time_runs COMMAND...: runs the command RUNS times, prints "best median" seconds.
time_runs() {
  local samples=()
  for _ in $(seq "$runs"); do
    local t0 t1
    t0=$(date +%s.%N); "$@"; t1=$(date +%s.%N)
    samples+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.4f", b - a}')")
  done
  printf '%s\n' "${samples[@]}" | sort -g | awk '{a[NR]=$1} END {printf "%.3f %.3f\n", a[1], a[int((NR+1)/2)]}'
}

echo "model: $files files, $bytes bytes; $runs runs each (page cache warm); tool: $tool"
base_pack; pack "$model" "$work/ours.zip"   # warm-up, and the archives the other steps read
read -r bp bpm < <(time_runs base_pack)
read -r bn bnm < <(time_runs base_pack_store)
read -r op opm < <(time_runs pack "$model" "$work/ours.zip")
read -r bu bum < <(time_runs base_unpack)
read -r ou oum < <(time_runs unpack "$work/ours.zip" "$work/ours-out")
read -r bv bvm < <(time_runs base_verify)
read -r ov ovm < <(time_runs verify "$work/ours.zip")
diff -r "$model" "$work/ours-out" >/dev/null && echo "round trip: identical files" || { echo "round trip: FILES DIFFER"; exit 1; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
printf '%-34s %8s %8s %8s\n' "" "best s" "median s" "vs base"
printf '%-34s %8s %8s\n' "zip -r + sha256sum" "$bp" "$bpm"
printf '%-34s %8s %8s\n' "zip -r -n .safetensors + sha256sum" "$bn" "$bnm"
printf '%-34s %8s %8s %8s\n' "mlpack pack" "$op" "$opm" "$(ratio "$op" "$bp")x"
printf '%-34s %8s %8s\n' "unzip + sha256sum -c" "$bu" "$bum"
printf '%-34s %8s %8s %8s\n' "mlpack unpack (verifies all)" "$ou" "$oum" "$(ratio "$ou" "$bu")x"
printf '%-34s %8s %8s\n' "unzip -t (CRC only)" "$bv" "$bvm"
printf '%-34s %8s %8s %8s\n' "mlpack verify (CRC + SHA-256)" "$ov" "$ovm" "$(ratio "$ov" "$bv")x"
printf 'archive bytes: mlpack %s, zip -r %s, zip -r -n .safetensors %s (model %s)\n' \
  "$(stat -c %s "$work/ours.zip")" "$(stat -c %s "$work/base.zip")" "$(stat -c %s "$work/base-n.zip")" "$bytes"
