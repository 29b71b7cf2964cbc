// The pair cases in-process, under the same config as their real preview: a fast check that each
// case draws exactly its pairs (the real-engine proof is test/integration/policy-pairs.test.ts).
import { describe, expect, it } from "vitest";

import { allPolicies } from "../../policies/rules";
import { loadConfigFile, runPack } from "./harness";
import { CONTROL_CASES, PAIR_CASES, PairCase } from "./pairs";

const prod = loadConfigFile("prod");

async function pairsOf(c: PairCase): Promise<string[]> {
    const found = await runPack(c.objects, prod);
    return [...new Set(found.map((v) => `${v.urn?.split("::").pop() ?? "(stack)"} ${v.policy}`))].sort();
}

describe("the pair cases", () => {
    it.each(PAIR_CASES.map((c) => [c.id, c] as const))("%s draws exactly its pairs", async (_id, c) => {
        expect(await pairsOf(c)).toEqual(c.expected.map((p) => `${p.resource} ${p.policy}`).sort());
    });

    it.each(CONTROL_CASES.map((c) => [c.id, c] as const))("control %s draws nothing", async (_id, c) => {
        expect(await pairsOf(c)).toEqual([]);
    });

    it("prove every policy of the pack at least once", () => {
        const proven = new Set(PAIR_CASES.flatMap((c) => c.expected.map((p) => p.policy)));
        expect(allPolicies.map((p) => p.name).filter((name) => !proven.has(name))).toEqual([]);
    });
});
