// Every alert name the platform can raise. One name per failure family; services, components and
// SLOs are told apart by labels (job, slo, quantile...), never by the name. A name added here must
// get a runbook in ./runbooks.ts (the Record type enforces it) and promtool cases in ./tests/.

export const serviceAlertNames = [
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

export const sloAlertNames = ["AzoraAvailabilityBudgetBurn", "AzoraLatencyBudgetBurn"] as const;

export const stackAlertNames = [
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
