// The shape of a service in the catalog: everything the platform derives a workload, its network
// policies, scrape job, alerts, SLO rules and dashboard rows from.
import type { AlertName, Duration, Severity } from "./alerts";

/**
 * A container's requests and limits. `ephemeralStorage` is the node disk the container itself writes
 * (its log files, which the kubelet counts against it, and a writable layer a read-only root keeps
 * empty); the pod builder adds the pod's emptyDir volumes to the limit, since the kubelet evicts a
 * pod whose containers and emptyDirs together exceed the sum of its containers' limits.
 */
export interface ResourceSpec {
    requests: { cpu: string; memory: string; ephemeralStorage: string };
    limits: { cpu: string; memory: string; ephemeralStorage: string };
}

export interface HealthEndpoints {
    /** Process is alive; failing restarts the container. Must not check dependencies. */
    liveness: string;
    /** Ready for traffic; may check dependencies. */
    readiness: string;
    /** Allows slow boots (migrations checked, caches warmed) without a long liveness delay. */
    startup: string;
}

/** A secret value the platform generates and owns (rotated by the stack's rotation epoch). */
export interface GeneratedSecret {
    key: string;
    length: number;
    /**
     * A signing or encryption key: the value it had before the last rotation stays in the Secret as
     * `<key>_PREVIOUS` for one rotation, so what was signed or encrypted before it still verifies or
     * decrypts (the service signs with the current value and accepts either); the next rotation drops it.
     * @default false — the old value is gone at the rotation (a password, a webhook secret).
     */
    keepPrevious?: boolean;
}

/** A third-party egress the service needs; NetworkPolicy cannot match host names, so the
 *  catalog names the host for humans and the policy opens the public internet on that port only. */
interface ExternalEndpoint {
    host: string;
    port: number;
    purpose: string;
}

/** A failure ratio above `value` for `for` raises the alert at `severity`. */
export interface FailureThreshold {
    severity: Severity;
    value: number;
    for: Duration;
}

/**
 * An outcome important enough for an alert of its own (each name has its own runbook); without one a
 * business metric raises AzoraBusinessOperationFailures at the platform default (alerts/services/business.ts).
 */
interface BusinessFailureAlert {
    alert: Extract<AlertName, "AzoraAuthFailureRateHigh" | "AzoraPaymentFailures" | "AzoraEnrollmentFailures">;
    /** Window the failure ratio is measured over. */
    window: Duration;
    thresholds: readonly FailureThreshold[];
}

export interface BusinessMetric {
    /** Prometheus counter name, as exported by the service. */
    metric: string;
    /** Label whose value "failed" marks a failed operation. */
    outcomeLabel: string;
    title: string;
    failureAlert?: BusinessFailureAlert;
}

interface ServiceSlo {
    /** Fraction of non-5xx requests over 30 days. */
    availability: number;
    /** Fraction of requests faster than thresholdSeconds. */
    latency: { thresholdSeconds: number; target: number };
}

export interface DatabaseSpec {
    /** Database name on the shared PostgreSQL cluster. */
    name: string;
    /** Command the service image runs to apply schema migrations. */
    migrateCommand: string[];
}

/**
 * Limits the edge enforces on one public route. They are defaults: a stack file's `edge.routes.<route>`
 * sets the environment's numbers. The edge's limits are counted per proxy replica (Envoy's local rate limit).
 */
export interface RouteLimits {
    /** Sustained requests per second one client (its source address, as the edge resolves it) may send. */
    clientRequestsPerSecond: number;
    /** A client may spend this many seconds' worth of `clientRequestsPerSecond` within one second. */
    burstMultiplier: number;
    /** Requests per second the route accepts from all clients together: the route's global ceiling. */
    routeRequestsPerSecond: number;
}

/** One path prefix of the public service, routed and limited on its own at the edge. */
export interface PublicRoute {
    /** DNS label; names the route's HTTPRoute and policy `<service>-<name>`. */
    name: string;
    /** Requests whose path starts with this prefix take this route (the longest matching prefix wins). */
    pathPrefix: string;
    /** Why the route has its own limits. */
    description: string;
    limits: RouteLimits;
}

export interface ServiceSpec<N extends string = string> {
    name: N;
    description: string;
    /** Container port serving HTTP and /metrics. */
    port: number;
    health: HealthEndpoints;
    /** Services this one calls over HTTP; NetworkPolicy egress and callee ingress are derived. */
    calls: N[];
    /** Reachable from the edge's proxies (only the gateway). */
    public: boolean;
    /**
     * The path prefixes the edge routes to this service, each with its own limits; only the public service
     * declares them, and the last one is the catch-all `/`. Each becomes an HTTPRoute and a rate-limit policy.
     * @default none — a service that is not public has no route from outside.
     */
    publicRoutes?: readonly PublicRoute[];
    /** Needs read access to the Kubernetes API in its own namespace. */
    kubernetesApi?: { resources: string[]; verbs: string[] };
    generatedSecrets: GeneratedSecret[];
    /** Credentials issued by third parties; supplied by config secrets or an existing Secret. */
    externalSecrets: string[];
    externalEndpoints: ExternalEndpoint[];
    database?: DatabaseSpec;
    resources: ResourceSpec;
    slo: ServiceSlo;
    businessMetrics: BusinessMetric[];
    /** Per-service rate-limit tier the service enforces itself, in requests per minute per client. */
    rateLimitPerMinute: number;
}
