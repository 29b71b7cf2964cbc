// The telemetry contract between the services and the platform: the metric names, labels and
// histogram buckets the services export, and the recording rules the alerts derive from them.
// Alert rules, runbooks and dashboards read these names; a rename here shows up in all of them.

/** HTTP server metrics (per service, scraped with job="<service name>", namespace, pod). */
export const http = {
    requests: "http_requests_total", // {job, method, route, status_code}
    durationBucket: "http_request_duration_seconds_bucket", // {job, route, le}
    /** Outbound calls, client side: target is the callee's catalog name or an external host. */
    clientRequests: "http_client_requests_total", // {job, target, status_code}
} as const;

/**
 * The bucket boundaries of every service's `http_request_duration_seconds` histogram. The
 * services' metrics middleware must use exactly this list: the latency SLO counts "fast" requests
 * with the bucket whose `le` equals the SLO threshold, so a threshold that is not a boundary here
 * cannot be measured.
 */
export const httpDurationBucketsSeconds = [0.01, 0.025, 0.05, 0.1, 0.25, 0.3, 0.5, 1, 2, 5, 10, 30] as const;

/** Client-side failures: 5xx answers, and transport failures recorded with status_code="error". */
export const clientErrorStatus = `status_code=~"5..|error"`;

/** prom-client's Node.js defaults. */
export const node = {
    cpuSeconds: "process_cpu_seconds_total",
    residentMemory: "process_resident_memory_bytes",
    heapUsed: "nodejs_heap_size_used_bytes",
    eventLoopLag: "nodejs_eventloop_lag_seconds",
} as const;

/** Database connection pool gauges (services with a catalog `database`). */
export const dbPool = {
    inUse: "db_pool_connections_in_use",
    max: "db_pool_connections_max",
    pending: "db_pool_pending_acquires",
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

/** Each service's container memory limit in bytes, recorded per job (the memory alerts divide by it). */
export const memoryLimitRecord = "azora:container_memory_limit_bytes";

/** Loki stream label carrying the service (catalog) name; set by the log shipper from the pod's
 *  app.kubernetes.io/name label. Logs are JSON; auth events carry event="auth_attempt" and outcome. */
export const lokiServiceLabel = "app";

/**
 * The services' audit events (sign-ins, permission and configuration changes, data exports — the
 * seeds' audit trail) are JSON lines with `"audit": true`. The log shipper files them under the
 * stream label `stream="audit"` (every other line `stream="app"`), and Loki keeps that stream for
 * `observability.loki.auditRetention`, longer than ordinary logs.
 */
export const auditStream = {
    /** The JSON field a service sets to true on an audit event. */
    field: "audit",
    /** The Loki stream label the log shipper sets, and its two values. */
    label: "stream",
    audit: "audit",
    ordinary: "app",
} as const;

/** The LogQL selector of the audit stream. */
export const auditStreamSelector = `{${auditStream.label}="${auditStream.audit}"}`;
