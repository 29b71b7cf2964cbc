// prometheus.yml, derived from the catalog and the stack's own endpoints. Pure: no resources.
import { stringify } from "yaml";
import type { ServiceSpec } from "../../model/catalog";
import { observabilityWorkloads as w } from "../../model/workloads";

/** Where the rules ConfigMap is mounted; every key of `ruleFiles` becomes a file here. */
export const rulesDirectory = "/etc/prometheus/rules";

/** A scrape target: pods behind the Service `service` in `namespace`, on container port `port`. */
export interface ScrapeTarget {
    job: string;
    namespace: string;
    /** Name of the Service whose EndpointSlices list the pods. */
    service: string;
    port: number;
    path?: string;
}

/** Jobs for the stack itself; names are the workloads' names so `job` reads the same everywhere. */
export function stackScrapeTargets(namespace: string, logShipperNamespace = namespace): ScrapeTarget[] {
    return [
        { job: w.prometheus.name, namespace, service: w.prometheus.name, port: w.prometheus.port },
        { job: w.alertmanager.name, namespace, service: w.alertmanager.name, port: w.alertmanager.port },
        { job: w.grafana.name, namespace, service: w.grafana.name, port: w.grafana.port },
        { job: w.loki.name, namespace, service: w.loki.name, port: w.loki.port },
        {
            job: w.logShipper.name,
            namespace: logShipperNamespace,
            service: w.logShipper.name,
            port: w.logShipper.port,
        },
        { job: w.jaeger.name, namespace, service: w.jaeger.name, port: w.jaeger.metricsPort },
        {
            job: w.otelCollector.name,
            namespace,
            service: w.otelCollector.name,
            port: w.otelCollector.metricsPort,
        },
        {
            job: `${w.otelCollector.name}-spanmetrics`,
            namespace,
            service: w.otelCollector.name,
            port: w.otelCollector.spanMetricsPort,
        },
    ];
}

/** One job per catalog service: job name = service name, port = catalog port, path /metrics. */
export function serviceScrapeTargets(services: readonly ServiceSpec[], namespace: string): ScrapeTarget[] {
    return services.map((s) => ({ job: s.name, namespace, service: s.name, port: s.port }));
}

function escapeRegex(s: string): string {
    return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * EndpointSlice discovery in one namespace, kept to the job's Service and port. Every target gets
 * `job` (the job name), `namespace`, `pod`, `container` and `service`.
 */
function scrapeJob(t: ScrapeTarget): Record<string, unknown> {
    return {
        job_name: t.job,
        metrics_path: t.path ?? "/metrics",
        scheme: "http",
        kubernetes_sd_configs: [{ role: "endpointslice", namespaces: { names: [t.namespace] } }],
        relabel_configs: [
            {
                action: "keep",
                source_labels: ["__meta_kubernetes_service_name", "__meta_kubernetes_endpointslice_port"],
                regex: `${escapeRegex(t.service)};${t.port}`,
            },
            { action: "replace", source_labels: ["__meta_kubernetes_namespace"], target_label: "namespace" },
            { action: "replace", source_labels: ["__meta_kubernetes_pod_name"], target_label: "pod" },
            { action: "replace", source_labels: ["__meta_kubernetes_pod_container_name"], target_label: "container" },
            { action: "replace", source_labels: ["__meta_kubernetes_service_name"], target_label: "service" },
        ],
    };
}

export interface PrometheusConfigInput {
    environment: string;
    scrapeInterval: string;
    targets: ScrapeTarget[];
    /** File names (keys of the rules ConfigMap). */
    ruleFileNames: string[];
    /** Per-pod Alertmanager addresses (host:port), through the headless Service. */
    alertmanagers: string[];
}

/** Replica label of an HA pair; dropped before alerts leave so Alertmanager deduplicates them. */
const replicaLabel = "prometheus_replica";

export function prometheusConfig(input: PrometheusConfigInput): string {
    const jobs = new Set<string>();
    for (const t of input.targets) {
        if (jobs.has(t.job)) throw new Error(`prometheus: scrape job "${t.job}" is defined twice`);
        jobs.add(t.job);
    }
    const config = {
        global: {
            scrape_interval: input.scrapeInterval,
            evaluation_interval: input.scrapeInterval,
            scrape_timeout: "10s",
            // Prometheus 3 expands ${VAR} in external label values from the environment.
            external_labels: { environment: input.environment, [replicaLabel]: "${POD_NAME}" },
        },
        rule_files: [...input.ruleFileNames].sort().map((f) => `${rulesDirectory}/${f}`),
        alerting: {
            alert_relabel_configs: [{ action: "labeldrop", regex: replicaLabel }],
            alertmanagers: [
                {
                    scheme: "http",
                    api_version: "v2",
                    timeout: "10s",
                    static_configs: [{ targets: input.alertmanagers }],
                },
            ],
        },
        scrape_configs: input.targets.map(scrapeJob),
    };
    return stringify(config, { lineWidth: 0 });
}
