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
#                 metrics-server cert-manager-controller
#   stages/       kwok's Stage objects, taken from the sigs.k8s.io/kwok module at build time
#   crds/         the edge's CRDs (gateway-api/, envoy-gateway/, cert-manager/), taken from their modules
#   run/          cert-manager-controller.pid and .log (the controller up starts and down stops)
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
# the default StorageClass kwok-volume. metrics-server (built here, run by kwokctl) serves the
# resource metrics kwok reports for each pod: 1m CPU and 1Mi memory, or what the pod's
# kwok.x-k8s.io/usage-cpu/-memory annotations say, so the HPAs scale on it. There is no kube-proxy, no DNS, and no
# network: pod IPs are assigned but nothing listens on them. Services get ClusterIPs and
# EndpointSlices; Ingresses and LoadBalancer Services get 127.0.0.1 as their address.
# The API server serves the edge's CRDs (Gateway API standard channel with its safe-upgrades
# ValidatingAdmissionPolicy, Envoy Gateway's, cert-manager's), so it validates those objects with their
# schemas and CEL rules; no Gateway controller runs, so Gateways and routes get no status. cert-manager's
# controllers for SelfSigned and CA issuers run as a process of the cluster (no webhook, no ACME): a
# Certificate from such an issuer gets its Secret.
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
# renovate: datasource=go depName=k8s.io/kubernetes
K8S_VERSION=v1.36.5
# renovate: datasource=go depName=k8s.io/api
K8S_STAGING_VERSION=v0.36.5

# etcd: go.etcd.io/etcd/server/v3 v3.6.16, the newest v3.6 the proxy serves (v3.6.17 on:
# 403); v3.6 is the line Kubernetes 1.36 is tested with. The server module replaces its
# sibling modules (api, client/pkg, client/v3, pkg) with ../..., so the wrapper requires
# them at the same tag.
# renovate: datasource=go depName=go.etcd.io/etcd/server/v3
ETCD_VERSION=v3.6.16

# kwok / kwokctl: sigs.k8s.io/kwok v0.8.0, the newest release (its default Kubernetes is
# 1.36.1; we set it to K8S_VERSION at link time). No replaces in its go.mod.
# renovate: datasource=go depName=sigs.k8s.io/kwok
KWOK_VERSION=v0.8.0

# metrics-server: sigs.k8s.io/metrics-server v0.8.0 (the proxy also serves v0.9.0, which is not an
# approved release). kwokctl runs it beside the control plane (enableMetricsServer in kwokctl.yaml); it
# reads each fake node's resource metrics from kwok, so the HPAs see CPU and memory. Its API objects
# (APIService, RBAC) are the module's manifests/base, copied next to the binaries at build time.
# renovate: datasource=go depName=sigs.k8s.io/metrics-server
METRICS_SERVER_VERSION=v0.8.0

# The edge's CRDs, served by the API server (scripts/lib/cluster-build.sh copies each set from its module,
# scripts/lib/cluster-run.sh applies them at up): the Gateway API standard channel at the release Envoy
# Gateway's go.mod requires (the copy step checks that), Envoy Gateway's own CRDs (its chart's
# charts/crds/crds/generated), and cert-manager's (deploy/crds). No Gateway controller runs here; egctl of the
# same Envoy Gateway release runs its translators on the objects instead.
# renovate: datasource=go depName=sigs.k8s.io/gateway-api
GATEWAY_API_VERSION=v1.6.1
# renovate: datasource=go depName=github.com/envoyproxy/gateway
ENVOY_GATEWAY_VERSION=v1.9.1
# cert-manager: its CRDs, and its controllers in a main of ours (scripts/cluster/cert-manager/main.go): the
# module of its own main, github.com/cert-manager/cert-manager/cmd/controller, is not served by the proxy, the
# main module (which holds the controllers) is. Run in the background for the cluster's life.
# renovate: datasource=go depName=github.com/cert-manager/cert-manager
CERT_MANAGER_VERSION=v1.21.2

CLUSTER_NAME=azora-e2e

# The fake nodes (scripts/cluster/nodes.yaml): one per zone, each big enough for the whole
# e2e stack (see the template for the allocatable resources).
NODES=(azora-e2e-zone-a azora-e2e-zone-b azora-e2e-zone-c)

# ------------------------------------------------------------------------ layout

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TEMPLATES="$SCRIPT_DIR/cluster"
# The Kubernetes API audit policy the platform ships; the local API server runs with it.
AUDIT_POLICY="$(cd "$SCRIPT_DIR/.." && pwd)/docs/cluster/audit-policy.yaml"
CLUSTER_DIR="${AZORA_CLUSTER_DIR:-$HOME/.cache/azora-platform/cluster}"
TOOLCHAIN_DIR="${AZORA_TOOLCHAIN_DIR:-$HOME/.cache/azora-platform/toolchain}"
BIN="$CLUSTER_DIR/bin"
BUILD="$CLUSTER_DIR/build"
LOGS="$CLUSTER_DIR/logs"
STAGES="$CLUSTER_DIR/stages"
METRICS_SERVER_MANIFESTS="$CLUSTER_DIR/metrics-server-manifests"
EDGE_CRDS="$CLUSTER_DIR/crds"
# Processes of ours that run beside kwokctl's for the cluster's life (cert-manager): pid and log files.
RUN="$CLUSTER_DIR/run"
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

usage() { echo "usage: bash scripts/cluster.sh build|up|down|status|kubeconfig|audit-log|--print-env" >&2; }

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
audit-log)
	# Where the API server writes its audit events (kwokctl's logs/ of the cluster).
	printf '%s\n' "$KWOK_WORKDIR/clusters/$CLUSTER_NAME/logs/audit.log"
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

# ------------------------------------------------------------- build and run

# shellcheck source=SCRIPTDIR/lib/cluster-build.sh
source "$SCRIPT_DIR/lib/cluster-build.sh"
# shellcheck source=SCRIPTDIR/lib/cluster-run.sh
source "$SCRIPT_DIR/lib/cluster-run.sh"

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
