// Per service HTTP: the 5xx ratio, the p95/p99 latency against the SLO threshold, and, on the public
// gateway, spikes of 401/403.
import type { AlertName, Duration } from "../../model/alerts";
import type { FailureThreshold, ServiceSpec } from "../../model/catalog";
import { http, node } from "../../model/metrics";
import { by, num, quote, selector } from "../../model/promql";
import { p99CeilingFactor } from "../buckets";
import type { Hold, RuleBuilder } from "../core/builder";
import { formatPercent, formatSeconds, ratioThresholdsText } from "../core/format";
import { promql, sh, table } from "../core/markdown";
import { serverErrors } from "../core/matchers";
import { runbooks } from "../core/runbook";
import { alertJob, fromAlert, jobVar, podsOf } from "../core/runbook-snippets";
import type { Rule } from "../core/types";
import { businessPolicyFor } from "./business";
import { byJob, jobLabels } from "../core/scrape";
import { rate, requests, rollback, serviceLogs, serviceWorkload, shareAbove } from "./common";
import { poolUsage } from "./database";
import { durationWords } from "../../model/durations";

/** The 5xx ratio (5xx / all) over this window. */
const errorRateWindow: Duration = "5m";
const errorRateThresholds: readonly FailureThreshold[] = [
    { severity: "warning", value: 0.05, for: "10m" },
    { severity: "critical", value: 0.2, for: "5m" },
];
/** Below this request rate an error ratio is noise (a single failed health check). */
const minRequestsPerSecond = 0.1;

/** A latency percentile alert: the `quantile` over `latencyWindow` above `factor` × the SLO threshold. */
export interface LatencyQuantile extends Hold {
    quantile: number;
    factor: number;
}
const latencyWindow: Duration = "5m";
const latencyQuantiles: readonly LatencyQuantile[] = [
    { quantile: 0.95, factor: 1, severity: "warning", for: "10m" },
    { quantile: 0.99, factor: p99CeilingFactor, severity: "critical", for: "5m" },
];

/** Share of the rejected (401/403) among the public gateway's responses over `window`, above
 *  `ratio` while they come at `minPerSecond` or more. */
const gatewayAuthErrors: Hold & { statusCodes: readonly string[]; window: Duration; ratio: number; minPerSecond: number } = {
    statusCodes: ["401", "403"],
    window: "5m",
    ratio: 0.2,
    minPerSecond: 0.5,
    severity: "warning",
    for: "10m",
};
const denied = { status_code: { re: gatewayAuthErrors.statusCodes.join("|") } };

type Http = Extract<AlertName, "AzoraHighErrorRate" | "AzoraHighLatency" | "AzoraGatewayAuthErrorSpike">;

/** "p95" for 0.95. */
const percentile = (q: number): string => `p${num(q * 100)}`;

function latencyQuery(q: number, labels: readonly string[], sel: string, window: Duration = latencyWindow): string {
    return `histogram_quantile(${num(q)}, sum ${by([...labels, "le"])} (${rate(sel, window)}))`;
}

export function httpRules(rb: RuleBuilder<Http>, s: ServiceSpec): Rule[] {
    const all = requests(s.name);
    const errorShare = { bad: requests(s.name, serverErrors), all, window: errorRateWindow };
    const rules: Rule[] = errorRateThresholds.map((t) =>
        rb.alert({
            name: "AzoraHighErrorRate",
            expr: shareAbove(errorShare, t.value, `sum ${byJob} (${rate(all, errorRateWindow)}) > ${num(minRequestsPerSecond)}`),
            for: t.for,
            severity: t.severity,
            summary: "{{ $labels.job }} answers {{ $value | humanizePercentage }} of requests with 5xx",
            description:
                "{{ $value | humanizePercentage }} of {{ $labels.job }} requests returned a 5xx status over the last " +
                `${durationWords(errorRateWindow)} (${t.severity} above ${formatPercent(t.value)} for ${t.for}).`,
        }),
    );
    const threshold = s.slo.latency.thresholdSeconds;
    const buckets = selector(http.durationBucket, { job: s.name });
    for (const { quantile: q, factor, severity, for: holdFor } of latencyQuantiles) {
        const limit = threshold * factor;
        rules.push(
            rb.alert({
                name: "AzoraHighLatency",
                expr: `${latencyQuery(q, jobLabels, buckets)} > ${num(limit)}`,
                for: holdFor,
                severity,
                labels: { quantile: num(q) },
                summary: `{{ $labels.job }} ${percentile(q)} latency is {{ $value | humanizeDuration }}`,
                description:
                    `The ${num(q * 100)}th percentile of {{ $labels.job }} request duration over ${durationWords(latencyWindow)} is ` +
                    `{{ $value | humanizeDuration }}, above ${formatSeconds(limit)} ` +
                    `(SLO threshold ${formatSeconds(threshold)}${factor === 1 ? "" : ` × ${num(factor)}`}).`,
            }),
        );
    }
    return rules;
}

export function gatewayAuthRules(rb: RuleBuilder<Http>, s: ServiceSpec): Rule[] {
    const g = gatewayAuthErrors;
    const rejected = requests(s.name, denied);
    return [
        rb.alert({
            name: "AzoraGatewayAuthErrorSpike",
            expr: shareAbove(
                { bad: rejected, all: requests(s.name), window: g.window },
                g.ratio,
                `sum ${byJob} (${rate(rejected, g.window)}) > ${num(g.minPerSecond)}`,
            ),
            for: g.for,
            severity: g.severity,
            summary: `{{ $value | humanizePercentage }} of {{ $labels.job }} responses are ${g.statusCodes.join("/")}`,
            description:
                "{{ $value | humanizePercentage }} of requests through the public gateway {{ $labels.job }} were " +
                `rejected as unauthenticated or forbidden over ${durationWords(g.window)} (above ${formatPercent(g.ratio)} and ` +
                `${num(g.minPerSecond)}/s): credential stuffing, a broken client release or a token signing problem.`,
        }),
    ];
}

/** The services counting sign-ins: those raising AzoraAuthFailureRateHigh. */
export function authOwners(services: readonly ServiceSpec[]): ServiceSpec[] {
    return services.filter((s) => s.businessMetrics.some((m) => businessPolicyFor(m).alert === "AzoraAuthFailureRateHigh"));
}

const [firstQuantile] = latencyQuantiles.map((q) => q.quantile);

/** Runbook queries: the alert's job's 5xx by route and code, and its first alerting percentile by route. */
export function routeErrors(window: Duration): string {
    return `sum ${by(["route", "status_code"])} (${rate(alertJob(http.requests, serverErrors), window)})`;
}
export function routeLatency(window: Duration): string {
    return latencyQuery(firstQuantile, ["route"], alertJob(http.durationBucket), window);
}

/** "p95 above the SLO latency threshold for 10m (warning)". */
function describeQuantile(q: LatencyQuantile): string {
    const limit = q.factor === 1 ? "the SLO latency threshold" : `${num(q.factor)}× that threshold`;
    return `${percentile(q.quantile)} above ${limit} for ${q.for} (${q.severity})`;
}

export const httpRunbooks = runbooks<Http>(__filename, {
    AzoraHighErrorRate: () => ({
        meaning:
            `A share of the service's HTTP responses have a 5xx status over ${durationWords(errorRateWindow)}: ` +
            `${ratioThresholdsText(errorRateThresholds)}, counted only above ${num(minRequestsPerSecond)} requests/s.`,
        impact:
            "Users see failures on the affected routes; the availability SLO budget burns (see " +
            "[AzoraAvailabilityBudgetBurn](AzoraAvailabilityBudgetBurn.md)).",
        check: [
            fromAlert,
            "1. Which routes and codes:",
            promql(
                routeErrors(errorRateWindow),
                `sum ${by(["route"])} (${rate(alertJob(http.requests, serverErrors), errorRateWindow)}) / ` +
                    `sum ${by(["route"])} (${rate(alertJob(http.requests), errorRateWindow)})`,
            ),
            "2. The errors in the logs, and a failing trace in Jaeger (service = the job):",
            serviceLogs('|= "error" | json | line_format "{{.msg}}"'),
            "3. Is it a dependency? Check the callees' own alerts, the database pool and recent rollouts:",
            serviceWorkload,
        ].join("\n\n"),
        act: [
            "- 502/503/504 only: an upstream (callee) is down or slow; act on that service's alert.",
            "- 500 on every route after a deploy: roll back (below).",
            "- Database errors in the logs: see [AzoraDatabasePoolExhausted](AzoraDatabasePoolExhausted.md) and the database's health.",
            rollback,
        ].join("\n"),
    }),
    AzoraHighLatency: (services) => ({
        meaning:
            `The service's request duration percentiles (from «${http.durationBucket}», ${durationWords(latencyWindow)}) ` +
            `are high: ${latencyQuantiles.map(describeQuantile).join(", ")}. The «quantile» label says which fired.`,
        impact: "Slow pages and API calls; callers may time out and turn it into errors.",
        facts: table(
            [
                "service",
                ...latencyQuantiles.map((q) =>
                    q.factor === 1 ? `SLO threshold (${percentile(q.quantile)}, ${q.severity})` : `${percentile(q.quantile)} limit (${q.severity})`,
                ),
            ],
            services.map((s) => [s.name, ...latencyQuantiles.map((q) => formatSeconds(s.slo.latency.thresholdSeconds * q.factor))]),
        ),
        check: [
            fromAlert,
            "1. Which routes are slow:",
            promql(routeLatency(latencyWindow)),
            "2. Saturation: CPU throttling, replicas at the HPA maximum, database pool:",
            promql(rate(alertJob(node.cpuSeconds), latencyWindow), poolUsage(jobVar)),
            sh("kubectl -n $NS get hpa $JOB", `kubectl -n $NS top pods ${podsOf(jobVar)}`),
            "3. Slow callees: open Jaeger, search the service with «minDuration» set to the threshold and look at the widest child span.",
        ].join("\n\n"),
        act: [
            "- HPA at its maximum: raise «workloads.services.<service>.replicas.max» (or «workloads.replicas.max») and «pulumi up».",
            "- CPU throttled at the limit: raise the CPU limit in the service's resources override.",
            "- A slow callee or the database: follow that component's alert; consider shedding load at the gateway.",
            "- After a deploy: roll back («kubectl -n $NS rollout undo deploy/$JOB», then pin the previous tag in the stack file).",
        ].join("\n"),
    }),
    AzoraGatewayAuthErrorSpike: (services) => ({
        meaning:
            `More than ${formatPercent(gatewayAuthErrors.ratio)} of the public gateway's responses were ` +
            `${gatewayAuthErrors.statusCodes.join(" or ")} over ${durationWords(gatewayAuthErrors.window)}, with at least ` +
            `${num(gatewayAuthErrors.minPerSecond)}/s of them, for ${gatewayAuthErrors.for}.`,
        impact: "Legitimate users may be locked out, or an attack is under way against the public API.",
        facts: table(
            ["public gateway"],
            services.filter((s) => s.public).map((s) => [s.name]),
        ),
        check: [
            fromAlert,
            promql(
                `sum ${by(["route", "status_code"])} (${rate(alertJob(http.requests, denied), gatewayAuthErrors.window)})`,
                ...authOwners(services).map((a) => `sum ${by(["status_code"])} (${rate(requests(a.name), gatewayAuthErrors.window)})`),
            ),
            serviceLogs(`| json | status_code=~${quote(denied.status_code.re)}`),
            "Token issuance problems show up as failed verification in the gateway logs: a rotated signing key " +
                "(«secrets.rotation») that the gateway has not picked up yet, or clock skew.",
        ].join("\n\n"),
        act: [
            "- After a secret rotation: make sure every pod restarted with the new secret («kubectl -n $NS rollout status " +
                `deploy/<service>» for the gateway and ${authOwners(services).map((a) => a.name).join(", ") || "the auth service"}).`,
            "- One client release sends bad tokens: contact its owners; the gateway's per-client rate limit contains the noise.",
            "- Attack: lower «edge.rateLimit.rps» for the ingress, block sources, inform security.",
        ].join("\n"),
    }),
});
