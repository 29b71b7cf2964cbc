// Container hardening beyond the PSS profile: read-only root filesystem, resource requests and
// limits (memory and ephemeral storage: a pod that fills the node's disk evicts its neighbours),
// size-limited scratch volumes, and UIDs/GIDs above the host's user range.
import type { ResourceValidationPolicy } from "@pulumi/policy";

import { arrayOf, containersOf, Quantity } from "../lib/k8s";
import { BaseConfig } from "../lib/policy";
import { podPolicy } from "./common";

export const readOnlyRootFilesystem = podPolicy({
    name: "container-read-only-root-filesystem",
    group: "container",
    severity: "medium",
    description: "Containers and initContainers run with a read-only root filesystem.",
    remediation:
        "set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the process must write (e.g. /tmp).",
    checkPod: ({ spec, violation }) => {
        for (const c of containersOf(spec, ["container", "initContainer"])) {
            if (c.container.securityContext?.readOnlyRootFilesystem !== true) {
                violation(`${c.label} does not set securityContext.readOnlyRootFilesystem: true.`);
            }
        }
    },
});

const BINARY_SUFFIX: Readonly<Record<string, number>> = {
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    Pi: 2 ** 50,
    Ei: 2 ** 60,
};
const DECIMAL_SUFFIX: Readonly<Record<string, number>> = {
    m: 1e-3,
    "": 1,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
    E: 1e18,
};

/** Parses a Kubernetes quantity (`512Mi`, `1G`, `250m`, `1e3`, 3) to a number; undefined if malformed. */
export function parseQuantity(q: Quantity | undefined): number | undefined {
    if (typeof q === "number") {
        return Number.isFinite(q) ? q : undefined;
    }
    if (typeof q !== "string") {
        return undefined;
    }
    const m = /^([+-]?[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?$/.exec(q.trim());
    if (!m) {
        return undefined;
    }
    const value = Number(m[1]);
    const suffix = m[2] ?? "";
    const factor = BINARY_SUFFIX[suffix] ?? DECIMAL_SUFFIX[suffix];
    return factor === undefined ? undefined : value * factor;
}

function present(q: Quantity | undefined): boolean {
    return (typeof q === "string" && q.trim() !== "") || typeof q === "number";
}

export const resources = podPolicy({
    name: "container-resources",
    group: "container",
    severity: "medium",
    description: "Containers and initContainers declare CPU and memory requests and a memory limit (limit ≥ request).",
    remediation:
        "set resources.requests.cpu, resources.requests.memory and resources.limits.memory (at least the request) from the service's measured usage.",
    checkPod: ({ spec, violation }) => {
        for (const c of containersOf(spec, ["container", "initContainer"])) {
            const r = c.container.resources ?? {};
            const missing: string[] = [];
            if (!present(r.requests?.cpu)) missing.push("requests.cpu");
            if (!present(r.requests?.memory)) missing.push("requests.memory");
            if (!present(r.limits?.memory)) missing.push("limits.memory");
            if (missing.length > 0) {
                violation(`${c.label} has no resources.${missing.join(", resources.")}.`);
                continue;
            }
            const request = parseQuantity(r.requests?.memory);
            const limit = parseQuantity(r.limits?.memory);
            if (request === undefined || limit === undefined) {
                violation(`${c.label} has a memory quantity that is not a valid Kubernetes quantity.`);
            } else if (limit < request) {
                violation(
                    `${c.label} has a memory limit (${String(r.limits?.memory)}) below its request (${String(r.requests?.memory)}).`,
                );
            }
        }
    },
});

export const ephemeralStorage = podPolicy({
    name: "container-ephemeral-storage",
    group: "container",
    severity: "medium",
    description:
        "Containers and initContainers declare an ephemeral-storage request and limit (limit ≥ request), so logs and scratch files cannot fill the node's disk.",
    remediation:
        "set resources.requests.ephemeral-storage and resources.limits.ephemeral-storage from what the container writes (logs, /tmp, caches).",
    checkPod: ({ spec, violation }) => {
        for (const c of containersOf(spec, ["container", "initContainer"])) {
            const r = c.container.resources ?? {};
            const request = r.requests?.["ephemeral-storage"];
            const limit = r.limits?.["ephemeral-storage"];
            const missing = [
                present(request) ? undefined : "requests.ephemeral-storage",
                present(limit) ? undefined : "limits.ephemeral-storage",
            ].filter((m) => m !== undefined);
            if (missing.length > 0) {
                violation(`${c.label} has no resources.${missing.join(", resources.")}.`);
                continue;
            }
            const req = parseQuantity(request);
            const lim = parseQuantity(limit);
            if (req === undefined || lim === undefined) {
                violation(`${c.label} has an ephemeral-storage quantity that is not a valid Kubernetes quantity.`);
            } else if (lim < req) {
                violation(`${c.label} has an ephemeral-storage limit (${String(limit)}) below its request (${String(request)}).`);
            }
        }
    },
});

export const emptyDirSizeLimit = podPolicy({
    name: "container-empty-dir-size-limit",
    group: "container",
    severity: "medium",
    description: "Every emptyDir volume has a sizeLimit (memory-backed ones included, which count against the pod's memory).",
    remediation:
        "set emptyDir.sizeLimit on the volume, e.g. 64Mi for /tmp; the kubelet evicts the pod that exceeds it instead of the node filling up.",
    checkPod: ({ spec, violation }) => {
        for (const v of arrayOf(spec.volumes)) {
            const emptyDir = v["emptyDir"];
            if (typeof emptyDir !== "object" || emptyDir === null) {
                continue;
            }
            if (!present((emptyDir as { sizeLimit?: Quantity }).sizeLimit)) {
                violation(`emptyDir volume "${v.name ?? "?"}" has no sizeLimit.`);
            }
        }
    },
});

export interface IdRangeConfig extends BaseConfig {
    /** The lowest UID and GID a container may run as (host users and groups sit below it). */
    readonly minimumId?: number;
}

const DEFAULT_MINIMUM_ID = 10000;

export const highUserAndGroupIds = podPolicy<IdRangeConfig>({
    name: "container-high-uid-gid",
    group: "container",
    severity: "high",
    description:
        "Every container runs with an explicit UID and GID of at least minimumId (default 10000), and fsGroup and supplementalGroups stay in that range, so a process that escapes its container owns no host user's files.",
    remediation:
        "set securityContext.runAsUser and runAsGroup to values ≥ 10000 that the image allows (on the pod or every container), and fsGroup ≥ 10000 where volumes must be writable.",
    config: {
        minimumId: {
            type: "integer",
            minimum: 1,
            default: DEFAULT_MINIMUM_ID,
            description: "The lowest UID and GID a container may run as; host users and groups sit below it.",
        },
    },
    checkPod: ({ spec, config, violation }) => {
        const min = typeof config.minimumId === "number" ? config.minimumId : DEFAULT_MINIMUM_ID;
        const pod = spec.securityContext ?? {};
        for (const field of ["fsGroup"] as const) {
            const id = pod[field];
            if (typeof id === "number" && id < min) {
                violation(`the pod securityContext sets ${field} ${id}, below ${min}.`);
            }
        }
        for (const gid of arrayOf(pod.supplementalGroups)) {
            if (typeof gid === "number" && gid < min) {
                violation(`the pod securityContext adds supplemental group ${gid}, below ${min}.`);
            }
        }
        for (const c of containersOf(spec)) {
            const sc = c.container.securityContext ?? {};
            for (const field of ["runAsUser", "runAsGroup"] as const) {
                const id = sc[field] ?? pod[field];
                if (typeof id !== "number") {
                    violation(`${c.label} has no ${field} (neither on the container nor on the pod), so the image decides it.`);
                } else if (id < min) {
                    violation(`${c.label} runs with ${field} ${id}, below ${min}.`);
                }
            }
        }
    },
});

export const containerPolicies: readonly ResourceValidationPolicy[] = [
    readOnlyRootFilesystem,
    resources,
    ephemeralStorage,
    emptyDirSizeLimit,
    highUserAndGroupIds,
];
