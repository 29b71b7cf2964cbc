// Multi-window, multi-burn-rate SLO alerts (Google SRE workbook, "Alerting on SLOs", table 5-8),
// generated per service from the catalog's slo.availability and slo.latency.
//
// Recording rules, per service and window: the ratio of bad requests (5xx for availability; slower
// than the SLO threshold for latency). Alerts compare a long and a short window against
// burn-rate × (1 − objective); the short window makes a page stop soon after the problem does.
import type { ServiceSpec } from "../model/catalog";
import { leMatcher } from "./buckets";
import type { AlertName } from "../model/alerts";
import { by, num, quote, selector } from "../model/promql";
import { formatPercent, formatSeconds, forJob, lines, type RuleBuilder } from "./rule-builders";
import type { Duration, Severity, Urgency } from "../model/alerts";
import { sloObjectiveRecord, sloPeriod, sloPeriodRecordNames, sloRecordNames, type SloKind, type SloWindow, sloWindows } from "../model/slo";
import type { Rule, RuleGroup } from "./types";

export interface BurnRateCondition {
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

export const burnRatePolicies: readonly BurnRatePolicy[] = [
    {
        urgency: "page",
        severity: "critical",
        for: "2m",
        conditions: [
            { long: "1h", short: "5m", factor: 14.4 },
            { long: "6h", short: "30m", factor: 6 },
        ],
    },
    {
        urgency: "ticket",
        severity: "warning",
        for: "15m",
        conditions: [
            { long: "1d", short: "2h", factor: 3 },
            { long: "3d", short: "6h", factor: 1 },
        ],
    },
];

const sloAlertName: Record<SloKind, AlertName> = {
    availability: "AzoraAvailabilityBudgetBurn",
    latency: "AzoraLatencyBudgetBurn",
};

const byJob = by(["namespace", "job"]);

function errorRatioExpr(s: ServiceSpec, w: SloWindow): string {
    const all = `sum ${byJob} (rate(${selector("http_requests_total", { job: s.name })}[${w}]))`;
    const errors = `sum ${byJob} (rate(${selector("http_requests_total", { job: s.name, status_code: { re: "5.." } })}[${w}]))`;
    // "or all * 0": a service with traffic but no 5xx series yet records 0, not nothing.
    return lines(`(${errors} or ${all} * 0)`, "/", all);
}

function slowRatioExpr(s: ServiceSpec, w: SloWindow): string {
    const bucket = (le: string): string =>
        `sum ${byJob} (rate(http_request_duration_seconds_bucket{job=${quote(s.name)},${le}}[${w}]))`;
    return lines("1 - (", `  ${bucket(leMatcher(s.slo.latency.thresholdSeconds))}`, "/", `  ${bucket('le="+Inf"')}`, ")");
}

function objective(s: ServiceSpec, kind: SloKind): number {
    return kind === "availability" ? s.slo.availability : s.slo.latency.target;
}

function burnExpr(s: ServiceSpec, kind: SloKind, policy: BurnRatePolicy): string {
    const budget = num(1 - objective(s, kind));
    const sel = (w: SloWindow): string => selector(sloRecordNames[kind](w), { job: s.name });
    return policy.conditions
        .map((c) =>
            lines(
                "(",
                `  ${sel(c.long)} / ${budget} > ${num(c.factor)}`,
                "  and",
                `  ${sel(c.short)} / ${budget} > ${num(c.factor)}`,
                ")",
            ),
        )
        .join("\nor\n");
}

function describeSlo(s: ServiceSpec, kind: SloKind): string {
    return kind === "availability"
        ? `${formatPercent(s.slo.availability)} of requests without a 5xx`
        : `${formatPercent(s.slo.latency.target)} of requests faster than ${formatSeconds(s.slo.latency.thresholdSeconds)}`;
}

function describeConditions(policy: BurnRatePolicy): string {
    return policy.conditions.map((c) => `${num(c.factor)}× over ${c.long} (confirmed over ${c.short})`).join(" or ");
}

function sloAlert(rb: RuleBuilder, s: ServiceSpec, kind: SloKind, policy: BurnRatePolicy): Rule {
    const what = kind === "availability" ? "availability" : "latency";
    return rb.alert({
        name: sloAlertName[kind],
        expr: burnExpr(s, kind, policy),
        for: policy.for,
        severity: policy.severity,
        labels: { slo: kind, urgency: policy.urgency },
        summary: `{{ $labels.job }} is burning its ${what} error budget {{ printf "%.1f" $value }}× too fast (${policy.urgency})`,
        description:
            `{{ $labels.job }} spends its ${sloPeriod} ${what} error budget (SLO: ${describeSlo(s, kind)}) ` +
            `{{ printf "%.1f" $value }}× faster than sustainable over the long window; ` +
            `this ${policy.urgency} fires at ${describeConditions(policy)}.`,
    });
}

/** Recording and alerting rules of one service's SLOs: one group per service, records first so
 *  the alerts in the same evaluation read fresh ratios. */
export function sloRuleGroup(rb: RuleBuilder, s: ServiceSpec): RuleGroup {
    const rules: Rule[] = [];
    for (const kind of ["availability", "latency"] as const) {
        rules.push(rb.record(sloObjectiveRecord, `vector(${num(objective(s, kind))})`, { job: s.name, slo: kind }));
        for (const w of sloWindows) {
            rules.push(rb.record(sloRecordNames[kind](w), kind === "availability" ? errorRatioExpr(s, w) : slowRatioExpr(s, w)));
        }
        rules.push(
            rb.record(
                sloPeriodRecordNames[kind],
                `avg_over_time(${selector(sloRecordNames[kind]("5m"), { job: s.name })}[${sloPeriod}])`,
            ),
        );
    }
    for (const kind of ["availability", "latency"] as const) {
        for (const policy of burnRatePolicies) rules.push(sloAlert(rb, s, kind, policy));
    }
    return { name: `azora-slo-${s.name}`, rules: forJob(s.name, rules) };
}

export function sloRuleGroups(rb: RuleBuilder, services: readonly ServiceSpec[]): RuleGroup[] {
    return services.map((s) => sloRuleGroup(rb, s));
}
