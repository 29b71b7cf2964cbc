// The burn-rate policies of the SLO alerts (Google SRE workbook, "Alerting on SLOs", table 5-8):
// which windows, how fast, how urgent. The rules and the runbook read them from here.
import type { Duration, Severity, Urgency } from "../../model/alerts";
import type { SloWindow } from "../../model/slo";

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
