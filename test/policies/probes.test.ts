import { describe, expect, it } from "vitest";

import { livenessAndStartup, livenessDiffersFromReadiness, readinessOnServedWorkloads } from "../../policies/rules/probes";
import { deployment, labelsFor, service, workload, WORKLOAD_KINDS } from "./fixtures";
import { problems } from "./harness";

describe("probes-liveness-and-startup", () => {
    it.each(["Deployment", "StatefulSet", "ReplicaSet", "DaemonSet"] as const)("passes a compliant %s", async (kind) => {
        expect(await problems(livenessAndStartup, workload(kind, "api-gateway"))).toEqual([]);
    });

    it.each(["Deployment", "StatefulSet", "ReplicaSet"] as const)(
        "requires liveness and startup probes of a %s",
        async (kind) => {
            const w = workload(kind, "api-gateway", { container: { livenessProbe: undefined, startupProbe: undefined } });
            expect(await problems(livenessAndStartup, w)).toEqual([
                `${kind} azora/api-gateway: container "api-gateway" has no livenessProbe.`,
                `${kind} azora/api-gateway: container "api-gateway" has no startupProbe.`,
            ]);
        },
    );

    it("requires a liveness but no startup probe of a DaemonSet", async () => {
        const w = workload("DaemonSet", "log-shipper", {
            namespace: "azora-observability",
            container: { livenessProbe: undefined, startupProbe: undefined },
        });
        expect(await problems(livenessAndStartup, w)).toEqual([
            'DaemonSet azora-observability/log-shipper: container "log-shipper" has no livenessProbe.',
        ]);
    });

    it.each(["Job", "CronJob", "Pod"] as const)("asks nothing of a run-to-completion %s", async (kind) => {
        const w = workload(kind, "db-migrate", {
            container: { livenessProbe: undefined, startupProbe: undefined, readinessProbe: undefined },
        });
        expect(await problems(livenessAndStartup, w)).toEqual([]);
    });
});

describe("probes-readiness-on-served-workloads", () => {
    it("passes a served workload whose containers have readiness probes", async () => {
        expect(await problems(readinessOnServedWorkloads, [deployment("api-gateway"), service("api-gateway")])).toEqual([]);
    });

    it("reports a container without a readiness probe in a workload a Service selects", async () => {
        const d = deployment("api-gateway", { container: { readinessProbe: undefined } });
        expect(await problems(readinessOnServedWorkloads, [d, service("api-gateway")])).toEqual([
            'Deployment azora/api-gateway: container "api-gateway" has no readinessProbe, but Service api-gateway selects the workload.',
        ]);
    });

    it("does not require readiness of a workload no Service selects", async () => {
        const d = deployment("worker", { container: { readinessProbe: undefined } });
        expect(await problems(readinessOnServedWorkloads, [d, service("api-gateway")])).toEqual([]);
    });

    it("only counts Services in the workload's own namespace", async () => {
        const d = deployment("api-gateway", { container: { readinessProbe: undefined } });
        expect(await problems(readinessOnServedWorkloads, [d, service("api-gateway", {}, "other")])).toEqual([]);
    });

    it("matches a Service whose selector is a subset of the pod labels", async () => {
        const d = deployment("api-gateway", { container: { readinessProbe: undefined } });
        const svc = service("gateway-public", {
            selector: { "app.kubernetes.io/name": labelsFor("api-gateway")["app.kubernetes.io/name"] },
        });
        expect(await problems(readinessOnServedWorkloads, [d, svc])).toEqual([
            'Deployment azora/api-gateway: container "api-gateway" has no readinessProbe, but Service gateway-public selects the workload.',
        ]);
    });

    it("ignores Services without a selector", async () => {
        const d = deployment("api-gateway", { container: { readinessProbe: undefined } });
        expect(await problems(readinessOnServedWorkloads, [d, service("external-db", { selector: undefined })])).toEqual([]);
    });
});

describe("probes-liveness-differs-from-readiness", () => {
    it.each(WORKLOAD_KINDS)("passes a compliant %s", async (kind) => {
        expect(await problems(livenessDiffersFromReadiness, workload(kind, "api-gateway"))).toEqual([]);
    });

    it("reports liveness and readiness asking the same endpoint, whatever their timing", async () => {
        const d = deployment("api-gateway", {
            container: {
                readinessProbe: { httpGet: { path: "/ready", port: 8080 }, periodSeconds: 5 },
                livenessProbe: { httpGet: { path: "/ready", port: 8080 }, periodSeconds: 20, failureThreshold: 6 },
            },
        });
        expect(await problems(livenessDiffersFromReadiness, d)).toEqual([
            'Deployment azora/api-gateway: container "api-gateway" uses the same check for liveness and readiness ({"httpGet":{"path":"/ready","port":8080}}).',
        ]);
    });

    it("accepts a tcpSocket liveness beside an httpGet readiness on the same port", async () => {
        const d = deployment("api-gateway", {
            container: {
                readinessProbe: { httpGet: { path: "/ready", port: 8080 } },
                livenessProbe: { tcpSocket: { port: 8080 } },
            },
        });
        expect(await problems(livenessDiffersFromReadiness, d)).toEqual([]);
    });
});
