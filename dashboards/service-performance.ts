// Service performance: RED and saturation per service.
//
// Two parts. "Selected services" compares the services picked in the `service` variable (the
// overview's drill-down sets it), one series per service. Below it, one generated row per catalog
// service (collapsed; open the one you need) with that service's own detail: rate by route,
// errors against its SLO budget, p50/p95/p99 against its latency SLO, CPU and memory against its
// limits, event-loop lag, and its database pool when the catalog gives it a database.

import type { ServiceSpec } from "../model/catalog";
import { dbPool, http, lokiServiceLabel, node } from "../model/metrics";
import { sloRules, sloWindows } from "../model/slo";
import { assemble, dashboardUrl, customVariable, exploreUrl, promql, timeseriesPanel, type Section } from "./panels";
import { num, quote } from "../model/promql";
import { cpuCores, memoryBytes } from "../model/quantity";
import { RATE } from "./promql";
import { units, type cog, type dashboard } from "./sdk";

const SERVICE_VARIABLE = "service";

const selected = `job=~"$${SERVICE_VARIABLE}"`;

function selectedServices(services: readonly ServiceSpec[]): Section {
    const requests = `sum by (job) (rate(${http.requests}{${selected}}[${RATE}]))`;
    const panels = [
        timeseriesPanel({
            title: "Request rate",
            description: "Requests per second per selected service.",
            queries: [promql(requests, "{{job}}")],
            unit: units.RequestsPerSecond,
            width: 6,
        }),
        timeseriesPanel({
            title: "Error ratio (5xx)",
            description: "Share of 5xx responses per selected service.",
            queries: [
                promql(`sum by (job) (rate(${http.requests}{${selected}, status_code=~"5.."}[${RATE}])) / ${requests}`, "{{job}}"),
            ],
            unit: units.PercentUnit,
            min: 0,
            width: 6,
        }),
        timeseriesPanel({
            title: "p95 latency",
            description: "95th percentile request duration per selected service.",
            queries: [
                promql(
                    `histogram_quantile(0.95, sum by (job, le) (rate(${http.durationBucket}{${selected}}[${RATE}])))`,
                    "{{job}}",
                ),
            ],
            unit: units.Seconds,
            width: 6,
        }),
        timeseriesPanel({
            title: `Availability SLI error ratio (${sloWindows[0]})`,
            description: `The SLO recording rule ${sloRules.errorRatio5m} per selected service.`,
            queries: [promql(`${sloRules.errorRatio5m}{${selected}}`, "{{job}}")],
            unit: units.PercentUnit,
            min: 0,
            width: 6,
        }),
        timeseriesPanel({
            title: "CPU",
            description: "CPU cores used per selected service (all pods).",
            queries: [promql(`sum by (job) (rate(${node.cpuSeconds}{${selected}}[${RATE}]))`, "{{job}}")],
            unit: units.Short,
            min: 0,
            width: 6,
        }),
        timeseriesPanel({
            title: "Memory (RSS)",
            description: "Resident memory of the busiest pod per selected service.",
            queries: [promql(`max by (job) (${node.residentMemory}{${selected}})`, "{{job}}")],
            unit: units.BytesIEC,
            min: 0,
            width: 6,
        }),
        timeseriesPanel({
            title: "Event-loop lag",
            description: "Worst event-loop lag across the pods of each selected service.",
            queries: [promql(`max by (job) (${node.eventLoopLag}{${selected}})`, "{{job}}")],
            unit: units.Seconds,
            min: 0,
            width: 6,
        }),
        timeseriesPanel({
            title: "DB pool utilization",
            description:
                "Connections in use / pool size. Only services with a database report it: " +
                services
                    .filter((s) => s.database)
                    .map((s) => s.name)
                    .join(", ") +
                ".",
            queries: [
                promql(
                    `sum by (job) (${dbPool.inUse}{${selected}}) / sum by (job) (${dbPool.max}{${selected}})`,
                    "{{job}}",
                ),
            ],
            unit: units.PercentUnit,
            min: 0,
            max: 1,
            threshold: 0.8,
            width: 6,
        }),
    ];
    return { title: "Selected services: $service", panels };
}

function serviceRow(s: ServiceSpec): Section {
    const job = `job=${quote(s.name)}`;
    const budget = 1 - s.slo.availability;
    const total = `sum(rate(${http.requests}{${job}}[${RATE}]))`;
    const buckets = `sum by (le) (rate(${http.durationBucket}{${job}}[${RATE}]))`;
    const cpuLimit = cpuCores(s.resources.limits.cpu);
    const memoryLimit = memoryBytes(s.resources.limits.memory);
    const logsAndTraces = [
        {
            title: `Logs of ${s.name}`,
            url: exploreUrl("loki", { expr: `{${lokiServiceLabel}=${quote(s.name)}}` }),
        },
        {
            title: `Traces of ${s.name}`,
            url: exploreUrl("jaeger", { queryType: "search", service: s.name }),
        },
        { title: "Dependencies and providers", url: dashboardUrl("dependencies") },
    ];

    const panels: cog.Builder<dashboard.Panel>[] = [
        timeseriesPanel({
            title: `${s.name}: requests by route`,
            description: `${s.description} Requests per second by route.`,
            queries: [promql(`sum by (route) (rate(${http.requests}{${job}}[${RATE}]))`, "{{route}}")],
            unit: units.RequestsPerSecond,
            panelLinks: logsAndTraces,
        }),
        timeseriesPanel({
            title: `${s.name}: errors`,
            description:
                `Share of 5xx and 4xx responses. The dashed line is the error budget rate ` +
                `(availability SLO ${num(s.slo.availability * 100)}% → ${num(budget * 100)}% errors).`,
            queries: [
                promql(`sum(rate(${http.requests}{${job}, status_code=~"5.."}[${RATE}])) / ${total}`, "5xx"),
                promql(`sum(rate(${http.requests}{${job}, status_code=~"4.."}[${RATE}])) / ${total}`, "4xx"),
            ],
            unit: units.PercentUnit,
            min: 0,
            threshold: budget,
        }),
        timeseriesPanel({
            title: `${s.name}: latency p50 / p95 / p99`,
            description:
                `Request duration percentiles. The dashed line is the latency SLO threshold: ` +
                `${num(s.slo.latency.target * 100)}% of requests faster than ${num(s.slo.latency.thresholdSeconds)}s.`,
            queries: [
                promql(`histogram_quantile(0.5, ${buckets})`, "p50"),
                promql(`histogram_quantile(0.95, ${buckets})`, "p95"),
                promql(`histogram_quantile(0.99, ${buckets})`, "p99"),
            ],
            unit: units.Seconds,
            min: 0,
            threshold: s.slo.latency.thresholdSeconds,
        }),
        timeseriesPanel({
            title: `${s.name}: CPU per pod`,
            description: `CPU cores used per pod; the dashed line is the container limit (${s.resources.limits.cpu}).`,
            queries: [promql(`sum by (pod) (rate(${node.cpuSeconds}{${job}}[${RATE}]))`, "{{pod}}")],
            unit: units.Short,
            min: 0,
            threshold: cpuLimit,
        }),
        timeseriesPanel({
            title: `${s.name}: memory (RSS) per pod`,
            description: `Resident memory per pod; the dashed line is the container limit (${s.resources.limits.memory}).`,
            queries: [promql(`sum by (pod) (${node.residentMemory}{${job}})`, "{{pod}}")],
            unit: units.BytesIEC,
            min: 0,
            threshold: memoryLimit,
        }),
        timeseriesPanel({
            title: `${s.name}: event-loop lag per pod`,
            description: "Node.js event-loop lag per pod; sustained lag delays every request of the pod.",
            queries: [promql(`max by (pod) (${node.eventLoopLag}{${job}})`, "{{pod}}")],
            unit: units.Seconds,
            min: 0,
            threshold: 0.1,
        }),
    ];
    if (s.database) {
        panels.push(
            timeseriesPanel({
                title: `${s.name}: database pool (${s.database.name})`,
                description:
                    `Connection pool to the "${s.database.name}" database: connections in use and pool size ` +
                    "(all pods), and acquires waiting for a free connection.",
                queries: [
                    promql(`sum(${dbPool.inUse}{${job}})`, "in use"),
                    promql(`sum(${dbPool.max}{${job}})`, "pool size"),
                    promql(`sum(${dbPool.pending}{${job}})`, "pending acquires"),
                ],
                unit: units.Short,
                min: 0,
                width: 24,
            }),
        );
    }
    return { title: s.name, panels, collapsed: true };
}

export function servicePerformance(services: readonly ServiceSpec[]): dashboard.Dashboard {
    return assemble({
        id: "servicePerformance",
        description:
            "RED and saturation per service: compare the selected services at the top, open a service's row for its detail.",
        refresh: "1m",
        from: "now-3h",
        variables: [
            customVariable({
                name: SERVICE_VARIABLE,
                label: "Service",
                description: "Services compared in the top row (from the service catalog).",
                values: services.map((s) => s.name),
                multi: true,
                includeAll: true,
            }),
        ],
        sections: [selectedServices(services), ...services.map(serviceRow)],
    });
}
