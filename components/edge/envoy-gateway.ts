// Envoy Gateway, the edge's implementation: its GatewayClass and proxy settings, and the policies Gateway API
// has no standard for — TLS floor, real client address, connection limit (ClientTrafficPolicy), per-client,
// burst and per-route limits and the body limit (BackendTrafficPolicy), IP allow and deny lists (SecurityPolicy).
// A second implementation would be a second module beside this one; gateway-api.ts stays as it is.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { EdgeSettings } from "../config";
import { type EdgeRoute, gatewayApiGroup, gatewayApiVersion, type GatewayIdentity } from "./gateway-api";

const group = "gateway.envoyproxy.io";
const apiVersion = `${group}/v1alpha1`;
/** The controller that serves GatewayClasses naming it: Envoy Gateway's. */
const envoyGatewayController = `${group}/gatewayclass-controller`;

/** Every client address falls in one of these; `Distinct` gives each address its own bucket. */
const everyClient = ["0.0.0.0/0", "::/0"];

/** The EnvoyProxy the Gateway's infrastructure names: the proxy Service keeps the client's source address. */
function envoyProxySpec(s: EdgeSettings): Record<string, unknown> {
    return {
        provider: {
            type: "Kubernetes",
            kubernetes: {
                envoyDeployment: { replicas: s.proxyReplicas },
                // Without Local, a LoadBalancer Service SNATs and every client looks like a node.
                envoyService: { externalTrafficPolicy: "Local" },
            },
        },
        telemetry: { metrics: { prometheus: { disable: false } } },
    };
}

export function gatewayInfrastructure(name: string): Record<string, unknown> {
    return { parametersRef: { group, kind: "EnvoyProxy", name } };
}

function targetRef(kind: "Gateway" | "HTTPRoute", name: string): Record<string, string> {
    return { group: gatewayApiGroup, kind, name };
}

/** Listener-wide settings: TLS 1.2 at least, where the client address comes from, the connection ceiling. */
function clientTrafficPolicySpec(gatewayName: string, s: EdgeSettings): Record<string, unknown> {
    const { trustedProxyCidrs, trustedHops } = s.clientIp;
    const xForwardedFor =
        trustedProxyCidrs.length > 0 ? { trustedCIDRs: trustedProxyCidrs } : trustedHops > 0 ? { numTrustedHops: trustedHops } : undefined;
    return {
        targetRefs: [targetRef("Gateway", gatewayName)],
        tls: { minVersion: "1.2" },
        ...(xForwardedFor ? { clientIPDetection: { xForwardedFor } } : {}),
        connection: { connectionLimit: { value: s.connectionLimit } },
    };
}

/**
 * A route's limits as Envoy local rate-limit rules: per client a one-second bucket of `burst × rate` (the
 * burst) and a one-minute bucket of `60 × rate` (the sustained rate), and one bucket for the whole route.
 * Envoy takes a token from every bucket a request matches. The whole-route bucket is a rule that selects
 * every request of the route (its own path prefix, not Distinct: one bucket). A rule without selectors
 * would not work here: Envoy Gateway makes that rule Envoy's default bucket and turns
 * always_consume_default_token_bucket off, so the default bucket only counts requests that match no other
 * rule. Every request matches a per-client rule, so that ceiling would never be applied.
 */
export function rateLimitRules(route: EdgeRoute): Record<string, unknown>[] {
    const { clientRequestsPerSecond: rate, burstMultiplier, routeRequestsPerSecond } = route.limits;
    const perClient = (requests: number, unit: "Second" | "Minute") =>
        everyClient.map((value) => ({ clientSelectors: [{ sourceCIDR: { type: "Distinct", value } }], limit: { requests, unit } }));
    return [
        ...perClient(rate * burstMultiplier, "Second"),
        ...perClient(rate * 60, "Minute"),
        {
            clientSelectors: [{ path: { type: "PathPrefix", value: route.pathPrefix } }],
            limit: { requests: routeRequestsPerSecond, unit: "Second" },
        },
    ];
}

function backendTrafficPolicySpec(route: EdgeRoute, s: EdgeSettings): Record<string, unknown> {
    return {
        targetRefs: [targetRef("HTTPRoute", route.objectName)],
        rateLimit: { type: "Local", local: { rules: rateLimitRules(route) } },
        requestBuffer: { limit: s.bodySizeLimit },
    };
}

/** Deny ranges first, then (when an allow list is set) everyone else outside it is refused. */
export function authorizationSpec(s: EdgeSettings): Record<string, unknown> | undefined {
    if (s.denyCidrs.length === 0 && s.allowCidrs.length === 0) return undefined;
    const rules = [
        ...(s.denyCidrs.length > 0 ? [{ name: "deny-list", action: "Deny", principal: { clientCIDRs: s.denyCidrs } }] : []),
        ...(s.allowCidrs.length > 0 ? [{ name: "allow-list", action: "Allow", principal: { clientCIDRs: s.allowCidrs } }] : []),
    ];
    return { defaultAction: s.allowCidrs.length > 0 ? "Deny" : "Allow", rules };
}

export interface EnvoyGatewayArgs {
    gateway: GatewayIdentity;
    namespace: string;
    labels: Record<string, string>;
    routes: readonly EdgeRoute[];
    settings: EdgeSettings;
}

/** Envoy Gateway's objects for the platform's Gateway; `gatewayClass` is what the Gateway must wait for. */
export class EnvoyGateway extends pulumi.ComponentResource {
    readonly gatewayClass: pulumi.Resource;
    readonly proxy: pulumi.Resource;

    constructor(name: string, args: EnvoyGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
        super("azora:edge:EnvoyGateway", name, {}, opts);
        const child = { parent: this };
        const { gateway: g, namespace, labels, settings: s } = args;
        const meta = (objectName: string) => ({ name: objectName, namespace, labels });
        const resource = (logical: string, kind: string, objectName: string, spec: Record<string, unknown>, api = apiVersion) =>
            new k8s.apiextensions.CustomResource(logical, { apiVersion: api, kind, metadata: meta(objectName), spec }, child);

        this.gatewayClass = new k8s.apiextensions.CustomResource(
            `${name}-class`,
            {
                apiVersion: gatewayApiVersion,
                kind: "GatewayClass",
                metadata: { name: g.className, labels },
                spec: { controllerName: envoyGatewayController, description: "The Azora platform's edge, served by Envoy Gateway." },
            },
            child,
        );
        this.proxy = resource(`${name}-proxy`, "EnvoyProxy", g.name, envoyProxySpec(s));
        resource(`${name}-client-traffic`, "ClientTrafficPolicy", g.name, clientTrafficPolicySpec(g.name, s));
        for (const route of args.routes) {
            resource(`${name}-${route.name}-limits`, "BackendTrafficPolicy", route.objectName, backendTrafficPolicySpec(route, s));
        }
        const authorization = authorizationSpec(s);
        if (authorization) {
            resource(`${name}-ip-lists`, "SecurityPolicy", g.name, { targetRefs: [targetRef("Gateway", g.name)], authorization });
        }
        this.registerOutputs({});
    }
}
