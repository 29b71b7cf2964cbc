// How every stack deploys (issue 19): one parallelism for the Makefile, the test and bench workspaces
// and the deploy workflow, and intermediate checkpoints skipped only where the state is disposable.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { deployParallelism, pulumiEnv, repoRoot } from "../../scripts/lib/workspace";

const read = (f: string): string => readFileSync(path.join(repoRoot, f), "utf8");
interface Workflow {
    jobs: Record<
        string,
        {
            steps: { name?: string; with?: Record<string, unknown>; env?: Record<string, unknown> }[];
            env?: Record<string, unknown>;
        }
    >;
    env?: Record<string, unknown>;
}
const deployStack = parse(read(".github/workflows/deploy-stack.yml")) as Workflow;
const upStep = Object.values(deployStack.jobs)
    .flatMap((j) => j.steps)
    .find((s) => s.with?.command === "up");

describe("deploy settings", () => {
    it("run the Makefile's up with the workspaces' parallelism", () => {
        expect(/^DEPLOY_PARALLEL := (\d+)$/m.exec(read("Makefile"))?.[1]).toBe(String(deployParallelism));
        expect(read("Makefile")).toMatch(/pulumi up .*--parallel \$\(DEPLOY_PARALLEL\)/);
    });

    it("run a real environment's up with the same parallelism", () => {
        expect(upStep?.with?.parallel).toBe(deployParallelism);
    });

    it("refresh before a real environment's up, so a deploy puts drift back", () => {
        expect(upStep?.with?.refresh).toBe(true);
    });

    it("keep the checkpoints of a real environment's up", () => {
        const all = JSON.stringify([
            deployStack.env,
            ...Object.values(deployStack.jobs).flatMap((j) => [j.env, ...j.steps.map((s) => s.env)]),
        ]);
        expect(all).not.toContain("PULUMI_SKIP_CHECKPOINTS");
    });

    it("skip the intermediate checkpoints of the throw-away workspaces' stacks only", () => {
        expect(pulumiEnv().PULUMI_SKIP_CHECKPOINTS).toBe("true");
        expect(pulumiEnv({ PULUMI_SKIP_CHECKPOINTS: "false" }).PULUMI_SKIP_CHECKPOINTS).toBe("false");
    });
});
