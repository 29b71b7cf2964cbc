// Alertmanager's own health: delivery to integrations, cluster membership, configuration reloads.
// (The configuration Alertmanager runs is rendered by alerts/alertmanager.ts.)
import type { AlertName } from "../../model/alerts";
import { by, selector } from "../../model/promql";
import { observabilityWorkloads } from "../../model/workloads";
import { lines, type RuleBuilder } from "../core/builder";
import { promql, sh } from "../core/markdown";
import { runbooks } from "../core/runbook";
import { obsNs } from "../core/runbook-snippets";
import type { Rule } from "../core/types";
import { stackJob } from "./jobs";

const alertmanagerJob = stackJob("alertmanager");

type Alertmanager = Extract<AlertName, "AlertmanagerFailedToSendAlerts" | "AlertmanagerClusterMembersMismatch" | "AlertmanagerConfigReloadFailed">;

export function alertmanagerRules(rb: RuleBuilder<Alertmanager>): Rule[] {
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

export const alertmanagerRunbooks = runbooks<Alertmanager>(__filename, {
    AlertmanagerFailedToSendAlerts: () => ({
        meaning:
            "More than 1% of Alertmanager's notifications to an integration («integration» label: slack, webhook) " +
            "failed over 5 minutes.",
        impact: "People are not told about alerts (slack), or the dead man's switch misses heartbeats (webhook).",
        check: [
            promql(
                "sum by (integration) (rate(alertmanager_notifications_failed_total[5m])) / sum by (integration) (rate(alertmanager_notifications_total[5m]))",
            ),
            sh(`kubectl -n ${obsNs} logs statefulset/alertmanager --since=30m | grep -iE 'notify|error' | tail`),
        ].join("\n\n"),
        act: [
            "- Slack «invalid_token» / 404: the webhook was revoked; set a new one («pulumi config set --secret --path secrets.slackWebhookUrl» or the existing Secret) and «pulumi up».",
            "- Timeouts: the egress NetworkPolicy of Alertmanager or the cluster's outbound path.",
        ].join("\n"),
    }),
    AlertmanagerClusterMembersMismatch: () => ({
        meaning:
            "An Alertmanager replica has seen fewer cluster members than there are Alertmanager replicas scraped, for 15 minutes.",
        impact: "The cluster is split: notifications can be duplicated, and silences do not reach every replica.",
        check: [
            promql("alertmanager_cluster_members", "alertmanager_peer_position"),
            sh(
                `kubectl -n ${obsNs} logs statefulset/alertmanager --since=30m | grep -i cluster | tail`,
                `kubectl -n ${obsNs} get pods -l app.kubernetes.io/name=alertmanager -o wide`,
            ),
        ].join("\n\n"),
        act: `- Check the NetworkPolicy allows the replicas to reach each other on port ${observabilityWorkloads.alertmanager.clusterPort} (TCP and UDP) and the peer list; restart the isolated replica.`,
    }),
    AlertmanagerConfigReloadFailed: () => ({
        meaning: "Alertmanager's last configuration reload failed and has not succeeded for 10 minutes.",
        impact: "Routing and receivers are those of the previous configuration: new receivers or routes are not live.",
        check: [
            promql("alertmanager_config_last_reload_successful"),
            sh(`kubectl -n ${obsNs} logs statefulset/alertmanager --since=30m | grep -i 'config' | tail`),
            "Validate the rendered file: «amtool check-config alertmanager.yml» (the alerts tests do this for every receiver type).",
        ].join("\n\n"),
        act: "- Fix the error named in the logs (often an unreadable «api_url_file»: the Slack Secret is not mounted) and deploy.",
    }),
});
