#!/usr/bin/env bash
# Installs shellcheck, which checks the scripts and, through actionlint, the workflows' run steps. (promtool, amtool,
# Prometheus and Alertmanager are built at the stack's image releases by scripts/observability.sh.)
set -euo pipefail
if command -v shellcheck >/dev/null; then
  echo "tools: $(shellcheck --version | sed -n 's/^version: /shellcheck /p')"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "tools: shellcheck missing — run: sudo apt-get install -y shellcheck" >&2
  exit 1
fi
echo "tools: installing the Debian package shellcheck"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends shellcheck >/dev/null \
  || { echo "tools: apt-get install shellcheck failed — check the Debian mirror and retry" >&2; exit 1; }
echo "tools: $(shellcheck --version | sed -n 's/^version: /shellcheck /p')"
