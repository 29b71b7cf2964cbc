// Per service HTTP: the 5xx ratio, the p95/p99 latency against the SLO threshold, and, on the public
// gateway, spikes of 401/403.
import type { AlertName, Duration, Severity } from "../../model/alerts";
import type { FailureThreshold, ServiceSpec } from "../../model/catalog";
import { by, num, selector } from "../../model/promql";
import { p99CeilingFactor } from "../buckets";
import { lines, type RuleBuilder } from "../core/builder";
import { formatPercent, formatSeconds } from "../core/format";
import { promql, sh, table } from "../core/markdown";
import { runbooks } from "../core/runbook";
import { fromAlert } from "../core/runbook-snippets";
import type { Rule } from "../core/types";
import { byJob, rate, rollback, serviceLabels, serviceLogs, serviceWorkload } from "./common";

/** HTTP error ratio (5xx / all) over 5 minutes. */
export const errorRateThresholds: readonly FailureThreshold[] = [
    { severity: "warning", value: 0.05, for: "10m" },
    { severity: "critical", value: 0.2, for: "5m" },
];

/** Below this request rate an error ratio is noise (a single failed health check). */
export const minRequestsPerSecond = 0.1;

/** Share of 401/403 among the public gateway's responses, with a floor on their rate. */
export const gatewayAuthErrors = { ratio: 0.2, minPerSecond: 0.5, for: "10m" as Duration, severity: "warning" as Severity };

type Http = Extract<AlertName, "AzoraHighErrorRate" | "AzoraHighLatency" | "AzoraGatewayAuthErrorSpike">;

export function httpRules(rb: RuleBuilder<Http>, s: ServiceSpec): Rule[] {
    const all = selector("http_requests_total", { job: s.name });
    const errors = selector("http_requests_total", { job: s.name, status_code: { re: "5.." } });
    const buckets = selector("http_request_duration_seconds_bucket", { job: s.name });
    const rules: Rule[] = errorRateThresholds.map((t) =>
        rb.alert({
            name: "AzoraHighErrorRate",
            expr: lines(
                "(",
                `  sum ${byJob} (${rate(errors, "5m")})`,
                "/",
                `  sum ${byJob} (${rate(all, "5m")})`,
                `) > ${num(t.value)}`,
                "and",
                `sum ${byJob} (${rate(all, "5m")}) > ${num(minRequestsPerSecond)}`,
            ),
            for: t.for,
            severity: t.severity,
            summary: "{{ $labels.job }} answers {{ $value | humanizePercentage }} of requests with 5xx",
            description:
                "{{ $value | humanizePercentage }} of {{ $labels.job }} requests returned a 5xx status over the last " +
                `5 minutes (${t.severity} above ${formatPercent(t.value)} for ${t.for}).`,
        }),
    );
    const threshold = s.slo.latency.thresholdSeconds;
    const quantiles: { q: number; limit: number; severity: Severity; for: Duration }[] = [
        { q: 0.95, limit: threshold, severity: "warning", for: "10m" },
        { q: 0.99, limit: threshold * p99CeilingFactor, severity: "critical", for: "5m" },
    ];
    for (const { q, limit, severity, for: holdFor } of quantiles) {
        rules.push(
            rb.alert({
                name: "AzoraHighLatency",
                expr: `histogram_quantile(${num(q)}, sum ${by([...serviceLabels, "le"])} (${rate(buckets, "5m")})) > ${num(limit)}`,
                for: holdFor,
                severity,
                labels: { quantile: num(q) },
                summary: `{{ $labels.job }} p${num(q * 100)} latency is {{ $value | humanizeDuration }}`,
                description:
                    `The ${num(q * 100)}th percentile of {{ $labels.job }} request duration over 5 minutes is ` +
                    `{{ $value | humanizeDuration }}, above ${formatSeconds(limit)} ` +
                    `(SLO threshold ${formatSeconds(threshold)}${q === 0.95 ? "" : ` × ${p99CeilingFactor}`}).`,
            }),
        );
    }
    return rules;
}

export function gatewayAuthRules(rb: RuleBuilder<Http>, s: ServiceSpec): Rule[] {
    const denied = selector("http_requests_total", { job: s.name, status_code: { re: "401|403" } });
    const all = selector("http_requests_total", { job: s.name });
    const g = gatewayAuthErrors;
    return [
        rb.alert({
            name: "AzoraGatewayAuthErrorSpike",
            expr: lines(
                "(",
                `  sum ${byJob} (${rate(denied, "5m")})`,
                "/",
                `  sum ${byJob} (${rate(all, "5m")})`,
                `) > ${num(g.ratio)}`,
                "and",
                `sum ${byJob} (${rate(denied, "5m")}) > ${num(g.minPerSecond)}`,
            ),
            for: g.for,
            severity: g.severity,
            summary: "{{ $value | humanizePercentage }} of {{ $labels.job }} responses are 401/403",
            description:
                "{{ $value | humanizePercentage }} of requests through the public gateway {{ $labels.job }} were " +
                `rejected as unauthenticated or forbidden over 5 minutes (above ${formatPercent(g.ratio)} and ` +
                `${num(g.minPerSecond)}/s): credential stuffing, a broken client release or a token signing problem.`,
        }),
    ];
}

function authOwners(services: readonly ServiceSpec[]): ServiceSpec[] {
    return services.filter((s) => s.businessMetrics.some((m) => m.metric === "azora_auth_attempts_total"));
}

export const httpRunbooks = runbooks<Http>(__filename, {
    AzoraHighErrorRate: () => ({
        meaning:
            "A share of the service's HTTP responses have a 5xx status over 5 minutes: " +
            errorRateThresholds.map((t) => `${t.severity} above ${formatPercent(t.value)} for ${t.for}`).join(", ") +
            `, counted only above ${minRequestsPerSecond} requests/s.`,
        impact:
            "Users see failures on the affected routes; the availability SLO budget burns (see " +
            "[AzoraAvailabilityBudgetBurn](AzoraAvailabilityBudgetBurn.md)).",
        check: [
            fromAlert,
            "1. Which routes and codes:",
            promql(
                'sum by (route, status_code) (rate(http_requests_total{job="$JOB", status_code=~"5.."}[5m]))',
                'sum by (route) (rate(http_requests_total{job="$JOB", status_code=~"5.."}[5m])) / sum by (route) (rate(http_requests_total{job="$JOB"}[5m]))',
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
            "The service's request duration percentiles (from «http_request_duration_seconds_bucket», 5 minutes) are " +
            `high: p95 above the SLO latency threshold for 10m (warning), p99 above ${p99CeilingFactor}× that threshold ` +
            "for 5m (critical). The «quantile» label says which fired.",
        impact: "Slow pages and API calls; callers may time out and turn it into errors.",
        facts: table(
            ["service", "SLO threshold (p95, warning)", `p99 limit (critical)`],
            services.map((s) => [
                s.name,
                formatSeconds(s.slo.latency.thresholdSeconds),
                formatSeconds(s.slo.latency.thresholdSeconds * p99CeilingFactor),
            ]),
        ),
        check: [
            fromAlert,
            "1. Which routes are slow:",
            promql(
                'histogram_quantile(0.95, sum by (route, le) (rate(http_request_duration_seconds_bucket{job="$JOB"}[5m])))',
            ),
            "2. Saturation: CPU throttling, replicas at the HPA maximum, database pool:",
            promql(
                'rate(process_cpu_seconds_total{job="$JOB"}[5m])',
                'db_pool_connections_in_use{job="$JOB"} / db_pool_connections_max{job="$JOB"}',
            ),
            sh("kubectl -n $NS get hpa $JOB", "kubectl -n $NS top pods -l app.kubernetes.io/name=$JOB"),
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
            `More than ${formatPercent(gatewayAuthErrors.ratio)} of the public gateway's responses were 401 or 403 over ` +
            `5 minutes, with at least ${gatewayAuthErrors.minPerSecond}/s of them, for ${gatewayAuthErrors.for}.`,
        impact: "Legitimate users may be locked out, or an attack is under way against the public API.",
        facts: table(
            ["public gateway"],
            services.filter((s) => s.public).map((s) => [s.name]),
        ),
        check: [
            fromAlert,
            promql(
                'sum by (route, status_code) (rate(http_requests_total{job="$JOB", status_code=~"401|403"}[5m]))',
                ...authOwners(services).map((a) => `sum by (status_code) (rate(http_requests_total{job="${a.name}"}[5m]))`),
            ),
            serviceLogs('| json | status_code=~"401|403"'),
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
