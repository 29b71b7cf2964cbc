// The public edge: Gateway API (standard channel v1.6) implemented by Envoy Gateway (v1.9). TLS on
// every terminating listener, nothing but an https redirect on plain HTTP, routes only on the
// platform's Gateway, a rate limit on every public route whose local rules all apply, no TLS floor below
// 1.2, and no Ingress.
import type { Policies } from "@pulumi/policy";

import {
    describeAttachment,
    GATEWAY_API_GROUP,
    HTTP_ROUTE_KINDS,
    httpAttachmentsOf,
    isGateway,
    namespaceLabelsOf,
    parentRefsOf,
    parentTargetOf,
    policyTargetsOf,
    PolicyTarget,
    ROUTE_KINDS,
    rulesOf,
    targets,
    Attachment,
} from "../lib/gateway";
import {
    BackendRef,
    BackendTrafficPolicySpec,
    ClientTrafficPolicySpec,
    describe,
    GatewaySpec,
    isKnown,
    known,
    knownItems,
    knownNumber,
    knownString,
    ObjectIdentity,
    RouteRule,
    RouteSpec,
    WithSpec,
} from "../lib/k8s";
import { BaseConfig, resourcePolicy, StackObject, stackPolicy } from "../lib/policy";

// ---------------------------------------------------------------------------------------------
// Listeners
// ---------------------------------------------------------------------------------------------

export const listenerTlsCertificates = resourcePolicy<BaseConfig, WithSpec<GatewaySpec>>({
    name: "edge-listener-tls-certificates",
    group: "edge",
    severity: "high",
    kinds: ["Gateway", "ListenerSet"],
    description:
        "Every HTTPS listener of a Gateway (or ListenerSet), and every TLS listener that terminates TLS, has tls.certificateRefs: the certificate it serves.",
    remediation:
        "give the listener tls: { mode: Terminate, certificateRefs: [{ group: \"\", kind: Secret, name: <the Secret cert-manager's Certificate writes> }] }; a TLS listener that must not terminate sets mode: Passthrough.",
    check: ({ props, violation }) => {
        for (const listener of knownItems(() => props.spec?.listeners)) {
            const protocol = knownString(() => listener.protocol);
            if ((protocol !== "HTTPS" && protocol !== "TLS") || !isKnown(() => listener.tls)) {
                continue;
            }
            const label = `listener ${knownString(() => listener.name) ?? "?"} (${protocol}, port ${knownNumber(() => listener.port) ?? "?"})`;
            const tls = listener.tls;
            if (tls === undefined || tls === null) {
                violation(`${label} has no tls, so it has no certificate to terminate TLS with.`);
                continue;
            }
            // HTTPS always terminates (the API refuses Passthrough there); TLS terminates unless it passes through.
            if (protocol === "TLS" && knownString(() => tls.mode) === "Passthrough") {
                continue;
            }
            if (isKnown(() => tls.certificateRefs) && knownItems(() => tls.certificateRefs).length === 0) {
                violation(`${label} terminates TLS without tls.certificateRefs.`);
            }
        }
    },
});

// ---------------------------------------------------------------------------------------------
// Routes
// ---------------------------------------------------------------------------------------------

function backendName(ref: BackendRef): string {
    const kind = knownString(() => ref.kind) ?? "Service";
    const port = knownNumber(() => ref.port);
    return `${kind === "Service" ? "" : `${kind} `}${knownString(() => ref.name) ?? "?"}${port === undefined ? "" : `:${port}`}`;
}

function mirrorsOf(rule: RouteRule): BackendRef[] {
    return knownItems(() => rule.filters)
        .filter((f) => knownString(() => f.type) === "RequestMirror")
        .flatMap((f) => {
            const ref = known(() => f.requestMirror?.backendRef);
            return ref ? [ref] : [];
        });
}

function redirectsToHttps(rule: RouteRule): boolean {
    return knownItems(() => rule.filters).some(
        (f) => knownString(() => f.type) === "RequestRedirect" && knownString(() => f.requestRedirect?.scheme) === "https",
    );
}

export const noPlainHttpBackends = stackPolicy({
    name: "edge-no-plain-http-backends",
    group: "edge",
    severity: "high",
    description:
        "No request reaches a backend over plain HTTP: an HTTPRoute or GRPCRoute attached to an HTTP listener of a Gateway of the stack (its sectionName names that listener, or it names none and the Gateway has one) has no backendRefs and mirrors nothing, and every HTTPRoute rule there redirects to https.",
    remediation:
        "attach routes with backends to the HTTPS listener (parentRefs[].sectionName: https); the HTTP listener carries only the redirect route: rules whose one filter is RequestRedirect { scheme: https, statusCode: 301 }, with no backendRefs.",
    check: ({ objects, ofKind, violation }) => {
        const gateways = ofKind("Gateway");
        const labels = namespaceLabelsOf(objects);
        for (const route of ofKind(...HTTP_ROUTE_KINDS)) {
            const plain = httpAttachmentsOf(route, gateways, labels).filter((a) => a.protocol === "HTTP");
            if (plain.length === 0) {
                continue;
            }
            const via = plain.map(describeAttachment).join(", ");
            rulesOf(route).forEach((rule, i) => {
                const backends = knownItems(() => rule.backendRefs);
                if (backends.length > 0) {
                    violation(route, `rule #${i + 1} sends plain-HTTP requests (${via}) to ${backends.map(backendName).join(", ")}.`);
                }
                const mirrors = mirrorsOf(rule);
                if (mirrors.length > 0) {
                    violation(route, `rule #${i + 1} mirrors plain-HTTP requests (${via}) to ${mirrors.map(backendName).join(", ")}.`);
                }
                if (
                    route.kind === "HTTPRoute" &&
                    backends.length === 0 &&
                    isKnown(() => rule.backendRefs) &&
                    isKnown(() => rule.filters) &&
                    !redirectsToHttps(rule)
                ) {
                    violation(route, `rule #${i + 1} answers plain-HTTP requests (${via}) without redirecting them to https.`);
                }
            });
        }
    },
});

interface AttachConfig extends BaseConfig {
    /** `namespace/name` of the Gateways routes may attach to. */
    readonly allowedGateways?: readonly string[];
}

const DEFAULT_GATEWAYS: readonly string[] = ["azora/api-gateway"];

export const routesAttachToPlatformGateway = resourcePolicy<AttachConfig, WithSpec<RouteSpec>>({
    name: "edge-routes-attach-to-platform-gateway",
    group: "edge",
    severity: "high",
    kinds: ROUTE_KINDS,
    description:
        "Every parentRef of an HTTPRoute, GRPCRoute, TLSRoute, TCPRoute or UDPRoute names one of the platform's Gateways (allowedGateways, namespace/name; default azora/api-gateway), whose listeners, TLS and policies are the audited edge.",
    remediation:
        "attach the route to the platform's Gateway (parentRefs: [{ name, namespace, sectionName: https }] of an allowedGateways entry); list another Gateway in allowedGateways only once it carries the same TLS, client and rate-limit policies.",
    config: {
        allowedGateways: {
            type: "array",
            description: "The Gateways routes may attach to, as namespace/name.",
            items: { type: "string", pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$" },
            default: DEFAULT_GATEWAYS,
        },
    },
    check: ({ id, props, config, violation }) => {
        const allowed = Array.isArray(config.allowedGateways) ? config.allowedGateways : DEFAULT_GATEWAYS;
        parentRefsOf({ props }).forEach((ref, i) => {
            const target = parentTargetOf(ref, id.namespace ?? "default");
            if (target === undefined) {
                return;
            }
            const named = `${target.namespace}/${target.name}`;
            if (!isGateway(target)) {
                const kind = target.group === GATEWAY_API_GROUP || target.group === "" ? target.kind : `${target.kind}.${target.group}`;
                violation(`parentRef #${i + 1} attaches to ${kind} ${named}, not to a Gateway (allowed: ${allowed.join(", ")}).`);
            } else if (!allowed.includes(named)) {
                violation(`parentRef #${i + 1} attaches to Gateway ${named}, not to the platform's (allowed: ${allowed.join(", ")}).`);
            }
        });
    },
});

// ---------------------------------------------------------------------------------------------
// Rate limits
// ---------------------------------------------------------------------------------------------

interface TargetedPolicy {
    readonly policy: StackObject;
    readonly targets: readonly PolicyTarget[];
}

/** The BackendTrafficPolicies that target `object` (exactly `sectionName`, or no section when undefined). */
function policiesAt(policies: readonly TargetedPolicy[], object: ObjectIdentity, sectionName: string | undefined): StackObject[] {
    return policies.filter((p) => p.targets.some((t) => targets(p.policy, t, object, sectionName))).map((p) => p.policy);
}

function btpSpec(p: StackObject): BackendTrafficPolicySpec | undefined {
    return known(() => (p.props as WithSpec<BackendTrafficPolicySpec>).spec);
}

/** Whether the policy limits requests: a local or global rate limit with at least one rule (an unknown one is judged after deployment). */
function limitsRate(p: StackObject): boolean {
    const spec = btpSpec(p);
    if (!isKnown(() => spec?.rateLimit?.local?.rules) || !isKnown(() => spec?.rateLimit?.global?.rules)) {
        return true;
    }
    return knownItems(() => spec?.rateLimit?.local?.rules).length + knownItems(() => spec?.rateLimit?.global?.rules).length > 0;
}

/** Whether the policy merges into its parent's (mergeType StrategicMerge or JSONMerge) rather than replacing it. */
function mergesIntoParent(p: StackObject): boolean {
    return knownString(() => btpSpec(p)?.mergeType) !== undefined;
}

function names(policies: readonly StackObject[]): string {
    return policies.map((p) => describe(p.id)).join(", ");
}

/**
 * Why the rule `ruleName` of `route`, served through `attachment`, has no rate limit; undefined when
 * it has one. Envoy Gateway applies the most specific BackendTrafficPolicy — route rule (sectionName),
 * then route, then Gateway listener (sectionName), then Gateway — and a route-level one replaces the
 * Gateway's unless it sets mergeType (BuildBTPIndexes, processBackendTrafficPolicyForRoute).
 */
function rateLimitGap(
    route: StackObject,
    ruleName: string | undefined,
    attachment: Attachment,
    policies: readonly TargetedPolicy[],
): string | undefined {
    const ruleLevel = ruleName === undefined ? [] : policiesAt(policies, route.id, ruleName);
    const routeLevel = ruleLevel.length > 0 ? ruleLevel : policiesAt(policies, route.id, undefined);
    const listenerLevel = policiesAt(policies, attachment.gateway.id, attachment.listener);
    const gatewayLevel = listenerLevel.length > 0 ? listenerLevel : policiesAt(policies, attachment.gateway.id, undefined);
    const gatewayLimits = gatewayLevel.length > 0 && gatewayLevel.every(limitsRate);
    if (routeLevel.length > 0) {
        const gaps = routeLevel.filter((p) => !limitsRate(p) && !(mergesIntoParent(p) && gatewayLimits));
        if (gaps.length === 0) {
            return undefined;
        }
        const replaced = gatewayLimits ? `, and without mergeType it replaces the Gateway's ${names(gatewayLevel)}` : "";
        return `${names(gaps)} applies to it with no rateLimit${replaced}`;
    }
    if (gatewayLevel.length === 0) {
        return "no BackendTrafficPolicy targets the route or its Gateway";
    }
    const gaps = gatewayLevel.filter((p) => !limitsRate(p));
    return gaps.length === 0 ? undefined : `its Gateway's ${names(gaps)} has no rateLimit`;
}

export const publicRoutesRateLimited = stackPolicy({
    name: "edge-public-routes-rate-limited",
    group: "edge",
    severity: "medium",
    description:
        "Every public route — an HTTPRoute or GRPCRoute rule with backendRefs, attached to an HTTPS listener of a Gateway of the stack — is rate limited: the BackendTrafficPolicy that takes effect for it (route rule, route, Gateway listener or Gateway, the most specific winning) has a rateLimit with at least one rule.",
    remediation:
        "add a BackendTrafficPolicy in the route's namespace with targetRefs [{ group: gateway.networking.k8s.io, kind: HTTPRoute, name: <route> }] and rateLimit.local.rules (per-client burst and sustained limits, and a whole-route limit); a route-level policy without a rateLimit needs mergeType to keep the Gateway's.",
    check: ({ objects, ofKind, violation }) => {
        const gateways = ofKind("Gateway");
        const routes = ofKind(...HTTP_ROUTE_KINDS);
        const labels = namespaceLabelsOf(objects);
        const policies = ofKind("BackendTrafficPolicy").map((policy) => ({
            policy,
            targets: policyTargetsOf(policy, [...gateways, ...routes]),
        }));
        for (const route of routes) {
            const served = httpAttachmentsOf(route, gateways, labels).filter((a) => a.protocol === "HTTPS");
            rulesOf(route).forEach((rule, i) => {
                if (knownItems(() => rule.backendRefs).length === 0) {
                    return;
                }
                const ruleName = knownString(() => rule.name);
                for (const attachment of served) {
                    const gap = rateLimitGap(route, ruleName, attachment, policies);
                    if (gap !== undefined) {
                        violation(route, `rule #${i + 1} serves ${describeAttachment(attachment)} without a rate limit: ${gap}.`);
                    }
                }
            });
        }
    },
});

// ---------------------------------------------------------------------------------------------
// Local rate limits
// ---------------------------------------------------------------------------------------------

/** The source ranges that hold every client address of one family. */
const EVERY_ADDRESS: Readonly<Record<string, string>> = { "0.0.0.0/0": "IPv4", "::/0": "IPv6" };

/** The address family whose every client a rule selects (a sourceCIDR of the whole family and nothing else), if any. */
function everyClientOf(rule: Readonly<Record<string, unknown>>): string | undefined {
    const selectors = knownItems(() => rule.clientSelectors as readonly Readonly<Record<string, unknown>>[]);
    for (const selector of selectors) {
        const conditions = Object.keys(selector).filter((k) => selector[k] !== undefined);
        const cidr = knownString(() => (selector.sourceCIDR as { value?: unknown } | undefined)?.value);
        if (conditions.length === 1 && cidr !== undefined && cidr in EVERY_ADDRESS) return EVERY_ADDRESS[cidr];
    }
    return undefined;
}

export const localRateLimitsApply = resourcePolicy<BaseConfig, WithSpec<BackendTrafficPolicySpec>>({
    name: "edge-local-rate-limit-applies",
    group: "edge",
    severity: "medium",
    kinds: ["BackendTrafficPolicy"],
    description:
        "Every local rate-limit rule applies: Envoy Gateway makes a rule without clientSelectors Envoy's default bucket and turns always_consume_default_token_bucket off, so that bucket counts only requests that match no other rule. Beside a rule that selects every client address of a family (sourceCIDR 0.0.0.0/0 or ::/0), it never counts a request of that family.",
    remediation:
        "give the shared limit a selector every request of the route matches, e.g. clientSelectors: [{ path: { type: PathPrefix, value: <the route's prefix> } }]: Envoy takes a token from every bucket a request matches, so it is counted beside the per-client ones.",
    check: ({ props, violation }) => {
        const rules = knownItems(() => props.spec?.rateLimit?.local?.rules);
        const families = [...new Set(rules.map(everyClientOf).filter((f) => f !== undefined))];
        if (families.length === 0) return;
        rules.forEach((rule, i) => {
            if (isKnown(() => rule.clientSelectors) && knownItems(() => rule.clientSelectors as readonly unknown[]).length === 0) {
                violation(
                    `rateLimit.local.rules[${i}] has no clientSelectors, so it is the default bucket, which counts only requests matching no other rule; another rule selects every ${families.join(" and ")} client, so rules[${i}] never limits ${families.length === 2 ? "any request" : `an ${families[0]} request`}.`,
                );
            }
        });
    },
});

// ---------------------------------------------------------------------------------------------
// Client TLS
// ---------------------------------------------------------------------------------------------

/** The tls.minVersion values of Envoy Gateway's ClientTrafficPolicy below TLS 1.2 (Auto leaves Envoy's floor, 1.2). */
const BELOW_TLS_1_2: readonly string[] = ["1.0", "1.1"];

export const clientTlsMinVersion = resourcePolicy<BaseConfig, WithSpec<ClientTrafficPolicySpec>>({
    name: "edge-client-tls-min-version",
    group: "edge",
    severity: "high",
    kinds: ["ClientTrafficPolicy"],
    description:
        "No ClientTrafficPolicy lowers a Gateway's TLS floor below 1.2: tls.minVersion is unset (Envoy Gateway then enforces 1.2), Auto, 1.2 or 1.3, never 1.0 or 1.1.",
    remediation: 'set tls.minVersion: "1.2" (or "1.3" when every client supports it), or leave it unset.',
    check: ({ props, violation }) => {
        const min = knownString(() => props.spec?.tls?.minVersion);
        if (min !== undefined && BELOW_TLS_1_2.includes(min)) {
            violation(`sets tls.minVersion ${min}, so its listeners accept TLS ${min}, which is deprecated (RFC 8996).`);
        }
    },
});

// ---------------------------------------------------------------------------------------------
// Ingress
// ---------------------------------------------------------------------------------------------

export const noIngress = resourcePolicy({
    name: "edge-no-ingress",
    group: "edge",
    severity: "high",
    kinds: ["Ingress"],
    description:
        "No Ingress objects: ingress-nginx, the controller they were written for, was retired by the Kubernetes project in March 2026 (no further releases or CVE fixes); the platform's edge is Gateway API (Envoy Gateway).",
    remediation:
        "serve the traffic through the platform's Gateway: an HTTPRoute on its https listener with a rate-limiting BackendTrafficPolicy, then delete the Ingress.",
    check: ({ violation }) => {
        violation(
            "is an Ingress; ingress-nginx was retired by the Kubernetes project in March 2026 (no further releases or CVE fixes), and the platform's edge is Gateway API.",
        );
    },
});

export const edgePolicies: Policies = [
    listenerTlsCertificates,
    noPlainHttpBackends,
    routesAttachToPlatformGateway,
    publicRoutesRateLimited,
    localRateLimitsApply,
    clientTlsMinVersion,
    noIngress,
];
