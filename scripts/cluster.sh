#!/usr/bin/env bash
# scripts/cluster.sh — the local Kubernetes control plane for azora-platform's end-to-end
# tests: a real kube-apiserver, kube-controller-manager, kube-scheduler and etcd, run as
# local processes by kwokctl, with kwok faking the nodes and the pods' lifecycle (no
# container runtime, no kubelet: pods become Running/Ready, Job pods Succeeded, without
# running anything). Everything is compiled from the Go module proxy into a cache outside
# the work tree, and the cluster listens on 127.0.0.1 only.
#
#   bash scripts/cluster.sh build       build what is missing (pinned), verify
#   bash scripts/cluster.sh up          build if needed, start the cluster (idempotent), add the nodes
#   bash scripts/cluster.sh down        delete the cluster
#   bash scripts/cluster.sh status      say whether it is up
#   bash scripts/cluster.sh kubeconfig  print the kubeconfig path
#   bash scripts/cluster.sh --print-env print the export lines (KUBECONFIG, PATH)
#
# Cache: ${AZORA_CLUSTER_DIR:-$HOME/.cache/azora-platform/cluster}
#   bin/          kube-apiserver kube-controller-manager kube-scheduler kubectl etcd kwok kwokctl
#   stages/       kwok's Stage objects, taken from the sigs.k8s.io/kwok module at build time
#   kwok/         KWOK_WORKDIR: kwokctl's clusters (pki, etcd data, component logs, pids)
#   azora-e2e.kubeconfig   the cluster's kubeconfig (admin, https://127.0.0.1:<port>)
#   build/        generated wrapper modules;  logs/  one log per step
# The Go module cache is the Pulumi toolchain's (scripts/toolchain.sh): one download of
# the modules both need, same proxy settings.
#
# Our own files in scripts/cluster/: kwokctl.yaml (the KwokctlConfiguration: local binaries,
# 127.0.0.1), stages.yaml (extra kwok Stages: addresses for Ingresses and LoadBalancer
# Services), nodes.yaml (three fake nodes, zones a/b/c), storage.yaml (the default
# StorageClass, whose claims kwok's volume stages bind). kwokctl copies its configuration
# into the cluster when creating it: after changing kwokctl.yaml or stages.yaml, run down, then up.
#
# The cluster: kube-controller-manager runs its default controllers (deployment, replicaset,
# statefulset, job, cronjob, HPA, disruption, garbage collector, namespace, resource quota,
# persistent volume, endpoint slices, ...); the apiserver has RBAC and the default admission
# plugins, Pod Security Admission included. kwok marks pods Running and Ready (all probes
# pass, no image is pulled) and Job pods Succeeded; its volume stages bind every claim of
# the default StorageClass kwok-volume. There is no metrics-server (an HPA reports
# <unknown> metrics and stays at its current replicas), no kube-proxy, no DNS, and no
# network: pod IPs are assigned but nothing listens on them. Services get ClusterIPs and
# EndpointSlices; Ingresses and LoadBalancer Services get 127.0.0.1 as their address.
#
# Idempotent: each binary is checked against its pinned version (its --version output and
# Go build info) and rebuilt only when missing or different. Binaries are built to a
# temporary name, verified, then moved into place. `up` on a running cluster only reports.

# The whole script is one { ... } block, so bash parses it completely before running:
# editing this file while a build is running cannot change what that run executes.
{

set -Eeuo pipefail

# --------------------------------------------------------------------------- pins

# Kubernetes: k8s.io/kubernetes v1.36.5, the newest v1.36 patch the proxy serves (v1.36.6
# and later are refused with 403; the proxy's version list shows only v1.36.1 and v1.36.3,
# but v1.36.0–v1.36.5 are all served). k8s.io/kubernetes replaces its ~33 staging modules
# (k8s.io/api, apimachinery, client-go, ...) with ./staging/src/..., which are not in the
# module zip; the wrapper module replaces each with its published release of the same
# Kubernetes patch (v0.36.5), the code the staging directories hold at that tag.
K8S_VERSION=v1.36.5
K8S_STAGING_VERSION=v0.36.5

# etcd: go.etcd.io/etcd/server/v3 v3.6.16, the newest v3.6 the proxy serves (v3.6.17 on:
# 403); v3.6 is the line Kubernetes 1.36 is tested with. The server module replaces its
# sibling modules (api, client/pkg, client/v3, pkg) with ../..., so the wrapper requires
# them at the same tag.
ETCD_VERSION=v3.6.16

# kwok / kwokctl: sigs.k8s.io/kwok v0.8.0, the newest release (its default Kubernetes is
# 1.36.1; we set it to K8S_VERSION at link time). No replaces in its go.mod.
KWOK_VERSION=v0.8.0

CLUSTER_NAME=azora-e2e

# The fake nodes (scripts/cluster/nodes.yaml): one per zone, each big enough for the whole
# e2e stack (see the template for the allocatable resources).
NODES=(azora-e2e-zone-a azora-e2e-zone-b azora-e2e-zone-c)

# ------------------------------------------------------------------------ layout

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TEMPLATES="$SCRIPT_DIR/cluster"
CLUSTER_DIR="${AZORA_CLUSTER_DIR:-$HOME/.cache/azora-platform/cluster}"
TOOLCHAIN_DIR="${AZORA_TOOLCHAIN_DIR:-$HOME/.cache/azora-platform/toolchain}"
BIN="$CLUSTER_DIR/bin"
BUILD="$CLUSTER_DIR/build"
LOGS="$CLUSTER_DIR/logs"
STAGES="$CLUSTER_DIR/stages"
KUBECONFIG_PATH="$CLUSTER_DIR/$CLUSTER_NAME.kubeconfig"
# kwokctl keeps its clusters under KWOK_WORKDIR (default ~/.kwok).
export KWOK_WORKDIR="$CLUSTER_DIR/kwok"

print_env() {
	cat <<EOF
export PATH="$BIN:\$PATH"
export KUBECONFIG="$KUBECONFIG_PATH"
export KWOK_WORKDIR="$KWOK_WORKDIR"
EOF
}

usage() { echo "usage: bash scripts/cluster.sh build|up|down|status|kubeconfig|--print-env" >&2; }

if [[ $# -ne 1 ]]; then
	usage
	exit 2
fi
case "$1" in
--print-env)
	print_env
	exit 0
	;;
kubeconfig)
	printf '%s\n' "$KUBECONFIG_PATH"
	exit 0
	;;
build | up | down | status) COMMAND="$1" ;;
*)
	usage
	exit 2
	;;
esac

# ---------------------------------------------------------------------- helpers

# Steps and failures, Go settings, module downloads, version checks: scripts/lib/go-build.sh.
# GOMODCACHE is the toolchain's, so the modules both builds need are downloaded once.
# shellcheck source=SCRIPTDIR/lib/go-build.sh
source "$SCRIPT_DIR/lib/go-build.sh"
SCRIPT_NAME=cluster
init_steps "re-run bash scripts/cluster.sh $COMMAND"
go_env_wrapper_modules

# elapsed SECONDS — 7m05s
elapsed() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

# module_time MODULE VERSION — the version's commit time from the proxy's .info (RFC 3339),
# used as the build date (reproducible, unlike the time of the build).
module_time() {
	sed -n 's/.*"Time": *"\([^"]*\)".*/\1/p' "$(modinfo "$1" "$2" Info)"
}

# --------------------------------------------------------------------- build

# What each binary must print (first line) and be built from.
K8S_BINARIES=(kube-apiserver kube-controller-manager kube-scheduler kubectl)
k8s_version_line() {
	if [[ "$1" == kubectl ]]; then echo "Client Version: $K8S_VERSION"; else echo "Kubernetes $K8S_VERSION"; fi
}
k8s_version_args() {
	if [[ "$1" == kubectl ]]; then echo "version --client"; else echo "--version"; fi
}
k8s_ok() {
	# shellcheck disable=SC2046 # the arguments are words
	reports "$BIN/$1" "$(k8s_version_line "$1")" $(k8s_version_args "$1") &&
		built_from "$BIN/$1" "k8s.io/kubernetes@$K8S_VERSION" "k8s.io/api@$K8S_STAGING_VERSION"
}
ETCD_VERSION_LINE="etcd Version: ${ETCD_VERSION#v}"
etcd_ok() {
	reports "$BIN/etcd" "$ETCD_VERSION_LINE" --version &&
		built_from "$BIN/etcd" "go.etcd.io/etcd/server/v3@$ETCD_VERSION"
}
# kwokctl carries K8S_VERSION as its default Kubernetes version (set at link time).
kwok_ok() {
	built_from "$BIN/$1" "sigs.k8s.io/kwok@$KWOK_VERSION" &&
		{ [[ "$1" != kwokctl ]] || carries "$BIN/$1" "$K8S_VERSION"; }
}

# The k8s.io/kubernetes wrapper module: requires the tag and replaces every staging module
# (the list is read from k8s.io/kubernetes's own go.mod) with its published release.
K8S_WRAPPER_READY=""
k8s_wrapper() {
	[[ -n "$K8S_WRAPPER_READY" ]] && return 0
	local w="$BUILD/kubernetes"
	step kubernetes-module "check the Go module proxy is reachable, then re-run bash scripts/cluster.sh build"
	log "preparing the k8s.io/kubernetes $K8S_VERSION wrapper module (staging modules at $K8S_STAGING_VERSION)"
	rm -rf "$w" && mkdir -p "$w"
	cat >"$w/go.mod" <<EOF
// Generated by scripts/cluster.sh: builds the Kubernetes control plane from k8s.io/kubernetes $K8S_VERSION.
module azora.local/cluster/kubernetes

go 1.26.0

require k8s.io/kubernetes $K8S_VERSION
EOF
	local gomod staging=() m
	gomod="$(modinfo k8s.io/kubernetes "$K8S_VERSION" GoMod)"
	mapfile -t staging < <(awk '
		/^replace[[:space:]]*\($/ { inblock = 1; next }
		inblock && /^\)/ { inblock = 0; next }
		inblock && $2 == "=>" && $3 ~ /^\.\/staging\// { print $1 }
		/^replace[[:space:]]/ && $3 == "=>" && $4 ~ /^\.\/staging\// { print $2 }
	' "$gomod")
	((${#staging[@]} > 20)) || die "found ${#staging[@]} staging replaces in k8s.io/kubernetes $K8S_VERSION's go.mod, expected ~33 (log: $STEP_LOG)" \
		"check $gomod; the staging layout may have changed"
	# All of them, even the two the proxy refuses at this version (k8s.io/sample-cli-plugin,
	# k8s.io/sample-controller: nothing we build imports them, so the go command never
	# fetches them; a build that did would fail naming the refused module).
	local edits=()
	for m in "${staging[@]}"; do edits+=("-replace=$m=$m@$K8S_STAGING_VERSION"); done
	(cd "$w" && go mod edit "${edits[@]}")
	echo "replaced ${#staging[@]} staging modules: ${staging[*]}" >>"$STEP_LOG"
	copy_replaces k8s.io/kubernetes "$K8S_VERSION" "$w"
	# What hack/lib/version.sh sets, for both version packages. gitTreeState "archive" is
	# what upstream uses for a build from a source archive (no git commit is known here).
	local date ldf="" pkg
	date="$(module_time k8s.io/kubernetes "$K8S_VERSION")"
	local minor="${K8S_VERSION#v1.}"
	minor="${minor%%.*}"
	for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
		ldf+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
		ldf+=" -X $pkg.gitTreeState=archive -X $pkg.gitCommit= -X $pkg.buildDate=$date"
	done
	K8S_LDFLAGS="-s -w$ldf"
	K8S_WRAPPER_READY=1
}

build_k8s() {
	local name="$1" start=$SECONDS
	k8s_wrapper
	step "$name" "check the Go module proxy is reachable, then re-run bash scripts/cluster.sh build"
	log "building $name $K8S_VERSION (k8s.io/kubernetes/cmd/$name; the first Kubernetes binary takes longest cold)"
	(cd "$BUILD/kubernetes" && run go build -trimpath -ldflags "$K8S_LDFLAGS" \
		-o "$BIN/.$name.tmp" "k8s.io/kubernetes/cmd/$name")
	local want got
	want="$(k8s_version_line "$name")"
	# shellcheck disable=SC2046
	got="$("$BIN/.$name.tmp" $(k8s_version_args "$name") 2>>"$STEP_LOG" | head -n 1 || true)"
	{ [[ "$got" == "$want" ]] && built_from "$BIN/.$name.tmp" "k8s.io/kubernetes@$K8S_VERSION" "k8s.io/api@$K8S_STAGING_VERSION"; } ||
		die "built $name reports '$got', expected '$want' (log: $STEP_LOG)" "delete $BUILD and re-run bash scripts/cluster.sh build"
	install_bin "$BIN/.$name.tmp" "$BIN/$name"
	log "built $BIN/$name in $(elapsed $((SECONDS - start)))"
}

build_etcd() {
	local w="$BUILD/etcd" start=$SECONDS
	step etcd "check the Go module proxy is reachable, then re-run bash scripts/cluster.sh build"
	log "building etcd $ETCD_VERSION (go.etcd.io/etcd/server/v3)"
	rm -rf "$w" && mkdir -p "$w"
	# The server module's own main package (what upstream's build.sh builds as bin/etcd).
	cat >"$w/go.mod" <<EOF
// Generated by scripts/cluster.sh: builds etcd from go.etcd.io/etcd/server/v3 $ETCD_VERSION.
module azora.local/cluster/etcd

go 1.26.0

require (
	go.etcd.io/etcd/api/v3 $ETCD_VERSION
	go.etcd.io/etcd/client/pkg/v3 $ETCD_VERSION
	go.etcd.io/etcd/client/v3 $ETCD_VERSION
	go.etcd.io/etcd/pkg/v3 $ETCD_VERSION
	go.etcd.io/etcd/server/v3 $ETCD_VERSION
)
EOF
	copy_replaces go.etcd.io/etcd/server/v3 "$ETCD_VERSION" "$w"
	(cd "$w" && run go build -trimpath -ldflags "-s -w" -o "$BIN/.etcd.tmp" go.etcd.io/etcd/server/v3)
	local got
	got="$("$BIN/.etcd.tmp" --version 2>>"$STEP_LOG" | head -n 1 || true)"
	{ [[ "$got" == "$ETCD_VERSION_LINE" ]] && built_from "$BIN/.etcd.tmp" "go.etcd.io/etcd/server/v3@$ETCD_VERSION"; } ||
		die "built etcd reports '$got', expected '$ETCD_VERSION_LINE' (log: $STEP_LOG)" "delete $BUILD and re-run bash scripts/cluster.sh build"
	install_bin "$BIN/.etcd.tmp" "$BIN/etcd"
	log "built $BIN/etcd in $(elapsed $((SECONDS - start)))"
}

KWOK_WRAPPER_READY=""
kwok_wrapper() {
	[[ -n "$KWOK_WRAPPER_READY" ]] && return 0
	local w="$BUILD/kwok"
	step kwok-module "check the Go module proxy is reachable, then re-run bash scripts/cluster.sh build"
	rm -rf "$w" && mkdir -p "$w"
	cat >"$w/go.mod" <<EOF
// Generated by scripts/cluster.sh: builds kwok and kwokctl from sigs.k8s.io/kwok $KWOK_VERSION.
module azora.local/cluster/kwok

go 1.26.0

require sigs.k8s.io/kwok $KWOK_VERSION
EOF
	copy_replaces sigs.k8s.io/kwok "$KWOK_VERSION" "$w"
	KWOK_WRAPPER_READY=1
}

build_kwok() {
	local name="$1" start=$SECONDS
	kwok_wrapper
	step "$name" "check the Go module proxy is reachable, then re-run bash scripts/cluster.sh build"
	log "building $name $KWOK_VERSION (sigs.k8s.io/kwok/cmd/$name)"
	# As upstream's hack/releases.sh (consts.Version is already the release's in the
	# source), with our Kubernetes version as kwokctl's default.
	(cd "$BUILD/kwok" && run go build -trimpath \
		-ldflags "-s -w -X sigs.k8s.io/kwok/pkg/consts.KubeVersion=$K8S_VERSION" \
		-o "$BIN/.$name.tmp" "sigs.k8s.io/kwok/cmd/$name")
	{ built_from "$BIN/.$name.tmp" "sigs.k8s.io/kwok@$KWOK_VERSION" &&
		{ [[ "$name" != kwokctl ]] || carries "$BIN/.$name.tmp" "$K8S_VERSION"; }; } ||
		die "built $name lacks sigs.k8s.io/kwok $KWOK_VERSION (log: $STEP_LOG)" "delete $BUILD and re-run bash scripts/cluster.sh build"
	install_bin "$BIN/.$name.tmp" "$BIN/$name"
	log "built $BIN/$name in $(elapsed $((SECONDS - start)))"
}

# kwok's Stage objects (what the node/pod lifecycle looks like), from the module's
# kustomize/stage tree: kwokctl's defaults (node initialise + heartbeat with lease, pod
# ready/complete/delete) plus the volume stages kwokctl does not load by default (they
# provision and bind a PersistentVolume for each claim of the kwok-volume StorageClass).
STAGE_FILES=(
	node/fast/node-initialize.yaml
	node/heartbeat-with-lease/node-heartbeat-with-lease.yaml
	pod/fast/pod-ready.yaml
	pod/fast/pod-complete.yaml
	pod/fast/pod-delete.yaml
	volume/fast/pvc-provision.yaml
	volume/fast/pv-bind.yaml
	volume/fast/pvc-delete.yaml
	volume/fast/pv-delete.yaml
)
stages_ok() {
	local f
	for f in "${STAGE_FILES[@]}"; do [[ -s "$STAGES/${f//\//_}" ]] || return 1; done
	[[ "$(cat "$STAGES/.version" 2>/dev/null)" == "$KWOK_VERSION" ]]
}
copy_stages() {
	step kwok-stages "check the Go module proxy is reachable, then re-run bash scripts/cluster.sh build"
	local dir f
	dir="$(modinfo sigs.k8s.io/kwok "$KWOK_VERSION" Dir)/kustomize/stage"
	rm -rf "$STAGES" && mkdir -p "$STAGES"
	for f in "${STAGE_FILES[@]}"; do
		[[ -s "$dir/$f" ]] || die "sigs.k8s.io/kwok $KWOK_VERSION has no kustomize/stage/$f" "update STAGE_FILES in scripts/cluster.sh for this kwok version"
		cp "$dir/$f" "$STAGES/${f//\//_}"
	done
	chmod u+w "$STAGES"/*
	echo "$KWOK_VERSION" >"$STAGES/.version"
	log "copied ${#STAGE_FILES[@]} kwok stages to $STAGES"
}

cmd_build() {
	local start=$SECONDS name
	if etcd_ok; then log "etcd $ETCD_VERSION: ok"; else build_etcd; fi
	for name in kwok kwokctl; do
		if kwok_ok "$name"; then log "$name $KWOK_VERSION: ok"; else build_kwok "$name"; fi
	done
	if stages_ok; then log "kwok stages $KWOK_VERSION: ok"; else copy_stages; fi
	for name in "${K8S_BINARIES[@]}"; do
		if k8s_ok "$name"; then log "$name $K8S_VERSION: ok"; else build_k8s "$name"; fi
	done
	log "binaries ready in $BIN ($(elapsed $((SECONDS - start)))): Kubernetes $K8S_VERSION, etcd $ETCD_VERSION, kwok $KWOK_VERSION"
}

# ------------------------------------------------------------------- cluster

CLUSTER_WORKDIR="$KWOK_WORKDIR/clusters/$CLUSTER_NAME"
GENERATED_CONFIG="$CLUSTER_DIR/kwokctl.yaml"

kc() { "$BIN/kubectl" --kubeconfig "$KUBECONFIG_PATH" --request-timeout=10s "$@"; }

cluster_exists() { [[ -f "$CLUSTER_WORKDIR/kwok.yaml" ]]; }
apiserver_ready() { [[ -s "$KUBECONFIG_PATH" && "$(kc get --raw /readyz 2>/dev/null)" == ok ]]; }
nodes_ready() {
	local n
	for n in "${NODES[@]}"; do
		[[ "$(kc get node "$n" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" == True ]] || return 1
	done
}
apiserver_url() { kc config view --minify -o 'jsonpath={.clusters[0].cluster.server}' 2>/dev/null || true; }

# wait_until SECONDS WHAT CMD... — poll CMD once a second; die naming WHAT after SECONDS.
wait_until() {
	local limit="$1" what="$2" deadline=$((SECONDS + $1))
	shift 2
	until "$@" >>"$STEP_LOG" 2>&1; do
		((SECONDS < deadline)) || die "$what within ${limit}s (log: $STEP_LOG; component logs: $CLUSTER_WORKDIR/logs)" "$STEP_FIX"
		sleep 1
	done
}

# detached CMD... — run CMD (a kwokctl command that leaves the cluster's processes running)
# with no file descriptors open beyond 0-2. kwokctl starts each component in a session of its
# own with its output in the cluster's logs/, but the components inherit every other open
# descriptor: fd 9 above, or a caller's pipe, would keep a caller that captures our output
# (`make cluster-up | tee`, a test runner) waiting for them forever.
# shellcheck disable=SC2317 # invoked through run
detached() {
	(
		local fd
		for fd in /proc/"$BASHPID"/fd/*; do
			fd="${fd##*/}"
			if ((fd > 2)); then eval "exec $fd>&-"; fi
		done
		exec "$@"
	)
}

# The configuration kwokctl creates the cluster from: our template with the paths filled in.
write_config() {
	[[ -f "$TEMPLATES/kwokctl.yaml" ]] || die "missing $TEMPLATES/kwokctl.yaml" "restore scripts/cluster/ from git"
	sed -e "s|@BIN@|$BIN|g" -e "s|@K8S_VERSION@|$K8S_VERSION|g" "$TEMPLATES/kwokctl.yaml" >"$GENERATED_CONFIG"
}

create_cluster() {
	step create "run bash scripts/cluster.sh down, then bash scripts/cluster.sh up"
	log "creating cluster $CLUSTER_NAME (kwokctl, runtime binary, 127.0.0.1)"
	write_config
	local args=(--config "$GENERATED_CONFIG") f
	for f in "${STAGE_FILES[@]}"; do args+=(--config "$STAGES/${f//\//_}"); done
	[[ -f "$TEMPLATES/stages.yaml" ]] || die "missing $TEMPLATES/stages.yaml" "restore scripts/cluster/ from git"
	args+=(--config "$TEMPLATES/stages.yaml")
	rm -f "$KUBECONFIG_PATH"
	run detached "$BIN/kwokctl" create cluster --name "$CLUSTER_NAME" "${args[@]}" \
		--kubeconfig "$KUBECONFIG_PATH" --timeout 5m --wait 2m
}

start_cluster() {
	step start "run bash scripts/cluster.sh down, then bash scripts/cluster.sh up"
	log "starting the stopped cluster $CLUSTER_NAME"
	run detached "$BIN/kwokctl" start cluster --name "$CLUSTER_NAME" --timeout 5m --wait 2m
}

# The nodes and the StorageClass; then wait for what workloads need: Ready nodes and the
# default ServiceAccount (without it the ServiceAccount admission plugin rejects pods).
populate() {
	step nodes "run bash scripts/cluster.sh down, then bash scripts/cluster.sh up"
	local f
	for f in storage.yaml nodes.yaml; do
		[[ -f "$TEMPLATES/$f" ]] || die "missing $TEMPLATES/$f" "restore scripts/cluster/ from git"
	done
	run kc apply -f "$TEMPLATES/storage.yaml" -f "$TEMPLATES/nodes.yaml"
	wait_until 120 "the nodes ${NODES[*]} did not become Ready" nodes_ready
	wait_until 120 "the default ServiceAccount was not created (is kube-controller-manager running?)" \
		kc get serviceaccount default --namespace default -o name
}

report_up() {
	log "$CLUSTER_NAME is up at $(apiserver_url) (Kubernetes $K8S_VERSION, nodes: ${NODES[*]})"
	log "kubeconfig: $KUBECONFIG_PATH"
	log "use it with: export KUBECONFIG=\"$KUBECONFIG_PATH\" PATH=\"$BIN:\$PATH\""
}

cmd_up() {
	cmd_build
	local start=$SECONDS
	export PATH="$BIN:$PATH"
	if cluster_exists && apiserver_ready; then
		if nodes_ready; then
			log "$CLUSTER_NAME: already up"
			report_up
			return 0
		fi
	elif cluster_exists; then
		# Created before but not answering (stopped, or the machine restarted).
		if ! start_cluster || ! wait_until_quiet 60 apiserver_ready; then
			log "$CLUSTER_NAME did not start again; deleting and re-creating it"
			delete_cluster
			create_cluster
		fi
	else
		create_cluster
	fi
	step ready "run bash scripts/cluster.sh down, then bash scripts/cluster.sh up"
	wait_until 120 "the kube-apiserver of $CLUSTER_NAME did not become ready" apiserver_ready
	populate
	log "$CLUSTER_NAME started in $(elapsed $((SECONDS - start)))"
	report_up
}

# wait_until_quiet SECONDS CMD... — like wait_until, but returns 1 instead of dying.
wait_until_quiet() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@" >>"$STEP_LOG" 2>&1; do
		((SECONDS < deadline)) || return 1
		sleep 1
	done
}

delete_cluster() {
	step delete "stop the processes listed in $CLUSTER_WORKDIR/pids, delete $CLUSTER_WORKDIR, and re-run"
	run "$BIN/kwokctl" delete cluster --name "$CLUSTER_NAME" --kubeconfig "$KUBECONFIG_PATH"
	rm -f "$KUBECONFIG_PATH"
}

cmd_down() {
	if ! cluster_exists; then
		log "$CLUSTER_NAME: not created (nothing to delete)"
		rm -f "$KUBECONFIG_PATH"
		return 0
	fi
	[[ -x "$BIN/kwokctl" ]] || die "$BIN/kwokctl is missing, cannot delete $CLUSTER_NAME" "run bash scripts/cluster.sh build, then bash scripts/cluster.sh down"
	delete_cluster
	log "$CLUSTER_NAME deleted"
}

cmd_status() {
	if cluster_exists && apiserver_ready; then
		local ready="nodes not Ready"
		nodes_ready && ready="nodes Ready"
		log "$CLUSTER_NAME: up at $(apiserver_url), $ready; kubeconfig: $KUBECONFIG_PATH"
		return 0
	elif cluster_exists; then
		log "$CLUSTER_NAME: created but not answering (run bash scripts/cluster.sh up to start it)"
	else
		log "$CLUSTER_NAME: down"
	fi
	exit 1
}

# ------------------------------------------------------------------- preflight

require_go "k8s.io/kubernetes $K8S_VERSION requires it"

mkdir -p "$BIN" "$BUILD" "$LOGS" "$KWOK_WORKDIR" "$GOMODCACHE" ||
	die "cannot create $CLUSTER_DIR" "set AZORA_CLUSTER_DIR to a writable directory"

case "$COMMAND" in
build)
	log "cache: $CLUSTER_DIR"
	cmd_build
	;;
up) cmd_up ;;
down) cmd_down ;;
status) cmd_status ;;
esac

exit 0
}
