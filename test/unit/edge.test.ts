import { beforeAll, describe, expect, it } from "vitest";
import { list, object, type Obj, ofType, recordResources, type Registered, settle, text } from "./harness";
import { catalog, findService } from "../../model/catalog";
import { parsePlatformConfig } from "../../components/config";
import { Edge, securityHeaders } from "../../components/edge";
import { edgeRoutes } from "../../components/edge/gateway-api";
import { authorizationSpec, rateLimitRules } from "../../components/edge/envoy-gateway";
import { pipelineDigests, readStackConfig } from "./stack-files";

const registered = recordResources();
let resources: Registered[] = [];
const local = parsePlatformConfig("local", readStackConfig("local"), catalog);
const staging = parsePlatformConfig("staging", readStackConfig("staging"), catalog);
const prodRaw = readStackConfig("prod");
const prod = parsePlatformConfig("prod", { ...prodRaw, images: { ...(prodRaw.images as Obj), digests: pipelineDigests(catalog) } }, catalog);
const gateway = findService(catalog, "api-gateway");
const G = {
    gateway: "kubernetes:gateway.networking.k8s.io/v1:Gateway",
    route: "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
    gatewayClass: "kubernetes:gateway.networking.k8s.io/v1:GatewayClass",
    clientTraffic: "kubernetes:gateway.envoyproxy.io/v1alpha1:ClientTrafficPolicy",
    backendTraffic: "kubernetes:gateway.envoyproxy.io/v1alpha1:BackendTrafficPolicy",
    security: "kubernetes:gateway.envoyproxy.io/v1alpha1:SecurityPolicy",
    envoyProxy: "kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy",
    issuer: "kubernetes:cert-manager.io/v1:ClusterIssuer",
    certificate: "kubernetes:cert-manager.io/v1:Certificate",
    chart: "kubernetes:helm.sh/v4:Chart",
    certManager: "kubernetes-cert-manager:index:CertManager",
} as const;

beforeAll(async () => {
    new Edge("edge-local", { settings: local.edge, namespace: "azora", environment: "local", gateway });
    new Edge("edge-staging", { settings: { ...staging.edge, installController: true }, namespace: "azora-staging", environment: "staging", gateway });
    new Edge("edge-external", {
        settings: {
            ...local.edge,
            domain: "external.example",
            tls: { issuer: "external", secretName: "corp-pki-tls" },
            allowCidrs: ["198.51.100.0/24"],
            denyCidrs: ["198.51.100.66/32"],
            clientIp: { trustedProxyCidrs: ["10.0.0.0/8"], trustedHops: 0 },
        },
        namespace: "azora-ext",
        environment: "e2e",
        gateway,
    });
    await settle(registered);
    resources = [...registered];
});

const inNs = (type: string, namespace: string): Obj[] =>
    ofType(resources, type)
        .map((r) => r.inputs)
        .filter((i) => text(i.metadata.namespace) === namespace);

describe("the Gateway", () => {
    it("terminates TLS on the HTTPS listener with the cert-manager Certificate's Secret", () => {
        const gw = object(resources, G.gateway, "api-gateway", "azora");
        const https = list(gw.spec.listeners).find((l) => text(l.name) === "https");
        expect(https).toMatchObject({ port: 443, protocol: "HTTPS", hostname: "api.azora.localhost.example" });
        expect(https?.tls).toEqual({ mode: "Terminate", certificateRefs: [{ group: "", kind: "Secret", name: "api-gateway-tls" }] });
        const cert = object(resources, G.certificate, "api-gateway-tls", "azora");
        expect(cert.spec.secretName).toBe("api-gateway-tls");
        expect(cert.spec.dnsNames).toEqual(["api.azora.localhost.example"]);
    });

    it("has a plain-HTTP listener whose only route redirects to HTTPS and has no backend", () => {
        const gw = object(resources, G.gateway, "api-gateway", "azora");
        expect(list(gw.spec.listeners).find((l) => text(l.name) === "http")).toMatchObject({ port: 80, protocol: "HTTP" });
        const onHttp = inNs(G.route, "azora").filter((r) => list(r.spec.parentRefs).some((p) => text(p.sectionName) === "http"));
        expect(onHttp.map((r) => text(r.metadata.name))).toEqual(["api-gateway-http-redirect"]);
        const [rule] = list(onHttp[0].spec.rules);
        expect(rule.backendRefs).toBeUndefined();
        expect(rule.filters).toEqual([{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }]);
    });

    it("accepts routes from its own namespace only", () => {
        const gw = object(resources, G.gateway, "api-gateway", "azora");
        for (const l of list(gw.spec.listeners)) expect(l.allowedRoutes.namespaces).toEqual({ from: "Same" });
    });

    it("is served by Envoy Gateway through the GatewayClass and the EnvoyProxy its infrastructure names", () => {
        const gw = object(resources, G.gateway, "api-gateway", "azora");
        const cls = ofType(resources, G.gatewayClass).map((r) => r.inputs).find((c) => text(c.metadata.name) === text(gw.spec.gatewayClassName));
        expect(cls?.spec.controllerName).toBe("gateway.envoyproxy.io/gatewayclass-controller");
        expect(gw.spec.infrastructure.parametersRef).toEqual({ group: "gateway.envoyproxy.io", kind: "EnvoyProxy", name: "api-gateway" });
        const proxy = object(resources, G.envoyProxy, "api-gateway", "azora");
        expect(proxy.spec.provider.kubernetes.envoyService.externalTrafficPolicy).toBe("Local");
        expect(proxy.spec.provider.kubernetes.envoyDeployment.replicas).toBe(local.edge.proxyReplicas);
    });

    it("creates no Ingress", () => {
        expect(resources.filter((r) => r.type.endsWith(":Ingress"))).toEqual([]);
    });
});

describe("the public routes", () => {
    it("are one HTTPRoute per route the catalog declares, on the HTTPS listener, to the gateway Service", () => {
        const routes = inNs(G.route, "azora").filter((r) => list(r.spec.parentRefs).some((p) => text(p.sectionName) === "https"));
        expect(routes.map((r) => text(r.metadata.name))).toEqual((gateway.publicRoutes ?? []).map((r) => `api-gateway-${r.name}`));
        for (const r of routes) {
            const [rule] = list(r.spec.rules);
            expect(rule.backendRefs).toEqual([{ group: "", kind: "Service", name: "api-gateway", port: gateway.port }]);
        }
        const auth = routes.find((r) => text(r.metadata.name) === "api-gateway-auth");
        expect(list(auth?.spec.rules)[0].matches).toEqual([{ path: { type: "PathPrefix", value: "/api/auth" } }]);
    });

    it("set the security headers and answer CORS with the standard filters", () => {
        const [route] = inNs(G.route, "azora").filter((r) => text(r.metadata.name) === "api-gateway-default");
        const filters = list(list(route.spec.rules)[0].filters);
        const headers = Object.fromEntries(
            list(filters.find((f) => text(f.type) === "ResponseHeaderModifier")?.responseHeaderModifier.set).map((h) => [text(h.name), text(h.value)]),
        );
        expect(headers).toEqual(securityHeaders(local.edge));
        const cors = filters.find((f) => text(f.type) === "CORS")?.cors ?? {};
        expect(cors.allowOrigins).toEqual(local.edge.cors.allowedOrigins);
        expect(cors.maxAge).toBe(local.edge.cors.maxAgeSeconds);
    });

    it("each have a rate-limit policy targeting them, with the body-size limit", () => {
        const policies = inNs(G.backendTraffic, "azora");
        for (const route of gateway.publicRoutes ?? []) {
            const p = policies.find((x) => list(x.spec.targetRefs).some((t) => text(t.kind) === "HTTPRoute" && text(t.name) === `api-gateway-${route.name}`));
            expect(p?.spec.rateLimit.type, route.name).toBe("Local");
            expect(p?.spec.requestBuffer).toEqual({ limit: local.edge.bodySizeLimit });
        }
    });
});

describe("the limits", () => {
    const prodRoutes = edgeRoutes(gateway, prod.edge.routes);
    const auth = prodRoutes.find((r) => r.name === "auth");

    it("take the stack's numbers over the catalog's, route by route", () => {
        expect(auth?.limits).toEqual({ clientRequestsPerSecond: 1, burstMultiplier: 5, routeRequestsPerSecond: 300 });
        const catalogAuth = (gateway.publicRoutes ?? []).find((r) => r.name === "auth");
        expect(edgeRoutes(gateway, {}).find((r) => r.name === "auth")?.limits).toEqual(catalogAuth?.limits);
    });

    it("keep the catalog's number for what a stack leaves out", () => {
        const staged = edgeRoutes(gateway, staging.edge.routes).find((r) => r.name === "auth");
        const catalogAuth = (gateway.publicRoutes ?? []).find((r) => r.name === "auth");
        expect(staged?.limits.clientRequestsPerSecond).toBe(2);
        expect(staged?.limits.routeRequestsPerSecond).toBe(catalogAuth?.limits.routeRequestsPerSecond);
    });

    it("give every client address its own burst and sustained buckets, for IPv4 and IPv6", () => {
        if (!auth) throw new Error("no auth route");
        const perClient = rateLimitRules(auth).filter((r) => JSON.stringify(r.clientSelectors).includes("sourceCIDR"));
        expect(perClient).toEqual(
            ["Second", "Minute"].flatMap((unit) =>
                ["0.0.0.0/0", "::/0"].map((value) => ({
                    clientSelectors: [{ sourceCIDR: { type: "Distinct", value } }],
                    limit: { requests: unit === "Second" ? 5 : 60, unit },
                })),
            ),
        );
    });

    it("cap the whole route with one bucket shared by every client, selected by the route's own prefix", () => {
        if (!auth) throw new Error("no auth route");
        const shared = rateLimitRules(auth).filter((r) => !JSON.stringify(r.clientSelectors).includes("sourceCIDR"));
        expect(shared).toEqual([{ clientSelectors: [{ path: { type: "PathPrefix", value: "/api/auth" } }], limit: { requests: 300, unit: "Second" } }]);
    });

    it("have no rule without selectors, which Envoy Gateway would apply only to requests no other rule matches", () => {
        if (!auth) throw new Error("no auth route");
        expect(rateLimitRules(auth).filter((r) => r.clientSelectors === undefined)).toEqual([]);
    });

    it("hold TLS to 1.2 at least and cap connections on the Gateway", () => {
        const p = object(resources, G.clientTraffic, "api-gateway", "azora");
        expect(p.spec.targetRefs).toEqual([{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "api-gateway" }]);
        expect(p.spec.tls).toEqual({ minVersion: "1.2" });
        expect(p.spec.connection.connectionLimit.value).toBe(local.edge.connectionLimit);
    });
});

describe("the client address and the IP lists", () => {
    it("trust only the proxies the stack names when they are set", () => {
        const p = object(resources, G.clientTraffic, "api-gateway", "azora-ext");
        expect(p.spec.clientIPDetection).toEqual({ xForwardedFor: { trustedCIDRs: ["10.0.0.0/8"] } });
    });

    it("trust the stack's number of X-Forwarded-For hops behind a load balancer", () => {
        expect(prod.edge.clientIp.trustedHops).toBe(1);
        const p = object(resources, G.clientTraffic, "api-gateway", "azora-staging");
        expect(p.spec.clientIPDetection).toEqual({ xForwardedFor: { numTrustedHops: staging.edge.clientIp.trustedHops } });
    });

    it("use the connection's address when no proxy is trusted", () => {
        const p = object(resources, G.clientTraffic, "api-gateway", "azora");
        expect(p.spec.clientIPDetection).toBeUndefined();
    });

    it("refuse the deny list first and everyone outside a set allow list", () => {
        const p = object(resources, G.security, "api-gateway", "azora-ext");
        expect(p.spec.authorization).toEqual({
            defaultAction: "Deny",
            rules: [
                { name: "deny-list", action: "Deny", principal: { clientCIDRs: ["198.51.100.66/32"] } },
                { name: "allow-list", action: "Allow", principal: { clientCIDRs: ["198.51.100.0/24"] } },
            ],
        });
    });

    it("allow every address that a deny list alone does not name", () => {
        expect(authorizationSpec({ ...local.edge, denyCidrs: ["192.0.2.0/24"] })).toEqual({
            defaultAction: "Allow",
            rules: [{ name: "deny-list", action: "Deny", principal: { clientCIDRs: ["192.0.2.0/24"] } }],
        });
    });

    it("make no SecurityPolicy when neither list is set", () => {
        expect(inNs(G.security, "azora")).toEqual([]);
    });
});

describe("certificates and controllers", () => {
    it("uses a self-signed ClusterIssuer for the local stack and ACME over the Gateway's HTTP listener for staging", () => {
        const issuers = ofType(resources, G.issuer).map((r) => r.inputs);
        expect(issuers.find((i) => text(i.metadata.name) === "azora-selfsigned")?.spec).toEqual({ selfSigned: {} });
        const acme = issuers.find((i) => text(i.metadata.name) === "azora-acme")?.spec.acme;
        expect(acme?.server).toContain("acme-staging");
        expect(acme?.solvers).toEqual([
            {
                http01: {
                    gatewayHTTPRoute: {
                        parentRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "api-gateway", namespace: "azora-staging", sectionName: "http" }],
                    },
                },
            },
        ]);
    });

    it("serves an externally provisioned certificate without creating an issuer or Certificate", () => {
        const gw = object(resources, G.gateway, "api-gateway", "azora-ext");
        expect(list(gw.spec.listeners)[0].tls.certificateRefs).toEqual([{ group: "", kind: "Secret", name: "corp-pki-tls" }]);
        expect(inNs(G.certificate, "azora-ext")).toEqual([]);
        expect(ofType(resources, G.issuer)).toHaveLength(2);
    });

    it("installs pinned Envoy Gateway and cert-manager charts only where the stack asks, cert-manager with Gateway API support", () => {
        const charts = ofType(resources, G.chart).map((r) => r.inputs);
        expect(charts).toHaveLength(1);
        expect(charts[0]).toMatchObject({ chart: "oci://docker.io/envoyproxy/gateway-helm", version: staging.edge.envoyGatewayChartVersion });
        const [cm] = ofType(resources, G.certManager).map((r) => r.inputs);
        expect(ofType(resources, G.certManager)).toHaveLength(1);
        expect(cm.helmOptions.version).toBe(staging.edge.certManagerChartVersion);
        expect(cm.extraArgs).toContain("--enable-gateway-api");
    });

    it("sends HSTS, CSP, frame, content-type and referrer headers", () => {
        const h = securityHeaders(staging.edge);
        expect(h["Strict-Transport-Security"]).toBe("max-age=31536000; includeSubDomains");
        expect(h["X-Frame-Options"]).toBe("DENY");
        expect(h["X-Content-Type-Options"]).toBe("nosniff");
        expect(h["Referrer-Policy"]).toBe("strict-origin-when-cross-origin");
        expect(h["Content-Security-Policy"]).toContain("frame-ancestors 'none'");
    });
});
