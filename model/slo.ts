// The SLO recording rules' names and windows: alerts/ records them from the catalog's objectives,
// the dashboards read them.
import type { Duration, Severity, Urgency } from "./alerts";

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

/** The latency SLO's threshold per job in seconds, as a series: a dashboard repeated over the
 *  services draws each one's own threshold from it instead of one literal per service. */
export const sloLatencyThresholdRecord = "job:azora_slo_latency_threshold:seconds";

/** The records the dashboards read. */
export const sloRules = {
    errorRatio5m: sloRecordNames.availability("5m"),
    errorRatio30d: sloPeriodRecordNames.availability,
    /** The catalog's target per job and SLO kind (label slo). */
    objective: sloObjectiveRecord,
    /** The catalog's latency threshold per job, in seconds. */
    latencyThreshold: sloLatencyThresholdRecord,
} as const;

// The burn-rate policies of the SLO alerts (Google SRE workbook, "Alerting on SLOs", table 5-8):
// which windows, how fast, how urgent. The SLO rules and runbooks, and the dashboards' burn-rate
// thresholds, read them from here.

interface BurnRateCondition {
    long: SloWindow;
    short: SloWindow;
    /** Multiple of the sustainable error rate (1 spends exactly the budget over the period). */
    factor: number;
}

export interface BurnRatePolicy {
    urgency: Urgency;
    severity: Severity;
    for: Duration;
    /** Any condition firing fires the alert ("or"). */
    conditions: readonly BurnRateCondition[];
}

/** Fast burns: the budget is gone within days. */
export const pagePolicy: BurnRatePolicy = {
    urgency: "page",
    severity: "critical",
    for: "2m",
    conditions: [
        { long: "1h", short: "5m", factor: 14.4 },
        { long: "6h", short: "30m", factor: 6 },
    ],
};
/** Slow burns: the budget is gone within the period. */
export const ticketPolicy: BurnRatePolicy = {
    urgency: "ticket",
    severity: "warning",
    for: "15m",
    conditions: [
        { long: "1d", short: "2h", factor: 3 },
        { long: "3d", short: "6h", factor: 1 },
    ],
};
export const burnRatePolicies: readonly BurnRatePolicy[] = [pagePolicy, ticketPolicy];
