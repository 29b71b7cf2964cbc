#!/usr/bin/env bash
# Builds the pinned actionlint (the GitHub Actions workflow linter) from the Go module proxy into the
# toolchain cache, and makes sure shellcheck is there for it to lint every `run:` script.
# Idempotent: an installed binary of the pinned version is kept; any other version is rebuilt.
#
#   bash scripts/actionlint.sh            # install if needed, print the path of the binary
#   AZORA_TOOLCHAIN_DIR=/elsewhere bash scripts/actionlint.sh
set -euo pipefail

# Tagged versions only: the module proxy serves tags; raw commit hashes are not reachable here.
# renovate: datasource=go depName=github.com/rhysd/actionlint
ACTIONLINT_VERSION="v1.7.12"
module="github.com/rhysd/actionlint/cmd/actionlint"
TOOLCHAIN_DIR="${AZORA_TOOLCHAIN_DIR:-$HOME/.cache/azora-platform/toolchain}"
bin="$TOOLCHAIN_DIR/bin/actionlint"
# go_env (the Go settings) and reports (the version check) of scripts/toolchain.sh.
# shellcheck source=SCRIPTDIR/lib/go-build.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/go-build.sh"

fail() { echo "actionlint: $*" >&2; exit 1; }

installed_version() { "$bin" -version 2>/dev/null | head -1 || true; }

ensure_shellcheck() {
  command -v shellcheck >/dev/null && return 0
  # actionlint runs shellcheck on every `run:` block when it is on PATH; without it those checks
  # would silently vanish, so the linter is incomplete rather than passing quietly.
  [ "$(id -u)" -eq 0 ] || fail "shellcheck missing — run: sudo apt-get install -y shellcheck"
  echo "actionlint: installing Debian package shellcheck" >&2
  export DEBIAN_FRONTEND=noninteractive
  { apt-get install -y -qq --no-install-recommends shellcheck >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq --no-install-recommends shellcheck >/dev/null 2>&1; }; } \
    || fail "apt-get install shellcheck failed — check the Debian mirror and retry"
}

ensure_shellcheck

if reports "$bin" "$ACTIONLINT_VERSION" -version; then
  echo "$bin"
  exit 0
fi

command -v go >/dev/null || fail "go not on PATH — install Go (the Pulumi toolchain needs it too) and retry"
mkdir -p "$TOOLCHAIN_DIR/bin"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
started=$(date +%s)
# The Go settings of scripts/toolchain.sh: the module proxy only (no VCS fallback, which would turn a
# refusal into a hang), a module cache inside the toolchain cache, never another Go toolchain. Not its
# wrapper-module settings: `go install` of a tagged module needs no -mod=mod, and keeps checksum verification.
go_env
if ! GOBIN="$TOOLCHAIN_DIR/bin" \
  go install -trimpath -ldflags="-s -w" "$module@$ACTIONLINT_VERSION" >"$log" 2>&1; then
  fail "go install $module@$ACTIONLINT_VERSION failed: $(grep -m1 -v '^go: downloading' "$log" || echo 'no output') (GOPROXY=$GOPROXY)"
fi
got="$(installed_version)"
[ "$got" = "$ACTIONLINT_VERSION" ] || fail "built $bin but it reports version '${got:-nothing}', expected $ACTIONLINT_VERSION"
echo "actionlint: built $ACTIONLINT_VERSION into $TOOLCHAIN_DIR/bin in $(( $(date +%s) - started ))s" >&2
echo "$bin"
