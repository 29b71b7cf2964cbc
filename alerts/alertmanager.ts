// alertmanager.yml: a route tree by severity, inhibitions, and receivers. The Slack webhook never
// appears in the text: Alertmanager reads it from a file the Secret is mounted at.
import { stringify } from "yaml";
import { type AlertReceiver, jobDownAlertNames, watchdogAlertName } from "../model/alerts";
import { regexEscape } from "../model/promql";

export interface AlertmanagerConfigInputs {
    /** observability.alertmanager.receiver of the stack configuration. */
    receiver: AlertReceiver;
    /** Path of the mounted Slack incoming-webhook URL (the Secret's `url` key), read via api_url_file. */
    slackWebhookFile: string;
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
    webhook_configs?: Record<string, unknown>[];
}

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

function slackReceiver(name: string, channel: string, webhookFile: string): Receiver {
    return {
        name,
        slack_configs: [
            {
                api_url_file: webhookFile,
                channel,
                send_resolved: true,
                title: slackTemplates.title,
                text: slackTemplates.text,
                color: slackTemplates.color,
            },
        ],
    };
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
    if (opts.receiver.type === "slack") {
        const { channel, criticalChannel } = opts.receiver;
        receivers.push(
            slackReceiver(receiverNames.critical, criticalChannel ?? channel, opts.slackWebhookFile),
            slackReceiver(receiverNames.default, channel, opts.slackWebhookFile),
            slackReceiver(receiverNames.lowUrgency, channel, opts.slackWebhookFile),
        );
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
