// The whole platform for one stack: provider, admission policies, namespaces, the ten services, the
// edge and the observability stack, wired from the typed config and the catalog.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { renderAlertmanagerConfig, renderRuleFiles } from "../alerts";
import { buildDashboards } from "../dashboards";
import { publicService, type ServiceSpec } from "../model/catalog";
import { Admission } from "./admission";
import type { PlatformSettings } from "./config";
import { Edge } from "./edge";
import { resolveImage } from "./services/image";
import { AzoraNamespace, type AzoraNamespaceArgs } from "./namespace";
import type { NamespaceRole } from "../model/namespaces";
import type { NetworkContext } from "./services/network";
import { ObservabilityStack } from "./observability";
import { images as observabilityImages } from "./observability/images";
import { configMapDataBudgetBytes } from "./k8s/config-maps";
import { observabilityWorkloads } from "../model/workloads";
import { serviceUrl } from "../model/urls";
import { slackWebhookFile } from "../model/workloads";
import { escalationSecretsDirectory } from "../model/secrets";
import { memoryLimitBytes, serviceWorkload } from "./services/sizing";
import { AzoraService } from "./services/service";

export interface PlatformArgs {
    settings: PlatformSettings;
    services: readonly ServiceSpec[];
}

export class Platform extends pulumi.ComponentResource {
    readonly gatewayUrl: pulumi.Output<string>;
    readonly namespaces: { services: string; observability: string; logging: string };
    readonly serviceEndpoints: Record<string, pulumi.Output<string>>;
    readonly observability: ObservabilityStack;

    constructor(name: string, args: PlatformArgs, opts?: pulumi.ComponentResourceOptions) {
        super("azora:platform:Platform", name, {}, opts);
        const { settings, services } = args;
        const env = settings.environment;

        const provider = new k8s.Provider(
            "kubernetes",
            {
                ...(settings.kubernetes.renderDirectory
                    ? { renderYamlToDirectory: settings.kubernetes.renderDirectory }
                    : { kubeconfig: settings.kubernetes.kubeconfig, context: settings.kubernetes.context }),
                enableServerSideApply: settings.kubernetes.serverSideApply,
            },
            { parent: this },
        );
        const child = { parent: this, providers: { kubernetes: provider } };

        this.namespaces = {
            services: settings.namespaces.services,
            observability: settings.namespaces.observability,
            logging: settings.namespaces.logging,
        };

        // The cluster enforces the checklist before anything of the platform exists: every other
        // object waits for the policies and their bindings, so the platform's own objects are the
        // first to be admitted (or refused) by them.
        const admission = new Admission(
            "admission",
            {
                namespaces: Object.values(this.namespaces),
                environment: env,
                facts: {
                    allowedRegistries: allowedRegistries(settings),
                    // The node agents' namespace only (log shipper, node exporter); see the rule's comment.
                    hostPathNamespaces: [settings.namespaces.logging],
                    requireDigest: settings.images.requireDigest,
                },
            },
            child,
        );

        // Each namespace component is named after the namespace it makes (aliased to the role it was first named by).
        const namespace = (role: NamespaceRole, podSecurity?: AzoraNamespaceArgs["podSecurity"]) =>
            new AzoraNamespace(
                settings.namespaces[role],
                {
                    environment: env,
                    quota: settings.namespaces.quota,
                    access: settings.access,
                    name: settings.namespaces[role],
                    purpose: role,
                    podSecurity,
                },
                { ...child, aliases: [{ name: role }], dependsOn: [admission] },
            );
        const servicesNs = namespace("services");
        const observabilityNs = namespace("observability");
        const loggingNs = namespace("logging", {
            enforce: "privileged",
            reason:
                "node agents only (log-shipper, node-exporter): they read the host's /var/log/pods, /proc, /sys " +
                "and / through read-only hostPaths, which baseline and restricted refuse; they still run non-root " +
                "with no capabilities",
        });

        const network: NetworkContext = {
            services,
            namespace: settings.namespaces.services,
            observabilityNamespace: settings.namespaces.observability,
            edgeProxyNamespace: settings.edge.proxyNamespace,
            databaseCidrs: settings.database.egressCidrs,
            databasePort: settings.database.port,
            apiServerCidrs: settings.kubernetes.apiServerCidrs,
        };
        const otel = observabilityWorkloads.otelCollector;
        const otlpEndpoint = serviceUrl(otel.name, settings.namespaces.observability, otel.otlpGrpcPort);

        const inServicesNs = { ...child, dependsOn: [servicesNs, admission] };
        this.serviceEndpoints = {};
        for (const spec of services) {
            const workload = serviceWorkload(spec, settings.workloads);
            const image = resolveImage(spec.name, settings.images, workload.tag, { parent: this });
            const svc = new AzoraService(
                spec.name,
                {
                    spec,
                    network,
                    environment: env,
                    image: image.reference,
                    version: image.version,
                    imagePullPolicy: settings.images.pullPolicy,
                    replicas: workload.replicas,
                    resources: workload.resources,
                    autoscaling: settings.workloads,
                    topologySpread: settings.workloads.topologySpread.whenUnsatisfiable,
                    terminationGracePeriodSeconds: settings.workloads.terminationGracePeriodSeconds,
                    preStopSleepSeconds: settings.workloads.preStopSleepSeconds,
                    env: {
                        logLevel: settings.workloads.logLevel,
                        featureFlags: workload.featureFlags,
                        env: workload.env,
                        otlpEndpoint,
                        corsAllowedOrigins: settings.edge.cors.allowedOrigins,
                    },
                    rotation: settings.secrets.rotation,
                    externalSecretValues: settings.secrets.externalValues[spec.name] ?? {},
                    database: spec.database ? settings.database : undefined,
                },
                inServicesNs,
            );
            this.serviceEndpoints[spec.name] = svc.endpoint;
        }

        const gateway = publicService(services);
        const edge = new Edge(
            gateway.name,
            { settings: settings.edge, namespace: settings.namespaces.services, environment: env, gateway },
            { ...inServicesNs, aliases: [{ name: "edge" }] },
        );
        this.gatewayUrl = edge.url;

        const obs = settings.observability;
        this.observability = new ObservabilityStack(
            "observability",
            {
                namespace: settings.namespaces.observability,
                servicesNamespace: settings.namespaces.services,
                environment: env,
                settings: obs,
                services,
                // Each rule file fits a ConfigMap; the Prometheus component packs them into as many as needed.
                ruleFiles: renderRuleFiles(
                    {
                        services,
                        memoryLimitBytes: memoryLimitBytes(services, settings.workloads),
                        runbookBaseUrl: obs.runbookBaseUrl,
                        namespaces: settings.namespaces,
                    },
                    configMapDataBudgetBytes,
                ),
                alertmanagerConfig: renderAlertmanagerConfig({
                    receiver: obs.alertmanager.receiver,
                    slackWebhookFile,
                    escalation: obs.alertmanager.escalation,
                    escalationSecretsDirectory,
                    deadMansSwitchUrl: obs.alertmanager.deadMansSwitchUrl,
                }),
                dashboards: buildDashboards({ services }),
                slackWebhookUrl: settings.secrets.slackWebhookUrl ? pulumi.secret(settings.secrets.slackWebhookUrl) : undefined,
                escalationSecrets: settings.secrets.alerting,
                remoteWriteSecrets: settings.secrets.remoteWrite,
                edge: {
                    proxyNamespace: settings.edge.proxyNamespace,
                    gateway: { name: gateway.name, namespace: settings.namespaces.services },
                },
                logShipperNamespace: settings.namespaces.logging,
                apiServerCidrs: settings.kubernetes.apiServerCidrs,
                nodeCidrs: settings.kubernetes.nodeCidrs,
                kubeletCertificatesVerified: settings.kubernetes.kubeletCertificatesVerified,
            },
            // Prometheus' Roles in the edge's namespaces need them: with edge.installController, the controllers make them.
            { ...child, dependsOn: [observabilityNs, loggingNs, admission, ...edge.controllers] },
        );

        this.registerOutputs({
            gatewayUrl: this.gatewayUrl,
            namespaces: this.namespaces,
            serviceEndpoints: this.serviceEndpoints,
        });
    }
}

/** The repository a reference lives under: `docker.io/grafana/loki:3.5.3@sha256:…` → `docker.io/grafana`. */
function parentRepository(reference: string): string {
    const path = reference.split("@")[0];
    return path.slice(0, path.lastIndexOf("/"));
}

/** Where the platform's images come from, so the cluster refuses images from anywhere else. */
function allowedRegistries(settings: PlatformSettings): string[] {
    const pinned = [...Object.values(observabilityImages).map((i) => i.repository), settings.database.backupImage];
    return [...new Set([settings.images.registry, ...pinned.map(parentRepository)])].sort();
}
