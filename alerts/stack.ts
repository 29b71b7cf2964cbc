// Alerts on the observability stack itself: the Watchdog heartbeat, each component's availability,
// Prometheus and Alertmanager health, trace collection (OTel Collector) and log ingestion (Loki and
// the log shipper). Job names come from model/workloads.ts.
import { observabilityWorkloads } from "../model/workloads";
import { by, counterSelector, regexEscape, selector } from "../model/promql";
import { forJob, lines, type RuleBuilder } from "./rule-builders";
import type { Severity } from "../model/alerts";
import type { Rule, RuleGroup } from "./types";

export type StackComponent = keyof typeof observabilityWorkloads;

/** The scrape job of each stack component (the workload name). */
export function stackJob(component: StackComponent): string {
    return observabilityWorkloads[component].name;
}

export const stackComponents = Object.keys(observabilityWorkloads) as StackComponent[];

/** How bad it is when a component has no healthy replica, and what is lost meanwhile. */
export const componentDownImpact: Record<StackComponent, { severity: Severity; impact: string }> = {
    prometheus: {
        severity: "critical",
        impact: "no metrics are collected and no alert is evaluated by this replica (the Watchdog heartbeat stops)",
    },
    alertmanager: {
        severity: "critical",
        impact: "firing alerts are not delivered to anyone (the Watchdog heartbeat stops)",
    },
    loki: { severity: "critical", impact: "logs are not stored; the shippers buffer, then drop them" },
    logShipper: { severity: "warning", impact: "container logs are not shipped to Loki" },
    otelCollector: { severity: "warning", impact: "the services' spans are dropped: no new traces" },
    jaeger: { severity: "warning", impact: "traces cannot be stored or searched" },
    grafana: { severity: "warning", impact: "dashboards are unavailable; alerting is unaffected" },
};

const prometheusJob = stackJob("prometheus");
const alertmanagerJob = stackJob("alertmanager");
const lokiJob = stackJob("loki");
const shipperJob = stackJob("logShipper");
/** The trace pipeline: the OTel Collector and Jaeger v2, which is built on the collector and
 *  exports the same otelcol_* metrics (its exporter writes to trace storage). */
const traceJobs = { re: [stackJob("otelCollector"), stackJob("jaeger")].map(regexEscape).join("|") };

/** The log shipper is Grafana Alloy (loki.write); Fluent Bit's output counters are matched too so
 *  the alert survives a change of shipper. Retries: delivery delayed. Drops: logs lost. */
export const shipperRetryMetrics = "loki_write_batch_retries_total|fluentbit_output_errors_total";
export const shipperDropMetrics = "loki_write_dropped_entries_total|fluentbit_output_(retries_failed|dropped_records)_total";

/** Loki's push routes across versions and protocols (HTTP JSON/protobuf, OTLP, gRPC). */
const lokiPushRoutes = "loki_api_v1_push|api_prom_push|otlp_v1_logs|/logproto.Pusher/Push";

function metaRules(rb: RuleBuilder): Rule[] {
    return [
        rb.alert({
            name: "Watchdog",
            expr: "vector(1)",
            severity: "none",
            summary: "Alerting pipeline heartbeat: always firing",
            description:
                "This alert fires all the time so that the whole path Prometheus → Alertmanager → receiver can be " +
                "checked from outside: the dead man's switch raises an incident when it stops arriving.",
        }),
    ];
}

function componentRules(rb: RuleBuilder): Rule[] {
    const rules: Rule[] = stackComponents.flatMap((c) => {
        const up = selector("up", { job: stackJob(c) });
        return forJob(stackJob(c), [
            rb.alert({
                name: "ObservabilityComponentDown",
                expr: lines(`sum ${by(["namespace", "job"])} (${up}) == 0`, "or", `absent(${up})`),
                for: "5m",
                severity: componentDownImpact[c].severity,
                summary: "{{ $labels.job }} has no healthy replica",
                description:
                    "No scrape target of {{ $labels.job }} has been up for 5 minutes (or none is scraped): " +
                    `${componentDownImpact[c].impact}.`,
            }),
        ]);
    });
    const jobs = stackComponents.map((c) => regexEscape(stackJob(c))).join("|");
    rules.push(
        rb.alert({
            name: "ObservabilityTargetDown",
            expr: `${selector("up", { job: { re: jobs } })} == 0`,
            for: "10m",
            severity: "warning",
            summary: "{{ $labels.job }} target {{ $labels.instance }} is down",
            description:
                "Prometheus has failed to scrape {{ $labels.job }} at {{ $labels.instance }} ({{ $labels.pod }}) " +
                "for 10 minutes; the stack runs degraded.",
        }),
    );
    return rules;
}

function prometheusRules(rb: RuleBuilder): Rule[] {
    const p = (metric: string): string => selector(metric, { job: prometheusJob });
    return [
        rb.alert({
            name: "PrometheusRuleEvaluationFailures",
            expr: `sum ${by(["namespace", "job", "rule_group"])} (increase(${p("prometheus_rule_evaluation_failures_total")}[5m])) > 0`,
            for: "15m",
            severity: "critical",
            summary: "Prometheus fails to evaluate rules of {{ $labels.rule_group }}",
            description:
                "{{ printf \"%.0f\" $value }} rule evaluations of group {{ $labels.rule_group }} failed in the last 5 minutes, " +
                "for 15 minutes: alerts of that group may be silently missing.",
        }),
        rb.alert({
            name: "PrometheusNotificationQueueRunningFull",
            expr: `${p("prometheus_notifications_queue_length")} / ${p("prometheus_notifications_queue_capacity")} > 0.8`,
            for: "15m",
            severity: "warning",
            summary: "Prometheus {{ $labels.pod }} alert notification queue is {{ $value | humanizePercentage }} full",
            description:
                "The queue of alerts waiting to be sent to Alertmanager on {{ $labels.pod }} has been above 80% of its " +
                "capacity for 15 minutes; when full, alert notifications are dropped.",
        }),
        ...[
            { severity: "warning" as const, ratio: "0.01", text: "1%" },
            { severity: "critical" as const, ratio: "0.03", text: "3%" },
        ].map((t) =>
            rb.alert({
                name: "PrometheusErrorSendingAlerts",
                expr: lines(
                    `rate(${p("prometheus_notifications_errors_total")}[5m])`,
                    "/",
                    `rate(${p("prometheus_notifications_sent_total")}[5m])`,
                    `> ${t.ratio}`,
                ),
                for: "15m",
                severity: t.severity,
                summary: "Prometheus {{ $labels.pod }} fails to send alerts to {{ $labels.alertmanager }}",
                description:
                    "{{ $value | humanizePercentage }} of the alert notifications from {{ $labels.pod }} to " +
                    `{{ $labels.alertmanager }} failed over 5 minutes (${t.severity} above ${t.text} for 15m).`,
            }),
        ),
        rb.alert({
            name: "PrometheusNotConnectedToAlertmanagers",
            expr: `max_over_time(${p("prometheus_notifications_alertmanagers_discovered")}[5m]) < 1`,
            for: "10m",
            severity: "critical",
            summary: "Prometheus {{ $labels.pod }} knows no Alertmanager",
            description:
                "{{ $labels.pod }} has discovered no Alertmanager for 10 minutes: its alerts reach nobody.",
        }),
        rb.alert({
            name: "PrometheusTSDBCompactionsFailing",
            expr: `increase(${p("prometheus_tsdb_compactions_failed_total")}[3h]) > 0`,
            for: "4h",
            severity: "warning",
            summary: "Prometheus {{ $labels.pod }} TSDB compactions are failing",
            description:
                "{{ $labels.pod }} has had {{ printf \"%.0f\" $value }} failed compactions over the last 3 hours, for 4 " +
                "hours: blocks pile up in the head, memory and disk grow.",
        }),
        rb.alert({
            name: "PrometheusTSDBReloadsFailing",
            expr: `increase(${p("prometheus_tsdb_reloads_failures_total")}[3h]) > 0`,
            for: "4h",
            severity: "warning",
            summary: "Prometheus {{ $labels.pod }} fails to reload TSDB blocks",
            description:
                "{{ $labels.pod }} has failed {{ printf \"%.0f\" $value }} block reloads from disk over the last 3 hours, " +
                "for 4 hours: a corrupt or unreadable block is likely.",
        }),
        rb.alert({
            name: "PrometheusConfigReloadFailed",
            expr: `max_over_time(${p("prometheus_config_last_reload_successful")}[5m]) == 0`,
            for: "10m",
            severity: "warning",
            summary: "Prometheus {{ $labels.pod }} failed to load its configuration",
            description:
                "The last configuration or rule reload of {{ $labels.pod }} failed 10 minutes ago and has not succeeded " +
                "since: it keeps running the previous configuration and rules.",
        }),
    ];
}

function alertmanagerRules(rb: RuleBuilder): Rule[] {
    const a = (metric: string): string => selector(metric, { job: alertmanagerJob });
    const byIntegration = by(["namespace", "job", "integration"]);
    return [
        rb.alert({
            name: "AlertmanagerFailedToSendAlerts",
            expr: lines(
                `sum ${byIntegration} (rate(${a("alertmanager_notifications_failed_total")}[5m]))`,
                "/",
                `sum ${byIntegration} (rate(${a("alertmanager_notifications_total")}[5m]))`,
                "> 0.01",
            ),
            for: "5m",
            severity: "warning",
            summary: "Alertmanager fails to deliver {{ $labels.integration }} notifications",
            description:
                "{{ $value | humanizePercentage }} of notifications to {{ $labels.integration }} failed over 5 minutes " +
                "(above 1% for 5m): people are not being told about alerts.",
        }),
        rb.alert({
            name: "AlertmanagerClusterMembersMismatch",
            expr: lines(
                `max_over_time(${a("alertmanager_cluster_members")}[5m])`,
                `< on (namespace, job) group_left`,
                `count ${by(["namespace", "job"])} (max_over_time(${a("alertmanager_cluster_members")}[5m]))`,
            ),
            for: "15m",
            severity: "critical",
            summary: "Alertmanager {{ $labels.pod }} sees only {{ $value }} cluster members",
            description:
                "{{ $labels.pod }} has seen {{ $value }} cluster members for 15 minutes, fewer than the number of " +
                "Alertmanager replicas scraped: the cluster is split and notifications may be duplicated or lost.",
        }),
        rb.alert({
            name: "AlertmanagerConfigReloadFailed",
            expr: `max_over_time(${a("alertmanager_config_last_reload_successful")}[5m]) == 0`,
            for: "10m",
            severity: "critical",
            summary: "Alertmanager {{ $labels.pod }} failed to load its configuration",
            description:
                "The last configuration reload of {{ $labels.pod }} failed and has not succeeded for 10 minutes: routing " +
                "and receivers are those of the previous configuration.",
        }),
    ];
}

function traceRules(rb: RuleBuilder): Rule[] {
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

function logRules(rb: RuleBuilder): Rule[] {
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

/** The stack's rule groups (file azora-stack.rules.yaml). */
export function stackRuleGroups(rb: RuleBuilder): RuleGroup[] {
    return [
        { name: "azora-meta", rules: metaRules(rb) },
        { name: "azora-stack-availability", rules: componentRules(rb) },
        { name: "azora-stack-prometheus", rules: prometheusRules(rb) },
        { name: "azora-stack-alertmanager", rules: alertmanagerRules(rb) },
        { name: "azora-stack-traces", rules: traceRules(rb) },
        { name: "azora-stack-logs", rules: logRules(rb) },
    ];
}
