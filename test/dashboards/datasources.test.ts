import { describe, expect, it } from "vitest";
import { datasourceProblems, queriesOf } from "../../dashboards";
import { datasources } from "../../model/datasources";
import { dashboardByUid, builtDashboards, panelJson, targetsOf } from "./fixtures";

describe("datasource references of the dashboards", () => {
    it("resolve, on every panel, query, row and template variable, to a UID provisioned in model/datasources.ts", () => {
        expect(datasourceProblems(builtDashboards())).toEqual([]);
    });

    it("use each query's datasource for its language: PromQL on Prometheus, LogQL on Loki, trace search on Jaeger", () => {
        const queries = queriesOf(builtDashboards());
        expect(queries.filter((q) => q.language === "unknown")).toEqual([]);
        const languages = new Set(queries.map((q) => q.language));
        expect([...languages].sort()).toEqual(["jaeger", "logql", "promql"]);
    });

    it("never name a datasource by anything but a {uid, type} reference from datasources.ts", () => {
        const known = new Set<string>(Object.values(datasources).map((d) => d.uid));
        const text = JSON.stringify(builtDashboards());
        const uids = [...text.matchAll(/"datasource":\{"uid":"([^"]+)"/g)].map((m) => m[1]);
        expect(uids.length).toBeGreaterThan(100);
        expect(uids.filter((u) => !known.has(u))).toEqual([]);
        expect(text).not.toMatch(/"datasource":"[^"]*"/);
    });

    it("report a panel without a datasource, naming the dashboard and the panel", () => {
        const dashboards = builtDashboards();
        delete panelJson(dashboards, "azora-system-overview", "Firing alerts").datasource;

        const problems = datasourceProblems(dashboards);

        expect(problems).toEqual(['Azora / System overview (azora-system-overview) › panel "Firing alerts": no datasource']);
    });

    it("report a query whose datasource uid is not provisioned, naming dashboard, panel and query", () => {
        const dashboards = builtDashboards();
        const panel = panelJson(dashboards, "azora-business-metrics", "Payments: failure ratio");
        targetsOf(panel)[0].datasource = { uid: "prometheus-legacy", type: "prometheus" };

        const problems = datasourceProblems(dashboards);

        expect(problems).toHaveLength(1);
        expect(problems[0]).toContain('Azora / Business metrics (azora-business-metrics) › panel "Payments: failure ratio" › query A');
        expect(problems[0]).toContain('datasource uid "prometheus-legacy" is not provisioned');
    });

    it("report a reference whose type contradicts the provisioned datasource", () => {
        const dashboards = builtDashboards();
        panelJson(dashboards, "azora-security", "Auth failures (logs)").datasource = { uid: datasources.loki.uid, type: "prometheus" };

        expect(datasourceProblems(dashboards)).toEqual([
            'Azora / Security monitoring (azora-security) › panel "Auth failures (logs)": datasource "azora-loki" has type "loki", reference says "prometheus"',
        ]);
    });

    it("report a template variable or a nested (collapsed-row) panel with a datasource given by name", () => {
        const dashboards = builtDashboards();
        const perf = dashboardByUid(dashboards, "azora-service-performance");
        const templating = perf.templating as { list: Record<string, unknown>[] };
        templating.list.push({ type: "query", name: "pod", datasource: "Prometheus", query: "label_values(up, pod)" });
        panelJson(dashboards, "azora-service-performance", "$service: CPU per pod").datasource = "Prometheus";

        const problems = datasourceProblems(dashboards);

        expect(problems).toEqual([
            'Azora / Service performance (azora-service-performance) › panel "$service: CPU per pod": datasource "Prometheus" is not a {uid, type} reference',
            'Azora / Service performance (azora-service-performance) › variable "pod": datasource "Prometheus" is not a {uid, type} reference',
        ]);
    });
});
