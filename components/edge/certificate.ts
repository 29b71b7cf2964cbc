// The gateway's certificate from cert-manager: a ClusterIssuer (self-signed, or ACME solved with HTTP-01 on
// the Gateway's HTTP listener) and the Certificate whose Secret the HTTPS listener serves.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { EdgeSettings } from "../config";
import { gatewayApiGroup, type GatewayIdentity, listeners } from "./gateway-api";

/** TLS whose certificate this stack issues through cert-manager. */
type IssuedTls = Exclude<EdgeSettings["tls"], { issuer: "external" }>;

const certManagerVersion = "cert-manager.io/v1";

/** Lifetime and renewal of the gateway certificate; the expiry alert fires well after renewal should have happened. */
const certificateTimes = { duration: "2160h", renewBefore: "720h" } as const;

function issuerSpec(tls: IssuedTls, issuerName: string, g: GatewayIdentity, namespace: string): Record<string, unknown> {
    if (tls.issuer === "selfsigned") return { selfSigned: {} };
    return {
        acme: {
            email: tls.email,
            server: tls.server,
            privateKeySecretRef: { name: `${issuerName}-account` },
            // cert-manager answers the challenge with its own HTTPRoute on the plain-HTTP listener.
            solvers: [
                {
                    http01: {
                        gatewayHTTPRoute: {
                            parentRefs: [{ group: gatewayApiGroup, kind: "Gateway", name: g.name, namespace, sectionName: listeners.http.name }],
                        },
                    },
                },
            ],
        },
    };
}

export interface CertificateArgs {
    tls: IssuedTls;
    gateway: GatewayIdentity;
    namespace: string;
    labels: Record<string, string>;
    /** cert-manager's install, when this stack makes it: the issuer waits for its CRDs. */
    dependsOn: pulumi.Resource[];
}

/** The ClusterIssuer and the Certificate, children of `parent`; returns the Certificate. */
export function gatewayCertificate(name: string, parent: pulumi.Resource, a: CertificateArgs): pulumi.Resource {
    const issuerName = `azora-${a.tls.issuer}`;
    const issuer = new k8s.apiextensions.CustomResource(
        `${name}-issuer`,
        {
            apiVersion: certManagerVersion,
            kind: "ClusterIssuer",
            metadata: { name: issuerName, labels: a.labels },
            spec: issuerSpec(a.tls, issuerName, a.gateway, a.namespace),
        },
        { parent, dependsOn: a.dependsOn },
    );
    return new k8s.apiextensions.CustomResource(
        `${name}-tls`,
        {
            apiVersion: certManagerVersion,
            kind: "Certificate",
            metadata: { name: a.gateway.tlsSecret, namespace: a.namespace, labels: a.labels },
            spec: {
                secretName: a.gateway.tlsSecret,
                dnsNames: [a.gateway.host],
                issuerRef: { kind: "ClusterIssuer", name: issuerName, group: "cert-manager.io" },
                privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
                ...certificateTimes,
            },
        },
        { parent, dependsOn: [issuer] },
    );
}
