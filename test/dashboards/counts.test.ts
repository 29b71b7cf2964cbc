// The dashboard counts, checked against numbers that do not come from the code under test: a
// two-service catalog worked out by hand from the builders, and for the real catalog a count of
// the JSON by its own traversal (not panelsOf's).
import { describe, expect, it } from "vitest";
import { catalog, findService } from "../../model/catalog";
import { buildDashboards, countPanels, dashboardCounts, type DashboardCounts } from "../../dashboards";

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Every element of every `panels` array anywhere in the JSON: panels, rows, and the panels rows hold. */
function layoutItems(node: unknown): Json[] {
    if (Array.isArray(node)) return node.flatMap((element: unknown) => layoutItems(element));
    if (!isObject(node)) return [];
    return Object.entries(node).flatMap(([key, value]) => [
        ...(key === "panels" && Array.isArray(value) ? value.filter(isObject) : []),
        ...layoutItems(value),
    ]);
}

describe("dashboard counts", () => {
    it("count a two-service catalog's dashboards as worked out by hand", () => {
        // The gateway (no database) calling auth-service (a database, one external provider, one
        // business metric): the smallest catalog every dashboard section has something to show for.
        const gateway = { ...findService(catalog, "api-gateway"), calls: ["auth-service"] };
        const services = [gateway, findService(catalog, "auth-service")];
        expect(dashboardCounts({ services })).toEqual({
            dashboards: 8,
            panels: 13 + 15 + 11 + 18 + 4 + 16 + 8 + 17,
            rows: 3 + 2 + 4 + 6 + 2 + 4 + 3 + 5,
            byDashboard: {
                // Rows Platform (6 stats), Services (6 panels), Alerts (1 table): the same for any catalog.
                "azora-system-overview.json": { title: "Azora / System overview", panels: 13, rows: 3 },
                // Row "Selected services" (8 panels), then one collapsed row repeated over the service
                // variable holding the detail (7 panels, the database pool included): the same for any catalog.
                "azora-service-performance.json": { title: "Azora / Service performance", panels: 8 + 7, rows: 2 },
                // Call graph: 2 panels for the one caller + "Calls to undeclared targets"; External
                // providers 3; Database pools 2; Traces 3.
                "azora-dependencies.json": { title: "Azora / Dependencies and providers", panels: 3 + 3 + 2 + 3, rows: 4 },
                // Summary 6, Authentication 2, HTTP denials 3, Rate limiting 2, log-derived Clients and error
                // lines 3, Logs 2: the same for any catalog.
                "azora-security.json": { title: "Azora / Security monitoring", panels: 18, rows: 6 },
                // Summary (2 stats) and one row of 2 panels for auth-service's one business metric.
                "azora-business-metrics.json": { title: "Azora / Business metrics", panels: 2 + 2, rows: 2 },
                // Cluster, namespace, workload and pod rows of 4 panels each: the same for any catalog.
                "azora-compute-resources.json": { title: "Azora / Kubernetes compute resources", panels: 16, rows: 4 },
                // CPU and memory 3, Disks 3, Network 2: the same for any catalog.
                "azora-node-overview.json": { title: "Azora / Node overview", panels: 8, rows: 3 },
                // Traffic 3 (proxies live, requests by route, client connections), Errors 4 (client classes,
                // client 4xx/5xx ratio, 4xx and 5xx by route), Abuse signals 4 (rate-limited and denied, each a
                // rate and a share), Upstream latency 3 (p50, p95, p99), Certificates 3: the same for any catalog.
                "azora-edge.json": { title: "Azora / Edge", panels: 3 + 4 + 4 + 3 + 3, rows: 5 },
            },
        });
    });

    it("count eight dashboards and, per dashboard, the panels (rows apart) that the JSON holds", () => {
        const files = buildDashboards({ services: catalog });
        const expected: DashboardCounts = { dashboards: 8, panels: 0, rows: 0, byDashboard: {} };
        for (const [file, text] of Object.entries(files)) {
            const json: unknown = JSON.parse(text);
            const items = layoutItems(json);
            const rows = items.filter((i) => i.type === "row").length;
            const title = isObject(json) ? json.title : undefined;
            expected.byDashboard[file] = { title: typeof title === "string" ? title : "", panels: items.length - rows, rows };
            expected.panels += items.length - rows;
            expected.rows += rows;
        }
        expect(dashboardCounts({ services: catalog })).toEqual(expected);
        expect(countPanels(files)).toEqual(expected);
    });

    it("keep Service performance the same, panels and rows, when the catalog gains a service", () => {
        const before = dashboardCounts({ services: catalog }).byDashboard["azora-service-performance.json"];
        const after = dashboardCounts({ services: [...catalog, { ...catalog[9], name: "azora-extra", database: undefined }] }).byDashboard[
            "azora-service-performance.json"
        ];
        expect(after).toEqual(before);
    });
});
