// The Azora Grafana dashboards, built from the service catalog with the Grafana Foundation SDK.
// buildDashboards() returns file name → dashboard JSON, ready for Grafana file provisioning
// (one ConfigMap key per file). Datasources are referenced only by the UIDs of ./datasources.

import { validateCatalog, type ServiceSpec } from "../model/catalog";
import { businessMetrics } from "./business-metrics";
import { computeResources } from "./compute-resources";
import { dependencies } from "./dependencies";
import { edgeOverview } from "./edge";
import { countPanels, type DashboardCounts } from "./inspect";
import type { dashboard } from "./sdk";
import { nodeOverview } from "./node-overview";
import { securityMonitoring } from "./security";
import { servicePerformance } from "./service-performance";
import { systemOverview } from "./system-overview";

export interface DashboardInputs {
    services: readonly ServiceSpec[];
}

const builders: readonly ((services: readonly ServiceSpec[]) => dashboard.Dashboard)[] = [
    systemOverview,
    servicePerformance,
    dependencies,
    securityMonitoring,
    businessMetrics,
    // The cluster under the services: the same for any catalog.
    () => computeResources(),
    () => nodeOverview(),
    // The public edge in front of them (Envoy Gateway's proxies, cert-manager): the same for any catalog.
    () => edgeOverview(),
];

/** The dashboard models, keyed by provisioning file name (`<uid>.json`). */
function buildDashboardModels(inputs: DashboardInputs): Record<string, dashboard.Dashboard> {
    const problems = validateCatalog(inputs.services);
    if (problems.length > 0) throw new Error(`cannot build dashboards from an invalid catalog:\n${problems.join("\n")}`);
    const models: Record<string, dashboard.Dashboard> = {};
    for (const build of builders) {
        const model = build(inputs.services);
        const file = `${model.uid}.json`;
        if (models[file]) throw new Error(`two dashboards share the uid "${model.uid}"`);
        models[file] = model;
    }
    return models;
}

/** File name (e.g. `azora-system-overview.json`) → dashboard JSON for Grafana file provisioning. */
export function buildDashboards(inputs: DashboardInputs): Record<string, string> {
    const files: Record<string, string> = {};
    for (const [file, model] of Object.entries(buildDashboardModels(inputs))) {
        files[file] = `${JSON.stringify(model, null, 2)}\n`;
    }
    return files;
}

/** Number of dashboards, panels and rows (in total and per file). */
export function dashboardCounts(inputs: DashboardInputs): DashboardCounts {
    return countPanels(buildDashboards(inputs));
}

export { dashboardIds } from "./panels";
export {
    countPanels,
    datasourceProblems,
    listExpressions,
    panelsOf,
    parseDashboard,
    queriesOf,
    variableProblems,
    type DashboardCounts,
    type QueryRef,
} from "./inspect";
