// Prometheus watching itself: rule evaluation, notification delivery, TSDB and configuration.
import type { AlertName } from "../../model/alerts";
import { by, selector } from "../../model/promql";
import { observabilityWorkloads } from "../../model/workloads";
import { lines, type RuleBuilder } from "../core/builder";
import { promql, sh } from "../core/markdown";
import { runbooks } from "../core/runbook";
import { obsNs } from "../core/runbook-snippets";
import type { Rule } from "../core/types";
import { promForward, stackJob } from "./jobs";

const prometheusJob = stackJob("prometheus");

type Prometheus = Extract<AlertName, "PrometheusRuleEvaluationFailures" | "PrometheusNotificationQueueRunningFull" | "PrometheusErrorSendingAlerts" | "PrometheusNotConnectedToAlertmanagers" | "PrometheusTSDBCompactionsFailing" | "PrometheusTSDBReloadsFailing" | "PrometheusConfigReloadFailed">;

export function prometheusRules(rb: RuleBuilder<Prometheus>): Rule[] {
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

export const prometheusRunbooks = runbooks<Prometheus>(__filename, {
    PrometheusRuleEvaluationFailures: () => ({
        meaning:
            "Prometheus failed to evaluate rules of a group («rule_group» label) over 15 minutes. Typical causes: a " +
            "query returning duplicate series after relabelling (many-to-many matching), or a query over too many samples.",
        impact: "Alerts and recorded series of that group are missing: silence, not safety.",
        check: [
            promForward,
            "Status → Rules shows the failing rule and its error. Or:",
            sh(`kubectl -n ${obsNs} logs statefulset/prometheus --since=30m | grep -i 'rule' | grep -i error | tail`),
            promql('increase(prometheus_rule_evaluation_failures_total[5m]) > 0'),
            "Run the generated files through «promtool check rules» and the unit tests: «npx vitest run test/alerts».",
        ].join("\n\n"),
        act: [
            "- A label change made series collide: fix the rule in «alerts/» (add the label to «by (...)»/«on (...)»), " +
                "or the scrape relabelling; deploy.",
            "- Query limits («query.max-samples»): narrow the selector or record an intermediate result.",
        ].join("\n"),
    }),
    PrometheusNotificationQueueRunningFull: () => ({
        meaning:
            "The queue of alert notifications waiting to be sent to Alertmanager has been above 80% of its capacity " +
            "for 15 minutes.",
        impact: "When the queue is full new notifications are dropped: alerts go undelivered.",
        check: [
            promql(
                "prometheus_notifications_queue_length / prometheus_notifications_queue_capacity",
                "rate(prometheus_notifications_sent_total[5m])",
                "rate(prometheus_notifications_dropped_total[5m])",
            ),
            sh(`kubectl -n ${obsNs} get pods -l app.kubernetes.io/name=alertmanager -o wide`),
        ].join("\n\n"),
        act: [
            "- Alertmanager slow or unreachable: see [PrometheusErrorSendingAlerts](PrometheusErrorSendingAlerts.md).",
            "- A flood of alerts (hundreds firing): find the noisy rule (topk over «ALERTS») and fix its cardinality.",
        ].join("\n"),
    }),
    PrometheusErrorSendingAlerts: () => ({
        meaning:
            "A share of alert notifications from Prometheus to one Alertmanager («alertmanager» label) failed over " +
            "5 minutes: warning above 1%, critical above 3%, for 15 minutes.",
        impact: "Alerts may not reach Alertmanager, hence nobody.",
        check: [
            promql("rate(prometheus_notifications_errors_total[5m]) / rate(prometheus_notifications_sent_total[5m])"),
            sh(
                `kubectl -n ${obsNs} logs statefulset/prometheus --since=30m | grep -i 'notifier' | tail`,
                `kubectl -n ${obsNs} get pods,endpoints -l app.kubernetes.io/name=alertmanager -o wide`,
                `kubectl -n ${obsNs} get networkpolicy`,
            ),
        ].join("\n\n"),
        act: [
            "- Alertmanager pods down: see [ObservabilityComponentDown](ObservabilityComponentDown.md).",
            `- Connection refused or timeouts: check the NetworkPolicy allowing Prometheus to reach Alertmanager on port ${observabilityWorkloads.alertmanager.port}.`,
        ].join("\n"),
    }),
    PrometheusNotConnectedToAlertmanagers: () => ({
        meaning: "Prometheus has discovered no Alertmanager for 10 minutes.",
        impact: "Every alert this Prometheus evaluates reaches nobody; only the dead man's switch notices.",
        check: [
            promql("prometheus_notifications_alertmanagers_discovered"),
            promForward,
            "Status → Runtime & Build Information lists the Alertmanagers; Status → Configuration shows «alerting:».",
            sh(`kubectl -n ${obsNs} get svc,endpoints -l app.kubernetes.io/name=alertmanager`),
        ].join("\n\n"),
        act: [
            "- No endpoints: Alertmanager pods are not Ready; fix them first.",
            "- Wrong target in the Prometheus configuration (service name, namespace, port): fix the observability component and «pulumi up».",
        ].join("\n"),
    }),
    PrometheusTSDBCompactionsFailing: () => ({
        meaning: "Prometheus has failed to compact TSDB blocks for 4 hours.",
        impact: "Head blocks are not persisted efficiently: memory and disk use grow until Prometheus fails.",
        check: [
            promql("increase(prometheus_tsdb_compactions_failed_total[3h])", "prometheus_tsdb_head_series"),
            sh(
                `kubectl -n ${obsNs} logs statefulset/prometheus --since=4h | grep -i compact | tail`,
                `kubectl -n ${obsNs} exec statefulset/prometheus -- df -h /prometheus`,
            ),
        ].join("\n\n"),
        act: [
            "- Disk full: expand the volume («observability.prometheus.persistence.size») or lower «retentionSize».",
            "- A corrupt block named in the logs: stop the pod, move the block directory aside, start again (data in that block is lost).",
        ].join("\n"),
    }),
    PrometheusTSDBReloadsFailing: () => ({
        meaning: "Prometheus has failed to reload TSDB blocks from disk for 4 hours.",
        impact: "Queries miss data of the unreadable blocks; retention cleanup may stall and the disk fill.",
        check: [
            promql("increase(prometheus_tsdb_reloads_failures_total[3h])"),
            sh(
                `kubectl -n ${obsNs} logs statefulset/prometheus --since=4h | grep -iE 'reload|block' | tail`,
                `kubectl -n ${obsNs} exec statefulset/prometheus -- ls -la /prometheus`,
            ),
        ].join("\n\n"),
        act: "- Move the block named in the error out of the data directory and restart the pod; check the volume for I/O errors.",
    }),
    PrometheusConfigReloadFailed: () => ({
        meaning: "Prometheus's last configuration or rule reload failed and has not succeeded for 10 minutes.",
        impact: "Prometheus keeps running the previous configuration and rules: recent rule changes are not live.",
        check: [
            promql("prometheus_config_last_reload_successful", "prometheus_config_last_reload_success_timestamp_seconds"),
            sh(`kubectl -n ${obsNs} logs statefulset/prometheus --since=30m | grep -i 'reload' | tail`),
            "Validate what was deployed: «npx vitest run test/alerts» runs promtool on the generated rule files.",
        ].join("\n\n"),
        act: "- Fix the configuration or rule error named in the logs and deploy; then check Status → Rules.",
    }),
});
