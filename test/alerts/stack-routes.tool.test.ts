// Each deployed stack's routing tree, rendered from its committed Pulumi.<stack>.yaml the way the
// Platform renders it (only the mounted files' directory differs), checked by the real amtool:
// where each severity lands, and which notifiers that receiver holds.
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { z } from "zod";
import { receiverNames } from "../../alerts";
import { parsePlatformConfig } from "../../components/config";
import { catalog } from "../../model/catalog";
import { escalationSecretKeys } from "../../model/secrets";
import { pipelineDigests, readStackConfig } from "../unit/stack-files";
import { writeConfig } from "./alertmanager-fixtures";
import { run } from "./support";

type Stack = "local" | "dev" | "staging" | "prod";

function renderStack(stack: Stack): { file: string; dir: string; text: string; receivers: Map<string, Notifiers> } {
    const raw = readStackConfig(stack);
    if (stack === "prod") raw.images = { ...(raw.images as object), digests: pipelineDigests(catalog) };
    const am = parsePlatformConfig(stack, raw, catalog).observability.alertmanager;
    const { file, dir, text } = writeConfig((d) => ({
        receiver: am.receiver,
        slackWebhookFile: `${d}/slack-webhook-url`,
        escalation: am.escalation,
        escalationSecretsDirectory: d,
        deadMansSwitchUrl: am.deadMansSwitchUrl,
    }));
    const cfg = receiversSchema.parse(parse(text));
    return { file, dir, text, receivers: new Map(cfg.receivers.map((r) => [r.name, notifiersOf(r)])) };
}

const receiversSchema = z.object({
    receivers: z.array(
        z.object({
            name: z.string(),
            slack_configs: z.array(z.object({ channel: z.string() })).optional(),
            pagerduty_configs: z.array(z.object({ routing_key_file: z.string(), severity: z.string() })).optional(),
            opsgenie_configs: z
                .array(z.object({ api_key_file: z.string(), api_url: z.string(), priority: z.string() }))
                .optional(),
            webhook_configs: z
                .array(
                    z.object({
                        url: z.string(),
                        http_config: z.object({ authorization: z.object({ credentials_file: z.string() }) }).optional(),
                    }),
                )
                .optional(),
        }),
    ),
});

/** What one receiver notifies, in words: `slack #channel`, `pagerduty critical`, `opsgenie P1`, `webhook <url> (bearer)`. */
type Notifiers = string[];

function notifiersOf(r: z.infer<typeof receiversSchema>["receivers"][number]): Notifiers {
    return [
        ...(r.slack_configs ?? []).map((c) => `slack ${c.channel}`),
        ...(r.pagerduty_configs ?? []).map((c) => `pagerduty ${c.severity}`),
        ...(r.opsgenie_configs ?? []).map((c) => `opsgenie ${c.priority}`),
        ...(r.webhook_configs ?? []).map((c) => `webhook ${c.url}${c.http_config ? " (bearer)" : ""}`),
    ];
}

async function routesOf(file: string, labels: Record<string, string>): Promise<string> {
    const r = await run("amtool", [
        "config",
        "routes",
        "test",
        `--config.file=${file}`,
        ...Object.entries(labels).map(([k, v]) => `${k}=${v}`),
    ]);
    expect(r.status, r.output).toBe(0);
    return r.stdout.trim();
}

const alerts = {
    critical: { alertname: "AzoraServiceDown", severity: "critical", job: "azora-pay", namespace: "azora" },
    sloPage: { alertname: "AzoraAvailabilityBudgetBurn", severity: "critical", urgency: "page", job: "azora-pay" },
    warning: { alertname: "AzoraHighErrorRate", severity: "warning", job: "azora-pay", namespace: "azora" },
    sloTicket: { alertname: "AzoraAvailabilityBudgetBurn", severity: "warning", urgency: "ticket", job: "azora-pay" },
    info: { alertname: "PrometheusRuleFilesLarge", severity: "info", job: "prometheus" },
    none: { alertname: "AzoraInformationalRecord", severity: "none" },
    watchdog: { alertname: "Watchdog", severity: "none" },
} as const;

/** Receiver each alert lands on, and what that receiver notifies. */
type Expected = Record<keyof typeof alerts, { receiver: string; notifies: Notifiers }>;

const nobody = { receiver: receiverNames.null, notifies: [] };

const expected: Record<Stack, Expected> = {
    local: {
        critical: nobody,
        sloPage: nobody,
        warning: nobody,
        sloTicket: nobody,
        info: nobody,
        none: nobody,
        watchdog: nobody,
    },
    dev: {
        critical: { receiver: receiverNames.critical, notifies: ["slack #azora-alerts-dev"] },
        sloPage: { receiver: receiverNames.critical, notifies: ["slack #azora-alerts-dev"] },
        warning: { receiver: receiverNames.default, notifies: ["slack #azora-alerts-dev"] },
        sloTicket: { receiver: receiverNames.lowUrgency, notifies: ["slack #azora-alerts-dev"] },
        info: { receiver: receiverNames.lowUrgency, notifies: ["slack #azora-alerts-dev"] },
        none: nobody,
        watchdog: nobody,
    },
    staging: {
        critical: { receiver: receiverNames.critical, notifies: ["slack #azora-alerts-staging", "opsgenie P1"] },
        sloPage: { receiver: receiverNames.critical, notifies: ["slack #azora-alerts-staging", "opsgenie P1"] },
        warning: { receiver: receiverNames.default, notifies: ["slack #azora-alerts-staging"] },
        sloTicket: { receiver: receiverNames.lowUrgency, notifies: ["slack #azora-alerts-staging"] },
        info: { receiver: receiverNames.lowUrgency, notifies: ["slack #azora-alerts-staging"] },
        none: nobody,
        watchdog: nobody,
    },
    prod: {
        critical: {
            receiver: receiverNames.critical,
            notifies: [
                "slack #azora-oncall",
                "pagerduty critical",
                "webhook https://incidents.azora.example/hooks/alertmanager (bearer)",
            ],
        },
        sloPage: {
            receiver: receiverNames.critical,
            notifies: [
                "slack #azora-oncall",
                "pagerduty critical",
                "webhook https://incidents.azora.example/hooks/alertmanager (bearer)",
            ],
        },
        warning: {
            receiver: receiverNames.default,
            notifies: ["slack #azora-alerts", "webhook https://incidents.azora.example/hooks/alertmanager (bearer)"],
        },
        sloTicket: { receiver: receiverNames.lowUrgency, notifies: ["slack #azora-alerts"] },
        info: { receiver: receiverNames.lowUrgency, notifies: ["slack #azora-alerts"] },
        none: nobody,
        watchdog: { receiver: receiverNames.deadMansSwitch, notifies: ["webhook https://deadman.azora.example/ping/azora-prod"] },
    },
};

describe.each(["local", "dev", "staging", "prod"] as const)("the %s stack's routing tree", (stack) => {
    it("passes amtool check-config", async () => {
        const { file } = renderStack(stack);
        const r = await run("amtool", ["check-config", file]);
        expect(r.status, r.output).toBe(0);
    });

    it.each(Object.keys(alerts) as (keyof typeof alerts)[])("routes the %s alert to its receiver and notifiers", async (kind) => {
        const { file, receivers } = renderStack(stack);
        const want = expected[stack][kind];
        expect(await routesOf(file, alerts[kind])).toBe(want.receiver);
        expect(receivers.get(want.receiver) ?? []).toEqual(want.notifies);
    });

    it("reads every escalation credential from the mounted Secret's files, none from the text", () => {
        const { dir, text } = renderStack(stack);
        expect(text).not.toMatch(/\b(routing_key|api_key|credentials|service_key):/);
        const cfg = receiversSchema.parse(parse(text));
        for (const r of cfg.receivers) {
            for (const c of r.pagerduty_configs ?? [])
                expect(c.routing_key_file).toBe(`${dir}/${escalationSecretKeys.pagerdutyRoutingKey}`);
            for (const c of r.opsgenie_configs ?? [])
                expect(c.api_key_file).toBe(`${dir}/${escalationSecretKeys.opsgenieApiKey}`);
            for (const c of r.webhook_configs ?? []) {
                if (c.http_config)
                    expect(c.http_config.authorization.credentials_file).toBe(
                        `${dir}/${escalationSecretKeys.webhookBearerToken}`,
                    );
            }
        }
    });
});
