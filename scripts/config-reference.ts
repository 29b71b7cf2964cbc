// Generates docs/config-reference.md from the zod schema of the stack configuration
// (platformSchema in components/config/schema.ts), so the reference can never drift from what
// components/config/index.ts accepts.
//
//   npx vite-node scripts/config-reference.ts            write docs/config-reference.md
//   npx vite-node scripts/config-reference.ts --check    exit 1 if the file is stale
//
// Where each column comes from:
//   type, default, required, limits  z.toJSONSchema(platformSchema, { io: "input" })
//   format                           the schema's own error message for a malformed value
//   rules                            .refine(…) messages, attached to the key they name
//   description                      the /** … */ comment on the key in config-schema.ts, else
//                                    the small map below (a doc comment always wins)
// test/docs/config-reference.test.ts regenerates the text in memory and fails when the file differs.
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { z } from "zod";
import { platformSchema } from "../components/config/schema";

type JsonSchema = z.core.JSONSchema.JSONSchema;

export const schemaFile = path.join(__dirname, "..", "components", "config", "schema.ts");
export const referenceFile = path.join(__dirname, "..", "docs", "config-reference.md");
export const regenerateCommand = "npx vite-node scripts/config-reference.ts";

/** Name of the free-form key of a map (z.record) at `parent`. */
export function recordKeyName(parent: string): string {
    if (parent === "images.digests" || parent === "workloads.services" || parent === "secrets.externalValues") {
        return "<service>";
    }
    if (parent === "secrets.externalValues.<service>") return "<KEY>";
    if (parent.endsWith("featureFlags")) return "<flag>";
    if (parent.endsWith(".env")) return "<NAME>";
    return "<key>";
}

/**
 * Descriptions of keys that have no doc comment in config-schema.ts. A key given a doc comment
 * there uses it instead. `*.suffix` entries apply to every key path ending in `.suffix`.
 * An entry that matches no key is an error, so the map cannot go stale silently.
 */
export const fallbackDescriptions: Readonly<Record<string, string>> = {
    environment:
        "Environment name: the `azora.io/environment` label of every object, the services' `AZORA_ENVIRONMENT` and their OpenTelemetry `deployment.environment`.",
    kubernetes: "Which cluster the stack targets (or that it only renders manifests).",
    "kubernetes.kubeconfig":
        "Kubeconfig for the Kubernetes provider (a path or the file's contents). Unset: the ambient `KUBECONFIG` or `~/.kube/config`.",
    "kubernetes.context": "Kubeconfig context of the target cluster (`azora-dev`, `azora-staging`, `azora-prod`).",
    namespaces: "The two namespaces the platform creates, each Pod Security `restricted`, default-deny and quota-bounded.",
    "namespaces.services": "Namespace of the ten services, the edge and the database jobs.",
    "namespaces.observability": "Namespace of Prometheus, Alertmanager, Grafana, Loki, the log shipper, Jaeger and the OTel Collector.",
    "namespaces.quota": "ResourceQuota `azora-quota` of each namespace (also caps LoadBalancer and NodePort Services at 0).",
    images: "Where the service images come from and how they are pinned.",
    "images.registry": "Registry path of every service image: `<registry>/<service>:<tag>[@<digest>]`.",
    "images.tag": "Release tag of every service image; one service's tag can be overridden in `workloads.services.<service>.tag`.",
    "images.digests":
        "Image digest per service, written by the image pipeline (`pulumi config set --path images.digests.<service> sha256:…`).",
    "images.digests.<service>": "Appended as `@sha256:…`; a digest wins over the tag at pull time.",
    "images.pullPolicy": "`imagePullPolicy` of every service container and migration Job.",
    "images.build.enabled": "Build the images in `pulumi up` instead of pulling released ones.",
    "images.build.sourceRoot":
        "Directory holding one source directory per service (`<sourceRoot>/<service>`), built with components/services/service.Dockerfile.",
    "images.build.push": "Push the built images and deploy them by the pushed digest; `false` builds locally and deploys by tag.",
    workloads: "How every service runs: autoscaling bounds, rollout timing, logging, feature flags and per-service overrides.",
    "workloads.replicas":
        "HorizontalPodAutoscaler bounds of every service. The Deployment sets no replica count: the HPA owns it.",
    "workloads.targetCpuUtilization": "HPA target: average CPU use as a percentage of the containers' requests.",
    "workloads.targetMemoryUtilization": "HPA target: average memory use as a percentage of the containers' requests.",
    "workloads.scaleDownStabilizationSeconds":
        "HPA scale-down stabilization window; scale-down then removes at most 50 % of the pods per minute.",
    "workloads.topologySpread": "Spread of each service's pods over zones and nodes (max skew 1).",
    "workloads.topologySpread.whenUnsatisfiable":
        "`DoNotSchedule` leaves a pod Pending rather than break the spread; `ScheduleAnyway` prefers spread but schedules anyway.",
    "workloads.terminationGracePeriodSeconds": "Seconds a pod gets between SIGTERM and SIGKILL.",
    "workloads.preStopSleepSeconds":
        "preStop sleep before SIGTERM, so endpoints stop sending traffic before the process starts shutting down.",
    "workloads.logLevel": "`LOG_LEVEL` of every service.",
    "workloads.featureFlags": "Feature flags of every service, exported as `FEATURE_<FLAG_NAME>=true|false` (camelCase → UPPER_SNAKE).",
    "workloads.services": "Per-service overrides, keyed by the service's catalog name.",
    "workloads.services.<service>.replicas": "HPA bounds of this service (replaces `workloads.replicas`).",
    "workloads.services.<service>.resources": "Requests and limits of this service (replaces the catalog's sizing).",
    "workloads.services.<service>.featureFlags": "Flags merged over `workloads.featureFlags` for this service.",
    "workloads.services.<service>.env":
        "Extra environment variables of this service; a name the platform already sets (PORT, DATABASE_*, …) is rejected.",
    secrets: "Platform-generated secrets and third-party credentials.",
    "secrets.externalValues.<service>.<KEY>":
        "Value of a third-party credential the catalog declares in the service's `externalSecrets`; the platform then owns the Secret `<service>-external`.",
    database: "The shared PostgreSQL cluster the services with a catalog `database` use, their migration Jobs and backups.",
    "database.host": "PostgreSQL host name (`DATABASE_HOST`, `PGHOST`).",
    "database.port": "PostgreSQL port; also the only port the database egress NetworkPolicies open.",
    "database.sslMode": "`sslmode` of `DATABASE_URL`, `DATABASE_SSLMODE` and the backup's `PGSSLMODE`.",
    "database.backupImage": "Image of the backup CronJob's `pg_dump` container.",
    "database.migrationTimeoutSeconds": "`activeDeadlineSeconds` of each migration Job.",
    "database.backup": "Nightly `pg_dump` of each service database: CronJob `<service>-db-backup` writing to PVC `<service>-db-backups`.",
    "database.backup.enabled": "Create the backup CronJob and PVC for every service with a database.",
    "database.backup.schedule": "Cron schedule of the backup CronJob (cluster time zone, normally UTC).",
    "database.backup.retentionDays": "Dump files older than this are deleted by each backup run.",
    "database.backup.storageSize": "Size of the PVC `<service>-db-backups`.",
    "database.backup.storageClassName": "StorageClass of the backup PVC; unset: the cluster default.",
    edge: "The public edge: the gateway Ingress, its TLS certificate, CORS, rate limits and response headers.",
    "edge.domain": "The gateway is served at `api.<domain>`.",
    "edge.ingressClassName": "`ingressClassName` of the gateway Ingress and of the ACME HTTP-01 solver.",
    "edge.tls": "Issuer of the gateway's certificate: ClusterIssuer `azora-<issuer>`, Certificate/Secret `api-gateway-tls`.",
    "edge.tls.issuer": "`selfsigned` (dev, local) or `acme` (Let's Encrypt or another ACME server).",
    "edge.tls.server": "ACME directory URL; the staging stack uses Let's Encrypt's staging directory.",
    "edge.cors": "CORS answered by the ingress controller for the gateway.",
    "edge.cors.allowedOrigins": "Origins allowed to call the API; also the gateway's `CORS_ALLOWED_ORIGINS`.",
    "edge.cors.allowCredentials": "`Access-Control-Allow-Credentials`.",
    "edge.cors.maxAgeSeconds": "How long browsers may cache a preflight answer.",
    "edge.rateLimit": "Per-client-IP limits at the ingress controller (ingress-nginx `limit-*` annotations).",
    "edge.rateLimit.rps": "Requests per second per client IP.",
    "edge.rateLimit.burstMultiplier": "Burst allowed above `rps`, as a multiple of it.",
    "edge.rateLimit.connections": "Concurrent connections per client IP.",
    "edge.bodySizeLimit": "Largest request body the ingress accepts (`proxy-body-size`).",
    "edge.hstsMaxAgeSeconds": "`max-age` of the `Strict-Transport-Security` header (with `includeSubDomains`).",
    "edge.contentSecurityPolicy": "`Content-Security-Policy` header of every gateway response.",
    observability: "The observability stack in `namespaces.observability`.",
    "observability.prometheus.replicas": "Prometheus replicas (each scrapes and evaluates every rule).",
    "observability.prometheus.retentionTime": "How long Prometheus keeps samples.",
    "observability.prometheus.retentionSize": "Disk size at which Prometheus drops its oldest blocks.",
    "observability.prometheus.scrapeInterval": "Scrape interval of every target.",
    "observability.alertmanager.replicas": "Alertmanager replicas, clustered (they de-duplicate notifications).",
    "observability.alertmanager.receiver.type": "`none` drops every notification; `slack` posts to `channel`.",
    "observability.alertmanager.receiver.channel": "Slack channel of every notification.",
    "observability.alertmanager.receiver.criticalChannel": "Slack channel for critical alerts; unset: `channel`.",
    "observability.alertmanager.deadMansSwitchUrl":
        "URL the always-firing `Watchdog` alert is sent to, so an external heartbeat notices when alerting stops.",
    "observability.grafana.replicas": "Grafana replicas.",
    "observability.loki.retention": "How long Loki keeps logs.",
    "observability.jaeger.maxTraces": "Most traces Jaeger keeps.",
    "observability.otelCollector.replicas": "OpenTelemetry Collector replicas.",
    "observability.otelCollector.samplingPercentage": "Percentage of traces kept by the Collector's sampler.",
    "observability.prometheus": "Prometheus: scrapes the services and the stack, evaluates the generated alert and SLO rules.",
    "observability.alertmanager": "Alertmanager: groups, inhibits and routes the alerts.",
    "observability.grafana": "Grafana with the Prometheus, Loki and Jaeger datasources and the generated dashboards.",
    "observability.loki": "Loki: stores the container logs the log-shipper DaemonSet sends.",
    "observability.jaeger": "Jaeger: stores and searches traces.",
    "observability.otelCollector":
        "OpenTelemetry Collector: receives the services' spans over OTLP (`OTEL_EXPORTER_OTLP_ENDPOINT`) and samples them.",
    access: "Who may operate the namespaces: groups bound to the Roles `azora-deployer` and `azora-viewer` in both namespaces.",
    "namespaces.quota.requestsCpu": "Sum of CPU requests allowed in the namespace (`requests.cpu`).",
    "namespaces.quota.requestsMemory": "Sum of memory requests allowed in the namespace (`requests.memory`).",
    "namespaces.quota.limitsCpu": "Sum of CPU limits allowed in the namespace (`limits.cpu`).",
    "namespaces.quota.limitsMemory": "Sum of memory limits allowed in the namespace (`limits.memory`).",
    "namespaces.quota.pods": "Most pods in the namespace; leave room for a rollout's surge and the database jobs.",
    "workloads.services.<service>":
        "Overrides for one service; what is left out keeps the stack-wide setting (resources: the catalog's sizing).",
    "*.replicas.min": "Fewest pods (HPA `minReplicas`).",
    "*.replicas.max": "Most pods (HPA `maxReplicas`).",
    "*.resources.requests": "Reserved per container; the HPA's utilization targets are relative to these.",
    "*.resources.limits": "Hard cap per container: CPU is throttled above it, memory above it is OOM-killed.",
    "*.persistence": "Storage of this component's data.",
    "*.persistence.enabled": "Keep the data on a PersistentVolumeClaim; `false` keeps it in the pod only (lost on restart).",
    "*.persistence.size": "Size of the PersistentVolumeClaim.",
    "*.persistence.storageClassName": "StorageClass of the PersistentVolumeClaim; unset: the cluster default.",
    "*.resources": "Container requests and limits.",
};

// ----------------------------------------------------------------------------- doc comments

export interface SchemaDocs {
    /** Key path → text of its doc comment. */
    descriptions: Map<string, string>;
    /** Key path → messages of the .refine(…) rules that report on that key. */
    rules: Map<string, string[]>;
}

function join(parent: string, key: string): string {
    return parent ? `${parent}.${key}` : key;
}

function propertyName(name: ts.PropertyName): string | undefined {
    if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
    return undefined;
}

/** The text of the node's doc comments. Read raw, not through the JSDoc parser, which would cut a
 *  sentence at the first "@" (as in `@pulumi/docker`). */
function docComment(node: ts.Node): string | undefined {
    const texts = ts
        .getJSDocCommentsAndTags(node)
        .filter(ts.isJSDoc)
        .map((d) =>
            d
                .getText()
                .replace(/^\/\*\*/, "")
                .replace(/\*\/$/, "")
                .split("\n")
                .map((line) => line.replace(/^\s*\*(?!\/)/, ""))
                .join(" "),
        )
        .map((t) => t.replace(/\s+/g, " ").trim())
        .filter((t) => t !== "");
    return texts.length > 0 ? texts.join(" ") : undefined;
}

function stringLiteral(node: ts.Node | undefined): string | undefined {
    return node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) ? node.text : undefined;
}

/** The message and target path of `.refine(check, "message")` or `.refine(check, { message, path })`. */
function refinement(call: ts.CallExpression): { message: string; path: string[] } | undefined {
    const arg = call.arguments[1];
    const plain = stringLiteral(arg);
    if (plain !== undefined) return { message: plain, path: [] };
    if (!arg || !ts.isObjectLiteralExpression(arg)) return undefined;
    let message: string | undefined;
    let target: string[] = [];
    for (const p of arg.properties) {
        if (!ts.isPropertyAssignment(p)) continue;
        const key = propertyName(p.name);
        if (key === "message") message = stringLiteral(p.initializer);
        if (key === "path" && ts.isArrayLiteralExpression(p.initializer)) {
            target = p.initializer.elements.map((e) => stringLiteral(e) ?? "").filter((s) => s !== "");
        }
    }
    return message === undefined ? undefined : { message, path: target };
}

/**
 * Walks the zod expressions of a schema module from `rootName`, following references to other
 * top-level constants, and collects the doc comment of each object key and the refine rules.
 */
export function extractSchemaDocs(sourceText: string, rootName = "platformSchema"): SchemaDocs {
    const source = ts.createSourceFile("config-schema.ts", sourceText, ts.ScriptTarget.ES2022, true);
    const constants = new Map<string, ts.Expression>();
    for (const statement of source.statements) {
        if (!ts.isVariableStatement(statement)) continue;
        for (const d of statement.declarationList.declarations) {
            if (ts.isIdentifier(d.name) && d.initializer) constants.set(d.name.text, d.initializer);
        }
    }
    const root = constants.get(rootName);
    if (!root) throw new Error(`config-reference: no top-level constant "${rootName}" in the schema module`);
    const docs: SchemaDocs = { descriptions: new Map(), rules: new Map() };
    const following = new Set<string>();

    const walk = (node: ts.Expression, at: string): void => {
        if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node)) {
            walk(node.expression, at);
            return;
        }
        if (ts.isIdentifier(node)) {
            const target = constants.get(node.text);
            if (target && !following.has(node.text)) {
                following.add(node.text);
                walk(target, at);
                following.delete(node.text);
            }
            return;
        }
        if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) return;
        const method = node.expression.name.text;
        const receiver = node.expression.expression;
        if (ts.isIdentifier(receiver) && receiver.text === "z") {
            const [first, second] = node.arguments;
            if ((method === "object" || method === "strictObject" || method === "looseObject") && first) {
                if (!ts.isObjectLiteralExpression(first)) return;
                for (const p of first.properties) {
                    if (!ts.isPropertyAssignment(p)) continue;
                    const key = propertyName(p.name);
                    if (key === undefined) continue;
                    const child = join(at, key);
                    const doc = docComment(p);
                    if (doc) docs.descriptions.set(child, doc);
                    walk(p.initializer, child);
                }
            } else if (method === "record" && second) {
                walk(second, join(at, recordKeyName(at)));
            } else if (method === "array" && first) {
                walk(first, `${at}[]`);
            } else if ((method === "union" || method === "discriminatedUnion") && node.arguments.length > 0) {
                const options = node.arguments[node.arguments.length - 1];
                if (options && ts.isArrayLiteralExpression(options)) {
                    for (const option of options.elements) walk(option, at);
                }
            }
            return;
        }
        // A method of a schema: .optional(), .default(…), .refine(…), .describe(…), .max(…) …
        if (method === "refine") {
            const rule = refinement(node);
            if (rule) {
                const target = rule.path.reduce(join, at);
                docs.rules.set(target, [...(docs.rules.get(target) ?? []), rule.message]);
            }
        } else if (method === "describe") {
            const text = stringLiteral(node.arguments[0]);
            if (text && !docs.descriptions.has(at)) docs.descriptions.set(at, text);
        }
        walk(receiver, at);
    };
    walk(root, "");
    return docs;
}

// ----------------------------------------------------------------------------- rows

export interface ReferenceRow {
    path: string;
    type: string;
    /** "yes", "no", or "when <discriminator> is …". */
    required: string;
    default?: unknown;
    constraints: string[];
    description: string;
}

const formatKey = "x-azora-format";
const safeIntegers = new Set([Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]);

/** The JSON Schema of the input of platformSchema, with each string's own format message attached. */
export function platformJsonSchema(): JsonSchema {
    return z.toJSONSchema(platformSchema, {
        io: "input",
        override: (ctx) => {
            const s = ctx.jsonSchema;
            if (s.type !== "string" || s.const !== undefined || s.enum !== undefined) return;
            const probe = z.safeParse(ctx.zodSchema, "\u0000");
            if (probe.success) return;
            // zod's generic messages ("Invalid URL", "Invalid input: …") add nothing to the type.
            const messages = probe.error.issues.map((i) => i.message).filter((m) => !/^Invalid\b/.test(m));
            if (messages.length > 0) s[formatKey] = messages.join("; ");
        },
    });
}

function isSchema(s: unknown): s is JsonSchema {
    return typeof s === "object" && s !== null && !Array.isArray(s);
}

function literal(v: unknown): string {
    return JSON.stringify(v);
}

function typeOf(s: JsonSchema): string {
    if (s.const !== undefined) return literal(s.const);
    if (s.enum) return s.enum.map(literal).join(" | ");
    const t = Array.isArray(s.type) ? s.type.join(" | ") : s.type;
    if (t === "string" && s.format === "uri") return "string (URL)";
    if (t === "string" && s.format === "email") return "string (e-mail)";
    if (t === "array") return `list of ${isSchema(s.items) ? typeOf(s.items) : "values"}`;
    if (t === "object" && !s.properties && isSchema(s.additionalProperties)) {
        return `map of ${typeOf(s.additionalProperties)}`;
    }
    return t ?? "value";
}

function constraintsOf(s: JsonSchema): string[] {
    const c: string[] = [];
    const range = (lo: number | undefined, hi: number | undefined, unit: string) => {
        const low = lo !== undefined && !safeIntegers.has(lo) ? lo : undefined;
        const high = hi !== undefined && !safeIntegers.has(hi) ? hi : undefined;
        if (low !== undefined && high !== undefined) c.push(low === high ? `${unit}${low}` : `${unit}${low}–${high}`);
        else if (low !== undefined) c.push(`${unit}≥ ${low}`);
        else if (high !== undefined) c.push(`${unit}≤ ${high}`);
    };
    range(s.minimum, s.maximum, "");
    range(s.minLength, s.maxLength, "length ");
    range(s.minItems, s.maxItems, "items ");
    const items = isSchema(s.items) ? s.items : undefined;
    const format = s[formatKey] ?? items?.[formatKey];
    if (typeof format === "string") c.push(format);
    const pattern = s.pattern ?? items?.pattern;
    if (pattern && s.format !== "email") c.push(`\`${pattern}\``);
    return c;
}

interface WalkContext {
    rows: ReferenceRow[];
    docs: SchemaDocs;
}

function addRow(ctx: WalkContext, at: string, s: JsonSchema, required: string): void {
    ctx.rows.push({
        path: at,
        type: typeOf(s),
        required,
        ...("default" in s ? { default: s.default } : {}),
        constraints: [...constraintsOf(s), ...(ctx.docs.rules.get(at) ?? []).map((r) => `rule: ${r}`)],
        description: "",
    });
}

function walkSchema(ctx: WalkContext, s: JsonSchema, at: string, required: string): void {
    const variants = s.oneOf ?? s.anyOf;
    if (variants) {
        walkUnion(ctx, s, variants, at, required);
        return;
    }
    if (at !== "") addRow(ctx, at, s, required);
    if (s.type === "object" && s.properties) {
        const req = new Set(s.required ?? []);
        for (const [key, child] of Object.entries(s.properties)) {
            if (isSchema(child)) walkSchema(ctx, child, join(at, key), req.has(key) ? "yes" : "no");
        }
    } else if (s.type === "object" && isSchema(s.additionalProperties)) {
        walkSchema(ctx, s.additionalProperties, join(at, recordKeyName(at)), "no");
    } else if (s.type === "array" && isSchema(s.items) && s.items.type === "object") {
        walkSchema(ctx, s.items, `${at}[]`, "no");
    }
}

/** A discriminated union of objects: one row for the union, one for the discriminator, then each
 *  variant's own keys, marked with the variants they belong to. */
function walkUnion(ctx: WalkContext, s: JsonSchema, variants: JsonSchema[], at: string, required: string): void {
    const objects = variants.filter((v) => v.type === "object" && v.properties);
    const discriminator = Object.keys(objects[0]?.properties ?? {}).find((key) =>
        objects.every((v) => {
            const p = v.properties?.[key];
            return isSchema(p) && p.const !== undefined;
        }),
    );
    if (objects.length !== variants.length || discriminator === undefined) {
        addRow(ctx, at, { ...s, type: undefined }, required);
        ctx.rows[ctx.rows.length - 1]!.type = "one of several shapes";
        return;
    }
    const values = objects.map((v) => {
        const p = v.properties?.[discriminator];
        return isSchema(p) ? p.const : undefined;
    });
    addRow(ctx, at, { ...s, type: "object" }, required);
    ctx.rows[ctx.rows.length - 1]!.type = `object, by \`${discriminator}\``;
    addRow(ctx, join(at, discriminator), { type: "string", enum: values.map((v) => (v === undefined ? null : v)) }, "yes");
    const byPath = new Map<string, { row: ReferenceRow; when: unknown[] }>();
    objects.forEach((variant, i) => {
        const sub: WalkContext = { rows: [], docs: ctx.docs };
        const req = new Set(variant.required ?? []);
        for (const [key, child] of Object.entries(variant.properties ?? {})) {
            if (key !== discriminator && isSchema(child)) walkSchema(sub, child, join(at, key), req.has(key) ? "yes" : "no");
        }
        for (const row of sub.rows) {
            const seen = byPath.get(row.path);
            if (seen) seen.when.push(values[i]);
            else byPath.set(row.path, { row, when: [values[i]] });
        }
    });
    for (const { row, when } of byPath.values()) {
        const cond = `when \`${discriminator}\` is ${when.map((v) => `\`${String(v)}\``).join(" or ")}`;
        ctx.rows.push({ ...row, required: row.required === "yes" ? `yes, ${cond}` : `no; only ${cond}` });
    }
}

function describe(rows: ReferenceRow[], docs: SchemaDocs): void {
    const paths = new Set(rows.map((r) => r.path));
    const unused = Object.keys(fallbackDescriptions).filter((key) =>
        key.startsWith("*.") ? ![...paths].some((p) => p.endsWith(key.slice(1))) : !paths.has(key),
    );
    if (unused.length > 0) {
        throw new Error(
            `config-reference: fallbackDescriptions names keys the schema does not have: ${unused.join(", ")} — ` +
                "fix or remove them in scripts/config-reference.ts",
        );
    }
    for (const row of rows) {
        const suffix = Object.keys(fallbackDescriptions)
            .filter((k) => k.startsWith("*.") && row.path.endsWith(k.slice(1)))
            .sort((a, b) => b.length - a.length)[0];
        row.description =
            docs.descriptions.get(row.path) ?? fallbackDescriptions[row.path] ?? (suffix ? fallbackDescriptions[suffix] : "") ?? "";
    }
}

/** Every key of the stack configuration, in schema order. */
export function referenceRows(schemaSource = fs.readFileSync(schemaFile, "utf8")): ReferenceRow[] {
    const docs = extractSchemaDocs(schemaSource);
    const ctx: WalkContext = { rows: [], docs };
    walkSchema(ctx, platformJsonSchema(), "", "yes");
    describe(ctx.rows, docs);
    return ctx.rows;
}

// ----------------------------------------------------------------------------- markdown

function cell(text: string): string {
    // GFM splits table cells on "|" before it reads code spans, so it is escaped even inside them.
    return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function code(text: string): string {
    return "`" + text.replace(/`/g, "'") + "`";
}

function defaultCell(row: ReferenceRow): string {
    if (!("default" in row)) return "";
    return code(JSON.stringify(row.default));
}

/** The whole of docs/config-reference.md. */
export function renderConfigReference(schemaSource?: string): string {
    const rows = referenceRows(schemaSource);
    const top = rows.filter((r) => !r.path.includes("."));
    const out: string[] = [
        "# Stack configuration reference",
        "",
        `<!-- Generated by scripts/config-reference.ts from components/config/schema.ts; do not edit. Regenerate: ${regenerateCommand} -->`,
        "",
        "Every key a stack file (`Pulumi.<stack>.yaml`) may set, under the project namespace `azora-platform:`.",
        "`components/config/index.ts` validates the whole file before any resource is created and reports every problem at",
        "once with the key's path. Unknown keys are errors, not ignored.",
        "",
        "- Set a nested key: `pulumi config set --path workloads.replicas.min 3 --stack staging`.",
        "- Set a secret: `pulumi config set --secret --path secrets.slackWebhookUrl https://hooks.slack.com/… --stack prod`.",
        "- `<service>` stands for a service name of `model/catalog.ts`; `components/config/index.ts` rejects any other name",
        "  in `workloads.services`, `images.digests` and `secrets.externalValues`, and an external secret the service does not declare.",
        "- **Required** is relative to the enclosing object: `no` means the key may be left out, and then its default",
        "  (if any) is used. A default shown for an object is what the whole object becomes when it is left out.",
        "- Besides the rules below, `components/config/index.ts` checks keys against the catalog: `images.requireDigest` needs",
        "  a digest for every service, and a Slack receiver needs `existingSecret` or `secrets.slackWebhookUrl`.",
        "",
        "| Top-level key | Required | Description |",
        "|---|---|---|",
        ...top.map((r) => `| [${code(r.path)}](#${r.path.toLowerCase()}) | ${r.required} | ${cell(r.description)} |`),
        "",
    ];
    for (const section of top) {
        out.push(`## ${section.path}`, "");
        if (section.description) out.push(section.description, "");
        out.push("| Key | Type | Required | Default | Format and limits | Description |", "|---|---|---|---|---|---|");
        for (const row of rows.filter((r) => r.path === section.path || r.path.startsWith(`${section.path}.`))) {
            out.push(
                `| ${code(row.path)} | ${cell(row.type)} | ${cell(row.required)} | ${cell(defaultCell(row))} | ${cell(
                    row.constraints.join("; "),
                )} | ${cell(row.description)} |`,
            );
        }
        out.push("");
    }
    return out.join("\n");
}

/** CLI: write the file, or with --check report whether it is current. Returns the exit code. */
export function main(args: readonly string[]): number {
    const unknown = args.filter((a) => a !== "--check" && a !== "--");
    if (unknown.length > 0) {
        console.error(`config-reference: unknown argument(s) ${unknown.join(" ")} — usage: ${regenerateCommand} [--check]`);
        return 2;
    }
    const text = renderConfigReference();
    const relative = path.relative(process.cwd(), referenceFile) || referenceFile;
    if (args.includes("--check")) {
        const current = fs.existsSync(referenceFile) ? fs.readFileSync(referenceFile, "utf8") : "";
        if (current === text) {
            console.log(`config-reference: ${relative} is up to date`);
            return 0;
        }
        console.error(`config-reference: ${relative} is stale — run: ${regenerateCommand}`);
        return 1;
    }
    fs.mkdirSync(path.dirname(referenceFile), { recursive: true });
    fs.writeFileSync(referenceFile, text);
    console.log(`config-reference: wrote ${relative}`);
    return 0;
}

// Run as a command (vite-node); vitest imports the functions above without running it.
if (!process.env.VITEST) process.exitCode = main(process.argv.slice(2));
