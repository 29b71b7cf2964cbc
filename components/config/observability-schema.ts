// The observability stack: Prometheus, Alertmanager and its receiver, Grafana, Loki, Jaeger, the OTel Collector.
import { z } from "zod";
import { type SeverityClass, severityClasses } from "../../model/alerts";
import { cidr, duration, persistence, resourceSpec } from "./fields";

/** A non-empty list of severity classes without repeats (model/alerts severityClasses). */
function severityClassList(dflt: SeverityClass[]) {
    return z
        .array(z.enum(severityClasses))
        .min(1, "at least one of critical, warning, info")
        .refine((l) => new Set(l).size === l.length, "each severity class once")
        .default(dflt);
}

export const observabilitySchema = z.strictObject({
    runbookBaseUrl: z
        .url()
        .default("https://github.com/azora-os/azora-platform/blob/main/docs/runbooks")
        .describe("Base of every alert's runbook_url; the runbooks live in docs/runbooks/<alert>.md."),
    prometheus: z
        .strictObject({
            replicas: z
                .number()
                .int()
                .min(1)
                .max(3)
                .default(1)
                .describe("Prometheus replicas (each scrapes and evaluates every rule)."),
            retentionTime: duration.default("15d").describe("How long Prometheus keeps samples."),
            retentionSize: z
                .string()
                .regex(/^[0-9]+(MB|GB|TB)$/, "a size such as 40GB")
                .default("40GB")
                .describe("Disk size at which Prometheus drops its oldest blocks."),
            scrapeInterval: duration
                .default("30s")
                .describe("Scrape interval of every target, and the interval at which the rules are evaluated."),
            persistence,
            resources: resourceSpec
                .optional()
                .describe("Requests and limits of the Prometheus container; unset: the component's own sizing."),
            remoteWrite: z
                .strictObject({
                    url: z
                        .url({ protocol: /^https$/, error: "an https URL: the series and the credential leave the cluster" })
                        .describe(
                            "The receiving endpoint (an organisation's central Prometheus, Mimir, Thanos Receive, Cortex…).",
                        ),
                    auth: z
                        .enum(["none", "basic", "bearer"])
                        .default("none")
                        .describe(
                            "`basic`: `username` and the password `secrets.remoteWrite.password`; `bearer`: the token `secrets.remoteWrite.bearerToken`; each read by Prometheus from a mounted file.",
                        ),
                    username: z
                        .string()
                        .min(1)
                        .optional()
                        .describe("Basic-auth user name (not secret); required by `auth: basic`."),
                    egressCidrs: z
                        .array(cidr)
                        .min(1)
                        .describe(
                            "Where the endpoint is (NetworkPolicy cannot name a host): Prometheus may reach these on the URL's port.",
                        ),
                    platformSeriesOnly: z
                        .boolean()
                        .default(true)
                        .describe(
                            "Send only series of the platform's own scrape jobs and its recording rules (write_relabel_configs keep on `job`); false: every series.",
                        ),
                    queue: z
                        .strictObject({
                            capacity: z.number().int().min(1).default(10000).describe("Samples buffered per shard."),
                            maxShards: z.number().int().min(1).default(50).describe("Upper bound of parallel senders."),
                            maxSamplesPerSend: z.number().int().min(1).default(2000).describe("Samples per request."),
                        })
                        .default({ capacity: 10000, maxShards: 50, maxSamplesPerSend: 2000 })
                        .describe("Prometheus's queue_config; the defaults are Prometheus's own."),
                })
                .optional()
                .describe("Also send the platform's series to an existing monitoring stack; unset: nothing leaves the cluster."),
        })
        .describe("Prometheus: scrapes the services and the stack, evaluates the generated alert and SLO rules."),
    alertmanager: z
        .strictObject({
            replicas: z
                .number()
                .int()
                .min(1)
                .max(5)
                .default(1)
                .describe("Alertmanager replicas, clustered (they de-duplicate notifications)."),
            receiver: z
                .discriminatedUnion("type", [
                    z.strictObject({
                        type: z
                            .literal("none")
                            .describe(
                                "`none`: no notification is sent (local stacks); the Watchdog still reaches `deadMansSwitchUrl` when it is set.",
                            ),
                    }),
                    z.strictObject({
                        type: z.literal("slack").describe("`slack`: notifications are posted to `channel`."),
                        channel: z
                            .string()
                            .regex(/^#[a-z0-9_-]+$/, "a Slack channel such as #azora-alerts")
                            .describe("Slack channel of every notification."),
                        criticalChannel: z
                            .string()
                            .regex(/^#[a-z0-9_-]+$/, "a Slack channel")
                            .optional()
                            .describe("Slack channel for critical alerts; unset: `channel`."),
                        existingSecret: z
                            .string()
                            .min(1)
                            .optional()
                            .describe("Existing Secret with key `url`; used when secrets.slackWebhookUrl is not set."),
                    }),
                ])
                .describe("Where alerts go: slack (webhook from secret) or none (local stacks)."),
            escalation: z
                .strictObject({
                    pagerduty: z
                        .strictObject({
                            severities: severityClassList(["critical"]).describe(
                                "Severity classes paged through PagerDuty (critical: critical alerts and SLO pages; warning; info: info alerts and SLO tickets).",
                            ),
                        })
                        .optional()
                        .describe(
                            "PagerDuty (Events API v2): the routing key is `secrets.alerting.pagerdutyRoutingKey` or the `pagerduty-routing-key` of `existingSecret`, read by Alertmanager from a file; unset: no PagerDuty.",
                        ),
                    opsgenie: z
                        .strictObject({
                            severities: severityClassList(["critical"]).describe(
                                "Severity classes sent to Opsgenie, as P1 (critical), P3 (warning) and P5 (info).",
                            ),
                            apiUrl: z
                                .url({ protocol: /^https$/, error: "an https URL such as https://api.eu.opsgenie.com/" })
                                .default("https://api.opsgenie.com/")
                                .describe("Opsgenie API of the account's region (`https://api.eu.opsgenie.com/` for the EU)."),
                        })
                        .optional()
                        .describe(
                            "Opsgenie: the API key is `secrets.alerting.opsgenieApiKey` or the `opsgenie-api-key` of `existingSecret`, read from a file; unset: no Opsgenie.",
                        ),
                    webhook: z
                        .strictObject({
                            url: z
                                .url({
                                    protocol: /^https$/,
                                    error: "an https URL such as https://incidents.example/alertmanager",
                                })
                                .refine((u) => !/^https:\/\/[^/]*@/.test(u) && !u.includes("?"), {
                                    error: "no credentials in the URL (user info or query string): it is kept in a ConfigMap; use bearerToken",
                                })
                                .describe(
                                    "Receiver of Alertmanager's webhook JSON. It ends up in alertmanager.yml, a ConfigMap, so it must carry no credential: authenticate with `bearerToken`, read from a Secret file.",
                                ),
                            severities: severityClassList(["critical", "warning"]).describe(
                                "Severity classes posted to the webhook.",
                            ),
                            bearerToken: z
                                .boolean()
                                .default(false)
                                .describe(
                                    "Send `Authorization: Bearer <token>`, the token being `secrets.alerting.webhookBearerToken` or the `webhook-bearer-token` of `existingSecret` (a `credentials_file`).",
                                ),
                        })
                        .optional()
                        .describe("A generic webhook (an incident tool, a chat bridge); unset: none."),
                    existingSecret: z
                        .string()
                        .min(1)
                        .optional()
                        .describe(
                            "Existing Secret holding the keys the tools above need; unset: the platform creates `alertmanager-escalation` from `secrets.alerting`.",
                        ),
                })
                .default({})
                .describe(
                    "Paging and incident tools beside (or instead of) Slack, each subscribed to severity classes of the route tree; unset: Slack only.",
                ),
            deadMansSwitchUrl: z
                .url()
                .optional()
                .describe(
                    "URL the always-firing `Watchdog` alert is sent to, so an external heartbeat notices when alerting stops.",
                ),
            persistence: persistence
                .default({ enabled: true, size: "1Gi" })
                .describe(
                    "Volume of the silences and the notification log (`--storage.path`): a restarted replica keeps them instead of re-notifying and forgetting silences.",
                ),
        })
        .describe("Alertmanager: groups, inhibits and routes the alerts."),
    grafana: z
        .strictObject({
            replicas: z
                .literal(1, "exactly 1: Grafana's SQLite database cannot be shared between replicas")
                .default(1)
                .describe("Grafana keeps its state in SQLite on one volume, so it runs as exactly one replica."),
            persistence,
        })
        .describe("Grafana with the Prometheus, Loki and Jaeger datasources and the generated dashboards."),
    loki: z
        .strictObject({
            retention: z
                .string()
                .regex(/^[0-9]+h$/, "hours, such as 168h")
                .default("168h")
                .describe("How long Loki keeps logs."),
            auditRetention: z
                .string()
                .regex(/^[0-9]+h$/, "hours, such as 8760h")
                .default("2160h")
                .describe(
                    'How long Loki keeps the services\' audit stream (`{stream="audit"}`), at least `retention`: audit trails outlive debugging logs.',
                ),
            persistence,
        })
        .refine((l) => parseInt(l.auditRetention, 10) >= parseInt(l.retention, 10), {
            path: ["auditRetention"],
            message: "at least loki.retention: the audit stream is kept longer than ordinary logs, never shorter",
        })
        .describe("Loki: stores the container logs the log-shipper DaemonSet sends."),
    jaeger: z
        .strictObject({
            storage: z
                .enum(["memory", "badger"])
                .default("badger")
                .describe("memory: traces are lost on restart; badger: persisted to a volume."),
            maxTraces: z
                .number()
                .int()
                .min(1000)
                .default(50000)
                .describe(
                    "Most traces the in-memory store keeps (`storage: memory`); Badger is bounded by its span TTL instead.",
                ),
            persistence,
        })
        .describe("Jaeger: stores and searches traces."),
    otelCollector: z
        .strictObject({
            replicas: z.number().int().min(1).max(10).default(1).describe("OpenTelemetry Collector replicas."),
            samplingPercentage: z
                .number()
                .min(0)
                .max(100)
                .default(10)
                .describe("Percentage of traces kept by the Collector's sampler."),
        })
        .describe(
            "OpenTelemetry Collector: receives the services' spans over OTLP (`OTEL_EXPORTER_OTLP_ENDPOINT`) and samples them.",
        ),
});
