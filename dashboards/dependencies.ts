// Dependencies and providers: the health of every edge of the catalog's call graph (client side),
// the third-party providers from the catalog's externalEndpoints, the database pools, and
// trace-derived error spans with a way into Jaeger.

import type { ServiceSpec } from "../model/catalog";
import { clientErrorStatus, dbPool, http, spanMetrics } from "../model/metrics";
import { assemble, customVariable, exploreUrl, promql, statPanel, tablePanel, timeseriesPanel, type Section } from "./panels";
import { quote } from "../model/promql";
import { jobsOf, oneOf, RATE } from "./promql";
import { units, type cog, type dashboard } from "./sdk";

const TRACE_SERVICE_VARIABLE = "trace_service";

const clientRequests = http.clientRequests;

function callGraph(services: readonly ServiceSpec[]): Section {
    const panels: cog.Builder<dashboard.Panel>[] = [];
    for (const caller of services.filter((s) => s.calls.length > 0)) {
        const edge = `job=${quote(caller.name)}, target=~${oneOf(caller.calls)}`;
        const requests = `sum by (target) (rate(${clientRequests}{${edge}}[${RATE}]))`;
        panels.push(
            timeseriesPanel({
                title: `${caller.name} → callees: request rate`,
                description: `Client-side requests per second from ${caller.name} to each callee it declares in the catalog (${caller.calls.join(", ")}).`,
                queries: [promql(requests, `${caller.name} → {{target}}`)],
                unit: units.RequestsPerSecond,
                width: 12,
            }),
            timeseriesPanel({
                title: `${caller.name} → callees: error ratio`,
                description: `Share of ${caller.name}'s calls to each callee that failed (5xx or transport error), as seen by ${caller.name}.`,
                queries: [
                    promql(
                        `sum by (target) (rate(${clientRequests}{${edge}, ${clientErrorStatus}}[${RATE}])) / ${requests}`,
                        `${caller.name} → {{target}}`,
                    ),
                ],
                unit: units.PercentUnit,
                min: 0,
                threshold: 0.05,
                width: 12,
            }),
        );
    }
    const undeclared = services.map((s) => {
        const declared = [...s.calls, ...s.externalEndpoints.map((e) => e.host)];
        const matchers = [`job=${quote(s.name)}`, ...(declared.length ? [`target!~${oneOf(declared)}`] : [])];
        return `sum by (job, target) (rate(${clientRequests}{${matchers.join(", ")}}[${RATE}]))`;
    });
    panels.push(
        timeseriesPanel({
            title: "Calls to undeclared targets",
            description:
                "Outbound calls to a service or host the caller does not declare in the catalog (calls or " +
                "externalEndpoints). NetworkPolicy egress is derived from the catalog and blocks them: each series " +
                "is a bug or a missing catalog entry.",
            queries: [promql(undeclared.join(" or "), "{{job}} → {{target}}")],
            unit: units.RequestsPerSecond,
            width: 24,
        }),
    );
    return { title: "Service calls (catalog call graph)", panels };
}

function providers(services: readonly ServiceSpec[]): Section | undefined {
    const edges = services.flatMap((s) => s.externalEndpoints.map((e) => ({ service: s, endpoint: e })));
    if (edges.length === 0) return undefined;
    const sel = (e: (typeof edges)[number], extra = "") =>
        `${clientRequests}{job=${quote(e.service.name)}, target=${quote(e.endpoint.host)}${extra}}`;
    const legend = (e: (typeof edges)[number]) => `${e.service.name} → ${e.endpoint.host} (${e.endpoint.purpose})`;
    return {
        title: "External providers",
        panels: [
            timeseriesPanel({
                title: "Provider request rate",
                description: "Calls per second to each third-party endpoint the catalog declares.",
                queries: edges.map((e) => promql(`sum(rate(${sel(e)}[${RATE}]))`, legend(e))),
                unit: units.RequestsPerSecond,
            }),
            timeseriesPanel({
                title: "Provider error ratio",
                description: "Share of calls to each provider that failed (5xx or transport error).",
                queries: edges.map((e) =>
                    promql(
                        `sum(rate(${sel(e, `, ${clientErrorStatus}`)}[${RATE}])) / sum(rate(${sel(e)}[${RATE}]))`,
                        legend(e),
                    ),
                ),
                unit: units.PercentUnit,
                min: 0,
                threshold: 0.05,
            }),
            statPanel({
                title: "Provider success ratio (time range)",
                description: "Share of successful provider calls over the dashboard's time range.",
                queries: edges.map((e) =>
                    promql(
                        `1 - (sum(increase(${sel(e, `, ${clientErrorStatus}`)}[$__range])) / sum(increase(${sel(e)}[$__range])))`,
                        legend(e),
                        { instant: true },
                    ),
                ),
                unit: units.PercentUnit,
                decimals: 2,
                threshold: 0.99,
                lowerIsWorse: true,
                width: 8,
                height: 8,
            }),
        ],
    };
}

function databases(services: readonly ServiceSpec[]): Section | undefined {
    const withDb = services.filter((s) => s.database);
    if (withDb.length === 0) return undefined;
    const dbJobs = jobsOf(withDb);
    const databasesText = withDb.map((s) => `${s.name} (database ${s.database?.name})`).join(", ");
    return {
        title: "Database pools",
        panels: [
            timeseriesPanel({
                title: "Pool utilization",
                description: `Connections in use / pool size per service with a database (all pods): ${databasesText}.`,
                queries: [promql(`sum by (job) (${dbPool.inUse}{${dbJobs}}) / sum by (job) (${dbPool.max}{${dbJobs}})`, "{{job}}")],
                unit: units.PercentUnit,
                min: 0,
                max: 1,
                threshold: 0.8,
                width: 12,
            }),
            timeseriesPanel({
                title: "Pending acquires",
                description: "Requests waiting for a free pool connection; sustained waits mean the pool is too small or queries too slow.",
                queries: [promql(`sum by (job) (${dbPool.pending}{${dbJobs}})`, "{{job}}")],
                unit: units.Short,
                min: 0,
                width: 12,
            }),
        ],
    };
}

function traces(services: readonly ServiceSpec[]): Section {
    const names = `service_name=~${oneOf(services.map((s) => s.name))}`;
    const calls = `sum by (service_name) (rate(${spanMetrics.calls}{${names}}[${RATE}]))`;
    const errors = `sum by (service_name) (rate(${spanMetrics.calls}{${names}, ${spanMetrics.errorStatus}}[${RATE}]))`;
    const toJaeger = {
        title: "Error traces of ${__field.labels.service_name} in Jaeger",
        url: exploreUrl("jaeger", { queryType: "search", service: "${__field.labels.service_name}", tags: "error=true" }),
        newTab: true,
    };
    return {
        title: "Traces",
        panels: [
            timeseriesPanel({
                title: "Error spans by service",
                description:
                    "Spans ending in error per second, from the OTel Collector's span metrics. Click a series to search its error traces in Jaeger.",
                queries: [promql(errors, "{{service_name}}")],
                unit: units.OpsPerSecond,
                links: [toJaeger],
                width: 12,
            }),
            timeseriesPanel({
                title: "Error span ratio by service",
                description: "Share of spans ending in error per service (trace-derived, includes client spans to dependencies).",
                queries: [promql(`${errors} / ${calls}`, "{{service_name}}")],
                unit: units.PercentUnit,
                min: 0,
                links: [toJaeger],
                width: 12,
            }),
            tablePanel({
                title: "Recent error traces: $trace_service",
                description: "The latest traces of the chosen service with an error span (Jaeger search).",
                queries: [{ kind: "jaeger", service: `$${TRACE_SERVICE_VARIABLE}`, tags: "error=true", limit: 20 }],
            }),
        ],
    };
}

export function dependencies(services: readonly ServiceSpec[]): dashboard.Dashboard {
    const sections = [callGraph(services), providers(services), databases(services), traces(services)];
    return assemble({
        id: "dependencies",
        description: "Call-graph edges, external providers, database pools and error traces.",
        refresh: "1m",
        from: "now-3h",
        variables: [
            customVariable({
                name: TRACE_SERVICE_VARIABLE,
                label: "Traces of",
                description: "Service whose error traces the Jaeger table lists.",
                values: services.map((s) => s.name),
            }),
        ],
        sections: sections.filter((s): s is Section => s !== undefined),
    });
}
