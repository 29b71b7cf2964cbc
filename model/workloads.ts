// Names and ports of the observability stack's workloads. The services' NetworkPolicies, the
// stack's own policies, the scrape jobs, the alerts and the Grafana datasources all reach the stack
// through these facts.
import { statefulPodHost } from "./urls";

export const observabilityWorkloads = {
    prometheus: { name: "prometheus", port: 9090 },
    alertmanager: { name: "alertmanager", port: 9093, clusterPort: 9094 },
    grafana: { name: "grafana", port: 3000 },
    loki: { name: "loki", port: 3100, grpcPort: 9095 },
    logShipper: { name: "log-shipper", port: 2020 },
    jaeger: {
        name: "jaeger",
        queryPort: 16686,
        /** The query service's gRPC API: nothing uses it, so it listens on the pod's loopback only. */
        queryGrpcPort: 16685,
        otlpGrpcPort: 4317,
        otlpHttpPort: 4318,
        adminPort: 13133,
        metricsPort: 8888,
    },
    otelCollector: {
        name: "otel-collector",
        otlpGrpcPort: 4317,
        otlpHttpPort: 4318,
        /** The collector's own telemetry. */
        metricsPort: 8888,
        /** RED metrics derived from every span (spanmetrics connector), before sampling. */
        spanMetricsPort: 8889,
        healthPort: 13133,
    },
} as const;

export type StackComponent = keyof typeof observabilityWorkloads;

/**
 * The cluster's own exporters, beside the stack rather than in it (their alerts are the Kubernetes and
 * node alerts, not the stack components'). Each name is also its Prometheus job, as in kube-prometheus,
 * so mixin-style rules select `job="kube-state-metrics"`, `job="node-exporter"`, `job="kubelet"`.
 */
export const clusterExporters = {
    /** Object state from the API server (pods, workloads, Jobs, HPAs, claims, quotas, nodes). */
    kubeStateMetrics: { name: "kube-state-metrics", port: 8080, telemetryPort: 8081 },
    /** Node CPU, memory, filesystems and network, one pod per node (a DaemonSet in the node-agents namespace). */
    nodeExporter: { name: "node-exporter", port: 9100 },
    /**
     * Each node's kubelet, scraped directly on its HTTPS port (not through the API server's nodes/proxy):
     * one job, its three endpoints told apart by the `metrics_path` label, as kube-prometheus does.
     */
    kubelet: {
        name: "kubelet",
        port: 10250,
        metricsPaths: { kubelet: "/metrics", cadvisor: "/metrics/cadvisor", resource: "/metrics/resource" },
    },
} as const;

export type ClusterExporter = keyof typeof clusterExporters;

/** The Prometheus job of each cluster exporter (its name). */
export const exporterJobs: { readonly [E in ClusterExporter]: (typeof clusterExporters)[E]["name"] } = {
    kubeStateMetrics: clusterExporters.kubeStateMetrics.name,
    nodeExporter: clusterExporters.nodeExporter.name,
    kubelet: clusterExporters.kubelet.name,
};

/** Where Alertmanager finds the Slack webhook URL; alertmanager.yml references it with `api_url_file`. */
export const slackWebhookFile = "/etc/alertmanager/secrets/slack/url";

/** The governing Service of a StatefulSet workload: headless, so each replica gets a stable DNS name. */
export function headlessServiceName(workload: string): string {
    return `${workload}-headless`;
}

/** Stable DNS name of Alertmanager replica `i`, through its headless Service (peers and Prometheus use it). */
export function alertmanagerPodHost(i: number, namespace: string): string {
    const am = observabilityWorkloads.alertmanager;
    return statefulPodHost(am.name, i, headlessServiceName(am.name), namespace);
}
