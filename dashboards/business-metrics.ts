// Business metrics: every counter in the catalog's businessMetrics (enrollments, payments,
// assessments, ledger writes, searches, builds, provider calls, sign-ins…): volume over the time
// range, rate by outcome against last week, and failure ratio.

import type { BusinessMetric, ServiceSpec } from "../model/catalog";
import { assemble, promql, statPanel, timeseriesPanel, type Section } from "./panels";
import { quote } from "../model/promql";
import { RATE } from "./promql";
import { units, type dashboard } from "./sdk";

interface BusinessMetricRef {
    service: ServiceSpec;
    metric: BusinessMetric;
}

function businessMetricsOf(services: readonly ServiceSpec[]): BusinessMetricRef[] {
    return services.flatMap((service) => service.businessMetrics.map((metric) => ({ service, metric })));
}

function selector(ref: BusinessMetricRef, failedOnly = false): string {
    const failed = failedOnly ? `, ${ref.metric.outcomeLabel}="failed"` : "";
    return `${ref.metric.metric}{job=${quote(ref.service.name)}${failed}}`;
}

function failureRatio(ref: BusinessMetricRef, window: string): string {
    return `sum(rate(${selector(ref, true)}[${window}])) / sum(rate(${selector(ref)}[${window}]))`;
}

function metricSection(ref: BusinessMetricRef): Section {
    const { metric, service } = ref;
    return {
        title: `${metric.title} (${service.name})`,
        panels: [
            timeseriesPanel({
                title: `${metric.title}: rate by ${metric.outcomeLabel}`,
                description: `${metric.metric} per second by ${metric.outcomeLabel}, with the total a week ago for comparison.`,
                queries: [
                    promql(`sum by (${metric.outcomeLabel}) (rate(${selector(ref)}[${RATE}]))`, `{{${metric.outcomeLabel}}}`),
                    promql(`sum(rate(${selector(ref)}[${RATE}] offset 1w))`, "total a week ago"),
                ],
                unit: units.OpsPerSecond,
                min: 0,
                width: 12,
            }),
            timeseriesPanel({
                title: `${metric.title}: failure ratio`,
                description: `Share of ${metric.metric} with ${metric.outcomeLabel}="failed".`,
                queries: [promql(failureRatio(ref, RATE), "failure ratio")],
                unit: units.PercentUnit,
                min: 0,
                threshold: 0.05,
                width: 12,
            }),
        ],
    };
}

export function businessMetrics(services: readonly ServiceSpec[]): dashboard.Dashboard {
    const refs = businessMetricsOf(services);
    if (refs.length === 0) throw new Error("business metrics dashboard: the catalog declares no businessMetrics");
    const summary: Section = {
        title: "Summary (time range)",
        panels: [
            statPanel({
                title: "Volume",
                description: "Operations counted over the dashboard's time range, per business metric.",
                queries: refs.map((r) =>
                    promql(`sum(increase(${selector(r)}[$__range]))`, r.metric.title, { instant: true }),
                ),
                unit: units.Short,
                decimals: 0,
                width: 12,
                height: 6,
            }),
            statPanel({
                title: "Failure ratio",
                description: 'Share of failed operations (outcome label "failed") over the time range.',
                queries: refs.map((r) => promql(failureRatio(r, "$__range"), r.metric.title, { instant: true })),
                unit: units.PercentUnit,
                decimals: 2,
                threshold: 0.05,
                width: 12,
                height: 6,
            }),
        ],
    };
    return assemble({
        id: "businessMetrics",
        description: "Business operations declared in the service catalog: volume, outcomes and failures.",
        refresh: "5m",
        from: "now-7d",
        sections: [summary, ...refs.map(metricSection)],
    });
}
