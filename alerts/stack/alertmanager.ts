// Alertmanager's own health: delivery to integrations, cluster membership, configuration reloads.
// (The configuration Alertmanager runs is rendered by alerts/alertmanager.ts.)
import type { AlertName } from "../../model/alerts";
import { by, selector } from "../../model/promql";
import { byJob } from "../core/scrape";
import { observabilityWorkloads } from "../../model/workloads";
import { hold, type WindowedHold, lines, rateShareAbove, type RuleBuilder } from "../core/builder";
import { formatPercent, ratioOverWindow } from "../core/format";
import { promql, sh } from "../core/markdown";
import { runbooks } from "../core/runbook";
import { obsNs, podsOf } from "../core/runbook-snippets";
import type { Rule } from "../core/types";
import { stackJob, statefulSetLogs } from "./jobs";
import { durationWords } from "../../model/durations";

/** Alertmanager's own metrics the alerts and runbooks read. */
const alertmanagerMetrics = {
    notificationsFailed: "alertmanager_notifications_failed_total",
    notifications: "alertmanager_notifications_total",
    clusterMembers: "alertmanager_cluster_members",
    peerPosition: "alertmanager_peer_position",
    configReloadSuccessful: "alertmanager_config_last_reload_successful",
} as const;
const m = alertmanagerMetrics;

/** Failed / all notifications to one integration over `window`. */
const deliveryFailures = { window: "5m", ratio: 0.01, severity: "warning", for: "5m" } as const satisfies WindowedHold & { ratio: number };
/** A replica seeing fewer members (highest count over `window`) than there are replicas. */
const clusterSplit = { window: "5m", severity: "critical", for: "15m" } as const satisfies WindowedHold;
/** The last reload failed and none succeeded within `window`, sustained. */
const alertmanagerReloadFailed = { window: "5m", severity: "critical", for: "10m" } as const satisfies WindowedHold;

const alertmanagerJob = stackJob("alertmanager");

type Alertmanager = Extract<
    AlertName,
    | "AlertmanagerFailedToSendAlerts"
    | "AlertmanagerClusterMembersMismatch"
    | "AlertmanagerConfigReloadFailed"
>;

export function alertmanagerRules(rb: RuleBuilder<Alertmanager>): Rule[] {
    const a = (metric: string): string => selector(metric, { job: alertmanagerJob });
    const byIntegration = by(["namespace", "job", "integration"]);
    return [
        rb.alert({
            name: "AlertmanagerFailedToSendAlerts",
            expr: rateShareAbove(
                byIntegration,
                { bad: a(m.notificationsFailed), all: a(m.notifications), window: deliveryFailures.window },
                deliveryFailures.ratio,
            ),
            ...hold(deliveryFailures),
            summary: "Alertmanager fails to deliver {{ $labels.integration }} notifications",
            description:
                "{{ $value | humanizePercentage }} of notifications to {{ $labels.integration }} failed " +
                `${ratioOverWindow(deliveryFailures)}: people are not being told about alerts.`,
        }),
        rb.alert({
            name: "AlertmanagerClusterMembersMismatch",
            expr: lines(
                `max_over_time(${a(m.clusterMembers)}[${clusterSplit.window}])`,
                `< on (namespace, job) group_left`,
                `count ${byJob} (max_over_time(${a(m.clusterMembers)}[${clusterSplit.window}]))`,
            ),
            ...hold(clusterSplit),
            summary: "Alertmanager {{ $labels.pod }} sees only {{ $value }} cluster members",
            description:
                `{{ $labels.pod }} has seen {{ $value }} cluster members for ${durationWords(clusterSplit.for)}, fewer than the number of ` +
                "Alertmanager replicas scraped: the cluster is split and notifications may be duplicated or lost.",
        }),
        rb.alert({
            name: "AlertmanagerConfigReloadFailed",
            expr: `max_over_time(${a(m.configReloadSuccessful)}[${alertmanagerReloadFailed.window}]) == 0`,
            ...hold(alertmanagerReloadFailed),
            summary: "Alertmanager {{ $labels.pod }} failed to load its configuration",
            description:
                "The last configuration reload of {{ $labels.pod }} failed and has not succeeded for " +
                `${durationWords(alertmanagerReloadFailed.for)}: routing ` +
                "and receivers are those of the previous configuration.",
        }),
    ];
}

export const alertmanagerRunbooks = runbooks<Alertmanager>(__filename, {
    AlertmanagerFailedToSendAlerts: () => ({
        meaning:
            `More than ${formatPercent(deliveryFailures.ratio)} of Alertmanager's notifications to an integration ` +
            `(«integration» label: slack, webhook) failed over ${durationWords(deliveryFailures.window)}.`,
        impact: "People are not told about alerts (slack), or the dead man's switch misses heartbeats (webhook).",
        check: [
            promql(
                `sum ${by(["integration"])} (rate(${m.notificationsFailed}[${deliveryFailures.window}])) / ` +
                    `sum ${by(["integration"])} (rate(${m.notifications}[${deliveryFailures.window}]))`,
            ),
            sh(statefulSetLogs("alertmanager", "30m", "grep -iE 'notify|error'")),
        ].join("\n\n"),
        act: [
            "- Slack «invalid_token» / 404: the webhook was revoked; set a new one («pulumi config set --secret --path secrets.slackWebhookUrl» or the existing Secret) and «pulumi up».",
            "- Timeouts: the egress NetworkPolicy of Alertmanager or the cluster's outbound path.",
        ].join("\n"),
    }),
    AlertmanagerClusterMembersMismatch: () => ({
        meaning:
            "An Alertmanager replica has seen fewer cluster members than there are Alertmanager replicas scraped, for " +
            `${durationWords(clusterSplit.for)}.`,
        impact: "The cluster is split: notifications can be duplicated, and silences do not reach every replica.",
        check: [
            promql(m.clusterMembers, m.peerPosition),
            sh(
                statefulSetLogs("alertmanager", "30m", "grep -i cluster"),
                `kubectl -n ${obsNs} get pods ${podsOf(alertmanagerJob)} -o wide`,
            ),
        ].join("\n\n"),
        act: `- Check the NetworkPolicy allows the replicas to reach each other on port ${observabilityWorkloads.alertmanager.clusterPort} (TCP and UDP) and the peer list; restart the isolated replica.`,
    }),
    AlertmanagerConfigReloadFailed: () => ({
        meaning: `Alertmanager's last configuration reload failed and has not succeeded for ${durationWords(alertmanagerReloadFailed.for)}.`,
        impact: "Routing and receivers are those of the previous configuration: new receivers or routes are not live.",
        check: [
            promql(m.configReloadSuccessful),
            sh(statefulSetLogs("alertmanager", "30m", "grep -i 'config'")),
            "Validate the rendered file: «amtool check-config alertmanager.yml» (the alerts tests do this for every receiver type).",
        ].join("\n\n"),
        act: "- Fix the error named in the logs (often an unreadable «api_url_file»: the Slack Secret is not mounted) and deploy.",
    }),
});
