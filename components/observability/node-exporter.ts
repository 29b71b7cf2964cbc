// The node exporter: a DaemonSet reporting each node's CPU, memory, filesystems and disks from the
// host's /proc, /sys and root filesystem, mounted read-only. It shares the node-agents namespace
// (Pod Security "privileged", audit and warn "restricted") with the log shipper, the other pod that
// reads the host, and is exempted from pss-no-host-path by name (see `nodeExporterExemption`).
// No hostNetwork and no hostPID: CPU, memory, disk and filesystem figures are the host's through the
// mounted /proc and /sys, but network counters (node_network_*) are the pod's own network namespace,
// not the node's interfaces. No API token, no capabilities, read-only root, non-root.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ResourceSpec } from "../../model/catalog";
import { clusterExporters, observabilityWorkloads as w } from "../../model/workloads";
import { tcp } from "../k8s/network-policy";
import { httpProbes } from "../k8s/pod";
import { images } from "./images";
import { containerPorts, type StackPlacement, StackWorkload } from "./workload";

export interface NodeExporterArgs extends StackPlacement {
    /** Namespace of Prometheus, its only client, when the exporter runs elsewhere. @default `namespace` */
    stackNamespace?: string;
    /** @default 50m/64Mi requested, 250m/128Mi limit; 16Mi/64Mi ephemeral storage (it writes nothing) */
    resources?: ResourceSpec;
}

/** Host directory → where the container sees it; every one mounted read-only. */
const hostMounts = [
    { name: "proc", path: "/proc", mountPath: "/host/proc", flag: "--path.procfs" },
    { name: "sys", path: "/sys", mountPath: "/host/sys", flag: "--path.sysfs" },
    // HostToContainer: filesystems the node mounts after the pod started (a new volume) show up too.
    { name: "root", path: "/", mountPath: "/host/root", flag: "--path.rootfs", mountPropagation: "HostToContainer" },
] as const;

/** What the policy pack must allow for this one DaemonSet, and why. */
export const nodeExporterExemption = {
    kind: "DaemonSet",
    name: clusterExporters.nodeExporter.name,
    hostPaths: hostMounts.map((m) => ({ path: m.path, readOnly: true })),
    reason:
        "Node metrics: CPU, memory, disk and filesystem usage exist only in the node's /proc, /sys and mounted " +
        "filesystems. The exporter mounts those three read-only (/ with HostToContainer propagation), runs as a " +
        "non-root UID with no capabilities, no privilege, no host network or PID namespace, a read-only root " +
        "and no service-account token.",
} as const;

// Pseudo and per-pod filesystems: their usage is the kubelet's and the runtime's, not the node's disks.
const excludedMountPoints = "^/(dev|proc|sys|run/containerd/.+|var/lib/docker/.+|var/lib/kubelet/.+)($|/)";

const defaultResources: ResourceSpec = {
    requests: { cpu: "50m", memory: "64Mi", ephemeralStorage: "16Mi" },
    limits: { cpu: "250m", memory: "128Mi", ephemeralStorage: "64Mi" },
};

export class NodeExporter extends pulumi.ComponentResource {
    constructor(name: string, args: NodeExporterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("azora:observability:NodeExporter", name, {}, opts);
        const wl = clusterExporters.nodeExporter;
        const exporter = new StackWorkload(this, name, wl.name, args.namespace, args.environment, images.nodeExporter);
        const sa = exporter.serviceAccount();
        const http = { name: "http", port: wl.port };
        const flags = [
            ...hostMounts.map((m) => `${m.flag}=${m.mountPath}`),
            `--web.listen-address=:${wl.port}`,
            `--collector.filesystem.mount-points-exclude=${excludedMountPoints}`,
        ];
        const container = exporter.container({
            resources: args.resources ?? defaultResources,
            args: flags,
            ports: containerPorts([http]),
            // It serves no health endpoint of its own: readiness asks for its landing page, liveness only
            // that the port accepts connections.
            ...httpProbes({ liveness: { tcpPort: wl.port }, readiness: "/", startup: "/", port: wl.port }),
            volumeMounts: hostMounts.map((m) => ({
                name: m.name,
                mountPath: m.mountPath,
                readOnly: true,
                ...("mountPropagation" in m ? { mountPropagation: m.mountPropagation } : {}),
            })),
        });

        new k8s.apps.v1.DaemonSet(
            `${name}-daemonset`,
            {
                metadata: exporter.meta(),
                spec: {
                    selector: { matchLabels: exporter.ids.selector },
                    updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
                    template: exporter.template(
                        flags,
                        exporter.pod({
                            serviceAccountName: sa.metadata.name,
                            spread: false,
                            containers: [container],
                            volumes: hostMounts.map((m) => ({ name: m.name, hostPath: { path: m.path, type: "Directory" } })),
                            // Every node's figures, tainted or not.
                            tolerations: [{ operator: "Exists" }],
                        }),
                    ),
                },
            },
            { parent: this },
        );
        // Prometheus discovers one target per node through this Service's EndpointSlices.
        exporter.service([http]);
        exporter.networkPolicy({
            ingress: [{ peers: [exporter.peer(w.prometheus.name, args.stackNamespace ?? args.namespace)], ports: tcp(wl.port) }],
            egress: [],
        });

        this.registerOutputs({});
    }
}
