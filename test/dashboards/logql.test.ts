import { describe, expect, it } from "vitest";
import { listExpressions } from "../../dashboards";
import type { QueryRef } from "../../dashboards/inspect";
import { builtDashboards, panelJson, targetsOf } from "./fixtures";
import { checkLogql } from "./logql";

/** One problem per LogQL expression the structural parser rejects, naming dashboard, panel and query. */
function logqlProblems(queries: readonly QueryRef[]): string[] {
    return queries
        .filter((q) => q.language === "logql")
        .flatMap((q) => {
            try {
                checkLogql(q.expr);
                return [];
            } catch (e) {
                return [`${q.dashboard} (${q.dashboardUid}) › panel "${q.panel}" › query ${q.refId}: ${(e as Error).message}\n    expr: ${q.expr}`];
            }
        });
}

describe("LogQL of the dashboards (structural parser; no Loki parser is packaged for Debian)", () => {
    it("parses every LogQL expression of every dashboard", () => {
        const queries = listExpressions(builtDashboards()).filter((q) => q.language === "logql");
        expect(queries.length).toBeGreaterThan(0);
        expect(logqlProblems(queries)).toEqual([]);
    });

    it("tells log queries from metric queries", () => {
        expect(checkLogql('{app="auth-service"} | json | outcome="failed"')).toBe("log");
        expect(checkLogql('sum by (app) (count_over_time({app=~"a|b"} |= "x" [$__interval]))')).toBe("metric");
        expect(checkLogql('sum(rate({app="a"}[5m])) / sum(rate({app="b"}[5m]))')).toBe("metric");
        expect(checkLogql('avg_over_time({app="a"} | logfmt | unwrap duration_ms [1m])')).toBe("metric");
    });

    it.each([
        ['{app="auth-service" | json', /expected \}/],
        ['{app="auth-service"} | json | outcome=', /needs a value/],
        ['{app=~".*"}', /does not match the empty string/],
        ['{app=~"a(b"}', /invalid regex/],
        ['{app="a"} |~ "(unclosed"', /invalid regex/],
        ['count_over_time({app="a"})', /expected \[/],
        ['sum_over_time({app="a"}[1m])', /unwrap/],
        ['sum(count_over_time({app="a"}[1m])', /expected \)/],
        ['{app="a"} | frobnicate', /unknown pipeline stage/],
        ['{app="a"} | json | latency > "slow"', /compares numbers/],
        ['{app="a"} / 2', /needs metric queries/],
    ])("rejects the malformed query %s", (expr, reason) => {
        expect(() => checkLogql(expr)).toThrow(reason);
    });

    it("fails on a broken expression, naming the dashboard, the panel and the query", () => {
        const dashboards = builtDashboards();
        const [target] = targetsOf(panelJson(dashboards, "azora-security", "Auth failures (logs)"));
        target.expr = '{app=~"auth-service" | json';

        const problems = logqlProblems(listExpressions(dashboards));

        expect(problems).toHaveLength(1);
        expect(problems[0]).toContain("Azora / Security monitoring (azora-security)");
        expect(problems[0]).toContain('panel "Auth failures (logs)"');
        expect(problems[0]).toContain("query A");
    });
});
