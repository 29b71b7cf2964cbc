// Jaeger v2: one binary with OTLP receivers and the query UI, storage per the stack configuration.
import { beforeAll, describe, expect, it } from "vitest";
import { Jaeger } from "../../../components/observability/jaeger";
import { container, dataYaml, list, object, Obj, podSpec, recordResources, selectorOf, settle, T } from "../harness";
import { settings } from "./settings";

const resources = recordResources();

beforeAll(async () => {
    new Jaeger("jaeger", {
        namespace: "obs-badger",
        environment: "prod",
        settings: settings({ jaeger: { storage: "badger", persistence: { enabled: true, size: "20Gi" } } }).jaeger,
    });
    new Jaeger("jaeger-memory", {
        namespace: "obs-memory",
        environment: "local",
        settings: settings({ jaeger: { storage: "memory", maxTraces: 20000 } }).jaeger,
    });
    await settle(resources);
});

const names: Record<string, string> = { [T.configMap]: "jaeger-config" };
const inNs = (type: string, namespace: string): Obj => object(resources, type, names[type] ?? "jaeger", namespace);
const config = (namespace: string): Obj => dataYaml(inNs(T.configMap, namespace), "config.yaml");

describe("Jaeger storage", () => {
    it("keeps at most maxTraces in memory when storage is memory", () => {
        expect(config("obs-memory").extensions.jaeger_storage.backends.primary).toEqual({ memory: { max_traces: 20000 } });
        expect(list(inNs(T.statefulSet, "obs-memory").spec.volumeClaimTemplates)).toEqual([]);
    });

    it("persists to Badger on a claim template when storage is badger", () => {
        const badger = config("obs-badger").extensions.jaeger_storage.backends.primary.badger;
        expect(badger).toMatchObject({ ephemeral: false, directories: { keys: "/badger/keys", values: "/badger/values" } });
        const sts = inNs(T.statefulSet, "obs-badger");
        expect(list(sts.spec.volumeClaimTemplates)[0].spec.resources.requests.storage).toBe("20Gi");
        expect(list(container(sts).volumeMounts)).toContainEqual({ name: "data", mountPath: "/badger" });
    });
});

describe("Jaeger endpoints", () => {
    it("receives OTLP on 4317 and 4318, serves the UI on 16686 and its metrics on 8888", () => {
        const c = config("obs-badger");
        expect(c.receivers.otlp.protocols).toEqual({ grpc: { endpoint: "0.0.0.0:4317" }, http: { endpoint: "0.0.0.0:4318" } });
        expect(c.extensions.jaeger_query.http.endpoint).toBe("0.0.0.0:16686");
        expect(c.service.telemetry.metrics.readers[0].pull.exporter.prometheus).toEqual({ host: "0.0.0.0", port: 8888 });
        expect(c.service.pipelines.traces).toEqual({
            receivers: ["otlp"],
            processors: ["batch"],
            exporters: ["jaeger_storage_exporter"],
        });
    });

    it("keeps the query service's gRPC API, which no Service exposes, on the pod's loopback", () => {
        expect(config("obs-badger").extensions.jaeger_query.grpc).toEqual({ endpoint: "127.0.0.1:16685" });
    });

    it("is started and ready by the health check extension on 13133", () => {
        const c = container(inNs(T.statefulSet, "obs-badger"));
        for (const probe of ["startupProbe", "readinessProbe"]) {
            expect(c[probe].httpGet).toEqual({ path: "/status", port: 13133 });
        }
        expect(podSpec(inNs(T.statefulSet, "obs-badger")).securityContext.runAsUser).toBe(10001);
    });

    it("is alive while its OTLP receiver accepts connections, whatever the pipelines' health", () => {
        expect(container(inNs(T.statefulSet, "obs-badger")).livenessProbe.tcpSocket).toEqual({ port: 4317 });
    });

    it("accepts spans from the collector, queries from Grafana and scrapes from Prometheus only", () => {
        const np = inNs(T.networkPolicy, "obs-badger");
        expect(np.spec.ingress).toEqual([
            { from: [{ podSelector: { matchLabels: selectorOf("otel-collector") } }], ports: [{ protocol: "TCP", port: 4317 }] },
            { from: [{ podSelector: { matchLabels: selectorOf("grafana") } }], ports: [{ protocol: "TCP", port: 16686 }] },
            { from: [{ podSelector: { matchLabels: selectorOf("prometheus") } }], ports: [{ protocol: "TCP", port: 8888 }] },
        ]);
        expect(np.spec.egress).toEqual([]);
    });
});
