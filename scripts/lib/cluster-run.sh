# shellcheck shell=bash
# The local cluster's life, for scripts/cluster.sh up|down|status: kwokctl creates and starts the
# control plane on 127.0.0.1, the nodes, stages and StorageClass are applied, and down waits until
# every component has stopped. Sourced by scripts/cluster.sh after its pins, layout and helpers.

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
