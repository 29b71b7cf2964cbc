// The service catalog: the only place an Azora service is described.
// Deployments, NetworkPolicy peers, scrape targets, alerts, SLO rules and dashboard rows are all
// derived from this data; nothing else in the program lists services again.
import { memoryBytes } from "./quantity";
import type { DatabaseSpec, GeneratedSecret, HealthEndpoints, ResourceSpec, ServiceSpec } from "./service-spec";

export type * from "./service-spec";

export const serviceNames = [
    "api-gateway",
    "auth-service",
    "azora-education",
    "azora-forge",
    "azora-sapiens",
    "ai-family-service",
    "azora-mint",
    "azora-assessment",
    "azora-pay",
    "health-monitor",
] as const;

export type ServiceName = (typeof serviceNames)[number];

const health: HealthEndpoints = { liveness: "/health/live", readiness: "/health/ready", startup: "/health/live" };

// Ephemeral storage: a service's root is read-only, so its own disk use is its log files (the
// kubelet keeps up to 5 × 10Mi per container by default) and the pod builder adds /tmp on top.
const small: ResourceSpec = {
    requests: { cpu: "100m", memory: "128Mi", ephemeralStorage: "64Mi" },
    limits: { cpu: "500m", memory: "256Mi", ephemeralStorage: "256Mi" },
};
const standard: ResourceSpec = {
    requests: { cpu: "200m", memory: "256Mi", ephemeralStorage: "64Mi" },
    limits: { cpu: "1", memory: "512Mi", ephemeralStorage: "256Mi" },
};
const heavy: ResourceSpec = {
    requests: { cpu: "500m", memory: "512Mi", ephemeralStorage: "64Mi" },
    limits: { cpu: "2", memory: "1Gi", ephemeralStorage: "256Mi" },
};

// Signing and encryption keys keep their previous value for one rotation (GeneratedSecret.keepPrevious),
// so a rotation invalidates nothing that was signed or encrypted just before it.
const jwtSecrets: GeneratedSecret[] = [{ key: "SERVICE_TOKEN_SECRET", length: 48, keepPrevious: true }];

function migrate(name: string): DatabaseSpec {
    return { name, migrateCommand: ["node", "dist/migrate.js", "up"] };
}

export const catalog: readonly ServiceSpec<ServiceName>[] = [
    {
        name: "api-gateway",
        description: "Public entry point: routing, authentication check, per-client rate limiting.",
        port: 4000,
        health,
        calls: [
            "auth-service",
            "azora-education",
            "azora-forge",
            "azora-sapiens",
            "ai-family-service",
            "azora-mint",
            "azora-assessment",
            "azora-pay",
        ],
        public: true,
        // Sign-in is where credential stuffing lands, and payments where card testing does: each gets
        // tighter per-client limits than the rest of the API, and its own ceiling so a flood on one route
        // cannot use up the others'.
        publicRoutes: [
            {
                name: "auth",
                pathPrefix: "/api/auth",
                description: "Sign-in, token refresh, MFA and password reset: the brute-force and credential-stuffing target.",
                limits: { clientRequestsPerSecond: 2, burstMultiplier: 5, routeRequestsPerSecond: 200 },
            },
            {
                name: "payments",
                pathPrefix: "/api/payments",
                description: "Payment intents and wallet transfers: card testing and replay abuse.",
                limits: { clientRequestsPerSecond: 2, burstMultiplier: 3, routeRequestsPerSecond: 100 },
            },
            {
                name: "default",
                pathPrefix: "/",
                description: "Every other API path: the learning, forge and assessment traffic.",
                limits: { clientRequestsPerSecond: 10, burstMultiplier: 5, routeRequestsPerSecond: 1000 },
            },
        ],
        generatedSecrets: [...jwtSecrets, { key: "SESSION_SECRET", length: 64, keepPrevious: true }],
        externalSecrets: [],
        externalEndpoints: [],
        resources: standard,
        slo: { availability: 0.999, latency: { thresholdSeconds: 0.3, target: 0.99 } },
        businessMetrics: [],
        rateLimitPerMinute: 600,
    },
    {
        name: "auth-service",
        description: "Users, sessions, OAuth 2.1 with PKCE, MFA, token issuance and rotation.",
        port: 4001,
        health,
        calls: [],
        public: false,
        generatedSecrets: [
            ...jwtSecrets,
            { key: "JWT_SIGNING_KEY", length: 64, keepPrevious: true },
            { key: "REFRESH_TOKEN_SECRET", length: 64, keepPrevious: true },
            { key: "MFA_ENCRYPTION_KEY", length: 32, keepPrevious: true },
        ],
        externalSecrets: ["SMTP_PASSWORD"],
        externalEndpoints: [{ host: "smtp.azora.example", port: 587, purpose: "verification and MFA e-mail" }],
        database: migrate("auth"),
        resources: standard,
        slo: { availability: 0.999, latency: { thresholdSeconds: 0.25, target: 0.99 } },
        businessMetrics: [
            {
                metric: "azora_auth_attempts_total",
                outcomeLabel: "outcome",
                title: "Sign-ins",
                // A third of sign-ins failing is credential stuffing or a broken login, not users mistyping.
                failureAlert: {
                    alert: "AzoraAuthFailureRateHigh",
                    window: "10m",
                    thresholds: [{ severity: "warning", value: 0.3, for: "10m" }],
                },
            },
        ],
        rateLimitPerMinute: 120,
    },
    {
        name: "azora-education",
        description: "Courses, enrollments and learning progress.",
        port: 4002,
        health,
        calls: ["auth-service", "azora-assessment", "azora-sapiens"],
        public: false,
        generatedSecrets: jwtSecrets,
        externalSecrets: [],
        externalEndpoints: [],
        database: migrate("education"),
        resources: standard,
        slo: { availability: 0.995, latency: { thresholdSeconds: 0.5, target: 0.95 } },
        businessMetrics: [
            {
                metric: "azora_enrollments_total",
                outcomeLabel: "outcome",
                title: "Enrollments",
                failureAlert: {
                    alert: "AzoraEnrollmentFailures",
                    window: "15m",
                    thresholds: [{ severity: "warning", value: 0.1, for: "15m" }],
                },
            },
        ],
        rateLimitPerMinute: 300,
    },
    {
        name: "azora-forge",
        description: "Project workspaces and builds for learners.",
        port: 4003,
        health,
        calls: ["auth-service", "azora-sapiens"],
        public: false,
        generatedSecrets: jwtSecrets,
        externalSecrets: [],
        externalEndpoints: [],
        database: migrate("forge"),
        resources: standard,
        slo: { availability: 0.995, latency: { thresholdSeconds: 1, target: 0.95 } },
        businessMetrics: [{ metric: "azora_forge_builds_total", outcomeLabel: "outcome", title: "Builds" }],
        rateLimitPerMinute: 300,
    },
    {
        name: "azora-sapiens",
        description: "Knowledge search and tutoring, backed by the AI family service.",
        port: 4004,
        health,
        calls: ["ai-family-service"],
        public: false,
        generatedSecrets: jwtSecrets,
        externalSecrets: [],
        externalEndpoints: [],
        resources: heavy,
        slo: { availability: 0.995, latency: { thresholdSeconds: 2, target: 0.95 } },
        businessMetrics: [{ metric: "azora_searches_total", outcomeLabel: "outcome", title: "Searches" }],
        rateLimitPerMinute: 120,
    },
    {
        name: "ai-family-service",
        description: "Model provider gateway for the AI tutors, with per-provider quotas.",
        port: 4005,
        health,
        calls: [],
        public: false,
        generatedSecrets: jwtSecrets,
        externalSecrets: ["AI_PROVIDER_API_KEY"],
        externalEndpoints: [{ host: "api.ai-provider.example", port: 443, purpose: "model inference" }],
        resources: heavy,
        slo: { availability: 0.99, latency: { thresholdSeconds: 5, target: 0.95 } },
        businessMetrics: [{ metric: "azora_ai_provider_requests_total", outcomeLabel: "outcome", title: "Provider calls" }],
        rateLimitPerMinute: 60,
    },
    {
        name: "azora-mint",
        description: "Learner rewards ledger and token minting.",
        port: 4006,
        health,
        calls: ["auth-service"],
        public: false,
        generatedSecrets: [...jwtSecrets, { key: "LEDGER_SIGNING_KEY", length: 64, keepPrevious: true }],
        externalSecrets: [],
        externalEndpoints: [],
        database: migrate("mint"),
        resources: standard,
        slo: { availability: 0.999, latency: { thresholdSeconds: 0.5, target: 0.99 } },
        businessMetrics: [{ metric: "azora_mint_transactions_total", outcomeLabel: "outcome", title: "Ledger writes" }],
        rateLimitPerMinute: 120,
    },
    {
        name: "azora-assessment",
        description: "Quizzes, grading and certificates.",
        port: 4007,
        health,
        calls: ["auth-service"],
        public: false,
        generatedSecrets: jwtSecrets,
        externalSecrets: [],
        externalEndpoints: [],
        database: migrate("assessment"),
        resources: standard,
        slo: { availability: 0.995, latency: { thresholdSeconds: 0.5, target: 0.95 } },
        businessMetrics: [{ metric: "azora_assessments_submitted_total", outcomeLabel: "outcome", title: "Assessments" }],
        rateLimitPerMinute: 300,
    },
    {
        name: "azora-pay",
        description: "Payments and subscriptions through the card processor.",
        port: 4008,
        health,
        calls: ["auth-service", "azora-mint"],
        public: false,
        generatedSecrets: [...jwtSecrets, { key: "WEBHOOK_SIGNING_SECRET", length: 64 }],
        externalSecrets: ["PAYMENT_PROVIDER_API_KEY"],
        externalEndpoints: [{ host: "api.payments.example", port: 443, purpose: "card processing" }],
        database: migrate("payments"),
        resources: standard,
        slo: { availability: 0.999, latency: { thresholdSeconds: 1, target: 0.99 } },
        businessMetrics: [
            {
                metric: "azora_payments_total",
                outcomeLabel: "outcome",
                title: "Payments",
                // Money: warn early, page when one payment in seven fails.
                failureAlert: {
                    alert: "AzoraPaymentFailures",
                    window: "10m",
                    thresholds: [
                        { severity: "warning", value: 0.05, for: "10m" },
                        { severity: "critical", value: 0.15, for: "5m" },
                    ],
                },
            },
        ],
        rateLimitPerMinute: 60,
    },
    {
        name: "health-monitor",
        description: "Aggregated platform health: probes every service and reports degradation.",
        port: 4009,
        health,
        calls: [
            "api-gateway",
            "auth-service",
            "azora-education",
            "azora-forge",
            "azora-sapiens",
            "ai-family-service",
            "azora-mint",
            "azora-assessment",
            "azora-pay",
        ],
        public: false,
        kubernetesApi: { resources: ["pods", "endpoints"], verbs: ["get", "list", "watch"] },
        generatedSecrets: jwtSecrets,
        externalSecrets: [],
        externalEndpoints: [],
        resources: small,
        slo: { availability: 0.99, latency: { thresholdSeconds: 1, target: 0.95 } },
        businessMetrics: [],
        rateLimitPerMinute: 60,
    },
];

/** Services that call `name`; the NetworkPolicy ingress peers of `name`. */
export function callersOf(services: readonly ServiceSpec[], name: string): ServiceSpec[] {
    return services.filter((s) => s.calls.includes(name));
}

/** The one service behind the public edge (validateCatalog checks there is exactly one). */
export function publicService(services: readonly ServiceSpec[]): ServiceSpec {
    const found = services.find((s) => s.public);
    if (!found) throw new Error("catalog: no public service to put behind the edge");
    return found;
}

export function findService(services: readonly ServiceSpec[], name: string): ServiceSpec {
    const found = services.find((s) => s.name === name);
    if (!found) {
        throw new Error(`unknown service "${name}"; known services: ${services.map((s) => s.name).join(", ")}`);
    }
    return found;
}

/** Container memory limit of each service in bytes. `resourcesOf` gives the deployed resources: the
 *  stack may override the catalog's, and the memory alerts must follow what is deployed. */
export function memoryLimitBytes(
    services: readonly ServiceSpec[],
    resourcesOf: (s: ServiceSpec) => ResourceSpec = (s) => s.resources,
): Record<string, number> {
    return Object.fromEntries(services.map((s) => [s.name, memoryBytes(resourcesOf(s).limits.memory)]));
}

/** Structural checks a hand-edited or synthetic catalog must pass before anything is built from it. */
const routeName = /^[a-z]([-a-z0-9]{0,18}[a-z0-9])?$/;

/** The public service routes everything (a catch-all `/` last) under distinct names and prefixes, with limits ≥ 1. */
function validatePublicRoutes(s: ServiceSpec): string[] {
    const routes = s.publicRoutes ?? [];
    if (!s.public) return routes.length > 0 ? [`catalog: ${s.name}.publicRoutes is set but ${s.name} is not public`] : [];
    const problems: string[] = [];
    if (routes.at(-1)?.pathPrefix !== "/") {
        problems.push(`catalog: ${s.name}.publicRoutes must end with the catch-all route (pathPrefix "/")`);
    }
    const seen = new Set<string>();
    for (const r of routes) {
        const at = `catalog: ${s.name}.publicRoutes.${r.name}`;
        if (!routeName.test(r.name)) problems.push(`${at}: name must be a DNS label of at most 20 characters`);
        if (seen.has(r.name) || seen.has(r.pathPrefix)) problems.push(`${at}: name or pathPrefix repeated`);
        seen.add(r.name).add(r.pathPrefix);
        if (!/^\/([a-z0-9-]+(\/[a-z0-9-]+)*)?$/.test(r.pathPrefix)) {
            problems.push(`${at}.pathPrefix: "${r.pathPrefix}" is not a path such as /api/auth`);
        }
        for (const [k, v] of Object.entries(r.limits)) {
            if (!Number.isInteger(v) || v < 1) problems.push(`${at}.limits.${k}: must be a whole number of at least 1`);
        }
    }
    return problems;
}

export function validateCatalog(services: readonly ServiceSpec[]): string[] {
    const problems: string[] = [];
    const names = new Set<string>();
    for (const s of services) {
        if (names.has(s.name)) problems.push(`catalog: service "${s.name}" is listed twice`);
        names.add(s.name);
        if (!/^[a-z][a-z0-9-]{1,40}[a-z0-9]$/.test(s.name)) {
            problems.push(`catalog: service name "${s.name}" is not a DNS-1035 label of at most 42 characters`);
        }
    }
    for (const s of services) {
        for (const callee of s.calls) {
            if (!names.has(callee)) problems.push(`catalog: ${s.name}.calls names unknown service "${callee}"`);
            if (callee === s.name) problems.push(`catalog: ${s.name}.calls names itself`);
        }
        const { availability, latency } = s.slo;
        if (!(availability > 0.9 && availability < 1)) {
            problems.push(`catalog: ${s.name}.slo.availability must be in (0.9, 1), got ${availability}`);
        }
        if (!(latency.target > 0.5 && latency.target < 1)) {
            problems.push(`catalog: ${s.name}.slo.latency.target must be in (0.5, 1), got ${latency.target}`);
        }
    }
    for (const s of services) {
        if (s.health.liveness === s.health.readiness) {
            problems.push(
                `catalog: ${s.name}.health.liveness and .readiness are both "${s.health.readiness}"; ` +
                    "liveness restarts the container, so it must be its own path that checks no dependency",
            );
        }
    }
    if (services.filter((s) => s.public).length !== 1) {
        problems.push("catalog: exactly one service must be public (the gateway)");
    }
    for (const s of services) problems.push(...validatePublicRoutes(s));
    return problems;
}
