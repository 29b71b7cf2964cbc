// System overview: is the platform healthy right now, and which service should I look at?
// Platform totals, per-service RED with drill-down to Service performance, pods up, SLO error
// budget remaining per service (from the catalog's availability targets) and firing alerts.

import type { ServiceSpec } from "../model/catalog";
import { http } from "../model/metrics";
import { durationSeconds, durationWords } from "../model/durations";
import { num } from "../model/promql";
import { pagePolicy, sloPeriod, sloRules, sloWindows } from "../model/slo";
import { assemble, dashboardUrl, promql, statPanel, tablePanel, timeseriesPanel, type DataLink } from "./panels";
import { jobsOf, RATE } from "./promql";
import { units, type dashboard } from "./sdk";

/** Drill-down from any per-service series (label `job`) to that service's performance view. */
const drillDownToService: DataLink = {
    title: "Service performance for ${__field.labels.job}",
    url: dashboardUrl("servicePerformance", { service: "${__field.labels.job}" }),
};

/** The fastest burn rate that pages: the panel's threshold line is where the page alert starts. */
const fastBurn = Math.max(...pagePolicy.conditions.map((c) => c.factor));

export function systemOverview(services: readonly ServiceSpec[]): dashboard.Dashboard {
    const jobs = jobsOf(services);
    const requests = `sum(rate(${http.requests}{${jobs}}[${RATE}]))`;
    const errors = `sum(rate(${http.requests}{${jobs}, status_code=~"5.."}[${RATE}]))`;
    const requestsByJob = `sum by (job) (rate(${http.requests}{${jobs}}[${RATE}]))`;
    const errorsByJob = `sum by (job) (rate(${http.requests}{${jobs}, status_code=~"5.."}[${RATE}]))`;
    // One query for every service, however many: each job's own budget comes from the objective the
    // SLO rules record from the catalog, matched on job.
    const perJob = (record: string) => `max by (job) (${record}{${jobs}})`;
    const budget = `(1 - max by (job) (${sloRules.objective}{${jobs}, slo="availability"}))`;

    const platform = [
        statPanel({
            title: "Request rate",
            description: "HTTP requests per second served by all platform services.",
            queries: [promql(requests)],
            unit: units.RequestsPerSecond,
        }),
        statPanel({
            title: "Error ratio (5xx)",
            description: "Share of requests answered with a 5xx status, all services together.",
            queries: [promql(`${errors} / ${requests}`)],
            unit: units.PercentUnit,
            decimals: 2,
            threshold: 0.01,
        }),
        statPanel({
            title: "p95 latency",
            description: "95th percentile request duration across all services.",
            queries: [
                promql(
                    `histogram_quantile(0.95, sum by (le) (rate(${http.durationBucket}{${jobs}}[${RATE}])))`,
                ),
            ],
            unit: units.Seconds,
            threshold: 1,
        }),
        statPanel({
            title: "Pods up",
            description: "Service pods whose /metrics endpoint Prometheus scraped successfully.",
            queries: [promql(`sum(up{${jobs}})`)],
            unit: units.Short,
        }),
        statPanel({
            title: "Pods down",
            description: "Service pods Prometheus knows about but failed to scrape.",
            queries: [promql(`count(up{${jobs}} == 0) or vector(0)`)],
            unit: units.Short,
            threshold: 1,
        }),
        statPanel({
            title: "Firing alerts",
            description: "Alerts currently firing in Prometheus (details in the table below).",
            queries: [promql(`count(ALERTS{alertstate="firing"}) or vector(0)`)],
            unit: units.Short,
            threshold: 1,
        }),
    ];

    const perService = [
        timeseriesPanel({
            title: "Request rate by service",
            description: "Requests per second per service. Click a series to open its performance view.",
            queries: [promql(requestsByJob, "{{job}}")],
            unit: units.RequestsPerSecond,
            links: [drillDownToService],
        }),
        timeseriesPanel({
            title: "Error ratio by service (5xx)",
            description: "Share of 5xx responses per service.",
            queries: [promql(`${errorsByJob} / ${requestsByJob}`, "{{job}}")],
            unit: units.PercentUnit,
            min: 0,
            links: [drillDownToService],
        }),
        timeseriesPanel({
            title: "p95 latency by service",
            description: "95th percentile request duration per service.",
            queries: [
                promql(
                    `histogram_quantile(0.95, sum by (job, le) (rate(${http.durationBucket}{${jobs}}[${RATE}])))`,
                    "{{job}}",
                ),
            ],
            unit: units.Seconds,
            links: [drillDownToService],
        }),
        statPanel({
            title: "Pods up per service",
            description: "Scraped (up) pods per service; red means no pod of the service is up.",
            queries: [promql(`sum by (job) (up{${jobs}})`, "{{job}}", { instant: true })],
            unit: units.Short,
            threshold: 1,
            lowerIsWorse: true,
            width: 12,
            height: 6,
            links: [drillDownToService],
        }),
        statPanel({
            title: `SLO error budget remaining (${sloPeriod})`,
            description:
                "1 - (30-day error ratio / error budget), per service; the budget is 1 - availability target " +
                `from the catalog (${sloRules.objective}). Reads the ${sloRules.errorRatio30d} recording rule.`,
            queries: [promql(`1 - (${perJob(sloRules.errorRatio30d)} / on (job) ${budget})`, "{{job}}", { instant: true })],
            unit: units.PercentUnit,
            decimals: 1,
            threshold: 0.25,
            lowerIsWorse: true,
            width: 12,
            height: 6,
            links: [drillDownToService],
        }),
        timeseriesPanel({
            title: `Error budget burn rate (${sloWindows[0]})`,
            description:
                "5-minute error ratio divided by the error budget, per service: 1 spends the budget exactly " +
                `over ${durationWords(sloPeriod)}, ${fastBurn} exhausts ${num((100 * fastBurn * durationSeconds("1h")) / durationSeconds(sloPeriod))}% ` +
                `of it in an hour. Reads ${sloRules.errorRatio5m}.`,
            queries: [promql(`${perJob(sloRules.errorRatio5m)} / on (job) ${budget}`, "{{job}}")],
            unit: units.Short,
            threshold: fastBurn,
            width: 24,
            links: [drillDownToService],
        }),
    ];

    const alerts = [
        tablePanel({
            title: "Firing alerts by name, severity and service",
            description: "Alerts firing now, one line per alert name, severity and service.",
            queries: [
                promql(`sum by (alertname, severity, job) (ALERTS{alertstate="firing"})`, undefined, {
                    instant: true,
                    table: true,
                }),
            ],
            hideColumns: ["Time", "Value"],
        }),
    ];

    return assemble({
        id: "systemOverview",
        description: "Platform health at a glance; drill down to a service from any per-service panel.",
        refresh: "30s",
        from: "now-6h",
        sections: [
            { title: "Platform", panels: platform },
            { title: "Services", panels: perService },
            { title: "Alerts", panels: alerts },
        ],
    });
}
