// Shared helpers for the dashboard tests: the dashboards as Grafana receives them (parsed JSON),
// and a way to break one panel on purpose.

import { catalog, type ServiceSpec } from "../../model/catalog";
import { buildDashboards, panelsOf, parseDashboard } from "../../dashboards";
import type { Json } from "../../dashboards/inspect";

export function builtDashboards(services: readonly ServiceSpec[] = catalog): Json[] {
    return Object.values(buildDashboards({ services })).map(parseDashboard);
}

export function dashboardByUid(dashboards: readonly Json[], uid: string): Json {
    const found = dashboards.find((d) => d.uid === uid);
    if (!found) throw new Error(`no dashboard with uid ${uid}`);
    return found;
}

/** The JSON object of a panel (nested in a row or not), for reading or deliberately breaking it. */
export function panelJson(dashboards: readonly Json[], uid: string, title: string): Json {
    const found = panelsOf(dashboardByUid(dashboards, uid)).find((p) => p.title === title);
    if (!found) throw new Error(`no panel "${title}" in ${uid}`);
    return found.panel;
}

/** The targets of a panel, as JSON objects. */
export function targetsOf(panel: Json): Json[] {
    const targets = panel.targets;
    if (!Array.isArray(targets)) return [];
    return targets.filter((t): t is Json => typeof t === "object" && t !== null);
}
