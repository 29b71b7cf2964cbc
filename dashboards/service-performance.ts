// Service performance: RED and saturation per service.
//
// Two parts. "Selected services" compares the services picked in the `service` variable (the
// overview's drill-down sets it), one series per service. Below it, one row that Grafana repeats for
// each selected service (collapsed; open the one you need) with that service's own detail: rate by
// route, errors against its error budget, p50/p95/p99 against its latency SLO, CPU and memory against
// its limits, event-loop lag, and its database pool. The JSON holds that row once, so the dashboard's
// size does not grow with the catalog (only the variable's options do): a 200-service catalog still
// fits a ConfigMap. The thresholds each service differs by come from series (SLO recording rules,
// the memory-limit record, kube-state-metrics), never from literals per service.

import type { ServiceSpec } from "../model/catalog";
import { kubeState } from "../model/kube-metrics";
import { dbPool, http, lokiServiceLabel, memoryLimitRecord, node } from "../model/metrics";
import { sloRules, sloWindows } from "../model/slo";
import { assemble, dashboardUrl, customVariable, exploreUrl, promql, timeseriesPanel, type Section } from "./panels";
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
                promql(
                    `sum by (job) (rate(${http.requests}{${selected}, status_code=~"5.."}[${RATE}])) / ${requests}`,
                    "{{job}}",
                ),
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
                promql(`sum by (job) (${dbPool.inUse}{${selected}}) / sum by (job) (${dbPool.max}{${selected}})`, "{{job}}"),
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

/** The detail row, repeated by Grafana once per selected service (`repeat: service`): one row in the
 *  JSON whatever the catalog's size. Each service's own thresholds (error budget, latency SLO,
 *  limits) are series — recording rules and kube-state-metrics — not literals per service. */
function serviceDetailRow(services: readonly ServiceSpec[]): Section {
    const job = `job="$${SERVICE_VARIABLE}"`;
    const total = `sum(rate(${http.requests}{${job}}[${RATE}]))`;
    const buckets = `sum by (le) (rate(${http.durationBucket}{${job}}[${RATE}]))`;
    const container = `container="$${SERVICE_VARIABLE}"`;
    const withDatabase = services.filter((s) => s.database).map((s) => s.name);
    const logsAndTraces = [
        { title: "Logs of ${service}", url: exploreUrl("loki", { expr: `{${lokiServiceLabel}="$${SERVICE_VARIABLE}"}` }) },
        { title: "Traces of ${service}", url: exploreUrl("jaeger", { queryType: "search", service: `$${SERVICE_VARIABLE}` }) },
        { title: "Dependencies and providers", url: dashboardUrl("dependencies") },
    ];

    const panels: cog.Builder<dashboard.Panel>[] = [
        timeseriesPanel({
            title: "$service: requests by route",
            description: "Requests per second by route.",
            queries: [promql(`sum by (route) (rate(${http.requests}{${job}}[${RATE}]))`, "{{route}}")],
            unit: units.RequestsPerSecond,
            panelLinks: logsAndTraces,
        }),
        timeseriesPanel({
            title: "$service: errors",
            description:
                "Share of 5xx and 4xx responses, and the error budget rate: 1 minus the availability objective " +
                `the SLO rules record (${sloRules.objective}).`,
            queries: [
                promql(`sum(rate(${http.requests}{${job}, status_code=~"5.."}[${RATE}])) / ${total}`, "5xx"),
                promql(`sum(rate(${http.requests}{${job}, status_code=~"4.."}[${RATE}])) / ${total}`, "4xx"),
                promql(`1 - max(${sloRules.objective}{${job}, slo="availability"})`, "error budget rate"),
            ],
            unit: units.PercentUnit,
            min: 0,
        }),
        timeseriesPanel({
            title: "$service: latency p50 / p95 / p99",
            description: `Request duration percentiles, and the latency SLO threshold the SLO rules record (${sloRules.latencyThreshold}).`,
            queries: [
                promql(`histogram_quantile(0.5, ${buckets})`, "p50"),
                promql(`histogram_quantile(0.95, ${buckets})`, "p95"),
                promql(`histogram_quantile(0.99, ${buckets})`, "p99"),
                promql(`max(${sloRules.latencyThreshold}{${job}})`, "SLO threshold"),
            ],
            unit: units.Seconds,
            min: 0,
        }),
        timeseriesPanel({
            title: "$service: CPU per pod",
            description: `CPU cores used per pod, and the container's CPU limit as kube-state-metrics reports it (${kubeState.containerLimits}).`,
            queries: [
                promql(`sum by (pod) (rate(${node.cpuSeconds}{${job}}[${RATE}]))`, "{{pod}}"),
                promql(`max(${kubeState.containerLimits}{${container}, resource="cpu"})`, "limit"),
            ],
            unit: units.Short,
            min: 0,
        }),
        timeseriesPanel({
            title: "$service: memory (RSS) per pod",
            description: `Resident memory per pod, and the container memory limit the memory alerts divide by (${memoryLimitRecord}).`,
            queries: [
                promql(`sum by (pod) (${node.residentMemory}{${job}})`, "{{pod}}"),
                promql(`max(${memoryLimitRecord}{${job}})`, "limit"),
            ],
            unit: units.BytesIEC,
            min: 0,
        }),
        timeseriesPanel({
            title: "$service: event-loop lag per pod",
            description: "Node.js event-loop lag per pod; sustained lag delays every request of the pod.",
            queries: [promql(`max by (pod) (${node.eventLoopLag}{${job}})`, "{{pod}}")],
            unit: units.Seconds,
            min: 0,
            threshold: 0.1,
        }),
        timeseriesPanel({
            title: "$service: database pool",
            description:
                "Connection pool to the service's database: connections in use and pool size (all pods), and acquires " +
                `waiting for a free connection. Only services with a database report it: ${withDatabase.join(", ") || "none"}.`,
            queries: [
                promql(`sum(${dbPool.inUse}{${job}})`, "in use"),
                promql(`sum(${dbPool.max}{${job}})`, "pool size"),
                promql(`sum(${dbPool.pending}{${job}})`, "pending acquires"),
            ],
            unit: units.Short,
            min: 0,
            width: 24,
        }),
    ];
    return { title: "$service", panels, collapsed: true, repeat: SERVICE_VARIABLE };
}

export function servicePerformance(services: readonly ServiceSpec[]): dashboard.Dashboard {
    return assemble({
        id: "servicePerformance",
        description:
            "RED and saturation per service: compare the selected services at the top; below, one row per selected service (repeated over the service variable) with its detail.",
        refresh: "1m",
        from: "now-3h",
        variables: [
            customVariable({
                name: SERVICE_VARIABLE,
                label: "Service",
                description: "Services compared in the top row, each also getting its own detail row (from the service catalog).",
                values: services.map((s) => s.name),
                multi: true,
                includeAll: true,
            }),
        ],
        sections: [selectedServices(services), serviceDetailRow(services)],
    });
}
