// Trace collection: the OTel Collector and Jaeger v2 failing to export or refusing spans.
import type { AlertName } from "../../model/alerts";
import { by, counterSelector, regexEscape, selector } from "../../model/promql";
import { observabilityWorkloads } from "../../model/workloads";
import { lines, type RuleBuilder } from "../core/builder";
import { promql, sh } from "../core/markdown";
import { runbooks } from "../core/runbook";
import { fromAlert } from "../core/runbook-snippets";
import type { Rule } from "../core/types";
import { stackJob } from "./jobs";

/** The trace pipeline: the OTel Collector and Jaeger v2, which is built on the collector and
 *  exports the same otelcol_* metrics (its exporter writes to trace storage). */
const traceJobs = { re: [stackJob("otelCollector"), stackJob("jaeger")].map(regexEscape).join("|") };

type Traces = Extract<AlertName, "OtelCollectorExportFailures" | "OtelCollectorRefusedSpans">;

export function traceRules(rb: RuleBuilder<Traces>): Rule[] {
    const byExporter = by(["namespace", "job", "exporter"]);
    const byReceiver = by(["namespace", "job", "receiver"]);
    return [
        rb.alert({
            name: "OtelCollectorExportFailures",
            expr: lines(
                `sum ${byExporter} (rate(${selector("", {
                    __name__: { re: "otelcol_exporter_(send|enqueue)_failed_spans(_total)?" },
                    job: traceJobs,
                })}[5m]))`,
                "> 0",
            ),
            for: "15m",
            severity: "warning",
            summary: "{{ $labels.job }} exporter {{ $labels.exporter }} is dropping spans",
            description:
                "{{ $labels.job }} has failed to export (or to queue) {{ printf \"%.2f\" $value }} spans/s through " +
                "{{ $labels.exporter }} for 15 minutes: those traces are lost.",
        }),
        rb.alert({
            name: "OtelCollectorRefusedSpans",
            expr: `sum ${byReceiver} (rate(${counterSelector("otelcol_receiver_refused_spans", { job: traceJobs })}[5m])) > 0`,
            for: "10m",
            severity: "warning",
            summary: "{{ $labels.job }} receiver {{ $labels.receiver }} refuses spans",
            description:
                "Receiver {{ $labels.receiver }} of {{ $labels.job }} has refused {{ printf \"%.2f\" $value }} spans/s for 10 minutes, usually the " +
                "memory limiter pushing back: the services' SDKs drop the spans.",
        }),
    ];
}

export const traceRunbooks = runbooks<Traces>(__filename, {
    OtelCollectorExportFailures: () => ({
        meaning:
            `A trace pipeline process has been failing to export spans (or to queue them for export) for 15 minutes: ` +
            `the OpenTelemetry Collector (job «${observabilityWorkloads.otelCollector.name}», exporting to Jaeger) or ` +
            `Jaeger v2 itself (job «${observabilityWorkloads.jaeger.name}», a collector whose exporter writes to trace ` +
            "storage). The «exporter» label names the failing exporter.",
        impact: "Those spans are dropped: traces are missing or incomplete in Jaeger.",
        check: [
            fromAlert,
            promql(
                'sum by (exporter) (rate({__name__=~"otelcol_exporter_(send|enqueue)_failed_spans(_total)?", job="$JOB"}[5m]))',
                'otelcol_exporter_queue_size{job="$JOB"} / otelcol_exporter_queue_capacity{job="$JOB"}',
            ),
            sh(
                "kubectl -n $NS logs -l app.kubernetes.io/name=$JOB --since=15m --prefix | grep -iE 'export|error' | tail",
                `kubectl -n $NS get pods,pvc -l app.kubernetes.io/name=${observabilityWorkloads.jaeger.name}`,
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
            "A receiver («receiver» label) of the collector or of Jaeger has been refusing spans for 10 minutes, almost " +
            "always the memory limiter pushing back because the pipeline cannot keep up.",
        impact: "The senders drop the refused spans after their own retries (the services' SDKs, or the collector).",
        check: [
            fromAlert,
            promql(
                'sum by (receiver) (rate({__name__=~"otelcol_receiver_refused_spans(_total)?", job="$JOB"}[5m]))',
                'process_resident_memory_bytes{job="$JOB"}',
            ),
            sh("kubectl -n $NS logs -l app.kubernetes.io/name=$JOB --since=15m --prefix | grep -i 'memory' | tail"),
        ].join("\n\n"),
        act: [
            "- Exports failing too: fix those first ([OtelCollectorExportFailures](OtelCollectorExportFailures.md)), the backlog is the cause.",
            "- Sustained load: add replicas («observability.otelCollector.replicas»), lower the sampling percentage, or raise the memory limit.",
        ].join("\n"),
    }),
});
