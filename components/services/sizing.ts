// A service's effective workload settings: catalog defaults, then stack-wide settings, then the
// stack's per-service override. Alerts read the same numbers, so thresholds follow the limits.
import { memoryLimitBytes as catalogMemoryLimits, type ResourceSpec, type ServiceSpec } from "../../model/catalog";
import type { WorkloadSettings } from "../config";

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

/** Each service's deployed memory limit in bytes (the catalog's, unless the stack overrides it). */
export function memoryLimitBytes(services: readonly ServiceSpec[], w: WorkloadSettings): Record<string, number> {
    return catalogMemoryLimits(services, (s) => serviceWorkload(s, w).resources);
}
