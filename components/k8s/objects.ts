// Builders for the plain objects every component makes: metadata, ServiceAccounts, ConfigMaps,
// ClusterIP Services and PodDisruptionBudgets. Each takes its Owner, which names the child after
// the component (the convention of the README's architecture section) and parents it there.
import { createHash } from "crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

type ObjectMeta = k8s.types.input.meta.v1.ObjectMeta;
/** Metadata whose name is known when the program runs (a child's role defaults to it). */
export type NamedMeta = ObjectMeta & { name: string };

/** The component that owns an object: its parent, and the component's name its children start with. */
export interface Owner {
    parent: pulumi.Resource;
    prefix: string;
}

/** A child's logical name: the component's name for its principal object, `<component>-<role>` for the others. */
export function childName(owner: Owner, role?: string): string {
    return role ? `${owner.prefix}-${role}` : owner.prefix;
}

/** Labels for a workload's objects and the (stable) subset its selectors use. */
export interface WorkloadLabels {
    labels: Record<string, string>;
    selector: Record<string, string>;
}

export function metadata(
    name: string,
    namespace: string,
    labels: Record<string, string>,
    annotations?: Record<string, string>,
): NamedMeta {
    return { name, namespace, labels, ...(annotations ? { annotations } : {}) };
}

/** Hex sha256 of the given texts; a pod-template annotation built from it rolls pods on change. */
export function checksum(...texts: string[]): string {
    const h = createHash("sha256");
    for (const t of texts) h.update(t).update("\0");
    return h.digest("hex");
}

/** One ServiceAccount per workload; its token is mounted only where a pod spec asks for it. */
export function serviceAccount(owner: Owner, meta: ObjectMeta, role?: string): k8s.core.v1.ServiceAccount {
    return new k8s.core.v1.ServiceAccount(
        childName(owner, role),
        { metadata: meta, automountServiceAccountToken: false },
        { parent: owner.parent },
    );
}

export function configMap(
    owner: Owner,
    meta: ObjectMeta & { name: string },
    data: Record<string, string>,
    role = meta.name,
): k8s.core.v1.ConfigMap {
    return new k8s.core.v1.ConfigMap(childName(owner, role), { metadata: meta, data }, { parent: owner.parent });
}

export interface ServicePortSpec {
    name: string;
    port: number;
    /** The container port or its name. @default the same number as `port` */
    targetPort?: number | string;
    /** @default "TCP" */
    protocol?: "TCP" | "UDP";
}

/**
 * Pulumi's Kubernetes provider awaits a new Service by watching its endpoints and then sleeping 10 s
 * for them to "settle" (provider/pkg/await/service.go). Here that proves nothing: a Service is made
 * before the pods it selects, so its endpoints are empty whatever the wait, while the readiness of
 * those pods is what the Deployment's and StatefulSet's own awaits prove (rolled out = every pod
 * Ready = in the endpoints). A ClusterIP is assigned by the API server in the create itself. Skipping
 * the await saves 10 s per Service and frees the engine's parallel slots it held (issue 19).
 */
const skipServiceAwait = { "pulumi.com/skipAwait": "true" } as const;

/** A ClusterIP Service (headless when `headless`); the platform never exposes NodePorts or LoadBalancers. */
export function clusterService(
    owner: Owner,
    meta: ObjectMeta,
    selector: Record<string, string>,
    ports: ServicePortSpec[],
    opts: { role?: string; headless?: boolean; publishNotReadyAddresses?: boolean } = {},
): k8s.core.v1.Service {
    return new k8s.core.v1.Service(
        childName(owner, opts.role),
        {
            metadata: {
                ...meta,
                annotations: pulumi.output(meta.annotations ?? {}).apply((a) => ({ ...a, ...skipServiceAwait })),
            },
            spec: {
                type: "ClusterIP",
                ...(opts.headless ? { clusterIP: "None" } : {}),
                ...(opts.publishNotReadyAddresses ? { publishNotReadyAddresses: true } : {}),
                selector,
                ports: ports.map((p) => ({
                    name: p.name,
                    port: p.port,
                    targetPort: p.targetPort ?? p.port,
                    protocol: p.protocol ?? "TCP",
                })),
            },
        },
        { parent: owner.parent },
    );
}

/**
 * The one disruption budget: at most one pod of the workload down at a time, which never blocks a
 * node drain, and a pod that is not healthy may always be evicted (a crash-looping replica must not
 * hold a drain hostage).
 */
export function podDisruptionBudget(
    owner: Owner,
    meta: ObjectMeta,
    selector: Record<string, string>,
    role?: string,
): k8s.policy.v1.PodDisruptionBudget {
    return new k8s.policy.v1.PodDisruptionBudget(
        childName(owner, role),
        {
            metadata: meta,
            spec: { maxUnavailable: 1, selector: { matchLabels: selector }, unhealthyPodEvictionPolicy: "AlwaysAllow" },
        },
        { parent: owner.parent },
    );
}
