// The Watchdog: an always-firing heartbeat that proves the alerting path end to end.
import type { AlertName } from "../../model/alerts";
import { timings } from "../alertmanager";
import type { RuleBuilder } from "../core/builder";
import { promql, sh } from "../core/markdown";
import { runbooks } from "../core/runbook";
import { obsNs } from "../core/runbook-snippets";
import type { Rule } from "../core/types";

type Meta = Extract<AlertName, "Watchdog">;

export function metaRules(rb: RuleBuilder<Meta>): Rule[] {
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

export const metaRunbooks = runbooks<Meta>(__filename, {
    Watchdog: () => ({
        meaning:
            "Always firing, by design («vector(1)», severity «none»). It proves the whole alerting path works: " +
            "Prometheus evaluates rules, Alertmanager receives and routes them, and the dead man's switch " +
            `(«observability.alertmanager.deadMansSwitchUrl») receives a heartbeat every ${timings.deadMansSwitch.repeat_interval} ` +
            "(set its period to about three times that).",
        impact:
            "None while it fires. The incident is its *absence*: the dead man's switch service raises it when the " +
            "heartbeat stops. Never silence or inhibit it.",
        check: [
            "When the dead man's switch reports a missing heartbeat:",
            sh(
                `kubectl -n ${obsNs} get pods -l 'app.kubernetes.io/name in (prometheus,alertmanager)'`,
                `kubectl -n ${obsNs} logs statefulset/prometheus --since=30m | grep -iE 'error|notif' | tail`,
                `kubectl -n ${obsNs} logs statefulset/alertmanager --since=30m | grep -iE 'error|webhook' | tail`,
            ),
            promql('ALERTS{alertname="Watchdog"}', "prometheus_notifications_alertmanagers_discovered"),
        ].join("\n\n"),
        act: [
            "- Prometheus down: see [ObservabilityComponentDown](ObservabilityComponentDown.md).",
            "- Alertmanager down or unreachable: see [PrometheusNotConnectedToAlertmanagers](PrometheusNotConnectedToAlertmanagers.md).",
            "- Both up: the webhook to the dead man's switch fails; see [AlertmanagerFailedToSendAlerts](AlertmanagerFailedToSendAlerts.md) (integration «webhook»).",
            "- Until fixed, no alert reaches anyone: watch the dashboards by hand.",
        ].join("\n"),
    }),
});
