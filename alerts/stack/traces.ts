// Trace collection: the OTel Collector and Jaeger v2 failing to export or refusing spans.
import type { AlertName } from "../../model/alerts";
import { node } from "../../model/metrics";
import { alternation, by, counterSelector, type MatcherValue, selector } from "../../model/promql";
import { observabilityWorkloads } from "../../model/workloads";
import { hold, type WindowedHold, lines, type RuleBuilder } from "../core/builder";
import { promql, sh } from "../core/markdown";
import { runbooks } from "../core/runbook";
import { alertJob, fromAlert, jobVar, podsOf, spaceMatchers } from "../core/runbook-snippets";
import type { Rule } from "../core/types";
import { stackJob } from "./jobs";
import { durationWords } from "../../model/durations";

/** The trace pipeline: the OTel Collector and Jaeger v2, which is built on the collector and
 *  exports the same otelcol_* metrics (its exporter writes to trace storage). */
const traceJobs = { re: alternation([stackJob("otelCollector"), stackJob("jaeger")]) };

/** The collector's own metrics the alerts and runbooks read. Names differ across releases: the
 *  export failures are matched by a name regex, the refused spans with or without `_total`. */
const traceMetrics = {
    exportFailedRe: "otelcol_exporter_(send|enqueue)_failed_spans(_total)?",
    refusedSpans: "otelcol_receiver_refused_spans",
    queueSize: "otelcol_exporter_queue_size",
    queueCapacity: "otelcol_exporter_queue_capacity",
} as const;
const m = traceMetrics;

/** Any span failing export (or refused) over `window`, sustained. */
const exportFailures = { window: "5m", severity: "warning", for: "15m" } as const satisfies WindowedHold;
const refusedSpans = { window: "5m", severity: "warning", for: "10m" } as const satisfies WindowedHold;

const exportFailed = (job: MatcherValue): string => selector("", { __name__: { re: m.exportFailedRe }, job });

type Traces = Extract<AlertName, "OtelCollectorExportFailures" | "OtelCollectorRefusedSpans">;

export function traceRules(rb: RuleBuilder<Traces>): Rule[] {
    const byExporter = by(["namespace", "job", "exporter"]);
    const byReceiver = by(["namespace", "job", "receiver"]);
    return [
        rb.alert({
            name: "OtelCollectorExportFailures",
            expr: lines(
                `sum ${byExporter} (rate(${exportFailed(traceJobs)}[${exportFailures.window}]))`,
                "> 0",
            ),
            ...hold(exportFailures),
            summary: "{{ $labels.job }} exporter {{ $labels.exporter }} is dropping spans",
            description:
                "{{ $labels.job }} has failed to export (or to queue) {{ printf \"%.2f\" $value }} spans/s through " +
                `{{ $labels.exporter }} for ${durationWords(exportFailures.for)}: those traces are lost.`,
        }),
        rb.alert({
            name: "OtelCollectorRefusedSpans",
            expr: `sum ${byReceiver} (rate(${counterSelector(m.refusedSpans, { job: traceJobs })}[${refusedSpans.window}])) > 0`,
            ...hold(refusedSpans),
            summary: "{{ $labels.job }} receiver {{ $labels.receiver }} refuses spans",
            description:
                `Receiver {{ $labels.receiver }} of {{ $labels.job }} has refused {{ printf "%.2f" $value }} spans/s for ` +
                `${durationWords(refusedSpans.for)}, usually the ` +
                "memory limiter pushing back: the services' SDKs drop the spans.",
        }),
    ];
}

export const traceRunbooks = runbooks<Traces>(__filename, {
    OtelCollectorExportFailures: () => ({
        meaning:
            "A trace pipeline process has been failing to export spans (or to queue them for export) for " +
            `${durationWords(exportFailures.for)}: the OpenTelemetry Collector (job «${stackJob("otelCollector")}», exporting ` +
            `to Jaeger) or Jaeger v2 itself (job «${stackJob("jaeger")}», a collector whose exporter writes to trace ` +
            "storage). The «exporter» label names the failing exporter.",
        impact: "Those spans are dropped: traces are missing or incomplete in Jaeger.",
        check: [
            fromAlert,
            promql(
                `sum ${by(["exporter"])} (rate(${spaceMatchers(exportFailed(jobVar))}[${exportFailures.window}]))`,
                `${alertJob(m.queueSize)} / ${alertJob(m.queueCapacity)}`,
            ),
            sh(
                `kubectl -n $NS logs ${podsOf(jobVar)} --since=15m --prefix | grep -iE 'export|error' | tail`,
                `kubectl -n $NS get pods,pvc ${podsOf(stackJob("jaeger"))}`,
            ),
        ].join("\n\n"),
        act: [
            "- Collector → Jaeger failing: Jaeger down or unreachable; see [ObservabilityComponentDown](ObservabilityComponentDown.md) " +
                `and the NetworkPolicy to Jaeger's OTLP port (${observabilityWorkloads.jaeger.otlpGrpcPort}).`,
            "- Jaeger → storage failing: the badger volume is full or corrupt; expand «observability.jaeger.persistence.size» " +
                "or lower «observability.jaeger.maxTraces».",
            "- Queue full under load: lower «observability.otelCollector.samplingPercentage» or add collector replicas.",
        ].join("\n"),
    }),
    OtelCollectorRefusedSpans: () => ({
        meaning:
            `A receiver («receiver» label) of the collector or of Jaeger has been refusing spans for ${durationWords(refusedSpans.for)}, almost ` +
            "always the memory limiter pushing back because the pipeline cannot keep up.",
        impact: "The senders drop the refused spans after their own retries (the services' SDKs, or the collector).",
        check: [
            fromAlert,
            promql(
                `sum ${by(["receiver"])} (rate(${spaceMatchers(counterSelector(m.refusedSpans, { job: jobVar }))}[${refusedSpans.window}]))`,
                // The collector exports the standard process metrics, under the same names as the services.
                alertJob(node.residentMemory),
            ),
            sh(`kubectl -n $NS logs ${podsOf(jobVar)} --since=15m --prefix | grep -i 'memory' | tail`),
        ].join("\n\n"),
        act: [
            "- Exports failing too: fix those first ([OtelCollectorExportFailures](OtelCollectorExportFailures.md)), the backlog is the cause.",
            "- Sustained load: add replicas («observability.otelCollector.replicas»), lower the sampling percentage, or raise the memory limit.",
        ].join("\n"),
    }),
});
