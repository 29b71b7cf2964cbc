// Dashboards of a 200-service catalog (the bench's synthetic catalog): every one still fits the
// ConfigMap Grafana provisions it from, and Service performance does not grow with the catalog.
import { describe, expect, it } from "vitest";
import { configMapDataBudgetBytes } from "../../components/k8s/config-maps";
import { buildDashboards } from "../../dashboards";
import { syntheticCatalog } from "../../scripts/bench/synthetic-catalog";

/** The API server refuses a ConfigMap whose data exceeds 1 MiB. */
const configMapLimitBytes = 2 ** 20;

function sizes(services: number): Record<string, number> {
    const files = buildDashboards({ services: syntheticCatalog(services) });
    return Object.fromEntries(Object.entries(files).map(([file, text]) => [file, Buffer.byteLength(text)]));
}

describe("dashboards of a 200-service catalog", () => {
    const at200 = sizes(200);
    const at10 = sizes(10);

    it("each stay within the platform's ConfigMap data budget, below the API server's 1 MiB limit", () => {
        expect(configMapDataBudgetBytes).toBeLessThan(configMapLimitBytes);
        for (const [file, bytes] of Object.entries(at200)) expect(bytes, file).toBeLessThanOrEqual(configMapDataBudgetBytes);
    });

    it("keep Service performance under a tenth of the limit", () => {
        expect(at200["azora-service-performance.json"]).toBeLessThan(configMapLimitBytes / 10);
    });

    it("grow Service performance only by the service variable's options: under 200 bytes per added service", () => {
        const perService = (at200["azora-service-performance.json"] - at10["azora-service-performance.json"]) / 190;
        expect(perService).toBeLessThan(200);
    });
});
