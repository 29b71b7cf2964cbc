// The live suite's one transformation of the rendered configuration (test/live/loopback.ts):
// what it maps, and that it maps nothing else.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { bindOnLoopback, discoverOnLoopback, discoverThroughKubeconfig, listenOnLoopback, toLoopback } from "../live/loopback";
import { callTrace, exportRequest } from "../live/otlp";

const map = {
    addresses: {
        "alertmanager-0.alertmanager-headless.azora-observability.svc.cluster.local:9093": "127.0.0.1:40001",
        "https://hooks.slack.com": "http://127.0.0.1:40002",
    },
    paths: {
        "/tmp": "/tmp/live-x/tmp",
        "/prometheus": "/tmp/live-x/prometheus",
        "/etc/prometheus/rules": "/tmp/live-x/etc/prometheus/rules",
    },
};

describe("the loopback map", () => {
    it("maps an in-cluster address to its loopback port", () => {
        expect(
            toLoopback("targets: [alertmanager-0.alertmanager-headless.azora-observability.svc.cluster.local:9093]", map),
        ).toBe("targets: [127.0.0.1:40001]");
    });

    it("maps an external receiver's origin and keeps its path", () => {
        expect(toLoopback("https://hooks.slack.com/services/T0/B0/x", map)).toBe("http://127.0.0.1:40002/services/T0/B0/x");
    });

    it("maps a pod path and the files under it, once: the temporary directory under /tmp is not mapped again", () => {
        expect(toLoopback("--storage.tsdb.path=/prometheus", map)).toBe("--storage.tsdb.path=/tmp/live-x/prometheus");
        expect(toLoopback("/etc/prometheus/rules/a.yaml", map)).toBe("/tmp/live-x/etc/prometheus/rules/a.yaml");
        expect(toLoopback("/tmp/x", map)).toBe("/tmp/live-x/tmp/x");
    });

    it("leaves a path that only ends like a mapped one", () => {
        expect(toLoopback("/etc/prometheus/config/prometheus.yml", map)).toBe("/etc/prometheus/config/prometheus.yml");
        expect(toLoopback("/tmpfs", map)).toBe("/tmpfs");
    });

    it("refuses an in-cluster address it has no loopback port for", () => {
        expect(() => toLoopback("url: http://loki.azora-observability.svc.cluster.local:3100/loki/api/v1/push", map)).toThrow(
            /unmapped in-cluster address loki\.azora-observability\.svc\.cluster\.local:3100/,
        );
    });
});

describe("discovery on loopback", () => {
    const job = (name: string) => ({
        job_name: name,
        kubernetes_sd_configs: [{ role: "endpointslice" }],
        relabel_configs: [{ action: "keep", regex: `${name};8080` }],
    });

    it("replaces a served job's Kubernetes discovery with its loopback endpoint and the metadata labels discovery attaches", () => {
        const [served] = discoverOnLoopback([job("ksm")], {
            ksm: [{ address: "127.0.0.1:40003", namespace: "ns", service: "ksm", port: 8080, pod: "ksm-0", container: "ksm" }],
        });
        expect(served).toEqual({
            job_name: "ksm",
            relabel_configs: [{ action: "keep", regex: "ksm;8080" }],
            static_configs: [
                {
                    targets: ["127.0.0.1:40003"],
                    labels: {
                        __meta_kubernetes_namespace: "ns",
                        __meta_kubernetes_service_name: "ksm",
                        __meta_kubernetes_endpointslice_port: "8080",
                        __meta_kubernetes_pod_name: "ksm-0",
                        __meta_kubernetes_pod_container_name: "ksm",
                    },
                },
            ],
        });
    });

    it("keeps a job it does not serve, without discovery and so without targets", () => {
        expect(discoverOnLoopback([job("other")], {})).toEqual([
            { job_name: "other", relabel_configs: [{ action: "keep", regex: "other;8080" }] },
        ]);
    });

    it("points a job's Kubernetes discovery at a cluster through the test's kubeconfig, keeping the rest of it", () => {
        expect(discoverThroughKubeconfig([job("ksm"), { job_name: "static", static_configs: [] }], "/tmp/kc")).toEqual([
            {
                job_name: "ksm",
                kubernetes_sd_configs: [{ role: "endpointslice", kubeconfig_file: "/tmp/kc" }],
                relabel_configs: [{ action: "keep", regex: "ksm;8080" }],
            },
            { job_name: "static", static_configs: [] },
        ]);
    });

    it("binds the listen address to loopback, and refuses a container that has none", () => {
        expect(listenOnLoopback(["--config.file=/c", "--web.listen-address=:9090"], 40004)).toEqual([
            "--config.file=/c",
            "--web.listen-address=127.0.0.1:40004",
        ]);
        expect(() => listenOnLoopback(["--config.file=/c"], 40004)).toThrow(/--web.listen-address=/);
    });
});

describe("a Collector distribution's listeners on loopback", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "live-bind-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const config = (text: string): string => {
        const file = path.join(dir, `${Math.random().toString(36).slice(2)}.yaml`);
        writeFileSync(file, text);
        return file;
    };
    const rendered = [
        "receivers: { otlp: { protocols: { grpc: { endpoint: 0.0.0.0:4317 } } } }",
        "exporters: { otlp/jaeger: { endpoint: 127.0.0.1:40100 } }",
        "service: { telemetry: { metrics: { readers: [ { pull: { exporter: { prometheus: { host: 0.0.0.0, port: 8888 } } } } ] } } }",
    ].join("\n");

    it("binds every all-interfaces endpoint and telemetry reader to 127.0.0.1 on its mapped port, and changes nothing else", () => {
        const file = config(rendered);
        bindOnLoopback(file, { 4317: 40001, 8888: 40002 });
        expect(parse(readFileSync(file, "utf8"))).toEqual({
            receivers: { otlp: { protocols: { grpc: { endpoint: "127.0.0.1:40001" } } } },
            exporters: { "otlp/jaeger": { endpoint: "127.0.0.1:40100" } },
            service: {
                telemetry: { metrics: { readers: [{ pull: { exporter: { prometheus: { host: "127.0.0.1", port: 40002 } } } }] } },
            },
        });
    });

    it("refuses a listener on a port the map does not name", () => {
        expect(() => bindOnLoopback(config(rendered), { 4317: 40001 })).toThrow(/0\.0\.0\.0:8888/);
    });
});

describe("the OTLP span generator", () => {
    it("encodes one call as the caller's server and client spans and the callee's server span, in one trace", () => {
        const trace = callTrace("api-gateway", "auth-service", false);
        const request = exportRequest([trace], 1_000) as {
            resourceSpans: {
                resource: { attributes: { value: { stringValue: string } }[] };
                scopeSpans: { spans: { traceId: string; parentSpanId?: string; kind: number }[] }[];
            }[];
        };
        const byService = Object.fromEntries(
            request.resourceSpans.map((r) => [r.resource.attributes[0].value.stringValue, r.scopeSpans[0].spans]),
        );
        expect(Object.keys(byService)).toEqual(["api-gateway", "auth-service"]);
        expect(byService["api-gateway"].map((s) => s.kind)).toEqual([2, 3]);
        expect(byService["auth-service"][0].parentSpanId).toBe(trace.spans[1].spanId);
        expect(
            new Set(
                Object.values(byService)
                    .flat()
                    .map((s) => s.traceId),
            ),
        ).toEqual(new Set([trace.traceId]));
        expect(trace.traceId).toMatch(/^[0-9a-f]{32}$/);
    });

    it("marks every span of a failed call with the error status, and none of a successful one", () => {
        expect(callTrace("a", "b", true).spans.every((s) => s.error)).toBe(true);
        const ok = exportRequest([callTrace("a", "b", false)]) as {
            resourceSpans: { scopeSpans: { spans: { status: object }[] }[] }[];
        };
        expect(ok.resourceSpans.flatMap((r) => r.scopeSpans[0].spans.map((s) => s.status))).toEqual([{}, {}, {}]);
    });
});
