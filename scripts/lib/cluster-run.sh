# shellcheck shell=bash
# The local cluster's life, for scripts/cluster.sh up|down|status: kwokctl creates and starts the
# control plane on 127.0.0.1, the nodes, stages, StorageClass and the edge's CRDs are applied,
# cert-manager-controller starts beside it, and down stops that and waits until every component has
# stopped. Sourced by scripts/cluster.sh after its pins, layout and helpers.

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
	[[ -f "$AUDIT_POLICY" ]] || die "missing $AUDIT_POLICY" "restore docs/cluster/audit-policy.yaml from git"
	sed -e "s|@BIN@|$BIN|g" -e "s|@K8S_VERSION@|$K8S_VERSION|g" -e "s|@AUDIT_POLICY@|$AUDIT_POLICY|g" \
		-e "s|@METRICS_SERVER_MANIFESTS@|$METRICS_SERVER_MANIFESTS|g" "$TEMPLATES/kwokctl.yaml" >"$GENERATED_CONFIG"
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

# The edge's CRDs (copied by cmd_build), server-side applied (the largest are beyond client-side
# apply's annotation limit) with our field manager taking over any field, then awaited Established. The
# Gateway API's safe-upgrades ValidatingAdmissionPolicy and its binding come with its set. Applying them
# takes seconds, so the cluster's directory (deleted with it) records what was applied: the sets' sources,
# then the CRDs' names. An up of a running cluster re-applies only if the sources differ or one of those
# CRDs is gone or not Established.
EDGE_CRDS_APPLIED="$CLUSTER_WORKDIR/azora-edge-crds"
edge_crds_sources() {
	local set
	for set in "${EDGE_CRD_SETS[@]}"; do edge_crd_source "$set"; done
}
edge_crds_current() {
	local want=() have names n
	[[ -f "$EDGE_CRDS_APPLIED" ]] || return 1
	mapfile -t want <"$EDGE_CRDS_APPLIED"
	((${#want[@]} > ${#EDGE_CRD_SETS[@]})) || return 1
	[[ "$(printf '%s\n' "${want[@]:0:${#EDGE_CRD_SETS[@]}}")" == "$(edge_crds_sources)" ]] || return 1
	have="$(kc get crd -o 'jsonpath={range .items[*]}{.metadata.name} {.status.conditions[?(@.type=="Established")].status}{"\n"}{end}')" || return 1
	names=("${want[@]:${#EDGE_CRD_SETS[@]}}")
	for n in "${names[@]}"; do grep -qxF "${n#*/} True" <<<"$have" || return 1; done
}
apply_edge_crds() {
	step edge-crds "run bash scripts/cluster.sh down, then bash scripts/cluster.sh up"
	local start=$SECONDS args=() set out crds=()
	if edge_crds_current; then
		log "edge CRDs: $(($(wc -l <"$EDGE_CRDS_APPLIED") - ${#EDGE_CRD_SETS[@]})) established, applied already (Gateway API $GATEWAY_API_VERSION, Envoy Gateway $ENVOY_GATEWAY_VERSION, cert-manager $CERT_MANAGER_VERSION)"
		return 0
	fi
	rm -f "$EDGE_CRDS_APPLIED"
	for set in "${EDGE_CRD_SETS[@]}"; do args+=(-f "$EDGE_CRDS/$set"); done
	out="$(kc apply --server-side --force-conflicts --field-manager=azora-cluster -o name "${args[@]}" 2>>"$STEP_LOG")"
	printf '%s\n' "$out" >>"$STEP_LOG"
	mapfile -t crds < <(grep '^customresourcedefinition' <<<"$out")
	((${#crds[@]} > 0)) || die "applying the edge CRDs from $EDGE_CRDS applied no CRD (log: $STEP_LOG)" "delete $EDGE_CRDS and re-run bash scripts/cluster.sh up"
	# kubectl wait's own timeout, without kc's per-request one (a watch outlives it).
	run "$BIN/kubectl" --kubeconfig "$KUBECONFIG_PATH" wait --for condition=Established --timeout=60s "${crds[@]}"
	{ edge_crds_sources && printf '%s\n' "${crds[@]}"; } >"$EDGE_CRDS_APPLIED"
	log "edge CRDs: ${#crds[@]} established (Gateway API $GATEWAY_API_VERSION standard, Envoy Gateway $ENVOY_GATEWAY_VERSION, cert-manager $CERT_MANAGER_VERSION) in $(elapsed $((SECONDS - start)))"
}

# The namespaces the edge's controllers own on a real cluster (Envoy Gateway's proxies, cert-manager), as
# their charts name them: the platform reads pods there (Prometheus' Roles) but never creates them.
EDGE_NAMESPACES=(envoy-gateway-system cert-manager)
apply_edge_namespaces() {
	step edge-namespaces "run bash scripts/cluster.sh down, then bash scripts/cluster.sh up"
	local ns manifest=""
	for ns in "${EDGE_NAMESPACES[@]}"; do
		manifest+="$(printf 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: %s\n  labels:\n    pod-security.kubernetes.io/enforce: restricted\n---\n' "$ns")"$'\n'
	done
	kc apply --server-side --field-manager=azora-cluster -f - <<<"$manifest" >>"$STEP_LOG" 2>&1 ||
		die "creating the edge's namespaces (${EDGE_NAMESPACES[*]}) failed (log: $STEP_LOG)" "$STEP_FIX"
	log "edge namespaces: ${EDGE_NAMESPACES[*]}"
}

# cert-manager-controller, a process of the cluster: started by up with the cluster's admin kubeconfig,
# in a session of its own with no descriptor of ours (as kwokctl starts its components), stopped by down.
CERT_MANAGER_PID="$RUN/cert-manager-controller.pid"
CERT_MANAGER_LOG="$RUN/cert-manager-controller.log"
# The pid from the pid file, if that process is still the binary in bin/ (not a reused pid); with
# "current", only if that binary has not been replaced by a rebuild since (its exe then reads "… (deleted)").
cert_manager_pid() {
	local pid exe
	pid="$(cat "$CERT_MANAGER_PID" 2>/dev/null)" || return 1
	[[ "$pid" =~ ^[0-9]+$ ]] || return 1
	exe="$(readlink "/proc/$pid/exe" 2>/dev/null)" || return 1
	[[ "$exe" == "$BIN/cert-manager-controller" || ("${1:-}" != current && "$exe" == "$BIN/cert-manager-controller (deleted)") ]] || return 1
	echo "$pid"
}
cert_manager_started() { cert_manager_pid current >/dev/null && grep -q '"controllers started"' "$CERT_MANAGER_LOG"; }

start_cert_manager() {
	step cert-manager-start "read $CERT_MANAGER_LOG, then run bash scripts/cluster.sh down and bash scripts/cluster.sh up"
	local pid deadline
	if pid="$(cert_manager_pid current)"; then
		log "cert-manager-controller: running (pid $pid, log $CERT_MANAGER_LOG)"
		return 0
	fi
	# One started from a binary rebuilt since.
	stop_cert_manager
	mkdir -p "$RUN"
	(
		for fd in /proc/"$BASHPID"/fd/*; do
			fd="${fd##*/}"
			if ((fd > 2)); then eval "exec $fd>&-"; fi
		done
		exec setsid "$BIN/cert-manager-controller" --kubeconfig "$KUBECONFIG_PATH" \
			--cluster-resource-namespace cert-manager </dev/null >"$CERT_MANAGER_LOG" 2>&1
	) &
	echo "$!" >"$CERT_MANAGER_PID"
	deadline=$((SECONDS + 60))
	until cert_manager_started; do
		if ! cert_manager_pid current >/dev/null; then
			die "cert-manager-controller exited at start: $(tail -n 1 "$CERT_MANAGER_LOG" 2>/dev/null | cut -c1-300) (log: $CERT_MANAGER_LOG)" "$STEP_FIX"
		fi
		((SECONDS < deadline)) || die "cert-manager-controller did not start its controllers within 60s (log: $CERT_MANAGER_LOG)" "$STEP_FIX"
		sleep 0.2
	done
	log "cert-manager-controller $CERT_MANAGER_VERSION: started (pid $(cert_manager_pid current), log $CERT_MANAGER_LOG)"
}

# Stop it (TERM, then KILL after 10 s) if it runs; forget the pid file either way.
stop_cert_manager() {
	local pid deadline
	if pid="$(cert_manager_pid)"; then
		kill -TERM "$pid" 2>/dev/null || true
		deadline=$((SECONDS + 10))
		while [[ -e "/proc/$pid" ]] && ((SECONDS < deadline)); do sleep 0.2; done
		if [[ -e "/proc/$pid" ]]; then kill -KILL "$pid" 2>/dev/null || true; fi
		log "cert-manager-controller stopped (pid $pid)"
	fi
	rm -f "$CERT_MANAGER_PID"
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
			apply_edge_crds
			apply_edge_namespaces
			start_cert_manager
			report_up
			return 0
		fi
	elif cluster_exists; then
		# A controller of the cluster before it stopped talks to no API server now.
		stop_cert_manager
		# Created before but not answering (stopped, or the machine restarted).
		if ! start_cluster || ! wait_until_quiet 60 apiserver_ready; then
			log "$CLUSTER_NAME did not start again; deleting and re-creating it"
			delete_cluster
			create_cluster
		fi
	else
		stop_cert_manager
		create_cluster
	fi
	step ready "run bash scripts/cluster.sh down, then bash scripts/cluster.sh up"
	wait_until 120 "the kube-apiserver of $CLUSTER_NAME did not become ready" apiserver_ready
	populate
	apply_edge_crds
	apply_edge_namespaces
	start_cert_manager
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
	stop_cert_manager
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
		local cm="cert-manager-controller not running"
		if cert_manager_pid >/dev/null; then cm="cert-manager-controller running (pid $(cert_manager_pid))"; fi
		log "$CLUSTER_NAME: up at $(apiserver_url), $ready, $cm; kubeconfig: $KUBECONFIG_PATH"
		return 0
	elif cluster_exists; then
		log "$CLUSTER_NAME: created but not answering (run bash scripts/cluster.sh up to start it)"
	else
		log "$CLUSTER_NAME: down"
	fi
	exit 1
}
