#!/usr/bin/env bash
# promtool and amtool check the alert rules and the Alertmanager config for real; shellcheck
# checks the workflows' run steps through actionlint.
set -euo pipefail
if command -v promtool >/dev/null && command -v amtool >/dev/null && command -v shellcheck >/dev/null; then
  echo "tools: $(promtool --version 2>&1 | head -1); $(amtool --version 2>&1 | head -1)"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "tools: promtool/amtool/shellcheck missing — run: sudo apt-get install -y prometheus prometheus-alertmanager shellcheck" >&2
  exit 1
fi
echo "tools: installing Debian packages prometheus, prometheus-alertmanager and shellcheck"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends prometheus prometheus-alertmanager shellcheck >/dev/null \
  || { echo "tools: apt-get install prometheus prometheus-alertmanager shellcheck failed — check the Debian mirror and retry" >&2; exit 1; }
# The packages start daemons on install where an init system runs; the tests need only the CLIs.
for svc in prometheus prometheus-alertmanager prometheus-node-exporter; do
  (service "$svc" stop || true) >/dev/null 2>&1
done
echo "tools: $(promtool --version 2>&1 | head -1); $(amtool --version 2>&1 | head -1)"
