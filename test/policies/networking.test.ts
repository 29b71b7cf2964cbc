import { describe, expect, it } from "vitest";

import {
    ingressTls,
    namespaceDefaultDeny,
    noExternalServiceTypes,
    tlsHostCovers,
    workloadsSelectedByPolicy,
} from "../../policies/rules/networking";
import { allowIngressTo, defaultDeny, deployment, ingress, labelsFor, networkPolicy, service, workload, WORKLOAD_KINDS } from "./fixtures";
import { problems } from "./harness";

describe("network-no-external-service-types", () => {
    it("passes a ClusterIP Service", async () => {
        expect(await problems(noExternalServiceTypes, service("api-gateway"))).toEqual([]);
    });

    it("passes a headless Service with no type", async () => {
        expect(await problems(noExternalServiceTypes, service("loki-headless", { type: undefined }))).toEqual([]);
    });

    it.each(["LoadBalancer", "NodePort"])("reports a %s Service", async (type) => {
        expect(await problems(noExternalServiceTypes, service("api-gateway", { type }))).toEqual([
            `Service azora/api-gateway: is of type ${type}, which exposes it outside the cluster.`,
        ]);
    });
});

describe("network-ingress-tls", () => {
    it("passes an Ingress whose tls covers every host, including through a wildcard", async () => {
        const ing = ingress("edge", {
            tls: [{ hosts: ["azora.example", "*.azora.example"], secretName: "edge-tls" }],
            rules: [{ host: "azora.example" }, { host: "api.azora.example" }],
        });
        expect(await problems(ingressTls, ing)).toEqual([]);
    });

    it("reports an Ingress without tls", async () => {
        expect(await problems(ingressTls, ingress("edge", { rules: [{ host: "api.azora.example" }] }))).toEqual([
            "Ingress azora/edge: has no tls section, so it serves plain HTTP.",
        ]);
    });

    it("reports a host no tls entry covers", async () => {
        const ing = ingress("edge", {
            tls: [{ hosts: ["api.azora.example"], secretName: "edge-tls" }],
            rules: [{ host: "api.azora.example" }, { host: "grafana.azora.example" }],
        });
        expect(await problems(ingressTls, ing)).toEqual(["Ingress azora/edge: serves host grafana.azora.example without a tls entry covering it."]);
    });

    it("reports a rule without a host", async () => {
        const ing = ingress("edge", { tls: [{ hosts: ["api.azora.example"], secretName: "edge-tls" }], rules: [{}] });
        expect(await problems(ingressTls, ing)).toEqual(["Ingress azora/edge: has a rule without a host, which TLS cannot cover."]);
    });

    it("reports a tls entry without a secretName", async () => {
        const ing = ingress("edge", { tls: [{ hosts: ["api.azora.example"] }], rules: [{ host: "api.azora.example" }] });
        expect(await problems(ingressTls, ing)).toEqual(["Ingress azora/edge: has a tls entry for api.azora.example without a secretName."]);
    });

    it("lets a wildcard cover exactly one label", () => {
        expect([tlsHostCovers("*.azora.example", "a.azora.example"), tlsHostCovers("*.azora.example", "a.b.azora.example"), tlsHostCovers("*.azora.example", "azora.example")]).toEqual([
            true,
            false,
            false,
        ]);
    });
});

describe("network-namespace-default-deny", () => {
    it("passes a namespace with a default-deny policy that still allows DNS egress", async () => {
        expect(await problems(namespaceDefaultDeny, [deployment("api-gateway"), defaultDeny()])).toEqual([]);
    });

    it("reports a namespace with workloads and no NetworkPolicy", async () => {
        expect(await problems(namespaceDefaultDeny, [deployment("api-gateway")])).toEqual([
            "Namespace azora: runs workloads but has no default-deny NetworkPolicy.",
        ]);
    });

    it("does not count a policy that only selects some pods", async () => {
        expect(await problems(namespaceDefaultDeny, [deployment("api-gateway"), allowIngressTo("api-gateway")])).toEqual([
            "Namespace azora: runs workloads but has no default-deny NetworkPolicy.",
        ]);
    });

    it("reports a would-be default-deny policy that leaves out Egress", async () => {
        const np = networkPolicy("default-deny", { podSelector: {}, policyTypes: ["Ingress"] });
        expect(await problems(namespaceDefaultDeny, [deployment("api-gateway"), np])).toEqual([
            "Namespace azora: runs workloads but has no default-deny NetworkPolicy (NetworkPolicy default-deny: its policyTypes lack Egress).",
        ]);
    });

    it("reports a would-be default-deny policy with ingress rules", async () => {
        const np = networkPolicy("default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [{ from: [{ podSelector: {} }] }] });
        expect(await problems(namespaceDefaultDeny, [deployment("api-gateway"), np])).toEqual([
            "Namespace azora: runs workloads but has no default-deny NetworkPolicy (NetworkPolicy default-deny: it has ingress rules).",
        ]);
    });

    it("reports a would-be default-deny policy whose egress allows everything", async () => {
        const np = networkPolicy("default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"], egress: [{}] });
        expect(await problems(namespaceDefaultDeny, [deployment("api-gateway"), np])).toEqual([
            "Namespace azora: runs workloads but has no default-deny NetworkPolicy (NetworkPolicy default-deny: it has an egress rule that allows all traffic).",
        ]);
    });

    it("does not accept another namespace's default-deny policy", async () => {
        expect(await problems(namespaceDefaultDeny, [deployment("api-gateway"), defaultDeny("azora-observability")])).toHaveLength(1);
    });

    it("asks nothing of a namespace without workloads", async () => {
        expect(await problems(namespaceDefaultDeny, [service("api-gateway")])).toEqual([]);
    });
});

describe("network-workloads-selected-by-policy", () => {
    it.each(WORKLOAD_KINDS)("passes a %s selected by a matching podSelector", async (kind) => {
        expect(await problems(workloadsSelectedByPolicy, [workload(kind, "api-gateway"), allowIngressTo("api-gateway")])).toEqual([]);
    });

    it("passes a workload covered by an empty podSelector", async () => {
        expect(await problems(workloadsSelectedByPolicy, [deployment("api-gateway"), defaultDeny()])).toEqual([]);
    });

    it("reports a workload no NetworkPolicy selects", async () => {
        expect(await problems(workloadsSelectedByPolicy, [deployment("worker"), allowIngressTo("api-gateway")])).toEqual([
            "Deployment azora/worker: is not selected by any NetworkPolicy in its namespace, so its pods accept and send any traffic.",
        ]);
    });

    it("honours matchExpressions", async () => {
        const np = networkPolicy("gateway", {
            podSelector: { matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: ["api-gateway", "auth-service"] }] },
            policyTypes: ["Ingress"],
        });
        expect(await problems(workloadsSelectedByPolicy, [deployment("auth-service"), np])).toEqual([]);
        expect(await problems(workloadsSelectedByPolicy, [deployment("worker"), np])).toHaveLength(1);
    });

    it("only counts NetworkPolicies in the workload's namespace", async () => {
        expect(await problems(workloadsSelectedByPolicy, [deployment("api-gateway"), defaultDeny("azora-observability")])).toHaveLength(1);
    });

    it("reads CronJob pod labels from the job template", async () => {
        const cj = workload("CronJob", "db-backup", { labels: labelsFor("db-backup") });
        expect(await problems(workloadsSelectedByPolicy, [cj, allowIngressTo("db-backup")])).toEqual([]);
    });
});
