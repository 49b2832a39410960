#!/usr/bin/env bash
# Install the Debian packages SOP Studio needs, when running as root and they are missing.
# Usage: scripts/ensure-system.sh [run|test]
set -euo pipefail
profile="${1:-run}"
packages=(graphviz librsvg2-bin poppler-utils fonts-dejavu-core fonts-noto-cjk
          libcairo2 libpango-1.0-0 libpangoft2-1.0-0 libffi-dev python3-venv make)
if [ "$profile" = "test" ]; then
  packages+=(chromium qpdf postgresql redis-server nodejs npm)
fi
missing=()
for pkg in "${packages[@]}"; do
  if [ "$pkg" = nodejs ] || [ "$pkg" = npm ]; then
    command -v "${pkg/nodejs/node}" >/dev/null 2>&1 && continue
  fi
  if [ "$pkg" = postgresql ] && command -v pg_ctlcluster >/dev/null 2>&1; then continue; fi
  if [ "$pkg" = redis-server ] && command -v redis-server >/dev/null 2>&1; then continue; fi
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: ${missing[*]} (run as root, or install them: apt-get install ${missing[*]})" >&2
  [ "$profile" = "test" ] && exit 1
  exit 0
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
