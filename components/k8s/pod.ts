// Secure building blocks shared by every workload the program creates: the restricted Pod Security
// profile, probes and the writable scratch volume. Callers must ask to be less strict.
import type * as k8s from "@pulumi/kubernetes";
import { selectorLabels } from "../../model/labels";

/** The default non-root identity; images we build run as this UID (see components/services/service.Dockerfile). */
export const defaultUid = 10001;

export interface PodSecurityOptions {
    uid?: number;
    gid?: number;
    fsGroup?: number;
    supplementalGroups?: number[];
}

/** Pod-level context satisfying Pod Security Standards "restricted". */
export function restrictedPodSecurityContext(
    opts: PodSecurityOptions = {},
): k8s.types.input.core.v1.PodSecurityContext {
    const uid = opts.uid ?? defaultUid;
    return {
        runAsNonRoot: true,
        runAsUser: uid,
        runAsGroup: opts.gid ?? uid,
        fsGroup: opts.fsGroup ?? opts.gid ?? uid,
        fsGroupChangePolicy: "OnRootMismatch",
        seccompProfile: { type: "RuntimeDefault" },
        ...(opts.supplementalGroups ? { supplementalGroups: opts.supplementalGroups } : {}),
    };
}

/** Container-level context: no privilege, no escalation, no capabilities, read-only root. */
export function restrictedContainerSecurityContext(
    opts: PodSecurityOptions = {},
): k8s.types.input.core.v1.SecurityContext {
    const uid = opts.uid ?? defaultUid;
    return {
        runAsNonRoot: true,
        runAsUser: uid,
        runAsGroup: opts.gid ?? uid,
        privileged: false,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ["ALL"] },
        seccompProfile: { type: "RuntimeDefault" },
    };
}

/** A memory-backed-or-disk emptyDir for /tmp, since the root filesystem is read-only. */
export function scratchVolume(name = "tmp", sizeLimit = "64Mi"): k8s.types.input.core.v1.Volume {
    return { name, emptyDir: { sizeLimit } };
}

export function scratchMount(name = "tmp", mountPath = "/tmp"): k8s.types.input.core.v1.VolumeMount {
    return { name, mountPath };
}

export interface HttpProbeSet {
    liveness: string;
    readiness: string;
    startup: string;
    port: number | string;
    /** Seconds the startup probe tolerates before liveness takes over. */
    startupBudgetSeconds?: number;
}

/** Liveness, readiness and startup probes with timings that tolerate a slow boot but catch hangs. */
export function httpProbes(p: HttpProbeSet): Pick<
    k8s.types.input.core.v1.Container,
    "livenessProbe" | "readinessProbe" | "startupProbe"
> {
    const period = 5;
    const budget = p.startupBudgetSeconds ?? 120;
    return {
        startupProbe: {
            httpGet: { path: p.startup, port: p.port },
            periodSeconds: period,
            failureThreshold: Math.ceil(budget / period),
            timeoutSeconds: 2,
        },
        livenessProbe: {
            httpGet: { path: p.liveness, port: p.port },
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

/** Spread replicas across zones and nodes; ScheduleAnyway keeps small clusters schedulable. */
export function topologySpread(
    name: string,
    whenUnsatisfiable: "DoNotSchedule" | "ScheduleAnyway",
): k8s.types.input.core.v1.TopologySpreadConstraint[] {
    return ["topology.kubernetes.io/zone", "kubernetes.io/hostname"].map((topologyKey) => ({
        maxSkew: 1,
        topologyKey,
        whenUnsatisfiable,
        labelSelector: { matchLabels: selectorLabels(name) },
    }));
}

/** Default-valued pod spec fields every workload sets: no API token, no service links. */
export const podDefaults = {
    automountServiceAccountToken: false,
    enableServiceLinks: false,
} as const;
