// Grafana: one replica on sqlite (a StatefulSet), datasources and dashboards provisioned from ConfigMaps, the admin
// password and secret key generated here and delivered only as files from a Secret.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { ResourceSpec } from "../../model/catalog";
import { type ContainerProps, hardenedPod, httpProbes } from "../k8s/pod";
import { checksum, clusterService, configMap, metadata, serviceAccount } from "../k8s/objects";
import { namespacePeer, networkPolicy, podsOf, tcp } from "../k8s/network-policy";
import { dataStorage, type Persistence } from "../k8s/storage";
import { type StackPlacement, workloadLabels } from "./workload";
import { observabilityWorkloads as w } from "../../model/workloads";
import { serviceUrl } from "../../model/urls";
import { dashboardProviderYaml, datasourcesYaml, grafanaIni, grafanaPaths } from "./grafana-config";
import { imageRef, images } from "./images";

export interface GrafanaArgs extends StackPlacement {
    /** Must be 1: sqlite lives on one pod's volume and Grafana keeps login sessions in its database. */
    replicas: number;
    persistence: Persistence;
    /** Dashboard name (or file name) → dashboard JSON (from dashboards/). */
    dashboards: Record<string, string>;
    /** The only namespace allowed to reach Grafana's port: the ingress controller's. */
    ingressControllerNamespace: string;
    resources?: ResourceSpec;
}

const defaultResources: ResourceSpec = {
    requests: { cpu: "100m", memory: "256Mi" },
    limits: { cpu: "1", memory: "512Mi" },
};

/** A DNS-1123 name fragment for a dashboard key such as "Service Overview.json". */
export function dashboardSlug(key: string): string {
    return key
        .replace(/\.json$/i, "")
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, "-")
        .replace(/^-+|-+$/g, "")
        .slice(0, 40);
}

export class Grafana extends pulumi.ComponentResource {
    readonly url: string;
    /** The generated admin password (user `admin`), a secret output. */
    readonly adminPassword: pulumi.Output<string>;

    constructor(name: string, args: GrafanaArgs, opts?: pulumi.ComponentResourceOptions) {
        super("azora:observability:Grafana", name, {}, opts);
        const owner = { parent: this, prefix: name };
        const ns = args.namespace;
        const wl = w.grafana;
        const image = images.grafana;
        const ids = workloadLabels(wl.name, args.environment, image);

        if (args.replicas !== 1) {
            throw new Error(
                `grafana: replicas must be 1 (got ${args.replicas}); sqlite cannot be shared between pods and ` +
                    "Grafana stores login sessions in its database — configure an external database first",
            );
        }

        const sa = serviceAccount(owner, metadata(wl.name, ns, ids.labels), "sa");

        const adminPassword = new random.RandomPassword(
            `${name}-admin-password`,
            { length: 32, special: false },
            { parent: this },
        );
        const secretKey = new random.RandomPassword(`${name}-secret-key`, { length: 32, special: false }, { parent: this });
        const secret = new k8s.core.v1.Secret(
            `${name}-admin`,
            {
                metadata: metadata(`${wl.name}-admin`, ns, ids.labels),
                type: "Opaque",
                stringData: { "admin-password": adminPassword.result, "secret-key": secretKey.result },
            },
            { parent: this },
        );

        const ini = grafanaIni();
        const datasources = datasourcesYaml(ns);
        const provider = dashboardProviderYaml();
        const config = configMap(owner, metadata(`${wl.name}-config`, ns, ids.labels), { "grafana.ini": ini });
        const datasourceCm = configMap(owner, metadata(`${wl.name}-datasources`, ns, ids.labels), {
            "datasources.yaml": datasources,
        });
        const providerCm = configMap(owner, metadata(`${wl.name}-dashboard-provider`, ns, ids.labels), {
            "azora.yaml": provider,
        });

        const slugs = new Map<string, string>();
        const dashboardMaps: k8s.core.v1.ConfigMap[] = [];
        for (const key of Object.keys(args.dashboards).sort()) {
            const slug = dashboardSlug(key);
            if (!slug) throw new Error(`grafana: dashboard "${key}" has no usable name`);
            if (slugs.has(slug)) throw new Error(`grafana: dashboards "${slugs.get(slug)}" and "${key}" share the name ${slug}`);
            slugs.set(slug, key);
            try {
                JSON.parse(args.dashboards[key]);
            } catch (e) {
                throw new Error(`grafana: dashboard "${key}" is not valid JSON: ${(e as Error).message}`, { cause: e });
            }
            dashboardMaps.push(
                configMap(owner, metadata(`${wl.name}-dashboard-${slug}`, ns, ids.labels), {
                    [`${slug}.json`]: args.dashboards[key],
                }),
            );
        }

        const storage = dataStorage("data", args.persistence, ids.labels);
        const svc = clusterService(owner, metadata(wl.name, ns, ids.labels), ids.selector, [{ name: "http", port: wl.port }], {
            role: `${wl.name}-svc`,
        });

        const container: ContainerProps = {
            name: wl.name,
            image: imageRef(image),
            resources: args.resources ?? defaultResources,
            env: [
                { name: "GF_PATHS_CONFIG", value: `${grafanaPaths.config}/grafana.ini` },
                { name: "GF_PATHS_DATA", value: grafanaPaths.data },
                { name: "GF_PATHS_PROVISIONING", value: grafanaPaths.provisioning },
                { name: "GF_SECURITY_ADMIN_PASSWORD__FILE", value: `${grafanaPaths.secrets}/admin-password` },
                { name: "GF_SECURITY_SECRET_KEY__FILE", value: `${grafanaPaths.secrets}/secret-key` },
            ],
            ports: [{ name: "http", containerPort: wl.port, protocol: "TCP" }],
            ...httpProbes({ liveness: "/api/health", readiness: "/api/health", startup: "/api/health", port: wl.port }),
            volumeMounts: [
                { name: "config", mountPath: grafanaPaths.config, readOnly: true },
                { name: "datasources", mountPath: `${grafanaPaths.provisioning}/datasources`, readOnly: true },
                { name: "dashboard-provider", mountPath: `${grafanaPaths.provisioning}/dashboards`, readOnly: true },
                { name: "dashboards", mountPath: grafanaPaths.dashboards, readOnly: true },
                { name: "secrets", mountPath: grafanaPaths.secrets, readOnly: true },
                { name: "data", mountPath: grafanaPaths.data },
            ],
        };

        // A StatefulSet, not a Deployment: one sqlite writer with its own claim, replaced in place.
        new k8s.apps.v1.StatefulSet(
            `${name}-statefulset`,
            {
                metadata: metadata(wl.name, ns, ids.labels),
                spec: {
                    replicas: 1,
                    serviceName: svc.metadata.name,
                    selector: { matchLabels: ids.selector },
                    template: {
                        metadata: {
                            labels: ids.labels,
                            // Dashboards are left out: the file provider re-reads them every minute without a restart.
                            annotations: { "checksum/config": checksum(ini, datasources, provider) },
                        },
                        spec: hardenedPod({
                            name: wl.name,
                            serviceAccountName: sa.metadata.name,
                            spread: "ScheduleAnyway",
                            identity: { uid: image.uid },
                            containers: [container],
                            volumes: [
                                { name: "config", configMap: { name: config.metadata.name } },
                                { name: "datasources", configMap: { name: datasourceCm.metadata.name } },
                                { name: "dashboard-provider", configMap: { name: providerCm.metadata.name } },
                                dashboardMaps.length > 0
                                    ? {
                                          name: "dashboards",
                                          projected: {
                                              sources: dashboardMaps.map((cm) => ({ configMap: { name: cm.metadata.name } })),
                                          },
                                      }
                                    : { name: "dashboards", emptyDir: { sizeLimit: "1Mi" } },
                                { name: "secrets", secret: { secretName: secret.metadata.name, defaultMode: 0o440 } },
                                ...storage.volumes,
                            ],
                        }),
                    },
                    volumeClaimTemplates: storage.claimTemplates,
                },
            },
            { parent: this },
        );

        networkPolicy(
            owner,
            metadata(wl.name, ns, ids.labels),
            ids.selector,
            {
                ingress: [
                    { peers: [namespacePeer(args.ingressControllerNamespace)], ports: tcp(wl.port) },
                    { peers: [podsOf(w.prometheus.name)], ports: tcp(wl.port) },
                ],
                egress: [
                    { peers: [podsOf(w.prometheus.name)], ports: tcp(w.prometheus.port) },
                    { peers: [podsOf(w.loki.name)], ports: tcp(w.loki.port) },
                    { peers: [podsOf(w.jaeger.name)], ports: tcp(w.jaeger.queryPort) },
                    { peers: [podsOf(w.alertmanager.name)], ports: tcp(w.alertmanager.port) },
                ],
            },
            "netpol",
        );

        this.url = serviceUrl(wl.name, ns, wl.port);
        this.adminPassword = pulumi.secret(adminPassword.result);
        this.registerOutputs({ url: this.url, adminPassword: this.adminPassword });
    }
}
