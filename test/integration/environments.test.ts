// dev, staging and prod previewed offline by the real engine with the policy pack: their clusters
// are unreachable from here, which must not break a preview. Prod additionally proves that it
// refuses to run without image digests.
import { writeFileSync } from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalog } from "../../model/catalog";
import { pipelineDigests } from "../unit/stack-files";
import { createWorkspace, Workspace } from "./harness";

const passphrase = "preview-only";
let ws: Workspace;
let kubeconfig: string;

/** A kubeconfig with the stacks' contexts, each pointing at an address where nothing listens. */
function unreachableKubeconfig(dir: string): string {
    const contexts = ["azora-dev", "azora-staging", "azora-prod"];
    const file = path.join(dir, "kubeconfig-unreachable.yaml");
    writeFileSync(
        file,
        stringify({
            apiVersion: "v1",
            kind: "Config",
            clusters: contexts.map((c) => ({ name: c, cluster: { server: "https://127.0.0.1:9" } })),
            users: [{ name: "nobody", user: { token: "unused" } }],
            contexts: contexts.map((c) => ({ name: c, context: { cluster: c, user: "nobody" } })),
            "current-context": "azora-dev",
        }),
    );
    return file;
}

function preview(stack: string) {
    return ws.run(
        ["preview", "--stack", stack, "--policy-pack", "policies", "--policy-pack-config", `policies/config/${stack}.json`],
        { passphrase, env: { KUBECONFIG: kubeconfig } },
    );
}

beforeAll(async () => {
    ws = createWorkspace("azora-envs-");
    kubeconfig = unreachableKubeconfig(ws.dir);
    for (const stack of ["dev", "staging", "prod"]) await ws.initStack(stack, passphrase);
});
afterAll(() => ws?.dispose());

describe("environment previews against unreachable clusters", () => {
    it.each(["dev", "staging"])("%s previews with the policy pack and 0 violations", async (stack) => {
        const r = await preview(stack);
        expect(r.code, r.output).toBe(0);
        expect(r.output).toMatch(/\+ \d+ to create|\d+ to create/);
        expect(r.output).not.toMatch(/mandatory|advisory/i);
    });

    it("prod refuses to preview without image digests, naming each missing one before registering anything", async () => {
        const r = await preview("prod");
        expect(r.code).not.toBe(0);
        for (const s of catalog) expect(r.output).toContain(`images.digests.${s.name}: required`);
        expect(r.output).not.toMatch(/kubernetes:apps\/v1:Deployment/);
    });

    it("prod previews with the policy pack and 0 violations once the pipeline has set the digests", async () => {
        ws.editStack("prod", (config) => {
            const images = config["azora-platform:images"] as Record<string, unknown>;
            images.digests = pipelineDigests(catalog);
        });
        const r = await preview("prod");
        expect(r.code, r.output).toBe(0);
        expect(r.output).not.toMatch(/mandatory|advisory/i);
    });
});
