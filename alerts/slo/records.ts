// The SLO recording rules of one service: the objective (and the latency threshold) as a series, the
// ratio of bad requests per window (5xx for availability; slower than the SLO threshold for latency)
// and over the period.
import type { ServiceSpec } from "../../model/catalog";
import { http } from "../../model/metrics";
import { type MatcherValue, num, selector } from "../../model/promql";
import {
    sloLatencyThresholdRecord,
    sloObjectiveRecord,
    sloPeriod,
    sloPeriodRecordNames,
    sloRecordNames,
    type SloKind,
    type SloWindow,
    sloWindows,
} from "../../model/slo";
import { leMatcher } from "../buckets";
import { lines, type RuleBuilder } from "../core/builder";
import { serverErrors } from "../core/matchers";
import type { Rule } from "../core/types";
import { byJob } from "../core/scrape";
import { requests } from "../services/common";

export const sloKinds = ["availability", "latency"] as const satisfies readonly SloKind[];

/** The period ratio averages this window's ratio over the SLO period. */
const periodSourceWindow: SloWindow = "5m";

function errorRatioExpr(s: ServiceSpec, w: SloWindow): string {
    const all = `sum ${byJob} (rate(${requests(s.name)}[${w}]))`;
    const errors = `sum ${byJob} (rate(${requests(s.name, serverErrors)}[${w}]))`;
    // "or all * 0": a service with traffic but no 5xx series yet records 0, not nothing.
    return lines(`(${errors} or ${all} * 0)`, "/", all);
}

function slowRatioExpr(s: ServiceSpec, w: SloWindow): string {
    const bucket = (le: MatcherValue): string =>
        `sum ${byJob} (rate(${selector(http.durationBucket, { job: s.name, le })}[${w}]))`;
    return lines("1 - (", `  ${bucket(leMatcher(s.slo.latency.thresholdSeconds))}`, "/", `  ${bucket("+Inf")}`, ")");
}

export function objective(s: ServiceSpec, kind: SloKind): number {
    return kind === "availability" ? s.slo.availability : s.slo.latency.target;
}

/** The recording rules of one SLO kind, in evaluation order. */
export function sloRecords(rb: RuleBuilder, s: ServiceSpec, kind: SloKind): Rule[] {
    const ratio = kind === "availability" ? errorRatioExpr : slowRatioExpr;
    const periodSource = selector(sloRecordNames[kind](periodSourceWindow), { job: s.name });
    return [
        rb.record(sloObjectiveRecord, `vector(${num(objective(s, kind))})`, { job: s.name, slo: kind }),
        ...(kind === "latency"
            ? [rb.record(sloLatencyThresholdRecord, `vector(${num(s.slo.latency.thresholdSeconds)})`, { job: s.name })]
            : []),
        ...sloWindows.map((w) => rb.record(sloRecordNames[kind](w), ratio(s, w))),
        rb.record(sloPeriodRecordNames[kind], `avg_over_time(${periodSource}[${sloPeriod}])`),
    ];
}
