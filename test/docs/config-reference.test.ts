// docs/config-reference.md is generated from the zod schema; these tests fail when it is stale or a
// key has no description, and check that the generator reads the schema the way a reader expects.
import { existsSync, readdirSync, readFileSync } from "fs";
import * as path from "path";
import { describe, expect, it, vi } from "vitest";
import { parse } from "yaml";
import { z } from "zod";
import {
    main,
    referenceFile,
    referenceRows,
    regenerateCommand,
    renderConfigReference,
    type ReferenceRow,
} from "../../scripts/config-reference";

const repoRoot = path.resolve(__dirname, "../..");
const rows = referenceRows();
const byPath = new Map(rows.map((r) => [r.path, r]));

function row(p: string): ReferenceRow {
    const r = byPath.get(p);
    if (!r) throw new Error(`no row for ${p}; rows: ${rows.map((x) => x.path).join(", ")}`);
    return r;
}

/** Key paths a stack file sets, with map keys replaced by the reference's placeholders. */
function stackPaths(value: unknown, at: string, out: Set<string>): void {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
        out.add(at);
        return;
    }
    // A map's keys are written as the reference's placeholder for them (`<service>`).
    const placeholder = rows.find((r) => r.path.startsWith(`${at}.<`) && !r.path.slice(at.length + 1).includes("."));
    const isMap = at !== "" && (byPath.get(at)?.type.startsWith("map of") ?? false);
    if (at !== "") out.add(at);
    for (const [key, child] of Object.entries(value)) {
        const name = isMap && placeholder ? placeholder.path.slice(at.length + 1) : key;
        stackPaths(child, at ? `${at}.${name}` : name, out);
    }
}

describe("docs/config-reference.md", () => {
    it("is what the generator makes from the schema now", () => {
        const expected = renderConfigReference();
        const current = existsSync(referenceFile) ? readFileSync(referenceFile, "utf8") : "";
        if (current !== expected) {
            const a = current.split("\n");
            const b = expected.split("\n");
            const i = b.findIndex((line, n) => line !== a[n]);
            const line = i === -1 ? b.length + 1 : i + 1;
            throw new Error(
                `docs/config-reference.md is stale (it differs from what the schema generates) — run: ${regenerateCommand}\n` +
                    `first difference at line ${line}:\n  file:     ${a[line - 1] ?? "(end of file)"}\n  expected: ${b[line - 1] ?? "(end of file)"}`,
            );
        }
    });

    it("documents every key any stack file sets", () => {
        const used = new Set<string>();
        for (const f of readdirSync(repoRoot).filter((n) => /^Pulumi\..+\.yaml$/.test(n))) {
            const config = (parse(readFileSync(path.join(repoRoot, f), "utf8")) as { config?: Record<string, unknown> }).config ?? {};
            for (const [key, value] of Object.entries(config)) {
                if (key.startsWith("azora-platform:")) stackPaths(value, key.slice("azora-platform:".length), used);
            }
        }
        expect(used.size).toBeGreaterThan(40);
        expect([...used].filter((p) => !byPath.has(p))).toEqual([]);
    });

    it("has a section per top-level key and a description for every top-level key", () => {
        const text = readFileSync(referenceFile, "utf8");
        const top = rows.filter((r) => !r.path.includes("."));
        expect(top.map((r) => r.path)).toEqual([
            "environment",
            "kubernetes",
            "namespaces",
            "images",
            "workloads",
            "secrets",
            "database",
            "edge",
            "observability",
            "access",
        ]);
        for (const r of top) {
            expect(text).toContain(`\n## ${r.path}\n`);
            expect(r.description, r.path).not.toBe("");
        }
    });

    it("gives every key a description", () => {
        expect(rows.filter((r) => r.description.trim() === "").map((r) => r.path)).toEqual([]);
    });

    it("takes each key's description from the key in the schema", () => {
        expect(row("secrets.rotation").description).toMatch(/^Bump to regenerate every platform-generated secret/);
        expect(row("images.build").description).toBe("Build images from source with @pulumi/docker and deploy them by digest.");
        expect(row("namespaces").description).toMatch(/^The three namespaces/);
    });

    it("shows types, defaults, limits, formats and rules", () => {
        expect(row("workloads.targetCpuUtilization")).toMatchObject({ type: "integer", required: "no", default: 70 });
        expect(row("workloads.targetCpuUtilization").constraints).toContain("20–95");
        expect(row("images.digests.<service>").constraints.join(" ")).toContain("sha256:<64 hex characters>");
        expect(row("workloads.replicas.max").constraints).toContain("rule: max must be at least min");
        expect(row("kubernetes.renderDirectory").constraints.join(" ")).toContain("cannot be combined with kubeconfig");
        expect(row("images.tag").constraints.join(" ")).toContain("never 'latest'");
        expect(row("edge.tls.issuer").type).toBe('"selfsigned" | "acme" | "external"');
        expect(row("edge.tls.email").required).toBe("yes, when `issuer` is `acme`");
        expect(row("observability.alertmanager.receiver.existingSecret").required).toBe("no; only when `type` is `slack`");
        expect(row("database.backup").default).toEqual({ enabled: true, schedule: "15 2 * * *", retentionDays: 14, storageSize: "20Gi" });
        expect(row("kubernetes.apiServerCidrs")).toMatchObject({ required: "yes" });
        expect(row("kubernetes.apiServerCidrs")).not.toHaveProperty("default");
    });

    it("escapes the table separator inside cells", () => {
        const line = readFileSync(referenceFile, "utf8")
            .split("\n")
            .find((l) => l.startsWith("| `workloads.logLevel`"));
        expect(line).toContain('"debug" \\| "info"');
        expect(line?.split(/(?<!\\)\|/).length).toBe(8);
    });

    it("reads descriptions, map keys, union variants and refine paths from the schema itself", () => {
        const inner = z
            .strictObject({ value: z.string().regex(/x/, "a leaf").describe("The leaf.") })
            .refine((v) => v.value !== "x", { message: "not x", path: ["value"] });
        const schema = z.strictObject({
            services: z.record(z.string().meta({ title: "name" }), inner.describe("One entry.")).default({}).describe("A map."),
            choice: z
                .discriminatedUnion("type", [
                    z.strictObject({ type: z.literal("a").describe("`a`: the first.") }),
                    z.strictObject({ type: z.literal("b").describe("`b`: the second."), extra: z.string().describe("Only for b.") }),
                ])
                .describe("A choice."),
            nested: z.strictObject({ flag: z.boolean().default(true).describe("A flag.") }).prefault({}).describe("Nested."),
        });
        const got = Object.fromEntries(referenceRows(schema).map((r) => [r.path, r]));
        expect(Object.keys(got)).toEqual([
            "services",
            "services.<name>",
            "services.<name>.value",
            "choice",
            "choice.type",
            "choice.extra",
            "nested",
            "nested.flag",
        ]);
        expect(got["services.<name>.value"]).toMatchObject({ description: "The leaf.", constraints: ["a leaf", "`x`", "rule: not x"] });
        expect(got["choice.type"]).toMatchObject({ type: '"a" | "b"', description: "`a`: the first. `b`: the second." });
        expect(got["choice.extra"]).toMatchObject({ required: "yes, when `type` is `b`", description: "Only for b." });
        // A prefault object is shown with what it becomes when left out, not the `{}` it is parsed from.
        expect(got.nested).toMatchObject({ required: "no", default: { flag: true } });
    });

    it("has a CLI whose --check passes on the current file", () => {
        const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
        const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
        try {
            expect(main(["--check"])).toBe(0);
            expect(main(["--bogus"])).toBe(2);
            expect(error.mock.calls.flat().join(" ")).toContain(regenerateCommand);
        } finally {
            log.mockRestore();
            error.mockRestore();
        }
    });
});
