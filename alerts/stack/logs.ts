// Log ingestion: Loki's errors, discards, push latency and stalls, and the log shipper's delivery.
import type { AlertName, Duration, Severity } from "../../model/alerts";
import { by, num, selector } from "../../model/promql";
import { observabilityWorkloads } from "../../model/workloads";
import { type Hold, hold, type WindowedHold, rateShareAbove, type RuleBuilder } from "../core/builder";
import { addDurations, formatPercent, formatSeconds, ratioOverWindow } from "../core/format";
import { logql, promql, sh } from "../core/markdown";
import { serverErrors } from "../core/matchers";
import { runbooks } from "../core/runbook";
import { alertJob, fromAlert, loggingNs, obsNs, podsOf } from "../core/runbook-snippets";
import { byJob, up } from "../core/scrape";
import type { Rule } from "../core/types";
import { stackJob, statefulSetLogs } from "./jobs";
import { durationWords } from "../../model/durations";

/** Loki's own metrics the alerts and runbooks read. */
const lokiMetrics = {
    requestCount: "loki_request_duration_seconds_count",
    requestBucket: "loki_request_duration_seconds_bucket",
    discardedSamples: "loki_discarded_samples_total",
    linesReceived: "loki_distributor_lines_received_total",
    bytesReceived: "loki_distributor_bytes_received_total",
} as const;
/** The log shipper is Grafana Alloy: its loki.write component's metrics. */
const alloyMetrics = {
    retries: "loki_write_batch_retries_total",
    dropped: "loki_write_dropped_entries_total",
    sent: "loki_write_sent_entries_total",
    requestBucket: "loki_write_request_duration_seconds_bucket",
} as const;

/** Fluent Bit's output counters are matched too so the alert survives a change of shipper.
 *  Retries: delivery delayed. Drops: logs lost. */
const shipperRetryMetrics = `${alloyMetrics.retries}|fluentbit_output_errors_total`;
const shipperDropMetrics = `${alloyMetrics.dropped}|fluentbit_output_(retries_failed|dropped_records)_total`;

/** Loki's push routes across versions and protocols (HTTP JSON/protobuf, OTLP, gRPC). */
const lokiPushRoutes = "loki_api_v1_push|api_prom_push|otlp_v1_logs|/logproto.Pusher/Push";

/** 5xx / all requests per route over `window`. */
const lokiRequestErrors = { window: "5m", ratio: 0.1, severity: "critical", for: "15m" } as const satisfies WindowedHold & { ratio: number };
/** Any line discarded over `window`, sustained. */
const lokiDiscards = { window: "5m", severity: "warning", for: "15m" } as const satisfies WindowedHold;
/** The `quantile` of push requests over `window` above `seconds`. */
const lokiPushLatency = { window: "5m", quantile: 0.99, seconds: 1, severity: "warning", for: "15m" } as const satisfies WindowedHold & {
    quantile: number;
    seconds: number;
};
/** No line received over `window`, for `for`: nothing arrived for window + for. */
const lokiStalled = { window: "10m", severity: "warning", for: "15m" } as const satisfies WindowedHold;
/** The shipper retrying (delivery late) or dropping (logs lost), any over `window`, sustained. */
const shipperFailures = {
    window: "5m",
    retrying: { metrics: shipperRetryMetrics, severity: "warning", for: "15m" },
    dropping: { metrics: shipperDropMetrics, severity: "critical", for: "10m" },
} as const satisfies { window: Duration; retrying: Hold & { metrics: string }; dropping: Hold & { metrics: string } };

const { retrying, dropping } = shipperFailures;
const lokiJob = stackJob("loki");
const shipperJob = stackJob("logShipper");
const capitalized = (s: Severity): string => s.charAt(0).toUpperCase() + s.slice(1);

type Logs = Extract<
    AlertName,
    | "LokiRequestErrors"
    | "LokiDiscardedSamples"
    | "LokiPushLatencyHigh"
    | "LokiIngestionStalled"
    | "LogShipperOutputErrors"
>;

export function logRules(rb: RuleBuilder<Logs>): Rule[] {
    const l = (metric: string, extra: Record<string, string | { re: string }> = {}): string =>
        selector(metric, { job: lokiJob, ...extra });
    const byRoute = by(["namespace", "job", "route"]);
    return [
        rb.alert({
            name: "LokiRequestErrors",
            expr: rateShareAbove(
                byRoute,
                { bad: l(lokiMetrics.requestCount, serverErrors), all: l(lokiMetrics.requestCount), window: lokiRequestErrors.window },
                lokiRequestErrors.ratio,
            ),
            ...hold(lokiRequestErrors),
            summary: "Loki answers {{ $value | humanizePercentage }} of {{ $labels.route }} requests with 5xx",
            description:
                "{{ $value | humanizePercentage }} of Loki requests on route {{ $labels.route }} failed " +
                `${ratioOverWindow(lokiRequestErrors)}: log pushes or queries are failing.`,
        }),
        rb.alert({
            name: "LokiDiscardedSamples",
            expr: `sum ${by(["namespace", "job", "reason"])} (rate(${l(lokiMetrics.discardedSamples)}[${lokiDiscards.window}])) > 0`,
            ...hold(lokiDiscards),
            summary: "Loki discards log lines: {{ $labels.reason }}",
            description:
                `Loki has rejected {{ printf "%.2f" $value }} log lines/s for reason {{ $labels.reason }} for ` +
                `${durationWords(lokiDiscards.for)}: those lines are lost.`,
        }),
        rb.alert({
            name: "LokiPushLatencyHigh",
            expr: `histogram_quantile(${num(lokiPushLatency.quantile)}, sum ${by(["namespace", "job", "route", "le"])} (rate(${l(
                lokiMetrics.requestBucket,
                { route: { re: lokiPushRoutes } },
            )}[${lokiPushLatency.window}]))) > ${num(lokiPushLatency.seconds)}`,
            ...hold(lokiPushLatency),
            summary: `Loki p${num(lokiPushLatency.quantile * 100)} push latency is {{ $value | humanizeDuration }} on {{ $labels.route }}`,
            description:
                `The ${num(lokiPushLatency.quantile * 100)}th percentile of Loki push requests on {{ $labels.route }} has been ` +
                `{{ $value | humanizeDuration }} (above ${formatSeconds(lokiPushLatency.seconds)}) for ` +
                `${durationWords(lokiPushLatency.for)}: shippers back up and may drop logs.`,
        }),
        rb.alert({
            name: "LokiIngestionStalled",
            expr: `sum ${byJob} (rate(${l(lokiMetrics.linesReceived)}[${lokiStalled.window}])) == 0`,
            ...hold(lokiStalled),
            summary: `Loki has received no log line for ${durationWords(stalledFor)}`,
            description:
                `Loki is up but its distributor has not received a single log line for ${durationWords(stalledFor)} although every ` +
                "Azora pod writes logs: the shipping path is broken.",
        }),
        ...[
            { ...retrying, text: `has been retrying failed pushes to Loki for ${durationWords(retrying.for)}: logs arrive late` },
            {
                ...dropping,
                text: `has been dropping log entries (retries exhausted or rejected) for ${durationWords(dropping.for)}: logs are lost`,
            },
        ].map((t) =>
            rb.alert({
                name: "LogShipperOutputErrors",
                expr: `sum ${by(["namespace", "job", "pod"])} (rate(${selector("", {
                    __name__: { re: t.metrics },
                    job: shipperJob,
                })}[${shipperFailures.window}])) > 0`,
                ...hold(t),
                summary: "Log shipper {{ $labels.pod }} is failing to deliver logs to Loki",
                description: `Log shipper {{ $labels.pod }} ${t.text} ({{ printf "%.2f" $value }}/s).`,
            }),
        ),
    ];
}

/** How long no line arrived when LokiIngestionStalled fires: the rate window, then the hold. */
const stalledFor = addDurations(lokiStalled.window, lokiStalled.for);
const lokiPods = podsOf(lokiJob);
const shipperPods = podsOf(shipperJob);

export const logRunbooks = runbooks<Logs>(__filename, {
    LokiRequestErrors: () => ({
        meaning:
            `More than ${formatPercent(lokiRequestErrors.ratio)} of Loki's requests on a route («route» label) returned 5xx ` +
            `over ${durationWords(lokiRequestErrors.window)}, for ${durationWords(lokiRequestErrors.for)}.`,
        impact: "Push routes: log lines are retried by the shipper and eventually lost. Query routes: Grafana's log panels fail.",
        check: [
            promql(
                `sum ${by(["route", "status_code"])} (rate(${selector(lokiMetrics.requestCount, serverErrors)}[${lokiRequestErrors.window}]))`,
            ),
            sh(
                statefulSetLogs("loki", "15m", "grep -i 'level=error'"),
                `kubectl -n ${obsNs} exec statefulset/${lokiJob} -- df -h`,
            ),
        ].join("\n\n"),
        act: [
            "- Disk full: expand «observability.loki.persistence.size» or shorten «observability.loki.retention».",
            "- Out of memory on queries: narrow the dashboards' queries or raise Loki's resources.",
        ].join("\n"),
    }),
    LokiDiscardedSamples: () => ({
        meaning:
            `Loki has been rejecting log lines for ${durationWords(lokiDiscards.for)}; the «reason» label says why (rate_limited, ` +
            "per_stream_rate_limit, line_too_long, greater_than_max_sample_age, stream_limit...).",
        impact: "The rejected lines are lost.",
        check: [
            promql(`sum ${by(["reason", "tenant"])} (rate(${lokiMetrics.discardedSamples}[${lokiDiscards.window}]))`),
            logql('topk(10, sum by (namespace, pod) (bytes_over_time({namespace=~".+"}[5m])))'),
        ].join("\n\n"),
        act: [
            "- «rate_limited»/«per_stream_rate_limit»: find the noisy pod (query above), lower its log level («workloads.logLevel» or its env), or raise Loki's ingestion limits.",
            "- «greater_than_max_sample_age»: a shipper is replaying an old backlog; it clears by itself.",
            "- «line_too_long»: a service logs huge lines (payload dumps); fix the service.",
        ].join("\n"),
    }),
    LokiPushLatencyHigh: () => ({
        meaning:
            `The ${num(lokiPushLatency.quantile * 100)}th percentile of Loki's push requests has been above ` +
            `${formatSeconds(lokiPushLatency.seconds)} for ${durationWords(lokiPushLatency.for)}.`,
        impact: "Shippers back up, buffer, then drop logs; log search lags behind.",
        check: [
            promql(
                `histogram_quantile(${num(lokiPushLatency.quantile)}, sum ${by(["route", "le"])} (rate(${selector(
                    lokiMetrics.requestBucket,
                    { route: { re: lokiPushRoutes } },
                )}[${lokiPushLatency.window}])))`,
                `rate(${lokiMetrics.bytesReceived}[${lokiPushLatency.window}])`,
            ),
            sh(`kubectl -n ${obsNs} top pods ${lokiPods}`),
        ].join("\n\n"),
        act: [
            "- CPU throttled or memory at the limit: raise Loki's resources.",
            "- Slow disk: check the volume's storage class; move to a faster one.",
            "- A log flood: see [LokiDiscardedSamples](LokiDiscardedSamples.md) to find the noisy pod.",
        ].join("\n"),
    }),
    LokiIngestionStalled: () => ({
        meaning:
            `Loki is scraped but its distributor has received no log line for ${durationWords(stalledFor)} ` +
            `(${lokiStalled.window} rate, held ${lokiStalled.for}).`,
        impact: "No logs are being stored although every pod writes logs: the shipping path is broken.",
        check: [
            promql(
                `rate(${lokiMetrics.linesReceived}[${lokiStalled.window}])`,
                selector(up, { job: shipperJob }),
                `sum ${by(["pod"])} (rate(${selector(alloyMetrics.sent, { job: shipperJob })}[${shipperFailures.window}]))`,
            ),
            sh(
                `kubectl -n ${loggingNs} get pods ${shipperPods} -o wide`,
                `kubectl -n ${loggingNs} logs ${shipperPods} --since=30m | grep -iE 'error|warn' | tail`,
            ),
        ].join("\n\n"),
        act: [
            "- Shippers down: see [ObservabilityComponentDown](ObservabilityComponentDown.md).",
            `- Shippers up with output errors: see [LogShipperOutputErrors](LogShipperOutputErrors.md); check the NetworkPolicy to Loki's port ${observabilityWorkloads.loki.port}.`,
        ].join("\n"),
    }),
    LogShipperOutputErrors: () => ({
        meaning:
            "The log shipper (Grafana Alloy's «loki.write»; Fluent Bit's output counters are matched too) is failing " +
            `to deliver to Loki: ${retrying.severity} when it has been retrying failed pushes for ${durationWords(retrying.for)} ` +
            `(«${retrying.metrics}»), ${dropping.severity} when it has been dropping entries for ${durationWords(dropping.for)} ` +
            `(«${dropping.metrics}»).`,
        impact: `${capitalized(retrying.severity)}: logs arrive late. ${capitalized(dropping.severity)}: logs collected by that shipper pod are lost.`,
        check: [
            fromAlert,
            promql(
                `sum ${by(["pod"])} (rate(${alertJob(alloyMetrics.retries)}[${shipperFailures.window}]))`,
                `sum ${by(["pod", "reason"])} (rate(${alertJob(alloyMetrics.dropped)}[${shipperFailures.window}]))`,
                `histogram_quantile(${num(lokiPushLatency.quantile)}, sum ${by(["le"])} (rate(${alertJob(alloyMetrics.requestBucket)}[${shipperFailures.window}])))`,
            ),
            sh(
                "kubectl -n $NS logs $POD --since=15m | grep -iE 'error|retry|drop' | tail",
                `kubectl -n ${obsNs} get pods ${lokiPods}`,
            ),
        ].join("\n\n"),
        act: [
            "- Loki rejecting (400/429 in the shipper logs, «reason» on the drop counter): see [LokiDiscardedSamples](LokiDiscardedSamples.md).",
            "- Loki unreachable or 5xx: see [LokiRequestErrors](LokiRequestErrors.md) and [ObservabilityComponentDown](ObservabilityComponentDown.md).",
            `- Only one shipper pod: its network path to Loki (port ${observabilityWorkloads.loki.port}, NetworkPolicy); restart that pod.`,
        ].join("\n"),
    }),
});
