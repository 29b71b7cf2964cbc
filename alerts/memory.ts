// Container memory limits as bytes, for the memory-usage alerts. The limits that count are the
// deployed ones: the catalog's, unless the stack overrides a service's resources.
import type { ResourceSpec, ServiceSpec } from "../components/catalog";

const factors: Record<string, number> = {
    "": 1,
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    Ki: 1024,
    Mi: 1024 ** 2,
    Gi: 1024 ** 3,
    Ti: 1024 ** 4,
};

/** Bytes of a Kubernetes memory quantity such as `512Mi`, `1Gi` or `1.5G`. */
export function parseMemoryQuantity(quantity: string): number {
    const m = /^([0-9]+(?:\.[0-9]+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(quantity);
    if (!m) throw new Error(`"${quantity}" is not a Kubernetes memory quantity such as 512Mi or 1Gi`);
    return Math.round(Number(m[1]) * (factors[m[2] ?? ""] ?? 1));
}

/** Per-service memory limit in bytes: the stack override's limit when set, else the catalog's. */
export function memoryLimitsFromCatalog(
    services: readonly ServiceSpec[],
    overrides: Readonly<Record<string, { resources?: ResourceSpec } | undefined>> = {},
): Record<string, number> {
    const limits: Record<string, number> = {};
    for (const s of services) {
        const resources = overrides[s.name]?.resources ?? s.resources;
        limits[s.name] = parseMemoryQuantity(resources.limits.memory);
    }
    return limits;
}
