// A service's effective workload settings: catalog defaults, then stack-wide settings, then the
// stack's per-service override. Alerts read the same numbers, so thresholds follow the limits.
import type { ResourceSpec, ServiceSpec } from "./catalog";
import type { WorkloadSettings } from "./config";

export interface EffectiveWorkload {
    replicas: { min: number; max: number };
    resources: ResourceSpec;
    featureFlags: Record<string, boolean>;
    env: Record<string, string>;
    tag?: string;
}

export function serviceWorkload(spec: ServiceSpec, w: WorkloadSettings): EffectiveWorkload {
    const o = w.services[spec.name] ?? {};
    return {
        replicas: o.replicas ?? w.replicas,
        resources: o.resources ?? spec.resources,
        featureFlags: { ...w.featureFlags, ...o.featureFlags },
        env: o.env ?? {},
        tag: o.tag,
    };
}

const binaryUnits: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
const decimalUnits: Record<string, number> = { k: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/** Bytes in a Kubernetes memory quantity such as 512Mi or 1G. */
export function quantityBytes(q: string): number {
    const m = /^([0-9]+(?:\.[0-9]+)?)([KMGT]i|[kMGT])?$/.exec(q);
    if (!m) throw new Error(`not a memory quantity: "${q}"`);
    const unit = m[2] ?? "";
    return Math.round(Number(m[1]) * (binaryUnits[unit] ?? decimalUnits[unit] ?? 1));
}

export function memoryLimitBytes(services: readonly ServiceSpec[], w: WorkloadSettings): Record<string, number> {
    return Object.fromEntries(
        services.map((s) => [s.name, quantityBytes(serviceWorkload(s, w).resources.limits.memory)]),
    );
}
