// Grafana: one replica on sqlite (a StatefulSet), datasources and dashboards provisioned from ConfigMaps, the admin
// password and secret key generated here and delivered only as files from a Secret.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { ResourceSpec } from "../../model/catalog";
import { namespacePeer, tcp } from "../k8s/network-policy";
import { httpProbes } from "../k8s/pod";
import { dataStorage, type Persistence } from "../k8s/storage";
import { containerPorts, type StackPlacement, StackWorkload } from "./workload";
import { observabilityWorkloads as w } from "../../model/workloads";
import { serviceUrl } from "../../model/urls";
import { dashboardProviderYaml, datasourcesYaml, grafanaIni, grafanaPaths } from "./grafana-config";
import { images } from "./images";

export interface GrafanaArgs extends StackPlacement {
    /** Must be 1: sqlite lives on one pod's volume and Grafana keeps login sessions in its database. */
    replicas: number;
    persistence: Persistence;
    /** Dashboard name (or file name) → dashboard JSON (from dashboards/). */
    dashboards: Record<string, string>;
    /** The only namespace allowed to reach Grafana's port: the one the edge proxies run in. */
    edgeProxyNamespace: string;
    resources?: ResourceSpec;
}

// Ephemeral storage: what the container itself writes (its log files); the pod builder adds the
// pod's emptyDirs (/tmp, and the data volume when persistence is off) to the limit.
const defaultResources: ResourceSpec = {
    requests: { cpu: "100m", memory: "256Mi", ephemeralStorage: "64Mi" },
    limits: { cpu: "1", memory: "512Mi", ephemeralStorage: "256Mi" },
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
        const ns = args.namespace;
        const wl = w.grafana;
        const grafana = new StackWorkload(this, name, wl.name, ns, args.environment, images.grafana);

        if (args.replicas !== 1) {
            throw new Error(
                `grafana: replicas must be 1 (got ${args.replicas}); sqlite cannot be shared between pods and ` +
                    "Grafana stores login sessions in its database — configure an external database first",
            );
        }

        const sa = grafana.serviceAccount();

        const adminPassword = new random.RandomPassword(
            `${name}-admin-password`,
            { length: 32, special: false },
            { parent: this },
        );
        const secretKey = new random.RandomPassword(`${name}-secret-key`, { length: 32, special: false }, { parent: this });
        const secret = new k8s.core.v1.Secret(
            `${name}-admin`,
            {
                metadata: grafana.meta(`${wl.name}-admin`),
                type: "Opaque",
                stringData: { "admin-password": adminPassword.result, "secret-key": secretKey.result },
            },
            { parent: this },
        );

        const ini = grafanaIni();
        const datasources = datasourcesYaml(ns);
        const provider = dashboardProviderYaml();
        const config = grafana.configMap(`${wl.name}-config`, { "grafana.ini": ini });
        const datasourceCm = grafana.configMap(`${wl.name}-datasources`, {
            "datasources.yaml": datasources,
        });
        const providerCm = grafana.configMap(`${wl.name}-dashboard-provider`, {
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
                grafana.configMap(`${wl.name}-dashboard-${slug}`, {
                    [`${slug}.json`]: args.dashboards[key],
                }),
            );
        }

        const storage = dataStorage("data", args.persistence, grafana.ids.labels);
        const http = { name: "http", port: wl.port };
        grafana.service([http]);

        const container = grafana.container({
            resources: args.resources ?? defaultResources,
            env: [
                { name: "GF_PATHS_CONFIG", value: `${grafanaPaths.config}/grafana.ini` },
                { name: "GF_PATHS_DATA", value: grafanaPaths.data },
                { name: "GF_PATHS_PROVISIONING", value: grafanaPaths.provisioning },
                { name: "GF_SECURITY_ADMIN_PASSWORD__FILE", value: `${grafanaPaths.secrets}/admin-password` },
                { name: "GF_SECURITY_SECRET_KEY__FILE", value: `${grafanaPaths.secrets}/secret-key` },
            ],
            ports: containerPorts([http]),
            // /api/health also queries the database; /healthz answers whenever the web server runs.
            ...httpProbes({ liveness: "/healthz", readiness: "/api/health", startup: "/api/health", port: wl.port }),
            volumeMounts: [
                { name: "config", mountPath: grafanaPaths.config, readOnly: true },
                { name: "datasources", mountPath: `${grafanaPaths.provisioning}/datasources`, readOnly: true },
                { name: "dashboard-provider", mountPath: `${grafanaPaths.provisioning}/dashboards`, readOnly: true },
                { name: "dashboards", mountPath: grafanaPaths.dashboards, readOnly: true },
                { name: "secrets", mountPath: grafanaPaths.secrets, readOnly: true },
                { name: "data", mountPath: grafanaPaths.data },
            ],
        });

        // A StatefulSet, not a Deployment: one sqlite writer with its own claim, replaced in place.
        grafana.statefulSet({
            governingService: { ports: [http] },
            // Dashboards are left out: the file provider re-reads them every minute without a restart.
            configTexts: [ini, datasources, provider],
            pod: grafana.pod({
                serviceAccountName: sa.metadata.name,
                containers: [container],
                volumes: [
                    { name: "config", configMap: { name: config.metadata.name } },
                    { name: "datasources", configMap: { name: datasourceCm.metadata.name } },
                    { name: "dashboard-provider", configMap: { name: providerCm.metadata.name } },
                    dashboardMaps.length > 0
                        ? {
                              name: "dashboards",
                              projected: { sources: dashboardMaps.map((cm) => ({ configMap: { name: cm.metadata.name } })) },
                          }
                        : { name: "dashboards", emptyDir: { sizeLimit: "1Mi" } },
                    { name: "secrets", secret: { secretName: secret.metadata.name, defaultMode: 0o440 } },
                    ...storage.volumes,
                ],
            }),
            claimTemplates: storage.claimTemplates,
        });

        grafana.networkPolicy({
            ingress: [
                { peers: [namespacePeer(args.edgeProxyNamespace)], ports: tcp(wl.port) },
                { peers: [grafana.peer(w.prometheus.name)], ports: tcp(wl.port) },
            ],
            egress: [
                { peers: [grafana.peer(w.prometheus.name)], ports: tcp(w.prometheus.port) },
                { peers: [grafana.peer(w.loki.name)], ports: tcp(w.loki.port) },
                { peers: [grafana.peer(w.jaeger.name)], ports: tcp(w.jaeger.queryPort) },
                { peers: [grafana.peer(w.alertmanager.name)], ports: tcp(w.alertmanager.port) },
            ],
        });

        this.url = serviceUrl(wl.name, ns, wl.port);
        this.adminPassword = pulumi.secret(adminPassword.result);
        this.registerOutputs({ url: this.url, adminPassword: this.adminPassword });
    }
}
