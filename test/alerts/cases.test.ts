// The hand-written promtool cases next to each part (alerts/<part>/<family>.test.yaml), read as
// data: together they cover every alert name, firing and quiet, each case file testing only alerts
// of the module it sits next to. promtool runs them in promtool.tool.test.ts.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { z } from "zod";
import { renderRuleFiles, runbookSources } from "../../alerts";
import { alertNames } from "../../model/alerts";
import { alertsDir, promtoolCaseFiles, realInputs, runbookBaseUrl } from "./support";

const expectedAlert = z.object({
    exp_labels: z.record(z.string(), z.string()).optional(),
    exp_annotations: z.record(z.string(), z.string()).optional(),
});
const caseFile = z.object({
    rule_files: z.array(z.string()),
    evaluation_interval: z.string().optional(),
    tests: z.array(
        z.object({
            name: z.string(),
            alert_rule_test: z
                .array(z.object({ eval_time: z.string(), alertname: z.string(), exp_alerts: z.array(expectedAlert).nullish() }))
                .optional(),
            promql_expr_test: z.array(z.unknown()).optional(),
        }),
    ),
});
type CaseFile = z.infer<typeof caseFile>;
const cases: Record<string, CaseFile> = Object.fromEntries(
    promtoolCaseFiles.map((f) => [f, caseFile.parse(parse(readFileSync(join(alertsDir, f), "utf8")))]),
);
const alertTests = Object.values(cases).flatMap((c) => c.tests.flatMap((t) => t.alert_rule_test ?? []));

describe("the hand-written promtool cases", () => {
    it("reference only rule files that renderRuleFiles produces", () => {
        const produced = Object.keys(renderRuleFiles(realInputs));
        for (const [file, c] of Object.entries(cases)) {
            for (const ref of c.rule_files) expect(produced, `${file} references ${ref}`).toContain(ref);
        }
    });

    it("sit next to the part that raises the alerts they test: alerts/<part>/<family>.test.yaml tests alerts/<part>/<family>.ts", () => {
        const sources = runbookSources();
        for (const [file, c] of Object.entries(cases)) {
            const part = `alerts/${file.replace(/\.test\.yaml$/, ".ts")}`;
            for (const t of c.tests.flatMap((x) => x.alert_rule_test ?? [])) {
                expect(sources[t.alertname as keyof typeof sources], `${file} tests ${t.alertname}`).toBe(part);
            }
        }
    });

    it("have, for every alert name, a case where it fires", () => {
        const firing = new Set(alertTests.filter((t) => (t.exp_alerts ?? []).length > 0).map((t) => t.alertname));
        expect(alertNames.filter((n) => !firing.has(n))).toEqual([]);
    });

    it("have, for every alert name but the always-firing Watchdog, a case where it stays quiet", () => {
        const quiet = new Set(alertTests.filter((t) => (t.exp_alerts ?? []).length === 0).map((t) => t.alertname));
        expect(alertNames.filter((n) => n !== "Watchdog" && !quiet.has(n))).toEqual([]);
    });

    it("expect severity, summary, description and the alert's own runbook_url in every firing case", () => {
        for (const t of alertTests) {
            for (const exp of t.exp_alerts ?? []) {
                const where = `${t.alertname} at ${t.eval_time}`;
                expect(Object.keys(exp.exp_labels ?? {}), where).toContain("severity");
                expect(exp.exp_annotations?.summary, where).toBeTruthy();
                expect(exp.exp_annotations?.description, where).toBeTruthy();
                expect(exp.exp_annotations?.runbook_url, where).toBe(`${runbookBaseUrl}/${t.alertname}.md`);
            }
        }
    });

    it("test both the page and the ticket of the availability and latency SLO alerts, firing and quiet", () => {
        for (const name of ["AzoraAvailabilityBudgetBurn", "AzoraLatencyBudgetBurn"]) {
            const fired = alertTests.filter((t) => t.alertname === name).flatMap((t) => t.exp_alerts ?? []);
            expect(fired.map((e) => e.exp_labels?.urgency).sort(), name).toEqual(expect.arrayContaining(["page", "ticket"]));
            expect(alertTests.some((t) => t.alertname === name && (t.exp_alerts ?? []).length === 0), name).toBe(true);
            // a case where the ticket fires and the page does not
            const ticketOnly = alertTests.filter(
                (t) =>
                    t.alertname === name &&
                    (t.exp_alerts ?? []).length > 0 &&
                    (t.exp_alerts ?? []).every((e) => e.exp_labels?.urgency === "ticket"),
            );
            expect(ticketOnly.length, name).toBeGreaterThan(0);
        }
    });
});
