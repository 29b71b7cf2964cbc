// The generated alertmanager.yml read as data: the webhook only by file, grouping, channels. amtool
// and a running Alertmanager check routing and inhibition in alertmanager.tool.test.ts.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { receiverNames } from "../../alerts";
import { amConfig, dummyWebhook, slackInputs, writeConfig } from "./alertmanager-fixtures";

describe("alertmanager.yml with the Slack receiver", () => {
    it("reads the webhook from the mounted file and contains no webhook URL", () => {
        const { text, dir } = writeConfig((d) => slackInputs(d));
        const cfg = amConfig.parse(parse(text));
        const slack = cfg.receivers.flatMap((r) => r.slack_configs ?? []);
        expect(slack.length).toBeGreaterThan(0);
        for (const s of slack) expect(s.api_url_file).toBe(join(dir, "slack-webhook-url"));
        expect(text).not.toContain(dummyWebhook);
        expect(text).not.toMatch(/hooks\.slack|api_url:/);
    });

    it("groups notifications by alertname, job and namespace", () => {
        const cfg = amConfig.parse(parse(writeConfig((d) => slackInputs(d)).text));
        expect(cfg.route.group_by).toEqual(["alertname", "job", "namespace"]);
    });

    it("uses the main channel for critical alerts when no critical channel is set", () => {
        const { text } = writeConfig((d) => slackInputs(d, { receiver: { type: "slack", channel: "#azora-alerts" } }));
        const critical = amConfig.parse(parse(text)).receivers.find((r) => r.name === receiverNames.critical);
        expect(critical?.slack_configs?.[0]?.channel).toBe("#azora-alerts");
    });
});
