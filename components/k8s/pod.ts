// The one hardened pod builder: every pod of the platform (services, migration and backup Jobs,
// each observability workload) is made by `hardenedPod`. Every option is optional but the
// workload's name, account and containers; each default is the secure choice, applied here once:
// non-root UID ≥ 10000, read-only root, no privilege, escalation or capabilities, RuntimeDefault
// seccomp, no API token, no service links, a size-limited /tmp, ephemeral-storage requests and
// limits on every container that cover its emptyDirs, and a size limit on every emptyDir. A caller that needs less says so
// through an option a reviewer can see (`identity`, `mountServiceAccountToken`).
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { selectorLabels } from "../../model/labels";
import type { ResourceSpec } from "../../model/catalog";
import { bytesQuantity, memoryBytes } from "../../model/quantity";

type Container = k8s.types.input.core.v1.Container;
type PodSpec = k8s.types.input.core.v1.PodSpec;
type Volume = k8s.types.input.core.v1.Volume;
type VolumeMount = k8s.types.input.core.v1.VolumeMount;

/** The default non-root identity; images we build run as this UID (see components/services/service.Dockerfile). */
const defaultUid = 10001;

/** Below this, a UID or GID may be a host user's or group's: a container escaping as it would act as them. */
const minimumId = 10000;

/** Who the pod's processes run as. */
interface PodIdentity {
    /** The UID the image's Dockerfile runs as (its USER); never 0. */
    uid: number;
    /** @default the uid */
    gid?: number;
    /** Group owning mounted volumes. @default the gid */
    fsGroup?: number;
    /** Extra groups, e.g. for reading host files owned by a group. @default none */
    supplementalGroups?: number[];
}

/** A container of a hardened pod: everything but the security context, which the pod applies. */
export interface ContainerProps extends Omit<
    Container,
    "securityContext" | "resources" | "image" | "imagePullPolicy" | "volumeMounts"
> {
    name: string;
    /** A pinned reference: a tag and, where known, a digest. */
    image: pulumi.Input<string>;
    /** @default "IfNotPresent": a pinned reference never changes under the same name */
    imagePullPolicy?: pulumi.Input<string>;
    /**
     * Requests and limits; required, as the namespace quota and the policy pack refuse unbounded containers.
     * `ephemeralStorage` is what the container itself writes; the pod's emptyDirs are added to the first
     * container's limit (see `containerResources`).
     */
    resources: ResourceSpec;
    /** Mounts besides /tmp, which every container gets. @default none */
    volumeMounts?: VolumeMount[];
}

export type SpreadPolicy = "DoNotSchedule" | "ScheduleAnyway";

export interface PodProps {
    /** The workload's app.kubernetes.io/name: the topology spread selects its pods by it. */
    name: string;
    serviceAccountName: pulumi.Input<string>;
    containers: ContainerProps[];
    /** Volumes besides the /tmp scratch volume every pod gets; every emptyDir must set a `sizeLimit`. @default none */
    volumes?: Volume[];
    /** @default { uid: defaultUid } */
    identity?: PodIdentity;
    /** Mount the ServiceAccount's token: only for a workload that reads the Kubernetes API. @default false */
    mountServiceAccountToken?: boolean;
    /** Spread the replicas over zones and nodes. @default no constraint (a DaemonSet or a Job) */
    spread?: SpreadPolicy;
    /** @default unset: the Kubernetes default of 30 s */
    terminationGracePeriodSeconds?: number;
    /** @default unset: "Always", what Deployments, StatefulSets and DaemonSets require */
    restartPolicy?: "Never" | "OnFailure";
    tolerations?: k8s.types.input.core.v1.Toleration[];
    /** Size limit of the /tmp emptyDir. @default "64Mi" */
    scratchSizeLimit?: string;
}

const scratchName = "tmp";

/** Pod-level half of Pod Security Standards "restricted". */
function podSecurityContext(
    id: Required<Pick<PodIdentity, "uid" | "gid">> & PodIdentity,
): k8s.types.input.core.v1.PodSecurityContext {
    return {
        runAsNonRoot: true,
        runAsUser: id.uid,
        runAsGroup: id.gid,
        fsGroup: id.fsGroup ?? id.gid,
        fsGroupChangePolicy: "OnRootMismatch",
        seccompProfile: { type: "RuntimeDefault" },
        ...(id.supplementalGroups ? { supplementalGroups: id.supplementalGroups } : {}),
    };
}

/** Container-level half: no privilege, no escalation, no capabilities, read-only root. */
function containerSecurityContext(id: { uid: number; gid: number }): k8s.types.input.core.v1.SecurityContext {
    return {
        runAsNonRoot: true,
        runAsUser: id.uid,
        runAsGroup: id.gid,
        privileged: false,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ["ALL"] },
        seccompProfile: { type: "RuntimeDefault" },
    };
}

/** Spread replicas across zones and nodes, by the workload's selector labels. */
function topologySpread(name: string, whenUnsatisfiable: SpreadPolicy): k8s.types.input.core.v1.TopologySpreadConstraint[] {
    return ["topology.kubernetes.io/zone", "kubernetes.io/hostname"].map((topologyKey) => ({
        maxSkew: 1,
        topologyKey,
        whenUnsatisfiable,
        labelSelector: { matchLabels: selectorLabels(name) },
    }));
}

/** Bytes of all emptyDirs of a pod; each must be size-limited by a plain quantity (so it can be summed). */
function emptyDirBytes(workload: string, volumes: readonly Volume[]): number {
    let total = 0;
    for (const v of volumes) {
        if (!v.emptyDir) continue;
        const limit = (v.emptyDir as k8s.types.input.core.v1.EmptyDirVolumeSource).sizeLimit;
        if (typeof limit !== "string") {
            const volume = typeof v.name === "string" ? v.name : "(computed name)";
            throw new Error(`${workload}: emptyDir volume "${volume}" needs a sizeLimit quantity such as 256Mi`);
        }
        total += memoryBytes(limit);
    }
    return total;
}

/**
 * Kubernetes requests and limits of a ResourceSpec. The kubelet evicts a pod whose containers' own
 * writes and emptyDirs together exceed the sum of its containers' ephemeral-storage limits, so the
 * emptyDirs' size limits are added to one container's limit (the first): a volume filled to its size
 * limit is then the volume's own failure (its writes fail), never the whole pod's eviction.
 */
function containerResources(r: ResourceSpec, extraEphemeralBytes: number): k8s.types.input.core.v1.ResourceRequirements {
    return {
        requests: { cpu: r.requests.cpu, memory: r.requests.memory, "ephemeral-storage": r.requests.ephemeralStorage },
        limits: {
            cpu: r.limits.cpu,
            memory: r.limits.memory,
            "ephemeral-storage":
                extraEphemeralBytes > 0
                    ? bytesQuantity(memoryBytes(r.limits.ephemeralStorage) + extraEphemeralBytes)
                    : r.limits.ephemeralStorage,
        },
    };
}

/** Refuses a UID, GID or fsGroup a host user or group may have. */
function checkIdentity(workload: string, id: PodIdentity & { gid: number }): void {
    for (const [field, value] of Object.entries({ uid: id.uid, gid: id.gid, fsGroup: id.fsGroup ?? id.gid })) {
        if (!Number.isInteger(value) || value < minimumId) {
            throw new Error(`${workload}: identity.${field} ${value} must be an integer of at least ${minimumId}`);
        }
    }
}

/** The hardened pod spec of a workload. */
export function hardenedPod(props: PodProps): PodSpec {
    const uid = props.identity?.uid ?? defaultUid;
    const identity = { ...props.identity, uid, gid: props.identity?.gid ?? uid };
    checkIdentity(props.name, identity);
    const volumes: Volume[] = [
        { name: scratchName, emptyDir: { sizeLimit: props.scratchSizeLimit ?? "64Mi" } },
        ...(props.volumes ?? []),
    ];
    const scratchBytes = emptyDirBytes(props.name, volumes);
    const containers: Container[] = props.containers.map(({ volumeMounts, imagePullPolicy, resources, ...c }, i) => ({
        ...c,
        resources: containerResources(resources, i === 0 ? scratchBytes : 0),
        imagePullPolicy: imagePullPolicy ?? "IfNotPresent",
        securityContext: containerSecurityContext(identity),
        volumeMounts: [{ name: scratchName, mountPath: "/tmp" }, ...(volumeMounts ?? [])],
    }));
    return {
        serviceAccountName: props.serviceAccountName,
        automountServiceAccountToken: props.mountServiceAccountToken ?? false,
        enableServiceLinks: false,
        securityContext: podSecurityContext(identity),
        ...(props.terminationGracePeriodSeconds !== undefined
            ? { terminationGracePeriodSeconds: props.terminationGracePeriodSeconds }
            : {}),
        ...(props.restartPolicy ? { restartPolicy: props.restartPolicy } : {}),
        ...(props.spread ? { topologySpreadConstraints: topologySpread(props.name, props.spread) } : {}),
        ...(props.tolerations ? { tolerations: props.tolerations } : {}),
        containers,
        volumes,
    };
}

/** A liveness check that asks only whether the process accepts connections on this port. */
interface TcpLiveness {
    tcpPort: number | string;
}

export interface HttpProbeSet {
    /**
     * "Is the process alive": failing restarts the container, so it must not check what readiness checks
     * (dependencies, a ring, a database). An HTTP path other than `readiness`, or a TCP connect where the
     * component serves a single health endpoint.
     */
    liveness: string | TcpLiveness;
    readiness: string;
    startup: string;
    port: number | string;
    /** Seconds the startup probe tolerates before liveness takes over. @default 120 */
    startupBudgetSeconds?: number;
}

/**
 * Liveness, readiness and startup probes with timings that tolerate a slow boot but catch hangs. A
 * liveness path equal to the readiness path is refused: a dependency outage would restart every replica.
 */
export function httpProbes(p: HttpProbeSet): Pick<Container, "livenessProbe" | "readinessProbe" | "startupProbe"> {
    if (p.liveness === p.readiness) {
        throw new Error(
            `probes: liveness and readiness both check ${p.readiness}; liveness must not share readiness's dependency checks`,
        );
    }
    const period = 5;
    const budget = p.startupBudgetSeconds ?? 120;
    const liveness =
        typeof p.liveness === "string"
            ? { httpGet: { path: p.liveness, port: p.port } }
            : { tcpSocket: { port: p.liveness.tcpPort } };
    return {
        startupProbe: {
            httpGet: { path: p.startup, port: p.port },
            periodSeconds: period,
            failureThreshold: Math.ceil(budget / period),
            timeoutSeconds: 2,
        },
        livenessProbe: {
            ...liveness,
            periodSeconds: 10,
            timeoutSeconds: 2,
            failureThreshold: 3,
        },
        readinessProbe: {
            httpGet: { path: p.readiness, port: p.port },
            periodSeconds: period,
            timeoutSeconds: 2,
            failureThreshold: 2,
            successThreshold: 1,
        },
    };
}

/** The fieldRef environment variables a container may ask for (the downward API). */
export function fieldEnv(name: string, fieldPath: string): k8s.types.input.core.v1.EnvVar {
    return { name, valueFrom: { fieldRef: { fieldPath } } };
}
