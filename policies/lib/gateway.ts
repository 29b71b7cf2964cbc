// Gateway API (gateway.networking.k8s.io, standard channel v1.6) and Envoy Gateway
// (gateway.envoyproxy.io/v1alpha1, v1.9) as the edge rules need them: which listeners of which
// Gateway a route attaches to, and which Envoy Gateway policy takes effect for a route rule.
//
// A parentRef names a Gateway (group and kind default to Gateway API's Gateway, namespace to the
// route's) and attaches to the listeners it selects — the one its sectionName names, else those on
// its port, else all — that admit the route: allowedRoutes.namespaces (Same by default, All, or a
// Selector over the namespace's labels) and allowedRoutes.kinds (by default, for HTTP and HTTPS
// listeners, HTTPRoute and GRPCRoute: Envoy Gateway's allowedRouteKindsForProtocol). Hostnames are
// not intersected, so a route is taken to attach wherever its parentRef allows: for the rules here
// that errs on the side of judging it. Every field may be a value only known after deployment;
// a value that is not known yet is not judged.
import {
    COMPUTED,
    GatewaySpec,
    isKnown,
    KindName,
    known,
    knownItems,
    knownNumber,
    knownString,
    Labels,
    labelSelectorSelects,
    LabelSelector,
    Listener,
    ObjectIdentity,
    ParentReference,
    PolicyTargetReference,
    RouteRule,
    RouteSpec,
    TargetSelector,
    WithSpec,
} from "./k8s";
import type { StackObject } from "./policy";

export const GATEWAY_API_GROUP = "gateway.networking.k8s.io";

/** The route kinds, all of which attach to Gateways through spec.parentRefs. */
export const ROUTE_KINDS: readonly KindName[] = ["HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute"];

/** The routes HTTP and HTTPS listeners serve (both by default, in Envoy Gateway). */
export const HTTP_ROUTE_KINDS: readonly KindName[] = ["HTTPRoute", "GRPCRoute"];

const HTTP_PROTOCOLS: readonly string[] = ["HTTP", "HTTPS"];

/** The label every namespace carries (the API server sets it), which namespace selectors may use. */
const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

function listenersOf(o: { readonly props: object }): Listener[] {
    return knownItems(() => (o.props as WithSpec<GatewaySpec>).spec?.listeners);
}

export function parentRefsOf(route: { readonly props: object }): ParentReference[] {
    return knownItems(() => (route.props as WithSpec<RouteSpec>).spec?.parentRefs);
}

export function rulesOf(route: { readonly props: object }): RouteRule[] {
    return knownItems(() => (route.props as WithSpec<RouteSpec>).spec?.rules);
}

/** What a parentRef names, its defaults applied; undefined while its name or namespace is not known yet. */
export interface ParentTarget {
    readonly group: string;
    readonly kind: string;
    readonly namespace: string;
    readonly name: string;
}

export function parentTargetOf(ref: ParentReference, routeNamespace: string): ParentTarget | undefined {
    const name = knownString(() => ref.name);
    const namespace = isKnown(() => ref.namespace) ? (knownString(() => ref.namespace) ?? routeNamespace) : undefined;
    if (name === undefined || namespace === undefined || namespace === COMPUTED) {
        return undefined;
    }
    return {
        group: knownString(() => ref.group) ?? GATEWAY_API_GROUP,
        kind: knownString(() => ref.kind) ?? "Gateway",
        namespace,
        name,
    };
}

export function isGateway(target: ParentTarget): boolean {
    return target.group === GATEWAY_API_GROUP && target.kind === "Gateway";
}

/** `Gateway azora/api-gateway listener https`. */
export interface Attachment {
    readonly gateway: StackObject;
    readonly listener: string;
    readonly protocol: string;
    readonly port?: number;
}

export function describeAttachment(a: Attachment): string {
    return `Gateway ${a.gateway.id.namespace ?? ""}/${a.gateway.id.name} listener ${a.listener}`;
}

/** The labels of every namespace of the stack, and the name label of any other. */
export type NamespaceLabels = (namespace: string) => Labels;

export function namespaceLabelsOf(objects: readonly StackObject[]): NamespaceLabels {
    const byName = new Map<string, Labels>();
    for (const o of objects) {
        if (o.kind === "Namespace") {
            byName.set(o.id.name, known(() => o.props.metadata?.labels) ?? {});
        }
    }
    return (namespace) => ({ ...(byName.get(namespace) ?? {}), [NAMESPACE_NAME_LABEL]: namespace });
}

function admitsKind(listener: Listener, routeKind: KindName): boolean {
    const kinds = knownItems(() => listener.allowedRoutes?.kinds);
    if (kinds.length > 0) {
        return kinds.some(
            (k) => (knownString(() => k.group) ?? GATEWAY_API_GROUP) === GATEWAY_API_GROUP && knownString(() => k.kind) === routeKind,
        );
    }
    return HTTP_PROTOCOLS.includes(knownString(() => listener.protocol) ?? "") && HTTP_ROUTE_KINDS.includes(routeKind);
}

function admitsNamespace(listener: Listener, routeNamespace: string, gatewayNamespace: string, labels: NamespaceLabels): boolean {
    const from = knownString(() => listener.allowedRoutes?.namespaces?.from) ?? "Same";
    switch (from) {
        case "Same":
            return routeNamespace === gatewayNamespace;
        case "All":
            return true;
        case "Selector": {
            const selector = known(() => listener.allowedRoutes?.namespaces?.selector);
            // A selector only known after deployment could admit the route: judge it as admitted.
            return selector === undefined || labelSelectorSelects(selector, labels(routeNamespace));
        }
        default:
            return false;
    }
}

/**
 * The HTTP and HTTPS listeners of the stack's Gateways an HTTPRoute or GRPCRoute attaches to.
 * Gateways outside the stack cannot be read, so routes to them attach to nothing here.
 */
export function httpAttachmentsOf(
    route: StackObject,
    gateways: readonly StackObject[],
    labels: NamespaceLabels,
): Attachment[] {
    const routeNamespace = route.id.namespace ?? "default";
    const out: Attachment[] = [];
    for (const ref of parentRefsOf(route)) {
        const target = parentTargetOf(ref, routeNamespace);
        if (target === undefined || !isGateway(target)) {
            continue;
        }
        const gateway = gateways.find((g) => g.id.namespace === target.namespace && g.id.name === target.name);
        if (gateway === undefined) {
            continue;
        }
        const sectionName = knownString(() => ref.sectionName);
        const port = knownNumber(() => ref.port);
        for (const listener of listenersOf(gateway)) {
            const name = knownString(() => listener.name) ?? "";
            const protocol = knownString(() => listener.protocol) ?? "";
            const listenerPort = knownNumber(() => listener.port);
            if (
                HTTP_PROTOCOLS.includes(protocol) &&
                (sectionName === undefined || sectionName === name) &&
                (port === undefined || port === listenerPort) &&
                admitsKind(listener, route.kind) &&
                admitsNamespace(listener, routeNamespace, target.namespace, labels) &&
                !out.some((a) => a.gateway === gateway && a.listener === name)
            ) {
                out.push({ gateway, listener: name, protocol, port: listenerPort });
            }
        }
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Envoy Gateway policy targets
// ---------------------------------------------------------------------------------------------

/** One object an Envoy Gateway policy applies to, in the policy's own namespace. */
export interface PolicyTarget {
    readonly kind: string;
    readonly name: string;
    /** A listener of a Gateway, or a named rule of a route. */
    readonly sectionName?: string;
}

interface Targeting {
    readonly targetRef?: PolicyTargetReference;
    readonly targetRefs?: readonly PolicyTargetReference[];
    readonly targetSelectors?: readonly TargetSelector[];
}

/**
 * What an Envoy Gateway policy targets: its targetRefs (or the deprecated targetRef, which wins
 * when set, as in PolicyTargetReferences.GetTargetRefs), and the objects of the stack in its own
 * namespace its targetSelectors select (cross-namespace selection also needs a ReferenceGrant,
 * which is not followed here).
 */
export function policyTargetsOf(policy: StackObject, candidates: readonly StackObject[]): PolicyTarget[] {
    const spec = known(() => (policy.props as WithSpec<Targeting>).spec);
    if (spec === undefined) {
        return [];
    }
    const single = known(() => spec.targetRef);
    const refs = single !== undefined && single !== null ? [single] : knownItems(() => spec.targetRefs);
    const out: PolicyTarget[] = [];
    for (const ref of refs) {
        const kind = knownString(() => ref.kind);
        const name = knownString(() => ref.name);
        const group = knownString(() => ref.group) ?? GATEWAY_API_GROUP;
        if (kind !== undefined && name !== undefined && group === GATEWAY_API_GROUP) {
            out.push({ kind, name, sectionName: knownString(() => ref.sectionName) });
        }
    }
    for (const selector of knownItems(() => spec.targetSelectors)) {
        const kind = knownString(() => selector.kind);
        const group = knownString(() => selector.group) ?? GATEWAY_API_GROUP;
        const labelSelector: LabelSelector = {
            matchLabels: known(() => selector.matchLabels),
            matchExpressions: known(() => selector.matchExpressions),
        };
        for (const c of candidates) {
            if (
                group === GATEWAY_API_GROUP &&
                c.kind === kind &&
                c.id.namespace === policy.id.namespace &&
                labelSelectorSelects(labelSelector, known(() => c.props.metadata?.labels))
            ) {
                out.push({ kind, name: c.id.name });
            }
        }
    }
    return out;
}

/** Whether a target names this object (and, when `sectionName` is given, exactly that section; else no section). */
export function targets(
    policy: StackObject,
    target: PolicyTarget,
    object: ObjectIdentity,
    sectionName: string | undefined,
): boolean {
    return (
        policy.id.namespace === object.namespace &&
        target.kind === object.kind &&
        target.name === object.name &&
        target.sectionName === sectionName
    );
}
