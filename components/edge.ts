// The public edge: TLS from cert-manager, the gateway Ingress with security headers, CORS,
// per-client rate limits and a body-size limit. Only the catalog's public service is reachable from outside.
import * as certmanager from "@pulumi/kubernetes-cert-manager";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ServiceSpec } from "../model/catalog";
import type { EdgeSettings } from "./config";
import { standardLabels } from "../model/labels";

/** TLS whose certificate this stack issues through cert-manager. */
type IssuedTls = Exclude<EdgeSettings["tls"], { issuer: "external" }>;

export interface EdgeArgs {
    settings: EdgeSettings;
    namespace: string;
    environment: string;
    gateway: ServiceSpec;
}

/** Response headers the controller adds to every gateway response. */
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

/** ingress-nginx annotations for CORS, rate limits, body size and TLS redirect. */
export function edgeAnnotations(s: EdgeSettings, headersConfigMap: string): Record<string, string> {
    return {
        "nginx.ingress.kubernetes.io/force-ssl-redirect": "true",
        "nginx.ingress.kubernetes.io/custom-headers": headersConfigMap,
        "nginx.ingress.kubernetes.io/enable-cors": "true",
        "nginx.ingress.kubernetes.io/cors-allow-origin": s.cors.allowedOrigins.join(", "),
        "nginx.ingress.kubernetes.io/cors-allow-credentials": String(s.cors.allowCredentials),
        "nginx.ingress.kubernetes.io/cors-allow-methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
        "nginx.ingress.kubernetes.io/cors-allow-headers": "Authorization, Content-Type, X-Request-Id, traceparent",
        "nginx.ingress.kubernetes.io/cors-max-age": String(s.cors.maxAgeSeconds),
        "nginx.ingress.kubernetes.io/limit-rps": String(s.rateLimit.rps),
        "nginx.ingress.kubernetes.io/limit-burst-multiplier": String(s.rateLimit.burstMultiplier),
        "nginx.ingress.kubernetes.io/limit-connections": String(s.rateLimit.connections),
        "nginx.ingress.kubernetes.io/proxy-body-size": s.bodySizeLimit,
        "nginx.ingress.kubernetes.io/ssl-protocols": "TLSv1.2 TLSv1.3",
    };
}

export class Edge extends pulumi.ComponentResource {
    readonly url: pulumi.Output<string>;
    readonly host: string;

    constructor(name: string, args: EdgeArgs, opts?: pulumi.ComponentResourceOptions) {
        super("azora:edge:Edge", name, {}, opts);
        const child = { parent: this };
        const s = args.settings;
        const labels = standardLabels({ name: "edge", component: "edge", environment: args.environment });
        this.host = `api.${s.domain}`;

        // Every edge object is named after the catalog's public service, so a renamed gateway renames its edge;
        // the Platform names this component after it too, so logical names read <component>-<role>.
        const gw = args.gateway.name;
        const tls = s.tls;
        const tlsSecret = tls.issuer === "external" ? tls.secretName : `${gw}-tls`;
        const certificate =
            tls.issuer === "external" ? [] : [this.certificate(name, s, tls, labels, args.namespace, tlsSecret)];

        const headersName = `${gw}-security-headers`;
        new k8s.core.v1.ConfigMap(
            `${name}-security-headers`,
            { metadata: { name: headersName, namespace: args.namespace, labels }, data: securityHeaders(s) },
            child,
        );

        new k8s.networking.v1.Ingress(
            name,
            {
                metadata: {
                    name: gw,
                    namespace: args.namespace,
                    labels,
                    annotations: edgeAnnotations(s, `${args.namespace}/${headersName}`),
                },
                spec: {
                    ingressClassName: s.ingressClassName,
                    tls: [{ hosts: [this.host], secretName: tlsSecret }],
                    rules: [
                        {
                            host: this.host,
                            http: {
                                paths: [
                                    {
                                        path: "/",
                                        pathType: "Prefix",
                                        backend: { service: { name: args.gateway.name, port: { number: args.gateway.port } } },
                                    },
                                ],
                            },
                        },
                    ],
                },
            },
            { ...child, dependsOn: certificate },
        );

        this.url = pulumi.output(`https://${this.host}`);
        this.registerOutputs({ url: this.url });
    }

    /** cert-manager (when installed here), its ClusterIssuer and the gateway's Certificate. */
    private certificate(name: string, s: EdgeSettings, tls: IssuedTls, labels: Record<string, string>, namespace: string, tlsSecret: string): pulumi.Resource {
        const child = { parent: this };
        const installed: pulumi.Resource[] = [];
        if (s.installCertManager) {
            installed.push(
                new certmanager.CertManager(
                    `${name}-cert-manager`,
                    {
                        installCRDs: true,
                        // Pinned: an unpinned chart installs whatever is latest on the day of the up.
                        helmOptions: { namespace: "cert-manager", createNamespace: true, version: s.certManagerChartVersion },
                    },
                    { ...child, aliases: [{ name: "cert-manager" }] },
                ),
            );
        }
        const issuerName = `azora-${tls.issuer}`;
        const issuer = new k8s.apiextensions.CustomResource(
            `${name}-issuer`,
            {
                apiVersion: "cert-manager.io/v1",
                kind: "ClusterIssuer",
                metadata: { name: issuerName, labels },
                spec:
                    tls.issuer === "acme"
                        ? {
                              acme: {
                                  email: tls.email,
                                  server: tls.server,
                                  privateKeySecretRef: { name: `${issuerName}-account` },
                                  solvers: [{ http01: { ingress: { ingressClassName: s.ingressClassName } } }],
                              },
                          }
                        : { selfSigned: {} },
            },
            { ...child, dependsOn: installed, aliases: [{ name: issuerName }] },
        );
        return new k8s.apiextensions.CustomResource(
            `${name}-tls`,
            {
                apiVersion: "cert-manager.io/v1",
                kind: "Certificate",
                metadata: { name: tlsSecret, namespace, labels },
                spec: {
                    secretName: tlsSecret,
                    dnsNames: [this.host],
                    issuerRef: { kind: "ClusterIssuer", name: issuerName, group: "cert-manager.io" },
                    privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
                    duration: "2160h",
                    renewBefore: "720h",
                },
            },
            { ...child, dependsOn: [issuer] },
        );
    }
}
