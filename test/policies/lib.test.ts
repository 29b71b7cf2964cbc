import { describe, expect, it } from "vitest";

import { COMPUTED, identityOf, isEmptySelector, kindOfType, KubeObject, labelSelectorSelects } from "../../policies/lib/k8s";

/** Props whose metadata fields throw on access, as the policy server's proxy does for preview unknowns. */
function withUnknownMetadata(): KubeObject {
    const metadata = {};
    for (const field of ["name", "namespace"]) {
        Object.defineProperty(metadata, field, {
            enumerable: true,
            get: () => {
                throw new Error(`string value at .metadata.${field} can't be known during preview`);
            },
        });
    }
    return { metadata };
}

describe("type tokens", () => {
    it.each([
        ["kubernetes:apps/v1:Deployment", "Deployment"],
        ["kubernetes:core/v1:Pod", "Pod"],
        ["kubernetes:batch/v1:CronJob", "CronJob"],
        ["kubernetes:autoscaling/v1:HorizontalPodAutoscaler", "HorizontalPodAutoscaler"],
        ["kubernetes:networking.k8s.io/v1:NetworkPolicy", "NetworkPolicy"],
        ["kubernetes:extensions/v1beta1:Deployment", "Deployment"],
        ["kubernetes:apps/v1beta2:StatefulSet", "StatefulSet"],
        ["kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "HTTPRoute"],
        ["kubernetes:gateway.networking.k8s.io/v1beta1:Gateway", "Gateway"],
        ["kubernetes:gateway.envoyproxy.io/v1alpha1:BackendTrafficPolicy", "BackendTrafficPolicy"],
    ])("recognise %s as %s, whatever the API version", (type, kind) => {
        expect(kindOfType(type)).toBe(kind);
    });

    it.each(["kubernetes:apps/v1:DeploymentPatch", "kubernetes:apps/v1:DeploymentList", "kubernetes:core/v1:SecretList", "kubernetes:gateway.envoyproxy.io/v1alpha1:HTTPRoute", "aws:s3/bucket:Bucket", "pulumi:providers:kubernetes"])(
        "ignore %s",
        (type) => {
            expect(kindOfType(type)).toBeUndefined();
        },
    );
});

describe("object identity", () => {
    it("prefers metadata.name over the Pulumi name", () => {
        expect(identityOf("Deployment", { metadata: { name: "api-gateway", namespace: "azora" } }, "api-gateway-deploy")).toEqual({
            kind: "Deployment",
            namespace: "azora",
            name: "api-gateway",
        });
    });

    it("falls back to the Pulumi name and the default namespace", () => {
        expect(identityOf("ConfigMap", {}, "cfg")).toEqual({ kind: "ConfigMap", namespace: "default", name: "cfg" });
    });

    it("gives cluster-scoped objects no namespace", () => {
        expect(identityOf("ClusterRole", { metadata: { name: "reader", namespace: "ignored" } }, "r")).toEqual({ kind: "ClusterRole", name: "reader" });
    });

    it("survives a name and namespace that are unknown during a preview", () => {
        expect(identityOf("Deployment", withUnknownMetadata(), "api-gateway")).toEqual({ kind: "Deployment", namespace: COMPUTED, name: "api-gateway" });
    });
});

describe("label selectors", () => {
    const labels = { "app.kubernetes.io/name": "api-gateway", tier: "edge" };

    it("select everything when empty", () => {
        expect([isEmptySelector({}), labelSelectorSelects({}, labels), labelSelectorSelects(undefined, labels)]).toEqual([true, true, true]);
    });

    it.each([
        [{ matchLabels: { tier: "edge" } }, true],
        [{ matchLabels: { tier: "core" } }, false],
        [{ matchExpressions: [{ key: "tier", operator: "In", values: ["edge", "core"] }] }, true],
        [{ matchExpressions: [{ key: "tier", operator: "NotIn", values: ["edge"] }] }, false],
        [{ matchExpressions: [{ key: "tier", operator: "Exists" }] }, true],
        [{ matchExpressions: [{ key: "zone", operator: "DoesNotExist" }] }, true],
        [{ matchExpressions: [{ key: "tier", operator: "Bogus" }] }, false],
    ])("evaluate %j as %s", (selector, expected) => {
        expect(labelSelectorSelects(selector, labels)).toBe(expected);
    });
});
