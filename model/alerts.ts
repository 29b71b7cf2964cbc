// Every alert name the platform can raise, and the vocabulary of their labels. One name per failure
// family; services, components and SLOs are told apart by labels (job, slo, quantile...), never by
// the name. A name added here must get a runbook beside its rule in alerts/ (the Record type of the
// runbooks enforces it) and promtool cases that fire and stay quiet.

import { type EscalationSecretKey, escalationSecretKeys } from "./secrets";

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
    "AzoraRequestRateAnomaly",
    "AzoraErrorLogSurge",
    "AzoraAuthFailureBurst",
    "AzoraAccessDeniedBurst",
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

/** The public edge: its Envoy proxies and the certificates cert-manager issues for the Gateway. */
const edgeAlertNames = [
    "EdgeProxyDown",
    "EdgeHighErrorRate",
    "EdgeRateLimitedSurge",
    "EdgeDeniedSurge",
    "CertificateExpiresSoon",
    "CertificateNotReady",
] as const;

/** The cluster under the platform, in the Kubernetes monitoring mixin's names: kube-state-metrics,
 *  the kubelet/cAdvisor and node exporter. */
const clusterAlertNames = [
    "KubePodCrashLooping",
    "KubePodNotReady",
    "KubeContainerOOMKilled",
    "KubeContainerWaiting",
    "KubeDeploymentReplicasMismatch",
    "KubeDeploymentRolloutStuck",
    "KubeStatefulSetReplicasMismatch",
    "KubeStatefulSetUpdateNotRolledOut",
    "KubeDaemonSetRolloutStuck",
    "KubeDaemonSetMisScheduled",
    "KubeJobFailed",
    "KubeCronJobNotScheduled",
    "KubeCronJobLastSuccessTooOld",
    "KubeHpaMaxedOut",
    "KubeHpaReplicasMismatch",
    "KubePersistentVolumeFillingUp",
    "KubePersistentVolumeInodesFillingUp",
    "NodeFilesystemSpaceFillingUp",
    "NodeFilesystemFilesFillingUp",
    "KubeQuotaAlmostFull",
    "CPUThrottlingHigh",
    "KubeNodeNotReady",
    "KubeNodeMemoryPressure",
    "KubeNodeDiskPressure",
    "NodeMemoryHigh",
    "NodeCPUHigh",
    "KubeletDown",
    "KubeStateMetricsDown",
    "NodeExporterDown",
] as const;

export const alertNames = [...serviceAlertNames, ...sloAlertNames, ...stackAlertNames, ...edgeAlertNames, ...clusterAlertNames] as const;
export type AlertName = (typeof alertNames)[number];

/** Alerts that mean "this job is gone": they silence the job's other alerts in Alertmanager. */
export const jobDownAlertNames: readonly AlertName[] = ["AzoraServiceDown", "ObservabilityComponentDown", "EdgeProxyDown"];

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

/**
 * The three receivers of the route tree, named by the alerts they get: `critical` (critical alerts and
 * SLO pages), `warning` (warnings), `info` (info alerts and SLO tickets, the low-urgency receiver).
 */
export const severityClasses = ["critical", "warning", "info"] as const;
export type SeverityClass = (typeof severityClasses)[number];

/** Paging and incident tools beside the Slack receiver: observability.alertmanager.escalation. */
export interface Escalation {
    /** PagerDuty Events API v2; the routing key is the escalation Secret's `pagerduty-routing-key`. */
    pagerduty?: { severities: readonly SeverityClass[] };
    /** Opsgenie Alert API; the API key is the escalation Secret's `opsgenie-api-key`. */
    opsgenie?: { severities: readonly SeverityClass[]; apiUrl: string };
    /** Alertmanager's generic webhook; with `bearerToken`, the escalation Secret's `webhook-bearer-token`. */
    webhook?: { url: string; severities: readonly SeverityClass[]; bearerToken: boolean };
    /** Existing Secret holding the keys; otherwise the platform creates it from the stack's secrets.alerting. */
    existingSecret?: string;
}

/** The escalation Secret's keys this escalation reads: the Secret must hold them, and only they are mounted. */
export function escalationKeysOf(e: Escalation | undefined): EscalationSecretKey[] {
    const keys: EscalationSecretKey[] = [];
    if (e?.pagerduty) keys.push(escalationSecretKeys.pagerdutyRoutingKey);
    if (e?.opsgenie) keys.push(escalationSecretKeys.opsgenieApiKey);
    if (e?.webhook?.bearerToken) keys.push(escalationSecretKeys.webhookBearerToken);
    return keys;
}

/** Whether any escalation tool is configured (each one notifies over HTTPS). */
export function escalates(e: Escalation | undefined): boolean {
    return Boolean(e?.pagerduty ?? e?.opsgenie ?? e?.webhook);
}
