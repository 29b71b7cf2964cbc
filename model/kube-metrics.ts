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

/** cAdvisor, through the kubelet's /metrics/cadvisor endpoint. */
export const cadvisor = {
    cpuSeconds: "container_cpu_usage_seconds_total",
    /** Memory the kernel cannot reclaim: what the OOM killer compares against the limit. */
    memoryWorkingSet: "container_memory_working_set_bytes",
    throttledPeriods: "container_cpu_cfs_throttled_periods_total",
    periods: "container_cpu_cfs_periods_total",
} as const;

/** The node exporter. */
export const nodeExporter = {
    cpuSeconds: "node_cpu_seconds_total",
    load1: "node_load1",
    load5: "node_load5",
    load15: "node_load15",
    memoryTotal: "node_memory_MemTotal_bytes",
    memoryAvailable: "node_memory_MemAvailable_bytes",
    filesystemSize: "node_filesystem_size_bytes",
    filesystemAvailable: "node_filesystem_avail_bytes",
    diskReadBytes: "node_disk_read_bytes_total",
    diskWrittenBytes: "node_disk_written_bytes_total",
    diskIoTime: "node_disk_io_time_seconds_total",
    networkReceiveBytes: "node_network_receive_bytes_total",
    networkTransmitBytes: "node_network_transmit_bytes_total",
    networkReceiveErrors: "node_network_receive_errs_total",
    networkTransmitErrors: "node_network_transmit_errs_total",
    /** node_uname_info{nodename}: the node name behind each `instance`. */
    unameInfo: "node_uname_info",
} as const;
