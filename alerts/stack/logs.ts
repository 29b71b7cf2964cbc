// Log ingestion: Loki's errors, discards, push latency and stalls, and the log shipper's delivery.
import type { AlertName } from "../../model/alerts";
import { by, selector } from "../../model/promql";
import { observabilityWorkloads } from "../../model/workloads";
import { lines, type RuleBuilder } from "../core/builder";
import { logql, promql, sh } from "../core/markdown";
import { runbooks } from "../core/runbook";
import { fromAlert, obsNs } from "../core/runbook-snippets";
import type { Rule } from "../core/types";
import { stackJob } from "./jobs";

const lokiJob = stackJob("loki");
const shipperJob = stackJob("logShipper");

/** The log shipper is Grafana Alloy (loki.write); Fluent Bit's output counters are matched too so
 *  the alert survives a change of shipper. Retries: delivery delayed. Drops: logs lost. */
export const shipperRetryMetrics = "loki_write_batch_retries_total|fluentbit_output_errors_total";
export const shipperDropMetrics = "loki_write_dropped_entries_total|fluentbit_output_(retries_failed|dropped_records)_total";

/** Loki's push routes across versions and protocols (HTTP JSON/protobuf, OTLP, gRPC). */
const lokiPushRoutes = "loki_api_v1_push|api_prom_push|otlp_v1_logs|/logproto.Pusher/Push";

type Logs = Extract<AlertName, "LokiRequestErrors" | "LokiDiscardedSamples" | "LokiPushLatencyHigh" | "LokiIngestionStalled" | "LogShipperOutputErrors">;

export function logRules(rb: RuleBuilder<Logs>): Rule[] {
    const l = (metric: string, extra: Record<string, string | { re: string }> = {}): string =>
        selector(metric, { job: lokiJob, ...extra });
    const byRoute = by(["namespace", "job", "route"]);
    return [
        rb.alert({
            name: "LokiRequestErrors",
            expr: lines(
                `sum ${byRoute} (rate(${l("loki_request_duration_seconds_count", { status_code: { re: "5.." } })}[5m]))`,
                "/",
                `sum ${byRoute} (rate(${l("loki_request_duration_seconds_count")}[5m]))`,
                "> 0.1",
            ),
            for: "15m",
            severity: "critical",
            summary: "Loki answers {{ $value | humanizePercentage }} of {{ $labels.route }} requests with 5xx",
            description:
                "{{ $value | humanizePercentage }} of Loki requests on route {{ $labels.route }} failed over 5 minutes " +
                "(above 10% for 15m): log pushes or queries are failing.",
        }),
        rb.alert({
            name: "LokiDiscardedSamples",
            expr: `sum ${by(["namespace", "job", "reason"])} (rate(${l("loki_discarded_samples_total")}[5m])) > 0`,
            for: "15m",
            severity: "warning",
            summary: "Loki discards log lines: {{ $labels.reason }}",
            description:
                "Loki has rejected {{ printf \"%.2f\" $value }} log lines/s for reason {{ $labels.reason }} for 15 minutes: " +
                "those lines are lost.",
        }),
        rb.alert({
            name: "LokiPushLatencyHigh",
            expr: `histogram_quantile(0.99, sum ${by(["namespace", "job", "route", "le"])} (rate(${l(
                "loki_request_duration_seconds_bucket",
                { route: { re: lokiPushRoutes } },
            )}[5m]))) > 1`,
            for: "15m",
            severity: "warning",
            summary: "Loki p99 push latency is {{ $value | humanizeDuration }} on {{ $labels.route }}",
            description:
                "The 99th percentile of Loki push requests on {{ $labels.route }} has been {{ $value | humanizeDuration }} " +
                "(above 1s) for 15 minutes: shippers back up and may drop logs.",
        }),
        rb.alert({
            name: "LokiIngestionStalled",
            expr: `sum ${by(["namespace", "job"])} (rate(${l("loki_distributor_lines_received_total")}[10m])) == 0`,
            for: "15m",
            severity: "warning",
            summary: "Loki has received no log line for 25 minutes",
            description:
                "Loki is up but its distributor has not received a single log line for 25 minutes although every " +
                "Azora pod writes logs: the shipping path is broken.",
        }),
        ...[
            {
                severity: "warning" as const,
                metric: shipperRetryMetrics,
                for: "15m" as const,
                text: "has been retrying failed pushes to Loki for 15 minutes: logs arrive late",
            },
            {
                severity: "critical" as const,
                metric: shipperDropMetrics,
                for: "10m" as const,
                text: "has been dropping log entries (retries exhausted or rejected) for 10 minutes: logs are lost",
            },
        ].map((t) =>
            rb.alert({
                name: "LogShipperOutputErrors",
                expr: `sum ${by(["namespace", "job", "pod"])} (rate(${selector("", {
                    __name__: { re: t.metric },
                    job: shipperJob,
                })}[5m])) > 0`,
                for: t.for,
                severity: t.severity,
                summary: "Log shipper {{ $labels.pod }} is failing to deliver logs to Loki",
                description: `Log shipper {{ $labels.pod }} ${t.text} ({{ printf "%.2f" $value }}/s).`,
            }),
        ),
    ];
}

export const logRunbooks = runbooks<Logs>(__filename, {
    LokiRequestErrors: () => ({
        meaning: "More than 10% of Loki's requests on a route («route» label) returned 5xx over 5 minutes, for 15 minutes.",
        impact: "Push routes: log lines are retried by the shipper and eventually lost. Query routes: Grafana's log panels fail.",
        check: [
            promql(
                'sum by (route, status_code) (rate(loki_request_duration_seconds_count{status_code=~"5.."}[5m]))',
            ),
            sh(
                `kubectl -n ${obsNs} logs statefulset/${observabilityWorkloads.loki.name} --since=15m | grep -i 'level=error' | tail`,
                `kubectl -n ${obsNs} exec statefulset/${observabilityWorkloads.loki.name} -- df -h`,
            ),
        ].join("\n\n"),
        act: [
            "- Disk full: expand «observability.loki.persistence.size» or shorten «observability.loki.retention».",
            "- Out of memory on queries: narrow the dashboards' queries or raise Loki's resources.",
        ].join("\n"),
    }),
    LokiDiscardedSamples: () => ({
        meaning:
            "Loki has been rejecting log lines for 15 minutes; the «reason» label says why (rate_limited, " +
            "per_stream_rate_limit, line_too_long, greater_than_max_sample_age, stream_limit...).",
        impact: "The rejected lines are lost.",
        check: [
            promql("sum by (reason, tenant) (rate(loki_discarded_samples_total[5m]))"),
            logql('topk(10, sum by (namespace, pod) (bytes_over_time({namespace=~".+"}[5m])))'),
        ].join("\n\n"),
        act: [
            "- «rate_limited»/«per_stream_rate_limit»: find the noisy pod (query above), lower its log level («workloads.logLevel» or its env), or raise Loki's ingestion limits.",
            "- «greater_than_max_sample_age»: a shipper is replaying an old backlog; it clears by itself.",
            "- «line_too_long»: a service logs huge lines (payload dumps); fix the service.",
        ].join("\n"),
    }),
    LokiPushLatencyHigh: () => ({
        meaning: "The 99th percentile of Loki's push requests has been above 1s for 15 minutes.",
        impact: "Shippers back up, buffer, then drop logs; log search lags behind.",
        check: [
            promql(
                'histogram_quantile(0.99, sum by (route, le) (rate(loki_request_duration_seconds_bucket{route=~"loki_api_v1_push|api_prom_push"}[5m])))',
                'rate(loki_distributor_bytes_received_total[5m])',
            ),
            sh(`kubectl -n ${obsNs} top pods -l app.kubernetes.io/name=${observabilityWorkloads.loki.name}`),
        ].join("\n\n"),
        act: [
            "- CPU throttled or memory at the limit: raise Loki's resources.",
            "- Slow disk: check the volume's storage class; move to a faster one.",
            "- A log flood: see [LokiDiscardedSamples](LokiDiscardedSamples.md) to find the noisy pod.",
        ].join("\n"),
    }),
    LokiIngestionStalled: () => ({
        meaning: "Loki is scraped but its distributor has received no log line for 25 minutes (10m rate, held 15m).",
        impact: "No logs are being stored although every pod writes logs: the shipping path is broken.",
        check: [
            promql(
                "rate(loki_distributor_lines_received_total[10m])",
                `up{job="${observabilityWorkloads.logShipper.name}"}`,
                `sum by (pod) (rate(loki_write_sent_entries_total{job="${observabilityWorkloads.logShipper.name}"}[5m]))`,
            ),
            sh(
                `kubectl -n ${obsNs} get pods -l app.kubernetes.io/name=${observabilityWorkloads.logShipper.name} -o wide`,
                `kubectl -n ${obsNs} logs -l app.kubernetes.io/name=${observabilityWorkloads.logShipper.name} --since=30m | grep -iE 'error|warn' | tail`,
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
            "to deliver to Loki: warning when it has been retrying failed pushes for 15 minutes " +
            `(«${shipperRetryMetrics}»), critical when it has been dropping entries for 10 minutes ` +
            `(«${shipperDropMetrics}»).`,
        impact: "Warning: logs arrive late. Critical: logs collected by that shipper pod are lost.",
        check: [
            fromAlert,
            promql(
                'sum by (pod) (rate(loki_write_batch_retries_total{job="$JOB"}[5m]))',
                'sum by (pod, reason) (rate(loki_write_dropped_entries_total{job="$JOB"}[5m]))',
                'histogram_quantile(0.99, sum by (le) (rate(loki_write_request_duration_seconds_bucket{job="$JOB"}[5m])))',
            ),
            sh(
                "kubectl -n $NS logs $POD --since=15m | grep -iE 'error|retry|drop' | tail",
                `kubectl -n ${obsNs} get pods -l app.kubernetes.io/name=${observabilityWorkloads.loki.name}`,
            ),
        ].join("\n\n"),
        act: [
            "- Loki rejecting (400/429 in the shipper logs, «reason» on the drop counter): see [LokiDiscardedSamples](LokiDiscardedSamples.md).",
            "- Loki unreachable or 5xx: see [LokiRequestErrors](LokiRequestErrors.md) and [ObservabilityComponentDown](ObservabilityComponentDown.md).",
            `- Only one shipper pod: its network path to Loki (port ${observabilityWorkloads.loki.port}, NetworkPolicy); restart that pod.`,
        ].join("\n"),
    }),
});
