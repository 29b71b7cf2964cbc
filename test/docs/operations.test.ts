// The operations runbooks point at files, workflows and other runbooks; these checks keep those
// pointers true as the code moves.
import { existsSync, readdirSync, readFileSync } from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";

const repoRoot = path.resolve(__dirname, "../..");
const opsDir = path.join(repoRoot, "docs/operations");
const runbooks = ["deploy", "rollback", "scaling", "backup-restore", "disaster-recovery", "secret-rotation", "adding-a-service", "edge-migration"];
const docs = readdirSync(opsDir)
    .filter((f) => f.endsWith(".md"))
    .map((f) => ({ file: path.join(opsDir, f), text: readFileSync(path.join(opsDir, f), "utf8") }));

describe("docs/operations", () => {
    it("has every runbook", () => {
        for (const name of runbooks) expect(existsSync(path.join(opsDir, `${name}.md`)), `${name}.md`).toBe(true);
    });

    it("links only to files that exist", () => {
        const broken: string[] = [];
        for (const d of docs) {
            for (const m of d.text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
                const target = m[1];
                if (/^[a-z]+:/.test(target)) continue;
                if (!existsSync(path.resolve(path.dirname(d.file), target))) broken.push(`${path.basename(d.file)} → ${target}`);
            }
        }
        expect(broken).toEqual([]);
    });

    it("names only repository paths that exist", () => {
        const roots = ["components/", "scripts/", "alerts/", "dashboards/", "policies/", ".github/", "docs/", "test/"];
        const missing: string[] = [];
        for (const d of docs) {
            for (const m of d.text.matchAll(/`([.\w/-]+\.(?:ts|ya?ml|json|sh|md|Dockerfile))`/g)) {
                const p = m[1];
                if (!roots.some((r) => p.startsWith(r)) || p.includes("<")) continue;
                if (!existsSync(path.join(repoRoot, p))) missing.push(`${path.basename(d.file)}: ${p}`);
            }
        }
        expect(missing).toEqual([]);
    });

    it("names the workflows that exist", () => {
        const workflows = new Set(readdirSync(path.join(repoRoot, ".github/workflows")));
        const named = new Set(docs.flatMap((d) => [...d.text.matchAll(/\b([a-z-]+\.yml)\b/g)].map((m) => m[1])));
        const unknown = [...named].filter((w) => !workflows.has(w) && !/^(Pulumi|PulumiPolicy)/.test(w));
        expect(unknown).toEqual([]);
    });
});
