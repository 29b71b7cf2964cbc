// Reads dashboard JSON (as provisioned) back: flattens panels (rows included), lists every query
// with the dashboard and panel it belongs to, and checks datasource and variable references.
// It works on parsed JSON, not on builder objects, so it checks exactly what Grafana receives —
// and a hand-broken dashboard in a test goes through the same code.

import { datasources } from "../model/datasources";

export type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function records(value: unknown): Json[] {
    return Array.isArray(value) ? value.filter(isRecord) : [];
}

function str(value: unknown): string | undefined {
    return typeof value === "string" ? value : undefined;
}

export function parseDashboard(text: string): Json {
    const parsed: unknown = JSON.parse(text);
    if (!isRecord(parsed)) throw new Error("dashboard JSON is not an object");
    return parsed;
}

/** "Title (uid)" — how problems name a dashboard. */
function dashboardLabel(d: Json): string {
    return `${str(d.title) ?? "<untitled>"} (${str(d.uid) ?? "<no uid>"})`;
}

export interface PanelRef {
    dashboard: Json;
    /** Title of the row the panel sits in, if any. */
    row?: string;
    panel: Json;
    title: string;
    isRow: boolean;
}

/** Every panel in layout order; rows, and the panels collapsed rows hold, included. */
export function panelsOf(d: Json): PanelRef[] {
    const out: PanelRef[] = [];
    let row: string | undefined;
    for (const panel of records(d.panels)) {
        const title = str(panel.title) ?? `<untitled panel ${String(panel.id)}>`;
        if (panel.type === "row") {
            row = title;
            out.push({ dashboard: d, panel, title, isRow: true });
            for (const nested of records(panel.panels)) {
                out.push({ dashboard: d, row, panel: nested, title: str(nested.title) ?? "<untitled>", isRow: false });
            }
        } else {
            out.push({ dashboard: d, row, panel, title, isRow: false });
        }
    }
    return out;
}

type QueryLanguage = "promql" | "logql" | "jaeger" | "unknown";

export interface QueryRef {
    dashboard: string;
    dashboardUid: string;
    panel: string;
    refId: string;
    language: QueryLanguage;
    /** The PromQL/LogQL text, or for a Jaeger search its `service` field. */
    expr: string;
}

const knownTypes = new Map<string, string>(Object.values(datasources).map((d) => [d.uid, d.type]));

function datasourceType(ref: unknown): string | undefined {
    if (!isRecord(ref)) return undefined;
    const uid = str(ref.uid);
    return (uid && knownTypes.get(uid)) ?? str(ref.type);
}

function languageOf(type: string | undefined): QueryLanguage {
    switch (type) {
        case "prometheus":
            return "promql";
        case "loki":
            return "logql";
        case "jaeger":
            return "jaeger";
        default:
            return "unknown";
    }
}

function panelQueries(p: PanelRef): QueryRef[] {
    return records(p.panel.targets).map((target) => {
        const language = languageOf(datasourceType(target.datasource) ?? datasourceType(p.panel.datasource));
        return {
            dashboard: str(p.dashboard.title) ?? "<untitled>",
            dashboardUid: str(p.dashboard.uid) ?? "<no uid>",
            panel: p.title,
            refId: str(target.refId) ?? "?",
            language,
            expr: str(language === "jaeger" ? target.service : target.expr) ?? "",
        };
    });
}

/** Every query of every panel, with its dashboard, panel title, refId and language. */
export function queriesOf(dashboards: readonly Json[]): QueryRef[] {
    return dashboards.flatMap((d) => panelsOf(d).flatMap(panelQueries));
}

/** The PromQL and LogQL expressions only: what a query parser has to accept. */
export function listExpressions(dashboards: readonly Json[]): QueryRef[] {
    return queriesOf(dashboards).filter((q) => q.language === "promql" || q.language === "logql");
}

function refProblem(where: string, ref: unknown, known: ReadonlyMap<string, string>): string | undefined {
    if (ref === undefined || ref === null) return `${where}: no datasource`;
    if (!isRecord(ref)) return `${where}: datasource ${JSON.stringify(ref)} is not a {uid, type} reference`;
    const uid = str(ref.uid);
    if (!uid) return `${where}: datasource reference without a uid`;
    const type = known.get(uid);
    if (type === undefined) {
        return `${where}: datasource uid "${uid}" is not provisioned (known: ${[...known.keys()].join(", ")})`;
    }
    if (ref.type !== undefined && ref.type !== type) {
        return `${where}: datasource "${uid}" has type "${type}", reference says ${JSON.stringify(ref.type)}`;
    }
    return undefined;
}

/**
 * Datasource references that do not resolve to a UID of ./datasources (or the given set): on
 * panels with queries, on every query, on rows, template variables and annotations. Each problem
 * names the dashboard and the panel (or variable) it is in.
 */
export function datasourceProblems(
    dashboards: readonly Json[],
    known: ReadonlyMap<string, string> = knownTypes,
): string[] {
    const problems: string[] = [];
    const check = (where: string, ref: unknown) => {
        const problem = refProblem(where, ref, known);
        if (problem) problems.push(problem);
    };
    for (const d of dashboards) {
        const name = dashboardLabel(d);
        for (const p of panelsOf(d)) {
            const where = `${name} › ${p.isRow ? "row" : "panel"} "${p.title}"`;
            const targets = records(p.panel.targets);
            if (targets.length > 0 || p.panel.datasource !== undefined) check(where, p.panel.datasource);
            for (const t of targets) check(`${where} › query ${str(t.refId) ?? "?"}`, t.datasource);
        }
        const templating = isRecord(d.templating) ? d.templating : {};
        for (const v of records(templating.list)) {
            const where = `${name} › variable "${str(v.name) ?? "?"}"`;
            if (v.type === "query" || v.type === "adhoc" || v.datasource !== undefined) check(where, v.datasource);
        }
        const annotations = isRecord(d.annotations) ? d.annotations : {};
        for (const a of records(annotations.list)) {
            check(`${name} › annotation "${str(a.name) ?? "?"}"`, a.datasource);
        }
    }
    return problems;
}

/** Grafana's built-in variables (global and data-link ones) a query or link may use. */
const builtinVariables = new Set([
    "__rate_interval",
    "__rate_interval_ms",
    "__interval",
    "__interval_ms",
    "__range",
    "__range_s",
    "__range_ms",
    "__auto",
    "__from",
    "__to",
    "__now",
    "__timezone",
    "__dashboard",
    "__org",
    "__user",
    "__name",
    "__field",
    "__series",
    "__value",
    "__data",
    "__url_time_range",
    "__all",
]);

/** Names of the variables referenced in a string: $name, ${name}, ${name:format}, [[name]], ${__field.labels.x}. */
function variableReferences(text: string): string[] {
    const names: string[] = [];
    for (const m of text.matchAll(/\$\{([\w.]+)(?::[^}]*)?\}|\[\[(\w+)\]\]|\$(\w+)/g)) {
        const name = (m[1] ?? m[2] ?? m[3] ?? "").split(".")[0];
        if (name) names.push(name);
    }
    return names;
}

function variableNames(d: Json): string[] {
    const templating = isRecord(d.templating) ? d.templating : {};
    return records(templating.list)
        .map((v) => str(v.name))
        .filter((n): n is string => n !== undefined);
}

/** Queries and panel titles that use a variable the dashboard does not define (nor Grafana). */
export function variableProblems(dashboards: readonly Json[]): string[] {
    const problems: string[] = [];
    for (const d of dashboards) {
        const defined = new Set([...variableNames(d), ...builtinVariables]);
        for (const p of panelsOf(d)) {
            const texts = [p.title, ...panelQueries(p).map((q) => q.expr)];
            for (const name of new Set(texts.flatMap(variableReferences))) {
                if (!defined.has(name)) {
                    problems.push(`${dashboardLabel(d)} › panel "${p.title}": uses undefined variable $${name}`);
                }
            }
        }
    }
    return problems;
}

export interface DashboardCounts {
    dashboards: number;
    /** Panels that show data (rows not counted). */
    panels: number;
    rows: number;
    byDashboard: Record<string, { title: string; panels: number; rows: number }>;
}

/** Number of dashboards, panels and rows of a set of dashboard files (file name → JSON). */
export function countPanels(files: Record<string, string>): DashboardCounts {
    const counts: DashboardCounts = { dashboards: 0, panels: 0, rows: 0, byDashboard: {} };
    for (const [file, text] of Object.entries(files)) {
        const d = parseDashboard(text);
        const all = panelsOf(d);
        const rows = all.filter((p) => p.isRow).length;
        const panels = all.length - rows;
        counts.dashboards += 1;
        counts.panels += panels;
        counts.rows += rows;
        counts.byDashboard[file] = { title: str(d.title) ?? file, panels, rows };
    }
    return counts;
}
