// What a service container is told: plain settings (ConfigMap) and the names of its secrets.
// Pure functions, so the rendering is unit-testable without the engine.
import type { ServiceSpec } from "../../model/catalog";
import { databaseSecretKeys, previousKey } from "../../model/secrets";
import { serviceUrl } from "../../model/urls";

export interface ServiceEnvInputs {
    spec: ServiceSpec;
    services: readonly ServiceSpec[];
    namespace: string;
    environment: string;
    logLevel: string;
    featureFlags: Record<string, boolean>;
    env: Record<string, string>;
    otlpEndpoint: string;
    corsAllowedOrigins: readonly string[];
    /** The container's memory limit: the V8 heap is sized below it, so Node collects before the kernel kills. */
    memoryLimitBytes: number;
    database?: { host: string; port: number; sslMode: string };
}

function envName(serviceName: string): string {
    return serviceName.toUpperCase().replace(/-/g, "_");
}

function flagName(flag: string): string {
    return `FEATURE_${flag
        .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
        .replace(/[^A-Za-z0-9]+/g, "_")
        .toUpperCase()}`;
}

/** V8's old-space share of the memory limit; the rest is code, stacks, buffers and native memory. */
const heapShareOfLimit = 0.75;

function maxOldSpaceMiB(memoryLimitBytes: number): number {
    return Math.floor((memoryLimitBytes * heapShareOfLimit) / 2 ** 20);
}

/** Non-secret configuration; anything returned here ends up in a ConfigMap. */
export function serviceConfigData(i: ServiceEnvInputs): Record<string, string> {
    const data: Record<string, string> = {
        NODE_ENV: "production",
        NODE_OPTIONS: `--enable-source-maps --max-old-space-size=${maxOldSpaceMiB(i.memoryLimitBytes)}`,
        PORT: String(i.spec.port),
        SERVICE_NAME: i.spec.name,
        AZORA_ENVIRONMENT: i.environment,
        LOG_LEVEL: i.logLevel,
        LOG_FORMAT: "json",
        METRICS_PATH: "/metrics",
        RATE_LIMIT_PER_MINUTE: String(i.spec.rateLimitPerMinute),
        OTEL_SERVICE_NAME: i.spec.name,
        OTEL_EXPORTER_OTLP_ENDPOINT: i.otlpEndpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL: "grpc",
        OTEL_PROPAGATORS: "tracecontext,baggage",
        OTEL_RESOURCE_ATTRIBUTES: `deployment.environment=${i.environment},service.namespace=${i.namespace}`,
    };
    const byName = new Map(i.services.map((s) => [s.name, s]));
    for (const callee of i.spec.calls) {
        const target = byName.get(callee);
        if (target) data[`${envName(callee)}_URL`] = serviceUrl(callee, i.namespace, target.port);
    }
    if (i.spec.public) data.CORS_ALLOWED_ORIGINS = i.corsAllowedOrigins.join(",");
    if (i.spec.database && i.database) {
        data.DATABASE_HOST = i.database.host;
        data.DATABASE_PORT = String(i.database.port);
        data.DATABASE_NAME = i.spec.database.name;
        data.DATABASE_USER = i.spec.name;
        data.DATABASE_SSLMODE = i.database.sslMode;
    }
    for (const [flag, on] of Object.entries(i.featureFlags).sort(([a], [b]) => a.localeCompare(b))) {
        data[flagName(flag)] = String(on);
    }
    for (const [key, value] of Object.entries(i.env)) {
        if (key in data) throw new Error(`workloads.services.${i.spec.name}.env.${key}: overrides a platform-managed variable`);
        data[key] = value;
    }
    return data;
}

/** Keys of the platform-generated Secret, in a stable order. */
export function generatedSecretKeys(spec: ServiceSpec): string[] {
    const keys = spec.generatedSecrets.flatMap((s) => (s.keepPrevious ? [s.key, previousKey(s.key)] : [s.key]));
    if (spec.database) keys.push(databaseSecretKeys.password, databaseSecretKeys.url);
    return keys;
}
