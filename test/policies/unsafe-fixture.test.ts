// Runs the unsafe fixture program (test/fixtures/unsafe) under Pulumi's mock engine, feeds what it
// registers to the whole pack with the local config, and checks that exactly the policies
// expected-violations.json promises the real-engine preview are violated, all mandatory.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";

import { loadConfigFile, runPack, TestResource, Violation } from "./harness";

const FIXTURE = join(__dirname, "..", "fixtures", "unsafe");

interface Expected {
    readonly policies: readonly string[];
    readonly byResource: Readonly<Record<string, readonly string[]>>;
}

const expected = JSON.parse(readFileSync(join(FIXTURE, "expected-violations.json"), "utf8")) as Expected;

async function settled(count: () => number): Promise<void> {
    let last = -1;
    for (let i = 0; i < 200 && count() !== last; i++) {
        last = count();
        await new Promise((r) => setTimeout(r, 10));
    }
}

describe("the unsafe fixture", () => {
    const registered: TestResource[] = [];
    let violations: Violation[] = [];

    beforeAll(async () => {
        await pulumi.runtime.setMocks(
            {
                newResource: (args: pulumi.runtime.MockResourceArgs) => {
                    // The engine hands over the inputs as plain, untyped JSON.
                    const props = args.inputs as TestResource["props"];
                    registered.push({ type: args.type, name: args.name, props });
                    return { id: `${args.name}-id`, state: props };
                },
                call: (args: pulumi.runtime.MockCallArgs) => args.inputs as pulumi.runtime.MockCallResult,
            },
            "azora-unsafe-fixture",
            "unsafe",
            true,
        );
        createRequire(join(FIXTURE, "index.js"))(join(FIXTURE, "index.js"));
        await settled(() => registered.length);
        violations = await runPack(registered, loadConfigFile("local"));
    }, 60_000);

    it("registers every unsafe object", () => {
        expect(registered.map((r) => `${r.type}::${r.name}`).filter((k) => k.startsWith("kubernetes:")).sort()).toEqual(
            Object.keys(expected.byResource).sort(),
        );
    });

    it("violates exactly the policies expected-violations.json lists", () => {
        expect([...new Set(violations.map((v) => v.policy))].sort()).toEqual([...expected.policies].sort());
    });

    it("violates them on the objects expected-violations.json names", () => {
        const byResource: Record<string, string[]> = {};
        for (const v of violations) {
            const key = (v.urn ?? "").split("::").slice(2).join("::");
            byResource[key] = [...new Set([...(byResource[key] ?? []), v.policy])];
        }
        for (const [key, policies] of Object.entries(expected.byResource)) {
            expect([...(byResource[key] ?? [])].sort(), key).toEqual([...policies].sort());
        }
    });

    it("makes every violation mandatory under the local config, so the preview fails", () => {
        expect(violations.filter((v) => v.enforcementLevel !== "mandatory")).toEqual([]);
    });
});
