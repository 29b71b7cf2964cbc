import { readdirSync } from "fs";
import { describe, expect, it } from "vitest";
import { catalog } from "../../model/catalog";
import { ConfigError, parsePlatformConfig } from "../../components/config";
import { pipelineDigests, readStackConfig, repoRoot, stacks } from "./stack-files";

function withDigests(raw: Record<string, unknown>): Record<string, unknown> {
    const images = raw.images as Record<string, unknown>;
    return { ...raw, images: { ...images, digests: pipelineDigests(catalog) } };
}

function problemsOf(raw: Record<string, unknown>): string[] {
    try {
        parsePlatformConfig("test", raw, catalog);
        return [];
    } catch (e) {
        if (e instanceof ConfigError) return e.problems;
        throw e;
    }
}

/** Deep-sets a dotted path on a copy of the local stack's config. */
function localWith(pathExpr: string, value: unknown): Record<string, unknown> {
    const raw = structuredClone(readStackConfig("local"));
    const keys = pathExpr.split(".");
    let cursor = raw;
    for (const k of keys.slice(0, -1)) {
        cursor[k] = cursor[k] ?? {};
        cursor = cursor[k] as Record<string, unknown>;
    }
    const last = keys[keys.length - 1];
    if (value === undefined) delete cursor[last];
    else cursor[last] = value;
    return raw;
}

describe("stack files", () => {
    it.each(["local", "e2e", "dev", "staging"])("the %s stack file is valid as committed", (stack) => {
        expect(problemsOf(readStackConfig(stack))).toEqual([]);
    });

    it("the prod stack is valid once the image pipeline has set every digest", () => {
        expect(problemsOf(withDigests(readStackConfig("prod")))).toEqual([]);
    });

    it("the prod stack refuses to deploy without digests and names every service", () => {
        const problems = problemsOf(readStackConfig("prod"));
        expect(problems).toHaveLength(catalog.length);
        for (const s of catalog) expect(problems.join("\n")).toContain(`images.digests.${s.name}: required`);
    });

    it("environments get stricter going up: replicas, retention and HA", () => {
        const parsed = Object.fromEntries(
            stacks.map((s) => {
                const raw = s === "prod" ? withDigests(readStackConfig(s)) : readStackConfig(s);
                return [s, parsePlatformConfig(s, raw, catalog)];
            }),
        );
        expect(parsed.dev.workloads.replicas.min).toBeLessThan(parsed.staging.workloads.replicas.min);
        expect(parsed.staging.workloads.replicas.min).toBeLessThan(parsed.prod.workloads.replicas.min);
        expect(parsed.prod.observability.alertmanager.replicas).toBe(3);
        expect(parsed.prod.observability.prometheus.replicas).toBe(2);
        expect(parsed.prod.workloads.topologySpread.whenUnsatisfiable).toBe("DoNotSchedule");
        expect(parsed.prod.images.requireDigest).toBe(true);
        expect(parsed.dev.images.requireDigest).toBe(false);
    });

    it.each(["namespaces", "secrets", "access", "database.backup", "workloads.topologySpread"])(
        "%s left out parses as if it were written empty",
        (key) => {
            const parse = (raw: Record<string, unknown>) => parsePlatformConfig("local", raw, catalog);
            expect(parse(localWith(key, undefined))).toEqual(parse(localWith(key, {})));
        },
    );

    it("defaults are the secure choice when a stack says nothing", () => {
        const s = parsePlatformConfig("local", readStackConfig("local"), catalog);
        expect(s.database.sslMode).toBe("require");
        expect(s.kubernetes.serverSideApply).toBe(true);
        expect(s.namespaces.services).toBe("azora");
        expect(s.edge.installController).toBe(false);
        expect(s.edge.hstsMaxAgeSeconds).toBeGreaterThanOrEqual(31536000);
    });
});

describe("what each committed stack file parses to", () => {
    // Every Pulumi.<stack>.yaml, e2e included. The snapshots were written from the schema as it was
    // before its defaults were restructured (9156589); a restructuring must leave them byte for byte
    // as they are, key order included. A change to a stack file or a default shows up here as a
    // snapshot diff to review (`vitest run -u` rewrites them).
    const committed = readdirSync(repoRoot)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();

    it("covers at least the four deployed stacks and e2e", () => {
        expect(committed).toEqual(expect.arrayContaining([...stacks, "e2e"]));
    });

    it.each(committed)("the %s stack parses to its committed snapshot", async (stack) => {
        const raw = stack === "prod" ? withDigests(readStackConfig(stack)) : readStackConfig(stack);
        const parsed = parsePlatformConfig(stack, raw, catalog);
        await expect(JSON.stringify(parsed, null, 2) + "\n").toMatchFileSnapshot(`./__snapshots__/parsed-stacks/${stack}.json`);
    });
});

describe("bad configuration is rejected with the field's path", () => {
    const cases: [string, Record<string, unknown>, string][] = [
        ["a missing environment", localWith("environment", undefined), "environment: required"],
        ["an unknown environment", localWith("environment", "qa"), "environment:"],
        ["an image tagged latest", localWith("images.tag", "latest"), "images.tag: a pinned tag, never 'latest'"],
        ["a malformed digest", localWith("images.digests", { "azora-pay": "sha256:abc" }), "images.digests.azora-pay:"],
        ["a digest for an unknown service", localWith("images.digests", { "azora-bank": `sha256:${"b".repeat(64)}` }), "images.digests.azora-bank: unknown service"],
        ["replicas max below min", localWith("workloads.replicas", { min: 3, max: 2 }), "workloads.replicas.max: max must be at least min"],
        ["zero replicas", localWith("workloads.replicas", { min: 0, max: 2 }), "workloads.replicas.min:"],
        ["an override for an unknown service", localWith("workloads.services", { "azora-bank": {} }), "workloads.services.azora-bank: unknown service"],
        ["a limit for a route the catalog does not declare", localWith("edge.routes", { admin: { clientRequestsPerSecond: 1 } }), "edge.routes.admin: the catalog declares no such public route; declared: auth, payments, default"],
        ["a malformed memory quantity", localWith("workloads.services", { "azora-pay": { resources: { requests: { cpu: "1", memory: "lots" }, limits: { cpu: "1", memory: "1Gi" } } } }), "workloads.services.azora-pay.resources.requests.memory: a Kubernetes quantity"],
        [
            "a service override without ephemeral storage",
            localWith("workloads.services", { "azora-pay": { resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi", ephemeralStorage: "256Mi" } } } }),
            "workloads.services.azora-pay.resources.requests.ephemeralStorage: required",
        ],
        [
            "a malformed ephemeral-storage limit",
            localWith("observability.prometheus.resources", { requests: { cpu: "1", memory: "1Gi", ephemeralStorage: "64Mi" }, limits: { cpu: "1", memory: "1Gi", ephemeralStorage: "1 GB" } }),
            "observability.prometheus.resources.limits.ephemeralStorage: a Kubernetes quantity",
        ],
        [
            "a namespace quota without ephemeral storage",
            localWith("namespaces.quota", { requestsCpu: "20", requestsMemory: "40Gi", limitsCpu: "40", limitsMemory: "80Gi", pods: 200 }),
            "namespaces.quota.requestsEphemeralStorage: required",
        ],
        ["a lower-case env var override", localWith("workloads.services", { "azora-pay": { env: { debug: "1" } } }), "workloads.services.azora-pay.env.debug"],
        ["a misspelt key", localWith("workloads.replica", { min: 1, max: 2 }), "workloads: unknown key(s) \"replica\""],
        ["render directory together with a context", localWith("kubernetes.context", "prod"), "kubernetes.renderDirectory: renderDirectory cannot be combined"],
        ["no cluster target at all", localWith("kubernetes", {}), "kubernetes.context: set renderDirectory"],
        [
            "a stack that does not say where the API server is",
            localWith("kubernetes.apiServerCidrs", undefined),
            "kubernetes.apiServerCidrs: required — set it in the stack file (the control plane's addresses as a list of IPv4 CIDRs",
        ],
        ["an empty list of API server addresses", localWith("kubernetes.apiServerCidrs", []), "kubernetes.apiServerCidrs:"],
        ["a CORS origin with a path", localWith("edge.cors.allowedOrigins", ["https://app.example/x"]), "edge.cors.allowedOrigins.0: an origin"],
        ["an empty CORS allow-list", localWith("edge.cors.allowedOrigins", []), "edge.cors.allowedOrigins:"],
        ["a per-client limit of zero", localWith("edge.routes", { auth: { clientRequestsPerSecond: 0 } }), "edge.routes.auth.clientRequestsPerSecond: at least 1"],
        ["a connection limit of zero", localWith("edge.connectionLimit", 0), "edge.connectionLimit: at least 1"],
        ["an allow-list entry that is not a CIDR", localWith("edge.allowCidrs", ["10.0.0.0/33"]), "edge.allowCidrs.0: an IPv4 or IPv6 CIDR"],
        ["a deny-list entry without a mask", localWith("edge.denyCidrs", ["203.0.113.7"]), "edge.denyCidrs.0: an IPv4 or IPv6 CIDR"],
        ["trusted proxies given both ways", localWith("edge.clientIp", { trustedHops: 1, trustedProxyCidrs: ["10.0.0.0/8"] }), "edge.clientIp: set trustedProxyCidrs or trustedHops, not both"],
        ["an ACME issuer without e-mail", localWith("edge.tls", { issuer: "acme" }), "edge.tls.email:"],
        ["an unknown TLS issuer", localWith("edge.tls", { issuer: "vault" }), "edge.tls.issuer:"],
        ["a cert-manager chart that is not a pinned release", localWith("edge.certManagerChartVersion", "latest"), "edge.certManagerChartVersion: a pinned release"],
        ["an Envoy Gateway chart that is not a pinned release", localWith("edge.envoyGatewayChartVersion", "latest"), "edge.envoyGatewayChartVersion: a pinned release"],
        ["a body-size limit in bytes words", localWith("edge.bodySizeLimit", "5 megabytes"), "edge.bodySizeLimit: a size such as 512Ki"],
        ["a database CIDR without mask", localWith("database.egressCidrs", ["10.0.0.0"]), "database.egressCidrs.0: an IPv4 CIDR"],
        ["a database without egress CIDRs", localWith("database.egressCidrs", undefined), "database.egressCidrs: required"],
        ["a backup cron with four fields", localWith("database.backup.schedule", "0 3 * *"), "database.backup.schedule: a five-field cron"],
        ["a Prometheus retention without unit", localWith("observability.prometheus.retentionTime", "15"), "observability.prometheus.retentionTime: a Prometheus duration"],
        ["a Loki retention in days", localWith("observability.loki.retention", "7d"), "observability.loki.retention: hours"],
        ["sampling above 100 percent", localWith("observability.otelCollector.samplingPercentage", 150), "observability.otelCollector.samplingPercentage:"],
        ["a Slack receiver with no webhook", localWith("observability.alertmanager.receiver", { type: "slack", channel: "#alerts" }), "observability.alertmanager.receiver: slack needs a webhook"],
        ["a Slack channel without #", localWith("observability.alertmanager.receiver", { type: "slack", channel: "alerts", existingSecret: "s" }), "observability.alertmanager.receiver.channel:"],
        ["an external secret the service does not declare", localWith("secrets.externalValues", { "azora-pay": { STRIPE_KEY: "x" } }), "secrets.externalValues.azora-pay.STRIPE_KEY: azora-pay declares no such external secret"],
        ["a negative rotation epoch", localWith("secrets.rotation", -1), "secrets.rotation:"],
        ["a namespace that is not a DNS label", localWith("namespaces.services", "Azora_Services"), "namespaces.services: a DNS-1123 label"],
    ];

    it.each(cases)("rejects %s", (_what, raw, expected) => {
        const problems = problemsOf(raw);
        expect(problems.join("\n")).toContain(expected);
    });

    it("refuses remote_write basic auth without a user name and without its password, naming both", () => {
        const rw = { url: "https://metrics.example.org/api/v1/push", auth: "basic", egressCidrs: ["203.0.113.0/24"] };
        expect(problemsOf(localWith("observability.prometheus.remoteWrite", rw))).toEqual([
            "observability.prometheus.remoteWrite.username: required by auth: basic",
            "observability.prometheus.remoteWrite.auth: basic needs secrets.remoteWrite.password — `pulumi config set --secret --path secrets.remoteWrite.password <value>`",
        ]);
    });

    it("accepts remote_write bearer auth once its token is among the secrets", () => {
        const raw = localWith("observability.prometheus.remoteWrite", {
            url: "https://metrics.example.org/api/v1/push",
            auth: "bearer",
            egressCidrs: ["203.0.113.0/24"],
        });
        raw.secrets = { ...(raw.secrets as Record<string, unknown> | undefined), remoteWrite: { bearerToken: "t0ken" } };
        expect(problemsOf(raw)).toEqual([]);
    });

    it("reports every problem at once, not only the first", () => {
        const raw = localWith("images.tag", "latest");
        (raw.workloads as Record<string, unknown>).replicas = { min: 0, max: 1 };
        (raw.edge as Record<string, unknown>).bodySizeLimit = "huge";
        const problems = problemsOf(raw);
        expect(problems.length).toBeGreaterThanOrEqual(3);
    });

    it("reports missing apiServerCidrs and nodeCidrs together with a missing cluster target", () => {
        const problems = problemsOf(localWith("kubernetes", {}));
        expect(problems).toEqual([
            expect.stringMatching(/^kubernetes\.apiServerCidrs: required — set it in the stack file \(the control plane's addresses/),
            expect.stringMatching(/^kubernetes\.nodeCidrs: required — set it in the stack file \(the nodes' addresses/),
            "kubernetes.context: set renderDirectory (render only) or context/kubeconfig (a real cluster)",
        ]);
    });

    it("the error message names the stack file and how to fix it", () => {
        expect(() => parsePlatformConfig("dev", localWith("images.tag", "latest"), catalog)).toThrow(
            /stack "dev" has 1 configuration problem\(s\):[\s\S]*Fix them in Pulumi\.dev\.yaml/,
        );
    });
});
