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
    jaeger: { name: "jaeger", queryPort: 16686, otlpGrpcPort: 4317, otlpHttpPort: 4318, adminPort: 13133, metricsPort: 8888 },
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
