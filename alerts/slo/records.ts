// The SLO recording rules of one service: the objective as a series, the ratio of bad requests per
// window (5xx for availability; slower than the SLO threshold for latency) and over the period.
import type { ServiceSpec } from "../../model/catalog";
import { by, num, quote, selector } from "../../model/promql";
import { sloObjectiveRecord, sloPeriod, sloPeriodRecordNames, sloRecordNames, type SloKind, type SloWindow, sloWindows } from "../../model/slo";
import { leMatcher } from "../buckets";
import { lines, type RuleBuilder } from "../core/builder";
import type { Rule } from "../core/types";

export const sloKinds = ["availability", "latency"] as const satisfies readonly SloKind[];

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

export function objective(s: ServiceSpec, kind: SloKind): number {
    return kind === "availability" ? s.slo.availability : s.slo.latency.target;
}

/** The recording rules of one SLO kind, in evaluation order. */
export function sloRecords(rb: RuleBuilder, s: ServiceSpec, kind: SloKind): Rule[] {
    return [
        rb.record(sloObjectiveRecord, `vector(${num(objective(s, kind))})`, { job: s.name, slo: kind }),
        ...sloWindows.map((w) => rb.record(sloRecordNames[kind](w), kind === "availability" ? errorRatioExpr(s, w) : slowRatioExpr(s, w))),
        rb.record(sloPeriodRecordNames[kind], `avg_over_time(${selector(sloRecordNames[kind]("5m"), { job: s.name })}[${sloPeriod}])`),
    ];
}
