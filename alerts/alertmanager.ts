// alertmanager.yml: a route tree by severity, inhibitions, and receivers. No credential appears in
// the text: Alertmanager reads the Slack webhook, the PagerDuty routing key, the Opsgenie API key and
// the webhook's bearer token from files the Secrets are mounted at.
import { stringify } from "yaml";
import {
    type AlertReceiver,
    type Escalation,
    escalates,
    jobDownAlertNames,
    type SeverityClass,
    watchdogAlertName,
} from "../model/alerts";
import { regexEscape } from "../model/promql";
import { escalationSecretKeys } from "../model/secrets";

export interface AlertmanagerConfigInputs {
    /** observability.alertmanager.receiver of the stack configuration. */
    receiver: AlertReceiver;
    /** Path of the mounted Slack incoming-webhook URL (the Secret's `url` key), read via api_url_file. */
    slackWebhookFile: string;
    /** observability.alertmanager.escalation: PagerDuty, Opsgenie and a webhook beside (or instead of) Slack. */
    escalation?: Escalation;
    /** Directory of the mounted escalation Secret, one file per key of escalationSecretKeys. */
    escalationSecretsDirectory: string;
    /** Heartbeat endpoint that raises an incident when the Watchdog alert stops arriving. */
    deadMansSwitchUrl?: string;
}

export const receiverNames = {
    null: "null",
    critical: "critical",
    default: "default",
    lowUrgency: "low-urgency",
    deadMansSwitch: "dead-mans-switch",
} as const;

/** Alerts are grouped per failure and per job: one notification per broken thing. */
const groupBy = ["alertname", "job", "namespace"] as const;

export const timings = {
    root: { group_wait: "30s", group_interval: "5m", repeat_interval: "4h" },
    critical: { group_wait: "10s", group_interval: "5m", repeat_interval: "1h" },
    lowUrgency: { group_wait: "5m", group_interval: "30m", repeat_interval: "24h" },
    /** The heartbeat must arrive more often than the dead man's switch's period (set it to ~15m). */
    deadMansSwitch: { group_wait: "0s", group_interval: "1m", repeat_interval: "5m" },
    /** Watchdog without a dead man's switch: swallowed, rarely re-evaluated. */
    watchdogNull: { group_wait: "0s", group_interval: "1h", repeat_interval: "168h" },
} as const;

const slackTitle =
    '[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] ' +
    "{{ .CommonLabels.alertname }}{{ with .CommonLabels.job }} · {{ . }}{{ end }}" +
    "{{ with .CommonLabels.namespace }} ({{ . }}){{ end }}";

const slackText = [
    "{{ range .Alerts }}",
    "*{{ .Labels.severity | toUpper }}*{{ with .Labels.urgency }} ({{ . }}){{ end }} {{ .Annotations.summary }}",
    "{{ .Annotations.description }}",
    "{{ with .Annotations.runbook_url }}:book: Runbook: <{{ . }}|{{ $.CommonLabels.alertname }}>{{ end }}",
    "{{ end }}",
].join("\n");

const slackColor =
    '{{ if eq .Status "firing" }}{{ if eq .CommonLabels.severity "critical" }}danger{{ else }}warning{{ end }}{{ else }}good{{ end }}';

const slackTemplates = { title: slackTitle, text: slackText, color: slackColor } as const;

interface Receiver {
    name: string;
    slack_configs?: Record<string, unknown>[];
    pagerduty_configs?: Record<string, unknown>[];
    opsgenie_configs?: Record<string, unknown>[];
    webhook_configs?: Record<string, unknown>[];
}

/** The receiver each severity class of the escalation settings lands on. */
const severityClassReceivers: Record<SeverityClass, string> = {
    critical: receiverNames.critical,
    warning: receiverNames.default,
    info: receiverNames.lowUrgency,
};

/** PagerDuty's event severity per class (Events API v2 accepts critical, error, warning, info). */
const pagerdutySeverity: Record<SeverityClass, string> = { critical: "critical", warning: "warning", info: "info" };

/** Opsgenie's priority per class: P1 wakes someone, P5 is informational. */
const opsgeniePriority: Record<SeverityClass, string> = { critical: "P1", warning: "P3", info: "P5" };

interface Route {
    receiver: string;
    matchers?: string[];
    group_by?: string[];
    group_wait?: string;
    group_interval?: string;
    repeat_interval?: string;
    continue?: boolean;
    routes?: Route[];
}

function slackConfig(channel: string, webhookFile: string): Record<string, unknown> {
    return {
        api_url_file: webhookFile,
        channel,
        send_resolved: true,
        title: slackTemplates.title,
        text: slackTemplates.text,
        color: slackTemplates.color,
    };
}

/** The receiver of one severity class: Slack when configured, plus every escalation tool subscribed to the class. */
function classReceiver(cls: SeverityClass, opts: AlertmanagerConfigInputs): Receiver {
    const receiver: Receiver = { name: severityClassReceivers[cls] };
    const file = (key: string) => `${opts.escalationSecretsDirectory}/${key}`;
    if (opts.receiver.type === "slack") {
        const { channel, criticalChannel } = opts.receiver;
        receiver.slack_configs = [
            slackConfig(cls === "critical" ? (criticalChannel ?? channel) : channel, opts.slackWebhookFile),
        ];
    }
    const { pagerduty, opsgenie, webhook } = opts.escalation ?? {};
    if (pagerduty?.severities.includes(cls)) {
        receiver.pagerduty_configs = [
            {
                routing_key_file: file(escalationSecretKeys.pagerdutyRoutingKey),
                send_resolved: true,
                severity: pagerdutySeverity[cls],
                description: slackTemplates.title,
                links: [{ href: "{{ .CommonAnnotations.runbook_url }}", text: "Runbook" }],
            },
        ];
    }
    if (opsgenie?.severities.includes(cls)) {
        receiver.opsgenie_configs = [
            {
                api_key_file: file(escalationSecretKeys.opsgenieApiKey),
                api_url: opsgenie.apiUrl,
                send_resolved: true,
                message: slackTemplates.title,
                description: slackTemplates.text,
                priority: opsgeniePriority[cls],
            },
        ];
    }
    if (webhook?.severities.includes(cls)) {
        receiver.webhook_configs = [
            {
                url: webhook.url,
                send_resolved: true,
                ...(webhook.bearerToken
                    ? {
                          http_config: {
                              authorization: { type: "Bearer", credentials_file: file(escalationSecretKeys.webhookBearerToken) },
                          },
                      }
                    : {}),
            },
        ];
    }
    return receiver;
}

/** Whether anything at all is notified: Slack or at least one escalation tool. */
function notifies(opts: AlertmanagerConfigInputs): boolean {
    return opts.receiver.type === "slack" || escalates(opts.escalation);
}

function oneOf(names: readonly string[]): string {
    return names.map(regexEscape).join("|");
}

export function renderAlertmanagerConfig(opts: AlertmanagerConfigInputs): string {
    const receivers: Receiver[] = [{ name: receiverNames.null }];
    if (opts.deadMansSwitchUrl) {
        receivers.push({
            name: receiverNames.deadMansSwitch,
            webhook_configs: [{ url: opts.deadMansSwitchUrl, send_resolved: false }],
        });
    }
    const watchdogRoute: Route = opts.deadMansSwitchUrl
        ? { receiver: receiverNames.deadMansSwitch, matchers: [`alertname="${watchdogAlertName}"`], ...timings.deadMansSwitch }
        : { receiver: receiverNames.null, matchers: [`alertname="${watchdogAlertName}"`], ...timings.watchdogNull };

    let root: Route;
    if (notifies(opts)) {
        receivers.push(classReceiver("critical", opts), classReceiver("warning", opts), classReceiver("info", opts));
        root = {
            receiver: receiverNames.default,
            group_by: [...groupBy],
            ...timings.root,
            routes: [
                watchdogRoute,
                { receiver: receiverNames.null, matchers: ['severity="none"'] },
                { receiver: receiverNames.critical, matchers: ['severity="critical"'], ...timings.critical },
                { receiver: receiverNames.lowUrgency, matchers: ['urgency="ticket"'], ...timings.lowUrgency },
                { receiver: receiverNames.lowUrgency, matchers: ['severity="info"'], ...timings.lowUrgency },
                { receiver: receiverNames.default, matchers: ['severity="warning"'] },
            ],
        };
    } else {
        root = { receiver: receiverNames.null, group_by: [...groupBy], ...timings.root, routes: [watchdogRoute] };
    }

    const downAlerts = oneOf(jobDownAlertNames);
    const config = {
        global: { resolve_timeout: "5m" },
        route: root,
        inhibit_rules: [
            {
                source_matchers: ['severity="critical"'],
                target_matchers: ['severity=~"warning|info"'],
                equal: [...groupBy],
            },
            {
                source_matchers: ['severity="warning"'],
                target_matchers: ['severity="info"'],
                equal: [...groupBy],
            },
            {
                // A job with no healthy pod: its error-rate, latency, SLO... alerts add nothing.
                source_matchers: [`alertname=~"${downAlerts}"`],
                target_matchers: [`alertname!~"${downAlerts}"`],
                equal: ["job"],
            },
        ],
        receivers,
    };
    return (
        "# Generated by alerts/alertmanager.ts: do not edit.\n" +
        stringify(config, { lineWidth: 0, blockQuote: "literal", aliasDuplicateObjects: false })
    );
}
