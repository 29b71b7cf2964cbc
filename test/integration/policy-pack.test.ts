// The policy pack refusing an unsafe change through the real engine: a deliberately unsafe
// program previewed with `--policy-pack policies` must fail and name every expected policy.
import { readFileSync } from "fs";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkspace, pulumiEnv, Workspace } from "./harness";
import { spawnSync } from "child_process";

interface Expected {
    policies: string[];
}

let ws: Workspace;
const passphrase = "unsafe-fixture";
let output = "";
let code = 0;

beforeAll(() => {
    ws = createWorkspace("azora-unsafe-");
    const fixture = path.join(ws.dir, "test/fixtures/unsafe");
    const env = pulumiEnv({
        PULUMI_BACKEND_URL: `file://${ws.backend}`,
        PULUMI_CONFIG_PASSPHRASE: passphrase,
        AZORA_UNSAFE_RENDER_DIR: path.join(ws.dir, "unsafe-rendered"),
    });
    const run = (args: string[]) =>
        spawnSync("pulumi", [...args, "--non-interactive"], { cwd: fixture, env, encoding: "utf8", maxBuffer: 64 << 20 });
    const init = run(["stack", "init", "unsafe", "--secrets-provider", "passphrase"]);
    if (init.status !== 0) throw new Error(`stack init failed: ${init.stdout}${init.stderr}`);
    const r = run([
        "preview",
        "--stack",
        "unsafe",
        "--policy-pack",
        path.join(ws.dir, "policies"),
        "--policy-pack-config",
        path.join(ws.dir, "policies/config/local.json"),
    ]);
    output = `${r.stdout}\n${r.stderr}`;
    code = r.status ?? -1;
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
