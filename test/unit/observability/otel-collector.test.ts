// The OTel Collector: OTLP in from the services namespace only, memory-bounded, sampled by trace ID,
// batched, and out to Jaeger; autoscaled from the configured replicas.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { images } from "../../../components/observability/images";
import { OtelCollector } from "../../../components/observability/otel-collector";
import { configYaml, container, list, object, recordResources, selectorOf, settle, T } from "../harness";
import { settings } from "./settings";

const ns = "azora-observability";
const resources = recordResources();

beforeAll(async () => {
    new OtelCollector("otel-collector", {
        namespace: ns,
        environment: "prod",
        servicesNamespace: "azora",
        settings: settings({ otelCollector: { replicas: 2, samplingPercentage: 12.5 } }).otelCollector,
        jaegerOtlpEndpoint: `jaeger.${ns}.svc.cluster.local:4317`,
    });
    await settle(resources);
});

const config = () => configYaml(resources, "otel-collector-config", "config.yaml");

describe("OTel Collector pipeline", () => {
    it("limits memory first, then samples the configured percentage, then batches", () => {
        expect(config().service.pipelines.traces.processors).toEqual(["memory_limiter", "probabilistic_sampler", "batch"]);
        expect(config().processors.probabilistic_sampler).toEqual({ sampling_percentage: 12.5 });
        expect(config().processors.memory_limiter.check_interval).toBe("1s");
    });

    it("receives OTLP gRPC and HTTP and exports OTLP to Jaeger", () => {
        expect(config().receivers.otlp.protocols).toEqual({ grpc: { endpoint: "0.0.0.0:4317" }, http: { endpoint: "0.0.0.0:4318" } });
        expect(config().exporters["otlp/jaeger"].endpoint).toBe(`jaeger.${ns}.svc.cluster.local:4317`);
        expect(config().service.pipelines.traces.exporters).toEqual(["otlp/jaeger"]);
    });

    it("derives span metrics from every received span, ahead of the sampler", () => {
        const p = config().service.pipelines;
        expect(p["traces/spanmetrics"]).toEqual({ receivers: ["otlp"], processors: ["memory_limiter"], exporters: ["spanmetrics"] });
        expect(config().connectors.spanmetrics.namespace).toBe("traces.span.metrics");
        expect(config().connectors.spanmetrics.histogram.unit).toBe("s");
    });

    it("serves the span metrics to Prometheus on 8889 through its Service", () => {
        expect(config().service.pipelines["metrics/spanmetrics"]).toMatchObject({ receivers: ["spanmetrics"], exporters: ["prometheus"] });
        expect(config().exporters.prometheus.endpoint).toBe("0.0.0.0:8889");
        const ports = list(object(resources, T.service, "otel-collector").spec.ports).map((p) => [p.name, p.port]);
        expect(ports).toContainEqual(["span-metrics", 8889]);
    });

    it("exposes its own metrics on 8888 and health on 13133", () => {
        expect(config().service.telemetry.metrics.readers[0].pull.exporter.prometheus).toEqual({ host: "0.0.0.0", port: 8888 });
        expect(config().extensions.health_check.endpoint).toBe("0.0.0.0:13133");
        expect(container(object(resources, T.deployment, "otel-collector")).readinessProbe.httpGet).toEqual({ path: "/", port: 13133 });
    });

    it("is alive while its OTLP receiver accepts connections, whatever the health endpoint says", () => {
        const c = container(object(resources, T.deployment, "otel-collector"));
        expect(c.livenessProbe.tcpSocket).toEqual({ port: 4317 });
        expect(c.livenessProbe.httpGet).toBeUndefined();
    });
});

describe("OTel Collector scaling and network", () => {
    it("is autoscaled from the configured replicas, spread over nodes, with a PodDisruptionBudget", () => {
        const hpa = object(resources, T.hpa, "otel-collector");
        expect(hpa.spec).toMatchObject({
            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "otel-collector" },
            minReplicas: 2,
            maxReplicas: 6,
        });
        const deployment = object(resources, T.deployment, "otel-collector");
        expect(deployment.spec.replicas).toBeUndefined();
        expect(list(deployment.spec.template.spec.topologySpreadConstraints)).toHaveLength(2);
        expect(object(resources, T.pdb, "otel-collector").spec.maxUnavailable).toBe(1);
    });

    it("accepts OTLP from the services namespace and scrapes from Prometheus, and sends only to Jaeger", () => {
        const np = object(resources, T.networkPolicy, "otel-collector");
        expect(np.spec.ingress).toEqual([
            {
                from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "azora" } } }],
                ports: [
                    { protocol: "TCP", port: 4317 },
                    { protocol: "TCP", port: 4318 },
                ],
            },
            {
                from: [{ podSelector: { matchLabels: selectorOf("prometheus") } }],
                ports: [
                    { protocol: "TCP", port: 8888 },
                    { protocol: "TCP", port: 8889 },
                ],
            },
        ]);
        expect(np.spec.egress).toEqual([
            { to: [{ podSelector: { matchLabels: selectorOf("jaeger") } }], ports: [{ protocol: "TCP", port: 4317 }] },
        ]);
    });
});

describe("OTel Collector binary (scripts/observability.sh)", () => {
    // The module of each component type the configuration may name (a component id is `type[/name]`).
    const modules: Record<string, string> = {
        "receivers/otlp": "receiver/otlpreceiver",
        "processors/batch": "processor/batchprocessor",
        "processors/memory_limiter": "processor/memorylimiterprocessor",
        "processors/probabilistic_sampler": "processor/probabilisticsamplerprocessor",
        "exporters/otlp": "exporter/otlpexporter",
        "exporters/prometheus": "exporter/prometheusexporter",
        "connectors/spanmetrics": "connector/spanmetricsconnector",
        "extensions/health_check": "extension/healthcheckextension",
    };
    const script = readFileSync(join(__dirname, "../../../scripts/observability.sh"), "utf8");
    const built = [
        ...script.matchAll(/^\t"(receivers|processors|exporters|connectors|extensions) \$OTELCOL_(?:CORE|CONTRIB)\/(\S+)"$/gm),
    ]
        .map((m) => `${m[1]}:${m[2]}`)
        .sort();

    it("is built with exactly the components the configuration uses", () => {
        const c = config() as Record<string, Record<string, unknown>>;
        const used = ["receivers", "processors", "exporters", "connectors", "extensions"].flatMap((kind) =>
            Object.keys(c[kind] ?? {}).map((id) => {
                const module = modules[`${kind}/${id.split("/")[0]}`];
                if (!module) throw new Error(`no module known for ${kind} ${id}: add it to OTELCOL_COMPONENTS and this table`);
                return `${kind}:${module}`;
            }),
        );
        expect(built).toEqual([...new Set(used)].sort());
    });

    it("is built at the image's release", () => {
        expect(/^OTELCOL_VERSION=(\S+)$/m.exec(script)?.[1]).toBe(images.otelCollector.tag);
    });
});
