// Prometheus watching itself: rule evaluation, notification delivery, TSDB and configuration.
import type { AlertName, Duration, Severity } from "../../model/alerts";
import { by, num, selector } from "../../model/promql";
import { observabilityWorkloads } from "../../model/workloads";
import { type Hold, hold, type WindowedHold, lines, type RuleBuilder } from "../core/builder";
import { formatPercent } from "../core/format";
import { promql, sh } from "../core/markdown";
import { runbooks } from "../core/runbook";
import { obsNs, podsOf } from "../core/runbook-snippets";
import type { Rule } from "../core/types";
import { promForward, stackJob, statefulSetLogs } from "./jobs";
import { durationWords } from "../../model/durations";

/** Prometheus's own metrics the alerts and runbooks read. */
export const prometheusMetrics = {
    ruleEvaluationFailures: "prometheus_rule_evaluation_failures_total",
    queueLength: "prometheus_notifications_queue_length",
    queueCapacity: "prometheus_notifications_queue_capacity",
    notificationErrors: "prometheus_notifications_errors_total",
    notificationsSent: "prometheus_notifications_sent_total",
    notificationsDropped: "prometheus_notifications_dropped_total",
    alertmanagersDiscovered: "prometheus_notifications_alertmanagers_discovered",
    compactionsFailed: "prometheus_tsdb_compactions_failed_total",
    headSeries: "prometheus_tsdb_head_series",
    reloadFailures: "prometheus_tsdb_reloads_failures_total",
    configReloadSuccessful: "prometheus_config_last_reload_successful",
    configReloadSuccessTime: "prometheus_config_last_reload_success_timestamp_seconds",
} as const;
const m = prometheusMetrics;

/** Any failed evaluation within `window`, sustained. */
const ruleEvaluationFailures = { window: "5m", severity: "critical", for: "15m" } as const satisfies WindowedHold;
/** Queue length / capacity. */
const notificationQueueFull = { ratio: 0.8, severity: "warning", for: "15m" } as const satisfies Hold & { ratio: number };
/** Failed / sent notifications to one Alertmanager over `window`, above each ratio for `for`. */
const sendErrors = {
    window: "5m",
    for: "15m",
    thresholds: [
        { severity: "warning", ratio: 0.01 },
        { severity: "critical", ratio: 0.03 },
    ],
} as const satisfies { window: Duration; for: Duration; thresholds: readonly { severity: Severity; ratio: number }[] };
/** No Alertmanager discovered throughout `window`, sustained. */
const noAlertmanagers = { window: "5m", severity: "critical", for: "10m" } as const satisfies WindowedHold;
/** Any failed compaction (or block reload) within `window`, sustained: slow-moving, so long windows. */
const tsdbFailures = { window: "3h", severity: "warning", for: "4h" } as const satisfies WindowedHold;
/** The last reload failed and none succeeded within `window`, sustained. */
const prometheusReloadFailed = { window: "5m", severity: "warning", for: "10m" } as const satisfies WindowedHold;

const prometheusJob = stackJob("prometheus");

type Prometheus = Extract<
    AlertName,
    | "PrometheusRuleEvaluationFailures"
    | "PrometheusNotificationQueueRunningFull"
    | "PrometheusErrorSendingAlerts"
    | "PrometheusNotConnectedToAlertmanagers"
    | "PrometheusTSDBCompactionsFailing"
    | "PrometheusTSDBReloadsFailing"
    | "PrometheusConfigReloadFailed"
>;

export function prometheusRules(rb: RuleBuilder<Prometheus>): Rule[] {
    const p = (metric: string): string => selector(metric, { job: prometheusJob });
    return [
        rb.alert({
            name: "PrometheusRuleEvaluationFailures",
            expr: `sum ${by(["namespace", "job", "rule_group"])} (increase(${p(m.ruleEvaluationFailures)}[${ruleEvaluationFailures.window}])) > 0`,
            ...hold(ruleEvaluationFailures),
            summary: "Prometheus fails to evaluate rules of {{ $labels.rule_group }}",
            description:
                `{{ printf "%.0f" $value }} rule evaluations of group {{ $labels.rule_group }} failed in the last ` +
                `${durationWords(ruleEvaluationFailures.window)}, for ${durationWords(ruleEvaluationFailures.for)}: ` +
                "alerts of that group may be silently missing.",
        }),
        rb.alert({
            name: "PrometheusNotificationQueueRunningFull",
            expr: `${p(m.queueLength)} / ${p(m.queueCapacity)} > ${num(notificationQueueFull.ratio)}`,
            ...hold(notificationQueueFull),
            summary: "Prometheus {{ $labels.pod }} alert notification queue is {{ $value | humanizePercentage }} full",
            description:
                "The queue of alerts waiting to be sent to Alertmanager on {{ $labels.pod }} has been above " +
                `${formatPercent(notificationQueueFull.ratio)} of its capacity for ${durationWords(notificationQueueFull.for)}; ` +
                "when full, alert notifications are dropped.",
        }),
        ...sendErrors.thresholds.map((t) =>
            rb.alert({
                name: "PrometheusErrorSendingAlerts",
                expr: lines(
                    `rate(${p(m.notificationErrors)}[${sendErrors.window}])`,
                    "/",
                    `rate(${p(m.notificationsSent)}[${sendErrors.window}])`,
                    `> ${num(t.ratio)}`,
                ),
                for: sendErrors.for,
                severity: t.severity,
                summary: "Prometheus {{ $labels.pod }} fails to send alerts to {{ $labels.alertmanager }}",
                description:
                    "{{ $value | humanizePercentage }} of the alert notifications from {{ $labels.pod }} to " +
                    `{{ $labels.alertmanager }} failed over ${durationWords(sendErrors.window)} (${t.severity} above ` +
                    `${formatPercent(t.ratio)} for ${sendErrors.for}).`,
            }),
        ),
        rb.alert({
            name: "PrometheusNotConnectedToAlertmanagers",
            expr: `max_over_time(${p(m.alertmanagersDiscovered)}[${noAlertmanagers.window}]) < 1`,
            ...hold(noAlertmanagers),
            summary: "Prometheus {{ $labels.pod }} knows no Alertmanager",
            description: `{{ $labels.pod }} has discovered no Alertmanager for ${durationWords(noAlertmanagers.for)}: its alerts reach nobody.`,
        }),
        rb.alert({
            name: "PrometheusTSDBCompactionsFailing",
            expr: `increase(${p(m.compactionsFailed)}[${tsdbFailures.window}]) > 0`,
            ...hold(tsdbFailures),
            summary: "Prometheus {{ $labels.pod }} TSDB compactions are failing",
            description:
                `{{ $labels.pod }} has had {{ printf "%.0f" $value }} failed compactions over the last ` +
                `${durationWords(tsdbFailures.window)}, for ${durationWords(tsdbFailures.for)}: blocks pile up in the head, ` +
                "memory and disk grow.",
        }),
        rb.alert({
            name: "PrometheusTSDBReloadsFailing",
            expr: `increase(${p(m.reloadFailures)}[${tsdbFailures.window}]) > 0`,
            ...hold(tsdbFailures),
            summary: "Prometheus {{ $labels.pod }} fails to reload TSDB blocks",
            description:
                `{{ $labels.pod }} has failed {{ printf "%.0f" $value }} block reloads from disk over the last ` +
                `${durationWords(tsdbFailures.window)}, for ${durationWords(tsdbFailures.for)}: a corrupt or unreadable ` +
                "block is likely.",
        }),
        rb.alert({
            name: "PrometheusConfigReloadFailed",
            expr: `max_over_time(${p(m.configReloadSuccessful)}[${prometheusReloadFailed.window}]) == 0`,
            ...hold(prometheusReloadFailed),
            summary: "Prometheus {{ $labels.pod }} failed to load its configuration",
            description:
                `The last configuration or rule reload of {{ $labels.pod }} failed ${durationWords(prometheusReloadFailed.for)} ` +
                "ago and has not succeeded since: it keeps running the previous configuration and rules.",
        }),
    ];
}

const alertmanagerPods = podsOf(observabilityWorkloads.alertmanager.name);

export const prometheusRunbooks = runbooks<Prometheus>(__filename, {
    PrometheusRuleEvaluationFailures: () => ({
        meaning:
            `Prometheus failed to evaluate rules of a group («rule_group» label) over ${durationWords(ruleEvaluationFailures.for)}. ` +
            "Typical causes: a " +
            "query returning duplicate series after relabelling (many-to-many matching), or a query over too many samples.",
        impact: "Alerts and recorded series of that group are missing: silence, not safety.",
        check: [
            promForward,
            "Status → Rules shows the failing rule and its error. Or:",
            sh(statefulSetLogs("prometheus", "30m", "grep -i 'rule' | grep -i error")),
            promql(`increase(${m.ruleEvaluationFailures}[${ruleEvaluationFailures.window}]) > 0`),
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
            "The queue of alert notifications waiting to be sent to Alertmanager has been above " +
            `${formatPercent(notificationQueueFull.ratio)} of its capacity for ${durationWords(notificationQueueFull.for)}.`,
        impact: "When the queue is full new notifications are dropped: alerts go undelivered.",
        check: [
            promql(
                `${m.queueLength} / ${m.queueCapacity}`,
                `rate(${m.notificationsSent}[${sendErrors.window}])`,
                `rate(${m.notificationsDropped}[${sendErrors.window}])`,
            ),
            sh(`kubectl -n ${obsNs} get pods ${alertmanagerPods} -o wide`),
        ].join("\n\n"),
        act: [
            "- Alertmanager slow or unreachable: see [PrometheusErrorSendingAlerts](PrometheusErrorSendingAlerts.md).",
            "- A flood of alerts (hundreds firing): find the noisy rule (topk over «ALERTS») and fix its cardinality.",
        ].join("\n"),
    }),
    PrometheusErrorSendingAlerts: () => ({
        meaning:
            "A share of alert notifications from Prometheus to one Alertmanager («alertmanager» label) failed over " +
            `${durationWords(sendErrors.window)}: ` +
            `${sendErrors.thresholds.map((t) => `${t.severity} above ${formatPercent(t.ratio)}`).join(", ")}, ` +
            `for ${durationWords(sendErrors.for)}.`,
        impact: "Alerts may not reach Alertmanager, hence nobody.",
        check: [
            promql(`rate(${m.notificationErrors}[${sendErrors.window}]) / rate(${m.notificationsSent}[${sendErrors.window}])`),
            sh(
                statefulSetLogs("prometheus", "30m", "grep -i 'notifier'"),
                `kubectl -n ${obsNs} get pods,endpoints ${alertmanagerPods} -o wide`,
                `kubectl -n ${obsNs} get networkpolicy`,
            ),
        ].join("\n\n"),
        act: [
            "- Alertmanager pods down: see [ObservabilityComponentDown](ObservabilityComponentDown.md).",
            `- Connection refused or timeouts: check the NetworkPolicy allowing Prometheus to reach Alertmanager on port ${observabilityWorkloads.alertmanager.port}.`,
        ].join("\n"),
    }),
    PrometheusNotConnectedToAlertmanagers: () => ({
        meaning: `Prometheus has discovered no Alertmanager for ${durationWords(noAlertmanagers.for)}.`,
        impact: "Every alert this Prometheus evaluates reaches nobody; only the dead man's switch notices.",
        check: [
            promql(m.alertmanagersDiscovered),
            promForward,
            "Status → Runtime & Build Information lists the Alertmanagers; Status → Configuration shows «alerting:».",
            sh(`kubectl -n ${obsNs} get svc,endpoints ${alertmanagerPods}`),
        ].join("\n\n"),
        act: [
            "- No endpoints: Alertmanager pods are not Ready; fix them first.",
            "- Wrong target in the Prometheus configuration (service name, namespace, port): fix the observability component and «pulumi up».",
        ].join("\n"),
    }),
    PrometheusTSDBCompactionsFailing: () => ({
        meaning: `Prometheus has failed to compact TSDB blocks for ${durationWords(tsdbFailures.for)}.`,
        impact: "Head blocks are not persisted efficiently: memory and disk use grow until Prometheus fails.",
        check: [
            promql(`increase(${m.compactionsFailed}[${tsdbFailures.window}])`, m.headSeries),
            sh(
                statefulSetLogs("prometheus", tsdbFailures.for, "grep -i compact"),
                `kubectl -n ${obsNs} exec statefulset/${prometheusJob} -- df -h /prometheus`,
            ),
        ].join("\n\n"),
        act: [
            "- Disk full: expand the volume («observability.prometheus.persistence.size») or lower «retentionSize».",
            "- A corrupt block named in the logs: stop the pod, move the block directory aside, start again (data in that block is lost).",
        ].join("\n"),
    }),
    PrometheusTSDBReloadsFailing: () => ({
        meaning: `Prometheus has failed to reload TSDB blocks from disk for ${durationWords(tsdbFailures.for)}.`,
        impact: "Queries miss data of the unreadable blocks; retention cleanup may stall and the disk fill.",
        check: [
            promql(`increase(${m.reloadFailures}[${tsdbFailures.window}])`),
            sh(
                statefulSetLogs("prometheus", tsdbFailures.for, "grep -iE 'reload|block'"),
                `kubectl -n ${obsNs} exec statefulset/${prometheusJob} -- ls -la /prometheus`,
            ),
        ].join("\n\n"),
        act: "- Move the block named in the error out of the data directory and restart the pod; check the volume for I/O errors.",
    }),
    PrometheusConfigReloadFailed: () => ({
        meaning: `Prometheus's last configuration or rule reload failed and has not succeeded for ${durationWords(prometheusReloadFailed.for)}.`,
        impact: "Prometheus keeps running the previous configuration and rules: recent rule changes are not live.",
        check: [
            promql(m.configReloadSuccessful, m.configReloadSuccessTime),
            sh(statefulSetLogs("prometheus", "30m", "grep -i 'reload'")),
            "Validate what was deployed: «npx vitest run test/alerts» runs promtool on the generated rule files.",
        ].join("\n\n"),
        act: "- Fix the configuration or rule error named in the logs and deploy; then check Status → Rules.",
    }),
});
