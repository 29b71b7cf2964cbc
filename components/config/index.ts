// The only reader of Pulumi configuration. Stack YAML -> zod -> typed, validated PlatformConfig.
// Every problem is reported at once, with the field's path and the fix, before any resource exists.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { ServiceSpec } from "../../model/catalog";
import { platformSchema, PlatformSettings } from "./schema";

export * from "./schema";

/** Top-level config keys of the stack, under the project's namespace. */
const configKeys = Object.keys(platformSchema.shape) as (keyof PlatformSettings)[];

export class ConfigError extends Error {
    constructor(
        readonly stack: string,
        readonly problems: string[],
    ) {
        super(
            `stack "${stack}" has ${problems.length} configuration problem(s):\n` +
                problems.map((p) => `  - ${p}`).join("\n") +
                `\nFix them in Pulumi.${stack}.yaml (see docs/config-reference.md) and run again.`,
        );
        this.name = "ConfigError";
    }
}

function describeIssue(issue: z.core.$ZodIssue): string {
    const path = issue.path.map(String).join(".") || "(root)";
    if (issue.code === "unrecognized_keys") {
        return `${path}: unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(", ")} — remove or fix the spelling`;
    }
    if ((issue.code === "invalid_type" || issue.code === "invalid_value") && issue.input === undefined) {
        return `${path}: required — set it in the stack file (${issue.message.replace(/^Invalid \w+: /, "")})`;
    }
    return `${path}: ${issue.message}`;
}

/** The keys of a raw config object at `path` (empty when it is absent or not an object). */
function rawKeys(raw: Record<string, unknown>, path: string[]): string[] {
    let v: unknown = raw;
    for (const key of path) v = v !== null && typeof v === "object" ? (v as Record<string, unknown>)[key] : undefined;
    return v !== null && typeof v === "object" && !Array.isArray(v) ? Object.keys(v) : [];
}

/**
 * Map keys that must name something the catalog declares. They are read from the raw input, so an unknown
 * name is reported together with the schema's problems, not only once those are fixed.
 */
function unknownNames(raw: Record<string, unknown>, services: readonly ServiceSpec[]): string[] {
    const known = services.map((s) => s.name);
    const routes = (services.find((s) => s.public)?.publicRoutes ?? []).map((r) => r.name);
    const check = (path: string[], names: string[], what: string) =>
        rawKeys(raw, path)
            .filter((k) => !names.includes(k))
            .map((k) => `${[...path, k].join(".")}: ${what}; ${what.startsWith("unknown") ? "known" : "declared"}: ${names.join(", ") || "none"}`);
    return [
        ...check(["workloads", "services"], known, "unknown service"),
        ...check(["images", "digests"], known, "unknown service"),
        ...check(["edge", "routes"], routes, "the catalog declares no such public route"),
    ];
}

/** Checks that need the catalog: names of services and their declared secrets. */
function crossCheck(settings: PlatformSettings, services: readonly ServiceSpec[]): string[] {
    const problems: string[] = [];
    const byName = new Map(services.map((s) => [s.name, s]));
    const known = [...byName.keys()].join(", ");
    if (settings.images.requireDigest) {
        for (const s of services) {
            if (!settings.images.digests[s.name] && !settings.images.build?.enabled) {
                problems.push(
                    `images.digests.${s.name}: required because images.requireDigest is true — ` +
                        `set the digest the image pipeline printed (sha256:…)`,
                );
            }
        }
    }
    for (const [name, values] of Object.entries(settings.secrets.externalValues)) {
        const svc = byName.get(name);
        if (!svc) {
            problems.push(`secrets.externalValues.${name}: unknown service; known: ${known}`);
            continue;
        }
        for (const key of Object.keys(values)) {
            if (!svc.externalSecrets.includes(key)) {
                problems.push(
                    `secrets.externalValues.${name}.${key}: ${name} declares no such external secret ` +
                        `(declared: ${svc.externalSecrets.join(", ") || "none"})`,
                );
            }
        }
    }
    for (const [name, o] of Object.entries(settings.workloads.services)) {
        const r = o.replicas ?? settings.workloads.replicas;
        if (r.max < r.min) problems.push(`workloads.services.${name}.replicas.max: must be at least min`);
    }
    const receiver = settings.observability.alertmanager.receiver;
    if (receiver.type === "slack" && !receiver.existingSecret && !settings.secrets.slackWebhookUrl) {
        problems.push(
            "observability.alertmanager.receiver: slack needs a webhook — `pulumi config set --secret --path " +
                "secrets.slackWebhookUrl <url>` or name an existingSecret with key `url`",
        );
    }
    problems.push(...escalationProblems(settings));
    problems.push(...remoteWriteProblems(settings));
    return problems;
}

/** remote_write's auth needs its credential (and basic auth its user name). */
function remoteWriteProblems(settings: PlatformSettings): string[] {
    const rw = settings.observability.prometheus.remoteWrite;
    if (!rw) return [];
    const secret = (field: keyof PlatformSettings["secrets"]["remoteWrite"]) =>
        `observability.prometheus.remoteWrite.auth: ${rw.auth} needs secrets.remoteWrite.${field} — ` +
        `\`pulumi config set --secret --path secrets.remoteWrite.${field} <value>\``;
    const problems: string[] = [];
    if (rw.auth === "basic" && !rw.username) {
        problems.push("observability.prometheus.remoteWrite.username: required by auth: basic");
    }
    if (rw.auth === "basic" && !settings.secrets.remoteWrite.password) problems.push(secret("password"));
    if (rw.auth === "bearer" && !settings.secrets.remoteWrite.bearerToken) problems.push(secret("bearerToken"));
    return problems;
}

/** Each escalation tool without an existingSecret needs its credential among the stack's secrets.alerting. */
function escalationProblems(settings: PlatformSettings): string[] {
    const { escalation } = settings.observability.alertmanager;
    if (escalation.existingSecret) return [];
    const secrets = settings.secrets.alerting;
    const missing = (tool: string, field: keyof typeof secrets) =>
        `observability.alertmanager.escalation.${tool}: needs secrets.alerting.${field} — \`pulumi config set --secret --path ` +
        `secrets.alerting.${field} <value>\` or name an escalation.existingSecret holding it`;
    const problems: string[] = [];
    if (escalation.pagerduty && !secrets.pagerdutyRoutingKey) problems.push(missing("pagerduty", "pagerdutyRoutingKey"));
    if (escalation.opsgenie && !secrets.opsgenieApiKey) problems.push(missing("opsgenie", "opsgenieApiKey"));
    if (escalation.webhook?.bearerToken && !secrets.webhookBearerToken) {
        problems.push(missing("webhook.bearerToken", "webhookBearerToken"));
    }
    return problems;
}

/** Pure parse of raw config values (already JSON-decoded); throws ConfigError listing every problem. */
export function parsePlatformConfig(
    stack: string,
    raw: Record<string, unknown>,
    services: readonly ServiceSpec[],
): PlatformSettings {
    const result = platformSchema.safeParse(raw, { reportInput: true });
    const names = unknownNames(raw, services);
    if (!result.success) {
        throw new ConfigError(stack, [...result.error.issues.map(describeIssue), ...names]);
    }
    const problems = [...names, ...crossCheck(result.data, services)];
    if (problems.length > 0) throw new ConfigError(stack, problems);
    return result.data;
}

export interface PlatformConfig {
    project: string;
    stack: string;
    /** Everything under `secrets` is sensitive: components wrap those values with pulumi.secret. */
    settings: PlatformSettings;
}

function decode(key: string, value: string, problems: string[]): unknown {
    try {
        return JSON.parse(value);
    } catch {
        // Plain scalars (environment: dev) are stored unquoted.
        if (/^[{[]/.test(value.trim())) problems.push(`${key}: not valid YAML/JSON structure`);
        return value;
    }
}

/** Reads this stack's configuration once. Called from index.ts only. */
export function loadPlatformConfig(services: readonly ServiceSpec[]): PlatformConfig {
    const project = pulumi.getProject();
    const stack = pulumi.getStack();
    const prefix = `${project}:`;
    const raw: Record<string, unknown> = {};
    const problems: string[] = [];
    for (const [fullKey, value] of Object.entries(pulumi.runtime.allConfig())) {
        if (!fullKey.startsWith(prefix)) continue;
        const key = fullKey.slice(prefix.length);
        if (!(configKeys as string[]).includes(key)) {
            problems.push(`${key}: unknown top-level key; expected one of ${configKeys.join(", ")}`);
            continue;
        }
        raw[key] = decode(key, value, problems);
    }
    // Unknown or undecodable keys are reported together with whatever the schema finds in the rest.
    let settings: PlatformSettings;
    try {
        settings = parsePlatformConfig(stack, raw, services);
    } catch (e) {
        if (e instanceof ConfigError) throw new ConfigError(stack, [...problems, ...e.problems]);
        throw e;
    }
    if (problems.length > 0) throw new ConfigError(stack, problems);
    return { project, stack, settings };
}
