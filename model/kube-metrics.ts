// The Kubernetes and node metric names the dashboards read, as kube-prometheus and the Kubernetes
// monitoring mixin use them: kube-state-metrics (object state), the kubelet's cAdvisor endpoint
// (container usage) and the node exporter (the machines). Their jobs are in model/workloads.ts.

/** kube-state-metrics: requests, limits, restarts and ownership of the pods. */
export const kubeState = {
    /** Requests per container; label `resource` is `cpu` (cores) or `memory` (bytes). */
    containerRequests: "kube_pod_container_resource_requests",
    /** Limits per container; label `resource` is `cpu` (cores) or `memory` (bytes). */
    containerLimits: "kube_pod_container_resource_limits",
    restarts: "kube_pod_container_status_restarts_total",
    /** Pod → owner (ReplicaSet, StatefulSet, DaemonSet, Job), labels owner_kind and owner_name. */
    podOwner: "kube_pod_owner",
    /** ReplicaSet → its Deployment, labels owner_kind and owner_name. */
    replicaSetOwner: "kube_replicaset_owner",
    podInfo: "kube_pod_info",
} as const;
