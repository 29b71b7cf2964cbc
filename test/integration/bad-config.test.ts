// Bad input through the real engine: one clear error naming each field, nothing registered.
import { readFileSync, writeFileSync } from "fs";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkspace, Workspace } from "./harness";

const passphrase = "azora-local";
let ws: Workspace;

beforeAll(async () => {
    ws = createWorkspace("azora-bad-");
    await ws.initStack("local", passphrase);
});
afterAll(() => ws?.dispose());

describe("invalid stack configuration", () => {
    it("fails the preview with every problem and its fix, before any resource is registered", async () => {
        ws.editStack("local", (config) => {
            (config["azora-platform:images"] as Record<string, unknown>).tag = "latest";
            (config["azora-platform:edge"] as Record<string, unknown>).bodySizeLimit = "huge";
            (config["azora-platform:workloads"] as Record<string, unknown>).replicas = { min: 3, max: 1 };
            config["azora-platform:observabilty"] = { prometheus: { retentionTime: "1d" } };
            delete (config["azora-platform:kubernetes"] as Record<string, unknown>).apiServerCidrs;
        });
        const r = await ws.run(["preview", "--stack", "local"], { passphrase });
        expect(r.code).not.toBe(0);
        expect(r.output).toContain('stack "local" has 5 configuration problem(s)');
        expect(r.output).toContain("observabilty: unknown top-level key; expected one of");
        expect(r.output).toContain("images.tag: a pinned tag, never 'latest'");
        expect(r.output).toContain("edge.bodySizeLimit: a size such as 512Ki or 1Mi");
        expect(r.output).toContain("workloads.replicas.max: max must be at least min");
        expect(r.output).toContain(
            "kubernetes.apiServerCidrs: required — set it in the stack file (the control plane's addresses as a list of IPv4 CIDRs",
        );
        expect(r.output).not.toMatch(/kubernetes:[a-z]/);
        expect(r.output).not.toMatch(/at Object\.<anonymous>|\.ts:\d+:\d+/);
    });

    it("fails the preview naming an edge limit for an undeclared route, an allow-list entry that is no CIDR and a zero limit, before any resource", async () => {
        ws.editStack("local", (config) => {
            const edge = config["azora-platform:edge"] as Record<string, unknown>;
            edge.routes = { admin: { clientRequestsPerSecond: 5 }, auth: { routeRequestsPerSecond: 0 } };
            edge.allowCidrs = ["10.0.0.0/8", "office"];
        });
        const r = await ws.run(["preview", "--stack", "local"], { passphrase });
        expect(r.code).not.toBe(0);
        expect(r.output).toContain("edge.routes.admin: the catalog declares no such public route; declared: auth, payments, default");
        expect(r.output).toContain("edge.routes.auth.routeRequestsPerSecond: at least 1");
        expect(r.output).toContain("edge.allowCidrs.1: an IPv4 or IPv6 CIDR such as 203.0.113.0/24 or 2001:db8::/32");
        expect(r.output).not.toMatch(/\+ +kubernetes:/);
    });

    it("a wrong passphrase is refused with a clear message", async () => {
        const r = await ws.run(["preview", "--stack", "local"], { passphrase: "not-the-passphrase" });
        expect(r.code).not.toBe(0);
        expect(r.output).toMatch(/incorrect passphrase/i);
    });
});

describe("invalid policy configuration", () => {
    it("an exemption without a reason is refused by the engine before the preview runs, naming the policy and the field", async () => {
        const config = JSON.parse(readFileSync(path.join(ws.dir, "policies/config/local.json"), "utf8")) as Record<string, unknown>;
        config["pss-no-host-path"] = { exemptions: [{ resource: "DaemonSet/azora-logging/log-shipper" }] };
        const file = path.join(ws.dir, "bad-policy-config.json");
        writeFileSync(file, JSON.stringify(config));
        const r = await ws.run(["preview", "--stack", "local", "--policy-pack", "policies", "--policy-pack-config", file], { passphrase });
        expect(r.code).not.toBe(0);
        expect(r.output).toMatch(/pss-no-host-path: exemptions\.0: reason is required/);
        expect(r.output).not.toMatch(/\+ +kubernetes:/);
    });
});
