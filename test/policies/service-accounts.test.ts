import { describe, expect, it } from "vitest";

import { notDefaultServiceAccount, tokenNotAutomounted } from "../../policies/rules/service-accounts";
import { deployment, serviceAccount, workload, WORKLOAD_KINDS } from "./fixtures";
import { problems } from "./harness";

describe("sa-not-default", () => {
    it.each(WORKLOAD_KINDS)("passes a compliant %s", async (kind) => {
        expect(await problems(notDefaultServiceAccount, workload(kind, "api-gateway"))).toEqual([]);
    });

    it("reports a pod spec without serviceAccountName", async () => {
        const d = deployment("api-gateway", { pod: { serviceAccountName: undefined } });
        expect(await problems(notDefaultServiceAccount, d)).toEqual([
            "Deployment azora/api-gateway: does not set serviceAccountName, so its pods run as the namespace's default service account.",
        ]);
    });

    it('reports the "default" service account', async () => {
        const d = deployment("api-gateway", { pod: { serviceAccountName: "default" } });
        expect(await problems(notDefaultServiceAccount, d)).toEqual(['Deployment azora/api-gateway: uses the "default" service account.']);
    });

    it("honours the deprecated serviceAccount field", async () => {
        const d = deployment("api-gateway", { pod: { serviceAccountName: undefined, serviceAccount: "default" } });
        expect(await problems(notDefaultServiceAccount, d)).toEqual(['Deployment azora/api-gateway: uses the "default" service account.']);
    });
});

describe("sa-token-not-automounted", () => {
    it("passes a pod spec that opts out of the token", async () => {
        expect(await problems(tokenNotAutomounted, [deployment("api-gateway"), serviceAccount("api-gateway", "azora", "unset")])).toEqual([]);
    });

    it("passes a pod spec that leaves it to a ServiceAccount which opts out", async () => {
        const d = deployment("api-gateway", { pod: { automountServiceAccountToken: undefined } });
        expect(await problems(tokenNotAutomounted, [d, serviceAccount("api-gateway")])).toEqual([]);
    });

    it("reports a pod spec that asks for the token", async () => {
        const d = deployment("api-gateway", { pod: { automountServiceAccountToken: true } });
        expect(await problems(tokenNotAutomounted, [d, serviceAccount("api-gateway")])).toEqual([
            "Deployment azora/api-gateway: sets automountServiceAccountToken: true on its pod spec.",
        ]);
    });

    it("reports a pod spec that leaves it to a ServiceAccount which mounts the token", async () => {
        const d = deployment("api-gateway", { pod: { automountServiceAccountToken: undefined } });
        expect(await problems(tokenNotAutomounted, [d, serviceAccount("api-gateway", "azora", "unset")])).toEqual([
            "Deployment azora/api-gateway: does not set automountServiceAccountToken: false on its pod spec, and neither does its ServiceAccount api-gateway.",
        ]);
    });

    it("reports a pod spec whose ServiceAccount is not in the stack", async () => {
        const d = deployment("api-gateway", { pod: { automountServiceAccountToken: undefined } });
        expect(await problems(tokenNotAutomounted, [d])).toEqual([
            "Deployment azora/api-gateway: does not set automountServiceAccountToken: false on its pod spec, and its ServiceAccount api-gateway is not in the stack to say otherwise.",
        ]);
    });

    it("looks the ServiceAccount up in the workload's own namespace", async () => {
        const d = deployment("api-gateway", { pod: { automountServiceAccountToken: undefined } });
        expect(await problems(tokenNotAutomounted, [d, serviceAccount("api-gateway", "elsewhere")])).toHaveLength(1);
    });

    it.each(WORKLOAD_KINDS)("checks a %s", async (kind) => {
        const w = workload(kind, "db-backup", { pod: { automountServiceAccountToken: true } });
        expect(await problems(tokenNotAutomounted, [w])).toEqual([`${kind} azora/db-backup: sets automountServiceAccountToken: true on its pod spec.`]);
    });
});
