// Shared building blocks: datasource references (only from ./datasources), query and panel
// factories over the Grafana Foundation SDK builders, sections (rows), links and the dashboard
// shell every Azora dashboard shares (uid, tags, refresh, time range, navigation links).

import { datasources, type DatasourceKey, type DatasourceRef } from "../model/datasources";
import { cog, common, dashboard, logs, loki, prometheus, stat, table, timeseries } from "./sdk";

/** The only way a dashboard names a datasource: by a UID provisioned from ./datasources. */
function datasourceRef(key: DatasourceKey): DatasourceRef {
    return { uid: datasources[key].uid, type: datasources[key].type };
}

// ---------------------------------------------------------------------------------------------
// Dashboards of the set: uid, title and the file Grafana provisions it from.

export const dashboardIds = {
    systemOverview: { uid: "azora-system-overview", title: "Azora / System overview" },
    servicePerformance: { uid: "azora-service-performance", title: "Azora / Service performance" },
    dependencies: { uid: "azora-dependencies", title: "Azora / Dependencies and providers" },
    security: { uid: "azora-security", title: "Azora / Security monitoring" },
    businessMetrics: { uid: "azora-business-metrics", title: "Azora / Business metrics" },
    computeResources: { uid: "azora-compute-resources", title: "Azora / Kubernetes compute resources" },
    nodeOverview: { uid: "azora-node-overview", title: "Azora / Node overview" },
    edge: { uid: "azora-edge", title: "Azora / Edge" },
} as const;

export type DashboardId = keyof typeof dashboardIds;

/** Tag shared by every Azora dashboard; the navigation dropdown lists dashboards by it. */
const AZORA_TAG = "azora";

/** URL of a dashboard of the set, keeping the time range; `vars` become `var-<name>=<value>`. */
export function dashboardUrl(id: DashboardId, vars: Record<string, string> = {}): string {
    const params = Object.entries(vars).map(([name, value]) => `var-${name}=${value}`);
    params.push("${__url_time_range}");
    return `/d/${dashboardIds[id].uid}?${params.join("&")}`;
}

/** Grafana Explore URL for one query against a provisioned datasource. Grafana template tokens
 *  such as `${__field.labels.job}` are left unencoded so Grafana interpolates them. */
export function exploreUrl(key: DatasourceKey, query: Record<string, unknown>): string {
    const pane = {
        datasource: datasources[key].uid,
        queries: [{ refId: "A", datasource: datasourceRef(key), ...query }],
        range: { from: "${__from}", to: "${__to}" },
    };
    const encoded = encodeURIComponent(JSON.stringify({ a: pane }));
    return `/explore?schemaVersion=1&orgId=1&panes=${encoded.replace(/%24%7B([\w.:]+)%7D/g, "$${$1}")}`;
}

// ---------------------------------------------------------------------------------------------
// Queries

export interface PromQuery {
    kind: "prometheus";
    expr: string;
    legend?: string;
    /** Evaluate once at the end of the range (stats, tables) instead of as a range query. */
    instant?: boolean;
    table?: boolean;
}

export interface LokiQuery {
    kind: "loki";
    expr: string;
    legend?: string;
    maxLines?: number;
}

/** Jaeger trace search; the SDK has no Jaeger query builder, so this one is local. */
interface JaegerSearch {
    kind: "jaeger";
    service: string;
    tags?: string;
    limit?: number;
}

type Query = PromQuery | LokiQuery | JaegerSearch;

export function promql(expr: string, legend?: string, options: { instant?: boolean; table?: boolean } = {}): PromQuery {
    return { kind: "prometheus", expr, legend, ...options };
}

export function logql(expr: string, legend?: string, maxLines?: number): LokiQuery {
    return { kind: "loki", expr, legend, maxLines };
}

interface JaegerDataquery extends cog.Dataquery {
    refId: string;
    datasource: DatasourceRef;
    queryType: "search";
    service: string;
    tags?: string;
    limit?: number;
}

class JaegerSearchBuilder implements cog.Builder<cog.Dataquery> {
    constructor(
        private readonly search: JaegerSearch,
        private readonly refId: string,
    ) {}

    build(): cog.Dataquery {
        const query: JaegerDataquery = {
            refId: this.refId,
            datasource: datasourceRef("jaeger"),
            queryType: "search",
            service: this.search.service,
            tags: this.search.tags,
            limit: this.search.limit,
            _implementsDataqueryVariant() {},
        };
        return query;
    }
}

function queryBuilder(query: Query, refId: string): cog.Builder<cog.Dataquery> {
    switch (query.kind) {
        case "prometheus": {
            const b = new prometheus.DataqueryBuilder()
                .refId(refId)
                .datasource(datasourceRef("prometheus"))
                .editorMode(prometheus.QueryEditorMode.Code)
                .expr(query.expr);
            if (query.legend !== undefined) b.legendFormat(query.legend);
            if (query.instant) b.instant();
            else b.range();
            if (query.table) b.format(prometheus.PromQueryFormat.Table);
            return b;
        }
        case "loki": {
            const b = new loki.DataqueryBuilder()
                .refId(refId)
                .datasource(datasourceRef("loki"))
                .editorMode(loki.QueryEditorMode.Code)
                .expr(query.expr);
            if (query.legend !== undefined) b.legendFormat(query.legend);
            if (query.maxLines !== undefined) b.maxLines(query.maxLines);
            return b;
        }
        case "jaeger":
            return new JaegerSearchBuilder(query, refId);
    }
}

/** Every query of a panel goes to one datasource, which is also the panel's datasource. */
function panelDatasource(title: string, queries: readonly Query[]): DatasourceRef {
    const kinds = new Set(queries.map((q) => q.kind));
    const [kind] = [...kinds];
    if (kinds.size !== 1 || kind === undefined) {
        throw new Error(`panel "${title}" must query exactly one datasource, got: ${[...kinds].join(", ") || "none"}`);
    }
    return datasourceRef(kind);
}

/** Grafana's own refId sequence: A…Z, then AA, AB…, so a panel is not capped at 26 queries. */
export function refId(index: number): string {
    let id = "";
    for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) id = String.fromCharCode(65 + ((n - 1) % 26)) + id;
    return id;
}

function refIds(queries: readonly Query[]): cog.Builder<cog.Dataquery>[] {
    return queries.map((q, i) => queryBuilder(q, refId(i)));
}

// ---------------------------------------------------------------------------------------------
// Panels

export interface DataLink {
    title: string;
    url: string;
    newTab?: boolean;
}

export interface PanelSpec {
    title: string;
    description: string;
    queries: Query[];
    /** Grid width (of 24) and height. */
    width?: number;
    height?: number;
    unit?: string;
    min?: number;
    max?: number;
    decimals?: number;
    /** Values at or above turn the panel (stat) or draw a dashed line (time series). */
    threshold?: number;
    /** Stats where lower is worse (budget remaining, pods up): red below `threshold`. */
    lowerIsWorse?: boolean;
    /** Data links on the panel's series (may use ${__field.labels.<name>}). */
    links?: DataLink[];
    /** Links in the panel header. */
    panelLinks?: DataLink[];
}

function dataLinks(links: readonly DataLink[]): cog.Builder<dashboard.DashboardLink>[] {
    return links.map((l) =>
        new dashboard.DashboardLinkBuilder(l.title)
            .type(dashboard.DashboardLinkType.Link)
            .url(l.url)
            .targetBlank(l.newTab ?? false),
    );
}

function thresholds(spec: PanelSpec): dashboard.ThresholdsConfigBuilder {
    const good = "green";
    const bad = "red";
    const steps: dashboard.Threshold[] =
        spec.threshold === undefined
            ? [{ value: null, color: good }]
            : spec.lowerIsWorse
              ? [
                    { value: null, color: bad },
                    { value: spec.threshold, color: good },
                ]
              : [
                    { value: null, color: good },
                    { value: spec.threshold, color: bad },
                ];
    return new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(steps);
}

/** Settings every panel kind shares; generic over the SDK's panel builders, which all have them. */
interface CommonPanelBuilder<T> {
    title(title: string): T;
    description(description: string): T;
    datasource(datasource: common.DataSourceRef): T;
    targets(targets: cog.Builder<cog.Dataquery>[]): T;
    span(w: number): T;
    height(h: number): T;
    unit(unit: string): T;
    min(min: number): T;
    max(max: number): T;
    decimals(decimals: number): T;
    thresholds(thresholds: cog.Builder<dashboard.ThresholdsConfig>): T;
    dataLinks(links: cog.Builder<dashboard.DashboardLink>[]): T;
    links(links: cog.Builder<dashboard.DashboardLink>[]): T;
}

function applyCommon<T extends CommonPanelBuilder<T>>(b: T, spec: PanelSpec, defaults: { w: number; h: number }): T {
    b.title(spec.title)
        .description(spec.description)
        .datasource(panelDatasource(spec.title, spec.queries))
        .targets(refIds(spec.queries))
        .span(spec.width ?? defaults.w)
        .height(spec.height ?? defaults.h)
        .thresholds(thresholds(spec));
    if (spec.unit !== undefined) b.unit(spec.unit);
    if (spec.min !== undefined) b.min(spec.min);
    if (spec.max !== undefined) b.max(spec.max);
    if (spec.decimals !== undefined) b.decimals(spec.decimals);
    if (spec.links?.length) b.dataLinks(dataLinks(spec.links));
    if (spec.panelLinks?.length) b.links(dataLinks(spec.panelLinks));
    return b;
}

export function timeseriesPanel(spec: PanelSpec): timeseries.PanelBuilder {
    const b = applyCommon(new timeseries.PanelBuilder(), spec, { w: 8, h: 8 })
        .lineWidth(1)
        .fillOpacity(10)
        .showPoints(common.VisibilityMode.Never)
        .legend(
            new common.VizLegendOptionsBuilder()
                .showLegend(true)
                .displayMode(common.LegendDisplayMode.List)
                .placement(common.LegendPlacement.Bottom),
        )
        .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending));
    if (spec.threshold !== undefined) {
        b.thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed));
    }
    return b;
}

export function statPanel(spec: PanelSpec): stat.PanelBuilder {
    return applyCommon(new stat.PanelBuilder(), spec, { w: 4, h: 4 })
        .graphMode(common.BigValueGraphMode.Area)
        .colorMode(common.BigValueColorMode.Value)
        .textMode(common.BigValueTextMode.Auto)
        .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(["lastNotNull"]).values(false));
}

export function tablePanel(spec: PanelSpec & { hideColumns?: string[] }): table.PanelBuilder {
    const b = applyCommon(new table.PanelBuilder(), spec, { w: 24, h: 8 }).showHeader(true).filterable(true);
    if (spec.hideColumns?.length) {
        b.withTransformation({
            id: "organize",
            options: { excludeByName: Object.fromEntries(spec.hideColumns.map((c) => [c, true])) },
        });
    }
    return b;
}

export function logsPanel(spec: PanelSpec): logs.PanelBuilder {
    return applyCommon(new logs.PanelBuilder(), spec, { w: 24, h: 10 })
        .showTime(true)
        .wrapLogMessage(true)
        .enableLogDetails(true)
        .sortOrder(common.LogsSortOrder.Descending);
}

// ---------------------------------------------------------------------------------------------
// Sections and the dashboard shell

export interface Section {
    title: string;
    panels: cog.Builder<dashboard.Panel>[];
    /** Collapsed rows keep their panels inside the row (Grafana drops panels nested in an open row). */
    collapsed?: boolean;
    /** Variable the row is repeated over, once per selected value (Grafana row `repeat`). @default none */
    repeat?: string;
}

export interface DashboardShell {
    id: DashboardId;
    description: string;
    refresh: string;
    from: string;
    variables?: cog.Builder<dashboard.VariableModel>[];
    sections: Section[];
}

function navigationLinks(): cog.Builder<dashboard.DashboardLink>[] {
    return [
        new dashboard.DashboardLinkBuilder("Azora dashboards")
            .type(dashboard.DashboardLinkType.Dashboards)
            .tags([AZORA_TAG])
            .asDropdown(true)
            .keepTime(true)
            .includeVars(false)
            .targetBlank(false),
    ];
}

/** Builds the dashboard model: shared settings, sections in order, stable panel ids. */
export function assemble(shell: DashboardShell): dashboard.Dashboard {
    const { uid, title } = dashboardIds[shell.id];
    const b = new dashboard.DashboardBuilder(title)
        .uid(uid)
        .description(shell.description)
        .tags([AZORA_TAG])
        .refresh(shell.refresh)
        .time({ from: shell.from, to: "now" })
        .timezone("browser")
        .tooltip(dashboard.DashboardCursorSync.Crosshair)
        .links(navigationLinks());
    for (const variable of shell.variables ?? []) b.withVariable(variable);
    for (const section of shell.sections) {
        if (section.collapsed) {
            const row = new dashboard.RowBuilder(section.title).collapsed(true);
            if (section.repeat) row.repeat(section.repeat);
            for (const p of section.panels) row.withPanel(p);
            b.withRow(row);
        } else {
            b.withRow(new dashboard.RowBuilder(section.title).collapsed(false));
            for (const p of section.panels) b.withPanel(p);
        }
    }
    const model = b.build();
    // The SDK defaults dashboard links to placement "inControlsMenu", which newer Grafana hides in
    // the controls dropdown; the navigation links belong in the dashboard's top bar.
    for (const link of model.links ?? []) delete link.placement;
    assignPanelIds(model);
    return model;
}

/** Ids in layout order (rows and their nested panels included), so links like `viewPanel=` stay stable. */
function assignPanelIds(model: dashboard.Dashboard): void {
    let next = 1;
    for (const panel of model.panels ?? []) {
        panel.id = next++;
        if (panel.type === "row" && "panels" in panel) {
            for (const nested of panel.panels) nested.id = next++;
        }
    }
}

/** A custom (static) variable whose options are given here; the first one is selected unless `all`. */
export function customVariable(spec: {
    name: string;
    label: string;
    description: string;
    values: readonly string[];
    multi?: boolean;
    includeAll?: boolean;
}): dashboard.CustomVariableBuilder {
    if (spec.values.length === 0) throw new Error(`variable "${spec.name}" has no values`);
    const all = spec.includeAll ?? false;
    const current: dashboard.VariableOption = all
        ? { text: ["All"], value: ["$__all"], selected: true }
        : { text: spec.values[0], value: spec.values[0], selected: true };
    const options: dashboard.VariableOption[] = [
        ...(all ? [{ text: "All", value: "$__all", selected: true }] : []),
        ...spec.values.map((v, i) => ({ text: v, value: v, selected: !all && i === 0 })),
    ];
    return new dashboard.CustomVariableBuilder(spec.name)
        .label(spec.label)
        .description(spec.description)
        .values(spec.values.join(","))
        .multi(spec.multi ?? false)
        .includeAll(all)
        .allowCustomValue(false)
        .current(current)
        .options(options);
}

/**
 * A Prometheus query variable: its options are the values of `labelName` on the series `selector`
 * selects (`label_values`), refreshed with the time range, sorted, single-valued unless `all` is given.
 */
export function queryVariable(spec: {
    name: string;
    label: string;
    description: string;
    selector: string;
    labelName: string;
    /** Multi-valued, with an "All" option (selected at first) that stands for the regex `allValue`
     *  (queries then match with `=~`). @default single-valued, no "All" */
    all?: { allValue: string };
}): dashboard.QueryVariableBuilder {
    const query = `label_values(${spec.selector}, ${spec.labelName})`;
    const b = new dashboard.QueryVariableBuilder(spec.name)
        .label(spec.label)
        .description(spec.description)
        .datasource(datasourceRef("prometheus"))
        .query({ qryType: 1, query, refId: "PrometheusVariableQueryEditor-VariableQuery" })
        .definition(query)
        .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
        .sort(dashboard.VariableSort.AlphabeticalAsc)
        .multi(spec.all !== undefined)
        .includeAll(spec.all !== undefined);
    if (spec.all) b.allValue(spec.all.allValue).current({ text: ["All"], value: ["$__all"], selected: true });
    return b;
}
