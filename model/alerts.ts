// Every alert name the platform can raise, and the vocabulary of their labels. One name per failure
// family; services, components and SLOs are told apart by labels (job, slo, quantile...), never by
// the name. A name added here must get a runbook beside its rule in alerts/ (the Record type of the
// runbooks enforces it) and promtool cases that fire and stay quiet.

export const severities = ["critical", "warning", "info", "none"] as const;
export type Severity = (typeof severities)[number];

/** SLO alerts say whether they page a human now or open a ticket for working hours. */
export type Urgency = "page" | "ticket";

/** A Prometheus duration such as 30s, 5m, 1h, 3d. */
export type Duration = `${number}${"s" | "m" | "h" | "d" | "w"}`;

const serviceAlertNames = [
    "AzoraServiceDown",
    "AzoraServiceTargetDown",
    "AzoraHighErrorRate",
    "AzoraHighLatency",
    "AzoraDatabasePoolExhausted",
    "AzoraHighMemoryUsage",
    "AzoraAuthFailureRateHigh",
    "AzoraGatewayAuthErrorSpike",
    "AzoraPaymentFailures",
    "AzoraEnrollmentFailures",
    "AzoraBusinessOperationFailures",
] as const;

const sloAlertNames = ["AzoraAvailabilityBudgetBurn", "AzoraLatencyBudgetBurn"] as const;

const stackAlertNames = [
    "Watchdog",
    "ObservabilityComponentDown",
    "ObservabilityTargetDown",
    "PrometheusRuleEvaluationFailures",
    "PrometheusNotificationQueueRunningFull",
    "PrometheusErrorSendingAlerts",
    "PrometheusNotConnectedToAlertmanagers",
    "PrometheusTSDBCompactionsFailing",
    "PrometheusTSDBReloadsFailing",
    "PrometheusConfigReloadFailed",
    "AlertmanagerFailedToSendAlerts",
    "AlertmanagerClusterMembersMismatch",
    "AlertmanagerConfigReloadFailed",
    "OtelCollectorExportFailures",
    "OtelCollectorRefusedSpans",
    "LokiRequestErrors",
    "LokiDiscardedSamples",
    "LokiPushLatencyHigh",
    "LokiIngestionStalled",
    "LogShipperOutputErrors",
] as const;

export const alertNames = [...serviceAlertNames, ...sloAlertNames, ...stackAlertNames] as const;
export type AlertName = (typeof alertNames)[number];

/** Alerts that mean "this job is gone": they silence the job's other alerts in Alertmanager. */
export const jobDownAlertNames: readonly AlertName[] = ["AzoraServiceDown", "ObservabilityComponentDown"];

/** The dead man's switch: always firing, routed to an external heartbeat, never to people. */
export const watchdogAlertName: AlertName = "Watchdog";

/** Where alerts go: observability.alertmanager.receiver of the stack configuration. */
export type AlertReceiver =
    | { type: "none" }
    | {
          type: "slack";
          channel: string;
          /** Critical alerts go here when set, else to `channel`. */
          criticalChannel?: string;
          /** Existing Secret holding the webhook URL; otherwise the stack's secrets.slackWebhookUrl. */
          existingSecret?: string;
      };
