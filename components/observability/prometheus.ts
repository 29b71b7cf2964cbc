// Prometheus: StatefulSet (HA pair in prod), EndpointSlice discovery of every catalog service, of
// the stack itself and of the cluster's exporters, every node's kubelet, rule files from alerts/,
// alerts to each Alertmanager pod. It reads the Kubernetes API through namespaced Roles, and the
// nodes (discovery and the kubelet's metrics endpoints) through one read-only ClusterRole.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ResourceSpec, ServiceSpec } from "../../model/catalog";
import type { ObservabilitySettings } from "../config/schema";
import { packFiles } from "../k8s/config-maps";
import { apiServerPorts, cidrPeers, namespacePeer, tcp, type TrafficRule } from "../k8s/network-policy";
import { metadata } from "../k8s/objects";
import { httpProbes } from "../k8s/pod";
import { grantClusterRole, grantRole, serviceAccountSubject } from "../k8s/rbac";
import { dataStorage } from "../k8s/storage";
import { containerPorts, type StackPlacement, StackWorkload } from "./workload";
import { alertmanagerPodHost, clusterExporters, observabilityWorkloads as w } from "../../model/workloads";
import { remoteWriteSecretKeys, remoteWriteSecretsDirectory } from "../../model/secrets";
import { serviceUrl } from "../../model/urls";
import { images } from "./images";
import {
    edgeScrapeTargets,
    type EdgeScrape,
    exporterScrapeTargets,
    type KubeletScrape,
    prometheusConfig,
    rulesDirectory,
    serviceScrapeTargets,
    stackScrapeTargets,
} from "./prometheus-config";

export interface PrometheusArgs extends StackPlacement {
    servicesNamespace: string;
    /** Namespace of the log shipper when it runs outside the observability namespace. */
    logShipperNamespace?: string;
    settings: ObservabilitySettings["prometheus"];
    services: readonly ServiceSpec[];
    /** File name → rule file text (from alerts/). */
    ruleFiles: Record<string, string>;
    alertmanagerReplicas: number;
    /**
     * Where the Kubernetes API server is reachable. NetworkPolicy cannot name the API server, and
     * the Service VIP is rewritten to the endpoints' addresses (port 6443 on most clusters) before
     * policy applies; narrow this to the control plane's addresses where they are known.
     */
    apiServerCidrs: string[];
    /** The nodes' addresses: where Prometheus reaches each kubelet (egress NetworkPolicy on its port). */
    nodeCidrs: readonly string[];
    kubelet: KubeletScrape;
    /** The public edge: its proxies' and cert-manager's metrics, read from their pods in their own namespaces. */
    edge: EdgeScrape;
    /** secrets.remoteWrite: the credential `settings.remoteWrite.auth` names. @default none */
    remoteWriteSecrets?: { password?: pulumi.Input<string>; bearerToken?: pulumi.Input<string> };
}

/** The port a URL connects to: its own, else its scheme's. */
function urlPort(url: string): number {
    const u = new URL(url);
    return u.port !== "" ? Number(u.port) : u.protocol === "https:" ? 443 : 80;
}

// Ephemeral storage: what the container itself writes (its log files); the pod builder adds the
// pod's emptyDirs (/tmp, and the data volume when persistence is off) to the limit.
const defaultResources: ResourceSpec = {
    requests: { cpu: "250m", memory: "1Gi", ephemeralStorage: "128Mi" },
    limits: { cpu: "2", memory: "4Gi", ephemeralStorage: "512Mi" },
};

/** Rule file names become file paths and ConfigMap keys. */
const ruleFileName = /^[A-Za-z0-9][A-Za-z0-9._-]*\.ya?ml$/;

/** Discovery needs exactly these, read-only, in each namespace it scrapes. */
const podDiscoveryRules: k8s.types.input.rbac.v1.PolicyRule[] = [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] }];
const discoveryRules: k8s.types.input.rbac.v1.PolicyRule[] = [
    { apiGroups: [""], resources: ["services", "pods"], verbs: ["get", "list", "watch"] },
    { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["get", "list", "watch"] },
];

/**
 * The kubelet jobs need these and nothing more: the nodes, to discover them (role node), and
 * nodes/metrics, which the kubelet's authorizer asks for on /metrics, /metrics/cadvisor and
 * /metrics/resource. Never nodes/proxy, which also reaches exec and the pods' logs.
 */
const nodeMetricsRules: k8s.types.input.rbac.v1.PolicyRule[] = [
    { apiGroups: [""], resources: ["nodes"], verbs: ["get", "list", "watch"] },
    { apiGroups: [""], resources: ["nodes/metrics"], verbs: ["get"] },
];

export class Prometheus extends pulumi.ComponentResource {
    readonly url: string;
    readonly serviceName: string;

    constructor(name: string, args: PrometheusArgs, opts?: pulumi.ComponentResourceOptions) {
        super("azora:observability:Prometheus", name, {}, opts);
        const ns = args.namespace;
        const wl = w.prometheus;
        const prometheus = new StackWorkload(this, name, wl.name, ns, args.environment, images.prometheus);
        const replicas = args.settings.replicas;
        const logShipperNs = args.logShipperNamespace ?? ns;

        for (const file of Object.keys(args.ruleFiles)) {
            if (!ruleFileName.test(file)) {
                throw new Error(`prometheus: rule file name "${file}" must look like name.yaml (letters, digits, . _ -)`);
            }
        }

        const alertmanagers = Array.from(
            { length: args.alertmanagerReplicas },
            (_, i) => `${alertmanagerPodHost(i, ns)}:${w.alertmanager.port}`,
        );
        const rw = args.settings.remoteWrite;
        const rwKey =
            rw?.auth === "basic"
                ? remoteWriteSecretKeys.password
                : rw?.auth === "bearer"
                  ? remoteWriteSecretKeys.bearerToken
                  : undefined;
        const edgeTargets = edgeScrapeTargets(args.edge);
        const configText = prometheusConfig({
            environment: args.environment,
            scrapeInterval: args.settings.scrapeInterval,
            targets: [
                ...serviceScrapeTargets(args.services, args.servicesNamespace),
                ...stackScrapeTargets(ns, logShipperNs),
                ...exporterScrapeTargets(ns, logShipperNs),
            ],
            podTargets: edgeTargets,
            kubelet: args.kubelet,
            ruleFileNames: Object.keys(args.ruleFiles),
            alertmanagers,
            remoteWrite: rw && {
                ...rw,
                credentialFile: rwKey === undefined ? undefined : `${remoteWriteSecretsDirectory}/${rwKey}`,
            },
        });
        // The remote-write credential, mounted as a file Prometheus reads; never in the ConfigMap.
        let rwSecret: k8s.core.v1.Secret | undefined;
        if (rw && rwKey !== undefined) {
            const value = rw.auth === "basic" ? args.remoteWriteSecrets?.password : args.remoteWriteSecrets?.bearerToken;
            if (value === undefined)
                throw new Error(`prometheus: remoteWrite auth ${rw.auth} needs its secret in secrets.remoteWrite`);
            rwSecret = new k8s.core.v1.Secret(
                `${name}-remote-write`,
                {
                    metadata: metadata(`${wl.name}-remote-write`, ns, prometheus.ids.labels),
                    type: "Opaque",
                    stringData: { [rwKey]: value },
                },
                { parent: this },
            );
        }
        const rulesText = Object.keys(args.ruleFiles)
            .sort()
            .map((k) => `${k}\n${args.ruleFiles[k]}`);

        const sa = prometheus.serviceAccount();
        const discoveryNamespaces = [...new Set([args.servicesNamespace, ns, logShipperNs])];
        for (const target of discoveryNamespaces) {
            grantRole(
                prometheus.owner,
                { role: `role-${target}`, binding: `rolebinding-${target}` },
                metadata(`${wl.name}-discovery`, target, prometheus.ids.labels),
                discoveryRules,
                [serviceAccountSubject(wl.name, ns)],
            );
        }

        // The edge's namespaces belong to their controllers: pods only, the one resource pod discovery reads.
        const edgeNamespaces = [...new Set(edgeTargets.map((t) => t.namespace))].filter((n) => !discoveryNamespaces.includes(n));
        for (const target of edgeNamespaces) {
            grantRole(
                prometheus.owner,
                { role: `role-${target}`, binding: `rolebinding-${target}` },
                metadata(`${wl.name}-pod-discovery`, target, prometheus.ids.labels),
                podDiscoveryRules,
                [serviceAccountSubject(wl.name, ns)],
            );
        }

        // Cluster-scoped, so named after the namespace too: two installations in one cluster never collide.
        grantClusterRole(
            prometheus.owner,
            { role: "node-metrics-clusterrole", binding: "node-metrics-clusterrolebinding" },
            { name: `${ns}-${wl.name}-node-metrics`, labels: prometheus.ids.labels },
            nodeMetricsRules,
            [serviceAccountSubject(wl.name, ns)],
        );

        const config = prometheus.configMap(`${wl.name}-config`, { "prometheus.yml": configText });
        // As many ConfigMaps as the rule files need (one for the ten-service catalog), mounted as one directory.
        const ruleMaps = packFiles(args.ruleFiles).map((data, i) =>
            prometheus.configMap(i === 0 ? `${wl.name}-rules` : `${wl.name}-rules-${i + 1}`, data),
        );

        const storage = dataStorage("data", args.settings.persistence, prometheus.ids.labels);
        const http = { name: "http", port: wl.port };
        const container = prometheus.container({
            resources: args.settings.resources ?? defaultResources,
            args: [
                "--config.file=/etc/prometheus/config/prometheus.yml",
                "--storage.tsdb.path=/prometheus",
                `--storage.tsdb.retention.time=${args.settings.retentionTime}`,
                `--storage.tsdb.retention.size=${args.settings.retentionSize}`,
                `--web.listen-address=:${wl.port}`,
                "--enable-feature=exemplar-storage",
            ],
            env: [{ name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }],
            ports: containerPorts([http]),
            ...httpProbes({
                liveness: "/-/healthy",
                readiness: "/-/ready",
                startup: "/-/ready",
                port: wl.port,
                // WAL replay after a restart can take minutes on a full TSDB.
                startupBudgetSeconds: 900,
            }),
            volumeMounts: [
                // Siblings, not nested: a mount point cannot be created inside a read-only ConfigMap volume.
                { name: "config", mountPath: "/etc/prometheus/config", readOnly: true },
                { name: "rules", mountPath: rulesDirectory, readOnly: true },
                { name: "data", mountPath: "/prometheus" },
                ...(rwSecret ? [{ name: "remote-write", mountPath: remoteWriteSecretsDirectory, readOnly: true }] : []),
            ],
        });

        prometheus.service([http]);
        prometheus.statefulSet({
            replicas,
            governingService: { ports: [http] },
            podManagementPolicy: "Parallel",
            configTexts: [configText, ...rulesText],
            pod: prometheus.pod({
                serviceAccountName: sa.metadata.name,
                mountServiceAccountToken: true,
                terminationGracePeriodSeconds: 600,
                containers: [container],
                volumes: [
                    { name: "config", configMap: { name: config.metadata.name } },
                    { name: "rules", projected: { sources: ruleMaps.map((cm) => ({ configMap: { name: cm.metadata.name } })) } },
                    ...storage.volumes,
                    ...(rwSecret && rwKey !== undefined
                        ? [
                              {
                                  name: "remote-write",
                                  secret: {
                                      secretName: rwSecret.metadata.name,
                                      items: [{ key: rwKey, path: rwKey }],
                                      defaultMode: 0o440,
                                  },
                              },
                          ]
                        : []),
                ],
            }),
            claimTemplates: storage.claimTemplates,
        });
        // One replica has nothing to spare: a budget would only block drains.
        if (replicas > 1) prometheus.disruptionBudget();

        const scrape = (workload: string, ports: number[], namespace = ns): TrafficRule => ({
            peers: [prometheus.peer(workload, namespace)],
            ports: tcp(...ports),
        });
        const ksm = clusterExporters.kubeStateMetrics;
        const nodeExporter = clusterExporters.nodeExporter;
        prometheus.networkPolicy({
            ingress: [{ peers: [prometheus.peer(w.grafana.name), prometheus.peer(wl.name)], ports: tcp(wl.port) }],
            egress: [
                // Every catalog service's metrics port, and nothing else in that namespace.
                {
                    peers: [namespacePeer(args.servicesNamespace)],
                    ports: tcp(...[...new Set(args.services.map((s) => s.port))].sort((a, b) => a - b)),
                },
                scrape(wl.name, [wl.port]),
                scrape(w.alertmanager.name, [w.alertmanager.port]),
                scrape(w.grafana.name, [w.grafana.port]),
                scrape(w.loki.name, [w.loki.port]),
                scrape(w.logShipper.name, [w.logShipper.port], logShipperNs),
                scrape(w.jaeger.name, [w.jaeger.metricsPort]),
                scrape(w.otelCollector.name, [w.otelCollector.metricsPort, w.otelCollector.spanMetricsPort]),
                scrape(ksm.name, [ksm.port, ksm.telemetryPort]),
                scrape(nodeExporter.name, [nodeExporter.port], logShipperNs),
                ...edgeTargets.map((t) => ({ peers: [namespacePeer(t.namespace)], ports: tcp(t.port) })),
                { peers: cidrPeers(args.apiServerCidrs), ports: tcp(...apiServerPorts) },
                { peers: cidrPeers(args.nodeCidrs), ports: tcp(clusterExporters.kubelet.port) },
                ...(rw ? [{ peers: cidrPeers(rw.egressCidrs), ports: tcp(urlPort(rw.url)) }] : []),
            ],
        });

        this.serviceName = wl.name;
        this.url = serviceUrl(wl.name, ns, wl.port);
        this.registerOutputs({ url: this.url, serviceName: this.serviceName });
    }
}
