// Container hardening beyond the PSS profile: read-only root filesystem and resource requests/limits.
import type { ResourceValidationPolicy } from "@pulumi/policy";

import { containersOf, Quantity } from "../lib/k8s";
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
                violation(`${c.label} has a memory limit (${String(r.limits?.memory)}) below its request (${String(r.requests?.memory)}).`);
            }
        }
    },
});

export const containerPolicies: readonly ResourceValidationPolicy[] = [readOnlyRootFilesystem, resources];
