// Per service with a database: connection pool saturation, and exhaustion with requests waiting.
import type { AlertName, Duration } from "../../model/alerts";
import type { FailureThreshold, ServiceSpec } from "../../model/catalog";
import { dbPool } from "../../model/metrics";
import { num, selector } from "../../model/promql";
import { lines, type RuleBuilder } from "../core/builder";
import { formatPercent } from "../core/format";
import { promql, sh, table } from "../core/markdown";
import { runbooks } from "../core/runbook";
import { alertJob, fromAlert, jobVar } from "../core/runbook-snippets";
import type { Rule } from "../core/types";
import { serviceLogs } from "./common";

/** A pool this full (in use / max) is one burst away from queueing. */
const poolSaturation: FailureThreshold = { severity: "warning", value: 0.9, for: "10m" };
/** A full pool (every connection in use) while requests have waited throughout `pendingWindow`. */
const poolExhaustion: FailureThreshold = { severity: "critical", value: 1, for: "5m" };
const pendingWindow: Duration = "5m";

/** `in use / max` of a job's pools: the ratio the alerts compare, and the one runbooks query. */
export function poolUsage(job: string): string {
    return `${selector(dbPool.inUse, { job })} / ${selector(dbPool.max, { job })}`;
}

type Database = Extract<AlertName, "AzoraDatabasePoolExhausted">;

export function databaseRules(rb: RuleBuilder<Database>, s: ServiceSpec): Rule[] {
    if (!s.database) return [];
    const usage = poolUsage(s.name);
    const pending = selector(dbPool.pending, { job: s.name });
    const labels = { database: s.database.name };
    return [
        rb.alert({
            name: "AzoraDatabasePoolExhausted",
            expr: `${usage} > ${num(poolSaturation.value)}`,
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
            expr: lines(`${usage} >= ${num(poolExhaustion.value)}`, "and", `min_over_time(${pending}[${pendingWindow}]) > 0`),
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

export const databaseRunbooks = runbooks<Database>(__filename, {
    AzoraDatabasePoolExhausted: (services) => ({
        meaning:
            `A pod's database connection pool is at or near its maximum: ${poolSaturation.severity} above ` +
            `${formatPercent(poolSaturation.value)} in use for ${poolSaturation.for}; ${poolExhaustion.severity} when all ` +
            `connections are in use and requests wait for one («${dbPool.pending}» > 0) for ${poolExhaustion.for}. The ` +
            "«database» label names the database.",
        impact: "Requests queue for a connection and time out; latency and 5xx rise together.",
        facts: table(
            ["service", "database"],
            services.filter((s) => s.database).map((s) => [s.name, s.database?.name ?? ""]),
        ),
        check: [
            fromAlert,
            promql(poolUsage(jobVar), alertJob(dbPool.pending)),
            "Slow or blocked queries on the database (a long query holds its connection):",
            sh(
                "psql \"$DATABASE_URL\" -c \"select pid, now() - query_start as age, state, wait_event_type, left(query, 80) " +
                    "from pg_stat_activity where datname = '<database>' order by age desc limit 20;\"",
            ),
            serviceLogs('|~ "(?i)timeout|pool|acquire"'),
        ].join("\n\n"),
        act: [
            "- Long-running or blocked queries: cancel them («select pg_cancel_backend(<pid>);»), then find the caller.",
            "- Traffic grew: more replicas spread the load but multiply connections; check the server's " +
                "«max_connections» before raising the pool size or replicas.",
            "- Connection leak (in use climbs without traffic): restart the pods («kubectl -n $NS rollout restart " +
                "deploy/$JOB») and file a bug with the logs.",
        ].join("\n"),
    }),
});
