// The OpenTelemetry Collector: receives OTLP from the services namespace, bounds its memory,
// samples by trace ID (consistent across replicas), batches and exports to Jaeger; and derives
// per-service call and error rates from every span, sampled or not, for Prometheus.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import type { ResourceSpec } from "../../model/catalog";
import type { ObservabilitySettings } from "../config/schema";
import { namespacePeer, tcp } from "../k8s/network-policy";
import { httpProbes } from "../k8s/pod";
import { containerPorts, type StackPlacement, StackWorkload } from "./workload";
import { observabilityWorkloads as w } from "../../model/workloads";
import { images } from "./images";
import { serviceUrl } from "../../model/urls";

export interface OtelCollectorArgs extends StackPlacement {
    servicesNamespace: string;
    settings: ObservabilitySettings["otelCollector"];
    /** Jaeger's OTLP gRPC endpoint, host:port. */
    jaegerOtlpEndpoint: string;
    /** Upper bound of the autoscaler; `settings.replicas` is its lower bound. */
    maxReplicas?: number;
    resources?: ResourceSpec;
}

// Ephemeral storage: what the container itself writes (its log files); the pod builder adds the
// pod's emptyDirs (/tmp, and the data volume when persistence is off) to the limit.
const defaultResources: ResourceSpec = {
    requests: { cpu: "100m", memory: "256Mi", ephemeralStorage: "64Mi" },
    limits: { cpu: "1", memory: "512Mi", ephemeralStorage: "256Mi" },
};

function otelCollectorConfig(samplingPercentage: number, jaegerOtlpEndpoint: string): string {
    const c = w.otelCollector;
    return stringify(
        {
            receivers: {
                otlp: {
                    protocols: {
                        grpc: { endpoint: `0.0.0.0:${c.otlpGrpcPort}` },
                        http: { endpoint: `0.0.0.0:${c.otlpHttpPort}` },
                    },
                },
            },
            processors: {
                // First in the pipeline: refuses data before the container's memory limit is reached.
                memory_limiter: { check_interval: "1s", limit_percentage: 80, spike_limit_percentage: 20 },
                // Hashes the trace ID, so every replica keeps or drops the same traces.
                probabilistic_sampler: { sampling_percentage: samplingPercentage },
                batch: { send_batch_size: 8192, timeout: "5s" },
            },
            connectors: {
                // traces_span_metrics_calls_total / _duration_seconds, by service_name, span_name,
                // span_kind and status_code once the Prometheus exporter has translated the names.
                spanmetrics: {
                    namespace: "traces.span.metrics",
                    histogram: {
                        unit: "s",
                        explicit: { buckets: ["5ms", "10ms", "25ms", "50ms", "100ms", "250ms", "500ms", "1s", "2500ms", "5s"] },
                    },
                    metrics_flush_interval: "15s",
                    // Series of a span name no longer seen stop being exported instead of living forever.
                    metrics_expiration: "5m",
                },
            },
            exporters: {
                prometheus: { endpoint: `0.0.0.0:${c.spanMetricsPort}`, send_timestamps: false, metric_expiration: "5m" },
                "otlp/jaeger": {
                    endpoint: jaegerOtlpEndpoint,
                    tls: { insecure: true },
                    sending_queue: { enabled: true },
                    retry_on_failure: { enabled: true },
                },
            },
            extensions: { health_check: { endpoint: `0.0.0.0:${c.healthPort}` } },
            service: {
                extensions: ["health_check"],
                pipelines: {
                    traces: {
                        receivers: ["otlp"],
                        processors: ["memory_limiter", "probabilistic_sampler", "batch"],
                        exporters: ["otlp/jaeger"],
                    },
                    // Its own fan-out from the receiver, ahead of the sampler: rates count every span.
                    "traces/spanmetrics": {
                        receivers: ["otlp"],
                        processors: ["memory_limiter"],
                        exporters: ["spanmetrics"],
                    },
                    "metrics/spanmetrics": {
                        receivers: ["spanmetrics"],
                        processors: ["memory_limiter", "batch"],
                        exporters: ["prometheus"],
                    },
                },
                telemetry: {
                    logs: { level: "info" },
                    metrics: {
                        level: "normal",
                        readers: [{ pull: { exporter: { prometheus: { host: "0.0.0.0", port: c.metricsPort } } } }],
                    },
                },
            },
        },
        { lineWidth: 0 },
    );
}

export class OtelCollector extends pulumi.ComponentResource {
    /** OTLP endpoints for the services' OTEL_EXPORTER_OTLP_ENDPOINT. */
    readonly otlpGrpcUrl: string;
    readonly otlpHttpUrl: string;

    constructor(name: string, args: OtelCollectorArgs, opts?: pulumi.ComponentResourceOptions) {
        super("azora:observability:OtelCollector", name, {}, opts);
        const ns = args.namespace;
        const wl = w.otelCollector;
        const collector = new StackWorkload(this, name, wl.name, ns, args.environment, images.otelCollector);
        const minReplicas = args.settings.replicas;
        const maxReplicas = Math.max(args.maxReplicas ?? Math.min(10, minReplicas * 3), minReplicas);

        const configText = otelCollectorConfig(args.settings.samplingPercentage, args.jaegerOtlpEndpoint);
        const sa = collector.serviceAccount();
        const config = collector.configMap(`${wl.name}-config`, { "config.yaml": configText });
        const ports = [
            { name: "otlp-grpc", port: wl.otlpGrpcPort },
            { name: "otlp-http", port: wl.otlpHttpPort },
            { name: "metrics", port: wl.metricsPort },
            { name: "span-metrics", port: wl.spanMetricsPort },
        ];
        collector.service(ports);

        const container = collector.container({
            resources: args.resources ?? defaultResources,
            args: ["--config=/etc/otelcol/config/config.yaml"],
            ports: containerPorts([...ports, { name: "health", port: wl.healthPort }]),
            // The health_check extension serves one endpoint: readiness reads it; liveness only asks that
            // the OTLP receiver accepts connections.
            ...httpProbes({ liveness: { tcpPort: wl.otlpGrpcPort }, readiness: "/", startup: "/", port: wl.healthPort }),
            volumeMounts: [{ name: "config", mountPath: "/etc/otelcol/config", readOnly: true }],
        });

        const deployment = new k8s.apps.v1.Deployment(
            `${name}-deployment`,
            {
                metadata: collector.meta(),
                spec: {
                    // No replicas: the HorizontalPodAutoscaler owns the count (minReplicas = settings.replicas).
                    strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
                    selector: { matchLabels: collector.ids.selector },
                    template: collector.template(
                        [configText],
                        collector.pod({
                            serviceAccountName: sa.metadata.name,
                            containers: [container],
                            volumes: [{ name: "config", configMap: { name: config.metadata.name } }],
                        }),
                    ),
                },
            },
            { parent: this },
        );
        new k8s.autoscaling.v2.HorizontalPodAutoscaler(
            `${name}-hpa`,
            {
                metadata: collector.meta(),
                spec: {
                    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deployment.metadata.name },
                    minReplicas,
                    maxReplicas,
                    metrics: [
                        { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } },
                    ],
                },
            },
            { parent: this },
        );
        // Autoscaled: the HPA may run it above one replica at any time, so it always has a budget.
        collector.disruptionBudget();

        collector.networkPolicy({
            ingress: [
                { peers: [namespacePeer(args.servicesNamespace)], ports: tcp(wl.otlpGrpcPort, wl.otlpHttpPort) },
                { peers: [collector.peer(w.prometheus.name)], ports: tcp(wl.metricsPort, wl.spanMetricsPort) },
            ],
            egress: [{ peers: [collector.peer(w.jaeger.name)], ports: tcp(w.jaeger.otlpGrpcPort) }],
        });

        this.otlpGrpcUrl = serviceUrl(wl.name, ns, wl.otlpGrpcPort);
        this.otlpHttpUrl = serviceUrl(wl.name, ns, wl.otlpHttpPort);
        this.registerOutputs({ otlpGrpcUrl: this.otlpGrpcUrl, otlpHttpUrl: this.otlpHttpUrl });
    }
}
