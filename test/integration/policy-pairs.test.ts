// The pack's per-pair proof through the real engine: `pulumi preview --policy-pack policies` of
// test/fixtures/pairs (every case of test/policies/pairs.ts: one unsafe detail in an otherwise
// compliant world, plus compliant controls of every kind) must report exactly the expected
// (object, policy) pairs — read from the engine's own event log, not from its text output — and
// nothing on any other object.
import { existsSync, readFileSync } from "fs";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONTROL_CASES, expectedPairs, PAIR_CASES, PAIRS_POLICY_CONFIG } from "../policies/pairs";
import { createWorkspace, Workspace } from "./harness";

interface PolicyEvent {
    readonly resourceUrn?: string;
    readonly policyName: string;
    readonly enforcementLevel: string;
    readonly message: string;
}

let ws: Workspace;
let code = 0;
let output = "";
let events: PolicyEvent[] = [];
const passphrase = "policy-pairs";

beforeAll(async () => {
    ws = createWorkspace("azora-pairs-");
    const fixture = path.join(ws.dir, "test/fixtures/pairs");
    const eventLog = path.join(ws.dir, "pairs-events.jsonl");
    // --event-log is the engine's structured event stream; the CLI offers it under PULUMI_DEBUG_COMMANDS,
    // as Pulumi's own Automation API does.
    const env = { AZORA_PAIRS_RENDER_DIR: path.join(ws.dir, "pairs-rendered"), PULUMI_DEBUG_COMMANDS: "true" };
    await ws.initStack("pairs", passphrase, fixture);
    const started = Date.now();
    const r = await ws.run(
        [
            "preview",
            "--stack",
            "pairs",
            "--policy-pack",
            path.join(ws.dir, "policies"),
            "--policy-pack-config",
            path.join(ws.dir, PAIRS_POLICY_CONFIG),
            "--event-log",
            eventLog,
        ],
        { passphrase, env, cwd: fixture },
    );
    code = r.code;
    output = r.output;
    if (existsSync(eventLog)) {
        events = readFileSync(eventLog, "utf8")
            .split("\n")
            .filter((line) => line.trim() !== "")
            .map((line) => JSON.parse(line) as { policyEvent?: PolicyEvent })
            .flatMap((e) => (e.policyEvent ? [e.policyEvent] : []));
    }
    const objects = [...PAIR_CASES, ...CONTROL_CASES].reduce((n, c) => n + c.objects.length, 0);
    console.log(
        `policy pairs: ${PAIR_CASES.length} unsafe cases and ${CONTROL_CASES.length} control worlds, ${objects} objects; ` +
            `${events.length} violations reported in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
});
afterAll(() => ws?.dispose());

const pairOf = (e: PolicyEvent) => `${e.resourceUrn?.split("::").pop() ?? "(stack)"} ${e.policyName}`;

describe("the policy pack judged object by object through a real preview", () => {
    it("fails the preview, every violation mandatory", () => {
        expect(code, output).not.toBe(0);
        expect(events.length, output).toBeGreaterThan(0);
        expect(events.filter((e) => e.enforcementLevel !== "mandatory")).toEqual([]);
    });

    it("reports exactly the expected (object, policy) pairs, and nothing on any other object", () => {
        const reported = [...new Set(events.map(pairOf))].sort();
        const expected = expectedPairs()
            .map((p) => `${p.resource} ${p.policy}`)
            .sort();
        expect(reported).toEqual(expected);
    });

    it.each(PAIR_CASES.map((c) => [c.id, c] as const))(
        "case %s: its unsafe object draws its policy, naming the object and a remediation",
        (_id, c) => {
            for (const pair of c.expected) {
                const hits = events.filter((e) => pairOf(e) === `${pair.resource} ${pair.policy}`);
                expect(hits.length, `${pair.resource} ${pair.policy}\n${output}`).toBeGreaterThan(0);
                expect(hits[0].message).toMatch(/Remediation:/);
            }
        },
    );

    it.each(CONTROL_CASES.map((c) => [c.id, c] as const))("control %s draws nothing", (id) => {
        expect(events.filter((e) => e.resourceUrn?.includes(`::${id}.`))).toEqual([]);
    });
});
