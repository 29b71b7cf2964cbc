// The catalog's structural checks: what a hand-edited catalog must not get wrong.
import { describe, expect, it } from "vitest";
import { catalog, validateCatalog } from "../../model/catalog";

describe("validateCatalog", () => {
    it("accepts the committed catalog", () => {
        expect(validateCatalog(catalog)).toEqual([]);
    });

    it("gives every service a liveness path of its own, apart from its readiness path", () => {
        for (const s of catalog) expect(s.health.liveness, s.name).not.toBe(s.health.readiness);
    });

    it("refuses a service whose liveness probe would check what readiness checks, naming it", () => {
        const [first, ...rest] = catalog;
        const shared = { ...first, health: { ...first.health, liveness: first.health.readiness } };
        expect(validateCatalog([shared, ...rest])).toEqual([
            `catalog: ${first.name}.health.liveness and .readiness are both "${first.health.readiness}"; ` +
                "liveness restarts the container, so it must be its own path that checks no dependency",
        ]);
    });
});
