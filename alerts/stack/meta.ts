// The Watchdog: an always-firing heartbeat that proves the alerting path end to end.
import { type AlertName, type Severity, watchdogAlertName } from "../../model/alerts";
import { labelKeys } from "../../model/labels";
import { selector } from "../../model/promql";
import { timings } from "../alertmanager";
import type { RuleBuilder } from "../core/builder";
import { promql, sh } from "../core/markdown";
import { runbooks } from "../core/runbook";
import { obsNs } from "../core/runbook-snippets";
import type { Rule } from "../core/types";
import { stackJob, statefulSetLogs } from "./jobs";
import { prometheusMetrics } from "./prometheus";

/** Always true, never paged on: Alertmanager routes severity "none" away from people. */
const heartbeat = { expr: "vector(1)", severity: "none" } as const satisfies { expr: string; severity: Severity };

type Meta = Extract<AlertName, "Watchdog">;

export function metaRules(rb: RuleBuilder<Meta>): Rule[] {
    return [
        rb.alert({
            name: "Watchdog",
            ...heartbeat,
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
            `Always firing, by design («${heartbeat.expr}», severity «${heartbeat.severity}»). It proves the whole alerting path works: ` +
            "Prometheus evaluates rules, Alertmanager receives and routes them, and the dead man's switch " +
            `(«observability.alertmanager.deadMansSwitchUrl») receives a heartbeat every ${timings.deadMansSwitch.repeat_interval} ` +
            "(set its period to about three times that).",
        impact:
            "None while it fires. The incident is its *absence*: the dead man's switch service raises it when the " +
            "heartbeat stops. Never silence or inhibit it.",
        check: [
            "When the dead man's switch reports a missing heartbeat:",
            sh(
                `kubectl -n ${obsNs} get pods -l '${labelKeys.name} in (${stackJob("prometheus")},${stackJob("alertmanager")})'`,
                statefulSetLogs("prometheus", "30m", "grep -iE 'error|notif'"),
                statefulSetLogs("alertmanager", "30m", "grep -iE 'error|webhook'"),
            ),
            promql(selector("ALERTS", { alertname: watchdogAlertName }), prometheusMetrics.alertmanagersDiscovered),
        ].join("\n\n"),
        act: [
            "- Prometheus down: see [ObservabilityComponentDown](ObservabilityComponentDown.md).",
            "- Alertmanager down or unreachable: see [PrometheusNotConnectedToAlertmanagers](PrometheusNotConnectedToAlertmanagers.md).",
            "- Both up: the webhook to the dead man's switch fails; see [AlertmanagerFailedToSendAlerts](AlertmanagerFailedToSendAlerts.md) (integration «webhook»).",
            "- Until fixed, no alert reaches anyone: watch the dashboards by hand.",
        ].join("\n"),
    }),
});
