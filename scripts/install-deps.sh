#!/usr/bin/env bash
# Installs the Debian packages mlpack builds against, and those its test scripts run (HAProxy and
# wrk: scripts/rolling-restart.sh), when they are missing.
set -euo pipefail
# time: GNU time, whose %M is the peak RSS the resource-bomb tests measure.
needed=(libyaml-dev libzip-dev libopenblas-dev libsqlite3-dev pkg-config haproxy wrk time)
missing=()
for p in "${needed[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >&2
fi
