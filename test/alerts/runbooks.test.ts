// docs/runbooks/: one runbook per alert name, generated, complete and up to date.
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { catalog } from "../../model/catalog";
import { isAlertRule, renderRunbooks, ruleGroups, runbookSections } from "../../alerts";
import { runbookDirectory, writeRunbooks } from "../../alerts/runbook-files";
import { realInputs, tempDir } from "./support";

const regenerate = "regenerate with `npx vite-node alerts/write-runbooks.ts` (make runbooks)";
const alertNamesInRules = [...new Set(ruleGroups(realInputs).flatMap((g) => g.rules).filter(isAlertRule).map((a) => a.alert))];
const generated = renderRunbooks(catalog);

function section(text: string, heading: string): string {
    const start = text.indexOf(`${heading}\n`);
    if (start < 0) return "";
    const rest = text.slice(start + heading.length + 1);
    const next = rest.search(/^## /m);
    return next < 0 ? rest : rest.slice(0, next);
}

describe("docs/runbooks", () => {
    it.each(alertNamesInRules)("has a runbook for %s", (name) => {
        expect(existsSync(join(runbookDirectory, `${name}.md`)), `docs/runbooks/${name}.md is missing; ${regenerate}`).toBe(true);
    });

    it.each(alertNamesInRules)("the runbook of %s says what it means, what to check with commands, and what to do", (name) => {
        const text = readFileSync(join(runbookDirectory, `${name}.md`), "utf8");
        for (const heading of runbookSections) expect(text, `${name}.md lacks "${heading}"`).toContain(`\n${heading}\n`);
        expect(section(text, "## Meaning").trim().length, `${name}: Meaning`).toBeGreaterThan(40);
        expect(section(text, "## Check"), `${name}: Check has no command block`).toMatch(/```(sh|promql|logql)\n.+/);
        expect(section(text, "## Act"), `${name}: Act has no action`).toMatch(/^- .{20,}/m);
        expect(text, `${name}: the generated rule is shown`).toContain("## Rule");
    });

    it("matches the generator output exactly", () => {
        for (const [file, text] of Object.entries(generated)) {
            const path = join(runbookDirectory, file);
            const onDisk = existsSync(path) ? readFileSync(path, "utf8") : "";
            expect(onDisk === text, `docs/runbooks/${file} is out of date; ${regenerate}`).toBe(true);
        }
    });

    it("holds no runbook for an alert that no longer exists", () => {
        const stale = readdirSync(runbookDirectory).filter((f) => f.endsWith(".md") && !(f in generated));
        expect(stale, regenerate).toEqual([]);
    });

    it("links only to runbooks that exist", () => {
        for (const [file, text] of Object.entries(generated)) {
            for (const [, target] of text.matchAll(/\]\(([A-Za-z0-9]+\.md)\)/g)) {
                expect(target && target in generated, `${file} links to missing ${target}`).toBe(true);
            }
        }
    });

    it("lists every alert in the README index", () => {
        const index = generated["README.md"] ?? "";
        for (const name of alertNamesInRules) expect(index).toContain(`[${name}](${name}.md)`);
    });

    it("is rewritten by writeRunbooks, which also removes runbooks of retired alerts", () => {
        const dir = tempDir("azora-runbooks-");
        writeFileSync(join(dir, "RetiredAlert.md"), "# RetiredAlert\n");
        const written = writeRunbooks(catalog, dir);
        expect(written.sort()).toEqual(Object.keys(generated).sort());
        expect(readdirSync(dir).sort()).toEqual(Object.keys(generated).sort());
    });
});
