import { describe, expect, it } from "vitest";
import { catalog } from "../../model/catalog";
import { buildDashboards, countPanels, dashboardCounts, panelsOf, parseDashboard } from "../../dashboards";

describe("dashboard counts", () => {
    it("count five dashboards and, per dashboard, the panels (rows apart) that the JSON holds", () => {
        const files = buildDashboards({ services: catalog });
        const counts = dashboardCounts({ services: catalog });

        expect(counts.dashboards).toBe(5);
        let panels = 0;
        let rows = 0;
        for (const [file, text] of Object.entries(files)) {
            const all = panelsOf(parseDashboard(text));
            const r = all.filter((p) => p.isRow).length;
            expect(counts.byDashboard[file]).toEqual({ title: parseDashboard(text).title, panels: all.length - r, rows: r });
            panels += all.length - r;
            rows += r;
        }
        expect(counts.panels).toBe(panels);
        expect(counts.rows).toBe(rows);
        expect(countPanels(files)).toEqual(counts);
    });

    it("grow by one collapsed row of panels when the catalog gains a service", () => {
        const before = dashboardCounts({ services: catalog }).byDashboard["azora-service-performance.json"];
        const after = dashboardCounts({ services: [...catalog, { ...catalog[9], name: "azora-extra", database: undefined }] }).byDashboard[
            "azora-service-performance.json"
        ];
        expect(after.rows).toBe(before.rows + 1);
        expect(after.panels).toBe(before.panels + 6);
    });
});
