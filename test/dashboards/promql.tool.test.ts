import { beforeAll, describe, expect, it } from "vitest";
import { listExpressions, type QueryRef } from "../../dashboards";
import type { Json } from "../../dashboards/inspect";
import { builtDashboards, panelJson, targetsOf } from "./fixtures";
import { promtoolProblems, promtoolVersion, substituteVariables, variableValues, type PromqlCheck } from "./promtool";

function promqlChecks(dashboards: readonly Json[]): PromqlCheck[] {
    const byUid = new Map(dashboards.map((d) => [d.uid, variableValues(d)]));
    return listExpressions(dashboards)
        .filter((q) => q.language === "promql")
        .map((query: QueryRef) => ({ query, expr: substituteVariables(query.expr, byUid.get(query.dashboardUid) ?? {}) }));
}

describe("PromQL of the dashboards, parsed by Prometheus' own parser (promtool check rules)", () => {
    beforeAll(() => {
        const promtool = promtoolVersion();
        if (!promtool.ok) throw new Error(promtool.message);
    });

    it("parses every PromQL expression of every dashboard", () => {
        const checks = promqlChecks(builtDashboards());
        expect(checks.length).toBeGreaterThan(50);
        expect(promtoolProblems(checks)).toEqual([]);
    });

    it("substitutes Grafana variables with valid values before parsing", () => {
        const checks = promqlChecks(builtDashboards());
        const leftovers = checks.filter((c) => /\$|\[\[/.test(c.expr));
        expect(leftovers.map((c) => `${c.query.dashboard} › ${c.query.panel}: ${c.expr}`)).toEqual([]);
        const selected = checks.find((c) => c.query.dashboardUid === "azora-service-performance" && c.query.panel === "Request rate");
        expect(selected?.expr).toContain('job=~"api-gateway"');
        expect(selected?.expr).toContain("[5m]");
    });

    it("fails on a broken expression, naming the dashboard, the panel and the query", () => {
        const dashboards = builtDashboards();
        const p95 = targetsOf(panelJson(dashboards, "azora-service-performance", "$service: latency p50 / p95 / p99"))[1];
        p95.expr = 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{job="$service"}[$__rate_interval]))';

        const problems = promtoolProblems(promqlChecks(dashboards));

        expect(problems).toHaveLength(1);
        expect(problems[0]).toContain("Azora / Service performance (azora-service-performance)");
        expect(problems[0]).toContain('panel "$service: latency p50 / p95 / p99"');
        expect(problems[0]).toContain("query B");
        expect(problems[0]).toContain("unclosed left parenthesis");
    });

    it("rejects an invalid regex in a label matcher, as Prometheus would at query time", () => {
        const query: QueryRef = { dashboard: "Test", dashboardUid: "test", panel: "Bad regex", refId: "A", language: "promql", expr: 'up{job=~"a(b"}' };
        const problems = promtoolProblems([{ query, expr: query.expr }]);
        expect(problems).toHaveLength(1);
        expect(problems[0]).toContain('panel "Bad regex"');
        expect(problems[0]).toContain("error parsing regexp");
    });
});
