// The policy pack refusing an unsafe change through the real engine: a deliberately unsafe
// program previewed with `--policy-pack policies` must fail and name every expected policy.
import { readFileSync } from "fs";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkspace, Workspace } from "./harness";

interface Expected {
    policies: string[];
}

let ws: Workspace;
const passphrase = "unsafe-fixture";
let output = "";
let code = 0;

beforeAll(async () => {
    ws = createWorkspace("azora-unsafe-");
    const fixture = path.join(ws.dir, "test/fixtures/unsafe");
    const env = { AZORA_UNSAFE_RENDER_DIR: path.join(ws.dir, "unsafe-rendered") };
    await ws.initStack("unsafe", passphrase, fixture);
    const r = await ws.run(
        [
            "preview",
            "--stack",
            "unsafe",
            "--policy-pack",
            path.join(ws.dir, "policies"),
            "--policy-pack-config",
            path.join(ws.dir, "policies/config/local.json"),
        ],
        { passphrase, env, cwd: fixture },
    );
    output = r.output;
    code = r.code;
});
afterAll(() => ws?.dispose());

describe("an unsafe change previewed with the policy pack", () => {
    const expected = JSON.parse(
        readFileSync(path.join(__dirname, "../fixtures/unsafe/expected-violations.json"), "utf8"),
    ) as Expected;

    it("fails the preview", () => {
        expect(code, output).not.toBe(0);
        expect(output).toMatch(/mandatory/);
    });

    it.each(expected.policies)("names the violated policy %s", (policy) => {
        expect(output).toContain(policy);
    });

    it("reports each violation with its remediation", () => {
        expect(output).toMatch(/Remediation:/);
        const named = expected.policies.filter((p) => output.includes(p));
        console.log(`unsafe preview triggered ${named.length} of ${expected.policies.length} expected policies`);
    });
});
