// The telemetry the dashboards read, in one place. Services, the SLO rule generator, the OTel
// Collector and the log shipper must produce these names and labels; a rename here shows up in
// every panel (and the promtool test re-parses them all).
import { sloObjectiveRecord, sloPeriodRecordNames, sloRecordNames } from "../alerts/slo";

/** HTTP server metrics (per service, scraped with job="<service name>", namespace, pod). */
export const http = {
    requests: "http_requests_total", // {job, method, route, status_code}
    durationBucket: "http_request_duration_seconds_bucket", // {job, route, le}
    /** Outbound calls, client side: target is the callee's catalog name or an external host. */
    clientRequests: "http_client_requests_total", // {job, target, status_code}
} as const;

/** Client-side failures: 5xx answers, and transport failures recorded with status_code="error". */
export const clientErrorStatus = `status_code=~"5..|error"`;

/** prom-client's Node.js defaults. */
export const node = {
    cpuSeconds: "process_cpu_seconds_total",
    residentMemory: "process_resident_memory_bytes",
    eventLoopLag: "nodejs_eventloop_lag_seconds",
} as const;

/** Database connection pool gauges (services with a catalog `database`). */
export const dbPool = {
    inUse: "db_pool_connections_in_use",
    max: "db_pool_connections_max",
    pending: "db_pool_pending_acquires",
} as const;

/** SLO recording rules (generated from the catalog by alerts/slo.ts), one series per job. */
/** SLO recording rules, named where alerts/ generates them. */
export const sloRules = {
    errorRatio5m: sloRecordNames.availability("5m"),
    errorRatio30d: sloPeriodRecordNames.availability,
    /** The catalog's target per job and SLO kind (label slo). */
    objective: sloObjectiveRecord,
} as const;

/** Security counters. */
export const security = {
    authAttempts: "azora_auth_attempts_total", // {job, outcome}; outcome="failed" on a failed sign-in
    rateLimitHits: "azora_rate_limit_hits_total", // {job, route}
} as const;

/** Span metrics of the OTel Collector's spanmetrics connector (trace-derived RED). */
export const spanMetrics = {
    calls: "traces_span_metrics_calls_total", // {service_name, span_name, span_kind, status_code}
    errorStatus: `status_code="STATUS_CODE_ERROR"`,
} as const;

/** Loki stream label carrying the service (catalog) name; set by the log shipper from the pod's
 *  app.kubernetes.io/name label. Logs are JSON; auth events carry event="auth_attempt" and outcome. */
export const lokiServiceLabel = "app";
