// Networking: no accidental exposure, no configuration injection through annotations, and
// default-deny network policies that cover every pod. The public edge itself is rules/edge.ts.
import type { Policies } from "@pulumi/policy";

import {
    ALL_KINDS,
    arrayOf,
    ConfigMapObject,
    knownString,
    LabelSelector,
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
        "make the Service ClusterIP and route external traffic through the platform's Gateway (TLS, rate limits, one audited entry point); if it truly must be exposed, exempt it by name with a reason.",
    check: ({ props, violation }) => {
        const type = props.spec?.type;
        if (typeof type === "string" && EXTERNAL_SERVICE_TYPES.has(type)) {
            violation(`is of type ${type}, which exposes it outside the cluster.`);
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
                    near.length > 0 ? ` (NetworkPolicy ${near.map((x) => `${x.p.id.name}: ${x.why}`).join("; ")})` : "";
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
    remediation:
        "add a NetworkPolicy whose podSelector matches the workload's pod labels (or a namespace default-deny with podSelector: {}).",
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

export const noExternalIps = resourcePolicy<BaseConfig, WithSpec<ServiceSpec>>({
    name: "network-no-external-ips",
    group: "network",
    severity: "critical",
    kinds: ["Service"],
    description:
        "No Service sets spec.externalIPs: whoever may create a Service could otherwise intercept traffic to any IP address (CVE-2020-8554).",
    remediation:
        "remove spec.externalIPs and expose the Service through the platform's edge; block the field cluster-wide (the DenyServiceExternalIPs admission plugin).",
    check: ({ props, violation }) => {
        const ips = arrayOf(props.spec?.externalIPs);
        if (ips.length > 0) {
            violation(`sets externalIPs ${ips.join(", ")}.`);
        }
    },
});

/**
 * Kept after the move to Gateway API (rules/edge.ts): Envoy Gateway reads no annotations, but the
 * annotation-driven proxies still honour these wherever one runs — HAProxy's on Services and
 * ConfigMaps as well as Ingresses, ingress-nginx's controller ConfigMap switch — and an Ingress
 * itself is refused by edge-no-ingress.
 *
 * Annotations through which an ingress controller copies text into its proxy configuration: every
 * `*-snippet(s)` annotation (ingress-nginx, NGINX Inc., HAProxy; CVE-2021-25742, CVE-2023-5044,
 * CVE-2025-1974 and kin) is refused outright; these ones only when they carry configuration
 * syntax (CVE-2025-1097 auth-tls-match-cn, CVE-2025-1098 mirror-*, CVE-2025-24514 auth-url).
 */
const SNIPPET_ANNOTATION = /^[^/]+\/[A-Za-z0-9.-]*-snippets?$/;
const INJECTABLE_ANNOTATIONS: readonly string[] = [
    "nginx.ingress.kubernetes.io/auth-tls-match-cn",
    "nginx.ingress.kubernetes.io/mirror-target",
    "nginx.ingress.kubernetes.io/mirror-host",
    "nginx.ingress.kubernetes.io/auth-url",
];
const CONFIG_SYNTAX = /[;{}\n\r'"`#$\\]/;
/** The ingress-nginx ConfigMap key that turns snippet annotations on for the whole controller. */
const ALLOW_SNIPPETS_KEY = "allow-snippet-annotations";

export const noConfigInjectionAnnotations = resourcePolicy<BaseConfig, ConfigMapObject>({
    name: "network-no-config-injection-annotations",
    group: "network",
    severity: "critical",
    kinds: ALL_KINDS,
    description:
        "No object carries the annotations through which an edge controller pastes text into its proxy configuration: *-snippet(s) annotations, or auth-url, auth-tls-match-cn and mirror-* values containing configuration syntax; no controller ConfigMap enables allow-snippet-annotations.",
    remediation:
        "express the behaviour with the controller's typed settings (Gateway API filters and the implementation's policy resources) instead of raw configuration text.",
    check: ({ kind, props, violation }) => {
        const annotations = props.metadata?.annotations ?? {};
        for (const key of Object.keys(annotations)) {
            if (SNIPPET_ANNOTATION.test(key)) {
                violation(`carries the configuration snippet annotation ${key}.`);
            } else if (INJECTABLE_ANNOTATIONS.includes(key) && CONFIG_SYNTAX.test(knownString(() => annotations[key]) ?? "")) {
                violation(`carries configuration syntax in annotation ${key}.`);
            }
        }
        if (kind === "ConfigMap" && knownString(() => props.data?.[ALLOW_SNIPPETS_KEY])?.toLowerCase() === "true") {
            violation(`sets ${ALLOW_SNIPPETS_KEY}: "true", which lets every Ingress inject proxy configuration.`);
        }
    },
});

type Peer = Readonly<Record<string, unknown>> & {
    readonly ipBlock?: { readonly cidr?: string; readonly except?: readonly string[] };
    readonly namespaceSelector?: LabelSelector;
    readonly podSelector?: LabelSelector;
};

const EVERY_ADDRESS: readonly string[] = ["0.0.0.0/0", "::/0"];

/** Whether a peer list admits every source or destination: no peers at all, or one peer that is everything. */
function admitsEveryone(peers: readonly Peer[]): boolean {
    if (peers.length === 0) {
        return true;
    }
    return peers.some((p) => {
        if (p.ipBlock) {
            return EVERY_ADDRESS.includes(p.ipBlock.cidr ?? "") && arrayOf(p.ipBlock.except).length === 0;
        }
        // An empty namespaceSelector selects every namespace; without a podSelector (or with an empty one), every pod in it.
        return p.namespaceSelector !== undefined && isEmptySelector(p.namespaceSelector) && isEmptySelector(p.podSelector);
    });
}

export const noAllowAllPolicies = resourcePolicy<BaseConfig, WithSpec<NetworkPolicySpec>>({
    name: "network-no-allow-all-policies",
    group: "network",
    severity: "high",
    kinds: ["NetworkPolicy"],
    description:
        "No NetworkPolicy undoes the namespace default-deny: no ingress rule admitting every source on every port to all pods, no egress rule to every destination on every port.",
    remediation: "list the peers (pod and namespace selectors, or CIDRs) and the ports each workload really talks to.",
    check: ({ props, violation }) => {
        const spec = props.spec;
        const allPods = isEmptySelector(spec?.podSelector);
        arrayOf(spec?.ingress).forEach((rule, i) => {
            if (allPods && arrayOf(rule.ports).length === 0 && admitsEveryone(arrayOf(rule.from))) {
                violation(`ingress rule #${i + 1} admits every source on every port to every pod of the namespace.`);
            }
        });
        arrayOf(spec?.egress).forEach((rule, i) => {
            if (arrayOf(rule.ports).length === 0 && admitsEveryone(arrayOf(rule.to))) {
                violation(`egress rule #${i + 1} allows every destination on every port.`);
            }
        });
    },
});

export const networkingPolicies: Policies = [
    noExternalServiceTypes,
    namespaceDefaultDeny,
    workloadsSelectedByPolicy,
    noExternalIps,
    noConfigInjectionAnnotations,
    noAllowAllPolicies,
];
