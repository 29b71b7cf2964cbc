// docs/config-reference.md is generated from the zod schema; these tests fail when it is stale and
// check that the generator reads the schema the way a reader of the reference expects.
import { existsSync, readdirSync, readFileSync } from "fs";
import * as path from "path";
import { describe, expect, it, vi } from "vitest";
import { parse } from "yaml";
import {
    extractSchemaDocs,
    main,
    recordKeyName,
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
    const isMap = at !== "" && (byPath.get(at)?.type.startsWith("map of") ?? false);
    if (at !== "") out.add(at);
    for (const [key, child] of Object.entries(value)) {
        const name = isMap ? recordKeyName(at) : key;
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

    it("takes descriptions from the schema's doc comments, whole", () => {
        expect(row("secrets.rotation").description).toMatch(/^Bump to regenerate every platform-generated secret/);
        // A doc comment mentioning @pulumi/docker is not cut at the "@" as a JSDoc tag would be.
        expect(row("images.build").description).toBe("Build images from source with @pulumi/docker and deploy them by digest.");
        expect(row("secrets.externalValues").description).toContain("`<service>-external`");
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
    });

    it("escapes the table separator inside cells", () => {
        const line = readFileSync(referenceFile, "utf8")
            .split("\n")
            .find((l) => l.startsWith("| `workloads.logLevel`"));
        expect(line).toContain('"debug" \\| "info"');
        expect(line?.split(/(?<!\\)\|/).length).toBe(8);
    });

    it("follows constants, maps, unions and refine paths in the schema source", () => {
        const docs = extractSchemaDocs(
            [
                'import { z } from "zod";',
                "const leaf = z.string().regex(/x/, 'a leaf');",
                "const inner = z.strictObject({",
                "    /** The leaf. */",
                "    value: leaf,",
                "}).refine((v) => v.value !== 'x', { message: 'not x', path: ['value'] });",
                "export const platformSchema = z.strictObject({",
                "    /** A map. */",
                "    services: z.record(z.string(), inner).default({}),",
                "    choice: z.discriminatedUnion('type', [",
                "        z.strictObject({ type: z.literal('a') }),",
                "        z.strictObject({",
                "            type: z.literal('b'),",
                "            /** Only for b. */",
                "            extra: z.string(),",
                "        }),",
                "    ]),",
                "    plain: z.number().describe('Described.'),",
                "});",
            ].join("\n"),
        );
        expect(Object.fromEntries(docs.descriptions)).toEqual({
            services: "A map.",
            "services.<key>.value": "The leaf.",
            "choice.extra": "Only for b.",
            plain: "Described.",
        });
        expect(Object.fromEntries(docs.rules)).toEqual({ "services.<key>.value": ["not x"] });
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
