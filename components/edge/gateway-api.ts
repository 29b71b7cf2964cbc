// The standard half of the edge: Gateway API objects any conformant implementation serves — the Gateway's
// listeners, the HTTP→HTTPS redirect and one HTTPRoute per public route of the catalog, with the security
// headers (ResponseHeaderModifier) and CORS (the standard CORS filter). Nothing here is implementation-specific.
import type { PublicRoute, RouteLimits, ServiceSpec } from "../../model/catalog";
import type { EdgeSettings } from "../config";

export const gatewayApiGroup = "gateway.networking.k8s.io";
export const gatewayApiVersion = `${gatewayApiGroup}/v1`;

/** The Gateway's listeners, by section name: HTTPS serves the API; HTTP only redirects (and answers ACME HTTP-01). */
export const listeners = {
    https: { name: "https", port: 443, protocol: "HTTPS" },
    http: { name: "http", port: 80, protocol: "HTTP" },
} as const;

/** A public route with this environment's limits: the catalog's numbers, overridden by `edge.routes.<route>`. */
export interface EdgeRoute extends PublicRoute {
    limits: RouteLimits;
    /** Name of the route's HTTPRoute and of its policies: `<gateway>-<route>`. */
    objectName: string;
}

export function edgeRoutes(gateway: ServiceSpec, overrides: EdgeSettings["routes"]): EdgeRoute[] {
    const routes = gateway.publicRoutes ?? [];
    if (routes.length === 0) throw new Error(`catalog: ${gateway.name} is public but declares no publicRoutes`);
    return routes.map((r) => ({
        ...r,
        limits: { ...r.limits, ...definedOnly(overrides[r.name] ?? {}) },
        objectName: `${gateway.name}-${r.name}`,
    }));
}

function definedOnly<T extends object>(o: T): Partial<T> {
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Response headers the edge sets on every gateway response. */
export function securityHeaders(s: EdgeSettings): Record<string, string> {
    return {
        "Strict-Transport-Security": `max-age=${s.hstsMaxAgeSeconds}; includeSubDomains`,
        "Content-Security-Policy": s.contentSecurityPolicy,
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
        "Cross-Origin-Opener-Policy": "same-origin",
    };
}

/** Methods and request headers the API's browsers send cross-origin. */
const corsMethods = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
const corsHeaders = ["Authorization", "Content-Type", "X-Request-Id", "traceparent"];

/** The route filters every public route carries: security headers, then CORS. */
function routeFilters(s: EdgeSettings): Record<string, unknown>[] {
    return [
        {
            type: "ResponseHeaderModifier",
            responseHeaderModifier: { set: Object.entries(securityHeaders(s)).map(([name, value]) => ({ name, value })) },
        },
        {
            type: "CORS",
            cors: {
                allowOrigins: s.cors.allowedOrigins,
                allowCredentials: s.cors.allowCredentials,
                allowMethods: corsMethods,
                allowHeaders: corsHeaders,
                maxAge: s.cors.maxAgeSeconds,
            },
        },
    ];
}

export interface GatewayIdentity {
    name: string;
    host: string;
    className: string;
    tlsSecret: string;
}

/** The Gateway: HTTPS terminated with the certificate Secret, plain HTTP for the redirect; routes from its own namespace only. */
export function gatewaySpec(g: GatewayIdentity, infrastructure?: Record<string, unknown>): Record<string, unknown> {
    const allowedRoutes = { namespaces: { from: "Same" }, kinds: [{ group: gatewayApiGroup, kind: "HTTPRoute" }] };
    return {
        gatewayClassName: g.className,
        ...(infrastructure ? { infrastructure } : {}),
        listeners: [
            {
                ...listeners.https,
                hostname: g.host,
                tls: { mode: "Terminate", certificateRefs: [{ group: "", kind: "Secret", name: g.tlsSecret }] },
                allowedRoutes,
            },
            { ...listeners.http, hostname: g.host, allowedRoutes },
        ],
    };
}

function parentRef(g: GatewayIdentity, listener: keyof typeof listeners): Record<string, string> {
    return { group: gatewayApiGroup, kind: "Gateway", name: g.name, sectionName: listeners[listener].name };
}

/** The HTTP listener's only route: a permanent redirect to HTTPS, with no backend. */
export function redirectRouteSpec(g: GatewayIdentity): Record<string, unknown> {
    return {
        parentRefs: [parentRef(g, "http")],
        hostnames: [g.host],
        rules: [{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] }],
    };
}

/** One public route: its prefix on the HTTPS listener, to the gateway Service, with the headers and CORS filters. */
export function publicRouteSpec(g: GatewayIdentity, route: EdgeRoute, backend: ServiceSpec, s: EdgeSettings): Record<string, unknown> {
    return {
        parentRefs: [parentRef(g, "https")],
        hostnames: [g.host],
        rules: [
            {
                matches: [{ path: { type: "PathPrefix", value: route.pathPrefix } }],
                filters: routeFilters(s),
                backendRefs: [{ group: "", kind: "Service", name: backend.name, port: backend.port }],
            },
        ],
    };
}
