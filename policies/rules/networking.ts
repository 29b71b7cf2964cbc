// Networking: no accidental exposure, TLS on every ingress host, and default-deny network policies
// that cover every pod.
import type { Policies } from "@pulumi/policy";

import {
    arrayOf,
    IngressSpec,
    isEmptySelector,
    labelSelectorSelects,
    NetworkPolicySpec,
    podTemplateOf,
    POD_BEARING_KINDS,
    ServiceSpec,
    WithSpec,
} from "../lib/k8s";
import { BaseConfig, resourcePolicy, stackPolicy } from "../lib/policy";

const EXTERNAL_SERVICE_TYPES: ReadonlySet<string> = new Set(["LoadBalancer", "NodePort"]);

export const noExternalServiceTypes = resourcePolicy<BaseConfig, WithSpec<ServiceSpec>>({
    name: "network-no-external-service-types",
    group: "network",
    severity: "high",
    kinds: ["Service"],
    description:
        "Services are ClusterIP (or headless/ExternalName): no LoadBalancer or NodePort, except Services exempted by name with a reason.",
    remediation:
        "make the Service ClusterIP and route external traffic through the Ingress (TLS, one audited entry point); if it truly must be exposed, exempt it by name with a reason.",
    check: ({ props, violation }) => {
        const type = props.spec?.type;
        if (typeof type === "string" && EXTERNAL_SERVICE_TYPES.has(type)) {
            violation(`is of type ${type}, which exposes it outside the cluster.`);
        }
    },
});

/** Whether a TLS host entry covers a rule host; `*.example.com` covers exactly one extra label. */
export function tlsHostCovers(tlsHost: string, host: string): boolean {
    const t = tlsHost.toLowerCase();
    const h = host.toLowerCase();
    if (t === h) {
        return true;
    }
    if (t.startsWith("*.")) {
        const suffix = t.slice(1); // ".example.com"
        return h.endsWith(suffix) && !h.slice(0, -suffix.length).includes(".") && h.length > suffix.length;
    }
    return false;
}

export const ingressTls = resourcePolicy<BaseConfig, WithSpec<IngressSpec>>({
    name: "network-ingress-tls",
    group: "network",
    severity: "high",
    kinds: ["Ingress"],
    description: "Every Ingress terminates TLS for all of its hosts: each rule names a host, and a tls entry covers it.",
    remediation:
        "add spec.tls entries whose hosts cover every rule host, with a secretName issued by cert-manager; give every rule an explicit host.",
    check: ({ props, violation }) => {
        const tls = arrayOf(props.spec?.tls);
        const rules = arrayOf(props.spec?.rules);
        if (tls.length === 0) {
            violation("has no tls section, so it serves plain HTTP.");
            return;
        }
        const tlsHosts = tls.flatMap((t) => arrayOf(t.hosts));
        for (const t of tls) {
            if (typeof t.secretName !== "string" || t.secretName === "") {
                violation(`has a tls entry for ${arrayOf(t.hosts).join(", ") || "no hosts"} without a secretName.`);
            }
        }
        for (const r of rules) {
            if (typeof r.host !== "string" || r.host === "") {
                violation("has a rule without a host, which TLS cannot cover.");
            } else if (!tlsHosts.some((t) => tlsHostCovers(t, r.host as string))) {
                violation(`serves host ${r.host} without a tls entry covering it.`);
            }
        }
    },
});

const POLICY_TYPES = ["Ingress", "Egress"] as const;

/** Why a NetworkPolicy is not a default-deny policy, or undefined when it is one. */
function notDefaultDenyBecause(spec: NetworkPolicySpec | undefined): string | undefined {
    if (!isEmptySelector(spec?.podSelector)) {
        return "its podSelector is not empty";
    }
    const types = arrayOf(spec?.policyTypes);
    const missing = POLICY_TYPES.filter((t) => !types.includes(t));
    if (missing.length > 0) {
        return `its policyTypes lack ${missing.join(" and ")}`;
    }
    if (arrayOf(spec?.ingress).length > 0) {
        return "it has ingress rules";
    }
    if (arrayOf(spec?.egress).some((r) => arrayOf(r.to).length === 0 && arrayOf(r.ports).length === 0)) {
        return "it has an egress rule that allows all traffic";
    }
    return undefined;
}

export const namespaceDefaultDeny = stackPolicy({
    name: "network-namespace-default-deny",
    group: "network",
    severity: "high",
    description:
        "Every namespace that runs workloads has a default-deny NetworkPolicy: empty podSelector, policyTypes Ingress and Egress, no ingress rules and no allow-all egress rule.",
    remediation:
        "add a NetworkPolicy with podSelector: {}, policyTypes: [Ingress, Egress] and no ingress rules (egress only to DNS if needed), then allow each peer explicitly.",
    check: ({ ofKind, violation }) => {
        const policies = ofKind("NetworkPolicy");
        const namespaces = new Set(ofKind(...POD_BEARING_KINDS).map((w) => w.id.namespace ?? "default"));
        for (const ns of [...namespaces].sort()) {
            const inNs = policies.filter((p) => p.id.namespace === ns);
            const denies = inNs.some((p) => notDefaultDenyBecause((p.props as WithSpec<NetworkPolicySpec>).spec) === undefined);
            if (!denies) {
                const near = inNs
                    .map((p) => ({ p, why: notDefaultDenyBecause((p.props as WithSpec<NetworkPolicySpec>).spec) }))
                    .filter((x) => x.why !== undefined && !x.why.startsWith("its podSelector"));
                const detail =
                    near.length > 0
                        ? ` (NetworkPolicy ${near.map((x) => `${x.p.id.name}: ${x.why}`).join("; ")})`
                        : "";
                violation({ kind: "Namespace", name: ns }, `runs workloads but has no default-deny NetworkPolicy${detail}.`);
            }
        }
    },
});

export const workloadsSelectedByPolicy = stackPolicy({
    name: "network-workloads-selected-by-policy",
    group: "network",
    severity: "high",
    description:
        "Every pod-bearing workload is selected by at least one NetworkPolicy in its namespace (an empty podSelector selects all pods).",
    remediation: "add a NetworkPolicy whose podSelector matches the workload's pod labels (or a namespace default-deny with podSelector: {}).",
    check: ({ ofKind, violation }) => {
        const policies = ofKind("NetworkPolicy");
        for (const w of ofKind(...POD_BEARING_KINDS)) {
            const labels = podTemplateOf(w.kind, w.props)?.metadata?.labels;
            const covered = policies.some(
                (p) =>
                    p.id.namespace === w.id.namespace &&
                    labelSelectorSelects((p.props as WithSpec<NetworkPolicySpec>).spec?.podSelector, labels),
            );
            if (!covered) {
                violation(w, "is not selected by any NetworkPolicy in its namespace, so its pods accept and send any traffic.");
            }
        }
    },
});

export const networkingPolicies: Policies = [noExternalServiceTypes, ingressTls, namespaceDefaultDeny, workloadsSelectedByPolicy];
