// The log shipper's rendered JSON extraction and templates, run by Go's own encoding/json and
// text/template (test/tools/alloy-stages, the libraries Alloy's stages use) over log lines written
// to the services' log contract: which lines each log-derived counter counts, and which it does not.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { alloyConfig } from "../../components/observability/log-shipper";
import { auditStream } from "../../model/metrics";
import { errorLevels, failedOutcome, type LogSignal, logFields, logSignals, securityEvents } from "../../model/log-events";

const config = alloyConfig("http://loki.azora-observability.svc.cluster.local:3100/loki/api/v1/push", "dev");

/** Alloy string literals here are JSON-compatible (components/observability/log-signals.ts). */
const alloyString = (literal: string): string => JSON.parse(literal) as string;

function expressions(): Record<string, string> {
    const body = /stage\.json \{\s+expressions = \{ ([^}]*) \}/.exec(config)?.[1] ?? "";
    return Object.fromEntries(
        body
            .split(", ")
            .map((kv) => kv.split(" = "))
            .map(([k, v]) => [k, alloyString(v)]),
    );
}

function templates(): { source: string; template: string }[] {
    return [...config.matchAll(/stage\.template \{\s+source\s+= ("[^\n]*")\s+template = ("[^\n]*")\n/g)].map((m) => ({
        source: alloyString(m[1]),
        template: alloyString(m[2]),
    }));
}

/** The extracted key each counter counts on (its `source`), by counter name. */
function counterSources(): Record<string, string> {
    return Object.fromEntries(
        [...config.matchAll(/metric\.counter \{\s+name\s+= ("[^"]+")[^}]*?source\s+= ("[^"]+")/gs)].map((m) => [
            alloyString(m[1]),
            alloyString(m[2]),
        ]),
    );
}

const line = (fields: Record<string, unknown>): string => JSON.stringify({ msg: "m", ...fields });
const samples = {
    error: line({ [logFields.level]: errorLevels[0] }),
    fatal: line({ [logFields.level]: errorLevels[1] }),
    warning: line({ [logFields.level]: "warn" }),
    numericLevel: line({ [logFields.level]: 50 }),
    failedSignIn: line({
        [logFields.level]: "info",
        [logFields.event]: securityEvents.authAttempt,
        [logFields.outcome]: failedOutcome,
        [logFields.client]: "203.0.113.7",
    }),
    signIn: line({
        [logFields.event]: securityEvents.authAttempt,
        [logFields.outcome]: "success",
        [logFields.client]: "203.0.113.7",
    }),
    denied: line({
        [logFields.level]: "warn",
        [logFields.event]: securityEvents.accessDenied,
        [logFields.client]: "203.0.113.9",
    }),
    audit: line({ [auditStream.field]: true, [logFields.event]: "role_changed" }),
    bare: line({}),
    notJson: "GET /healthz 200 3ms",
} as const;
type Sample = keyof typeof samples;

let results: Record<Sample, Record<string, string>>;

beforeAll(() => {
    const names = Object.keys(samples) as Sample[];
    const stdout = execFileSync("go", ["run", "."], {
        cwd: join(__dirname, "alloy-stages"),
        input: JSON.stringify({ expressions: expressions(), templates: templates(), lines: names.map((n) => samples[n]) }),
        env: { ...process.env, GOTOOLCHAIN: "local", GOWORK: "off", GOFLAGS: "-mod=mod" },
        encoding: "utf8",
        timeout: 120_000,
    });
    const rows = stdout
        .trim()
        .split("\n")
        .map((r) => JSON.parse(r) as Record<string, string>);
    results = Object.fromEntries(names.map((n, i) => [n, rows[i]])) as Record<Sample, Record<string, string>>;
}, 180_000);

const counts = (sample: Sample, signal: LogSignal): boolean => {
    const source = counterSources()[logSignals[signal].name];
    return results[sample][source] === "true";
};
const countedBy = (sample: Sample): LogSignal[] => (Object.keys(logSignals) as LogSignal[]).filter((s) => counts(sample, s));

describe("the log shipper's signal templates, run by Go's text/template", () => {
    it("give every counter a template of its own to count on", () => {
        const sources = Object.values(counterSources());
        expect(sources).toHaveLength(Object.keys(logSignals).length);
        for (const s of sources) expect(templates().map((t) => t.source)).toContain(s);
    });

    it("count error and fatal lines as error lines, and nothing else of them", () => {
        expect(countedBy("error")).toEqual(["errorLines"]);
        expect(countedBy("fatal")).toEqual(["errorLines"]);
    });

    it("do not count a warning, or a numeric level the contract does not use", () => {
        expect(countedBy("warning")).toEqual([]);
        expect(countedBy("numericLevel")).toEqual([]);
    });

    it("count a failed sign-in as an auth failure, with the client extracted for the per-client counter", () => {
        expect(countedBy("failedSignIn")).toEqual(["authFailures"]);
        expect(results.failedSignIn.client).toBe("203.0.113.7");
    });

    it("do not count a successful sign-in", () => {
        expect(countedBy("signIn")).toEqual([]);
    });

    it("count an access denial", () => {
        expect(countedBy("denied")).toEqual(["accessDenied"]);
    });

    it("count nothing, without an error, on lines lacking the fields or not JSON at all", () => {
        expect(countedBy("bare")).toEqual([]);
        expect(countedBy("notJson")).toEqual([]);
        expect(results.bare.client).toBeUndefined();
    });

    it("file an audit event under the audit stream and every other line under the ordinary one", () => {
        expect(results.audit[auditStream.label]).toBe(auditStream.audit);
        expect(countedBy("audit")).toEqual([]);
        for (const s of ["error", "failedSignIn", "bare", "notJson"] as const)
            expect(results[s][auditStream.label]).toBe(auditStream.ordinary);
    });
});
