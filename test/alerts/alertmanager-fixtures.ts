// The alertmanager.yml under test, rendered into a fresh directory beside dummy credential files, and
// its shape as a zod schema, shared by the TypeScript checks and the amtool/Alertmanager ones.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { type AlertmanagerConfigInputs, renderAlertmanagerConfig } from "../../alerts";
import { escalationSecretKeys } from "../../model/secrets";
import { tempDir } from "./support";

export const deadMansSwitchUrl = "https://deadman.example/ping/azora-prod";
export const dummyWebhook = "https://hooks.slack.invalid/services/T0000/B0000/not-a-real-token";

export function slackInputs(dir: string, overrides: Partial<AlertmanagerConfigInputs> = {}): AlertmanagerConfigInputs {
    return {
        receiver: { type: "slack", channel: "#azora-alerts", criticalChannel: "#azora-pager" },
        slackWebhookFile: join(dir, "slack-webhook-url"),
        escalationSecretsDirectory: dir,
        deadMansSwitchUrl,
        ...overrides,
    };
}

/** Renders the config into a fresh directory next to dummy webhook and escalation key files; returns the config path. */
export function writeConfig(makeInputs: (dir: string) => AlertmanagerConfigInputs): { dir: string; file: string; text: string } {
    const dir = tempDir("azora-am-");
    writeFileSync(join(dir, "slack-webhook-url"), `${dummyWebhook}\n`);
    for (const key of Object.values(escalationSecretKeys)) writeFileSync(join(dir, key), "not-a-real-credential\n");
    const text = renderAlertmanagerConfig(makeInputs(dir));
    const file = join(dir, "alertmanager.yml");
    writeFileSync(file, text);
    return { dir, file, text };
}

const slackConfig = z.object({
    api_url_file: z.string(),
    channel: z.string(),
    send_resolved: z.boolean(),
    title: z.string(),
    text: z.string(),
});
export const amConfig = z.object({
    route: z.object({
        receiver: z.string(),
        group_by: z.array(z.string()),
        group_wait: z.string(),
        group_interval: z.string(),
        repeat_interval: z.string(),
        routes: z.array(
            z.object({ receiver: z.string(), matchers: z.array(z.string()), repeat_interval: z.string().optional() }),
        ),
    }),
    inhibit_rules: z.array(
        z.object({ source_matchers: z.array(z.string()), target_matchers: z.array(z.string()), equal: z.array(z.string()) }),
    ),
    receivers: z.array(
        z.object({
            name: z.string(),
            slack_configs: z.array(slackConfig).optional(),
            webhook_configs: z.array(z.object({ url: z.string() })).optional(),
        }),
    ),
});
