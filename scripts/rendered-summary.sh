#!/usr/bin/env bash
# Prints where the local stack's manifests are and how many objects of each kind were written.
set -euo pipefail
dir="${1:-rendered/local}"
[ -d "$dir" ] || { echo "rendered: $dir does not exist — run 'make up'" >&2; exit 1; }
total=$(find "$dir" -name '*.yaml' | wc -l)
echo "rendered: $total objects written to $(cd "$dir" && pwd)"
find "$dir" -name '*.yaml' -exec grep -h '^kind:' {} + | sort | uniq -c | sort -rn | awk '{printf "  %4d %s\n", $1, $3}'
