// Per-service alerts, generated from the catalog: availability, HTTP errors and latency, database
// pools, memory against the container limit, and the business outcomes the services export.
// Every rule selects one job (the service name), so thresholds can follow the service's own SLO.
import type { BusinessMetric, FailureThreshold, ServiceSpec } from "../model/catalog";
import { p99CeilingFactor } from "./buckets";
import type { AlertName } from "../model/alerts";
import { by, num, selector } from "../model/promql";
import { formatPercent, formatSeconds, forJob, lines, type RuleBuilder } from "./rule-builders";
import type { Duration, Severity } from "../model/alerts";
import type { Rule, RuleGroup } from "./types";

/** Labels every aggregated service series keeps: Alertmanager groups and inhibits on them. */
export const serviceLabels = ["namespace", "job"] as const;
const byJob = by(serviceLabels);

export const memoryLimitRecord = "azora:container_memory_limit_bytes";

export type Threshold = FailureThreshold;

/** HTTP error ratio (5xx / all) over 5 minutes. */
export const errorRateThresholds: readonly Threshold[] = [
    { severity: "warning", value: 0.05, for: "10m" },
    { severity: "critical", value: 0.2, for: "5m" },
];
/** Below this request rate an error ratio is noise (a single failed health check). */
export const minRequestsPerSecond = 0.1;

export const poolSaturation: Threshold = { severity: "warning", value: 0.9, for: "10m" };
export const poolExhaustion: Threshold = { severity: "critical", value: 1, for: "5m" };

export const memoryThresholds: readonly Threshold[] = [
    { severity: "warning", value: 0.85, for: "15m" },
    { severity: "critical", value: 0.95, for: "5m" },
];

/** Share of 401/403 among the public gateway's responses, with a floor on their rate. */
export const gatewayAuthErrors = { ratio: 0.2, minPerSecond: 0.5, for: "10m" as Duration, severity: "warning" as Severity };

export interface BusinessPolicy {
    alert: AlertName;
    window: Duration;
    thresholds: readonly Threshold[];
}

export const defaultBusinessPolicy: BusinessPolicy = {
    alert: "AzoraBusinessOperationFailures",
    window: "15m",
    thresholds: [{ severity: "warning", value: 0.1, for: "15m" }],
};
/** A failure ratio only counts once at least this many operations failed inside the window. */
export const minBusinessFailures = 3;

/** The catalog's own failure alert for this metric, else the default one. */
export function businessPolicyFor(metric: BusinessMetric): BusinessPolicy {
    return metric.failureAlert ?? defaultBusinessPolicy;
}

function rate(sel: string, window: string): string {
    return `rate(${sel}[${window}])`;
}

function availabilityRules(rb: RuleBuilder, s: ServiceSpec): Rule[] {
    const up = selector("up", { job: s.name });
    return [
        rb.alert({
            name: "AzoraServiceDown",
            expr: lines(`sum ${byJob} (${up}) == 0`, "or", `absent(${up})`),
            for: "3m",
            severity: "critical",
            summary: "{{ $labels.job }} has no healthy scrape target",
            description:
                "Every pod of {{ $labels.job }} has failed its /metrics scrape, or no pod is being scraped at all, " +
                "for 3 minutes: the service is down or invisible to monitoring.",
        }),
        rb.alert({
            name: "AzoraServiceTargetDown",
            expr: `${up} == 0`,
            for: "5m",
            severity: "warning",
            summary: "{{ $labels.job }} pod {{ $labels.pod }} is failing its scrape",
            description:
                "Prometheus could not scrape {{ $labels.instance }} ({{ $labels.pod }} in {{ $labels.namespace }}) " +
                "for 5 minutes; the service runs on fewer replicas than intended.",
        }),
    ];
}

function httpRules(rb: RuleBuilder, s: ServiceSpec): Rule[] {
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

function gatewayAuthRules(rb: RuleBuilder, s: ServiceSpec): Rule[] {
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

function databaseRules(rb: RuleBuilder, s: ServiceSpec): Rule[] {
    if (!s.database) return [];
    const inUse = selector("db_pool_connections_in_use", { job: s.name });
    const max = selector("db_pool_connections_max", { job: s.name });
    const pending = selector("db_pool_pending_acquires", { job: s.name });
    const labels = { database: s.database.name };
    return [
        rb.alert({
            name: "AzoraDatabasePoolExhausted",
            expr: `${inUse} / ${max} > ${num(poolSaturation.value)}`,
            for: poolSaturation.for,
            severity: poolSaturation.severity,
            labels,
            summary: "{{ $labels.pod }} ({{ $labels.job }}) uses {{ $value | humanizePercentage }} of its database pool",
            description:
                "{{ $labels.pod }} of {{ $labels.job }} has had {{ $value | humanizePercentage }} of its connections to " +
                `database "${s.database.name}" in use (above ${formatPercent(poolSaturation.value)} for ` +
                `${poolSaturation.for}); the next burst will queue.`,
        }),
        rb.alert({
            name: "AzoraDatabasePoolExhausted",
            expr: lines(`${inUse} / ${max} >= ${num(poolExhaustion.value)}`, "and", `min_over_time(${pending}[5m]) > 0`),
            for: poolExhaustion.for,
            severity: poolExhaustion.severity,
            labels,
            summary: "{{ $labels.pod }} ({{ $labels.job }}) has no free database connection and requests are waiting",
            description:
                "Every connection of {{ $labels.pod }} ({{ $labels.job }}) to database " +
                `"${s.database.name}" has been in use, with requests queueing for a connection, for ` +
                `${poolExhaustion.for}: requests are timing out.`,
        }),
    ];
}

function memoryRules(rb: RuleBuilder, s: ServiceSpec): Rule[] {
    const rss = selector("process_resident_memory_bytes", { job: s.name });
    const limit = selector(memoryLimitRecord, { job: s.name });
    return memoryThresholds.map((t) =>
        rb.alert({
            name: "AzoraHighMemoryUsage",
            expr: lines(rss, "  / on (job) group_left", limit, `> ${num(t.value)}`),
            for: t.for,
            severity: t.severity,
            summary: "{{ $labels.pod }} ({{ $labels.job }}) uses {{ $value | humanizePercentage }} of its memory limit",
            description:
                "Resident memory of {{ $labels.pod }} ({{ $labels.job }}) has been at {{ $value | humanizePercentage }} " +
                `of the container memory limit for ${t.for} (${t.severity} above ${formatPercent(t.value)}); ` +
                "at 100% the kernel OOM-kills the container.",
        }),
    );
}

function businessRules(rb: RuleBuilder, s: ServiceSpec): Rule[] {
    return s.businessMetrics.flatMap((m) => {
        const policy = businessPolicyFor(m);
        const failed = selector(m.metric, { job: s.name, [m.outcomeLabel]: "failed" });
        const all = selector(m.metric, { job: s.name });
        return policy.thresholds.map((t) =>
            rb.alert({
                name: policy.alert,
                expr: lines(
                    "(",
                    `  sum ${byJob} (${rate(failed, policy.window)})`,
                    "/",
                    `  sum ${byJob} (${rate(all, policy.window)})`,
                    `) > ${num(t.value)}`,
                    "and",
                    `sum ${byJob} (increase(${failed}[${policy.window}])) >= ${minBusinessFailures}`,
                ),
                for: t.for,
                severity: t.severity,
                labels: { business_metric: m.metric, operation: m.title },
                summary: `{{ $value | humanizePercentage }} of ${m.title.toLowerCase()} fail in {{ $labels.job }}`,
                description:
                    `{{ $value | humanizePercentage }} of ${m.title.toLowerCase()} (${m.metric} with ` +
                    `${m.outcomeLabel}="failed") failed in {{ $labels.job }} over ${policy.window} ` +
                    `(${t.severity} above ${formatPercent(t.value)} for ${t.for}, at least ${minBusinessFailures} failures).`,
            }),
        );
    });
}

/** The per-service rule groups (file azora-services.rules.yaml). */
export function serviceRuleGroups(
    rb: RuleBuilder,
    services: readonly ServiceSpec[],
    memoryLimitBytes: Readonly<Record<string, number>>,
): RuleGroup[] {
    const limitOf = (s: ServiceSpec): number => {
        const bytes = memoryLimitBytes[s.name];
        if (bytes === undefined) throw new Error(`memoryLimitBytes has no limit for service "${s.name}"`);
        return bytes;
    };
    return [
        { name: "azora-service-availability", rules: services.flatMap((s) => forJob(s.name, availabilityRules(rb, s))) },
        {
            name: "azora-service-http",
            rules: [
                ...services.flatMap((s) => forJob(s.name, httpRules(rb, s))),
                ...services.filter((s) => s.public).flatMap((s) => forJob(s.name, gatewayAuthRules(rb, s))),
            ],
        },
        { name: "azora-service-database", rules: services.flatMap((s) => forJob(s.name, databaseRules(rb, s))) },
        {
            name: "azora-service-memory",
            rules: [
                ...services.map((s) => rb.record(memoryLimitRecord, `vector(${num(limitOf(s))})`, { job: s.name })),
                ...services.flatMap((s) => forJob(s.name, memoryRules(rb, s))),
            ],
        },
        { name: "azora-service-business", rules: services.flatMap((s) => forJob(s.name, businessRules(rb, s))) },
    ].filter((g) => g.rules.length > 0);
}
