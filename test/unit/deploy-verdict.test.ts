// The deploy workflow's decision after `pulumi up` (scripts/deploy/verdict.ts): when a deployment is
// good, and what the automatic rollback redeploys when it is not.
import { describe, expect, it } from "vitest";
import {
    deployedDigests,
    firingCritical,
    fromTags,
    gatewayHealthUrl,
    type Poll,
    type PrometheusAlert,
    rollbackPlan,
    rolloutProblem,
    serviceProxyPath,
    toTags,
    verdict,
    type Workload,
} from "../../scripts/deploy/verdict";

const digest = (c: string): string => `sha256:${c.repeat(64)}`;

const deployment = (status: Workload["status"], replicas = 2, generation = 3): Workload => ({
    kind: "Deployment",
    metadata: { name: "azora-pay", namespace: "azora", generation },
    spec: { replicas },
    status,
});
const complete = { observedGeneration: 3, replicas: 2, updatedReplicas: 2, availableReplicas: 2 };

describe("rolloutProblem", () => {
    it("finds nothing wrong with a Deployment whose every replica is updated and available", () => {
        expect(rolloutProblem(deployment(complete))).toBeUndefined();
    });

    it("reports a Deployment whose controller has not observed the latest generation", () => {
        expect(rolloutProblem(deployment({ ...complete, observedGeneration: 2 }))).toMatch(/azora\/azora-pay.*generation 3/);
    });

    it("reports a Deployment past its progress deadline with the controller's reason", () => {
        const stalled = {
            ...complete,
            updatedReplicas: 1,
            conditions: [{ type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded" }],
        };
        expect(rolloutProblem(deployment(stalled))).toMatch(/ProgressDeadlineExceeded/);
    });

    it("reports a Deployment with replicas not yet available", () => {
        expect(rolloutProblem(deployment({ ...complete, availableReplicas: 1 }))).toMatch(/1 of 2 replicas available/);
    });

    it("reports a Deployment whose old replicas are still terminating", () => {
        expect(rolloutProblem(deployment({ ...complete, replicas: 3 }))).toMatch(/old replicas/);
    });

    it("reports a StatefulSet whose pods are not all on the update revision", () => {
        const sts: Workload = {
            kind: "StatefulSet",
            metadata: { name: "prometheus", namespace: "obs", generation: 1 },
            spec: { replicas: 2 },
            status: { observedGeneration: 1, readyReplicas: 2, updatedReplicas: 1, currentRevision: "a", updateRevision: "b" },
        };
        expect(rolloutProblem(sts)).toMatch(/1 of 2 pods on revision b/);
    });

    it("reports a DaemonSet with nodes still running the old pod", () => {
        const ds: Workload = {
            kind: "DaemonSet",
            metadata: { name: "log-shipper", namespace: "logs", generation: 1 },
            status: { observedGeneration: 1, desiredNumberScheduled: 3, updatedNumberScheduled: 2, numberAvailable: 3 },
        };
        expect(rolloutProblem(ds)).toMatch(/2 of 3 replicas updated/);
    });
});

describe("firingCritical", () => {
    const alert = (state: PrometheusAlert["state"], severity: string): PrometheusAlert => ({
        state,
        labels: { alertname: "AzoraServiceDown", severity, service: "azora-pay", namespace: "azora" },
    });

    it("names a firing critical alert with its labels", () => {
        expect(firingCritical([alert("firing", "critical")])).toEqual([
            'AzoraServiceDown{namespace="azora",service="azora-pay"}',
        ]);
    });

    it("ignores pending critical alerts and firing warnings", () => {
        expect(firingCritical([alert("pending", "critical"), alert("firing", "warning")])).toEqual([]);
    });
});

describe("verdict", () => {
    const quiet = (at: number, health: Poll["health"] = 200): Poll => ({ at, critical: [], health });

    it("calls a deployment good when rollouts completed, no critical alert fired and the gateway answered", () => {
        expect(verdict([], [quiet(0), quiet(15), quiet(30)])).toEqual({ ok: true, problems: [] });
    });

    it("fails a deployment with an incomplete rollout", () => {
        expect(verdict(["Deployment azora/azora-pay: 1 of 2 replicas available"], [quiet(0)]).ok).toBe(false);
    });

    it("fails on a critical alert that fired at any poll of the settle window, once, from when it fired", () => {
        const polls = [
            quiet(0),
            { ...quiet(15), critical: ["AzoraServiceDown{}"] },
            { ...quiet(30), critical: ["AzoraServiceDown{}"] },
            quiet(45),
        ];
        expect(verdict([], polls).problems).toEqual(["critical alert firing (from 15s): AzoraServiceDown{}"]);
    });

    it("fails when Prometheus cannot be read: a verification that cannot see the alerts proves nothing", () => {
        expect(verdict([], [{ at: 0, critical: { error: "connection refused" }, health: 200 }]).problems[0]).toMatch(
            /Prometheus unreadable/,
        );
    });

    it("fails when the gateway health endpoint does not answer 2xx at the end of the window", () => {
        expect(verdict([], [quiet(0), quiet(15, 503)]).problems).toEqual(["gateway health endpoint: HTTP 503 at 15s"]);
    });

    it("tolerates one failed health poll before the end of the window", () => {
        expect(verdict([], [quiet(0, { error: "timeout" }), quiet(15)]).ok).toBe(true);
    });

    it("fails a window that made no poll", () => {
        expect(verdict([], []).ok).toBe(false);
    });
});

describe("rollbackPlan", () => {
    const good = { ref: "a".repeat(40), digests: { "azora-pay": digest("1") } };

    it("redeploys the last good commit and digests after a failed release", () => {
        expect(rollbackPlan({ ref: "b".repeat(40), digests: { "azora-pay": digest("2") } }, good)).toEqual({
            action: "redeploy",
            ...good,
        });
    });

    it("redeploys the last good digests when only an image changed", () => {
        expect(rollbackPlan({ ref: good.ref, digests: { "azora-pay": digest("2") } }, good).action).toBe("redeploy");
    });

    it("does nothing on the first deploy of a stack: there is no good state to go back to", () => {
        const plan = rollbackPlan(good, undefined);
        expect(plan.action).toBe("none");
        expect(plan.action === "none" && plan.reason).toMatch(/no deployment/);
    });

    it("does not redeploy the very state that just failed (the fault is outside the release)", () => {
        expect(rollbackPlan({ ...good, digests: { ...good.digests } }, good)).toMatchObject({ action: "none" });
    });
});

describe("the last good state in stack tags", () => {
    it("round-trips the commit and the digests", () => {
        const state = { ref: "c".repeat(40), digests: { "azora-pay": digest("3"), "api-gateway": digest("4") } };
        expect(fromTags(toTags(state))).toEqual(state);
    });

    it("keeps every tag within Pulumi Cloud's limits (name 40 characters, value 256)", () => {
        const tags = toTags({ ref: "c".repeat(40), digests: { "ai-family-service": digest("5") } });
        for (const [name, value] of Object.entries(tags)) {
            expect(name.length).toBeLessThanOrEqual(40);
            expect(value.length).toBeLessThanOrEqual(256);
        }
    });

    it("holds no state when the ref tag is missing", () => {
        expect(fromTags({ "pulumi:project": "azora-platform" })).toBeUndefined();
    });
});

describe("deployedDigests", () => {
    it("takes the digest of each catalog service's image and skips tag-only images and non-services", () => {
        expect(
            deployedDigests([
                { name: "azora-pay", image: `ghcr.io/azora-os/azora-pay:1.4.2@${digest("6")}` },
                { name: "auth-service", image: "ghcr.io/azora-os/auth-service:1.4.2" },
                { name: "grafana", image: `grafana/grafana:12.0.0@${digest("7")}` },
            ]),
        ).toEqual({ "azora-pay": digest("6") });
    });
});

describe("where the verification looks", () => {
    it("reaches an in-cluster Service through the API server's service proxy", () => {
        expect(serviceProxyPath("http://prometheus.azora-observability.svc.cluster.local:9090", "/api/v1/alerts")).toBe(
            "/api/v1/namespaces/azora-observability/services/http:prometheus:9090/proxy/api/v1/alerts",
        );
    });

    it("refuses a URL that is not an in-cluster Service", () => {
        expect(() => serviceProxyPath("https://prometheus.example.com", "/")).toThrow(/not an in-cluster Service URL/);
    });

    it("checks the public service's readiness path behind the gateway URL", () => {
        expect(gatewayHealthUrl("https://api.azora.example")).toBe("https://api.azora.example/health/ready");
    });
});
