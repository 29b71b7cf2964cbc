// The generated rule files and the hand-written cases, run through the real promtool: `check rules`
// with every lint fatal, on the whole files and on split parts, and `test rules` on every case file
// next to its part (alerts/<part>/<family>.test.yaml).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isAlertRule, renderRuleGroups, ruleFiles, ruleGroupsByFile, type RuleGroup } from "../../alerts";
import { caseCopyName, promtoolCaseFiles, realInputs, requireTool, run, writeRuleFiles } from "./support";

describe("promtool on the generated rule files", () => {
    it("promtool is built (bash scripts/observability.sh build)", async () => {
        await requireTool("promtool");
    });

    it.each(Object.values(ruleFiles))("promtool check rules accepts %s with no lint findings", async (file) => {
        const { dir } = writeRuleFiles();
        const r = await run("promtool", ["check", "rules", "--lint=all", "--lint-fatal", file], dir);
        expect(r.status, r.output).toBe(0);
        expect(r.output).toMatch(/SUCCESS: \d+ rules found/);
    });

    it("a rule with a broken expression fails promtool check rules with a message naming the alert", async () => {
        const byFile = ruleGroupsByFile(realInputs);
        const broken: RuleGroup[] = byFile.services.map((g) => ({
            ...g,
            rules: g.rules.map((r) =>
                isAlertRule(r) && r.alert === "AzoraHighErrorRate" ? { ...r, expr: r.expr.replace(/\)\s*>/, " >") } : r,
            ),
        }));
        const { dir } = writeRuleFiles();
        writeFileSync(join(dir, "broken.rules.yaml"), renderRuleGroups(broken));
        const r = await run("promtool", ["check", "rules", "broken.rules.yaml"], dir);
        expect(r.status).not.toBe(0);
        expect(r.output).toContain('"AzoraHighErrorRate"');
        expect(r.output).toMatch(/could not parse expression/);
    });
});

describe("promtool on rule files split to fit a ConfigMap", () => {
    it("promtool check rules accepts every part, group names unique across them", async () => {
        const { dir, files } = writeRuleFiles(realInputs, false, 40 * 1024);
        const r = await run("promtool", ["check", "rules", "--lint=all", "--lint-fatal", ...files], dir);
        expect(r.status, r.output).toBe(0);
    });

});

describe("promtool test rules", () => {
    it.concurrent.for(promtoolCaseFiles)("promtool test rules passes the hand-written cases in alerts/%s", async (file, { expect }) => {
        const { dir } = writeRuleFiles(realInputs, true);
        const r = await run("promtool", ["test", "rules", caseCopyName(file)], dir);
        expect(r.status, r.output).toBe(0);
        expect(r.output).toContain("SUCCESS");
    });
});

