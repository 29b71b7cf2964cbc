#!/usr/bin/env bash
# scripts/toolchain.sh — build the pinned Pulumi toolchain for azora-platform from
# the Go module proxy, into a cache outside the work tree.
#
#   bash scripts/toolchain.sh              build what is missing, verify, register plugins
#   bash scripts/toolchain.sh --print-env  print the export lines for the toolchain
#
# Cache: ${AZORA_TOOLCHAIN_DIR:-$HOME/.cache/azora-platform/toolchain}
#   bin/          pulumi, pulumi-language-nodejs, pulumi-resource-pulumi-nodejs, pulumi-analyzer-policy (on PATH)
#   plugins/      provider binaries as built
#   pulumi-home/  PULUMI_HOME, with the providers registered (the engine never downloads)
#   build/        generated wrapper modules;  logs/  one log per step
#   gomodcache/   the Go module cache the builds use
#
# Nothing here downloads a prebuilt binary: everything is compiled from module
# versions the Go module proxy serves. The proxy reachable from our machines is
# filtered (no VCS fallback, no sum.golang.org, some module versions refused), and
# the pins below are what it serves; see "Pins" for what each one is and why.
#
# Idempotent: each binary is checked against its pinned version (`pulumi version`,
# the provider's build info) and rebuilt only when missing or different. Binaries are
# built to a temporary name, verified, then moved into place.

# The whole script is one { ... } block, so bash parses it completely before running:
# editing this file while a build is running cannot change what that run executes.
{

set -Eeuo pipefail

# --------------------------------------------------------------------------- pins

# Pulumi CLI: github.com/pulumi/pulumi/pkg/v3, tag pkg/v3.220.0. The last release that runs
# Node.js policy packs through the `pulumi-analyzer-policy` script (shipped in the sdk/v3 module)
# rather than through the language host's RunPlugin: the only language host we can build
# (below) predates RunPlugin, so a newer CLI cannot start `--policy-pack policies` at all.
# renovate: datasource=go depName=github.com/pulumi/pulumi/pkg/v3
PULUMI_VERSION=v3.220.0

# Node.js language host. Its own module
# (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) is never tagged
# and the proxy serves none of its pseudo-versions, so we build the last release in
# which the host still lived inside the sdk/v3 module (sdk/v3 v3.68.0, 2023; it moved
# out in v3.69.0). It runs TypeScript programs with today's @pulumi/pulumi (checked with
# 3.248.0 and 3.259.0), but it predates later language-host features: with a CLI from 3.221
# on, Node policy packs (`pulumi preview --policy-pack`) fail with "could not read plugin ...:
# not supported" (hence the CLI pin above);
# Pulumi.yaml runtime options (typescript, tsconfig, nodeargs, packagemanager) are not
# seen (defaults apply: TypeScript via ts-node, npm); codegen-backed commands for
# Node.js (`pulumi convert`, `pulumi package add/gen-sdk`) are not implemented by it.
# renovate: datasource=go depName=github.com/pulumi/pulumi/sdk/v3
LANGHOST_SDK_VERSION=v3.68.0

# pulumi-resource-kubernetes: github.com/pulumi/pulumi-kubernetes/provider/v4 has no
# tags; the only pseudo-version the proxy serves is commit f47bc2d6f199
# (2026-01-15), the day before sdk/v4.25.0 (144dd813d53e). Its schema has exactly
# the resource set of @pulumi/kubernetes 4.25.0, so it is registered as 4.25.0 with
# build metadata naming the commit; the engine matches 4.25.0 to it (semver equality
# ignores build metadata). Go SDK (the provider imports its yaml package): the tag
# its go.mod requires.
K8S_PROVIDER_MODULE=github.com/pulumi/pulumi-kubernetes/provider/v4
K8S_PROVIDER_MODULE_VERSION=v4.0.0-20260115033456-f47bc2d6f199
# renovate: datasource=go depName=github.com/pulumi/pulumi-kubernetes/sdk/v4
K8S_SDK_MODULE_VERSION=v4.24.0
K8S_PLUGIN_VERSION=4.25.0+git.f47bc2d6f199

# pulumi-resource-random: no version of github.com/pulumi/pulumi-random/provider/v4
# is served either. We assemble the provider from the same parts upstream uses: the
# Terraform random provider (the pseudo-version the proxy serves from before the
# 4.21.x releases) bridged with pulumi-terraform-bridge, using the token mapping of
# @pulumi/random (scripts/toolchain/random/). Registered as 4.21.1 with build metadata
# saying it is this rebuild, so @pulumi/random 4.21.1 binds to it.
TF_RANDOM_MODULE_VERSION=v1.3.2-0.20260513075824-f8d869dc98d9
# renovate: datasource=go depName=github.com/pulumi/pulumi-terraform-bridge/v3
TF_BRIDGE_VERSION=v3.127.0
RANDOM_PLUGIN_VERSION=4.21.1+azora.tfrandom.f8d869dc98d9

# ------------------------------------------------------------------------ layout

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TEMPLATES="$SCRIPT_DIR/toolchain"
TOOLCHAIN_DIR="${AZORA_TOOLCHAIN_DIR:-$HOME/.cache/azora-platform/toolchain}"
BIN="$TOOLCHAIN_DIR/bin"
PLUGINS="$TOOLCHAIN_DIR/plugins"
BUILD="$TOOLCHAIN_DIR/build"
LOGS="$TOOLCHAIN_DIR/logs"
export PULUMI_HOME="$TOOLCHAIN_DIR/pulumi-home"

print_env() {
	cat <<EOF
export PATH="$BIN:\$PATH"
export PULUMI_HOME="$PULUMI_HOME"
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
EOF
}

if [[ "${1:-}" == "--print-env" ]]; then
	print_env
	exit 0
elif [[ $# -gt 0 ]]; then
	echo "usage: bash scripts/toolchain.sh [--print-env]" >&2
	exit 2
fi

# ---------------------------------------------------------------------- helpers

# Steps and failures, Go settings, module downloads, version checks: scripts/lib/go-build.sh.
# shellcheck source=SCRIPTDIR/lib/go-build.sh
source "$SCRIPT_DIR/lib/go-build.sh"
SCRIPT_NAME=toolchain
init_steps "re-run bash scripts/toolchain.sh"
go_env_wrapper_modules
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true

# ------------------------------------------------------------------- preflight

# shellcheck disable=SC2119 # nothing to add to "need Go ≥1.26"
require_go
command -v node >/dev/null 2>&1 || die "node not found (needed to write the random provider's embedded schema)" \
	"install Node.js ≥20.19 and put it on PATH"

mkdir -p "$BIN" "$PLUGINS" "$BUILD" "$LOGS" "$PULUMI_HOME" ||
	die "cannot create $TOOLCHAIN_DIR" "set AZORA_TOOLCHAIN_DIR to a writable directory"
log "cache: $TOOLCHAIN_DIR"

# ------------------------------------------------------------------ pulumi CLI

build_pulumi() {
	local w="$BUILD/pulumi"
	build_step pulumi "$w" "building pulumi $PULUMI_VERSION (github.com/pulumi/pulumi/pkg/v3; several minutes cold)"
	cat >"$w/go.mod" <<EOF
// Generated by scripts/toolchain.sh: builds pulumi from pkg/v3 $PULUMI_VERSION.
module azora.local/toolchain/pulumi

go 1.25

require (
	github.com/pulumi/pulumi/pkg/v3 $PULUMI_VERSION
	github.com/pulumi/pulumi/sdk/v3 $PULUMI_VERSION
)
EOF
	# pkg/v3's own go.mod replaces sdk/v3 with ../sdk (the same tag, so the require above
	# covers it) and github.com/atotto/clipboard with a fork; copy the latter kind.
	copy_replaces github.com/pulumi/pulumi/pkg/v3 "$PULUMI_VERSION" "$w"
	(cd "$w" && run go build -trimpath -tags osusergo,grpcnotrace \
		-ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION" \
		-o "$BIN/.pulumi.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
	local got
	got="$("$BIN/.pulumi.tmp" version 2>>"$STEP_LOG" || true)"
	[[ "$got" == "$PULUMI_VERSION" ]] || die "built pulumi reports '${got}', expected $PULUMI_VERSION (log: $STEP_LOG)" \
		"delete $TOOLCHAIN_DIR and re-run bash scripts/toolchain.sh"
	install_bin "$BIN/.pulumi.tmp" "$BIN/pulumi"
	log "built $BIN/pulumi"
}

if reports "$BIN/pulumi" "$PULUMI_VERSION" version; then
	log "pulumi $PULUMI_VERSION: ok"
else
	build_pulumi
fi

# The CLI distribution also ships these scripts: dynamic providers run through the first,
# Node.js policy packs through the second.
step nodejs-scripts "re-run bash scripts/toolchain.sh"
SDK_DIR="$(modinfo github.com/pulumi/pulumi/sdk/v3 "$PULUMI_VERSION" Dir)"
for script in pulumi-resource-pulumi-nodejs pulumi-analyzer-policy; do
	[[ -f "$SDK_DIR/nodejs/dist/$script" ]] || die "sdk/v3 $PULUMI_VERSION ships no nodejs/dist/$script" "pin a PULUMI_VERSION whose sdk/v3 module has it (v3.220.0 does)"
	if ! cmp -s "$SDK_DIR/nodejs/dist/$script" "$BIN/$script"; then
		cp "$SDK_DIR/nodejs/dist/$script" "$BIN/.$script.tmp"
		install_bin "$BIN/.$script.tmp" "$BIN/$script"
	fi
done

# ------------------------------------------------------- Node.js language host

LANGHOST_LDFLAG="github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$LANGHOST_SDK_VERSION"
LANGHOST_FROM="github.com/pulumi/pulumi/sdk/v3@$LANGHOST_SDK_VERSION"

build_langhost() {
	local w="$BUILD/pulumi-language-nodejs"
	build_step pulumi-language-nodejs "$w" "building pulumi-language-nodejs from sdk/v3 $LANGHOST_SDK_VERSION"
	cat >"$w/go.mod" <<EOF
// Generated by scripts/toolchain.sh: builds the Node.js language host from sdk/v3 $LANGHOST_SDK_VERSION.
module azora.local/toolchain/pulumi-language-nodejs

go 1.18

require github.com/pulumi/pulumi/sdk/v3 $LANGHOST_SDK_VERSION
EOF
	copy_replaces github.com/pulumi/pulumi/sdk/v3 "$LANGHOST_SDK_VERSION" "$w"
	(cd "$w" && run go build -trimpath -ldflags "-s -w -X $LANGHOST_LDFLAG" \
		-o "$BIN/.pulumi-language-nodejs.tmp" github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs)
	built_from "$BIN/.pulumi-language-nodejs.tmp" "$LANGHOST_FROM" ||
		die "built pulumi-language-nodejs does not carry sdk/v3 $LANGHOST_SDK_VERSION (log: $STEP_LOG)" \
			"delete $TOOLCHAIN_DIR and re-run bash scripts/toolchain.sh"
	install_bin "$BIN/.pulumi-language-nodejs.tmp" "$BIN/pulumi-language-nodejs"
	log "built $BIN/pulumi-language-nodejs"
}

if built_from "$BIN/pulumi-language-nodejs" "$LANGHOST_FROM"; then
	log "pulumi-language-nodejs (sdk/v3 $LANGHOST_SDK_VERSION): ok"
else
	build_langhost
fi

# ----------------------------------------------------------------- providers

# register NAME VERSION BINARY — install BINARY as resource plugin NAME@VERSION in
# PULUMI_HOME unless that exact binary is already registered.
register() {
	local name="$1" version="$2" bin="$3"
	local dir="$PULUMI_HOME/plugins/resource-$name-v$version"
	if [[ -f "$dir/pulumi-resource-$name" ]] && cmp -s "$bin" "$dir/pulumi-resource-$name" && [[ ! -e "$dir.partial" ]]; then
		return 0
	fi
	step "register-$name" "delete $PULUMI_HOME/plugins and re-run bash scripts/toolchain.sh"
	run "$BIN/pulumi" plugin rm resource "$name" "$version" --yes || true
	run "$BIN/pulumi" plugin install resource "$name" "$version" --file "$bin"
	cmp -s "$bin" "$dir/pulumi-resource-$name" ||
		die "pulumi plugin install did not place $name $version at $dir (log: $STEP_LOG)" \
			"delete $PULUMI_HOME/plugins and re-run bash scripts/toolchain.sh"
	log "registered resource plugin $name $version"
}

K8S_BIN="$PLUGINS/pulumi-resource-kubernetes"
K8S_LDFLAG="github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$K8S_PLUGIN_VERSION"

build_kubernetes() {
	local w="$BUILD/pulumi-resource-kubernetes"
	build_step pulumi-resource-kubernetes "$w" "building pulumi-resource-kubernetes $K8S_PLUGIN_VERSION ($K8S_PROVIDER_MODULE@$K8S_PROVIDER_MODULE_VERSION)"
	local src
	src="$(modinfo "$K8S_PROVIDER_MODULE" "$K8S_PROVIDER_MODULE_VERSION" Dir)/cmd/pulumi-resource-kubernetes"
	# The main package embeds schema-embed.json and terraform-mapping-embed.json, which
	# upstream generates at build time and which are not in the module zip: build the
	# main package from a copy, and generate them with upstream's own generate.go
	# (schema.json re-serialised with "version" set; the mapping minified).
	cp "$src/main.go" "$src/generate.go" "$src/schema.json" "$src/terraform-mapping.json" "$w/"
	chmod u+w "$w"/*
	cat >"$w/go.mod" <<EOF
// Generated by scripts/toolchain.sh: builds $K8S_PROVIDER_MODULE/cmd/pulumi-resource-kubernetes.
module azora.local/toolchain/pulumi-resource-kubernetes

go 1.24

require (
	$K8S_PROVIDER_MODULE $K8S_PROVIDER_MODULE_VERSION
	github.com/pulumi/pulumi-kubernetes/sdk/v4 $K8S_SDK_MODULE_VERSION
)
EOF
	copy_replaces "$K8S_PROVIDER_MODULE" "$K8S_PROVIDER_MODULE_VERSION" "$w"
	(cd "$w" && VERSION="$K8S_PLUGIN_VERSION" run go run generate.go)
	[[ -s "$w/schema-embed.json" && -s "$w/terraform-mapping-embed.json" ]] ||
		die "generating the kubernetes provider's embedded schema failed (log: $STEP_LOG)" "re-run bash scripts/toolchain.sh"
	(cd "$w" && run go build -trimpath -ldflags "-s -w -X $K8S_LDFLAG" -o "$K8S_BIN.tmp" .)
	{ built_from "$K8S_BIN.tmp" "$K8S_PROVIDER_MODULE@$K8S_PROVIDER_MODULE_VERSION" && carries "$K8S_BIN.tmp" "$K8S_PLUGIN_VERSION"; } ||
		die "built pulumi-resource-kubernetes lacks the pinned module/version (log: $STEP_LOG)" \
			"delete $TOOLCHAIN_DIR and re-run bash scripts/toolchain.sh"
	install_bin "$K8S_BIN.tmp" "$K8S_BIN"
	log "built $K8S_BIN"
}

if built_from "$K8S_BIN" "$K8S_PROVIDER_MODULE@$K8S_PROVIDER_MODULE_VERSION" && carries "$K8S_BIN" "$K8S_PLUGIN_VERSION"; then
	log "pulumi-resource-kubernetes $K8S_PLUGIN_VERSION: ok"
else
	build_kubernetes
fi
register kubernetes "$K8S_PLUGIN_VERSION" "$K8S_BIN"

RANDOM_BIN="$PLUGINS/pulumi-resource-random"
RANDOM_LDFLAG="azora.local/toolchain/pulumi-random/pkg/version.Version=$RANDOM_PLUGIN_VERSION"

build_random() {
	local w="$BUILD/pulumi-resource-random"
	step pulumi-resource-random "check the Go module proxy is reachable, then $RERUN_HINT"
	log "building pulumi-resource-random $RANDOM_PLUGIN_VERSION (terraform-provider-random $TF_RANDOM_MODULE_VERSION, bridge $TF_BRIDGE_VERSION)"
	[[ -d "$TEMPLATES/random" ]] || die "missing $TEMPLATES/random" "restore scripts/toolchain/ from git"
	rm -rf "$w" && mkdir -p "$w"
	cp -R "$TEMPLATES/random/." "$w/"
	# The shim is its own module under the Terraform provider's path, so it may import
	# that provider's internal package (as upstream's provider/shim does).
	cat >"$w/shim/go.mod" <<EOF
module github.com/terraform-providers/terraform-provider-random/shim

go 1.25

require github.com/terraform-providers/terraform-provider-random $TF_RANDOM_MODULE_VERSION
EOF
	cat >"$w/go.mod" <<EOF
// Generated by scripts/toolchain.sh: assembles pulumi-resource-random.
module azora.local/toolchain/pulumi-random

go 1.25

require (
	github.com/pulumi/pulumi-terraform-bridge/v3 $TF_BRIDGE_VERSION
	github.com/terraform-providers/terraform-provider-random $TF_RANDOM_MODULE_VERSION
	github.com/terraform-providers/terraform-provider-random/shim v0.0.0
)

replace github.com/terraform-providers/terraform-provider-random/shim => ./shim

// One version of the Terraform provider for the whole build (the bridge's own tests
// require another one).
replace github.com/terraform-providers/terraform-provider-random => github.com/terraform-providers/terraform-provider-random $TF_RANDOM_MODULE_VERSION
EOF
	# The bridge replaces terraform-plugin-sdk/v2 with Pulumi's fork; providers must too.
	copy_replaces github.com/pulumi/pulumi-terraform-bridge/v3 "$TF_BRIDGE_VERSION" "$w"
	echo '{}' >"$w/provider/bridge-metadata.json"
	echo '{}' >"$w/cmd/pulumi-resource-random/schema-embed.json"
	# 1. tfgen: writes schema.json and bridge-metadata.json.
	(cd "$w" && run go build -trimpath -ldflags "-X $RANDOM_LDFLAG" -o "$w/pulumi-tfgen-random" ./cmd/pulumi-tfgen-random)
	mkdir -p "$w/gen"
	# --skip-docs/--skip-examples: converting the upstream docs' HCL examples needs the
	# pulumi-converter-terraform plugin, which would be downloaded. Docs only feed the
	# schema's descriptions (used for SDK generation), not the provider's behaviour.
	(cd "$w" && run ./pulumi-tfgen-random schema --skip-docs --skip-examples --out "$w/gen")
	[[ -s "$w/gen/schema.json" && -s "$w/gen/bridge-metadata.json" ]] ||
		die "tfgen did not write the random provider schema (log: $STEP_LOG)" "re-run bash scripts/toolchain.sh"
	cp "$w/gen/bridge-metadata.json" "$w/provider/bridge-metadata.json"
	# 2. schema-embed.json: schema.json minified with "version" set (as upstream embeds it).
	run node -e 'const fs=require("fs");const s=JSON.parse(fs.readFileSync(process.argv[1],"utf8"));s.version=process.argv[3];fs.writeFileSync(process.argv[2],JSON.stringify(s));' \
		"$w/gen/schema.json" "$w/cmd/pulumi-resource-random/schema-embed.json" "$RANDOM_PLUGIN_VERSION"
	# 3. the provider.
	(cd "$w" && run go build -trimpath -ldflags "-s -w -X $RANDOM_LDFLAG" -o "$RANDOM_BIN.tmp" ./cmd/pulumi-resource-random)
	local got
	got="$("$RANDOM_BIN.tmp" --version 2>>"$STEP_LOG" || true)"
	if [[ "$got" != "$RANDOM_PLUGIN_VERSION" ]] ||
		! built_from "$RANDOM_BIN.tmp" "github.com/terraform-providers/terraform-provider-random@$TF_RANDOM_MODULE_VERSION"; then
		die "built pulumi-resource-random reports '${got}', expected $RANDOM_PLUGIN_VERSION (log: $STEP_LOG)" \
			"delete $TOOLCHAIN_DIR and re-run bash scripts/toolchain.sh"
	fi
	install_bin "$RANDOM_BIN.tmp" "$RANDOM_BIN"
	log "built $RANDOM_BIN"
}

if reports "$RANDOM_BIN" "$RANDOM_PLUGIN_VERSION" --version &&
	built_from "$RANDOM_BIN" "github.com/terraform-providers/terraform-provider-random@$TF_RANDOM_MODULE_VERSION" \
		"github.com/pulumi/pulumi-terraform-bridge/v3@$TF_BRIDGE_VERSION"; then
	log "pulumi-resource-random $RANDOM_PLUGIN_VERSION: ok"
else
	build_random
fi
register random "$RANDOM_PLUGIN_VERSION" "$RANDOM_BIN"

# ----------------------------------------------------------------------- done

step verify "delete $TOOLCHAIN_DIR and re-run bash scripts/toolchain.sh"
run "$BIN/pulumi" plugin ls
if ! grep -q "kubernetes.*${K8S_PLUGIN_VERSION%%+*}" "$STEP_LOG" || ! grep -q "random.*${RANDOM_PLUGIN_VERSION%%+*}" "$STEP_LOG"; then
	die "pulumi plugin ls does not list kubernetes $K8S_PLUGIN_VERSION and random $RANDOM_PLUGIN_VERSION (log: $STEP_LOG)" \
		"delete $PULUMI_HOME/plugins and re-run bash scripts/toolchain.sh"
fi

log "ready: pulumi $PULUMI_VERSION, pulumi-language-nodejs (sdk/v3 $LANGHOST_SDK_VERSION), kubernetes $K8S_PLUGIN_VERSION, random $RANDOM_PLUGIN_VERSION"
log "toolchain is in $TOOLCHAIN_DIR; use it with:"
print_env | sed 's/^/  /'

exit 0
}
