// The SLO recording rules' names and windows: alerts/ records them from the catalog's objectives,
// the dashboards read them.
import type { Duration } from "./alerts";

/** The SLO period the objectives are stated over. */
export const sloPeriod = "30d";

export const sloWindows = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"] as const satisfies readonly Duration[];
export type SloWindow = (typeof sloWindows)[number];

export type SloKind = "availability" | "latency";

/** Ratio of bad requests per job over a window: 5xx for availability, slower than the threshold for latency. */
export const sloRecordNames: Record<SloKind, (w: SloWindow) => string> = {
    availability: (w) => `job:azora_slo_errors:ratio_rate${w}`,
    latency: (w) => `job:azora_slo_slow_requests:ratio_rate${w}`,
};
/** The ratio over the whole SLO period, for budget-remaining panels: the 5m ratio averaged over
 *  the period, far cheaper than a rate over 30 days of raw samples. */
export const sloPeriodRecordNames: Record<SloKind, string> = {
    availability: `job:azora_slo_errors:ratio_rate${sloPeriod}`,
    latency: `job:azora_slo_slow_requests:ratio_rate${sloPeriod}`,
};
/** The objective as a series (labels job and slo), for dashboards (error budget remaining) and ad-hoc queries. */
export const sloObjectiveRecord = "job:azora_slo_objective:ratio";

/** The records the dashboards read. */
export const sloRules = {
    errorRatio5m: sloRecordNames.availability("5m"),
    errorRatio30d: sloPeriodRecordNames.availability,
    /** The catalog's target per job and SLO kind (label slo). */
    objective: sloObjectiveRecord,
} as const;
