// Prometheus: StatefulSet (HA pair in prod), EndpointSlice discovery of every catalog service and of
// the stack itself, rule files from alerts/, alerts to each Alertmanager pod. The only workload of
// the stack that reads the Kubernetes API, through namespaced Roles.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ResourceSpec, ServiceSpec } from "../../model/catalog";
import type { ObservabilitySettings } from "../config/schema";
import { type ContainerProps, hardenedPod, httpProbes } from "../k8s/pod";
import { checksum, clusterService, configMap, metadata, podDisruptionBudget, serviceAccount } from "../k8s/objects";
import { apiServerPorts, cidrPeers, namespacePeer, networkPolicy, podsOf, tcp, type TrafficRule } from "../k8s/network-policy";
import { dataStorage } from "../k8s/storage";
import { packFiles } from "../k8s/config-maps";
import { type StackPlacement, workloadLabels } from "./workload";
import { alertmanagerPodHost, observabilityWorkloads as w } from "../../model/workloads";
import { serviceUrl } from "../../model/urls";
import { imageRef, images } from "./images";
import { prometheusConfig, rulesDirectory, serviceScrapeTargets, stackScrapeTargets } from "./prometheus-config";

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
}

const defaultResources: ResourceSpec = {
    requests: { cpu: "250m", memory: "1Gi" },
    limits: { cpu: "2", memory: "4Gi" },
};

/** Rule file names become file paths and ConfigMap keys. */
const ruleFileName = /^[A-Za-z0-9][A-Za-z0-9._-]*\.ya?ml$/;

/** Discovery needs exactly these, read-only, in each namespace it scrapes. */
const discoveryRules: k8s.types.input.rbac.v1.PolicyRule[] = [
    { apiGroups: [""], resources: ["services", "pods"], verbs: ["get", "list", "watch"] },
    { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["get", "list", "watch"] },
];

export class Prometheus extends pulumi.ComponentResource {
    readonly url: string;
    readonly serviceName: string;

    constructor(name: string, args: PrometheusArgs, opts?: pulumi.ComponentResourceOptions) {
        super("azora:observability:Prometheus", name, {}, opts);
        const owner = { parent: this, prefix: name };
        const ns = args.namespace;
        const wl = w.prometheus;
        const image = images.prometheus;
        const ids = workloadLabels(wl.name, args.environment, image);
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
        const configText = prometheusConfig({
            environment: args.environment,
            scrapeInterval: args.settings.scrapeInterval,
            targets: [...serviceScrapeTargets(args.services, args.servicesNamespace), ...stackScrapeTargets(ns, logShipperNs)],
            ruleFileNames: Object.keys(args.ruleFiles),
            alertmanagers,
        });
        const rulesText = Object.keys(args.ruleFiles)
            .sort()
            .map((k) => `${k}\n${args.ruleFiles[k]}`);

        const sa = serviceAccount(owner, metadata(wl.name, ns, ids.labels), "sa");
        const discoveryNamespaces = [...new Set([args.servicesNamespace, ns, logShipperNs])];
        for (const target of discoveryNamespaces) {
            const roleName = `${wl.name}-discovery`;
            const meta = metadata(roleName, target, ids.labels);
            const role = new k8s.rbac.v1.Role(
                `${name}-role-${target}`,
                { metadata: meta, rules: discoveryRules },
                { parent: this },
            );
            new k8s.rbac.v1.RoleBinding(
                `${name}-rolebinding-${target}`,
                {
                    metadata: meta,
                    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
                    subjects: [{ kind: "ServiceAccount", name: sa.metadata.name, namespace: ns }],
                },
                { parent: this },
            );
        }

        const config = configMap(owner, metadata(`${wl.name}-config`, ns, ids.labels), {
            "prometheus.yml": configText,
        });
        // As many ConfigMaps as the rule files need (one for the ten-service catalog), mounted as one directory.
        const ruleMaps = packFiles(args.ruleFiles).map((data, i) =>
            configMap(owner, metadata(i === 0 ? `${wl.name}-rules` : `${wl.name}-rules-${i + 1}`, ns, ids.labels), data),
        );

        const storage = dataStorage("data", args.settings.persistence, ids.labels);
        const container: ContainerProps = {
            name: wl.name,
            image: imageRef(image),
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
            ports: [{ name: "http", containerPort: wl.port, protocol: "TCP" }],
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
            ],
        };

        const svc = clusterService(owner, metadata(wl.name, ns, ids.labels), ids.selector, [{ name: "http", port: wl.port }], {
            role: `${wl.name}-svc`,
        });
        new k8s.apps.v1.StatefulSet(
            `${name}-statefulset`,
            {
                metadata: metadata(wl.name, ns, ids.labels),
                spec: {
                    replicas,
                    serviceName: svc.metadata.name,
                    podManagementPolicy: "Parallel",
                    selector: { matchLabels: ids.selector },
                    template: {
                        metadata: {
                            labels: ids.labels,
                            annotations: { "checksum/config": checksum(configText, ...rulesText) },
                        },
                        spec: hardenedPod({
                            name: wl.name,
                            serviceAccountName: sa.metadata.name,
                            spread: "ScheduleAnyway",
                            mountServiceAccountToken: true,
                            terminationGracePeriodSeconds: 600,
                            identity: { uid: image.uid },
                            containers: [container],
                            volumes: [
                                { name: "config", configMap: { name: config.metadata.name } },
                                {
                                    name: "rules",
                                    projected: { sources: ruleMaps.map((cm) => ({ configMap: { name: cm.metadata.name } })) },
                                },
                                ...storage.volumes,
                            ],
                        }),
                    },
                    volumeClaimTemplates: storage.claimTemplates,
                },
            },
            { parent: this },
        );
        // One replica has nothing to spare: a budget would only block drains.
        if (replicas > 1) podDisruptionBudget(owner, metadata(wl.name, ns, ids.labels), ids.selector, "pdb");

        const inStack = (peer: string, ...ports: number[]): TrafficRule => ({ peers: [podsOf(peer)], ports: tcp(...ports) });
        networkPolicy(
            owner,
            metadata(wl.name, ns, ids.labels),
            ids.selector,
            {
                ingress: [{ peers: [podsOf(w.grafana.name), podsOf(wl.name)], ports: tcp(wl.port) }],
                egress: [
                    // Every catalog service's metrics port, and nothing else in that namespace.
                    {
                        peers: [namespacePeer(args.servicesNamespace)],
                        ports: tcp(...[...new Set(args.services.map((s) => s.port))].sort((a, b) => a - b)),
                    },
                    inStack(wl.name, wl.port),
                    { peers: [podsOf(w.alertmanager.name)], ports: tcp(w.alertmanager.port) },
                    inStack(w.grafana.name, w.grafana.port),
                    inStack(w.loki.name, w.loki.port),
                    {
                        peers: [podsOf(w.logShipper.name, logShipperNs === ns ? undefined : logShipperNs)],
                        ports: tcp(w.logShipper.port),
                    },
                    inStack(w.jaeger.name, w.jaeger.metricsPort),
                    inStack(w.otelCollector.name, w.otelCollector.metricsPort, w.otelCollector.spanMetricsPort),
                    { peers: cidrPeers(args.apiServerCidrs), ports: tcp(...apiServerPorts) },
                ],
            },
            "netpol",
        );

        this.serviceName = wl.name;
        this.url = serviceUrl(wl.name, ns, wl.port);
        this.registerOutputs({ url: this.url, serviceName: this.serviceName });
    }
}
