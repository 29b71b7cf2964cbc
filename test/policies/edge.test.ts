// The edge rules (Gateway API + Envoy Gateway): each behaviour with a violating object and a
// compliant control. The compliant edge is the contract's (fixtures.platformEdge).
import { describe, expect, it } from "vitest";

import {
    edgePolicies,
    clientTlsMinVersion,
    listenerTlsCertificates,
    localRateLimitsApply,
    noIngress,
    noPlainHttpBackends,
    publicRoutesRateLimited,
    routesAttachToPlatformGateway,
} from "../../policies/rules/edge";
import {
    backendTrafficPolicy,
    EDGE_GATEWAY,
    EDGE_HOST,
    gateway,
    gatewayClientPolicy,
    HTTP_LISTENER,
    HTTPS_LISTENER,
    ingress,
    namespace,
    platformEdge,
    publicRoute,
    RATE_LIMIT,
    redirectRoute,
    route,
    routeRateLimit,
} from "./fixtures";
import type { Listener } from "../../policies/lib/k8s";
import { computed, problems } from "./harness";

const BACKEND = [{ name: EDGE_GATEWAY, port: 4000 }];
const GATEWAY_API = "gateway.networking.k8s.io";

describe("the contract's edge", () => {
    it.each(edgePolicies)("draws nothing from $name", async (policy) => {
        expect(await problems(policy, platformEdge())).toEqual([]);
    });
});

describe("edge-listener-tls-certificates", () => {
    it("passes an HTTPS listener with certificateRefs", async () => {
        expect(await problems(listenerTlsCertificates, gateway())).toEqual([]);
    });

    it("reports an HTTPS listener without tls", async () => {
        const bare = { ...HTTPS_LISTENER, tls: undefined };
        expect(await problems(listenerTlsCertificates, gateway(EDGE_GATEWAY, [bare, HTTP_LISTENER]))).toEqual([
            "Gateway azora/api-gateway: listener https (HTTPS, port 443) has no tls, so it has no certificate to terminate TLS with.",
        ]);
    });

    it("reports an HTTPS listener whose tls has no certificateRefs (options only)", async () => {
        const listener = { ...HTTPS_LISTENER, tls: { mode: "Terminate", options: { "example.com/cert": "from-vault" } } };
        expect(await problems(listenerTlsCertificates, gateway(EDGE_GATEWAY, [listener]))).toEqual([
            "Gateway azora/api-gateway: listener https (HTTPS, port 443) terminates TLS without tls.certificateRefs.",
        ]);
    });

    it("reports a TLS listener that terminates without certificateRefs", async () => {
        const listener = { name: "tls", port: 8443, protocol: "TLS", tls: { mode: "Terminate" } };
        expect(await problems(listenerTlsCertificates, gateway(EDGE_GATEWAY, [listener]))).toEqual([
            "Gateway azora/api-gateway: listener tls (TLS, port 8443) terminates TLS without tls.certificateRefs.",
        ]);
    });

    it("passes a TLS listener in Passthrough mode, which holds no certificate", async () => {
        const listener = { name: "tls", port: 8443, protocol: "TLS", tls: { mode: "Passthrough" } };
        expect(await problems(listenerTlsCertificates, gateway(EDGE_GATEWAY, [listener]))).toEqual([]);
    });

    it("asks nothing of a plain HTTP listener", async () => {
        expect(await problems(listenerTlsCertificates, gateway(EDGE_GATEWAY, [HTTP_LISTENER]))).toEqual([]);
    });

    it("does not judge certificateRefs only known after deployment", async () => {
        const listener: Listener = { ...HTTPS_LISTENER, tls: { mode: "Terminate", certificateRefs: computed() } };
        expect(await problems(listenerTlsCertificates, gateway(EDGE_GATEWAY, [listener]))).toEqual([]);
    });

    it("reads a ListenerSet's listeners too", async () => {
        const listener = { ...HTTPS_LISTENER, name: "extra", tls: { mode: "Terminate", certificateRefs: [] } };
        expect(await problems(listenerTlsCertificates, gateway("extra", [listener], "azora", "ListenerSet"))).toEqual([
            "ListenerSet azora/extra: listener extra (HTTPS, port 443) terminates TLS without tls.certificateRefs.",
        ]);
    });
});

describe("edge-no-plain-http-backends", () => {
    const edge = () => gateway();

    it("passes the redirect-only route on the http listener", async () => {
        expect(await problems(noPlainHttpBackends, [edge(), redirectRoute()])).toEqual([]);
    });

    it("reports backendRefs on a route attached to the http listener by sectionName", async () => {
        const r = route("leak", { parentRefs: [{ name: EDGE_GATEWAY, sectionName: "http" }], rules: [{ backendRefs: BACKEND }] });
        expect(await problems(noPlainHttpBackends, [edge(), r])).toEqual([
            "HTTPRoute azora/leak: rule #1 sends plain-HTTP requests (Gateway azora/api-gateway listener http) to api-gateway:4000.",
        ]);
    });

    it("reports backendRefs on a route without sectionName on a Gateway that has an HTTP listener", async () => {
        const r = route("both", { parentRefs: [{ name: EDGE_GATEWAY }], rules: [{ backendRefs: BACKEND }] });
        expect(await problems(noPlainHttpBackends, [edge(), r])).toEqual([
            "HTTPRoute azora/both: rule #1 sends plain-HTTP requests (Gateway azora/api-gateway listener http) to api-gateway:4000.",
        ]);
    });

    it("reports backendRefs on a route that selects the http listener by port", async () => {
        const r = route("port-80", { parentRefs: [{ name: EDGE_GATEWAY, port: 80 }], rules: [{ backendRefs: BACKEND }] });
        expect(await problems(noPlainHttpBackends, [edge(), r])).toHaveLength(1);
    });

    it("passes backendRefs on a route attached to the https listener", async () => {
        expect(await problems(noPlainHttpBackends, [edge(), publicRoute("default")])).toEqual([]);
    });

    it("passes a route without sectionName on a Gateway with only an HTTPS listener", async () => {
        const r = route("all", { parentRefs: [{ name: EDGE_GATEWAY }], rules: [{ backendRefs: BACKEND }] });
        expect(await problems(noPlainHttpBackends, [gateway(EDGE_GATEWAY, [HTTPS_LISTENER]), r])).toEqual([]);
    });

    it("reports a redirect that keeps the http scheme", async () => {
        const r = route("to-http", {
            parentRefs: [{ name: EDGE_GATEWAY, sectionName: "http" }],
            rules: [{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "http", statusCode: 301 } }] }],
        });
        expect(await problems(noPlainHttpBackends, [edge(), r])).toEqual([
            "HTTPRoute azora/to-http: rule #1 answers plain-HTTP requests (Gateway azora/api-gateway listener http) without redirecting them to https.",
        ]);
    });

    it("reports a request mirror, which sends plain-HTTP requests to a backend too", async () => {
        const r = route("mirror", {
            parentRefs: [{ name: EDGE_GATEWAY, sectionName: "http" }],
            rules: [
                {
                    filters: [
                        { type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } },
                        { type: "RequestMirror", requestMirror: { backendRef: { name: "recorder", port: 8080 } } },
                    ],
                },
            ],
        });
        expect(await problems(noPlainHttpBackends, [edge(), r])).toEqual([
            "HTTPRoute azora/mirror: rule #1 mirrors plain-HTTP requests (Gateway azora/api-gateway listener http) to recorder:8080.",
        ]);
    });

    it("reports a GRPCRoute with backends on the http listener (plaintext gRPC)", async () => {
        const r = route("grpc", { parentRefs: [{ name: EDGE_GATEWAY, sectionName: "http" }], rules: [{ backendRefs: BACKEND }] }, "azora", "GRPCRoute");
        expect(await problems(noPlainHttpBackends, [edge(), r])).toEqual([
            "GRPCRoute azora/grpc: rule #1 sends plain-HTTP requests (Gateway azora/api-gateway listener http) to api-gateway:4000.",
        ]);
    });

    it("does not count a route in a namespace the listener does not admit (allowedRoutes Same)", async () => {
        const r = route("elsewhere", {
            parentRefs: [{ name: EDGE_GATEWAY, namespace: "azora", sectionName: "http" }],
            rules: [{ backendRefs: BACKEND }],
        }, "azora-observability");
        expect(await problems(noPlainHttpBackends, [edge(), r])).toEqual([]);
    });

    it("counts a route from a namespace an allowedRoutes selector admits", async () => {
        const open = { ...HTTP_LISTENER, allowedRoutes: { namespaces: { from: "Selector", selector: { matchLabels: { "azora.io/edge": "true" } } } } };
        const r = route("selected", {
            parentRefs: [{ name: EDGE_GATEWAY, namespace: "azora", sectionName: "http" }],
            rules: [{ backendRefs: BACKEND }],
        }, "tenant");
        const ns = namespace("tenant", { "azora.io/edge": "true" });
        expect(await problems(noPlainHttpBackends, [gateway(EDGE_GATEWAY, [HTTPS_LISTENER, open]), ns, r])).toHaveLength(1);
    });

    it("does not judge a route whose Gateway is not in the stack", async () => {
        const r = route("leak", { parentRefs: [{ name: EDGE_GATEWAY, sectionName: "http" }], rules: [{ backendRefs: BACKEND }] });
        expect(await problems(noPlainHttpBackends, [r])).toEqual([]);
    });

    it("does not judge backendRefs only known after deployment, and still judges the route's other rules", async () => {
        const r = route("leak", {
            parentRefs: [{ name: EDGE_GATEWAY, sectionName: "http" }],
            rules: [{ backendRefs: computed() }, { backendRefs: BACKEND }],
        });
        expect(await problems(noPlainHttpBackends, [edge(), r])).toEqual([
            "HTTPRoute azora/leak: rule #2 sends plain-HTTP requests (Gateway azora/api-gateway listener http) to api-gateway:4000.",
        ]);
    });
});

describe("edge-routes-attach-to-platform-gateway", () => {
    it("passes a route on azora/api-gateway (the default allowedGateways)", async () => {
        expect(await problems(routesAttachToPlatformGateway, publicRoute("default"))).toEqual([]);
    });

    it("reports a route on another Gateway", async () => {
        const r = route("side-door", { parentRefs: [{ name: "public", sectionName: "https" }], rules: [{ backendRefs: BACKEND }] });
        expect(await problems(routesAttachToPlatformGateway, r)).toEqual([
            "HTTPRoute azora/side-door: parentRef #1 attaches to Gateway azora/public, not to the platform's (allowed: azora/api-gateway).",
        ]);
    });

    it("reports a route on a Gateway of the same name in another namespace", async () => {
        const r = route("copy", { parentRefs: [{ name: EDGE_GATEWAY }], rules: [{ backendRefs: BACKEND }] }, "team-a");
        expect(await problems(routesAttachToPlatformGateway, r)).toEqual([
            "HTTPRoute team-a/copy: parentRef #1 attaches to Gateway team-a/api-gateway, not to the platform's (allowed: azora/api-gateway).",
        ]);
    });

    it("passes a route in another namespace that names azora/api-gateway", async () => {
        const r = route("cross", { parentRefs: [{ name: EDGE_GATEWAY, namespace: "azora" }], rules: [{ backendRefs: BACKEND }] }, "team-a");
        expect(await problems(routesAttachToPlatformGateway, r)).toEqual([]);
    });

    it("does not judge a parentRef whose name is only known after deployment", async () => {
        const r = route("later", { parentRefs: [{ name: computed() }], rules: [{ backendRefs: BACKEND }] });
        expect(await problems(routesAttachToPlatformGateway, r)).toEqual([]);
    });

    it("reports a parentRef to a ListenerSet, which is not a Gateway", async () => {
        const r = route("via-set", {
            parentRefs: [{ group: GATEWAY_API, kind: "ListenerSet", name: "extra" }],
            rules: [{ backendRefs: BACKEND }],
        });
        expect(await problems(routesAttachToPlatformGateway, r)).toEqual([
            "HTTPRoute azora/via-set: parentRef #1 attaches to ListenerSet azora/extra, not to a Gateway (allowed: azora/api-gateway).",
        ]);
    });

    it("reports a TCPRoute on another Gateway", async () => {
        const r = route("raw", { parentRefs: [{ name: "tcp" }], rules: [{ backendRefs: BACKEND }] }, "azora", "TCPRoute");
        expect(await problems(routesAttachToPlatformGateway, r)).toEqual([
            "TCPRoute azora/raw: parentRef #1 attaches to Gateway azora/tcp, not to the platform's (allowed: azora/api-gateway).",
        ]);
    });

    it("takes the allowed Gateways from its config", async () => {
        const r = route("side-door", { parentRefs: [{ name: "public" }], rules: [{ backendRefs: BACKEND }] });
        const config = { "edge-routes-attach-to-platform-gateway": { allowedGateways: ["azora/public"] } };
        expect(await problems(routesAttachToPlatformGateway, r, config)).toEqual([]);
        expect(await problems(routesAttachToPlatformGateway, publicRoute("default"), config)).toHaveLength(1);
    });
});

describe("edge-public-routes-rate-limited", () => {
    const edge = () => gateway();
    const payments = () => publicRoute("payments", "/api/payments");
    const gatewayLimit = (spec = {}) =>
        backendTrafficPolicy("gateway-limit", { targetRefs: [{ group: GATEWAY_API, kind: "Gateway", name: EDGE_GATEWAY }], ...spec });

    it("passes a public route its own BackendTrafficPolicy rate-limits", async () => {
        expect(await problems(publicRoutesRateLimited, [edge(), payments(), routeRateLimit("api-gateway-payments")])).toEqual([]);
    });

    it("reports a public route no BackendTrafficPolicy covers", async () => {
        expect(await problems(publicRoutesRateLimited, [edge(), payments()])).toEqual([
            "HTTPRoute azora/api-gateway-payments: rule #1 serves Gateway azora/api-gateway listener https without a rate limit: no BackendTrafficPolicy targets the route or its Gateway.",
        ]);
    });

    it("reports a route BackendTrafficPolicy without a rateLimit", async () => {
        const btp = routeRateLimit("api-gateway-payments", "azora", { rateLimit: undefined });
        expect(await problems(publicRoutesRateLimited, [edge(), payments(), btp])).toEqual([
            "HTTPRoute azora/api-gateway-payments: rule #1 serves Gateway azora/api-gateway listener https without a rate limit: BackendTrafficPolicy azora/api-gateway-payments applies to it with no rateLimit.",
        ]);
    });

    it("reports a rateLimit with no rules", async () => {
        const btp = routeRateLimit("api-gateway-payments", "azora", { rateLimit: { type: "Local", local: { rules: [] } } });
        expect(await problems(publicRoutesRateLimited, [edge(), payments(), btp])).toHaveLength(1);
    });

    it("does not count a BackendTrafficPolicy in another namespace (targetRefs are local)", async () => {
        const btp = routeRateLimit("api-gateway-payments", "azora-observability");
        expect(await problems(publicRoutesRateLimited, [edge(), payments(), btp])).toHaveLength(1);
    });

    it("passes a public route covered by a rate-limiting BackendTrafficPolicy on its Gateway", async () => {
        expect(await problems(publicRoutesRateLimited, [edge(), payments(), gatewayLimit({ rateLimit: RATE_LIMIT })])).toEqual([]);
    });

    it("passes a public route covered on its Gateway listener (sectionName https)", async () => {
        const btp = backendTrafficPolicy("https-limit", {
            targetRefs: [{ group: GATEWAY_API, kind: "Gateway", name: EDGE_GATEWAY, sectionName: "https" }],
            rateLimit: RATE_LIMIT,
        });
        expect(await problems(publicRoutesRateLimited, [edge(), payments(), btp])).toEqual([]);
    });

    it("does not count a Gateway BackendTrafficPolicy on another listener", async () => {
        const btp = backendTrafficPolicy("http-limit", {
            targetRefs: [{ group: GATEWAY_API, kind: "Gateway", name: EDGE_GATEWAY, sectionName: "http" }],
            rateLimit: RATE_LIMIT,
        });
        expect(await problems(publicRoutesRateLimited, [edge(), payments(), btp])).toHaveLength(1);
    });

    it("reports a route BackendTrafficPolicy without rateLimit or mergeType, which replaces the Gateway's", async () => {
        const own = routeRateLimit("api-gateway-payments", "azora", { rateLimit: undefined });
        expect(await problems(publicRoutesRateLimited, [edge(), payments(), own, gatewayLimit({ rateLimit: RATE_LIMIT })])).toEqual([
            "HTTPRoute azora/api-gateway-payments: rule #1 serves Gateway azora/api-gateway listener https without a rate limit: BackendTrafficPolicy azora/api-gateway-payments applies to it with no rateLimit, and without mergeType it replaces the Gateway's BackendTrafficPolicy azora/gateway-limit.",
        ]);
    });

    it("passes a route BackendTrafficPolicy with mergeType that keeps the Gateway's rateLimit", async () => {
        const own = routeRateLimit("api-gateway-payments", "azora", { rateLimit: undefined, mergeType: "StrategicMerge" });
        expect(await problems(publicRoutesRateLimited, [edge(), payments(), own, gatewayLimit({ rateLimit: RATE_LIMIT })])).toEqual([]);
    });

    it("lets a rule-level BackendTrafficPolicy (sectionName) override the route's", async () => {
        const r = publicRoute("payments", "/api/payments", "azora", {
            rules: [{ name: "charge", backendRefs: BACKEND }],
        });
        const rule = backendTrafficPolicy("charge", {
            targetRefs: [{ group: GATEWAY_API, kind: "HTTPRoute", name: "api-gateway-payments", sectionName: "charge" }],
        });
        expect(await problems(publicRoutesRateLimited, [edge(), r, routeRateLimit("api-gateway-payments"), rule])).toEqual([
            "HTTPRoute azora/api-gateway-payments: rule #1 serves Gateway azora/api-gateway listener https without a rate limit: BackendTrafficPolicy azora/charge applies to it with no rateLimit.",
        ]);
    });

    it("passes a route selected by a rate-limiting BackendTrafficPolicy's targetSelectors", async () => {
        const btp = backendTrafficPolicy("edge-routes", {
            targetSelectors: [{ group: GATEWAY_API, kind: "HTTPRoute", matchLabels: { "app.kubernetes.io/component": "edge" } }],
            rateLimit: RATE_LIMIT,
        });
        expect(await problems(publicRoutesRateLimited, [edge(), payments(), btp])).toEqual([]);
    });

    it("asks nothing of a route without backends (the redirect)", async () => {
        expect(await problems(publicRoutesRateLimited, [edge(), redirectRoute()])).toEqual([]);
    });

    it("asks nothing of a route whose Gateway is not in the stack", async () => {
        expect(await problems(publicRoutesRateLimited, [payments()])).toEqual([]);
    });

    it("does not judge a rateLimit only known after deployment", async () => {
        const btp = routeRateLimit("api-gateway-payments", "azora", { rateLimit: computed() });
        expect(await problems(publicRoutesRateLimited, [edge(), payments(), btp])).toEqual([]);
    });
});

describe("edge-local-rate-limit-applies", () => {
    const perClient = (value: string, requests = 20) => ({
        clientSelectors: [{ sourceCIDR: { type: "Distinct", value } }],
        limit: { requests, unit: "Second" },
    });
    const noSelectors = { limit: { requests: 500, unit: "Second" } };
    const limited = (rules: Readonly<Record<string, unknown>>[]) => routeRateLimit("api-gateway-auth", "azora", { rateLimit: { type: "Local", local: { rules } } });

    it("passes per-client rules beside a route-wide rule that selects the route's path", async () => {
        expect(await problems(localRateLimitsApply, limited([...RATE_LIMIT.local!.rules!]))).toEqual([]);
    });

    it("passes a rule without selectors when no other rule selects every client (it then counts every request)", async () => {
        expect(await problems(localRateLimitsApply, limited([noSelectors]))).toEqual([]);
        const header = { clientSelectors: [{ headers: [{ name: "x-user", type: "Distinct" }] }], limit: { requests: 5, unit: "Second" } };
        expect(await problems(localRateLimitsApply, limited([header, noSelectors]))).toEqual([]);
    });

    it("passes a rule for part of the address space beside one without selectors", async () => {
        expect(await problems(localRateLimitsApply, limited([perClient("10.0.0.0/8"), noSelectors]))).toEqual([]);
    });

    it("reports a rule without selectors beside per-client rules for every IPv4 and IPv6 address", async () => {
        expect(await problems(localRateLimitsApply, limited([perClient("0.0.0.0/0"), perClient("::/0"), noSelectors]))).toEqual([
            "BackendTrafficPolicy azora/api-gateway-auth: rateLimit.local.rules[2] has no clientSelectors, so it is the default bucket, which counts only requests matching no other rule; another rule selects every IPv4 and IPv6 client, so rules[2] never limits any request.",
        ]);
    });

    it("reports a rule without selectors beside a rule for every IPv4 address, naming the family it misses", async () => {
        expect(await problems(localRateLimitsApply, limited([noSelectors, perClient("0.0.0.0/0")]))).toEqual([
            "BackendTrafficPolicy azora/api-gateway-auth: rateLimit.local.rules[0] has no clientSelectors, so it is the default bucket, which counts only requests matching no other rule; another rule selects every IPv4 client, so rules[0] never limits an IPv4 request.",
        ]);
    });

    it("does not judge rules only known after deployment", async () => {
        expect(await problems(localRateLimitsApply, limited([perClient("0.0.0.0/0"), { clientSelectors: computed(), limit: noSelectors.limit }]))).toEqual([]);
    });
});

describe("edge-client-tls-min-version", () => {
    it.each([["1.2"], ["1.3"], ["Auto"]])("passes tls.minVersion %s", async (minVersion) => {
        expect(await problems(clientTlsMinVersion, gatewayClientPolicy("azora", { minVersion }))).toEqual([]);
    });

    it("passes a ClientTrafficPolicy that leaves tls unset (Envoy Gateway's floor is 1.2)", async () => {
        expect(await problems(clientTlsMinVersion, gatewayClientPolicy("azora", undefined))).toEqual([]);
    });

    it("does not judge a minVersion only known after deployment", async () => {
        expect(await problems(clientTlsMinVersion, gatewayClientPolicy("azora", { minVersion: computed() }))).toEqual([]);
    });

    it.each([["1.0"], ["1.1"]])("reports tls.minVersion %s", async (minVersion) => {
        expect(await problems(clientTlsMinVersion, gatewayClientPolicy("azora", { minVersion }))).toEqual([
            `ClientTrafficPolicy azora/api-gateway: sets tls.minVersion ${minVersion}, so its listeners accept TLS ${minVersion}, which is deprecated (RFC 8996).`,
        ]);
    });
});

describe("edge-no-ingress", () => {
    it("reports an Ingress, even one that terminates TLS", async () => {
        const ing = ingress("edge", { tls: [{ hosts: [EDGE_HOST], secretName: "edge-tls" }], rules: [{ host: EDGE_HOST }] });
        expect(await problems(noIngress, ing)).toEqual([
            "Ingress azora/edge: is an Ingress; ingress-nginx was retired by the Kubernetes project in March 2026 (no further releases or CVE fixes), and the platform's edge is Gateway API.",
        ]);
    });

    it("reports an Ingress of the legacy extensions group", async () => {
        const ing = { ...ingress("old", {}), type: "kubernetes:extensions/v1beta1:Ingress" };
        expect(await problems(noIngress, ing)).toHaveLength(1);
    });

    it("passes the Gateway API objects that replace it", async () => {
        expect(await problems(noIngress, platformEdge())).toEqual([]);
    });
});
