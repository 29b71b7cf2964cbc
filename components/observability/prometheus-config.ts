// prometheus.yml, derived from the catalog and the stack's own endpoints. Pure: no resources.
import { stringify } from "yaml";
import type { ServiceSpec } from "../../model/catalog";
import { clusterExporters, observabilityWorkloads as w } from "../../model/workloads";
import { certManagerNamespace, certManagerScrape, edgeRouteLabel, envoyProxyScrape } from "../../model/edge-metrics";

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
    /**
     * Keep the scraped series' own `namespace`, `pod`, `container` labels over the target's: for an
     * exporter whose series describe other objects (kube-state-metrics). @default false
     */
    honorLabels?: boolean;
    /** Set `instance` (and `node`) to the pod's node: for a per-node exporter, whose series are the node's. @default false */
    perNode?: boolean;
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

/**
 * The cluster's exporters that run as pods: kube-state-metrics (whose series name the objects they
 * describe, hence `honorLabels`) and the node exporter in the node-agents namespace (one target per
 * node, `instance` = the node's name, as the node mixin expects).
 */
export function exporterScrapeTargets(namespace: string, nodeAgentsNamespace: string): ScrapeTarget[] {
    const ksm = clusterExporters.kubeStateMetrics;
    const node = clusterExporters.nodeExporter;
    return [
        { job: ksm.name, namespace, service: ksm.name, port: ksm.port, honorLabels: true },
        { job: `${ksm.name}-telemetry`, namespace, service: ksm.name, port: ksm.telemetryPort },
        { job: node.name, namespace: nodeAgentsNamespace, service: node.name, port: node.port, perNode: true },
    ];
}

/**
 * A scrape target found by its pods rather than a Service: for processes whose metrics port no Service
 * exposes (Envoy Gateway's proxies serve their stats beside the listeners, cert-manager's controller has
 * no metrics Service unless its chart is told to make one).
 */
export interface PodScrapeTarget {
    job: string;
    namespace: string;
    /** Labels every scraped pod carries: a server-side selector, so Prometheus watches only these pods. */
    podLabels: Readonly<Record<string, string>>;
    port: number;
    path: string;
    /** Keep the scraped series' own `namespace` and `name` labels (cert-manager's name the Certificate's). @default false */
    honorLabels?: boolean;
    /** Relabelling of the scraped series (metric_relabel_configs). @default none */
    metricRelabels?: Record<string, unknown>[];
}

/** The public edge: the platform Gateway's Envoy proxies and cert-manager's controller. */
export interface EdgeScrape {
    /** edge.proxyNamespace: where Envoy Gateway runs the Gateway's proxies. */
    proxyNamespace: string;
    /** The platform's Gateway: only its proxies are scraped. */
    gateway: { name: string; namespace: string };
}

/**
 * The edge's two jobs. The proxies' per-route series name their backend cluster
 * `httproute/<namespace>/<route>/rule/<n>`; the route's name is copied to its own label so the alerts and
 * the dashboard group by route without parsing the cluster name.
 */
export function edgeScrapeTargets(edge: EdgeScrape): PodScrapeTarget[] {
    const proxy = envoyProxyScrape;
    return [
        {
            job: proxy.job,
            namespace: edge.proxyNamespace,
            podLabels: {
                [proxy.owningGatewayNameLabel]: edge.gateway.name,
                [proxy.owningGatewayNamespaceLabel]: edge.gateway.namespace,
            },
            port: proxy.port,
            path: proxy.path,
            metricRelabels: [
                {
                    action: "replace",
                    source_labels: ["envoy_cluster_name"],
                    regex: "httproute/[^/]+/([^/]+)/rule/[0-9]+",
                    target_label: edgeRouteLabel,
                    replacement: "$1",
                },
            ],
        },
        {
            job: certManagerScrape.job,
            namespace: certManagerNamespace,
            podLabels: { [certManagerScrape.componentLabel]: certManagerScrape.component },
            port: certManagerScrape.port,
            path: certManagerScrape.path,
            honorLabels: true,
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

/** The labels every pod target gets from discovery, whichever role found it. */
const podTargetLabels = [
    { action: "replace", source_labels: ["__meta_kubernetes_namespace"], target_label: "namespace" },
    { action: "replace", source_labels: ["__meta_kubernetes_pod_name"], target_label: "pod" },
    { action: "replace", source_labels: ["__meta_kubernetes_pod_container_name"], target_label: "container" },
];

/**
 * EndpointSlice discovery in one namespace, kept to the job's Service and port. Every target gets
 * `job` (the job name), `namespace`, `pod`, `container` and `service`.
 */
function scrapeJob(t: ScrapeTarget): Record<string, unknown> {
    const node = { action: "replace", source_labels: ["__meta_kubernetes_pod_node_name"] };
    return {
        job_name: t.job,
        metrics_path: t.path ?? "/metrics",
        scheme: "http",
        ...(t.honorLabels ? { honor_labels: true } : {}),
        kubernetes_sd_configs: [{ role: "endpointslice", namespaces: { names: [t.namespace] } }],
        relabel_configs: [
            {
                action: "keep",
                source_labels: ["__meta_kubernetes_service_name", "__meta_kubernetes_endpointslice_port"],
                regex: `${escapeRegex(t.service)};${t.port}`,
            },
            ...podTargetLabels,
            { action: "replace", source_labels: ["__meta_kubernetes_service_name"], target_label: "service" },
            ...(t.perNode
                ? [
                      { ...node, target_label: "instance" },
                      { ...node, target_label: "node" },
                  ]
                : []),
        ],
    };
}

/** Pod discovery in one namespace, kept to the selected pods' metrics port; the same target labels as scrapeJob's. */
function podScrapeJob(t: PodScrapeTarget): Record<string, unknown> {
    const selector = Object.entries(t.podLabels)
        .map(([key, value]) => `${key}=${value}`)
        .join(",");
    return {
        job_name: t.job,
        metrics_path: t.path,
        scheme: "http",
        ...(t.honorLabels ? { honor_labels: true } : {}),
        kubernetes_sd_configs: [
            { role: "pod", namespaces: { names: [t.namespace] }, selectors: [{ role: "pod", label: selector }] },
        ],
        relabel_configs: [
            { action: "keep", source_labels: ["__meta_kubernetes_pod_container_port_number"], regex: String(t.port) },
            // A finished or pending pod has no server to scrape.
            { action: "keep", source_labels: ["__meta_kubernetes_pod_phase"], regex: "Running" },
            ...podTargetLabels,
        ],
        ...(t.metricRelabels ? { metric_relabel_configs: t.metricRelabels } : {}),
    };
}

/** Where every pod finds its ServiceAccount's token and the cluster's CA. */
const serviceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount";

/** How Prometheus checks the kubelets' serving certificates. */
export interface KubeletScrape {
    /**
     * Verify each kubelet's serving certificate against the cluster CA. Off where kubelets serve
     * self-signed certificates (the kubeadm default without `serverTLSBootstrap`); the bearer token
     * still authenticates Prometheus, and the NetworkPolicy keeps it to the node addresses.
     */
    verifyTls: boolean;
}

/**
 * The kubelet's three endpoints on every node (role node: the address is the node's InternalIP and
 * its kubelet port), over HTTPS with Prometheus' token (RBAC nodes/metrics). One job name each, as
 * Prometheus needs, relabelled to the one `job="kubelet"` with `metrics_path` telling them apart, so
 * the mixin's rules select them as they do in kube-prometheus.
 */
function kubeletScrapeJobs(k: KubeletScrape): Record<string, unknown>[] {
    const kubelet = clusterExporters.kubelet;
    return Object.entries(kubelet.metricsPaths).map(([endpoint, path]) => ({
        job_name: endpoint === "kubelet" ? kubelet.name : `${kubelet.name}-${endpoint}`,
        metrics_path: path,
        scheme: "https",
        // The kubelet's series name the pods and containers they describe.
        honor_labels: true,
        authorization: { type: "Bearer", credentials_file: `${serviceAccountDirectory}/token` },
        tls_config: { ca_file: `${serviceAccountDirectory}/ca.crt`, insecure_skip_verify: !k.verifyTls },
        kubernetes_sd_configs: [{ role: "node" }],
        relabel_configs: [
            { action: "replace", replacement: kubelet.name, target_label: "job" },
            { action: "replace", source_labels: ["__metrics_path__"], target_label: "metrics_path" },
            { action: "replace", source_labels: ["__meta_kubernetes_node_name"], target_label: "node" },
            { action: "replace", source_labels: ["__meta_kubernetes_node_name"], target_label: "instance" },
        ],
    }));
}

export interface PrometheusConfigInput {
    environment: string;
    scrapeInterval: string;
    targets: ScrapeTarget[];
    /** Targets found by their pods (the edge's). @default none */
    podTargets?: PodScrapeTarget[];
    /** File names (keys of the rules ConfigMap). */
    ruleFileNames: string[];
    /** Per-pod Alertmanager addresses (host:port), through the headless Service. */
    alertmanagers: string[];
    /** Scrape every node's kubelet; unset: no kubelet jobs. */
    kubelet?: KubeletScrape;
    /** Send series to an existing monitoring stack; unset: no remote_write. */
    remoteWrite?: RemoteWrite;
}

/** observability.prometheus.remoteWrite, with where its credential file is mounted. */
interface RemoteWrite {
    url: string;
    auth: "none" | "basic" | "bearer";
    username?: string;
    platformSeriesOnly: boolean;
    queue: { capacity: number; maxShards: number; maxSamplesPerSend: number };
    /** The mounted credential: the basic-auth password or the bearer token. */
    credentialFile?: string;
}

/** One remote_write entry; with platformSeriesOnly, only the platform's jobs and its recording rules (level:metric:op names). */
function remoteWriteEntry(rw: RemoteWrite, jobs: readonly string[]): Record<string, unknown> {
    if (rw.auth !== "none" && rw.credentialFile === undefined) {
        throw new Error(`prometheus: remoteWrite auth ${rw.auth} needs its credential file`);
    }
    const keep = `(${[...jobs].sort().map(escapeRegex).join("|")});.*|[^;]*;[^;]*:[^;]*`;
    return {
        url: rw.url,
        ...(rw.auth === "basic" ? { basic_auth: { username: rw.username, password_file: rw.credentialFile } } : {}),
        ...(rw.auth === "bearer" ? { authorization: { type: "Bearer", credentials_file: rw.credentialFile } } : {}),
        queue_config: {
            capacity: rw.queue.capacity,
            max_shards: rw.queue.maxShards,
            max_samples_per_send: rw.queue.maxSamplesPerSend,
        },
        ...(rw.platformSeriesOnly
            ? { write_relabel_configs: [{ action: "keep", source_labels: ["job", "__name__"], separator: ";", regex: keep }] }
            : {}),
    };
}

/** Replica label of an HA pair; dropped before alerts leave so Alertmanager deduplicates them. */
const replicaLabel = "prometheus_replica";

export function prometheusConfig(input: PrometheusConfigInput): string {
    const jobs = new Set<string>();
    const podTargets = input.podTargets ?? [];
    for (const t of [...input.targets, ...podTargets]) {
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
        scrape_configs: [
            ...input.targets.map(scrapeJob),
            ...podTargets.map(podScrapeJob),
            ...(input.kubelet ? kubeletScrapeJobs(input.kubelet) : []),
        ],
        ...(input.remoteWrite
            ? {
                  remote_write: [
                      remoteWriteEntry(input.remoteWrite, [...jobs, ...(input.kubelet ? [clusterExporters.kubelet.name] : [])]),
                  ],
              }
            : {}),
    };
    return stringify(config, { lineWidth: 0 });
}
