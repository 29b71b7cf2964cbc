// kube-state-metrics: the state of the cluster's objects (pods, workloads, Jobs and CronJobs, HPAs,
// claims and volumes, quotas, nodes) as `kube_*` series, which the Kubernetes alerts read. One
// Deployment in the observability namespace; it reads the API server through a read-only
// ClusterRole that lists and watches exactly the kinds `--resources` tells it to report.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ResourceSpec } from "../../model/catalog";
import { kubeStateMetricsLabelsAllowlistFlag } from "../../model/cluster-metrics";
import { clusterExporters, observabilityWorkloads as w } from "../../model/workloads";
import { apiServerPorts, cidrPeers, tcp } from "../k8s/network-policy";
import { httpProbes } from "../k8s/pod";
import { grantClusterRole, serviceAccountSubject } from "../k8s/rbac";
import { images } from "./images";
import { containerPorts, type StackPlacement, StackWorkload } from "./workload";

export interface KubeStateMetricsArgs extends StackPlacement {
    /** Where the API server answers: its only egress (NetworkPolicy cannot name the API server). */
    apiServerCidrs: readonly string[];
    /** @default 50m/128Mi requested, 500m/512Mi limit; 16Mi/64Mi ephemeral storage (it writes nothing) */
    resources?: ResourceSpec;
}

/**
 * The kinds it reports, by API group: the `--resources` flag and the ClusterRole are both derived
 * from this list, so it never lists a kind it does not report, nor reports one it cannot list.
 * No Secrets or ConfigMaps: nothing the alerts need, and their metadata would leak names.
 */
export const kubeStateMetricsResources = {
    "": ["pods", "nodes", "namespaces", "persistentvolumeclaims", "persistentvolumes", "resourcequotas"],
    apps: ["deployments", "statefulsets", "daemonsets", "replicasets"],
    batch: ["jobs", "cronjobs"],
    autoscaling: ["horizontalpodautoscalers"],
    policy: ["poddisruptionbudgets"],
} as const satisfies Record<string, readonly string[]>;

/** list and watch, nothing else: kube-state-metrics only follows the objects' state. */
function kubeStateMetricsRules(): k8s.types.input.rbac.v1.PolicyRule[] {
    return Object.entries(kubeStateMetricsResources).map(([group, resources]) => ({
        apiGroups: [group],
        resources: [...resources],
        verbs: ["list", "watch"],
    }));
}

const defaultResources: ResourceSpec = {
    requests: { cpu: "50m", memory: "128Mi", ephemeralStorage: "16Mi" },
    limits: { cpu: "500m", memory: "512Mi", ephemeralStorage: "64Mi" },
};

export class KubeStateMetrics extends pulumi.ComponentResource {
    constructor(name: string, args: KubeStateMetricsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("azora:observability:KubeStateMetrics", name, {}, opts);
        const ns = args.namespace;
        const wl = clusterExporters.kubeStateMetrics;
        const ksm = new StackWorkload(this, name, wl.name, ns, args.environment, images.kubeStateMetrics);

        const sa = ksm.serviceAccount();
        // Cluster-scoped, so named after the namespace too: two installations in one cluster never collide.
        grantClusterRole(
            ksm.owner,
            { role: "clusterrole", binding: "clusterrolebinding" },
            { name: `${ns}-${wl.name}`, labels: ksm.ids.labels },
            kubeStateMetricsRules(),
            [serviceAccountSubject(wl.name, ns)],
        );

        const http = { name: "http", port: wl.port };
        const telemetry = { name: "telemetry", port: wl.telemetryPort };
        ksm.service([http, telemetry]);
        const resourceFlag = Object.values(kubeStateMetricsResources).flat().sort().join(",");
        // Liveness on the metrics server (/livez), readiness on the telemetry server (/readyz): its
        // upstream manifests' split, so a slow informer sync holds readiness without a restart.
        const probes = httpProbes({ liveness: "/livez", readiness: "/readyz", startup: "/readyz", port: wl.telemetryPort });
        const container = ksm.container({
            resources: args.resources ?? defaultResources,
            args: [
                `--port=${wl.port}`,
                `--telemetry-port=${wl.telemetryPort}`,
                `--resources=${resourceFlag}`,
                // The labels the Job alerts join on (the Jobs' role, the workload's name): model/cluster-metrics.ts.
                `--metric-labels-allowlist=${kubeStateMetricsLabelsAllowlistFlag()}`,
            ],
            ports: containerPorts([http, telemetry]),
            ...probes,
            // The helper's timings, on the other port; its output is plain data, never a promise.
            livenessProbe: {
                ...(probes.livenessProbe as k8s.types.input.core.v1.Probe),
                httpGet: { path: "/livez", port: wl.port },
            },
        });

        const deployment = new k8s.apps.v1.Deployment(
            `${name}-deployment`,
            {
                metadata: ksm.meta(),
                spec: {
                    // No replicas: the HorizontalPodAutoscaler holds the count.
                    strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
                    selector: { matchLabels: ksm.ids.selector },
                    template: ksm.template(
                        [resourceFlag, kubeStateMetricsLabelsAllowlistFlag()],
                        ksm.pod({
                            serviceAccountName: sa.metadata.name,
                            // It reads the API server; see the sa-token-not-automounted exemption.
                            mountServiceAccountToken: true,
                            containers: [container],
                        }),
                    ),
                },
            },
            { parent: this },
        );
        // One replica, pinned: every replica exports every object, so a second one doubles each kube_*
        // series instead of sharing load (kube-state-metrics scales by sharding, not replicas). The pack
        // asks every Deployment for an autoscaler; this one holds min = max = 1.
        new k8s.autoscaling.v2.HorizontalPodAutoscaler(
            `${name}-hpa`,
            {
                metadata: ksm.meta(),
                spec: {
                    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deployment.metadata.name },
                    minReplicas: 1,
                    maxReplicas: 1,
                    metrics: [
                        { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } } },
                    ],
                },
            },
            { parent: this },
        );
        // maxUnavailable 1: a drain may always evict it; its Deployment reschedules it within seconds.
        ksm.disruptionBudget();

        ksm.networkPolicy({
            ingress: [{ peers: [ksm.peer(w.prometheus.name)], ports: tcp(wl.port, wl.telemetryPort) }],
            egress: [{ peers: cidrPeers(args.apiServerCidrs), ports: tcp(...apiServerPorts) }],
        });

        this.registerOutputs({});
    }
}
