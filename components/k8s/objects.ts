// Building blocks the observability components share: object metadata, the hardened pod and
// container shape (from ../hardening), Services, PDBs and NetworkPolicies. Nothing here decides
// what a workload is; each component module does that with these pieces.
import { namespacePeer, publicInternet, tcp } from "../services/network";
import { createHash } from "crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ResourceSpec } from "../../model/catalog";
import type { ObservabilitySettings } from "../config/schema";
import { podDefaults, restrictedContainerSecurityContext, restrictedPodSecurityContext, scratchMount, scratchVolume, topologySpread } from "./pod";
import { ImagePin, imageRef } from "../observability/images";
import { selectorLabels, standardLabels } from "../../model/labels";

type Container = k8s.types.input.core.v1.Container;
type PodSpec = k8s.types.input.core.v1.PodSpec;
type Volume = k8s.types.input.core.v1.Volume;
type VolumeMount = k8s.types.input.core.v1.VolumeMount;
type PersistentVolumeClaim = k8s.types.input.core.v1.PersistentVolumeClaim;
type NetworkPolicyPeer = k8s.types.input.networking.v1.NetworkPolicyPeer;
type NetworkPolicyPort = k8s.types.input.networking.v1.NetworkPolicyPort;

export type Persistence = ObservabilitySettings["prometheus"]["persistence"];

/** What every observability component is told about where it lives. */
export interface StackPlacement {
    /** The observability namespace (created by the namespace component). */
    namespace: string;
    environment: string;
}

/** The component that owns an object: its parent, and the prefix that makes logical names unique. */
export interface Owner {
    parent: pulumi.Resource;
    prefix: string;
}

/** Labels for a workload's objects and the (stable) subset its selectors use. */
export interface WorkloadLabels {
    labels: Record<string, string>;
    selector: Record<string, string>;
}

export function workloadLabels(name: string, environment: string, image?: ImagePin): WorkloadLabels {
    return {
        labels: standardLabels({ name, component: name, environment, version: image?.tag }),
        selector: selectorLabels(name),
    };
}

export function metadata(
    name: string,
    namespace: string,
    labels: Record<string, string>,
    annotations?: Record<string, string>,
): k8s.types.input.meta.v1.ObjectMeta {
    return { name, namespace, labels, ...(annotations ? { annotations } : {}) };
}

/** Hex sha256 of the given texts; a pod-template annotation built from it rolls pods on change. */
export function checksum(...texts: string[]): string {
    const h = createHash("sha256");
    for (const t of texts) h.update(t).update("\0");
    return h.digest("hex");
}

/** One ServiceAccount per workload; its token is mounted only where a pod spec asks for it. */
export function serviceAccount(
    owner: Owner,
    name: string,
    namespace: string,
    labels: Record<string, string>,
): k8s.core.v1.ServiceAccount {
    return new k8s.core.v1.ServiceAccount(
        `${owner.prefix}-sa`,
        { metadata: metadata(name, namespace, labels), automountServiceAccountToken: false },
        { parent: owner.parent },
    );
}

/**
 * Data one ConfigMap may carry. The API server refuses objects over 1 MiB; the rest is headroom for
 * keys and metadata. Generated rule files are split and packed to stay under it.
 */
export const configMapDataBudgetBytes = 900 * 1024;

/**
 * Files packed into as few ConfigMap data maps as fit `budgetBytes` of values each (largest first,
 * first fit; keys sorted), so a growing catalog adds ConfigMaps instead of outgrowing one.
 */
export function packFiles(files: Record<string, string>, budgetBytes = configMapDataBudgetBytes): Record<string, string>[] {
    const sized = Object.entries(files)
        .map(([name, text]) => ({ name, text, size: Buffer.byteLength(text, "utf8") }))
        .sort((a, b) => b.size - a.size || a.name.localeCompare(b.name));
    const bins: Array<{ used: number; names: string[] }> = [];
    for (const f of sized) {
        if (f.size > budgetBytes) throw new Error(`${f.name}: ${f.size} bytes do not fit one ConfigMap (${budgetBytes} bytes of data)`);
        let bin = bins.find((b) => b.used + f.size <= budgetBytes);
        if (!bin) {
            bin = { used: 0, names: [] };
            bins.push(bin);
        }
        bin.used += f.size;
        bin.names.push(f.name);
    }
    return bins.map((b) => Object.fromEntries(b.names.sort().map((n) => [n, files[n]])));
}

export function configMap(
    owner: Owner,
    name: string,
    namespace: string,
    labels: Record<string, string>,
    data: Record<string, string>,
): k8s.core.v1.ConfigMap {
    return new k8s.core.v1.ConfigMap(
        `${owner.prefix}-${name}`,
        { metadata: metadata(name, namespace, labels), data },
        { parent: owner.parent },
    );
}

export interface ServicePortSpec {
    name: string;
    port: number;
    protocol?: "TCP" | "UDP";
}

/** A ClusterIP Service (headless when `headless`); the stack never exposes NodePorts or LoadBalancers. */
export function clusterService(
    owner: Owner,
    name: string,
    namespace: string,
    ids: WorkloadLabels,
    ports: ServicePortSpec[],
    opts: { headless?: boolean; publishNotReadyAddresses?: boolean } = {},
): k8s.core.v1.Service {
    return new k8s.core.v1.Service(
        `${owner.prefix}-${name}-svc`,
        {
            metadata: metadata(name, namespace, ids.labels),
            spec: {
                type: "ClusterIP",
                ...(opts.headless ? { clusterIP: "None" } : {}),
                ...(opts.publishNotReadyAddresses ? { publishNotReadyAddresses: true } : {}),
                selector: ids.selector,
                ports: ports.map((p) => ({
                    name: p.name,
                    port: p.port,
                    targetPort: p.port,
                    protocol: p.protocol ?? "TCP",
                })),
            },
        },
        { parent: owner.parent },
    );
}

/**
 * maxUnavailable 1 (never blocks a drain) for a workload that may run more than one replica. A
 * singleton StatefulSet gets none; an autoscaled Deployment always gets one (`scalable`).
 */
export function disruptionBudget(
    owner: Owner,
    name: string,
    namespace: string,
    ids: WorkloadLabels,
    replicas: number,
    scalable = false,
): k8s.policy.v1.PodDisruptionBudget | undefined {
    if (replicas <= 1 && !scalable) return undefined;
    return new k8s.policy.v1.PodDisruptionBudget(
        `${owner.prefix}-pdb`,
        {
            metadata: metadata(name, namespace, ids.labels),
            spec: { maxUnavailable: 1, selector: { matchLabels: ids.selector } },
        },
        { parent: owner.parent },
    );
}

// ---- NetworkPolicy ----------------------------------------------------------------------------

/** Pods of one stack workload; in the policy's own namespace unless another is named. */
export function podsOf(workload: string, namespace?: string): NetworkPolicyPeer {
    return namespace ? namespacePeer(namespace, selectorLabels(workload)) : { podSelector: { matchLabels: selectorLabels(workload) } };
}

export { namespacePeer, publicInternet, tcp };

export function udp(...ports: number[]): NetworkPolicyPort[] {
    return ports.map((port) => ({ protocol: "UDP", port }));
}

export interface TrafficRule {
    peers: NetworkPolicyPeer[];
    ports: NetworkPolicyPort[];
}

/**
 * One policy per workload covering both directions. An empty egress list means "nothing beyond
 * what the namespace's default policy allows" (DNS): the policy still names Egress so that a
 * missing default policy never silently opens egress.
 */
export function networkPolicy(
    owner: Owner,
    name: string,
    namespace: string,
    ids: WorkloadLabels,
    rules: { ingress: TrafficRule[]; egress: TrafficRule[] },
): k8s.networking.v1.NetworkPolicy {
    return new k8s.networking.v1.NetworkPolicy(
        `${owner.prefix}-netpol`,
        {
            metadata: metadata(name, namespace, ids.labels),
            spec: {
                podSelector: { matchLabels: ids.selector },
                policyTypes: ["Ingress", "Egress"],
                ingress: rules.ingress.map((r) => ({ from: r.peers, ports: r.ports })),
                egress: rules.egress.map((r) => ({ to: r.peers, ports: r.ports })),
            },
        },
        { parent: owner.parent },
    );
}

// ---- Pods --------------------------------------------------------------------------------------

export interface PodOptions {
    name: string;
    image: ImagePin;
    serviceAccountName: pulumi.Input<string>;
    /** Spread replicas over zones and nodes (every replicated kind; a DaemonSet says false). */
    spread: boolean;
    /** Only Prometheus reads the Kubernetes API; everyone else runs without a token. */
    mountServiceAccountToken?: boolean;
    supplementalGroups?: number[];
    terminationGracePeriodSeconds?: number;
}

/** The pod-level half of the restricted profile, with the image's own UID. */
export function hardenedPodSpec(
    opts: PodOptions,
    containers: Container[],
    volumes: Volume[],
    extra: Partial<PodSpec> = {},
): PodSpec {
    return {
        ...podDefaults,
        ...(opts.mountServiceAccountToken ? { automountServiceAccountToken: true } : {}),
        serviceAccountName: opts.serviceAccountName,
        securityContext: restrictedPodSecurityContext({
            uid: opts.image.uid,
            ...(opts.supplementalGroups ? { supplementalGroups: opts.supplementalGroups } : {}),
        }),
        terminationGracePeriodSeconds: opts.terminationGracePeriodSeconds ?? 30,
        ...(opts.spread ? { topologySpreadConstraints: topologySpread(opts.name, "ScheduleAnyway") } : {}),
        containers,
        volumes: [scratchVolume(), ...volumes],
        ...extra,
    };
}

export interface ContainerOptions {
    name: string;
    image: ImagePin;
    resources: ResourceSpec;
}

/** The container-level half: pinned image, read-only root, no privilege, /tmp scratch mounted. */
export function hardenedContainer(
    opts: ContainerOptions,
    rest: Omit<Container, "name" | "image" | "securityContext" | "resources" | "volumeMounts"> & {
        volumeMounts?: VolumeMount[];
    },
): Container {
    return {
        name: opts.name,
        image: imageRef(opts.image),
        imagePullPolicy: "IfNotPresent",
        securityContext: restrictedContainerSecurityContext({ uid: opts.image.uid }),
        resources: opts.resources,
        ...rest,
        volumeMounts: [scratchMount(), ...(rest.volumeMounts ?? [])],
    };
}

/** The data volume of a single-writer workload: a claim template when persistent, else emptyDir. */
export function dataStorage(
    volumeName: string,
    persistence: Persistence,
    labels: Record<string, string>,
): { volumes: Volume[]; claimTemplates: PersistentVolumeClaim[] } {
    if (!persistence.enabled) {
        return { volumes: [{ name: volumeName, emptyDir: { sizeLimit: persistence.size } }], claimTemplates: [] };
    }
    return {
        volumes: [],
        claimTemplates: [
            {
                metadata: { name: volumeName, labels },
                spec: {
                    accessModes: ["ReadWriteOnce"],
                    ...(persistence.storageClassName ? { storageClassName: persistence.storageClassName } : {}),
                    resources: { requests: { storage: persistence.size } },
                },
            },
        ],
    };
}
