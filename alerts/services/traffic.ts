// Per service: the request rate against the same hour one week earlier (offset 1w), the anomaly
// detection the seeds ask for. Weekly seasonality (weekday peaks, night troughs) cancels out; a
// fall to a fraction or a jump to a multiple of last week's rate does not.
import type { AlertName, Duration } from "../../model/alerts";
import type { ServiceSpec } from "../../model/catalog";
import { durationWords } from "../../model/durations";
import { http } from "../../model/metrics";
import { num } from "../../model/promql";
import { lines, type RuleBuilder } from "../core/builder";
import { formatPercent } from "../core/format";
import { promql } from "../core/markdown";
import { runbooks } from "../core/runbook";
import { alertJob, fromAlert } from "../core/runbook-snippets";
import { byJob } from "../core/scrape";
import type { Rule } from "../core/types";
import { requests, serviceWorkload } from "./common";

/**
 * Rate over `window` now / the same rate one week (`offset`) earlier: below `low` or above `high`
 * for `for`, counted only while last week's rate was above `minRate` requests per second (a quiet
 * service's week-over-week ratio is noise).
 */
const requestRateAnomaly = {
    window: "1h",
    offset: "1w",
    low: 0.5,
    high: 2,
    minRate: 0.1,
    for: "30m",
    severity: "warning",
} as const satisfies {
    window: Duration;
    offset: Duration;
    low: number;
    high: number;
    minRate: number;
    for: Duration;
    severity: "warning";
};
const a = requestRateAnomaly;

type Traffic = Extract<AlertName, "AzoraRequestRateAnomaly">;

export function trafficRules(rb: RuleBuilder<Traffic>, s: ServiceSpec): Rule[] {
    const now = `sum ${byJob} (rate(${requests(s.name)}[${a.window}]))`;
    const lastWeek = `sum ${byJob} (rate(${requests(s.name)}[${a.window}] offset ${a.offset}))`;
    const ratio = (op: string, bound: number) =>
        lines(`${now}`, "/", `${lastWeek}`, `${op} ${num(bound)}`, "and", `${lastWeek} > ${num(a.minRate)}`);
    const words = durationWords(a.offset);
    return [
        rb.alert({
            name: "AzoraRequestRateAnomaly",
            expr: ratio("<", a.low),
            for: a.for,
            severity: a.severity,
            labels: { direction: "low" },
            summary: `{{ $labels.job }} gets {{ $value | humanizePercentage }} of its requests of ${words} ago`,
            description:
                `The request rate of {{ $labels.job }} over the last ${durationWords(a.window)} is {{ $value | humanizePercentage }} ` +
                `of the same hour ${words} ago, below ${formatPercent(a.low)} for ${durationWords(a.for)}: callers may not reach it.`,
        }),
        rb.alert({
            name: "AzoraRequestRateAnomaly",
            expr: ratio(">", a.high),
            for: a.for,
            severity: a.severity,
            labels: { direction: "high" },
            summary: `{{ $labels.job }} gets {{ $value | humanizePercentage }} of its requests of ${words} ago`,
            description:
                `The request rate of {{ $labels.job }} over the last ${durationWords(a.window)} is {{ $value | humanizePercentage }} ` +
                `of the same hour ${words} ago, above ${formatPercent(a.high)} for ${durationWords(a.for)}: a surge, a retry storm or abuse.`,
        }),
    ];
}

export const trafficRunbooks = runbooks<Traffic>(__filename, {
    AzoraRequestRateAnomaly: () => ({
        meaning:
            `A service's request rate («${http.requests}», over ${durationWords(a.window)}) is below ${formatPercent(a.low)} ` +
            `(«direction=low») or above ${formatPercent(a.high)} («direction=high») of the same hour ${durationWords(a.offset)} ` +
            `earlier, for ${durationWords(a.for)}, while last week's rate was above ${num(a.minRate)} requests per second.`,
        impact:
            "Low: callers fail to reach the service (routing, DNS, a broken caller, the edge) although it looks healthy. " +
            "High: a surge, a client's retry storm or abuse; latency and errors may follow.",
        check: [
            fromAlert,
            promql(
                `sum by (job) (rate(${alertJob(http.requests)}[${a.window}]))`,
                `sum by (job) (rate(${alertJob(http.requests)}[${a.window}] offset ${a.offset}))`,
                `sum by (route, status_code) (rate(${alertJob(http.requests)}[5m]))`,
            ),
            serviceWorkload,
        ].join("\n\n"),
        act: [
            "- Low: check the callers' client errors and the edge; a holiday or a planned change last week explains it — then let it resolve.",
            "- High: find the route and client (rate-limit hits, the gateway's logs); scale out or tighten the client's rate limit in the catalog.",
        ].join("\n"),
    }),
});
