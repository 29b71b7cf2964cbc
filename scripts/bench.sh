#!/usr/bin/env bash
# `make bench`: previews through the real engine (local stack vs its engine floor, synthetic catalogs,
# no-op after up), program evaluation under mocks, and deploys of the e2e stack on the local cluster
# beside their kubectl floors (one cluster at a time: not while the e2e suite runs), in one run; prints
# one table and writes it to bench-results/latest.md. Options are passed through to scripts/bench/run.ts, e.g.
#   bash scripts/bench.sh --runs 7 --heavy-runs 3 --sizes 10,50,200 --mock-services 1000
#   bash scripts/bench.sh --patch /tmp/fix.patch     # measure a proposed change in the copies only
#   bash scripts/bench.sh --profile                  # also a CPU profile of the program's node process
#   bash scripts/bench.sh --deploys-only             # just the deploy rows (--skip-deploys: all but them)
set -euo pipefail
cd "$(dirname "$0")/.."
toolchain="${AZORA_TOOLCHAIN_DIR:-$HOME/.cache/azora-platform/toolchain}"
export PATH="$toolchain/bin:$PWD/node_modules/.bin:$PATH"
export PULUMI_HOME="${PULUMI_HOME:-$toolchain/pulumi-home}"
export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true PULUMI_NODEJS_TRANSPILE_ONLY=true
command -v pulumi >/dev/null || { echo "bench: pulumi not on PATH — run 'make toolchain'" >&2; exit 1; }
[ -x node_modules/.bin/vite-node ] || { echo "bench: node_modules missing — run 'make deps'" >&2; exit 1; }
echo "bench: $(uptime | sed 's/^ *//')" >&2
exec vite-node scripts/bench/run.ts -- "$@"
