import { describe, expect, it } from "vitest";
import { catalog, type ServiceSpec } from "../../model/catalog";
import { buildDashboards, dashboardIds, listExpressions, panelsOf, queriesOf } from "../../dashboards";
import { certManager, certManagerScrape, edgeRouteLabel, envoy, envoyInternalListenersRe, envoyLabels, envoyProxyScrape } from "../../model/edge-metrics";
import { cadvisor, kubeState, nodeExporter } from "../../model/kube-metrics";
import { clusterExporters, exporterJobs } from "../../model/workloads";
import { memoryLimitRecord } from "../../model/metrics";
import { alternation } from "../../model/promql";
import { sloObjectiveRecord, sloPeriodRecordNames, sloRules } from "../../model/slo";
import { dashboardByUid, builtDashboards, targetsOf } from "./fixtures";

function expressionsOf(uid: string, services: readonly ServiceSpec[] = catalog): string[] {
    return listExpressions(builtDashboards(services))
        .filter((q) => q.dashboardUid === uid)
        .map((q) => q.expr);
}

const redAndSaturationMetrics = [
    "http_requests_total",
    "http_request_duration_seconds_bucket",
    "process_cpu_seconds_total",
    "process_resident_memory_bytes",
    "nodejs_eventloop_lag_seconds",
];

const newService: ServiceSpec = {
    ...catalog[2],
    name: "azora-library",
    description: "Reading lists (a service the catalog does not have yet).",
    calls: ["auth-service"],
    database: { name: "library", migrateCommand: ["node", "dist/migrate.js", "up"] },
    businessMetrics: [{ metric: "azora_books_borrowed_total", outcomeLabel: "result", title: "Loans" }],
};

describe("dashboards derived from the service catalog", () => {
    it("give every catalog service an option of the service variable, and one detail row repeated over it", () => {
        const perf = dashboardByUid(builtDashboards(), dashboardIds.servicePerformance.uid);
        const rows = panelsOf(perf).filter((p) => p.isRow);
        const variable = (perf.templating as { list: { name: string; query: string }[] }).list.find((v) => v.name === "service");
        for (const s of catalog) expect(variable?.query.split(",")).toContain(s.name);
        expect(rows.filter((r) => r.panel.repeat === "service").map((r) => r.title)).toEqual(["$service"]);
        expect(rows.map((r) => r.title).filter((t) => catalog.some((s) => t.includes(s.name)))).toEqual([]);
    });

    it("fill the repeated row with RED and saturation queries for the selected service's job only", () => {
        const perf = dashboardByUid(builtDashboards(), dashboardIds.servicePerformance.uid);
        const inRow = panelsOf(perf).filter((p) => p.row === "$service" && !p.isRow);
        const exprs = queriesOf([perf]).filter((q) => inRow.some((p) => p.title === q.panel)).map((q) => q.expr);
        for (const metric of redAndSaturationMetrics) {
            expect(exprs.some((e) => e.includes(`${metric}{job="$service"`)), `the row reads ${metric}`).toBe(true);
        }
        for (const q of [0.5, 0.95, 0.99]) expect(exprs.some((e) => e.startsWith(`histogram_quantile(${q},`))).toBe(true);
        expect(exprs.filter((e) => /job(?!="\$service")[!=~]/.test(e)), "the row only queries the selected job").toEqual([]);
    });

    it("draw each service's thresholds from series (SLO records, the memory-limit record, kube-state-metrics), not per-service literals", () => {
        const perf = dashboardByUid(builtDashboards(), dashboardIds.servicePerformance.uid);
        const inRow = panelsOf(perf).filter((p) => p.row === "$service" && !p.isRow);
        const exprs = queriesOf([perf]).filter((q) => inRow.some((p) => p.title === q.panel)).map((q) => q.expr);
        expect(exprs).toContain(`1 - max(${sloRules.objective}{job="$service", slo="availability"})`);
        expect(exprs).toContain(`max(${sloRules.latencyThreshold}{job="$service"})`);
        expect(exprs).toContain(`max(${memoryLimitRecord}{job="$service"})`);
        expect(exprs).toContain(`max(${kubeState.containerLimits}{container="$service", resource="cpu"})`);
        const text = JSON.stringify(inRow.map((p) => ({ ...p.panel, description: undefined })));
        for (const s of catalog) expect(text, s.name).not.toContain(`"${s.name}"`);
    });

    it("show the database pool in the repeated row, naming the services that have a database", () => {
        const perf = dashboardByUid(builtDashboards(), dashboardIds.servicePerformance.uid);
        const pool = panelsOf(perf).find((p) => p.row === "$service" && p.title === "$service: database pool");
        const description = String(pool?.panel.description);
        for (const s of catalog) expect(description.includes(s.name), s.name).toBe(Boolean(s.database));
    });

    it("chart every business metric of the catalog, with its failure ratio on its outcome label", () => {
        const exprs = expressionsOf(dashboardIds.businessMetrics.uid);
        const metrics = catalog.flatMap((s) => s.businessMetrics.map((m) => ({ service: s.name, ...m })));
        expect(metrics.length).toBeGreaterThan(0);
        for (const m of metrics) {
            expect(exprs.some((e) => e.includes(`${m.metric}{job="${m.service}"}`)), m.metric).toBe(true);
            expect(exprs.some((e) => e.includes(`${m.metric}{job="${m.service}", ${m.outcomeLabel}="failed"}`)), m.metric).toBe(true);
        }
    });

    it("chart every call-graph edge and every external endpoint in Dependencies and providers", () => {
        const exprs = expressionsOf(dashboardIds.dependencies.uid);
        for (const s of catalog) {
            for (const callee of s.calls) {
                expect(exprs.some((e) => e.includes(`job="${s.name}", target=~"`) && e.includes(callee)), `${s.name} → ${callee}`).toBe(true);
            }
            for (const ep of s.externalEndpoints) {
                expect(exprs.some((e) => e.includes(`job="${s.name}", target="${ep.host}"`)), `${s.name} → ${ep.host}`).toBe(true);
            }
        }
    });

    it("budget every catalog service's SLO in one query, from the objective its SLO rules record", () => {
        const budget = expressionsOf(dashboardIds.systemOverview.uid).filter((e) => e.includes(sloPeriodRecordNames.availability));
        expect(budget).toHaveLength(1);
        expect(budget[0]).toContain(`${sloObjectiveRecord}{job=~"${catalog.map((s) => s.name).join("|")}", slo="availability"}`);
    });

    it("follow the catalog: a new service gets a variable option, its edges, pool and business metric", () => {
        const services = [...catalog, newService];
        const dashboards = builtDashboards(services);
        const perf = dashboardByUid(dashboards, dashboardIds.servicePerformance.uid);
        const variable = (perf.templating as { list: { name: string; query: string }[] }).list.find((v) => v.name === "service");
        expect(variable?.query.split(",")).toContain("azora-library");
        expect(expressionsOf(dashboardIds.businessMetrics.uid, services).some((e) => e.includes('azora_books_borrowed_total{job="azora-library", result="failed"}'))).toBe(true);
        expect(expressionsOf(dashboardIds.dependencies.uid, services).some((e) => e.includes('job="azora-library", target=~"auth-service"'))).toBe(true);
        expect(expressionsOf(dashboardIds.systemOverview.uid, services).some((e) => e.includes("azora-library"))).toBe(true);
    });

    it("refuse to build from an invalid catalog", () => {
        expect(() => buildDashboards({ services: [...catalog, { ...newService, calls: ["no-such-service"] }] })).toThrow(
            /unknown service "no-such-service"/,
        );
    });
});

describe("the dashboard set", () => {
    const files = buildDashboards({ services: catalog });
    const dashboards = builtDashboards();

    it("has the eight dashboards, one file each, named <uid>.json", () => {
        expect(Object.keys(files).sort()).toEqual(
            [
                "azora-business-metrics.json",
                "azora-compute-resources.json",
                "azora-dependencies.json",
                "azora-edge.json",
                "azora-node-overview.json",
                "azora-security.json",
                "azora-service-performance.json",
                "azora-system-overview.json",
            ],
        );
        for (const [file, text] of Object.entries(files)) expect(file).toBe(`${String((JSON.parse(text) as { uid?: unknown }).uid)}.json`);
    });

    it("gives every dashboard a unique, stable uid azora-<slug> of at most 40 characters", () => {
        const uids = dashboards.map((d) => d.uid);
        expect(new Set(uids).size).toBe(uids.length);
        for (const uid of uids) expect(uid).toMatch(/^azora-[a-z0-9-]+$/);
        for (const uid of uids) expect(String(uid).length).toBeLessThanOrEqual(40);
        expect(uids.sort()).toEqual(Object.values(dashboardIds).map((d) => d.uid).sort());
    });

    it("round-trips through JSON unchanged, and builds the same bytes every time", () => {
        for (const text of Object.values(files)) expect(`${JSON.stringify(JSON.parse(text), null, 2)}\n`).toBe(text);
        expect(buildDashboards({ services: catalog })).toEqual(files);
    });

    it("tags every dashboard azora, and sets a refresh and a relative time range", () => {
        for (const d of dashboards) {
            expect(d.tags).toEqual(["azora"]);
            expect(d.refresh).toMatch(/^\d+[smh]$/);
            expect(d.time).toEqual({ from: expect.stringMatching(/^now-\d+[mhd]$/) as unknown, to: "now" });
        }
    });

    it("links every dashboard to the others through the azora tag", () => {
        for (const d of dashboards) {
            expect(d.links).toEqual([expect.objectContaining({ type: "dashboards", tags: ["azora"], asDropdown: true, keepTime: true })]);
        }
    });

    it("drills down from the overview's per-service panels to Service performance with the service variable set", () => {
        const overview = dashboardByUid(dashboards, dashboardIds.systemOverview.uid);
        const perService = panelsOf(overview).filter((p) => p.row === "Services");
        expect(perService.length).toBeGreaterThan(3);
        for (const p of perService) {
            const links = ((p.panel.fieldConfig as { defaults: { links?: { url: string }[] } }).defaults.links ?? []).map((l) => l.url);
            expect(links, p.title).toContain("/d/azora-service-performance?var-service=${__field.labels.job}&${__url_time_range}");
        }
    });

    it("gives every panel a unique id and keeps it inside the 24-column grid", () => {
        for (const d of dashboards) {
            const panels = panelsOf(d);
            const ids = panels.map((p) => p.panel.id);
            expect(new Set(ids).size, String(d.uid)).toBe(ids.length);
            for (const p of panels) {
                const pos = p.panel.gridPos as { x: number; w: number; h: number };
                expect(pos.x + pos.w, `${String(d.uid)} › ${p.title}`).toBeLessThanOrEqual(24);
                expect(pos.h).toBeGreaterThan(0);
            }
        }
    });

    it("gives every panel a title, a description and, when it queries, refIds A, B, C… in order", () => {
        for (const d of dashboards) {
            for (const p of panelsOf(d).filter((x) => !x.isRow)) {
                expect(p.title.length, `${String(d.uid)} panel`).toBeGreaterThan(0);
                const description = p.panel.description;
                expect(typeof description === "string" ? description.length : 0, `${String(d.uid)} › ${p.title}`).toBeGreaterThan(0);
                expect(targetsOf(p.panel).map((t) => t.refId)).toEqual(targetsOf(p.panel).map((_, i) => String.fromCharCode(65 + i)));
            }
        }
    });

    it("gives panels unique titles within a dashboard, since problems name a panel by its title", () => {
        for (const d of dashboards) {
            const titles = panelsOf(d).filter((p) => !p.isRow).map((p) => p.title);
            expect(titles.filter((t, i) => titles.indexOf(t) !== i), String(d.uid)).toEqual([]);
        }
    });

    it("uses only template variables it defines (or Grafana's built-in ones)", async () => {
        const { variableProblems } = await import("../../dashboards");
        expect(variableProblems(dashboards)).toEqual([]);
    });

    it("keeps the panels of open rows at the top level (Grafana drops panels nested in an open row)", () => {
        for (const d of dashboards) {
            for (const row of panelsOf(d).filter((p) => p.isRow && p.panel.collapsed !== true)) {
                expect(row.panel.panels, `${String(d.uid)} › ${row.title}`).toEqual([]);
            }
        }
    });
});

describe("the cluster dashboards", () => {
    const dashboards = builtDashboards();
    const exprs = (uid: string) => queriesOf([dashboardByUid(dashboards, uid)]).map((q) => q.expr);
    const cadvisorJob = `job="${exporterJobs.kubelet}",metrics_path="${clusterExporters.kubelet.metricsPaths.cadvisor}"`;

    it("show compute resources at the cluster, namespace, workload and pod levels, one row each", () => {
        const rows = panelsOf(dashboardByUid(dashboards, dashboardIds.computeResources.uid)).filter((p) => p.isRow);
        expect(rows.map((r) => r.title)).toEqual(["Cluster", "Namespace: $namespace", "Workload: $workload", "Pod: $pod"]);
        const variables = (dashboardByUid(dashboards, dashboardIds.computeResources.uid).templating as { list: { name: string }[] }).list;
        expect(variables.map((v) => v.name)).toEqual(["namespace", "workload", "pod"]);
    });

    it("read usage from the kubelet's cAdvisor endpoint and requests, limits and restarts from kube-state-metrics, by their jobs", () => {
        const e = exprs(dashboardIds.computeResources.uid);
        for (const m of [cadvisor.cpuSeconds, cadvisor.memoryWorkingSet, cadvisor.throttledPeriods]) {
            expect(e.some((x) => x.includes(`${m}{${cadvisorJob}`)), m).toBe(true);
        }
        for (const m of [kubeState.containerRequests, kubeState.containerLimits, kubeState.restarts]) {
            expect(e.some((x) => x.includes(`${m}{job="${exporterJobs.kubeStateMetrics}"`)), m).toBe(true);
        }
        expect(e.some((x) => x.includes('resource="cpu"')) && e.some((x) => x.includes('resource="memory"'))).toBe(true);
    });

    it("show the selected node's CPU, load, memory, disk space and IO and network from the node exporter", () => {
        const e = exprs(dashboardIds.nodeOverview.uid);
        const metrics = [
            nodeExporter.cpuSeconds,
            nodeExporter.load1,
            nodeExporter.memoryAvailable,
            nodeExporter.filesystemAvailable,
            nodeExporter.diskIoTime,
            nodeExporter.networkReceiveBytes,
        ];
        for (const m of metrics) expect(e.some((x) => x.includes(`${m}{job="${exporterJobs.nodeExporter}",instance="$instance"`)), m).toBe(true);
    });
});

describe("the edge dashboard", () => {
    const edge = dashboardByUid(builtDashboards(), dashboardIds.edge.uid);
    const exprs = queriesOf([edge]).map((q) => q.expr);
    const proxyJob = `job="${envoyProxyScrape.job}"`;
    const clientListeners = `${envoyLabels.listener}!~"${envoyInternalListenersRe}"`;

    it("has the traffic, errors, abuse signals, latency and certificate rows, and a multi-valued route variable", () => {
        expect(panelsOf(edge).filter((p) => p.isRow).map((r) => r.title)).toEqual([
            "Traffic",
            "Errors",
            "Abuse signals (rate-limited and denied)",
            "Upstream latency",
            "Certificates",
        ]);
        type Variable = { name: string; multi: boolean; includeAll: boolean; allValue?: string; query: { query: string } };
        const variables = (edge.templating as { list: Variable[] }).list;
        expect(variables.map((v) => [v.name, v.multi, v.includeAll, v.allValue])).toEqual([["route", true, true, ".+"]]);
        expect(variables[0].query.query).toBe(`label_values(${envoy.upstreamRequests}{${proxyJob}}, ${edgeRouteLabel})`);
    });

    it("reads the proxies by their job: client series without Envoy Gateway's own listeners, route series of the selected routes", () => {
        const clientMetrics: string[] = [envoy.downstreamRequests, envoy.downstreamResponses, envoy.downstreamActiveConnections];
        const routeMetrics: string[] = [envoy.upstreamRequests, envoy.upstreamResponses, envoy.upstreamTimeBucket];
        const metrics = [envoy.serverLive, ...clientMetrics, ...routeMetrics, envoy.rateLimited, envoy.rbacDenied];
        for (const m of metrics) expect(exprs.some((e) => e.includes(`${m}{${proxyJob}`)), m).toBe(true);
        const selectors = new RegExp(`\\b(${alternation(metrics)})\\{([^}]*)\\}`, "g");
        const series = exprs.flatMap((e) => [...e.matchAll(selectors)].map((m) => ({ metric: m[1], matchers: m[2] })));
        expect(series.length).toBeGreaterThan(metrics.length);
        for (const s of series) {
            expect(s.matchers, s.metric).toContain(proxyJob);
            if (clientMetrics.includes(s.metric)) expect(s.matchers, s.metric).toContain(clientListeners);
            if (routeMetrics.includes(s.metric)) expect(s.matchers, s.metric).toContain(`${edgeRouteLabel}=~"$route"`);
        }
        for (const q of [0.5, 0.95, 0.99]) {
            expect(exprs).toContain(
                `histogram_quantile(${q}, sum by (${edgeRouteLabel}, le) (rate(${envoy.upstreamTimeBucket}{${proxyJob},${edgeRouteLabel}=~"$route"}[$__rate_interval])))`,
            );
        }
    });

    it("shows the certificates' expiry and Ready state from cert-manager's job", () => {
        for (const m of [certManager.expirationTimestamp, certManager.readyStatus]) {
            expect(exprs.some((e) => e.includes(`${m}{job="${certManagerScrape.job}"`)), m).toBe(true);
        }
    });
});
