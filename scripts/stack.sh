#!/usr/bin/env bash
# Selects a stack in the configured backend, creating it on first use. The local and e2e stacks use
# the passphrase secrets provider with their documented passphrases (throw-away targets only); other
# stacks take the passphrase (or another provider) from the environment, as CI's secret store supplies it.
set -euo pipefail
stack="${1:-}"
cd "$(dirname "$0")/.."
fail() { echo "stack: $*" >&2; exit 1; }
[ -n "$stack" ] || fail "no stack named — usage: scripts/stack.sh <local|e2e|dev|staging|prod>"
[ -f "Pulumi.$stack.yaml" ] || fail "unknown stack '$stack' — expected one of: $(printf '%s\n' Pulumi.*.yaml | sed -E 's/Pulumi\.(.*)\.yaml/\1/' | tr '\n' ' ')"
command -v pulumi >/dev/null || fail "pulumi not on PATH — run 'make toolchain' (or put the Pulumi CLI on PATH)"
if [ "$stack" = local ]; then
  export PULUMI_CONFIG_PASSPHRASE=azora-local
elif [ "$stack" = e2e ]; then
  export PULUMI_CONFIG_PASSPHRASE=azora-e2e
elif [ -z "${PULUMI_CONFIG_PASSPHRASE:-}${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ] && [[ "${PULUMI_BACKEND_URL:-}" == file://* ]]; then
  fail "stack '$stack' needs its secrets passphrase — export PULUMI_CONFIG_PASSPHRASE (from your secret store) and retry"
fi
if [[ "${PULUMI_BACKEND_URL:-}" == file://* ]]; then
  mkdir -p "${PULUMI_BACKEND_URL#file://}"
fi
if pulumi stack select "$stack" >/dev/null 2>&1; then
  echo "stack: $stack selected"
else
  pulumi stack init "$stack" --secrets-provider passphrase >/dev/null \
    || fail "could not create stack '$stack' in ${PULUMI_BACKEND_URL:-the current backend} — check the backend and passphrase"
  echo "stack: $stack created in ${PULUMI_BACKEND_URL:-the current backend}"
fi
