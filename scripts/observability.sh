#!/usr/bin/env bash
# scripts/observability.sh — the observability stack's own binaries, for the tests that load the
# rendered configuration into the real software and run data through it
# (test/integration/observability-live.test.ts): Prometheus and promtool, Alertmanager and amtool,
# and the OpenTelemetry Collector, each at exactly the release of the image the stack deploys (components/observability/images.ts;
# test/unit/observability/binaries.test.ts keeps the two in step), compiled from the Go module proxy
# into a cache outside the work tree, like the control plane.
#
#   bash scripts/observability.sh build       build what is missing (pinned), verify
#   bash scripts/observability.sh bin         print the directory of the binaries
#
# Cache: ${AZORA_OBSERVABILITY_DIR:-$HOME/.cache/azora-platform/observability}
#   bin/    prometheus promtool alertmanager amtool otelcol jaeger
#   build/  generated wrapper modules;  logs/  one log per step
# The Go module cache is the Pulumi toolchain's (scripts/toolchain.sh), same proxy settings.
#
# Not built, and why (README, "Observability binaries"): Loki and Grafana are AGPL-licensed and
# their modules are not to be used on this project's build machines; Grafana Alloy is not served
# by the module proxy. Jaeger is built at the nearest release the proxy serves (JAEGER_VERSION).

# One { ... } block, so bash parses the whole script before running it.
{

set -Eeuo pipefail

# --------------------------------------------------------------------------- pins

# Prometheus v3.5.0: the Go module github.com/prometheus/prometheus numbers Prometheus 3.x as
# v0.3xx.y (v3.5.0 is v0.305.0). Its go.mod replaces fsnotify; the wrapper copies the replace.
# renovate: datasource=docker depName=quay.io/prometheus/prometheus extractVersion=^v(?<version>.+)$
PROMETHEUS_VERSION=3.5.0
# renovate: datasource=go depName=github.com/prometheus/prometheus
PROMETHEUS_MODULE_VERSION=v0.305.0

# Alertmanager v0.28.1: module github.com/prometheus/alertmanager at the same tag.
# renovate: datasource=go depName=github.com/prometheus/alertmanager extractVersion=^v(?<version>.+)$
ALERTMANAGER_VERSION=0.28.1

# OpenTelemetry Collector 0.148.0: built by the Collector's own builder (ocb) at the same release
# from exactly the components the rendered configuration uses (OTELCOL_COMPONENTS; a unit test keeps
# the list equal to the configuration's). 0.148.0 is the oldest release at which the proxy serves
# every one of them (0.136.0, the image's release before, was not served; 0.140 lacks the
# probabilistic sampler, 0.141 the OTLP exporter, 0.145–0.147 the Prometheus exporter). Core
# components are v0.148.0, the stable confmap providers v1.54.0 (the builder's defaults for it).
# renovate: datasource=go depName=go.opentelemetry.io/collector/cmd/builder extractVersion=^v(?<version>.+)$
OTELCOL_VERSION=0.148.0
# renovate: datasource=go depName=go.opentelemetry.io/collector/confmap
OTELCOL_STABLE_VERSION=v1.54.0
OTELCOL_CORE=go.opentelemetry.io/collector
OTELCOL_CONTRIB=github.com/open-telemetry/opentelemetry-collector-contrib
# KIND GO_MODULE: the builder manifest's sections and the module of each component.
OTELCOL_COMPONENTS=(
	"receivers $OTELCOL_CORE/receiver/otlpreceiver"
	"processors $OTELCOL_CORE/processor/batchprocessor"
	"processors $OTELCOL_CORE/processor/memorylimiterprocessor"
	"processors $OTELCOL_CONTRIB/processor/probabilisticsamplerprocessor"
	"exporters $OTELCOL_CORE/exporter/otlpexporter"
	"exporters $OTELCOL_CONTRIB/exporter/prometheusexporter"
	"connectors $OTELCOL_CONTRIB/connector/spanmetricsconnector"
	"extensions $OTELCOL_CONTRIB/extension/healthcheckextension"
)

# Jaeger: the image deploys JAEGER_IMAGE_VERSION, but the proxy serves github.com/jaegertracing/jaeger
# only up to v1.76.0, whose cmd/jaeger is Jaeger v2.13.0 (the repository tags each release twice,
# v1.x for the Go module and v2.x for the backend). That nearest release is built and run; the README
# says what eight releases of difference leave unproven. A unit test keeps JAEGER_IMAGE_VERSION equal
# to the image's tag, so a bump of the image revisits this pin.
# renovate: datasource=docker depName=docker.io/jaegertracing/jaeger
JAEGER_IMAGE_VERSION=2.21.0
JAEGER_VERSION=2.13.0
# renovate: datasource=go depName=github.com/jaegertracing/jaeger
JAEGER_MODULE_VERSION=v1.76.0
JAEGER_MODULE=github.com/jaegertracing/jaeger

# ------------------------------------------------------------------------ layout

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OBS_DIR="${AZORA_OBSERVABILITY_DIR:-$HOME/.cache/azora-platform/observability}"
TOOLCHAIN_DIR="${AZORA_TOOLCHAIN_DIR:-$HOME/.cache/azora-platform/toolchain}"
BIN="$OBS_DIR/bin"
BUILD="$OBS_DIR/build"
LOGS="$OBS_DIR/logs"

case "${1:-}" in
bin)
	printf '%s\n' "$BIN"
	exit 0
	;;
build) ;;
*)
	echo "usage: bash scripts/observability.sh build|bin" >&2
	exit 2
	;;
esac

# shellcheck source=SCRIPTDIR/lib/go-build.sh
source "$SCRIPT_DIR/lib/go-build.sh"
SCRIPT_NAME=observability
init_steps "re-run bash scripts/observability.sh build"
go_env_wrapper_modules


# ------------------------------------------------------------------- what to build

# NAME MODULE MODULE_VERSION VERSION PACKAGE: each binary, the module it is built from, and the
# version its --version line reports.
BINARIES=(
	"prometheus github.com/prometheus/prometheus $PROMETHEUS_MODULE_VERSION $PROMETHEUS_VERSION cmd/prometheus"
	"promtool github.com/prometheus/prometheus $PROMETHEUS_MODULE_VERSION $PROMETHEUS_VERSION cmd/promtool"
	"alertmanager github.com/prometheus/alertmanager v$ALERTMANAGER_VERSION $ALERTMANAGER_VERSION cmd/alertmanager"
	"amtool github.com/prometheus/alertmanager v$ALERTMANAGER_VERSION $ALERTMANAGER_VERSION cmd/amtool"
)

# The first line each prints for --version (prometheus/common's version.Print).
version_line() { echo "$1, version $2 (branch: release, revision: archive)"; }

binary_ok() {
	local name="$1" module="$2" modver="$3" version="$4"
	reports "$BIN/$name" "$(version_line "$name" "$version")" --version && built_from "$BIN/$name" "$module@$modver"
}

# wrapper MODULE VERSION — the generated module that requires MODULE at VERSION with its replaces.
wrapper() {
	local w="$BUILD/${1##*/}-$2"
	if [[ ! -s "$w/go.mod" ]]; then
		build_step "${1##*/}-module" "$w" "preparing the $1 $2 wrapper module"
		cat >"$w/go.mod" <<EOF
// Generated by scripts/observability.sh: builds from $1 $2.
module azora.local/observability/${1##*/}

go 1.26.0

require $1 $2
EOF
		copy_replaces "$1" "$2" "$w"
	fi
	WRAPPER="$w"
}

build_binary() {
	local name="$1" module="$2" modver="$3" version="$4" package="$5" start=$SECONDS
	wrapper "$module" "$modver"
	step "$name" "check the Go module proxy is reachable, then $RERUN_HINT"
	log "building $name $version ($module/$package at $modver; cold, Prometheus takes about 5 minutes)"
	# What upstream's promu sets, with "release"/"archive" for branch and revision (a build from a
	# module archive, no git checkout) and the tag's commit time as the build date.
	local v=github.com/prometheus/common/version date
	date="$(module_time "$module" "$modver")"
	(cd "$WRAPPER" && run go build -trimpath \
		-ldflags "-s -w -X $v.Version=$version -X $v.Branch=release -X $v.Revision=archive -X $v.BuildUser=azora -X $v.BuildDate=$date" \
		-o "$BIN/.$name.tmp" "$module/$package")
	local got
	got="$("$BIN/.$name.tmp" --version 2>>"$STEP_LOG" | head -n 1 || true)"
	{ [[ "$got" == "$(version_line "$name" "$version")" ]] && built_from "$BIN/.$name.tmp" "$module@$modver"; } ||
		die "built $name reports '$got', expected '$(version_line "$name" "$version")' (log: $STEP_LOG)" \
			"delete $BUILD and re-run bash scripts/observability.sh build"
	install_bin "$BIN/.$name.tmp" "$BIN/$name"
	log "built $BIN/$name in $(elapsed $((SECONDS - start)))"
}

# The Collector: the builder (from its module), then its manifest, then its build.
OTELCOL_NAME=otelcol-azora
otelcol_ok() {
	reports "$BIN/otelcol" "$OTELCOL_NAME version $OTELCOL_VERSION" --version &&
		built_from "$BIN/otelcol" "$OTELCOL_CORE/otelcol@v$OTELCOL_VERSION" "$OTELCOL_CONTRIB/connector/spanmetricsconnector@v$OTELCOL_VERSION"
}

build_otelcol() {
	local start=$SECONDS w="$BUILD/otelcol-$OTELCOL_VERSION" entry kind
	wrapper "$OTELCOL_CORE/cmd/builder" "v$OTELCOL_VERSION"
	step otelcol-builder "check the Go module proxy is reachable, then $RERUN_HINT"
	log "building the Collector's builder $OTELCOL_VERSION ($OTELCOL_CORE/cmd/builder)"
	(cd "$WRAPPER" && run go build -trimpath -ldflags "-s -w" -o "$BUILD/.ocb" "$OTELCOL_CORE/cmd/builder")
	step otelcol "check the Go module proxy is reachable, then $RERUN_HINT"
	log "building the OpenTelemetry Collector $OTELCOL_VERSION with ${#OTELCOL_COMPONENTS[@]} components (cold, about 5 minutes)"
	rm -rf "$w" && mkdir -p "$w"
	{
		echo "# Generated by scripts/observability.sh: the components of the platform's Collector configuration."
		echo "dist:"
		echo "  name: $OTELCOL_NAME"
		echo "  description: OpenTelemetry Collector with the components of azora-platform's configuration"
		echo "  version: $OTELCOL_VERSION"
		echo "  output_path: $w/dist"
		for kind in receivers processors exporters connectors extensions; do
			echo "$kind:"
			for entry in "${OTELCOL_COMPONENTS[@]}"; do
				# shellcheck disable=SC2086 # the entry is words
				set -- $entry
				[[ "$1" == "$kind" ]] && echo "  - gomod: $2 v$OTELCOL_VERSION"
			done
		done
		echo "providers:"
		echo "  - gomod: $OTELCOL_CORE/confmap/provider/envprovider $OTELCOL_STABLE_VERSION"
		echo "  - gomod: $OTELCOL_CORE/confmap/provider/fileprovider $OTELCOL_STABLE_VERSION"
	} >"$w/manifest.yaml"
	(cd "$w" && run "$BUILD/.ocb" --config="$w/manifest.yaml")
	local got
	got="$("$w/dist/$OTELCOL_NAME" --version 2>>"$STEP_LOG" | head -n 1 || true)"
	cp "$w/dist/$OTELCOL_NAME" "$BIN/.otelcol.tmp"
	{ [[ "$got" == "$OTELCOL_NAME version $OTELCOL_VERSION" ]] &&
		built_from "$BIN/.otelcol.tmp" "$OTELCOL_CORE/otelcol@v$OTELCOL_VERSION" "$OTELCOL_CONTRIB/connector/spanmetricsconnector@v$OTELCOL_VERSION"; } ||
		die "built otelcol reports '$got', expected '$OTELCOL_NAME version $OTELCOL_VERSION' (log: $STEP_LOG)" \
			"delete $BUILD and re-run bash scripts/observability.sh build"
	install_bin "$BIN/.otelcol.tmp" "$BIN/otelcol"
	log "built $BIN/otelcol in $(elapsed $((SECONDS - start)))"
}

# Jaeger v2 (an OpenTelemetry Collector distribution with Jaeger's storage and query extensions),
# stamped as upstream's Makefile stamps it (scripts/makefiles/BuildInfo.mk), with "archive" as the
# commit and the tag's commit time as the date.
jaeger_version_line() { printf '{"gitCommit":"archive","gitVersion":"v%s","buildDate":"%s"}' "$JAEGER_VERSION" "$1"; }
# The check reads the version only (the build date needs the proxy, and a warm check must not).
jaeger_ok() {
	[[ -x "$BIN/jaeger" ]] && [[ "$("$BIN/jaeger" version 2>/dev/null | head -n 1)" == *"\"gitVersion\":\"v$JAEGER_VERSION\""* ]] &&
		built_from "$BIN/jaeger" "$JAEGER_MODULE@$JAEGER_MODULE_VERSION"
}

build_jaeger() {
	local start=$SECONDS v="$JAEGER_MODULE/internal/version" date got
	wrapper "$JAEGER_MODULE" "$JAEGER_MODULE_VERSION"
	step jaeger "check the Go module proxy is reachable, then $RERUN_HINT"
	log "building Jaeger $JAEGER_VERSION ($JAEGER_MODULE/cmd/jaeger at $JAEGER_MODULE_VERSION, the nearest served release to the image's $JAEGER_IMAGE_VERSION; cold, about 6 minutes)"
	date="$(module_time "$JAEGER_MODULE" "$JAEGER_MODULE_VERSION")"
	(cd "$WRAPPER" && run go build -trimpath \
		-ldflags "-s -w -X $v.commitSHA=archive -X $v.latestVersion=v$JAEGER_VERSION -X $v.date=$date" \
		-o "$BIN/.jaeger.tmp" "$JAEGER_MODULE/cmd/jaeger")
	got="$("$BIN/.jaeger.tmp" version 2>>"$STEP_LOG" | head -n 1 || true)"
	{ [[ "$got" == "$(jaeger_version_line "$date")" ]] && built_from "$BIN/.jaeger.tmp" "$JAEGER_MODULE@$JAEGER_MODULE_VERSION"; } ||
		die "built jaeger reports '$got', expected '$(jaeger_version_line "$date")' (log: $STEP_LOG)" \
			"delete $BUILD and re-run bash scripts/observability.sh build"
	install_bin "$BIN/.jaeger.tmp" "$BIN/jaeger"
	log "built $BIN/jaeger in $(elapsed $((SECONDS - start)))"
}

# ------------------------------------------------------------------- preflight and build

require_go "the observability binaries are built from their Go modules"
mkdir -p "$BIN" "$BUILD" "$LOGS" "$GOMODCACHE" ||
	die "cannot create $OBS_DIR" "set AZORA_OBSERVABILITY_DIR to a writable directory"

start=$SECONDS
log "cache: $OBS_DIR"
for entry in "${BINARIES[@]}"; do
	# shellcheck disable=SC2086 # the entry is words
	set -- $entry
	if binary_ok "$@"; then log "$1 $4: ok"; else build_binary "$@"; fi
done
if otelcol_ok; then log "otelcol $OTELCOL_VERSION: ok"; else build_otelcol; fi
if jaeger_ok; then log "jaeger $JAEGER_VERSION: ok"; else build_jaeger; fi
log "ready in $(elapsed $((SECONDS - start))): $BIN"
exit 0
}
