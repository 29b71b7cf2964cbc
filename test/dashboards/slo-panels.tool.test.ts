// The overview's SLO panels are one query for every service, each service budgeted by its own
// catalog target through the objective the SLO rules record. Evaluated by the real promtool against
// the generated rule files and raw request counters, so the arithmetic is Prometheus', not ours.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { catalog, findService } from "../../model/catalog";
import { dashboardIds, queriesOf } from "../../dashboards";
import { run, writeRuleFiles } from "../alerts/support";
import { builtDashboards } from "./fixtures";

const overview = queriesOf(builtDashboards()).filter((q) => q.dashboardUid === dashboardIds.systemOverview.uid);
const exprOf = (panel: string): string => {
    const found = overview.filter((q) => q.panel === panel);
    expect(found, panel).toHaveLength(1);
    return found[0].expr;
};

// Two services with different targets, both failing 1 request in 2,000 (an error ratio of 0.05%).
const strict = findService(catalog, "azora-pay"); // availability 0.999: half its budget is spent
const lenient = findService(catalog, "ai-family-service"); // availability 0.99: 5% of its budget is spent

function requests(job: string, status: string, perMinute: number): { series: string; values: string } {
    return { series: `http_requests_total{job="${job}", namespace="azora", status_code="${status}"}`, values: `0+${perMinute}x40` };
}

/** promtool test rules on the generated rules, asserting `expr` per job at 30 minutes, to 3 decimals
 *  (promtool compares floats exactly, and 0.0005 / 0.001 is not exactly 0.5 in binary). */
async function evaluate(expr: string, expected: Record<string, number>) {
    const { dir, files } = writeRuleFiles();
    const cases = {
        rule_files: files,
        evaluation_interval: "1m",
        tests: [
            {
                interval: "1m",
                input_series: [strict, lenient].flatMap((s) => [requests(s.name, "200", 1999), requests(s.name, "500", 1)]),
                promql_expr_test: [
                    {
                        expr: `round((${expr}) * 1000) / 1000`,
                        eval_time: "30m",
                        exp_samples: Object.entries(expected).map(([job, value]) => ({ labels: `{job="${job}"}`, value })),
                    },
                ],
            },
        ],
    };
    writeFileSync(join(dir, "slo-panels.test.yaml"), stringify(cases));
    return run("promtool", ["test", "rules", "slo-panels.test.yaml"], dir);
}

describe("the overview's SLO panels", () => {
    it("budget every service by its own catalog target in one query", async () => {
        expect(strict.slo.availability).toBe(0.999);
        expect(lenient.slo.availability).toBe(0.99);
        const r = await evaluate(exprOf("SLO error budget remaining (30d)"), { [strict.name]: 0.5, [lenient.name]: 0.95 });
        expect(r.status, r.output).toBe(0);
    });

    it("divide each service's 5m error ratio by its own budget for the burn rate", async () => {
        const r = await evaluate(exprOf("Error budget burn rate (5m)"), { [strict.name]: 0.5, [lenient.name]: 0.05 });
        expect(r.status, r.output).toBe(0);
    });

    it("would catch a budget taken from the wrong service", async () => {
        const r = await evaluate(exprOf("SLO error budget remaining (30d)"), { [strict.name]: 0.95, [lenient.name]: 0.5 });
        expect(r.status).not.toBe(0);
        expect(r.output).toMatch(/expr: .*job:azora_slo_objective:ratio/s);
    });
});
