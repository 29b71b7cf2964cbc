// Observability settings as a small stack would write them, parsed by the real schema.
import { observabilitySchema, type ObservabilitySettings } from "../../../components/config/schema";

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

function merge<A>(base: A, over: DeepPartial<A> | undefined): A {
    if (!over) return base;
    const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
    for (const [k, v] of Object.entries(over as Record<string, unknown>)) {
        const b = out[k];
        out[k] =
            v && typeof v === "object" && !Array.isArray(v) && b && typeof b === "object"
                ? merge(b as Record<string, unknown>, v as DeepPartial<Record<string, unknown>>)
                : v;
    }
    return out as A;
}

/** Settings as a small stack would write them, parsed by the real schema (defaults applied). */
export function settings(over?: DeepPartial<ObservabilitySettings>): ObservabilitySettings {
    const base = observabilitySchema.parse({
        prometheus: { persistence: { size: "50Gi" } },
        alertmanager: { receiver: { type: "none" } },
        grafana: { persistence: { size: "5Gi" } },
        loki: { persistence: { size: "50Gi" } },
        jaeger: { persistence: { size: "10Gi" } },
        otelCollector: {},
    });
    return observabilitySchema.parse(merge(base, over));
}

