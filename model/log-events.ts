// The services' structured-log contract, and the counters the log shipper derives from it. A
// service writes one JSON object per line; the platform reads the fields below. The log shipper
// (components/observability/log-signals.ts) counts error lines and security events per service as
// it ships them, and Prometheus scrapes those counters from the shipper, so the log-based alerts
// (alerts/services/log-events.ts) run in Prometheus, route through the same Alertmanager, and are
// tested by promtool like every other alert.
//
// Why counters in the shipper rather than Loki's ruler: Loki is AGPL-licensed and its module is not
// to be used on this project's build machines, so no real engine could evaluate LogQL rules in CI;
// counting in the shipper (Apache-2.0 Grafana Alloy, already deployed) keeps every log alert
// executable by the real promtool and costs Loki no query load.

/** The JSON fields of a log line the platform reads. */
export const logFields = {
    /** Severity as a lower-case string (debug, info, warn, error, fatal). */
    level: "level",
    /** What happened, for security events (one of `securityEvents`). */
    event: "event",
    /** The result of an attempt: `failedOutcome` when it failed. */
    outcome: "outcome",
    /** The client's address as the service resolved it (behind the edge: the trusted X-Forwarded-For hop). */
    client: "client_ip",
} as const;

/** `level` values that count as error lines. */
export const errorLevels = ["error", "fatal"] as const;

/** `event` values of the security events the alerts count. */
export const securityEvents = {
    /** A sign-in or token exchange; `outcome` says whether it succeeded. */
    authAttempt: "auth_attempt",
    /** An authenticated caller refused by authorisation (the 403 path). */
    accessDenied: "access_denied",
} as const;

/** The `outcome` of a failed attempt (the business counters' outcome label uses the same value). */
export const failedOutcome = "failed";

/** Label of the per-client counters: the `client` field's value. */
export const clientLabel = "client";

/** Prefix of every counter the shipper derives from logs. */
export const logSignalPrefix = "azora_log_";

/**
 * The counters, each labelled with the service (the Loki service label, `app`), the per-client ones
 * with `clientLabel` too. `idle`: how long a series without a new line survives on the shipper's
 * /metrics. Per-client series are short-lived so a spray of addresses cannot grow the series count
 * for long; the per-service ones live a day so a rare error's first increment is not lost to a
 * re-created series.
 */
export const logSignals = {
    errorLines: { name: "error_lines_total", perClient: false, idle: "24h", help: "Error and fatal log lines, per service." },
    authFailures: {
        name: "auth_failures_total",
        perClient: true,
        idle: "15m",
        help: "Failed authentication attempts logged, per service and client.",
    },
    accessDenied: {
        name: "access_denied_total",
        perClient: true,
        idle: "15m",
        help: "Authorisation refusals logged, per service and client.",
    },
} as const satisfies Record<string, { name: string; perClient: boolean; idle: string; help: string }>;

export type LogSignal = keyof typeof logSignals;

/** The full metric name of a log-derived counter, as Prometheus scrapes it. */
export function logSignalMetric(signal: LogSignal): string {
    return `${logSignalPrefix}${logSignals[signal].name}`;
}
