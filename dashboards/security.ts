// Security monitoring: failed sign-ins, 401/403/429 by service, rate-limit hits against each
// service's catalog tier, the routes drawing the most denials, the clients the log-derived counters
// single out (what AzoraAuthFailureBurst and AzoraAccessDeniedBurst fire on), and the auth-failure
// log lines.

import type { ServiceSpec } from "../model/catalog";
import { http, lokiServiceLabel, security } from "../model/metrics";
import { clientLabel, failedOutcome, logFields, logSignalMetric, securityEvents } from "../model/log-events";
import { assemble, logql, logsPanel, promql, statPanel, tablePanel, timeseriesPanel } from "./panels";
import { jobsOf, oneOf, RATE } from "./promql";
import { units, type dashboard } from "./sdk";

const denials = [
    { status: "401", meaning: "unauthenticated (missing, invalid or expired credentials)" },
    { status: "403", meaning: "authenticated but not allowed" },
    { status: "429", meaning: "rejected by rate limiting" },
] as const;

export function securityMonitoring(services: readonly ServiceSpec[]): dashboard.Dashboard {
    const jobs = jobsOf(services);
    const attempts = `sum(rate(${security.authAttempts}{${jobs}}[${RATE}]))`;
    const failed = `sum(rate(${security.authAttempts}{${jobs}, outcome="failed"}[${RATE}]))`;
    const streams = `{${lokiServiceLabel}=~${oneOf(services.map((s) => s.name))}}`;
    const authFailureLines = `${streams} | json | __error__="" | ${logFields.event}="${securityEvents.authAttempt}" | ${logFields.outcome}="${failedOutcome}"`;
    const apps = `${lokiServiceLabel}=~${oneOf(services.map((s) => s.name))}`;
    const byClient = (metric: string): string =>
        `topk(10, sum by (${lokiServiceLabel}, ${clientLabel}) (increase(${metric}{${apps}, ${clientLabel}!=""}[$__range])))`;
    const tiers = services.map((s) => `${s.name} ${s.rateLimitPerMinute}/min`).join(", ");

    const summary = [
        statPanel({
            title: "Failed sign-ins",
            description: "Failed authentication attempts per second.",
            queries: [promql(failed)],
            unit: units.OpsPerSecond,
        }),
        statPanel({
            title: "Sign-in failure ratio",
            description: "Share of authentication attempts that failed.",
            queries: [promql(`${failed} / ${attempts}`)],
            unit: units.PercentUnit,
            decimals: 1,
            threshold: 0.2,
        }),
        ...denials.map((d) =>
            statPanel({
                title: `${d.status} responses`,
                description: `Responses per second with status ${d.status}: ${d.meaning}.`,
                queries: [promql(`sum(rate(${http.requests}{${jobs}, status_code="${d.status}"}[${RATE}]))`)],
                unit: units.RequestsPerSecond,
            }),
        ),
        statPanel({
            title: "Rate-limit hits",
            description: "Requests per second rejected by the services' own rate limiters.",
            queries: [promql(`sum(rate(${security.rateLimitHits}{${jobs}}[${RATE}]))`)],
            unit: units.RequestsPerSecond,
        }),
    ];

    const authentication = [
        timeseriesPanel({
            title: "Sign-in attempts by outcome",
            description: "Authentication attempts per second by outcome.",
            queries: [promql(`sum by (outcome) (rate(${security.authAttempts}{${jobs}}[${RATE}]))`, "{{outcome}}")],
            unit: units.OpsPerSecond,
            width: 12,
        }),
        timeseriesPanel({
            title: "Sign-in failure ratio vs last week",
            description:
                "Failed / all sign-ins now and at the same time a week ago; a gap points at credential stuffing or a broken client.",
            queries: [
                promql(`${failed} / ${attempts}`, "now"),
                promql(
                    `sum(rate(${security.authAttempts}{${jobs}, outcome="failed"}[${RATE}] offset 1w)) / sum(rate(${security.authAttempts}{${jobs}}[${RATE}] offset 1w))`,
                    "a week ago",
                ),
            ],
            unit: units.PercentUnit,
            min: 0,
            width: 12,
        }),
    ];

    const httpDenials = denials.map((d) =>
        timeseriesPanel({
            title: `${d.status} by service`,
            description: `Responses per second with status ${d.status} (${d.meaning}), per service.`,
            queries: [promql(`sum by (job) (rate(${http.requests}{${jobs}, status_code="${d.status}"}[${RATE}]))`, "{{job}}")],
            unit: units.RequestsPerSecond,
        }),
    );

    const rateLimiting = [
        timeseriesPanel({
            title: "Rate-limit hits by service",
            description: `Requests rejected by each service's rate limiter. Catalog tiers (per client): ${tiers}.`,
            queries: [promql(`sum by (job) (rate(${security.rateLimitHits}{${jobs}}[${RATE}]))`, "{{job}}")],
            unit: units.RequestsPerSecond,
            width: 12,
        }),
        tablePanel({
            title: "Top offending routes (time range)",
            description: "The ten routes with the most 401/403/429 responses over the dashboard's time range.",
            queries: [
                promql(
                    `topk(10, sum by (job, route, status_code) (increase(${http.requests}{${jobs}, status_code=~"401|403|429"}[$__range])))`,
                    undefined,
                    { instant: true, table: true },
                ),
            ],
            hideColumns: ["Time"],
            width: 12,
        }),
    ];

    const clients = [
        tablePanel({
            title: "Clients with the most failed sign-ins (time range)",
            description:
                "Failed sign-ins per client address and service over the dashboard's time range, counted by the log shipper from the " +
                "services' JSON logs (what AzoraAuthFailureBurst fires on).",
            queries: [promql(byClient(logSignalMetric("authFailures")), undefined, { instant: true, table: true })],
            hideColumns: ["Time"],
            width: 12,
        }),
        tablePanel({
            title: "Clients most often denied (time range)",
            description:
                "Authorisation refusals per client address and service over the dashboard's time range, from the services' JSON logs " +
                "(what AzoraAccessDeniedBurst fires on).",
            queries: [promql(byClient(logSignalMetric("accessDenied")), undefined, { instant: true, table: true })],
            hideColumns: ["Time"],
            width: 12,
        }),
        timeseriesPanel({
            title: "Error log lines by service",
            description:
                "Error and fatal log lines per second per service, counted by the log shipper (what AzoraErrorLogSurge fires on).",
            queries: [
                promql(
                    `sum by (${lokiServiceLabel}) (rate(${logSignalMetric("errorLines")}{${apps}}[${RATE}]))`,
                    `{{${lokiServiceLabel}}}`,
                ),
            ],
            unit: units.Short,
            width: 24,
        }),
    ];

    const logs = [
        timeseriesPanel({
            title: "Auth-failure log lines by service",
            description: "Failed authentication events logged per service (Loki).",
            queries: [
                logql(
                    `sum by (${lokiServiceLabel}) (count_over_time(${authFailureLines} [$__interval]))`,
                    `{{${lokiServiceLabel}}}`,
                ),
            ],
            unit: units.Short,
            width: 24,
        }),
        logsPanel({
            title: "Auth failures (logs)",
            description: 'Log lines of failed authentication attempts (JSON logs with event="auth_attempt", outcome="failed").',
            queries: [logql(authFailureLines, undefined, 500)],
        }),
    ];

    return assemble({
        id: "security",
        description: "Authentication failures, denials, rate limiting and auth-failure logs across the platform.",
        refresh: "1m",
        from: "now-24h",
        sections: [
            { title: "Summary", panels: summary },
            { title: "Authentication", panels: authentication },
            { title: "HTTP denials (401 / 403 / 429)", panels: httpDenials },
            { title: "Rate limiting and offending routes", panels: rateLimiting },
            { title: "Clients and error lines (log-derived)", panels: clients },
            { title: "Logs", panels: logs },
        ],
    });
}
