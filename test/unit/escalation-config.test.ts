// observability.alertmanager.escalation in a stack file: each tool needs its credential, named by the
// field to set; a webhook URL must carry no credential; severity classes are a set.
import { describe, expect, it } from "vitest";
import { catalog } from "../../model/catalog";
import { ConfigError, parsePlatformConfig } from "../../components/config";
import { readStackConfig } from "./stack-files";

function localWith(escalation: unknown, alerting?: Record<string, string>): Record<string, unknown> {
    const raw = structuredClone(readStackConfig("local"));
    const obs = raw.observability as { alertmanager: Record<string, unknown> };
    obs.alertmanager.escalation = escalation;
    if (alerting) raw.secrets = { ...(raw.secrets ?? {}), alerting };
    return raw;
}

function problemsOf(raw: Record<string, unknown>): string[] {
    try {
        parsePlatformConfig("local", raw, catalog);
        return [];
    } catch (e) {
        if (e instanceof ConfigError) return e.problems;
        throw e;
    }
}

describe("escalation configuration", () => {
    it("defaults to no escalation tool and a 1Gi volume for silences", () => {
        const raw = structuredClone(readStackConfig("local"));
        delete (raw.observability as { alertmanager: Record<string, unknown> }).alertmanager.persistence;
        const am = parsePlatformConfig("local", raw, catalog).observability.alertmanager;
        expect(am.escalation).toEqual({});
        expect(am.persistence).toEqual({ enabled: true, size: "1Gi" });
    });

    it("subscribes PagerDuty and Opsgenie to critical alerts when no severities are given", () => {
        const raw = localWith({ pagerduty: {}, opsgenie: {} }, { pagerdutyRoutingKey: "k", opsgenieApiKey: "k" });
        const e = parsePlatformConfig("local", raw, catalog).observability.alertmanager.escalation;
        expect(e.pagerduty?.severities).toEqual(["critical"]);
        expect(e.opsgenie).toEqual({ severities: ["critical"], apiUrl: "https://api.opsgenie.com/" });
    });

    it("refuses PagerDuty without a routing key, naming the secret to set", () => {
        expect(problemsOf(localWith({ pagerduty: {} }))).toEqual([
            expect.stringMatching(
                /^observability\.alertmanager\.escalation\.pagerduty: needs secrets\.alerting\.pagerdutyRoutingKey/,
            ),
        ]);
    });

    it("refuses Opsgenie without an API key and a bearer webhook without its token, both at once", () => {
        const problems = problemsOf(localWith({ opsgenie: {}, webhook: { url: "https://hooks.example/am", bearerToken: true } }));
        expect(problems).toEqual([
            expect.stringMatching(/^observability\.alertmanager\.escalation\.opsgenie: needs secrets\.alerting\.opsgenieApiKey/),
            expect.stringMatching(
                /^observability\.alertmanager\.escalation\.webhook\.bearerToken: needs secrets\.alerting\.webhookBearerToken/,
            ),
        ]);
    });

    it("accepts an existing Secret instead of the stack's secrets", () => {
        expect(problemsOf(localWith({ pagerduty: {}, opsgenie: {}, existingSecret: "alertmanager-escalation" }))).toEqual([]);
    });

    it("refuses a webhook URL with credentials in it", () => {
        expect(problemsOf(localWith({ webhook: { url: "https://user:pw@hooks.example/am" } }))).toEqual([
            expect.stringMatching(/^observability\.alertmanager\.escalation\.webhook\.url: no credentials in the URL/),
        ]);
        expect(problemsOf(localWith({ webhook: { url: "https://hooks.example/am?token=abc" } }))).toEqual([
            expect.stringMatching(/^observability\.alertmanager\.escalation\.webhook\.url: no credentials in the URL/),
        ]);
    });

    it("refuses a plain-http webhook", () => {
        expect(problemsOf(localWith({ webhook: { url: "http://hooks.example/am" } }))).toEqual([
            expect.stringMatching(/^observability\.alertmanager\.escalation\.webhook\.url: an https URL/),
        ]);
    });

    it("refuses an unknown or repeated severity class, naming the field", () => {
        expect(problemsOf(localWith({ pagerduty: { severities: ["page"] } }, { pagerdutyRoutingKey: "k" }))[0]).toMatch(
            /^observability\.alertmanager\.escalation\.pagerduty\.severities\.0:/,
        );
        expect(
            problemsOf(localWith({ pagerduty: { severities: ["critical", "critical"] } }, { pagerdutyRoutingKey: "k" })),
        ).toEqual(["observability.alertmanager.escalation.pagerduty.severities: each severity class once"]);
    });
});
