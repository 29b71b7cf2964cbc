// The edge's controllers on a cluster that has none: Envoy Gateway's Helm chart (its subchart carries the
// Gateway API CRDs of the release, so the two never disagree) and cert-manager with Gateway API support, both
// pinned. Off on the local and e2e stacks, and wherever the cluster's owners run them.
import * as certmanager from "@pulumi/kubernetes-cert-manager";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { EdgeSettings } from "../config";
import { certManagerNamespace } from "../../model/edge-metrics";

const envoyGatewayChart = "oci://docker.io/envoyproxy/gateway-helm";

export interface EdgeControllersArgs {
    settings: EdgeSettings;
    labels: Record<string, string>;
}

export class EdgeControllers extends pulumi.ComponentResource {
    /** What the edge's objects wait for: the CRDs and webhooks of both installs. */
    readonly ready: pulumi.Resource[];

    constructor(name: string, args: EdgeControllersArgs, opts?: pulumi.ComponentResourceOptions) {
        super("azora:edge:EdgeControllers", name, {}, opts);
        const child = { parent: this };
        const s = args.settings;
        // The chart's controller and certgen pods, and the proxies it creates, all meet "restricted".
        const namespace = new k8s.core.v1.Namespace(
            `${name}-namespace`,
            {
                metadata: {
                    name: s.proxyNamespace,
                    labels: {
                        ...args.labels,
                        "pod-security.kubernetes.io/enforce": "restricted",
                        "pod-security.kubernetes.io/warn": "restricted",
                    },
                },
            },
            child,
        );
        const envoyGateway = new k8s.helm.v4.Chart(
            `${name}-envoy-gateway`,
            {
                chart: envoyGatewayChart,
                // Pinned: an unpinned chart installs whatever is latest on the day of the up.
                version: s.envoyGatewayChartVersion,
                namespace: s.proxyNamespace,
                values: { deployment: { replicas: 2 } },
            },
            { ...child, dependsOn: [namespace] },
        );
        const certManager = new certmanager.CertManager(
            `${name}-cert-manager`,
            {
                installCRDs: true,
                // Lets the ACME issuer solve HTTP-01 with an HTTPRoute on the Gateway (needs the Gateway API CRDs first).
                extraArgs: ["--enable-gateway-api"],
                helmOptions: { namespace: certManagerNamespace, createNamespace: true, version: s.certManagerChartVersion },
            },
            { ...child, dependsOn: [envoyGateway] },
        );
        this.ready = [envoyGateway, certManager];
        this.registerOutputs({});
    }
}
