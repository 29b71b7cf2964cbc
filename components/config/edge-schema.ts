// The public edge: host, TLS, the Gateway API implementation and its install, CORS, the per-route,
// per-client and connection limits, IP allow and deny lists, and the response headers.
import { z } from "zod";
import { clientCidr, dnsLabel, hostname, origin } from "./fields";

const release = (example: string) => z.string().regex(/^v[0-9]+\.[0-9]+\.[0-9]+$/, `a pinned release such as ${example}`);
const limit = (what: string) => z.number().int().min(1, `at least 1 (${what}; a limit of 0 would refuse every request)`);

const routeLimits = z
    .strictObject({
        clientRequestsPerSecond: limit("requests per second per client")
            .max(10000)
            .optional()
            .describe("Sustained requests per second one client may send on the route."),
        burstMultiplier: limit("seconds of the client rate one second may spend")
            .max(60)
            .optional()
            .describe("A client may spend this many seconds' worth of its rate within one second (the burst)."),
        routeRequestsPerSecond: limit("requests per second on the whole route")
            .max(1000000)
            .optional()
            .describe("Requests per second the route accepts from all clients together (its global ceiling)."),
    })
    .describe("This environment's limits of one route; what is left out keeps the catalog's number.");

export const edgeSchema = z.strictObject({
    domain: hostname.describe("The gateway is served at `api.<domain>`."),
    gatewayClassName: dnsLabel
        .default("azora-envoy")
        .describe("Name of the GatewayClass the program creates for Envoy Gateway and the Gateway uses."),
    proxyNamespace: dnsLabel
        .default("envoy-gateway-system")
        .describe(
            "Namespace the edge's proxies run in (Envoy Gateway's controller namespace), the only peer allowed into the gateway's and Grafana's ports.",
        ),
    proxyReplicas: z
        .number()
        .int()
        .min(1)
        .max(50)
        .default(2)
        .describe(
            "Envoy proxy replicas of the Gateway. Rate limits are counted per replica, so a client's effective limit is this many times a route's number.",
        ),
    installController: z
        .boolean()
        .default(false)
        .describe(
            "Install the edge's controllers: Envoy Gateway's Helm chart (with the Gateway API CRDs it pins) in `proxyNamespace`, and cert-manager with Gateway API support in `cert-manager`. Off where the cluster has them (and on the local and e2e stacks, which have no controllers).",
        ),
    envoyGatewayChartVersion: release("v1.9.1")
        .default("v1.9.1")
        .describe("Envoy Gateway's Helm chart release (`oci://docker.io/envoyproxy/gateway-helm`) installed by `installController`."),
    certManagerChartVersion: release("v1.21.2")
        .default("v1.21.2")
        .describe("The cert-manager Helm chart release installed by `installController`."),
    tls: z
        .discriminatedUnion("issuer", [
            z.strictObject({
                issuer: z.literal("selfsigned").describe("`selfsigned`: a self-signed ClusterIssuer (local, dev, e2e)."),
            }),
            z.strictObject({
                issuer: z
                    .literal("acme")
                    .describe("`acme`: Let's Encrypt or another ACME server, solved over HTTP-01 on the Gateway's HTTP listener."),
                email: z
                    .email("an e-mail address for the ACME account")
                    .describe("E-mail address of the ACME account; the ACME server sends expiry notices to it."),
                server: z
                    .url()
                    .default("https://acme-v02.api.letsencrypt.org/directory")
                    .describe("ACME directory URL; the staging stack uses Let's Encrypt's staging directory."),
            }),
            z.strictObject({
                issuer: z
                    .literal("external")
                    .describe(
                        "`external`: the certificate is provisioned outside this stack (a corporate PKI, or a cert-manager owned by another team); the stack creates no ClusterIssuer or Certificate.",
                    ),
                secretName: dnsLabel.describe("The existing TLS Secret in `namespaces.services` that the Gateway's HTTPS listener serves."),
            }),
        ])
        .describe(
            "Where the gateway's certificate comes from: `selfsigned` and `acme` create ClusterIssuer `azora-<issuer>` and the Certificate and Secret `<gateway>-tls` (`api-gateway-tls`); `external` serves an existing Secret.",
        ),
    cors: z
        .strictObject({
            allowedOrigins: z
                .array(origin)
                .min(1)
                .describe("Origins allowed to call the API; also the gateway's `CORS_ALLOWED_ORIGINS`."),
            allowCredentials: z.boolean().default(true).describe("`Access-Control-Allow-Credentials`."),
            maxAgeSeconds: z
                .number()
                .int()
                .min(0)
                .max(86400)
                .default(600)
                .describe("How long browsers may cache a preflight answer."),
        })
        .describe("CORS answered at the edge (the HTTPRoutes' standard CORS filter)."),
    routes: z
        .record(z.string().meta({ title: "route" }), routeLimits)
        .default({})
        .describe(
            "Per-route limits, keyed by the name of a public route the catalog declares on the gateway (`auth`, `payments`, `default`).",
        ),
    connectionLimit: z
        .number()
        .int()
        .min(1, "at least 1 (a limit of 0 would refuse every connection)")
        .max(1000000)
        .default(10000)
        .describe("Concurrent downstream connections each edge proxy accepts on the Gateway (Envoy's listener connection limit)."),
    allowCidrs: z
        .array(clientCidr)
        .default([])
        .describe("When set, only clients in these ranges reach the API (everyone else gets 403); empty allows every address."),
    denyCidrs: z
        .array(clientCidr)
        .default([])
        .describe("Clients in these ranges get 403 at the edge, before any route; checked before `allowCidrs`."),
    clientIp: z
        .strictObject({
            trustedProxyCidrs: z
                .array(clientCidr)
                .default([])
                .describe("Load balancers or CDNs in front of the edge: the client is the right-most X-Forwarded-For address not in these ranges."),
            trustedHops: z
                .number()
                .int()
                .min(0)
                .max(5)
                .default(0)
                .describe("Or: the number of trusted proxies in front of the edge, each appending one X-Forwarded-For entry."),
        })
        .refine((c) => c.trustedProxyCidrs.length === 0 || c.trustedHops === 0, {
            message: "set trustedProxyCidrs or trustedHops, not both",
        })
        .prefault({})
        .describe(
            "How the edge finds the real client address that per-client limits and the IP lists key on. Both empty: the connection's source address, which is the load balancer's own unless it preserves the client's (per-client limits then limit the load balancer).",
        ),
    bodySizeLimit: z
        .string()
        .regex(/^[0-9]+(Ki|Mi)$/, "a size such as 512Ki or 1Mi")
        .default("1Mi")
        .describe("Largest request body the edge accepts; larger requests get 413 before reaching the gateway."),
    hstsMaxAgeSeconds: z
        .number()
        .int()
        .min(300)
        .default(31536000)
        .describe("`max-age` of the `Strict-Transport-Security` header (with `includeSubDomains`)."),
    contentSecurityPolicy: z
        .string()
        .min(1)
        .default("default-src 'none'; frame-ancestors 'none'; base-uri 'none'")
        .describe("`Content-Security-Policy` header of every gateway response."),
});
