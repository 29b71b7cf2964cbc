// Panels keep working as the catalog grows: query refIds continue past Z the way Grafana numbers them.
import { describe, expect, it } from "vitest";
import { catalog, type ServiceSpec } from "../../model/catalog";
import { dashboardIds } from "../../dashboards";
import { refId } from "../../dashboards/panels";
import { builtDashboards, panelJson, targetsOf } from "./fixtures";

/** The catalog four times over (40 services), each copy calling within itself; one public gateway. */
const grown: ServiceSpec[] = [0, 1, 2, 3].flatMap((k) =>
    catalog.map((s) => ({ ...s, name: `${s.name}-${k}`, calls: s.calls.map((c) => `${c}-${k}`), public: s.public && k === 0, publicRoutes: k === 0 ? s.publicRoutes : undefined })),
);

describe("panel queries", () => {
    it("are numbered A…Z, then AA, AB… and AAA after ZZ", () => {
        expect([0, 1, 25, 26, 27, 51, 52, 701, 702].map(refId)).toEqual(["A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]);
    });

    it("are not capped at 26 when the catalog declares more business metrics than that", () => {
        const volume = panelJson(builtDashboards(grown), dashboardIds.businessMetrics.uid, "Volume");
        const ids = targetsOf(volume).map((t) => t.refId);
        expect(ids).toHaveLength(grown.flatMap((s) => s.businessMetrics).length);
        expect(ids.length).toBeGreaterThan(26);
        expect(ids.slice(24, 28)).toEqual(["Y", "Z", "AA", "AB"]);
        expect(new Set(ids).size).toBe(ids.length);
    });
});
