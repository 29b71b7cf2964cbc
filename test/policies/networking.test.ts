import { describe, expect, it } from "vitest";

import {
    namespaceDefaultDeny,
    noAllowAllPolicies,
    noConfigInjectionAnnotations,
    noExternalIps,
    noExternalServiceTypes,
    workloadsSelectedByPolicy,
} from "../../policies/rules/networking";
import {
    allowIngressTo,
    configMap,
    defaultDeny,
    deployment,
    labelsFor,
    networkPolicy,
    service,
    withAnnotations,
    workload,
    WORKLOAD_KINDS,
} from "./fixtures";
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
        const np = networkPolicy("default-deny", {
            podSelector: {},
            policyTypes: ["Ingress", "Egress"],
            ingress: [{ from: [{ podSelector: {} }] }],
        });
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
        expect(
            await problems(namespaceDefaultDeny, [deployment("api-gateway"), defaultDeny("azora-observability")]),
        ).toHaveLength(1);
    });

    it("asks nothing of a namespace without workloads", async () => {
        expect(await problems(namespaceDefaultDeny, [service("api-gateway")])).toEqual([]);
    });
});

describe("network-workloads-selected-by-policy", () => {
    it.each(WORKLOAD_KINDS)("passes a %s selected by a matching podSelector", async (kind) => {
        expect(await problems(workloadsSelectedByPolicy, [workload(kind, "api-gateway"), allowIngressTo("api-gateway")])).toEqual(
            [],
        );
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
            podSelector: {
                matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: ["api-gateway", "auth-service"] }],
            },
            policyTypes: ["Ingress"],
        });
        expect(await problems(workloadsSelectedByPolicy, [deployment("auth-service"), np])).toEqual([]);
        expect(await problems(workloadsSelectedByPolicy, [deployment("worker"), np])).toHaveLength(1);
    });

    it("only counts NetworkPolicies in the workload's namespace", async () => {
        expect(
            await problems(workloadsSelectedByPolicy, [deployment("api-gateway"), defaultDeny("azora-observability")]),
        ).toHaveLength(1);
    });

    it("reads CronJob pod labels from the job template", async () => {
        const cj = workload("CronJob", "db-backup", { labels: labelsFor("db-backup") });
        expect(await problems(workloadsSelectedByPolicy, [cj, allowIngressTo("db-backup")])).toEqual([]);
    });
});

describe("network-no-external-ips", () => {
    it("passes a Service without externalIPs", async () => {
        expect(await problems(noExternalIps, service("api-gateway"))).toEqual([]);
    });

    it("reports externalIPs (CVE-2020-8554)", async () => {
        expect(await problems(noExternalIps, service("api-gateway", { externalIPs: ["203.0.113.7"] }))).toEqual([
            "Service azora/api-gateway: sets externalIPs 203.0.113.7.",
        ]);
    });
});

/** A Service carrying `annotations` (HAProxy's controller reads them on Services as well as Ingresses). */
function annotated(annotations: Record<string, string>) {
    return withAnnotations(service("api-gateway"), annotations);
}

describe("network-no-config-injection-annotations", () => {
    it.each([
        "nginx.ingress.kubernetes.io/configuration-snippet",
        "nginx.ingress.kubernetes.io/server-snippet",
        "nginx.ingress.kubernetes.io/auth-snippet",
        "nginx.org/location-snippets",
        "haproxy.org/backend-config-snippet",
    ])("reports %s", async (key) => {
        expect(await problems(noConfigInjectionAnnotations, annotated({ [key]: "return 200;" }))).toEqual([
            `Service azora/api-gateway: carries the configuration snippet annotation ${key}.`,
        ]);
    });

    it("reports configuration syntax in auth-url (CVE-2025-24514)", async () => {
        const value = "http://auth.azora.svc/verify;}\nlocation /x { return 200; }";
        expect(
            await problems(noConfigInjectionAnnotations, annotated({ "nginx.ingress.kubernetes.io/auth-url": value })),
        ).toEqual(["Service azora/api-gateway: carries configuration syntax in annotation nginx.ingress.kubernetes.io/auth-url."]);
    });

    it("accepts a plain auth-url and ordinary annotations", async () => {
        const ok = annotated({
            "nginx.ingress.kubernetes.io/auth-url": "http://auth.azora.svc/verify",
            "cert-manager.io/cluster-issuer": "letsencrypt",
        });
        expect(await problems(noConfigInjectionAnnotations, ok)).toEqual([]);
    });

    it("reports a controller ConfigMap that turns snippets on", async () => {
        expect(
            await problems(
                noConfigInjectionAnnotations,
                configMap("ingress-nginx-controller", { "allow-snippet-annotations": "true" }),
            ),
        ).toEqual([
            'ConfigMap azora/ingress-nginx-controller: sets allow-snippet-annotations: "true", which lets every Ingress inject proxy configuration.',
        ]);
    });
});

describe("network-no-allow-all-policies", () => {
    it("passes the default-deny and a targeted allow", async () => {
        expect(await problems(noAllowAllPolicies, [defaultDeny(), allowIngressTo("auth-service")])).toEqual([]);
    });

    it.each([
        ["no peers at all", {}],
        ["every namespace", { from: [{ namespaceSelector: {} }] }],
        ["every IPv4 address", { from: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }],
    ])("reports ingress from %s on every port to every pod", async (_what, rule) => {
        const p = networkPolicy("open", { podSelector: {}, policyTypes: ["Ingress"], ingress: [rule] });
        expect(await problems(noAllowAllPolicies, p)).toEqual([
            "NetworkPolicy azora/open: ingress rule #1 admits every source on every port to every pod of the namespace.",
        ]);
    });

    it("accepts ingress from everywhere to one pod on one port (the edge)", async () => {
        const p = networkPolicy("edge", {
            podSelector: { matchLabels: labelsFor("api-gateway") },
            policyTypes: ["Ingress"],
            ingress: [{ from: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ port: 8080 }] }],
        });
        expect(await problems(noAllowAllPolicies, p)).toEqual([]);
    });

    it("reports egress everywhere on every port, even for one pod", async () => {
        const p = networkPolicy("leak", {
            podSelector: { matchLabels: labelsFor("api-gateway") },
            policyTypes: ["Egress"],
            egress: [{ to: [{ ipBlock: { cidr: "::/0" } }] }],
        });
        expect(await problems(noAllowAllPolicies, p)).toEqual([
            "NetworkPolicy azora/leak: egress rule #1 allows every destination on every port.",
        ]);
    });

    it("accepts egress to everywhere but the cluster's private ranges on 443", async () => {
        const p = networkPolicy("payments", {
            podSelector: { matchLabels: labelsFor("azora-pay") },
            policyTypes: ["Egress"],
            egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8"] } }], ports: [{ port: 443 }] }],
        });
        expect(await problems(noAllowAllPolicies, p)).toEqual([]);
    });
});
