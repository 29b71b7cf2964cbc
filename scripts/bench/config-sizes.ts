// The largest generated ConfigMaps (Prometheus rules: the rule files packed into ConfigMaps; Grafana:
// one per dashboard) for synthetic catalogs, with the local stack's settings, built exactly as
// components/platform.ts builds them. Previews render nothing, so the bench checks here that the
// objects would still fit the API server's 1 MiB ConfigMap limit (render mode does not enforce it).
//   node scripts/bench/run-bundled.js scripts/bench/config-sizes.ts <n> [<n>…]
import { renderRuleFiles } from "../../alerts";
import { parsePlatformConfig } from "../../components/config";
import { configMapDataBudgetBytes, packFiles } from "../../components/k8s/config-maps";
import { memoryLimitBytes } from "../../components/services/sizing";
import { buildDashboards } from "../../dashboards";
import { localStackConfig } from "./mock-eval-config";
import { syntheticCatalog } from "./synthetic-catalog";

export interface ConfigSizes {
    services: number;
    /** Bytes of data in the largest Prometheus rules ConfigMap. */
    rulesBytes: number;
    /** How many ConfigMaps the rule files are packed into. */
    rulesConfigMaps: number;
    /** The largest dashboard ConfigMap: name and bytes. */
    largestDashboard: { name: string; bytes: number };
}

const sizes = process.argv.filter((a) => /^[0-9]+$/.test(a)).map(Number);
const out: ConfigSizes[] = [];
for (const n of sizes.length > 0 ? sizes : [10]) {
    const services = syntheticCatalog(n);
    const settings = parsePlatformConfig("local", localStackConfig(), services);
    const rules = renderRuleFiles(
        {
            services,
            memoryLimitBytes: memoryLimitBytes(services, settings.workloads),
            runbookBaseUrl: settings.observability.runbookBaseUrl,
        },
        configMapDataBudgetBytes,
    );
    const ruleMaps = packFiles(rules);
    const dataBytes = (data: Record<string, string>) => Object.values(data).reduce((sum, t) => sum + Buffer.byteLength(t), 0);
    const dashboards = buildDashboards({ services });
    const [name, text] = Object.entries(dashboards).sort(([, a], [, b]) => b.length - a.length)[0];
    out.push({
        services: n,
        rulesBytes: Math.max(...ruleMaps.map(dataBytes)),
        rulesConfigMaps: ruleMaps.length,
        largestDashboard: { name, bytes: Buffer.byteLength(text) },
    });
}
console.log(`BENCH_RESULT ${JSON.stringify(out)}`);
