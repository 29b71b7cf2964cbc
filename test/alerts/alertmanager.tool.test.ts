// The generated alertmanager.yml, checked by the real amtool (config check, routing, templates)
// and by a real Alertmanager process for the inhibition rules.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { z } from "zod";
import { receiverNames } from "../../alerts";
import { amConfig, deadMansSwitchUrl, slackInputs, writeConfig } from "./alertmanager-fixtures";
import { requireTool, run } from "./support";
import { pinned } from "../binaries";
import { freePort, type Running, start } from "../live/processes";

async function routeOf(configFile: string, labels: Record<string, string>): Promise<string> {
    const r = await run("amtool", [
        "config",
        "routes",
        "test",
        `--config.file=${configFile}`,
        ...Object.entries(labels).map(([k, v]) => `${k}=${v}`),
    ]);
    expect(r.status, r.output).toBe(0);
    return r.stdout.trim();
}


describe("alertmanager.yml with the Slack receiver", () => {
    it("amtool is built (bash scripts/observability.sh build)", async () => {
        await requireTool("amtool");
    });

    it("passes amtool check-config", async () => {
        const { file } = writeConfig((d) => slackInputs(d));
        const r = await run("amtool", ["check-config", file]);
        expect(r.status, r.output).toBe(0);
        expect(r.output).toContain("SUCCESS");
    });

    it("routes a critical alert to the critical receiver, which posts to the critical channel", async () => {
        const { file, text } = writeConfig((d) => slackInputs(d));
        expect(await routeOf(file, { alertname: "AzoraServiceDown", severity: "critical", job: "azora-pay" })).toBe(receiverNames.critical);
        const critical = amConfig.parse(parse(text)).receivers.find((r) => r.name === receiverNames.critical);
        expect(critical?.slack_configs?.[0]?.channel).toBe("#azora-pager");
    });

    it("routes a warning to the default receiver on the main channel", async () => {
        const { file, text } = writeConfig((d) => slackInputs(d));
        expect(await routeOf(file, { alertname: "AzoraHighErrorRate", severity: "warning", job: "azora-pay" })).toBe(receiverNames.default);
        const def = amConfig.parse(parse(text)).receivers.find((r) => r.name === receiverNames.default);
        expect(def?.slack_configs?.[0]?.channel).toBe("#azora-alerts");
    });

    it("routes an info alert to the low-urgency receiver", async () => {
        const { file } = writeConfig((d) => slackInputs(d));
        expect(await routeOf(file, { alertname: "Anything", severity: "info" })).toBe(receiverNames.lowUrgency);
    });

    it("routes an SLO ticket to the low-urgency receiver although its severity is warning", async () => {
        const { file } = writeConfig((d) => slackInputs(d));
        expect(
            await routeOf(file, { alertname: "AzoraAvailabilityBudgetBurn", severity: "warning", urgency: "ticket", job: "azora-pay" }),
        ).toBe(receiverNames.lowUrgency);
    });

    it("routes an SLO page to the critical receiver", async () => {
        const { file } = writeConfig((d) => slackInputs(d));
        expect(
            await routeOf(file, { alertname: "AzoraAvailabilityBudgetBurn", severity: "critical", urgency: "page", job: "azora-pay" }),
        ).toBe(receiverNames.critical);
    });

    it("routes Watchdog to the dead man's switch webhook when a URL is set", async () => {
        const { file, text } = writeConfig((d) => slackInputs(d));
        expect(await routeOf(file, { alertname: "Watchdog", severity: "none" })).toBe(receiverNames.deadMansSwitch);
        const dms = amConfig.parse(parse(text)).receivers.find((r) => r.name === receiverNames.deadMansSwitch);
        expect(dms?.webhook_configs?.[0]?.url).toBe(deadMansSwitchUrl);
    });

    it("routes Watchdog to the null receiver with a long repeat interval when no dead man's switch is set", async () => {
        const { file, text } = writeConfig((d) => slackInputs(d, { deadMansSwitchUrl: undefined }));
        expect(await routeOf(file, { alertname: "Watchdog", severity: "none" })).toBe(receiverNames.null);
        const cfg = amConfig.parse(parse(text));
        const watchdog = cfg.route.routes.find((r) => r.matchers.includes('alertname="Watchdog"'));
        expect(watchdog?.repeat_interval).toBe("168h");
        expect(cfg.receivers.map((r) => r.name)).not.toContain(receiverNames.deadMansSwitch);
    });

    it("renders Slack messages with the summary, the description and a link to the runbook", async () => {
        const { dir, text } = writeConfig((d) => slackInputs(d));
        const slack = amConfig.parse(parse(text)).receivers.find((r) => r.name === receiverNames.critical)?.slack_configs?.[0];
        if (!slack) throw new Error("no slack config on the critical receiver");
        const labels = { alertname: "AzoraServiceDown", job: "azora-pay", namespace: "azora", severity: "critical" };
        const data = {
            receiver: receiverNames.critical,
            status: "firing",
            alerts: [
                {
                    status: "firing",
                    labels,
                    annotations: {
                        summary: "azora-pay has no healthy scrape target",
                        description: "Every pod of azora-pay has failed its /metrics scrape.",
                        runbook_url: "https://runbooks.example/AzoraServiceDown.md",
                    },
                    startsAt: "2025-01-01T00:00:00Z",
                    endsAt: "0001-01-01T00:00:00Z",
                },
            ],
            groupLabels: { alertname: "AzoraServiceDown", job: "azora-pay", namespace: "azora" },
            commonLabels: labels,
            commonAnnotations: {},
            externalURL: "http://alertmanager.example",
        };
        writeFileSync(join(dir, "data.json"), JSON.stringify(data));
        writeFileSync(join(dir, "none.tmpl"), "");
        const render = async (template: string): Promise<string> => {
            const r = await run("amtool", [
                "template",
                "render",
                `--template.glob=${join(dir, "none.tmpl")}`,
                `--template.data=${join(dir, "data.json")}`,
                `--template.text=${template}`,
            ]);
            expect(r.status, r.output).toBe(0);
            return r.stdout;
        };
        expect(await render(slack.title)).toBe("[FIRING:1] AzoraServiceDown · azora-pay (azora)");
        const body = await render(slack.text);
        expect(body).toContain("*CRITICAL* azora-pay has no healthy scrape target");
        expect(body).toContain("Every pod of azora-pay has failed its /metrics scrape.");
        expect(body).toContain("<https://runbooks.example/AzoraServiceDown.md|AzoraServiceDown>");
    });
});

describe("alertmanager.yml with receiver none", () => {
    it("passes amtool check-config", async () => {
        const { file } = writeConfig((d) => slackInputs(d, { receiver: { type: "none" }, deadMansSwitchUrl: undefined }));
        const r = await run("amtool", ["check-config", file]);
        expect(r.status, r.output).toBe(0);
    });

    it("has only the null receiver and sends every alert there", async () => {
        const { file, text } = writeConfig((d) => slackInputs(d, { receiver: { type: "none" }, deadMansSwitchUrl: undefined }));
        expect(amConfig.parse(parse(text)).receivers.map((r) => r.name)).toEqual([receiverNames.null]);
        expect(text).not.toContain("slack");
        for (const severity of ["critical", "warning", "info", "none"]) {
            expect(await routeOf(file, { alertname: "AzoraServiceDown", severity }), severity).toBe(receiverNames.null);
        }
    });

    it("still sends Watchdog to the dead man's switch when a URL is set", async () => {
        const { file } = writeConfig((d) => slackInputs(d, { receiver: { type: "none" } }));
        const r = await run("amtool", ["check-config", file]);
        expect(r.status, r.output).toBe(0);
        expect(await routeOf(file, { alertname: "Watchdog", severity: "none" })).toBe(receiverNames.deadMansSwitch);
        expect(await routeOf(file, { alertname: "AzoraServiceDown", severity: "critical" })).toBe(receiverNames.null);
    });
});

describe("inhibition in a running Alertmanager", () => {
    let running: Running | undefined;
    let base = "";

    // Started by the first test that needs it (not in beforeAll: a missing binary must fail each
    // test with the build command, not mark them skipped).
    let starting: Promise<void> | undefined;
    function alertmanager(): Promise<void> {
        starting ??= startAlertmanager();
        return starting;
    }

    async function startAlertmanager(): Promise<void> {
        const { dir, file } = writeConfig((d) => slackInputs(d));
        const port = await freePort();
        base = `http://127.0.0.1:${port}`;
        const args = [`--config.file=${file}`, `--storage.path=${join(dir, "data")}`, `--web.listen-address=127.0.0.1:${port}`, "--cluster.listen-address="];
        running = await start("alertmanager", pinned("alertmanager"), args, {}, dir, `${base}/-/ready`, 10_000);
    }

    afterAll(async () => {
        await running?.stop();
    });

    const alertStatus = z.array(
        z.object({
            labels: z.record(z.string(), z.string()),
            status: z.object({ state: z.string(), inhibitedBy: z.array(z.string()) }),
        }),
    );

    async function post(alerts: Record<string, string>[]): Promise<void> {
        await alertmanager();
        const res = await fetch(`${base}/api/v2/alerts`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(alerts.map((labels) => ({ labels }))),
        });
        expect(res.status, await res.text()).toBe(200);
    }

    /** Polls until the alert with these labels reaches the expected inhibition state. */
    async function inhibited(labels: Record<string, string>, expected: boolean): Promise<boolean> {
        let last: boolean | undefined;
        for (let i = 0; i < 50; i++) {
            const all = alertStatus.parse(await (await fetch(`${base}/api/v2/alerts`)).json());
            const mine = all.find((a) => Object.entries(labels).every(([k, v]) => a.labels[k] === v));
            last = mine ? mine.status.inhibitedBy.length > 0 : undefined;
            if (last === expected) return last;
            await new Promise((r) => setTimeout(r, 100));
        }
        return last ?? !expected;
    }

    it("a critical alert silences the warning of the same alertname, job and namespace", async () => {
        const warn = { alertname: "AzoraHighMemoryUsage", job: "azora-mint", namespace: "azora", severity: "warning" };
        await post([{ ...warn, severity: "critical" }, warn]);
        expect(await inhibited(warn, true)).toBe(true);
    });

    it("a critical alert leaves the warning of another job alone", async () => {
        const sameJob = { alertname: "AzoraHighLatency", job: "azora-assessment", namespace: "azora", severity: "warning" };
        const otherJob = { ...sameJob, job: "azora-forge" };
        await post([{ ...sameJob, severity: "critical" }, sameJob, otherJob]);
        expect(await inhibited(sameJob, true)).toBe(true); // the inhibitor has seen the critical alert
        expect(await inhibited(otherJob, false)).toBe(false);
    });

    it("AzoraServiceDown silences the other alerts of that job, including critical ones", async () => {
        const slo = { alertname: "AzoraAvailabilityBudgetBurn", job: "azora-pay", namespace: "azora", severity: "critical", urgency: "page" };
        const errors = { alertname: "AzoraHighErrorRate", job: "azora-pay", namespace: "azora", severity: "warning" };
        await post([{ alertname: "AzoraServiceDown", job: "azora-pay", severity: "critical" }, slo, errors]);
        expect(await inhibited(slo, true)).toBe(true);
        expect(await inhibited(errors, true)).toBe(true);
    });

    it("AzoraServiceDown does not silence alerts of other jobs, nor Watchdog", async () => {
        const sameJob = { alertname: "AzoraHighErrorRate", job: "azora-education", namespace: "azora", severity: "warning" };
        const otherJob = { ...sameJob, job: "auth-service" };
        const watchdog = { alertname: "Watchdog", severity: "none" };
        await post([{ alertname: "AzoraServiceDown", job: "azora-education", severity: "critical" }, sameJob, otherJob, watchdog]);
        expect(await inhibited(sameJob, true)).toBe(true); // the inhibitor has seen AzoraServiceDown
        expect(await inhibited(otherJob, false)).toBe(false);
        expect(await inhibited(watchdog, false)).toBe(false);
    });
});
