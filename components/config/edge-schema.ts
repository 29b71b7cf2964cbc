// The public edge: host, TLS, CORS, rate and body limits, response headers.
import { z } from "zod";
import { dnsLabel, hostname, origin } from "./fields";

export const edgeSchema = z.strictObject({
    domain: hostname.describe("The gateway is served at `api.<domain>`."),
    ingressClassName: z
        .string()
        .min(1)
        .default("nginx")
        .describe("`ingressClassName` of the gateway Ingress and of the ACME HTTP-01 solver."),
    proxyNamespace: dnsLabel
        .default("envoy-gateway-system")
        .describe(
            "Namespace the edge's proxies run in (Envoy Gateway's controller namespace), the only peer allowed into the gateway's and Grafana's ports.",
        ),
    tls: z
        .discriminatedUnion("issuer", [
            z.strictObject({
                issuer: z.literal("selfsigned").describe("`selfsigned`: a self-signed ClusterIssuer (local, dev)."),
            }),
            z.strictObject({
                issuer: z.literal("acme").describe("`acme`: Let's Encrypt or another ACME server, solved over HTTP-01."),
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
                        "`external`: the certificate is provisioned outside this stack (a corporate PKI, a cert-manager owned by another team, or a cluster without cert-manager such as the e2e control plane); the stack creates no ClusterIssuer or Certificate.",
                    ),
                secretName: dnsLabel.describe("The existing TLS Secret in `namespaces.services` that the gateway Ingress serves."),
            }),
        ])
        .describe(
            "Where the gateway's certificate comes from: `selfsigned` and `acme` create ClusterIssuer `azora-<issuer>` and the Certificate and Secret `<gateway>-tls` (`api-gateway-tls`); `external` serves an existing Secret.",
        ),
    installCertManager: z
        .boolean()
        .default(false)
        .describe("Install cert-manager with @pulumi/kubernetes-cert-manager; off where the cluster has one."),
    certManagerChartVersion: z
        .string()
        .regex(/^v[0-9]+\.[0-9]+\.[0-9]+$/, "a cert-manager release such as v1.16.3")
        .default("v1.16.3")
        .describe("The cert-manager Helm chart release installed when installCertManager is on."),
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
        .describe("CORS answered by the ingress controller for the gateway."),
    rateLimit: z
        .strictObject({
            rps: z.number().int().min(1).max(10000).describe("Requests per second per client IP."),
            burstMultiplier: z
                .number()
                .int()
                .min(1)
                .max(20)
                .default(5)
                .describe("Burst allowed above `rps`, as a multiple of it."),
            connections: z.number().int().min(1).max(10000).describe("Concurrent connections per client IP."),
        })
        .describe("Per-client-IP limits at the ingress controller (ingress-nginx `limit-*` annotations)."),
    bodySizeLimit: z
        .string()
        .regex(/^[0-9]+[km]$/, "an nginx size such as 1m or 512k")
        .default("1m")
        .describe("Largest request body the ingress accepts (`proxy-body-size`)."),
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
